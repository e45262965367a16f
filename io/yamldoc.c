/* YAML -> document tree with positions.  See io/yamldoc.h. */
#include "io/yamldoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

struct cs_ydoc {
    cs_ydoc_node **nodes;   /* every node ever made, freed together */
    size_t n_nodes, cap_nodes;
    char **strs;            /* scalar texts and interned names */
    size_t n_strs, cap_strs;
};

/* ---- arena ---------------------------------------------------------------------------- */

cs_status cs_ydoc_create(cs_ydoc **out)
{
    CS_REQUIRE(out != NULL);
    *out = calloc(1, sizeof **out);
    return *out ? CS_OK : CS_ENOMEM;
}

void cs_ydoc_destroy(cs_ydoc *doc)
{
    if (!doc) return;
    for (size_t i = 0; i < doc->n_nodes; i++) {
        free(doc->nodes[i]->items);
        free(doc->nodes[i]->pairs);
        free(doc->nodes[i]);
    }
    for (size_t i = 0; i < doc->n_strs; i++) free(doc->strs[i]);
    free(doc->nodes);
    free(doc->strs);
    free(doc);
}

/* Grows *arr (of elements of size `size`) so that it holds at least need elements. */
static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc < need) nc *= 2;
    void *p = realloc(*arr, nc * size);
    if (!p) return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

static char *keep_string(cs_ydoc *doc, const char *s, size_t len)
{
    void *arr = doc->strs;
    if (grow(&arr, &doc->cap_strs, doc->n_strs + 1, sizeof(char *)) != 0) return NULL;
    doc->strs = arr;
    char *c = malloc(len + 1);
    if (!c) return NULL;
    memcpy(c, s, len);
    c[len] = '\0';
    doc->strs[doc->n_strs++] = c;
    return c;
}

const char *cs_ydoc_intern(cs_ydoc *doc, const char *s)
{
    /* Only file names are interned (a handful per load): a linear search is enough. */
    for (size_t i = doc->n_strs; i-- > 0;)
        if (strcmp(doc->strs[i], s) == 0) return doc->strs[i];
    return keep_string(doc, s, strlen(s));
}

static cs_ydoc_node *new_node(cs_ydoc *doc, cs_ydoc_kind kind, const char *file, unsigned line,
                              unsigned col)
{
    void *arr = doc->nodes;
    if (grow(&arr, &doc->cap_nodes, doc->n_nodes + 1, sizeof(cs_ydoc_node *)) != 0)
        return NULL;
    doc->nodes = arr;
    cs_ydoc_node *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    n->text = "";
    n->weight = 1;
    doc->nodes[doc->n_nodes++] = n;
    return n;
}

static int push_item(cs_ydoc_node *seq, cs_ydoc_node *item)
{
    void *arr = seq->items;
    if (grow(&arr, &seq->cap, seq->n_items + 1, sizeof(cs_ydoc_node *)) != 0) return -1;
    seq->items = arr;
    seq->items[seq->n_items++] = item;
    return 0;
}

static int push_pair(cs_ydoc_node *map, cs_ydoc_node *key, cs_ydoc_node *val)
{
    void *arr = map->pairs;
    if (grow(&arr, &map->cap, map->n_pairs + 1, sizeof(cs_ydoc_pair)) != 0) return -1;
    map->pairs = arr;
    map->pairs[map->n_pairs].key = key;
    map->pairs[map->n_pairs].val = val;
    map->n_pairs++;
    return 0;
}

/* ---- diagnostics ---------------------------------------------------------------------- */

cs_status cs_ydoc_vdiag(cs_diags *d, const char *file, unsigned line, unsigned col,
                        const char *path, const char *fmt, va_list ap)
{
    void *arr = d->items;
    if (grow(&arr, &d->cap, d->n + 1, sizeof(cs_diag)) != 0) return CS_ENOMEM;
    d->items = arr;
    cs_diag *g = &d->items[d->n++];
    memset(g, 0, sizeof *g);
    snprintf(g->file, sizeof g->file, "%s", file ? file : "");
    g->line = line;
    g->col = col;
    snprintf(g->path, sizeof g->path, "%s", path ? path : "");
    vsnprintf(g->msg, sizeof g->msg, fmt, ap);
    return CS_OK;
}

cs_status cs_ydoc_diag(cs_diags *d, const char *file, unsigned line, unsigned col,
                       const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs_status st = cs_ydoc_vdiag(d, file, line, col, path, fmt, ap);
    va_end(ap);
    return st;
}

const char *cs_ydoc_kind_name(cs_ydoc_kind kind)
{
    switch (kind) {
    case CS_YDOC_NULL: return "nothing";
    case CS_YDOC_SCALAR: return "a single value";
    case CS_YDOC_SEQ: return "a list";
    case CS_YDOC_MAP: return "a mapping";
    }
    return "something else";
}

/* ---- parsing -------------------------------------------------------------------------- */

typedef struct frame {
    cs_ydoc_node *node;
    cs_ydoc_node *key;     /* MAP: the key waiting for its value */
    int want_value;        /* MAP: the next node is a value (key may be NULL if it was bad) */
} frame;

typedef struct anchor {
    char *name;
    cs_ydoc_node *node;
    int open;              /* the anchored container is still being read */
} anchor;

typedef struct parse_state {
    cs_ydoc *doc;
    const char *file;
    cs_diags *diags;
    frame stack[CS_YDOC_MAX_DEPTH];
    size_t depth;
    anchor *anchors;
    size_t n_anchors, cap_anchors;
    cs_ydoc_node *root;
    int fatal;             /* stop: the structure cannot be trusted any more */
    int oom;
} parse_state;

static void perr(parse_state *ps, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void perr(parse_state *ps, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (cs_ydoc_vdiag(ps->diags, ps->file, line, col, "", fmt, ap) != CS_OK) ps->oom = 1;
    va_end(ap);
}

static int is_null_text(const char *s)
{
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* Attaches a finished node to the open container (or makes it the root). */
static void attach(parse_state *ps, cs_ydoc_node *n)
{
    if (ps->depth == 0) {
        ps->root = n;
        return;
    }
    frame *f = &ps->stack[ps->depth - 1];
    cs_ydoc_node *parent = f->node;
    if (parent->kind == CS_YDOC_SEQ) {
        if (push_item(parent, n) != 0) {
            ps->oom = 1;
            return;
        }
    } else if (!f->want_value) {
        f->want_value = 1;
        f->key = NULL;
        if (n->kind == CS_YDOC_NULL && n->text[0] != '\0') n->kind = CS_YDOC_SCALAR;
        if (n->kind != CS_YDOC_SCALAR) {
            perr(ps, n->line, n->col, "a key must be a plain name, found %s",
                 cs_ydoc_kind_name(n->kind));
            return;
        }
        for (size_t i = 0; i < parent->n_pairs; i++) {
            const cs_ydoc_node *k = parent->pairs[i].key;
            if (strcmp(k->text, n->text) == 0) {
                perr(ps, n->line, n->col,
                     "duplicate key '%s' (first given at line %u); each key may appear once "
                     "in a mapping",
                     n->text, k->line);
                return;
            }
        }
        if (parent->n_pairs >= CS_YDOC_MAX_KEYS) {
            perr(ps, n->line, n->col, "mapping has more than %u keys", CS_YDOC_MAX_KEYS);
            ps->fatal = 1;
            return;
        }
        f->key = n;
        return;     /* keys do not count towards the weight: they are never walked alone */
    } else {
        f->want_value = 0;
        if (!f->key) return;   /* the key was refused: drop its value too */
        if (push_pair(parent, f->key, n) != 0) {
            ps->oom = 1;
            return;
        }
        f->key = NULL;
    }
    parent->weight += n->weight;
    if (parent->weight > CS_YDOC_MAX_NODES) {
        perr(ps, n->line, n->col,
             "the document is too large (more than %u values once aliases are expanded)",
             CS_YDOC_MAX_NODES);
        ps->fatal = 1;
    }
}

static void add_anchor(parse_state *ps, const yaml_char_t *name, cs_ydoc_node *n, int open)
{
    if (!name) return;
    void *arr = ps->anchors;
    if (grow(&arr, &ps->cap_anchors, ps->n_anchors + 1, sizeof(anchor)) != 0) {
        ps->oom = 1;
        return;
    }
    ps->anchors = arr;
    char *c = strdup((const char *)name);
    if (!c) {
        ps->oom = 1;
        return;
    }
    ps->anchors[ps->n_anchors].name = c;
    ps->anchors[ps->n_anchors].node = n;
    ps->anchors[ps->n_anchors].open = open;
    ps->n_anchors++;
}

static void close_anchor(parse_state *ps, const cs_ydoc_node *n)
{
    for (size_t i = 0; i < ps->n_anchors; i++)
        if (ps->anchors[i].node == n) ps->anchors[i].open = 0;
}

/* Line and column (1-based) of a byte offset, for reader errors that only carry an offset. */
static void offset_to_mark(const char *text, size_t len, size_t off, unsigned *line,
                           unsigned *col)
{
    unsigned l = 1, c = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static void syntax_error(parse_state *ps, const yaml_parser_t *p, const char *text, size_t len)
{
    if (p->error == YAML_MEMORY_ERROR) {
        ps->oom = 1;
        return;
    }
    const char *problem = p->problem ? p->problem : "unknown problem";
    if (p->error == YAML_READER_ERROR) {
        unsigned line, col;
        offset_to_mark(text, len, p->problem_offset, &line, &col);
        if (p->problem_value >= 0)
            perr(ps, line, col, "cannot read the file as UTF-8 text: %s (byte 0x%02X); save "
                 "it as UTF-8", problem, (unsigned)p->problem_value);
        else
            perr(ps, line, col, "cannot read the file as UTF-8 text: %s; save it as UTF-8",
                 problem);
        return;
    }
    unsigned line = (unsigned)p->problem_mark.line + 1, col = (unsigned)p->problem_mark.column + 1;
    if (p->context)
        perr(ps, line, col, "YAML syntax error: %s (%s that starts at line %u, column %u); "
             "check the indentation and the brackets and quotes before this point",
             problem, p->context, (unsigned)p->context_mark.line + 1,
             (unsigned)p->context_mark.column + 1);
    else
        perr(ps, line, col, "YAML syntax error: %s", problem);
}

cs_status cs_ydoc_parse(cs_ydoc *doc, const char *text, size_t len, const char *file,
                        cs_ydoc_node **root, cs_diags *diags)
{
    CS_REQUIRE(doc && text && root && diags);
    *root = NULL;
    parse_state ps;
    memset(&ps, 0, sizeof ps);
    ps.doc = doc;
    ps.diags = diags;
    ps.file = cs_ydoc_intern(doc, file ? file : "<string>");
    if (!ps.file) return CS_ENOMEM;
    size_t n_diags0 = diags->n;

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) return CS_ENOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int n_docs = 0, done = 0;
    while (!done && !ps.fatal && !ps.oom) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            syntax_error(&ps, &p, text, len);
            ps.fatal = 1;
            break;
        }
        unsigned line = (unsigned)ev.start_mark.line + 1, col = (unsigned)ev.start_mark.column + 1;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++n_docs > 1) {
                perr(&ps, line, col, "a scenario file holds one YAML document, found a second "
                     "one here (remove the '---' or split the file)");
                ps.fatal = 1;
            }
            break;
        case YAML_SCALAR_EVENT: {
            cs_ydoc_node *n = new_node(doc, CS_YDOC_SCALAR, ps.file, line, col);
            const char *t = n ? keep_string(doc, (const char *)ev.data.scalar.value,
                                            ev.data.scalar.length)
                              : NULL;
            if (!t) {
                ps.oom = 1;
                break;
            }
            n->text = t;
            if (ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && is_null_text(t))
                n->kind = CS_YDOC_NULL;
            add_anchor(&ps, ev.data.scalar.anchor, n, 0);
            attach(&ps, n);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            if (ps.depth >= CS_YDOC_MAX_DEPTH) {
                perr(&ps, line, col, "values are nested more than %u levels deep",
                     CS_YDOC_MAX_DEPTH);
                ps.fatal = 1;
                break;
            }
            cs_ydoc_node *n = new_node(doc, ev.type == YAML_SEQUENCE_START_EVENT ? CS_YDOC_SEQ
                                                                                  : CS_YDOC_MAP,
                                       ps.file, line, col);
            if (!n) {
                ps.oom = 1;
                break;
            }
            const yaml_char_t *a = ev.type == YAML_SEQUENCE_START_EVENT
                                       ? ev.data.sequence_start.anchor
                                       : ev.data.mapping_start.anchor;
            add_anchor(&ps, a, n, 1);
            frame *f = &ps.stack[ps.depth++];
            f->node = n;
            f->key = NULL;
            f->want_value = 0;
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            CS_REQUIRE(ps.depth > 0);   /* libyaml balances start and end events */
            cs_ydoc_node *n = ps.stack[--ps.depth].node;
            close_anchor(&ps, n);
            attach(&ps, n);
            break;
        }
        case YAML_ALIAS_EVENT: {
            const char *name = (const char *)ev.data.alias.anchor;
            anchor *a = NULL;
            for (size_t i = ps.n_anchors; i-- > 0;)
                if (strcmp(ps.anchors[i].name, name) == 0) {
                    a = &ps.anchors[i];
                    break;
                }
            if (!a) {
                perr(&ps, line, col, "alias '*%s' has no anchor '&%s' before it", name, name);
                ps.fatal = 1;
            } else if (a->open) {
                perr(&ps, line, col, "alias '*%s' is used inside the value it names (a value "
                     "cannot contain itself)", name);
                ps.fatal = 1;
            } else {
                attach(&ps, a->node);
            }
            break;
        }
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    for (size_t i = 0; i < ps.n_anchors; i++) free(ps.anchors[i].name);
    free(ps.anchors);

    if (ps.oom) return CS_ENOMEM;
    if (!ps.fatal) {
        if (!ps.root) {   /* an empty stream: treat as an empty document */
            ps.root = new_node(doc, CS_YDOC_NULL, ps.file, 1, 1);
            if (!ps.root) return CS_ENOMEM;
        }
        *root = ps.root;
    }
    return diags->n > n_diags0 ? CS_EINPUT : CS_OK;
}

/* ---- queries and tree operations ------------------------------------------------------ */

const cs_ydoc_pair *cs_ydoc_find(const cs_ydoc_node *map, const char *key)
{
    if (!map || map->kind != CS_YDOC_MAP) return NULL;
    for (size_t i = 0; i < map->n_pairs; i++)
        if (strcmp(map->pairs[i].key->text, key) == 0) return &map->pairs[i];
    return NULL;
}

const cs_ydoc_node *cs_ydoc_get(const cs_ydoc_node *map, const char *key)
{
    const cs_ydoc_pair *p = cs_ydoc_find(map, key);
    return p && p->val->kind != CS_YDOC_NULL ? p->val : NULL;
}

static const char *item_name(const cs_ydoc_node *n)
{
    const cs_ydoc_node *v = cs_ydoc_get(n, "name");
    return v && v->kind == CS_YDOC_SCALAR ? v->text : NULL;
}

static int all_named(const cs_ydoc_node *seq)
{
    if (seq->n_items == 0) return 0;
    for (size_t i = 0; i < seq->n_items; i++)
        if (!item_name(seq->items[i])) return 0;
    return 1;
}

cs_ydoc_node *cs_ydoc_merge(cs_ydoc *doc, cs_ydoc_node *base, cs_ydoc_node *over)
{
    if (!base) return over;
    if (!over) return base;
    if (base->kind == CS_YDOC_MAP && over->kind == CS_YDOC_MAP) {
        cs_ydoc_node *r = new_node(doc, CS_YDOC_MAP, base->file, base->line, base->col);
        if (!r) return NULL;
        for (size_t i = 0; i < base->n_pairs; i++) {
            const cs_ydoc_pair *bp = &base->pairs[i];
            const cs_ydoc_pair *op = cs_ydoc_find(over, bp->key->text);
            if (!op) {
                if (push_pair(r, bp->key, bp->val) != 0) return NULL;
                continue;
            }
            if (op->val->kind == CS_YDOC_NULL) continue;   /* removed by the variant */
            cs_ydoc_node *v = cs_ydoc_merge(doc, bp->val, op->val);
            if (!v || push_pair(r, op->key, v) != 0) return NULL;
        }
        for (size_t i = 0; i < over->n_pairs; i++) {
            const cs_ydoc_pair *op = &over->pairs[i];
            if (op->val->kind == CS_YDOC_NULL || cs_ydoc_find(base, op->key->text)) continue;
            if (push_pair(r, op->key, op->val) != 0) return NULL;
        }
        for (size_t i = 0; i < r->n_pairs; i++) r->weight += r->pairs[i].val->weight;
        return r;
    }
    if (base->kind == CS_YDOC_SEQ && over->kind == CS_YDOC_SEQ && all_named(base) &&
        all_named(over)) {
        cs_ydoc_node *r = new_node(doc, CS_YDOC_SEQ, base->file, base->line, base->col);
        if (!r) return NULL;
        for (size_t i = 0; i < base->n_items; i++)
            if (push_item(r, base->items[i]) != 0) return NULL;
        /* matched[i]: base item i already took a variant item; a second variant item with
         * the same name is appended instead, so the duplicate is still reported later. */
        unsigned char *matched = calloc(base->n_items, 1);
        if (!matched) return NULL;
        for (size_t j = 0; j < over->n_items; j++) {
            const char *name = item_name(over->items[j]);
            size_t i = 0;
            while (i < base->n_items && (matched[i] || strcmp(item_name(base->items[i]), name)))
                i++;
            if (i < base->n_items) {
                matched[i] = 1;
                cs_ydoc_node *m = cs_ydoc_merge(doc, base->items[i], over->items[j]);
                if (!m) {
                    free(matched);
                    return NULL;
                }
                r->items[i] = m;
            } else if (push_item(r, over->items[j]) != 0) {
                free(matched);
                return NULL;
            }
        }
        free(matched);
        for (size_t i = 0; i < r->n_items; i++) r->weight += r->items[i]->weight;
        return r;
    }
    return over;
}

cs_ydoc_node *cs_ydoc_without(cs_ydoc *doc, cs_ydoc_node *map, const char *key)
{
    if (!cs_ydoc_find(map, key)) return map;
    cs_ydoc_node *r = new_node(doc, CS_YDOC_MAP, map->file, map->line, map->col);
    if (!r) return NULL;
    for (size_t i = 0; i < map->n_pairs; i++) {
        if (strcmp(map->pairs[i].key->text, key) == 0) continue;
        if (push_pair(r, map->pairs[i].key, map->pairs[i].val) != 0) return NULL;
        r->weight += map->pairs[i].val->weight;
    }
    return r;
}

/* ---- building and editing ------------------------------------------------------------- */

cs_ydoc_node *cs_ydoc_new(cs_ydoc *doc, cs_ydoc_kind kind, const char *text, const char *file,
                          unsigned line, unsigned col)
{
    const char *f = cs_ydoc_intern(doc, file ? file : "");
    if (!f) return NULL;
    if (kind == CS_YDOC_SCALAR && !text) kind = CS_YDOC_NULL;
    cs_ydoc_node *n = new_node(doc, kind, f, line, col);
    if (!n) return NULL;
    if (kind == CS_YDOC_SCALAR) {
        n->text = keep_string(doc, text, strlen(text));
        if (!n->text) return NULL;
    }
    return n;
}

cs_ydoc_node *cs_ydoc_copy(cs_ydoc *doc, const cs_ydoc_node *n)
{
    cs_ydoc_node *r = new_node(doc, n->kind, n->file, n->line, n->col);
    if (!r) return NULL;
    r->text = n->text;
    for (size_t i = 0; i < n->n_items; i++)
        if (cs_ydoc_append(r, n->items[i]) != CS_OK) return NULL;
    for (size_t i = 0; i < n->n_pairs; i++)
        if (cs_ydoc_append_pair(r, n->pairs[i].key, n->pairs[i].val) != CS_OK) return NULL;
    r->weight = n->weight;
    return r;
}

cs_status cs_ydoc_append(cs_ydoc_node *seq, cs_ydoc_node *item)
{
    CS_REQUIRE(seq->kind == CS_YDOC_SEQ);
    if (push_item(seq, item) != 0) return CS_ENOMEM;
    seq->weight += item->weight;
    return CS_OK;
}

cs_status cs_ydoc_append_pair(cs_ydoc_node *map, cs_ydoc_node *key, cs_ydoc_node *val)
{
    CS_REQUIRE(map->kind == CS_YDOC_MAP && key->kind == CS_YDOC_SCALAR);
    if (push_pair(map, key, val) != 0) return CS_ENOMEM;
    map->weight += val->weight;
    return CS_OK;
}
