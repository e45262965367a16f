/* Scenario loader: the driver.  See io/scenario.h for the contract, notes in
 * io/scenario_int.h for how the loader is split into files, and README.md ("The scenario file")
 * for the format.
 *
 * Three stages:
 *   1. text -> document tree with positions (io/yamldoc.c), following `base:` chains and
 *      merging each variant on top of its base (here);
 *   2. interpretation of the merged tree into a cs_scn: every key is checked against the keys
 *      the format knows, every value parsed with io/units.h, names resolved to indexes
 *      (interpret() here, then the other scenario_*.c files);
 *   3. cross checks that need the whole scenario (queues nobody takes, demand when nobody is
 *      on duty; scenario_pools.c).
 * Every problem is recorded and the walk goes on with a default, so one load reports all the
 * mistakes in a file.  Cross checks that would only echo an earlier mistake (a pool whose
 * line list had an unknown name cannot be used to decide which queues are taken) are skipped
 * when the data they need is incomplete. */
#include "io/scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/override.h"
#include "io/scenario_int.h"
#include "io/units.h"
#include "io/yamldoc.h"

/* Largest scenario or base file read (a scenario is a page of text; this only stops a wrong
 * file name such as a call log from being slurped). */
#define MAX_FILE_BYTES ((size_t)16 << 20)
#define MAX_BASE_DEPTH 16

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

/* ---- diagnostics and the key path ----------------------------------------------------- */

void csi_scn_oom(ld *c)
{
    c->oom = 1;
}

static void diag_v(ld *c, const char *file, unsigned line, unsigned col, const char *fmt,
                   va_list ap) __attribute__((format(printf, 5, 0)));

static void diag_v(ld *c, const char *file, unsigned line, unsigned col, const char *fmt,
                   va_list ap)
{
    if (cs_ydoc_vdiag(&c->diags, file, line, col, c->path, fmt, ap) != CS_OK) csi_scn_oom(c);
}

void csi_scn_err_at(ld *c, node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_v(c, n->file, n->line, n->col, fmt, ap);
    va_end(ap);
}

void csi_scn_err_pos(ld *c, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_v(c, file, line, col, fmt, ap);
    va_end(ap);
}

size_t csi_scn_n_errors(const ld *c)
{
    return c->diags.n;
}

/* Key path stack: push returns the old length, pop restores it. */
size_t csi_scn_push_key(ld *c, const char *key)
{
    size_t old = c->plen;
    size_t room = sizeof c->path - c->plen;
    int k = snprintf(c->path + c->plen, room, "%s%s", c->plen ? "." : "", key);
    if (k > 0) c->plen += (size_t)k < room ? (size_t)k : room - 1;
    return old;
}

size_t csi_scn_push_index(ld *c, size_t i)
{
    size_t old = c->plen;
    size_t room = sizeof c->path - c->plen;
    int k = snprintf(c->path + c->plen, room, "[%zu]", i);
    if (k > 0) c->plen += (size_t)k < room ? (size_t)k : room - 1;
    return old;
}

void csi_scn_pop(ld *c, size_t old)
{
    c->plen = old;
    c->path[old] = '\0';
}

void csi_scn_add_file(ld *c, const char *file)
{
    for (size_t i = 0; i < c->n_files; i++)
        if (strcmp(c->files[i], file) == 0) return;
    if (c->n_files == c->cap_files) {
        size_t nc = c->cap_files ? 2 * c->cap_files : 8;
        const char **p = realloc(c->files, nc * sizeof *p);
        if (!p) {
            csi_scn_oom(c);
            return;
        }
        c->files = p;
        c->cap_files = nc;
    }
    c->files[c->n_files++] = file;
}

size_t csi_scn_file_rank(const ld *c, const char *file)
{
    for (size_t i = 0; i < c->n_files; i++)
        if (strcmp(c->files[i], file) == 0) return i;
    return c->n_files;
}
/* Lexical path handling: "a/b/../c.yaml" -> "a/c.yaml".  Done on text so that virtual
 * paths (cs_scn_load_string) and files that do not exist yet behave the same way. */
static void normalize_path(char *p)
{
    char out[CSI_SCN_MAX_PATH];
    size_t seg[CSI_SCN_MAX_PATH / 2];
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
void csi_scn_join_path(char *out, size_t n, const char *from, const char *rel)
{
    const char *slash = strrchr(from, '/');
    if (rel[0] == '/' || !slash)
        snprintf(out, n, "%s", rel);
    else
        snprintf(out, n, "%.*s/%s", (int)(slash - from), from, rel);
    if (strlen(out) < CSI_SCN_MAX_PATH) normalize_path(out);
}

/* read_file's answers for something that exists but is not a plain file (errno has no code
 * for a FIFO or a device given where a file was expected). */
#define RF_FIFO (-1)
#define RF_DEVICE (-2)
#define RF_SPECIAL (-3)

/* Reads a whole plain file.  Returns 0; an errno value (EFBIG for a file over the limit,
 * EISDIR for a folder); or RF_* for a FIFO, a device or another special file.  The file is
 * opened with O_NONBLOCK and refused on fstat before anything is read, so naming a FIFO (which
 * would wait for a writer) or /dev/zero (which never ends) cannot hang the load. */
static int read_file(const char *path, size_t max, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return errno ? errno : ENOENT;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return e ? e : EIO;
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return S_ISDIR(sb.st_mode) ? EISDIR : S_ISFIFO(sb.st_mode) ? RF_FIFO
               : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) ? RF_DEVICE : RF_SPECIAL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int e = 0;
    for (;;) {
        if (!buf) {
            e = ENOMEM;
            break;
        }
        if (n == cap) {
            if (cap > max) {
                e = EFBIG;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) free(buf);
            buf = nb;
            cap *= 2;
            continue;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            e = errno ? errno : EIO;
            break;
        }
        if (k == 0) break;
        n += (size_t)k;
    }
    close(fd);
    if (!e && n > max) e = EFBIG;
    if (e) {
        free(buf);
        return e;
    }
    *text = buf;
    *len = n;
    return 0;
}

/* What read_file's answer means, for "cannot read ...: <why>". */
static void read_error(int e, size_t max, char *buf, size_t n)
{
    if (e == EFBIG) snprintf(buf, n, "larger than %zu MiB, not a scenario", max >> 20);
    else if (e == EISDIR) snprintf(buf, n, "it is a folder, not a file");
    else if (e == RF_FIFO) snprintf(buf, n, "it is a FIFO (named pipe), not a file");
    else if (e == RF_DEVICE) snprintf(buf, n, "it is a device, not a file");
    else if (e == RF_SPECIAL) snprintf(buf, n, "it is not a plain file");
    else if (strerror_r(e, buf, n) != 0) snprintf(buf, n, "error %d", e);
}

/* ---- stage 1: the merged document ------------------------------------------------------ */

/* Parses `text` (the file `file`) and, if it names a base, loads the base chain and merges.
 * chain[0..depth) are the normalised names of the files that led here.  Returns the merged
 * root, or NULL when the tree is unusable (syntax error, missing base, loop). */
static cs_ydoc_node *load_tree(ld *c, const char *text, size_t len, const char *file,
                               char (*chain)[CSI_SCN_MAX_PATH], size_t depth)
{
    const char *ifile = cs_ydoc_intern(c->doc, file);
    if (!ifile) {
        csi_scn_oom(c);
        return NULL;
    }
    csi_scn_add_file(c, ifile);
    cs_ydoc_node *root = NULL;
    cs_status st = cs_ydoc_parse(c->doc, text, len, ifile, &root, &c->diags);
    if (st == CS_ENOMEM) csi_scn_oom(c);
    if (!root) return NULL;
    const cs_ydoc_pair *bp = cs_ydoc_find(root, "base");
    if (!bp) return root;
    cs_ydoc_node *over = cs_ydoc_without(c->doc, root, "base");
    if (!over) {
        csi_scn_oom(c);
        return NULL;
    }
    node *bv = bp->val;
    if (bv->kind == CS_YDOC_NULL) return over;
    size_t pk = csi_scn_push_key(c, "base");
    if (bv->kind != CS_YDOC_SCALAR) {
        csi_scn_err_at(c, bv, "expected the file name of the scenario this one builds on, such as "
                       "base: baseline.yaml, got %s", cs_ydoc_kind_name(bv->kind));
        csi_scn_pop(c, pk);
        return NULL;
    }
    char bpath[CSI_SCN_MAX_PATH];
    csi_scn_join_path(bpath, sizeof bpath, ifile, bv->text);
    for (size_t i = 0; i <= depth; i++) {
        if (strcmp(chain[i], bpath) != 0) continue;
        char msg[300] = "";
        size_t l = 0;
        for (size_t j = i; j <= depth && l + 1 < sizeof msg; j++) {
            int k = snprintf(msg + l, sizeof msg - l, "%s -> ", chain[j]);
            if (k < 0) break;
            l += (size_t)k < sizeof msg - l ? (size_t)k : sizeof msg - l - 1;
        }
        csi_scn_err_at(c, bv, "base chain loops: %s%s; a scenario cannot be its own base", msg,
                       bpath);
        csi_scn_pop(c, pk);
        return NULL;
    }
    if (depth + 1 >= MAX_BASE_DEPTH) {
        csi_scn_err_at(c, bv, "base chain is deeper than %d files", MAX_BASE_DEPTH);
        csi_scn_pop(c, pk);
        return NULL;
    }
    char *btext;
    size_t blen;
    int e = read_file(bpath, MAX_FILE_BYTES, &btext, &blen);
    if (e == ENOMEM) {
        csi_scn_oom(c);
        csi_scn_pop(c, pk);
        return NULL;
    }
    if (e) {
        char why[128];
        read_error(e, MAX_FILE_BYTES, why, sizeof why);
        csi_scn_err_at(c, bv, "cannot read base scenario '%s' (looked for %s): %s; base paths are "
                       "relative to the file that names them", bv->text, bpath, why);
        csi_scn_pop(c, pk);
        return NULL;
    }
    csi_scn_pop(c, pk);
    snprintf(chain[depth + 1], CSI_SCN_MAX_PATH, "%s", bpath);
    cs_ydoc_node *base = load_tree(c, btext, blen, bpath, chain, depth + 1);
    free(btext);
    if (!base) return NULL;
    if (base->kind != CS_YDOC_MAP) {
        csi_scn_err_at(c, base, "a base scenario must be a mapping of keys (name:, lines:, ...), "
                       "got %s", cs_ydoc_kind_name(base->kind));
        return NULL;
    }
    cs_ydoc_node *merged = cs_ydoc_merge(c->doc, base, over);
    if (!merged) csi_scn_oom(c);
    return merged;
}

/* ---- top level --------------------------------------------------------------------------- */

static void parse_top(ld *c, node *root)
{
    cs_scn *s = c->s;
    node *v;
    const char *name;
    if (csi_scn_field(c, root, "name", 1, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "name");
        if (csi_scn_v_name(c, v, sizeof s->name, &name) == 0)
            snprintf(s->name, sizeof s->name, "%s", name);
        csi_scn_pop(c, pk);
    }
    const char *desc = "";
    if (csi_scn_field(c, root, "description", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "description");
        if (csi_scn_need_kind(c, v, CS_YDOC_SCALAR, "text") == 0) desc = v->text;
        csi_scn_pop(c, pk);
    }
    s->description = strdup(desc);
    if (!s->description) csi_scn_oom(c);
    s->horizon = 8 * CS_DAY;
    int rh = csi_scn_get_with(c, root, "horizon", 0, csi_scn_v_dur, &s->horizon);
    if (rh == 1 && !(s->horizon > 0 && s->horizon <= CS_SCN_MAX_HORIZON)) {
        size_t pk = csi_scn_push_key(c, "horizon");
        if (!(s->horizon > 0)) {
            csi_scn_err_at(c, cs_ydoc_get(root, "horizon"), "the horizon must be more than 0");
        } else {
            char a[48];
            cs_units_format_duration(s->horizon, a, sizeof a);
            csi_scn_err_at(c, cs_ydoc_get(root, "horizon"), "a horizon of %s is more than the 5 "
                           "years callsim simulates: plans are made for a year or two, and a run "
                           "that long would take hours; study a longer span as separate runs", a);
        }
        csi_scn_pop(c, pk);
        rh = -1;
        /* Later checks (windows within the run) go on against the longest horizon allowed,
         * so they do not add errors that only echo this one. */
        if (s->horizon > CS_SCN_MAX_HORIZON) s->horizon = CS_SCN_MAX_HORIZON;
    }
    s->warmup = s->horizon < 2 * CS_DAY ? 0 : CS_DAY;
    if (csi_scn_get_with(c, root, "warmup", 0, csi_scn_v_dur, &s->warmup) == 1 && rh >= 0 &&
        s->warmup >= s->horizon) {
        char a[32], b[32];
        cs_units_format_duration(s->warmup, a, sizeof a);
        cs_units_format_duration(s->horizon, b, sizeof b);
        size_t pk = csi_scn_push_key(c, "warmup");
        csi_scn_err_at(c, cs_ydoc_get(root, "warmup"), "warmup (%s) must be shorter than the "
                       "horizon (%s), which includes it", a, b);
        csi_scn_pop(c, pk);
    }
    long x;
    s->replications = 10;
    if (csi_scn_get_count(c, root, "replications", 0, 1, 100000, &x) == 1) s->replications = (int)x;
    s->seed = 1;
    if (csi_scn_field(c, root, "seed", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "seed");
        csi_scn_v_seed(c, v, &s->seed);
        csi_scn_pop(c, pk);
    }
    s->interval = 900;
    if (csi_scn_get_with(c, root, "interval", 0, csi_scn_v_dur, &s->interval) == 1) {
        double iv = s->interval;
        int ok = iv >= 60 && iv == floor(iv) &&
                 (iv <= 3600 ? fmod(3600, iv) == 0
                             : fmod(iv, 3600) == 0 && fmod(CS_DAY, iv) == 0);
        if (!ok) {
            char a[32];
            cs_units_format_duration(iv, a, sizeof a);
            size_t pk = csi_scn_push_key(c, "interval");
            csi_scn_err_at(c, cs_ydoc_get(root, "interval"), "interval %s must divide the hour or "
                           "be a whole number of hours dividing the day: use 5m, 10m, 15m, 20m, "
                           "30m, 1h, 2h, 3h, 4h, 6h, 12h or 24h", a);
            csi_scn_pop(c, pk);
            s->interval = 900;
        }
    }
}

static void interpret(ld *c, node *root)
{
    static const char *const keys[] = {"name", "description", "base", "horizon", "warmup",
                                       "replications", "seed", "interval", "lines", "queues",
                                       "pools", "surges", "technology", "outages", "start",
                                       "bank_holidays", "special_days", NULL};
    if (root->kind != CS_YDOC_MAP) {
        csi_scn_err_at(c, root, "a scenario must be a mapping of keys such as name:, lines: and "
                       "pools:, got %s", cs_ydoc_kind_name(root->kind));
        return;
    }
    csi_scn_check_keys(c, root, keys);
    cs_scn *s = c->s = calloc(1, sizeof *s);
    if (!s) {
        csi_scn_oom(c);
        return;
    }
    parse_top(c, root);
    csi_scn_collect(c, root, "lines", 1, "line", "{name: \"101\", arrivals: {rate: 120/h}, handle: "
                    "4m}", &c->n_lines, &c->line_map, &c->line_name);
    csi_scn_collect(c, root, "queues", 0, "queue", "{name: crb, line: \"101\", handle: 10m}",
                    &c->n_xq, &c->xq_map, &c->xq_name);
    csi_scn_collect(c, root, "pools", 1, "pool", "{name: handlers, lines: [\"101\"], staff: 20}",
                    &c->n_pools, &c->pool_map, &c->pool_name);
    if (c->oom) return;
    csi_scn_parse_calendar(c, root);
    if (c->oom) return;
    for (size_t j = 0; j < c->n_xq; j++) {
        if (!c->xq_name[j] || csi_scn_name_lookup(c->line_name, c->n_lines, c->xq_name[j]) < 0)
            continue;
        size_t p0 = csi_scn_push_key(c, "queues");
        csi_scn_push_index(c, j);
        csi_scn_push_key(c, "name");
        csi_scn_err_at(c, cs_ydoc_get(c->xq_map[j], "name"), "queue name '%s' is already taken by "
                       "the line '%s' (every line has a main queue with its name); choose another "
                       "name", c->xq_name[j], c->xq_name[j]);
        csi_scn_pop(c, p0);
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
        csi_scn_oom(c);
        return;
    }
    s->n_lines = c->n_lines;
    s->n_queues = nq;
    s->n_pools = c->n_pools;
    for (size_t i = 0; i < c->n_lines; i++) c->transfer[i].queue = -1;
    for (size_t i = 0; i < c->n_lines; i++) csi_scn_parse_line(c, i, s->interval);
    for (size_t j = 0; j < c->n_xq; j++) csi_scn_parse_queue(c, j);
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
    for (size_t k = 0; k < c->n_pools; k++) csi_scn_parse_pool(c, k);
    csi_scn_parse_list(c, root, "surges", sizeof(cs_window), (void **)&s->surges, &s->n_surges,
                       s->horizon, 0);
    csi_scn_parse_list(c, root, "technology", sizeof(cs_effect), (void **)&s->effects,
                       &s->n_effects, s->horizon, 1);
    csi_scn_parse_list(c, root, "outages", sizeof(cs_outage), (void **)&s->outages, &s->n_outages,
                       s->horizon, 2);
    if (c->oom) return;
    if (c->pools_lists_ok && c->n_pools > 0) csi_scn_check_queues_taken(c);
    if (c->pools_lists_ok && c->pools_staff_ok && c->n_pools > 0)
        for (size_t i = 0; i < c->n_lines; i++)
            if (c->line_ok[i] && !c->allow_unstaffed[i]) csi_scn_check_roster(c, i);
    csi_scn_build_dated(c);
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
        o[i].rank = csi_scn_file_rank(c, d->items[i].file);
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
    csi_scn_cal_free(c);
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

/* Messages about a --set come after those about the files, in the order the sets were given. */
static void note_file(void *ud, const char *file)
{
    csi_scn_add_file(ud, file);
}

static cs_status load_text(const char *text, size_t len, const char *file,
                           const cs_ydoc_node *over, cs_scn_set *sets, size_t n_sets, cs_scn **out,
                           cs_diags *diags)
{
    CS_REQUIRE(text && file && out);
    *out = NULL;
    ld c;
    memset(&c, 0, sizeof c);
    if (cs_ydoc_create(&c.doc) != CS_OK) return CS_ENOMEM;
    char (*chain)[CSI_SCN_MAX_PATH] = malloc(MAX_BASE_DEPTH * sizeof *chain);
    if (!chain) {
        ld_fini(&c);
        return CS_ENOMEM;
    }
    snprintf(chain[0], CSI_SCN_MAX_PATH, "%s", file);
    if (strlen(chain[0]) < CSI_SCN_MAX_PATH) normalize_path(chain[0]);
    cs_ydoc_node *root = load_tree(&c, text, len, file, chain, 0);
    free(chain);
    /* Keys laid over the file (a national file's horizon, seed, ...) win over the file's own
     * and its bases', with the positions of the text they came from. */
    if (root && over && !c.oom && root->kind == CS_YDOC_MAP) {
        csi_scn_add_file(&c, over->file);
        root = cs_ydoc_merge(c.doc, root, (cs_ydoc_node *)over);
        if (!root) csi_scn_oom(&c);
    }
    /* --set and experiments: changes to the merged document, then read like the file. */
    if (root && !c.oom && n_sets > 0 &&
        cs_override_apply(c.doc, &root, sets, n_sets, &c.diags, note_file, &c) == CS_ENOMEM)
        csi_scn_oom(&c);
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
    return load_text(text, strlen(text), virtual_path ? virtual_path : "<string>", NULL, NULL, 0, out,
                     diags);
}

cs_status cs_scn_load(const char *path, cs_scn **out, cs_diags *diags)
{
    return cs_scn_load_set(path, NULL, 0, out, diags);
}

static cs_status load_file(const char *path, const cs_ydoc_node *over, cs_scn_set *sets,
                           size_t n_sets, cs_scn **out, cs_diags *diags);

cs_status cs_scn_load_over(const char *path, const cs_ydoc_node *over, cs_scn **out,
                           cs_diags *diags)
{
    return load_file(path, over, NULL, 0, out, diags);
}

cs_status cs_scn_load_set(const char *path, cs_scn_set *sets, size_t n_sets, cs_scn **out,
                          cs_diags *diags)
{
    return load_file(path, NULL, sets, n_sets, out, diags);
}

static cs_status load_file(const char *path, const cs_ydoc_node *over, cs_scn_set *sets,
                           size_t n_sets, cs_scn **out, cs_diags *diags)
{
    CS_REQUIRE(path != NULL && out != NULL);
    *out = NULL;
    char *text;
    size_t len;
    int e = read_file(path, MAX_FILE_BYTES, &text, &len);
    if (e == ENOMEM) return CS_ENOMEM;
    if (e) {
        char why[128];
        read_error(e, MAX_FILE_BYTES, why, sizeof why);
        if (diags && cs_ydoc_diag(diags, path, 0, 0, "", "cannot read the scenario file: %s",
                                  why) != CS_OK)
            return CS_ENOMEM;
        return CS_EIO;
    }
    cs_status st = load_text(text, len, path, over, sets, n_sets, out, diags);
    free(text);
    return st;
}
