/* Internals of experiments/cover, shared by its two files and by nothing else: cover.c (the
 * problem, rosters, messages, the solve front end) and cover_glpk.c (the integer program in
 * GLPK; the only file that includes glpk.h).  Split because together they exceed the house
 * limit on file length. */
#ifndef CS_COVER_INT_H
#define CS_COVER_INT_H

#include "experiments/cover.h"

/* A requirement is met when short by less than this (relative to max(1, r)): GLPK's primal
 * feasibility tolerance is 1e-7 relative, and requirements are counts of people. */
#define CSI_COVER_EPS 1e-6

typedef struct csi_cover_pool {
    char name[CS_COVER_NAME_MAX];
    double shrink, cost_per_hour;
    int max_heads;
    double *req; /* N */
} csi_cover_pool;

typedef struct csi_cover_pattern {
    char name[CS_COVER_NAME_MAX];
    int pool;
    double paid_hours, cost;
    int lo, hi; /* hi < 0: no limit */
    int people; /* per head */
    cs_cover_shape shape;
    size_t nnz;
    size_t *idx; /* ascending interval indices */
    double *cov;
} csi_cover_pattern;

struct cs_cover {
    size_t n;
    cs_cover_interval *grid;
    csi_cover_pool *pools;
    int n_pools, cap_pools;
    csi_cover_pattern *pats;
    int n_pats, cap_pats;
};

struct csi_glpk; /* GLPK's functions, loaded on first use (cover_glpk.c) */

/* What one solve needs and what it found; lives in the caller's frame of csi_cover_run. */
typedef struct csi_cover_job {
    const struct csi_glpk *g; /* set by csi_cover_run for the solve */
    const cs_cover *c;
    const cs_cover_opts *o;
    int no_budget;      /* the infeasibility diagnosis: weighted mode without a budget row */
    const double *w;    /* weights in use (o->weights, or unit weights for the diagnosis) */
    int k_steps;
    cs_cover_solution *sol;
    cs_error *err;
    /* scratch, allocated before the jump point (see cover_glpk.c) */
    int m;              /* covering rows */
    int *row_of;        /* per cell: covering row, 0 = none */
    int *rs, *rc;       /* covering rows as CSR over head columns: row r has entries */
    double *rv;         /*   rs[r - 1] .. rs[r] - 1, columns rc[], coefficients rv[] */
    int *ia, *ja;       /* the matrix for glp_load_matrix (1-based) */
    double *ar;
    size_t cap_nz;
    int *ind;           /* one row for glp_set_mat_row (1-based) */
    double *val;
    int *order;         /* patterns by cost, dearest first (the rounding heuristic) */
    int *hh;            /* heads of a heuristic roster */
    double *hx, *od;    /* the same as doubles (1-based, for GLPK); on duty per covering row */
    /* the model */
    int z_col, s0;      /* MIN_WORST's z; shortfall columns start after s0 */
    int heur;           /* 1: offer GLPK heuristic rosters (then no presolve) */
    long heur_calls;
    int *cell_of;       /* per covering row (1-based): its cell p * N + i */
    double *req_of;     /* per covering row (1-based): its requirement */
    /* results */
    double lp_obj, bound;
    int have_bound, lp_feasible;
    int ret, status;
} csi_cover_job;

/* The weighted shortfall of one cell short by `sh` handlers: steps of one handler each, the
 * last step open-ended (cover.h, MIN_WEIGHTED). */
double csi_cover_step_penalty(const double *w, int k_steps, double sh);

/* Seconds on a monotonic wall clock. */
double csi_cover_wall(void);

/* Builds and solves k's integer program: fills k->sol's result, heads, bounds and GLPK fields
 * (not the roster figures).  CS_OK also when the result is INFEASIBLE or NO_SOLUTION; errors
 * are CS_ENOMEM and CS_EINTERNAL. */
cs_status csi_cover_run(csi_cover_job *k);

#endif
