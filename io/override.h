/* `--set PATH=VALUE`: one value of a scenario changed from outside its file (prefix
 * cs_override_, paths cs_ovpath_).
 *
 * Concept.  A change is applied to the scenario's document tree (io/yamldoc.h) after `base:`
 * chains are merged and before the tree is interpreted, so the new value goes through the very
 * code that reads the file: same units, defaults, validation and messages.  A run with
 * `--set lines.101.spillover.share=10%` is therefore the run of a file in which that value was
 * edited, byte for byte.  The experiments (sweep, sensitivity, calibrate) change inputs the
 * same way.
 *
 * Paths.  Keys separated by dots, from the top of the scenario:
 *     horizon                               a top-level key
 *     lines.101.spillover.share             `lines` is a list of named items: 101 is a name
 *     pools."call handlers".roster.late.staff   a quoted segment may hold spaces and dots
 *     pools.handlers.roster[0].staff        [N] is the item at index N (from 0) of a list,
 *                                           for lists whose items have no name
 * A segment is quoted with "..." (\" and \\ inside) or '...' ('' inside).  In a list, a segment
 * names the item whose `name` is that text.  A key that the mapping does not have yet is added
 * (and mappings are made on the way down), so `lines.101.callback.accept=60%` works on a line
 * without a callback; whether the key is allowed there is for the loader to say, as for the
 * file ("unknown key 'acept' (did you mean 'accept'?)").  New list items cannot be made: a
 * name that is not in the list is an error listing the names that are.  `base` cannot be set.
 *
 * Values.  Text after the first '=' outside quotes.  A value starting with '{', '[', '"' or '\''
 * is read as YAML (a flow mapping or list, or a quoted string): `handle={dist: lognormal, mean:
 * 6m, sd: 3m}`; anything else is taken as it is written (blanks at the ends dropped), so
 * `name=Force: after` needs no quoting.  An empty value, `~` or `null` removes the setting (the
 * key is then "not given", as `key: ~` in a variant).  A value replaces what was there: setting
 * `handle` to a mapping does not merge with the old one.
 *
 * Errors are diagnostics (io/scenario.h) whose file is the change's label followed by its text
 * in quotes ("--set #2 'lines.102.handle=5m'"), with no line or column: the problem is in the
 * flag, not in a file. */
#ifndef CS_IO_OVERRIDE_H
#define CS_IO_OVERRIDE_H

#include <stddef.h>

#include "io/scenario.h"
#include "io/yamldoc.h"
#include "sim/status.h"

#define CS_OVPATH_MAX_SEGS 32

typedef struct cs_ovpath_seg {
    char *name;     /* key or item name (NULL for an index) */
    long index;     /* [N], or -1 */
} cs_ovpath_seg;

typedef struct cs_ovpath {
    cs_ovpath_seg seg[CS_OVPATH_MAX_SEGS];
    size_t n;
} cs_ovpath;

/** @brief Splits "PATH=VALUE" (or a bare "PATH") into its path and value.
 *  @param path OUT: the segments (free with cs_ovpath_free, also after an error).
 *  @param value OUT (may be NULL): the text after '=', or NULL when there is no '='.
 *  @return CS_OK, CS_EINPUT (err says what is wrong: an empty segment, an unclosed quote, ...)
 *  or CS_ENOMEM. */
cs_status cs_ovpath_parse(const char *text, cs_ovpath *path, const char **value, cs_error *err);

/** @brief Frees the segment names; leaves an empty path. */
void cs_ovpath_free(cs_ovpath *path);

/** @brief The path written back in canonical form (segments quoted only where they must be):
 *  `pools."call handlers".roster[0].staff`.  snprintf semantics. */
int cs_ovpath_format(const cs_ovpath *path, size_t n_segs, char *buf, size_t n);

/** @brief Is a path segment written as it is (no quotes needed)? */
int cs_ovpath_plain(const char *seg);

/** @brief Applies sets[0..n) in order to *root (the merged document), replacing *root by the
 *  changed tree; nodes of the original are never modified (they may be shared).  A change with
 *  a problem is reported in diags and skipped; the others still apply, so one load reports
 *  every problem.  note_file(ud, label) is called with each change's interned label-and-text
 *  before anything is reported about it (the loader orders its messages by file).
 *  @return CS_OK, CS_EINPUT (diagnostics added) or CS_ENOMEM. */
cs_status cs_override_apply(cs_ydoc *doc, cs_ydoc_node **root, cs_scn_set *sets, size_t n,
                            cs_diags *diags, void (*note_file)(void *ud, const char *file),
                            void *ud);

#endif
