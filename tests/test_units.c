/* Tests for io/units: tables of good inputs with exact expected values, tables of bad inputs
 * that must fail with CS_EINPUT and a message quoting the input (plus a hint where the module
 * promises one), formatting examples, parse(format(x)) == x round trips, and boundaries.
 *
 * Every input is copied into a heap block of exactly strlen + 1 bytes before parsing, so under
 * AddressSanitizer any read past the terminating NUL is reported. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/units.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const double SENTINEL = -12345.678;

static char *dupz(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

/* ------------------------------------------------------------------ table drivers */

typedef cs_status parse_fn(const char *s, double *out, cs_error *err);

struct good { const char *in; double want; };
struct bad { const char *in; const char *hint; /* substring the message must contain */ };

static void run_good(parse_fn *fn, const struct good *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *s = dupz(t[i].in);
        double v = SENTINEL;
        cs_error err = {CS_OK, ""};
        cs_status st = fn(s, &v, &err);
        if (st != CS_OK || v != t[i].want) {
            print_error("input '%s': status %d, got %.17g, want %.17g; msg: %s\n", t[i].in,
                        (int)st, v, t[i].want, err.msg);
            free(s);
            fail();
        }
        free(s);
    }
}

/* The message must quote the input (its first 80 bytes; longer inputs are cut) or, for a
 * blank input, say it is empty; and it must name what was expected. */
static void check_msg(const char *in, const cs_error *err, const char *hint)
{
    char head[81];
    const char *t = in;
    while (*t == ' ' || *t == '\t')
        t++;
    snprintf(head, sizeof head, "%s", in);
    for (char *c = head; *c; c++) /* the module shows control bytes as '?' */
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    if (err->code != CS_EINPUT || strstr(err->msg, "expected ") == NULL ||
        (*t == '\0' ? strstr(err->msg, "empty") == NULL : strstr(err->msg, head) == NULL) ||
        (hint && strstr(err->msg, hint) == NULL)) {
        print_error("input '%s': code %d, message lacks the input or hint '%s': %s\n", in,
                    (int)err->code, hint ? hint : "", err->msg);
        fail();
    }
}

static void run_bad(parse_fn *fn, const struct bad *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *s = dupz(t[i].in);
        double v = SENTINEL;
        cs_error err = {CS_OK, ""};
        cs_status st = fn(s, &v, &err);
        if (st != CS_EINPUT || v != SENTINEL) {
            print_error("input '%s' should fail: status %d, value %.17g\n", t[i].in, (int)st, v);
            free(s);
            fail();
        }
        check_msg(t[i].in, &err, t[i].hint);
        free(s);
    }
}

/* ------------------------------------------------------------------ durations */

static void test_duration_good(void **state)
{
    (void)state;
    static const struct good t[] = {
        {"45s", 45}, {"3m", 180}, {"3min", 180}, {"1h30m", 5400}, {"1h 30m", 5400},
        {"6d", 518400}, {"1.5h", 5400}, {"90s", 90}, {"2w", 1209600}, {"250ms", 0.25},
        {"0", 0}, {"1d12h", 129600}, {"45 s", 45}, {"  45s\t", 45}, {"3 MIN", 180},
        {"1H30M", 5400}, {"1 h 30 m", 5400}, {"1s250ms", 1.25}, {"2 days", 172800},
        {"1day", 86400}, {"1 week", 604800}, {"3weeks", 1814400}, {"2hr", 7200},
        {"3 minutes", 180}, {"10sec", 10}, {"0.0", 0}, {"0s", 0}, {"00", 0}, {".5m", 30},
        {"1w2d3h4m5s6ms", 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5.006},
        {"0.1h", 360},   /* exact: 1 * 3600 / 10 in one division */
        {"0.001s", 0.001}, {"12.5s", 12.5}, {"95.1s", 95.1},
        {"007s", 7}, {"1.000000000000000000000000001s", 1.0}, /* digits beyond 19 dropped */
    };
    run_good(cs_units_parse_duration, t, N_OF(t));
}

static void test_duration_bad(void **state)
{
    (void)state;
    static const struct bad t[] = {
        {"", "empty"},
        {"   ", "empty"},
        {"45", "write 45s, 45m or 45h"},
        {"1.5", "write 1.5s, 1.5m or 1.5h"},
        {"-5s", "negative"},
        {"1h30", "write 1h30m"},
        {"1h 30", "write 1h 30m"},
        {"2d12", "write 2d12h"},
        {"1s500", "write 1s500ms"},
        {"3x", "unknown unit 'x'"},
        {"3 months", "months have no fixed length"},
        {"3mo", "months"},
        {"1y", "years"},
        {"1:30", "times of day"},
        {"1:30:00", "times of day"},
        {"1,5h", "dot"},
        {"30m1h", "largest to smallest"},
        {"1m30m", "largest to smallest"},
        {"1s1ms1s", "largest to smallest"},
        {"1.5h30m", "only the last part"},
        {"s", "starts with a number"},
        {"h1", NULL},
        {"nan", NULL},
        {"inf", NULL},
        {"infinity", NULL},
        {"1e3s", "unknown unit"},
        {"45s garbage", "unexpected text 'garbage'"},
        {"45s,", NULL},
        {"45s.", NULL},
        {"5.s", "decimal point"},
        {"5..5s", NULL},
        {"+5s", NULL},
        {"--5s", "negative"},
        {"1h -30m", "negative"},
        {"5 s s", NULL},
        {"0 1h", NULL},
        {"1hour30minutes10x", "unknown unit 'x'"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL},
        {"3\x01s", NULL},
    };
    run_bad(cs_units_parse_duration, t, N_OF(t));
}

static void test_duration_overflow(void **state)
{
    (void)state;
    /* 400 nines: beyond DBL_MAX, must be refused rather than returned as inf. */
    char big[410];
    memset(big, '9', 400);
    big[400] = 's';
    big[401] = '\0';
    double v = SENTINEL;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_units_parse_duration(big, &v, &err), CS_EINPUT);
    assert_true(v == SENTINEL);
    assert_non_null(strstr(err.msg, "too large"));
    assert_non_null(strstr(err.msg, "999999999...")); /* quoted, but cut */

    /* Large but finite: accepted, and accurate (fallback path, beyond 53 bits). */
    assert_int_equal(cs_units_parse_duration("123456789012345678901234567890w", &v, &err),
                     CS_OK);
    assert_true(fabs(v / (1.2345678901234567890e29 * 604800) - 1) < 1e-15);
}

/* ------------------------------------------------------------------ rates */

static void test_rate_good(void **state)
{
    (void)state;
    static const struct good t[] = {
        {"2/s", 2.0},
        {"120/h", 120.0 / 3600.0},   /* both sides are one correctly rounded division */
        {"120/hour", 120.0 / 3600.0},
        {"120/hr", 120.0 / 3600.0},
        {"120 / h", 120.0 / 3600.0},
        {"2200/day", 2200.0 / 86400.0},
        {"2200/d", 2200.0 / 86400.0},
        {"2200/DAY", 2200.0 / 86400.0},
        {"15000/week", 15000.0 / 604800.0},
        {"15000/w", 15000.0 / 604800.0},
        {"30/min", 0.5},
        {"30/m", 0.5},
        {"5 per hour", 5.0 / 3600.0},
        {"5 PER h", 5.0 / 3600.0},
        {"1.5/min", 1.5 / 60.0},
        {"0.5/s", 0.5},
        {"1/ms", 1000.0},
        {"0/h", 0.0},
        {"0", 0.0},            /* zero needs no unit */
        {" 120/h ", 120.0 / 3600.0},
    };
    run_good(cs_units_parse_rate, t, N_OF(t));
}

static void test_rate_bad(void **state)
{
    (void)state;
    static const struct bad t[] = {
        {"120", "120/h"},
        {"2.5", "2.5/h"},
        {"-2/s", "negative"},
        {"120h", "write 120/h"},
        {"120 hour", "write 120/hour"},
        {"120/", "time unit must follow"},
        {"/h", "starts with a number"},
        {"120/x", "unknown time unit 'x'"},
        {"120/month", "months"},
        {"120 per", "time unit must follow"},
        {"2/s/s", "unexpected text '/s'"},
        {"120//h", NULL},
        {"nan/s", NULL},
        {"inf/h", NULL},
        {"120/h extra", "unexpected text 'extra'"},
        {"120 calls/h", "unexpected 'calls'"},
        {"1,5/h", "dot"},
        {"", "empty"},
        {"per hour", NULL},
    };
    run_bad(cs_units_parse_rate, t, N_OF(t));
}

/* ------------------------------------------------------------------ shares, multipliers */

static void test_share_good(void **state)
{
    (void)state;
    static const struct good t[] = {
        {"90%", 0.9},   /* equal to the literal 0.9: 90/100 rounded once */
        {"0.9", 0.9},
        {"12.5%", 0.125},
        {"1", 1.0},
        {"0", 0.0},
        {"100%", 1.0},
        {"0%", 0.0},
        {" 50 % ", 0.5},
        {"0.125", 0.125},
        {"33.3%", 0.333},
        {"1.0", 1.0},
        {"100.0%", 1.0},
        {".25", 0.25},
    };
    run_good(cs_units_parse_share, t, N_OF(t));
}

static void test_share_bad(void **state)
{
    (void)state;
    static const struct bad t[] = {
        {"120%", "between 0 and 1"},
        {"1.5", "write 1.5% or 0.015"},
        {"-3%", "between 0 and 1"},
        {"100.1%", "above the range"},
        {"90", "write 90% or 0.9"},
        {"12.5", "write 12.5% or 0.125"},
        {"101", "above the range"},
        {"1.0000001", "write 1.0000001% or 0.010000001"},
        {"", "empty"},
        {"%", NULL},
        {"90%%", NULL},
        {"0.9x", NULL},
        {"90 percent", "unexpected text 'percent'"},
        {"abc", NULL},
        {"0,9", "dot"},
        {"nan", NULL},
    };
    run_bad(cs_units_parse_share, t, N_OF(t));
}

static void test_multiplier_good(void **state)
{
    (void)state;
    static const struct good t[] = {
        {"1.3", 1.3}, {"x1.3", 1.3}, {"X1.3", 1.3}, {"1.3x", 1.3}, {"1.3 X", 1.3},
        {"x 1.3", 1.3}, {"130%", 1.3}, {"130 %", 1.3}, {"0.7", 0.7}, {"70%", 0.7},
        {"2", 2.0}, {"1", 1.0}, {"100%", 1.0}, {" x2 ", 2.0}, {"0.001", 0.001},
    };
    run_good(cs_units_parse_multiplier, t, N_OF(t));
}

static void test_multiplier_bad(void **state)
{
    (void)state;
    static const struct bad t[] = {
        {"0", "greater than 0"},
        {"0%", "greater than 0"},
        {"x0", "greater than 0"},
        {"-1.3", "negative"},
        {"x-1", "negative"},
        {"x", NULL},
        {"x1.3x", "one side only"},
        {"x130%", "not both"},
        {"1.3%x", NULL},
        {"abc", NULL},
        {"", "empty"},
        {"1.3y", "unexpected text 'y'"},
        {"1,3", "dot"},
        {"inf", NULL},
    };
    run_bad(cs_units_parse_multiplier, t, N_OF(t));
}

/* ------------------------------------------------------------------ times, days, instants */

static void test_time_of_day_good(void **state)
{
    (void)state;
    static const struct good t[] = {
        {"07:00", 25200}, {"7:00", 25200}, {"23:45", 85500}, {"24:00", 86400},
        {"07:30:15", 27015}, {"00:00", 0}, {"0:00", 0}, {"24:00:00", 86400},
        {"12:00:30.5", 43230.5}, {" 07:00 ", 25200}, {"23:59:59", 86399},
        {"23:59:59.999", 86399.999}, {"00:00:00.001", 0.001},
    };
    run_good(cs_units_parse_time_of_day, t, N_OF(t));
}

static void test_time_of_day_bad(void **state)
{
    (void)state;
    static const struct bad t[] = {
        {"25:00", "hour 25 is out of range"},
        {"7.30", "write 07:30"},
        {"7h30", "write 07:30"},
        {"24:01", "24:00"},
        {"24:00:01", "24:00"},
        {"24:00:00.5", "24:00"},
        {"7:60", "minute 60"},
        {"07:00:60", "second 60"},
        {"7:5", "two digits"},
        {"7:055", "two digits"},
        {"7", "write 07:00"},
        {"0700", "more than two digits"},
        {"007:00", "more than two digits"},
        {"", "empty"},
        {"7:00pm", "24-hour clock"},
        {"7pm", "24-hour clock"},
        {"-1:00", "negative"},
        {"07:00:", "two digits"},
        {"07:", "two digits"},
        {":30", "starts with the hour"},
        {"07:00:5", "two digits"},
        {"07:00:05.", "decimal point"},
        {"07:00 x", "unexpected text 'x'"},
        {"07:30.5", NULL},
        {"noon", NULL},
    };
    run_bad(cs_units_parse_time_of_day, t, N_OF(t));
}

static void test_weekday(void **state)
{
    (void)state;
    static const struct { const char *in; int want; } good[] = {
        {"Mon", 0}, {"monday", 0}, {"MONDAY", 0}, {"Tue", 1}, {"tuesday", 1},
        {"Wed", 2}, {"Wednesday", 2}, {"thu", 3}, {"Thursday", 3}, {"Fri", 4},
        {"friday", 4}, {"Sat", 5}, {"Saturday", 5}, {"sun", 6}, {"SUNDAY", 6}, {" fri ", 4},
    };
    static const char *const bad[] = {
        "Fry", "", "Tues", "Mo", "Monday1", "7", "mon day", "Mondays", "-", "Friday 18:00",
    };
    for (size_t i = 0; i < N_OF(good); i++) {
        char *s = dupz(good[i].in);
        int d = -1;
        cs_error err = {CS_OK, ""};
        assert_int_equal(cs_units_parse_weekday(s, &d, &err), CS_OK);
        assert_int_equal(d, good[i].want);
        free(s);
    }
    for (size_t i = 0; i < N_OF(bad); i++) {
        char *s = dupz(bad[i]);
        int d = 99;
        cs_error err = {CS_OK, ""};
        assert_int_equal(cs_units_parse_weekday(s, &d, &err), CS_EINPUT);
        assert_int_equal(d, 99);
        check_msg(bad[i], &err, NULL);
        free(s);
    }
    /* Name and parse are inverse; out-of-range indices show up as ??? rather than crash. */
    for (int i = 0; i < 7; i++) {
        int d = -1;
        assert_int_equal(cs_units_parse_weekday(cs_units_weekday_name(i), &d, NULL), CS_OK);
        assert_int_equal(d, i);
    }
    assert_string_equal(cs_units_weekday_name(0), "Mon");
    assert_string_equal(cs_units_weekday_name(4), "Fri");
    assert_string_equal(cs_units_weekday_name(6), "Sun");
    assert_string_equal(cs_units_weekday_name(7), "???");
    assert_string_equal(cs_units_weekday_name(-1), "???");
}

static void test_instant_good(void **state)
{
    (void)state;
    const double fri18 = 4 * 86400 + 18 * 3600;
    const struct good t[] = {
        {"Fri 18:00", fri18},
        {"day 5 18:00", fri18},
        {"4d18h", fri18},
        {"friday 18:00", fri18},
        {"FRI 18:00", fri18},
        {"Fri18:00", fri18},
        {"  Fri   18:00  ", fri18},
        {"Day 5 18:00", fri18},
        {"week 1 Fri 18:00", fri18},
        {"week 2 Fri 18:00", 604800 + fri18},
        {"Week 3 mon 00:00", 2 * 604800},
        {"day 12 18:00", 11 * 86400 + 18 * 3600},
        {"Mon 00:00", 0},
        {"day 1 00:00", 0},
        {"0", 0},
        {"mon 7:30", 7 * 3600 + 1800},
        {"Sun 24:00", 7 * 86400},
        {"day 10 06:00:30", 9 * 86400 + 6 * 3600 + 30},
        {"Mon 00:00:12.5", 12.5},
        {"1w", 604800},
        {"90m", 5400},
    };
    run_good(cs_units_parse_instant, t, N_OF(t));
}

static void test_instant_bad(void **state)
{
    (void)state;
    static const struct bad t[] = {
        {"Fri", "time of day is missing"},
        {"Fri 25:00", "hour 25"},
        {"Fri 7.30", "write 07:30"},
        {"day 0 10:00", "counted from 1"},
        {"day 18:00", NULL},
        {"day", "counted from 1"},
        {"day 5", "time of day is missing"},
        {"day 518:00", "space"},
        {"Fry 18:00", "'Fry' is not a weekday"},
        {"18:00", "write 'Mon 18:00' or 'day 1 18:00'"},
        {"-1h", "negative"},
        {"week 0 Mon 00:00", "counted from 1"},
        {"week 2", "weekday"},
        {"week 2 18:00", "weekday"},
        {"week Fri 18:00", "counted from 1"},
        {"Fri 18:00 extra", "unexpected text 'extra'"},
        {"Fri 18:00 pm", "24-hour clock"},
        {"", "empty"},
        {"day x 10:00", NULL},
        {"4d18", "write 4d18h"},
        {"4x", "unknown unit"},
        {"week 99999999999 Mon 00:00", "too large"},
        {"@Fri 18:00", NULL},
    };
    run_bad(cs_units_parse_instant, t, N_OF(t));
}

/* ------------------------------------------------------------------ counts */

static void test_count(void **state)
{
    (void)state;
    static const struct { const char *in; long min, max, want; } good[] = {
        {"380", 0, 1000, 380}, {"0", 0, 10, 0}, {"10", 0, 10, 10}, {"5", 5, 10, 5},
        {" 42 ", 0, 100, 42}, {"007", 0, 10, 7}, {"9223372036854775807", 0, LONG_MAX, LONG_MAX},
        {"1", 1, 1, 1},
    };
    static const struct { const char *in; long min, max; const char *hint; } bad[] = {
        {"11", 0, 10, "above the maximum 10"},
        {"4", 5, 10, "below the minimum 5"},
        {"0", 1, 1, "below the minimum 1"},
        {"-1", 0, 10, "negative"},
        {"3.5", 0, 10, "whole number"},
        {"1,000", 0, 5000, "without separators"},
        {"1_000", 0, 5000, "without separators"},
        {"", 0, 10, "empty"},
        {"12a", 0, 100, "no unit"},
        {"5 staff", 0, 100, "unexpected text 'staff'"},
        {"+5", 0, 10, "digits only"},
        {"nan", 0, 10, NULL},
        {"9223372036854775808", 0, LONG_MAX, "above the maximum"},
        {"99999999999999999999999", 0, LONG_MAX, "above the maximum"},
        {"1e3", 0, 5000, NULL},
    };
    for (size_t i = 0; i < N_OF(good); i++) {
        char *s = dupz(good[i].in);
        long v = -7;
        cs_error err = {CS_OK, ""};
        if (cs_units_parse_count(s, good[i].min, good[i].max, &v, &err) != CS_OK ||
            v != good[i].want) {
            print_error("count '%s': %ld: %s\n", good[i].in, v, err.msg);
            fail();
        }
        free(s);
    }
    for (size_t i = 0; i < N_OF(bad); i++) {
        char *s = dupz(bad[i].in);
        long v = -7;
        cs_error err = {CS_OK, ""};
        assert_int_equal(cs_units_parse_count(s, bad[i].min, bad[i].max, &v, &err),
                         CS_EINPUT);
        assert_int_equal(v, -7);
        check_msg(bad[i].in, &err, bad[i].hint);
        free(s);
    }
    /* The range itself is in the message. */
    {
        cs_error err = {CS_OK, ""};
        long v;
        assert_int_equal(cs_units_parse_count("600", 1, 500, &v, &err), CS_EINPUT);
        assert_non_null(strstr(err.msg, "from 1 to 500"));
    }
}

/* ------------------------------------------------------------------ formatting */

static void test_format_examples(void **state)
{
    (void)state;
    static const struct { double x; const char *dur; } d[] = {
        {0, "0s"}, {95, "1m35s"}, {5400, "1h30m"}, {12.5, "12.5s"}, {90061, "1d1h1m1s"},
        {0.25, "0.25s"}, {-90, "-1m30s"}, {1209600, "14d"}, {3600.5, "1h0.5s"},
        {0.0004, "0s"}, {-0.0, "0s"}, {59.9996, "1m"}, {86399.999, "23h59m59.999s"},
        {1e15, "1000000000000000s"}, {NAN, "nan"}, {INFINITY, "inf"}, {-INFINITY, "-inf"},
    };
    static const struct { double x; const char *ins; } w[] = {
        {4 * 86400 + 18 * 3600, "Fri 18:00"},
        {604800 + 4 * 86400 + 18 * 3600, "week 2 Fri 18:00"},
        {0, "Mon 00:00"}, {86399, "Mon 23:59:59"}, {12.5, "Mon 00:00:12.5"},
        {6 * 86400 + 23 * 3600 + 59 * 60, "Sun 23:59"}, {604800, "week 2 Mon 00:00"},
        {86399.9996, "Tue 00:00"}, {-3600, "-1h"},
    };
    char buf[64];
    for (size_t i = 0; i < N_OF(d); i++) {
        int len = cs_units_format_duration(d[i].x, buf, sizeof buf);
        assert_string_equal(buf, d[i].dur);
        assert_int_equal(len, (int)strlen(d[i].dur));
    }
    for (size_t i = 0; i < N_OF(w); i++) {
        int len = cs_units_format_instant(w[i].x, buf, sizeof buf);
        assert_string_equal(buf, w[i].ins);
        assert_int_equal(len, (int)strlen(w[i].ins));
    }
}

static void test_format_truncation(void **state)
{
    (void)state;
    char small[5];
    memset(small, 'z', sizeof small);
    /* Like snprintf: full length returned, output cut and terminated. */
    assert_int_equal(cs_units_format_duration(90061, small, sizeof small), 8);
    assert_string_equal(small, "1d1h");
    assert_int_equal(cs_units_format_duration(90061, NULL, 0), 8);
    assert_int_equal(cs_units_format_instant(604800 + 4 * 86400 + 18 * 3600, small,
                                             sizeof small), 16);
    assert_string_equal(small, "week");
    char one[1] = {'z'};
    assert_int_equal(cs_units_format_instant(0, one, 1), 9);
    assert_int_equal(one[0], '\0');
    /* The largest double still fits the internal buffer. */
    char big[400];
    int len = cs_units_format_duration(1.7976931348623157e308, big, sizeof big);
    assert_int_equal(len, 310);
    assert_int_equal((int)strlen(big), 310);
}

/* Deterministic 64-bit LCG (Knuth MMIX constants) for the round-trip sample. */
static uint64_t lcg(uint64_t *s)
{
    *s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *s >> 11;
}

static void roundtrip(double x, int instant)
{
    char buf[128];
    double back = SENTINEL;
    cs_error err = {CS_OK, ""};
    cs_status st;
    if (instant) {
        cs_units_format_instant(x, buf, sizeof buf);
        st = cs_units_parse_instant(buf, &back, &err);
    } else {
        cs_units_format_duration(x, buf, sizeof buf);
        st = cs_units_parse_duration(buf, &back, &err);
    }
    if (st != CS_OK || back != x) {
        print_error("%s round trip of %.17g via '%s' gave %.17g (%s)\n",
                    instant ? "instant" : "duration", x, buf, back, err.msg);
        fail();
    }
}

static void test_roundtrip(void **state)
{
    (void)state;
    static const double fixed[] = {
        0, 1, 12.5, 45, 95, 95.1, 0.001, 0.25, 5400, 86399, 86399.999, 90061, 129600,
        604800, 4 * 86400 + 18 * 3600, 604800 + 4 * 86400 + 18 * 3600, 1209600.123,
        31536000, 1e9 + 0.123, 1e12, 8e12 + 0.001,
    };
    for (size_t i = 0; i < N_OF(fixed); i++) {
        roundtrip(fixed[i], 0);
        roundtrip(fixed[i], 1);
    }
    /* Whole milliseconds k/1000 for k spread over [0, 1e13): k/1000.0 is the double nearest
     * the decimal, which is exactly the class the header promises to round-trip. */
    uint64_t seed = 20240601;
    for (int i = 0; i < 20000; i++) {
        uint64_t k = lcg(&seed) % UINT64_C(10000000000000);
        if (i % 4 == 1)
            k %= 100000000; /* also plenty of short values */
        double x = (double)k / 1000.0;
        roundtrip(x, 0);
        roundtrip(x, 1);
    }
    /* Huge values go through whole seconds and still come back. */
    roundtrip(4e15, 0);
    char buf[400];
    double back = 0;
    cs_units_format_duration(1e300, buf, sizeof buf);
    assert_int_equal(cs_units_parse_duration(buf, &back, NULL), CS_OK);
    assert_true(fabs(back / 1e300 - 1) < 1e-15);
}

/* ------------------------------------------------------------------ boundaries, misc */

static void test_boundaries(void **state)
{
    (void)state;
    double v;
    long c;
    assert_int_equal(cs_units_parse_time_of_day("24:00", &v, NULL), CS_OK);
    assert_true(v == 86400);
    assert_int_equal(cs_units_parse_time_of_day("24:01", &v, NULL), CS_EINPUT);
    assert_int_equal(cs_units_parse_time_of_day("23:59:59", &v, NULL), CS_OK);
    assert_int_equal(cs_units_parse_share("100%", &v, NULL), CS_OK);
    assert_true(v == 1.0);
    assert_int_equal(cs_units_parse_share("100.1%", &v, NULL), CS_EINPUT);
    assert_int_equal(cs_units_parse_share("1", &v, NULL), CS_OK);
    assert_int_equal(cs_units_parse_share("1.001", &v, NULL), CS_EINPUT);
    assert_int_equal(cs_units_parse_share("0%", &v, NULL), CS_OK);
    assert_true(v == 0.0);
    assert_int_equal(cs_units_parse_count("500", 1, 500, &c, NULL), CS_OK);
    assert_int_equal(c, 500);
    assert_int_equal(cs_units_parse_count("501", 1, 500, &c, NULL), CS_EINPUT);
    assert_int_equal(cs_units_parse_count("1", 1, 500, &c, NULL), CS_OK);
    assert_int_equal(c, 1);
    assert_int_equal(cs_units_parse_count("0", 1, 500, &c, NULL), CS_EINPUT);
    /* Exactness the module promises. */
    assert_int_equal(cs_units_parse_duration("0.1h", &v, NULL), CS_OK);
    assert_true(v == 360.0);
    double a, b;
    assert_int_equal(cs_units_parse_share("90%", &a, NULL), CS_OK);
    assert_int_equal(cs_units_parse_share("0.9", &b, NULL), CS_OK);
    assert_true(a == b);
    assert_int_equal(cs_units_parse_multiplier("130%", &a, NULL), CS_OK);
    assert_int_equal(cs_units_parse_multiplier("1.3", &b, NULL), CS_OK);
    assert_true(a == b);
}

static void test_message_shape(void **state)
{
    (void)state;
    cs_error err = {CS_OK, ""};
    double v;
    assert_int_equal(cs_units_parse_duration("45", &v, &err), CS_EINPUT);
    assert_int_equal(err.code, CS_EINPUT);
    assert_string_equal(err.msg,
                        "expected a duration such as 45s, 3m, 1h30m or 2d (units ms, s, m "
                        "or min, h, d, w), got '45': the number has no unit: write 45s, "
                        "45m or 45h");
    /* No file or line: the caller adds them. */
    assert_null(strstr(err.msg, ".yaml"));
    assert_null(strstr(err.msg, "units.c"));
    /* Control characters are not echoed raw. */
    assert_int_equal(cs_units_parse_duration("4\n5", &v, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "'4?5'"));
}

/* Parsing must not follow the C locale's decimal point.  Runs only where a locale with a
 * decimal comma is installed; skipped otherwise. */
static void test_locale_independent(void **state)
{
    (void)state;
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                        "fr_FR.utf8", "de_DE", "fr_FR"};
    const char *got = NULL;
    for (size_t i = 0; i < N_OF(names) && !got; i++)
        got = setlocale(LC_ALL, names[i]);
    if (!got) {
        skip();
        return;
    }
    double v = 0;
    char buf[32];
    int ok = cs_units_parse_duration("1.5h", &v, NULL) == CS_OK && v == 5400 &&
             cs_units_parse_share("12.5%", &v, NULL) == CS_OK && v == 0.125 &&
             cs_units_parse_duration("1,5h", &v, NULL) == CS_EINPUT;
    cs_units_format_duration(12.5, buf, sizeof buf);
    setlocale(LC_ALL, "C");
    assert_true(ok);
    assert_string_equal(buf, "12.5s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_good),     cmocka_unit_test(test_duration_bad),
        cmocka_unit_test(test_duration_overflow), cmocka_unit_test(test_rate_good),
        cmocka_unit_test(test_rate_bad),          cmocka_unit_test(test_share_good),
        cmocka_unit_test(test_share_bad),         cmocka_unit_test(test_multiplier_good),
        cmocka_unit_test(test_multiplier_bad),    cmocka_unit_test(test_time_of_day_good),
        cmocka_unit_test(test_time_of_day_bad),   cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_instant_good),      cmocka_unit_test(test_instant_bad),
        cmocka_unit_test(test_count),             cmocka_unit_test(test_format_examples),
        cmocka_unit_test(test_format_truncation), cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_boundaries),        cmocka_unit_test(test_message_shape),
        cmocka_unit_test(test_locale_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
