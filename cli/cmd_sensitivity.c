/* callsim sensitivity: one input at a time to a low and a high value, on common random numbers
 * (experiments/sensitivity.h); for every KPI the inputs ranked by how far they move it, a
 * tornado chart per KPI, sensitivity.csv, summary.json and the report. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/dist.h"
#include "cli/outputs.h"
#include "cli/progress.h"
#include "cli/whatif.h"
#include "experiments/sensitivity.h"
#include "io/results.h"
#include "io/scenario_json.h"
#include "plots/whatif_charts.h"

enum { F_VARY, F_SET, F_KPI, F_REPS, F_SEED, F_THREADS, F_JSON, F_OUT, F_FORCE, F_QUIET, F_REPORT, F_HELP, F_N };

#define MAX_KPIS 64

typedef struct sens_cli {
    cs_whatif w;
    cs_valrange range[CS_SENS_MAX_INPUTS];
    cs_sens_input inputs[CS_SENS_MAX_INPUTS];
    size_t n;
    cs_sens *s;
    cs_scn *base;
    cs_exp_kpi kpis[MAX_KPIS];
    size_t n_kpis;
    int shown[MAX_KPIS];
    cs_sens_effect eff[MAX_KPIS][CS_SENS_MAX_INPUTS];
} sens_cli;

/* A swing is "clear" when its 95% CI excludes zero. */
static int clear(const cs_sens_effect *e) { return isfinite(e->swing_ci) && fabs(e->swing) > e->swing_ci; }

static void print_table(const sens_cli *c)
{
    printf("Sensitivity of \"%s\", one input at a time, on common random numbers: %d replications, seed %llu.\n",
           c->base->name, c->base->replications, (unsigned long long)c->base->seed);
    for (size_t i = 0; i < c->n; i++)
        printf("  [%zu] %s: low %s, high %s\n", i + 1, c->inputs[i].in.path, c->inputs[i].low, c->inputs[i].high);
    printf("Changes are paired differences from the base with 95%% CIs; swing = high - low; * = the swing's CI "
           "excludes 0.\nInputs are ranked by the size of their swing.\n");
    for (size_t q = 0; q < c->n_kpis; q++) {
        if (!c->shown[q]) continue;
        const cs_exp_kpi *k = &c->kpis[q];
        const cs_kpi_def *d = cs_exp_kpi_def(k);
        char base[48];
        cs_whatif_fmt(base, sizeof base, d->unit, c->eff[q][0].base, c->eff[q][0].base_ci, 0);
        printf("\n%s %s: %s (base %s)\n", k->pool ? "Pool" : "Line", k->name, d->label, base);
        printf("  %-4s %-40s %22s %22s %24s\n", "rank", "input", "change at low", "change at high", "swing");
        for (size_t r = 0; r < c->n; r++) {
            const cs_sens_effect *e = &c->eff[q][r];
            char a[48], b[48], sw[48];
            cs_whatif_fmt(a, sizeof a, d->unit, e->low, e->low_ci, 1);
            cs_whatif_fmt(b, sizeof b, d->unit, e->high, e->high_ci, 1);
            cs_whatif_fmt(sw, sizeof sw, d->unit, e->swing, e->swing_ci, 1);
            printf("  %-4zu %-40.40s %22s %22s %23s%s\n", r + 1, c->inputs[e->input].in.path, a, b, sw,
                   clear(e) ? "*" : " ");
        }
        const cs_sens_effect *top = &c->eff[q][0];
        if (clear(top))
            printf("  Moves it most: %s.\n", c->inputs[top->input].in.path);
        else
            printf("  No input moves it by more than the simulation's noise at these replications.\n");
    }
}

static void json_diff(cs_json_writer *w, const char *key, double d, double h)
{
    cs_json_key(w, key);
    cs_json_begin_object(w);
    cs_json_kv_number(w, "diff", cs_kpi_data_value(d));
    cs_json_kv_number(w, "ci95", cs_kpi_data_value(h));
    cs_json_end_object(w);
}

static void write_json(const sens_cli *c, cs_json_writer *w, int full)
{
    cs_json_begin_object(w);
    cs_whatif_json_meta(w, "sensitivity", c->base);
    cs_whatif_json_sets(w, &c->w);
    cs_json_key(w, "inputs");
    cs_json_begin_array(w);
    for (size_t i = 0; i < c->n; i++) {
        cs_json_begin_object(w);
        cs_json_kv_string(w, "path", c->inputs[i].in.path);
        cs_json_kv_string(w, "low", c->inputs[i].low);
        cs_json_kv_string(w, "high", c->inputs[i].high);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_key(w, "kpis");
    cs_json_begin_array(w);
    for (size_t q = 0; q < c->n_kpis; q++) {
        if (!c->shown[q]) continue;
        const cs_exp_kpi *k = &c->kpis[q];
        const cs_kpi_def *d = cs_exp_kpi_def(k);
        char name[160];
        cs_exp_kpi_format(k, name, sizeof name);
        cs_json_begin_object(w);
        cs_json_kv_string(w, "kpi", name);
        cs_json_kv_string(w, k->pool ? "pool" : "line", k->name);
        cs_json_kv_string(w, "key", d->name);
        cs_json_kv_string(w, "label", d->label);
        cs_json_kv_string(w, "unit", d->unit);
        cs_json_kv_number(w, "base", cs_kpi_data_value(c->eff[q][0].base));
        cs_json_kv_number(w, "base_ci95", cs_kpi_data_value(c->eff[q][0].base_ci));
        cs_json_key(w, "ranked");
        cs_json_begin_array(w);
        for (size_t r = 0; r < c->n; r++) {
            const cs_sens_effect *e = &c->eff[q][r];
            cs_json_begin_object(w);
            cs_json_kv_int(w, "rank", (long long)r + 1);
            cs_json_kv_string(w, "input", c->inputs[e->input].in.path);
            cs_json_kv_string(w, "low", c->inputs[e->input].low);
            cs_json_kv_string(w, "high", c->inputs[e->input].high);
            json_diff(w, "change_low", e->low, e->low_ci);
            json_diff(w, "change_high", e->high, e->high_ci);
            json_diff(w, "swing", e->swing, e->swing_ci);
            cs_json_end_object(w);
        }
        cs_json_end_array(w);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    if (full) {
        /* The base's KPIs at the top level, as a run's. */
        cs_out_json_kpis(w, c->s->res[0]);
        cs_json_key(w, "resolved_scenario");
        cs_scn_write_json(w, c->s->scn[0]);
    }
    cs_json_end_object(w);
}

static cs_status json_to(FILE *f, const sens_cli *c, int full, cs_error *err)
{
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    if (!w) return cs_error_set(err, CS_ENOMEM, "out of memory");
    write_json(c, w, full);
    cs_status st = cs_json_writer_finish(w, err);
    cs_json_writer_destroy(w);
    return st;
}

static void num(FILE *f, double x)
{
    char b[40];
    cs_out_number(b, sizeof b, cs_kpi_data_value(x));
    fprintf(f, ",%s", b);
}

static cs_status write_csv(const sens_cli *c, FILE *f)
{
    fputs("line,kpi,rank,input,low,high,base,base_ci95,change_low,change_low_ci95,change_high,change_high_ci95,"
          "swing,swing_ci95\n", f);
    for (size_t q = 0; q < c->n_kpis; q++) {
        if (!c->shown[q]) continue;
        const cs_exp_kpi *k = &c->kpis[q];
        char ent[128];
        snprintf(ent, sizeof ent, k->pool ? "pool:%s" : "%s", k->name);
        for (size_t r = 0; r < c->n; r++) {
            const cs_sens_effect *e = &c->eff[q][r];
            const cs_sens_input *in = &c->inputs[e->input];
            cs_out_csv_field(f, ent);
            fprintf(f, ",%s,%zu,", cs_exp_kpi_def(k)->name, r + 1);
            cs_out_csv_field(f, in->in.path);
            fputc(',', f);
            cs_out_csv_field(f, in->low);
            fputc(',', f);
            cs_out_csv_field(f, in->high);
            num(f, e->base);
            num(f, e->base_ci);
            num(f, e->low);
            num(f, e->low_ci);
            num(f, e->high);
            num(f, e->high_ci);
            num(f, e->swing);
            num(f, e->swing_ci);
            fputc('\n', f);
        }
    }
    return ferror(f) ? CS_EIO : CS_OK;
}

static cs_status write_charts(const sens_cli *c, cs_outdir *dir, cs_chart_list *list, cs_error *err)
{
    size_t n = c->n;
    double *buf = malloc(4 * n * sizeof *buf);
    char (*names)[200] = calloc(n, sizeof *names);
    const char **np = calloc(n, sizeof *np);
    cs_status st = CS_OK;
    if (!buf || !names || !np) st = cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t q = 0; st == CS_OK && q < c->n_kpis; q++) {
        if (!c->shown[q]) continue;
        const cs_exp_kpi *k = &c->kpis[q];
        const cs_kpi_def *d = cs_exp_kpi_def(k);
        int share = strcmp(d->unit, "share") == 0;
        double f = share ? 100 : 1;   /* shares: differences in percentage points */
        double *lo = buf, *loci = buf + n, *hi = buf + 2 * n, *hici = buf + 3 * n;
        for (size_t r = 0; r < n; r++) {
            const cs_sens_effect *e = &c->eff[q][r];
            const cs_sens_input *in = &c->inputs[e->input];
            lo[r] = f * e->low;
            loci[r] = f * e->low_ci;
            hi[r] = f * e->high;
            hici[r] = f * e->high_ci;
            snprintf(names[r], sizeof names[r], "%s (%s / %s)", in->in.path, in->low, in->high);
            np[r] = names[r];
        }
        size_t ent = k->pool ? (size_t)cs_scn_pool_index(c->base, k->name) : (size_t)cs_scn_line_index(c->base, k->name);
        char file[64], title[200], sub[240], xlabel[120], caption[512], base[48];
        cs_whatif_fmt(base, sizeof base, d->unit, c->eff[q][0].base, NAN, 0);
        snprintf(file, sizeof file, "tornado_%s%zu_%s", k->pool ? "pool" : "line", ent + 1, d->name);
        snprintf(title, sizeof title, "%s %s, %s: what moves it", k->pool ? "Pool" : "Line", k->name, d->label);
        snprintf(sub, sizeof sub, "Change from the base (%s) with each input at its low and high value; "
                 "whiskers = 95%% CI", base);
        snprintf(xlabel, sizeof xlabel, share ? "Change from the base (percentage points)"
                                              : strcmp(d->unit, "s") == 0 ? "Change from the base (s)"
                                                                          : "Change from the base");
        snprintf(caption, sizeof caption,
                 "Each row is one uncertain input, set to its low and then its high value while every other input "
                 "keeps the base's; the bars are the change in %s of %s %s, paired replication by replication on "
                 "common random numbers. Rows are ranked by the swing (high minus low): the top row is the "
                 "assumption that matters most for this figure.",
                 d->label, k->pool ? "pool" : "line", k->name);
        cs_tornado_chart ch = {file, title, sub, xlabel, caption, 0, n, np, lo, loci, hi, hici};
        st = cs_charts_tornado(&ch, cs_outputs_chart_path, dir, list, err);
    }
    free(buf);
    free(names);
    free(np);
    return st;
}

static cs_status summary_file(FILE *f, const void *c, cs_error *err) { return json_to(f, c, 1, err); }

static cs_status csv_file(FILE *f, const void *c, cs_error *err)
{
    return write_csv(c, f) == CS_OK ? CS_OK : cs_error_set(err, CS_EIO, "cannot write sensitivity.csv");
}

static cs_status write_outdir(const sens_cli *c, cs_outdir *dir, int report, cs_error *err)
{
    cs_status st = cs_outputs_write_file(dir, "summary.json", summary_file, c, err);
    if (st == CS_OK) st = cs_outputs_write_file(dir, "sensitivity.csv", csv_file, c, err);
    if (st == CS_OK) st = cs_cli_copy_scenario(dir, c->w.scenario, "scenario.yaml", c->w.sets, c->w.n_sets, err);
    if (st == CS_OK) {
        cs_chart_list list = {0};
        st = write_charts(c, dir, &list, err);
        if (st == CS_OK) st = cs_outputs_write_manifest(dir, &list, err);
        cs_chart_list_free(&list);
    }
    return cs_outputs_end(dir, st, report, err);
}

int cs_cmd_sensitivity(int argc, char **argv)
{
    cs_flag flags[F_N] = {
        [F_VARY] = {"vary", 0, CS_FLAG_LIST, "PATH=LOW,HIGH", "an uncertain input and its low and high values (repeatable)", 0, NULL},
        [F_SET] = {"set", 0, CS_FLAG_LIST, "PATH=VALUE", "change one value of the scenario first (repeatable)", 0, NULL},
        [F_KPI] = {"kpi", 0, CS_FLAG_LIST, "KPI", "a KPI to rank the inputs for, e.g. lines.999.service_level (default: the headline KPIs of every line)", 0, NULL},
        [F_REPS] = {"reps", 0, CS_FLAG_STRING, "N", "replications of every run (default: the file's)", 0, NULL},
        [F_SEED] = {"seed", 0, CS_FLAG_STRING, "S", "master seed (default: the file's)", 0, NULL},
        [F_THREADS] = {"threads", 'j', CS_FLAG_STRING, "N", "worker threads (default: one per CPU)", 0, NULL},
        [F_JSON] = {"json", 0, CS_FLAG_BOOL, NULL, "print the ranking as JSON on stdout", 0, NULL},
        [F_OUT] = {"out", 'o', CS_FLAG_STRING, "DIR", "write summary.json, sensitivity.csv and charts/ into DIR", 0, NULL},
        [F_FORCE] = {"force", 0, CS_FLAG_BOOL, NULL, "replace DIR if it exists", 0, NULL},
        [F_QUIET] = {"quiet", 'q', CS_FLAG_BOOL, NULL, "no progress bar", 0, NULL},
        [F_REPORT] = {"report", 0, CS_FLAG_BOOL, NULL, "also write DIR/report.html", 0, NULL},
        [F_HELP] = {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("sensitivity", argc, argv, flags, F_N, pos, 1, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[F_HELP].set) {
        printf("Usage: callsim sensitivity SCENARIO.yaml --vary PATH=LOW,HIGH [--vary ...] [options]\n\n"
               "Moves each uncertain input to its low and its high value, one at a time, on common random\n"
               "numbers, and ranks the inputs by how far they move each KPI (the swing, high minus low,\n"
               "with a 95%% CI). Up to %d inputs.\n\n",
               CS_SENS_MAX_INPUTS);
        cs_args_help(flags, F_N);
        return CS_EXIT_OK;
    }
    if (npos != 1)
        return cs_cli_fail("sensitivity", CS_EINPUT, "needs one scenario file: callsim sensitivity SCENARIO.yaml --vary PATH=LOW,HIGH");
    if ((flags[F_REPORT].set || flags[F_FORCE].set) && !flags[F_OUT].set)
        return cs_cli_fail("sensitivity", CS_EINPUT, "--report and --force need --out DIR");
    sens_cli *c = calloc(1, sizeof *c);
    if (!c) return cs_cli_fail("sensitivity", CS_ENOMEM, "out of memory");
    c->w.cmd = "sensitivity";
    c->w.flag = "--vary";
    c->w.scenario = pos[0];
    const char *vary[CS_CLI_MAX_SETS], *kpis[CS_CLI_MAX_SETS];
    size_t n_vary = 0, n_kpi = 0;
    int threads = 0, code = cs_cli_threads("sensitivity", flags[F_THREADS].value, &threads);
    if (!code) code = cs_cli_list("sensitivity", argc, argv, flags, F_N, "set", c->w.sets, &c->w.n_sets);
    if (!code) code = cs_cli_list("sensitivity", argc, argv, flags, F_N, "vary", vary, &n_vary);
    if (!code) code = cs_cli_list("sensitivity", argc, argv, flags, F_N, "kpi", kpis, &n_kpi);
    if (!code && (n_vary == 0 || n_vary > CS_SENS_MAX_INPUTS))
        code = cs_cli_fail("sensitivity", CS_EINPUT, n_vary == 0 ? "needs at least one --vary PATH=LOW,HIGH"
                                                                 : "at most 32 --vary inputs");
    for (size_t i = 0; !code && i < n_vary; i++) {
        const char *spec;
        code = cs_whatif_add(&c->w, vary[i], 0, &spec);
        cs_error err = {CS_OK, ""};
        if (!code && cs_valrange_parse(spec, &c->range[i], &err) == CS_OK && c->range[i].n != 2)
            cs_error_set(&err, CS_EINPUT, "expected exactly two values, LOW,HIGH (such as 5%%,15%% or 10m,20m), "
                         "got %zu", c->range[i].n);
        if (!code && err.code != CS_OK) {
            fprintf(stderr, "callsim sensitivity: --vary #%zu '%s': %s\n", i + 1, vary[i], err.msg);
            code = err.code == CS_ENOMEM ? CS_EXIT_FAIL : CS_EXIT_INPUT;
        }
        if (code) break;
        c->w.unit[i] = c->range[i].unit;
        c->w.in[i].unit = cs_valrange_unit_label(&c->range[i].unit);
        c->inputs[i] = (cs_sens_input){c->w.in[i], c->range[i].text[0], c->range[i].text[1], c->range[i].x[0],
                                       c->range[i].x[1]};
        c->n++;
    }
    if (!code) c->base = cs_cli_load_scenario_set("sensitivity", pos[0], c->w.sets, c->w.n_sets, &code);
    if (!code) code = cs_cli_override("sensitivity", c->base, flags[F_REPS].value, flags[F_SEED].value);
    if (!code) code = cs_whatif_kpis("sensitivity", c->base, kpis, n_kpi, c->kpis, MAX_KPIS, &c->n_kpis);
    cs_error err = {CS_OK, ""};
    cs_status st = CS_OK;
    cs_outdir *dir = NULL;
    int late = 0;   /* in an MPI job DIR is checked now and begun after the runs (cli/dist.h) */
    if (!code) {
        cs_cli_install_signals();
        st = cs_cli_outdir_early("sensitivity", flags[F_OUT].value, flags[F_FORCE].set, &dir, &late, &err);
        if (st != CS_OK) code = cs_cli_fail("sensitivity", st, err.msg);
    }
    if (!code) {
        cs_exp_opts eo = {threads, cs_progress_update, NULL};
        cs_progress *bar = cs_progress_create("sensitivity", !flags[F_QUIET].set);
        eo.progress = cs_progress_shown(bar) ? cs_progress_update : NULL;
        eo.progress_ud = bar;
        st = cs_sens_run(c->inputs, c->n, c->base, cs_whatif_build, &c->w, &eo, &c->s, &err);
        cs_progress_finish(bar);
        if (st != CS_OK) code = cs_cli_fail("sensitivity", st, err.msg);
    }
    if (!code) {
        size_t m = 1 + 2 * c->n;
        for (size_t q = 0; q < c->n_kpis; q++) {
            c->shown[q] = n_kpi > 0 || cs_exp_kpi_used((const cs_results *const *)c->s->res, m, &c->kpis[q]);
            cs_sens_rank(c->s, &c->kpis[q], c->eff[q]);
        }
        if (flags[F_JSON].set) {
            st = json_to(stdout, c, 0, &err);
        } else {
            print_table(c);
            if (fflush(stdout) != 0 || ferror(stdout))
                st = cs_error_set(&err, CS_EIO, "cannot write the table: %s", strerror(errno));
        }
        if (st == CS_OK) st = cs_cli_outdir_late("sensitivity", flags[F_OUT].value, flags[F_FORCE].set, &dir, late, &err);
        if (st == CS_OK && dir) {
            st = write_outdir(c, dir, flags[F_REPORT].set, &err);
            dir = NULL;
        }
        if (st != CS_OK) code = cs_cli_fail("sensitivity", st, err.msg);
        else if (flags[F_OUT].set && !flags[F_JSON].set) printf("\nResults written to %s/\n", flags[F_OUT].value);
    }
    cs_cli_watch_outdir(NULL);
    cs_outdir_abort(dir);
    cs_sens_free(c->s);
    cs_scn_free(c->base);
    for (size_t i = 0; i < CS_SENS_MAX_INPUTS; i++) cs_valrange_free(&c->range[i]);
    free(c);
    return code;
}
