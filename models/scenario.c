#include "models/scenario.h"

#include <stdlib.h>
#include <string.h>

#include "models/demand.h"
#include "models/staffing.h"

static void free_line(cs_line *l)
{
    free(l->demand.rate);
    cs_demand_free(l->dated);
    cs_dist_fini(&l->ivr.time);
    free(l->ivr.routes);
    cs_dist_fini(&l->patience);
    cs_dist_fini(&l->redial.delay);
    cs_dist_fini(&l->spill.delay);
    cs_dist_fini(&l->callback.fail_time);
    for (size_t i = 0; i < l->n_bands; i++) {
        cs_dist_fini(&l->bands[i].handle);
        cs_dist_fini(&l->bands[i].patience);
    }
    free(l->bands);
    cs_dist_fini(&l->ringback.time);
    cs_dist_fini(&l->connect);
}

static void free_queue(cs_queue *q)
{
    cs_dist_fini(&q->handle);
    cs_dist_fini(&q->wrap);
    cs_dist_fini(&q->patience);
}

static void free_pool(cs_pool *p)
{
    free(p->queues);
    free(p->weights);
    free(p->shifts);
    free(p->patterns);
    cs_roster_fini(&p->staffing);
    cs_roster_fini(&p->run_staffing);
    cs_onduty_fini(p->on_duty);
    free(p->on_duty);
}

void cs_scn_free(cs_scn *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n_lines; i++) free_line(&s->lines[i]);
    for (size_t i = 0; i < s->n_queues; i++) free_queue(&s->queues[i]);
    for (size_t i = 0; i < s->n_pools; i++) free_pool(&s->pools[i]);
    free(s->lines);
    free(s->queues);
    free(s->pools);
    for (size_t i = 0; i < s->n_surges; i++) free(s->surges[i].inst);
    free(s->surges);
    free(s->effects);
    free(s->outages);
    free(s->description);
    cs_days_free(s->days);
    free(s);
}

int cs_scn_line_index(const cs_scn *s, const char *name)
{
    for (size_t i = 0; i < s->n_lines; i++)
        if (strcmp(s->lines[i].name, name) == 0) return (int)i;
    return -1;
}

int cs_scn_queue_index(const cs_scn *s, const char *name)
{
    for (size_t i = 0; i < s->n_queues; i++)
        if (strcmp(s->queues[i].name, name) == 0) return (int)i;
    return -1;
}

int cs_scn_pool_index(const cs_scn *s, const char *name)
{
    for (size_t i = 0; i < s->n_pools; i++)
        if (strcmp(s->pools[i].name, name) == 0) return (int)i;
    return -1;
}

int cs_scn_staff_at(const cs_pool *pool, double t)
{
    if (pool->run_staffing.n) return cs_staffing_level_at(&pool->run_staffing, t);
    return cs_roster_level_at(&pool->staffing, t);
}

int cs_scn_measures_a_year(const cs_scn *s)
{
    double m = s->horizon - s->warmup;
    if (!s->clock.dated) return m == 365 * CS_DAY || m == 366 * CS_DAY;
    cs_clock_local a, b;
    cs_clock_at(&s->clock, s->warmup, &a);
    cs_clock_at(&s->clock, s->horizon, &b);
    return b.y == a.y + 1 && b.m == a.m && b.d == a.d && b.sod == a.sod;
}
