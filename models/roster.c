/* Rosters to staffing; see models/roster.h. */
#include "models/roster.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/calendar.h"
#include "sim/rng.h"
#include "sim/text.h"

#define DAY_S 86400.0
#define WEEK_S (7.0 * DAY_S)

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

double cs_roster_on_duty(const cs_shift *shifts, size_t n, double shrinkage, double t)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const cs_shift *sh = &shifts[i];
        double per = sh->staff * (1.0 - sh->break_time / sh->length) * (1.0 - shrinkage);
        for (int d = 0; d < 7; d++) {
            if (!(sh->days & (1u << d))) continue;
            double since = fmod(t - (d * DAY_S + sh->start) + WEEK_S, WEEK_S);
            if (since < sh->length) sum += per;
        }
    }
    return sum;
}

cs_status cs_roster_round(double x, int *out, cs_error *err)
{
    /* Rounding half up; the tolerance keeps a true x.5 that floating point computed as
     * x.4999999999 on the side the format promises.  The range test comes first, written so
     * that NaN fails it: converting a double outside int's range is undefined behaviour. */
    double r = floor(x + 0.5 + 1e-9);
    if (!(r >= 0 && r <= CS_ROSTER_MAX_LEVEL)) {
        *out = 0;
        if (!isfinite(r))
            return cs_error_set(err, CS_EINPUT, "an undefined number of handlers on duty");
        char a[64], b[64];
        cs_text_fmt_fixed(a, sizeof a, r, 0, CS_TEXT_GROUP);
        cs_text_fmt_fixed(b, sizeof b, CS_ROSTER_MAX_LEVEL, 0, CS_TEXT_GROUP);
        return cs_error_set(err, CS_EINPUT, "%s handlers on duty at once, more than the %s a pool "
                            "can have (far beyond any control room)", a, b);
    }
    *out = (int)r;
    return CS_OK;
}

/* "Mon 07:00" for t seconds into the week (models/ cannot use io/units). */
static void week_time(double t, char *buf, size_t n)
{
    static const char *const day[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    long s = lround(fmod(t, WEEK_S));
    snprintf(buf, n, "%s %02ld:%02ld", day[(s / 86400) % 7], s % 86400 / 3600, s % 3600 / 60);
}

static cs_status alloc_steps(cs_staffing *out, size_t n)
{
    out->at = malloc(n * sizeof *out->at);
    out->level = malloc(n * sizeof *out->level);
    if (out->at && out->level) return CS_OK;
    cs_roster_fini(out);
    return CS_ENOMEM;
}

cs_status cs_roster_build(const cs_shift *shifts, size_t n, double shrinkage, cs_staffing *out,
                          cs_error *err)
{
    out->at = NULL;
    out->level = NULL;
    out->n = 0;
    size_t cap = 1 + 14 * n;
    double *edge = malloc(cap * sizeof *edge);
    if (!edge) return cs_error_set(err, CS_ENOMEM, "out of memory");
    size_t ne = 0;
    edge[ne++] = 0.0;
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 7; d++) {
            if (!(shifts[i].days & (1u << d))) continue;
            double t0 = d * DAY_S + shifts[i].start;
            edge[ne++] = fmod(t0, WEEK_S);
            edge[ne++] = fmod(t0 + shifts[i].length, WEEK_S);
        }
    qsort(edge, ne, sizeof *edge, cmp_double);
    if (alloc_steps(out, ne) != CS_OK) {
        free(edge);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    cs_status st = CS_OK;
    size_t k = 0;
    for (size_t i = 0; i < ne && st == CS_OK; i++) {
        if (i > 0 && edge[i] == edge[i - 1]) continue;
        int lv;
        cs_error e;
        st = cs_roster_round(cs_roster_on_duty(shifts, n, shrinkage, edge[i]), &lv, &e);
        if (st != CS_OK) {
            char when[32];
            week_time(edge[i], when, sizeof when);
            st = cs_error_set(err, st, "from %s the roster has %s", when, e.msg);
            break;
        }
        if (k > 0 && out->level[k - 1] == lv) continue;
        out->at[k] = edge[i];
        out->level[k] = lv;
        k++;
    }
    free(edge);
    if (st != CS_OK) {
        cs_roster_fini(out);
        return st;
    }
    out->n = k;
    return CS_OK;
}

cs_status cs_roster_constant(double staff, double shrinkage, cs_staffing *out, cs_error *err)
{
    out->at = NULL;
    out->level = NULL;
    out->n = 0;
    int lv;
    cs_status st = cs_roster_round(staff * (1.0 - shrinkage), &lv, err);
    if (st != CS_OK) return st;
    if (alloc_steps(out, 1) != CS_OK) return cs_error_set(err, CS_ENOMEM, "out of memory");
    out->n = 1;
    out->at[0] = 0.0;
    out->level[0] = lv;
    return CS_OK;
}

int cs_roster_level_at(const cs_staffing *st, double t)
{
    if (st->n == 0) return 0;
    double w = t - WEEK_S * (double)(long long)(t / WEEK_S);
    /* Step functions have a few dozen steps: a linear scan is clearer than bisection. */
    size_t i = 0;
    while (i + 1 < st->n && st->at[i + 1] <= w) i++;
    return st->level[i];
}

void cs_roster_fini(cs_staffing *st)
{
    if (!st) return;
    free(st->at);
    free(st->level);
    st->at = NULL;
    st->level = NULL;
    st->n = 0;
}

cs_status cs_roster_repeat(const cs_staffing *weekly, double horizon, cs_staffing *out,
                           cs_error *err)
{
    out->at = NULL;
    out->level = NULL;
    out->n = 0;
    if (weekly->n <= 1) {
        if (alloc_steps(out, 1) != CS_OK) return cs_error_set(err, CS_ENOMEM, "out of memory");
        out->n = 1;
        out->at[0] = 0.0;
        out->level[0] = weekly->n ? weekly->level[0] : 0;
        return CS_OK;
    }
    double weeks = ceil(horizon / WEEK_S);
    if (!(weeks >= 1)) weeks = 1;
    if (weeks * (double)weekly->n > (double)(SIZE_MAX / sizeof(double)))
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    size_t cap = (size_t)weeks * weekly->n;
    if (alloc_steps(out, cap) != CS_OK) return cs_error_set(err, CS_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t w = 0; w < (size_t)weeks; w++)
        for (size_t i = 0; i < weekly->n; i++) {
            /* The expression the engine used when staffing repeated every week, so the
             * instants (and every result of `absence: expected`) are unchanged to the bit. */
            double t = WEEK_S * (double)w + weekly->at[i];
            if (k > 0 && t >= horizon) break;
            out->at[k] = t;
            out->level[k] = weekly->level[i];
            k++;
        }
    out->n = k;
    return CS_OK;
}

/* ---------------------------------------------------------------- random absence */

typedef struct delta {
    double t;
    int d;
} delta;

struct cs_roster_people {
    const cs_shift *shifts;
    cs_shift round_the_clock;   /* the pseudo-shift of a constant headcount */
    size_t n_shifts;
    double keep;                /* 1 - shrinkage */
    double horizon;
    cs_clock_spans spans;
    delta *ev;
    delta *tmp;                 /* cap_ev more: the merge sort's other buffer */
    size_t cap_ev;
    cs_staffing out;            /* at/level with room for cap_ev + 1 steps */
};

double cs_roster_person_u(uint64_t seed, size_t shift, long day, size_t person)
{
    uint64_t h = cs_rng_mix64(seed ^ ((uint64_t)shift * 0x9E3779B97F4A7C15ULL + 1));
    h = cs_rng_mix64(h ^ ((uint64_t)(int64_t)day * 0xD1B54A32D192ED03ULL + 1));
    h = cs_rng_mix64(h ^ ((uint64_t)person * 0xBF58476D1CE4E5B9ULL + 1));
    return (double)(h >> 11) * 0x1.0p-53;
}

/* People on a shift: whole ones plus one for a fractional part. */
static size_t people_of(double staff) { return (size_t)ceil(staff); }

void cs_roster_people_destroy(cs_roster_people *p)
{
    if (!p) return;
    cs_clock_spans_fini(&p->spans);
    free(p->ev);
    free(p->tmp);
    cs_roster_fini(&p->out);
    free(p);
}

cs_status cs_roster_people_create(const cs_shift *shifts, size_t n_shifts, double headcount,
                                  double shrinkage, const struct cs_clock *clock, double horizon,
                                  cs_roster_people **out, cs_error *err)
{
    *out = NULL;
    cs_roster_people *p = calloc(1, sizeof *p);
    if (!p) return cs_error_set(err, CS_ENOMEM, "out of memory");
    if (n_shifts == 0) {
        p->round_the_clock = (cs_shift){0x7Fu, 0.0, DAY_S, headcount, 0.0};
        shifts = &p->round_the_clock;
        n_shifts = 1;
    }
    p->shifts = shifts;
    p->n_shifts = n_shifts;
    p->keep = 1.0 - shrinkage;
    p->horizon = horizon;
    /* Shifts of at most a day overlap their own next instance at most once, so no more than
     * two instances of each run at once: a bound on the level that must fit an int. */
    double most = 0;
    for (size_t i = 0; i < n_shifts; i++) {
        if (!(shifts[i].staff >= 0 && shifts[i].staff <= CS_ROSTER_MAX_LEVEL)) most = INFINITY;
        else most += 2.0 * (double)people_of(shifts[i].staff);
    }
    if (!(most <= CS_ROSTER_MAX_LEVEL)) {
        cs_roster_people_destroy(p);
        return cs_error_set(err, CS_EINPUT, "the roster could put more than the %d handlers a "
                            "pool can have on duty at once", CS_ROSTER_MAX_LEVEL);
    }
    cs_status st = cs_clock_expand_shifts(clock, shifts, n_shifts, horizon, &p->spans, err);
    if (st != CS_OK) {
        cs_roster_people_destroy(p);
        return st;
    }
    double need = 0;
    for (size_t k = 0; k < p->spans.n; k++) {
        const cs_shift *sh = &shifts[p->spans.v[k].index];
        need += 2.0 + (sh->break_time > 0 ? 2.0 * (double)people_of(sh->staff) : 0.0);
    }
    if (need > CS_ROSTER_MAX_STEPS) {
        cs_roster_people_destroy(p);
        return cs_error_set(err, CS_EINPUT, "drawing absence person by person would need %.0f "
                            "staffing changes in one run, more than the %u allowed; give this "
                            "pool absence: expected (the rounded expectation) or a shorter "
                            "horizon", need, (unsigned)CS_ROSTER_MAX_STEPS);
    }
    p->cap_ev = (size_t)need;
    p->ev = malloc((p->cap_ev ? p->cap_ev : 1) * sizeof *p->ev);
    p->tmp = malloc((p->cap_ev ? p->cap_ev : 1) * sizeof *p->tmp);
    if (!p->ev || !p->tmp || alloc_steps(&p->out, p->cap_ev + 1) != CS_OK) {
        cs_roster_people_destroy(p);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    *out = p;
    return CS_OK;
}

/* Sorts v[0 .. n-1] by time, tmp (room for n) as the other buffer: insertion sort of runs of
 * 16, then merge passes.  Once per replication on thousands of deltas, where qsort's call to
 * a comparison per pair cost 0.6% of a baseline run.  Ties are summed before a level is read,
 * so the order among equal times cannot matter (qsort's was unspecified too). */
static void sort_deltas(delta *v, delta *tmp, size_t n)
{
    enum { RUN = 16 };
    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            delta x = v[i];
            size_t j = i;
            while (j > lo && x.t < v[j - 1].t) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
    }
    delta *src = v, *dst = tmp;
    for (size_t w = RUN; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) dst[k++] = src[j].t < src[i].t ? src[j++] : src[i++];
            while (i < mid) dst[k++] = src[i++];
            while (j < hi) dst[k++] = src[j++];
        }
        delta *x = src;
        src = dst;
        dst = x;
    }
    if (src != v)
        for (size_t i = 0; i < n; i++) v[i] = src[i];
}

/* Adds a change at t: before the run it belongs to the starting level, after it nowhere. */
static inline void add_delta(cs_roster_people *p, size_t *n, long long *level0, double t, int d)
{
    if (t <= 0) {
        *level0 += d;
    } else if (t < p->horizon) {
        p->ev[*n].t = t;
        p->ev[*n].d = d;
        (*n)++;
    }
}

const cs_staffing *cs_roster_people_draw(cs_roster_people *p, uint64_t seed)
{
    size_t n = 0;
    long long level0 = 0;
    for (size_t k = 0; k < p->spans.n; k++) {
        const cs_clock_span *sp = &p->spans.v[k];
        const cs_shift *sh = &p->shifts[sp->index];
        size_t whole = (size_t)floor(sh->staff), np = people_of(sh->staff);
        double frac = sh->staff - (double)whole;
        int present = 0;
        for (size_t j = 0; j < np; j++) {
            double chance = (j < whole ? 1.0 : frac) * p->keep;
            /* Certain presence (no shrinkage) needs no draw. */
            if (chance >= 1.0 || cs_roster_person_u(seed, sp->index, sp->day, j) < chance)
                present++;
        }
        if (present == 0) continue;
        add_delta(p, &n, &level0, sp->start, present);
        add_delta(p, &n, &level0, sp->end, -present);
        double len = sp->end - sp->start;
        double brk = sh->break_time < len ? sh->break_time : len;
        if (!(brk > 0)) continue;
        /* Not in the first or last hour (handover), nor the first or last quarter of a short
         * shift. */
        double margin = len / 4 < 3600.0 ? len / 4 : 3600.0;
        double win = len - 2 * margin, w0 = sp->start + margin;
        if (brk > win) {
            win = brk;
            w0 = sp->start + (len - brk) / 2;
        }
        for (int r = 0; r < present; r++) {
            double b0 = w0 + (win - brk) * ((double)r + 0.5) / (double)present;
            add_delta(p, &n, &level0, b0, -1);
            add_delta(p, &n, &level0, b0 + brk, +1);
        }
    }
    sort_deltas(p->ev, p->tmp, n);
    cs_staffing *o = &p->out;
    long long level = level0;
    o->at[0] = 0.0;
    o->level[0] = (int)level;
    size_t m = 1;
    for (size_t i = 0; i < n;) {
        double t = p->ev[i].t;
        while (i < n && p->ev[i].t == t) level += p->ev[i++].d;
        if (level == o->level[m - 1]) continue;
        o->at[m] = t;
        o->level[m] = (int)level;
        m++;
    }
    o->n = m;
    return o;
}
