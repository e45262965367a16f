/* The report in a real browser: printed to PDF by a headless Chromium (`callsim report DIR --pdf`),
 * measured, and a screenshot of its first page kept for review.
 *
 * check_folder() works on any results folder (run, comparison, replay, national) and asserts:
 *   - `callsim report DIR --pdf` writes an A4 PDF (pdfinfo), without the browser's header and
 *     footer (no "file://" or date line in the page text);
 *   - no page is nearly blank: each page is rasterised (pdftoppm, grey, 24 dpi) and the rows
 *     holding ink inside the text area (between the 18 mm top and bottom margins, so the page
 *     number does not count) must span at least MIN_INK of its height (MIN_INK_LAST for the
 *     last page, which ends the document);
 *   - nothing runs into the side margins (ink there means content wider than the page);
 *   - no element is wider than the page: the report is opened with its print rules applied on
 *     screen at the A4 text width (174 mm, 658 px) with a small script added that lists every
 *     element whose box reaches past the page's edges; `chromium --dump-dom` prints it;
 *   - the screenshot build/print/NAME-page1.png (60 dpi) is written for a person to look at.
 * The folders are made here with the commands that exist: run (the baseline), compare (five
 * scenarios, two column blocks), replay (the example log) and, when the tree has national
 * runs, a national run.
 *
 * Skipped, saying why, when Chromium or poppler-utils is not installed (CI installs both:
 * .ci/run). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIN_INK 0.20        /* least share of a page's text-area height with ink on it: a page
                               under a fifth full reads as a mistake */
#define MIN_INK_LAST 0.10   /* the last page ends the document and may be short, but not two
                               orphaned rows and the footer (the old report's 15th page, about
                               6%): the report keeps at least a block of lines with the footer */
#define DPI 24              /* raster for the page measures */
#define MARGIN_MM 18.0      /* the report's @page margin */
#define A4_W_MM 210.0
#define A4_H_MM 297.0
#define INK 160             /* grey level darker than this is ink (text, lines, chart strokes) */

static char browser[PATH_MAX];
static const char *callsim = "./callsim";
static char tmp[64];

static int find_program(const char *name, char *out, size_t n)
{
    const char *path = getenv("PATH");
    if (!path) path = "/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len > 0 && (size_t)snprintf(out, n, "%.*s/%s", (int)len, path, name) < n && access(out, X_OK) == 0)
            return 1;
        path += len + (end ? 1 : 0);
    }
    return 0;
}

/* Runs a shell command; its exit status. */
static int sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *slurp(const char *path, size_t *len)
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

static int setup(void **state)
{
    (void)state;
    if (getenv("CALLSIM")) callsim = getenv("CALLSIM");
    strcpy(tmp, "/tmp/cs_test_print_XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    sh("rm -rf '%s'", tmp);
    return 0;
}

/* Skips the calling test, saying why, when the browser or poppler is missing. */
static int tools_missing(void)
{
    char p[PATH_MAX];
    const char *names[] = {"chromium", "chromium-browser", "google-chrome"};
    browser[0] = '\0';
    for (size_t i = 0; i < 3 && !browser[0]; i++)
        if (find_program(names[i], p, sizeof p)) snprintf(browser, sizeof browser, "%s", p);
    if (!browser[0]) {
        print_message("skipped: no Chromium on PATH (Debian package chromium); these checks need a real browser\n");
        return 1;
    }
    if (!find_program("pdfinfo", p, sizeof p) || !find_program("pdftoppm", p, sizeof p) ||
        !find_program("pdftotext", p, sizeof p)) {
        print_message("skipped: pdfinfo, pdftoppm or pdftotext missing (Debian package poppler-utils)\n");
        return 1;
    }
    return 0;
}

/* ---- raster measures ----------------------------------------------------------------------- */

typedef struct pgm {
    int w, h;
    unsigned char *px;
} pgm;

static int read_pgm(const char *path, pgm *g)
{
    size_t n;
    char *b = slurp(path, &n);
    if (!b) return -1;
    int maxv = 0, off = 0;
    if (sscanf(b, "P5 %d %d %d%n", &g->w, &g->h, &maxv, &off) != 3 || maxv != 255) {
        free(b);
        return -1;
    }
    off++;   /* the single whitespace after the header */
    if ((size_t)off + (size_t)g->w * (size_t)g->h > n) {
        free(b);
        return -1;
    }
    g->px = malloc((size_t)g->w * (size_t)g->h);
    memcpy(g->px, b + off, (size_t)g->w * (size_t)g->h);
    free(b);
    return 0;
}

typedef struct page_measure {
    double ink_share;   /* share of the text area's height between its first and last inked row */
    int side_ink;       /* inked pixels in the side margins */
} page_measure;

static page_measure measure_page(const pgm *g)
{
    page_measure m = {0, 0};
    int top = (int)(MARGIN_MM / A4_H_MM * g->h + 0.5), bottom = g->h - top;
    int side = (int)(MARGIN_MM / A4_W_MM * g->w + 0.5);
    int first = -1, last = -1;
    for (int y = top; y < bottom; y++) {
        int ink = 0;
        for (int x = 0; x < g->w; x++) {
            if (g->px[(size_t)y * (size_t)g->w + (size_t)x] >= INK) continue;
            /* one pixel of slack at each edge of the text area: anti-aliased glyph edges */
            if (x < side - 1 || x > g->w - side) m.side_ink++;
            else ink = 1;
        }
        if (ink) {
            if (first < 0) first = y;
            last = y;
        }
    }
    m.ink_share = first < 0 ? 0 : (double)(last - first + 1) / (double)(bottom - top);
    return m;
}

/* ---- the DOM measure ------------------------------------------------------------------------ */

/* The report with its print rules on screen and a script that lists elements past the page. */
static void write_measure_copy(const char *html_path, const char *out_path)
{
    char *h = slurp(html_path, NULL);
    assert_non_null(h);
    FILE *f = fopen(out_path, "wb");
    assert_non_null(f);
    const char *p = h, *q;
    while ((q = strstr(p, "@media print {")) != NULL) {
        fwrite(p, 1, (size_t)(q - p), f);
        fputs("@media all {", f);
        p = q + strlen("@media print {");
    }
    q = strstr(p, "</body>");
    assert_non_null(q);
    fwrite(p, 1, (size_t)(q - p), f);
    fputs("<script>(function(){var W=document.documentElement.clientWidth,bad=[];"
          "document.querySelectorAll('body *').forEach(function(e){var r=e.getBoundingClientRect();"
          "if(r.width>0&&r.height>0&&(r.right>W+0.5||r.left<-0.5))bad.push(e.tagName+'.'+e.getAttribute('class')+' '"
          "+Math.round(r.left)+'..'+Math.round(r.right));});"
          "var o=document.createElement('pre');o.id='cs-measure';"
          "o.textContent='WIDTH '+W+'\\nBAD '+bad.length+'\\n'+bad.slice(0,12).join('\\n')+'\\nEND';"
          "document.body.appendChild(o);})();</script>\n",
          f);
    fputs(q, f);
    assert_int_equal(fclose(f), 0);
    free(h);
}

/* ---- one folder ----------------------------------------------------------------------------- */

static void check_folder(const char *dir, const char *name)
{
    char path[PATH_MAX], out[PATH_MAX];
    assert_int_equal(sh("%s report '%s' --pdf > '%s/%s.log' 2>&1", callsim, dir, tmp, name), 0);
    snprintf(path, sizeof path, "%s/report.pdf", dir);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);

    /* Pages and their size. */
    snprintf(out, sizeof out, "%s/%s.info", tmp, name);
    assert_int_equal(sh("pdfinfo '%s' > '%s'", path, out), 0);
    char *info = slurp(out, NULL);
    assert_non_null(info);
    int pages = 0;
    const char *pg = strstr(info, "Pages:");
    assert_non_null(pg);
    sscanf(pg + 6, "%d", &pages);
    assert_true(pages >= 1);
    if (!strstr(info, "(A4)")) fail_msg("%s: report.pdf is not A4:\n%s", name, info);
    free(info);

    /* No browser header or footer: neither the file's URL nor the print date in the text. */
    snprintf(out, sizeof out, "%s/%s.txt", tmp, name);
    assert_int_equal(sh("pdftotext '%s' '%s'", path, out), 0);
    char *text = slurp(out, NULL);
    assert_non_null(text);
    if (strstr(text, "file://")) fail_msg("%s: the PDF carries the browser's header or footer (file:// URL)", name);
    free(text);

    /* Every page: not nearly blank, nothing in the side margins. */
    double least = 1;
    int least_page = 0;
    for (int p = 1; p <= pages; p++) {
        snprintf(out, sizeof out, "%s/%s-p", tmp, name);
        assert_int_equal(sh("pdftoppm -gray -r %d -f %d -l %d -singlefile '%s' '%s'", DPI, p, p, path, out), 0);
        strcat(out, ".pgm");
        pgm g;
        assert_int_equal(read_pgm(out, &g), 0);
        page_measure m = measure_page(&g);
        free(g.px);
        if (m.ink_share < least) least = m.ink_share, least_page = p;
        double want = p == pages ? MIN_INK_LAST : MIN_INK;
        if (m.ink_share < want)
            fail_msg("%s: page %d of %d is nearly blank (ink over %.0f%% of its height; at least %.0f%% wanted)", name,
                     p, pages, 100 * m.ink_share, 100 * want);
        if (m.side_ink > 0)
            fail_msg("%s: page %d of %d has ink in its side margins (%d pixels): something is wider than the page",
                     name, p, pages, m.side_ink);
    }

    /* No element wider than the page, measured by the browser. */
    char html[PATH_MAX], copy[PATH_MAX];
    snprintf(html, sizeof html, "%s/report.html", dir);
    snprintf(copy, sizeof copy, "%s/%s-measure.html", tmp, name);
    write_measure_copy(html, copy);
    snprintf(out, sizeof out, "%s/%s.dom", tmp, name);
    assert_int_equal(sh("'%s' --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
                        "--disable-component-update --disable-sync --disable-quic --user-data-dir='%s/%s-profile' "
                        "--window-size=658,1000 --dump-dom 'file://%s' > '%s' 2>/dev/null",
                        browser, tmp, name, copy, out),
                     0);
    char *dom = slurp(out, NULL);
    assert_non_null(dom);
    const char *mm = strstr(dom, "id=\"cs-measure\">");
    if (!mm) fail_msg("%s: the browser did not run the measurement", name);
    int width = 0, bad = -1;
    sscanf(strstr(mm, "WIDTH"), "WIDTH %d BAD %d", &width, &bad);
    assert_true(width >= 640 && width <= 680);
    if (bad != 0) {
        const char *e = strstr(mm, "END");
        fail_msg("%s: %d element(s) wider than the page (%d px):\n%.*s", name, bad, width,
                 (int)(e ? e - mm : 400), mm);
    }
    free(dom);

    /* The first page, for a person to look at. */
    sh("mkdir -p build/print");
    snprintf(out, sizeof out, "build/print/%s-page1", name);
    assert_int_equal(sh("pdftoppm -png -r 60 -f 1 -l 1 -singlefile '%s' '%s'", path, out), 0);
    print_message("  %s: %d A4 pages, none nearly blank (least ink: page %d, %.0f%% of its height), nothing wider "
                  "than the page; first page in %s.png\n", name, pages, least_page, 100 * least, out);
}

/* ---- the cases ------------------------------------------------------------------------------ */

static void test_baseline(void **state)
{
    (void)state;
    if (tools_missing()) skip();
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/baseline", tmp);
    assert_int_equal(sh("%s run scenarios/baseline.yaml --reps 4 --out '%s' --report -q > /dev/null", callsim, dir), 0);
    check_folder(dir, "baseline");
}

static void test_compare(void **state)
{
    (void)state;
    if (tools_missing()) skip();
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/compare", tmp);
    /* Five scenarios: the tables come in two blocks of columns, the widest the report makes. */
    assert_int_equal(sh("%s compare scenarios/baseline.yaml scenarios/evening_handlers.yaml scenarios/callback.yaml "
                        "scenarios/ringbacks.yaml scenarios/bt_connection.yaml --reps 3 --out '%s' --report -q "
                        "> /dev/null", callsim, dir),
                     0);
    check_folder(dir, "compare");
}

static void test_replay(void **state)
{
    (void)state;
    if (tools_missing()) skip();
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/replay", tmp);
    assert_int_equal(sh("%s replay scenarios/logs/example_force_export.csv --scenario scenarios/baseline.yaml "
                        "--columns arrival=CallTime,date=CallDate,line=Queue,caller=CallerRef,outcome=Result,"
                        "wait=QueueTime,handle=TalkTime --outcomes 'answered=ANSWERED,abandoned=ABANDONED,"
                        "abandoned_ivr=IVR HANGUP,deflected=ONLINE,cut_off=BUSY' --reps 3 --out '%s' --report -q "
                        "> /dev/null 2>&1", callsim, dir),
                     0);
    check_folder(dir, "replay");
}

static void test_national(void **state)
{
    (void)state;
    if (tools_missing()) skip();
    struct stat sb;
    if (stat("tests/data/national/national.yaml", &sb) != 0) {
        print_message("skipped: this tree has no national runs (tests/data/national/national.yaml)\n");
        skip();
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/national", tmp);
    assert_int_equal(sh("%s run tests/data/national/national.yaml --reps 3 --out '%s' --report -q > /dev/null",
                        callsim, dir),
                     0);
    check_folder(dir, "national");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_replay),
        cmocka_unit_test(test_national),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
