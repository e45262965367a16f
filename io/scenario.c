/* Scenario loader.  See io/scenario.h for the contract and notes/scenario_format.md for the
 * file format.
 *
 * Three stages:
 *   1. text -> document tree with positions (io/yamldoc.c), following `base:` chains and
 *      merging each variant on top of its base;
 *   2. interpretation of the merged tree into a cs_scn: every key is checked against the keys
 *      the format knows, every value parsed with io/units.h, names resolved to indexes;
 *   3. cross checks that need the whole scenario (queues nobody takes, demand when nobody is
 *      on duty).
 * Every problem is recorded and the walk goes on with a default, so one load reports all the
 * mistakes in a file.  Cross checks that would only echo an earlier mistake (a pool whose
 * line list had an unknown name cannot be used to decide which queues are taken) are skipped
 * when the data they need is incomplete. */
#include "io/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/units.h"
#include "io/yamldoc.h"
#include "models/dist.h"

/* Largest scenario or base file read (a scenario is a page of text; this only stops a wrong
 * file name such as a call log from being slurped). */
#define MAX_FILE_BYTES ((size_t)16 << 20)
#define MAX_BASE_DEPTH 16
#define MAX_PATH 1024
/* Share sums are compared with 100% to this tolerance (the same as cs_dist_mixture). */
#define SHARE_TOL 1e-6

typedef const cs_ydoc_node node;

/* ---- diagnostics list ------------------------------------------------------------------ */

void cs_diags_free(cs_diags *d)
{
    if (!d) return;
    free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
}

int cs_diag_format(const cs_diag *d, char *buf, size_t n)
{
    char pos[64] = "";
    if (d->line > 0) snprintf(pos, sizeof pos, ":%u:%u", d->line, d->col);
    if (d->path[0])
        return snprintf(buf, n, "%s%s: error: %s (at %s)", d->file, pos, d->msg, d->path);
    return snprintf(buf, n, "%s%s: error: %s", d->file, pos, d->msg);
}

/* ---- loader state ---------------------------------------------------------------------- */

typedef struct xfer {      /* a line's `transfer`, applied once every queue exists */
    int queue;
    double share;
} xfer;

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
} ld;

static void oom(ld *c)
{
    c->oom = 1;
}

static void diag_v(ld *c, const char *file, unsigned line, unsigned col, const char *fmt,
                   va_list ap) __attribute__((format(printf, 5, 0)));

static void diag_v(ld *c, const char *file, unsigned line, unsigned col, const char *fmt,
                   va_list ap)
{
    if (cs_ydoc_vdiag(&c->diags, file, line, col, c->path, fmt, ap) != CS_OK) oom(c);
}

/* A problem with node n (or with what n stands for), at the current key path. */
static void err_at(ld *c, node *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void err_at(ld *c, node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_v(c, n->file, n->line, n->col, fmt, ap);
    va_end(ap);
}

static void err_pos(ld *c, const char *file, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void err_pos(ld *c, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_v(c, file, line, col, fmt, ap);
    va_end(ap);
}

static size_t n_errors(const ld *c)
{
    return c->diags.n;
}

/* Key path stack: push returns the old length, pop restores it. */
static size_t push_key(ld *c, const char *key)
{
    size_t old = c->plen;
    size_t room = sizeof c->path - c->plen;
    int k = snprintf(c->path + c->plen, room, "%s%s", c->plen ? "." : "", key);
    if (k > 0) c->plen += (size_t)k < room ? (size_t)k : room - 1;
    return old;
}

static size_t push_index(ld *c, size_t i)
{
    size_t old = c->plen;
    size_t room = sizeof c->path - c->plen;
    int k = snprintf(c->path + c->plen, room, "[%zu]", i);
    if (k > 0) c->plen += (size_t)k < room ? (size_t)k : room - 1;
    return old;
}

static void pop(ld *c, size_t old)
{
    c->plen = old;
    c->path[old] = '\0';
}

static void add_file(ld *c, const char *file)
{
    for (size_t i = 0; i < c->n_files; i++)
        if (strcmp(c->files[i], file) == 0) return;
    if (c->n_files == c->cap_files) {
        size_t nc = c->cap_files ? 2 * c->cap_files : 8;
        const char **p = realloc(c->files, nc * sizeof *p);
        if (!p) {
            oom(c);
            return;
        }
        c->files = p;
        c->cap_files = nc;
    }
    c->files[c->n_files++] = file;
}

/* ---- small text helpers (ASCII only, independent of the locale) ------------------------ */

static char lower(char ch)
{
    return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

static int ieq(const char *a, const char *b)
{
    while (*a && lower(*a) == lower(*b)) a++, b++;
    return lower(*a) == lower(*b);
}

/* Levenshtein distance, ASCII case-insensitive, capped at 99 (names are short). */
static unsigned edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return 99;
    unsigned row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned best = diag + (lower(a[i - 1]) == lower(b[j - 1]) ? 0u : 1u);
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            if (up + 1 < best) best = up + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static size_t common_prefix(const char *a, const char *b)
{
    size_t n = 0;
    while (a[n] && b[n] && lower(a[n]) == lower(b[n])) n++;
    return n;
}

/* The candidate a typist most likely meant: the nearest within edit distance 2 (and less
 * than the word's own length, so 'x' does not suggest 'to'), else the one sharing the
 * longest prefix of at least 3 characters.  NULL when nothing is close. */
static const char *suggest(const char *word, const char *const *cand, size_t n)
{
    const char *best = NULL;
    unsigned bd = 3;
    size_t wl = strlen(word);
    for (size_t i = 0; i < n; i++) {
        if (!cand[i]) continue;
        unsigned d = edit_distance(word, cand[i]);
        if (d < bd && d < wl) {
            bd = d;
            best = cand[i];
        }
    }
    if (best) return best;
    size_t bl = 2;
    for (size_t i = 0; i < n; i++) {
        if (!cand[i]) continue;
        size_t l = common_prefix(word, cand[i]);
        if (l > bl) {
            bl = l;
            best = cand[i];
        }
    }
    return best;
}

/* Appends "name1, name2, ..." of the non-NULL candidates to buf. */
static void list_names(char *buf, size_t n, const char *const *cand, size_t nc, int quote)
{
    size_t len = strlen(buf);
    int first = 1;
    for (size_t i = 0; i < nc && len + 1 < n; i++) {
        if (!cand[i]) continue;
        int k = snprintf(buf + len, n - len, quote ? "%s'%s'" : "%s%s", first ? "" : ", ",
                         cand[i]);
        if (k < 0) break;
        len += (size_t)k < n - len ? (size_t)k : n - len - 1;
        first = 0;
    }
}

/* "unknown WHAT 'x' (did you mean 'y'?)" or "unknown WHAT 'x'; the WHATs are: ...". */
static void unknown_name(ld *c, node *at, const char *what, const char *name,
                         const char *const *cand, size_t n, const char *plural)
{
    const char *s = suggest(name, cand, n);
    if (s) {
        err_at(c, at, "unknown %s '%s' (did you mean '%s'?)", what, name, s);
        return;
    }
    char list[256] = "";
    list_names(list, sizeof list, cand, n, 1);
    if (list[0])
        err_at(c, at, "unknown %s '%s'; the %s are: %s", what, name, plural, list);
    else
        err_at(c, at, "unknown %s '%s'; no %s are defined", what, name, plural);
}

/* Lexical path handling: "a/b/../c.yaml" -> "a/c.yaml".  Done on text so that virtual
 * paths (cs_scn_load_string) and files that do not exist yet behave the same way. */
static void normalize_path(char *p)
{
    char out[MAX_PATH];
    size_t seg[MAX_PATH / 2];
    size_t n_seg = 0, len = 0;
    int absolute = p[0] == '/';
    const char *s = p;
    out[0] = '\0';
    if (absolute) out[len++] = '/';
    while (*s) {
        while (*s == '/') s++;
        if (!*s) break;
        const char *e = s;
        while (*e && *e != '/') e++;
        size_t sl = (size_t)(e - s);
        if (sl == 1 && s[0] == '.') {
            /* skip */
        } else if (sl == 2 && s[0] == '.' && s[1] == '.' && n_seg > 0 &&
                   !(out[seg[n_seg - 1]] == '.' && out[seg[n_seg - 1] + 1] == '.' &&
                     (out[seg[n_seg - 1] + 2] == '/' || out[seg[n_seg - 1] + 2] == '\0'))) {
            len = seg[--n_seg];
        } else if (len + sl + 1 < sizeof out && n_seg < sizeof seg / sizeof seg[0]) {
            seg[n_seg++] = len;
            memcpy(out + len, s, sl);
            len += sl;
            out[len++] = '/';
        }
        s = e;
    }
    if (len > (size_t)absolute) len--;   /* drop the trailing '/' */
    out[len] = '\0';
    if (len == 0) strcpy(out, ".");
    strcpy(p, out);
}

/* out = directory of `from` joined with rel (rel as is when absolute), normalised. */
static void join_path(char *out, size_t n, const char *from, const char *rel)
{
    const char *slash = strrchr(from, '/');
    if (rel[0] == '/' || !slash)
        snprintf(out, n, "%s", rel);
    else
        snprintf(out, n, "%.*s/%s", (int)(slash - from), from, rel);
    if (strlen(out) < MAX_PATH) normalize_path(out);
}

/* Reads a whole file.  Returns 0, or an errno value (EFBIG for a file over the limit). */
static int read_file(const char *path, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return errno ? errno : ENOENT;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return ENOMEM;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_FILE_BYTES) {
                free(buf);
                fclose(f);
                return EFBIG;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                return ENOMEM;
            }
            buf = nb;
            cap *= 2;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return EIO;
    }
    *text = buf;
    *len = n;
    return 0;
}

static void errno_text(int e, char *buf, size_t n)
{
    if (e == EFBIG) {
        snprintf(buf, n, "file larger than %zu MiB, not a scenario", MAX_FILE_BYTES >> 20);
        return;
    }
    if (strerror_r(e, buf, n) != 0) snprintf(buf, n, "error %d", e);
}

/* ---- stage 1: the merged document ------------------------------------------------------ */

/* Parses `text` (the file `file`) and, if it names a base, loads the base chain and merges.
 * chain[0..depth) are the normalised names of the files that led here.  Returns the merged
 * root, or NULL when the tree is unusable (syntax error, missing base, loop). */
static cs_ydoc_node *load_tree(ld *c, const char *text, size_t len, const char *file,
                               char (*chain)[MAX_PATH], size_t depth)
{
    const char *ifile = cs_ydoc_intern(c->doc, file);
    if (!ifile) {
        oom(c);
        return NULL;
    }
    add_file(c, ifile);
    cs_ydoc_node *root = NULL;
    cs_status st = cs_ydoc_parse(c->doc, text, len, ifile, &root, &c->diags);
    if (st == CS_ENOMEM) oom(c);
    if (!root) return NULL;
    const cs_ydoc_pair *bp = cs_ydoc_find(root, "base");
    if (!bp) return root;
    cs_ydoc_node *over = cs_ydoc_without(c->doc, root, "base");
    if (!over) {
        oom(c);
        return NULL;
    }
    node *bv = bp->val;
    if (bv->kind == CS_YDOC_NULL) return over;
    size_t pk = push_key(c, "base");
    if (bv->kind != CS_YDOC_SCALAR) {
        err_at(c, bv, "expected the file name of the scenario this one builds on, such as "
               "base: baseline.yaml, got %s", cs_ydoc_kind_name(bv->kind));
        pop(c, pk);
        return NULL;
    }
    char bpath[MAX_PATH];
    join_path(bpath, sizeof bpath, ifile, bv->text);
    for (size_t i = 0; i <= depth; i++) {
        if (strcmp(chain[i], bpath) != 0) continue;
        char msg[300] = "";
        size_t l = 0;
        for (size_t j = i; j <= depth && l + 1 < sizeof msg; j++) {
            int k = snprintf(msg + l, sizeof msg - l, "%s -> ", chain[j]);
            if (k < 0) break;
            l += (size_t)k < sizeof msg - l ? (size_t)k : sizeof msg - l - 1;
        }
        err_at(c, bv, "base chain loops: %s%s; a scenario cannot be its own base", msg, bpath);
        pop(c, pk);
        return NULL;
    }
    if (depth + 1 >= MAX_BASE_DEPTH) {
        err_at(c, bv, "base chain is deeper than %d files", MAX_BASE_DEPTH);
        pop(c, pk);
        return NULL;
    }
    char *btext;
    size_t blen;
    int e = read_file(bpath, &btext, &blen);
    if (e == ENOMEM) {
        oom(c);
        pop(c, pk);
        return NULL;
    }
    if (e) {
        char why[128];
        errno_text(e, why, sizeof why);
        err_at(c, bv, "cannot read base scenario '%s' (looked for %s): %s; base paths are "
               "relative to the file that names them", bv->text, bpath, why);
        pop(c, pk);
        return NULL;
    }
    pop(c, pk);
    snprintf(chain[depth + 1], MAX_PATH, "%s", bpath);
    cs_ydoc_node *base = load_tree(c, btext, blen, bpath, chain, depth + 1);
    free(btext);
    if (!base) return NULL;
    if (base->kind != CS_YDOC_MAP) {
        err_at(c, base, "a base scenario must be a mapping of keys (name:, lines:, ...), got %s",
               cs_ydoc_kind_name(base->kind));
        return NULL;
    }
    cs_ydoc_node *merged = cs_ydoc_merge(c->doc, base, over);
    if (!merged) oom(c);
    return merged;
}

/* ---- stage 2 helpers: keys and values -------------------------------------------------- */

/* Reports keys of `map` that are not in `known` (NULL-terminated). */
static void check_keys(ld *c, node *map, const char *const *known)
{
    size_t nk = 0;
    while (known[nk]) nk++;
    for (size_t i = 0; i < map->n_pairs; i++) {
        node *k = map->pairs[i].key;
        size_t j = 0;
        while (j < nk && strcmp(known[j], k->text) != 0) j++;
        if (j < nk) continue;
        size_t pk = push_key(c, k->text);
        if (strcmp(k->text, "<<") == 0) {
            err_at(c, k, "YAML merge keys (<<) are not supported; use base: to build on another "
                   "scenario, or repeat the keys");
        } else {
            const char *s = suggest(k->text, known, nk);
            if (s) {
                err_at(c, k, "unknown key '%s' (did you mean '%s'?)", k->text, s);
                if (c->n_typo == c->cap_typo) {
                    size_t nc = c->cap_typo ? 2 * c->cap_typo : 8;
                    void *p = realloc(c->typo, nc * sizeof *c->typo);
                    if (!p) {
                        oom(c);
                        pop(c, pk);
                        continue;
                    }
                    c->typo = p;
                    c->cap_typo = nc;
                }
                c->typo[c->n_typo].map = map;
                c->typo[c->n_typo].key = s;
                c->n_typo++;
            } else {
                char list[300] = "";
                list_names(list, sizeof list, known, nk, 0);
                err_at(c, k, "unknown key '%s'; expected one of: %s", k->text, list);
            }
        }
        pop(c, pk);
    }
}

static int was_typo(const ld *c, node *map, const char *key)
{
    for (size_t i = 0; i < c->n_typo; i++)
        if (c->typo[i].map == map && strcmp(c->typo[i].key, key) == 0) return 1;
    return 0;
}

/* The value of `key`: 1 and *v when given (not null); 0 when absent; -1 when required and
 * absent (reported at the enclosing mapping). */
static int field(ld *c, node *map, const char *key, int required, node **v)
{
    *v = cs_ydoc_get(map, key);
    if (*v) return 1;
    if (!required) return 0;
    if (was_typo(c, map, key)) return -1;
    size_t pk = push_key(c, key);
    err_at(c, map, "missing key '%s'", key);
    pop(c, pk);
    return -1;
}

static int need_kind(ld *c, node *v, cs_ydoc_kind kind, const char *expected)
{
    if (v->kind == kind) return 0;
    err_at(c, v, "expected %s, got %s", expected, cs_ydoc_kind_name(v->kind));
    return -1;
}

static int need_map(ld *c, node *v, const char *what)
{
    if (v->kind == CS_YDOC_MAP) return 0;
    err_at(c, v, "expected a mapping (%s), got %s%s%s%s", what, cs_ydoc_kind_name(v->kind),
           v->kind == CS_YDOC_SCALAR ? " '" : "", v->kind == CS_YDOC_SCALAR ? v->text : "",
           v->kind == CS_YDOC_SCALAR ? "'" : "");
    return -1;
}

typedef cs_status (*unit_fn)(const char *, double *, cs_error *);

static int unit_value(ld *c, node *v, unit_fn fn, const char *what, double *out)
{
    if (v->kind != CS_YDOC_SCALAR) {
        err_at(c, v, "expected %s, got %s", what, cs_ydoc_kind_name(v->kind));
        return -1;
    }
    cs_error e;
    double x;
    if (fn(v->text, &x, &e) != CS_OK) {
        err_at(c, v, "%s", e.msg);
        return -1;
    }
    *out = x;
    return 0;
}

static int v_dur(ld *c, node *v, double *o)
{
    return unit_value(c, v, cs_units_parse_duration, "a duration such as 45s, 3m or 1h30m", o);
}
static int v_rate(ld *c, node *v, double *o)
{
    return unit_value(c, v, cs_units_parse_rate, "a rate such as 120/h or 2/s", o);
}
static int v_share(ld *c, node *v, double *o)
{
    return unit_value(c, v, cs_units_parse_share, "a share such as 90% or 0.9", o);
}
static int v_mult(ld *c, node *v, double *o)
{
    return unit_value(c, v, cs_units_parse_multiplier, "a multiplier such as 1.3 or 130%", o);
}
static int v_tod(ld *c, node *v, double *o)
{
    return unit_value(c, v, cs_units_parse_time_of_day, "a time of day such as \"07:00\"", o);
}
static int v_instant(ld *c, node *v, double *o)
{
    return unit_value(c, v, cs_units_parse_instant, "a point in the run such as \"Fri 18:00\"",
                      o);
}

/* A plain non-negative decimal ("12", "0.5", ".5"), read without strtod() so that the result
 * does not depend on the locale, exactly when it fits (mantissa below 2^53). */
static int parse_decimal(const char *s, double *out)
{
    while (*s == ' ' || *s == '\t') s++;
    uint64_t m = 0;
    int digits = 0, frac = 0, exact = 1, seen_dot = 0;
    double approx = 0.0;
    for (; *s; s++) {
        if (*s == '.') {
            if (seen_dot) return -1;
            seen_dot = 1;
            continue;
        }
        if (*s < '0' || *s > '9') break;
        digits++;
        if (seen_dot) frac++;
        if (exact && m < (UINT64_C(1) << 53) / 10) {
            m = m * 10 + (uint64_t)(*s - '0');
        } else {
            if (exact) approx = (double)m;
            exact = 0;
            approx = approx * 10 + (*s - '0');
        }
    }
    while (*s == ' ' || *s == '\t') s++;
    if (*s || digits == 0 || (seen_dot && frac == 0)) return -1;
    double x = exact ? (double)m : approx;
    /* Dividing by one exact power of ten rounds once: the nearest double to the decimal. */
    double p = 1.0;
    for (int i = 0; i < frac; i++) p *= 10.0;
    x /= p;
    if (!isfinite(x)) return -1;
    *out = x;
    return 0;
}

static int v_number(ld *c, node *v, const char *what, double *o)
{
    if (v->kind != CS_YDOC_SCALAR || parse_decimal(v->text, o) != 0) {
        if (v->kind == CS_YDOC_SCALAR)
            err_at(c, v, "expected %s (a plain number such as 12 or 0.5), got '%s'", what, v->text);
        else
            err_at(c, v, "expected %s (a plain number such as 12 or 0.5), got %s", what,
                   cs_ydoc_kind_name(v->kind));
        return -1;
    }
    return 0;
}

static int v_count(ld *c, node *v, long min, long max, long *o)
{
    if (v->kind != CS_YDOC_SCALAR) {
        err_at(c, v, "expected a whole number, got %s", cs_ydoc_kind_name(v->kind));
        return -1;
    }
    cs_error e;
    if (cs_units_parse_count(v->text, min, max, o, &e) != CS_OK) {
        err_at(c, v, "%s", e.msg);
        return -1;
    }
    return 0;
}

/* A whole number that may be negative (priorities). */
static int v_int(ld *c, node *v, long lim, int *o)
{
    if (v->kind != CS_YDOC_SCALAR) {
        err_at(c, v, "expected a whole number such as 0, 2 or -1, got %s",
               cs_ydoc_kind_name(v->kind));
        return -1;
    }
    const char *t = v->text;
    while (*t == ' ') t++;
    int neg = *t == '-';
    if (neg) t++;
    cs_error e;
    long x;
    if (cs_units_parse_count(t, 0, lim, &x, &e) != CS_OK) {
        err_at(c, v, "expected a whole number from -%ld to %ld such as 0, 2 or -1, got '%s'",
               lim, lim, v->text);
        return -1;
    }
    *o = (int)(neg ? -x : x);
    return 0;
}

static int v_bool(ld *c, node *v, int *o)
{
    if (v->kind == CS_YDOC_SCALAR) {
        if (ieq(v->text, "true") || ieq(v->text, "yes")) {
            *o = 1;
            return 0;
        }
        if (ieq(v->text, "false") || ieq(v->text, "no")) {
            *o = 0;
            return 0;
        }
    }
    err_at(c, v, "expected true or false, got %s%s%s", v->kind == CS_YDOC_SCALAR ? "'" : "",
           v->kind == CS_YDOC_SCALAR ? v->text : cs_ydoc_kind_name(v->kind),
           v->kind == CS_YDOC_SCALAR ? "'" : "");
    return -1;
}

/* A name (line, queue, pool, ...): non-empty text that fits CS_NAME_MAX. */
static int v_name(ld *c, node *v, size_t cap, const char **o)
{
    if (v->kind != CS_YDOC_SCALAR) {
        err_at(c, v, "expected a name, got %s", cs_ydoc_kind_name(v->kind));
        return -1;
    }
    if (v->text[0] == '\0') {
        err_at(c, v, "a name cannot be empty");
        return -1;
    }
    if (strlen(v->text) >= cap) {
        err_at(c, v, "name '%.40s...' is too long (at most %zu characters)", v->text, cap - 1);
        return -1;
    }
    *o = v->text;
    return 0;
}

typedef int (*val_fn)(ld *, node *, double *);

/* get_X(c, map, key, required, out): 1 set, 0 absent, -1 error (reported). */
static int get_with(ld *c, node *map, const char *key, int required, val_fn fn, double *out)
{
    node *v;
    int r = field(c, map, key, required, &v);
    if (r <= 0) return r;
    size_t pk = push_key(c, key);
    r = fn(c, v, out) == 0 ? 1 : -1;
    pop(c, pk);
    return r;
}

static int get_number(ld *c, node *map, const char *key, int required, const char *what,
                      double *out)
{
    node *v;
    int r = field(c, map, key, required, &v);
    if (r <= 0) return r;
    size_t pk = push_key(c, key);
    r = v_number(c, v, what, out) == 0 ? 1 : -1;
    pop(c, pk);
    return r;
}

static int get_count(ld *c, node *map, const char *key, int required, long min, long max,
                     long *out)
{
    node *v;
    int r = field(c, map, key, required, &v);
    if (r <= 0) return r;
    size_t pk = push_key(c, key);
    r = v_count(c, v, min, max, out) == 0 ? 1 : -1;
    pop(c, pk);
    return r;
}

static int get_bool(ld *c, node *map, const char *key, int *out)
{
    node *v;
    int r = field(c, map, key, 0, &v);
    if (r <= 0) return r;
    size_t pk = push_key(c, key);
    r = v_bool(c, v, out) == 0 ? 1 : -1;
    pop(c, pk);
    return r;
}

/* Copies an optional `name` into dst (CS_NAME_MAX), or the default "<what> <i+1>". */
static void get_label(ld *c, node *map, const char *what, size_t i, char *dst)
{
    node *v;
    const char *name;
    snprintf(dst, CS_NAME_MAX, "%s %zu", what, i + 1);
    if (field(c, map, "name", 0, &v) <= 0) return;
    size_t pk = push_key(c, "name");
    if (v_name(c, v, CS_NAME_MAX, &name) == 0) snprintf(dst, CS_NAME_MAX, "%s", name);
    pop(c, pk);
}

static size_t file_rank(const ld *c, const char *file)
{
    for (size_t i = 0; i < c->n_files; i++)
        if (strcmp(c->files[i], file) == 0) return i;
    return c->n_files;
}

/* Where to report two keys that exclude each other: the variant's key when they come from
 * different files (that is what the user just edited), else the enclosing mapping. */
static node *conflict_at(const ld *c, node *ka, node *kb, node *map)
{
    if (ka->file == kb->file) return map;
    return file_rank(c, ka->file) < file_rank(c, kb->file) ? ka : kb;
}

/* When two keys that exclude each other come from different files, the variant probably
 * meant to replace the base's choice: say how.  buf gets "" when both are in one file. */
static void conflict_hint(const ld *c, node *ka, const char *a, node *kb, const char *b,
                          char *buf, size_t n)
{
    buf[0] = '\0';
    if (ka->file == kb->file) return;
    int a_is_variant = file_rank(c, ka->file) < file_rank(c, kb->file);
    node *kv = a_is_variant ? ka : kb, *kbase = a_is_variant ? kb : ka;
    const char *v = a_is_variant ? a : b, *bs = a_is_variant ? b : a;
    snprintf(buf, n, " (%s comes from %s, %s from its base %s: write '%s: ~' in %s to drop "
             "the base's)", v, kv->file, bs, kbase->file, bs, kv->file);
}

/* ---- distributions --------------------------------------------------------------------- */

static const char *const DIST_NAMES[] = {"exponential", "deterministic", "uniform", "lognormal",
                                         "gamma", "weibull", "empirical", "mixture", "never",
                                         NULL};

static int dist_param(ld *c, node *map, const char *key, int is_duration, double *out)
{
    if (is_duration) return get_with(c, map, key, 1, v_dur, out) == 1 ? 0 : -1;
    return get_number(c, map, key, 1, "a shape", out) == 1 ? 0 : -1;
}

static int parse_dist(ld *c, node *v, int allow_never, int in_mixture, cs_dist *out);

static int parse_mixture(ld *c, node *map, int allow_never, cs_dist *out)
{
    node *comps;
    if (field(c, map, "components", 1, &comps) < 0) return -1;
    size_t pk = push_key(c, "components");
    int bad = 0;
    if (need_kind(c, comps, CS_YDOC_SEQ, "a list of components such as [{share: 15%, dist: "
                  "exponential, mean: 30s}, ...]") != 0) {
        pop(c, pk);
        return -1;
    }
    if (comps->n_items == 0) {
        err_at(c, comps, "a mixture needs at least one component");
        pop(c, pk);
        return -1;
    }
    size_t n = comps->n_items;
    cs_dist *d = calloc(n, sizeof *d);
    double *w = calloc(n, sizeof *w);
    if (!d || !w) {
        free(d);
        free(w);
        oom(c);
        pop(c, pk);
        return -1;
    }
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        size_t pi = push_index(c, i);
        node *it = comps->items[i];
        if (need_map(c, it, "a component such as {share: 15%, dist: exponential, mean: 30s}")) {
            bad = 1;
        } else {
            if (get_with(c, it, "share", 1, v_share, &w[i]) != 1) bad = 1;
            if (parse_dist(c, it, allow_never, 1, &d[i]) != 0) bad = 1;
            sum += w[i];
        }
        pop(c, pi);
    }
    if (!bad && fabs(sum - 1.0) > SHARE_TOL) {
        err_at(c, comps, "mixture component shares add up to %.6g%%, they must add up to 100%%",
               sum * 100.0);
        bad = 1;
    }
    pop(c, pk);
    if (!bad) {
        cs_error e;
        cs_status st = cs_dist_mixture(out, d, w, n, &e);
        if (st == CS_ENOMEM) oom(c);
        else if (st != CS_OK) err_at(c, map, "%s", e.msg);
        if (st != CS_OK) bad = 1;
    }
    for (size_t i = 0; i < n; i++) cs_dist_fini(&d[i]);
    free(d);
    free(w);
    return bad ? -1 : 0;
}

/* A distribution: a mapping with `dist:` or a bare duration (deterministic), or `never`
 * where allowed.  On error *out is left a `never` (owning nothing). */
static int parse_dist(ld *c, node *v, int allow_never, int in_mixture, cs_dist *out)
{
    cs_dist_never(out);
    if (v->kind == CS_YDOC_SCALAR) {
        if (ieq(v->text, "never")) {
            if (allow_never) return 0;
            err_at(c, v, "'never' is only allowed for patience");
            return -1;
        }
        double x;
        if (v_dur(c, v, &x) != 0) return -1;
        cs_error e;
        if (cs_dist_deterministic(out, x, &e) != CS_OK) {
            err_at(c, v, "%s", e.msg);
            return -1;
        }
        return 0;
    }
    if (v->kind != CS_YDOC_MAP) {
        err_at(c, v, "expected a distribution such as {dist: exponential, mean: 3m} or a "
               "duration such as 30s, got %s", cs_ydoc_kind_name(v->kind));
        return -1;
    }
    node *kv;
    if (!cs_ydoc_find(v, "dist")) {   /* report a misspelt dist: before "missing key" */
        const char *const k[] = {"dist", "mean", "sd", "value", "min", "max", "shape", "scale",
                                 "samples", "components", in_mixture ? "share" : NULL, NULL};
        check_keys(c, v, k);
    }
    if (field(c, v, "dist", 1, &kv) < 0) return -1;
    size_t pk = push_key(c, "dist");
    cs_dist_kind kind;
    if (kv->kind != CS_YDOC_SCALAR || cs_dist_kind_from_name(kv->text, &kind) != 0) {
        if (kv->kind == CS_YDOC_SCALAR && suggest(kv->text, DIST_NAMES, 9))
            err_at(c, kv, "unknown distribution '%s' (did you mean '%s'?)", kv->text,
                   suggest(kv->text, DIST_NAMES, 9));
        else
            err_at(c, kv, "expected a distribution name: exponential, deterministic, uniform, "
                   "lognormal, gamma, weibull, empirical, mixture or never");
        pop(c, pk);
        return -1;
    }
    pop(c, pk);
    const char *share = in_mixture ? "share" : NULL;
    int has_mean = cs_ydoc_find(v, "mean") != NULL, has_sd = cs_ydoc_find(v, "sd") != NULL;
    int has_shape = cs_ydoc_find(v, "shape") != NULL, has_scale = cs_ydoc_find(v, "scale") != NULL;
    double a = 0, b = 0;
    cs_error e;
    cs_status st = CS_OK;
    switch (kind) {
    case CS_DIST_NEVER: {
        const char *const k[] = {"dist", share, NULL};
        check_keys(c, v, k);
        if (!allow_never) {
            err_at(c, kv, "'never' is only allowed for patience");
            return -1;
        }
        return 0;
    }
    case CS_DIST_EXPONENTIAL: {
        const char *const k[] = {"dist", "mean", share, NULL};
        check_keys(c, v, k);
        if (dist_param(c, v, "mean", 1, &a)) return -1;
        st = cs_dist_exponential(out, a, &e);
        break;
    }
    case CS_DIST_DETERMINISTIC: {
        const char *const k[] = {"dist", "value", share, NULL};
        check_keys(c, v, k);
        if (dist_param(c, v, "value", 1, &a)) return -1;
        st = cs_dist_deterministic(out, a, &e);
        break;
    }
    case CS_DIST_UNIFORM: {
        const char *const k[] = {"dist", "min", "max", share, NULL};
        check_keys(c, v, k);
        int r1 = dist_param(c, v, "min", 1, &a), r2 = dist_param(c, v, "max", 1, &b);
        if (r1 || r2) return -1;
        st = cs_dist_uniform(out, a, b, &e);
        break;
    }
    case CS_DIST_LOGNORMAL: {
        const char *const k[] = {"dist", "mean", "sd", share, NULL};
        check_keys(c, v, k);
        int r1 = dist_param(c, v, "mean", 1, &a), r2 = dist_param(c, v, "sd", 1, &b);
        if (r1 || r2) return -1;
        st = cs_dist_lognormal(out, a, b, &e);
        break;
    }
    case CS_DIST_GAMMA: {
        const char *const k[] = {"dist", "mean", "sd", "shape", "scale", share, NULL};
        check_keys(c, v, k);
        if ((has_mean || has_sd) && !has_shape && !has_scale) {
            int r1 = dist_param(c, v, "mean", 1, &a), r2 = dist_param(c, v, "sd", 1, &b);
            if (r1 || r2) return -1;
            st = cs_dist_gamma(out, a, b, &e);
        } else if ((has_shape || has_scale) && !has_mean && !has_sd) {
            int r1 = dist_param(c, v, "shape", 0, &a), r2 = dist_param(c, v, "scale", 1, &b);
            if (r1 || r2) return -1;
            st = cs_dist_gamma_shape_scale(out, a, b, &e);
        } else {
            err_at(c, v, "gamma needs either mean and sd, or shape and scale");
            return -1;
        }
        break;
    }
    case CS_DIST_WEIBULL: {
        const char *const k[] = {"dist", "shape", "scale", "mean", share, NULL};
        check_keys(c, v, k);
        if (has_scale == has_mean) {
            err_at(c, v, "weibull needs shape and either scale or mean");
            return -1;
        }
        int r1 = dist_param(c, v, "shape", 0, &a);
        int r2 = dist_param(c, v, has_scale ? "scale" : "mean", 1, &b);
        if (r1 || r2) return -1;
        st = has_scale ? cs_dist_weibull(out, a, b, &e) : cs_dist_weibull_mean(out, a, b, &e);
        break;
    }
    case CS_DIST_EMPIRICAL: {
        const char *const k[] = {"dist", "samples", share, NULL};
        check_keys(c, v, k);
        node *sv;
        if (field(c, v, "samples", 1, &sv) < 0) return -1;
        size_t pk2 = push_key(c, "samples");
        if (need_kind(c, sv, CS_YDOC_SEQ, "a list of durations such as [30s, 45s, 2m]") ||
            sv->n_items == 0) {
            if (sv->kind == CS_YDOC_SEQ) err_at(c, sv, "empirical needs at least one sample");
            pop(c, pk2);
            return -1;
        }
        double *x = malloc(sv->n_items * sizeof *x);
        if (!x) {
            oom(c);
            pop(c, pk2);
            return -1;
        }
        int bad = 0;
        for (size_t i = 0; i < sv->n_items; i++) {
            size_t pi = push_index(c, i);
            if (v_dur(c, sv->items[i], &x[i]) != 0) bad = 1;
            pop(c, pi);
        }
        pop(c, pk2);
        if (!bad) st = cs_dist_empirical(out, x, sv->n_items, &e);
        free(x);
        if (bad) return -1;
        break;
    }
    case CS_DIST_MIXTURE: {
        const char *const k[] = {"dist", "components", share, NULL};
        check_keys(c, v, k);
        return parse_mixture(c, v, allow_never, out);
    }
    }
    if (st == CS_ENOMEM) {
        oom(c);
        return -1;
    }
    if (st != CS_OK) {
        err_at(c, v, "%s", e.msg);
        return -1;
    }
    return 0;
}

/* get_dist(c, map, key, required, allow_never, out): 1 set, 0 absent, -1 error. */
static int get_dist(ld *c, node *map, const char *key, int required, int allow_never,
                    cs_dist *out)
{
    node *v;
    int r = field(c, map, key, required, &v);
    if (r <= 0) return r;
    size_t pk = push_key(c, key);
    r = parse_dist(c, v, allow_never, 0, out) == 0 ? 1 : -1;
    pop(c, pk);
    return r;
}

/* ---- days -------------------------------------------------------------------------------- */

#define ALL_DAYS 0x7Fu

/* `days`: all | weekdays | weekends | a weekday, or a list of weekdays -> bit mask. */
static int v_days(ld *c, node *v, unsigned *mask)
{
    static const char *const hint = "expected days such as [mon, tue, wed], all, weekdays or "
                                    "weekends";
    cs_error e;
    int d;
    if (v->kind == CS_YDOC_SCALAR) {
        if (ieq(v->text, "all")) *mask = ALL_DAYS;
        else if (ieq(v->text, "weekdays")) *mask = 0x1Fu;
        else if (ieq(v->text, "weekends")) *mask = 0x60u;
        else if (cs_units_parse_weekday(v->text, &d, &e) == CS_OK) *mask = 1u << d;
        else {
            err_at(c, v, "%s, got '%s'", hint, v->text);
            return -1;
        }
        return 0;
    }
    if (v->kind != CS_YDOC_SEQ) {
        err_at(c, v, "%s, got %s", hint, cs_ydoc_kind_name(v->kind));
        return -1;
    }
    if (v->n_items == 0) {
        err_at(c, v, "the list of days is empty");
        return -1;
    }
    unsigned m = 0;
    int bad = 0;
    for (size_t i = 0; i < v->n_items; i++) {
        node *it = v->items[i];
        size_t pi = push_index(c, i);
        if (it->kind != CS_YDOC_SCALAR || cs_units_parse_weekday(it->text, &d, &e) != CS_OK) {
            if (it->kind == CS_YDOC_SCALAR) err_at(c, it, "%s", e.msg);
            else err_at(c, it, "expected a weekday such as mon, got %s",
                        cs_ydoc_kind_name(it->kind));
            bad = 1;
        } else if (m & (1u << d)) {
            err_at(c, it, "%s is listed twice", cs_units_weekday_name(d));
            bad = 1;
        } else {
            m |= 1u << d;
        }
        pop(c, pi);
    }
    if (bad) return -1;
    *mask = m;
    return 0;
}

static int get_days(ld *c, node *map, const char *key, unsigned *mask)
{
    node *v;
    *mask = ALL_DAYS;
    int r = field(c, map, key, 0, &v);
    if (r <= 0) return r;
    size_t pk = push_key(c, key);
    r = v_days(c, v, mask) == 0 ? 1 : -1;
    pop(c, pk);
    return r;
}

/* "07:30" or "07:30:15" for seconds after midnight (24:00 allowed). */
static void fmt_tod(double t, char *buf, size_t n)
{
    long s = lround(t);
    if (s % 60)
        snprintf(buf, n, "%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, n, "%02ld:%02ld", s / 3600, s / 60 % 60);
}

/* "Mon 02:00-06:00", "Sun 22:00-Mon 06:00": a period of the week [a, b), b may be <= a when
 * it wraps past Sunday midnight. */
static void fmt_period(double a, double b, char *buf, size_t n)
{
    char sa[48], sb[48];
    cs_units_format_instant(a, sa, sizeof sa);
    double day = floor(a / CS_DAY) * CS_DAY;
    if (b > a && b <= day + CS_DAY) {
        fmt_tod(b - day, sb, sizeof sb);
    } else {
        cs_units_format_instant(fmod(b, CS_WEEK), sb, sizeof sb);
    }
    snprintf(buf, n, "%s-%s", sa, sb);
}

/* ---- profiles and demand ----------------------------------------------------------------- */

typedef struct weights {
    double slot_len;
    size_t n;
    double *w;
} weights;

static int alloc_weights(ld *c, weights *w, double slot_len)
{
    w->slot_len = slot_len;
    w->n = (size_t)lround(CS_WEEK / slot_len);
    w->w = calloc(w->n, sizeof *w->w);
    if (!w->w) {
        oom(c);
        return -1;
    }
    return 0;
}

/* A list of exactly n plain weights into dst[0..n). */
static int weight_list(ld *c, node *v, size_t n, const char *what, double *dst)
{
    if (v->kind != CS_YDOC_SEQ || v->n_items != n) {
        if (v->kind == CS_YDOC_SEQ)
            err_at(c, v, "expected %zu %s, got %zu", n, what, v->n_items);
        else
            err_at(c, v, "expected a list of %zu %s, got %s", n, what,
                   cs_ydoc_kind_name(v->kind));
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        size_t pi = push_index(c, i);
        if (v_number(c, v->items[i], "a weight", &dst[i]) != 0) bad = 1;
        pop(c, pi);
    }
    return bad ? -1 : 0;
}

static int inline_profile(ld *c, node *p, weights *out)
{
    static const char *const keys[] = {"hours", "days", "week", NULL};
    check_keys(c, p, keys);
    node *hv = cs_ydoc_get(p, "hours"), *wv = cs_ydoc_get(p, "week"), *dv = cs_ydoc_get(p, "days");
    if ((hv != NULL) == (wv != NULL)) {
        err_at(c, p, "a profile needs either hours: [24 weights] (with optional days:) or "
               "week: [168 weights]%s", hv ? ", not both" : "");
        return -1;
    }
    if (alloc_weights(c, out, 3600.0) != 0) return -1;
    int bad = 0;
    if (wv) {
        if (dv) {
            size_t pk = push_key(c, "days");
            err_at(c, dv, "days: only goes with hours:, a week: profile already covers every "
                   "day");
            pop(c, pk);
            bad = 1;
        }
        size_t pk = push_key(c, "week");
        if (weight_list(c, wv, 168, "hourly weights (Monday 00:00 first)", out->w) != 0) bad = 1;
        pop(c, pk);
        return bad ? -1 : 0;
    }
    double hours[24], days[7] = {1, 1, 1, 1, 1, 1, 1};
    size_t pk = push_key(c, "hours");
    if (weight_list(c, hv, 24, "hourly weights (00:00 first)", hours) != 0) bad = 1;
    pop(c, pk);
    if (dv) {
        pk = push_key(c, "days");
        if (need_kind(c, dv, CS_YDOC_MAP, "a mapping of weekday weights such as {sat: 0.8, "
                      "sun: 0.7}") != 0) {
            bad = 1;
        } else {
            unsigned seen = 0;
            for (size_t i = 0; i < dv->n_pairs; i++) {
                node *k = dv->pairs[i].key, *val = dv->pairs[i].val;
                size_t pk2 = push_key(c, k->text);
                int d;
                cs_error e;
                if (cs_units_parse_weekday(k->text, &d, &e) != CS_OK) {
                    err_at(c, k, "%s", e.msg);
                    bad = 1;
                } else if (seen & (1u << d)) {
                    err_at(c, k, "%s is given twice", cs_units_weekday_name(d));
                    bad = 1;
                } else {
                    seen |= 1u << d;
                    if (val->kind == CS_YDOC_NULL) {
                        err_at(c, val, "missing weight for %s", cs_units_weekday_name(d));
                        bad = 1;
                    } else if (v_number(c, val, "a weight", &days[d]) != 0) {
                        bad = 1;
                    }
                }
                pop(c, pk2);
            }
        }
        pop(c, pk);
    }
    if (bad) return -1;
    for (size_t d = 0; d < 7; d++)
        for (size_t h = 0; h < 24; h++) out->w[d * 24 + h] = days[d] * hours[h];
    return 0;
}

/* A profile CSV: columns day (optional), hour or time, weight.  Problems in the file are
 * reported in the file (line = physical line of the record, message quotes the row). */
static int csv_profile(ld *c, node *p, double interval, weights *out)
{
    char path[MAX_PATH];
    join_path(path, sizeof path, p->file, p->text);
    const char *ipath = cs_ydoc_intern(c->doc, path);
    if (!ipath) {
        oom(c);
        return -1;
    }
    cs_csv *csv = NULL;
    cs_error e;
    cs_status st = cs_csv_open(ipath, ',', &csv, &e);
    if (st == CS_ENOMEM) {
        oom(c);
        return -1;
    }
    if (st != CS_OK) {
        err_at(c, p, "cannot read profile CSV '%s' (looked for %s): %s; profile paths are "
               "relative to the scenario file", p->text, ipath, e.msg);
        return -1;
    }
    add_file(c, ipath);
    int bad = 0;
    st = cs_csv_read_header(csv, &e);
    if (st != CS_OK) {
        if (st == CS_ENOMEM) oom(c);
        else err_pos(c, ipath, 1, 1, "%s", e.msg);
        cs_csv_close(csv);
        return -1;
    }
    int col_day = -1, col_hour = -1, col_time = -1, col_w = -1;
    for (size_t i = 0; i < cs_csv_ncolumns(csv); i++) {
        const char *name = cs_csv_column_name(csv, i);
        int *slot = ieq(name, "day") ? &col_day : ieq(name, "hour") ? &col_hour
                    : ieq(name, "time") ? &col_time : ieq(name, "weight") ? &col_w : NULL;
        if (!slot) {
            err_pos(c, ipath, 1, 1, "row 1: unknown column '%s'; a profile CSV has the columns "
                    "day (optional), hour or time, and weight", name);
            bad = 1;
        } else if (*slot >= 0) {
            err_pos(c, ipath, 1, 1, "row 1: column '%s' appears twice", name);
            bad = 1;
        } else {
            *slot = (int)i;
        }
    }
    if (col_w < 0 || (col_hour < 0) == (col_time < 0)) {
        err_pos(c, ipath, 1, 1, "row 1: a profile CSV needs a weight column and either an hour "
                "(0-23) or a time (HH:MM) column");
        bad = 1;
    }
    if (bad) {
        cs_csv_close(csv);
        return -1;
    }
    double slot = col_time >= 0 ? interval : 3600.0;
    if (alloc_weights(c, out, slot) != 0) {
        cs_csv_close(csv);
        return -1;
    }
    long *row_of = calloc(out->n, sizeof *row_of);   /* which row set each slot */
    if (!row_of) {
        oom(c);
        cs_csv_close(csv);
        return -1;
    }
    size_t per_day = out->n / 7;
    char ival[32];
    cs_units_format_duration(interval, ival, sizeof ival);
    for (;;) {
        int got;
        st = cs_csv_next(csv, &got, &e);
        if (st != CS_OK) {
            if (st == CS_ENOMEM) oom(c);
            else err_pos(c, ipath, (unsigned)cs_csv_line(csv), 1, "%s", e.msg);
            bad = 1;
            break;
        }
        if (!got) break;
        long row = cs_csv_row(csv);
        unsigned line = (unsigned)cs_csv_line(csv);
        if (cs_csv_nfields(csv) != cs_csv_ncolumns(csv)) {
            err_pos(c, ipath, line, 1, "row %ld has %zu fields, the header has %zu", row,
                    cs_csv_nfields(csv), cs_csv_ncolumns(csv));
            bad = 1;
            continue;
        }
        int d = -1;
        size_t k = 0;
        double w;
        int row_bad = 0;
        if (col_day >= 0 && cs_units_parse_weekday(cs_csv_field(csv, (size_t)col_day), &d, &e)) {
            err_pos(c, ipath, line, 1, "row %ld, column day: %s", row, e.msg);
            row_bad = 1;
        }
        if (col_hour >= 0) {
            long h;
            if (cs_units_parse_count(cs_csv_field(csv, (size_t)col_hour), 0, 23, &h, &e)) {
                err_pos(c, ipath, line, 1, "row %ld, column hour: %s", row, e.msg);
                row_bad = 1;
            } else {
                k = (size_t)h;
            }
        } else {
            double t;
            const char *tt = cs_csv_field(csv, (size_t)col_time);
            if (cs_units_parse_time_of_day(tt, &t, &e)) {
                err_pos(c, ipath, line, 1, "row %ld, column time: %s", row, e.msg);
                row_bad = 1;
            } else if (t >= CS_DAY || fmod(t, interval) != 0.0) {
                err_pos(c, ipath, line, 1, "row %ld, column time: '%s' is not a multiple of the "
                        "scenario interval (%s) within the day", row, tt, ival);
                row_bad = 1;
            } else {
                k = (size_t)lround(t / interval);
            }
        }
        if (parse_decimal(cs_csv_field(csv, (size_t)col_w), &w) != 0) {
            err_pos(c, ipath, line, 1, "row %ld, column weight: expected a plain number such as "
                    "12 or 0.5, got '%s'", row, cs_csv_field(csv, (size_t)col_w));
            row_bad = 1;
        }
        if (row_bad) {
            bad = 1;
            continue;
        }
        for (int dd = 0; dd < 7; dd++) {
            if (d >= 0 && dd != d) continue;
            size_t idx = (size_t)dd * per_day + k;
            if (row_of[idx]) {
                char when[48];
                cs_units_format_instant((double)idx * slot, when, sizeof when);
                err_pos(c, ipath, line, 1, "row %ld gives %s%s again (already given on row "
                        "%ld)", row, d >= 0 ? "" : "every day's ", d >= 0 ? when : when + 4,
                        row_of[idx]);
                bad = 1;
                break;
            }
            row_of[idx] = row;
            out->w[idx] = w;
        }
    }
    free(row_of);
    cs_csv_close(csv);
    return bad ? -1 : 0;
}

static long gcd_long(long a, long b)
{
    while (b) {
        long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

typedef struct rate_row {
    node *at;
    unsigned days;
    long from, to;   /* seconds after midnight, whole minutes */
    double rate;
} rate_row;

/* `rates:` table -> slots.  The slot length is the largest that divides a day and every
 * from/to, so the table is represented exactly (times must be whole minutes, which bounds
 * the table at 10080 slots). */
static int rates_table(ld *c, node *tv, cs_profile *out)
{
    if (need_kind(c, tv, CS_YDOC_SEQ, "a list of rows such as [{days: [mon, tue], from: "
                  "\"07:00\", to: \"19:00\", rate: 120/h}]") != 0)
        return -1;
    if (tv->n_items == 0) {
        err_at(c, tv, "the rates table is empty");
        return -1;
    }
    size_t n = tv->n_items;
    rate_row *rows = calloc(n, sizeof *rows);
    if (!rows) {
        oom(c);
        return -1;
    }
    static const char *const keys[] = {"days", "from", "to", "rate", NULL};
    int bad = 0;
    long g = 86400;
    for (size_t i = 0; i < n; i++) {
        node *m = tv->items[i];
        size_t pi = push_index(c, i);
        rows[i].at = m;
        if (need_map(c, m, "a row such as {from: \"07:00\", to: \"19:00\", rate: 120/h}")) {
            bad = 1;
            pop(c, pi);
            continue;
        }
        check_keys(c, m, keys);
        double f = 0, t = 0;
        int rb = get_days(c, m, "days", &rows[i].days) < 0;
        rb |= get_with(c, m, "from", 1, v_tod, &f) != 1;
        rb |= get_with(c, m, "to", 1, v_tod, &t) != 1;
        rb |= get_with(c, m, "rate", 1, v_rate, &rows[i].rate) != 1;
        if (!rb) {
            if (fmod(f, 60.0) != 0.0 || fmod(t, 60.0) != 0.0) {
                err_at(c, m, "from and to must be whole minutes");
                rb = 1;
            } else if (f >= CS_DAY) {
                err_at(c, m, "from must be before 24:00");
                rb = 1;
            } else if (f == t) {
                err_at(c, m, "from and to are both %02ld:%02ld; for the whole day write "
                       "from: \"00:00\", to: \"24:00\"", (long)f / 3600, (long)f / 60 % 60);
                rb = 1;
            }
        }
        if (!rb) {
            rows[i].from = (long)f;
            rows[i].to = (long)t % 86400;
            g = gcd_long(g, rows[i].from);
            g = gcd_long(g, rows[i].to);
        }
        bad |= rb;
        pop(c, pi);
    }
    if (bad) {
        free(rows);
        return -1;
    }
    out->slot_len = (double)g;
    out->n_slots = (size_t)(604800 / g);
    out->rate = calloc(out->n_slots, sizeof *out->rate);
    size_t *owner = calloc(out->n_slots, sizeof *owner);
    if (!out->rate || !owner) {
        free(owner);
        free(rows);
        oom(c);
        return -1;
    }
    size_t per_day = (size_t)(86400 / g);
    for (size_t i = 0; i < n; i++) {
        size_t len = (size_t)((rows[i].to > rows[i].from ? rows[i].to - rows[i].from
                                                         : rows[i].to + 86400 - rows[i].from) / g);
        int reported = 0;
        for (int d = 0; d < 7 && !reported; d++) {
            if (!(rows[i].days & (1u << d))) continue;
            size_t start = (size_t)d * per_day + (size_t)(rows[i].from / g);
            for (size_t k = 0; k < len; k++) {
                size_t idx = (start + k) % out->n_slots;
                if (owner[idx]) {
                    char when[48];
                    cs_units_format_instant((double)idx * (double)g, when, sizeof when);
                    size_t pi = push_index(c, i);
                    err_at(c, rows[i].at, "this row overlaps row %zu (rates[%zu]) at %s; rows of "
                           "a rates table must not overlap", owner[idx], owner[idx] - 1, when);
                    pop(c, pi);
                    reported = 1;
                    bad = 1;
                    break;
                }
                owner[idx] = i + 1;
                out->rate[idx] = rows[i].rate;
            }
        }
    }
    free(owner);
    free(rows);
    return bad ? -1 : 0;
}

/* `arrivals:` -> line demand and daily coefficient of variation. */
static int parse_arrivals(ld *c, node *a, double interval, cs_line *L)
{
    static const char *const keys[] = {"rate", "per_day", "per_week", "rates", "profile",
                                       "overdispersion", NULL};
    if (need_map(c, a, "such as {rate: 2/s} or {per_day: 2200, profile: hours.csv}") != 0)
        return -1;
    size_t e0 = n_errors(c);
    check_keys(c, a, keys);
    double cv = 0;
    if (get_with(c, a, "overdispersion", 0, v_share, &cv) >= 0) L->daily_cv = cv;
    const char *kinds[4] = {"rate", "per_day", "per_week", "rates"};
    const cs_ydoc_pair *given[4];
    int n_given = 0, which = -1;
    for (int i = 0; i < 4; i++) {
        given[i] = cs_ydoc_find(a, kinds[i]);
        if (given[i] && given[i]->val->kind == CS_YDOC_NULL) given[i] = NULL;
        if (given[i]) {
            n_given++;
            if (which < 0) which = i;
        }
    }
    if (n_given != 1) {
        if (n_given == 0) {
            err_at(c, a, "arrivals needs one of rate, per_day, per_week or rates");
        } else {
            int second = which + 1;
            while (!given[second]) second++;
            char hint[300];
            conflict_hint(c, given[which]->key, kinds[which], given[second]->key,
                          kinds[second], hint, sizeof hint);
            err_at(c, conflict_at(c, given[which]->key, given[second]->key, a),
                   "arrivals takes only one of rate, per_day, per_week or rates, found "
                   "%s and %s%s", kinds[which], kinds[second], hint);
        }
        return -1;
    }
    node *pv = cs_ydoc_get(a, "profile");
    if (pv && which != 1 && which != 2) {
        size_t pk = push_key(c, "profile");
        err_at(c, pv, "profile only applies with per_day or per_week (it spreads a volume over "
               "the week)");
        pop(c, pk);
        return -1;
    }
    cs_profile *pr = &L->demand;
    if (which == 0) {
        double r;
        if (get_with(c, a, "rate", 1, v_rate, &r) != 1) return -1;
        pr->slot_len = CS_WEEK;
        pr->n_slots = 1;
        pr->rate = malloc(sizeof *pr->rate);
        if (!pr->rate) {
            oom(c);
            return -1;
        }
        pr->rate[0] = r;
    } else if (which == 3) {
        size_t pk = push_key(c, "rates");
        int r = rates_table(c, given[3]->val, pr);
        pop(c, pk);
        if (r != 0) return -1;
    } else {
        double vol;
        if (get_number(c, a, kinds[which], 1, "a number of calls", &vol) != 1) return -1;
        double week_vol = which == 1 ? 7.0 * vol : vol;
        weights w = {CS_WEEK, 1, NULL};
        int r = 0;
        if (pv) {
            size_t pk = push_key(c, "profile");
            if (pv->kind == CS_YDOC_SCALAR) r = csv_profile(c, pv, interval, &w);
            else if (pv->kind == CS_YDOC_MAP) r = inline_profile(c, pv, &w);
            else {
                err_at(c, pv, "expected a profile: a CSV file name, {hours: [24 weights]} or "
                       "{week: [168 weights]}, got %s", cs_ydoc_kind_name(pv->kind));
                r = -1;
            }
            if (r == 0) {
                double sum = 0;
                for (size_t i = 0; i < w.n; i++) sum += w.w[i];
                if (!(sum > 0)) {
                    err_at(c, pv, "the profile's weights are all zero; give the hours when calls "
                           "arrive a positive weight");
                    r = -1;
                } else {
                    for (size_t i = 0; i < w.n; i++)
                        w.w[i] = week_vol * (w.w[i] / sum) / w.slot_len;
                }
            }
            pop(c, pk);
        } else if (alloc_weights(c, &w, CS_WEEK) == 0) {
            w.w[0] = week_vol / CS_WEEK;
        } else {
            r = -1;
        }
        if (r != 0) {
            free(w.w);
            return -1;
        }
        pr->slot_len = w.slot_len;
        pr->n_slots = w.n;
        pr->rate = w.w;
    }
    return n_errors(c) > e0 ? -1 : 0;
}

/* ---- names ------------------------------------------------------------------------------- */

/* Index of a queue by name: a line's name is its main queue (index = line index), then the
 * extra queues.  -1 if unknown. */
static int queue_lookup(const ld *c, const char *name)
{
    for (size_t i = 0; i < c->n_lines; i++)
        if (c->line_name[i] && strcmp(c->line_name[i], name) == 0) return (int)i;
    for (size_t j = 0; j < c->n_xq; j++)
        if (c->xq_name[j] && strcmp(c->xq_name[j], name) == 0) return (int)(c->n_lines + j);
    return -1;
}

static int name_lookup(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0) return (int)i;
    return -1;
}

/* "unknown line or queue 'x' (did you mean ...)" over the lines and the extra queues. */
static void unknown_queue(ld *c, node *at, const char *name)
{
    size_t n = c->n_lines + c->n_xq;
    const char **all = malloc((n ? n : 1) * sizeof *all);
    if (!all) {
        oom(c);
        return;
    }
    for (size_t i = 0; i < c->n_lines; i++) all[i] = c->line_name[i];
    for (size_t j = 0; j < c->n_xq; j++) all[c->n_lines + j] = c->xq_name[j];
    unknown_name(c, at, "line or queue", name, all, n, "lines and queues");
    free(all);
}

/* A scalar naming a line: its index, or -1 (reported). */
static int v_line_ref(ld *c, node *v)
{
    if (need_kind(c, v, CS_YDOC_SCALAR, "a line name such as \"101\"") != 0) return -1;
    int i = name_lookup(c->line_name, c->n_lines, v->text);
    if (i < 0) unknown_name(c, v, "line", v->text, c->line_name, c->n_lines, "lines");
    return i;
}

/* Optional `line:` of a window or effect: 1 set, 0 absent (every line), -1 error. */
static int get_line_ref(ld *c, node *map, int *out)
{
    node *v;
    *out = -1;
    int r = field(c, map, "line", 0, &v);
    if (r <= 0) return r;
    size_t pk = push_key(c, "line");
    *out = v_line_ref(c, v);
    pop(c, pk);
    return *out >= 0 ? 1 : -1;
}

/* Reads the list `key` of the top level: each item must be a mapping with a unique name.
 * Fills *n, maps[] (NULL for a broken item) and names[] (NULL when missing, invalid or a
 * duplicate, so lookups find the first definition). */
static void collect(ld *c, node *root, const char *key, int required, const char *what,
                    const char *example, size_t *n, node ***maps, const char ***names)
{
    node *v;
    *n = 0;
    int r = field(c, root, key, required, &v);
    if (r <= 0) return;
    size_t pk = push_key(c, key);
    char expected[160];
    snprintf(expected, sizeof expected, "a list of %ss such as [%s, ...]", what, example);
    if (need_kind(c, v, CS_YDOC_SEQ, expected) != 0) {
        pop(c, pk);
        return;
    }
    if (v->n_items == 0 && required) {
        err_at(c, v, "at least one %s is needed", what);
        pop(c, pk);
        return;
    }
    *maps = calloc(v->n_items, sizeof **maps);
    *names = calloc(v->n_items, sizeof **names);
    if (!*maps || !*names) {
        oom(c);
        pop(c, pk);
        return;
    }
    *n = v->n_items;
    for (size_t i = 0; i < v->n_items; i++) {
        node *it = v->items[i];
        size_t pi = push_index(c, i);
        char ex[160];
        snprintf(ex, sizeof ex, "a %s such as %s", what, example);
        if (need_map(c, it, ex) == 0) {
            (*maps)[i] = it;
            node *nv;
            const char *name;
            if (field(c, it, "name", 1, &nv) == 1) {
                size_t pn = push_key(c, "name");
                if (v_name(c, nv, CS_NAME_MAX, &name) == 0) {
                    int j = name_lookup(*names, i, name);
                    if (j >= 0) {
                        node *first = cs_ydoc_get((*maps)[j], "name");
                        char where[300];
                        if (first->file == nv->file)
                            snprintf(where, sizeof where, "line %u", first->line);
                        else
                            snprintf(where, sizeof where, "%s:%u", first->file, first->line);
                        err_at(c, nv, "duplicate %s name '%s' (first defined at %s); names "
                               "must be unique", what, name, where);
                    } else {
                        (*names)[i] = name;
                    }
                }
                pop(c, pn);
            }
        }
        pop(c, pi);
    }
    pop(c, pk);
}

/* ---- lines ------------------------------------------------------------------------------- */

static void parse_capacity(ld *c, node *v, cs_line *L)
{
    static const char *const keys[] = {"trunks", "queue_places", NULL};
    if (need_map(c, v, "such as {trunks: 60, queue_places: 40}") != 0) return;
    check_keys(c, v, keys);
    long x;
    if (get_count(c, v, "trunks", 0, 1, 1000000000L, &x) == 1) L->trunks = x;
    if (get_count(c, v, "queue_places", 0, 0, 1000000000L, &x) == 1) L->queue_places = x;
}

static void parse_target(ld *c, node *v, cs_line *L)
{
    static const char *const keys[] = {"answer_within", "share", NULL};
    if (need_map(c, v, "such as {answer_within: 10s, share: 90%}") != 0) return;
    check_keys(c, v, keys);
    get_with(c, v, "answer_within", 0, v_dur, &L->target_within);
    get_with(c, v, "share", 0, v_share, &L->target_share);
}

static void parse_redial(ld *c, node *v, cs_line *L)
{
    static const char *const keys[] = {"probability", "delay", "max_attempts", NULL};
    if (need_map(c, v, "such as {probability: 30%, delay: 2m, max_attempts: 3}") != 0) return;
    check_keys(c, v, keys);
    get_with(c, v, "probability", 1, v_share, &L->redial.prob);
    get_dist(c, v, "delay", 1, 0, &L->redial.delay);
    long x;
    if (get_count(c, v, "max_attempts", 1, 1, 1000, &x) == 1) L->redial.max_attempts = (int)x;
}

static void parse_spill(ld *c, node *v, size_t li, cs_line *L)
{
    static const char *const keys[] = {"to", "share", "after", "per_minute", "max", "delay", NULL};
    if (need_map(c, v, "such as {to: \"999\", share: 5%}") != 0) return;
    check_keys(c, v, keys);
    node *tv;
    if (field(c, v, "to", 1, &tv) == 1) {
        size_t pk = push_key(c, "to");
        int to = v_line_ref(c, tv);
        if (to >= 0 && (size_t)to == li) {
            err_at(c, tv, "a line cannot spill over to itself; name another line");
            to = -1;
        }
        L->spill.to_line = to;
        pop(c, pk);
    }
    L->spill.max = 1.0;
    get_with(c, v, "share", 1, v_share, &L->spill.share);
    get_with(c, v, "after", 0, v_dur, &L->spill.after);
    get_with(c, v, "per_minute", 0, v_share, &L->spill.per_minute);
    get_with(c, v, "max", 0, v_share, &L->spill.max);
    if (get_dist(c, v, "delay", 0, 0, &L->spill.delay) == 0)
        cs_dist_deterministic(&L->spill.delay, 30.0, NULL);
}

static void parse_callback(ld *c, node *v, cs_line *L)
{
    static const char *const keys[] = {"offer_when_wait_over", "accept", "deadline", "expire",
                                       "reach", "attempts", "retry_after", "failed_attempt",
                                       "pool", NULL};
    if (need_map(c, v, "such as {offer_when_wait_over: 5m, accept: 50%, deadline: 1h}") != 0)
        return;
    check_keys(c, v, keys);
    cs_callback *cb = &L->callback;
    cb->enabled = 1;
    cb->expire = 86400.0;
    cb->reach = 1.0;
    cb->max_attempts = 1;
    cb->retry_after = 900.0;
    get_with(c, v, "offer_when_wait_over", 1, v_dur, &cb->offer_over);
    get_with(c, v, "accept", 1, v_share, &cb->accept);
    int rd = get_with(c, v, "deadline", 1, v_dur, &cb->deadline);
    int re = get_with(c, v, "expire", 0, v_dur, &cb->expire);
    get_with(c, v, "reach", 0, v_share, &cb->reach);
    long x;
    if (get_count(c, v, "attempts", 0, 1, 100, &x) == 1) cb->max_attempts = (int)x;
    get_with(c, v, "retry_after", 0, v_dur, &cb->retry_after);
    if (get_dist(c, v, "failed_attempt", 0, 0, &cb->fail_time) == 0)
        cs_dist_deterministic(&cb->fail_time, 60.0, NULL);
    if (rd == 1 && !(cb->deadline > 0)) {
        size_t pk = push_key(c, "deadline");
        err_at(c, cs_ydoc_get(v, "deadline"), "the callback deadline must be more than 0");
        pop(c, pk);
    } else if (rd == 1 && re >= 0 && cb->expire < cb->deadline) {
        char a[32], b[32];
        cs_units_format_duration(cb->expire, a, sizeof a);
        cs_units_format_duration(cb->deadline, b, sizeof b);
        node *at = re == 1 ? cs_ydoc_get(v, "expire") : v;
        size_t pk = push_key(c, "expire");
        err_at(c, at, "callbacks expire after %s, before their deadline of %s; expire must not "
               "be shorter than deadline", a, b);
        pop(c, pk);
    }
    node *pv;
    if (field(c, v, "pool", 0, &pv) == 1) {
        size_t pk = push_key(c, "pool");
        if (need_kind(c, pv, CS_YDOC_SCALAR, "a pool name") == 0) {
            cb->pool = name_lookup(c->pool_name, c->n_pools, pv->text);
            if (cb->pool < 0)
                unknown_name(c, pv, "pool", pv->text, c->pool_name, c->n_pools, "pools");
        }
        pop(c, pk);
    }
}

static void parse_transfer(ld *c, node *v, size_t li)
{
    static const char *const keys[] = {"share", "queue", NULL};
    if (need_map(c, v, "such as {share: 30%, queue: crb}") != 0) return;
    check_keys(c, v, keys);
    double share;
    node *qv;
    int rs = get_with(c, v, "share", 1, v_share, &share);
    if (field(c, v, "queue", 1, &qv) != 1) return;
    size_t pk = push_key(c, "queue");
    if (need_kind(c, qv, CS_YDOC_SCALAR, "a queue name") == 0) {
        int j = name_lookup(c->xq_name, c->n_xq, qv->text);
        if (j < 0 && name_lookup(c->line_name, c->n_lines, qv->text) >= 0)
            err_at(c, qv, "'%s' is a line; a transfer goes to a queue defined under queues: "
                   "(the second leg, with its own handle time)", qv->text);
        else if (j < 0)
            unknown_name(c, qv, "queue", qv->text, c->xq_name, c->n_xq, "queues under queues:");
        else if (rs == 1) {
            c->transfer[li].queue = (int)(c->n_lines + (size_t)j);
            c->transfer[li].share = share;
            c->xfer_node[li] = qv;
        }
    }
    pop(c, pk);
}

static void parse_ivr(ld *c, node *v, size_t li, cs_line *L)
{
    static const char *const keys[] = {"time", "abandon", "deflect", "options", NULL};
    static const char *const okeys[] = {"name", "share", "queue", NULL};
    if (need_map(c, v, "such as {time: 45s, options: [...]}") != 0) return;
    check_keys(c, v, keys);
    cs_ivr *ivr = &L->ivr;
    ivr->enabled = 1;
    get_dist(c, v, "time", 1, 0, &ivr->time);
    int ra = get_with(c, v, "abandon", 0, v_share, &ivr->abandon);
    int rd = get_with(c, v, "deflect", 0, v_share, &ivr->deflect);
    if (ra >= 0 && rd >= 0 && ivr->abandon + ivr->deflect > 1.0 + SHARE_TOL)
        err_at(c, v, "abandon (%.6g%%) and deflect (%.6g%%) add up to %.6g%%, more than 100%% "
               "of callers", ivr->abandon * 100, ivr->deflect * 100,
               (ivr->abandon + ivr->deflect) * 100);
    node *ov;
    int ro = field(c, v, "options", 0, &ov);
    if (ro == 0) {
        ivr->routes = calloc(1, sizeof *ivr->routes);
        if (!ivr->routes) {
            oom(c);
            return;
        }
        ivr->n_routes = 1;
        snprintf(ivr->routes[0].name, CS_NAME_MAX, "%s", L->name);
        ivr->routes[0].share = 1.0;
        ivr->routes[0].queue = (int)li;
        return;
    }
    size_t pk = push_key(c, "options");
    if (need_kind(c, ov, CS_YDOC_SEQ, "a list of options such as [{name: crime, share: 40%, "
                  "queue: crime}, ...]") != 0 ||
        ov->n_items == 0) {
        if (ov->kind == CS_YDOC_SEQ) err_at(c, ov, "options is empty; leave it out to send "
                                            "everyone to the main queue");
        pop(c, pk);
        return;
    }
    ivr->routes = calloc(ov->n_items, sizeof *ivr->routes);
    if (!ivr->routes) {
        oom(c);
        pop(c, pk);
        return;
    }
    ivr->n_routes = ov->n_items;
    double sum = 0;
    int bad = 0;
    for (size_t i = 0; i < ov->n_items; i++) {
        node *m = ov->items[i];
        size_t pi = push_index(c, i);
        cs_ivr_route *r = &ivr->routes[i];
        r->queue = (int)li;
        if (need_map(c, m, "an option such as {name: crime, share: 40%, queue: crime}") != 0) {
            bad = 1;
            pop(c, pi);
            continue;
        }
        check_keys(c, m, okeys);
        node *nv, *qv;
        const char *name;
        if (field(c, m, "name", 1, &nv) == 1) {
            size_t pn = push_key(c, "name");
            if (v_name(c, nv, CS_NAME_MAX, &name) == 0) {
                for (size_t j = 0; j < i; j++)
                    if (strcmp(ivr->routes[j].name, name) == 0) {
                        err_at(c, nv, "duplicate IVR option name '%s'", name);
                        break;
                    }
                snprintf(r->name, CS_NAME_MAX, "%s", name);
            }
            pop(c, pn);
        }
        if (get_with(c, m, "share", 1, v_share, &r->share) != 1) bad = 1;
        sum += r->share;
        if (field(c, m, "queue", 0, &qv) == 1) {
            size_t pq = push_key(c, "queue");
            if (need_kind(c, qv, CS_YDOC_SCALAR, "a queue name") == 0) {
                int q = queue_lookup(c, qv->text);
                if (q < 0) unknown_queue(c, qv, qv->text);
                else r->queue = q;
            }
            pop(c, pq);
        }
        pop(c, pi);
    }
    if (!bad && fabs(sum - 1.0) > SHARE_TOL)
        err_at(c, ov, "IVR option shares add up to %.6g%%, they must add up to 100%% (of the "
               "callers who neither abandon nor are deflected)", sum * 100);
    pop(c, pk);
}

static void parse_line(ld *c, size_t i, double interval)
{
    static const char *const keys[] = {"name", "priority", "arrivals", "capacity", "ivr",
                                       "handle", "wrap", "patience", "target", "redial",
                                       "spillover", "callback", "transfer", "allow_unstaffed",
                                       NULL};
    node *m = c->line_map[i];
    cs_line *L = &c->s->lines[i];
    cs_queue *Q = &c->s->queues[i];
    L->queue = (int)i;
    L->trunks = L->queue_places = -1;
    L->redial.max_attempts = 1;
    L->spill.to_line = -1;
    L->callback.pool = -1;
    L->target_within = 20.0;
    L->target_share = 0.8;
    Q->line = (int)i;
    Q->transfer_queue = -1;
    cs_dist_deterministic(&Q->wrap, 0.0, NULL);
    if (!m) return;
    size_t e0 = n_errors(c);
    size_t p0 = push_key(c, "lines");
    push_index(c, i);
    check_keys(c, m, keys);
    if (c->line_name[i]) {
        snprintf(L->name, CS_NAME_MAX, "%s", c->line_name[i]);
        snprintf(Q->name, CS_NAME_MAX, "%s", c->line_name[i]);
    }
    node *v;
    if (field(c, m, "priority", 0, &v) == 1) {
        size_t pk = push_key(c, "priority");
        v_int(c, v, 1000000, &L->priority);
        Q->priority = L->priority;
        pop(c, pk);
    }
    if (field(c, m, "arrivals", 1, &v) == 1) {
        size_t pk = push_key(c, "arrivals");
        parse_arrivals(c, v, interval, L);
        pop(c, pk);
    }
    if (field(c, m, "capacity", 0, &v) == 1) {
        size_t pk = push_key(c, "capacity");
        parse_capacity(c, v, L);
        pop(c, pk);
    }
    get_dist(c, m, "handle", 1, 0, &Q->handle);
    cs_dist w;
    if (get_dist(c, m, "wrap", 0, 0, &w) == 1) Q->wrap = w;   /* the default owns nothing */
    get_dist(c, m, "patience", 0, 1, &L->patience);
    struct {
        const char *key;
        int which;
    } const parts[] = {{"target", 0}, {"redial", 1}, {"spillover", 2}, {"callback", 3},
                       {"transfer", 4}, {"ivr", 5}};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        if (field(c, m, parts[k].key, 0, &v) != 1) continue;
        size_t pk = push_key(c, parts[k].key);
        switch (parts[k].which) {
        case 0: parse_target(c, v, L); break;
        case 1: parse_redial(c, v, L); break;
        case 2: parse_spill(c, v, i, L); break;
        case 3: parse_callback(c, v, L); break;
        case 4: parse_transfer(c, v, i); break;
        default: parse_ivr(c, v, i, L); break;
        }
        pop(c, pk);
    }
    get_bool(c, m, "allow_unstaffed", &c->allow_unstaffed[i]);
    c->line_ok[i] = n_errors(c) == e0 && c->line_name[i] != NULL;
    pop(c, p0);
}

/* ---- extra queues ------------------------------------------------------------------------ */

static void parse_queue(ld *c, size_t j)
{
    static const char *const keys[] = {"name", "line", "priority", "handle", "wrap", "patience",
                                       NULL};
    node *m = c->xq_map[j];
    cs_queue *Q = &c->s->queues[c->n_lines + j];
    Q->transfer_queue = -1;
    cs_dist_deterministic(&Q->wrap, 0.0, NULL);
    if (!m) return;
    size_t p0 = push_key(c, "queues");
    push_index(c, j);
    check_keys(c, m, keys);
    if (c->xq_name[j]) snprintf(Q->name, CS_NAME_MAX, "%s", c->xq_name[j]);
    node *v;
    if (field(c, m, "line", 1, &v) == 1) {
        size_t pk = push_key(c, "line");
        int li = v_line_ref(c, v);
        if (li >= 0) {
            Q->line = li;
            Q->priority = c->s->lines[li].priority;
        }
        pop(c, pk);
    }
    if (field(c, m, "priority", 0, &v) == 1) {
        size_t pk = push_key(c, "priority");
        v_int(c, v, 1000000, &Q->priority);
        pop(c, pk);
    }
    get_dist(c, m, "handle", 1, 0, &Q->handle);
    cs_dist w;
    if (get_dist(c, m, "wrap", 0, 0, &w) == 1) Q->wrap = w;
    if (get_dist(c, m, "patience", 0, 1, &Q->patience) == 1) Q->has_patience = 1;
    pop(c, p0);
}

/* ---- pools and rosters ------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

/* Handlers on duty at time t (seconds into the week, before rounding). */
static double on_duty(const cs_shift *sh, size_t n, double shrink, double t)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double per = sh[i].staff * (1.0 - sh[i].break_time / sh[i].length) * (1.0 - shrink);
        for (int d = 0; d < 7; d++) {
            if (!(sh[i].days & (1u << d))) continue;
            double since = fmod(t - (d * CS_DAY + sh[i].start) + CS_WEEK, CS_WEEK);
            if (since < sh[i].length) sum += per;
        }
    }
    return sum;
}

/* Rounding half up; the tolerance keeps a true x.5 that floating point computed as
 * x.4999999999 on the side the format promises. */
static int round_staff(double x)
{
    return (int)floor(x + 0.5 + 1e-9);
}

/* Roster -> step function over one week: evaluated at every shift edge, equal consecutive
 * levels merged, at[0] == 0. */
static int build_staffing(ld *c, cs_pool *P)
{
    size_t cap = 1 + 14 * P->n_shifts;
    double *edge = malloc(cap * sizeof *edge);
    if (!edge) {
        oom(c);
        return -1;
    }
    size_t ne = 0;
    edge[ne++] = 0.0;
    for (size_t i = 0; i < P->n_shifts; i++)
        for (int d = 0; d < 7; d++) {
            if (!(P->shifts[i].days & (1u << d))) continue;
            double t0 = d * CS_DAY + P->shifts[i].start;
            edge[ne++] = fmod(t0, CS_WEEK);
            edge[ne++] = fmod(t0 + P->shifts[i].length, CS_WEEK);
        }
    qsort(edge, ne, sizeof *edge, cmp_double);
    P->staffing.at = malloc(ne * sizeof *P->staffing.at);
    P->staffing.level = malloc(ne * sizeof *P->staffing.level);
    if (!P->staffing.at || !P->staffing.level) {
        free(edge);
        oom(c);
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < ne; i++) {
        if (i > 0 && edge[i] == edge[i - 1]) continue;
        int lv = round_staff(on_duty(P->shifts, P->n_shifts, P->shrinkage, edge[i]));
        if (n > 0 && P->staffing.level[n - 1] == lv) continue;
        P->staffing.at[n] = edge[i];
        P->staffing.level[n] = lv;
        n++;
    }
    P->staffing.n = n;
    free(edge);
    return 0;
}

static int parse_shift(ld *c, node *m, cs_shift *sh)
{
    static const char *const keys[] = {"name", "days", "start", "length", "staff", "breaks",
                                       NULL};
    if (need_map(c, m, "a shift such as {days: weekdays, start: \"07:00\", length: 10h, staff: "
                 "12, breaks: 45m}") != 0)
        return -1;
    size_t e0 = n_errors(c);
    check_keys(c, m, keys);
    if (cs_ydoc_find(m, "name")) {
        char label[CS_NAME_MAX];
        get_label(c, m, "shift", 0, label);
    }
    get_days(c, m, "days", &sh->days);
    if (get_with(c, m, "start", 1, v_tod, &sh->start) == 1 && sh->start >= CS_DAY) {
        size_t pk = push_key(c, "start");
        err_at(c, cs_ydoc_get(m, "start"), "a shift cannot start at 24:00; start it at 00:00 "
               "of the next day");
        pop(c, pk);
    }
    int rl = get_with(c, m, "length", 1, v_dur, &sh->length);
    if (rl == 1 && !(sh->length > 0 && sh->length <= CS_DAY)) {
        char a[32];
        cs_units_format_duration(sh->length, a, sizeof a);
        size_t pk = push_key(c, "length");
        err_at(c, cs_ydoc_get(m, "length"), "a shift must last more than 0 and at most 24h, got "
               "%s; split longer cover into several shifts", a);
        pop(c, pk);
        rl = -1;
    }
    get_number(c, m, "staff", 1, "a headcount", &sh->staff);
    if (get_with(c, m, "breaks", 0, v_dur, &sh->break_time) == 1 && rl == 1 &&
        sh->break_time >= sh->length) {
        char a[32], b[32];
        cs_units_format_duration(sh->break_time, a, sizeof a);
        cs_units_format_duration(sh->length, b, sizeof b);
        size_t pk = push_key(c, "breaks");
        err_at(c, cs_ydoc_get(m, "breaks"), "breaks (%s) must be shorter than the shift (%s); "
               "breaks is the total break time per handler per shift", a, b);
        pop(c, pk);
    }
    return n_errors(c) == e0 ? 0 : -1;
}

static void parse_pool_queues(ld *c, node *m, cs_pool *P)
{
    const cs_ydoc_pair *lp = cs_ydoc_find(m, "lines"), *qp = cs_ydoc_find(m, "queues");
    if (lp && lp->val->kind == CS_YDOC_NULL) lp = NULL;
    if (qp && qp->val->kind == CS_YDOC_NULL) qp = NULL;
    if (lp && qp) {
        size_t pk = push_key(c, "queues");
        err_at(c, qp->key, "give either lines: or queues: (they are the same list), not both");
        pop(c, pk);
        c->pools_lists_ok = 0;
        return;
    }
    if (!lp && !qp) {
        size_t pk = push_key(c, "lines");
        if (!was_typo(c, m, "lines") && !was_typo(c, m, "queues"))
            err_at(c, m, "missing key 'lines' (the lines or queues this pool answers)");
        pop(c, pk);
        c->pools_lists_ok = 0;
        return;
    }
    const char *key = lp ? "lines" : "queues";
    node *v = lp ? lp->val : qp->val;
    size_t pk = push_key(c, key);
    if (v->kind != CS_YDOC_SEQ || v->n_items == 0) {
        err_at(c, v, "expected a list of line names such as [\"101\", \"999\"], got %s",
               v->kind == CS_YDOC_SEQ ? "an empty list" : cs_ydoc_kind_name(v->kind));
        c->pools_lists_ok = 0;
        pop(c, pk);
        return;
    }
    P->queues = malloc(v->n_items * sizeof *P->queues);
    P->weights = malloc(v->n_items * sizeof *P->weights);
    if (!P->queues || !P->weights) {
        oom(c);
        pop(c, pk);
        return;
    }
    for (size_t i = 0; i < v->n_items; i++) {
        node *it = v->items[i];
        size_t pi = push_index(c, i);
        int q = -1;
        if (it->kind != CS_YDOC_SCALAR) {
            err_at(c, it, "expected a list of line names such as [\"101\", \"999\"], found %s in "
                   "it", cs_ydoc_kind_name(it->kind));
        } else if ((q = queue_lookup(c, it->text)) < 0) {
            unknown_queue(c, it, it->text);
        } else {
            for (size_t j = 0; j < P->n_queues; j++)
                if (P->queues[j] == q) {
                    err_at(c, it, "'%s' is listed twice", it->text);
                    q = -2;
                    break;
                }
        }
        if (q >= 0) {
            P->queues[P->n_queues] = q;
            P->weights[P->n_queues] = 1.0;
            P->n_queues++;
        } else if (q == -1) {
            c->pools_lists_ok = 0;
        }
        pop(c, pi);
    }
    pop(c, pk);
}

static void parse_weights(ld *c, node *v, cs_pool *P)
{
    if (need_kind(c, v, CS_YDOC_MAP, "a mapping of weights such as {\"101\": 1, \"999\": 3}"))
        return;
    int bad = 0;
    for (size_t i = 0; i < v->n_pairs; i++) {
        node *k = v->pairs[i].key, *val = v->pairs[i].val;
        size_t pk = push_key(c, k->text);
        int q = queue_lookup(c, k->text);
        size_t j = 0;
        while (q >= 0 && j < P->n_queues && P->queues[j] != q) j++;
        if (q < 0) {
            unknown_queue(c, k, k->text);
            bad = 1;
        } else if (j == P->n_queues) {
            err_at(c, k, "'%s' is not one of this pool's lines, so it cannot have a weight",
                   k->text);
            bad = 1;
        } else if (v_number(c, val, "a weight", &P->weights[j]) != 0) {
            bad = 1;
        }
        pop(c, pk);
    }
    double sum = 0;
    for (size_t j = 0; j < P->n_queues; j++) sum += P->weights[j];
    if (!bad && P->n_queues > 0 && !(sum > 0))
        err_at(c, v, "the weights are all zero; a weighted pool needs a positive weight for at "
               "least one line");
}

static void parse_pool(ld *c, size_t k)
{
    static const char *const keys[] = {"name", "lines", "queues", "pick", "weights", "staff",
                                       "roster", "shrinkage", NULL};
    static const char *const picks[] = {"priority", "weighted", NULL};
    node *m = c->pool_map[k];
    cs_pool *P = &c->s->pools[k];
    if (!m) {
        c->pools_lists_ok = c->pools_staff_ok = 0;
        return;
    }
    size_t p0 = push_key(c, "pools");
    push_index(c, k);
    check_keys(c, m, keys);
    if (c->pool_name[k]) snprintf(P->name, CS_NAME_MAX, "%s", c->pool_name[k]);
    parse_pool_queues(c, m, P);
    node *v;
    if (field(c, m, "pick", 0, &v) == 1) {
        size_t pk = push_key(c, "pick");
        if (v->kind == CS_YDOC_SCALAR && ieq(v->text, "weighted")) P->rule = CS_PICK_WEIGHTED;
        else if (v->kind == CS_YDOC_SCALAR && ieq(v->text, "priority")) P->rule = CS_PICK_PRIORITY;
        else if (v->kind == CS_YDOC_SCALAR && suggest(v->text, picks, 2))
            err_at(c, v, "unknown pick rule '%s' (did you mean '%s'?)", v->text,
                   suggest(v->text, picks, 2));
        else
            err_at(c, v, "expected pick: priority or pick: weighted");
        pop(c, pk);
    }
    if (field(c, m, "weights", 0, &v) == 1) {
        size_t pk = push_key(c, "weights");
        if (P->rule != CS_PICK_WEIGHTED)
            err_at(c, v, "weights only apply with pick: weighted");
        else
            parse_weights(c, v, P);
        pop(c, pk);
    }
    size_t e0 = n_errors(c);
    if (get_with(c, m, "shrinkage", 0, v_share, &P->shrinkage) == 1 && P->shrinkage >= 1.0) {
        size_t pk = push_key(c, "shrinkage");
        err_at(c, cs_ydoc_get(m, "shrinkage"), "shrinkage must be below 100%%: it is the share "
               "of rostered time lost");
        pop(c, pk);
    }
    const cs_ydoc_pair *sp = cs_ydoc_find(m, "staff"), *rp = cs_ydoc_find(m, "roster");
    if (sp && sp->val->kind == CS_YDOC_NULL) sp = NULL;
    if (rp && rp->val->kind == CS_YDOC_NULL) rp = NULL;
    if (sp && rp) {
        char hint[300];
        conflict_hint(c, sp->key, "staff", rp->key, "roster", hint, sizeof hint);
        err_at(c, conflict_at(c, sp->key, rp->key, m),
               "pool '%s' has both staff: and roster:; give one of them%s", P->name, hint);
    } else if (!sp && !rp) {
        err_at(c, m, "pool '%s' needs staff: (a constant headcount) or roster: (a list of "
               "shifts)", P->name);
    } else if (sp) {
        double staff;
        if (get_number(c, m, "staff", 1, "a headcount", &staff) == 1 && n_errors(c) == e0) {
            P->staffing.at = malloc(sizeof *P->staffing.at);
            P->staffing.level = malloc(sizeof *P->staffing.level);
            if (!P->staffing.at || !P->staffing.level) {
                oom(c);
            } else {
                P->staffing.n = 1;
                P->staffing.at[0] = 0.0;
                P->staffing.level[0] = round_staff(staff * (1.0 - P->shrinkage));
            }
        }
    } else {
        node *rv = rp->val;
        size_t pk = push_key(c, "roster");
        if (need_kind(c, rv, CS_YDOC_SEQ, "a list of shifts such as [{days: weekdays, start: "
                      "\"07:00\", length: 10h, staff: 12}]") == 0) {
            if (rv->n_items == 0) err_at(c, rv, "the roster has no shifts");
            P->shifts = calloc(rv->n_items ? rv->n_items : 1, sizeof *P->shifts);
            if (!P->shifts) {
                oom(c);
            } else {
                P->n_shifts = rv->n_items;
                for (size_t i = 0; i < rv->n_items; i++) {
                    size_t pi = push_index(c, i);
                    parse_shift(c, rv->items[i], &P->shifts[i]);
                    pop(c, pi);
                }
            }
        }
        pop(c, pk);
        if (n_errors(c) == e0 && !c->oom) build_staffing(c, P);
    }
    if (n_errors(c) != e0 || P->staffing.n == 0) c->pools_staff_ok = 0;
    pop(c, p0);
}

/* ---- windows: surges, technology, outages ------------------------------------------------ */

/* start + (length | end) -> w.  need_start: a window without start is an error (else it
 * means "the whole run" and *has is set to 0).  open_end: start without length/end runs to
 * the horizon.  Returns 0 or -1. */
static int parse_window(ld *c, node *m, int need_start, int open_end, double horizon,
                        cs_window *w, int *has)
{
    node *sv = cs_ydoc_get(m, "start"), *lv = cs_ydoc_get(m, "length"), *ev = cs_ydoc_get(m, "end");
    *has = 0;
    if (!sv) {
        if (need_start) {
            size_t pk = push_key(c, "start");
            err_at(c, m, "missing key 'start' (such as \"Fri 18:00\", \"day 5 18:00\" or 4d18h)");
            pop(c, pk);
            return -1;
        }
        if (lv || ev) {
            size_t pk = push_key(c, lv ? "length" : "end");
            err_at(c, lv ? lv : ev, "%s needs a start: (without start, it applies to the whole "
                   "run)", lv ? "length" : "end");
            pop(c, pk);
            return -1;
        }
        w->start = 0;
        w->end = horizon;
        return 0;
    }
    *has = 1;
    if (get_with(c, m, "start", 1, v_instant, &w->start) != 1) return -1;
    if (lv && ev) {
        size_t pk = push_key(c, "end");
        err_at(c, ev, "give either length: or end:, not both");
        pop(c, pk);
        return -1;
    }
    if (lv) {
        double len;
        if (get_with(c, m, "length", 1, v_dur, &len) != 1) return -1;
        if (!(len > 0)) {
            size_t pk = push_key(c, "length");
            err_at(c, lv, "length must be more than 0");
            pop(c, pk);
            return -1;
        }
        w->end = w->start + len;
    } else if (ev) {
        if (get_with(c, m, "end", 1, v_instant, &w->end) != 1) return -1;
        if (!(w->end > w->start)) {
            char a[48], b[48];
            cs_units_format_instant(w->start, a, sizeof a);
            cs_units_format_instant(w->end, b, sizeof b);
            size_t pk = push_key(c, "end");
            err_at(c, ev, "end (%s) must be after start (%s)", b, a);
            pop(c, pk);
            return -1;
        }
    } else if (open_end) {
        w->end = horizon > w->start ? horizon : w->start;
    } else {
        size_t pk = push_key(c, "length");
        err_at(c, m, "missing key 'length' (or end:): how long the window lasts");
        pop(c, pk);
        return -1;
    }
    return 0;
}

static void window_in_run(ld *c, node *m, const cs_window *w, double horizon, const char *what)
{
    if (w->weekly || w->start < horizon) return;
    char a[48], h[32];
    cs_units_format_instant(w->start, a, sizeof a);
    cs_units_format_duration(horizon, h, sizeof h);
    size_t pk = push_key(c, "start");
    err_at(c, cs_ydoc_get(m, "start"), "the %s starts at %s, after the end of the run (horizon "
           "%s), so it would never apply", what, a, h);
    pop(c, pk);
}

static void parse_surge(ld *c, node *m, double horizon, cs_window *w)
{
    static const char *const keys[] = {"name", "line", "start", "length", "end", "factor",
                                       "weekly", NULL};
    check_keys(c, m, keys);
    char label[CS_NAME_MAX];
    get_label(c, m, "surge", 0, label);
    int has;
    get_line_ref(c, m, &w->line);
    get_with(c, m, "factor", 1, v_mult, &w->factor);
    get_bool(c, m, "weekly", &w->weekly);
    if (parse_window(c, m, 1, 0, horizon, w, &has) != 0) return;
    if (w->weekly && w->end - w->start > CS_WEEK) {
        err_at(c, m, "a weekly surge must last at most a week");
        return;
    }
    window_in_run(c, m, w, horizon, "surge");
}

static void parse_effect(ld *c, node *m, size_t i, double horizon, cs_effect *f)
{
    static const char *const keys[] = {"name", "on", "factor", "line", "start", "length", "end",
                                       NULL};
    check_keys(c, m, keys);
    get_label(c, m, "technology", i, f->name);
    node *v;
    if (field(c, m, "on", 1, &v) == 1) {
        size_t pk = push_key(c, "on");
        if (v->kind == CS_YDOC_SCALAR && ieq(v->text, "handle")) f->on = CS_EFFECT_HANDLE;
        else if (v->kind == CS_YDOC_SCALAR && ieq(v->text, "wrap")) f->on = CS_EFFECT_WRAP;
        else err_at(c, v, "expected on: handle or on: wrap");
        pop(c, pk);
    }
    get_with(c, m, "factor", 1, v_mult, &f->window.factor);
    f->factor = f->window.factor;
    get_line_ref(c, m, &f->line);
    f->window.line = f->line;
    if (parse_window(c, m, 0, 1, horizon, &f->window, &f->has_window) == 0 && f->has_window)
        window_in_run(c, m, &f->window, horizon, "technology change");
}

static void parse_outage(ld *c, node *m, size_t i, double horizon, cs_outage *o)
{
    static const char *const keys[] = {"name", "start", "length", "end", "effect", "line", NULL};
    check_keys(c, m, keys);
    get_label(c, m, "outage", i, o->name);
    o->kind = CS_OUTAGE_CUT_OFF;
    o->window.factor = 1.0;
    get_line_ref(c, m, &o->window.line);
    node *v;
    if (field(c, m, "effect", 0, &v) == 1) {
        size_t pk = push_key(c, "effect");
        if (v->kind == CS_YDOC_SCALAR && ieq(v->text, "cut_off")) {
            o->kind = CS_OUTAGE_CUT_OFF;
        } else if (v->kind == CS_YDOC_MAP) {
            static const char *const ek[] = {"handle", NULL};
            check_keys(c, v, ek);
            o->kind = CS_OUTAGE_SLOW;
            get_with(c, v, "handle", 1, v_mult, &o->window.factor);
        } else {
            err_at(c, v, "expected effect: cut_off or effect: {handle: 1.5}");
        }
        pop(c, pk);
    }
    int has;
    if (parse_window(c, m, 1, 0, horizon, &o->window, &has) == 0)
        window_in_run(c, m, &o->window, horizon, "outage");
}

/* A list of windows: each item through fn.  Allocates *arr (n items, zeroed). */
static void parse_list(ld *c, node *root, const char *key, size_t elem, void **arr, size_t *n,
                       double horizon, int kind)
{
    node *v;
    if (field(c, root, key, 0, &v) != 1) return;
    size_t pk = push_key(c, key);
    if (need_kind(c, v, CS_YDOC_SEQ, "a list") != 0 || v->n_items == 0) {
        pop(c, pk);
        return;
    }
    *arr = calloc(v->n_items, elem);
    if (!*arr) {
        oom(c);
        pop(c, pk);
        return;
    }
    *n = v->n_items;
    for (size_t i = 0; i < v->n_items; i++) {
        size_t pi = push_index(c, i);
        node *m = v->items[i];
        if (need_map(c, m, kind == 0 ? "a surge such as {line: \"999\", start: \"Fri 21:00\", "
                                       "length: 6h, factor: 1.6}"
                           : kind == 1 ? "a change such as {on: wrap, factor: 0.7}"
                                       : "an outage such as {start: \"Fri 18:00\", length: 2h}") ==
            0) {
            char *base = (char *)*arr + i * elem;
            if (kind == 0) parse_surge(c, m, horizon, (cs_window *)(void *)base);
            else if (kind == 1) parse_effect(c, m, i, horizon, (cs_effect *)(void *)base);
            else parse_outage(c, m, i, horizon, (cs_outage *)(void *)base);
        }
        pop(c, pi);
    }
    pop(c, pk);
}

/* ---- stage 3: cross checks --------------------------------------------------------------- */

static int pool_takes(const cs_pool *P, int q)
{
    for (size_t j = 0; j < P->n_queues; j++)
        if (P->queues[j] == q) return 1;
    return 0;
}

/* Every queue that can receive calls must be taken by some pool.  A line's main queue
 * receives calls unless its IVR sends everyone elsewhere (and no callback needs it). */
static void check_queues_taken(ld *c)
{
    cs_scn *s = c->s;
    size_t nq = c->n_lines + c->n_xq;
    for (size_t q = 0; q < nq; q++) {
        int used = 1;
        if (q < c->n_lines && s->lines[q].ivr.enabled) {
            used = s->lines[q].callback.enabled && s->lines[q].callback.pool < 0;
            for (size_t i = 0; i < c->n_lines && !used; i++)
                for (size_t r = 0; r < s->lines[i].ivr.n_routes; r++)
                    if (s->lines[i].ivr.routes[r].queue == (int)q) used = 1;
        }
        if (!used) continue;
        size_t k = 0;
        while (k < c->n_pools && !pool_takes(&s->pools[k], (int)q)) k++;
        if (k < c->n_pools) continue;
        if (q < c->n_lines) {
            if (!c->line_map[q] || !c->line_name[q]) continue;
            size_t p0 = push_key(c, "lines");
            push_index(c, q);
            err_at(c, c->line_map[q], "no pool takes line '%s', so nobody could answer its "
                   "calls; add \"%s\" to a pool's lines:", c->line_name[q], c->line_name[q]);
            pop(c, p0);
        } else {
            size_t j = q - c->n_lines;
            if (!c->xq_map[j] || !c->xq_name[j]) continue;
            size_t p0 = push_key(c, "queues");
            push_index(c, j);
            err_at(c, c->xq_map[j], "no pool takes queue '%s', so nobody could answer its calls; "
                   "add %s to a pool's lines:", c->xq_name[j], c->xq_name[j]);
            pop(c, p0);
        }
    }
}

/* A line's calls arrive at its entry queues (the main queue, or the IVR routes with a
 * positive share).  Finds the first period of the week in which the line has demand while
 * some entry queue has nobody on duty. */
static void check_roster(ld *c, size_t li)
{
    cs_scn *s = c->s;
    cs_line *L = &s->lines[li];
    if (L->demand.n_slots == 0) return;
    size_t cap = L->demand.n_slots + 1;
    for (size_t k = 0; k < c->n_pools; k++) cap += s->pools[k].staffing.n;
    double *t = malloc(cap * sizeof *t);
    int *bad = malloc(cap * sizeof *bad);
    int *qbad = malloc(cap * sizeof *qbad);   /* first unstaffed queue per segment */
    if (!t || !bad || !qbad) {
        free(t);
        free(bad);
        free(qbad);
        oom(c);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < L->demand.n_slots; i++) t[n++] = (double)i * L->demand.slot_len;
    for (size_t k = 0; k < c->n_pools; k++)
        for (size_t i = 0; i < s->pools[k].staffing.n; i++) t[n++] = s->pools[k].staffing.at[i];
    qsort(t, n, sizeof *t, cmp_double);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || t[i] != t[m - 1]) t[m++] = t[i];
    n = m;
    const cs_ivr_route one = {"", 1.0, (int)li};
    const cs_ivr_route *routes = L->ivr.enabled ? L->ivr.routes : &one;
    size_t n_routes = L->ivr.enabled ? L->ivr.n_routes : 1;
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        size_t slot = (size_t)(t[i] / L->demand.slot_len);
        bad[i] = 0;
        if (slot >= L->demand.n_slots || !(L->demand.rate[slot] > 0)) continue;
        for (size_t r = 0; r < n_routes && !bad[i]; r++) {
            if (!(routes[r].share > 0)) continue;
            int staffed = 0;
            for (size_t k = 0; k < c->n_pools && !staffed; k++)
                if (pool_takes(&s->pools[k], routes[r].queue) &&
                    cs_scn_staff_at(&s->pools[k], t[i]) > 0)
                    staffed = 1;
            if (!staffed) {
                bad[i] = 1;
                qbad[i] = routes[r].queue;
                any = 1;
            }
        }
    }
    if (any) {
        size_t a = 0;
        while (!bad[a]) a++;
        size_t b = a;
        while (b < n && bad[b]) b++;
        double start = t[a], end = b < n ? t[b] : CS_WEEK;
        char when[120];
        if (a == 0 && b == n) {
            snprintf(when, sizeof when, "all week");
        } else {
            if (a == 0 && bad[n - 1]) {   /* the period runs on from Sunday night */
                size_t z = n - 1;
                while (z > 0 && bad[z - 1]) z--;
                start = t[z];
            }
            fmt_period(start, end, when, sizeof when);
        }
        char which[CS_NAME_MAX + 24] = "";
        if (qbad[a] != (int)li) snprintf(which, sizeof which, " (queue '%s')",
                                         s->queues[qbad[a]].name);
        size_t p0 = push_key(c, "lines");
        push_index(c, li);
        err_at(c, c->line_map[li], "line '%s' has calls arriving %s but no handler on duty who "
               "can take them%s; add a shift or set allow_unstaffed: true", L->name, when, which);
        pop(c, p0);
    }
    free(t);
    free(bad);
    free(qbad);
}

/* ---- top level --------------------------------------------------------------------------- */

static int v_seed(ld *c, node *v, uint64_t *o)
{
    const char *t = v->kind == CS_YDOC_SCALAR ? v->text : "";
    uint64_t x = 0;
    int ok = t[0] != '\0';
    for (const char *p = t; *p && ok; p++) {
        if (*p < '0' || *p > '9') ok = 0;
        else if (x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) ok = 0;
        else x = x * 10 + (uint64_t)(*p - '0');
    }
    if (!ok) {
        err_at(c, v, "expected a seed: a whole number from 0 to 18446744073709551615, got %s%s%s",
               v->kind == CS_YDOC_SCALAR ? "'" : "",
               v->kind == CS_YDOC_SCALAR ? v->text : cs_ydoc_kind_name(v->kind),
               v->kind == CS_YDOC_SCALAR ? "'" : "");
        return -1;
    }
    *o = x;
    return 0;
}

static void parse_top(ld *c, node *root)
{
    cs_scn *s = c->s;
    node *v;
    const char *name;
    if (field(c, root, "name", 1, &v) == 1) {
        size_t pk = push_key(c, "name");
        if (v_name(c, v, sizeof s->name, &name) == 0) snprintf(s->name, sizeof s->name, "%s", name);
        pop(c, pk);
    }
    const char *desc = "";
    if (field(c, root, "description", 0, &v) == 1) {
        size_t pk = push_key(c, "description");
        if (need_kind(c, v, CS_YDOC_SCALAR, "text") == 0) desc = v->text;
        pop(c, pk);
    }
    s->description = strdup(desc);
    if (!s->description) oom(c);
    s->horizon = 8 * CS_DAY;
    int rh = get_with(c, root, "horizon", 0, v_dur, &s->horizon);
    if (rh == 1 && !(s->horizon > 0)) {
        size_t pk = push_key(c, "horizon");
        err_at(c, cs_ydoc_get(root, "horizon"), "the horizon must be more than 0");
        pop(c, pk);
        rh = -1;
    }
    s->warmup = s->horizon < 2 * CS_DAY ? 0 : CS_DAY;
    if (get_with(c, root, "warmup", 0, v_dur, &s->warmup) == 1 && rh >= 0 &&
        s->warmup >= s->horizon) {
        char a[32], b[32];
        cs_units_format_duration(s->warmup, a, sizeof a);
        cs_units_format_duration(s->horizon, b, sizeof b);
        size_t pk = push_key(c, "warmup");
        err_at(c, cs_ydoc_get(root, "warmup"), "warmup (%s) must be shorter than the horizon (%s), "
               "which includes it", a, b);
        pop(c, pk);
    }
    long x;
    s->replications = 10;
    if (get_count(c, root, "replications", 0, 1, 100000, &x) == 1) s->replications = (int)x;
    s->seed = 1;
    if (field(c, root, "seed", 0, &v) == 1) {
        size_t pk = push_key(c, "seed");
        v_seed(c, v, &s->seed);
        pop(c, pk);
    }
    s->interval = 900;
    if (get_with(c, root, "interval", 0, v_dur, &s->interval) == 1) {
        double iv = s->interval;
        int ok = iv >= 60 && iv == floor(iv) &&
                 (iv <= 3600 ? fmod(3600, iv) == 0
                             : fmod(iv, 3600) == 0 && fmod(CS_DAY, iv) == 0);
        if (!ok) {
            char a[32];
            cs_units_format_duration(iv, a, sizeof a);
            size_t pk = push_key(c, "interval");
            err_at(c, cs_ydoc_get(root, "interval"), "interval %s must divide the hour or be a "
                   "whole number of hours dividing the day: use 5m, 10m, 15m, 20m, 30m, 1h, 2h, "
                   "3h, 4h, 6h, 12h or 24h", a);
            pop(c, pk);
            s->interval = 900;
        }
    }
}

static void interpret(ld *c, node *root)
{
    static const char *const keys[] = {"name", "description", "base", "horizon", "warmup",
                                       "replications", "seed", "interval", "lines", "queues",
                                       "pools", "surges", "technology", "outages", NULL};
    if (root->kind != CS_YDOC_MAP) {
        err_at(c, root, "a scenario must be a mapping of keys such as name:, lines: and pools:, "
               "got %s", cs_ydoc_kind_name(root->kind));
        return;
    }
    check_keys(c, root, keys);
    cs_scn *s = c->s = calloc(1, sizeof *s);
    if (!s) {
        oom(c);
        return;
    }
    parse_top(c, root);
    collect(c, root, "lines", 1, "line", "{name: \"101\", arrivals: {rate: 120/h}, handle: 4m}",
            &c->n_lines, &c->line_map, &c->line_name);
    collect(c, root, "queues", 0, "queue", "{name: crb, line: \"101\", handle: 10m}", &c->n_xq,
            &c->xq_map, &c->xq_name);
    collect(c, root, "pools", 1, "pool", "{name: handlers, lines: [\"101\"], staff: 20}",
            &c->n_pools, &c->pool_map, &c->pool_name);
    if (c->oom) return;
    for (size_t j = 0; j < c->n_xq; j++) {
        if (!c->xq_name[j] || name_lookup(c->line_name, c->n_lines, c->xq_name[j]) < 0) continue;
        size_t p0 = push_key(c, "queues");
        push_index(c, j);
        push_key(c, "name");
        err_at(c, cs_ydoc_get(c->xq_map[j], "name"), "queue name '%s' is already taken by the "
               "line '%s' (every line has a main queue with its name); choose another name",
               c->xq_name[j], c->xq_name[j]);
        pop(c, p0);
        c->xq_name[j] = NULL;
    }
    size_t nq = c->n_lines + c->n_xq;
    s->lines = calloc(c->n_lines ? c->n_lines : 1, sizeof *s->lines);
    s->queues = calloc(nq ? nq : 1, sizeof *s->queues);
    s->pools = calloc(c->n_pools ? c->n_pools : 1, sizeof *s->pools);
    c->line_ok = calloc(c->n_lines ? c->n_lines : 1, sizeof *c->line_ok);
    c->allow_unstaffed = calloc(c->n_lines ? c->n_lines : 1, sizeof *c->allow_unstaffed);
    c->transfer = calloc(c->n_lines ? c->n_lines : 1, sizeof *c->transfer);
    c->xfer_node = calloc(c->n_lines ? c->n_lines : 1, sizeof *c->xfer_node);
    if (!s->lines || !s->queues || !s->pools || !c->line_ok || !c->allow_unstaffed ||
        !c->transfer || !c->xfer_node) {
        oom(c);
        return;
    }
    s->n_lines = c->n_lines;
    s->n_queues = nq;
    s->n_pools = c->n_pools;
    for (size_t i = 0; i < c->n_lines; i++) c->transfer[i].queue = -1;
    for (size_t i = 0; i < c->n_lines; i++) parse_line(c, i, s->interval);
    for (size_t j = 0; j < c->n_xq; j++) parse_queue(c, j);
    /* Transfers: every first-leg queue of the line passes on the share. */
    for (size_t i = 0; i < c->n_lines; i++)
        if (c->transfer[i].queue >= 0) s->queues[c->transfer[i].queue].is_transfer_leg = 1;
    for (size_t i = 0; i < c->n_lines; i++) {
        if (c->transfer[i].queue < 0) continue;
        for (size_t q = 0; q < nq; q++) {
            if (s->queues[q].line != (int)i || s->queues[q].is_transfer_leg) continue;
            s->queues[q].transfer_queue = c->transfer[i].queue;
            s->queues[q].transfer_share = c->transfer[i].share;
        }
    }
    c->pools_lists_ok = c->pools_staff_ok = 1;
    for (size_t k = 0; k < c->n_pools; k++) parse_pool(c, k);
    parse_list(c, root, "surges", sizeof(cs_window), (void **)&s->surges, &s->n_surges,
               s->horizon, 0);
    parse_list(c, root, "technology", sizeof(cs_effect), (void **)&s->effects, &s->n_effects,
               s->horizon, 1);
    parse_list(c, root, "outages", sizeof(cs_outage), (void **)&s->outages, &s->n_outages,
               s->horizon, 2);
    if (c->oom) return;
    if (c->pools_lists_ok && c->n_pools > 0) check_queues_taken(c);
    if (c->pools_lists_ok && c->pools_staff_ok && c->n_pools > 0)
        for (size_t i = 0; i < c->n_lines; i++)
            if (c->line_ok[i] && !c->allow_unstaffed[i]) check_roster(c, i);
}

/* ---- entry points ------------------------------------------------------------------------ */

typedef struct order {
    size_t rank, idx;
    unsigned line, col;
} order;

static int cmp_order(const void *a, const void *b)
{
    const order *x = a, *y = b;
    if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sorts this load's diagnostics into file order (the files in the order they were opened,
 * then line and column, stable), drops exact repeats (a node shared through an alias or a
 * merge can be reported twice) and appends them to out. */
static cs_status hand_over(ld *c, cs_diags *out)
{
    cs_diags *d = &c->diags;
    if (!out || d->n == 0) return CS_OK;
    order *o = malloc(d->n * sizeof *o);
    if (!o) return CS_ENOMEM;
    for (size_t i = 0; i < d->n; i++) {
        o[i].rank = file_rank(c, d->items[i].file);
        o[i].idx = i;
        o[i].line = d->items[i].line;
        o[i].col = d->items[i].col;
    }
    qsort(o, d->n, sizeof *o, cmp_order);
    cs_status st = CS_OK;
    const cs_diag *prev = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const cs_diag *g = &d->items[o[i].idx];
        if (prev && prev->line == g->line && prev->col == g->col &&
            strcmp(prev->file, g->file) == 0 && strcmp(prev->msg, g->msg) == 0 &&
            strcmp(prev->path, g->path) == 0)
            continue;
        prev = g;
        if (out->n == out->cap) {
            size_t nc = out->cap ? 2 * out->cap : 16;
            cs_diag *p = realloc(out->items, nc * sizeof *p);
            if (!p) {
                st = CS_ENOMEM;
                break;
            }
            out->items = p;
            out->cap = nc;
        }
        out->items[out->n++] = *g;
    }
    free(o);
    return st;
}

static void ld_fini(ld *c)
{
    free(c->line_map);
    free(c->line_name);
    free(c->xq_map);
    free(c->xq_name);
    free(c->pool_map);
    free(c->pool_name);
    free(c->line_ok);
    free(c->allow_unstaffed);
    free(c->transfer);
    free(c->xfer_node);
    free(c->files);
    free(c->typo);
    cs_diags_free(&c->diags);
    cs_ydoc_destroy(c->doc);
}

static cs_status load_text(const char *text, size_t len, const char *file, cs_scn **out,
                           cs_diags *diags)
{
    CS_REQUIRE(text && file && out);
    *out = NULL;
    ld c;
    memset(&c, 0, sizeof c);
    if (cs_ydoc_create(&c.doc) != CS_OK) return CS_ENOMEM;
    char (*chain)[MAX_PATH] = malloc(MAX_BASE_DEPTH * sizeof *chain);
    if (!chain) {
        ld_fini(&c);
        return CS_ENOMEM;
    }
    snprintf(chain[0], MAX_PATH, "%s", file);
    if (strlen(chain[0]) < MAX_PATH) normalize_path(chain[0]);
    cs_ydoc_node *root = load_tree(&c, text, len, file, chain, 0);
    free(chain);
    if (root && !c.oom) interpret(&c, root);
    cs_status st = c.oom ? CS_ENOMEM : c.diags.n ? CS_EINPUT : CS_OK;
    if (st == CS_OK && !c.s) st = CS_EINTERNAL;   /* a tree with no problem always builds */
    if (st == CS_ENOMEM)
        cs_ydoc_diag(&c.diags, file, 0, 0, "", "out of memory while loading the scenario");
    if (hand_over(&c, diags) != CS_OK) st = CS_ENOMEM;
    if (st == CS_OK) *out = c.s;
    else cs_scn_free(c.s);
    ld_fini(&c);
    return st;
}

cs_status cs_scn_load_string(const char *text, const char *virtual_path, cs_scn **out,
                             cs_diags *diags)
{
    CS_REQUIRE(text != NULL && out != NULL);
    return load_text(text, strlen(text), virtual_path ? virtual_path : "<string>", out, diags);
}

cs_status cs_scn_load(const char *path, cs_scn **out, cs_diags *diags)
{
    CS_REQUIRE(path != NULL && out != NULL);
    *out = NULL;
    char *text;
    size_t len;
    int e = read_file(path, &text, &len);
    if (e == ENOMEM) return CS_ENOMEM;
    if (e) {
        char why[128];
        errno_text(e, why, sizeof why);
        if (diags && cs_ydoc_diag(diags, path, 0, 0, "", "cannot read the scenario file: %s",
                                  why) != CS_OK)
            return CS_ENOMEM;
        return CS_EIO;
    }
    cs_status st = load_text(text, len, path, out, diags);
    free(text);
    return st;
}
