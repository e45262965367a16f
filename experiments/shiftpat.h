/* Shift patterns for the cover (experiments/cover.h): weekly shifts from a start time or a
 * start window, and rotations such as the control rooms' 12-hour 4 on / 4 off, turned into
 * cover patterns on the problem's interval grid.
 *
 * Time is seconds from t = 0 = Monday 00:00 of week 1, as everywhere in callsim; weekday d of
 * week k (k = 0 for week 1) starts at t = (7 k + d) 86400.  No calendar dates: a dated horizon
 * is just a grid that starts later or runs longer.
 *
 * A roster runs forever in both directions.  A weekly shift recurs every week, including the
 * week before the grid, so on a one-week grid the Sunday-night shift covers Monday's small hours
 * (as the scenario loader wraps it); a rotation's cycle runs both ways from its anchor.
 *
 * Coverage: an occurrence [s, s + length) adds its on-duty share to every interval it overlaps,
 * pro rata, so a shift starting at 08:10 covers 1/3 of the 08:00-08:15 interval.  Breaks:
 * break_time seconds per shift taken within the window [break_from, break_to) (offsets from the
 * shift start; 0, 0 = the whole shift), staggered across the people on the pattern, so the
 * on-duty share is 1 - break_time / window there and 1 elsewhere.  A window as long as the break
 * is a fixed break (nobody on duty then); the whole shift reproduces the scenario's breaks
 * (1 - break / length throughout).
 *
 * Paid hours per head: the part of every occurrence inside the grid's range [first start, last
 * end), less unpaid breaks pro rata.  On a one-week grid that is exactly one week's shifts (the
 * Sunday night is paid once: its Monday part comes from the previous week's occurrence).  Cost
 * per head = paid hours x cost per hour (the pool's unless the pattern gives its own).
 *
 * Rotations over a horizon that is not a whole number of cycles (a week is not a multiple of an
 * 8-day cycle): two modes, because the honest answer depends on what the grid stands for.
 *   CS_SHIFTPAT_CREWS    the grid is taken literally (a dated horizon): one pattern per crew,
 *                        working exactly the shifts its offset gives inside the grid; crews are
 *                        sized freely, and a crew paid for fewer shifts in the horizon costs less.
 *                        Right for a dated plan; on a "typical week" grid it would fit crews to
 *                        that one week's alignment of the cycle, which the next week breaks.
 *   CS_SHIFTPAT_WATCHES  the grid is a typical week that repeats: the crews are of equal size
 *                        (a "head" is one person in each crew) and, since each week the cycle
 *                        slides by 7 days, the coverage is the MINIMUM over every alignment of
 *                        the cycle to the grid (7 k days, k = 0 .. cycle / gcd(7, cycle) - 1), so
 *                        the requirement is met in every week, not on average; paid hours are
 *                        the average over those alignments.  With evenly spread offsets (4 crews
 *                        of 4 on / 4 off, 2 days apart) every alignment gives the same coverage
 *                        and the minimum loses nothing.
 *
 * Errors: CS_EDOM naming the field (a length of 0, a break longer than its window, ...), or
 * what cs_cover_add_spans returns. */
#ifndef CS_SHIFTPAT_H
#define CS_SHIFTPAT_H

#include "experiments/cover.h"
#include "models/scenario.h"

typedef struct cs_shiftpat_weekly {
    const char *name;    /* base name (e.g. "early"); each pattern adds its days and start */
    int pool;
    unsigned days;       /* bit d = a shift starts on weekday d (Monday = 0), as cs_shift */
    double start_first;  /* seconds after midnight of the (first) start, in [0, 86400) */
    double start_last;   /* last start of a start window (>= start_first, < 2 x 86400: a start
                            past 24:00 is the next morning of the named day); = start_first for
                            one start */
    double start_step;   /* seconds between starts in the window (e.g. 900 or 1800) */
    double length;       /* seconds, in (0, 2 x 86400] */
    double break_time;   /* seconds per shift, >= 0 */
    double break_from, break_to; /* break window (offsets from the start); 0, 0 = whole shift */
    int unpaid_break;    /* 1: breaks are not paid */
    double cost_per_hour; /* < 0: the pool's */
    int min_heads, max_heads; /* per generated pattern; max < 0 = no limit */
} cs_shiftpat_weekly;

/* Adds one pattern per start in the window (start_first, start_first + step, ... <=
 * start_last).  *first and *count (either may be NULL) get the index of the first pattern added
 * and how many. */
cs_status cs_shiftpat_add_weekly(cs_cover *c, const cs_shiftpat_weekly *w, int *first,
                                 int *count, cs_error *err);

/* The weekday mask of n_days consecutive days from first_day (Monday = 0), wrapping past
 * Sunday: cs_shiftpat_days_run(5, 5) is Sat-Wed.  The 7 masks of cs_shiftpat_days_run(d, 5)
 * are the classic "5 on, 2 off" day-off patterns. */
unsigned cs_shiftpat_days_run(int first_day, int n_days);

/* The weekly spec of a scenario shift (same days, start, length and spread breaks), for using
 * the pool's current shifts as the allowed patterns: heads free unless the caller sets them. */
void cs_shiftpat_from_shift(const cs_shift *sh, int pool, const char *name,
                            cs_shiftpat_weekly *out);

typedef enum cs_shiftpat_mode {
    CS_SHIFTPAT_CREWS = 0,  /* a dated horizon: one pattern per crew (see the top) */
    CS_SHIFTPAT_WATCHES = 1 /* a typical week: equal crews, one pattern (see the top) */
} cs_shiftpat_mode;

typedef struct cs_shiftpat_rotation {
    const char *name;
    int pool;
    int cycle_days;        /* the cycle, e.g. 8 for 4 on / 4 off (1..366) */
    const double *start;   /* [cycle_days]: shift start after midnight on that cycle day, in
                              [0, 86400); < 0 = a day off */
    const double *length;  /* [cycle_days]: seconds, in (0, 2 x 86400] on working days */
    double anchor;         /* the time crew offset 0 begins cycle day 0 (normally a midnight;
                              0 = Monday of week 1) */
    const int *offsets;    /* crews' offsets in days (crew o is on cycle day (D - o) mod cycle
                              on day D); NULL = one crew per offset 0 .. cycle_days - 1 */
    int n_offsets;
    cs_shiftpat_mode mode;
    double break_time, break_from, break_to; /* per shift, as for weekly shifts */
    int unpaid_break;
    double cost_per_hour;  /* < 0: the pool's */
    int min_heads, max_heads; /* per crew (CREWS) or per crew size (WATCHES); max < 0 = none */
} cs_shiftpat_rotation;

/* Adds the rotation: one pattern per crew (CREWS) or one for all (WATCHES). */
cs_status cs_shiftpat_add_rotation(cs_cover *c, const cs_shiftpat_rotation *r, int *first,
                                   int *count, cs_error *err);

/* Fills start[8] and length[8] with the control rooms' 4 on / 4 off: two 12-hour day shifts
 * from day_start, two 12-hour nights from night_start, four days off. */
void cs_shiftpat_4on4off(double day_start, double night_start, double start[8],
                         double length[8]);

#endif
