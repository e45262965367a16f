/* Writing results: the terminal table, JSON, the tidy interval CSV and the per-call CSV.
 *
 * Everything here reads a finished cs_results (models/kpi.h) and formats it; nothing
 * computes a statistic of its own, so the table, the JSON and the charts always agree.
 * Output is deterministic: the same results give the same bytes. */
#ifndef CS_RESULTS_H
#define CS_RESULTS_H

#include <stdio.h>

#include "io/json.h"
#include "models/centre.h"
#include "models/kpi.h"
#include "sim/status.h"

/* Human-readable table of every line and pool KPI with its 95% CI.  Flushes f: CS_EIO when
 * a write failed (a full disk, a closed pipe). */
cs_status cs_out_table(FILE *f, const cs_results *r, cs_error *err);

/* The `lines` and `pools` members (each KPI as {"mean": m, "ci95": h}), written into an
 * object the caller has opened. */
void cs_out_json_kpis(cs_json_writer *w, const cs_results *r);

/* The member "kpi_catalogue": every KPI a results folder can hold, by table ("lines", "pools",
 * "intervals", "interval_pools", "daily"), each key with its label, unit, kind ("count",
 * "share", "time", "level", "hours"), which direction is better ("higher", "lower" or null)
 * and its meaning (models/kpi.h), so that a summary.json explains its own keys. */
void cs_out_json_catalogue(cs_json_writer *w);

/* What summary.json holds beyond the KPIs: the catalogue (above) and "validation", each line's
 * busiest interval with Erlang A next to the engine and the scenario (models/validate.h):
 *   {"method": "...", "replications": 10, "lines": [{"line": "999", "interval_start": "Fri
 *    19:00", "interval_s": 900, "arrivals_per_hour": 61.2, "busy_per_call_s": 285,
 *    "patience_s": 112 (null: never), "handlers_on_duty": 22.1, "handlers_busy_elsewhere": 15.3,
 *    "handlers": 7, "target_s": 10, "erlang": {"model": "A", "service_level": ..,
 *    "abandon_rate": .., "asa": ..}, "engine": {"service_level": {"mean": .., "ci95": ..},
 *    "abandon_rate": {..}, "asa": {..}, "calls": ..} (null when Erlang C is unstable),
 *    "scenario": {"service_level": {..}, "abandon_rate": {..}, "asa": {..}}}]}
 * The engine check runs a few simulations (a few tens of milliseconds).  Failures of those runs
 * are returned; the writer w is then left mid-object (the caller abandons the file). */
cs_status cs_out_json_summary_extras(cs_json_writer *w, const cs_results *r, cs_error *err);

/* 1 when KPI d of line (scope CS_KPI_SCOPE_LINE) or pool (CS_KPI_SCOPE_POOL) e means
 * something in scenario s (its `needs`: a callback row only where the line offers callbacks,
 * ...); the tables leave the others out. */
int cs_out_kpi_relevant(const cs_scn *s, int scope, size_t e, const cs_kpi_def *d);

/* Run metadata members: callsim_version, scenario, seed, replications, horizon_s, warmup_s. */
void cs_out_json_meta(cs_json_writer *w, const cs_results *r);

/* The complete `--json` document for `callsim run`. */
cs_status cs_out_json(FILE *f, const cs_results *r, cs_error *err);

/* intervals.csv: line,interval_start,kpi,mean,ci95 — one row per KPI per interval of the week
 * that was simulated; `group` intervals are pooled into one row (4 = hourly rows from 15-minute
 * intervals).  Pool KPIs appear with line = "pool:<name>". */
cs_status cs_out_intervals_csv(FILE *f, const cs_results *r, int group, cs_error *err);

/* calls.csv, one row per attempt, in the format `callsim replay` reads:
 *   arrival,line,caller,attempt,outcome,wait,handle,ivr,pool,transferred
 * arrival is an ISO 8601 UTC time; simulated t = 0 is Monday 2024-01-01 00:00:00Z; with a start
 * date, the local UK time with its offset (2025-04-01T07:15:30+01:00). */
typedef struct cs_calls_writer cs_calls_writer;
cs_calls_writer *cs_calls_writer_create(FILE *f, const cs_scn *scn);
void cs_calls_writer_destroy(cs_calls_writer *w);
cs_trace_fn cs_calls_writer_trace;   /* pass with the writer as ud */
#define CS_CALLS_EPOCH 1704067200.0  /* 2024-01-01T00:00:00Z, a Monday */

/* Shortest decimal form of x that reads back exactly, '.' whatever the locale, for CSV: NaN
 * and infinities give "" (an empty field).  The same text as JSON (cs_text_fmt_double). */
int cs_out_number(char *buf, size_t n, double x);

/* Writes s as one CSV field, quoted (RFC 4180) when it holds a comma, quote or line break:
 * line, pool and scenario names are user text. */
void cs_out_csv_field(FILE *f, const char *s);

/* "Mon 08:15" for an interval start given in seconds into the week. */
int cs_out_week_time(char *buf, size_t n, double seconds_into_week);

#endif
