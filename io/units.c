/* Quantities with units: parsing (formatting is in io/units_format.c).  See io/units.h for the
 * accepted forms.
 *
 * How numbers are read.  We do not use strtod(): its decimal point follows the C locale of the
 * process, and a plotting or GUI library calling setlocale() would make "1.5h" fail in a
 * German locale.  Instead scan_number() keeps up to 19 significant digits as an integer
 * mantissa plus a power of ten, and the sum of the parts of a quantity ("1h30m", the week,
 * day and time of an instant) is kept as one exact integer over 10^k (struct uacc).  When
 * that integer and the divisor fit in 53 bits the result is a single IEEE division of two
 * exact doubles, i.e. the double nearest the decimal written.  That is what makes
 * "90%" == "0.9" and parse(format(x)) == x hold exactly, which tests and golden files rely on.
 * Otherwise (very long numbers) we fall back to ordinary double arithmetic, which is accurate
 * to a few ulps and detects overflow as infinity.
 *
 * All character classes are ASCII comparisons for the same locale reason (isdigit/isalpha/
 * tolower depend on LC_CTYPE).  Each scanner looks at *p before moving past it, so nothing is
 * read beyond the terminating NUL. */
#include "io/units_int.h"

/* ---------------------------------------------------------------- characters and words */

static bool u_digit(char c) { return c >= '0' && c <= '9'; }
static bool u_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool u_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static const char *u_skip(const char *p)
{
    while (u_space(*p))
        p++;
    return p;
}

static int u_snip(size_t len) { return (int)(len < CS_UNITS_SNIP ? len : CS_UNITS_SNIP); }

/* Reads a run of ASCII letters at *pp, lower-cased into word.  A run too long for word leaves
 * word empty (it cannot be a unit or a day name) but is still consumed and its length
 * returned, so the caller can quote it. */
static size_t u_word(const char **pp, char word[CS_UNITS_WORD])
{
    const char *p = *pp;
    size_t len = 0;
    while (u_alpha(p[len]))
        len++;
    if (len < CS_UNITS_WORD) {
        for (size_t i = 0; i < len; i++)
            word[i] = cs_text_lower(p[i]);
        word[len] = '\0';
    } else {
        word[0] = '\0';
    }
    *pp = p + len;
    return len;
}

/* ---------------------------------------------------------------- exact decimals */

/* A decimal as written: mant * 10^exp10, with the text it came from. */
struct unum {
    uint64_t mant;
    int exp10;
    bool frac;          /* it had a decimal point */
    const char *beg, *end;
};

/* Scans digits [ '.' digits ] or '.' digits at *pp.  Returns false, without moving, if there
 * is no number there.  Leading zeros do not use up significant digits; digits beyond the 19th
 * are dropped (integer part: counted into the exponent), which costs less than a double's
 * own rounding. */
static bool scan_number(const char **pp, struct unum *n)
{
    const char *p = *pp;
    uint64_t mant = 0;
    int sig = 0, drop = 0, scale = 0;
    bool any = false, frac = false;

    while (u_digit(*p)) {
        unsigned d = (unsigned)(*p - '0');
        any = true;
        if (mant == 0 && d == 0) {
            /* leading zero */
        } else if (sig < CS_UNITS_MAXDIG) {
            mant = mant * 10 + d;
            sig++;
        } else if (drop < CS_UNITS_MAXEXP) {
            drop++;
        }
        p++;
    }
    /* A dot counts only when a digit follows, so "5." leaves the dot for the caller to
     * report and "7.30" can be recognised as a mistyped time. */
    if (*p == '.' && u_digit(p[1])) {
        frac = true;
        any = true;
        p++;
        while (u_digit(*p)) {
            unsigned d = (unsigned)(*p - '0');
            if (sig < CS_UNITS_MAXDIG && drop == 0 && scale < CS_UNITS_MAXEXP) {
                mant = mant * 10 + d;
                scale++;
                if (mant != 0)
                    sig++;
            }
            p++;
        }
    }
    if (!any)
        return false;
    n->mant = mant;
    n->exp10 = drop - scale;
    n->frac = frac;
    n->beg = *pp;
    n->end = p;
    *pp = p;
    return true;
}

static bool mul_u64(uint64_t a, uint64_t b, uint64_t *r)
{
    if (a != 0 && b > UINT64_MAX / a)
        return false;
    *r = a * b;
    return true;
}

/* 10^e for e >= 0. */
static double pow10_d(int e)
{
    /* Powers of ten up to 10^22 are exact doubles; the table makes them exact products. */
    static const double tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (e <= 22)
        return tab[e];
    return pow(10.0, (double)e);
}

/* A sum of decimal terms, kept exactly as n / 10^k while it fits, and also as a plain double
 * for when it does not. */
struct uacc {
    uint64_t n;
    int k;
    bool exact;
    double approx;
};

static struct uacc acc_zero(void)
{
    struct uacc a = {0, 0, true, 0.0};
    return a;
}

/* Adds mant * 10^exp10 * mul. */
static void acc_add(struct uacc *a, uint64_t mant, int exp10, uint64_t mul)
{
    uint64_t t, n;
    int kt, kk;

    if (mant == 0 || mul == 0)
        return;
    /* Dividing by 10^-e rather than multiplying by its inexact reciprocal keeps the
     * fallback exact in simple cases such as 10^18 / 10^18. */
    if (exp10 >= 0)
        a->approx += (double)mant * (double)mul * pow10_d(exp10);
    else
        a->approx += (double)mant * (double)mul / pow10_d(-exp10);
    if (!a->exact)
        return;
    if (!mul_u64(mant, mul, &t)) {
        a->exact = false;
        return;
    }
    kt = -exp10;
    if (kt < 0) {
        if (-kt > CS_UNITS_MAXDIG || !mul_u64(t, pow10_u64[-kt], &t)) {
            a->exact = false;
            return;
        }
        kt = 0;
    }
    if (kt > CS_UNITS_MAXDIG) {
        a->exact = false;
        return;
    }
    kk = a->k > kt ? a->k : kt;
    n = a->n;
    if (!mul_u64(n, pow10_u64[kk - a->k], &n) || !mul_u64(t, pow10_u64[kk - kt], &t) ||
        n > UINT64_MAX - t) {
        a->exact = false;
        return;
    }
    a->n = n + t;
    a->k = kk;
}

/* The sum divided by div (a unit length in seconds, for rates), rounded once if it can be. */
static double acc_value(const struct uacc *a, uint64_t div)
{
    if (a->exact && a->n <= CS_UNITS_EXACT_MAX) {
        uint64_t d;
        if (div == 1)
            return (double)a->n / pow10_d(a->k);
        if (mul_u64(pow10_u64[a->k], div, &d) && d <= CS_UNITS_EXACT_MAX)
            return (double)a->n / (double)d;
    }
    return a->approx / (double)div;
}

/* The exact decimal text of mant * 10^exp10, for hints ("write 0.125"). */
static void dec_text(uint64_t mant, int exp10, char *out, size_t n) /* n > 0 */
{
    char dig[24];
    int nd = snprintf(dig, sizeof dig, "%llu", (unsigned long long)mant);
    char tmp[96];
    size_t j = 0;

    if (nd < 0 || exp10 > 20 || exp10 < -40) {
        snprintf(out, n, "?");
        return;
    }
    if (exp10 >= 0) {
        memcpy(tmp, dig, (size_t)nd);
        j = (size_t)nd;
        for (int i = 0; i < exp10 && mant != 0; i++)
            tmp[j++] = '0';
    } else {
        int point = nd + exp10; /* digits before the point */
        if (point <= 0) {
            tmp[j++] = '0';
            tmp[j++] = '.';
            for (int i = 0; i < -point; i++)
                tmp[j++] = '0';
            memcpy(tmp + j, dig, (size_t)nd);
            j += (size_t)nd;
        } else {
            memcpy(tmp, dig, (size_t)point);
            j = (size_t)point;
            tmp[j++] = '.';
            memcpy(tmp + j, dig + point, (size_t)(nd - point));
            j += (size_t)(nd - point);
        }
        while (tmp[j - 1] == '0')
            j--;
        if (tmp[j - 1] == '.')
            j--;
    }
    if (j >= n)
        j = n - 1;
    memcpy(out, tmp, j);
    out[j] = '\0';
}

/* ---------------------------------------------------------------- messages */

static void why_set(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why_set(char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, CS_UNITS_WHY, fmt, ap);
    va_end(ap);
}

static bool is_blank(const char *s) { return *u_skip(s) == '\0'; }

/* Builds "expected <what>, got '<s>': <why>".  The input is quoted verbatim (control bytes as
 * '?', long inputs cut) so the planner can find it in the file. */
static cs_status fail(cs_error *err, const char *what, const char *s, const char *why)
{
    char q[CS_UNITS_QUOTE + 4];
    size_t i;

    if (is_blank(s))
        return cs_error_set(err, CS_EINPUT, "expected %s, got an empty value", what);
    for (i = 0; s[i] != '\0' && i < CS_UNITS_QUOTE; i++) {
        unsigned char c = (unsigned char)s[i];
        q[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    q[i] = '\0';
    if (s[i] != '\0')
        strcat(q, "...");
    return cs_error_set(err, CS_EINPUT, "expected %s, got '%s'%s%s", what, q,
                        why[0] ? ": " : "", why);
}

/* Explains a character that cannot be where it is. */
static void why_char(char *why, const char *p, const char *context)
{
    unsigned char c = (unsigned char)*p;
    if (c == ',')
        why_set(why, "',' is not allowed: write decimals with a dot (1.5) and numbers "
                     "without thousands separators");
    else if (c == '-')
        why_set(why, "%s cannot be negative", context);
    else if (c < 0x20 || c >= 0x7f)
        why_set(why, "unexpected byte 0x%02x", (unsigned)c);
    else
        why_set(why, "unexpected '%c'", (char)c);
}

/* ---------------------------------------------------------------- units */

struct unit {
    const char *name;
    int rank;      /* order of size, for "largest to smallest" */
    uint64_t mul;  /* seconds per unit, times 10^exp10 */
    int exp10;
};

static const struct unit dur_units[] = {
    {"ms", 0, 1, -3},      {"msec", 0, 1, -3},    {"msecs", 0, 1, -3},
    {"millisecond", 0, 1, -3}, {"milliseconds", 0, 1, -3},
    {"s", 1, 1, 0},        {"sec", 1, 1, 0},      {"secs", 1, 1, 0},
    {"second", 1, 1, 0},   {"seconds", 1, 1, 0},
    {"m", 2, 60, 0},       {"min", 2, 60, 0},     {"mins", 2, 60, 0},
    {"minute", 2, 60, 0},  {"minutes", 2, 60, 0},
    {"h", 3, 3600, 0},     {"hr", 3, 3600, 0},    {"hrs", 3, 3600, 0},
    {"hour", 3, 3600, 0},  {"hours", 3, 3600, 0},
    {"d", 4, 86400, 0},    {"day", 4, 86400, 0},  {"days", 4, 86400, 0},
    {"w", 5, 604800, 0},   {"wk", 5, 604800, 0},  {"wks", 5, 604800, 0},
    {"week", 5, 604800, 0}, {"weeks", 5, 604800, 0},
};

static const char *const rank_short[] = {"ms", "s", "m", "h", "d", "w"};

static const struct unit *unit_find(const char *word)
{
    for (size_t i = 0; i < sizeof dur_units / sizeof dur_units[0]; i++)
        if (strcmp(word, dur_units[i].name) == 0)
            return &dur_units[i];
    return NULL;
}

/* Units a planner might reach for that have no fixed length. */
static const char *calendar_hint(const char *word)
{
    if (!strcmp(word, "mo") || !strcmp(word, "mon") || !strcmp(word, "month") ||
        !strcmp(word, "months"))
        return ": months have no fixed length, write 4w or 30d";
    if (!strcmp(word, "y") || !strcmp(word, "yr") || !strcmp(word, "yrs") ||
        !strcmp(word, "year") || !strcmp(word, "years"))
        return ": years are not a unit here, write 52w or 365d";
    return "";
}

/* The same for the unit of a rate, where "/365d" is not a rate: a yearly or monthly volume
 * belongs in arrivals, which spreads it over the calendar. */
static const char *calendar_rate_hint(const char *word)
{
    if (!strcmp(word, "mo") || !strcmp(word, "mon") || !strcmp(word, "month") ||
        !strcmp(word, "months"))
        return ": months have no fixed length; give a monthly volume as arrivals: {per_month: "
               "N} or a rate per day or week";
    if (!strcmp(word, "y") || !strcmp(word, "yr") || !strcmp(word, "yrs") ||
        !strcmp(word, "year") || !strcmp(word, "years"))
        return ": a year has no fixed length; give a yearly volume as arrivals: {per_year: N} "
               "or a rate per day or week";
    return "";
}

static const char *const day_short[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const day_long[7] = {"monday", "tuesday", "wednesday", "thursday",
                                        "friday", "saturday", "sunday"};
const char *const csi_units_day_name[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static int weekday_find(const char *word)
{
    for (int i = 0; i < 7; i++)
        if (!strcmp(word, day_short[i]) || !strcmp(word, day_long[i]))
            return i;
    return -1;
}

/* ---------------------------------------------------------------- durations */

static const char dur_what[] =
    "a duration such as 45s, 3m, 1h30m or 2d (units ms, s, m or min, h, d, w)";

/* Parses the whole of s as a duration.  On failure writes the reason to why. */
static bool dur_parse(const char *s, double *out, char *why)
{
    const char *p = u_skip(s);
    const char *first = p;
    struct uacc a = acc_zero();
    int last_rank = 6, parts = 0;
    bool prev_frac = false;
    double v;

    for (;;) {
        struct unum n;
        char word[CS_UNITS_WORD];
        const char *wbeg;
        const struct unit *u;
        size_t wlen;

        if (*p == '-') {
            why_set(why, "a duration cannot be negative");
            return false;
        }
        if (!scan_number(&p, &n)) {
            if (parts == 0)
                why_set(why, "a duration starts with a number, as in 45s");
            else if (u_alpha(*p))
                why_set(why, "unexpected text '%.*s' (each unit needs a number in front)",
                        u_snip(strlen(p)), p);
            else
                why_char(why, p, "a duration");
            return false;
        }
        p = u_skip(p);
        if (!u_alpha(*p)) {
            size_t nl = (size_t)(n.end - n.beg);
            if (parts == 0 && *p == '\0' && n.mant == 0) {
                *out = 0.0;
                return true;
            }
            if (parts == 0 && (*p == '\0' || u_digit(*p))) {
                why_set(why, "the number has no unit: write %.*ss, %.*sm or %.*sh",
                        u_snip(nl), n.beg, u_snip(nl), n.beg, u_snip(nl), n.beg);
            } else if (*p == '\0' || u_digit(*p)) {
                if (last_rank > 0)
                    why_set(why, "the number '%.*s' has no unit: write %.*s%s",
                            u_snip(nl), n.beg, u_snip((size_t)(n.end - first)), first,
                            rank_short[last_rank - 1]);
                else
                    why_set(why, "the number '%.*s' has no unit", u_snip(nl), n.beg);
            } else if (*p == ':') {
                why_set(why, "hh:mm is only for times of day; for a duration write 1m30s or "
                             "1h30m");
            } else if (*p == '.') {
                why_set(why, "a decimal point must be followed by a digit, as in 1.5h");
            } else {
                why_char(why, p, "a duration");
            }
            return false;
        }
        wbeg = p;
        wlen = u_word(&p, word);
        u = unit_find(word);
        if (!u) {
            why_set(why, "unknown unit '%.*s'%s", u_snip(wlen), wbeg, calendar_hint(word));
            return false;
        }
        if (u->rank >= last_rank) {
            why_set(why, "units must go from largest to smallest, each at most once "
                         "(write 1h30m, not 30m1h or 1m30m)");
            return false;
        }
        if (prev_frac) {
            why_set(why, "only the last part may have a fraction (write 1h30m, not "
                         "1.5h30m)");
            return false;
        }
        acc_add(&a, n.mant, n.exp10 + u->exp10, u->mul);
        last_rank = u->rank;
        prev_frac = n.frac;
        parts++;
        p = u_skip(p);
        if (*p == '\0')
            break;
    }
    v = acc_value(&a, 1);
    if (!isfinite(v)) {
        why_set(why, "the value is too large");
        return false;
    }
    *out = v;
    return true;
}

cs_status cs_units_parse_duration(const char *s, double *seconds, cs_error *err)
{
    char why[CS_UNITS_WHY] = "";
    double v;
    CS_REQUIRE(s != NULL && seconds != NULL);
    if (!dur_parse(s, &v, why))
        return fail(err, dur_what, s, why);
    *seconds = v;
    return CS_OK;
}

/* ---------------------------------------------------------------- rates */

static const char rate_what[] = "a rate such as 120/h, 2200/day or 2/s";

cs_status cs_units_parse_rate(const char *s, double *per_second, cs_error *err)
{
    char why[CS_UNITS_WHY] = "";
    char word[CS_UNITS_WORD];
    const char *p, *wbeg;
    const struct unit *u;
    struct unum n;
    struct uacc a = acc_zero();
    size_t wlen, nl;
    double v;

    CS_REQUIRE(s != NULL && per_second != NULL);
    p = u_skip(s);
    if (*p == '-') {
        why_set(why, "a rate cannot be negative");
        return fail(err, rate_what, s, why);
    }
    if (!scan_number(&p, &n)) {
        why_set(why, "a rate starts with a number, as in 120/h");
        return fail(err, rate_what, s, why);
    }
    nl = (size_t)(n.end - n.beg);
    p = u_skip(p);
    if (*p == '\0') {
        if (n.mant == 0) { /* zero is zero in every unit */
            *per_second = 0.0;
            return CS_OK;
        }
        why_set(why, "the number has no time unit: write %.*s/h (per hour), %.*s/day or "
                     "%.*s/s", u_snip(nl), n.beg, u_snip(nl), n.beg, u_snip(nl), n.beg);
        return fail(err, rate_what, s, why);
    }
    if (*p == '/') {
        p = u_skip(p + 1);
    } else if (u_alpha(*p)) {
        wbeg = p;
        wlen = u_word(&p, word);
        if (strcmp(word, "per") != 0) {
            u = unit_find(word);
            if (u)
                why_set(why, "a rate needs a slash: write %.*s/%.*s", u_snip(nl), n.beg,
                        u_snip(wlen), wbeg);
            else
                why_set(why, "unexpected '%.*s' after the number (write %.*s/h)",
                        u_snip(wlen), wbeg, u_snip(nl), n.beg);
            return fail(err, rate_what, s, why);
        }
        p = u_skip(p);
    } else {
        why_char(why, p, "a rate");
        return fail(err, rate_what, s, why);
    }
    if (!u_alpha(*p)) {
        why_set(why, "a time unit must follow the '/' or 'per', as in %.*s/h", u_snip(nl),
                n.beg);
        return fail(err, rate_what, s, why);
    }
    wbeg = p;
    wlen = u_word(&p, word);
    u = unit_find(word);
    if (!u) {
        why_set(why, "unknown time unit '%.*s' (use s, min, h, day or week)%s", u_snip(wlen),
                wbeg, calendar_rate_hint(word));
        return fail(err, rate_what, s, why);
    }
    p = u_skip(p);
    if (*p != '\0') {
        why_set(why, "unexpected text '%.*s' after the rate", u_snip(strlen(p)), p);
        return fail(err, rate_what, s, why);
    }
    /* n per (mul * 10^exp10) seconds. */
    acc_add(&a, n.mant, n.exp10 - u->exp10, 1);
    v = acc_value(&a, u->mul);
    if (!isfinite(v)) {
        why_set(why, "the value is too large");
        return fail(err, rate_what, s, why);
    }
    *per_second = v;
    return CS_OK;
}

/* ---------------------------------------------------------------- shares, multipliers */

static const char share_what[] = "a share between 0 and 1 (0% to 100%) such as 90% or 0.9";

cs_status cs_units_parse_share(const char *s, double *fraction, cs_error *err)
{
    char why[CS_UNITS_WHY] = "";
    const char *p;
    struct unum n;
    struct uacc a = acc_zero();
    bool pct = false;
    size_t nl;
    double v;

    CS_REQUIRE(s != NULL && fraction != NULL);
    p = u_skip(s);
    if (*p == '-') {
        why_set(why, "a share cannot be negative; it must be between 0 and 1 (0%% to 100%%)");
        return fail(err, share_what, s, why);
    }
    if (!scan_number(&p, &n)) {
        why_set(why, "a share is a number, as in 90%% or 0.9");
        return fail(err, share_what, s, why);
    }
    nl = (size_t)(n.end - n.beg);
    p = u_skip(p);
    if (*p == '%') {
        pct = true;
        p = u_skip(p + 1);
    }
    if (*p != '\0') {
        if (*p == ',' || *p == '-')
            why_char(why, p, "a share");
        else
            why_set(why, "unexpected text '%.*s' after the number (write %.*s%% or a "
                         "fraction such as 0.9)", u_snip(strlen(p)), p, u_snip(nl), n.beg);
        return fail(err, share_what, s, why);
    }
    acc_add(&a, n.mant, n.exp10 - (pct ? 2 : 0), 1);
    v = acc_value(&a, 1);
    if (!(v <= 1.0)) { /* also catches an infinite value */
        if (!pct && v <= 100.0) {
            char hundredth[48];
            dec_text(n.mant, n.exp10 - 2, hundredth, sizeof hundredth);
            why_set(why, "%.*s is more than 1: write %.*s%% or %s", u_snip(nl), n.beg,
                    u_snip(nl), n.beg, hundredth);
        } else {
            why_set(why, "%s is above the range 0 to 1 (0%% to 100%%)",
                    pct ? "the percentage" : "the value");
        }
        return fail(err, share_what, s, why);
    }
    *fraction = v;
    return CS_OK;
}

static const char mult_what[] = "a multiplier greater than 0 such as 1.3, x1.3 or 130%";

cs_status cs_units_parse_multiplier(const char *s, double *factor, cs_error *err)
{
    char why[CS_UNITS_WHY] = "";
    const char *p;
    struct unum n;
    struct uacc a = acc_zero();
    bool xpre = false, pct = false;
    double v;

    CS_REQUIRE(s != NULL && factor != NULL);
    p = u_skip(s);
    if (*p == 'x' || *p == 'X') {
        xpre = true;
        p = u_skip(p + 1);
    }
    if (*p == '-') {
        why_set(why, "a multiplier cannot be negative (1 means unchanged)");
        return fail(err, mult_what, s, why);
    }
    if (!scan_number(&p, &n)) {
        why_set(why, "a multiplier is a number, as in 1.3");
        return fail(err, mult_what, s, why);
    }
    p = u_skip(p);
    if (*p == '%') {
        if (xpre) {
            why_set(why, "write either x1.3 or 130%%, not both");
            return fail(err, mult_what, s, why);
        }
        pct = true;
        p = u_skip(p + 1);
    } else if (*p == 'x' || *p == 'X') {
        if (xpre) {
            why_set(why, "write the x on one side only (x1.3 or 1.3x)");
            return fail(err, mult_what, s, why);
        }
        p = u_skip(p + 1);
    }
    if (*p != '\0') {
        if (*p == ',')
            why_char(why, p, "a multiplier");
        else
            why_set(why, "unexpected text '%.*s'", u_snip(strlen(p)), p);
        return fail(err, mult_what, s, why);
    }
    acc_add(&a, n.mant, n.exp10 - (pct ? 2 : 0), 1);
    v = acc_value(&a, 1);
    if (!isfinite(v)) {
        why_set(why, "the value is too large");
        return fail(err, mult_what, s, why);
    }
    if (!(v > 0.0)) {
        why_set(why, "a multiplier must be greater than 0 (1 means unchanged)");
        return fail(err, mult_what, s, why);
    }
    *factor = v;
    return CS_OK;
}

/* ---------------------------------------------------------------- times of day */

static const char tod_what[] = "a time of day hh:mm such as 07:00, 23:45 or 24:00";

/* Reads exactly two digits at *pp into *v. */
static bool two_digits(const char **pp, long *v)
{
    const char *p = *pp;
    if (!u_digit(p[0]) || !u_digit(p[1]) || u_digit(p[2]))
        return false;
    *v = (p[0] - '0') * 10 + (p[1] - '0');
    *pp = p + 2;
    return true;
}

/* Scans H:MM[:SS[.fff]] at *pp and adds its seconds to a. */
static bool tod_scan(const char **pp, struct uacc *a, char *why)
{
    const char *p = *pp;
    long h = 0, m = 0, sec = 0;
    int hd = 0;
    struct unum frac = {0, 0, false, NULL, NULL};

    if (*p == '-') {
        why_set(why, "a time of day cannot be negative");
        return false;
    }
    while (u_digit(*p) && hd < 3) {
        h = h * 10 + (*p - '0');
        hd++;
        p++;
    }
    if (hd == 0) {
        why_set(why, "a time of day starts with the hour, as in 07:00");
        return false;
    }
    if (hd > 2) {
        why_set(why, "the hour has more than two digits; write hh:mm, as in 07:00");
        return false;
    }
    if (*p == '.' || *p == ',' || *p == 'h' || *p == 'H') {
        if (u_digit(p[1]) && u_digit(p[2]) && !u_digit(p[3]))
            why_set(why, "use a colon between hours and minutes: write %02ld:%c%c", h, p[1],
                    p[2]);
        else
            why_set(why, "use a colon between hours and minutes, as in 07:30");
        return false;
    }
    if (*p != ':') {
        if (*p == '\0' || u_space(*p))
            why_set(why, "minutes are missing: write %02ld:00", h);
        else if (u_alpha(*p))
            why_set(why, "use the 24-hour clock hh:mm, as in 07:00 or 19:00");
        else
            why_char(why, p, "a time of day");
        return false;
    }
    p++;
    if (!two_digits(&p, &m)) {
        why_set(why, "minutes need exactly two digits, as in 07:05");
        return false;
    }
    if (*p == ':') {
        p++;
        if (!two_digits(&p, &sec)) {
            why_set(why, "seconds need exactly two digits, as in 07:30:05");
            return false;
        }
        if (*p == '.') {
            if (!scan_number(&p, &frac)) {
                why_set(why, "a decimal point must be followed by a digit, as in 07:30:05.5");
                return false;
            }
        }
    }
    if (h > 24) {
        why_set(why, "hour %ld is out of range: hours go from 00 to 23 (24:00 is the end of "
                     "the day)", h);
        return false;
    }
    if (m > 59) {
        why_set(why, "minute %02ld is out of range 00 to 59", m);
        return false;
    }
    if (sec > 59) {
        why_set(why, "second %02ld is out of range 00 to 59", sec);
        return false;
    }
    if (h == 24 && (m != 0 || sec != 0 || frac.mant != 0)) {
        why_set(why, "24:00 (end of the day) is the latest time; the day after starts at "
                     "00:00");
        return false;
    }
    acc_add(a, (uint64_t)(h * 3600 + m * 60 + sec), 0, 1);
    acc_add(a, frac.mant, frac.exp10, 1);
    *pp = p;
    return true;
}

/* After a complete value: only blanks may follow. */
static bool at_end(const char *p, char *why, const char *context)
{
    char word[CS_UNITS_WORD];
    const char *q;
    p = u_skip(p);
    if (*p == '\0')
        return true;
    q = p;
    u_word(&q, word);
    if (!strcmp(word, "am") || !strcmp(word, "pm"))
        why_set(why, "use the 24-hour clock without am/pm, as in 19:00");
    else
        why_set(why, "unexpected text '%.*s' after %s", u_snip(strlen(p)), p, context);
    return false;
}

cs_status cs_units_parse_time_of_day(const char *s, double *seconds, cs_error *err)
{
    char why[CS_UNITS_WHY] = "";
    const char *p;
    struct uacc a = acc_zero();

    CS_REQUIRE(s != NULL && seconds != NULL);
    p = u_skip(s);
    if (!tod_scan(&p, &a, why) || !at_end(p, why, "the time"))
        return fail(err, tod_what, s, why);
    *seconds = acc_value(&a, 1);
    return CS_OK;
}

/* ---------------------------------------------------------------- weekdays, instants */

static const char wd_what[] = "a weekday such as Mon or Monday";

cs_status cs_units_parse_weekday(const char *s, int *monday0, cs_error *err)
{
    char why[CS_UNITS_WHY] = "";
    char word[CS_UNITS_WORD];
    const char *p;
    int d;

    CS_REQUIRE(s != NULL && monday0 != NULL);
    p = u_skip(s);
    if (u_word(&p, word) == 0) {
        why_set(why, "weekdays are names (Mon to Sun), not numbers");
        return fail(err, wd_what, s, why);
    }
    d = weekday_find(word);
    if (d < 0) {
        why_set(why, "use Mon, Tue, Wed, Thu, Fri, Sat, Sun or the full name");
        return fail(err, wd_what, s, why);
    }
    if (!at_end(p, why, "the weekday"))
        return fail(err, wd_what, s, why);
    *monday0 = d;
    return CS_OK;
}

static const char inst_what[] =
    "a point in the run such as 'Fri 18:00', 'week 2 Fri 18:00', 'day 5 18:00' or '4d18h'";

/* Reads a week or day number (1, 2, ...) at *pp. */
static bool ordinal(const char **pp, uint64_t *v, const char *what, char *why)
{
    const char *p = *pp;
    uint64_t n = 0;
    if (!u_digit(*p)) {
        why_set(why, "'%s' must be followed by its number, counted from 1, as in '%s'", what,
                !strcmp(what, "week") ? "week 2 Fri 18:00" : "day 5 18:00");
        return false;
    }
    while (u_digit(*p)) {
        if (n < 1000000000)
            n = n * 10 + (uint64_t)(*p - '0');
        else
            n = 1000000001; /* saturate: anything this large is refused below */
        p++;
    }
    if (n == 0) {
        why_set(why, "%ss are counted from 1 (%s 1 is the first)", what, what);
        return false;
    }
    if (n > 1000000000) {
        why_set(why, "the %s number is too large", what);
        return false;
    }
    *v = n;
    *pp = p;
    return true;
}

static bool instant_parse(const char *s, double *out, char *why)
{
    const char *p = u_skip(s);
    char word[CS_UNITS_WORD];
    struct uacc a = acc_zero();
    const char *wbeg;
    size_t wlen;
    int d;

    if (u_digit(*p) || *p == '.' || *p == '-') {
        char dwhy[CS_UNITS_WHY] = "";
        if (dur_parse(s, out, dwhy))
            return true;
        if (strchr(p, ':') && *p != '-')
            why_set(why, "a time alone does not say which day: write 'Mon %.*s' or "
                         "'day 1 %.*s'", u_snip(strlen(p)), p, u_snip(strlen(p)), p);
        else if (*p == '-')
            why_set(why, "a point in the run cannot be negative");
        else
            why_set(why, "as a duration offset: %s", dwhy);
        return false;
    }
    wbeg = p;
    wlen = u_word(&p, word);
    if (wlen == 0) {
        why_char(why, p, "a point in the run");
        return false;
    }
    if (!strcmp(word, "week")) {
        uint64_t wk;
        p = u_skip(p);
        if (!ordinal(&p, &wk, "week", why))
            return false;
        acc_add(&a, wk - 1, 0, 604800);
        p = u_skip(p);
        u_word(&p, word);
        d = weekday_find(word);
        if (d < 0) {
            why_set(why, "after 'week N' give a weekday and a time, as in 'week 2 Fri 18:00'");
            return false;
        }
        acc_add(&a, (uint64_t)d, 0, 86400);
    } else if (!strcmp(word, "day")) {
        uint64_t dn;
        const char *q;
        p = u_skip(p);
        if (!ordinal(&p, &dn, "day", why))
            return false;
        q = p;
        p = u_skip(p);
        if (p == q && *p != '\0') {
            why_set(why, "put a space between the day number and the time, as in "
                         "'day 5 18:00'");
            return false;
        }
        acc_add(&a, dn - 1, 0, 86400);
    } else {
        d = weekday_find(word);
        if (d < 0) {
            why_set(why, "'%.*s' is not a weekday (Mon to Sun), 'week' or 'day'",
                    u_snip(wlen), wbeg);
            return false;
        }
        acc_add(&a, (uint64_t)d, 0, 86400);
    }
    p = u_skip(p);
    if (*p == '\0') {
        why_set(why, "a time of day is missing, as in 'Fri 18:00' (use 00:00 for the start "
                     "of the day)");
        return false;
    }
    {
        char twhy[CS_UNITS_WHY] = "";
        if (!tod_scan(&p, &a, twhy)) {
            why_set(why, "in the time of day: %s", twhy);
            return false;
        }
    }
    if (!at_end(p, why, "the time"))
        return false;
    *out = acc_value(&a, 1);
    return true;
}

cs_status cs_units_parse_instant(const char *s, double *seconds, cs_error *err)
{
    char why[CS_UNITS_WHY] = "";
    double v;
    CS_REQUIRE(s != NULL && seconds != NULL);
    if (!instant_parse(s, &v, why))
        return fail(err, inst_what, s, why);
    *seconds = v;
    return CS_OK;
}

/* ---------------------------------------------------------------- counts */

cs_status cs_units_parse_count(const char *s, long min, long max, long *out, cs_error *err)
{
    char what[128];
    char why[CS_UNITS_WHY] = "";
    const char *p;
    unsigned long v = 0;
    bool over = false;

    CS_REQUIRE(s != NULL && out != NULL && 0 <= min && min <= max);
    if (max == LONG_MAX)
        snprintf(what, sizeof what, "a whole number of at least %ld, such as %ld", min,
                 min > 10 ? min : 10);
    else
        snprintf(what, sizeof what, "a whole number from %ld to %ld, such as %ld", min, max,
                 (min <= 10 && 10 <= max) ? 10 : min);

    p = u_skip(s);
    if (*p == '-') {
        why_set(why, "a count cannot be negative");
        return fail(err, what, s, why);
    }
    if (!u_digit(*p)) {
        why_set(why, "a count is written with digits only");
        return fail(err, what, s, why);
    }
    while (u_digit(*p)) {
        unsigned long d = (unsigned long)(*p - '0');
        if (v > ((unsigned long)LONG_MAX - d) / 10)
            over = true;
        else
            v = v * 10 + d;
        p++;
    }
    if (*p == '.') {
        why_set(why, "a count must be a whole number");
        return fail(err, what, s, why);
    }
    if (*p == ',' || *p == '_' || *p == '\'') {
        why_set(why, "write the digits without separators, as in 1000");
        return fail(err, what, s, why);
    }
    p = u_skip(p);
    if (*p != '\0') {
        why_set(why, "unexpected text '%.*s' after the number (a count has no unit)",
                u_snip(strlen(p)), p);
        return fail(err, what, s, why);
    }
    if (over || (long)v > max) {
        why_set(why, "above the maximum %ld", max);
        return fail(err, what, s, why);
    }
    if ((long)v < min) {
        why_set(why, "below the minimum %ld", min);
        return fail(err, what, s, why);
    }
    *out = (long)v;
    return CS_OK;
}

/* ---------------------------------------------------------------- seeds */

/* The one reading of a seed, for the scenario's `seed:` and the --seed flag: decimal digits
 * only (no blank, sign, fraction or separator) and at most 2^64 - 1, never clamped. */
cs_status cs_units_parse_seed(const char *s, uint64_t *out, cs_error *err)
{
    const char *what = "a seed: a whole number from 0 to 18446744073709551615";
    char why[CS_UNITS_WHY] = "";
    uint64_t x = 0;

    CS_REQUIRE(s != NULL && out != NULL);
    if (*s == '\0')
        return fail(err, what, s, why);
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') {
            if (*p == '-' && p == s)
                why_set(why, "a seed cannot be negative");
            else if (*p == ' ' || *p == '\t')
                why_set(why, "write the digits without blanks");
            else
                why_set(why, "a seed is written with digits only");
            return fail(err, what, s, why);
        }
        if (x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) {
            why_set(why, "above the largest seed, 18446744073709551615 (2^64 - 1)");
            return fail(err, what, s, why);
        }
        x = x * 10 + (uint64_t)(*p - '0');
    }
    *out = x;
    return CS_OK;
}
