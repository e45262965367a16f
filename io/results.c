#include "io/results.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/timestamp.h"
#include "sim/text.h"

#ifndef CS_VERSION
#define CS_VERSION "0.0.0"
#endif

static const char *const weekdays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

int cs_out_number(char *buf, size_t n, double x)
{
    return cs_text_fmt_double(buf, n, x);
}

void cs_out_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int cs_out_week_time(char *buf, size_t n, double s)
{
    long t = lround(s);
    int day = (int)((t / 86400) % 7);
    long sec = t % 86400;
    return snprintf(buf, n, "%s %02ld:%02ld", weekdays[day], sec / 3600, (sec / 60) % 60);
}

/* ------------------------------------------------------------------------------ table */

static void fmt_value(char *buf, size_t n, const char *unit, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
        return;
    }
    if (strcmp(unit, "share") == 0)
        snprintf(buf, n, "%.2f %%", 100.0 * v);
    else if (strcmp(unit, "s") == 0)
        snprintf(buf, n, "%.1f s", v);
    else if (strcmp(unit, "handlers") == 0)
        snprintf(buf, n, "%.1f", v);
    else
        snprintf(buf, n, fabs(v) >= 100 ? "%.0f" : "%.2f", v);
}

static void table_row(FILE *f, const cs_kpi_def *d, double m, double h, int per_year)
{
    char a[48], b[48];
    fmt_value(a, sizeof a, d->unit, m);
    /* Shares and times carry their unit in the number; counts name theirs after the CI. */
    int count = strcmp(d->unit, "calls") == 0 && strcmp(d->name, "queue_mean") != 0;
    const char *unit = strcmp(d->unit, "calls") == 0      ? (per_year && count ? "calls/year" : "calls")
                       : strcmp(d->unit, "handlers") == 0 ? "handlers"
                       : strcmp(d->unit, "hours") == 0    ? "hours"
                                                          : "";
    if (isfinite(h)) {
        fmt_value(b, sizeof b, d->unit, h);
        fprintf(f, "  %-38s %16s  ± %-10s %s\n", d->label, a, b, unit);
    } else {
        fprintf(f, "  %-38s %16s  %-12s %s\n", d->label, a, "", unit);
    }
}

/* Rows that only mean something when the feature is in the scenario. */
static int line_row_relevant(const cs_scn *s, size_t l, int k)
{
    const cs_line *L = &s->lines[l];
    int any_spill_in = 0, has_transfer = 0;
    for (size_t i = 0; i < s->n_lines; i++)
        if (s->lines[i].spill.to_line == (int)l) any_spill_in = 1;
    for (size_t q = 0; q < s->n_queues; q++)
        if (s->queues[q].line == (int)l && s->queues[q].transfer_queue >= 0) has_transfer = 1;
    switch (k) {
    case CS_LK_ABANDONED_IVR:
    case CS_LK_DEFLECTED: return L->ivr.enabled;
    case CS_LK_CALLBACK:
    case CS_LK_CB_ON_TIME:
    case CS_LK_CB_LATE:
    case CS_LK_CB_MISSED:
    case CS_LK_CB_REACHED: return L->callback.enabled;
    case CS_LK_REDIALS:
    case CS_LK_CALLERS:
    case CS_LK_NEVER_REACHED_RATE:
    case CS_LK_CALLERS_REACHED_ANY:
    case CS_LK_CALLERS_NEVER_REACHED:
    case CS_LK_CALLERS_UNFINISHED:
    case CS_LK_CALLERS_REACHED_ANY_RATE:
    case CS_LK_CALLERS_NEVER_REACHED_RATE: return L->redial.prob > 0 || L->spill.to_line >= 0 || any_spill_in;
    case CS_LK_RINGBACKS:
    case CS_LK_RINGBACK_WAIT: return L->ringback.enabled;
    case CS_LK_SPILLED: return L->spill.to_line >= 0;
    case CS_LK_FROM_101:
    case CS_LK_FROM_101_SHARE: return any_spill_in;
    case CS_LK_TRANSFERRED:
    case CS_LK_TRANSFER_ABANDONED:
    case CS_LK_TRANSFER_ASA: return has_transfer;
    case CS_LK_CUT_OFF: return L->trunks >= 0 || L->queue_places >= 0 || s->n_outages > 0;
    default: return 1;
    }
}

/* The run's period in words; a dated run's dates, and "per year" when that is what counts are. */
static void table_header(FILE *f, const cs_results *r, int per_year)
{
    const cs_scn *s = r->scn;
    char h[32], w[32];
    cs_out_number(h, sizeof h, s->horizon / 86400.0);
    cs_out_number(w, sizeof w, s->warmup / 86400.0);
    fprintf(f, "%s\n", s->name);
    if (s->clock.dated) {
        /* Local days (a day is 23 or 25 hours long when the clocks change). */
        cs_clock_local lh, lw;
        cs_clock_at(&s->clock, s->horizon, &lh);
        cs_clock_at(&s->clock, s->warmup, &lw);
        cs_out_number(h, sizeof h, (double)lh.day + lh.sod / 86400.0);
        cs_out_number(w, sizeof w, (double)lw.day + lw.sod / 86400.0);
        char a[40], b[40], m[40];
        cs_clock_format(&s->clock, 0, CS_CLOCK_FMT_MINUTE, a, sizeof a);
        cs_clock_format(&s->clock, s->horizon, CS_CLOCK_FMT_MINUTE, b, sizeof b);
        cs_clock_format(&s->clock, s->warmup, CS_CLOCK_FMT_MINUTE, m, sizeof m);
        fprintf(f, "%u replications of %s days from %s to %s (UK local time), seed %llu;\n",
                r->n_reps, h, a, b, (unsigned long long)s->seed);
        if (s->warmup > 0)
            fprintf(f, "the first %s day%s (to %s) discarded as warm-up.\n", w, strcmp(w, "1") ? "s" : "", m);
        else
            fprintf(f, "no warm-up.\n");
    } else {
        fprintf(f, "%u replications of %s days (first %s days discarded as warm-up), seed %llu.\n",
                r->n_reps, h, w, (unsigned long long)s->seed);
    }
    if (per_year)
        fprintf(f, "The measured period is one year, so counts are annual figures (calls a year,\n"
                   "per replication); each value is the mean across replications with its 95%%\n"
                   "confidence interval.\n");
    else
        fprintf(f, "Counts are per replication over the measured period; each value is the mean\n"
                   "across replications with its 95%% confidence interval.\n");
    size_t n_cal = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t l = 0; l < s->n_lines; l++)
        if (s->lines[l].counts == CS_COUNTS_ATTEMPTS && s->lines[l].volume_factor > 0) {
            double v = s->lines[l].volume_factor;
            n_cal++;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
    if (n_cal > 3) {   /* a national run: one line, the factors are in summary.json */
        fprintf(f, "The volumes of %zu lines count attempts: their first-attempt rates were scaled by\n"
                   "%.4f to %.4f so that offered attempts (redials and calls from other lines\n"
                   "included) match them.\n", n_cal, lo, hi);
        return;
    }
    for (size_t l = 0; l < s->n_lines; l++)
        if (s->lines[l].counts == CS_COUNTS_ATTEMPTS && s->lines[l].volume_factor > 0)
            fprintf(f, "Line %s's volume counts attempts: its first-attempt rate was scaled by %.4f so\n"
                       "that offered attempts (redials and calls from other lines included) match it.\n",
                    s->lines[l].name, s->lines[l].volume_factor);
}

cs_status cs_out_table(FILE *f, const cs_results *r, cs_error *err)
{
    const cs_scn *s = r->scn;
    int per_year = cs_scn_measures_a_year(s);
    table_header(f, r, per_year);
    for (size_t l = 0; l < s->n_lines; l++) {
        const cs_line *L = &s->lines[l];
        if (L->target_share > 0 && L->target_max_abandon > 0)
            fprintf(f, "\nLine %s (target: %.0f%% answered within %.0f s, at most %.4g%% abandoned)\n", L->name,
                    100.0 * L->target_share, L->target_within, 100.0 * L->target_max_abandon);
        else if (L->target_share > 0)
            fprintf(f, "\nLine %s (target: %.0f%% answered within %.0f s)\n", L->name, 100.0 * L->target_share,
                    L->target_within);
        else
            fprintf(f, "\nLine %s (target: at most %.4g%% abandoned; service level within %.0f s)\n", L->name,
                    100.0 * L->target_max_abandon, L->target_within);
        for (int k = 0; k < CS_LK_N; k++) {
            if (!line_row_relevant(s, l, k)) continue;
            double m, ci;
            cs_results_line(r, l, k, &m, &ci);
            table_row(f, &cs_line_kpis[k], m, ci, per_year);
        }
    }
    for (size_t p = 0; p < s->n_pools; p++) {
        fprintf(f, "\nPool %s\n", s->pools[p].name);
        int makes_ringbacks = 0;   /* the pool rows of ring-backs only where some are made */
        for (size_t l = 0; l < s->n_lines; l++) {
            const cs_ringback *rb = &s->lines[l].ringback;
            if (!rb->enabled) continue;
            if (rb->pool == (int)p) makes_ringbacks = 1;
            for (size_t i = 0; rb->pool < 0 && i < s->pools[p].n_queues; i++)
                if (s->pools[p].queues[i] == s->lines[l].queue) makes_ringbacks = 1;
        }
        for (int k = 0; k < CS_PK_N; k++) {
            if (k >= CS_PK_RINGBACKS_MADE && !makes_ringbacks) continue;
            double m, ci;
            cs_results_pool(r, p, k, &m, &ci);
            table_row(f, &cs_pool_kpis[k], m, ci, per_year);
        }
    }
    if (fflush(f) != 0 || ferror(f))
        return cs_error_set(err, CS_EIO, "cannot write the results table: %s", errno ? strerror(errno) : "write error");
    return CS_OK;
}

/* ------------------------------------------------------------------------------ JSON */

static void kv_mean_ci(cs_json_writer *w, const char *key, double m, double h)
{
    cs_json_key(w, key);
    cs_json_begin_object(w);
    cs_json_kv_number(w, "mean", m);
    cs_json_kv_number(w, "ci95", h);
    cs_json_end_object(w);
}

/* Dated runs: the local date-times of t = 0, the end of the warm-up and the end; and whether
 * counts are annual figures.  Nothing for undated runs that are not a year (their bytes stay
 * as they were). */
static void json_period(cs_json_writer *w, const cs_scn *s)
{
    if (s->clock.dated) {
        char buf[48];
        cs_clock_format(&s->clock, 0, CS_CLOCK_FMT_ISO, buf, sizeof buf);
        cs_json_kv_string(w, "start", buf);
        cs_clock_format(&s->clock, s->warmup, CS_CLOCK_FMT_ISO, buf, sizeof buf);
        cs_json_kv_string(w, "measured_from", buf);
        cs_clock_format(&s->clock, s->horizon, CS_CLOCK_FMT_ISO, buf, sizeof buf);
        cs_json_kv_string(w, "end", buf);
        /* Lengths in local days (a day is 23 or 25 hours when the clocks change). */
        cs_clock_local lh, lw;
        cs_clock_at(&s->clock, s->horizon, &lh);
        cs_clock_at(&s->clock, s->warmup, &lw);
        cs_json_kv_number(w, "horizon_days", (double)lh.day + lh.sod / 86400.0);
        cs_json_kv_number(w, "warmup_days", (double)lw.day + lw.sod / 86400.0);
    }
    if (cs_scn_measures_a_year(s)) cs_json_kv_string(w, "counts_per", "year");
    int any = 0;
    for (size_t l = 0; l < s->n_lines; l++)
        if (s->lines[l].counts == CS_COUNTS_ATTEMPTS) any = 1;
    if (!any) return;
    /* models/volume.h: the first-attempt factor of each line whose volume counts attempts. */
    cs_json_key(w, "volume_factors");
    cs_json_begin_object(w);
    for (size_t l = 0; l < s->n_lines; l++)
        if (s->lines[l].counts == CS_COUNTS_ATTEMPTS)
            cs_json_kv_number(w, s->lines[l].name, s->lines[l].volume_factor);
    cs_json_end_object(w);
}

void cs_out_json_meta(cs_json_writer *w, const cs_results *r)
{
    const cs_scn *s = r->scn;
    cs_json_kv_string(w, "callsim_version", CS_VERSION);
    cs_json_kv_string(w, "scenario", s->name);
    cs_json_key(w, "seed");
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->seed);
    /* Seeds above 2^53 would lose digits as JSON numbers; small ones stay numbers. */
    if (s->seed < (1ULL << 53))
        cs_json_int(w, (long long)s->seed);
    else
        cs_json_string(w, seed);
    cs_json_kv_int(w, "replications", r->n_reps);
    cs_json_kv_number(w, "horizon_s", s->horizon);
    cs_json_kv_number(w, "warmup_s", s->warmup);
    json_period(w, s);
}

void cs_out_json_kpis(cs_json_writer *w, const cs_results *r)
{
    const cs_scn *s = r->scn;
    cs_json_key(w, "lines");
    cs_json_begin_object(w);
    for (size_t l = 0; l < s->n_lines; l++) {
        cs_json_key(w, s->lines[l].name);
        cs_json_begin_object(w);
        for (int k = 0; k < CS_LK_N; k++) {
            double m, h;
            cs_results_line(r, l, k, &m, &h);
            kv_mean_ci(w, cs_line_kpis[k].name, m, h);
        }
        cs_json_end_object(w);
    }
    cs_json_end_object(w);
    cs_json_key(w, "pools");
    cs_json_begin_object(w);
    for (size_t p = 0; p < s->n_pools; p++) {
        cs_json_key(w, s->pools[p].name);
        cs_json_begin_object(w);
        for (int k = 0; k < CS_PK_N; k++) {
            double m, h;
            cs_results_pool(r, p, k, &m, &h);
            kv_mean_ci(w, cs_pool_kpis[k].name, m, h);
        }
        cs_json_end_object(w);
    }
    cs_json_end_object(w);
}

cs_status cs_out_json(FILE *f, const cs_results *r, cs_error *err)
{
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    if (!w) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_json_begin_object(w);
    cs_out_json_meta(w, r);
    cs_out_json_kpis(w, r);
    cs_json_end_object(w);
    cs_status st = cs_json_writer_finish(w, err);
    cs_json_writer_destroy(w);
    return st;
}

/* ------------------------------------------------------------------------------ intervals.csv */

cs_status cs_out_intervals_csv(FILE *f, const cs_results *r, int group, cs_error *err)
{
    const cs_scn *s = r->scn;
    if (r->n_reps == 0) return CS_OK;
    const cs_repstats *r0 = &r->reps[0];
    size_t n_slots = r0->n_slots;
    if (group < 1) group = 1;
    size_t *slots = malloc((size_t)group * sizeof *slots);
    if (!slots) return cs_error_set(err, CS_ENOMEM, "out of memory");
    fprintf(f, "line,interval_start,kpi,mean,ci95\n");
    char when[32], a[40], b[40];
    for (size_t base = 0; base < n_slots; base += (size_t)group) {
        size_t n = 0;
        double measured = 0;
        for (size_t i = base; i < base + (size_t)group && i < n_slots; i++) {
            slots[n++] = i;
            measured += r0->slot_time[i];
        }
        if (measured <= 0) continue;   /* not simulated after the warm-up */
        cs_out_week_time(when, sizeof when, (double)base * r0->interval);
        for (size_t l = 0; l < s->n_lines; l++)
            for (int k = 0; k < CS_IK_N; k++) {
                double m, h;
                cs_results_line_slots(r, l, slots, n, k, &m, &h);
                cs_out_number(a, sizeof a, m);
                cs_out_number(b, sizeof b, h);
                cs_out_csv_field(f, s->lines[l].name);
                fprintf(f, ",%s,%s,%s,%s\n", when, cs_interval_kpis[k].name, a, b);
            }
        for (size_t p = 0; p < s->n_pools; p++)
            for (int k = 0; k < CS_IPK_N; k++) {
                double m, h;
                cs_results_pool_slots(r, p, slots, n, k, &m, &h);
                cs_out_number(a, sizeof a, m);
                cs_out_number(b, sizeof b, h);
                char ent[96];
                snprintf(ent, sizeof ent, "pool:%s", s->pools[p].name);
                cs_out_csv_field(f, ent);
                fprintf(f, ",%s,%s,%s,%s\n", when, cs_interval_pool_kpis[k].name, a, b);
            }
    }
    free(slots);
    if (ferror(f)) return cs_error_set(err, CS_EIO, "write error while writing intervals");
    return CS_OK;
}

/* ------------------------------------------------------------------------------ calls.csv */

struct cs_calls_writer {
    FILE *f;
    const cs_scn *scn;
};

cs_calls_writer *cs_calls_writer_create(FILE *f, const cs_scn *scn)
{
    cs_calls_writer *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->f = f;
    w->scn = scn;
    fprintf(f, "arrival,line,caller,attempt,outcome,wait,handle,ivr,pool,transferred\n");
    return w;
}

void cs_calls_writer_destroy(cs_calls_writer *w) { free(w); }

static void iso_utc(char *buf, size_t n, double t)
{
    double whole = floor(t);
    int ms = (int)lround((t - whole) * 1000.0);
    if (ms >= 1000) {
        whole += 1;
        ms -= 1000;
    }
    time_t tt = (time_t)(CS_CALLS_EPOCH + whole);
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (tm.tm_year + 1900) % 10000,
             (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100,
             ms % 1000);
}

void cs_calls_writer_trace(void *ud, const cs_trace_rec *r)
{
    cs_calls_writer *w = ud;
    char when[40];
    if (w->scn->clock.dated)   /* local UK time with its offset, which replay reads back */
        cs_ts_format_iso((double)w->scn->clock.t0_epoch + r->arrival, CS_TZ_UK, when, sizeof when);
    else
        iso_utc(when, sizeof when, r->arrival);
    fprintf(w->f, "%s,", when);
    cs_out_csv_field(w->f, w->scn->lines[r->line].name);
    fprintf(w->f, ",%llu,%d,%s,%.3f,%.3f,%.3f,", (unsigned long long)r->caller, r->attempt,
            cs_outcome_name(r->outcome), r->wait, r->handle, r->ivr);
    cs_out_csv_field(w->f, r->pool >= 0 ? w->scn->pools[r->pool].name : "");
    fprintf(w->f, ",%d\n", r->transferred);
}
