/* Calibration by root finding or Nelder-Mead on common random numbers.  See
 * experiments/calibrate.h. */
#include "experiments/calibrate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_roots.h>

#include "sim/stat.h"

#define MAX_CORNERS 8   /* 2^3: at most 3 integer inputs are interpolated together */

/* One run: the inputs exactly as built, and the matched KPIs of every replication. */
typedef struct entry {
    double key[CS_CAL_MAX_FREE];
    double *vals;   /* [m][reps] */
} entry;

typedef struct cal {
    const cs_cal_free *fr;
    size_t k;
    const cs_cal_match *mt;
    size_t m;              /* every KPI (figures first, then watched ones) */
    size_t m_fit;          /* the figures */
    const cs_scn *base;
    cs_exp_build_fn *build;
    void *ud;
    const cs_cal_opts *opts;
    uint32_t reps;
    entry *cache;
    size_t n_cache, cap_cache;
    cs_status st;          /* sticky: the first failure stops the solver */
    cs_error *err;
    int evals;
    double scale[CS_CAL_MAX_MATCH];
} cal;

static int same_key(const double *a, const double *b, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static entry *find(cal *c, const double *key)
{
    for (size_t i = 0; i < c->n_cache; i++)
        if (same_key(c->cache[i].key, key, c->k)) return &c->cache[i];
    return NULL;
}

/* The runs that x needs: integer inputs at floor and floor + 1 (one run when x is whole), with
 * the interpolation weight of each. */
static size_t corners(const cal *c, const double *x, double (*keys)[CS_CAL_MAX_FREE], double *w)
{
    size_t n = 1;
    for (size_t i = 0; i < c->k; i++) keys[0][i] = x[i];
    w[0] = 1;
    for (size_t i = 0; i < c->k; i++) {
        if (!c->fr[i].in.whole) continue;
        double fl = floor(x[i] + 1e-9), fr = x[i] - fl;
        if (fr < 1e-9) fr = 0;
        for (size_t j = 0; j < n; j++) keys[j][i] = fl;
        if (fr == 0) continue;   /* cs_cal_run allows 3 integer inputs: n stays <= MAX_CORNERS */
        for (size_t j = 0; j < n; j++) {
            memcpy(keys[n + j], keys[j], sizeof keys[j]);
            keys[n + j][i] = fl + 1;
            w[n + j] = w[j] * fr;
            w[j] *= 1 - fr;
        }
        n *= 2;
    }
    return n;
}

/* Makes sure every key of keys[0..n) has been run: the missing ones are built and run as one
 * batch. */
static cs_status ensure(cal *c, double (*keys)[CS_CAL_MAX_FREE], size_t n)
{
    if (c->st != CS_OK) return c->st;
    size_t miss[64], nm = 0;
    for (size_t i = 0; i < n && nm < 64; i++) {
        if (find(c, keys[i])) continue;
        int dup = 0;
        for (size_t j = 0; j < nm; j++)
            if (same_key(keys[miss[j]], keys[i], c->k)) dup = 1;
        if (!dup) miss[nm++] = i;
    }
    if (nm == 0) return CS_OK;
    cs_scn *scns[64] = {0};
    cs_results *res[64] = {0};
    cs_status st = CS_OK;
    for (size_t j = 0; j < nm && st == CS_OK; j++) {
        cs_exp_setting set[CS_CAL_MAX_FREE];
        for (size_t i = 0; i < c->k; i++) set[i] = (cs_exp_setting){i, NULL, keys[miss[j]][i]};
        st = c->build(c->ud, set, c->k, &scns[j], c->err);
    }
    if (st == CS_OK) st = cs_exp_run(scns, nm, c->base, NULL, &c->opts->run, res, c->err);
    for (size_t j = 0; j < nm && st == CS_OK; j++) {
        if (c->n_cache == c->cap_cache) {
            size_t cap = c->cap_cache ? 2 * c->cap_cache : 64;
            entry *e = realloc(c->cache, cap * sizeof *e);
            if (!e) {
                st = cs_error_set(c->err, CS_ENOMEM, "out of memory");
                break;
            }
            c->cache = e;
            c->cap_cache = cap;
        }
        entry *e = &c->cache[c->n_cache];
        memcpy(e->key, keys[miss[j]], sizeof e->key);
        e->vals = malloc(c->m * c->reps * sizeof *e->vals);
        if (!e->vals) {
            st = cs_error_set(c->err, CS_ENOMEM, "out of memory");
            break;
        }
        for (size_t q = 0; q < c->m; q++) {
            const double *v = cs_exp_kpi_reps(res[j], &c->mt[q].kpi);
            for (uint32_t r = 0; r < c->reps; r++) e->vals[q * c->reps + r] = v ? v[r] : NAN;
        }
        c->n_cache++;
    }
    for (size_t j = 0; j < nm; j++) {
        cs_results_free(res[j]);
        cs_scn_free(scns[j]);
    }
    c->st = st;
    return st;
}

/* Per-replication KPIs at x, interpolated over integer inputs: v[m][reps]. */
static cs_status values_at(cal *c, const double *x, double *v)
{
    double keys[MAX_CORNERS][CS_CAL_MAX_FREE], w[MAX_CORNERS];
    size_t n = corners(c, x, keys, w);
    cs_status st = ensure(c, keys, n);
    if (st != CS_OK) return st;
    for (size_t i = 0; i < c->m * c->reps; i++) v[i] = 0;
    for (size_t j = 0; j < n; j++) {
        const entry *e = find(c, keys[j]);
        for (size_t i = 0; i < c->m * c->reps; i++) v[i] += w[j] * e->vals[i];
    }
    return CS_OK;
}

/* Runs every point of xs[0..n) in one batch (their corners), so the threads are shared. */
static cs_status prefetch(cal *c, const double (*xs)[CS_CAL_MAX_FREE], size_t n)
{
    double keys[64][CS_CAL_MAX_FREE], w[MAX_CORNERS];
    size_t nk = 0;
    for (size_t p = 0; p < n; p++) {
        double kk[MAX_CORNERS][CS_CAL_MAX_FREE];
        size_t nc = corners(c, xs[p], kk, w);
        for (size_t j = 0; j < nc && nk < 64; j++) memcpy(keys[nk++], kk[j], sizeof kk[j]);
    }
    return ensure(c, keys, nk);
}

static void means(const cal *c, const double *v, double *mean, double *ci)
{
    for (size_t q = 0; q < c->m; q++) {
        double h;
        cs_ci95(v + q * c->reps, c->reps, &mean[q], &h);
        if (ci) ci[q] = h;
    }
}

static double objective_of(const cal *c, const double *mean)
{
    double s = 0;
    for (size_t q = 0; q < c->m_fit; q++) {
        double d = (mean[q] - c->mt[q].target) / c->scale[q];
        s += isfinite(d) ? d * d : 1e30;   /* an undefined KPI is as bad as it gets */
    }
    return s;
}

static double eval_x(cal *c, const double *x)
{
    double *v = malloc(c->m * c->reps * sizeof *v), mean[CS_CAL_MAX_MATCH];
    if (!v) {
        c->st = cs_error_set(c->err, CS_ENOMEM, "out of memory");
        return GSL_NAN;
    }
    double s = GSL_NAN;
    if (values_at(c, x, v) == CS_OK) {
        means(c, v, mean, NULL);
        s = objective_of(c, mean);
    }
    free(v);
    c->evals++;
    if (c->opts->log && c->st == CS_OK) c->opts->log(c->opts->log_ud, c->evals, x, c->k, s);
    return s;
}

/* ---- the mapping of each input into its range ------------------------------------------- */

static double z_to_x(const cs_cal_free *f, double z) { return f->lo + (f->hi - f->lo) * (1 + sin(z)) / 2; }

static double x_to_z(const cs_cal_free *f, double x)
{
    double u = 2 * (x - f->lo) / (f->hi - f->lo) - 1;
    if (u > 1) u = 1;
    if (u < -1) u = -1;
    return asin(u);
}

static double simplex_f(const gsl_vector *z, void *params)
{
    cal *c = params;
    if (c->st != CS_OK) return GSL_NAN;
    double x[CS_CAL_MAX_FREE];
    for (size_t i = 0; i < c->k; i++) x[i] = z_to_x(&c->fr[i], gsl_vector_get(z, i));
    return eval_x(c, x);
}

typedef struct root_ctx {
    cal *c;
    double x[CS_CAL_MAX_FREE];
} root_ctx;

static double root_g(double x, void *params)
{
    root_ctx *rc = params;
    cal *c = rc->c;
    if (c->st != CS_OK) return GSL_NAN;
    rc->x[0] = x;
    double *v = malloc(c->m * c->reps * sizeof *v), mean[CS_CAL_MAX_MATCH];
    if (!v) {
        c->st = cs_error_set(c->err, CS_ENOMEM, "out of memory");
        return GSL_NAN;
    }
    double g = GSL_NAN;
    if (values_at(c, rc->x, v) == CS_OK) {
        means(c, v, mean, NULL);
        g = mean[0] - c->mt[0].target;
    }
    free(v);
    c->evals++;
    if (c->opts->log && c->st == CS_OK)
        c->opts->log(c->opts->log_ud, c->evals, rc->x, 1, (g / c->scale[0]) * (g / c->scale[0]));
    return g;
}

/* ---- solvers ---------------------------------------------------------------------------- */

static void solve_root(cal *c, cs_cal_result *r, int max_iter)
{
    root_ctx rc = {c, {0}};
    const cs_cal_free *f = &c->fr[0];
    double both[2][CS_CAL_MAX_FREE] = {{f->lo}, {f->hi}};
    if (prefetch(c, (const double (*)[CS_CAL_MAX_FREE])both, 2) != CS_OK) return;
    double glo = root_g(f->lo, &rc), ghi = root_g(f->hi, &rc);
    if (c->st != CS_OK) return;
    if (!(isfinite(glo) && isfinite(ghi)) || (glo > 0) == (ghi > 0) || glo == 0 || ghi == 0) {
        if (glo == 0 || ghi == 0) {
            r->x[0] = glo == 0 ? f->lo : f->hi;
            r->converged = 1;
            return;
        }
        /* No sign change: the figure is not reached in the range; take the closer end. */
        r->unreachable = 1;
        r->x[0] = fabs(glo) <= fabs(ghi) || !isfinite(ghi) ? f->lo : f->hi;
        return;
    }
    gsl_function fn = {root_g, &rc};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s) {
        c->st = cs_error_set(c->err, CS_ENOMEM, "out of memory");
        return;
    }
    gsl_root_fsolver_set(s, &fn, f->lo, f->hi);
    double tol = (f->in.whole ? 1e-3 : 1e-5) * (f->hi - f->lo);
    int it = 0, status = GSL_CONTINUE;
    while (status == GSL_CONTINUE && it < max_iter && c->st == CS_OK) {
        it++;
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS) break;
        status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s), tol, 0);
    }
    r->x[0] = gsl_root_fsolver_root(s);
    r->converged = status == GSL_SUCCESS;
    r->iterations = it;
    gsl_root_fsolver_free(s);
}

static void solve_simplex(cal *c, cs_cal_result *r, int max_iter)
{
    size_t k = c->k;
    gsl_vector *z = gsl_vector_alloc(k), *step = gsl_vector_alloc(k);
    gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, k);
    if (!z || !step || !s) {
        c->st = cs_error_set(c->err, CS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < k; i++) {
        const cs_cal_free *f = &c->fr[i];
        double x0 = isfinite(f->start) ? f->start : (f->lo + f->hi) / 2;
        gsl_vector_set(z, i, x_to_z(f, x0));
        gsl_vector_set(step, i, 0.6);   /* about a quarter of the range around the middle */
    }
    gsl_multimin_function fn = {simplex_f, k, c};
    if (gsl_multimin_fminimizer_set(s, &fn, z, step) != GSL_SUCCESS || c->st != CS_OK) {
        if (c->st == CS_OK)
            c->st = cs_error_set(c->err, CS_EINPUT, "the starting point gives undefined KPIs; narrow the ranges");
        goto done;
    }
    int it = 0, status = GSL_CONTINUE;
    while (status == GSL_CONTINUE && it < max_iter && c->st == CS_OK) {
        it++;
        if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS) break;
        status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), 2e-3);
        if (gsl_multimin_fminimizer_minimum(s) < 1e-10) status = GSL_SUCCESS;
    }
    for (size_t i = 0; i < k; i++) r->x[i] = z_to_x(&c->fr[i], gsl_vector_get(gsl_multimin_fminimizer_x(s), i));
    r->converged = status == GSL_SUCCESS;
    r->iterations = it;
done:
    gsl_multimin_fminimizer_free(s);
    gsl_vector_free(z);
    gsl_vector_free(step);
}

/* ---- uncertainty and diagnostics --------------------------------------------------------- */

/* Covariance across replications of the KPI means: C[q][p] = cov(v_q, v_p) / n. */
static void mean_cov(const cal *c, const double *v, double C[CS_CAL_MAX_MATCH][CS_CAL_MAX_MATCH])
{
    uint32_t n = c->reps;
    double mu[CS_CAL_MAX_MATCH];
    means(c, v, mu, NULL);
    for (size_t q = 0; q < c->m_fit; q++)
        for (size_t p = 0; p < c->m_fit; p++) {
            double s = 0;
            uint32_t cnt = 0;
            for (uint32_t r = 0; r < n; r++) {
                double a = v[q * n + r], b = v[p * n + r];
                if (!isfinite(a) || !isfinite(b)) continue;
                s += (a - mu[q]) * (b - mu[p]);
                cnt++;
            }
            C[q][p] = cnt > 1 ? s / (cnt - 1) / cnt : NAN;
        }
}

static cs_status uncertainty(cal *c, cs_cal_result *r)
{
    size_t k = c->k, m = c->m_fit;
    /* Central differences (one-sided at a bound): 1% of the range, or one person. */
    double pts[2 * CS_CAL_MAX_FREE][CS_CAL_MAX_FREE], dx[CS_CAL_MAX_FREE];
    for (size_t i = 0; i < k; i++) {
        const cs_cal_free *f = &c->fr[i];
        double h = f->in.whole ? 1.0 : 0.01 * (f->hi - f->lo);
        double a = r->x[i] - h, b = r->x[i] + h;
        if (a < f->lo) a = f->lo;
        if (b > f->hi) b = f->hi;
        memcpy(pts[2 * i], r->x, sizeof r->x);
        memcpy(pts[2 * i + 1], r->x, sizeof r->x);
        pts[2 * i][i] = a;
        pts[2 * i + 1][i] = b;
        dx[i] = b - a;
    }
    cs_status st = prefetch(c, (const double (*)[CS_CAL_MAX_FREE])pts, 2 * k);
    double *v = malloc(c->m * c->reps * sizeof *v), *v2 = malloc(c->m * c->reps * sizeof *v2);
    if (!v || !v2) st = cs_error_set(c->err, CS_ENOMEM, "out of memory");
    for (size_t i = 0; st == CS_OK && i < k; i++) {
        double ma[CS_CAL_MAX_MATCH], mb[CS_CAL_MAX_MATCH];
        if ((st = values_at(c, pts[2 * i], v)) != CS_OK) break;
        means(c, v, ma, NULL);
        if ((st = values_at(c, pts[2 * i + 1], v)) != CS_OK) break;
        means(c, v, mb, NULL);
        for (size_t q = 0; q < c->m; q++) r->jac[q][i] = dx[i] > 0 ? (mb[q] - ma[q]) / dx[i] : NAN;
    }
    double C[CS_CAL_MAX_MATCH][CS_CAL_MAX_MATCH];
    if (st == CS_OK) st = values_at(c, r->x, v);
    if (st == CS_OK) {
        means(c, v, r->fit, r->fit_ci);
        r->objective = objective_of(c, r->fit);
        mean_cov(c, v, C);
    }
    if (st == CS_OK) st = values_at(c, r->xr, v2);
    if (st == CS_OK) means(c, v2, r->fitr, r->fitr_ci);
    free(v2);
    if (st != CS_OK) {
        free(v);
        return st;
    }
    for (size_t i = 0; i < k; i++) r->x_ci[i] = NAN;

    /* Scaled Jacobian: rows in standard errors, columns across each whole range.  Padded with
     * zero rows to k x k at least, so its SVD also shows the null directions when m < k. */
    size_t rows = m > k ? m : k;
    gsl_matrix *A = gsl_matrix_calloc(rows, k), *V = gsl_matrix_alloc(k, k);
    gsl_vector *S = gsl_vector_alloc(k), *work = gsl_vector_alloc(k);
    if (!A || !V || !S || !work) {
        st = cs_error_set(c->err, CS_ENOMEM, "out of memory");
        goto done;
    }
    int finite = 1;
    for (size_t q = 0; q < m; q++)
        for (size_t i = 0; i < k; i++) {
            double a = r->jac[q][i] * (c->fr[i].hi - c->fr[i].lo) / c->scale[q];
            if (!isfinite(a)) finite = 0;
            gsl_matrix_set(A, q, i, isfinite(a) ? a : 0);
        }
    if (gsl_linalg_SV_decomp(A, V, S, work) != GSL_SUCCESS) finite = 0;
    double smax = gsl_vector_get(S, 0), smin = gsl_vector_get(S, k - 1);
    r->cond = smax > 0 ? smin / smax : 0;
    for (size_t i = 0; i < k; i++) r->flat_dir[i] = gsl_matrix_get(V, i, k - 1);
    r->underdetermined = m < k;   /* m: the figures */
    if (!finite || r->underdetermined || r->cond < 1e-2) r->flat = 1;
    if (!finite || r->underdetermined || !(r->cond > 1e-12)) goto done;

    /* Cov(x) = B C B' with B = (J'WJ)^-1 J'W (first order). */
    {
        double Mk[CS_CAL_MAX_FREE * CS_CAL_MAX_FREE] = {0};   /* J'WJ, k x k, contiguous */
        for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b < k; b++)
                for (size_t q = 0; q < m; q++)
                    Mk[a * k + b] += r->jac[q][a] * r->jac[q][b] / (c->scale[q] * c->scale[q]);
        gsl_matrix_view M = gsl_matrix_view_array(Mk, k, k);
        gsl_matrix *Minv = gsl_matrix_alloc(k, k);
        gsl_permutation *perm = gsl_permutation_alloc(k);
        int sgn;
        if (Minv && perm && gsl_linalg_LU_decomp(&M.matrix, perm, &sgn) == GSL_SUCCESS &&
            gsl_linalg_LU_invert(&M.matrix, perm, Minv) == GSL_SUCCESS) {
            double B[CS_CAL_MAX_FREE][CS_CAL_MAX_MATCH];
            for (size_t a = 0; a < k; a++)
                for (size_t q = 0; q < m; q++) {
                    double s = 0;
                    for (size_t b = 0; b < k; b++) s += gsl_matrix_get(Minv, a, b) * r->jac[q][b];
                    B[a][q] = s / (c->scale[q] * c->scale[q]);
                }
            double t = c->reps > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(c->reps - 1)) : NAN;
            for (size_t a = 0; a < k; a++) {
                double var = 0;
                for (size_t q = 0; q < m; q++)
                    for (size_t p = 0; p < m; p++) var += B[a][q] * C[q][p] * B[a][p];
                r->x_ci[a] = var >= 0 ? t * sqrt(var) : NAN;
                if (r->x_ci[a] > 0.5 * (c->fr[a].hi - c->fr[a].lo)) r->flat = 1;
            }
            /* Watched KPIs: per replication KPI_w - J_w B KPI_fitted (see the header). */
            double *u = malloc(c->reps * sizeof *u);
            for (size_t w = m; u && w < c->m; w++) {
                double coef[CS_CAL_MAX_MATCH] = {0};
                for (size_t q = 0; q < m; q++)
                    for (size_t a = 0; a < k; a++) coef[q] -= r->jac[w][a] * B[a][q];
                for (uint32_t rr = 0; rr < c->reps; rr++) {
                    u[rr] = v[w * c->reps + rr];
                    for (size_t q = 0; q < m; q++) u[rr] += coef[q] * v[q * c->reps + rr];
                }
                double mu, h;
                cs_ci95(u, c->reps, &mu, &h);
                if (isfinite(h)) r->fit_ci[w] = h;
            }
            free(u);
        } else {
            r->flat = 1;
        }
        gsl_matrix_free(Minv);
        gsl_permutation_free(perm);
    }
done:
    free(v);
    gsl_matrix_free(A);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(work);
    return st;
}

cs_status cs_cal_run(const cs_cal_free *fr, size_t k, const cs_cal_match *mt, size_t m, const cs_scn *base,
                     cs_exp_build_fn *build, void *ud, const cs_cal_opts *opts, cs_cal_result *r, cs_error *err)
{
    CS_REQUIRE(k >= 1 && k <= CS_CAL_MAX_FREE && m >= 1 && m <= CS_CAL_MAX_MATCH);
    memset(r, 0, sizeof *r);
    cs_cal_opts none;
    memset(&none, 0, sizeof none);
    if (!opts) opts = &none;
    cal c;
    memset(&c, 0, sizeof c);
    c.fr = fr;
    c.k = k;
    c.mt = mt;
    c.m = m;
    while (c.m_fit < m && !mt[c.m_fit].watch) c.m_fit++;
    for (size_t q = c.m_fit; q < m; q++) CS_REQUIRE(mt[q].watch);   /* figures first */
    if (c.m_fit == 0) return cs_error_set(err, CS_EINPUT, "calibration needs at least one figure to match");
    c.base = base;
    c.build = build;
    c.ud = ud;
    c.opts = opts;
    c.reps = (uint32_t)base->replications;
    c.err = err;
    if (c.reps < 2) return cs_error_set(err, CS_EINPUT, "calibration needs at least 2 replications (--reps)");
    size_t n_whole = 0;
    for (size_t i = 0; i < k; i++) n_whole += fr[i].in.whole != 0;
    if (n_whole > 3)
        return cs_error_set(err, CS_EINPUT, "at most 3 whole-number inputs (headcounts) can be free together");

    /* Scales: the standard error of each KPI at the start, with a floor so that a KPI that
     * happens not to vary there still counts. */
    double x0[CS_CAL_MAX_FREE];
    for (size_t i = 0; i < k; i++) x0[i] = isfinite(fr[i].start) ? fr[i].start : (fr[i].lo + fr[i].hi) / 2;
    double *v = malloc(m * c.reps * sizeof *v);
    if (!v) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_status st = values_at(&c, x0, v);
    if (st == CS_OK) {
        double mean[CS_CAL_MAX_MATCH], ci[CS_CAL_MAX_MATCH];
        means(&c, v, mean, ci);
        double t = gsl_cdf_tdist_Pinv(0.975, (double)(c.reps - 1));
        for (size_t q = 0; q < m; q++) {
            double se = isfinite(ci[q]) ? ci[q] / t : NAN, floor_ = 1e-3 * fabs(mt[q].target);
            if (!(floor_ > 0)) floor_ = 1e-9;
            c.scale[q] = isfinite(se) && se > floor_ ? se : floor_;
        }
    }
    free(v);
    int max_iter = opts->max_iter > 0 ? opts->max_iter : 150;
    if (st == CS_OK) {
        if (k == 1 && c.m_fit == 1) {
            r->method = CS_CAL_ROOT;
            solve_root(&c, r, max_iter);
        } else {
            r->method = CS_CAL_SIMPLEX;
            solve_simplex(&c, r, max_iter);
        }
        st = c.st;
    }
    if (st == CS_OK) {
        for (size_t i = 0; i < k; i++) {
            r->xr[i] = fr[i].in.whole ? floor(r->x[i] + 0.5) : r->x[i];
            double tol = 0.005 * (fr[i].hi - fr[i].lo);
            r->at_bound[i] = r->x[i] <= fr[i].lo + tol ? -1 : r->x[i] >= fr[i].hi - tol ? 1 : 0;
        }
        memcpy(r->scale, c.scale, sizeof r->scale);
        st = uncertainty(&c, r);
    }
    r->runs = (int)c.n_cache;
    for (size_t i = 0; i < c.n_cache; i++) free(c.cache[i].vals);
    free(c.cache);
    return st;
}
