/* Everything `run` (and replay) writes into an output folder, as one transaction:
 * begin (folder checks, calls.csv opened for the trace) -> simulate -> finish (summary.json,
 * intervals.csv, charts, report, then the atomic rename) or abort (nothing left behind). */
#ifndef CS_CLI_OUTPUTS_H
#define CS_CLI_OUTPUTS_H

#include "models/centre.h"
#include "models/kpi.h"
#include "sim/status.h"

typedef struct cs_output_opts {
    const char *cmd;
    const char *out;           /* NULL: nothing is written */
    int force, calls, report;
    int group;                 /* intervals per intervals.csv row */
    const char *scenario_path; /* copied into the report */
    const char *const *sets;   /* --set changes, listed after the copy of the scenario */
    size_t n_sets;
    /* Optional additions (replay): a member of summary.json and extra files. */
    const char *extra_key;
    void (*extra_json)(void *ud, void *json_writer);
    cs_status (*extra_files)(void *ud, void *outdir, cs_error *err);
    /* Charts drawn before the run's own (replay: observed against simulated), through the
     * folder's chart paths (plots/run_charts.h) and listed first in charts.json. */
    cs_status (*extra_charts)(void *ud, int (*path)(void *, const char *, char *, size_t, cs_error *), void *path_ud,
                              void *chart_list, cs_error *err);
    void *extra_ud;
} cs_output_opts;

typedef struct cs_outputs cs_outputs;

cs_status cs_outputs_begin(const cs_output_opts *o, const cs_scn *scn, cs_outputs **out, cs_error *err);
/* The member of summary.json that extra_json writes (NULL: none), when it is known only after
 * begin (replay: whether the log has outcomes). */
void cs_outputs_set_extra_key(cs_outputs *o, const char *key);
/* The trace to pass to cs_run (NULL when calls.csv is not wanted). */
void cs_outputs_trace(cs_outputs *o, cs_trace_fn **fn, void **ud);
cs_status cs_outputs_finish(cs_outputs *o, const cs_results *r, cs_error *err);   /* frees o */
void cs_outputs_abort(cs_outputs *o);                                             /* frees o */

/* Shared with compare: chart paths registered in an output folder, the charts.json manifest,
 * copying an input file into the results. */
#include "io/outdir.h"
#include "plots/run_charts.h"
int cs_outputs_chart_path(void *ud, const char *file, char *out, size_t n, cs_error *err);
cs_status cs_outputs_write_manifest(cs_outdir *dir, const cs_chart_list *list, cs_error *err);
/* Writes REL in the folder through fn(f, ud, err); a failed close (a full disk) is an error that
 * names the file. */
typedef cs_status cs_outputs_file_fn(FILE *f, const void *ud, cs_error *err);
cs_status cs_outputs_write_file(cs_outdir *dir, const char *rel, cs_outputs_file_fn *fn, const void *ud, cs_error *err);
/* The end a command's results folder shares: the report when asked for (after every other
 * file), the commit, and on any failure, st's included, nothing left.  Frees dir; returns st or
 * the first failure. */
cs_status cs_outputs_end(cs_outdir *dir, cs_status st, int report, cs_error *err);
cs_status cs_outputs_copy_file(cs_outdir *dir, const char *src, const char *rel, cs_error *err);
/* report.html for the folder (cmd_report.c); the date comes from SOURCE_DATE_EPOCH if set. */
cs_status cs_cli_write_report(const char *dir, cs_error *err);

#endif
