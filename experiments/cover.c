/* The shift-cover problem: building it, rosters and their figures, messages naming intervals,
 * and the solve front end (see cover.h for the model and the contract; the integer program
 * itself is in cover_glpk.c).
 *
 * Data: patterns are stored sparse (the intervals they cover and the coverage there), because a
 * shift covers a few dozen of the hundreds or thousands of intervals of a grid.  Requirements
 * are dense per pool.  The GLPK problem is built afresh by every solve from these arrays, so a
 * problem can be solved concurrently and re-solved with other options.
 *
 * Infeasibility: budget modes are feasible whenever the minimum heads fit the budget and the
 * pool caps (the shortfall columns absorb the rest).  Min-cost mode is checked cell by cell
 * before solving, so the message can name the intervals and the reason; if GLPK still finds it
 * infeasible (a pool cap), a weighted solve with unit weights and no budget shows which
 * intervals the cap leaves short. */
#include "experiments/cover_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WEEK (7.0 * 86400.0)
#define DAY 86400.0

typedef csi_cover_pool pool;
typedef csi_cover_pattern pattern;
typedef csi_cover_job job;

double csi_cover_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- building ------------------------------------------------------------------------- */

static void copy_name(char *dst, const char *src, const char *fallback)
{
    snprintf(dst, CS_COVER_NAME_MAX, "%s", src && *src ? src : fallback);
}

cs_status cs_cover_create(const cs_cover_interval *grid, size_t n, cs_cover **out, cs_error *err)
{
    CS_REQUIRE(out != NULL);
    *out = NULL;
    if (n == 0 || !grid)
        return cs_error_set(err, CS_EDOM, "the interval grid is empty; give at least one interval");
    for (size_t i = 0; i < n; i++) {
        const double s = grid[i].start, e = grid[i].end;
        if (!isfinite(s) || !isfinite(e) || !(e > s))
            return cs_error_set(err, CS_EDOM,
                                "interval %zu of the grid is [%g, %g) s: it must have a finite "
                                "start before its end",
                                i, s, e);
        if (i > 0 && s < grid[i - 1].end)
            return cs_error_set(err, CS_EDOM,
                                "interval %zu of the grid starts at %g s, before interval %zu ends "
                                "(%g s): intervals must be sorted and must not overlap",
                                i, s, i - 1, grid[i - 1].end);
    }
    cs_cover *c = calloc(1, sizeof *c);
    if (!c || !(c->grid = malloc(n * sizeof *c->grid))) {
        free(c);
        return cs_error_set(err, CS_ENOMEM, "out of memory for a cover grid of %zu intervals", n);
    }
    memcpy(c->grid, grid, n * sizeof *grid);
    c->n = n;
    *out = c;
    return CS_OK;
}

void cs_cover_destroy(cs_cover *c)
{
    if (!c)
        return;
    for (int p = 0; p < c->n_pools; p++)
        free(c->pools[p].req);
    for (int j = 0; j < c->n_pats; j++) {
        free(c->pats[j].idx);
        free(c->pats[j].cov);
    }
    free(c->pools);
    free(c->pats);
    free(c->grid);
    free(c);
}

cs_status cs_cover_add_pool(cs_cover *c, const char *name, double shrinkage,
                            double cost_per_hour, int max_heads, int *pool_out, cs_error *err)
{
    CS_REQUIRE(c != NULL);
    if (!(shrinkage >= 0.0 && shrinkage < 1.0))
        return cs_error_set(err, CS_EDOM,
                            "pool '%s': shrinkage must be a share in [0, 1) (e.g. 0.3 for 30%%), "
                            "got %g",
                            name ? name : "", shrinkage);
    if (!(isfinite(cost_per_hour) && cost_per_hour >= 0.0))
        return cs_error_set(err, CS_EDOM,
                            "pool '%s': cost per paid hour must be a finite number >= 0, got %g",
                            name ? name : "", cost_per_hour);
    if (c->n_pools == c->cap_pools) {
        int cap = c->cap_pools ? 2 * c->cap_pools : 4;
        pool *np = realloc(c->pools, (size_t)cap * sizeof *np);
        if (!np)
            return cs_error_set(err, CS_ENOMEM, "out of memory adding a pool");
        c->pools = np;
        c->cap_pools = cap;
    }
    pool *P = &c->pools[c->n_pools];
    memset(P, 0, sizeof *P);
    if (!(P->req = calloc(c->n, sizeof *P->req)))
        return cs_error_set(err, CS_ENOMEM, "out of memory adding a pool");
    char fallback[32];
    snprintf(fallback, sizeof fallback, "pool %d", c->n_pools + 1);
    copy_name(P->name, name, fallback);
    P->shrink = shrinkage;
    P->cost_per_hour = cost_per_hour;
    P->max_heads = max_heads < 0 ? -1 : max_heads;
    if (pool_out)
        *pool_out = c->n_pools;
    c->n_pools++;
    return CS_OK;
}

cs_status cs_cover_set_required(cs_cover *c, int pool_ix, const double *required, cs_error *err)
{
    CS_REQUIRE(c != NULL && required != NULL);
    if (pool_ix < 0 || pool_ix >= c->n_pools)
        return cs_error_set(err, CS_EDOM, "no pool %d (the problem has %d)", pool_ix, c->n_pools);
    for (size_t i = 0; i < c->n; i++)
        if (!(isfinite(required[i]) && required[i] >= 0.0)) {
            char t[40];
            return cs_error_set(err, CS_EDOM,
                                "pool '%s': the requirement at %s (interval %zu) must be a finite "
                                "number >= 0 of handlers on duty, got %g",
                                c->pools[pool_ix].name,
                                cs_cover_format_time(c->grid[i].start, t, sizeof t), i,
                                required[i]);
        }
    memcpy(c->pools[pool_ix].req, required, c->n * sizeof *required);
    return CS_OK;
}

static cs_status check_pattern(const cs_cover *c, const cs_cover_pattern *p, cs_error *err)
{
    const char *nm = p->name ? p->name : "";
    if (p->pool < 0 || p->pool >= c->n_pools)
        return cs_error_set(err, CS_EDOM, "pattern '%s' names pool %d, but the problem has %d",
                            nm, p->pool, c->n_pools);
    if (!(isfinite(p->paid_hours) && p->paid_hours >= 0.0))
        return cs_error_set(err, CS_EDOM,
                            "pattern '%s': paid hours must be a finite number >= 0, got %g", nm,
                            p->paid_hours);
    if (!isfinite(p->cost))
        return cs_error_set(err, CS_EDOM, "pattern '%s': cost must be finite, got %g", nm,
                            p->cost);
    if (p->min_heads < 0 || (p->max_heads >= 0 && p->max_heads < p->min_heads))
        return cs_error_set(err, CS_EDOM,
                            "pattern '%s': head counts must satisfy 0 <= minimum <= maximum, got "
                            "minimum %d, maximum %d",
                            nm, p->min_heads, p->max_heads);
    return CS_OK;
}

/* Takes a dense coverage vector (validated by the caller) and appends the pattern. */
static cs_status push_pattern(cs_cover *c, const cs_cover_pattern *p, const double *cov,
                              int *index_out, cs_error *err)
{
    if (c->n_pats == c->cap_pats) {
        int cap = c->cap_pats ? 2 * c->cap_pats : 16;
        pattern *np = realloc(c->pats, (size_t)cap * sizeof *np);
        if (!np)
            return cs_error_set(err, CS_ENOMEM, "out of memory adding a pattern");
        c->pats = np;
        c->cap_pats = cap;
    }
    size_t nnz = 0;
    for (size_t i = 0; i < c->n; i++)
        nnz += cov[i] > 0.0;
    pattern *P = &c->pats[c->n_pats];
    memset(P, 0, sizeof *P);
    if (nnz > 0 && (!(P->idx = malloc(nnz * sizeof *P->idx)) ||
                    !(P->cov = malloc(nnz * sizeof *P->cov)))) {
        free(P->idx);
        return cs_error_set(err, CS_ENOMEM, "out of memory adding a pattern");
    }
    for (size_t i = 0, k = 0; i < c->n; i++)
        if (cov[i] > 0.0) {
            P->idx[k] = i;
            P->cov[k] = cov[i];
            k++;
        }
    P->nnz = nnz;
    char fallback[32];
    snprintf(fallback, sizeof fallback, "pattern %d", c->n_pats + 1);
    copy_name(P->name, p->name, fallback);
    P->pool = p->pool;
    P->paid_hours = p->paid_hours;
    P->cost = p->cost >= 0.0 ? p->cost : p->paid_hours * c->pools[p->pool].cost_per_hour;
    P->lo = p->min_heads;
    P->hi = p->max_heads < 0 ? -1 : p->max_heads;
    P->people = p->people_per_head > 0 ? p->people_per_head : 1;
    if (p->shape)
        P->shape = *p->shape;
    else
        P->shape.kind = CS_COVER_CUSTOM;
    if (index_out)
        *index_out = c->n_pats;
    c->n_pats++;
    return CS_OK;
}

cs_status cs_cover_add_pattern(cs_cover *c, const cs_cover_pattern *p, const double *coverage,
                               int *index_out, cs_error *err)
{
    CS_REQUIRE(c != NULL && p != NULL && coverage != NULL);
    cs_status st = check_pattern(c, p, err);
    if (st != CS_OK)
        return st;
    const double most = p->people_per_head > 0 ? p->people_per_head : 1;
    for (size_t i = 0; i < c->n; i++)
        if (!(coverage[i] >= 0.0 && coverage[i] <= most))
            return cs_error_set(err, CS_EDOM,
                                "pattern '%s': coverage of interval %zu must be in [0, %g] (the "
                                "share of the interval worked, times the people per head), got "
                                "%g",
                                p->name ? p->name : "", i, most, coverage[i]);
    return push_pattern(c, p, coverage, index_out, err);
}

/* First interval whose end is after t (n if none). */
static size_t first_ending_after(const cs_cover *c, double t)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->grid[mid].end > t)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

cs_status cs_cover_add_spans(cs_cover *c, const cs_cover_pattern *p, const cs_cover_span *spans,
                             size_t n_spans, int *index_out, cs_error *err)
{
    CS_REQUIRE(c != NULL && p != NULL && (spans != NULL || n_spans == 0));
    cs_status st = check_pattern(c, p, err);
    if (st != CS_OK)
        return st;
    double *cov = calloc(c->n, sizeof *cov);
    if (!cov)
        return cs_error_set(err, CS_ENOMEM, "out of memory adding a pattern");
    for (size_t k = 0; k < n_spans; k++) {
        const cs_cover_span *s = &spans[k];
        if (!isfinite(s->start) || !isfinite(s->end) || !(s->end > s->start) ||
            !(s->fraction >= 0.0 && s->fraction <= 1.0)) {
            free(cov);
            return cs_error_set(err, CS_EDOM,
                                "pattern '%s': span %zu is [%g, %g) s at fraction %g; a span "
                                "needs a finite start before its end and a fraction in [0, 1]",
                                p->name ? p->name : "", k, s->start, s->end, s->fraction);
        }
        for (size_t i = first_ending_after(c, s->start); i < c->n && c->grid[i].start < s->end;
             i++) {
            const double a = fmax(s->start, c->grid[i].start), b = fmin(s->end, c->grid[i].end);
            if (b > a)
                cov[i] += s->fraction * (b - a) / (c->grid[i].end - c->grid[i].start);
        }
    }
    const double most = p->people_per_head > 0 ? p->people_per_head : 1;
    for (size_t i = 0; i < c->n; i++) {
        if (cov[i] > most + 1e-9) {
            char t[40];
            double v = cov[i];
            free(cov);
            return cs_error_set(err, CS_EDOM,
                                "pattern '%s': its spans overlap at %s, giving a head %.3g of "
                                "the interval; spans of one pattern must not overlap",
                                p->name ? p->name : "",
                                cs_cover_format_time(c->grid[i].start, t, sizeof t), v);
        }
        /* Rounding in the sum of adjacent spans only. */
        cov[i] = fmin(cov[i], most);
        if (cov[i] < 1e-12)
            cov[i] = 0.0;
    }
    st = push_pattern(c, p, cov, index_out, err);
    free(cov);
    return st;
}

/* ---- inspecting ----------------------------------------------------------------------- */

size_t cs_cover_n_intervals(const cs_cover *c) { return c->n; }
const cs_cover_interval *cs_cover_grid(const cs_cover *c) { return c->grid; }
int cs_cover_n_pools(const cs_cover *c) { return c->n_pools; }
int cs_cover_n_patterns(const cs_cover *c) { return c->n_pats; }

const char *cs_cover_pool_name(const cs_cover *c, int p)
{
    CS_REQUIRE(p >= 0 && p < c->n_pools);
    return c->pools[p].name;
}

void cs_cover_pattern_get(const cs_cover *c, int j, cs_cover_pattern_info *out)
{
    CS_REQUIRE(j >= 0 && j < c->n_pats && out != NULL);
    const pattern *P = &c->pats[j];
    out->name = P->name;
    out->pool = P->pool;
    out->paid_hours = P->paid_hours;
    out->cost = P->cost;
    out->min_heads = P->lo;
    out->max_heads = P->hi;
    out->people_per_head = P->people;
    out->shape = P->shape;
}

double cs_cover_coverage(const cs_cover *c, int j, size_t i)
{
    CS_REQUIRE(j >= 0 && j < c->n_pats && i < c->n);
    const pattern *P = &c->pats[j];
    size_t lo = 0, hi = P->nnz;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (P->idx[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < P->nnz && P->idx[lo] == i ? P->cov[lo] : 0.0;
}

/* Splits t into weekday, "HH:MM[:SS]" and week number (1 = the week starting at t = 0). */
static void time_parts(double t, int *day, char *hm, size_t hm_size, double *week)
{
    /* Round to the second first, so 08:59:59.9999 prints as 09:00 on the right day. */
    const double ts = floor(t + 0.5);
    const double w = floor(ts / WEEK);
    const double in_week = ts - w * WEEK;
    const int d = (int)(in_week / DAY);
    const long sec = (long)(in_week - d * DAY);
    const int hh = (int)(sec / 3600), mm = (int)(sec % 3600 / 60), ss = (int)(sec % 60);
    if (ss)
        snprintf(hm, hm_size, "%02d:%02d:%02d", hh, mm, ss);
    else
        snprintf(hm, hm_size, "%02d:%02d", hh, mm);
    *day = d;
    *week = w + 1.0;
}

static const char *const weekday_name[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

char *cs_cover_format_time(double t, char *buf, size_t size)
{
    int d;
    double wk;
    char hm[16];
    time_parts(t, &d, hm, sizeof hm, &wk);
    if (wk == 1.0)
        snprintf(buf, size, "%s %s", weekday_name[d], hm);
    else
        snprintf(buf, size, "%s %s wk %.0f", weekday_name[d], hm, wk);
    return buf;
}

/* "Mon 08:00-10:00" (same day), else "Sun 22:00-Mon 06:00 wk 2" in full. */
static void format_range(double a, double b, char *buf, size_t size)
{
    int da, db;
    double wa, wb;
    char ha[16], hb[16];
    time_parts(a, &da, ha, sizeof ha, &wa);
    time_parts(b, &db, hb, sizeof hb, &wb);
    char wk[24] = "";
    if (da == db && wa == wb) {
        if (wa != 1.0)
            snprintf(wk, sizeof wk, " wk %.0f", wa);
        snprintf(buf, size, "%s %s-%s%s", weekday_name[da], ha, hb, wk);
    } else {
        char fa[40], fb[40];
        snprintf(buf, size, "%s-%s", cs_cover_format_time(a, fa, sizeof fa),
                 cs_cover_format_time(b, fb, sizeof fb));
    }
}

/* Appends runs of flagged cells of one pool ("Mon 08:00-10:00, Tue 03:00-03:15") to buf,
 * at most max_runs runs, then "and N more intervals".  Returns the number of flagged cells. */
static size_t describe_runs(const cs_cover *c, const unsigned char *flag, char *buf, size_t size,
                            int max_runs)
{
    size_t used = strlen(buf), count = 0, left = 0;
    int runs = 0;
    for (size_t i = 0; i < c->n;) {
        if (!flag[i]) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < c->n && flag[j + 1] && c->grid[j + 1].start == c->grid[j].end)
            j++;
        count += j - i + 1;
        if (runs < max_runs) {
            char range[96];
            format_range(c->grid[i].start, c->grid[j].end, range, sizeof range);
            if (used < size) {
                int w = snprintf(buf + used, size - used, "%s%s", runs ? ", " : "", range);
                if (w > 0)
                    used += (size_t)w;
            }
            runs++;
        } else {
            left += j - i + 1;
        }
        i = j + 1;
    }
    if (left > 0 && used < size)
        snprintf(buf + used, size - used, " and %zu more interval%s", left, left == 1 ? "" : "s");
    return count;
}

/* ---- solutions ------------------------------------------------------------------------ */

void cs_cover_opts_default(cs_cover_opts *o)
{
    CS_REQUIRE(o != NULL);
    memset(o, 0, sizeof *o);
    o->mode = CS_COVER_MIN_COST;
    o->budget = NAN;
    o->unit = CS_COVER_MONEY;
    o->n_steps = 1;
}

void cs_cover_solution_free(cs_cover_solution *s)
{
    if (!s)
        return;
    free(s->heads);
    free(s->on_duty);
    free(s->shortfall);
    s->heads = NULL;
    s->on_duty = s->shortfall = NULL;
    s->n_patterns = s->n_cells = 0;
}

static cs_status solution_size(const cs_cover *c, cs_cover_solution *s, cs_error *err)
{
    const size_t np = (size_t)c->n_pats, nc = (size_t)c->n_pools * c->n;
    if (s->n_patterns != np || !s->heads) {
        int *h = realloc(s->heads, (np ? np : 1) * sizeof *h);
        if (!h)
            return cs_error_set(err, CS_ENOMEM, "out of memory for a roster");
        s->heads = h;
        s->n_patterns = np;
    }
    if (s->n_cells != nc || !s->on_duty || !s->shortfall) {
        double *a = realloc(s->on_duty, (nc ? nc : 1) * sizeof *a);
        if (a)
            s->on_duty = a;
        double *b = realloc(s->shortfall, (nc ? nc : 1) * sizeof *b);
        if (b)
            s->shortfall = b;
        if (!a || !b)
            return cs_error_set(err, CS_ENOMEM, "out of memory for a roster");
        s->n_cells = nc;
    }
    return CS_OK;
}

double csi_cover_step_penalty(const double *w, int k_steps, double sh)
{
    double v = 0.0;
    for (int k = 0; k < k_steps && sh > 0.0; k++) {
        const double take = k == k_steps - 1 ? sh : fmin(sh, 1.0);
        v += w[k] * take;
        sh -= take;
    }
    return v;
}

/* Fills every roster figure of s from s->heads. */
static void roster_figures(const cs_cover *c, const cs_cover_opts *o, cs_cover_solution *s)
{
    const size_t N = c->n;
    for (size_t k = 0; k < (size_t)c->n_pools * N; k++)
        s->on_duty[k] = 0.0;
    s->cost = s->paid_hours = 0.0;
    for (int j = 0; j < c->n_pats; j++) {
        const pattern *P = &c->pats[j];
        const double h = (double)s->heads[j];
        s->cost += P->cost * h;
        s->paid_hours += P->paid_hours * h;
        if (h == 0.0)
            continue;
        const double f = (1.0 - c->pools[P->pool].shrink) * h;
        double *od = s->on_duty + (size_t)P->pool * N;
        for (size_t k = 0; k < P->nnz; k++)
            od[P->idx[k]] += f * P->cov[k];
    }
    s->worst_short = s->total_short = s->weighted_short = 0.0;
    const int use_w = o && o->weights && o->n_steps >= 1;
    for (int p = 0; p < c->n_pools; p++)
        for (size_t i = 0; i < N; i++) {
            const size_t k = (size_t)p * N + i;
            const double r = c->pools[p].req[i];
            double sh = r - s->on_duty[k];
            /* Within the solver's tolerance counts as covered, so a roster GLPK calls feasible
             * is reported with no shortfall rather than 1e-9 of one. */
            if (sh <= CSI_COVER_EPS * fmax(1.0, r))
                sh = 0.0;
            s->shortfall[k] = sh;
            s->total_short += sh;
            if (r > 0.0 && sh / r > s->worst_short)
                s->worst_short = sh / r;
            if (use_w)
                s->weighted_short += csi_cover_step_penalty(o->weights + k * (size_t)o->n_steps,
                                                  o->n_steps, sh);
        }
}

cs_status cs_cover_evaluate(const cs_cover *c, const int *heads, const cs_cover_opts *opts,
                            cs_cover_solution *sol, cs_error *err)
{
    CS_REQUIRE(c != NULL && heads != NULL && sol != NULL);
    cs_status st = solution_size(c, sol, err);
    if (st != CS_OK)
        return st;
    for (int j = 0; j < c->n_pats; j++) {
        if (heads[j] < 0)
            return cs_error_set(err, CS_EDOM, "pattern '%s': %d heads; head counts are >= 0",
                                c->pats[j].name, heads[j]);
        sol->heads[j] = heads[j];
    }
    roster_figures(c, opts, sol);
    sol->result = CS_COVER_FEASIBLE;
    sol->objective = !opts || opts->mode == CS_COVER_MIN_COST ? sol->cost
                     : opts->mode == CS_COVER_MIN_WORST       ? sol->worst_short
                                                              : sol->weighted_short;
    sol->lp_bound = sol->best_bound = sol->gap = sol->proven_gap = NAN;
    sol->glpk_ret = 0;
    sol->glpk_status = 0;
    sol->glpk_text = "not solved (evaluated)";
    sol->seconds = sol->cpu_seconds = 0.0;
    sol->rows = sol->cols = sol->nonzeros = 0;
    return CS_OK;
}

/* ---- solving --------------------------------------------------------------------------- */

static cs_status check_opts(const cs_cover *c, const cs_cover_opts *o, cs_error *err)
{
    if (o->mode != CS_COVER_MIN_COST && o->mode != CS_COVER_MIN_WORST &&
        o->mode != CS_COVER_MIN_WEIGHTED)
        return cs_error_set(err, CS_EDOM, "unknown cover mode %d", (int)o->mode);
    if (o->mode != CS_COVER_MIN_COST && !(isfinite(o->budget) && o->budget >= 0.0))
        return cs_error_set(err, CS_EDOM,
                            "a budget mode needs a budget: a finite amount >= 0 of %s, got %g",
                            o->unit == CS_COVER_HOURS ? "paid hours" : "money", o->budget);
    if (!(o->time_limit >= 0.0) || !(o->mip_gap >= 0.0) || !isfinite(o->mip_gap))
        return cs_error_set(err, CS_EDOM,
                            "time limit (seconds) and gap tolerance (a fraction) must be >= 0, "
                            "got %g and %g",
                            o->time_limit, o->mip_gap);
    if (o->mode == CS_COVER_MIN_WEIGHTED) {
        if (!o->weights || o->n_steps < 1)
            return cs_error_set(err, CS_EDOM,
                                "weighted shortfall mode needs weights (pools x intervals x "
                                "steps, steps >= 1)");
        const size_t K = (size_t)o->n_steps;
        for (size_t cell = 0; cell < (size_t)c->n_pools * c->n; cell++)
            for (size_t t = 0; t < K; t++) {
                const double w = o->weights[cell * K + t];
                const double prev = t ? o->weights[cell * K + t - 1] : 0.0;
                if (!(isfinite(w) && w >= prev)) {
                    char tm[40];
                    return cs_error_set(
                        err, CS_EDOM,
                        "pool '%s' at %s: shortfall weight %zu is %g; weights must be finite, "
                        ">= 0 and must not decrease from one handler short to the next",
                        c->pools[cell / c->n].name,
                        cs_cover_format_time(c->grid[cell % c->n].start, tm, sizeof tm), t + 1,
                        w);
                }
            }
    }
    return CS_OK;
}

/* Cell-by-cell feasibility of min-cost mode and the head-count limits of any mode. */
static cs_status precheck(const cs_cover *c, const cs_cover_opts *o, cs_error *err)
{
    const size_t N = c->n;
    double min_budget = 0.0;
    for (int j = 0; j < c->n_pats; j++)
        min_budget += c->pats[j].lo * (o->unit == CS_COVER_HOURS ? c->pats[j].paid_hours
                                                                 : c->pats[j].cost);
    for (int p = 0; p < c->n_pools; p++) {
        long lo = 0;
        for (int j = 0; j < c->n_pats; j++)
            if (c->pats[j].pool == p)
                lo += c->pats[j].lo;
        if (c->pools[p].max_heads >= 0 && lo > c->pools[p].max_heads)
            return cs_error_set(err, CS_EINPUT,
                                "pool '%s': the minimum head counts of its patterns add up to "
                                "%ld, above the pool's cap of %d heads",
                                c->pools[p].name, lo, c->pools[p].max_heads);
    }
    if (o->mode != CS_COVER_MIN_COST) {
        if (min_budget > o->budget * (1.0 + 1e-12) + 1e-9)
            return cs_error_set(err, CS_EINPUT,
                                "the patterns' minimum head counts alone take %.6g %s, above the "
                                "budget of %.6g; lower the minimums or raise the budget",
                                min_budget, o->unit == CS_COVER_HOURS ? "paid hours" : "in cost",
                                o->budget);
        return CS_OK;
    }
    unsigned char *none = calloc(N, 1), *few = calloc(N, 1);
    double *most = calloc(N, sizeof *most);
    if (!none || !few || !most) {
        free(none), free(few), free(most);
        return cs_error_set(err, CS_ENOMEM, "out of memory checking the cover");
    }
    cs_status st = CS_OK;
    for (int p = 0; p < c->n_pools && st == CS_OK; p++) {
        for (size_t i = 0; i < N; i++)
            most[i] = 0.0;
        for (int j = 0; j < c->n_pats; j++) {
            const pattern *Q = &c->pats[j];
            if (Q->pool != p)
                continue;
            const double h = Q->hi < 0 ? HUGE_VAL : (double)Q->hi;
            for (size_t q = 0; q < Q->nnz; q++)
                most[Q->idx[q]] += h * Q->cov[q];
        }
        size_t n_none = 0, n_few = 0, first_few = 0;
        const double keep = 1.0 - c->pools[p].shrink;
        for (size_t i = 0; i < N; i++) {
            const double r = c->pools[p].req[i];
            none[i] = few[i] = 0;
            if (!(r > 0.0))
                continue;
            if (most[i] == 0.0) {
                none[i] = 1;
                n_none++;
            } else if (keep * most[i] < r * (1.0 - 1e-9) - 1e-9) {
                if (!n_few)
                    first_few = i;
                few[i] = 1;
                n_few++;
            }
        }
        if (!n_none && !n_few)
            continue;
        char buf[sizeof err->msg];
        int w = snprintf(buf, sizeof buf, "pool '%s' cannot be covered:", c->pools[p].name);
        if (n_none) {
            snprintf(buf + w, sizeof buf - (size_t)w, " no allowed shift pattern works in ");
            describe_runs(c, none, buf, sizeof buf, 6);
        }
        if (n_few) {
            char t[40];
            size_t u = strlen(buf);
            snprintf(buf + u, sizeof buf - u,
                     "%s with every pattern at its maximum head count, at most %.4g handlers are "
                     "on duty at %s where %.4g are needed; short in ",
                     n_none ? ";" : "", keep * most[first_few],
                     cs_cover_format_time(c->grid[first_few].start, t, sizeof t),
                     c->pools[p].req[first_few]);
            describe_runs(c, few, buf, sizeof buf, 6);
        }
        size_t u = strlen(buf);
        snprintf(buf + u, sizeof buf - u,
                 ". Allow more patterns or larger maximum head counts there, or lower the "
                 "requirement");
        st = cs_error_set(err, CS_EINPUT, "%s", buf);
    }
    free(none), free(few), free(most);
    return st;
}

/* After GLPK found min-cost mode infeasible although every cell can be covered on its own: a
 * pool cap (or a mix of caps and maximum heads) is the reason.  Minimise the total shortfall
 * within the limits and name where it falls. */
static cs_status explain_infeasible(const cs_cover *c, const cs_cover_opts *o, cs_error *err)
{
    const size_t cells = (size_t)c->n_pools * c->n;
    double *ones = malloc((cells ? cells : 1) * sizeof *ones);
    unsigned char *flag = calloc(c->n, 1);
    cs_cover_solution s = {0};
    cs_status st = CS_OK;
    if (!ones || !flag || solution_size(c, &s, err) != CS_OK) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory explaining an infeasible cover");
        goto done;
    }
    for (size_t q = 0; q < cells; q++)
        ones[q] = 1.0;
    cs_cover_opts eo = *o;
    eo.mode = CS_COVER_MIN_WEIGHTED;
    eo.weights = ones;
    eo.n_steps = 1;
    job k = {.c = c, .o = &eo, .no_budget = 1, .w = ones, .k_steps = 1, .sol = &s, .err = err};
    if ((st = csi_cover_run(&k)) != CS_OK)
        goto done;
    char buf[sizeof err->msg];
    buf[0] = '\0';
    if (s.result == CS_COVER_OPTIMAL || s.result == CS_COVER_FEASIBLE) {
        roster_figures(c, &eo, &s);
        for (int p = 0; p < c->n_pools; p++) {
            int any = 0;
            for (size_t i = 0; i < c->n; i++)
                any |= (flag[i] = s.shortfall[(size_t)p * c->n + i] > 0.0);
            if (!any)
                continue;
            size_t u = strlen(buf);
            snprintf(buf + u, sizeof buf - u, "%spool '%s'", u ? "; " : "", c->pools[p].name);
            if (c->pools[p].max_heads >= 0) {
                u = strlen(buf);
                snprintf(buf + u, sizeof buf - u, " (cap %d heads)", c->pools[p].max_heads);
            }
            u = strlen(buf);
            snprintf(buf + u, sizeof buf - u, ": the best roster within the limits is still "
                                              "short in ");
            describe_runs(c, flag, buf, sizeof buf, 6);
        }
    }
    st = cs_error_set(err, CS_EINPUT,
                      "no roster covers every interval within the head-count limits%s%s; raise "
                      "the pool cap or the patterns' maximum heads, or use a budget mode",
                      buf[0] ? ": " : "", buf);
done:
    cs_cover_solution_free(&s);
    free(ones);
    free(flag);
    return st;
}

cs_status cs_cover_solve(const cs_cover *c, const cs_cover_opts *opts, cs_cover_solution *sol,
                         cs_error *err)
{
    CS_REQUIRE(c != NULL && sol != NULL);
    cs_cover_opts def;
    if (!opts) {
        cs_cover_opts_default(&def);
        opts = &def;
    }
    const double w0 = csi_cover_wall(), c0 = now_cpu();
    cs_status st = check_opts(c, opts, err);
    if (st != CS_OK)
        return st;
    if ((st = solution_size(c, sol, err)) != CS_OK)
        return st;
    sol->result = CS_COVER_INFEASIBLE;
    sol->lp_bound = sol->best_bound = sol->gap = sol->proven_gap = NAN;
    sol->glpk_ret = sol->glpk_status = 0;
    sol->glpk_text = "not solved";
    sol->rows = sol->cols = sol->nonzeros = 0;
    for (int j = 0; j < c->n_pats; j++)
        sol->heads[j] = 0;
    if ((st = precheck(c, opts, err)) != CS_OK) {
        sol->glpk_text = "infeasible (checked before solving)";
        goto out;
    }
    job k = {.c = c, .o = opts, .w = opts->weights, .k_steps = opts->n_steps, .sol = sol,
             .err = err};
    if ((st = csi_cover_run(&k)) != CS_OK)
        goto out;
    if (sol->result == CS_COVER_INFEASIBLE) {
        st = explain_infeasible(c, opts, err);
        goto out;
    }
    if (sol->result == CS_COVER_NO_SOLUTION) {
        st = cs_error_set(err, CS_EINPUT,
                          "no roster found within the time limit of %g s (%d patterns, %zu "
                          "intervals); raise the time limit or allow a gap tolerance",
                          opts->time_limit, c->n_pats, c->n);
        goto out;
    }
    roster_figures(c, opts, sol);
    sol->objective = opts->mode == CS_COVER_MIN_COST    ? sol->cost
                     : opts->mode == CS_COVER_MIN_WORST ? sol->worst_short
                                                        : sol->weighted_short;
    /* The bounds are GLPK's; the objective is recomputed from whole heads, so clamp the last
     * bits of tolerance that could put a bound above it. */
    if (sol->lp_bound > sol->objective)
        sol->lp_bound = sol->objective;
    if (sol->best_bound > sol->objective)
        sol->best_bound = sol->objective;
    if (sol->best_bound < sol->lp_bound)
        sol->best_bound = sol->lp_bound;
    {
        const double den = fabs(sol->objective);
        sol->gap = den > 0.0 ? (sol->objective - sol->lp_bound) / den : 0.0;
        sol->proven_gap = den > 0.0 ? (sol->objective - sol->best_bound) / den : 0.0;
    }
out:
    sol->seconds = csi_cover_wall() - w0;
    sol->cpu_seconds = now_cpu() - c0;
    return st;
}

cs_status cs_cover_sweep(const cs_cover *c, const cs_cover_opts *opts, const double *budgets,
                         size_t n, cs_cover_point *points, cs_error *err)
{
    CS_REQUIRE(c != NULL && opts != NULL && (n == 0 || (budgets != NULL && points != NULL)));
    if (opts->mode == CS_COVER_MIN_COST)
        return cs_error_set(err, CS_EDOM,
                            "a budget sweep needs a budget mode (worst or weighted shortfall)");
    cs_cover_solution s = {0};
    cs_status st = CS_OK;
    for (size_t q = 0; q < n; q++) {
        cs_cover_opts o = *opts;
        o.budget = budgets[q];
        cs_error e;
        cs_status r = cs_cover_solve(c, &o, &s, &e);
        cs_cover_point *pt = &points[q];
        memset(pt, 0, sizeof *pt);
        pt->budget = budgets[q];
        pt->result = s.result;
        pt->seconds = s.seconds;
        if (r == CS_OK) {
            pt->cost = s.cost;
            pt->paid_hours = s.paid_hours;
            pt->worst_short = s.worst_short;
            pt->total_short = s.total_short;
            pt->weighted_short = s.weighted_short;
            pt->objective = s.objective;
            pt->lp_bound = s.lp_bound;
            pt->gap = s.gap;
        } else if (r == CS_EINPUT) {
            pt->cost = pt->paid_hours = pt->worst_short = pt->total_short = NAN;
            pt->weighted_short = pt->objective = pt->lp_bound = pt->gap = NAN;
        } else {
            st = cs_error_set(err, r, "budget %g: %s", budgets[q], e.msg);
            break;
        }
    }
    cs_cover_solution_free(&s);
    return st;
}
