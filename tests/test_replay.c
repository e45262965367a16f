/* Tests for io/replay with the engine: what a replay measures and writes.
 *
 * A small log (UTC) on Tuesday 1 and Wednesday 2 October 2024 is replayed into one line with one
 * handler.  Known answers:
 *   - counts per interval as labelled: 3 calls in Tue 09:00-09:15 and 1 in 09:15-09:30 give 3
 *     and 1 in 15-minute rows and 4 in the 1-hour row, in observed.csv and intervals.csv alike
 *     (the old code wrote per-15-minute counts under 1-hour labels);
 *   - nothing is measured before the first call's day: no Monday rows (the old code averaged the
 *     empty Monday of the first week into everything), and the hour of day pools the two days:
 *     09:00 has (4 + 5) / 2 = 4.5 calls per hour;
 *   - the simulation replays the same calls: simulated offered equals observed offered;
 *   - calls.csv has every measured attempt, including the one still talking at the end (the old
 *     code left it out). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/replay.h"
#include "io/results.h"
#include "models/run.h"
#include "tests/testutil.h"

static const char LOG[] =
    "arrival,outcome,wait,handle\n"
    "2024-10-01T09:01:00Z,answered,0,60\n"
    "2024-10-01T09:05:00Z,answered,10,60\n"
    "2024-10-01T09:10:00Z,abandoned,30,\n"
    "2024-10-01T09:20:00Z,answered,0,60\n"
    "2024-10-02T09:00:30Z,answered,0,60\n"
    "2024-10-02T09:02:00Z,answered,0,60\n"
    "2024-10-02T09:20:00Z,answered,5,60\n"
    "2024-10-02T09:40:00Z,answered,0,60\n"
    "2024-10-02T09:50:00Z,abandoned,12,\n"
    /* the last call of the log: answered a minute before midnight, talks for an hour */
    "2024-10-02T23:59:00Z,answered,0,3600\n";

typedef struct fixture {
    char path[64];
    cs_scn *scn;
    cs_replay_data d;
    cs_results *res;
    long traced;
} fixture;

static void count_trace(void *ud, const cs_trace_rec *r)
{
    (void)r;
    ((fixture *)ud)->traced++;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/cs_test_replay_XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    assert_true(write(fd, LOG, sizeof LOG - 1) == (ssize_t)(sizeof LOG - 1));
    close(fd);
    f->scn = tu_single(0.001, 60, 1, 0, 20, 1, 0, 4, 7);
    cs_log_opts lo;
    cs_log_opts_init(&lo);
    lo.tz = CS_TZ_UTC;
    cs_replay_opts ro = {0, 1, 0, 0, 0};   /* logged talk times */
    cs_error err = {CS_OK, ""};
    if (cs_replay_load(f->path, &lo, &ro, f->scn, &f->d, &err) != CS_OK) fail_msg("%s", err.msg);
    f->scn->horizon = f->d.span;
    f->scn->warmup = cs_replay_warmup(&f->d);
    f->d.observed.measured = f->d.span - f->scn->warmup;
    cs_run_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.trace = count_trace;
    o.trace_ud = f;
    o.feed_make = cs_replay_feed_make;
    o.feed_free = cs_replay_feed_free;
    o.feed_ud = &f->d;
    if (cs_run(f->scn, &o, &f->res, &err) != CS_OK) fail_msg("%s", err.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cs_results_free(f->res);
    cs_replay_free(&f->d);
    cs_scn_free(f->scn);
    unlink(f->path);
    free(f);
    return 0;
}

/* The value in a CSV written to a buffer: the row whose first columns are prefix. */
static double value_of(const char *csv, const char *prefix, int column)
{
    const char *p = strstr(csv, prefix);
    if (!p) return NAN;
    for (int c = 0; c < column; c++) {
        p = strchr(p, ',');
        if (!p) return NAN;
        p++;
    }
    return strtod(p, NULL);
}

static char *write_to_string(int which, fixture *f, int group)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    cs_error err = {CS_OK, ""};
    cs_status st = which == 0   ? cs_replay_write_observed(m, &f->d, f->res, group, &err)
                   : which == 1 ? cs_replay_write_hours(m, &f->d, f->res, &err)
                                : cs_out_intervals_csv(m, f->res, group, &err);
    assert_int_equal(st, CS_OK);
    fclose(m);
    return buf;
}

static void test_counts_per_labelled_interval(void **state)
{
    fixture *f = *state;
    char *q = write_to_string(0, f, 1), *h = write_to_string(0, f, 4), *iv = write_to_string(2, f, 4);
    /* 15-minute rows */
    assert_true(value_of(q, "101,Tue 09:00,offered,", 3) == 3);
    assert_true(value_of(q, "101,Tue 09:00,offered,", 4) == 3);   /* simulated: the same calls */
    assert_true(value_of(q, "101,Tue 09:15,offered,", 3) == 1);
    assert_true(value_of(q, "101,Tue 09:00,abandoned,", 3) == 1);
    /* 1-hour rows: calls per hour */
    assert_true(value_of(h, "101,Tue 09:00,offered,", 3) == 4);
    assert_true(value_of(h, "101,Wed 09:00,offered,", 3) == 5);
    assert_true(value_of(h, "101,Wed 09:00,abandoned,", 3) == 1);
    assert_true(fabs(value_of(h, "101,Wed 09:00,abandon_rate,", 3) - 0.2) < 1e-12);
    assert_true(fabs(value_of(h, "101,Wed 09:00,mean_wait,", 3) - (0 + 0 + 5 + 0 + 12) / 5.0) < 1e-12);
    assert_true(fabs(value_of(h, "101,Wed 09:00,p_wait,", 3) - 0.4) < 1e-12);
    assert_true(value_of(iv, "101,Tue 09:00,offered,", 3) == 4);
    /* Nothing before the first call's day. */
    assert_null(strstr(q, ",Mon "));
    assert_null(strstr(iv, ",Mon "));
    free(q);
    free(h);
    free(iv);
}

static void test_hours_pool_the_log_days(void **state)
{
    fixture *f = *state;
    char *h = write_to_string(1, f, 1);
    assert_true(strncmp(h, "line,hour,kpi,observed,simulated,ci95,range_lo,range_hi,outside\n", 64) == 0);
    assert_true(value_of(h, "101,09:00,offered,", 3) == 4.5);
    assert_true(value_of(h, "101,09:00,offered,", 4) == 4.5);
    assert_true(fabs(value_of(h, "101,09:00,abandon_rate,", 3) - 2.0 / 9.0) < 1e-12);
    free(h);
}

static void test_calls_csv_has_every_attempt(void **state)
{
    fixture *f = *state;
    /* Replication 1 measured all 10 calls; the last was still talking at the end. */
    assert_true(cs_rs_line_c(&f->res->reps[0], 0)[CS_LC_OFFERED] == 10);
    assert_int_equal(f->traced, 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_per_labelled_interval),
        cmocka_unit_test(test_hours_pool_the_log_days),
        cmocka_unit_test(test_calls_csv_has_every_attempt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
