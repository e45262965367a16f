/* The HTML report of a results folder: see plots/report.h for what the page contains.
 *
 * The page is built in memory (a growable buffer) and written in one go at the end, so every
 * input problem is found before anything touches the disk.  Text from the folder goes through
 * hf()/esc(), which escape by default: only markup this file writes itself and the checked SVG
 * charts are copied raw. */
#include "plots/report.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/json.h"

#define WEEK_S 604800.0
#define DAY_S 86400.0
/* Scenario columns per comparison table: base + 3 variants fit the width of an A4 page. */
#define MAX_COLS 4

/* ------------------------------------------------------------------------------------------
 * Growable text buffer.  Allocation failure is sticky (oom) and checked once at the end, so
 * the page-building code reads straight through.
 * ---------------------------------------------------------------------------------------- */

typedef struct sb {
    char *p;
    size_t n, cap;
    int oom;
} sb;

static void sb_grow(sb *b, size_t more)
{
    if (b->oom) return;
    if (b->n + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + more + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return;
        }
        cap *= 2;
    }
    char *q = realloc(b->p, cap);
    if (!q) {
        b->oom = 1;
        return;
    }
    b->p = q;
    b->cap = cap;
}

static void sb_putn(sb *b, const char *s, size_t n)
{
    sb_grow(b, n);
    if (b->oom) return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_puts(sb *b, const char *s) { sb_putn(b, s, strlen(s)); }

static void sb_printf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sb *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (len < 0) return;
    if ((size_t)len < sizeof tmp) {
        sb_putn(b, tmp, (size_t)len);
        return;
    }
    sb_grow(b, (size_t)len);
    if (b->oom) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)len;
}

static void sb_free(sb *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

/* ------------------------------------------------------------------------------------------
 * Escaping
 * ---------------------------------------------------------------------------------------- */

/* Text from JSON: valid UTF-8 (the parser guarantees it); control characters become spaces. */
static void esc_n(sb *b, const char *s, size_t n)
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
            sb_putn(b, s + start, i - start);
            sb_puts(b, rep);
            start = i + 1;
        }
    }
    sb_putn(b, s + start, n - start);
}

static void esc(sb *b, const char *s)
{
    if (s) esc_n(b, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 if the bytes there are not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef) len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4) len = 4, cp = c & 0x07;
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
    if (cp >= 0xd800 && cp <= 0xdfff) return 0;
    return len;
}

/* A file shown verbatim in <pre>: escaped, CRLF as LF, invalid UTF-8 and control characters
 * (other than tab and newline) as U+FFFD so the page stays valid whatever the file holds. */
static void esc_verbatim(sb *b, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) i = 3;
    while (i < n) {
        unsigned char c = s[i];
        if (c == '\r') {
            sb_putn(b, "\n", 1);
            i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
        } else if (c == '&') sb_puts(b, "&amp;"), i++;
        else if (c == '<') sb_puts(b, "&lt;"), i++;
        else if (c == '>') sb_puts(b, "&gt;"), i++;
        else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) sb_puts(b, "\xef\xbf\xbd"), i++;
        else {
            size_t len = utf8_seq(s + i, n - i);
            if (len == 0) {
                sb_puts(b, "\xef\xbf\xbd");
                i++;
            } else {
                sb_putn(b, text + i, len);
                i += len;
            }
        }
    }
}

/* printf for HTML: %s is escaped text, %r raw markup, %d an int, %% a percent sign.  Using it
 * for every sentence keeps user text from ever reaching the page unescaped. */
static void hf(sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *p = fmt;
    while (*p) {
        const char *q = strchr(p, '%');
        if (!q) {
            sb_puts(b, p);
            break;
        }
        sb_putn(b, p, (size_t)(q - p));
        switch (q[1]) {
        case 's': esc(b, va_arg(ap, const char *)); break;
        case 'r': {
            const char *r = va_arg(ap, const char *);
            if (r) sb_puts(b, r);
            break;
        }
        case 'd': sb_printf(b, "%d", va_arg(ap, int)); break;
        case '%': sb_putn(b, "%", 1); break;
        default: CS_REQUIRE(!"hf: unknown conversion");
        }
        p = q + 2;
    }
    va_end(ap);
}

/* ------------------------------------------------------------------------------------------
 * Files
 * ---------------------------------------------------------------------------------------- */

static char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (!p) return NULL;
    memcpy(p, a, la);
    size_t n = la;
    if (n > 0 && p[n - 1] != '/') p[n++] = '/';
    memcpy(p + n, b, lb + 1);
    return p;
}

/* Reads a whole file.  A file that is not there is the user's input problem (CS_EINPUT);
 * one that is there but unreadable is CS_EIO.  `why` completes "not found" messages. */
static cs_status read_all(const char *path, const char *why, char **out, size_t *len, cs_error *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return cs_error_set(err, CS_EINPUT, "%s: not found%s", path, why ? why : "");
        return cs_error_set(err, CS_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    size_t cap = 1 << 14, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (!buf) {
            fclose(f);
            return cs_error_set(err, CS_ENOMEM, "%s: out of memory", path);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        char *nb = cap <= SIZE_MAX / 4 ? realloc(buf, 2 * cap + 1) : NULL;
        if (!nb) free(buf);
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return cs_error_set(err, CS_EIO, "%s: read error", path);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CS_OK;
}

static cs_status parse_json_file(const char *path, const char *why, cs_json **out, cs_error *err)
{
    char *text;
    size_t len;
    *out = NULL;
    cs_status st = read_all(path, why, &text, &len, err);
    if (st != CS_OK) return st;
    cs_error e = {CS_OK, ""};
    st = cs_json_parse(text, len, out, &e);
    free(text);
    if (st != CS_OK) return cs_error_set(err, st, "%s: %s", path, e.msg);
    return CS_OK;
}

/* ------------------------------------------------------------------------------------------
 * JSON access
 * ---------------------------------------------------------------------------------------- */

static double jnum(const cs_json *o, const char *k)
{
    const cs_json *v = cs_json_get(o, k);
    return cs_json_type_of(v) == CS_JSON_NUMBER ? cs_json_number_value(v) : NAN;
}

static const char *jstr(const cs_json *o, const char *k) { return cs_json_string_value(cs_json_get(o, k)); }

static int jstreq(const cs_json *o, const char *k, const char *want)
{
    const char *s = jstr(o, k);
    return s && want && strcmp(s, want) == 0;
}

/* The object of an array whose "name" is `name`. */
static const cs_json *find_named(const cs_json *arr, const char *name)
{
    for (size_t i = 0; i < cs_json_size(arr); i++)
        if (jstreq(cs_json_at(arr, i), "name", name)) return cs_json_at(arr, i);
    return NULL;
}

/* A seed or other integer that may be a JSON number or a string of digits. */
static void int_text(const cs_json *v, char *buf, size_t n)
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

enum { U_COUNT, U_SHARE, U_TIME, U_STAFF };

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

/* v with `dec` decimals, thousands separated by commas; `sign` adds '+' to positive values. */
static void fmt_fixed(char *buf, size_t n, double v, int dec, int sign)
{
    char tmp[64];
    CS_REQUIRE(dec >= 0 && dec <= 3);
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
        return;
    }
    /* Halves round away from zero, as in fmt_time, so "16,636.5" shows as 16,637 everywhere. */
    double p = dec == 0 ? 1 : dec == 1 ? 10 : dec == 2 ? 100 : 1000;
    double scaled = round(fabs(v) * p);
    if (scaled < 1e15) {
        snprintf(tmp, sizeof tmp, "%.0f", scaled);
        if (dec > 0) {
            size_t l = strlen(tmp);
            while (l < (size_t)dec + 1) { /* 0.05 -> "5" -> "005" -> "0.05" */
                memmove(tmp + 1, tmp, l + 1);
                tmp[0] = '0';
                l++;
            }
            memmove(tmp + l - dec + 1, tmp + l - dec, (size_t)dec + 1);
            tmp[l - dec] = '.';
        }
    } else {
        snprintf(tmp, sizeof tmp, "%.*f", dec, fabs(v));
    }
    const char *pfx = "";
    if (!all_zero(tmp)) pfx = v < 0 ? "-" : sign ? "+" : "";
    const char *dot = strchr(tmp, '.');
    size_t ilen = dot ? (size_t)(dot - tmp) : strlen(tmp);
    char out[96];
    size_t o = 0;
    for (const char *q = pfx; *q; q++) out[o++] = *q;
    for (size_t i = 0; i < ilen; i++) {
        out[o++] = tmp[i];
        size_t left = ilen - i - 1;
        if (left > 0 && left % 3 == 0) out[o++] = ',';
    }
    for (const char *q = tmp + ilen; *q && o < sizeof out - 1; q++) out[o++] = *q;
    out[o] = '\0';
    str_copy(buf, n, out);
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

static int decimals_for(int unit, double mean, int full)
{
    double a = fabs(mean);
    switch (unit) {
    case U_SHARE: return full ? 2 : 1;
    case U_TIME: return a < 10 ? 1 : 0;
    case U_STAFF: return 1;
    default: return a >= 100 ? 0 : a >= 10 ? 1 : 2;
    }
}

static void fmt_val(char *buf, size_t n, int unit, double v, int dec, int sign)
{
    char tmp[64];
    switch (unit) {
    case U_SHARE:
        fmt_fixed(tmp, sizeof tmp, 100.0 * v, dec, sign);
        str_copy(buf, n, tmp);
        str_cat(buf, n, "%");
        return;
    case U_TIME: fmt_time(buf, n, v, dec, sign); return;
    default: fmt_fixed(buf, n, v, dec, sign); return;
    }
}

/* Lower and upper ends of mean -/+ h, cut at the range the quantity can take. */
static void interval(int unit, double m, double h, double *lo, double *hi)
{
    *lo = m - h;
    *hi = m + h;
    if (*lo < 0 && m >= 0) *lo = 0;
    if (unit == U_SHARE && *hi > 1 && m <= 1) *hi = 1;
}

/* ------------------------------------------------------------------------------------------
 * KPI catalogue: plain-words labels for the full tables, units, which scenario feature makes
 * a row meaningful (the terminal table hides the same rows), and which direction is better.
 * ---------------------------------------------------------------------------------------- */

enum { F_ALL, F_IVR, F_CB, F_REACH, F_SPILL, F_SPILL_IN, F_XFER, F_CUTOFF };

typedef struct kpi_def {
    const char *key;
    const char *label;
    unsigned char unit, feature;
    signed char better; /* +1 higher is better, -1 lower is better, 0 neither */
} kpi_def;

static const kpi_def line_kpis[] = {
    {"offered", "Calls received, including repeat attempts", U_COUNT, F_ALL, 0},
    {"callers", "Different callers", U_COUNT, F_REACH, 0},
    {"answered", "Answered", U_COUNT, F_ALL, +1},
    {"abandoned_ivr", "Hung up in the recorded menu (IVR)", U_COUNT, F_IVR, -1},
    {"abandoned_queue", "Hung up while waiting to be answered", U_COUNT, F_ALL, -1},
    {"cut_off", "Cut off (no free line, queue full or outage)", U_COUNT, F_CUTOFF, -1},
    {"deflected", "Sent elsewhere by the menu (e.g. online)", U_COUNT, F_IVR, 0},
    {"callback", "Booked a callback instead of waiting", U_COUNT, F_CB, 0},
    {"unfinished", "Still in progress when the simulation ended", U_COUNT, F_ALL, 0},
    {"abandoned", "Hung up before contact (menu and queue)", U_COUNT, F_ALL, -1},
    {"abandon_rate", "Calls abandoned or cut off before contact", U_SHARE, F_ALL, -1},
    {"never_reached_rate", "Callers who never got through", U_SHARE, F_REACH, -1},
    {"service_level", "Answered within the target time", U_SHARE, F_ALL, +1},
    {"asa", "Average wait to be answered", U_TIME, F_ALL, -1},
    {"wait_p50", "Half of answered calls waited no longer than", U_TIME, F_ALL, -1},
    {"wait_p90", "90% of answered calls waited no longer than", U_TIME, F_ALL, -1},
    {"wait_p99", "99% of answered calls waited no longer than", U_TIME, F_ALL, -1},
    {"wait_max", "Longest wait of an answered call", U_TIME, F_ALL, -1},
    {"p_wait", "Calls that had to queue", U_SHARE, F_ALL, -1},
    {"mean_wait", "Average wait of all calls, answered or not", U_TIME, F_ALL, -1},
    {"queue_mean", "Average number of callers waiting", U_COUNT, F_ALL, -1},
    {"redials", "Repeat attempts (redials)", U_COUNT, F_REACH, 0},
    {"spilled_to_999", "Gave up and rang another line", U_COUNT, F_SPILL, -1},
    {"from_101", "Calls from callers who gave up on another line", U_COUNT, F_SPILL_IN, 0},
    {"from_101_share", "Share of calls from callers who gave up on another line", U_SHARE, F_SPILL_IN, 0},
    {"callbacks_on_time", "Callbacks made on time", U_COUNT, F_CB, +1},
    {"callbacks_late", "Callbacks made late", U_COUNT, F_CB, -1},
    {"callbacks_missed", "Booked callbacks never made", U_COUNT, F_CB, -1},
    {"callbacks_reached", "Callbacks that reached the caller", U_COUNT, F_CB, +1},
    {"transferred", "Passed on to a second team", U_COUNT, F_XFER, 0},
    {"transfer_abandoned", "Hung up after being passed on", U_COUNT, F_XFER, -1},
    {"transfer_asa", "Average further wait after being passed on", U_TIME, F_XFER, -1},
};

static const kpi_def pool_kpis[] = {
    {"occupancy", "Share of on-duty time spent on calls (occupancy)", U_SHARE, F_ALL, 0},
    {"on_duty", "Handlers on duty (average)", U_STAFF, F_ALL, 0},
    {"busy", "Handlers busy on calls (average)", U_STAFF, F_ALL, 0},
};

#define N_LINE_KPIS (sizeof line_kpis / sizeof line_kpis[0])
#define N_POOL_KPIS (sizeof pool_kpis / sizeof pool_kpis[0])

static const kpi_def *find_kpi(const kpi_def *defs, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(defs[i].key, key) == 0) return &defs[i];
    return NULL;
}

/* ------------------------------------------------------------------------------------------
 * The folder's content, for one or several scenarios
 * ---------------------------------------------------------------------------------------- */

typedef struct scen {
    const char *name;
    const char *file;        /* comparison: the scenario file given on the command line */
    const cs_json *lines;    /* object: line name -> {kpi: {mean, ci95}} */
    const cs_json *pools;    /* object: pool name -> {kpi: {mean, ci95}} */
    const cs_json *resolved; /* resolved scenario, may be NULL */
    const cs_json *diff;     /* variants: their entry of "differences", may be NULL */
} scen;

typedef struct report {
    const char *dir;
    const char *generated;
    cs_json *summary, *manifest;
    int comparison;
    scen *sc;
    size_t n_sc;
    char version[64], seed[48], reps[32];
    double horizon, warmup; /* seconds; NAN if unknown */
    sb out;
} report;

/* What a line of a scenario uses, to decide which rows mean something. */
typedef struct feat {
    int known;
    int ivr, cb, redial, spill, spill_in, xfer, cutoff;
    const char *spill_to, *xfer_to;
    double target_s, target_share, cb_deadline;
} feat;

static feat line_feat(const scen *s, const char *line)
{
    feat f;
    memset(&f, 0, sizeof f);
    f.target_s = f.target_share = f.cb_deadline = NAN;
    const cs_json *lines = cs_json_get(s->resolved, "lines");
    const cs_json *L = find_named(lines, line);
    if (!L) {
        /* Nothing to go by: show every row rather than hide one that matters. */
        f.ivr = f.cb = f.redial = f.spill = f.spill_in = f.xfer = f.cutoff = 1;
        return f;
    }
    f.known = 1;
    f.ivr = cs_json_get(L, "ivr") != NULL;
    f.cb = cs_json_get(L, "callback") != NULL;
    f.cb_deadline = jnum(cs_json_get(L, "callback"), "deadline_s");
    f.redial = cs_json_get(L, "redial") != NULL;
    const cs_json *sp = cs_json_get(L, "spillover");
    f.spill = sp != NULL;
    f.spill_to = jstr(sp, "to");
    for (size_t i = 0; i < cs_json_size(lines); i++)
        if (jstreq(cs_json_get(cs_json_at(lines, i), "spillover"), "to", line)) f.spill_in = 1;
    const cs_json *queues = cs_json_get(s->resolved, "queues");
    int several = 0;
    for (size_t i = 0; i < cs_json_size(queues); i++) {
        const cs_json *q = cs_json_at(queues, i);
        const char *to = jstr(cs_json_get(q, "transfer"), "queue");
        if (!jstreq(q, "line", line) || !to) continue;
        if (f.xfer_to && strcmp(f.xfer_to, to) != 0) several = 1;
        f.xfer = 1;
        f.xfer_to = to;
    }
    if (several) f.xfer_to = NULL;
    f.cutoff = cs_json_type_of(cs_json_get(L, "trunks")) == CS_JSON_NUMBER ||
               cs_json_type_of(cs_json_get(L, "queue_places")) == CS_JSON_NUMBER ||
               cs_json_size(cs_json_get(s->resolved, "outages")) > 0;
    const cs_json *t = cs_json_get(L, "target");
    f.target_s = jnum(t, "answer_within_s");
    f.target_share = jnum(t, "share");
    return f;
}

static int relevant(const feat *f, int feature)
{
    switch (feature) {
    case F_IVR: return f->ivr;
    case F_CB: return f->cb;
    case F_REACH: return f->redial || f->spill || f->spill_in;
    case F_SPILL: return f->spill;
    case F_SPILL_IN: return f->spill_in;
    case F_XFER: return f->xfer;
    case F_CUTOFF: return f->cutoff;
    default: return 1;
    }
}

/* mean and half-width of one KPI, NAN where absent or null. */
typedef struct mci {
    double m, h;
} mci;

static mci get_mci(const cs_json *kpis, const char *key, const char *mkey)
{
    const cs_json *v = cs_json_get(kpis, key);
    mci r = {jnum(v, mkey), jnum(v, "ci95")};
    return r;
}

/* ------------------------------------------------------------------------------------------
 * Words
 * ---------------------------------------------------------------------------------------- */

static const char *const day_full[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
static const char *const day_abbr[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

/* A length of time in words: "45 s", "5 min", "1 min 30 s", "6 h", "1 h 30 min", "2 days". */
static void dur_words(char *buf, size_t n, double s)
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
static void target_words(char *buf, size_t n, double s)
{
    long long t = llround(s);
    if (fabs(s - (double)t) > 1e-9 || t < 120 || t % 60 != 0)
        snprintf(buf, n, "%g second%s", s, s == 1 ? "" : "s");
    else if (t % 3600 == 0) snprintf(buf, n, "%lld hour%s", t / 3600, t == 3600 ? "" : "s");
    else snprintf(buf, n, "%lld minutes", t / 60);
}

/* A share as a percentage without spurious decimals: "90%", "12.5%", "0.5%". */
static void pct_words(char *buf, size_t n, double share)
{
    double p = 100.0 * share;
    if (fabs(p - round(p)) < 1e-9) snprintf(buf, n, "%.0f%%", p);
    else snprintf(buf, n, "%.3g%%", p);
}

/* "Fri 18:00" -> "Friday 18:00"; "week 2 Tue 10:00" -> "Tuesday 10:00 of week 2". */
static void instant_words(char *buf, size_t n, const char *s)
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
static double instant_seconds(const char *s)
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
static void week_time_words(char *buf, size_t n, double t)
{
    long long s = llround(t);
    int day = (int)((s / 86400) % 7);
    long long sec = s % 86400;
    snprintf(buf, n, "%s %02lld:%02lld", day_full[day], sec / 3600, (sec / 60) % 60);
}

static void hhmm(char *buf, size_t n, double t)
{
    long long s = llround(t) % 86400;
    snprintf(buf, n, "%02lld:%02lld", s / 3600, (s / 60) % 60);
}

/* "A", "A and B", "A, B and C", each escaped, into b. */
static void name_list(sb *b, const char *const *names, size_t n, const char *wrap_open, const char *wrap_close)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0) sb_puts(b, i + 1 == n ? " and " : ", ");
        hf(b, "%r%s%r", wrap_open, names[i], wrap_close);
    }
}

/* "Line 999" for the tables. */
static void line_title(sb *b, const char *line) { hf(b, "Line %s", line); }

/* How long the measured period is, in a phrase for count labels ("in the week"). */
static void period_phrase(const report *r, char *buf, size_t n)
{
    double m = r->horizon - r->warmup;
    if (!isfinite(m) || m <= 0) snprintf(buf, n, "over the measured period");
    else if (fabs(m - WEEK_S) < 0.5) snprintf(buf, n, "in the week");
    else {
        char d[48];
        dur_words(d, sizeof d, m);
        snprintf(buf, n, "in the %s measured", d);
    }
}

/* ------------------------------------------------------------------------------------------
 * SVG inlining (see the header: prolog and xmlns dropped, viewBox ensured, ids prefixed,
 * anything active or external refused)
 * ---------------------------------------------------------------------------------------- */

typedef struct svgx {
    const char *s;
    size_t n, i;
    sb *out;
    char prefix[16];
    const char *path;
    cs_error *err;
} svgx;

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int ieq_n(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])) return 0;
    return 1;
}

static const char *find_str(const char *s, size_t n, size_t from, const char *what)
{
    size_t w = strlen(what);
    for (size_t i = from; i + w <= n; i++)
        if (memcmp(s + i, what, w) == 0) return s + i;
    return NULL;
}

/* Copies an attribute value, prefixing url(#id) references; refuses url() to anything else. */
static cs_status svg_value(svgx *x, const char *v, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *u = find_str(v, n, i, "url(");
        if (!u) break;
        size_t k = (size_t)(u - v) + 4;
        sb_putn(x->out, v + i, k - i);
        while (k < n && (is_ws(v[k]) || v[k] == '\'' || v[k] == '"')) sb_putn(x->out, v + k, 1), k++;
        if (k >= n || v[k] != '#')
            return cs_error_set(x->err, CS_EINPUT, "%s: refers to something outside the file (url(...) "
                                "not starting with '#'); a report must not load anything, so it is not inlined",
                                x->path);
        sb_putn(x->out, "#", 1);
        sb_puts(x->out, x->prefix);
        i = k + 1;
    }
    sb_putn(x->out, v + i, n - i);
    return CS_OK;
}

/* Converts an SVG length to CSS pixels (the user units of an SVG without a viewBox). */
static double svg_px(const char *v, size_t n)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp) return NAN;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    char *end;
    double x = strtod(tmp, &end);
    if (end == tmp || !(x > 0)) return NAN;
    while (*end == ' ') end++;
    if (*end == '\0' || strcmp(end, "px") == 0) return x;
    if (strcmp(end, "pt") == 0) return x * 96.0 / 72.0;
    if (strcmp(end, "pc") == 0) return x * 16.0;
    if (strcmp(end, "mm") == 0) return x * 96.0 / 25.4;
    if (strcmp(end, "cm") == 0) return x * 96.0 / 2.54;
    if (strcmp(end, "in") == 0) return x * 96.0;
    return NAN;
}

/* One start tag at x->i (just after '<').  *depth_delta is 1 unless the tag closes itself. */
static cs_status svg_start_tag(svgx *x, int root, const char *label, int *opened)
{
    static const char *const forbidden[] = {"script", "foreignObject", "style", "iframe", "object",
                                            "embed", "link", "meta", "set", "animate",
                                            "animateMotion", "animateTransform", "animateColor",
                                            "handler", "listener"};
    const char *s = x->s;
    size_t n = x->n, i = x->i;
    size_t name0 = i;
    while (i < n && !is_ws(s[i]) && s[i] != '>' && s[i] != '/') i++;
    size_t name_len = i - name0;
    if (name_len == 0) return cs_error_set(x->err, CS_EINPUT, "%s: malformed tag", x->path);
    for (size_t f = 0; f < sizeof forbidden / sizeof forbidden[0]; f++)
        if (ieq_n(s + name0, name_len, forbidden[f]))
            return cs_error_set(x->err, CS_EINPUT, "%s: contains a <%s> element; a chart drawn by callsim "
                                "never does, and the report runs nothing, so it is not inlined",
                                x->path, forbidden[f]);
    if (root && !ieq_n(s + name0, name_len, "svg"))
        return cs_error_set(x->err, CS_EINPUT, "%s: not an SVG file (the first element is <%.*s>, "
                            "expected <svg>)", x->path, (int)(name_len > 40 ? 40 : name_len), s + name0);
    sb_putn(x->out, "<", 1);
    sb_putn(x->out, s + name0, name_len);
    double w = NAN, h = NAN;
    int has_vb = 0;
    for (;;) {
        while (i < n && is_ws(s[i])) i++;
        if (i >= n) return cs_error_set(x->err, CS_EINPUT, "%s: ends inside a tag (truncated file?)", x->path);
        if (s[i] == '>' || (s[i] == '/' && i + 1 < n && s[i + 1] == '>')) break;
        size_t a0 = i;
        while (i < n && !is_ws(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/') i++;
        size_t alen = i - a0;
        if (alen == 0) return cs_error_set(x->err, CS_EINPUT, "%s: malformed attribute", x->path);
        while (i < n && is_ws(s[i])) i++;
        const char *val = NULL;
        size_t vlen = 0;
        char quote = '"';
        if (i < n && s[i] == '=') {
            i++;
            while (i < n && is_ws(s[i])) i++;
            if (i < n && (s[i] == '"' || s[i] == '\'')) {
                quote = s[i++];
                val = s + i;
                while (i < n && s[i] != quote) i++;
                if (i >= n) return cs_error_set(x->err, CS_EINPUT, "%s: unterminated attribute value", x->path);
                vlen = (size_t)(s + i - val);
                i++;
            } else {
                val = s + i;
                while (i < n && !is_ws(s[i]) && s[i] != '>') i++;
                vlen = (size_t)(s + i - val);
            }
        }
        const char *a = s + a0;
        if (alen > 2 && (a[0] == 'o' || a[0] == 'O') && (a[1] == 'n' || a[1] == 'N'))
            return cs_error_set(x->err, CS_EINPUT, "%s: has an event handler (%.*s=); the report runs "
                                "nothing, so it is not inlined", x->path, (int)(alen > 40 ? 40 : alen), a);
        if ((alen == 5 && memcmp(a, "xmlns", 5) == 0) || (alen > 6 && memcmp(a, "xmlns:", 6) == 0))
            continue; /* the HTML parser puts <svg> in the SVG namespace itself */
        if (root) {
            if (alen == 5 && memcmp(a, "width", 5) == 0) {
                w = svg_px(val, vlen);
                continue;
            }
            if (alen == 6 && memcmp(a, "height", 6) == 0) {
                h = svg_px(val, vlen);
                continue;
            }
            if ((alen == 7 && memcmp(a, "version", 7) == 0) || (alen == 5 && memcmp(a, "style", 5) == 0) ||
                (alen == 5 && memcmp(a, "class", 5) == 0))
                continue; /* the page's stylesheet sizes the chart */
            if (alen == 7 && memcmp(a, "viewBox", 7) == 0) has_vb = 1;
        }
        sb_putn(x->out, " ", 1);
        sb_putn(x->out, a, alen);
        if (!val) continue;
        sb_putn(x->out, "=", 1);
        sb_putn(x->out, &quote, 1);
        if (alen == 2 && memcmp(a, "id", 2) == 0) {
            sb_puts(x->out, x->prefix);
            sb_putn(x->out, val, vlen);
        } else if (alen >= 4 && memcmp(a + alen - 4, "href", 4) == 0) {
            if (vlen > 0 && val[0] == '#') {
                sb_putn(x->out, "#", 1);
                sb_puts(x->out, x->prefix);
                sb_putn(x->out, val + 1, vlen - 1);
            } else if (vlen >= 5 && ieq_n(val, 5, "data:")) {
                sb_putn(x->out, val, vlen);
            } else {
                return cs_error_set(x->err, CS_EINPUT, "%s: refers to something outside the file (%.*s=\"%.*s\"); "
                                    "a report must not load anything, so it is not inlined", x->path,
                                    (int)alen, a, (int)(vlen > 60 ? 60 : vlen), val);
            }
        } else {
            cs_status st = svg_value(x, val, vlen);
            if (st != CS_OK) return st;
        }
        sb_putn(x->out, &quote, 1);
    }
    int self_close = s[i] == '/';
    if (root) {
        if (!has_vb) {
            if (!(w > 0) || !(h > 0))
                return cs_error_set(x->err, CS_EINPUT, "%s: the <svg> element has neither a viewBox nor a "
                                    "width and height, so it cannot be scaled to the page", x->path);
            char vb[96];
            snprintf(vb, sizeof vb, " viewBox=\"0 0 %g %g\"", w, h);
            sb_puts(x->out, vb);
        }
        hf(x->out, " role=\"img\" aria-label=\"%s\"", label ? label : "Chart");
    }
    sb_puts(x->out, self_close ? "/>" : ">");
    x->i = i + (self_close ? 2 : 1);
    *opened = !self_close;
    return CS_OK;
}

static cs_status svg_inline(sb *out, const char *s, size_t n, int seq, const char *path, const char *label,
                            cs_error *err)
{
    svgx x = {s, n, 0, out, "", path, err};
    snprintf(x.prefix, sizeof x.prefix, "c%d-", seq);
    if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) x.i = 3;
    int depth = 0, started = 0;
    while (x.i < n) {
        size_t i = x.i;
        if (s[i] != '<') {
            size_t j = i;
            while (j < n && s[j] != '<') j++;
            if (!started) {
                for (size_t k = i; k < j; k++)
                    if (!is_ws(s[k]))
                        return cs_error_set(err, CS_EINPUT, "%s: not an SVG file (text before the <svg> element)", path);
            } else {
                sb_putn(out, s + i, j - i);
            }
            x.i = j;
            continue;
        }
        if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            const char *e = find_str(s, n, i + 4, "-->");
            if (!e) return cs_error_set(err, CS_EINPUT, "%s: unterminated comment", path);
            x.i = (size_t)(e - s) + 3;
        } else if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
            const char *e = find_str(s, n, i + 9, "]]>");
            if (!e) return cs_error_set(err, CS_EINPUT, "%s: unterminated CDATA section", path);
            if (started) sb_putn(out, s + i, (size_t)(e - s) + 3 - i);
            x.i = (size_t)(e - s) + 3;
        } else if (n - i >= 2 && s[i + 1] == '?') {
            const char *e = find_str(s, n, i + 2, "?>");
            if (!e) return cs_error_set(err, CS_EINPUT, "%s: unterminated processing instruction", path);
            x.i = (size_t)(e - s) + 2;
        } else if (n - i >= 2 && s[i + 1] == '!') {
            /* DOCTYPE, possibly with an internal subset in [...] */
            int bracket = 0;
            size_t j = i + 2;
            while (j < n && (s[j] != '>' || bracket > 0)) {
                if (s[j] == '[') bracket++;
                else if (s[j] == ']') bracket--;
                j++;
            }
            if (j >= n) return cs_error_set(err, CS_EINPUT, "%s: unterminated <!...> declaration", path);
            if (started) return cs_error_set(err, CS_EINPUT, "%s: a declaration inside <svg>", path);
            x.i = j + 1;
        } else if (n - i >= 2 && s[i + 1] == '/') {
            const char *e = memchr(s + i, '>', n - i);
            if (!e || !started) return cs_error_set(err, CS_EINPUT, "%s: malformed end tag", path);
            sb_putn(out, s + i, (size_t)(e - s) + 1 - i);
            x.i = (size_t)(e - s) + 1;
            if (--depth == 0) return CS_OK; /* the root is closed: whatever follows is not drawn */
        } else {
            int opened = 0;
            x.i = i + 1;
            cs_status st = svg_start_tag(&x, !started, label, &opened);
            if (st != CS_OK) return st;
            if (!started && !opened) return CS_OK; /* <svg .../>: an empty chart, but valid */
            started = 1;
            depth += opened;
        }
    }
    return cs_error_set(err, CS_EINPUT, started ? "%s: ends before </svg> (truncated file?)"
                                                : "%s: not an SVG file (no <svg> element)", path);
}

/* ------------------------------------------------------------------------------------------
 * Page parts
 * ---------------------------------------------------------------------------------------- */

static const char css[] =
    "@page { size: A4; margin: 18mm }\n"
    "@page { @bottom-right { content: \"Page \" counter(page) \" of \" counter(pages); font-family: \"Liberation Sans\", "
    "Arial, sans-serif; font-size: 8pt; color: #59636e } }\n"
    ":root { --accent: #0072B2; --accent-tint: #e6f1f8; --ink: #1d2329; --muted: #59636e; "
    "--rule: #d3dae1; --better: #007a5a; --worse: #b34700; }\n"
    "* { box-sizing: border-box }\n"
    "html { background: #eef1f4 }\n"
    "body { margin: 0; padding: 24px 12px; color: var(--ink); font-family: \"Source Sans 3\", "
    "\"Source Sans Pro\", \"Segoe UI\", \"Helvetica Neue\", Arial, \"Liberation Sans\", \"DejaVu Sans\", "
    "sans-serif; font-size: 10.5pt; line-height: 1.45; -webkit-text-size-adjust: 100%; "
    "-webkit-print-color-adjust: exact; print-color-adjust: exact }\n"
    ".page { max-width: 186mm; margin: 0 auto; background: #fff; padding: 16mm 16mm 14mm; "
    "box-shadow: 0 1px 3px rgba(0,0,0,.12), 0 4px 16px rgba(0,0,0,.06) }\n"
    "header.masthead { border-top: 6pt solid var(--accent); padding-top: 10pt; margin-bottom: 14pt }\n"
    ".kicker { margin: 0 0 4pt; color: var(--accent); font-size: 8.5pt; font-weight: 700; "
    "letter-spacing: .09em; text-transform: uppercase }\n"
    "h1 { margin: 0 0 6pt; font-size: 22pt; line-height: 1.15; font-weight: 700; letter-spacing: -.01em }\n"
    ".meta { margin: 0; color: var(--muted); font-size: 9pt }\n"
    ".meta span + span::before { content: \"\\00b7\"; margin: 0 .5em; color: var(--rule) }\n"
    "h2 { margin: 22pt 0 8pt; padding-bottom: 3pt; border-bottom: 1.5pt solid var(--accent); "
    "color: var(--accent); font-size: 14pt; line-height: 1.2; break-after: avoid; page-break-after: avoid }\n"
    "h3 { margin: 14pt 0 5pt; font-size: 11.5pt; line-height: 1.25; break-after: avoid; page-break-after: avoid }\n"
    "h4 { margin: 10pt 0 3pt; font-size: 10.5pt; break-after: avoid; page-break-after: avoid }\n"
    "p { margin: 0 0 7pt } ul { margin: 0 0 8pt; padding-left: 16pt } li { margin: 0 0 3pt }\n"
    ".lead { font-size: 11pt }\n"
    ".desc { margin: 8pt 0 10pt; padding: 6pt 10pt; background: var(--accent-tint); "
    "border-left: 3pt solid var(--accent) }\n"
    "nav.toc { margin: 10pt 0 4pt; padding: 6pt 10pt; border: .75pt solid var(--rule); font-size: 9.5pt }\n"
    "nav.toc ol { margin: 2pt 0 0; padding-left: 16pt; columns: 2; column-gap: 18pt }\n"
    "a { color: var(--accent); text-decoration: none }\n"
    "table { width: 100%; margin: 4pt 0 10pt; border-collapse: collapse; font-size: 9.5pt; "
    "font-variant-numeric: tabular-nums lining-nums }\n"
    "caption { caption-side: top; text-align: left; font-weight: 700; font-size: 10.5pt; padding: 0 0 4pt }\n"
    "thead { display: table-header-group }\n"
    "tr, table.headline { break-inside: avoid; page-break-inside: avoid }\n"
    "th, td { padding: 3.5pt 6pt; text-align: left; vertical-align: top }\n"
    "thead th { vertical-align: bottom; border-bottom: 1.25pt solid var(--accent); font-weight: 700; "
    "font-size: 9pt }\n"
    "tbody tr { border-bottom: .5pt solid var(--rule) }\n"
    "tbody tr:nth-child(even) { background: #f7f9fb }\n"
    "tbody th { font-weight: 400 }\n"
    ".num, td.res, th.res { text-align: right }\n"
    "td.num { white-space: nowrap }\n"
    "td.res .m { font-weight: 600; white-space: nowrap }\n"
    "td.res .ci { color: var(--muted); white-space: nowrap }\n"
    "table.single td.res .m { display: inline-block; min-width: 6.2em }\n"
    "table.single td.res .ci { display: inline-block; min-width: 12.5em; text-align: left; padding-left: .4em }\n"
    "table.cmp td.res .m, table.cmp td.res .ci { display: block }\n"
    ".d { display: block; margin-top: 2pt; font-size: 8.5pt }\n"
    ".d .dv, .d .dci { white-space: nowrap }\n"
    ".d .tag { display: block; font-weight: 700; white-space: nowrap }\n"
    "table.cmp { font-size: 9pt }\n"
    "table.cmp tbody th { width: 30%; min-width: 9em }\n"
    ".d.better .tag { color: var(--better) } .d.worse .tag { color: var(--worse) }\n"
    ".d.ns .tag, .d.neutral .tag { color: var(--muted); font-weight: 400 }\n"
    ".d.sig { font-weight: 700 }\n"
    ".na { color: var(--muted) }\n"
    ".note { color: var(--muted); font-size: 9pt }\n"
    ".verdict { margin: -4pt 0 12pt; font-size: 9.5pt }\n"
    ".verdict b { color: var(--accent) }\n"
    "figure.chart { margin: 10pt 0 18pt; break-inside: avoid; page-break-inside: avoid }\n"
    "figure.chart h3 { margin-top: 0 }\n"
    "figure.chart svg { display: block; width: 100%; max-width: 100%; height: auto; margin: 0 auto }\n"
    "figure.chart figcaption { margin-top: 4pt; color: var(--muted); font-size: 9pt }\n"
    "dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2pt 14pt; margin: 0 0 10pt; font-size: 9.5pt }\n"
    "dl.facts dt { font-weight: 700 } dl.facts dd { margin: 0 }\n"
    ".dist { color: var(--muted); font-size: 9pt }\n"
    "pre.file { margin: 4pt 0 12pt; padding: 7pt 9pt; background: #f6f8fa; border: .75pt solid var(--rule); "
    "border-left: 3pt solid var(--accent); font-family: \"DejaVu Sans Mono\", \"Liberation Mono\", Menlo, "
    "Consolas, monospace; font-size: 7.8pt; line-height: 1.38; white-space: pre-wrap; overflow-wrap: anywhere }\n"
    "footer { margin-top: 20pt; padding-top: 6pt; border-top: .75pt solid var(--rule); color: var(--muted); "
    "font-size: 8.5pt }\n"
    "@media print {\n"
    "  html { background: none } body { padding: 0; font-size: 10.5pt }\n"
    "  .page { max-width: none; margin: 0; padding: 0; box-shadow: none }\n"
    "  nav.toc { display: none }\n"
    "  figure.chart { max-width: 160mm; margin-left: auto; margin-right: auto }\n"
    "  h2 { break-before: auto }\n"
    "  section.charts, section.tables, section.assumptions, section.appendix { break-before: page }\n"
    "  a { color: inherit }\n"
    "}\n"
    "@media screen and (max-width: 720px) { .page { padding: 8mm 6mm } "
    "table.single td.res .m, table.single td.res .ci { display: block; min-width: 0; padding-left: 0 } }\n";

static void page_head(report *r, const char *title)
{
    sb *b = &r->out;
    sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    hf(b, "<meta name=\"generator\" content=\"callsim %s\">\n", r->version);
    hf(b, "<title>%s: %s</title>\n", title, r->comparison ? "scenario comparison" : "simulation report");
    sb_puts(b, "<style>\n");
    sb_puts(b, css);
    sb_puts(b, "</style>\n</head>\n<body>\n<div class=\"page\">\n");
}

/* The names of the lines of the first scenario, for sentences ("999 and 101 calls"). */
static void lines_phrase(report *r, sb *b)
{
    const cs_json *lines = r->sc[0].lines;
    size_t n = cs_json_size(lines);
    const char *names[16];
    if (n > 16) n = 16;
    for (size_t i = 0; i < n; i++) names[i] = cs_json_member_key(lines, i);
    name_list(b, names, n, "", "");
}

static void measured_phrase(report *r, sb *b)
{
    double m = r->horizon - r->warmup;
    if (!isfinite(m) || m <= 0) {
        sb_puts(b, "The measured period is the simulated time after the warm-up.");
        return;
    }
    char len[48], start[48], warm[48];
    dur_words(len, sizeof len, m);
    week_time_words(start, sizeof start, r->warmup);
    dur_words(warm, sizeof warm, r->warmup);
    if (r->warmup > 0)
        hf(b, "The measured period is the %s from %s. The simulation starts on Monday at 00:00 and runs "
              "a warm-up of %s first, which is not counted, so that queues have built up and staff are busy "
              "when counting begins, as in real life.", len, start, warm);
    else
        hf(b, "The measured period is the %s from Monday 00:00, with no warm-up.", len);
}

static void masthead(report *r)
{
    sb *b = &r->out;
    const char *title = r->comparison ? NULL : r->sc[0].name;
    sb_puts(b, "<header class=\"masthead\">\n");
    if (r->comparison) {
        sb_puts(b, "<p class=\"kicker\">Control-room simulation &middot; scenario comparison</p>\n");
        hf(b, "<h1>%s compared with %d alternative%s</h1>\n", r->sc[0].name ? r->sc[0].name : "Base scenario",
           (int)(r->n_sc - 1), r->n_sc == 2 ? "" : "s");
    } else {
        sb_puts(b, "<p class=\"kicker\">Control-room simulation report</p>\n");
        hf(b, "<h1>%s</h1>\n", title ? title : "Unnamed scenario");
    }
    hf(b, "<p class=\"meta\"><span>Generated %s</span><span>callsim %s</span><span>%s replications</span>"
          "<span>seed %s</span></p>\n</header>\n", r->generated, r->version, r->reps, r->seed);
}

static void about(report *r)
{
    sb *b = &r->out;
    sb_puts(b, "<section class=\"about\" id=\"about\">\n<h2>What this is</h2>\n<p class=\"lead\">");
    if (r->comparison) {
        hf(b, "This report compares %d versions (scenarios) of a police control room taking ", (int)r->n_sc);
        lines_phrase(r, b);
        hf(b, " calls, using a computer simulation. The first, <b>%s</b>, is the base; each of the others "
              "changes part of it.</p>\n", r->sc[0].name ? r->sc[0].name : "base");
    } else {
        sb_puts(b, "This report gives the results of a computer simulation of a police control room taking ");
        lines_phrase(r, b);
        sb_puts(b, " calls.</p>\n");
    }
    for (size_t i = 0; i < (r->comparison ? r->n_sc : 1); i++) {
        const char *d = jstr(r->sc[i].resolved, "description");
        if (!d || !*d) continue;
        if (i > 0 && jstreq(r->sc[0].resolved, "description", d)) continue; /* inherited through base: */
        sb_puts(b, "<p class=\"desc\">");
        if (r->comparison) hf(b, "<b>%s.</b> ", r->sc[i].name);
        hf(b, "%s</p>\n", d);
    }
    sb_puts(b, "<p>The simulation follows every call through a model of the lines, the staff on duty and the "
               "callers&rsquo; behaviour, set out under <a href=\"#assumptions\">Assumptions in words</a>: "
               "waiting, being answered, hanging up, trying again. ");
    if (r->comparison)
        hf(b, "Each scenario was played out %s times (replications), each time with a different random pattern "
              "of calls; every scenario met the same patterns, so the differences shown come from the changes "
              "and not from luck.</p>\n", r->reps);
    else
        hf(b, "It played out the same period %s times (replications), each time with a different random pattern "
              "of calls.</p>\n", r->reps);
    sb_puts(b, "<p><b>Reading the figures.</b> Every figure is the average over the replications with its 95% "
               "confidence interval: &ldquo;12.3% (11.9% to 12.7%)&rdquo; means that the best estimate is 12.3% "
               "and that, under these assumptions, the long-run value very probably lies between 11.9% and "
               "12.7%. ");
    measured_phrase(r, b);
    sb_puts(b, "</p>\n<p>These are modelled figures, not measurements: they are as good as the assumptions, "
               "which are listed in full so that they can be checked and challenged.</p>\n");
    sb_puts(b, "<nav class=\"toc\"><b>Contents</b><ol><li><a href=\"#headline\">Headline results</a></li>"
               "<li><a href=\"#charts\">Charts</a></li><li><a href=\"#tables\">Full results</a></li>"
               "<li><a href=\"#assumptions\">Assumptions in words</a></li>"
               "<li><a href=\"#appendix\">Appendix: scenario file");
    sb_puts(b, r->comparison ? "s" : "");
    sb_puts(b, " and run details</a></li></ol></nav>\n</section>\n");
}

/* ------------------------------------------------------------------------------------------
 * Headline tables
 * ---------------------------------------------------------------------------------------- */

static const char *const headline_keys[] = {
    "offered", "abandon_rate", "service_level", "asa", "never_reached_rate", "spilled_to_999",
    "callback", "callbacks_on_time", "callbacks_missed", "transferred", "transfer_asa",
};
#define N_HEADLINE (sizeof headline_keys / sizeof headline_keys[0])

static void headline_label(report *r, sb *b, const char *key, const char *line, const feat *f)
{
    char per[64], t1[48], t2[48];
    period_phrase(r, per, sizeof per);
    if (strcmp(key, "offered") == 0) hf(b, "Calls received %s, including repeat attempts", per);
    else if (strcmp(key, "abandon_rate") == 0) sb_puts(b, "Calls abandoned or cut off before contact");
    else if (strcmp(key, "service_level") == 0) {
        if (isfinite(f->target_s) && isfinite(f->target_share)) {
            target_words(t1, sizeof t1, f->target_s);
            pct_words(t2, sizeof t2, f->target_share);
            hf(b, "Answered within %s (target %s)", t1, t2);
        } else sb_puts(b, "Answered within the target time");
    } else if (strcmp(key, "asa") == 0) sb_puts(b, "Average wait to be answered");
    else if (strcmp(key, "never_reached_rate") == 0) sb_puts(b, "Callers who never got through");
    else if (strcmp(key, "spilled_to_999") == 0)
        hf(b, "%s callers who gave up and rang %s, %s", line, f->spill_to ? f->spill_to : "another line", per);
    else if (strcmp(key, "callback") == 0) hf(b, "Callers who booked a callback, %s", per);
    else if (strcmp(key, "callbacks_on_time") == 0) {
        if (isfinite(f->cb_deadline)) {
            dur_words(t1, sizeof t1, f->cb_deadline);
            hf(b, "Callbacks made on time (within %s), %s", t1, per);
        } else hf(b, "Callbacks made on time, %s", per);
    } else if (strcmp(key, "callbacks_missed") == 0) hf(b, "Booked callbacks never made, %s", per);
    else if (strcmp(key, "transferred") == 0) {
        if (f->xfer_to) hf(b, "Calls passed on to %s, %s", f->xfer_to, per);
        else hf(b, "Calls passed on to a second team, %s", per);
    } else if (strcmp(key, "transfer_asa") == 0) sb_puts(b, "Average further wait after being passed on");
    else esc(b, key);
}

/* The mean and its interval: "<span class=m>12.3%</span> <span class=ci>(11.9% to 12.7%)</span>". */
static void result_cell(sb *b, int unit, mci v, int full)
{
    if (!isfinite(v.m)) {
        sb_puts(b, "<span class=\"na\">not defined (no calls)</span>");
        return;
    }
    int dec = decimals_for(unit, v.m, full);
    char m[64], lo[64], hi[64];
    fmt_val(m, sizeof m, unit, v.m, dec, 0);
    hf(b, "<span class=\"m\">%s</span>", m);
    if (isfinite(v.h)) {
        double l, h;
        interval(unit, v.m, v.h, &l, &h);
        fmt_val(lo, sizeof lo, unit, l, dec, 0);
        fmt_val(hi, sizeof hi, unit, h, dec, 0);
        hf(b, " <span class=\"ci\">(%s to %s)</span>", lo, hi);
    }
}

/* A variant's difference from the base: "-4.2 points (-5.0 to -3.4)" and whether it counts. */
static void diff_cell(sb *b, int unit, mci d, double value, int better)
{
    if (!isfinite(d.m)) return;
    /* Counts keep the precision of the values compared (a change of 0 calls is "0", not "0.00");
     * times take theirs from the size of the change ("-0.4 s", "-1 min 33 s"). */
    int dec = unit == U_SHARE ? 1 : unit == U_TIME ? decimals_for(unit, d.m, 0) : decimals_for(unit, value, 0);
    char m[64], lo[64], hi[64];
    int sig = isfinite(d.h) && fabs(d.m) > d.h;
    const char *cls = "ns", *tag = "not significant";
    if (!isfinite(d.h)) tag = "no interval";
    else if (sig && better != 0) {
        int good = (better > 0) == (d.m > 0);
        cls = good ? "better sig" : "worse sig";
        tag = good ? "significantly better" : "significantly worse";
    } else if (sig) cls = "neutral sig", tag = "significant change";
    if (unit == U_SHARE) {
        fmt_fixed(m, sizeof m, 100.0 * d.m, dec, 1);
        strncat(m, " points", sizeof m - strlen(m) - 1);
        fmt_fixed(lo, sizeof lo, 100.0 * (d.m - d.h), dec, 1);
        fmt_fixed(hi, sizeof hi, 100.0 * (d.m + d.h), dec, 1);
    } else {
        fmt_val(m, sizeof m, unit, d.m, dec, 1);
        fmt_val(lo, sizeof lo, unit, d.m - d.h, dec, 1);
        fmt_val(hi, sizeof hi, unit, d.m + d.h, dec, 1);
    }
    hf(b, "<span class=\"d %s\"><span class=\"dv\">%s</span>", cls, m);
    if (isfinite(d.h)) hf(b, " <span class=\"dci\">(%s to %s)</span>", lo, hi);
    hf(b, " <span class=\"tag\">%s</span></span>", tag);
}

/* Service level against the target, in a sentence under the table. */
static void verdict(sb *b, const char *line, const feat *f, mci sl)
{
    if (!isfinite(sl.m) || !isfinite(sl.h) || !isfinite(f->target_share) || !isfinite(f->target_s)) return;
    char m[32], lo[32], hi[32], t[48], ts[32];
    double l, h;
    interval(U_SHARE, sl.m, sl.h, &l, &h);
    fmt_val(m, sizeof m, U_SHARE, sl.m, 1, 0);
    fmt_val(lo, sizeof lo, U_SHARE, l, 1, 0);
    fmt_val(hi, sizeof hi, U_SHARE, h, 1, 0);
    target_words(t, sizeof t, f->target_s);
    pct_words(ts, sizeof ts, f->target_share);
    hf(b, "<p class=\"verdict\">On the %s line, %s of calls were answered within %s against a target of %s: ",
       line, m, t, ts);
    if (h < f->target_share)
        hf(b, "<b>below target</b>; even the top of the 95%% interval (%s) falls short.</p>\n", hi);
    else if (l >= f->target_share)
        hf(b, "<b>target met</b>; even the bottom of the 95%% interval (%s) reaches it.</p>\n", lo);
    else
        hf(b, "<b>too close to call</b>; the 95%% interval (%s to %s) straddles the target.</p>\n", lo, hi);
}

/* Line names over all scenarios, in order of first appearance. */
static size_t all_lines(report *r, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t s = 0; s < r->n_sc; s++)
        for (size_t i = 0; i < cs_json_size(r->sc[s].lines); i++) {
            const char *k = cs_json_member_key(r->sc[s].lines, i);
            size_t j = 0;
            while (j < n && strcmp(names[j], k) != 0) j++;
            if (j == n && n < max) names[n++] = k;
        }
    return n;
}

static size_t all_pools(report *r, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t s = 0; s < r->n_sc; s++)
        for (size_t i = 0; i < cs_json_size(r->sc[s].pools); i++) {
            const char *k = cs_json_member_key(r->sc[s].pools, i);
            size_t j = 0;
            while (j < n && strcmp(names[j], k) != 0) j++;
            if (j == n && n < max) names[n++] = k;
        }
    return n;
}

/* The scenario whose features label a line's rows: the first that has the line. */
static const scen *owner_of_line(report *r, const char *line)
{
    for (size_t s = 0; s < r->n_sc; s++)
        if (cs_json_get(r->sc[s].lines, line)) return &r->sc[s];
    return &r->sc[0];
}

static void cmp_header(report *r, sb *b, size_t c0, size_t c1, const char *first)
{
    hf(b, "<thead><tr><th scope=\"col\">%s</th>", first);
    for (size_t c = c0; c < c1; c++) {
        size_t s = c == c0 ? 0 : c;
        hf(b, "<th scope=\"col\" class=\"res\">%s%r</th>", r->sc[s].name ? r->sc[s].name : "(unnamed)",
           s == 0 ? "<br><span class=\"note\">base</span>" : "");
    }
    sb_puts(b, "</tr></thead>\n");
}

/* Column chunks: [0, MAX_COLS), then the base again with the next variants, ... */
static size_t chunk_end(size_t c0, size_t n)
{
    size_t e = c0 == 0 ? MAX_COLS : c0 + MAX_COLS - 1;
    return e < n ? e : n;
}

static void headline(report *r)
{
    sb *b = &r->out;
    sb_puts(b, "<section class=\"headline\" id=\"headline\">\n<h2>Headline results</h2>\n");
    if (r->comparison)
        sb_puts(b, "<p>For each line, the measures that matter most to callers. The base scenario's column "
                   "gives its average and 95% interval; each other column gives that scenario's own "
                   "figures and, under them, its difference from the base with the 95% interval of the "
                   "difference. A difference is <b>significant</b> when that interval does not include zero, "
                   "that is when it is very unlikely to be chance. Differences in percentages are in "
                   "percentage points.</p>\n");
    else
        sb_puts(b, "<p>For each line, the measures that matter most to callers, each as the average with "
                   "its 95% interval in brackets.</p>\n");
    const char *lines[64];
    size_t nl = all_lines(r, lines, 64);
    for (size_t li = 0; li < nl; li++) {
        const char *line = lines[li];
        const scen *own = owner_of_line(r, line);
        feat f0 = line_feat(own, line);
        sb_puts(b, "<h3>");
        line_title(b, line);
        sb_puts(b, "</h3>\n");
        if (!r->comparison) {
            const cs_json *k = cs_json_get(r->sc[0].lines, line);
            sb_puts(b, "<table class=\"kpi headline single\">\n<thead><tr><th scope=\"col\">Measure</th>"
                       "<th scope=\"col\" class=\"res\">Average (95% interval)</th></tr></thead>\n<tbody>\n");
            for (size_t h = 0; h < N_HEADLINE; h++) {
                const char *key = headline_keys[h];
                const kpi_def *d = find_kpi(line_kpis, N_LINE_KPIS, key);
                if (!cs_json_get(k, key) || !relevant(&f0, d->feature)) continue;
                sb_puts(b, "<tr><th scope=\"row\">");
                headline_label(r, b, key, line, &f0);
                sb_puts(b, "</th><td class=\"res\">");
                result_cell(b, d->unit, get_mci(k, key, "mean"), 0);
                sb_puts(b, "</td></tr>\n");
            }
            sb_puts(b, "</tbody>\n</table>\n");
            verdict(b, line, &f0, get_mci(k, "service_level", "mean"));
            continue;
        }
        for (size_t c0 = 0; c0 < r->n_sc; c0 = chunk_end(c0, r->n_sc)) {
            size_t c1 = chunk_end(c0, r->n_sc);
            sb_puts(b, "<table class=\"kpi cmp headline\">\n");
            cmp_header(r, b, c0, c1, "Measure");
            sb_puts(b, "<tbody>\n");
            for (size_t h = 0; h < N_HEADLINE; h++) {
                const char *key = headline_keys[h];
                const kpi_def *d = find_kpi(line_kpis, N_LINE_KPIS, key);
                int any = 0;
                for (size_t s = 0; s < r->n_sc; s++) {
                    feat fs = line_feat(&r->sc[s], line);
                    const cs_json *k = cs_json_get(r->sc[s].lines, line);
                    if (k && cs_json_get(k, key) && relevant(&fs, d->feature)) any = 1;
                }
                if (!any) continue;
                sb_puts(b, "<tr><th scope=\"row\">");
                headline_label(r, b, key, line, &f0);
                sb_puts(b, "</th>");
                for (size_t c = c0; c < c1; c++) {
                    size_t s = c == c0 ? 0 : c;
                    const scen *sc = &r->sc[s];
                    feat fs = line_feat(sc, line);
                    const cs_json *k = cs_json_get(sc->lines, line);
                    sb_puts(b, "<td class=\"res\">");
                    if (!k || !cs_json_get(k, key) || !relevant(&fs, d->feature)) {
                        sb_puts(b, "<span class=\"na\">&mdash;</span>");
                    } else {
                        mci v = get_mci(k, key, "mean");
                        result_cell(b, d->unit, v, 0);
                        if (s > 0)
                            diff_cell(b, d->unit, get_mci(cs_json_get(cs_json_get(sc->diff, "lines"), line), key, "diff"),
                                      v.m, d->better);
                    }
                    sb_puts(b, "</td>");
                }
                sb_puts(b, "</tr>\n");
            }
            sb_puts(b, "</tbody>\n</table>\n");
        }
    }

    /* Staff: how hard the teams work. */
    const char *pools[64];
    size_t np = all_pools(r, pools, 64);
    if (np > 0) {
        sb_puts(b, "<h3>Staff</h3>\n");
        for (size_t c0 = 0; c0 < r->n_sc; c0 = chunk_end(c0, r->n_sc)) {
            size_t c1 = chunk_end(c0, r->n_sc);
            if (r->comparison) {
                sb_puts(b, "<table class=\"kpi cmp headline\">\n");
                cmp_header(r, b, c0, c1, "Team");
            } else {
                sb_puts(b, "<table class=\"kpi headline single\">\n<thead><tr><th scope=\"col\">Team</th>"
                           "<th scope=\"col\" class=\"res\">Average (95% interval)</th></tr></thead>\n");
            }
            sb_puts(b, "<tbody>\n");
            for (size_t p = 0; p < np; p++)
                for (int kk = 0; kk < 2; kk++) {
                    const char *key = kk == 0 ? "occupancy" : "on_duty";
                    const kpi_def *d = find_kpi(pool_kpis, N_POOL_KPIS, key);
                    hf(b, "<tr><th scope=\"row\">%s: %s</th>", pools[p],
                       kk == 0 ? "share of time on duty spent on calls" : "handlers on duty, on average");
                    for (size_t c = c0; c < c1; c++) {
                        size_t s = c == c0 ? 0 : c;
                        const cs_json *k = cs_json_get(r->sc[s].pools, pools[p]);
                        sb_puts(b, "<td class=\"res\">");
                        if (!cs_json_get(k, key)) sb_puts(b, "<span class=\"na\">&mdash;</span>");
                        else {
                            mci v = get_mci(k, key, "mean");
                            result_cell(b, d->unit, v, 0);
                            if (s > 0)
                                diff_cell(b, d->unit,
                                          get_mci(cs_json_get(cs_json_get(r->sc[s].diff, "pools"), pools[p]), key, "diff"),
                                          v.m, 0);
                        }
                        sb_puts(b, "</td>");
                    }
                    sb_puts(b, "</tr>\n");
                }
            sb_puts(b, "</tbody>\n</table>\n");
            if (!r->comparison) break;
        }
        sb_puts(b, "<p class=\"note\">A team that spends more than about 85% of its time on calls has "
                   "little slack to absorb a busy hour; occupancy near 100% means callers wait.</p>\n");
    }
    sb_puts(b, "</section>\n");
}

/* ------------------------------------------------------------------------------------------
 * Charts
 * ---------------------------------------------------------------------------------------- */

static int safe_chart_name(const char *f)
{
    if (!f || !*f || f[0] == '.') return 0;
    for (const char *p = f; *p; p++)
        if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20) return 0;
    return 1;
}

static cs_status charts(report *r, cs_error *err)
{
    sb *b = &r->out;
    sb_puts(b, "<section class=\"charts\" id=\"charts\">\n<h2>Charts</h2>\n");
    const cs_json *list = cs_json_get(r->manifest, "charts");
    char *mpath = NULL;
    if (!r->manifest || cs_json_size(list) == 0) {
        sb_puts(b, "<p class=\"note\">This folder has no charts (charts/charts.json is missing or lists "
                   "none).</p>\n</section>\n");
        return CS_OK;
    }
    mpath = path_join(r->dir, "charts/charts.json");
    if (!mpath) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_status st = CS_OK;
    for (size_t i = 0; i < cs_json_size(list) && st == CS_OK; i++) {
        const cs_json *c = cs_json_at(list, i);
        const char *file = jstr(c, "file");
        unsigned line, col;
        cs_json_position(c, &line, &col);
        if (!safe_chart_name(file)) {
            st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: chart %zu needs \"file\": the name of a "
                              "file in charts/ without a folder (e.g. \"abandonment_by_hour\")", mpath, line, col, i + 1);
            break;
        }
        size_t fl = strlen(file);
        int has_ext = fl > 4 && strcmp(file + fl - 4, ".svg") == 0;
        char *rel = malloc(fl + 12);
        if (!rel) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
            break;
        }
        snprintf(rel, fl + 12, "charts/%s%s", file, has_ext ? "" : ".svg");
        char *path = path_join(r->dir, rel);
        free(rel);
        if (!path) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
            break;
        }
        char *text = NULL;
        size_t len = 0;
        char why[64];
        snprintf(why, sizeof why, " (chart %zu of charts/charts.json)", i + 1);
        st = read_all(path, why, &text, &len, err);
        if (st == CS_OK) {
            const char *title = jstr(c, "title");
            const char *caption = jstr(c, "caption");
            hf(b, "<figure class=\"chart\" id=\"chart-%d\">\n<h3>Figure %d. %s</h3>\n", (int)i + 1, (int)i + 1,
               title && *title ? title : file);
            st = svg_inline(b, text, len, (int)i + 1, path, title && *title ? title : file, err);
            sb_puts(b, "\n");
            if (caption && *caption) hf(b, "<figcaption>%s</figcaption>\n", caption);
            sb_puts(b, "</figure>\n");
        }
        free(text);
        free(path);
    }
    free(mpath);
    sb_puts(b, "</section>\n");
    return st;
}

/* ------------------------------------------------------------------------------------------
 * Full tables
 * ---------------------------------------------------------------------------------------- */

/* Full-table label: plain words, with the spillover target named where known. */
static void full_label(sb *b, const kpi_def *d, const char *key, const feat *f)
{
    if (!d) {
        esc(b, key);
        return;
    }
    if (strcmp(key, "spilled_to_999") == 0 && f->spill_to) hf(b, "Gave up and rang %s", f->spill_to);
    else if (strcmp(key, "service_level") == 0 && isfinite(f->target_s)) {
        char t[48];
        target_words(t, sizeof t, f->target_s);
        hf(b, "Answered within %s", t);
    } else if (strcmp(key, "transferred") == 0 && f->xfer_to) hf(b, "Passed on to %s", f->xfer_to);
    else esc(b, d->label);
}

static void full_value(sb *b, int unit, mci v)
{
    if (!isfinite(v.m)) {
        sb_puts(b, "<td class=\"num na\">&ndash;</td><td class=\"num na\"></td>");
        return;
    }
    int dec = decimals_for(unit, v.m, 1);
    char m[64], h[64];
    fmt_val(m, sizeof m, unit, v.m, dec, 0);
    hf(b, "<td class=\"num\">%s</td>", m);
    if (isfinite(v.h)) {
        if (unit == U_SHARE) {
            fmt_fixed(h, sizeof h, 100.0 * v.h, dec, 0);
            hf(b, "<td class=\"num\">&plusmn; %s points</td>", h);
        } else {
            fmt_val(h, sizeof h, unit, v.h, unit == U_TIME ? decimals_for(unit, v.h, 1) : dec, 0);
            hf(b, "<td class=\"num\">&plusmn; %s</td>", h);
        }
    } else sb_puts(b, "<td class=\"num na\">&ndash;</td>");
}

/* One comparison cell of the full tables: "12.34% ± 0.41" and, for variants, the difference. */
static void full_cmp_cell(sb *b, int unit, mci v, const mci *d)
{
    sb_puts(b, "<td class=\"res\">");
    if (!isfinite(v.m)) {
        sb_puts(b, "<span class=\"na\">&ndash;</span></td>");
        return;
    }
    int dec = decimals_for(unit, v.m, 1);
    char m[64], h[64];
    fmt_val(m, sizeof m, unit, v.m, dec, 0);
    hf(b, "<span class=\"m\">%s</span>", m);
    if (isfinite(v.h)) {
        if (unit == U_SHARE) fmt_fixed(h, sizeof h, 100.0 * v.h, dec, 0);
        else fmt_val(h, sizeof h, unit, v.h, unit == U_TIME ? decimals_for(unit, v.h, 1) : dec, 0);
        hf(b, " <span class=\"ci\">&plusmn; %s</span>", h);
    }
    if (d && isfinite(d->m)) {
        int sig = isfinite(d->h) && fabs(d->m) > d->h;
        int dd = unit == U_TIME ? decimals_for(unit, d->m, 1) : dec;
        if (unit == U_SHARE) {
            fmt_fixed(m, sizeof m, 100.0 * d->m, dd, 1);
            fmt_fixed(h, sizeof h, 100.0 * d->h, dd, 0);
        } else {
            fmt_val(m, sizeof m, unit, d->m, dd, 1);
            fmt_val(h, sizeof h, unit, d->h, unit == U_TIME ? decimals_for(unit, d->h, 1) : dd, 0);
        }
        hf(b, "<span class=\"d%r\">%s%r", sig ? " sig" : "", m, unit == U_SHARE ? " points" : "");
        if (isfinite(d->h)) hf(b, " &plusmn; %s", h);
        sb_puts(b, sig ? " *" : "");
        sb_puts(b, "</span>");
    }
    sb_puts(b, "</td>");
}

/* Row keys of a line over all scenarios: the catalogue order, then any unknown keys. */
static size_t row_keys(report *r, const char *line, int pool, const char **keys, size_t max)
{
    size_t n = 0;
    const kpi_def *defs = pool ? pool_kpis : line_kpis;
    size_t nd = pool ? N_POOL_KPIS : N_LINE_KPIS;
    for (size_t i = 0; i < nd; i++) {
        int any = 0;
        for (size_t s = 0; s < r->n_sc; s++) {
            const cs_json *k = cs_json_get(pool ? r->sc[s].pools : r->sc[s].lines, line);
            if (!cs_json_get(k, defs[i].key)) continue;
            feat f = pool ? (feat){0} : line_feat(&r->sc[s], line);
            if (pool || relevant(&f, defs[i].feature)) any = 1;
        }
        if (any && n < max) keys[n++] = defs[i].key;
    }
    for (size_t s = 0; s < r->n_sc; s++) {
        const cs_json *k = cs_json_get(pool ? r->sc[s].pools : r->sc[s].lines, line);
        for (size_t i = 0; i < cs_json_size(k); i++) {
            const char *key = cs_json_member_key(k, i);
            if (find_kpi(defs, nd, key)) continue;
            size_t j = 0;
            while (j < n && strcmp(keys[j], key) != 0) j++;
            if (j == n && n < max) keys[n++] = key;
        }
    }
    return n;
}

static void full_table(report *r, const char *name, int pool)
{
    sb *b = &r->out;
    const char *keys[96];
    size_t nk = row_keys(r, name, pool, keys, 96);
    const kpi_def *defs = pool ? pool_kpis : line_kpis;
    size_t nd = pool ? N_POOL_KPIS : N_LINE_KPIS;
    feat f0 = pool ? (feat){0} : line_feat(owner_of_line(r, name), name);
    if (pool) f0.target_s = NAN;
    hf(b, "<h3>%s %s</h3>\n", pool ? "Team" : "Line", name);
    for (size_t c0 = 0; c0 < r->n_sc; c0 = chunk_end(c0, r->n_sc)) {
        size_t c1 = chunk_end(c0, r->n_sc);
        if (r->comparison) {
            sb_puts(b, "<table class=\"kpi cmp full\">\n");
            cmp_header(r, b, c0, c1, "Measure");
        } else {
            sb_puts(b, "<table class=\"kpi full\">\n<thead><tr><th scope=\"col\">Measure</th>"
                       "<th scope=\"col\" class=\"num\">Average</th><th scope=\"col\" class=\"num\">95% interval</th>"
                       "</tr></thead>\n");
        }
        sb_puts(b, "<tbody>\n");
        for (size_t i = 0; i < nk; i++) {
            const kpi_def *d = find_kpi(defs, nd, keys[i]);
            int unit = d ? d->unit : U_COUNT;
            sb_puts(b, "<tr><th scope=\"row\">");
            full_label(b, d, keys[i], &f0);
            sb_puts(b, "</th>");
            if (!r->comparison) {
                full_value(b, unit, get_mci(cs_json_get(pool ? r->sc[0].pools : r->sc[0].lines, name), keys[i], "mean"));
            } else {
                for (size_t c = c0; c < c1; c++) {
                    size_t s = c == c0 ? 0 : c;
                    const scen *sc = &r->sc[s];
                    const cs_json *k = cs_json_get(pool ? sc->pools : sc->lines, name);
                    feat fs = pool ? (feat){0} : line_feat(sc, name);
                    if (!k || !cs_json_get(k, keys[i]) || (!pool && d && !relevant(&fs, d->feature))) {
                        sb_puts(b, "<td class=\"res\"><span class=\"na\">&mdash;</span></td>");
                        continue;
                    }
                    mci dv = get_mci(cs_json_get(cs_json_get(sc->diff, pool ? "pools" : "lines"), name), keys[i], "diff");
                    full_cmp_cell(b, unit, get_mci(k, keys[i], "mean"), s > 0 ? &dv : NULL);
                }
            }
            sb_puts(b, "</tr>\n");
        }
        sb_puts(b, "</tbody>\n</table>\n");
        if (!r->comparison) break;
    }
}

static void full_tables(report *r)
{
    sb *b = &r->out;
    char per[64];
    period_phrase(r, per, sizeof per);
    sb_puts(b, "<section class=\"tables\" id=\"tables\">\n<h2>Full results</h2>\n");
    hf(b, "<p>Every measure the simulation records, per line and per team. Counts are totals %s (per "
          "replication); times are in seconds, minutes and hours. The 95%% interval is given as &plusmn; the half-width; for "
          "percentages it is in percentage points. Rows for features a scenario does not use (callbacks, "
          "transfers, ...) are left out; every value is also in summary.json.", per);
    if (r->comparison)
        sb_puts(b, " Under each variant's value is its difference from the base &plusmn; the half-width of the "
                   "difference's 95% interval; * marks a significant difference.");
    sb_puts(b, "</p>\n");
    const char *names[64];
    size_t n = all_lines(r, names, 64);
    for (size_t i = 0; i < n; i++) full_table(r, names[i], 0);
    n = all_pools(r, names, 64);
    for (size_t i = 0; i < n; i++) full_table(r, names[i], 1);
    sb_puts(b, "</section>\n");
}

/* ------------------------------------------------------------------------------------------
 * Assumptions in words
 * ---------------------------------------------------------------------------------------- */

enum { G_RUN, G_DEMAND, G_JOURNEY, G_HANDLING, G_STAFF, G_EVENTS, G_N };
static const char *const group_title[G_N] = {
    "The simulation", "Calls coming in", "What callers do", "Handling calls", "Staffing",
    "Surges, technology and outages",
};

typedef struct item {
    int group;
    char *key;
    char *html;
} item;

typedef struct items {
    item *v;
    size_t n, cap;
    int oom;
} items;

static void items_free(items *it)
{
    for (size_t i = 0; i < it->n; i++) {
        free(it->v[i].key);
        free(it->v[i].html);
    }
    free(it->v);
    memset(it, 0, sizeof *it);
}

/* Takes the text of *h (and resets it). */
static void add_item(items *it, int group, const char *key, sb *h)
{
    if (h->oom) it->oom = 1;
    if (it->oom) {
        sb_free(h);
        return;
    }
    if (it->n == it->cap) {
        size_t cap = it->cap ? 2 * it->cap : 32;
        item *v = realloc(it->v, cap * sizeof *v);
        if (!v) {
            it->oom = 1;
            sb_free(h);
            return;
        }
        it->v = v;
        it->cap = cap;
    }
    char *k = strdup(key);
    if (!k) {
        it->oom = 1;
        sb_free(h);
        return;
    }
    it->v[it->n].group = group;
    it->v[it->n].key = k;
    it->v[it->n].html = h->p ? h->p : strdup("");
    if (!it->v[it->n].html) it->oom = 1;
    it->n++;
    h->p = NULL;
    h->n = h->cap = 0;
}

/* "about 4 min 00 s on average (lognormal(mean 240 s, sd 180 s))" */
static void dist_phrase(sb *b, const cs_json *d)
{
    double mean = jnum(d, "mean_s");
    const char *text = jstr(d, "text");
    if (jstreq(d, "dist", "never")) {
        sb_puts(b, "never (they do not hang up)");
        return;
    }
    char m[48];
    if (isfinite(mean)) {
        dur_words(m, sizeof m, mean);
        hf(b, "%s on average", m);
        if (text) hf(b, " <span class=\"dist\">(%s)</span>", text);
    } else if (text) {
        if (strstr(text, "never")) hf(b, "some never hang up <span class=\"dist\">(%s)</span>", text);
        else hf(b, "<span class=\"dist\">%s</span>", text);
    } else sb_puts(b, "as set in the scenario file");
}

static void key2(char *buf, size_t n, const char *a, const char *b) { snprintf(buf, n, "%s:%s", a, b ? b : ""); }

static void demand_items(items *it, const cs_json *L)
{
    const char *name = jstr(L, "name");
    char key[256], t1[64], t2[64], t3[64];
    sb h = {0};
    double week = jnum(L, "calls_per_week");
    hf(&h, "<b>Line %s</b>: ", name);
    if (isfinite(week)) {
        fmt_fixed(t1, sizeof t1, week, 0, 0);
        fmt_fixed(t2, sizeof t2, week / 7.0, 0, 0);
        hf(&h, "about %s calls a week (%s a day on average)", t1, t2);
    } else sb_puts(&h, "calls as set in the scenario file");
    const cs_json *rates = cs_json_get(L, "rate_per_hour_by_slot");
    size_t ns = cs_json_size(rates);
    double slot = jnum(L, "profile_slot_s");
    if (ns > 1) {
        if (!(slot > 0)) slot = WEEK_S / (double)ns;
        size_t hi = 0, lo = 0;
        for (size_t i = 1; i < ns; i++) {
            double v = cs_json_number_value(cs_json_at(rates, i));
            if (v > cs_json_number_value(cs_json_at(rates, hi))) hi = i;
            if (v < cs_json_number_value(cs_json_at(rates, lo))) lo = i;
        }
        double vh = cs_json_number_value(cs_json_at(rates, hi)), vl = cs_json_number_value(cs_json_at(rates, lo));
        int weekly = fabs(slot * (double)ns - WEEK_S) < 1;
        if (isfinite(vh) && isfinite(vl) && vh > vl) {
            if (weekly) week_time_words(t1, sizeof t1, (double)hi * slot);
            else hhmm(t1, sizeof t1, (double)hi * slot);
            hhmm(t2, sizeof t2, (double)(hi + 1) * slot);
            fmt_fixed(t3, sizeof t3, vh, vh < 10 ? 1 : 0, 0);
            hf(&h, ". The busiest time is %s&ndash;%s, at about %s calls an hour", t1, t2, t3);
            if (weekly) week_time_words(t1, sizeof t1, (double)lo * slot);
            else hhmm(t1, sizeof t1, (double)lo * slot);
            hhmm(t2, sizeof t2, (double)(lo + 1) * slot);
            fmt_fixed(t3, sizeof t3, vl, vl < 10 ? 1 : 0, 0);
            if (vl > 0) hf(&h, "; the quietest is %s&ndash;%s, at about %s an hour", t1, t2, t3);
            else hf(&h, "; at some times no calls arrive at all (for example %s&ndash;%s)", t1, t2);
        }
    }
    sb_puts(&h, ".");
    double cv = jnum(L, "overdispersion_cv");
    if (cv > 0) {
        pct_words(t1, sizeof t1, cv);
        hf(&h, " On top of this pattern, each day is randomly busier or quieter than usual by about %s.", t1);
    }
    const cs_json *tr = cs_json_get(L, "trunks"), *qp = cs_json_get(L, "queue_places");
    if (cs_json_type_of(tr) == CS_JSON_NUMBER) {
        fmt_fixed(t1, sizeof t1, cs_json_number_value(tr), 0, 0);
        hf(&h, " At most %s calls can be connected at once; a caller beyond that gets no answer and is cut off.", t1);
    }
    if (cs_json_type_of(qp) == CS_JSON_NUMBER) {
        fmt_fixed(t1, sizeof t1, cs_json_number_value(qp), 0, 0);
        hf(&h, " At most %s callers can wait in the queue; further callers are cut off.", t1);
    }
    key2(key, sizeof key, "demand", name);
    add_item(it, G_DEMAND, key, &h);

    const cs_json *t = cs_json_get(L, "target");
    if (isfinite(jnum(t, "answer_within_s")) && isfinite(jnum(t, "share"))) {
        pct_words(t1, sizeof t1, jnum(t, "share"));
        target_words(t2, sizeof t2, jnum(t, "answer_within_s"));
        hf(&h, "<b>Line %s target</b>: %s of calls answered within %s.", name, t1, t2);
        key2(key, sizeof key, "target", name);
        add_item(it, G_DEMAND, key, &h);
    }
}

static void journey_items(items *it, const cs_json *L)
{
    const char *name = jstr(L, "name");
    char key[256], t1[64], t2[64], t3[64], t4[64];
    sb h = {0};
    const cs_json *ivr = cs_json_get(L, "ivr");
    if (ivr) {
        hf(&h, "<b>Line %s menu (IVR)</b>: callers first hear a recorded menu lasting ", name);
        dist_phrase(&h, cs_json_get(ivr, "time"));
        pct_words(t1, sizeof t1, jnum(ivr, "abandon"));
        pct_words(t2, sizeof t2, jnum(ivr, "deflect"));
        hf(&h, "; %s hang up during it and %s are sent elsewhere (for example to report online) without "
               "reaching a call handler.", t1, t2);
        const cs_json *opts = cs_json_get(ivr, "options");
        if (cs_json_size(opts) > 1) {
            sb_puts(&h, " The menu routes ");
            for (size_t i = 0; i < cs_json_size(opts); i++) {
                const cs_json *o = cs_json_at(opts, i);
                pct_words(t1, sizeof t1, jnum(o, "share"));
                if (i > 0) sb_puts(&h, i + 1 == cs_json_size(opts) ? " and " : ", ");
                hf(&h, "%s to &ldquo;%s&rdquo; (queue %s)", t1, jstr(o, "name"), jstr(o, "queue"));
            }
            sb_puts(&h, ".");
        }
        key2(key, sizeof key, "ivr", name);
        add_item(it, G_JOURNEY, key, &h);
    }
    const cs_json *pat = cs_json_get(L, "patience");
    if (pat) {
        if (jstreq(pat, "dist", "never")) hf(&h, "<b>Line %s patience</b>: callers never hang up while waiting.", name);
        else {
            hf(&h, "<b>Line %s patience</b> (how long callers wait before hanging up): ", name);
            dist_phrase(&h, pat);
            sb_puts(&h, ".");
        }
        key2(key, sizeof key, "patience", name);
        add_item(it, G_JOURNEY, key, &h);
    }
    const cs_json *rd = cs_json_get(L, "redial");
    if (rd) {
        pct_words(t1, sizeof t1, jnum(rd, "probability"));
        hf(&h, "<b>Line %s redials</b>: %s of callers who hang up or are cut off try again, after ", name, t1);
        dist_phrase(&h, cs_json_get(rd, "delay"));
        double ma = jnum(rd, "max_attempts");
        if (isfinite(ma)) {
            fmt_fixed(t2, sizeof t2, ma, 0, 0);
            hf(&h, "; at most %s attempts per caller", t2);
        }
        sb_puts(&h, ".");
    } else {
        hf(&h, "<b>Line %s redials</b>: callers who hang up do not try again.", name);
    }
    key2(key, sizeof key, "redial", name);
    add_item(it, G_JOURNEY, key, &h);
    const cs_json *sp = cs_json_get(L, "spillover");
    if (sp) {
        dur_words(t1, sizeof t1, jnum(sp, "after_s"));
        pct_words(t2, sizeof t2, jnum(sp, "share"));
        pct_words(t3, sizeof t3, jnum(sp, "per_minute"));
        pct_words(t4, sizeof t4, jnum(sp, "max"));
        hf(&h, "<b>Line %s to %s</b>: of the callers who hang up after waiting more than %s, %s ring %s "
               "instead, plus %s for each further minute they waited, up to %s; they ring after ",
           name, jstr(sp, "to"), t1, t2, jstr(sp, "to"), t3, t4);
        dist_phrase(&h, cs_json_get(sp, "delay"));
        sb_puts(&h, ".");
        key2(key, sizeof key, "spill", name);
        add_item(it, G_JOURNEY, key, &h);
    }
    const cs_json *cb = cs_json_get(L, "callback");
    if (cb) {
        dur_words(t1, sizeof t1, jnum(cb, "offer_when_wait_over_s"));
        pct_words(t2, sizeof t2, jnum(cb, "accept"));
        hf(&h, "<b>Line %s callbacks</b>: when the wait is over %s, callers are offered a callback and %s "
               "accept. ", name, t1, t2);
        dur_words(t1, sizeof t1, jnum(cb, "deadline_s"));
        dur_words(t2, sizeof t2, jnum(cb, "expire_s"));
        hf(&h, "A callback is due within %s and dropped if not made within %s. ", t1, t2);
        pct_words(t1, sizeof t1, jnum(cb, "reach"));
        fmt_fixed(t2, sizeof t2, jnum(cb, "attempts"), 0, 0);
        dur_words(t3, sizeof t3, jnum(cb, "retry_after_s"));
        hf(&h, "Each call back reaches the caller with a probability of %s", t1);
        if (jnum(cb, "attempts") > 1) hf(&h, ", with up to %s attempts %s apart", t2, t3);
        else sb_puts(&h, ", with a single attempt");
        sb_puts(&h, "; an attempt that does not reach them takes ");
        dist_phrase(&h, cs_json_get(cb, "failed_attempt"));
        const char *pool = jstr(cb, "pool");
        if (!pool || strcmp(pool, "any serving the line") == 0)
            sb_puts(&h, " of a handler&rsquo;s time. Callbacks are made by any team serving the line.");
        else hf(&h, " of a handler&rsquo;s time. Callbacks are made by team %s.", pool);
        key2(key, sizeof key, "callback", name);
        add_item(it, G_JOURNEY, key, &h);
    }
}

static void queue_items(items *it, const cs_json *Q)
{
    const char *name = jstr(Q, "name"), *line = jstr(Q, "line");
    char key[256], t1[64];
    sb h = {0};
    if (line && name && strcmp(line, name) != 0) hf(&h, "<b>Queue %s</b> (line %s): handling takes ", name, line);
    else hf(&h, "<b>Queue %s</b>: handling takes ", name);
    dist_phrase(&h, cs_json_get(Q, "handle"));
    const cs_json *w = cs_json_get(Q, "wrap");
    if (w && jnum(w, "mean_s") > 0) {
        sb_puts(&h, ", followed by after-call work of ");
        dist_phrase(&h, w);
    } else sb_puts(&h, ", with no after-call work");
    sb_puts(&h, ".");
    const cs_json *p = cs_json_get(Q, "patience");
    if (p) {
        sb_puts(&h, " Callers waiting in this queue have their own patience: ");
        dist_phrase(&h, p);
        sb_puts(&h, ".");
    }
    const cs_json *tr = cs_json_get(Q, "transfer");
    if (tr) {
        pct_words(t1, sizeof t1, jnum(tr, "share"));
        hf(&h, " %s of answered calls are then passed on to the %s queue.", t1, jstr(tr, "queue"));
    }
    key2(key, sizeof key, "queue", name);
    add_item(it, G_HANDLING, key, &h);
}

static int queue_priority(const cs_json *R, const char *q, double *out)
{
    const cs_json *Q = find_named(cs_json_get(R, "queues"), q);
    *out = jnum(Q, "priority");
    return isfinite(*out);
}

static void pool_items(items *it, const cs_json *R, const cs_json *P)
{
    const char *name = jstr(P, "name");
    char key[256], t1[64], t2[64];
    sb h = {0};
    const cs_json *qs = cs_json_get(P, "queues");
    size_t nq = cs_json_size(qs);
    const char *qn[32];
    if (nq > 32) nq = 32;
    for (size_t i = 0; i < nq; i++) qn[i] = cs_json_string_value(cs_json_at(qs, i));
    hf(&h, "<b>Team %s</b> answers ", name);
    name_list(&h, qn, nq, "", "");
    sb_puts(&h, " calls");
    if (jstreq(P, "pick", "weighted")) {
        const cs_json *w = cs_json_get(P, "weights");
        sb_puts(&h, ", sharing its time between the queues by weight (");
        for (size_t i = 0; i < nq; i++) {
            snprintf(t1, sizeof t1, "%g", cs_json_number_value(cs_json_at(w, i)));
            hf(&h, "%r%s %s", i ? ", " : "", qn[i], t1);
        }
        sb_puts(&h, ")");
    } else if (nq > 1) {
        /* Queues in descending priority, equal priorities grouped: "999 before 101". */
        double pr[32];
        int used[32] = {0};
        for (size_t i = 0; i < nq; i++)
            if (!queue_priority(R, qn[i], &pr[i])) pr[i] = -1e300;
        sb order = {0};
        size_t done = 0;
        int levels = 0;
        while (done < nq) {
            double best = -INFINITY;
            for (size_t i = 0; i < nq; i++)
                if (!used[i] && pr[i] > best) best = pr[i];
            const char *grp[32];
            size_t ng = 0;
            for (size_t i = 0; i < nq; i++)
                if (!used[i] && pr[i] == best) grp[ng++] = qn[i], used[i] = 1;
            if (levels > 0) sb_puts(&order, ", then ");
            name_list(&order, grp, ng, "", "");
            sb_puts(&order, " calls");
            done += ng;
            levels++;
        }
        if (levels > 1 && order.p) hf(&h, ", in order of priority: %r", order.p);
        else sb_puts(&h, ", all with the same priority");
        sb_free(&order);
    }
    sb_puts(&h, ".");
    double shr = jnum(P, "shrinkage");
    if (isfinite(shr)) {
        pct_words(t1, sizeof t1, shr);
        hf(&h, " Shrinkage (time lost to leave, sickness and training) is %s.", t1);
    }
    const cs_json *st = cs_json_get(P, "staffing");
    size_t n = cs_json_size(st);
    if (n > 0) {
        long long mn = LLONG_MAX, mx = LLONG_MIN;
        size_t imx = 0;
        int timed = 1;
        double sum = 0, prev_t = 0, prev_v = 0;
        for (size_t i = 0; i < n; i++) {
            const cs_json *e = cs_json_at(st, i);
            long long v;
            if (!cs_json_int_value(cs_json_get(e, "on_duty"), &v)) v = llround(jnum(e, "on_duty"));
            if (v < mn) mn = v;
            if (v > mx) mx = v, imx = i;
            double t = instant_seconds(jstr(e, "from"));
            if (t < 0 || (i == 0 && t != 0) || (i > 0 && t < prev_t)) timed = 0;
            if (i > 0) sum += prev_v * (t - prev_t);
            prev_t = t;
            prev_v = (double)v;
        }
        double cycle = WEEK_S;
        while (cycle <= prev_t) cycle += WEEK_S;
        sum += prev_v * (cycle - prev_t);
        if (mn == mx) {
            hf(&h, " After breaks and shrinkage, %d handler%r on duty at all times.", (int)mn, mn == 1 ? " is" : "s are");
        } else {
            instant_words(t1, sizeof t1, jstr(cs_json_at(st, imx), "from"));
            hf(&h, " After breaks and shrinkage, between %d and %d handlers are on duty over the week (%d from %s",
               (int)mn, (int)mx, (int)mx, t1);
            if (timed) {
                fmt_fixed(t2, sizeof t2, sum / cycle, 1, 0);
                hf(&h, "), %s on average.", t2);
            } else sb_puts(&h, ").");
        }
    }
    key2(key, sizeof key, "pool", name);
    add_item(it, G_STAFF, key, &h);
}

/* "from Friday 18:00 for 2 h" (+ ", every week") */
static void window_phrase(sb *h, const cs_json *e)
{
    char t1[64], t2[64];
    const char *start = jstr(e, "start");
    if (!start) {
        sb_puts(h, " throughout");
        return;
    }
    instant_words(t1, sizeof t1, start);
    dur_words(t2, sizeof t2, jnum(e, "end_s") - jnum(e, "start_s"));
    hf(h, " from %s for %s", t1, t2);
    if (cs_json_bool_value(cs_json_get(e, "weekly"))) sb_puts(h, ", every week");
}

static void line_scope(sb *h, const char *line)
{
    if (!line || strcmp(line, "all") == 0) sb_puts(h, "all lines");
    else hf(h, "line %s", line);
}

static void factor_phrase(sb *h, double f)
{
    char t[32];
    snprintf(t, sizeof t, "%g", f);
    hf(h, "%s times", t);
    if (f < 1) {
        pct_words(t, sizeof t, 1 - f);
        hf(h, " as long (%s less)", t);
    } else if (f > 1) {
        pct_words(t, sizeof t, f - 1);
        hf(h, " as long (%s more)", t);
    } else sb_puts(h, " as long");
}

static void event_items(items *it, const cs_json *R)
{
    char key[256], t1[64];
    sb h = {0};
    const cs_json *su = cs_json_get(R, "surges"), *te = cs_json_get(R, "technology"), *ou = cs_json_get(R, "outages");
    for (size_t i = 0; i < cs_json_size(su); i++) {
        const cs_json *e = cs_json_at(su, i);
        snprintf(t1, sizeof t1, "%g", jnum(e, "factor"));
        sb_puts(&h, "<b>Surge</b>: calls to ");
        line_scope(&h, jstr(e, "line"));
        hf(&h, " arrive at %s times the usual rate", t1);
        window_phrase(&h, e);
        sb_puts(&h, ".");
        snprintf(key, sizeof key, "surge:%s:%s", jstr(e, "line") ? jstr(e, "line") : "",
                 jstr(e, "start") ? jstr(e, "start") : "");
        add_item(it, G_EVENTS, key, &h);
    }
    for (size_t i = 0; i < cs_json_size(te); i++) {
        const cs_json *e = cs_json_at(te, i);
        hf(&h, "<b>Technology &ldquo;%s&rdquo;</b>: %r on ", jstr(e, "name"),
           jstreq(e, "on", "wrap") ? "after-call work" : "handling");
        line_scope(&h, jstr(e, "line"));
        sb_puts(&h, " takes ");
        factor_phrase(&h, jnum(e, "factor"));
        window_phrase(&h, e);
        sb_puts(&h, ".");
        key2(key, sizeof key, "tech", jstr(e, "name"));
        add_item(it, G_EVENTS, key, &h);
    }
    for (size_t i = 0; i < cs_json_size(ou); i++) {
        const cs_json *e = cs_json_at(ou, i);
        hf(&h, "<b>Outage &ldquo;%s&rdquo;</b>: ", jstr(e, "name"));
        if (jstreq(e, "effect", "slow")) {
            sb_puts(&h, "handling on ");
            line_scope(&h, jstr(e, "line"));
            sb_puts(&h, " takes ");
            factor_phrase(&h, jnum(e, "handle_factor"));
        } else {
            sb_puts(&h, "every call to ");
            line_scope(&h, jstr(e, "line"));
            sb_puts(&h, " is cut off");
        }
        window_phrase(&h, e);
        sb_puts(&h, ".");
        key2(key, sizeof key, "outage", jstr(e, "name"));
        add_item(it, G_EVENTS, key, &h);
    }
    if (cs_json_size(su) + cs_json_size(te) + cs_json_size(ou) == 0) {
        sb_puts(&h, "None: demand follows its usual pattern, and staff, systems and telephony work normally "
                    "throughout.");
        add_item(it, G_EVENTS, "events:none", &h);
    }
}

static void run_item(items *it, const cs_json *R)
{
    char t1[64], t2[64], t3[64], seed[48];
    sb h = {0};
    dur_words(t1, sizeof t1, jnum(R, "horizon_s"));
    dur_words(t2, sizeof t2, jnum(R, "warmup_s"));
    dur_words(t3, sizeof t3, jnum(R, "interval_s"));
    int_text(cs_json_get(R, "seed"), seed, sizeof seed);
    long long reps = 0;
    cs_json_int_value(cs_json_get(R, "replications"), &reps);
    hf(&h, "%s simulated, including a warm-up of %s that is not counted; %d replications from seed %s; results "
           "are also kept for each %s interval of the week (intervals.csv).", t1, t2, (int)reps, seed, t3);
    add_item(it, G_RUN, "run", &h);
}

static void assumption_items(items *it, const cs_json *R)
{
    run_item(it, R);
    const cs_json *lines = cs_json_get(R, "lines");
    for (size_t i = 0; i < cs_json_size(lines); i++) demand_items(it, cs_json_at(lines, i));
    for (size_t i = 0; i < cs_json_size(lines); i++) journey_items(it, cs_json_at(lines, i));
    const cs_json *qs = cs_json_get(R, "queues");
    for (size_t i = 0; i < cs_json_size(qs); i++) queue_items(it, cs_json_at(qs, i));
    const cs_json *ps = cs_json_get(R, "pools");
    for (size_t i = 0; i < cs_json_size(ps); i++) pool_items(it, R, cs_json_at(ps, i));
    event_items(it, R);
}

static const item *find_item(const items *it, const char *key)
{
    for (size_t i = 0; i < it->n; i++)
        if (strcmp(it->v[i].key, key) == 0) return &it->v[i];
    return NULL;
}

static int assumptions(report *r)
{
    sb *b = &r->out;
    sb_puts(b, "<section class=\"assumptions\" id=\"assumptions\">\n<h2>Assumptions in words</h2>\n");
    if (!r->sc[0].resolved) {
        sb_puts(b, "<p class=\"note\">summary.json does not record the resolved scenario, so the assumptions "
                   "cannot be listed here; see the scenario file in the appendix.</p>\n</section>\n");
        return 1;
    }
    if (r->comparison)
        hf(b, "<p>Everything the base scenario, <b>%s</b>, assumes, in words; then what each other scenario "
              "changes. Each line is generated from the scenario as the simulation read it, after defaults "
              "were filled in.</p>\n", r->sc[0].name);
    else
        sb_puts(b, "<p>Everything the simulation assumed, in words, generated from the scenario as the "
                   "simulation read it (after defaults were filled in). The scenario file itself is in the "
                   "appendix.</p>\n");
    items base = {0};
    assumption_items(&base, r->sc[0].resolved);
    for (int g = 0; g < G_N; g++) {
        int any = 0;
        for (size_t i = 0; i < base.n; i++) {
            if (base.v[i].group != g) continue;
            if (!any) hf(b, "<h3>%s</h3>\n<ul>\n", group_title[g]);
            any = 1;
            hf(b, "<li>%r</li>\n", base.v[i].html);
        }
        if (any) sb_puts(b, "</ul>\n");
    }
    int ok = !base.oom;
    for (size_t s = 1; s < r->n_sc && ok; s++) {
        hf(b, "<h3>What changes in &ldquo;%s&rdquo;</h3>\n", r->sc[s].name);
        if (!r->sc[s].resolved) {
            sb_puts(b, "<p class=\"note\">Not recorded in summary.json; see the scenario file in the appendix.</p>\n");
            continue;
        }
        items v = {0};
        assumption_items(&v, r->sc[s].resolved);
        ok = !v.oom;
        int n = 0;
        for (size_t i = 0; i < v.n; i++) {
            const item *o = find_item(&base, v.v[i].key);
            if (o && strcmp(o->html, v.v[i].html) == 0) continue;
            if (!o && strcmp(v.v[i].key, "events:none") == 0) continue; /* the removals say it */
            if (!n++) sb_puts(b, "<ul>\n");
            hf(b, "<li>%r%r</li>\n", o ? "<i>Changed:</i> " : "<i>New:</i> ", v.v[i].html);
        }
        for (size_t i = 0; i < base.n; i++) {
            if (find_item(&v, base.v[i].key) || strcmp(base.v[i].key, "events:none") == 0) continue;
            if (!n++) sb_puts(b, "<ul>\n");
            hf(b, "<li><i>No longer:</i> %r</li>\n", base.v[i].html);
        }
        if (n) sb_puts(b, "</ul>\n");
        else sb_puts(b, "<p>No difference in the assumptions listed above; the change is in a detail they do "
                        "not describe (see the scenario file in the appendix).</p>\n");
        items_free(&v);
    }
    items_free(&base);
    sb_puts(b, "</section>\n");
    return ok;
}

/* ------------------------------------------------------------------------------------------
 * Appendix
 * ---------------------------------------------------------------------------------------- */

/* Scenario files of a comparison, sorted by their numeric prefix ("2-x" before "10-x"). */
static int natural_cmp(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
        char *ea, *eb;
        unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
        if (x != y) return x < y ? -1 : 1;
    }
    return strcmp(a, b);
}

static int yaml_name(const char *n)
{
    size_t l = strlen(n);
    if (n[0] == '.') return 0;
    return (l > 5 && strcmp(n + l - 5, ".yaml") == 0) || (l > 4 && strcmp(n + l - 4, ".yml") == 0);
}

static cs_status show_file(report *r, const char *rel, const char *heading, cs_error *err)
{
    sb *b = &r->out;
    char *path = path_join(r->dir, rel);
    if (!path) return cs_error_set(err, CS_ENOMEM, "out of memory");
    char *text = NULL;
    size_t len = 0;
    cs_error e = {CS_OK, ""};
    cs_status st = read_all(path, NULL, &text, &len, &e);
    free(path);
    hf(b, "<h3>%r</h3>\n", heading);
    if (st == CS_EINPUT) {
        hf(b, "<p class=\"note\">%s is not in this folder.</p>\n", rel);
        return CS_OK;
    }
    if (st != CS_OK) return cs_error_set(err, st, "%s", e.msg);
    sb_puts(b, "<pre class=\"file scenario\">");
    esc_verbatim(b, text, len);
    sb_puts(b, "</pre>\n");
    free(text);
    return CS_OK;
}

static cs_status appendix(report *r, cs_error *err)
{
    sb *b = &r->out;
    sb_puts(b, "<section class=\"appendix\" id=\"appendix\">\n<h2>Appendix: scenario file");
    sb_puts(b, r->comparison ? "s" : "");
    sb_puts(b, " and run details</h2>\n<dl class=\"facts\">\n");
    if (r->comparison) {
        for (size_t s = 0; s < r->n_sc; s++)
            hf(b, "<dt>%s</dt><dd>%s</dd>\n", s == 0 ? "Base scenario" : "Variant",
               r->sc[s].name ? r->sc[s].name : "(unnamed)");
    } else {
        hf(b, "<dt>Scenario</dt><dd>%s</dd>\n", r->sc[0].name ? r->sc[0].name : "(unnamed)");
    }
    char t1[64], t2[64];
    dur_words(t1, sizeof t1, r->horizon);
    dur_words(t2, sizeof t2, r->warmup);
    hf(b, "<dt>Seed</dt><dd>%s</dd>\n<dt>Replications</dt><dd>%s</dd>\n", r->seed, r->reps);
    if (isfinite(r->horizon)) hf(b, "<dt>Simulated</dt><dd>%s, including a warm-up of %s</dd>\n", t1, t2);
    hf(b, "<dt>callsim version</dt><dd>%s</dd>\n<dt>Generated</dt><dd>%s</dd>\n", r->version, r->generated);
    hf(b, "<dt>Data files</dt><dd>summary.json%r, charts/ (PNG, SVG and PDF of every chart)</dd>\n</dl>\n",
       r->comparison ? ", comparison.csv" : ", intervals.csv");
    sb_puts(b, "<p>To reproduce these results, run callsim with the same version, scenario file");
    sb_puts(b, r->comparison ? "s" : "");
    sb_puts(b, " and seed. A scenario that starts with <code>base:</code> also needs the file it names.</p>\n");
    cs_status st = CS_OK;
    if (!r->comparison) {
        st = show_file(r, "scenario.yaml", "Scenario file (scenario.yaml)", err);
    } else {
        char *sdir = path_join(r->dir, "scenarios");
        if (!sdir) return cs_error_set(err, CS_ENOMEM, "out of memory");
        DIR *d = opendir(sdir);
        free(sdir);
        char **names = NULL;
        size_t n = 0, cap = 0;
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (!yaml_name(e->d_name)) continue;
                if (n == cap) {
                    cap = cap ? 2 * cap : 16;
                    char **nn = realloc(names, cap * sizeof *nn);
                    if (!nn) {
                        st = cs_error_set(err, CS_ENOMEM, "out of memory");
                        break;
                    }
                    names = nn;
                }
                if (!(names[n] = strdup(e->d_name))) {
                    st = cs_error_set(err, CS_ENOMEM, "out of memory");
                    break;
                }
                n++;
            }
            closedir(d);
        }
        if (st == CS_OK && n > 0) qsort(names, n, sizeof *names, natural_cmp);
        if (st == CS_OK && n == 0)
            sb_puts(b, "<p class=\"note\">The scenario files (scenarios/*.yaml) are not in this folder.</p>\n");
        for (size_t i = 0; i < n && st == CS_OK; i++) {
            /* "2-new_system.yaml" belongs to the scenario whose file was new_system.yaml. */
            const char *base = names[i];
            while (isdigit((unsigned char)*base)) base++;
            base = (base > names[i] && *base == '-') ? base + 1 : names[i];
            const char *who = NULL;
            for (size_t s = 0; s < r->n_sc && !who; s++) {
                const char *f = r->sc[s].file;
                if (!f) continue;
                const char *slash = strrchr(f, '/');
                if (strcmp(slash ? slash + 1 : f, base) == 0) who = r->sc[s].name;
            }
            sb h = {0};
            hf(&h, "scenarios/%s", names[i]);
            if (who) hf(&h, ": %s", who);
            char rel[600];
            snprintf(rel, sizeof rel, "scenarios/%s", names[i]);
            if (h.oom) st = cs_error_set(err, CS_ENOMEM, "out of memory");
            else st = show_file(r, rel, h.p, err);
            sb_free(&h);
        }
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
    }
    sb_puts(b, "</section>\n");
    return st;
}

/* ------------------------------------------------------------------------------------------
 * Reading the summary
 * ---------------------------------------------------------------------------------------- */

static cs_status load(report *r, cs_error *err)
{
    char *path = path_join(r->dir, "summary.json");
    if (!path) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_status st = parse_json_file(path, "; is this a results folder written by `callsim run --out` or "
                                   "`callsim compare --out`?", &r->summary, err);
    if (st != CS_OK) {
        free(path);
        return st;
    }
    const cs_json *S = r->summary;
    unsigned line, col;
    if (cs_json_type_of(S) != CS_JSON_OBJECT) {
        st = cs_error_set(err, CS_EINPUT, "%s: line 1, column 1: expected an object, as written by callsim", path);
        free(path);
        return st;
    }
    const cs_json *kind = cs_json_get(S, "kind");
    if (kind && !jstreq(S, "kind", "run") && !jstreq(S, "kind", "comparison")) {
        cs_json_position(kind, &line, &col);
        st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: \"kind\" must be \"run\" or \"comparison\"",
                          path, line, col);
        free(path);
        return st;
    }
    r->comparison = jstreq(S, "kind", "comparison");
    const cs_json *v = cs_json_get(S, "callsim_version");
    snprintf(r->version, sizeof r->version, "%s", cs_json_string_value(v) ? cs_json_string_value(v) : "unknown");
    int_text(cs_json_get(S, "seed"), r->seed, sizeof r->seed);
    int_text(cs_json_get(S, "replications"), r->reps, sizeof r->reps);
    if (!r->comparison) {
        const cs_json *lines = cs_json_get(S, "lines");
        if (cs_json_type_of(lines) != CS_JSON_OBJECT || cs_json_size(lines) == 0) {
            cs_json_position(lines ? lines : S, &line, &col);
            st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: a run summary needs a \"lines\" object "
                              "with the KPIs of each line", path, line, col);
            free(path);
            return st;
        }
        r->sc = calloc(1, sizeof *r->sc);
        if (!r->sc) {
            free(path);
            return cs_error_set(err, CS_ENOMEM, "out of memory");
        }
        r->n_sc = 1;
        r->sc[0].lines = lines;
        r->sc[0].pools = cs_json_get(S, "pools");
        r->sc[0].resolved = cs_json_get(S, "resolved_scenario");
        r->sc[0].name = jstr(S, "scenario") ? jstr(S, "scenario") : jstr(r->sc[0].resolved, "name");
        r->horizon = jnum(S, "horizon_s");
        r->warmup = jnum(S, "warmup_s");
    } else {
        const cs_json *scs = cs_json_get(S, "scenarios");
        size_t n = cs_json_size(scs);
        if (cs_json_type_of(scs) != CS_JSON_ARRAY || n < 1) {
            cs_json_position(scs ? scs : S, &line, &col);
            st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: a comparison summary needs a non-empty "
                              "\"scenarios\" array", path, line, col);
            free(path);
            return st;
        }
        r->sc = calloc(n, sizeof *r->sc);
        if (!r->sc) {
            free(path);
            return cs_error_set(err, CS_ENOMEM, "out of memory");
        }
        r->n_sc = n;
        const cs_json *res = cs_json_get(S, "resolved_scenarios");
        const cs_json *diffs = cs_json_get(S, "differences");
        for (size_t i = 0; i < n; i++) {
            const cs_json *e = cs_json_at(scs, i);
            if (cs_json_type_of(cs_json_get(e, "lines")) != CS_JSON_OBJECT) {
                cs_json_position(e, &line, &col);
                st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: scenario %zu has no \"lines\" object",
                                  path, line, col, i + 1);
                free(path);
                return st;
            }
            scen *s = &r->sc[i];
            s->name = jstr(e, "name");
            s->file = jstr(e, "file");
            s->lines = cs_json_get(e, "lines");
            s->pools = cs_json_get(e, "pools");
            s->resolved = cs_json_at(res, i);
            if (s->resolved && s->name && !jstreq(s->resolved, "name", s->name)) {
                const cs_json *m = find_named(res, s->name);
                if (m) s->resolved = m;
            }
            if (i > 0) {
                const cs_json *d = cs_json_at(diffs, i - 1);
                if (!s->name || !jstreq(d, "scenario", s->name)) {
                    for (size_t k = 0; k < cs_json_size(diffs); k++)
                        if (s->name && jstreq(cs_json_at(diffs, k), "scenario", s->name)) d = cs_json_at(diffs, k);
                }
                s->diff = d;
            }
        }
        r->horizon = jnum(r->sc[0].resolved, "horizon_s");
        r->warmup = jnum(r->sc[0].resolved, "warmup_s");
    }
    if (!isfinite(r->warmup)) r->warmup = 0;
    free(path);

    /* The chart manifest is optional, but a broken one is an error: it was meant to be there. */
    path = path_join(r->dir, "charts/charts.json");
    if (!path) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_error e = {CS_OK, ""};
    st = parse_json_file(path, NULL, &r->manifest, &e);
    if (st == CS_EINPUT && !r->manifest && strstr(e.msg, ": not found")) st = CS_OK;
    else if (st != CS_OK) cs_error_set(err, st, "%s", e.msg);
    else if (cs_json_get(r->manifest, "charts") &&
             cs_json_type_of(cs_json_get(r->manifest, "charts")) != CS_JSON_ARRAY) {
        cs_json_position(cs_json_get(r->manifest, "charts"), &line, &col);
        st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: \"charts\" must be an array", path, line, col);
    }
    free(path);
    return st;
}

/* ------------------------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------------------------- */

static cs_status write_atomic(const char *dir, const char *data, size_t len, cs_error *err)
{
    char *tmp = path_join(dir, ".report.html.XXXXXX");
    char *dst = path_join(dir, "report.html");
    if (!tmp || !dst) {
        free(tmp);
        free(dst);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    cs_status st = CS_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        st = cs_error_set(err, CS_EIO, "cannot write %s: %s", dst, strerror(errno));
        free(tmp);
        free(dst);
        return st;
    }
    (void)fchmod(fd, 0644); /* mkstemp makes it private; a report is for sharing */
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            st = cs_error_set(err, CS_EIO, "cannot write %s: %s", dst, strerror(errno));
            break;
        }
        off += (size_t)w;
    }
    if (st == CS_OK && fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
        st = cs_error_set(err, CS_EIO, "cannot write %s: %s", dst, strerror(errno));
    if (close(fd) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write %s: %s", dst, strerror(errno));
    if (st == CS_OK && rename(tmp, dst) != 0)
        st = cs_error_set(err, CS_EIO, "cannot write %s: %s", dst, strerror(errno));
    if (st != CS_OK) unlink(tmp);
    free(tmp);
    free(dst);
    return st;
}

static void footer(report *r)
{
    hf(&r->out, "<footer>Produced by callsim %s on %s from the results folder&rsquo;s summary.json. The figures "
                "are estimates from a simulation of the stated assumptions, not observations of a real control "
                "room.</footer>\n</div>\n</body>\n</html>\n", r->version, r->generated);
}

cs_status cs_report_write(const char *dir, const char *generated, cs_error *err)
{
    CS_REQUIRE(dir != NULL && generated != NULL);
    report r;
    memset(&r, 0, sizeof r);
    r.dir = dir;
    r.generated = generated;
    r.horizon = r.warmup = NAN;
    cs_status st = load(&r, err);
    if (st == CS_OK) {
        const char *title = r.sc[0].name ? r.sc[0].name : "Unnamed scenario";
        page_head(&r, title);
        masthead(&r);
        about(&r);
        headline(&r);
        st = charts(&r, err);
    }
    if (st == CS_OK) {
        full_tables(&r);
        if (!assumptions(&r)) st = cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    if (st == CS_OK) st = appendix(&r, err);
    if (st == CS_OK) {
        footer(&r);
        if (r.out.oom) st = cs_error_set(err, CS_ENOMEM, "out of memory while building the report");
    }
    if (st == CS_OK) st = write_atomic(dir, r.out.p, r.out.n, err);
    sb_free(&r.out);
    free(r.sc);
    cs_json_free(r.summary);
    cs_json_free(r.manifest);
    return st;
}
