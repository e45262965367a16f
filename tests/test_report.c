/* Tests for plots/report: the HTML report of a results folder.
 *
 * Each test copies a fixture folder (tests/data/report/run or .../comparison: hand-made but
 * shaped like real output, with small SVG charts whose ids clash between files as cairo's do)
 * into a fresh temporary folder and writes the report there.  The checks read the HTML as text,
 * no parser: the page is self-contained (no http(s) reference outside the verbatim scenario
 * text), every chart is inlined (a marker in each fixture SVG) with its ids made unique, the
 * headline numbers read as expected (the expected strings are computed here, with an
 * independent formatter, from the fixture's own values), user text is escaped, the print rules
 * are there, and the output is byte-identical on a second run.  Error cases (missing or
 * malformed summary.json, a missing or unsafe chart) must return the documented code and leave
 * the folder exactly as it was: no report.html, no temporary file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/json.h"
#include "plots/report.h"

#define RUN_FIXTURE "tests/data/report/run"
#define CMP_FIXTURE "tests/data/report/comparison"
#define GENERATED "2026-11-29 17:20 UTC"

/* ------------------------------------------------------------------------------------------
 * Files and folders
 * ---------------------------------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) free(buf);
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static char *join(const char *a, const char *b)
{
    char *p = malloc(strlen(a) + strlen(b) + 2);
    assert_non_null(p);
    sprintf(p, "%s/%s", a, b);
    return p;
}

static void copy_tree(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *s = join(src, e->d_name), *t = join(dst, e->d_name);
        struct stat st;
        assert_int_equal(stat(s, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            assert_int_equal(mkdir(t, 0755), 0);
            copy_tree(s, t);
        } else {
            size_t n;
            char *text = read_file(s, &n);
            assert_non_null(text);
            FILE *f = fopen(t, "wb");
            assert_non_null(f);
            assert_int_equal(fwrite(text, 1, n, f), n);
            assert_int_equal(fclose(f), 0);
            free(text);
        }
        free(s);
        free(t);
    }
    closedir(d);
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char *p = join(path, e->d_name);
            remove_tree(p);
            free(p);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* A fresh temporary folder holding a copy of fixture (or empty when fixture is NULL). */
static char *fresh_copy(const char *fixture)
{
    char tmpl[] = "/tmp/cs_test_report_XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    if (fixture) copy_tree(fixture, dir);
    return strdup(dir);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The names in a folder (including hidden ones), sorted and joined by '|'. */
static char *listing(const char *path)
{
    DIR *d = opendir(path);
    assert_non_null(d);
    char *names[256];
    size_t n = 0, total = 1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 256) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        names[n] = strdup(e->d_name);
        total += strlen(names[n]) + 1;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    char *out = calloc(1, total);
    for (size_t i = 0; i < n; i++) {
        strcat(out, names[i]);
        strcat(out, "|");
        free(names[i]);
    }
    return out;
}

/* Replaces the one occurrence of `from` in the file (fails the test if there is not exactly one). */
static void replace_once(const char *path, const char *from, const char *to)
{
    char *text = read_file(path, NULL);
    assert_non_null(text);
    char *at = strstr(text, from);
    assert_non_null(at);
    assert_null(strstr(at + 1, from));
    size_t n = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    size_t pre = (size_t)(at - text);
    memcpy(out, text, pre);
    strcpy(out + pre, to);
    strcat(out, at + strlen(from));
    write_file(path, out);
    free(out);
    free(text);
}

static char *generate(const char *dir)
{
    cs_error err = {CS_OK, ""};
    cs_status st = cs_report_write(dir, GENERATED, &err);
    if (st != CS_OK) fprintf(stderr, "cs_report_write: %s\n", err.msg);
    assert_int_equal(st, CS_OK);
    char *path = join(dir, "report.html");
    char *html = read_file(path, NULL);
    free(path);
    assert_non_null(html);
    return html;
}

/* ------------------------------------------------------------------------------------------
 * Reading the HTML without a parser
 * ---------------------------------------------------------------------------------------- */

/* The visible text: tags (and <style>/<svg> content) become single spaces, the entities the
 * report uses are decoded, whitespace runs collapse to one space. */
static char *text_of(const char *html)
{
    static const struct { const char *ent, *txt; } ents[] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
        {"&ldquo;", "\xe2\x80\x9c"}, {"&rdquo;", "\xe2\x80\x9d"}, {"&rsquo;", "\xe2\x80\x99"},
        {"&plusmn;", "\xc2\xb1"}, {"&ndash;", "\xe2\x80\x93"}, {"&mdash;", "\xe2\x80\x94"},
        {"&middot;", "\xc2\xb7"},
    };
    size_t n = strlen(html);
    char *out = malloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (html[i] == '<') {
            const char *skip_to = NULL;
            if (strncmp(html + i, "<style", 6) == 0) skip_to = "</style>";
            else if (strncmp(html + i, "<svg", 4) == 0) skip_to = "</svg>";
            const char *end = skip_to ? strstr(html + i, skip_to) : strchr(html + i, '>');
            assert_non_null(end);
            i = (size_t)(end - html) + (skip_to ? strlen(skip_to) : 1);
            if (o > 0 && out[o - 1] != ' ') out[o++] = ' ';
            continue;
        }
        if (html[i] == '&') {
            size_t k;
            for (k = 0; k < sizeof ents / sizeof ents[0]; k++)
                if (strncmp(html + i, ents[k].ent, strlen(ents[k].ent)) == 0) break;
            if (k < sizeof ents / sizeof ents[0]) {
                memcpy(out + o, ents[k].txt, strlen(ents[k].txt));
                o += strlen(ents[k].txt);
                i += strlen(ents[k].ent);
                continue;
            }
        }
        if (isspace((unsigned char)html[i])) {
            if (o > 0 && out[o - 1] != ' ') out[o++] = ' ';
            i++;
            continue;
        }
        out[o++] = html[i++];
    }
    out[o] = '\0';
    return out;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) fail_msg("expected to find: %s", needle);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

/* The HTML with every <pre class="file scenario"> block removed: the verbatim scenario text is
 * the one place where a URL (in a YAML comment) is allowed. */
static char *without_scenario_text(const char *html)
{
    char *out = strdup(html);
    for (;;) {
        char *a = strstr(out, "<pre class=\"file scenario\">");
        if (!a) break;
        char *b = strstr(a, "</pre>");
        assert_non_null(b);
        memmove(a, b + 6, strlen(b + 6) + 1);
    }
    return out;
}

/* ------------------------------------------------------------------------------------------
 * Expected numbers, formatted independently of the module
 * ---------------------------------------------------------------------------------------- */

static double fx(const cs_json *root, const char *path)
{
    const cs_json *v = cs_json_path(root, path);
    assert_int_equal(cs_json_type_of(v), CS_JSON_NUMBER);
    return cs_json_number_value(v);
}

/* Halves round away from zero, as the report does. */
static void pct1(char *buf, double share) { sprintf(buf, "%.1f%%", round(1000.0 * share) / 10.0); }

/* "12.3% (11.9% to 12.7%)": the interval cut at 0% and 100%. */
static void expect_share(char *buf, double m, double h)
{
    char a[32], b[32], c[32];
    pct1(a, m);
    pct1(b, m - h < 0 ? 0 : m - h);
    pct1(c, m + h > 1 ? 1 : m + h);
    sprintf(buf, "%s (%s to %s)", a, b, c);
}

static void time_text(char *buf, double s, int dec)
{
    if (s < 59.5) sprintf(buf, "%.*f s", dec, s);
    else {
        long t = lround(s);
        sprintf(buf, "%ld min %02ld s", t / 60, t % 60);
    }
}

static void expect_time(char *buf, double m, double h)
{
    int dec = m < 10 ? 1 : 0;
    char a[32], b[32], c[32];
    time_text(a, m, dec);
    time_text(b, m - h, dec);
    time_text(c, m + h, dec);
    sprintf(buf, "%s (%s to %s)", a, b, c);
}

static void grouped(char *buf, double v)
{
    long x = lround(fabs(v));
    char digits[32], out[48];
    sprintf(digits, "%ld", x);
    size_t n = strlen(digits), o = 0;
    if (v < 0 && x != 0) out[o++] = '-';
    for (size_t i = 0; i < n; i++) {
        out[o++] = digits[i];
        if ((n - i - 1) % 3 == 0 && i + 1 < n) out[o++] = ',';
    }
    out[o] = '\0';
    strcpy(buf, out);
}

static void expect_count(char *buf, double m, double h)
{
    char a[32], b[32], c[32];
    grouped(a, m);
    grouped(b, m - h);
    grouped(c, m + h);
    sprintf(buf, "%s (%s to %s)", a, b, c);
}

/* "+1.0" / "-4.2" / "0.0" */
static void signed1(char *buf, double v)
{
    sprintf(buf, "%+.1f", round(10.0 * v) / 10.0);
    if (strcmp(buf, "+0.0") == 0 || strcmp(buf, "-0.0") == 0) strcpy(buf, "0.0");
}

/* "-4.2 points (-4.8 to -3.7)" */
static void expect_points(char *buf, double d, double h)
{
    char a[32], b[32], c[32];
    signed1(a, 100 * d);
    signed1(b, 100 * (d - h));
    signed1(c, 100 * (d + h));
    sprintf(buf, "%s points (%s to %s)", a, b, c);
}

static cs_json *load_json(const char *path)
{
    cs_json *j = NULL;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_json_parse_file(path, &j, &err), CS_OK);
    return j;
}

/* ------------------------------------------------------------------------------------------
 * Run report
 * ---------------------------------------------------------------------------------------- */

static void test_run_report(void **state)
{
    (void)state;
    char *dir = fresh_copy(RUN_FIXTURE);
    char *html = generate(dir);
    char *text = text_of(html);
    cs_json *sum = load_json(RUN_FIXTURE "/summary.json");
    cs_json *man = load_json(RUN_FIXTURE "/charts/charts.json");

    assert_true(strncmp(html, "<!DOCTYPE html>\n", 16) == 0);
    assert_contains(html, "<meta charset=\"utf-8\">");
    assert_contains(html, "<h1>Baseline - mid-sized force</h1>");

    /* Self-contained: nothing to fetch, nothing to run. */
    char *outside = without_scenario_text(html);
    assert_null(strstr(outside, "http://"));
    assert_null(strstr(outside, "https://"));
    assert_null(strstr(outside, "<script"));
    assert_null(strstr(outside, "<link"));
    assert_null(strstr(outside, "@import"));
    assert_null(strstr(outside, "url(http"));
    assert_null(strstr(outside, "src="));
    assert_contains(html, "https://www.apccs.police.uk/"); /* the YAML comment, shown verbatim */
    free(outside);

    /* Every chart of the manifest, inlined, with title and caption. */
    const cs_json *charts = cs_json_get(man, "charts");
    assert_int_equal(cs_json_size(charts), 3);
    for (size_t i = 0; i < cs_json_size(charts); i++) {
        const cs_json *c = cs_json_at(charts, i);
        char marker[128];
        sprintf(marker, "<desc>fixture-marker:%s</desc>", cs_json_string_value(cs_json_get(c, "file")));
        assert_int_equal(count_of(html, marker), 1);
        assert_contains(text, cs_json_string_value(cs_json_get(c, "title")));
        assert_contains(text, cs_json_string_value(cs_json_get(c, "caption")));
    }
    assert_int_equal(count_of(html, "<svg "), 3);
    assert_int_equal(count_of(html, "</svg>"), 3);
    assert_null(strstr(html, "<?xml"));
    assert_null(strstr(html, "<!DOCTYPE svg"));
    assert_null(strstr(html, "xmlns"));
    assert_null(strstr(html, "<!--"));
    /* service_level.svg has width/height in px and no viewBox: one is made from them. */
    assert_contains(html, "viewBox=\"0 0 480 300\"");
    assert_contains(html, "viewBox=\"0 0 454 283\"");
    assert_null(strstr(html, "width=\"454pt\""));
    /* The three files all define glyph0-1 and clip1: each chart gets its own names. */
    assert_null(strstr(html, "id=\"glyph0-1\""));
    for (int c = 1; c <= 3; c++) {
        char want[64];
        sprintf(want, "id=\"c%d-glyph0-1\"", c);
        assert_int_equal(count_of(html, want), 1);
        sprintf(want, "xlink:href=\"#c%d-glyph0-1\"", c);
        assert_true(count_of(html, want) >= 1);
        sprintf(want, "id=\"c%d-clip1\"", c);
        assert_int_equal(count_of(html, want), 1);
    }
    assert_contains(html, "clip-path=\"url(#c1-clip1)\"");
    assert_null(strstr(html, "url(#clip1)"));
    assert_contains(html, "figure.chart svg { display: block; width: 100%; max-width: 100%; height: auto;");

    /* Headline numbers, from the fixture's values. */
    char want[256], val[128];
    static const char *const lines[] = {"999", "101"};
    static const char *const targets[] = {"10 seconds", "30 seconds"};
    for (int l = 0; l < 2; l++) {
        char p[96];
        sprintf(p, "lines.%s.abandon_rate.", lines[l]);
        char pm[128], ph[128];
        sprintf(pm, "%smean", p);
        sprintf(ph, "%sci95", p);
        expect_share(val, fx(sum, pm), fx(sum, ph));
        sprintf(want, "Calls abandoned or cut off before contact %s", val);
        assert_contains(text, want);

        sprintf(pm, "lines.%s.service_level.mean", lines[l]);
        sprintf(ph, "lines.%s.service_level.ci95", lines[l]);
        expect_share(val, fx(sum, pm), fx(sum, ph));
        char tgt[32];
        sprintf(tgt, "%.0f%%", 100 * fx(sum, "resolved_scenario.lines.0.target.share"));
        sprintf(want, "Answered within %s (target %s) %s", targets[l], tgt, val);
        assert_contains(text, want);

        sprintf(pm, "lines.%s.asa.mean", lines[l]);
        sprintf(ph, "lines.%s.asa.ci95", lines[l]);
        expect_time(val, fx(sum, pm), fx(sum, ph));
        sprintf(want, "Average wait to be answered %s", val);
        assert_contains(text, want);

        sprintf(pm, "lines.%s.never_reached_rate.mean", lines[l]);
        sprintf(ph, "lines.%s.never_reached_rate.ci95", lines[l]);
        expect_share(val, fx(sum, pm), fx(sum, ph));
        sprintf(want, "Callers who never got through %s", val);
        assert_contains(text, want);

        sprintf(pm, "lines.%s.offered.mean", lines[l]);
        sprintf(ph, "lines.%s.offered.ci95", lines[l]);
        expect_count(val, fx(sum, pm), fx(sum, ph));
        sprintf(want, "Calls received in the week, including repeat attempts %s", val);
        assert_contains(text, want);
    }
    /* The fixture's 101 ASA is over a minute: "4 min 05 s (3 min 51 s to 4 min 20 s)". */
    expect_time(val, fx(sum, "lines.101.asa.mean"), fx(sum, "lines.101.asa.ci95"));
    assert_non_null(strstr(val, " min "));
    /* Counts read as counts (issue 13): whole numbers, and what they add up to in a year. */
    assert_contains(text, "101 callers who gave up and rang 999, in the week 94 (85 to 102) about 4,900 a year");
    assert_null(strstr(text, "93.6"));
    /* 999 has no spillover of its own, no transfers and no callbacks: those rows are not shown. */
    assert_null(strstr(text, "999 callers who gave up"));
    assert_int_equal(count_of(text, "Calls passed on to crime bureau, in the week"), 1);
    assert_null(strstr(text, "booked a callback"));
    assert_null(strstr(text, "Callbacks made"));
    /* Both lines miss their 90% target. */
    assert_contains(text, "On the 999 line, 86.1% of calls were answered within 10 seconds against a target of 90%: below target");
    assert_contains(text, "On the 101 line, 41.3% of calls were answered within 30 seconds against a target of 90%: below target");

    /* Full tables with units, assumptions in words, appendix. */
    assert_contains(text, "Calls abandoned or cut off before contact 17.71% \xc2\xb1 0.68 points");
    assert_contains(text, "Average wait to be answered 4 min 05 s \xc2\xb1 15 s");
    assert_contains(text, "Handlers on duty (average) 18.4 \xc2\xb1 0.0");
    assert_contains(text, "Line 999 : about 5,600 calls a week (800 a day on average)");
    assert_contains(text, "busiest time is Saturday 19:00\xe2\x80\x93" "20:00");
    assert_contains(text, "callers first hear a recorded menu lasting 1 min on average (lognormal(mean 60 s, sd 20 s))");
    assert_contains(text, "4% hang up during it and 5% are sent elsewhere");
    assert_contains(text, "Line 101 to 999 : of the callers who hang up after waiting more than 5 min, 5% ring 999 instead");
    assert_contains(text, "handling takes 4 min on average (lognormal(mean 240 s, sd 180 s))");
    assert_contains(text, "30% of answered calls are then passed on to the crime bureau queue");
    assert_contains(text, "Shrinkage (time lost to leave, sickness and training) is 30%");
    assert_contains(text, "between 8 and 32 handlers are on duty over the week (32 from Monday 14:00), 16.8 on average");
    assert_contains(text, "in order of priority: 999 calls, then 101 calls");
    assert_contains(text, "Surges, technology and outages None:");
    assert_contains(text, "The measured period is the 7 days from Tuesday 00:00");
    assert_contains(text, "Seed 2026 Replications 20");
    assert_contains(text, "callsim version 0.1.0 Generated " GENERATED);
    /* The scenario file verbatim, escaped. */
    assert_contains(html, "#! (fixture note: &lt;b&gt;bold&lt;/b&gt; &amp; \"quotes\" must show as text)");
    assert_contains(html, "name: Baseline - mid-sized force\ndescription: &gt;\n");

    /* Print rules. */
    assert_contains(html, "@page { size: A4; margin: 18mm }");
    assert_contains(html, "break-inside: avoid");
    assert_contains(html, "thead { display: table-header-group }");
    assert_contains(html, "font-variant-numeric: tabular-nums");
    assert_contains(html, "font-size: 10.5pt");
    assert_contains(html, "#0072B2");

    /* Byte-identical on a second run, and nothing else left in the folder. */
    char *again = generate(dir);
    assert_string_equal(html, again);
    char *ls = listing(dir);
    assert_string_equal(ls, "charts|report.html|scenario.yaml|summary.json|");
    free(ls);

    free(again);
    cs_json_free(man);
    cs_json_free(sum);
    free(text);
    free(html);
    remove_tree(dir);
    free(dir);
}

/* ------------------------------------------------------------------------------------------
 * Comparison report
 * ---------------------------------------------------------------------------------------- */

static void test_comparison_report(void **state)
{
    (void)state;
    char *dir = fresh_copy(CMP_FIXTURE);
    char *html = generate(dir);
    char *text = text_of(html);
    cs_json *sum = load_json(CMP_FIXTURE "/summary.json");

    char *outside = without_scenario_text(html);
    assert_null(strstr(outside, "http://"));
    assert_null(strstr(outside, "https://"));
    free(outside);
    assert_int_equal(count_of(html, "<desc>fixture-marker:abandon_rate_by_scenario</desc>"), 1);
    assert_int_equal(count_of(html, "<desc>fixture-marker:service_level_by_scenario</desc>"), 1);
    assert_int_equal(count_of(html, "id=\"c1-glyph0-1\""), 1);
    assert_int_equal(count_of(html, "id=\"c2-glyph0-1\""), 1);

    /* Scenarios are columns, base first. */
    const char *n0 = cs_json_string_value(cs_json_path(sum, "scenarios.0.name"));
    const char *n1 = cs_json_string_value(cs_json_path(sum, "scenarios.1.name"));
    const char *n2 = cs_json_string_value(cs_json_path(sum, "scenarios.2.name"));
    char want[512], val[128], dif[128];
    sprintf(want, "Measure %s base %s %s", n0, n1, n2);
    assert_contains(text, want);
    assert_contains(text, "compared with 2 alternatives");

    /* 101 abandonment: each variant with its difference from the base, significant in words. */
    expect_share(val, fx(sum, "scenarios.0.lines.101.abandon_rate.mean"), fx(sum, "scenarios.0.lines.101.abandon_rate.ci95"));
    sprintf(want, "Calls abandoned or cut off before contact %s ", val);
    assert_contains(text, want);
    for (int v = 1; v <= 2; v++) {
        char pm[96], ph[96], dm[96], dh[96];
        sprintf(pm, "scenarios.%d.lines.101.abandon_rate.mean", v);
        sprintf(ph, "scenarios.%d.lines.101.abandon_rate.ci95", v);
        sprintf(dm, "differences.%d.lines.101.abandon_rate.diff", v - 1);
        sprintf(dh, "differences.%d.lines.101.abandon_rate.ci95", v - 1);
        double d = fx(sum, dm), h = fx(sum, dh);
        assert_true(d + h < 0); /* the fixture's variants both cut abandonment, clearly */
        expect_share(val, fx(sum, pm), fx(sum, ph));
        expect_points(dif, d, h);
        sprintf(want, "%s %s significantly better", val, dif);
        assert_contains(text, want);
    }
    /* 999 calls offered do not change: a difference whose interval includes 0. */
    {
        double d = fx(sum, "differences.0.lines.999.offered.diff"), h = fx(sum, "differences.0.lines.999.offered.ci95");
        assert_true(fabs(d) <= h);
        char a[32], b[32], c[32];
        grouped(a, d);
        grouped(b, d - h);
        grouped(c, d + h);
        sprintf(want, "%s (%s to +%s) not significant", a, b, c);
        assert_contains(text, want);
    }
    /* Service level goes up: "+12.8 points (...) significantly better". */
    expect_points(dif, fx(sum, "differences.0.lines.101.service_level.diff"),
                  fx(sum, "differences.0.lines.101.service_level.ci95"));
    sprintf(want, "%s significantly better", dif);
    assert_contains(text, want);
    assert_true(dif[0] == '+');
    /* Full tables: the difference of 999 redials (-1.4 +- 5.2, a count: -1 +- 5) is not starred. */
    assert_contains(text, "-1 \xc2\xb1 5 ");
    assert_null(strstr(text, "-1 \xc2\xb1 5 *"));

    /* What each variant changes, in words. */
    sprintf(want, "What changes in \xe2\x80\x9c%s\xe2\x80\x9d New: Technology \xe2\x80\x9cnew contact system\xe2\x80\x9d : "
                  "after-call work on all lines takes 0.7 times as long (30%% less) throughout.", n1);
    assert_contains(text, want);
    sprintf(want, "What changes in \xe2\x80\x9c%s\xe2\x80\x9d Changed: Team call handlers", n2);
    assert_contains(text, want);
    assert_contains(text, "between 8 and 36 handlers are on duty over the week");

    /* Every scenario file in the appendix, in order, named after its scenario. */
    const char *a1 = strstr(text, "scenarios/1-baseline.yaml: Baseline - mid-sized force");
    const char *a2 = strstr(text, "scenarios/2-new_system.yaml: Variant - new system cuts wrap-up by 30%");
    const char *a3 = strstr(text, "scenarios/3-evening_handlers.yaml: Variant - 6 more handlers in the evening");
    assert_non_null(a1);
    assert_non_null(a2);
    assert_non_null(a3);
    assert_true(a1 < a2 && a2 < a3);
    assert_contains(html, "technology:\n  - {name: new contact system, on: wrap, factor: 0.7}\n");
    assert_contains(html, "base: baseline.yaml\nname: Variant - 6 more handlers in the evening\n");

    char *again = generate(dir);
    assert_string_equal(html, again);
    char *ls = listing(dir);
    assert_string_equal(ls, "charts|comparison.csv|report.html|scenarios|summary.json|");
    free(ls);

    free(again);
    cs_json_free(sum);
    free(text);
    free(html);
    remove_tree(dir);
    free(dir);
}

/* ------------------------------------------------------------------------------------------
 * Escaping, edge values
 * ---------------------------------------------------------------------------------------- */

static void test_hostile_text_is_escaped(void **state)
{
    (void)state;
    char *dir = fresh_copy(RUN_FIXTURE);
    char *sum = join(dir, "summary.json"), *man = join(dir, "charts/charts.json");
    replace_once(sum, "\"scenario\": \"Baseline - mid-sized force\"",
                 "\"scenario\": \"<script>alert(\\\"x\\\")</script> & Co\"");
    replace_once(sum, "\"name\": \"Baseline - mid-sized force\"", "\"name\": \"<script>alert(2)</script>\"");
    replace_once(sum, "\"description\": \"A mid-sized", "\"description\": \"<iframe src=x></iframe> A mid-sized");
    replace_once(man, "\"title\": \"Answered within the target time\"",
                 "\"title\": \"<img src=x onerror=alert(1)>\"");
    char *html = generate(dir);
    for (char *p = html; *p; p++) *p = (char)tolower((unsigned char)*p);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "<iframe"));
    assert_contains(html, "<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</h1>");
    assert_contains(html, "<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co: simulation report</title>");
    assert_contains(html, "&lt;iframe src=x&gt;&lt;/iframe&gt; a mid-sized");
    assert_contains(html, "<b>figure 2. &lt;img src=x onerror=alert(1)&gt;.</b>");
    assert_contains(html, "aria-label=\"&lt;img src=x onerror=alert(1)&gt;\"");
    free(html);
    free(sum);
    free(man);
    remove_tree(dir);
    free(dir);
}

/* A null mean (no calls) and an interval that would cross zero. */
static void test_null_and_clamped_values(void **state)
{
    (void)state;
    char *dir = fresh_copy(RUN_FIXTURE);
    char *sum = join(dir, "summary.json");
    replace_once(sum, "\"mean\": 245.3,", "\"mean\": null,");             /* 101 asa */
    replace_once(sum, "\"mean\": 0.02896,\n        \"ci95\": 0.0019",      /* 999 abandon_rate */
                 "\"mean\": 0.001,\n        \"ci95\": 0.003");
    char *html = generate(dir);
    char *text = text_of(html);
    assert_contains(text, "Average wait to be answered not defined (no calls)");
    assert_contains(text, "Calls abandoned or cut off before contact 0.1% (0.0% to 0.4%)");
    free(text);
    free(html);
    free(sum);
    remove_tree(dir);
    free(dir);
}

/* Without charts/ the report is still written, and says so. */
static void test_no_charts(void **state)
{
    (void)state;
    char *dir = fresh_copy(RUN_FIXTURE);
    char *charts = join(dir, "charts");
    remove_tree(charts);
    char *html = generate(dir);
    assert_contains(html, "This folder has no charts");
    assert_null(strstr(html, "<svg"));
    free(html);
    free(charts);
    remove_tree(dir);
    free(dir);
}

/* ------------------------------------------------------------------------------------------
 * Errors: the right code and message, and the folder left exactly as it was
 * ---------------------------------------------------------------------------------------- */

static void expect_failure(const char *dir, cs_status code, const char *must_contain)
{
    char *before = listing(dir);
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_report_write(dir, GENERATED, &err), code);
    assert_int_equal(err.code, code);
    if (must_contain && !strstr(err.msg, must_contain))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, must_contain);
    char *after = listing(dir);
    assert_string_equal(before, after); /* no report.html, no .report.html.XXXXXX */
    free(before);
    free(after);
}

static void test_missing_summary(void **state)
{
    (void)state;
    char *dir = fresh_copy(NULL);
    char want[512];
    sprintf(want, "%s/summary.json: not found", dir);
    expect_failure(dir, CS_EINPUT, want);
    cs_error err = {CS_OK, ""};
    cs_report_write(dir, GENERATED, &err);
    assert_true(strncmp(err.msg, want, strlen(want)) == 0);
    remove_tree(dir);
    free(dir);
}

static void test_malformed_summary(void **state)
{
    (void)state;
    char *dir = fresh_copy(RUN_FIXTURE);
    char *sum = join(dir, "summary.json");
    static const char bad[] = "{\n  \"kind\": \"run\",\n  \"lines\": {\"999\": }\n}\n";
    write_file(sum, bad);
    /* The message is the parser's, position and all, after the path. */
    cs_json *j = NULL;
    cs_error perr = {CS_OK, ""};
    assert_int_equal(cs_json_parse(bad, strlen(bad), &j, &perr), CS_EINPUT);
    assert_non_null(strstr(perr.msg, "line 3, column 20"));
    char want[1024];
    snprintf(want, sizeof want, "%s: %s", sum, perr.msg);
    expect_failure(dir, CS_EINPUT, want);

    /* Valid JSON but not a summary: an unknown kind, with its position. */
    write_file(sum, "{\n  \"kind\": \"forecast\",\n  \"lines\": {}\n}\n");
    snprintf(want, sizeof want, "%s: line 2, column 11: \"kind\" must be \"run\", \"comparison\" or \"national\"", sum);
    expect_failure(dir, CS_EINPUT, want);
    write_file(sum, "{\"kind\": \"run\", \"lines\": []}");
    expect_failure(dir, CS_EINPUT, "needs a \"lines\" object");
    write_file(sum, "{\"kind\": \"comparison\", \"scenarios\": []}");
    expect_failure(dir, CS_EINPUT, "non-empty \"scenarios\" array");

    /* A broken charts.json is reported with its position too. */
    char *fixture_sum = read_file(RUN_FIXTURE "/summary.json", NULL);
    write_file(sum, fixture_sum);
    free(fixture_sum);
    char *man = join(dir, "charts/charts.json");
    write_file(man, "{\"charts\": [\n  {\"file\": \"a\",}\n]}");
    snprintf(want, sizeof want, "%s: line 2, column", man);
    expect_failure(dir, CS_EINPUT, want);
    write_file(man, "{\"charts\": [{\"file\": \"../summary\"}]}");
    expect_failure(dir, CS_EINPUT, "needs \"file\"");

    /* An old report survives a failed attempt untouched. */
    char *rep = join(dir, "report.html");
    write_file(rep, "old report");
    expect_failure(dir, CS_EINPUT, NULL);
    char *kept = read_file(rep, NULL);
    assert_string_equal(kept, "old report");
    free(kept);
    free(rep);
    free(man);
    free(sum);
    remove_tree(dir);
    free(dir);
}

/* Replaces the first occurrence of `from` (which must be there). */
static void replace_first(const char *path, const char *from, const char *to)
{
    char *text = read_file(path, NULL);
    assert_non_null(text);
    char *at = strstr(text, from);
    if (!at) fail_msg("%s: no \"%s\"", path, from);
    char *out = malloc(strlen(text) - strlen(from) + strlen(to) + 1);
    assert_non_null(out);
    size_t pre = (size_t)(at - text);
    memcpy(out, text, pre);
    strcpy(out + pre, to);
    strcat(out, at + strlen(from));
    write_file(path, out);
    free(out);
    free(text);
}

/* Defect D2: a value of the wrong JSON type anywhere the report reads (a line's KPIs as an
 * array crashed it) is an input error naming the file, the position, the path and what was
 * expected; nothing is written. */
static void test_wrong_types_refused(void **state)
{
    (void)state;
    static const struct {
        const char *fixture, *file, *from, *to, *want;
    } cases[] = {
        {RUN_FIXTURE, "summary.json", "\"999\": {", "\"999\": [1, 2], \"x\": {",
         "line 10, column 12: lines[\"999\"] must be an object of KPIs such as"},
        {RUN_FIXTURE, "summary.json", "\"call handlers\": {", "\"call handlers\": [], \"x\": {",
         "pools[\"call handlers\"] must be an object of KPIs"},
        {RUN_FIXTURE, "summary.json", "\"mean\": 16824.7", "\"mean\": \"16824.7\"",
         "lines[\"101\"].offered.mean must be a number, not a string"},
        {RUN_FIXTURE, "summary.json", "\"lines\": {", "\"lines\": \"999\", \"x\": {",
         "line 9, column 12: a run summary needs a \"lines\" object"},
        {RUN_FIXTURE, "summary.json", "\"pools\": {", "\"pools\": [], \"x\": {",
         "line 271, column 12: pools must be an object of names, each with its KPIs, not an array"},
        {RUN_FIXTURE, "summary.json", "    \"lines\": [", "    \"lines\": 7, \"x\": [",
         "resolved_scenario.lines must be an array, not a number"},
        {RUN_FIXTURE, "summary.json", "\"target\": {", "\"target\": \"90%\", \"x\": {",
         "resolved_scenario.lines[0].target must be an object, not a string"},
        {RUN_FIXTURE, "summary.json", "\"seed\": 2026", "\"seed\": [2026]",
         "seed must be a number or a string, not an array"},
        {RUN_FIXTURE, "summary.json", "\"seed\": 2026", "\"measured_from\": 0, \"seed\": 2026",
         "measured_from must be a string, not a number"},
        {RUN_FIXTURE, "summary.json", "\"target\": {", "\"calendar\": {\"months\": {\"jan\": 1}}, \"target\": {",
         "resolved_scenario.lines[0].calendar.months must be an array, not an object"},
        {CMP_FIXTURE, "summary.json", "\"pools\": {", "\"pools\": [], \"x\": {",
         "scenarios[0].pools must be an object of names"},
        {CMP_FIXTURE, "summary.json", "\"differences\": [\n    {\n      \"scenario\":",
         "\"differences\": [\n    7, {\n      \"scenario\":",
         "differences[0] must be an object, not a number"},
        {RUN_FIXTURE, "charts/charts.json", "\"title\": \"Answered within",
         "\"title\": 5, \"x\": \"Answered within", "charts[1].title must be a string, not a number"},
        {RUN_FIXTURE, "charts/charts.json", "\"charts\": [", "\"charts\": [\"journey\", ",
         "charts[0] must be an object, not a string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *dir = fresh_copy(cases[i].fixture);
        char *file = join(dir, cases[i].file);
        replace_first(file, cases[i].from, cases[i].to);
        char want[1024];
        snprintf(want, sizeof want, "%s: ", file);
        expect_failure(dir, CS_EINPUT, want);
        expect_failure(dir, CS_EINPUT, cases[i].want);
        free(file);
        remove_tree(dir);
        free(dir);
    }
}

/* Defect D13: summary.json (or a chart, or a scenario file) that is a device, a FIFO, a
 * folder or far too large is refused at once, without reading it: no hang, no exhausted
 * memory. */
static void test_unbounded_inputs_refused(void **state)
{
    (void)state;
    char *dir = fresh_copy(RUN_FIXTURE);
    char *sum = join(dir, "summary.json");
    char *saved = read_file(sum, NULL);
    assert_int_equal(unlink(sum), 0);
    assert_int_equal(symlink("/dev/zero", sum), 0);
    expect_failure(dir, CS_EINPUT, "summary.json: is a device, not a plain file");
    assert_int_equal(unlink(sum), 0);
    assert_int_equal(mkfifo(sum, 0600), 0);   /* no writer: opening it must not wait */
    expect_failure(dir, CS_EINPUT, "summary.json: is a FIFO, not a plain file");
    assert_int_equal(unlink(sum), 0);
    assert_int_equal(mkdir(sum, 0700), 0);
    expect_failure(dir, CS_EINPUT, "summary.json: is a folder, not a plain file");
    assert_int_equal(rmdir(sum), 0);
    /* Just over the cap: 64 MiB of spaces after a valid document is still refused by size. */
    FILE *f = fopen(sum, "wb");
    assert_non_null(f);
    fputs(saved, f);
    static char spaces[1 << 16];
    memset(spaces, ' ', sizeof spaces);
    for (int i = 0; i < 1024; i++) assert_int_equal(fwrite(spaces, 1, sizeof spaces, f), sizeof spaces);
    assert_int_equal(fclose(f), 0);
    expect_failure(dir, CS_EINPUT, "summary.json: larger than 64 MiB");
    write_file(sum, saved);
    /* A chart that is a FIFO. */
    char *svg = join(dir, "charts/service_level.svg");
    assert_int_equal(unlink(svg), 0);
    assert_int_equal(mkfifo(svg, 0600), 0);
    expect_failure(dir, CS_EINPUT, "service_level.svg: is a FIFO");
    free(svg);
    free(saved);
    free(sum);
    remove_tree(dir);
    free(dir);
}

/* D2 and D13 through the command line: exit status 2, the position on stderr, no crash or
 * hang.  Skipped when the binary is not there ($CALLSIM, set by make check). */
/* ------------------------------------------------------------------------------------------
 * Issue 13: a report a PCC can publish as it stands
 * ---------------------------------------------------------------------------------------- */

/* The text of the Summary's paragraph. */
static char *summary_text(const char *html)
{
    const char *s = strstr(html, "<section class=\"summary\" id=\"summary\">");
    assert_non_null(s);
    const char *p = strstr(s, "<p class=\"exec\">"), *e = strstr(s, "</p>");
    assert_non_null(p);
    assert_non_null(e);
    size_t n = (size_t)(e - p) + 4;
    char *frag = malloc(n + 1);
    memcpy(frag, p, n);
    frag[n] = '\0';
    char *t = text_of(frag);
    free(frag);
    return t;
}

/* Sentences: a full stop followed by a space or the end (decimal points have digits after). */
static size_t sentences(const char *t)
{
    size_t n = 0;
    for (const char *p = t; *p; p++)
        if (*p == '.' && (p[1] == ' ' || p[1] == '\0')) n++;
    return n;
}

static void test_summary_comes_first(void **state)
{
    (void)state;
    char *dir = fresh_copy(RUN_FIXTURE);
    char *html = generate(dir);
    /* The first section after the masthead is the Summary. */
    const char *first = strstr(html, "<section");
    assert_non_null(first);
    static const char head[] = "<section class=\"summary\" id=\"summary\">\n<h2>Summary</h2>";
    assert_true(strncmp(first, head, sizeof head - 1) == 0);
    char *t = summary_text(html);
    size_t n = sentences(t);
    if (n < 3 || n > 5) fail_msg("the Summary has %zu sentences (3 to 5 wanted): %s", n, t);
    /* Per week and per year, the target gaps, and what 101's failure costs 999. */
    assert_contains(t, "In the simulated week, the 999 line received 5,912 calls (about 310,000 a year) and answered "
                       "86.1% of them within 10 seconds against a target of 90%: 3.9 points short .");
    assert_contains(t, "41.3% of them within 30 seconds against a target of 90%: 48.7 points short .");
    assert_contains(t, "Failure on 101 adds to 999's load: about 94 calls a week (4,900 a year) reached 999 from "
                       "callers who had given up on 101 (95% interval 85 to 102 a week)");
    assert_null(strstr(t, "93.6"));
    free(t);
    free(html);
    remove_tree(dir);
    free(dir);
}

static void test_comparison_summary(void **state)
{
    (void)state;
    char *dir = fresh_copy(CMP_FIXTURE);
    char *html = generate(dir);
    char *t = summary_text(html);
    size_t n = sentences(t);
    if (n < 2 || n > 5) fail_msg("the Summary has %zu sentences: %s", n, t);
    /* Which plan helps which line most. */
    assert_contains(t, "For the 999 line, \xe2\x80\x9cVariant - 6 more handlers in the evening\xe2\x80\x9d helps most : "
                       "calls answered within 10 seconds rise from 86.1% to 89.2% (+3.0 points; 95% interval +2.3 to "
                       "+3.8).");
    assert_contains(t, "For the 101 line, \xe2\x80\x9cVariant - new system cuts wrap-up by 30%\xe2\x80\x9d helps most :");
    assert_contains(t, "No plan makes any line's service level");
    free(t);
    free(html);
    /* A plan that makes something worse is said plainly. */
    char *sum = join(dir, "summary.json");
    replace_once(sum, "\"diff\": 0.010337", "\"diff\": -0.040337");
    html = generate(dir);
    t = summary_text(html);
    assert_contains(t, "\xe2\x80\x9cVariant - new system cuts wrap-up by 30%\xe2\x80\x9d makes things worse : on the 999 "
                       "line, calls answered within 10 seconds fall");
    free(t);
    free(html);
    free(sum);
    remove_tree(dir);
    free(dir);
}

/* "0.0 (0.0 to 0.0)" is not called a significant change. */
static void test_tiny_difference_not_significant(void **state)
{
    (void)state;
    char *dir = fresh_copy(CMP_FIXTURE);
    char *sum = join(dir, "summary.json");
    /* The first variant's call handlers on duty: a difference of 0.01 handlers with a half-width
     * of 0.005.  Its interval excludes zero, but every end of it prints as 0.0. */
    replace_first(sum, "\"diff\": 0.0,\n            \"ci95\": 0.0084852814",
                  "\"diff\": 0.01,\n            \"ci95\": 0.005");
    char *html = generate(dir);
    char *tx = text_of(html);
    const char *row = strstr(tx, "call handlers: handlers on duty, on average");
    assert_non_null(row);
    const char *next = strstr(row, "crime bureau:");
    assert_non_null(next);
    char cell[1024];
    snprintf(cell, sizeof cell, "%.*s", (int)(next - row < 1023 ? next - row : 1023), row);
    /* The first variant's cell (the second has +2.2 handlers, a real change). */
    char *first = strstr(cell, " 20.6 ");
    assert_non_null(first);
    *first = '\0';
    assert_contains(cell, "0.0 (0.0 to 0.0) too small to matter");
    if (strstr(cell, "significant"))
        fail_msg("a difference printed as 0.0 (0.0 to 0.0) is called significant: %s", cell);
    free(tx);
    free(html);
    free(sum);
    remove_tree(dir);
    free(dir);
}

/* The appendix shows the scenario file as written, without its comments unless the author
 * marked them "#!": no internal notes ("domain.md 1b"), quoted '#' and block text kept. */
static void test_scenario_comments(void **state)
{
    (void)state;
    char *dir = fresh_copy(RUN_FIXTURE);
    char *html = generate(dir);
    assert_null(strstr(html, "domain.md"));
    assert_null(strstr(html, "[assumption"));
    assert_contains(html, "#! Sources: https://www.apccs.police.uk/");
    assert_contains(html, "interval: 15m\n");   /* the trailing comment gone, the value kept */
    assert_contains(html, "comments starting with <code>#!</code> are published");
    free(html);
    char *yaml = join(dir, "scenario.yaml");
    write_file(yaml, "# working note: see domain.md 1b\n"
                     "name: \"Team #1\"   # a comment after a quoted '#'\n"
                     "description: >\n"
                     "  Line one # not a comment, block text\n"
                     "\n"
                     "  # nor this\n"
                     "horizon: 8d # note\n"
                     "#! Published: figures from the force's 2024 return.\n"
                     "title: its number 1   #! published after a value\n"
                     "\n"
                     "\n"
                     "# This run changed the file above from the command line (--set), in this order:\n"
                     "#   --set 'horizon=8d'\n");
    html = generate(dir);
    const char *pre = strstr(html, "<pre class=\"file scenario\">");
    assert_non_null(pre);
    const char *end = strstr(pre, "</pre>");
    char shown[2048];
    snprintf(shown, sizeof shown, "%.*s", (int)(end - pre - 27), pre + 27);
    assert_string_equal(shown, "name: \"Team #1\"\n"
                               "description: &gt;\n"
                               "  Line one # not a comment, block text\n"
                               "\n"
                               "  # nor this\n"
                               "horizon: 8d\n"
                               "#! Published: figures from the force's 2024 return.\n"
                               "title: its number 1   #! published after a value\n"
                               "\n"
                               "# This run changed the file above from the command line (--set), in this order:\n"
                               "#   --set 'horizon=8d'\n");
    assert_contains(html, "without its 3 comments");
    free(html);
    free(yaml);
    remove_tree(dir);
    free(dir);
}

/* The validation appendix: Erlang A next to the engine and the scenario, and the checklist. */
static void test_validation_appendix(void **state)
{
    (void)state;
    char *dir = fresh_copy(RUN_FIXTURE);
    char *sum = join(dir, "summary.json");
    replace_once(sum, "\"resolved_scenario\":",
                 "\"validation\": {\"lines\": [{\"line\": \"999\", \"interval_start\": \"Sat 20:00\", "
                 "\"interval_s\": 900, \"arrivals_per_hour\": 99.2, \"busy_per_call_s\": 285, \"patience_s\": 108.5, "
                 "\"handlers_on_duty\": 12.0, \"handlers_busy_elsewhere\": 7.6, \"handlers\": 4, \"target_s\": 10, "
                 "\"erlang\": {\"model\": \"A\", \"service_level\": 0.1723, \"abandon_rate\": 0.5167, \"asa\": 54.28}, "
                 "\"engine\": {\"service_level\": {\"mean\": 0.1737, \"ci95\": 0.0092}, \"abandon_rate\": {\"mean\": "
                 "0.5145, \"ci95\": 0.0100}, \"asa\": {\"mean\": 53.6, \"ci95\": 1.7}, \"calls\": 3968}, "
                 "\"scenario\": {\"service_level\": {\"mean\": 0.153, \"ci95\": 0.059}, \"abandon_rate\": {\"mean\": "
                 "0.407, \"ci95\": 0.079}, \"asa\": {\"mean\": 44.1, \"ci95\": 11.6}}}]},\n  \"resolved_scenario\":");
    char *html = generate(dir);
    char *t = text_of(html);
    assert_contains(t, "Appendix: validation");
    assert_contains(t, "Line 999: Saturday 20:00\xe2\x80\x93" "20:15");
    assert_contains(t, "the simple model (M/M/n+M, Erlang A) has 4 handlers");
    assert_contains(t, "Answered within 10 seconds 17.2% 17.4% \xc2\xb1 0.9 points 15.3% \xc2\xb1 5.9 points");
    assert_contains(t, "The engine agrees with the formula");
    for (int i = 1; i <= 6; i++) {
        char item[16];
        sprintf(item, "%d. ", i);
        assert_contains(t, item);
    }
    assert_contains(t, "1. Objectives");
    assert_contains(t, "6. Code access");
    free(t);
    free(html);
    /* Negative control: an engine far from the formula is reported, not hidden. */
    replace_once(sum, "\"mean\": 0.1737, \"ci95\": 0.0092", "\"mean\": 0.2737, \"ci95\": 0.0092");
    html = generate(dir);
    assert_contains(html, "The engine and the formula differ");
    free(html);
    free(sum);
    remove_tree(dir);
    free(dir);
}

/* Comparison tables keep to the page: three scenario columns at most, fixed layout. */
static void test_comparison_tables_fit(void **state)
{
    (void)state;
    char *dir = fresh_copy(CMP_FIXTURE);
    char *html = generate(dir);
    assert_null(strstr(html, " cols4"));
    assert_contains(html, "<table class=\"kpi cmp headline cols3\">");
    assert_contains(html, "table.cmp { font-size: 9pt; table-layout: fixed }");
    assert_null(strstr(html, "intervals.csv"));
    assert_contains(html, "comparison.csv");
    free(html);
    remove_tree(dir);
    free(dir);
}

/* The README shows the new summary and how to make a PDF without the browser's header. */
static void test_readme_print_advice(void **state)
{
    (void)state;
    char *readme = read_file("README.md", NULL);
    if (!readme) {
        print_message("README.md not found from the working directory: skipped\n");
        skip();
    }
    assert_contains(readme, "callsim report DIR --pdf");
    assert_contains(readme, "In the simulated week, the 999 line received");
    for (const char *p = strstr(readme, "--print-to-pdf"); p; p = strstr(p + 1, "--print-to-pdf")) {
        const char *ls = p, *le = strchr(p, '\n');
        while (ls > readme && ls[-1] != '\n') ls--;
        /* the command may continue on the line before it (a trailing backslash) */
        const char *prev = ls > readme + 1 ? ls - 2 : ls;
        while (prev > readme && prev[-1] != '\n') prev--;
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "%.*s", (int)((le ? le : p + 80) - prev), prev);
        if (!strstr(cmd, "--no-pdf-header-footer"))
            fail_msg("README's print command lacks --no-pdf-header-footer (the date header): %s", cmd);
    }
    free(readme);
}

static void test_cli_exit_codes(void **state)
{
    (void)state;
    const char *bin = getenv("CALLSIM");
    if (!bin || access(bin, X_OK) != 0) {
        print_message("no callsim binary ($CALLSIM): skipped\n");
        skip();
    }
    char *dir = fresh_copy(RUN_FIXTURE);
    char *sum = join(dir, "summary.json");
    char *errf = join(dir, "stderr.txt");
    char cmd[1024], want[600];
    for (int k = 0; k < 2; k++) {
        if (k == 0) {
            replace_first(sum, "\"999\": {", "\"999\": [1, 2], \"x\": {");
            snprintf(want, sizeof want, "%s: line 10, column 12: lines[\"999\"] must be an object", sum);
        } else {
            assert_int_equal(unlink(sum), 0);
            assert_int_equal(mkfifo(sum, 0600), 0);
            snprintf(want, sizeof want, "%s: is a FIFO, not a plain file", sum);
        }
        snprintf(cmd, sizeof cmd, "%s report %s > /dev/null 2> %s", bin, dir, errf);
        int rc = system(cmd);
        assert_true(WIFEXITED(rc));
        assert_int_equal(WEXITSTATUS(rc), 2);
        char *err = read_file(errf, NULL);
        assert_non_null(err);
        if (!strstr(err, want)) fail_msg("stderr lacks \"%s\":\n%s", want, err);
        free(err);
    }
    free(errf);
    free(sum);
    remove_tree(dir);
    free(dir);
}

static void test_missing_chart(void **state)
{
    (void)state;
    char *dir = fresh_copy(RUN_FIXTURE);
    char *svg = join(dir, "charts/service_level.svg");
    assert_int_equal(unlink(svg), 0);
    char want[512];
    sprintf(want, "%s: not found (chart 2 of charts/charts.json)", svg);
    expect_failure(dir, CS_EINPUT, want);
    free(svg);
    remove_tree(dir);
    free(dir);
}

/* A chart that would run code or load something is refused, not inlined. */
static void test_unsafe_svg_refused(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"<svg viewBox=\"0 0 10 10\"><script>alert(1)</script></svg>", "<script>"},
        {"<svg viewBox=\"0 0 10 10\" onload=\"alert(1)\"><rect/></svg>", "event handler"},
        {"<svg viewBox=\"0 0 10 10\"><image xlink:href=\"http://example.org/x.png\"/></svg>", "outside the file"},
        {"<svg viewBox=\"0 0 10 10\"><rect style=\"fill:url(https://example.org/p)\"/></svg>", "outside the file"},
        {"<svg viewBox=\"0 0 10 10\"><foreignObject><p>x</p></foreignObject></svg>", "<foreignObject>"},
        {"<html><body>not a chart</body></html>", "not an SVG"},
        {"<svg viewBox=\"0 0 10 10\"><rect/>", "ends before </svg>"},
        {"<svg><rect/></svg>", "neither a viewBox"},
        {"", "no <svg> element"},
        /* F5: '<' and a non-letter is text to a browser, so the quoted "attribute" is live markup. */
        {"<svg width=\"10\" height=\"10\"><$x a=\"<script>alert(1)</script>\"/></svg>", "not followed by an element name"},
        {"<svg width=\"10\" height=\"10\"><|ext a=\"<style>*{}</style>\"/></svg>", "not followed by an element name"},
        {"<svg width=\"10\" height=\"10\"><rect x=\"5\"%y=\"<style>\"/></svg>", "malformed attribute name"},
        {"<svg width=\"10\" height=\"10\"><g></$g a=\"<script>\"></svg>", "malformed end tag"},
        /* F9 (found by fuzz_report): an end tag of an element no chart has. */
        {"<svg width=\"10\" height=\"10\">\"diff_ci95\": t>alert(1)</script>\"/></svg>", "end tag </script>"},
        {"<svg width=\"10\" height=\"10\"><g></g></blink></svg>", "end tag </blink>"},
        /* F4: HTML inside inline SVG loads what it names. */
        {"<svg width=\"10\" height=\"10\"><img src=\"http://evil.example/x.png\"/></svg>", "<img> element"},
        {"<svg width=\"10\" height=\"10\"><video poster=\"http://evil.example/x.png\"/></svg>", "<video> element"},
        {"<svg width=\"10\" height=\"10\"><rect src=\"http://evil.example/x.png\"/></svg>", "attribute src="},
    };
    char *dir = fresh_copy(RUN_FIXTURE);
    char *svg = join(dir, "charts/abandonment_by_hour.svg");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(svg, bad[i][0]);
        expect_failure(dir, CS_EINPUT, bad[i][1]);
    }
    /* A data: image and an internal reference are fine. */
    write_file(svg, "<svg width=\"20\" height=\"10\"><defs><path id=\"p\" d=\"M0 0\"/></defs>"
                    "<image href=\"data:image/png;base64,AAAA\"/><use href=\"#p\"/></svg>");
    char *html = generate(dir);
    assert_contains(html, "<svg viewBox=\"0 0 20 10\" role=\"img\"");
    assert_contains(html, "<use href=\"#c1-p\"/>");
    assert_contains(html, "href=\"data:image/png;base64,AAAA\"");
    free(html);
    free(svg);
    remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_report),
        cmocka_unit_test(test_comparison_report),
        cmocka_unit_test(test_hostile_text_is_escaped),
        cmocka_unit_test(test_null_and_clamped_values),
        cmocka_unit_test(test_no_charts),
        cmocka_unit_test(test_missing_summary),
        cmocka_unit_test(test_malformed_summary),
        cmocka_unit_test(test_wrong_types_refused),
        cmocka_unit_test(test_unbounded_inputs_refused),
        cmocka_unit_test(test_cli_exit_codes),
        cmocka_unit_test(test_missing_chart),
        cmocka_unit_test(test_unsafe_svg_refused),
        cmocka_unit_test(test_summary_comes_first),
        cmocka_unit_test(test_comparison_summary),
        cmocka_unit_test(test_tiny_difference_not_significant),
        cmocka_unit_test(test_scenario_comments),
        cmocka_unit_test(test_validation_appendix),
        cmocka_unit_test(test_comparison_tables_fit),
        cmocka_unit_test(test_readme_print_advice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
