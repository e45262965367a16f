/* Tests for models/erlang: every value of domain.md tables V1-V6 to the printed precision, the
 * closed forms of section 4a, an independent long-double reference for Erlang A (birth-death
 * chain summed directly, uniformization for the "within t" probabilities, first-step recursion
 * for ASA), limits, large n, overload, error paths and the staffing search. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "models/erlang.h"

/* ---------------------------------------------------------------- helpers */

static void near_impl(double got, double want, double tol, const char *what, const char *file,
                      int line)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("%s = %.12g, expected %.12g +- %.3g (off by %.3g)\n", what, got, want, tol,
                    got - want);
        _fail(file, line);
    }
}
#define NEAR(got, want, tol, what) near_impl((got), (want), (tol), (what), __FILE__, __LINE__)

/* A table value printed with `dec` decimals: the exact value must round to it.  The 1e-12 is
 * the "hair" for a value that sits on a rounding boundary. */
#define PRINTED(got, printed, dec, what) \
    NEAR((got), (printed), 0.5 * pow(10.0, -(dec)) + 1e-12, (what))

static void rel_impl(double got, double want, double rel, const char *what, const char *file,
                     int line)
{
    double tol = rel * fabs(want); /* truly relative: tiny values must be right too */
    if (!(fabs(got - want) <= tol)) {
        print_error("%s = %.15g, reference %.15g, relative difference %.3g > %.3g\n", what, got,
                    want, fabs(got - want) / fabs(want), rel);
        _fail(file, line);
    }
}
#define REL(got, want, rel, what) rel_impl((got), (want), (rel), (what), __FILE__, __LINE__)

static int is_prob(double p) { return isfinite(p) && p >= 0.0 && p <= 1.0; }

static void assert_result_sane(const cs_erl_result *r)
{
    assert_true(is_prob(r->p_wait));
    assert_true(is_prob(r->p_abandon));
    assert_true(is_prob(r->service_level));
    assert_true(is_prob(r->abandon_within));
    assert_true(is_prob(r->occupancy));
    assert_true(isfinite(r->mean_wait) && r->mean_wait >= 0.0);
    assert_true(isfinite(r->asa) && r->asa >= 0.0);
    assert_true(isfinite(r->mean_queue) && r->mean_queue >= 0.0);
}

/* ---------------------------------------------------------------- Erlang B */

/* Independent Erlang B: 1/B = sum_{j=0..n} n! / ((n-j)! a^j), summed in long double (fine while
 * a is near n, which is where the test uses it). */
static long double ref_erlang_b(long double a, int n)
{
    long double term = 1.0L, sum = 1.0L;
    for (int j = 1; j <= n; j++) {
        term *= (long double)(n - j + 1) / a;
        sum += term;
        if (term < 1e-30L * sum)
            break;
    }
    return 1.0L / sum;
}

static void test_erlang_b_values(void **state)
{
    (void)state;
    NEAR(cs_erl_b(10.0, 10), 0.2145823, 0.5e-7, "B(10,10)");
    NEAR(cs_erl_b(1.0, 1), 0.5, 1e-15, "B(1,1)");
    NEAR(cs_erl_b(2.0, 2), 0.4, 1e-15, "B(2,2)");
    NEAR(cs_erl_b(3.0, 0), 1.0, 0.0, "B(3,0)");
    NEAR(cs_erl_b(0.0, 5), 0.0, 0.0, "B(0,5)");
    /* Textbook Poisson form, through GSL: B = pdf(n; a) / cdf(n; a). */
    REL(cs_erl_b(10.0, 10),
        gsl_ran_poisson_pdf(10, 10.0) / gsl_cdf_poisson_P(10, 10.0), 1e-12, "B(10,10) Poisson");
    /* Large n, where factorials would overflow. */
    REL(cs_erl_b(90.0, 100), (double)ref_erlang_b(90.0L, 100), 1e-12, "B(90,100)");
    REL(cs_erl_b(1000.0, 1000), (double)ref_erlang_b(1000.0L, 1000), 1e-11, "B(1000,1000)");
    REL(cs_erl_b(4990.0, 5000), (double)ref_erlang_b(4990.0L, 5000), 1e-11, "B(4990,5000)");
    double tiny = cs_erl_b(5.0, 5000); /* underflows gracefully, no NaN */
    assert_true(tiny >= 0.0 && tiny < 1e-300);
    double big = cs_erl_b(1e6, 5000); /* heavy overload: almost everything blocked */
    assert_true(big > 0.99 && big <= 1.0);
    /* Domain errors give NaN (no room for a message in a double). */
    assert_true(isnan(cs_erl_b(-1.0, 3)));
    assert_true(isnan(cs_erl_b(NAN, 3)));
    assert_true(isnan(cs_erl_b(INFINITY, 3)));
    assert_true(isnan(cs_erl_b(1.0, -1)));
}

/* ---------------------------------------------------------------- Erlang C tables */

static void test_erlang_c_table_v1(void **state)
{
    (void)state;
    /* n, rho, P(W>0), ASA, SL(20 s), Lq */
    static const double v1[][6] = {
        {11, 0.9091, 0.6821, 122.78, 0.3896, 6.8212}, {12, 0.8333, 0.4494, 40.44, 0.6402, 2.2469},
        {13, 0.7692, 0.2853, 17.12, 0.7956, 0.9509}, {14, 0.7143, 0.1741, 7.84, 0.8884, 0.4353},
        {15, 0.6667, 0.1020, 3.67, 0.9415, 0.2041},  {16, 0.6250, 0.0573, 1.72, 0.9706, 0.0956},
    };
    for (size_t k = 0; k < sizeof v1 / sizeof v1[0]; k++) {
        cs_erl_result r;
        cs_error err = {CS_OK, ""};
        assert_int_equal(cs_erl_c(200.0 / 3600.0, 180.0, (int)v1[k][0], 20.0, &r, &err), CS_OK);
        assert_result_sane(&r);
        NEAR(r.offered_load, 10.0, 1e-12, "a");
        PRINTED(r.occupancy, v1[k][1], 4, "V1 rho");
        PRINTED(r.p_wait, v1[k][2], 4, "V1 P(W>0)");
        PRINTED(r.asa, v1[k][3], 2, "V1 ASA");
        PRINTED(r.mean_wait, v1[k][3], 2, "V1 E[W]");
        PRINTED(r.service_level, v1[k][4], 4, "V1 SL(20)");
        PRINTED(r.mean_queue, v1[k][5], 4, "V1 Lq");
        NEAR(r.p_abandon, 0.0, 0.0, "Erlang C P(Ab)");
        NEAR(r.abandon_within, 0.0, 0.0, "Erlang C abandoned within");
    }
}

static void test_erlang_c_table_v2(void **state)
{
    (void)state;
    /* n, rho, P(W>0), ASA, SL(10 s).  V2 prints no Lq; Little's law Lq = lambda ASA is
     * checked instead, which ties Lq to the printed ASA. */
    static const double v2[][5] = {
        {8, 0.9375, 0.8073, 484.35, 0.2061},  {9, 0.8333, 0.5091, 101.83, 0.5157},
        {10, 0.7500, 0.3066, 36.79, 0.7179},  {11, 0.6818, 0.1758, 15.07, 0.8436},
        {12, 0.6250, 0.0958, 6.39, 0.9176},   {13, 0.5769, 0.0495, 2.70, 0.9588},
    };
    const double lambda = 90.0 / 3600.0;
    for (size_t k = 0; k < sizeof v2 / sizeof v2[0]; k++) {
        cs_erl_result r;
        assert_int_equal(cs_erl_c(lambda, 300.0, (int)v2[k][0], 10.0, &r, NULL), CS_OK);
        assert_result_sane(&r);
        PRINTED(r.occupancy, v2[k][1], 4, "V2 rho");
        PRINTED(r.p_wait, v2[k][2], 4, "V2 P(W>0)");
        PRINTED(r.asa, v2[k][3], 2, "V2 ASA");
        PRINTED(r.service_level, v2[k][4], 4, "V2 SL(10)");
        REL(r.mean_queue, lambda * r.mean_wait, 1e-12, "V2 Lq = lambda E[W]");
    }
}

static void test_erlang_c_identities(void **state)
{
    (void)state;
    cs_erl_result r0, r20, rinf;
    assert_int_equal(cs_erl_c(200.0 / 3600.0, 180.0, 12, 0.0, &r0, NULL), CS_OK);
    assert_int_equal(cs_erl_c(200.0 / 3600.0, 180.0, 12, 20.0, &r20, NULL), CS_OK);
    assert_int_equal(cs_erl_c(200.0 / 3600.0, 180.0, 12, INFINITY, &rinf, NULL), CS_OK);
    NEAR(r0.service_level, 1.0 - r0.p_wait, 1e-15, "SL(0) = P(W=0)");
    NEAR(rinf.service_level, 1.0, 0.0, "SL(inf)");
    /* P(W > t) = C exp(-(n mu - lambda) t) */
    NEAR(1.0 - r20.service_level, r20.p_wait * exp(-(12.0 / 180.0 - 200.0 / 3600.0) * 20.0),
         1e-15, "Erlang C wait tail");
}

/* ---------------------------------------------------------------- Erlang A tables */

/* Closed-form A(x, y) = sum_j y^j / ((x+1)...(x+j)), summed directly (test sizes only). */
static long double ref_palm_a(long double x, long double y)
{
    long double term = 1.0L, sum = 1.0L;
    for (int j = 1; j < 100000; j++) {
        term *= y / (x + j);
        sum += term;
        if (term < 1e-30L * sum && y < x + j)
            break;
    }
    return sum;
}

static void test_erlang_a_table_v3(void **state)
{
    (void)state;
    /* lambda, theta, P(W>0), P(Ab), E[W], E[Q], occ;  mu = 1, n = 10 */
    static const double v3[][7] = {
        {8, 0.5, 0.3174, 0.0388, 0.0776, 0.6211, 0.7689},
        {8, 1, 0.2834, 0.0532, 0.0532, 0.4259, 0.7574},
        {8, 2, 0.2475, 0.0684, 0.0342, 0.2736, 0.7453},
        {10, 0.5, 0.6197, 0.1039, 0.2078, 2.0783, 0.8961},
        {10, 1, 0.5421, 0.1251, 0.1251, 1.2511, 0.8749},
        {10, 2, 0.4656, 0.1460, 0.0730, 0.7300, 0.8540},
        {12, 0.5, 0.8504, 0.1957, 0.3913, 4.6957, 0.9652},
        {12, 1, 0.7576, 0.2136, 0.2136, 2.5636, 0.9436},
        {12, 2, 0.6581, 0.2329, 0.1165, 1.3974, 0.9205},
    };
    for (size_t k = 0; k < sizeof v3 / sizeof v3[0]; k++) {
        const double lambda = v3[k][0], theta = v3[k][1];
        cs_erl_result r;
        assert_int_equal(cs_erl_a(lambda, 1.0, 10, 1.0 / theta, 0.5, &r, NULL), CS_OK);
        assert_result_sane(&r);
        PRINTED(r.p_wait, v3[k][2], 4, "V3 P(W>0)");
        PRINTED(r.p_abandon, v3[k][3], 4, "V3 P(Ab)");
        PRINTED(r.mean_wait, v3[k][4], 4, "V3 E[W]");
        PRINTED(r.mean_queue, v3[k][5], 4, "V3 E[Q]");
        PRINTED(r.occupancy, v3[k][6], 4, "V3 occ");

        /* Section 4a closed forms, with A summed here. */
        const double rho = lambda / 10.0, b = cs_erl_b(lambda, 10);
        const double big_a = (double)ref_palm_a(10.0L / theta, lambda / theta);
        REL(r.p_wait, big_a * b / (1.0 + (big_a - 1.0) * b), 1e-12, "P(W>0) closed form");
        REL(r.p_abandon / r.p_wait, 1.0 / (rho * big_a) + 1.0 - 1.0 / rho, 1e-11,
            "P(Ab|W>0) closed form");
        REL(r.p_abandon, theta * r.mean_wait, 1e-13, "P(Ab) = theta E[W]");
        REL(r.mean_queue, lambda * r.mean_wait, 1e-13, "Little E[Q] = lambda E[W]");
    }
}

static void test_erlang_a_table_v4(void **state)
{
    (void)state;
    /* n, P(W>0), P(Ab), E[W] s, answered <= 60 s, answered <= 300 s, abandoned <= 300 s */
    static const double v4[][7] = {
        {11, 0.7720, 0.1332, 119.8, 0.3695, 0.7813, 0.1241},
        {12, 0.6414, 0.0889, 80.0, 0.5269, 0.8727, 0.0855},
        {13, 0.5026, 0.0569, 51.2, 0.6700, 0.9277, 0.0557},
        {14, 0.3726, 0.0351, 31.6, 0.7845, 0.9593, 0.0347},
        {15, 0.2623, 0.0209, 18.8, 0.8673, 0.9772, 0.0208},
        {16, 0.1758, 0.0121, 10.9, 0.9226, 0.9873, 0.0120},
    };
    for (size_t k = 0; k < sizeof v4 / sizeof v4[0]; k++) {
        const int n = (int)v4[k][0];
        cs_erl_result r60, r300;
        assert_int_equal(cs_erl_a(120.0 / 3600.0, 360.0, n, 900.0, 60.0, &r60, NULL), CS_OK);
        assert_int_equal(cs_erl_a(120.0 / 3600.0, 360.0, n, 900.0, 300.0, &r300, NULL), CS_OK);
        assert_result_sane(&r60);
        assert_result_sane(&r300);
        NEAR(r60.offered_load, 12.0, 1e-12, "a");
        PRINTED(r60.p_wait, v4[k][1], 4, "V4 P(W>0)");
        PRINTED(r60.p_abandon, v4[k][2], 4, "V4 P(Ab)");
        PRINTED(r60.mean_wait, v4[k][3], 1, "V4 E[W]");
        PRINTED(r60.service_level, v4[k][4], 4, "V4 answered <= 60 s");
        PRINTED(r300.service_level, v4[k][5], 4, "V4 answered <= 300 s");
        PRINTED(r300.abandon_within, v4[k][6], 4, "V4 abandoned <= 300 s");
        /* The threshold changes only the "within" fields. */
        NEAR(r300.p_wait, r60.p_wait, 0.0, "P(W>0) independent of t");
        NEAR(r300.asa, r60.asa, 0.0, "ASA independent of t");
    }
}

static void test_erlang_a_table_v5(void **state)
{
    (void)state;
    /* n, P(W>0), P(Ab), E[W] s, answered <= 10 s */
    static const double v5[][5] = {
        {8, 0.3910, 0.1440, 17.28, 0.6493},  {9, 0.2804, 0.0932, 11.18, 0.7544},
        {10, 0.1884, 0.0568, 6.82, 0.8391},  {11, 0.1183, 0.0326, 3.91, 0.9016},
        {12, 0.0693, 0.0175, 2.11, 0.9438},
    };
    for (size_t k = 0; k < sizeof v5 / sizeof v5[0]; k++) {
        cs_erl_result r;
        assert_int_equal(cs_erl_a(90.0 / 3600.0, 300.0, (int)v5[k][0], 120.0, 10.0, &r, NULL),
                         CS_OK);
        assert_result_sane(&r);
        PRINTED(r.p_wait, v5[k][1], 4, "V5 P(W>0)");
        PRINTED(r.p_abandon, v5[k][2], 4, "V5 P(Ab)");
        PRINTED(r.mean_wait, v5[k][3], 2, "V5 E[W]");
        PRINTED(r.service_level, v5[k][4], 4, "V5 answered <= 10 s");
    }
}

static void test_table_v6_asymptotics(void **state)
{
    (void)state;
    cs_erl_result r;
    /* Erlang C, n = 100, a = 90, beta = 1. */
    assert_int_equal(cs_erl_c(90.0, 1.0, 100, 0.0, &r, NULL), CS_OK);
    PRINTED(r.p_wait, 0.2169, 4, "V6 Erlang C P(W>0)");
    const double beta = 1.0;
    const double hw = 1.0 / (1.0 + beta * gsl_cdf_ugaussian_P(beta) / gsl_ran_ugaussian_pdf(beta));
    PRINTED(hw, 0.2234, 4, "Halfin-Whitt limit");
    assert_true(r.p_wait < hw);

    /* Erlang A, lambda = n, mu = 1: theta, then P(W>0) / P(Ab) for n = 25, 100, 400, limit */
    static const double v6[][8] = {
        {0.25, 0.6839, 0.05311, 0.6754, 0.02659, 0.6711, 0.01330, 0.6667},
        {1, 0.5266, 0.07952, 0.5133, 0.03986, 0.5066, 0.01994, 0.5000},
        {4, 0.3711, 0.10564, 0.3516, 0.05310, 0.3423, 0.02658, 0.3333},
    };
    static const int ns[3] = {25, 100, 400};
    for (size_t k = 0; k < 3; k++) {
        const double theta = v6[k][0];
        const double limit = 1.0 / (1.0 + sqrt(theta));
        PRINTED(limit, v6[k][7], 4, "V6 QED limit");
        double prev_gap = INFINITY, prev_ab = NAN;
        for (int j = 0; j < 3; j++) {
            const int n = ns[j];
            assert_int_equal(cs_erl_a((double)n, 1.0, n, 1.0 / theta, 0.0, &r, NULL), CS_OK);
            assert_result_sane(&r);
            PRINTED(r.p_wait, v6[k][1 + 2 * j], 4, "V6 Erlang A P(W>0)");
            PRINTED(r.p_abandon, v6[k][2 + 2 * j], 5, "V6 Erlang A P(Ab)");
            /* Approaches the limit from above, and P(Ab) halves when n quadruples. */
            const double gap = r.p_wait - limit;
            assert_true(gap > 0.0 && gap < prev_gap);
            if (j > 0)
                NEAR(r.p_abandon / prev_ab, 0.5, 0.01, "P(Ab) ~ 1/sqrt(n)");
            prev_gap = gap;
            prev_ab = r.p_abandon;
        }
    }
}

/* ---------------------------------------------------------------- independent reference */

typedef struct {
    double p_wait, p_abandon, p_abandon_direct, mean_wait, mean_queue, asa, service_level,
        abandon_within, occupancy;
} ref_result;

/* Erlang A from scratch in long double: the birth-death chain summed state by state (no closed
 * forms, no scaling: long double reaches 1e4932, enough for n = 2000), P(answered by t | i) and
 * P(abandoned by t | i) by uniformization of the caller's position process, ASA by first-step
 * analysis, occupancy from sum min(k, n) pi_k rather than Little's law. */
static ref_result ref_erlang_a(double lambda_d, double mean_service, int n, double mean_patience,
                               double t_d)
{
    const long double lambda = lambda_d, mu = 1.0L / mean_service, theta = 1.0L / mean_patience;
    const long double t = t_d, nmu = n * mu;
    /* unnormalized pi_k, k = 0..K */
    size_t cap = 1024, kmax = 0;
    long double *p = malloc(cap * sizeof *p);
    assert_non_null(p);
    long double sum = p[0] = 1.0L;
    for (size_t k = 1;; k++) {
        long double death = k <= (size_t)n ? k * mu : nmu + (long double)(k - (size_t)n) * theta;
        if (k == cap) {
            cap *= 2;
            p = realloc(p, cap * sizeof *p);
            assert_non_null(p);
        }
        p[k] = p[k - 1] * lambda / death;
        sum += p[k];
        kmax = k;
        if (k > (size_t)n && lambda < death && p[k] < 1e-40L * sum)
            break;
    }
    const size_t qmax = kmax - (size_t)n; /* queue positions 0..qmax */
    long double pw = 0, p0 = 0, eq = 0, busy = 0;
    for (size_t k = 0; k <= kmax; k++) {
        long double pk = p[k] / sum;
        if (k >= (size_t)n) {
            pw += pk;
            eq += (long double)(k - (size_t)n) * pk;
        } else {
            p0 += pk; /* summed, not 1 - pw, so that a tiny P(W=0) stays accurate */
        }
        busy += (k < (size_t)n ? (long double)k : (long double)n) * pk;
    }

    /* Position process: at position i (i calls ahead) the call advances at r_i = n mu + i theta
     * and abandons at theta.  Uniformize at rate Lam >= r_i + theta for all kept i. */
    const size_t m = qmax + 1;
    long double *h = calloc(m, sizeof *h), *g = calloc(m, sizeof *g);
    long double *hn = calloc(m, sizeof *hn), *gn = calloc(m, sizeof *gn);
    long double *ans = calloc(m, sizeof *ans), *ab = calloc(m, sizeof *ab);
    assert_true(h && g && hn && gn && ans && ab);
    const long double lam = nmu + (long double)m * theta;
    const long double lt = lam * t;
    long double pois = expl(-lt), pois_cum = pois; /* k = 0: nothing absorbed yet */
    /* Far into the Poisson tail: deep positions are answered by t only through many jumps,
     * and in overload those rare paths are the whole service level. */
    const size_t steps = (size_t)(lt + 30.0L * sqrtl(lt) + 100.0L);
    for (size_t k = 1; k <= steps; k++) {
        for (size_t i = 0; i < m; i++) {
            long double r = nmu + (long double)i * theta;
            long double stay = 1.0L - (r + theta) / lam;
            hn[i] = r / lam * (i == 0 ? 1.0L : h[i - 1]) + stay * h[i];
            gn[i] = theta / lam + r / lam * (i == 0 ? 0.0L : g[i - 1]) + stay * g[i];
        }
        long double *sw = h;
        h = hn, hn = sw;
        sw = g, g = gn, gn = sw;
        pois *= lt / (long double)k;
        pois_cum += pois;
        for (size_t i = 0; i < m; i++) {
            ans[i] += pois * h[i];
            ab[i] += pois * g[i];
        }
    }
    assert_true(1.0L - pois_cum < 1e-18L); /* Poisson tail dropped */
    assert_true(fabsl(p0 + pw - 1.0L) < 1e-17L);

    long double p_answered = p0, abn = 0, sl = p0, abw = 0, wans = 0;
    long double served = 1.0L, wserved = 0.0L; /* first-step: P(served | i), E[V 1{served} | i] */
    for (size_t i = 0; i < m; i++) {
        long double r = nmu + (long double)i * theta;
        long double adv = r / (r + theta);
        wserved = adv * (served / (r + theta) + wserved);
        served *= adv;
        long double pi = p[(size_t)n + i] / sum;
        p_answered += pi * served;
        abn += pi * (1.0L - served);
        wans += pi * wserved;
        sl += pi * ans[i];
        abw += pi * ab[i];
    }
    ref_result out;
    out.p_wait = (double)pw;
    out.mean_queue = (double)eq;
    out.mean_wait = (double)(eq / lambda);
    out.p_abandon = (double)(theta * eq / lambda);
    out.p_abandon_direct = (double)abn;
    out.asa = (double)(wans / p_answered);
    out.service_level = (double)sl;
    out.abandon_within = (double)abw;
    out.occupancy = (double)(busy / n);
    free(p), free(h), free(g), free(hn), free(gn), free(ans), free(ab);
    return out;
}

static void compare_with_reference(double lambda, double mean_service, int n, double patience,
                                   double t)
{
    cs_erl_result r;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_erl_a(lambda, mean_service, n, patience, t, &r, &err), CS_OK);
    assert_result_sane(&r);
    ref_result ref = ref_erlang_a(lambda, mean_service, n, patience, t);
    const double rel = 1e-9;
    REL(ref.p_abandon_direct, ref.p_abandon, 1e-12, "reference self-check P(Ab)");
    REL(r.p_wait, ref.p_wait, rel, "P(W>0) vs reference");
    REL(r.p_abandon, ref.p_abandon, rel, "P(Ab) vs reference");
    REL(r.mean_wait, ref.mean_wait, rel, "E[W] vs reference");
    REL(r.mean_queue, ref.mean_queue, rel, "E[Q] vs reference");
    REL(r.asa, ref.asa, rel, "ASA vs reference");
    REL(r.service_level, ref.service_level, rel, "SL vs reference (uniformization)");
    REL(r.abandon_within, ref.abandon_within, rel, "abandoned within vs reference");
    REL(r.occupancy, ref.occupancy, rel, "occupancy vs reference");
}

static void test_erlang_a_vs_reference(void **state)
{
    (void)state;
    compare_with_reference(120.0 / 3600.0, 360.0, 13, 900.0, 60.0);  /* V4 */
    compare_with_reference(120.0 / 3600.0, 360.0, 11, 900.0, 300.0); /* V4 */
    compare_with_reference(90.0 / 3600.0, 300.0, 8, 120.0, 10.0);    /* V5 */
    compare_with_reference(12.0, 1.0, 10, 2.0, 0.3);                 /* V3, overloaded */
    compare_with_reference(4.0, 1.0, 3, 0.2, 0.2);  /* patience < service: x < 1 */
    compare_with_reference(0.5, 1.0, 1, 3.0, 2.0);  /* single agent */
    /* n = 2000 at 99.5% load, and overloaded at 120% (lambda = 1.2 n mu). */
    compare_with_reference(1990.0 / 360.0, 360.0, 2000, 900.0, 20.0);
    compare_with_reference(1.2 * 2000.0 / 360.0, 360.0, 2000, 900.0, 60.0);
}

/* ---------------------------------------------------------------- limits and identities */

static void test_erlang_a_theta_to_zero(void **state)
{
    (void)state;
    for (int n = 11; n <= 16; n++) {
        cs_erl_result c, a_far, a_near;
        assert_int_equal(cs_erl_c(200.0 / 3600.0, 180.0, n, 20.0, &c, NULL), CS_OK);
        assert_int_equal(cs_erl_a(200.0 / 3600.0, 180.0, n, 1e5, 20.0, &a_far, NULL), CS_OK);
        assert_int_equal(cs_erl_a(200.0 / 3600.0, 180.0, n, 1e9, 20.0, &a_near, NULL), CS_OK);
        /* The gap is O(theta): patience 1e9 s puts it near 1e-6 relative. */
        REL(a_near.p_wait, c.p_wait, 1e-5, "theta->0 P(W>0)");
        REL(a_near.mean_wait, c.mean_wait, 1e-5, "theta->0 E[W]");
        REL(a_near.asa, c.asa, 1e-5, "theta->0 ASA");
        REL(a_near.service_level, c.service_level, 1e-5, "theta->0 SL");
        REL(a_near.mean_queue, c.mean_queue, 1e-5, "theta->0 Lq");
        REL(a_near.occupancy, c.occupancy, 1e-5, "theta->0 occupancy");
        assert_true(a_near.p_abandon < 1e-6);
        assert_true(fabs(a_near.p_wait - c.p_wait) < fabs(a_far.p_wait - c.p_wait));
        assert_true(fabs(a_near.mean_wait - c.mean_wait) < fabs(a_far.mean_wait - c.mean_wait));
    }
}

static void test_erlang_a_identities(void **state)
{
    (void)state;
    cs_erl_result r0, r1, r2, rinf;
    const double lam = 120.0 / 3600.0;
    assert_int_equal(cs_erl_a(lam, 360.0, 12, 900.0, 0.0, &r0, NULL), CS_OK);
    assert_int_equal(cs_erl_a(lam, 360.0, 12, 900.0, 30.0, &r1, NULL), CS_OK);
    assert_int_equal(cs_erl_a(lam, 360.0, 12, 900.0, 120.0, &r2, NULL), CS_OK);
    assert_int_equal(cs_erl_a(lam, 360.0, 12, 900.0, INFINITY, &rinf, NULL), CS_OK);
    NEAR(r0.service_level, 1.0 - r0.p_wait, 1e-15, "SL(0) = P(W=0)");
    NEAR(r0.abandon_within, 0.0, 1e-15, "nobody abandons within 0 s");
    NEAR(rinf.service_level, 1.0 - rinf.p_abandon, 1e-13, "SL(inf) = 1 - P(Ab)");
    NEAR(rinf.abandon_within, rinf.p_abandon, 1e-13, "abandoned within inf = P(Ab)");
    assert_true(r0.service_level < r1.service_level && r1.service_level < r2.service_level &&
                r2.service_level < rinf.service_level);
    assert_true(r0.abandon_within < r1.abandon_within && r1.abandon_within < r2.abandon_within);
    /* Everyone is answered, abandons, or is still waiting at t. */
    assert_true(r2.service_level + r2.abandon_within <= 1.0);
    /* Answered calls waited less than the average arrival who had to wait. */
    assert_true(r1.asa > 0.0 && r1.asa < r1.mean_wait / r1.p_wait);
}

static void test_large_n_and_overload(void **state)
{
    (void)state;
    cs_erl_result r;
    /* Erlang C at n = 2000, a = 1990, checked against the chain summed in long double. */
    assert_int_equal(cs_erl_c(1990.0 / 360.0, 360.0, 2000, 20.0, &r, NULL), CS_OK);
    assert_result_sane(&r);
    {
        const long double a = 1990.0L, n = 2000.0L;
        long double pk = 1.0L, below = 0.0L;
        for (int k = 0; k < 2000; k++) {
            below += pk;
            pk *= a / (long double)(k + 1);
        }
        long double queued = pk / (1.0L - a / n);
        REL(r.p_wait, (double)(queued / (below + queued)), 1e-10, "Erlang C n=2000 P(W>0)");
    }
    assert_true(r.p_wait > 0.5 && r.p_wait < 1.0);

    /* Erlang A at n = 2000, a = 1990 and at 120% load: finite, probabilities in [0,1]. */
    assert_int_equal(cs_erl_a(1990.0 / 360.0, 360.0, 2000, 900.0, 20.0, &r, NULL), CS_OK);
    assert_result_sane(&r);
    assert_int_equal(cs_erl_a(1.2 * 2000.0 / 360.0, 360.0, 2000, 900.0, 20.0, &r, NULL), CS_OK);
    assert_result_sane(&r);
    /* Fluid limit of an overloaded Erlang A: agents all busy, the excess 1 - 1/1.2 abandons
     * (corrections are O(1/sqrt(n))). */
    NEAR(r.p_wait, 1.0, 1e-6, "overload P(W>0)");
    NEAR(r.p_abandon, 1.0 - 1.0 / 1.2, 0.005, "overload P(Ab)");
    NEAR(r.occupancy, 1.0, 0.005, "overload occupancy");

    /* n = 5000 at 3x overload (a queue of ~25000 states) and a single agent at 1000x. */
    assert_int_equal(cs_erl_a(3.0 * 5000.0 / 360.0, 360.0, 5000, 900.0, 60.0, &r, NULL), CS_OK);
    assert_result_sane(&r);
    NEAR(r.p_abandon, 2.0 / 3.0, 0.005, "3x overload P(Ab)");
    assert_int_equal(cs_erl_a(1000.0 / 360.0, 360.0, 1, 900.0, 60.0, &r, NULL), CS_OK);
    assert_result_sane(&r);
    NEAR(r.p_abandon, 0.999, 0.001, "1000x overload P(Ab)");
    /* Very light load on many agents: P(W>0) underflows to 0 cleanly. */
    assert_int_equal(cs_erl_a(5.0 / 360.0, 360.0, 5000, 900.0, 20.0, &r, NULL), CS_OK);
    assert_result_sane(&r);
    NEAR(r.service_level, 1.0, 1e-15, "light load SL");
    assert_int_equal(cs_erl_c(5.0 / 360.0, 360.0, 5000, 20.0, &r, NULL), CS_OK);
    assert_result_sane(&r);
}

/* ---------------------------------------------------------------- errors */

static void expect_edom(cs_status st, const cs_error *err, const char *must_contain)
{
    assert_int_equal(st, CS_EDOM);
    assert_int_equal(err->code, CS_EDOM);
    assert_true(strlen(err->msg) > 10);
    if (must_contain && !strstr(err->msg, must_contain)) {
        print_error("message '%s' lacks '%s'\n", err->msg, must_contain);
        fail();
    }
}

static void test_error_paths(void **state)
{
    (void)state;
    cs_erl_result r, sentinel;
    memset(&sentinel, 0x5a, sizeof sentinel);
    cs_error err;
    const double lam = 200.0 / 3600.0;
#define RESET() (r = sentinel, err.code = CS_OK, err.msg[0] = '\0')

    /* Erlang C at and above 100% load. */
    RESET();
    expect_edom(cs_erl_c(lam, 180.0, 10, 20.0, &r, &err), &err, "at least 11 agents");
    assert_memory_equal(&r, &sentinel, sizeof r); /* output untouched on error */
    RESET();
    expect_edom(cs_erl_c(lam, 180.0, 9, 20.0, &r, &err), &err, "unstable");

    static const double bad[] = {0.0, -1.0, NAN, INFINITY};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        RESET();
        expect_edom(cs_erl_c(bad[k], 180.0, 12, 20.0, &r, &err), &err, "arrival rate");
        RESET();
        expect_edom(cs_erl_c(lam, bad[k], 12, 20.0, &r, &err), &err, "handling time");
        RESET();
        expect_edom(cs_erl_a(bad[k], 180.0, 12, 900.0, 20.0, &r, &err), &err, "arrival rate");
        RESET();
        expect_edom(cs_erl_a(lam, bad[k], 12, 900.0, 20.0, &r, &err), &err, "handling time");
        RESET();
        expect_edom(cs_erl_a(lam, 180.0, 12, bad[k], 20.0, &r, &err), &err, "patience");
        assert_memory_equal(&r, &sentinel, sizeof r);
    }
    RESET();
    expect_edom(cs_erl_c(lam, 180.0, 0, 20.0, &r, &err), &err, "number of agents");
    RESET();
    expect_edom(cs_erl_a(lam, 180.0, -3, 900.0, 20.0, &r, &err), &err, "number of agents");
    RESET();
    expect_edom(cs_erl_a(lam, 180.0, CS_ERL_MAX_AGENTS + 1, 900.0, 20.0, &r, &err), &err,
                "number of agents");
    RESET();
    expect_edom(cs_erl_c(lam, 180.0, 12, -1.0, &r, &err), &err, "threshold");
    RESET();
    expect_edom(cs_erl_a(lam, 180.0, 12, 900.0, NAN, &r, &err), &err, "threshold");
    /* Overload with an absurd patience would need billions of queue states. */
    RESET();
    expect_edom(cs_erl_a(2.0 * lam, 180.0, 10, 1e12, 20.0, &r, &err), &err, "patience");
    assert_memory_equal(&r, &sentinel, sizeof r);
    /* err may be NULL. */
    assert_int_equal(cs_erl_c(lam, 180.0, 10, 20.0, &r, NULL), CS_EDOM);

    int n = -7;
    RESET();
    expect_edom(cs_erl_agents_for(lam, 180.0, 0.0, 20.0, 0.0, 100, &n, &err), &err, "target");
    RESET();
    expect_edom(cs_erl_agents_for(lam, 180.0, 0.0, 20.0, 1.0, 100, &n, &err), &err, "target");
    RESET();
    expect_edom(cs_erl_agents_for(lam, 180.0, 0.0, 20.0, NAN, 100, &n, &err), &err, "target");
    RESET();
    expect_edom(cs_erl_agents_for(lam, 180.0, NAN, 20.0, 0.8, 100, &n, &err), &err, "patience");
    RESET();
    expect_edom(cs_erl_agents_for(lam, 180.0, 0.0, 20.0, 0.8, 0, &n, &err), &err, "agents");
    RESET();
    expect_edom(cs_erl_agents_for(lam, 180.0, 0.0, 20.0, 0.8, 13, &n, &err), &err,
                "not reachable with 13 agents");
    RESET();
    expect_edom(cs_erl_agents_for(lam, 180.0, 0.0, 20.0, 0.8, 10, &n, &err), &err, "stable");
    assert_int_equal(n, -7); /* untouched on error */
#undef RESET
}

/* ---------------------------------------------------------------- staffing search */

static double sl_c(int n)
{
    cs_erl_result r;
    assert_int_equal(cs_erl_c(200.0 / 3600.0, 180.0, n, 20.0, &r, NULL), CS_OK);
    return r.service_level;
}

static void test_agents_for(void **state)
{
    (void)state;
    int n = 0;
    cs_error err = {CS_OK, ""};
    /* V1: 80% within 20 s needs 14 (0.8884); 13 gives 0.7956. */
    assert_int_equal(cs_erl_agents_for(200.0 / 3600.0, 180.0, 0.0, 20.0, 0.8, 1000, &n, &err),
                     CS_OK);
    assert_int_equal(n, 14);
    assert_true(sl_c(13) < 0.8 && sl_c(14) >= 0.8);
    assert_int_equal(
        cs_erl_agents_for(200.0 / 3600.0, 180.0, INFINITY, 20.0, 0.8, 14, &n, &err), CS_OK);
    assert_int_equal(n, 14); /* max_n is inclusive; infinite patience means Erlang C */
    /* 0.7956 is exactly reachable by 13: the comparison is >=. */
    assert_int_equal(cs_erl_agents_for(200.0 / 3600.0, 180.0, -1.0, 20.0, sl_c(13), 50, &n, &err),
                     CS_OK);
    assert_int_equal(n, 13);
    /* Erlang A, V4: 80% answered within 60 s needs 15 (0.8673; 14 gives 0.7845). */
    assert_int_equal(cs_erl_agents_for(120.0 / 3600.0, 360.0, 900.0, 60.0, 0.8, 200, &n, &err),
                     CS_OK);
    assert_int_equal(n, 15);
    /* V5: 90% within 10 s needs 11 (0.9016; 10 gives 0.8391). */
    assert_int_equal(cs_erl_agents_for(90.0 / 3600.0, 300.0, 120.0, 10.0, 0.9, 200, &n, &err),
                     CS_OK);
    assert_int_equal(n, 11);
    /* The bisection relies on SL increasing with n: check it over a whole range. */
    double prev = -1.0;
    for (int k = 1; k <= 40; k++) {
        cs_erl_result r;
        assert_int_equal(cs_erl_a(120.0 / 3600.0, 360.0, k, 900.0, 60.0, &r, NULL), CS_OK);
        assert_true(r.service_level > prev);
        prev = r.service_level;
    }
    /* A large pool: answer is minimal, checked against its neighbour. */
    assert_int_equal(cs_erl_agents_for(1990.0 / 360.0, 360.0, 900.0, 20.0, 0.8, 5000, &n, &err),
                     CS_OK);
    cs_erl_result lo, hi;
    assert_int_equal(cs_erl_a(1990.0 / 360.0, 360.0, n - 1, 900.0, 20.0, &lo, NULL), CS_OK);
    assert_int_equal(cs_erl_a(1990.0 / 360.0, 360.0, n, 900.0, 20.0, &hi, NULL), CS_OK);
    assert_true(lo.service_level < 0.8 && hi.service_level >= 0.8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erlang_b_values),
        cmocka_unit_test(test_erlang_c_table_v1),
        cmocka_unit_test(test_erlang_c_table_v2),
        cmocka_unit_test(test_erlang_c_identities),
        cmocka_unit_test(test_erlang_a_table_v3),
        cmocka_unit_test(test_erlang_a_table_v4),
        cmocka_unit_test(test_erlang_a_table_v5),
        cmocka_unit_test(test_table_v6_asymptotics),
        cmocka_unit_test(test_erlang_a_vs_reference),
        cmocka_unit_test(test_erlang_a_theta_to_zero),
        cmocka_unit_test(test_erlang_a_identities),
        cmocka_unit_test(test_large_n_and_overload),
        cmocka_unit_test(test_error_paths),
        cmocka_unit_test(test_agents_for),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
