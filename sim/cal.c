/* Event calendar: an indexed d-ary min-heap of compact entries plus a slot pool.
 *
 * Why this structure.  The pending set in a contact centre is small and stable (one service
 * completion per busy handler, one patience timer per waiting caller, one next-arrival per line:
 * hundreds to a few thousand events), and most events are scheduled less than a few minutes
 * ahead.  For that shape a heap whose entries carry their own keys beats pointer-based
 * structures (pairing heap: a cache miss per link) and calendar queues (bucket-width tuning,
 * poor behaviour with the bimodal service/patience horizons).  Between heap arities we
 * measured rather than guessed: `make bench` runs bench/bench_cal.c (a hold model at 64 to
 * 32768 pending events) built with 2- and 4-ary heaps, and the whole M/M/n+M benchmark was
 * run with both.  Wall-clock times were within run-to-run noise (about +-10% on this 2-core
 * machine) at every size; callgrind, which counts instructions repeatably, gave the 4-ary
 * heap 4% fewer instructions on the 380-handler model (fewer levels; the four children
 * share one or two cache lines).  So CS_CAL_ARITY defaults to 4.  Figures in the README.
 *
 * Entries are 24 bytes {time, key, slot}; key packs (127 - priority) in the top 8 bits and a
 * 56-bit insertion counter below, so one integer compare settles ties deterministically.  The
 * slot pool holds what is not needed for ordering (function, object, position in the heap,
 * generation) and is where cancellation finds an event's position in O(1) before an O(log n)
 * removal. */
#include "sim/cal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef CS_CAL_ARITY
#define CS_CAL_ARITY 4
#endif

#define SLOT_FREE UINT32_MAX
#define SEQ_BITS 56

typedef struct heap_entry {
    double t;
    uint64_t key;
    uint32_t slot;
} heap_entry;

typedef struct slot {
    cs_event_fn *fn;
    void *obj;
    uint32_t heap_pos;   /* SLOT_FREE when the slot is not in the heap */
    uint32_t gen;        /* bumped whenever the slot is released: stale handles stop matching */
    uint32_t next_free;
} slot;

struct cs_cal {
    heap_entry *heap;
    size_t n, cap;
    slot *slots;
    size_t nslots;
    uint32_t free_head;
    uint64_t seq;
    uint64_t executed;
    double now;
    bool stop;
};

/* Generations skip 0 so that a handle ((gen << 32) | slot) is never 0, the "no event" value,
 * even after 2^32 reuses of slot 0. */
static inline void bump_gen(slot *sl)
{
    if (++sl->gen == 0) sl->gen = 1;
}

static bool grow_slots(cs_cal *cal)
{
    size_t old = cal->nslots, cap = old ? old * 2 : 64;
    if (cap > SLOT_FREE - 1) return false;
    /* The heap never holds more entries than there are slots; grow it first so that a failure
     * leaves the calendar as it was. */
    if (cal->cap < cap) {
        heap_entry *h = realloc(cal->heap, cap * sizeof *h);
        if (!h) return false;
        cal->heap = h;
        cal->cap = cap;
    }
    slot *s = realloc(cal->slots, cap * sizeof *s);
    if (!s) return false;
    for (size_t i = old; i < cap; i++) {
        s[i].fn = NULL;
        s[i].obj = NULL;
        s[i].heap_pos = SLOT_FREE;
        s[i].gen = 1;
        s[i].next_free = (i + 1 < cap) ? (uint32_t)(i + 1) : cal->free_head;
    }
    cal->free_head = (uint32_t)old;
    cal->slots = s;
    cal->nslots = cap;
    return true;
}

cs_cal *cs_cal_create(size_t capacity_hint)
{
    cs_cal *cal = calloc(1, sizeof *cal);
    if (!cal) return NULL;
    cal->free_head = SLOT_FREE;
    size_t want = capacity_hint ? capacity_hint : 64;
    while (cal->nslots < want)
        if (!grow_slots(cal)) {
            cs_cal_destroy(cal);
            return NULL;
        }
    return cal;
}

void cs_cal_destroy(cs_cal *cal)
{
    if (!cal) return;
    free(cal->heap);
    free(cal->slots);
    free(cal);
}

void cs_cal_reset(cs_cal *cal)
{
    /* Generations keep counting so that handles from the last replication stay stale. */
    cal->free_head = SLOT_FREE;
    for (size_t i = cal->nslots; i-- > 0;) {
        cal->slots[i].heap_pos = SLOT_FREE;
        bump_gen(&cal->slots[i]);
        cal->slots[i].next_free = cal->free_head;
        cal->free_head = (uint32_t)i;
    }
    cal->n = 0;
    cal->seq = 0;
    cal->executed = 0;
    cal->now = 0.0;
    cal->stop = false;
}

double cs_cal_now(const cs_cal *cal) { return cal->now; }
size_t cs_cal_pending(const cs_cal *cal) { return cal->n; }
uint64_t cs_cal_executed(const cs_cal *cal) { return cal->executed; }
void cs_cal_stop(cs_cal *cal) { cal->stop = true; }

static inline bool before(const heap_entry *a, const heap_entry *b)
{
    return a->t < b->t || (a->t == b->t && a->key < b->key);
}

static inline void place(cs_cal *cal, size_t pos, heap_entry e)
{
    cal->heap[pos] = e;
    cal->slots[e.slot].heap_pos = (uint32_t)pos;
}

static void sift_up(cs_cal *cal, size_t pos, heap_entry e)
{
    while (pos > 0) {
        size_t parent = (pos - 1) / CS_CAL_ARITY;
        if (!before(&e, &cal->heap[parent])) break;
        place(cal, pos, cal->heap[parent]);
        pos = parent;
    }
    place(cal, pos, e);
}

static void sift_down(cs_cal *cal, size_t pos, heap_entry e)
{
    size_t n = cal->n;
    for (;;) {
        size_t first = pos * CS_CAL_ARITY + 1;
        if (first >= n) break;
        size_t last = first + CS_CAL_ARITY < n ? first + CS_CAL_ARITY : n;
        size_t best = first;
        for (size_t c = first + 1; c < last; c++)
            if (before(&cal->heap[c], &cal->heap[best])) best = c;
        if (!before(&cal->heap[best], &e)) break;
        place(cal, pos, cal->heap[best]);
        pos = best;
    }
    place(cal, pos, e);
}

static inline void release_slot(cs_cal *cal, uint32_t s)
{
    cal->slots[s].heap_pos = SLOT_FREE;
    bump_gen(&cal->slots[s]);
    cal->slots[s].next_free = cal->free_head;
    cal->free_head = s;
}

cs_event_id cs_cal_schedule(cs_cal *cal, double t, int prio, cs_event_fn *fn, void *obj)
{
    CS_REQUIRE(isfinite(t));
    CS_REQUIRE(t >= cal->now);
    CS_REQUIRE(prio >= -128 && prio <= 127);
    CS_REQUIRE(fn != NULL);
    if (cal->free_head == SLOT_FREE && !grow_slots(cal)) return 0;
    uint32_t s = cal->free_head;
    cal->free_head = cal->slots[s].next_free;
    cal->slots[s].fn = fn;
    cal->slots[s].obj = obj;
    heap_entry e = {t, ((uint64_t)(127 - prio) << SEQ_BITS) | (cal->seq++ & ((1ULL << SEQ_BITS) - 1)), s};
    cal->n++;
    sift_up(cal, cal->n - 1, e);
    return ((uint64_t)cal->slots[s].gen << 32) | s;
}

static inline slot *live_slot(const cs_cal *cal, cs_event_id id)
{
    uint32_t s = (uint32_t)(id & 0xffffffffu), gen = (uint32_t)(id >> 32);
    if (id == 0 || s >= cal->nslots) return NULL;
    slot *sl = &cal->slots[s];
    if (sl->gen != gen || sl->heap_pos == SLOT_FREE) return NULL;
    return sl;
}

bool cs_cal_cancel(cs_cal *cal, cs_event_id id)
{
    slot *sl = live_slot(cal, id);
    if (!sl) return false;
    size_t pos = sl->heap_pos;
    release_slot(cal, (uint32_t)(id & 0xffffffffu));
    cal->n--;
    if (pos == cal->n) return true;
    heap_entry last = cal->heap[cal->n];
    if (pos > 0 && before(&last, &cal->heap[(pos - 1) / CS_CAL_ARITY]))
        sift_up(cal, pos, last);
    else
        sift_down(cal, pos, last);
    return true;
}

double cs_cal_time_of(const cs_cal *cal, cs_event_id id)
{
    const slot *sl = live_slot(cal, id);
    return sl ? cal->heap[sl->heap_pos].t : NAN;
}

bool cs_cal_step(cs_cal *cal, double t_end, void *ctx)
{
    if (cal->n == 0 || cal->heap[0].t > t_end) return false;
    heap_entry top = cal->heap[0];
    slot *sl = &cal->slots[top.slot];
    cs_event_fn *fn = sl->fn;
    void *obj = sl->obj;
    release_slot(cal, top.slot);
    cal->n--;
    if (cal->n > 0) sift_down(cal, 0, cal->heap[cal->n]);
    cal->now = top.t;
    cal->executed++;
    fn(ctx, obj);
    return true;
}

void cs_cal_run_until(cs_cal *cal, double t_end, void *ctx)
{
    CS_REQUIRE(!isnan(t_end));
    cal->stop = false;
    while (!cal->stop && cs_cal_step(cal, t_end, ctx)) {
    }
    if (!cal->stop && t_end > cal->now) cal->now = t_end;
}
