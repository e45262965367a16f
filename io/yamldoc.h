/* A small YAML document model that remembers where every node was written.
 *
 * Concept.  libyaml's event stream is turned into a tree of cs_ydoc_node (null, scalar, list,
 * mapping).  Every node keeps the file it came from and its 1-based line and column, so a
 * loader that finds a semantic problem long after parsing (an unknown pool name, a share sum
 * of 95%) can still point at the text.  Scalars are kept as text: types are decided by the
 * reader of the tree (io/units.h), never guessed here ("07:00" stays "07:00", not 420).
 *
 * What is accepted beyond plain YAML data: anchors and aliases (an alias shares the anchored
 * node; the document may not expand to more than CS_YDOC_MAX_NODES nodes, which stops the
 * "billion laughs").  Refused, with a diagnostic: a second document in the stream, keys that
 * are not scalars, duplicate keys (reported at the second one), aliases to unknown anchors or
 * to a node that contains them, nesting deeper than CS_YDOC_MAX_DEPTH.  Tags are ignored.
 * Plain (unquoted) "", "~", "null", "Null" and "NULL" are CS_YDOC_NULL; quoted they are text.
 *
 * Ownership.  Nodes live in an arena (cs_ydoc) and are freed together by cs_ydoc_destroy().
 * Because nodes are never freed one by one, several parents may share one node (aliases,
 * merged trees); the tree operations below never modify an existing node, they build new
 * containers, so sharing is safe.
 *
 * Errors.  Problems in the text are appended to a cs_diags (io/scenario.h) with position and
 * the function returns CS_EINPUT; CS_ENOMEM means an allocation failed (the arena stays
 * valid and must still be destroyed).
 *
 * Not thread-safe per arena; separate arenas are independent (no global state). */
#ifndef CS_IO_YAMLDOC_H
#define CS_IO_YAMLDOC_H

#include <stdarg.h>
#include <stddef.h>

#include "io/scenario.h"
#include "sim/status.h"

/* Expanded size limit (aliases counted each time they are used) and nesting limit. */
#define CS_YDOC_MAX_NODES 1000000u
#define CS_YDOC_MAX_DEPTH 64u
/* Keys per mapping: keeps the duplicate-key check (linear) cheap on hostile input. */
#define CS_YDOC_MAX_KEYS 4096u

typedef enum cs_ydoc_kind {
    CS_YDOC_NULL = 0,   /* an empty value, ~ or null */
    CS_YDOC_SCALAR,     /* text */
    CS_YDOC_SEQ,        /* a list */
    CS_YDOC_MAP         /* a mapping with scalar keys */
} cs_ydoc_kind;

typedef struct cs_ydoc_node cs_ydoc_node;

typedef struct cs_ydoc_pair {
    cs_ydoc_node *key;   /* always CS_YDOC_SCALAR */
    cs_ydoc_node *val;
} cs_ydoc_pair;

struct cs_ydoc_node {
    cs_ydoc_kind kind;
    const char *file;       /* interned in the arena */
    unsigned line, col;     /* 1-based start of the node */
    const char *text;       /* SCALAR: the text, NUL-terminated; "" for the other kinds */
    cs_ydoc_node **items;   /* SEQ */
    size_t n_items;
    cs_ydoc_pair *pairs;    /* MAP, in the order written */
    size_t n_pairs;
    size_t cap;             /* private: capacity of items/pairs */
    size_t weight;          /* private: expanded size, aliases included */
};

typedef struct cs_ydoc cs_ydoc;   /* opaque arena */

/** @brief Creates an empty arena.  @param out OUT: the arena, NULL on failure.
 *  @return CS_OK or CS_ENOMEM. */
cs_status cs_ydoc_create(cs_ydoc **out);

/** @brief Frees the arena and every node and string in it.  NULL is a no-op. */
void cs_ydoc_destroy(cs_ydoc *doc);

/** @brief A copy of s owned by the arena (the same pointer for the same text).
 *  @return NULL on allocation failure. */
const char *cs_ydoc_intern(cs_ydoc *doc, const char *s);

/** @brief Parses one YAML document.
 *  @param text,len the bytes (need not be NUL-terminated).
 *  @param file name recorded in every node and diagnostic (interned).
 *  @param root OUT: the top node (CS_YDOC_NULL for an empty document), NULL on error.
 *  @param diags problems are appended here (may not be NULL).
 *  @return CS_OK, CS_EINPUT (diagnostics added) or CS_ENOMEM. */
cs_status cs_ydoc_parse(cs_ydoc *doc, const char *text, size_t len, const char *file,
                        cs_ydoc_node **root, cs_diags *diags);

/** @brief The pair whose key is `key` in a mapping, or NULL (also when map is not a mapping). */
const cs_ydoc_pair *cs_ydoc_find(const cs_ydoc_node *map, const char *key);

/** @brief The value of `key`, or NULL when the key is absent or its value is null. */
const cs_ydoc_node *cs_ydoc_get(const cs_ydoc_node *map, const char *key);

/** @brief Layers `over` on top of `base` and returns the result (a new node; the inputs are
 *  not modified and may share structure with the result):
 *   - two mappings merge key by key, recursively; base keys keep their order, new keys of
 *     `over` follow in theirs; a null value in `over` removes the key;
 *   - two non-empty lists whose items are all mappings with a scalar `name` merge by name:
 *     an item of `over` whose name matches a base item merges into it, the others are
 *     appended in order;
 *   - anything else: `over` replaces `base` (so an empty list clears a base list).
 *  Merged containers keep the position of the base container (where the thing was first
 *  written); leaves keep their own.
 *  @return the merged node, or NULL on allocation failure. */
cs_ydoc_node *cs_ydoc_merge(cs_ydoc *doc, cs_ydoc_node *base, cs_ydoc_node *over);

/** @brief A shallow copy of a mapping without `key` (the same node if the key is absent).
 *  @return NULL on allocation failure. */
cs_ydoc_node *cs_ydoc_without(cs_ydoc *doc, cs_ydoc_node *map, const char *key);

/* Building and editing trees (io/override: `--set` edits the merged document).  Nodes made
 * here live in the arena like parsed ones.  Editing never modifies a node that may be shared:
 * copy the containers on the way down (cs_ydoc_copy) and change the copies. */

/** @brief A new node: a scalar holding a copy of `text` (NULL or CS_YDOC_NULL: a null), or an
 *  empty list or mapping, recorded at file:line:col (file is interned; line 0 = no position).
 *  @return NULL on allocation failure. */
cs_ydoc_node *cs_ydoc_new(cs_ydoc *doc, cs_ydoc_kind kind, const char *text, const char *file,
                          unsigned line, unsigned col);

/** @brief A shallow copy of n (the same children, keys and position), whose items or pairs
 *  may then be replaced or appended to.  @return NULL on allocation failure. */
cs_ydoc_node *cs_ydoc_copy(cs_ydoc *doc, const cs_ydoc_node *n);

/** @brief Appends an item to a list, or a key and value to a mapping, made by cs_ydoc_new or
 *  cs_ydoc_copy.  @return CS_OK or CS_ENOMEM. */
cs_status cs_ydoc_append(cs_ydoc_node *seq, cs_ydoc_node *item);
cs_status cs_ydoc_append_pair(cs_ydoc_node *map, cs_ydoc_node *key, cs_ydoc_node *val);

/** @brief "a mapping", "a list", "a single value" or "nothing", for "expected X, got Y". */
const char *cs_ydoc_kind_name(cs_ydoc_kind kind);

/** @brief Appends one diagnostic (printf-style message) to d.  Strings too long for the
 *  fixed fields are truncated.  @return CS_OK or CS_ENOMEM (then nothing was added). */
cs_status cs_ydoc_diag(cs_diags *d, const char *file, unsigned line, unsigned col,
                       const char *path, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/** @brief va_list form of cs_ydoc_diag. */
cs_status cs_ydoc_vdiag(cs_diags *d, const char *file, unsigned line, unsigned col,
                        const char *path, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

#endif
