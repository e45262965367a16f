/* The MPI job as the command line sees it (an MPI build started by mpirun or srun; see
 * sim/rep.h "Many machines").  Every rank runs the same command; the runner spreads the work
 * and hands every rank the same results.  Rank 0 prints and writes; the others print nowhere:
 * their standard output goes to /dev/null, and their standard error is kept aside and shown
 * (each line marked with the rank) only when it explains the job's failure: the rank left
 * early, failed alone, or crashed.  In one process (a plain build, or no launcher) all of this
 * does nothing.  Commands call only cs_cli_writes(). */
#ifndef CS_CLI_DIST_H
#define CS_CLI_DIST_H

/* First thing in main: joins the job.  Returns 0, or an exit status after printing why. */
int cs_cli_dist_begin(int *argc, char ***argv);

/* Ranks other than 0 take part only in the commands that spread their replications over ranks
 * (run, compare, replay); for any other (erlang, fit, report, and sweep, sensitivity and
 * calibrate until their runs ship results) every rank leaves the job at once and rank 0 runs
 * the command alone, exactly as one process.  1 if this process should skip `cmd`.
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

#endif
