/* Small text utilities every layer uses (prefix cs_text_): growable and fixed string
 * buffers, UTF-8 validation, ASCII character classes, and number formatting that does not
 * depend on the locale.
 *
 * Why in sim/.  The layering (README "Architecture") lets every layer include sim/ and lets
 * sim/ include only libc and GSL; this module needs only libc.  It sits beside sim/status
 * (cs_status, cs_error), the other helper every layer shares, rather than in a new folder
 * that would be a layer of its own for two files.  The kernel itself does not need it.
 *
 * Locale.  Nothing here depends on LC_CTYPE or LC_NUMERIC: character classes are ASCII
 * comparisons (isdigit/tolower change with LC_CTYPE and are undefined for negative chars), and
 * numbers are written with '.' as the decimal point whatever LC_NUMERIC says, so a CSV or JSON
 * file written under a decimal-comma locale (de_DE) is the same file.  The process locale must
 * not be changed by another thread while a formatter runs (printf/strtod read it).
 *
 * Threads.  No state of its own; a cs_text_buf belongs to one thread at a time. */
#ifndef CS_SIM_TEXT_H
#define CS_SIM_TEXT_H

#include <stddef.h>

/* ---- growable buffer ------------------------------------------------------------------- */

/* A growable NUL-terminated string.  Zero-initialise before use ({0}).  Allocation failure is
 * sticky: `oom` is set, later appends do nothing, and the caller checks once at the end, so
 * code that builds a page or a message reads straight through.  p is NULL until the first
 * append. */
typedef struct cs_text_buf {
    char *p;
    size_t n, cap;   /* length (without the NUL) and allocated size */
    int oom;
} cs_text_buf;

/** @brief Appends n bytes of s (which need not be NUL-terminated). */
void cs_text_putn(cs_text_buf *b, const char *s, size_t n);

/** @brief Appends the string s. */
void cs_text_puts(cs_text_buf *b, const char *s);

/** @brief Appends printf-style text (numbers in the process locale: use the formatters below
 *  for numbers that files must read back). */
void cs_text_printf(cs_text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** @brief Hands the text to the caller (free() it) and leaves *b empty; an empty buffer gives
 *  an allocated "".  NULL when the buffer ran out of memory (or does now). */
char *cs_text_take(cs_text_buf *b);

/** @brief Frees the text and leaves *b empty (oom cleared).  NULL is a no-op. */
void cs_text_free(cs_text_buf *b);

/* ---- fixed buffer ---------------------------------------------------------------------- */

/** @brief Appends printf-style text to buf[0..n) at *len with snprintf's contract: *len counts
 *  the full text even past the end of buf, which stays NUL-terminated (n > 0), so the caller
 *  can report the length needed.  buf may be NULL when n == 0. */
void cs_text_appendf(char *buf, size_t n, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- UTF-8 ----------------------------------------------------------------------------- */

/** @brief Length (1..4) of the well-formed UTF-8 sequence at s (at most n bytes available), or
 *  0 if the bytes there are not one.  Follows Unicode table 3-7: overlong forms, surrogates
 *  encoded as UTF-8, code points above U+10FFFF and truncated sequences are all 0.  A NUL byte
 *  is a sequence of length 1.  *cp (if cp is not NULL) receives the code point. */
size_t cs_text_utf8_len(const char *s, size_t n, unsigned long *cp);

/* ---- ASCII ----------------------------------------------------------------------------- */

static inline int cs_text_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline int cs_text_is_space(int c)   /* space, tab, newline, carriage return */
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline char cs_text_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/** @brief a and b are equal ignoring ASCII case. */
int cs_text_ieq(const char *a, const char *b);

/** @brief The n bytes at a equal the string b ignoring ASCII case (a need not be
 *  NUL-terminated). */
int cs_text_ieq_n(const char *a, size_t n, const char *b);

/* ---- numbers --------------------------------------------------------------------------- */

/** @brief The shortest text that strtod() reads back as exactly x, for data files (CSV, JSON).
 *
 *  '.' is the decimal point whatever the locale; integral values below 1e15 are written as
 *  integers ("42", not "42.0"); other values as printf's %g would, with the fewest significant
 *  digits (1..17) that read back, and a plain exponent ("1e-7", "1.5e300", never "1e+300" or
 *  "1e-07").  Negative zero is written "0" (it reads back equal, and "-0" would be a needless
 *  difference between equal values).  NaN and infinities have no number text: the buffer gets
 *  "" and the return is 0, so the caller writes what its format uses (JSON null, an empty CSV
 *  field).
 *  @return the length of the text (snprintf semantics: at most n bytes are written, NUL
 *  included; 32 bytes always suffice). */
int cs_text_fmt_double(char *buf, size_t n, double x);

#define CS_TEXT_SIGN 1u    /* '+' before values above zero */
#define CS_TEXT_GROUP 2u   /* thousands separated by commas, as in UK official statistics */

/** @brief v with `dec` decimals (0..9) for people to read: "12,345.6", "-0.25", "+3".
 *
 *  Halves round away from zero (16,636.5 -> 16,637 with dec 0); a value that rounds to zero
 *  loses its sign ("0.0", never "-0.0").  NaN and infinities give "-".  Locale-independent.
 *  @return the length of the text (snprintf semantics). */
int cs_text_fmt_fixed(char *buf, size_t n, double v, int dec, unsigned flags);

#endif
