/* The HTML report: the validation appendix (see plots/report_int.h).
 *
 * Two parts, both from summary.json:
 *   - "Is the engine sound at this scale?": for each line's busiest interval, Erlang A next to
 *     the engine on the same simple model and next to the scenario (summary.json "validation",
 *     written by io/results.c from models/validate.h).  The formula and the engine must agree;
 *     the scenario differs by as much as it differs from the simple model, which the text says.
 *   - a checklist in the style of STRESS-DES (Monks, Currie, Onggo, Robinson, Kunc & Taylor
 *     2019, "Strengthening the reporting of empirical simulation studies: Introducing the
 *     STRESS guidelines", Journal of Simulation 13(1)): objectives, logic, data,
 *     experimentation, implementation, code access, filled from the run.
 *
 * Agreement is judged at about a 99.9% level (the engine's 95% half-width times 2.1, the ratio
 * of Student t quantiles for 9 degrees of freedom at 99.9% and 95%): three checks per line at
 * 95% would call a sound engine unsound in one report in seven. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plots/report_int.h"

#define AGREE_FACTOR 2.1

static int agrees(double formula, const cs_json *engine)
{
    double m = csi_rep_jnum(engine, "mean"), h = csi_rep_jnum(engine, "ci95");
    if (!isfinite(formula) || !isfinite(m)) return 1;   /* nothing to compare */
    if (!isfinite(h)) h = 0;
    return fabs(formula - m) <= AGREE_FACTOR * h + 1e-9 * fabs(formula);
}

static void cell(cs_text_buf *b, const cs_kpi_def *d, const cs_json *v)
{
    double m = csi_rep_jnum(v, "mean"), h = csi_rep_jnum(v, "ci95");
    char a[48], c[48];
    cs_kpi_fmt(a, sizeof a, d, m, 0);
    if (isfinite(h) && isfinite(m)) {
        cs_kpi_fmt_ci(c, sizeof c, d, m, h, 0);
        csi_rep_hf(b, "<td class=\"num\">%s <span class=\"ci\">&plusmn; %s</span></td>", a, c);
    } else csi_rep_hf(b, "<td class=\"num\">%s</td>", a);
}

static void line_check(report *r, const cs_json *v)
{
    cs_text_buf *b = &r->out;
    const char *line = csi_rep_jstr(v, "line");
    const cs_json *erl = cs_json_get(v, "erlang"), *eng = cs_json_get(v, "engine"), *scn = cs_json_get(v, "scenario");
    char when[64], t1[48], t2[48], t3[48], t4[48];
    double start = csi_rep_instant_seconds(csi_rep_jstr(v, "interval_start"));
    double len = csi_rep_jnum(v, "interval_s");
    csi_rep_instant_words(when, sizeof when, csi_rep_jstr(v, "interval_start"));
    csi_rep_hf(b, "<h4>Line %s: %s", line ? line : "", when);
    if (start >= 0 && len > 0) {
        csi_rep_hhmm(t1, sizeof t1, start + len);
        csi_rep_hf(b, "&ndash;%s", t1);
    }
    cs_text_puts(b, "</h4>\n<p>");
    double rate = csi_rep_jnum(v, "arrivals_per_hour"), busy = csi_rep_jnum(v, "busy_per_call_s");
    double pat = csi_rep_jnum(v, "patience_s"), duty = csi_rep_jnum(v, "handlers_on_duty");
    double other = csi_rep_jnum(v, "handlers_busy_elsewhere"), target = csi_rep_jnum(v, "target_s");
    long long n = 0;
    cs_json_int_value(cs_json_get(v, "handlers"), &n);
    cs_text_fmt_fixed(t1, sizeof t1, rate, 0, CS_TEXT_GROUP);
    csi_rep_dur_words(t2, sizeof t2, busy);
    csi_rep_hf(b, "The line&rsquo;s busiest interval of the week: %s calls an hour offered, %s of handler time per "
               "call", t1, t2);
    if (isfinite(pat)) {
        csi_rep_dur_words(t3, sizeof t3, pat);
        csi_rep_hf(b, ", callers&rsquo; mean patience %s", t3);
    } else cs_text_puts(b, ", callers who never hang up");
    cs_text_fmt_fixed(t3, sizeof t3, duty, 1, CS_TEXT_GROUP);
    cs_text_fmt_fixed(t4, sizeof t4, other, 1, CS_TEXT_GROUP);
    csi_rep_hf(b, ", %s handlers on duty of whom %s were busy with other lines&rsquo; calls on average: the simple "
               "model (M/M/n+M, Erlang %s) has <b>%d handlers</b>.</p>\n", t3, t4,
               csi_rep_jstr(erl, "model") ? csi_rep_jstr(erl, "model") : (isfinite(pat) ? "A" : "C"), (int)n);
    csi_rep_target_words(t1, sizeof t1, target);
    const cs_kpi_def *sl = &cs_line_kpis[CS_LK_SERVICE_LEVEL], *ab = &cs_line_kpis[CS_LK_ABANDON_RATE],
                     *asa = &cs_line_kpis[CS_LK_ASA];
    cs_text_puts(b, "<table class=\"kpi valid\">\n<thead><tr><th scope=\"col\">Measure</th><th scope=\"col\" "
                    "class=\"num\">Erlang formula</th><th scope=\"col\" class=\"num\">Engine, same simple model</th>"
                    "<th scope=\"col\" class=\"num\">This scenario, that interval</th></tr></thead>\n<tbody>\n");
    struct {
        const char *key;
        const cs_kpi_def *d;
        const char *erl_key;
    } rows[3] = {{"service_level", sl, "service_level"}, {"abandon_rate", ab, "abandon_rate"}, {"asa", asa, "asa"}};
    int ok = 1, any = erl && cs_json_type_of(erl) == CS_JSON_OBJECT;
    for (int i = 0; i < 3; i++) {
        if (i == 0) csi_rep_hf(b, "<tr><th scope=\"row\">Answered within %s</th>", t1);
        else csi_rep_hf(b, "<tr><th scope=\"row\">%s</th>", rows[i].d->label);
        double f = csi_rep_jnum(erl, rows[i].erl_key);
        char a[48];
        cs_kpi_fmt(a, sizeof a, rows[i].d, f, 0);
        csi_rep_hf(b, "<td class=\"num\">%s</td>", any ? a : "no steady state");
        if (eng && cs_json_type_of(eng) == CS_JSON_OBJECT) cell(b, rows[i].d, cs_json_get(eng, rows[i].key));
        else cs_text_puts(b, "<td class=\"num na\">&ndash;</td>");
        cell(b, rows[i].d, cs_json_get(scn, rows[i].key));
        cs_text_puts(b, "</tr>\n");
        if (any && !agrees(f, cs_json_get(eng, rows[i].key))) ok = 0;
    }
    cs_text_puts(b, "</tbody>\n</table>\n");
    if (!any)
        cs_text_puts(b, "<p class=\"verdict\">The simple model has more work than handlers and callers who never "
                        "hang up, so the formula has no steady state to compare with.</p>\n");
    else if (ok)
        cs_text_puts(b, "<p class=\"verdict\"><b>The engine agrees with the formula</b> on the simple model at this "
                        "scale (each formula value lies within about twice the engine&rsquo;s 95% half-width, a "
                        "99.9% interval).</p>\n");
    else
        cs_text_puts(b, "<p class=\"verdict\"><b>The engine and the formula differ</b> by more than the engine&rsquo;s "
                        "99.9% interval on the simple model; please report this with the results folder.</p>\n");
}

static void checklist(report *r)
{
    cs_text_buf *b = &r->out;
    const cs_json *R = r->sc[0].resolved;
    char t1[64], t2[64];
    cs_text_puts(b, "<h3>Reporting checklist (STRESS-DES)</h3>\n<p>The items of the STRESS guidelines for discrete-event "
                    "simulation studies (Monks et al. 2019), answered for this run.</p>\n<dl class=\"facts stress\">\n");
    /* 1 Objectives */
    csi_rep_hf(b, "<dt>1. Objectives</dt><dd>To estimate how callers fare on %r and how busy the teams are in the "
                  "scenario &ldquo;%s&rdquo;", r->comparison ? "each scenario" : "each line",
               r->sc[0].name ? r->sc[0].name : "");
    if (r->comparison)
        csi_rep_hf(b, ", and what each of %d alternatives changes against it", (int)(r->n_sc - 1));
    cs_text_puts(b, ". Outputs: the measures in the glossary, each the mean over replications with its 95% "
                    "interval.</dd>\n");
    /* 2 Logic */
    size_t nl = cs_json_size(cs_json_get(R, "lines")), nq = cs_json_size(cs_json_get(R, "queues"));
    size_t np = cs_json_size(cs_json_get(R, "pools"));
    csi_rep_hf(b, "<dt>2. Model logic</dt><dd>A discrete-event simulation of every call attempt: arrival, recorded "
                  "menu, queue, answer by a handler of a team on its roster, or hanging up when patience runs "
                  "out, then redialling, ringing another line, callbacks and transfers where the scenario has them. "
                  "Components: %d line%s, %d queue%s, %d team%s; all of them in words under &ldquo;Assumptions in "
                  "words&rdquo;.</dd>\n", (int)nl, nl == 1 ? "" : "s", (int)nq, nq == 1 ? "" : "s", (int)np,
               np == 1 ? "" : "s");
    /* 3 Data */
    cs_text_puts(b, "<dt>3. Data</dt><dd>Every input is in the scenario file");
    cs_text_puts(b, r->comparison ? "s" : "");
    cs_text_puts(b, " in the appendix, shown as written; the sources of the inputs are given in the comments its "
                    "author marked for publication (<code>#!</code>), where there are any.</dd>\n");
    /* 4 Experimentation */
    double m = csi_rep_measured_s(r);
    csi_rep_dur_words(t1, sizeof t1, r->warmup);
    csi_rep_dur_words(t2, sizeof t2, m);
    csi_rep_hf(b, "<dt>4. Experimentation</dt><dd>Warm-up %s (not counted), then %s measured; %s replications from "
                  "seed %s; 95%% intervals are Student t intervals across replications.",
               r->warmup > 0 ? t1 : "none", isfinite(m) ? t2 : "the rest of the run", r->reps, r->seed);
    if (r->comparison)
        cs_text_puts(b, " All scenarios ran on common random numbers (the same callers), and differences are paired "
                        "replication by replication.");
    cs_text_puts(b, "</dd>\n");
    /* 5 Implementation */
    csi_rep_hf(b, "<dt>5. Implementation</dt><dd>callsim %s, written in C; each random source has its own "
                  "xoshiro256** generator seeded from the seed and the source&rsquo;s name, so the results do not "
                  "depend on the machine or the number of threads used.</dd>\n", r->version);
    /* 6 Code access */
    csi_rep_hf(b, "<dt>6. Code access</dt><dd>callsim %s and the scenario file%s in the appendix reproduce these "
                  "figures exactly; summary.json in the results folder holds every figure.</dd>\n</dl>\n", r->version,
               r->comparison ? "s" : "");
}

void csi_rep_validation(report *r)
{
    cs_text_buf *b = &r->out;
    cs_text_puts(b, "<section class=\"validation\" id=\"validation\">\n<h2>Appendix: validation</h2>\n");
    const cs_json *V = cs_json_get(r->summary, "validation");
    const cs_json *lines = cs_json_get(V, "lines");
    if (cs_json_size(lines) > 0) {
        cs_text_puts(b, "<h3>Is the simulation sound at this scale?</h3>\n<p>For each line&rsquo;s busiest interval, "
                        "a textbook queueing formula (Erlang A, or Erlang C when callers never hang up) is worked out "
                        "for a simple model of that interval, and the same simple model is simulated by the engine "
                        "that produced this report. The two must agree, and they show the engine is sound at the "
                        "scenario&rsquo;s own scale. The last column is the scenario itself in that interval: it "
                        "differs from the formula as far as the scenario differs from the simple model (demand that "
                        "changes through the day, handling times and patience that are not exponential, redials, "
                        "priorities and teams shared between lines).</p>\n");
        for (size_t i = 0; i < cs_json_size(lines); i++) line_check(r, cs_json_at(lines, i));
    } else if (!r->comparison) {
        cs_text_puts(b, "<p class=\"note\">summary.json has no validation section (an older callsim wrote "
                        "it); run the scenario again to add it.</p>\n");
    } else {
        cs_text_puts(b, "<p class=\"note\">A comparison does not repeat the check of the engine against the Erlang "
                        "formulas; the report of a run of the base scenario (<code>callsim run BASE.yaml --out DIR "
                        "--report</code>) has it.</p>\n");
    }
    checklist(r);
    cs_text_puts(b, "</section>\n");
}
