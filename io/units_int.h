/* Private to the units module: what the parsers (io/units.c) and the formatters
 * (io/units_format.c) share. */
#ifndef CS_UNITS_INT_H
#define CS_UNITS_INT_H

#include "io/units.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/text.h"

enum {
    CS_UNITS_WHY = 320,   /* room for the detail part of a message */
    CS_UNITS_WORD = 16,   /* longer than any unit or day name, so longer words never match */
    CS_UNITS_SNIP = 40,   /* how much of a number or word we echo inside a hint */
    CS_UNITS_QUOTE = 80,  /* how much of the input we quote before cutting with "..." */
    CS_UNITS_MAXDIG = 19, /* significant digits kept: 10^19 - 1 < 2^64 */
    CS_UNITS_MAXEXP = 1000 /* beyond this a power of ten is 0 or inf in a double anyway */
};

#define CS_UNITS_EXACT_MAX (UINT64_C(1) << 53)

static const uint64_t pow10_u64[CS_UNITS_MAXDIG + 1] = {
    UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
    UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
    UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
    UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
    UINT64_C(1000000000000000), UINT64_C(10000000000000000), UINT64_C(100000000000000000),
    UINT64_C(1000000000000000000), UINT64_C(10000000000000000000)
};

/* ---- units.c ---- */

extern const char *const csi_units_day_name[7];

#endif
