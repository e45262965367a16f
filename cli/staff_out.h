/* The output side of `callsim staff` (prefix cs_staff_out_): the staffed variant (-o), the
 * "staffing" member of summary.json and the files and charts of --out DIR, from the command's
 * state (cs_staff_cli, filled by cli/cmd_staff.c, which parses the flags, runs the planner and
 * prints the terminal tables).  Split from cmd_staff.c to keep each file under 1,200 lines; the
 * state is shared through this header because both halves read most of it.
 *
 * Files of --out DIR (README "Staffing plan"): requirements.csv, shifts.csv, costs.csv,
 * verification.csv, cost_curve.csv (with --curve), staffed.yaml, the verification run's own
 * files (summary.json with "staffing", intervals.csv, scenario.yaml), charts/required_vs_rostered_N
 * and charts/cost_vs_abandonment, report.html with --report.  Numbers in data files are written
 * through cs_kpi_data_value (15 significant digits, the shortest text that reads back). */
#ifndef CS_CLI_STAFF_OUT_H
#define CS_CLI_STAFF_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/common.h"
#include "experiments/staff.h"
#include "io/outdir.h"
#include "io/scenario.h"
#include "models/kpi.h"
#include "sim/status.h"

#define CS_STAFF_WEEKS_PER_YEAR (365.25 / 7.0)

/* The command's state: its options, the plan, the budget and curve, the variant and its
 * verification run. */
typedef struct cs_staff_cli {
    const char *scenario;
    const char *sets[CS_CLI_MAX_SETS];
    size_t n_sets;
    int quiet, threads, reps;
    uint64_t seed;
    cs_scn *scn;                 /* ends with the chosen roster */
    cs_staff_plan *plan;
    cs_staff_opts so;
    int *had_staff;              /* [pool] the scenario gave `staff:` rather than a roster */
    /* the current roster, simulated on the verification seed */
    double base_met;
    size_t base_missed, base_cells;
    /* budget */
    int budget;                  /* 0 none, else a budget roster is the plan */
    cs_cover_unit unit;
    double budget_value;
    cs_staff_aim aim;
    cs_cover_solution bsol;
    /* curve */
    cs_staff_point *pts;
    size_t n_pts;
    double current_x;
    /* the variant and its verification run */
    char **roster_text;          /* [pool] "pools.X.roster=[...]" */
    char **staff_text;           /* [pool] "pools.X.staff=~" or NULL */
    char **unstaffed_text;       /* [line] "lines.X.allow_unstaffed=true" or NULL (a budget roster
                                    that leaves a line's calls with nobody on duty at times) */
    cs_scn *staffed;
    cs_results *ver;
    double ver_met;
    size_t ver_missed, ver_cells;
    char variant_name[200];
} cs_staff_cli;

/* "07:00" for a time of day t (s). */
void cs_staff_out_hhmm(double t, char *buf, size_t n);
/* "every day", "Mon-Fri", "Sat-Sun" or "Mon,Wed" for a weekday mask (Monday = bit 0). */
void cs_staff_out_days_words(unsigned d, char *buf, size_t n);
/* "12,345": v rounded to a whole number, thousands separated. */
void cs_staff_out_thousands(double v, char *buf, size_t n);
/* A weekly or yearly cost as the tables print it (whole units of the scenario's currency). */
void cs_staff_out_money(const cs_staff_cli *c, double v, char *buf, size_t n);
/* 1 when line l misses its target in interval k even at the favourable end of the 95% CI. */
int cs_staff_out_significant_miss(const cs_results *r, size_t l, size_t k);

/** @brief c->roster_text, staff_text, unstaffed_text: the chosen roster as --set texts.
 *  @return CS_OK; CS_ENOMEM. */
cs_status cs_staff_out_roster_texts(cs_staff_cli *c, cs_error *err);
/** @brief The variant's changes (the user's --set, then the roster texts) into ss[] and labels[]
 *  (cap 2 x pools + lines + sets + 1), *n of them, and the variant loaded into *out.
 *  @return CS_OK; loader errors (a bug: the texts are generated). */
cs_status cs_staff_out_changes(cs_staff_cli *c, cs_scn_set *ss, char labels[][48], size_t *n, cs_scn **out,
                               cs_error *err);
/** @brief Writes the staffed variant to f (`base:` the scenario, relative to output's folder), with
 *  a comment block saying how it was made.  @return CS_OK; CS_ENOMEM; CS_EIO. */
cs_status cs_staff_out_variant(cs_staff_cli *c, FILE *f, const char *output, cs_error *err);
/** @brief Every file of --out DIR (see the top); report.html when report is set.
 *  @return CS_OK; CS_ENOMEM; CS_EIO; chart errors. */
cs_status cs_staff_out_dir(cs_staff_cli *c, cs_outdir *dir, int report, cs_error *err);

#endif
