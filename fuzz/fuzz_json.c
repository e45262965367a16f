/* libFuzzer harness: the JSON parser and writer (io/json.h).
 *
 * Checks the documented round trip: a document that parses, written back with cs_json_emit,
 * parses again and writes the same bytes (write -> parse -> write is the identity), in both
 * compact and pretty forms.  It also walks the tree through every accessor, and a few dotted
 * paths, so out-of-range and wrong-type answers are exercised on hostile shapes. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/json.h"

#define CHECK(c) ((c) ? (void)0 : __builtin_trap())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const cs_json *v, int depth)
{
    size_t n = 1;
    unsigned line, col;
    cs_json_position(v, &line, &col);
    CHECK(line >= 1 && col >= 1);
    switch (cs_json_type_of(v)) {
    case CS_JSON_ARRAY:
        for (size_t i = 0; i < cs_json_size(v); i++) n += walk(cs_json_at(v, i), depth + 1);
        CHECK(cs_json_at(v, cs_json_size(v)) == NULL);
        break;
    case CS_JSON_OBJECT:
        for (size_t i = 0; i < cs_json_size(v); i++) {
            const char *k = cs_json_member_key(v, i);
            CHECK(k != NULL);
            (void)cs_json_get(v, k);
            n += walk(cs_json_member_value(v, i), depth + 1);
        }
        CHECK(cs_json_member_key(v, cs_json_size(v)) == NULL);
        break;
    case CS_JSON_STRING:
        CHECK(cs_json_string_value(v) != NULL);
        CHECK(strlen(cs_json_string_value(v)) <= cs_json_string_length(v));
        break;
    case CS_JSON_NUMBER: {
        long long x;
        CHECK(isfinite(cs_json_number_value(v)));
        if (cs_json_int_value(v, &x)) (void)x;
        break;
    }
    default:
        break;
    }
    CHECK(depth <= CS_JSON_MAX_DEPTH);
    return n;
}

static char *emit(const cs_json *root, int indent, size_t *len)
{
    cs_json_writer *w = cs_json_writer_create_buffer(indent);
    if (!w) return NULL;
    cs_json_emit(w, root);
    cs_error e;
    char *out = NULL;
    if (cs_json_writer_finish(w, &e) == CS_OK) {
        const char *b = cs_json_writer_buffer(w, len);
        out = malloc(*len + 1);
        if (out) memcpy(out, b, *len + 1);
    } else {
        CHECK(e.code == CS_ENOMEM);
    }
    cs_json_writer_destroy(w);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_json *root = NULL;
    cs_error err;
    cs_status st = cs_json_parse((const char *)data, size, &root, &err);
    if (st != CS_OK) {
        CHECK(root == NULL);
        CHECK(st == CS_EINPUT || st == CS_ENOMEM);
        CHECK(err.msg[0] != '\0');
        return 0;
    }
    CHECK(root != NULL);
    walk(root, 0);
    (void)cs_json_path(root, "");
    (void)cs_json_path(root, "lines.101.abandon_rate.mean");
    (void)cs_json_path(root, "0.1.2");
    (void)cs_json_path(root, "a..b");

    for (int indent = 0; indent <= 2; indent += 2) {
        size_t n1 = 0, n2 = 0;
        char *t1 = emit(root, indent, &n1);
        if (!t1) continue;
        cs_json *again = NULL;
        CHECK(cs_json_parse(t1, n1, &again, &err) == CS_OK);
        char *t2 = emit(again, indent, &n2);
        if (t2) {
            CHECK(n1 == n2 && memcmp(t1, t2, n1) == 0);
        }
        free(t2);
        cs_json_free(again);
        free(t1);
    }
    cs_json_free(root);
    return 0;
}
