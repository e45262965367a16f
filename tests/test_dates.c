/* Calendar time end to end, through the scenario loader and the engine: what `start:`,
 * per_year / per_month, counts, month factors, bank holidays, special days, dated times and
 * dated on-duty files do to a run.
 *
 * Statistical checks compare with values computed by hand from the scenario (never from the
 * code under test): a count summed over R replications of a Poisson process with mean m has
 * standard deviation sqrt(R m), and every check allows 3.5 of those (a false alarm about once
 * in 2,000 tests; the seeds are fixed, so a pass is reproducible).  Each factor's check comes
 * with a negative control: the same data against the value the factor would give if it did
 * nothing falls outside the limits.  Volumes that count attempts are checked against the
 * spread of the replications themselves (the count is compound Poisson: callers redial), with
 * the pilot's own error added; see test_attempts_match_the_volume. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/scenario.h"
#include "models/daily.h"
#include "models/demand.h"
#include "models/kpi.h"
#include "models/run.h"
#include "models/staffing.h"
#include "models/volume.h"

static cs_scn *load(const char *text)
{
    cs_scn *s = NULL;
    cs_diags d = {0};
    if (cs_scn_load_string(text, "/tmp/callsim-dates/s.yaml", &s, &d) != CS_OK) {
        char buf[600];
        cs_diag_format(&d.items[0], buf, sizeof buf);
        fail_msg("load: %s", buf);
    }
    cs_diags_free(&d);
    return s;
}

/* All diagnostics of a load that must fail, one per line. */
static void load_errors(const char *text, char *out, size_t n)
{
    cs_scn *s = NULL;
    cs_diags d = {0};
    assert_int_equal(cs_scn_load_string(text, "/tmp/callsim-dates/s.yaml", &s, &d), CS_EINPUT);
    out[0] = 0;
    for (size_t i = 0; i < d.n; i++) {
        size_t l = strlen(out);
        cs_diag_format(&d.items[i], out + l, n - l);
        l = strlen(out);
        if (l + 1 < n) strcpy(out + l, "\n");
    }
    cs_diags_free(&d);
}

static cs_results *run(cs_scn *s)
{
    cs_results *r = NULL;
    cs_error err = {CS_OK, ""};
    if (cs_volume_calibrate(s, 2, NULL, &err) != CS_OK) fail_msg("calibrate: %s", err.msg);
    cs_run_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 2;
    if (cs_run(s, &o, &r, &err) != CS_OK) fail_msg("run: %s", err.msg);
    return r;
}

/* Sum over replications of a line counter. */
static double sum_lc(const cs_results *r, size_t line, int lc)
{
    double x = 0;
    for (uint32_t i = 0; i < r->n_reps; i++) x += cs_rs_line_c(&r->reps[i], line)[lc];
    return x;
}

/* Sum over replications of offered attempts on local days [d0, d1). */
static double sum_days(const cs_results *r, size_t line, size_t d0, size_t d1)
{
    double x = 0;
    for (uint32_t i = 0; i < r->n_reps; i++)
        for (size_t d = d0; d < d1; d++) x += cs_daily_value(&r->reps[i], line, d, CS_DK_OFFERED);
    return x;
}

/* |observed - expected| within 3.5 Poisson standard deviations (both summed over reps). */
static int poisson_ok(double observed, double expected)
{
    return fabs(observed - expected) <= 3.5 * sqrt(expected);
}

#define CHECK_POISSON(obs, exp)                                                                  \
    do {                                                                                         \
        double o_ = (obs), e_ = (exp);                                                           \
        if (!poisson_ok(o_, e_))                                                                 \
            fail_msg("%s = %.1f, expected %.1f +- %.1f", #obs, o_, e_, 3.5 * sqrt(e_));          \
    } while (0)

static long day_of(const cs_scn *s, int y, int m, int d)
{
    return cs_clock_day_of_date(&s->clock, y, m, d);
}

static int setup(void **st)
{
    (void)st;
    return system("mkdir -p /tmp/callsim-dates") == 0 ? 0 : -1;
}

/* ---- loading ----------------------------------------------------------------------------------- */

#define POOL "pools:\n  - {name: h, lines: [\"101\"], staff: 30}\n"
#define LINE(arr) "lines:\n  - name: \"101\"\n    arrivals: " arr "\n    handle: 3m\n"

static void test_keys_that_need_a_start_date(void **st)
{
    (void)st;
    char e[4096];
    load_errors("name: x\n" LINE("{per_day: 100, months: {jan: 1.2}}") POOL
                "special_days: [{date: 12-31, factor: 2}]\n"
                "outages: [{start: \"2025-12-31 21:00\", length: 1h}]\n",
                e, sizeof e);
    assert_non_null(strstr(e, "s.yaml:4:38: error: months needs a start date: add start: 2025-04-01"));
    assert_non_null(strstr(e, "error: special_days needs a start date"));
    assert_non_null(strstr(e, "error: a dated time needs a start date"));
    load_errors("name: x\n" LINE("{per_month: 3000}") POOL, e, sizeof e);
    assert_non_null(strstr(e, "per_month (months have different lengths) needs a start date"));
    load_errors("name: x\nstart: 2025-02-29\n" LINE("{per_day: 100}") POOL, e, sizeof e);
    assert_non_null(strstr(e, "s.yaml:2:8: error: expected a date such as 2024-10-27 or 27/10/2024, got '2025-02-29' (February 2025 has 28 days)"));
    load_errors("name: x\nhorizon: 10d\n" LINE("{per_day: 100}")
                "pools:\n  - {name: h, lines: [\"101\"], staff: 3, on_duty: rota.csv}\n", e, sizeof e);
    assert_non_null(strstr(e, "on_duty (dated handlers on duty) needs a start date"));
}

static void test_calendar_key_errors(void **st)
{
    (void)st;
    char e[4096];
    load_errors("name: x\nstart: 2025-05-20\nhorizon: 30d\n"
                LINE("{per_month: {may: 3100, jun: 3000}, months: {jan: 2}, counts: everything, "
                     "bank_holidays: funday}") POOL
                "special_days:\n  - {date: 02-30, factor: 2}\n  - {date: 12-31, from: \"21:00\", factor: 2}\n"
                "outages: [{start: \"2025-05-01 10:00\", length: 1h}]\n",
                e, sizeof e);
    assert_non_null(strstr(e, "months: factors do not go with per_month"));
    assert_non_null(strstr(e, "expected counts: attempts"));
    assert_non_null(strstr(e, "expected a weekday whose profile bank holidays follow"));
    assert_non_null(strstr(e, "'02-30' is not a day of the year"));
    assert_non_null(strstr(e, "give both from: and to:"));
    assert_non_null(strstr(e, "2025-05-01 10:00 is before the start of the run (start: 2025-05-20)"));
    /* A month the run covers without a volume. */
    load_errors("name: x\nstart: 2025-05-20\nhorizon: 30d\n" LINE("{per_month: {may: 3100}}") POOL, e,
                sizeof e);
    assert_non_null(strstr(e, "per_month has no volume for June 2025, which the run covers"));
}

/* Without a start date, per_year is a 365-day year: the same rates as per_day, bit for bit. */
static void test_per_year_undated_is_365_days(void **st)
{
    (void)st;
    cs_scn *a = load("name: x\n" LINE("{per_year: 36500, profile: {hours: [1,1,1,1,1,1,2,3,4,4,4,4,4,4,4,4,"
                                      "4,4,3,3,2,2,1,1]}}") POOL);
    cs_scn *b = load("name: x\n" LINE("{per_day: 100, profile: {hours: [1,1,1,1,1,1,2,3,4,4,4,4,4,4,4,4,"
                                      "4,4,3,3,2,2,1,1]}}") POOL);
    assert_int_equal(a->lines[0].demand.n_slots, b->lines[0].demand.n_slots);
    for (size_t i = 0; i < a->lines[0].demand.n_slots; i++)
        assert_true(a->lines[0].demand.rate[i] == b->lines[0].demand.rate[i]);
    assert_null(a->lines[0].dated);
    assert_null(a->days);
    cs_scn_free(a);
    cs_scn_free(b);
}

/* ---- volumes ------------------------------------------------------------------------------------ */

/* per_year with a start date: the year's first attempts equal the volume, whatever the shape
 * (weekly profile, month factors, bank holidays, special days). */
static void test_per_year_first_attempts(void **st)
{
    (void)st;
    cs_scn *s = load("name: x\nstart: 2025-04-01\nhorizon: 365d\nwarmup: 0\nreplications: 10\nseed: 11\n"
                     "special_days: [{date: 12-31, from: \"21:00\", to: \"03:00\", factor: 2.5}]\n"
                     LINE("{per_year: 20000, profile: {hours: [1,1,1,1,1,1,2,3,4,4,4,4,4,4,4,4,4,4,3,3,2,"
                          "2,1,1], days: {sun: 0.6}}, months: {jan: 1.4, aug: 0.7}}") POOL);
    cs_results *r = run(s);
    double callers = sum_lc(r, 0, CS_LC_CALLERS), want = 20000.0 * r->n_reps;
    CHECK_POISSON(callers, want);
    assert_false(poisson_ok(callers, want * 1.02));   /* negative control: 2% off is detected */
    /* The shape is there: January (x1.4) against August (x0.7), both 31 days of the same mix of
     * weekdays but for one day, have calls in a ratio near 2. */
    double jan = sum_days(r, 0, (size_t)day_of(s, 2026, 1, 2), (size_t)day_of(s, 2026, 1, 30));
    double aug = sum_days(r, 0, (size_t)day_of(s, 2025, 8, 1), (size_t)day_of(s, 2025, 8, 29));
    assert_true(fabs(jan / aug - 2.0) < 0.08);
    cs_results_free(r);
    cs_scn_free(s);
}

/* counts: attempts: offered attempts (redials and spill-ins included) match the volume on both
 * lines of a 101 -> 999 pair that loses a lot of callers; counts: first_attempts does not. */
static const char *attempts_yaml =
    "name: x\nstart: 2025-04-01\nhorizon: 365d\nwarmup: 0\nreplications: 10\nseed: 5\n"
    "lines:\n"
    "  - name: \"101\"\n"
    "    arrivals: {per_year: 12000, counts: %s}\n"
    "    handle: {dist: exponential, mean: 20m}\n"
    "    patience: {dist: exponential, mean: 5m}\n"
    "    redial: {probability: 60%%, delay: {dist: exponential, mean: 20m}, max_attempts: 4}\n"
    "    spillover: {to: \"999\", share: 20%%}\n"
    "  - name: \"999\"\n"
    "    priority: 5\n"
    "    arrivals: {per_year: 6000, counts: %s}\n"
    "    handle: {dist: exponential, mean: 5m}\n"
    "    patience: {dist: exponential, mean: 1m}\n"
    "    redial: {probability: 50%%, delay: {dist: exponential, mean: 2m}, max_attempts: 3}\n"
    "pools:\n  - {name: h, lines: [\"999\", \"101\"], staff: 1}\n";

static void test_attempts_match_the_volume(void **st)
{
    (void)st;
    char text[2048];
    snprintf(text, sizeof text, attempts_yaml, "attempts", "attempts");
    cs_scn *s = load(text);
    assert_int_equal(s->volume_pending, 1);
    cs_volume_info info;
    cs_error err = {CS_OK, ""};
    cs_results *r = NULL;
    cs_run_opts o;
    memset(&o, 0, sizeof o);
    assert_int_equal(cs_run(s, &o, &r, &err), CS_EINTERNAL);   /* not before calibration */
    assert_int_equal(cs_volume_calibrate(s, 2, &info, &err), CS_OK);
    assert_true(info.pilots >= 2 && info.converged);
    r = run(s);
    const double target[2] = {12000, 6000};
    for (size_t l = 0; l < 2; l++) {
        /* Per replication, offered attempts are compound Poisson; their spread across the
         * replications (sd) is the yardstick.  The pilot estimated attempts per first attempt
         * from CS_VOLUME_PILOT_REPS replications, which moves the expected count by about
         * sd / sqrt(pilot reps) at most, so the mean of n replications is within
         * 3.5 sd sqrt(1/n + 1/pilot reps) of the volume. */
        const double *v = cs_results_line_reps(r, l, CS_LK_OFFERED);
        double m = 0, ss = 0;
        for (uint32_t i = 0; i < r->n_reps; i++) m += v[i];
        m /= r->n_reps;
        for (uint32_t i = 0; i < r->n_reps; i++) ss += (v[i] - m) * (v[i] - m);
        double sd = sqrt(ss / (r->n_reps - 1));
        double tol = 3.5 * sd * sqrt(1.0 / r->n_reps + 1.0 / CS_VOLUME_PILOT_REPS);
        if (fabs(m - target[l]) > tol) fail_msg("line %zu offers %.1f, volume %.0f +- %.1f", l, m, target[l], tol);
        assert_true(s->lines[l].volume_factor < 0.9);   /* redials were a large part */
    }
    /* Callers really did redial and spill: attempts per own first attempt well above 1. */
    assert_true(sum_lc(r, 0, CS_LC_REDIALS) > 0.1 * sum_lc(r, 0, CS_LC_OFFERED));
    assert_true(sum_lc(r, 1, CS_LC_FROM_OTHER) > 0.05 * sum_lc(r, 1, CS_LC_OFFERED));
    cs_results_free(r);
    cs_scn_free(s);
    /* The default counts first attempts: offered attempts are far above the volume, and first
     * attempts match it. */
    snprintf(text, sizeof text, attempts_yaml, "first_attempts", "first_attempts");
    s = load(text);
    assert_int_equal(s->volume_pending, 0);
    r = run(s);
    assert_true(sum_lc(r, 0, CS_LC_OFFERED) / r->n_reps > 12000 * 1.15);
    double own = sum_lc(r, 0, CS_LC_CALLERS) - sum_lc(r, 0, CS_LC_FROM_OTHER);
    CHECK_POISSON(own, 12000.0 * r->n_reps);
    cs_results_free(r);
    cs_scn_free(s);
}

/* per_month: each month's volume spread over its days (a leap February included); a run that
 * starts mid-month sees its share of the month. */
static void test_per_month_and_leap_february(void **st)
{
    (void)st;
    cs_scn *s = load("name: x\nstart: 2024-01-16\nhorizon: 76d\nwarmup: 0\nreplications: 20\nseed: 3\n"
                     LINE("{per_month: {jan: 3100, feb: 2900, mar: 3100}}") POOL);
    cs_results *r = run(s);
    double R = r->n_reps;
    CHECK_POISSON(sum_days(r, 0, 0, 16), R * 3100 * 16 / 31.0);             /* 16-31 January */
    size_t f1 = (size_t)day_of(s, 2024, 2, 1), m1 = (size_t)day_of(s, 2024, 3, 1);
    CHECK_POISSON(sum_days(r, 0, f1, m1), R * 2900);
    CHECK_POISSON(sum_days(r, 0, m1 - 1, m1), R * 100);                      /* 29 February */
    assert_false(poisson_ok(sum_days(r, 0, f1, m1), R * 2900 * 28 / 29.0)); /* not a 28-day spread */
    CHECK_POISSON(sum_days(r, 0, m1, m1 + 31), R * 3100);
    /* 31 March 2024 is the 23-hour day of the spring change: 23 of March's 743 hours. */
    CHECK_POISSON(sum_days(r, 0, m1 + 30, m1 + 31), R * 3100 * 23 / 743.0);
    cs_results_free(r);
    cs_scn_free(s);
}

/* Month factors, bank holidays following Sunday's profile, special days with hours across
 * midnight and a special date, against hand-computed daily volumes. */
static const char *factors_yaml =
    "name: x\nstart: 2025-12-01\nhorizon: 62d\nwarmup: 0\nreplications: 20\nseed: 8\n"
    "bank_holidays: %s\n"
    "special_days:\n"
    "  - {name: New Year's Eve, date: 12-31, from: \"21:00\", to: \"03:00\", factor: 3}\n"
    "  - {name: match day, date: 2026-01-10, factor: 2}\n"
    LINE("{per_day: 240, profile: {hours: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1], days: {sun: "
         "0.5}}, months: {jan: 1.5}}") POOL;

static void test_seasons_and_special_days(void **st)
{
    (void)st;
    char text[2048];
    snprintf(text, sizeof text, factors_yaml, "{profile: sun}");
    cs_scn *s = load(text);
    cs_results *r = run(s);
    double R = r->n_reps;
    double wk = 240.0 * 7 / 6.5, sun = wk / 2;   /* a weekday's and a Sunday's calls */
#define DAY(y, m, d) sum_days(r, 0, (size_t)day_of(s, y, m, d), (size_t)day_of(s, y, m, d) + 1)
    CHECK_POISSON(DAY(2025, 12, 3), R * wk);                          /* an ordinary Wednesday */
    CHECK_POISSON(DAY(2025, 12, 7), R * sun);                         /* a Sunday */
    CHECK_POISSON(DAY(2025, 12, 25), R * sun);                        /* Christmas Day, like a Sunday */
    CHECK_POISSON(DAY(2025, 12, 31), R * wk * (21 + 3 * 3) / 24.0);   /* 21:00-24:00 x 3 */
    CHECK_POISSON(DAY(2026, 1, 1), R * sun * 1.5 * (21 + 3 * 3) / 24.0);   /* holiday, January, 00-03 x 3 */
    CHECK_POISSON(DAY(2026, 1, 7), R * wk * 1.5);                     /* January */
    CHECK_POISSON(DAY(2026, 1, 10), R * wk * 1.5 * 2);                /* the special date */
    /* Negative controls: without each factor the count would be outside the limits. */
    assert_false(poisson_ok(DAY(2025, 12, 25), R * wk));
    assert_false(poisson_ok(DAY(2025, 12, 31), R * wk));
    assert_false(poisson_ok(DAY(2026, 1, 7), R * wk));
    assert_false(poisson_ok(DAY(2026, 1, 10), R * wk * 1.5));
    cs_results_free(r);
    cs_scn_free(s);
    /* Bank holidays switched off: Christmas Day is an ordinary Thursday. */
    snprintf(text, sizeof text, factors_yaml, "off");
    s = load(text);
    r = run(s);
    CHECK_POISSON(DAY(2025, 12, 25), R * wk);
#undef DAY
    cs_results_free(r);
    cs_scn_free(s);
}

/* Same scenario and seed, same numbers whatever the thread count: pilots included. */
static void test_dated_results_do_not_depend_on_threads(void **st)
{
    (void)st;
    char text[2048];
    snprintf(text, sizeof text, attempts_yaml, "attempts", "first_attempts");
    double v[2][2][4];
    double fac[2];
    for (int k = 0; k < 2; k++) {
        cs_scn *s = load(text);
        s->replications = 4;
        s->horizon = 60 * 86400.0;
        cs_error err = {CS_OK, ""};
        assert_int_equal(cs_volume_calibrate(s, k + 1, NULL, &err), CS_OK);
        fac[k] = s->lines[0].volume_factor;
        cs_results *r = NULL;
        cs_run_opts o;
        memset(&o, 0, sizeof o);
        o.threads = k + 1;
        assert_int_equal(cs_run(s, &o, &r, &err), CS_OK);
        for (size_t l = 0; l < 2; l++)
            for (uint32_t i = 0; i < 4; i++) v[k][l][i] = cs_results_line_reps(r, l, CS_LK_OFFERED)[i];
        cs_results_free(r);
        cs_scn_free(s);
    }
    assert_true(fac[0] == fac[1]);
    assert_memory_equal(v[0], v[1], sizeof v[0]);
}

/* ---- dated staffing and windows ----------------------------------------------------------------- */

/* A dated on-duty file overrides the roster exactly where given and nowhere else, without the
 * pool's shrinkage: on-duty means per 15-minute interval of a one-week run.  With the expected
 * staffing every interval is exact; with random absence (the default) the file's numbers still
 * are, in every replication, and the roster's hours vary around their mean. */
#define ROTA_YAML                                                                                  \
    "name: x\nstart: 2025-06-02\nhorizon: 7d\nwarmup: 0\nreplications: %d\n"                     \
    "lines:\n  - {name: \"101\", arrivals: {rate: 0}, handle: 3m, allow_unstaffed: true}\n"         \
    "pools:\n  - name: h\n    lines: [\"101\"]\n    shrinkage: 50%%\n    absence: %s\n"              \
    "    on_duty: rota.csv\n    roster: [{days: all, start: \"08:00\", length: 10h, staff: 8}]\n"

static void test_on_duty_file_overrides_roster(void **st)
{
    (void)st;
    FILE *f = fopen("/tmp/callsim-dates/rota.csv", "w");
    assert_non_null(f);
    fputs("date,time,staff\n2025-06-03,10:00,7\n2025-06-03,14:00,\n2025-06-05,20:00,2\n", f);
    fclose(f);
    char text[1024];
    snprintf(text, sizeof text, ROTA_YAML, 2, "expected");
    cs_scn *s = load(text);
    assert_string_equal(s->pools[0].on_duty_file, "rota.csv");
    cs_results *r = run(s);
    /* 2025-06-02 is a Monday, so slot k of the week is 15-minute interval k of the run. */
    for (size_t k = 0; k < 672; k++) {
        double t = (double)k * 900;
        int day = (int)(k / 96), h4 = (int)(k % 96);   /* quarter hours since midnight */
        int want = h4 >= 32 && h4 < 72 ? 4 : 0;        /* roster: 8 x (1 - 50%) from 08:00 to 18:00 */
        if (day == 1 && h4 >= 40 && h4 < 56) want = 7; /* Tuesday 10:00-14:00 from the file */
        if (day == 3 && h4 >= 80) want = 2;            /* Thursday 20:00 to midnight (last row) */
        double m, h;
        cs_results_pool_slots(r, 0, &k, 1, CS_IPK_ON_DUTY, &m, &h);
        if (m != want) fail_msg("interval %zu: %g on duty, expected %d", k, m, want);
        assert_int_equal(cs_scn_staff_at(&s->pools[0], t), want);
    }
    cs_results_free(r);
    cs_scn_free(s);

    /* Random absence: 8 people a day, each present with probability 1/2. */
    snprintf(text, sizeof text, ROTA_YAML, 20, "random");
    s = load(text);
    r = run(s);
    double roster_sum = 0, n_roster = 0;
    int varies = 0;
    for (size_t k = 0; k < 672; k++) {
        int day = (int)(k / 96), h4 = (int)(k % 96);
        int fixed = -1;
        if (h4 < 32 || h4 >= 72) fixed = 0;
        if (day == 1 && h4 >= 40 && h4 < 56) fixed = 7;
        if (day == 3 && h4 >= 80) fixed = 2;
        double m, h;
        cs_results_pool_slots(r, 0, &k, 1, CS_IPK_ON_DUTY, &m, &h);
        if (fixed >= 0) {
            if (m != fixed || h != 0) fail_msg("interval %zu: %g ± %g on duty, expected %d", k, m, h, fixed);
        } else {
            roster_sum += m;
            n_roster++;
            if (m != 4) varies = 1;
        }
    }
    /* The mean over 20 replications x 7 days of Binomial(8, 1/2) (sd 1.41): 4 ± 0.12, so
     * 0.5 is four standard errors. */
    assert_true(fabs(roster_sum / n_roster - 4) < 0.5);
    assert_true(varies);   /* negative control: not the expected staffing */
    cs_results_free(r);
    cs_scn_free(s);
}

/* An on-duty path that is not a regular file is refused at load (a FIFO would block). */
static void test_on_duty_file_must_be_a_file(void **st)
{
    (void)st;
    const char *yaml = "name: x\nstart: 2025-06-02\nhorizon: 7d\nwarmup: 0\n"
                       "lines:\n  - {name: \"101\", arrivals: {rate: 0}, handle: 3m}\n"
                       "pools:\n  - {name: h, lines: [\"101\"], staff: 2, on_duty: %s}\n";
    char text[512], errs[2048];
    mkdir("/tmp/callsim-dates/rota_dir", 0700);
    snprintf(text, sizeof text, yaml, "rota_dir");
    load_errors(text, errs, sizeof errs);
    if (!strstr(errs, "s.yaml:8:50:")) fail_msg("%s", errs);
    assert_non_null(strstr(errs, "it is a folder, not a file"));
    unlink("/tmp/callsim-dates/rota_fifo");
    assert_int_equal(mkfifo("/tmp/callsim-dates/rota_fifo", 0600), 0);
    snprintf(text, sizeof text, yaml, "rota_fifo");
    load_errors(text, errs, sizeof errs);
    assert_non_null(strstr(errs, "it is a FIFO (named pipe), not a file"));
    unlink("/tmp/callsim-dates/rota_fifo");
}

/* Every way an attempt ends reaches daily.csv on its day: per replication the days add up to the
 * run's counters, hang-ups while BT connects (counted as abandoned in the queue) included. */
static void test_daily_counts_add_up_to_the_run(void **st)
{
    (void)st;
    cs_scn *s = load("name: x\nstart: 2025-03-24\nhorizon: 10d\nwarmup: 0\nreplications: 3\n"
                     "lines:\n  - name: \"999\"\n    arrivals: {per_day: 2000}\n    capacity: {trunks: 4}\n"
                     "    connect: {dist: uniform, min: 1.5s, max: 6s}\n"
                     "    handle: {dist: exponential, mean: 3m}\n"
                     "    patience: {dist: exponential, mean: 8s}\n"
                     "pools:\n  - {name: h, lines: [\"999\"], staff: 2, absence: expected}\n");
    cs_results *r = run(s);
    static const int pairs[][2] = {{CS_DK_OFFERED, CS_LC_OFFERED},
                                   {CS_DK_ANSWERED, CS_LC_ANSWERED},
                                   {CS_DK_CUT_OFF, CS_LC_CUT_OFF}};
    size_t n_days = r->reps[0].n_days;
    assert_int_equal(n_days, 10);
    for (uint32_t i = 0; i < r->n_reps; i++) {
        const double *lc = cs_rs_line_c(&r->reps[i], 0);
        double sum[CS_DK_N] = {0};
        for (size_t d = 0; d < n_days; d++)
            for (int k = 0; k <= CS_DK_CUT_OFF; k++) sum[k] += cs_daily_value(&r->reps[i], 0, d, k);
        for (size_t j = 0; j < sizeof pairs / sizeof pairs[0]; j++)
            assert_true(sum[pairs[j][0]] == lc[pairs[j][1]]);
        assert_true(sum[CS_DK_ABANDONED] == lc[CS_LC_ABANDONED_IVR] + lc[CS_LC_ABANDONED_QUEUE]);
        assert_true(lc[CS_LC_ABANDONED_QUEUE] > 0 && lc[CS_LC_CUT_OFF] > 0);
    }
    cs_results_free(r);
    cs_scn_free(s);
}

/* Random absence draws people on the scenario's own clock: across the October clock change a
 * 08:00-18:00 shift still runs 08:00-18:00 local (with no shrinkage the draw is the roster),
 * which the undated week would put an hour early on the Sunday and after. */
static void test_random_absence_keeps_local_shift_times(void **st)
{
    (void)st;
    cs_scn *s = load("name: x\nstart: 2025-10-24\nhorizon: 4d\nwarmup: 0\nreplications: 2\n"
                     "lines:\n  - {name: \"101\", arrivals: {rate: 0}, handle: 3m, allow_unstaffed: true}\n"
                     "pools:\n  - name: h\n    lines: [\"101\"]\n    shrinkage: 0\n"
                     "    roster: [{days: all, start: \"08:00\", length: 10h, staff: 5}]\n");
    assert_int_equal(s->pools[0].absence, CS_ABSENCE_RANDOM);
    cs_results *r = run(s);
    /* Friday 24 October to Monday 27 October: the local week's slots from Friday 00:00. */
    for (size_t d = 4; d < 8; d++)
        for (size_t q = 0; q < 96; q++) {
            size_t k = (d % 7) * 96 + q;
            double m, h;
            cs_results_pool_slots(r, 0, &k, 1, CS_IPK_ON_DUTY, &m, &h);
            double want = q >= 32 && q < 72 ? 5 : 0;
            if (m != want) fail_msg("day %zu, quarter %zu: %g on duty, expected %g", d % 7, q, m, want);
        }
    cs_results_free(r);
    cs_scn_free(s);
}

static void test_dated_windows_keep_local_time(void **st)
{
    (void)st;
    cs_scn *s = load("name: x\nstart: 2025-10-21\nhorizon: 14d\n" LINE("{per_day: 100}") POOL
                     "surges:\n"
                     "  - {name: a, start: \"Sat 23:00\", length: 4h, factor: 2, weekly: true}\n"
                     "  - {name: b, start: \"Fri 18:00\", length: 2h, factor: 2}\n"
                     "  - {name: c, start: \"day 3 18:00\", end: \"2025-10-26 01:30\", factor: 2}\n"
                     "outages: [{start: \"2025-10-26 00:30\", length: 3h}]\n");
    const cs_clock *c = &s->clock;
#define T(y, m, d, hh, mi) cs_clock_t_of_date(c, y, m, d, (hh) * 3600.0 + (mi) * 60.0, CS_DATE_FOLD_FIRST, NULL)
    /* Weekly: Saturday 23:00 to Sunday 03:00 local; across the October change 5 elapsed hours. */
    const cs_window *a = &s->surges[0];
    assert_int_equal(a->n_inst, 2);
    assert_true(a->inst[0] == T(2025, 10, 25, 23, 0) && a->inst[1] == T(2025, 10, 26, 3, 0));
    assert_true(a->inst[1] - a->inst[0] == 5 * 3600.0);
    assert_true(a->inst[2] == T(2025, 11, 1, 23, 0) && a->inst[3] - a->inst[2] == 4 * 3600.0);
    /* "Fri 18:00" is the first Friday on or after the start (a Tuesday). */
    assert_true(s->surges[1].start == T(2025, 10, 24, 18, 0));
    /* "day 3" is the third day of the run; a dated end. */
    assert_true(s->surges[2].start == T(2025, 10, 23, 18, 0));
    assert_true(s->surges[2].end == T(2025, 10, 26, 1, 30));
    /* The outage's length is local clock time: 00:30 to 03:30 local is 4 elapsed hours. */
    assert_true(s->outages[0].window.end - s->outages[0].window.start == 4 * 3600.0);
#undef T
    cs_scn_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_that_need_a_start_date),
        cmocka_unit_test(test_calendar_key_errors),
        cmocka_unit_test(test_per_year_undated_is_365_days),
        cmocka_unit_test(test_per_year_first_attempts),
        cmocka_unit_test(test_attempts_match_the_volume),
        cmocka_unit_test(test_dated_results_do_not_depend_on_threads),
        cmocka_unit_test(test_per_month_and_leap_february),
        cmocka_unit_test(test_seasons_and_special_days),
        cmocka_unit_test(test_on_duty_file_overrides_roster),
        cmocka_unit_test(test_random_absence_keeps_local_shift_times),
        cmocka_unit_test(test_daily_counts_add_up_to_the_run),
        cmocka_unit_test(test_on_duty_file_must_be_a_file),
        cmocka_unit_test(test_dated_windows_keep_local_time),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
