/* Rosters to staffing; see models/roster.h. */
#include "models/roster.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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
