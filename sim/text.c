/* Text utilities; see sim/text.h. */
#include "sim/text.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- growable buffer ------------------------------------------------------------------- */

static int grow(cs_text_buf *b, size_t more)
{
    if (b->oom) return -1;
    if (more > SIZE_MAX - b->n - 1) {
        b->oom = 1;
        return -1;
    }
    size_t need = b->n + more + 1;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    char *q = realloc(b->p, cap);
    if (!q) {
        b->oom = 1;
        return -1;
    }
    b->p = q;
    b->cap = cap;
    return 0;
}

void cs_text_putn(cs_text_buf *b, const char *s, size_t n)
{
    if (grow(b, n) != 0) return;
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void cs_text_puts(cs_text_buf *b, const char *s)
{
    cs_text_putn(b, s, strlen(s));
}

void cs_text_printf(cs_text_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (len < 0) return;
    if ((size_t)len < sizeof tmp) {
        cs_text_putn(b, tmp, (size_t)len);
        return;
    }
    if (grow(b, (size_t)len) != 0) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)len;
}

char *cs_text_take(cs_text_buf *b)
{
    char *p = b->oom ? NULL : b->p ? b->p : strdup("");
    if (b->oom) free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->oom = 0;
    return p;
}

void cs_text_free(cs_text_buf *b)
{
    if (!b) return;
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->oom = 0;
}

/* ---- fixed buffer ---------------------------------------------------------------------- */

void cs_text_appendf(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *dst = *len < n ? buf + *len : NULL;
    size_t room = *len < n ? n - *len : 0;
    int k = vsnprintf(dst, room, fmt, ap);
    va_end(ap);
    if (k > 0) *len += (size_t)k;
}

/* ---- UTF-8 ----------------------------------------------------------------------------- */

size_t cs_text_utf8_len(const char *str, size_t n, unsigned long *cp)
{
    const unsigned char *p = (const unsigned char *)str;
    unsigned char c = p[0];
    unsigned char lo = 0x80, hi = 0xBF;   /* range of the second byte */
    size_t need;
    unsigned long v;
    if (c < 0x80) {
        if (cp) *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        v = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        v = c & 0x0Fu;
        if (c == 0xE0) lo = 0xA0;        /* below is overlong */
        else if (c == 0xED) hi = 0x9F;   /* above is a surrogate */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        v = c & 0x07u;
        if (c == 0xF0) lo = 0x90;        /* below is overlong */
        else if (c == 0xF4) hi = 0x8F;   /* above is beyond U+10FFFF */
    } else {
        return 0;
    }
    if (n < need || p[1] < lo || p[1] > hi) return 0;
    v = (v << 6) | (p[1] & 0x3Fu);
    for (size_t i = 2; i < need; i++) {
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    if (cp) *cp = v;
    return need;
}

/* ---- ASCII ----------------------------------------------------------------------------- */

int cs_text_ieq(const char *a, const char *b)
{
    while (*a && cs_text_lower(*a) == cs_text_lower(*b)) a++, b++;
    return cs_text_lower(*a) == cs_text_lower(*b);
}

int cs_text_ieq_n(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (cs_text_lower(a[i]) != cs_text_lower(b[i])) return 0;
    return 1;
}

/* ---- numbers --------------------------------------------------------------------------- */

/* Rewrites printf's %f or %g output into the canonical form: '.' as the decimal point whatever
 * the locale put there (possibly a multi-byte separator), exponent without '+' and without
 * leading zeros ("1e-07" -> "1e-7", "1e+300" -> "1e300"), so output depends neither on the
 * locale nor on the C library's exponent width.  dst may be raw (the text only shrinks). */
static void canonical(const char *raw, char *dst)
{
    const char *p = raw;
    char *o = dst;
    while (*p && *p != 'e') {
        if (cs_text_is_digit(*p) || *p == '-') {
            *o++ = *p++;
        } else {
            *o++ = '.';
            while (*p && !cs_text_is_digit(*p) && *p != 'e' && *p != '-') p++;
        }
    }
    if (*p == 'e') {
        *o++ = 'e';
        p++;
        if (*p == '+') p++;
        else if (*p == '-') *o++ = *p++;
        while (p[0] == '0' && cs_text_is_digit(p[1])) p++;
        while (cs_text_is_digit(*p)) *o++ = *p++;
    }
    *o = '\0';
}

/* snprintf's return for text already in tmp: copies what fits, returns the full length. */
static int emit(const char *tmp, char *buf, size_t n)
{
    size_t len = strlen(tmp);
    if (n > 0) {
        size_t c = len < n - 1 ? len : n - 1;
        memcpy(buf, tmp, c);
        buf[c] = '\0';
    }
    return (int)len;
}

int cs_text_fmt_double(char *buf, size_t n, double x)
{
    char raw[64], out[64];
    if (!isfinite(x)) return emit("", buf, n);
    if (x == 0) return emit("0", buf, n);   /* also -0 */
    if (fabs(x) < 1e15 && x == floor(x)) {
        snprintf(raw, sizeof raw, "%lld", (long long)x);
        return emit(raw, buf, n);
    }
    /* For a normal double, if some decimal of at most 15 significant digits reads back as x,
     * %.15g prints exactly that decimal (x is within half an ulp, 1.1e-16 relative, of it, far
     * less than half a unit of the 15th digit, and %g drops trailing zeros), so trying 15, 16,
     * 17 finds the shortest.  Subnormals carry fewer digits, so for them every precision is
     * tried.  strtod reads in the same locale as snprintf wrote, so a ',' decimal point is
     * consistent on both sides; canonical() then makes it '.'. */
    int first = fabs(x) < DBL_MIN ? 1 : 15;
    for (int prec = first; prec <= 17; prec++) {
        snprintf(raw, sizeof raw, "%.*g", prec, x);
        if (prec == 17 || strtod(raw, NULL) == x) break;
    }
    canonical(raw, out);
    return emit(out, buf, n);
}

/* True when a formatted number shows only zeros (so "-0.0" can lose its sign). */
static int all_zero(const char *s)
{
    for (; *s; s++)
        if (*s >= '1' && *s <= '9') return 0;
    return 1;
}

int cs_text_fmt_fixed(char *buf, size_t n, double v, int dec, unsigned flags)
{
    char tmp[400], out[520];
    if (dec < 0) dec = 0;
    if (dec > 9) dec = 9;
    if (!isfinite(v)) return emit("-", buf, n);
    /* Halves round away from zero on the scaled value.  Below 1e15 the scaled value is an
     * integer printed with %.0f, which has no decimal point, so no locale can touch it; the
     * point is put in by hand. */
    double p = 1.0;
    for (int i = 0; i < dec; i++) p *= 10.0;
    double scaled = round(fabs(v) * p);
    if (scaled < 1e15) {
        snprintf(tmp, sizeof tmp, "%.0f", scaled);
        if (dec > 0) {
            size_t l = strlen(tmp), d = (size_t)dec;
            while (l < d + 1) {   /* 0.05 -> "5" -> "005" -> "0.05" */
                memmove(tmp + 1, tmp, l + 1);
                tmp[0] = '0';
                l++;
            }
            memmove(tmp + l - d + 1, tmp + l - d, d + 1);
            tmp[l - d] = '.';
        }
    } else {
        snprintf(tmp, sizeof tmp, "%.*f", dec, fabs(v));
        canonical(tmp, tmp);
    }
    const char *pfx = "";
    if (!all_zero(tmp)) pfx = v < 0 ? "-" : (flags & CS_TEXT_SIGN) ? "+" : "";
    const char *dot = strchr(tmp, '.');
    size_t ilen = dot ? (size_t)(dot - tmp) : strlen(tmp);
    size_t o = 0;
    for (const char *q = pfx; *q; q++) out[o++] = *q;
    for (size_t i = 0; i < ilen; i++) {
        out[o++] = tmp[i];
        size_t left = ilen - i - 1;
        if ((flags & CS_TEXT_GROUP) && left > 0 && left % 3 == 0) out[o++] = ',';
    }
    for (const char *q = tmp + ilen; *q && o < sizeof out - 1; q++) out[o++] = *q;
    out[o] = '\0';
    return emit(out, buf, n);
}
