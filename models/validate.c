/* Validation of a run at its own scale; see models/validate.h. */
#include "models/validate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/run.h"
#include "models/scenario.h"

/* The queue a line's calls reach first: its own, or the first IVR route's. */
static int first_queue(const cs_line *L)
{
    if (L->queue >= 0) return L->queue;
    return L->ivr.n_routes > 0 ? L->ivr.routes[0].queue : -1;
}

static int pool_takes(const cs_pool *p, int q)
{
    for (size_t i = 0; i < p->n_queues; i++)
        if (p->queues[i] == q) return 1;
    return 0;
}

static double busy_per_call(const cs_queue *Q) { return cs_dist_mean(&Q->handle) + cs_dist_mean(&Q->wrap); }

/* M/M/n+M (patience <= 0: M/M/n) as a scenario the engine runs: one line, one queue, one pool
 * of n handlers, constant demand, exponential times, nothing else. */
static cs_scn *simple_model(double lambda, double service, int n, double patience, double within,
                            uint64_t seed)
{
    cs_scn *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->lines = calloc(1, sizeof *s->lines);
    s->queues = calloc(1, sizeof *s->queues);
    s->pools = calloc(1, sizeof *s->pools);
    if (!s->lines || !s->queues || !s->pools) {
        cs_scn_free(s);
        return NULL;
    }
    s->n_lines = s->n_queues = s->n_pools = 1;
    strcpy(s->name, "validation");
    double measured = CS_VALID_CALLS / lambda;
    /* Twenty mean sojourns reach the stationary regime from empty; a long patience is capped at
     * a day (or the measured period) so that the check stays a check. */
    double warm = 20.0 * (service + (patience > 0 ? patience : 0));
    if (warm < 3600) warm = 3600;
    if (warm > fmax(measured, 86400.0)) warm = fmax(measured, 86400.0);
    s->horizon = warm + measured;
    s->warmup = warm;
    s->replications = CS_VALID_REPS;
    s->seed = seed;
    s->interval = 3600;
    cs_line *l = &s->lines[0];
    strcpy(l->name, "line");
    l->demand.slot_len = CS_WEEK;
    l->demand.n_slots = 1;
    l->demand.rate = malloc(sizeof(double));
    cs_queue *q = &s->queues[0];
    cs_pool *p = &s->pools[0];
    p->queues = malloc(sizeof(int));
    p->staffing.at = malloc(sizeof(double));
    p->staffing.level = malloc(sizeof(int));
    if (!l->demand.rate || !p->queues || !p->staffing.at || !p->staffing.level) {
        cs_scn_free(s);
        return NULL;
    }
    l->demand.rate[0] = lambda;
    l->trunks = -1;
    l->queue_places = -1;
    l->queue = 0;
    if (patience > 0) cs_dist_exponential(&l->patience, patience, NULL);
    else cs_dist_never(&l->patience);
    cs_dist_deterministic(&l->redial.delay, 60, NULL);
    l->redial.max_attempts = 1;
    l->spill.to_line = -1;
    cs_dist_deterministic(&l->spill.delay, 30, NULL);
    l->callback.pool = -1;
    cs_dist_deterministic(&l->callback.fail_time, 60, NULL);
    l->ringback.pool = -1;
    l->target_within = within;
    l->target_share = 0.8;
    strcpy(q->name, "line");
    q->line = 0;
    cs_dist_exponential(&q->handle, service, NULL);
    cs_dist_deterministic(&q->wrap, 0, NULL);
    cs_dist_never(&q->patience);
    q->transfer_queue = -1;
    strcpy(p->name, "handlers");
    p->n_queues = 1;
    p->queues[0] = 0;
    p->staffing.n = 1;
    p->staffing.at[0] = 0;
    p->staffing.level[0] = n;
    return s;
}

static cs_valid_mci slot_mci(const cs_results *r, size_t line, size_t slot, int ik)
{
    cs_valid_mci v;
    cs_results_line_slots(r, line, &slot, 1, ik, &v.mean, &v.ci95);
    return v;
}

static cs_valid_mci run_mci(const cs_results *r, int lk)
{
    cs_valid_mci v;
    cs_results_line(r, 0, lk, &v.mean, &v.ci95);
    return v;
}

static cs_status one_line(const cs_results *r, size_t l, int threads, cs_valid_line *v, cs_error *err)
{
    const cs_scn *s = r->scn;
    const cs_line *L = &s->lines[l];
    memset(v, 0, sizeof *v);
    int q = first_queue(L);
    if (q < 0 || r->n_reps == 0) return CS_OK;
    const cs_repstats *r0 = &r->reps[0];
    double best = 0;
    for (size_t k = 0; k < r0->n_slots; k++) {
        if (!(r0->slot_time[k] > 0)) continue;
        double m, h;
        cs_results_line_slots(r, l, &k, 1, CS_IK_OFFERED, &m, &h);
        if (m > best) {
            best = m;
            v->slot = k;
        }
    }
    if (!(best > 0)) return CS_OK;
    v->slot_len = r0->interval;
    v->slot_start = (double)v->slot * r0->interval;
    v->lambda = best / r0->interval;
    v->mean_service = busy_per_call(&s->queues[q]);
    double pat = cs_dist_mean(&L->patience);
    v->erlang_c = !(pat > 0 && isfinite(pat));
    v->mean_patience = v->erlang_c ? 0 : pat;
    v->within = L->target_within;
    /* Handlers on duty in the pools answering the queue, less those busy with the other queues
     * they answer (a queue that is a line's own counts its answered calls then). */
    for (size_t p = 0; p < s->n_pools; p++) {
        if (!pool_takes(&s->pools[p], q)) continue;
        double m, h;
        cs_results_pool_slots(r, p, &v->slot, 1, CS_IPK_ON_DUTY, &m, &h);
        if (isfinite(m)) v->on_duty += m;
    }
    for (size_t q2 = 0; q2 < s->n_queues; q2++) {
        if ((int)q2 == q) continue;
        int shared = 0;
        for (size_t p = 0; p < s->n_pools; p++)
            if (pool_takes(&s->pools[p], q) && pool_takes(&s->pools[p], (int)q2)) shared = 1;
        int l2 = s->queues[q2].line;
        if (!shared || l2 < 0 || first_queue(&s->lines[l2]) != (int)q2) continue;
        double m, h;
        cs_results_line_slots(r, (size_t)l2, &v->slot, 1, CS_IK_ANSWERED, &m, &h);
        if (isfinite(m)) v->busy_other += m / r0->interval * busy_per_call(&s->queues[q2]);
    }
    long n = lround(v->on_duty - v->busy_other);
    if (!(v->on_duty > 0) || !(v->mean_service > 0)) return CS_OK;
    v->agents = n < 1 ? 1 : (int)n;
    cs_error e = {CS_OK, ""};
    cs_status st = v->erlang_c ? cs_erl_c(v->lambda, v->mean_service, v->agents, v->within, &v->erlang, &e)
                               : cs_erl_a(v->lambda, v->mean_service, v->agents, v->mean_patience, v->within,
                                          &v->erlang, &e);
    v->ok = 1;
    v->scen_sl = slot_mci(r, l, v->slot, CS_IK_SERVICE_LEVEL);
    v->scen_ab = slot_mci(r, l, v->slot, CS_IK_ABANDON_RATE);
    v->scen_asa = slot_mci(r, l, v->slot, CS_IK_ASA);
    if (st != CS_OK) return CS_OK;   /* Erlang C at or above 100% load: no stationary answer */
    cs_scn *m = simple_model(v->lambda, v->mean_service, v->agents, v->mean_patience, v->within, s->seed);
    if (!m) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_run_opts o;
    memset(&o, 0, sizeof o);
    o.threads = threads;
    cs_results *mr = NULL;
    st = cs_run(m, &o, &mr, err);
    if (st == CS_OK) {
        v->engine_ok = 1;
        v->engine_sl = run_mci(mr, CS_LK_SERVICE_LEVEL);
        v->engine_ab = run_mci(mr, CS_LK_ABANDON_RATE);
        v->engine_asa = run_mci(mr, CS_LK_ASA);
        double calls, h;
        cs_results_line(mr, 0, CS_LK_OFFERED, &calls, &h);
        v->engine_calls = calls;
    }
    cs_results_free(mr);
    cs_scn_free(m);
    return st;
}

cs_status cs_valid_run(const cs_results *r, cs_valid_line *out, size_t *n_lines, int threads, cs_error *err)
{
    size_t n = r->scn->n_lines < CS_VALID_MAX_LINES ? r->scn->n_lines : CS_VALID_MAX_LINES;
    *n_lines = n;
    for (size_t l = 0; l < n; l++) {
        cs_status st = one_line(r, l, threads, &out[l], err);
        if (st != CS_OK) return st;
    }
    return CS_OK;
}
