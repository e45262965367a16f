/* The MPI job as the command line sees it (an MPI build started by mpirun or srun; see
 * sim/rep.h "Many machines").  Every rank runs the same command; the runner spreads the work
 * and hands every rank the same results.  Rank 0 prints and writes; the others print nowhere:
 * their standard output goes to /dev/null, and their standard error is kept aside and shown
 * (each line marked with the rank) only when it explains the job's failure: the rank left
 * early, failed alone, or crashed.  In one process (a plain build, or no launcher) all of this
 * does nothing.  Commands call only cs_cli_writes(). */
#ifndef CS_CLI_DIST_H
#define CS_CLI_DIST_H

#include "sim/status.h"

/* First thing in main: joins the job.  Returns 0, or an exit status after printing why. */
int cs_cli_dist_begin(int *argc, char ***argv);

/* Ranks other than 0 take part only in the commands that spread their replications over ranks
 * (run, national runs included, compare, replay, sweep, sensitivity, calibrate, staff); for any other
 * (erlang, fit, report) every rank leaves the job at once and rank 0 runs the command alone,
 * exactly as one process.  1 if this process should skip `cmd`.
 * To spread a command: give its plans pack/unpack (sim/rep.h), begin its outputs only where
 * cs_cli_writes(), and add it to the list in dist.c. */
int cs_cli_dist_skip(const char *cmd);

/* Last thing in main: the job's exit status from this process's (sim/rep.h
 * cs_rep_dist_stop), showing this rank's kept messages when they explain a failure. */
int cs_cli_dist_end(int code);

/* 1 in the process that prints and writes files (rank 0, or the only process). */
int cs_cli_writes(void);

/* 1 when an output folder must not exist before the runs are over: in an MPI job, where a rank
 * that dies can make Open MPI end rank 0 at once, with no chance to remove a folder begun
 * before the run.  The command then checks DIR early (begin, then abort) and begins it again
 * after its runs. */
int cs_cli_outputs_late(void);

/* The usual way to honour both for --out DIR (or one output FILE), before the runs: in the
 * process that writes, begins it (cs_outdir_begin, with cs_cli_note and the signal watch); in
 * an MPI job, only checks it and sets *late, and cs_cli_outdir_late/_outfile_late begin it again
 * after the runs.  Every rank must still make every run whatever *dir is: never make a run
 * depend on having an output folder. */
typedef struct cs_outdir cs_outdir;
typedef struct cs_outfile cs_outfile;
cs_status cs_cli_outdir_early(const char *cmd, const char *path, int force, cs_outdir **dir, int *late, cs_error *err);
cs_status cs_cli_outdir_late(const char *cmd, const char *path, int force, cs_outdir **dir, int late, cs_error *err);
cs_status cs_cli_outfile_early(const char *cmd, const char *path, int force, cs_outfile **of, int *late, cs_error *err);
cs_status cs_cli_outfile_late(const char *cmd, const char *path, int force, cs_outfile **of, int late, cs_error *err);

#endif
