/* callsim calibrate: the values of free inputs that make simulated KPIs match published figures
 * (experiments/calibrate.h); prints the fit with its uncertainty and how well each figure is
 * matched, warns when the figures cannot pin the inputs down, and writes a runnable variant
 * (-o: `base:` the scenario, plus the fitted values). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/dist.h"
#include "cli/outputs.h"
#include "cli/whatif.h"
#include "experiments/calibrate.h"
#include "io/results.h"
#include "io/scenario.h"
#include "io/scenario_json.h"
#include "io/units.h"
#include "io/variant.h"

enum { F_MATCH, F_FREE, F_SHOW, F_SET, F_OUTPUT, F_NAME, F_REPS, F_SEED, F_THREADS, F_JSON, F_OUT, F_FORCE, F_QUIET, F_REPORT, F_HELP, F_N };

typedef struct cal_cli {
    cs_whatif w;
    cs_scn *base;
    cs_cal_free fr[CS_CAL_MAX_FREE];
    cs_cal_match mt[CS_CAL_MAX_MATCH];
    char mt_text[CS_CAL_MAX_MATCH][160];     /* the KPI as written canonically */
    char target_text[CS_CAL_MAX_MATCH][64];  /* the figure as given */
    size_t k, m;
    cs_cal_result r;
    char xr_text[CS_CAL_MAX_FREE][96];       /* the values written to the variant */
    char warn[8][600];
    size_t n_warn;
    cs_results *written;                     /* --out: a full run of the variant */
    cs_scn *written_scn;
    int quiet;
} cal_cli;

/* ---- reading the flags -------------------------------------------------------------------- */

static int parse_match(cal_cli *c, size_t i, const char *arg)
{
    cs_error err = {CS_OK, ""};
    /* KPI=VALUE: the '=' after the KPI (names may be quoted, so skip quoted parts). */
    const char *eq = NULL;
    char q = 0;
    for (const char *s = arg; *s && !eq; s++) {
        if (q) {
            if (*s == q) q = 0;
        } else if (*s == '"' || *s == '\'') {
            q = *s;
        } else if (*s == '=') {
            eq = s;
        }
    }
    char kpi[200];
    if (!eq || (size_t)(eq - arg) >= sizeof kpi) {
        cs_error_set(&err, CS_EINPUT, "expected KPI=VALUE, such as lines.101.asa=5m08s or lines.101.abandon_rate=26.9%%");
    } else {
        memcpy(kpi, arg, (size_t)(eq - arg));
        kpi[eq - arg] = '\0';
        if (cs_exp_kpi_parse(c->base, kpi, &c->mt[i].kpi, &err) == CS_OK) {
            const char *unit = cs_exp_kpi_def(&c->mt[i].kpi)->unit, *v = eq + 1;
            double x = NAN;
            if (strcmp(unit, "s") == 0) {
                cs_units_parse_duration(v, &x, &err);
            } else if (strcmp(unit, "share") == 0) {
                cs_units_parse_share(v, &x, &err);
            } else {
                cs_valunit u;
                if (cs_valrange_value(v, &u, &x, &err) == CS_OK && (u.kind != CS_VAL_NUMBER || u.suffix[0] || u.prefix[0]))
                    cs_error_set(&err, CS_EINPUT, "expected a plain number of %s, got '%s'", unit, v);
            }
            c->mt[i].target = x;
            snprintf(c->target_text[i], sizeof c->target_text[i], "%s", v);
            cs_exp_kpi_format(&c->mt[i].kpi, c->mt_text[i], sizeof c->mt_text[i]);
        }
    }
    if (err.code != CS_OK) {
        fprintf(stderr, "callsim calibrate: --match #%zu '%s': %s\n", i + 1, arg, err.msg);
        return CS_EXIT_INPUT;
    }
    return 0;
}

static int parse_free(cal_cli *c, size_t i, const char *arg)
{
    const char *spec = NULL;
    int code = cs_whatif_add(&c->w, arg, 1, &spec);
    if (code) return code;
    cs_error err = {CS_OK, ""};
    cs_cal_free *f = &c->fr[i];
    f->in = c->w.in[i];
    f->start = NAN;
    /* The current value: the start of the search, and the default range. */
    char cur[256] = "";
    if ((code = cs_whatif_current(&c->w, i, cur, sizeof cur)) != 0) return code;
    cs_valunit cu;
    double cx = NAN;
    int have_cur = cur[0] && cs_valrange_value(cur, &cu, &cx, NULL) == CS_OK;
    if (spec) {
        if (cs_valrange_bounds(spec, &c->w.unit[i], &f->lo, &f->hi, &err) == CS_OK && have_cur &&
            cu.kind == c->w.unit[i].kind && strcmp(cu.suffix, c->w.unit[i].suffix) == 0 && cx > f->lo && cx < f->hi)
            f->start = cx;
    } else if (!have_cur || cu.kind == CS_VAL_TEXT) {
        cs_error_set(&err, CS_EINPUT, "the scenario gives no single value for %s to start from; give a range: "
                     "%s=LOW..HIGH", c->w.path[i], c->w.path[i]);
    } else if (!(cx > 0)) {
        cs_error_set(&err, CS_EINPUT, "%s is %s; give a range to search: %s=LOW..HIGH", c->w.path[i], cur, c->w.path[i]);
    } else {
        /* Default range: a quarter to four times the current value (a headcount: half to double;
         * a percentage: 0% to 100%). */
        c->w.unit[i] = cu;
        f->start = cx;
        if (strcmp(cu.suffix, "%") == 0) f->lo = 0, f->hi = 100;
        else if (cu.whole) f->lo = fmax(1, floor(cx / 2)), f->hi = ceil(2 * cx);
        else f->lo = cx / 4, f->hi = 4 * cx;
    }
    if (err.code != CS_OK) {
        fprintf(stderr, "callsim calibrate: --free #%zu '%s': %s\n", i + 1, arg, err.msg);
        return CS_EXIT_INPUT;
    }
    c->w.in[i].unit = cs_valrange_unit_label(&c->w.unit[i]);
    c->w.in[i].whole = c->w.unit[i].whole;
    f->in = c->w.in[i];
    return 0;
}

/* ---- words ------------------------------------------------------------------------------- */

/* Decimals that show a value known to +/- h: two significant digits of h (four of x when h is
 * unknown). */
static int decimals_for(double x, double h)
{
    double ref = isfinite(h) && h > 0 ? h / 10 : fabs(x) / 1000;
    if (!(ref > 0)) return 2;
    int d = (int)ceil(-log10(ref));
    return d < 0 ? 0 : d > 6 ? 6 : d;
}

/* An input's value for reading: in its unit, to the precision its uncertainty allows (whole
 * numbers with two decimals: a fitted headcount may lie between two). */
static void fmt_x(const cal_cli *c, size_t i, double x, char *buf, size_t n)
{
    if (!isfinite(x)) {
        snprintf(buf, n, "-");
        return;
    }
    const cs_valunit *u = &c->w.unit[i];
    if (u->whole) {
        snprintf(buf, n, x == floor(x) ? "%.0f" : "%.2f", x);
        return;
    }
    double h = c->r.x_ci[i];
    if (u->kind == CS_VAL_DURATION) h = isfinite(h) ? h : NAN;
    cs_valrange_format_dec(u, x, decimals_for(x, h), buf, n);
}

/* A half-width in the input's unit: durations as durations, numbers with 3 significant digits. */
static void fmt_ci(const cal_cli *c, size_t i, double h, char *buf, size_t n)
{
    if (!isfinite(h)) {
        snprintf(buf, n, "not determined");
        return;
    }
    const cs_valunit *u = &c->w.unit[i];
    if (u->kind == CS_VAL_DURATION) {
        cs_units_format_duration(h, buf, n);
        return;
    }
    char num[48];
    int dec = decimals_for(h, h) - 1;
    snprintf(num, sizeof num, "%.*f", dec < 0 ? 0 : dec, h);
    snprintf(buf, n, "%s%s", num, u->suffix);
}

static void fmt_kpi(const cs_exp_kpi *k, double v, double ci, char *buf, size_t n)
{
    const char *unit = cs_exp_kpi_def(k)->unit;
    if (strcmp(unit, "s") == 0 && isfinite(v)) {
        char a[32];
        cs_units_format_duration(round(v), a, sizeof a);
        if (isfinite(ci)) {
            snprintf(buf, n, "%.31s ± %.1fs", a, ci);
        } else {
            snprintf(buf, n, "%s", a);
        }
        return;
    }
    cs_whatif_fmt(buf, n, unit, v, ci, 0);
}

static void add_warn(cal_cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_warn(cal_cli *c, const char *fmt, ...)
{
    if (c->n_warn >= sizeof c->warn / sizeof c->warn[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->warn[c->n_warn++], sizeof c->warn[0], fmt, ap);
    va_end(ap);
}

static size_t n_figures(const cal_cli *c)
{
    size_t n = 0;
    for (size_t q = 0; q < c->m; q++) n += !c->mt[q].watch;
    return n;
}

static void make_warnings(cal_cli *c)
{
    const cs_cal_result *r = &c->r;
    char dir[400] = "";
    size_t o = 0;
    for (size_t i = 0; i < c->k && o + 80 < sizeof dir; i++) {
        if (fabs(r->flat_dir[i]) < 0.05) continue;
        int w = snprintf(dir + o, sizeof dir - o, "%s%s %s", o ? ", " : "", r->flat_dir[i] > 0 ? "raise" : "lower",
                         c->w.path[i]);
        if (w > 0) o += (size_t)w;
    }
    if (r->underdetermined)
        add_warn(c, "%zu free inputs but only %zu figure%s: the figures cannot pin the inputs down. Other values fit as "
                 "well along one direction (%s together, in proportion to their ranges); fix some inputs or add "
                 "figures.", c->k, n_figures(c), n_figures(c) == 1 ? "" : "s", dir);
    else if (r->flat)
        add_warn(c, "the figures barely constrain a combination of the inputs (%s together changes the matched "
                 "figures little; conditioning %.2g): the fitted values are uncertain in that direction.", dir, r->cond);
    for (size_t i = 0; i < c->k; i++) {
        if (r->at_bound[i]) {
            char b[64];
            fmt_x(c, i, r->at_bound[i] < 0 ? c->fr[i].lo : c->fr[i].hi, b, sizeof b);
            add_warn(c, "%s ended at the %s end of its range (%s): the best fit may lie outside it; widen the range.",
                     c->w.path[i], r->at_bound[i] < 0 ? "low" : "high", b);
        }
        if (isfinite(r->x_ci[i]) && r->x_ci[i] > 0.1 * (c->fr[i].hi - c->fr[i].lo))
            add_warn(c, "the uncertainty of %s is over a tenth of its range: more replications (--reps) would "
                     "narrow it.", c->w.path[i]);
    }
    if (r->unreachable)
        add_warn(c, "no value of %s in its range reaches the figure %s = %s; the closest end was taken.", c->w.path[0],
                 c->mt_text[0], c->target_text[0]);
    if (!r->converged && !r->unreachable)
        add_warn(c, "the solver stopped after %d iterations without meeting its tolerance.", r->iterations);
    for (size_t q = 0; q < c->m; q++)
        if (!c->mt[q].watch && !r->unreachable && !(fabs(r->fit[q] - c->mt[q].target) <= r->fit_ci[q]))
            add_warn(c, "%s is not matched within its 95%% CI (target %s).", c->mt_text[q], c->target_text[q]);
}

static void print_result(const cal_cli *c)
{
    const cs_cal_result *r = &c->r;
    printf("Calibration of \"%s\" by %s on common random numbers: %d replications, seed %llu; %d scenario runs.\n",
           c->base->name, r->method == CS_CAL_ROOT ? "root finding (Brent)" : "least squares (Nelder-Mead)",
           c->base->replications, (unsigned long long)c->base->seed, r->runs);
    printf("\nFitted inputs (± 95%% CI from the simulation's noise):\n");
    for (size_t i = 0; i < c->k; i++) {
        char x[64], h[64], lo[64], hi[64];
        fmt_x(c, i, r->x[i], x, sizeof x);
        fmt_ci(c, i, r->x_ci[i], h, sizeof h);
        fmt_x(c, i, c->fr[i].lo, lo, sizeof lo);
        fmt_x(c, i, c->fr[i].hi, hi, sizeof hi);
        printf("  %-40s %14s ± %-14s (searched %s..%s", c->w.path[i], x, h, lo, hi);
        if (c->fr[i].in.whole) printf("; whole number: %s is written", c->xr_text[i]);
        printf(")\n");
    }
    int rounded = 0;
    for (size_t i = 0; i < c->k; i++) rounded |= c->r.xr[i] != c->r.x[i];
    printf("\nFigures (and predictions, with CIs that include the fit's uncertainty):\n  %-40s %14s %22s%s\n", "KPI",
           "target", "simulated at the fit", rounded ? "   with the values written" : "");
    for (size_t q = 0; q < c->m; q++) {
        char a[64], b[64];
        fmt_kpi(&c->mt[q].kpi, r->fit[q], r->fit_ci[q], a, sizeof a);
        fmt_kpi(&c->mt[q].kpi, r->fitr[q], r->fitr_ci[q], b, sizeof b);
        printf("  %-40s %14s %22s", c->mt_text[q], c->target_text[q], a);
        if (rounded) printf("   %s", b);
        printf("\n");
    }
    for (size_t i = 0; i < c->n_warn; i++) printf("%sWarning: %s\n", i == 0 ? "\n" : "", c->warn[i]);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static void write_json(const cal_cli *c, cs_json_writer *w, int full)
{
    const cs_cal_result *r = &c->r;
    cs_json_begin_object(w);
    cs_whatif_json_meta(w, "calibration", c->base);
    cs_whatif_json_sets(w, &c->w);
    cs_json_kv_string(w, "method", r->method == CS_CAL_ROOT ? "brent" : "nelder-mead");
    cs_json_kv_bool(w, "converged", r->converged);
    cs_json_kv_int(w, "iterations", r->iterations);
    cs_json_kv_int(w, "runs", r->runs);
    cs_json_kv_number(w, "objective", r->objective);
    cs_json_key(w, "free");
    cs_json_begin_array(w);
    for (size_t i = 0; i < c->k; i++) {
        char lo[64], hi[64];
        cs_valrange_format(&c->w.unit[i], c->fr[i].lo, lo, sizeof lo);
        cs_valrange_format(&c->w.unit[i], c->fr[i].hi, hi, sizeof hi);
        cs_json_begin_object(w);
        cs_json_kv_string(w, "path", c->w.path[i]);
        cs_json_kv_string(w, "unit", c->w.in[i].unit);
        cs_json_kv_string(w, "low", lo);
        cs_json_kv_string(w, "high", hi);
        cs_json_kv_number(w, "fitted", r->x[i]);
        cs_json_kv_number(w, "ci95", r->x_ci[i]);
        cs_json_kv_string(w, "written", c->xr_text[i]);
        cs_json_kv_bool(w, "whole", c->fr[i].in.whole);
        cs_json_kv_int(w, "at_bound", r->at_bound[i]);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_key(w, "match");
    cs_json_begin_array(w);
    for (size_t q = 0; q < c->m; q++) {
        cs_json_begin_object(w);
        cs_json_kv_string(w, "kpi", c->mt_text[q]);
        cs_json_kv_string(w, "label", cs_exp_kpi_def(&c->mt[q].kpi)->label);
        cs_json_kv_string(w, "unit", cs_exp_kpi_def(&c->mt[q].kpi)->unit);
        cs_json_kv_bool(w, "predicted", c->mt[q].watch);
        cs_json_kv_string(w, "target_text", c->target_text[q]);
        cs_json_kv_number(w, "target", c->mt[q].target);
        cs_json_kv_number(w, "fitted", r->fit[q]);
        cs_json_kv_number(w, "ci95", r->fit_ci[q]);
        cs_json_kv_number(w, "written", r->fitr[q]);
        cs_json_kv_number(w, "written_ci95", r->fitr_ci[q]);
        cs_json_kv_number(w, "scale", r->scale[q]);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_kv_bool(w, "underdetermined", r->underdetermined);
    cs_json_kv_bool(w, "flat", r->flat);
    cs_json_kv_bool(w, "unreachable", r->unreachable);
    cs_json_kv_number(w, "conditioning", r->cond);
    cs_json_key(w, "warnings");
    cs_json_begin_array(w);
    for (size_t i = 0; i < c->n_warn; i++) cs_json_string(w, c->warn[i]);
    cs_json_end_array(w);
    if (full && c->written) {
        /* The variant as written (integers rounded), run in full: the report's tables. */
        cs_out_json_kpis(w, c->written);
        cs_json_key(w, "resolved_scenario");
        cs_scn_write_json(w, c->written_scn);
    }
    cs_json_end_object(w);
}

static cs_status json_to(FILE *f, const cal_cli *c, int full, cs_error *err)
{
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    if (!w) return cs_error_set(err, CS_ENOMEM, "out of memory");
    write_json(c, w, full);
    cs_status st = cs_json_writer_finish(w, err);
    cs_json_writer_destroy(w);
    return st;
}

/* ---- the variant file ---------------------------------------------------------------------- */

static cs_status write_variant(const cal_cli *c, FILE *f, const char *output, const char *name, cs_error *err)
{
    /* The changes: the user's --set, then the fitted values; loaded once more on the scenario to
     * learn their shape (and to be sure the file will load). */
    size_t n = c->w.n_sets + c->k;
    cs_scn_set ss[CS_CLI_MAX_SETS + CS_CAL_MAX_FREE];
    char texts[CS_CAL_MAX_FREE][400], labels[CS_CLI_MAX_SETS + CS_CAL_MAX_FREE][32];
    for (size_t i = 0; i < c->w.n_sets; i++) {
        snprintf(labels[i], sizeof labels[i], "--set #%zu", i + 1);
        ss[i] = (cs_scn_set){labels[i], c->w.sets[i], NULL, 0, 0, 0};
    }
    for (size_t i = 0; i < c->k; i++) {
        snprintf(texts[i], sizeof texts[i], "%s=%s", c->w.path[i], c->xr_text[i]);
        snprintf(labels[c->w.n_sets + i], sizeof labels[0], "--free #%zu", i + 1);
        ss[c->w.n_sets + i] = (cs_scn_set){labels[c->w.n_sets + i], texts[i], NULL, 0, 0, 0};
    }
    cs_diags d = {0};
    cs_scn *s = NULL;
    cs_status st = cs_scn_load_set(c->w.scenario, ss, n, &s, &d);
    cs_scn_free(s);
    cs_diags_free(&d);
    if (st != CS_OK) return cs_error_set(err, st, "the fitted values do not load on %s", c->w.scenario);
    cs_variant_change ch[CS_CLI_MAX_SETS + CS_CAL_MAX_FREE];
    for (size_t i = 0; i < n; i++) ch[i] = (cs_variant_change){ss[i].text, ss[i].items, ss[i].unnamed};
    /* The comment: what was fitted, to what, and how well. */
    char comment[4096];
    size_t o = 0;
#define ADD(...)                                                                                     \
    do {                                                                                             \
        int k_ = snprintf(comment + o, sizeof comment - o, __VA_ARGS__);                             \
        if (k_ > 0) o = o + (size_t)k_ < sizeof comment ? o + (size_t)k_ : sizeof comment - 1;       \
    } while (0)
    ADD("Calibrated by callsim calibrate from %s (%d replications, seed %llu).\n", c->w.scenario,
        c->base->replications, (unsigned long long)c->base->seed);
    for (size_t i = 0; i < c->k; i++) {
        char x[64], h[64];
        fmt_x(c, i, c->r.x[i], x, sizeof x);
        fmt_ci(c, i, c->r.x_ci[i], h, sizeof h);
        ADD("  %s = %s (fitted %s ± %s, 95%% CI from the simulation's noise)\n", c->w.path[i], c->xr_text[i], x, h);
    }
    ADD("Figures matched:\n");
    for (size_t q = 0; q < c->m; q++) {
        char b[64];
        fmt_kpi(&c->mt[q].kpi, c->r.fitr[q], c->r.fitr_ci[q], b, sizeof b);
        if (c->mt[q].watch) ADD("  %s: simulated with these values %s (not fitted)\n", c->mt_text[q], b);
        else ADD("  %s: target %s, simulated with these values %s\n", c->mt_text[q], c->target_text[q], b);
    }
    for (size_t i = 0; i < c->n_warn; i++) ADD("Warning: %s\n", c->warn[i]);
#undef ADD
    char base[PATH_MAX + 64];
    cs_cli_base_path(c->w.scenario, output, base, sizeof base);
    return cs_variant_write(f, base, name, comment, ch, n, err);
}

/* ---- the command ------------------------------------------------------------------------- */

static void log_eval(void *ud, int evaluation, const double *x, size_t k, double objective)
{
    const cal_cli *c = ud;
    if (c->quiet || !isatty(STDERR_FILENO)) return;
    fprintf(stderr, "  evaluation %3d:", evaluation);
    for (size_t i = 0; i < k; i++) {
        char b[64];
        fmt_x(c, i, x[i], b, sizeof b);
        fprintf(stderr, " %s=%s", c->w.path[i], b);
    }
    fprintf(stderr, "  objective %.4g\n", objective);
}

static cs_status summary_file(FILE *f, const void *c, cs_error *err) { return json_to(f, c, 1, err); }

static cs_status write_outdir(const cal_cli *c, cs_outdir *dir, const char *variant_name, int report, cs_error *err)
{
    cs_status st = cs_outputs_write_file(dir, "summary.json", summary_file, c, err);
    if (st == CS_OK) st = cs_cli_copy_scenario(dir, c->w.scenario, "scenario.yaml", c->w.sets, c->w.n_sets, err);
    if (st == CS_OK) {
        char path[PATH_MAX];
        FILE *f = cs_outdir_open(dir, "calibrated.yaml", path, sizeof path, err);
        if (!f) st = err->code;
        else {
            /* It builds on the scenario the user gave (its profiles and bases are relative to it),
             * named from where DIR will be: the temporary folder is DIR's sibling. */
            st = write_variant(c, f, path, variant_name, err);
            if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write calibrated.yaml");
        }
    }
    if (st == CS_OK) {
        cs_chart_list list = {0};
        st = cs_outputs_write_manifest(dir, &list, err);
    }
    return cs_outputs_end(dir, st, report, err);
}

int cs_cmd_calibrate(int argc, char **argv)
{
    cs_flag flags[F_N] = {
        [F_MATCH] = {"match", 0, CS_FLAG_LIST, "KPI=VALUE", "a published figure, e.g. lines.101.asa=5m08s or lines.101.abandon_rate=26.9% (repeatable)", 0, NULL},
        [F_FREE] = {"free", 0, CS_FLAG_LIST, "PATH[=LOW..HIGH]", "an input to fit, in a range (default: 1/4 to 4x its value; headcounts 1/2 to 2x) (repeatable)", 0, NULL},
        [F_SHOW] = {"show", 0, CS_FLAG_LIST, "KPI", "also predict this KPI at the fit, with a CI that includes the fit's uncertainty (repeatable)", 0, NULL},
        [F_SET] = {"set", 0, CS_FLAG_LIST, "PATH=VALUE", "change one value of the scenario first (repeatable)", 0, NULL},
        [F_OUTPUT] = {"output", 'o', CS_FLAG_STRING, "FILE", "write the calibrated variant (base: the scenario, plus the fitted values)", 0, NULL},
        [F_NAME] = {"name", 0, CS_FLAG_STRING, "TEXT", "the variant's name (default: the scenario's, with \" (calibrated)\")", 0, NULL},
        [F_REPS] = {"reps", 0, CS_FLAG_STRING, "N", "replications of every run (default: the file's)", 0, NULL},
        [F_SEED] = {"seed", 0, CS_FLAG_STRING, "S", "master seed (default: the file's)", 0, NULL},
        [F_THREADS] = {"threads", 'j', CS_FLAG_STRING, "N", "worker threads (default: one per CPU)", 0, NULL},
        [F_JSON] = {"json", 0, CS_FLAG_BOOL, NULL, "print the calibration as JSON on stdout", 0, NULL},
        [F_OUT] = {"out", 0, CS_FLAG_STRING, "DIR", "write summary.json, calibrated.yaml and the scenario into DIR", 0, NULL},
        [F_FORCE] = {"force", 0, CS_FLAG_BOOL, NULL, "replace FILE or DIR if it exists", 0, NULL},
        [F_QUIET] = {"quiet", 'q', CS_FLAG_BOOL, NULL, "no progress (evaluations are shown on a terminal)", 0, NULL},
        [F_REPORT] = {"report", 0, CS_FLAG_BOOL, NULL, "also write DIR/report.html", 0, NULL},
        [F_HELP] = {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("calibrate", argc, argv, flags, F_N, pos, 1, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[F_HELP].set) {
        printf("Usage: callsim calibrate SCENARIO.yaml --match KPI=VALUE [...] --free PATH[=LOW..HIGH] [...] [-o FILE]\n\n"
               "Finds the values of the free inputs that make the simulated KPIs match published figures, on\n"
               "common random numbers: root finding for one input and one figure, otherwise least squares\n"
               "(Nelder-Mead) with each figure weighted by its simulation noise. Reports the fitted values\n"
               "with a 95%% CI, how well each figure is matched, and warns when the figures cannot pin the\n"
               "inputs down. Whole-number inputs (headcounts) are interpolated between neighbours and\n"
               "rounded in the file written. Up to %d free inputs and %d figures.\n\n",
               CS_CAL_MAX_FREE, CS_CAL_MAX_MATCH);
        cs_args_help(flags, F_N);
        return CS_EXIT_OK;
    }
    if (npos != 1)
        return cs_cli_fail("calibrate", CS_EINPUT, "needs one scenario file: callsim calibrate SCENARIO.yaml --match KPI=VALUE --free PATH");
    if (flags[F_REPORT].set && !flags[F_OUT].set) return cs_cli_fail("calibrate", CS_EINPUT, "--report needs --out DIR");
    if (flags[F_FORCE].set && !flags[F_OUT].set && !flags[F_OUTPUT].set)
        return cs_cli_fail("calibrate", CS_EINPUT, "--force needs -o FILE or --out DIR");
    cal_cli *c = calloc(1, sizeof *c);
    if (!c) return cs_cli_fail("calibrate", CS_ENOMEM, "out of memory");
    c->w.cmd = "calibrate";
    c->w.flag = "--free";
    c->w.scenario = pos[0];
    c->quiet = flags[F_QUIET].set;
    const char *match[CS_CLI_MAX_SETS], *free_[CS_CLI_MAX_SETS], *show[CS_CLI_MAX_SETS];
    size_t n_match = 0, n_free = 0, n_show = 0;
    int threads = 0, code = cs_cli_threads("calibrate", flags[F_THREADS].value, &threads);
    if (!code) code = cs_cli_list("calibrate", argc, argv, flags, F_N, "set", c->w.sets, &c->w.n_sets);
    if (!code) code = cs_cli_list("calibrate", argc, argv, flags, F_N, "match", match, &n_match);
    if (!code) code = cs_cli_list("calibrate", argc, argv, flags, F_N, "free", free_, &n_free);
    if (!code) code = cs_cli_list("calibrate", argc, argv, flags, F_N, "show", show, &n_show);
    if (!code && (n_match == 0 || n_match + n_show > CS_CAL_MAX_MATCH))
        code = cs_cli_fail("calibrate", CS_EINPUT, n_match == 0 ? "needs at least one --match KPI=VALUE"
                                                                : "at most 12 --match and --show KPIs together");
    if (!code && (n_free == 0 || n_free > CS_CAL_MAX_FREE))
        code = cs_cli_fail("calibrate", CS_EINPUT, n_free == 0 ? "needs at least one --free PATH" : "at most 6 --free inputs");
    if (!code) c->base = cs_cli_load_scenario_set("calibrate", pos[0], c->w.sets, c->w.n_sets, &code);
    if (!code) code = cs_cli_override("calibrate", c->base, flags[F_REPS].value, flags[F_SEED].value);
    if (!code && c->base->replications < 2)
        code = cs_cli_fail("calibrate", CS_EINPUT, "calibration needs at least 2 replications (--reps) to know its noise");
    for (size_t q = 0; !code && q < n_match; q++) {
        code = parse_match(c, q, match[q]);
        c->m++;
    }
    for (size_t q = 0; !code && q < n_show; q++) {
        cs_error e = {CS_OK, ""};
        cs_cal_match *mt = &c->mt[c->m];
        if (cs_exp_kpi_parse(c->base, show[q], &mt->kpi, &e) != CS_OK) {
            fprintf(stderr, "callsim calibrate: --show #%zu: %s\n", q + 1, e.msg);
            code = CS_EXIT_INPUT;
            break;
        }
        mt->target = NAN;
        mt->watch = 1;
        snprintf(c->target_text[c->m], sizeof c->target_text[0], "(predicted)");
        cs_exp_kpi_format(&mt->kpi, c->mt_text[c->m], sizeof c->mt_text[0]);
        c->m++;
    }
    for (size_t i = 0; !code && i < n_free; i++) {
        code = parse_free(c, i, free_[i]);
        c->k++;
    }
    size_t n_whole = 0;
    for (size_t i = 0; !code && i < c->k; i++) n_whole += c->fr[i].in.whole != 0;
    if (!code && n_whole > 3)
        code = cs_cli_fail("calibrate", CS_EINPUT, "at most 3 whole-number inputs (headcounts) can be free together");

    cs_error err = {CS_OK, ""};
    cs_status st = CS_OK;
    cs_outfile *of = NULL;
    cs_outdir *dir = NULL;
    if (!code && (flags[F_OUTPUT].set || flags[F_OUT].set)) {
        /* A variant that cannot be written (a list item by position) is known now, not after
         * the fit: a dry run with the lower ends of the ranges. */
        for (size_t i = 0; i < c->k; i++) cs_valrange_format(&c->w.unit[i], c->fr[i].lo, c->xr_text[i], sizeof c->xr_text[i]);
        char *buf = NULL;
        size_t len = 0;
        FILE *mf = open_memstream(&buf, &len);
        if (!mf) code = cs_cli_fail("calibrate", CS_ENOMEM, "out of memory");
        else {
            st = write_variant(c, mf, c->w.scenario, "dry run", &err);
            fclose(mf);
            free(buf);
            if (st != CS_OK) code = cs_cli_fail("calibrate", st, err.msg);
        }
    }
    int of_late = 0, dir_late = 0;   /* in an MPI job both are begun after the runs (cli/dist.h) */
    if (!code) {
        cs_cli_install_signals();
        st = cs_cli_outfile_early("calibrate", flags[F_OUTPUT].value, flags[F_FORCE].set, &of, &of_late, &err);
        if (st != CS_OK) code = cs_cli_fail("calibrate", st, err.msg);
        if (!code) {
            st = cs_cli_outdir_early("calibrate", flags[F_OUT].value, flags[F_FORCE].set, &dir, &dir_late, &err);
            if (st != CS_OK) code = cs_cli_fail("calibrate", st, err.msg);
        }
    }
    if (!code) {
        cs_cal_opts o;
        memset(&o, 0, sizeof o);
        o.run.threads = threads;
        o.log = log_eval;
        o.log_ud = c;
        st = cs_cal_run(c->fr, c->k, c->mt, c->m, c->base, cs_whatif_build, &c->w, &o, &c->r, &err);
        if (st != CS_OK) code = cs_cli_fail("calibrate", st, err.msg);
    }
    char vname[sizeof c->base->name + 32];
    if (!code) {
        /* The file gets one more decimal than the display: rounding moves the value by far less
         * than its uncertainty. */
        for (size_t i = 0; i < c->k; i++)
            cs_valrange_format_dec(&c->w.unit[i], c->r.xr[i], decimals_for(c->r.xr[i], c->r.x_ci[i]) + 1, c->xr_text[i],
                                   sizeof c->xr_text[i]);
        make_warnings(c);
        size_t ln = strlen(c->base->name);
        int already = ln >= 13 && strcmp(c->base->name + ln - 13, " (calibrated)") == 0;
        snprintf(vname, sizeof vname, already ? "%s" : "%s (calibrated)", c->base->name);
        if (flags[F_OUT].set) {
            /* The variant as written, run in full for the summary and the report (on every MPI
             * rank, which all make the same runs, though only rank 0 has the folder). */
            cs_exp_setting set[CS_CAL_MAX_FREE];
            for (size_t i = 0; i < c->k; i++) set[i] = (cs_exp_setting){i, c->xr_text[i], c->r.xr[i]};
            st = cs_whatif_build(&c->w, set, c->k, &c->written_scn, &err);
            if (st == CS_OK) {
                cs_exp_opts eo = {threads, NULL, NULL};
                st = cs_exp_run(&c->written_scn, 1, c->base, NULL, &eo, &c->written, &err);
            }
            if (st != CS_OK) code = cs_cli_fail("calibrate", st, err.msg);
        }
    }
    if (!code) {
        const char *name = flags[F_NAME].value ? flags[F_NAME].value : vname;
        if (flags[F_JSON].set) {
            st = json_to(stdout, c, 0, &err);
        } else {
            print_result(c);
            if (fflush(stdout) != 0 || ferror(stdout))
                st = cs_error_set(&err, CS_EIO, "cannot write the result: %s", strerror(errno));
        }
        if (st == CS_OK)
            st = cs_cli_outfile_late("calibrate", flags[F_OUTPUT].value, flags[F_FORCE].set, &of, of_late, &err);
        if (st == CS_OK && of) {
            st = write_variant(c, cs_outfile_stream(of), flags[F_OUTPUT].value, name, &err);
            if (st == CS_OK) st = cs_outfile_commit(of, &err);
            cs_cli_watch_outfile(NULL);
            cs_outfile_abort(of);   /* frees it; removes the temporary file unless committed */
            of = NULL;
            if (st == CS_OK && !flags[F_JSON].set) printf("\nWrote %s: runnable, `base:` %s plus the fitted values.\n", flags[F_OUTPUT].value, pos[0]);
        }
        if (st == CS_OK) st = cs_cli_outdir_late("calibrate", flags[F_OUT].value, flags[F_FORCE].set, &dir, dir_late, &err);
        if (st == CS_OK && dir) {
            st = write_outdir(c, dir, name, flags[F_REPORT].set, &err);
            dir = NULL;
            if (st == CS_OK && !flags[F_JSON].set) printf("Results written to %s/\n", flags[F_OUT].value);
        }
        if (st != CS_OK) code = cs_cli_fail("calibrate", st, err.msg);
    }
    cs_cli_watch_outfile(NULL);
    cs_outfile_abort(of);
    cs_cli_watch_outdir(NULL);
    cs_outdir_abort(dir);
    cs_results_free(c->written);
    cs_scn_free(c->written_scn);
    cs_scn_free(c->base);
    free(c);
    return code;
}
