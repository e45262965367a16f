/* KPIs by local day; see models/daily.h. */
#include "models/daily.h"

#include <math.h>
#include <stdlib.h>

#include "models/demand.h"
#include "sim/stat.h"

const cs_kpi_def cs_daily_kpis[CS_DK_N] = {
    [CS_DK_OFFERED] = {"offered", "Calls received per day", "calls", CS_KPI_COUNT, CS_KPI_PRINT_WHOLE, 0, 0,
                       "Call attempts arriving on the day, redials included."},
    [CS_DK_ANSWERED] = {"answered", "Calls answered per day", "calls", CS_KPI_COUNT, CS_KPI_PRINT_WHOLE, +1, 0,
                        "Call attempts arriving on the day that were answered."},
    [CS_DK_ABANDONED] = {"abandoned", "Hung up before contact per day", "calls", CS_KPI_COUNT, CS_KPI_PRINT_WHOLE,
                         -1, 0, "Call attempts arriving on the day whose callers hung up before contact."},
    [CS_DK_CUT_OFF] = {"cut_off", "Cut off per day", "calls", CS_KPI_COUNT, CS_KPI_PRINT_WHOLE, -1,
                       CS_KPI_NEEDS_CUT_OFF, "Call attempts arriving on the day that were cut off."},
    [CS_DK_ABANDON_RATE] = {"abandon_rate", "Calls abandoned or cut off before contact", "share", CS_KPI_SHARE,
                            CS_KPI_PRINT_PERCENT, -1, 0, "The share of the day's call attempts that ended "
                            "without reaching a handler."},
    [CS_DK_SERVICE_LEVEL] = {"service_level", "Answered within the target time", "share", CS_KPI_SHARE,
                             CS_KPI_PRINT_PERCENT, +1, 0, "The share of the day's call attempts answered "
                             "within the line's target time."},
    [CS_DK_ASA] = {"asa", "Average wait to be answered", "s", CS_KPI_TIME, CS_KPI_PRINT_DURATION, -1, 0,
                   "The mean wait of the day's answered calls."},
};

size_t cs_daily_days(const cs_scn *s)
{
    if (!(s->horizon - s->warmup > CS_WEEK)) return 0;
    if (s->days) return s->days->n_run;
    return (size_t)ceil(s->horizon / CS_DAY);
}

void cs_daily_span(const cs_scn *s, size_t d, double *start, double *end)
{
    if (s->days) {
        *start = s->days->t0[d];
        *end = s->days->t0[d + 1];
    } else {
        *start = (double)d * CS_DAY;
        *end = (double)(d + 1) * CS_DAY;
    }
    if (*end > s->horizon) *end = s->horizon;
}

static double ratio(double num, double den) { return den > 0 ? num / den : NAN; }

double cs_daily_value(const cs_repstats *rs, size_t line, size_t day, int dk)
{
    if (day >= rs->n_days) return NAN;
    const double *c = cs_rs_line_day_c(rs, line, day);
    switch (dk) {
    case CS_DK_OFFERED: return c[CS_DC_OFFERED];
    case CS_DK_ANSWERED: return c[CS_DC_ANSWERED];
    case CS_DK_ABANDONED: return c[CS_DC_ABANDONED];
    case CS_DK_CUT_OFF: return c[CS_DC_CUT_OFF];
    case CS_DK_ABANDON_RATE: return ratio(c[CS_DC_ABANDONED] + c[CS_DC_CUT_OFF], c[CS_DC_OFFERED]);
    case CS_DK_SERVICE_LEVEL: return ratio(c[CS_DC_ANSWERED_WITHIN], c[CS_DC_OFFERED]);
    case CS_DK_ASA: return ratio(c[CS_DC_WAIT_SUM_ANSWERED], c[CS_DC_ANSWERED]);
    default: return NAN;
    }
}

void cs_daily_result(const cs_results *r, size_t line, size_t day, int dk, double *mean,
                     double *ci95)
{
    cs_ci_acc a = {0, 0, 0};
    for (uint32_t i = 0; i < r->n_reps; i++) cs_ci_acc_add(&a, cs_daily_value(&r->reps[i], line, day, dk));
    cs_ci_acc_end(&a, 0.95, mean, ci95);
}
