#include "io/timestamp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/calendar.h"
#include "sim/text.h"

/* Characters of the user's text quoted in a message; longer text is cut with "...". */
#define TS_SHOW 60
/* Room for a "why" clause appended to a message. */
#define TS_WHY 160
/* Integer parts are accumulated in a long long; 15 digits keep them exact in a double. */
#define TS_MAX_INT_DIGITS 15
/* Largest |epoch| the civil conversions accept: about +-317,000 years, far inside long long
 * and int years, so no conversion below can overflow. */
#define TS_EPOCH_LIMIT 1e13

static const char MSG_TS[] = "expected a date and time such as 2024-10-27T01:30:00Z, "
                             "2024-10-27 01:30:00 or 27/10/2024 01:30, or epoch seconds such as "
                             "1729992600";
static const char MSG_DATE[] = "expected a date such as 2024-10-27 or 27/10/2024";
static const char MSG_CLOCK[] = "expected a time of day such as 7:05:00, 07:05 or 07:05:00.250";
static const char MSG_DUR[] = "expected a duration such as 185, 185.5, 3:05 or 1:02:03 "
                              "(seconds, M:SS or H:MM:SS)";
static const char MSG_EPOCH[] = "expected epoch seconds such as 1729992600 or 1729992600.5";

static const char *const MONTH_NAME[12] = {"January", "February", "March",     "April",
                                           "May",     "June",     "July",      "August",
                                           "September", "October", "November", "December"};

/* ---- calendar arithmetic --------------------------------------------------------------------- */

/* The civil-date arithmetic and the UK clock-change rule live once, in models/calendar; this
 * file keeps only what is about reading and writing text (the TS_EPOCH_LIMIT guard included). */

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int days_in_month(long y, int m)
{
    return cs_date_days_in_month((int)y, m);
}

long cs_ts_days_from_civil(int y, int m, int d)
{
    return cs_date_days_from_civil(y, m, d);
}

void cs_ts_civil_from_days(long days, int *y, int *m, int *d)
{
    cs_date_civil_from_days(days, y, m, d);
}

static int offset_at(double t, cs_tz tz)
{
    if (tz != CS_TZ_UK || !(fabs(t) <= TS_EPOCH_LIMIT))
        return 0;
    return cs_date_uk_offset((long long)floor(t));
}

int cs_ts_utc_offset(double epoch, cs_tz tz)
{
    return offset_at(epoch, tz);
}

double cs_ts_from_civil(int y, int m, int d, double seconds_of_day, cs_tz tz, cs_ts_fold fold,
                        int *flags)
{
    if (flags)
        *flags = 0;
    if (!isfinite(seconds_of_day))
        return NAN;
    double local = (double)cs_ts_days_from_civil(y, m, d) * 86400.0 + seconds_of_day;
    /* Beyond the limit no offset applies (offset_at is 0 there), as before the move. */
    if (tz == CS_TZ_UTC || !(fabs(local) <= TS_EPOCH_LIMIT))
        return local;
    int fl = 0;
    double t = cs_date_uk_to_epoch(local,
                                   fold == CS_TS_FOLD_FIRST ? CS_DATE_FOLD_FIRST
                                                            : CS_DATE_FOLD_SECOND,
                                   &fl);
    if (flags)
        *flags = ((fl & CS_DATE_REPEATED) ? CS_TS_AMBIGUOUS : 0) |
                 ((fl & CS_DATE_MISSING) ? CS_TS_NONEXISTENT : 0);
    return t;
}

void cs_ts_to_civil(double epoch, cs_tz tz, int *y, int *m, int *d, int *hh, int *mm, double *ss,
                    int *weekday_monday0, int *utc_offset_s)
{
    CS_REQUIRE(isfinite(epoch) && fabs(epoch) <= TS_EPOCH_LIMIT);
    double whole = floor(epoch);
    long long secs = (long long)whole;
    int off = tz == CS_TZ_UK ? cs_date_uk_offset(secs) : 0;
    long long local = secs + off;
    long long days = floor_div(local, 86400);
    long long sod = local - days * 86400;
    cs_ts_civil_from_days((long)days, y, m, d);
    if (hh)
        *hh = (int)(sod / 3600);
    if (mm)
        *mm = (int)(sod / 60 % 60);
    if (ss)
        *ss = (double)(sod % 60) + (epoch - whole);
    if (weekday_monday0)
        *weekday_monday0 = cs_date_weekday((long)days);
    if (utc_offset_s)
        *utc_offset_s = off;
}

int cs_ts_format_iso(double epoch, cs_tz tz, char *buf, size_t n)
{
    if (!isfinite(epoch) || fabs(epoch) > TS_EPOCH_LIMIT) {
        if (buf && n > 0)
            buf[0] = '\0';
        return -1;
    }
    /* Round once, to whole milliseconds, before splitting, so 59.9996 s carries into the next
     * minute instead of printing as 60.000. */
    long long ms_total = llround(epoch * 1000.0);
    long long secs = floor_div(ms_total, 1000);
    int ms = (int)(ms_total - secs * 1000);
    int y, mo, d, hh, mi, off;
    double ss;
    cs_ts_to_civil((double)secs, tz, &y, &mo, &d, &hh, &mi, &ss, NULL, &off);
    char frac[16] = "";
    if (ms != 0)
        snprintf(frac, sizeof frac, ".%03d", ms);
    char zone[16] = "Z";
    if (tz != CS_TZ_UTC)
        snprintf(zone, sizeof zone, "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 3600,
                 abs(off) / 60 % 60);
    return snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%s%s", y, mo, d, hh, mi, (int)ss, frac,
                    zone);
}

/* ---- text scanning --------------------------------------------------------------------------- */

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* The text with surrounding blanks removed, as [*b, *e). */
static void trim(const char *s, const char **b, const char **e)
{
    const char *p = s, *q = s + strlen(s);
    while (p < q && is_blank(*p))
        p++;
    while (q > p && is_blank(q[-1]))
        q--;
    *b = p;
    *e = q;
}

/* Copies the user's text for a message: at most TS_SHOW characters, control characters as '?'
 * (a stray CR or tab would otherwise garble the terminal line). */
static void show(const char *s, char out[TS_SHOW + 4])
{
    size_t i = 0;
    for (; s[i] && i < TS_SHOW; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    out[i] = '\0';
    if (s[i])
        strcpy(out + i, "...");
}

static cs_status bad(cs_error *err, const char *expected, const char *s, const char *why)
{
    char shown[TS_SHOW + 4];
    show(s, shown);
    return cs_error_set(err, CS_EINPUT, "%s, got '%s'%s%s%s", expected, shown,
                        why && *why ? " (" : "", why ? why : "", why && *why ? ")" : "");
}

/* Reads between minn and maxn digits; returns how many were read, or -1 if fewer than minn or
 * if a further digit follows (so "123" is not taken as the two-digit "12"). */
static int scan_digits(const char **p, const char *e, int minn, int maxn, long long *v)
{
    const char *q = *p;
    long long x = 0;
    int n = 0;
    while (q < e && n < maxn && cs_text_is_digit(*q)) {
        x = x * 10 + (*q - '0');
        q++;
        n++;
    }
    if (n < minn || (q < e && cs_text_is_digit(*q)))
        return -1;
    *p = q;
    *v = x;
    return n;
}

static int count_digits(const char *p, const char *e)
{
    int n = 0;
    while (p + n < e && cs_text_is_digit(p[n]))
        n++;
    return n;
}

/* Optional fraction ".25" or ",25" (ISO allows the comma).  Returns 0 if there is none or it
 * was read, -1 for a point without digits.  Digits beyond the 15th are checked but ignored:
 * they are below a double's resolution anyway. */
static int scan_frac(const char **p, const char *e, double *f)
{
    const char *q = *p;
    *f = 0.0;
    if (q >= e || (*q != '.' && *q != ','))
        return 0;
    q++;
    if (q >= e || !cs_text_is_digit(*q))
        return -1;
    long long num = 0;
    double den = 1.0;
    for (int k = 0; q < e && cs_text_is_digit(*q); q++, k++) {
        if (k < 15) {
            num = num * 10 + (*q - '0');
            den *= 10.0;
        }
    }
    *f = (double)num / den;
    *p = q;
    return 0;
}

enum { SCAN_OK = 0, SCAN_FORM = 1, SCAN_RANGE = 2 };

static int scan_date(const char **p, const char *e, int *y, int *m, int *d, char *why)
{
    const char *q = *p;
    long long a, b, c;
    int n1 = count_digits(q, e);
    int dayfirst;
    if (n1 == 4 && q + 4 < e && q[4] == '-') {
        dayfirst = 0;
        scan_digits(&q, e, 4, 4, &a);
        q++;
        if (scan_digits(&q, e, 2, 2, &b) < 0 || q >= e || *q != '-')
            return SCAN_FORM;
        q++;
        if (scan_digits(&q, e, 2, 2, &c) < 0)
            return SCAN_FORM;
        *y = (int)a;
        *m = (int)b;
        *d = (int)c;
    } else if ((n1 == 1 || n1 == 2) && q + n1 < e && q[n1] == '/') {
        dayfirst = 1;
        scan_digits(&q, e, 1, 2, &a);
        q++;
        if (scan_digits(&q, e, 1, 2, &b) < 0 || q >= e || *q != '/')
            return SCAN_FORM;
        q++;
        int ny = count_digits(q, e);
        if (ny == 2) {
            snprintf(why, TS_WHY, "write the year with four digits, as in 27/10/2024");
            return SCAN_RANGE;
        }
        if (scan_digits(&q, e, 4, 4, &c) < 0)
            return SCAN_FORM;
        *d = (int)a;
        *m = (int)b;
        *y = (int)c;
    } else {
        return SCAN_FORM;
    }
    if (*m < 1 || *m > 12) {
        snprintf(why, TS_WHY, "month %d is not 1-12%s", *m,
                 dayfirst ? "; dates with '/' are read day first, as in 27/10/2024" : "");
        return SCAN_RANGE;
    }
    if (*d < 1 || *d > days_in_month(*y, *m)) {
        snprintf(why, TS_WHY, "%s %d has %d days", MONTH_NAME[*m - 1], *y,
                 days_in_month(*y, *m));
        return SCAN_RANGE;
    }
    *p = q;
    return SCAN_OK;
}

/* H:MM, H:MM:SS or H:MM:SS.fff with a one- or two-digit hour. */
static int scan_clock(const char **p, const char *e, int allow24, double *sec, char *why)
{
    const char *q = *p;
    long long h, mi, s = 0;
    double f = 0.0;
    if (scan_digits(&q, e, 1, 2, &h) < 0 || q >= e || *q != ':')
        return SCAN_FORM;
    q++;
    if (scan_digits(&q, e, 2, 2, &mi) < 0)
        return SCAN_FORM;
    if (q < e && *q == ':') {
        q++;
        if (scan_digits(&q, e, 2, 2, &s) < 0)
            return SCAN_FORM;
        if (scan_frac(&q, e, &f) < 0)
            return SCAN_FORM;
    }
    if (h == 24 && allow24 && mi == 0 && s == 0 && f == 0.0) {
        /* end of day, allowed */
    } else if (h > 23) {
        snprintf(why, TS_WHY,
                 allow24 ? "hour %lld is not 0-23 (24:00:00 alone may mark the end of a day)"
                         : "hour %lld is not 0-23; write midnight as 00:00 of the next day",
                 h);
        return SCAN_RANGE;
    } else if (mi > 59) {
        snprintf(why, TS_WHY, "minute %lld is not 0-59", mi);
        return SCAN_RANGE;
    } else if (s == 60) {
        snprintf(why, TS_WHY, "second 60 (a leap second) is not supported");
        return SCAN_RANGE;
    } else if (s > 59) {
        snprintf(why, TS_WHY, "second %lld is not 0-59", s);
        return SCAN_RANGE;
    }
    *sec = (double)(h * 3600 + mi * 60 + s) + f;
    *p = q;
    return SCAN_OK;
}

/* Digits with an optional fraction; *ndig gets the number of integer digits. */
static int scan_number(const char **p, const char *e, double *v, int *ndig)
{
    const char *q = *p;
    int n = count_digits(q, e);
    *ndig = n;
    if (n == 0 || n > TS_MAX_INT_DIGITS)
        return SCAN_FORM;
    long long ip;
    scan_digits(&q, e, n, n, &ip);
    double f;
    if (scan_frac(&q, e, &f) < 0)
        return SCAN_FORM;
    *v = (double)ip + f;
    *p = q;
    return SCAN_OK;
}

/* ---- public parsers -------------------------------------------------------------------------- */

cs_status cs_ts_parse_date(const char *s, int *y, int *m, int *d, cs_error *err)
{
    CS_REQUIRE(s != NULL && y != NULL && m != NULL && d != NULL);
    const char *b, *e;
    trim(s, &b, &e);
    char why[TS_WHY] = "";
    int yy = 0, mm = 0, dd = 0;
    int r = scan_date(&b, e, &yy, &mm, &dd, why);
    if (r == SCAN_OK && b != e)
        r = SCAN_FORM;
    if (r != SCAN_OK)
        return bad(err, MSG_DATE, s, why);
    *y = yy;
    *m = mm;
    *d = dd;
    return CS_OK;
}

cs_status cs_ts_parse_clock(const char *s, double *seconds, cs_error *err)
{
    CS_REQUIRE(s != NULL && seconds != NULL);
    const char *b, *e;
    trim(s, &b, &e);
    char why[TS_WHY] = "";
    double v = 0.0;
    int r = scan_clock(&b, e, 1, &v, why);
    if (r == SCAN_OK && b != e)
        r = SCAN_FORM;
    if (r != SCAN_OK)
        return bad(err, MSG_CLOCK, s, why);
    *seconds = v;
    return CS_OK;
}

cs_status cs_ts_parse_duration(const char *s, double *seconds, cs_error *err)
{
    CS_REQUIRE(s != NULL && seconds != NULL);
    const char *b, *e;
    trim(s, &b, &e);
    char why[TS_WHY] = "";
    const char *q = b;
    double sign = 1.0;
    if (q < e && *q == '-') {
        sign = -1.0;
        q++;
    }
    int n = count_digits(q, e);
    if (n > 0 && n <= TS_MAX_INT_DIGITS && q + n < e && q[n] == ':') {
        long long a, mid, last;
        double f = 0.0;
        scan_digits(&q, e, n, n, &a);
        q++;
        if (scan_digits(&q, e, 2, 2, &mid) < 0)
            return bad(err, MSG_DUR, s, NULL);
        double v;
        if (q < e && *q == ':') { /* H:MM:SS */
            q++;
            if (scan_digits(&q, e, 2, 2, &last) < 0 || scan_frac(&q, e, &f) < 0 || q != e)
                return bad(err, MSG_DUR, s, NULL);
            if (mid > 59 || last > 59) {
                snprintf(why, sizeof why, "%s %lld is not 0-59", mid > 59 ? "minute" : "second",
                         mid > 59 ? mid : last);
                return bad(err, MSG_DUR, s, why);
            }
            v = (double)(a * 3600 + mid * 60 + last) + f;
        } else { /* M:SS */
            if (scan_frac(&q, e, &f) < 0 || q != e)
                return bad(err, MSG_DUR, s, NULL);
            if (mid > 59) {
                snprintf(why, sizeof why, "second %lld is not 0-59", mid);
                return bad(err, MSG_DUR, s, why);
            }
            v = (double)(a * 60 + mid) + f;
        }
        *seconds = sign * v;
        return CS_OK;
    }
    double v;
    int nd;
    if (scan_number(&q, e, &v, &nd) != SCAN_OK || q != e)
        return bad(err, MSG_DUR, s, nd > TS_MAX_INT_DIGITS ? "number too large" : NULL);
    *seconds = sign * v;
    return CS_OK;
}

cs_status cs_ts_parse_epoch(const char *s, double *epoch, cs_error *err)
{
    CS_REQUIRE(s != NULL && epoch != NULL);
    const char *b, *e;
    trim(s, &b, &e);
    double v;
    int nd;
    if (scan_number(&b, e, &v, &nd) != SCAN_OK || b != e)
        return bad(err, MSG_EPOCH, s, nd > TS_MAX_INT_DIGITS ? "number too large" : NULL);
    *epoch = v;
    return CS_OK;
}

/* Offset "Z", "+01:00", "-0530", "+01". */
static int scan_offset(const char **p, const char *e, int *off_s, char *why)
{
    const char *q = *p;
    if (*q == 'Z' || *q == 'z') {
        *off_s = 0;
        *p = q + 1;
        return SCAN_OK;
    }
    if (*q != '+' && *q != '-')
        return SCAN_FORM;
    int sign = *q == '-' ? -1 : 1;
    q++;
    long long h, mi = 0;
    int nd = count_digits(q, e);
    if (nd == 4) { /* +HHMM */
        scan_digits(&q, e, 4, 4, &h);
        mi = h % 100;
        h /= 100;
    } else if (nd == 2) { /* +HH or +HH:MM */
        scan_digits(&q, e, 2, 2, &h);
        if (q < e && *q == ':') {
            q++;
            if (scan_digits(&q, e, 2, 2, &mi) < 0)
                return SCAN_FORM;
        }
    } else {
        return SCAN_FORM;
    }
    if (h > 23 || mi > 59) {
        snprintf(why, TS_WHY, "UTC offset %c%02lld:%02lld is out of range", sign < 0 ? '-' : '+',
                 h, mi);
        return SCAN_RANGE;
    }
    *off_s = sign * (int)(h * 3600 + mi * 60);
    *p = q;
    return SCAN_OK;
}

cs_status cs_ts_parse(const char *s, cs_tz tz, cs_ts_fold fold, double *epoch, int *flags,
                      cs_error *err)
{
    CS_REQUIRE(s != NULL && epoch != NULL);
    const char *b, *e;
    trim(s, &b, &e);
    char why[TS_WHY] = "";
    if (b == e)
        return bad(err, MSG_TS, s, "empty");

    /* All digits (with an optional fraction): epoch seconds. */
    int nd = count_digits(b, e);
    if (nd == e - b || (nd > 0 && (b[nd] == '.' || b[nd] == ',') &&
                        count_digits(b + nd + 1, e) == e - (b + nd + 1))) {
        if (nd < 9)
            return bad(err, MSG_TS, s,
                       "a number with fewer than 9 digits is not read as epoch seconds; is this "
                       "a duration or an id?");
        if (nd > 11)
            return bad(err, MSG_TS, s,
                       "12 or more digits: epoch milliseconds? epoch times must be in seconds");
        double v;
        const char *q = b;
        if (scan_number(&q, e, &v, &nd) != SCAN_OK || q != e)
            return bad(err, MSG_TS, s, NULL);
        *epoch = v;
        if (flags)
            *flags = 0;
        return CS_OK;
    }

    int y, m, d;
    int r = scan_date(&b, e, &y, &m, &d, why);
    if (r == SCAN_FORM && nd >= 1 && nd <= 2 && b[nd] == ':')
        return bad(err, MSG_TS, s, "a time of day without a date");
    if (r != SCAN_OK)
        return bad(err, MSG_TS, s, why);
    if (b == e)
        return bad(err, MSG_TS, s, "a date without a time of day");
    if (*b == 'T' || *b == 't') {
        b++;
    } else if (is_blank(*b)) {
        while (b < e && is_blank(*b))
            b++;
    } else {
        return bad(err, MSG_TS, s, NULL);
    }
    double sod;
    r = scan_clock(&b, e, 0, &sod, why);
    if (r != SCAN_OK)
        return bad(err, MSG_TS, s, why);
    while (b < e && is_blank(*b))
        b++;
    int off = 0, have_off = 0;
    if (b < e) {
        r = scan_offset(&b, e, &off, why);
        if (r != SCAN_OK || b != e)
            return bad(err, MSG_TS, s, why);
        have_off = 1;
    }
    int fl = 0;
    double t;
    if (have_off)
        t = (double)cs_ts_days_from_civil(y, m, d) * 86400.0 + sod - off;
    else
        t = cs_ts_from_civil(y, m, d, sod, tz, fold, &fl);
    *epoch = t;
    if (flags)
        *flags = fl;
    return CS_OK;
}
