#include "models/staffest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct srec {
    double start, end;
    uint32_t agent;   /* index into the agent table */
} srec;

typedef struct span {
    double a, b;
} span;

struct cs_staffest {
    srec *r;
    size_t n, cap;
    span *w;          /* callers' waits */
    size_t nw, capw;
    int sorted;
    uint64_t *keys;   /* open addressing; 0 = empty slot (agent ids are never 0) */
    uint32_t *idx;
    size_t n_agents, slots;
};

cs_staffest *cs_staffest_create(void)
{
    cs_staffest *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->slots = 64;
    e->keys = calloc(e->slots, sizeof *e->keys);
    e->idx = calloc(e->slots, sizeof *e->idx);
    if (!e->keys || !e->idx) {
        cs_staffest_destroy(e);
        return NULL;
    }
    return e;
}

void cs_staffest_destroy(cs_staffest *e)
{
    if (!e) return;
    free(e->r);
    free(e->w);
    free(e->keys);
    free(e->idx);
    free(e);
}

static size_t slot_of(uint64_t key, size_t slots)
{
    /* fmix64: agent ids are already hashes or small numbers; mixing spreads the small ones. */
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (size_t)(key & (slots - 1));
}

static int grow_table(cs_staffest *e)
{
    size_t ns = e->slots * 2;
    uint64_t *nk = calloc(ns, sizeof *nk);
    uint32_t *ni = calloc(ns, sizeof *ni);
    if (!nk || !ni) {
        free(nk);
        free(ni);
        return -1;
    }
    for (size_t i = 0; i < e->slots; i++) {
        if (!e->keys[i]) continue;
        size_t s = slot_of(e->keys[i], ns);
        while (nk[s]) s = (s + 1) & (ns - 1);
        nk[s] = e->keys[i];
        ni[s] = e->idx[i];
    }
    free(e->keys);
    free(e->idx);
    e->keys = nk;
    e->idx = ni;
    e->slots = ns;
    return 0;
}

cs_status cs_staffest_add(cs_staffest *e, uint64_t agent, double start, double end, cs_error *err)
{
    if (agent == 0) return cs_error_set(err, CS_EINPUT, "a call with no agent cannot show who was available");
    if (!isfinite(start) || !isfinite(end) || end < start)
        return cs_error_set(err, CS_EINPUT, "a call's busy time must be finite with end >= start (got %g to %g)",
                            start, end);
    size_t s = slot_of(agent, e->slots);
    while (e->keys[s] && e->keys[s] != agent) s = (s + 1) & (e->slots - 1);
    if (!e->keys[s]) {
        if (e->n_agents >= CS_STAFFEST_MAX_AGENTS)
            return cs_error_set(err, CS_EINPUT, "more than %d distinct agents: is the agent column right?",
                                CS_STAFFEST_MAX_AGENTS);
        /* Keep the table at most half full, so probes stay short. */
        if (2 * (e->n_agents + 1) > e->slots) {
            if (grow_table(e) != 0) return cs_error_set(err, CS_ENOMEM, "out of memory");
            s = slot_of(agent, e->slots);
            while (e->keys[s]) s = (s + 1) & (e->slots - 1);
        }
        e->keys[s] = agent;
        e->idx[s] = (uint32_t)e->n_agents++;
    }
    if (e->n == e->cap) {
        size_t nc = e->cap ? 2 * e->cap : 4096;
        srec *nr = realloc(e->r, nc * sizeof *nr);
        if (!nr) return cs_error_set(err, CS_ENOMEM, "out of memory");
        e->r = nr;
        e->cap = nc;
    }
    e->r[e->n++] = (srec){start, end, e->idx[s]};
    e->sorted = 0;
    return CS_OK;
}

cs_status cs_staffest_add_wait(cs_staffest *e, double start, double end, cs_error *err)
{
    if (!isfinite(start) || !isfinite(end) || end < start)
        return cs_error_set(err, CS_EINPUT, "a wait must be finite with end >= start (got %g to %g)", start, end);
    if (!(end > start)) return CS_OK;
    if (e->nw == e->capw) {
        size_t nc = e->capw ? 2 * e->capw : 4096;
        span *nw = realloc(e->w, nc * sizeof *nw);
        if (!nw) return cs_error_set(err, CS_ENOMEM, "out of memory");
        e->w = nw;
        e->capw = nc;
    }
    e->w[e->nw++] = (span){start, end};
    return CS_OK;
}

size_t cs_staffest_agents(const cs_staffest *e) { return e->n_agents; }

static int cmp_rec(const void *a, const void *b)
{
    const srec *x = a, *y = b;
    if (x->agent != y->agent) return x->agent < y->agent ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return 0;
}

static void sort_calls(cs_staffest *e)
{
    if (e->sorted) return;
    if (e->n > 1) qsort(e->r, e->n, sizeof *e->r, cmp_rec);
    e->sorted = 1;
}

typedef struct edge {
    double t;
    int d;   /* +1 a session starts, -1 one ends */
} edge;

static int cmp_edge(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->d > y->d) - (x->d < y->d);
}

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->a != y->a) return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

/* The times somebody was waiting, as disjoint sorted spans (*n of them, free() the array). */
static span *waiting_spans(const cs_staffest *e, size_t *n, int *oom)
{
    *n = 0;
    *oom = 0;
    if (e->nw == 0) return NULL;
    span *u = malloc(e->nw * sizeof *u);
    if (!u) {
        *oom = 1;
        return NULL;
    }
    memcpy(u, e->w, e->nw * sizeof *u);
    qsort(u, e->nw, sizeof *u, cmp_span);
    size_t m = 0;
    for (size_t i = 0; i < e->nw; i++) {
        if (m > 0 && u[i].a <= u[m - 1].b) {
            if (u[i].b > u[m - 1].b) u[m - 1].b = u[i].b;
        } else {
            u[m++] = u[i];
        }
    }
    *n = m;
    return u;
}

typedef struct edge_vec {
    edge *v;
    size_t n, cap;
    int oom;
} edge_vec;

static void push(edge_vec *E, double t, int d)
{
    if (E->oom) return;
    if (E->n == E->cap) {
        size_t nc = E->cap ? 2 * E->cap : 1024;
        edge *nv = realloc(E->v, nc * sizeof *nv);
        if (!nv) {
            E->oom = 1;
            return;
        }
        E->v = nv;
        E->cap = nc;
    }
    E->v[E->n++] = (edge){t, d};
}

/* Appends the parts of [a, b) when nobody waited as +1/-1 edges. */
static void free_parts(const span *w, size_t nw, double a, double b, edge_vec *E)
{
    /* First waiting span that ends after a. */
    size_t lo = 0, hi = nw;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w[mid].b <= a) lo = mid + 1;
        else hi = mid;
    }
    double x = a;
    for (size_t i = lo; i < nw && w[i].a < b; i++) {
        if (w[i].a > x) {
            push(E, x, +1);
            push(E, w[i].a, -1);
        }
        if (w[i].b > x) x = w[i].b;
        if (x >= b) return;
    }
    if (x < b) {
        push(E, x, +1);
        push(E, b, -1);
    }
}

cs_status cs_staffest_steps(cs_staffest *e, double logoff_gap, double **t, int **level, size_t *n, cs_error *err)
{
    return cs_staffest_steps_wrap(e, logoff_gap, 0, t, level, n, err);
}

cs_status cs_staffest_steps_wrap(cs_staffest *e, double logoff_gap, double wrap_max, double **t, int **level,
                                 size_t *n, cs_error *err)
{
    *t = NULL;
    *level = NULL;
    *n = 0;
    if (!(logoff_gap > 0)) return cs_error_set(err, CS_EINPUT, "the log-off gap must be > 0 s (got %g)", logoff_gap);
    if (!(wrap_max >= 0) || !isfinite(wrap_max))
        return cs_error_set(err, CS_EINPUT, "the after-call work limit must be >= 0 s (got %g)", wrap_max);
    if (e->n == 0) return CS_OK;
    sort_calls(e);
    int oom = 0;
    size_t nw = 0;
    span *w = waiting_spans(e, &nw, &oom);
    if (oom) return cs_error_set(err, CS_ENOMEM, "out of memory");
    edge_vec E = {NULL, 0, 0, 0};
    for (size_t i = 0; i < e->n;) {
        /* One busy block: this agent's calls that overlap. */
        double b0 = e->r[i].start, b1 = e->r[i].end;
        size_t j = i + 1;
        while (j < e->n && e->r[j].agent == e->r[i].agent && e->r[j].start <= b1) {
            if (e->r[j].end > b1) b1 = e->r[j].end;
            j++;
        }
        push(&E, b0, +1);
        push(&E, b1, -1);
        if (j < e->n && e->r[j].agent == e->r[i].agent && e->r[j].start - b1 <= logoff_gap) {
            double s1 = e->r[j].start, m = b1 + wrap_max < s1 ? b1 + wrap_max : s1;
            if (w) {
                if (m > b1) {
                    push(&E, b1, +1);
                    push(&E, m, -1);
                }
                if (s1 > m) free_parts(w, nw, m, s1, &E);
            } else {
                push(&E, b1, +1);
                push(&E, e->r[j].start, -1);
            }
        }
        i = j;
    }
    free(w);
    if (E.oom) {
        free(E.v);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    edge *ed = E.v;
    size_t ne = E.n;
    qsort(ed, ne, sizeof *ed, cmp_edge);
    double *tt = malloc((ne + 1) * sizeof *tt);
    int *lv = malloc((ne + 1) * sizeof *lv);
    if (!tt || !lv) {
        free(ed);
        free(tt);
        free(lv);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    size_t m = 0;
    int cur = 0;
    for (size_t i = 0; i < ne;) {
        double at = ed[i].t;
        while (i < ne && ed[i].t == at) cur += ed[i++].d;
        if (m > 0 && lv[m - 1] == cur) continue;
        if (m == 0 && cur == 0) continue;
        tt[m] = at;
        lv[m] = cur;
        m++;
    }
    free(ed);
    if (m == 0) {
        free(tt);
        free(lv);
        return CS_OK;
    }
    *t = tt;
    *level = lv;
    *n = m;
    return CS_OK;
}

void cs_staffest_average(const double *t, const int *level, size_t n, double t0, double len, double *out, size_t n_out)
{
    for (size_t i = 0; i < n_out; i++) out[i] = 0;
    if (!(len > 0)) return;
    for (size_t k = 0; k < n; k++) {
        double a = t[k], b = k + 1 < n ? t[k + 1] : INFINITY;
        if (level[k] == 0) continue;
        /* Spread level x [a, b) over the intervals it overlaps. */
        double lo = a > t0 ? a : t0, hi = b < t0 + len * (double)n_out ? b : t0 + len * (double)n_out;
        if (!(hi > lo)) continue;
        size_t i = (size_t)((lo - t0) / len);
        for (; i < n_out; i++) {
            double s = t0 + len * (double)i, e = s + len;
            double x = (lo > s ? lo : s), y = (hi < e ? hi : e);
            if (y > x) out[i] += level[k] * (y - x) / len;
            if (e >= hi) break;
        }
    }
}

void cs_staffest_gap_counts(cs_staffest *e, const double *edges, size_t n_edges, size_t *counts)
{
    for (size_t i = 0; i <= n_edges; i++) counts[i] = 0;
    sort_calls(e);
    double last_end = 0;
    for (size_t i = 0; i < e->n; i++) {
        if (i > 0 && e->r[i].agent == e->r[i - 1].agent) {
            double g = e->r[i].start - last_end;
            if (g > 0) {
                size_t b = 0;
                while (b < n_edges && g >= edges[b]) b++;
                counts[b]++;
            }
            if (e->r[i].end > last_end) last_end = e->r[i].end;
        } else {
            last_end = e->r[i].end;
        }
    }
}

/* The end of the last moment in (a, b) somebody waited (w sorted, disjoint), or a if none. */
static double last_wait_in(const span *w, size_t nw, double a, double b)
{
    /* Last span starting before b. */
    size_t lo = 0, hi = nw;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w[mid].a < b) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return a;
    const span *x = &w[lo - 1];
    if (x->b <= a) return a;
    return x->b < b ? x->b : b;
}

cs_status cs_staffest_wrap(cs_staffest *e, double logoff_gap, double wrap_max, double *q, size_t n_q,
                           cs_staffest_wrapfit *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(logoff_gap > 0)) return cs_error_set(err, CS_EINPUT, "the log-off gap must be > 0 s (got %g)", logoff_gap);
    if (!(wrap_max > 0 && wrap_max <= 3600))
        return cs_error_set(err, CS_EINPUT, "the after-call work limit must be in (0, 3600] s (got %g)", wrap_max);
    if (e->n < 2 || e->nw == 0) return CS_OK;
    sort_calls(e);
    int oom = 0;
    size_t nw = 0;
    span *w = waiting_spans(e, &nw, &oom);
    if (oom) return cs_error_set(err, CS_ENOMEM, "out of memory");
    /* One interval of whole seconds [lo, hi] for min(W, wrap_max) per gap. */
    size_t m = (size_t)ceil(wrap_max) + 1, ng = 0;
    int *lo = malloc(e->n * sizeof *lo), *hi = malloc(e->n * sizeof *hi);
    double *p = malloc(m * sizeof *p), *c = malloc((m + 1) * sizeof *c), *pre = malloc((m + 1) * sizeof *pre);
    if (!lo || !hi || !p || !c || !pre) {
        free(w);
        free(lo);
        free(hi);
        free(p);
        free(c);
        free(pre);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    double cap = (double)(m - 1);
    for (size_t i = 0; i + 1 < e->n; i++) {
        if (e->r[i + 1].agent != e->r[i].agent) continue;
        double e0 = e->r[i].end, s1 = e->r[i + 1].start, g = s1 - e0;
        if (g < 0 || g > logoff_gap) continue;
        double x = last_wait_in(w, nw, e0, s1);
        int exact = s1 - x <= 2.0;
        double l = exact ? g : x - e0, h = g;
        l = l < cap ? l : cap;
        h = h < cap ? h : cap;
        lo[ng] = (int)floor(l + 0.5);
        hi[ng] = (int)floor(h + 0.5);
        if (hi[ng] < lo[ng]) hi[ng] = lo[ng];
        ng++;
        out->exact += (size_t)exact;
    }
    free(w);
    out->gaps = ng;
    if (out->exact > 0) {
        for (size_t j = 0; j < m; j++) p[j] = 1.0 / (double)m;
        for (int it = 0; it < 2000; it++) {
            pre[0] = 0;
            for (size_t j = 0; j < m; j++) pre[j + 1] = pre[j] + p[j];
            for (size_t j = 0; j <= m; j++) c[j] = 0;
            for (size_t k = 0; k < ng; k++) {
                double mass = pre[hi[k] + 1] - pre[lo[k]];
                if (mass > 0) {
                    c[lo[k]] += 1 / mass;
                    c[hi[k] + 1] -= 1 / mass;
                }
            }
            double acc = 0, moved = 0;
            for (size_t j = 0; j < m; j++) {
                acc += c[j];
                double np = p[j] * acc / (double)ng;
                if (fabs(np - p[j]) > moved) moved = fabs(np - p[j]);
                p[j] = np;
            }
            if (moved < 1e-9) break;
        }
        double mean = 0, cum = 0, tot = 0;
        for (size_t j = 0; j < m; j++) tot += p[j];
        for (size_t j = 0; j < m; j++) mean += (double)j * p[j] / tot;
        out->mean = mean;
        double want[4] = {0.5, 0.25, 0.75, 0.9}, *got[4] = {&out->median, &out->q1, &out->q3, &out->p90};
        int done[4] = {0, 0, 0, 0};
        size_t k = 0;
        for (size_t j = 0; j < m; j++) {
            cum += p[j] / tot;
            for (size_t a = 0; a < 4; a++)
                if (!done[a] && cum >= want[a] - 1e-12) {
                    *got[a] = (double)j;
                    done[a] = 1;
                }
            while (k < n_q && cum >= ((double)k + 0.5) / (double)n_q - 1e-12) q[k++] = (double)j;
        }
        for (size_t a = 0; a < 4; a++)
            if (!done[a]) *got[a] = cap;
        while (k < n_q) q[k++] = cap;
    }
    free(lo);
    free(hi);
    free(p);
    free(c);
    free(pre);
    return CS_OK;
}
