/* libFuzzer harness: timestamps, dates, clocks and durations of call logs (io/timestamp.h).
 *
 * The first byte picks the parser and, for timestamps, the zone and the fold; the rest is the
 * text.  Checks: failures leave outputs unchanged and carry a message; results are in their
 * documented ranges; a parsed timestamp formats (cs_ts_format_iso) and reads back to the same
 * instant within the millisecond the formatter rounds to, with the flags consistent (an
 * offset or UTC never flagged). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/timestamp.h"

#define CHECK(c) ((c) ? (void)0 : __builtin_trap())
#define UNSET (-12345.25)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_iso_roundtrip(double e, cs_tz tz)
{
    char buf[64];
    int n = cs_ts_format_iso(e, tz, buf, sizeof buf);
    if (fabs(e) > 1e13) {
        CHECK(n == -1);
        return;
    }
    CHECK(n > 0 && (size_t)n < 40);
    double back = UNSET;
    int flags = -1;
    cs_error err;
    /* Years beyond 9999 format with more digits than the parser reads back. */
    if (cs_ts_parse(buf, CS_TZ_UTC, CS_TS_FOLD_FIRST, &back, &flags, &err) != CS_OK) {
        int y;
        cs_ts_to_civil(e, tz, &y, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        CHECK(y < 0 || y > 9999);
        return;
    }
    CHECK(flags == 0); /* the text has an offset */
    CHECK(fabs(back - e) <= 0.0005 + 1e-9 * fabs(e));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    char *s = malloc(size);
    if (!s) return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    cs_error err;
    err.msg[0] = '\0';
    double x = UNSET;
    int y = -7, m = -7, d = -7, flags = -1;
    cs_status st;
    cs_tz tz = (data[0] & 0x10) ? CS_TZ_UK : CS_TZ_UTC;
    cs_ts_fold fold = (data[0] & 0x20) ? CS_TS_FOLD_SECOND : CS_TS_FOLD_FIRST;
    switch (data[0] % 5) {
    case 0:
        st = cs_ts_parse(s, tz, fold, &x, &flags, &err);
        if (st == CS_OK) {
            CHECK(isfinite(x));
            CHECK(flags >= 0 && flags <= 3);
            if (tz == CS_TZ_UTC) CHECK(flags == 0);
            check_iso_roundtrip(x, tz);
            check_iso_roundtrip(x, tz == CS_TZ_UK ? CS_TZ_UTC : CS_TZ_UK);
        }
        break;
    case 1:
        st = cs_ts_parse_epoch(s, &x, &err);
        if (st == CS_OK) {
            CHECK(x >= 0);
            if (isfinite(x)) check_iso_roundtrip(x, tz);
        }
        break;
    case 2:
        st = cs_ts_parse_date(s, &y, &m, &d, &err);
        if (st == CS_OK) {
            CHECK(m >= 1 && m <= 12 && d >= 1 && d <= 31);
            long days = cs_ts_days_from_civil(y, m, d);
            int y2, m2, d2;
            cs_ts_civil_from_days(days, &y2, &m2, &d2);
            CHECK(y2 == y && m2 == m && d2 == d);
            double e = cs_ts_from_civil(y, m, d, 43200.0, tz, fold, &flags);
            CHECK(isfinite(e));
        } else {
            CHECK(y == -7 && m == -7 && d == -7);
        }
        x = UNSET;
        break;
    case 3:
        st = cs_ts_parse_clock(s, &x, &err);
        if (st == CS_OK) CHECK(x >= 0 && x <= 86400);
        break;
    default:
        st = cs_ts_parse_duration(s, &x, &err);
        if (st == CS_OK) CHECK(!isnan(x));
        break;
    }
    if (st != CS_OK) {
        CHECK(st == CS_EINPUT);
        CHECK(err.msg[0] != '\0');
        CHECK(x == UNSET);
        CHECK(flags == -1);
    }
    free(s);
    return 0;
}
