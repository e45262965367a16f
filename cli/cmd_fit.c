/* callsim fit: a scenario whose demand, handle times, patience, IVR, redials and (with an agent
 * column) handlers on duty come from a call log.
 *
 * Here: the flags, the output transaction, and what is printed.  The work is below the cli:
 * one streaming pass over the log (io/fitlog.h) keeps, per line, arrival counts per hour of the
 * week and per calendar day (models/fit.h, bounded), uniform random samples (reservoirs) of at
 * most CS_FITLOG_SAMPLE_CAP handle times and patience observations with their time of day, and
 * outcome counts per hour.  Estimates are exact below the cap and use a uniform random sample
 * above it (stated in the output).  Patience is right-censored (an answered caller would have
 * waited longer), so it is estimated with Kaplan-Meier and maximum likelihood with censoring
 * (models/fit.h, which also chooses the family to write).  Durations and IVR shares get
 * time-of-day bands when the data say they differ (models/fitband.h).  Two things need every
 * call, not a sample: the staffing (who answered when, and when callers waited:
 * models/staffest.h, 40 bytes a call; written by io/fitlog.h) and redials (identified callers'
 * attempts: models/redial.h, 24 bytes an attempt).  The charts are plots/fit_charts.h. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "io/calllog.h"
#include "io/fitlog.h"
#include "io/fityaml.h"
#include "io/outdir.h"
#include "io/timestamp.h"
#include "io/units.h"
#include "models/erlang.h"
#include "models/fit.h"
#include "models/fitband.h"
#include "models/fitpick.h"
#include "models/fittalk.h"
#include "models/overtake.h"
#include "models/redial.h"
#include "models/staffest.h"
#include "plots/fit_charts.h"

#define MAX_NOTES 16
/* IVR shares are banded when hours have at least this many calls. */
#define SHARE_BAND_MIN 300

enum { F_OUT, F_COLUMNS, F_OUTCOMES, F_TZ, F_SEP, F_SKIP_BAD, F_LINE, F_QUEUED_ONLY, F_NAME, F_CHARTS, F_LOGOFF, F_WRAPMAX, F_FORCE, F_HELP, F_N };

static void print_fits(const char *what, const cs_fit_set *set, const cs_fit_result *best, int censored)
{
    printf("  %s: %zu observations", what, set->n);
    if (censored) printf(" (%zu abandoned = observed, %zu answered = censored)", set->n_events, set->n_censored);
    printf("\n    %-12s %-40s %12s %10s %10s\n", "family", "mean (95% CI)", "log-lik", "AIC",
           censored ? "max|S-KM|" : "KS D (p)");
    for (int i = 0; i < CS_FIT_N_FAMILIES; i++) {
        const cs_fit_result *r = &set->fit[i];
        if (!r->ok) {
            printf("    %-12s not fitted: %s\n", cs_fit_family_name((cs_fit_family)i), r->msg);
            continue;
        }
        char m[80], g[40];
        snprintf(m, sizeof m, "%.1f s (%.1f to %.1f)", r->mean.est, r->mean.lo, r->mean.hi);
        if (censored) snprintf(g, sizeof g, "%.4f", r->km_maxdiff);
        else snprintf(g, sizeof g, "%.4f (%.2g)", r->ks_d, r->ks_p);
        const cs_fit_result *low = cs_fit_best(set);
        printf("    %-12s %-40s %12.1f %10.1f %10s%s%s\n", cs_fit_family_name((cs_fit_family)i), m, r->loglik, r->aic, g,
               r == low ? "  <- lowest AIC" : "", r == best && r != low ? "  <- written (see the warning)" : "");
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* What one line's fit leaves for the scenario file and the charts. */
typedef struct line_out {
    cs_fit_arrivals_result *ar;
    cs_fit_set hs, ps;
    const cs_fit_result *hb, *pb;
    cs_fitband_durations hband, pband;
    cs_fitband_shares ivr;
    cs_redialest_fit rd;
    double week, peak;
    double profile[CS_FIT_MAX_SLOTS];
    double wrap_q[100];   /* a logged wrap column's quantiles (have_wrap) */
    int have_wrap;
    char notes[MAX_NOTES][320];
    const char *note_ptr[MAX_NOTES];
    size_t n_notes;
} line_out;

static void outs_free(line_out *o, size_t n)
{
    for (size_t i = 0; o && i < n; i++) {
        free(o[i].ar);
        cs_fit_set_fini(&o[i].hs);
        cs_fit_set_fini(&o[i].ps);
        cs_fitband_durations_fini(&o[i].hband);
        cs_fitband_durations_fini(&o[i].pband);
    }
    free(o);
}

/* A warning or what was done instead: printed now, loudly, and kept for the scenario file's
 * comments. */
static void note(line_out *o, const char *line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(line_out *o, const char *line, const char *fmt, ...)
{
    char buf[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "callsim fit: warning: line %s: %s\n", line, buf);
    if (o->n_notes < MAX_NOTES) {
        snprintf(o->notes[o->n_notes], sizeof o->notes[o->n_notes], "%s", buf);
        o->note_ptr[o->n_notes] = o->notes[o->n_notes];
        o->n_notes++;
    }
}

static const char *const WEEKDAY[7] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

/* The patience to write (models/fit.h), its reason said out loud when it is not the lowest AIC. */
static const cs_fit_result *choose_patience(const cs_fit_set *ps, const cs_fitlog_sample *res, line_out *o,
                                            const char *line)
{
    char why[320];
    const cs_fit_result *pick = cs_fit_choose_patience(ps, res->t, res->n, why, sizeof why);
    if (why[0]) note(o, line, "%s", why);
    return pick;
}

static void print_bands(const char *what, const cs_fitband_durations *b, double pooled_mean)
{
    const cs_fitband_test *t = &b->test;
    if (!t->use_bands) {
        printf("  %s by time of day: one fit for the whole day", what);
        if (t->note[0]) printf(" (%s)", t->note);
        else if (t->n_bands <= 1) printf(" (the hours do not differ enough: likelihood-ratio p = %.2g)", t->p_value);
        printf("\n");
        return;
    }
    printf("  %s by time of day: %zu bands (likelihood ratio %.1f on %.0f df, p = %.2g; AIC %.1f against %.1f "
           "for one fit)\n", what, t->n_bands, t->lr, t->df, t->p_value, t->aic_bands, t->aic_pooled);
    for (size_t i = 0; i < t->n_bands; i++) {
        const cs_fit_result *r = &b->fit[i];
        printf("    %02d:00-%02d:00  %6zu calls  mean %.1f s (95%% CI %.1f to %.1f)%s\n", (int)(b->from[i] / 3600),
               (int)(b->to[i] / 3600), b->n[i], r->ok ? r->mean.est : 0, r->ok ? r->mean.lo : 0, r->ok ? r->mean.hi : 0,
               r->ok ? "" : "  (not fitted: the day's fit applies)");
    }
    (void)pooled_mean;
}

/* Whether every band of b keeps the mean talk time of its own calls. */
static int bands_keep_mean(const cs_fitband_durations *b, const cs_fitlog_sample *h, double *tmp, int *bad)
{
    for (size_t i = 0; b->test.use_bands && i < b->test.n_bands; i++) {
        size_t m = 0;
        for (size_t j = 0; j < h->n; j++)
            if (h->tod[j] >= b->from[i] && h->tod[j] < b->to[i]) tmp[m++] = h->t[j];
        if (b->fit[i].ok && !cs_fit_keeps_mean(&b->fit[i], tmp, m)) {
            *bad = (int)i;
            return 0;
        }
    }
    return 1;
}

/* Talk time by time of day (see fit_line). */
static cs_status handle_bands(const cs_fitlog_line *l, line_out *o, cs_error *err)
{
    double zt = o->hs.zero_time > 0 ? o->hs.zero_time : 0.5;
    double *tmp = malloc((l->handle.n ? l->handle.n : 1) * sizeof *tmp);
    if (!tmp) return cs_error_set(err, CS_ENOMEM, "out of memory");
    int tried[CS_FIT_N_FAMILIES] = {0};
    cs_status st = CS_OK;
    for (;;) {
        tried[o->hb->family] = 1;
        st = cs_fitband_fit_durations(o->hb->family, l->handle.t, NULL, l->handle.tod, l->handle.n,
                                      CS_FITBAND_MIN_OBS, 0, zt, &o->hband, err);
        if (st != CS_OK) break;
        int bad = -1;
        if (bands_keep_mean(&o->hband, &l->handle, tmp, &bad)) break;
        const cs_fit_result *next = NULL;
        for (int f = 0; f < CS_FIT_N_FAMILIES; f++) {
            const cs_fit_result *r = &o->hs.fit[f];
            if (!tried[f] && cs_fit_keeps_mean(r, l->handle.t, l->handle.n) && (!next || r->aic < next->aic)) next = r;
        }
        if (!next) break;   /* cannot happen while gamma fits; keep the last bands */
        note(o, l->name,
             "talk time by time of day: the %s fit of the %02d:00-%02d:00 band has a mean of %.1f s, outside the 95%% "
             "interval of that band's calls' own mean; written instead: %s in every band (the next best by AIC)",
             cs_fit_family_name(o->hb->family), (int)(o->hband.from[bad] / 3600), (int)(o->hband.to[bad] / 3600),
             o->hband.fit[bad].mean.est, cs_fit_family_name(next->family));
        cs_fitband_durations_fini(&o->hband);
        o->hb = next;
    }
    free(tmp);
    return st;
}

/* Fits line li and prints its fits; charts go into chartdir (the temporary folder). */
static cs_status fit_line(cs_fitlog_line *l, size_t li, double t0, double t1, double t_end_local, const char *chartdir,
                          cs_redialest *rde, line_out *o, int *staff, cs_error *err)
{
    o->ar = malloc(sizeof *o->ar);
    if (!o->ar) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_fit_arrivals_result *ar = o->ar;
    cs_status st = cs_fit_arrivals_finish(l->arr, t0, t1, ar, err);
    if (st == CS_OK && l->handle.n < 2)
        st = cs_error_set(err, CS_EINPUT, "line %s: fewer than 2 answered calls with a handle time; map one with "
                                          "--columns handle=NAME", l->name);
    if (st == CS_OK) st = cs_fit_durations(l->handle.t, l->handle.n, NULL, NULL, &o->hs, err);
    if (st != CS_OK) return st;
    int have_patience = 0;
    if (l->patience.n >= 2) {
        cs_error perr = {CS_OK, ""};
        cs_status pst = cs_fit_durations(l->patience.t, l->patience.n, l->patience.ev, NULL, &o->ps, &perr);
        if (pst == CS_OK)
            have_patience = 1;
        else if (pst == CS_EDOM || pst == CS_EINPUT)   /* the data cannot say; the machine did not fail */
            printf("  line %s: patience not fitted (%s); written as never\n", l->name, perr.msg);
        else
            return cs_error_set(err, pst, "line %s: patience: %s", l->name, perr.msg);
    }
    printf("\nLine %s: %ld calls, %ld answered, %ld abandoned in the queue", l->name, l->calls, l->answered,
           l->abandoned);
    if (l->ivr_abandoned) printf(", %ld hung up before the queue (IVR)", l->ivr_abandoned);
    if (l->deflected) printf(", %ld deflected", l->deflected);
    if (l->cut_off) printf(", %ld cut off", l->cut_off);
    if (l->callback) printf(", %ld took a callback", l->callback);
    printf("\n");
    {
        char why[320];
        o->hb = cs_fit_choose_handle(&o->hs, l->handle.t, l->handle.n, why, sizeof why);
        if (why[0]) note(o, l->name, "%s", why);
    }
    o->pb = have_patience ? choose_patience(&o->ps, &l->patience, o, l->name) : NULL;

    /* Demand: only the weekdays the log covers.  A slot never observed is unknown, not zero;
     * it is written as 0 (a profile needs a number) and said so. */
    int covered[7] = {0};
    double day_calls[7] = {0};
    for (size_t s = 0; s < ar->n_slots; s++) {
        int wd = (int)((double)s * ar->slot_len / 86400.0);
        if (wd > 6) wd = 6;
        if (isfinite(ar->rate[s])) {
            covered[wd] = 1;
            day_calls[wd] += ar->rate[s] * ar->slot_len;
        }
        o->profile[s] = isfinite(ar->rate[s]) ? ar->rate[s] * 3600 : 0.0;
        if (isfinite(ar->rate[s])) {
            o->week += ar->rate[s] * ar->slot_len;
            if (ar->rate[s] > o->peak) o->peak = ar->rate[s];
        }
    }
    int n_cov = 0;
    char known[120] = "", unknown[120] = "";
    for (int d = 0; d < 7; d++) {
        char *dst = covered[d] ? known : unknown;
        size_t k = strlen(dst);
        snprintf(dst + k, 120 - k, "%s%.3s", k ? ", " : "", WEEKDAY[d]);
        n_cov += covered[d];
    }
    printf("  Demand by weekday (calls on an average day; from the log's own days only):\n   ");
    for (int d = 0; d < 7; d++) {
        if (covered[d]) printf(" %.3s %.0f", WEEKDAY[d], day_calls[d]);
        else printf(" %.3s unknown", WEEKDAY[d]);
    }
    printf("\n");
    if (n_cov < 7)
        note(o, l->name,
             "demand is known for %s only: the log does not cover %s. Those days are written as 0 calls because a "
             "profile needs a number, not because nobody called; a run of this scenario covers the log's own "
             "dates", known, unknown);
    if (ar->cv_ok)
        printf("  Day-to-day variation: gamma daily factor with cv %.3f (95%% CI %.3f to %.3f)\n", ar->daily_cv,
               ar->daily_cv_lo, ar->daily_cv_hi);
    else
        printf("  Day-to-day variation: not estimable from this log (it needs the same weekday on at least two "
               "days)\n");
    if (l->handle.seen > l->handle.n || l->patience.seen > l->patience.n)
        printf("  (durations fitted on a uniform random sample of %d calls)\n", CS_FITLOG_SAMPLE_CAP);
    print_fits("Handle time (answered calls)", &o->hs, o->hb, 0);
    if (l->handle.n < CS_FITBAND_MIN_OBS)
        note(o, l->name,
             "only %zu answered calls with a talk time: too few to tell the hours apart (a band needs %d), so one "
             "talk-time fit serves the whole day, and its 95%% interval (%.0f to %.0f s) is wide",
             l->handle.n, CS_FITBAND_MIN_OBS, o->hb->mean.lo, o->hb->mean.hi);

    /* Time of day: the chosen family per band, on the same zero time as the whole day's fit.  Each
     * band must keep its own calls' mean talk time too (models/fit.h, cs_fit_keeps_mean); if one
     * does not, the next family by AIC that keeps the whole day's mean is tried (gamma always
     * keeps every band's). */
    st = handle_bands(l, o, err);
    if (st != CS_OK) return st;
    print_bands("Handle time", &o->hband, o->hb->mean.est);
    /* A logged wrap column: the agents' busy time includes it (io/fitlog.c), so the simulation's
     * handlers must do it too.  Written as it was logged: 100 quantiles, zeros included. */
    if (l->wrap.n > 0) {
        double *w = malloc(l->wrap.n * sizeof *w);
        if (!w) return cs_error_set(err, CS_ENOMEM, "out of memory");
        memcpy(w, l->wrap.t, l->wrap.n * sizeof *w);
        qsort(w, l->wrap.n, sizeof *w, cmp_double);
        double sum = 0;
        for (size_t i = 0; i < l->wrap.n; i++) sum += w[i];
        for (size_t k = 0; k < 100; k++) o->wrap_q[k] = w[(size_t)(((double)k + 0.5) / 100 * (double)l->wrap.n)];
        o->have_wrap = 1;
        printf("  After-call work (the log's wrap column, %zu answered calls): mean %.1f s, median %.0f s; written as "
               "the line's wrap\n", l->wrap.n, sum / (double)l->wrap.n, w[l->wrap.n / 2]);
        free(w);
    }
    if (o->pb) {
        print_fits("Patience (queued calls, censored)", &o->ps, o->pb, 1);
        if (o->ps.n_events < CS_FITBAND_MIN_EVENTS)
            note(o, l->name,
                 "only %zu callers abandoned in the queue: patience rests on few of them (one fit for the whole day, "
                 "95%% interval of its mean %.0f to %.0f s)", o->ps.n_events, o->pb->mean.lo, o->pb->mean.hi);
        st = cs_fitband_fit_durations(o->pb->family, l->patience.t, l->patience.ev, l->patience.tod, l->patience.n,
                                      CS_FITBAND_MIN_OBS, CS_FITBAND_MIN_EVENTS,
                                      o->ps.zero_time > 0 ? o->ps.zero_time : 0.5, &o->pband, err);
        if (st != CS_OK) return st;
        /* A band whose patience is implausible on its own is not written. */
        for (size_t b = 0; o->pband.test.use_bands && b < o->pband.test.n_bands; b++)
            if (o->pband.fit[b].ok && o->pband.fit[b].mean.est > CS_FIT_PATIENCE_LIMIT) {
                note(o, l->name,
                     "patience by time of day: the %02d:00-%02d:00 band's mean is %.1f h, beyond belief; one "
                     "patience for the whole day is written instead", (int)(o->pband.from[b] / 3600),
                     (int)(o->pband.to[b] / 3600), o->pband.fit[b].mean.est / 3600);
                o->pband.test.use_bands = 0;
                o->pband.test.n_bands = 1;
            }
        print_bands("Patience", &o->pband, o->pb->mean.est);
    }

    /* The journey before the queue: IVR hang-ups and deflections (by time of day when the hours
     * differ), cut-offs. */
    if (l->ivr_abandoned + l->deflected > 0) {
        st = cs_fitband_fit_shares((const double(*)[CS_FITBAND_MAX_CAT])l->oc_h, CS_FITLOG_OC_N, SHARE_BAND_MIN, &o->ivr, err);
        if (st != CS_OK) return st;
        printf("  Before the queue: %.2f%% hung up in the IVR, %.2f%% deflected", 100 * o->ivr.p_all[CS_FITLOG_OC_IVR_ABANDON],
               100 * o->ivr.p_all[CS_FITLOG_OC_DEFLECT]);
        if (o->ivr.test.use_bands) {
            printf("; by time of day (likelihood ratio p = %.2g):\n", o->ivr.test.p_value);
            for (size_t b = 0; b < o->ivr.test.n_bands; b++)
                printf("    %02d:00-%02d:00  %6.0f calls  IVR hang-ups %.2f%%, deflected %.2f%%\n",
                       (int)(o->ivr.from[b] / 3600), (int)(o->ivr.to[b] / 3600), o->ivr.n[b],
                       100 * o->ivr.p[b][CS_FITLOG_OC_IVR_ABANDON], 100 * o->ivr.p[b][CS_FITLOG_OC_DEFLECT]);
        } else {
            printf(" (the same through the day)\n");
        }
    }
    if (l->cut_off > 0)
        note(o, l->name,
             "%ld calls (%.2f%%) were cut off (busy, no queue place). callsim makes cut-offs from a line's capacity "
             "(trunks, queue places), not from a share, so none is written: give the line `capacity:` with its "
             "real limits", l->cut_off, 100.0 * (double)l->cut_off / (double)l->calls);
    if (l->callback > 0)
        note(o, l->name, "%ld calls took a callback; callback offers are not fitted: configure `callback:` by hand",
             l->callback);

    /* Redials, from identified callers. */
    if (rde) {
        st = cs_redialest_estimate(rde, (int)li, t_end_local, &o->rd, err);
        if (st != CS_OK) return st;
        if (!o->rd.ok)
            printf("  Redials: not estimated (%s)\n", o->rd.note);
        else
            printf("  Redials: %.1f%% of failed attempts (95%% CI %.1f to %.1f) were followed by another attempt "
                   "within %.0f min beyond callers' usual calling again (%.1f%% after a failed attempt, %.1f%% after "
                   "an answered one); delay median %.0f s (quartiles %.0f to %.0f s)%s%s\n",
                   100 * o->rd.prob, 100 * o->rd.prob_lo, 100 * o->rd.prob_hi, o->rd.window / 60,
                   100 * o->rd.p_failed, 100 * o->rd.p_answered, o->rd.delay_median, o->rd.delay_q1, o->rd.delay_q3,
                   o->rd.note[0] ? "; " : "", o->rd.note);
    }

    /* A placeholder headcount: the fewest handlers meeting 80% in 20 s at the peak hour
     * (Erlang A with the fitted means), so that the fitted scenario runs as it is. */
    int n_staff = 1;
    double mp = o->pb ? o->pb->mean.est : 0;
    cs_error serr = {CS_OK, ""};
    if (o->peak > 0 && cs_erl_agents_for(o->peak, o->hb->mean.est, mp, 20, 0.8, 100000, &n_staff, &serr) != CS_OK)
        n_staff = (int)ceil(o->peak * o->hb->mean.est / 0.85) + 1;
    *staff += n_staff;

    char file[96];
    snprintf(file, sizeof file, "handle_line%zu", li + 1);
    st = cs_charts_fit(chartdir, file, "handle time fitted to the data", l->name, l->handle.t, l->handle.ev,
                       l->handle.n, &o->hs, o->hb, 0, err);
    if (st == CS_OK && o->pb) {
        snprintf(file, sizeof file, "patience_line%zu", li + 1);
        st = cs_charts_fit(chartdir, file, "patience fitted to censored waits", l->name, l->patience.t,
                           l->patience.ev, l->patience.n, &o->ps, o->pb, 1, err);
    }
    if (st != CS_OK) {
        char m[sizeof err->msg];
        snprintf(m, sizeof m, "%s", err->msg);
        cs_error_set(err, st, "chart %s: %.600s", file, m);
    }
    return st;
}

/* The natural logarithm (cs_cmd_fit names its log `log`). */
static double ln(double x) { return log(x); }

/* The scenario is dated (`start:` the log's first day) so that a run covers the log's days and
 * the staffing file meets each of them. */
#define DATED_STAFFING 1

/* Handlers available by local date and time (models/staffest.h), as rows date,time,staff: a
 * row at each change and at every local midnight, from the first day's 00:00 to the end of the
 * last day. */
/* Fewest gaps ending with a caller waiting (each shows a whole not-ready spell) on which
 * after-call work is estimated. */
#define WRAP_MIN_EXACT 30
#define WRAP_SAMPLES 100

static cs_status write_staffing(cs_fitlog *c, double logoff, double wrap_max, double first_local, double end_local,
                                cs_outfile *sf, char notes[][320], size_t *n_notes, double *wrap_q, int *have_wrap,
                                cs_error *err)
{
    double *t = NULL;
    int *lv = NULL;
    size_t n = 0;
    *have_wrap = 0;
    cs_staffest_wrapfit wf;
    memset(&wf, 0, sizeof wf);
    if (wrap_max > 0) {
        cs_status ws = cs_staffest_wrap(c->staff, logoff, wrap_max, wrap_q, WRAP_SAMPLES, &wf, err);
        if (ws != CS_OK) return ws;
        *have_wrap = wf.exact >= WRAP_MIN_EXACT;
    }
    cs_status st = cs_staffest_steps_wrap(c->staff, logoff, *have_wrap ? wrap_max : 0, &t, &lv, &n, err);
    if (st != CS_OK) return st;
    /* Room for the row at the first midnight. */
    long answered = c->answered_agent + c->answered_no_agent;
    printf("\nStaffing from the agent column: %zu agents answered %ld calls; handlers on duty = agents talking, "
           "plus agents idle between calls (a gap of at most %.0f min) while nobody waited\n",
           cs_staffest_agents(c->staff), c->answered_agent, logoff / 60);
    size_t counts[6];
    const double edges[5] = {60, 600, 1800, 7200, 28800};
    cs_staffest_gap_counts(c->staff, edges, 5, counts);
    printf("  gaps between one agent's calls: %zu under 1 min, %zu 1-10 min, %zu 10-30 min, %zu 30 min-2 h, %zu 2-8 h, "
           "%zu longer\n", counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    if (*have_wrap) {
        printf("  after-call work (not ready after a call, up to %.0f s; the first %.0f s of every gap count as on "
               "duty): mean %.1f s, median %.0f s, quartiles %.0f to %.0f s, 90%% within %.0f s, from %zu gaps (%zu "
               "ended with a caller waiting, so the whole gap was not-ready time); written as each line's wrap\n",
               wrap_max, wrap_max, wf.mean, wf.median, wf.q1, wf.q3, wf.p90, wf.gaps, wf.exact);
        snprintf(notes[*n_notes], 320,
                 "after-call work from the gaps between an agent's calls (up to %.0f s): mean %.1f s, median %.0f s, "
                 "written as every line's wrap", wrap_max, wf.mean, wf.median);
        (*n_notes)++;
    } else if (wrap_max > 0) {
        printf("  after-call work: not estimated (%zu gaps ended with a caller waiting; it needs %d and a wait "
               "column): none written\n", wf.exact, WRAP_MIN_EXACT);
    }
    if (answered > 0 && c->answered_no_agent > 0.01 * (double)answered) {
        snprintf(notes[*n_notes], 320,
                 "%ld answered calls (%.1f%%) name no agent: their handlers are missing from the staffing, which is "
                 "low by about that share", c->answered_no_agent, 100.0 * (double)c->answered_no_agent / (double)answered);
        fprintf(stderr, "callsim fit: warning: %s\n", notes[*n_notes]);
        (*n_notes)++;
    }
    return cs_fitlog_staffing_csv(cs_outfile_stream(sf), first_local, end_local, t, lv, n, err);
}

/* A signal between creating a partial output and handing it to the handler, or between the
 * commits of the charts, the staffing and the scenario, would leave half a fit: such signals
 * wait (blocked) until the step is done, then the handler cleans up or finds the fit whole. */
static void hold_signals(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGHUP);
    sigprocmask(SIG_BLOCK, &s, old);
}

static void release_signals(const sigset_t *old) { sigprocmask(SIG_SETMASK, old, NULL); }

/* "Fitted from LOG", cut at a character boundary to fit a scenario name. */
static void default_name(char *buf, size_t n, const char *base)
{
    snprintf(buf, n, "Fitted from %s", base);
    size_t len = strlen(buf);
    /* snprintf may have cut a multi-byte character: drop its leading bytes. */
    if (len == n - 1)
        while (len > 0 && ((unsigned char)buf[len - 1] & 0xC0) == 0x80) buf[--len] = 0;
    if (len > 0 && (unsigned char)buf[len - 1] >= 0xC0) buf[--len] = 0;
}

int cs_cmd_fit(int argc, char **argv)
{
    cs_flag flags[F_N] = {
        [F_OUT] = {"output", 'o', CS_FLAG_STRING, "FILE", "scenario file to write (required)", 0, NULL},
        [F_COLUMNS] = {"columns", 0, CS_FLAG_STRING, "MAP", "column mapping, e.g. arrival=CallStart,line=Queue,wait=QTime", 0, NULL},
        [F_OUTCOMES] = {"outcomes", 0, CS_FLAG_STRING, "MAP", "outcome values, e.g. answered=AGENT,abandoned=HANG,other=PHANTOM", 0, NULL},
        [F_TZ] = {"tz", 0, CS_FLAG_STRING, "ZONE", "uk (default) or utc: how to read times without an offset", 0, NULL},
        [F_SEP] = {"sep", 0, CS_FLAG_STRING, "C", "field separator: , (default) ; or tab", 0, NULL},
        [F_SKIP_BAD] = {"skip-bad", 0, CS_FLAG_BOOL, NULL, "skip bad rows (counted by reason) instead of stopping", 0, NULL},
        [F_LINE] = {"line", 0, CS_FLAG_STRING, "NAME", "line for every call when the log has no line column (default 101)", 0, NULL},
        [F_QUEUED_ONLY] = {"queued-only", 0, CS_FLAG_BOOL, NULL, "fit demand from calls that reached the queue only", 0, NULL},
        [F_NAME] = {"name", 0, CS_FLAG_STRING, "TEXT", "scenario name (default: Fitted from LOG)", 0, NULL},
        [F_CHARTS] = {"charts", 0, CS_FLAG_STRING, "DIR", "folder for the fit charts (default: FILE without .yaml + -charts)", 0, NULL},
        [F_LOGOFF] = {"logoff-gap", 0, CS_FLAG_STRING, "TIME", "with an agent column: a gap between one agent's calls longer than this means logged off (default 30m)", 0, NULL},
        [F_WRAPMAX] = {"wrap-max", 0, CS_FLAG_STRING, "TIME", "with agent and wait columns: after-call work is estimated up to this long and written as each line's wrap; a longer not-ready spell while callers wait is a break (default 1m; 0: none)", 0, NULL},
        [F_FORCE] = {"force", 0, CS_FLAG_BOOL, NULL, "replace FILE and the charts folder if they exist", 0, NULL},
        [F_HELP] = {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("fit", argc, argv, flags, F_N, pos, 1, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[F_HELP].set) {
        printf("Usage: callsim fit LOG.csv -o fitted.yaml [options]\n\n"
               "Builds a scenario from a call log: per line, the hour-of-week arrival profile (of the\n"
               "weekdays the log covers) and day-to-day overdispersion, the handle-time and patience\n"
               "distributions (censored: Kaplan-Meier and maximum likelihood), by time of day when the\n"
               "hours differ, IVR hang-ups and deflections, and redials from identified callers. With an\n"
               "agent column (--columns agent=NAME), the handlers on duty on each of the log's days, as a\n"
               "dated staffing file beside FILE; without one the pool is a placeholder.\n"
               "Prints every fit with its goodness of fit and draws each against the data.\n"
               "The scenario, the staffing file and the charts folder are written completely or not at all.\n\n");
        cs_args_help(flags, F_N);
        return CS_EXIT_OK;
    }
    if (npos != 1 || !flags[F_OUT].set) return cs_cli_fail("fit", CS_EINPUT, "usage: callsim fit LOG.csv -o fitted.yaml");
    const char *outp = flags[F_OUT].value;
    cs_error err = {CS_OK, ""};
    /* Everything that can be checked before the log is read is checked first. */
    if (flags[F_NAME].set && cs_fityaml_check_name(flags[F_NAME].value, sizeof ((cs_scn *)0)->name - 1, &err) != CS_OK)
        return cs_cli_fail("fit", CS_EINPUT, err.msg[0] ? err.msg : "--name is not usable");
    cs_log_opts lo;
    int code = cs_cli_log_opts("fit", &lo, flags[F_COLUMNS].value, flags[F_OUTCOMES].value, flags[F_TZ].value,
                               flags[F_SEP].value, flags[F_SKIP_BAD].set, flags[F_LINE].value);
    if (!code) code = cs_cli_check_input("fit", "call log", pos[0]);
    if (code) return code;
    char chartdir[1024];
    if (flags[F_CHARTS].set)
        snprintf(chartdir, sizeof chartdir, "%s", flags[F_CHARTS].value);
    else {
        size_t n = strlen(outp);
        int stem = (int)(n > 5 && strcmp(outp + n - 5, ".yaml") == 0 ? n - 5 : n);
        snprintf(chartdir, sizeof chartdir, "%.*s-charts", stem, outp);
    }
    if (strcmp(chartdir, outp) == 0)
        return cs_cli_fail("fit", CS_EINPUT, "--charts must differ from the output file");

    cs_cli_install_signals();
    cs_outfile *yf = NULL;
    cs_outdir *cd = NULL;
    sigset_t held;
    hold_signals(&held);
    cs_status st = cs_outfile_begin(outp, flags[F_FORCE].set, cs_cli_note, (void *)"fit", &yf, &err);
    if (st == CS_OK) {
        cs_cli_watch_outfile(yf);
        st = cs_outdir_begin(chartdir, flags[F_FORCE].set, cs_cli_note, (void *)"fit", &cd, &err);
        if (st == CS_OK) cs_cli_watch_outdir(cd);
        else if (st == CS_EINPUT && strstr(err.msg, "--force"))
            cs_error_set(&err, CS_EINPUT, "charts folder '%s' already exists; add --force to replace it, or choose "
                                          "another with --charts DIR", chartdir);
    }
    release_signals(&held);
    if (st != CS_OK) {
        cs_cli_watch_outfile(NULL);
        cs_outfile_abort(yf);
        return cs_cli_fail("fit", st, err.msg);
    }

    cs_log *log = NULL;
    /* A logged wrap column is in the agents' busy time already (io/fitlog.c): no estimate. */
    int log_wrap = 0;
    cs_fitlog c;
    memset(&c, 0, sizeof c);
    long rows = 0;
    st = cs_log_open(pos[0], &lo, &log, &err);
    /* With an agent column the dated staffing goes beside the scenario: FILE without .yaml +
     * -staffing.csv, in the same transaction. */
    cs_outfile *sf = NULL;
    char sfpath[1100] = "";
    double logoff = 1800, wrap_max = 60;
    if (st == CS_OK && flags[F_WRAPMAX].set) {
        st = cs_units_parse_duration(flags[F_WRAPMAX].value, &wrap_max, &err);
        if (st == CS_OK && !(wrap_max >= 0 && wrap_max <= 3600))
            st = cs_error_set(&err, CS_EINPUT,
                              "must be between 0 s and 1 h (after-call work longer than an hour is a break)");
        if (st != CS_OK) {
            char m[sizeof err.msg];
            snprintf(m, sizeof m, "%s", err.msg);
            cs_error_set(&err, CS_EINPUT, "--wrap-max: %.900s", m);
        }
    }
    if (st == CS_OK && flags[F_LOGOFF].set) {
        st = cs_units_parse_duration(flags[F_LOGOFF].value, &logoff, &err);
        if (st == CS_OK && !(logoff > 0)) st = cs_error_set(&err, CS_EINPUT, "must be longer than 0 s");
        if (st != CS_OK) {
            char m[sizeof err.msg];
            snprintf(m, sizeof m, "%s", err.msg);
            cs_error_set(&err, CS_EINPUT, "--logoff-gap: %.900s", m);
        }
    }
    if (st == CS_OK && cs_log_has_key(log, "agent")) {
        size_t n = strlen(outp);
        int stem = (int)(n > 5 && strcmp(outp + n - 5, ".yaml") == 0 ? n - 5 : n);
        snprintf(sfpath, sizeof sfpath, "%.*s-staffing.csv", stem, outp);
        hold_signals(&held);
        st = cs_outfile_begin(sfpath, flags[F_FORCE].set, cs_cli_note, (void *)"fit", &sf, &err);
        if (st == CS_OK) cs_cli_watch_outfile2(sf);
        release_signals(&held);
    }
    if (st == CS_OK) st = cs_fitlog_init(&c, cs_log_has_key(log, "agent"), cs_log_has_key(log, "caller"), &err);
    cs_log_rec rec;
    while (st == CS_OK) {
        int got = 0;
        st = cs_log_next(log, &rec, &got, &err);
        if (st != CS_OK || !got) break;
        st = cs_fitlog_add(&c, &rec, lo.tz, flags[F_QUEUED_ONLY].set, &err);
    }
    if (log) {
        const cs_log_skips *sk = cs_log_skipped(log);
        for (size_t i = 0; sk && i < sk->n; i++)
            fprintf(stderr, "callsim fit: skipped %ld rows: %s\n", sk->by[i].count, sk->by[i].reason);
        rows = cs_log_rows(log);
        log_wrap = cs_log_has_key(log, "wrap");
        cs_log_close(log);
    }
    if (st == CS_OK && c.n_lines == 0) st = cs_error_set(&err, CS_EINPUT, "%s: no calls to fit", pos[0]);

    /* The observed span: whole local days from the first call's to the last call's. */
    double t0 = 0, t1 = 0;
    const char *base = strrchr(pos[0], '/');
    base = base ? base + 1 : pos[0];
    line_out *lout = NULL;
    if (st == CS_OK) {
        t0 = floor(c.first_local / 86400.0) * 86400.0 - CS_FITLOG_MONDAY_EPOCH;
        t1 = (floor(c.last_local / 86400.0) + 1) * 86400.0 - CS_FITLOG_MONDAY_EPOCH;
        printf("Fitted %s: %ld rows, %ld not used (other outcomes%s), %zu line%s, %.0f days\n", pos[0], rows, c.ignored,
               flags[F_QUEUED_ONLY].set ? " or never queued" : "", c.n_lines, c.n_lines == 1 ? "" : "s",
               (t1 - t0) / 86400);
        if (!(lout = calloc(c.n_lines, sizeof *lout))) st = cs_error_set(&err, CS_ENOMEM, "out of memory");
    }
    int staff_total = 0;
    double t_end_local = floor(c.last_local / 86400.0) * 86400.0 + 86400.0;
    for (size_t li = 0; st == CS_OK && li < c.n_lines; li++)
        st = fit_line(&c.lines[li], li, t0, t1, t_end_local, cs_outdir_tmp(cd), c.redial, &lout[li], &staff_total,
                      &err);

    /* Queue priorities between lines, from who overtook whom. */
    cs_overtake ov;
    memset(&ov, 0, sizeof ov);
    if (st == CS_OK && c.n_lines > 1) {
        st = cs_overtake_rank(c.ov_arr, c.ov_ans, c.ov_line, c.ov_n, c.n_lines, &ov, &err);
        if (st == CS_OK && ov.any) {
            printf("\nQueue priorities from the log (answered callers who overtook callers of another line "
                   "waiting since before them):\n");
            for (size_t a = 0; a < c.n_lines; a++) {
                printf("  line %s: priority %d; overtook", c.lines[a].name, ov.priority[a]);
                const char *sep = "";
                for (size_t b = 0; b < c.n_lines; b++)
                    if (b != a) {
                        printf("%s %s %.0f times", sep, c.lines[b].name, ov.count[a][b]);
                        sep = ",";
                    }
                printf("\n");
            }
        } else if (st == CS_OK) {
            printf("\nQueue priorities: no line's callers are answered ahead of another's (all written as 0)\n");
        }
    }
    /* How strongly: which line a free handler took when callers of several waited. */
    cs_fitpick pk;
    memset(&pk, 0, sizeof pk);
    int use_pick = 0;
    if (st == CS_OK && ov.any) {
        st = cs_fitpick_estimate(c.pk_a, c.pk_b, c.pk_wline, c.pk_nw, c.pk_arr, c.pk_t, c.pk_line, c.pk_na,
                                 c.n_lines, &pk, &err);
        /* Without agents the log cannot show that one group of handlers chose between the lines:
         * separate pools (999 call takers, a 101 desk) pass each other's callers by without any
         * choice, and weights read from that would let 101 callers go before 999 ones. */
        int shared = c.have_agent && c.answered_agent > 0;
        use_pick = st == CS_OK && pk.ok && shared;
        if (st == CS_OK) {
            printf("Pick between lines (%zu answers while a caller of another line who had called earlier still "
                   "waited; the chance a line is taken is its weight over the sum of the waiting lines' weights):\n",
                   pk.events);
            for (size_t a = 0; a < c.n_lines; a++)
                printf("  line %s: weight %.3g (taken %.0f of the %.0f times it was among the choices)\n",
                       c.lines[a].name, pk.weight[a], pk.chosen[a], pk.offered[a]);
            if (use_pick)
                printf("  written as the pool's pick: weighted with these weights, in place of the priorities "
                       "(a line above another is taken first most of the time, not always)\n");
            else if (!pk.ok)
                printf("  too few such answers (%d needed): the priorities are written\n", CS_FITPICK_MIN_EVENTS);
            else
                printf("  not written: without an agent column the log cannot show that the same handlers could "
                       "take either line (separate pools pass each other's callers by too); the priorities are "
                       "written\n");
        }
    }

    /* Talk time against the queue at the answer: reported, not written (models/fittalk.h). */
    cs_fittalk_load tl;
    memset(&tl, 0, sizeof tl);
    if (st == CS_OK && c.pk_nw > 0) {
        int *grp = malloc((c.pk_na ? c.pk_na : 1) * sizeof *grp);
        if (!grp) st = cs_error_set(&err, CS_ENOMEM, "out of memory");
        for (size_t i = 0; grp && i < c.pk_na; i++) {
            /* The group: the call's line and its band of talk time (by time of day of arrival,
             * as the bands were fitted). */
            double tod = c.pk_arr[i] - 86400.0 * floor(c.pk_arr[i] / 86400.0);
            grp[i] = c.pk_line[i] * CS_FITBAND_MAX + (int)cs_fitband_band_of(&lout[c.pk_line[i]].hband, tod);
        }
        if (grp)
            st = cs_fittalk_load_test(c.pk_a, c.pk_b, c.pk_nw, c.pk_t, c.pk_talk, grp, c.pk_na,
                                      c.n_lines * CS_FITBAND_MAX, &tl, &err);
        free(grp);
        if (st == CS_OK && tl.ok) {
            double ci_lo = 100 * expm1(tl.slope - 1.96 * tl.se), ci_hi = 100 * expm1(tl.slope + 1.96 * tl.se);
            printf("\nTalk time and the queue at the answer (%zu answered calls, %.1f callers waiting on every line on "
                   "average, within each line's talk-time bands): %+.1f%% per caller waiting (95%% CI %+.1f to %+.1f%%; "
                   "likelihood ratio %.1f on 1 df, p = %.2g)\n",
                   tl.n, tl.mean_waiting, 100 * expm1(tl.slope), ci_lo, ci_hi, tl.lr, tl.p_value);
            printf("  not written: %s\n",
                   tl.p_value >= 0.05 ? "talk times do not change with the queue (p >= 0.05)"
                   : tl.slope > 0 ? "talk times are longer when more callers wait, the opposite of a speed-up under "
                                    "load: long talks build queues, so the slope is no response to the queue"
                                  : "talk times are shorter when more callers wait; callsim has no scenario key for "
                                    "it, since a slope read from a log also holds the queues that long talks build "
                                    "(see the README's fit section)");
        } else if (st == CS_OK) {
            printf("\nTalk time and the queue at the answer: not checked (fewer than %d answered calls with a talk "
                   "time, or the queue never varied)\n", CS_FITTALK_MIN_CALLS);
        }
    }

    /* Staffing from the agent column, or a plain warning that the pool is a placeholder. */
    char fit_notes[6][320];
    const char *fit_note_ptr[6];
    size_t n_fit_notes = 0;
    const char *on_duty = NULL;
    double wrap_q[WRAP_SAMPLES];
    int have_wrap = 0;
    if (st == CS_OK && c.have_agent && c.answered_agent == 0) {
        /* An agent column that names nobody says nothing about staffing. */
        fprintf(stderr, "callsim fit: warning: the agent column names no agent on any answered call, so staffing "
                        "cannot come from it\n");
        cs_cli_watch_outfile2(NULL);
        cs_outfile_abort(sf);
        sf = NULL;
        c.have_agent = 0;
    }
    if (st == CS_OK && c.have_agent)
        st = write_staffing(&c, logoff, log_wrap ? 0 : wrap_max, c.first_local, t_end_local, sf, fit_notes,
                            &n_fit_notes, wrap_q, &have_wrap, &err);
    if (st == CS_OK && c.have_agent) {
        on_duty = strrchr(sfpath, '/') ? strrchr(sfpath, '/') + 1 : sfpath;
        if (!DATED_STAFFING) on_duty = NULL;
    }
    if (st == CS_OK && !c.have_agent) {
        fprintf(stderr, "callsim fit: warning: the log has no agent column (--columns agent=NAME), so staffing "
                        "cannot come from it: THE POOL WRITTEN IS A PLACEHOLDER (%d handlers around the clock, "
                        "Erlang A for 80%% in 20 s at the peak hour). Replace it with the real roster; replay "
                        "warns when it is used.\n", staff_total);
    }
    if (st == CS_OK && use_pick) {
        /* The pick weights in the file's comment block, with what they replace. */
        size_t k = 0;
        char *b = fit_notes[n_fit_notes];
        k += (size_t)snprintf(b, 320, "pick between lines written as weights (a line is taken with its weight over "
                                      "the waiting lines' sum) in place of the priorities:");
        for (size_t a = 0; a < c.n_lines && k < 300; a++)
            k += (size_t)snprintf(b + k, 320 - k, "%s \"%.24s\" %.3g", a ? "," : "", c.lines[a].name, pk.weight[a]);
        n_fit_notes++;
    }
    if (st == CS_OK && tl.ok)
        snprintf(fit_notes[n_fit_notes++], 320,
                 "talk time and the queue at the answer: %+.1f%% per caller waiting (likelihood ratio %.1f, p = %.2g; "
                 "%zu calls); not written (see fit's output)",
                 100 * expm1(tl.slope), tl.lr, tl.p_value, tl.n);
    for (size_t i = 0; i < n_fit_notes; i++) fit_note_ptr[i] = fit_notes[i];
    if (st == CS_OK) {
        cs_fityaml_line *yl = calloc(c.n_lines, sizeof *yl);
        if (!yl) st = cs_error_set(&err, CS_ENOMEM, "out of memory");
        for (size_t li = 0; yl && li < c.n_lines; li++) {
            const line_out *o = &lout[li];
            const cs_fitlog_line *l = &c.lines[li];
            cs_fityaml_line *y = &yl[li];
            memset(y, 0, sizeof *y);
            y->name = l->name;
            y->priority = use_pick ? 0 : ov.priority[li];
            y->profile = o->profile;
            y->n_slots = o->ar->n_slots;
            y->cv_ok = o->ar->cv_ok;
            y->cv = o->ar->daily_cv;
            y->cv_lo = o->ar->daily_cv_lo;
            y->cv_hi = o->ar->daily_cv_hi;
            y->handle = o->hb;
            y->wrap = o->have_wrap ? o->wrap_q : have_wrap ? wrap_q : NULL;
            y->n_wrap = o->have_wrap ? 100 : have_wrap ? WRAP_SAMPLES : 0;
            y->patience = o->pb;
            y->handle_bands = o->hband.test.use_bands ? &o->hband : NULL;
            y->patience_bands = o->pb && o->pband.test.use_bands ? &o->pband : NULL;
            y->ivr = l->ivr_abandoned + l->deflected > 0;
            y->ivr_abandon = o->ivr.p_all[CS_FITLOG_OC_IVR_ABANDON];
            y->ivr_deflect = o->ivr.p_all[CS_FITLOG_OC_DEFLECT];
            y->ivr_bands = y->ivr && o->ivr.test.use_bands ? &o->ivr : NULL;
            /* Redials only when the data show them (the interval excludes 0).  The demand
             * written is then callers' first attempts: the expected redials come off it, since
             * a run adds them back. */
            double scale = 1;
            if (o->rd.ok && o->rd.prob_lo > 0) {
                y->redial = 1;
                y->redial_prob = o->rd.prob;
                y->redial_mu = o->rd.lognormal_mu;
                y->redial_sigma = o->rd.lognormal_sigma;
                /* Attempts until the chance of yet another redial is under 1%. */
                int mx = o->rd.prob < 1 ? 1 + (int)ceil(ln(0.01) / ln(o->rd.prob)) : 20;
                y->redial_max = mx < 2 ? 2 : mx > 20 ? 20 : mx;
                if (l->calls > 0) scale = 1 - o->rd.prob * (double)l->failed / (double)l->calls;
                if (scale < 0.05) scale = 0.05;
            }
            y->per_week = o->week * scale;
            if (scale != 1)
                for (size_t k = 0; k < o->ar->n_slots; k++) lout[li].profile[k] *= scale;
            y->notes = o->note_ptr;
            y->n_notes = o->n_notes;
        }
        char name[sizeof ((cs_scn *)0)->name];
        if (flags[F_NAME].set) snprintf(name, sizeof name, "%s", flags[F_NAME].value);
        else default_name(name, sizeof name, base);
        char start[16];
        int y, m, d;
        cs_ts_civil_from_days((long)floor(c.first_local / 86400.0), &y, &m, &d);
        snprintf(start, sizeof start, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
        cs_fityaml_scenario ys;
        memset(&ys, 0, sizeof ys);
        ys.name = name;
        ys.source = base;
        ys.rows = rows;
        ys.days = (t1 - t0) / 86400;
        ys.lines = yl;
        ys.n_lines = c.n_lines;
        ys.staff = staff_total;
        ys.on_duty = on_duty;
        ys.start = DATED_STAFFING ? start : NULL;
        ys.pick_weights = use_pick ? pk.weight : NULL;
        ys.horizon_days = (t1 - t0) / 86400;
        ys.notes = fit_note_ptr;
        ys.n_notes = n_fit_notes;
        if (yl) st = cs_fityaml_write(cs_outfile_stream(yf), &ys, &err);
        free(yl);
    }
    /* What was printed is part of the result: if stdout failed (a full disk, a closed pipe),
     * nothing is committed. */
    if (st == CS_OK && (fflush(stdout) != 0 || ferror(stdout)))
        st = cs_error_set(&err, CS_EIO, "cannot write the fits to standard output: %s", strerror(errno));
    /* Charts first, then the scenario: the scenario is what marks a finished fit. */
    hold_signals(&held);
    if (st == CS_OK) st = cs_outdir_commit(cd, &err);
    if (st == CS_OK && sf) st = cs_outfile_commit(sf, &err);
    if (st == CS_OK) st = cs_outfile_commit(yf, &err);
    release_signals(&held);
    cs_cli_watch_outdir(NULL);
    cs_cli_watch_outfile(NULL);
    cs_cli_watch_outfile2(NULL);
    if (st == CS_OK) cs_outdir_free(cd);
    else cs_outdir_abort(cd);
    cs_outfile_abort(sf);
    cs_outfile_abort(yf);
    outs_free(lout, c.n_lines);
    cs_fitlog_fini(&c);
    if (st != CS_OK) return cs_cli_fail("fit", st, err.msg);
    if (sf) printf("\nWrote %s, the dated staffing %s and the fit charts in %s/\n", outp, sfpath, chartdir);
    else printf("\nWrote %s and the fit charts in %s/\n", outp, chartdir);
    return CS_EXIT_OK;
}
