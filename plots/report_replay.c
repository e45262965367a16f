/* The report of a replay (summary.json has "replay"): it leads with the comparison of the log
 * and the simulation, and says what the log is (its file, dates, calls and lines) instead of
 * describing the scenario's own demand, which a replay does not use. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/report_int.h"

/* The key summary.json gives every line together (io/replay.h CS_REPLAY_ALL_LINES; plots/ reads
 * results only, so the text is repeated here). */
#define ALL_LINES "(all lines)"

int csi_rep_is_replay(const report *r)
{
    return !r->comparison && cs_json_type_of(cs_json_get(r->summary, "replay")) == CS_JSON_OBJECT;
}

static void fmt_share(char *b, size_t n, double v)
{
    if (isfinite(v)) snprintf(b, n, "%.1f%%", 100 * v);
    else snprintf(b, n, "&ndash;");
}

static void fmt_secs(char *b, size_t n, double v)
{
    if (isfinite(v)) snprintf(b, n, "%.0f s", v);
    else snprintf(b, n, "&ndash;");
}

/* One cell "observed | simulated (lo to hi)" with a flag when outside. */
static void cmp_cell(cs_text_buf *b, const cs_json *k, int share)
{
    double o = csi_rep_jnum(k, "observed"), m = csi_rep_jnum(k, "simulated");
    double lo = csi_rep_jnum(k, "range_lo"), hi = csi_rep_jnum(k, "range_hi");
    const cs_json *out = cs_json_get(k, "outside");
    int outside = out && cs_json_type_of(out) == CS_JSON_BOOL && cs_json_bool_value(out);
    char a[32], s[32], l[32], h[32];
    if (share) {
        fmt_share(a, sizeof a, o);
        fmt_share(s, sizeof s, m);
        fmt_share(l, sizeof l, isfinite(lo) ? fmax(0, lo) : NAN);
        fmt_share(h, sizeof h, isfinite(hi) ? fmin(1, hi) : NAN);
    } else {
        fmt_secs(a, sizeof a, o);
        fmt_secs(s, sizeof s, m);
        fmt_secs(l, sizeof l, isfinite(lo) ? fmax(0, lo) : NAN);
        fmt_secs(h, sizeof h, hi);
    }
    csi_rep_hf(b, "<td class=\"num\">%r%r</td><td class=\"num\">%r <span class=\"ci\">(%r to %r)</span></td>", a,
               outside ? " &#9873;" : "", s, l, h);
}

static void log_description(report *r, const cs_json *rp)
{
    cs_text_buf *b = &r->out;
    const cs_json *log = cs_json_get(rp, "log");
    const char *file = csi_rep_jstr(log, "file");
    const char *base = file ? strrchr(file, '/') : NULL;
    base = base ? base + 1 : file;
    double calls = csi_rep_jnum(log, "calls_replayed"), rows = csi_rep_jnum(log, "rows");
    double skipped = csi_rep_jnum(log, "not_replayed"), bad = csi_rep_jnum(log, "bad_rows_skipped");
    const cs_json *days = cs_json_get(log, "days");
    size_t nd = cs_json_size(days), with = 0;
    for (size_t i = 0; i < nd; i++)
        if (csi_rep_jnum(cs_json_at(days, i), "calls") > 0) with++;
    const char *first = csi_rep_jstr(log, "first_day"), *last = csi_rep_jstr(log, "last_day");
    cs_text_puts(b, "<p class=\"lead\">This report replays a real call log through a simulated control room. ");
    csi_rep_hf(b, "The log <b>%s</b> holds %d calls", base ? base : "(unnamed)", isfinite(calls) ? (int)calls : 0);
    if (first && last && strcmp(first, last) != 0)
        csi_rep_hf(b, " from %s to %s (%d day%s, %d with calls)", first, last, (int)nd, nd == 1 ? "" : "s", (int)with);
    else if (first)
        csi_rep_hf(b, " on %s", first);
    cs_text_puts(b, " on ");
    const cs_json *lines = cs_json_get(log, "lines");
    size_t nl = cs_json_size(lines);
    for (size_t i = 0; i < nl; i++) {
        double c = cs_json_number_value(cs_json_member_value(lines, i));
        csi_rep_hf(b, "%sline %s (%d calls)", i == 0 ? "" : i + 1 == nl ? " and " : ", ", cs_json_member_key(lines, i),
                   isfinite(c) ? (int)c : 0);
    }
    cs_text_puts(b, ".");
    if (isfinite(rows) && isfinite(skipped) && skipped > 0)
        csi_rep_hf(b, " Of its %d rows, %d were not replayed (outcomes the log marks as other, or calls that never "
                      "reached the queue when only queued calls were asked for)", (int)rows, (int)skipped);
    if (isfinite(bad) && bad > 0) csi_rep_hf(b, "%s %d bad rows were skipped", skipped > 0 ? ";" : ".", (int)bad);
    if ((isfinite(skipped) && skipped > 0) || (isfinite(bad) && bad > 0)) cs_text_puts(b, ".");
    cs_text_puts(b, "</p>\n");
    cs_text_puts(b, "<p>Each of the log&rsquo;s calls arrives in the simulation at the time it arrived in reality. "
                    "What happened before the queue (a hang-up in the IVR, a deflection) is taken from the log; "
                    "from the queue on, the simulation decides, with the scenario&rsquo;s staff on duty, talk times "
                    "and callers&rsquo; patience, whether and when each caller is answered. The log already holds every "
                    "attempt, so the scenario&rsquo;s redials are not added. Only the log&rsquo;s own days are "
                    "measured, in the log and in the simulation alike. ");
    csi_rep_hf(b, "The simulation was run %s times (replications) with different random talk times and patience; "
                  "the log is one realisation of the real control room, so it is compared with the range in which "
                  "95%% of single replications fall, not with the confidence interval of their mean.</p>\n", r->reps);
    if (nd > 1 && with < nd) {
        cs_text_puts(b, "<p>Days of the log with no calls (a gap in the export, or a day the line was closed): ");
        int k = 0;
        for (size_t i = 0; i < nd; i++) {
            const cs_json *d = cs_json_at(days, i);
            if (csi_rep_jnum(d, "calls") > 0) continue;
            csi_rep_hf(b, "%s%s", k++ ? ", " : "", csi_rep_jstr(d, "date") ? csi_rep_jstr(d, "date") : "?");
        }
        cs_text_puts(b, ".</p>\n");
    }
    const char *desc = csi_rep_jstr(r->sc[0].resolved, "description");
    if (desc && *desc) csi_rep_hf(b, "<p class=\"desc\"><b>The scenario.</b> %s</p>\n", desc);
}

static void hour_table(report *r, const char *line, const cs_json *hours)
{
    cs_text_buf *b = &r->out;
    size_t n = cs_json_size(hours), flagged = 0, shown = 0;
    if (strcmp(line, ALL_LINES) == 0) cs_text_puts(b, "<h3>All lines together, by hour of day</h3>\n");
    else csi_rep_hf(b, "<h3>Line %s by hour of day</h3>\n", line);
    cs_text_puts(b, "<table class=\"kpi\"><thead><tr><th>Hour</th><th class=\"num\">Calls per hour (log)</th>"
                    "<th class=\"num\">Abandoned or cut off: log</th><th class=\"num\">simulated (95% of "
                    "replications)</th><th class=\"num\">Mean wait: log</th><th class=\"num\">simulated (95% of "
                    "replications)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const cs_json *h = cs_json_at(hours, i);
        double hr = csi_rep_jnum(h, "hour");
        double calls = csi_rep_jnum(cs_json_get(h, "offered"), "observed");
        if (!isfinite(hr) || !(calls > 0)) continue;
        shown++;
        for (int k = 0; k < 2; k++) {
            const cs_json *o = cs_json_get(cs_json_get(h, k ? "mean_wait" : "abandon_rate"), "outside");
            if (o && cs_json_type_of(o) == CS_JSON_BOOL && cs_json_bool_value(o)) {
                flagged++;
                break;
            }
        }
        char c[32], when[48];
        snprintf(c, sizeof c, "%.1f", calls);
        snprintf(when, sizeof when, "%02d:00&ndash;%02d:00", (int)hr % 100, ((int)hr + 1) % 100);
        csi_rep_hf(b, "<tr><td>%r</td><td class=\"num\">%r</td>", when, c);
        cmp_cell(b, cs_json_get(h, "abandon_rate"), 1);
        cmp_cell(b, cs_json_get(h, "mean_wait"), 0);
        cs_text_puts(b, "</tr>\n");
    }
    cs_text_puts(b, "</tbody></table>\n");
    if (shown)
        csi_rep_hf(b, "<p class=\"note\">&#9873; marks a value of the log outside the range of single replications: "
                      "%d of the %d hours with calls have one. Hours with few calls (the night) vary most from day "
                      "to day; judge the model on the busy hours.</p>\n", (int)flagged, (int)shown);
}

cs_status csi_rep_replay_lead(report *r, cs_error *err)
{
    cs_text_buf *b = &r->out;
    const cs_json *rp = cs_json_get(r->summary, "replay");
    cs_text_puts(b, "<section class=\"about\" id=\"about\">\n<h2>Observed against simulated</h2>\n");
    log_description(r, rp);
    const cs_json *by = cs_json_get(rp, "by_hour");
    if (cs_json_type_of(by) != CS_JSON_OBJECT || cs_json_size(by) == 0) {
        cs_text_puts(b, "<p class=\"note\">The log has no outcomes (no outcome column and nothing to infer them "
                        "from), so only simulated figures follow.</p>\n");
    } else {
        /* Every line together first (when there are several), then each line. */
        for (size_t l = 0; l < cs_json_size(by); l++)
            if (strcmp(cs_json_member_key(by, l), ALL_LINES) == 0) hour_table(r, ALL_LINES, cs_json_member_value(by, l));
        for (size_t l = 0; l < cs_json_size(by); l++)
            if (strcmp(cs_json_member_key(by, l), ALL_LINES) != 0)
                hour_table(r, cs_json_member_key(by, l), cs_json_member_value(by, l));
        cs_status st = csi_rep_replay_figures(r, err);
        if (st != CS_OK) return st;
    }
    cs_text_puts(b, "<nav class=\"toc\"><b>Contents</b><ol><li><a href=\"#about\">Observed against simulated</a></li>"
                    "<li><a href=\"#headline\">Headline results (simulated)</a></li>"
                    "<li><a href=\"#charts\">Charts</a></li><li><a href=\"#tables\">Full results</a></li>"
                    "<li><a href=\"#assumptions\">Assumptions in words</a></li>"
                    "<li><a href=\"#appendix\">Appendix: scenario file and run details</a></li></ol></nav>\n</section>\n");
    return CS_OK;
}
