/* callsim sweep: the scenario at every point of a grid of input values, on common random numbers
 * (experiments/sweep.h); a table, and with --out sweep.csv, summary.json, a chart per KPI and the
 * report. */
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
#include "experiments/sweep.h"
#include "io/results.h"
#include "io/scenario_json.h"
#include "plots/whatif_charts.h"

enum { F_VARY, F_SET, F_KPI, F_REPS, F_SEED, F_THREADS, F_JSON, F_OUT, F_FORCE, F_QUIET, F_REPORT, F_HELP, F_N };

#define MAX_KPIS 64

typedef struct sweep_cli {
    cs_whatif w;
    cs_valrange range[CS_SWEEP_MAX_AXES];
    cs_sweep_axis axes[CS_SWEEP_MAX_AXES];
    size_t n_axes;
    cs_sweep *sw;
    cs_scn *base;
    cs_exp_kpi kpis[MAX_KPIS];
    size_t n_kpis;
} sweep_cli;

/* The KPI columns of the table and the charts: those that mean something in this sweep. */
static int kpi_shown(const sweep_cli *c, const cs_exp_kpi *k)
{
    return cs_exp_kpi_used((const cs_results *const *)c->sw->res, c->sw->n_points, k);
}

static void print_table(const sweep_cli *c)
{
    const cs_sweep *s = c->sw;
    printf("Sweep of \"%s\" on common random numbers: %zu point%s x %d replications, seed %llu.\n", c->base->name,
           s->n_points, s->n_points == 1 ? "" : "s", c->base->replications, (unsigned long long)c->base->seed);
    for (size_t a = 0; a < s->n_axes; a++) {
        printf("  %s =", s->axes[a].in.path);
        for (size_t i = 0; i < s->axes[a].n; i++) printf("%s %s", i ? "," : "", s->axes[a].text[i]);
        printf("\n");
    }
    printf("Each cell: mean ± 95%% CI half-width across replications.\n");
    /* One block per line (or pool), the KPIs of that entity as columns. */
    for (size_t e = 0; e < c->n_kpis; e++) {
        const cs_exp_kpi *k0 = &c->kpis[e];
        int first = 1;
        for (size_t q = 0; q < e; q++)
            if (c->kpis[q].pool == k0->pool && strcmp(c->kpis[q].name, k0->name) == 0) first = 0;
        if (!first) continue;
        printf("\n%s %s\n ", k0->pool ? "Pool" : "Line", k0->name);
        for (size_t a = 0; a < s->n_axes; a++) printf(" %-14.14s", s->axes[a].in.path);
        for (size_t q = e; q < c->n_kpis; q++) {
            const cs_exp_kpi *k = &c->kpis[q];
            if (k->pool != k0->pool || strcmp(k->name, k0->name) != 0 || !kpi_shown(c, k)) continue;
            printf(" %20.20s", cs_exp_kpi_def(k)->label);
        }
        printf("\n");
        for (size_t p = 0; p < s->n_points; p++) {
            printf(" ");
            for (size_t a = 0; a < s->n_axes; a++) printf(" %-14.14s", s->axes[a].text[cs_sweep_index(s, p, a)]);
            for (size_t q = e; q < c->n_kpis; q++) {
                const cs_exp_kpi *k = &c->kpis[q];
                if (k->pool != k0->pool || strcmp(k->name, k0->name) != 0 || !kpi_shown(c, k)) continue;
                double m, h;
                char buf[48];
                cs_exp_kpi_mean(s->res[p], k, &m, &h);
                cs_whatif_fmt(buf, sizeof buf, cs_exp_kpi_def(k)->unit, m, h, 0);
                printf(" %20s", buf);
            }
            printf("\n");
        }
    }
}

/* Paired differences of every KPI of point p from point 1, as the "lines"/"pools" objects. */
static void json_differences(cs_json_writer *w, const cs_results *r, const cs_results *r0)
{
    const cs_scn *s = r0->scn;
    for (int pool = 0; pool < 2; pool++) {
        cs_json_key(w, pool ? "pools" : "lines");
        cs_json_begin_object(w);
        size_t ne = pool ? s->n_pools : s->n_lines;
        int nk = pool ? CS_PK_N : CS_LK_N;
        for (size_t e = 0; e < ne; e++) {
            cs_exp_kpi k;
            memset(&k, 0, sizeof k);
            k.pool = pool;
            snprintf(k.name, sizeof k.name, "%s", pool ? s->pools[e].name : s->lines[e].name);
            cs_json_key(w, k.name);
            cs_json_begin_object(w);
            for (int q = 0; q < nk; q++) {
                k.kpi = q;
                const double *a = cs_exp_kpi_reps(r, &k), *b = cs_exp_kpi_reps(r0, &k);
                double d = NAN, h = NAN;
                if (a && b) cs_exp_paired(a, b, r0->n_reps, &d, &h, NULL);
                cs_json_key(w, cs_exp_kpi_def(&k)->name);
                cs_json_begin_object(w);
                cs_json_kv_number(w, "diff", cs_kpi_data_value(d));
                cs_json_kv_number(w, "ci95", cs_kpi_data_value(h));
                cs_json_end_object(w);
            }
            cs_json_end_object(w);
        }
        cs_json_end_object(w);
    }
}

static void write_json(const sweep_cli *c, cs_json_writer *w, int full)
{
    const cs_sweep *s = c->sw;
    cs_json_begin_object(w);
    cs_whatif_json_meta(w, "sweep", c->base);
    cs_whatif_json_sets(w, &c->w);
    cs_json_key(w, "varied");
    cs_json_begin_array(w);
    for (size_t a = 0; a < s->n_axes; a++) {
        cs_json_begin_object(w);
        cs_json_kv_string(w, "path", s->axes[a].in.path);
        cs_json_kv_string(w, "unit", s->axes[a].in.unit);
        cs_json_key(w, "values");
        cs_json_begin_array(w);
        for (size_t i = 0; i < s->axes[a].n; i++) cs_json_string(w, s->axes[a].text[i]);
        cs_json_end_array(w);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_key(w, "kpis");
    cs_json_begin_array(w);
    for (size_t q = 0; q < c->n_kpis; q++) {
        const cs_exp_kpi *k = &c->kpis[q];
        if (!kpi_shown(c, k)) continue;
        char name[160];
        cs_exp_kpi_format(k, name, sizeof name);
        cs_json_begin_object(w);
        cs_json_kv_string(w, "kpi", name);
        cs_json_kv_string(w, k->pool ? "pool" : "line", k->name);
        cs_json_kv_string(w, "key", cs_exp_kpi_def(k)->name);
        cs_json_kv_string(w, "label", cs_exp_kpi_def(k)->label);
        cs_json_kv_string(w, "unit", cs_exp_kpi_def(k)->unit);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_key(w, "points");
    cs_json_begin_array(w);
    for (size_t p = 0; p < s->n_points; p++) {
        cs_json_begin_object(w);
        cs_json_kv_int(w, "point", (long long)p + 1);
        cs_json_key(w, "values");
        cs_json_begin_object(w);
        for (size_t a = 0; a < s->n_axes; a++)
            cs_json_kv_string(w, s->axes[a].in.path, s->axes[a].text[cs_sweep_index(s, p, a)]);
        cs_json_end_object(w);
        cs_out_json_kpis(w, s->res[p]);
        if (p > 0) {
            cs_json_key(w, "differences");
            cs_json_begin_object(w);
            json_differences(w, s->res[p], s->res[0]);
            cs_json_end_object(w);
        }
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    if (full) {
        /* The first point's KPIs at the top level, as a run's, for readers of run summaries. */
        cs_out_json_kpis(w, s->res[0]);
        cs_json_key(w, "resolved_scenario");
        cs_scn_write_json(w, s->scn[0]);
    }
    cs_json_end_object(w);
}

static cs_status json_to(FILE *f, const sweep_cli *c, int full, cs_error *err)
{
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    if (!w) return cs_error_set(err, CS_ENOMEM, "out of memory");
    write_json(c, w, full);
    cs_status st = cs_json_writer_finish(w, err);
    cs_json_writer_destroy(w);
    return st;
}

static cs_status write_csv(const sweep_cli *c, FILE *f)
{
    const cs_sweep *s = c->sw;
    fputs("point", f);
    for (size_t a = 0; a < s->n_axes; a++) {
        fputc(',', f);
        cs_out_csv_field(f, s->axes[a].in.path);
    }
    fputs(",line,kpi,mean,ci95\n", f);
    for (size_t p = 0; p < s->n_points; p++) {
        const cs_results *r = s->res[p];
        for (int pool = 0; pool < 2; pool++) {
            size_t ne = pool ? r->scn->n_pools : r->scn->n_lines;
            int nk = pool ? CS_PK_N : CS_LK_N;
            for (size_t e = 0; e < ne; e++) {
                char ent[128];
                if (pool) snprintf(ent, sizeof ent, "pool:%s", r->scn->pools[e].name);
                else snprintf(ent, sizeof ent, "%s", r->scn->lines[e].name);
                for (int q = 0; q < nk; q++) {
                    double m, h;
                    if (pool) cs_results_pool(r, e, q, &m, &h);
                    else cs_results_line(r, e, q, &m, &h);
                    char a[40], b[40];
                    cs_out_number(a, sizeof a, cs_kpi_data_value(m));
                    cs_out_number(b, sizeof b, cs_kpi_data_value(h));
                    fprintf(f, "%zu", p + 1);
                    for (size_t x = 0; x < s->n_axes; x++) {
                        fputc(',', f);
                        cs_out_csv_field(f, s->axes[x].text[cs_sweep_index(s, p, x)]);
                    }
                    fputc(',', f);
                    cs_out_csv_field(f, ent);
                    fprintf(f, ",%s,%s,%s\n", (pool ? cs_pool_kpis : cs_line_kpis)[q].name, a, b);
                }
            }
        }
    }
    return ferror(f) ? CS_EIO : CS_OK;
}

/* A chart per KPI: x = the first input, a line per combination of the others (up to 8). */
static cs_status write_charts(const sweep_cli *c, cs_outdir *dir, cs_chart_list *list, cs_error *err)
{
    const cs_sweep *s = c->sw;
    const cs_sweep_axis *ax = &s->axes[0];
    size_t nx = ax->n, ns = s->n_points / nx;
    if (ns > 8) return CS_OK;   /* too many lines to tell apart: the CSV has everything */
    double *mean = malloc(s->n_points * sizeof *mean), *ci = malloc(s->n_points * sizeof *ci);
    char (*slab)[160] = calloc(ns, sizeof *slab);
    const char **sl = calloc(ns, sizeof *sl);
    cs_status st = CS_OK;
    if (!mean || !ci || !slab || !sl) st = cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t j = 0; st == CS_OK && j < ns; j++) {
        size_t o = 0;
        for (size_t a = 1; a < s->n_axes; a++) {
            int k = snprintf(slab[j] + o, sizeof slab[j] - o, "%s%s = %s", a > 1 ? ", " : "", s->axes[a].in.path,
                             s->axes[a].text[cs_sweep_index(s, j, a)]);
            if (k > 0) o += (size_t)k < sizeof slab[j] - o ? (size_t)k : sizeof slab[j] - o - 1;
        }
        sl[j] = slab[j];
    }
    char xlabel[300];
    const char *unit = ax->in.unit;
    snprintf(xlabel, sizeof xlabel, unit[0] ? "%s (%s)" : "%s%s", ax->in.path, unit);
    for (size_t q = 0; st == CS_OK && q < c->n_kpis; q++) {
        const cs_exp_kpi *k = &c->kpis[q];
        if (!kpi_shown(c, k)) continue;
        const cs_kpi_def *d = cs_exp_kpi_def(k);
        for (size_t p = 0; p < s->n_points; p++) {
            size_t i = p / ns, j = p % ns;
            cs_exp_kpi_mean(s->res[p], k, &mean[j * nx + i], &ci[j * nx + i]);
        }
        size_t ent = k->pool ? (size_t)cs_scn_pool_index(s->scn[0], k->name) : (size_t)cs_scn_line_index(s->scn[0], k->name);
        char file[64], title[200], sub[200], ylabel[120], caption[512];
        snprintf(file, sizeof file, "sweep_%s%zu_%s", k->pool ? "pool" : "line", ent + 1, d->name);
        snprintf(title, sizeof title, "%s %s: %s", k->pool ? "Pool" : "Line", k->name, d->label);
        snprintf(sub, sizeof sub, "Against %s; mean of %d replications with 95%% confidence band", ax->in.path,
                 c->base->replications);
        snprintf(ylabel, sizeof ylabel, strcmp(d->unit, "s") == 0 ? "%s (s)" : "%s", d->label);
        snprintf(caption, sizeof caption,
                 "%s of %s %s at each value of %s%s. Every point ran on the same random callers (common random "
                 "numbers), so the shape of the line is the effect of the input, not of chance; the band is the 95%% "
                 "confidence interval of each point's mean.",
                 d->label, k->pool ? "pool" : "line", k->name, ax->in.path,
                 ns > 1 ? ", one line per value of the other inputs" : "");
        cs_sweep_chart ch = {file,     title, sub,        xlabel, ylabel, caption, strcmp(d->unit, "share") == 0,
                             nx,       ax->x, c->range[0].unit.kind == CS_VAL_TEXT ? ax->text : NULL,
                             ns,       ns > 1 ? sl : NULL, mean, ci};
        st = cs_charts_sweep(&ch, cs_outputs_chart_path, dir, list, err);
    }
    free(mean);
    free(ci);
    free(slab);
    free(sl);
    return st;
}

static cs_status summary_file(FILE *f, const void *c, cs_error *err) { return json_to(f, c, 1, err); }

static cs_status csv_file(FILE *f, const void *c, cs_error *err)
{
    return write_csv(c, f) == CS_OK ? CS_OK : cs_error_set(err, CS_EIO, "cannot write sweep.csv");
}

static cs_status write_outdir(const sweep_cli *c, cs_outdir *dir, int report, cs_error *err)
{
    cs_status st = cs_outputs_write_file(dir, "summary.json", summary_file, c, err);
    if (st == CS_OK) st = cs_outputs_write_file(dir, "sweep.csv", csv_file, c, err);
    if (st == CS_OK) st = cs_cli_copy_scenario(dir, c->w.scenario, "scenario.yaml", c->w.sets, c->w.n_sets, err);
    if (st == CS_OK) {
        cs_chart_list list = {0};
        st = write_charts(c, dir, &list, err);
        if (st == CS_OK) st = cs_outputs_write_manifest(dir, &list, err);
        cs_chart_list_free(&list);
    }
    return cs_outputs_end(dir, st, report, err);
}

int cs_cmd_sweep(int argc, char **argv)
{
    cs_flag flags[F_N] = {
        [F_VARY] = {"vary", 0, CS_FLAG_LIST, "PATH=VALUES", "an input and its values: V1,V2,... or LOW..HIGH/STEP (repeatable: a grid)", 0, NULL},
        [F_SET] = {"set", 0, CS_FLAG_LIST, "PATH=VALUE", "change one value of the scenario first (repeatable)", 0, NULL},
        [F_KPI] = {"kpi", 0, CS_FLAG_LIST, "KPI", "a KPI to tabulate and chart, e.g. lines.999.service_level (default: the headline KPIs of every line)", 0, NULL},
        [F_REPS] = {"reps", 0, CS_FLAG_STRING, "N", "replications at every point (default: the file's)", 0, NULL},
        [F_SEED] = {"seed", 0, CS_FLAG_STRING, "S", "master seed (default: the file's)", 0, NULL},
        [F_THREADS] = {"threads", 'j', CS_FLAG_STRING, "N", "worker threads (default: one per CPU)", 0, NULL},
        [F_JSON] = {"json", 0, CS_FLAG_BOOL, NULL, "print the sweep as JSON on stdout", 0, NULL},
        [F_OUT] = {"out", 'o', CS_FLAG_STRING, "DIR", "write summary.json, sweep.csv and charts/ into DIR", 0, NULL},
        [F_FORCE] = {"force", 0, CS_FLAG_BOOL, NULL, "replace DIR if it exists", 0, NULL},
        [F_QUIET] = {"quiet", 'q', CS_FLAG_BOOL, NULL, "no progress bar", 0, NULL},
        [F_REPORT] = {"report", 0, CS_FLAG_BOOL, NULL, "also write DIR/report.html", 0, NULL},
        [F_HELP] = {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("sweep", argc, argv, flags, F_N, pos, 1, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[F_HELP].set) {
        printf("Usage: callsim sweep SCENARIO.yaml --vary PATH=VALUES [--vary ...] [options]\n\n"
               "Runs the scenario at every point of the grid of input values on common random numbers and\n"
               "reports the KPIs at each point. VALUES is a list (0%%,5%%,10%%) or a range LOW..HIGH/STEP\n"
               "(0%%..15%%/2.5%%, 1m..60m/5m); PATH names a scenario value as --set does\n"
               "(lines.101.spillover.share, pools.\"call handlers\".roster.late.staff). Up to %d inputs.\n\n",
               CS_SWEEP_MAX_AXES);
        cs_args_help(flags, F_N);
        return CS_EXIT_OK;
    }
    if (npos != 1) return cs_cli_fail("sweep", CS_EINPUT, "needs one scenario file: callsim sweep SCENARIO.yaml --vary PATH=VALUES");
    if ((flags[F_REPORT].set || flags[F_FORCE].set) && !flags[F_OUT].set)
        return cs_cli_fail("sweep", CS_EINPUT, "--report and --force need --out DIR");
    sweep_cli *c = calloc(1, sizeof *c);
    if (!c) return cs_cli_fail("sweep", CS_ENOMEM, "out of memory");
    c->w.cmd = "sweep";
    c->w.flag = "--vary";
    c->w.scenario = pos[0];
    const char *vary[CS_CLI_MAX_SETS], *kpis[CS_CLI_MAX_SETS];
    size_t n_vary = 0, n_kpi = 0;
    int threads = 0, code = cs_cli_threads("sweep", flags[F_THREADS].value, &threads);
    if (!code) code = cs_cli_list("sweep", argc, argv, flags, F_N, "set", c->w.sets, &c->w.n_sets);
    if (!code) code = cs_cli_list("sweep", argc, argv, flags, F_N, "vary", vary, &n_vary);
    if (!code) code = cs_cli_list("sweep", argc, argv, flags, F_N, "kpi", kpis, &n_kpi);
    if (!code && (n_vary == 0 || n_vary > CS_SWEEP_MAX_AXES))
        code = cs_cli_fail("sweep", CS_EINPUT, n_vary == 0 ? "needs at least one --vary PATH=VALUES"
                                                           : "at most 4 --vary inputs");
    for (size_t a = 0; !code && a < n_vary; a++) {
        const char *spec;
        code = cs_whatif_add(&c->w, vary[a], 0, &spec);
        cs_error err = {CS_OK, ""};
        if (!code && cs_valrange_parse(spec, &c->range[a], &err) != CS_OK) {
            fprintf(stderr, "callsim sweep: --vary #%zu '%s': %s\n", a + 1, vary[a], err.msg);
            code = err.code == CS_ENOMEM ? CS_EXIT_FAIL : CS_EXIT_INPUT;
        }
        if (code) break;
        c->w.unit[a] = c->range[a].unit;
        c->w.in[a].unit = cs_valrange_unit_label(&c->range[a].unit);
        c->w.in[a].whole = c->range[a].unit.whole;
        c->axes[a] = (cs_sweep_axis){c->w.in[a], c->range[a].n, (const char *const *)c->range[a].text, c->range[a].x};
        c->n_axes++;
    }
    if (!code) c->base = cs_cli_load_scenario_set("sweep", pos[0], c->w.sets, c->w.n_sets, &code);
    if (!code) code = cs_cli_override("sweep", c->base, flags[F_REPS].value, flags[F_SEED].value);
    if (!code) code = cs_whatif_kpis("sweep", c->base, kpis, n_kpi, c->kpis, MAX_KPIS, &c->n_kpis);
    cs_error err = {CS_OK, ""};
    cs_status st = CS_OK;
    cs_outdir *dir = NULL;
    int late = 0;   /* in an MPI job DIR is checked now and begun after the runs (cli/dist.h) */
    if (!code) {
        cs_cli_install_signals();
        st = cs_cli_outdir_early("sweep", flags[F_OUT].value, flags[F_FORCE].set, &dir, &late, &err);
        if (st != CS_OK) code = cs_cli_fail("sweep", st, err.msg);
    }
    if (!code) {
        cs_exp_opts eo = {threads, cs_progress_update, NULL};
        cs_progress *bar = cs_progress_create("sweep", !flags[F_QUIET].set);
        eo.progress = cs_progress_shown(bar) ? cs_progress_update : NULL;
        eo.progress_ud = bar;
        st = cs_sweep_run(c->axes, c->n_axes, c->base, cs_whatif_build, &c->w, &eo, &c->sw, &err);
        cs_progress_finish(bar);
        if (st != CS_OK) code = cs_cli_fail("sweep", st, err.msg);
    }
    if (!code) {
        if (flags[F_JSON].set) {
            st = json_to(stdout, c, 0, &err);
        } else {
            print_table(c);
            if (fflush(stdout) != 0 || ferror(stdout))
                st = cs_error_set(&err, CS_EIO, "cannot write the sweep table: %s", strerror(errno));
        }
        if (st == CS_OK) st = cs_cli_outdir_late("sweep", flags[F_OUT].value, flags[F_FORCE].set, &dir, late, &err);
        if (st == CS_OK && dir) {
            st = write_outdir(c, dir, flags[F_REPORT].set, &err);
            dir = NULL;
        }
        if (st != CS_OK) code = cs_cli_fail("sweep", st, err.msg);
        else if (flags[F_OUT].set && !flags[F_JSON].set) printf("\nResults written to %s/\n", flags[F_OUT].value);
    }
    cs_cli_watch_outdir(NULL);
    cs_outdir_abort(dir);
    cs_sweep_free(c->sw);
    cs_scn_free(c->base);
    for (size_t a = 0; a < CS_SWEEP_MAX_AXES; a++) cs_valrange_free(&c->range[a]);
    free(c);
    return code;
}
