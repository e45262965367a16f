#include "models/need.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/dist.h"

static int pool_takes(const cs_pool *P, int q)
{
    for (size_t i = 0; i < P->n_queues; i++)
        if (P->queues[i] == q) return 1;
    return 0;
}

/* Pools that take queue q: its calls are split equally between them. */
static int n_pools_taking(const cs_scn *s, int q)
{
    int n = 0;
    for (size_t p = 0; p < s->n_pools; p++) n += pool_takes(&s->pools[p], q);
    return n ? n : 1;
}

static double line_reach(const cs_line *L)
{
    if (!L->ivr.enabled) return 1.0;
    double r = 1.0 - L->ivr.abandon - L->ivr.deflect;
    return r > 0 ? r : 0;
}

/* Calls per second the lines send straight to queue q (through their IVR or not). */
static double direct_rate(const cs_scn *s, const double *line_rate, int q)
{
    double rate = 0;
    for (size_t l = 0; l < s->n_lines; l++) {
        const cs_line *L = &s->lines[l];
        double r = line_rate[l] > 0 ? line_rate[l] : 0;
        if (L->ivr.enabled) {
            double reach = r * line_reach(L);
            for (size_t k = 0; k < L->ivr.n_routes; k++)
                if (L->ivr.routes[k].queue == q) rate += reach * L->ivr.routes[k].share;
        } else if (L->queue == q) {
            rate += r;
        }
    }
    return rate;
}

/* Calls per second into queue q, transfers included.  Computed per queue rather than into an
 * array of every queue's rate: no allocation, so nothing here can fail and leave a chart or a
 * plan quietly short of a queue's load.  Legs never transfer again, so the first legs' direct
 * rates are all a leg receives. */
static double queue_rate(const cs_scn *s, const double *line_rate, int q)
{
    double rate = direct_rate(s, line_rate, q);
    for (size_t k = 0; k < s->n_queues; k++) {
        const cs_queue *Q = &s->queues[k];
        if (!Q->is_transfer_leg && Q->transfer_queue == q)
            rate += direct_rate(s, line_rate, (int)k) * Q->transfer_share;
    }
    return rate;
}

void cs_need_load(const cs_scn *s, size_t pool, const double *line_rate, double *lambda, double *mean_busy)
{
    double lam = 0, work = 0;
    const cs_pool *P = &s->pools[pool];
    for (size_t i = 0; i < P->n_queues; i++) {
        int k = P->queues[i];
        const cs_queue *Q = &s->queues[k];
        double r = queue_rate(s, line_rate, k) / n_pools_taking(s, k);
        lam += r;
        work += r * (cs_dist_mean(&Q->handle) + cs_dist_mean(&Q->wrap));
    }
    *lambda = lam;
    *mean_busy = lam > 0 ? work / lam : 0;
}

/* The exponential patience Erlang A uses for a queue: the one with the same chance of hanging up
 * within the target time T as the real distribution, -T / log(1 - F(T)).  For an exponential
 * patience that is its mean; for a mixture with quick quitters (10% of 999 callers gone within
 * seconds) it is much shorter than the mean, as the waits that decide a service level or an
 * abandonment rate under a target are short.  A 0 s target uses a minute. */
static double queue_patience(const cs_scn *s, int q)
{
    const cs_queue *Q = &s->queues[q];
    const cs_dist *d = Q->has_patience ? &Q->patience : &s->lines[Q->line].patience;
    double mean = cs_dist_mean(d);
    if (!isfinite(mean)) return INFINITY;
    double tau = s->lines[Q->line].target_within;
    if (!(tau > 0)) tau = 60;
    double f = cs_dist_cdf(d, tau);
    if (!(f > 1e-12) || !(f < 1)) return mean;
    return -tau / log1p(-f);
}

double cs_need_patience(const cs_scn *s, size_t pool, const double *line_rate)
{
    const cs_pool *P = &s->pools[pool];
    double w = 0, sum = 0, fallback = INFINITY;
    for (size_t i = 0; i < P->n_queues; i++) {
        int k = P->queues[i];
        double pat = queue_patience(s, k);
        if (i == 0) fallback = pat;
        if (!isfinite(pat)) continue;
        /* Abandonment goes with the rate 1/patience, so patience averages harmonically. */
        double r = queue_rate(s, line_rate, k);
        w += r;
        sum += r / pat;
    }
    return w > 0 && sum > 0 ? w / sum : fallback;
}

void cs_need_targets(const cs_scn *s, size_t pool, cs_need_target *out, size_t max, size_t *n)
{
    const cs_pool *P = &s->pools[pool];
    size_t k = 0;
    for (size_t i = 0; i < P->n_queues; i++) {
        int q = P->queues[i];
        const cs_queue *Q = &s->queues[q];
        const cs_line *L = &s->lines[Q->line];
        int leg = Q->is_transfer_leg;
        size_t j = 0;
        for (; j < k && j < max; j++)
            if (out[j].line == Q->line && out[j].leg == leg) break;
        if (j < k) continue;
        if (k < max) {
            cs_need_target *t = &out[k];
            memset(t, 0, sizeof *t);
            t->line = Q->line;
            t->queue = q;
            t->leg = leg;
            t->reach = leg ? 1.0 : line_reach(L);
            t->ivr_abandon = leg || !L->ivr.enabled ? 0.0 : L->ivr.abandon;
            t->patience = queue_patience(s, q);
            t->within = L->target_within;
            t->share = L->target_share;
            t->max_abandon = L->target_max_abandon;
            t->reachable = 1;
            t->queue_target.within = L->target_within;
            if (t->share > 0) {
                double sq = t->reach > 0 ? t->share / t->reach : INFINITY;
                if (!(sq < 1.0)) t->reachable = 0;
                t->queue_target.share = sq < 1.0 ? sq : 0;
            }
            /* Erlang C has no abandonment: the ceiling then binds only through the IVR. */
            if (t->max_abandon > 0 && isfinite(t->patience)) {
                double aq = t->reach > 0 ? (t->max_abandon - t->ivr_abandon) / t->reach : -1;
                if (!(aq > 0)) t->reachable = 0;
                t->queue_target.max_abandon = aq > 0 && aq < 1 ? aq : 0;
            } else if (t->max_abandon > 0 && !(t->max_abandon > t->ivr_abandon)) {
                t->reachable = 0;
            }
            if (t->queue_target.share == 0 && t->queue_target.max_abandon == 0 && t->reachable) {
                /* Nothing left for the queue to meet (a ceiling above what the IVR loses, with
                 * callers who never hang up): any handler count that keeps up will do. */
                t->queue_target.share = 1e-9;
            }
        }
        k++;
    }
    *n = k;
}

int cs_need_max_n(double load)
{
    double m = ceil(10.0 * (load > 0 ? load : 0)) + 100.0;
    return m > CS_ERL_MAX_AGENTS ? CS_ERL_MAX_AGENTS : (int)m;
}

#define MAX_TARGETS 64

cs_status cs_need_pool(const cs_scn *s, size_t pool, const double *line_rate, cs_need *out, cs_error *err)
{
    cs_need_target tg[MAX_TARGETS];
    size_t nt;
    cs_need_targets(s, pool, tg, MAX_TARGETS, &nt);
    if (nt > MAX_TARGETS) nt = MAX_TARGETS;
    double lam, es;
    cs_need_load(s, pool, line_rate, &lam, &es);
    memset(out, 0, sizeof *out);
    out->load = lam * es;
    if (!(lam > 0) || !(es > 0)) return CS_OK;
    int max_n = cs_need_max_n(out->load);
    for (size_t i = 0; i < nt; i++) {
        if (!tg[i].reachable) {
            out->unreachable++;
            continue;
        }
        cs_erl_staffing st;
        double pat = isfinite(tg[i].patience) ? tg[i].patience : 0.0;
        cs_status rc = cs_erl_staff(lam, es, pat, &tg[i].queue_target, max_n, &st, err);
        if (rc != CS_OK) return rc;
        if (!st.met) {
            out->unreachable++;
            continue;
        }
        if (st.n > out->n) out->n = st.n;
    }
    return CS_OK;
}

cs_status cs_need_results(const cs_results *r, size_t pool, double *needed, cs_error *err)
{
    const cs_scn *s = r->scn;
    size_t ns = r->n_reps ? r->reps[0].n_slots : 0;
    double *rate = calloc(s->n_lines ? s->n_lines : 1, sizeof *rate);
    if (!rate) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_status st = CS_OK;
    for (size_t k = 0; k < ns && st == CS_OK; k++) {
        double t = 0;
        for (uint32_t i = 0; i < r->n_reps; i++) t += r->reps[i].slot_time[k];
        if (!(t > 0)) {
            needed[k] = NAN;
            continue;
        }
        for (size_t l = 0; l < s->n_lines; l++) {
            double c = 0;
            for (uint32_t i = 0; i < r->n_reps; i++) c += cs_rs_line_slot_c(&r->reps[i], l, k)[CS_IC_OFFERED];
            rate[l] = c / t;
        }
        cs_need nd;
        st = cs_need_pool(s, pool, rate, &nd, err);
        needed[k] = (double)nd.n;
    }
    free(rate);
    return st;
}
