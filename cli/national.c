/* `callsim run NATIONAL.yaml`: load every force, run (force, replication) items, print the
 * national totals and the ranked forces, and write the results folder. */
#include "cli/national.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "cli/dist.h"
#include "cli/outputs.h"
#include "cli/progress.h"
#include "io/daily.h"
#include "io/json.h"
#include "io/national.h"
#include "io/national_out.h"
#include "io/outdir.h"
#include "plots/national_charts.h"

static const char *const CMD = "run";

static cs_nat *load(const char *path, int *code)
{
    cs_diags diags = {0};
    cs_nat *n = NULL;
    cs_status st = cs_nat_load(path, &n, &diags);
    if (st != CS_OK) {
        char buf[1024];
        for (size_t i = 0; i < diags.n; i++) {
            cs_diag_format(&diags.items[i], buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
        }
        if (diags.n == 0) fprintf(stderr, "callsim %s: cannot load %s: %s\n", CMD, path, cs_strerror(st));
        else if (diags.n > 1)
            fprintf(stderr, "callsim %s: %zu problems in %s and its force files; nothing was run\n", CMD, diags.n, path);
        cs_diags_free(&diags);
        *code = st == CS_ENOMEM ? CS_EXIT_FAIL : CS_EXIT_INPUT;
        return NULL;
    }
    cs_diags_free(&diags);
    return n;
}

static cs_status write_summary(cs_outdir *dir, const cs_nat_results *r, cs_error *err)
{
    FILE *f = cs_outdir_open(dir, "summary.json", NULL, 0, err);
    if (!f) return err->code;
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    if (!w) {
        fclose(f);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    cs_json_begin_object(w);
    cs_nat_out_json_members(w, r, 1);
    cs_json_end_object(w);
    cs_status st = cs_json_writer_finish(w, err);
    cs_json_writer_destroy(w);
    if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write summary.json");
    return st;
}

static cs_status write_csv(cs_outdir *dir, const char *name, const cs_nat_results *r, int group, cs_error *err)
{
    FILE *f = cs_outdir_open(dir, name, NULL, 0, err);
    if (!f) return err->code;
    cs_status st = strcmp(name, "forces.csv") == 0  ? cs_nat_out_forces_csv(f, r, err)
                   : strcmp(name, "daily.csv") == 0 ? cs_nat_out_daily_csv(f, r, err)
                                                    : cs_nat_out_intervals_csv(f, r, group, err);
    if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write %s", name);
    return st;
}

/* The national file as scenario.yaml and each force file as forces/<its file name> (a second
 * file of the same name from another folder gets its force's position as a prefix). */
static cs_status copy_inputs(cs_outdir *dir, const char *national, const cs_nat *n, cs_error *err)
{
    cs_status st = cs_outputs_copy_file(dir, national, "scenario.yaml", err);
    for (size_t f = 0; st == CS_OK && f < n->n_forces; f++) {
        const char *src = n->forces[f].file;
        if (!src) continue;
        int seen = 0, clash = 0;
        const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
        for (size_t g = 0; g < f; g++) {
            const char *o = n->forces[g].file;
            if (!o) continue;
            const char *ob = strrchr(o, '/') ? strrchr(o, '/') + 1 : o;
            if (strcmp(o, src) == 0) seen = 1;
            else if (strcmp(ob, base) == 0) clash = 1;
        }
        if (seen) continue;
        char rel[600];
        if (clash) snprintf(rel, sizeof rel, "forces/%zu-%s", f + 1, base);
        else snprintf(rel, sizeof rel, "forces/%s", base);
        st = cs_outputs_copy_file(dir, src, rel, err);
    }
    return st;
}

static cs_status write_outputs(cs_outdir *dir, const cs_nat_cli *o, const cs_nat_results *r, int group, cs_error *err)
{
    cs_status st = write_summary(dir, r, err);
    if (st == CS_OK) st = write_csv(dir, "forces.csv", r, group, err);
    if (st == CS_OK) st = write_csv(dir, "intervals.csv", r, group, err);
    if (st == CS_OK && cs_out_daily_wanted(r->totals)) st = write_csv(dir, "daily.csv", r, group, err);
    if (st == CS_OK) st = copy_inputs(dir, o->path, r->nat, err);
    if (st == CS_OK) {
        cs_chart_list list = {0};
        st = cs_charts_national(r, cs_outputs_chart_path, dir, &list, err);
        if (st == CS_OK) st = cs_outputs_write_manifest(dir, &list, err);
        cs_chart_list_free(&list);
    }
    if (st == CS_OK && o->report) st = cs_cli_write_report(cs_outdir_tmp(dir), err);
    return st;
}

int cs_cli_run_national(const cs_nat_cli *o)
{
    if (o->calls)
        return cs_cli_fail(CMD, CS_EINPUT, "--calls is not available for a national file (every call of every "
                           "force); run one force file alone with the seed summary.json gives it");
    /* Flags that need no scenario are checked first: a typo costs nothing. */
    int threads = 0, code = cs_cli_threads(CMD, o->threads, &threads);
    if (code) return code;
    if ((code = cs_cli_check_input(CMD, "national file", o->path)) != 0) return code;
    cs_nat *n = load(o->path, &code);
    if (!n) return code;
    /* --reps, --seed and --interval are checked by the code that checks them for a scenario. */
    cs_scn tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.replications = n->replications;
    tmp.seed = n->seed;
    tmp.interval = n->interval;
    int group = 1;
    if ((code = cs_cli_override(CMD, &tmp, o->reps, o->seed)) != 0 ||
        (code = cs_cli_interval_group(CMD, &tmp, o->interval, &group)) != 0) {
        cs_nat_free(n);
        return code;
    }
    n->replications = tmp.replications;
    n->seed = tmp.seed;
    cs_nat_apply(n);
    /* Volumes that count attempts are matched force by force, each on its own load and seed
     * (models/volume.h), before the run. */
    for (size_t f = 0; f < n->n_forces; f++)
        if (n->forces[f].scn->volume_pending && (code = cs_cli_calibrate(CMD, n->forces[f].scn, threads)) != 0) {
            cs_nat_free(n);
            return code;
        }

    cs_error err = {CS_OK, ""};
    cs_outdir *dir = NULL;
    int late = 0;   /* DIR checked now, begun after the run (cli/dist.h) */
    cs_cli_install_signals();
    if (o->out && cs_cli_writes()) {
        cs_status st = cs_outdir_begin(o->out, o->force, cs_cli_note, (void *)CMD, &dir, &err);
        if (st != CS_OK) {
            cs_nat_free(n);
            return cs_cli_fail(CMD, st, err.msg);
        }
        if (cs_cli_outputs_late()) {
            cs_outdir_abort(dir);
            dir = NULL;
            late = 1;
        } else {
            cs_cli_watch_outdir(dir);
        }
    }
    cs_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.threads = threads;
    cs_progress *bar = cs_progress_create(CMD, !o->quiet);
    ro.progress = cs_progress_shown(bar) ? cs_progress_update : NULL;
    ro.progress_ud = bar;
    cs_nat_results *res = NULL;
    cs_status st = cs_nat_run(n, &ro, &res, &err);
    cs_progress_finish(bar);
    if (st == CS_OK) {
        if (o->json) st = cs_nat_out_json(stdout, res, &err);
        else st = cs_nat_out_table(stdout, res, &err);
    }
    if (st == CS_OK && late) {
        st = cs_outdir_begin(o->out, o->force, cs_cli_note, (void *)CMD, &dir, &err);
        if (st == CS_OK) cs_cli_watch_outdir(dir);
    }
    if (st == CS_OK && dir) st = write_outputs(dir, o, res, group, &err);
    if (st == CS_OK && dir) st = cs_outdir_commit(dir, &err);
    cs_cli_watch_outdir(NULL);
    if (st != CS_OK) cs_outdir_abort(dir);
    else cs_outdir_free(dir);
    if (st == CS_OK && o->out && !o->json) printf("\nResults written to %s/\n", o->out);
    cs_nat_results_free(res);
    cs_nat_free(n);
    return st == CS_OK ? CS_EXIT_OK : cs_cli_fail(CMD, st, err.msg);
}
