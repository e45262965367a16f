/* Values of one scenario input as an experiment writes them (prefix cs_valrange_): lists
 * (`0%,5%,10%`), ranges (`0%..15%/2.5%`, `1m..60m/5m`), bounds (`5..80`), and numbers
 * written back in the unit they came in.
 *
 * Concept.  An experiment (sweep, sensitivity, calibrate) tries values of an input and sets
 * each with a --set (io/override.h), so every value ends up as text the scenario loader reads.
 * This module does not need to know what the input is: it keeps the form the user wrote.
 * A value is split into an optional "x" prefix, a decimal number and a suffix ("%", "m",
 * "/h", " per hour", ""):
 *   - when every value given has the same prefix and suffix, the number is what varies and new
 *     values are written the same way (`0%..15%/2.5%` gives 0%, 2.5%, ..., 15%;
 *     `2000/day..3000/day/250/day` gives 2000/day, 2250/day, ...);
 *   - otherwise, when every value is a duration (`30s..2m/30s`), values are seconds and are
 *     written by cs_units_format_duration (30s, 1m, 1m30s, 2m);
 *   - otherwise (lists only) the values are taken as texts, such as two distributions:
 *     `{dist: exponential, mean: 3m},{dist: lognormal, mean: 3m, sd: 2m}`; their number is
 *     their position in the list (1, 2, ...).
 * A value is "whole" when every number given is written without a fraction and there is no
 * prefix or suffix (a count such as staff: 5..80): calibrate then treats the input as an
 * integer.
 *
 * Lists are split at commas outside brackets, braces and quotes.  Numbers are read without the
 * locale (as io/units does) and written with at most 6 decimals, trailing zeros dropped.
 *
 * Errors: CS_EINPUT with a message saying what was expected; CS_ENOMEM. */
#ifndef CS_IO_VALRANGE_H
#define CS_IO_VALRANGE_H

#include <stddef.h>

#include "sim/status.h"

#define CS_VALRANGE_MAX 1000   /* values in one list or range */

typedef enum cs_valkind {
    CS_VAL_NUMBER = 0,   /* prefix + number + suffix (suffix may be empty) */
    CS_VAL_DURATION,     /* seconds, written as a duration */
    CS_VAL_TEXT          /* texts as given; the number is the position from 1 */
} cs_valkind;

typedef struct cs_valunit {
    cs_valkind kind;
    char prefix[4];      /* "x" or "" */
    char suffix[24];
    int whole;           /* plain whole numbers only (a count) */
} cs_valunit;

typedef struct cs_valrange {
    cs_valunit unit;
    size_t n;
    double *x;           /* the numbers (seconds for durations, positions for texts) */
    char **text;         /* each value as it is to be written in a --set */
} cs_valrange;

/** @brief Parses a list "V1,V2,..." or a range "LOW..HIGH/STEP" into values.
 *  @param r OUT (free with cs_valrange_free, also after an error).
 *  @return CS_OK, CS_EINPUT or CS_ENOMEM. */
cs_status cs_valrange_parse(const char *spec, cs_valrange *r, cs_error *err);

/** @brief Parses bounds "LOW..HIGH" (numbers or durations, LOW < HIGH).  @param u OUT: their
 *  unit.  @return CS_OK, CS_EINPUT. */
cs_status cs_valrange_bounds(const char *spec, cs_valunit *u, double *lo, double *hi,
                             cs_error *err);

/** @brief Reads one value in the form of `like`'s unit: the unit of a single value ("15m"
 *  -> duration).  @return CS_OK or CS_EINPUT. */
cs_status cs_valrange_value(const char *text, cs_valunit *u, double *x, cs_error *err);

/** @brief Writes x in unit u (not CS_VAL_TEXT) as a value the loader reads: "2.5%", "1m30s",
 *  "x1.25", "42".  snprintf semantics. */
int cs_valrange_format(const cs_valunit *u, double x, char *buf, size_t n);

/** @brief As cs_valrange_format with `decimals` decimals in the number (0..6; durations are
 *  rounded to 10^-decimals seconds), for values known only to some precision. */
int cs_valrange_format_dec(const cs_valunit *u, double x, int decimals, char *buf, size_t n);

/** @brief The unit as a phrase for axis titles: "%", "s", "/h", "" (count or text). */
const char *cs_valrange_unit_label(const cs_valunit *u);

void cs_valrange_free(cs_valrange *r);

#endif
