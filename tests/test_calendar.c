/* Tests for models/calendar: civil dates against a day-by-day walk; Easter against a table
 * (checked with python-dateutil) and against a second, independent algorithm (Oudin's) for every
 * year 1583-99999; England & Wales bank holidays against gov.uk's list for 2018-2027 and the
 * one-off years since 1981; the UK clock changes (epoch values from `date -u -d`); the
 * simulation clock both ways around the changes; the demand expander against direct
 * evaluation and hand-computed integrals (profile repeated, clock-change days, leap February,
 * month factors, bank-holiday swap, special hours across midnight and across the changes); and
 * shift instances across both changes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/calendar.h"

/* ---- helpers --------------------------------------------------------------------------------- */

static long ymd(int y, int m, int d)
{
    return cs_date_days_from_civil(y, m, d);
}

static cs_clock dated(int y, int m, int d)
{
    cs_clock c;
    cs_error err = {CS_OK, ""};
    if (cs_clock_init_date(&c, y, m, d, &err) != CS_OK)
        fail_msg("cs_clock_init_date: %s", err.msg);
    return c;
}

/* Simulated time of a local date-time (first reading of a repeated time). */
static double tl(const cs_clock *c, int y, int m, int d, int hh, int mi)
{
    return cs_clock_t_of_date(c, y, m, d, hh * 3600.0 + mi * 60.0, CS_DATE_FOLD_FIRST, NULL);
}

static double rate_at(const cs_clock_steps *s, double t)
{
    return s->rate[cs_clock_steps_find(s, t)];
}

static void check_steps_shape(const cs_clock_steps *s, double horizon)
{
    assert_true(s->n >= 1);
    assert_true(s->at[0] == 0.0);
    assert_true(s->at[s->n] == horizon);
    assert_true(s->cum[0] == 0.0);
    for (size_t i = 0; i < s->n; i++) {
        if (!(s->at[i + 1] > s->at[i]))
            fail_msg("breakpoints not increasing at %zu: %.17g %.17g", i, s->at[i], s->at[i + 1]);
        assert_true(s->rate[i] >= 0);
    }
}

/* ---- civil dates ----------------------------------------------------------------------------- */

static void test_civil_walk(void **state)
{
    (void)state;
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long expect = ymd(1600, 1, 1);
    assert_int_equal(expect, -135140);
    int wd = cs_date_weekday(expect);
    assert_int_equal(wd, 5); /* 1600-01-01 was a Saturday */
    for (int y = 1600; y <= 2400; y++) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        assert_int_equal(cs_date_is_leap(y), leap);
        int doy = 1;
        for (int m = 1; m <= 12; m++) {
            int n = dim[m - 1] + (m == 2 && leap);
            assert_int_equal(cs_date_days_in_month(y, m), n);
            for (int d = 1; d <= n; d++, expect++, doy++, wd = (wd + 1) % 7) {
                if (ymd(y, m, d) != expect)
                    fail_msg("days_from_civil(%d-%02d-%02d)", y, m, d);
                int yy, mm, dd;
                cs_date_civil_from_days(expect, &yy, &mm, &dd);
                if (yy != y || mm != m || dd != d)
                    fail_msg("civil_from_days(%ld) = %d-%02d-%02d", expect, yy, mm, dd);
                if (cs_date_weekday(expect) != wd)
                    fail_msg("weekday(%d-%02d-%02d)", y, m, d);
                if (cs_date_day_of_year(y, m, d) != doy)
                    fail_msg("day_of_year(%d-%02d-%02d)", y, m, d);
            }
        }
    }
}

static void test_civil_known(void **state)
{
    (void)state;
    assert_int_equal(ymd(1970, 1, 1), 0);
    assert_int_equal(cs_date_weekday(0), 3);                /* Thursday */
    assert_int_equal(cs_date_weekday(ymd(2025, 4, 1)), 1);  /* Tuesday */
    assert_int_equal(cs_date_weekday(ymd(1969, 12, 28)), 6); /* Sunday, negative day number */
    assert_int_equal(cs_date_is_leap(1900), 0);
    assert_int_equal(cs_date_is_leap(2000), 1);
    assert_int_equal(cs_date_is_leap(2024), 1);
    assert_int_equal(cs_date_is_leap(2100), 0);
    assert_int_equal(cs_date_days_in_month(2024, 2), 29);
    assert_int_equal(cs_date_days_in_month(2025, 2), 28);
    assert_true(cs_date_is_valid(2024, 2, 29));
    assert_false(cs_date_is_valid(2023, 2, 29));
    assert_false(cs_date_is_valid(2025, 4, 31));
    assert_false(cs_date_is_valid(2025, 13, 1));
    assert_false(cs_date_is_valid(2025, 1, 0));
    assert_int_equal(cs_date_day_of_year(2024, 3, 1), 61);
    assert_int_equal(cs_date_day_of_year(2023, 3, 1), 60);
    assert_int_equal(cs_date_day_of_year(2024, 12, 31), 366);
    /* rolling over: 2025-01-32 = 2025-02-01, day 0 = the previous month's last */
    assert_int_equal(ymd(2025, 1, 32), ymd(2025, 2, 1));
    assert_int_equal(ymd(2024, 3, 0), ymd(2024, 2, 29));
    assert_int_equal(cs_date_nth_weekday(2025, 3, 6, -1), ymd(2025, 3, 30));
    assert_int_equal(cs_date_nth_weekday(2025, 5, 0, 1), ymd(2025, 5, 5));
    assert_int_equal(cs_date_nth_weekday(2025, 5, 0, -1), ymd(2025, 5, 26));
    assert_int_equal(cs_date_nth_weekday(2024, 9, 6, 1), ymd(2024, 9, 1)); /* 1st is a Sunday */
    assert_int_equal(cs_date_nth_weekday(2025, 11, 3, 4), ymd(2025, 11, 27)); /* 4th Thursday */
}

/* ---- Easter ---------------------------------------------------------------------------------- */

/* Oudin's algorithm (1940), as given in Tondering's calendar FAQ: a different derivation of
 * the same Gregorian rules, used only as an independent check. */
static void easter_oudin(int y, int *m, int *d)
{
    int g = y % 19, c = y / 100;
    int h = (c - c / 4 - (8 * c + 13) / 25 + 19 * g + 15) % 30;
    int i = h - (h / 28) * (1 - (29 / (h + 1)) * ((21 - g) / 11));
    int j = (y + y / 4 + i + 2 - c + c / 4) % 7;
    int l = i - j;
    *m = 3 + (l + 40) / 44;
    *d = l + 28 - 31 * (*m / 4);
}

static void test_easter_table(void **state)
{
    (void)state;
    static const int k[][3] = {
        {1818, 3, 22}, {2285, 3, 22}, /* earliest possible */
        {1886, 4, 25}, {1943, 4, 25}, {2038, 4, 25}, /* latest possible */
        {1961, 4, 2},  {1981, 4, 19}, {1995, 4, 16}, {1999, 4, 4},  {2000, 4, 23},
        {2002, 3, 31}, {2005, 3, 27}, {2008, 3, 23}, {2011, 4, 24}, {2016, 3, 27},
        {2018, 4, 1},  {2019, 4, 21}, {2020, 4, 12}, {2021, 4, 4},  {2022, 4, 17},
        {2023, 4, 9},  {2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5},  {2027, 3, 28},
        {2028, 4, 16}, {2029, 4, 1},  {2030, 4, 21},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (cs_date_easter(k[i][0]) != ymd(k[i][0], k[i][1], k[i][2]))
            fail_msg("Easter %d", k[i][0]);
}

static void test_easter_vs_oudin(void **state)
{
    (void)state;
    long march = 0, april = 0;
    for (int y = 1583; y <= 99999; y++) {
        int m, d;
        easter_oudin(y, &m, &d);
        long e = cs_date_easter(y);
        if (e != ymd(y, m, d))
            fail_msg("Easter %d: Meeus and Oudin disagree", y);
        if (cs_date_weekday(e) != 6)
            fail_msg("Easter %d is not a Sunday", y);
        if (e < ymd(y, 3, 22) || e > ymd(y, 4, 25))
            fail_msg("Easter %d outside 22 March - 25 April", y);
        if (m == 3)
            march++;
        else
            april++;
    }
    /* both months occur (a negative control for an algorithm stuck in one month) */
    assert_true(march > 10000 && april > 50000);
}

/* ---- bank holidays --------------------------------------------------------------------------- */

struct bh_year {
    int year, n;
    int md[CS_DATE_MAX_HOLIDAYS][2];
};

/* gov.uk/bank-holidays (england-and-wales) for 2018-2027, and the one-off years before (1981
 * royal wedding, 1995 VE Day 50, 1999 millennium, 2000 New Year substitute, 2002 Golden
 * Jubilee, 2011 royal wedding, 2012 Diamond Jubilee). */
static const struct bh_year BH[] = {
    {1981, 9, {{1, 1}, {4, 17}, {4, 20}, {5, 4}, {5, 25}, {7, 29}, {8, 31}, {12, 25}, {12, 28}}},
    {1995, 8, {{1, 2}, {4, 14}, {4, 17}, {5, 8}, {5, 29}, {8, 28}, {12, 25}, {12, 26}}},
    {1999, 9, {{1, 1}, {4, 2}, {4, 5}, {5, 3}, {5, 31}, {8, 30}, {12, 27}, {12, 28}, {12, 31}}},
    {2000, 8, {{1, 3}, {4, 21}, {4, 24}, {5, 1}, {5, 29}, {8, 28}, {12, 25}, {12, 26}}},
    {2002, 9, {{1, 1}, {3, 29}, {4, 1}, {5, 6}, {6, 3}, {6, 4}, {8, 26}, {12, 25}, {12, 26}}},
    {2011, 9, {{1, 3}, {4, 22}, {4, 25}, {4, 29}, {5, 2}, {5, 30}, {8, 29}, {12, 26}, {12, 27}}},
    {2012, 9, {{1, 2}, {4, 6}, {4, 9}, {5, 7}, {6, 4}, {6, 5}, {8, 27}, {12, 25}, {12, 26}}},
    {2018, 8, {{1, 1}, {3, 30}, {4, 2}, {5, 7}, {5, 28}, {8, 27}, {12, 25}, {12, 26}}},
    {2019, 8, {{1, 1}, {4, 19}, {4, 22}, {5, 6}, {5, 27}, {8, 26}, {12, 25}, {12, 26}}},
    {2020, 8, {{1, 1}, {4, 10}, {4, 13}, {5, 8}, {5, 25}, {8, 31}, {12, 25}, {12, 28}}},
    {2021, 8, {{1, 1}, {4, 2}, {4, 5}, {5, 3}, {5, 31}, {8, 30}, {12, 27}, {12, 28}}},
    {2022,
     10,
     {{1, 3}, {4, 15}, {4, 18}, {5, 2}, {6, 2}, {6, 3}, {8, 29}, {9, 19}, {12, 26}, {12, 27}}},
    {2023, 9, {{1, 2}, {4, 7}, {4, 10}, {5, 1}, {5, 8}, {5, 29}, {8, 28}, {12, 25}, {12, 26}}},
    {2024, 8, {{1, 1}, {3, 29}, {4, 1}, {5, 6}, {5, 27}, {8, 26}, {12, 25}, {12, 26}}},
    {2025, 8, {{1, 1}, {4, 18}, {4, 21}, {5, 5}, {5, 26}, {8, 25}, {12, 25}, {12, 26}}},
    {2026, 8, {{1, 1}, {4, 3}, {4, 6}, {5, 4}, {5, 25}, {8, 31}, {12, 25}, {12, 28}}},
    {2027, 8, {{1, 1}, {3, 26}, {3, 29}, {5, 3}, {5, 31}, {8, 30}, {12, 27}, {12, 28}}},
};

static void test_bank_holidays_gov_uk(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof BH / sizeof BH[0]; i++) {
        const struct bh_year *b = &BH[i];
        cs_date_holiday h[CS_DATE_MAX_HOLIDAYS];
        int n = cs_date_bank_holidays(b->year, h);
        if (n != b->n)
            fail_msg("%d: %d bank holidays, expected %d", b->year, n, b->n);
        for (int j = 0; j < n; j++) {
            long want = ymd(b->year, b->md[j][0], b->md[j][1]);
            if (h[j].day != want) {
                int y, m, d;
                cs_date_civil_from_days(h[j].day, &y, &m, &d);
                fail_msg("%d holiday %d: %d-%02d-%02d (%s), expected %02d-%02d", b->year, j, y,
                         m, d, h[j].name, b->md[j][0], b->md[j][1]);
            }
            assert_non_null(h[j].name);
            assert_true(cs_date_weekday(h[j].day) < 5); /* never at a weekend */
            assert_string_equal(cs_date_bank_holiday(h[j].day), h[j].name);
        }
    }
    /* the regular days that the one-offs replaced are ordinary days */
    assert_null(cs_date_bank_holiday(ymd(2020, 5, 4)));
    assert_null(cs_date_bank_holiday(ymd(2022, 5, 30)));
    assert_null(cs_date_bank_holiday(ymd(2002, 5, 27)));
    assert_null(cs_date_bank_holiday(ymd(2012, 5, 28)));
    assert_null(cs_date_bank_holiday(ymd(1995, 5, 1)));
    /* the weekend dates themselves are not bank holidays */
    assert_null(cs_date_bank_holiday(ymd(2022, 12, 25)));
    assert_null(cs_date_bank_holiday(ymd(2021, 12, 25)));
    assert_null(cs_date_bank_holiday(ymd(2025, 4, 20))); /* Easter Sunday */
    /* names */
    assert_string_equal(cs_date_bank_holiday(ymd(2022, 12, 27)), "Christmas Day (substitute day)");
    assert_string_equal(cs_date_bank_holiday(ymd(2022, 12, 26)), "Boxing Day");
    assert_string_equal(cs_date_bank_holiday(ymd(2021, 12, 28)), "Boxing Day (substitute day)");
    assert_string_equal(cs_date_bank_holiday(ymd(2023, 1, 2)), "New Year's Day (substitute day)");
    assert_non_null(strstr(cs_date_bank_holiday(ymd(2020, 5, 8)), "VE day"));
    assert_non_null(strstr(cs_date_bank_holiday(ymd(2022, 9, 19)), "Queen Elizabeth II"));
    assert_string_equal(cs_date_bank_holiday(ymd(2022, 6, 2)), "Spring bank holiday");
}

/* Every year 1978-2200: 8 holidays except the one-off years, all distinct weekdays, the
 * regular ones where the rules put them. */
static void test_bank_holidays_rules(void **state)
{
    (void)state;
    for (int y = 1978; y <= 2200; y++) {
        cs_date_holiday h[CS_DATE_MAX_HOLIDAYS];
        int n = cs_date_bank_holidays(y, h);
        int extra = y == 1981 || y == 1999 || y == 2002 || y == 2011 || y == 2012 ||
                    y == 2023 ? 1 : y == 2022 ? 2 : 0;
        assert_int_equal(n, 8 + extra);
        for (int j = 0; j < n; j++) {
            assert_true(cs_date_weekday(h[j].day) < 5);
            if (j > 0)
                assert_true(h[j].day > h[j - 1].day);
        }
        long e = cs_date_easter(y);
        assert_non_null(cs_date_bank_holiday(e - 2));
        assert_non_null(cs_date_bank_holiday(e + 1));
        assert_non_null(cs_date_bank_holiday(cs_date_nth_weekday(y, 8, 0, -1)));
        /* Christmas and Boxing Day: two holidays among 25-28 December */
        int xmas = 0;
        for (int d = 25; d <= 28; d++)
            xmas += cs_date_bank_holiday(ymd(y, 12, d)) != NULL;
        assert_int_equal(xmas, 2);
    }
}

/* ---- UK clock changes ------------------------------------------------------------------------ */

static void test_uk_changes(void **state)
{
    (void)state;
    /* date -u -d '2024-03-31 01:00 UTC' +%s and so on */
    static const long long spring[][2] = {
        {2024, 1711846800}, {2025, 1743296400}, {2026, 1774746000}};
    static const long long autumn[][2] = {
        {2024, 1729990800}, {2025, 1761440400}, {2026, 1792890000}};
    for (int i = 0; i < 3; i++) {
        long long s = spring[i][1], a = autumn[i][1];
        assert_true(cs_date_uk_bst_start((int)spring[i][0]) == s);
        assert_true(cs_date_uk_bst_end((int)autumn[i][0]) == a);
        assert_int_equal(cs_date_uk_offset(s - 1), 0);
        assert_int_equal(cs_date_uk_offset(s), 3600);
        assert_int_equal(cs_date_uk_offset(a - 1), 3600);
        assert_int_equal(cs_date_uk_offset(a), 0);
    }
    int fl;
    /* 2025-10-26 01:30 local: twice */
    double local = (double)ymd(2025, 10, 26) * 86400.0 + 5400.0;
    assert_true(cs_date_uk_to_epoch(local, CS_DATE_FOLD_FIRST, &fl) == 1761440400.0 - 1800.0);
    assert_int_equal(fl, CS_DATE_REPEATED);
    assert_true(cs_date_uk_to_epoch(local, CS_DATE_FOLD_SECOND, &fl) == 1761440400.0 + 1800.0);
    /* 2025-03-30 01:30 local: never; read as GMT */
    local = (double)ymd(2025, 3, 30) * 86400.0 + 5400.0;
    assert_true(cs_date_uk_to_epoch(local, CS_DATE_FOLD_SECOND, &fl) == 1743296400.0 + 1800.0);
    assert_int_equal(fl, CS_DATE_MISSING);
    /* an ordinary summer time */
    local = (double)ymd(2025, 7, 1) * 86400.0 + 43200.0;
    assert_true(cs_date_uk_to_epoch(local, CS_DATE_FOLD_FIRST, &fl) == local - 3600.0);
    assert_int_equal(fl, 0);
}

/* ---- the clock, undated ---------------------------------------------------------------------- */

static void test_clock_undated(void **state)
{
    (void)state;
    cs_clock c;
    cs_clock_init(&c);
    cs_clock_local L;
    cs_clock_at(&c, 0.0, &L);
    assert_int_equal(L.day, 0);
    assert_int_equal(L.weekday, 0);
    assert_true(L.sod == 0.0 && L.week_s == 0.0);
    assert_int_equal(L.y, 0);
    assert_int_equal(L.bank_holiday, 0);
    cs_clock_at(&c, 3.5 * 86400.0 + 0.25, &L); /* Thursday 12:00:00.25 */
    assert_int_equal(L.weekday, 3);
    assert_true(L.sod == 43200.25);
    assert_int_equal(L.hour_of_week, 84);
    cs_clock_at(&c, 9 * 86400.0 + 3600.0, &L); /* week 2 Wednesday 01:00 */
    assert_int_equal(L.day, 9);
    assert_int_equal(L.weekday, 2);
    cs_clock_at(&c, -1.0, &L);
    assert_int_equal(L.day, -1);
    assert_int_equal(L.weekday, 6);
    assert_true(L.sod == 86399.0);
    /* the engine's expression, to the bit */
    const double ts[] = {0.0, 1e-9, 604799.999, 604800.0, 1234567.891, 31536000.5, -0.5};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        double t = ts[i];
        assert_true(cs_clock_week_s(&c, t) == t - CS_WEEK * floor(t / CS_WEEK));
    }
    int fl = -1;
    assert_true(cs_clock_t_of(&c, 9, 3600.0, CS_DATE_FOLD_SECOND, &fl) == 9 * 86400.0 + 3600.0);
    assert_int_equal(fl, 0);
    char buf[64];
    cs_clock_format(&c, 0.0, CS_CLOCK_FMT_MINUTE, buf, sizeof buf);
    assert_string_equal(buf, "Mon 00:00");
    double t = 2 * CS_WEEK + 86400.0 + 7 * 3600 + 15 * 60 + 30;
    cs_clock_format(&c, t, CS_CLOCK_FMT_MINUTE, buf, sizeof buf);
    assert_string_equal(buf, "week 3 Tue 07:15");
    cs_clock_format(&c, t, CS_CLOCK_FMT_SECOND, buf, sizeof buf);
    assert_string_equal(buf, "week 3 Tue 07:15:30");
    cs_clock_format(&c, t, CS_CLOCK_FMT_DATE, buf, sizeof buf);
    assert_string_equal(buf, "week 3 Tue");
    cs_clock_format(&c, 59.6, CS_CLOCK_FMT_ISO, buf, sizeof buf);
    assert_string_equal(buf, "Mon 00:01:00");
    assert_int_equal(cs_clock_format(&c, NAN, CS_CLOCK_FMT_ISO, buf, sizeof buf), -1);
    assert_string_equal(buf, "");
}

/* ---- the clock, dated ------------------------------------------------------------------------ */

static void test_clock_init_errors(void **state)
{
    (void)state;
    cs_clock c;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_clock_init_date(&c, 2025, 2, 29, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "2025-02-29"));
    assert_non_null(strstr(err.msg, "February 2025 has 28 days"));
    assert_int_equal(c.dated, 0);
    assert_int_equal(cs_clock_init_date(&c, 2025, 13, 1, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "month 13"));
    assert_int_equal(cs_clock_init_date(&c, 1500, 1, 1, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "1583-9999"));
    assert_int_equal(cs_clock_init_date(&c, 2024, 2, 29, &err), CS_OK);
    assert_int_equal(c.dated, 1);
}

static void test_clock_dated_basics(void **state)
{
    (void)state;
    cs_clock c = dated(2025, 4, 1);
    /* TZ=Europe/London date -d '2025-04-01 00:00' +%s */
    assert_true(c.t0_epoch == 1743462000LL);
    assert_int_equal(c.off0, 3600);
    cs_clock_local L;
    cs_clock_at(&c, 0.0, &L);
    assert_int_equal(L.y, 2025);
    assert_int_equal(L.m, 4);
    assert_int_equal(L.d, 1);
    assert_int_equal(L.weekday, 1);
    assert_true(L.week_s == 86400.0);
    assert_int_equal(L.doy, 91);
    assert_int_equal(L.utc_offset, 3600);
    assert_int_equal(L.bank_holiday, 0);
    assert_true(cs_clock_week_s(&c, 0.0) == 86400.0);
    /* Early May bank holiday 2025: Monday 5 May */
    cs_clock_at(&c, tl(&c, 2025, 5, 5, 12, 0), &L);
    assert_int_equal(L.bank_holiday, 1);
    assert_int_equal(L.weekday, 0);
    assert_true(L.sod == 43200.0);
    cs_clock_at(&c, tl(&c, 2025, 5, 6, 12, 0), &L);
    assert_int_equal(L.bank_holiday, 0);
    /* day of year in a leap year */
    cs_clock c2 = dated(2024, 12, 31);
    cs_clock_at(&c2, 0.0, &L);
    assert_int_equal(L.doy, 366);
    assert_int_equal(L.utc_offset, 0);
    assert_int_equal(cs_clock_day_of_date(&c2, 2025, 1, 1), 1);
    assert_int_equal(cs_clock_day_of_date(&c2, 2024, 12, 30), -1);
    char buf[64];
    cs_clock_format(&c, 7 * 3600 + 15 * 60 + 29.6, CS_CLOCK_FMT_MINUTE, buf, sizeof buf);
    assert_string_equal(buf, "2025-04-01 07:15");
    cs_clock_format(&c, 7 * 3600 + 15 * 60 + 29.6, CS_CLOCK_FMT_ISO, buf, sizeof buf);
    assert_string_equal(buf, "2025-04-01T07:15:30+01:00");
    cs_clock_format(&c, -1.0, CS_CLOCK_FMT_SECOND, buf, sizeof buf);
    assert_string_equal(buf, "2025-03-31 23:59:59");
    cs_clock_format(&c2, 86400.0, CS_CLOCK_FMT_DATE, buf, sizeof buf);
    assert_string_equal(buf, "2025-01-01");
}

static void test_clock_changes(void **state)
{
    (void)state;
    cs_clock c = dated(2025, 4, 1);
    double oct = (double)(1761440400LL - c.t0_epoch); /* 2025-10-26 01:00 UTC */
    double mar = (double)(1774746000LL - c.t0_epoch); /* 2026-03-29 01:00 UTC */
    cs_clock_local L;
    char buf[64];
    /* October: 01:59:59 BST, then 01:00:00 GMT on the same date */
    cs_clock_at(&c, oct - 1, &L);
    assert_true(L.d == 26 && L.sod == 7199.0 && L.utc_offset == 3600);
    cs_clock_at(&c, oct, &L);
    assert_true(L.d == 26 && L.sod == 3600.0 && L.utc_offset == 0);
    cs_clock_format(&c, oct - 1800, CS_CLOCK_FMT_ISO, buf, sizeof buf);
    assert_string_equal(buf, "2025-10-26T01:30:00+01:00");
    cs_clock_format(&c, oct + 1800, CS_CLOCK_FMT_ISO, buf, sizeof buf);
    assert_string_equal(buf, "2025-10-26T01:30:00+00:00");
    cs_clock_format(&c, oct + 1800, CS_CLOCK_FMT_MINUTE, buf, sizeof buf);
    assert_string_equal(buf, "2025-10-26 01:30");
    int fl;
    assert_true(cs_clock_t_of_date(&c, 2025, 10, 26, 5400, CS_DATE_FOLD_FIRST, &fl) ==
                oct - 1800);
    assert_int_equal(fl, CS_DATE_REPEATED);
    assert_true(cs_clock_t_of_date(&c, 2025, 10, 26, 5400, CS_DATE_FOLD_SECOND, &fl) ==
                oct + 1800);
    assert_true(cs_clock_t_of_date(&c, 2025, 10, 26, 7200, CS_DATE_FOLD_FIRST, &fl) ==
                oct + 3600);
    assert_int_equal(fl, 0);
    /* March: 00:59:59 GMT, then 02:00:00 BST; the missing hour maps to the change */
    cs_clock_at(&c, mar - 1, &L);
    assert_true(L.y == 2026 && L.m == 3 && L.d == 29 && L.sod == 3599.0 && L.utc_offset == 0);
    cs_clock_at(&c, mar, &L);
    assert_true(L.d == 29 && L.sod == 7200.0 && L.utc_offset == 3600);
    for (int s = 3600; s < 7200; s += 300) {
        assert_true(cs_clock_t_of_date(&c, 2026, 3, 29, s, CS_DATE_FOLD_FIRST, &fl) == mar);
        assert_int_equal(fl, CS_DATE_MISSING);
    }
    assert_true(cs_clock_t_of_date(&c, 2026, 3, 29, 3599, CS_DATE_FOLD_FIRST, &fl) == mar - 1);
    assert_int_equal(fl, 0);
    assert_true(cs_clock_t_of_date(&c, 2026, 3, 29, 7200, CS_DATE_FOLD_FIRST, &fl) == mar);
    assert_int_equal(fl, 0);
}

/* A year at 15-minute steps plus a fraction: t -> local -> t returns t (by the fold that fits),
 * local -> t is non-decreasing, and exactly two days are not 24 h long. */
static void test_clock_round_trip_year(void **state)
{
    (void)state;
    cs_clock c = dated(2025, 4, 1);
    double year = cs_clock_t_of_date(&c, 2026, 4, 1, 0, CS_DATE_FOLD_FIRST, NULL);
    assert_true(year == 365 * 86400.0); /* BST to BST: the hour lost and regained cancel */
    int repeated = 0;
    for (double t = 0.25; t < year; t += 900.0) {
        cs_clock_local L;
        cs_clock_at(&c, t, &L);
        int fl;
        double t1 = cs_clock_t_of(&c, L.day, L.sod, CS_DATE_FOLD_FIRST, &fl);
        double t2 = cs_clock_t_of(&c, L.day, L.sod, CS_DATE_FOLD_SECOND, NULL);
        assert_false(fl & CS_DATE_MISSING); /* a time that happened cannot be missing */
        if (fl & CS_DATE_REPEATED) {
            repeated++;
            assert_true(t1 == t || t2 == t);
            assert_true(t2 - t1 == 3600.0);
        } else {
            assert_true(t1 == t && t2 == t);
        }
    }
    assert_int_equal(repeated, 8); /* 4 quarter hours, each seen twice */
    double prev = -INFINITY;
    int short_days = 0, long_days = 0;
    for (long k = 0; k < 365; k++) {
        for (int s = 0; s < 86400; s += 900) {
            double t = cs_clock_t_of(&c, k, s, CS_DATE_FOLD_FIRST, NULL);
            assert_true(t >= prev);
            prev = t;
        }
        double len = cs_clock_t_of(&c, k + 1, 0, CS_DATE_FOLD_FIRST, NULL) -
                     cs_clock_t_of(&c, k, 0, CS_DATE_FOLD_FIRST, NULL);
        if (len == 82800.0) {
            short_days++;
            assert_int_equal(k, cs_clock_day_of_date(&c, 2026, 3, 29));
        } else if (len == 90000.0) {
            long_days++;
            assert_int_equal(k, cs_clock_day_of_date(&c, 2025, 10, 26));
        } else {
            assert_true(len == 86400.0);
        }
    }
    assert_int_equal(short_days, 1);
    assert_int_equal(long_days, 1);
    /* a start on a change day: the first day is 23 or 25 hours */
    cs_clock c1 = dated(2025, 3, 30), c2 = dated(2025, 10, 26);
    assert_true(cs_clock_t_of(&c1, 1, 0, CS_DATE_FOLD_FIRST, NULL) == 82800.0);
    assert_true(cs_clock_t_of(&c2, 1, 0, CS_DATE_FOLD_FIRST, NULL) == 90000.0);
}

/* ---- demand ---------------------------------------------------------------------------------- */

static cs_profile make_profile(size_t n, double (*f)(size_t))
{
    cs_profile p;
    p.n_slots = n;
    p.slot_len = CS_WEEK / (double)n;
    p.rate = malloc(n * sizeof *p.rate);
    for (size_t s = 0; s < n; s++)
        p.rate[s] = f(s);
    return p;
}

static double shape_quarter(size_t s)
{
    /* 672 quarter hours: a daily wave plus a weekday step; "high entropy" values */
    return 0.0123 + 0.0071 * sin((double)(s % 96) * 0.0654) * sin((double)(s % 96) * 0.0654) +
           0.0009 * (double)(s / 96);
}

static double shape_one(size_t s)
{
    (void)s;
    return 1.0;
}

static double shape_day(size_t s)
{
    return (double)(s + 1); /* 7 slots: Monday 1 ... Sunday 7 */
}

/* Undated: the pieces are exactly those models/centre.c's rate_piece visits. */
static void test_demand_undated_matches_engine(void **state)
{
    (void)state;
    cs_clock c;
    cs_clock_init(&c);
    cs_profile p = make_profile(672, shape_quarter);
    cs_clock_demand spec = {&p, NULL, 6, NULL, 0};
    double horizon = 3 * CS_WEEK + 1234.5;
    cs_clock_steps s;
    assert_int_equal(cs_clock_expand_demand(&c, &spec, horizon, &s, NULL), CS_OK);
    check_steps_shape(&s, horizon);
    size_t i = 0;
    double t = 0.0;
    while (t < horizon) { /* the engine's walk, written out */
        double wstart = CS_WEEK * floor(t / CS_WEEK), tm = t - wstart;
        size_t sl = (size_t)(tm / p.slot_len);
        if (sl >= p.n_slots)
            sl = p.n_slots - 1;
        double e = wstart + (double)(sl + 1) * p.slot_len;
        assert_true(s.at[i] == t);
        assert_true(s.rate[i] == p.rate[sl]);
        i++;
        t = e;
    }
    assert_int_equal(i, s.n);
    assert_int_equal(s.n, 3 * 672 + 2); /* 1234.5 s = one whole slot and a part */
    cs_clock_steps_fini(&s);
    cs_clock_steps_fini(&s); /* idempotent */
    free(p.rate);
    /* one slot: one piece */
    cs_profile q = make_profile(1, shape_one);
    spec.week = &q;
    assert_int_equal(cs_clock_expand_demand(&c, &spec, 1e6, &s, NULL), CS_OK);
    assert_int_equal(s.n, 1);
    assert_true(s.at[1] == 1e6 && s.cum[1] == 1e6);
    cs_clock_steps_fini(&s);
    /* dates are needed for month factors and special days */
    double mf[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    cs_clock_special sp = {0, 12, 25, 0.5, 0, 0, 0};
    cs_error err = {CS_OK, ""};
    cs_clock_demand bad = {&q, mf, -1, NULL, 0};
    assert_int_equal(cs_clock_expand_demand(&c, &bad, 1e6, &s, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "start"));
    assert_null(s.at);
    cs_clock_demand bad2 = {&q, NULL, -1, &sp, 1};
    assert_int_equal(cs_clock_expand_demand(&c, &bad2, 1e6, &s, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "special days need a start date"));
    free(q.rate);
}

/* Dated, all factors 1: the rate everywhere is the profile at the local week position, the
 * total is the sum of the pieces, and the clock-change Sundays carry one quarter-hour block
 * of the profile twice or not at all. */
static void test_demand_dated_profile_repeated(void **state)
{
    (void)state;
    cs_clock c = dated(2025, 3, 3); /* a Monday in GMT */
    cs_profile p = make_profile(672, shape_quarter);
    cs_clock_demand spec = {&p, NULL, -1, NULL, 0};
    double horizon = cs_clock_t_of_date(&c, 2026, 3, 2, 0, CS_DATE_FOLD_FIRST, NULL);
    cs_clock_steps s;
    assert_int_equal(cs_clock_expand_demand(&c, &spec, horizon, &s, NULL), CS_OK);
    check_steps_shape(&s, horizon);
    /* every breakpoint is a local quarter hour, hence a multiple of 900 s of t */
    double sum = 0.0;
    for (double t = 450.0; t < horizon; t += 900.0) {
        double want = p.rate[(size_t)(cs_clock_week_s(&c, t) / 900.0)];
        double got = rate_at(&s, t);
        if (got != want)
            fail_msg("t=%.0f: rate %.17g, profile %.17g", t, got, want);
        sum += 900.0 * want;
    }
    assert_true(fabs(s.cum[s.n] - sum) <= 1e-12 * sum);
    assert_true(fabs(cs_clock_steps_integral(&s, 0, horizon) - sum) <= 1e-12 * sum);
    assert_true(s.n <= 365 * 96 + 2);
    /* A Sunday's integral, ordinary and on the two change days. */
    double sunday = 0.0, hour2 = 0.0; /* all of Sunday; its 01:00-02:00 block */
    for (size_t k = 6 * 96; k < 7 * 96; k++) {
        sunday += 900.0 * p.rate[k];
        if (k >= 6 * 96 + 4 && k < 6 * 96 + 8)
            hour2 += 900.0 * p.rate[k];
    }
    struct {
        int y, m, d;
        double expect;
    } days[] = {{2025, 3, 9, sunday},
                {2025, 10, 26, sunday + hour2},  /* 01:00-02:00 lived twice */
                {2026, 3, 1, sunday},
                {2025, 3, 30, sunday - hour2}};   /* 01:00-02:00 never lived */
    for (size_t i = 0; i < 4; i++) {
        double a = tl(&c, days[i].y, days[i].m, days[i].d, 0, 0);
        double b = cs_clock_t_of(&c, cs_clock_day_of_date(&c, days[i].y, days[i].m, days[i].d) + 1,
                                 0, CS_DATE_FOLD_FIRST, NULL);
        double got = cs_clock_steps_integral(&s, a, b);
        if (fabs(got - days[i].expect) > 1e-9 * days[i].expect)
            fail_msg("%d-%02d-%02d: %.9f, expected %.9f", days[i].y, days[i].m, days[i].d, got,
                     days[i].expect);
    }
    assert_true(hour2 > 0); /* the change-day checks above are not vacuous */
    cs_clock_steps_fini(&s);
    free(p.rate);
}

/* Month factors over the leap year 2024: each month's integral is its factor times its
 * elapsed length (29 days in February, an hour less in March and more in October). */
static void test_demand_month_factors_leap_year(void **state)
{
    (void)state;
    cs_clock c = dated(2024, 1, 1);
    cs_profile p = make_profile(1, shape_one);
    double mf[12] = {1.13, 0.97, 1.02, 0.95, 1.0, 0.88, 0.91, 0.93, 1.05, 1.07, 1.11, 1.21};
    cs_clock_demand spec = {&p, mf, -1, NULL, 0};
    double horizon = tl(&c, 2025, 1, 1, 0, 0);
    assert_true(horizon == 366 * 86400.0);
    cs_clock_steps s;
    assert_int_equal(cs_clock_expand_demand(&c, &spec, horizon, &s, NULL), CS_OK);
    check_steps_shape(&s, horizon);
    assert_int_equal(s.n, 12); /* one piece per month: equal neighbours merged */
    double total = 0.0;
    for (int m = 1; m <= 12; m++) {
        double a = tl(&c, 2024, m, 1, 0, 0);
        double b = m < 12 ? tl(&c, 2024, m + 1, 1, 0, 0) : horizon;
        double len = cs_date_days_in_month(2024, m) * 86400.0 + (m == 3 ? -3600.0 : 0.0) +
                     (m == 10 ? 3600.0 : 0.0);
        assert_true(b - a == len);
        double got = cs_clock_steps_integral(&s, a, b);
        assert_true(fabs(got - mf[m - 1] * len) <= 1e-9 * got);
        total += mf[m - 1] * len;
    }
    assert_true(fabs(s.cum[s.n] - total) <= 1e-12 * total);
    /* 29 February 2024 is in February */
    assert_true(rate_at(&s, tl(&c, 2024, 2, 29, 12, 0)) == mf[1]);
    assert_true(rate_at(&s, tl(&c, 2024, 3, 1, 0, 0)) == mf[2]);
    cs_clock_steps_fini(&s);
    /* a recurring 29 February special day happens in 2024 only */
    cs_clock_special leap = {0, 2, 29, 3.0, 0, 0, 0};
    cs_clock_demand spec2 = {&p, NULL, -1, &leap, 1};
    double h2 = tl(&c, 2026, 1, 1, 0, 0);
    assert_int_equal(cs_clock_expand_demand(&c, &spec2, h2, &s, NULL), CS_OK);
    assert_true(fabs(s.cum[s.n] - (h2 + 2.0 * 86400.0)) <= 1e-9 * h2);
    cs_clock_steps_fini(&s);
    free(p.rate);
}

/* Bank holidays following the Sunday profile: every day of 2025 has its own weekday's rate,
 * or Sunday's on a bank holiday; without the swap, its own. */
static void test_demand_bank_holiday_swap(void **state)
{
    (void)state;
    cs_clock c = dated(2025, 1, 1);
    cs_profile p = make_profile(7, shape_day);
    double horizon = tl(&c, 2026, 1, 1, 0, 0);
    for (int as = -1; as <= 6; as += 7) {
        cs_clock_demand spec = {&p, NULL, as, NULL, 0};
        cs_clock_steps s;
        assert_int_equal(cs_clock_expand_demand(&c, &spec, horizon, &s, NULL), CS_OK);
        check_steps_shape(&s, horizon);
        double total = 0.0;
        int holidays = 0;
        for (long k = 0; k < 365; k++) {
            long day = c.start_day + k;
            int hol = cs_date_bank_holiday(day) != NULL;
            holidays += hol;
            double want = (as >= 0 && hol) ? 7.0 : cs_date_weekday(day) + 1.0;
            double a = cs_clock_t_of(&c, k, 0, CS_DATE_FOLD_FIRST, NULL);
            double b = cs_clock_t_of(&c, k + 1, 0, CS_DATE_FOLD_FIRST, NULL);
            assert_true(rate_at(&s, a + 43200.0) == want);
            assert_true(rate_at(&s, a) == want);
            assert_true(rate_at(&s, b - 1.0) == want);
            total += want * (b - a);
        }
        assert_int_equal(holidays, 8);
        assert_true(fabs(s.cum[s.n] - total) <= 1e-12 * total);
        /* Good Friday 2025 (18 April) */
        assert_true(rate_at(&s, tl(&c, 2025, 4, 18, 9, 0)) == (as >= 0 ? 7.0 : 5.0));
        assert_true(rate_at(&s, tl(&c, 2025, 4, 17, 9, 0)) == 4.0);
        cs_clock_steps_fini(&s);
    }
    free(p.rate);
}

/* Special days: hours across midnight (New Year's Eve), a whole day, overlapping specials
 * multiplying, a window inside the repeated hour (lived twice) and one inside the missing hour
 * (never lived). */
static void test_demand_special_days(void **state)
{
    (void)state;
    cs_clock c = dated(2025, 10, 1);
    cs_profile p = make_profile(1, shape_one);
    cs_clock_special sp[] = {
        {0, 12, 31, 2.0, 1, 21 * 3600.0, 3 * 3600.0},      /* NYE 21:00-03:00, every year */
        {2026, 1, 10, 0.5, 0, 0, 0},                       /* a whole day */
        {2026, 1, 10, 3.0, 1, 10 * 3600.0, 11 * 3600.0},   /* an hour of it, multiplied */
        {0, 12, 25, 0.8, 0, 0, 0},                         /* Christmas Day */
        {2025, 10, 26, 2.0, 1, 5400.0, 6300.0},            /* 01:30-01:45, repeated hour */
        {2026, 3, 29, 5.0, 1, 4500.0, 6300.0},             /* 01:15-01:45, missing hour */
    };
    cs_clock_demand spec = {&p, NULL, -1, sp, sizeof sp / sizeof sp[0]};
    double horizon = tl(&c, 2026, 4, 30, 0, 0);
    cs_clock_steps s;
    cs_error err = {CS_OK, ""};
    if (cs_clock_expand_demand(&c, &spec, horizon, &s, &err) != CS_OK)
        fail_msg("%s", err.msg);
    check_steps_shape(&s, horizon);
    assert_true(rate_at(&s, tl(&c, 2025, 12, 31, 20, 59)) == 1.0);
    assert_true(rate_at(&s, tl(&c, 2025, 12, 31, 21, 0)) == 2.0);
    assert_true(rate_at(&s, tl(&c, 2026, 1, 1, 0, 0)) == 2.0);
    assert_true(rate_at(&s, tl(&c, 2026, 1, 1, 2, 59)) == 2.0);
    assert_true(rate_at(&s, tl(&c, 2026, 1, 1, 3, 0)) == 1.0);
    assert_true(rate_at(&s, tl(&c, 2026, 1, 10, 9, 59)) == 0.5);
    assert_true(rate_at(&s, tl(&c, 2026, 1, 10, 10, 0)) == 1.5);
    assert_true(rate_at(&s, tl(&c, 2026, 1, 10, 11, 0)) == 0.5);
    assert_true(rate_at(&s, tl(&c, 2026, 1, 11, 0, 0)) == 1.0);
    assert_true(rate_at(&s, tl(&c, 2025, 12, 25, 12, 0)) == 0.8);
    double oct = (double)(1761440400LL - c.t0_epoch);
    assert_true(rate_at(&s, oct - 1800 + 1) == 2.0); /* 01:30 BST */
    assert_true(rate_at(&s, oct + 1800 + 1) == 2.0); /* 01:30 GMT */
    assert_true(rate_at(&s, oct) == 1.0);            /* 01:00 GMT */
    double expect = horizon + 1.0 * 6 * 3600        /* NYE */
                    - 0.5 * 86400 + 1.0 * 3600      /* 10 January */
                    - 0.2 * 86400                   /* Christmas */
                    + 1.0 * 2 * 900                 /* 01:30-01:45 twice */
                    + 0.0;                          /* the missing hour: nothing */
    if (fabs(s.cum[s.n] - expect) > 1e-9 * expect)
        fail_msg("total %.6f, expected %.6f", s.cum[s.n], expect);
    /* integral between arbitrary instants = brute-force sum over the pieces */
    const double ab[][2] = {{-5.0, 1e5},      {123.4, 9876543.21}, {tl(&c, 2025, 12, 31, 22, 0),
                                                                     tl(&c, 2026, 1, 1, 1, 0)},
                            {horizon - 10, horizon + 10}, {5e6, 5e6}, {7e6, 6e6}};
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++) {
        double a = ab[i][0], b = ab[i][1], want = 0.0;
        for (size_t j = 0; j < s.n; j++) {
            double lo = fmax(a, s.at[j]), hi = fmin(b, s.at[j + 1]);
            if (hi > lo)
                want += s.rate[j] * (hi - lo);
        }
        double got = cs_clock_steps_integral(&s, a, b);
        assert_true(fabs(got - want) <= 1e-9 * (1.0 + want));
    }
    assert_true(fabs(cs_clock_steps_integral(&s, tl(&c, 2025, 12, 31, 22, 0),
                                             tl(&c, 2026, 1, 1, 1, 0)) -
                     3 * 3600 * 2.0) < 1e-6);
    cs_clock_steps_fini(&s);
    /* refused: 31 April, a negative factor, a bad month factor */
    cs_clock_special bad = {2025, 4, 31, 1.0, 0, 0, 0};
    cs_clock_demand sb = {&p, NULL, -1, &bad, 1};
    assert_int_equal(cs_clock_expand_demand(&c, &sb, horizon, &s, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "2025-04-31 is not a date"));
    bad.day = 30;
    bad.factor = -1;
    assert_int_equal(cs_clock_expand_demand(&c, &sb, horizon, &s, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "factor"));
    double mf[12] = {1, 1, 1, 1, 1, 1, 1, NAN, 1, 1, 1, 1};
    cs_clock_demand sm = {&p, mf, -1, NULL, 0};
    assert_int_equal(cs_clock_expand_demand(&c, &sm, horizon, &s, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "August"));
    assert_null(s.at);
    free(p.rate);
}

/* ---- shifts ---------------------------------------------------------------------------------- */

static int on_duty_weekly(const cs_shift *sh, size_t n, double t)
{
    /* io/scenario's week-periodic rule, as it stands before calendars */
    int sum = 0;
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 7; d++) {
            if (!(sh[i].days & (1u << d)))
                continue;
            double since = fmod(t - (d * 86400.0 + sh[i].start) + CS_WEEK, CS_WEEK);
            if (since < sh[i].length)
                sum++;
        }
    return sum;
}

static int on_duty_spans(const cs_clock_spans *s, double t)
{
    int sum = 0;
    for (size_t i = 0; i < s->n; i++)
        sum += t >= s->v[i].start && t < s->v[i].end;
    return sum;
}

static void test_shifts_undated(void **state)
{
    (void)state;
    cs_clock c;
    cs_clock_init(&c);
    cs_shift sh[3] = {{0x1f, 7 * 3600.0, 10 * 3600.0, 5, 0},  /* weekdays 07:00-17:00 */
                      {0x7f, 22 * 3600.0, 9 * 3600.0, 3, 0},  /* nights 22:00-07:00 */
                      {0x60, 12 * 3600.0, 12 * 3600.0, 2, 0}}; /* weekends 12:00-24:00 */
    double horizon = 2 * CS_WEEK;
    cs_clock_spans s;
    assert_int_equal(cs_clock_expand_shifts(&c, sh, 3, horizon, &s, NULL), CS_OK);
    assert_int_equal(s.n, 10 + 15 + 4); /* nights: 14 plus Sunday's of the week before */
    assert_true(s.v[0].start == -7200.0 && s.v[0].day == -1 && s.v[0].index == 1);
    for (size_t i = 1; i < s.n; i++)
        assert_true(s.v[i].start >= s.v[i - 1].start);
    for (double t = 1.0; t < horizon; t += 1800.0)
        assert_int_equal(on_duty_spans(&s, t), on_duty_weekly(sh, 3, t));
    cs_clock_spans_fini(&s);
    cs_clock_spans_fini(&s);
    /* a bad shift */
    cs_error err = {CS_OK, ""};
    sh[1].length = 0;
    assert_int_equal(cs_clock_expand_shifts(&c, sh, 3, horizon, &s, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "shift 2"));
    assert_null(s.v);
}

/* Local clock times are kept across both changes; the night shift over the spring change is 8 h
 * elapsed and over the autumn change 10 h. */
static void test_shifts_across_changes(void **state)
{
    (void)state;
    cs_clock c = dated(2025, 3, 24);
    cs_shift sh[2] = {{0x7f, 22 * 3600.0, 9 * 3600.0, 3, 1800},
                      {0x1f, 7 * 3600.0, 10 * 3600.0, 5, 2700}};
    double horizon = tl(&c, 2025, 11, 3, 0, 0);
    cs_clock_spans s;
    assert_int_equal(cs_clock_expand_shifts(&c, sh, 2, horizon, &s, NULL), CS_OK);
    long night_spring = cs_clock_day_of_date(&c, 2025, 3, 29);
    long night_autumn = cs_clock_day_of_date(&c, 2025, 10, 25);
    int nights = 0, days = 0, seen_spring = 0, seen_autumn = 0;
    for (size_t i = 0; i < s.n; i++) {
        const cs_clock_span *v = &s.v[i];
        cs_clock_local a, b;
        cs_clock_at(&c, v->start, &a);
        cs_clock_at(&c, v->end, &b);
        assert_int_equal(a.day, v->day);
        if (v->index == 0) {
            nights++;
            assert_true(a.sod == 22 * 3600.0 && b.sod == 7 * 3600.0);
            assert_int_equal(b.day, v->day + 1);
            double len = v->end - v->start;
            if (v->day == night_spring) {
                seen_spring = 1;
                assert_true(len == 8 * 3600.0);
            } else if (v->day == night_autumn) {
                seen_autumn = 1;
                assert_true(len == 10 * 3600.0);
            } else {
                assert_true(len == 9 * 3600.0);
            }
        } else {
            days++;
            assert_true(a.sod == 7 * 3600.0 && b.sod == 17 * 3600.0);
            assert_true(v->end - v->start == 10 * 3600.0);
            assert_true(a.weekday < 5);
        }
    }
    assert_true(seen_spring && seen_autumn);
    long ndays = cs_clock_day_of_date(&c, 2025, 11, 3);
    assert_int_equal(nights, ndays + 1); /* and the Sunday 23 March night running at t = 0 */
    assert_int_equal(days, ndays / 7 * 5);
    assert_true(s.v[0].start < 0 && s.v[0].end > 0);
    cs_clock_spans_fini(&s);
}

static void test_weekly_windows(void **state)
{
    (void)state;
    cs_clock u;
    cs_clock_init(&u);
    cs_clock_spans s;
    /* Friday 19:00 - Saturday 03:00 */
    double fri19 = 4 * 86400.0 + 19 * 3600.0, sat03 = 5 * 86400.0 + 3 * 3600.0;
    assert_int_equal(cs_clock_expand_weekly(&u, fri19, sat03, 2 * CS_WEEK, &s, NULL), CS_OK);
    assert_int_equal(s.n, 2);
    assert_true(s.v[0].start == fri19 && s.v[0].end == sat03);
    assert_true(s.v[1].start == fri19 + CS_WEEK);
    cs_clock_spans_fini(&s);
    /* Sunday 22:00 - Monday 02:00 wraps: the one before t = 0 is listed */
    double sun22 = 6 * 86400.0 + 22 * 3600.0;
    assert_int_equal(cs_clock_expand_weekly(&u, sun22, 7200.0, CS_WEEK, &s, NULL), CS_OK);
    assert_int_equal(s.n, 2);
    assert_true(s.v[0].start == -7200.0 && s.v[0].end == 7200.0);
    cs_clock_spans_fini(&s);
    /* start == end: empty, as cs_window reads it */
    assert_int_equal(cs_clock_expand_weekly(&u, 3600.0, 3600.0, CS_WEEK, &s, NULL), CS_OK);
    assert_int_equal(s.n, 0);
    /* dated, over the October change: Saturday 23:00 - Sunday 03:00 local is 5 h elapsed */
    cs_clock c = dated(2025, 10, 20);
    double sat23 = 5 * 86400.0 + 23 * 3600.0, sun03 = 6 * 86400.0 + 3 * 3600.0;
    assert_int_equal(cs_clock_expand_weekly(&c, sat23, sun03, 14 * 86400.0, &s, NULL), CS_OK);
    assert_int_equal(s.n, 2);
    assert_true(s.v[0].end - s.v[0].start == 5 * 3600.0);
    assert_true(s.v[1].end - s.v[1].start == 4 * 3600.0);
    cs_clock_spans_fini(&s);
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_clock_expand_weekly(&u, -1.0, 10.0, CS_WEEK, &s, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "weekly window"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil_walk),
        cmocka_unit_test(test_civil_known),
        cmocka_unit_test(test_easter_table),
        cmocka_unit_test(test_easter_vs_oudin),
        cmocka_unit_test(test_bank_holidays_gov_uk),
        cmocka_unit_test(test_bank_holidays_rules),
        cmocka_unit_test(test_uk_changes),
        cmocka_unit_test(test_clock_undated),
        cmocka_unit_test(test_clock_init_errors),
        cmocka_unit_test(test_clock_dated_basics),
        cmocka_unit_test(test_clock_changes),
        cmocka_unit_test(test_clock_round_trip_year),
        cmocka_unit_test(test_demand_undated_matches_engine),
        cmocka_unit_test(test_demand_dated_profile_repeated),
        cmocka_unit_test(test_demand_month_factors_leap_year),
        cmocka_unit_test(test_demand_bank_holiday_swap),
        cmocka_unit_test(test_demand_special_days),
        cmocka_unit_test(test_shifts_undated),
        cmocka_unit_test(test_shifts_across_changes),
        cmocka_unit_test(test_weekly_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
