/* Call logs: a telephony export (or callsim's own calls.csv) read as normalised call records.
 *
 * Concept.  A cs_log reads a CSV export one row at a time (io/csv.h) and turns each row into a
 * cs_log_rec: arrival instant in UTC, line, caller, outcome, wait, talk and wrap times, whether
 * the call reached the queue.  Memory does not grow with the number of rows: only the current
 * row and a few numbers about the previous one are kept.  Which header column feeds which
 * field is the "mapping": for each key below, the names in brackets are tried in order
 * (ASCII case-insensitive) unless --columns names a column explicitly.
 *
 *   arrival      (arrival, start, call_start, callstart, timestamp, time, datetime)  required
 *   date         (date, call_date)
 *   line         (line, queue, service, skill, type)
 *   caller       (caller, caller_id, customer_id, cli, ani)
 *   outcome      (outcome, result, disposition, status)
 *   answer       (answer, answered_at, ser_start)            time the agent picked up
 *   abandon      (abandon, abandoned_at, q_exit)             time the caller left the queue
 *   end          (end, ended_at, end_time, call_end)         time the call ended
 *   wait         (wait, queue_time, q_time, wait_time)       durations: seconds (185, 185.5),
 *   handle       (handle, talk, talk_time, ser_time, duration)   M:SS or H:MM:SS; empty =
 *   wrap         (wrap, acw, after_call_work)                     unknown (NAN)
 *   queue_start  (q_start, queue_start, queued_at)           time the call joined the queue
 *   agent        (agent, agent_id, handler, handler_id, operator)   who answered: any text;
 *                empty, 0, -, none, no_server, no_agent, n/a, na, null, unassigned = nobody
 *
 * --columns "arrival=CallStart,line=Queue" overrides keys; "key=" (empty name) switches a key
 * off.  The times answer/abandon/end are looked up by their default names only when something
 * needs them (no wait column, no outcome column, or, for answer/end, no handle column); named
 * in --columns they are always read and checked.  So a file with a trusted wait column is not
 * rejected because two of its clocks disagree by a second (the 1999 bank export: ser_start is
 * often 1-2 s before vru_exit).
 *
 * Times.  arrival, answer, abandon, end and queue_start are full timestamps (any form of
 * cs_ts_parse: ISO 8601 with or without offset, "YYYY-MM-DD HH:MM:SS", 27/10/2024 01:30,
 * epoch seconds), or times of day when a date column is mapped; then date + time are combined
 * in zone opts->tz.  A time of day in a later column (answer, abandon, end, queue_start) more
 * than 12 hours before the arrival passed midnight and is taken on the next day (q_exit
 * 0:00:40 after q_start 23:59:10); a smaller step back is kept, and is an error for answer,
 * abandon and end ("answer before arrival").  With placeholder_zero_is_missing (the default)
 * a time of day 0:00:00 / 00:00 in those later columns means "did not happen"; so does "0" or
 * an empty field.  Durations of 0 stay 0.  The arrival itself is never a placeholder.
 *
 * Clock changes (times without offset read as UK local time).  March: a time in the skipped
 * hour is read as GMT (io/timestamp.h) and counted in the notes.  October, 01:00-01:59 local
 * happens twice.  Rows are assumed to be in time order until one is not: an ambiguous arrival
 * takes the earliest of its two readings that is not before the previous row's arrival, so a
 * sorted log that goes 01:40, 01:55, 01:05 reads the 01:05 as the second (GMT) hour, and the
 * following 01:20 too.  Once the file has gone back in time (an unsorted export), or when
 * neither reading fits, an ambiguous arrival gets the first (BST) reading and an "ambiguous
 * time" note is counted.  Undetectable: a sorted log whose first call after the change is in
 * the second hour with no call in the first one is read one hour early.  The other time
 * columns of a row take the earliest reading not before the row's arrival.
 *
 * Outcomes.  Values are matched case-insensitively after trimming, first against --outcomes
 * ("answered=AGENT|ANSWERED,abandoned=HANG,other=PHANTOM"; kinds: answered, abandoned,
 * abandoned_ivr, cut_off, deflected, callback, other, unknown), then against built-in words:
 * callsim's own names (answered, abandoned_ivr, abandoned_queue, cut_off, deflected, callback,
 * unfinished = other) and common ones (answer, agent, handled, served, completed, connected;
 * abandoned, abandon, hang, hangup, hung_up, lost; cutoff, busy, blocked, rejected; deflect,
 * diverted; other).  An empty outcome, or no outcome column, is inferred: answered when an
 * answer time or a handle > 0 is present, abandoned when an abandon or end time is present,
 * else unknown.
 *
 * An abandoned call whose queue_start column is mapped and says it never queued (placeholder
 * or empty, and no wait > 0) hung up before the queue: it is read as abandoned_ivr (the 1999
 * bank's VRU-only calls, outcome HANG with q_start 0:00:00).
 *
 * Derived fields.  Without a wait column: answered -> answer - arrival, abandoned ->
 * (abandon, else end) - arrival; abandoned_ivr, cut_off and deflected -> 0.  Without a handle
 * column: answered with answer and end -> end - answer.  `queued`: 1 when queue_start is a real
 * time, or the call was answered (service starts from the queue, possibly after zero wait), or
 * wait > 0; else 0 when the outcome says it never queued (abandoned_ivr, cut_off, deflected),
 * when queue_start is mapped (its placeholder says "no queue") or when wait == 0; else -1.
 * Callers: empty, "0" and withheld markers (anonymous, withheld, private, restricted,
 * unavailable, unknown) -> 0; digits -> their value; other text (a formatted number, a hashed
 * id) -> a 64-bit FNV-1a hash of the text, never 0, so repeat callers are still recognised.
 *
 * Bad rows.  Each kind has its own message, "FILE:row N: column 'q_time': expected a
 * duration ..., got 'abc'", with row numbers as a spreadsheet shows them (header = row 1):
 * wrong field count, unparseable timestamp, unparseable date, unparseable duration, negative
 * duration (wait, handle, wrap), unknown outcome (lists the known values and how to map it),
 * answer/abandon/end before arrival, end before answer, missing arrival, empty or too long
 * (> 63 bytes) line name.  Without skip_bad, cs_log_next() returns CS_EINPUT; the row is
 * consumed, so a caller may call again to go on with the next row (a linter listing every
 * problem).  With skip_bad the row is dropped and counted by reason (cs_log_skipped()).
 * Malformed CSV (an unterminated quote) is not a bad row: it is a sticky CS_EINPUT from
 * io/csv, because nothing after it can be trusted.
 *
 * Ownership.  cs_log_open() allocates; cs_log_close() frees (NULL is a no-op).  opts strings
 * are copied at open.  Records are written into caller storage.
 *
 * Thread safety: none per object; distinct logs are independent (no global state).
 */
#ifndef CS_IO_CALLLOG_H
#define CS_IO_CALLLOG_H

#include <stddef.h>

#include "io/timestamp.h"
#include "sim/status.h"

typedef enum {
    CS_LOG_ANSWERED,
    CS_LOG_ABANDONED,     /* abandoned in the queue, or where is not known */
    CS_LOG_ABANDONED_IVR, /* hung up before reaching the queue */
    CS_LOG_CUT_OFF,       /* refused: no trunk or no queue place */
    CS_LOG_DEFLECTED,     /* sent elsewhere before queueing */
    CS_LOG_CALLBACK,      /* took a callback offer */
    CS_LOG_OTHER,         /* anything else the log names (PHANTOM, unfinished) */
    CS_LOG_UNKNOWN        /* no outcome and nothing to infer it from */
} cs_log_outcome;

/** One call, normalised. */
typedef struct cs_log_rec {
    double arrival;            /* epoch seconds UTC of entering the queue (or the system) */
    char line[64];             /* from the line column, or opts->default_line */
    unsigned long long caller; /* 0 = unknown / not identified */
    unsigned long long agent;  /* who answered: 0 = nobody or no agent column; else a hash of
                                  the agent column's text (never 0) */
    double answer;             /* answered calls: epoch seconds UTC of the pick-up (the answer
                                  column, else arrival + wait); NAN otherwise or unknown */
    cs_log_outcome outcome;
    double wait;   /* seconds in queue before answer or abandonment; NAN if unknown */
    double handle; /* talk time; NAN if unknown */
    double wrap;   /* NAN if unknown */
    int queued;    /* 1 reached the queue, 0 did not, -1 unknown (see top) */
    long row;      /* spreadsheet row number in the file (header = row 1) */
} cs_log_rec;

typedef struct cs_log_opts {
    char sep;                        /* field separator; 0 means ',' */
    cs_tz tz;                        /* zone of times without offset (CS_TZ_UK by default) */
    const char *columns;             /* --columns value, or NULL */
    const char *outcomes;            /* --outcomes value, or NULL */
    const char *default_line;        /* line of every call when there is no line column;
                                        NULL or "" means "101" */
    int skip_bad;                    /* --skip-bad: drop bad rows and count them */
    int placeholder_zero_is_missing; /* 1 (default): time of day 0:00:00 in answer, abandon,
                                        end, queue_start = did not happen */
} cs_log_opts;

/** @brief Fills o with the defaults: ',', CS_TZ_UK, no overrides, line "101", skip_bad 0,
 *  placeholder_zero_is_missing 1.  cs_log_open(..., NULL, ...) uses the same. */
void cs_log_opts_init(cs_log_opts *o);

typedef struct cs_log cs_log; /* opaque */

/**
 * @brief Opens a log, reads its header and resolves the mapping.
 * @param o    options, or NULL for the defaults (a zeroed struct means UTC and no
 *             placeholders: use cs_log_opts_init())
 * @param out  OUT: the log, freed with cs_log_close(); NULL on failure
 * @return CS_OK; CS_EIO (cannot open/read); CS_ENOMEM; CS_EINPUT with a message naming the
 *         file: empty file, no arrival column ("FILE: needs an arrival column: none of
 *         arrival,start,... found; columns are: a,b,c; map one with --columns arrival=NAME"),
 *         --columns with an unknown key, a column the header lacks, a key given twice or no
 *         '='; --outcomes with an unknown kind or an empty value; a default line name that is
 *         too long.
 */
cs_status cs_log_open(const char *path, const cs_log_opts *o, cs_log **out, cs_error *err);

/**
 * @brief Reads the next call.
 * @param rec  OUT: the call (when *got is 1)
 * @param got  OUT: 1 if a call was read, 0 at the end of the file
 * @return CS_OK; CS_EINPUT for a bad row (unless skip_bad; see "Bad rows" above) or malformed
 *         CSV; CS_EIO; CS_ENOMEM.
 */
cs_status cs_log_next(cs_log *l, cs_log_rec *rec, int *got, cs_error *err);

/** Counts by reason.  Reasons beyond the 16th distinct one are added to the last entry,
 *  which is then renamed "other reasons". */
typedef struct cs_log_skips {
    long total;
    struct {
        char reason[96];
        long count;
    } by[16];
    size_t n;
} cs_log_skips;

/** @brief Rows dropped under skip_bad, by reason ("column 'q_time': unparseable duration"). */
const cs_log_skips *cs_log_skipped(const cs_log *l);

/** @brief Rows read but kept, with something worth telling: "ambiguous time ..." (October
 *  repeated hour read as BST in an unsorted file), "repeated-hour time read as GMT by file
 *  order", "time in the skipped March hour read as GMT". */
const cs_log_skips *cs_log_notes(const cs_log *l);

/** @brief Data rows read so far (kept + skipped + failed; the header is not counted). */
long cs_log_rows(const cs_log *l);

/** @brief Bytes held by the CSV record buffer (cs_csv_buffer_capacity), for tests showing
 *  that memory follows the longest row, not the file size. */
size_t cs_log_buffer_capacity(const cs_log *l);

/** @brief Describes the mapping in use, e.g. "arrival <- vru_exit + date, line <- type,
 *  caller <- customer_id, ..., times without offset read as UK local time".
 *  @return like snprintf: the length of the full text. */
int cs_log_describe_mapping(const cs_log *l, char *buf, size_t n);

/** @brief 1 when the mapping uses a column for `key` ("agent", "caller", "wait", ...). */
int cs_log_has_key(const cs_log *l, const char *key);

/** @brief "answered", "abandoned", "abandoned_ivr", "cut_off", "deflected", "callback",
 *  "other", "unknown" ("?" out of range). */
const char *cs_log_outcome_name(cs_log_outcome o);

/** @brief Closes the file and frees everything.  NULL is a no-op. */
void cs_log_close(cs_log *l);

#endif
