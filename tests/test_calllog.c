/* Tests for io/calllog: callsim's own calls.csv, a bank-style export (date + time of day,
 * H:MM:SS durations, 0:00:00 placeholders, rows out of order, a queue passing midnight) read
 * with --columns/--outcomes alone, ISO timestamps with offsets, UK local time across both clock
 * changes (sorted and unsorted), every kind of bad row with its own message, skip counts, open
 * errors, and bounded memory over a generated 10^6-row file.  Fixtures are synthetic files in
 * tests/data/logs/ (expected instants were computed independently with Python's datetime);
 * other inputs are temporary files under /tmp. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/calllog.h"

#define DIR "tests/data/logs/"
#define MAXREC 32

#define BANK_COLUMNS                                                                             \
    "arrival=vru_exit,date=date,line=type,caller=customer_id,outcome=outcome,wait=q_time,"      \
    "handle=ser_time,queue_start=q_start"
#define BANK_OUTCOMES "answered=AGENT,abandoned=HANG,other=PHANTOM"

/* ---- helpers --------------------------------------------------------------------------------- */

static cs_log *open_ok(const char *path, const cs_log_opts *o)
{
    cs_log *l = NULL;
    cs_error err = {CS_OK, ""};
    cs_status st = cs_log_open(path, o, &l, &err);
    if (st != CS_OK)
        fail_msg("cs_log_open(%s): %s", path, err.msg);
    assert_non_null(l);
    return l;
}

/* Reads every record (the fixture must be good, or opened with skip_bad). */
static size_t read_all(cs_log *l, cs_log_rec *recs, size_t cap)
{
    size_t n = 0;
    for (;;) {
        int got = -1;
        cs_error err = {CS_OK, ""};
        cs_status st = cs_log_next(l, n < cap ? &recs[n] : &recs[cap - 1], &got, &err);
        if (st != CS_OK)
            fail_msg("cs_log_next: %s", err.msg);
        if (!got)
            break;
        n++;
    }
    assert_true(n <= cap);
    return n;
}

/* Opening must fail with code and a message containing every fragment. */
static void expect_open_error(const char *path, const cs_log_opts *o, cs_status code,
                              const char *const *frags, size_t nfrags)
{
    cs_log *l = (cs_log *)&l; /* must be reset to NULL */
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_log_open(path, o, &l, &err), code);
    assert_null(l);
    assert_int_equal(err.code, code);
    for (size_t i = 0; i < nfrags; i++)
        if (!strstr(err.msg, frags[i]))
            fail_msg("message lacks '%s': %s", frags[i], err.msg);
}

#define EXPECT_OPEN_ERROR(path, o, code, ...)                                                    \
    do {                                                                                         \
        const char *const f_[] = {__VA_ARGS__};                                                  \
        expect_open_error((path), (o), (code), f_, sizeof f_ / sizeof f_[0]);                    \
    } while (0)

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* A temporary file holding text; the path is written into path[32]. */
static void temp_file(char path[32], const char *text)
{
    strcpy(path, "/tmp/test_calllog_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, text);
}

static long skip_count(const cs_log_skips *s, const char *reason)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->by[i].reason, reason) == 0)
            return s->by[i].count;
    return 0;
}

/* Bad-row fixture: row 2 good, row 3 bad with a message containing every fragment, row 4 good
 * (a failed row is consumed, so reading goes on). */
static void expect_bad_row(const char *file, const cs_log_opts *o, const char *const *frags,
                           size_t nfrags)
{
    cs_log *l = open_ok(file, o);
    cs_log_rec r;
    int got = 0;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_log_next(l, &r, &got, &err), CS_OK);
    assert_int_equal(got, 1);
    assert_int_equal(r.row, 2);
    got = -1;
    assert_int_equal(cs_log_next(l, &r, &got, &err), CS_EINPUT);
    assert_int_equal(got, 0);
    for (size_t i = 0; i < nfrags; i++)
        if (!strstr(err.msg, frags[i]))
            fail_msg("message lacks '%s': %s", frags[i], err.msg);
    assert_int_equal(cs_log_next(l, &r, &got, &err), CS_OK);
    assert_int_equal(got, 1);
    assert_int_equal(r.row, 4);
    assert_int_equal(cs_log_next(l, &r, &got, &err), CS_OK);
    assert_int_equal(got, 0);
    assert_int_equal(cs_log_rows(l), 3);
    assert_int_equal(cs_log_skipped(l)->total, 0);
    cs_log_close(l);

    /* the same file with skip_bad: two records, one skip */
    cs_log_opts so;
    if (o)
        so = *o;
    else
        cs_log_opts_init(&so);
    so.skip_bad = 1;
    l = open_ok(file, &so);
    cs_log_rec recs[4];
    assert_int_equal(read_all(l, recs, 4), 2);
    assert_int_equal(recs[0].row, 2);
    assert_int_equal(recs[1].row, 4);
    assert_int_equal(cs_log_skipped(l)->total, 1);
    assert_int_equal(cs_log_skipped(l)->n, 1);
    assert_int_equal(cs_log_skipped(l)->by[0].count, 1);
    cs_log_close(l);
}

#define EXPECT_BAD_ROW(file, o, ...)                                                             \
    do {                                                                                         \
        const char *const f_[] = {__VA_ARGS__};                                                  \
        expect_bad_row(DIR file, (o), f_, sizeof f_ / sizeof f_[0]);                             \
    } while (0)

/* ---- callsim's own format -------------------------------------------------------------------- */

static void test_callsim_calls(void **state)
{
    (void)state;
    cs_log *l = open_ok(DIR "callsim_calls.csv", NULL);
    cs_log_rec r[MAXREC];
    size_t n = read_all(l, r, MAXREC);
    assert_int_equal(n, 8);
    assert_int_equal(cs_log_rows(l), 8);
    const double t0 = 1704067200.0 + 8 * 3600.0; /* 2024-01-01T08:00:00Z */
    assert_true(r[0].arrival == t0 + 5.25);
    assert_string_equal(r[0].line, "101");
    assert_int_equal(r[0].caller, 12);
    assert_int_equal(r[0].outcome, CS_LOG_ANSWERED);
    assert_true(r[0].wait == 35.5 && r[0].handle == 240.0);
    assert_true(isnan(r[0].wrap)); /* no wrap column */
    assert_int_equal(r[0].queued, 1);
    assert_int_equal(r[0].row, 2);

    const cs_log_outcome want[8] = {CS_LOG_ANSWERED, CS_LOG_ABANDONED,  CS_LOG_ABANDONED_IVR,
                                    CS_LOG_CUT_OFF,  CS_LOG_DEFLECTED,  CS_LOG_CALLBACK,
                                    CS_LOG_OTHER,    CS_LOG_ANSWERED};
    const int queued[8] = {1, 1, 0, 0, 0, 1, 1, 1};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(r[i].outcome, want[i]);
        assert_int_equal(r[i].queued, queued[i]);
        assert_int_equal(r[i].row, (long)i + 2);
    }
    assert_true(r[1].arrival == t0 + 40 && r[1].wait == 61.0 && r[1].caller == 0);
    assert_string_equal(r[2].line, "999");
    assert_true(r[4].caller == 18446744073709551615ULL); /* largest caller id, exact */
    assert_true(r[7].wait == 0.0 && r[7].handle == 95.125);
    assert_int_equal(cs_log_skipped(l)->total, 0);
    assert_int_equal(cs_log_notes(l)->total, 0);

    char d[400];
    int len = cs_log_describe_mapping(l, d, sizeof d);
    assert_int_equal(len, (int)strlen(d));
    assert_string_equal(d, "arrival <- arrival, line <- line, caller <- caller, outcome <- "
                           "outcome, wait <- wait, handle <- handle, times without offset read "
                           "as UK local time");
    /* truncation behaves like snprintf */
    char small[8];
    assert_int_equal(cs_log_describe_mapping(l, small, sizeof small), len);
    assert_string_equal(small, "arrival");
    cs_log_close(l);
}

/* ---- bank-shaped export ---------------------------------------------------------------------- */

static void test_bank_like_needs_mapping(void **state)
{
    (void)state;
    EXPECT_OPEN_ERROR(DIR "bank_like.csv", NULL, CS_EINPUT,
                      DIR "bank_like.csv: needs an arrival column: none of "
                          "arrival,start,call_start,callstart,timestamp,time,datetime found; "
                          "columns are: vru+line,call_id,customer_id,priority,type,date,"
                          "vru_entry,vru_exit,vru_time,q_start,q_exit,q_time,outcome,ser_start,"
                          "ser_exit,ser_time,server; map one with --columns arrival=NAME");
}

static void test_bank_like_mapping(void **state)
{
    (void)state;
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.columns = BANK_COLUMNS;
    o.outcomes = BANK_OUTCOMES;
    cs_log *l = open_ok(DIR "bank_like.csv", &o);
    char d[400];
    cs_log_describe_mapping(l, d, sizeof d);
    assert_string_equal(d, "arrival <- vru_exit + date, line <- type, caller <- customer_id, "
                           "outcome <- outcome, wait <- q_time, handle <- ser_time, queue_start "
                           "<- q_start, times without offset read as UK local time");
    cs_log_rec r[MAXREC];
    size_t n = read_all(l, r, MAXREC);
    assert_int_equal(n, 6); /* negative vru_time (row 6) is not mapped, so not an error */
    assert_int_equal(cs_log_skipped(l)->total, 0);

    /* August is BST: local minus one hour; rows out of order are kept in file order */
    const double arr[6] = {1280736920, 1280703550, 1280642412, 1280657572, 1280841598, 1280647809};
    /* Row 4: HANG with q_start 0:00:00 never queued: it hung up in the VRU (abandoned_ivr). */
    const cs_log_outcome oc[6] = {CS_LOG_ANSWERED, CS_LOG_ABANDONED, CS_LOG_ABANDONED_IVR,
                                  CS_LOG_ANSWERED, CS_LOG_OTHER,     CS_LOG_ANSWERED};
    const double wait[6] = {45, 90, 0, 0, 5, 70};
    const double handle[6] = {210, 0, 0, 99, 0, 4452};
    const int queued[6] = {1, 1, 0, 1, 1, 1};
    const char *line[6] = {"PS", "NW", "PS", "TT", "IN", "PE"};
    const unsigned long long caller[6] = {0, 5550123, 0, 5550123, 0, 7770001};
    for (size_t i = 0; i < n; i++) {
        if (r[i].arrival != arr[i])
            fail_msg("row %zu: arrival %.0f, expected %.0f", i + 2, r[i].arrival, arr[i]);
        assert_int_equal(r[i].outcome, oc[i]);
        assert_true(r[i].wait == wait[i]); /* 0:00:00 durations stay 0 */
        assert_true(r[i].handle == handle[i]);
        assert_int_equal(r[i].queued, queued[i]);
        assert_string_equal(r[i].line, line[i]);
        assert_true(r[i].caller == caller[i]);
        assert_int_equal(r[i].row, (long)i + 2);
    }
    cs_log_close(l);
}

/* The agent column: names are hashed (the same name, the same agent), NO_SERVER is nobody; the
 * answer time of an answered call is its arrival plus its wait. */
static void test_agent_column(void **state)
{
    (void)state;
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.columns = BANK_COLUMNS ",agent=server";
    o.outcomes = BANK_OUTCOMES;
    cs_log *l = open_ok(DIR "bank_like.csv", &o);
    char d[400];
    cs_log_describe_mapping(l, d, sizeof d);
    assert_non_null(strstr(d, "agent <- server"));
    cs_log_rec r[MAXREC];
    size_t n = read_all(l, r, MAXREC);
    assert_int_equal(n, 6);
    assert_true(r[0].agent != 0 && r[3].agent != 0 && r[5].agent != 0);
    assert_true(r[0].agent != r[3].agent && r[3].agent != r[5].agent);
    assert_true(r[1].agent == 0 && r[2].agent == 0 && r[4].agent == 0);   /* NO_SERVER */
    assert_true(r[0].answer == r[0].arrival + 45);
    assert_true(isnan(r[1].answer));
    cs_log_close(l);
    /* Without the mapping, the bank's `server` column is not taken for an agent. */
    cs_log_opts_init(&o);
    o.columns = BANK_COLUMNS;
    o.outcomes = BANK_OUTCOMES;
    l = open_ok(DIR "bank_like.csv", &o);
    n = read_all(l, r, MAXREC);
    for (size_t i = 0; i < n; i++) assert_true(r[i].agent == 0);
    cs_log_close(l);
}

/* Without the wait column, waits come from the clocks: q_exit 0:00:40 after q_start 23:59:10
 * passed midnight (90 s), and ser_start one second before vru_exit is reported. */
static void test_bank_like_derived_waits(void **state)
{
    (void)state;
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.columns = "arrival=vru_exit,date=date,line=type,outcome=outcome,answer=ser_start,"
                "abandon=q_exit,end=,queue_start=q_start,wait=";
    o.outcomes = BANK_OUTCOMES;
    o.skip_bad = 1;
    cs_log *l = open_ok(DIR "bank_like.csv", &o);
    cs_log_rec r[MAXREC];
    size_t n = read_all(l, r, MAXREC);
    assert_int_equal(n, 5);
    assert_true(r[0].wait == 45.0);            /* 9:16:05 - 9:15:20 */
    assert_true(r[1].wait == 90.0);            /* 0:00:40 next day - 23:59:10 */
    /* HANG with a q_start placeholder never queued: abandoned in the IVR, so no wait. */
    assert_int_equal(r[2].outcome, CS_LOG_ABANDONED_IVR);
    assert_true(r[2].wait == 0);
    assert_int_equal(r[2].queued, 0);
    assert_true(isnan(r[3].wait));             /* PHANTOM (other): no rule to derive it */
    assert_true(r[4].wait == 70.0);            /* 8:31:19 - 8:30:09 */
    assert_int_equal(r[3].row, 6);
    const cs_log_skips *s = cs_log_skipped(l);
    assert_int_equal(s->total, 1);
    assert_int_equal(skip_count(s, "column 'ser_start': answer before arrival"), 1);
    cs_log_close(l);
}

/* ---- ISO timestamps with offsets, derived waits and talk times ------------------------------ */

static void test_iso_offsets(void **state)
{
    (void)state;
    cs_log *l = open_ok(DIR "iso_offsets.csv", NULL);
    char d[400];
    cs_log_describe_mapping(l, d, sizeof d);
    assert_string_equal(d, "arrival <- call_start, line <- queue, caller <- cli, outcome <- "
                           "result, answer <- answered_at, end <- ended_at, wait derived from the "
                           "answer/abandon times, times without offset read as UK local time");
    cs_log_rec r[MAXREC];
    size_t n = read_all(l, r, MAXREC);
    assert_int_equal(n, 5);

    assert_true(r[0].arrival == 1729989000); /* 01:30+01:00 */
    assert_int_equal(r[0].outcome, CS_LOG_ANSWERED);
    assert_true(r[0].wait == 60 && r[0].handle == 330);
    assert_true(r[0].caller == 7700900123ULL);
    assert_true(isnan(r[0].wrap));

    assert_true(r[1].arrival == 1729992600); /* 01:30+00:00, an hour after row 2 */
    assert_int_equal(r[1].outcome, CS_LOG_ABANDONED);
    assert_true(r[1].wait == 45);
    assert_true(isnan(r[1].handle));
    assert_int_equal(r[1].queued, 1);
    /* a formatted number is hashed: not 0, and not the digits read as a number */
    assert_true(r[1].caller != 0 && r[1].caller != 447700900456ULL);
    assert_string_equal(r[1].line, "999");

    assert_true(r[2].arrival == 1717250400); /* 09:00-05:00 */
    assert_true(r[2].wait == 20);
    assert_true(r[2].handle == 300); /* end without offset is BST: 14:05:20Z */
    assert_true(r[2].caller == 0);   /* withheld */

    assert_true(r[3].arrival == 1729992600); /* epoch seconds */
    assert_int_equal(r[3].outcome, CS_LOG_CUT_OFF);
    assert_true(r[3].wait == 0 && isnan(r[3].handle));
    assert_int_equal(r[3].queued, 0);

    assert_true(r[4].arrival == 1711843200); /* 05:30+0530 */
    assert_int_equal(r[4].outcome, CS_LOG_ANSWERED); /* "Connected", any case */
    assert_true(r[4].wait == 10 && r[4].handle == 600);
    assert_true(r[4].caller == 0); /* empty */
    assert_int_equal(cs_log_notes(l)->total, 0);
    cs_log_close(l);
}

/* No outcome column: answered when answered or talked, abandoned when it has an end time. */
static void test_inferred_outcome_and_default_line(void **state)
{
    (void)state;
    char path[32];
    temp_file(path, "start,answered_at,ended_at,talk\n"
                    "2024-01-01 08:00:00,2024-01-01 08:00:30,2024-01-01 08:05:30,\n"
                    "2024-01-01 08:01:00,,2024-01-01 08:01:40,\n"
                    "2024-01-01 08:02:00,,,120\n"
                    "2024-01-01 08:03:00,,,\n");
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.tz = CS_TZ_UTC;
    cs_log *l = open_ok(path, &o);
    cs_log_rec r[MAXREC];
    assert_int_equal(read_all(l, r, MAXREC), 4);
    const double t0 = 1704067200.0 + 8 * 3600.0;
    assert_true(r[0].arrival == t0);
    assert_int_equal(r[0].outcome, CS_LOG_ANSWERED);
    assert_true(r[0].wait == 30 && r[0].handle == 300); /* handle column empty: end - answer */
    assert_string_equal(r[0].line, "101");               /* default */
    assert_int_equal(r[1].outcome, CS_LOG_ABANDONED);
    assert_true(r[1].wait == 40);
    assert_int_equal(r[2].outcome, CS_LOG_ANSWERED); /* talk > 0 */
    assert_true(isnan(r[2].wait) && r[2].handle == 120);
    assert_int_equal(r[3].outcome, CS_LOG_UNKNOWN);
    assert_int_equal(r[3].queued, -1);
    char d[400];
    cs_log_describe_mapping(l, d, sizeof d);
    assert_non_null(strstr(d, "line = 101 (no line column)"));
    assert_non_null(strstr(d, "outcome inferred"));
    assert_non_null(strstr(d, "read as UTC"));
    cs_log_close(l);

    o.default_line = "999";
    l = open_ok(path, &o);
    assert_int_equal(read_all(l, r, MAXREC), 4);
    assert_string_equal(r[3].line, "999");
    cs_log_close(l);

    o.default_line = "a-line-name-that-is-longer-than-sixty-three-bytes-and-cannot-be-stored";
    EXPECT_OPEN_ERROR(path, &o, CS_EINPUT, "default line name", "longer than 63 bytes");
    unlink(path);
}

/* Semicolon separator, --outcomes taking precedence over the built-in words, callers. */
static void test_separator_outcome_map_callers(void **state)
{
    (void)state;
    char path[32];
    temp_file(path, "Time stamp;Skill;Disp;Q;Talk;ACW;ANI\n"
                    "2024-01-01T08:00:00Z;101;HANG;12;0;0;anonymous\n"
                    "2024-01-01T08:00:01Z;101;agent;1:05;3:00;0:30;123456789012345678901234\n"
                    "2024-01-01T08:00:02Z;101;Ghost;0;0;0;abc\n"
                    "2024-01-01T08:00:03Z;101;hang ;0;0;0;abc\n");
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.sep = ';';
    o.columns = " arrival = Time stamp , outcome=Disp,wait=Q,handle=Talk";
    o.outcomes = "other=hang|ghost, answered = AGENT";
    cs_log *l = open_ok(path, &o);
    cs_log_rec r[MAXREC];
    assert_int_equal(read_all(l, r, MAXREC), 4);
    assert_int_equal(r[0].outcome, CS_LOG_OTHER); /* user map wins over built-in "hang" */
    assert_true(r[0].caller == 0);
    assert_int_equal(r[1].outcome, CS_LOG_ANSWERED);
    assert_true(r[1].wait == 65 && r[1].handle == 180 && r[1].wrap == 30);
    assert_true(r[1].caller != 0); /* too many digits for 64 bits: hashed */
    assert_string_equal(r[1].line, "101");
    assert_int_equal(r[2].outcome, CS_LOG_OTHER);
    assert_true(r[2].caller == r[3].caller && r[2].caller != 0); /* same text, same id */
    assert_int_equal(r[3].outcome, CS_LOG_OTHER);
    cs_log_close(l);
    unlink(path);
}

/* ---- UK clock changes ------------------------------------------------------------------------ */

static void test_uk_clock_changes_sorted(void **state)
{
    (void)state;
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.columns = "answer=answered_at";
    cs_log *l = open_ok(DIR "uk_local_clock_changes.csv", &o);
    cs_log_rec r[MAXREC];
    size_t n = read_all(l, r, MAXREC);
    assert_int_equal(n, 9);
    /* 00:50 BST, 01:10 BST, 01:40 BST, then back to 01:05 = GMT, 01:20 GMT, 02:10 GMT;
     * March: 00:30 GMT, 01:30 does not exist (read as GMT), 02:30 BST */
    const double want[9] = {1729986600, 1729987800, 1729989600, 1729991100, 1729992000,
                            1729995000, 1743294600, 1743298200, 1743298200};
    for (size_t i = 0; i < n; i++)
        if (r[i].arrival != want[i])
            fail_msg("row %zu: arrival %.0f, expected %.0f", i + 2, r[i].arrival, want[i]);
    assert_int_equal(r[2].outcome, CS_LOG_ABANDONED);
    assert_string_equal(r[4].line, "999");
    /* answered_at 01:05:05 with an arrival in the second hour is read in the second hour too,
     * otherwise it would be an answer an hour before arrival */
    assert_int_equal(cs_log_skipped(l)->total, 0);
    const cs_log_skips *notes = cs_log_notes(l);
    assert_int_equal(
        skip_count(notes, "repeated October hour: time read as GMT (second 01:xx) by file order"),
        2);
    /* the arrival and its answered_at in the March gap */
    assert_int_equal(
        skip_count(notes, "time in the skipped March hour (clocks go forward) read as GMT"), 2);
    assert_int_equal(notes->total, 4);
    cs_log_close(l);

    /* read as UTC, nothing is ambiguous */
    o.tz = CS_TZ_UTC;
    l = open_ok(DIR "uk_local_clock_changes.csv", &o);
    n = read_all(l, r, MAXREC);
    assert_true(r[1].arrival == 1729991400 && r[3].arrival == 1729991100);
    assert_int_equal(cs_log_notes(l)->total, 0);
    cs_log_close(l);
}

static void test_uk_clock_changes_unsorted(void **state)
{
    (void)state;
    cs_log *l = open_ok(DIR "uk_local_unsorted.csv", NULL);
    cs_log_rec r[MAXREC];
    size_t n = read_all(l, r, MAXREC);
    assert_int_equal(n, 4);
    /* 02:30 GMT; then 01:10 fits neither reading after it: first (BST) reading and a note;
     * from then on the file is known to be unsorted, so 01:50 and 01:05 are BST too */
    const double want[4] = {1729996200, 1729987800, 1729990200, 1729987500};
    for (size_t i = 0; i < n; i++)
        if (r[i].arrival != want[i])
            fail_msg("row %zu: arrival %.0f, expected %.0f", i + 2, r[i].arrival, want[i]);
    const cs_log_skips *notes = cs_log_notes(l);
    assert_int_equal(notes->total, 3);
    assert_int_equal(skip_count(notes, "ambiguous time: repeated October hour in a file not in "
                                       "time order, read as BST (first 01:xx)"),
                     3);
    cs_log_close(l);
}

/* ---- bad rows, one kind at a time ------------------------------------------------------------ */

static void test_bad_field_count(void **state)
{
    (void)state;
    EXPECT_BAD_ROW("bad_field_count.csv", NULL,
                   DIR "bad_field_count.csv:row 3: 4 fields, but the header has 5 columns");
}

static void test_bad_timestamp(void **state)
{
    (void)state;
    EXPECT_BAD_ROW("bad_timestamp.csv", NULL,
                   DIR "bad_timestamp.csv:row 3: column 'arrival': expected a date and time",
                   "got '2024-13-01T08:01:00Z'", "month 13");
}

static void test_bad_date(void **state)
{
    (void)state;
    EXPECT_BAD_ROW("bad_date.csv", NULL,
                   DIR "bad_date.csv:row 3: column 'date': expected a date such as 2024-10-27",
                   "got '32/01/2024'");
}

static void test_bad_duration(void **state)
{
    (void)state;
    EXPECT_BAD_ROW("bad_duration.csv", NULL,
                   DIR "bad_duration.csv:row 3: column 'q_time': expected a duration such as 185",
                   "H:MM:SS", "got 'abc'");
}

static void test_bad_negative_duration(void **state)
{
    (void)state;
    EXPECT_BAD_ROW("bad_negative.csv", NULL,
                   DIR "bad_negative.csv:row 3: column 'handle': negative duration '-0:00:17' "
                       "(-17 s): a handle time cannot be negative",
                   "--skip-bad");
}

static void test_bad_outcome(void **state)
{
    (void)state;
    EXPECT_BAD_ROW("bad_outcome.csv", NULL,
                   DIR "bad_outcome.csv:row 3: column 'outcome': unknown outcome 'XFER'",
                   "known values (any case): answered, abandoned_queue, abandoned_ivr",
                   "map it with --outcomes KIND=XFER where KIND is answered, abandoned");
    /* and mapping it makes the row good */
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.outcomes = "deflected=xfer";
    cs_log *l = open_ok(DIR "bad_outcome.csv", &o);
    cs_log_rec r[4];
    assert_int_equal(read_all(l, r, 4), 3);
    assert_int_equal(r[1].outcome, CS_LOG_DEFLECTED);
    cs_log_close(l);
}

static void test_bad_answer_before_arrival(void **state)
{
    (void)state;
    EXPECT_BAD_ROW("bad_answer_before_arrival.csv", NULL,
                   DIR "bad_answer_before_arrival.csv:row 3: column 'answer': answer "
                       "2024-01-01T08:00:30+00:00 is 30 s before the arrival "
                       "2024-01-01T08:01:00+00:00 (column 'arrival')");
}

static void test_bad_missing_arrival(void **state)
{
    (void)state;
    EXPECT_BAD_ROW("bad_missing_arrival.csv", NULL,
                   DIR "bad_missing_arrival.csv:row 3: column 'arrival': empty: every call needs "
                       "an arrival time");
}

static void test_bad_empty_line(void **state)
{
    (void)state;
    EXPECT_BAD_ROW("bad_empty_line.csv", NULL,
                   DIR "bad_empty_line.csv:row 3: column 'line': empty: every call needs a line "
                       "name");
}

/* Every kind in one file, dropped and counted by reason. */
static void test_skip_bad_counts(void **state)
{
    (void)state;
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.columns = "answer=answered_at";
    o.skip_bad = 1;
    cs_log *l = open_ok(DIR "bad_mixed.csv", &o);
    cs_log_rec r[MAXREC];
    size_t n = read_all(l, r, MAXREC);
    assert_int_equal(n, 3);
    assert_int_equal(r[0].row, 2);
    assert_int_equal(r[1].row, 14);
    /* answer 00:00:20 after arrival 23:59:50 (GMT in January) is the next day */
    assert_true(r[1].arrival == 1704067200.0 + 86400 - 10);
    assert_string_equal(r[1].line, "999");
    assert_int_equal(r[2].row, 15);
    assert_int_equal(r[2].outcome, CS_LOG_ABANDONED);
    assert_int_equal(cs_log_rows(l), 14);
    const cs_log_skips *s = cs_log_skipped(l);
    assert_int_equal(s->total, 11);
    assert_int_equal(s->n, 11);
    const char *const reasons[11] = {
        "wrong number of fields",
        "column 'time': unparseable timestamp",
        "column 'date': unparseable date",
        "column 'wait': unparseable duration",
        "column 'wait': negative duration",
        "column 'handle': negative duration",
        "column 'outcome': unknown outcome",
        "column 'answered_at': answer before arrival",
        "column 'time': missing arrival",
        "column 'line': empty line name",
        "column 'line': line name too long",
    };
    for (size_t i = 0; i < 11; i++) {
        assert_string_equal(s->by[i].reason, reasons[i]);
        assert_int_equal(s->by[i].count, 1);
    }
    cs_log_close(l);
}

/* More than 16 distinct reasons (column x kind): the last entry collects the rest. */
static void test_skip_reason_overflow(void **state)
{
    (void)state;
    char path[32];
    char text[4096];
    strcpy(text, "date,arrival,line,outcome,wait,handle,wrap,answer,abandon,end,queue_start\n");
    const char *rows[] = {
        /* 1 */ "2024-01-01,08:00,101,answered,x,1,1,,,,\n",
        /* 2 */ "2024-01-01,08:00,101,answered,-1,1,1,,,,\n",
        /* 3 */ "2024-01-01,08:00,101,answered,1,x,1,,,,\n",
        /* 4 */ "2024-01-01,08:00,101,answered,1,-1,1,,,,\n",
        /* 5 */ "2024-01-01,08:00,101,answered,1,1,x,,,,\n",
        /* 6 */ "2024-01-01,08:00,101,answered,1,1,-1,,,,\n",
        /* 7 */ "2024-01-01,08:00,101,answered,1,1,1,x,,,\n",
        /* 8 */ "2024-01-01,08:00,101,answered,1,1,1,07:59,,,\n",
        /* 9 */ "2024-01-01,08:00,101,answered,1,1,1,,x,,\n",
        /* 10 */ "2024-01-01,08:00,101,answered,1,1,1,,07:59,,\n",
        /* 11 */ "2024-01-01,08:00,101,answered,1,1,1,,,x,\n",
        /* 12 */ "2024-01-01,08:00,101,answered,1,1,1,,,07:59,\n",
        /* 13 */ "2024-01-01,08:00,101,answered,1,1,1,,,,x\n",
        /* 14 */ "2024-01-01,x,101,answered,1,1,1,,,,\n",
        /* 15 */ "x,08:00,101,answered,1,1,1,,,,\n",
        /* 16 */ "2024-01-01,08:00,101,weird,1,1,1,,,,\n",
        /* 17 */ "2024-01-01,08:00,,answered,1,1,1,,,,\n",
        /* 18 */ "2024-01-01,08:00,101\n",
        /* 19 */ "2024-01-01,08:00,101,answered,1,1,1,08:01,,08:00:30,\n",
        /* 20: good */ "2024-01-01,08:00,101,answered,1,1,1,,,,\n",
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        strcat(text, rows[i]);
    temp_file(path, text);
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.columns = "answer=answer,abandon=abandon,end=end";
    o.skip_bad = 1;
    cs_log *l = open_ok(path, &o);
    cs_log_rec r[4];
    assert_int_equal(read_all(l, r, 4), 1);
    const cs_log_skips *s = cs_log_skipped(l);
    assert_int_equal(s->total, 19);
    assert_int_equal(s->n, 16);
    assert_string_equal(s->by[0].reason, "column 'wait': unparseable duration");
    assert_string_equal(s->by[14].reason, "column 'date': unparseable date");
    assert_string_equal(s->by[15].reason, "other reasons");
    assert_int_equal(s->by[15].count, 4); /* reasons 16..19 */
    long sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += s->by[i].count;
    assert_int_equal(sum, s->total);
    cs_log_close(l);
    unlink(path);
}

/* A broken CSV structure is not a bad row: it stops the read even with skip_bad. */
static void test_malformed_csv_not_skipped(void **state)
{
    (void)state;
    char path[32];
    temp_file(path, "arrival,line\n2024-01-01T08:00:00Z,101\n2024-01-01T08:01:00Z,\"101\n");
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.skip_bad = 1;
    cs_log *l = open_ok(path, &o);
    cs_log_rec r;
    int got;
    cs_error err;
    assert_int_equal(cs_log_next(l, &r, &got, &err), CS_OK);
    assert_int_equal(got, 1);
    assert_int_equal(cs_log_next(l, &r, &got, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "row 3"));
    assert_non_null(strstr(err.msg, "unterminated"));
    assert_int_equal(cs_log_skipped(l)->total, 0);
    cs_log_close(l);
    unlink(path);
}

/* ---- errors at open -------------------------------------------------------------------------- */

static void test_open_errors(void **state)
{
    (void)state;
    cs_log_opts o;
    cs_log_opts_init(&o);
    EXPECT_OPEN_ERROR(DIR "no_such_file.csv", &o, CS_EIO, DIR "no_such_file.csv");

    o.columns = "arival=vru_exit";
    EXPECT_OPEN_ERROR(DIR "bank_like.csv", &o, CS_EINPUT, "--columns: unknown key 'arival'",
                      "keys are: arrival,date,line,caller,outcome,answer,abandon,end,wait,"
                      "handle,wrap,queue_start");
    o.columns = "arrival=CallStart";
    EXPECT_OPEN_ERROR(DIR "bank_like.csv", &o, CS_EINPUT,
                      "--columns arrival=CallStart: " DIR "bank_like.csv has no column "
                      "'CallStart'; columns are: vru+line,call_id,customer_id,");
    o.columns = "arrival";
    EXPECT_OPEN_ERROR(DIR "bank_like.csv", &o, CS_EINPUT,
                      "--columns: expected KEY=COLUMN such as arrival=CallStart, got 'arrival'");
    o.columns = "arrival=vru_exit,arrival=vru_entry";
    EXPECT_OPEN_ERROR(DIR "bank_like.csv", &o, CS_EINPUT, "key 'arrival' is given twice");
    o.columns = "arrival=";
    EXPECT_OPEN_ERROR(DIR "callsim_calls.csv", &o, CS_EINPUT,
                      "switches off the arrival column");

    o.columns = BANK_COLUMNS;
    o.outcomes = "served=AGENT";
    EXPECT_OPEN_ERROR(DIR "bank_like.csv", &o, CS_EINPUT, "--outcomes: unknown kind 'served'",
                      "kinds are: answered, abandoned");
    o.outcomes = "answered=|";
    EXPECT_OPEN_ERROR(DIR "bank_like.csv", &o, CS_EINPUT,
                      "--outcomes: kind 'answered' has no value");
    o.outcomes = "AGENT";
    EXPECT_OPEN_ERROR(DIR "bank_like.csv", &o, CS_EINPUT,
                      "--outcomes: expected KIND=VALUE|VALUE");

    char path[32];
    temp_file(path, "");
    EXPECT_OPEN_ERROR(path, NULL, CS_EINPUT, "empty file");
    unlink(path);
}

/* A key switched off with "key=" is not looked up by its default names. */
static void test_switch_off_key(void **state)
{
    (void)state;
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.columns = "caller=,line=";
    o.default_line = "999";
    cs_log *l = open_ok(DIR "callsim_calls.csv", &o);
    cs_log_rec r[MAXREC];
    assert_int_equal(read_all(l, r, MAXREC), 8);
    assert_true(r[0].caller == 0);
    assert_string_equal(r[2].line, "999");
    cs_log_close(l);
}

/* ---- memory ---------------------------------------------------------------------------------- */

#define BIG_ROWS 1000000L

/* 10^6 rows through a file: every record comes out, in order, and the CSV record buffer stays
 * at its size after the first row (no timing assertion; it takes well under a second at -O2). */
static void test_million_rows_bounded_memory(void **state)
{
    (void)state;
    char path[32];
    strcpy(path, "/tmp/test_calllog_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    fputs("arrival,line,caller,outcome,wait,handle\n", f);
    const long base = 1704067200L;
    for (long i = 0; i < BIG_ROWS; i++) {
        long t = base + i * 3;
        long d = t / 86400, s = t % 86400;
        /* civil date of day d since 1970: all in January-February 2024 here */
        long day_of_2024 = d - 19723; /* 2024-01-01 is day 19723 */
        int month = day_of_2024 < 31 ? 1 : 2;
        long dom = day_of_2024 < 31 ? day_of_2024 + 1 : day_of_2024 - 30;
        fprintf(f, "2024-%02d-%02ldT%02ld:%02ld:%02ldZ,%s,%ld,%s,%ld,%ld\n", month, dom, s / 3600,
                s / 60 % 60, s % 60, i % 2 ? "101" : "999", i % 1000, i % 4 ? "answered" : "hang",
                i % 60, i % 4 ? 100 + i % 7 : 0);
    }
    assert_int_equal(fclose(f), 0);

    cs_log *l = open_ok(path, NULL);
    size_t cap0 = cs_log_buffer_capacity(l), capmax = cap0;
    cs_log_rec r;
    long n = 0, answered = 0;
    double handle_sum = 0;
    for (;;) {
        int got;
        cs_error err;
        if (cs_log_next(l, &r, &got, &err) != CS_OK)
            fail_msg("%s", err.msg);
        if (!got)
            break;
        if (r.arrival != (double)(base + n * 3) || r.row != n + 2)
            fail_msg("record %ld: arrival %.0f row %ld", n, r.arrival, r.row);
        if (r.outcome == CS_LOG_ANSWERED) {
            answered++;
            handle_sum += r.handle;
        }
        size_t cap = cs_log_buffer_capacity(l);
        if (cap > capmax)
            capmax = cap;
        n++;
    }
    assert_int_equal(n, BIG_ROWS);
    assert_int_equal(cs_log_rows(l), BIG_ROWS);
    assert_int_equal(answered, BIG_ROWS * 3 / 4);
    /* handle = 100 + i % 7 over the answered rows, computed the same way */
    double want = 0;
    for (long i = 0; i < BIG_ROWS; i++)
        if (i % 4)
            want += (double)(100 + i % 7);
    assert_true(handle_sum == want);
    assert_true(capmax == cap0);
    assert_true(capmax <= 1024);
    assert_int_equal(cs_log_notes(l)->total, 0);
    cs_log_close(l);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_callsim_calls),
        cmocka_unit_test(test_bank_like_needs_mapping),
        cmocka_unit_test(test_bank_like_mapping),
        cmocka_unit_test(test_bank_like_derived_waits),
        cmocka_unit_test(test_agent_column),
        cmocka_unit_test(test_iso_offsets),
        cmocka_unit_test(test_inferred_outcome_and_default_line),
        cmocka_unit_test(test_separator_outcome_map_callers),
        cmocka_unit_test(test_uk_clock_changes_sorted),
        cmocka_unit_test(test_uk_clock_changes_unsorted),
        cmocka_unit_test(test_bad_field_count),
        cmocka_unit_test(test_bad_timestamp),
        cmocka_unit_test(test_bad_date),
        cmocka_unit_test(test_bad_duration),
        cmocka_unit_test(test_bad_negative_duration),
        cmocka_unit_test(test_bad_outcome),
        cmocka_unit_test(test_bad_answer_before_arrival),
        cmocka_unit_test(test_bad_missing_arrival),
        cmocka_unit_test(test_bad_empty_line),
        cmocka_unit_test(test_skip_bad_counts),
        cmocka_unit_test(test_skip_reason_overflow),
        cmocka_unit_test(test_malformed_csv_not_skipped),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_switch_off_key),
        cmocka_unit_test(test_million_rows_bounded_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
