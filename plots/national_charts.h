/* The charts of a national run: the national totals (the charts of a run, drawn from the
 * totals, so one line per line name, never one per force) and, per line, forces ranked from
 * worst to best with 95% CI whiskers and the national value as a dashed line.  With dozens of
 * forces a ranked chart says which are struggling at a glance; a legend with 86 entries
 * would not. */
#ifndef CS_NATIONAL_CHARTS_H
#define CS_NATIONAL_CHARTS_H

#include "models/national.h"
#include "plots/run_charts.h"
#include "sim/status.h"

/* All charts of a national run, in PNG, SVG and PDF, listed in `list` (ranked charts first). */
cs_status cs_charts_national(const cs_nat_results *r, cs_chart_path_fn *path, void *ud, cs_chart_list *list,
                             cs_error *err);

#endif
