/* Tests for plots/chart: every chart kind renders to PNG, SVG and PDF with the right format,
 * size and colours; user text is escaped; bad paths and bad input come back as errors (the
 * process is not exited); awkward data (empty, NaN, all zero, one category, long names, many
 * series) renders; output is byte-identical between renders; PLplot prints nothing.
 *
 * cairo's SVG output draws text as glyph outlines (<symbol> + <use>), so titles cannot be found
 * as text.  Tests instead count glyph uses (one <use> per glyph drawn) and look for the exact
 * palette colours cairo writes, e.g. rgb(0%,44.705882%,69.803922%) for #0072B2. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <plplot.h>

#include "io/scenario.h"
#include "models/run.h"
#include "plots/chart.h"
#include "plots/run_charts.h"

/* cairo SVG colours of the Okabe-Ito palette entries used below. */
#define SVG_BLUE "rgb(0%,44.705882%,69.803922%)"      /* #0072B2 */
#define SVG_ORANGE "rgb(90.196078%,62.352941%,0%)"    /* #E69F00 */
#define SVG_GREEN "rgb(0%,61.960784%,45.098039%)"     /* #009E73 */
#define SVG_VERMILLION "rgb(83.529412%,36.862745%,0%)" /* #D55E00 */

static char g_dir[64]; /* temporary directory for all outputs */

/* fontconfig's font cache, built by pango inside PLplot's cairo driver, lives until the process
 * ends and is never freed, so LeakSanitizer reports it at exit.  It is not ours and it does not
 * grow with the number of charts (~150 kB after 1, 16 or 64 renders), so it is suppressed here;
 * any other program drawing charts under LSan needs the same suppression. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

/* ------------------------------------------------------------------------------------------ */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* strstr for binary data (PDF streams contain NUL bytes). */
static int contains(const char *hay, size_t len, const char *needle)
{
    size_t l = strlen(needle);
    for (size_t i = 0; i + l <= len; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, l) == 0)
            return 1;
    return 0;
}

static size_t count_substr(const char *hay, const char *needle)
{
    size_t n = 0, l = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + l, needle))
        n++;
    return n;
}

static void path_of(char *buf, size_t cap, const char *name, const char *ext)
{
    snprintf(buf, cap, "%s/%s%s", g_dir, name, ext);
}

static void base_of(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", g_dir, name);
}

/* Renders to all three formats under g_dir/name and asserts success. */
static void render_ok(const cs_chart *c, const char *name)
{
    char base[256];
    cs_error err = {CS_OK, ""};
    base_of(base, sizeof base, name);
    cs_status st = cs_chart_render(c, base, CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF, &err);
    if (st != CS_OK)
        fail_msg("rendering %s failed: %s", name, err.msg);
}

/* The three files exist, are non-empty and start like PNG / SVG / PDF; the PNG is 1600x1000. */
static void check_files(const char *name)
{
    char p[256];
    size_t len;

    path_of(p, sizeof p, name, ".png");
    char *png = read_file(p, &len);
    assert_non_null(png);
    assert_true(len > 1000);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    assert_memory_equal(png + 12, "IHDR", 4);
    const unsigned char *u = (const unsigned char *)png;
    uint32_t w = (uint32_t)u[16] << 24 | (uint32_t)u[17] << 16 | (uint32_t)u[18] << 8 | u[19];
    uint32_t h = (uint32_t)u[20] << 24 | (uint32_t)u[21] << 16 | (uint32_t)u[22] << 8 | u[23];
    assert_int_equal(w, 1600);
    assert_int_equal(h, 1000);
    free(png);

    path_of(p, sizeof p, name, ".svg");
    char *svg = read_file(p, &len);
    assert_non_null(svg);
    assert_non_null(strstr(svg, "<svg"));
    /* 16 x 10 cm, in points. */
    assert_non_null(strstr(svg, "width=\"454pt\" height=\"283pt\""));
    free(svg);

    path_of(p, sizeof p, name, ".pdf");
    char *pdf = read_file(p, &len);
    assert_non_null(pdf);
    assert_true(len > 500);
    assert_memory_equal(pdf, "%PDF-", 5);
    assert_true(contains(pdf, len, "/MediaBox [ 0 0 454 283 ]"));
    free(pdf);
}

static char *read_svg(const char *name)
{
    char p[256];
    path_of(p, sizeof p, name, ".svg");
    char *s = read_file(p, NULL);
    assert_non_null(s);
    return s;
}

/* ------------------------------------------------------------------------------------------ */
/* Fixtures: data shaped like the simulator's results. */

enum { NH = 24 };
static double hx[NH], hy[NH], hlo[NH], hhi[NH], hy2[NH];
static double tick_at[NH];
static char tick_buf[NH][12];
static const char *tick_lab[NH];

static void fill_hours(void)
{
    for (int i = 0; i < NH; i++) {
        hx[i] = i + 0.5;
        hy[i] = 0.04 + 0.06 * exp(-pow((i - 18) / 3.0, 2.0));
        hlo[i] = hy[i] * 0.8;
        hhi[i] = hy[i] * 1.2;
        hy2[i] = hy[i] * 0.7;
        tick_at[i] = i + 0.5;
        snprintf(tick_buf[i], sizeof tick_buf[i], "%02d", i);
        tick_lab[i] = tick_buf[i];
    }
}

static void line_chart(cs_chart *c, cs_chart_series *s)
{
    fill_hours();
    s[0] = (cs_chart_series){.label = "101 (mean)", .n = NH, .x = hx, .y = hy, .lo = hlo,
                             .hi = hhi};
    s[1] = (cs_chart_series){.label = "999", .n = NH, .x = hx, .y = hy2, .dashed = 1};
    cs_chart_init(c, CS_CHART_LINE);
    c->title = "Abandonment rate by hour of day";
    c->subtitle = "Baseline, 20 replications; band = 95% CI";
    c->xlabel = "Hour of day";
    c->ylabel = "Calls abandoned";
    c->series = s;
    c->n_series = 2;
    c->y_percent = 1;
    c->xmin = 0;
    c->xmax = 24;
    c->xticks = (cs_chart_ticks){NH, tick_at, tick_lab};
    c->has_hline = 1;
    c->hline = 0.05;
    c->hline_label = "Target 5%";
}

/* ------------------------------------------------------------------------------------------ */

static void test_init_sets_automatic_limits(void **state)
{
    (void)state;
    cs_chart c;
    memset(&c, 0x5a, sizeof c);
    cs_chart_init(&c, CS_CHART_GROUPED_BAR);
    assert_int_equal(c.kind, CS_CHART_GROUPED_BAR);
    assert_true(isnan(c.xmin) && isnan(c.xmax) && isnan(c.ymin) && isnan(c.ymax));
    assert_true(isnan(c.y2min) && isnan(c.y2max));
    assert_null(c.title);
    assert_null(c.series);
    assert_int_equal(c.n_series, 0);
    assert_int_equal(c.has_hline, 0);
}

static void test_line_with_band_and_target(void **state)
{
    (void)state;
    cs_chart c;
    cs_chart_series s[2];
    line_chart(&c, s);
    render_ok(&c, "line");
    check_files("line");
    char *svg = read_svg("line");
    /* Series 1 blue, solid line and translucent band; series 2 orange. */
    assert_non_null(strstr(svg, SVG_BLUE));
    assert_non_null(strstr(svg, SVG_ORANGE));
    assert_non_null(strstr(svg, "fill-opacity:0.2"));
    /* The target is dashed (cairo writes stroke-dasharray only for dashes made by cairo, and
     * PLplot dashes in software, so check the dark grey target colour instead). */
    assert_non_null(strstr(svg, "rgb(20%,20%,20%)"));
    free(svg);
}

static void test_step_with_second_axis(void **state)
{
    (void)state;
    enum { N = 7 * 24 };
    static double x[N], d[N], sx[N], st[N];
    for (int i = 0; i < N; i++) {
        x[i] = i + 0.5;
        d[i] = 40 + 80 * exp(-pow((i % 24 - 14) / 4.0, 2.0));
        sx[i] = i;
        st[i] = (i % 24) < 7 ? 8 : (i % 24) < 15 ? 18 : 22;
    }
    static const char *days[8] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", ""};
    double at[8];
    for (int i = 0; i < 8; i++)
        at[i] = 24.0 * i;
    cs_chart_series s[2] = {
        {.label = "Calls offered per hour", .n = N, .x = x, .y = d},
        {.label = "Handlers on shift", .n = N, .x = sx, .y = st, .axis = 1, .step = 1},
    };
    cs_chart c;
    cs_chart_init(&c, CS_CHART_LINE);
    c.title = "Demand and staffing, typical week";
    c.ylabel = "Calls per hour";
    c.y2label = "Handlers";
    c.series = s;
    c.n_series = 2;
    c.xmin = 0;
    c.xmax = 168;
    c.xticks = (cs_chart_ticks){8, at, days};
    render_ok(&c, "week");
    check_files("week");

    /* A pure STEP chart too (occupancy by interval). */
    cs_chart_series o[1] = {{.label = NULL, .n = 96, .x = x, .y = d}};
    cs_chart_init(&c, CS_CHART_STEP);
    c.title = "Occupancy";
    c.series = o;
    c.n_series = 1;
    render_ok(&c, "step");
    check_files("step");
    char *svg = read_svg("step");
    assert_non_null(strstr(svg, SVG_BLUE));
    free(svg);
}

static void test_stacked_percent(void **state)
{
    (void)state;
    static const char *cats[3] = {"999", "101", "Online"};
    double a[3] = {9200, 15400, 2100}, b[3] = {300, 2600, 150}, c3[3] = {50, 900, 400};
    double d[3] = {0, 300, 0};
    cs_chart_series s[4] = {
        {.label = "Answered", .n = 3, .y = a},
        {.label = "Abandoned", .n = 3, .y = b},
        {.label = "Transferred", .n = 3, .y = c3},
        {.label = "Overflowed", .n = 3, .y = d},
    };
    cs_chart c;
    cs_chart_init(&c, CS_CHART_STACKED_BAR);
    c.title = "How calls ended";
    c.categories = cats;
    c.n_categories = 3;
    c.series = s;
    c.n_series = 4;
    c.stacked_percent = 1;
    render_ok(&c, "stacked");
    check_files("stacked");
    char *svg = read_svg("stacked");
    assert_non_null(strstr(svg, SVG_BLUE));
    assert_non_null(strstr(svg, SVG_ORANGE));
    assert_non_null(strstr(svg, SVG_GREEN));
    assert_non_null(strstr(svg, SVG_VERMILLION));
    free(svg);

    /* Negative counts cannot be stacked. */
    b[1] = -1;
    cs_error err = {CS_OK, ""};
    char base[256];
    base_of(base, sizeof base, "stacked_bad");
    assert_int_equal(cs_chart_render(&c, base, CS_CHART_PNG, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "Abandoned"));
}

static void test_grouped_with_whiskers(void **state)
{
    (void)state;
    static const char *cats[3] = {"Baseline", "+2 handlers", "Call-back"};
    double y[3] = {0.72, 0.81, 0.78}, lo[3] = {0.69, 0.79, 0.75}, hi[3] = {0.75, 0.83, 0.81};
    double y2[3] = {0.91, 0.93, 0.92};
    cs_chart_series s[2] = {
        {.label = "101 within 60 s", .n = 3, .y = y, .lo = lo, .hi = hi},
        {.label = "999 within 10 s", .n = 3, .y = y2},
    };
    cs_chart c;
    cs_chart_init(&c, CS_CHART_GROUPED_BAR);
    c.title = "Service level by scenario";
    c.categories = cats;
    c.n_categories = 3;
    c.series = s;
    c.n_series = 2;
    c.y_percent = 1;
    c.has_hline = 1;
    c.hline = 0.8;
    c.hline_label = "Target 80%";
    render_ok(&c, "grouped");
    check_files("grouped");

    /* Whiskers add line work: removing them must change the drawing. */
    char *with = read_svg("grouped");
    s[0].lo = s[0].hi = NULL;
    render_ok(&c, "grouped_nowhisk");
    char *without = read_svg("grouped_nowhisk");
    assert_true(count_substr(with, "<path") > count_substr(without, "<path"));
    free(with);
    free(without);
}

/* Only the title differs between the two charts, so the difference in glyphs drawn is the
 * difference in visible title characters.  An unescaped '#' would be taken by PLplot as the
 * start of an escape sequence and not drawn. */
static size_t glyphs_for_title(const char *title, const char *name)
{
    double x[2] = {0, 1}, y[2] = {1, 2};
    cs_chart_series s[1] = {{.n = 2, .x = x, .y = y}};
    cs_chart c;
    cs_chart_init(&c, CS_CHART_LINE);
    c.title = title;
    c.series = s;
    c.n_series = 1;
    render_ok(&c, name);
    char *svg = read_svg(name);
    size_t n = count_substr(svg, "<use");
    free(svg);
    return n;
}

static void test_hash_is_printed_literally(void **state)
{
    (void)state;
    size_t plain = glyphs_for_title("Line 1012", "t_plain");
    size_t hash = glyphs_for_title("Line 101#2", "t_hash");
    size_t two = glyphs_for_title("Line #u#d##", "t_escapes");
    assert_int_equal(hash, plain + 1);
    /* "Line #u#d##" is 11 glyphs (as "#u" and "#d" are shown, not taken as superscript and
     * subscript commands), "Line 1012" is 9 (cairo draws spaces as glyphs too). */
    assert_int_equal(two, plain + 2);
}

static void test_title_changes_output(void **state)
{
    (void)state;
    size_t a = glyphs_for_title("Service level", "t_a");
    size_t b = glyphs_for_title("Service level by interval", "t_b");
    assert_int_equal(b, a + 12); /* " by interval": cairo draws spaces as glyphs too */
}

static void test_unwritable_paths_are_errors(void **state)
{
    (void)state;
    cs_chart c;
    cs_chart_series s[2];
    line_chart(&c, s);
    cs_error err = {CS_OK, ""};

    assert_int_equal(cs_chart_render(&c, "/nonexistent-cs-chart-dir/x", CS_CHART_PNG, &err),
                     CS_EIO);
    assert_non_null(strstr(err.msg, "cannot write /nonexistent-cs-chart-dir/x.png"));
    assert_non_null(strstr(err.msg, "No such file or directory"));

    /* Parent is a regular file. */
    char p[256];
    path_of(p, sizeof p, "plainfile", "");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    char base[300];
    snprintf(base, sizeof base, "%s/x", p);
    err.code = CS_OK;
    assert_int_equal(cs_chart_render(&c, base, CS_CHART_SVG | CS_CHART_PDF, &err), CS_EIO);
    assert_non_null(strstr(err.msg, "cannot write"));

    /* Target is a directory. */
    path_of(p, sizeof p, "isdir", ".pdf");
    assert_int_equal(mkdir(p, 0700), 0);
    base_of(base, sizeof base, "isdir");
    assert_int_equal(cs_chart_render(&c, base, CS_CHART_PDF, &err), CS_EIO);
    assert_non_null(strstr(err.msg, "isdir.pdf"));

    /* PLplot would treat %n as a file-family pattern. */
    base_of(base, sizeof base, "fam%n");
    assert_int_equal(cs_chart_render(&c, base, CS_CHART_PNG, &err), CS_EINPUT);

    /* Still alive, and PLplot still works afterwards. */
    render_ok(&c, "after_errors");
    check_files("after_errors");
}

static void test_invalid_descriptions(void **state)
{
    (void)state;
    char base[256];
    base_of(base, sizeof base, "invalid");
    cs_error err = {CS_OK, ""};
    cs_chart c;
    double y[3] = {1, 2, 3}, x[3] = {0, 1, 2};
    static const char *cats[2] = {"a", "b"};

    cs_chart_series bar[1] = {{.label = "Answered", .n = 3, .y = y}};
    cs_chart_init(&c, CS_CHART_GROUPED_BAR);
    c.series = bar;
    c.n_series = 1;
    c.categories = cats;
    c.n_categories = 2;
    assert_int_equal(cs_chart_render(&c, base, CS_CHART_PNG, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "('Answered') has 3 values but the chart has 2 categories"));

    cs_chart_series ln[1] = {{.label = "x", .n = 3, .x = x, .y = y, .lo = y}};
    cs_chart_init(&c, CS_CHART_LINE);
    c.series = ln;
    c.n_series = 1;
    assert_int_equal(cs_chart_render(&c, base, CS_CHART_PNG, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "lo/hi"));

    ln[0].lo = NULL;
    c.ymin = 5;
    c.ymax = 5;
    assert_int_equal(cs_chart_render(&c, base, CS_CHART_PNG, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "ymin"));

    /* A zero-initialised chart (not from cs_chart_init) has xmin = xmax = 0. */
    memset(&c, 0, sizeof c);
    c.series = ln;
    c.n_series = 1;
    assert_int_equal(cs_chart_render(&c, base, CS_CHART_PNG, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "cs_chart_init"));

    cs_chart_init(&c, CS_CHART_LINE);
    c.series = ln;
    c.n_series = 1;
    assert_int_equal(cs_chart_render(&c, base, 0, &err), CS_EINPUT);
    assert_int_equal(cs_chart_render(&c, base, 8, &err), CS_EINPUT);

    ln[0].axis = 2;
    assert_int_equal(cs_chart_render(&c, base, CS_CHART_PNG, &err), CS_EINPUT);
    ln[0].axis = 0;

    c.has_hline = 1;
    c.hline = NAN;
    assert_int_equal(cs_chart_render(&c, base, CS_CHART_PNG, &err), CS_EINPUT);
    c.has_hline = 0;

    cs_chart_init(&c, CS_CHART_STACKED_BAR);
    cs_chart_series b2[1] = {{.label = "a", .n = 2, .y = y, .axis = 1}};
    c.series = b2;
    c.n_series = 1;
    c.categories = cats;
    c.n_categories = 2;
    assert_int_equal(cs_chart_render(&c, base, CS_CHART_PNG, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "right-hand axis"));
}

static void test_awkward_data_renders(void **state)
{
    (void)state;
    cs_chart c;
    double nan3[3] = {NAN, NAN, NAN}, x3[3] = {0, 1, 2}, z3[3] = {0, 0, 0};
    double gap[6] = {1, NAN, 3, 4, NAN, 2}, x6[6] = {0, 1, 2, 3, 4, 5};

    /* No series at all, every kind. */
    for (int k = 0; k < 4; k++) {
        char name[32];
        cs_chart_init(&c, (cs_chart_kind)k);
        c.title = "Nothing to show";
        c.xlabel = "x";
        c.ylabel = "y";
        snprintf(name, sizeof name, "empty%d", k);
        render_ok(&c, name);
        check_files(name);
    }

    /* Series with n = 0, all NaN, gaps, all zero. */
    cs_chart_series s[4] = {
        {.label = "empty", .n = 0},
        {.label = "all NaN", .n = 3, .x = x3, .y = nan3, .lo = nan3, .hi = nan3},
        {.label = "gaps", .n = 6, .x = x6, .y = gap},
        {.label = "zero", .n = 3, .x = x3, .y = z3},
    };
    cs_chart_init(&c, CS_CHART_LINE);
    c.series = s;
    c.n_series = 2;
    render_ok(&c, "nan_only");
    check_files("nan_only");
    c.series = s + 2;
    c.n_series = 2;
    render_ok(&c, "gaps_zero");
    c.series = s + 3;
    c.n_series = 1;
    c.y_percent = 1;
    render_ok(&c, "all_zero");
    cs_chart_init(&c, CS_CHART_STEP);
    c.series = s + 2;
    c.n_series = 1;
    render_ok(&c, "step_gaps");

    /* One category; bars with NaN; zero totals in a percent stack. */
    static const char *one[1] = {"Only line"};
    double v1[1] = {42}, vn[1] = {NAN}, v0[1] = {0};
    cs_chart_series b[2] = {{.label = "a", .n = 1, .y = v1}, {.label = "b", .n = 1, .y = vn}};
    cs_chart_init(&c, CS_CHART_GROUPED_BAR);
    c.categories = one;
    c.n_categories = 1;
    c.series = b;
    c.n_series = 2;
    render_ok(&c, "one_cat");
    cs_chart_series bz[1] = {{.label = "zero", .n = 1, .y = v0}};
    cs_chart_init(&c, CS_CHART_STACKED_BAR);
    c.categories = one;
    c.n_categories = 1;
    c.series = bz;
    c.n_series = 1;
    c.stacked_percent = 1;
    render_ok(&c, "zero_stack");

    /* Long and many category names; more series than palette colours; hostile strings. */
    enum { NC = 40, NS = 10 };
    static char cbuf[NC][80];
    static const char *cats[NC];
    static double vals[NS][NC];
    cs_chart_series many[NS];
    for (int j = 0; j < NC; j++) {
        snprintf(cbuf[j], sizeof cbuf[j], "Neighbourhood policing team %d (north east)", j);
        cats[j] = cbuf[j];
    }
    for (int i = 0; i < NS; i++) {
        for (int j = 0; j < NC; j++)
            vals[i][j] = 1 + (i * 7 + j * 3) % 11;
        many[i] = (cs_chart_series){.label = "Outcome with a fairly long name", .n = NC,
                                    .y = vals[i]};
    }
    cs_chart_init(&c, CS_CHART_STACKED_BAR);
    c.title = "A very long title that keeps going and going well past the width of the chart "
              "so that it has to be shortened with an ellipsis somewhere";
    c.categories = cats;
    c.n_categories = NC;
    c.series = many;
    c.n_series = NS;
    render_ok(&c, "many");
    check_files("many");

    static char huge[3000];
    memset(huge, 'W', sizeof huge - 1);
    cs_chart_init(&c, CS_CHART_GROUPED_BAR);
    static const char *odd[3] = {"tab\there", "bad \xff\xfe utf8", huge};
    double v3[3] = {1, 2, 3};
    cs_chart_series o[1] = {{.label = "new\nline", .n = 3, .y = v3}};
    c.title = huge;
    c.subtitle = "\xe2\x82\xac and \xc3\xa9 are fine; \xed\xa0\x80 is a surrogate";
    c.categories = odd;
    c.n_categories = 3;
    c.series = o;
    c.n_series = 1;
    render_ok(&c, "hostile");
    check_files("hostile");
}

static void test_output_is_deterministic(void **state)
{
    (void)state;
    cs_chart c;
    cs_chart_series s[2];
    line_chart(&c, s);
    render_ok(&c, "det_a");
    render_ok(&c, "det_b");
    static const char *ext[3] = {".png", ".svg", ".pdf"};
    for (int i = 0; i < 3; i++) {
        char pa[256], pb[256];
        size_t la, lb;
        path_of(pa, sizeof pa, "det_a", ext[i]);
        path_of(pb, sizeof pb, "det_b", ext[i]);
        char *a = read_file(pa, &la), *b = read_file(pb, &lb);
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        free(a);
        free(b);
    }
    /* The PDF's creation date is pinned. */
    char p[256];
    path_of(p, sizeof p, "det_a", ".pdf");
    size_t plen;
    char *pdf = read_file(p, &plen);
    assert_non_null(pdf);
    assert_true(contains(pdf, plen, "/CreationDate (D:20000101000000"));
    free(pdf);
}

static void test_plplot_is_quiet_and_stream_restored(void **state)
{
    (void)state;
    char p[256];
    path_of(p, sizeof p, "stderr", ".txt");
    fflush(stderr);
    int saved = dup(2);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);

    PLINT before = -1, after = -1;
    plgstrm(&before);
    cs_chart c;
    cs_chart_series s[2];
    line_chart(&c, s);
    render_ok(&c, "quiet");
    cs_chart_init(&c, CS_CHART_STACKED_BAR);
    render_ok(&c, "quiet_empty");
    cs_error err;
    cs_chart_render(&c, "/nonexistent-cs-chart-dir/q", CS_CHART_PNG, &err);
    plgstrm(&after);

    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size_t len = 99;
    char *out = read_file(p, &len);
    assert_non_null(out);
    if (len != 0)
        fail_msg("PLplot wrote to stderr: %s", out);
    free(out);
    assert_int_equal(before, after);
}

/* ------------------------------------------------------------------------------------------
 * Issue 13: text is measured against its space (PLplot's string length) and never cut when a
 * second line holds it; the charts of a run read at a glance; a truncated file is an error.
 * ---------------------------------------------------------------------------------------- */

static cs_chart_info render_info(const cs_chart *c, const char *name)
{
    char base[256];
    snprintf(base, sizeof base, "%s/%s", g_dir, name);
    cs_chart_info info;
    cs_error err = {CS_OK, ""};
    cs_status st = cs_chart_render_info(c, base, CS_CHART_SVG | CS_CHART_PNG, &info, &err);
    if (st != CS_OK)
        fail_msg("render %s: %s", name, err.msg);
    return info;
}

static void test_long_subtitle_wraps_not_cut(void **state)
{
    (void)state;
    static const double x[3] = {0, 1, 2}, y[3] = {1, 2, 3};
    cs_chart_series s = {"series", 3, x, y, NULL, NULL, 0, 0, 0};
    cs_chart c;
    cs_chart_init(&c, CS_CHART_LINE);
    c.series = &s;
    c.n_series = 1;
    c.title = "Demand against staffing over the week";
    /* The subtitle the old demand-vs-staffing chart cut off with an ellipsis. */
    c.subtitle = "Offered attempts per hour (incl. redials) and handlers on duty after shrinkage and breaks, with a "
                 "little more text";
    cs_chart_info a = render_info(&c, "wrap_two_lines");
    assert_int_equal(a.texts_shortened, 0);
    assert_int_equal(a.max_points, 3);
    assert_int_equal(a.right_axis, 0);
    /* Negative control: a subtitle three lines long cannot be shown whole and is counted. */
    c.subtitle = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                 "seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four twenty-five "
                 "twenty-six twenty-seven twenty-eight twenty-nine thirty thirty-one thirty-two";
    cs_chart_info b = render_info(&c, "wrap_too_long");
    assert_true(b.texts_shortened >= 1);
    /* A right-hand axis is reported. */
    cs_chart_series s2[2] = {s, {"other", 3, x, y, NULL, NULL, 1, 1, 0}};
    c.series = s2;
    c.n_series = 2;
    c.subtitle = NULL;
    assert_int_equal(render_info(&c, "right_axis").right_axis, 1);
}

/* A disk that fills up truncates what the cairo drivers write (finding F2): the render must say
 * so, not leave a broken chart that looks written.  A file-size limit of 4 KB stands in for
 * the full disk, in a child process. */
static void test_truncated_file_is_an_error(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {4096, 4096};
        setrlimit(RLIMIT_FSIZE, &rl);
        static const double x[3] = {0, 1, 2}, y[3] = {1, 2, 3};
        cs_chart_series s = {"series", 3, x, y, NULL, NULL, 0, 0, 0};
        cs_chart c;
        cs_chart_init(&c, CS_CHART_LINE);
        c.series = &s;
        c.n_series = 1;
        c.title = "A chart larger than 4 KB";
        char base[256];
        snprintf(base, sizeof base, "%s/truncated", g_dir);
        cs_error err = {CS_OK, ""};
        cs_status st = cs_chart_render(&c, base, CS_CHART_SVG, &err);
        _exit(st == CS_EIO && strstr(err.msg, "incomplete") ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* The charts of the baseline: nothing cut, no week chart of 15-minute points, no second axis,
 * and the 101 -> 999 spillover chart is there. */
static int run_chart_path(void *ud, const char *file, char *out, size_t n, cs_error *err)
{
    (void)ud;
    (void)err;
    snprintf(out, n, "%s/run_%s", g_dir, file);
    return 0;
}

static void test_run_charts_read_at_a_glance(void **state)
{
    (void)state;
    cs_scn *scn = NULL;
    cs_diags diags = {0};
    assert_int_equal(cs_scn_load("scenarios/baseline.yaml", &scn, &diags), CS_OK);
    cs_diags_free(&diags);
    scn->replications = 2;
    cs_run_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 2;
    cs_results *r = NULL;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_run(scn, &o, &r, &err), CS_OK);
    cs_chart_list list = {0};
    assert_int_equal(cs_charts_run(r, run_chart_path, NULL, &list, &err), CS_OK);
    int spill = 0, demand = 0, staffing = 0;
    for (size_t i = 0; i < list.n; i++) {
        const cs_chart_entry *e = &list.items[i];
        if (e->texts_shortened)
            fail_msg("chart %s: %zu text(s) cut to fit", e->file, e->texts_shortened);
        /* The week's charts hour by hour (168 points, not 672 quarter hours); the waiting-time
         * curves have 240 points, a smooth line. */
        int week = strncmp(e->file, "service_level", 13) == 0 || strcmp(e->file, "demand") == 0 ||
                   strcmp(e->file, "staffing") == 0;
        if (e->max_points > (week ? 168u : 240u))
            fail_msg("chart %s: a series of %zu points", e->file, e->max_points);
        if (e->right_axis) fail_msg("chart %s has a second y axis", e->file);
        spill += strcmp(e->file, "spillover_line2") == 0;
        demand += strcmp(e->file, "demand") == 0;
        staffing += strcmp(e->file, "staffing") == 0;
    }
    assert_int_equal(spill, 1);
    assert_int_equal(demand, 1);
    assert_int_equal(staffing, 1);
    cs_chart_list_free(&list);
    /* A comparison of five scenarios with long names: the names are not cut under the bars
     * (they are numbered, the caption names them), and the legend holds the lines only. */
    const cs_results *rs[5] = {r, r, r, r, r};
    const char *names[5] = {"[1] Baseline - mid-sized force", "[2] Variant - 6 more handlers in the evening",
                            "[3] Variant - 101 callback offer", "[4] Variant - silent 999 calls rung back",
                            "[5] Variant - 999 measured with BT's connection time"};
    cs_chart_list cl = {0};
    assert_int_equal(cs_charts_compare(rs, names, 5, run_chart_path, NULL, &cl, &err), CS_OK);
    assert_int_equal(cl.n, 4);
    for (size_t i = 0; i < cl.n; i++) {
        if (cl.items[i].texts_shortened)
            fail_msg("chart %s: %zu text(s) cut to fit", cl.items[i].file, cl.items[i].texts_shortened);
        assert_non_null(strstr(cl.items[i].caption, names[4]));
    }
    cs_chart_list_free(&cl);
    cs_results_free(r);
    cs_scn_free(scn);
}

/* ------------------------------------------------------------------------------------------ */

static int make_dir(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/cs_chart_XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    if (getenv("CS_CHART_KEEP")) { /* keep the charts for a look */
        printf("charts left in %s\n", g_dir);
        return 0;
    }
    DIR *d = opendir(g_dir);
    if (!d)
        return -1;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name);
        if (unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
    return rmdir(g_dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_sets_automatic_limits),
        cmocka_unit_test(test_line_with_band_and_target),
        cmocka_unit_test(test_step_with_second_axis),
        cmocka_unit_test(test_stacked_percent),
        cmocka_unit_test(test_grouped_with_whiskers),
        cmocka_unit_test(test_hash_is_printed_literally),
        cmocka_unit_test(test_title_changes_output),
        cmocka_unit_test(test_unwritable_paths_are_errors),
        cmocka_unit_test(test_invalid_descriptions),
        cmocka_unit_test(test_awkward_data_renders),
        cmocka_unit_test(test_output_is_deterministic),
        cmocka_unit_test(test_plplot_is_quiet_and_stream_restored),
        cmocka_unit_test(test_long_subtitle_wraps_not_cut),
        cmocka_unit_test(test_truncated_file_is_an_error),
        cmocka_unit_test(test_run_charts_read_at_a_glance),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
