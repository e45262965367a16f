#include "experiments/isa.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "models/erlang.h"
#include "models/run.h"
#include "models/staffing.h"

#define MAX_TARGETS 64
/* Rounds of history per interval for spotting cycles. */
#define HIST 3

void cs_isa_free(cs_isa *x)
{
    if (!x) return;
    free(x->changed);
    free(x->start);
    free(x->required);
    free(x->load);
    free(x->sl);
    free(x->sl_ci);
    free(x->ab);
    free(x->ab_ci);
    free(x->offered);
    free(x->unreachable);
    free(x);
}

/* ---- the staffing override ------------------------------------------------------------- */

cs_status cs_isa_override(cs_scn *scn, size_t pool, const int *level, size_t n_slots, double interval,
                          cs_isa_saved *saved, cs_error *err)
{
    cs_pool *P = &scn->pools[pool];
    cs_staffing st = {0};
    st.at = malloc((n_slots ? n_slots : 1) * sizeof *st.at);
    st.level = malloc((n_slots ? n_slots : 1) * sizeof *st.level);
    if (!st.at || !st.level) {
        cs_roster_fini(&st);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    /* A weekly step function, equal neighbours merged (models/roster.h's invariant). */
    for (size_t k = 0; k < n_slots; k++) {
        if (st.n > 0 && st.level[st.n - 1] == level[k]) continue;
        st.at[st.n] = (double)k * interval;
        st.level[st.n] = level[k];
        st.n++;
    }
    if (st.n == 0) {
        st.at[0] = 0;
        st.level[0] = 0;
        st.n = 1;
    }
    if (!saved->active) {
        saved->staffing = P->staffing;
        saved->run_staffing = P->run_staffing;
        saved->n_shifts = P->n_shifts;
        saved->headcount = P->headcount;
        saved->absence = P->absence;
        saved->on_duty = P->on_duty;
        saved->active = 1;
        memset(&P->run_staffing, 0, sizeof P->run_staffing);
        P->on_duty = NULL;
        /* No shifts and no headcount: the engine runs the weekly staffing as given, repeated
         * over the run (models/centre.c), the same in every replication. */
        P->n_shifts = 0;
        P->headcount = 0;
        P->absence = CS_ABSENCE_EXPECTED;
    } else {
        cs_roster_fini(&P->staffing);
    }
    P->staffing = st;
    return CS_OK;
}

void cs_isa_restore(cs_scn *scn, size_t pool, cs_isa_saved *saved)
{
    if (!saved->active) return;
    cs_pool *P = &scn->pools[pool];
    cs_roster_fini(&P->staffing);
    P->staffing = saved->staffing;
    P->run_staffing = saved->run_staffing;
    P->n_shifts = saved->n_shifts;
    P->headcount = saved->headcount;
    P->absence = saved->absence;
    P->on_duty = saved->on_duty;
    saved->active = 0;
}

/* ---- the update of one interval --------------------------------------------------------- */

/* Erlang A (or C when patience is infinite) at n agents; 0 on success. */
static int erl_at(double lambda, double es, int n, double patience, double within, cs_erl_result *r)
{
    cs_error e;
    if (n <= 0) {
        memset(r, 0, sizeof *r);
        r->p_abandon = isfinite(patience) ? 1.0 : 0.0;
        return 0;
    }
    if (isfinite(patience) && patience > 0)
        return cs_erl_a(lambda, es, n, patience, within, r, &e) == CS_OK ? 0 : -1;
    if (lambda * es >= (double)n) {   /* Erlang C is unstable: nobody is answered in time */
        memset(r, 0, sizeof *r);
        r->p_wait = 1;
        return 0;
    }
    return cs_erl_c(lambda, es, n, within, r, &e) == CS_OK ? 0 : -1;
}

/* The offered load at which Erlang A with n agents carries `busy` busy agents (step 1). */
static double calibrate_load(double busy, int n, double es, double patience, double fallback)
{
    if (!(busy > 0) || n <= 0 || !(es > 0)) return fallback;
    if (!isfinite(patience) || !(patience > 0))
        return busy < 0.98 * n ? busy : (fallback > busy ? fallback : busy);
    /* Carried load theta (1 - P(Ab)) rises with theta towards n; when the simulation's busy
     * handlers are that close to all of them, the load is not identifiable from busy time. */
    if (busy >= 0.995 * n) return fallback > busy ? fallback : busy;
    double lo = busy, hi = busy;
    cs_erl_result r;
    for (int i = 0; i < 60; i++) {
        hi *= 1.5;
        if (erl_at(hi / es, es, n, patience, 0, &r) != 0) return fallback;
        if (hi * (1 - r.p_abandon) >= busy) break;
    }
    for (int i = 0; i < 50 && hi - lo > 1e-6 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (erl_at(mid / es, es, n, patience, 0, &r) != 0) return fallback;
        if (mid * (1 - r.p_abandon) >= busy) hi = mid;
        else lo = mid;
    }
    return 0.5 * (lo + hi);
}

/* The requirement of one target when the simulated KPIs are taken `shift` better than measured
 * (shift < 0: worse), see step 2 at the top.  *raise_far: the local model cannot reach the target
 * (the simulation is far from it) and the answer is a step up. */
static cs_status target_need(const cs_need_target *t, double lt, double es, int n, int max_n, double lam, double s,
                             double a, double shift, int *out, int *unreachable, cs_error *err)
{
    double pat = isfinite(t->patience) ? t->patience : 0.0;
    cs_erl_target want = t->queue_target;
    int fallback = 0;
    if (!t->leg) {
        cs_erl_result r0;
        if (erl_at(lt, es, n, t->patience, t->within, &r0) != 0) {
            fallback = 1;
        } else {
            /* Erlang A plus the simulation's gap meets the line's target. */
            if (t->share > 0 && isfinite(s)) {
                double w = r0.service_level + (t->share - (s + shift)) / t->reach;
                if (w >= 1.0) fallback = 1;
                want.share = w > 0 ? w : 0;
            }
            if (t->max_abandon > 0 && isfinite(a) && isfinite(t->patience)) {
                double w = r0.p_abandon + (t->max_abandon - (a - shift)) / t->reach;
                if (w <= 0) fallback = 1;
                want.max_abandon = w < 1 ? w : 0;
            } else {
                want.max_abandon = 0;
            }
            if (!fallback && want.share == 0 && want.max_abandon == 0) {
                /* Met with room on every part: one handler, if calls come. */
                *out = lam > 0 ? 1 : 0;
                return CS_OK;
            }
        }
    }
    cs_erl_staffing st;
    int up = n + (n / 10 > 1 ? n / 10 : 1);
    if (fallback) {
        /* Far from the target, the gap measured here does not carry over: step up to the plain
         * Erlang A requirement, or by a tenth, whichever is more; but never beyond half as much
         * again as that requirement (plus two): a target the simulation does not approach with
         * that many handlers is out of reach in this interval (callers carried in from the
         * intervals around it, losses no handler can prevent), and more handlers would only be
         * wasted. */
        cs_status rc = cs_erl_staff(lt, es, pat, &t->queue_target, max_n, &st, err);
        if (rc != CS_OK) return rc;
        int v = st.met && st.n > up ? st.n : up;
        int cap = st.met ? st.n + st.n / 2 + 2 : max_n;
        if (v > cap) {
            v = cap > n ? cap : n;
            (*unreachable)++;
        }
        *out = v;
        return CS_OK;
    }
    cs_status rc = cs_erl_staff(lt, es, pat, &want, max_n, &st, err);
    if (rc != CS_OK) return rc;
    *out = st.met ? st.n : up;
    return CS_OK;
}

/* Half-width of the 95% interval of a target's gap (see "Noise" in isa.h): each replication's
 * KPI less Erlang A's response to its own busy handlers, to first order around the mean. */
static double gap_halfwidth(const cs_need_target *t, const cs_isa_cell *cell, double lt, double es, int n,
                            double theta, int part_sl)
{
    size_t R = cell->n_reps;
    if (R < 2 || !(cell->busy > 0)) return 0;
    const double *k_r = (part_sl ? cell->sl_r : cell->ab_r) + (size_t)t->line * R;
    cs_erl_result lo, hi;
    double d = 0.01 * theta;
    if (erl_at((theta - d) / es, es, n, t->patience, t->within, &lo) != 0 ||
        erl_at((theta + d) / es, es, n, t->patience, t->within, &hi) != 0)
        return 0;
    (void)lt;
    double slope = part_sl ? (hi.service_level - lo.service_level) : (hi.p_abandon - lo.p_abandon);
    slope *= t->reach / (2 * d) * (theta / cell->busy);   /* per busy handler */
    double m = 0, m2 = 0;
    size_t k = 0;
    for (size_t r = 0; r < R; r++) {
        if (!isfinite(k_r[r]) || !isfinite(cell->busy_r[r])) continue;
        double g = k_r[r] - slope * (cell->busy_r[r] - cell->busy);
        k++;
        double dlt = g - m;
        m += dlt / (double)k;
        m2 += dlt * (g - m);
    }
    if (k < 2) return 0;
    return gsl_cdf_tdist_Pinv(0.975, (double)(k - 1)) * sqrt(m2 / (double)(k - 1) / (double)k);
}

cs_status cs_isa_update(const cs_scn *scn, size_t pool, const cs_isa_cell *cell, int *n_out, double *load_out,
                        int *unreachable, cs_error *err)
{
    cs_need_target tg[MAX_TARGETS];
    size_t nt;
    cs_need_targets(scn, pool, tg, MAX_TARGETS, &nt);
    if (nt > MAX_TARGETS) nt = MAX_TARGETS;
    double lam, es;
    cs_need_load(scn, pool, cell->line_rate, &lam, &es);
    if (!(es > 0)) {
        /* No calls offered to the pool's queues in this interval, but handlers may still be
         * busy with earlier ones: take the mean busy time of its queues at equal rates. */
        double *ones = malloc((scn->n_lines ? scn->n_lines : 1) * sizeof *ones);
        if (!ones) return cs_error_set(err, CS_ENOMEM, "out of memory");
        for (size_t l = 0; l < scn->n_lines; l++) ones[l] = 1.0;
        double l1;
        cs_need_load(scn, pool, ones, &l1, &es);
        free(ones);
    }
    *unreachable = 0;
    int n = (int)lround(cell->on_duty);
    *n_out = n > 0 && lam > 0 ? n : 0;
    *load_out = 0;
    if (!(es > 0)) return CS_OK;
    double patience = cs_need_patience(scn, pool, cell->line_rate);
    double theta = calibrate_load(cell->busy, n, es, patience, lam * es);
    *load_out = theta;
    if (!(theta > 0)) {
        *n_out = 0;
        return CS_OK;
    }
    double lt = theta / es;
    int max_n = cs_need_max_n(theta > lam * es ? theta : lam * es);
    int best = 0, any = 0;
    for (size_t i = 0; i < nt; i++) {
        const cs_need_target *t = &tg[i];
        if (!t->reachable) {
            (*unreachable)++;
            continue;
        }
        double s = t->leg ? NAN : cell->sl[t->line], a = t->leg ? NAN : cell->ab[t->line];
        if (!t->leg && !isfinite(s) && !isfinite(a)) continue;   /* no calls on the line here */
        any = 1;
        int mid;
        cs_status rc = target_need(t, lt, es, n, max_n, lam, s, a, 0, &mid, unreachable, err);
        if (rc != CS_OK) return rc;
        int vote = mid;
        /* The dead band: move only when the simulation says so beyond its own noise.  With the
         * gap at the favourable end of its 95% interval the target must still need more handlers
         * to raise; at the unfavourable end, fewer to lower.  Otherwise keep n. */
        if (!t->leg && mid != n && cell->n_reps >= 2) {
            double hs = t->share > 0 && isfinite(s) ? gap_halfwidth(t, cell, lt, es, n, theta, 1) : 0;
            double ha = t->max_abandon > 0 && isfinite(a) ? gap_halfwidth(t, cell, lt, es, n, theta, 0) : 0;
            double h = hs > ha ? hs : ha;
            if (h > 0) {
                int far, dummy = 0;
                rc = target_need(t, lt, es, n, max_n, lam, s, a, mid > n ? h : -h, &far, &dummy, err);
                if (rc != CS_OK) return rc;
                if ((mid > n && far <= n) || (mid < n && far >= n)) vote = n;
            }
        }
        if (vote > best) best = vote;
    }
    if (!any) best = n;
    if (lam > 0 && best < 1) best = 1;
    *n_out = best;
    return CS_OK;
}

/* ---- reading a round's results ---------------------------------------------------------- */

int cs_isa_meets(const cs_results *r, size_t line, size_t slot, double *sl, double *ab)
{
    const cs_line *L = &r->scn->lines[line];
    double s, a, h;
    cs_results_line_slots(r, line, &slot, 1, CS_IK_SERVICE_LEVEL, &s, &h);
    cs_results_line_slots(r, line, &slot, 1, CS_IK_ABANDON_RATE, &a, &h);
    if (sl) *sl = s;
    if (ab) *ab = a;
    if (L->target_share > 0 && isfinite(s) && s < L->target_share) return 0;
    if (L->target_max_abandon > 0 && isfinite(a) && a > L->target_max_abandon) return 0;
    return 1;
}

/* Mean over replications of a pool's per-slot sum, per second of the slot. */
static double pool_slot_mean(const cs_results *r, size_t p, size_t k, int pc)
{
    double v = 0, t = 0;
    for (uint32_t i = 0; i < r->n_reps; i++) {
        v += cs_rs_pool_slot_c(&r->reps[i], p, k)[pc];
        t += r->reps[i].slot_time[k];
    }
    return t > 0 ? v / t : NAN;
}

static double line_rate_slot(const cs_results *r, size_t l, size_t k)
{
    double v = 0, t = 0;
    for (uint32_t i = 0; i < r->n_reps; i++) {
        v += cs_rs_line_slot_c(&r->reps[i], l, k)[CS_IC_OFFERED];
        t += r->reps[i].slot_time[k];
    }
    return t > 0 ? v / t : NAN;
}

/* Mean arrival rate of a line's first attempts over [a, b) of the week (its profile). */
static double profile_rate(const cs_line *L, double a, double b)
{
    const cs_profile *p = &L->demand;
    if (p->n_slots == 0) return 0;
    double sum = 0;
    for (size_t s = 0; s < p->n_slots; s++) {
        double lo = (double)s * p->slot_len, hi = lo + p->slot_len;
        if (p->n_slots == 1) hi = CS_WEEK;
        double o = (hi < b ? hi : b) - (lo > a ? lo : a);
        if (o > 0) sum += o * p->rate[s];
    }
    return sum / (b - a);
}

/* ---- one interval's figures from results -------------------------------------------------- */

cs_status cs_isa_cells_init(cs_isa_cells *c, const cs_results *r, cs_error *err)
{
    memset(c, 0, sizeof *c);
    size_t nl = r->scn->n_lines ? r->scn->n_lines : 1, R = r->n_reps ? r->n_reps : 1;
    c->buf = malloc((4 * nl + 2 * nl * R + R) * sizeof *c->buf);
    if (!c->buf) return cs_error_set(err, CS_ENOMEM, "out of memory");
    c->rate = c->buf;
    c->sl = c->rate + nl;
    c->ab = c->sl + nl;
    c->sl_r = c->ab + nl;
    c->ab_r = c->sl_r + nl * R;
    c->busy_r = c->ab_r + nl * R;
    return CS_OK;
}

void cs_isa_cells_fini(cs_isa_cells *c)
{
    free(c->buf);
    memset(c, 0, sizeof *c);
}

void cs_isa_cells_fill(cs_isa_cells *c, const cs_results *r, size_t k)
{
    const cs_scn *s = r->scn;
    size_t R = r->n_reps;
    double t = 0;
    for (uint32_t i = 0; i < R; i++) t += r->reps[i].slot_time[k];
    c->measured = t > 0;
    for (size_t l = 0; l < s->n_lines; l++) {
        double h;
        c->rate[l] = line_rate_slot(r, l, k);
        cs_results_line_slots(r, l, &k, 1, CS_IK_SERVICE_LEVEL, &c->sl[l], &h);
        cs_results_line_slots(r, l, &k, 1, CS_IK_ABANDON_RATE, &c->ab[l], &h);
        for (uint32_t i = 0; i < R; i++) {
            c->sl_r[l * R + i] = cs_kpi_line_slots(&r->reps[i], &s->lines[l], l, &k, 1, CS_IK_SERVICE_LEVEL);
            c->ab_r[l * R + i] = cs_kpi_line_slots(&r->reps[i], &s->lines[l], l, &k, 1, CS_IK_ABANDON_RATE);
        }
    }
}

void cs_isa_cells_pool(cs_isa_cells *c, const cs_results *r, size_t p, size_t k, double on_duty, cs_isa_cell *out)
{
    size_t R = r->n_reps;
    for (uint32_t i = 0; i < R; i++) {
        double t = r->reps[i].slot_time[k];
        c->busy_r[i] = t > 0 ? cs_rs_pool_slot_c(&r->reps[i], p, k)[CS_PC_BUSY_AREA] / t : NAN;
    }
    out->on_duty = on_duty;
    out->busy = pool_slot_mean(r, p, k, CS_PC_BUSY_AREA);
    out->line_rate = c->rate;
    out->sl = c->sl;
    out->ab = c->ab;
    out->n_reps = R;
    out->busy_r = c->busy_r;
    out->sl_r = c->sl_r;
    out->ab_r = c->ab_r;
}

/* ---- the algorithm ---------------------------------------------------------------------- */

typedef struct isa_run {
    cs_scn *scn;
    const cs_isa_opts *o;
    cs_isa *x;
    cs_isa_saved *saved;
    size_t np, nl, ns;
} isa_run;

static cs_status alloc_result(isa_run *R, cs_error *err)
{
    cs_isa *x = calloc(1, sizeof *x);
    if (!x) return cs_error_set(err, CS_ENOMEM, "out of memory");
    R->x = x;
    x->n_pools = R->np;
    x->n_lines = R->nl;
    x->n_slots = R->ns;
    size_t pc = (R->np ? R->np : 1) * R->ns, lc = R->nl * R->ns;
    int rounds = R->o && R->o->max_rounds > 0 ? R->o->max_rounds : 20;
    x->changed = calloc((size_t)rounds + 1, sizeof *x->changed);
    x->start = calloc(pc, sizeof *x->start);
    x->required = calloc(pc, sizeof *x->required);
    x->load = calloc(pc, sizeof *x->load);
    x->unreachable = calloc(pc, 1);
    x->sl = calloc(lc, sizeof(double));
    x->sl_ci = calloc(lc, sizeof(double));
    x->ab = calloc(lc, sizeof(double));
    x->ab_ci = calloc(lc, sizeof(double));
    x->offered = calloc(lc, sizeof(double));
    if (!x->changed || !x->start || !x->required || !x->load || !x->unreachable || !x->sl || !x->sl_ci || !x->ab ||
        !x->ab_ci || !x->offered)
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    return CS_OK;
}

static cs_status start_requirement(isa_run *R, cs_error *err)
{
    cs_scn *s = R->scn;
    double *rate = calloc(R->nl ? R->nl : 1, sizeof *rate);
    if (!rate) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_status st = CS_OK;
    for (size_t k = 0; k < R->ns && st == CS_OK; k++) {
        double a = (double)k * R->x->interval, b = a + R->x->interval;
        for (size_t l = 0; l < R->nl; l++) {
            rate[l] = profile_rate(&s->lines[l], a, b);
            /* First attempts until a simulation measures the interval (it may never: a horizon
             * under a week). */
            R->x->offered[l * R->ns + k] = rate[l] * R->x->interval;
        }
        for (size_t p = 0; p < R->np && st == CS_OK; p++) {
            cs_need nd;
            st = cs_need_pool(s, p, rate, &nd, err);
            R->x->start[p * R->ns + k] = nd.n;
            R->x->load[p * R->ns + k] = nd.load;
            if (nd.unreachable) R->x->unreachable[p * R->ns + k] = 1;
        }
    }
    free(rate);
    return st;
}

/* Words for the first target that no handler count meets, for the user. */
static void describe_unreachable(isa_run *R)
{
    for (size_t p = 0; p < R->np; p++) {
        cs_need_target tg[MAX_TARGETS];
        size_t nt;
        cs_need_targets(R->scn, p, tg, MAX_TARGETS, &nt);
        for (size_t i = 0; i < nt && i < MAX_TARGETS; i++) {
            if (tg[i].reachable) continue;
            R->x->n_unreachable_targets++;
            if (R->x->unreachable_msg[0]) continue;
            const cs_line *L = &R->scn->lines[tg[i].line];
            if (tg[i].share > 0 && !(tg[i].share < tg[i].reach))
                snprintf(R->x->unreachable_msg, sizeof R->x->unreachable_msg,
                         "line '%s': a service level of %.4g%% cannot be reached: %.4g%% of its attempts "
                         "leave in the IVR (abandon or deflect) and count as not answered; pool '%s' is staffed "
                         "for the line's other parts only",
                         L->name, 100 * tg[i].share, 100 * (1 - tg[i].reach), R->scn->pools[p].name);
            else
                snprintf(R->x->unreachable_msg, sizeof R->x->unreachable_msg,
                         "line '%s': an abandonment ceiling of %.4g%% cannot be met: %.4g%% of its attempts "
                         "abandon in the IVR whatever the staffing; pool '%s' is staffed for the line's other "
                         "parts only",
                         L->name, 100 * tg[i].max_abandon, 100 * tg[i].ivr_abandon, R->scn->pools[p].name);
        }
    }
}

/* One round: simulate at `cur`, fill the performance, compute `next`. */
static cs_status one_round(isa_run *R, const int *cur, int *next, cs_error *err)
{
    cs_scn *s = R->scn;
    for (size_t p = 0; p < R->np; p++) {
        cs_status st = cs_isa_override(s, p, cur + p * R->ns, R->ns, R->x->interval, &R->saved[p], err);
        if (st != CS_OK) return st;
    }
    cs_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.threads = R->o ? R->o->threads : 0;
    cs_results *res = NULL;
    cs_status st = cs_run(s, &ro, &res, err);
    if (st != CS_OK) return st;
    cs_isa_cells cells;
    st = cs_isa_cells_init(&cells, res, err);
    for (size_t k = 0; k < R->ns && st == CS_OK; k++) {
        cs_isa_cells_fill(&cells, res, k);
        for (size_t l = 0; l < R->nl; l++) {
            size_t c = l * R->ns + k;
            double h;
            cs_results_line_slots(res, l, &k, 1, CS_IK_SERVICE_LEVEL, &R->x->sl[c], &h);
            R->x->sl_ci[c] = h;
            cs_results_line_slots(res, l, &k, 1, CS_IK_ABANDON_RATE, &R->x->ab[c], &h);
            R->x->ab_ci[c] = h;
            if (cells.measured) R->x->offered[c] = cells.rate[l] * R->x->interval;
        }
        for (size_t p = 0; p < R->np && st == CS_OK; p++) {
            size_t c = p * R->ns + k;
            if (!cells.measured) {   /* not simulated (a horizon under a week): keep what we have */
                next[c] = cur[c];
                continue;
            }
            cs_isa_cell cell;
            cs_isa_cells_pool(&cells, res, p, k, (double)cur[c], &cell);
            int unreach;
            st = cs_isa_update(s, p, &cell, &next[c], &R->x->load[c], &unreach, err);
            R->x->unreachable[c] = unreach > 0;
        }
    }
    cs_isa_cells_fini(&cells);
    cs_results_free(res);
    return st;
}

cs_status cs_isa_run(cs_scn *scn, const cs_isa_opts *opts, cs_isa **out, cs_error *err)
{
    *out = NULL;
    if (scn->clock.dated)
        return cs_error_set(err, CS_EINPUT, "the staffing planner plans a repeating week; this scenario has "
                            "start: (calendar time). Plan on an undated copy (without start:) and lay dated "
                            "changes over the result with on_duty:");
    double interval = opts && opts->interval > 0 ? opts->interval : scn->interval;
    double per_day = CS_DAY / interval;
    if (!(interval >= 60) || fabs(per_day - floor(per_day + 0.5)) > 1e-9)
        return cs_error_set(err, CS_EINPUT, "the staffing interval must divide a day (15m, 30m, 1h, 2h, ...)");
    isa_run R;
    memset(&R, 0, sizeof R);
    R.scn = scn;
    R.o = opts;
    R.np = scn->n_pools;
    R.nl = scn->n_lines;
    R.ns = (size_t)llround(CS_WEEK / interval);
    int max_rounds = opts && opts->max_rounds > 0 ? opts->max_rounds : 20;
    double old_interval = scn->interval;
    int old_reps = scn->replications;
    if (opts && opts->reps > 0) scn->replications = opts->reps;
    scn->interval = interval;
    R.saved = calloc(R.np ? R.np : 1, sizeof *R.saved);
    size_t pc = (R.np ? R.np : 1) * R.ns;
    int *cur = calloc(pc, sizeof *cur), *next = calloc(pc, sizeof *next);
    int *prev = calloc(pc * HIST, sizeof *prev);   /* [c * HIST + j]: the value j + 1 rounds ago */
    unsigned char *settled = calloc(pc, 1);
    cs_status st = R.saved && cur && next && prev && settled ? alloc_result(&R, err)
                                                              : cs_error_set(err, CS_ENOMEM, "out of memory");
    if (st == CS_OK) {
        R.x->interval = interval;
        st = start_requirement(&R, err);
    }
    if (st == CS_OK) {
        describe_unreachable(&R);
        memcpy(cur, opts && opts->start ? opts->start : R.x->start, pc * sizeof *cur);
        for (size_t c = 0; c < pc * HIST; c++) prev[c] = -1;
    }
    int round = 0;
    while (st == CS_OK && round < max_rounds) {
        st = one_round(&R, cur, next, err);
        if (st != CS_OK) break;
        round++;
        size_t changed = 0, n_settled = 0;
        for (size_t c = 0; c < pc; c++) {
            if (settled[c]) {
                next[c] = cur[c];
            } else if (next[c] != cur[c]) {
                /* Back to a value of the last rounds (n -> m -> n, or a cycle of three): the edge
                 * of the target within the noise, or intervals pushing each other; settle on the
                 * largest value of the cycle, the safe side. */
                size_t j = 0;
                while (j < HIST && prev[c * HIST + j] != next[c]) j++;
                if (j < HIST) {
                    settled[c] = 1;
                    int m = cur[c];
                    for (size_t i = 0; i <= j; i++)
                        if (prev[c * HIST + i] > m) m = prev[c * HIST + i];
                    next[c] = m;
                }
            }
            if (next[c] != cur[c]) changed++;
            n_settled += settled[c];
        }
        R.x->changed[round - 1] = changed;
        if (opts && opts->round) opts->round(opts->round_ud, round, changed, n_settled);
        if (changed == 0) {
            R.x->converged = 1;
            break;
        }
        for (size_t c = 0; c < pc; c++) {
            memmove(prev + c * HIST + 1, prev + c * HIST, (HIST - 1) * sizeof *prev);
            prev[c * HIST] = cur[c];
        }
        /* Not converged after the last round: keep the larger of the last two (the safe side). */
        for (size_t c = 0; c < pc; c++) cur[c] = round == max_rounds && cur[c] > next[c] ? cur[c] : next[c];
    }
    if (st == CS_OK) {
        R.x->rounds = round;
        memcpy(R.x->required, cur, pc * sizeof *cur);
    }
    for (size_t p = 0; p < R.np && R.saved; p++) cs_isa_restore(scn, p, &R.saved[p]);
    scn->interval = old_interval;
    scn->replications = old_reps;
    free(R.saved);
    free(cur);
    free(next);
    free(prev);
    free(settled);
    if (st != CS_OK) {
        cs_isa_free(R.x);
        return st;
    }
    *out = R.x;
    return CS_OK;
}
