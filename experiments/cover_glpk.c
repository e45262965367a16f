/* The shift-cover integer program in GLPK (the model is described in cover.h and cover.c).
 *
 * Columns 1..J are the head counts (integer, within the pattern's bounds).  One covering row
 * per cell (pool, interval) with r > 0; cells with r = 0 cannot be short, so they get no row.
 * Then, by mode:
 *   MIN_COST      rows: sum_j a_ij x_j >= r_i;                objective sum_j cost_j x_j
 *   MIN_WORST     cols z in [0, 1], s_i in [0, r_i];
 *                 rows: sum_j a_ij x_j + s_i >= r_i,  s_i - r_i z <= 0, budget;
 *                 stage 1 minimises z, stage 2 fixes z <= z* and minimises sum_i s_i
 *   MIN_WEIGHTED  cols s_ik (k < K - 1 in [0, 1], the last in [0, r_i]);
 *                 rows: sum_j a_ij x_j + sum_k s_ik >= r_i, budget; objective sum w_ik s_ik
 * with a_ij = (1 - shrinkage) coverage_ij, and a cap row per pool that has one.  The plain LP
 * relaxation is solved first (its optimum is the reported LP bound); then a rounding row per
 * covering row (add_rounding_rows) strengthens it, and branch and bound runs with a rounding
 * heuristic fed in through the callback (heuristic_cost, heuristic_budget).  The heuristic
 * works on the original columns, which GLPK's MIP presolver would renumber, so the presolver
 * is off while the heuristic is on (and on otherwise): on the test week, presolve without the
 * heuristic gave rosters 0.5-1.5% dearer in the same time and a proven gap about twice as wide.
 *
 * GLPK's environment and errors: see the top of cover.h.  solve_guarded() holds the setjmp;
 * everything GLPK allocates lives in the environment, and everything we allocate is allocated
 * by csi_cover_run before the jump point, so an error path frees all of it.
 *
 * GLPK is loaded when a solve first needs it (dlopen), not when callsim starts: a process that
 * never plans staff (a run, a comparison) would otherwise pay for mapping and relocating GLPK
 * and the five libraries it brings, about 0.25 ms of CPU each time callsim starts.  Its
 * functions are reached through a table (struct csi_glpk) typed from glpk.h, so every call is
 * still checked against GLPK's prototypes; RTLD_NODELETE keeps the library mapped after the
 * handle is closed, so the table stays valid for the life of the process, as a linked library
 * would be (sim/dynlib.h). */
#include "experiments/cover_int.h"

#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "sim/dynlib.h"

typedef csi_cover_pool pool;
typedef csi_cover_pattern pattern;
typedef csi_cover_job job;

/* The run-time name of the library, from the Makefile (the SONAME the linker would record). */
#ifndef CS_GLPK_LIB
#define CS_GLPK_LIB "libglpk.so.40"
#endif

/* Every GLPK function this file calls, as glp_NAME. */
#define GLPK_FUNCS(X)                                                                              \
    X(add_cols) X(add_rows) X(create_prob) X(delete_prob) X(error_hook) X(free_env)               \
    X(get_col_prim) X(get_num_cols) X(get_num_nz) X(get_num_rows) X(get_obj_val) X(get_status)    \
    X(init_env) X(init_iocp) X(init_smcp) X(intopt) X(ios_best_node) X(ios_get_prob)              \
    X(ios_heur_sol) X(ios_node_bound) X(ios_reason) X(load_matrix) X(mip_col_val) X(mip_obj_val)  \
    X(mip_status) X(set_col_bnds) X(set_col_kind) X(set_mat_row) X(set_obj_coef) X(set_obj_dir)   \
    X(set_row_bnds) X(simplex) X(term_out)

struct csi_glpk {
#define X(f) __typeof__(glp_##f) *f;
    GLPK_FUNCS(X)
#undef X
};

/* Fills g with GLPK's functions, loading the library if this process has not yet. */
static cs_status glpk_load(struct csi_glpk *g, cs_error *err)
{
    static const cs_dynlib lib = {CS_GLPK_LIB, "GLPK", "", ", which plans the shift cover",
                                  "GLPK's library; Debian: libglpk40"};
    static const char *const names[] = {
#define X(f) "glp_" #f,
        GLPK_FUNCS(X)
#undef X
    };
    void *syms[sizeof names / sizeof *names];
    cs_status st = cs_dynlib_load(&lib, names, syms, sizeof names / sizeof *names, err);
    if (st != CS_OK) return st;
    size_t i = 0;
#define X(f) g->f = (__typeof__(g->f))syms[i++];
    GLPK_FUNCS(X)
#undef X
    return CS_OK;
}

typedef struct guard {
    jmp_buf jb;
} guard;

static void on_glpk_error(void *info) { longjmp(((guard *)info)->jb, 1); }

/* Tracks the best bound of the branch-and-bound tree (the smallest bound of an active node; it
 * only rises as the search proceeds, so the largest seen is the best proved). */
static void heuristic(job *k, glp_tree *T);

static void on_tree(glp_tree *T, void *info)
{
    job *k = info;
    if (k->heur && k->g->ios_reason(T) == GLP_IHEUR)
        heuristic(k, T);
    int p = k->g->ios_best_node(T);
    if (p != 0) {
        double b = k->g->ios_node_bound(T, p);
        if (isfinite(b) && (!k->have_bound || b > k->bound)) {
            k->bound = b;
            k->have_bound = 1;
        }
    }
}

static int budget_mode(const job *k) { return k->o->mode != CS_COVER_MIN_COST; }
static int worst_mode(const job *k) { return k->o->mode == CS_COVER_MIN_WORST && !k->no_budget; }
static int weighted_mode(const job *k)
{
    return k->o->mode == CS_COVER_MIN_WEIGHTED || k->no_budget;
}

/* Shortfall columns per covering row: 1 (MIN_WORST), K (MIN_WEIGHTED) or none. */
static int short_cols(const job *k)
{
    return worst_mode(k) ? 1 : weighted_mode(k) ? k->k_steps : 0;
}

/* Builds the base model into P (see the top of the file for its rows and columns). */
static void build(job *k, glp_prob *P)
{
    const cs_cover *c = k->c;
    const size_t N = c->n;
    const int J = c->n_pats, m = k->m;
    size_t nz = 0;
    k->g->set_obj_dir(P, GLP_MIN);
    k->g->add_cols(P, J);
    for (int j = 0; j < J; j++) {
        const pattern *Q = &c->pats[j];
        k->g->set_col_kind(P, j + 1, GLP_IV);
        if (Q->hi < 0)
            k->g->set_col_bnds(P, j + 1, GLP_LO, Q->lo, 0.0);
        else if (Q->hi == Q->lo)
            k->g->set_col_bnds(P, j + 1, GLP_FX, Q->lo, Q->lo);
        else
            k->g->set_col_bnds(P, j + 1, GLP_DB, Q->lo, Q->hi);
        k->g->set_obj_coef(P, j + 1, budget_mode(k) ? 0.0 : Q->cost);
    }
    if (m > 0)
        k->g->add_rows(P, m);
    for (int p = 0; p < c->n_pools; p++)
        for (size_t i = 0; i < N; i++) {
            const int row = k->row_of[(size_t)p * N + i];
            if (row)
                k->g->set_row_bnds(P, row, GLP_LO, c->pools[p].req[i], 0.0);
        }
    for (int r = 1; r <= m; r++)
        for (int e = k->rs[r - 1]; e < k->rs[r]; e++)
            k->ia[++nz] = r, k->ja[nz] = k->rc[e], k->ar[nz] = k->rv[e];
    /* Shortfall columns: s for row r is s0 + r (MIN_WORST) or s0 + (r - 1) K + t + 1. */
    k->z_col = k->s0 = 0;
    if (worst_mode(k) && m > 0) {
        k->z_col = k->g->add_cols(P, 1);
        k->g->set_col_bnds(P, k->z_col, GLP_DB, 0.0, 1.0);
        k->g->set_obj_coef(P, k->z_col, 1.0);
        k->s0 = k->g->add_cols(P, m) - 1;
        const int link = k->g->add_rows(P, m) - 1;
        for (int p = 0; p < c->n_pools; p++)
            for (size_t i = 0; i < N; i++) {
                const int row = k->row_of[(size_t)p * N + i];
                if (!row)
                    continue;
                const double r = c->pools[p].req[i];
                k->g->set_col_bnds(P, k->s0 + row, GLP_DB, 0.0, r);
                k->ia[++nz] = row, k->ja[nz] = k->s0 + row, k->ar[nz] = 1.0;
                k->g->set_row_bnds(P, link + row, GLP_UP, 0.0, 0.0);
                k->ia[++nz] = link + row, k->ja[nz] = k->s0 + row, k->ar[nz] = 1.0;
                k->ia[++nz] = link + row, k->ja[nz] = k->z_col, k->ar[nz] = -r;
            }
    } else if (weighted_mode(k) && m > 0) {
        const int K = k->k_steps;
        k->s0 = k->g->add_cols(P, m * K) - 1;
        for (int p = 0; p < c->n_pools; p++)
            for (size_t i = 0; i < N; i++) {
                const int row = k->row_of[(size_t)p * N + i];
                if (!row)
                    continue;
                const double r = c->pools[p].req[i];
                const double *w = k->w + ((size_t)p * N + i) * (size_t)K;
                for (int t = 0; t < K; t++) {
                    const int col = k->s0 + (row - 1) * K + t + 1;
                    const double ub = t == K - 1 ? r : fmin(1.0, r);
                    k->g->set_col_bnds(P, col, GLP_DB, 0.0, ub);
                    k->g->set_obj_coef(P, col, w[t]);
                    k->ia[++nz] = row, k->ja[nz] = col, k->ar[nz] = 1.0;
                }
            }
    }
    if (budget_mode(k) && !k->no_budget) {
        const int row = k->g->add_rows(P, 1);
        k->g->set_row_bnds(P, row, GLP_UP, 0.0, k->o->budget);
        for (int j = 0; j < J; j++) {
            const pattern *Q = &c->pats[j];
            const double b = k->o->unit == CS_COVER_HOURS ? Q->paid_hours : Q->cost;
            if (b != 0.0)
                k->ia[++nz] = row, k->ja[nz] = j + 1, k->ar[nz] = b;
        }
    }
    for (int p = 0; p < c->n_pools; p++) {
        if (c->pools[p].max_heads < 0)
            continue;
        const int row = k->g->add_rows(P, 1);
        k->g->set_row_bnds(P, row, GLP_UP, 0.0, c->pools[p].max_heads);
        for (int j = 0; j < J; j++)
            if (c->pats[j].pool == p)
                k->ia[++nz] = row, k->ja[nz] = j + 1, k->ar[nz] = 1.0;
    }
    CS_REQUIRE(nz <= k->cap_nz);
    k->g->load_matrix(P, (int)nz, k->ia, k->ja, k->ar);
}

/* Mixed-integer rounding of every covering row.  The LP relaxation of a cover with fractional
 * coverage is weak: 20 on duty at 0.9375 per head is 21.33 heads to the LP, 22 to a roster.
 * Dividing row  sum_j a_j x_j + sum_k s_k >= r  (s_k continuous shortfall) by d = max_j a_j,
 * with f = frac(r / d) > 0, gives the valid MIR inequality
 *   sum_j (floor(a_j / d) + min(frac(a_j / d), f) / f) x_j + sum_k s_k / (d f) >= ceil(r / d),
 * which for whole-head patterns reads "at least ceil(r / d) heads at work here".  On the week of
 * tests/test_cover.c it raises the root bound by 2% and cuts the final gap from about 3.5% to
 * about 1.3%; GLPK's own MIR and Gomory separators did not find these.  Rows where f is tiny
 * are skipped (the cut is then weak and its continuous coefficients large). */
static void add_rounding_rows(job *k, glp_prob *P)
{
    const cs_cover *c = k->c;
    const size_t N = c->n;
    const int K = short_cols(k);
    for (int p = 0; p < c->n_pools; p++)
        for (size_t i = 0; i < N; i++) {
            const int row = k->row_of[(size_t)p * N + i];
            if (!row || k->rs[row] == k->rs[row - 1])
                continue;
            double d = 0.0;
            for (int e = k->rs[row - 1]; e < k->rs[row]; e++)
                d = fmax(d, k->rv[e]);
            const double b = c->pools[p].req[i] / d, f = b - floor(b);
            if (!(f > 0.01))
                continue;
            int len = 0;
            for (int e = k->rs[row - 1]; e < k->rs[row]; e++) {
                const double a = k->rv[e] / d, fa = a - floor(a);
                const double coef = floor(a) + fmin(fa, f) / f;
                if (coef > 0.0)
                    k->ind[++len] = k->rc[e], k->val[len] = coef;
            }
            for (int t = 0; t < K; t++)
                k->ind[++len] = k->s0 + (row - 1) * K + t + 1, k->val[len] = 1.0 / (d * f);
            const int r = k->g->add_rows(P, 1);
            k->g->set_row_bnds(P, r, GLP_LO, ceil(b), 0.0);
            k->g->set_mat_row(P, r, len, k->ind, k->val);
        }
}

/* A rounding heuristic for min-cost mode, offered to GLPK at every node: round the node's LP
 * heads up (which covers every row, since coverage is never negative), then take heads off the
 * dearest patterns while every row stays covered.  GLPK's own heuristics find poor rosters on
 * fractional covers (the incumbent of the test week was 1-2% dearer without this). */
static void heuristic_cost(job *k, glp_tree *T)
{
    const cs_cover *c = k->c;
    const size_t N = c->n;
    glp_prob *Q = k->g->ios_get_prob(T);
    const int J = c->n_pats;
    for (int j = 0; j < J; j++) {
        const pattern *P = &c->pats[j];
        double v = ceil(k->g->get_col_prim(Q, j + 1) - 1e-6);
        if (v < P->lo)
            v = P->lo;
        if (P->hi >= 0 && v > P->hi)
            return; /* cannot happen for a bounded LP; kept for future defense */
        k->hh[j] = (int)v;
    }
    for (int r = 1; r <= k->m; r++) {
        double od = 0.0;
        for (int e = k->rs[r - 1]; e < k->rs[r]; e++)
            od += k->rv[e] * k->hh[k->rc[e] - 1];
        k->od[r] = od;
    }
    for (int p = 0; p < c->n_pools; p++)
        for (size_t i = 0; i < N; i++) {
            const int r = k->row_of[(size_t)p * N + i];
            if (r && k->od[r] < c->pools[p].req[i] - CSI_COVER_EPS)
                return;
        }
    for (int q = 0; q < J; q++) {
        const int j = k->order[q];
        const pattern *P = &c->pats[j];
        const double keep = 1.0 - c->pools[P->pool].shrink;
        while (k->hh[j] > P->lo) {
            int ok = 1;
            for (size_t e = 0; e < P->nnz && ok; e++) {
                const size_t cell = (size_t)P->pool * N + P->idx[e];
                const int r = k->row_of[cell];
                if (r && k->od[r] - keep * P->cov[e] < k->req_of[r] - CSI_COVER_EPS)
                    ok = 0;
            }
            if (!ok)
                break;
            k->hh[j]--;
            for (size_t e = 0; e < P->nnz; e++) {
                const int r = k->row_of[(size_t)P->pool * N + P->idx[e]];
                if (r)
                    k->od[r] -= keep * P->cov[e];
            }
        }
    }
    /* Pool caps. */
    for (int p = 0; p < c->n_pools; p++) {
        if (c->pools[p].max_heads < 0)
            continue;
        long heads = 0;
        for (int j = 0; j < J; j++)
            if (c->pats[j].pool == p)
                heads += k->hh[j];
        if (heads > c->pools[p].max_heads)
            return;
    }
    double cost = 0.0;
    for (int j = 0; j < J; j++) {
        k->hx[j + 1] = k->hh[j];
        cost += c->pats[j].cost * k->hh[j];
    }
    if (k->g->mip_status(Q) == GLP_FEAS && !(cost < k->g->mip_obj_val(Q) - 1e-9))
        return;
    k->g->ios_heur_sol(T, k->hx);
}

/* The penalty of one covering row short by sh (MIN_WEIGHTED's steps, or MIN_WORST's relative
 * shortfall). */
static double row_penalty(const job *k, int row, double r, double sh)
{
    if (!(sh > 0.0))
        return 0.0;
    if (k->z_col)
        return sh / r;
    const double *w = k->w + (size_t)k->cell_of[row] * (size_t)k->k_steps;
    return csi_cover_step_penalty(w, k->k_steps, sh);
}

/* A heuristic for the budget modes: round the node's LP heads down (which keeps the budget,
 * since costs are >= 0), then spend what is left greedily: in MIN_WEIGHTED on the head with
 * the largest fall in penalty per unit of budget; in MIN_WORST on a head that covers the row
 * with the worst relative shortfall (the one that lowers the sum of relative shortfalls most
 * per unit of budget), until the worst row cannot be helped within the budget. */
static void heuristic_budget(job *k, glp_tree *T)
{
    const cs_cover *c = k->c;
    const int J = c->n_pats, m = k->m, K = short_cols(k);
    glp_prob *Q = k->g->ios_get_prob(T);
    const double B = k->o->budget;
    double used = 0.0;
    for (int j = 0; j < J; j++) {
        const pattern *P = &c->pats[j];
        double v = floor(k->g->get_col_prim(Q, j + 1) + 1e-6);
        v = fmax(v, (double)P->lo);
        if (P->hi >= 0)
            v = fmin(v, (double)P->hi);
        k->hh[j] = (int)v;
        used += v * (k->o->unit == CS_COVER_HOURS ? P->paid_hours : P->cost);
    }
    if (used > B * (1.0 + 1e-12) + 1e-9)
        return;
    for (int r = 1; r <= m; r++) {
        double od = 0.0;
        for (int e = k->rs[r - 1]; e < k->rs[r]; e++)
            od += k->rv[e] * k->hh[k->rc[e] - 1];
        k->od[r] = od;
    }
    /* Pool caps, as head room per pool. */
    long room[64];
    const int np = c->n_pools < 64 ? c->n_pools : 64;
    if (c->n_pools > 64)
        return; /* more pools than this heuristic tracks: leave it to GLPK */
    for (int p = 0; p < np; p++) {
        room[p] = c->pools[p].max_heads < 0 ? LONG_MAX : c->pools[p].max_heads;
        for (int j = 0; j < J; j++)
            if (c->pats[j].pool == p)
                room[p] -= k->hh[j];
        if (room[p] < 0)
            return;
    }
    const size_t N = c->n;
    for (int guard_steps = 0; guard_steps < 1000000; guard_steps++) {
        int worst_row = 0;
        double worst = 0.0;
        if (k->z_col) {
            for (int r = 1; r <= m; r++) {
                const double rr = k->req_of[r], sh = rr - k->od[r];
                if (sh > CSI_COVER_EPS * fmax(1.0, rr) && sh / rr > worst)
                    worst = sh / rr, worst_row = r;
            }
            if (!worst_row)
                break;
        }
        int best = -1;
        double best_ratio = 0.0;
        /* Candidates: every pattern (weighted), or those covering the worst row (worst). */
        const int n_cand = k->z_col ? k->rs[worst_row] - k->rs[worst_row - 1] : J;
        for (int q = 0; q < n_cand; q++) {
            const int j = k->z_col ? k->rc[k->rs[worst_row - 1] + q] - 1 : q;
            const pattern *P = &c->pats[j];
            const double b = k->o->unit == CS_COVER_HOURS ? P->paid_hours : P->cost;
            if ((P->hi >= 0 && k->hh[j] >= P->hi) || room[P->pool] <= 0 ||
                used + b > B * (1.0 + 1e-12) + 1e-9)
                continue;
            const double keep = 1.0 - c->pools[P->pool].shrink;
            double gain = 0.0;
            for (size_t e = 0; e < P->nnz; e++) {
                const int r = k->row_of[(size_t)P->pool * N + P->idx[e]];
                if (!r)
                    continue;
                const double rr = k->req_of[r], sh = rr - k->od[r];
                if (sh > 0.0)
                    gain += row_penalty(k, r, rr, sh) -
                            row_penalty(k, r, rr, sh - keep * P->cov[e]);
            }
            if (!(gain > 1e-12))
                continue;
            const double ratio = b > 0.0 ? gain / b : HUGE_VAL;
            if (best < 0 || ratio > best_ratio)
                best = j, best_ratio = ratio;
        }
        if (best < 0)
            break;
        const pattern *P = &c->pats[best];
        const double keep = 1.0 - c->pools[P->pool].shrink;
        k->hh[best]++;
        room[P->pool]--;
        used += k->o->unit == CS_COVER_HOURS ? P->paid_hours : P->cost;
        for (size_t e = 0; e < P->nnz; e++) {
            const int r = k->row_of[(size_t)P->pool * N + P->idx[e]];
            if (r)
                k->od[r] += keep * P->cov[e];
        }
    }
    /* The full column vector: heads, then z and s (MIN_WORST) or the steps (MIN_WEIGHTED). */
    double obj = 0.0, z = 0.0;
    for (int j = 0; j < J; j++)
        k->hx[j + 1] = k->hh[j];
    for (int r = 1; r <= m; r++) {
        const double rr = k->req_of[r];
        double sh = rr - k->od[r];
        if (sh < 0.0)
            sh = 0.0;
        if (k->z_col) {
            k->hx[k->s0 + r] = sh;
            z = fmax(z, sh / rr);
        } else {
            double left = sh;
            for (int t = 0; t < K; t++) {
                const double take = t == K - 1 ? left : fmin(left, 1.0);
                k->hx[k->s0 + (r - 1) * K + t + 1] = take;
                left -= take;
            }
            obj += row_penalty(k, r, rr, sh);
        }
    }
    if (k->z_col)
        k->hx[k->z_col] = obj = z;
    if (k->g->mip_status(Q) == GLP_FEAS && !(obj < k->g->mip_obj_val(Q) - 1e-12))
        return;
    k->g->ios_heur_sol(T, k->hx);
}

static void heuristic(job *k, glp_tree *T)
{
    /* The budget heuristic costs a pass over the matrix per head added: run it at the first
     * nodes, then at every tenth. */
    k->heur_calls++;
    if (!budget_mode(k))
        heuristic_cost(k, T);
    else if (k->heur_calls <= 10 || k->heur_calls % 10 == 0)
        heuristic_budget(k, T);
}

/* The LP relaxation: k->lp_feasible 1 (k->lp_obj set), 0 (proved infeasible) or -1 (GLPK could
 * not decide; branch and bound will). */
static void run_lp(job *k, glp_prob *P)
{
    glp_smcp sm;
    k->g->init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    k->lp_feasible = -1;
    int r = k->g->simplex(P, &sm);
    if (r == 0 && k->g->get_status(P) == GLP_OPT) {
        k->lp_feasible = 1;
        k->lp_obj = k->g->get_obj_val(P);
    } else if (r == 0 && k->g->get_status(P) == GLP_NOFEAS) {
        k->lp_feasible = 0;
    }
}

/* Branch and bound (with GLPK's presolver); fills k->ret, k->status and the tree's bound. */
static void run_mip(job *k, glp_prob *P, double time_left)
{
    glp_iocp io;
    k->g->init_iocp(&io);
    io.msg_lev = GLP_MSG_OFF;
    /* The heuristic works on the original columns, which GLPK's presolver would rename. */
    io.presolve = k->heur ? GLP_OFF : GLP_ON;
    io.gmi_cuts = GLP_ON;
    io.mir_cuts = GLP_ON;
    io.cb_func = on_tree;
    io.cb_info = k;
    k->have_bound = 0;
    if (k->o->mip_gap > 0.0)
        io.mip_gap = k->o->mip_gap;
    if (k->o->time_limit > 0.0)
        io.tm_lim = time_left * 1000.0 >= (double)INT_MAX ? INT_MAX
                                                          : (int)fmax(1.0, time_left * 1000.0);
    k->ret = k->g->intopt(P, &io);
    k->status = k->g->mip_status(P);
}

/* Rounds GLPK's head counts into s->heads (they are integral to within GLPK's tolerance). */
static void take_heads(const job *k, glp_prob *P)
{
    for (int j = 0; j < k->c->n_pats; j++) {
        double v = floor(k->g->mip_col_val(P, j + 1) + 0.5);
        k->sol->heads[j] = v < 0.0 ? 0 : v > INT_MAX ? INT_MAX : (int)v;
    }
}

static const char *status_text(int ret, int status, int proved_gap)
{
    if (status == GLP_OPT)
        return "optimal";
    if (status == GLP_FEAS && ret == GLP_EMIPGAP)
        return proved_gap ? "optimal within the gap tolerance" : "stopped at the gap tolerance";
    if (status == GLP_FEAS && ret == GLP_ETMLIM)
        return "time limit, feasible";
    if (status == GLP_FEAS)
        return "feasible";
    if (status == GLP_NOFEAS || ret == GLP_ENOPFS)
        return "infeasible";
    if (ret == GLP_ETMLIM)
        return "time limit, no roster";
    return "no solution";
}

/* The solve proper: every GLPK call of a solve happens here (inside the guard). */
static cs_status solve_inner(job *k)
{
    cs_cover_solution *s = k->sol;
    const double t0 = csi_cover_wall();
    glp_prob *P = k->g->create_prob();
    build(k, P);
    s->rows = k->g->get_num_rows(P);
    s->cols = k->g->get_num_cols(P);
    s->nonzeros = k->g->get_num_nz(P);
    run_lp(k, P);
    s->lp_bound = k->lp_feasible == 1 ? k->lp_obj : -HUGE_VAL; /* -inf: GLPK could not say */
    if (k->lp_feasible == 0) {
        s->result = CS_COVER_INFEASIBLE;
        s->glpk_ret = GLP_ENOPFS;
        s->glpk_status = GLP_NOFEAS;
        s->glpk_text = "infeasible (LP relaxation)";
        k->g->delete_prob(P);
        return CS_OK;
    }
    add_rounding_rows(k, P);
    double root = s->lp_bound; /* the bound with the rounding rows, when solved here */
    k->heur = k->lp_feasible == 1 && !k->no_budget;
    if (k->heur) {
        /* Without the presolver, branch and bound must start from an optimal basis. */
        run_lp(k, P);
        if (k->lp_feasible == 1)
            root = fmax(root, k->lp_obj);
        else
            k->heur = 0;
    }
    /* MIN_WORST keeps a third of a time limit for its second stage. */
    const double share = k->z_col ? 2.0 / 3.0 : 1.0;
    const double left = k->o->time_limit > 0.0
                            ? share * k->o->time_limit - (csi_cover_wall() - t0)
                            : 0.0;
    run_mip(k, P, k->o->time_limit > 0.0 ? fmax(left, 0.001) : 0.0);
    s->glpk_ret = k->ret;
    s->glpk_status = k->status;
    if (k->status != GLP_OPT && k->status != GLP_FEAS) {
        s->result = (k->status == GLP_NOFEAS || k->ret == GLP_ENOPFS) ? CS_COVER_INFEASIBLE
                                                                     : CS_COVER_NO_SOLUTION;
        s->glpk_text = status_text(k->ret, k->status, 0);
        k->g->delete_prob(P);
        return CS_OK;
    }
    take_heads(k, P);
    const int optimal = k->status == GLP_OPT;
    const double mip_obj = k->g->mip_obj_val(P);
    s->best_bound = optimal ? mip_obj : k->have_bound ? fmax(k->bound, root) : root;
    s->result = (optimal || k->ret == GLP_EMIPGAP) ? CS_COVER_OPTIMAL : CS_COVER_FEASIBLE;
    s->glpk_text = status_text(k->ret, k->status, k->o->mip_gap > 0.0);

    /* MIN_WORST, stage 2: the least total shortfall at the worst level found. */
    if (k->z_col) {
        const double left2 =
            k->o->time_limit > 0.0 ? k->o->time_limit - (csi_cover_wall() - t0) : 0.0;
        if (k->o->time_limit <= 0.0 || left2 > 0.0) {
            const double zstar = k->g->mip_col_val(P, k->z_col);
            k->g->set_col_bnds(P, k->z_col, GLP_DB, 0.0, fmin(1.0, zstar * (1.0 + 1e-9) + 1e-12));
            k->g->set_obj_coef(P, k->z_col, 0.0);
            for (int r = 1; r <= k->m; r++)
                k->g->set_obj_coef(P, k->s0 + r, 1.0);
            job k2 = *k;
            k2.heur = 0; /* its objective is not the heuristic's */
            run_mip(&k2, P, left2);
            if (k2.status == GLP_OPT || k2.status == GLP_FEAS)
                take_heads(k, P);
            if (!(k2.status == GLP_OPT || k2.ret == GLP_EMIPGAP))
                s->glpk_text = "stage 2 (total shortfall) stopped early";
        } else {
            s->glpk_text = "stage 2 (total shortfall) skipped: time limit";
        }
    }
    k->g->delete_prob(P);
    return CS_OK;
}

/* Holds the setjmp: GLPK reports a fatal error by calling the hook, which jumps back here;
 * the environment is then unusable and the only way out is glp_free_env. */
static cs_status solve_guarded(job *k)
{
    guard g;
    const int env = k->g->init_env(); /* 0 fresh, 1 existed, 2/3 failed */
    if (env == 2)
        return cs_error_set(k->err, CS_ENOMEM, "out of memory starting GLPK");
    if (env != 0 && env != 1)
        return cs_error_set(k->err, CS_EINTERNAL, "GLPK cannot start in this program");
    const int prev_term = k->g->term_out(GLP_OFF);
    k->g->error_hook(on_glpk_error, &g);
    if (setjmp(g.jb) != 0) {
        k->g->free_env();
        return cs_error_set(k->err, CS_EINTERNAL,
                            "GLPK stopped with an internal error while solving the shift cover "
                            "(%d patterns, %zu intervals); it is out of memory or this is a bug",
                            k->c->n_pats, k->c->n);
    }
    cs_status st = solve_inner(k);
    k->g->error_hook(NULL, NULL);
    if (env == 0)
        k->g->free_env();
    else
        k->g->term_out(prev_term);
    return st;
}

typedef struct by_cost {
    double cost;
    int j;
} by_cost;

/* Dearest first; ties by index, so the order (and the roster) does not depend on qsort. */
static int cmp_by_cost(const void *a, const void *b)
{
    const by_cost *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost > y->cost ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

/* Allocates the scratch of a solve (the covering rows as CSR, the matrix arrays), runs it
 * inside the guard, frees the scratch. */
cs_status csi_cover_run(job *k)
{
    const cs_cover *c = k->c;
    const size_t N = c->n, cells = (size_t)c->n_pools * N;
    const int J = c->n_pats;
    struct csi_glpk g;
    cs_status st = glpk_load(&g, k->err);
    if (st != CS_OK)
        return st;
    k->g = &g;
    k->row_of = malloc((cells ? cells : 1) * sizeof *k->row_of);
    if (!k->row_of)
        return cs_error_set(k->err, CS_ENOMEM, "out of memory building the cover problem");
    int m = 0;
    for (int p = 0; p < c->n_pools; p++)
        for (size_t i = 0; i < N; i++)
            k->row_of[(size_t)p * N + i] = c->pools[p].req[i] > 0.0 ? ++m : 0;
    k->m = m;
    size_t ent = 0;
    for (int j = 0; j < J; j++)
        for (size_t q = 0; q < c->pats[j].nnz; q++)
            ent += k->row_of[(size_t)c->pats[j].pool * N + c->pats[j].idx[q]] != 0;
    const size_t K = (size_t)short_cols(k);
    k->cap_nz = ent + (size_t)m * (K + 2) + 2 * (size_t)J;
    k->rs = calloc((size_t)m + 2, sizeof *k->rs);
    k->rc = malloc((ent + 1) * sizeof *k->rc);
    k->rv = malloc((ent + 1) * sizeof *k->rv);
    k->ia = malloc((k->cap_nz + 1) * sizeof *k->ia);
    k->ja = malloc((k->cap_nz + 1) * sizeof *k->ja);
    k->ar = malloc((k->cap_nz + 1) * sizeof *k->ar);
    k->ind = malloc(((size_t)J + K + 2) * sizeof *k->ind);
    k->val = malloc(((size_t)J + K + 2) * sizeof *k->val);
    k->order = malloc(((size_t)J + 1) * sizeof *k->order);
    k->hh = malloc(((size_t)J + 1) * sizeof *k->hh);
    k->hx = malloc(((size_t)J + (size_t)m * K + 3) * sizeof *k->hx);
    k->od = malloc(((size_t)m + 2) * sizeof *k->od);
    k->cell_of = malloc(((size_t)m + 2) * sizeof *k->cell_of);
    k->req_of = malloc(((size_t)m + 2) * sizeof *k->req_of);
    by_cost *bc = malloc(((size_t)J + 1) * sizeof *bc);
    if (!k->rs || !k->rc || !k->rv || !k->ia || !k->ja || !k->ar || !k->ind || !k->val ||
        !k->order || !k->hh || !k->hx || !k->od || !k->cell_of || !k->req_of || !bc) {
        st = cs_error_set(k->err, CS_ENOMEM,
                          "out of memory building the cover problem (%zu matrix entries)",
                          k->cap_nz);
    } else {
        /* Counting sort of the patterns' entries by row; within a row, by column. */
        for (int j = 0; j < J; j++)
            for (size_t q = 0; q < c->pats[j].nnz; q++) {
                const int row = k->row_of[(size_t)c->pats[j].pool * N + c->pats[j].idx[q]];
                if (row)
                    k->rs[row]++;
            }
        for (int r = 1; r <= m; r++)
            k->rs[r] += k->rs[r - 1];
        int *fill = k->ia; /* borrowed as the fill pointers until build() */
        for (int r = 0; r <= m; r++)
            fill[r] = k->rs[r];
        for (int j = 0; j < J; j++) {
            const pattern *Q = &c->pats[j];
            const double keep = 1.0 - c->pools[Q->pool].shrink;
            for (size_t q = 0; q < Q->nnz; q++) {
                const int row = k->row_of[(size_t)Q->pool * N + Q->idx[q]];
                if (row) {
                    const int e = fill[row - 1]++;
                    k->rc[e] = j + 1;
                    k->rv[e] = keep * Q->cov[q];
                }
            }
        }
        for (size_t cell = 0; cell < cells; cell++)
            if (k->row_of[cell]) {
                k->cell_of[k->row_of[cell]] = (int)cell;
                k->req_of[k->row_of[cell]] = c->pools[cell / N].req[cell % N];
            }
        for (int j = 0; j < J; j++)
            bc[j].cost = c->pats[j].cost, bc[j].j = j;
        qsort(bc, (size_t)J, sizeof *bc, cmp_by_cost);
        for (int j = 0; j < J; j++)
            k->order[j] = bc[j].j;
        st = solve_guarded(k);
    }
    free(bc);
    free(k->row_of), free(k->rs), free(k->rc), free(k->rv);
    free(k->ia), free(k->ja), free(k->ar), free(k->ind), free(k->val);
    free(k->order), free(k->hh), free(k->hx), free(k->od), free(k->cell_of), free(k->req_of);
    k->row_of = k->rs = k->rc = k->ia = k->ja = k->ind = k->order = k->hh = k->cell_of = NULL;
    k->rv = k->ar = k->val = k->hx = k->od = k->req_of = NULL;
    k->g = NULL;
    return st;
}

typedef struct probe {
    const struct csi_glpk *g;
    int env;
} probe;

static void *probe_env(void *arg)
{
    probe *pr = arg;
    pr->env = pr->g->init_env();
    if (pr->env == 0)
        pr->g->free_env();
    return NULL;
}

int cs_cover_glpk_thread_local(void)
{
    struct csi_glpk g;
    if (glpk_load(&g, NULL) != CS_OK)
        return -1;
    const int env = g.init_env();
    if (env != 0 && env != 1)
        return -1;
    probe pr = {&g, -1};
    pthread_t t;
    int ok = pthread_create(&t, NULL, probe_env, &pr) == 0;
    if (ok)
        pthread_join(t, NULL);
    if (env == 0)
        g.free_env();
    if (!ok)
        return -1;
    return pr.env == 0 ? 1 : pr.env == 1 ? 0 : -1;
}
