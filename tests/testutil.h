/* Helpers shared by tests: build small scenarios in code (no YAML), so engine tests do not
 * depend on the loader, and run them. */
#ifndef CS_TESTUTIL_H
#define CS_TESTUTIL_H

#include <stdlib.h>
#include <string.h>

#include "models/scenario.h"

/* One line, one queue, one pool of n handlers: M/G/n+G with the given distributions
 * (exponential service and patience when the means are given; patience <= 0 = never). */
static inline cs_scn *tu_single(double rate, double mean_service, int n, double mean_patience,
                                double within, double horizon, double warmup, int reps,
                                unsigned long long seed)
{
    cs_scn *s = calloc(1, sizeof *s);
    strcpy(s->name, "test");
    s->horizon = horizon;
    s->warmup = warmup;
    s->replications = reps;
    s->seed = seed;
    s->interval = 900;
    s->n_lines = s->n_queues = s->n_pools = 1;
    s->lines = calloc(1, sizeof *s->lines);
    s->queues = calloc(1, sizeof *s->queues);
    s->pools = calloc(1, sizeof *s->pools);
    cs_line *l = &s->lines[0];
    strcpy(l->name, "101");
    l->demand.slot_len = CS_WEEK;
    l->demand.n_slots = 1;
    l->demand.rate = malloc(sizeof(double));
    l->demand.rate[0] = rate;
    l->trunks = -1;
    l->queue_places = -1;
    l->queue = 0;
    if (mean_patience > 0)
        cs_dist_exponential(&l->patience, mean_patience, NULL);
    else
        cs_dist_never(&l->patience);
    cs_dist_deterministic(&l->redial.delay, 60, NULL);
    l->redial.max_attempts = 1;
    l->spill.to_line = -1;
    cs_dist_deterministic(&l->spill.delay, 30, NULL);
    l->callback.pool = -1;
    cs_dist_deterministic(&l->callback.fail_time, 60, NULL);
    l->target_within = within;
    l->target_share = 0.8;
    cs_queue *q = &s->queues[0];
    strcpy(q->name, "101");
    q->line = 0;
    cs_dist_exponential(&q->handle, mean_service, NULL);
    cs_dist_deterministic(&q->wrap, 0, NULL);
    cs_dist_never(&q->patience);
    q->transfer_queue = -1;
    cs_pool *p = &s->pools[0];
    strcpy(p->name, "handlers");
    p->n_queues = 1;
    p->queues = malloc(sizeof(int));
    p->queues[0] = 0;
    p->staffing.n = 1;
    p->staffing.at = malloc(sizeof(double));
    p->staffing.level = malloc(sizeof(int));
    p->staffing.at[0] = 0;
    p->staffing.level[0] = n;
    return s;
}

#endif
