#include "models/run.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/rep.h"

typedef struct run_ctx {
    const cs_scn *scn;
    const cs_run_opts *opts;
    cs_results *res;
    cs_ctr **ctr;            /* [workers] */
    cs_feed *feeds;          /* [workers] */
    int *feed_ok;
    _Atomic double *sim_time;    /* [workers] progress of the replication in hand: written by
                                  * the worker (and its engine), read by tick on the calling
                                  * thread, relaxed (a progress bar orders nothing) */
    int workers;
    uint64_t *events;        /* [n_reps] */
} run_ctx;

static cs_status one_rep(void *ud, int worker, uint32_t rep, uint32_t part, cs_error *err)
{
    (void)part;
    run_ctx *rc = ud;
    cs_ctr *c = rc->ctr[worker];
    const cs_run_opts *o = rc->opts;
    cs_ctr_set_trace(c, rep == 0 && o && o->trace ? o->trace : NULL, o ? o->trace_ud : NULL);
    atomic_store_explicit(&rc->sim_time[worker], 0.0, memory_order_relaxed);
    cs_status st = cs_ctr_run(c, rep, &rc->res->reps[rep], err);
    rc->events[rep] = cs_ctr_events(c);
    /* Counted as a finished replication from now on. */
    atomic_store_explicit(&rc->sim_time[worker], 0.0, memory_order_relaxed);
    return st;
}

/* A replication's output for another MPI rank (sim/rep.h): its raw sums and event count. */
static cs_status pack_rep(void *ud, uint32_t rep, uint32_t part, cs_rep_pack *out, cs_error *err)
{
    (void)part;
    (void)err;
    run_ctx *rc = ud;
    cs_repstats_pack(&rc->res->reps[rep], out);
    cs_rep_pack_put(out, &rc->events[rep], sizeof rc->events[rep]);
    return CS_OK;
}

static cs_status unpack_rep(void *ud, uint32_t rep, uint32_t part, cs_rep_unpack *in, cs_error *err)
{
    (void)part;
    run_ctx *rc = ud;
    if (cs_repstats_unpack(&rc->res->reps[rep], in) != 0)
        return cs_error_set(err, CS_EINTERNAL, "replication %u: results from another MPI rank have another shape "
                            "(ranks running different scenario files?)", rep + 1);
    cs_rep_unpack_get(in, &rc->events[rep], sizeof rc->events[rep]);
    return CS_OK;
}

static void tick(void *ud, uint32_t done)
{
    run_ctx *rc = ud;
    double t = 0;
    for (int w = 0; w < rc->workers; w++) t += atomic_load_explicit(&rc->sim_time[w], memory_order_relaxed);
    /* Simulated time across the replications in flight, plus the finished ones. */
    double total = (double)done * rc->scn->horizon;
    rc->opts->progress(rc->opts->progress_ud, done, rc->res->n_reps,
                       total + t, (double)rc->res->n_reps * rc->scn->horizon);
}

cs_status cs_run(const cs_scn *scn, const cs_run_opts *opts, cs_results **out, cs_error *err)
{
    *out = NULL;
    if (scn->volume_pending)   /* models/volume.h: the volumes would mean first attempts */
        return cs_error_set(err, CS_EINTERNAL, "a line's volume counts attempts but "
                            "cs_volume_calibrate has not been run on the scenario");
    cs_run_opts none;
    memset(&none, 0, sizeof none);
    if (!opts) opts = &none;
    uint32_t n = (uint32_t)scn->replications;
    int workers = opts->threads > 0 ? opts->threads : cs_rep_cpus();
    if ((uint32_t)workers > n) workers = (int)n;
    if (workers < 1) workers = 1;
    run_ctx rc;
    memset(&rc, 0, sizeof rc);
    rc.scn = scn;
    rc.opts = opts;
    rc.workers = workers;
    rc.res = cs_results_create(scn, n, scn->interval);
    rc.ctr = calloc((size_t)workers, sizeof *rc.ctr);
    rc.feeds = calloc((size_t)workers, sizeof *rc.feeds);
    rc.feed_ok = calloc((size_t)workers, sizeof *rc.feed_ok);
    rc.sim_time = calloc((size_t)workers, sizeof *rc.sim_time);
    rc.events = calloc(n ? n : 1, sizeof *rc.events);
    if (rc.sim_time)
        for (int w = 0; w < workers; w++) atomic_init(&rc.sim_time[w], 0.0);
    cs_status st = CS_OK;
    if (!rc.res || !rc.ctr || !rc.feeds || !rc.feed_ok || !rc.sim_time || !rc.events) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory");
        goto done;
    }
    for (int w = 0; w < workers; w++) {
        rc.ctr[w] = cs_ctr_create(scn, err);
        if (!rc.ctr[w]) {
            st = err ? err->code : CS_ENOMEM;
            goto done;
        }
        cs_ctr_set_progress(rc.ctr[w], &rc.sim_time[w]);
        if (opts->feed_make) {
            st = opts->feed_make(opts->feed_ud, &rc.feeds[w], err);
            if (st != CS_OK) goto done;
            rc.feed_ok[w] = 1;
            cs_ctr_set_feed(rc.ctr[w], &rc.feeds[w]);
        }
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cs_rep_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.n_reps = n;
    plan.n_workers = workers;
    plan.run = one_rep;
    plan.ud = &rc;
    plan.tick = opts->progress ? tick : NULL;
    plan.tick_ud = &rc;
    plan.pack = pack_rep;
    plan.unpack = unpack_rep;
    plan.local = opts->local;
    st = cs_rep_exec(&plan, err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != CS_OK) goto done;
    rc.res->cpu_seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    for (uint32_t i = 0; i < n; i++) rc.res->events += rc.events[i];
    cs_results_finish(rc.res);
    *out = rc.res;
    rc.res = NULL;
done:
    if (rc.ctr)
        for (int w = 0; w < workers; w++) cs_ctr_destroy(rc.ctr[w]);
    /* Any of these arrays may be missing after an allocation failure. */
    if (rc.feeds && rc.feed_ok && opts->feed_free)
        for (int w = 0; w < workers; w++)
            if (rc.feed_ok[w]) opts->feed_free(opts->feed_ud, &rc.feeds[w]);
    free(rc.ctr);
    free(rc.feeds);
    free(rc.feed_ok);
    free((void *)rc.sim_time);
    free(rc.events);
    cs_results_free(rc.res);
    return st;
}
