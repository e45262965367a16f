/* callsim compare: several scenarios on common random numbers, differences against the first.
 *
 * Every scenario runs with the first one's seed and number of replications, so replication i
 * of every scenario sees the same callers (same arrival, patience and handle streams, see
 * sim/rng.h).  The difference of a KPI is then taken replication by replication and its mean
 * and 95% CI come from those paired differences: far tighter than comparing two independent
 * intervals, so small but real effects of an action plan show. */
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
#include "io/json.h"
#include "io/outdir.h"
#include "io/results.h"
#include "io/scenario_json.h"
#include "plots/run_charts.h"
#include "sim/stat.h"
#include "sim/text.h"

enum { F_SET, F_REPS, F_SEED, F_THREADS, F_JSON, F_OUT, F_FORCE, F_QUIET, F_REPORT, F_HELP, F_N };

#define MAX_SCENARIOS 16

#ifndef CS_VERSION
#define CS_VERSION "0.0.0"
#endif

typedef struct cmp {
    size_t n;
    const char *paths[MAX_SCENARIOS];
    cs_scn *scn[MAX_SCENARIOS];
    cs_results *res[MAX_SCENARIOS];
    int line_map[MAX_SCENARIOS][64];   /* line of scenario i matching base line l, -1 if none */
    int pool_map[MAX_SCENARIOS][64];
    const char *sets[CS_CLI_MAX_SETS];   /* --set, applied to every scenario */
    size_t n_sets;
} cmp;

/* Paired difference of a per-replication KPI between scenario i and the base. */
static void paired(const double *v, const double *b, uint32_t n, double *diff, double *ci)
{
    cs_ci_acc a = {0, 0, 0};
    for (uint32_t k = 0; k < n; k++) cs_ci_acc_add(&a, v[k] - b[k]);
    cs_ci_acc_end(&a, 0.95, diff, ci);
}

/* The paired difference of KPI k of scenario i against the base, for the base's line (pool = 0)
 * or pool number e.  Returns 0 when scenario i has no line or pool of that name. */
static int diff_of(const cmp *c, size_t i, int pool, size_t e, int k, double *d, double *h)
{
    int m = pool ? c->pool_map[i][e] : c->line_map[i][e];
    if (m < 0) return 0;
    const double *v = pool ? cs_results_pool_reps(c->res[i], (size_t)m, k) : cs_results_line_reps(c->res[i], (size_t)m, k);
    const double *b = pool ? cs_results_pool_reps(c->res[0], e, k) : cs_results_line_reps(c->res[0], e, k);
    paired(v, b, c->res[0]->n_reps, d, h);
    return 1;
}

/* A variant's difference in the table: "-136 ± 13 *", "-4.1 ± 0.4 pts *", "+0.6 ± 0.2 s *". */
static void fmt_diff(char *buf, size_t n, const cs_kpi_def *d, double diff, double h)
/* (buf of at least 80 bytes) */
{
    if (!isfinite(diff)) {
        snprintf(buf, n, "-");
        return;
    }
    char a[32], b[32];
    int share = cs_kpi_print_of(d) == CS_KPI_PRINT_PERCENT;
    if (share) {
        cs_text_fmt_fixed(a, sizeof a, 100 * diff, 1, CS_TEXT_GROUP | CS_TEXT_SIGN);
        cs_text_fmt_fixed(b, sizeof b, isfinite(h) ? 100 * h : 0, 1, CS_TEXT_GROUP);
    } else {
        cs_kpi_fmt(a, sizeof a, d, diff, CS_KPI_FMT_SIGN | CS_KPI_FMT_DIFF);
        cs_kpi_fmt_ci(b, sizeof b, d, diff, isfinite(h) ? h : 0, 0);
    }
    int v = cs_kpi_diff_verdict(d, diff, h, 0);
    snprintf(buf, n, "%s ± %s%s%s", a, b, share ? " pts" : "", v == CS_KPI_DIFF_REAL ? " *" : v == CS_KPI_DIFF_TINY ? " ~" : "");
}

static const int headline[] = {CS_LK_OFFERED,         CS_LK_ABANDON_RATE, CS_LK_NEVER_REACHED_RATE, CS_LK_SERVICE_LEVEL,
                               CS_LK_ASA,             CS_LK_WAIT_P90,     CS_LK_SPILLED,            CS_LK_FROM_101,
                               CS_LK_CB_ON_TIME,      CS_LK_CB_LATE,      CS_LK_CB_MISSED,          CS_LK_TRANSFER_ABANDONED};

/* Scenarios per block of the table: the base and two variants fit 110 columns. */
#define TABLE_COLS 3
#define LABEL_W 46
#define COL_W 19

/* The scenario columns of one block: the base, then variants c0..c1-1. */
static void block_header(size_t c0, size_t c1)
{
    printf("  %-*s %*s", LABEL_W, "", COL_W, "[1] base");
    for (size_t i = c0; i < c1; i++) {
        char head[24];
        snprintf(head, sizeof head, "[%zu]", i + 1);
        printf(" %*s", COL_W, head);
    }
    printf("\n");
}

/* One KPI: each scenario's own value on the first row, each variant's paired difference from
 * the base under its value. */
static void kpi_rows(const cmp *c, int pool, size_t e, int k, size_t c0, size_t c1)
{
    const cs_kpi_def *d = pool ? &cs_pool_kpis[k] : &cs_line_kpis[k];
    char buf[64];
    double m, h;
    if (pool) cs_results_pool(c->res[0], e, k, &m, &h);
    else cs_results_line(c->res[0], e, k, &m, &h);
    cs_kpi_fmt(buf, sizeof buf, d, m, 0);
    if (strlen(d->label) > LABEL_W) printf("  %s\n  %-*s %*s", d->label, LABEL_W, "", COL_W, buf);
    else printf("  %-*s %*s", LABEL_W, d->label, COL_W, buf);
    for (size_t i = c0; i < c1; i++) {
        int mi = pool ? c->pool_map[i][e] : c->line_map[i][e];
        if (mi < 0) {
            printf(" %*s", COL_W, pool ? "(no such pool)" : "(no such line)");
            continue;
        }
        if (pool) cs_results_pool(c->res[i], (size_t)mi, k, &m, &h);
        else cs_results_line(c->res[i], (size_t)mi, k, &m, &h);
        cs_kpi_fmt(buf, sizeof buf, d, m, 0);
        printf(" %*s", COL_W, buf);
    }
    printf("\n  %-*s %*s", LABEL_W, "", COL_W, "");
    for (size_t i = c0; i < c1; i++) {
        double diff, ci;
        char db[80] = "";
        if (diff_of(c, i, pool, e, k, &diff, &ci)) fmt_diff(db, sizeof db, d, diff, ci);
        printf(" %*s", COL_W, db);
    }
    printf("\n");
}

/* A KPI's row means something when some scenario uses the feature it needs. */
static int row_wanted(const cmp *c, int pool, size_t e, int k)
{
    const cs_kpi_def *d = pool ? &cs_pool_kpis[k] : &cs_line_kpis[k];
    for (size_t i = 0; i < c->n; i++) {
        int mi = pool ? c->pool_map[i][e] : c->line_map[i][e];
        if (mi >= 0 && cs_out_kpi_relevant(c->scn[i], pool ? CS_KPI_SCOPE_POOL : CS_KPI_SCOPE_LINE, (size_t)mi, d))
            return 1;
    }
    return 0;
}

static void print_table(const cmp *c)
{
    const cs_scn *b = c->scn[0];
    printf("Comparison against \"%s\" on common random numbers: %u replications, seed %llu.\n", b->name,
           c->res[0]->n_reps, (unsigned long long)b->seed);
    for (size_t i = 0; i < c->n; i++) printf("  [%zu] %s (%s)\n", i + 1, c->scn[i]->name, c->paths[i]);
    printf("Each scenario's own value (the mean over replications), and under each variant its paired\n"
           "difference from [1] with the difference's 95%% CI: * the CI excludes 0 (significant);\n"
           "~ it excludes 0 but the change is smaller than the precision shown.\n");
    for (size_t c0 = 1; c0 < c->n; c0 += TABLE_COLS - 1) {
        size_t c1 = c0 + TABLE_COLS - 1 < c->n ? c0 + TABLE_COLS - 1 : c->n;
        for (size_t l = 0; l < b->n_lines; l++) {
            printf("\nLine %s\n", b->lines[l].name);
            block_header(c0, c1);
            for (size_t h = 0; h < sizeof headline / sizeof headline[0]; h++)
                if (row_wanted(c, 0, l, headline[h])) kpi_rows(c, 0, l, headline[h], c0, c1);
        }
        for (size_t p = 0; p < b->n_pools; p++) {
            printf("\nPool %s\n", b->pools[p].name);
            block_header(c0, c1);
            for (int k = 0; k < CS_PK_N; k++)
                if (row_wanted(c, 1, p, k)) kpi_rows(c, 1, p, k, c0, c1);
        }
    }
}

static void write_json(const cmp *c, cs_json_writer *w, int with_scenarios)
{
    const cs_scn *b = c->scn[0];
    cs_json_begin_object(w);
    cs_json_kv_string(w, "kind", "comparison");
    cs_json_kv_string(w, "callsim_version", CS_VERSION);
    if (b->seed < (1ULL << 53))
        cs_json_kv_int(w, "seed", (long long)b->seed);
    else {
        char seed[32];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)b->seed);
        cs_json_kv_string(w, "seed", seed);
    }
    cs_json_kv_int(w, "replications", c->res[0]->n_reps);
    cs_json_key(w, "scenarios");
    cs_json_begin_array(w);
    for (size_t i = 0; i < c->n; i++) {
        cs_json_begin_object(w);
        cs_json_kv_string(w, "name", c->scn[i]->name);
        cs_json_kv_string(w, "file", c->paths[i]);
        cs_out_json_kpis(w, c->res[i]);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_key(w, "differences");
    cs_json_begin_array(w);
    for (size_t i = 1; i < c->n; i++) {
        cs_json_begin_object(w);
        cs_json_kv_string(w, "scenario", c->scn[i]->name);
        for (int pool = 0; pool < 2; pool++) {
            size_t n_ent = pool ? b->n_pools : b->n_lines;
            int n_kpi = pool ? CS_PK_N : CS_LK_N;
            const cs_kpi_def *defs = pool ? cs_pool_kpis : cs_line_kpis;
            cs_json_key(w, pool ? "pools" : "lines");
            cs_json_begin_object(w);
            for (size_t e = 0; e < n_ent; e++) {
                if ((pool ? c->pool_map[i][e] : c->line_map[i][e]) < 0) continue;
                cs_json_key(w, pool ? b->pools[e].name : b->lines[e].name);
                cs_json_begin_object(w);
                for (int k = 0; k < n_kpi; k++) {
                    double d, h;
                    diff_of(c, i, pool, e, k, &d, &h);
                    cs_json_key(w, defs[k].name);
                    cs_json_begin_object(w);
                    cs_json_kv_number(w, "diff", cs_kpi_data_value(d));
                    cs_json_kv_number(w, "ci95", cs_kpi_data_value(h));
                    cs_json_end_object(w);
                }
                cs_json_end_object(w);
            }
            cs_json_end_object(w);
        }
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    if (with_scenarios) {
        cs_out_json_catalogue(w);
        cs_json_key(w, "resolved_scenarios");
        cs_json_begin_array(w);
        for (size_t i = 0; i < c->n; i++) cs_scn_write_json(w, c->scn[i]);
        cs_json_end_array(w);
    }
    cs_json_end_object(w);
}

/* The comparison as one JSON document on f; write errors and allocation failures are returned. */
static cs_status json_to(FILE *f, const cmp *c, int with_scenarios, cs_error *err)
{
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    if (!w) return cs_error_set(err, CS_ENOMEM, "out of memory");
    write_json(c, w, with_scenarios);
    cs_status st = cs_json_writer_finish(w, err);
    cs_json_writer_destroy(w);
    return st;
}

static void csv_row(FILE *f, const char *scn, const char *entity, const char *kpi, double m, double h, double d,
                    double dh)
{
    char a[40], b[40], c2[40], e[40];
    cs_out_number(a, sizeof a, cs_kpi_data_value(m));
    cs_out_number(b, sizeof b, cs_kpi_data_value(h));
    cs_out_number(c2, sizeof c2, cs_kpi_data_value(d));
    cs_out_number(e, sizeof e, cs_kpi_data_value(dh));
    cs_out_csv_field(f, scn);
    fputc(',', f);
    cs_out_csv_field(f, entity);
    fprintf(f, ",%s,%s,%s,%s,%s\n", kpi, a, b, c2, e);
}

static cs_status write_csv(const cmp *c, FILE *f)
{
    const cs_scn *b = c->scn[0];
    fprintf(f, "scenario,line,kpi,mean,ci95,diff,diff_ci95\n");
    for (size_t i = 0; i < c->n; i++)
        for (int pool = 0; pool < 2; pool++) {
            size_t n_ent = pool ? b->n_pools : b->n_lines;
            int n_kpi = pool ? CS_PK_N : CS_LK_N;
            const cs_kpi_def *defs = pool ? cs_pool_kpis : cs_line_kpis;
            for (size_t e = 0; e < n_ent; e++) {
                int m_ix = pool ? c->pool_map[i][e] : c->line_map[i][e];
                if (m_ix < 0) continue;
                char ent[96];
                if (pool) snprintf(ent, sizeof ent, "pool:%s", b->pools[e].name);
                else snprintf(ent, sizeof ent, "%s", b->lines[e].name);
                for (int k = 0; k < n_kpi; k++) {
                    double m, h, d = 0, dh = 0;
                    if (pool) cs_results_pool(c->res[i], (size_t)m_ix, k, &m, &h);
                    else cs_results_line(c->res[i], (size_t)m_ix, k, &m, &h);
                    if (i > 0) diff_of(c, i, pool, e, k, &d, &dh);
                    csv_row(f, c->scn[i]->name, ent, defs[k].name, m, h, d, dh);
                }
            }
        }
    return ferror(f) ? CS_EIO : CS_OK;
}

/* Writes the comparison into dir (begun before the runs, so that a bad --out is refused before
 * any time is spent) and commits it; dir is freed either way. */
static cs_status write_outdir(const cmp *c, cs_outdir *dir, int report, cs_error *err)
{
    cs_status st = CS_OK;
    FILE *f = cs_outdir_open(dir, "summary.json", NULL, 0, err);
    if (!f) st = err->code;
    if (st == CS_OK) {
        st = json_to(f, c, 1, err);
        if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write summary.json");
    }
    if (st == CS_OK) {
        f = cs_outdir_open(dir, "comparison.csv", NULL, 0, err);
        if (!f) st = err->code;
        else {
            st = write_csv(c, f);
            if (fclose(f) != 0 || st != CS_OK) st = cs_error_set(err, CS_EIO, "cannot write comparison.csv");
        }
    }
    for (size_t i = 0; st == CS_OK && i < c->n; i++) {
        const char *slash = strrchr(c->paths[i], '/');
        char rel[256];
        snprintf(rel, sizeof rel, "scenarios/%zu-%.200s", i + 1, slash ? slash + 1 : c->paths[i]);
        st = cs_cli_copy_scenario(dir, c->paths[i], rel, c->sets, c->n_sets, err);
    }
    if (st == CS_OK) {
        const char *names[MAX_SCENARIOS];
        char labels[MAX_SCENARIOS][96];
        for (size_t i = 0; i < c->n; i++) {
            snprintf(labels[i], sizeof labels[i], "[%zu] %.56s", i + 1, c->scn[i]->name);
            names[i] = labels[i];
        }
        cs_chart_list list = {0};
        st = cs_charts_compare((const cs_results *const *)c->res, names, c->n, cs_outputs_chart_path, dir, &list, err);
        if (st == CS_OK) st = cs_outputs_write_manifest(dir, &list, err);
        cs_chart_list_free(&list);
    }
    return cs_outputs_end(dir, st, report, err);
}

int cs_cmd_compare(int argc, char **argv)
{
    cs_flag flags[F_N] = {
        [F_SET] = {"set", 0, CS_FLAG_LIST, "PATH=VALUE", "change one value of every scenario, e.g. lines.101.spillover.share=10% (repeatable)", 0, NULL},
        [F_REPS] = {"reps", 0, CS_FLAG_STRING, "N", "replications for every scenario (default: the first file's)", 0, NULL},
        [F_SEED] = {"seed", 0, CS_FLAG_STRING, "S", "seed for every scenario (default: the first file's)", 0, NULL},
        [F_THREADS] = {"threads", 'j', CS_FLAG_STRING, "N", "worker threads (default: one per CPU)", 0, NULL},
        [F_JSON] = {"json", 0, CS_FLAG_BOOL, NULL, "print the comparison as JSON on stdout", 0, NULL},
        [F_OUT] = {"out", 'o', CS_FLAG_STRING, "DIR", "write summary.json, comparison.csv and charts/ into DIR", 0, NULL},
        [F_FORCE] = {"force", 0, CS_FLAG_BOOL, NULL, "replace DIR if it exists", 0, NULL},
        [F_QUIET] = {"quiet", 'q', CS_FLAG_BOOL, NULL, "no progress bar", 0, NULL},
        [F_REPORT] = {"report", 0, CS_FLAG_BOOL, NULL, "also write DIR/report.html", 0, NULL},
        [F_HELP] = {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    cmp c;
    memset(&c, 0, sizeof c);
    if (cs_args_parse("compare", argc, argv, flags, F_N, c.paths, MAX_SCENARIOS, &c.n) != 0) return CS_EXIT_INPUT;
    if (flags[F_HELP].set) {
        printf("Usage: callsim compare BASE.yaml VARIANT.yaml [VARIANT.yaml...] [options]\n\n"
               "Runs every scenario with the same seed and replications (common random numbers)\n"
               "and reports each KPI per scenario and its paired difference from the first, with a\n"
               "95%% confidence interval. Up to %d scenarios.\n\n",
               MAX_SCENARIOS);
        cs_args_help(flags, F_N);
        return CS_EXIT_OK;
    }
    if (c.n < 2) return cs_cli_fail("compare", CS_EINPUT, "needs a base scenario and at least one variant");
    if ((flags[F_REPORT].set || flags[F_FORCE].set) && !flags[F_OUT].set)
        return cs_cli_fail("compare", CS_EINPUT, "--report and --force need --out DIR");
    int threads = 0;
    int code = cs_cli_threads("compare", flags[F_THREADS].value, &threads);
    if (!code) code = cs_cli_list("compare", argc, argv, flags, F_N, "set", c.sets, &c.n_sets);
    for (size_t i = 0; i < c.n && !code; i++) {
        c.scn[i] = cs_cli_load_scenario_set("compare", c.paths[i], c.sets, c.n_sets, &code);
        if (!c.scn[i] && !code) code = CS_EXIT_INPUT;
    }
    if (!code) code = cs_cli_override("compare", c.scn[0], flags[F_REPS].value, flags[F_SEED].value);
    cs_error err = {CS_OK, ""};
    cs_status st = CS_OK;
    if (!code) {
        if (c.scn[0]->n_lines > 64 || c.scn[0]->n_pools > 64) {
            code = cs_cli_fail("compare", CS_EINPUT, "compare handles scenarios of up to 64 lines and 64 pools");
        }
        for (size_t i = 1; i < c.n && !code; i++) {
            c.scn[i]->seed = c.scn[0]->seed;
            c.scn[i]->replications = c.scn[0]->replications;
        }
        /* Each scenario's attempts-counted volumes are matched on its own load. */
        for (size_t i = 0; i < c.n && !code; i++) code = cs_cli_calibrate("compare", c.scn[i], threads);
        for (size_t i = 0; i < c.n && !code; i++) {
            for (size_t l = 0; l < c.scn[0]->n_lines; l++)
                c.line_map[i][l] = cs_scn_line_index(c.scn[i], c.scn[0]->lines[l].name);
            for (size_t p = 0; p < c.scn[0]->n_pools; p++)
                c.pool_map[i][p] = cs_scn_pool_index(c.scn[i], c.scn[0]->pools[p].name);
        }
    }
    cs_outdir *dir = NULL;
    int late = 0;   /* DIR checked now, begun after the runs (cli/dist.h) */
    if (!code) {
        cs_cli_install_signals();
        if (flags[F_OUT].set && cs_cli_writes()) {
            st = cs_outdir_begin(flags[F_OUT].value, flags[F_FORCE].set, cs_cli_note, (void *)"compare", &dir, &err);
            if (st != CS_OK) {
                code = cs_cli_fail("compare", st, err.msg);
            } else if (cs_cli_outputs_late()) {
                cs_outdir_abort(dir);
                dir = NULL;
                late = 1;
            } else {
                cs_cli_watch_outdir(dir);
            }
        }
    }
    if (!code) {
        cs_run_opts ro;
        memset(&ro, 0, sizeof ro);
        ro.threads = threads;
        for (size_t i = 0; i < c.n && st == CS_OK; i++) {
            /* Room for two 20-digit size_t and "[/]" with its NUL, whatever the compiler can
             * prove about i and c.n (GCC's -Wformat-truncation under -O1 cannot). */
            char label[2 * 20 + 4];
            snprintf(label, sizeof label, "[%zu/%zu]", i + 1, c.n);
            cs_progress *bar = cs_progress_create(label, !flags[F_QUIET].set);
            ro.progress = cs_progress_shown(bar) ? cs_progress_update : NULL;
            ro.progress_ud = bar;
            st = cs_run(c.scn[i], &ro, &c.res[i], &err);
            cs_progress_finish(bar);
        }
        if (st != CS_OK) code = cs_cli_fail("compare", st, err.msg);
    }
    if (!code) {
        if (flags[F_JSON].set) {
            st = json_to(stdout, &c, 0, &err);
        } else {
            print_table(&c);
            if (fflush(stdout) != 0 || ferror(stdout))
                st = cs_error_set(&err, CS_EIO, "cannot write the comparison table: %s", strerror(errno));
        }
        if (st == CS_OK && late) {
            st = cs_outdir_begin(flags[F_OUT].value, flags[F_FORCE].set, cs_cli_note, (void *)"compare", &dir, &err);
            if (st == CS_OK) cs_cli_watch_outdir(dir);
        }
        if (st == CS_OK && dir) {
            st = write_outdir(&c, dir, flags[F_REPORT].set, &err);
            dir = NULL;
        }
        if (st != CS_OK) code = cs_cli_fail("compare", st, err.msg);
        else if (flags[F_OUT].set && !flags[F_JSON].set) printf("\nResults written to %s/\n", flags[F_OUT].value);
    }
    cs_cli_watch_outdir(NULL);
    cs_outdir_abort(dir);
    for (size_t i = 0; i < c.n; i++) {
        cs_results_free(c.res[i]);
        cs_scn_free(c.scn[i]);
    }
    return code;
}
