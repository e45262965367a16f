/* KPIs by local day (prefix cs_daily_): what daily.csv holds for runs that measure more than a
 * week (the week-of-day view in intervals.csv pools days; a year needs its dates).
 *
 * Attribution is that of models/repstats.h: an attempt counts on the local day of its arrival,
 * whatever happens to it later.  Each KPI is computed per replication from that replication's
 * day counters, then averaged across replications with a Student-t 95% CI, like every other
 * KPI.  A dated run's days are its local calendar days (23 or 25 hours long on clock-change
 * days); an undated run's days are 24-hour blocks from Monday 00:00. */
#ifndef CS_MODELS_DAILY_H
#define CS_MODELS_DAILY_H

#include <stddef.h>

#include "models/kpi.h"
#include "models/scenario.h"

enum cs_dk {
    CS_DK_OFFERED, CS_DK_ANSWERED, CS_DK_ABANDONED, CS_DK_CUT_OFF, CS_DK_ABANDON_RATE,
    CS_DK_SERVICE_LEVEL, CS_DK_ASA, CS_DK_N
};

extern const cs_kpi_def cs_daily_kpis[CS_DK_N];

/** @brief Days with daily counters for a scenario: the local days of the run when it measures
 *  more than a week (horizon - warmup > 7 days), else 0 (no daily counters, no daily.csv). */
size_t cs_daily_days(const cs_scn *s);

/** @brief [start, end) of local day d of the run in simulated seconds. */
void cs_daily_span(const cs_scn *s, size_t d, double *start, double *end);

/** @brief A daily KPI of one replication (NaN where undefined, e.g. no calls that day). */
double cs_daily_value(const cs_repstats *rs, size_t line, size_t day, int dk);

/** @brief Mean and 95% CI half-width across replications. */
void cs_daily_result(const cs_results *r, size_t line, size_t day, int dk, double *mean,
                     double *ci95);

#endif
