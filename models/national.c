/* A national run: forces run side by side as (force, replication) work items, then summed
 * into totals per replication.  See models/national.h for the contract. */
#include "models/national.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <time.h>

#include "models/centre.h"
#include "models/demand.h"
#include "sim/rep.h"
#include "sim/rng.h"
#include "sim/stat.h"

void cs_nat_free(cs_nat *n)
{
    if (!n) return;
    for (size_t f = 0; f < n->n_forces; f++) {
        cs_scn_free(n->forces[f].scn);
        free(n->forces[f].file);
    }
    free(n->forces);
    free(n->description);
    free(n);
}

uint64_t cs_nat_force_seed(uint64_t national_seed, const char *name)
{
    /* The constant is "national" in ASCII: a national seed s and a scenario seed s never give
     * the same streams. */
    return cs_rng_mix64(cs_rng_mix64(national_seed ^ 0x6E6174696F6E616CULL) ^ cs_rng_fnv1a64(name));
}

void cs_nat_apply(cs_nat *n)
{
    for (size_t f = 0; f < n->n_forces; f++) {
        cs_scn *s = n->forces[f].scn;
        s->replications = n->replications;
        s->seed = cs_nat_force_seed(n->seed, n->forces[f].name);
    }
}

/* ------------------------------------------------------------------------------- running */

typedef struct nat_ctx {
    const cs_nat *nat;
    cs_nat_results *res;
    uint64_t *events;            /* [n_reps][n_forces] */
    _Atomic double *sim_time;    /* [workers]: as models/run.c's, relaxed atomics */
    _Atomic uint32_t items_done; /* for progress only */
    int workers;
    const cs_run_opts *opts;
} nat_ctx;

/* Expected attempts of a force over the horizon (first attempts only: enough to order the
 * work, largest first). */
static double force_cost(const cs_scn *s)
{
    double c = 0;
    for (size_t l = 0; l < s->n_lines; l++) {
        const cs_profile *p = &s->lines[l].demand;
        for (size_t k = 0; k < p->n_slots; k++) c += p->rate[k] * p->slot_len;
    }
    return c / CS_WEEK * s->horizon;
}

/* One work item: replication `rep` of force `part`. */
static cs_status one_item(void *ud, int worker, uint32_t rep, uint32_t part, cs_error *err)
{
    nat_ctx *c = ud;
    const cs_scn *s = c->nat->forces[part].scn;
    /* A centre per item: forces differ in shape, and creating one costs far less than the
     * replication it runs. */
    cs_ctr *ctr = cs_ctr_create(s, err);
    if (!ctr) return err ? err->code : CS_ENOMEM;
    atomic_store_explicit(&c->sim_time[worker], 0.0, memory_order_relaxed);
    cs_ctr_set_progress(ctr, &c->sim_time[worker]);
    cs_status st = cs_ctr_run(ctr, rep, &c->res->force[part]->reps[rep], err);
    if (st != CS_OK && err) {
        /* Say which force failed: the engine's message does not know. */
        char msg[sizeof err->msg];
        memcpy(msg, err->msg, sizeof msg);
        cs_error_set(err, st, "force '%s': %s", c->nat->forces[part].name, msg);
    }
    c->events[(size_t)rep * c->nat->n_forces + part] = cs_ctr_events(ctr);
    atomic_store_explicit(&c->sim_time[worker], 0.0, memory_order_relaxed);
    cs_ctr_destroy(ctr);
    c->items_done++;
    return st;
}

/* An item's output for another MPI rank (sim/rep.h): the force's raw sums for the replication
 * and its event count.  The totals are not shipped: rep_done sums them on every rank. */
static cs_status pack_item(void *ud, uint32_t rep, uint32_t part, cs_rep_pack *out, cs_error *err)
{
    (void)err;
    nat_ctx *c = ud;
    cs_repstats_pack(&c->res->force[part]->reps[rep], out);
    cs_rep_pack_put(out, &c->events[(size_t)rep * c->nat->n_forces + part], sizeof *c->events);
    return CS_OK;
}

static cs_status unpack_item(void *ud, uint32_t rep, uint32_t part, cs_rep_unpack *in, cs_error *err)
{
    nat_ctx *c = ud;
    if (cs_repstats_unpack(&c->res->force[part]->reps[rep], in) != 0)
        return cs_error_set(err, CS_EINTERNAL, "force '%s', replication %u: results from another MPI rank have "
                            "another shape (ranks running different force files?)", c->nat->forces[part].name,
                            rep + 1);
    cs_rep_unpack_get(in, &c->events[(size_t)rep * c->nat->n_forces + part], sizeof *c->events);
    return CS_OK;
}

static void sum_rep(cs_nat_results *res, uint32_t i);

/* Every force of replication `rep` is done: add them into the totals off the critical path. */
static cs_status rep_done(void *ud, int worker, uint32_t rep, cs_error *err)
{
    (void)worker;
    (void)err;
    nat_ctx *c = ud;
    sum_rep(c->res, rep);
    return CS_OK;
}

static void tick(void *ud, uint32_t reps_done)
{
    (void)reps_done;
    nat_ctx *c = ud;
    double t = 0;
    for (int w = 0; w < c->workers; w++) t += atomic_load_explicit(&c->sim_time[w], memory_order_relaxed);
    double h = c->nat->horizon;
    uint32_t done = c->items_done, n = (uint32_t)(c->nat->n_forces * c->res->n_reps);
    c->opts->progress(c->opts->progress_ud, done, n, (double)done * h + t, (double)n * h);
}

static cs_status totals_prepare(cs_nat_results *res, cs_error *err);

cs_status cs_nat_run(const cs_nat *n, const cs_run_opts *opts, cs_nat_results **out, cs_error *err)
{
    *out = NULL;
    cs_run_opts none;
    memset(&none, 0, sizeof none);
    if (!opts) opts = &none;
    CS_REQUIRE(!opts->trace && !opts->feed_make);
    for (size_t f = 0; f < n->n_forces; f++)
        if (n->forces[f].scn->volume_pending)   /* models/volume.h: volumes would mean first attempts */
            return cs_error_set(err, CS_EINTERNAL, "force '%s' has a volume that counts attempts and "
                                "cs_volume_calibrate has not been run on it", n->forces[f].name);
    uint32_t reps = (uint32_t)n->replications;
    cs_nat_results *res = calloc(1, sizeof *res);
    nat_ctx c;
    memset(&c, 0, sizeof c);
    if (!res) return cs_error_set(err, CS_ENOMEM, "out of memory");
    res->nat = n;
    res->n_reps = reps;
    res->force = calloc(n->n_forces ? n->n_forces : 1, sizeof *res->force);
    c.nat = n;
    c.res = res;
    c.opts = opts;
    size_t n_items = n->n_forces * (size_t)reps;
    c.events = calloc(n_items ? n_items : 1, sizeof *c.events);
    double *cost = calloc(n->n_forces ? n->n_forces : 1, sizeof *cost);
    cs_status st = CS_OK;
    if (!res->force || !c.events || !cost) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t f = 0; f < n->n_forces; f++) {
        const cs_scn *s = n->forces[f].scn;
        res->force[f] = cs_results_create(s, reps, s->interval);
        if (!res->force[f]) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory for the results of force '%s'", n->forces[f].name);
            goto done;
        }
        cost[f] = force_cost(s);
    }
    if ((st = totals_prepare(res, err)) != CS_OK) goto done;
    int workers = opts->threads > 0 ? opts->threads : cs_rep_cpus();
    if ((size_t)workers > n_items) workers = (int)n_items;
    if (workers < 1) workers = 1;
    c.workers = workers;
    c.sim_time = calloc((size_t)workers, sizeof *c.sim_time);
    if (!c.sim_time) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto done;
    }
    for (int w = 0; w < workers; w++) atomic_init(&c.sim_time[w], 0.0);
    /* (force, replication) items, largest forces first (the longest-processing-time rule):
     * what starts last is small, so no worker is left alone at the end on a big force. */
    cs_rep_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.n_reps = reps;
    plan.n_parts = (uint32_t)n->n_forces;
    plan.part_cost = cost;
    plan.n_workers = workers;
    plan.run = one_item;
    plan.done = rep_done;
    plan.ud = &c;
    plan.tick = opts->progress ? tick : NULL;
    plan.tick_ud = &c;
    plan.pack = pack_item;
    plan.unpack = unpack_item;
    plan.local = opts->local;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (n_items > 0) st = cs_rep_exec(&plan, err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != CS_OK) goto done;
    res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    for (size_t i = 0; i < n_items; i++) res->events += c.events[i];
    for (size_t f = 0; f < n->n_forces; f++) cs_results_finish(res->force[f]);
    cs_results_finish(res->totals);
    res->totals->events = res->events;
    res->totals->cpu_seconds = res->seconds;
done:
    free(cost);
    free(c.events);
    free((void *)c.sim_time);
    if (st != CS_OK) {
        cs_nat_results_free(res);
        return st;
    }
    *out = res;
    return CS_OK;
}

void cs_nat_results_free(cs_nat_results *r)
{
    if (!r) return;
    if (r->force)
        for (size_t f = 0; f < r->nat->n_forces; f++) cs_results_free(r->force[f]);
    free(r->force);
    cs_results_free(r->totals);
    cs_scn_free(r->totals_scn);
    free(r->line_map);
    free(r->pool_map);
    free(r);
}

/* -------------------------------------------------------------------------------- totals */

int cs_nat_force_line(const cs_nat_results *r, size_t force, size_t l)
{
    return r->line_map[force * r->n_lines + l];
}

int cs_nat_force_pool(const cs_nat_results *r, size_t force, size_t p)
{
    return r->pool_map[force * r->n_pools + p];
}

/* Distinct names in first-seen order over every force (lines or pools). */
static cs_status union_names(const cs_nat *n, int pools, char (**names)[CS_NAME_MAX], size_t *count)
{
    size_t cap = 0;
    for (size_t f = 0; f < n->n_forces; f++) cap += pools ? n->forces[f].scn->n_pools : n->forces[f].scn->n_lines;
    *names = calloc(cap ? cap : 1, sizeof **names);
    *count = 0;
    if (!*names) return CS_ENOMEM;
    for (size_t f = 0; f < n->n_forces; f++) {
        const cs_scn *s = n->forces[f].scn;
        size_t m = pools ? s->n_pools : s->n_lines;
        for (size_t i = 0; i < m; i++) {
            const char *nm = pools ? s->pools[i].name : s->lines[i].name;
            size_t j = 0;
            while (j < *count && strcmp((*names)[j], nm) != 0) j++;
            if (j == *count) memcpy((*names)[(*count)++], nm, CS_NAME_MAX);
        }
    }
    return CS_OK;
}

/* The reporting shell of the totals: what cs_out_table and the charts read (names, targets,
 * whether a feature exists in some force).  Never run. */
static cs_scn *totals_shell(const cs_nat_results *res, char (*lines)[CS_NAME_MAX], size_t nl,
                            char (*pools)[CS_NAME_MAX], size_t np)
{
    const cs_nat *n = res->nat;
    cs_scn *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    snprintf(t->name, sizeof t->name, "%s", n->name);
    t->description = strdup(n->description ? n->description : "");
    t->horizon = n->horizon;
    t->warmup = n->warmup;
    t->replications = n->replications;
    t->seed = n->seed;
    t->interval = n->interval;
    /* Dated runs: the forces share the start date (the national file imposes it), so the
     * totals have the same local days, for daily.csv and the charts by date. */
    if (n->n_forces > 0) {
        const cs_scn *f0 = n->forces[0].scn;
        t->clock = f0->clock;
        if (f0->days && cs_days_build(&f0->clock, f0->horizon, f0->horizon, &t->days, NULL) != CS_OK) {
            cs_scn_free(t);
            return NULL;
        }
    }
    t->lines = calloc(nl ? nl : 1, sizeof *t->lines);
    t->queues = calloc(2 * (nl ? nl : 1), sizeof *t->queues);   /* a main queue and a transfer leg per line */
    t->pools = calloc(np ? np : 1, sizeof *t->pools);
    if (!t->description || !t->lines || !t->queues || !t->pools) {
        cs_scn_free(t);
        return NULL;
    }
    t->n_lines = nl;
    t->n_pools = np;
    size_t nq = nl;
    for (size_t l = 0; l < nl; l++) {
        cs_line *L = &t->lines[l];
        memcpy(L->name, lines[l], CS_NAME_MAX);
        L->queue = (int)l;
        L->trunks = L->queue_places = -1;
        L->spill.to_line = -1;
        L->callback.pool = -1;
        cs_queue *Q = &t->queues[l];
        memcpy(Q->name, lines[l], CS_NAME_MAX);
        Q->line = (int)l;
        Q->transfer_queue = -1;
        int first = 1, xfer = 0;
        long trunks = 0, places = 0;
        int cut = 0;
        for (size_t f = 0; f < n->n_forces; f++) {
            int fl = cs_nat_force_line(res, f, l);
            if (fl < 0) continue;
            const cs_scn *s = n->forces[f].scn;
            const cs_line *F = &s->lines[fl];
            if (first) {
                L->priority = F->priority;
                L->target_within = F->target_within;
                L->target_share = F->target_share;
                first = 0;
            }
            if (F->ivr.enabled) L->ivr.enabled = 1;
            if (F->callback.enabled) L->callback.enabled = 1;
            if (F->ringback.enabled) L->ringback.enabled = 1;
            if (F->redial.prob > L->redial.prob) L->redial.prob = F->redial.prob;
            if (F->spill.to_line >= 0 && L->spill.to_line < 0) {
                for (size_t j = 0; j < nl; j++)
                    if (strcmp(lines[j], s->lines[F->spill.to_line].name) == 0) L->spill.to_line = (int)j;
            }
            if (F->trunks >= 0) trunks += F->trunks, cut = 1;
            if (F->queue_places >= 0) places += F->queue_places, cut = 1;
            if (s->n_outages > 0) cut = 1;
            for (size_t q = 0; q < s->n_queues; q++)
                if (s->queues[q].line == fl && s->queues[q].transfer_queue >= 0) xfer = 1;
        }
        /* Cut-off rows matter when some force can cut calls off: the shell's limits are the
         * sums of the forces' limits (0 where only outages cut calls off). */
        if (cut) {
            L->trunks = trunks;
            L->queue_places = places;
        }
        if (xfer) {
            cs_queue *X = &t->queues[nq];
            snprintf(X->name, sizeof X->name, "%.40s transfers", lines[l]);
            X->line = (int)l;
            X->transfer_queue = -1;
            X->is_transfer_leg = 1;
            Q->transfer_queue = (int)nq++;
        }
    }
    t->n_queues = nq;
    for (size_t p = 0; p < np; p++) memcpy(t->pools[p].name, pools[p], CS_NAME_MAX);
    return t;
}

/* dst += src for one line (totals line l of replication rep). */
static void add_line(cs_repstats *dst, size_t l, const cs_repstats *src, size_t fl)
{
    double *d = cs_rs_line(dst, l);
    const double *s = cs_rs_line_c(src, fl);
    for (int k = 0; k < CS_LC_N; k++) {
        if (k == CS_LC_WAIT_MAX) d[k] = s[k] > d[k] ? s[k] : d[k];
        else d[k] += s[k];
    }
    for (size_t sl = 0; sl < dst->n_slots; sl++) {
        double *ds = cs_rs_line_slot(dst, l, sl);
        const double *ss = cs_rs_line_slot_c(src, fl, sl);
        for (int k = 0; k < CS_IC_N; k++) ds[k] += ss[k];
    }
    for (size_t dd = 0; dd < dst->n_days && dd < src->n_days; dd++) {
        double *dd_ = cs_rs_line_day(dst, l, dd);
        const double *sd = cs_rs_line_day_c(src, fl, dd);
        for (int k = 0; k < CS_DC_N; k++) dd_[k] += sd[k];
    }
    cs_hist_merge(&dst->wait[l], &src->wait[fl]);
    cs_tally_merge(&dst->wait_tally[l], &src->wait_tally[fl]);
    cs_tally_merge(&dst->talk_tally[l], &src->talk_tally[fl]);
}

static void add_pool(cs_repstats *dst, size_t p, const cs_repstats *src, size_t fp)
{
    double *d = cs_rs_pool(dst, p);
    const double *s = cs_rs_pool_c(src, fp);
    for (int k = 0; k < CS_PC_N; k++) d[k] += s[k];
    for (size_t sl = 0; sl < dst->n_slots; sl++) {
        double *ds = cs_rs_pool_slot(dst, p, sl);
        const double *ss = cs_rs_pool_slot_c(src, fp, sl);
        for (int k = 0; k < CS_PC_N; k++) ds[k] += ss[k];
    }
}

/* The totals' scenario shell, line and pool maps and (empty) results, before the run. */
static cs_status totals_prepare(cs_nat_results *res, cs_error *err)
{
    const cs_nat *n = res->nat;
    char (*lines)[CS_NAME_MAX] = NULL, (*pools)[CS_NAME_MAX] = NULL;
    size_t nl = 0, np = 0;
    cs_status st = CS_OK;
    cs_results_free(res->totals);
    cs_scn_free(res->totals_scn);
    free(res->line_map);
    free(res->pool_map);
    res->totals = NULL;
    res->totals_scn = NULL;
    res->line_map = res->pool_map = NULL;
    if (union_names(n, 0, &lines, &nl) != CS_OK || union_names(n, 1, &pools, &np) != CS_OK) goto oom;
    size_t nf = n->n_forces ? n->n_forces : 1;
    res->line_map = malloc(nf * (nl ? nl : 1) * sizeof *res->line_map);
    res->pool_map = malloc(nf * (np ? np : 1) * sizeof *res->pool_map);
    if (!res->line_map || !res->pool_map) goto oom;
    for (size_t f = 0; f < n->n_forces; f++) {
        const cs_scn *s = n->forces[f].scn;
        for (size_t l = 0; l < nl; l++) res->line_map[f * nl + l] = cs_scn_line_index(s, lines[l]);
        for (size_t p = 0; p < np; p++) res->pool_map[f * np + p] = cs_scn_pool_index(s, pools[p]);
    }
    res->n_lines = nl;
    res->n_pools = np;
    res->totals_scn = totals_shell(res, lines, nl, pools, np);
    if (!res->totals_scn) goto oom;
    res->totals = cs_results_create(res->totals_scn, res->n_reps, n->interval);
    if (!res->totals) goto oom;
    goto done;
oom:
    st = cs_error_set(err, CS_ENOMEM, "out of memory while preparing the national totals");
done:
    free(lines);
    free(pools);
    return st;
}

/* Replication i of the totals = the sum of the forces' replication i (in force order, so the
 * floating-point sums do not depend on which thread finished what). */
static void sum_rep(cs_nat_results *res, uint32_t i)
{
    const cs_nat *n = res->nat;
    size_t nl = res->n_lines, np = res->n_pools;
    cs_repstats *d = &res->totals->reps[i];
    cs_repstats_clear(d);
    for (size_t f = 0; f < n->n_forces; f++) {
        const cs_repstats *s = &res->force[f]->reps[i];
        CS_REQUIRE(s->n_slots == d->n_slots);
        /* Every force has the same horizon, warm-up and interval, so the same measured time
         * in every slot; take it once. */
        if (f == 0) memcpy(d->slot_time, s->slot_time, d->n_slots * sizeof *d->slot_time);
        for (size_t l = 0; l < nl; l++) {
            int fl = res->line_map[f * nl + l];
            if (fl >= 0) add_line(d, l, s, (size_t)fl);
        }
        for (size_t p = 0; p < np; p++) {
            int fp = res->pool_map[f * np + p];
            if (fp >= 0) add_pool(d, p, s, (size_t)fp);
        }
    }
}

/* ------------------------------------------------------------------------------- ranking */

int cs_nat_kpi_higher_better(int k)
{
    switch (k) {
    case CS_LK_ANSWERED:
    case CS_LK_SERVICE_LEVEL:
    case CS_LK_CB_ON_TIME:
    case CS_LK_CB_REACHED: return 1;
    default: return 0;
    }
}

typedef struct rank_ix {
    double v;
    size_t f;
} rank_ix;

static int cmp_rank(const void *a, const void *b)
{
    const rank_ix *x = a, *y = b;
    int nx = isnan(x->v), ny = isnan(y->v);
    if (nx != ny) return nx - ny;
    if (!nx && x->v != y->v) return x->v > y->v ? -1 : 1;
    return x->f < y->f ? -1 : x->f > y->f;
}

void cs_nat_rank(const cs_nat_results *r, size_t line, int kpi, size_t *order)
{
    size_t nf = r->nat->n_forces;
    rank_ix *ix = malloc((nf ? nf : 1) * sizeof *ix);
    if (!ix) {
        for (size_t f = 0; f < nf; f++) order[f] = f;
        return;
    }
    double sign = cs_nat_kpi_higher_better(kpi) ? -1 : 1;   /* worst first */
    for (size_t f = 0; f < nf; f++) {
        int fl = cs_nat_force_line(r, f, line);
        double m = NAN, h;
        if (fl >= 0) cs_results_line(r->force[f], (size_t)fl, kpi, &m, &h);
        ix[f].v = isfinite(m) ? sign * m : NAN;
        ix[f].f = f;
    }
    qsort(ix, nf, sizeof *ix, cmp_rank);
    for (size_t f = 0; f < nf; f++) order[f] = ix[f].f;
    free(ix);
}
