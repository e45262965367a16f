/* Replications in parallel, results independent of the thread count.
 *
 * Work items.  The unit of work handed to a thread is an item: part `part` of replication
 * `rep`.  A plain run has one part per replication.  A run whose replications split into
 * independent pieces (the forces of a national run, the scenarios of a sweep point, ...)
 * declares n_parts and, if their sizes differ, the relative cost of each part.  Items are
 * handed out largest first (the longest-processing-time rule), so what starts last is small
 * and no worker is left alone at the end on a long item while the others idle.  Workers take
 * the next item from a shared counter, so a fast or lightly loaded worker simply takes more.
 *
 * Determinism contract (why results do not depend on the thread count or the schedule):
 *   - run(ud, worker, rep, part) writes only to storage chosen by (rep, part) and to
 *     per-worker scratch chosen by `worker` (0 <= worker < the n_workers used, never two
 *     items at once on the same worker id);
 *   - every random stream is seeded from rep (and the part's name), never from the worker or
 *     the order of execution (sim/rng.h);
 *   - done(ud, worker, rep), if given, runs once per replication, after every part of that
 *     replication succeeded, on the worker that finished the last one: the place to combine a
 *     replication's parts or finish its results off the critical path.  It too writes only to
 *     storage chosen by rep.
 *
 * Errors.  Every item runs even if some fail (a replication with a failed part gets no done
 * call).  The error returned is the first failing item in (rep, part) order, done counting
 * as the part after the last, so the message does not depend on scheduling either.
 *
 * Threads and progress.  Without a tick callback the calling thread is worker 0 (so one
 * worker means no thread at all).  With a tick callback every worker is a thread and the
 * calling thread only reports: tick(tick_ud, replications done) once at the start, about every
 * 100 ms while work remains, and once at the end.  The calling thread sleeps on a condition
 * variable, so cs_rep_exec returns as soon as the last item ends, not at the next tick.
 *
 * Many machines (MPI).  Built with `make MPI=1` and started by mpirun or srun, callsim is N
 * processes (ranks) that all run the same command with the same inputs, so every rank reaches
 * the same cs_rep_exec calls with the same plans in the same order.  A plan that can ship its
 * items' outputs (pack and unpack, below) is then spread over the ranks: each rank runs a
 * deterministic share of the items with its own threads (greedy largest-first by part_cost, so
 * item 0, replication 0 of the costliest part, always runs on rank 0), packs what each of its
 * items wrote, and every rank receives every other rank's bytes and unpacks them into its own
 * storage.  done() then runs on every rank, for every replication whose parts all succeeded
 * (with the rank's threads), so when cs_rep_exec returns every rank holds exactly the results
 * a single process would hold, and the same status and message.  The caller goes on as if
 * nothing had happened: rank 0 prints and writes, the other ranks compute the same things and
 * throw them away (cli/dist.c), and a loop that decides from results (calibrate) takes the same
 * decisions on every rank.  A plan without pack/unpack runs whole on every rank: correct, no
 * faster.  A plan run from a worker thread (a plan inside an item) runs locally.
 *
 * What a caller must do to be spread over ranks:
 *   - run(ud, worker, rep, part) writes its whole output to storage chosen by (rep, part);
 *   - pack(ud, rep, part, out) appends exactly those bytes (cs_rep_pack_put: raw doubles and
 *     counters, histograms' bins: nothing is rounded or re-derived, so the bytes are identical;
 *     models/repstats.h has cs_repstats_pack/_unpack for a replication's raw sums);
 *   - unpack(ud, rep, part, in) reads them back (cs_rep_unpack_get) into that storage on
 *     another rank, which has run nothing for that item; it must read exactly what pack wrote;
 *   - done() reads only what the parts wrote to (rep, part) storage, never worker scratch;
 *   - side effects of an item beyond its storage (a trace file of replication 0) happen only on
 *     the rank that runs it: make them about item 0, which is rank 0's.
 * Ranks are assumed to run the same binary on the same architecture (bytes are native); a
 * mismatch is caught (a magic number, byte counts, repstats' shape) and reported, never misread.
 * The command line's side (only rank 0 writes, output folders begun after the runs) is in
 * cli/dist.h.
 *
 * Failures between ranks.  A failing item is a status like any other: its rank ships the
 * failure, and every rank returns the same first failure in (rep, part) order.  A rank that
 * leaves before a run every other rank reaches (its scenario file missing on that node) is seen
 * at the start of the next cs_rep_exec: every other rank's cs_rep_exec then returns an error
 * naming it, and cs_rep_dist_stop agrees the exit status.  A rank that dies ends the job (Open
 * MPI's default error handler): nothing hangs. */
#ifndef CS_REP_H
#define CS_REP_H

#include <stddef.h>
#include <stdint.h>

#include "sim/status.h"

/* One item: part `part` (0 .. n_parts-1) of replication `rep` (0 .. n_reps-1). */
typedef cs_status cs_rep_item_fn(void *ud, int worker, uint32_t rep, uint32_t part, cs_error *err);

/* After every part of replication `rep` succeeded (optional). */
typedef cs_status cs_rep_done_fn(void *ud, int worker, uint32_t rep, cs_error *err);

/* Progress, from the calling thread: the number of replications done so far. */
typedef void cs_rep_tick_fn(void *ud, uint32_t done);

/* The bytes of an item's output, for a distributed run.  put appends n bytes; a failed
 * allocation is remembered and reported by the runner as CS_ENOMEM.  get copies the next n
 * bytes into data; reading past the end fills data with zeros and is reported by the runner
 * (as is anything left unread). */
typedef struct cs_rep_pack cs_rep_pack;
typedef struct cs_rep_unpack cs_rep_unpack;
void cs_rep_pack_put(cs_rep_pack *out, const void *data, size_t n);
void cs_rep_unpack_get(cs_rep_unpack *in, void *data, size_t n);

/* Appends item (rep, part)'s output to out (called on the rank that ran it, after it
 * succeeded; from the calling thread). */
typedef cs_status cs_rep_pack_fn(void *ud, uint32_t rep, uint32_t part, cs_rep_pack *out, cs_error *err);
/* Reads item (rep, part)'s output from in into the caller's storage (on every other rank). */
typedef cs_status cs_rep_unpack_fn(void *ud, uint32_t rep, uint32_t part, cs_rep_unpack *in, cs_error *err);

typedef struct cs_rep_plan {
    uint32_t n_reps;
    uint32_t n_parts;           /* parts per replication; 0 counts as 1 */
    const double *part_cost;    /* [n_parts] relative costs, or NULL if equal; only their order
                                 * matters (largest first, ties in part order) */
    int n_workers;              /* < 1 counts as 1; never more than there are items */
    cs_rep_item_fn *run;        /* required */
    cs_rep_done_fn *done;       /* optional */
    void *ud;                   /* passed to run and done */
    cs_rep_tick_fn *tick;       /* optional; in a distributed run, the rank's own share */
    void *tick_ud;
    cs_rep_pack_fn *pack;       /* optional, both or neither: lets MPI ranks share the items */
    cs_rep_unpack_fn *unpack;
    int local;                  /* 1: on this process's threads only, even in an MPI job: a run
                                 * that one rank makes alone (rank 0's checks while it writes
                                 * outputs); every rank would otherwise wait for the others */
} cs_rep_plan;

/* Runs every item of the plan (see the top of this file).  Returns CS_OK, the status of the
 * first failing item in (rep, part) order with its message in err (which may be NULL), or
 * CS_ENOMEM if the runner's own bookkeeping could not be allocated (then nothing ran). */
cs_status cs_rep_exec(const cs_rep_plan *plan, cs_error *err);

/* The one-part form: fn(ud, worker, rep) for rep 0 .. n_reps-1. */
typedef cs_status cs_rep_fn(void *ud, int worker, uint32_t rep, cs_error *err);
cs_status cs_rep_run(uint32_t n_reps, int n_workers, cs_rep_fn *fn, void *ud,
                     cs_rep_tick_fn *tick, void *tick_ud, cs_error *err);

/* Number of CPUs this process may run on (its affinity mask; at least 1). */
int cs_rep_cpus(void);

/* The MPI job (an MPI build started by mpirun, or srun with PMI/PMIx).  Otherwise, and in a
 * plain build, there is one process: start does nothing, rank is 0, size is 1.
 *   start: joins the job (MPI_Init); call once, first thing in main.
 *   stop:  the exit status of the whole job from this process's `code` (the command's exit
 *          status), agreed with every rank: a rank that left early (see above) gives its
 *          status to all if it is not 0; otherwise rank 0's if not 0, else the largest.  Before
 *          leaving the job (MPI_Finalize), and before any rank leaves, show_own(ud) is called when
 *          this rank's own messages explain the failure (it left early, or failed alone after
 *          the last run): the caller, which hid the messages of ranks other than 0, shows them.
 *          Afterwards the process is alone (rank 0, size 1): it may go on and run plans on its
 *          threads, which is how a command that does not spread runs on rank 0 only. */
cs_status cs_rep_dist_start(int *argc, char ***argv, cs_error *err);
int cs_rep_dist_rank(void);
int cs_rep_dist_size(void);
int cs_rep_dist_stop(int code, void (*show_own)(void *ud), void *ud);

/* Rank 0's n bytes at buf copied to buf on every rank (nothing in one process).  For a step
 * whose result may differ between ranks although the inputs are the same (an optimisation cut
 * short by a wall-clock limit): every rank then goes on with rank 0's answer.  Every rank must
 * call it at the same point with the same n; a rank that left early is reported as by
 * cs_rep_exec.  From the calling thread only (from a worker thread it does nothing). */
cs_status cs_rep_dist_bcast(void *buf, size_t n, cs_error *err);

#endif
