/* Batches of runs on common random numbers, KPI references, paired differences.  See
 * experiments/experiment.h. */
#include "experiments/experiment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/centre.h"
#include "sim/rep.h"
#include "sim/stat.h"

const int cs_exp_headline[CS_EXP_N_HEADLINE] = {CS_LK_OFFERED, CS_LK_ABANDON_RATE, CS_LK_SERVICE_LEVEL,
                                                CS_LK_ASA, CS_LK_FROM_101};

/* ---- the batch runner ------------------------------------------------------------------- */

typedef struct batch {
    cs_scn *const *scns;
    const char *const *labels;
    cs_results **res;
    uint32_t reps;
    cs_ctr **ctr;          /* [workers]: the engine of the scenario the worker last ran */
    size_t *ctr_of;        /* [workers]: which scenario that is (SIZE_MAX: none) */
    const cs_exp_opts *opts;
    uint32_t total;
} batch;

/* Job j is replication j % reps of scenario j / reps: jobs are handed out in order, so a worker
 * mostly stays on one scenario and its engine is rebuilt only when it moves on. */
static cs_status one_job(void *ud, int worker, uint32_t job, cs_error *err)
{
    batch *b = ud;
    size_t s = job / b->reps;
    uint32_t rep = job % b->reps;
    if (b->ctr_of[worker] != s) {
        cs_ctr_destroy(b->ctr[worker]);
        b->ctr_of[worker] = SIZE_MAX;
        b->ctr[worker] = cs_ctr_create(b->scns[s], err);
        if (!b->ctr[worker]) return err && err->code != CS_OK ? err->code : CS_ENOMEM;
        b->ctr_of[worker] = s;
    }
    cs_status st = cs_ctr_run(b->ctr[worker], rep, &b->res[s]->reps[rep], err);
    if (st != CS_OK && err && b->labels && b->labels[s]) {
        char msg[sizeof err->msg];
        memcpy(msg, err->msg, sizeof msg);
        cs_error_set(err, st, "%.100s: %.600s", b->labels[s], msg);
    }
    return st;
}

/* A job's output for another MPI rank (sim/rep.h): the replication's raw sums.  Every rank
 * then holds every scenario's results, so a loop that decides from them (calibrate) takes the
 * same decisions everywhere. */
static cs_status pack_job(void *ud, uint32_t job, uint32_t part, cs_rep_pack *out, cs_error *err)
{
    (void)part;
    (void)err;
    batch *b = ud;
    cs_repstats_pack(&b->res[job / b->reps]->reps[job % b->reps], out);
    return CS_OK;
}

static cs_status unpack_job(void *ud, uint32_t job, uint32_t part, cs_rep_unpack *in, cs_error *err)
{
    (void)part;
    batch *b = ud;
    size_t s = job / b->reps;
    if (cs_repstats_unpack(&b->res[s]->reps[job % b->reps], in) != 0) {
        char where[120] = "";
        if (b->labels && b->labels[s]) snprintf(where, sizeof where, "%.100s: ", b->labels[s]);
        return cs_error_set(err, CS_EINTERNAL, "%sreplication %u: results from another MPI rank have another shape "
                            "(ranks running different scenario files?)", where, job % b->reps + 1);
    }
    return CS_OK;
}

static cs_status one_item(void *ud, int worker, uint32_t job, uint32_t part, cs_error *err)
{
    (void)part;
    return one_job(ud, worker, job, err);
}

static void tick(void *ud, uint32_t done)
{
    batch *b = ud;
    b->opts->progress(b->opts->progress_ud, done, b->total, (double)done, (double)b->total);
}

cs_status cs_exp_run(cs_scn *const *scns, size_t n, const cs_scn *crn, const char *const *labels,
                     const cs_exp_opts *opts, cs_results **res, cs_error *err)
{
    cs_exp_opts none;
    memset(&none, 0, sizeof none);
    if (!opts) opts = &none;
    for (size_t i = 0; i < n; i++) res[i] = NULL;
    if (n == 0) return CS_OK;
    uint32_t reps = (uint32_t)crn->replications;
    if ((uint64_t)reps * n > UINT32_MAX)
        return cs_error_set(err, CS_EINPUT, "%zu scenarios x %u replications is too many runs", n, reps);
    for (size_t i = 0; i < n; i++) {
        scns[i]->seed = crn->seed;
        scns[i]->replications = crn->replications;
    }
    batch b;
    memset(&b, 0, sizeof b);
    b.scns = scns;
    b.labels = labels;
    b.res = res;
    b.reps = reps;
    b.opts = opts;
    b.total = reps * (uint32_t)n;
    int workers = opts->threads > 0 ? opts->threads : cs_rep_cpus();
    if ((uint32_t)workers > b.total) workers = (int)b.total;
    if (workers < 1) workers = 1;
    b.ctr = calloc((size_t)workers, sizeof *b.ctr);
    b.ctr_of = malloc((size_t)workers * sizeof *b.ctr_of);
    cs_status st = CS_OK;
    if (!b.ctr || !b.ctr_of) st = cs_error_set(err, CS_ENOMEM, "out of memory");
    for (int w = 0; st == CS_OK && w < workers; w++) b.ctr_of[w] = SIZE_MAX;
    for (size_t i = 0; st == CS_OK && i < n; i++) {
        res[i] = cs_results_create(scns[i], reps, scns[i]->interval);
        if (!res[i]) st = cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    if (st == CS_OK) {
        /* Job j is the plan's "replication" j: one part each, handed out in job order. */
        cs_rep_plan plan;
        memset(&plan, 0, sizeof plan);
        plan.n_reps = b.total;
        plan.n_workers = workers;
        plan.run = one_item;
        plan.ud = &b;
        plan.tick = opts->progress ? tick : NULL;
        plan.tick_ud = &b;
        plan.pack = pack_job;
        plan.unpack = unpack_job;
        st = cs_rep_exec(&plan, err);
    }
    if (b.ctr)
        for (int w = 0; w < workers; w++) cs_ctr_destroy(b.ctr[w]);
    free(b.ctr);
    free(b.ctr_of);
    for (size_t i = 0; i < n; i++) {
        if (st == CS_OK) {
            cs_results_finish(res[i]);
        } else {
            cs_results_free(res[i]);
            res[i] = NULL;
        }
    }
    return st;
}

typedef struct progress_ctx {
    const cs_exp_opts *opts;
    uint32_t done, total;     /* replications of earlier batches; of all of them */
} progress_ctx;

static void progress_offset(void *ud, uint32_t done, uint32_t total, double t, double horizon)
{
    (void)total;
    (void)t;
    (void)horizon;
    progress_ctx *pc = ud;
    pc->opts->progress(pc->opts->progress_ud, pc->done + done, pc->total, (double)(pc->done + done),
                       (double)pc->total);
}

cs_status cs_exp_run_trimmed(cs_scn *const *scns, size_t n, const cs_scn *crn, const char *const *labels,
                             const cs_exp_opts *opts, cs_results **res, cs_error *err)
{
    progress_ctx pc = {opts, 0, (uint32_t)crn->replications * (uint32_t)n};
    cs_exp_opts bo = opts ? *opts : (cs_exp_opts){0, NULL, NULL};
    if (opts && opts->progress) {
        bo.progress = progress_offset;
        bo.progress_ud = &pc;
    }
    for (size_t i = 0; i < n; i++) res[i] = NULL;
    cs_status st = CS_OK;
    for (size_t p0 = 0; st == CS_OK && p0 < n; p0 += CS_EXP_BATCH) {
        size_t nb = n - p0 < CS_EXP_BATCH ? n - p0 : CS_EXP_BATCH;
        st = cs_exp_run(scns + p0, nb, crn, labels ? labels + p0 : NULL, &bo, res + p0, err);
        for (size_t p = p0; st == CS_OK && p < p0 + nb; p++) cs_results_trim(res[p]);   /* sweeps and analyses read whole-run KPIs only */
        pc.done += (uint32_t)(nb * (size_t)crn->replications);
    }
    if (st != CS_OK)
        for (size_t i = 0; i < n; i++) {
            cs_results_free(res[i]);
            res[i] = NULL;
        }
    return st;
}

/* ---- KPI references --------------------------------------------------------------------- */

/* Next dot-separated part of s (quoted with "..." or '...' when it holds dots or spaces). */
static const char *part(const char *s, char *out, size_t n, int *ok)
{
    size_t o = 0;
    *ok = 1;
    if (*s == '"' || *s == '\'') {
        char q = *s++;
        while (*s && *s != q) {
            if (o + 1 < n) out[o++] = *s;
            s++;
        }
        if (*s != q) *ok = 0;
        else s++;
    } else {
        while (*s && *s != '.') {
            if (o + 1 < n) out[o++] = *s;
            s++;
        }
    }
    out[o] = '\0';
    if (o == 0) *ok = 0;
    return s;
}

static void names_of(const cs_scn *scn, int pool, char *buf, size_t n)
{
    size_t o = 0, cnt = pool ? scn->n_pools : scn->n_lines;
    buf[0] = '\0';
    for (size_t i = 0; i < cnt && o + 4 < n; i++) {
        int k = snprintf(buf + o, n - o, "%s'%s'", i ? ", " : "", pool ? scn->pools[i].name : scn->lines[i].name);
        if (k < 0) break;
        o += (size_t)k < n - o ? (size_t)k : n - o - 1;
    }
}

cs_status cs_exp_kpi_parse(const cs_scn *scn, const char *text, cs_exp_kpi *k, cs_error *err)
{
    memset(k, 0, sizeof *k);
    char kind[16], name[sizeof k->name], key[48];
    int ok1, ok2, ok3;
    const char *s = part(text, kind, sizeof kind, &ok1);
    if (ok1 && *s == '.') s = part(s + 1, name, sizeof name, &ok2);
    else ok2 = 0;
    if (ok2 && *s == '.') s = part(s + 1, key, sizeof key, &ok3);
    else ok3 = 0;
    if (!ok1 || !ok2 || !ok3 || *s || (strcmp(kind, "lines") && strcmp(kind, "pools")))
        return cs_error_set(err, CS_EINPUT, "'%s': expected a KPI as lines.NAME.KPI or pools.NAME.KPI, such as "
                            "lines.101.abandon_rate or pools.\"call handlers\".occupancy", text);
    k->pool = strcmp(kind, "pools") == 0;
    int idx = k->pool ? cs_scn_pool_index(scn, name) : cs_scn_line_index(scn, name);
    if (idx < 0) {
        char names[400];
        names_of(scn, k->pool, names, sizeof names);
        return cs_error_set(err, CS_EINPUT, "'%s': there is no %s named '%s'; the %s are %s", text,
                            k->pool ? "pool" : "line", name, k->pool ? "pools" : "lines", names);
    }
    k->entity = (size_t)idx;
    snprintf(k->name, sizeof k->name, "%s", name);
    k->kpi = -1;
    int nk = k->pool ? CS_PK_N : CS_LK_N;
    const cs_kpi_def *defs = k->pool ? cs_pool_kpis : cs_line_kpis;
    for (int i = 0; i < nk; i++)
        if (strcmp(defs[i].name, key) == 0) k->kpi = i;
    if (k->kpi < 0) {
        char list[900];
        size_t o = 0;
        list[0] = '\0';
        for (int i = 0; i < nk && o + 2 < sizeof list; i++) {
            int w = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", defs[i].name);
            if (w < 0) break;
            o += (size_t)w < sizeof list - o ? (size_t)w : sizeof list - o - 1;
        }
        return cs_error_set(err, CS_EINPUT, "'%s': unknown %s KPI '%s'; the KPIs are %s", text,
                            k->pool ? "pool" : "line", key, list);
    }
    return CS_OK;
}

int cs_exp_kpi_format(const cs_exp_kpi *k, char *buf, size_t n)
{
    const char *kind = k->pool ? "pools" : "lines";
    int quote = strpbrk(k->name, ". \"'") != NULL;
    return snprintf(buf, n, quote ? "%s.\"%s\".%s" : "%s.%s.%s", kind, k->name, cs_exp_kpi_def(k)->name);
}

const cs_kpi_def *cs_exp_kpi_def(const cs_exp_kpi *k)
{
    return k->pool ? &cs_pool_kpis[k->kpi] : &cs_line_kpis[k->kpi];
}

const double *cs_exp_kpi_reps(const cs_results *r, const cs_exp_kpi *k)
{
    int idx = k->pool ? cs_scn_pool_index(r->scn, k->name) : cs_scn_line_index(r->scn, k->name);
    if (idx < 0) return NULL;
    return k->pool ? cs_results_pool_reps(r, (size_t)idx, k->kpi) : cs_results_line_reps(r, (size_t)idx, k->kpi);
}

void cs_exp_kpi_mean(const cs_results *r, const cs_exp_kpi *k, double *mean, double *ci95)
{
    const double *v = cs_exp_kpi_reps(r, k);
    if (!v) {
        *mean = *ci95 = NAN;
        return;
    }
    cs_ci95(v, r->n_reps, mean, ci95);
}

void cs_exp_paired(const double *a, const double *b, uint32_t n, double *mean, double *ci95, double *var)
{
    cs_ci_acc acc = {0, 0, 0};
    cs_tally t;
    cs_tally_reset(&t);
    for (uint32_t i = 0; i < n; i++)
        if (isfinite(a[i]) && isfinite(b[i])) {
            cs_ci_acc_add(&acc, a[i] - b[i]);
            cs_tally_add(&t, a[i] - b[i]);
        }
    cs_ci_acc_end(&acc, 0.95, mean, ci95);
    if (var) *var = cs_tally_variance(&t);
}

int cs_exp_kpi_used(const cs_results *const *res, size_t n, const cs_exp_kpi *k)
{
    for (size_t i = 0; i < n; i++) {
        const double *v = cs_exp_kpi_reps(res[i], k);
        if (!v) continue;
        for (uint32_t r = 0; r < res[i]->n_reps; r++)
            if (isfinite(v[r]) && v[r] != 0) return 1;
    }
    return 0;
}
