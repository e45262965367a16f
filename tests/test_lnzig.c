/* Tests for models/lnzig (the lognormal's own ziggurat) and its use by models/dist.
 *
 * White-box: this file includes models/lnzig.c, so it reads the private tables and can corrupt
 * a copy of them for the negative controls (the test's own definitions of the cs_lnzig_*
 * functions are the ones linked, so models/dist.c calls them too).
 *
 * What is checked, and at which tolerance (fixed seeds: the suite is deterministic; each
 * threshold says how unlikely a failure is for a correct sampler and a fresh seed):
 *   - the tables against the equations of the construction (models/lnzig.h), for sigma from
 *     0.001 to 4: every layer of area v, layers stacked, the fast region under the density,
 *     the bases' rectangle plus tail of area v; rounding tolerances (1e-12 relative, the
 *     tables are built from a few correctly rounded operations each, measured <= 1e-14), and
 *     the shape against GSL's lognormal density (1e-9: see check_shape);
 *   - Kolmogorov-Smirnov on 10^6 draws against gsl_cdf_lognormal_P: sqrt(n) D < 1.95 (the
 *     Kolmogorov distribution's 0.999 quantile, 1.9495);
 *   - chi-square on 1000 equiprobable bins (edges from gsl_cdf_lognormal_Pinv, 1000 expected
 *     per bin): below the 1e-4 upper quantile of chi-square with 999 degrees of freedom;
 *   - the tails, which 10^6 draws hardly show to KS: the shares beyond the bases' edges
 *     m e^mu (1 + r_above) and m e^mu (1 - r_below), beyond the points that halve those
 *     tails (so a tail of the wrong shape fails too), and below the mode (Phi(-sigma)), each
 *     against the exact probability as a binomial z-score, |z| < 4.5 (two-sided normal tail
 *     6.8e-6), with n such that every expected count is >= 200;
 *   - the mean of 10^6 draws of cs_dist_lognormal(360, 360) within 4.5 standard errors.
 * Negative controls, each a corrupted copy of a correct table drawn on the same stream and
 * rejected by the statistic that guards against it: every wedge accepted unchecked (KS and
 * chi-square), the top layer below the mode accepted whole, overshoot included (chi-square),
 * one side's tail never drawn (the share beyond r; 10^6 draws miss 0.08% of the mass too
 * rarely for KS), the tail drawn beyond a bound 0.3 too high (the half-tail share; the share
 * beyond r is unchanged).
 *
 * Runtime: about 1.8 s (3 s under ASan + UBSan), most of it sorting and the exact cdf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "models/dist.h"
#include "models/lnzig.c"

#define SEED 2027
#define N_DIST 1000000
#define N_BINS 1000
#define KS_CRIT 1.95
#define Z_TOL 4.5
#define TAIL_MIN_EXPECTED 200.0
#ifndef SWEEP_N
#define SWEEP_N 200
#endif

/* 3.2074149123906559: a sigma where the root's first margin was lost in the rounding of
 * r h(r) + tail(r), leaving the base's edge well past the root (found in review). */
static const double table_sigmas[] = {0.001, 0.01, 0.1, 0.325, 0.5, 0.83, 1, 1.5, 2, 3, 3.2074149123906559, 4};
#define N_TABLE_SIGMAS (sizeof table_sigmas / sizeof table_sigmas[0])

/* ---- Helpers ------------------------------------------------------------------------------- */

static gsl_rng *stream(const char *name)
{
    gsl_rng *r = cs_rng_stream(SEED, 0, name);
    assert_non_null(r);
    assert_true(r->type == cs_rng_xoshiro256ss);
    return r;
}

static cs_lnzig *table(double mu, double sigma)
{
    cs_lnzig *z = cs_lnzig_create(mu, sigma);
    assert_non_null(z);
    return z;
}

static void assert_rel(double got, double want, double tol, const char *what, double sigma, int i)
{
    if (!(fabs(got - want) <= tol * fabs(want))) {
        print_error("sigma %g, entry %d: %s: got %.17g, want %.17g (tolerance %g relative)\n",
                    sigma, i, what, got, want, tol);
        fail();
    }
}

/* The density's shape on one side of the mode, in units of the mode m, from GSL's lognormal
 * density (independently of the module's formula): g = |Y/m - 1| has the density f(m (1 +- g)) m,
 * and h(g) = f(y) / f(m) with y = m (1 +- g). */
static double ref_shape(double sigma, int side, double g)
{
    double m = exp(-sigma * sigma), y = m * (side == ABOVE ? 1 + g : 1 - g);
    return gsl_ran_lognormal_pdf(y, 0, sigma) / gsl_ran_lognormal_pdf(m, 0, sigma);
}

/* The probability beyond a base's edge r (units of m) on one side, from GSL's lognormal cdf. */
static double ref_tail_p(double sigma, int side, double r)
{
    double m = exp(-sigma * sigma);
    return side == ABOVE ? gsl_cdf_lognormal_Q(m * (1 + r), 0, sigma)
                         : gsl_cdf_lognormal_P(m * (1 - r), 0, sigma);
}

static void draw(const cs_lnzig *z, const char *name, double *x, size_t n)
{
    gsl_rng *r = stream(name);
    for (size_t i = 0; i < n; i++) x[i] = cs_lnzig_sample(z, r->state);
    gsl_rng_free(r);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* sqrt(n) times the Kolmogorov-Smirnov distance of the sorted x from the lognormal. */
static double ks(const double *x, size_t n, double mu, double sigma)
{
    double dmax = 0;
    for (size_t i = 0; i < n; i++) {
        double f = gsl_cdf_lognormal_P(x[i], mu, sigma);
        double d1 = (double)(i + 1) / (double)n - f, d2 = f - (double)i / (double)n;
        if (d1 > dmax) dmax = d1;
        if (d2 > dmax) dmax = d2;
    }
    return sqrt((double)n) * dmax;
}

/* Pearson's statistic of the sorted x on N_BINS equiprobable bins of the lognormal. */
static double chisq_bins(const double *x, size_t n, double mu, double sigma)
{
    double s = 0, e = (double)n / N_BINS;
    size_t i = 0;
    for (int j = 1; j <= N_BINS; j++) {
        double edge = j < N_BINS ? gsl_cdf_lognormal_Pinv((double)j / N_BINS, mu, sigma) : INFINITY;
        size_t c = 0;
        while (i < n && x[i] < edge) {
            i++;
            c++;
        }
        s += ((double)c - e) * ((double)c - e) / e;
    }
    return s;
}

static double chisq_crit(void) { return gsl_cdf_chisq_Qinv(1e-4, N_BINS - 1); }

static double binom_z(size_t count, size_t n, double p)
{
    double e = (double)n * p;
    return ((double)count - e) / sqrt(e * (1 - p));
}

/* ---- 1. The tables ------------------------------------------------------------------------- */

/* The module's shape (used by the wedge test) is the lognormal's: checked at the layers' edges.
 * Tolerance 1e-9: the reference goes through log(y) with y = m (1 +- g) rounded, an absolute
 * error of about 1e-16 in log y that the exponent (log y)^2 / (2 sigma^2) multiplies by
 * |log y| / sigma^2, up to about 4e-13 at sigma = 0.001 (and h is only compared where >= 1e-6,
 * the layers' range). */
static void check_shape(const cs_lnzig *z, int side, double g, int i)
{
    double h = shape(z->inv_2s2, side, g), want = ref_shape(z->sigma, side, g);
    if (want < 1e-6) return;
    assert_rel(h, want, 1e-9, "shape vs the lognormal density", z->sigma, i);
}

static void check_side(const cs_lnzig *z, int side, unsigned at, unsigned n)
{
    const double sigma = z->sigma, v = z->v, c = z->head.c, sign = side == ABOVE ? 1.0 : -1.0;
    const double scale = sigma * 2.5066282746310002 /* sqrt(2 pi) */ * exp(0.5 * sigma * sigma);
    assert_true(n >= 1);

    /* The base: [0, r] x [0, h(r)] under the curve, the tail beyond r, together of area v (no
     * more: the tail part is then kept with probability <= 1); the fast region is [0, r). */
    const layer *b = &z->layer[at];
    const cs_lnzig_fast *fb = &z->head.fast[at];
    const double r = z->r[side], hr = ref_shape(sigma, side, r);
    assert_int_equal(b->kind, LAYER_BASE);
    assert_int_equal(b->side, side);
    assert_true(r >= 0 && (side == ABOVE || r < 1));
    assert_true(b->lo == 0);
    assert_rel(b->hi, hr, 1e-9, "base height h(r)", sigma, (int)at);
    double tail = scale * ref_tail_p(sigma, side, r);
    assert_true(r * b->hi + tail <= v * (1 + 1e-12));
    assert_rel(b->width * 0x1p53 * b->hi, v, 1e-12, "base rectangle [0, v / h(r)] x [0, h(r)]", sigma,
               (int)at);
    assert_true((double)fb->k * b->width <= r * (1 + 1e-12));
    assert_true(z->tail_keep[side] > 0 && z->tail_keep[side] <= 1);
    /* The tail's bound for the normal: Y beyond m (1 + r) is Z beyond it (-Z below the mode). */
    double bound = side == ABOVE ? (log1p(r) - sigma * sigma) / sigma
                                 : (sigma * sigma - log1p(-r)) / sigma;
    assert_rel(z->tail_z[side], bound, 1e-12, "tail bound", sigma, (int)at);
    assert_rel(gsl_cdf_ugaussian_Q(bound), ref_tail_p(sigma, side, r), 1e-9, "tail probability", sigma,
               (int)at);
    if (r > 0) {
        /* r solves r h(r) + tail(r) = v to a few ulps, so the tail part of the base is kept
         * with probability 1 up to that (measured 1 - keep <= 3e-11); 1e-6 is an efficiency
         * bound, not a correctness one. */
        assert_true(z->tail_keep[side] > 1 - 1e-6);
        assert_rel((double)fb->k * b->width, r, 1e-12, "base fast region [0, r)", sigma, (int)at);
    } else {
        /* The whole side is the base's tail (a side lighter than one layer). */
        assert_true(fb->k == 0);
        assert_rel(z->tail_keep[side], tail / v, 1e-9, "an all-tail side's keep", sigma, (int)at);
    }
    check_shape(z, side, r, (int)at);

    /* The wedge layers, upwards from the base: area v, stacked, widths shrinking, the fast part
     * under the curve; the last overshoots h = 1 and has no fast part. */
    for (unsigned j = 1; j < n; j++) {
        unsigned i = at + j;
        const layer *l = &z->layer[i], *below = &z->layer[i - 1];
        const cs_lnzig_fast *f = &z->head.fast[i];
        assert_int_equal(l->kind, LAYER_WEDGE);
        assert_int_equal(l->side, side);
        assert_true(l->lo == below->hi);
        assert_true(l->hi > l->lo);
        assert_rel(l->width * 0x1p53 * (l->hi - l->lo), v, 1e-12, "wedge layer area", sigma, (int)i);
        double x = l->width * 0x1p53;
        if (j == 1)
            assert_rel(x, r, 1e-15, "first wedge's width r", sigma, (int)i);
        else
            assert_true(l->width < below->width);
        /* The layer's bottom is the curve at its right edge. */
        check_shape(z, side, x, (int)i);
        assert_rel(shape(z->inv_2s2, side, x), l->lo, 1e-12, "layer bottom h(X[i])", sigma, (int)i);
        if (j + 1 < n) {
            assert_true(l->hi < 1);
            assert_true(f->k > 0 && f->k < (UINT64_C(1) << 53));
            /* The fast region [0, k width) lies under the curve: h(k width) >= the layer's top,
             * and its edge is the next layer's width (its top is h there). */
            assert_true(shape(z->inv_2s2, side, (double)f->k * l->width) >= l->hi * (1 - 1e-12));
            assert_rel((double)f->k * l->width, z->layer[i + 1].width * 0x1p53, 1e-12,
                       "fast edge = the next layer's width", sigma, (int)i);
        }
    }
    const layer *top = &z->layer[at + n - 1];
    assert_true(top->hi >= 1);
    assert_true(z->head.fast[at + n - 1].k == 0);

    /* The fast pairs: the draw c + u w with w = +-c width (below the mode, negative). */
    for (unsigned j = 0; j < n; j++) {
        unsigned i = at + j;
        assert_rel(z->head.fast[i].w, sign * c * z->layer[i].width, 1e-15, "fast w = +-c width", sigma,
                   (int)i);
    }
}

static void test_tables(void **state)
{
    (void)state;
    assert_true(cs_lnzig_supported(0.001) && cs_lnzig_supported(4) && cs_lnzig_supported(1));
    assert_false(cs_lnzig_supported(0.000999) || cs_lnzig_supported(4.001) || cs_lnzig_supported(NAN) ||
                 cs_lnzig_supported(0) || cs_lnzig_supported(-1));
    for (size_t s = 0; s < N_TABLE_SIGMAS; s++) {
        const double sigma = table_sigmas[s], mu = 1.3;
        cs_lnzig *z = table(mu, sigma);
        assert_true(z->sigma == sigma && z->mu == mu);
        assert_rel(z->head.c, exp(mu - sigma * sigma), 1e-15, "c = exp(mu) m", sigma, -1);
        unsigned a = z->n_side[ABOVE], b = z->n_side[BELOW], used = a + b;
        /* Both sides fit in one table with little padding (each unused entry is a rejection). */
        assert_true(used <= CS_LNZIG_LAYERS && used >= 250);
        for (unsigned i = used; i < CS_LNZIG_LAYERS; i++) {
            assert_int_equal(z->layer[i].kind, LAYER_REJECT);
            assert_true(z->head.fast[i].k == 0);
        }
        /* The layers hold the whole density: used v >= its area (both sides, units of m). */
        const double scale = sigma * 2.5066282746310002 /* sqrt(2 pi) */ * exp(0.5 * sigma * sigma);
        assert_true((double)used * z->v >= scale);
        check_side(z, ABOVE, 0, a);
        check_side(z, BELOW, a, b);
        /* The share of outputs that take the fast path (no exp, no log), the point of the
         * module: measured 96.6% for small sigma, 96.1% at 1, 90.8% at 4 (a construction that
         * loses a layer's worth of k, or pads the table, drops it). */
        double fast = 0;
        for (unsigned i = 0; i < CS_LNZIG_LAYERS; i++) fast += (double)z->head.fast[i].k * 0x1p-53;
        fast /= CS_LNZIG_LAYERS;
        print_message("  sigma %-6g layers %3u + %3u, v %.5g, r %.5g / %.5g, fast path %.2f%%\n", sigma, a, b,
                      z->v, z->r[ABOVE], z->r[BELOW], 100 * fast);
        assert_true(fast > (sigma <= 1 ? 0.955 : 0.9));
        /* Built deterministically: a second table draws from the same numbers. */
        cs_lnzig *z2 = table(mu, sigma);
        assert_memory_equal(&z2->head, &z->head, sizeof z->head);
        assert_true(z2->v == z->v && z2->n_side[0] == a && z2->n_side[1] == b);
        cs_lnzig_destroy(z2);
        cs_lnzig_destroy(z);
    }
}

/* The same invariants on a sweep of sigma over the whole range, log-spaced (the construction
 * changes character across it: the side below the mode shrinks to a base alone near 2.5). */
static void test_tables_sweep(void **state)
{
    (void)state;
    const int n = SWEEP_N;
    for (int s = 0; s <= n; s++) {
        double sigma = s == n ? 4.0 : 0.001 * pow(4000.0, (double)s / n);
        cs_lnzig *z = table(-1.0, sigma);
        unsigned a = z->n_side[ABOVE], b = z->n_side[BELOW];
        assert_true(a + b <= CS_LNZIG_LAYERS && a + b >= 250);
        check_side(z, ABOVE, 0, a);
        check_side(z, BELOW, a, b);
        cs_lnzig_destroy(z);
    }
}

/* ---- 2. The distribution ------------------------------------------------------------------- */

/* The negative controls' corrupted copies: every wedge accepted unchecked, or the top layer
 * below the mode accepted whole, its overshoot above h = 1 included. */
static cs_lnzig *wedges_unchecked(const cs_lnzig *z)
{
    cs_lnzig *bad = cs_lnzig_copy(z);
    assert_non_null(bad);
    for (unsigned i = 0; i < CS_LNZIG_LAYERS; i++)
        if (bad->layer[i].kind == LAYER_WEDGE) bad->head.fast[i].k = UINT64_C(1) << 53;
    return bad;
}

static cs_lnzig *top_below_whole(const cs_lnzig *z)
{
    cs_lnzig *bad = cs_lnzig_copy(z);
    assert_non_null(bad);
    unsigned top = bad->n_side[ABOVE] + bad->n_side[BELOW] - 1;
    assert_int_equal(bad->layer[top].kind, LAYER_WEDGE);
    bad->head.fast[top].k = UINT64_C(1) << 53;
    return bad;
}

/* Draws n from z on the named stream, sorted, and their KS and chi-square statistics. */
static void stats(const cs_lnzig *z, double *x, size_t n, double *k, double *q)
{
    draw(z, "lnzig/dist", x, n);
    for (size_t i = 0; i < n; i++) assert_true(x[i] > 0 && isfinite(x[i]));
    qsort(x, n, sizeof *x, cmp_double);
    *k = ks(x, n, z->mu, z->sigma);
    *q = chisq_bins(x, n, z->mu, z->sigma);
}

static void test_distribution(void **state)
{
    (void)state;
    static const double sigmas[] = {0.05, 0.325, 0.83, 1.5, 3};
    const double mu = 1.3, crit = chisq_crit();
    double *x = malloc(N_DIST * sizeof *x), k, q;
    assert_non_null(x);
    for (size_t s = 0; s < sizeof sigmas / sizeof sigmas[0]; s++) {
        const double sigma = sigmas[s];
        cs_lnzig *z = table(mu, sigma);
        stats(z, x, N_DIST, &k, &q);
        print_message("  sigma %-5g sqrt(n)D %.3f  chi2 %.1f (critical %.1f)\n", sigma, k, q, crit);
        assert_true(k < KS_CRIT);
        assert_true(q < crit);
        if (sigma == 1.5) {
            /* Negative controls on the same stream (measured: sqrt(n)D 7.1 and chi2 2577 with
             * every wedge unchecked; chi2 1635 and sqrt(n)D 3.8 with the top layer below the
             * mode whole, about 0.37% of the draws piled within 25% of the mode below it). */
            cs_lnzig *bad = wedges_unchecked(z);
            stats(bad, x, N_DIST, &k, &q);
            print_message("    control, wedges unchecked: sqrt(n)D %.3f  chi2 %.1f\n", k, q);
            assert_true(k > KS_CRIT);
            assert_true(q > crit);
            cs_lnzig_destroy(bad);

            bad = top_below_whole(z);
            stats(bad, x, N_DIST, &k, &q);
            print_message("    control, top layer below the mode whole: sqrt(n)D %.3f  chi2 %.1f\n", k, q);
            assert_true(q > crit);
            cs_lnzig_destroy(bad);
        }
        cs_lnzig_destroy(z);
    }
    free(x);
}

/* ---- 3. The tails -------------------------------------------------------------------------- */

typedef struct tails {
    double y_r[2], y_half[2], p_r[2], p_half[2], p_mode;   /* thresholds and probabilities */
    size_t n, c_r[2], c_half[2], c_mode;                  /* draws and counts */
} tails;

/* Thresholds from the table of the correct sampler (so a corrupted copy is measured against
 * the same), n such that every expected count is >= TAIL_MIN_EXPECTED. */
static tails tails_of(const cs_lnzig *z)
{
    tails t;
    memset(&t, 0, sizeof t);
    const double mu = z->mu, sigma = z->sigma, m = exp(-sigma * sigma);
    double pmin = 1;
    for (int side = 0; side < 2; side++) {
        double r = z->r[side];
        t.y_r[side] = exp(mu) * m * (side == ABOVE ? 1 + r : 1 - r);
        t.p_r[side] = ref_tail_p(sigma, side, r);
        /* The point that halves the tail: Y beyond exp(mu +- sigma b2) with Q(b2) = p_r / 2. */
        t.p_half[side] = t.p_r[side] / 2;
        double b2 = gsl_cdf_ugaussian_Qinv(t.p_half[side]);
        t.y_half[side] = exp(mu + (side == ABOVE ? sigma : -sigma) * b2);
        if (t.p_half[side] < pmin) pmin = t.p_half[side];
    }
    t.p_mode = gsl_cdf_ugaussian_P(-sigma);
    t.n = (size_t)ceil(TAIL_MIN_EXPECTED / pmin);
    return t;
}

static void count_tails(const cs_lnzig *z, tails *t, const char *name)
{
    gsl_rng *r = stream(name);
    const double ymode = z->head.c;
    for (int side = 0; side < 2; side++) t->c_r[side] = t->c_half[side] = 0;
    t->c_mode = 0;
    for (size_t i = 0; i < t->n; i++) {
        double y = cs_lnzig_sample(z, r->state);
        t->c_r[ABOVE] += y > t->y_r[ABOVE];
        t->c_half[ABOVE] += y > t->y_half[ABOVE];
        t->c_r[BELOW] += y < t->y_r[BELOW];
        t->c_half[BELOW] += y < t->y_half[BELOW];
        t->c_mode += y < ymode;
    }
    gsl_rng_free(r);
}

/* The largest |z| of the five shares; *which names it. */
static double tails_worst(const tails *t, const char **which)
{
    static const char *names[] = {"above r", "above half", "below r", "below half", "below mode"};
    double zs[5] = {binom_z(t->c_r[ABOVE], t->n, t->p_r[ABOVE]),
                    binom_z(t->c_half[ABOVE], t->n, t->p_half[ABOVE]),
                    binom_z(t->c_r[BELOW], t->n, t->p_r[BELOW]),
                    binom_z(t->c_half[BELOW], t->n, t->p_half[BELOW]),
                    binom_z(t->c_mode, t->n, t->p_mode)};
    double worst = 0;
    for (int i = 0; i < 5; i++)
        if (fabs(zs[i]) >= worst) {
            worst = fabs(zs[i]);
            *which = names[i];
        }
    return worst;
}

static void test_tails(void **state)
{
    (void)state;
    /* The table's sigmas, and two on either side of the step where the side below the mode
     * turns from a base and one wedge layer (r_below 0.40) into a base alone (r_below 0). */
    double sigmas[N_TABLE_SIGMAS + 2];
    memcpy(sigmas, table_sigmas, sizeof table_sigmas);
    sigmas[N_TABLE_SIGMAS] = 2.6475;
    sigmas[N_TABLE_SIGMAS + 1] = 2.65;
    for (size_t s = 0; s < N_TABLE_SIGMAS + 2; s++) {
        const double sigma = sigmas[s];
        cs_lnzig *z = table(1.3, sigma);
        tails t = tails_of(z);
        count_tails(z, &t, "lnzig/tails");
        const char *which = "";
        double worst = tails_worst(&t, &which);
        print_message("  sigma %-6g n %8zu: above r %zu (%.0f expected), below r %zu (%.0f), "
                      "worst |z| %.2f (%s)\n",
                      sigma, t.n, t.c_r[ABOVE], (double)t.n * t.p_r[ABOVE], t.c_r[BELOW],
                      (double)t.n * t.p_r[BELOW], worst, which);
        assert_true(worst < Z_TOL);

        if (sigma == 0.83 || sigma == 3) {
            /* Controls: a side whose tail is never drawn (above the mode at 0.83; at 3 the side
             * below is all tail), and a tail drawn beyond a bound 0.3 too high. */
            int side = sigma == 3 ? BELOW : ABOVE;
            cs_lnzig *bad = cs_lnzig_copy(z);
            assert_non_null(bad);
            bad->tail_keep[side] = 0;
            count_tails(bad, &t, "lnzig/tails");
            double zr = binom_z(t.c_r[side], t.n, t.p_r[side]);
            print_message("    control, no tail on side %d: z %.1f\n", side, zr);
            assert_true(zr < -Z_TOL);
            cs_lnzig_destroy(bad);

            bad = cs_lnzig_copy(z);
            assert_non_null(bad);
            bad->tail_z[side] += 0.3;
            count_tails(bad, &t, "lnzig/tails");
            zr = binom_z(t.c_r[side], t.n, t.p_r[side]);
            double zh = binom_z(t.c_half[side], t.n, t.p_half[side]);
            print_message("    control, tail bound +0.3 on side %d: z beyond r %.1f, beyond half %.1f\n",
                          side, zr, zh);
            assert_true(zh > Z_TOL);
            cs_lnzig_destroy(bad);
        }
        cs_lnzig_destroy(z);
    }
}

/* ---- 5. Reproducibility -------------------------------------------------------------------- */

static void test_reproducible(void **state)
{
    (void)state;
    enum { N_REPRO = 200000 };
    double *a = malloc(N_REPRO * sizeof *a), *b = malloc(N_REPRO * sizeof *b);
    assert_true(a && b);
    cs_lnzig *z = table(-0.7, 1.1);
    draw(z, "lnzig/repro", a, N_REPRO);
    draw(z, "lnzig/repro", b, N_REPRO);
    assert_memory_equal(a, b, N_REPRO * sizeof *a);
    cs_lnzig *c = cs_lnzig_copy(z);
    assert_non_null(c);
    assert_true(c != z);
    assert_memory_equal(c, z, sizeof *z);
    cs_lnzig_destroy(z);   /* the copy owns nothing of the original */
    draw(c, "lnzig/repro", b, N_REPRO);
    assert_memory_equal(a, b, N_REPRO * sizeof *a);
    /* Another stream gives other numbers (the comparison above is not vacuous). */
    draw(c, "lnzig/other", b, N_REPRO);
    assert_true(memcmp(a, b, N_REPRO * sizeof *a) != 0);
    cs_lnzig_destroy(c);
    cs_lnzig_destroy(NULL);
    free(a);
    free(b);
}

/* ---- 6. cs_dist ---------------------------------------------------------------------------- */

static double ks_dist(const cs_dist *d, gsl_rng *r, size_t n)
{
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++) x[i] = cs_dist_sample(d, r);
    qsort(x, n, sizeof *x, cmp_double);
    double k = ks(x, n, d->a, d->b);
    free(x);
    return k;
}

static void test_dist(void **state)
{
    (void)state;
    cs_dist d, e;
    assert_int_equal(cs_dist_lognormal(&d, 360, 360, NULL), CS_OK);
    assert_non_null(d.zig);
    assert_true(d.zig->mu == d.a && d.zig->sigma == d.b);
    assert_int_equal(cs_dist_copy(&e, &d, NULL), CS_OK);
    assert_non_null(e.zig);
    assert_true(e.zig != d.zig);
    assert_memory_equal(e.zig, d.zig, sizeof *d.zig);

    /* cs_dist_sample draws from the table on our streams, and the copy draws the same. */
    gsl_rng *r1 = stream("lnzig/dist360"), *r2 = stream("lnzig/dist360"), *r3 = stream("lnzig/dist360");
    for (int i = 0; i < 100000; i++) {
        double x = cs_dist_sample(&d, r1);
        assert_true(x == cs_dist_sample(&e, r2));
        assert_true(x == cs_lnzig_sample(d.zig, r3->state));
    }
    /* The mean, 360 within 4.5 standard errors (sd 360). */
    double s = 0;
    for (int i = 0; i < N_DIST; i++) s += cs_dist_sample(&d, r1);
    double zm = (s / N_DIST - 360) / (360 / sqrt(N_DIST));
    print_message("  lognormal(360, 360): mean z %+.2f\n", zm);
    assert_true(fabs(zm) < Z_TOL);
    gsl_rng_free(r2);
    gsl_rng_free(r3);

    /* Another GSL generator: the fallback exp(mu + sigma Z) with GSL's ziggurat normal, of the
     * right distribution (KS, 2x10^5 draws, same critical value). */
    gsl_rng *m1 = gsl_rng_alloc(gsl_rng_mt19937), *m2 = gsl_rng_alloc(gsl_rng_mt19937);
    assert_true(m1 && m2);
    gsl_rng_set(m1, SEED);
    gsl_rng_set(m2, SEED);
    for (int i = 0; i < 1000; i++)
        assert_true(cs_dist_sample(&d, m1) == exp(d.a + d.b * gsl_ran_gaussian_ziggurat(m2, 1.0)));
    double k = ks_dist(&d, m1, 200000);
    print_message("  mt19937 fallback: sqrt(n)D %.3f\n", k);
    assert_true(k < KS_CRIT);
    gsl_rng_free(m1);
    gsl_rng_free(m2);

    cs_dist_fini(&d);
    assert_null(d.zig);
    cs_dist_fini(&e);
    assert_null(e.zig);

    /* Outside the tables' range of sigma: no table, and still the right distribution. */
    assert_int_equal(cs_dist_lognormal_log(&d, 0, 5, NULL), CS_OK);
    assert_null(d.zig);
    assert_int_equal(cs_dist_copy(&e, &d, NULL), CS_OK);
    assert_null(e.zig);
    k = ks_dist(&d, r1, 200000);
    print_message("  sigma 5 (no table): sqrt(n)D %.3f\n", k);
    assert_true(k < KS_CRIT);
    cs_dist_fini(&d);
    cs_dist_fini(&e);
    assert_int_equal(cs_dist_lognormal_log(&d, 0, 0.0005, NULL), CS_OK);
    assert_null(d.zig);
    k = ks_dist(&d, r1, 200000);
    print_message("  sigma 0.0005 (no table): sqrt(n)D %.3f\n", k);
    assert_true(k < KS_CRIT);
    cs_dist_fini(&d);
    /* Another kind has none. */
    assert_int_equal(cs_dist_gamma(&d, 360, 360, NULL), CS_OK);
    assert_null(d.zig);
    cs_dist_fini(&d);
    gsl_rng_free(r1);
}

/* ---- 7. mu scales -------------------------------------------------------------------------- */

/* The tables in units of the mode do not depend on mu: the same outputs give draws in the ratio
 * e^2 (to 1e-12: c + u w rounds twice, exp(mu + sigma t) once, each to 1.1e-16 relative, and
 * exp(2 - sigma^2) / exp(-sigma^2) is e^2 to a few ulps). */
static void test_mu_scaling(void **state)
{
    (void)state;
    static const double sigmas[] = {0.01, 0.325, 1, 4};
    for (size_t s = 0; s < sizeof sigmas / sizeof sigmas[0]; s++) {
        cs_lnzig *z0 = table(0, sigmas[s]), *z2 = table(2, sigmas[s]);
        for (unsigned i = 0; i < CS_LNZIG_LAYERS; i++) assert_true(z0->head.fast[i].k == z2->head.fast[i].k);
        gsl_rng *a = stream("lnzig/mu"), *b = stream("lnzig/mu");
        for (int i = 0; i < 200000; i++) {
            double x0 = cs_lnzig_sample(z0, a->state), x2 = cs_lnzig_sample(z2, b->state);
            assert_rel(x2, exp(2.0) * x0, 1e-12, "x(mu = 2) = e^2 x(mu = 0)", sigmas[s], i);
        }
        gsl_rng_free(a);
        gsl_rng_free(b);
        cs_lnzig_destroy(z0);
        cs_lnzig_destroy(z2);
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_tables_sweep),
        cmocka_unit_test(test_distribution),
        cmocka_unit_test(test_tails),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_dist),
        cmocka_unit_test(test_mu_scaling),
    };
    return cmocka_run_group_tests_name("lnzig", tests, NULL, NULL);
}
