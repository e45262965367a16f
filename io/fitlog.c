/* What `callsim fit` keeps of a call log (see io/fitlog.h). */
#include "io/fitlog.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/staffing_csv.h"
#include "io/timestamp.h"
#include "models/calendar.h"
#include "sim/rng.h"

static int res_add(cs_fitlog_sample *r, gsl_rng *rng, double t, double tod, int ev)
{
    r->seen++;
    if (r->n < CS_FITLOG_SAMPLE_CAP) {
        if (r->n == r->cap) {
            size_t cap = r->cap ? 2 * r->cap : 1024;
            double *nt = realloc(r->t, cap * sizeof *nt);
            if (!nt) return -1;
            r->t = nt;
            double *nd = realloc(r->tod, cap * sizeof *nd);
            if (!nd) return -1;
            r->tod = nd;
            int *ne = realloc(r->ev, cap * sizeof *ne);
            if (!ne) return -1;
            r->ev = ne;
            r->cap = cap;
        }
        r->t[r->n] = t;
        r->tod[r->n] = tod;
        r->ev[r->n] = ev;
        r->n++;
        return 0;
    }
    /* Algorithm R: the new item replaces a random one with probability cap/seen. */
    unsigned long long j = (unsigned long long)(gsl_rng_uniform(rng) * (double)r->seen);
    if (j < CS_FITLOG_SAMPLE_CAP) {
        r->t[j] = t;
        r->tod[j] = tod;
        r->ev[j] = ev;
    }
    return 0;
}

static cs_fitlog_line *line_for(cs_fitlog *c, const char *name, cs_error *err)
{
    for (size_t i = 0; i < c->n_lines; i++)
        if (strcmp(c->lines[i].name, name) == 0) return &c->lines[i];
    if (c->n_lines == CS_FITLOG_MAX_LINES) {
        cs_error_set(err, CS_EINPUT, "the log has more than %d lines; map fewer with --columns line=...",
                     CS_FITLOG_MAX_LINES);
        return NULL;
    }
    cs_fitlog_line *l = &c->lines[c->n_lines];
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

cs_status cs_fitlog_init(cs_fitlog *c, int have_agent, int have_caller, cs_error *err)
{
    memset(c, 0, sizeof *c);
    c->first_local = INFINITY;
    c->last_local = -INFINITY;
    if (!(c->rng = cs_rng_stream(20240601, 0, "fit/reservoir"))) return cs_error_set(err, CS_ENOMEM, "out of memory");
    c->have_agent = have_agent;
    if (have_agent && !(c->staff = cs_staffest_create())) return cs_error_set(err, CS_ENOMEM, "out of memory");
    if (have_caller && !(c->redial = cs_redialest_create())) return cs_error_set(err, CS_ENOMEM, "out of memory");
    return CS_OK;
}

void cs_fitlog_fini(cs_fitlog *c)
{
    for (size_t i = 0; i < c->n_lines; i++) {
        free(c->lines[i].arr);
        free(c->lines[i].handle.t);
        free(c->lines[i].handle.tod);
        free(c->lines[i].wrap.t);
        free(c->lines[i].wrap.tod);
        free(c->lines[i].wrap.ev);
        free(c->lines[i].handle.ev);
        free(c->lines[i].patience.t);
        free(c->lines[i].patience.tod);
        free(c->lines[i].patience.ev);
    }
    gsl_rng_free(c->rng);
    cs_staffest_destroy(c->staff);
    cs_redialest_destroy(c->redial);
    free(c->ov_arr);
    free(c->ov_ans);
    free(c->ov_line);
    free(c->pk_a);
    free(c->pk_b);
    free(c->pk_wline);
    free(c->pk_arr);
    free(c->pk_t);
    free(c->pk_line);
    free(c->pk_talk);
}

/* Appends (x, y, line) to the parallel arrays *xs, *ys (y may be NULL) and *ls. */
static int push3(double **xs, double **ys, int **ls, size_t *n, size_t *cap, double x, double y, int line)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 4096;
        double *nx = realloc(*xs, nc * sizeof *nx);
        if (!nx) return -1;
        *xs = nx;
        if (ys) {
            double *ny = realloc(*ys, nc * sizeof *ny);
            if (!ny) return -1;
            *ys = ny;
        }
        int *nl = realloc(*ls, nc * sizeof *nl);
        if (!nl) return -1;
        *ls = nl;
        *cap = nc;
    }
    (*xs)[*n] = x;
    if (ys) (*ys)[*n] = y;
    (*ls)[*n] = line;
    (*n)++;
    return 0;
}

cs_status cs_fitlog_add(cs_fitlog *c, const cs_log_rec *rec, cs_tz tz, int queued_only, cs_error *err)
{
    if (rec->outcome == CS_LOG_OTHER || (queued_only && rec->queued == 0)) {
        c->ignored++;
        return CS_OK;
    }
    cs_fitlog_line *l = line_for(c, rec->line, err);
    if (!l) return err->code;
    double local = rec->arrival + cs_ts_utc_offset(rec->arrival, tz);
    double tod = local - 86400.0 * floor(local / 86400.0);
    int hour = (int)(tod / 3600);
    if (hour > 23) hour = 23;
    if (local < c->first_local) c->first_local = local;
    if (local > c->last_local) c->last_local = local;
    cs_fit_arrivals_stream_add(l->arr, local - CS_FITLOG_MONDAY_EPOCH);
    l->calls++;
    int oc = CS_FITLOG_OC_ON, failed = -1, mem = 0;
    switch (rec->outcome) {
    case CS_LOG_ANSWERED:
        l->answered++;
        failed = 0;
        if (isfinite(rec->handle) && rec->handle > 0) mem |= res_add(&l->handle, c->rng, rec->handle, tod, 1);
        if (isfinite(rec->wrap) && rec->wrap >= 0) mem |= res_add(&l->wrap, c->rng, rec->wrap, tod, 1);
        if (isfinite(rec->wait) && rec->wait >= 0) mem |= res_add(&l->patience, c->rng, rec->wait, tod, 0);
        break;
    case CS_LOG_ABANDONED:
        l->abandoned++;
        failed = 1;
        if (isfinite(rec->wait) && rec->wait >= 0) mem |= res_add(&l->patience, c->rng, rec->wait, tod, 1);
        break;
    case CS_LOG_ABANDONED_IVR:
        l->ivr_abandoned++;
        oc = CS_FITLOG_OC_IVR_ABANDON;
        failed = 1;
        break;
    case CS_LOG_DEFLECTED:
        l->deflected++;
        oc = CS_FITLOG_OC_DEFLECT;
        break;
    case CS_LOG_CUT_OFF:
        l->cut_off++;
        failed = 1;
        break;
    case CS_LOG_CALLBACK: l->callback++; break;
    default: break;
    }
    l->oc_h[hour][oc] += 1;
    if (failed == 1) l->failed++;
    cs_error e2 = {CS_OK, ""};
    /* Who answered, and when callers waited: the staffing estimate (local seconds). */
    if (c->staff && rec->outcome == CS_LOG_ANSWERED) {
        double at = isfinite(rec->answer) ? rec->answer + cs_ts_utc_offset(rec->answer, tz) : NAN;
        double busy = (isfinite(rec->handle) ? rec->handle : 0) + (isfinite(rec->wrap) && rec->wrap > 0 ? rec->wrap : 0);
        if (rec->agent && isfinite(at)) {
            c->answered_agent++;
            if (cs_staffest_add(c->staff, rec->agent, at, at + busy, &e2) != CS_OK) mem |= e2.code == CS_ENOMEM;
        } else {
            c->answered_no_agent++;
        }
    }
    if (c->staff && isfinite(rec->wait) && rec->wait > 0 &&
        cs_staffest_add_wait(c->staff, local, local + rec->wait, &e2) == CS_ENOMEM)
        mem = 1;
    /* The pick between lines: who waited when, and which line each answer went to. */
    int li = (int)(l - c->lines);
    if ((rec->outcome == CS_LOG_ANSWERED || rec->outcome == CS_LOG_ABANDONED) && isfinite(rec->wait) &&
        rec->wait > 0 && push3(&c->pk_a, &c->pk_b, &c->pk_wline, &c->pk_nw, &c->pk_capw, local, local + rec->wait, li))
        mem = 1;
    if (rec->outcome == CS_LOG_ANSWERED && isfinite(rec->wait) && rec->wait >= 0) {
        if (c->pk_na == c->pk_captalk) {
            size_t nc = c->pk_captalk ? 2 * c->pk_captalk : 4096;
            double *nt = realloc(c->pk_talk, nc * sizeof *nt);
            if (nt) {
                c->pk_talk = nt;
                c->pk_captalk = nc;
            }
        }
        if (c->pk_na < c->pk_captalk &&
            !push3(&c->pk_arr, &c->pk_t, &c->pk_line, &c->pk_na, &c->pk_capa, local, local + rec->wait, li))
            c->pk_talk[c->pk_na - 1] = rec->handle;
        else
            mem = 1;
    }
    if (rec->outcome == CS_LOG_ANSWERED && isfinite(rec->wait) && rec->wait > 0) {
        if (c->ov_n == c->ov_cap) {
            size_t nc = c->ov_cap ? 2 * c->ov_cap : 4096;
            double *na = realloc(c->ov_arr, nc * sizeof *na);
            if (na) c->ov_arr = na;
            double *nb = na ? realloc(c->ov_ans, nc * sizeof *nb) : NULL;
            if (nb) c->ov_ans = nb;
            int *nl = nb ? realloc(c->ov_line, nc * sizeof *nl) : NULL;
            if (nl) c->ov_line = nl;
            if (!nl) mem = 1;
            else c->ov_cap = nc;
        }
        if (c->ov_n < c->ov_cap) {
            c->ov_arr[c->ov_n] = local;
            c->ov_ans[c->ov_n] = local + rec->wait;
            c->ov_line[c->ov_n] = (int)(l - c->lines);
            c->ov_n++;
        }
    }
    if (c->redial && rec->caller && failed >= 0) {
        c->identified++;
        if (cs_redialest_add(c->redial, rec->caller, local, (int)(l - c->lines), failed, &e2) == CS_ENOMEM) mem = 1;
    }
    if (mem) return cs_error_set(err, CS_ENOMEM, "out of memory");
    return CS_OK;
}

cs_status cs_fitlog_staffing_csv(FILE *f, double first_local, double end_local, double *t, int *lv, size_t n,
                                 cs_error *err)
{
    /* The steps are in local seconds (the log's wall clock); the file is on the scenario's
     * clock (t = 0 at local midnight of the log's first day), written by io/staffing_csv, the
     * format `on_duty:` reads.  In the repeated October hour the first reading is taken. */
    cs_clock ck;
    long day0 = (long)floor(first_local / 86400.0);
    int y, m, d;
    cs_ts_civil_from_days(day0, &y, &m, &d);
    cs_status st = cs_clock_init_date(&ck, y, m, d, err);
    double *ct = st == CS_OK && n ? malloc(n * sizeof *ct) : NULL;
    if (st == CS_OK && n && !ct) st = cs_error_set(err, CS_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; st == CS_OK && i < n; i++) {
        long day = (long)floor(t[i] / 86400.0);
        double tt = cs_clock_t_of(&ck, day - day0, t[i] - (double)day * 86400.0, CS_DATE_FOLD_FIRST, NULL);
        /* Rows are whole seconds: steps closer than that merge, the later level holding. */
        tt = floor(tt + 0.5);
        if (k > 0 && tt <= ct[k - 1]) {
            lv[k - 1] = lv[i];
            continue;
        }
        ct[k] = tt;
        lv[k] = lv[i];
        k++;
    }
    long last_day = (long)floor(end_local / 86400.0) - 1;
    double end = cs_clock_t_of(&ck, last_day + 1 - day0, 0, CS_DATE_FOLD_FIRST, NULL);
    /* Before the first session nobody is on duty: a row at the first day's midnight says so. */
    if (st == CS_OK && (k == 0 || ct[0] > 0)) {
        double *nt = malloc((k + 1) * sizeof *nt);
        int *nl = malloc((k + 1) * sizeof *nl);
        if (!nt || !nl) {
            free(nt);
            free(nl);
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
        } else {
            nt[0] = 0;
            nl[0] = 0;
            if (k) memcpy(nt + 1, ct, k * sizeof *nt);
            if (k) memcpy(nl + 1, lv, k * sizeof *nl);
            free(ct);
            ct = nt;
            free(lv);
            lv = nl;
            k++;
        }
    }
    /* Calls talking past the last midnight are beyond the run: their steps are left out. */
    while (k > 0 && ct[k - 1] >= end) k--;
    if (st == CS_OK) st = cs_staffcsv_write(f, &ck, ct, lv, k, end, err);
    free(ct);
    free(t);
    free(lv);
    if (st == CS_OK && ferror(f)) return cs_error_set(err, CS_EIO, "cannot write the staffing file: %s", strerror(errno));
    return st;
}
