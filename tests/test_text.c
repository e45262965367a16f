/* Tests for sim/text: buffers, UTF-8, ASCII classes and the locale-independent formatters.
 *
 * The number tests compare cs_text_fmt_double with a slow reference (try every precision
 * 1..17 with %.Ng, keep the first that strtod reads back) on random doubles of every kind, in
 * the C locale and again under a decimal-comma locale (de_DE, built by `make check` into
 * LOCPATH; skipped with a message when there is none).  Deterministic: fixed seeds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/text.h"

/* splitmix64: good bit mixing from a tiny state. */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double from_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* Reads a '.' number whatever the current locale (the text must not depend on it). */
static double read_c(const char *s)
{
    char *old = setlocale(LC_NUMERIC, NULL);
    char saved[64];
    snprintf(saved, sizeof saved, "%s", old ? old : "C");
    setlocale(LC_NUMERIC, "C");
    char *end;
    double x = strtod(s, &end);
    assert_true(*end == '\0');
    setlocale(LC_NUMERIC, saved);
    return x;
}

/* The reference: fewest significant digits that read back, as canonical text. */
static void reference(double x, char *out)
{
    char raw[64];
    char *old = setlocale(LC_NUMERIC, NULL);
    char saved[64];
    snprintf(saved, sizeof saved, "%s", old ? old : "C");
    setlocale(LC_NUMERIC, "C");
    if (x == 0) {
        strcpy(out, "0");
    } else if (fabs(x) < 1e15 && x == floor(x)) {
        snprintf(out, 64, "%.0f", x);
    } else {
        for (int p = 1; p <= 17; p++) {
            snprintf(raw, sizeof raw, "%.*g", p, x);
            if (strtod(raw, NULL) == x) break;
        }
        /* canonical exponent: no '+', no leading zeros */
        char *e = strchr(raw, 'e');
        if (e) {
            char mant[40];
            snprintf(mant, sizeof mant, "%.*s", (int)(e - raw), raw);
            int ex = atoi(e + 1);
            snprintf(out, 64, "%.39se%d", mant, ex);
        } else {
            strcpy(out, raw);
        }
    }
    setlocale(LC_NUMERIC, saved);
}

/* One value: round trip, shortest (equal to the reference), '.' only, fits 32 bytes. */
static void check_double(double x)
{
    char got[64], want[64];
    int len = cs_text_fmt_double(got, sizeof got, x);
    assert_int_equal((size_t)len, strlen(got));
    assert_true(len < 32);
    reference(x, want);
    if (strcmp(got, want) != 0) {
        print_message("x = %a: got %s, shortest is %s\n", x, got, want);
        fail();
    }
    assert_null(strchr(got, ','));
    assert_null(strchr(got, '+'));
    assert_true(read_c(got) == x);
}

static int set_comma_locale(void)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                        "fr_FR.utf8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!setlocale(LC_NUMERIC, names[i])) continue;
        char probe[16];
        snprintf(probe, sizeof probe, "%.1f", 0.5);
        if (strcmp(probe, "0,5") == 0) return 1;
    }
    setlocale(LC_NUMERIC, "C");
    return 0;
}

static void many_doubles(uint64_t seed)
{
    uint64_t s = seed;
    for (int i = 0; i < 4000; i++) {
        uint64_t b = splitmix64(&s);
        double x = from_bits(b);   /* every exponent, both signs */
        if (isfinite(x)) check_double(x);
        check_double(from_bits(b & 0x800FFFFFFFFFFFFFull));   /* subnormal (or zero) */
        /* short decimals and sums of them: the values float noise comes from */
        double d = (double)(int64_t)(splitmix64(&s) % 2000001) - 1000000.0;
        int k = (int)(splitmix64(&s) % 12);
        double p = pow(10.0, k);
        check_double(d / p);
        check_double(d / p + 0.1);
        check_double(d / 3.0);
        double m = (double)(splitmix64(&s) >> 11);   /* 53 random bits at a random scale */
        double y = ldexp(m, (int)(splitmix64(&s) % 2100) - 1074 - 53);
        if (isfinite(y)) check_double(y);
    }
    static const double edge[] = {5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
                                  DBL_MAX, -DBL_MAX, 1e15, 1e15 + 1, 999999999999999.0,
                                  -999999999999999.0, 1e16, 9007199254740993.0, 0.1, 1.0 / 3.0,
                                  5.6000000000000005, 5.6, 0.30000000000000004, 1e-7, 123456.5,
                                  1e300, 1.5e-300, 4.9406564584124654e-324 * 3};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) check_double(edge[i]);
}

static void test_fmt_double_round_trip(void **state)
{
    (void)state;
    setlocale(LC_NUMERIC, "C");
    many_doubles(20240611u);
    if (!set_comma_locale()) {
        print_message("no decimal-comma locale (de_DE) installed: comma half skipped\n");
        return;
    }
    many_doubles(77u);
    setlocale(LC_NUMERIC, "C");
}

/* The policies the JSON and CSV writers rely on, and the text of familiar values. */
static void test_fmt_double_policy(void **state)
{
    (void)state;
    char b[64];
    assert_int_equal(cs_text_fmt_double(b, sizeof b, NAN), 0);
    assert_string_equal(b, "");
    assert_int_equal(cs_text_fmt_double(b, sizeof b, INFINITY), 0);
    assert_int_equal(cs_text_fmt_double(b, sizeof b, -INFINITY), 0);
    assert_string_equal(b, "");
    cs_text_fmt_double(b, sizeof b, -0.0);
    assert_string_equal(b, "0");
    cs_text_fmt_double(b, sizeof b, 42.0);
    assert_string_equal(b, "42");
    cs_text_fmt_double(b, sizeof b, -1.5e-7);
    assert_string_equal(b, "-1.5e-7");
    cs_text_fmt_double(b, sizeof b, 1e300);
    assert_string_equal(b, "1e300");
    cs_text_fmt_double(b, sizeof b, 5e-324);   /* %.15g would give 4.94065645841247e-324 */
    assert_string_equal(b, "5e-324");
    cs_text_fmt_double(b, sizeof b, 0.1 + 0.2);   /* a different double from 0.3: kept */
    assert_string_equal(b, "0.30000000000000004");
    cs_text_fmt_double(b, sizeof b, 0.3);
    assert_string_equal(b, "0.3");
    /* snprintf contract: truncated, NUL-terminated, full length returned */
    char small[4];
    assert_int_equal(cs_text_fmt_double(small, sizeof small, 0.125), 5);
    assert_string_equal(small, "0.1");
    assert_int_equal(cs_text_fmt_double(NULL, 0, 12345.0), 5);
}

static void test_fmt_fixed(void **state)
{
    (void)state;
    char b[600];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && !set_comma_locale()) break;
        cs_text_fmt_fixed(b, sizeof b, 1234567.891, 2, CS_TEXT_GROUP);
        assert_string_equal(b, "1,234,567.89");
        cs_text_fmt_fixed(b, sizeof b, 1234567.891, 2, 0);
        assert_string_equal(b, "1234567.89");
        cs_text_fmt_fixed(b, sizeof b, 16636.5, 0, CS_TEXT_GROUP);   /* half away from zero */
        assert_string_equal(b, "16,637");
        cs_text_fmt_fixed(b, sizeof b, -0.004, 2, CS_TEXT_SIGN);      /* no "-0.00" */
        assert_string_equal(b, "0.00");
        cs_text_fmt_fixed(b, sizeof b, 3.0, 0, CS_TEXT_SIGN);
        assert_string_equal(b, "+3");
        cs_text_fmt_fixed(b, sizeof b, -0.25, 2, CS_TEXT_SIGN);
        assert_string_equal(b, "-0.25");
        cs_text_fmt_fixed(b, sizeof b, 0.05, 2, 0);
        assert_string_equal(b, "0.05");
        cs_text_fmt_fixed(b, sizeof b, 0.000123456789, 9, 0);
        assert_string_equal(b, "0.000123457");
        cs_text_fmt_fixed(b, sizeof b, NAN, 1, 0);
        assert_string_equal(b, "-");
        /* beyond 1e15 (the fallback path): still '.', still grouped, no overflow at DBL_MAX */
        cs_text_fmt_fixed(b, sizeof b, 1.5e16, 1, CS_TEXT_GROUP);
        assert_string_equal(b, "15,000,000,000,000,000.0");
        int len = cs_text_fmt_fixed(b, sizeof b, -DBL_MAX, 3, CS_TEXT_GROUP);
        assert_int_equal((size_t)len, strlen(b));
        assert_true(b[0] == '-' && strcmp(b + len - 4, ".000") == 0);
    }
    setlocale(LC_NUMERIC, "C");
}

static void test_buffers(void **state)
{
    (void)state;
    cs_text_buf t = {0};
    cs_text_puts(&t, "abc");
    cs_text_putn(&t, "defXYZ", 3);
    cs_text_printf(&t, "-%d-", 42);
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cs_text_printf(&t, "%s!", big);   /* longer than the printf scratch */
    assert_false(t.oom);
    assert_int_equal(t.n, 3 + 3 + 4 + 1999 + 1);
    assert_int_equal(strncmp(t.p, "abcdef-42-xx", 12), 0);
    assert_int_equal(t.p[t.n - 1], '!');
    assert_int_equal(t.p[t.n], '\0');
    char *s = cs_text_take(&t);
    assert_null(t.p);
    assert_int_equal(t.n, 0);
    assert_int_equal(strlen(s), 3 + 3 + 4 + 2000);
    free(s);
    s = cs_text_take(&t);   /* empty: an allocated "" */
    assert_string_equal(s, "");
    free(s);
    cs_text_free(&t);
    cs_text_free(NULL);

    char fixed[8];
    size_t len = 0;
    fixed[0] = '\0';
    cs_text_appendf(fixed, sizeof fixed, &len, "%s", "abcd");
    cs_text_appendf(fixed, sizeof fixed, &len, "%d", 12345);
    assert_int_equal(len, 9);           /* the full length, past the buffer */
    assert_string_equal(fixed, "abcd123");
    cs_text_appendf(fixed, sizeof fixed, &len, "more");
    assert_int_equal(len, 13);
    assert_string_equal(fixed, "abcd123");
    len = 0;
    cs_text_appendf(NULL, 0, &len, "xyz");
    assert_int_equal(len, 3);
}

static void test_utf8(void **state)
{
    (void)state;
    unsigned long cp;
    static const struct {
        const char *s;
        size_t len;
        unsigned long cp;
    } cases[] = {
        {"A", 1, 0x41},           {"\xC2\x80", 2, 0x80},         {"\xDF\xBF", 2, 0x7FF},
        {"\xE0\xA0\x80", 3, 0x800}, {"\xED\x9F\xBF", 3, 0xD7FF}, {"\xEE\x80\x80", 3, 0xE000},
        {"\xEF\xBF\xBD", 3, 0xFFFD}, {"\xF0\x90\x80\x80", 4, 0x10000},
        {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF},
        {"\xC0\xAF", 0, 0},       /* overlong '/' */
        {"\xC1\xBF", 0, 0},       /* overlong */
        {"\xE0\x9F\xBF", 0, 0},   /* overlong 3-byte */
        {"\xED\xA0\x80", 0, 0},   /* surrogate U+D800 */
        {"\xF0\x8F\xBF\xBF", 0, 0}, /* overlong 4-byte */
        {"\xF4\x90\x80\x80", 0, 0}, /* above U+10FFFF */
        {"\xF5\x80\x80\x80", 0, 0}, {"\xFF", 0, 0}, {"\x80", 0, 0},
        {"\xE2\x82", 0, 0},       /* truncated (the NUL is not a continuation) */
        {"\xC3\x28", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].s);
        cp = 999;
        assert_int_equal(cs_text_utf8_len(cases[i].s, n, &cp), cases[i].len);
        if (cases[i].len) assert_int_equal(cp, cases[i].cp);
    }
    assert_int_equal(cs_text_utf8_len("\xE2\x82\xAC", 2, NULL), 0);   /* n cuts it short */
    assert_int_equal(cs_text_utf8_len("\xE2\x82\xAC", 3, NULL), 3);
    assert_int_equal(cs_text_utf8_len("", 1, &cp), 1);                /* NUL is one byte */
    assert_int_equal(cp, 0);
}

static void test_ascii(void **state)
{
    (void)state;
    assert_true(cs_text_ieq("Weighted", "wEIGHTED"));
    assert_false(cs_text_ieq("weight", "weighted"));
    assert_false(cs_text_ieq("weighted", "weight"));
    assert_true(cs_text_ieq("", ""));
    assert_false(cs_text_ieq("\xC3\x89", "\xC3\xA9"));   /* É and é: ASCII folding only */
    assert_true(cs_text_ieq_n("SVGxyz", 3, "svg"));
    assert_false(cs_text_ieq_n("SVGxyz", 4, "svg"));
    assert_true(cs_text_is_digit('7'));
    assert_false(cs_text_is_digit((char)0xB2));   /* superscript two in Latin-1 */
    assert_false(cs_text_is_digit('a'));
    assert_true(cs_text_is_space('\t') && !cs_text_is_space('\v'));
    assert_int_equal(cs_text_lower('Q'), 'q');
    assert_int_equal(cs_text_lower('['), '[');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_double_round_trip),
        cmocka_unit_test(test_fmt_double_policy),
        cmocka_unit_test(test_fmt_fixed),
        cmocka_unit_test(test_buffers),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_ascii),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
