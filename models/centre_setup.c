/* Setting up the engine (models/centre_int.h): runtime records for a scenario, the random
 * streams of each replication, the reset between replications, and teardown.  None of it runs
 * per event. */
#include "models/centre_int.h"

/* ---------------------------------------------------------------- set-up */

/* Each pool's staffing over the run: its people, drawn again for every replication
 * (cs_ctr_run), or its expected staffing, built once. */
static cs_status alloc_staffing(cs_ctr *c, cs_error *err)
{
    const cs_scn *s = c->scn;
    /* Undated: t = 0 is Monday 00:00 and shifts repeat every week.  With a start date the
     * scenario's own clock, so shifts keep local times across clock changes. */
    cs_clock undated;
    cs_clock_init(&undated);
    const cs_clock *clock = s->clock.dated ? &s->clock : &undated;
    for (size_t p = 0; p < s->n_pools; p++) {
        pool_rt *P = &c->pools[p];
        const cs_pool *pc = &s->pools[p];
        cs_status st;
        cs_error e;
        /* A pool built in code with only a staffing function (no people) runs it as given. */
        if (pc->absence == CS_ABSENCE_RANDOM && (pc->n_shifts > 0 || pc->headcount > 0))
            st = cs_roster_people_create(pc->shifts, pc->n_shifts, pc->headcount, pc->shrinkage,
                                         clock, s->horizon, &P->people, &e);
        else if (pc->run_staffing.n == 0)
            st = cs_roster_repeat(&pc->staffing, s->horizon, &P->repeat, &e);
        else
            st = CS_OK;
        if (st != CS_OK) return cs_error_set(err, st, "pool '%s': %s", pc->name, e.msg);
        /* Dated and expected: the loader's staffing over the run, on-duty numbers included. */
        P->run = pc->run_staffing.n ? &pc->run_staffing : &P->repeat;
    }
    return CS_OK;
}

static cs_status alloc_runtime(cs_ctr *c, cs_error *err)
{
    const cs_scn *s = c->scn;
    c->lines = calloc(s->n_lines, sizeof *c->lines);
    c->queues = calloc(s->n_queues, sizeof *c->queues);
    c->pools = calloc(s->n_pools ? s->n_pools : 1, sizeof *c->pools);
    if (!c->lines || !c->queues || !c->pools) return cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t l = 0; l < s->n_lines; l++) {
        line_rt *L = &c->lines[l];
        L->cfg = &s->lines[l];
        L->cut_outages = calloc(s->n_outages + 1, sizeof(int));
        L->slow_outages = calloc(s->n_outages + 1, sizeof(int));
        L->win_effects = calloc(s->n_effects + 1, sizeof(int));
        L->surges = calloc(s->n_surges + 1, sizeof(int));
        if (!L->cut_outages || !L->slow_outages || !L->win_effects || !L->surges)
            return cs_error_set(err, CS_ENOMEM, "out of memory");
        L->handle_factor = L->wrap_factor = 1.0;
        for (size_t i = 0; i < s->n_effects; i++) {
            const cs_effect *e = &s->effects[i];
            if (e->line >= 0 && e->line != (int)l) continue;
            if (e->has_window)
                L->win_effects[L->n_win++] = (int)i;
            else if (e->on == CS_EFFECT_HANDLE)
                L->handle_factor *= e->factor;
            else
                L->wrap_factor *= e->factor;
        }
        for (size_t i = 0; i < s->n_outages; i++) {
            const cs_outage *o = &s->outages[i];
            if (o->window.line >= 0 && o->window.line != (int)l) continue;
            if (o->kind == CS_OUTAGE_CUT_OFF)
                L->cut_outages[L->n_cut++] = (int)i;
            else
                L->slow_outages[L->n_slow++] = (int)i;
        }
        for (size_t i = 0; i < s->n_surges; i++)
            if (s->surges[i].line < 0 || s->surges[i].line == (int)l) L->surges[L->n_surges++] = (int)i;
    }
    for (size_t q = 0; q < s->n_queues; q++) {
        queue_rt *Q = &c->queues[q];
        Q->cfg = &s->queues[q];
        Q->line = s->queues[q].line;
        Q->prio = s->queues[q].priority;
        Q->pools = calloc(s->n_pools + 1, sizeof(int));
        if (!Q->pools) return cs_error_set(err, CS_ENOMEM, "out of memory");
        /* Specialists (pools with fewer queues) answer first, keeping blended handlers free
         * for the calls only they can take; ties in the order the file lists them. */
        for (size_t pass = 1; pass <= s->n_queues; pass++)
            for (size_t p = 0; p < s->n_pools; p++) {
                if (s->pools[p].n_queues != pass) continue;
                for (size_t i = 0; i < s->pools[p].n_queues; i++)
                    if (s->pools[p].queues[i] == (int)q) Q->pools[Q->n_pools++] = (int)p;
            }
    }
    for (size_t p = 0; p < s->n_pools; p++) {
        pool_rt *P = &c->pools[p];
        const cs_pool *pc = &s->pools[p];
        P->cfg = pc;
        P->n_queues = pc->n_queues;
        P->queues = calloc(pc->n_queues + 1, sizeof(int));
        P->weights = calloc(pc->n_queues + 1, sizeof(double));
        P->cb_lines = calloc(s->n_lines + 1, sizeof(int));
        P->rb_lines = calloc(s->n_lines + 1, sizeof(int));
        if (!P->queues || !P->weights || !P->cb_lines || !P->rb_lines)
            return cs_error_set(err, CS_ENOMEM, "out of memory");
        /* Stable insertion sort by priority, highest first (a handful of queues). */
        for (size_t i = 0; i < pc->n_queues; i++) {
            int q = pc->queues[i];
            double w = pc->weights ? pc->weights[i] : 1.0;
            size_t j = i;
            while (j > 0 && s->queues[P->queues[j - 1]].priority < s->queues[q].priority) {
                P->queues[j] = P->queues[j - 1];
                P->weights[j] = P->weights[j - 1];
                j--;
            }
            P->queues[j] = q;
            P->weights[j] = w;
        }
        for (size_t l = 0; l < s->n_lines; l++) {
            const cs_callback *cb = &s->lines[l].callback;
            if (!cb->enabled) continue;
            int serves = 0;
            if (cb->pool >= 0)
                serves = cb->pool == (int)p;
            else
                for (size_t i = 0; i < pc->n_queues; i++)
                    if (pc->queues[i] == s->lines[l].queue) serves = 1;
            if (serves) P->cb_lines[P->n_cb_lines++] = (int)l;
        }
        for (size_t l = 0; l < s->n_lines; l++) {
            const cs_ringback *rb = &s->lines[l].ringback;
            if (!rb->enabled) continue;
            int serves = 0;
            if (rb->pool >= 0)
                serves = rb->pool == (int)p;
            else
                for (size_t i = 0; i < pc->n_queues; i++)
                    if (pc->queues[i] == s->lines[l].queue) serves = 1;
            if (serves) P->rb_lines[P->n_rb_lines++] = (int)l;
        }
    }
    return alloc_staffing(c, err);
}

cs_status csi_ctr_for_each_stream(cs_ctr *c, uint32_t rep, int create, cs_error *err)
{
    const cs_scn *s = c->scn;
    /* Stream "prefix" + name (sim/rng.h), e.g. "arrivals/999". */
#define STREAM(field, prefix, nm)                                                     \
    do {                                                                              \
        if (create) {                                                                 \
            field = gsl_rng_alloc(cs_rng_xoshiro256ss);                               \
            if (!field) return cs_error_set(err, CS_ENOMEM, "out of memory");         \
        }                                                                             \
        gsl_rng_set(field, (unsigned long)cs_rng_seed_for2(s->seed, rep, prefix, nm)); \
    } while (0)
    for (size_t l = 0; l < s->n_lines; l++) {
        line_rt *L = &c->lines[l];
        const char *n = s->lines[l].name;
        STREAM(L->arr_rng, "arrivals/", n);
        STREAM(L->demand_rng, "demand/", n);
        STREAM(L->ivr_rng, "ivr/", n);
        STREAM(L->patience_rng, "patience/", n);
        STREAM(L->redial_rng, "redial/", n);
        STREAM(L->spill_rng, "spillover/", n);
        STREAM(L->cb_rng, "callback/", n);
        STREAM(L->connect_rng, "connect/", n);
        STREAM(L->rb_rng, "ringback/", n);
    }
    for (size_t q = 0; q < s->n_queues; q++) {
        queue_rt *Q = &c->queues[q];
        const char *n = s->queues[q].name;
        STREAM(Q->handle_rng, "handle/", n);
        STREAM(Q->wrap_rng, "wrap/", n);
        STREAM(Q->transfer_rng, "transfer/", n);
        STREAM(Q->patience_rng, "patience-leg2/", n);
    }
    for (size_t p = 0; p < s->n_pools; p++) STREAM(c->pools[p].route_rng, "route/", s->pools[p].name);
#undef STREAM
    return CS_OK;
}

cs_ctr *cs_ctr_create(const cs_scn *scn, cs_error *err)
{
    cs_ctr *c = calloc(1, sizeof *c);
    if (!c) {
        cs_error_set(err, CS_ENOMEM, "out of memory");
        return NULL;
    }
    c->scn = scn;
    c->cal = cs_cal_create(1024);
    if (!c->cal) {
        cs_error_set(err, CS_ENOMEM, "out of memory");
        cs_ctr_destroy(c);
        return NULL;
    }
    if (alloc_runtime(c, err) != CS_OK || csi_ctr_for_each_stream(c, 0, 1, err) != CS_OK) {
        cs_ctr_destroy(c);
        return NULL;
    }
    /* Each line's next arrival on a lane of its own while there are lanes (sim/cal.h). */
    for (size_t l = 0; l < scn->n_lines; l++) c->lines[l].arr_lane = cs_cal_lane_new(c->cal);
    /* Then the ends of IVR journeys, a lane for each line with an IVR while there are lanes:
     * they leave nearly in the order they start, so a lane keeps them in order with a step or
     * two of insertion instead of a walk through the heap each. */
    for (size_t l = 0; l < scn->n_lines; l++)
        c->lines[l].ivr_lane = scn->lines[l].ivr.enabled ? cs_cal_lane_new(c->cal) : -1;
    return c;
}

void cs_ctr_destroy(cs_ctr *c)
{
    if (!c) return;
    const cs_scn *s = c->scn;
    if (c->lines)
        for (size_t l = 0; l < s->n_lines; l++) {
            line_rt *L = &c->lines[l];
            gsl_rng_free(L->arr_rng);
            gsl_rng_free(L->demand_rng);
            gsl_rng_free(L->ivr_rng);
            gsl_rng_free(L->patience_rng);
            gsl_rng_free(L->redial_rng);
            gsl_rng_free(L->spill_rng);
            gsl_rng_free(L->cb_rng);
            gsl_rng_free(L->connect_rng);
            gsl_rng_free(L->rb_rng);
            free(L->cut_outages);
            free(L->slow_outages);
            free(L->win_effects);
            free(L->surges);
        }
    if (c->queues)
        for (size_t q = 0; q < s->n_queues; q++) {
            queue_rt *Q = &c->queues[q];
            gsl_rng_free(Q->handle_rng);
            gsl_rng_free(Q->wrap_rng);
            gsl_rng_free(Q->transfer_rng);
            gsl_rng_free(Q->patience_rng);
            free(Q->pools);
        }
    if (c->pools)
        for (size_t p = 0; p < s->n_pools; p++) {
            gsl_rng_free(c->pools[p].route_rng);
            free(c->pools[p].queues);
            free(c->pools[p].weights);
            free(c->pools[p].cb_lines);
            free(c->pools[p].rb_lines);
            cs_roster_people_destroy(c->pools[p].people);
            cs_roster_fini(&c->pools[p].repeat);
            cs_roster_fini(&c->pools[p].overlaid);
        }
    free(c->lines);
    free(c->queues);
    free(c->pools);
    while (c->chunks) {
        chunk *n = c->chunks->next;
        free(c->chunks);
        c->chunks = n;
    }
    cs_cal_destroy(c->cal);
    free(c);
}

void cs_ctr_set_trace(cs_ctr *c, cs_trace_fn *fn, void *ud)
{
    c->trace = fn;
    c->trace_ud = ud;
}

void cs_ctr_set_feed(cs_ctr *c, const cs_feed *feed)
{
    c->has_feed = feed != NULL;
    if (feed) c->feed_copy = *feed;
}

void cs_ctr_set_progress(cs_ctr *c, _Atomic double *sim_time) { c->progress = sim_time; }

uint64_t cs_ctr_events(const cs_ctr *c) { return c->events; }

/* ---------------------------------------------------------------- one replication */

void csi_ctr_reset_state(cs_ctr *c)
{
    const cs_scn *s = c->scn;
    cs_cal_reset(c->cal);
    /* Return every call record to the free list in chunk order, so record addresses (and
     * anything that might depend on them) are the same in every replication. */
    c->free_calls = NULL;
    for (chunk *ch = c->chunks; ch; ch = ch->next)
        for (size_t i = CHUNK_CALLS; i-- > 0;) {
            ch->calls[i].state = ST_FREE;
            ch->calls[i].next = c->free_calls;
            c->free_calls = &ch->calls[i];
        }
    for (size_t l = 0; l < s->n_lines; l++) {
        line_rt *L = &c->lines[l];
        L->seg_end = -1;
        L->seg_rate = 0;
        L->day = -1;
        L->day_factor = 1;
        L->dcur = 0;
        L->in_system = L->waiting = 0;
        L->cb_head = L->cb_tail = NULL;
        L->rb_head = L->rb_tail = NULL;
        cs_timeavg_reset(&L->qlen, 0, 0);
        L->qarea_mark = 0;
        L->lc = cs_rs_line(c->rs, l);
    }
    for (size_t q = 0; q < s->n_queues; q++) {
        queue_rt *Q = &c->queues[q];
        Q->head = Q->tail = NULL;
        Q->len = 0;
    }
    for (size_t p = 0; p < s->n_pools; p++) {
        pool_rt *P = &c->pools[p];
        P->busy = P->leaving = 0;
        P->waiting = 0;
        P->on_duty = 0;
        P->step = 0;
        cs_timeavg_reset(&P->busy_ta, 0, 0);
        cs_timeavg_reset(&P->duty_ta, 0, 0);
        P->busy_mark = P->duty_mark = 0;
    }
    c->tick_prev = 0;
    c->acur = c->tcur = 0;
    c->next_caller = 1;
    c->oom = 0;
    c->overload = 0;
}
