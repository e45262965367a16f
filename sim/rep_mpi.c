/* The MPI transport of the replication runner (sim/rep.h, "Many machines"), and the job's start
 * and stop.  The only file of callsim that includes mpi.h; only `make MPI=1` (CS_MPI) compiles
 * its MPI half.  A plain build gets the one-process stubs at the bottom.
 *
 * Every collective callsim makes starts with the same step: all ranks exchange a small header
 * saying where they are (in cs_rep_exec with a plan of this shape, or in cs_rep_dist_stop with
 * an exit status).  Because the two places begin with the same collective, a rank that left
 * early (an error only it saw, before a run the others reached) meets the others' next run
 * instead of deadlocking it: they see it, return an error, and all ranks then agree the exit
 * status in cs_rep_dist_stop.  After the header, a run's collectives are fixed in number and
 * order whatever happens locally (a failure travels as data), so ranks never fall out of step:
 *   1. header (MPI_Allgather);
 *   2. each rank runs its share with its threads and packs a message (sim/rep_share.c);
 *   3. message sizes (MPI_Allgather); can every rank hold every message (MPI_Allreduce);
 *   4. every rank's message to every rank (MPI_Bcast from each, in chunks under 2^31 bytes);
 *   5. unpack and done() everywhere; the first failure agreed (MPI_Allreduce, MPI_Bcast).
 * Only the calling thread calls MPI (MPI_THREAD_FUNNELED); worker threads never do.
 * MPI_COMM_WORLD keeps MPI's default error handler: an MPI error, a rank that dies or a node
 * that is lost ends the whole job instead of leaving ranks waiting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rep.h"
#include "sim/rep_int.h"

#ifdef CS_MPI

#include <limits.h>

#include <mpi.h>

enum { H_KIND, H_CODE, H_REPS, H_PARTS, H_PACK, H_EARLY, H_N };
enum { KIND_RUN = 1, KIND_EXIT = 2, KIND_BCAST = 3 };

#define CHUNK (1 << 30)

static int mpi_on(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    if (!init) return 0;
    MPI_Finalized(&fin);
    return !fin;
}

int cs_rep_dist_rank(void)
{
    int r = 0;
    if (mpi_on()) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int cs_rep_dist_size(void)
{
    int n = 1;
    if (mpi_on()) MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

/* Started by a launcher?  Open MPI's mpirun, or srun with PMIx or PMI-2.  Otherwise MPI is
 * left alone: an MPI build run by hand behaves as a plain build (no singleton start-up). */
static int launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK") || getenv("PMI_SIZE");
}

cs_status cs_rep_dist_start(int *argc, char ***argv, cs_error *err)
{
    if (!launched() || mpi_on()) return CS_OK;
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return cs_error_set(err, CS_EINTERNAL, "cannot join the MPI job (MPI_Init failed)");
    return CS_OK;
}

/* Bookkeeping a collective cannot do without: nothing sensible is left but to end the job. */
static void *need(void *p, const char *what)
{
    if (p) return p;
    fprintf(stderr, "callsim: MPI rank %d: out of memory for %s; ending the job\n", cs_rep_dist_rank(), what);
    MPI_Abort(MPI_COMM_WORLD, 1);
    return NULL;
}

/* Step 1: every rank's header into all[size][H_N] (malloc'd). */
static int64_t *headers(const int64_t *h)
{
    int n = cs_rep_dist_size();
    int64_t *all = need(malloc((size_t)n * H_N * sizeof *all), "the ranks' headers");
    MPI_Allgather(h, H_N, MPI_INT64_T, all, H_N, MPI_INT64_T, MPI_COMM_WORLD);
    return all;
}

static void bcast_bytes(unsigned char *buf, uint64_t len, int root)
{
    for (uint64_t off = 0; off < len; off += CHUNK) {
        uint64_t n = len - off < CHUNK ? len - off : CHUNK;
        MPI_Bcast(buf + off, (int)n, MPI_BYTE, root, MPI_COMM_WORLD);
    }
}

/* The whole plan on this rank alone (a plan that cannot ship its items, or one started from a
 * worker thread). */
static cs_status run_here(const cs_rep_plan *plan, cs_error *err)
{
    cs_rep_work w;
    cs_status st = cs_rep_work_init(&w, plan, err);
    if (st != CS_OK) return st;
    uint64_t key;
    st = cs_rep_local(&w, NULL, w.n_items, 1, NULL, &key, err);
    cs_rep_work_fini(&w);
    return st;
}

/* For the failure test (tests/test_mpi.c): rank CALLSIM_TEST_MPI_ABORT_RANK dies in the middle
 * of a run, after computing its share and before sending it. */
static void test_abort(int rank)
{
    const char *t = getenv("CALLSIM_TEST_MPI_ABORT_RANK");
    if (t && *t && atoi(t) == rank) {
        fprintf(stderr, "callsim: MPI rank %d aborts on purpose (CALLSIM_TEST_MPI_ABORT_RANK)\n", rank);
        abort();
    }
}

cs_status cs_rep_dist_exec(const cs_rep_plan *plan, cs_error *err)
{
    int is_main = 0;
    MPI_Is_thread_main(&is_main);
    if (!is_main) return run_here(plan, err);
    int rank = cs_rep_dist_rank(), size = cs_rep_dist_size();

    int64_t h[H_N] = {KIND_RUN, 0, plan->n_reps, plan->n_parts ? plan->n_parts : 1, plan->pack != NULL, 0};
    int64_t *all = headers(h);
    int early = -1, differ = -1;
    for (int r = 0; r < size; r++) {
        const int64_t *o = all + (size_t)r * H_N;
        if (o[H_KIND] == KIND_EXIT) {
            if (early < 0) early = r;
        } else if (differ < 0 && (o[H_KIND] != KIND_RUN || memcmp(o + H_REPS, h + H_REPS, 3 * sizeof *h) != 0)) {
            differ = r;
        }
    }
    free(all);
    if (early >= 0)
        return cs_error_set(err, CS_EIO, "MPI rank %d stopped before this run (its message says why)", early);
    if (differ >= 0)
        return cs_error_set(err, CS_EINTERNAL,
                            "MPI ranks %d and %d reached different runs (a callsim bug: every rank must make "
                            "the same runs in the same order)", rank, differ);
    if (!plan->pack) return run_here(plan, err);

    /* Step 2. */
    cs_rep_work w;
    cs_error e = {CS_OK, ""};
    int *owner = NULL;
    cs_rep_msg msg;
    memset(&msg, 0, sizeof msg);
    int ready = cs_rep_work_init(&w, plan, &e) == CS_OK;
    if (ready) {
        owner = malloc((w.n_items ? w.n_items : 1) * sizeof *owner);
        ready = owner && cs_rep_share_assign(&w, size, owner, &e) == CS_OK;
    }
    if (ready) {
        cs_rep_share_run(&w, owner, rank, &msg);
    } else {
        cs_error_set(&e, CS_ENOMEM, "MPI rank %d: out of memory", rank);
        cs_rep_msg_fail(&msg, rank, CS_ENOMEM, "out of memory");
    }
    test_abort(rank);

    /* Step 3. */
    uint64_t mine = msg.len;
    uint64_t *lens = need(malloc((size_t)size * sizeof *lens), "message sizes");
    MPI_Allgather(&mine, 1, MPI_UINT64_T, lens, 1, MPI_UINT64_T, MPI_COMM_WORLD);
    unsigned char **bufs = need(calloc((size_t)size, sizeof *bufs), "messages");
    int short_of = 0;
    for (int r = 0; r < size; r++) {
        if (r == rank) continue;
        bufs[r] = malloc(lens[r] ? lens[r] : 1);
        if (!bufs[r]) short_of = rank + 1;
    }
    int worst = 0;
    MPI_Allreduce(&short_of, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    cs_status st = CS_OK;
    uint64_t key = CS_REP_NO_FAIL;
    if (worst) {
        st = cs_error_set(err, CS_ENOMEM, "MPI rank %d ran out of memory receiving the other ranks' results",
                          worst - 1);
    } else {
        /* Step 4.  The own message is sent from where it is and read in place. */
        for (int r = 0; r < size; r++)
            bcast_bytes(r == rank ? (unsigned char *)cs_rep_msg_bytes(&msg) : bufs[r], lens[r], r);
        bufs[rank] = (unsigned char *)cs_rep_msg_bytes(&msg);

        /* Step 5. */
        if (ready) {
            if (cs_rep_share_finish(&w, owner, rank, size, (const unsigned char *const *)bufs, lens, &key, &e) ==
                CS_OK)
                key = CS_REP_NO_FAIL;
        } else {
            key = 0;   /* e says why */
        }
        uint64_t first = CS_REP_NO_FAIL;
        MPI_Allreduce(&key, &first, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
        if (first != CS_REP_NO_FAIL) {
            /* The lowest rank holding the first failure tells everyone its message. */
            int mine_is = key == first ? rank : INT_MAX, from = 0;
            MPI_Allreduce(&mine_is, &from, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
            MPI_Bcast(&e, (int)sizeof e, MPI_BYTE, from, MPI_COMM_WORLD);
            if (err) *err = e;
            st = e.code != CS_OK ? e.code : CS_EINTERNAL;
        }
        bufs[rank] = NULL;
    }
    for (int r = 0; r < size; r++) free(bufs[r]);
    free(bufs);
    free(lens);
    cs_rep_msg_free(&msg);
    free(owner);
    if (w.order) cs_rep_work_fini(&w);
    return st;
}

cs_status cs_rep_dist_bcast(void *buf, size_t n, cs_error *err)
{
    int is_main = 0;
    if (!mpi_on() || cs_rep_dist_size() == 1) return CS_OK;
    MPI_Is_thread_main(&is_main);
    if (!is_main) return CS_OK;
    int size = cs_rep_dist_size();
    int64_t h[H_N] = {KIND_BCAST, 0, (int64_t)n, 0, 0, 0};
    int64_t *all = headers(h);
    int early = -1, differ = -1;
    for (int r = 0; r < size; r++) {
        const int64_t *o = all + (size_t)r * H_N;
        if (o[H_KIND] == KIND_EXIT) {
            if (early < 0) early = r;
        } else if (differ < 0 && (o[H_KIND] != KIND_BCAST || o[H_REPS] != h[H_REPS])) {
            differ = r;
        }
    }
    free(all);
    if (early >= 0)
        return cs_error_set(err, CS_EIO, "MPI rank %d stopped before this step (its message says why)", early);
    if (differ >= 0)
        return cs_error_set(err, CS_EINTERNAL,
                            "MPI ranks %d and %d reached different steps (a callsim bug: every rank must make "
                            "the same runs and exchanges in the same order)", cs_rep_dist_rank(), differ);
    bcast_bytes(buf, n, 0);
    return CS_OK;
}

int cs_rep_dist_stop(int code, void (*show_own)(void *ud), void *ud)
{
    if (!mpi_on()) return code;
    int rank = cs_rep_dist_rank(), size = cs_rep_dist_size();
    int early = 0, show = 0;
    for (;;) {
        int64_t h[H_N] = {KIND_EXIT, code, 0, 0, 0, early};
        int64_t *all = headers(h);
        int others_running = 0;
        for (int r = 0; r < size; r++) others_running |= all[(size_t)r * H_N + H_KIND] != KIND_EXIT;
        if (others_running) {
            /* This rank left before a run the others reached: its message explains the
             * failure; they will be here once that run has returned. */
            early = 1;
            show = 1;
            free(all);
            continue;
        }
        /* The first rank that left early says why the job failed; if it left in good order
         * (ranks started with different commands), the others' failure stands. */
        int final = 0, code0 = (int)all[H_CODE], largest = 0;
        for (int r = 0; r < size; r++) {
            const int64_t *o = all + (size_t)r * H_N;
            if (final == 0 && o[H_EARLY]) final = (int)o[H_CODE];
            if (o[H_CODE] > largest) largest = (int)o[H_CODE];
        }
        if (final == 0) final = code0 != 0 ? code0 : largest;
        /* A rank that failed on its own after the last run, rank 0 having succeeded. */
        if (rank != 0 && code != 0 && code0 == 0) show = 1;
        free(all);
        /* Shown before anyone leaves: mpirun ends the job when the first process exits with a
         * non-zero status, and would cut this rank's message short. */
        if (show && show_own) show_own(ud);
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Finalize();
        return final;
    }
}

#else /* one process */

cs_status cs_rep_dist_start(int *argc, char ***argv, cs_error *err)
{
    (void)argc;
    (void)argv;
    (void)err;
    return CS_OK;
}

int cs_rep_dist_rank(void) { return 0; }
int cs_rep_dist_size(void) { return 1; }

int cs_rep_dist_stop(int code, void (*show_own)(void *ud), void *ud)
{
    (void)show_own;
    (void)ud;
    return code;
}

cs_status cs_rep_dist_exec(const cs_rep_plan *plan, cs_error *err)
{
    (void)plan;
    return cs_error_set(err, CS_EINTERNAL, "this callsim was built without MPI");
}

cs_status cs_rep_dist_bcast(void *buf, size_t n, cs_error *err)
{
    (void)buf;
    (void)n;
    (void)err;
    return CS_OK;
}

#endif
