/* National files: see io/national.h for the format and the contract.
 *
 * The national file is parsed into a positioned document (io/yamldoc.h).  Its run keys
 * (horizon, warmup, replications, seed, interval) become an overlay mapping, with a null for
 * each one it leaves out, so that a force file's own value is removed and the scenario default
 * applies: every force then has exactly the same run settings, which the totals need (the same
 * measured time in every reporting slot).  Each force file is loaded by the scenario loader with
 * that overlay, so its values are validated by the same code as in any scenario, and a problem
 * with one of them points at the national file. */
#include "io/national.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/yamldoc.h"
#include "models/kpi.h"

#define MAX_NATIONAL_BYTES ((size_t)4 << 20)
#define MAX_FORCES 1000

/* The keys the national file imposes on every force. */
static const char *const imposed[] = {"horizon", "warmup", "replications", "seed", "interval", "start", NULL};
static const char *const top_keys[] = {"name", "description", "horizon", "warmup", "replications", "seed",
                                       "interval", "start", "rank_by", "forces", NULL};
static const char *const force_keys[] = {"name", "file", NULL};
static const char *const rank_keys[] = {"line", "kpi", NULL};

static int read_file(const char *path, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return errno ? errno : ENOENT;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            return ENOMEM;
        }
        if (n == cap) {
            if (cap >= MAX_NATIONAL_BYTES) {
                free(buf);
                fclose(f);
                return EFBIG;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) free(buf);
            buf = nb;
            cap *= 2;
            continue;
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
    if (e == EFBIG) snprintf(buf, n, "file larger than %zu MiB, not a national file", MAX_NATIONAL_BYTES >> 20);
    else if (strerror_r(e, buf, n) != 0) snprintf(buf, n, "error %d", e);
}

int cs_nat_detect(const char *path)
{
    char *text;
    size_t len;
    int e = read_file(path, &text, &len);
    if (e) return e == ENOMEM ? -1 : 0;
    cs_ydoc *doc = NULL;
    cs_diags d = {0};
    cs_ydoc_node *root = NULL;
    int yes = 0;
    cs_status st = cs_ydoc_create(&doc);
    if (st == CS_OK) st = cs_ydoc_parse(doc, text, len, path, &root, &d);
    if (st == CS_OK) yes = cs_ydoc_find(root, "forces") != NULL;
    else if (st == CS_ENOMEM) yes = -1;
    cs_diags_free(&d);
    cs_ydoc_destroy(doc);
    free(text);
    return yes;
}

/* ------------------------------------------------------------------------------ loading */

typedef struct nl {
    const char *path;
    cs_diags *diags;        /* the national file's own problems */
    int oom;
} nl;

static void err_at(nl *c, const cs_ydoc_node *n, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void err_at(nl *c, const cs_ydoc_node *n, const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (cs_ydoc_vdiag(c->diags, n ? n->file : c->path, n ? n->line : 0, n ? n->col : 0, where, fmt, ap) != CS_OK)
        c->oom = 1;
    va_end(ap);
}

/* Levenshtein distance, small words only (keys). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 31 || lb > 31) return 99;
    size_t d[32][32];
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

static void check_keys(nl *c, const cs_ydoc_node *map, const char *where, const char *const *known)
{
    for (size_t i = 0; i < map->n_pairs; i++) {
        const char *k = map->pairs[i].key->text;
        const char *best = NULL;
        size_t bd = 3;
        int found = 0;
        for (size_t j = 0; known[j]; j++) {
            if (strcmp(k, known[j]) == 0) found = 1;
            size_t d = edit_distance(k, known[j]);
            if (d < bd) bd = d, best = known[j];
        }
        if (found) continue;
        char list[256] = "";
        size_t l = 0;
        for (size_t j = 0; known[j] && l + 1 < sizeof list; j++) {
            int w = snprintf(list + l, sizeof list - l, "%s%s", j ? ", " : "", known[j]);
            if (w > 0) l += (size_t)w < sizeof list - l ? (size_t)w : sizeof list - l - 1;
        }
        if (best)
            err_at(c, map->pairs[i].key, where, "unknown key '%s' (did you mean '%s'?)", k, best);
        else
            err_at(c, map->pairs[i].key, where, "unknown key '%s' in a national file; the keys are: %s%s", k, list,
                   strcmp(where, "") == 0 ? " (lines, pools and the rest belong in the force files)" : "");
    }
}

static int is_imposed(const char *k)
{
    for (size_t i = 0; imposed[i]; i++)
        if (strcmp(k, imposed[i]) == 0) return 1;
    return 0;
}

/* The run keys of the national file, with a null for each one it leaves out. */
static cs_ydoc_node *overlay(nl *c, cs_ydoc *doc, cs_ydoc_node *root)
{
    char text[320];
    size_t l = 0;
    for (size_t i = 0; imposed[i]; i++) l += (size_t)snprintf(text + l, sizeof text - l, "%s: ~\n", imposed[i]);
    cs_ydoc_node *nulls = NULL;
    cs_diags d = {0};
    cs_status st = cs_ydoc_parse(doc, text, l, c->path, &nulls, &d);
    cs_diags_free(&d);
    if (st != CS_OK || !nulls) return NULL;
    cs_ydoc_node *keep = root;
    for (size_t i = 0; i < root->n_pairs && keep; i++)
        if (!is_imposed(root->pairs[i].key->text)) keep = cs_ydoc_without(doc, keep, root->pairs[i].key->text);
    return keep ? cs_ydoc_merge(doc, nulls, keep) : NULL;
}

static void join_path(char *out, size_t n, const char *from, const char *rel)
{
    const char *slash = strrchr(from, '/');
    if (rel[0] == '/' || !slash) snprintf(out, n, "%s", rel);
    else snprintf(out, n, "%.*s/%s", (int)(slash - from), from, rel);
}

static int same_diag(const cs_diag *a, const cs_diag *b)
{
    return a->line == b->line && a->col == b->col && strcmp(a->file, b->file) == 0 && strcmp(a->msg, b->msg) == 0;
}

/* Appends src to dst, leaving out problems of the national file already reported (the
 * overlay's values are checked once per force). */
static int append_diags(cs_diags *dst, const cs_diags *src, const char *national)
{
    for (size_t i = 0; i < src->n; i++) {
        const cs_diag *g = &src->items[i];
        int dup = 0;
        if (strcmp(g->file, national) == 0)
            for (size_t j = 0; j < dst->n && !dup; j++) dup = same_diag(&dst->items[j], g);
        if (dup) continue;
        if (dst->n == dst->cap) {
            size_t nc = dst->cap ? 2 * dst->cap : 16;
            cs_diag *p = realloc(dst->items, nc * sizeof *p);
            if (!p) return -1;
            dst->items = p;
            dst->cap = nc;
        }
        dst->items[dst->n++] = *g;
    }
    return 0;
}

/* The national file's problems first, in file order (some are found while loading a force),
 * then every force file's in the order they came. */
static void sort_national_first(cs_diags *d, const char *national)
{
    for (size_t i = 1; i < d->n; i++) {
        cs_diag g = d->items[i];
        if (strcmp(g.file, national) != 0) continue;
        size_t j = i;
        while (j > 0) {
            const cs_diag *p = &d->items[j - 1];
            int before = strcmp(p->file, national) != 0 || p->line > g.line || (p->line == g.line && p->col > g.col);
            if (!before) break;
            d->items[j] = *p;
            j--;
        }
        d->items[j] = g;
    }
}

static int name_ok(nl *c, const cs_ydoc_node *v, const char *where, size_t cap)
{
    if (v->kind != CS_YDOC_SCALAR) {
        err_at(c, v, where, "expected a name, got %s", cs_ydoc_kind_name(v->kind));
        return 0;
    }
    if (!v->text[0]) {
        err_at(c, v, where, "a name cannot be empty");
        return 0;
    }
    if (strlen(v->text) >= cap) {
        err_at(c, v, where, "name '%.40s...' is too long (at most %zu characters)", v->text, cap - 1);
        return 0;
    }
    return 1;
}

/* One entry of forces[]: loads its file with the overlay into f.  Returns 0 or -1. */
static int load_force(nl *c, const cs_ydoc_node *e, size_t i, const cs_ydoc_node *over, cs_nat_force *f,
                      cs_diags *force_diags)
{
    char where[64], wk[80];
    snprintf(where, sizeof where, "forces[%zu]", i);
    if (e->kind != CS_YDOC_MAP) {
        err_at(c, e, where, "expected a force as {name: NAME, file: FORCE.yaml}, got %s", cs_ydoc_kind_name(e->kind));
        return -1;
    }
    check_keys(c, e, where, force_keys);
    const cs_ydoc_node *name = cs_ydoc_get(e, "name"), *file = cs_ydoc_get(e, "file");
    int ok = 1;
    snprintf(wk, sizeof wk, "%s.name", where);
    if (name && !name_ok(c, name, wk, CS_NAME_MAX)) ok = 0;
    snprintf(wk, sizeof wk, "%s.file", where);
    if (!file) {
        err_at(c, e, where, "a force needs `file:`, the scenario file of its lines and pools (relative to %s)",
               c->path);
        return -1;
    }
    if (file->kind != CS_YDOC_SCALAR || !file->text[0]) {
        err_at(c, file, wk, "expected the file name of the force's scenario, such as file: kent.yaml");
        return -1;
    }
    char fpath[1024];
    join_path(fpath, sizeof fpath, c->path, file->text);
    FILE *probe = fopen(fpath, "rb");
    if (!probe) {
        char why[128];
        errno_text(errno ? errno : ENOENT, why, sizeof why);
        err_at(c, file, wk, "cannot read force file '%s' (looked for %s): %s; force files are relative to the "
               "national file", file->text, fpath, why);
        return -1;
    }
    fclose(probe);
    if (!ok) return -1;
    f->file = strdup(fpath);
    if (!f->file) {
        c->oom = 1;
        return -1;
    }
    cs_status st = cs_scn_load_over(fpath, over, &f->scn, force_diags);
    if (st == CS_ENOMEM) c->oom = 1;
    if (st != CS_OK) return -1;
    const char *nm = name ? name->text : f->scn->name;
    if (strlen(nm) >= sizeof f->name) {
        snprintf(wk, sizeof wk, "%s.name", where);
        err_at(c, e, wk, "the force file's name '%.40s...' is too long for a force name (at most %zu "
               "characters); give a shorter one with name:", nm, sizeof f->name - 1);
        return -1;
    }
    memcpy(f->name, nm, strlen(nm) + 1);
    return 0;
}

static int line_kpi_index(const char *name)
{
    for (int k = 0; k < CS_LK_N; k++)
        if (strcmp(cs_line_kpis[k].name, name) == 0) return k;
    return -1;
}

static void parse_rank(nl *c, const cs_ydoc_node *root, cs_nat *n, const cs_ydoc_node **rank_line_node)
{
    const cs_ydoc_node *rb = cs_ydoc_get(root, "rank_by");
    *rank_line_node = NULL;
    n->rank_kpi = CS_LK_ABANDON_RATE;
    if (!rb) return;
    if (rb->kind != CS_YDOC_MAP) {
        err_at(c, rb, "rank_by", "expected {line: LINE, kpi: KPI}, such as rank_by: {line: \"101\", kpi: "
               "abandon_rate}, got %s", cs_ydoc_kind_name(rb->kind));
        return;
    }
    check_keys(c, rb, "rank_by", rank_keys);
    const cs_ydoc_node *l = cs_ydoc_get(rb, "line"), *k = cs_ydoc_get(rb, "kpi");
    if (l && name_ok(c, l, "rank_by.line", CS_NAME_MAX)) {
        snprintf(n->rank_line, sizeof n->rank_line, "%s", l->text);
        *rank_line_node = l;
    }
    if (k) {
        int idx = k->kind == CS_YDOC_SCALAR ? line_kpi_index(k->text) : -1;
        if (idx < 0)
            err_at(c, k, "rank_by.kpi", "unknown line KPI '%s'; use a key of a line in --json, such as "
                   "abandon_rate, service_level or asa", k->kind == CS_YDOC_SCALAR ? k->text : "");
        else
            n->rank_kpi = idx;
    }
}

/* The default rank line: "101" when some force has it, else the first force's first line. */
static void default_rank_line(cs_nat *n)
{
    for (size_t f = 0; f < n->n_forces; f++)
        if (cs_scn_line_index(n->forces[f].scn, "101") >= 0) {
            snprintf(n->rank_line, sizeof n->rank_line, "101");
            return;
        }
    if (n->n_forces > 0 && n->forces[0].scn->n_lines > 0)
        snprintf(n->rank_line, sizeof n->rank_line, "%s", n->forces[0].scn->lines[0].name);
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a, y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y) return 0;
    }
    return *a == *b;
}

cs_status cs_nat_load(const char *path, cs_nat **out, cs_diags *diags)
{
    CS_REQUIRE(path != NULL && out != NULL);
    *out = NULL;
    cs_diags own = {0}, fd = {0};
    nl c = {path, &own, 0};
    char *text = NULL;
    size_t len;
    int e = read_file(path, &text, &len);
    if (e == ENOMEM) return CS_ENOMEM;
    if (e) {
        char why[128];
        errno_text(e, why, sizeof why);
        if (diags && cs_ydoc_diag(diags, path, 0, 0, "", "cannot read the national file: %s", why) != CS_OK)
            return CS_ENOMEM;
        return CS_EIO;
    }
    cs_ydoc *doc = NULL;
    cs_ydoc_node *root = NULL;
    cs_nat *n = calloc(1, sizeof *n);
    cs_status st = n ? cs_ydoc_create(&doc) : CS_ENOMEM;
    if (st == CS_OK) st = cs_ydoc_parse(doc, text, len, path, &root, &own);
    free(text);
    if (st == CS_ENOMEM) c.oom = 1;
    if (!root || c.oom) goto finish;
    if (root->kind != CS_YDOC_MAP) {
        err_at(&c, root, "", "a national file must be a mapping of keys such as name: and forces:, got %s",
               cs_ydoc_kind_name(root->kind));
        goto finish;
    }
    check_keys(&c, root, "", top_keys);
    const cs_ydoc_node *v = cs_ydoc_get(root, "name");
    if (!v) err_at(&c, root, "", "a national file needs `name:` (e.g. name: England and Wales)");
    else if (name_ok(&c, v, "name", sizeof n->name)) snprintf(n->name, sizeof n->name, "%s", v->text);
    v = cs_ydoc_get(root, "description");
    if (v && v->kind != CS_YDOC_SCALAR) err_at(&c, v, "description", "expected text, got %s", cs_ydoc_kind_name(v->kind));
    n->description = strdup(v && v->kind == CS_YDOC_SCALAR ? v->text : "");
    if (!n->description) c.oom = 1;
    const cs_ydoc_node *rank_node;
    parse_rank(&c, root, n, &rank_node);
    const cs_ydoc_node *forces = cs_ydoc_get(root, "forces");
    cs_ydoc_node *over = overlay(&c, doc, root);
    if (!over) c.oom = 1;
    if (c.oom) goto finish;
    if (!forces || forces->kind != CS_YDOC_SEQ || forces->n_items == 0) {
        err_at(&c, forces ? forces : root, "forces", "expected a non-empty list of forces, each {name: NAME, file: "
               "FORCE.yaml}");
        goto finish;
    }
    if (forces->n_items > MAX_FORCES) {
        err_at(&c, forces, "forces", "%zu forces: at most %d", forces->n_items, MAX_FORCES);
        goto finish;
    }
    n->forces = calloc(forces->n_items, sizeof *n->forces);
    if (!n->forces) {
        c.oom = 1;
        goto finish;
    }
    int bad = 0;
    for (size_t i = 0; i < forces->n_items && !c.oom; i++) {
        cs_diags one = {0};
        cs_nat_force *f = &n->forces[n->n_forces];
        if (load_force(&c, forces->items[i], i, over, f, &one) == 0) {
            const cs_ydoc_node *nm = cs_ydoc_get(forces->items[i], "name");
            const cs_ydoc_node *at = nm ? nm : cs_ydoc_get(forces->items[i], "file");
            char where[64];
            snprintf(where, sizeof where, "forces[%zu].name", i);
            for (size_t j = 0; j < n->n_forces; j++)
                if (strcmp(n->forces[j].name, f->name) == 0) {
                    err_at(&c, at, where, "two forces are called '%s'; force names must be unique%s", f->name,
                           nm ? "" : " (the name comes from the force file's name:; give one with name:)");
                    bad = 1;
                }
            if (ieq(f->name, "total")) {
                err_at(&c, at, where, "'%s' is reserved for the totals rows of the outputs; call the force "
                       "something else", f->name);
                bad = 1;
            }
            n->n_forces++;
        } else {
            free(f->file);
            f->file = NULL;
            bad = 1;
        }
        if (append_diags(&fd, &one, path) != 0) c.oom = 1;
        cs_diags_free(&one);
    }
    if (bad || c.oom) goto finish;
    /* Every force has the national run settings (the overlay), so the first one's are the
     * national ones, defaults applied. */
    const cs_scn *s0 = n->forces[0].scn;
    n->horizon = s0->horizon;
    n->warmup = s0->warmup;
    n->interval = s0->interval;
    n->replications = s0->replications;
    n->seed = s0->seed;
    if (rank_node) {
        int found = 0;
        for (size_t f = 0; f < n->n_forces && !found; f++) found = cs_scn_line_index(n->forces[f].scn, n->rank_line) >= 0;
        if (!found) err_at(&c, rank_node, "rank_by.line", "no force has a line '%s'", n->rank_line);
    } else {
        default_rank_line(n);
    }
    cs_nat_apply(n);
finish:;
    /* National-file problems first, then each force's in order; national problems found again
     * through a force's overlay are not repeated. */
    cs_diags all = {0};
    if (append_diags(&all, &own, "") != 0 || append_diags(&all, &fd, path) != 0) c.oom = 1;
    sort_national_first(&all, path);
    st = c.oom ? CS_ENOMEM : all.n ? CS_EINPUT : CS_OK;
    if (diags && all.n) {
        if (append_diags(diags, &all, "") != 0) st = CS_ENOMEM;
    }
    cs_diags_free(&all);
    cs_diags_free(&own);
    cs_diags_free(&fd);
    cs_ydoc_destroy(doc);
    if (st != CS_OK) {
        cs_nat_free(n);
        return st;
    }
    *out = n;
    return CS_OK;
}
