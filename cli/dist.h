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

/* Ranks other than 0 sit out commands that neither run replications nor need to (erlang,
 * fit, report): rank 0 alone does them.  1 if this process should skip `cmd`. */
int cs_cli_dist_skip(const char *cmd);

/* Last thing in main: the job's exit status from this process's (sim/rep.h
 * cs_rep_dist_stop), showing this rank's kept messages when they explain a failure. */
int cs_cli_dist_end(int code);

/* 1 in the process that prints and writes files (rank 0, or the only process). */
int cs_cli_writes(void);

#endif
