/* Weekly shifts and rotations as cover patterns (see shiftpat.h for the conventions).
 *
 * Every generator reduces a pattern to its occurrences [s, s + length) that can touch the grid,
 * splits each into at most three on-duty spans (before, inside and after the break window) and
 * hands them to cs_cover_add_spans, which does the pro-rata mapping onto intervals.  Paid hours
 * are counted here, from the same occurrences clipped to the grid's range. */
#include "experiments/shiftpat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400.0
#define WEEK (7.0 * DAY)

/* Spans of one pattern under construction, plus its paid hours. */
typedef struct spanbuf {
    cs_cover_span *v;
    size_t n, cap;
    double paid_s; /* paid seconds inside the grid's range */
} spanbuf;

typedef struct breaks {
    double time, from, to; /* to > from; from = to = 0 means the whole shift */
    int unpaid;
} breaks;

static cs_status check_breaks(const char *name, double length, const breaks *b, cs_error *err)
{
    if (!(isfinite(b->time) && b->time >= 0.0))
        return cs_error_set(err, CS_EDOM, "shift '%s': break time must be >= 0 seconds, got %g",
                            name, b->time);
    const double from = b->from, to = (b->from == 0.0 && b->to == 0.0) ? length : b->to;
    if (!(from >= 0.0 && to > from && to <= length))
        return cs_error_set(err, CS_EDOM,
                            "shift '%s': the break window [%g, %g) s must lie within the shift "
                            "(0 to %g s from its start)",
                            name, b->from, b->to, length);
    if (!(b->time <= to - from))
        return cs_error_set(err, CS_EDOM,
                            "shift '%s': %g s of break does not fit its window of %g s", name,
                            b->time, to - from);
    if (b->time >= length)
        return cs_error_set(err, CS_EDOM,
                            "shift '%s': the break (%g s) must be shorter than the shift (%g s)",
                            name, b->time, length);
    return CS_OK;
}

static int push_span(spanbuf *sb, double a, double b, double f)
{
    if (!(b > a))
        return 0;
    if (sb->n == sb->cap) {
        size_t cap = sb->cap ? 2 * sb->cap : 64;
        cs_cover_span *v = realloc(sb->v, cap * sizeof *v);
        if (!v)
            return -1;
        sb->v = v;
        sb->cap = cap;
    }
    sb->v[sb->n++] = (cs_cover_span){a, b, f};
    return 0;
}

/* One occurrence starting at s: its spans, and its paid time inside [g0, g1). */
static int add_occurrence(spanbuf *sb, double s, double length, const breaks *b, double g0,
                          double g1)
{
    if (s >= g1 || s + length <= g0)
        return 0;
    const double from = b->from, to = (b->from == 0.0 && b->to == 0.0) ? length : b->to;
    const double inside = 1.0 - b->time / (to - from);
    if (push_span(sb, s, s + from, 1.0) || push_span(sb, s + from, s + to, inside) ||
        push_span(sb, s + to, s + length, 1.0))
        return -1;
    const double clip = fmin(s + length, g1) - fmax(s, g0);
    sb->paid_s += clip * (b->unpaid ? 1.0 - b->time / length : 1.0);
    return 0;
}

static void grid_range(const cs_cover *c, double *g0, double *g1)
{
    const cs_cover_interval *g = cs_cover_grid(c);
    *g0 = g[0].start;
    *g1 = g[cs_cover_n_intervals(c) - 1].end;
}

static void hhmm(double t, char *buf, size_t size)
{
    const long s = (long)floor(t + 0.5);
    if (s % 60)
        snprintf(buf, size, "%02ld:%02ld:%02ld", s / 3600, s % 3600 / 60, s % 60);
    else
        snprintf(buf, size, "%02ld:%02ld", s / 3600, s % 3600 / 60);
}

/* "Mon-Fri", "Mon,Wed,Fri", "Sat-Sun". */
static void days_text(unsigned days, char *buf, size_t size)
{
    static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    size_t u = 0;
    buf[0] = '\0';
    for (int d = 0; d < 7;) {
        if (!(days & (1u << d))) {
            d++;
            continue;
        }
        int e = d;
        while (e + 1 < 7 && (days & (1u << (e + 1))))
            e++;
        int w = e == d ? snprintf(buf + u, size - u, "%s%s", u ? "," : "", wd[d])
                       : snprintf(buf + u, size - u, "%s%s-%s", u ? "," : "", wd[d], wd[e]);
        if (w < 0 || (size_t)w >= size - u)
            return;
        u += (size_t)w;
        d = e + 1;
    }
}

unsigned cs_shiftpat_days_run(int first_day, int n_days)
{
    unsigned m = 0;
    for (int k = 0; k < n_days && k < 7; k++)
        m |= 1u << (unsigned)(((first_day + k) % 7 + 7) % 7);
    return m;
}

void cs_shiftpat_from_shift(const cs_shift *sh, int pool, const char *name,
                            cs_shiftpat_weekly *out)
{
    CS_REQUIRE(sh != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    out->name = name;
    out->pool = pool;
    out->days = sh->days;
    out->start_first = out->start_last = sh->start;
    out->length = sh->length;
    out->break_time = sh->break_time;
    out->cost_per_hour = -1.0;
    out->max_heads = -1;
}

cs_status cs_shiftpat_add_weekly(cs_cover *c, const cs_shiftpat_weekly *w, int *first,
                                 int *count, cs_error *err)
{
    CS_REQUIRE(c != NULL && w != NULL);
    const char *nm = w->name ? w->name : "shift";
    if (first)
        *first = cs_cover_n_patterns(c);
    if (count)
        *count = 0;
    if ((w->days & 0x7Fu) == 0 || (w->days & ~0x7Fu))
        return cs_error_set(err, CS_EDOM,
                            "shift '%s': days must name at least one weekday (bits 0-6, Monday "
                            "= bit 0), got 0x%x",
                            nm, w->days);
    if (!(w->length > 0.0 && w->length <= 2.0 * DAY))
        return cs_error_set(err, CS_EDOM,
                            "shift '%s': length must be more than 0 and at most 48 h, got %g s",
                            nm, w->length);
    if (!(w->start_first >= 0.0 && w->start_first < DAY && w->start_last >= w->start_first &&
          w->start_last < 2.0 * DAY))
        return cs_error_set(err, CS_EDOM,
                            "shift '%s': start window %g-%g s after midnight must have its first "
                            "start in [0, 24 h) and its last start not before the first",
                            nm, w->start_first, w->start_last);
    const int window = w->start_last > w->start_first;
    if (window && !(w->start_step > 0.0))
        return cs_error_set(err, CS_EDOM,
                            "shift '%s': a start window needs a step > 0 (e.g. 900 s), got %g",
                            nm, w->start_step);
    const double n_starts = window ? floor((w->start_last - w->start_first) / w->start_step +
                                           1e-9) + 1.0
                                   : 1.0;
    if (n_starts > 10000.0)
        return cs_error_set(err, CS_EDOM,
                            "shift '%s': the start window gives %.0f starts; use a larger step",
                            nm, n_starts);
    const breaks b = {w->break_time, w->break_from, w->break_to, w->unpaid_break};
    cs_status st = check_breaks(nm, w->length, &b, err);
    if (st != CS_OK)
        return st;

    double g0, g1;
    grid_range(c, &g0, &g1);
    spanbuf sb = {0};
    int added = 0;
    char days[40];
    days_text(w->days & 0x7Fu, days, sizeof days);
    for (int q = 0; q < (int)n_starts && st == CS_OK; q++) {
        const double start = w->start_first + q * (window ? w->start_step : 0.0);
        sb.n = 0;
        sb.paid_s = 0.0;
        for (int d = 0; d < 7; d++) {
            if (!(w->days & (1u << d)))
                continue;
            const double t0 = d * DAY + start;
            const double kmin = floor((g0 - t0 - w->length) / WEEK);
            const double kmax = ceil((g1 - t0) / WEEK);
            for (double k = kmin; k <= kmax; k++)
                if (add_occurrence(&sb, k * WEEK + t0, w->length, &b, g0, g1)) {
                    st = cs_error_set(err, CS_ENOMEM, "out of memory generating shifts");
                    break;
                }
        }
        if (st != CS_OK)
            break;
        char name[2 * CS_COVER_NAME_MAX + 64], hm[32]; /* the cover truncates names */
        hhmm(start, hm, sizeof hm);
        snprintf(name, sizeof name, "%s %s %s", nm, days, hm);
        const cs_cover_shape shape = {.kind = CS_COVER_WEEKLY,
                                      .days = w->days,
                                      .start = start,
                                      .length = w->length,
                                      .break_time = w->break_time,
                                      .break_from = w->break_from,
                                      .break_to = w->break_to};
        const double hours = sb.paid_s / 3600.0;
        const cs_cover_pattern p = {.name = name,
                                    .pool = w->pool,
                                    .paid_hours = hours,
                                    .cost = w->cost_per_hour >= 0.0 ? hours * w->cost_per_hour
                                                                    : -1.0,
                                    .min_heads = w->min_heads,
                                    .max_heads = w->max_heads,
                                    .shape = &shape};
        if ((st = cs_cover_add_spans(c, &p, sb.v, sb.n, NULL, err)) == CS_OK)
            added++;
    }
    free(sb.v);
    if (count)
        *count = added;
    return st;
}

void cs_shiftpat_4on4off(double day_start, double night_start, double start[8],
                         double length[8])
{
    for (int k = 0; k < 8; k++) {
        start[k] = k < 2 ? day_start : k < 4 ? night_start : -1.0;
        length[k] = k < 4 ? 12.0 * 3600.0 : 0.0;
    }
}

/* The spans of crew `offset` with the cycle anchored at `anchor`. */
static int crew_spans(spanbuf *sb, const cs_shiftpat_rotation *r, const breaks *b, int offset,
                      double anchor, double g0, double g1)
{
    const long L = r->cycle_days;
    /* Shifts start on their own day and last at most 48 h, so days from two before the grid
     * to its last day are enough. */
    const double dmin = floor((g0 - anchor) / DAY) - 2.0, dmax = ceil((g1 - anchor) / DAY);
    for (double D = dmin; D <= dmax; D++) {
        const long k = (((long)D - offset) % L + L) % L;
        if (r->start[k] < 0.0)
            continue;
        if (add_occurrence(sb, anchor + D * DAY + r->start[k], r->length[k], b, g0, g1))
            return -1;
    }
    return 0;
}

static long gcd_l(long a, long b)
{
    while (b) {
        long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

cs_status cs_shiftpat_add_rotation(cs_cover *c, const cs_shiftpat_rotation *r, int *first,
                                   int *count, cs_error *err)
{
    CS_REQUIRE(c != NULL && r != NULL);
    const char *nm = r->name ? r->name : "rotation";
    if (first)
        *first = cs_cover_n_patterns(c);
    if (count)
        *count = 0;
    if (r->cycle_days < 1 || r->cycle_days > 366 || !r->start || !r->length)
        return cs_error_set(err, CS_EDOM,
                            "rotation '%s': needs a cycle of 1 to 366 days with a start and a "
                            "length per cycle day, got a cycle of %d days",
                            nm, r->cycle_days);
    if (!isfinite(r->anchor))
        return cs_error_set(err, CS_EDOM, "rotation '%s': the anchor time must be finite", nm);
    if (r->mode != CS_SHIFTPAT_CREWS && r->mode != CS_SHIFTPAT_WATCHES)
        return cs_error_set(err, CS_EDOM, "rotation '%s': unknown mode %d", nm, (int)r->mode);
    double longest = 0.0;
    int working = 0;
    const breaks b = {r->break_time, r->break_from, r->break_to, r->unpaid_break};
    for (int k = 0; k < r->cycle_days; k++) {
        if (r->start[k] < 0.0)
            continue;
        working++;
        if (!(r->start[k] < DAY) || !(r->length[k] > 0.0 && r->length[k] <= 2.0 * DAY))
            return cs_error_set(err, CS_EDOM,
                                "rotation '%s', cycle day %d: a shift starts in [0, 24 h) after "
                                "midnight and lasts more than 0 and at most 48 h, got start %g s, "
                                "length %g s",
                                nm, k + 1, r->start[k], r->length[k]);
        cs_status st = check_breaks(nm, r->length[k], &b, err);
        if (st != CS_OK)
            return st;
        longest = fmax(longest, r->length[k]);
    }
    if (!working)
        return cs_error_set(err, CS_EDOM, "rotation '%s' has no working day in its cycle", nm);
    const int n_crews = r->offsets ? r->n_offsets : r->cycle_days;
    if (n_crews < 1)
        return cs_error_set(err, CS_EDOM, "rotation '%s' has no crew", nm);
    for (int q = 0; r->offsets && q < n_crews; q++)
        if (r->offsets[q] < 0 || r->offsets[q] >= r->cycle_days)
            return cs_error_set(err, CS_EDOM,
                                "rotation '%s': crew offset %d must be in [0, %d) days", nm,
                                r->offsets[q], r->cycle_days);

    double g0, g1;
    grid_range(c, &g0, &g1);
    const size_t N = cs_cover_n_intervals(c);
    cs_status st = CS_OK;
    spanbuf sb = {0};
    int added = 0;
    cs_cover_shape shape = {.kind = r->mode == CS_SHIFTPAT_CREWS ? CS_COVER_CREW
                                                                 : CS_COVER_WATCHES,
                            .length = longest,
                            .break_time = r->break_time,
                            .break_from = r->break_from,
                            .break_to = r->break_to,
                            .cycle_days = r->cycle_days,
                            .anchor = r->anchor};
    if (r->mode == CS_SHIFTPAT_CREWS) {
        for (int q = 0; q < n_crews && st == CS_OK; q++) {
            const int off = r->offsets ? r->offsets[q] : q;
            sb.n = 0;
            sb.paid_s = 0.0;
            if (crew_spans(&sb, r, &b, off, r->anchor, g0, g1)) {
                st = cs_error_set(err, CS_ENOMEM, "out of memory generating a rotation");
                break;
            }
            char name[2 * CS_COVER_NAME_MAX];
            snprintf(name, sizeof name, "%s crew +%dd", nm, off);
            shape.offset = off;
            const double hours = sb.paid_s / 3600.0;
            const cs_cover_pattern p = {.name = name,
                                        .pool = r->pool,
                                        .paid_hours = hours,
                                        .cost = r->cost_per_hour >= 0.0
                                                    ? hours * r->cost_per_hour
                                                    : -1.0,
                                        .min_heads = r->min_heads,
                                        .max_heads = r->max_heads,
                                        .shape = &shape};
            if ((st = cs_cover_add_spans(c, &p, sb.v, sb.n, NULL, err)) == CS_OK)
                added++;
        }
        free(sb.v);
        if (count)
            *count = added;
        return st;
    }

    /* WATCHES: coverage per alignment through a scratch problem on the same grid, then the
     * minimum over alignments. */
    const long L = r->cycle_days;
    const long n_align = L / gcd_l(7, L);
    double *cov = malloc(N * sizeof *cov);
    cs_cover *scratch = NULL;
    if (!cov) {
        free(cov);
        return cs_error_set(err, CS_ENOMEM, "out of memory generating a rotation");
    }
    for (size_t i = 0; i < N; i++)
        cov[i] = HUGE_VAL;
    double paid_sum = 0.0;
    if ((st = cs_cover_create(cs_cover_grid(c), N, &scratch, err)) != CS_OK ||
        (st = cs_cover_add_pool(scratch, "scratch", 0.0, 0.0, -1, NULL, err)) != CS_OK)
        goto done;
    for (long a = 0; a < n_align && st == CS_OK; a++) {
        /* Week a later the grid meets the cycle 7 a days further on: shift the anchor back.
         * Each crew is mapped on its own (two crews may be on duty at once, which one pattern's
         * spans could not express) and the coverages added. */
        const double anchor = r->anchor - 7.0 * (double)a * DAY;
        double *sum = calloc(N, sizeof *sum);
        if (!sum) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory generating a rotation");
            goto done;
        }
        for (int q = 0; q < n_crews && st == CS_OK; q++) {
            sb.n = 0;
            sb.paid_s = 0.0;
            if (crew_spans(&sb, r, &b, r->offsets ? r->offsets[q] : q, anchor, g0, g1)) {
                st = cs_error_set(err, CS_ENOMEM, "out of memory generating a rotation");
                break;
            }
            paid_sum += sb.paid_s;
            const cs_cover_pattern p = {.name = "crew", .pool = 0, .max_heads = -1};
            int ix;
            if ((st = cs_cover_add_spans(scratch, &p, sb.v, sb.n, &ix, err)) == CS_OK)
                for (size_t i = 0; i < N; i++)
                    sum[i] += cs_cover_coverage(scratch, ix, i);
        }
        for (size_t i = 0; i < N; i++)
            cov[i] = fmin(cov[i], sum[i]);
        free(sum);
    }
    if (st != CS_OK)
        goto done;
    {
        char name[2 * CS_COVER_NAME_MAX];
        snprintf(name, sizeof name, "%s watches (%d crews)", nm, n_crews);
        shape.offset = n_crews;
        const double hours = paid_sum / (double)n_align / 3600.0;
        const cs_cover_pattern p = {.name = name,
                                    .pool = r->pool,
                                    .paid_hours = hours,
                                    .cost = r->cost_per_hour >= 0.0 ? hours * r->cost_per_hour
                                                                    : -1.0,
                                    .min_heads = r->min_heads,
                                    .max_heads = r->max_heads,
                                    .people_per_head = n_crews,
                                    .shape = &shape};
        if ((st = cs_cover_add_pattern(c, &p, cov, NULL, err)) == CS_OK)
            added = 1;
    }
done:
    cs_cover_destroy(scratch);
    free(sb.v);
    free(cov);
    if (count)
        *count = added;
    return st;
}
