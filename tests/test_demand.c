/* Tests for the dated run's building blocks: models/demand (the local days of a run and the
 * compact dated demand), models/staffing (rosters over the run, dated on-duty overlays) and
 * io/staffing_csv (the on-duty file: reading with positioned errors, writing, round trip).
 *
 * The compact demand is checked against models/calendar's cs_clock_expand_demand, an
 * independent implementation of the same function as an explicit step function: the rates
 * agree at thousands of instants and the integrals over every day of a year agree to 1e-9,
 * with a 15-minute profile, month factors, a bank-holiday swap and special days with hours
 * across midnight and across both clock changes.  Day lengths and clock-change days are
 * checked against hand-computed values. */
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

#include "io/staffing_csv.h"
#include "models/calendar.h"
#include "models/demand.h"
#include "models/roster.h"
#include "models/staffing.h"

static cs_clock dated(int y, int m, int d)
{
    cs_clock c;
    cs_error err = {CS_OK, ""};
    if (cs_clock_init_date(&c, y, m, d, &err) != CS_OK) fail_msg("%s", err.msg);
    return c;
}

static double tl(const cs_clock *c, int y, int m, int d, int hh, int mi)
{
    return cs_clock_t_of_date(c, y, m, d, hh * 3600.0 + mi * 60.0, CS_DATE_FOLD_FIRST, NULL);
}

/* A 15-minute week profile with distinct, irregular rates (per second). */
static cs_profile profile15(void)
{
    cs_profile p;
    p.slot_len = 900;
    p.n_slots = 672;
    p.rate = malloc(p.n_slots * sizeof *p.rate);
    for (size_t i = 0; i < p.n_slots; i++)
        p.rate[i] = (1.0 + 0.5 * sin((double)i * 0.37) + 0.3 * (double)((i * 7919) % 13) / 13.0) / 600.0;
    return p;
}

/* ---- days ------------------------------------------------------------------------------------ */

static void test_days_of_a_year(void **st)
{
    (void)st;
    cs_clock c = dated(2025, 4, 1);
    cs_days *d = NULL;
    double horizon = 365 * 86400.0;
    assert_int_equal(cs_days_build(&c, horizon, 0, &d, NULL), CS_OK);
    assert_int_equal(d->n_run, 365);
    assert_true(d->t0[0] == 0);
    /* Day lengths: 25 h on Sunday 26 October 2025, 23 h on Sunday 29 March 2026, else 24 h. */
    long oct = cs_date_days_from_civil(2025, 10, 26) - c.start_day;
    long mar = cs_date_days_from_civil(2026, 3, 29) - c.start_day;
    for (size_t k = 0; k < d->n_run; k++) {
        double len = d->t0[k + 1] - d->t0[k];
        double want = (long)k == oct ? 90000 : (long)k == mar ? 82800 : 86400;
        if (len != want) fail_msg("day %zu lasts %g s", k, len);
        assert_true(((long)k == oct || (long)k == mar) == isfinite(d->jump_at[k]));
    }
    /* The October change is at 02:00 BST (01:00 UTC), the March one at 01:00 GMT. */
    assert_true(d->jump_at[oct] == d->t0[oct] + 7200 && d->jump[oct] == -3600);
    assert_true(d->jump_at[mar] == d->t0[mar] + 3600 && d->jump[mar] == 3600);
    /* Local time of day: 01:30 happens twice in October, never in March. */
    assert_true(cs_days_sod(d, (size_t)oct, d->t0[oct] + 5400) == 5400);
    assert_true(cs_days_sod(d, (size_t)oct, d->t0[oct] + 9000) == 5400);
    assert_true(cs_days_sod(d, (size_t)mar, d->t0[mar] + 3600) == 7200);
    /* Weekdays, months and bank holidays: 2025-05-05 (early May) is a Monday holiday. */
    long may5 = cs_date_days_from_civil(2025, 5, 5) - c.start_day;
    assert_int_equal(d->weekday[may5], 0);
    assert_int_equal(d->month[may5], 5);
    assert_int_equal(d->holiday[may5], 1);
    int n_hol = 0;
    for (size_t k = 0; k < d->n_run; k++) n_hol += d->holiday[k];
    assert_int_equal(n_hol, 8);   /* Apr 2025 - Mar 2026: Easter Mon 2025 ... Good Friday 2026 is April 3 */
    /* The cursor finds days forwards and backwards. */
    size_t cur = 0;
    assert_int_equal(cs_days_find(d, &cur, d->t0[200] + 10), 200);
    assert_int_equal(cs_days_find(d, &cur, d->t0[3] + 10), 3);
    assert_int_equal(cs_days_find(d, &cur, horizon + 1e6), d->n - 1);
    cs_days_free(d);
}

/* ---- compact demand against the calendar's expander ----------------------------------------- */

static void compare_with_expander(const cs_clock *c, const cs_clock_demand *spec, double horizon)
{
    cs_days *d = NULL;
    cs_demand *dm = NULL;
    cs_clock_steps s = {0};
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_days_build(c, horizon, 0, &d, NULL), CS_OK);
    if (cs_demand_build(c, d, spec, &dm, &err) != CS_OK) fail_msg("%s", err.msg);
    assert_int_equal(cs_clock_expand_demand(c, spec, horizon, &s, NULL), CS_OK);
    /* Rates at instants spread over the run (irregular step so they fall anywhere in slots). */
    size_t cur = 0;
    for (double t = 0.5; t < horizon; t += 3917.3) {
        double e, r = cs_demand_piece(dm, d, &cur, t, &e);
        double want = s.rate[cs_clock_steps_find(&s, t)];
        if (fabs(r - want) > 1e-15 * (1 + want)) fail_msg("rate at t=%.1f: %.17g, expander %.17g", t, r, want);
        assert_true(e > t);
        /* The piece's end is a breakpoint of the expander's step function or the horizon. */
        if (e < horizon) {
            size_t i = cs_clock_steps_find(&s, e);
            assert_true(s.at[i] == e || fabs(s.at[i] - e) < 1e-6);
        }
    }
    /* Integrals over every local day and over the whole run. */
    for (size_t k = 0; k < d->n_run; k++) {
        double a = d->t0[k], b = d->t0[k + 1] < horizon ? d->t0[k + 1] : horizon;
        double x = cs_demand_integral(dm, d, a, b), y = cs_clock_steps_integral(&s, a, b);
        if (fabs(x - y) > 1e-9 * y) fail_msg("day %zu: integral %.12g, expander %.12g", k, x, y);
    }
    double x = cs_demand_integral(dm, d, 0, horizon), y = s.cum[s.n];
    assert_true(fabs(x - y) < 1e-9 * y);
    cs_clock_steps_fini(&s);
    cs_demand_free(dm);
    cs_days_free(d);
}

static void test_demand_matches_expander(void **st)
{
    (void)st;
    cs_profile p = profile15();
    cs_clock c = dated(2025, 4, 1);
    double months[12] = {1.2, 1.1, 1.0, 0.95, 0.9, 0.85, 0.8, 0.9, 1.0, 1.05, 1.1, 1.3};
    cs_clock_special sp[3] = {
        {0, 12, 31, 1.7, 1, 21 * 3600.0, 3 * 3600.0},          /* NYE 21:00-03:00 every year */
        {2025, 10, 26, 1.4, 1, 0.5 * 3600.0, 2.5 * 3600.0},    /* across the October change */
        {2025, 8, 24, 1.25, 0, 0, 0},                           /* a whole day */
    };
    cs_clock_demand spec = {&p, months, 6, sp, 3};
    compare_with_expander(&c, &spec, 365 * 86400.0);
    /* A run through the March change with special hours across it, and an hourly profile. */
    cs_clock_special sp2[1] = {{2026, 3, 29, 2.0, 1, 0.75 * 3600.0, 2.25 * 3600.0}};
    cs_clock_demand spec2 = {&p, NULL, -1, sp2, 1};
    cs_clock c2 = dated(2026, 3, 20);
    compare_with_expander(&c2, &spec2, 20 * 86400.0 + 5000.0);
    free(p.rate);
}

/* Hand-computed: a flat 100 calls an hour gives 2300 on the March change day, 2500 on the
 * October one; a bank holiday following Sunday's weights; a special whole day. */
static void test_demand_hand_values(void **st)
{
    (void)st;
    double w[168];
    for (int h = 0; h < 168; h++) w[h] = (h / 24 == 6 ? 50.0 : 100.0) / 3600.0;   /* Sundays half */
    cs_profile p = {3600, 168, w};
    cs_clock c = dated(2025, 3, 1);
    cs_days *d = NULL;
    cs_demand *dm = NULL;
    cs_clock_special sp = {2025, 8, 20, 1.5, 0, 0, 0};
    cs_clock_demand spec = {&p, NULL, 6, &sp, 1};
    assert_int_equal(cs_days_build(&c, 300 * 86400.0, 0, &d, NULL), CS_OK);
    assert_int_equal(cs_demand_build(&c, d, &spec, &dm, NULL), CS_OK);
#define DAY(y, m, dd) cs_demand_integral(dm, d, tl(&c, y, m, dd, 0, 0), tl(&c, y, m, (dd) + 1, 0, 0))
    assert_true(fabs(DAY(2025, 3, 29) - 2400) < 1e-9);   /* Saturday */
    assert_true(fabs(DAY(2025, 3, 30) - 1150) < 1e-9);   /* Sunday, 23 hours at 50 */
    assert_true(fabs(DAY(2025, 10, 26) - 1250) < 1e-9);  /* Sunday, 25 hours at 50 */
    assert_true(fabs(DAY(2025, 10, 27) - 2400) < 1e-9);
    assert_true(fabs(DAY(2025, 5, 5) - 1200) < 1e-9);    /* early May bank holiday: like a Sunday */
    assert_true(fabs(DAY(2025, 8, 25) - 1200) < 1e-9);   /* summer bank holiday */
    assert_true(fabs(DAY(2025, 8, 20) - 3600) < 1e-9);   /* Wednesday x 1.5 */
    cs_demand_free(dm);
    /* Bank holidays switched off: an ordinary Monday. */
    spec.holiday_as = -1;
    assert_int_equal(cs_demand_build(&c, d, &spec, &dm, NULL), CS_OK);
    assert_true(fabs(DAY(2025, 5, 5) - 2400) < 1e-9);
    /* Scaling days multiplies their integral. */
    cs_demand_scale(dm, 0, dm->n, 0.5);
    assert_true(fabs(DAY(2025, 5, 5) - 1200) < 1e-9);
#undef DAY
    cs_demand_free(dm);
    cs_days_free(d);
}

/* ---- staffing --------------------------------------------------------------------------------- */

static void test_roster_over_run_equals_weekly_without_changes(void **st)
{
    (void)st;
    cs_shift sh[3] = {{0x1F, 7 * 3600.0, 10 * 3600.0, 12, 3600},
                      {0x7F, 16 * 3600.0, 9 * 3600.0, 9, 1800},
                      {0x60, 22 * 3600.0, 10 * 3600.0, 5, 0}};
    cs_staffing wk = {0}, run = {0};
    assert_int_equal(cs_roster_build(sh, 3, 0.3, &wk, NULL), CS_OK);
    /* A Monday start in June: no clock change for three weeks, so local time = t + const. */
    cs_clock c = dated(2025, 6, 2);
    double horizon = 21 * 86400.0;
    assert_int_equal(cs_staffing_expand(&c, sh, 3, 0.3, horizon, &run, NULL), CS_OK);
    for (double t = 0; t < horizon; t += 450)
        if (cs_staffing_level_at(&run, t) != cs_roster_level_at(&wk, t))
            fail_msg("t=%g: %d on duty over the run, %d weekly", t, cs_staffing_level_at(&run, t),
                     cs_roster_level_at(&wk, t));
    cs_roster_fini(&run);
    /* Across the October change the night shift starts at 22:00 local on both sides and the
     * early shift at 07:00 local: steps move by an hour against t. */
    cs_clock c2 = dated(2025, 10, 20);
    assert_int_equal(cs_staffing_expand(&c2, sh, 3, 0, 14 * 86400.0, &run, NULL), CS_OK);
    double before = tl(&c2, 2025, 10, 24, 7, 0), after = tl(&c2, 2025, 10, 27, 7, 0);
    assert_true(cs_staffing_level_at(&run, before - 1) < cs_staffing_level_at(&run, before));
    assert_true(cs_staffing_level_at(&run, after - 1) < cs_staffing_level_at(&run, after));
    assert_true(fmod(after - before, 86400.0) == 3600.0);   /* 3 days and an hour apart in t */
    cs_roster_fini(&run);
    cs_roster_fini(&wk);
}

static void test_overlay_is_exact_where_given(void **st)
{
    (void)st;
    cs_staffing base = {0}, out = {0};
    assert_int_equal(cs_roster_constant(10, 0.2, &base, NULL), CS_OK);   /* 8 on duty */
    double from[2] = {3600, 86400 * 2.5}, to[2] = {7200, 86400 * 3};
    int level[2] = {3, 0};
    cs_onduty on = {from, to, level, 2};
    assert_int_equal(cs_staffing_overlay(&base, 1, &on, 86400 * 4, &out, NULL), CS_OK);
    assert_int_equal(cs_staffing_level_at(&out, 0), 8);
    assert_int_equal(cs_staffing_level_at(&out, 3599.9), 8);
    assert_int_equal(cs_staffing_level_at(&out, 3600), 3);
    assert_int_equal(cs_staffing_level_at(&out, 7199), 3);
    assert_int_equal(cs_staffing_level_at(&out, 7200), 8);
    assert_int_equal(cs_staffing_level_at(&out, 86400 * 2.75), 0);
    assert_int_equal(cs_staffing_level_at(&out, 86400 * 3), 8);
    assert_int_equal(out.n, 5);   /* 8, 3, 8, 0, 8 */
    cs_roster_fini(&out);
    cs_roster_fini(&base);
}

/* ---- the on-duty CSV ------------------------------------------------------------------------- */

typedef struct probs {
    char text[4096];
    int n;
} probs;

static void collect(void *ud, unsigned line, const char *msg)
{
    probs *p = ud;
    size_t l = strlen(p->text);
    snprintf(p->text + l, sizeof p->text - l, "%u: %s\n", line, msg);
    p->n++;
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/callsim-onduty-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_onduty_read(void **st)
{
    (void)st;
    cs_clock c = dated(2025, 10, 20);
    /* Rows through the October change: 01:30 twice is the second pass; the last row holds to
     * midnight; an empty staff hands back to the roster. */
    char *p = write_tmp("Date,Time,Staff\n"
                        "2025-10-25,22:00,6\n"
                        "2025-10-26,01:30,5\n"
                        "2025-10-26,01:30,4\n"
                        "2025-10-26,07:00,\n"
                        "26/10/2025,20:00,9\n");
    cs_onduty on;
    probs pr = {"", 0};
    assert_int_equal(cs_staffcsv_read(p, &c, 14 * 86400.0, &on, collect, &pr, NULL), CS_OK);
    assert_int_equal(pr.n, 0);
    assert_int_equal(on.n, 4);
    assert_true(on.from[0] == tl(&c, 2025, 10, 25, 22, 0));
    assert_true(on.to[0] == tl(&c, 2025, 10, 26, 1, 30));
    assert_true(on.to[1] - on.from[1] == 3600);   /* 01:30 BST to 01:30 GMT */
    assert_int_equal(on.level[2], 4);
    assert_true(on.to[2] == tl(&c, 2025, 10, 26, 7, 0));
    assert_true(on.from[3] == tl(&c, 2025, 10, 26, 20, 0));
    assert_true(on.to[3] == tl(&c, 2025, 10, 27, 0, 0));
    cs_onduty_fini(&on);
    unlink(p);
}

static void test_onduty_errors(void **st)
{
    (void)st;
    cs_clock c = dated(2025, 4, 1);
    cs_onduty on;
    probs pr = {"", 0};
    char *p = write_tmp("date,time,staff\n"
                        "2025-04-02,08:00,5\n"
                        "2025-04-02,07:00,5\n"          /* row 3: not after row 2 */
                        "2025-03-30,07:00,5\n"          /* row 4: before the start */
                        "2025-04-02,09:00,five\n"       /* row 5: bad staff */
                        "2025-04-31,09:00,5\n"          /* row 6: no such date */
                        "2025-04-02,25:00,5\n"          /* row 7: bad time */
                        "2025-04-05,09:00,5\n"          /* row 8: more than a day after row 2 */
                        "2025-06-05,09:00,5\n"          /* row 9: after the end */
                        "2025-06-05,09:00\n");          /* row 10: short */
    assert_int_equal(cs_staffcsv_read(p, &c, 30 * 86400.0, &on, collect, &pr, NULL), CS_EINPUT);
    const char *want[] = {"3: row 3 (2025-04-02 07:00) is not after row 2 (2025-04-02 08:00)",
                          "4: row 4: 2025-03-30 07:00 is before the start of the run (start: 2025-04-01)",
                          "5: row 5, column staff:", "6: row 6, column date:", "7: row 7, column time:",
                          "8: row 8 (2025-04-05 09:00) is more than 24 hours after row 2",
                          "9: row 9: 2025-06-05 09:00 is at or after the end of the run (2025-05-01 00:00)",
                          "10: row 10 has 2 fields, the header has 3"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(pr.text, want[i])) fail_msg("missing '%s' in:\n%s", want[i], pr.text);
    assert_int_equal(pr.n, 8);
    assert_int_equal(on.n, 0);
    unlink(p);
    pr.text[0] = 0;
    pr.n = 0;
    p = write_tmp("day,time,staff\n2025-04-02,08:00,5\n");
    assert_int_equal(cs_staffcsv_read(p, &c, 30 * 86400.0, &on, collect, &pr, NULL), CS_EINPUT);
    assert_non_null(strstr(pr.text, "1: row 1: unknown column 'day'"));
    assert_non_null(strstr(pr.text, "the column 'date' is missing"));
    unlink(p);
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_staffcsv_read("/nonexistent/x.csv", &c, 1e6, &on, collect, &pr, &err), CS_EIO);
}

/* What the writer writes, the reader reads back as the same steps (over both clock changes). */
static void test_onduty_round_trip(void **st)
{
    (void)st;
    cs_clock c = dated(2025, 10, 24);
    double horizon = 200 * 86400.0;
    double t[6] = {0, tl(&c, 2025, 10, 26, 1, 15), tl(&c, 2025, 10, 26, 1, 15) + 3600,
                   tl(&c, 2025, 11, 3, 9, 30), tl(&c, 2025, 11, 3, 17, 0), tl(&c, 2026, 3, 29, 3, 0)};
    int staff[6] = {7, 5, 6, -1, 11, 3};
    double end = tl(&c, 2026, 4, 2, 13, 45);
    char path[64];
    snprintf(path, sizeof path, "/tmp/callsim-onduty-XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    assert_int_equal(cs_staffcsv_write(f, &c, t, staff, 6, end, NULL), CS_OK);
    fclose(f);
    cs_onduty on;
    probs pr = {"", 0};
    if (cs_staffcsv_read(path, &c, horizon, &on, collect, &pr, NULL) != CS_OK) fail_msg("%s", pr.text);
    cs_staffing base = {0}, out = {0};
    assert_int_equal(cs_roster_constant(99, 0, &base, NULL), CS_OK);
    assert_int_equal(cs_staffing_overlay(&base, 1, &on, horizon, &out, NULL), CS_OK);
    for (size_t i = 0; i < 6; i++) {
        double a = t[i], b = i + 1 < 6 ? t[i + 1] : end;
        int want = staff[i] < 0 ? 99 : staff[i];
        assert_int_equal(cs_staffing_level_at(&out, a), want);
        assert_int_equal(cs_staffing_level_at(&out, (a + b) / 2), want);
        assert_int_equal(cs_staffing_level_at(&out, nextafter(b, 0)), want);
    }
    assert_int_equal(cs_staffing_level_at(&out, end), 99);
    cs_roster_fini(&out);
    cs_roster_fini(&base);
    cs_onduty_fini(&on);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_of_a_year),
        cmocka_unit_test(test_demand_matches_expander),
        cmocka_unit_test(test_demand_hand_values),
        cmocka_unit_test(test_roster_over_run_equals_weekly_without_changes),
        cmocka_unit_test(test_overlay_is_exact_where_given),
        cmocka_unit_test(test_onduty_read),
        cmocka_unit_test(test_onduty_errors),
        cmocka_unit_test(test_onduty_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
