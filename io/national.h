/* National files: a set of forces, each a scenario file of its own, run as one (models/national.h).
 *
 * Format (README.md, "The national picture"):
 *
 *     name: England and Wales
 *     description: ...            # optional
 *     horizon: 365d               # these five apply to every force: a force file's own
 *     warmup: 1d                  # values (kept so that the file also runs alone) are
 *     replications: 2             # replaced, and where the national file leaves one out
 *     seed: 2026                  # the force gets the scenario default, never its own
 *     interval: 1h
 *     rank_by: {line: "101", kpi: abandon_rate}   # optional: how forces are ranked
 *     forces:
 *       - {name: Avon and Somerset, file: avon_and_somerset.yaml}
 *       - {file: bedfordshire.yaml}               # name: the force file's `name:`
 *
 * A force file is an ordinary scenario file (its lines, pools, rosters, surges, ...); `base:`
 * works in it as anywhere, relative to the force file.  The national keys are laid over each
 * force file after its base chain is merged (io/scenario.h cs_scn_load_over), so a bad
 * `horizon:` is reported once, at its place in the national file.  Everything else comes from
 * the force file.  Force names must be unique; "total" is reserved for the totals rows of the
 * CSV outputs.
 *
 * Diagnostics: every problem of the national file and of every force file (and their bases and
 * profile CSVs) is reported, each as file:line:col with the key path, national-file problems
 * first, then each force's in the order listed.  A force file that cannot be read is reported
 * at its `file:` entry in the national file.
 *
 * Thread safety: no global state. */
#ifndef CS_IO_NATIONAL_H
#define CS_IO_NATIONAL_H

#include "io/scenario.h"
#include "models/national.h"
#include "sim/status.h"

/** @brief 1 when `path` is a national file (a mapping with a top-level `forces:` key), else 0
 *  (also when it cannot be read or parsed: the scenario loader then says why); -1 when memory
 *  ran out while looking, so that the caller fails instead of guessing "not national". */
int cs_nat_detect(const char *path);

/** @brief Loads a national file and every force file it lists.
 *  @param out OUT: the national run description (cs_nat_free), NULL on any error.  Every
 *         force's seed is already its own (cs_nat_force_seed) and its file path recorded.
 *  @param diags every problem, appended (may be NULL to discard them).
 *  @return CS_OK; CS_EINPUT (all problems in diags); CS_EIO when `path` cannot be read;
 *          CS_ENOMEM. */
cs_status cs_nat_load(const char *path, cs_nat **out, cs_diags *diags);

#endif
