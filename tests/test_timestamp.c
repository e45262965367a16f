/* Tests for io/timestamp: known epoch values for every accepted form (checked by hand with
 * `date -u -d ... +%s` and `TZ=Europe/London date -d ...`), the UK clock changes of 2023 and
 * 2024, civil round trips over every hour of 2023-2025, the calendar arithmetic against an
 * independent day-by-day walk, and one error per kind of bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/timestamp.h"

/* ---- helpers --------------------------------------------------------------------------------- */

static double parse_ok(const char *s, cs_tz tz, cs_ts_fold fold, int *flags)
{
    cs_error err = {CS_OK, ""};
    double t = -12345.0;
    int fl = -1;
    cs_status st = cs_ts_parse(s, tz, fold, &t, &fl, &err);
    if (st != CS_OK)
        print_error("cs_ts_parse('%s') failed: %s\n", s, err.msg);
    assert_int_equal(st, CS_OK);
    if (flags)
        *flags = fl;
    return t;
}

/* The parser must refuse s, leave the output alone and quote the text in the message. */
static void parse_bad(const char *s, const char *expect_in_msg)
{
    cs_error err = {CS_OK, ""};
    double t = -12345.0;
    cs_status st = cs_ts_parse(s, CS_TZ_UK, CS_TS_FOLD_FIRST, &t, NULL, &err);
    if (st != CS_EINPUT)
        print_error("cs_ts_parse('%s') was accepted as %.3f\n", s, t);
    assert_int_equal(st, CS_EINPUT);
    assert_int_equal(err.code, CS_EINPUT);
    assert_true(t == -12345.0);
    char quoted[128];
    snprintf(quoted, sizeof quoted, "got '%s'", s);
    if (!strstr(err.msg, quoted) || !strstr(err.msg, "expected a date and time such as") ||
        (expect_in_msg && !strstr(err.msg, expect_in_msg)))
        print_error("message for '%s' lacks %s: %s\n", s, expect_in_msg ? expect_in_msg : "",
                    err.msg);
    assert_non_null(strstr(err.msg, quoted));
    assert_non_null(strstr(err.msg, "expected a date and time such as"));
    if (expect_in_msg)
        assert_non_null(strstr(err.msg, expect_in_msg));
}

/* ---- calendar -------------------------------------------------------------------------------- */

static void test_days_from_civil_known(void **state)
{
    (void)state;
    assert_int_equal(cs_ts_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(cs_ts_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(cs_ts_days_from_civil(1999, 8, 1), 10804);
    assert_int_equal(cs_ts_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(cs_ts_days_from_civil(2000, 2, 29), 11016);
    /* date -u -d 1600-02-29 +%s = -11670998400; 2100-03-01 = 4107542400 */
    assert_int_equal(cs_ts_days_from_civil(1600, 2, 29), -135081);
    assert_int_equal(cs_ts_days_from_civil(2100, 3, 1), 47541);
    int y, m, d;
    cs_ts_civil_from_days(10804, &y, &m, &d);
    assert_int_equal(y, 1999);
    assert_int_equal(m, 8);
    assert_int_equal(d, 1);
}

/* Walks day by day from 1600-01-01 to 2400-12-31 with an independent month-length table and
 * checks both directions for every day. */
static void test_days_from_civil_walk(void **state)
{
    (void)state;
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long expect = cs_ts_days_from_civil(1600, 1, 1);
    assert_int_equal(expect, -135140); /* 1600-01-01: 59 days before 1600-02-29 + 1 */
    for (int y = 1600; y <= 2400; y++) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int n = dim[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= n; d++, expect++) {
                if (cs_ts_days_from_civil(y, m, d) != expect)
                    fail_msg("days_from_civil(%d-%02d-%02d)", y, m, d);
                int yy, mm, dd;
                cs_ts_civil_from_days(expect, &yy, &mm, &dd);
                if (yy != y || mm != m || dd != d)
                    fail_msg("civil_from_days(%ld) = %d-%02d-%02d", expect, yy, mm, dd);
            }
        }
    }
}

static void test_weekday(void **state)
{
    (void)state;
    int wd, off, y, m, d, hh, mi;
    double ss;
    cs_ts_to_civil(10804.0 * 86400.0, CS_TZ_UTC, &y, &m, &d, &hh, &mi, &ss, &wd, &off);
    assert_int_equal(wd, 6); /* 1999-08-01 was a Sunday (Monday = 0) */
    assert_int_equal(y, 1999);
    assert_int_equal(m, 8);
    assert_int_equal(d, 1);
    cs_ts_to_civil(0.0, CS_TZ_UTC, NULL, NULL, NULL, NULL, NULL, NULL, &wd, NULL);
    assert_int_equal(wd, 3); /* 1970-01-01 Thursday */
    cs_ts_to_civil(-1.0, CS_TZ_UTC, &y, &m, &d, &hh, &mi, &ss, &wd, NULL);
    assert_int_equal(wd, 2); /* 1969-12-31 Wednesday */
    assert_int_equal(y, 1969);
    assert_int_equal(hh, 23);
    assert_int_equal(mi, 59);
    assert_true(ss == 59.0);
    cs_ts_to_civil(1729992600.0, CS_TZ_UK, NULL, NULL, NULL, NULL, NULL, NULL, &wd, NULL);
    assert_int_equal(wd, 6); /* 2024-10-27 Sunday */
    /* a fraction survives, negative epochs floor correctly */
    cs_ts_to_civil(-0.25, CS_TZ_UTC, &y, &m, &d, &hh, &mi, &ss, NULL, NULL);
    assert_int_equal(d, 31);
    assert_int_equal(hh, 23);
    assert_true(fabs(ss - 59.75) < 1e-12);
}

/* ---- accepted forms -------------------------------------------------------------------------- */

struct known {
    const char *text;
    cs_tz tz;
    double epoch;
};

static void test_parse_known_values(void **state)
{
    (void)state;
    static const struct known k[] = {
        /* date -u -d 2024-10-27T01:30:00Z +%s */
        {"2024-10-27T01:30:00Z", CS_TZ_UK, 1729992600.0},
        {"2024-10-27T01:30:00z", CS_TZ_UK, 1729992600.0},
        {"2024-10-27T01:30:00+01:00", CS_TZ_UTC, 1729989000.0},
        {"2024-10-27T01:30:00+0100", CS_TZ_UTC, 1729989000.0},
        {"2024-10-27T01:30:00+01", CS_TZ_UTC, 1729989000.0},
        {"2024-10-27 01:30:00 +01:00", CS_TZ_UTC, 1729989000.0},
        {"2024-10-27T01:30:00-05:30", CS_TZ_UK, 1730012400.0},
        {"2024-10-27T01:30:00+00:00", CS_TZ_UK, 1729992600.0},
        /* no offset: UTC reading vs UK reading (TZ=Europe/London date -d '2024-07-01 12:00') */
        {"2024-07-01T12:00:00", CS_TZ_UTC, 1719835200.0},
        {"2024-07-01T12:00:00", CS_TZ_UK, 1719831600.0},
        {"2024-07-01 12:00:00", CS_TZ_UK, 1719831600.0},
        {"2024-07-01 12:00", CS_TZ_UK, 1719831600.0},
        {"2024-07-01  12:00", CS_TZ_UK, 1719831600.0},
        {"2024-01-15 09:30", CS_TZ_UK, 1705311000.0}, /* winter: GMT = UTC */
        {"2024-06-15T09:30:00.25Z", CS_TZ_UK, 1718443800.25},
        {"2024-06-15T09:30:00,25Z", CS_TZ_UK, 1718443800.25},
        {"2024-06-15 09:30:00.5", CS_TZ_UTC, 1718443800.5},
        {"15/06/2024 09:30:00", CS_TZ_UTC, 1718443800.0},
        {"15/06/2024 10:30", CS_TZ_UK, 1718443800.0},
        /* the Anonymous Bank's first call, 1999-08-01 0:10:10 (one-digit hour) */
        {"1999-08-01 0:10:10", CS_TZ_UTC, 933466210.0},
        {"1/8/1999 0:10:10", CS_TZ_UTC, 933466210.0},
        {"2000-03-01T00:00:00Z", CS_TZ_UTC, 951868800.0},
        {"2024-02-29T12:00:00Z", CS_TZ_UTC, 1709208000.0},
        {"1969-12-31T23:59:59Z", CS_TZ_UTC, -1.0},
        {"2038-01-19T03:14:08Z", CS_TZ_UTC, 2147483648.0},
        {"  2024-10-27T01:30:00Z\t", CS_TZ_UK, 1729992600.0},
        /* epoch seconds */
        {"1729992600", CS_TZ_UK, 1729992600.0},
        {"1729992600.5", CS_TZ_UK, 1729992600.5},
        {"123456789", CS_TZ_UK, 123456789.0},
        {"10000000000", CS_TZ_UK, 10000000000.0},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        int fl = -1;
        double t = parse_ok(k[i].text, k[i].tz, CS_TS_FOLD_FIRST, &fl);
        if (t != k[i].epoch)
            fail_msg("'%s' -> %.3f, expected %.3f", k[i].text, t, k[i].epoch);
        assert_int_equal(fl, 0);
    }
    double t;
    assert_int_equal(cs_ts_parse_epoch("0", &t, NULL), CS_OK);
    assert_true(t == 0.0);
    assert_int_equal(cs_ts_parse_epoch("86400.5", &t, NULL), CS_OK);
    assert_true(t == 86400.5);
    cs_error err;
    assert_int_equal(cs_ts_parse_epoch("-1", &t, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "got '-1'"));
}

/* ---- UK clock changes ------------------------------------------------------------------------ */

struct change_day {
    int y, m, d;
    double change; /* UTC instant of the change: 01:00 UTC, from date -u -d */
};

static void check_march(const struct change_day *c)
{
    int fl;
    char s[64];
    snprintf(s, sizeof s, "%04d-%02d-%02d 00:59:59", c->y, c->m, c->d);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_FIRST, &fl) == c->change - 1);
    assert_int_equal(fl, 0);
    snprintf(s, sizeof s, "%04d-%02d-%02d 02:00:00", c->y, c->m, c->d);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_FIRST, &fl) == c->change);
    assert_int_equal(fl, 0);
    /* 01:30 does not exist: read with GMT (the offset before the change), both folds */
    snprintf(s, sizeof s, "%04d-%02d-%02d 01:30:00", c->y, c->m, c->d);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_FIRST, &fl) == c->change + 1800);
    assert_int_equal(fl, CS_TS_NONEXISTENT);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_SECOND, &fl) == c->change + 1800);
    assert_int_equal(fl, CS_TS_NONEXISTENT);
    snprintf(s, sizeof s, "%04d-%02d-%02d 01:00:00", c->y, c->m, c->d);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_FIRST, &fl) == c->change);
    assert_int_equal(fl, CS_TS_NONEXISTENT);
    /* an explicit offset is never flagged */
    snprintf(s, sizeof s, "%04d-%02d-%02dT01:30:00+00:00", c->y, c->m, c->d);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_FIRST, &fl) == c->change + 1800);
    assert_int_equal(fl, 0);
    /* the other direction: last second of GMT, first of BST */
    int hh, mi, off;
    double ss;
    cs_ts_to_civil(c->change - 1, CS_TZ_UK, NULL, NULL, NULL, &hh, &mi, &ss, NULL, &off);
    assert_int_equal(hh, 0);
    assert_int_equal(mi, 59);
    assert_true(ss == 59.0);
    assert_int_equal(off, 0);
    cs_ts_to_civil(c->change, CS_TZ_UK, NULL, NULL, NULL, &hh, &mi, &ss, NULL, &off);
    assert_int_equal(hh, 2);
    assert_int_equal(mi, 0);
    assert_int_equal(off, 3600);
}

static void check_october(const struct change_day *c)
{
    int fl1, fl2;
    char s[64];
    snprintf(s, sizeof s, "%04d-%02d-%02d 01:30:00", c->y, c->m, c->d);
    double first = parse_ok(s, CS_TZ_UK, CS_TS_FOLD_FIRST, &fl1);
    double second = parse_ok(s, CS_TZ_UK, CS_TS_FOLD_SECOND, &fl2);
    assert_true(first == c->change - 1800);  /* 01:30 BST = 00:30 UTC */
    assert_true(second == c->change + 1800); /* 01:30 GMT = 01:30 UTC */
    assert_true(second - first == 3600.0);
    assert_int_equal(fl1, CS_TS_AMBIGUOUS);
    assert_int_equal(fl2, CS_TS_AMBIGUOUS);
    /* the edges of the repeated hour */
    snprintf(s, sizeof s, "%04d-%02d-%02d 00:59:59", c->y, c->m, c->d);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_SECOND, &fl1) == c->change - 3601);
    assert_int_equal(fl1, 0);
    snprintf(s, sizeof s, "%04d-%02d-%02d 01:00:00", c->y, c->m, c->d);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_FIRST, &fl1) == c->change - 3600);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_SECOND, &fl2) == c->change);
    assert_int_equal(fl1 & fl2, CS_TS_AMBIGUOUS);
    snprintf(s, sizeof s, "%04d-%02d-%02d 01:59:59", c->y, c->m, c->d);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_FIRST, &fl1) == c->change - 1);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_SECOND, &fl2) == c->change + 3599);
    assert_int_equal(fl1 & fl2, CS_TS_AMBIGUOUS);
    snprintf(s, sizeof s, "%04d-%02d-%02d 02:00:00", c->y, c->m, c->d);
    assert_true(parse_ok(s, CS_TZ_UK, CS_TS_FOLD_FIRST, &fl1) == c->change + 3600);
    assert_int_equal(fl1, 0);
    int hh, mi, off;
    double ss;
    cs_ts_to_civil(c->change - 1, CS_TZ_UK, NULL, NULL, NULL, &hh, &mi, &ss, NULL, &off);
    assert_int_equal(hh, 1);
    assert_int_equal(mi, 59);
    assert_int_equal(off, 3600);
    cs_ts_to_civil(c->change, CS_TZ_UK, NULL, NULL, NULL, &hh, &mi, &ss, NULL, &off);
    assert_int_equal(hh, 1);
    assert_int_equal(mi, 0);
    assert_int_equal(off, 0);
}

static void test_uk_changes_2023_2024(void **state)
{
    (void)state;
    static const struct change_day march[] = {{2024, 3, 31, 1711846800.0},
                                              {2023, 3, 26, 1679792400.0}};
    static const struct change_day october[] = {{2024, 10, 27, 1729990800.0},
                                                {2023, 10, 29, 1698541200.0}};
    for (int i = 0; i < 2; i++) {
        check_march(&march[i]);
        check_october(&october[i]);
    }
    /* In UTC nothing is special on those days. */
    int fl;
    assert_true(parse_ok("2024-03-31 01:30:00", CS_TZ_UTC, CS_TS_FOLD_FIRST, &fl) ==
                1711848600.0);
    assert_int_equal(fl, 0);
    assert_true(parse_ok("2024-10-27 01:30:00", CS_TZ_UTC, CS_TS_FOLD_SECOND, &fl) ==
                1729992600.0);
    assert_int_equal(fl, 0);
}

/* Every hour from 2023-01-01T00Z to 2026-01-01T00Z: the offset matches the hard-coded change
 * instants, to_civil -> from_civil gives the instant back, and exactly the expected hours are
 * flagged. */
static void test_round_trip_every_hour(void **state)
{
    (void)state;
    static const double bst[3][2] = {{1679792400.0, 1698541200.0},  /* 2023 */
                                     {1711846800.0, 1729990800.0},  /* 2024 */
                                     {1743296400.0, 1761440400.0}}; /* 2025 */
    int ambiguous = 0, summer_hours = 0;
    for (double t = 1672531200.0; t < 1767225600.0; t += 3600.0) {
        int y, m, d, hh, mi, wd, off, fl;
        double ss;
        cs_ts_to_civil(t, CS_TZ_UK, &y, &m, &d, &hh, &mi, &ss, &wd, &off);
        int yi = y - 2023;
        assert_true(yi >= 0 && yi <= 2);
        int expect_off = (t >= bst[yi][0] && t < bst[yi][1]) ? 3600 : 0;
        if (off != expect_off)
            fail_msg("offset at %.0f is %d", t, off);
        summer_hours += off != 0;
        assert_int_equal(cs_ts_utc_offset(t, CS_TZ_UK), off);
        /* never a local 01:xx on the March change day (the skipped hour) */
        int cd;
        cs_ts_to_civil(bst[yi][0], CS_TZ_UTC, NULL, NULL, &cd, NULL, NULL, NULL, NULL, NULL);
        assert_false(m == 3 && d == cd && hh == 1);
        /* fold: the BST reading is the first one */
        cs_ts_fold fold = off == 3600 ? CS_TS_FOLD_FIRST : CS_TS_FOLD_SECOND;
        double back = cs_ts_from_civil(y, m, d, hh * 3600.0 + mi * 60.0 + ss, CS_TZ_UK, fold, &fl);
        if (back != t)
            fail_msg("round trip of %.0f gave %.0f", t, back);
        assert_int_equal(fl & CS_TS_NONEXISTENT, 0);
        if (fl & CS_TS_AMBIGUOUS) {
            ambiguous++;
            assert_int_equal(m, 10);
            assert_int_equal(hh, 1);
        }
        /* the ISO text reads back to the same instant */
        char buf[40];
        int n = cs_ts_format_iso(t, CS_TZ_UK, buf, sizeof buf);
        assert_true(n == 25);
        assert_true(parse_ok(buf, CS_TZ_UTC, CS_TS_FOLD_FIRST, NULL) == t);
    }
    assert_int_equal(ambiguous, 6); /* two on-the-hour instants read 01:00 each October */
    double expect_summer = 0;
    for (int i = 0; i < 3; i++)
        expect_summer += (bst[i][1] - bst[i][0]) / 3600.0;
    assert_int_equal(summer_hours, (int)expect_summer);
}

static void test_format_iso(void **state)
{
    (void)state;
    char buf[40];
    assert_int_equal(cs_ts_format_iso(1729989000.0, CS_TZ_UK, buf, sizeof buf), 25);
    assert_string_equal(buf, "2024-10-27T01:30:00+01:00");
    cs_ts_format_iso(1729992600.0, CS_TZ_UK, buf, sizeof buf);
    assert_string_equal(buf, "2024-10-27T01:30:00+00:00");
    assert_int_equal(cs_ts_format_iso(1729992600.0, CS_TZ_UTC, buf, sizeof buf), 20);
    assert_string_equal(buf, "2024-10-27T01:30:00Z");
    cs_ts_format_iso(1718443800.25, CS_TZ_UTC, buf, sizeof buf);
    assert_string_equal(buf, "2024-06-15T09:30:00.250Z");
    cs_ts_format_iso(1711846800.0, CS_TZ_UK, buf, sizeof buf);
    assert_string_equal(buf, "2024-03-31T02:00:00+01:00");
    /* rounding to the millisecond carries into the next minute */
    cs_ts_format_iso(1718443799.9996, CS_TZ_UTC, buf, sizeof buf);
    assert_string_equal(buf, "2024-06-15T09:30:00Z");
    cs_ts_format_iso(-1.0, CS_TZ_UTC, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
    /* truncation behaves like snprintf */
    char small[8];
    assert_int_equal(cs_ts_format_iso(1729992600.0, CS_TZ_UTC, small, sizeof small), 20);
    assert_string_equal(small, "2024-10");
    assert_int_equal(cs_ts_format_iso(NAN, CS_TZ_UTC, buf, sizeof buf), -1);
    assert_string_equal(buf, "");
    assert_int_equal(cs_ts_format_iso(INFINITY, CS_TZ_UK, buf, sizeof buf), -1);
}

static void test_from_civil_direct(void **state)
{
    (void)state;
    int fl = -1;
    /* 24:00 rolls over to the next day */
    assert_true(cs_ts_from_civil(2024, 10, 26, 86400.0, CS_TZ_UTC, CS_TS_FOLD_FIRST, &fl) ==
                1729987200.0);
    assert_int_equal(fl, 0);
    assert_true(cs_ts_from_civil(2024, 3, 31, 5400.0, CS_TZ_UK, CS_TS_FOLD_SECOND, &fl) ==
                1711848600.0);
    assert_int_equal(fl, CS_TS_NONEXISTENT);
    assert_true(isnan(cs_ts_from_civil(2024, 1, 1, NAN, CS_TZ_UK, CS_TS_FOLD_FIRST, &fl)));
    assert_true(cs_ts_from_civil(2024, 1, 1, 0.0, CS_TZ_UK, CS_TS_FOLD_FIRST, NULL) ==
                1704067200.0);
}

/* ---- dates, clocks, durations ---------------------------------------------------------------- */

static void test_parse_date(void **state)
{
    (void)state;
    int y = 0, m = 0, d = 0;
    assert_int_equal(cs_ts_parse_date("2024-10-27", &y, &m, &d, NULL), CS_OK);
    assert_true(y == 2024 && m == 10 && d == 27);
    assert_int_equal(cs_ts_parse_date("27/10/2024", &y, &m, &d, NULL), CS_OK);
    assert_true(y == 2024 && m == 10 && d == 27);
    assert_int_equal(cs_ts_parse_date(" 1/8/1999 ", &y, &m, &d, NULL), CS_OK);
    assert_true(y == 1999 && m == 8 && d == 1);
    assert_int_equal(cs_ts_parse_date("2024-02-29", &y, &m, &d, NULL), CS_OK);
    assert_int_equal(cs_ts_parse_date("2000-02-29", &y, &m, &d, NULL), CS_OK);
    assert_int_equal(cs_ts_parse_date("2010-08-31", &y, &m, &d, NULL), CS_OK);

    static const struct {
        const char *text, *why;
    } bad[] = {
        {"2024-13-01", "month 13 is not 1-12"},
        {"2024-00-10", "month 0"},
        {"2023-02-29", "February 2023 has 28 days"},
        {"1900-02-29", "February 1900 has 28 days"},
        {"31/04/2024", "April 2024 has 30 days"},
        {"10/27/2024", "read day first"},
        {"27/10/24", "four digits"},
        {"2024-1-5", NULL},
        {"2024-10-27x", NULL},
        {"2024-10-27 10:00", NULL},
        {"20241027", NULL},
        {"yesterday", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cs_error err = {CS_OK, ""};
        y = m = d = -7;
        assert_int_equal(cs_ts_parse_date(bad[i].text, &y, &m, &d, &err), CS_EINPUT);
        assert_true(y == -7 && m == -7 && d == -7);
        char quoted[64];
        snprintf(quoted, sizeof quoted, "got '%s'", bad[i].text);
        if (!strstr(err.msg, quoted) ||
            !strstr(err.msg, "expected a date such as 2024-10-27 or 27/10/2024") ||
            (bad[i].why && !strstr(err.msg, bad[i].why)))
            fail_msg("bad message for '%s': %s", bad[i].text, err.msg);
    }
    cs_error err;
    cs_ts_parse_date("2024-13-01", &y, &m, &d, &err);
    assert_string_equal(err.msg, "expected a date such as 2024-10-27 or 27/10/2024, got "
                                 "'2024-13-01' (month 13 is not 1-12)");
}

static void test_parse_clock(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double sec;
    } ok[] = {{"7:05:00", 25500.0},    {"07:05", 25500.0},   {"07:05:00.250", 25500.25},
              {"24:00:00", 86400.0},   {"24:00", 86400.0},   {"0:00:00", 0.0},
              {"23:59:59", 86399.0},   {" 0:10:10 ", 610.0}, {"12:00:59.999", 43259.999}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double s = -1;
        assert_int_equal(cs_ts_parse_clock(ok[i].text, &s, NULL), CS_OK);
        if (fabs(s - ok[i].sec) > 1e-9)
            fail_msg("'%s' -> %f", ok[i].text, s);
    }
    static const struct {
        const char *text, *why;
    } bad[] = {{"24:00:01", "hour 24"}, {"25:00", "hour 25"},
               {"12:60", "minute 60"},  {"12:00:60", "leap second"},
               {"12:00:61", "second 61"}, {"7:5", NULL},
               {"7", NULL},             {"07:05:00.", NULL},
               {"abc", NULL},           {"-1:00", NULL},
               {"123:00", NULL},        {"07:05 pm", NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cs_error err = {CS_OK, ""};
        double s = -1;
        assert_int_equal(cs_ts_parse_clock(bad[i].text, &s, &err), CS_EINPUT);
        assert_true(s == -1);
        char quoted[64];
        snprintf(quoted, sizeof quoted, "got '%s'", bad[i].text);
        if (!strstr(err.msg, quoted) || !strstr(err.msg, "expected a time of day such as") ||
            (bad[i].why && !strstr(err.msg, bad[i].why)))
            fail_msg("bad message for '%s': %s", bad[i].text, err.msg);
    }
}

static void test_parse_duration(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double sec;
    } ok[] = {{"185", 185.0},       {"185.5", 185.5},     {"0:03:05", 185.0},
              {"3:05", 185.0},      {"1:02:03", 3723.0},  {"-17", -17.0},
              {"-0:00:17", -17.0},  {"25:00:00", 90000.0}, {" 42 ", 42.0},
              {"0", 0.0},           {"0:00:00", 0.0},     {"1:02:03.5", 3723.5},
              {"600:00", 36000.0}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double s = -1e9;
        cs_error err = {CS_OK, ""};
        if (cs_ts_parse_duration(ok[i].text, &s, &err) != CS_OK)
            fail_msg("'%s': %s", ok[i].text, err.msg);
        if (s != ok[i].sec)
            fail_msg("'%s' -> %f", ok[i].text, s);
    }
    static const struct {
        const char *text, *why;
    } bad[] = {{"3 minutes", NULL}, {"1:60", "second 60"}, {"1:02:60", "second 60"},
               {"1:60:00", "minute 60"}, {"", NULL},     {"-", NULL},
               {"1:2", NULL},       {"1.5.2", NULL},      {"nan", NULL},
               {"inf", NULL},       {"0x10", NULL},       {"1e3", NULL},
               {".5", NULL},        {"1234567890123456", "too large"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cs_error err = {CS_OK, ""};
        double s = -1e9;
        assert_int_equal(cs_ts_parse_duration(bad[i].text, &s, &err), CS_EINPUT);
        assert_true(s == -1e9);
        char quoted[64];
        snprintf(quoted, sizeof quoted, "got '%s'", bad[i].text);
        if (!strstr(err.msg, quoted) || !strstr(err.msg, "expected a duration such as") ||
            (bad[i].why && !strstr(err.msg, bad[i].why)))
            fail_msg("bad message for '%s': %s", bad[i].text, err.msg);
    }
}

static void test_parse_bad_timestamps(void **state)
{
    (void)state;
    parse_bad("2024-13-01T00:00:00Z", "month 13 is not 1-12");
    parse_bad("2024-02-30 10:00", "February 2024 has 29 days");
    parse_bad("2024-10-27T25:00:00", "hour 25");
    parse_bad("2024-10-27T24:00:00", "next day");
    parse_bad("2024-10-27T01:60:00", "minute 60");
    parse_bad("2024-10-27T01:30:60", "leap second");
    parse_bad("2024-10-27", "without a time");
    parse_bad("01:30:00", "without a date");
    parse_bad("12345", "fewer than 9 digits");
    parse_bad("1729992600000", "milliseconds");
    parse_bad("2024-10-27T01:30:00+25:00", "offset");
    parse_bad("2024-10-27T01:30:00 BST", NULL);
    parse_bad("2024-10-27T01:30:00+1", NULL);
    parse_bad("2024-10-27X01:30:00", NULL);
    parse_bad("2024-10-27T01:30:00.", NULL);
    parse_bad("27/10/24 01:30", "four digits");
    parse_bad("", "empty");
    parse_bad("Sunday 27 October", NULL);
    /* long text is cut in the message, which stays readable */
    char longtext[200];
    memset(longtext, 'x', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    cs_error err;
    double t;
    assert_int_equal(cs_ts_parse(longtext, CS_TZ_UK, CS_TS_FOLD_FIRST, &t, NULL, &err),
                     CS_EINPUT);
    assert_non_null(strstr(err.msg, "xxx..."));
    assert_true(strlen(err.msg) < 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_from_civil_known),
        cmocka_unit_test(test_days_from_civil_walk),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_parse_known_values),
        cmocka_unit_test(test_uk_changes_2023_2024),
        cmocka_unit_test(test_round_trip_every_hour),
        cmocka_unit_test(test_format_iso),
        cmocka_unit_test(test_from_civil_direct),
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_parse_clock),
        cmocka_unit_test(test_parse_duration),
        cmocka_unit_test(test_parse_bad_timestamps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
