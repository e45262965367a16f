/* Inside the replication runner (sim/rep*.c and tests/test_mpi.c only).
 *
 * Three layers:
 *   rep.c        the thread runner: any subset of a plan's items on a rank's threads;
 *   rep_share.c  a distributed run without the transport: which rank runs which item, the
 *                message a rank sends (its items' packed outputs and its first failure), and
 *                what a rank does with everyone's messages (unpack, done, the first failure);
 *   rep_mpi.c    the transport (MPI collectives) and the job's start and stop; in a plain
 *                build, stubs.
 * Splitting the transport off lets the tests run several "ranks" in one process and check that
 * the results are those of a single run, in every build. */
#ifndef CS_REP_INT_H
#define CS_REP_INT_H

#include <stdint.h>

#include "sim/rep.h"

/* No failure. */
#define CS_REP_NO_FAIL UINT64_MAX

struct cs_rep_pack {
    unsigned char *buf;
    size_t len, cap;
    int failed;          /* an allocation failed: the contents are incomplete */
};

struct cs_rep_unpack {
    const unsigned char *p;
    size_t left;
    int overrun;         /* a get asked for more than was left */
};

/* A plan with its defaults applied and the hand-out order of its items.  Item index i
 * (0 .. n_items-1) is replication i % n_reps of part order[i / n_reps]. */
typedef struct cs_rep_work {
    cs_rep_plan plan;    /* n_parts >= 1, n_workers >= 1 */
    uint64_t n_items;
    uint32_t *order;     /* [n_parts], largest first */
} cs_rep_work;

cs_status cs_rep_work_init(cs_rep_work *w, const cs_rep_plan *plan, cs_error *err);
void cs_rep_work_fini(cs_rep_work *w);

/* The key that orders failures: (rep, part), done counting as part n_parts. */
static inline uint64_t cs_rep_key(const cs_rep_work *w, uint32_t rep, uint32_t part)
{
    return (uint64_t)rep * (w->plan.n_parts + 1u) + part;
}

/* Runs the items items[0..n) (indices, in hand-out order; items NULL: every item) on the
 * plan's threads.  With call_done, done() runs as in cs_rep_exec (every item must then be in
 * the subset); without, it does not run.  ok[k] (optional) is set to 1 when items[k]
 * succeeded.  Returns the first failure (its key in *fail_key, CS_REP_NO_FAIL if none, and its
 * message in err) or CS_ENOMEM for the runner's own bookkeeping. */
cs_status cs_rep_local(const cs_rep_work *w, const uint64_t *items, uint64_t n, int call_done,
                       unsigned char *ok, uint64_t *fail_key, cs_error *err);

/* ------------------------------------------------------------- distribution (rep_share.c) */

/* Which rank runs each item: owner[n_items].  Items are taken in hand-out order and each goes
 * to the rank with the least cost so far (then the fewest items, then the lowest number). */
cs_status cs_rep_share_assign(const cs_rep_work *w, int n_ranks, int *owner, cs_error *err);

/* A message between ranks: what one rank's items wrote, and its first failure. */
typedef struct cs_rep_msg {
    unsigned char *buf;   /* owned, or NULL when `fallback` holds it */
    size_t len;
    unsigned char fallback[1024];   /* a failure-only message when memory ran out */
} cs_rep_msg;

/* Runs rank `rank`'s items (with its threads and tick) and packs their outputs into msg.
 * Never fails: a failure (of an item, of pack, of memory) travels in the message. */
void cs_rep_share_run(const cs_rep_work *w, const int *owner, int rank, cs_rep_msg *msg);
/* Makes msg a failure-only message ("MPI rank R: what"), in its fixed buffer. */
void cs_rep_msg_fail(cs_rep_msg *msg, int rank, cs_status code, const char *what);
const unsigned char *cs_rep_msg_bytes(const cs_rep_msg *msg);
void cs_rep_msg_free(cs_rep_msg *msg);

/* Everything after the exchange, on rank `rank`: reads every rank's message (msgs[r] of
 * lens[r] bytes, its own included), unpacks the items other ranks ran, runs done() for every
 * replication whose parts all succeeded, and returns the first failure in (rep, part) order
 * (key in *fail_key).  Every rank gets the same answer unless unpacking failed locally (memory,
 * or bytes that do not read back), which the transport then makes common. */
cs_status cs_rep_share_finish(const cs_rep_work *w, const int *owner, int rank, int n_ranks,
                              const unsigned char *const *msgs, const uint64_t *lens,
                              uint64_t *fail_key, cs_error *err);

/* --------------------------------------------------------------------- transport (rep_mpi.c) */

/* A distributed cs_rep_exec (called only when cs_rep_dist_size() > 1). */
cs_status cs_rep_dist_exec(const cs_rep_plan *plan, cs_error *err);

#endif
