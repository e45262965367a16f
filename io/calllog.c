/* Call logs read as normalised call records; see calllog.h for the rules. */
#include "io/calllog.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"

/* ---- mapping keys ---------------------------------------------------------------------------- */

enum {
    K_ARRIVAL,
    K_DATE,
    K_LINE,
    K_CALLER,
    K_OUTCOME,
    K_ANSWER,
    K_ABANDON,
    K_END,
    K_WAIT,
    K_HANDLE,
    K_WRAP,
    K_QSTART,
    K_AGENT,
    K_N
};

static const char *const KEY_NAME[K_N] = {"arrival", "date",    "line",   "caller",
                                          "outcome", "answer",  "abandon", "end",
                                          "wait",    "handle",  "wrap",    "queue_start",
                                          "agent"};

static const char *const DEF_ARRIVAL[] = {"arrival",   "start", "call_start", "callstart",
                                          "timestamp", "time",  "datetime",   NULL};
static const char *const DEF_DATE[] = {"date", "call_date", NULL};
static const char *const DEF_LINE[] = {"line", "queue", "service", "skill", "type", NULL};
static const char *const DEF_CALLER[] = {"caller", "caller_id", "customer_id", "cli", "ani", NULL};
static const char *const DEF_OUTCOME[] = {"outcome", "result", "disposition", "status", NULL};
static const char *const DEF_ANSWER[] = {"answer", "answered_at", "ser_start", NULL};
static const char *const DEF_ABANDON[] = {"abandon", "abandoned_at", "q_exit", NULL};
static const char *const DEF_END[] = {"end", "ended_at", "end_time", "call_end", NULL};
static const char *const DEF_WAIT[] = {"wait", "queue_time", "q_time", "wait_time", NULL};
static const char *const DEF_HANDLE[] = {"handle", "talk", "talk_time", "ser_time", "duration",
                                         NULL};
static const char *const DEF_WRAP[] = {"wrap", "acw", "after_call_work", NULL};
static const char *const DEF_QSTART[] = {"q_start", "queue_start", "queued_at", NULL};
static const char *const DEF_AGENT[] = {"agent", "agent_id", "handler", "handler_id", "operator",
                                        NULL};

static const char *const *const KEY_DEFAULTS[K_N] = {
    DEF_ARRIVAL, DEF_DATE, DEF_LINE, DEF_CALLER, DEF_OUTCOME, DEF_ANSWER,
    DEF_ABANDON, DEF_END,  DEF_WAIT, DEF_HANDLE, DEF_WRAP,    DEF_QSTART, DEF_AGENT};

/* ---- outcome words --------------------------------------------------------------------------- */

typedef struct outword {
    const char *word;
    cs_log_outcome o;
} outword;

static const char *const OUTCOME_NAME[] = {"answered",  "abandoned", "abandoned_ivr",
                                           "cut_off",   "deflected", "callback",
                                           "other",     "unknown"};
#define N_OUTCOME_NAMES (sizeof OUTCOME_NAME / sizeof OUTCOME_NAME[0])

/* callsim's own names first, then words common in ACD exports. */
static const outword BUILTIN[] = {
    {"answered", CS_LOG_ANSWERED},        {"abandoned_queue", CS_LOG_ABANDONED},
    {"abandoned_ivr", CS_LOG_ABANDONED_IVR}, {"cut_off", CS_LOG_CUT_OFF},
    {"deflected", CS_LOG_DEFLECTED},      {"callback", CS_LOG_CALLBACK},
    {"unfinished", CS_LOG_OTHER},         {"answer", CS_LOG_ANSWERED},
    {"agent", CS_LOG_ANSWERED},           {"handled", CS_LOG_ANSWERED},
    {"served", CS_LOG_ANSWERED},          {"completed", CS_LOG_ANSWERED},
    {"connected", CS_LOG_ANSWERED},       {"abandoned", CS_LOG_ABANDONED},
    {"abandon", CS_LOG_ABANDONED},        {"hang", CS_LOG_ABANDONED},
    {"hangup", CS_LOG_ABANDONED},         {"hung_up", CS_LOG_ABANDONED},
    {"lost", CS_LOG_ABANDONED},           {"cutoff", CS_LOG_CUT_OFF},
    {"busy", CS_LOG_CUT_OFF},             {"blocked", CS_LOG_CUT_OFF},
    {"rejected", CS_LOG_CUT_OFF},         {"deflect", CS_LOG_DEFLECTED},
    {"diverted", CS_LOG_DEFLECTED},       {"other", CS_LOG_OTHER},
};
#define N_BUILTIN (sizeof BUILTIN / sizeof BUILTIN[0])

/* Agent fields that name nobody (an unanswered call in an export that fills every cell). */
static const char *const NO_AGENT[] = {"0", "-", "none", "no_server", "no_agent", "noagent", "n/a",
                                       "na", "null", "unassigned", NULL};

/* Callers who withheld their number: the same as unidentified. */
static const char *const WITHHELD[] = {"anonymous", "withheld",    "private", "restricted",
                                       "unavailable", "unknown", NULL};

/* A time of day in a later column this far before the arrival is on the next day: no wait or
 * talk lasts 12 hours, and clocks of two systems never disagree by that much. */
#define MIDNIGHT_SLACK 43200.0
/* Characters of the user's text quoted in a message. */
#define SHOW_MAX 60

struct cs_log {
    cs_csv *csv;
    int col[K_N];
    int explicit_[K_N];
    cs_tz tz;
    int skip_bad;
    int placeholder;
    char default_line[64];
    outword *user;     /* --outcomes values, pointing into user_text */
    size_t n_user;
    char *user_text;
    long rows;
    double prev_arrival; /* arrival of the last good row, NAN before the first */
    int unsorted;        /* some arrival came before the one of the row above it */
    char reason[96];     /* kind of the current bad row, for the skip counts */
    cs_log_skips skips;
    cs_log_skips notes;
};

/* ---- small text helpers ---------------------------------------------------------------------- */

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static char lower(char ch)
{
    return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

/* [*b, *e) = s without surrounding blanks. */
static void trim(const char *s, const char **b, const char **e)
{
    const char *p = s, *q = s + strlen(s);
    while (p < q && is_blank(*p))
        p++;
    while (q > p && is_blank(q[-1]))
        q--;
    *b = p;
    *e = q;
}

/* Trims s in place (s is writable) and returns the start. */
static char *trim_mut(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && is_blank(s[n - 1]))
        s[--n] = '\0';
    while (is_blank(*s))
        s++;
    return s;
}

/* ASCII case-insensitive comparison of [b, e) with the word w. */
static int span_eq(const char *b, const char *e, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(e - b) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(b[i]) != lower(w[i]))
            return 0;
    return 1;
}

static int is_empty(const char *s)
{
    const char *b, *e;
    trim(s, &b, &e);
    return b == e;
}

/* The user's text for a message: at most SHOW_MAX characters, control characters as '?'. */
static void show(const char *s, char out[SHOW_MAX + 4])
{
    size_t i = 0;
    for (; s[i] && i < SHOW_MAX; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    out[i] = '\0';
    if (s[i])
        strcpy(out + i, "...");
}

/* Appends to buf[n] at *len like snprintf, keeping *len the length of the full text. */
static void append(char *buf, size_t n, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *dst = *len < n ? buf + *len : NULL;
    size_t room = *len < n ? n - *len : 0;
    int k = vsnprintf(dst, room, fmt, ap);
    va_end(ap);
    if (k > 0)
        *len += (size_t)k;
}

/* "a,b,c" of the header, cut with "..." past about 400 characters. */
static void column_list(const cs_csv *c, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < cs_csv_ncolumns(c); i++) {
        if (len > 400) {
            append(buf, n, &len, ",...");
            break;
        }
        append(buf, n, &len, "%s%s", i ? "," : "", cs_csv_column_name(c, i));
    }
    if (n > 0 && len >= n)
        buf[n - 1] = '\0';
}

/* "a,b,c" of the first count names, or up to a NULL entry. */
static void list_names(const char *const *names, size_t count, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && names[i]; i++)
        append(buf, n, &len, "%s%s", i ? "," : "", names[i]);
}

/* ---- counts ---------------------------------------------------------------------------------- */

static void count(cs_log_skips *s, const char *reason)
{
    s->total++;
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->by[i].reason, reason) == 0) {
            s->by[i].count++;
            return;
        }
    }
    size_t cap = sizeof s->by / sizeof s->by[0];
    if (s->n < cap) {
        snprintf(s->by[s->n].reason, sizeof s->by[s->n].reason, "%s", reason);
        s->by[s->n].count = 1;
        s->n++;
        return;
    }
    snprintf(s->by[cap - 1].reason, sizeof s->by[cap - 1].reason, "other reasons");
    s->by[cap - 1].count++;
}

/* ---- bad rows -------------------------------------------------------------------------------- */

/* Fills e with "PATH:row N: column 'NAME': <message>" and remembers the kind of problem for
 * the skip counts.  key < 0: the problem is the row, not one column. */
static cs_status bad_row(cs_log *l, cs_error *e, int key, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static cs_status bad_row(cs_log *l, cs_error *e, int key, const char *kind, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (key >= 0) {
        const char *name = cs_csv_column_name(l->csv, (size_t)l->col[key]);
        snprintf(l->reason, sizeof l->reason, "column '%.60s': %s", name, kind);
        return cs_error_set(e, CS_EINPUT, "%s:row %ld: column '%s': %s", cs_csv_path(l->csv),
                            cs_csv_row(l->csv), name, msg);
    }
    snprintf(l->reason, sizeof l->reason, "%s", kind);
    return cs_error_set(e, CS_EINPUT, "%s:row %ld: %s", cs_csv_path(l->csv), cs_csv_row(l->csv),
                        msg);
}

/* ---- times ----------------------------------------------------------------------------------- */

/* A flag of our own next to CS_TS_AMBIGUOUS / CS_TS_NONEXISTENT. */
#define PICK_SECOND 0x100

/* Date + time of day in the log's zone.  In the repeated October hour the first reading is
 * taken unless it is before ref and the second is not (see "Clock changes" in the header). */
static double civil_pick(const cs_log *l, int y, int m, int d, double sod, double ref, int *flags)
{
    int fl = 0;
    double t = cs_ts_from_civil(y, m, d, sod, l->tz, CS_TS_FOLD_FIRST, &fl);
    if ((fl & CS_TS_AMBIGUOUS) && isfinite(ref) && t < ref) {
        double t2 = cs_ts_from_civil(y, m, d, sod, l->tz, CS_TS_FOLD_SECOND, NULL);
        if (t2 >= ref) {
            t = t2;
            fl |= PICK_SECOND;
        }
    }
    *flags = fl;
    return t;
}

/* The same for a full timestamp; e gets cs_ts_parse's message on failure. */
static cs_status ts_pick(const cs_log *l, const char *s, double ref, double *t, int *flags,
                         cs_error *e)
{
    int fl = 0;
    double v;
    cs_status st = cs_ts_parse(s, l->tz, CS_TS_FOLD_FIRST, &v, &fl, e);
    if (st != CS_OK)
        return st;
    if ((fl & CS_TS_AMBIGUOUS) && isfinite(ref) && v < ref) {
        double v2;
        if (cs_ts_parse(s, l->tz, CS_TS_FOLD_SECOND, &v2, NULL, NULL) == CS_OK && v2 >= ref) {
            v = v2;
            fl |= PICK_SECOND;
        }
    }
    *t = v;
    *flags = fl;
    return CS_OK;
}

typedef struct rowdate {
    int have;
    int y, m, d;
} rowdate;

static cs_status get_arrival(cs_log *l, const rowdate *dt, double *out, cs_error *e)
{
    const char *f = cs_csv_field(l->csv, (size_t)l->col[K_ARRIVAL]);
    char shown[SHOW_MAX + 4];
    if (is_empty(f))
        return bad_row(l, e, K_ARRIVAL, "missing arrival",
                       "empty: every call needs an arrival time (fill it in, map another column "
                       "with --columns arrival=NAME, or drop such rows with --skip-bad)");
    /* File order is evidence only while the file has been in order. */
    double ref = l->unsorted ? NAN : l->prev_arrival;
    double t = NAN, sod;
    int fl = 0;
    cs_error pe = {CS_OK, ""};
    if (dt->have && cs_ts_parse_clock(f, &sod, NULL) == CS_OK) {
        t = civil_pick(l, dt->y, dt->m, dt->d, sod, ref, &fl);
    } else if (ts_pick(l, f, ref, &t, &fl, &pe) != CS_OK) {
        show(f, shown);
        if (dt->have)
            return bad_row(l, e, K_ARRIVAL, "unparseable timestamp",
                           "expected a time of day such as 7:05:00 (the date comes from column "
                           "'%s') or a date and time such as 2024-10-27 01:30:00, got '%s'",
                           cs_csv_column_name(l->csv, (size_t)l->col[K_DATE]), shown);
        if (cs_ts_parse_clock(f, &sod, NULL) == CS_OK)
            return bad_row(l, e, K_ARRIVAL, "unparseable timestamp",
                           "'%s' is a time of day without a date: map the column that holds the "
                           "date with --columns date=NAME",
                           shown);
        return bad_row(l, e, K_ARRIVAL, "unparseable timestamp", "%s", pe.msg);
    }
    if (fl & CS_TS_NONEXISTENT)
        count(&l->notes, "time in the skipped March hour (clocks go forward) read as GMT");
    if (fl & CS_TS_AMBIGUOUS) {
        if (fl & PICK_SECOND)
            count(&l->notes,
                  "repeated October hour: time read as GMT (second 01:xx) by file order");
        else if (l->unsorted || (isfinite(l->prev_arrival) && t < l->prev_arrival))
            count(&l->notes, "ambiguous time: repeated October hour in a file not in time order, "
                             "read as BST (first 01:xx)");
    }
    *out = t;
    return CS_OK;
}

/* A later time of the row (answer, abandon, end, queue_start): NAN when empty, "0" or a
 * 0:00:00 placeholder. */
static cs_status get_time(cs_log *l, int key, const rowdate *dt, double arrival, double *out,
                          cs_error *e)
{
    *out = NAN;
    if (l->col[key] < 0)
        return CS_OK;
    const char *f = cs_csv_field(l->csv, (size_t)l->col[key]);
    const char *b, *en;
    trim(f, &b, &en);
    if (b == en || span_eq(b, en, "0"))
        return CS_OK;
    double t, sod;
    int fl = 0;
    cs_error pe = {CS_OK, ""};
    if (dt->have && cs_ts_parse_clock(f, &sod, NULL) == CS_OK) {
        if (l->placeholder && sod == 0.0)
            return CS_OK;
        t = civil_pick(l, dt->y, dt->m, dt->d, sod, arrival, &fl);
        if (t < arrival - MIDNIGHT_SLACK)
            t = civil_pick(l, dt->y, dt->m, dt->d, sod + 86400.0, arrival, &fl);
    } else if (ts_pick(l, f, arrival, &t, &fl, &pe) != CS_OK) {
        char shown[SHOW_MAX + 4];
        show(f, shown);
        if (dt->have)
            return bad_row(l, e, key, "unparseable timestamp",
                           "expected a time of day such as 7:05:00 or a date and time such as "
                           "2024-10-27 01:30:00 (empty, 0 or 0:00:00 = did not happen), got '%s'",
                           shown);
        if (cs_ts_parse_clock(f, &sod, NULL) == CS_OK)
            return bad_row(l, e, key, "unparseable timestamp",
                           "'%s' is a time of day without a date: map the column that holds the "
                           "date with --columns date=NAME",
                           shown);
        return bad_row(l, e, key, "unparseable timestamp", "%s", pe.msg);
    }
    if (fl & CS_TS_NONEXISTENT)
        count(&l->notes, "time in the skipped March hour (clocks go forward) read as GMT");
    *out = t;
    return CS_OK;
}

static cs_status get_duration(cs_log *l, int key, double *out, cs_error *e)
{
    *out = NAN;
    if (l->col[key] < 0)
        return CS_OK;
    const char *f = cs_csv_field(l->csv, (size_t)l->col[key]);
    if (is_empty(f))
        return CS_OK;
    double v;
    cs_error pe = {CS_OK, ""};
    if (cs_ts_parse_duration(f, &v, &pe) != CS_OK)
        return bad_row(l, e, key, "unparseable duration", "%s", pe.msg);
    if (v < 0) {
        char shown[SHOW_MAX + 4];
        show(f, shown);
        return bad_row(l, e, key, "negative duration",
                       "negative duration '%s' (%g s): a %s time cannot be negative; correct the "
                       "export, or drop such rows with --skip-bad",
                       shown, v, KEY_NAME[key]);
    }
    *out = v;
    return CS_OK;
}

/* ---- outcomes -------------------------------------------------------------------------------- */

static int lookup_outcome(const cs_log *l, const char *b, const char *e, cs_log_outcome *o)
{
    for (size_t i = 0; i < l->n_user; i++)
        if (span_eq(b, e, l->user[i].word)) {
            *o = l->user[i].o;
            return 1;
        }
    for (size_t i = 0; i < N_BUILTIN; i++)
        if (span_eq(b, e, BUILTIN[i].word)) {
            *o = BUILTIN[i].o;
            return 1;
        }
    return 0;
}

static cs_status unknown_outcome(cs_log *l, const char *f, cs_error *e)
{
    char known[360];
    size_t len = 0;
    known[0] = '\0';
    for (size_t i = 0; i < l->n_user + N_BUILTIN; i++) {
        const char *w = i < l->n_user ? l->user[i].word : BUILTIN[i - l->n_user].word;
        if (len > 280) {
            append(known, sizeof known, &len, ", ...");
            break;
        }
        append(known, sizeof known, &len, "%s%s", i ? ", " : "", w);
    }
    char shown[SHOW_MAX + 4];
    show(f, shown);
    const char *b, *en;
    trim(shown, &b, &en);
    return bad_row(l, e, K_OUTCOME, "unknown outcome",
                   "unknown outcome '%s'; known values (any case): %s; map it with --outcomes "
                   "KIND=%.*s where KIND is answered, abandoned, abandoned_ivr, cut_off, "
                   "deflected, callback or other",
                   shown, known, (int)(en - b), b);
}

/* ---- callers --------------------------------------------------------------------------------- */

static unsigned long long caller_id(const char *f)
{
    const char *b, *e;
    trim(f, &b, &e);
    if (b == e)
        return 0;
    for (size_t i = 0; WITHHELD[i]; i++)
        if (span_eq(b, e, WITHHELD[i]))
            return 0;
    unsigned long long v = 0;
    const char *p = b;
    for (; p < e && *p >= '0' && *p <= '9'; p++) {
        unsigned dgt = (unsigned)(*p - '0');
        if (v > (~0ULL - dgt) / 10)
            break; /* does not fit: hash it below */
        v = v * 10 + dgt;
    }
    if (p == e)
        return v;
    /* FNV-1a, 64 bits: stable across runs and machines. */
    unsigned long long h = 1469598103934665603ULL;
    for (p = b; p < e; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

/* An agent's id: 0 for nobody, else a 64-bit FNV-1a hash of the trimmed text (never 0), so
 * names, numbers and pseudonyms all work and the same text is the same agent. */
static unsigned long long agent_id(const char *f)
{
    const char *b, *e;
    trim(f, &b, &e);
    if (b == e)
        return 0;
    for (size_t i = 0; NO_AGENT[i]; i++)
        if (span_eq(b, e, NO_AGENT[i]))
            return 0;
    unsigned long long h = 1469598103934665603ULL;
    for (const char *p = b; p < e; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

/* ---- open ------------------------------------------------------------------------------------ */

void cs_log_opts_init(cs_log_opts *o)
{
    CS_REQUIRE(o != NULL);
    memset(o, 0, sizeof *o);
    o->sep = ',';
    o->tz = CS_TZ_UK;
    o->default_line = NULL;
    o->skip_bad = 0;
    o->placeholder_zero_is_missing = 1;
}

static int find_key(const char *k)
{
    for (int i = 0; i < K_N; i++)
        if (span_eq(k, k + strlen(k), KEY_NAME[i]))
            return i;
    return -1;
}

static cs_status parse_columns(cs_log *l, const char *spec, cs_error *err)
{
    const char *path = cs_csv_path(l->csv);
    char *text = malloc(strlen(spec) + 1);
    if (!text)
        return cs_error_set(err, CS_ENOMEM, "out of memory reading --columns");
    strcpy(text, spec);
    cs_status st = CS_OK;
    char *save = NULL;
    char cols[480];
    for (char *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *item = trim_mut(tok);
        if (!*item)
            continue;
        char shown[SHOW_MAX + 4];
        show(item, shown);
        char *eq = strchr(item, '=');
        if (!eq) {
            st = cs_error_set(err, CS_EINPUT,
                              "--columns: expected KEY=COLUMN such as arrival=CallStart, got "
                              "'%s'",
                              shown);
            break;
        }
        *eq = '\0';
        char *key = trim_mut(item), *name = trim_mut(eq + 1);
        int k = find_key(key);
        if (k < 0) {
            char keys[200];
            list_names(KEY_NAME, K_N, keys, sizeof keys);
            show(key, shown);
            st = cs_error_set(err, CS_EINPUT, "--columns: unknown key '%s'; keys are: %s", shown,
                              keys);
            break;
        }
        if (l->explicit_[k]) {
            st = cs_error_set(err, CS_EINPUT, "--columns: key '%s' is given twice", KEY_NAME[k]);
            break;
        }
        l->explicit_[k] = 1;
        if (!*name) { /* "key=": do not use this key at all */
            l->col[k] = -1;
            continue;
        }
        int c = cs_csv_column(l->csv, name);
        if (c < 0) {
            column_list(l->csv, cols, sizeof cols);
            show(name, shown);
            st = cs_error_set(err, CS_EINPUT,
                              "--columns %s=%s: %s has no column '%s'; columns are: %s",
                              KEY_NAME[k], shown, path, shown, cols);
            break;
        }
        l->col[k] = c;
    }
    free(text);
    return st;
}

static cs_status parse_outcomes(cs_log *l, const char *spec, cs_error *err)
{
    size_t len = strlen(spec), cap = 1;
    for (size_t i = 0; i < len; i++)
        if (spec[i] == ',' || spec[i] == '|')
            cap++;
    l->user_text = malloc(len + 1);
    l->user = malloc(cap * sizeof *l->user);
    if (!l->user_text || !l->user)
        return cs_error_set(err, CS_ENOMEM, "out of memory reading --outcomes");
    strcpy(l->user_text, spec);
    char *save = NULL;
    for (char *tok = strtok_r(l->user_text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *item = trim_mut(tok);
        if (!*item)
            continue;
        char shown[SHOW_MAX + 4];
        show(item, shown);
        char *eq = strchr(item, '=');
        if (!eq)
            return cs_error_set(err, CS_EINPUT,
                                "--outcomes: expected KIND=VALUE|VALUE such as answered=AGENT, "
                                "got '%s'",
                                shown);
        *eq = '\0';
        char *kind = trim_mut(item);
        size_t o = 0;
        while (o < N_OUTCOME_NAMES && !span_eq(kind, kind + strlen(kind), OUTCOME_NAME[o]))
            o++;
        if (o == N_OUTCOME_NAMES) {
            show(kind, shown);
            return cs_error_set(err, CS_EINPUT,
                                "--outcomes: unknown kind '%s'; kinds are: answered, abandoned, "
                                "abandoned_ivr, cut_off, deflected, callback, other, unknown",
                                shown);
        }
        char *save2 = NULL;
        size_t before = l->n_user;
        for (char *v = strtok_r(eq + 1, "|", &save2); v; v = strtok_r(NULL, "|", &save2)) {
            char *w = trim_mut(v);
            if (!*w)
                continue;
            l->user[l->n_user].word = w;
            l->user[l->n_user].o = (cs_log_outcome)o;
            l->n_user++;
        }
        if (l->n_user == before)
            return cs_error_set(err, CS_EINPUT,
                                "--outcomes: kind '%s' has no value; write e.g. %s=AGENT|ANSWERED",
                                OUTCOME_NAME[o], OUTCOME_NAME[o]);
    }
    return CS_OK;
}

static int find_default(const cs_csv *c, int key)
{
    for (size_t i = 0; KEY_DEFAULTS[key][i]; i++) {
        int k = cs_csv_column(c, KEY_DEFAULTS[key][i]);
        if (k >= 0)
            return k;
    }
    return -1;
}

static cs_status resolve(cs_log *l, cs_error *err)
{
    for (int k = 0; k < K_N; k++)
        if (!l->explicit_[k] && k != K_ANSWER && k != K_ABANDON && k != K_END)
            l->col[k] = find_default(l->csv, k);
    /* Event times only when something needs them (see the header). */
    int need_times = l->col[K_WAIT] < 0 || l->col[K_OUTCOME] < 0;
    int need_talk = need_times || l->col[K_HANDLE] < 0;
    if (!l->explicit_[K_ANSWER] && need_talk)
        l->col[K_ANSWER] = find_default(l->csv, K_ANSWER);
    if (!l->explicit_[K_END] && need_talk)
        l->col[K_END] = find_default(l->csv, K_END);
    if (!l->explicit_[K_ABANDON] && need_times)
        l->col[K_ABANDON] = find_default(l->csv, K_ABANDON);
    if (l->col[K_ARRIVAL] < 0) {
        char names[200], cols[480];
        list_names(DEF_ARRIVAL, (size_t)-1, names, sizeof names);
        column_list(l->csv, cols, sizeof cols);
        if (l->explicit_[K_ARRIVAL])
            return cs_error_set(err, CS_EINPUT,
                                "%s: --columns arrival= switches off the arrival column, but "
                                "every call needs one; columns are: %s",
                                cs_csv_path(l->csv), cols);
        return cs_error_set(err, CS_EINPUT,
                            "%s: needs an arrival column: none of %s found; columns are: %s; "
                            "map one with --columns arrival=NAME",
                            cs_csv_path(l->csv), names, cols);
    }
    return CS_OK;
}

cs_status cs_log_open(const char *path, const cs_log_opts *o, cs_log **out, cs_error *err)
{
    CS_REQUIRE(path != NULL && out != NULL);
    *out = NULL;
    cs_log_opts def;
    if (!o) {
        cs_log_opts_init(&def);
        o = &def;
    }
    cs_log *l = calloc(1, sizeof *l);
    if (!l)
        return cs_error_set(err, CS_ENOMEM, "out of memory opening %s", path);
    for (int k = 0; k < K_N; k++)
        l->col[k] = -1;
    l->tz = o->tz;
    l->skip_bad = o->skip_bad;
    l->placeholder = o->placeholder_zero_is_missing;
    l->prev_arrival = NAN;
    cs_status st = CS_OK;
    const char *dl = (o->default_line && *o->default_line) ? o->default_line : "101";
    if (strlen(dl) >= sizeof l->default_line) {
        st = cs_error_set(err, CS_EINPUT, "default line name '%.60s...' is longer than %zu bytes",
                          dl, sizeof l->default_line - 1);
        goto fail;
    }
    strcpy(l->default_line, dl);
    st = cs_csv_open(path, o->sep ? o->sep : ',', &l->csv, err);
    if (st != CS_OK)
        goto fail;
    st = cs_csv_read_header(l->csv, err);
    if (st != CS_OK)
        goto fail;
    if (o->columns && (st = parse_columns(l, o->columns, err)) != CS_OK)
        goto fail;
    if (o->outcomes && (st = parse_outcomes(l, o->outcomes, err)) != CS_OK)
        goto fail;
    if ((st = resolve(l, err)) != CS_OK)
        goto fail;
    *out = l;
    return CS_OK;
fail:
    cs_log_close(l);
    return st;
}

void cs_log_close(cs_log *l)
{
    if (!l)
        return;
    cs_csv_close(l->csv);
    free(l->user);
    free(l->user_text);
    free(l);
}

/* ---- rows ------------------------------------------------------------------------------------ */

static cs_status read_row(cs_log *l, cs_log_rec *r, cs_error *e)
{
    cs_csv *c = l->csv;
    size_t nf = cs_csv_nfields(c), nc = cs_csv_ncolumns(c);
    if (nf != nc)
        return bad_row(l, e, -1, "wrong number of fields",
                       "%zu field%s, but the header has %zu columns (a separator inside a field "
                       "that is not quoted, a missing or extra separator, or the wrong --sep?)",
                       nf, nf == 1 ? "" : "s", nc);

    rowdate dt = {0, 0, 0, 0};
    if (l->col[K_DATE] >= 0) {
        cs_error pe = {CS_OK, ""};
        if (cs_ts_parse_date(cs_csv_field(c, (size_t)l->col[K_DATE]), &dt.y, &dt.m, &dt.d, &pe) !=
            CS_OK)
            return bad_row(l, e, K_DATE, "unparseable date", "%s", pe.msg);
        dt.have = 1;
    }

    double arrival = NAN;
    cs_status st = get_arrival(l, &dt, &arrival, e);
    if (st != CS_OK)
        return st;

    if (l->col[K_LINE] >= 0) {
        const char *b, *en;
        trim(cs_csv_field(c, (size_t)l->col[K_LINE]), &b, &en);
        if (b == en)
            return bad_row(l, e, K_LINE, "empty line name",
                           "empty: every call needs a line name (fill it in, or drop such rows "
                           "with --skip-bad)");
        if ((size_t)(en - b) >= sizeof r->line)
            return bad_row(l, e, K_LINE, "line name too long",
                           "line name '%.40s...' is longer than %zu bytes", b,
                           sizeof r->line - 1);
        memcpy(r->line, b, (size_t)(en - b));
        r->line[en - b] = '\0';
    } else {
        strcpy(r->line, l->default_line);
    }

    r->caller = l->col[K_CALLER] >= 0 ? caller_id(cs_csv_field(c, (size_t)l->col[K_CALLER])) : 0;
    r->agent = l->col[K_AGENT] >= 0 ? agent_id(cs_csv_field(c, (size_t)l->col[K_AGENT])) : 0;

    double wait, handle, wrap;
    if ((st = get_duration(l, K_WAIT, &wait, e)) != CS_OK ||
        (st = get_duration(l, K_HANDLE, &handle, e)) != CS_OK ||
        (st = get_duration(l, K_WRAP, &wrap, e)) != CS_OK)
        return st;

    double qstart, answer, abandon, end;
    if ((st = get_time(l, K_QSTART, &dt, arrival, &qstart, e)) != CS_OK ||
        (st = get_time(l, K_ANSWER, &dt, arrival, &answer, e)) != CS_OK ||
        (st = get_time(l, K_ABANDON, &dt, arrival, &abandon, e)) != CS_OK ||
        (st = get_time(l, K_END, &dt, arrival, &end, e)) != CS_OK)
        return st;

    char at[40], bt[40];
    if (answer < arrival) {
        cs_ts_format_iso(answer, l->tz, at, sizeof at);
        cs_ts_format_iso(arrival, l->tz, bt, sizeof bt);
        return bad_row(l, e, K_ANSWER, "answer before arrival",
                       "answer %s is %g s before the arrival %s (column '%s'); check the "
                       "mapping, or drop such rows with --skip-bad",
                       at, arrival - answer, bt,
                       cs_csv_column_name(c, (size_t)l->col[K_ARRIVAL]));
    }
    const int LATER[2] = {K_ABANDON, K_END};
    for (int i = 0; i < 2; i++) {
        double t = LATER[i] == K_ABANDON ? abandon : end;
        if (t < arrival) {
            cs_ts_format_iso(t, l->tz, at, sizeof at);
            cs_ts_format_iso(arrival, l->tz, bt, sizeof bt);
            return bad_row(l, e, LATER[i],
                           LATER[i] == K_ABANDON ? "abandon before arrival" : "end before arrival",
                           "%s %s is %g s before the arrival %s (column '%s'); check the mapping, "
                           "or drop such rows with --skip-bad",
                           KEY_NAME[LATER[i]], at, arrival - t, bt,
                           cs_csv_column_name(c, (size_t)l->col[K_ARRIVAL]));
        }
    }
    if (end < answer) {
        cs_ts_format_iso(end, l->tz, at, sizeof at);
        cs_ts_format_iso(answer, l->tz, bt, sizeof bt);
        return bad_row(l, e, K_END, "end before answer",
                       "end %s is %g s before the answer %s; check the mapping, or drop such rows "
                       "with --skip-bad",
                       at, answer - end, bt);
    }

    cs_log_outcome oc = CS_LOG_UNKNOWN;
    int have_oc = 0;
    if (l->col[K_OUTCOME] >= 0) {
        const char *f = cs_csv_field(c, (size_t)l->col[K_OUTCOME]);
        const char *b, *en;
        trim(f, &b, &en);
        if (b != en) {
            if (!lookup_outcome(l, b, en, &oc))
                return unknown_outcome(l, f, e);
            have_oc = 1;
        }
    }
    if (!have_oc) {
        if (isfinite(answer) || handle > 0)
            oc = CS_LOG_ANSWERED;
        else if (isfinite(abandon) || isfinite(end))
            oc = CS_LOG_ABANDONED;
        else
            oc = CS_LOG_UNKNOWN;
    }

    /* An abandoned call whose queue_start column says it never queued hung up before the
     * queue: in the IVR (the bank's VRU-only calls). */
    if (oc == CS_LOG_ABANDONED && l->col[K_QSTART] >= 0 && !isfinite(qstart) && !(wait > 0))
        oc = CS_LOG_ABANDONED_IVR;
    int never_queued = oc == CS_LOG_ABANDONED_IVR || oc == CS_LOG_CUT_OFF || oc == CS_LOG_DEFLECTED;
    if (isnan(wait)) {
        if (oc == CS_LOG_ANSWERED && isfinite(answer))
            wait = answer - arrival;
        else if (oc == CS_LOG_ABANDONED && isfinite(abandon))
            wait = abandon - arrival;
        else if (oc == CS_LOG_ABANDONED && isfinite(end))
            wait = end - arrival;
        else if (never_queued)
            wait = 0;
    }
    if (isnan(handle) && oc == CS_LOG_ANSWERED && isfinite(answer) && isfinite(end))
        handle = end - answer;

    int queued;
    if (isfinite(qstart) || oc == CS_LOG_ANSWERED || wait > 0)
        queued = 1;
    else if (never_queued || l->col[K_QSTART] >= 0 || wait == 0)
        queued = 0;
    else
        queued = -1;

    r->arrival = arrival;
    r->outcome = oc;
    r->wait = wait;
    r->handle = handle;
    r->wrap = wrap;
    r->answer = NAN;
    if (oc == CS_LOG_ANSWERED)
        r->answer = isfinite(answer) ? answer : isfinite(wait) ? arrival + wait : NAN;
    r->queued = queued;
    r->row = cs_csv_row(c);

    if (isfinite(l->prev_arrival) && arrival < l->prev_arrival)
        l->unsorted = 1;
    l->prev_arrival = arrival;
    return CS_OK;
}

cs_status cs_log_next(cs_log *l, cs_log_rec *rec, int *got, cs_error *err)
{
    CS_REQUIRE(l != NULL && rec != NULL && got != NULL);
    *got = 0;
    for (;;) {
        int have = 0;
        cs_status st = cs_csv_next(l->csv, &have, err);
        if (st != CS_OK || !have)
            return st;
        l->rows++;
        cs_error rowerr = {CS_OK, ""};
        st = read_row(l, rec, &rowerr);
        if (st == CS_OK) {
            *got = 1;
            return CS_OK;
        }
        if (st == CS_EINPUT && l->skip_bad) {
            count(&l->skips, l->reason);
            continue;
        }
        if (err)
            *err = rowerr;
        return st;
    }
}

/* ---- queries --------------------------------------------------------------------------------- */

const cs_log_skips *cs_log_skipped(const cs_log *l)
{
    CS_REQUIRE(l != NULL);
    return &l->skips;
}

const cs_log_skips *cs_log_notes(const cs_log *l)
{
    CS_REQUIRE(l != NULL);
    return &l->notes;
}

long cs_log_rows(const cs_log *l)
{
    CS_REQUIRE(l != NULL);
    return l->rows;
}

size_t cs_log_buffer_capacity(const cs_log *l)
{
    CS_REQUIRE(l != NULL);
    return cs_csv_buffer_capacity(l->csv);
}

int cs_log_has_key(const cs_log *l, const char *key)
{
    CS_REQUIRE(l != NULL && key != NULL);
    int k = find_key(key);
    return k >= 0 && l->col[k] >= 0;
}

const char *cs_log_outcome_name(cs_log_outcome o)
{
    return ((int)o >= 0 && (size_t)o < N_OUTCOME_NAMES) ? OUTCOME_NAME[o] : "?";
}

int cs_log_describe_mapping(const cs_log *l, char *buf, size_t n)
{
    CS_REQUIRE(l != NULL && (buf != NULL || n == 0));
    size_t len = 0;
    if (n > 0)
        buf[0] = '\0';
    for (int k = 0; k < K_N; k++) {
        if (k == K_DATE)
            continue; /* shown with the arrival */
        if (k == K_LINE && l->col[k] < 0) {
            append(buf, n, &len, ", line = %s (no line column)", l->default_line);
            continue;
        }
        if (l->col[k] < 0)
            continue;
        append(buf, n, &len, "%s%s <- %s", len ? ", " : "", KEY_NAME[k],
               cs_csv_column_name(l->csv, (size_t)l->col[k]));
        if (k == K_ARRIVAL && l->col[K_DATE] >= 0)
            append(buf, n, &len, " + %s", cs_csv_column_name(l->csv, (size_t)l->col[K_DATE]));
    }
    if (l->col[K_OUTCOME] < 0)
        append(buf, n, &len, ", outcome inferred (answered if answered or talked, abandoned if "
                             "it has an abandon or end time)");
    if (l->col[K_WAIT] < 0)
        append(buf, n, &len, ", wait derived from the answer/abandon times");
    append(buf, n, &len, ", times without offset read as %s",
           l->tz == CS_TZ_UK ? "UK local time" : "UTC");
    if (n > 0 && len >= n)
        buf[n - 1] = '\0';
    return (int)len;
}
