/* End-to-end tests of `callsim staff`, as a planner drives it.
 *
 * The binary is $CALLSIM (set by `make check`; ./callsim otherwise), run in a child process, on a
 * small two-line, two-team scenario (999 first on a blended team, 101 through an IVR with an
 * abandonment ceiling, transfers to a second team), a few replications of three days, so each
 * run takes about a second.
 *  - -o writes a runnable variant (`base:` the scenario, the new rosters), and what it says is
 *    what was verified: running it on the verification's seed and replications gives
 *    intervals.csv byte for byte equal to the folder's.
 *  - --out DIR has every file (requirements.csv with the documented columns, shifts, costs,
 *    verification, the curve), the charts and the report's staffing section; the roster's paid
 *    hours add up; the requirement's rostered cover holds.
 *  - A budget in paid hours is kept.
 *  - Errors exit 2 and write nothing: a dated scenario, --aim without a budget, a cost budget
 *    without costs, an interval that does not divide a day, an existing output without --force,
 *    a misspelt pattern key. */
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

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *scenario =
    "name: Small control room\n"
    "horizon: 3d\nwarmup: 12h\nreplications: 6\nseed: 41\ninterval: 1h\n"
    "lines:\n"
    "  - name: \"999\"\n    priority: 10\n"
    "    arrivals: {per_day: 300, profile: {hours: [2, 1.5, 1, 1, 1, 1.2, 1.8, 2.5, 3, 3.5, 3.8, 4,\n"
    "                                                 4, 4, 4.2, 4.5, 5, 5.5, 6, 6, 5.5, 4.5, 3.5, 2.5]}}\n"
    "    handle: {dist: lognormal, mean: 4m, sd: 3m}\n    wrap: 30s\n"
    "    patience: {dist: mixture, components: [{share: 10%, dist: exponential, mean: 5s},\n"
    "                                           {share: 90%, dist: exponential, mean: 2m}]}\n"
    "    target: {answer_within: 10s, share: 90%}\n"
    "    redial: {probability: 50%, delay: 1m, max_attempts: 3}\n"
    "  - name: \"101\"\n    priority: 1\n"
    "    arrivals: {per_day: 600, profile: {hours: [1, 0.6, 0.4, 0.4, 0.5, 0.8, 1.5, 3, 5, 6, 6, 6,\n"
    "                                                 5.5, 5.5, 5.5, 5, 5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5]}}\n"
    "    ivr: {time: 30s, abandon: 3%, deflect: 5%}\n"
    "    handle: {dist: lognormal, mean: 6m, sd: 5m}\n"
    "    patience: {dist: exponential, mean: 8m}\n"
    "    target: {answer_within: 30s, max_abandon: 8%}\n"
    "    transfer: {share: 20%, queue: bureau}\n"
    "queues:\n"
    "  - {name: bureau, line: \"101\", handle: {dist: exponential, mean: 10m}, patience: {dist: exponential, mean: 20m}}\n"
    "pools:\n"
    "  - name: call handlers\n    lines: [\"999\", \"101\"]\n    shrinkage: 30%\n    cost_per_hour: 21.50\n"
    "    roster:\n"
    "      - {name: early, days: all, start: \"07:00\", length: 10h, staff: 8, breaks: 1h}\n"
    "      - {name: late, days: all, start: \"15:00\", length: 10h, staff: 8, breaks: 1h}\n"
    "      - {name: night, days: all, start: \"22:00\", length: 10h, staff: 4, breaks: 1h}\n"
    "  - name: bureau\n    lines: [bureau]\n    shrinkage: 25%\n    cost_per_hour: 23\n"
    "    patterns:\n"
    "      - {name: day, start: \"07:00..08:00/1h\", length: 8h, breaks: 30m}\n"
    "      - {name: evening, start: \"15:00\", length: 8h, breaks: 30m}\n"
    "      - {name: night, start: \"22:00\", length: 10h, breaks: 30m, by_day: false}\n"
    "    roster:\n"
    "      - {name: day, days: all, start: \"08:00\", length: 8h, staff: 3, breaks: 30m}\n"
    "      - {name: evening, days: all, start: \"16:00\", length: 8h, staff: 2, breaks: 30m}\n"
    "      - {name: night, days: all, start: \"00:00\", length: 8h, staff: 1}\n";

static void scenario_path(char *buf, size_t n)
{
    path_in(buf, n, "small.yaml");
    if (!exists(buf)) write_file(buf, scenario);
}

static void test_variant_and_folder(void **st)
{
    (void)st;
    char s[512], v[512], d[512], f[700];
    scenario_path(s, sizeof s);
    path_in(v, sizeof v, "staffed.yaml");
    path_in(d, sizeof d, "plan");
    out o = RUN("staff", s, "-o", v, "--out", d, "--report", "--checks", "2", "--curve", "3", "-q", "-j", "2");
    assert_int_equal(o.code, 0);
    assert_non_null(strstr(o.out, "Staffing plan for Small control room"));
    assert_non_null(strstr(o.out, "Paid hours and cost"));
    assert_non_null(strstr(o.out, "Verification (seed 42"));
    assert_string_equal(o.err, "");   /* -q: no progress lines */
    cli_out_free(&o);

    /* The variant: a comment, its base, the rosters, and it runs. */
    char *t = cli_slurp(v, NULL);
    assert_non_null(t);
    assert_true(strncmp(t, "# Staffed by callsim staff", 26) == 0);
    assert_non_null(strstr(t, "base: small.yaml"));
    assert_non_null(strstr(t, "name: \"Small control room (staffed)\""));
    assert_non_null(strstr(t, "roster:"));
    free(t);
    /* What it says is what was verified: its run on the verification's seed and replications
     * gives the folder's intervals.csv, byte for byte. */
    char d2[512];
    path_in(d2, sizeof d2, "rerun");
    o = RUN("run", v, "--seed", "42", "--reps", "40", "-q", "--out", d2);
    assert_int_equal(o.code, 0);
    cli_out_free(&o);
    snprintf(f, sizeof f, "%s/intervals.csv", d);
    char *a = cli_slurp(f, NULL);
    snprintf(f, sizeof f, "%s/intervals.csv", d2);
    char *b = cli_slurp(f, NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
    free(a);
    free(b);

    /* Every file of the folder. */
    static const char *const files[] = {"summary.json", "intervals.csv", "requirements.csv", "shifts.csv", "costs.csv",
                                        "verification.csv", "cost_curve.csv", "staffed.yaml", "scenario.yaml",
                                        "report.html", "charts/required_vs_rostered_1.svg",
                                        "charts/required_vs_rostered_2.png", "charts/cost_vs_abandonment.pdf",
                                        "charts/staffing.svg", "charts/demand.svg"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(f, sizeof f, "%s/%s", d, files[i]);
        if (!exists(f)) print_error("missing %s\n", f);
        assert_true(exists(f));
    }
    snprintf(f, sizeof f, "%s/requirements.csv", d);
    t = cli_slurp(f, NULL);
    assert_true(strncmp(t, "pool,interval_start,required,rostered,on_duty_mean,", 51) == 0);
    /* 2 pools x 168 hours, plus the header. */
    size_t lines = 0;
    for (char *p = t; *p; p++) lines += *p == '\n';
    assert_int_equal(lines, 1 + 2 * 168);
    /* The cover holds: rostered >= what the cover was asked for, which is >= the requirement. */
    char *line = strchr(t, '\n') + 1;
    while (*line) {
        /* pool,interval_start,required,rostered,on_duty_mean,erlang_a,cover_required,load; the
         * on-duty mean is empty where the verification did not measure (a 3-day horizon). */
        const char *fld[8];
        size_t nf = 0;
        char *end = strchr(line, '\n');
        *end = '\0';
        for (char *p = line; nf < 8; p++) {
            fld[nf++] = p;
            p = strchr(p, ',');
            if (!p) break;
            *p = '\0';
        }
        assert_int_equal(nf, 8);
        double req = atof(fld[2]), rost = atof(fld[3]), cov = atof(fld[6]);
        assert_true(rost >= cov - 1e-9);
        assert_true(cov >= req);
        line = end + 1;
    }
    free(t);
    /* The shift table's paid hours add up to the plan's in costs.csv. */
    snprintf(f, sizeof f, "%s/summary.json", d);
    t = cli_slurp(f, NULL);
    cs_json *j = NULL;
    cs_error e;
    assert_int_equal(cs_json_parse(t, strlen(t), &j, &e), CS_OK);
    const cs_json *stf = cs_json_get(j, "staffing");
    assert_non_null(stf);
    const cs_json *sh = cs_json_get(stf, "shifts"), *pools = cs_json_get(stf, "pools");
    double h = 0, plan_h = 0, now_h = 0;
    for (size_t i = 0; i < cs_json_size(sh); i++) {
        const cs_json *x = cs_json_at(sh, i);
        h += cs_json_number_value(cs_json_get(x, "paid_hours_week"));
        /* The bureau's shifts come from its patterns: starts 07:00 or 08:00, 15:00, 22:00 (the
         * night one the same every day). */
        if (strcmp(cs_json_string_value(cs_json_get(x, "pool")), "bureau") == 0) {
            const char *t0 = cs_json_string_value(cs_json_get(x, "start"));
            assert_true(strcmp(t0, "07:00") == 0 || strcmp(t0, "08:00") == 0 || strcmp(t0, "15:00") == 0 ||
                        strcmp(t0, "22:00") == 0);
            if (strcmp(t0, "22:00") == 0) assert_string_equal(cs_json_string_value(cs_json_get(x, "days")), "every day");
        }
    }
    for (size_t i = 0; i < cs_json_size(pools); i++) {
        plan_h += cs_json_number_value(cs_json_get(cs_json_get(cs_json_at(pools, i), "plan"), "paid_hours_week"));
        now_h += cs_json_number_value(cs_json_get(cs_json_get(cs_json_at(pools, i), "now"), "paid_hours_week"));
    }
    assert_true(fabs(h - plan_h) < 1e-6);
    /* The current roster: call handlers 20 a day x 10 h, bureau 6 a day x 8 h, all week. */
    assert_true(fabs(now_h - 7 * (20 * 10 + 6 * 8)) < 1e-9);
    const cs_json *ver = cs_json_get(stf, "verification");
    assert_true(cs_json_number_value(cs_json_get(ver, "met_share")) >= 0.9);
    assert_true(cs_json_size(cs_json_get(cs_json_get(stf, "curve"), "points")) == 3);
    cs_json_free(j);
    free(t);
    snprintf(f, sizeof f, "%s/report.html", d);
    t = cli_slurp(f, NULL);
    assert_non_null(strstr(t, "<h2>Staffing plan</h2>"));
    assert_non_null(strstr(t, "What each budget buys"));
    /* The Summary comes first and leads with the plan's cost; the Staffing plan section (listed in
     * the Contents) holds required against rostered and cost, its charts among them, before the
     * headline results of the verification run. */
    const char *sum = strstr(t, "<h2>Summary</h2>"), *plan = strstr(t, "<section id=\"staffing\">");
    const char *head = strstr(t, "id=\"headline\"");
    assert_non_null(sum);
    assert_non_null(plan);
    assert_non_null(head);
    assert_true(sum < plan && plan < head);
    assert_non_null(strstr(sum, "roster of the staffing plan below"));
    assert_non_null(strstr(t, "href=\"#staffing\""));
    const char *cost = strstr(plan, "Paid hours a year"), *fig = strstr(plan, "handlers needed and rostered");
    assert_true(cost && cost < head);
    assert_true(fig && fig < head);
    assert_true(strstr(plan, "Cost a year") && strstr(plan, "Cost a year") < head);
    free(t);
    /* The run's staffing chart carries the Erlang A "handlers needed" line, said to be an estimate. */
    snprintf(f, sizeof f, "%s/charts/charts.json", d);
    t = cli_slurp(f, NULL);
    assert_non_null(t);
    assert_non_null(strstr(t, "would need on duty for its lines' targets by the Erlang A formula"));
    assert_non_null(strstr(t, "approximation"));
    free(t);
}

static void test_budget(void **st)
{
    (void)st;
    char s[512], d[512], f[700];
    scenario_path(s, sizeof s);
    path_in(d, sizeof d, "budget");
    out o = RUN("staff", s, "--out", d, "--budget-hours", "1500", "--aim", "worst", "--checks", "0", "-q");
    assert_int_equal(o.code, 0);
    cli_out_free(&o);
    snprintf(f, sizeof f, "%s/summary.json", d);
    char *t = cli_slurp(f, NULL);
    cs_json *j = NULL;
    cs_error e;
    assert_int_equal(cs_json_parse(t, strlen(t), &j, &e), CS_OK);
    const cs_json *stf = cs_json_get(j, "staffing");
    assert_string_equal(cs_json_string_value(cs_json_get(stf, "roster")), "budget");
    double h = 0;
    const cs_json *pools = cs_json_get(stf, "pools");
    for (size_t i = 0; i < cs_json_size(pools); i++)
        h += cs_json_number_value(cs_json_get(cs_json_get(cs_json_at(pools, i), "plan"), "paid_hours_week"));
    assert_true(h <= 1500 + 1e-6);
    assert_true(h > 1400);
    cs_json_free(j);
    free(t);
}

/* The same plan whatever the threads: the terminal tables (requirement, shifts, costs,
 * verification) and the variant, byte for byte. */
static void test_threads(void **st)
{
    (void)st;
    char s[512], v1[512], v2[512];
    scenario_path(s, sizeof s);
    path_in(v1, sizeof v1, "threads1.yaml");
    path_in(v2, sizeof v2, "threads2.yaml");
    out a = RUN("staff", s, "-o", v1, "--checks", "1", "-q", "-j", "1");
    out b = RUN("staff", s, "-o", v2, "--checks", "1", "-q", "-j", "2");
    assert_int_equal(a.code, 0);
    assert_int_equal(b.code, 0);
    /* The last line names the file written; everything before it must agree. */
    char *ea = strstr(a.out, "\nWrote "), *eb = strstr(b.out, "\nWrote ");
    assert_non_null(ea);
    assert_non_null(eb);
    *ea = *eb = '\0';
    assert_string_equal(a.out, b.out);
    cli_out_free(&a);
    cli_out_free(&b);
    char *x = cli_slurp(v1, NULL), *y = cli_slurp(v2, NULL);
    assert_non_null(x);
    assert_non_null(y);
    assert_string_equal(x, y);
    free(x);
    free(y);
}

static void test_errors(void **st)
{
    (void)st;
    char s[512], v[512], bad[512];
    scenario_path(s, sizeof s);
    /* A dated scenario. */
    out o = RUN("staff", s, "-q", "--set", "start=2025-04-01");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "start:"));
    cli_out_free(&o);
    o = RUN("staff", s, "-q", "--aim", "worst");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--aim applies to a budget"));
    cli_out_free(&o);
    o = RUN("staff", s, "-q", "--budget-cost", "1000", "--set", "pools.\"call handlers\".cost_per_hour=~", "--set",
            "pools.bureau.cost_per_hour=~");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "cost_per_hour"));
    cli_out_free(&o);
    o = RUN("staff", s, "-q", "--interval", "7m");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--interval"));
    cli_out_free(&o);
    /* An existing output is not replaced without --force, and nothing runs. */
    path_in(v, sizeof v, "exists.yaml");
    write_file(v, "keep me\n");
    o = RUN("staff", s, "-q", "-o", v);
    assert_int_equal(o.code, 2);
    cli_out_free(&o);
    char *t = cli_slurp(v, NULL);
    assert_string_equal(t, "keep me\n");
    free(t);
    /* A misspelt pattern key, with its position. */
    path_in(bad, sizeof bad, "bad.yaml");
    write_file(bad, "name: bad\nbase: small.yaml\npools:\n  - name: bureau\n    patterns:\n"
                    "      - {name: day, start: \"07:00\", lenght: 8h}\n");
    o = RUN("staff", bad, "-q");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "did you mean 'length'"));
    assert_non_null(strstr(o.err, "bad.yaml:6:"));
    cli_out_free(&o);
}

static int setup(void **st)
{
    (void)st;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/callsim-staff-XXXXXX");
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
        cmocka_unit_test(test_variant_and_folder),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
