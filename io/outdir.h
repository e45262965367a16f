/* Output folders and files that are either complete or absent.
 *
 * Results are written into a hidden temporary folder beside the target and moved onto the
 * target only when every file is written, so an interrupted or failed run never leaves half a
 * result where a good one was.
 *
 * Names.  Everything temporary is named `.NAME.partial-HOST-PID-XXXXXX` (or `.NAME.old-...`
 * for a previous result being replaced on a file system without an atomic exchange), where
 * NAME is the target's own name, HOST eight hex digits identifying this machine, PID the
 * writing process.  Those names are how a later run recognises leftovers of callsim's own.
 *
 * The target.  An existing target is refused unless `force` is set.  A target that is a
 * symbolic link is always refused: replacing it would either destroy the link (which the user
 * did not ask for) or, worse, write into or empty the folder it points to.  "." and ".." are
 * refused too (a folder cannot be replaced by renaming onto itself).
 *
 * Committing.  A new target is renamed into place (refusing to replace anything that appeared
 * in the meantime).  An existing one (force) is swapped with the new folder in one atomic step
 * (Linux renameat2 RENAME_EXCHANGE), after which the old result, now under the temporary name,
 * is deleted: the target always holds either the old or the new result, complete.  Where the
 * file system cannot exchange, the old result is first renamed aside to `.NAME.old-...`, the new
 * one renamed in, then the old deleted; a failure between the two puts the old one back.
 *
 * Interruption.  cs_outdir_cleanup_signal_safe() undoes whatever step the transaction is in
 * using only async-signal-safe calls (open/openat, getdents64, unlinkat, rename, lstat), so a
 * SIGINT/SIGTERM handler may call it: before the commit it deletes the temporary folder, between
 * the two renames of the fallback it puts the old result back, after the commit it finishes
 * deleting the old result.  Any file in the temporary folder is removed, whoever wrote it (the
 * report writes through a temporary name of its own), so nothing has to be registered.
 *
 * Leftovers.  SIGKILL (or a power cut) cannot be caught: it leaves the temporary folder, and in
 * the fallback commit possibly `.NAME.old-...`.  cs_outdir_begin() and cs_outfile_begin() first
 * recover such leftovers in the target's parent folder: an entry is touched only when its name
 * has the form above with this machine's HOST, its PID is not a running process, and it is a
 * real folder or file (not a link) owned by the current user.  A stale `.NAME.old-...` is
 * renamed back to NAME when NAME is absent (the run died between the two renames; the old result
 * is the one the user last had), and deleted otherwise; a stale `.NAME.partial-...` is deleted.
 * Each action is reported through the note callback.
 *
 * Single files (cs_outfile, for `callsim fit`'s scenario) follow the same rules: written to
 * `.NAME.partial-HOST-PID-XXXXXX` beside the target and renamed onto it when complete. */
#ifndef CS_OUTDIR_H
#define CS_OUTDIR_H

#include <stdio.h>

#include "sim/status.h"

/* Receives one human-readable sentence about a leftover that was recovered or removed. */
typedef void cs_outdir_note_fn(void *ud, const char *msg);

typedef struct cs_outdir cs_outdir;

/* Recovers leftovers in the target's parent (see above), checks the target and creates the
 * temporary folder.  note may be NULL.  Errors: CS_EINPUT for a target that cannot be used
 * (exists without force, a link, not a folder, "."), CS_EIO when the parent does not exist or
 * cannot be written, CS_ENOMEM. */
cs_status cs_outdir_begin(const char *target, int force, cs_outdir_note_fn *note, void *note_ud,
                          cs_outdir **out, cs_error *err);
/* The temporary folder to write into. */
const char *cs_outdir_tmp(const cs_outdir *o);
/* Opens tmp/relpath for writing, creating subfolders such as charts/.  path_out (optional)
 * receives the full path. */
FILE *cs_outdir_open(cs_outdir *o, const char *relpath, char *path_out, size_t n, cs_error *err);
/* Creates relpath's folders for a file written by someone else (a chart) and gives its path. */
cs_status cs_outdir_prepare(cs_outdir *o, const char *relpath, char *path_out, size_t n, cs_error *err);
/* Moves the temporary folder onto the target (see above). */
cs_status cs_outdir_commit(cs_outdir *o, cs_error *err);
/* Removes the temporary folder if not committed; frees o.  NULL is a no-op. */
void cs_outdir_abort(cs_outdir *o);
/* Frees o after a commit. */
void cs_outdir_free(cs_outdir *o);
/* Async-signal-safe: undoes or finishes the step in progress (see above).  Returns 1 when the
 * new result is in place, 0 when it is not (the target is as it was), -1 when the signal came
 * in the middle of the atomic exchange (the target holds the old or the new result, complete).
 * NULL returns 0. */
int cs_outdir_cleanup_signal_safe(const cs_outdir *o);

/* For tests of the commit, step by step: no_exchange forces the two-rename commit; step (may be
 * NULL) is called after every step of cs_outdir_commit, where a test can act as a signal would
 * (call cs_outdir_cleanup_signal_safe, then leave with longjmp or _exit). */
void cs_outdir_test_hooks(cs_outdir *o, int no_exchange, void (*step)(void *ud), void *ud);

typedef struct cs_outfile cs_outfile;

/* As cs_outdir_begin, for one file: recovers leftovers, checks the target (an existing file
 * needs force; a folder, "." or a name ending in '/' is refused; a link is replaced by the file,
 * never written through) and opens the temporary file. */
cs_status cs_outfile_begin(const char *target, int force, cs_outdir_note_fn *note, void *note_ud,
                           cs_outfile **out, cs_error *err);
/* The stream to write the content to (owned by o). */
FILE *cs_outfile_stream(cs_outfile *o);
/* Closes the stream, checks every write succeeded and renames the file onto the target. */
cs_status cs_outfile_commit(cs_outfile *o, cs_error *err);
/* Removes the temporary file if not committed; frees o.  NULL is a no-op. */
void cs_outfile_abort(cs_outfile *o);
/* Async-signal-safe: unlinks the temporary file unless committed.  NULL is a no-op. */
void cs_outfile_cleanup_signal_safe(const cs_outfile *o);

/* Removes a folder and everything in it without following symbolic links (a link inside is
 * removed, not what it points to).  Async-signal-safe on Linux.  Returns 0, or -1 if something
 * could not be removed. */
int cs_outdir_remove_tree(const char *path);

#endif
