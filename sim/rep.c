/* The thread runner behind sim/rep.h.
 *
 * Items are numbered 0 .. n_items-1 in the order they are handed out: index i is part
 * order[i / n_reps] of replication i % n_reps, where order[] lists the parts by decreasing
 * cost.  One atomic counter hands out indices; one atomic counter per replication counts its
 * parts still to run, and the worker that brings it to zero runs done().  The last item to
 * finish wakes the reporting thread through a condition variable. */
#include "sim/rep.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TICK_NS (100L * 1000 * 1000)

typedef struct shared {
    const cs_rep_plan *plan;
    uint32_t n_parts;
    uint64_t n_items;
    const uint32_t *order;      /* parts, largest first */
    atomic_uint_fast64_t next;  /* next item index to hand out */
    atomic_uint_fast64_t finished;
    atomic_uint reps_done;
    atomic_uint *parts_left;    /* [n_reps] */
    atomic_bool *rep_failed;    /* [n_reps] */
    pthread_mutex_t lock;       /* guards fail_* and pairs with `all_done` */
    pthread_cond_t all_done;
    uint64_t fail_key;          /* rep * (n_parts + 1) + part of the first failure; UINT64_MAX if none */
    cs_error fail_err;
} shared;

typedef struct worker_arg {
    shared *sh;
    int id;
} worker_arg;

static void record_failure(shared *sh, uint32_t rep, uint32_t part, cs_status st, const cs_error *err)
{
    uint64_t key = (uint64_t)rep * (sh->n_parts + 1u) + part;
    pthread_mutex_lock(&sh->lock);
    if (key < sh->fail_key) {
        sh->fail_key = key;
        sh->fail_err = *err;
        sh->fail_err.code = st;
    }
    pthread_mutex_unlock(&sh->lock);
}

static void *worker_main(void *p)
{
    worker_arg *wa = p;
    shared *sh = wa->sh;
    const cs_rep_plan *pl = sh->plan;
    for (;;) {
        uint64_t i = atomic_fetch_add(&sh->next, 1);
        if (i >= sh->n_items) break;
        uint32_t rep = (uint32_t)(i % pl->n_reps), part = sh->order[i / pl->n_reps];
        cs_error err = {CS_OK, ""};
        cs_status st = pl->run(pl->ud, wa->id, rep, part, &err);
        if (st != CS_OK) {
            atomic_store(&sh->rep_failed[rep], true);
            record_failure(sh, rep, part, st, &err);
        }
        if (atomic_fetch_sub(&sh->parts_left[rep], 1) == 1) {
            /* The last part of this replication: every other part has finished, and its
             * failure flag (set before its decrement) is visible here. */
            bool ok = !atomic_load(&sh->rep_failed[rep]);
            if (ok && pl->done) {
                cs_error derr = {CS_OK, ""};
                cs_status dst = pl->done(pl->ud, wa->id, rep, &derr);
                if (dst != CS_OK) record_failure(sh, rep, sh->n_parts, dst, &derr);
            }
            atomic_fetch_add(&sh->reps_done, 1);
        }
        if (atomic_fetch_add(&sh->finished, 1) + 1 == sh->n_items) {
            pthread_mutex_lock(&sh->lock);
            pthread_cond_signal(&sh->all_done);
            pthread_mutex_unlock(&sh->lock);
        }
    }
    return NULL;
}

int cs_rep_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* Parts sorted by decreasing cost, ties in part order (insertion sort: parts are few, and it
 * is stable). */
static void order_parts(uint32_t *order, uint32_t n, const double *cost)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = i;
        while (cost && j > 0 && cost[order[j - 1]] < cost[i]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

/* The calling thread reports progress until every item has finished. */
static void report(shared *sh)
{
    const cs_rep_plan *pl = sh->plan;
    pthread_mutex_lock(&sh->lock);
    while (atomic_load(&sh->finished) < sh->n_items) {
        uint32_t d = atomic_load(&sh->reps_done);
        pthread_mutex_unlock(&sh->lock);
        pl->tick(pl->tick_ud, d);
        pthread_mutex_lock(&sh->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += TICK_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        /* The last worker signals under the lock after its count is final, so a finish
         * between the check above and this wait cannot be missed. */
        while (atomic_load(&sh->finished) < sh->n_items &&
               pthread_cond_timedwait(&sh->all_done, &sh->lock, &until) == 0) {
        }
    }
    pthread_mutex_unlock(&sh->lock);
}

cs_status cs_rep_exec(const cs_rep_plan *plan, cs_error *err)
{
    CS_REQUIRE(plan != NULL && plan->run != NULL);
    uint32_t n_parts = plan->n_parts ? plan->n_parts : 1;
    uint64_t n_items = (uint64_t)plan->n_reps * n_parts;
    shared sh;
    memset(&sh, 0, sizeof sh);
    cs_rep_plan pl = *plan;
    pl.n_parts = n_parts;
    sh.plan = &pl;
    sh.n_parts = n_parts;
    sh.n_items = n_items;
    sh.fail_key = UINT64_MAX;
    atomic_init(&sh.next, 0);
    atomic_init(&sh.finished, 0);
    atomic_init(&sh.reps_done, 0);

    int n_workers = plan->n_workers < 1 ? 1 : plan->n_workers;
    if ((uint64_t)n_workers > n_items) n_workers = n_items ? (int)n_items : 1;
    uint32_t *order = malloc(n_parts * sizeof *order);
    sh.parts_left = malloc((plan->n_reps ? plan->n_reps : 1) * sizeof *sh.parts_left);
    sh.rep_failed = malloc((plan->n_reps ? plan->n_reps : 1) * sizeof *sh.rep_failed);
    worker_arg *args = calloc((size_t)n_workers, sizeof *args);
    pthread_t *th = calloc((size_t)n_workers, sizeof *th);
    if (!order || !sh.parts_left || !sh.rep_failed || !args || !th) {
        free(order);
        free(sh.parts_left);
        free(sh.rep_failed);
        free(args);
        free(th);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    order_parts(order, n_parts, plan->part_cost);
    sh.order = order;
    for (uint32_t r = 0; r < plan->n_reps; r++) {
        atomic_init(&sh.parts_left[r], n_parts);
        atomic_init(&sh.rep_failed[r], false);
    }
    pthread_mutex_init(&sh.lock, NULL);
    pthread_cond_init(&sh.all_done, NULL);

    /* With a progress callback every worker is a thread and the calling thread reports;
     * without one the calling thread is worker 0.  args[] is filled before any thread starts. */
    for (int i = 0; i < n_workers; i++) {
        args[i].sh = &sh;
        args[i].id = i;
    }
    int first_thread = plan->tick ? 0 : 1;
    int started = 0;   /* threads started: ids first_thread .. first_thread+started-1 */
    for (int i = first_thread; i < n_workers; i++) {
        if (pthread_create(&th[i], NULL, worker_main, &args[i]) != 0) break;
        started++;
    }
    if (plan->tick && started > 0)
        report(&sh);
    else
        worker_main(&args[0]);
    for (int i = first_thread; i < first_thread + started; i++) pthread_join(th[i], NULL);
    /* Whatever is left because a thread could not start runs here (worker 0 is free now). */
    worker_main(&args[0]);
    if (plan->tick) plan->tick(plan->tick_ud, atomic_load(&sh.reps_done));

    free(order);
    free(sh.parts_left);
    free(sh.rep_failed);
    free(args);
    free(th);
    pthread_cond_destroy(&sh.all_done);
    pthread_mutex_destroy(&sh.lock);
    if (sh.fail_key != UINT64_MAX) {
        if (err) *err = sh.fail_err;
        return sh.fail_err.code;
    }
    return CS_OK;
}

/* ---------------------------------------------------------------- the one-part form */

typedef struct one_part {
    cs_rep_fn *fn;
    void *ud;
} one_part;

static cs_status one_part_run(void *ud, int worker, uint32_t rep, uint32_t part, cs_error *err)
{
    (void)part;
    one_part *o = ud;
    return o->fn(o->ud, worker, rep, err);
}

cs_status cs_rep_run(uint32_t n_reps, int n_workers, cs_rep_fn *fn, void *ud,
                     cs_rep_tick_fn *tick, void *tick_ud, cs_error *err)
{
    one_part o = {fn, ud};
    cs_rep_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.n_reps = n_reps;
    plan.n_parts = 1;
    plan.n_workers = n_workers;
    plan.run = one_part_run;
    plan.ud = &o;
    plan.tick = tick;
    plan.tick_ud = tick_ud;
    return cs_rep_exec(&plan, err);
}
