/* Calendar time: civil dates, UK local time, England & Wales bank holidays, and the clock that
 * maps simulated seconds to local dates and times.
 *
 * The kernel counts seconds (sim/); this module says what those seconds are in a planner's
 * words: "Tuesday 1 April 2025, 07:15 BST", "a bank holiday", "the night the clocks go back".
 * It is pure arithmetic: no globals, no allocation except in the expanders (which build arrays
 * once, before a run), no TZ environment, no timegm()/mktime(), so results are the same on
 * every machine and thread, and every lookup can be called concurrently on a shared value.
 *
 * Prefixes.  The module is "calendar", but cs_cal_ belongs to the event calendar (sim/cal.h,
 * a different thing with the same everyday name), and cs_calendar_ would collide with it in
 * every grep and completion.  So two short prefixes, one per kind of thing:
 *   cs_date_   stateless arithmetic on civil dates and UK time: day numbers, weekdays, leap
 *              years, Easter, bank holidays, the BST rule.  io/timestamp is built on these.
 *   cs_clock_  the simulation clock (a small value set once from the scenario's `start:`),
 *              the conversions between simulated seconds and local date/time, formatting, and
 *              the expanders that turn weekly plans (demand profiles, rosters) into dated
 *              pieces over the horizon.
 *
 * ---- Civil dates -------------------------------------------------------------------------------
 * A date is a day number: days since 1970-01-01 (negative before), proleptic Gregorian
 * calendar (Howard Hinnant's days_from_civil).  Weekdays count from Monday = 0 to Sunday = 6,
 * the way rosters and profiles are written.
 *
 * ---- UK local time -----------------------------------------------------------------------------
 * Europe/London by the rule in force since 1996 (Summer Time Order 2002, EU Directive
 * 2000/84/EC): BST (UTC+1) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
 * Sunday of October, GMT (UTC+0) otherwise.  The rule is applied to every year; UK dates before
 * 1996 (other October rules) come out wrong by an hour near the old change dates.
 * "Local wall seconds" are seconds since 1970-01-01 00:00 *local*, i.e. day number * 86400 +
 * seconds since local midnight; they repeat in October and skip in March:
 *   - October: 01:00-01:59:59 local happens twice (first BST, then GMT): CS_DATE_REPEATED; the
 *     caller chooses the reading with cs_date_fold.
 *   - March: 01:00-01:59:59 local never happens (01:00 GMT becomes 02:00 BST): CS_DATE_MISSING.
 *
 * ---- Bank holidays (England & Wales) ------------------------------------------------------------
 * See cs_date_bank_holidays: the statutory rules with substitute days, plus every one-off change
 * since 1978 (the year the early May holiday began), from gov.uk and the proclamations.
 *
 * ---- The simulation clock ----------------------------------------------------------------------
 * A cs_clock is either
 *   undated (no `start:`): t = 0 is Monday 00:00, local time = t, no clock changes, no dates,
 *            no bank holidays.  This is exactly the behaviour callsim had before calendars:
 *            week positions are computed with the same expression the engine uses
 *            (t - CS_WEEK * floor(t / CS_WEEK)), so existing scenarios give the same bytes; or
 *   dated    (`start: 2025-04-01`): t = 0 is local UK midnight at the start of that date, and t
 *            counts elapsed (real) seconds from there, so a day is 23 or 25 hours long when the
 *            clocks change.  Local date, time of day, weekday, month, day of year and whether
 *            the day is a bank holiday follow from t.
 * "Day" in cs_clock_ functions is the local day index: 0 on the start date (undated: the first
 * Monday), counted in local calendar days, so day k starts at local midnight, whatever the
 * number of elapsed hours in between.
 *
 * Local time -> t (cs_clock_t_of): the documented choice for the two odd hours, the same for
 * every plan (rosters, dated staffing rows, special-day hours):
 *   - repeated hour (October): FOLD_FIRST (default) = the first time the clock shows that time
 *     (BST); FOLD_SECOND = the second (GMT), an hour later.
 *   - missing hour (March): the instant of the change itself (01:00 UTC, the moment local time
 *     jumps from 01:00 GMT to 02:00 BST), whatever the fold.  This keeps local -> t
 *     non-decreasing, so a sorted list of local times gives a sorted list of instants and a
 *     step function built from them (a dated staffing CSV) stays a step function; steps inside
 *     the missing hour get zero length.  (io/timestamp reads a *logged* timestamp in the gap
 *     with the old offset, as a device whose clock had not changed would mean; a *plan* for a
 *     time that does not exist can only start when the clock gets past it.)
 *
 * ---- Expanders ------------------------------------------------------------------------------------
 * Built once per scenario by the loader or the engine's setup (they allocate), then read-only:
 *   cs_clock_expand_demand  week profile x month factors x special days, bank holidays
 *                           following a chosen weekday's profile -> a step function of t
 *                           (cs_clock_steps) with cumulative integrals, for arrivals by exact
 *                           inversion of the integrated rate (as models/centre.c does).
 *   cs_clock_expand_shifts  weekly shifts (cs_shift: days mask, local start, length) -> every
 *                           shift instance [start, end) over the horizon, in t.
 *   cs_clock_expand_weekly  any weekly window in local week time (a surge, an effect, a weekly
 *                           outage) -> its instances over the horizon, in t.
 * Local clock times are kept across clock changes: a 22:00 shift starts at 22:00 local on both
 * sides of a change; a piece of profile for 08:00-08:15 covers 08:00-08:15 local every day.
 * A shift (or window) ends at its local end time, so the night shift over the October change is
 * an hour longer in elapsed time and over the March change an hour shorter: that is what a
 * rota means (people go home when the clock says so).  The profile's 01:00-02:00 slot is
 * used twice on the October change day and not at all on the March one.
 *
 * Memory (demand).  One piece per profile slot per day, cut further at midnight, clock changes
 * and special-day hours, with equal neighbours merged in dated mode: a year of a 15-minute
 * profile is at most ~35,100 pieces, 24 bytes each (breakpoint, rate, cumulative integral),
 * about 0.85 MB per line, shared read-only by every replication; a flat 999 line with month
 * factors is a few hundred pieces.  Undated steps are the profile's own slots, cut exactly
 * where the engine cuts them today (no merging), so the arithmetic of the arrival inversion
 * does not change by a bit.
 *
 * Errors.  Validation belongs to io/ (with file:line:col); the expanders still refuse what
 * would be meaningless (month factors without a start date, a special day 31 April, a negative
 * factor) with CS_EINPUT and a message naming what is wrong, and CS_ENOMEM if memory runs out,
 * leaving *out empty.  Bugs (a month 13 passed to arithmetic, a non-finite t) are CS_REQUIRE.
 *
 * Thread safety: everything here reads only its arguments; a cs_clock, cs_clock_steps and
 * cs_clock_spans can be shared by any number of threads once built. */
#ifndef CS_CALENDAR_H
#define CS_CALENDAR_H

#include <stddef.h>

#include "models/roster.h"
#include "sim/status.h"

/* models/scenario.h defines cs_profile and includes this header (a scenario holds its clock),
 * so the profile is only declared here and scenario.h is included at the end, for users of this
 * header that want the profile's fields. */
typedef struct cs_profile cs_profile;

/* ================================================================================================
 * Civil dates (proleptic Gregorian).  Day numbers are days since 1970-01-01.
 * ============================================================================================== */

/** @brief Day number of y-m-d.  m must be 1-12 (CS_REQUIRE); d past the month's end rolls over
 *  arithmetically (2025-01-32 is 2025-02-01), d = 0 is the last day of the previous month. */
long cs_date_days_from_civil(int y, int m, int d);

/** @brief y-m-d of a day number (OUT, any may be NULL; m 1-12, d 1-31). */
void cs_date_civil_from_days(long day, int *y, int *m, int *d);

/** @brief Weekday of a day number: 0 = Monday ... 6 = Sunday. */
int cs_date_weekday(long day);

/** @brief 1 if y is a Gregorian leap year (divisible by 4, not by 100 unless by 400). */
int cs_date_is_leap(int y);

/** @brief 28-31 (m must be 1-12). */
int cs_date_days_in_month(int y, int m);

/** @brief 1 if y-m-d is a real date (m 1-12, d 1 to the month's length). */
int cs_date_is_valid(int y, int m, int d);

/** @brief Day of the year: 1 for 1 January ... 365 or 366 for 31 December. */
int cs_date_day_of_year(int y, int m, int d);

/** @brief Day number of the n-th given weekday (0 = Monday) of month m of year y: n = 1 first,
 *  2 second, ...; n = -1 last, -2 second last.  |n| must be 1-4 (CS_REQUIRE). */
long cs_date_nth_weekday(int y, int m, int weekday, int n);

/* ================================================================================================
 * UK local time (Europe/London, see the rule above).  Epoch seconds are UTC seconds since
 * 1970-01-01T00:00:00Z; |epoch| must stay within 1e13 s (about +-317,000 years).
 * ============================================================================================== */

/** Which of the two readings of a repeated local time (October) to take. */
typedef enum cs_date_fold {
    CS_DATE_FOLD_FIRST = 0, /* the first time the clock shows it (BST) */
    CS_DATE_FOLD_SECOND = 1 /* the second time (GMT), one hour later */
} cs_date_fold;

/* Bits set in *flags by the local -> instant conversions. */
#define CS_DATE_REPEATED 1 /* local time in the repeated hour (October); fold decided */
#define CS_DATE_MISSING 2  /* local time in the skipped hour (March) */

/** @brief Epoch second (UTC) at which BST starts in year y: 01:00 UTC, last Sunday of March. */
long long cs_date_uk_bst_start(int y);

/** @brief Epoch second (UTC) at which BST ends in year y: 01:00 UTC, last Sunday of October. */
long long cs_date_uk_bst_end(int y);

/** @brief UK offset from UTC in force at an epoch second: 3600 (BST) or 0 (GMT). */
int cs_date_uk_offset(long long epoch_s);

/**
 * @brief Local wall seconds (day number * 86400 + seconds since local midnight) to epoch
 * seconds.  In the repeated hour, fold picks the reading; in the missing hour the time is read
 * with the offset in force before the change (GMT), so 01:30 local = 01:30 UTC = 02:30 BST,
 * the reading of a device whose clock had not yet changed (PEP 495, fold = 0).  This is the
 * reading io/timestamp gives log timestamps; the simulation clock (cs_clock_t_of) makes a
 * different choice for plans, see the top of this header.
 * @param local_s  |local_s| <= 1e13, finite (CS_REQUIRE)
 * @param flags    OUT (may be NULL): CS_DATE_REPEATED, CS_DATE_MISSING or 0
 */
double cs_date_uk_to_epoch(double local_s, cs_date_fold fold, int *flags);

/* ================================================================================================
 * Easter and England & Wales bank holidays.
 * ============================================================================================== */

/** @brief Day number of Easter Sunday in Gregorian year y (y >= 1583; CS_REQUIRE), by the
 *  anonymous Gregorian algorithm (Meeus, Astronomical Algorithms, ch. 8; Butcher 1876). */
long cs_date_easter(int y);

/** Most bank holidays any year has (2022 had 10). */
#define CS_DATE_MAX_HOLIDAYS 12

typedef struct cs_date_holiday {
    long day;         /* day number */
    const char *name; /* static text, e.g. "Boxing Day (substitute day)" */
} cs_date_holiday;

/**
 * @brief The bank holidays of England & Wales in year y, sorted by date.
 * Rules (Banking and Financial Dealings Act 1971, Schedule 1; New Year's Day and the early May
 * holiday by annual royal proclamation since 1974 and 1978; Christmas Day and Good Friday are
 * common-law holidays; substitute days as gov.uk publishes them):
 *   New Year's Day (1 Jan), Good Friday and Easter Monday (Easter -2, +1), early May (first
 *   Monday of May), spring (last Monday of May), summer (last Monday of August), Christmas Day
 *   and Boxing Day.  New Year's Day, Christmas Day or Boxing Day falling on a Saturday or Sunday
 *   moves to the next weekday that is not already a holiday (Christmas on a Sunday: Boxing Day
 *   Mon 26, Christmas substitute Tue 27; Christmas on a Saturday: Mon 27 and Tue 28).
 * One-off changes by proclamation, since 1978 (gov.uk/bank-holidays and the London Gazette):
 *   1981-07-29 royal wedding; 1995 early May moved to Mon 8 May (VE Day 50); 1999-12-31
 *   millennium; 2002 spring moved to Tue 4 June, extra Mon 3 June (Golden Jubilee); 2011-04-29
 *   royal wedding; 2012 spring moved to Mon 4 June, extra Tue 5 June (Diamond Jubilee); 2020
 *   early May moved to Fri 8 May (VE Day 75); 2022 spring moved to Thu 2 June, extra Fri 3 June
 *   (Platinum Jubilee) and Mon 19 September (state funeral of Queen Elizabeth II); 2023-05-08
 *   coronation of King Charles III.
 * Years before 1978 get today's rules projected back (not their history); future years get
 * the rules as they stand, so any one-off announced later must be added to the table in
 * calendar.c.
 * @param out  OUT: room for CS_DATE_MAX_HOLIDAYS
 * @return how many were written (8 in an ordinary year).  y >= 1583 (CS_REQUIRE).
 */
int cs_date_bank_holidays(int y, cs_date_holiday out[CS_DATE_MAX_HOLIDAYS]);

/** @brief The name of the England & Wales bank holiday on a day number, or NULL if none. */
const char *cs_date_bank_holiday(long day);

/* ================================================================================================
 * The simulation clock.
 * ============================================================================================== */

/** A small value: set by cs_clock_init / cs_clock_init_date, then read-only.  Fields are
 *  public for stack use and inspection; set them only through the init functions. */
typedef struct cs_clock {
    int dated;          /* 0: no start date (t = 0 is Monday 00:00, local time = t) */
    long start_day;     /* dated: day number of the start date */
    long long t0_epoch; /* dated: epoch second of local midnight at the start of the start date */
    int off0;           /* dated: UTC offset in force at t = 0 (0 or 3600) */
} cs_clock;

/** @brief An undated clock (today's behaviour).  Cannot fail. */
void cs_clock_init(cs_clock *c);

/**
 * @brief A dated clock: t = 0 is local UK midnight at the start of y-m-d.
 * @return CS_OK, or CS_EINPUT (c left undated) if y-m-d is not a date of years 1583-9999,
 *         with a message such as "start date 2025-02-29 does not exist (February 2025 has 28
 *         days)".
 */
cs_status cs_clock_init_date(cs_clock *c, int y, int m, int d, cs_error *err);

/** Everything about one instant in local terms.  Date fields are 0 when the clock is undated. */
typedef struct cs_clock_local {
    long day;          /* local day index: 0 on the start date (undated: t / 86400, floored) */
    double sod;        /* seconds since local midnight, [0, 86400); fraction of t kept */
    int weekday;       /* 0 = Monday ... 6 = Sunday */
    double week_s;     /* seconds since local Monday 00:00 = weekday * 86400 + sod, for week
                        * profiles and the week-of-day intervals */
    int hour_of_week;  /* (int)(week_s / 3600): 0 = Monday 00:00-01:00 ... 167 */
    /* dated only: */
    long date;         /* day number (days since 1970-01-01) */
    int y, m, d;       /* local civil date; m 1-12 */
    int doy;           /* day of year 1-366 */
    int utc_offset;    /* 0 (GMT) or 3600 (BST) */
    int bank_holiday;  /* 1 on an England & Wales bank holiday */
} cs_clock_local;

/** @brief Local view of simulated time t (finite, |t| <= 1e12; CS_REQUIRE).  No allocation;
 *  the bank-holiday test costs ~100 integer operations, so per-event use is fine but the
 *  engine's per-call needs are better served by cs_clock_week_s. */
void cs_clock_at(const cs_clock *c, double t, cs_clock_local *out);

/** @brief Seconds since local Monday 00:00 at t, [0, CS_WEEK): the hot-path subset of
 *  cs_clock_at.  Undated: exactly t - CS_WEEK * floor(t / CS_WEEK), as the engine computes
 *  it today. */
double cs_clock_week_s(const cs_clock *c, double t);

/**
 * @brief Simulated time of local time sod (seconds since midnight; may exceed 86400 or be
 * negative and rolls over into later or earlier days) on local day `day` (0 = the start date).
 * Repeated hour: fold decides; missing hour: the instant of the change (see the top).
 * Undated: day * 86400 + sod, flags 0.
 * @param flags OUT (may be NULL): CS_DATE_REPEATED, CS_DATE_MISSING or 0.
 */
double cs_clock_t_of(const cs_clock *c, long day, double sod, cs_date_fold fold, int *flags);

/** @brief Local day index of civil date y-m-d (dated clocks only; CS_REQUIRE). Negative
 *  before the start date. */
long cs_clock_day_of_date(const cs_clock *c, int y, int m, int d);

/** @brief cs_clock_t_of for a civil date: the lookup for dated staffing rows (date,time,staff).
 *  Dated clocks only (CS_REQUIRE); the loader must refuse dated rows without `start:`.
 *  A CSV can give the repeated hour twice (two rows "2025-10-26,01:00"): read the first with
 *  FOLD_FIRST and the second with FOLD_SECOND. */
double cs_clock_t_of_date(const cs_clock *c, int y, int m, int d, double sod, cs_date_fold fold,
                          int *flags);

typedef enum cs_clock_fmt {
    CS_CLOCK_FMT_MINUTE, /* "2025-04-01 07:15"            undated: "Mon 07:15", "week 2 Mon 07:15" */
    CS_CLOCK_FMT_SECOND, /* "2025-04-01 07:15:30"         undated: "Mon 07:15:30", ... */
    CS_CLOCK_FMT_ISO,    /* "2025-04-01T07:15:30+01:00"   undated: as FMT_SECOND */
    CS_CLOCK_FMT_DATE    /* "2025-04-01"                  undated: "Mon", "week 2 Mon" */
} cs_clock_fmt;

/**
 * @brief Writes t as local date-time text, rounded to the nearest second first (so 59.6 s
 * shows as the next minute in FMT_SECOND and the minute is truncated in FMT_MINUTE, as
 * io/results' week times do).  Only FMT_ISO tells the two passes of the repeated October hour
 * apart (+01:00, then +00:00).  The undated forms are the ones the report already parses
 * ("week N" only from the second week on).
 * @return like snprintf: the length of the full text (always < 40), or -1 (and "" if n > 0)
 *         if t is not finite or |t| > 1e12.
 */
int cs_clock_format(const cs_clock *c, double t, cs_clock_fmt fmt, char *buf, size_t n);

/* ================================================================================================
 * Expanders.
 * ============================================================================================== */

/** A step function of simulated time over [0, horizon): rate[i] on [at[i], at[i+1]).
 *  Caller-owned storage, filled by an expander, released by cs_clock_steps_fini. */
typedef struct cs_clock_steps {
    size_t n;     /* pieces, >= 1 */
    double *at;   /* n + 1 breakpoints: at[0] = 0 < at[1] < ... < at[n] = horizon */
    double *rate; /* n values (per second for demand) */
    double *cum;  /* n + 1: cum[i] = integral of rate over [0, at[i]); cum[n] = the total */
} cs_clock_steps;

/** A special day: a factor on one date or every year on a month-day, optionally only for
 *  some local hours.  Several specials on the same time multiply; they multiply the month
 *  factor and the (possibly bank-holiday-swapped) profile too. */
typedef struct cs_clock_special {
    int year;         /* 0 = every year on month-day (29 February: leap years only) */
    int month, day;
    double factor;    /* >= 0, finite */
    int has_hours;    /* 0 = the whole local day */
    double from, to;  /* local seconds since midnight of that day, 0 <= from < 86400,
                       * 0 <= to <= 86400; to <= from means it ends on the next day
                       * (New Year's Eve 21:00-03:00: from 75600, to 10800) */
} cs_clock_special;

/** What a line's demand is made of.  Only `week` is required. */
typedef struct cs_clock_demand {
    const cs_profile *week;          /* rate per slot of the local week (models/scenario.h) */
    const double *month_factor;      /* 12 factors, January first, or NULL (all 1) */
    int holiday_as;                  /* -1: bank holidays use their own weekday's profile;
                                      * 0-6: they use this weekday's (6 = "like a Sunday") */
    const cs_clock_special *special; /* may be NULL when n_special == 0 */
    size_t n_special;
} cs_clock_demand;

/**
 * @brief Expands a line's demand over [0, horizon) into a step function of t.
 * rate(t) = week->rate[slot of the local week position, with a bank holiday's weekday replaced
 * by holiday_as] * month_factor[local month] * product of the specials covering the local
 * date-time.  Undated clocks: month factors and specials are refused (CS_EINPUT, they need
 * dates); holiday_as is ignored (there are no holidays); the result is the week profile
 * repeated, with breakpoints CS_WEEK * k + (s + 1) * slot_len exactly as models/centre.c's
 * rate_piece computes them, one piece in all if the profile has one slot.
 * @param horizon  > 0, finite (CS_REQUIRE)
 * @param out      OUT: filled on CS_OK; zeroed on failure
 * @return CS_OK, CS_EINPUT or CS_ENOMEM.
 */
cs_status cs_clock_expand_demand(const cs_clock *c, const cs_clock_demand *spec, double horizon,
                                 cs_clock_steps *out, cs_error *err);

/** @brief Frees the arrays inside s and zeroes it (s itself is the caller's).  NULL, or an
 *  already released or zeroed s, is a no-op. */
void cs_clock_steps_fini(cs_clock_steps *s);

/** @brief Index i of the piece with at[i] <= t < at[i+1]; t < 0 gives 0, t >= horizon n - 1.
 *  O(log n), no allocation. */
size_t cs_clock_steps_find(const cs_clock_steps *s, double t);

/** @brief Integral of the step function over [a, b] clipped to [0, horizon]; 0 if b <= a.
 *  E.g. expected arrivals of a line between two instants, or the scale that makes a year's
 *  total equal a published "per_year" figure. */
double cs_clock_steps_integral(const cs_clock_steps *s, double a, double b);

/** One instance of a weekly plan: [start, end) in simulated seconds. */
typedef struct cs_clock_span {
    double start, end; /* start may be < 0 (a night shift begun the evening before t = 0) */
    size_t index;      /* which shift of the roster (0 for cs_clock_expand_weekly) */
    long day;          /* local day index of the start (may be -1) */
} cs_clock_span;

/** Instances sorted by (start, index); caller-owned storage, released by cs_clock_spans_fini. */
typedef struct cs_clock_spans {
    cs_clock_span *v;
    size_t n;
} cs_clock_spans;

/**
 * @brief Every instance over the horizon of a weekly roster: for each local date whose weekday
 * is in shift.days, [t_of(date, start), t_of(date, start + length)) with FOLD_FIRST, so starts
 * and ends keep their local clock times across clock changes and the elapsed length changes by
 * an hour on change nights (see the top).  Instances that overlap [0, horizon) are listed,
 * unclipped (the caller clips); instances of zero elapsed length (both ends inside the missing
 * hour) are dropped.  Undated clocks: start = day * 86400 + shift.start, end = start + length,
 * which is the week-periodic roster models/ uses today.  break_time, staff: the caller's.
 * @param horizon  > 0, finite (CS_REQUIRE)
 * @return CS_OK; CS_EINPUT if a shift has a non-finite or negative start or a length that is
 *         not > 0 (at most 7 days); CS_ENOMEM.  *out is zeroed on failure.
 */
cs_status cs_clock_expand_shifts(const cs_clock *c, const cs_shift *shifts, size_t n_shifts,
                                 double horizon, cs_clock_spans *out, cs_error *err);

/**
 * @brief Instances over the horizon of a window given in local week time [wstart, wend)
 * (seconds since Monday 00:00, 0 <= wstart < CS_WEEK, 0 <= wend <= CS_WEEK; wend <= wstart
 * wraps past Sunday midnight), the way cs_window.weekly windows are written: a surge "Friday
 * 19:00 to Saturday 03:00" happens at those local times every week.  Same rules as the shifts
 * (it is a one-shift roster), index 0.
 */
cs_status cs_clock_expand_weekly(const cs_clock *c, double wstart, double wend, double horizon,
                                 cs_clock_spans *out, cs_error *err);

/** @brief Frees the array inside s and zeroes it.  NULL or a zeroed s is a no-op. */
void cs_clock_spans_fini(cs_clock_spans *s);

/* Last, so that scenario.h finds cs_clock defined whichever header is included first. */
#include "models/scenario.h"

#endif
