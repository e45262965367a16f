/* End-to-end tests of --set, sweep, sensitivity and calibrate, as users drive them.
 *
 * The binary is $CALLSIM (set by `make check`; ./callsim otherwise), run in a child process.
 *  - --set: the output of a run with --set equals, byte for byte, the output of a run of a file
 *    edited the same way (--json and summary.json); bad paths and values exit 2 naming the flag
 *    and write nothing.
 *  - sweep: on the baseline, the share of 101 abandoners who ring 999, 0%..15%, makes 999 offered
 *    calls rise and 999 answered-within-10-s fall, and the paired differences (common random numbers) are far
 *    narrower than independent runs would give: var(paired) against var(a) + var(b), read from
 *    the CIs, which share the replication count.
 *  - sweep, sensitivity and calibrate write their files, charts (PNG, SVG, PDF) and report; the
 *    calibrated variant runs.
 * Scenarios are small or run with few replications, so the whole file takes a few seconds. */
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

#include "tests/cli_child.h"

#include "io/json.h"

static char tmpdir[256];

typedef cli_out out;

static void path_in(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", tmpdir, name); }

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void copy(const char *from, const char *to)
{
    char *t = cli_slurp(from, NULL);
    assert_non_null(t);
    FILE *f = fopen(to, "w");
    assert_non_null(f);
    fputs(t, f);
    fclose(f);
    free(t);
}

static cs_json *parse(const char *text)
{
    cs_json *j = NULL;
    cs_error e;
    assert_int_equal(cs_json_parse(text, strlen(text), &j, &e), CS_OK);
    return j;
}

static double num(const cs_json *o, const char *a, const char *b)
{
    return cs_json_number_value(cs_json_get(cs_json_get(o, a), b));
}

/* ---- --set ------------------------------------------------------------------------------- */

static void test_set_is_the_edited_file(void **st)
{
    (void)st;
    /* The baseline and its profile, copied, and an edited copy beside them. */
    char base[512], edited[512], prof[512], o1[512], o2[512];
    path_in(prof, sizeof prof, "profiles");
    mkdir(prof, 0755);
    path_in(prof, sizeof prof, "profiles/101_week.csv");
    copy("scenarios/profiles/101_week.csv", prof);
    path_in(base, sizeof base, "baseline.yaml");
    copy("scenarios/baseline.yaml", base);
    char *t = cli_slurp(base, NULL);
    char *p = strstr(t, "      share: 5%");
    assert_non_null(p);
    memcpy(p, "      share: 9%", 15);
    p = strstr(t, "staff: 19");
    assert_non_null(p);
    memcpy(p, "staff: 21", 9);
    path_in(edited, sizeof edited, "edited.yaml");
    FILE *f = fopen(edited, "w");
    fputs(t, f);
    fclose(f);
    free(t);
    out a = RUN("run", base, "--reps", "2", "-q", "--json", "--set", "lines.101.spillover.share=9%", "--set",
                "pools.\"call handlers\".roster.late.staff=21");
    out b = RUN("run", edited, "--reps", "2", "-q", "--json");
    out c = RUN("run", base, "--reps", "2", "-q", "--json");
    assert_int_equal(a.code, 0);
    assert_int_equal(b.code, 0);
    assert_string_equal(a.out, b.out);
    assert_true(strcmp(a.out, c.out) != 0);   /* and the change did something */
    cli_out_free(&a);
    cli_out_free(&b);
    cli_out_free(&c);
    path_in(o1, sizeof o1, "set-out");
    path_in(o2, sizeof o2, "edit-out");
    a = RUN("run", base, "--reps", "2", "-q", "--out", o1, "--set", "lines.101.spillover.share=9%", "--set",
            "pools.\"call handlers\".roster.late.staff=21");
    b = RUN("run", edited, "--reps", "2", "-q", "--out", o2);
    assert_int_equal(a.code, 0);
    assert_int_equal(b.code, 0);
    char s1[600], s2[600];
    snprintf(s1, sizeof s1, "%s/summary.json", o1);
    snprintf(s2, sizeof s2, "%s/summary.json", o2);
    char *j1 = cli_slurp(s1, NULL), *j2 = cli_slurp(s2, NULL);
    assert_string_equal(j1, j2);
    free(j1);
    free(j2);
    /* The copy of the scenario says what was changed. */
    snprintf(s1, sizeof s1, "%s/scenario.yaml", o1);
    j1 = cli_slurp(s1, NULL);
    assert_non_null(strstr(j1, "#   --set 'pools.\"call handlers\".roster.late.staff=21'"));
    free(j1);
    cli_out_free(&a);
    cli_out_free(&b);
}

static void test_set_errors_name_the_flag(void **st)
{
    (void)st;
    char dir[512];
    path_in(dir, sizeof dir, "never");
    out o = RUN("run", "scenarios/baseline.yaml", "-q", "--out", dir, "--set", "horizon=3d", "--set",
                "lines.101.spillover.share=1x0%");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--set #2 'lines.101.spillover.share=1x0%': error: expected a share"));
    assert_null(strstr(o.err, "--set #1"));
    assert_false(exists(dir));
    cli_out_free(&o);
    o = RUN("compare", "scenarios/baseline.yaml", "scenarios/callback.yaml", "-q", "--set", "lines.102.handle=3m");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--set #1 'lines.102.handle=3m': error: there is no line named '102'"));
    cli_out_free(&o);
    o = RUN("replay", "scenarios/logs/example_force_export.csv", "--scenario", "scenarios/baseline.yaml", "-q",
            "--set", "pools.\"call handlers\".staf=3");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--set #1 'pools.\"call handlers\".staf=3': error: unknown key 'staf'"));
    cli_out_free(&o);
    o = RUN("run", "scenarios/baseline.yaml", "-q", "--set", "lines.101");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "expected PATH=VALUE"));
    cli_out_free(&o);
}

/* ---- sweep ------------------------------------------------------------------------------- */

static void test_sweep_baseline_spillover(void **st)
{
    (void)st;
    /* The share of 101 abandoners who ring 999 instead: every abandoner, as the question is asked
     * (the baseline's own rule only lets callers who waited over 5 minutes spill, too few for the
     * effect on 999 to stand out from the noise of a test-sized run; README, sweep). */
    out o = RUN("sweep", "scenarios/baseline.yaml", "--set", "lines.101.spillover.after=0s", "--set",
                "lines.101.spillover.per_minute=0%", "--vary", "lines.101.spillover.share=0%..15%/5%", "--reps", "10",
                "-q", "--json");
    assert_int_equal(o.code, 0);
    cs_json *j = parse(o.out);
    const cs_json *pts = cs_json_get(j, "points");
    assert_int_equal(cs_json_size(pts), 4);
    double prev_off = -1, prev_sl = 2;
    for (size_t p = 0; p < 4; p++) {
        const cs_json *l999 = cs_json_get(cs_json_get(cs_json_at(pts, p), "lines"), "999");
        double off = num(l999, "offered", "mean"), sl = num(l999, "service_level", "mean");
        print_message("share %zu: 999 offered %.1f, within 10 s %.4f\n", 5 * p, off, sl);
        assert_true(off > prev_off);
        assert_true(sl < prev_sl);
        prev_off = off;
        prev_sl = sl;
    }
    /* 15% against 0%, paired: offered clearly up, service level clearly down. */
    const cs_json *last = cs_json_at(pts, 3), *first = cs_json_at(pts, 0);
    const cs_json *d999 = cs_json_get(cs_json_get(cs_json_get(last, "differences"), "lines"), "999");
    double doff = num(d999, "offered", "diff"), hoff = num(d999, "offered", "ci95");
    double dsl = num(d999, "service_level", "diff"), hsl = num(d999, "service_level", "ci95");
    assert_true(doff - hoff > 0);
    assert_true(dsl + hsl < 0);
    /* Common random numbers: with the same replications, CI^2 is proportional to the variance, so
     * var(paired) < var(a) + var(b) reads h_d^2 < h_a^2 + h_b^2.  Independent runs give a ratio of
     * 1 on average; common random numbers must remove most of it (measured: 0.09 for offered
     * calls, whose change itself varies from week to week, and 0.01 for the service level). */
    const char *kpis[] = {"offered", "service_level"};
    for (int k = 0; k < 2; k++) {
        double ha = num(cs_json_get(cs_json_get(first, "lines"), "999"), kpis[k], "ci95");
        double hb = num(cs_json_get(cs_json_get(last, "lines"), "999"), kpis[k], "ci95");
        double hd = num(d999, kpis[k], "ci95");
        print_message("%s: paired ci %.4g against independent %.4g\n", kpis[k], hd, sqrt(ha * ha + hb * hb));
        assert_true(hd * hd < 0.25 * (ha * ha + hb * hb));
    }
    cs_json_free(j);
    cli_out_free(&o);
}

static void test_sweep_files(void **st)
{
    (void)st;
    char dir[512], f[700];
    path_in(dir, sizeof dir, "sweep-out");
    out o = RUN("sweep", "scenarios/north_yorkshire_2020.yaml", "--set", "horizon=3d", "--reps", "3", "-q", "--vary",
                "lines.101.patience.mean=10m,20m", "--vary", "pools.\"call handlers\".staff=3..4/1", "--out", dir,
                "--report");
    assert_int_equal(o.code, 0);
    assert_non_null(strstr(o.out, "4 points x 3 replications"));
    snprintf(f, sizeof f, "%s/sweep.csv", dir);
    char *csv = cli_slurp(f, NULL);
    assert_non_null(csv);
    const char *head = "point,lines.101.patience.mean,\"pools.\"\"call handlers\"\".staff\",line,kpi,mean,ci95\n"
                       "1,10m,3,101,offered,";
    assert_true(strncmp(csv, head, strlen(head)) == 0);
    assert_non_null(strstr(csv, "\n4,20m,4,pool:call handlers,occupancy,"));
    free(csv);
    const char *ext[] = {"png", "svg", "pdf"};
    for (int i = 0; i < 3; i++) {
        snprintf(f, sizeof f, "%s/charts/sweep_line1_abandon_rate.%s", dir, ext[i]);
        assert_true(exists(f));
    }
    snprintf(f, sizeof f, "%s/summary.json", dir);
    char *sj = cli_slurp(f, NULL);
    cs_json *j = parse(sj);
    assert_string_equal(cs_json_string_value(cs_json_get(j, "kind")), "sweep");
    cs_json_free(j);
    free(sj);
    snprintf(f, sizeof f, "%s/report.html", dir);
    char *html = cli_slurp(f, NULL);
    assert_non_null(strstr(html, "<h2>The sweep</h2>"));
    free(html);
    cli_out_free(&o);
    /* A bad value list names the flag; nothing is written. */
    path_in(dir, sizeof dir, "sweep-bad");
    o = RUN("sweep", "scenarios/north_yorkshire_2020.yaml", "-q", "--vary", "lines.101.patience.mean=10m..5m/1m", "--out",
            dir);
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--vary #1 'lines.101.patience.mean=10m..5m/1m'"));
    cli_out_free(&o);
    o = RUN("sweep", "scenarios/north_yorkshire_2020.yaml", "-q", "--vary", "lines.101.patience.mean=10m,-5m", "--out",
            dir);
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--vary #1 'lines.101.patience.mean=-5m'"));
    assert_false(exists(dir));
    cli_out_free(&o);
}

/* ---- sensitivity ------------------------------------------------------------------------- */

static void test_sensitivity(void **st)
{
    (void)st;
    char dir[512], f[700];
    path_in(dir, sizeof dir, "sens-out");
    out o = RUN("sensitivity", "scenarios/north_yorkshire_2020.yaml", "--set", "horizon=3d", "--reps", "4", "-q",
                "--vary", "lines.101.patience.mean=14m,16m", "--vary", "pools.\"call handlers\".staff=2,4", "--vary",
                "lines.101.handle.mean=7m50s,8m10s", "--out", dir, "--report");
    assert_int_equal(o.code, 0);
    snprintf(f, sizeof f, "%s/sensitivity.csv", dir);
    char *csv = cli_slurp(f, NULL);
    assert_non_null(csv);
    const char *head = "line,kpi,rank,input,low,high,base,base_ci95,change_low,change_low_ci95,change_high,"
                       "change_high_ci95,swing,swing_ci95\n";
    assert_true(strncmp(csv, head, strlen(head)) == 0);
    /* The headcount (2 to 4 handlers) moves the wait far more than small changes elsewhere. */
    assert_non_null(strstr(csv, "\n101,asa,1,\"pools.\"\"call handlers\"\".staff\",2,4,"));
    free(csv);
    snprintf(f, sizeof f, "%s/charts/tornado_line1_asa.svg", dir);
    assert_true(exists(f));
    snprintf(f, sizeof f, "%s/report.html", dir);
    char *html = cli_slurp(f, NULL);
    assert_non_null(strstr(html, "<h2>The sensitivity analysis</h2>"));
    assert_non_null(strstr(html, "It moves most with <code>pools.&quot;call handlers&quot;.staff</code>"));
    free(html);
    cli_out_free(&o);
    o = RUN("sensitivity", "scenarios/north_yorkshire_2020.yaml", "-q", "--vary", "lines.101.patience.mean=14m");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "expected exactly two values"));
    cli_out_free(&o);
}

/* ---- calibrate --------------------------------------------------------------------------- */

static void test_calibrate_writes_a_runnable_variant(void **st)
{
    (void)st;
    char var[512], dir[512], f[700];
    path_in(var, sizeof var, "calibrated.yaml");
    path_in(dir, sizeof dir, "cal-out");
    out o = RUN("calibrate", "scenarios/north_yorkshire_2020.yaml", "--set", "horizon=4d", "--reps", "5", "-q",
                "--match", "lines.101.asa=5m08s", "--match", "lines.101.abandon_rate=26.9%", "--free",
                "lines.101.patience.mean=1m..60m", "--free", "pools.\"call handlers\".staff=1..10", "--show",
                "lines.101.service_level", "-o", var, "--out", dir, "--report");
    assert_int_equal(o.code, 0);
    assert_non_null(strstr(o.out, "least squares (Nelder-Mead)"));
    char *v = cli_slurp(var, NULL);
    assert_non_null(v);
    assert_non_null(strstr(v, "base: "));
    assert_non_null(strstr(v, "north_yorkshire_2020.yaml"));
    assert_non_null(strstr(v, "- name: \"call handlers\"\n  staff: "));
    assert_non_null(strstr(v, "horizon: 4d"));   /* the --set is part of what was calibrated */
    free(v);
    out r = RUN("run", var, "--reps", "2", "-q", "--json");
    assert_int_equal(r.code, 0);
    cli_out_free(&r);
    snprintf(f, sizeof f, "%s/summary.json", dir);
    char *sj = cli_slurp(f, NULL);
    cs_json *j = parse(sj);
    assert_string_equal(cs_json_string_value(cs_json_get(j, "kind")), "calibration");
    const cs_json *fr = cs_json_get(j, "free");
    double pat = cs_json_number_value(cs_json_get(cs_json_at(fr, 0), "fitted"));
    double staff = cs_json_number_value(cs_json_get(cs_json_at(fr, 1), "fitted"));
    print_message("fitted patience %.2f min, staff %.2f\n", pat, staff);
    assert_true(pat > 10 && pat < 30);   /* the research notes' implied ~19 min */
    assert_true(staff > 2 && staff < 4);
    const cs_json *m0 = cs_json_at(cs_json_get(j, "match"), 0);
    assert_true(fabs(cs_json_number_value(cs_json_get(m0, "fitted")) - 308) <= cs_json_number_value(cs_json_get(m0, "ci95")));
    cs_json_free(j);
    free(sj);
    snprintf(f, sizeof f, "%s/report.html", dir);
    char *html = cli_slurp(f, NULL);
    assert_non_null(strstr(html, "<h2>The calibration</h2>"));
    free(html);
    cli_out_free(&o);
    /* The output file exists now: refused without --force, left as it was. */
    char *before = cli_slurp(var, NULL);
    o = RUN("calibrate", "scenarios/north_yorkshire_2020.yaml", "-q", "--match", "lines.101.asa=5m", "--free",
            "pools.\"call handlers\".staff", "-o", var);
    assert_int_equal(o.code, 2);
    char *after = cli_slurp(var, NULL);
    assert_string_equal(before, after);
    free(before);
    free(after);
    cli_out_free(&o);
}

static void test_calibrate_errors(void **st)
{
    (void)st;
    out o = RUN("calibrate", "scenarios/north_yorkshire_2020.yaml", "-q", "--match", "lines.101.speed=5m", "--free",
                "lines.101.patience.mean");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--match #1 'lines.101.speed=5m'"));
    cli_out_free(&o);
    o = RUN("calibrate", "scenarios/north_yorkshire_2020.yaml", "-q", "--match", "lines.101.asa=5m", "--free",
            "lines.101.patience.median=1m..2m");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--free #1 'lines.101.patience.median="));
    assert_non_null(strstr(o.err, "did you mean 'mean'"));
    cli_out_free(&o);
    o = RUN("calibrate", "scenarios/north_yorkshire_2020.yaml", "-q", "--match", "lines.101.abandon_rate=127%", "--free",
            "lines.101.patience.mean");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--match #1"));
    cli_out_free(&o);
    o = RUN("calibrate", "scenarios/north_yorkshire_2020.yaml", "-q", "--match", "lines.101.asa=5m", "--free",
            "lines.101.target");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "give a range"));
    cli_out_free(&o);
}

static int setup(void **st)
{
    (void)st;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/callsim-whatif-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_is_the_edited_file),
        cmocka_unit_test(test_set_errors_name_the_flag),
        cmocka_unit_test(test_sweep_baseline_spillover),
        cmocka_unit_test(test_sweep_files),
        cmocka_unit_test(test_sensitivity),
        cmocka_unit_test(test_calibrate_writes_a_runnable_variant),
        cmocka_unit_test(test_calibrate_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
