/* Lists, ranges and bounds of input values.  See io/valrange.h. */
#include "io/valrange.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/units.h"

void cs_valrange_free(cs_valrange *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) free(r->text ? r->text[i] : NULL);
    free(r->text);
    free(r->x);
    memset(r, 0, sizeof *r);
}

/* ---- one value: prefix, number, suffix ------------------------------------------------- */

typedef struct parts {
    char prefix[4];
    char suffix[24];
    double x;
    int whole;   /* no fraction written */
    int ok;      /* a number was found */
} parts;

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
}

/* A decimal without the locale: [-]digits[.digits] (".5" allowed). */
static int read_number(const char *s, size_t n, size_t *used, double *x, int *whole)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && s[i] == '-') neg = 1, i++;
    double ip = 0, fp = 0, scale = 1;
    size_t nd = 0;
    while (i < n && is_digit(s[i])) ip = ip * 10 + (s[i++] - '0'), nd++;
    *whole = 1;
    if (i < n && s[i] == '.' && i + 1 < n && is_digit(s[i + 1])) {
        i++;
        *whole = 0;
        while (i < n && is_digit(s[i])) fp = fp * 10 + (s[i++] - '0'), scale *= 10, nd++;
    }
    if (nd == 0) return 0;
    *x = (ip * scale + fp) / scale;
    if (neg) *x = -*x;
    *used = i;
    return 1;
}

static parts split(const char *s, size_t n)
{
    parts p;
    memset(&p, 0, sizeof p);
    trim(&s, &n);
    size_t i = 0;
    if (n > 0 && (s[0] == 'x' || s[0] == 'X') && n > 1 && (is_digit(s[1]) || s[1] == '.')) {
        p.prefix[0] = 'x';
        i = 1;
    }
    size_t used = 0;
    if (!read_number(s + i, n - i, &used, &p.x, &p.whole)) return p;
    i += used;
    size_t sl = n - i;
    if (sl >= sizeof p.suffix) return p;
    memcpy(p.suffix, s + i, sl);
    p.suffix[sl] = '\0';
    p.ok = 1;
    return p;
}

static int same_unit(const parts *a, const parts *b)
{
    return strcmp(a->prefix, b->prefix) == 0 && strcmp(a->suffix, b->suffix) == 0;
}

static int as_duration(const char *s, size_t n, double *sec)
{
    trim(&s, &n);
    char buf[64];
    if (n == 0 || n >= sizeof buf) return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return cs_units_parse_duration(buf, sec, NULL) == CS_OK;
}

/* ---- writing ---------------------------------------------------------------------------- */

static int fmt_number(double x, int whole, char *buf, size_t n)
{
    if (!isfinite(x)) return snprintf(buf, n, "nan");
    if (whole || fabs(x) >= 1e12) return snprintf(buf, n, "%lld", (long long)llround(x));
    long long r = llround(fabs(x) * 1e6);
    long long ip = r / 1000000, fp = r % 1000000;
    const char *sign = x < 0 && r != 0 ? "-" : "";
    if (fp == 0) return snprintf(buf, n, "%s%lld", sign, ip);
    char frac[8];
    snprintf(frac, sizeof frac, "%06lld", fp);
    size_t l = strlen(frac);
    while (l > 0 && frac[l - 1] == '0') frac[--l] = '\0';
    return snprintf(buf, n, "%s%lld.%s", sign, ip, frac);
}

int cs_valrange_format(const cs_valunit *u, double x, char *buf, size_t n)
{
    if (u->kind == CS_VAL_DURATION) return cs_units_format_duration(x, buf, n);
    char num[48];
    fmt_number(x, u->whole, num, sizeof num);
    return snprintf(buf, n, "%s%s%s", u->prefix, num, u->suffix);
}

int cs_valrange_format_dec(const cs_valunit *u, double x, int decimals, char *buf, size_t n)
{
    if (decimals < 0) decimals = 0;
    if (decimals > 6) decimals = 6;
    double p = pow(10, decimals);
    double r = isfinite(x) && fabs(x) < 1e12 ? round(x * p) / p : x;
    return cs_valrange_format(u, r, buf, n);
}

const char *cs_valrange_unit_label(const cs_valunit *u)
{
    if (u->kind == CS_VAL_DURATION) return "s";
    if (u->kind == CS_VAL_TEXT) return "";
    const char *s = u->suffix;
    while (*s == ' ') s++;
    if (strcmp(s, "m") == 0) return "min";
    return s;
}

/* ---- lists ------------------------------------------------------------------------------- */

/* Splits at commas outside (), [], {} and quotes: start offsets and lengths into tok. */
static size_t split_list(const char *s, size_t *start, size_t *len, size_t max)
{
    size_t n = 0, depth = 0, a = 0, i = 0;
    char quote = 0;
    for (;; i++) {
        char c = s[i];
        if (c == '\0' || (c == ',' && depth == 0 && !quote)) {
            if (n < max) start[n] = a, len[n] = i - a;
            n++;
            if (c == '\0') break;
            a = i + 1;
            continue;
        }
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '{' || c == '[' || c == '(') {
            depth++;
        } else if ((c == '}' || c == ']' || c == ')') && depth > 0) {
            depth--;
        }
    }
    return n;
}

static cs_status alloc_values(cs_valrange *r, size_t n, cs_error *err)
{
    r->x = calloc(n, sizeof *r->x);
    r->text = calloc(n, sizeof *r->text);
    if (!r->x || !r->text) return cs_error_set(err, CS_ENOMEM, "out of memory");
    r->n = n;
    return CS_OK;
}

static cs_status parse_list(const char *spec, cs_valrange *r, cs_error *err)
{
    size_t cap = CS_VALRANGE_MAX + 1;
    size_t *start = malloc(cap * sizeof *start), *len = malloc(cap * sizeof *len);
    parts *p = malloc(cap * sizeof *p);
    cs_status st = CS_OK;
    if (!start || !len || !p) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto done;
    }
    size_t n = split_list(spec, start, len, cap);
    if (n > CS_VALRANGE_MAX) {
        st = cs_error_set(err, CS_EINPUT, "more than %d values", CS_VALRANGE_MAX);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const char *s = spec + start[i];
        size_t l = len[i];
        trim(&s, &l);
        if (l == 0) {
            st = cs_error_set(err, CS_EINPUT, "value %zu of the list is empty (two commas in a "
                              "row, or a comma at an end)", i + 1);
            goto done;
        }
        start[i] = (size_t)(s - spec);
        len[i] = l;
        p[i] = split(s, l);
    }
    int numbers = 1, durations = 1, whole = 1;
    for (size_t i = 0; i < n; i++) {
        if (!p[i].ok || !same_unit(&p[i], &p[0])) numbers = 0;
        if (!p[i].whole) whole = 0;
        double sec;
        if (!as_duration(spec + start[i], len[i], &sec)) durations = 0;
    }
    if ((st = alloc_values(r, n, err)) != CS_OK) goto done;
    if (numbers) {
        r->unit.kind = CS_VAL_NUMBER;
        snprintf(r->unit.prefix, sizeof r->unit.prefix, "%s", p[0].prefix);
        snprintf(r->unit.suffix, sizeof r->unit.suffix, "%s", p[0].suffix);
        r->unit.whole = whole && !p[0].prefix[0] && !p[0].suffix[0];
    } else if (durations) {
        r->unit.kind = CS_VAL_DURATION;
    } else {
        r->unit.kind = CS_VAL_TEXT;
    }
    for (size_t i = 0; i < n; i++) {
        /* Values are kept as written: the loader reads exactly what the user typed. */
        r->text[i] = malloc(len[i] + 1);
        if (!r->text[i]) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
            goto done;
        }
        memcpy(r->text[i], spec + start[i], len[i]);
        r->text[i][len[i]] = '\0';
        if (r->unit.kind == CS_VAL_NUMBER) r->x[i] = p[i].x;
        else if (r->unit.kind == CS_VAL_DURATION) as_duration(spec + start[i], len[i], &r->x[i]);
        else r->x[i] = (double)(i + 1);
    }
done:
    free(start);
    free(len);
    free(p);
    return st;
}

/* ---- ranges and bounds ------------------------------------------------------------------ */

/* Reads lo and hi as the same unit (numbers with one prefix and suffix, else durations). */
static cs_status two(const char *a, size_t al, const char *b, size_t bl, cs_valunit *u,
                     double *x, double *y, cs_error *err)
{
    parts p = split(a, al), q = split(b, bl);
    memset(u, 0, sizeof *u);
    if (p.ok && q.ok && same_unit(&p, &q)) {
        u->kind = CS_VAL_NUMBER;
        snprintf(u->prefix, sizeof u->prefix, "%s", p.prefix);
        snprintf(u->suffix, sizeof u->suffix, "%s", p.suffix);
        u->whole = p.whole && q.whole && !p.prefix[0] && !p.suffix[0];
        *x = p.x;
        *y = q.x;
        return CS_OK;
    }
    if (as_duration(a, al, x) && as_duration(b, bl, y)) {
        u->kind = CS_VAL_DURATION;
        return CS_OK;
    }
    return cs_error_set(err, CS_EINPUT, "'%.*s' and '%.*s' are not numbers in one unit (such as "
                        "0%%..15%%, 1m..60m, 5..80 or 30s..2m)", (int)al, a, (int)bl, b);
}

cs_status cs_valrange_bounds(const char *spec, cs_valunit *u, double *lo, double *hi,
                             cs_error *err)
{
    const char *dots = strstr(spec, "..");
    if (!dots)
        return cs_error_set(err, CS_EINPUT, "expected LOW..HIGH, such as 1m..60m or 5..80, got "
                            "'%s'", spec);
    cs_status st = two(spec, (size_t)(dots - spec), dots + 2, strlen(dots + 2), u, lo, hi, err);
    if (st != CS_OK) return st;
    if (!(*lo < *hi))
        return cs_error_set(err, CS_EINPUT, "in '%s' the low end must be below the high end", spec);
    return CS_OK;
}

cs_status cs_valrange_value(const char *text, cs_valunit *u, double *x, cs_error *err)
{
    size_t n = strlen(text);
    parts p = split(text, n);
    memset(u, 0, sizeof *u);
    if (p.ok) {
        u->kind = CS_VAL_NUMBER;
        snprintf(u->prefix, sizeof u->prefix, "%s", p.prefix);
        snprintf(u->suffix, sizeof u->suffix, "%s", p.suffix);
        u->whole = p.whole && !p.prefix[0] && !p.suffix[0];
        *x = p.x;
        return CS_OK;
    }
    if (as_duration(text, n, x)) {
        u->kind = CS_VAL_DURATION;
        return CS_OK;
    }
    return cs_error_set(err, CS_EINPUT, "'%s' is not a number or a duration", text);
}

static cs_status parse_range(const char *spec, const char *dots, cs_valrange *r, cs_error *err)
{
    const char *lo = spec, *rest = dots + 2;
    size_t lol = (size_t)(dots - spec), rl = strlen(rest);
    /* HIGH/STEP: the '/' that leaves HIGH and STEP in LOW's unit (rates hold '/' too). */
    cs_valunit u;
    double a = 0, b = 0, step = 0;
    int found = 0;
    for (size_t i = 0; i < rl && !found; i++) {
        if (rest[i] != '/') continue;
        const char *hs = rest, *ss = rest + i + 1;
        size_t hl = i, sl = rl - i - 1;
        parts p = split(lo, lol), q = split(hs, hl), r3 = split(ss, sl);
        if (p.ok && q.ok && r3.ok && same_unit(&p, &q) && same_unit(&p, &r3)) {
            memset(&u, 0, sizeof u);
            u.kind = CS_VAL_NUMBER;
            snprintf(u.prefix, sizeof u.prefix, "%s", p.prefix);
            snprintf(u.suffix, sizeof u.suffix, "%s", p.suffix);
            u.whole = p.whole && q.whole && r3.whole && !p.prefix[0] && !p.suffix[0];
            a = p.x, b = q.x, step = r3.x;
            found = 1;
        } else if (as_duration(lo, lol, &a) && as_duration(hs, hl, &b) && as_duration(ss, sl, &step)) {
            memset(&u, 0, sizeof u);
            u.kind = CS_VAL_DURATION;
            found = 1;
        }
    }
    if (!found)
        return cs_error_set(err, CS_EINPUT, "expected a range LOW..HIGH/STEP in one unit, such as "
                            "0%%..15%%/2.5%% or 1m..60m/5m, got '%s'", spec);
    if (!(step > 0))
        return cs_error_set(err, CS_EINPUT, "the step of '%s' must be more than 0", spec);
    if (b < a)
        return cs_error_set(err, CS_EINPUT, "in '%s' the low end must not be above the high end",
                            spec);
    double span = (b - a) / step;
    if (span > CS_VALRANGE_MAX)
        return cs_error_set(err, CS_EINPUT, "'%s' has more than %d values; use a larger step",
                            spec, CS_VALRANGE_MAX);
    size_t n = (size_t)floor(span + 1e-9) + 1;
    cs_status st = alloc_values(r, n, err);
    if (st != CS_OK) return st;
    r->unit = u;
    for (size_t i = 0; i < n; i++) {
        double x = a + (double)i * step;
        if (i + 1 == n && fabs(x - b) < 1e-9 * step) x = b;   /* the end exactly as written */
        char buf[64];
        cs_valrange_format(&u, x, buf, sizeof buf);
        r->text[i] = strdup(buf);
        if (!r->text[i]) return cs_error_set(err, CS_ENOMEM, "out of memory");
        /* The number as it will be read back (the text is what the loader sees). */
        if (u.kind == CS_VAL_NUMBER) {
            parts p = split(buf, strlen(buf));
            r->x[i] = p.ok ? p.x : x;
        } else {
            r->x[i] = x;
        }
    }
    return CS_OK;
}

cs_status cs_valrange_parse(const char *spec, cs_valrange *r, cs_error *err)
{
    memset(r, 0, sizeof *r);
    const char *dots = strstr(spec, "..");
    /* ".." inside braces or quotes is part of a text value, not a range. */
    if (dots && !strpbrk(spec, "{[\"',")) return parse_range(spec, dots, r, err);
    return parse_list(spec, r, err);
}
