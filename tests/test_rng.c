/* Tests for sim/rng: the xoshiro256** gsl_rng_type and the named-stream seed hash.
 *
 * Known answers.  The generator is checked value for value against a straightforward
 * transcription of the reference algorithms written here (SplitMix64 seeding, xoshiro256**
 * step, the documented seed hash).  That transcription is itself anchored to published
 * vectors, so the test does not merely compare the module with a copy of itself:
 *   - xoshiro256** from the state {1, 2, 3, 4}: 11520, 0, 1509978240, ... (the first ten
 *     outputs of Blackman and Vigna's reference C code, as quoted by rand_xoshiro);
 *   - SplitMix64 from 0: 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, ... (Vigna's splitmix64.c);
 *   - FNV-1a 64: "" -> 0xCBF29CE484222325, "a" -> 0xAF63DC4C8601EC8C,
 *     "foobar" -> 0x85944171F73967E8 (the FNV reference test vectors).
 *
 * Statistical checks (fixed seeds, so deterministic; the tolerances say how unlikely a
 * failure is for a correct generator):
 *   - chi-square of 1e6 draws in 100 equiprobable bins against the p = 0.001 critical value
 *     of chi^2(99) (148.2); a negative control (u^1.02, noncentrality ~395, so an expected
 *     statistic near 494) must be rejected, showing the test has power;
 *   - sample correlation of 1e5 pairs: under independence r is ~N(0, 1/n), so |r| < 4/sqrt(n)
 *     fails with probability 6e-5 per check; identical streams (r = 1) are the control;
 *   - sample means within 4.5 standard errors (normal tail 6.8e-6). */
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

#include "sim/rng.h"

/* ------------------------------------------------------------------------------------
 * Reference implementation (Blackman and Vigna; FNV-1a), deliberately naive */

typedef struct ref_xo {
    uint64_t s[4];
} ref_xo;

static uint64_t ref_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t ref_next(ref_xo *x)
{
    uint64_t *s = x->s;
    const uint64_t result = ref_rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = ref_rotl(s[3], 45);
    return result;
}

/* Vigna's splitmix64.c: the state advances by the golden gamma, the output is mixed. */
static uint64_t ref_splitmix_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The finaliser alone (splitmix's output function on an arbitrary word). */
static uint64_t ref_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static ref_xo ref_seeded(uint64_t seed)
{
    ref_xo x;
    uint64_t sm = seed;
    for (int i = 0; i < 4; i++) x.s[i] = ref_splitmix_next(&sm);
    return x;
}

static uint64_t ref_fnv(const char *s)
{
    uint64_t h = 14695981039346656037ULL;   /* offset basis */
    for (size_t i = 0; s[i]; i++) {
        h ^= (uint64_t)(unsigned char)s[i];
        h *= 1099511628211ULL;   /* FNV prime 2^40 + 2^8 + 0xb3 */
    }
    return h;
}

/* The seed hash exactly as rng.h documents it. */
static uint64_t ref_seed_for(uint64_t seed, uint32_t rep, const char *name)
{
    uint64_t h = ref_fnv(name);
    uint64_t s = ref_mix(seed + 0x9E3779B97F4A7C15ULL);
    s = ref_mix(s ^ ((uint64_t)rep * 0xD1B54A32D192ED03ULL + 1));
    return ref_mix(s ^ h);
}

/* ------------------------------------------------------------------------------------
 * Helpers */

static gsl_rng *seeded(uint64_t seed)
{
    gsl_rng *r = gsl_rng_alloc(cs_rng_xoshiro256ss);
    assert_non_null(r);
    gsl_rng_set(r, (unsigned long)seed);
    return r;
}

static gsl_rng *stream(uint64_t seed, uint32_t rep, const char *name)
{
    gsl_rng *r = cs_rng_stream(seed, rep, name);
    assert_non_null(r);
    return r;
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

static double correlation(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

/* ------------------------------------------------------------------------------------
 * Known answers */

/* The in-test reference reproduces the published vectors; only then is it worth comparing
 * the module against it. */
static void test_reference_matches_published_vectors(void **state)
{
    (void)state;
    ref_xo x = {{1, 2, 3, 4}};
    const uint64_t xo[10] = {11520ULL, 0ULL, 1509978240ULL, 1215971899390074240ULL,
                             1216172134540287360ULL, 607988272756665600ULL, 16172922978634559625ULL,
                             8476171486693032832ULL, 10595114339597558777ULL, 2904607092377533576ULL};
    for (int i = 0; i < 10; i++) assert_true(ref_next(&x) == xo[i]);

    uint64_t sm = 0;
    const uint64_t smv[4] = {0xE220A8397B1DCDAFULL, 0x6E789E6AA1B965F4ULL, 0x06C45D188009454FULL,
                             0xF88BB8A8724C81ECULL};
    for (int i = 0; i < 4; i++) assert_true(ref_splitmix_next(&sm) == smv[i]);

    assert_true(ref_fnv("") == 0xCBF29CE484222325ULL);
    assert_true(ref_fnv("a") == 0xAF63DC4C8601EC8CULL);
    assert_true(ref_fnv("foobar") == 0x85944171F73967E8ULL);
}

static void test_exposed_hashes(void **state)
{
    (void)state;
    /* cs_rng_mix64 is the finaliser: applied to the first splitmix state it gives the
     * published first output. */
    assert_true(cs_rng_mix64(0x9E3779B97F4A7C15ULL) == 0xE220A8397B1DCDAFULL);
    assert_true(cs_rng_mix64(2 * 0x9E3779B97F4A7C15ULL) == 0x6E789E6AA1B965F4ULL);
    assert_true(cs_rng_fnv1a64("") == 0xCBF29CE484222325ULL);
    assert_true(cs_rng_fnv1a64("a") == 0xAF63DC4C8601EC8CULL);
    assert_true(cs_rng_fnv1a64("foobar") == 0x85944171F73967E8ULL);
    /* Bytes above 0x7f are hashed as unsigned (a signed char would sign-extend). */
    assert_true(cs_rng_fnv1a64("caf\xc3\xa9") == ref_fnv("caf\xc3\xa9"));
    const uint64_t w[] = {0, 1, 42, 0x8000000000000000ULL, UINT64_MAX, 0x0123456789abcdefULL};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) assert_true(cs_rng_mix64(w[i]) == ref_mix(w[i]));
}

static void test_generator_known_answer(void **state)
{
    (void)state;
    /* cs_rng_stream hands 64-bit seeds to gsl_rng_set's unsigned long: a platform with a
     * 32-bit long would silently drop half the seed and break the documented seeding. */
    assert_true(sizeof(unsigned long) >= sizeof(uint64_t));

    const gsl_rng_type *T = cs_rng_xoshiro256ss;
    assert_non_null(T);
    const uint64_t seeds[] = {0, 1, 42, 0xDEADBEEFCAFEF00DULL, UINT64_MAX,
                              cs_rng_seed_for(7, 3, "arrivals/101")};
    for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
        gsl_rng *a = seeded(seeds[k]), *b = seeded(seeds[k]), *c = seeded(seeds[k]);
        assert_string_equal(gsl_rng_name(a), "xoshiro256**");
        assert_true(gsl_rng_max(a) == 0xffffffffUL);
        assert_true(gsl_rng_min(a) == 0);
        ref_xo ra = ref_seeded(seeds[k]), rb = ref_seeded(seeds[k]), rc = ref_seeded(seeds[k]);
        for (int i = 0; i < 1000; i++) {
            /* get(): the top 32 bits of each output */
            uint64_t want = ref_next(&ra);
            unsigned long got = gsl_rng_get(a);
            if (got != (unsigned long)(want >> 32)) {
                print_error("seed %#llx draw %d: gsl_rng_get %#lx, reference %#llx\n",
                            (unsigned long long)seeds[k], i, got, (unsigned long long)(want >> 32));
                fail();
            }
            /* get_double(): the top 53 bits scaled to [0, 1) */
            double u = gsl_rng_uniform(b);
            assert_true(u == (double)(ref_next(&rb) >> 11) * 0x1.0p-53);
            /* Interleaving the two consumes one 64-bit output per call either way. */
            if (i % 2) assert_true(gsl_rng_get(c) == (unsigned long)(ref_next(&rc) >> 32));
            else assert_true(gsl_rng_uniform(c) == (double)(ref_next(&rc) >> 11) * 0x1.0p-53);
        }
        gsl_rng_free(a);
        gsl_rng_free(b);
        gsl_rng_free(c);
    }
    /* Re-seeding restarts the sequence. */
    gsl_rng *r = seeded(5);
    unsigned long first = gsl_rng_get(r);
    for (int i = 0; i < 10; i++) gsl_rng_get(r);
    gsl_rng_set(r, 5);
    assert_true(gsl_rng_get(r) == first);
    gsl_rng_free(r);
}

/* gsl_rng_clone and gsl_rng_memcpy copy the whole state (the type's declared size). */
static void test_clone_and_copy(void **state)
{
    (void)state;
    gsl_rng *a = stream(11, 2, "handle/999");
    for (int i = 0; i < 17; i++) gsl_rng_get(a);
    gsl_rng *b = gsl_rng_clone(a);
    assert_non_null(b);
    gsl_rng *c = seeded(999);
    assert_int_equal(gsl_rng_memcpy(c, a), GSL_SUCCESS);
    for (int i = 0; i < 100; i++) {
        unsigned long x = gsl_rng_get(a);
        assert_true(gsl_rng_get(b) == x);
        assert_true(gsl_rng_get(c) == x);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

/* ------------------------------------------------------------------------------------
 * Seeding of named streams */

static void test_seed_for_documented_formula(void **state)
{
    (void)state;
    const uint64_t seeds[] = {0, 1, 20240501, UINT64_MAX};
    const uint32_t reps[] = {0, 1, 2, 999, UINT32_MAX};
    const char *names[] = {"", "arrivals/101", "arrivals/999", "handle/101", "patience/999", "x"};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 5; j++)
            for (size_t k = 0; k < 6; k++) {
                uint64_t want = ref_seed_for(seeds[i], reps[j], names[k]);
                assert_true(cs_rng_seed_for(seeds[i], reps[j], names[k]) == want);
                assert_true(cs_rng_seed_for(seeds[i], reps[j], names[k]) == want);   /* deterministic */
                /* The name in two parts, split at every place, gives the same seed. */
                char pre[32];
                size_t len = strlen(names[k]);
                for (size_t cut = 0; cut <= len; cut++) {
                    memcpy(pre, names[k], cut);
                    pre[cut] = '\0';
                    assert_true(cs_rng_seed_for2(seeds[i], reps[j], pre, names[k] + cut) == want);
                }
                /* The stream is the generator seeded with that value. */
                gsl_rng *r = stream(seeds[i], reps[j], names[k]);
                ref_xo x = ref_seeded(want);
                for (int d = 0; d < 20; d++) assert_true(gsl_rng_get(r) == (unsigned long)(ref_next(&x) >> 32));
                gsl_rng_free(r);
            }
}

/* Every (seed, replication, name) in a realistic grid gets its own seed. */
static void test_seed_for_distinct(void **state)
{
    (void)state;
    const uint64_t seeds[] = {0, 1, 2, 12345, UINT64_MAX};
    const char *names[] = {"arrivals/101", "arrivals/999", "handle/101", "handle/999", "patience/101",
                           "patience/999", "", "a", "b", "ab", "ba"};
    enum { NS = 5, NR = 200, NN = 11 };
    uint64_t *v = malloc(NS * NR * NN * sizeof *v);
    assert_non_null(v);
    size_t n = 0;
    for (size_t i = 0; i < NS; i++)
        for (uint32_t r = 0; r < NR; r++)
            for (size_t k = 0; k < NN; k++) v[n++] = cs_rng_seed_for(seeds[i], r, names[k]);
    qsort(v, n, sizeof *v, cmp_u64);
    for (size_t i = 1; i < n; i++) assert_true(v[i] != v[i - 1]);
    free(v);
    /* Each input alone changes the seed. */
    uint64_t base = cs_rng_seed_for(7, 3, "handle/101");
    assert_true(cs_rng_seed_for(8, 3, "handle/101") != base);
    assert_true(cs_rng_seed_for(7, 4, "handle/101") != base);
    assert_true(cs_rng_seed_for(7, 3, "handle/102") != base);
    assert_true(cs_rng_seed_for(7, 3, "handle/101 ") != base);
}

/* A stream's numbers depend on its name, not on which streams exist or were drawn from. */
static void test_streams_independent_of_creation_order(void **state)
{
    (void)state;
    const char *names[] = {"arrivals/101", "handle/101", "patience/101", "arrivals/999"};
    unsigned long first[4][50];
    gsl_rng *r[4];
    for (int i = 0; i < 4; i++) r[i] = stream(99, 5, names[i]);
    for (int d = 0; d < 50; d++)   /* interleaved draws */
        for (int i = 0; i < 4; i++) first[i][d] = gsl_rng_get(r[i]);
    for (int i = 0; i < 4; i++) gsl_rng_free(r[i]);

    /* Reverse order, an extra stream in between, and other draws before ours. */
    gsl_rng *extra = stream(99, 5, "callback/101");
    for (int i = 3; i >= 0; i--) {
        for (int d = 0; d < 7; d++) gsl_rng_get(extra);
        r[i] = stream(99, 5, names[i]);
    }
    for (int i = 3; i >= 0; i--)   /* one stream at a time */
        for (int d = 0; d < 50; d++) assert_true(gsl_rng_get(r[i]) == first[i][d]);
    for (int i = 0; i < 4; i++) gsl_rng_free(r[i]);
    gsl_rng_free(extra);
}

/* ------------------------------------------------------------------------------------
 * Statistics */

#define N_CHI 1000000
#define N_BINS 100

static double chisq_uniform(const double *u, size_t n, double power)
{
    uint64_t count[N_BINS] = {0};
    for (size_t i = 0; i < n; i++) {
        double x = power == 1.0 ? u[i] : pow(u[i], power);
        size_t b = (size_t)(x * N_BINS);
        assert_true(b < N_BINS);
        count[b]++;
    }
    double e = (double)n / N_BINS, chi = 0;
    for (size_t b = 0; b < N_BINS; b++) chi += ((double)count[b] - e) * ((double)count[b] - e) / e;
    return chi;
}

static void test_uniform_range_and_resolution(void **state)
{
    (void)state;
    gsl_rng *r = stream(1, 0, "test/range");
    double lo = 1, hi = 0;
    for (int i = 0; i < 1000000; i++) {
        double u = gsl_rng_uniform(r);
        assert_true(u >= 0.0 && u < 1.0);
        double scaled = u * 0x1.0p53;   /* exact: 53-bit multiples of 2^-53 */
        assert_true(scaled == floor(scaled));
        if (u < lo) lo = u;
        if (u > hi) hi = u;
        double p = gsl_rng_uniform_pos(r);
        assert_true(p > 0.0 && p < 1.0);
        unsigned long k = gsl_rng_uniform_int(r, 7);
        assert_true(k < 7);
    }
    /* The extremes of 1e6 uniforms are within 1e-5 of 0 and 1 except with probability e^-10. */
    assert_true(lo < 1e-5);
    assert_true(hi > 1.0 - 1e-5);
    gsl_rng_free(r);
}

static void test_chisq_uniformity(void **state)
{
    (void)state;
    double crit = gsl_cdf_chisq_Qinv(0.001, N_BINS - 1);
    assert_true(fabs(crit - 148.23) < 0.01);
    double *u = malloc(N_CHI * sizeof *u);
    assert_non_null(u);

    gsl_rng *r = stream(2024, 0, "test/chisq");
    for (size_t i = 0; i < N_CHI; i++) u[i] = gsl_rng_uniform(r);
    double chi = chisq_uniform(u, N_CHI, 1.0);
    if (!(chi < crit)) {
        print_error("chi-square %.1f >= %.1f for gsl_rng_uniform\n", chi, crit);
        fail();
    }
    /* Negative control: a 2% distortion of the same draws is rejected. */
    double chi_bad = chisq_uniform(u, N_CHI, 1.02);
    if (!(chi_bad > crit)) {
        print_error("negative control not rejected: chi-square %.1f\n", chi_bad);
        fail();
    }

    /* The integer path (get(), the top 32 bits) as well. */
    uint64_t count[N_BINS] = {0};
    for (size_t i = 0; i < N_CHI; i++) count[gsl_rng_uniform_int(r, N_BINS)]++;
    double e = (double)N_CHI / N_BINS, chi_int = 0;
    for (size_t b = 0; b < N_BINS; b++) chi_int += ((double)count[b] - e) * ((double)count[b] - e) / e;
    if (!(chi_int < crit)) {
        print_error("chi-square %.1f >= %.1f for gsl_rng_uniform_int\n", chi_int, crit);
        fail();
    }
    gsl_rng_free(r);
    free(u);
}

#define N_CORR 100000

static void test_streams_uncorrelated(void **state)
{
    (void)state;
    double *x = malloc(N_CORR * sizeof *x), *y = malloc(N_CORR * sizeof *y);
    assert_true(x && y);
    const double tol = 4.0 / sqrt((double)N_CORR);
    struct {
        uint64_t s1;
        uint32_t r1;
        const char *n1;
        uint64_t s2;
        uint32_t r2;
        const char *n2;
    } pairs[] = {
        {42, 0, "arrivals/101", 42, 0, "handle/101"},    /* names differ */
        {42, 0, "arrivals/101", 42, 0, "arrivals/102"},  /* names differ in one byte */
        {42, 0, "handle/101", 42, 1, "handle/101"},      /* neighbouring replications */
        {42, 0, "handle/101", 43, 0, "handle/101"},      /* neighbouring scenario seeds */
    };
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        gsl_rng *a = stream(pairs[p].s1, pairs[p].r1, pairs[p].n1);
        gsl_rng *b = stream(pairs[p].s2, pairs[p].r2, pairs[p].n2);
        for (size_t i = 0; i < N_CORR; i++) {
            x[i] = gsl_rng_uniform(a);
            y[i] = gsl_rng_uniform(b);
        }
        double r = correlation(x, y, N_CORR);
        if (!(fabs(r) < tol)) {
            print_error("pair %zu: correlation %.5f, tolerance %.5f\n", p, r, tol);
            fail();
        }
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
    /* Lag-1 within one stream. */
    gsl_rng *a = stream(42, 0, "patience/999");
    for (size_t i = 0; i < N_CORR; i++) x[i] = gsl_rng_uniform(a);
    assert_true(fabs(correlation(x, x + 1, N_CORR - 1)) < 4.0 / sqrt((double)(N_CORR - 1)));
    gsl_rng_free(a);
    /* Control: the same name is the same stream, r = 1. */
    a = stream(42, 0, "arrivals/101");
    gsl_rng *b = stream(42, 0, "arrivals/101");
    for (size_t i = 0; i < N_CORR; i++) {
        x[i] = gsl_rng_uniform(a);
        y[i] = gsl_rng_uniform(b);
    }
    assert_true(correlation(x, y, N_CORR) > 1.0 - 1e-12);
    gsl_rng_free(a);
    gsl_rng_free(b);
    free(x);
    free(y);
}

#define N_RAN 200000

static void test_gsl_randist_on_stream(void **state)
{
    (void)state;
    gsl_rng *r = stream(7, 0, "test/randist");
    const double z = 4.5, mu = 180.0;

    double s = 0;
    for (int i = 0; i < N_RAN; i++) {
        double v = gsl_ran_exponential(r, mu);
        assert_true(v >= 0);
        s += v;
    }
    double mean = s / N_RAN, se = mu / sqrt((double)N_RAN);   /* sd of Exp = mean */
    if (!(fabs(mean - mu) < z * se)) {
        print_error("exponential mean %.4f, want %.1f +- %.4f\n", mean, mu, z * se);
        fail();
    }

    /* Gaussian: mean and variance (Var(s^2) = 2 sigma^4 / (n - 1) for normal data). */
    double sum = 0, sum2 = 0;
    for (int i = 0; i < N_RAN; i++) {
        double v = gsl_ran_gaussian(r, 2.0);
        sum += v;
        sum2 += v * v;
    }
    double gm = sum / N_RAN, gv = (sum2 - N_RAN * gm * gm) / (N_RAN - 1);
    assert_true(fabs(gm) < z * 2.0 / sqrt((double)N_RAN));
    assert_true(fabs(gv - 4.0) < z * 4.0 * sqrt(2.0 / (N_RAN - 1)));

    /* Poisson (uses the integer path in GSL): mean lambda, SE sqrt(lambda / n). */
    double ps = 0;
    for (int i = 0; i < N_RAN; i++) ps += gsl_ran_poisson(r, 3.5);
    assert_true(fabs(ps / N_RAN - 3.5) < z * sqrt(3.5 / N_RAN));
    gsl_rng_free(r);
}

/* The inline hot-path uniform: cs_rng_uniform is gsl_rng_uniform bit for bit (on our streams
 * and, through the fallback, on any GSL generator).  The exponential and normal samplers are
 * tested in tests/test_ziggurat.c. */
static void test_inline_draws(void **state)
{
    (void)state;
    gsl_rng *a = stream(3, 1, "arrivals/999"), *b = stream(3, 1, "arrivals/999");
    gsl_rng *m1 = gsl_rng_alloc(gsl_rng_mt19937), *m2 = gsl_rng_alloc(gsl_rng_mt19937);
    assert_true(m1 && m2);
    gsl_rng_set(m1, 99);
    gsl_rng_set(m2, 99);
    for (int i = 0; i < 100000; i++) {
        assert_true(cs_rng_uniform(a) == gsl_rng_uniform(b));
        assert_true(cs_rng_uniform(m1) == gsl_rng_uniform(m2));
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(m1);
    gsl_rng_free(m2);
}

/* ------------------------------------------------------------------------------------ */

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_matches_published_vectors),
        cmocka_unit_test(test_exposed_hashes),
        cmocka_unit_test(test_generator_known_answer),
        cmocka_unit_test(test_clone_and_copy),
        cmocka_unit_test(test_seed_for_documented_formula),
        cmocka_unit_test(test_seed_for_distinct),
        cmocka_unit_test(test_streams_independent_of_creation_order),
        cmocka_unit_test(test_uniform_range_and_resolution),
        cmocka_unit_test(test_chisq_uniformity),
        cmocka_unit_test(test_streams_uncorrelated),
        cmocka_unit_test(test_gsl_randist_on_stream),
        cmocka_unit_test(test_inline_draws),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
