/* Scenario loader: keys and values (see io/scenario_int.h).  Unknown keys with suggestions,
 * typed values with units (io/units.h), plain numbers read without the locale, names, days of
 * the week, and distributions. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/scenario_int.h"
#include "io/units.h"
#include "models/dist.h"

/* ---- suggestions (ASCII case-insensitive, independent of the locale) ------------------- */

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
            unsigned best = diag + (cs_text_lower(a[i - 1]) == cs_text_lower(b[j - 1]) ? 0u : 1u);
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
    while (a[n] && b[n] && cs_text_lower(a[n]) == cs_text_lower(b[n])) n++;
    return n;
}

/* The candidate a typist most likely meant: the nearest within edit distance 2 (and less
 * than the word's own length, so 'x' does not suggest 'to'), else the one sharing the
 * longest prefix of at least 3 characters.  NULL when nothing is close. */
const char *csi_scn_suggest(const char *word, const char *const *cand, size_t n)
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
void csi_scn_unknown_name(ld *c, node *at, const char *what, const char *name,
                         const char *const *cand, size_t n, const char *plural)
{
    const char *s = csi_scn_suggest(name, cand, n);
    if (s) {
        csi_scn_err_at(c, at, "unknown %s '%s' (did you mean '%s'?)", what, name, s);
        return;
    }
    char list[256] = "";
    list_names(list, sizeof list, cand, n, 1);
    if (list[0])
        csi_scn_err_at(c, at, "unknown %s '%s'; the %s are: %s", what, name, plural, list);
    else
        csi_scn_err_at(c, at, "unknown %s '%s'; no %s are defined", what, name, plural);
}

/* ---- stage 2 helpers: keys and values -------------------------------------------------- */

/* Reports keys of `map` that are not in `known` (NULL-terminated). */
void csi_scn_check_keys(ld *c, node *map, const char *const *known)
{
    size_t nk = 0;
    while (known[nk]) nk++;
    for (size_t i = 0; i < map->n_pairs; i++) {
        node *k = map->pairs[i].key;
        size_t j = 0;
        while (j < nk && strcmp(known[j], k->text) != 0) j++;
        if (j < nk) continue;
        size_t pk = csi_scn_push_key(c, k->text);
        if (strcmp(k->text, "<<") == 0) {
            csi_scn_err_at(c, k, "YAML merge keys (<<) are not supported; use base: to build on "
                           "another scenario, or repeat the keys");
        } else {
            const char *s = csi_scn_suggest(k->text, known, nk);
            if (s) {
                csi_scn_err_at(c, k, "unknown key '%s' (did you mean '%s'?)", k->text, s);
                if (c->n_typo == c->cap_typo) {
                    size_t nc = c->cap_typo ? 2 * c->cap_typo : 8;
                    void *p = realloc(c->typo, nc * sizeof *c->typo);
                    if (!p) {
                        csi_scn_oom(c);
                        csi_scn_pop(c, pk);
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
                csi_scn_err_at(c, k, "unknown key '%s'; expected one of: %s", k->text, list);
            }
        }
        csi_scn_pop(c, pk);
    }
}

int csi_scn_was_typo(const ld *c, node *map, const char *key)
{
    for (size_t i = 0; i < c->n_typo; i++)
        if (c->typo[i].map == map && strcmp(c->typo[i].key, key) == 0) return 1;
    return 0;
}

/* The value of `key`: 1 and *v when given (not null); 0 when absent; -1 when required and
 * absent (reported at the enclosing mapping). */
int csi_scn_field(ld *c, node *map, const char *key, int required, node **v)
{
    *v = cs_ydoc_get(map, key);
    if (*v) return 1;
    if (!required) return 0;
    if (csi_scn_was_typo(c, map, key)) return -1;
    size_t pk = csi_scn_push_key(c, key);
    csi_scn_err_at(c, map, "missing key '%s'", key);
    csi_scn_pop(c, pk);
    return -1;
}

int csi_scn_need_kind(ld *c, node *v, cs_ydoc_kind kind, const char *expected)
{
    if (v->kind == kind) return 0;
    csi_scn_err_at(c, v, "expected %s, got %s", expected, cs_ydoc_kind_name(v->kind));
    return -1;
}

int csi_scn_need_map(ld *c, node *v, const char *what)
{
    if (v->kind == CS_YDOC_MAP) return 0;
    csi_scn_err_at(c, v, "expected a mapping (%s), got %s%s%s%s", what, cs_ydoc_kind_name(v->kind),
                   v->kind == CS_YDOC_SCALAR ? " '" : "", v->kind == CS_YDOC_SCALAR ? v->text : "",
                   v->kind == CS_YDOC_SCALAR ? "'" : "");
    return -1;
}

typedef cs_status (*unit_fn)(const char *, double *, cs_error *);

static int unit_value(ld *c, node *v, unit_fn fn, const char *what, double *out)
{
    if (v->kind != CS_YDOC_SCALAR) {
        csi_scn_err_at(c, v, "expected %s, got %s", what, cs_ydoc_kind_name(v->kind));
        return -1;
    }
    cs_error e;
    double x;
    if (fn(v->text, &x, &e) != CS_OK) {
        csi_scn_err_at(c, v, "%s", e.msg);
        return -1;
    }
    *out = x;
    return 0;
}

int csi_scn_v_dur(ld *c, node *v, double *o)
{
    return unit_value(c, v, cs_units_parse_duration, "a duration such as 45s, 3m or 1h30m", o);
}
int csi_scn_v_rate(ld *c, node *v, double *o)
{
    if (unit_value(c, v, cs_units_parse_rate, "a rate such as 120/h or 2/s", o) != 0) return -1;
    return csi_scn_check_rate(c, v, *o, "");
}

int csi_scn_check_rate(ld *c, node *at, double rate, const char *when)
{
    if (rate <= CS_SCN_MAX_RATE) return 0;
    csi_scn_err_at(c, at, "%.4g calls a second%s is more than the %g a second one line can take: "
                   "all 999 and 101 calls in England and Wales together average about 1.3 a "
                   "second; check the number and its unit (120/h, 2/s)", rate, when,
                   CS_SCN_MAX_RATE);
    return -1;
}
int csi_scn_v_share(ld *c, node *v, double *o)
{
    return unit_value(c, v, cs_units_parse_share, "a share such as 90% or 0.9", o);
}
int csi_scn_v_mult(ld *c, node *v, double *o)
{
    if (unit_value(c, v, cs_units_parse_multiplier, "a multiplier such as 1.3 or 130%", o) != 0)
        return -1;
    if (*o <= CS_SCN_MAX_FACTOR) return 0;
    csi_scn_err_at(c, v, "a factor of %.4g is more than x%g, far beyond any surge in demand or "
                   "change in handling time (the worst recorded incidents multiplied calls by a "
                   "few times); check the value (1.3, 130%%, x1.3)", *o, CS_SCN_MAX_FACTOR);
    return -1;
}

/* A time that callers, handlers or redials spend: at most CS_SCN_MAX_TIME (io/scenario.h). */
int csi_scn_check_time(ld *c, node *at, double t)
{
    if (t <= CS_SCN_MAX_TIME) return 0;
    char a[48];
    cs_units_format_duration(t, a, sizeof a);
    csi_scn_err_at(c, at, "%s is more than a week: no call, wait or retry lasts that long (check "
                   "the unit: 45s, 3m, 2h; patience that never runs out is `never`)", a);
    return -1;
}

static int v_time(ld *c, node *v, double *o)
{
    if (csi_scn_v_dur(c, v, o) != 0) return -1;
    return csi_scn_check_time(c, v, *o);
}

int csi_scn_get_headcount(ld *c, node *map, const char *key, double *out)
{
    int r = csi_scn_get_number(c, map, key, 1, "a headcount", out);
    if (r != 1 || *out <= CS_SCN_MAX_STAFF) return r;
    size_t pk = csi_scn_push_key(c, key);
    char a[64], b[64];
    cs_text_fmt_fixed(a, sizeof a, *out, 0, CS_TEXT_GROUP);
    cs_text_fmt_fixed(b, sizeof b, CS_SCN_MAX_STAFF, 0, CS_TEXT_GROUP);
    csi_scn_err_at(c, cs_ydoc_get(map, key), "%s handlers is more than the %s callsim accepts: the "
                   "largest control rooms roster a few hundred a shift, all forces in England and "
                   "Wales together a few thousand", a, b);
    csi_scn_pop(c, pk);
    return -1;
}
int csi_scn_v_tod(ld *c, node *v, double *o)
{
    return unit_value(c, v, cs_units_parse_time_of_day, "a time of day such as \"07:00\"", o);
}
int csi_scn_v_instant(ld *c, node *v, double *o)
{
    return unit_value(c, v, cs_units_parse_instant, "a point in the run such as \"Fri 18:00\"",
                      o);
}

/* A plain non-negative decimal ("12", "0.5", ".5"), read without strtod() so that the result
 * does not depend on the locale, exactly when it fits (mantissa below 2^53). */
int csi_scn_parse_decimal(const char *s, double *out)
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

int csi_scn_v_number(ld *c, node *v, const char *what, double *o)
{
    if (v->kind != CS_YDOC_SCALAR || csi_scn_parse_decimal(v->text, o) != 0) {
        if (v->kind == CS_YDOC_SCALAR)
            csi_scn_err_at(c, v, "expected %s (a plain number such as 12 or 0.5), got '%s'", what,
                           v->text);
        else
            csi_scn_err_at(c, v, "expected %s (a plain number such as 12 or 0.5), got %s", what,
                           cs_ydoc_kind_name(v->kind));
        return -1;
    }
    return 0;
}

static int v_count(ld *c, node *v, long min, long max, long *o)
{
    if (v->kind != CS_YDOC_SCALAR) {
        csi_scn_err_at(c, v, "expected a whole number, got %s", cs_ydoc_kind_name(v->kind));
        return -1;
    }
    cs_error e;
    if (cs_units_parse_count(v->text, min, max, o, &e) != CS_OK) {
        csi_scn_err_at(c, v, "%s", e.msg);
        return -1;
    }
    return 0;
}

/* A whole number that may be negative (priorities). */
int csi_scn_v_int(ld *c, node *v, long lim, int *o)
{
    if (v->kind != CS_YDOC_SCALAR) {
        csi_scn_err_at(c, v, "expected a whole number such as 0, 2 or -1, got %s",
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
        csi_scn_err_at(c, v, "expected a whole number from -%ld to %ld such as 0, 2 or -1, got "
                       "'%s'", lim, lim, v->text);
        return -1;
    }
    *o = (int)(neg ? -x : x);
    return 0;
}

static int v_bool(ld *c, node *v, int *o)
{
    if (v->kind == CS_YDOC_SCALAR) {
        if (cs_text_ieq(v->text, "true") || cs_text_ieq(v->text, "yes")) {
            *o = 1;
            return 0;
        }
        if (cs_text_ieq(v->text, "false") || cs_text_ieq(v->text, "no")) {
            *o = 0;
            return 0;
        }
    }
    csi_scn_err_at(c, v, "expected true or false, got %s%s%s", v->kind == CS_YDOC_SCALAR ? "'" : "",
                   v->kind == CS_YDOC_SCALAR ? v->text : cs_ydoc_kind_name(v->kind),
                   v->kind == CS_YDOC_SCALAR ? "'" : "");
    return -1;
}

/* A name (line, queue, pool, ...): non-empty text that fits CS_NAME_MAX. */
int csi_scn_v_name(ld *c, node *v, size_t cap, const char **o)
{
    if (v->kind != CS_YDOC_SCALAR) {
        csi_scn_err_at(c, v, "expected a name, got %s", cs_ydoc_kind_name(v->kind));
        return -1;
    }
    if (v->text[0] == '\0') {
        csi_scn_err_at(c, v, "a name cannot be empty");
        return -1;
    }
    if (strlen(v->text) >= cap) {
        csi_scn_err_at(c, v, "name '%.40s...' is too long (at most %zu characters)", v->text,
                       cap - 1);
        return -1;
    }
    *o = v->text;
    return 0;
}

typedef int (*val_fn)(ld *, node *, double *);

/* get_X(c, map, key, required, out): 1 set, 0 absent, -1 error (reported). */
int csi_scn_get_with(ld *c, node *map, const char *key, int required, val_fn fn, double *out)
{
    node *v;
    int r = csi_scn_field(c, map, key, required, &v);
    if (r <= 0) return r;
    size_t pk = csi_scn_push_key(c, key);
    r = fn(c, v, out) == 0 ? 1 : -1;
    csi_scn_pop(c, pk);
    return r;
}

int csi_scn_get_number(ld *c, node *map, const char *key, int required, const char *what,
                      double *out)
{
    node *v;
    int r = csi_scn_field(c, map, key, required, &v);
    if (r <= 0) return r;
    size_t pk = csi_scn_push_key(c, key);
    r = csi_scn_v_number(c, v, what, out) == 0 ? 1 : -1;
    csi_scn_pop(c, pk);
    return r;
}

int csi_scn_get_count(ld *c, node *map, const char *key, int required, long min, long max,
                     long *out)
{
    node *v;
    int r = csi_scn_field(c, map, key, required, &v);
    if (r <= 0) return r;
    size_t pk = csi_scn_push_key(c, key);
    r = v_count(c, v, min, max, out) == 0 ? 1 : -1;
    csi_scn_pop(c, pk);
    return r;
}

int csi_scn_get_bool(ld *c, node *map, const char *key, int *out)
{
    node *v;
    int r = csi_scn_field(c, map, key, 0, &v);
    if (r <= 0) return r;
    size_t pk = csi_scn_push_key(c, key);
    r = v_bool(c, v, out) == 0 ? 1 : -1;
    csi_scn_pop(c, pk);
    return r;
}

/* Copies an optional `name` into dst (CS_NAME_MAX), or the default "<what> <i+1>". */
void csi_scn_get_label(ld *c, node *map, const char *what, size_t i, char *dst)
{
    node *v;
    const char *name;
    snprintf(dst, CS_NAME_MAX, "%s %zu", what, i + 1);
    if (csi_scn_field(c, map, "name", 0, &v) <= 0) return;
    size_t pk = csi_scn_push_key(c, "name");
    if (csi_scn_v_name(c, v, CS_NAME_MAX, &name) == 0) snprintf(dst, CS_NAME_MAX, "%s", name);
    csi_scn_pop(c, pk);
}

/* Where to report two keys that exclude each other: the variant's key when they come from
 * different files (that is what the user just edited), else the enclosing mapping. */
node *csi_scn_conflict_at(const ld *c, node *ka, node *kb, node *map)
{
    if (ka->file == kb->file) return map;
    return csi_scn_file_rank(c, ka->file) < csi_scn_file_rank(c, kb->file) ? ka : kb;
}

/* When two keys that exclude each other come from different files, the variant probably
 * meant to replace the base's choice: say how.  buf gets "" when both are in one file. */
void csi_scn_conflict_hint(const ld *c, node *ka, const char *a, node *kb, const char *b,
                          char *buf, size_t n)
{
    buf[0] = '\0';
    if (ka->file == kb->file) return;
    int a_is_variant = csi_scn_file_rank(c, ka->file) < csi_scn_file_rank(c, kb->file);
    node *kv = a_is_variant ? ka : kb, *kbase = a_is_variant ? kb : ka;
    const char *v = a_is_variant ? a : b, *bs = a_is_variant ? b : a;
    snprintf(buf, n, " (%s comes from %s, %s from its base %s: write '%s: ~' in %s to drop "
             "the base's)", v, kv->file, bs, kbase->file, bs, kv->file);
}

/* ---- distributions --------------------------------------------------------------------- */

static const char *const DIST_NAMES[] = {"exponential", "deterministic", "uniform", "lognormal",
                                         "gamma", "weibull", "empirical", "mixture", "never",
                                         NULL};

static int parse_dist(ld *c, node *v, int allow_never, int in_mixture, cs_dist *out);

/* A constructor's outcome: out of memory, or its message at the distribution's mapping. */
static int built(ld *c, node *v, cs_status st, const cs_error *e)
{
    if (st == CS_ENOMEM) {
        csi_scn_oom(c);
        return -1;
    }
    if (st != CS_OK) {
        csi_scn_err_at(c, v, "%s", e->msg);
        return -1;
    }
    return 0;
}

/* The kinds whose syntax is not "a few parameters": never, empirical and mixture. */

static int parse_never(ld *c, node *map, node *kv, int allow_never, cs_dist *out)
{
    (void)map;
    (void)out;   /* already a `never` */
    if (allow_never) return 0;
    csi_scn_err_at(c, kv, "'never' is only allowed for patience");
    return -1;
}

static int parse_empirical(ld *c, node *map, node *kv, int allow_never, cs_dist *out)
{
    (void)kv;
    (void)allow_never;
    node *sv;
    if (csi_scn_field(c, map, "samples", 1, &sv) < 0) return -1;
    size_t pk = csi_scn_push_key(c, "samples");
    if (csi_scn_need_kind(c, sv, CS_YDOC_SEQ, "a list of durations such as [30s, 45s, 2m]") ||
        sv->n_items == 0) {
        if (sv->kind == CS_YDOC_SEQ) csi_scn_err_at(c, sv, "empirical needs at least one sample");
        csi_scn_pop(c, pk);
        return -1;
    }
    double *x = malloc(sv->n_items * sizeof *x);
    if (!x) {
        csi_scn_oom(c);
        csi_scn_pop(c, pk);
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < sv->n_items; i++) {
        size_t pi = csi_scn_push_index(c, i);
        if (v_time(c, sv->items[i], &x[i]) != 0) bad = 1;
        csi_scn_pop(c, pi);
    }
    csi_scn_pop(c, pk);
    cs_error e;
    int r = bad ? -1 : built(c, map, cs_dist_empirical(out, x, sv->n_items, &e), &e);
    free(x);
    return r;
}

static int parse_mixture(ld *c, node *map, node *kv, int allow_never, cs_dist *out)
{
    (void)kv;
    node *comps;
    if (csi_scn_field(c, map, "components", 1, &comps) < 0) return -1;
    size_t pk = csi_scn_push_key(c, "components");
    int bad = 0;
    if (csi_scn_need_kind(c, comps, CS_YDOC_SEQ, "a list of components such as [{share: 15%, "
                          "dist: exponential, mean: 30s}, ...]") != 0) {
        csi_scn_pop(c, pk);
        return -1;
    }
    if (comps->n_items == 0) {
        csi_scn_err_at(c, comps, "a mixture needs at least one component");
        csi_scn_pop(c, pk);
        return -1;
    }
    size_t n = comps->n_items;
    cs_dist *d = calloc(n, sizeof *d);
    double *w = calloc(n, sizeof *w);
    if (!d || !w) {
        free(d);
        free(w);
        csi_scn_oom(c);
        csi_scn_pop(c, pk);
        return -1;
    }
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        size_t pi = csi_scn_push_index(c, i);
        node *it = comps->items[i];
        if (csi_scn_need_map(c, it, "a component such as {share: 15%, dist: exponential, "
                             "mean: 30s}")) {
            bad = 1;
        } else {
            if (csi_scn_get_with(c, it, "share", 1, csi_scn_v_share, &w[i]) != 1) bad = 1;
            if (parse_dist(c, it, allow_never, 1, &d[i]) != 0) bad = 1;
            sum += w[i];
        }
        csi_scn_pop(c, pi);
    }
    if (!bad && fabs(sum - 1.0) > CSI_SCN_SHARE_TOL) {
        csi_scn_err_at(c, comps, "mixture component shares add up to %.6g%%, they must add up "
                       "to 100%%", sum * 100.0);
        bad = 1;
    }
    csi_scn_pop(c, pk);
    if (!bad) {
        cs_error e;
        bad = built(c, map, cs_dist_mixture(out, d, w, n, &e), &e) != 0;
    }
    for (size_t i = 0; i < n; i++) cs_dist_fini(&d[i]);
    free(d);
    free(w);
    return bad ? -1 : 0;
}

/* The constructors of models/dist.h, with their parameters in an array. */
typedef cs_status (*dist_build)(cs_dist *out, const double *p, cs_error *e);

static cs_status b_exponential(cs_dist *o, const double *p, cs_error *e)
{
    return cs_dist_exponential(o, p[0], e);
}
static cs_status b_deterministic(cs_dist *o, const double *p, cs_error *e)
{
    return cs_dist_deterministic(o, p[0], e);
}
static cs_status b_uniform(cs_dist *o, const double *p, cs_error *e)
{
    return cs_dist_uniform(o, p[0], p[1], e);
}
static cs_status b_lognormal(cs_dist *o, const double *p, cs_error *e)
{
    return cs_dist_lognormal(o, p[0], p[1], e);
}
static cs_status b_gamma(cs_dist *o, const double *p, cs_error *e)
{
    return cs_dist_gamma(o, p[0], p[1], e);
}
static cs_status b_gamma_shape_scale(cs_dist *o, const double *p, cs_error *e)
{
    return cs_dist_gamma_shape_scale(o, p[0], p[1], e);
}
static cs_status b_weibull(cs_dist *o, const double *p, cs_error *e)
{
    return cs_dist_weibull(o, p[0], p[1], e);
}
static cs_status b_weibull_mean(cs_dist *o, const double *p, cs_error *e)
{
    return cs_dist_weibull_mean(o, p[0], p[1], e);
}

/* How each kind is written.  `keys` are the keys it takes besides dist: (and share: inside a
 * mixture), in the order messages list them.  A kind with parameters has one or two forms
 * (parameterisations); a form names its parameters in the constructor's order, each a
 * duration (45s) or a plain number (a shape), all required.  With two forms, the keys given
 * must pick exactly one: a form is picked when a key of its own (one the other form does not
 * have) is present; otherwise `choose` is the message.  never, empirical and mixture have a
 * syntax of their own (`parse`). */
typedef struct dist_param {
    const char *key;
    int duration;            /* 1: a duration such as 45s; 0: a plain number */
} dist_param;

typedef struct dist_form {
    dist_param param[2];     /* param[1].key NULL: one parameter */
    dist_build build;        /* NULL: no such form */
} dist_form;

typedef struct dist_spec {
    const char *keys[5];     /* NULL-terminated */
    dist_form form[2];
    const char *choose;
    int (*parse)(ld *c, node *map, node *kind_node, int allow_never, cs_dist *out);
} dist_spec;

static const dist_spec DIST_SPECS[CS_DIST_N_KINDS] = {
    [CS_DIST_NEVER] = {{NULL}, {{{{NULL, 0}}, NULL}}, NULL, parse_never},
    [CS_DIST_EXPONENTIAL] = {{"mean", NULL}, {{{{"mean", 1}}, b_exponential}}, NULL, NULL},
    [CS_DIST_DETERMINISTIC] = {{"value", NULL}, {{{{"value", 1}}, b_deterministic}}, NULL, NULL},
    [CS_DIST_UNIFORM] = {{"min", "max", NULL}, {{{{"min", 1}, {"max", 1}}, b_uniform}}, NULL,
                         NULL},
    [CS_DIST_LOGNORMAL] = {{"mean", "sd", NULL}, {{{{"mean", 1}, {"sd", 1}}, b_lognormal}}, NULL,
                           NULL},
    [CS_DIST_GAMMA] = {{"mean", "sd", "shape", "scale", NULL},
                       {{{{"mean", 1}, {"sd", 1}}, b_gamma},
                        {{{"shape", 0}, {"scale", 1}}, b_gamma_shape_scale}},
                       "gamma needs either mean and sd, or shape and scale", NULL},
    [CS_DIST_WEIBULL] = {{"shape", "scale", "mean", NULL},
                         {{{{"shape", 0}, {"scale", 1}}, b_weibull},
                          {{{"shape", 0}, {"mean", 1}}, b_weibull_mean}},
                         "weibull needs shape and either scale or mean", NULL},
    [CS_DIST_EMPIRICAL] = {{"samples", NULL}, {{{{NULL, 0}}, NULL}}, NULL, parse_empirical},
    [CS_DIST_MIXTURE] = {{"components", NULL}, {{{{NULL, 0}}, NULL}}, NULL, parse_mixture},
};

/* Does the mapping give a key of form f that form g does not have? */
static int form_given(node *map, const dist_form *f, const dist_form *g)
{
    for (int i = 0; i < 2 && f->param[i].key; i++) {
        const char *k = f->param[i].key;
        if (!cs_ydoc_find(map, k)) continue;
        int shared = 0;
        for (int j = 0; j < 2 && g->param[j].key; j++)
            if (strcmp(g->param[j].key, k) == 0) shared = 1;
        if (!shared) return 1;
    }
    return 0;
}

/* The parameters of one form, each reported when missing or bad (all of them, not just the
 * first), then the constructor. */
static int parse_form(ld *c, node *map, const dist_form *f, cs_dist *out)
{
    double p[2] = {0, 0};
    int bad = 0;
    for (int i = 0; i < 2 && f->param[i].key; i++) {
        const char *k = f->param[i].key;
        int r = f->param[i].duration
                    ? csi_scn_get_with(c, map, k, 1, v_time, &p[i])
                    : csi_scn_get_number(c, map, k, 1, "a shape", &p[i]);
        if (r != 1) bad = 1;
    }
    if (bad) return -1;
    cs_error e;
    return built(c, map, f->build(out, p, &e), &e);
}

/* A distribution: a mapping with `dist:` or a bare duration (deterministic), or `never`
 * where allowed.  On error *out is left a `never` (owning nothing). */
static int parse_dist(ld *c, node *v, int allow_never, int in_mixture, cs_dist *out)
{
    cs_dist_never(out);
    if (v->kind == CS_YDOC_SCALAR) {
        if (cs_text_ieq(v->text, "never")) {
            if (allow_never) return 0;
            csi_scn_err_at(c, v, "'never' is only allowed for patience");
            return -1;
        }
        double x;
        if (v_time(c, v, &x) != 0) return -1;
        cs_error e;
        return built(c, v, cs_dist_deterministic(out, x, &e), &e);
    }
    if (v->kind != CS_YDOC_MAP) {
        csi_scn_err_at(c, v, "expected a distribution such as {dist: exponential, mean: 3m} or a "
                       "duration such as 30s, got %s", cs_ydoc_kind_name(v->kind));
        return -1;
    }
    node *kv;
    if (!cs_ydoc_find(v, "dist")) {   /* report a misspelt dist: before "missing key" */
        const char *const k[] = {"dist", "mean", "sd", "value", "min", "max", "shape", "scale",
                                 "samples", "components", in_mixture ? "share" : NULL, NULL};
        csi_scn_check_keys(c, v, k);
    }
    if (csi_scn_field(c, v, "dist", 1, &kv) < 0) return -1;
    size_t pk = csi_scn_push_key(c, "dist");
    cs_dist_kind kind;
    if (kv->kind != CS_YDOC_SCALAR || cs_dist_kind_from_name(kv->text, &kind) != 0) {
        const char *s = kv->kind == CS_YDOC_SCALAR ? csi_scn_suggest(kv->text, DIST_NAMES, 9)
                                                    : NULL;
        if (s)
            csi_scn_err_at(c, kv, "unknown distribution '%s' (did you mean '%s'?)", kv->text, s);
        else
            csi_scn_err_at(c, kv, "expected a distribution name: exponential, deterministic, "
                           "uniform, lognormal, gamma, weibull, empirical, mixture or never");
        csi_scn_pop(c, pk);
        return -1;
    }
    csi_scn_pop(c, pk);
    const dist_spec *sp = &DIST_SPECS[kind];
    const char *keys[8];
    size_t nk = 0;
    keys[nk++] = "dist";
    for (size_t i = 0; sp->keys[i]; i++) keys[nk++] = sp->keys[i];
    keys[nk++] = in_mixture ? "share" : NULL;
    keys[nk] = NULL;
    csi_scn_check_keys(c, v, keys);
    if (sp->parse) return sp->parse(c, v, kv, allow_never, out);
    const dist_form *f = &sp->form[0];
    if (sp->form[1].build) {
        int g0 = form_given(v, &sp->form[0], &sp->form[1]);
        int g1 = form_given(v, &sp->form[1], &sp->form[0]);
        if (g0 == g1) {
            csi_scn_err_at(c, v, "%s", sp->choose);
            return -1;
        }
        f = g0 ? &sp->form[0] : &sp->form[1];
    }
    return parse_form(c, v, f, out);
}

/* csi_scn_get_dist(c, map, key, required, allow_never, out): 1 set, 0 absent, -1 error. */
int csi_scn_get_dist(ld *c, node *map, const char *key, int required, int allow_never,
                    cs_dist *out)
{
    node *v;
    int r = csi_scn_field(c, map, key, required, &v);
    if (r <= 0) return r;
    size_t pk = csi_scn_push_key(c, key);
    r = parse_dist(c, v, allow_never, 0, out) == 0 ? 1 : -1;
    csi_scn_pop(c, pk);
    return r;
}

/* ---- days -------------------------------------------------------------------------------- */

#define CSI_SCN_ALL_DAYS 0x7Fu

/* `days`: all | weekdays | weekends | a weekday, or a list of weekdays -> bit mask. */
static int v_days(ld *c, node *v, unsigned *mask)
{
    static const char *const hint = "expected days such as [mon, tue, wed], all, weekdays or "
                                    "weekends";
    cs_error e;
    int d;
    if (v->kind == CS_YDOC_SCALAR) {
        if (cs_text_ieq(v->text, "all")) *mask = CSI_SCN_ALL_DAYS;
        else if (cs_text_ieq(v->text, "weekdays")) *mask = 0x1Fu;
        else if (cs_text_ieq(v->text, "weekends")) *mask = 0x60u;
        else if (cs_units_parse_weekday(v->text, &d, &e) == CS_OK) *mask = 1u << d;
        else {
            csi_scn_err_at(c, v, "%s, got '%s'", hint, v->text);
            return -1;
        }
        return 0;
    }
    if (v->kind != CS_YDOC_SEQ) {
        csi_scn_err_at(c, v, "%s, got %s", hint, cs_ydoc_kind_name(v->kind));
        return -1;
    }
    if (v->n_items == 0) {
        csi_scn_err_at(c, v, "the list of days is empty");
        return -1;
    }
    unsigned m = 0;
    int bad = 0;
    for (size_t i = 0; i < v->n_items; i++) {
        node *it = v->items[i];
        size_t pi = csi_scn_push_index(c, i);
        if (it->kind != CS_YDOC_SCALAR || cs_units_parse_weekday(it->text, &d, &e) != CS_OK) {
            if (it->kind == CS_YDOC_SCALAR) csi_scn_err_at(c, it, "%s", e.msg);
            else csi_scn_err_at(c, it, "expected a weekday such as mon, got %s",
                                cs_ydoc_kind_name(it->kind));
            bad = 1;
        } else if (m & (1u << d)) {
            csi_scn_err_at(c, it, "%s is listed twice", cs_units_weekday_name(d));
            bad = 1;
        } else {
            m |= 1u << d;
        }
        csi_scn_pop(c, pi);
    }
    if (bad) return -1;
    *mask = m;
    return 0;
}

int csi_scn_get_days(ld *c, node *map, const char *key, unsigned *mask)
{
    node *v;
    *mask = CSI_SCN_ALL_DAYS;
    int r = csi_scn_field(c, map, key, 0, &v);
    if (r <= 0) return r;
    size_t pk = csi_scn_push_key(c, key);
    r = v_days(c, v, mask) == 0 ? 1 : -1;
    csi_scn_pop(c, pk);
    return r;
}

/* "07:30" or "07:30:15" for seconds after midnight (24:00 allowed). */
int csi_scn_v_seed(ld *c, node *v, uint64_t *o)
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
        csi_scn_err_at(c, v, "expected a seed: a whole number from 0 to 18446744073709551615, got "
                       "%s%s%s", v->kind == CS_YDOC_SCALAR ? "'" : "",
                       v->kind == CS_YDOC_SCALAR ? v->text : cs_ydoc_kind_name(v->kind),
                       v->kind == CS_YDOC_SCALAR ? "'" : "");
        return -1;
    }
    *o = x;
    return 0;
}

