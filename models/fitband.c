#include "models/fitband.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/* Log-likelihood of one group of hours [h0, h1); *ok = 0 when the group cannot be fitted. */
typedef double (*group_ll_fn)(void *ctx, int h0, int h1, int *ok);

typedef struct grouping {
    int cut[CS_FITBAND_MAX + 1];   /* group g is hours [cut[g], cut[g+1]) */
    size_t n;
    double ll[CS_FITBAND_MAX];
} grouping;

/* Merges groups i-1 and i: ll[i-1] is left for the caller to set. */
static void remove_cut(grouping *g, size_t i)
{
    for (size_t j = i; j < g->n; j++) g->cut[j] = g->cut[j + 1];
    for (size_t j = i; j + 1 < g->n; j++) g->ll[j] = g->ll[j + 1];
    g->n--;
}

static void append_note(char *note, size_t cap, const char *text)
{
    size_t l = strlen(note);
    snprintf(note + l, cap - l, "%s%s", l ? "; " : "", text);
}

/* The whole procedure of the header comment, on hourly counts obs[] (and ev[], or NULL). */
static void group_hours(const double *obs, const double *ev, double min_obs, double min_ev, group_ll_fn fn, void *ctx,
                        int k, grouping *g, cs_fitband_test *test)
{
    memset(test, 0, sizeof *test);
    double total = 0;
    for (int h = 0; h < 24; h++) total += obs[h];
    /* Initial groups: an hour with enough data stands alone; a run of hours with too little is
     * one group if the run has enough between its hours, else it joins the neighbouring group
     * with fewer observations (so a quiet night is not lumped with a busy morning hour). */
    double go[25], ge[25];
    g->n = 0;
    for (int h = 0; h < 24;) {
        int big = obs[h] >= min_obs && (ev ? ev[h] : obs[h]) >= min_ev;
        int e = h + 1;
        if (!big)
            while (e < 24 && !(obs[e] >= min_obs && (ev ? ev[e] : obs[e]) >= min_ev)) e++;
        g->cut[g->n] = h;
        go[g->n] = ge[g->n] = 0;
        for (int x = h; x < e; x++) {
            go[g->n] += obs[x];
            ge[g->n] += ev ? ev[x] : obs[x];
        }
        g->n++;
        h = e;
    }
    g->cut[g->n] = 24;
    for (;;) {
        size_t small = g->n;
        for (size_t i = 0; i < g->n && g->n > 1; i++)
            if (go[i] < min_obs || ge[i] < min_ev) {
                small = i;
                break;
            }
        if (small == g->n) break;
        size_t into = small == 0 ? 1 : small + 1 == g->n ? small - 1 : go[small - 1] <= go[small + 1] ? small - 1 : small + 1;
        size_t lo = small < into ? small : into;
        go[lo] += go[lo + 1];
        ge[lo] += ge[lo + 1];
        for (size_t j = lo + 1; j + 1 < g->n; j++) {
            go[j] = go[j + 1];
            ge[j] = ge[j + 1];
        }
        remove_cut(g, lo + 1);
    }
    int ok = 1;
    test->loglik_pooled = fn(ctx, 0, 24, &ok);
    test->aic_pooled = 2.0 * k - 2.0 * test->loglik_pooled;
    if (!ok) {
        test->n_bands = 1;
        append_note(test->note, sizeof test->note, "no fit for the whole day");
        return;
    }
    if (g->n == 1) {
        char b[160];
        snprintf(b, sizeof b, "%.0f observations: too few to compare the hours (bands need at least %.0f each)",
                 total, min_obs);
        append_note(test->note, sizeof test->note, b);
    }
    /* Fit every group; a group that cannot be fitted is merged into a neighbour. */
    for (size_t i = 0; i < g->n;) {
        int gok = 1;
        g->ll[i] = g->n == 1 ? test->loglik_pooled : fn(ctx, g->cut[i], g->cut[i + 1], &gok);
        if (gok) {
            i++;
            continue;
        }
        append_note(test->note, sizeof test->note, "a band that could not be fitted was joined to its neighbour");
        if (i + 1 < g->n) {
            remove_cut(g, i + 1);   /* merge with the next; refit this one */
        } else {
            remove_cut(g, i);       /* the last: merge with the previous */
            i--;
        }
    }
    /* Greedy merging while AIC does not rise.  BIC (k ln n per group) was tried: it merged the
     * 1999 bank's afternoon hours, whose mean talk times differ by 10-20 s, and a replay of the
     * log then missed its busiest hours by 2 points more; a 5% difference in talk time at a
     * congested hour moves abandonment by points.  The search finds noise too: on identical
     * data it kept bands in 5 of 100 simulated logs (each with a negligible difference in its
     * means); the final likelihood-ratio test at CS_FITBAND_P is the guard. */
    double pen = 2.0 * k;
    double pair[CS_FITBAND_MAX];
    int pair_ok[CS_FITBAND_MAX];
    for (size_t i = 0; i + 1 < g->n; i++) pair[i] = fn(ctx, g->cut[i], g->cut[i + 2], &pair_ok[i]);
    while (g->n > 1) {
        size_t best = 0;
        double best_d = INFINITY;
        for (size_t i = 0; i + 1 < g->n; i++) {
            if (!pair_ok[i]) continue;
            double d = 2.0 * (g->ll[i] + g->ll[i + 1] - pair[i]) - pen;
            if (d < best_d) {
                best_d = d;
                best = i;
            }
        }
        if (!(best_d <= 0)) break;
        g->ll[best] = pair[best];
        remove_cut(g, best + 1);
        /* pair[] shifts like ll[] did; the merged group's two pairs change. */
        for (size_t j = best + 1; j + 1 < g->n; j++) {
            pair[j] = pair[j + 1];
            pair_ok[j] = pair_ok[j + 1];
        }
        if (best > 0) pair[best - 1] = fn(ctx, g->cut[best - 1], g->cut[best + 1], &pair_ok[best - 1]);
        if (best + 1 < g->n) pair[best] = fn(ctx, g->cut[best], g->cut[best + 2], &pair_ok[best]);
    }
    /* AIC's penalty is small next to the differences chance makes between neighbouring hours
     * in a large sample, so the search keeps splits inside a homogeneous stretch (a log whose
     * talk time changes once, at noon, came out in six morning bands).  A second pass merges
     * neighbours whose own likelihood-ratio test does not tell them apart at p < CS_FITBAND_PAIR_P,
     * the least distinct pair first. */
    while (g->n > 1) {
        size_t best = 0;
        double best_p = -1;
        for (size_t i = 0; i + 1 < g->n; i++) {
            if (!pair_ok[i]) continue;
            double lr = 2.0 * (g->ll[i] + g->ll[i + 1] - pair[i]);
            double pv = lr > 0 ? gsl_cdf_chisq_Q(lr, k) : 1.0;
            if (pv > best_p) {
                best_p = pv;
                best = i;
            }
        }
        if (!(best_p > CS_FITBAND_PAIR_P)) break;
        g->ll[best] = pair[best];
        remove_cut(g, best + 1);
        for (size_t j = best + 1; j + 1 < g->n; j++) {
            pair[j] = pair[j + 1];
            pair_ok[j] = pair_ok[j + 1];
        }
        if (best > 0) pair[best - 1] = fn(ctx, g->cut[best - 1], g->cut[best + 1], &pair_ok[best - 1]);
        if (best + 1 < g->n) pair[best] = fn(ctx, g->cut[best], g->cut[best + 2], &pair_ok[best]);
    }
    test->n_bands = g->n;
    test->loglik_bands = 0;
    for (size_t i = 0; i < g->n; i++) test->loglik_bands += g->ll[i];
    test->aic_bands = 2.0 * k * (double)g->n - 2.0 * test->loglik_bands;
    test->df = (double)k * (double)(g->n - 1);
    test->lr = 2.0 * (test->loglik_bands - test->loglik_pooled);
    if (test->lr < 0) test->lr = 0;
    test->p_value = g->n > 1 ? gsl_cdf_chisq_Q(test->lr, test->df) : 1.0;
    test->use_bands = g->n > 1 && test->aic_bands < test->aic_pooled && test->p_value < CS_FITBAND_P;
    if (!test->use_bands) test->n_bands = 1;
}

/* ---- durations ----------------------------------------------------------------------------- */

typedef struct dur_ctx {
    cs_fit_family fam;
    const double *t, *tod;
    const int *event;
    size_t n;
    double *ts;
    int *es;
    cs_fit_options opt;
    int oom;
} dur_ctx;

static size_t gather(dur_ctx *c, int h0, int h1)
{
    size_t m = 0;
    double a = h0 * 3600.0, b = h1 * 3600.0;
    for (size_t i = 0; i < c->n; i++)
        if (c->tod[i] >= a && c->tod[i] < b) {
            c->ts[m] = c->t[i];
            c->es[m] = c->event ? c->event[i] : 1;
            m++;
        }
    return m;
}

static double dur_ll(void *vctx, int h0, int h1, int *ok)
{
    dur_ctx *c = vctx;
    size_t m = gather(c, h0, h1);
    cs_fit_result r;
    memset(&r, 0, sizeof r);
    cs_error e = {CS_OK, ""};
    *ok = m > 0 && cs_fit_one(c->fam, c->ts, m, c->es, &c->opt, &r, &e) == CS_OK && r.ok && isfinite(r.loglik);
    if (e.code == CS_ENOMEM) c->oom = 1;
    double ll = r.loglik;
    cs_fit_result_fini(&r);
    return *ok ? ll : -INFINITY;
}

cs_status cs_fitband_fit_durations(cs_fit_family fam, const double *t, const int *event, const double *tod,
                                   size_t n, size_t min_obs, size_t min_events, double zero_time,
                                   cs_fitband_durations *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    out->family = fam;
    if (n == 0 || !(zero_time > 0)) return cs_error_set(err, CS_EINPUT, "time-of-day bands need data and a zero time > 0");
    double obs[24] = {0}, ev[24] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!(tod[i] >= 0 && tod[i] < 86400))
            return cs_error_set(err, CS_EINPUT, "time of day %g of observation %zu is outside [0, 86400)", tod[i], i);
        int h = (int)(tod[i] / 3600);
        obs[h] += 1;
        ev[h] += event ? event[i] : 1;
    }
    dur_ctx c = {fam, t, tod, event, n, malloc(n * sizeof(double)), malloc(n * sizeof(int)), {zero_time}, 0};
    if (!c.ts || !c.es) {
        free(c.ts);
        free(c.es);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    int k = fam == CS_FIT_EXPONENTIAL ? 1 : 2;
    grouping g;
    group_hours(obs, ev, (double)min_obs, (double)min_events, dur_ll, &c, k, &g, &out->test);
    cs_status st = CS_OK;
    if (c.oom) st = cs_error_set(err, CS_ENOMEM, "out of memory");
    size_t nb = out->test.use_bands ? g.n : 1;
    for (size_t b = 0; st == CS_OK && b < nb; b++) {
        int h0 = nb == 1 ? 0 : g.cut[b], h1 = nb == 1 ? 24 : g.cut[b + 1];
        size_t m = gather(&c, h0, h1);
        out->from[b] = h0 * 3600.0;
        out->to[b] = h1 * 3600.0;
        out->n[b] = m;
        for (size_t i = 0; i < m; i++) out->n_events[b] += (size_t)c.es[i];
        cs_error e = {CS_OK, ""};
        if (cs_fit_one(fam, c.ts, m, c.es, &c.opt, &out->fit[b], &e) != CS_OK && e.code == CS_ENOMEM)
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    out->test.n_bands = nb;
    free(c.ts);
    free(c.es);
    if (st != CS_OK) cs_fitband_durations_fini(out);
    return st;
}

void cs_fitband_durations_fini(cs_fitband_durations *d)
{
    if (!d) return;
    for (size_t b = 0; b < CS_FITBAND_MAX; b++) cs_fit_result_fini(&d->fit[b]);
}

size_t cs_fitband_band_of(const cs_fitband_durations *d, double tod)
{
    size_t b = 0;
    while (d->test.use_bands && b + 1 < d->test.n_bands && tod >= d->to[b]) b++;
    return b;
}

/* ---- shares ---------------------------------------------------------------------------------- */

typedef struct share_ctx {
    const double (*counts)[CS_FITBAND_MAX_CAT];
    size_t n_cat;
} share_ctx;

static void sum_hours(const share_ctx *c, int h0, int h1, double *x, double *tot)
{
    *tot = 0;
    for (size_t j = 0; j < c->n_cat; j++) x[j] = 0;
    for (int h = h0; h < h1; h++)
        for (size_t j = 0; j < c->n_cat; j++) {
            x[j] += c->counts[h][j];
            *tot += c->counts[h][j];
        }
}

static double share_ll(void *vctx, int h0, int h1, int *ok)
{
    const share_ctx *c = vctx;
    double x[CS_FITBAND_MAX_CAT], tot;
    sum_hours(c, h0, h1, x, &tot);
    *ok = 1;
    double ll = 0;
    for (size_t j = 0; j < c->n_cat; j++)
        if (x[j] > 0) ll += x[j] * log(x[j] / tot);
    return ll;
}

cs_status cs_fitband_fit_shares(const double counts[24][CS_FITBAND_MAX_CAT], size_t n_cat, double min_obs,
                                cs_fitband_shares *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    if (n_cat < 2 || n_cat > CS_FITBAND_MAX_CAT)
        return cs_error_set(err, CS_EINPUT, "shares need 2 to %d categories", CS_FITBAND_MAX_CAT);
    out->n_cat = n_cat;
    double obs[24];
    for (int h = 0; h < 24; h++) {
        obs[h] = 0;
        for (size_t j = 0; j < n_cat; j++) {
            if (!(counts[h][j] >= 0)) return cs_error_set(err, CS_EINPUT, "a count is negative or not a number");
            obs[h] += counts[h][j];
        }
    }
    share_ctx c = {counts, n_cat};
    grouping g;
    group_hours(obs, NULL, min_obs, 0, share_ll, &c, (int)n_cat - 1, &g, &out->test);
    double x[CS_FITBAND_MAX_CAT];
    sum_hours(&c, 0, 24, x, &out->n_all);
    for (size_t j = 0; j < n_cat; j++) out->p_all[j] = out->n_all > 0 ? x[j] / out->n_all : 0;
    size_t nb = out->test.use_bands ? g.n : 1;
    for (size_t b = 0; b < nb; b++) {
        int h0 = nb == 1 ? 0 : g.cut[b], h1 = nb == 1 ? 24 : g.cut[b + 1];
        double tot;
        sum_hours(&c, h0, h1, x, &tot);
        out->from[b] = h0 * 3600.0;
        out->to[b] = h1 * 3600.0;
        out->n[b] = tot;
        for (size_t j = 0; j < n_cat; j++) out->p[b][j] = tot > 0 ? x[j] / tot : 0;
    }
    out->test.n_bands = nb;
    return CS_OK;
}
