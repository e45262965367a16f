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
} cs_output_opts;

typedef struct cs_outputs cs_outputs;

cs_status cs_outputs_begin(const cs_output_opts *o, const cs_scn *scn, cs_outputs **out, cs_error *err);
/* The trace to pass to cs_run (NULL when calls.csv is not wanted). */
void cs_outputs_trace(cs_outputs *o, cs_trace_fn **fn, void **ud);
cs_status cs_outputs_finish(cs_outputs *o, const cs_results *r, cs_error *err);   /* frees o */
void cs_outputs_abort(cs_outputs *o);                                             /* frees o */

#endif
