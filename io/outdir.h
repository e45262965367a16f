/* Output folders that are either complete or absent.
 *
 * Results are written into a hidden temporary folder beside the target
 * (`.NAME.partial-XXXXXX`) and renamed onto the target only when every file is written, so an
 * interrupted or failed run never leaves half a result where a good one was.  An existing
 * target is refused unless `force` is set; with force, the old folder is moved aside, the new
 * one renamed in, and the old one deleted.
 *
 * For interruption: cs_outdir_cleanup_signal_safe() removes what has been created so far
 * using only unlink()/rmdir() on paths recorded in advance, so a SIGINT/SIGTERM handler may
 * call it. */
#ifndef CS_OUTDIR_H
#define CS_OUTDIR_H

#include <stdio.h>

#include "sim/status.h"

typedef struct cs_outdir cs_outdir;

/* Checks the target and creates the temporary folder. */
cs_status cs_outdir_begin(const char *target, int force, cs_outdir **out, cs_error *err);
/* The temporary folder to write into. */
const char *cs_outdir_tmp(const cs_outdir *o);
/* Opens tmp/relpath for writing (creating subfolders such as charts/); records it for
 * cleanup.  path_out (optional) receives the full path. */
FILE *cs_outdir_open(cs_outdir *o, const char *relpath, char *path_out, size_t n, cs_error *err);
/* Records a file written by someone else (a chart) for cleanup; creates its folder. */
cs_status cs_outdir_prepare(cs_outdir *o, const char *relpath, char *path_out, size_t n, cs_error *err);
/* Renames the temporary folder onto the target. */
cs_status cs_outdir_commit(cs_outdir *o, cs_error *err);
/* Removes the temporary folder and everything recorded; frees o.  NULL is a no-op. */
void cs_outdir_abort(cs_outdir *o);
void cs_outdir_free(cs_outdir *o);
/* Async-signal-safe removal of the temporary folder's recorded content (see above). */
void cs_outdir_cleanup_signal_safe(const cs_outdir *o);

#endif
