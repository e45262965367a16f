/* Private to the scenario loader (io/scenario*.c); nothing else includes this.
 *
 * The loader is one module (cs_scn_load, io/scenario.h) in five files, one per concern:
 *   scenario.c         the driver: diagnostics and the key-path stack, reading files, `base:`
 *                      chains merged on the document tree, the top-level keys, the order of
 *                      interpretation, hand-over of sorted diagnostics;
 *   scenario_values.c  keys and values: unknown-key and "did you mean" reporting, units,
 *                      numbers, names, days, and distributions (one table row per kind);
 *   scenario_demand.c  `arrivals:`: constant rates, volumes spread by a profile (inline or CSV),
 *                      `rates:` tables, into a week of rate slots;
 *   scenario_lines.c   the named lists (lines, queues, pools) and everything under a line or an
 *                      extra queue;
 *   scenario_pools.c   pools (queues, pick rule, staff or roster, turned into staffing by
 *                      models/roster), windows (surges, technology, outages) and the cross
 *                      checks that need the whole scenario;
 *   scenario_patterns.c the staffing planner's keys of a pool: cost per hour, head cap and
 *                      allowed shift patterns;
 *   scenario_dates.c   calendar time: start:, per_year/per_month volumes and what they count,
 *                      month factors, bank holidays, special days, dated times, dated on-duty
 *                      files, and the dated demand and staffing built at the end.
 *
 * Conventions shared by every file.  A parser gets the loader state `ld *c` and a node of the
 * positioned document tree (io/yamldoc.h).  It reports problems with csi_scn_err_at() at the
 * node they concern, under the current key path (push/pop around every descent), and carries
 * on with a default, so one load reports every mistake.  get_X(c, map, key, required, out)
 * helpers return 1 when the key was given and valid, 0 when absent, -1 on a problem (already
 * reported); v_X(c, node, out) helpers parse one value and return 0 or -1.  Allocation failure
 * sets c->oom (csi_scn_oom) and the load ends with CS_ENOMEM. */
#ifndef CS_IO_SCENARIO_INT_H
#define CS_IO_SCENARIO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "io/scenario.h"
#include "io/yamldoc.h"
#include "models/scenario.h"
#include "sim/status.h"
#include "sim/text.h"

#define CSI_SCN_MAX_PATH 1024
/* Share sums are compared with 100% to this tolerance (the same as cs_dist_mixture). */
#define CSI_SCN_SHARE_TOL 1e-6
#define CSI_SCN_ALL_DAYS 0x7Fu

typedef const cs_ydoc_node node;

typedef struct xfer {      /* a line's `transfer`, applied once every queue exists */
    int queue;
    double share;
} xfer;

/* The state of one load. */
typedef struct ld {
    cs_ydoc *doc;
    cs_diags diags;          /* this load's problems, sorted at the end */
    int oom;
    char path[128];          /* key path of what is being read */
    size_t plen;
    const char **files;      /* files in the order they were opened, for sorting */
    size_t n_files, cap_files;

    cs_scn *s;
    /* Names collected before interpretation, so references may point forward. */
    size_t n_lines, n_xq, n_pools;
    node **line_map, **xq_map, **pool_map;   /* the item mappings (NULL if not a mapping) */
    const char **line_name, **xq_name, **pool_name;   /* NULL when missing or invalid */
    /* Facts kept for the cross checks. */
    int *line_ok;            /* the line had no problem of its own */
    int *allow_unstaffed;
    xfer *transfer;
    node **xfer_node;
    int pools_lists_ok;      /* every pool's queue list resolved */
    /* Unknown keys reported with a suggestion: (mapping, suggested key).  A required key
     * that is "missing" because it was misspelt is then not reported a second time. */
    struct {
        node *map;
        const char *key;
    } *typo;
    size_t n_typo, cap_typo;
    int pools_staff_ok;      /* every pool's staffing resolved */
    struct csi_cal *cal;     /* calendar keys (scenario_dates.c) */
} ld;

typedef struct csi_cal csi_cal;

/* ---- scenario.c: diagnostics, key path, files ------------------------------------------ */

void csi_scn_oom(ld *c);
/* A problem with node n (or with what n stands for), at the current key path. */
void csi_scn_err_at(ld *c, node *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A problem at an explicit position (a profile CSV row). */
void csi_scn_err_pos(ld *c, const char *file, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
size_t csi_scn_n_errors(const ld *c);
/* Key path stack: push returns the old length, pop restores it. */
size_t csi_scn_push_key(ld *c, const char *key);
size_t csi_scn_push_index(ld *c, size_t i);
void csi_scn_pop(ld *c, size_t old);
/* Files in the order they were opened: diagnostics are sorted by it. */
void csi_scn_add_file(ld *c, const char *file);
size_t csi_scn_file_rank(const ld *c, const char *file);
/* out = directory of `from` joined with rel (rel as is when absolute), normalised. */
void csi_scn_join_path(char *out, size_t n, const char *from, const char *rel);

/* ---- scenario_values.c: keys, values, names, distributions, days ----------------------- */

/* The candidate a typist most likely meant, or NULL (NULL candidates are skipped). */
const char *csi_scn_suggest(const char *word, const char *const *cand, size_t n);
/* "unknown WHAT 'x' (did you mean 'y'?)" or "unknown WHAT 'x'; the PLURAL are: ...". */
void csi_scn_unknown_name(ld *c, node *at, const char *what, const char *name,
                          const char *const *cand, size_t n, const char *plural);
/* Reports keys of `map` that are not in `known` (NULL-terminated). */
void csi_scn_check_keys(ld *c, node *map, const char *const *known);
/* Was `key` suggested for an unknown key of map (so "missing key" would repeat it)? */
int csi_scn_was_typo(const ld *c, node *map, const char *key);
/* The value of `key`: 1 and *v when given (not null); 0 when absent; -1 when required and
 * absent (reported at the enclosing mapping). */
int csi_scn_field(ld *c, node *map, const char *key, int required, node **v);
int csi_scn_need_kind(ld *c, node *v, cs_ydoc_kind kind, const char *expected);
int csi_scn_need_map(ld *c, node *v, const char *what);

typedef int (*val_fn)(ld *, node *, double *);
int csi_scn_v_dur(ld *c, node *v, double *o);
int csi_scn_v_rate(ld *c, node *v, double *o);
int csi_scn_v_share(ld *c, node *v, double *o);
int csi_scn_v_mult(ld *c, node *v, double *o);
int csi_scn_v_tod(ld *c, node *v, double *o);
int csi_scn_v_instant(ld *c, node *v, double *o);
/* Plausibility limits (io/scenario.h): 0 within, else -1 with the error reported at `at`.
 * v_rate and v_mult apply theirs themselves; `when` completes "N calls a second" ("" or " at
 * the busiest time of the profile"). */
int csi_scn_check_rate(ld *c, node *at, double rate, const char *when);
int csi_scn_check_time(ld *c, node *at, double t);
/* A required headcount (staff:) within CS_SCN_MAX_STAFF: 1, or -1 (reported). */
int csi_scn_get_headcount(ld *c, node *map, const char *key, double *out);
/* A plain non-negative decimal, read exactly and without the locale: 0 or -1. */
int csi_scn_parse_decimal(const char *s, double *out);
int csi_scn_v_number(ld *c, node *v, const char *what, double *o);
/* A whole number from -lim to lim (priorities). */
int csi_scn_v_int(ld *c, node *v, long lim, int *o);
/* A name: non-empty text shorter than cap. */
int csi_scn_v_name(ld *c, node *v, size_t cap, const char **o);
int csi_scn_v_seed(ld *c, node *v, uint64_t *o);

/* get_X(c, map, key, required, ..., out): 1 set, 0 absent, -1 error (reported). */
int csi_scn_get_with(ld *c, node *map, const char *key, int required, val_fn fn, double *out);
int csi_scn_get_number(ld *c, node *map, const char *key, int required, const char *what,
                       double *out);
int csi_scn_get_count(ld *c, node *map, const char *key, int required, long min, long max,
                      long *out);
int csi_scn_get_bool(ld *c, node *map, const char *key, int *out);
/* A distribution (or a bare duration, or `never` where allow_never). */
int csi_scn_get_dist(ld *c, node *map, const char *key, int required, int allow_never,
                     cs_dist *out);
/* `days`: a bit mask of weekdays (Monday = bit 0), all days when absent. */
int csi_scn_get_days(ld *c, node *map, const char *key, unsigned *mask);
/* Copies an optional `name` into dst (CS_NAME_MAX), or the default "<what> <i+1>". */
void csi_scn_get_label(ld *c, node *map, const char *what, size_t i, char *dst);

/* Two keys that exclude each other: where to report them, and a hint when they come from a
 * variant and its base. */
node *csi_scn_conflict_at(const ld *c, node *ka, node *kb, node *map);
void csi_scn_conflict_hint(const ld *c, node *ka, const char *a, node *kb, const char *b,
                           char *buf, size_t n);

/* ---- scenario_demand.c ----------------------------------------------------------------- */

/* `arrivals:` -> L->demand and L->daily_cv.  0 or -1. */
int csi_scn_parse_arrivals(ld *c, node *a, double interval, cs_line *L);

/* ---- scenario_lines.c ------------------------------------------------------------------ */

/* Index of a queue by name (a line's name is its main queue), -1 if unknown. */
int csi_scn_queue_lookup(const ld *c, const char *name);
int csi_scn_name_lookup(const char *const *names, size_t n, const char *name);
void csi_scn_unknown_queue(ld *c, node *at, const char *name);
/* Optional `line:` of a window or effect: 1 set, 0 absent (every line), -1 error. */
int csi_scn_get_line_ref(ld *c, node *map, int *out);
/* Reads a top-level list of named mappings (lines, queues, pools). */
void csi_scn_collect(ld *c, node *root, const char *key, int required, const char *what,
                     const char *example, size_t *n, node ***maps, const char ***names);
void csi_scn_parse_line(ld *c, size_t i, double interval);
void csi_scn_parse_queue(ld *c, size_t j);

/* ---- scenario_dates.c ------------------------------------------------------------------ */

/* start:, bank_holidays:, special_days: (after the lines and pools are collected). */
void csi_scn_parse_calendar(ld *c, node *root);
void csi_scn_cal_free(ld *c);
/* A point in the run: the week forms of io/units, or with a start date also "2025-12-31 21:00",
 * weekday forms meaning the first such weekday on or after the start.  0 or -1. */
int csi_scn_v_when(ld *c, node *v, double *o);
/* t plus a length in local clock time (dated) or plain seconds (undated). */
double csi_scn_after(const ld *c, double t, double len);
/* A time for messages: "2025-12-31 21:00" or "Fri 18:00". */
void csi_scn_fmt_when(const ld *c, double t, char *buf, size_t n);
/* A weekly surge of a dated run: its instances at local clock times. */
void csi_scn_surge_instances(ld *c, node *m, cs_window *w, double horizon);
/* per_year (1) or per_month (0) of line li: *week_vol is the nominal weekly volume.  0 or -1. */
int csi_scn_dated_volume(ld *c, node *a, size_t li, int per_year, double *week_vol);
/* counts:, months:, bank_holidays: of a line's arrivals.  0 or -1. */
int csi_scn_arrivals_calendar(ld *c, node *a, size_t li, cs_line *L);
/* on_duty: of pool k: 1 read, 0 absent, -1 error (reported). */
int csi_scn_parse_on_duty(ld *c, node *m, size_t k, cs_pool *P);
/* The days, dated demand and staffing over the run (when dated and nothing is wrong). */
void csi_scn_build_dated(ld *c);

/* ---- scenario_pools.c ------------------------------------------------------------------ */

void csi_scn_parse_pool(ld *c, size_t k);

/* ---- scenario_patterns.c --------------------------------------------------------------- */

/* cost_per_hour:, max_heads: and patterns: of a pool (the staffing planner's keys). */
void csi_scn_parse_plan_keys(ld *c, node *m, cs_pool *P);
/* surges (kind 0), technology (1) or outages (2). */
void csi_scn_parse_list(ld *c, node *root, const char *key, size_t elem, void **arr, size_t *n,
                        double horizon, int kind);
void csi_scn_check_queues_taken(ld *c);
void csi_scn_check_roster(ld *c, size_t li);

#endif
