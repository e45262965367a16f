#include "cli/outputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/common.h"
#include "cli/dist.h"
#include "io/json.h"
#include "io/outdir.h"
#include "io/results.h"
#include "plots/run_charts.h"

struct cs_outputs {
    cs_output_opts opts;
    cs_outdir *dir;
    FILE *calls;
    cs_calls_writer *calls_w;
    int late;            /* the folder is begun after the run (cli/dist.h cs_cli_outputs_late) */
};

/* A file without a name in $TMPDIR (or /tmp): it disappears with the process, however that
 * ends, so a run that dies leaves nothing behind. */
static FILE *nameless_file(void)
{
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/.callsim-calls-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    unlink(path);
    FILE *f = fdopen(fd, "w+");
    if (!f) close(fd);
    return f;
}

cs_status cs_outputs_begin(const cs_output_opts *o, const cs_scn *scn, cs_outputs **out, cs_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_outputs *x = *out;
    x->opts = *o;
    cs_cli_install_signals();
    if (!o->out || !cs_cli_writes()) return CS_OK;
    cs_status st = cs_outdir_begin(o->out, o->force, cs_cli_note, (void *)o->cmd, &x->dir, err);
    if (st != CS_OK) {
        free(x);
        *out = NULL;
        return st;
    }
    if (cs_cli_outputs_late()) {
        /* DIR is usable (checked now, so that a bad --out costs nothing); it is begun again
         * once the run is over, and calls.csv waits in a nameless file until then. */
        cs_outdir_abort(x->dir);
        x->dir = NULL;
        x->late = 1;
    } else {
        cs_cli_watch_outdir(x->dir);
    }
    if (o->calls) {
        x->calls = x->late ? nameless_file() : cs_outdir_open(x->dir, "calls.csv", NULL, 0, err);
        if (!x->calls && x->late) cs_error_set(err, CS_EIO, "cannot create a temporary file for calls.csv");
        if (!x->calls || !(x->calls_w = cs_calls_writer_create(x->calls, scn))) {
            if (x->calls) fclose(x->calls);
            x->calls = NULL;
            cs_outputs_abort(x);
            *out = NULL;
            return err->code ? err->code : cs_error_set(err, CS_ENOMEM, "out of memory");
        }
    }
    return CS_OK;
}

void cs_outputs_set_extra_key(cs_outputs *o, const char *key)
{
    if (o) o->opts.extra_key = key;
}

void cs_outputs_trace(cs_outputs *o, cs_trace_fn **fn, void **ud)
{
    *fn = o && o->calls_w ? cs_calls_writer_trace : NULL;
    *ud = o ? o->calls_w : NULL;
}

static void close_calls(cs_outputs *o, cs_status *st, cs_error *err)
{
    if (!o->calls) return;
    int bad = ferror(o->calls);
    if (fclose(o->calls) != 0) bad = 1;
    o->calls = NULL;
    cs_calls_writer_destroy(o->calls_w);
    o->calls_w = NULL;
    if (bad && st && *st == CS_OK) *st = cs_error_set(err, CS_EIO, "cannot write calls.csv (disk full?)");
}

void cs_outputs_abort(cs_outputs *o)
{
    if (!o) return;
    close_calls(o, NULL, NULL);
    cs_cli_watch_outdir(NULL);
    cs_outdir_abort(o->dir);
    free(o);
}

/* Chart paths inside the output folder (the charts/ folder is created on first use). */
int cs_outputs_chart_path(void *ud, const char *file, char *out, size_t n, cs_error *err)
{
    cs_outdir *dir = ud;
    char rel[256];
    snprintf(rel, sizeof rel, "charts/%s", file);
    if (cs_outdir_prepare(dir, rel, NULL, 0, err) != CS_OK) return -1;
    if ((size_t)snprintf(out, n, "%s/charts/%s", cs_outdir_tmp(dir), file) >= n) {
        cs_error_set(err, CS_EIO, "output path too long: %s/charts/%s", cs_outdir_tmp(dir), file);
        return -1;
    }
    return 0;
}

cs_status cs_outputs_write_manifest(cs_outdir *dir, const cs_chart_list *list, cs_error *err)
{
    FILE *f = cs_outdir_open(dir, "charts/charts.json", NULL, 0, err);
    if (!f) return err->code;
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    if (!w) {
        fclose(f);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    cs_json_begin_object(w);
    cs_json_key(w, "charts");
    cs_json_begin_array(w);
    for (size_t i = 0; i < list->n; i++) {
        cs_json_begin_object(w);
        cs_json_kv_string(w, "file", list->items[i].file);
        cs_json_kv_string(w, "title", list->items[i].title);
        cs_json_kv_string(w, "caption", list->items[i].caption);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_end_object(w);
    cs_status st = cs_json_writer_finish(w, err);
    cs_json_writer_destroy(w);
    if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write charts/charts.json");
    return st;
}

cs_status cs_outputs_copy_file(cs_outdir *dir, const char *src, const char *rel, cs_error *err)
{
    FILE *in = fopen(src, "rb");
    if (!in) return cs_error_set(err, CS_EIO, "cannot read %s to copy it into the results", src);
    FILE *out = cs_outdir_open(dir, rel, NULL, 0, err);
    if (!out) {
        fclose(in);
        return err->code;
    }
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, k, out) != k) break;
    int bad = ferror(in) || ferror(out);
    fclose(in);
    if (fclose(out) != 0) bad = 1;
    return bad ? cs_error_set(err, CS_EIO, "cannot copy %s into the results", src) : CS_OK;
}

cs_status cs_outputs_write_file(cs_outdir *dir, const char *rel, cs_outputs_file_fn *fn, const void *ud, cs_error *err)
{
    FILE *f = cs_outdir_open(dir, rel, NULL, 0, err);
    if (!f) return err->code;
    cs_status st = fn(f, ud, err);
    if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write %s", rel);
    return st;
}

cs_status cs_outputs_end(cs_outdir *dir, cs_status st, int report, cs_error *err)
{
    if (st == CS_OK && report) st = cs_cli_write_report(cs_outdir_tmp(dir), err);
    if (st == CS_OK) st = cs_outdir_commit(dir, err);
    cs_cli_watch_outdir(NULL);
    if (st != CS_OK) cs_outdir_abort(dir);
    else cs_outdir_free(dir);
    return st;
}

/* The folder of a late run, with calls.csv copied in from the nameless file. */
static cs_status begin_late(cs_outputs *o, cs_error *err)
{
    cs_status st = cs_outdir_begin(o->opts.out, o->opts.force, cs_cli_note, (void *)o->opts.cmd, &o->dir, err);
    if (st != CS_OK) return st;
    cs_cli_watch_outdir(o->dir);
    if (!o->calls) return CS_OK;
    FILE *out = cs_outdir_open(o->dir, "calls.csv", NULL, 0, err);
    if (!out) return err->code;
    int bad = fflush(o->calls) != 0 || ferror(o->calls);
    rewind(o->calls);
    char buf[65536];
    size_t k;
    while (!bad && (k = fread(buf, 1, sizeof buf, o->calls)) > 0)
        if (fwrite(buf, 1, k, out) != k) bad = 1;
    if (ferror(o->calls)) bad = 1;
    if (fclose(out) != 0) bad = 1;
    return bad ? cs_error_set(err, CS_EIO, "cannot write calls.csv (disk full?)") : CS_OK;
}

cs_status cs_outputs_finish(cs_outputs *o, const cs_results *r, cs_error *err)
{
    cs_status st = CS_OK;
    if (o->late) st = begin_late(o, err);
    if (!o->dir) {
        close_calls(o, NULL, NULL);
        free(o);
        return st;
    }
    close_calls(o, &st, err);
    if (st == CS_OK)
        st = cs_cli_write_run_files(o->dir, r, o->opts.group, o->opts.extra_key, o->opts.extra_json,
                                    o->opts.extra_ud, err);
    if (st == CS_OK && o->opts.extra_files) st = o->opts.extra_files(o->opts.extra_ud, o->dir, err);
    if (st == CS_OK && o->opts.scenario_path)
        st = cs_cli_copy_scenario(o->dir, o->opts.scenario_path, "scenario.yaml", o->opts.sets, o->opts.n_sets, err);
    if (st == CS_OK) {
        cs_chart_list list = {0};
        if (o->opts.extra_charts) st = o->opts.extra_charts(o->opts.extra_ud, cs_outputs_chart_path, o->dir, &list, err);
        if (st == CS_OK) st = cs_charts_run(r, cs_outputs_chart_path, o->dir, &list, err);
        if (st == CS_OK) st = cs_outputs_write_manifest(o->dir, &list, err);
        cs_chart_list_free(&list);
    }
    if (st == CS_OK && o->opts.report) st = cs_cli_write_report(cs_outdir_tmp(o->dir), err);
    if (st == CS_OK) st = cs_outdir_commit(o->dir, err);
    if (st != CS_OK) {
        cs_outputs_abort(o);
        return st;
    }
    cs_cli_watch_outdir(NULL);
    cs_outdir_free(o->dir);
    free(o);
    return CS_OK;
}
