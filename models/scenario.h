/* The resolved scenario: everything a run needs, as plain data.
 *
 * io/ builds it from YAML (after `base:` merging, defaults and validation) or from a fitted
 * call log; models/ runs it; io/ writes it back into summary.json.  No YAML, no file names
 * needed to run it.  By the time a cs_scn exists it is valid: indexes are in range, shares
 * sum to 1, every queue has a pool that can take it, so the engine does not re-check.
 *
 * Units: all times in seconds, rates per second, shares as fractions, t = 0 is Monday 00:00
 * of week 1 (the simulated week starts on a Monday, the way rosters and profiles are written),
 * or, with a start date (clock.dated), local UK midnight at the start of that date.
 *
 * Dated runs.  Without `start:` everything repeats weekly and the dated members below are
 * empty (zero), which is exactly the behaviour before calendars.  With a start date the loader
 * also fills: `days` (the local days of the run), each line's `dated` demand (week profile x
 * month factors x special days, bank holidays following a chosen weekday), each pool's
 * `run_staffing` (the roster expanded over the run at local clock times, with any dated
 * on-duty file laid over it), and each weekly surge's instances.  The engine reads the dated
 * members when they are present; the weekly ones stay for reports and checks.
 *
 * Concepts (a planner's words):
 *   line   a number the public rings (101, 999): arrivals, capacity, IVR, callers' behaviour
 *   queue  where a call waits for a handler with a given skill; a line has a main queue and
 *          may have more (IVR options, the transfer leg)
 *   pool   a team of identical handlers that takes calls from a list of queues, on a roster
 *   tech   multipliers on handle/wrap time and outage windows
 *
 * Ownership: cs_scn owns every array and distribution inside it; cs_scn_free releases all. */
#ifndef CS_SCENARIO_H
#define CS_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "models/calendar.h"
#include "models/dist.h"
#include "models/roster.h"

#define CS_NAME_MAX 64
#define CS_WEEK (7.0 * 86400.0)
#define CS_DAY 86400.0

/* A time window [start, end) in simulated seconds, with a factor whose meaning depends on use
 * (arrival multiplier for a surge, handle-time multiplier for a tech effect). */
typedef struct cs_window {
    double start, end;
    double factor;
    int line;          /* -1 = every line */
    int weekly;        /* repeats every week (start, end taken modulo a week) */
    double *inst;      /* dated weekly window: [inst[2i], inst[2i+1]) for i < n_inst, sorted, at
                        * local clock times over the run (then `weekly` is not used); owned */
    size_t n_inst;
} cs_window;

/* Arrival rate of a line over the week: piecewise constant on n_slots equal slots that tile
 * one week (slot_len * n_slots == CS_WEEK).  A constant rate is one slot. */
struct cs_profile {
    double slot_len;
    size_t n_slots;
    double *rate;      /* per second, per slot */
};

typedef struct cs_ivr_route {
    char name[CS_NAME_MAX];
    double share;
    int queue;         /* index into cs_scn.queues */
} cs_ivr_route;

typedef struct cs_ivr {
    int enabled;
    cs_dist time;          /* time spent in menus by a caller who goes through */
    double abandon;        /* share who hang up in the IVR (at a uniform point of their menu time) */
    double deflect;        /* share sent to online reporting / another agency: leave at the end */
    cs_ivr_route *routes;  /* shares sum to 1 (of those who neither abandon nor are deflected) */
    size_t n_routes;
} cs_ivr;

typedef struct cs_redial {
    double prob;           /* chance an abandoning or cut-off caller tries again */
    cs_dist delay;         /* time before the next attempt */
    int max_attempts;      /* attempts per caller including the first; >= 1 */
} cs_redial;

typedef struct cs_spill {
    int to_line;           /* -1 = no spillover */
    double share;          /* chance of ringing the other line instead, once waited >= after */
    double after;          /* wait (s) from which callers start to spill */
    double per_minute;     /* extra chance per minute waited beyond `after` */
    double max;            /* cap on the chance */
    cs_dist delay;         /* time between giving up and ringing the other line */
} cs_spill;

typedef struct cs_callback {
    int enabled;
    double offer_over;     /* offered when the expected wait exceeds this (s) */
    double accept;         /* share of offered callers who accept */
    double deadline;       /* promised: call back within this time of booking (s) */
    double expire;         /* not made within this time of booking: missed (s) */
    double reach;          /* chance the caller answers a callback attempt */
    int max_attempts;      /* dial attempts before the callback counts as made but unreached */
    double retry_after;    /* gap between dial attempts (s) */
    cs_dist fail_time;     /* handler time spent on an unanswered attempt */
    int pool;              /* pool that makes callbacks; -1 = any pool serving the main queue */
} cs_callback;

/* A band of the day with its own handle time, patience or IVR shares (a line's
 * `by_time_of_day`): it applies to attempts arriving in [from, to) of the local clock.  has_*
 * say which parts it sets; the line's own values apply to the rest and outside every band. */
typedef struct cs_tod_band {
    double from, to;       /* seconds after local midnight, 0 <= from < to <= 86400 */
    int has_handle, has_patience, has_ivr;
    cs_dist handle;        /* talk time on the line's main queue */
    cs_dist patience;
    double ivr_abandon, ivr_deflect;
} cs_tod_band;

/* How a line's stated volume counts calls (arrivals `counts:`). */
typedef enum cs_counts {
    CS_COUNTS_FIRST = 0,   /* first attempts (new callers); redials and spill-ins come on top */
    CS_COUNTS_ATTEMPTS = 1 /* every attempt: the first-attempt rate is scaled by a factor found
                            * by pilot runs (models/volume.h) so that offered attempts match */
} cs_counts;

typedef struct cs_demand cs_demand;   /* models/demand.h */
typedef struct cs_days cs_days;       /* models/demand.h */

/* Ring-backs: the control room rings back abandoned calls (on 999, mostly silent or accidental
 * ones).  A ring-back is work, not part of the caller's journey: it is booked when an attempt
 * is abandoned (in the IVR, in the queue or while BT connects), takes a handler for `time`,
 * and does not change what the caller does next (redial, spill over) or whether they count as
 * reached.  Pools make them with the callback machinery of models/centre.c. */
typedef struct cs_ringback {
    int enabled;
    double share;          /* chance an abandoned attempt is rung back ... */
    double within;         /* ... if it was abandoned within this time of dialling (INFINITY: any) */
    cs_dist time;          /* handler time per ring-back, everything included */
    int has_priority;      /* 0: after every live call (like callbacks) */
    int priority;          /* else before live calls of queues with a lower priority */
    int pool;              /* pool that makes them; -1 = any pool serving the main queue */
} cs_ringback;

typedef struct cs_line {
    char name[CS_NAME_MAX];
    int priority;          /* higher is served first by pools shared with other lines */
    cs_profile demand;     /* expected rate before daily factor and surges */
    cs_demand *dated;      /* with a start date: the rate over the run (owned); NULL = `demand`
                            * repeats every week */
    cs_counts counts;      /* what the stated volume counts */
    double volume_factor;  /* scale applied by cs_volume_calibrate (0 = not calibrated) */
    double daily_cv;       /* coefficient of variation of the gamma daily factor; 0 = none */
    long trunks;           /* simultaneous calls the line can hold (IVR + queue + talking); -1 = unlimited */
    long queue_places;     /* callers who can wait at once; -1 = unlimited */
    cs_ivr ivr;
    int queue;             /* main queue (index into cs_scn.queues) when there is no IVR */
    cs_dist patience;
    cs_redial redial;
    cs_spill spill;
    cs_callback callback;
    cs_ringback ringback;
    int has_connect;       /* BT connection time before the call reaches the force (999) */
    cs_dist connect;       /* counts in waits, ASA and service level; patience runs during it */
    double target_within;  /* service-level target: answered within this (s) ... */
    double target_share;   /* ... for this share of calls (reported, drawn on charts) */
    double target_max_abandon; /* ceiling on abandon_rate per interval for the staffing planner
                                * (callsim staff); 0 = none */
    cs_tod_band *bands;    /* by time of day: sorted by from, not overlapping */
    size_t n_bands;
} cs_line;

typedef struct cs_queue {
    char name[CS_NAME_MAX];
    int line;              /* the line whose KPIs this queue's calls count towards */
    int priority;          /* for pools that take several queues; defaults to the line's */
    cs_dist handle;        /* talk time */
    cs_dist wrap;          /* after-call work, caller gone, handler still busy */
    int has_patience;      /* own patience distribution (the transfer leg); else the line's */
    cs_dist patience;
    double transfer_share; /* share of answered calls passed on to transfer_queue afterwards */
    int transfer_queue;    /* -1 = none */
    int is_transfer_leg;   /* this queue receives transfers (its calls are second legs) */
} cs_queue;

typedef enum cs_pick_rule {
    CS_PICK_PRIORITY = 0,  /* highest queue priority first; equal priority: longest waiting */
    CS_PICK_WEIGHTED = 1   /* among non-empty queues, at random in proportion to weights */
} cs_pick_rule;

/* cs_shift (a roster's shift as written) and cs_staffing (handlers on duty over the week, what
 * the engine uses) are defined in models/roster.h, which turns the one into the other. */

/* How shrinkage and breaks become handlers on duty (models/roster.h). */
typedef enum cs_absence {
    CS_ABSENCE_RANDOM = 0,   /* each rostered person-shift absent at random; breaks by person */
    CS_ABSENCE_EXPECTED = 1  /* the rounded expectation, the same in every replication */
} cs_absence;

/* A shift pattern the staffing planner may use (`patterns:` of a pool; `callsim staff` only, a
 * run ignores it): a weekly shift from a start or a start window, or a 12-hour 4 on / 4 off
 * rotation in four equal crews.  experiments/staff.c turns it into cover patterns. */
typedef struct cs_shift_pattern {
    char name[CS_NAME_MAX];
    int rotation;          /* 0: weekly shift; 1: 4 on / 4 off (two 12 h days, two nights) */
    unsigned days;         /* weekly: weekdays it may start (Monday = bit 0) */
    int by_day;            /* weekly: a headcount per weekday (1) or one for all its days (0) */
    double start_first;    /* weekly: first start (s after midnight); rotation: day shifts' */
    double start_last;     /* weekly: last start of the window (= start_first for one start) */
    double start_every;    /* weekly: step of the window (s) */
    double night_start;    /* rotation: night shifts' start (s after midnight) */
    double length;         /* seconds (rotation: 12 h) */
    double break_time;     /* seconds per shift, taken where the scenario's breaks are */
    int unpaid_breaks;     /* breaks are not paid */
    int min_heads, max_heads; /* per pattern (per weekday when by_day; per crew); max < 0 = none */
    double cost_per_hour;  /* < 0: the pool's */
} cs_shift_pattern;

typedef struct cs_pool {
    char name[CS_NAME_MAX];
    int *queues;           /* queues this pool takes calls from (skills) */
    double *weights;       /* per listed queue, for CS_PICK_WEIGHTED */
    size_t n_queues;
    cs_pick_rule rule;
    double shrinkage;      /* share of rostered time lost to sickness, training, ... */
    cs_absence absence;
    double headcount;      /* staff: N (no roster): N people on duty round the clock; else 0 */
    cs_shift *shifts;      /* as written, kept for reports */
    size_t n_shifts;
    int placeholder;       /* staffing is a stand-in (fit had no agent column): replay warns */
    cs_staffing staffing;  /* the roster's expected week (after breaks and shrinkage), rounded:
                            * CS_ABSENCE_EXPECTED runs it when run_staffing is empty; with random
                            * absence each replication draws its own (models/roster.h) */
    cs_staffing run_staffing; /* dated: expected handlers on duty over the run, at[] in simulated
                               * seconds from 0 (not repeating); n == 0 when undated */
    char on_duty_file[256];   /* dated on-duty CSV laid over the roster, "" if none */
    struct cs_onduty *on_duty; /* its numbers (models/staffing.h), owned; NULL if none.  With
                                * random absence each replication's draw is overlaid with them */
    /* The staffing planner's inputs (callsim staff; a run ignores them). */
    double cost_per_hour;  /* cost of a paid hour; 0 = not given */
    int max_heads;         /* most people on the pool's roster (heads of a week); 0 = no cap */
    cs_shift_pattern *patterns; /* allowed shift patterns (owned); none = the roster's shifts */
    size_t n_patterns;
} cs_pool;

typedef enum cs_effect_on { CS_EFFECT_HANDLE = 0, CS_EFFECT_WRAP = 1 } cs_effect_on;

typedef struct cs_effect {
    char name[CS_NAME_MAX];
    cs_effect_on on;
    int line;              /* -1 = every line */
    double factor;
    int has_window;
    cs_window window;      /* when it applies (by the time a call is answered) */
} cs_effect;

typedef enum cs_outage_kind { CS_OUTAGE_CUT_OFF = 0, CS_OUTAGE_SLOW = 1 } cs_outage_kind;

typedef struct cs_outage {
    char name[CS_NAME_MAX];
    cs_outage_kind kind;   /* calls arriving in it are cut off, or handle time is multiplied */
    cs_window window;      /* window.factor is the handle multiplier for CS_OUTAGE_SLOW */
} cs_outage;

typedef struct cs_scn {
    char name[128];
    char *description;
    double horizon;        /* simulated time per replication (s), including warm-up */
    double warmup;         /* discarded at the start (s) */
    int replications;
    uint64_t seed;
    double interval;       /* reporting interval (s): 900 or 3600 */

    cs_line *lines;   size_t n_lines;
    cs_queue *queues; size_t n_queues;
    cs_pool *pools;   size_t n_pools;
    cs_window *surges; size_t n_surges;   /* factor multiplies arrivals; line -1 = all */
    cs_effect *effects; size_t n_effects;
    cs_outage *outages; size_t n_outages;

    cs_clock clock;        /* dated when the scenario has `start:` */
    cs_days *days;         /* dated: the local days of the run (owned); NULL when undated */
    int volume_pending;    /* some line counts attempts and cs_volume_calibrate has not run */
} cs_scn;

void cs_scn_free(cs_scn *s);   /* frees everything inside and s itself; NULL is a no-op */

int cs_scn_line_index(const cs_scn *s, const char *name);   /* -1 if absent */
int cs_scn_queue_index(const cs_scn *s, const char *name);
int cs_scn_pool_index(const cs_scn *s, const char *name);

/* Rostered handlers on duty in `pool` at time t: the dated staffing over the run when there is
 * one, else the week-periodic roster. */
int cs_scn_staff_at(const cs_pool *pool, double t);

/* 1 when the measured period (warm-up to horizon) is one year, so counts are annual figures:
 * dated, from a local date and time to the same date and time a year later; undated, 365 or
 * 366 days. */
int cs_scn_measures_a_year(const cs_scn *s);

#endif
