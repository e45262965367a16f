/* The HTML report of a results folder (prefix cs_report_).
 *
 * Concept.  `callsim run --out DIR` and `callsim compare --out DIR` leave a folder of data
 * (summary.json, charts/, scenario files; README.md "Outputs and KPIs").  cs_report_write() turns
 * it into DIR/report.html: one self-contained page meant for readers who have never seen
 * callsim (Police and Crime Commissioners' inquiry teams, the public), to be published as it
 * stands.  It has
 *   - a title (the scenario name), then the "Summary": three to five plain sentences with the
 *     headline numbers per week and per year, the target gaps and, with 101 -> 999 spillover,
 *     the 999 calls 101's failures cause; for a comparison, which plan helps each line most
 *     (with its cost where pools give one) and every plan that makes something worse;
 *   - a paragraph saying what the figures are: a simulation, N replications, means with 95%
 *     confidence intervals, the measured period;
 *   - "Headline results": per line, the measures a PCC asks about in plain words ("Calls
 *     abandoned or cut off before contact", "Answered within 10 seconds (target 90%)", ...),
 *     each as "12.3% (11.9% to 12.7%)"; for a comparison, the scenarios are columns (base
 *     first) and each variant shows its difference from the base with the difference's 95%
 *     interval, called "significant" when that interval excludes zero at the precision printed;
 *   - the charts of charts/charts.json, inline, each with its title and caption;
 *   - full tables of every line and pool KPI (mean and 95% CI, with units);
 *   - "Assumptions in words", generated from the resolved scenario (for a comparison: the base
 *     in full, then what each variant changes);
 *   - a glossary of the measures shown (the KPI catalogue, models/kpi.h, labels every KPI);
 *   - a validation appendix: each line's busiest interval, Erlang A next to the engine on the
 *     same simple model and next to the scenario (summary.json "validation"), and a STRESS-DES
 *     checklist;
 *   - an appendix with the scenario file(s) as written but without comments, except those
 *     marked for publication ("#!"), the seed, replications, callsim version, the date and
 *     the data files the folder holds.
 * It prints on A4 (charts and table rows are not split across pages, table headers repeat, no
 * forced page breaks, lines kept together at breaks).
 *
 * Self-contained.  No scripts, no external CSS, fonts or images, no links out: the charts are
 * the SVG files' markup inlined.  Each SVG loses its XML prolog, DOCTYPE, comments and xmlns
 * attributes, gets a viewBox if it had none (from width/height) and scales to the page width;
 * its ids are prefixed per chart ("c2-glyph0-1"), because cairo names the glyphs of every file
 * the same way and the first definition would otherwise win for all charts on the page.
 * Only the elements and attributes cairo writes are allowed (an allowlist); an SVG holding any
 * other (a <script>, an <img>, a <foreignObject>), an on...= event attribute, a '<' that starts
 * no element name, or a reference to anything outside itself (href/url() not starting with '#',
 * other than data:) is refused.
 *
 * Text.  Every string from summary.json, charts.json and the scenario files is HTML-escaped
 * (scenario names are user text).  Scenario files are shown verbatim; invalid UTF-8 and control
 * characters in them become U+FFFD.
 *
 * Numbers.  By the KPI catalogue's print rules: shares as percentages ("12.3%"), times as
 * "6.8 s", "4 min 05 s" or "1 h 02 min", counts as whole numbers with thousands separators.  Intervals are mean -/+ ci95, cut at the natural range
 * (a share between 0% and 100%, a count or time not below 0).  Differences of shares are in
 * percentage points.  A null mean (no calls) is shown as "not defined (no calls)".
 *
 * Determinism.  The same folder and `generated` string give byte-identical HTML: no clock, no
 * environment, no locale (the process locale must be "C" for numbers, as for io/json), the
 * scenarios/ folder listed in a fixed order.
 *
 * Layering.  Reads the folder through io/json (the parser), nothing else of io/ or models/:
 * the report depends on the published file formats, not on in-memory results, so
 * `callsim report DIR` works on any folder a run left behind.
 *
 * Threads.  No global state; safe to call from several threads on different folders.
 */
#ifndef CS_REPORT_H
#define CS_REPORT_H

#include "sim/status.h"

/**
 * @brief Writes DIR/report.html from the results folder DIR.
 *
 * Reads DIR/summary.json ("kind": "run", or "comparison"; a summary without "kind" but with
 * "lines" is read as a run), DIR/charts/charts.json (optional: without it the report has no
 * charts) and the DIR/charts/<file>.svg it lists, DIR/scenario.yaml (run) or
 * DIR/scenarios/ *.yaml (comparison), both optional.  The page is built in memory, written to a
 * temporary file in DIR (".report.html.XXXXXX") and renamed onto DIR/report.html, so a reader
 * never sees half a report and a failure changes nothing in DIR.
 *
 * @param dir       the results folder (not NULL).
 * @param generated the date-time to print as the generation date, e.g. "2026-11-29 17:20 UTC"
 *                  (not NULL; the caller decides it, so SOURCE_DATE_EPOCH handling stays in the
 *                  CLI and output stays reproducible).
 * @param err       OUT: message on failure (may be NULL).
 * @return CS_OK;
 *         CS_EINPUT  summary.json missing ("DIR/summary.json: not found ..."), malformed
 *                    ("DIR/summary.json: line L, column C: ...") or of an unknown kind;
 *                    charts.json malformed; a chart it lists missing ("DIR/charts/x.svg: not
 *                    found ...") or not a usable SVG;
 *         CS_EIO     a file exists but cannot be read, or report.html cannot be written;
 *         CS_ENOMEM  out of memory.
 *         On any failure no report.html is written and no temporary file is left; an existing
 *         report.html is left as it was.
 */
cs_status cs_report_write(const char *dir, const char *generated, cs_error *err);

#endif
