/* The MPI job for the command line (cli/dist.h). */
#include "cli/dist.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "io/outdir.h"
#include "sim/rep.h"

/* Signal-handler state, like cli/common.c's (the documented exception to "no globals"): where a
 * rank other than 0 keeps its standard error, and where the real one went, so that a crash can
 * still show what the rank said before it. */
static volatile int kept_fd = -1, real_fd = -1;
static char prefix[40];
static volatile size_t prefix_len;

static void put(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, s, n);
        if (k <= 0) return;
        s += k;
        n -= (size_t)k;
    }
}

/* Copies what the rank wrote to its standard error to the real one, each line marked with the
 * rank.  Async-signal-safe (lseek, read, write). */
static void show_kept(void)
{
    int in = kept_fd, out = real_fd;
    if (in < 0 || out < 0) return;
    if (lseek(in, 0, SEEK_SET) != 0) return;
    char buf[4096];
    int at_line_start = 1;
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0) {
        size_t from = 0;
        for (size_t i = 0; i < (size_t)n; i++) {
            if (at_line_start) {
                put(out, buf + from, i - from);
                put(out, prefix, prefix_len);
                from = i;
                at_line_start = 0;
            }
            if (buf[i] == '\n') at_line_start = 1;
        }
        put(out, buf + from, (size_t)n - from);
    }
    kept_fd = -1;
}

static void on_crash(int sig)
{
    show_kept();
    signal(sig, SIG_DFL);
    raise(sig);
}

int cs_cli_dist_begin(int *argc, char ***argv)
{
    cs_error err = {CS_OK, ""};
    if (cs_rep_dist_start(argc, argv, &err) != CS_OK) return cs_cli_fail("mpi", err.code, err.msg);
    int rank = cs_rep_dist_rank();
    if (rank == 0) return 0;
    snprintf(prefix, sizeof prefix, "[rank %d] ", rank);
    prefix_len = strlen(prefix);
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    FILE *kept = tmpfile();
    int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (null_fd < 0 || !kept || saved < 0 || dup2(null_fd, STDOUT_FILENO) < 0 ||
        dup2(fileno(kept), STDERR_FILENO) < 0) {
        /* Then this rank prints like rank 0: duplicated lines, nothing lost. */
        if (null_fd >= 0) close(null_fd);
        if (saved >= 0) close(saved);
        if (kept) fclose(kept);
        return 0;
    }
    close(null_fd);
    /* `kept` stays open (and its file, already unlinked, with it) until the process ends. */
    kept_fd = fileno(kept);
    real_fd = saved;
    static const int crashes[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof crashes / sizeof crashes[0]; i++) signal(crashes[i], on_crash);
    return 0;
}

int cs_cli_dist_skip(const char *cmd)
{
    /* The commands whose runs ship their results between ranks (a plan with pack/unpack) and
     * that write only where cs_cli_writes() says.  Any other command runs on rank 0 alone, as
     * in one process, so that a command nobody has taught about MPI cannot write twice. */
    static const char *const spread[] = {"run", "compare", "replay", "sweep", "sensitivity", "calibrate", "staff"};
    for (size_t i = 0; i < sizeof spread / sizeof spread[0]; i++)
        if (strcmp(cmd, spread[i]) == 0) return 0;
    if (cs_rep_dist_size() == 1) return 0;
    /* Every rank leaves the job together; rank 0 then runs the command as a lone process
     * (its runs stay on its threads) and the others end. */
    int rank = cs_rep_dist_rank();
    cs_rep_dist_stop(CS_EXIT_OK, NULL, NULL);
    return rank != 0;
}

static void show_kept_cb(void *ud)
{
    (void)ud;
    show_kept();
}

int cs_cli_dist_end(int code)
{
    fflush(stdout);
    return cs_rep_dist_stop(code, show_kept_cb, NULL);
}

int cs_cli_writes(void) { return cs_rep_dist_rank() == 0; }

int cs_cli_outputs_late(void) { return cs_rep_dist_size() > 1; }

cs_status cs_cli_outdir_early(const char *cmd, const char *path, int force, cs_outdir **dir, int *late, cs_error *err)
{
    *dir = NULL;
    *late = 0;
    if (!path || !cs_cli_writes()) return CS_OK;
    cs_status st = cs_outdir_begin(path, force, cs_cli_note, (void *)cmd, dir, err);
    if (st != CS_OK) return st;
    if (cs_cli_outputs_late()) {
        cs_outdir_abort(*dir);
        *dir = NULL;
        *late = 1;
    } else {
        cs_cli_watch_outdir(*dir);
    }
    return CS_OK;
}

cs_status cs_cli_outdir_late(const char *cmd, const char *path, int force, cs_outdir **dir, int late, cs_error *err)
{
    if (!late) return CS_OK;
    cs_status st = cs_outdir_begin(path, force, cs_cli_note, (void *)cmd, dir, err);
    if (st == CS_OK) cs_cli_watch_outdir(*dir);
    return st;
}

cs_status cs_cli_outfile_early(const char *cmd, const char *path, int force, cs_outfile **of, int *late,
                               cs_error *err)
{
    *of = NULL;
    *late = 0;
    if (!path || !cs_cli_writes()) return CS_OK;
    cs_status st = cs_outfile_begin(path, force, cs_cli_note, (void *)cmd, of, err);
    if (st != CS_OK) return st;
    if (cs_cli_outputs_late()) {
        cs_outfile_abort(*of);
        *of = NULL;
        *late = 1;
    } else {
        cs_cli_watch_outfile(*of);
    }
    return CS_OK;
}

cs_status cs_cli_outfile_late(const char *cmd, const char *path, int force, cs_outfile **of, int late,
                              cs_error *err)
{
    if (!late) return CS_OK;
    cs_status st = cs_outfile_begin(path, force, cs_cli_note, (void *)cmd, of, err);
    if (st == CS_OK) cs_cli_watch_outfile(*of);
    return st;
}
