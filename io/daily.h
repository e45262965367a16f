/* daily.csv: KPIs by local day of the run (models/daily.h), for runs measuring more than a
 * week.  Tidy long format like intervals.csv:
 *
 *   date,line,kpi,mean,ci95
 *   2025-04-01,101,offered,812.5,14.2
 *
 * `date` is the local date (2025-04-01) when the scenario has a start date, else the day of
 * the undated run ("Mon", "week 2 Mon", as instants are written).  One row per day that
 * overlaps the measured period, per line, per KPI: offered, answered, abandoned, cut_off
 * (counts per day), abandon_rate, service_level (shares), asa (seconds).  The CSV helpers of
 * io/results.h quote names and write numbers exactly. */
#ifndef CS_IO_DAILY_H
#define CS_IO_DAILY_H

#include <stdio.h>

#include "models/kpi.h"
#include "sim/status.h"

/** @brief 1 when the run keeps daily counters (so daily.csv is written). */
int cs_out_daily_wanted(const cs_results *r);

/** @brief Writes daily.csv.  @return CS_OK, CS_EIO (write error) or CS_ENOMEM. */
cs_status cs_out_daily_csv(FILE *f, const cs_results *r, cs_error *err);

#endif
