/* Writing the results of a national run (models/national.h): the terminal tables, JSON and the
 * CSV files with a force column.
 *
 * Everything here formats a finished cs_nat_results; nothing computes a statistic of its own
 * (the totals are built in models/national.c), so tables, JSON, CSV and charts agree.  The
 * same results give the same bytes.
 *
 * JSON (`--json`, and summary.json with "kind": "national"):
 *   forces.<force>.{seed, file, lines.<line>.<kpi>, pools.<pool>.<kpi>}
 *   totals.{lines.<line>.<kpi>, pools.<pool>.<kpi>}
 * each KPI as {"mean": m, "ci95": h}, with the KPI names of `callsim run`.
 * CSV: forces.csv `force,line,kpi,mean,ci95` (every whole-run KPI; pools as line "pool:NAME");
 * intervals.csv `force,line,interval_start,kpi,mean,ci95`.  Totals rows have force "total". */
#ifndef CS_NATIONAL_OUT_H
#define CS_NATIONAL_OUT_H

#include <stdio.h>

#include "io/json.h"
#include "models/national.h"
#include "sim/status.h"

/* National totals (every KPI, as `callsim run` prints a scenario), then one row per force in
 * rank order (rank_by of the national file) with the main KPIs of every totals line. */
cs_status cs_nat_out_table(FILE *f, const cs_nat_results *r, cs_error *err);

/* kind, meta, rank_by, forces and totals members into an object the caller has opened;
 * with_resolved adds each force's resolved scenario (summary.json). */
void cs_nat_out_json_members(cs_json_writer *w, const cs_nat_results *r, int with_resolved);

/* The complete `--json` document. */
cs_status cs_nat_out_json(FILE *f, const cs_nat_results *r, cs_error *err);

/* forces.csv (see above). */
cs_status cs_nat_out_forces_csv(FILE *f, const cs_nat_results *r, cs_error *err);

/* daily.csv with a force column (`force,date,line,kpi,mean,ci95`), for runs measuring more than
 * a week (cs_out_daily_wanted of the totals); the rows of io/daily.h per force, then the totals. */
cs_status cs_nat_out_daily_csv(FILE *f, const cs_nat_results *r, cs_error *err);

/* intervals.csv with a force column; `group` intervals per row as in cs_out_intervals_csv. */
cs_status cs_nat_out_intervals_csv(FILE *f, const cs_nat_results *r, int group, cs_error *err);

#endif
