/* End-to-end tests of the callsim program, as scripts and users drive it.
 *
 * The binary is $CALLSIM (set by `make check`; ./callsim otherwise).  Each test runs it in a
 * child process with its output captured, and checks exit codes, files and their contents:
 * the promises of the README (exit codes scripts can trust, reproducible bytes, results that
 * are either complete or absent, numbers in files equal to the numbers printed). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/cli_child.h"

#include "io/json.h"
#include "io/outdir.h"

static char tmpdir[256];

typedef cli_out out;

static void path_in(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", tmpdir, name); }

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void write_file(const char *p, const char *text)
{
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *small =
    "name: small\nhorizon: 2d\nwarmup: 6h\nreplications: 4\nseed: 42\n"
    "lines:\n  - name: \"999\"\n    priority: 5\n    arrivals: {rate: 30/h}\n"
    "    handle: {dist: exponential, mean: 4m}\n    patience: {dist: exponential, mean: 2m}\n"
    "    target: {answer_within: 10s, share: 90%}\n"
    "  - name: \"101\"\n    arrivals: {rate: 80/h}\n    handle: {dist: lognormal, mean: 6m, sd: 5m}\n"
    "    patience: {dist: exponential, mean: 10m}\n"
    "    redial: {probability: 30%, delay: {dist: exponential, mean: 10m}, max_attempts: 3}\n"
    "pools:\n  - name: handlers\n    lines: [\"999\", \"101\"]\n    staff: 11\n";

static int setup(void **st)
{
    (void)st;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/callsim-test-XXXXXX");
    if (!mkdtemp(tmpdir)) return -1;
    char p[512];
    path_in(p, sizeof p, "small.yaml");
    write_file(p, small);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------------------------------ */

static void test_help_and_exit_codes(void **st)
{
    (void)st;
    out o = RUN("--help");
    assert_int_equal(o.code, 0);
    assert_non_null(strstr(o.out, "Usage: callsim COMMAND"));
    cli_out_free(&o);
    o = RUN("run", "--help");
    assert_int_equal(o.code, 0);
    assert_non_null(strstr(o.out, "--reps"));
    cli_out_free(&o);
    o = RUN("frobnicate");
    assert_int_equal(o.code, 2);
    cli_out_free(&o);
    o = RUN("run", "--repz", "3", "x.yaml");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "did you mean --reps?"));
    cli_out_free(&o);
    o = RUN("run", "/nonexistent/scenario.yaml");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "/nonexistent/scenario.yaml"));
    cli_out_free(&o);
}

static void test_bad_scenario_reports_position_and_writes_nothing(void **st)
{
    (void)st;
    char p[512], dir[512];
    path_in(p, sizeof p, "bad.yaml");
    write_file(p, "name: bad\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handel: 3m\n"
                  "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 3\n");
    path_in(dir, sizeof dir, "bad-out");
    out o = RUN("run", p, "--out", dir);
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "bad.yaml:5:5"));
    assert_non_null(strstr(o.err, "did you mean 'handle'"));
    assert_false(exists(dir));
    cli_out_free(&o);
}

static void test_json_matches_summary_and_is_reproducible(void **st)
{
    (void)st;
    char p[512], d1[512], d2[512];
    path_in(p, sizeof p, "small.yaml");
    path_in(d1, sizeof d1, "r1");
    path_in(d2, sizeof d2, "r2");
    out a = RUN("run", p, "--json", "--threads", "1", "--quiet", "--out", d1);
    assert_int_equal(a.code, 0);
    out b = RUN("run", p, "--json", "--threads", "3", "--quiet", "--out", d2);
    assert_int_equal(b.code, 0);
    /* Same scenario and seed: byte-identical output whatever the thread count. */
    assert_string_equal(a.out, b.out);
    char f1[600], f2[600];
    snprintf(f1, sizeof f1, "%s/summary.json", d1);
    snprintf(f2, sizeof f2, "%s/summary.json", d2);
    size_t n1, n2;
    char *s1 = cli_slurp(f1, &n1), *s2 = cli_slurp(f2, &n2);
    assert_non_null(s1);
    assert_int_equal(n1, n2);
    assert_memory_equal(s1, s2, n1);
    snprintf(f1, sizeof f1, "%s/intervals.csv", d1);
    snprintf(f2, sizeof f2, "%s/intervals.csv", d2);
    size_t m1, m2;
    char *i1 = cli_slurp(f1, &m1), *i2 = cli_slurp(f2, &m2);
    assert_int_equal(m1, m2);
    assert_memory_equal(i1, i2, m1);

    /* Numbers in the file equal the numbers printed. */
    cs_json *jo, *js;
    cs_error err;
    if (cs_json_parse(a.out, strlen(a.out), &jo, &err) != CS_OK) fail_msg("stdout: %s", err.msg);
    if (cs_json_parse(s1, n1, &js, &err) != CS_OK) fail_msg("summary.json: %s", err.msg);
    const char *keys[] = {"lines.101.abandon_rate.mean", "lines.101.abandon_rate.ci95", "lines.999.service_level.mean",
                          "lines.999.asa.mean",          "lines.101.offered.mean",      "pools.handlers.occupancy.mean"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        double x = cs_json_number_value(cs_json_path(jo, keys[k]));
        double y = cs_json_number_value(cs_json_path(js, keys[k]));
        assert_true(isfinite(x));
        assert_true(x == y);
    }
    assert_string_equal(cs_json_string_value(cs_json_path(js, "kind")), "run");
    assert_non_null(cs_json_path(js, "resolved_scenario.lines.0.name"));
    /* Sane values: the 999 share of abandoned/cut off is a fraction. */
    double ar = cs_json_number_value(cs_json_path(jo, "lines.999.abandon_rate.mean"));
    assert_true(ar > 0 && ar < 1);
    cs_json_free(jo);
    cs_json_free(js);

    /* intervals.csv: header and one row per KPI per interval: 42 h measured of 15 minutes =
     * 168 intervals x (2 lines x 10 KPIs + 1 pool x 2 KPIs). */
    assert_true(strncmp(i1, "line,interval_start,kpi,mean,ci95\n", 34) == 0);
    size_t rows = 0;
    for (char *c = i1; *c; c++) rows += *c == '\n';
    assert_int_equal(rows - 1, 168 * (2 * 10 + 2));
    free(s1);
    free(s2);
    free(i1);
    free(i2);
    cli_out_free(&a);
    cli_out_free(&b);
}

static void test_out_refuses_to_clobber(void **st)
{
    (void)st;
    char p[512], d[512], marker[600];
    path_in(p, sizeof p, "small.yaml");
    path_in(d, sizeof d, "existing");
    mkdir(d, 0777);
    snprintf(marker, sizeof marker, "%s/keep.txt", d);
    write_file(marker, "precious");
    out o = RUN("run", p, "--out", d, "--quiet");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--force"));
    assert_true(exists(marker));
    cli_out_free(&o);
    o = RUN("run", p, "--out", d, "--force", "--quiet");
    assert_int_equal(o.code, 0);
    assert_false(exists(marker));
    char sj[600];
    snprintf(sj, sizeof sj, "%s/summary.json", d);
    assert_true(exists(sj));
    cli_out_free(&o);
}

/* A run killed midway leaves neither the target folder nor a hidden partial one. */
static void test_killed_run_leaves_nothing(void **st)
{
    (void)st;
    char p[512], d[512];
    path_in(p, sizeof p, "long.yaml");
    write_file(p, "name: long\nhorizon: 400d\nwarmup: 0\nreplications: 50\nseed: 1\n"
                  "lines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: {dist: exponential, mean: 3m}\n"
                  "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n");
    path_in(d, sizeof d, "killed");
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(cli_bin(), cli_bin(), "run", p, "--out", d, "--calls", "--quiet", (char *)NULL);
        _exit(127);
    }
    struct timespec ts = {0, 700 * 1000 * 1000};
    nanosleep(&ts, NULL);
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_false(exists(d));
    DIR *dir = opendir(tmpdir);
    struct dirent *e;
    while ((e = readdir(dir)))
        if (strstr(e->d_name, "killed")) fail_msg("left behind: %s", e->d_name);
    closedir(dir);
}

static void test_calls_csv_and_charts(void **st)
{
    (void)st;
    char p[512], d[512], f[700];
    path_in(p, sizeof p, "small.yaml");
    path_in(d, sizeof d, "withcalls");
    out o = RUN("run", p, "--out", d, "--calls", "--quiet");
    assert_int_equal(o.code, 0);
    snprintf(f, sizeof f, "%s/calls.csv", d);
    char *calls = cli_slurp(f, NULL);
    assert_non_null(calls);
    assert_true(strncmp(calls, "arrival,line,caller,attempt,outcome,wait,handle,ivr,pool,transferred\n", 69) == 0);
    assert_non_null(strstr(calls, ",answered,"));
    free(calls);
    /* Every chart in the manifest exists in the three formats, non-empty, with the right magic. */
    snprintf(f, sizeof f, "%s/charts/charts.json", d);
    cs_json *m;
    cs_error err;
    assert_int_equal(cs_json_parse_file(f, &m, &err), CS_OK);
    const cs_json *charts = cs_json_get(m, "charts");
    assert_true(cs_json_size(charts) >= 7);
    int per_line = 0;
    for (size_t i = 0; i < cs_json_size(charts); i++) {
        const char *file = cs_json_string_value(cs_json_get(cs_json_at(charts, i), "file"));
        if (strstr(file, "line2")) per_line = 1;
        static const char *const ext[3] = {"png", "svg", "pdf"};
        static const char *const magic[3] = {"\x89PNG", "<", "%PDF"};
        for (int k = 0; k < 3; k++) {
            snprintf(f, sizeof f, "%s/charts/%s.%s", d, file, ext[k]);
            size_t len;
            char *b = cli_slurp(f, &len);
            if (!b) fail_msg("missing chart %s", f);
            assert_true(len > 1000);
            assert_memory_equal(b, magic[k], strlen(magic[k]));
            free(b);
        }
    }
    assert_true(per_line);   /* charts for every line (line 2 has its own service-level chart) */
    cs_json_free(m);
    cli_out_free(&o);
}

/* PLplot and GLPK are loaded when first needed (plots/chart.c, experiments/cover_glpk.c), so a
 * run without --out maps neither; a run with --out loads PLplot (the control that the log below
 * shows a library loaded on demand).  Seen in glibc's loader log (LD_DEBUG=files, on stderr);
 * skipped where the loader writes none. */
static void test_heavy_libraries_load_on_demand(void **st)
{
    (void)st;
    char p[512], d[512];
    path_in(p, sizeof p, "small.yaml");
    path_in(d, sizeof d, "lazy");
    assert_int_equal(setenv("LD_DEBUG", "files", 1), 0);
    out plain = RUN("run", p, "--reps", "1", "--quiet");
    out charts = RUN("run", p, "--reps", "1", "--quiet", "--out", d);
    unsetenv("LD_DEBUG");
    assert_int_equal(plain.code, 0);
    assert_int_equal(charts.code, 0);
    int logged = strstr(plain.err, "libc.so") != NULL;
    if (logged) {
        assert_null(strstr(plain.err, "libplplot"));
        assert_null(strstr(plain.err, "libglpk"));
        assert_non_null(strstr(charts.err, "libplplot"));
        assert_null(strstr(charts.err, "libglpk"));
    }
    cli_out_free(&plain);
    cli_out_free(&charts);
    if (!logged) skip();
}

static void test_compare_with_itself_is_zero(void **st)
{
    (void)st;
    char p[512], d[512], f[700];
    path_in(p, sizeof p, "small.yaml");
    path_in(d, sizeof d, "cmp");
    out o = RUN("compare", p, p, "--out", d, "--quiet", "--json");
    assert_int_equal(o.code, 0);
    cs_json *j;
    cs_error err;
    assert_int_equal(cs_json_parse(o.out, strlen(o.out), &j, &err), CS_OK);
    const cs_json *diff = cs_json_path(j, "differences.0.lines.101");
    assert_non_null(diff);
    for (size_t i = 0; i < cs_json_size(diff); i++) {
        const cs_json *v = cs_json_member_value(diff, i);
        double dd = cs_json_number_value(cs_json_get(v, "diff"));
        if (!isnan(dd) && dd != 0) fail_msg("%s differs by %g", cs_json_member_key(diff, i), dd);
    }
    cs_json_free(j);
    snprintf(f, sizeof f, "%s/comparison.csv", d);
    char *csv = cli_slurp(f, NULL);
    assert_non_null(csv);
    assert_true(strncmp(csv, "scenario,line,kpi,mean,ci95,diff,diff_ci95\n", 43) == 0);
    free(csv);
    cli_out_free(&o);
}

static void test_erlang_command(void **st)
{
    (void)st;
    out o = RUN("erlang", "--rate", "200/h", "--aht", "180s", "--agents", "14", "--within", "20s", "--json");
    assert_int_equal(o.code, 0);
    cs_json *j;
    cs_error err;
    assert_int_equal(cs_json_parse(o.out, strlen(o.out), &j, &err), CS_OK);
    /* domain.md table V1, n = 14: P(W>0) 0.1741, ASA 7.84 s, SL(20 s) 0.8884 */
    assert_true(fabs(cs_json_number_value(cs_json_get(j, "p_wait")) - 0.1741) < 5e-5);
    assert_true(fabs(cs_json_number_value(cs_json_get(j, "asa")) - 7.84) < 5e-3);
    assert_true(fabs(cs_json_number_value(cs_json_get(j, "service_level")) - 0.8884) < 5e-5);
    cs_json_free(j);
    cli_out_free(&o);
    o = RUN("erlang", "--rate", "2/s", "--aht", "180s", "--agents", "300");
    assert_int_equal(o.code, 2);   /* unstable Erlang C: a clear input error */
    assert_non_null(strstr(o.err, "agents"));
    cli_out_free(&o);
}

/* A dated run end to end: local dates in the table, calls.csv in local time with the offset,
 * daily.csv for a run of more than a week, the period in summary.json, "per year" labels for a
 * year; and no daily.csv for a run that measures a week. */
static void test_dated_run_outputs(void **st)
{
    (void)st;
    char p[512], d[512], f[700];
    path_in(p, sizeof p, "dated.yaml");
    write_file(p, "name: dated\nstart: 2025-10-20\nhorizon: 10d\nwarmup: 1d\nreplications: 2\nseed: 4\n"
                  "lines:\n  - {name: \"101\", arrivals: {per_day: 300}, handle: 4m,"
                  " patience: {dist: exponential, mean: 5m}}\n"
                  "pools:\n  - {name: h, lines: [\"101\"], staff: 3}\n");
    path_in(d, sizeof d, "dated-out");
    out o = RUN("run", p, "--out", d, "--calls", "--quiet");
    assert_int_equal(o.code, 0);
    assert_non_null(strstr(o.out, "2 replications of 10 days from 2025-10-20 00:00 to 2025-10-30 00:00 (UK local time)"));
    assert_non_null(strstr(o.out, "the first 1 day (to 2025-10-21 00:00) discarded as warm-up"));
    snprintf(f, sizeof f, "%s/calls.csv", d);
    char *calls = cli_slurp(f, NULL);
    assert_non_null(calls);
    assert_non_null(strstr(calls, "\n2025-10-21T"));
    assert_non_null(strstr(calls, "+01:00,101,"));   /* BST before 26 October */
    assert_non_null(strstr(calls, "\n2025-10-27T"));
    assert_non_null(strstr(calls, "+00:00,101,"));   /* GMT after */
    free(calls);
    snprintf(f, sizeof f, "%s/daily.csv", d);
    char *daily = cli_slurp(f, NULL);
    assert_non_null(daily);
    assert_true(strncmp(daily, "date,line,kpi,mean,ci95\n2025-10-21,101,offered,", 47) == 0);
    assert_null(strstr(daily, "2025-10-20,"));   /* the warm-up day is not measured */
    assert_non_null(strstr(daily, "\n2025-10-29,101,asa,"));
    free(daily);
    snprintf(f, sizeof f, "%s/summary.json", d);
    cs_json *j;
    cs_error err;
    assert_int_equal(cs_json_parse_file(f, &j, &err), CS_OK);
    assert_string_equal(cs_json_string_value(cs_json_get(j, "start")), "2025-10-20T00:00:00+01:00");
    assert_string_equal(cs_json_string_value(cs_json_get(j, "end")), "2025-10-30T00:00:00+00:00");
    cs_json_free(j);
    snprintf(f, sizeof f, "%s/charts/offered_by_date.svg", d);
    assert_true(exists(f));
    cli_out_free(&o);
    /* A year: counts are annual figures. */
    write_file(p, "name: year\nstart: 2025-04-01\nhorizon: 365d\nwarmup: 0\nreplications: 2\n"
                  "lines:\n  - {name: \"101\", arrivals: {per_year: 3000}, handle: 4m}\n"
                  "pools:\n  - {name: h, lines: [\"101\"], staff: 2}\n");
    o = RUN("run", p, "--quiet");
    assert_int_equal(o.code, 0);
    assert_non_null(strstr(o.out, "The measured period is one year, so counts are annual figures"));
    assert_non_null(strstr(o.out, "calls/year"));
    cli_out_free(&o);
    /* The small undated scenario measures less than a week: no daily.csv. */
    path_in(p, sizeof p, "small.yaml");
    path_in(d, sizeof d, "undated-out");
    o = RUN("run", p, "--out", d, "--quiet");
    assert_int_equal(o.code, 0);
    snprintf(f, sizeof f, "%s/daily.csv", d);
    assert_false(exists(f));
    cli_out_free(&o);
}

/* Every shipped scenario loads and runs (the README's examples are these files). */
static void test_shipped_scenarios_run(void **st)
{
    (void)st;
    DIR *d = opendir("scenarios");
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0) continue;
        char p[512];
        snprintf(p, sizeof p, "scenarios/%s", e->d_name);
        out o = RUN("run", p, "--reps", "2", "--quiet", "--json");
        if (o.code != 0) fail_msg("%s: exit %d: %s", p, o.code, o.err);
        cs_json *j;
        cs_error err;
        assert_int_equal(cs_json_parse(o.out, strlen(o.out), &j, &err), CS_OK);
        assert_non_null(cs_json_get(j, "lines"));
        cs_json_free(j);
        cli_out_free(&o);
        n++;
    }
    closedir(d);
    assert_true(n >= 9);
}

/* The replay command of the README, on the shipped example log. */
static void test_readme_replay_example(void **st)
{
    (void)st;
    out o = RUN("replay", "scenarios/logs/example_force_export.csv", "--scenario", "scenarios/baseline.yaml", "--columns",
                "arrival=CallTime,date=CallDate,line=Queue,caller=CallerRef,outcome=Result,wait=QueueTime,handle=TalkTime",
                "--outcomes", "answered=ANSWERED,abandoned=ABANDONED,abandoned_ivr=IVR HANGUP,deflected=ONLINE,cut_off=BUSY",
                "--reps", "4", "--quiet", "--json");
    assert_int_equal(o.code, 0);
    cs_json *j;
    cs_error err;
    assert_int_equal(cs_json_parse(o.out, strlen(o.out), &j, &err), CS_OK);
    assert_true(cs_json_number_value(cs_json_path(j, "observed.101.offered")) > 3000);
    assert_true(cs_json_number_value(cs_json_path(j, "lines.101.offered.mean")) ==
                cs_json_number_value(cs_json_path(j, "observed.101.offered")));
    cs_json_free(j);
    cli_out_free(&o);
    /* A bad row stops the command with the row and column, exit 2. */
    char p[512];
    path_in(p, sizeof p, "badlog.csv");
    write_file(p, "CallDate,CallTime,Queue,Result,QueueTime\n26/10/2024,00:00:10,101,ANSWERED,0:00:05\n"
                  "26/10/2024,00:01:10,101,ANSWERED,abc\n");
    o = RUN("replay", p, "--scenario", "scenarios/baseline.yaml", "--columns", "arrival=CallTime,date=CallDate,line=Queue,"
            "outcome=Result,wait=QueueTime", "--outcomes", "answered=ANSWERED", "--quiet");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "row 3"));
    assert_non_null(strstr(o.err, "QueueTime"));
    cli_out_free(&o);
}


/* ------------------------------------------------------------------------------------------
 * Hardening (issue 8): each test fails on the code before the fix.
 * ---------------------------------------------------------------------------------------- */

/* Names in tmpdir starting with prefix (hidden ones included). */
static int count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) n++;
    closedir(d);
    return n;
}

/* D1: --out LINK --force, LINK a link to a folder, used to empty that folder and leave
 * .LINK.old-*.  Now the link is refused and nothing is touched. */
static void test_out_link_is_refused(void **st)
{
    (void)st;
    char p[512], real[512], link[512], keep[600];
    path_in(p, sizeof p, "small.yaml");
    path_in(real, sizeof real, "linked-real");
    path_in(link, sizeof link, "LINKED");
    snprintf(keep, sizeof keep, "%s/keep.txt", real);
    mkdir(real, 0777);
    write_file(keep, "precious");
    assert_int_equal(symlink("linked-real", link), 0);
    out o = RUN("run", p, "--out", link, "--force", "--quiet");
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "symbolic link"));
    assert_true(exists(keep));
    assert_int_equal(count_entries(tmpdir, ".LINKED"), 0);
    struct stat sb;
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    cli_out_free(&o);
}

/* A log in calls.csv format with the given line names, enough calls per line to fit. */
static void write_log_with_lines(const char *path, const char *const *names, size_t n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "arrival,line,outcome,wait,handle\n");
    for (int i = 0; i < 60; i++)
        for (size_t l = 0; l < n; l++) {
            fprintf(f, "2024-01-%02dT%02d:%02d:00Z,\"", 1 + i % 14, 8 + i % 10, (int)l * 7 % 60);
            for (const char *c = names[l]; *c; c++) fprintf(f, *c == '"' ? "\"\"" : "%c", *c);
            fprintf(f, "\",%s,%d,%d\n", i % 5 == 0 ? "abandoned_queue" : "answered", 5 + i % 40, 60 + (i * 37) % 300);
        }
    fclose(f);
}

/* D6: fit wrote names into YAML unescaped.  Any name (quotes, colons, '#', brackets, YAML
 * indicators, non-ASCII, line breaks; leading blanks and a tab in --name) now round-trips:
 * the fitted scenario loads back with the same names. */
static void test_fit_names_round_trip(void **st)
{
    (void)st;
    static const char *const names[] = {"a \"quoted\": #x, [y]", "caf\xc3\xa9 \xe2\x9c\x93 & *alias !tag %p @q",
                                        "two\nlines", "- dash: {not: map} 'single' back\\slash"};
    const char *scn_name = "  lead: \"q\" #c\n\tand \xe2\x80\x94 more";
    char log[512], yaml[512], charts[512];
    path_in(log, sizeof log, "hostile_names.csv");
    path_in(yaml, sizeof yaml, "hostile_names.yaml");
    path_in(charts, sizeof charts, "hostile_names-charts");
    write_log_with_lines(log, names, 4);
    out o = RUN("fit", log, "-o", yaml, "--tz", "utc", "--name", scn_name);
    if (o.code != 0) fail_msg("fit: exit %d: %s", o.code, o.err);
    cli_out_free(&o);
    o = RUN("run", yaml, "--reps", "1", "--quiet", "--json");
    if (o.code != 0) fail_msg("the fitted scenario does not run: exit %d: %s", o.code, o.err);
    cs_json *j;
    cs_error err;
    assert_int_equal(cs_json_parse(o.out, strlen(o.out), &j, &err), CS_OK);
    assert_string_equal(cs_json_string_value(cs_json_get(j, "scenario")), scn_name);
    const cs_json *lines = cs_json_get(j, "lines");
    assert_int_equal(cs_json_size(lines), 4);
    for (size_t i = 0; i < 4; i++) {
        int found = 0;
        for (size_t k = 0; k < 4; k++)
            if (strcmp(cs_json_member_key(lines, k), names[i]) == 0) found = 1;
        if (!found) fail_msg("line name lost: %s", names[i]);
    }
    cs_json_free(j);
    cli_out_free(&o);
    assert_int_equal(cs_outdir_remove_tree(charts), 0);
}

/* D7: a 101 <-> 999 spillover cycle with no delay, both lines cut off, looped forever at one
 * instant.  Now it ends, and every attempt is still counted once. */
static void test_spillover_cycle_ends(void **st)
{
    (void)st;
    char p[512];
    path_in(p, sizeof p, "cycle.yaml");
    write_file(p, "name: cycle\nhorizon: 2d\nwarmup: 0\nreplications: 2\nseed: 1\nlines:\n"
                  "  - name: \"101\"\n    arrivals: {rate: 10/h}\n    handle: 3m\n"
                  "    spillover: {to: \"999\", share: 100%, delay: 0s}\n"
                  "  - name: \"999\"\n    arrivals: {rate: 10/h}\n    handle: 3m\n"
                  "    spillover: {to: \"101\", share: 100%, delay: 0s}\n"
                  "pools:\n  - name: p\n    lines: [\"101\", \"999\"]\n    staff: 4\n"
                  "outages:\n  - {name: down, start: \"Mon 00:00\", length: 2d, effect: cut_off}\n");
    out o = RUN("run", p, "--quiet", "--json");
    if (o.code != 0) fail_msg("exit %d: %s", o.code, o.err);
    cs_json *j;
    cs_error err;
    assert_int_equal(cs_json_parse(o.out, strlen(o.out), &j, &err), CS_OK);
    double offered = cs_json_number_value(cs_json_path(j, "lines.101.offered.mean"));
    double cut = cs_json_number_value(cs_json_path(j, "lines.101.cut_off.mean"));
    assert_true(offered > 0);
    assert_true(offered == cut);   /* every attempt cut off, each counted once */
    cs_json_free(j);
    cli_out_free(&o);
}

/* D9: absurd overload grew memory without bound (3.8 GB in 10 s).  Now the run stops at the
 * stated cap with exit 2 and a message, in bounded memory, and writes nothing.  (The overload
 * is the most a scenario may ask for, 100 calls a second into 4 handlers with callers who
 * never hang up; a rate of 10^9/s is refused when the scenario loads, io/scenario.h.) */
static void test_overload_stops_at_the_cap(void **st)
{
    (void)st;
    char p[512], d[512];
    path_in(p, sizeof p, "overload.yaml");
    path_in(d, sizeof d, "overload-out");
    write_file(p, "name: overload\nhorizon: 2d\nwarmup: 0\nreplications: 2\nseed: 1\nlines:\n"
                  "  - name: \"101\"\n    arrivals: {rate: 100/s}\n    handle: 3m\n"
                  "    patience: never\n"
                  "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 4\n");
    out o = RUN("run", p, "--quiet", "--threads", "1", "--out", d);
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "1000000 callers"));
    assert_false(exists(d));
    assert_int_equal(count_entries(tmpdir, ".overload-out"), 0);
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    assert_true(ru.ru_maxrss < 600 * 1024);   /* kB: the cap keeps it to a few hundred MB */
    cli_out_free(&o);
}

/* Runs callsim with stdout going to path (e.g. /dev/full), or to a pipe whose reading end is
 * already closed (path NULL); returns the exit status, stderr in *err. */
static int run_stdout_to(const char *path, char **err, const char *const *args)
{
    int pe[2], po[2];
    assert_int_equal(pipe(pe), 0);
    assert_int_equal(pipe(po), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = path ? open(path, O_WRONLY) : po[1];
        dup2(fd, 1);
        dup2(pe[1], 2);
        close(pe[0]);
        close(po[0]);
        const char *argv[64];
        size_t n = 0;
        argv[n++] = cli_bin();
        for (size_t i = 0; args[i] && n < 63; i++) argv[n++] = args[i];
        argv[n] = NULL;
        alarm(120);
        execv(cli_bin(), (char *const *)argv);
        _exit(127);
    }
    close(pe[1]);
    close(po[1]);
    close(po[0]); /* nobody reads stdout */
    *err = cli_slurp_fd(pe[0]);
    close(pe[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define STDOUT_TO(path, err, ...) run_stdout_to(path, err, (const char *const[]){__VA_ARGS__, NULL})

/* D12: write errors on stdout (a full disk, a closed pipe) gave exit 0 (tables) or death by
 * SIGPIPE, and left a half-written output folder; now exit 1 with a message, nothing written. */
static void test_stdout_write_errors(void **st)
{
    (void)st;
    char p[512], d[512], *err;
    path_in(p, sizeof p, "small.yaml");
    path_in(d, sizeof d, "stdout-full");
    int code = STDOUT_TO("/dev/full", &err, "run", p, "--quiet", "--out", d);
    assert_int_equal(code, 1);
    assert_non_null(strstr(err, "cannot write"));
    assert_false(exists(d));
    assert_int_equal(count_entries(tmpdir, ".stdout-full"), 0);
    free(err);
    code = STDOUT_TO("/dev/full", &err, "run", p, "--quiet", "--json");
    assert_int_equal(code, 1);
    free(err);
    code = STDOUT_TO("/dev/full", &err, "compare", p, p, "--quiet", "--reps", "2", "--json");
    assert_int_equal(code, 1);
    assert_non_null(strstr(err, "callsim compare"));
    free(err);
    code = STDOUT_TO("/dev/full", &err, "compare", p, p, "--quiet", "--reps", "2");
    assert_int_equal(code, 1);
    free(err);
    code = STDOUT_TO("/dev/full", &err, "erlang", "--rate", "2/s", "--aht", "3m", "--agents", "400", "--json");
    assert_int_equal(code, 1);
    assert_non_null(strstr(err, "callsim erlang"));
    free(err);
    code = STDOUT_TO("/dev/full", &err, "erlang", "--rate", "2/s", "--aht", "3m", "--agents", "400");
    assert_int_equal(code, 1);
    free(err);
    /* fit prints its fits, then commits: a failed stdout commits nothing. */
    char log[512], fy[512];
    static const char *const one_line[] = {"101"};
    path_in(log, sizeof log, "stdout_fit.csv");
    path_in(fy, sizeof fy, "stdout_fit.yaml");
    write_log_with_lines(log, one_line, 1);
    code = STDOUT_TO("/dev/full", &err, "fit", log, "-o", fy, "--tz", "utc");
    assert_int_equal(code, 1);
    assert_non_null(strstr(err, "callsim fit"));
    assert_false(exists(fy));
    assert_int_equal(count_entries(tmpdir, "stdout_fit-charts"), 0);
    assert_int_equal(count_entries(tmpdir, ".stdout_fit"), 0);
    free(err);
    code = STDOUT_TO(NULL, &err, "run", p, "--quiet");   /* reader gone: EPIPE, not SIGPIPE */
    assert_int_equal(code, 1);
    assert_non_null(strstr(err, "cannot write"));
    free(err);
    code = STDOUT_TO("/dev/full", &err, "replay", "scenarios/logs/example_force_export.csv", "--scenario",
                     "scenarios/baseline.yaml", "--columns",
                     "arrival=CallTime,date=CallDate,line=Queue,caller=CallerRef,outcome=Result,wait=QueueTime,handle=TalkTime",
                     "--outcomes", "answered=ANSWERED,abandoned=ABANDONED,abandoned_ivr=IVR HANGUP,deflected=ONLINE,cut_off=BUSY",
                     "--reps", "1", "--quiet", "--json");
    assert_int_equal(code, 1);
    assert_non_null(strstr(err, "callsim replay"));
    free(err);
}

/* D8: an output problem that can be known before a long run is found before it: compare
 * used to run every scenario first and only then find --out unusable. */
static void test_output_checked_before_the_run(void **st)
{
    (void)st;
    char p[512], d[512];
    path_in(p, sizeof p, "long2.yaml");
    write_file(p, "name: long\nhorizon: 400d\nwarmup: 0\nreplications: 50\nseed: 1\n"
                  "lines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: {dist: exponential, mean: 3m}\n"
                  "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n");
    path_in(d, sizeof d, "taken");
    mkdir(d, 0777);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    out o = RUN("compare", p, p, "--out", d, "--quiet");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(o.code, 2);
    assert_non_null(strstr(o.err, "--force"));
    assert_true((double)(t1.tv_sec - t0.tv_sec) < 10.0);
    cli_out_free(&o);
    o = RUN("run", p, "--out", d, "--quiet");
    assert_int_equal(o.code, 2);
    cli_out_free(&o);
}

/* SIGKILL cannot be caught: the temporary folder stays, and the next run into the same parent
 * removes it (the README used to promise that a kill removed it). */
static void test_sigkill_leftover_recovered_next_time(void **st)
{
    (void)st;
    char p[512], d[512], d2[512], s[512];
    path_in(p, sizeof p, "long3.yaml");
    write_file(p, "name: long\nhorizon: 400d\nwarmup: 0\nreplications: 50\nseed: 1\n"
                  "lines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: {dist: exponential, mean: 3m}\n"
                  "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n");
    path_in(d, sizeof d, "sigkilled");
    path_in(d2, sizeof d2, "after-sigkill");
    path_in(s, sizeof s, "small.yaml");
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(cli_bin(), cli_bin(), "run", p, "--out", d, "--calls", "--quiet", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500 && count_entries(tmpdir, ".sigkilled.partial-") == 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    assert_int_equal(count_entries(tmpdir, ".sigkilled.partial-"), 1);
    out o = RUN("run", s, "--out", d2, "--quiet");
    assert_int_equal(o.code, 0);
    assert_non_null(strstr(o.err, "note: removed"));
    assert_int_equal(count_entries(tmpdir, ".sigkilled"), 0);
    assert_false(exists(d));
    cli_out_free(&o);
}

/* D11: fit is a transaction: interrupted while reading the log (a FIFO fed halfway, so the
 * moment is certain), it leaves neither the scenario, its temporary file nor the charts. */
static void test_fit_interrupted_leaves_nothing(void **st)
{
    (void)st;
    char sub[512], fifo[600], yaml[600];
    path_in(sub, sizeof sub, "fitsig");
    mkdir(sub, 0777);
    snprintf(fifo, sizeof fifo, "%s/log.csv", sub);
    snprintf(yaml, sizeof yaml, "%s/f.yaml", sub);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(cli_bin(), cli_bin(), "fit", fifo, "-o", yaml, "--tz", "utc", (char *)NULL);
        _exit(127);
    }
    int fd = open(fifo, O_WRONLY);
    assert_true(fd >= 0);
    static const char head[] = "arrival,line,outcome,wait,handle\n2024-01-01T08:00:00Z,101,answered,5,100\n";
    assert_int_equal(write(fd, head, sizeof head - 1), (ssize_t)(sizeof head - 1));
    /* Wait until fit has begun its outputs, then interrupt it while it waits for more rows. */
    for (int i = 0; i < 500 && (count_entries(sub, ".f.yaml.partial-") == 0 || count_entries(sub, ".f-charts.partial-") == 0);
         i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(count_entries(sub, ".f.yaml.partial-"), 1);
    assert_int_equal(count_entries(sub, ".f-charts.partial-"), 1);
    kill(pid, SIGINT);
    int status;
    waitpid(pid, &status, 0);
    close(fd);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 130);
    DIR *dir = opendir(sub);
    struct dirent *e;
    while ((e = readdir(dir)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "log.csv"))
            fail_msg("left behind: %s", e->d_name);
    closedir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_exit_codes),
        cmocka_unit_test(test_bad_scenario_reports_position_and_writes_nothing),
        cmocka_unit_test(test_json_matches_summary_and_is_reproducible),
        cmocka_unit_test(test_out_refuses_to_clobber),
        cmocka_unit_test(test_killed_run_leaves_nothing),
        cmocka_unit_test(test_calls_csv_and_charts),
        cmocka_unit_test(test_heavy_libraries_load_on_demand),
        cmocka_unit_test(test_compare_with_itself_is_zero),
        cmocka_unit_test(test_erlang_command),
        cmocka_unit_test(test_dated_run_outputs),
        cmocka_unit_test(test_shipped_scenarios_run),
        cmocka_unit_test(test_readme_replay_example),
        cmocka_unit_test(test_out_link_is_refused),
        cmocka_unit_test(test_fit_names_round_trip),
        cmocka_unit_test(test_spillover_cycle_ends),
        cmocka_unit_test(test_overload_stops_at_the_cap),
        cmocka_unit_test(test_stdout_write_errors),
        cmocka_unit_test(test_output_checked_before_the_run),
        cmocka_unit_test(test_sigkill_leftover_recovered_next_time),
        cmocka_unit_test(test_fit_interrupted_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
