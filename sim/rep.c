/* The thread runner behind sim/rep.h.
 *
 * Items are numbered 0 .. n_items-1 in the order they are handed out: index i is part
 * order[i / n_reps] of replication i % n_reps, where order[] lists the parts by decreasing
 * cost.  A run covers all of them or, on one MPI rank, a subset (sim/rep_int.h).  One atomic
 * counter hands out positions in that list; one atomic counter per replication counts its
 * parts still to run, and the worker that brings it to zero runs done().  The last item to
 * finish wakes the reporting thread through a condition variable. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "sim/rep.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/rep_int.h"

#define TICK_NS (100L * 1000 * 1000)

typedef struct shared {
    const cs_rep_plan *plan;
    uint32_t n_parts;
    uint64_t n_items;           /* in this run */
    const uint64_t *items;      /* [n_items] item indices, or NULL: 0 .. n_items-1 */
    int call_done;
    unsigned char *ok;          /* [n_items] or NULL */
    const uint32_t *order;      /* parts, largest first */
    atomic_uint_fast64_t next;  /* next position in items to hand out */
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
        uint64_t k = atomic_fetch_add(&sh->next, 1);
        if (k >= sh->n_items) break;
        uint64_t i = sh->items ? sh->items[k] : k;
        uint32_t rep = (uint32_t)(i % pl->n_reps), part = sh->order[i / pl->n_reps];
        cs_error err = {CS_OK, ""};
        cs_status st = pl->run(pl->ud, wa->id, rep, part, &err);
        if (st != CS_OK) {
            atomic_store(&sh->rep_failed[rep], true);
            record_failure(sh, rep, part, st, &err);
        } else if (sh->ok) {
            sh->ok[k] = 1;
        }
        if (!sh->call_done) {
            /* A share of a distributed run: progress in items, shown as replications. */
        } else if (atomic_fetch_sub(&sh->parts_left[rep], 1) == 1) {
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
    /* The CPUs this process may run on: under mpirun or srun, the cores a rank is bound to,
     * so that ranks sharing a machine do not each start a thread per core of the machine. */
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
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

/* Replications done so far; for a share of a distributed run, the share's finished items
 * scaled to replications (an estimate that reaches n_reps when the share is done). */
static uint32_t reps_done(shared *sh)
{
    if (sh->call_done) return atomic_load(&sh->reps_done);
    uint64_t f = atomic_load(&sh->finished);
    return sh->n_items ? (uint32_t)(f * sh->plan->n_reps / sh->n_items) : sh->plan->n_reps;
}

/* The calling thread reports progress until every item has finished. */
static void report(shared *sh)
{
    const cs_rep_plan *pl = sh->plan;
    pthread_mutex_lock(&sh->lock);
    while (atomic_load(&sh->finished) < sh->n_items) {
        uint32_t d = reps_done(sh);
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

cs_status cs_rep_work_init(cs_rep_work *w, const cs_rep_plan *plan, cs_error *err)
{
    CS_REQUIRE(plan != NULL && plan->run != NULL);
    CS_REQUIRE((plan->pack == NULL) == (plan->unpack == NULL));
    memset(w, 0, sizeof *w);
    w->plan = *plan;
    if (w->plan.n_parts == 0) w->plan.n_parts = 1;
    if (w->plan.n_workers < 1) w->plan.n_workers = 1;
    w->n_items = (uint64_t)w->plan.n_reps * w->plan.n_parts;
    w->order = malloc(w->plan.n_parts * sizeof *w->order);
    if (!w->order) return cs_error_set(err, CS_ENOMEM, "out of memory");
    order_parts(w->order, w->plan.n_parts, plan->part_cost);
    return CS_OK;
}

void cs_rep_work_fini(cs_rep_work *w)
{
    free(w->order);
    w->order = NULL;
}

cs_status cs_rep_local(const cs_rep_work *w, const uint64_t *items, uint64_t n_items, int call_done,
                       unsigned char *ok, uint64_t *fail_key, cs_error *err)
{
    const cs_rep_plan *plan = &w->plan;
    uint32_t n_parts = plan->n_parts;
    *fail_key = CS_REP_NO_FAIL;
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.plan = plan;
    sh.n_parts = n_parts;
    sh.n_items = n_items;
    sh.items = items;
    sh.call_done = call_done;
    sh.ok = ok;
    sh.order = w->order;
    sh.fail_key = CS_REP_NO_FAIL;
    atomic_init(&sh.next, 0);
    atomic_init(&sh.finished, 0);
    atomic_init(&sh.reps_done, 0);
    if (ok && n_items) memset(ok, 0, n_items);

    int n_workers = plan->n_workers;
    if ((uint64_t)n_workers > n_items) n_workers = n_items ? (int)n_items : 1;
    sh.parts_left = malloc((plan->n_reps ? plan->n_reps : 1) * sizeof *sh.parts_left);
    sh.rep_failed = malloc((plan->n_reps ? plan->n_reps : 1) * sizeof *sh.rep_failed);
    worker_arg *args = calloc((size_t)n_workers, sizeof *args);
    pthread_t *th = calloc((size_t)n_workers, sizeof *th);
    if (!sh.parts_left || !sh.rep_failed || !args || !th) {
        free(sh.parts_left);
        free(sh.rep_failed);
        free(args);
        free(th);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
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
    if (plan->tick) plan->tick(plan->tick_ud, reps_done(&sh));

    free(sh.parts_left);
    free(sh.rep_failed);
    free(args);
    free(th);
    pthread_cond_destroy(&sh.all_done);
    pthread_mutex_destroy(&sh.lock);
    if (sh.fail_key != CS_REP_NO_FAIL) {
        *fail_key = sh.fail_key;
        if (err) *err = sh.fail_err;
        return sh.fail_err.code;
    }
    return CS_OK;
}

cs_status cs_rep_exec(const cs_rep_plan *plan, cs_error *err)
{
    CS_REQUIRE(plan != NULL && plan->run != NULL);
    if (!plan->local && cs_rep_dist_size() > 1) return cs_rep_dist_exec(plan, err);
    cs_rep_work w;
    cs_status st = cs_rep_work_init(&w, plan, err);
    if (st != CS_OK) return st;
    uint64_t key;
    st = cs_rep_local(&w, NULL, w.n_items, 1, NULL, &key, err);
    cs_rep_work_fini(&w);
    return st;
}

/* ---------------------------------------------------------------- packing */

void cs_rep_pack_put(cs_rep_pack *out, const void *data, size_t n)
{
    if (out->failed || n == 0) return;
    if (n > out->cap - out->len) {
        size_t cap = out->cap ? out->cap : 4096;
        while (cap - out->len < n) {
            if (cap > SIZE_MAX / 2) {
                out->failed = 1;
                return;
            }
            cap *= 2;
        }
        unsigned char *b = realloc(out->buf, cap);
        if (!b) {
            out->failed = 1;
            return;
        }
        out->buf = b;
        out->cap = cap;
    }
    memcpy(out->buf + out->len, data, n);
    out->len += n;
}

void cs_rep_unpack_get(cs_rep_unpack *in, void *data, size_t n)
{
    if (n > in->left) {
        in->overrun = 1;
        memset(data, 0, n);
        in->left = 0;
        return;
    }
    memcpy(data, in->p, n);
    in->p += n;
    in->left -= n;
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
