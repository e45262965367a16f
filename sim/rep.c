#include "sim/rep.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct shared {
    cs_rep_fn *fn;
    void *ud;
    uint32_t n;
    atomic_uint next;
    atomic_uint done;
    pthread_mutex_t lock;
    uint32_t fail_rep;      /* lowest failing replication, UINT32_MAX if none */
    cs_error fail_err;
} shared;

typedef struct worker_arg {
    shared *sh;
    int id;
} worker_arg;

static void *worker_main(void *p)
{
    worker_arg *wa = p;
    shared *sh = wa->sh;
    for (;;) {
        uint32_t rep = atomic_fetch_add(&sh->next, 1);
        if (rep >= sh->n) break;
        cs_error err = {CS_OK, ""};
        cs_status st = sh->fn(sh->ud, wa->id, rep, &err);
        if (st != CS_OK) {
            pthread_mutex_lock(&sh->lock);
            if (rep < sh->fail_rep) {
                sh->fail_rep = rep;
                sh->fail_err = err;
                sh->fail_err.code = st;
            }
            pthread_mutex_unlock(&sh->lock);
        }
        atomic_fetch_add(&sh->done, 1);
    }
    return NULL;
}

int cs_rep_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

cs_status cs_rep_run(uint32_t n_reps, int n_workers, cs_rep_fn *fn, void *ud,
                     cs_rep_tick_fn *tick, void *tick_ud, cs_error *err)
{
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.fn = fn;
    sh.ud = ud;
    sh.n = n_reps;
    atomic_init(&sh.next, 0);
    atomic_init(&sh.done, 0);
    sh.fail_rep = UINT32_MAX;
    pthread_mutex_init(&sh.lock, NULL);
    if (n_workers < 1) n_workers = 1;
    if ((uint32_t)n_workers > n_reps) n_workers = n_reps ? (int)n_reps : 1;

    worker_arg *args = calloc((size_t)n_workers, sizeof *args);
    pthread_t *th = calloc((size_t)n_workers, sizeof *th);
    if (!args || !th) {
        free(args);
        free(th);
        pthread_mutex_destroy(&sh.lock);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    /* With a progress callback every worker is a thread and the calling thread reports;
     * without one the calling thread is worker 0. */
    int first_thread = tick ? 0 : 1;
    args[0].sh = &sh;   /* before any thread starts: thread 0 may be the one reading it */
    args[0].id = 0;
    int started = 0;   /* threads started: ids first_thread .. first_thread+started-1 */
    for (int i = first_thread; i < n_workers; i++) {
        args[i].sh = &sh;
        args[i].id = i;
        if (pthread_create(&th[i], NULL, worker_main, &args[i]) != 0) break;
        started++;
    }
    if (tick && started > 0) {
        while (atomic_load(&sh.done) < n_reps) {
            tick(tick_ud, atomic_load(&sh.done));
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    } else {
        worker_main(&args[0]);
    }
    for (int i = first_thread; i < first_thread + started; i++) pthread_join(th[i], NULL);
    /* Whatever is left because a thread could not start runs here. */
    worker_main(&args[0]);
    if (tick) tick(tick_ud, n_reps);
    free(args);
    free(th);
    pthread_mutex_destroy(&sh.lock);
    if (sh.fail_rep != UINT32_MAX) {
        if (err) *err = sh.fail_err;
        return sh.fail_err.code;
    }
    return CS_OK;
}
