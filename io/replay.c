#include "io/replay.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/results.h"
#include "io/timestamp.h"
#include "models/count.h"
#include "sim/stat.h"

static int cmp_arrival(const void *a, const void *b)
{
    const cs_arrival *x = a, *y = b;
    /* A total order on content, so equal arrival times sort the same on every platform. */
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->handle != y->handle) return x->handle < y->handle ? -1 : 1;
    if (x->patience != y->patience) return x->patience < y->patience ? -1 : 1;
    if (x->patience_min != y->patience_min) return x->patience_min < y->patience_min ? -1 : 1;
    if (x->ivr_exit != y->ivr_exit) return x->ivr_exit < y->ivr_exit ? -1 : 1;
    return 0;
}

void cs_replay_free(cs_replay_data *d)
{
    free(d->arr);
    free(d->day_calls);
    if (d->observed.line) cs_repstats_fini(&d->observed);
    memset(d, 0, sizeof *d);
}

typedef struct row {
    double local;     /* epoch + offset */
    double utc;       /* epoch */
    int line;
    cs_log_outcome outcome;
    double wait, handle;
    int queued;
} row;

/* Simulated time of a call.  Undated: its local time from the Monday of the first week.  Dated:
 * on the scenario's clock; a UK log's instants map exactly, and a log read as UTC (a foreign or
 * clock-change-free export) has its wall-clock times read as the scenario's local times, so a
 * call written at 09:00 arrives at 09:00. */
static double replay_t(const cs_replay_data *d, const cs_clock *ck, const row *r)
{
    if (!ck->dated) return r->local - d->t0_local;
    if (d->tz == CS_TZ_UK) return r->utc - (double)ck->t0_epoch;
    long day = (long)floor(r->local / 86400.0);
    return cs_clock_t_of(ck, day - ck->start_day, r->local - (double)day * 86400.0, CS_DATE_FOLD_FIRST, NULL);
}

/* What the log shows for one call, counted by the engine's own functions (models/count.h). */
static void observe(cs_replay_data *d, const cs_scn *scn, const row *r, double t)
{
    cs_repstats *o = &d->observed;
    size_t slot = (size_t)(cs_clock_week_s(&scn->clock, t) / o->interval);
    if (slot >= o->n_slots) slot = o->n_slots - 1;
    size_t line = (size_t)r->line;
    cs_count_offered(o, line, slot, -1, 1);
    double wait = isfinite(r->wait) ? r->wait : 0;
    if (wait > 0) cs_count_queued(o, line, slot);
    switch (r->outcome) {
    case CS_LOG_ANSWERED:
        cs_count_answered(o, line, slot, -1, wait, scn->lines[r->line].target_within);
        if (isfinite(r->handle)) cs_count_talk(o, line, r->handle);
        break;
    case CS_LOG_ABANDONED: cs_count_abandoned_queue(o, line, slot, -1, wait); break;
    case CS_LOG_ABANDONED_IVR: cs_count_abandoned_ivr(o, line, slot, -1); break;
    case CS_LOG_CUT_OFF: cs_count_cut_off(o, line, slot, -1); break;
    case CS_LOG_DEFLECTED: cs_count_deflected(o, line); break;
    case CS_LOG_CALLBACK: cs_count_callback(o, line); break;
    default: cs_count_unfinished(o, line, slot); break;
    }
}

cs_status cs_replay_load(const char *path, const cs_log_opts *lo, const cs_replay_opts *ro, const cs_scn *scn,
                         cs_replay_data *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    cs_log *log = NULL;
    cs_status st = cs_log_open(path, lo, &log, err);
    if (st != CS_OK) return st;
    cs_tz tz = lo ? lo->tz : CS_TZ_UK;
    cs_log_describe_mapping(log, out->mapping, sizeof out->mapping);
    row *rows = NULL;
    size_t n = 0, cap = 0;
    int any_outcome = 0;
    double first = INFINITY, last = -INFINITY;
    cs_log_rec rec;
    for (;;) {
        int got = 0;
        st = cs_log_next(log, &rec, &got, err);
        if (st != CS_OK || !got) break;
        out->rows++;
        if (rec.outcome == CS_LOG_OTHER || (ro->queued_only && rec.queued == 0)) {
            out->ignored++;
            continue;
        }
        int line = cs_scn_line_index(scn, rec.line);
        if (line < 0) {
            char names[256] = "";
            for (size_t i = 0; i < scn->n_lines; i++) {
                size_t k = strlen(names);
                snprintf(names + k, sizeof names - k, "%s'%s'", i ? ", " : "", scn->lines[i].name);
            }
            st = cs_error_set(err, CS_EINPUT,
                              "%s:row %ld: line '%s' is not in the scenario (its lines are %s); map the log's "
                              "line column with --columns line=NAME, or use --columns line= --line NAME to put "
                              "every call on one line",
                              path, rec.row, rec.line, names);
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            row *nr = realloc(rows, cap * sizeof *nr);
            if (!nr) {
                st = cs_error_set(err, CS_ENOMEM, "out of memory reading %s (%zu calls)", path, n);
                break;
            }
            rows = nr;
        }
        if (rec.outcome != CS_LOG_UNKNOWN) any_outcome = 1;
        double local = rec.arrival + cs_ts_utc_offset(rec.arrival, tz);
        rows[n++] = (row){local, rec.arrival, line, rec.outcome, rec.wait, rec.handle, rec.queued};
        if (local < first) first = local;
        if (local > last) last = local;
    }
    const cs_log_skips *sk = cs_log_skipped(log);
    if (sk) out->skips = *sk;
    out->skipped = sk ? sk->total : 0;
    const cs_log_skips *nt = cs_log_notes(log);
    if (nt) out->notes = *nt;
    cs_log_close(log);
    if (st == CS_OK && n == 0)
        st = cs_error_set(err, CS_EINPUT, "%s: no calls to replay (%ld rows read, %ld ignored, %ld skipped)", path,
                          out->rows, out->ignored, out->skipped);
    if (st != CS_OK) {
        free(rows);
        cs_replay_free(out);
        return st;
    }

    long day0 = (long)floor(first / 86400.0), dlast = (long)floor(last / 86400.0);
    const cs_clock *ck = &scn->clock;
    out->dated = ck->dated;
    out->tz = tz;
    if (!ck->dated) {
        /* t = 0 at Monday 00:00 local of the first call's week. */
        long weekday = ((day0 % 7) + 7 + 3) % 7;   /* 1970-01-01 was a Thursday (Monday = 0) */
        out->t0_local = (double)(day0 - weekday) * 86400.0;
        out->span = (double)(dlast + 1) * 86400.0 - out->t0_local;
        out->measure_from = (double)day0 * 86400.0 - out->t0_local;
    } else {
        /* A dated scenario keeps its own clock (t = 0 on its start date), so its dated staffing
         * and demand meet the log's calls on the right days. */
        long f = day0 - ck->start_day, l = dlast - ck->start_day;
        double end = cs_clock_t_of(ck, l + 1, 0, CS_DATE_FOLD_FIRST, NULL);
        if (f < 0 || end > scn->horizon + 1e-6) {
            char s0[16], s1[16], a[16], b[16];
            int y, m, d;
            cs_ts_civil_from_days(ck->start_day, &y, &m, &d);
            snprintf(s0, sizeof s0, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
            cs_clock_format(ck, scn->horizon - 1, CS_CLOCK_FMT_DATE, s1, sizeof s1);
            cs_ts_civil_from_days(day0, &y, &m, &d);
            snprintf(a, sizeof a, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
            cs_ts_civil_from_days(dlast, &y, &m, &d);
            snprintf(b, sizeof b, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
            free(rows);
            cs_replay_free(out);
            return cs_error_set(err, CS_EINPUT,
                                "%s: the log runs from %s to %s, but the scenario's dates are %s to %s (its start "
                                "and horizon): a dated scenario replays only its own dates; widen them, or remove "
                                "`start:` to replay it as a weekly pattern",
                                path, a, b, s0, s1);
        }
        out->t0_local = NAN;
        out->span = end;
        out->measure_from = cs_clock_t_of(ck, f, 0, CS_DATE_FOLD_FIRST, NULL);
    }
    out->measure_from += ro->warmup > 0 ? ro->warmup : 0;
    out->first_daynum = day0;
    out->n_days = (size_t)(dlast - day0 + 1);
    int y, m, d;
    cs_ts_civil_from_days(day0, &y, &m, &d);
    snprintf(out->first_day, sizeof out->first_day, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    cs_ts_civil_from_days(dlast, &y, &m, &d);
    snprintf(out->last_day, sizeof out->last_day, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    out->has_outcomes = any_outcome;

    out->arr = malloc(n * sizeof *out->arr);
    out->day_calls = calloc(out->n_days, sizeof *out->day_calls);
    if (!out->arr || !out->day_calls ||
        cs_repstats_init(&out->observed, scn->n_lines, 0, scn->interval, out->span - out->measure_from) != 0) {
        free(rows);
        cs_replay_free(out);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    /* Measured time per interval of the week, from where measuring starts (for per-interval
     * rates), exactly as the engine accrues it. */
    cs_repstats *o = &out->observed;
    for (double t = out->measure_from; t < out->span;) {
        double ws = cs_clock_week_s(ck, t);
        size_t s = (size_t)(ws / o->interval);
        double e = t + ((double)(s + 1) * o->interval - ws);
        if (e > out->span) e = out->span;
        if (s < o->n_slots) o->slot_time[s] += e - t;
        t = e;
    }
    for (size_t i = 0; i < n; i++) {
        const row *r = &rows[i];
        double t = replay_t(out, ck, r);
        cs_arrival a = {t, r->line, -1, -1, 0, -1};
        /* Before the queue the log is followed (unless --model-ivr): hanging up in the IVR or
         * being deflected is the caller's doing, which staffing does not change. */
        if (!ro->model_ivr) {
            if (r->outcome == CS_LOG_ABANDONED_IVR) a.ivr_exit = 1;
            else if (r->outcome == CS_LOG_DEFLECTED) a.ivr_exit = 2;
            else if (r->outcome == CS_LOG_ANSWERED || r->outcome == CS_LOG_ABANDONED || r->outcome == CS_LOG_CALLBACK)
                a.ivr_exit = 0;
        }
        if (ro->use_handle && r->outcome == CS_LOG_ANSWERED && isfinite(r->handle) && r->handle >= 0)
            a.handle = r->handle;
        if (ro->use_patience && isfinite(r->wait)) {
            if (r->outcome == CS_LOG_ABANDONED) a.patience = r->wait;
            else if (r->outcome == CS_LOG_ANSWERED) a.patience_min = r->wait;
        }
        out->arr[i] = a;
        long day = (long)floor(r->local / 86400.0) - day0;
        if (day >= 0 && (size_t)day < out->n_days) out->day_calls[day]++;
        if (any_outcome && t >= out->measure_from) observe(out, scn, r, t);
    }
    out->n = n;
    free(rows);
    qsort(out->arr, n, sizeof *out->arr, cmp_arrival);
    return CS_OK;
}

typedef struct cursor {
    const cs_replay_data *d;
    size_t i;
} cursor;

static int feed_next(void *ud, cs_arrival *out)
{
    cursor *c = ud;
    if (c->i >= c->d->n) return 0;
    *out = c->d->arr[c->i++];
    return 1;
}

static void feed_rewind(void *ud) { ((cursor *)ud)->i = 0; }

cs_status cs_replay_feed_make(void *ud, cs_feed *out, cs_error *err)
{
    cursor *c = calloc(1, sizeof *c);
    if (!c) return cs_error_set(err, CS_ENOMEM, "out of memory");
    c->d = ud;
    out->next = feed_next;
    out->rewind = feed_rewind;
    out->ud = c;
    return CS_OK;
}

void cs_replay_feed_free(void *ud, cs_feed *feed)
{
    (void)ud;
    free(feed->ud);
    feed->ud = NULL;
}

double cs_replay_warmup(const cs_replay_data *d) { return d->measure_from; }

const int cs_replay_kpis[CS_REPLAY_N_KPIS] = {CS_IK_OFFERED,       CS_IK_ANSWERED, CS_IK_ABANDONED,
                                              CS_IK_ABANDON_RATE,  CS_IK_SERVICE_LEVEL, CS_IK_ASA,
                                              CS_IK_P_WAIT,        CS_IK_MEAN_WAIT};

void cs_replay_compare(const cs_replay_data *d, const cs_results *r, size_t line, const size_t *slots, size_t n,
                       int ik, double per, cs_replay_cmp *out)
{
    const cs_line *cfg = &r->scn->lines[line];
    double scale = cs_interval_kpi_is_count(ik) ? per / d->observed.interval : 1.0;
    out->observed = cs_kpi_line_slots(&d->observed, cfg, line, slots, n, ik) * scale;
    out->range_lo = out->range_hi = NAN;
    out->outside = 0;
    cs_ci_acc a = {0, 0, 0};
    for (uint32_t i = 0; i < r->n_reps; i++) cs_ci_acc_add(&a, cs_kpi_line_slots(&r->reps[i], cfg, line, slots, n, ik) * scale);
    size_t used = cs_ci_acc_end(&a, 0.95, &out->mean, &out->ci95);
    /* t sd sqrt(1 + 1/n) = ci95 sqrt(n + 1): the range one more replication falls in. */
    if (used >= 2 && isfinite(out->ci95)) {
        double w = out->ci95 * sqrt((double)used + 1.0);
        out->range_lo = out->mean - w;
        out->range_hi = out->mean + w;
        out->outside = isfinite(out->observed) && (out->observed < out->range_lo || out->observed > out->range_hi);
    }
}

cs_status cs_replay_write_observed(FILE *f, const cs_replay_data *d, const cs_results *r, int group, cs_error *err)
{
    const cs_repstats *o = &d->observed;
    const cs_scn *s = r->scn;
    if (group < 1) group = 1;
    size_t *slots = malloc((size_t)group * sizeof *slots);
    if (!slots) return cs_error_set(err, CS_ENOMEM, "out of memory");
    fprintf(f, "line,interval_start,kpi,observed,simulated,ci95\n");
    for (size_t base = 0; base < o->n_slots; base += (size_t)group) {
        size_t n = 0;
        double t = 0;
        for (size_t i = base; i < base + (size_t)group && i < o->n_slots; i++) {
            slots[n++] = i;
            t += o->slot_time[i];
        }
        if (t <= 0) continue;
        char when[32];
        cs_out_week_time(when, sizeof when, (double)base * o->interval);
        for (size_t l = 0; l < s->n_lines; l++)
            for (size_t k = 0; k < CS_REPLAY_N_KPIS; k++) {
                cs_replay_cmp c;
                cs_replay_compare(d, r, l, slots, n, cs_replay_kpis[k], (double)n * o->interval, &c);
                char a[40], b[40], h[40];
                cs_out_number(a, sizeof a, cs_kpi_data_value(c.observed));
                cs_out_number(b, sizeof b, cs_kpi_data_value(c.mean));
                cs_out_number(h, sizeof h, cs_kpi_data_value(c.ci95));
                cs_out_csv_field(f, s->lines[l].name);
                fprintf(f, ",%s,%s,%s,%s,%s\n", when, cs_interval_kpis[cs_replay_kpis[k]].name, a, b, h);
            }
    }
    free(slots);
    if (ferror(f)) return cs_error_set(err, CS_EIO, "write error while writing observed.csv");
    return CS_OK;
}

/* The intervals of the week that fall in hour `hr` of the day and were measured. */
static size_t hour_slots(const cs_repstats *o, size_t hr, size_t *slots, size_t cap)
{
    size_t per_day = (size_t)llround(86400.0 / o->interval), per_hour = (size_t)llround(3600.0 / o->interval);
    size_t n = 0;
    if (per_hour == 0) return 0;
    for (size_t sl = 0; sl < o->n_slots && n < cap; sl++)
        if ((sl % per_day) / per_hour == hr && o->slot_time[sl] > 0) slots[n++] = sl;
    return n;
}

static int pool_lines(const cs_repstats *src, cs_repstats *dst)
{
    if (cs_repstats_init(dst, 1, 0, src->interval, src->measured) != 0) return -1;
    memcpy(dst->slot_time, src->slot_time, src->n_slots * sizeof *dst->slot_time);
    for (size_t l = 0; l < src->n_lines; l++)
        for (size_t s = 0; s < src->n_slots; s++) {
            const double *a = cs_rs_line_slot_c(src, l, s);
            double *b = cs_rs_line_slot(dst, 0, s);
            for (int k = 0; k < CS_IC_N; k++) b[k] += a[k];
        }
    return 0;
}

cs_status cs_replay_all_lines(const cs_replay_data *d, const cs_results *r, cs_replay_all *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    out->d = *d;
    out->r = *r;
    memset(&out->d.observed, 0, sizeof out->d.observed);
    out->reps = calloc(r->n_reps ? r->n_reps : 1, sizeof *out->reps);
    int bad = !out->reps || pool_lines(&d->observed, &out->d.observed) != 0;
    for (uint32_t i = 0; !bad && i < r->n_reps; i++) bad = pool_lines(&r->reps[i], &out->reps[i]) != 0;
    out->r.reps = out->reps;
    if (bad) {
        cs_replay_all_free(out);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    return CS_OK;
}

void cs_replay_all_free(cs_replay_all *a)
{
    if (a->d.observed.line) cs_repstats_fini(&a->d.observed);
    for (uint32_t i = 0; a->reps && i < a->r.n_reps; i++)
        if (a->reps[i].line) cs_repstats_fini(&a->reps[i]);
    free(a->reps);
    memset(a, 0, sizeof *a);
}

static void hour_rows(FILE *f, const cs_replay_data *d, const cs_results *r, size_t l, const char *name, size_t *slots)
{
    const cs_repstats *o = &d->observed;
    for (size_t hr = 0; hr < 24; hr++) {
        size_t n = hour_slots(o, hr, slots, o->n_slots);
        if (n == 0) continue;
        for (size_t k = 0; k < CS_REPLAY_N_KPIS; k++) {
            cs_replay_cmp c;
            cs_replay_compare(d, r, l, slots, n, cs_replay_kpis[k], 3600.0, &c);
            char a[40], b[40], h[40], lo[40], hi[40];
            cs_out_number(a, sizeof a, cs_kpi_data_value(c.observed));
            cs_out_number(b, sizeof b, cs_kpi_data_value(c.mean));
            cs_out_number(h, sizeof h, cs_kpi_data_value(c.ci95));
            cs_out_number(lo, sizeof lo, cs_kpi_data_value(c.range_lo));
            cs_out_number(hi, sizeof hi, cs_kpi_data_value(c.range_hi));
            cs_out_csv_field(f, name);
            fprintf(f, ",%02zu:00,%s,%s,%s,%s,%s,%s,%d\n", hr, cs_interval_kpis[cs_replay_kpis[k]].name, a, b, h, lo, hi,
                    c.outside);
        }
    }
}

cs_status cs_replay_write_hours(FILE *f, const cs_replay_data *d, const cs_results *r, cs_error *err)
{
    const cs_repstats *o = &d->observed;
    const cs_scn *s = r->scn;
    size_t *slots = malloc(o->n_slots * sizeof *slots);
    if (!slots) return cs_error_set(err, CS_ENOMEM, "out of memory");
    fprintf(f, "line,hour,kpi,observed,simulated,ci95,range_lo,range_hi,outside\n");
    for (size_t l = 0; l < s->n_lines; l++) hour_rows(f, d, r, l, s->lines[l].name, slots);
    cs_status st = CS_OK;
    if (s->n_lines > 1) {
        cs_replay_all all;
        st = cs_replay_all_lines(d, r, &all, err);
        if (st == CS_OK) hour_rows(f, &all.d, &all.r, 0, CS_REPLAY_ALL_LINES, slots);
        cs_replay_all_free(&all);
    }
    free(slots);
    if (st == CS_OK && ferror(f)) return cs_error_set(err, CS_EIO, "write error while writing observed_hours.csv");
    return st;
}
