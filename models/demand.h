/* Dated demand: the local days of a run with a start date, and what each line's arrival rate is
 * on them (prefixes cs_days_ and cs_demand_).
 *
 * Concept.  Without a start date a line's rate is its week profile repeated (cs_line.demand),
 * and the engine reduces t modulo a week.  With `start:` the rate also follows the calendar:
 *
 *   rate(t) = week->rate[slot of (row[d] * 86400 + local time of day)]
 *             x factor[d]
 *             x product of the hour-limited special days covering t,
 *
 * where d is the local day of t, row[d] is the weekday whose profile the day follows (its own
 * weekday, or the chosen weekday on a bank holiday), and factor[d] the month factor times the
 * whole-day special days times any volume scaling (per_year, per_month, counts: attempts).
 * That is the same function models/calendar's cs_clock_expand_demand builds as an explicit
 * step function (tests/test_demand.c checks the integrals agree), stored compactly: a factor
 * and a row per day (9 bytes) instead of one piece per profile slot per day (24 bytes x 96 a
 * day for a 15-minute profile).  A year of one line is about 3.3 KB plus its special-day spans;
 * 86 lines are well under a megabyte, shared read-only by every replication and thread.
 *
 * Local time in a day.  cs_days lists each local day d with the t of its local midnight
 * t0[d] and the clock change inside it, if any: local seconds since midnight are
 *   sod(t) = t - t0[d] + (t >= jump_at[d] ? jump[d] : 0),
 * jump = +3600 on the March change day (01:00 GMT becomes 02:00 BST: a 23-hour day whose
 * 01:00-02:00 profile slot is never used) and -3600 on the October day (02:00 BST becomes
 * 01:00 GMT: a 25-hour day that uses the 01:00-02:00 slot twice).  So profiles keep their
 * local clock times across the changes, as rosters do (models/calendar.h).
 *
 * Pieces.  cs_demand_piece gives the rate at t and the end of the piece of constant rate
 * containing t: the next profile slot boundary, local midnight, the clock change, or a special
 * day's edge, whichever comes first.  The engine inverts the integrated rate piece by piece
 * (models/centre.c), so arrivals are exact.  With a cursor that only moves forward the lookup
 * is O(1) amortised; no allocation.
 *
 * Ownership.  cs_days_build/cs_demand_build allocate; cs_days_free/cs_demand_free release
 * (NULL is a no-op).  A cs_demand borrows the week profile it was built with (the line's
 * cs_profile inside the same cs_scn), which must outlive it and keep its address.
 *
 * Threads.  Built once, then read-only: any number of threads may read one at a time, each
 * with its own cursor. */
#ifndef CS_MODELS_DEMAND_H
#define CS_MODELS_DEMAND_H

#include <stddef.h>

#include "models/calendar.h"
#include "models/scenario.h"
#include "sim/status.h"

/* The local days of a dated run. */
struct cs_days {
    size_t n;               /* days listed, 0 (the start date) to n - 1 */
    size_t n_run;           /* of them, the days that overlap [0, horizon) */
    double horizon;
    double *t0;             /* [n + 1] t of local midnight at the start of day d */
    double *jump_at;        /* [n] t of the clock change within day d; INFINITY if none */
    double *jump;           /* [n] local time gained at jump_at: +3600, -3600 or 0 */
    long *date;             /* [n] day number (days since 1970-01-01) */
    unsigned char *weekday; /* [n] 0 = Monday ... 6 = Sunday */
    unsigned char *month;   /* [n] 1-12 */
    unsigned char *holiday; /* [n] 1 on an England & Wales bank holiday */
};

/**
 * @brief Lists the local days of a dated clock from the start date until the later of horizon
 * and cover (cover lets volumes be normalised over a whole year or month that the run only
 * partly covers).
 * @param c        a dated clock (CS_REQUIRE)
 * @param horizon  > 0: the run's length
 * @param cover    how far the list must reach (<= horizon: just the run)
 * @param out      OUT: the table (cs_days_free)
 * @return CS_OK or CS_ENOMEM.
 */
cs_status cs_days_build(const cs_clock *c, double horizon, double cover, cs_days **out,
                        cs_error *err);
void cs_days_free(cs_days *d);

/** @brief The local day containing t (0 before the start; n - 1 after the last day).  *cursor
 *  is a hint (the day of the previous call, 0 at first) and is updated. */
size_t cs_days_find(const cs_days *d, size_t *cursor, double t);

/** @brief Local seconds since midnight at t, which must lie within day `day`. */
static inline double cs_days_sod(const cs_days *d, size_t day, double t)
{
    return t - d->t0[day] + (t >= d->jump_at[day] ? d->jump[day] : 0.0);
}

/** @brief Seconds since local Monday 00:00 at t (the week-of-day position of intervals.csv). */
static inline double cs_days_week_s(const cs_days *d, size_t *cursor, double t)
{
    size_t k = cs_days_find(d, cursor, t);
    return (double)d->weekday[k] * 86400.0 + cs_days_sod(d, k, t);
}

/* A line's demand over the days of a run. */
struct cs_demand {
    const cs_profile *week; /* borrowed */
    size_t n;               /* days, as in the cs_days it was built on */
    double *factor;         /* [n] whole-day factor */
    unsigned char *row;     /* [n] weekday row of the week profile */
    double *span;           /* [3 * n_span]: start, end, factor of hour-limited special days,
                             * sorted by start */
    size_t n_span;
    /* As given, for reports: */
    int holiday_as;         /* -1 or the weekday bank holidays follow */
    int has_months;
    double months[12];
    size_t n_special;       /* special days that apply to the line */
};

/**
 * @brief Builds a line's dated demand: spec->week, spec->month_factor, spec->holiday_as and
 * spec->special as models/calendar.h's cs_clock_demand describes them.
 * @return CS_OK; CS_EINPUT (with a message) for a special day that does not exist or a
 *         negative or non-finite factor; CS_ENOMEM.  *out is NULL on failure.
 */
cs_status cs_demand_build(const cs_clock *c, const cs_days *days, const cs_clock_demand *spec,
                          cs_demand **out, cs_error *err);
void cs_demand_free(cs_demand *dm);

/** @brief Rate at t and (OUT) the end of its piece of constant rate, > t.  After the last day
 *  the last day's rate holds with end = INFINITY.  *cursor as for cs_days_find. */
double cs_demand_piece(const cs_demand *dm, const cs_days *days, size_t *cursor, double t,
                       double *end);

/** @brief Integral of the rate over [a, b] (expected arrivals); 0 if b <= a. */
double cs_demand_integral(const cs_demand *dm, const cs_days *days, double a, double b);

/** @brief Multiplies the factors of days [d0, d1) by f (volume scaling). */
void cs_demand_scale(cs_demand *dm, size_t d0, size_t d1, double f);

#endif
