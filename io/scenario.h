/* Scenario loader: YAML scenario files (README.md, "The scenario file") -> resolved cs_scn.
 *
 * Concept.  A scenario file is parsed into a small document tree that remembers the file,
 * line and column of every value (io/yamldoc.h).  `base:` chains are merged on that tree
 * first (a variant overrides its base key by key, named list items by name), then the tree
 * is interpreted: units parsed, defaults applied, names resolved to indexes, rosters turned
 * into staffing step functions, demand into a week of rate slots, and the whole thing
 * validated (shares adding up, unknown names, unstaffed demand, ...).  The result is the
 * plain cs_scn of models/scenario.h, which no longer knows about files.
 *
 * Diagnostics.  Every problem found becomes one cs_diag with the file it is in (a base file
 * or a profile CSV when that is where the mistake is), the 1-based line and column, the key
 * path in the merged scenario (e.g. "lines[0].handle.mean") and a message that says what was
 * expected and, where possible, how to fix it ("did you mean 'handle'?").  Loading does not
 * stop at the first problem: all of them are collected and returned sorted in file order.
 * For a profile CSV, line is the physical line of the offending record and the message
 * quotes its spreadsheet row number.
 *
 * Choices the format leaves open (documented here because they change results):
 *   - arrival slots: a constant `rate` is one slot per week; hourly profiles (`hours`,
 *     `week`, CSV `hour`) use 3600 s slots; a CSV with `time` uses the scenario interval;
 *     a `rates` table uses the largest slot dividing a day and every from/to (which must be
 *     whole minutes), so tables are resolved exactly, never rounded;
 *   - on-duty handlers are rounded half up with a 1e-9 tolerance, so 7.5 computed as
 *     7.4999999999 still gives 8;
 *   - null values mean "not given" (and, in a variant, remove the base's key); an empty list
 *     in a variant clears the base's list;
 *   - `transfer` applies to every queue of the line except transfer legs;
 *   - shifts, surges, technology and outages accept an optional `name` (used to merge
 *     variants by name; reports use it where the struct has a name field).
 *
 * Ownership.  cs_scn_load*() allocate the scenario (free it with cs_scn_free()) and append to
 * *diags (free with cs_diags_free()).  On failure *out is NULL and nothing else is left
 * allocated except the diagnostics.
 *
 * Thread safety: no global state; distinct calls are independent. */
#ifndef CS_IO_SCENARIO_H
#define CS_IO_SCENARIO_H

#include <stddef.h>

#include "models/roster.h"
#include "models/scenario.h"
#include "sim/status.h"

/* Plausibility limits.  A value beyond one is an error at its key, never clamped: each limit
 * is far beyond anything a UK control room, or England and Wales together, sees, so a value
 * past it is a typo or a wrong unit, and running it would take hours, exhaust memory or
 * overflow.  They still admit a national year (43 forces, about 40 million calls a year, one
 * line each or one national line, horizons of a year or two) and the 10^7-call benchmark.
 *   horizon   5 years: plans are made for a year or two; over longer spans the rosters,
 *             demand and technology are not knowable, and a national run would take hours.
 *   rate      100 calls a second into one line (arrivals, each slot of a profile or rates
 *             table): all 999 and 101 calls in England and Wales average about 1.3 a second,
 *             a few a second at the busiest hour; the benchmark uses 2.
 *   factor    x100 for a surge, a technology or an outage multiplier: the worst recorded
 *             incidents multiplied demand by a few times, not a hundred.
 *   staff     100,000 handlers in a shift, a pool's staff: or on duty in one pool
 *             (CS_ROSTER_MAX_LEVEL): the largest UK control rooms roster a few hundred a
 *             shift, all forces together a few thousand.
 *   time      1 week for a time in a distribution (handle, wrap-up, IVR, patience, redial,
 *             spillover and callback delays) and for answer_within and a spillover's after:
 *             no phone call, wait or retry lasts that long; patience that never runs out is
 *             `never`. */
#define CS_SCN_MAX_HORIZON (5.0 * 366.0 * 86400.0)
#define CS_SCN_MAX_RATE 100.0
#define CS_SCN_MAX_FACTOR 100.0
#define CS_SCN_MAX_STAFF CS_ROSTER_MAX_LEVEL
#define CS_SCN_MAX_TIME (7.0 * 86400.0)

/* One problem in a scenario file.  line/col are 1-based (0 when there is no position, e.g. a
 * file that cannot be opened at all). */
typedef struct cs_diag {
    char file[256];
    unsigned line, col;
    char path[128];      /* key path in the merged scenario, "" for the whole file */
    char msg[384];
} cs_diag;

/* A growable list of diagnostics.  Zero-initialise before first use. */
typedef struct cs_diags {
    cs_diag *items;
    size_t n, cap;
} cs_diags;

/** @brief Frees the items and leaves *d empty (reusable).  NULL is a no-op. */
void cs_diags_free(cs_diags *d);

/** @brief Formats "file:line:col: error: msg (at path)" ("file: error: msg" without a
 *  position, no "(at ...)" without a path).  snprintf semantics: writes at most n bytes
 *  including the NUL (buf may be NULL when n == 0) and returns the full length. */
int cs_diag_format(const cs_diag *d, char *buf, size_t n);

/** @brief Loads, merges `base:` chains, applies defaults, validates everything and resolves
 *  a scenario file.
 *  @param path the scenario file; `base:` and profile CSV names are relative to the file
 *         that names them.
 *  @param out OUT: the scenario (free with cs_scn_free), NULL on any error.
 *  @param diags problems are appended here, in file order (may be NULL to discard them).
 *  @return CS_OK; CS_EINPUT when the scenario (or a base or CSV file it names) has problems,
 *  all of which are in diags; CS_EIO when `path` itself cannot be read; CS_ENOMEM. */
cs_status cs_scn_load(const char *path, cs_scn **out, cs_diags *diags);

/* One change to a scenario from outside its file: `--set PATH=VALUE` on the command line, or a
 * value an experiment (sweep, sensitivity, calibrate) tries.  Applied to the merged document
 * (after `base:`), before it is interpreted, so the value is read, checked and reported exactly
 * as if it had been written in the file (io/override.h has the path syntax).  Problems are
 * diagnostics whose "file" is the label and the text ("--set #2 'lines.101.handle=6'"), without
 * a line and column, and whose path is the key path as for the file. */
typedef struct cs_scn_set {
    const char *label;   /* names the change in messages: "--set #2", "--vary #1" */
    const char *text;    /* "PATH=VALUE" */
    /* Optional OUT: the text the path held before this change ("" when it was absent or not a
     * single value).  With it, text may be a bare PATH: the value is read, nothing changes. */
    char *old;
    size_t old_n;
    /* OUT: bit i is set when part i of the path named an item of a list (lines.101: part 1);
     * a writer of variant files needs it (io/variant.h). */
    unsigned long items;
    /* OUT: bit i is set when that list also has items without a name (a variant file cannot
     * change one of its items: `base:` merging replaces such a list whole). */
    unsigned long unnamed;
} cs_scn_set;

/** @brief cs_scn_load() with sets[0..n_sets) applied in order to the merged document.  A run of
 *  the result is identical to a run of a file edited the same way. */
cs_status cs_scn_load_set(const char *path, cs_scn_set *sets, size_t n_sets, cs_scn **out,
                          cs_diags *diags);

/** @brief As cs_scn_load(), with a mapping of keys laid over the file after its `base:` chain
 *  is merged, by the same rules as a variant over its base (io/yamldoc.h cs_ydoc_merge; a null
 *  value removes the file's key).  A national file uses it to impose its horizon, seed, ...
 *  on every force file; diagnostics about laid-over keys point into the text they came from.
 *  @param over a CS_YDOC_MAP node, or NULL (then exactly cs_scn_load()); it may belong to
 *         another document arena, which must outlive the call. */
struct cs_ydoc_node;
cs_status cs_scn_load_over(const char *path, const struct cs_ydoc_node *over, cs_scn **out,
                           cs_diags *diags);

/** @brief As cs_scn_load() on text in memory (tests, fuzzing).
 *  @param virtual_path the name used in diagnostics; `base:` and CSV paths resolve relative
 *  to its directory.  NULL means "<string>" in the current directory. */
cs_status cs_scn_load_string(const char *text, const char *virtual_path, cs_scn **out,
                             cs_diags *diags);

#endif
