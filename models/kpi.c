#include "models/kpi.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/daily.h"
#include "sim/stat.h"

const cs_kpi_def cs_line_kpis[CS_LK_N] = {
    [CS_LK_OFFERED] = {"offered", "Offered attempts", "calls"},
    [CS_LK_CALLERS] = {"callers", "Unique callers", "calls"},
    [CS_LK_ANSWERED] = {"answered", "Answered", "calls"},
    [CS_LK_ABANDONED_IVR] = {"abandoned_ivr", "Abandoned in IVR", "calls"},
    [CS_LK_ABANDONED_QUEUE] = {"abandoned_queue", "Abandoned in queue", "calls"},
    [CS_LK_CUT_OFF] = {"cut_off", "Cut off", "calls"},
    [CS_LK_DEFLECTED] = {"deflected", "Deflected", "calls"},
    [CS_LK_CALLBACK] = {"callback", "Left with callback booked", "calls"},
    [CS_LK_UNFINISHED] = {"unfinished", "Unfinished at end", "calls"},
    [CS_LK_ABANDONED] = {"abandoned", "Abandoned (IVR + queue)", "calls"},
    [CS_LK_LOST] = {"lost", "Abandoned or cut off (attempts)", "calls"},
    [CS_LK_ABANDON_RATE] = {"abandon_rate", "Abandoned or cut off", "share"},
    [CS_LK_NEVER_REACHED_RATE] = {"never_reached_rate", "Callers never reached", "share"},
    [CS_LK_CALLERS_LOST] = {"callers_lost", "Callers lost at least once", "calls"},
    [CS_LK_SERVICE_LEVEL] = {"service_level", "Service level", "share"},
    [CS_LK_ANSWERED_WITHIN_SHARE] = {"answered_within_share", "Answered within target (of answered)", "share"},
    [CS_LK_ASA] = {"asa", "Average speed of answer", "s"},
    [CS_LK_WAIT_SD] = {"wait_sd", "Wait standard deviation (answered)", "s"},
    [CS_LK_WAIT_P50] = {"wait_p50", "Wait p50 (answered)", "s"},
    [CS_LK_WAIT_P90] = {"wait_p90", "Wait p90 (answered)", "s"},
    [CS_LK_WAIT_P99] = {"wait_p99", "Wait p99 (answered)", "s"},
    [CS_LK_WAIT_MAX] = {"wait_max", "Longest wait (answered)", "s"},
    [CS_LK_P_WAIT] = {"p_wait", "Had to queue", "share"},
    [CS_LK_MEAN_WAIT] = {"mean_wait", "Mean wait (all attempts)", "s"},
    [CS_LK_QUEUE_MEAN] = {"queue_mean", "Mean callers waiting", "calls"},
    [CS_LK_AHT] = {"aht", "Mean talk time (answered)", "s"},
    [CS_LK_REDIALS] = {"redials", "Redials", "calls"},
    [CS_LK_SPILLED] = {"spilled_to_999", "Gave up and rang another line", "calls"},
    [CS_LK_FROM_101] = {"from_101", "Arrived from another line", "calls"},
    [CS_LK_FROM_101_SHARE] = {"from_101_share", "Share of demand from another line", "share"},
    [CS_LK_FROM_101_ANSWERED] = {"from_101_answered", "Arrived from another line and answered", "calls"},
    [CS_LK_CB_ON_TIME] = {"callbacks_on_time", "Callbacks on time", "calls"},
    [CS_LK_CB_LATE] = {"callbacks_late", "Callbacks late", "calls"},
    [CS_LK_CB_MISSED] = {"callbacks_missed", "Callbacks never made", "calls"},
    [CS_LK_CB_REACHED] = {"callbacks_reached", "Callbacks that reached the caller", "calls"},
    [CS_LK_TRANSFERRED] = {"transferred", "Transferred", "calls"},
    [CS_LK_TRANSFER_ABANDONED] = {"transfer_abandoned", "Abandoned after transfer", "calls"},
    [CS_LK_TRANSFER_ASA] = {"transfer_asa", "Mean wait after transfer (answered)", "s"},
    [CS_LK_CALLERS_REACHED_ANY] = {"callers_reached_any", "Callers reached on any line", "calls"},
    [CS_LK_CALLERS_NEVER_REACHED] = {"callers_never_reached", "Callers never reached on any line", "calls"},
    [CS_LK_CALLERS_UNFINISHED] = {"callers_unfinished", "Callers still trying at the end", "calls"},
    [CS_LK_CALLERS_REACHED_ANY_RATE] = {"callers_reached_any_rate", "Share of callers reached on any line", "share"},
    [CS_LK_CALLERS_NEVER_REACHED_RATE] = {"callers_never_reached_rate", "Share never reached on any line", "share"},
    [CS_LK_RINGBACKS] = {"ringbacks", "Abandoned calls to ring back", "calls"},
    [CS_LK_RINGBACK_WAIT] = {"ringback_wait", "Mean time to ring-back", "s"},
};

const cs_kpi_def cs_pool_kpis[CS_PK_N] = {
    [CS_PK_OCCUPANCY] = {"occupancy", "Occupancy", "share"},
    [CS_PK_ON_DUTY] = {"on_duty", "Handlers on duty (mean)", "handlers"},
    [CS_PK_BUSY] = {"busy", "Handlers busy (mean)", "handlers"},
    [CS_PK_RINGBACKS_MADE] = {"ringbacks_made", "Ring-backs made", "calls"},
    [CS_PK_RINGBACK_HOURS] = {"ringback_hours", "Handler time on ring-backs", "hours"},
    [CS_PK_RINGBACK_SHARE] = {"ringback_share", "Share of handler time on ring-backs", "share"},
};

const cs_kpi_def cs_interval_kpis[CS_IK_N] = {
    [CS_IK_OFFERED] = {"offered", "Offered attempts per interval", "calls"},
    [CS_IK_ANSWERED] = {"answered", "Answered per interval", "calls"},
    [CS_IK_ABANDONED] = {"abandoned", "Abandoned per interval", "calls"},
    [CS_IK_CUT_OFF] = {"cut_off", "Cut off per interval", "calls"},
    [CS_IK_ABANDON_RATE] = {"abandon_rate", "Abandoned or cut off", "share"},
    [CS_IK_SERVICE_LEVEL] = {"service_level", "Service level", "share"},
    [CS_IK_ASA] = {"asa", "Average speed of answer", "s"},
    [CS_IK_QUEUE_MEAN] = {"queue_mean", "Mean callers waiting", "calls"},
    [CS_IK_P_WAIT] = {"p_wait", "Had to queue", "share"},
    [CS_IK_MEAN_WAIT] = {"mean_wait", "Mean wait (all attempts)", "s"},
};

int cs_interval_kpi_is_count(int ik)
{
    return ik == CS_IK_OFFERED || ik == CS_IK_ANSWERED || ik == CS_IK_ABANDONED || ik == CS_IK_CUT_OFF;
}

const cs_kpi_def cs_interval_pool_kpis[CS_IPK_N] = {
    [CS_IPK_OCCUPANCY] = {"occupancy", "Occupancy", "share"},
    [CS_IPK_ON_DUTY] = {"on_duty", "Handlers on duty (mean)", "handlers"},
};

static double ratio(double num, double den) { return den > 0 ? num / den : NAN; }

void cs_kpi_line_values(const cs_repstats *rs, size_t l, double *v)
{
    const double *c = cs_rs_line_c(rs, l);
    double offered = c[CS_LC_OFFERED];
    double abandoned = c[CS_LC_ABANDONED_IVR] + c[CS_LC_ABANDONED_QUEUE];
    v[CS_LK_OFFERED] = offered;
    v[CS_LK_CALLERS] = c[CS_LC_CALLERS];
    v[CS_LK_ANSWERED] = c[CS_LC_ANSWERED];
    v[CS_LK_ABANDONED_IVR] = c[CS_LC_ABANDONED_IVR];
    v[CS_LK_ABANDONED_QUEUE] = c[CS_LC_ABANDONED_QUEUE];
    v[CS_LK_CUT_OFF] = c[CS_LC_CUT_OFF];
    v[CS_LK_DEFLECTED] = c[CS_LC_DEFLECTED];
    v[CS_LK_CALLBACK] = c[CS_LC_CALLBACK];
    v[CS_LK_UNFINISHED] = c[CS_LC_UNFINISHED];
    v[CS_LK_ABANDONED] = abandoned;
    v[CS_LK_LOST] = abandoned + c[CS_LC_CUT_OFF];
    v[CS_LK_ABANDON_RATE] = ratio(abandoned + c[CS_LC_CUT_OFF], offered);
    v[CS_LK_NEVER_REACHED_RATE] = ratio(c[CS_LC_NEVER_REACHED], c[CS_LC_CALLERS_DONE]);
    v[CS_LK_CALLERS_LOST] = c[CS_LC_CALLERS_LOST];
    v[CS_LK_SERVICE_LEVEL] = ratio(c[CS_LC_ANSWERED_WITHIN], offered);
    v[CS_LK_ANSWERED_WITHIN_SHARE] = ratio(c[CS_LC_ANSWERED_WITHIN], c[CS_LC_ANSWERED]);
    v[CS_LK_ASA] = ratio(c[CS_LC_WAIT_SUM_ANSWERED], c[CS_LC_ANSWERED]);
    v[CS_LK_WAIT_SD] = rs->wait_tally ? sqrt(cs_tally_variance(&rs->wait_tally[l])) : NAN;
    v[CS_LK_WAIT_P50] = cs_hist_quantile(&rs->wait[l], 0.50);
    v[CS_LK_WAIT_P90] = cs_hist_quantile(&rs->wait[l], 0.90);
    v[CS_LK_WAIT_P99] = cs_hist_quantile(&rs->wait[l], 0.99);
    v[CS_LK_WAIT_MAX] = c[CS_LC_ANSWERED] > 0 ? c[CS_LC_WAIT_MAX] : NAN;
    v[CS_LK_P_WAIT] = ratio(c[CS_LC_QUEUED], offered - c[CS_LC_UNFINISHED]);
    v[CS_LK_MEAN_WAIT] = ratio(c[CS_LC_WAIT_SUM_ALL], offered - c[CS_LC_UNFINISHED]);
    v[CS_LK_QUEUE_MEAN] = ratio(c[CS_LC_QUEUE_AREA], rs->measured);
    v[CS_LK_AHT] = rs->talk_tally && rs->talk_tally[l].n > 0 ? rs->talk_tally[l].mean : NAN;
    v[CS_LK_REDIALS] = c[CS_LC_REDIALS];
    v[CS_LK_SPILLED] = c[CS_LC_SPILLED];
    v[CS_LK_FROM_101] = c[CS_LC_FROM_OTHER];
    v[CS_LK_FROM_101_SHARE] = ratio(c[CS_LC_FROM_OTHER], c[CS_LC_CALLERS]);
    v[CS_LK_FROM_101_ANSWERED] = c[CS_LC_FROM_OTHER_ANSWERED];
    v[CS_LK_CB_ON_TIME] = c[CS_LC_CB_ON_TIME];
    v[CS_LK_CB_LATE] = c[CS_LC_CB_LATE];
    v[CS_LK_CB_MISSED] = c[CS_LC_CB_MISSED];
    v[CS_LK_CB_REACHED] = c[CS_LC_CB_REACHED];
    v[CS_LK_TRANSFERRED] = c[CS_LC_TRANSFERRED];
    v[CS_LK_TRANSFER_ABANDONED] = c[CS_LC_TRANSFER_ABANDONED];
    v[CS_LK_TRANSFER_ASA] = ratio(c[CS_LC_TRANSFER_WAIT_SUM], c[CS_LC_TRANSFER_ANSWERED]);
    double settled = c[CS_LC_CALLERS_REACHED_ANY] + c[CS_LC_CALLERS_NEVER_ANY];
    v[CS_LK_CALLERS_REACHED_ANY] = c[CS_LC_CALLERS_REACHED_ANY];
    v[CS_LK_CALLERS_NEVER_REACHED] = c[CS_LC_CALLERS_NEVER_ANY];
    v[CS_LK_CALLERS_UNFINISHED] = c[CS_LC_CALLERS_OPEN];
    v[CS_LK_CALLERS_REACHED_ANY_RATE] = ratio(c[CS_LC_CALLERS_REACHED_ANY], settled);
    v[CS_LK_CALLERS_NEVER_REACHED_RATE] = ratio(c[CS_LC_CALLERS_NEVER_ANY], settled);
    v[CS_LK_RINGBACKS] = c[CS_LC_RB_BOOKED];
    v[CS_LK_RINGBACK_WAIT] = ratio(c[CS_LC_RB_WAIT_SUM], c[CS_LC_RB_MADE]);
}

static void pool_values(const cs_repstats *rs, size_t p, double *v)
{
    const double *c = cs_rs_pool_c(rs, p);
    v[CS_PK_OCCUPANCY] = ratio(c[CS_PC_BUSY_AREA], c[CS_PC_DUTY_AREA]);
    v[CS_PK_ON_DUTY] = ratio(c[CS_PC_DUTY_AREA], rs->measured);
    v[CS_PK_BUSY] = ratio(c[CS_PC_BUSY_AREA], rs->measured);
    v[CS_PK_RINGBACKS_MADE] = c[CS_PC_RB_MADE];
    v[CS_PK_RINGBACK_HOURS] = c[CS_PC_RB_TIME] / 3600.0;
    v[CS_PK_RINGBACK_SHARE] = ratio(c[CS_PC_RB_TIME], c[CS_PC_DUTY_AREA]);
}

cs_results *cs_results_create(const cs_scn *scn, uint32_t n_reps, double interval)
{
    cs_results *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->scn = scn;
    r->n_reps = n_reps;
    r->reps = calloc(n_reps, sizeof *r->reps);
    r->line_vals = calloc(scn->n_lines * CS_LK_N * (size_t)n_reps, sizeof(double));
    r->pool_vals = calloc((scn->n_pools ? scn->n_pools : 1) * CS_PK_N * (size_t)n_reps, sizeof(double));
    r->wait = calloc(scn->n_lines, sizeof *r->wait);
    if (!r->reps || !r->line_vals || !r->pool_vals || !r->wait) {
        cs_results_free(r);
        return NULL;
    }
    size_t n_days = cs_daily_days(scn);
    for (uint32_t i = 0; i < n_reps; i++)
        if (cs_repstats_init(&r->reps[i], scn->n_lines, scn->n_pools, interval, scn->horizon - scn->warmup) != 0 ||
            cs_repstats_init_days(&r->reps[i], n_days) != 0) {
            cs_results_free(r);
            return NULL;
        }
    for (size_t l = 0; l < scn->n_lines; l++)
        if (cs_hist_init(&r->wait[l], CS_HIST_FINE) != 0) {
            cs_results_free(r);
            return NULL;
        }
    return r;
}

void cs_results_free(cs_results *r)
{
    if (!r) return;
    if (r->reps)
        for (uint32_t i = 0; i < r->n_reps; i++)
            if (r->reps[i].line) cs_repstats_fini(&r->reps[i]);
    if (r->wait)
        for (size_t l = 0; l < r->scn->n_lines; l++) cs_hist_fini(&r->wait[l]);
    free(r->reps);
    free(r->line_vals);
    free(r->pool_vals);
    free(r->wait);
    free(r);
}

void cs_results_finish(cs_results *r)
{
    const cs_scn *s = r->scn;
    size_t n = r->n_reps;
    double v[CS_LK_N + CS_PK_N];   /* room for either set */
    for (uint32_t i = 0; i < r->n_reps; i++) {
        for (size_t l = 0; l < s->n_lines; l++) {
            cs_kpi_line_values(&r->reps[i], l, v);
            for (int k = 0; k < CS_LK_N; k++) r->line_vals[(l * CS_LK_N + (size_t)k) * n + i] = v[k];
            cs_hist_merge(&r->wait[l], &r->reps[i].wait[l]);
        }
        for (size_t p = 0; p < s->n_pools; p++) {
            pool_values(&r->reps[i], p, v);
            for (int k = 0; k < CS_PK_N; k++) r->pool_vals[(p * CS_PK_N + (size_t)k) * n + i] = v[k];
        }
    }
}

const double *cs_results_line_reps(const cs_results *r, size_t line, int kpi)
{
    return r->line_vals + (line * CS_LK_N + (size_t)kpi) * r->n_reps;
}

const double *cs_results_pool_reps(const cs_results *r, size_t pool, int kpi)
{
    return r->pool_vals + (pool * CS_PK_N + (size_t)kpi) * r->n_reps;
}

void cs_results_line(const cs_results *r, size_t line, int kpi, double *mean, double *ci95)
{
    cs_ci95(cs_results_line_reps(r, line, kpi), r->n_reps, mean, ci95);
}

void cs_results_pool(const cs_results *r, size_t pool, int kpi, double *mean, double *ci95)
{
    cs_ci95(cs_results_pool_reps(r, pool, kpi), r->n_reps, mean, ci95);
}

double cs_kpi_line_slots(const cs_repstats *rs, const cs_line *cfg, size_t line,
                         const size_t *slots, size_t n_slots, int ik)
{
    (void)cfg;
    double sum[CS_IC_N] = {0}, time = 0;
    for (size_t i = 0; i < n_slots; i++) {
        const double *c = cs_rs_line_slot_c(rs, line, slots[i]);
        for (int k = 0; k < CS_IC_N; k++) sum[k] += c[k];
        time += rs->slot_time[slots[i]];
    }
    double occurrences = time / rs->interval;
    switch (ik) {
    case CS_IK_OFFERED: return ratio(sum[CS_IC_OFFERED], occurrences);
    case CS_IK_ANSWERED: return ratio(sum[CS_IC_ANSWERED], occurrences);
    case CS_IK_ABANDONED: return ratio(sum[CS_IC_ABANDONED], occurrences);
    case CS_IK_CUT_OFF: return ratio(sum[CS_IC_CUT_OFF], occurrences);
    case CS_IK_ABANDON_RATE: return ratio(sum[CS_IC_ABANDONED] + sum[CS_IC_CUT_OFF], sum[CS_IC_OFFERED]);
    case CS_IK_SERVICE_LEVEL: return ratio(sum[CS_IC_ANSWERED_WITHIN], sum[CS_IC_OFFERED]);
    case CS_IK_ASA: return ratio(sum[CS_IC_WAIT_SUM_ANSWERED], sum[CS_IC_ANSWERED]);
    case CS_IK_QUEUE_MEAN: return ratio(sum[CS_IC_QUEUE_AREA], time);
    /* As the whole-run p_wait and mean_wait: over attempts that finished. */
    case CS_IK_P_WAIT: return ratio(sum[CS_IC_QUEUED], sum[CS_IC_OFFERED] - sum[CS_IC_UNFINISHED]);
    case CS_IK_MEAN_WAIT: return ratio(sum[CS_IC_WAIT_SUM_ALL], sum[CS_IC_OFFERED] - sum[CS_IC_UNFINISHED]);
    default: return NAN;
    }
}

double cs_kpi_pool_slots(const cs_repstats *rs, size_t pool, const size_t *slots, size_t n_slots, int ipk)
{
    double busy = 0, duty = 0, time = 0;
    for (size_t i = 0; i < n_slots; i++) {
        const double *c = cs_rs_pool_slot_c(rs, pool, slots[i]);
        busy += c[CS_PC_BUSY_AREA];
        duty += c[CS_PC_DUTY_AREA];
        time += rs->slot_time[slots[i]];
    }
    if (ipk == CS_IPK_OCCUPANCY) return ratio(busy, duty);
    if (ipk == CS_IPK_ON_DUTY) return ratio(duty, time);
    return NAN;
}

void cs_results_line_slots(const cs_results *r, size_t line, const size_t *slots, size_t n_slots,
                           int ik, double *mean, double *ci95)
{
    double *v = malloc(r->n_reps * sizeof *v);
    if (!v) {
        *mean = *ci95 = NAN;
        return;
    }
    for (uint32_t i = 0; i < r->n_reps; i++)
        v[i] = cs_kpi_line_slots(&r->reps[i], &r->scn->lines[line], line, slots, n_slots, ik);
    cs_ci95(v, r->n_reps, mean, ci95);
    free(v);
}

void cs_results_pool_slots(const cs_results *r, size_t pool, const size_t *slots, size_t n_slots,
                           int ipk, double *mean, double *ci95)
{
    double *v = malloc(r->n_reps * sizeof *v);
    if (!v) {
        *mean = *ci95 = NAN;
        return;
    }
    for (uint32_t i = 0; i < r->n_reps; i++) v[i] = cs_kpi_pool_slots(&r->reps[i], pool, slots, n_slots, ipk);
    cs_ci95(v, r->n_reps, mean, ci95);
    free(v);
}
