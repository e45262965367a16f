/* The HTML report: the page buffer, escaping, JSON access, numbers and words (see
 * plots/report_int.h).  No locale: numbers are built from digits, so a decimal-comma locale
 * cannot change the page. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/report_int.h"

#define WEEK_S 604800.0
#define DAY_S 86400.0

/* ------------------------------------------------------------------------------------------
 * Escaping
 * ---------------------------------------------------------------------------------------- */

/* Text from JSON: valid UTF-8 (the parser guarantees it); control characters become spaces. */
static void esc_n(cs_text_buf *b, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) rep = " ";
        }
        if (rep) {
            cs_text_putn(b, s + start, i - start);
            cs_text_puts(b, rep);
            start = i + 1;
        }
    }
    cs_text_putn(b, s + start, n - start);
}

void csi_rep_esc(cs_text_buf *b, const char *s)
{
    if (s) esc_n(b, s, strlen(s));
}

/* A file shown verbatim in <pre>: escaped, CRLF as LF, invalid UTF-8 and control characters
 * (other than tab and newline) as U+FFFD so the page stays valid whatever the file holds. */
static void esc_verbatim(cs_text_buf *b, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) i = 3;
    while (i < n) {
        unsigned char c = s[i];
        if (c == '\r') {
            cs_text_putn(b, "\n", 1);
            i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
        } else if (c == '&') cs_text_puts(b, "&amp;"), i++;
        else if (c == '<') cs_text_puts(b, "&lt;"), i++;
        else if (c == '>') cs_text_puts(b, "&gt;"), i++;
        else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) cs_text_puts(b, "\xef\xbf\xbd"), i++;
        else {
            size_t len = cs_text_utf8_len(text + i, n - i, NULL);
            if (len == 0) {
                cs_text_puts(b, "\xef\xbf\xbd");
                i++;
            } else {
                cs_text_putn(b, text + i, len);
                i += len;
            }
        }
    }
}

/* printf for HTML: %s is escaped text, %r raw markup, %d an int, %% a percent sign.  Using it
 * for every sentence keeps user text from ever reaching the page unescaped. */
void csi_rep_hf(cs_text_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *p = fmt;
    while (*p) {
        const char *q = strchr(p, '%');
        if (!q) {
            cs_text_puts(b, p);
            break;
        }
        cs_text_putn(b, p, (size_t)(q - p));
        switch (q[1]) {
        case 's': csi_rep_esc(b, va_arg(ap, const char *)); break;
        case 'r': {
            const char *r = va_arg(ap, const char *);
            if (r) cs_text_puts(b, r);
            break;
        }
        case 'd': cs_text_printf(b, "%d", va_arg(ap, int)); break;
        case '%': cs_text_putn(b, "%", 1); break;
        default: CS_UNREACHABLE("hf: unknown conversion");
        }
        p = q + 2;
    }
    va_end(ap);
}

/* ------------------------------------------------------------------------------------------
 * JSON access
 * ---------------------------------------------------------------------------------------- */

double csi_rep_jnum(const cs_json *o, const char *k)
{
    const cs_json *v = cs_json_get(o, k);
    return cs_json_type_of(v) == CS_JSON_NUMBER ? cs_json_number_value(v) : NAN;
}

const char *csi_rep_jstr(const cs_json *o, const char *k) { return cs_json_string_value(cs_json_get(o, k)); }

int csi_rep_jstreq(const cs_json *o, const char *k, const char *want)
{
    const char *s = csi_rep_jstr(o, k);
    return s && want && strcmp(s, want) == 0;
}

/* The object of an array whose "name" is `name`. */
const cs_json *csi_rep_find_named(const cs_json *arr, const char *name)
{
    for (size_t i = 0; i < cs_json_size(arr); i++)
        if (csi_rep_jstreq(cs_json_at(arr, i), "name", name)) return cs_json_at(arr, i);
    return NULL;
}

/* A seed or other integer that may be a JSON number or a string of digits. */
void csi_rep_int_text(const cs_json *v, char *buf, size_t n)
{
    long long x;
    if (cs_json_int_value(v, &x)) snprintf(buf, n, "%lld", x);
    else if (cs_json_string_value(v)) snprintf(buf, n, "%s", cs_json_string_value(v));
    else if (cs_json_type_of(v) == CS_JSON_NUMBER) snprintf(buf, n, "%.17g", cs_json_number_value(v));
    else snprintf(buf, n, "?");
}

/* ------------------------------------------------------------------------------------------
 * Number formatting
 * ---------------------------------------------------------------------------------------- */

/* Bounded copy and append (snprintf("%s") would do, but GCC warns about every possible cut). */
static void str_copy(char *dst, size_t n, const char *src)
{
    if (n == 0) return;
    size_t l = strlen(src);
    if (l >= n) l = n - 1;
    memcpy(dst, src, l);
    dst[l] = '\0';
}

static void str_cat(char *dst, size_t n, const char *src)
{
    size_t l = strlen(dst);
    if (l < n) str_copy(dst + l, n - l, src);
}

/* True when a formatted number shows only zeros (so "-0.0" can lose its sign). */
static int all_zero(const char *s)
{
    for (; *s; s++)
        if (*s >= '1' && *s <= '9') return 0;
    return 1;
}

/* A time: "6.8 s", "42 s", "4 min 05 s", "1 h 02 min". */
static void fmt_time(char *buf, size_t n, double v, int dec, int sign)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
        return;
    }
    double a = fabs(v);
    double r = dec > 0 ? round(a * 10.0) / 10.0 : round(a);
    char body[48];
    if (r < 60) {
        snprintf(body, sizeof body, "%.*f s", dec > 0 ? 1 : 0, r);
    } else if (llround(a) < 3600) {
        long long t = llround(a);
        snprintf(body, sizeof body, "%lld min %02lld s", t / 60, t % 60);
    } else {
        long long m = llround(a / 60.0);
        snprintf(body, sizeof body, "%lld h %02lld min", m / 60, m % 60);
    }
    const char *pfx = "";
    if (!all_zero(body)) pfx = v < 0 ? "-" : sign ? "+" : "";
    snprintf(buf, n, "%s%s", pfx, body);
}

int csi_rep_decimals_for(int unit, double mean, int full)
{
    double a = fabs(mean);
    switch (unit) {
    case U_SHARE: return full ? 2 : 1;
    case U_TIME: return a < 10 ? 1 : 0;
    case U_STAFF: return 1;
    default: (void)a; return 0;   /* counts read as counts: whole numbers */
    }
}

void csi_rep_fmt_val(char *buf, size_t n, int unit, double v, int dec, int sign)
{
    char tmp[64];
    switch (unit) {
    case U_SHARE:
        cs_text_fmt_fixed(tmp, sizeof tmp, 100.0 * v, dec, CS_TEXT_GROUP | (sign ? CS_TEXT_SIGN : 0));
        str_copy(buf, n, tmp);
        str_cat(buf, n, "%");
        return;
    case U_TIME: fmt_time(buf, n, v, dec, sign); return;
    default: cs_text_fmt_fixed(buf, n, v, dec, CS_TEXT_GROUP | (sign ? CS_TEXT_SIGN : 0)); return;
    }
}

/* Lower and upper ends of mean -/+ h, cut at the range the quantity can take. */
void csi_rep_interval(int unit, double m, double h, double *lo, double *hi)
{
    *lo = m - h;
    *hi = m + h;
    if (*lo < 0 && m >= 0) *lo = 0;
    if (unit == U_SHARE && *hi > 1 && m <= 1) *hi = 1;
}

/* ------------------------------------------------------------------------------------------
 * Words
 * ---------------------------------------------------------------------------------------- */

static const char *const day_full[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
static const char *const day_abbr[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

/* A length of time in words: "45 s", "5 min", "1 min 30 s", "6 h", "1 h 30 min", "2 days". */
void csi_rep_dur_words(char *buf, size_t n, double s)
{
    if (!isfinite(s) || s < 0) {
        snprintf(buf, n, "-");
        return;
    }
    long long t = llround(s);
    if (round(s * 10) / 10 < 60) snprintf(buf, n, "%g s", round(s * 10) / 10);
    else if (t < 3600) {
        if (t % 60) snprintf(buf, n, "%lld min %02lld s", t / 60, t % 60);
        else snprintf(buf, n, "%lld min", t / 60);
    } else if (t % 86400 == 0) snprintf(buf, n, "%lld day%s", t / 86400, t == 86400 ? "" : "s");
    else if (t < 2 * 86400) {
        long long m = llround(s / 60);
        if (m % 60) snprintf(buf, n, "%lld h %02lld min", m / 60, m % 60);
        else snprintf(buf, n, "%lld h", m / 60);
    } else {
        long long h = llround(s / 3600);
        snprintf(buf, n, "%lld days %lld h", h / 24, h % 24);
    }
}

/* A target time in words: "10 seconds", "1 minute", "10 minutes", "1 hour". */
void csi_rep_target_words(char *buf, size_t n, double s)
{
    long long t = llround(s);
    if (fabs(s - (double)t) > 1e-9 || t < 120 || t % 60 != 0)
        snprintf(buf, n, "%g second%s", s, s == 1 ? "" : "s");
    else if (t % 3600 == 0) snprintf(buf, n, "%lld hour%s", t / 3600, t == 3600 ? "" : "s");
    else snprintf(buf, n, "%lld minutes", t / 60);
}

/* A share as a percentage without spurious decimals: "90%", "12.5%", "0.5%". */
void csi_rep_pct_words(char *buf, size_t n, double share)
{
    double p = 100.0 * share;
    if (fabs(p - round(p)) < 1e-9) snprintf(buf, n, "%.0f%%", p);
    else snprintf(buf, n, "%.3g%%", p);
}

/* "Fri 18:00" -> "Friday 18:00"; "week 2 Tue 10:00" -> "Tuesday 10:00 of week 2". */
void csi_rep_instant_words(char *buf, size_t n, const char *s)
{
    if (!s) {
        snprintf(buf, n, "-");
        return;
    }
    int week = 0, used = 0;
    if (sscanf(s, "week %d %n", &week, &used) == 1) s += used;
    for (int d = 0; d < 7; d++) {
        size_t l = strlen(day_abbr[d]);
        if (strncmp(s, day_abbr[d], l) == 0 && s[l] == ' ') {
            if (week > 1) snprintf(buf, n, "%s %s of week %d", day_full[d], s + l + 1, week);
            else snprintf(buf, n, "%s %s", day_full[d], s + l + 1);
            return;
        }
    }
    snprintf(buf, n, "%s", s);
}

/* Seconds into the week of "Mon 07:00" / "week 2 Mon 07:00:30"; -1 if it is not that shape. */
double csi_rep_instant_seconds(const char *s)
{
    if (!s) return -1;
    int week = 1, used = 0;
    if (sscanf(s, "week %d %n", &week, &used) == 1) s += used;
    for (int d = 0; d < 7; d++) {
        if (strncmp(s, day_abbr[d], 3) != 0 || s[3] != ' ') continue;
        int h = 0, m = 0, len = 0;
        double sec = 0;
        if (sscanf(s + 4, "%d:%d%n", &h, &m, &len) != 2) return -1;
        if (s[4 + len] == ':') sec = atof(s + 5 + len);
        return (week - 1) * WEEK_S + d * DAY_S + h * 3600.0 + m * 60.0 + sec;
    }
    return -1;
}

/* "Friday 19:00" for a time given in seconds from Monday 00:00. */
void csi_rep_week_time_words(char *buf, size_t n, double t)
{
    long long s = llround(t);
    int day = (int)((s / 86400) % 7);
    long long sec = s % 86400;
    snprintf(buf, n, "%s %02lld:%02lld", day_full[day], sec / 3600, (sec / 60) % 60);
}

void csi_rep_hhmm(char *buf, size_t n, double t)
{
    long long s = llround(t) % 86400;
    snprintf(buf, n, "%02lld:%02lld", s / 3600, (s / 60) % 60);
}

/* "A", "A and B", "A, B and C", each escaped, into b. */
void csi_rep_name_list(cs_text_buf *b, const char *const *names, size_t n, const char *wrap_open,
                       const char *wrap_close)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0) cs_text_puts(b, i + 1 == n ? " and " : ", ");
        csi_rep_hf(b, "%r%s%r", wrap_open, names[i], wrap_close);
    }
}

/* "Line 999" for the tables. */
void csi_rep_line_title(cs_text_buf *b, const char *line) { csi_rep_hf(b, "Line %s", line); }

void csi_rep_iso_words(char *buf, size_t n, const char *iso)
{
    static const char *const month[12] = {"January", "February", "March", "April", "May", "June",
                                          "July", "August", "September", "October", "November",
                                          "December"};
    int y, m, d, hh, mm;
    if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d", &y, &m, &d, &hh, &mm) != 5 || m < 1 || m > 12) {
        snprintf(buf, n, "%s", iso ? iso : "");
        return;
    }
    snprintf(buf, n, "%d %s %d, %02d:%02d", d, month[m - 1], y, hh, mm);
}

/* How long the measured period is, in a phrase for count labels ("in the week"). */
void csi_rep_period_phrase(const report *r, char *buf, size_t n)
{
    double m = r->horizon - r->warmup;
    if (r->per_year) snprintf(buf, n, "in the year");
    else if (!isfinite(m) || m <= 0) snprintf(buf, n, "over the measured period");
    else if (fabs(m - WEEK_S) < 0.5) snprintf(buf, n, "in the week");
    else {
        char d[48];
        csi_rep_dur_words(d, sizeof d, m);
        snprintf(buf, n, "in the %s measured", d);
    }
}


double csi_rep_measured_s(const report *r)
{
    if (r->measured_from && isfinite(r->horizon_days) && isfinite(r->warmup_days))
        return (r->horizon_days - r->warmup_days) * DAY_S;
    double m = r->horizon - r->warmup;
    return isfinite(m) && m > 0 ? m : NAN;
}

void csi_rep_rates(const report *r, double count, double *week, double *year)
{
    double m = csi_rep_measured_s(r);
    *week = *year = NAN;
    if (!isfinite(count)) return;
    if (r->per_year) {
        *year = count;
        *week = count * 7.0 / 365.25;   /* a measured year, as an average week */
        return;
    }
    if (!(m > 0)) return;
    *week = count * WEEK_S / m;
    *year = count * 365.25 * DAY_S / m;
}

void csi_rep_about(char *buf, size_t n, double x)
{
    double a = fabs(x);
    if (a >= 100) {
        double p = pow(10.0, floor(log10(a)) - 1);   /* two significant figures */
        x = round(x / p) * p;
    }
    cs_text_fmt_fixed(buf, n, x, 0, CS_TEXT_GROUP);
}

int csi_rep_other_period(const report *r, double count, char *buf, size_t n)
{
    double week, year;
    buf[0] = '\0';
    if (!(count > 0)) return 0;
    csi_rep_rates(r, count, &week, &year);
    char a[48];
    if (r->per_year) {
        if (!isfinite(week)) return 0;
        csi_rep_about(a, sizeof a, week);
        snprintf(buf, n, "about %s a week", a);
    } else {
        if (!isfinite(year)) return 0;
        csi_rep_about(a, sizeof a, year);
        snprintf(buf, n, "about %s a year", a);
    }
    return 1;
}

/* ------------------------------------------------------------------------------------------
 * A scenario file for publication
 * ---------------------------------------------------------------------------------------- */

/* Where the comment of a YAML line starts (a '#' at the start or after a blank, outside
 * quotes), or len if it has none. */
static size_t comment_at(const char *s, size_t len)
{
    char q = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (q) {
            if (c == q) {
                if (q == '\'' && i + 1 < len && s[i + 1] == '\'') i++;   /* '' inside '...' */
                else q = 0;
            } else if (q == '"' && c == '\\') i++;
        } else if (c == '"' || c == '\'') {
            /* A quote opens a string only where a scalar starts (after ": ", "- ", "[", "{", ","
             * or at the line's start); elsewhere it is part of a plain scalar (it's). */
            size_t j = i;
            while (j > 0 && (s[j - 1] == ' ' || s[j - 1] == '\t')) j--;
            if (j == 0 || s[j - 1] == ':' || s[j - 1] == '-' || s[j - 1] == '[' || s[j - 1] == '{' || s[j - 1] == ',')
                q = c;
        } else if (c == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
            return i;
        }
    }
    return len;
}

/* A comment published with the file: "#!" (the marker), or the lines callsim appends for
 * --set changes, which readers need to reproduce the run. */
static int published(const char *c, size_t n, int *in_set_block)
{
    static const char set_head[] = "# This run changed the file above from the command line (--set)";
    if (n >= 2 && c[1] == '!') return 1;
    if (n >= sizeof set_head - 1 && memcmp(c, set_head, sizeof set_head - 1) == 0) {
        *in_set_block = 1;
        return 1;
    }
    return *in_set_block && n >= 11 && memcmp(c, "#   --set '", 11) == 0;
}

size_t csi_rep_scenario_text(cs_text_buf *b, const char *text, size_t n)
{
    cs_text_buf out = {0};
    size_t dropped = 0, i = 0;
    int block = -1;        /* indentation of the key of a block scalar being copied, or -1 */
    int set_block = 0, last_blank = 1;
    if (n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) i = 3;
    while (i < n) {
        size_t e = i;
        while (e < n && text[e] != '\n' && text[e] != '\r') e++;
        const char *s = text + i;
        size_t len = e - i, ind = 0;
        while (ind < len && (s[ind] == ' ' || s[ind] == '\t')) ind++;
        int blank = ind == len;
        if (block >= 0 && (blank || (int)ind > block)) {
            /* Inside a block scalar ("description: >"): text, where '#' is no comment. */
            cs_text_putn(&out, s, len);
            cs_text_puts(&out, "\n");
            last_blank = blank;
        } else {
            block = -1;
            size_t c = comment_at(s, len);
            int pub = c < len && published(s + c, len - c, &set_block);
            if (c < len && c > ind) set_block = 0;
            size_t keep = c;
            while (keep > 0 && (s[keep - 1] == ' ' || s[keep - 1] == '\t')) keep--;
            if (blank) {
                if (!last_blank) cs_text_puts(&out, "\n");
                last_blank = 1;
            } else if (keep == 0 && !pub) {
                dropped++;   /* a whole-line comment: nothing left of the line */
            } else {
                cs_text_putn(&out, s, pub ? len : keep);
                cs_text_puts(&out, "\n");
                if (c < len && !pub) dropped++;
                last_blank = 0;
                /* A key whose value is a block scalar: "key: |", "key: >-", "- >" ... */
                size_t v = keep;
                while (v > ind && s[v - 1] != ' ' && s[v - 1] != ':' && s[v - 1] != '-') v--;
                if (keep > v && (s[v] == '|' || s[v] == '>') && v > ind &&
                    (s[v - 1] == ' ' || s[v - 1] == ':' || s[v - 1] == '-')) {
                    int ok = 1;
                    for (size_t k = v + 1; k < keep; k++)
                        if (!(s[k] == '+' || s[k] == '-' || cs_text_is_digit((unsigned char)s[k]))) ok = 0;
                    if (ok) block = (int)ind;
                }
            }
        }
        i = e;
        if (i < n && text[i] == '\r') i++;
        if (i < n && text[i] == '\n') i++;
    }
    while (out.n > 0 && out.p[out.n - 1] == '\n' && out.n > 1 && out.p[out.n - 2] == '\n') out.p[--out.n] = '\0';
    if (out.oom) b->oom = 1;
    else if (out.p) esc_verbatim(b, out.p, out.n);
    cs_text_free(&out);
    return dropped;
}
