/* Tests for the experiments layer (experiments/experiment.c, sweep.c, sensitivity.c) and the
 * tornado (HBAR) chart.
 *
 *  - The batch runner gives each scenario exactly what cs_run gives it alone, whatever the
 *    threads and whatever else is in the batch.
 *  - Common random numbers: the variance of paired differences between two points is far below
 *    the sum of their variances; negative control: with a different seed for one point (no
 *    common random numbers) it is not.
 *  - Sensitivity ranks a strong input above a weak one; sweep indexes its grid as documented.
 * Scenarios are built in code (tests/testutil.h): small M/M/n+M lines, a few replications. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "experiments/sensitivity.h"
#include "experiments/sweep.h"
#include "models/run.h"
#include "plots/chart.h"
#include "tests/testutil.h"

#define RATE (4.0 / 60.0)

typedef struct world {
    int reps;
    unsigned long long seed;
} world;

/* Input 0: headcount; input 1: mean patience (s). */
static cs_status build(void *ud, const cs_exp_setting *set, size_t n, cs_scn **out, cs_error *err)
{
    (void)err;
    const world *w = ud;
    double staff = 20, patience = 600;
    for (size_t i = 0; i < n; i++) {
        double x = set[i].text ? atof(set[i].text) : set[i].x;
        if (set[i].input == 0) staff = x;
        else patience = x;
    }
    *out = tu_single(RATE, 300, (int)lround(staff), patience, 20, 1.5 * 86400, 0.25 * 86400, w->reps, w->seed);
    return CS_OK;
}

static cs_exp_kpi kpi(const cs_scn *s, const char *text)
{
    cs_exp_kpi k;
    cs_error e;
    assert_int_equal(cs_exp_kpi_parse(s, text, &k, &e), CS_OK);
    return k;
}

static void test_batch_equals_run(void **state)
{
    (void)state;
    world w = {4, 11};
    cs_exp_setting s18 = {0, NULL, 18};
    cs_scn *scn[2];
    build(&w, NULL, 0, &scn[0], NULL);
    build(&w, &s18, 1, &scn[1], NULL);
    for (int threads = 1; threads <= 3; threads += 2) {
        cs_results *res[2];
        cs_exp_opts o = {threads, NULL, NULL};
        cs_error err;
        assert_int_equal(cs_exp_run(scn, 2, scn[0], NULL, &o, res, &err), CS_OK);
        for (int i = 0; i < 2; i++) {
            cs_results *alone = NULL;
            cs_run_opts ro;
            memset(&ro, 0, sizeof ro);
            ro.threads = 1;
            assert_int_equal(cs_run(scn[i], &ro, &alone, &err), CS_OK);
            size_t nv = scn[i]->n_lines * CS_LK_N * (size_t)res[i]->n_reps;
            for (size_t v = 0; v < nv; v++) {
                double a = res[i]->line_vals[v], b = alone->line_vals[v];
                assert_true((isnan(a) && isnan(b)) || a == b);
            }
            cs_results_free(alone);
            cs_results_free(res[i]);
        }
    }
    cs_scn_free(scn[0]);
    cs_scn_free(scn[1]);
}

/* Var(paired difference) against Var(a) + Var(b), for ASA between 20 and 21 handlers. */
static double crn_ratio(unsigned long long seed_b)
{
    world w = {12, 5};
    cs_exp_setting s21 = {0, NULL, 21};
    cs_scn *scn[2];
    build(&w, NULL, 0, &scn[0], NULL);
    build(&w, &s21, 1, &scn[1], NULL);
    cs_results *res[2];
    cs_error err;
    assert_int_equal(cs_exp_run(scn, 2, scn[0], NULL, NULL, res, &err), CS_OK);
    if (seed_b != 5) { /* rerun point b alone on other random numbers */
        cs_results_free(res[1]);
        cs_scn *other = NULL;
        world w2 = {12, seed_b};
        build(&w2, &s21, 1, &other, NULL);
        assert_int_equal(cs_exp_run(&other, 1, other, NULL, NULL, &res[1], &err), CS_OK);
        cs_scn_free(scn[1]);
        scn[1] = other;
    }
    cs_exp_kpi k = kpi(scn[0], "lines.101.asa");
    const double *a = cs_exp_kpi_reps(res[0], &k), *b = cs_exp_kpi_reps(res[1], &k);
    double m, h, vd, va, vb;
    cs_exp_paired(a, b, 12, &m, &h, &vd);
    double zero[12] = {0};
    cs_exp_paired(a, zero, 12, &m, &h, &va);
    cs_exp_paired(b, zero, 12, &m, &h, &vb);
    for (int i = 0; i < 2; i++) {
        cs_results_free(res[i]);
        cs_scn_free(scn[i]);
    }
    print_message("var(a - b) = %.3g, var(a) + var(b) = %.3g\n", vd, va + vb);
    return vd / (va + vb);
}

static void test_common_random_numbers(void **state)
{
    (void)state;
    double crn = crn_ratio(5), indep = crn_ratio(99);
    /* Independent runs: the ratio is 1 in expectation (here within a chi-square spread); common
     * random numbers: a small fraction of it. */
    assert_true(crn < 0.2);
    assert_true(indep > 0.4);
}

static void test_sweep_grid(void **state)
{
    (void)state;
    world w = {3, 7};
    const char *staff_t[] = {"18", "20", "22"}, *pat_t[] = {"300", "900"};
    double staff_x[] = {18, 20, 22}, pat_x[] = {300, 900};
    cs_sweep_axis axes[2] = {{{"pools.handlers.staff", "", 1}, 3, staff_t, staff_x},
                             {{"lines.101.patience.mean", "s", 0}, 2, pat_t, pat_x}};
    cs_scn *base;
    build(&w, NULL, 0, &base, NULL);
    cs_sweep *s = NULL;
    cs_error err;
    assert_int_equal(cs_sweep_run(axes, 2, base, build, &w, NULL, &s, &err), CS_OK);
    assert_int_equal(s->n_points, 6);
    /* First axis outermost. */
    assert_int_equal(cs_sweep_index(s, 3, 0), 1);
    assert_int_equal(cs_sweep_index(s, 3, 1), 1);
    char label[128];
    cs_sweep_point_label(s, 5, label, sizeof label);
    assert_string_equal(label, "pools.handlers.staff=22, lines.101.patience.mean=900");
    /* The builder saw the values: more handlers, shorter waits, at either patience. */
    cs_exp_kpi k = kpi(base, "lines.101.asa");
    for (size_t j = 0; j < 2; j++) {
        double m0, m2, h;
        cs_exp_kpi_mean(s->res[0 + j], &k, &m0, &h);
        cs_exp_kpi_mean(s->res[4 + j], &k, &m2, &h);
        assert_true(m2 < m0);
    }
    assert_int_equal(s->scn[5]->pools[0].staffing.level[0], 22);
    cs_sweep_free(s);
    cs_scn_free(base);
}

static void test_sensitivity_ranks(void **state)
{
    (void)state;
    world w = {6, 3};
    /* Builder inputs: 0 = headcount (+-2 handlers), 1 = patience (+-10%). */
    cs_sens_input in[2] = {
        {{"pools.handlers.staff", "", 1}, "18", "22", 18, 22},
        {{"lines.101.patience.mean", "s", 0}, "540", "660", 540, 660},
    };
    cs_scn *base;
    build(&w, NULL, 0, &base, NULL);
    cs_sens *s = NULL;
    cs_error err;
    assert_int_equal(cs_sens_run(in, 2, base, build, &w, NULL, &s, &err), CS_OK);
    cs_exp_kpi k = kpi(base, "lines.101.abandon_rate");
    cs_sens_effect e[2];
    cs_sens_rank(s, &k, e);
    assert_int_equal(e[0].input, 0);   /* headcount first */
    assert_true(e[0].swing < 0 && fabs(e[0].swing) > e[0].swing_ci);
    assert_true(fabs(e[0].swing) > fabs(e[1].swing));
    assert_true(e[0].low > 0 && e[0].high < 0);   /* fewer handlers: more abandonment */
    assert_true(fabs(e[0].low - e[0].high - (-e[0].swing)) < 1e-12);   /* swing = high - low */
    cs_sens_free(s);
    cs_scn_free(base);
}

static void test_kpi_refs(void **state)
{
    (void)state;
    world w = {2, 1};
    cs_scn *s;
    build(&w, NULL, 0, &s, NULL);
    cs_exp_kpi k;
    cs_error e;
    assert_int_equal(cs_exp_kpi_parse(s, "pools.\"handlers\".occupancy", &k, &e), CS_OK);
    assert_true(k.pool && k.kpi == CS_PK_OCCUPANCY);
    char buf[96];
    cs_exp_kpi_format(&k, buf, sizeof buf);
    assert_string_equal(buf, "pools.handlers.occupancy");
    const char *bad[] = {"lines.102.asa", "lines.101.speed", "queues.101.asa", "lines.101", "lines..asa"};
    for (size_t i = 0; i < 5; i++) assert_int_equal(cs_exp_kpi_parse(s, bad[i], &k, &e), CS_EINPUT);
    assert_int_equal(cs_exp_kpi_parse(s, "lines.101.speed", &k, &e), CS_EINPUT);
    assert_non_null(strstr(e.msg, "abandon_rate"));   /* the list of KPIs is given */
    cs_scn_free(s);
}

static off_t size_of(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? st.st_size : -1;
}

static char *slurp(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = 0;
    fclose(f);
    return b;
}

static void test_tornado_chart(void **state)
{
    (void)state;
    char dir[] = "/tmp/callsim-hbar-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *names[] = {"lines.101.handle.mean (5m / 8m)", "pools.\"call handlers\".shrinkage (25% / 35%)",
                           "a rather long input name that will not fit in the space left for row names (x / y)"};
    double low[] = {9.1, 8.2, NAN}, lowci[] = {0.8, 0.8, NAN}, high[] = {-15.7, -5.1, 0.2}, highci[] = {1.0, 0.7, 0.3};
    cs_chart_series ser[2] = {{"low", 3, NULL, low, NULL, NULL, 0, 0, 0}, {"high", 3, NULL, high, NULL, NULL, 0, 0, 0}};
    double llo[3], lhi[3], hlo[3], hhi[3];
    for (int i = 0; i < 3; i++) {
        llo[i] = low[i] - lowci[i], lhi[i] = low[i] + lowci[i];
        hlo[i] = high[i] - highci[i], hhi[i] = high[i] + highci[i];
    }
    ser[0].lo = llo, ser[0].hi = lhi, ser[1].lo = hlo, ser[1].hi = hhi;
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_HBAR);
    ch.title = "Line 999: what moves the service level";
    ch.xlabel = "Change from the base (percentage points)";
    ch.series = ser;
    ch.n_series = 2;
    ch.categories = names;
    ch.n_categories = 3;
    char base[128], p1[160], p2[160];
    snprintf(base, sizeof base, "%s/t1", dir);
    cs_error err;
    assert_int_equal(cs_chart_render(&ch, base, CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF, &err), CS_OK);
    snprintf(base, sizeof base, "%s/t2", dir);
    assert_int_equal(cs_chart_render(&ch, base, CS_CHART_SVG, &err), CS_OK);
    const char *ext[] = {"png", "svg", "pdf"};
    for (int i = 0; i < 3; i++) {
        snprintf(p1, sizeof p1, "%s/t1.%s", dir, ext[i]);
        assert_true(size_of(p1) > 1000);
    }
    snprintf(p1, sizeof p1, "%s/t1.svg", dir);
    snprintf(p2, sizeof p2, "%s/t2.svg", dir);
    char *a = slurp(p1), *b = slurp(p2);
    assert_string_equal(a, b);   /* deterministic */
    free(a);
    free(b);
    /* Target lines make no sense on it; a series must have a value per row. */
    ch.has_vline = 1;
    ch.vline = 0;
    assert_int_equal(cs_chart_render(&ch, base, CS_CHART_SVG, &err), CS_EINPUT);
    ch.has_vline = 0;
    ser[1].n = 2;
    assert_int_equal(cs_chart_render(&ch, base, CS_CHART_SVG, &err), CS_EINPUT);
    const char *files[] = {"t1.png", "t1.svg", "t1.pdf", "t2.svg"};
    for (int i = 0; i < 4; i++) {
        snprintf(p1, sizeof p1, "%s/%s", dir, files[i]);
        unlink(p1);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_equals_run),  cmocka_unit_test(test_common_random_numbers),
        cmocka_unit_test(test_sweep_grid),        cmocka_unit_test(test_sensitivity_ranks),
        cmocka_unit_test(test_kpi_refs),          cmocka_unit_test(test_tornado_chart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
