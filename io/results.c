#include "io/results.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/timestamp.h"
#include "models/validate.h"
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

/* One row: the catalogue's label and print rule (io/results.h: counts as whole numbers,
 * shares as percentages, times as "1 min 06 s"); counts name their unit after the CI. */
/* The width of the label column: the longest label in the catalogue, in characters (UTF-8
 * continuation bytes do not count), so no row pushes its figures out of line. */
static int label_width(void)
{
    int w = 0;
    for (int scope = CS_KPI_SCOPE_LINE; scope <= CS_KPI_SCOPE_POOL; scope++) {
        size_t n = 0;
        const cs_kpi_def *t = cs_kpi_table(scope, &n);
        for (size_t i = 0; i < n; i++) {
            int c = 0;
            for (const unsigned char *p = (const unsigned char *)t[i].label; *p; p++) c += (*p & 0xC0) != 0x80;
            if (c > w) w = c;
        }
    }
    return w;
}

/* printf pads by bytes: widen the field by the label's continuation bytes. */
static int pad_for(const char *label, int w)
{
    for (const unsigned char *p = (const unsigned char *)label; *p; p++) w += (*p & 0xC0) == 0x80;
    return w;
}

/* label_w: label_width(), worked out once per table (it scans every KPI's label). */
static void table_row(FILE *f, int label_w, const cs_kpi_def *d, double m, double h, int per_year)
{
    int lw = pad_for(d->label, label_w);
    char a[64], b[64];
    cs_kpi_fmt(a, sizeof a, d, m, CS_KPI_FMT_FINE);
    int kind = cs_kpi_kind_of(d);
    const char *unit = kind == CS_KPI_COUNT       ? (per_year ? "calls/year" : "calls")
                       : strcmp(d->unit, "handlers") == 0 ? "handlers"
                       : kind == CS_KPI_LEVEL     ? "callers"
                       : kind == CS_KPI_HOURS     ? "hours"
                                                  : "";
    if (isfinite(m) && isfinite(h)) {
        cs_kpi_fmt_ci(b, sizeof b, d, m, h, CS_KPI_FMT_FINE);
        fprintf(f, "  %-*s %14s  ± %-12s %s\n", lw, d->label, a, b, unit);
    } else {
        fprintf(f, "  %-*s %14s  %-14s %s\n", lw, d->label, a, "", unit);
    }
}

int cs_out_kpi_relevant(const cs_scn *s, int scope, size_t e, const cs_kpi_def *d)
{
    if (scope == CS_KPI_SCOPE_POOL) {
        if (d->needs != CS_KPI_NEEDS_RINGBACK) return 1;
        for (size_t l = 0; l < s->n_lines; l++) {   /* ring-back rows only where some are made */
            const cs_ringback *rb = &s->lines[l].ringback;
            if (!rb->enabled) continue;
            if (rb->pool == (int)e) return 1;
            for (size_t i = 0; rb->pool < 0 && i < s->pools[e].n_queues; i++)
                if (s->pools[e].queues[i] == s->lines[l].queue) return 1;
        }
        return 0;
    }
    const cs_line *L = &s->lines[e];
    int any_spill_in = 0, has_transfer = 0;
    for (size_t i = 0; i < s->n_lines; i++)
        if (s->lines[i].spill.to_line == (int)e) any_spill_in = 1;
    for (size_t q = 0; q < s->n_queues; q++)
        if (s->queues[q].line == (int)e && s->queues[q].transfer_queue >= 0) has_transfer = 1;
    switch (d->needs) {
    case CS_KPI_NEEDS_IVR: return L->ivr.enabled;
    case CS_KPI_NEEDS_CALLBACK: return L->callback.enabled;
    case CS_KPI_NEEDS_REPEAT: return L->redial.prob > 0 || L->spill.to_line >= 0 || any_spill_in;
    case CS_KPI_NEEDS_RINGBACK: return L->ringback.enabled;
    case CS_KPI_NEEDS_SPILL_OUT: return L->spill.to_line >= 0;
    case CS_KPI_NEEDS_SPILL_IN: return any_spill_in;
    case CS_KPI_NEEDS_TRANSFER: return has_transfer;
    case CS_KPI_NEEDS_CUT_OFF: return L->trunks >= 0 || L->queue_places >= 0 || s->n_outages > 0;
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
    int label_w = label_width();
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
            if (!cs_out_kpi_relevant(s, CS_KPI_SCOPE_LINE, l, &cs_line_kpis[k])) continue;
            double m, ci;
            cs_results_line(r, l, k, &m, &ci);
            table_row(f, label_w, &cs_line_kpis[k], m, ci, per_year);
        }
    }
    for (size_t p = 0; p < s->n_pools; p++) {
        fprintf(f, "\nPool %s\n", s->pools[p].name);
        for (int k = 0; k < CS_PK_N; k++) {
            if (!cs_out_kpi_relevant(s, CS_KPI_SCOPE_POOL, p, &cs_pool_kpis[k])) continue;
            double m, ci;
            cs_results_pool(r, p, k, &m, &ci);
            table_row(f, label_w, &cs_pool_kpis[k], m, ci, per_year);
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
    cs_json_kv_number(w, "mean", cs_kpi_data_value(m));
    cs_json_kv_number(w, "ci95", cs_kpi_data_value(h));
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

void cs_out_json_catalogue(cs_json_writer *w)
{
    static const char *const scope_key[CS_KPI_SCOPE_N] = {"lines", "pools", "intervals", "interval_pools",
                                                          "daily"};
    static const char *const kind_name[] = {"", "count", "share", "time", "level", "hours"};
    cs_json_key(w, "kpi_catalogue");
    cs_json_begin_object(w);
    for (int sc = 0; sc < CS_KPI_SCOPE_N; sc++) {
        size_t n;
        const cs_kpi_def *t = cs_kpi_table(sc, &n);
        cs_json_key(w, scope_key[sc]);
        cs_json_begin_object(w);
        for (size_t i = 0; i < n; i++) {
            const cs_kpi_def *d = &t[i];
            cs_json_key(w, d->name);
            cs_json_begin_object(w);
            cs_json_kv_string(w, "label", d->label);
            cs_json_kv_string(w, "unit", d->unit);
            cs_json_kv_string(w, "kind", kind_name[cs_kpi_kind_of(d)]);
            cs_json_key(w, "better");
            if (d->better > 0) cs_json_string(w, "higher");
            else if (d->better < 0) cs_json_string(w, "lower");
            else cs_json_null(w);
            cs_json_kv_string(w, "meaning", d->meaning ? d->meaning : "");
            cs_json_end_object(w);
        }
        cs_json_end_object(w);
    }
    cs_json_end_object(w);
}

static void kv_mci(cs_json_writer *w, const char *key, cs_valid_mci v)
{
    kv_mean_ci(w, key, v.mean, v.ci95);
}

cs_status cs_out_json_summary_extras(cs_json_writer *w, const cs_results *r, cs_error *err)
{
    cs_out_json_catalogue(w);
    cs_valid_line v[CS_VALID_MAX_LINES];
    size_t n = 0;
    cs_status st = cs_valid_run(r, v, &n, 0, err);
    if (st != CS_OK) return st;
    cs_json_key(w, "validation");
    cs_json_begin_object(w);
    cs_json_kv_string(w, "method", "For each line's busiest interval of the week: Erlang A (Erlang C when callers never "
                      "hang up) for M/M/n+M with that interval's offered rate, the mean busy time per call of the "
                      "line's first queue, the callers' mean patience and the handlers on duty then less those busy "
                      "with other queues; the engine on the same model; and the scenario's own result then.");
    cs_json_kv_int(w, "replications", CS_VALID_REPS);
    cs_json_key(w, "lines");
    cs_json_begin_array(w);
    for (size_t l = 0; l < n; l++) {
        if (!v[l].ok) continue;
        char when[32];
        cs_out_week_time(when, sizeof when, v[l].slot_start);
        cs_json_begin_object(w);
        cs_json_kv_string(w, "line", r->scn->lines[l].name);
        cs_json_kv_string(w, "interval_start", when);
        cs_json_kv_number(w, "interval_s", v[l].slot_len);
        cs_json_kv_number(w, "arrivals_per_hour", cs_kpi_data_value(v[l].lambda * 3600.0));
        cs_json_kv_number(w, "busy_per_call_s", cs_kpi_data_value(v[l].mean_service));
        cs_json_kv_number(w, "patience_s", v[l].erlang_c ? NAN : cs_kpi_data_value(v[l].mean_patience));
        cs_json_kv_number(w, "handlers_on_duty", cs_kpi_data_value(v[l].on_duty));
        cs_json_kv_number(w, "handlers_busy_elsewhere", cs_kpi_data_value(v[l].busy_other));
        cs_json_kv_int(w, "handlers", v[l].agents);
        cs_json_kv_number(w, "target_s", v[l].within);
        cs_json_key(w, "erlang");
        if (v[l].engine_ok) {
            cs_json_begin_object(w);
            cs_json_kv_string(w, "model", v[l].erlang_c ? "C" : "A");
            cs_json_kv_number(w, "service_level", cs_kpi_data_value(v[l].erlang.service_level));
            cs_json_kv_number(w, "abandon_rate", cs_kpi_data_value(v[l].erlang.p_abandon));
            cs_json_kv_number(w, "asa", cs_kpi_data_value(v[l].erlang.asa));
            cs_json_end_object(w);
            cs_json_key(w, "engine");
            cs_json_begin_object(w);
            kv_mci(w, "service_level", v[l].engine_sl);
            kv_mci(w, "abandon_rate", v[l].engine_ab);
            kv_mci(w, "asa", v[l].engine_asa);
            cs_json_kv_number(w, "calls", cs_kpi_data_value(v[l].engine_calls));
            cs_json_end_object(w);
        } else {
            cs_json_null(w);
            cs_json_key(w, "engine");
            cs_json_null(w);
        }
        cs_json_key(w, "scenario");
        cs_json_begin_object(w);
        kv_mci(w, "service_level", v[l].scen_sl);
        kv_mci(w, "abandon_rate", v[l].scen_ab);
        kv_mci(w, "asa", v[l].scen_asa);
        cs_json_end_object(w);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_end_object(w);
    return CS_OK;
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
                if (cs_interval_kpi_is_count(k)) {
                    /* Counts per interval of this row's length, not per slot. */
                    m *= (double)n;
                    h *= (double)n;
                }
                cs_out_number(a, sizeof a, cs_kpi_data_value(m));
                cs_out_number(b, sizeof b, cs_kpi_data_value(h));
                cs_out_csv_field(f, s->lines[l].name);
                fprintf(f, ",%s,%s,%s,%s\n", when, cs_interval_kpis[k].name, a, b);
            }
        for (size_t p = 0; p < s->n_pools; p++)
            for (int k = 0; k < CS_IPK_N; k++) {
                double m, h;
                cs_results_pool_slots(r, p, slots, n, k, &m, &h);
                cs_out_number(a, sizeof a, cs_kpi_data_value(m));
                cs_out_number(b, sizeof b, cs_kpi_data_value(h));
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
