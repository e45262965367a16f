#include "models/fittalk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Elements of the sorted v[0..n) that are <= t. */
static size_t count_le(const double *v, size_t n, double t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

size_t cs_fittalk_waiting(const double *starts, const double *ends, size_t n, double t)
{
    /* Every wait that ended by t also started by t, so the difference counts those still on. */
    return count_le(starts, n, t) - count_le(ends, n, t);
}

typedef struct gsum {
    double n, x, y, xx, xy, yy;
} gsum;

cs_status cs_fittalk_load_test(const double *wait_start, const double *wait_end, size_t nw, const double *answer,
                               const double *talk, const int *group, size_t na, size_t n_groups,
                               cs_fittalk_load *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    double *s = malloc((nw ? nw : 1) * sizeof *s), *e = malloc((nw ? nw : 1) * sizeof *e);
    gsum *g = calloc(n_groups ? n_groups : 1, sizeof *g);
    if (!s || !e || !g) {
        free(s);
        free(e);
        free(g);
        return cs_error_set(err, CS_ENOMEM, "out of memory (talk time and queue length: %zu waits)", nw);
    }
    memcpy(s, wait_start, nw * sizeof *s);
    memcpy(e, wait_end, nw * sizeof *e);
    qsort(s, nw, sizeof *s, cmp_double);
    qsort(e, nw, sizeof *e, cmp_double);
    double sum_x = 0;
    for (size_t i = 0; i < na; i++) {
        if (!(talk[i] > 0) || !isfinite(talk[i]) || !isfinite(answer[i]) || group[i] < 0 ||
            (size_t)group[i] >= n_groups)
            continue;
        double x = (double)cs_fittalk_waiting(s, e, nw, answer[i]), y = log(talk[i]);
        gsum *G = &g[group[i]];
        G->n += 1;
        G->x += x;
        G->y += y;
        G->xx += x * x;
        G->xy += x * y;
        G->yy += y * y;
        out->n++;
        sum_x += x;
    }
    /* Within-group sums of squares: each group's own means taken out (the fixed effects). */
    double sxx = 0, sxy = 0, syy = 0;
    for (size_t k = 0; k < n_groups; k++) {
        const gsum *G = &g[k];
        if (G->n < 1) continue;
        out->groups++;
        sxx += G->xx - G->x * G->x / G->n;
        sxy += G->xy - G->x * G->y / G->n;
        syy += G->yy - G->y * G->y / G->n;
    }
    free(s);
    free(e);
    free(g);
    if (out->n) out->mean_waiting = sum_x / (double)out->n;
    double dof = (double)out->n - (double)out->groups - 1;
    if (out->n < CS_FITTALK_MIN_CALLS + out->groups || !(sxx > 0) || !(syy > 0) || dof < 1) return CS_OK;
    double rss1 = syy - sxy * sxy / sxx;
    if (!(rss1 > 0)) return CS_OK;
    out->ok = 1;
    out->slope = sxy / sxx;
    out->se = sqrt(rss1 / dof / sxx);
    out->lr = (double)out->n * log(syy / rss1);
    out->p_value = gsl_cdf_chisq_Q(out->lr, 1.0);
    return CS_OK;
}
