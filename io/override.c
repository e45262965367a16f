/* `--set PATH=VALUE` on the document tree.  See io/override.h. */
#include "io/override.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- paths ----------------------------------------------------------------------------- */

void cs_ovpath_free(cs_ovpath *p)
{
    for (size_t i = 0; i < p->n; i++) free(p->seg[i].name);
    p->n = 0;
}

static int digit(char c) { return c >= '0' && c <= '9'; }

cs_status cs_ovpath_parse(const char *text, cs_ovpath *p, const char **value, cs_error *err)
{
    memset(p, 0, sizeof *p);
    if (value) *value = NULL;
    const char *s = text;
    size_t len = strlen(text);
    char *buf = malloc(len + 1);
    if (!buf) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_status st = CS_OK;
    int need_seg = 1;   /* at the start or after a '.' */
    while (*s && *s != '=') {
        if (*s == '[') {
            if (need_seg || p->n == 0) {
                st = cs_error_set(err, CS_EINPUT, "an index [N] must follow a key, as in roster[0]");
                break;
            }
            const char *q = s + 1;
            long idx = 0;
            int nd = 0;
            while (digit(*q) && nd < 9) idx = idx * 10 + (*q++ - '0'), nd++;
            if (nd == 0 || *q != ']') {
                st = cs_error_set(err, CS_EINPUT, "expected an index such as [0] (a whole number "
                                  "from 0, in brackets) at '%.40s'", s);
                break;
            }
            if (p->n >= CS_OVPATH_MAX_SEGS) {
                st = cs_error_set(err, CS_EINPUT, "the path has more than %d parts",
                                  CS_OVPATH_MAX_SEGS);
                break;
            }
            p->seg[p->n].name = NULL;
            p->seg[p->n++].index = idx;
            s = q + 1;
            if (*s && *s != '.' && *s != '[' && *s != '=') {
                st = cs_error_set(err, CS_EINPUT, "expected '.', '[' or '=' after '%.*s'",
                                  (int)(s - text), text);
                break;
            }
            if (*s == '.') {
                s++;
                need_seg = 1;
                if (!*s || *s == '=') {
                    st = cs_error_set(err, CS_EINPUT, "the path ends with '.'; a key must "
                                      "follow it");
                    break;
                }
            }
            continue;
        }
        if (!need_seg) {
            st = cs_error_set(err, CS_EINPUT, "expected '.' between the parts of the path at "
                              "'%.40s'", s);
            break;
        }
        size_t o = 0;
        if (*s == '"' || *s == '\'') {
            char qc = *s++;
            int closed = 0;
            while (*s) {
                if (qc == '"' && *s == '\\' && (s[1] == '"' || s[1] == '\\')) {
                    buf[o++] = s[1];
                    s += 2;
                } else if (*s == qc && qc == '\'' && s[1] == '\'') {
                    buf[o++] = '\'';
                    s += 2;
                } else if (*s == qc) {
                    s++;
                    closed = 1;
                    break;
                } else {
                    buf[o++] = *s++;
                }
            }
            if (!closed) {
                st = cs_error_set(err, CS_EINPUT, "a quote %c in the path is not closed", qc);
                break;
            }
            if (*s && *s != '.' && *s != '[' && *s != '=') {
                st = cs_error_set(err, CS_EINPUT, "expected '.', '[' or '=' after the quoted "
                                  "part '%.*s'", (int)o, buf);
                break;
            }
        } else {
            while (*s && *s != '.' && *s != '[' && *s != '=') {
                if (*s == '"' || *s == '\'') break;
                buf[o++] = *s++;
            }
            if (*s == '"' || *s == '\'') {
                st = cs_error_set(err, CS_EINPUT, "a quote may only open a part of the path: quote the "
                                  "whole name, as pools.\"call handlers\".staff");
                break;
            }
            while (o > 0 && buf[o - 1] == ' ') o--;   /* "a.b =x": blanks before '=' */
            size_t lead = 0;
            while (lead < o && buf[lead] == ' ') lead++;
            memmove(buf, buf + lead, o - lead);
            o -= lead;
        }
        buf[o] = '\0';
        if (o == 0) {
            st = cs_error_set(err, CS_EINPUT, p->n == 0 && (!*s || *s == '=')
                                  ? "expected PATH=VALUE, such as lines.101.spillover.share=10%%"
                                  : "the path has an empty part (two dots in a row, or a dot "
                                    "at an end); quote names that hold dots: pools.\"a.b\".staff");
            break;
        }
        if (p->n >= CS_OVPATH_MAX_SEGS) {
            st = cs_error_set(err, CS_EINPUT, "the path has more than %d parts", CS_OVPATH_MAX_SEGS);
            break;
        }
        p->seg[p->n].index = -1;
        p->seg[p->n].name = strdup(buf);
        if (!p->seg[p->n].name) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
            break;
        }
        p->n++;
        need_seg = 0;
        if (*s == '.') {
            s++;
            need_seg = 1;
            if (!*s || *s == '=') {
                st = cs_error_set(err, CS_EINPUT, "the path ends with '.'; a key must follow it");
                break;
            }
        }
    }
    free(buf);
    if (st == CS_OK && p->n == 0)
        st = cs_error_set(err, CS_EINPUT, "expected PATH=VALUE, such as "
                          "lines.101.spillover.share=10%%");
    if (st == CS_OK && *s == '=' && value) *value = s + 1;
    return st;
}

int cs_ovpath_plain(const char *seg)
{
    if (!*seg || *seg == '"' || *seg == '\'' || *seg == ' ') return 0;
    size_t l = strlen(seg);
    if (seg[l - 1] == ' ') return 0;
    return strpbrk(seg, ".[]=\"' ") == NULL;
}

int cs_ovpath_format(const cs_ovpath *p, size_t n_segs, char *buf, size_t n)
{
    size_t o = 0;
    int total = 0;
    char tmp[8];
    if (n == 0) buf = tmp, n = sizeof tmp;   /* count only */
    buf[0] = '\0';
#define PUT(...)                                                                              \
    do {                                                                                      \
        int k_ = snprintf(buf + o, o < n ? n - o : 0, __VA_ARGS__);                           \
        if (k_ > 0) {                                                                         \
            total += k_;                                                                      \
            o = o + (size_t)k_ < n ? o + (size_t)k_ : n - 1;                                  \
        }                                                                                     \
    } while (0)
    for (size_t i = 0; i < n_segs && i < p->n; i++) {
        const cs_ovpath_seg *g = &p->seg[i];
        if (!g->name) {
            PUT("[%ld]", g->index);
            continue;
        }
        if (i > 0) PUT(".");
        if (cs_ovpath_plain(g->name)) {
            PUT("%s", g->name);
            continue;
        }
        PUT("\"");
        for (const char *c = g->name; *c; c++) {
            if (*c == '"' || *c == '\\') PUT("\\%c", *c);
            else PUT("%c", *c);
        }
        PUT("\"");
    }
#undef PUT
    return total;
}

/* ---- applying a change ------------------------------------------------------------------ */

typedef struct ctx {
    cs_ydoc *doc;
    cs_diags *diags;
    const char *label;   /* interned "LABEL 'TEXT'" */
    const cs_ovpath *path;
    cs_ydoc_node *value;
    cs_scn_set *set;
    int failed, oom;
} ctx;

static void fail(ctx *c, size_t upto, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void fail(ctx *c, size_t upto, const char *fmt, ...)
{
    char where[128];
    cs_ovpath_format(c->path, upto, where, sizeof where);
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (cs_ydoc_diag(c->diags, c->label, 0, 0, where, "%s", msg) != CS_OK) c->oom = 1;
    c->failed = 1;
}

static const char *item_name(const cs_ydoc_node *n)
{
    const cs_ydoc_node *v = cs_ydoc_get(n, "name");
    return v && v->kind == CS_YDOC_SCALAR ? v->text : NULL;
}

/* "lines" -> "line" for messages. */
static void singular(const char *list, char *buf, size_t n)
{
    size_t l = strlen(list);
    if (l > 1 && list[l - 1] == 's' && l < n) snprintf(buf, n, "%.*s", (int)(l - 1), list);
    else snprintf(buf, n, "item of '%s'", list);
}

static void record_old(ctx *c, const cs_ydoc_node *n)
{
    if (!c->set->old || c->set->old_n == 0) return;
    snprintf(c->set->old, c->set->old_n, "%s", n && n->kind == CS_YDOC_SCALAR ? n->text : "");
}

/* The node that replaces n once segment i onwards is set; n may be NULL (absent).  NULL when
 * the change cannot be made (reported). */
static cs_ydoc_node *set_in(ctx *c, cs_ydoc_node *n, size_t i)
{
    if (c->failed || c->oom) return NULL;
    const cs_ovpath *p = c->path;
    if (i == p->n) {
        record_old(c, n);
        return c->value ? c->value : n;   /* no value: a lookup only */
    }
    const cs_ovpath_seg *g = &p->seg[i];
    if (n && n->kind == CS_YDOC_NULL) n = NULL;
    if (g->index >= 0) {
        if (!n || n->kind != CS_YDOC_SEQ) {
            fail(c, i, "[%ld] needs a list here, but this is %s", g->index,
                 n ? cs_ydoc_kind_name(n->kind) : "not given");
            return NULL;
        }
        if ((size_t)g->index >= n->n_items) {
            fail(c, i, "the list has %zu item%s (indexes 0 to %zu); there is no [%ld]",
                 n->n_items, n->n_items == 1 ? "" : "s", n->n_items ? n->n_items - 1 : 0,
                 g->index);
            return NULL;
        }
        cs_ydoc_node *child = set_in(c, n->items[g->index], i + 1);
        if (!child) return NULL;
        cs_ydoc_node *r = cs_ydoc_copy(c->doc, n);
        if (!r) {
            c->oom = 1;
            return NULL;
        }
        r->items[g->index] = child;
        return r;
    }
    if (n && n->kind == CS_YDOC_SEQ) {
        size_t hit = n->n_items;
        for (size_t k = 0; k < n->n_items && hit == n->n_items; k++) {
            const char *nm = item_name(n->items[k]);
            if (nm && strcmp(nm, g->name) == 0) hit = k;
        }
        if (hit == n->n_items) {
            char what[64], names[256] = "";
            singular(i > 0 && p->seg[i - 1].name ? p->seg[i - 1].name : "list", what, sizeof what);
            size_t o = 0, shown = 0;
            for (size_t k = 0; k < n->n_items && o + 8 < sizeof names; k++) {
                const char *nm = item_name(n->items[k]);
                if (!nm) continue;
                int w = snprintf(names + o, sizeof names - o, "%s'%s'", shown ? ", " : "", nm);
                if (w < 0 || (size_t)w >= sizeof names - o) break;
                o += (size_t)w;
                shown++;
            }
            if (shown)
                fail(c, i + 1, "there is no %s named '%s'; the names are %s (a --set cannot add "
                     "an item to a list)", what, g->name, names);
            else
                fail(c, i + 1, "the items of this list have no names: address one by its "
                     "position, as %s[0]", i > 0 && p->seg[i - 1].name ? p->seg[i - 1].name
                                                                      : "list");
            return NULL;
        }
        if (i < sizeof c->set->items * 8) {
            c->set->items |= 1UL << i;
            for (size_t k = 0; k < n->n_items; k++)
                if (!item_name(n->items[k])) c->set->unnamed |= 1UL << i;
        }
        cs_ydoc_node *child = set_in(c, n->items[hit], i + 1);
        if (!child) return NULL;
        cs_ydoc_node *r = cs_ydoc_copy(c->doc, n);
        if (!r) {
            c->oom = 1;
            return NULL;
        }
        r->items[hit] = child;
        return r;
    }
    if (n && n->kind == CS_YDOC_SCALAR) {
        char here[128];
        cs_ovpath_format(p, i, here, sizeof here);
        fail(c, i, "'%s' is a single value ('%.60s'), not a mapping with a key '%s': set '%s' "
             "itself, e.g. '%s={dist: exponential, mean: 3m}' for a distribution", here,
             n->text, g->name, here, here);
        return NULL;
    }
    if (i == 0 && strcmp(g->name, "base") == 0) {
        fail(c, 1, "'base' cannot be changed with a --set: it names the file this scenario "
             "builds on; write a variant file instead");
        return NULL;
    }
    const cs_ydoc_pair *pr = n ? cs_ydoc_find(n, g->name) : NULL;
    if (!pr && !c->value) {   /* a lookup of something absent */
        record_old(c, NULL);
        return n;
    }
    cs_ydoc_node *child = set_in(c, pr ? pr->val : NULL, i + 1);
    if (!child) return NULL;
    cs_ydoc_node *r = n ? cs_ydoc_copy(c->doc, n)
                        : cs_ydoc_new(c->doc, CS_YDOC_MAP, NULL, c->label, 0, 0);
    if (!r) {
        c->oom = 1;
        return NULL;
    }
    if (pr) {
        r->pairs[pr - n->pairs].val = child;
        return r;
    }
    cs_ydoc_node *key = cs_ydoc_new(c->doc, CS_YDOC_SCALAR, g->name, c->label, 0, 0);
    if (!key || cs_ydoc_append_pair(r, key, child) != CS_OK) {
        c->oom = 1;
        return NULL;
    }
    return r;
}

/* Drops positions: the nodes of a value come from a flag, not from a line of a file. */
static void unposition(cs_ydoc_node *n, int depth)
{
    if (depth > (int)CS_YDOC_MAX_DEPTH) return;
    n->line = n->col = 0;
    for (size_t i = 0; i < n->n_items; i++) unposition(n->items[i], depth + 1);
    for (size_t i = 0; i < n->n_pairs; i++) {
        n->pairs[i].key->line = n->pairs[i].key->col = 0;
        unposition(n->pairs[i].val, depth + 1);
    }
}

static int null_word(const char *s)
{
    return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
           strcmp(s, "NULL") == 0;
}

/* The value node for text v (see the header: YAML for flow collections and quoted strings,
 * the text itself otherwise). */
static cs_ydoc_node *make_value(ctx *c, const char *v)
{
    while (*v == ' ' || *v == '\t') v++;
    size_t len = strlen(v);
    while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t')) len--;
    char *t = malloc(len + 1);
    if (!t) {
        c->oom = 1;
        return NULL;
    }
    memcpy(t, v, len);
    t[len] = '\0';
    cs_ydoc_node *n = NULL;
    if (t[0] == '{' || t[0] == '[' || t[0] == '"' || t[0] == '\'') {
        cs_diags tmp = {0};
        cs_status st = cs_ydoc_parse(c->doc, t, len, c->label, &n, &tmp);
        if (st == CS_ENOMEM) c->oom = 1;
        for (size_t i = 0; i < tmp.n; i++)
            fail(c, c->path->n, "in the value, at character %u: %s", tmp.items[i].col,
                 tmp.items[i].msg);
        cs_diags_free(&tmp);
        if (st != CS_OK) n = NULL;
        if (n) unposition(n, 0);
    } else if (null_word(t)) {
        n = cs_ydoc_new(c->doc, CS_YDOC_NULL, NULL, c->label, 0, 0);
        if (!n) c->oom = 1;
    } else {
        n = cs_ydoc_new(c->doc, CS_YDOC_SCALAR, t, c->label, 0, 0);
        if (!n) c->oom = 1;
    }
    free(t);
    return n;
}

cs_status cs_override_apply(cs_ydoc *doc, cs_ydoc_node **root, cs_scn_set *sets, size_t n,
                            cs_diags *diags, void (*note_file)(void *ud, const char *file),
                            void *ud)
{
    int any_failed = 0;
    for (size_t k = 0; k < n; k++) {
        cs_scn_set *s = &sets[k];
        if (s->old && s->old_n) s->old[0] = '\0';
        s->items = s->unnamed = 0;
        size_t ll = strlen(s->label) + strlen(s->text) + 4;
        char *lab = malloc(ll);
        if (!lab) return CS_ENOMEM;
        snprintf(lab, ll, "%s '%s'", s->label, s->text);
        ctx c;
        memset(&c, 0, sizeof c);
        c.doc = doc;
        c.diags = diags;
        c.set = s;
        c.label = cs_ydoc_intern(doc, lab);
        free(lab);
        if (!c.label) return CS_ENOMEM;
        if (note_file) note_file(ud, c.label);
        cs_ovpath path;
        const char *value = NULL;
        cs_error e = {CS_OK, ""};
        cs_status st = cs_ovpath_parse(s->text, &path, &value, &e);
        c.path = &path;
        if (st == CS_ENOMEM) {
            cs_ovpath_free(&path);
            return CS_ENOMEM;
        }
        if (st != CS_OK) {
            if (cs_ydoc_diag(diags, c.label, 0, 0, "", "%s", e.msg) != CS_OK) c.oom = 1;
            c.failed = 1;
        } else if (!value && !s->old) {
            fail(&c, path.n, "expected PATH=VALUE: no '=' after the path (write %s=VALUE; "
                 "quote the whole flag for the shell if the value holds spaces)", s->text);
        }
        if (!c.failed && value) c.value = make_value(&c, value);
        cs_ydoc_node *r = NULL;
        if (!c.failed && !c.oom) {
            if (!*root || (*root)->kind != CS_YDOC_MAP)
                fail(&c, 0, "the scenario is not a mapping of keys, so nothing can be set in it");
            else
                r = set_in(&c, *root, 0);
        }
        cs_ovpath_free(&path);
        if (c.oom) return CS_ENOMEM;
        if (c.failed) {
            any_failed = 1;
            continue;
        }
        if (r) *root = r;
    }
    return any_failed ? CS_EINPUT : CS_OK;
}
