/* libFuzzer harness: the HTML report (plots/report.h) from a results folder.
 *
 * cs_report_write() takes a folder (it reads the published files, not in-memory results), so
 * each input is written into a private temporary folder (under $TMPDIR, /tmp by default; a
 * tmpfs such as /dev/shm is faster) and the report is built from it.  Byte 0 picks the mode:
 *   0  the rest is summary.json, alone in the folder (no charts, no scenario files);
 *   1  the rest is summary.json, beside the charts/ (charts.json and three SVGs) and the
 *      scenario.yaml / scenarios/ of the test fixtures, so every section is rendered;
 *   2  the rest is an SVG chart, listed by a fixed charts.json beside the fixture summary:
 *      the SVG sanitiser on hostile markup.  A report that is written is then read back the
 *      way a browser's HTML tokenizer would (tags, quoted attributes, comments, raw-text
 *      elements) and must hold no script, foreignObject, iframe, object or embed element, no
 *      on<letters>= attribute, no href (or src, poster, ... on an element that loads it:
 *      img, video, ...) that is not '#...' or data:, and no CSS url() to
 *      anything else in a style or presentation attribute (fill, clip-path, ...) or a <style>.  (A '<' inside a quoted attribute value is text, not a tag.)
 * Fixtures are read once from tests/data/report/ under the working directory (the repository
 * root when run by `make fuzz-smoke`).  On failure the contract says no report.html and no
 * temporary file is left: checked by listing the folder. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plots/report.h"

#define CHECK(c) ((c) ? (void)0 : __builtin_trap())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct blob {
    char *p;
    size_t n;
} blob;

static char dir[512];
static blob run_summary, run_scenario, charts_json, svg[3], cmp_scn;
static const char *const svg_names[3] = {"abandonment_by_hour", "occupancy_by_hour", "service_level"};

static blob slurp(const char *path)
{
    blob b = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz_report: cannot read %s (run from the repository root)\n", path);
        abort();
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b.p = malloc((size_t)n + 1);
    if (!b.p || fread(b.p, 1, (size_t)n, f) != (size_t)n) abort();
    b.n = (size_t)n;
    fclose(f);
    return b;
}

static void put(const char *rel, const void *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) abort();
}

static void rm(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    (void)unlink(path);
}

static void cleanup(void)
{
    static const char *const files[] = {
        "summary.json",        "scenario.yaml",  "report.html",          "charts/charts.json",
        "charts/fuzz.svg",     "scenarios/1-baseline.yaml",              "charts/abandonment_by_hour.svg",
        "charts/occupancy_by_hour.svg",          "charts/service_level.svg"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) rm(files[i]);
    char path[1024];
    snprintf(path, sizeof path, "%s/charts", dir);
    (void)rmdir(path);
    snprintf(path, sizeof path, "%s/scenarios", dir);
    (void)rmdir(path);
    (void)rmdir(dir);
}

static void setup(void)
{
    run_summary = slurp("tests/data/report/run/summary.json");
    run_scenario = slurp("tests/data/report/run/scenario.yaml");
    charts_json = slurp("tests/data/report/run/charts/charts.json");
    cmp_scn = slurp("tests/data/report/comparison/scenarios/1-baseline.yaml");
    for (int i = 0; i < 3; i++) {
        char p[256];
        snprintf(p, sizeof p, "tests/data/report/run/charts/%s.svg", svg_names[i]);
        svg[i] = slurp(p);
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/callsim-fuzz-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) abort();
    atexit(cleanup);
}

/* Names in the folder other than the inputs we wrote: a leftover temporary file shows here. */
static int stray_files(void)
{
    DIR *d = opendir(dir);
    if (!d) abort();
    int stray = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strcmp(n, ".") && strcmp(n, "..") && strcmp(n, "summary.json") && strcmp(n, "charts") &&
            strcmp(n, "scenario.yaml") && strcmp(n, "scenarios") && strcmp(n, "report.html"))
            stray++;
    }
    closedir(d);
    return stray;
}

static int starts_ci(const char *p, const char *end, const char *w)
{
    size_t k = strlen(w);
    return (size_t)(end - p) >= k && strncasecmp(p, w, k) == 0;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* 1 when [p, end) holds a CSS url() to anything but '#...' or data: (a fetch out of the page). */
static int external_url(const char *p, const char *end)
{
    for (; p < end; p++) {
        if (!starts_ci(p, end, "url(")) continue;
        const char *q = p + 4;
        while (q < end && (is_space(*q) || *q == '"' || *q == '\'')) q++;
        if (!(q < end && *q == '#') && !starts_ci(q, end, "data:")) return 1;
    }
    return 0;
}

static int is_fetch_attr(const char *a, size_t n)
{
    static const char *const attrs[] = {"src", "srcset", "poster", "background", "data", "action",
                                        "formaction"};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        if (n == strlen(attrs[i]) && strncasecmp(a, attrs[i], n) == 0) return 1;
    return 0;
}

/* 1 when the HTML holds active content a browser would run or fetch (see the top). */
static int active_content(const char *p, size_t n)
{
    const char *end = p + n;
    while (p < end) {
        if (*p != '<') {
            p++;
            continue;
        }
        if (starts_ci(p, end, "<!--")) {
            const char *q = p + 4;
            while (q < end && !starts_ci(q, end, "-->")) q++;
            p = q + 3;
            continue;
        }
        if (p + 1 < end && (p[1] == '!' || p[1] == '?')) {
            while (p < end && *p != '>') p++;
            continue;
        }
        const char *q = p + 1;
        if (q < end && *q == '/') q++;
        if (q >= end || !((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z')) {
            p++; /* a '<' that starts no tag is text */
            continue;
        }
        const char *name = q;
        while (q < end && !is_space(*q) && *q != '/' && *q != '>') q++;
        size_t nl = (size_t)(q - name);
        static const char *const banned[] = {"script", "foreignobject", "iframe", "object", "embed"};
        for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
            if (nl == strlen(banned[i]) && strncasecmp(name, banned[i], nl) == 0) return 1;
        int end_tag = name[-1] == '/';
        /* HTML elements that load what src, poster, ... name (an <img> inside inline SVG
         * breaks out into HTML and loads; src on an SVG <path> means nothing). */
        static const char *const loaders[] = {"img", "image", "video", "audio", "source", "track",
                                              "input", "iframe", "frame", "embed", "object",
                                              "script", "table", "td", "body", "form", "button"};
        int fetches = 0;
        for (size_t i = 0; i < sizeof loaders / sizeof loaders[0]; i++)
            if (nl == strlen(loaders[i]) && strncasecmp(name, loaders[i], nl) == 0) fetches = 1;
        int raw = (nl == 5 && strncasecmp(name, "style", 5) == 0 && !end_tag);
        /* Attributes until '>'; '/' between them is skipped as a browser does. */
        for (;;) {
            while (q < end && (is_space(*q) || *q == '/')) q++;
            if (q >= end || *q == '>') break;
            const char *an = q;
            while (q < end && !is_space(*q) && *q != '/' && *q != '>' && *q != '=') q++;
            size_t al = (size_t)(q - an);
            /* An event handler is on + letters with a value ("on" alone, or a bare name,
             * runs nothing: broken quotes turn prose into such names). */
            int handler = al > 2 && strncasecmp(an, "on", 2) == 0;
            for (size_t i = 2; handler && i < al; i++)
                handler = (an[i] | 0x20) >= 'a' && (an[i] | 0x20) <= 'z';
            while (q < end && is_space(*q)) q++;
            if (q >= end || *q != '=') continue;
            /* Attributes of an end tag are dropped by the browser: only find the tag's end. */
            if (handler && !end_tag) return 1;
            q++;
            while (q < end && is_space(*q)) q++;
            const char *v = q, *ve;
            if (q < end && (*q == '"' || *q == '\'')) {
                char quote = *q++;
                v = q;
                while (q < end && *q != quote) q++;
                ve = q;
                if (q < end) q++;
            } else {
                while (q < end && !is_space(*q) && *q != '>') q++;
                ve = q;
            }
            /* CSS url() fetches only from style and the presentation attributes that take a
             * paint or a reference (an id or a label may hold the text "url(" harmlessly). */
            static const char *const css_attrs[] = {"style", "fill", "stroke", "clip-path", "mask",
                                                    "filter", "marker-start", "marker-mid",
                                                    "marker-end", "cursor"};
            for (size_t i = 0; i < sizeof css_attrs / sizeof css_attrs[0]; i++)
                if (!end_tag && al == strlen(css_attrs[i]) && strncasecmp(an, css_attrs[i], al) == 0 &&
                    external_url(v, ve))
                    return 1;
            int link = (al == 4 && strncasecmp(an, "href", 4) == 0) ||
                       (al == 10 && strncasecmp(an, "xlink:href", 10) == 0) ||
                       (fetches && is_fetch_attr(an, al));
            if (link && !end_tag && !(v < ve && *v == '#') && !starts_ci(v, ve, "data:")) return 1;
        }
        p = q + 1;
        if (raw) {
            const char *css = p;
            while (p < end && !starts_ci(p, end, "</style")) p++;
            if (external_url(css, p)) return 1;
        }
    }
    return 0;
}

/* The oracle's own negative and positive controls, run once: it must flag each of these and
 * pass the harmless lookalikes. */
static void check_oracle(void)
{
    static const char *const bad[] = {
        "<svg><script>x</script></svg>", "<svg><ScRiPt>x", "<svg/onload=\"x\">",
        "<g onclick = 'x'>", "<a href=\"http://x\">", "<use xlink:href='x.svg#a'/>",
        "<rect style=\"fill:url(http://x)\"/>", "<style>a{fill:url( 'x.svg#p')}</style>",
        "<path fill=\"url(x.svg#g)\"/>", "<svg><img src=\"http://x/a.png\"/>",
        "<video poster='http://x/p.png'>",
        "<foreignObject>", "<g title=\"a\" ><iframe src=#>"};
    static const char *const good[] = {
        "<svg><g title=\"<script>\"></g></svg>", "<!-- <script> -->", "<g on>", "<g id=\"url(x\">",
        "<use href=\"#a\"/>", "<image href='data:image/png;base64,AA'/>",
        "<rect style=\"fill:url(#g)\"/>", "<p>onload=\"x\" &lt;script&gt;</p>",
        "<style>p{color:red}</style><p>url(http://x)</p>", "</text onload=\"x\">",
        "<path src=\"99.0\" d=\"M 0 0\"/>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(active_content(bad[i], strlen(bad[i])));
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        CHECK(!active_content(good[i], strlen(good[i])));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (!dir[0]) {
        check_oracle();
        setup();
    }
    int mode = data[0] % 3;
    const uint8_t *body = data + 1;
    size_t n = size - 1;
    char path[1024];
    if (mode >= 1) {
        snprintf(path, sizeof path, "%s/charts", dir);
        (void)mkdir(path, 0755);
    }
    if (mode == 0 || mode == 1) {
        put("summary.json", body, n);
    }
    if (mode == 1) {
        put("charts/charts.json", charts_json.p, charts_json.n);
        for (int i = 0; i < 3; i++) {
            char rel[128];
            snprintf(rel, sizeof rel, "charts/%s.svg", svg_names[i]);
            put(rel, svg[i].p, svg[i].n);
        }
        put("scenario.yaml", run_scenario.p, run_scenario.n);
        snprintf(path, sizeof path, "%s/scenarios", dir);
        (void)mkdir(path, 0755);
        put("scenarios/1-baseline.yaml", cmp_scn.p, cmp_scn.n);
    }
    if (mode == 2) {
        static const char manifest[] =
            "{\"charts\": [{\"file\": \"fuzz\", \"title\": \"T\", \"caption\": \"C\"}]}";
        put("summary.json", run_summary.p, run_summary.n);
        put("charts/charts.json", manifest, sizeof manifest - 1);
        put("charts/fuzz.svg", body, n);
    }

    cs_error err;
    err.msg[0] = '\0';
    cs_status st = cs_report_write(dir, "2026-01-01 00:00 UTC", &err);
    snprintf(path, sizeof path, "%s/report.html", dir);
    if (st == CS_OK) {
        FILE *f = fopen(path, "rb");
        CHECK(f != NULL);
        if (mode == 2) {
            blob out = slurp(path);
            CHECK(!active_content(out.p, out.n));
            free(out.p);
        }
        fclose(f);
    } else {
        CHECK(err.msg[0] != '\0');
        CHECK(access(path, F_OK) != 0);
    }
    CHECK(stray_files() == 0);
    cleanup();
    (void)mkdir(dir, 0700);
    return 0;
}
