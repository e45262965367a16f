/* The event calendar: the simulation clock and the set of future events.
 *
 * An event is (time, priority, function, object).  Events leave in the order
 *   time ascending, then priority descending, then insertion order (FIFO),
 * so two runs that schedule the same events see them in the same order: equal times never
 * depend on heap layout.  Scheduling in the past is a bug and trips CS_REQUIRE.
 *
 * Every schedule returns a handle (cs_event_id, never 0) that cancels the event in O(log n):
 * a caller's patience timer is cancelled when a handler answers first.  A handle that has
 * fired or been cancelled is stale; cancelling it again is harmless and returns false, because
 * the slot's generation number has moved on.
 *
 * Memory: events live in a slot pool that grows by doubling and is reused through a free list,
 * so the hot path never calls malloc; the pool's size follows the number of pending events
 * (about the calls in the system), not the number of events processed.
 *
 * Ownership: the calendar owns its arrays, never the objects passed with events. */
#ifndef CS_CAL_H
#define CS_CAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/status.h"

typedef struct cs_cal cs_cal;
typedef uint64_t cs_event_id;

/* The clock is the first member of every calendar, published so that cs_cal_now() compiles
 * to one load: the model reads the clock several times per event.  Read only; the rest of
 * the calendar stays opaque. */
typedef struct cs_cal_clock {
    double now;
} cs_cal_clock;

/* ctx is the pointer given to cs_cal_run_until (the model); obj the one given at scheduling. */
typedef void cs_event_fn(void *ctx, void *obj);

/* Priorities for events at the same instant; higher leaves first. */
enum {
    CS_PRIO_END = -100,      /* end of run: after everything else at that instant */
    CS_PRIO_NORMAL = 0,
    CS_PRIO_STATS = 50,      /* statistics ticks see the state before other events change it */
    CS_PRIO_CONTROL = 100    /* warm-up reset, staffing changes */
};

/* capacity_hint: expected pending events (0 = a small default). Returns NULL if out of memory. */
cs_cal *cs_cal_create(size_t capacity_hint);
void cs_cal_destroy(cs_cal *cal);

/* Empties the calendar and sets the clock to 0, keeping the memory (for the next replication). */
void cs_cal_reset(cs_cal *cal);

/* The current simulated time (the time of the event being executed). */
static inline double cs_cal_now(const cs_cal *cal)
{
    /* A pointer to a struct, converted, points to its first member (C11 6.7.2.1p15). */
    return ((const cs_cal_clock *)(const void *)cal)->now;
}
size_t cs_cal_pending(const cs_cal *cal);
/* Total events executed since creation or reset (for ns-per-event figures). */
uint64_t cs_cal_executed(const cs_cal *cal);

/* Schedules fn(ctx, obj) at time t (t >= now, finite).  prio in [-128, 127].
 * Returns the handle, or 0 if the pool could not grow (out of memory, or 2^24 = 16.7 million
 * events already pending, the most the compact heap entries can index). */
cs_event_id cs_cal_schedule(cs_cal *cal, double t, int prio, cs_event_fn *fn, void *obj);

/* Lanes.  A lane is a sequence of events that mostly leave in the order they are scheduled,
 * such as a line's next arrival (one pending at a time) or the ends of IVR journeys: its
 * events are kept beside the heap, in order, so scheduling one usually costs no walk through
 * the heap.  Any order of times is correct (a lane places each event where it belongs); only
 * the speed depends on it.  Events on lanes leave in the same order as all others (time, then
 * priority, then insertion order), their handles cancel them and give their time as usual.
 * A calendar has at most CS_CAL_LANES; lanes outlive cs_cal_reset. */
#define CS_CAL_LANES 4
/* Pending events a lane holds (a power of two); more go to the heap, in the same order. */
#define CS_CAL_LANE_CAP 16

/* A new lane's number, or -1 when all are taken (then schedule with cs_cal_schedule). */
int cs_cal_lane_new(cs_cal *cal);

/* cs_cal_schedule, kept on a lane (on the heap when the lane holds CS_CAL_LANE_CAP already). */
cs_event_id cs_cal_schedule_lane(cs_cal *cal, int lane, double t, int prio, cs_event_fn *fn, void *obj);

/* Removes a pending event.  Returns true if it was pending, false if the handle is stale. */
bool cs_cal_cancel(cs_cal *cal, cs_event_id id);

/* Time of a pending event, or NAN if the handle is stale. */
double cs_cal_time_of(const cs_cal *cal, cs_event_id id);

/* Executes events in order while the next one is at or before t_end, then sets the clock to
 * t_end.  Events scheduled by handlers are part of the same run.  Returns early (clock at the
 * last event) if cs_cal_stop was called from a handler. */
void cs_cal_run_until(cs_cal *cal, double t_end, void *ctx);

/* Pops and executes exactly one event if there is one at or before t_end; returns whether it did. */
bool cs_cal_step(cs_cal *cal, double t_end, void *ctx);

void cs_cal_stop(cs_cal *cal);

#endif
