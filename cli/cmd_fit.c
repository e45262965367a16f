/* callsim fit: a scenario whose demand, handle times and patience come from a call log.
 *
 * One streaming pass over the log keeps, per line: arrival counts per hour of the week and
 * per calendar day (models/fit.h, bounded), and uniform random samples (reservoirs) of at
 * most SAMPLE_CAP handle times and SAMPLE_CAP patience observations.  Memory therefore does
 * not grow with the log; the estimates are exact below the cap and use a uniform random
 * sample above it (stated in the output).  Patience is right-censored (an answered caller
 * would have waited longer), so it is estimated with Kaplan-Meier and maximum likelihood
 * with censoring; the family with the lowest AIC is written. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "io/calllog.h"
#include "io/fityaml.h"
#include "io/outdir.h"
#include "io/timestamp.h"
#include "io/units.h"
#include "models/erlang.h"
#include "models/fit.h"
#include "plots/chart.h"
#include "sim/rng.h"

#define SAMPLE_CAP 100000
#define MAX_LINES 32
/* 1970-01-05 was a Monday: arrival times are counted from it so that the slot of the week is
 * the profile's slot. */
#define MONDAY_EPOCH (4.0 * 86400.0)

enum { F_OUT, F_COLUMNS, F_OUTCOMES, F_TZ, F_SEP, F_SKIP_BAD, F_LINE, F_QUEUED_ONLY, F_NAME, F_CHARTS, F_FORCE, F_HELP, F_N };

typedef struct reservoir {
    double *t;
    int *ev;
    size_t n, cap;
    unsigned long long seen;
} reservoir;

typedef struct line_fit {
    char name[64];
    cs_fit_arrivals_stream *arr;
    reservoir handle, patience;
    long calls, answered, abandoned;
} line_fit;

typedef struct fit_ctx {
    line_fit lines[MAX_LINES];
    size_t n_lines;
    gsl_rng *rng;
    double first_local, last_local;
} fit_ctx;

static int res_add(reservoir *r, gsl_rng *rng, double t, int ev)
{
    r->seen++;
    if (r->n < SAMPLE_CAP) {
        if (r->n == r->cap) {
            size_t cap = r->cap ? 2 * r->cap : 1024;
            double *nt = realloc(r->t, cap * sizeof *nt);
            if (!nt) return -1;
            r->t = nt;
            int *ne = realloc(r->ev, cap * sizeof *ne);
            if (!ne) return -1;
            r->ev = ne;
            r->cap = cap;
        }
        r->t[r->n] = t;
        r->ev[r->n] = ev;
        r->n++;
        return 0;
    }
    /* Algorithm R: the new item replaces a random one with probability cap/seen. */
    unsigned long long j = (unsigned long long)(gsl_rng_uniform(rng) * (double)r->seen);
    if (j < SAMPLE_CAP) {
        r->t[j] = t;
        r->ev[j] = ev;
    }
    return 0;
}

static line_fit *line_for(fit_ctx *c, const char *name, cs_error *err)
{
    for (size_t i = 0; i < c->n_lines; i++)
        if (strcmp(c->lines[i].name, name) == 0) return &c->lines[i];
    if (c->n_lines == MAX_LINES) {
        cs_error_set(err, CS_EINPUT, "the log has more than %d lines; map fewer with --columns line=...", MAX_LINES);
        return NULL;
    }
    line_fit *l = &c->lines[c->n_lines];
    memset(l, 0, sizeof *l);
    snprintf(l->name, sizeof l->name, "%s", name);
    l->arr = malloc(sizeof *l->arr);
    if (!l->arr || cs_fit_arrivals_stream_init(l->arr, 3600, err) != CS_OK) {
        free(l->arr);
        cs_error_set(err, CS_ENOMEM, "out of memory");
        return NULL;
    }
    c->n_lines++;
    return l;
}

static void ctx_free(fit_ctx *c)
{
    for (size_t i = 0; i < c->n_lines; i++) {
        free(c->lines[i].arr);
        free(c->lines[i].handle.t);
        free(c->lines[i].handle.ev);
        free(c->lines[i].patience.t);
        free(c->lines[i].patience.ev);
    }
    gsl_rng_free(c->rng);
}

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
        printf("    %-12s %-40s %12.1f %10.1f %10s%s\n", cs_fit_family_name((cs_fit_family)i), m, r->loglik, r->aic, g,
               r == best ? "  <- lowest AIC" : "");
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Empirical CDF (or KM survival) against every fitted family. */
static cs_status fit_chart(const char *dir, const char *file, const char *title, const char *line, const reservoir *res,
                           const cs_fit_set *set, const cs_fit_result *best, int censored, cs_error *err)
{
    enum { NP = 200 };
    double tmax = 0;
    for (size_t i = 0; i < res->n; i++)
        if (res->t[i] > tmax) tmax = res->t[i];
    /* Show the bulk: up to the 99th percentile of the data (sorted copy). */
    double *sorted = malloc(res->n * sizeof *sorted);
    if (!sorted) return cs_error_set(err, CS_ENOMEM, "out of memory");
    memcpy(sorted, res->t, res->n * sizeof *sorted);
    qsort(sorted, res->n, sizeof *sorted, cmp_double);
    double xmax = sorted[(size_t)(0.99 * (double)(res->n - 1))] * 1.2;
    if (!(xmax > 0)) xmax = tmax > 0 ? tmax : 1;
    double x[NP], emp[NP], fy[CS_FIT_N_FAMILIES][NP], lo[NP], hi[NP];
    cs_fit_km_result km;
    memset(&km, 0, sizeof km);
    if (censored && cs_fit_km(res->t, res->ev, res->n, &km, err) != CS_OK) {
        free(sorted);
        return err->code;
    }
    size_t j = 0;
    for (int i = 0; i < NP; i++) {
        x[i] = xmax * i / (NP - 1);
        if (censored) {
            emp[i] = cs_fit_km_eval(&km, x[i]);
            lo[i] = hi[i] = emp[i];
            for (size_t k = 0; k < km.n_steps && km.time[k] <= x[i]; k++)
                if (isfinite(km.lo[k])) {
                    lo[i] = km.lo[k];
                    hi[i] = km.hi[k];
                }
        } else {
            while (j < res->n && sorted[j] <= x[i]) j++;
            emp[i] = (double)j / (double)res->n;
        }
        for (int f = 0; f < CS_FIT_N_FAMILIES; f++) {
            double c = set->fit[f].ok ? cs_dist_cdf(&set->fit[f].dist, x[i]) : NAN;
            fy[f][i] = censored ? 1 - c : c;
        }
    }
    if (censored) cs_fit_km_fini(&km);
    free(sorted);
    double unit = xmax > 1200 ? 60.0 : 1.0;
    for (int i = 0; i < NP; i++) x[i] /= unit;
    cs_chart_series ser[1 + CS_FIT_N_FAMILIES];
    char labels[CS_FIT_N_FAMILIES][64];
    size_t ns = 0;
    ser[ns++] = (cs_chart_series){censored ? "Kaplan-Meier estimate (95% band)" : "Data (empirical)", NP, x, emp,
                                  censored ? lo : NULL, censored ? hi : NULL, 0, 0, 1};
    for (int f = 0; f < CS_FIT_N_FAMILIES; f++) {
        if (!set->fit[f].ok) continue;
        snprintf(labels[f], sizeof labels[f], "%s%s", cs_fit_family_name((cs_fit_family)f),
                 &set->fit[f] == best ? " (chosen)" : "");
        ser[ns++] = (cs_chart_series){labels[f], NP, x, fy[f], NULL, NULL, &set->fit[f] != best, 0, 0};
    }
    char t[160], sub[200], xl[64], path[1200];
    snprintf(t, sizeof t, "Line %s: %s", line, title);
    snprintf(sub, sizeof sub, "%zu observations%s; maximum likelihood, lowest AIC chosen", res->n,
             censored ? ", answered callers censored" : "");
    snprintf(xl, sizeof xl, "Time (%s)", unit > 1 ? "minutes" : "seconds");
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = t;
    ch.subtitle = sub;
    ch.xlabel = xl;
    ch.ylabel = censored ? "Share still willing to wait" : "Share of calls at most this long";
    ch.y_percent = 1;
    ch.ymin = 0;
    ch.ymax = 1;
    ch.xmin = 0;
    ch.xmax = xmax / unit;
    ch.series = ser;
    ch.n_series = ns;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return cs_chart_render(&ch, path, CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF, err);
}

/* What one line's fit leaves for the scenario file and the charts. */
typedef struct line_out {
    cs_fit_arrivals_result *ar;
    cs_fit_set hs, ps;
    const cs_fit_result *hb, *pb;
    double week, peak;
    double profile[CS_FIT_MAX_SLOTS];
} line_out;

static void outs_free(line_out *o, size_t n)
{
    for (size_t i = 0; o && i < n; i++) {
        free(o[i].ar);
        cs_fit_set_fini(&o[i].hs);
        cs_fit_set_fini(&o[i].ps);
    }
    free(o);
}

/* Fits line li and prints its fits; charts go into chartdir (the temporary folder). */
static cs_status fit_line(line_fit *l, size_t li, double t0, double t1, const char *chartdir, line_out *o, int *staff,
                          cs_error *err)
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
        if (cs_fit_durations(l->patience.t, l->patience.n, l->patience.ev, NULL, &o->ps, &perr) == CS_OK)
            have_patience = 1;
        else
            printf("  line %s: patience not fitted (%s); written as never\n", l->name, perr.msg);
    }
    o->hb = cs_fit_best(&o->hs);
    o->pb = have_patience ? cs_fit_best(&o->ps) : NULL;
    for (size_t s = 0; s < ar->n_slots; s++) {
        o->profile[s] = isfinite(ar->rate[s]) ? ar->rate[s] * 3600 : 0.0;
        if (isfinite(ar->rate[s])) {
            o->week += ar->rate[s] * ar->slot_len;
            if (ar->rate[s] > o->peak) o->peak = ar->rate[s];
        }
    }
    printf("\nLine %s: %ld calls, %ld answered, %ld abandoned in queue\n", l->name, l->calls, l->answered, l->abandoned);
    printf("  Demand: %.0f calls per week (hour-of-week profile, peak %.1f calls/h)\n", o->week, o->peak * 3600);
    if (ar->cv_ok)
        printf("  Day-to-day variation: gamma daily factor with cv %.3f (95%% CI %.3f to %.3f)\n", ar->daily_cv,
               ar->daily_cv_lo, ar->daily_cv_hi);
    else
        printf("  Day-to-day variation: not estimable from this log\n");
    if (ar->note[0]) printf("    note: %s\n", ar->note);
    if (l->handle.seen > l->handle.n || l->patience.seen > l->patience.n)
        printf("  (durations fitted on a uniform random sample of %d calls)\n", SAMPLE_CAP);
    print_fits("Handle time (answered calls)", &o->hs, o->hb, 0);
    if (o->pb) print_fits("Patience (queued calls, censored)", &o->ps, o->pb, 1);

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
    st = fit_chart(chartdir, file, "handle time fitted to the data", l->name, &l->handle, &o->hs, o->hb, 0, err);
    if (st == CS_OK && o->pb) {
        snprintf(file, sizeof file, "patience_line%zu", li + 1);
        st = fit_chart(chartdir, file, "patience fitted to censored waits", l->name, &l->patience, &o->ps, o->pb, 1, err);
    }
    if (st != CS_OK) {
        char m[sizeof err->msg];
        snprintf(m, sizeof m, "%s", err->msg);
        cs_error_set(err, st, "chart %s: %.600s", file, m);
    }
    return st;
}

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
        [F_FORCE] = {"force", 0, CS_FLAG_BOOL, NULL, "replace FILE and the charts folder if they exist", 0, NULL},
        [F_HELP] = {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("fit", argc, argv, flags, F_N, pos, 1, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[F_HELP].set) {
        printf("Usage: callsim fit LOG.csv -o fitted.yaml [options]\n\n"
               "Builds a scenario from a call log: per line, the hour-of-week arrival profile and\n"
               "day-to-day overdispersion, the handle-time distribution and the patience distribution\n"
               "(censored: Kaplan-Meier and maximum likelihood), each family chosen by lowest AIC.\n"
               "Prints every fit with its goodness of fit and draws each against the data.\n"
               "The scenario and the charts folder are written completely or not at all.\n\n");
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
    cs_status st = cs_outfile_begin(outp, flags[F_FORCE].set, cs_cli_note, (void *)"fit", &yf, &err);
    if (st == CS_OK) {
        cs_cli_watch_outfile(yf);
        st = cs_outdir_begin(chartdir, flags[F_FORCE].set, cs_cli_note, (void *)"fit", &cd, &err);
        if (st == CS_OK) cs_cli_watch_outdir(cd);
        else if (st == CS_EINPUT && strstr(err.msg, "--force"))
            cs_error_set(&err, CS_EINPUT, "charts folder '%s' already exists; add --force to replace it, or choose "
                                          "another with --charts DIR", chartdir);
    }
    if (st != CS_OK) {
        cs_cli_watch_outfile(NULL);
        cs_outfile_abort(yf);
        return cs_cli_fail("fit", st, err.msg);
    }

    cs_log *log = NULL;
    fit_ctx c;
    memset(&c, 0, sizeof c);
    c.first_local = INFINITY;
    c.last_local = -INFINITY;
    long ignored = 0, rows = 0;
    st = cs_log_open(pos[0], &lo, &log, &err);
    if (st == CS_OK && !(c.rng = cs_rng_stream(20240601, 0, "fit/reservoir")))
        st = cs_error_set(&err, CS_ENOMEM, "out of memory");
    cs_log_rec rec;
    while (st == CS_OK) {
        int got = 0;
        st = cs_log_next(log, &rec, &got, &err);
        if (st != CS_OK || !got) break;
        if (rec.outcome == CS_LOG_OTHER || (flags[F_QUEUED_ONLY].set && rec.queued == 0)) {
            ignored++;
            continue;
        }
        line_fit *l = line_for(&c, rec.line, &err);
        if (!l) {
            st = err.code;
            break;
        }
        double local = rec.arrival + cs_ts_utc_offset(rec.arrival, lo.tz);
        if (local < c.first_local) c.first_local = local;
        if (local > c.last_local) c.last_local = local;
        cs_fit_arrivals_stream_add(l->arr, local - MONDAY_EPOCH);
        l->calls++;
        if (rec.outcome == CS_LOG_ANSWERED) {
            l->answered++;
            if (isfinite(rec.handle) && rec.handle > 0 && res_add(&l->handle, c.rng, rec.handle, 1) != 0) {
                st = cs_error_set(&err, CS_ENOMEM, "out of memory");
                break;
            }
            if (isfinite(rec.wait) && rec.wait >= 0 && res_add(&l->patience, c.rng, rec.wait, 0) != 0) {
                st = cs_error_set(&err, CS_ENOMEM, "out of memory");
                break;
            }
        } else if (rec.outcome == CS_LOG_ABANDONED) {
            l->abandoned++;
            if (isfinite(rec.wait) && rec.wait >= 0 && res_add(&l->patience, c.rng, rec.wait, 1) != 0) {
                st = cs_error_set(&err, CS_ENOMEM, "out of memory");
                break;
            }
        }
    }
    if (log) {
        const cs_log_skips *sk = cs_log_skipped(log);
        for (size_t i = 0; sk && i < sk->n; i++)
            fprintf(stderr, "callsim fit: skipped %ld rows: %s\n", sk->by[i].count, sk->by[i].reason);
        rows = cs_log_rows(log);
        cs_log_close(log);
    }
    if (st == CS_OK && c.n_lines == 0) st = cs_error_set(&err, CS_EINPUT, "%s: no calls to fit", pos[0]);

    /* The observed span: whole local days from the first call's to the last call's. */
    double t0 = 0, t1 = 0;
    const char *base = strrchr(pos[0], '/');
    base = base ? base + 1 : pos[0];
    line_out *lout = NULL;
    if (st == CS_OK) {
        t0 = floor(c.first_local / 86400.0) * 86400.0 - MONDAY_EPOCH;
        t1 = (floor(c.last_local / 86400.0) + 1) * 86400.0 - MONDAY_EPOCH;
        printf("Fitted %s: %ld rows, %ld not used (other outcomes%s), %zu line%s, %.0f days\n", pos[0], rows, ignored,
               flags[F_QUEUED_ONLY].set ? " or never queued" : "", c.n_lines, c.n_lines == 1 ? "" : "s",
               (t1 - t0) / 86400);
        if (!(lout = calloc(c.n_lines, sizeof *lout))) st = cs_error_set(&err, CS_ENOMEM, "out of memory");
    }
    int staff_total = 0;
    for (size_t li = 0; st == CS_OK && li < c.n_lines; li++)
        st = fit_line(&c.lines[li], li, t0, t1, cs_outdir_tmp(cd), &lout[li], &staff_total, &err);
    if (st == CS_OK) {
        cs_fityaml_line *yl = calloc(c.n_lines, sizeof *yl);
        if (!yl) st = cs_error_set(&err, CS_ENOMEM, "out of memory");
        for (size_t li = 0; yl && li < c.n_lines; li++) {
            const line_out *o = &lout[li];
            yl[li] = (cs_fityaml_line){c.lines[li].name, o->week, o->profile, o->ar->n_slots, o->ar->cv_ok,
                                       o->ar->daily_cv, o->ar->daily_cv_lo, o->ar->daily_cv_hi, o->hb, o->pb};
        }
        char name[sizeof ((cs_scn *)0)->name];
        if (flags[F_NAME].set) snprintf(name, sizeof name, "%s", flags[F_NAME].value);
        else default_name(name, sizeof name, base);
        cs_fityaml_scenario ys = {name, base, rows, (t1 - t0) / 86400, yl, c.n_lines, staff_total};
        if (yl) st = cs_fityaml_write(cs_outfile_stream(yf), &ys, &err);
        free(yl);
    }
    /* What was printed is part of the result: if stdout failed (a full disk, a closed pipe),
     * nothing is committed. */
    if (st == CS_OK && (fflush(stdout) != 0 || ferror(stdout)))
        st = cs_error_set(&err, CS_EIO, "cannot write the fits to standard output: %s", strerror(errno));
    /* Charts first, then the scenario: the scenario is what marks a finished fit. */
    if (st == CS_OK) st = cs_outdir_commit(cd, &err);
    if (st == CS_OK) st = cs_outfile_commit(yf, &err);
    cs_cli_watch_outdir(NULL);
    cs_cli_watch_outfile(NULL);
    if (st == CS_OK) cs_outdir_free(cd);
    else cs_outdir_abort(cd);
    cs_outfile_abort(yf);
    outs_free(lout, c.n_lines);
    ctx_free(&c);
    if (st != CS_OK) return cs_cli_fail("fit", st, err.msg);
    printf("\nWrote %s and the fit charts in %s/\n", outp, chartdir);
    return CS_EXIT_OK;
}
