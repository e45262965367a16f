#include "io/replay.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/timestamp.h"

static int cmp_arrival(const void *a, const void *b)
{
    const cs_arrival *x = a, *y = b;
    /* A total order on content, so equal arrival times sort the same on every platform. */
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->handle != y->handle) return x->handle < y->handle ? -1 : 1;
    if (x->patience != y->patience) return x->patience < y->patience ? -1 : 1;
    if (x->patience_min != y->patience_min) return x->patience_min < y->patience_min ? -1 : 1;
    return 0;
}

void cs_replay_free(cs_replay_data *d)
{
    free(d->arr);
    if (d->observed.line) cs_repstats_fini(&d->observed);
    memset(d, 0, sizeof *d);
}

typedef struct row {
    double local;     /* epoch + offset */
    int line;
    cs_log_outcome outcome;
    double wait, handle;
    int queued;
} row;

static void observe(cs_replay_data *d, const cs_scn *scn, const row *r, double t)
{
    cs_repstats *o = &d->observed;
    double w = CS_WEEK * floor(t / CS_WEEK);
    size_t slot = (size_t)((t - w) / o->interval);
    if (slot >= o->n_slots) slot = o->n_slots - 1;
    double *lc = cs_rs_line(o, (size_t)r->line), *sc = cs_rs_line_slot(o, (size_t)r->line, slot);
    lc[CS_LC_OFFERED] += 1;
    lc[CS_LC_CALLERS] += 1;
    sc[CS_IC_OFFERED] += 1;
    double wait = isfinite(r->wait) ? r->wait : 0;
    switch (r->outcome) {
    case CS_LOG_ANSWERED:
        lc[CS_LC_ANSWERED] += 1;
        lc[CS_LC_WAIT_SUM_ANSWERED] += wait;
        lc[CS_LC_WAIT_SUM_ALL] += wait;
        if (wait > lc[CS_LC_WAIT_MAX]) lc[CS_LC_WAIT_MAX] = wait;
        sc[CS_IC_ANSWERED] += 1;
        sc[CS_IC_WAIT_SUM_ANSWERED] += wait;
        if (wait <= scn->lines[r->line].target_within) {
            lc[CS_LC_ANSWERED_WITHIN] += 1;
            sc[CS_IC_ANSWERED_WITHIN] += 1;
        }
        cs_hist_add(&o->wait[r->line], wait);
        cs_tally_add(&o->wait_tally[r->line], wait);
        if (isfinite(r->handle)) cs_tally_add(&o->talk_tally[r->line], r->handle);
        break;
    case CS_LOG_ABANDONED:
        lc[CS_LC_ABANDONED_QUEUE] += 1;
        lc[CS_LC_WAIT_SUM_ALL] += wait;
        sc[CS_IC_ABANDONED] += 1;
        break;
    case CS_LOG_ABANDONED_IVR:
        lc[CS_LC_ABANDONED_IVR] += 1;
        sc[CS_IC_ABANDONED] += 1;
        break;
    case CS_LOG_CUT_OFF:
        lc[CS_LC_CUT_OFF] += 1;
        sc[CS_IC_CUT_OFF] += 1;
        break;
    case CS_LOG_DEFLECTED: lc[CS_LC_DEFLECTED] += 1; break;
    case CS_LOG_CALLBACK: lc[CS_LC_CALLBACK] += 1; break;
    default: lc[CS_LC_UNFINISHED] += 1; break;
    }
    if (wait > 0) lc[CS_LC_QUEUED] += 1;
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
        rows[n++] = (row){local, line, rec.outcome, rec.wait, rec.handle, rec.queued};
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

    /* t = 0 at Monday 00:00 local of the first call's week. */
    long day0 = (long)floor(first / 86400.0);
    long weekday = ((day0 % 7) + 7 + 3) % 7;   /* 1970-01-01 was a Thursday (Monday = 0) */
    out->t0_local = (double)(day0 - weekday) * 86400.0;
    long dlast = (long)floor(last / 86400.0);
    out->span = (double)(dlast + 1) * 86400.0 - out->t0_local;
    int y, m, d;
    cs_ts_civil_from_days(day0, &y, &m, &d);
    snprintf(out->first_day, sizeof out->first_day, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    cs_ts_civil_from_days(dlast, &y, &m, &d);
    snprintf(out->last_day, sizeof out->last_day, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    out->has_outcomes = any_outcome;

    out->arr = malloc(n * sizeof *out->arr);
    if (!out->arr || cs_repstats_init(&out->observed, scn->n_lines, 0, scn->interval, out->span) != 0) {
        free(rows);
        cs_replay_free(out);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    /* Measured time per interval of the week over the span (for per-interval rates). */
    cs_repstats *o = &out->observed;
    for (double t = 0; t < out->span; t += o->interval) {
        double w = CS_WEEK * floor(t / CS_WEEK);
        size_t s = (size_t)((t - w) / o->interval);
        if (s < o->n_slots) o->slot_time[s] += o->interval;
    }
    for (size_t i = 0; i < n; i++) {
        const row *r = &rows[i];
        double t = r->local - out->t0_local;
        cs_arrival a = {t, r->line, -1, -1, 0};
        if (ro->use_handle && r->outcome == CS_LOG_ANSWERED && isfinite(r->handle) && r->handle >= 0)
            a.handle = r->handle;
        if (ro->use_patience && isfinite(r->wait)) {
            if (r->outcome == CS_LOG_ABANDONED) a.patience = r->wait;
            else if (r->outcome == CS_LOG_ANSWERED) a.patience_min = r->wait;
        }
        out->arr[i] = a;
        if (any_outcome) observe(out, scn, r, t);
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
