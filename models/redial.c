#include "models/redial.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct att {
    uint64_t caller;
    double t;
    int32_t line;
    int32_t failed;
} att;

struct cs_redialest {
    att *a;
    size_t n, cap;
};

static const double WINDOWS[CS_REDIALEST_N_WINDOWS] = {300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 57600, 86400};

cs_redialest *cs_redialest_create(void) { return calloc(1, sizeof(cs_redialest)); }

void cs_redialest_destroy(cs_redialest *e)
{
    if (!e) return;
    free(e->a);
    free(e);
}

cs_status cs_redialest_add(cs_redialest *e, uint64_t caller, double t, int line, int failed, cs_error *err)
{
    if (caller == 0 || !isfinite(t) || line < 0)
        return cs_error_set(err, CS_EINPUT, "a redial attempt needs a caller id, a finite time and a line");
    if (e->n == e->cap) {
        size_t nc = e->cap ? 2 * e->cap : 4096;
        att *na = realloc(e->a, nc * sizeof *na);
        if (!na) return cs_error_set(err, CS_ENOMEM, "out of memory");
        e->a = na;
        e->cap = nc;
    }
    e->a[e->n++] = (att){caller, t, line, failed ? 1 : 0};
    return CS_OK;
}

static int cmp_att(const void *pa, const void *pb)
{
    const att *x = pa, *y = pb;
    if (x->caller != y->caller) return x->caller < y->caller ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static int cmp_double(const void *pa, const void *pb)
{
    double x = *(const double *)pa, y = *(const double *)pb;
    return (x > y) - (x < y);
}

/* Counts, among the line's attempts at least w before t_end, failed and answered ones and how
 * many of each were followed by another attempt within w. */
static void count_within(const cs_redialest *e, const double *gap, int line, double t_end, double w, double *nf,
                         double *xf, double *na, double *xa)
{
    *nf = *xf = *na = *xa = 0;
    for (size_t i = 0; i < e->n; i++) {
        const att *a = &e->a[i];
        if ((line >= 0 && a->line != line) || a->t > t_end - w) continue;
        int hit = gap[i] <= w;
        if (a->failed) {
            *nf += 1;
            *xf += hit;
        } else {
            *na += 1;
            *xa += hit;
        }
    }
}

cs_status cs_redialest_estimate(cs_redialest *e, int line, double t_end, cs_redialest_fit *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    out->prob = out->prob_lo = out->prob_hi = 0;
    if (e->n > 1) qsort(e->a, e->n, sizeof *e->a, cmp_att);
    double *gap = malloc((e->n ? e->n : 1) * sizeof *gap);
    if (!gap) return cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t i = 0; i < e->n; i++)
        gap[i] = i + 1 < e->n && e->a[i + 1].caller == e->a[i].caller ? e->a[i + 1].t - e->a[i].t : INFINITY;
    double best = -INFINITY;
    for (int k = 0; k < CS_REDIALEST_N_WINDOWS; k++) {
        double nf, xf, na, xa;
        out->windows[k] = WINDOWS[k];
        count_within(e, gap, line, t_end, WINDOWS[k], &nf, &xf, &na, &xa);
        out->excess[k] = nf >= 30 && na >= 30 && xa < na ? (xf / nf - xa / na) / (1 - xa / na) : NAN;
        if (out->excess[k] > best) best = out->excess[k];
    }
    if (!isfinite(best)) {
        snprintf(out->note, sizeof out->note, "too few identified callers to follow (at least 30 failed and 30 "
                                              "answered attempts a window before the end of the log)");
        free(gap);
        return CS_OK;
    }
    int kw = 0;
    while (kw < CS_REDIALEST_N_WINDOWS && !(out->excess[kw] >= 0.95 * best)) kw++;
    double W = WINDOWS[kw];
    out->window = W;
    double nf, xf, na, xa;
    count_within(e, gap, line, t_end, W, &nf, &xf, &na, &xa);
    out->n_failed = (size_t)nf;
    out->n_answered = (size_t)na;
    out->p_failed = xf / nf;
    out->p_answered = xa / na;
    double bg = out->p_answered;
    double ex = (out->p_failed - bg) / (1 - bg);
    /* Delta method: d/dPf = 1/(1-Pa), d/dPa = (Pf-1)/(1-Pa)^2. */
    double se = sqrt(out->p_failed * (1 - out->p_failed) / nf / ((1 - bg) * (1 - bg)) +
                     bg * (1 - bg) / na * pow((out->p_failed - 1) / ((1 - bg) * (1 - bg)), 2));
    out->prob = ex < 0 ? 0 : ex > 1 ? 1 : ex;
    out->prob_lo = fmax(0, ex - 1.959964 * se);
    out->prob_hi = fmin(1, ex + 1.959964 * se);
    out->ok = 1;
    if (!(ex > 0)) {
        snprintf(out->note, sizeof out->note, "failed attempts are not followed by more calls than answered ones: "
                                              "no redials");
        free(gap);
        return CS_OK;
    }
    /* The excess distribution of the delay: F(w) = (Pf(gap <= w) - Pa(gap <= w)) / ex. */
    double *gf = malloc((e->n ? e->n : 1) * sizeof *gf), *ga = malloc((e->n ? e->n : 1) * sizeof *ga);
    size_t mf = 0, ma = 0;
    if (!gf || !ga) {
        free(gf);
        free(ga);
        free(gap);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < e->n; i++) {
        const att *a = &e->a[i];
        if ((line >= 0 && a->line != line) || a->t > t_end - W || !(gap[i] <= W)) continue;
        if (a->failed) gf[mf++] = gap[i];
        else ga[ma++] = gap[i];
    }
    qsort(gf, mf, sizeof *gf, cmp_double);
    qsort(ga, ma, sizeof *ga, cmp_double);
    double q[3] = {0.25, 0.5, 0.75}, res[3] = {NAN, NAN, NAN};
    size_t i = 0, j = 0;
    int qi = 0;
    while ((i < mf || j < ma) && qi < 3) {
        double w = i < mf && (j >= ma || gf[i] <= ga[j]) ? gf[i] : ga[j];
        while (i < mf && gf[i] <= w) i++;
        while (j < ma && ga[j] <= w) j++;
        double pa = (double)j / na;
        double F = ((double)i / nf - pa) / (1 - pa) / ex;
        while (qi < 3 && F >= q[qi]) res[qi++] = w;
    }
    for (; qi < 3; qi++) res[qi] = W;
    free(gf);
    free(ga);
    free(gap);
    out->delay_q1 = res[0] > 0 ? res[0] : 1;
    out->delay_median = res[1] > out->delay_q1 ? res[1] : out->delay_q1;
    out->delay_q3 = res[2] > out->delay_median ? res[2] : out->delay_median;
    out->lognormal_mu = log(out->delay_median);
    double iqr = log(out->delay_q3 / out->delay_q1);
    out->lognormal_sigma = iqr > 0 ? iqr / (2 * 0.6744898) : 0.1;
    return CS_OK;
}
