/* Tests for --set (io/override.c through cs_scn_load_set), value ranges (io/valrange.c) and
 * variant files (io/variant.c).
 *
 * The promise of --set is that a change from the command line is the same as the same edit in
 * the file: the resolved scenarios are compared as the JSON summary.json writes, byte for byte.
 * Every kind of bad path or value must be refused with the change named and no line/column,
 * while every good change goes through the loader's own validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/json.h"
#include "io/override.h"
#include "io/scenario.h"
#include "io/scenario_json.h"
#include "io/valrange.h"
#include "io/variant.h"
#include "models/dist.h"

static char dir[128];

static const char *base_text =
    "name: override test\n"
    "horizon: 2d\n"
    "warmup: 0s\n"
    "lines:\n"
    "  - name: \"101\"\n"
    "    arrivals: {rate: 60/h}\n"
    "    handle: {dist: lognormal, mean: 5m, sd: 3m}\n"
    "    patience: {dist: exponential, mean: 10m}\n"
    "  - name: \"999\"\n"
    "    arrivals: {rate: 20/h}\n"
    "    handle: 3m\n"
    "pools:\n"
    "  - name: call handlers\n"
    "    lines: [\"101\", \"999\"]\n"
    "    roster:\n"
    "      - {name: early, days: all, start: \"00:00\", length: 12h, staff: 8}\n"
    "      - {days: all, start: \"12:00\", length: 12h, staff: 9}\n";

static void write_file(const char *name, const char *text, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The resolved scenario as summary.json writes it. */
static char *json_of(const cs_scn *s)
{
    cs_json_writer *w = cs_json_writer_create_buffer(2);
    cs_scn_write_json(w, s);
    size_t len;
    const char *t = cs_json_writer_buffer(w, &len);
    char *c = malloc(len + 1);
    memcpy(c, t, len);
    c[len] = 0;
    cs_json_writer_destroy(w);
    return c;
}

static cs_scn *load_with(const char *path, const char *const *texts, size_t n, cs_diags *d, cs_status *st_out)
{
    cs_scn_set sets[16];
    char labels[16][32];
    for (size_t i = 0; i < n; i++) {
        snprintf(labels[i], sizeof labels[i], "--set #%zu", i + 1);
        sets[i] = (cs_scn_set){labels[i], texts[i], NULL, 0, 0, 0};
    }
    cs_scn *s = NULL;
    cs_status st = cs_scn_load_set(path, sets, n, &s, d);
    if (st_out) *st_out = st;
    return s;
}

/* --set gives the resolved scenario of the edited file, byte for byte. */
static void test_set_equals_edit(void **state)
{
    (void)state;
    char base[256], edited[256];
    write_file("base.yaml", base_text, base, sizeof base);
    /* The same three changes made by hand. */
    char *t = strdup(base_text);
    char *p = strstr(t, "mean: 10m");
    memcpy(p, "mean: 25m", 9);
    p = strstr(t, "staff: 9");
    memcpy(p, "staff: 7", 8);
    const char *add = "    callback: {offer_when_wait_over: 2m, accept: 50%, deadline: 1h}\n  - name: \"999\"";
    char *q = strstr(t, "  - name: \"999\"");
    size_t need = strlen(t) + strlen(add) + 1;
    char *u = malloc(need);
    snprintf(u, need, "%.*s%s%s", (int)(q - t), t, add, q + strlen("  - name: \"999\""));
    write_file("edited.yaml", u, edited, sizeof edited);
    const char *sets[] = {"lines.101.patience.mean=25m", "pools.\"call handlers\".roster[1].staff=7",
                          "lines.101.callback={offer_when_wait_over: 2m, accept: 50%, deadline: 1h}"};
    cs_diags d = {0};
    cs_status st;
    cs_scn *a = load_with(base, sets, 3, &d, &st);
    for (size_t i = 0; i < d.n; i++) {
        char buf[1024];
        cs_diag_format(&d.items[i], buf, sizeof buf);
        print_message("%s\n", buf);
    }
    assert_int_equal(st, CS_OK);
    cs_scn *b = load_with(edited, NULL, 0, &d, &st);
    assert_int_equal(st, CS_OK);
    char *ja = json_of(a), *jb = json_of(b);
    assert_string_equal(ja, jb);
    /* Negative control: the base itself differs. */
    cs_scn *c = load_with(base, NULL, 0, &d, &st);
    char *jc = json_of(c);
    assert_true(strcmp(ja, jc) != 0);
    free(ja);
    free(jb);
    free(jc);
    cs_scn_free(a);
    cs_scn_free(b);
    cs_scn_free(c);
    free(t);
    free(u);
    cs_diags_free(&d);
}

/* A value replaces what was there (no merge); null removes; new keys are made on the way. */
static void test_set_semantics(void **state)
{
    (void)state;
    char base[256];
    write_file("base.yaml", base_text, base, sizeof base);
    cs_diags d = {0};
    cs_status st;
    /* The lognormal's sd would be unknown to an exponential if the two were merged. */
    const char *s1[] = {"lines.101.handle={dist: exponential, mean: 4m}", "lines.101.patience=~",
                        "lines.999.redial.probability=30%", "lines.999.redial.delay=1m",
                        "lines.999.redial.max_attempts=3", "horizon = 3d"};
    cs_scn *a = load_with(base, s1, 6, &d, &st);
    for (size_t i = 0; i < d.n; i++) {
        char buf[1024];
        cs_diag_format(&d.items[i], buf, sizeof buf);
        print_message("%s\n", buf);
    }
    assert_int_equal(st, CS_OK);
    assert_true(a->horizon == 3 * 86400.0);
    assert_int_equal(a->queues[0].handle.kind, CS_DIST_EXPONENTIAL);
    assert_true(fabs(cs_dist_mean(&a->queues[0].handle) - 240) < 1e-9);
    assert_true(a->lines[1].redial.prob == 0.3);
    cs_scn_free(a);
    cs_diags_free(&d);
    /* Lookup: a bare path reads the current text and changes nothing. */
    char old[64];
    cs_scn_set look = {"--free #1", "lines.101.patience.mean", old, sizeof old, 0, 0};
    cs_scn *b = NULL;
    assert_int_equal(cs_scn_load_set(base, &look, 1, &b, &d), CS_OK);
    assert_string_equal(old, "10m");
    assert_int_equal(look.items, 2UL);   /* part 1 ("101") named an item of a list */
    cs_scn_set look2 = {"--free #1", "pools.\"call handlers\".roster.early.staff", old, sizeof old, 0, 0};
    cs_scn_free(b);
    assert_int_equal(cs_scn_load_set(base, &look2, 1, &b, &d), CS_OK);
    assert_string_equal(old, "8");
    assert_int_equal(look2.items, (1UL << 1) | (1UL << 3));
    cs_scn_free(b);
    cs_diags_free(&d);
}

typedef struct bad_case {
    const char *set;
    const char *phrase;   /* in the message */
    const char *path;     /* the diagnostic's key path */
} bad_case;

/* Every bad path or value: refused, labelled with the flag and its text, no line/column. */
static void test_set_errors(void **state)
{
    (void)state;
    char base[256];
    write_file("base.yaml", base_text, base, sizeof base);
    static const bad_case cases[] = {
        {"lines.102.handle=5m", "no line named '102'; the names are '101', '999'", "lines.102"},
        {"pools.\"call handlers\".roster.late.staff=3", "no item of 'roster' named 'late'", NULL},
        {"pools.\"call handlers\".roster[5].staff=3", "there is no [5]", NULL},
        {"lines.101.spillover.share=1x0%", "expected a share", "lines[0].spillover.share"},
        {"lines.101.pattience.mean=5m", "did you mean 'patience'", "lines[0].pattience"},
        {"lines.999.handle.mean=5m", "is a single value ('3m')", NULL},
        {"base=other.yaml", "'base' cannot be changed", NULL},
        {"lines..handle=5m", "empty part", NULL},
        {"lines.\"101.handle=5m", "not closed", NULL},
        {"horizon", "expected PATH=VALUE", NULL},
        {"=5m", "expected PATH=VALUE", NULL},
        {"lines.101.handle={dist: exponential, mean: 4m", "YAML syntax error", NULL},
        {"lines[x].handle=5m", "expected an index", NULL},
        {"horizon=-3d", "", "horizon"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *one[] = {"lines.101.patience.mean=20m", cases[i].set};
        cs_diags d = {0};
        cs_status st;
        cs_scn *s = load_with(base, one, 2, &d, &st);
        char want[300];
        snprintf(want, sizeof want, "--set #2 '%s'", cases[i].set);
        int found = 0;
        for (size_t k = 0; k < d.n; k++) {
            char buf[1024];
            cs_diag_format(&d.items[k], buf, sizeof buf);
            print_message("  [%zu] %s\n", i, buf);
            if (strcmp(d.items[k].file, want) == 0 && d.items[k].line == 0 && strstr(d.items[k].msg, cases[i].phrase) &&
                (!cases[i].path || strcmp(d.items[k].path, cases[i].path) == 0))
                found = 1;
        }
        assert_int_equal(st, CS_EINPUT);
        assert_null(s);
        assert_true(found);
        /* The good change before it is not blamed. */
        for (size_t k = 0; k < d.n; k++) assert_null(strstr(d.items[k].file, "#1"));
        cs_diags_free(&d);
    }
}

static void test_paths(void **state)
{
    (void)state;
    cs_ovpath p;
    const char *v;
    cs_error e;
    assert_int_equal(cs_ovpath_parse("pools.\"call handlers\".roster[2].staff=30", &p, &v, &e), CS_OK);
    assert_int_equal(p.n, 5);
    assert_string_equal(p.seg[1].name, "call handlers");
    assert_null(p.seg[3].name);
    assert_int_equal(p.seg[3].index, 2);
    assert_string_equal(v, "30");
    char buf[128];
    cs_ovpath_format(&p, p.n, buf, sizeof buf);
    assert_string_equal(buf, "pools.\"call handlers\".roster[2].staff");
    cs_ovpath_free(&p);
    assert_int_equal(cs_ovpath_parse("a.'it''s'.\"x\\\"y\".b.c=1=2", &p, &v, &e), CS_OK);
    assert_string_equal(p.seg[1].name, "it's");
    assert_string_equal(p.seg[2].name, "x\"y");
    assert_string_equal(v, "1=2");   /* the first '=' outside quotes splits */
    cs_ovpath_free(&p);
    assert_int_equal(cs_ovpath_parse("a.\"b=c\".d", &p, &v, &e), CS_OK);
    assert_null(v);
    assert_string_equal(p.seg[1].name, "b=c");
    cs_ovpath_free(&p);
    const char *bad[] = {"a.", ".a", "a..b", "a[1", "a.\"b", "[0]", "a\"b\"", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(cs_ovpath_parse(bad[i], &p, &v, &e), CS_EINPUT);
        cs_ovpath_free(&p);
    }
}

static void test_valrange(void **state)
{
    (void)state;
    cs_valrange r;
    cs_error e;
    assert_int_equal(cs_valrange_parse("0%..15%/2.5%", &r, &e), CS_OK);
    assert_int_equal(r.n, 7);
    assert_string_equal(r.text[1], "2.5%");
    assert_string_equal(r.text[6], "15%");
    assert_true(r.x[6] == 15);
    assert_string_equal(cs_valrange_unit_label(&r.unit), "%");
    cs_valrange_free(&r);
    assert_int_equal(cs_valrange_parse("1m..60m/5m", &r, &e), CS_OK);
    assert_int_equal(r.n, 12);   /* 1, 6, ..., 56: 60 is not on the grid */
    assert_string_equal(r.text[11], "56m");
    cs_valrange_free(&r);
    assert_int_equal(cs_valrange_parse("2000/day..3000/day/250/day", &r, &e), CS_OK);
    assert_int_equal(r.n, 5);
    assert_string_equal(r.text[4], "3000/day");
    cs_valrange_free(&r);
    assert_int_equal(cs_valrange_parse("30s..2m/30s", &r, &e), CS_OK);
    assert_int_equal(r.unit.kind, CS_VAL_DURATION);
    assert_string_equal(r.text[3], "2m");
    cs_valrange_free(&r);
    assert_int_equal(cs_valrange_parse("5,10,20", &r, &e), CS_OK);
    assert_true(r.unit.whole);
    cs_valrange_free(&r);
    assert_int_equal(cs_valrange_parse("{dist: exponential, mean: 3m}, {dist: lognormal, mean: 3m, sd: 2m}", &r, &e), CS_OK);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.unit.kind, CS_VAL_TEXT);
    assert_string_equal(r.text[1], "{dist: lognormal, mean: 3m, sd: 2m}");
    cs_valrange_free(&r);
    const char *bad[] = {"1..5/0", "5..1/1", "0..5000/1", "1,,2", "1m..2h", "x..y/z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(cs_valrange_parse(bad[i], &r, &e), CS_EINPUT);
        cs_valrange_free(&r);
    }
    cs_valunit u;
    double lo, hi;
    assert_int_equal(cs_valrange_bounds("1m..60m", &u, &lo, &hi, &e), CS_OK);
    assert_true(lo == 1 && hi == 60);
    char buf[32];
    cs_valrange_format_dec(&u, 19.20452, 2, buf, sizeof buf);
    assert_string_equal(buf, "19.2m");
    assert_int_equal(cs_valrange_bounds("5..80", &u, &lo, &hi, &e), CS_OK);
    assert_true(u.whole);
    assert_int_equal(cs_valrange_bounds("30s..2m", &u, &lo, &hi, &e), CS_OK);
    assert_true(u.kind == CS_VAL_DURATION && lo == 30 && hi == 120);
    assert_int_equal(cs_valrange_bounds("5..5", &u, &lo, &hi, &e), CS_EINPUT);
}

/* A variant written from changes loads to the scenario the changes give, through base:. */
static void test_variant_round_trip(void **state)
{
    (void)state;
    char base[256], var[256];
    write_file("base.yaml", base_text, base, sizeof base);
    const char *texts[] = {"lines.101.patience.mean=19.2m", "name=a \"quoted\": name #1",
                           "lines.999.patience={dist: exponential, mean: 1m}"};
    cs_scn_set sets[3];
    for (int i = 0; i < 3; i++) sets[i] = (cs_scn_set){"--set", texts[i], NULL, 0, 0, 0};
    cs_scn *a = NULL;
    cs_diags d = {0};
    assert_int_equal(cs_scn_load_set(base, sets, 3, &a, &d), CS_OK);
    cs_variant_change ch[3];
    for (int i = 0; i < 3; i++) ch[i] = (cs_variant_change){texts[i], sets[i].items, sets[i].unnamed};
    snprintf(var, sizeof var, "%s/variant.yaml", dir);
    FILE *f = fopen(var, "w");
    cs_error e = {CS_OK, ""};
    assert_int_equal(cs_variant_write(f, "base.yaml", NULL, "fitted\nby a test: #1", ch, 3, &e), CS_OK);
    fclose(f);
    cs_scn *b = NULL;
    cs_status st = cs_scn_load(var, &b, &d);
    for (size_t i = 0; i < d.n; i++) {
        char buf[1024];
        cs_diag_format(&d.items[i], buf, sizeof buf);
        print_message("%s\n", buf);
    }
    assert_int_equal(st, CS_OK);
    char *ja = json_of(a), *jb = json_of(b);
    assert_string_equal(ja, jb);
    free(ja);
    free(jb);
    cs_scn_free(a);
    cs_scn_free(b);
    /* An item by position, or by name in a list with unnamed items, cannot be expressed. */
    const char *t2[] = {"pools.\"call handlers\".roster[1].staff=7", "pools.\"call handlers\".roster.early.staff=6"};
    for (int i = 0; i < 2; i++) {
        cs_scn_set s2 = {"--set", t2[i], NULL, 0, 0, 0};
        assert_int_equal(cs_scn_load_set(base, &s2, 1, &a, &d), CS_OK);
        cs_scn_free(a);
        cs_variant_change c2 = {t2[i], s2.items, s2.unnamed};
        f = fopen(var, "w");
        assert_int_equal(cs_variant_write(f, "base.yaml", NULL, NULL, &c2, 1, &e), CS_EINPUT);
        assert_non_null(strstr(e.msg, i == 0 ? "position" : "no name"));
        fclose(f);
    }
    cs_diags_free(&d);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/callsim-override-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *files[] = {"base.yaml", "edited.yaml", "variant.yaml"};
    for (size_t i = 0; i < 3; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_equals_edit), cmocka_unit_test(test_set_semantics),
        cmocka_unit_test(test_set_errors),      cmocka_unit_test(test_paths),
        cmocka_unit_test(test_valrange),        cmocka_unit_test(test_variant_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
