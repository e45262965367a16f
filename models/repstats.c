#include "models/repstats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/scenario.h"
#include "sim/status.h"

static size_t slots_of(double interval) { return (size_t)llround(CS_WEEK / interval); }

/* The arrays of a repstats in the order they are taken, as (count, element size) pairs; pool
 * arrays have room for one pool when there are none (what the engine's pool-less paths
 * expect), the tallies for one line. */
enum { N_ARRAYS = 10 };
static void shape_of(size_t n_lines, size_t n_pools, size_t n_slots, size_t n_days, size_t n[N_ARRAYS][2])
{
    size_t np = n_pools ? n_pools : 1, nl1 = n_lines ? n_lines : 1;
    size_t table[N_ARRAYS][2] = {
        {n_slots, sizeof(double)},                                   /* slot_time */
        {n_lines * CS_LC_N, sizeof(double)},                         /* line */
        {np * CS_PC_N, sizeof(double)},                              /* pool */
        {n_lines * n_slots * CS_IC_N, sizeof(double)},               /* line_slot */
        {np * n_slots * CS_PC_N, sizeof(double)},                    /* pool_slot */
        {n_lines, sizeof(cs_hist)},                                  /* wait */
        {nl1, sizeof(cs_tally)},                                     /* wait_tally */
        {nl1, sizeof(cs_tally)},                                     /* talk_tally */
        {n_lines * cs_hist_nbins(CS_HIST_FINE), sizeof(uint64_t)},   /* the wait histograms' counts */
        {n_lines * n_days * CS_DC_N, sizeof(double)},                /* line_day */
    };
    memcpy(n, table, sizeof table);
}

size_t cs_repstats_need(size_t n_lines, size_t n_pools, double interval, size_t n_days)
{
    size_t n[N_ARRAYS][2], total = 0;
    shape_of(n_lines, n_pools, slots_of(interval), n_days, n);
    for (int i = 0; i < N_ARRAYS; i++) total += cs_arena_need(n[i][0] * n[i][1]);
    return total;
}

int cs_repstats_init_in(cs_repstats *r, cs_arena *a, size_t n_lines, size_t n_pools, double interval,
                        double measured, size_t n_days)
{
    memset(r, 0, sizeof *r);
    size_t n_slots = slots_of(interval);
    if (cs_arena_left(a) < cs_repstats_need(n_lines, n_pools, interval, n_days)) return -1;
    size_t n[N_ARRAYS][2];
    void *p[N_ARRAYS];
    shape_of(n_lines, n_pools, n_slots, n_days, n);
    for (int i = 0; i < N_ARRAYS; i++) p[i] = cs_arena_take(a, n[i][0] * n[i][1]);
    r->n_lines = n_lines;
    r->n_pools = n_pools;
    r->n_slots = n_slots;
    r->interval = interval;
    r->measured = measured;
    r->slot_time = p[0];
    r->line = p[1];
    r->pool = p[2];
    r->line_slot = p[3];
    r->pool_slot = p[4];
    r->wait = p[5];
    r->wait_tally = p[6];
    r->talk_tally = p[7];
    uint64_t *counts = p[8];
    r->n_days = n_days;
    r->line_day = n_days ? p[9] : NULL;
    size_t nbins = cs_hist_nbins(CS_HIST_FINE);
    for (size_t l = 0; l < n_lines; l++) {
        cs_hist_init_at(&r->wait[l], CS_HIST_FINE, counts + l * nbins);
        cs_tally_reset(&r->wait_tally[l]);
        cs_tally_reset(&r->talk_tally[l]);
    }
    return 0;
}

/* A repstats in an arena of its own. */
static int init_own(cs_repstats *r, size_t n_lines, size_t n_pools, double interval, double measured, size_t n_days)
{
    cs_arena *a = cs_arena_create(cs_repstats_need(n_lines, n_pools, interval, n_days));
    if (!a) return -1;
    cs_repstats_init_in(r, a, n_lines, n_pools, interval, measured, n_days);
    r->own = a;
    return 0;
}

int cs_repstats_init(cs_repstats *r, size_t n_lines, size_t n_pools, double interval, double measured)
{
    memset(r, 0, sizeof *r);
    return init_own(r, n_lines, n_pools, interval, measured, 0);
}

int cs_repstats_init_days(cs_repstats *r, size_t n_days)
{
    CS_REQUIRE(r->own != NULL);
    cs_repstats d;
    if (init_own(&d, r->n_lines, r->n_pools, r->interval, r->measured, n_days) != 0) return -1;
    cs_repstats_fini(r);
    *r = d;
    return 0;
}

void cs_repstats_fini(cs_repstats *r)
{
    cs_arena_destroy(r->own);
    memset(r, 0, sizeof *r);
}

void cs_repstats_clear(cs_repstats *r)
{
    memset(r->slot_time, 0, r->n_slots * sizeof *r->slot_time);
    memset(r->line, 0, r->n_lines * CS_LC_N * sizeof *r->line);
    memset(r->pool, 0, (r->n_pools ? r->n_pools : 1) * CS_PC_N * sizeof *r->pool);
    memset(r->line_slot, 0, r->n_lines * r->n_slots * CS_IC_N * sizeof *r->line_slot);
    memset(r->pool_slot, 0, (r->n_pools ? r->n_pools : 1) * r->n_slots * CS_PC_N * sizeof *r->pool_slot);
    if (r->line_day) memset(r->line_day, 0, r->n_lines * r->n_days * CS_DC_N * sizeof *r->line_day);
    for (size_t l = 0; l < r->n_lines; l++) {
        cs_hist_clear(&r->wait[l]);
        cs_tally_reset(&r->wait_tally[l]);
        cs_tally_reset(&r->talk_tally[l]);
    }
}

/* Pool arrays have room for one pool when there are none (see shape_of). */
static size_t pools_alloc(const cs_repstats *r) { return r->n_pools ? r->n_pools : 1; }

/* Every member but `own` (where this process keeps the arrays) is shipped: a new one must be added
 * to pack and unpack (and to the round trip in tests/test_mpi.c), which this reminds whoever
 * adds it. */
_Static_assert(sizeof(cs_repstats) == 4 * sizeof(size_t) + 2 * sizeof(double) + 10 * sizeof(void *),
               "cs_repstats has a new member: ship it in cs_repstats_pack and cs_repstats_unpack");

void cs_repstats_pack(const cs_repstats *r, cs_rep_pack *out)
{
    uint64_t shape[4] = {r->n_lines, r->n_pools, r->n_slots, r->n_days};
    cs_rep_pack_put(out, shape, sizeof shape);
    cs_rep_pack_put(out, r->slot_time, r->n_slots * sizeof *r->slot_time);
    cs_rep_pack_put(out, r->line, r->n_lines * CS_LC_N * sizeof *r->line);
    cs_rep_pack_put(out, r->pool, pools_alloc(r) * CS_PC_N * sizeof *r->pool);
    cs_rep_pack_put(out, r->line_slot, r->n_lines * r->n_slots * CS_IC_N * sizeof *r->line_slot);
    cs_rep_pack_put(out, r->pool_slot, pools_alloc(r) * r->n_slots * CS_PC_N * sizeof *r->pool_slot);
    for (size_t l = 0; l < r->n_lines; l++) {
        cs_rep_pack_put(out, &r->wait[l].total, sizeof r->wait[l].total);
        cs_rep_pack_put(out, r->wait[l].count, r->wait[l].nbins * sizeof *r->wait[l].count);
    }
    cs_rep_pack_put(out, r->wait_tally, r->n_lines * sizeof *r->wait_tally);
    cs_rep_pack_put(out, r->talk_tally, r->n_lines * sizeof *r->talk_tally);
    if (r->n_days) cs_rep_pack_put(out, r->line_day, r->n_lines * r->n_days * CS_DC_N * sizeof *r->line_day);
}

int cs_repstats_unpack(cs_repstats *r, cs_rep_unpack *in)
{
    uint64_t shape[4];
    cs_rep_unpack_get(in, shape, sizeof shape);
    if (shape[0] != r->n_lines || shape[1] != r->n_pools || shape[2] != r->n_slots || shape[3] != r->n_days)
        return -1;
    cs_rep_unpack_get(in, r->slot_time, r->n_slots * sizeof *r->slot_time);
    cs_rep_unpack_get(in, r->line, r->n_lines * CS_LC_N * sizeof *r->line);
    cs_rep_unpack_get(in, r->pool, pools_alloc(r) * CS_PC_N * sizeof *r->pool);
    cs_rep_unpack_get(in, r->line_slot, r->n_lines * r->n_slots * CS_IC_N * sizeof *r->line_slot);
    cs_rep_unpack_get(in, r->pool_slot, pools_alloc(r) * r->n_slots * CS_PC_N * sizeof *r->pool_slot);
    for (size_t l = 0; l < r->n_lines; l++) {
        cs_rep_unpack_get(in, &r->wait[l].total, sizeof r->wait[l].total);
        cs_rep_unpack_get(in, r->wait[l].count, r->wait[l].nbins * sizeof *r->wait[l].count);
    }
    cs_rep_unpack_get(in, r->wait_tally, r->n_lines * sizeof *r->wait_tally);
    cs_rep_unpack_get(in, r->talk_tally, r->n_lines * sizeof *r->talk_tally);
    if (r->n_days) cs_rep_unpack_get(in, r->line_day, r->n_lines * r->n_days * CS_DC_N * sizeof *r->line_day);
    return 0;
}
