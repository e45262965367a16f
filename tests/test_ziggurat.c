/* Tests for the ziggurat samplers of sim/rng (cs_rng_exp_std, cs_rng_exponential,
 * cs_rng_gaussian): the tables against the equations that define them, and the draws against
 * the exact distributions.
 *
 * Statistical checks use fixed seeds (so they are deterministic); each threshold is the
 * p = 0.001 critical value or a 4-standard-error band, so a correct sampler fails with
 * probability about 1e-3 per check for a fresh seed, and each is shown to have power by a
 * negative control that must be rejected:
 *   - Kolmogorov-Smirnov on 10^6 draws against the exact CDF: sqrt(n) D < 1.95 (the
 *     Kolmogorov distribution's 0.999 quantile); controls: an exponential with a mean 1% too
 *     large (sqrt(n) D near 3.7), an exponential ziggurat that keeps every wedge point
 *     unchecked, a normal with a standard deviation 2% too large (sqrt(n) D near 4.8; the
 *     normal's wedges hold too little mass for 10^6 draws to see them unchecked);
 *   - chi-square on tail bins against exact probabilities, 3 degrees of freedom, critical
 *     value 16.27: exponential (0,5], (5,r], (r,10], (10,inf) (expected 993,262, 6,284, 409
 *     and 45 in 10^6); normal |Z| in [0,3], (3,r], (r,4], (4,inf) (997,300, 2,442, 195, 63);
 *     controls: a tail drawn with half the right scale, a tail cut at r;
 *   - mean and variance of 2x10^6 draws within 4 standard errors; control: a mean 0.5% too
 *     large (7 standard errors off).
 * The negative controls run a transcription of the sampler written here, with a defect
 * switch; without the defect it must give the library's draws bit for bit, so the controls
 * test the same algorithm the library runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "sim/rng.h"

#define N_KS 1000000
#define N_MOM 2000000
#define KS_CRIT 1.95
#define CHI3_CRIT 16.27

enum defect { OK = 0, MEAN_HALF_PCT, MEAN_ONE_PCT, SD_TWO_PCT, WEDGE_UNCHECKED, TAIL_HALF, TAIL_CUT };

/* ---- A transcription of sim/rng's ziggurats, with defects ------------------------------- */

static double t_uniform(cs_rng_xoshiro_state *st) { return (double)(cs_rng_xoshiro_next(st) >> 11) * 0x1.0p-53; }

static double t_exp(cs_rng_xoshiro_state *st, enum defect d)
{
    double base = 0;
    for (;;) {
        uint64_t x = cs_rng_xoshiro_next(st), u = x >> 11;
        unsigned i = (unsigned)(x & 0xFF);
        double t = (double)u * cs_rng_zig_exp_w[i];
        if (u < cs_rng_zig_exp_k[i]) {
            base += t;
            break;
        }
        if (i == 0) {
            if (d == TAIL_HALF) return CS_RNG_ZIG_EXP_R + 0.5 * t_exp(st, OK);
            if (d == TAIL_CUT) return CS_RNG_ZIG_EXP_R;
            base += CS_RNG_ZIG_EXP_R;
            continue;
        }
        if (d == WEDGE_UNCHECKED) return t;
        double y = cs_rng_zig_exp_f[i] + t_uniform(st) * (cs_rng_zig_exp_f[i + 1] - cs_rng_zig_exp_f[i]);
        if (y < exp(-t)) {
            base += t;
            break;
        }
    }
    if (d == MEAN_HALF_PCT) return 1.005 * base;
    if (d == MEAN_ONE_PCT) return 1.01 * base;
    return base;
}

static double t_norm(cs_rng_xoshiro_state *st, enum defect d)
{
    uint64_t x = cs_rng_xoshiro_next(st);
    int neg = (x & 0x100) != 0;
    double z;
    for (;;) {
        uint64_t u = x >> 11;
        unsigned i = (unsigned)(x & 0xFF);
        z = (double)u * cs_rng_zig_norm_w[i];
        if (u < cs_rng_zig_norm_k[i]) break;
        if (i == 0) {
            double a, b;
            do {
                a = t_exp(st, OK) / CS_RNG_ZIG_NORM_R;
                b = t_exp(st, OK);
            } while (b + b < a * a);
            z = d == TAIL_CUT ? CS_RNG_ZIG_NORM_R : CS_RNG_ZIG_NORM_R + (d == TAIL_HALF ? 0.5 : 1.0) * a;
            break;
        }
        if (d == WEDGE_UNCHECKED) break;
        double y = cs_rng_zig_norm_f[i] + t_uniform(st) * (cs_rng_zig_norm_f[i + 1] - cs_rng_zig_norm_f[i]);
        if (y < exp(-0.5 * z * z)) break;
        x = cs_rng_xoshiro_next(st);
    }
    if (d == SD_TWO_PCT) z *= 1.02;
    if (neg) z = -z;
    return d == MEAN_HALF_PCT ? z + 0.005 : z; /* a mean shifted by 0.5% of the sd */
}

/* ---- Statistics ---------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double exp_cdf(double x) { return x <= 0 ? 0.0 : -expm1(-x); }
static double norm_cdf(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }

/* sqrt(n) times the Kolmogorov-Smirnov distance of the n draws (sorted in place) from cdf. */
static double ks(double *x, size_t n, double (*cdf)(double))
{
    qsort(x, n, sizeof *x, cmp_double);
    double dmax = 0;
    for (size_t i = 0; i < n; i++) {
        double f = cdf(x[i]);
        double d1 = (double)(i + 1) / (double)n - f, d2 = f - (double)i / (double)n;
        if (d1 > dmax) dmax = d1;
        if (d2 > dmax) dmax = d2;
    }
    return sqrt((double)n) * dmax;
}

/* Pearson's statistic of counts against probabilities p (summing to 1) for n draws. */
static double chisq(const size_t *count, const double *p, int k, size_t n)
{
    double s = 0;
    for (int j = 0; j < k; j++) {
        double e = p[j] * (double)n;
        s += ((double)count[j] - e) * ((double)count[j] - e) / e;
    }
    return s;
}

static gsl_rng *stream(const char *name)
{
    gsl_rng *r = cs_rng_stream(2026, 0, name);
    assert_non_null(r);
    return r;
}

/* Draws n values: from the library (lib) or the transcription with defect d. */
static void draw(double *x, size_t n, const char *name, int normal, int lib, enum defect d)
{
    gsl_rng *r = stream(name);
    for (size_t i = 0; i < n; i++) {
        if (lib)
            x[i] = normal ? cs_rng_gaussian(r) : cs_rng_exp_std(r);
        else
            x[i] = normal ? t_norm(r->state, d) : t_exp(r->state, d);
    }
    gsl_rng_free(r);
}

static double exp_tail_chisq(const double *x, size_t n)
{
    const double R = CS_RNG_ZIG_EXP_R;
    double p[4] = {-expm1(-5.0), exp(-5.0) - exp(-R), exp(-R) - exp(-10.0), exp(-10.0)};
    size_t c[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) c[x[i] <= 5 ? 0 : x[i] <= R ? 1 : x[i] <= 10 ? 2 : 3]++;
    return chisq(c, p, 4, n);
}

static double norm_tail_chisq(const double *x, size_t n)
{
    const double R = CS_RNG_ZIG_NORM_R, s2 = sqrt(2.0);
    double p[4] = {erf(3 / s2), erfc(3 / s2) - erfc(R / s2), erfc(R / s2) - erfc(4 / s2), erfc(4 / s2)};
    size_t c[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        double a = fabs(x[i]);
        c[a <= 3 ? 0 : a <= R ? 1 : a <= 4 ? 2 : 3]++;
    }
    return chisq(c, p, 4, n);
}

/* Mean and variance of n draws, as multiples of their standard errors away from the exact
 * values (m, v; fourth central moment m4). */
static void moments_z(const double *x, size_t n, double m, double v, double m4, double *zm, double *zv)
{
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    double mean = s / (double)n;
    for (size_t i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
    double var = ss / (double)(n - 1);
    *zm = (mean - m) / sqrt(v / (double)n);
    *zv = (var - v) / sqrt((m4 - v * v) / (double)n);
}

/* ---- Tests --------------------------------------------------------------------------------- */

/* The tables are the layout of sim/rng_tables.py to the last bits: every layer i >= 1 has area
 * X[i] (f(X[i+1]) - f(X[i])) = v, the base layer v = r f(r) + tail, X[1] = r, X[256] = 0, and K
 * and F follow from X.  Checked in long double from the doubles of the tables. */
static void check_tables(const uint64_t *K, const double *W, const double *F, double R, int normal)
{
    long double v, Rl = R;
    if (normal)
        v = Rl * expl(-Rl * Rl / 2) + sqrtl(acosl(-1.0L) / 2) * erfcl(Rl / sqrtl(2.0L));
    else
        v = (Rl + 1) * expl(-Rl);
    long double X[257];
    for (int i = 0; i < 256; i++) X[i] = (long double)W[i] * 0x1.0p53L;
    X[256] = 0;
#define FSHAPE(x) (normal ? expl(-(x) * (x) / 2) : expl(-(x)))
    assert_true(fabsl(X[1] - Rl) <= 1e-15L * Rl);
    assert_true(fabsl(X[0] * FSHAPE(Rl) - v) <= 1e-14L * v);
    assert_true(fabsl((long double)F[0] - FSHAPE(Rl)) <= 1e-16L && F[256] == 1.0);
    for (int i = 1; i < 256; i++) {
        long double area = X[i] * (FSHAPE(X[i + 1]) - FSHAPE(X[i]));
        assert_true(fabsl(area - v) <= 1e-11L * v);
        assert_true(fabsl((long double)F[i] - FSHAPE(X[i])) <= 1e-16L);
    }
    for (int i = 0; i < 256; i++) {
        long double k = floorl(0x1.0p53L * X[i + 1] / X[i]);
        assert_true(fabsl((long double)K[i] - k) <= 4); /* X from W carries 2^-53 errors */
        if (i > 0) assert_true(X[i] < X[i - 1] || i == 1);
    }
#undef FSHAPE
}

static void test_tables(void **state)
{
    (void)state;
    check_tables(cs_rng_zig_exp_k, cs_rng_zig_exp_w, cs_rng_zig_exp_f, CS_RNG_ZIG_EXP_R, 0);
    check_tables(cs_rng_zig_norm_k, cs_rng_zig_norm_w, cs_rng_zig_norm_f, CS_RNG_ZIG_NORM_R, 1);
}

/* The transcription is the library's sampler (so the controls below break the real thing),
 * cs_rng_exponential scales cs_rng_exp_std, and other GSL generators get the documented
 * fallbacks. */
static void test_transcription_and_fallback(void **state)
{
    (void)state;
    gsl_rng *a = stream("handle/101"), *b = stream("handle/101");
    for (int i = 0; i < 300000; i++) {
        assert_true(cs_rng_exp_std(a) == t_exp(b->state, OK));
        assert_true(cs_rng_gaussian(a) == t_norm(b->state, OK));
    }
    for (int i = 0; i < 1000; i++) {
        double e = cs_rng_exponential(a, 137.5);
        assert_true(e == 137.5 * t_exp(b->state, OK));
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng *m1 = gsl_rng_alloc(gsl_rng_mt19937), *m2 = gsl_rng_alloc(gsl_rng_mt19937);
    assert_true(m1 && m2);
    for (int i = 0; i < 1000; i++) {
        assert_true(cs_rng_exponential(m1, 3.0) == 3.0 * -log1p(-gsl_rng_uniform(m2)));
        assert_true(cs_rng_gaussian(m1) == gsl_ran_gaussian_ziggurat(m2, 1.0));
    }
    gsl_rng_free(m1);
    gsl_rng_free(m2);
}

static void test_exponential_ks(void **state)
{
    (void)state;
    double *x = malloc(N_KS * sizeof *x);
    assert_non_null(x);
    draw(x, N_KS, "ks/exp", 0, 1, OK);
    for (size_t i = 0; i < N_KS; i++) assert_true(x[i] >= 0 && isfinite(x[i]));
    assert_true(ks(x, N_KS, exp_cdf) < KS_CRIT);
    draw(x, N_KS, "ks/exp", 0, 0, MEAN_ONE_PCT);
    assert_true(ks(x, N_KS, exp_cdf) > KS_CRIT);
    draw(x, N_KS, "ks/exp", 0, 0, WEDGE_UNCHECKED);
    assert_true(ks(x, N_KS, exp_cdf) > KS_CRIT);
    free(x);
}

static void test_normal_ks(void **state)
{
    (void)state;
    double *x = malloc(N_KS * sizeof *x);
    assert_non_null(x);
    draw(x, N_KS, "ks/norm", 1, 1, OK);
    assert_true(ks(x, N_KS, norm_cdf) < KS_CRIT);
    draw(x, N_KS, "ks/norm", 1, 0, SD_TWO_PCT);
    assert_true(ks(x, N_KS, norm_cdf) > KS_CRIT);
    free(x);
}

static void test_tails(void **state)
{
    (void)state;
    double *x = malloc(N_KS * sizeof *x);
    assert_non_null(x);
    draw(x, N_KS, "tail/exp", 0, 1, OK);
    assert_true(exp_tail_chisq(x, N_KS) < CHI3_CRIT);
    draw(x, N_KS, "tail/exp", 0, 0, TAIL_HALF);
    assert_true(exp_tail_chisq(x, N_KS) > CHI3_CRIT);
    draw(x, N_KS, "tail/exp", 0, 0, TAIL_CUT);
    assert_true(exp_tail_chisq(x, N_KS) > CHI3_CRIT);
    draw(x, N_KS, "tail/norm", 1, 1, OK);
    assert_true(norm_tail_chisq(x, N_KS) < CHI3_CRIT);
    draw(x, N_KS, "tail/norm", 1, 0, TAIL_HALF);
    assert_true(norm_tail_chisq(x, N_KS) > CHI3_CRIT);
    draw(x, N_KS, "tail/norm", 1, 0, TAIL_CUT);
    assert_true(norm_tail_chisq(x, N_KS) > CHI3_CRIT);
    free(x);
}

static void test_moments(void **state)
{
    (void)state;
    double *x = malloc(N_MOM * sizeof *x);
    assert_non_null(x);
    double zm, zv;
    /* Exponential(1): mean 1, variance 1, fourth central moment 9. */
    draw(x, N_MOM, "mom/exp", 0, 1, OK);
    moments_z(x, N_MOM, 1, 1, 9, &zm, &zv);
    assert_true(fabs(zm) < 4 && fabs(zv) < 4);
    draw(x, N_MOM, "mom/exp", 0, 0, MEAN_HALF_PCT);
    moments_z(x, N_MOM, 1, 1, 9, &zm, &zv);
    assert_true(fabs(zm) > 4);
    /* Normal: mean 0, variance 1, fourth central moment 3. */
    draw(x, N_MOM, "mom/norm", 1, 1, OK);
    moments_z(x, N_MOM, 0, 1, 3, &zm, &zv);
    assert_true(fabs(zm) < 4 && fabs(zv) < 4);
    draw(x, N_MOM, "mom/norm", 1, 0, MEAN_HALF_PCT);
    moments_z(x, N_MOM, 0, 1, 3, &zm, &zv);
    assert_true(fabs(zm) > 4);
    free(x);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_transcription_and_fallback),
        cmocka_unit_test(test_exponential_ks),
        cmocka_unit_test(test_normal_ks),
        cmocka_unit_test(test_tails),
        cmocka_unit_test(test_moments),
    };
    return cmocka_run_group_tests_name("ziggurat", tests, NULL, NULL);
}
