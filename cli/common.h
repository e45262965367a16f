/* Pieces shared by the subcommands that run scenarios (run, compare, replay). */
#ifndef CS_CLI_COMMON_H
#define CS_CLI_COMMON_H

#include <stdio.h>

#include "io/outdir.h"
#include "models/kpi.h"
#include "models/run.h"
#include "models/scenario.h"

/* Loads a scenario, printing every diagnostic to stderr, with the --set changes sets[0..n_sets)
 * applied to the document before it is read (io/override.h); a problem in one names the flag:
 * "--set #2 'PATH=VALUE': ...".  Returns NULL on error and sets *exit_code (2 for input
 * errors). */
cs_scn *cs_cli_load_scenario_set(const char *cmd, const char *path, const char *const *sets, size_t n_sets,
                                 int *exit_code);

/* The values of the repeatable flag `name` (--set, --vary, ...), at most CS_CLI_MAX_SETS into out.
 * Returns 0, or an exit code after a message. */
#include "cli/args.h"
#define CS_CLI_MAX_SETS 64
int cs_cli_list(const char *cmd, int argc, char **argv, cs_flag *flags, size_t n_flags, const char *name,
                const char **out, size_t *n);

/* Copies the scenario file src into dir as rel, followed, when there are --set changes, by a
 * comment that lists them (the file alone would not give the same run). */
cs_status cs_cli_copy_scenario(cs_outdir *dir, const char *src, const char *rel, const char *const *sets,
                               size_t n_sets, cs_error *err);

/* How a variant file written at `output` names its base `scenario`: relative to the variant's
 * folder when both are below a common folder, else absolute (calibrate -o, staff -o). */
void cs_cli_base_path(const char *scenario, const char *output, char *buf, size_t n);

/* Applies --reps, --seed (NULL = keep the file's).  Returns 0 or an exit code. */
int cs_cli_override(const char *cmd, cs_scn *s, const char *reps, const char *seed);

/* Lines whose volume counts attempts: pilot runs find their first-attempt factor
 * (models/volume.h).  Returns 0 or an exit code after printing the error. */
int cs_cli_calibrate(const char *cmd, cs_scn *s, int threads);

/* --threads value into *threads (NULL = 0, one per CPU).  Returns 0 or an exit code after
 * printing the error. */
int cs_cli_threads(const char *cmd, const char *value, int *threads);

/* Checks that an input file the user named (what: "scenario", "call log") exists, is not a
 * folder and, if a regular file, can be opened.  Returns 0, or an exit code (2: the name is
 * wrong; 1: the machine failed) after a message naming the file. */
int cs_cli_check_input(const char *cmd, const char *what, const char *path);

/* A cs_outdir_note_fn: prints "callsim CMD: note: ..." to stderr (ud is the command name). */
void cs_cli_note(void *ud, const char *msg);

/* --interval 15m/1h relative to the scenario's interval: how many intervals per output row. */
int cs_cli_interval_group(const char *cmd, const cs_scn *s, const char *value, int *group);

/* Call-log options shared by replay and fit (--columns, --outcomes, --tz, --sep, --skip-bad,
 * --line) into lo (initialised here).  Returns 0, or an exit code after printing the error. */
#include "io/calllog.h"
int cs_cli_log_opts(const char *cmd, cs_log_opts *lo, const char *columns, const char *outcomes, const char *tz,
                    const char *sep, int skip_bad, const char *line);

/* The output folder and file being written, so that SIGINT/SIGTERM/SIGHUP can undo or finish
 * the step in progress (io/outdir.h).  One of each at a time; NULL to stop watching. */
void cs_cli_watch_outdir(cs_outdir *o);
void cs_cli_watch_outfile(cs_outfile *o);
/* A second file written in the same transaction (fit's dated staffing beside its scenario). */
void cs_cli_watch_outfile2(cs_outfile *o);
void cs_cli_install_signals(void);

/* Writes summary.json (meta, resolved scenario, KPIs) and intervals.csv into o. */
cs_status cs_cli_write_run_files(cs_outdir *o, const cs_results *r, int group, const char *extra_key,
                                 void (*extra)(void *ud, void *w), void *extra_ud, cs_error *err);

#endif
