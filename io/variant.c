/* Variant files with base: and changed values.  See io/variant.h. */
#include "io/variant.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "io/override.h"
#include "io/yamldoc.h"

typedef struct em {
    yaml_emitter_t e;
    cs_status st;
    cs_error *err;
} em;

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
    return fwrite(buffer, 1, size, (FILE *)data) == size;
}

static void emit(em *m, yaml_event_t *ev)
{
    if (m->st != CS_OK) {
        yaml_event_delete(ev);
        return;
    }
    if (!yaml_emitter_emit(&m->e, ev)) {
        if (m->e.error == YAML_WRITER_ERROR)
            m->st = cs_error_set(m->err, CS_EIO, "cannot write the scenario: %s", errno ? strerror(errno) : "write error");
        else if (m->e.error == YAML_MEMORY_ERROR)
            m->st = cs_error_set(m->err, CS_ENOMEM, "out of memory");
        else
            m->st = cs_error_set(m->err, CS_EINPUT, "cannot write the scenario: %s", m->e.problem ? m->e.problem : "emitter failed");
    }
}

static void scalar(em *m, const char *s, yaml_scalar_style_t style)
{
    if (m->st != CS_OK) return;
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)s, (int)strlen(s), 1, 1, style)) {
        m->st = cs_error_set(m->err, CS_EINPUT, "'%.80s' is not valid UTF-8 text, so it cannot be written as YAML", s);
        return;
    }
    emit(m, &ev);
}

static void start(em *m, int map)
{
    if (m->st != CS_OK) return;
    yaml_event_t ev;
    if (map) yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    else yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
    emit(m, &ev);
}

static void end(em *m, int map)
{
    if (m->st != CS_OK) return;
    yaml_event_t ev;
    if (map) yaml_mapping_end_event_initialize(&ev);
    else yaml_sequence_end_event_initialize(&ev);
    emit(m, &ev);
}

/* Writes a tree built below; `name` values and keys that look like anything but plain words
 * are quoted by the emitter as needed (ANY style), names always double-quoted. */
static void write_node(em *m, const cs_ydoc_node *n, int is_name, int depth)
{
    if (m->st != CS_OK || depth > (int)CS_YDOC_MAX_DEPTH) return;
    switch (n->kind) {
    case CS_YDOC_NULL: scalar(m, "~", YAML_PLAIN_SCALAR_STYLE); break;
    case CS_YDOC_SCALAR: scalar(m, n->text, is_name ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE); break;
    case CS_YDOC_SEQ:
        start(m, 0);
        for (size_t i = 0; i < n->n_items; i++) write_node(m, n->items[i], 0, depth + 1);
        end(m, 0);
        break;
    case CS_YDOC_MAP:
        start(m, 1);
        for (size_t i = 0; i < n->n_pairs; i++) {
            scalar(m, n->pairs[i].key->text, YAML_ANY_SCALAR_STYLE);
            write_node(m, n->pairs[i].val, strcmp(n->pairs[i].key->text, "name") == 0, depth + 1);
        }
        end(m, 1);
        break;
    }
}

static cs_ydoc_node *value_node(cs_ydoc *doc, const char *v, cs_error *err)
{
    while (*v == ' ' || *v == '\t') v++;
    size_t len = strlen(v);
    while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t')) len--;
    char *t = malloc(len + 1);
    if (!t) return NULL;
    memcpy(t, v, len);
    t[len] = '\0';
    cs_ydoc_node *n = NULL;
    if (t[0] == '{' || t[0] == '[' || t[0] == '"' || t[0] == '\'') {
        cs_diags d = {0};
        if (cs_ydoc_parse(doc, t, len, "value", &n, &d) != CS_OK) {
            cs_error_set(err, CS_EINPUT, "value '%.80s' is not valid YAML", t);
            n = NULL;
        }
        cs_diags_free(&d);
    } else if (!*t || strcmp(t, "~") == 0 || strcmp(t, "null") == 0) {
        n = cs_ydoc_new(doc, CS_YDOC_NULL, NULL, "", 0, 0);
    } else {
        n = cs_ydoc_new(doc, CS_YDOC_SCALAR, t, "", 0, 0);
    }
    free(t);
    return n;
}

/* Finds or adds key k in map (a node this function made). */
static cs_ydoc_node **slot_in_map(cs_ydoc *doc, cs_ydoc_node *map, const char *k)
{
    for (size_t i = 0; i < map->n_pairs; i++)
        if (strcmp(map->pairs[i].key->text, k) == 0) return &map->pairs[i].val;
    cs_ydoc_node *key = cs_ydoc_new(doc, CS_YDOC_SCALAR, k, "", 0, 0);
    cs_ydoc_node *nul = cs_ydoc_new(doc, CS_YDOC_NULL, NULL, "", 0, 0);
    if (!key || !nul || cs_ydoc_append_pair(map, key, nul) != CS_OK) return NULL;
    return &map->pairs[map->n_pairs - 1].val;
}

static cs_status add_change(cs_ydoc *doc, cs_ydoc_node *root, const cs_variant_change *ch, cs_error *err)
{
    cs_ovpath p;
    const char *value = NULL;
    cs_status st = cs_ovpath_parse(ch->text, &p, &value, err);
    if (st == CS_OK && !value) st = cs_error_set(err, CS_EINPUT, "'%s' has no value", ch->text);
    cs_ydoc_node *cur = root;
    for (size_t i = 0; st == CS_OK && i < p.n; i++) {
        const cs_ovpath_seg *g = &p.seg[i];
        if (!g->name) {
            st = cs_error_set(err, CS_EINPUT, "'%s' changes an item of a list by its position; a variant file can only "
                              "change list items that have a name (give the item a name: in the scenario)", ch->text);
            break;
        }
        if (i < 8 * sizeof ch->items && (ch->unnamed >> i) & 1) {
            st = cs_error_set(err, CS_EINPUT, "'%s' changes an item of a list in which some items have no name; a "
                              "variant file can only change items of lists whose items all have names (base: merges "
                              "lists by name)", ch->text);
            break;
        }
        if (i < 8 * sizeof ch->items && (ch->items >> i) & 1) {
            /* cur is the list: find or add the item {name: g->name}. */
            cs_ydoc_node *item = NULL;
            for (size_t k = 0; k < cur->n_items && !item; k++) {
                const cs_ydoc_node *nm = cs_ydoc_get(cur->items[k], "name");
                if (nm && strcmp(nm->text, g->name) == 0) item = cur->items[k];
            }
            if (!item) {
                item = cs_ydoc_new(doc, CS_YDOC_MAP, NULL, "", 0, 0);
                cs_ydoc_node *k = cs_ydoc_new(doc, CS_YDOC_SCALAR, "name", "", 0, 0);
                cs_ydoc_node *v = cs_ydoc_new(doc, CS_YDOC_SCALAR, g->name, "", 0, 0);
                if (!item || !k || !v || cs_ydoc_append_pair(item, k, v) != CS_OK || cs_ydoc_append(cur, item) != CS_OK) {
                    st = cs_error_set(err, CS_ENOMEM, "out of memory");
                    break;
                }
            }
            cur = item;
            continue;
        }
        if (cur->kind != CS_YDOC_MAP) {
            st = cs_error_set(err, CS_EINPUT, "'%s' conflicts with another change", ch->text);
            break;
        }
        cs_ydoc_node **slot = slot_in_map(doc, cur, g->name);
        if (!slot) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
            break;
        }
        if (i + 1 == p.n) {
            cs_ydoc_node *v = value_node(doc, value, err);
            if (!v) st = err && err->code != CS_OK ? err->code : cs_error_set(err, CS_ENOMEM, "out of memory");
            else *slot = v;
            break;
        }
        int next_list = i + 1 < 8 * sizeof ch->items && (ch->items >> (i + 1)) & 1;
        if ((*slot)->kind == CS_YDOC_NULL) {
            *slot = cs_ydoc_new(doc, next_list ? CS_YDOC_SEQ : CS_YDOC_MAP, NULL, "", 0, 0);
            if (!*slot) {
                st = cs_error_set(err, CS_ENOMEM, "out of memory");
                break;
            }
        } else if ((*slot)->kind != (next_list ? CS_YDOC_SEQ : CS_YDOC_MAP)) {
            st = cs_error_set(err, CS_EINPUT, "'%s' conflicts with another change to the same key", ch->text);
            break;
        }
        cur = *slot;
    }
    cs_ovpath_free(&p);
    return st;
}

static void comment_block(FILE *f, const char *c)
{
    fputs("# ", f);
    for (; *c; c++) {
        if (*c == '\n') {
            fputs(c[1] ? "\n# " : "\n", f);
            if (!c[1]) return;
            continue;
        }
        fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, f);
    }
    fputc('\n', f);
}

cs_status cs_variant_write(FILE *f, const char *base, const char *name, const char *comment,
                           const cs_variant_change *changes, size_t n, cs_error *err)
{
    cs_ydoc *doc = NULL;
    if (cs_ydoc_create(&doc) != CS_OK) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_status st = CS_OK;
    cs_ydoc_node *root = cs_ydoc_new(doc, CS_YDOC_MAP, NULL, "", 0, 0);
    if (!root) st = cs_error_set(err, CS_ENOMEM, "out of memory");
    const char *fixed[2][2] = {{"name", name}, {"base", base}};
    for (int i = 0; st == CS_OK && i < 2; i++) {
        if (!fixed[i][1]) continue;
        cs_ydoc_node **slot = slot_in_map(doc, root, fixed[i][0]);
        if (!slot || !(*slot = cs_ydoc_new(doc, CS_YDOC_SCALAR, fixed[i][1], "", 0, 0)))
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; st == CS_OK && i < n; i++) st = add_change(doc, root, &changes[i], err);
    if (st == CS_OK) {
        if (comment) comment_block(f, comment);
        em m;
        memset(&m, 0, sizeof m);
        m.err = err;
        if (!yaml_emitter_initialize(&m.e)) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
        } else {
            yaml_emitter_set_output(&m.e, write_handler, f);
            yaml_emitter_set_unicode(&m.e, 1);
            yaml_emitter_set_width(&m.e, 100);
            yaml_event_t ev;
            yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
            emit(&m, &ev);
            yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
            emit(&m, &ev);
            write_node(&m, root, 0, 0);
            yaml_document_end_event_initialize(&ev, 1);
            emit(&m, &ev);
            yaml_stream_end_event_initialize(&ev);
            emit(&m, &ev);
            st = m.st;
            yaml_emitter_delete(&m.e);
        }
    }
    /* The base path and name are user text: write_node quotes `name`; base is a path. */
    cs_ydoc_destroy(doc);
    return st;
}
