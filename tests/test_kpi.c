/* Tests for the KPI catalogue (models/kpi.h) and its use by every output.
 *
 *  - The catalogue is complete: every KPI of every table has a key, a label in words (not the
 *    key), a unit, a kind, a print rule, a one-sentence meaning; keys are unique per table.
 *  - Print rules: counts read as counts (whole numbers, "under 1" for a small mean), shares as
 *    percentages, times in words; differences in points; a difference that prints as zero is
 *    never called significant.
 *  - Data files: a KPI value is written to at most 15 significant digits (5.6000000000000005, a
 *    mean of counts, is written 5.6).
 *  - The outputs of run, compare and replay show no KPI the catalogue cannot label: every key in
 *    summary.json, intervals.csv, comparison.csv, observed.csv and daily.csv is in it; every row
 *    of the terminal tables carries a catalogue label; no row of report.html is named by a raw
 *    key.  The terminal tables print counts as whole numbers; compare's shows each scenario's
 *    own values with the differences under them; no file carries float noise; the comparison
 *    report does not name an intervals.csv compare does not write.
 * The CLI runs are small (3 replications), a few seconds in all. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/json.h"
#include "models/daily.h"
#include "models/kpi.h"
#include "sim/text.h"

static char tmp[64];
static const char *callsim = "./callsim";

static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *slurp(const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = '\0';
    fclose(f);
    return b;
}

/* ---- the catalogue --------------------------------------------------------------------------- */

static void test_catalogue_complete(void **state)
{
    (void)state;
    for (int sc = 0; sc < CS_KPI_SCOPE_N; sc++) {
        size_t n;
        const cs_kpi_def *t = cs_kpi_table(sc, &n);
        assert_non_null(t);
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++) {
            const cs_kpi_def *d = &t[i];
            if (!d->name || !*d->name) fail_msg("table %d, entry %zu has no key", sc, i);
            if (!d->label || !*d->label || strcmp(d->label, d->name) == 0)
                fail_msg("%s (table %d) has no label in words", d->name, sc);
            if (!d->unit || !*d->unit) fail_msg("%s (table %d) has no unit", d->name, sc);
            if (!d->meaning || strlen(d->meaning) < 20 || d->meaning[strlen(d->meaning) - 1] != '.')
                fail_msg("%s (table %d) has no one-sentence meaning", d->name, sc);
            int k = cs_kpi_kind_of(d), p = cs_kpi_print_of(d);
            assert_true(k >= CS_KPI_COUNT && k <= CS_KPI_HOURS);
            assert_true(p >= CS_KPI_PRINT_WHOLE && p <= CS_KPI_PRINT_DECIMAL);
            assert_true(d->better >= -1 && d->better <= 1);
            assert_ptr_equal(cs_kpi_find(sc, d->name), d);
            for (size_t j = 0; j < i; j++)
                if (strcmp(t[j].name, d->name) == 0) fail_msg("key %s twice in table %d", d->name, sc);
        }
    }
    /* The README's table explains every line and pool KPI by its key. */
    FILE *f = fopen("README.md", "rb");
    if (f) {
        fclose(f);
        char *readme = slurp("README.md");
        for (int sc = CS_KPI_SCOPE_LINE; sc <= CS_KPI_SCOPE_POOL; sc++) {
            size_t n;
            const cs_kpi_def *t = cs_kpi_table(sc, &n);
            for (size_t i = 0; i < n; i++) {
                char key[80];
                snprintf(key, sizeof key, "`%s`", t[i].name);
                if (!strstr(readme, key)) fail_msg("README.md does not explain the KPI %s", key);
            }
        }
        free(readme);
    }
    assert_null(cs_kpi_find(CS_KPI_SCOPE_LINE, "no_such_kpi"));
    assert_null(cs_kpi_find(CS_KPI_SCOPE_LINE, NULL));
}

static void expect_fmt(const char *key, double v, unsigned flags, const char *want)
{
    char buf[64];
    const cs_kpi_def *d = cs_kpi_find(CS_KPI_SCOPE_LINE, key);
    if (!d) d = cs_kpi_find(CS_KPI_SCOPE_POOL, key);
    assert_non_null(d);
    cs_kpi_fmt(buf, sizeof buf, d, v, flags);
    if (strcmp(buf, want) != 0) fail_msg("%s %.17g: \"%s\", wanted \"%s\"", key, v, buf, want);
}

static void test_print_rules(void **state)
{
    (void)state;
    /* Counts read as counts: "rang 999 in the week: 7.45" is 7. */
    expect_fmt("spilled_to_999", 7.45, 0, "7");
    expect_fmt("offered", 6138.45, 0, "6,138");
    expect_fmt("unfinished", 0.3, 0, "under 1");
    expect_fmt("unfinished", 0, 0, "0");
    expect_fmt("unfinished", 0.3, CS_KPI_FMT_PLAIN, "0");   /* the end of an interval */
    expect_fmt("redials", -136.1, CS_KPI_FMT_SIGN | CS_KPI_FMT_DIFF, "-136");
    expect_fmt("service_level", 0.6483, 0, "64.8%");
    expect_fmt("service_level", 0.6483, CS_KPI_FMT_FINE, "64.83%");
    expect_fmt("service_level", -0.0407, CS_KPI_FMT_SIGN | CS_KPI_FMT_DIFF, "-4.1 points");
    expect_fmt("asa", 9.72, 0, "9.7 s");
    expect_fmt("asa", 66.4, 0, "1 min 06 s");
    expect_fmt("wait_max", 3725, 0, "1 h 02 min");
    expect_fmt("on_duty", 16.87, 0, "16.9");
    expect_fmt("asa", NAN, 0, "-");
    /* Differences: one whose interval, as printed, reaches zero is not significant. */
    const cs_kpi_def *duty = &cs_pool_kpis[CS_PK_ON_DUTY], *sl = &cs_line_kpis[CS_LK_SERVICE_LEVEL];
    assert_int_equal(cs_kpi_diff_verdict(duty, 0.01, 0.005, 0), CS_KPI_DIFF_TINY);    /* "+0.0 (+0.0 to +0.0)" */
    assert_int_equal(cs_kpi_diff_verdict(duty, 1.6, 0.1, 0), CS_KPI_DIFF_REAL);
    assert_int_equal(cs_kpi_diff_verdict(duty, 0.0, 0.0, 0), CS_KPI_DIFF_NONE);
    assert_int_equal(cs_kpi_diff_verdict(sl, -0.0407, 0.0035, 0), CS_KPI_DIFF_REAL);
    assert_int_equal(cs_kpi_diff_verdict(sl, 0.002, 0.003, 0), CS_KPI_DIFF_NONE);
    assert_int_equal(cs_kpi_diff_verdict(sl, 0.0006, 0.0002, 0), CS_KPI_DIFF_TINY);   /* +0.1 (0.0 to +0.1) */
    assert_int_equal(cs_kpi_diff_verdict(&cs_line_kpis[CS_LK_REDIALS], 0.3, 0.1, 0), CS_KPI_DIFF_TINY);
    assert_int_equal(cs_kpi_diff_verdict(sl, NAN, 0.1, 0), CS_KPI_DIFF_NONE);
}

static void test_data_values(void **state)
{
    (void)state;
    char buf[40];
    /* The float noise of issue 13, from arithmetic: 28 / 5 computed as a sum of fifths. */
    double noisy = 5.6000000000000005;
    assert_true(noisy != 5.6);
    cs_text_fmt_double(buf, sizeof buf, noisy);
    assert_string_equal(buf, "5.6000000000000005");   /* what the files carried */
    cs_text_fmt_double(buf, sizeof buf, cs_kpi_data_value(noisy));
    assert_string_equal(buf, "5.6");
    assert_true(cs_kpi_data_value(0.1 + 0.2) == 0.3);
    assert_true(cs_kpi_data_value(1.0 / 3.0) == 0.333333333333333);
    assert_true(cs_kpi_data_value(6138.45) == 6138.45);
    assert_true(cs_kpi_data_value(-2.5e-7) == -2.5e-7);
    assert_true(isnan(cs_kpi_data_value(NAN)));
    assert_true(cs_kpi_data_value(0) == 0);
    /* Within 5e-15 relative, always. */
    for (double x = 1e-6; x < 1e9; x *= 7.3) {
        double y = cs_kpi_data_value(x / 3);
        assert_true(fabs(y - x / 3) <= 5e-15 * fabs(x / 3));   /* half a unit of the 15th digit */
    }
}

/* ---- the outputs ----------------------------------------------------------------------------- */

/* Significant digits of a number written in a data file ("0.000123" has 3, "5.6000000000000005"
 * 17); 0 when the text is not a number. */
static int sig_digits(const char *s, size_t n)
{
    int digits = 0, started = 0, any = 0;
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    for (; i < n; i++) {
        if (s[i] == '.') continue;
        if (s[i] == 'e' || s[i] == 'E') break;
        if (!isdigit((unsigned char)s[i])) return 0;
        any = 1;
        if (s[i] != '0') started = 1;
        if (started) digits++;
    }
    /* trailing zeros of an integer are significant only to its magnitude; good enough here */
    return any ? digits : 0;
}

/* The most significant digits of any number in text (CSV fields, JSON numbers). */
static int max_digits(const char *text, const char **where)
{
    int best = 0;
    const char *p = text;
    while (*p) {
        if ((isdigit((unsigned char)*p) || *p == '-') && (p == text || strchr(",: [\n", p[-1]))) {
            const char *e = p;
            while (*e && (isdigit((unsigned char)*e) || strchr(".-+eE", *e))) e++;
            int d = sig_digits(p, (size_t)(e - p));
            if (d > best) {
                best = d;
                *where = p;
            }
            p = e;
        } else p++;
    }
    return best;
}

static void assert_no_noise(const char *text, const char *file)
{
    const char *where = NULL;
    int d = max_digits(text, &where);
    if (d > 15) fail_msg("%s carries float noise: %.40s (%d significant digits)", file, where, d);
}

/* Every KPI name in the `kpi` column (column `col`, 0-based) of a CSV is in the catalogue; a
 * row whose entity (column `ent`) is "pool:NAME" is a pool's. */
static void csv_kpis_known(const char *text, int ent, int col, int scope, int pool_scope, const char *file)
{
    const char *line = strchr(text, '\n');   /* after the header */
    size_t rows = 0;
    while (line && line[1]) {
        line++;
        const char *f = line, *prev = line;
        int in_quotes = 0;
        for (int c = 0; c < col && *f && *f != '\n'; f++) {
            if (*f == '"') in_quotes = !in_quotes;
            else if (*f == ',' && !in_quotes) {
                c++;
                if (c == ent) prev = f + 1;
            }
        }
        size_t len = strcspn(f, ",\n");
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(len < 63 ? len : 63), f);
        int pool = strncmp(prev, "pool:", 5) == 0 || strncmp(prev, "\"pool:", 6) == 0;
        if (!cs_kpi_find(pool ? pool_scope : scope, key)) fail_msg("%s: KPI '%s' is not in the catalogue", file, key);
        rows++;
        line = strchr(line, '\n');
    }
    assert_true(rows > 0);
}

/* Every member of lines.* / pools.* of a KPI object is a known line / pool KPI with a label. */
static void json_kpis_known(const cs_json *lines, const cs_json *pools, const char *file)
{
    for (int p = 0; p < 2; p++) {
        const cs_json *o = p ? pools : lines;
        for (size_t e = 0; e < cs_json_size(o); e++) {
            const cs_json *k = cs_json_member_value(o, e);
            for (size_t i = 0; i < cs_json_size(k); i++) {
                const char *key = cs_json_member_key(k, i);
                if (!cs_kpi_find(p ? CS_KPI_SCOPE_POOL : CS_KPI_SCOPE_LINE, key))
                    fail_msg("%s: KPI '%s' has no catalogue entry (no label)", file, key);
            }
        }
    }
}

/* The rows of a terminal table: every line "  <label>  <value> ..." under a "Line"/"Pool"
 * heading starts with a catalogue label, never with a key; count rows have no decimals. */
static void table_rows_labelled(const char *out)
{
    size_t rows = 0;
    int pm_col = -1;
    for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, "  ", 2) != 0 || l[2] == ' ') continue;
        size_t len = strcspn(l, "\n");
        char row[512];
        snprintf(row, sizeof row, "%.*s", (int)(len < 511 ? len : 511), l + 2);
        const cs_kpi_def *hit = NULL;
        for (int sc = CS_KPI_SCOPE_LINE; sc <= CS_KPI_SCOPE_POOL && !hit; sc++) {
            size_t n;
            const cs_kpi_def *t = cs_kpi_table(sc, &n);
            for (size_t i = 0; i < n; i++)
                if (strncmp(row, t[i].label, strlen(t[i].label)) == 0 && row[strlen(t[i].label)] == ' ') hit = &t[i];
        }
        if (!hit) fail_msg("table row without a catalogue label: \"%s\"", row);
        if (cs_kpi_kind_of(hit) == CS_KPI_COUNT) {
            const char *v = row + strlen(hit->label);
            while (*v == ' ') v++;
            size_t vl = strcspn(v, " ");
            if (memchr(v, '.', vl)) fail_msg("a count with decimals: \"%s\"", row);
        }
        /* The figures line up: every row's "±" in the same column (in characters). */
        const char *pm = strstr(row, "\xc2\xb1");
        if (pm) {
            int col = 0;
            for (const char *c = row; c < pm; c++) col += ((unsigned char)*c & 0xC0) != 0x80;
            if (pm_col < 0) pm_col = col;
            if (col != pm_col) fail_msg("row out of line (\"±\" at column %d, not %d): \"%s\"", col, pm_col, row);
        }
        rows++;
    }
    assert_true(rows > 20);
}

static int setup(void **state)
{
    (void)state;
    if (getenv("CALLSIM")) callsim = getenv("CALLSIM");
    strcpy(tmp, "/tmp/cs_test_kpi_XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    sh("rm -rf '%s'", tmp);
    return 0;
}

static void test_run_outputs(void **state)
{
    (void)state;
    assert_int_equal(sh("%s run scenarios/baseline.yaml --reps 3 --out %s/run --report -q > %s/run.txt", callsim, tmp,
                        tmp),
                     0);
    char *out = slurp("%s/run.txt", tmp);
    table_rows_labelled(out);
    free(out);
    char *sum = slurp("%s/run/summary.json", tmp);
    cs_json *j = NULL;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_json_parse(sum, strlen(sum), &j, &err), CS_OK);
    json_kpis_known(cs_json_get(j, "lines"), cs_json_get(j, "pools"), "summary.json");
    /* The folder explains its own keys. */
    const cs_json *cat = cs_json_get(j, "kpi_catalogue");
    assert_string_equal(cs_json_string_value(cs_json_path(cat, "lines.wait_sd.label")),
                        cs_line_kpis[CS_LK_WAIT_SD].label);
    assert_non_null(cs_json_string_value(cs_json_path(cat, "lines.aht.meaning")));
    assert_non_null(cs_json_get(j, "validation"));
    cs_json_free(j);
    /* Only the KPI objects: resolved_scenario holds the scenario's own numbers as written. */
    char *kpis_end = strstr(sum, "\"kpi_catalogue\"");
    assert_non_null(kpis_end);
    *kpis_end = '\0';
    assert_no_noise(sum, "summary.json");
    free(sum);
    char *iv = slurp("%s/run/intervals.csv", tmp);
    csv_kpis_known(iv, 0, 2, CS_KPI_SCOPE_INTERVAL, CS_KPI_SCOPE_INTERVAL_POOL, "intervals.csv");
    assert_no_noise(iv, "intervals.csv");
    free(iv);
    /* No row of the report is named by a raw key (the old report showed wait_sd, aht). */
    char *html = slurp("%s/run/report.html", tmp);
    for (const char *p = strstr(html, "<th scope=\"row\">"); p; p = strstr(p + 1, "<th scope=\"row\">")) {
        const char *s = p + 16, *e = strstr(s, "</th>");
        assert_non_null(e);
        char label[256];
        snprintf(label, sizeof label, "%.*s", (int)(e - s < 255 ? e - s : 255), s);
        size_t n;
        const cs_kpi_def *t = cs_kpi_table(CS_KPI_SCOPE_LINE, &n);
        for (size_t i = 0; i < n; i++)
            if (strcmp(label, t[i].name) == 0) fail_msg("report.html has a row named by the raw key %s", label);
        t = cs_kpi_table(CS_KPI_SCOPE_POOL, &n);
        for (size_t i = 0; i < n; i++)
            if (strcmp(label, t[i].name) == 0) fail_msg("report.html has a row named by the raw key %s", label);
    }
    assert_non_null(strstr(html, "Spread of waits to be answered (standard deviation)"));   /* wait_sd */
    assert_non_null(strstr(html, "Average talk time of answered calls"));                   /* aht */
    free(html);
}

/* With spillover that sends nobody, the Summary says so instead of "about 0 calls a week". */
static void test_no_spill_summary(void **state)
{
    (void)state;
    assert_int_equal(sh("%s run scenarios/baseline.yaml --reps 2 --set lines.101.spillover.share=0%% "
                        "--set lines.101.spillover.per_minute=0%% --out %s/nospill --report -q > /dev/null",
                        callsim, tmp),
                     0);
    char *html = slurp("%s/nospill/report.html", tmp);
    assert_non_null(strstr(html, "No caller who gave up on 101 rang 999 in these runs."));
    assert_null(strstr(html, "about 0 calls a week"));
    free(html);
}

/* A dated run of more than a week writes daily.csv: its KPIs too. */
static void test_daily_outputs(void **state)
{
    (void)state;
    assert_int_equal(sh("%s run scenarios/baseline.yaml --reps 2 --set horizon=10d --out %s/long -q > /dev/null",
                        callsim, tmp),
                     0);
    char *d = slurp("%s/long/daily.csv", tmp);
    csv_kpis_known(d, 1, 2, CS_KPI_SCOPE_DAILY, CS_KPI_SCOPE_DAILY, "daily.csv");
    assert_no_noise(d, "daily.csv");
    free(d);
}

static void test_compare_outputs(void **state)
{
    (void)state;
    assert_int_equal(sh("%s compare scenarios/baseline.yaml scenarios/evening_handlers.yaml scenarios/bt_connection.yaml "
                        "scenarios/callback.yaml --reps 3 --out %s/cmp --report -q > %s/cmp.txt", callsim, tmp, tmp),
                     0);
    char *out = slurp("%s/cmp.txt", tmp);
    char *sum = slurp("%s/cmp/summary.json", tmp);
    cs_json *j = NULL;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_json_parse(sum, strlen(sum), &j, &err), CS_OK);
    for (size_t i = 0; i < cs_json_size(cs_json_get(j, "scenarios")); i++) {
        const cs_json *s = cs_json_at(cs_json_get(j, "scenarios"), i);
        json_kpis_known(cs_json_get(s, "lines"), cs_json_get(s, "pools"), "comparison summary.json");
    }
    /* The terminal table shows each scenario's own value, not only differences: the 999 service
     * level of all three, as the catalogue prints them, on the row's first line. */
    const char *row = strstr(out, "Answered within the target time");
    assert_non_null(row);
    char first[512];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(row, "\n"), row);
    for (int i = 0; i < 3; i++) {   /* the first block of columns: [1], [2], [3] */
        char path[96], v[48];
        snprintf(path, sizeof path, "scenarios.%d.lines.999.service_level.mean", i);
        cs_kpi_fmt(v, sizeof v, &cs_line_kpis[CS_LK_SERVICE_LEVEL], cs_json_number_value(cs_json_path(j, path)), 0);
        if (!strstr(first, v)) fail_msg("compare's table lacks scenario %d's own value %s in \"%s\"", i + 1, v, first);
    }
    /* ... and under them the differences, never a starred difference that reads as zero. */
    for (const char *p = strstr(out, " ± "); p; p = strstr(p + 1, " ± ")) {
        /* The cell starts after the two or more spaces that separate columns. */
        const char *a = p;
        while (a > out + 1 && a[-1] != '\n' && !(a[-1] == ' ' && a[-2] == ' ')) a--;
        const char *e = strchr(p, '\n');
        char cell[64];
        snprintf(cell, sizeof cell, "%.*s", (int)((e ? e : p + 40) - a < 63 ? (e ? e : p + 40) - a : 63), a);
        int zero = 1;
        for (const char *c = a; c < p; c++)
            if (*c >= '1' && *c <= '9') zero = 0;
        if (zero && strstr(cell, " *")) fail_msg("a difference that reads as zero is starred significant: %s", cell);
    }
    free(out);
    /* The report's tables come in blocks of the base and two alternatives: every scenario heads
     * a column of the headline tables (of each line and the staff), the base once per block. */
    char *rep = slurp("%s/cmp/report.html", tmp);
    for (int i = 0; i < 4; i++) {
        char th[256];
        const char *name = cs_json_string_value(cs_json_path(j, i == 0 ? "scenarios.0.name" : i == 1 ? "scenarios.1.name"
                                                                : i == 2 ? "scenarios.2.name" : "scenarios.3.name"));
        char esc[160];   /* the name as the page escapes it (an apostrophe is &#39;) */
        size_t e = 0;
        for (const char *c = name; *c && e + 6 < sizeof esc; c++) {
            if (*c == '\'') e += (size_t)sprintf(esc + e, "&#39;");
            else esc[e++] = *c;
        }
        esc[e] = '\0';
        snprintf(th, sizeof th, "<th scope=\"col\" class=\"res\">%s", esc);
        size_t count = 0;
        for (const char *p = strstr(rep, th); p; p = strstr(p + 1, th)) count++;
        /* 2 lines + staff, headline and full tables (lines + 2 pools): base in 2 blocks each */
        if (count == 0) fail_msg("scenario %d (%s) heads no column of the comparison report", i + 1, name);
    }
    free(rep);
    cs_json_free(j);
    char *c = slurp("%s/cmp/comparison.csv", tmp);
    csv_kpis_known(c, 1, 2, CS_KPI_SCOPE_LINE, CS_KPI_SCOPE_POOL, "comparison.csv");
    assert_no_noise(c, "comparison.csv");
    free(c);
    char *kpis_end = strstr(sum, "\"kpi_catalogue\"");
    assert_non_null(kpis_end);
    *kpis_end = '\0';
    assert_no_noise(sum, "comparison summary.json");
    free(sum);
    /* compare writes no intervals.csv, and its report does not say it does. */
    struct stat sb;
    char p[256];
    snprintf(p, sizeof p, "%s/cmp/intervals.csv", tmp);
    assert_true(stat(p, &sb) != 0);
    char *html = slurp("%s/cmp/report.html", tmp);
    if (strstr(html, "intervals.csv")) fail_msg("the comparison report names an intervals.csv compare does not write");
    assert_non_null(strstr(html, "comparison.csv"));
    free(html);
}

static void test_replay_outputs(void **state)
{
    (void)state;
    assert_int_equal(sh("%s replay scenarios/logs/example_force_export.csv --scenario scenarios/baseline.yaml "
                        "--columns arrival=CallTime,date=CallDate,line=Queue,caller=CallerRef,outcome=Result,"
                        "wait=QueueTime,handle=TalkTime --outcomes 'answered=ANSWERED,abandoned=ABANDONED,"
                        "abandoned_ivr=IVR HANGUP,deflected=ONLINE,cut_off=BUSY' --reps 2 --out %s/replay --report -q "
                        "> %s/replay.txt 2>&1", callsim, tmp, tmp),
                     0);
    char *sum = slurp("%s/replay/summary.json", tmp);
    cs_json *j = NULL;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_json_parse(sum, strlen(sum), &j, &err), CS_OK);
    json_kpis_known(cs_json_get(j, "lines"), cs_json_get(j, "pools"), "replay summary.json");
    cs_json_free(j);
    free(sum);
    /* A replay's Summary sets the log's figures beside the simulated ones, with no yearly
     * figures (a log of two days says nothing about a year). */
    char *html = slurp("%s/replay/report.html", tmp);
    const char *exec = strstr(html, "<p class=\"exec\">");
    assert_non_null(exec);
    const char *end = strstr(exec, "</p>");
    assert_non_null(end);
    char ex[4096];
    snprintf(ex, sizeof ex, "%.*s", (int)(end - exec), exec);
    assert_non_null(strstr(ex, "The log has 2,122 calls to the 999 line"));
    assert_null(strstr(ex, "a year"));
    free(html);
    char *iv = slurp("%s/replay/intervals.csv", tmp);
    csv_kpis_known(iv, 0, 2, CS_KPI_SCOPE_INTERVAL, CS_KPI_SCOPE_INTERVAL_POOL, "replay intervals.csv");
    free(iv);
    struct stat sb;
    char p[256];
    snprintf(p, sizeof p, "%s/replay/observed.csv", tmp);
    if (stat(p, &sb) == 0) {
        char *o = slurp("%s", p);
        char *hdr_end = strchr(o, '\n');
        /* the kpi column's position from the header */
        int col = 0;
        for (char *h = o; h < hdr_end && strncmp(h, "kpi", 3) != 0; h++)
            if (*h == ',') col++;
        csv_kpis_known(o, 0, col, CS_KPI_SCOPE_INTERVAL, CS_KPI_SCOPE_INTERVAL_POOL, "observed.csv");
        free(o);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_complete),
        cmocka_unit_test(test_print_rules),
        cmocka_unit_test(test_data_values),
        cmocka_unit_test(test_run_outputs),
        cmocka_unit_test(test_no_spill_summary),
        cmocka_unit_test(test_daily_outputs),
        cmocka_unit_test(test_compare_outputs),
        cmocka_unit_test(test_replay_outputs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
