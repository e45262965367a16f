/* National runs (models/national.h, io/national.h, io/national_out.h): many forces in one run.
 *
 * Checked on the three tiny forces of tests/data/national/ (a shared template through `base:`,
 * a force with a line the others lack, a force file in a subfolder):
 *   - totals equal the sum of the forces on every replication, for every count, every interval
 *     counter and every pool integral; rates are recomputed from the summed counts (and differ
 *     from the mean of the forces' rates: the negative control);
 *   - forces are independent: a force's numbers do not change when another force is removed,
 *     and equal a run of its own scenario with the seed the national run gives it;
 *   - the same bytes of JSON and CSV whatever the thread count;
 *   - every kind of mistake in a national file or a force file is reported with its file,
 *     line and column;
 *   - the CLI end to end: detection, tables, --out with --report, exit code 2 on bad input. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "io/national.h"
#include "io/national_out.h"
#include "io/scenario.h"
#include "models/national.h"
#include "models/run.h"
#include "models/volume.h"

#define DIR "tests/data/national/"

/* |a - b| <= tol, printing both on failure. */
#define assert_double_equal(a, b, tol)                                                         \
    do {                                                                                       \
        double a_ = (a), b_ = (b);                                                             \
        if (!(fabs(a_ - b_) <= (tol))) print_message("%.17g != %.17g\n", a_, b_);              \
        assert_true(fabs(a_ - b_) <= (tol));                                                   \
    } while (0)

static cs_nat *load(const char *path)
{
    cs_nat *n = NULL;
    cs_diags d = {0};
    cs_status st = cs_nat_load(path, &n, &d);
    if (st != CS_OK) {
        char buf[1024];
        for (size_t i = 0; i < d.n; i++) {
            cs_diag_format(&d.items[i], buf, sizeof buf);
            print_message("%s\n", buf);
        }
    }
    cs_diags_free(&d);
    assert_int_equal(st, CS_OK);
    return n;
}

static cs_nat_results *run(const cs_nat *n, int threads)
{
    cs_run_opts o;
    memset(&o, 0, sizeof o);
    o.threads = threads;
    cs_nat_results *r = NULL;
    cs_error err = {CS_OK, ""};
    cs_status st = cs_nat_run(n, &o, &r, &err);
    if (st != CS_OK) print_message("%s\n", err.msg);
    assert_int_equal(st, CS_OK);
    return r;
}

static int force_index(const cs_nat *n, const char *name)
{
    for (size_t f = 0; f < n->n_forces; f++)
        if (strcmp(n->forces[f].name, name) == 0) return (int)f;
    return -1;
}

/* ------------------------------------------------------------------------------ loading */

static void test_load_fixture(void **state)
{
    (void)state;
    cs_nat *n = load(DIR "national.yaml");
    assert_int_equal(n->n_forces, 3);
    assert_string_equal(n->name, "Three small forces");
    /* Names: given, given (the file's own name differs), and from the file. */
    assert_string_equal(n->forces[0].name, "North");
    assert_string_equal(n->forces[1].name, "South");
    assert_string_equal(n->forces[2].name, "West");
    /* The national run settings win over the template's horizon: 30d and replications: 99. */
    for (size_t f = 0; f < 3; f++) {
        const cs_scn *s = n->forces[f].scn;
        assert_true(s->horizon == 3 * 86400.0);
        assert_true(s->warmup == 86400.0);
        assert_int_equal(s->replications, 4);
        assert_true(s->seed == cs_nat_force_seed(11, n->forces[f].name));
    }
    /* base: works inside forces: North inherits 101's handle time and spillover. */
    const cs_scn *north = n->forces[0].scn;
    int l101 = cs_scn_line_index(north, "101");
    assert_true(l101 >= 0);
    assert_true(north->lines[l101].spill.to_line == cs_scn_line_index(north, "999"));
    assert_true(fabs(cs_dist_mean(&north->queues[north->lines[l101].queue].handle) - 300) < 1e-9);
    /* Rank by "101" abandonment by default. */
    assert_string_equal(n->rank_line, "101");
    assert_int_equal(n->rank_kpi, CS_LK_ABANDON_RATE);
    /* Force seeds differ, and a force's seed depends only on the national seed and its name. */
    assert_true(n->forces[0].scn->seed != n->forces[1].scn->seed);
    assert_true(cs_nat_force_seed(11, "North") != cs_nat_force_seed(12, "North"));
    cs_nat_free(n);
}

static void test_detect(void **state)
{
    (void)state;
    assert_int_equal(cs_nat_detect(DIR "national.yaml"), 1);
    assert_int_equal(cs_nat_detect(DIR "north.yaml"), 0);
    assert_int_equal(cs_nat_detect(DIR "no_such_file.yaml"), 0);
    assert_int_equal(cs_nat_detect("scenarios/baseline.yaml"), 0);
}

/* The national file's setting left out is removed from the force file too: the scenario
 * default applies, never the force's own value. */
static void test_left_out_settings_take_defaults(void **state)
{
    (void)state;
    const char *path = "/tmp/callsim_test_national_defaults.yaml";
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    fprintf(f, "name: defaults\nforces:\n  - {file: %s/" DIR "north.yaml}\n", cwd);
    fclose(f);
    cs_nat *n = load(path);
    const cs_scn *s = n->forces[0].scn;
    /* callers.yaml says horizon: 30d and replications: 99; the defaults are 8d and 10. */
    assert_true(s->horizon == 8 * 86400.0);
    assert_int_equal(s->replications, 10);
    assert_int_equal(n->replications, 10);
    cs_nat_free(n);
    unlink(path);
}

/* ------------------------------------------------------------------------------ errors */

static void load_bad(const char *path, cs_diags *d)
{
    cs_nat *n = NULL;
    memset(d, 0, sizeof *d);
    assert_int_equal(cs_nat_load(path, &n, d), CS_EINPUT);
    assert_null(n);
}

static const cs_diag *find_diag(const cs_diags *d, const char *file_end, const char *msg_part)
{
    for (size_t i = 0; i < d->n; i++) {
        const char *f = d->items[i].file;
        size_t lf = strlen(f), le = strlen(file_end);
        if (lf >= le && strcmp(f + lf - le, file_end) == 0 && strstr(d->items[i].msg, msg_part)) return &d->items[i];
    }
    return NULL;
}

static void test_bad_force_file_is_named(void **state)
{
    (void)state;
    cs_diags d;
    load_bad(DIR "bad/one_bad_force.yaml", &d);
    assert_int_equal(d.n, 1);
    const cs_diag *g = find_diag(&d, "bad/typo.yaml", "unknown key 'handel'");
    assert_non_null(g);
    assert_int_equal(g->line, 5);
    assert_int_equal(g->col, 45);
    assert_string_equal(g->path, "lines[1].handel");
    char buf[1024];
    cs_diag_format(g, buf, sizeof buf);
    assert_non_null(strstr(buf, "tests/data/national/bad/typo.yaml:5:45: error:"));
    cs_diags_free(&d);
}

static void test_every_mistake_reported(void **state)
{
    (void)state;
    cs_diags d;
    load_bad(DIR "bad/many.yaml", &d);
    /* National-file problems first, in file order; the bad horizon is laid over every force
     * but reported once, at its place in the national file. */
    const char *nat = DIR "bad/many.yaml";
    assert_true(d.n >= 6);
    assert_string_equal(d.items[0].file, nat);
    assert_int_equal(d.items[0].line, 3);
    assert_non_null(strstr(d.items[0].msg, "cannot be negative"));
    assert_string_equal(d.items[0].path, "horizon");
    size_t horizon = 0;
    for (size_t i = 0; i < d.n; i++) horizon += strcmp(d.items[i].path, "horizon") == 0;
    assert_int_equal(horizon, 1);
    for (size_t i = 1; i < d.n; i++)
        if (strcmp(d.items[i].file, nat) == 0) {
            assert_string_equal(d.items[i - 1].file, nat);
            assert_true(d.items[i - 1].line <= d.items[i].line);
        }
    const cs_diag *g = find_diag(&d, "many.yaml", "unknown key 'lines'");
    assert_non_null(g);
    assert_int_equal(g->line, 4);
    assert_int_equal(g->col, 1);
    g = find_diag(&d, "many.yaml", "unknown line KPI 'abandonment'");
    assert_non_null(g);
    assert_int_equal(g->line, 5);
    g = find_diag(&d, "many.yaml", "cannot read force file 'nowhere.yaml'");
    assert_non_null(g);
    assert_int_equal(g->line, 9);
    assert_int_equal(g->col, 27);
    assert_string_equal(g->path, "forces[2].file");
    g = find_diag(&d, "many.yaml", "unknown key 'colour'");
    assert_non_null(g);
    assert_int_equal(g->line, 10);
    assert_non_null(find_diag(&d, "bad/typo.yaml", "did you mean 'handle'?"));
    cs_diags_free(&d);
}

static void test_duplicate_and_reserved_names(void **state)
{
    (void)state;
    cs_diags d;
    load_bad(DIR "bad/duplicate.yaml", &d);
    assert_int_equal(d.n, 2);
    const cs_diag *g = find_diag(&d, "duplicate.yaml", "two forces are called 'North'");
    assert_non_null(g);
    assert_int_equal(g->line, 4);
    assert_string_equal(g->path, "forces[1].name");
    g = find_diag(&d, "duplicate.yaml", "reserved");
    assert_non_null(g);
    assert_int_equal(g->line, 5);
    cs_diags_free(&d);
}

static void test_not_a_national_file(void **state)
{
    (void)state;
    const char *path = "/tmp/callsim_test_national_bad.yaml";
    static const char *const texts[] = {
        "- a list\n",
        "name: x\nforces: []\n",
        "name: x\nforces: [kent.yaml]\n",
        "forces:\n  - {name: A}\n",
        "name: x\nrank_by: 101\nforces:\n  - {file: x.yaml}\n",
    };
    static const char *const expect[] = {
        "must be a mapping", "non-empty list of forces", "expected a force as", "needs `name:`", "expected {line: LINE",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(texts[i], f);
        fclose(f);
        cs_diags d;
        load_bad(path, &d);
        int found = 0;
        for (size_t k = 0; k < d.n; k++) {
            found |= strstr(d.items[k].msg, expect[i]) != NULL;
            assert_string_equal(d.items[k].file, path);
            assert_true(d.items[k].line >= 1);
        }
        if (!found) print_message("case %zu: no '%s'\n", i, expect[i]);
        assert_true(found);
        cs_diags_free(&d);
    }
    unlink(path);
    cs_nat *n = NULL;
    cs_diags d = {0};
    assert_int_equal(cs_nat_load(DIR "no_such_national.yaml", &n, &d), CS_EIO);
    assert_int_equal(d.n, 1);
    cs_diags_free(&d);
}

/* ------------------------------------------------------------------------------ totals */

static double lval(const cs_results *r, int line, int kpi, uint32_t rep)
{
    return cs_results_line_reps(r, (size_t)line, kpi)[rep];
}

static const int count_kpis[] = {
    CS_LK_OFFERED, CS_LK_CALLERS, CS_LK_ANSWERED, CS_LK_ABANDONED_IVR, CS_LK_ABANDONED_QUEUE, CS_LK_CUT_OFF,
    CS_LK_DEFLECTED, CS_LK_CALLBACK, CS_LK_UNFINISHED, CS_LK_ABANDONED, CS_LK_LOST, CS_LK_CALLERS_LOST,
    CS_LK_REDIALS, CS_LK_SPILLED, CS_LK_FROM_101, CS_LK_FROM_101_ANSWERED, CS_LK_TRANSFERRED,
    CS_LK_CALLERS_REACHED_ANY, CS_LK_CALLERS_NEVER_REACHED, CS_LK_CALLERS_UNFINISHED, CS_LK_RINGBACKS,
};

static void test_totals_are_sums(void **state)
{
    (void)state;
    cs_nat *n = load(DIR "national.yaml");
    cs_nat_results *r = run(n, 2);
    const cs_scn *t = r->totals_scn;
    assert_int_equal(t->n_lines, 3);   /* 999, 101 and South's crime line */
    assert_string_equal(t->lines[0].name, "999");
    assert_string_equal(t->lines[1].name, "101");
    assert_string_equal(t->lines[2].name, "crime");
    assert_int_equal(t->n_pools, 2);
    int differs = 0;
    for (uint32_t i = 0; i < r->n_reps; i++) {
        for (size_t l = 0; l < t->n_lines; l++) {
            for (size_t k = 0; k < sizeof count_kpis / sizeof count_kpis[0]; k++) {
                double sum = 0;
                for (size_t f = 0; f < n->n_forces; f++) {
                    int fl = cs_nat_force_line(r, f, l);
                    if (fl >= 0) sum += lval(r->force[f], fl, count_kpis[k], i);
                }
                assert_true(lval(r->totals, (int)l, count_kpis[k], i) == sum);
            }
            /* Rates from the summed counts, replication by replication. */
            double lost = 0, offered = 0, within = 0, wait = 0, answered = 0, mean_rates = 0, wmax = 0;
            int nf = 0;
            for (size_t f = 0; f < n->n_forces; f++) {
                int fl = cs_nat_force_line(r, f, l);
                if (fl < 0) continue;
                const double *c = cs_rs_line_c(&r->force[f]->reps[i], (size_t)fl);
                lost += c[CS_LC_ABANDONED_IVR] + c[CS_LC_ABANDONED_QUEUE] + c[CS_LC_CUT_OFF];
                offered += c[CS_LC_OFFERED];
                within += c[CS_LC_ANSWERED_WITHIN];
                wait += c[CS_LC_WAIT_SUM_ANSWERED];
                answered += c[CS_LC_ANSWERED];
                if (c[CS_LC_WAIT_MAX] > wmax) wmax = c[CS_LC_WAIT_MAX];
                mean_rates += lval(r->force[f], fl, CS_LK_ABANDON_RATE, i);
                nf++;
            }
            assert_double_equal(lval(r->totals, (int)l, CS_LK_ABANDON_RATE, i), lost / offered, 1e-15);
            assert_double_equal(lval(r->totals, (int)l, CS_LK_SERVICE_LEVEL, i), within / offered, 1e-15);
            assert_double_equal(lval(r->totals, (int)l, CS_LK_ASA, i), wait / answered, 1e-12);
            if (answered > 0) assert_true(lval(r->totals, (int)l, CS_LK_WAIT_MAX, i) == wmax);
            /* Negative control: the average of the forces' rates is a different number. */
            if (nf > 1 && fabs(mean_rates / nf - lost / offered) > 1e-6) differs = 1;
            /* Interval counters add up too (what intervals.csv and the charts read). */
            for (size_t s = 0; s < r->totals->reps[i].n_slots; s++)
                for (int k = 0; k < CS_IC_N; k++) {
                    double sum = 0;
                    for (size_t f = 0; f < n->n_forces; f++) {
                        int fl = cs_nat_force_line(r, f, l);
                        if (fl >= 0) sum += cs_rs_line_slot_c(&r->force[f]->reps[i], (size_t)fl, s)[k];
                    }
                    assert_true(fabs(cs_rs_line_slot_c(&r->totals->reps[i], l, s)[k] - sum) <= 1e-9 * (1 + fabs(sum)));
                }
        }
        /* Pools of the same name: handlers on duty add up; occupancy from the summed times. */
        for (size_t p = 0; p < t->n_pools; p++) {
            double busy = 0, duty = 0;
            for (size_t f = 0; f < n->n_forces; f++) {
                int fp = cs_nat_force_pool(r, f, p);
                if (fp < 0) continue;
                busy += cs_rs_pool_c(&r->force[f]->reps[i], (size_t)fp)[CS_PC_BUSY_AREA];
                duty += cs_rs_pool_c(&r->force[f]->reps[i], (size_t)fp)[CS_PC_DUTY_AREA];
            }
            assert_double_equal(cs_results_pool_reps(r->totals, p, CS_PK_OCCUPANCY)[i], busy / duty, 1e-15);
        }
    }
    assert_true(differs);
    /* The crime line exists in South only: its totals are South's, exactly. */
    int s = force_index(n, "South");
    int sc = cs_nat_force_line(r, (size_t)s, 2);
    assert_true(sc >= 0);
    assert_int_equal(cs_nat_force_line(r, 0, 2), -1);
    for (uint32_t i = 0; i < r->n_reps; i++)
        for (int k = 0; k < CS_LK_N; k++) {
            double a = lval(r->totals, 2, k, i), b = lval(r->force[s], sc, k, i);
            assert_true((isnan(a) && isnan(b)) || a == b);
        }
    /* "call handlers" on duty: the three forces' rosters (6 + 3 + 3 handlers, no shrinkage). */
    double m, h;
    cs_results_pool(r->totals, 0, CS_PK_ON_DUTY, &m, &h);
    assert_string_equal(t->pools[0].name, "call handlers");
    assert_double_equal(m, 12.0, 1e-9);
    cs_nat_results_free(r);
    cs_nat_free(n);
}


/* Dated national runs: the national start: is laid over every force (West's own is replaced),
 * attempts-counted volumes are matched force by force, and the daily counters of the totals
 * are the sums of the forces' (what daily.csv and the charts by date read). */
static void test_dated(void **state)
{
    (void)state;
    cs_nat *n = load(DIR "dated.yaml");
    for (size_t f = 0; f < n->n_forces; f++) {
        assert_true(n->forces[f].scn->clock.dated);
        assert_true(n->forces[f].scn->clock.start_day == n->forces[0].scn->clock.start_day);
    }
    int w = force_index(n, "West");
    assert_true(n->forces[w].scn->volume_pending);
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_volume_calibrate(n->forces[w].scn, 1, NULL, &err), CS_OK);
    cs_nat_results *r = run(n, 2);
    const cs_repstats *t0 = &r->totals->reps[0];
    assert_true(t0->n_days >= 10);
    for (uint32_t i = 0; i < r->n_reps; i++)
        for (size_t l = 0; l < r->n_lines; l++)
            for (size_t d = 0; d < t0->n_days; d++)
                for (int k = 0; k < CS_DC_N; k++) {
                    double sum = 0;
                    for (size_t f = 0; f < n->n_forces; f++) {
                        int fl = cs_nat_force_line(r, f, l);
                        if (fl >= 0) sum += cs_rs_line_day_c(&r->force[f]->reps[i], (size_t)fl, d)[k];
                    }
                    assert_true(fabs(cs_rs_line_day_c(&r->totals->reps[i], l, d)[k] - sum) <= 1e-9 * (1 + fabs(sum)));
                }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(cs_nat_out_daily_csv(f, r, &err), CS_OK);
    fclose(f);
    static const char head[] = "force,date,line,kpi,mean,ci95\nNorth,2025-03-26,999,offered,";
    assert_true(strncmp(buf, head, sizeof head - 1) == 0);
    assert_non_null(strstr(buf, "\nWest,2025-03-30,101,offered,"));
    assert_non_null(strstr(buf, "\ntotal,2025-04-03,101,abandon_rate,"));
    assert_null(strstr(buf + 1, "force,date"));   /* one header */
    free(buf);
    cs_nat_results_free(r);
    cs_nat_free(n);
}

/* ------------------------------------------------------------------------------ independence */

static void same_results(const cs_results *a, const cs_results *b)
{
    assert_int_equal(a->n_reps, b->n_reps);
    assert_int_equal(a->scn->n_lines, b->scn->n_lines);
    for (size_t l = 0; l < a->scn->n_lines; l++)
        assert_memory_equal(cs_results_line_reps(a, l, 0), cs_results_line_reps(b, l, 0),
                            CS_LK_N * a->n_reps * sizeof(double));
}

static void test_forces_independent(void **state)
{
    (void)state;
    cs_nat *three = load(DIR "national.yaml");
    cs_nat *two = load(DIR "two.yaml");   /* without South, in another order */
    cs_nat_results *r3 = run(three, 1), *r2 = run(two, 2);
    same_results(r3->force[force_index(three, "North")], r2->force[force_index(two, "North")]);
    same_results(r3->force[force_index(three, "West")], r2->force[force_index(two, "West")]);
    /* A force alone, with the seed the national run gives it: the same numbers. */
    cs_scn *alone = NULL;
    cs_diags d = {0};
    assert_int_equal(cs_scn_load(DIR "forces/west.yaml", &alone, &d), CS_OK);
    alone->horizon = 3 * 86400.0;
    alone->warmup = 86400.0;
    alone->replications = 4;
    alone->seed = cs_nat_force_seed(11, "West");
    cs_results *ra = NULL;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_run(alone, NULL, &ra, &err), CS_OK);
    same_results(ra, r3->force[force_index(three, "West")]);
    /* ... and different numbers for another force's seed (the control). */
    assert_true(memcmp(cs_results_line_reps(r3->force[0], 0, 0), cs_results_line_reps(r3->force[2], 0, 0),
                       CS_LK_N * 4 * sizeof(double)) != 0);
    cs_results_free(ra);
    cs_scn_free(alone);
    cs_diags_free(&d);
    cs_nat_results_free(r3);
    cs_nat_results_free(r2);
    cs_nat_free(three);
    cs_nat_free(two);
}

/* ------------------------------------------------------------------------------ bytes */

static char *render(const cs_nat_results *r, int what)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    cs_error err = {CS_OK, ""};
    if (what == 0) assert_int_equal(cs_nat_out_json(f, r, &err), CS_OK);
    else if (what == 1) assert_int_equal(cs_nat_out_forces_csv(f, r, &err), CS_OK);
    else if (what == 2) assert_int_equal(cs_nat_out_intervals_csv(f, r, 4, &err), CS_OK);
    else assert_int_equal(cs_nat_out_table(f, r, &err), CS_OK);
    fclose(f);
    return buf;
}

static void test_same_bytes_whatever_threads(void **state)
{
    (void)state;
    cs_nat *n = load(DIR "national.yaml");
    cs_nat_results *a = run(n, 1), *b = run(n, 3);
    for (int w = 0; w < 4; w++) {
        char *x = render(a, w), *y = render(b, w);
        assert_string_equal(x, y);
        if (w == 1) {
            /* forces.csv: a force column, totals rows as "total". */
            assert_non_null(strstr(x, "force,line,kpi,mean,ci95\n"));
            assert_non_null(strstr(x, "\nNorth,999,offered,"));
            assert_non_null(strstr(x, "\ntotal,101,abandon_rate,"));
            assert_non_null(strstr(x, "\ntotal,pool:call handlers,on_duty,12,0\n"));
        }
        if (w == 0) {
            assert_non_null(strstr(x, "\"kind\": \"national\""));
            assert_non_null(strstr(x, "\"totals\": {"));
        }
        if (w == 2) assert_non_null(strstr(x, "force,line,interval_start,kpi,mean,ci95\nNorth,999,Tue 00:00,offered,"));
        free(x);
        free(y);
    }
    cs_nat_results_free(a);
    cs_nat_results_free(b);
    cs_nat_free(n);
}

/* ------------------------------------------------------------------------------ CLI */

typedef struct out {
    int code;
    char *out, *err;
} out;

static char *slurp_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    ssize_t k;
    while ((k = read(fd, b + n, cap - n - 1)) > 0) {
        n += (size_t)k;
        if (cap - n < 2) b = realloc(b, cap *= 2);
    }
    b[n] = 0;
    return b;
}

static out run_cli(const char *const *args)
{
    const char *bin = getenv("CALLSIM");
    if (!bin || !*bin) bin = "./callsim";
    char ofile[] = "/tmp/callsim_nat_outXXXXXX", efile[] = "/tmp/callsim_nat_errXXXXXX";
    int fo = mkstemp(ofile), fe = mkstemp(efile);
    assert_true(fo >= 0 && fe >= 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fo, 1);
        dup2(fe, 2);
        const char *argv[32];
        size_t k = 0;
        argv[k++] = bin;
        for (size_t i = 0; args[i] && k < 31; i++) argv[k++] = args[i];
        argv[k] = NULL;
        setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    out o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    lseek(fo, 0, SEEK_SET);
    lseek(fe, 0, SEEK_SET);
    o.out = slurp_fd(fo);
    o.err = slurp_fd(fe);
    close(fo);
    close(fe);
    unlink(ofile);
    unlink(efile);
    return o;
}

static void out_free(out *o)
{
    free(o->out);
    free(o->err);
}

static int exists(const char *dir, const char *rel)
{
    char p[1600];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    struct stat st;
    return stat(p, &st) == 0;
}

static void test_cli(void **state)
{
    (void)state;
    const char *dir = "/tmp/callsim_test_national_out";
    (void)!system("rm -rf /tmp/callsim_test_national_out");
    const char *a1[] = {"run", DIR "national.yaml", "--out", dir, "--report", "-q", NULL};
    out o = run_cli(a1);
    if (o.code != 0) print_message("%s\n", o.err);
    assert_int_equal(o.code, 0);
    assert_non_null(strstr(o.out, "National totals: 3 forces"));
    assert_non_null(strstr(o.out, "Forces ranked by line 101 abandon_rate"));
    assert_non_null(strstr(o.out, "\n      total "));
    static const char *const files[] = {"summary.json", "forces.csv", "intervals.csv", "scenario.yaml",
                                        "forces/north.yaml", "forces/south.yaml", "forces/west.yaml",
                                        "charts/charts.json", "charts/ranked_abandon_rate_101.svg",
                                        "charts/ranked_answered_within_999.png", "charts/journey.pdf", "report.html"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (!exists(dir, files[i])) print_message("missing %s\n", files[i]);
        assert_true(exists(dir, files[i]));
    }
    out_free(&o);
    /* The report is the national totals plus a Forces section with every force ranked. */
    char rp[200];
    snprintf(rp, sizeof rp, "%s/report.html", dir);
    FILE *rf = fopen(rp, "r");
    assert_non_null(rf);
    static char html[1 << 22];
    size_t hn = fread(html, 1, sizeof html - 1, rf);
    html[hn] = 0;
    fclose(rf);
    assert_non_null(strstr(html, "control rooms of 3 police forces"));
    assert_non_null(strstr(html, "id=\"forces\""));
    assert_non_null(strstr(html, "Calls lost on line 101, and what reached line 999"));
    assert_non_null(strstr(html, "<th scope=\"row\">West</th>"));
    assert_non_null(strstr(html, "Calls abandoned or cut off, line 101, by force"));
    /* The JSON printed equals the KPIs in summary.json, and does not depend on --threads. */
    const char *a2[] = {"run", DIR "national.yaml", "--json", "--threads", "1", NULL};
    const char *a3[] = {"run", DIR "national.yaml", "--json", "--threads", "2", NULL};
    out j1 = run_cli(a2), j2 = run_cli(a3);
    assert_int_equal(j1.code, 0);
    assert_string_equal(j1.out, j2.out);
    assert_non_null(strstr(j1.out, "\"forces\": {\n    \"North\": {"));
    out_free(&j1);
    out_free(&j2);
    /* Bad input: exit 2, the force file named with line and column, nothing written. */
    (void)!system("rm -rf /tmp/callsim_test_national_out");
    const char *a4[] = {"run", DIR "bad/one_bad_force.yaml", "--out", dir, NULL};
    o = run_cli(a4);
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "tests/data/national/bad/typo.yaml:5:45: error: unknown key 'handel'"));
    assert_false(exists(dir, "summary.json"));
    out_free(&o);
    const char *a5[] = {"run", DIR "national.yaml", "--out", dir, "--calls", NULL};
    o = run_cli(a5);
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--calls is not available for a national file"));
    out_free(&o);
    (void)!system("rm -rf /tmp/callsim_test_national_out");
}

/* Outputs that scale: 51 forces x 2 lines (102 force-lines) with --out --report.  Charts do
 * not multiply with forces (ranked charts per line, totals charts), so this stays fast. */
static void test_many_forces_out(void **state)
{
    (void)state;
    const char *root = "/tmp/callsim_test_national_many";
    char cmd[600], cwd[1024], path[1200];
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s/forces", root, root);
    assert_int_equal(system(cmd), 0);
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(path, sizeof path, "%s/national.yaml", root);
    FILE *nf = fopen(path, "w");
    assert_non_null(nf);
    fprintf(nf, "name: Fifty-one forces\nhorizon: 2d\nwarmup: 12h\nreplications: 2\nseed: 5\ninterval: 1h\nforces:\n");
    for (int i = 1; i <= 51; i++) {
        snprintf(path, sizeof path, "%s/forces/f%02d.yaml", root, i);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "base: %s/" DIR "callers.yaml\nname: Force %02d\nlines:\n"
                   "  - {name: \"999\", arrivals: {per_day: %d}}\n  - {name: \"101\", arrivals: {per_day: %d}}\n"
                   "pools:\n  - {name: call handlers, staff: %d}\n", cwd, i, 20 + i, 60 + 3 * i, 2 + i % 3);
        fclose(f);
        fprintf(nf, "  - {file: forces/f%02d.yaml}\n", i);
    }
    fclose(nf);
    snprintf(path, sizeof path, "%s/national.yaml", root);
    char dir[100];
    snprintf(dir, sizeof dir, "%s/out", root);
    const char *args[] = {"run", path, "--out", dir, "--report", "-q", NULL};
    out o = run_cli(args);
    if (o.code != 0) print_message("%s\n", o.err);
    assert_int_equal(o.code, 0);
    assert_non_null(strstr(o.out, "National totals: 51 forces"));
    assert_non_null(strstr(o.out, "  51  Force "));
    out_free(&o);
    assert_true(exists(dir, "report.html"));
    assert_true(exists(dir, "forces/f51.yaml"));
    assert_true(exists(dir, "charts/ranked_abandon_rate_101.png"));
    /* Every force-line is in forces.csv: 51 forces x 2 lines x every line KPI, plus totals. */
    snprintf(path, sizeof path, "%s/forces.csv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    size_t offered = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, ",offered,") && !strstr(line, "pool:")) offered++;
    fclose(f);
    assert_int_equal(offered, 51 * 2 + 2);
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_fixture),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_left_out_settings_take_defaults),
        cmocka_unit_test(test_bad_force_file_is_named),
        cmocka_unit_test(test_every_mistake_reported),
        cmocka_unit_test(test_duplicate_and_reserved_names),
        cmocka_unit_test(test_not_a_national_file),
        cmocka_unit_test(test_totals_are_sums),
        cmocka_unit_test(test_dated),
        cmocka_unit_test(test_forces_independent),
        cmocka_unit_test(test_same_bytes_whatever_threads),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_many_forces_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
