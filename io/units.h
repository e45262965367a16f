/* Quantities with units, as planners write them in scenario files.
 *
 * Concept.  Every number in a scenario that has a dimension carries its unit in the text
 * ("45s", "120/h", "90%", "Fri 18:00"), and this module is the single place that turns such
 * text into the simulator's internal units: seconds, events per second, fractions in [0,1],
 * plain factors.  A bare number where a unit is needed is an error, because "45" for a
 * patience could mean seconds or minutes and guessing wrong silently changes the answer.
 * The only bare number accepted for a duration or a rate is zero, which means the same in
 * every unit.
 *
 * Accepted forms (units are case-insensitive; spaces may separate number and unit, and
 * leading/trailing blanks are ignored):
 *   duration      45s  3m  3min  1h30m  "1h 30m"  1.5h  250ms  2w  1d12h  0
 *                 units: ms; s sec second(s); m min minute(s); h hr hour(s); d day(s);
 *                 w wk week(s).  Parts go from the largest unit to the smallest, each unit
 *                 at most once, and only the last part may have a fraction.  "m" is minutes;
 *                 months and years are refused (they have no fixed length).
 *   rate          2/s  120/h  120/hour  2200/day  15000/week  30/min  "5 per hour"  0
 *   share         90%  12.5%  0.9  1  0                         -> [0,1]
 *   multiplier    1.3  x1.3  1.3x  130%                         -> factor > 0
 *   time of day   07:00  7:00  23:45  24:00  07:30:15  07:30:15.5 -> seconds since 00:00
 *   weekday       Mon Tue Wed Thu Fri Sat Sun, or the full name -> 0..6, Monday = 0
 *   instant       "Fri 18:00", "week 2 Fri 18:00", "day 5 18:00" (days from 1), or a
 *                 duration offset such as 4d18h               -> seconds from Monday 00:00
 *                 of week 1
 *   count         380                                           -> long in [min,max]
 *
 * Numbers.  Plain decimals only: digits with an optional fraction (".5" is allowed,
 * "5." is not); no sign, exponent, "nan", "inf", thousands separator or decimal comma.
 * The module has its own decimal reader and never calls strtod(), isdigit() or the like, so
 * results do not depend on setlocale().  A value is computed as one exact integer divided by
 * one exact power of ten (times the unit) whenever that fits in 53 bits, so it is the double
 * nearest the decimal written: "0.1h" is exactly 360, "90%" equals "0.9", "120/h" equals
 * 120.0/3600.0.  Beyond 53 bits (over ~9e15 in the last digit) results are within a few
 * ulps.  Values that do not fit a double are refused as too large.
 *
 * Errors.  Every parse function returns CS_OK or CS_EINPUT.  On error the output is left
 * unchanged and, if err is not NULL, err->msg says what was expected (with an example), quotes
 * what was found and, where it can, suggests the fix:
 *   expected a duration such as 45s, 3m, 1h30m or 2d (...), got '45': the number has no
 *   unit: write 45s, 45m or 45h
 * Messages carry no file or line: the caller (the scenario loader) prefixes its position.
 * Strings are read only up to their terminating NUL.  Passing NULL for the string or the output
 * is a programming error (CS_REQUIRE).
 *
 * Formatting is deterministic and locale-independent (integer conversions only), rounds to
 * the millisecond, and is read back exactly by the parsers: for any x that is the double
 * nearest a whole number of milliseconds below ~9e12 s, parse(format(x)) == x.
 *
 * Thread safety: no state at all; every function is reentrant. */
#ifndef CS_UNITS_H
#define CS_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/status.h"

/** @brief Parses a duration ("1h30m", "45 s", "0") into seconds (>= 0).
 *  @param s NUL-terminated text.  @param seconds OUT: the duration in seconds.
 *  @param err may be NULL.  @return CS_OK or CS_EINPUT (bare non-zero number, negative,
 *  unknown unit, units out of order, trailing text, too large). */
cs_status cs_units_parse_duration(const char *s, double *seconds, cs_error *err);

/** @brief Parses a rate ("120/h", "2200/day", "5 per hour") into events per second (>= 0).
 *  A bare number is refused (except 0) with a hint to write "/h".
 *  @param per_second OUT.  @return CS_OK or CS_EINPUT. */
cs_status cs_units_parse_rate(const char *s, double *per_second, cs_error *err);

/** @brief Parses a share ("90%", "0.9") into a fraction in [0,1].
 *  A bare number in (1,100] gets the hint "write 90% or 0.9".
 *  @param fraction OUT.  @return CS_OK or CS_EINPUT (out of [0,1], malformed). */
cs_status cs_units_parse_share(const char *s, double *fraction, cs_error *err);

/** @brief Parses a multiplier ("1.3", "x1.3", "1.3x", "130%") into a factor > 0.
 *  @param factor OUT.  @return CS_OK or CS_EINPUT (zero, negative, malformed). */
cs_status cs_units_parse_multiplier(const char *s, double *factor, cs_error *err);

/** @brief Parses a 24-hour time of day "H:MM", "HH:MM", "HH:MM:SS" or "HH:MM:SS.fff" into
 *  seconds since midnight, in [0, 86400]; "24:00" (end of day) is the only hour-24 value.
 *  @param seconds OUT.  @return CS_OK or CS_EINPUT ("25:00", "7.30", "7:5", ...). */
cs_status cs_units_parse_time_of_day(const char *s, double *seconds, cs_error *err);

/** @brief Parses a weekday name, three-letter or full, any case.
 *  @param monday0 OUT: 0 = Monday ... 6 = Sunday.  @return CS_OK or CS_EINPUT. */
cs_status cs_units_parse_weekday(const char *s, int *monday0, cs_error *err);

/** @brief Parses a point in the simulated run into seconds from Monday 00:00 of week 1:
 *  "Fri 18:00" (week 1), "week 2 Fri 18:00", "day 5 18:00" (day 1 is Monday of week 1) or a
 *  duration offset "4d18h".  A time without a day ("18:00") is refused as ambiguous.
 *  @param seconds OUT (>= 0).  @return CS_OK or CS_EINPUT. */
cs_status cs_units_parse_instant(const char *s, double *seconds, cs_error *err);

/** @brief Parses a plain count ("380"): decimal digits only, no sign, fraction or unit.
 *  @param min,max inclusive range; 0 <= min <= max is required (CS_REQUIRE).
 *  @param out OUT.  @return CS_OK or CS_EINPUT (malformed, below min, above max, overflow). */
cs_status cs_units_parse_count(const char *s, long min, long max, long *out, cs_error *err);

/** @brief Parses a seed ("2026"): decimal digits only, no blank, sign or separator, at most
 *  2^64 - 1 (larger values are refused, never clamped).  The scenario's `seed:` and the
 *  --seed flag both read seeds here.
 *  @param out OUT.  @return CS_OK or CS_EINPUT. */
cs_status cs_units_parse_seed(const char *s, uint64_t *out, cs_error *err);

/** @brief Formats a duration compactly with days, hours, minutes and seconds, rounded to the
 *  millisecond: 0 -> "0s", 95 -> "1m35s", 5400 -> "1h30m", 12.5 -> "12.5s",
 *  90061 -> "1d1h1m1s", -90 -> "-1m30s".  Weeks are shown as days (14d).  Durations of 1e15 s
 *  or more are written as whole seconds; NaN and infinities as "nan", "inf", "-inf".
 *  @param buf OUT, may be NULL when n == 0; always NUL-terminated when n > 0.
 *  @return the length of the full text (as snprintf: >= n means it was truncated). */
int cs_units_format_duration(double seconds, char *buf, size_t n);

/** @brief Formats seconds from Monday 00:00 of week 1 as "Fri 18:00", with ":SS[.fff]" when
 *  the seconds are not zero, and "week N " in front beyond the first week
 *  ("week 2 Fri 18:00").  Negative, huge (>= 1e15) or non-finite values are written as by
 *  cs_units_format_duration.  Rounded to the millisecond.
 *  @param buf OUT, as for cs_units_format_duration.  @return as cs_units_format_duration. */
int cs_units_format_instant(double seconds, char *buf, size_t n);

/** @brief "Mon" ... "Sun" for 0 ... 6; "???" for anything else (it is only used for display,
 *  so a bad index shows up in the output rather than stopping a long run). */
const char *cs_units_weekday_name(int monday0);

#endif
