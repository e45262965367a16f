/* libFuzzer harness: quantities with units (io/units.h).
 *
 * The first byte picks the parser, the rest is the text.  Beyond "no crash", it checks the
 * contract of the header: a parse that fails leaves the output unchanged and says why; a
 * parsed value is in its documented range; and formatting is read back exactly: for a
 * duration or instant that is the double nearest a whole number of milliseconds below 9e12 s,
 * parse(format(x)) == x. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/units.h"

#define CHECK(c) ((c) ? (void)0 : __builtin_trap())
#define UNSET (-12345.25)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* x is the double nearest k/1000 for a whole k, and small enough for the exact promise. */
static int whole_ms(double x)
{
    if (!(x >= 0 && x < 9e12)) return 0;
    double k = nearbyint(x * 1000.0);
    return k / 1000.0 == x;
}

static void check_duration_roundtrip(double x)
{
    if (!whole_ms(x)) return;
    char buf[64];
    int n = cs_units_format_duration(x, buf, sizeof buf);
    CHECK(n > 0 && (size_t)n < sizeof buf);
    double y = UNSET;
    CHECK(cs_units_parse_duration(buf, &y, NULL) == CS_OK);
    CHECK(y == x);
}

static void check_instant_roundtrip(double x)
{
    if (!whole_ms(x)) return;
    char buf[80];
    int n = cs_units_format_instant(x, buf, sizeof buf);
    CHECK(n > 0 && (size_t)n < sizeof buf);
    double y = UNSET;
    CHECK(cs_units_parse_instant(buf, &y, NULL) == CS_OK);
    CHECK(y == x);
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
    int wd = -7;
    long cnt = -7;
    cs_status st;
    switch (data[0] % 9) {
    case 0:
        st = cs_units_parse_duration(s, &x, &err);
        if (st == CS_OK) {
            CHECK(x >= 0 && isfinite(x));
            check_duration_roundtrip(x);
        }
        break;
    case 1:
        st = cs_units_parse_rate(s, &x, &err);
        if (st == CS_OK) CHECK(x >= 0 && isfinite(x));
        break;
    case 2:
        st = cs_units_parse_share(s, &x, &err);
        if (st == CS_OK) CHECK(x >= 0 && x <= 1);
        break;
    case 3:
        st = cs_units_parse_multiplier(s, &x, &err);
        if (st == CS_OK) CHECK(x > 0 && isfinite(x));
        break;
    case 4:
        st = cs_units_parse_time_of_day(s, &x, &err);
        if (st == CS_OK) CHECK(x >= 0 && x <= 86400);
        break;
    case 5:
        st = cs_units_parse_weekday(s, &wd, &err);
        if (st == CS_OK) CHECK(wd >= 0 && wd <= 6);
        else CHECK(wd == -7);
        (void)cs_units_weekday_name(st == CS_OK ? wd : (int)(data[0] >> 4) - 8);
        break;
    case 6:
        st = cs_units_parse_instant(s, &x, &err);
        if (st == CS_OK) {
            CHECK(x >= 0 && isfinite(x));
            check_instant_roundtrip(x);
        }
        break;
    case 7:
        st = cs_units_parse_count(s, 0, 2147483647L, &cnt, &err);
        if (st == CS_OK) CHECK(cnt >= 0 && cnt <= 2147483647L);
        else CHECK(cnt == -7);
        break;
    default: {
        /* The formatters on raw doubles (any bit pattern, NaN and infinities included). */
        double v = 0;
        memcpy(&v, data + 1, size - 1 < sizeof v ? size - 1 : sizeof v);
        char buf[400]; /* whole seconds of DBL_MAX take 310 characters */
        int n = cs_units_format_duration(v, buf, sizeof buf);
        CHECK(n > 0 && (size_t)n < sizeof buf && strlen(buf) == (size_t)n);
        n = cs_units_format_instant(v, buf, sizeof buf);
        CHECK(n > 0 && (size_t)n < sizeof buf && strlen(buf) == (size_t)n);
        char small[5];
        n = cs_units_format_duration(v, small, sizeof small);
        CHECK(strlen(small) < sizeof small);
        st = CS_OK;
        x = 0;
        break;
    }
    }
    if (st != CS_OK) {
        CHECK(st == CS_EINPUT);
        CHECK(err.msg[0] != '\0');
        CHECK(x == UNSET);
    }
    free(s);
    return 0;
}
