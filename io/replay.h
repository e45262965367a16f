/* Replay: a real call log turned into arrivals for the engine, plus what the log itself
 * observed, in the same raw form as a simulated replication (models/repstats.h), so that
 * observed and simulated KPIs come from the same formulas.
 *
 * Time: simulated t = 0 is Monday 00:00 (local time in the log's zone) of the week of the
 * first call, and t runs on the local clock, so a scenario's rosters and profiles (written in
 * local time) keep their meaning across the clock changes.  The price: in the repeated October
 * hour both hours' calls fall into one simulated hour, and the skipped March hour is empty.
 *
 * Memory: the arrivals are held in memory (40 bytes a call) because every replication replays
 * them; reading the file itself is streamed (io/calllog.h). */
#ifndef CS_REPLAY_H
#define CS_REPLAY_H

#include <stddef.h>

#include "io/calllog.h"
#include "models/centre.h"
#include "models/repstats.h"
#include "models/scenario.h"
#include "sim/status.h"

typedef struct cs_replay_opts {
    int use_handle;       /* answered calls keep their logged talk time */
    int use_patience;     /* abandoners keep their observed patience; answered callers' patience
                             is drawn conditioned on exceeding the wait they endured */
    int queued_only;      /* replay only calls that reached the queue (e.g. skip IVR-only calls) */
} cs_replay_opts;

typedef struct cs_replay_data {
    cs_arrival *arr;      /* sorted by t */
    size_t n;
    double t0_local;      /* local seconds (epoch + UTC offset) of simulated t = 0 */
    double span;          /* simulated seconds to the end of the last day with a call */
    char first_day[16], last_day[16];   /* "2024-10-27" */
    cs_repstats observed; /* what the log shows, as one "replication" (pools: none) */
    int has_outcomes;     /* the log says how calls ended */
    long rows, skipped, ignored;        /* read, bad (with --skip-bad), not replayed (other/unknown) */
    cs_log_skips skips, notes;
    char mapping[512];
} cs_replay_data;

/* Reads the log, maps its lines onto the scenario's lines by name (an unknown line is an
 * error naming it and the scenario's lines), and fills out. */
cs_status cs_replay_load(const char *path, const cs_log_opts *lo, const cs_replay_opts *ro, const cs_scn *scn,
                         cs_replay_data *out, cs_error *err);
void cs_replay_free(cs_replay_data *d);

/* A feed over the loaded arrivals (one per worker thread; the data is shared, read-only). */
cs_status cs_replay_feed_make(void *ud, cs_feed *out, cs_error *err);   /* ud = cs_replay_data* */
void cs_replay_feed_free(void *ud, cs_feed *feed);

#endif
