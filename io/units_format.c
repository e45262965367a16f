/* Formatting durations and instants the way io/units.c parses them, so that
 * parse(format(x)) == x (see io/units.h). */
#include "io/units_int.h"

/* ---------------------------------------------------------------- formatting */

enum { CS_UNITS_FMT = 512 }; /* holds "%.0f" of DBL_MAX (309 digits) with room to spare */

/* Copies text to the caller's buffer with snprintf's contract. */
static int emit(const char *text, size_t len, char *buf, size_t n)
{
    if (n > 0) {
        size_t c = len < n - 1 ? len : n - 1;
        memcpy(buf, text, c);
        buf[c] = '\0';
    }
    return (int)len;
}

/* Appends to tmp; lengths are bounded well below CS_UNITS_FMT by construction. */
static void put(char *tmp, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *tmp, size_t *len, const char *fmt, ...)
{
    va_list ap;
    int k;
    va_start(ap, fmt);
    k = vsnprintf(tmp + *len, CS_UNITS_FMT - *len, fmt, ap);
    va_end(ap);
    if (k > 0)
        *len += (size_t)k < CS_UNITS_FMT - *len ? (size_t)k : CS_UNITS_FMT - 1 - *len;
}

/* Appends ".fff" without trailing zeros for a millisecond count 1..999. */
static void put_ms(char *tmp, size_t *len, long long f)
{
    char d[4];
    int k = 3;
    d[0] = (char)('0' + f / 100);
    d[1] = (char)('0' + f / 10 % 10);
    d[2] = (char)('0' + f % 10);
    d[3] = '\0';
    while (k > 0 && d[k - 1] == '0')
        k--;
    put(tmp, len, ".%.*s", k, d);
}

/* Non-finite and huge values, shared by both formatters.  Returns false if x is ordinary. */
static bool special(double x, char *tmp, size_t *len)
{
    if (isnan(x)) {
        put(tmp, len, "nan");
        return true;
    }
    if (isinf(x)) {
        put(tmp, len, "%sinf", x < 0 ? "-" : "");
        return true;
    }
    if (fabs(x) >= 1e15) {
        /* llround(x * 1000) would overflow; whole seconds are all a double holds here
         * anyway.  "%.0f" has no decimal point, so it is locale-independent. */
        put(tmp, len, "%s%.0fs", x < 0 ? "-" : "", fabs(x));
        return true;
    }
    return false;
}

int cs_units_format_duration(double seconds, char *buf, size_t n)
{
    char tmp[CS_UNITS_FMT];
    size_t len = 0;
    long long ms, d, h, m, sec, f;

    CS_REQUIRE(buf != NULL || n == 0);
    tmp[0] = '\0';
    if (special(seconds, tmp, &len))
        return emit(tmp, len, buf, n);
    ms = llround(fabs(seconds) * 1000.0);
    if (ms == 0) {
        put(tmp, &len, "0s");
        return emit(tmp, len, buf, n);
    }
    if (seconds < 0)
        put(tmp, &len, "-");
    d = ms / 86400000;
    ms %= 86400000;
    h = ms / 3600000;
    ms %= 3600000;
    m = ms / 60000;
    ms %= 60000;
    sec = ms / 1000;
    f = ms % 1000;
    if (d)
        put(tmp, &len, "%lldd", d);
    if (h)
        put(tmp, &len, "%lldh", h);
    if (m)
        put(tmp, &len, "%lldm", m);
    if (sec || f) {
        put(tmp, &len, "%lld", sec);
        if (f)
            put_ms(tmp, &len, f);
        put(tmp, &len, "s");
    }
    return emit(tmp, len, buf, n);
}

int cs_units_format_instant(double seconds, char *buf, size_t n)
{
    char tmp[CS_UNITS_FMT];
    size_t len = 0;
    long long ms, wk, d, h, m, sec, f;

    CS_REQUIRE(buf != NULL || n == 0);
    if (!isfinite(seconds) || seconds < 0 || seconds >= 1e15)
        return cs_units_format_duration(seconds, buf, n);
    tmp[0] = '\0';
    /* Round once, on the total, so 23:59:59.9996 carries into the next day. */
    ms = llround(seconds * 1000.0);
    wk = ms / 604800000;
    ms %= 604800000;
    d = ms / 86400000;
    ms %= 86400000;
    h = ms / 3600000;
    ms %= 3600000;
    m = ms / 60000;
    ms %= 60000;
    sec = ms / 1000;
    f = ms % 1000;
    if (wk > 0)
        put(tmp, &len, "week %lld ", wk + 1);
    put(tmp, &len, "%s %02lld:%02lld", csi_units_day_name[d], h, m);
    if (sec || f) {
        put(tmp, &len, ":%02lld", sec);
        if (f)
            put_ms(tmp, &len, f);
    }
    return emit(tmp, len, buf, n);
}

const char *cs_units_weekday_name(int monday0)
{
    if (monday0 < 0 || monday0 > 6)
        return "???";
    return csi_units_day_name[monday0];
}
