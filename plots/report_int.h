/* Private to the HTML report (plots/report*.c); nothing else includes this.
 *
 * The report is one module (cs_report_write, plots/report.h) in twelve files:
 *   report.c         the driver: reading the folder (summary.json, charts.json), the page head,
 *                    masthead and "What this is", the appendix, writing report.html atomically;
 *   report_check.c   the JSON types of everything the report reads, checked first;
 *   report_text.c    the page buffer, HTML escaping and hf() (printf that escapes), JSON
 *                    access, numbers ("12.3%", "4 min 05 s") and times in words;
 *   report_svg.c     the Charts section: each SVG of charts.json checked and inlined;
 *   report_summary.c the Summary: three to five sentences a reader takes away (run, comparison);
 *   report_tables.c  the headline tables, the full tables and the glossary, from the KPI
 *                    catalogue (models/kpi.h);
 *   report_valid.c   the validation appendix (Erlang A at the busiest interval, STRESS-DES);
 *   report_assume.c  "Assumptions in words", generated from the resolved scenario;
 *   report_whatif.c  the section of a sweep, sensitivity analysis or calibration folder;
 *   report_national.c  the Forces section of a national run;
 *   report_replay.c  a replay's lead section: the log, and observed against simulated by hour;
 *   report_staff.c   the staffing plan of a `callsim staff` folder: required against rostered
 *                    and cost;
 *   report_css.c     the stylesheet and nothing else.
 *
 * Conventions.  Every part appends to r->out (a cs_text_buf) through hf(), which escapes %s, so
 * text from the folder never reaches the page raw; allocation failure is sticky in the buffer
 * and checked once at the end. */
#ifndef CS_PLOTS_REPORT_INT_H
#define CS_PLOTS_REPORT_INT_H

#include <stddef.h>

#include "io/json.h"
#include "models/kpi.h"
#include "sim/status.h"
#include "sim/text.h"

/* Units of a what-if KPI, for formatting (report_whatif.c); the run and comparison tables take
 * theirs from the KPI catalogue (models/kpi.h). */
enum { U_COUNT, U_SHARE, U_TIME, U_STAFF };

/* The folder's content, for one or several scenarios. */
typedef struct scen {
    const char *name;
    const char *file;        /* comparison: the scenario file given on the command line */
    const cs_json *lines;    /* object: line name -> {kpi: {mean, ci95}} */
    const cs_json *pools;    /* object: pool name -> {kpi: {mean, ci95}} */
    const cs_json *resolved; /* resolved scenario, may be NULL */
    const cs_json *diff;     /* variants: their entry of "differences", may be NULL */
} scen;

typedef struct report {
    const char *dir;
    const char *generated;
    cs_json *summary, *manifest;
    int comparison;
    int national;            /* "kind": "national": sc[0] holds the national totals */
    const char *whatif;     /* "sweep", "sensitivity", "calibration" (report_whatif.c), else NULL */
    scen *sc;
    size_t n_sc;
    char version[64], seed[48], reps[32];
    double horizon, warmup; /* seconds; NAN if unknown */
    /* Dated runs (summary.json "start", "measured_from", "end": local ISO times), else NULL;
     * per_year: the measured period is a year (summary.json "counts_per": "year"). */
    const char *start, *measured_from, *end;
    double horizon_days, warmup_days;   /* dated: lengths in local days; NAN otherwise */
    int per_year;
    cs_text_buf out;
} report;

/* What a line of a scenario uses, to decide which rows mean something. */
typedef struct feat {
    int known;
    int ivr, cb, redial, spill, spill_in, xfer, cutoff, ringback;
    const char *spill_to, *xfer_to;
    double target_s, target_share, cb_deadline;
    double max_abandon;   /* target's ceiling on abandon_rate (callsim staff), NAN if none */
} feat;

/* mean and half-width of one KPI, NAN where absent or null. */
typedef struct mci {
    double m, h;
} mci;


/* The stylesheet (report_css.c). */
extern const char csi_rep_css[];

/* ---- report.c -------------------------------------------------------------------------- */

/* a + "/" + b, malloc'd; NULL when out of memory. */
char *csi_rep_path_join(const char *a, const char *b);
/* Largest files read.  summary.json of a national run (dozens of lines and pools, 35 KPIs
 * each, the resolved scenario with its rate tables) is a few MB, charts.json a few KB; 64 MiB
 * leaves a wide margin and keeps the parsed tree well inside memory.  A chart SVG drawn by
 * callsim is under 1 MB, a scenario file a page of text (the loader refuses any over 16 MiB).
 * The charts inlined into one page together stay under CSI_REP_MAX_CHARTS. */
#define CSI_REP_MAX_JSON ((size_t)64 << 20)
#define CSI_REP_MAX_FILE ((size_t)16 << 20)
#define CSI_REP_MAX_CHARTS ((size_t)256 << 20)

/* Reads a whole plain file of at most max bytes, refusing a folder, FIFO or device without
 * waiting on it.  A file that is not there (*absent = 1 if absent is not NULL), too large or
 * not a plain file is the user's input problem (CS_EINPUT); one that is there but unreadable
 * is CS_EIO.  `why` completes "not found" messages. */
cs_status csi_rep_read_all(const char *path, const char *why, size_t max, char **out, size_t *len,
                           int *absent, cs_error *err);

/* ---- report_text.c --------------------------------------------------------------------- */

/* Text from JSON, escaped; control characters become spaces. */
void csi_rep_esc(cs_text_buf *b, const char *s);
/* A scenario file for the appendix, escaped as a file shown verbatim in <pre> (invalid UTF-8 and controls as U+FFFD): every comment is
 * left out (a scenario's comments are the author's working notes) except those marked for
 * publication, which start with "#!" (kept as written, marker included), and the lines callsim
 * appends for --set changes.  A '#' inside quotes or a block scalar is not a comment.  Blank
 * lines left by the removed comments are collapsed.  Returns the number of comments left out. */
size_t csi_rep_scenario_text(cs_text_buf *b, const char *text, size_t n);
/* printf for HTML: %s is escaped text, %r raw markup, %d an int, %% a percent sign. */
void csi_rep_hf(cs_text_buf *b, const char *fmt, ...);

double csi_rep_jnum(const cs_json *o, const char *k);   /* NAN unless a number */
const char *csi_rep_jstr(const cs_json *o, const char *k);
int csi_rep_jstreq(const cs_json *o, const char *k, const char *want);
/* The object of an array whose "name" is `name`. */
const cs_json *csi_rep_find_named(const cs_json *arr, const char *name);
/* A seed or other integer that may be a JSON number or a string of digits. */
void csi_rep_int_text(const cs_json *v, char *buf, size_t n);

int csi_rep_decimals_for(int unit, double mean, int full);
void csi_rep_fmt_val(char *buf, size_t n, int unit, double v, int dec, int sign);
/* Lower and upper ends of mean -/+ h, cut at the range the quantity can take. */
void csi_rep_interval(int unit, double m, double h, double *lo, double *hi);

void csi_rep_dur_words(char *buf, size_t n, double s);        /* "1 h 30 min" */
void csi_rep_target_words(char *buf, size_t n, double s);     /* "10 seconds" */
void csi_rep_pct_words(char *buf, size_t n, double share);    /* "12.5%" */
void csi_rep_instant_words(char *buf, size_t n, const char *s);   /* "Friday 18:00" */
double csi_rep_instant_seconds(const char *s);   /* "Mon 07:00" -> s into the week, or -1 */
void csi_rep_week_time_words(char *buf, size_t n, double t);  /* "Friday 19:00" */
void csi_rep_hhmm(char *buf, size_t n, double t);
/* "A", "A and B", "A, B and C", each escaped and wrapped, into b. */
void csi_rep_name_list(cs_text_buf *b, const char *const *names, size_t n, const char *wrap_open,
                       const char *wrap_close);
void csi_rep_line_title(cs_text_buf *b, const char *line);   /* "Line 999" */
/* How long the measured period is, for count labels ("in the week"). */
void csi_rep_period_phrase(const report *r, char *buf, size_t n);
/* The measured period in seconds (a dated run's local days), NAN if unknown. */
double csi_rep_measured_s(const report *r);
/* A count of the measured period said for the other natural period: "about 320,000 a year"
 * for a week's run, "about 7,400 a week" for a year's; 0 (and "") when the period is unknown
 * or the count is not positive. */
int csi_rep_other_period(const report *r, double count, char *buf, size_t n);
/* A count per week and per year from the measured period's count: *week, *year (NAN when the
 * period is unknown). */
void csi_rep_rates(const report *r, double count, double *week, double *year);
/* "about 390" (two significant figures from 100 up, whole numbers below), grouped. */
void csi_rep_about(char *buf, size_t n, double x);
/* "1 April 2025, 00:00" from "2025-04-01T00:00:00+01:00"; the text as is otherwise. */
void csi_rep_iso_words(char *buf, size_t n, const char *iso);

/* ---- report_check.c ------------------------------------------------------------------- */

/* The types of everything the report reads in summary.json / charts.json, as callsim writes
 * them; CS_EINPUT "FILE: line L, column C: PATH must be ..., not ..." at the first mismatch. */
cs_status csi_rep_check_summary(const cs_json *root, const char *file, cs_error *err);
cs_status csi_rep_check_manifest(const cs_json *root, const char *file, cs_error *err);

/* ---- the sections ---------------------------------------------------------------------- */

cs_status csi_rep_charts(report *r, cs_error *err);   /* report_svg.c */
void csi_rep_summary(report *r);                      /* report_summary.c: the first section */
/* The replay charts (charts.json entries named replay_*), which csi_rep_charts leaves out. */
cs_status csi_rep_replay_figures(report *r, cs_error *err);   /* report_svg.c */
/* The staffing charts (required_vs_rostered_*, cost_vs_abandonment), likewise left out there. */
cs_status csi_rep_staff_figures(report *r, cs_error *err);    /* report_svg.c */
/* A replay's report leads with observed against simulated and describes the log. */
int csi_rep_is_replay(const report *r);                       /* report_replay.c */
cs_status csi_rep_replay_lead(report *r, cs_error *err);      /* report_replay.c */
void csi_rep_headline(report *r);                     /* report_tables.c */
void csi_rep_full_tables(report *r);                  /* report_tables.c */
void csi_rep_glossary(report *r);                     /* report_tables.c: what each measure means */
/* The validation appendix: Erlang A against the engine and the scenario at each line's busiest
 * interval, and the STRESS-DES checklist (report_valid.c). */
void csi_rep_validation(report *r);

/* ---- report_tables.c: KPIs of the folder ---------------------------------------------- */

feat csi_rep_line_feat(const scen *s, const char *line);
int csi_rep_relevant(const feat *f, int needs);   /* cs_kpi_needs */
mci csi_rep_mci(const cs_json *kpis, const char *key, const char *mkey);   /* mkey "mean" or "diff" */
size_t csi_rep_all_lines(const report *r, const char **names, size_t max);
size_t csi_rep_all_pools(const report *r, const char **names, size_t max);
void csi_rep_national(report *r);                     /* report_national.c: forces ranked */
int csi_rep_assumptions(report *r);                   /* report_assume.c; 0 when out of memory */
/* What a sweep, sensitivity analysis or calibration found, in words and tables
 * (report_whatif.c); the run tables that follow are for its reference scenario. */
void csi_rep_whatif(report *r);

/* ---- report_staff.c ------------------------------------------------------------------------ */

/* The "Staffing plan" section of a `callsim staff` folder (summary.json "staffing"): required
 * against rostered and cost, with the staffing charts; nothing when the member is absent. */
cs_status csi_rep_staffing(report *r, cs_error *err);
/* The Summary's sentence on a staffing plan (paid hours and cost against the current roster,
 * the share of hours meeting the targets); 1 when written, 0 when the folder has no plan. */
int csi_rep_staffing_sentence(report *r, cs_text_buf *b);   /* report_staff.c */
const char *csi_rep_whatif_kicker(const report *r);   /* "sweep", ... for the masthead */

#endif
