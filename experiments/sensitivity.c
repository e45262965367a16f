/* One-at-a-time low/high effects, ranked.  See experiments/sensitivity.h. */
#include "experiments/sensitivity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/stat.h"

void cs_sens_free(cs_sens *s)
{
    if (!s) return;
    size_t m = 1 + 2 * s->n;
    for (size_t i = 0; i < m; i++) {
        if (s->res) cs_results_free(s->res[i]);
        if (s->scn) cs_scn_free(s->scn[i]);
    }
    free(s->res);
    free(s->scn);
    free(s);
}

cs_status cs_sens_run(const cs_sens_input *inputs, size_t n, const cs_scn *base, cs_exp_build_fn *build,
                      void *ud, const cs_exp_opts *opts, cs_sens **out, cs_error *err)
{
    *out = NULL;
    CS_REQUIRE(n >= 1 && n <= CS_SENS_MAX_INPUTS);
    cs_sens *s = calloc(1, sizeof *s);
    if (!s) return cs_error_set(err, CS_ENOMEM, "out of memory");
    size_t m = 1 + 2 * n;
    s->inputs = inputs;
    s->n = n;
    s->scn = calloc(m, sizeof *s->scn);
    s->res = calloc(m, sizeof *s->res);
    char (*labels)[96] = calloc(m, sizeof *labels);
    const char **lp = calloc(m, sizeof *lp);
    cs_status st = CS_OK;
    if (!s->scn || !s->res || !labels || !lp) st = cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t i = 0; st == CS_OK && i < m; i++) {
        if (i == 0) {
            st = build(ud, NULL, 0, &s->scn[0], err);
            snprintf(labels[0], sizeof labels[0], "the base");
        } else {
            size_t k = (i - 1) / 2;
            int high = (i - 1) % 2;
            cs_exp_setting set = {k, high ? inputs[k].high : inputs[k].low, high ? inputs[k].xhigh : inputs[k].xlow};
            st = build(ud, &set, 1, &s->scn[i], err);
            snprintf(labels[i], sizeof labels[i], "%.60s at its %s value", inputs[k].in.path, high ? "high" : "low");
        }
        lp[i] = labels[i];
    }
    if (st == CS_OK) st = cs_exp_run_trimmed(s->scn, m, base, lp, opts, s->res, err);
    free(labels);
    free(lp);
    if (st != CS_OK) {
        cs_sens_free(s);
        return st;
    }
    *out = s;
    return CS_OK;
}

typedef struct rank_key {
    double size;
    size_t input;
} rank_key;

static int by_size(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    int fx = isfinite(x->size), fy = isfinite(y->size);
    if (fx != fy) return fx ? -1 : 1;
    if (fx && x->size != y->size) return x->size > y->size ? -1 : 1;
    return x->input < y->input ? -1 : x->input > y->input;
}

void cs_sens_rank(const cs_sens *s, const cs_exp_kpi *k, cs_sens_effect *out)
{
    rank_key keys[CS_SENS_MAX_INPUTS];
    cs_sens_effect eff[CS_SENS_MAX_INPUTS];
    const cs_results *b = s->res[0];
    const double *bv = cs_exp_kpi_reps(b, k);
    for (size_t i = 0; i < s->n; i++) {
        cs_sens_effect *e = &eff[i];
        memset(e, 0, sizeof *e);
        e->input = i;
        const double *lo = cs_exp_kpi_reps(s->res[1 + 2 * i], k), *hi = cs_exp_kpi_reps(s->res[2 + 2 * i], k);
        if (bv) cs_ci95(bv, b->n_reps, &e->base, &e->base_ci);
        else e->base = e->base_ci = NAN;
        if (bv && lo) cs_exp_paired(lo, bv, b->n_reps, &e->low, &e->low_ci, NULL);
        else e->low = e->low_ci = NAN;
        if (bv && hi) cs_exp_paired(hi, bv, b->n_reps, &e->high, &e->high_ci, NULL);
        else e->high = e->high_ci = NAN;
        if (lo && hi) cs_exp_paired(hi, lo, b->n_reps, &e->swing, &e->swing_ci, NULL);
        else e->swing = e->swing_ci = NAN;
        keys[i] = (rank_key){fabs(e->swing), i};
    }
    qsort(keys, s->n, sizeof *keys, by_size);
    for (size_t i = 0; i < s->n; i++) out[i] = eff[keys[i].input];
}
