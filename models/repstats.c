#include "models/repstats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/scenario.h"

int cs_repstats_init(cs_repstats *r, size_t n_lines, size_t n_pools, double interval, double measured)
{
    memset(r, 0, sizeof *r);
    r->n_lines = n_lines;
    r->n_pools = n_pools;
    r->interval = interval;
    r->measured = measured;
    r->n_slots = (size_t)llround(CS_WEEK / interval);
    r->slot_time = calloc(r->n_slots, sizeof *r->slot_time);
    r->line = calloc(n_lines * CS_LC_N, sizeof *r->line);
    r->pool = calloc((n_pools ? n_pools : 1) * CS_PC_N, sizeof *r->pool);
    r->line_slot = calloc(n_lines * r->n_slots * CS_IC_N, sizeof *r->line_slot);
    r->pool_slot = calloc((n_pools ? n_pools : 1) * r->n_slots * CS_PC_N, sizeof *r->pool_slot);
    r->wait = calloc(n_lines, sizeof *r->wait);
    r->wait_tally = calloc(n_lines ? n_lines : 1, sizeof *r->wait_tally);
    r->talk_tally = calloc(n_lines ? n_lines : 1, sizeof *r->talk_tally);
    if (!r->slot_time || !r->line || !r->pool || !r->line_slot || !r->pool_slot || !r->wait || !r->wait_tally ||
        !r->talk_tally) {
        cs_repstats_fini(r);
        return -1;
    }
    for (size_t l = 0; l < n_lines; l++) {
        if (cs_hist_init(&r->wait[l], CS_HIST_FINE) != 0) {
            cs_repstats_fini(r);
            return -1;
        }
        cs_tally_reset(&r->wait_tally[l]);
        cs_tally_reset(&r->talk_tally[l]);
    }
    return 0;
}

int cs_repstats_init_days(cs_repstats *r, size_t n_days)
{
    free(r->line_day);
    r->n_days = n_days;
    r->line_day = n_days ? calloc(r->n_lines * n_days * CS_DC_N, sizeof *r->line_day) : NULL;
    if (n_days && !r->line_day) {
        r->n_days = 0;
        return -1;
    }
    return 0;
}

void cs_repstats_fini(cs_repstats *r)
{
    free(r->line_day);
    if (r->wait)
        for (size_t l = 0; l < r->n_lines; l++) cs_hist_fini(&r->wait[l]);
    free(r->wait);
    free(r->wait_tally);
    free(r->talk_tally);
    free(r->slot_time);
    free(r->line);
    free(r->pool);
    free(r->line_slot);
    free(r->pool_slot);
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
