/* Tests for io/json: exact writer output (compact and pretty), canonical numbers and their
 * bit-exact round trip, string escaping, misuse and I/O error reporting, strict parsing with
 * line/column messages, path lookup, byte-identical write -> parse -> write, locale
 * independence and robustness against mutated input.  Deterministic: fixed seeds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/json.h"

/* ------------------------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------------------------- */

/* splitmix64: a tiny fixed-seed generator with good bit mixing, so random bit patterns cover
 * every exponent, subnormals included. */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double bits_to_double(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static uint64_t double_to_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* Finishes a buffer writer, asserts success, returns a malloc'd copy of the text. */
static char *finish_copy(cs_json_writer *w)
{
    cs_error err = {0};
    size_t len;
    cs_status st = cs_json_writer_finish(w, &err);
    if (st != CS_OK)
        fail_msg("finish failed: %s", err.msg);
    const char *b = cs_json_writer_buffer(w, &len);
    assert_non_null(b);
    assert_int_equal(strlen(b), len);
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, b, len + 1);
    cs_json_writer_destroy(w);
    return copy;
}

static void number_text(double x, char *dst, size_t size)
{
    cs_json_writer *w = cs_json_writer_create_buffer(0);
    assert_non_null(w);
    cs_json_number(w, x);
    char *s = finish_copy(w);
    snprintf(dst, size, "%s", s);
    free(s);
}

static cs_json *parse_ok(const char *text)
{
    cs_json *v = NULL;
    cs_error err = {0};
    cs_status st = cs_json_parse(text, strlen(text), &v, &err);
    if (st != CS_OK)
        fail_msg("parse of <%s> failed: %s", text, err.msg);
    assert_non_null(v);
    return v;
}

/* Re-emits a parsed tree with the given indent and returns the text. */
static char *reemit(const cs_json *v, int indent)
{
    cs_json_writer *w = cs_json_writer_create_buffer(indent);
    assert_non_null(w);
    cs_json_emit(w, v);
    return finish_copy(w);
}

/* The document used by several tests: nesting, empty containers, every value kind. */
static void write_sample(cs_json_writer *w)
{
    cs_json_begin_object(w);
    cs_json_kv_string(w, "name", "baseline");
    cs_json_key(w, "lines");
    cs_json_begin_object(w);
    cs_json_key(w, "101");
    cs_json_begin_object(w);
    cs_json_kv_number(w, "abandon_rate", 0.125);
    cs_json_kv_int(w, "calls", 4000);
    cs_json_end_object(w);
    cs_json_key(w, "999");
    cs_json_begin_object(w);
    cs_json_end_object(w);
    cs_json_end_object(w);
    cs_json_key(w, "seeds");
    cs_json_begin_array(w);
    cs_json_int(w, 1);
    cs_json_int(w, 2);
    cs_json_begin_array(w);
    cs_json_end_array(w);
    cs_json_null(w);
    cs_json_bool(w, 1);
    cs_json_bool(w, 0);
    cs_json_end_array(w);
    cs_json_key(w, "empty");
    cs_json_begin_array(w);
    cs_json_end_array(w);
    cs_json_kv_bool(w, "ok", 1);
    cs_json_end_object(w);
}

static const char sample_compact[] =
    "{\"name\":\"baseline\",\"lines\":{\"101\":{\"abandon_rate\":0.125,\"calls\":4000},"
    "\"999\":{}},\"seeds\":[1,2,[],null,true,false],\"empty\":[],\"ok\":true}";

static const char sample_pretty[] =
    "{\n"
    "  \"name\": \"baseline\",\n"
    "  \"lines\": {\n"
    "    \"101\": {\n"
    "      \"abandon_rate\": 0.125,\n"
    "      \"calls\": 4000\n"
    "    },\n"
    "    \"999\": {}\n"
    "  },\n"
    "  \"seeds\": [\n"
    "    1,\n"
    "    2,\n"
    "    [],\n"
    "    null,\n"
    "    true,\n"
    "    false\n"
    "  ],\n"
    "  \"empty\": [],\n"
    "  \"ok\": true\n"
    "}";

/* ------------------------------------------------------------------------------------------
 * Writer
 * ---------------------------------------------------------------------------------------- */

static void test_writer_compact(void **state)
{
    (void)state;
    cs_json_writer *w = cs_json_writer_create_buffer(0);
    assert_non_null(w);
    write_sample(w);
    char *s = finish_copy(w);
    assert_string_equal(s, sample_compact);
    free(s);
}

static void test_writer_pretty(void **state)
{
    (void)state;
    cs_json_writer *w = cs_json_writer_create_buffer(2);
    assert_non_null(w);
    write_sample(w);
    char *s = finish_copy(w);
    assert_string_equal(s, sample_pretty);
    free(s);

    /* Indent width is honoured (4 spaces per level). */
    w = cs_json_writer_create_buffer(4);
    cs_json_begin_array(w);
    cs_json_begin_object(w);
    cs_json_kv_int(w, "a", 1);
    cs_json_end_object(w);
    cs_json_end_array(w);
    s = finish_copy(w);
    assert_string_equal(s, "[\n    {\n        \"a\": 1\n    }\n]");
    free(s);
}

static void test_writer_scalar_roots(void **state)
{
    (void)state;
    cs_json_writer *w = cs_json_writer_create_buffer(2);
    cs_json_int(w, 42);
    char *s = finish_copy(w);
    assert_string_equal(s, "42");
    free(s);

    w = cs_json_writer_create_buffer(0);
    cs_json_string(w, "hi");
    s = finish_copy(w);
    assert_string_equal(s, "\"hi\"");
    free(s);

    /* NULL string is written as null (optional fields). */
    w = cs_json_writer_create_buffer(0);
    cs_json_begin_object(w);
    cs_json_kv_string(w, "label", NULL);
    cs_json_end_object(w);
    s = finish_copy(w);
    assert_string_equal(s, "{\"label\":null}");
    free(s);
}

static void test_writer_file_mode(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    assert_non_null(w);
    size_t len = 99;
    assert_null(cs_json_writer_buffer(w, &len)); /* buffer mode only */
    assert_int_equal(len, 0);
    write_sample(w);
    cs_error err = {0};
    assert_int_equal(cs_json_writer_finish(w, &err), CS_OK);
    /* A second finish writes nothing more and reports the same status. */
    assert_int_equal(cs_json_writer_finish(w, &err), CS_OK);
    cs_json_writer_destroy(w);

    rewind(f);
    char got[2048];
    size_t n = fread(got, 1, sizeof got - 1, f);
    got[n] = '\0';
    fclose(f);
    char want[2048];
    snprintf(want, sizeof want, "%s\n", sample_pretty); /* file mode ends with a newline */
    assert_string_equal(got, want);
}

static void test_writer_int(void **state)
{
    (void)state;
    cs_json_writer *w = cs_json_writer_create_buffer(0);
    cs_json_begin_array(w);
    cs_json_int(w, 0);
    cs_json_int(w, -1);
    cs_json_int(w, LLONG_MAX);
    cs_json_int(w, LLONG_MIN);
    cs_json_end_array(w);
    char *s = finish_copy(w);
    assert_string_equal(s, "[0,-1,9223372036854775807,-9223372036854775808]");
    free(s);
}

/* ------------------------------------------------------------------------------------------
 * Numbers
 * ---------------------------------------------------------------------------------------- */

static void test_number_table(void **state)
{
    (void)state;
    static const struct {
        double x;
        const char *want;
    } table[] = {
        {0.0, "0"},
        {-0.0, "0"},
        {1.0, "1"},
        {-1.0, "-1"},
        {0.1, "0.1"},
        {0.5, "0.5"},
        {-1.5, "-1.5"},
        {1e-7, "1e-7"},
        {1e-5, "1e-5"},
        {0.0001, "0.0001"},
        {123456789012345.0, "123456789012345"},
        {999999999999999.0, "999999999999999"},
        {1e14, "100000000000000"},
        {1e15, "1e15"},
        {-1e15, "-1e15"},
        {1e21, "1e21"},
        {1e300, "1e300"},
        {-2.5e-300, "-2.5e-300"},
        {2.0 / 3.0, "0.6666666666666666"},          /* needs 16 digits */
        {0.1 + 0.2, "0.30000000000000004"},         /* needs 17 digits */
        {123456789012345.6, "123456789012345.6"},
        {9007199254740992.0, "9007199254740992"},   /* 2^53, printed by %.16g */
        {DBL_MAX, "1.7976931348623157e308"},
        {DBL_MIN, "2.2250738585072014e-308"},
        {4.9406564584124654e-324, "5e-324"}, /* smallest subnormal: shortest that reads back */
        {NAN, "null"},
        {INFINITY, "null"},
        {-INFINITY, "null"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char got[64];
        number_text(table[i].x, got, sizeof got);
        if (strcmp(got, table[i].want) != 0)
            fail_msg("number %.17g: got \"%s\", want \"%s\"", table[i].x, got, table[i].want);
    }

    /* In context: NaN inside an array keeps the document valid. */
    cs_json_writer *w = cs_json_writer_create_buffer(0);
    cs_json_begin_array(w);
    cs_json_number(w, 1);
    cs_json_number(w, NAN);
    cs_json_number(w, 2.5);
    cs_json_end_array(w);
    char *s = finish_copy(w);
    assert_string_equal(s, "[1,null,2.5]");
    cs_json *v = parse_ok(s);
    assert_int_equal(cs_json_type_of(cs_json_at(v, 1)), CS_JSON_NULL);
    cs_json_free(v);
    free(s);
}

/* parse(write(x)) == x bit for bit, for 10,000 random bit patterns (all exponents, both
 * signs, subnormals) plus 2,000 decimal-looking values such as planners type. */
static void test_number_round_trip(void **state)
{
    (void)state;
    enum { NRAND = 10000, NDEC = 2000 };
    double *xs = malloc((NRAND + NDEC) * sizeof *xs);
    assert_non_null(xs);
    uint64_t seed = 20240611u;
    size_t n = 0;
    while (n < NRAND) {
        double x = bits_to_double(splitmix64(&seed));
        if (!isfinite(x) || x == 0)
            continue; /* NaN/Inf become null and -0 becomes 0 by design */
        xs[n++] = x;
    }
    while (n < NRAND + NDEC) {
        uint64_t r = splitmix64(&seed);
        double mant = (double)(r % 1000000) / 1000.0;
        int e = (int)((r >> 32) % 21) - 10;
        xs[n++] = ((r >> 63) ? -mant : mant) * pow(10.0, e);
    }

    cs_json_writer *w = cs_json_writer_create_buffer(0);
    cs_json_begin_array(w);
    for (size_t i = 0; i < n; i++)
        cs_json_number(w, xs[i]);
    cs_json_end_array(w);
    char *s = finish_copy(w);

    /* Canonical form: no '+', no 'E', no locale comma inside numbers. */
    assert_null(strchr(s, '+'));
    assert_null(strchr(s, 'E'));

    cs_json *v = parse_ok(s);
    assert_int_equal(cs_json_size(v), n);
    for (size_t i = 0; i < n; i++) {
        double y = cs_json_number_value(cs_json_at(v, i));
        if (xs[i] == 0) {
            assert_true(y == 0); /* -0 is written as 0 on purpose */
            continue;
        }
        if (double_to_bits(y) != double_to_bits(xs[i]))
            fail_msg("value %zu: wrote %.17g, read back %.17g", i, xs[i], y);
    }
    cs_json_free(v);
    free(s);

    /* Shortest: never longer than %.17g's digits (checked on a few hundred values). */
    for (size_t i = 0; i < 300; i++) {
        char got[64], full[64];
        number_text(xs[i], got, sizeof got);
        snprintf(full, sizeof full, "%.17g", xs[i]);
        assert_true(strlen(got) <= strlen(full));
    }
    free(xs);
}

/* ------------------------------------------------------------------------------------------
 * Escaping
 * ---------------------------------------------------------------------------------------- */

static char *string_text(const char *s)
{
    cs_json_writer *w = cs_json_writer_create_buffer(0);
    cs_json_string(w, s);
    return finish_copy(w);
}

static void test_escaping(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } table[] = {
        {"", "\"\""},
        {"plain", "\"plain\""},
        {"a\"b", "\"a\\\"b\""},
        {"back\\slash", "\"back\\\\slash\""},
        {"/ stays", "\"/ stays\""},
        {"\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""},
        {"\x01\x1f", "\"\\u0001\\u001f\""},
        {"del\x7f", "\"del\x7f\""},
        /* valid UTF-8 passes through: 2-, 3- and 4-byte sequences */
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
        /* invalid UTF-8: one \ufffd per bad byte */
        {"x\xffy", "\"x\\ufffdy\""},
        {"trunc\xc3", "\"trunc\\ufffd\""},
        {"\xc0\xaf", "\"\\ufffd\\ufffd\""},            /* overlong '/' */
        {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},  /* UTF-8-encoded surrogate */
        {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* above U+10FFFF */
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char *got = string_text(table[i].in);
        if (strcmp(got, table[i].want) != 0)
            fail_msg("escaping case %zu: got <%s>, want <%s>", i, got, table[i].want);
        /* Whatever went in, the output is valid JSON; for valid UTF-8 it reads back equal. */
        cs_json *v = parse_ok(got);
        assert_int_equal(cs_json_type_of(v), CS_JSON_STRING);
        if (i < 9)
            assert_string_equal(cs_json_string_value(v), table[i].in);
        cs_json_free(v);
        free(got);
    }

    /* Keys are escaped the same way. */
    cs_json_writer *w = cs_json_writer_create_buffer(0);
    cs_json_begin_object(w);
    cs_json_kv_int(w, "k\"\n", 1);
    cs_json_end_object(w);
    char *s = finish_copy(w);
    assert_string_equal(s, "{\"k\\\"\\n\":1}");
    free(s);
}

/* ------------------------------------------------------------------------------------------
 * Misuse and I/O errors
 * ---------------------------------------------------------------------------------------- */

static void misuse_value_without_key(cs_json_writer *w)
{
    cs_json_begin_object(w);
    cs_json_int(w, 1);
}
static void misuse_key_in_array(cs_json_writer *w)
{
    cs_json_begin_array(w);
    cs_json_key(w, "a");
}
static void misuse_key_at_root(cs_json_writer *w) { cs_json_key(w, "a"); }
static void misuse_wrong_end(cs_json_writer *w)
{
    cs_json_begin_array(w);
    cs_json_end_object(w);
}
static void misuse_unbalanced_end(cs_json_writer *w)
{
    cs_json_begin_array(w);
    cs_json_end_array(w);
    cs_json_end_array(w);
}
static void misuse_unclosed(cs_json_writer *w)
{
    cs_json_begin_object(w);
    cs_json_kv_int(w, "a", 1);
    cs_json_key(w, "b");
    cs_json_begin_array(w);
}
static void misuse_two_roots(cs_json_writer *w)
{
    cs_json_int(w, 1);
    cs_json_int(w, 2);
}
static void misuse_key_without_value(cs_json_writer *w)
{
    cs_json_begin_object(w);
    cs_json_key(w, "a");
    cs_json_end_object(w);
}
static void misuse_two_keys(cs_json_writer *w)
{
    cs_json_begin_object(w);
    cs_json_key(w, "a");
    cs_json_key(w, "b");
}
static void misuse_nothing(cs_json_writer *w) { (void)w; }
static void misuse_null_key(cs_json_writer *w)
{
    cs_json_begin_object(w);
    cs_json_key(w, NULL);
}
/* The first error is the one reported, later calls are ignored. */
static void misuse_first_wins(cs_json_writer *w)
{
    cs_json_begin_array(w);
    cs_json_key(w, "first");
    cs_json_end_object(w);
    cs_json_int(w, 3);
}

static void test_misuse(void **state)
{
    (void)state;
    static const struct {
        void (*fn)(cs_json_writer *);
        const char *needle;
    } table[] = {
        {misuse_value_without_key, "key is required"},
        {misuse_key_in_array, "inside an array"},
        {misuse_key_at_root, "outside any object"},
        {misuse_wrong_end, "cs_json_end_object while the innermost open container"},
        {misuse_unbalanced_end, "unbalanced"},
        {misuse_unclosed, "2 container(s) still open (innermost: an array)"},
        {misuse_two_roots, "second top-level value"},
        {misuse_key_without_value, "without the key's value"},
        {misuse_two_keys, "follows another key"},
        {misuse_nothing, "without writing any value"},
        {misuse_null_key, "NULL key"},
        {misuse_first_wins, "key \"first\" inside an array"},
    };
    for (int indent = 0; indent <= 2; indent += 2)
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
            cs_json_writer *w = cs_json_writer_create_buffer(indent);
            assert_non_null(w);
            table[i].fn(w);
            cs_error err = {0};
            cs_status st = cs_json_writer_finish(w, &err);
            if (st != CS_EINTERNAL || !strstr(err.msg, table[i].needle))
                fail_msg("misuse case %zu: status %d, message \"%s\", expected \"%s\"", i,
                         (int)st, err.msg, table[i].needle);
            assert_int_equal(err.code, CS_EINTERNAL);
            assert_non_null(cs_json_writer_buffer(w, NULL)); /* still usable, no abort */
            cs_json_writer_destroy(w);
        }

    /* Writing after finish is misuse too, and a later finish reports it. */
    cs_json_writer *w = cs_json_writer_create_buffer(0);
    cs_json_int(w, 1);
    assert_int_equal(cs_json_writer_finish(w, NULL), CS_OK);
    cs_json_int(w, 2);
    cs_error err = {0};
    assert_int_equal(cs_json_writer_finish(w, &err), CS_EINTERNAL);
    assert_non_null(strstr(err.msg, "after cs_json_writer_finish"));
    assert_string_equal(cs_json_writer_buffer(w, NULL), "1");
    cs_json_writer_destroy(w);

    cs_json_writer_destroy(NULL); /* no-op */
}

static void test_io_error(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        skip(); /* not Linux */
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    cs_json_begin_array(w);
    for (int i = 0; i < 20000; i++) /* more than one stdio buffer */
        cs_json_number(w, i * 0.5);
    cs_json_end_array(w);
    cs_error err = {0};
    assert_int_equal(cs_json_writer_finish(w, &err), CS_EIO);
    assert_non_null(strstr(err.msg, "cannot write JSON output"));
    assert_non_null(strstr(err.msg, "No space left"));
    cs_json_writer_destroy(w);
    fclose(f);
}

/* ------------------------------------------------------------------------------------------
 * Parser
 * ---------------------------------------------------------------------------------------- */

static void test_parse_valid(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        cs_json_type type;
    } table[] = {
        {"null", CS_JSON_NULL},
        {"true", CS_JSON_BOOL},
        {"false", CS_JSON_BOOL},
        {"0", CS_JSON_NUMBER},
        {"-0", CS_JSON_NUMBER},
        {"-0.0e-0", CS_JSON_NUMBER},
        {"1.5e+3", CS_JSON_NUMBER},
        {"-1E-2", CS_JSON_NUMBER},
        {"1e-400", CS_JSON_NUMBER}, /* underflow to 0 is a value, not an error */
        {"123456789012345678901234567890", CS_JSON_NUMBER},
        {"\"\"", CS_JSON_STRING},
        {"[]", CS_JSON_ARRAY},
        {"{}", CS_JSON_OBJECT},
        {" \t\r\n[ 1 , 2 ]\n ", CS_JSON_ARRAY},
        {"{\"a\":{\"b\":[{}, [], \"x\", null]}}", CS_JSON_OBJECT},
        {"\xEF\xBB\xBF{\"bom\":1}", CS_JSON_OBJECT},
        {"{\"\":1}", CS_JSON_OBJECT},
        {"[\"caf\xc3\xa9\"]", CS_JSON_ARRAY},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        cs_json *v = parse_ok(table[i].text);
        assert_int_equal(cs_json_type_of(v), table[i].type);
        cs_json_free(v);
    }

    cs_json *v = parse_ok("[true, false, null, 1.5e+3, -1E-2, -0]");
    assert_int_equal(cs_json_size(v), 6);
    assert_int_equal(cs_json_bool_value(cs_json_at(v, 0)), 1);
    assert_int_equal(cs_json_bool_value(cs_json_at(v, 1)), 0);
    assert_int_equal(cs_json_type_of(cs_json_at(v, 2)), CS_JSON_NULL);
    assert_true(cs_json_number_value(cs_json_at(v, 3)) == 1500.0);
    assert_true(cs_json_number_value(cs_json_at(v, 4)) == -0.01);
    assert_true(cs_json_number_value(cs_json_at(v, 5)) == 0.0);
    cs_json_free(v);

    /* Escapes, including a surrogate pair, decode to UTF-8. */
    v = parse_ok("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"");
    assert_string_equal(cs_json_string_value(v),
                        "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    cs_json_free(v);

    /* \u0000 is kept: the length tells the truth. */
    v = parse_ok("\"a\\u0000b\"");
    assert_int_equal(cs_json_string_length(v), 3);
    assert_memory_equal(cs_json_string_value(v), "a\0b", 4);
    char *s = reemit(v, 0);
    assert_string_equal(s, "\"a\\u0000b\"");
    free(s);
    cs_json_free(v);

    /* Member order is document order, not sorted. */
    v = parse_ok("{\"z\":1,\"a\":2,\"m\":3}");
    assert_int_equal(cs_json_size(v), 3);
    assert_string_equal(cs_json_member_key(v, 0), "z");
    assert_string_equal(cs_json_member_key(v, 1), "a");
    assert_string_equal(cs_json_member_key(v, 2), "m");
    assert_true(cs_json_number_value(cs_json_member_value(v, 1)) == 2.0);
    assert_null(cs_json_member_key(v, 3));
    assert_null(cs_json_member_value(v, 3));
    cs_json_free(v);

    /* Empty input with len beyond a NUL: the length is what counts. */
    assert_int_equal(cs_json_parse("[1]\0garbage", 3, &v, NULL), CS_OK);
    assert_int_equal(cs_json_size(v), 1);
    cs_json_free(v);
}

static void test_parse_integers(void **state)
{
    (void)state;
    cs_json *v = parse_ok("[9007199254740993, -9223372036854775808, 9223372036854775807, "
                          "9223372036854775808, 1.0, 1e2, 42, -0]");
    long long x = 0;
    assert_true(cs_json_int_value(cs_json_at(v, 0), &x));
    assert_true(x == 9007199254740993LL); /* a double would round this */
    assert_true(cs_json_int_value(cs_json_at(v, 1), &x));
    assert_true(x == LLONG_MIN);
    assert_true(cs_json_int_value(cs_json_at(v, 2), &x));
    assert_true(x == LLONG_MAX);
    assert_false(cs_json_int_value(cs_json_at(v, 3), &x)); /* beyond long long */
    assert_true(cs_json_number_value(cs_json_at(v, 3)) == 9223372036854775808.0);
    assert_false(cs_json_int_value(cs_json_at(v, 4), &x)); /* has a fraction part */
    assert_false(cs_json_int_value(cs_json_at(v, 5), &x)); /* has an exponent */
    assert_true(cs_json_int_value(cs_json_at(v, 6), NULL));
    assert_false(cs_json_int_value(v, &x));                /* not a number */
    char *s = reemit(v, 0);
    assert_string_equal(s, "[9007199254740993,-9223372036854775808,9223372036854775807,"
                           "9.223372036854776e18,1,100,42,0]"); /* beyond long long: as a double */
    free(s);
    cs_json_free(v);
}

static void test_parse_nesting_limit(void **state)
{
    (void)state;
    enum { BIG = 100000 };
    char *buf = malloc(2 * BIG + 1);
    assert_non_null(buf);
    cs_json *v = NULL;
    cs_error err = {0};

    /* Exactly CS_JSON_MAX_DEPTH levels are accepted. */
    memset(buf, '[', CS_JSON_MAX_DEPTH);
    memset(buf + CS_JSON_MAX_DEPTH, ']', CS_JSON_MAX_DEPTH);
    assert_int_equal(cs_json_parse(buf, 2 * CS_JSON_MAX_DEPTH, &v, &err), CS_OK);
    char *s = reemit(v, 0);
    assert_memory_equal(s, buf, 2 * CS_JSON_MAX_DEPTH);
    free(s);
    cs_json_free(v);

    /* One more is refused, pointing at the offending bracket. */
    memset(buf, '[', CS_JSON_MAX_DEPTH + 1);
    memset(buf + CS_JSON_MAX_DEPTH + 1, ']', CS_JSON_MAX_DEPTH + 1);
    assert_int_equal(cs_json_parse(buf, 2 * CS_JSON_MAX_DEPTH + 2, &v, &err), CS_EINPUT);
    assert_null(v);
    assert_string_equal(err.msg, "line 1, column 513: nesting deeper than 512 levels of "
                                 "arrays/objects");

    /* Hostile depth does not recurse further (no stack overflow). */
    memset(buf, '[', BIG);
    assert_int_equal(cs_json_parse(buf, BIG, &v, &err), CS_EINPUT);
    for (size_t i = 0; i < BIG; i++)
        buf[i] = (i % 2) ? '{' : '[';
    assert_int_equal(cs_json_parse(buf, BIG, &v, &err), CS_EINPUT);
    free(buf);
}

static void test_parse_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t len; /* 0: use strlen */
        unsigned line, col;
        const char *needle;
    } table[] = {
        {"", 0, 1, 1, "got end of input"},
        {"   ", 0, 1, 4, "got end of input"},
        {"[", 0, 1, 2, "got end of input"},
        {"[1,]", 0, 1, 3, "trailing comma before ']'"},
        {"{\"a\":1,}", 0, 1, 7, "trailing comma before '}'"},
        {"[1,\n\n   ]", 0, 1, 3, "trailing comma"},
        {"01", 0, 1, 1, "leading zeros"},
        {"-01", 0, 1, 1, "leading zeros"},
        {"1.", 0, 1, 3, "digit after the decimal point"},
        {"1.e5", 0, 1, 3, "digit after the decimal point"},
        {".5", 0, 1, 1, "expected a value"},
        {"+1", 0, 1, 1, "expected a value"},
        {"1e", 0, 1, 3, "digit in the exponent"},
        {"1e+", 0, 1, 4, "digit in the exponent"},
        {"-", 0, 1, 2, "digit after '-'"},
        {"-Infinity", 0, 1, 2, "digit after '-'"},
        {"NaN", 0, 1, 1, "expected a value"},
        {"Infinity", 0, 1, 1, "expected a value"},
        {"1e400", 0, 1, 1, "outside the range of a double"},
        {"[1, -1e999]", 0, 1, 5, "outside the range"},
        {"\"abc", 0, 1, 1, "unterminated string"},
        {"\"\\", 0, 1, 1, "unterminated string"},
        {"\"a\tb\"", 0, 1, 3, "control character U+0009"},
        {"\"a\nb\"", 0, 1, 3, "control character U+000A"},
        {"\"\\x\"", 0, 1, 2, "invalid escape"},
        {"\"\\U0041\"", 0, 1, 2, "invalid escape"},
        {"\"\\u12\"", 0, 1, 2, "four hex digits"},
        {"\"\\u12g4\"", 0, 1, 2, "four hex digits"},
        {"\"\\ud800\"", 0, 1, 2, "lone high surrogate \\uD800"},
        {"\"\\ud800\\u0041\"", 0, 1, 2, "lone high surrogate"},
        {"\"\\ud800\\ud800\"", 0, 1, 2, "lone high surrogate"},
        {"\"ab\\udc00\"", 0, 1, 4, "lone low surrogate \\uDC00"},
        {"\"\xff\"", 0, 1, 2, "invalid UTF-8 byte 0xFF"},
        {"\"\xc0\xaf\"", 0, 1, 2, "invalid UTF-8"},
        {"\"\xed\xa0\x80\"", 0, 1, 2, "invalid UTF-8"},
        {"[1] x", 0, 1, 5, "unexpected 'x' after the JSON value"},
        {"{} {}", 0, 1, 4, "after the JSON value"},
        {"[1]\0", 4, 1, 4, "control character U+0000 after the JSON value"},
        {"tru", 0, 1, 1, "expected the literal 'true', got 'tru'"},
        {"nul", 0, 1, 1, "expected the literal 'null'"},
        {"fals e", 0, 1, 1, "expected the literal 'false', got 'fals'"},
        {"True", 0, 1, 1, "expected a value"},
        {"{1:2}", 0, 1, 2, "member name in double quotes"},
        {"{'a':2}", 0, 1, 2, "member name in double quotes, got '''"},
        {"{\"a\" 1}", 0, 1, 6, "expected ':' after the member name \"a\""},
        {"{\"a\":}", 0, 1, 6, "expected a value"},
        {"[1 2]", 0, 1, 4, "expected ',' or ']'"},
        {"[1,2", 0, 1, 5, "expected ',' or ']' after an array element, got end of input"},
        {"{\"a\":1 \"b\":2}", 0, 1, 8, "expected ',' or '}'"},
        {"{\"a\":1,\"b\":2,\"a\":3}", 0, 1, 14,
         "duplicate key \"a\" (first used at line 1, column 2)"},
        {"{\n  \"a\": 1,\n  \"b\": x\n}", 0, 3, 8, "got 'x'"},
        {"{\n  \"a\": 1,\n  \"a\": 2\n}", 0, 3, 3, "duplicate key \"a\" (first used at line 2"},
        {"[\"\xc3\xa9\", x]", 0, 1, 7, "got 'x'"}, /* columns count characters */
        {"[\n1,\n2\n", 0, 4, 1, "got end of input"},
        {"\r\n\r\n  ]", 0, 3, 3, "got ']'"},
        {"// comment\n1", 0, 1, 1, "expected a value"},
        {"\xEF\xBB\xBFx", 0, 1, 1, "got 'x'"},
        {"[\xe2\x82\xac]", 0, 1, 2, "got '\xe2\x82\xac'"},
        {"[\x80]", 0, 1, 2, "invalid UTF-8 byte 0x80"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        size_t len = table[i].len ? table[i].len : strlen(table[i].text);
        cs_json *v = (cs_json *)&v; /* must be reset to NULL on failure */
        cs_error err = {0};
        cs_status st = cs_json_parse(table[i].text, len, &v, &err);
        char prefix[64];
        snprintf(prefix, sizeof prefix, "line %u, column %u: ", table[i].line, table[i].col);
        if (st != CS_EINPUT || strncmp(err.msg, prefix, strlen(prefix)) != 0 ||
            !strstr(err.msg, table[i].needle))
            fail_msg("invalid case %zu <%s>: status %d, message \"%s\"; expected \"%s...%s\"",
                     i, table[i].text, (int)st, err.msg, prefix, table[i].needle);
        assert_null(v);
        /* err may be NULL: same status, no crash. */
        assert_int_equal(cs_json_parse(table[i].text, len, &v, NULL), CS_EINPUT);
    }
}

/* Random mutations of a valid document: every outcome is OK or a positioned CS_EINPUT, and
 * anything accepted survives emit -> parse.  Run under ASan this checks memory safety. */
static void test_parse_mutations(void **state)
{
    (void)state;
    const char *base = "{\"name\":\"caf\xc3\xa9 \\u20ac\",\"lines\":{\"101\":{\"rate\":[0.05,"
                       "1e-3,-2,true,null,\"\\ud83d\\ude00\"]}},\"n\":12345678901234567890}";
    size_t blen = strlen(base);
    char buf[512];
    uint64_t seed = 7;
    int accepted = 0;
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(buf, base, blen);
        size_t len = blen;
        int nmut = 1 + (int)(splitmix64(&seed) % 3);
        for (int m = 0; m < nmut; m++) {
            uint64_t r = splitmix64(&seed);
            size_t at = (size_t)(r >> 8) % len;
            static const char interesting[] = "{}[],:\"\\0123456789eE+-.tfnu \n\x80\xff";
            char c = (r & 64) ? (char)(r >> 40) : interesting[(r >> 40) % (sizeof interesting - 1)];
            switch (r % 4) {
            case 0: buf[at] = c; break;                                           /* replace */
            case 1: memmove(buf + at, buf + at + 1, len - at - 1); len--; break;  /* delete */
            case 2:
                if (len < sizeof buf - 1) {                                       /* insert */
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = c;
                    len++;
                }
                break;
            default: len = at; break;                                             /* truncate */
            }
            if (len == 0)
                break;
        }
        cs_json *v = NULL;
        cs_error err = {0};
        cs_status st = cs_json_parse(buf, len, &v, &err);
        if (st == CS_OK) {
            accepted++;
            char *s = reemit(v, 2);
            cs_json *v2 = parse_ok(s);
            char *s2 = reemit(v2, 2);
            assert_string_equal(s, s2);
            free(s);
            free(s2);
            cs_json_free(v2);
            cs_json_free(v);
        } else {
            assert_int_equal(st, CS_EINPUT);
            assert_null(v);
            assert_true(strncmp(err.msg, "line ", 5) == 0);
        }
    }
    assert_true(accepted > 0); /* some mutations (e.g. a digit) keep the document valid */
}

static void test_parse_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_json_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], bad[256], missing[256];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    snprintf(missing, sizeof missing, "%s/nope/summary.json", dir);

    FILE *f = fopen(path, "w");
    assert_non_null(f);
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    write_sample(w);
    assert_int_equal(cs_json_writer_finish(w, NULL), CS_OK);
    cs_json_writer_destroy(w);
    assert_int_equal(fclose(f), 0);

    cs_json *v = NULL;
    cs_error err = {0};
    assert_int_equal(cs_json_parse_file(path, &v, &err), CS_OK);
    assert_true(cs_json_number_value(cs_json_path(v, "lines.101.abandon_rate")) == 0.125);
    char *s = reemit(v, 2);
    assert_string_equal(s, sample_pretty);
    free(s);
    cs_json_free(v);

    f = fopen(bad, "w");
    assert_non_null(f);
    fputs("{\n  \"a\": [1, 2,]\n}\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(cs_json_parse_file(bad, &v, &err), CS_EINPUT);
    assert_null(v);
    char want[512];
    snprintf(want, sizeof want, "%s: line 2, column 13: trailing comma", bad);
    if (strncmp(err.msg, want, strlen(want)) != 0)
        fail_msg("got \"%s\", want prefix \"%s\"", err.msg, want);

    assert_int_equal(cs_json_parse_file(missing, &v, &err), CS_EIO);
    snprintf(want, sizeof want, "%s: cannot open for reading: ", missing);
    assert_true(strncmp(err.msg, want, strlen(want)) == 0);

    assert_int_equal(cs_json_parse_file(dir, &v, &err), CS_EIO); /* a directory */
    assert_true(strncmp(err.msg, dir, strlen(dir)) == 0);

    remove(path);
    remove(bad);
    rmdir(dir);
}

/* ------------------------------------------------------------------------------------------
 * Lookup
 * ---------------------------------------------------------------------------------------- */

static void test_path_and_accessors(void **state)
{
    (void)state;
    cs_json *v = parse_ok("{\"lines\": {\"101\": {\"abandon_rate\": {\"mean\": 0.052, "
                          "\"ci\": [0.04, 0.06]}},\n"
                          "  \"999\": {\"abandon_rate\": {\"mean\": 0.01}}},\n"
                          " \"arr\": [{\"b\": 1}, {\"b\": 2}, [10, 20, 30]], \"x\": 5,"
                          " \"s\": \"text\"}");
    assert_true(cs_json_number_value(cs_json_path(v, "lines.101.abandon_rate.mean")) == 0.052);
    assert_true(cs_json_number_value(cs_json_path(v, "lines.999.abandon_rate.mean")) == 0.01);
    assert_true(cs_json_number_value(cs_json_path(v, "lines.101.abandon_rate.ci.1")) == 0.06);
    assert_true(cs_json_number_value(cs_json_path(v, "arr.1.b")) == 2.0);
    assert_true(cs_json_number_value(cs_json_path(v, "arr.2.2")) == 30.0);
    assert_ptr_equal(cs_json_path(v, ""), v);
    assert_ptr_equal(cs_json_path(v, "x"), cs_json_get(v, "x"));
    assert_null(cs_json_path(v, "arr.3"));
    assert_null(cs_json_path(v, "arr.x"));
    assert_null(cs_json_path(v, "arr.-1"));
    assert_null(cs_json_path(v, "arr.99999999999999999999999999"));
    assert_null(cs_json_path(v, "lines.102"));
    assert_null(cs_json_path(v, "x.y"));
    assert_null(cs_json_path(v, "lines..101"));
    assert_null(cs_json_path(v, "lines."));
    assert_null(cs_json_path(v, ".lines"));
    assert_null(cs_json_path(NULL, "lines"));
    assert_null(cs_json_path(v, NULL));

    /* Chained lookups through missing nodes are safe. */
    assert_true(isnan(cs_json_number_value(cs_json_get(cs_json_get(v, "none"), "mean"))));

    /* Wrong-type accessors give the documented "absent" answers. */
    const cs_json *x = cs_json_get(v, "x"), *arr = cs_json_get(v, "arr");
    const cs_json *str = cs_json_get(v, "s");
    assert_null(cs_json_get(arr, "b"));
    assert_null(cs_json_at(v, 0));
    assert_null(cs_json_at(arr, 3));
    assert_int_equal(cs_json_size(x), 0);
    assert_int_equal(cs_json_size(arr), 3);
    assert_int_equal(cs_json_size(v), 4);
    assert_true(isnan(cs_json_number_value(str)));
    assert_null(cs_json_string_value(x));
    assert_int_equal(cs_json_string_length(x), 0);
    assert_string_equal(cs_json_string_value(str), "text");
    assert_int_equal(cs_json_string_length(str), 4);
    assert_int_equal(cs_json_bool_value(x), 0);
    assert_null(cs_json_member_key(arr, 0));
    assert_int_equal(cs_json_type_of(NULL), CS_JSON_NULL);
    assert_null(cs_json_get(v, NULL));

    /* Node positions point at the value's first character. */
    unsigned line, col;
    cs_json_position(cs_json_path(v, "lines.999.abandon_rate.mean"), &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 36);
    cs_json_position(cs_json_path(v, "arr.2.1"), &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 35);
    cs_json_position(NULL, &line, &col);
    assert_int_equal(line, 0);
    assert_int_equal(col, 0);
    cs_json_free(v);
    cs_json_free(NULL); /* no-op */
}

/* ------------------------------------------------------------------------------------------
 * Round trips and locale
 * ---------------------------------------------------------------------------------------- */

/* A summary-like document with awkward content. */
static void write_rich(cs_json_writer *w, uint64_t seed)
{
    cs_json_begin_object(w);
    cs_json_kv_string(w, "scenario", "Force \"North\" \\ caf\xc3\xa9 \xe2\x82\xac\t\x01");
    cs_json_kv_int(w, "seed", LLONG_MAX);
    cs_json_kv_int(w, "min", LLONG_MIN);
    cs_json_kv_number(w, "nan", NAN);
    cs_json_kv_number(w, "neg_zero", -0.0);
    cs_json_kv_bool(w, "ok", 0);
    cs_json_key(w, "lines");
    cs_json_begin_object(w);
    for (int line = 0; line < 3; line++) {
        char k[16];
        snprintf(k, sizeof k, "%d", 101 + 449 * line);
        cs_json_key(w, k);
        cs_json_begin_object(w);
        cs_json_key(w, "intervals");
        cs_json_begin_array(w);
        for (int i = 0; i < 40; i++) {
            cs_json_begin_array(w);
            cs_json_number(w, bits_to_double(splitmix64(&seed) >> 2));
            cs_json_number(w, (double)(splitmix64(&seed) % 100000) / 7.0);
            cs_json_int(w, (long long)(splitmix64(&seed) >> 1));
            cs_json_end_array(w);
        }
        cs_json_end_array(w);
        cs_json_key(w, "empty");
        cs_json_begin_object(w);
        cs_json_end_object(w);
        cs_json_end_object(w);
    }
    cs_json_end_object(w);
    cs_json_end_object(w);
}

static void test_write_parse_write(void **state)
{
    (void)state;
    for (int indent = 0; indent <= 2; indent++) {
        cs_json_writer *w = cs_json_writer_create_buffer(indent);
        write_rich(w, 99);
        char *first = finish_copy(w);
        cs_json *v = parse_ok(first);
        char *second = reemit(v, indent);
        assert_string_equal(first, second);
        /* Same input values, separate writer: byte-identical (the reproducibility promise). */
        w = cs_json_writer_create_buffer(indent);
        write_rich(w, 99);
        char *again = finish_copy(w);
        assert_string_equal(first, again);
        free(again);
        free(second);
        cs_json_free(v);
        free(first);
    }

    /* Non-canonical input settles after one pass. */
    cs_json *v = parse_ok("{ \"a\" : [1.50, 1E2, 1e+0, \"\\u0041\\/\\u00E9\", -0.0, 0.10] }");
    char *s = reemit(v, 0);
    assert_string_equal(s, "{\"a\":[1.5,100,1,\"A/\xc3\xa9\",0,0.1]}");
    cs_json *v2 = parse_ok(s);
    char *s2 = reemit(v2, 0);
    assert_string_equal(s, s2);
    free(s2);
    cs_json_free(v2);
    free(s);
    cs_json_free(v);
}

/* With a comma (de_DE) or a multi-byte (ps_AF: U+066B) decimal point in LC_NUMERIC, output and
 * parsing are unchanged.  Skipped when no such locale is installed (run with LOCPATH pointing
 * at a localedef output to exercise it). */
static void test_locale_independence(void **state)
{
    (void)state;
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                        "fr_FR.utf8",  "ps_AF.UTF-8", "ps_AF.utf8"};
    int tried = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!setlocale(LC_NUMERIC, names[i]))
            continue;
        char probe[16];
        snprintf(probe, sizeof probe, "%.1f", 0.5);
        if (strcmp(probe, "0.5") == 0)
            continue;
        tried++;

        char got[64];
        number_text(0.1, got, sizeof got);
        assert_string_equal(got, "0.1");
        number_text(2.0 / 3.0, got, sizeof got);
        assert_string_equal(got, "0.6666666666666666");
        number_text(-1.5e-7, got, sizeof got);
        assert_string_equal(got, "-1.5e-7");
        number_text(1234.5, got, sizeof got);
        assert_string_equal(got, "1234.5");

        cs_json *v = parse_ok("[0.5, 1.25e3, -2.5E-1]");
        assert_true(cs_json_number_value(cs_json_at(v, 0)) == 0.5);
        assert_true(cs_json_number_value(cs_json_at(v, 1)) == 1250.0);
        assert_true(cs_json_number_value(cs_json_at(v, 2)) == -0.25);
        cs_json_free(v);

        /* The rich document is byte-identical to the one written in the C locale. */
        cs_json_writer *w = cs_json_writer_create_buffer(2);
        write_rich(w, 5);
        char *here = finish_copy(w);
        setlocale(LC_NUMERIC, "C");
        w = cs_json_writer_create_buffer(2);
        write_rich(w, 5);
        char *c_loc = finish_copy(w);
        assert_string_equal(here, c_loc);
        setlocale(LC_NUMERIC, names[i]);
        v = parse_ok(here);
        char *back = reemit(v, 2);
        assert_string_equal(back, c_loc);
        free(back);
        cs_json_free(v);
        free(here);
        free(c_loc);
    }
    setlocale(LC_NUMERIC, "C");
    if (!tried)
        skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_compact),
        cmocka_unit_test(test_writer_pretty),
        cmocka_unit_test(test_writer_scalar_roots),
        cmocka_unit_test(test_writer_file_mode),
        cmocka_unit_test(test_writer_int),
        cmocka_unit_test(test_number_table),
        cmocka_unit_test(test_number_round_trip),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_io_error),
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_integers),
        cmocka_unit_test(test_parse_nesting_limit),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_parse_mutations),
        cmocka_unit_test(test_parse_file),
        cmocka_unit_test(test_path_and_accessors),
        cmocka_unit_test(test_write_parse_write),
        cmocka_unit_test(test_locale_independence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
