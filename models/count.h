/* Counting what happened to an attempt (prefix cs_count_): the one place where an outcome
 * becomes counters in a cs_repstats.
 *
 * The engine (models/centre.c) calls these as simulated attempts arrive and end; replay
 * (io/replay.c) calls the same functions for each call of a real log.  So observed and
 * simulated KPIs are computed from counters filled by the same code, and a change in what a
 * KPI counts changes both sides at once (they cannot drift apart).
 *
 * `slot` is the interval of the week of the attempt's arrival and `day` its local day of the run
 * (all its outcomes count there, models/repstats.h); day < 0, or a cs_repstats without daily
 * counters, counts no day.  Inline: they run on the engine's hot path and allocate nothing. */
#ifndef CS_MODELS_COUNT_H
#define CS_MODELS_COUNT_H

#include <stddef.h>

#include "models/repstats.h"
#include "sim/stat.h"

/* The daily counters of (line, day), or NULL. */
static inline double *cs_count_day(cs_repstats *rs, size_t line, long day)
{
    return rs->line_day && day >= 0 && (size_t)day < rs->n_days ? cs_rs_line_day(rs, line, (size_t)day) : NULL;
}

/* An attempt arrived: first = 1 for a caller's first attempt, 0 for a redial. */
static inline void cs_count_offered(cs_repstats *rs, size_t line, size_t slot, long day, int first)
{
    double *lc = cs_rs_line(rs, line);
    lc[CS_LC_OFFERED] += 1;
    lc[first ? CS_LC_CALLERS : CS_LC_REDIALS] += 1;
    cs_rs_line_slot(rs, line, slot)[CS_IC_OFFERED] += 1;
    double *dc = cs_count_day(rs, line, day);
    if (dc) dc[CS_DC_OFFERED] += 1;
}

/* The attempt had to wait: no handler was free when it reached the queue. */
static inline void cs_count_queued(cs_repstats *rs, size_t line, size_t slot)
{
    cs_rs_line(rs, line)[CS_LC_QUEUED] += 1;
    cs_rs_line_slot(rs, line, slot)[CS_IC_QUEUED] += 1;
}

/* Answered after waiting `wait` seconds; within the target when wait <= target_within. */
static inline void cs_count_answered(cs_repstats *rs, size_t line, size_t slot, long day, double wait,
                                     double target_within)
{
    double *dc = cs_count_day(rs, line, day);
    if (dc) {
        dc[CS_DC_ANSWERED] += 1;
        dc[CS_DC_WAIT_SUM_ANSWERED] += wait;
        if (wait <= target_within) dc[CS_DC_ANSWERED_WITHIN] += 1;
    }
    double *lc = cs_rs_line(rs, line), *sc = cs_rs_line_slot(rs, line, slot);
    lc[CS_LC_ANSWERED] += 1;
    lc[CS_LC_WAIT_SUM_ANSWERED] += wait;
    lc[CS_LC_WAIT_SUM_ALL] += wait;
    if (wait > lc[CS_LC_WAIT_MAX]) lc[CS_LC_WAIT_MAX] = wait;
    sc[CS_IC_ANSWERED] += 1;
    sc[CS_IC_WAIT_SUM_ANSWERED] += wait;
    sc[CS_IC_WAIT_SUM_ALL] += wait;
    if (wait <= target_within) {
        lc[CS_LC_ANSWERED_WITHIN] += 1;
        sc[CS_IC_ANSWERED_WITHIN] += 1;
    }
    cs_hist_add(&rs->wait[line], wait);
    cs_tally_add(&rs->wait_tally[line], wait);
}

/* Talk time of an answered attempt (the first leg). */
static inline void cs_count_talk(cs_repstats *rs, size_t line, double talk)
{
    cs_tally_add(&rs->talk_tally[line], talk);
}

/* Hung up in the queue after waiting `wait` seconds. */
static inline void cs_count_abandoned_queue(cs_repstats *rs, size_t line, size_t slot, long day, double wait)
{
    double *dc = cs_count_day(rs, line, day);
    if (dc) dc[CS_DC_ABANDONED] += 1;
    double *lc = cs_rs_line(rs, line), *sc = cs_rs_line_slot(rs, line, slot);
    lc[CS_LC_ABANDONED_QUEUE] += 1;
    lc[CS_LC_WAIT_SUM_ALL] += wait;
    sc[CS_IC_ABANDONED] += 1;
    sc[CS_IC_WAIT_SUM_ALL] += wait;
}

/* Hung up in the IVR, before the queue. */
static inline void cs_count_abandoned_ivr(cs_repstats *rs, size_t line, size_t slot, long day)
{
    double *dc = cs_count_day(rs, line, day);
    if (dc) dc[CS_DC_ABANDONED] += 1;
    cs_rs_line(rs, line)[CS_LC_ABANDONED_IVR] += 1;
    cs_rs_line_slot(rs, line, slot)[CS_IC_ABANDONED] += 1;
}

/* Refused: no trunk, no queue place, or an outage. */
static inline void cs_count_cut_off(cs_repstats *rs, size_t line, size_t slot, long day)
{
    double *dc = cs_count_day(rs, line, day);
    if (dc) dc[CS_DC_CUT_OFF] += 1;
    cs_rs_line(rs, line)[CS_LC_CUT_OFF] += 1;
    cs_rs_line_slot(rs, line, slot)[CS_IC_CUT_OFF] += 1;
}

/* Sent elsewhere by the IVR. */
static inline void cs_count_deflected(cs_repstats *rs, size_t line) { cs_rs_line(rs, line)[CS_LC_DEFLECTED] += 1; }

/* Left the queue with a callback booked. */
static inline void cs_count_callback(cs_repstats *rs, size_t line) { cs_rs_line(rs, line)[CS_LC_CALLBACK] += 1; }

/* Still in the IVR or the queue at the end (after waiting `wait` seconds in the queue, or 0). */
static inline void cs_count_unfinished(cs_repstats *rs, size_t line, size_t slot)
{
    cs_rs_line(rs, line)[CS_LC_UNFINISHED] += 1;
    cs_rs_line_slot(rs, line, slot)[CS_IC_UNFINISHED] += 1;
}

#endif
