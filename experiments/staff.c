#include "experiments/staff.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiments/shiftpat.h"
#include "models/erlang.h"
#include "models/need.h"
#include "models/run.h"
#include "sim/rep.h"

/* What each cover pattern is, to write its heads back as shifts. */
typedef struct patinfo {
    int pool;
    char name[CS_NAME_MAX];   /* the scenario pattern's (or shift's) name */
    int rotation;             /* 4 on / 4 off: heads are crew sizes (4 crews) */
    unsigned days;            /* weekly: the weekdays it starts */
    double start, length, break_time, night_start;
    double paid_hours;        /* per head per week */
    double cost;              /* per head per week (0 without a cost per hour) */
} patinfo;

typedef struct patlist {
    patinfo *v;
    size_t n, cap;
} patlist;

/* An integer program solved on every MPI rank (sim/rep.h) stops at the same gap, but one cut
 * short by the wall-clock limit stops where the rank's clock says: ranks could then go on with
 * different rosters.  Every rank takes rank 0's roster and figures (its own glpk_text stays:
 * it points into this rank's copy of the program).  Nothing to do in one process.
 * For tests/test_mpi.c, rank CALLSIM_TEST_MPI_ROSTER_RANK first changes its own roster (one
 * more head on the first pattern), as a different clock could: rank 0's must replace it. */
static cs_status solve_shared(cs_cover *cv, const cs_cover_opts *co, cs_cover_solution *sol, cs_error *err)
{
    cs_status st = cs_cover_solve(cv, co, sol, err);
    if (st != CS_OK || cs_rep_dist_size() == 1) return st;
    const char *t = getenv("CALLSIM_TEST_MPI_ROSTER_RANK");
    if (t && *t && atoi(t) == cs_rep_dist_rank() && sol->n_patterns > 0) sol->heads[0]++;
    cs_cover_solution mine = *sol, got = *sol;
    st = cs_rep_dist_bcast(&got, sizeof got, err);
    if (st == CS_OK && (got.n_patterns != mine.n_patterns || got.n_cells != mine.n_cells))
        st = cs_error_set(err, CS_EINTERNAL, "MPI rank 0's roster has another shape (ranks running different "
                          "scenario files?)");
    if (st == CS_OK) st = cs_rep_dist_bcast(mine.heads, mine.n_patterns * sizeof *mine.heads, err);
    if (st == CS_OK) st = cs_rep_dist_bcast(mine.on_duty, mine.n_cells * sizeof *mine.on_duty, err);
    if (st == CS_OK) st = cs_rep_dist_bcast(mine.shortfall, mine.n_cells * sizeof *mine.shortfall, err);
    if (st != CS_OK) return st;
    *sol = got;
    sol->heads = mine.heads;
    sol->on_duty = mine.on_duty;
    sol->shortfall = mine.shortfall;
    sol->glpk_text = mine.glpk_text;
    return CS_OK;
}

static void logf_(const cs_staff_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(const cs_staff_opts *o, const char *fmt, ...)
{
    if (!o || !o->log) return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    o->log(o->log_ud, buf);
}

void cs_staff_plan_free(cs_staff_plan *p)
{
    if (!p) return;
    cs_isa_free(p->isa);
    free(p->cover_req);
    free(p->rostered);
    cs_cover_solution_free(&p->sol);
    free(p->check_missed);
    free(p->shifts);
    free(p->now);
    free(p->plan);
    cs_cover_destroy(p->cover);
    if (p->pat) free(((patlist *)p->pat)->v);
    free(p->pat);
    free(p);
}

/* ---- patterns -------------------------------------------------------------------------- */

static int push_pat(patlist *pl, const patinfo *pi)
{
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? 2 * pl->cap : 32;
        patinfo *v = realloc(pl->v, cap * sizeof *v);
        if (!v) return -1;
        pl->v = v;
        pl->cap = cap;
    }
    pl->v[pl->n++] = *pi;
    return 0;
}

/* The break window the engine uses for the pool's absence rule (models/roster.h). */
static void break_window(const cs_pool *P, double length, double brk, double *from, double *to)
{
    *from = *to = 0;
    if (P->absence != CS_ABSENCE_RANDOM || !(brk > 0)) return;
    double edge = length >= 4 * 3600.0 ? 3600.0 : length / 4;
    if (brk <= length - 2 * edge) {
        *from = edge;
        *to = length - edge;
    }
}

/* Paid hours and cost per head of the patterns just added, recorded beside them. */
static cs_status record_added(const cs_cover *c, patlist *pl, int first, int count, const patinfo *proto)
{
    for (int j = first; j < first + count; j++) {
        cs_cover_pattern_info in;
        cs_cover_pattern_get(c, j, &in);
        patinfo pi = *proto;
        if (in.shape.kind == CS_COVER_WEEKLY) {
            pi.days = in.shape.days;
            pi.start = in.shape.start;
        }
        pi.paid_hours = in.paid_hours;
        pi.cost = in.cost;
        if (push_pat(pl, &pi) != 0) return CS_ENOMEM;
    }
    return CS_OK;
}

static cs_status add_weekly(cs_cover *c, patlist *pl, int pool, const cs_pool *P, const char *name, unsigned days,
                            double first, double last, double step, double length, double brk, int unpaid,
                            int min_heads, int max_heads, double cost_per_hour, cs_error *err)
{
    cs_shiftpat_weekly w;
    memset(&w, 0, sizeof w);
    w.name = name;
    w.pool = pool;
    w.days = days;
    w.start_first = first;
    w.start_last = last;
    w.start_step = step > 0 ? step : 3600;
    w.length = length;
    w.break_time = brk;
    break_window(P, length, brk, &w.break_from, &w.break_to);
    w.unpaid_break = unpaid;
    w.cost_per_hour = cost_per_hour;
    w.min_heads = min_heads;
    w.max_heads = max_heads;
    int f, n;
    cs_status st = cs_shiftpat_add_weekly(c, &w, &f, &n, err);
    if (st != CS_OK) return st;
    patinfo proto;
    memset(&proto, 0, sizeof proto);
    proto.pool = pool;
    snprintf(proto.name, sizeof proto.name, "%s", name);
    proto.length = length;
    proto.break_time = brk;
    if (record_added(c, pl, f, n, &proto) != CS_OK) return cs_error_set(err, CS_ENOMEM, "out of memory");
    return CS_OK;
}

static cs_status add_pool_patterns(cs_cover *c, patlist *pl, int pool, const cs_pool *P, cs_error *err)
{
    cs_status st = CS_OK;
    if (P->n_patterns == 0) {
        /* The roster's own shifts, one pattern per weekday each, heads free. */
        cs_shift whole = {0x7Fu, 0, 86400, P->headcount, 0};
        const cs_shift *sh = P->n_shifts ? P->shifts : &whole;
        size_t n = P->n_shifts ? P->n_shifts : 1;
        for (size_t i = 0; i < n && st == CS_OK; i++) {
            /* Named by the roster's start and length ("07:00 10h"): cs_shift keeps no names. */
            char name[CS_NAME_MAX], len[32];
            long s0 = lround(sh[i].start);
            long lm = lround(sh[i].length / 60);
            if (lm % 60) snprintf(len, sizeof len, "%ldh%02ld", lm / 60, lm % 60);
            else snprintf(len, sizeof len, "%ldh", lm / 60);
            snprintf(name, sizeof name, "%02ld:%02ld %s", s0 / 3600 % 100, s0 / 60 % 60, len);
            for (int d = 0; d < 7 && st == CS_OK; d++)
                if (sh[i].days & (1u << d))
                    st = add_weekly(c, pl, pool, P, name, 1u << d, sh[i].start, sh[i].start, 0, sh[i].length,
                                    sh[i].break_time, 0, 0, -1, -1, err);
        }
        return st;
    }
    for (size_t i = 0; i < P->n_patterns && st == CS_OK; i++) {
        const cs_shift_pattern *sp = &P->patterns[i];
        if (sp->rotation) {
            double start[8], length[8];
            cs_shiftpat_4on4off(sp->start_first, sp->night_start, start, length);
            static const int offsets[4] = {0, 2, 4, 6};
            cs_shiftpat_rotation r;
            memset(&r, 0, sizeof r);
            r.name = sp->name;
            r.pool = pool;
            r.cycle_days = 8;
            r.start = start;
            r.length = length;
            r.anchor = 0;
            r.offsets = offsets;
            r.n_offsets = 4;
            r.mode = CS_SHIFTPAT_WATCHES;
            r.break_time = sp->break_time;
            break_window(P, 12 * 3600.0, sp->break_time, &r.break_from, &r.break_to);
            r.unpaid_break = sp->unpaid_breaks;
            r.cost_per_hour = sp->cost_per_hour;
            r.min_heads = sp->min_heads;
            r.max_heads = sp->max_heads;
            int f, n;
            st = cs_shiftpat_add_rotation(c, &r, &f, &n, err);
            if (st != CS_OK) break;
            patinfo proto;
            memset(&proto, 0, sizeof proto);
            proto.pool = pool;
            proto.rotation = 1;
            snprintf(proto.name, sizeof proto.name, "%s", sp->name);
            proto.start = sp->start_first;
            proto.night_start = sp->night_start;
            proto.length = 12 * 3600.0;
            proto.break_time = sp->break_time;
            proto.days = 0x7Fu;
            if (record_added(c, pl, f, n, &proto) != CS_OK) st = cs_error_set(err, CS_ENOMEM, "out of memory");
        } else if (sp->by_day) {
            for (int d = 0; d < 7 && st == CS_OK; d++)
                if (sp->days & (1u << d))
                    st = add_weekly(c, pl, pool, P, sp->name, 1u << d, sp->start_first, sp->start_last,
                                    sp->start_every, sp->length, sp->break_time, sp->unpaid_breaks, sp->min_heads,
                                    sp->max_heads, sp->cost_per_hour, err);
        } else {
            st = add_weekly(c, pl, pool, P, sp->name, sp->days, sp->start_first, sp->start_last, sp->start_every,
                            sp->length, sp->break_time, sp->unpaid_breaks, sp->min_heads, sp->max_heads,
                            sp->cost_per_hour, err);
        }
    }
    return st;
}

static cs_status build_cover(cs_staff_plan *plan, const cs_scn *scn, cs_error *err)
{
    size_t ns = plan->n_slots;
    cs_cover_interval *grid = malloc(ns * sizeof *grid);
    if (!grid) return cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t k = 0; k < ns; k++) grid[k] = (cs_cover_interval){(double)k * plan->interval, (double)(k + 1) * plan->interval};
    cs_status st = cs_cover_create(grid, ns, &plan->cover, err);
    free(grid);
    if (st != CS_OK) return st;
    patlist *pl = calloc(1, sizeof *pl);
    if (!pl) return cs_error_set(err, CS_ENOMEM, "out of memory");
    plan->pat = pl;
    for (size_t p = 0; p < scn->n_pools && st == CS_OK; p++) {
        const cs_pool *P = &scn->pools[p];
        /* Without a cost per hour every paid hour counts 1: the cover minimises paid hours. */
        double cph = P->cost_per_hour > 0 ? P->cost_per_hour : 1.0;
        st = cs_cover_add_pool(plan->cover, P->name, P->shrinkage, cph, P->max_heads > 0 ? P->max_heads : -1, NULL,
                               err);
        if (st == CS_OK) st = add_pool_patterns(plan->cover, pl, (int)p, P, err);
    }
    return st;
}

static cs_status solve(cs_staff_plan *plan, const cs_staff_opts *o, cs_error *err)
{
    for (size_t p = 0; p < plan->n_pools; p++) {
        cs_status st = cs_cover_set_required(plan->cover, (int)p, plan->cover_req + p * plan->n_slots, err);
        if (st != CS_OK) return st;
    }
    cs_cover_opts co;
    cs_cover_opts_default(&co);
    co.time_limit = o && o->time_limit > 0 ? o->time_limit : 60;
    co.mip_gap = o && o->mip_gap > 0 ? o->mip_gap : 0.01;
    return solve_shared(plan->cover, &co, &plan->sol, err);
}

/* ---- rosters ----------------------------------------------------------------------------- */

/* Weekdays set in a Monday = bit 0 mask. */
static int n_days(unsigned days)
{
    int n = 0;
    for (unsigned d = 0; d < 7; d++)
        if ((days >> d) & 1u) n++;
    return n;
}

static int same_shift(const cs_staff_shift *a, const cs_staff_shift *b)
{
    return a->pool == b->pool && a->kind == b->kind && a->start == b->start && a->length == b->length &&
           a->break_time == b->break_time && a->staff == b->staff && strcmp(a->pattern, b->pattern) == 0;
}

cs_status cs_staff_apply(cs_staff_plan *plan, cs_scn *scn, const int *heads, cs_error *err)
{
    patlist *pl = plan->pat;
    free(plan->shifts);
    plan->shifts = calloc(2 * pl->n + 1, sizeof *plan->shifts);
    if (!plan->shifts) return cs_error_set(err, CS_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t p = 0; p < plan->n_pools; p++) plan->plan[p] = (cs_staff_pool_cost){0, 0, 0};
    for (size_t j = 0; j < pl->n; j++) {
        const patinfo *pi = &pl->v[j];
        int h = heads[j];
        if (h <= 0) continue;
        const cs_pool *P = &scn->pools[pi->pool];
        cs_staff_pool_cost *pc = &plan->plan[pi->pool];
        pc->paid_hours += h * pi->paid_hours;
        pc->cost += P->cost_per_hour > 0 ? h * pi->cost : 0;
        for (int part = 0; part < (pi->rotation ? 2 : 1); part++) {
            cs_staff_shift s;
            memset(&s, 0, sizeof s);
            s.pool = pi->pool;
            char nm[CS_NAME_MAX + 16];
            snprintf(nm, sizeof nm, "%s%s", pi->name, pi->rotation ? (part ? " (nights)" : " (days)") : "");
            snprintf(s.pattern, sizeof s.pattern, "%.*s", (int)sizeof s.pattern - 1, nm);
            s.kind = pi->rotation ? CS_COVER_WATCHES : CS_COVER_WEEKLY;
            s.days = pi->days;
            s.start = part ? pi->night_start : pi->start;
            s.length = pi->length;
            s.break_time = pi->break_time;
            s.staff = h;
            int nd = n_days(s.days);
            s.shifts_week = h * nd;
            pc->shifts_week += s.shifts_week;
            s.paid_hours = h * pi->paid_hours / (pi->rotation ? 2 : 1);
            s.cost = P->cost_per_hour > 0 ? h * pi->cost / (pi->rotation ? 2 : 1) : 0;
            /* A start past midnight (a window running into the next morning) is the next
             * weekday's shift. */
            if (s.start >= CS_DAY) {
                s.start -= CS_DAY;
                s.days = ((s.days << 1) | (s.days >> 6)) & 0x7Fu;
            }
            /* The same shift on several weekdays (a pattern with a head count per day) is one
             * roster shift with those days. */
            size_t k = 0;
            for (; k < n; k++) {
                if (!same_shift(&plan->shifts[k], &s) || s.kind != CS_COVER_WEEKLY) continue;
                plan->shifts[k].days |= s.days;
                plan->shifts[k].shifts_week += s.shifts_week;
                plan->shifts[k].paid_hours += s.paid_hours;
                plan->shifts[k].cost += s.cost;
                break;
            }
            if (k == n) plan->shifts[n++] = s;
        }
    }
    plan->n_shifts = n;
    /* Into the scenario: each pool's shifts become the roster's. */
    for (size_t p = 0; p < scn->n_pools; p++) {
        cs_pool *P = &scn->pools[p];
        size_t m = 0;
        for (size_t k = 0; k < n; k++) m += plan->shifts[k].pool == (int)p;
        cs_shift *sh = calloc(m ? m : 1, sizeof *sh);
        if (!sh) return cs_error_set(err, CS_ENOMEM, "out of memory");
        size_t i = 0;
        for (size_t k = 0; k < n; k++) {
            const cs_staff_shift *s = &plan->shifts[k];
            if (s->pool != (int)p) continue;
            sh[i++] = (cs_shift){s->days, s->start, s->length, (double)s->staff, s->break_time};
        }
        cs_staffing st = {0};
        cs_status rc = cs_roster_build(sh, m, P->shrinkage, &st, err);
        if (rc != CS_OK) {
            free(sh);
            return rc;
        }
        free(P->shifts);
        cs_roster_fini(&P->staffing);
        P->shifts = sh;
        P->n_shifts = m;
        P->headcount = 0;
        P->staffing = st;
    }
    /* Expected on duty of the roster, per interval, from the cover's own formula. */
    cs_cover_solution ev = {0};
    cs_status rc = cs_cover_evaluate(plan->cover, heads, NULL, &ev, err);
    if (rc == CS_OK)
        memcpy(plan->rostered, ev.on_duty, plan->n_pools * plan->n_slots * sizeof *plan->rostered);
    cs_cover_solution_free(&ev);
    return rc;
}

/* The scenario's own roster: paid hours, cost and people per pool per week. */
static void current_cost(cs_staff_plan *plan, const cs_scn *scn)
{
    for (size_t p = 0; p < scn->n_pools; p++) {
        const cs_pool *P = &scn->pools[p];
        cs_staff_pool_cost *c = &plan->now[p];
        if (P->n_shifts == 0) {   /* staff: N round the clock, a 24-hour shift every day */
            c->paid_hours = P->headcount * 168.0;
            c->shifts_week = P->headcount * 7;
        }
        for (size_t i = 0; i < P->n_shifts; i++) {
            const cs_shift *s = &P->shifts[i];
            int nd = n_days(s->days);
            c->paid_hours += s->staff * nd * s->length / 3600.0;
            c->shifts_week += s->staff * nd;
        }
        c->cost = P->cost_per_hour > 0 ? c->paid_hours * P->cost_per_hour : 0;
    }
}

/* ---- simulation ------------------------------------------------------------------------- */

cs_status cs_staff_simulate(cs_scn *scn, const cs_staff_plan *plan, int reps, uint64_t seed, int threads,
                            cs_results **out, cs_error *err)
{
    double old_interval = scn->interval;
    int old_reps = scn->replications;
    uint64_t old_seed = scn->seed;
    scn->interval = plan->interval;
    if (reps > 0) scn->replications = reps;
    scn->seed = seed;
    cs_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.threads = threads;
    cs_status st = cs_run(scn, &ro, out, err);
    scn->interval = old_interval;
    scn->replications = old_reps;
    scn->seed = old_seed;
    return st;
}

double cs_staff_met_share(const cs_results *r, size_t *missed, size_t *cells)
{
    const cs_scn *s = r->scn;
    size_t ns = r->n_reps ? r->reps[0].n_slots : 0, n = 0, miss = 0;
    for (size_t l = 0; l < s->n_lines; l++) {
        if (!(s->lines[l].target_share > 0) && !(s->lines[l].target_max_abandon > 0)) continue;
        for (size_t k = 0; k < ns; k++) {
            double sl, ab;
            int ok = cs_isa_meets(r, l, k, &sl, &ab);
            if (!isfinite(sl) && !isfinite(ab)) continue;   /* no calls there */
            n++;
            miss += !ok;
        }
    }
    if (missed) *missed = miss;
    if (cells) *cells = n;
    return n ? 1.0 - (double)miss / (double)n : 1.0;
}

/* Does pool p serve line l's calls measured per interval (its main or IVR queues)? */
static int serves_line(const cs_scn *s, size_t p, size_t l)
{
    const cs_pool *P = &s->pools[p];
    for (size_t i = 0; i < P->n_queues; i++) {
        const cs_queue *Q = &s->queues[P->queues[i]];
        if (Q->line == (int)l && !Q->is_transfer_leg) return 1;
    }
    return 0;
}

static double slot_mean(const cs_results *r, size_t p, size_t k, int pc)
{
    double v = 0, t = 0;
    for (uint32_t i = 0; i < r->n_reps; i++) {
        v += cs_rs_pool_slot_c(&r->reps[i], p, k)[pc];
        t += r->reps[i].slot_time[k];
    }
    return t > 0 ? v / t : NAN;
}

/* One check: raise the cover's requirement where a line misses its target. */
static cs_status raise_where_missed(cs_staff_plan *plan, const cs_scn *scn, const cs_results *r, cs_error *err)
{
    size_t nl = scn->n_lines, ns = plan->n_slots;
    unsigned char *miss = calloc(nl * ns + 1, 1);
    if (!miss) return cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t l = 0; l < nl; l++)
        for (size_t k = 0; k < ns; k++) miss[l * ns + k] = !cs_isa_meets(r, l, k, NULL, NULL);
    cs_isa_cells cc;
    cs_status st = cs_isa_cells_init(&cc, r, err);
    for (size_t k = 0; k < ns && st == CS_OK; k++) {
        cs_isa_cells_fill(&cc, r, k);
        if (!cc.measured) continue;
        for (size_t p = 0; p < plan->n_pools && st == CS_OK; p++) {
            int any = 0;
            for (size_t l = 0; l < nl; l++) any |= miss[l * ns + k] && serves_line(scn, p, l);
            if (!any) continue;
            cs_isa_cell cell;
            cs_isa_cells_pool(&cc, r, p, k, slot_mean(r, p, k, CS_PC_DUTY_AREA), &cell);
            /* The roster's check acts on the means, as the verification judges them: no dead band. */
            cell.n_reps = 0;
            int n_new, unreach;
            double load;
            st = cs_isa_update(scn, p, &cell, &n_new, &load, &unreach, err);
            double *req = &plan->cover_req[p * ns + k];
            double up = floor(cell.on_duty + 1e-9) + 1;
            if (n_new > up) up = n_new;
            if (up > *req) *req = up;
        }
    }
    cs_isa_cells_fini(&cc);
    free(miss);
    return st;
}

cs_status cs_staff_plan_run(cs_scn *scn, const cs_staff_opts *o, cs_staff_plan **out, cs_error *err)
{
    *out = NULL;
    cs_staff_plan *plan = calloc(1, sizeof *plan);
    if (!plan) return cs_error_set(err, CS_ENOMEM, "out of memory");
    plan->n_pools = scn->n_pools;
    plan->n_lines = scn->n_lines;
    plan->now = calloc(scn->n_pools + 1, sizeof *plan->now);
    plan->plan = calloc(scn->n_pools + 1, sizeof *plan->plan);
    if (!plan->now || !plan->plan) {
        cs_staff_plan_free(plan);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t p = 0; p < scn->n_pools; p++) plan->has_cost |= scn->pools[p].cost_per_hour > 0;
    current_cost(plan, scn);
    cs_isa_opts io = o ? o->isa : (cs_isa_opts){0};
    logf_(o, "requirements: iterative staffing algorithm, %d replications a round",
          io.reps > 0 ? io.reps : scn->replications);
    cs_status st = cs_isa_run(scn, &io, &plan->isa, err);
    if (st != CS_OK) {
        cs_staff_plan_free(plan);
        return st;
    }
    plan->n_slots = plan->isa->n_slots;
    plan->interval = plan->isa->interval;
    logf_(o, "requirements: %s after %d rounds", plan->isa->converged ? "stable" : "not stable (round limit)",
          plan->isa->rounds);
    size_t pc = plan->n_pools * plan->n_slots;
    plan->cover_req = calloc(pc + 1, sizeof *plan->cover_req);
    plan->rostered = calloc(pc + 1, sizeof *plan->rostered);
    int rounds = o && o->check_rounds != 0 ? (o->check_rounds < 0 ? 0 : o->check_rounds) : 5;
    plan->check_missed = calloc((size_t)rounds + 1, sizeof *plan->check_missed);
    if (!plan->cover_req || !plan->rostered || !plan->check_missed) {
        cs_staff_plan_free(plan);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t c = 0; c < pc; c++) plan->cover_req[c] = plan->isa->required[c];
    st = build_cover(plan, scn, err);
    if (st == CS_OK) st = solve(plan, o, err);
    if (st == CS_OK) {
        logf_(o, "cover: paid cost %.6g, LP bound %.6g, gap %.2f%% (%s, %.1f s)", plan->sol.objective,
              plan->sol.lp_bound, 100 * plan->sol.gap, plan->sol.glpk_text, plan->sol.seconds);
        st = cs_staff_apply(plan, scn, plan->sol.heads, err);
    }
    int reps = io.reps > 0 ? io.reps : scn->replications;
    for (int r = 0; r < rounds && st == CS_OK; r++) {
        cs_results *res = NULL;
        st = cs_staff_simulate(scn, plan, reps, cs_staff_check_seed(scn->seed, r), io.threads, &res, err);
        if (st != CS_OK) break;
        size_t missed = 0;
        cs_staff_met_share(res, &missed, &plan->check_cells);
        plan->check_missed[plan->checks++] = missed;
        logf_(o, "check %d: %zu of %zu (line, interval) pairs miss a target", r + 1, missed, plan->check_cells);
        /* The last check only reports: the verification shows what is left. */
        if (missed > 0 && r + 1 < rounds) st = raise_where_missed(plan, scn, res, err);
        cs_results_free(res);
        if (st != CS_OK || missed == 0 || r + 1 == rounds) break;
        st = solve(plan, o, err);
        if (st == CS_OK) {
            logf_(o, "cover: paid cost %.6g, LP bound %.6g, gap %.2f%% (%s, %.1f s)", plan->sol.objective,
                  plan->sol.lp_bound, 100 * plan->sol.gap, plan->sol.glpk_text, plan->sol.seconds);
            st = cs_staff_apply(plan, scn, plan->sol.heads, err);
        }
    }
    if (st != CS_OK) {
        cs_staff_plan_free(plan);
        return st;
    }
    *out = plan;
    return CS_OK;
}

/* ---- budgets ---------------------------------------------------------------------------- */

#define N_STEPS 8

/* Expected abandoned calls per week added by each handler short of the requirement, per pool
 * and interval: Erlang A at the interval's calibrated load and the pool's patience. */
static cs_status abandon_weights(const cs_staff_plan *plan, const cs_scn *scn, double **out, cs_error *err)
{
    size_t ns = plan->n_slots, np = plan->n_pools;
    double *w = calloc(np * ns * N_STEPS + 1, sizeof *w);
    double *rate = calloc(scn->n_lines + 1, sizeof *rate);
    if (!w || !rate) {
        free(w);
        free(rate);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t p = 0; p < np; p++)
        for (size_t k = 0; k < ns; k++) {
            for (size_t l = 0; l < scn->n_lines; l++) {
                double v = plan->isa->offered[l * ns + k];
                rate[l] = isfinite(v) ? v / plan->interval : 0;
            }
            double lam, es;
            cs_need_load(scn, p, rate, &lam, &es);
            double load = plan->isa->load[p * ns + k], pat = cs_need_patience(scn, p, rate);
            double calls = lam * plan->interval;
            int r = (int)ceil(plan->cover_req[p * ns + k] - 1e-9);
            double prev_ab = NAN, wmax = 0;
            for (int s = 0; s < N_STEPS; s++) {
                double *x = &w[(p * ns + k) * N_STEPS + (size_t)s];
                int n_hi = r - s, n_lo = r - s - 1;
                double ab_hi = prev_ab, ab_lo;
                cs_erl_result e;
                if (!(es > 0) || !(load > 0) || n_hi <= 0 || !isfinite(pat)) {
                    /* Nothing to lose here, or callers who never hang up: a small weight that
                     * still prefers covering the requirement. */
                    *x = wmax > 0 ? wmax : 1e-3;
                    continue;
                }
                cs_error e2;
                if (!isfinite(ab_hi)) {
                    if (cs_erl_a(load / es, es, n_hi, pat, 0, &e, &e2) != CS_OK) return cs_error_set(err, e2.code, "%s", e2.msg);
                    ab_hi = e.p_abandon;
                }
                if (n_lo <= 0) ab_lo = 1.0;
                else {
                    if (cs_erl_a(load / es, es, n_lo, pat, 0, &e, &e2) != CS_OK) return cs_error_set(err, e2.code, "%s", e2.msg);
                    ab_lo = e.p_abandon;
                }
                prev_ab = ab_lo;
                double v = calls * (ab_lo - ab_hi);
                /* Convex in the handlers short (the cover needs weights that do not fall). */
                if (v < wmax) v = wmax;
                if (!(v > 1e-3)) v = 1e-3 > wmax ? 1e-3 : wmax;
                wmax = v;
                *x = v;
            }
        }
    free(rate);
    *out = w;
    return CS_OK;
}

cs_status cs_staff_budget(const cs_staff_plan *plan, const cs_scn *scn, cs_staff_aim aim, double budget,
                          cs_cover_unit unit, const cs_staff_opts *o, cs_cover_solution *sol, cs_error *err)
{
    cs_cover_opts co;
    cs_cover_opts_default(&co);
    co.budget = budget;
    co.unit = unit;
    co.time_limit = o && o->time_limit > 0 ? o->time_limit : 30;
    co.mip_gap = o && o->mip_gap > 0 ? o->mip_gap : 0.02;
    double *w = NULL;
    if (aim == CS_STAFF_WORST) {
        co.mode = CS_COVER_MIN_WORST;
    } else {
        co.mode = CS_COVER_MIN_WEIGHTED;
        cs_status st = abandon_weights(plan, scn, &w, err);
        if (st != CS_OK) return st;
        co.weights = w;
        co.n_steps = N_STEPS;
    }
    cs_status st = solve_shared(plan->cover, &co, sol, err);
    free(w);
    return st;
}

void cs_staff_points_free(cs_staff_point *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++) {
        free(p[i].abandon);
        p[i].abandon = p[i].abandon_ci = p[i].sl = p[i].sl_ci = NULL;
    }
}

/* The roster of one budget put into scn, and pt's feasible, paid_hours, cost, cover_gap; *found
 * 0 when no roster fits (logged, not an error).  A budget the least-cost roster (keep) fits in
 * buys that roster: it covers every interval, the optimum of either aim (no shortfall), which
 * GLPK may take its whole time limit to prove when the objective's bound is zero. */
static cs_status budget_roster(cs_staff_plan *plan, cs_scn *scn, cs_staff_aim aim, double budget, cs_cover_unit unit,
                               const cs_staff_opts *o, const int *keep, cs_staff_point *pt, int *found,
                               cs_error *err)
{
    *found = 0;
    double own = unit == CS_COVER_HOURS ? plan->sol.paid_hours : plan->sol.cost;
    const int *heads = keep;
    cs_cover_solution sol = {0};
    if (budget >= own - 1e-9 * fabs(own)) {
        pt->cover_gap = 0;
        logf_(o, "budget %.6g: the least-cost roster fits in it", budget);
    } else {
        cs_status st = cs_staff_budget(plan, scn, aim, budget, unit, o, &sol, err);
        if (st == CS_EINPUT && (sol.result == CS_COVER_INFEASIBLE || sol.result == CS_COVER_NO_SOLUTION)) {
            cs_cover_solution_free(&sol);
            logf_(o, "budget %.6g: no roster (below the minimum head counts, or no solution in time)", budget);
            return CS_OK;
        }
        if (st != CS_OK) {
            cs_cover_solution_free(&sol);
            return st;
        }
        pt->cover_gap = sol.proven_gap;
        logf_(o, "budget %.6g: integer program %s, proven within %.2f%% (%.1f s)", budget, sol.glpk_text,
              100 * sol.proven_gap, sol.seconds);
        heads = sol.heads;
    }
    cs_status st = cs_staff_apply(plan, scn, heads, err);
    cs_cover_solution_free(&sol);
    if (st != CS_OK) return st;
    *found = pt->feasible = 1;
    pt->paid_hours = pt->cost = 0;
    for (size_t p = 0; p < plan->n_pools; p++) {
        pt->paid_hours += plan->plan[p].paid_hours;
        pt->cost += plan->plan[p].cost;
    }
    return CS_OK;
}

cs_status cs_staff_curve(cs_staff_plan *plan, cs_scn *scn, cs_staff_aim aim, cs_cover_unit unit,
                         const double *budgets, size_t n, uint64_t verify_seed, const cs_staff_opts *o,
                         cs_staff_point *points, cs_error *err)
{
    int reps = o && o->isa.reps > 0 ? o->isa.reps : scn->replications;
    int threads = o ? o->isa.threads : 0;
    size_t nl = scn->n_lines;
    int *keep = malloc((plan->sol.n_patterns + 1) * sizeof *keep);
    if (!keep) return cs_error_set(err, CS_ENOMEM, "out of memory");
    memcpy(keep, plan->sol.heads, plan->sol.n_patterns * sizeof *keep);
    cs_status st = CS_OK;
    for (size_t i = 0; i < n && st == CS_OK; i++) {
        cs_staff_point *pt = &points[i];
        memset(pt, 0, sizeof *pt);
        pt->budget = budgets[i];
        pt->abandon = calloc(4 * nl + 1, sizeof(double));
        if (!pt->abandon) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
            break;
        }
        pt->abandon_ci = pt->abandon + nl;
        pt->sl = pt->abandon_ci + nl;
        pt->sl_ci = pt->sl + nl;
        int found = 0;
        st = budget_roster(plan, scn, aim, budgets[i], unit, o, keep, pt, &found, err);
        if (st != CS_OK) break;
        if (!found) continue;
        cs_results *res = NULL;
        st = cs_staff_simulate(scn, plan, reps, verify_seed, threads, &res, err);
        if (st != CS_OK) break;
        for (size_t l = 0; l < nl; l++) {
            cs_results_line(res, l, CS_LK_ABANDON_RATE, &pt->abandon[l], &pt->abandon_ci[l]);
            cs_results_line(res, l, CS_LK_SERVICE_LEVEL, &pt->sl[l], &pt->sl_ci[l]);
        }
        pt->worst_abandon = 0;
        for (size_t l = 0; l < nl; l++)
            for (size_t k = 0; k < plan->n_slots; k++) {
                double ab;
                cs_isa_meets(res, l, k, NULL, &ab);
                if (isfinite(ab) && ab > pt->worst_abandon) pt->worst_abandon = ab;
            }
        pt->met_share = cs_staff_met_share(res, NULL, NULL);
        cs_results_free(res);
        logf_(o, "budget %.6g: paid hours %.1f, %.1f%% of (line, interval) pairs meet targets", budgets[i],
              pt->paid_hours, 100 * pt->met_share);
    }
    /* Back to the plan's roster. */
    if (st == CS_OK) st = cs_staff_apply(plan, scn, keep, err);
    free(keep);
    return st;
}
