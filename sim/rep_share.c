/* A distributed run of a plan, without the transport (sim/rep_int.h): who runs what, the
 * messages ranks exchange, and what every rank does with them.
 *
 * Message (native byte order; every rank runs the same binary):
 *   u64 magic, u64 item count,
 *   per item that succeeded: u64 item index, u64 byte count, the bytes pack() wrote,
 *   trailer: u64 first failure key (CS_REP_NO_FAIL if none), u32 status, u32 message length,
 *            the message (no terminating zero).
 * The failure travels with the results so that every rank, reading the same messages, returns
 * the same first failure as a single process would. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rep_int.h"

#define MSG_MAGIC 0x43535245504d5347ULL   /* "CSREPMSG" read as a little-endian u64 */
#define MSG_HEAD 16                        /* magic + item count */

/* ------------------------------------------------------------------ who runs what */

typedef struct slot {
    double load;
    uint64_t count;
    int rank;
} slot;

static int slot_less(const slot *a, const slot *b)
{
    if (a->load != b->load) return a->load < b->load;
    if (a->count != b->count) return a->count < b->count;
    return a->rank < b->rank;
}

static void sift_down(slot *h, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, m = i;
        if (l < n && slot_less(&h[l], &h[m])) m = l;
        if (l + 1 < n && slot_less(&h[l + 1], &h[m])) m = l + 1;
        if (m == i) return;
        slot t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

cs_status cs_rep_share_assign(const cs_rep_work *w, int n_ranks, int *owner, cs_error *err)
{
    CS_REQUIRE(n_ranks >= 1);
    slot *h = malloc((size_t)n_ranks * sizeof *h);
    if (!h) return cs_error_set(err, CS_ENOMEM, "out of memory");
    /* Ranks start equal and in rank order, which is already a heap. */
    for (int r = 0; r < n_ranks; r++) h[r] = (slot){0, 0, r};
    const double *cost = w->plan.part_cost;
    for (uint64_t i = 0; i < w->n_items; i++) {
        double c = 1;
        if (cost) {
            c = cost[w->order[i / w->plan.n_reps]];
            if (!(c >= 0) || !isfinite(c)) c = 0;
        }
        owner[i] = h[0].rank;
        h[0].load += c;
        h[0].count++;
        sift_down(h, n_ranks, 0);
    }
    free(h);
    return CS_OK;
}

/* ------------------------------------------------------------------ a rank's message */

static void put_u64(cs_rep_pack *p, uint64_t v) { cs_rep_pack_put(p, &v, sizeof v); }
static void put_u32(cs_rep_pack *p, uint32_t v) { cs_rep_pack_put(p, &v, sizeof v); }

static void put_trailer(cs_rep_pack *p, uint64_t key, const cs_error *e)
{
    put_u64(p, key);
    put_u32(p, key == CS_REP_NO_FAIL ? (uint32_t)CS_OK : (uint32_t)e->code);
    size_t n = key == CS_REP_NO_FAIL ? 0 : strnlen(e->msg, sizeof e->msg - 1);
    put_u32(p, (uint32_t)n);
    cs_rep_pack_put(p, e->msg, n);
}

/* A message that only says `rank` failed with e: built in the message's own fixed buffer, so
 * that running out of memory can still be told to the other ranks. */
void cs_rep_msg_fail(cs_rep_msg *msg, int rank, cs_status code, const char *what)
{
    cs_error e;
    cs_error_set(&e, code, "MPI rank %d: %s", rank, what);
    size_t n = strnlen(e.msg, sizeof e.msg - 1);
    if (n > sizeof msg->fallback - MSG_HEAD - 16) n = sizeof msg->fallback - MSG_HEAD - 16;
    uint64_t magic = MSG_MAGIC, zero = 0, key = 0;
    uint32_t c = (uint32_t)code, len = (uint32_t)n;
    unsigned char *b = msg->fallback;
    memcpy(b, &magic, 8);
    memcpy(b + 8, &zero, 8);
    memcpy(b + 16, &key, 8);
    memcpy(b + 24, &c, 4);
    memcpy(b + 28, &len, 4);
    memcpy(b + 32, e.msg, n);
    free(msg->buf);
    msg->buf = NULL;
    msg->len = 32 + n;
}

const unsigned char *cs_rep_msg_bytes(const cs_rep_msg *msg) { return msg->buf ? msg->buf : msg->fallback; }

void cs_rep_msg_free(cs_rep_msg *msg)
{
    free(msg->buf);
    msg->buf = NULL;
    msg->len = 0;
}

void cs_rep_share_run(const cs_rep_work *w, const int *owner, int rank, cs_rep_msg *msg)
{
    const cs_rep_plan *pl = &w->plan;
    msg->buf = NULL;
    msg->len = 0;
    uint64_t n = 0;
    for (uint64_t i = 0; i < w->n_items; i++) n += owner[i] == rank;
    uint64_t *items = malloc((n ? n : 1) * sizeof *items);
    unsigned char *ok = malloc(n ? n : 1);
    if (!items || !ok) {
        free(items);
        free(ok);
        cs_rep_msg_fail(msg, rank, CS_ENOMEM, "out of memory");
        return;
    }
    for (uint64_t i = 0, k = 0; i < w->n_items; i++)
        if (owner[i] == rank) items[k++] = i;

    uint64_t key;
    cs_error e = {CS_OK, ""};
    cs_status st = cs_rep_local(w, items, n, 0, ok, &key, &e);
    if (st != CS_OK && key == CS_REP_NO_FAIL) key = 0;   /* the runner itself: before any item */

    cs_rep_pack p = {NULL, 0, 0, 0};
    put_u64(&p, MSG_MAGIC);
    put_u64(&p, 0);   /* item count, filled in below */
    uint64_t packed = 0;
    for (uint64_t k = 0; k < n && !p.failed; k++) {
        if (!ok[k]) continue;
        uint32_t rep = (uint32_t)(items[k] % pl->n_reps), part = w->order[items[k] / pl->n_reps];
        size_t at = p.len;
        put_u64(&p, items[k]);
        put_u64(&p, 0);
        cs_error pe = {CS_OK, ""};
        cs_status ps = pl->pack(pl->ud, rep, part, &p, &pe);
        if (p.failed) break;
        if (ps != CS_OK) {
            p.len = at;   /* the item is left out; its failure travels instead */
            uint64_t k2 = cs_rep_key(w, rep, part);
            if (k2 < key) {
                key = k2;
                e = pe;
                e.code = ps;
            }
            continue;
        }
        uint64_t bytes = p.len - at - 16;
        memcpy(p.buf + at + 8, &bytes, 8);
        packed++;
    }
    if (!p.failed) put_trailer(&p, key, &e);
    free(items);
    free(ok);
    if (p.failed) {
        free(p.buf);
        cs_rep_msg_fail(msg, rank, CS_ENOMEM, "out of memory packing its results");
        return;
    }
    memcpy(p.buf + 8, &packed, 8);
    msg->buf = p.buf;
    msg->len = p.len;
}

/* ------------------------------------------------------------------ after the exchange */

typedef struct reader {
    const unsigned char *p;
    uint64_t left;
    int bad;
} reader;

static uint64_t get_u64(reader *r)
{
    uint64_t v = 0;
    if (r->left < 8) {
        r->bad = 1;
        return 0;
    }
    memcpy(&v, r->p, 8);
    r->p += 8;
    r->left -= 8;
    return v;
}

static uint32_t get_u32(reader *r)
{
    uint32_t v = 0;
    if (r->left < 4) {
        r->bad = 1;
        return 0;
    }
    memcpy(&v, r->p, 4);
    r->p += 4;
    r->left -= 4;
    return v;
}

static void keep_first(uint64_t *key, cs_error *first, uint64_t k, cs_status code, const char *msg)
{
    if (k >= *key) return;
    *key = k;
    first->code = code;
    snprintf(first->msg, sizeof first->msg, "%s", msg);
}

/* done() for the replications in reps[0..n), on the rank's threads. */
typedef struct done_list {
    const cs_rep_plan *pl;
    const uint32_t *reps;
} done_list;

static cs_status done_item(void *ud, int worker, uint32_t k, uint32_t part, cs_error *err)
{
    (void)part;
    const done_list *d = ud;
    return d->pl->done(d->pl->ud, worker, d->reps[k], err);
}

cs_status cs_rep_share_finish(const cs_rep_work *w, const int *owner, int rank, int n_ranks,
                              const unsigned char *const *msgs, const uint64_t *lens,
                              uint64_t *fail_key, cs_error *err)
{
    const cs_rep_plan *pl = &w->plan;
    uint64_t key = CS_REP_NO_FAIL;
    cs_error first = {CS_OK, ""};
    uint32_t *parts_ok = calloc(pl->n_reps ? pl->n_reps : 1, sizeof *parts_ok);
    if (!parts_ok) {
        *fail_key = 0;
        return cs_error_set(err, CS_ENOMEM, "MPI rank %d: out of memory", rank);
    }
    char text[sizeof first.msg];
    for (int r = 0; r < n_ranks; r++) {
        reader rd = {msgs[r], lens[r], 0};
        int bad = get_u64(&rd) != MSG_MAGIC;
        uint64_t n = bad ? 0 : get_u64(&rd);
        for (uint64_t k = 0; k < n && !bad && !rd.bad; k++) {
            uint64_t i = get_u64(&rd), bytes = get_u64(&rd);
            if (rd.bad || i >= w->n_items || owner[i] != r || bytes > rd.left) {
                bad = 1;
                break;
            }
            uint32_t rep = (uint32_t)(i % pl->n_reps), part = w->order[i / pl->n_reps];
            if (r != rank) {
                /* Another rank ran this item: its output goes into this rank's storage. */
                cs_rep_unpack in = {rd.p, (size_t)bytes, 0};
                cs_error ue = {CS_OK, ""};
                cs_status us = pl->unpack(pl->ud, rep, part, &in, &ue);
                if (us == CS_OK && (in.overrun || in.left != 0)) {
                    snprintf(text, sizeof text,
                             "MPI rank %d: replication %u part %u from rank %d: %s than were packed "
                             "(callsim builds differ between ranks?)",
                             rank, rep + 1, part, r, in.overrun ? "read more bytes" : "read fewer bytes");
                    keep_first(&key, &first, cs_rep_key(w, rep, part), CS_EINTERNAL, text);
                } else if (us != CS_OK) {
                    keep_first(&key, &first, cs_rep_key(w, rep, part), us, ue.msg);
                } else {
                    parts_ok[rep]++;
                }
            } else {
                parts_ok[rep]++;   /* ran here: already in place */
            }
            rd.p += bytes;
            rd.left -= bytes;
        }
        uint64_t fk = bad ? 0 : get_u64(&rd);
        cs_status fc = (cs_status)get_u32(&rd);
        uint32_t len = get_u32(&rd);
        if (bad || rd.bad || len > rd.left || len >= sizeof text || rd.left != len) {
            snprintf(text, sizeof text,
                     "MPI rank %d: the results of rank %d do not read back (callsim builds or machines "
                     "differ between ranks?)", rank, r);
            keep_first(&key, &first, 0, CS_EINTERNAL, text);
            continue;
        }
        if (fk != CS_REP_NO_FAIL) {
            memcpy(text, rd.p, len);
            text[len] = 0;
            keep_first(&key, &first, fk, fc, text);
        }
    }

    if (pl->done) {
        uint32_t n_done = 0;
        uint32_t *reps = malloc((pl->n_reps ? pl->n_reps : 1) * sizeof *reps);
        if (!reps) {
            keep_first(&key, &first, 0, CS_ENOMEM, "out of memory");
        } else {
            for (uint32_t rep = 0; rep < pl->n_reps; rep++)
                if (parts_ok[rep] == pl->n_parts) reps[n_done++] = rep;
            done_list dl = {pl, reps};
            cs_rep_plan dp;
            memset(&dp, 0, sizeof dp);
            dp.n_reps = n_done;
            dp.n_parts = 1;
            dp.n_workers = pl->n_workers;
            dp.run = done_item;
            dp.ud = &dl;
            cs_rep_work dw;
            cs_error de = {CS_OK, ""};
            uint64_t dk = CS_REP_NO_FAIL;
            cs_status ds = cs_rep_work_init(&dw, &dp, &de);
            if (ds == CS_OK) {
                ds = cs_rep_local(&dw, NULL, dw.n_items, 0, NULL, &dk, &de);
                cs_rep_work_fini(&dw);
            }
            /* The done list's key k * 2 is replication reps[k]'s done. */
            if (ds != CS_OK)
                keep_first(&key, &first, dk == CS_REP_NO_FAIL ? 0 : cs_rep_key(w, reps[dk / 2], pl->n_parts), ds,
                           de.msg);
            free(reps);
        }
    }
    free(parts_ok);
    *fail_key = key;
    if (key == CS_REP_NO_FAIL) return CS_OK;
    if (err) *err = first;
    return first.code;
}
