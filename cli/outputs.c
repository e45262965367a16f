#include "cli/outputs.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/common.h"
#include "io/outdir.h"
#include "io/results.h"

struct cs_outputs {
    cs_output_opts opts;
    cs_outdir *dir;
    FILE *calls;
    cs_calls_writer *calls_w;
};

cs_status cs_outputs_begin(const cs_output_opts *o, const cs_scn *scn, cs_outputs **out, cs_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_outputs *x = *out;
    x->opts = *o;
    cs_cli_install_signals();
    if (!o->out) return CS_OK;
    cs_status st = cs_outdir_begin(o->out, o->force, &x->dir, err);
    if (st != CS_OK) {
        free(x);
        *out = NULL;
        return st;
    }
    cs_cli_watch_outdir(x->dir);
    if (o->calls) {
        x->calls = cs_outdir_open(x->dir, "calls.csv", NULL, 0, err);
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

cs_status cs_outputs_finish(cs_outputs *o, const cs_results *r, cs_error *err)
{
    cs_status st = CS_OK;
    if (!o->dir) {
        free(o);
        return CS_OK;
    }
    close_calls(o, &st, err);
    if (st == CS_OK) st = cs_cli_write_run_files(o->dir, r, o->opts.group, NULL, NULL, NULL, err);
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
