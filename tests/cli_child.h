/* Running the callsim binary from a test, shared by the end-to-end test programs: the binary is
 * $CALLSIM (set by `make check`; ./callsim otherwise), run in a child process whose stdout and
 * stderr are captured. */
#ifndef CS_TESTS_CLI_CHILD_H
#define CS_TESTS_CLI_CHILD_H

#include <stddef.h>

typedef struct cli_out {
    int code;   /* exit status, or 128 + the signal that ended it */
    char *out;  /* stdout */
    char *err;  /* stderr */
} cli_out;

const char *cli_bin(void);
/* All a descriptor gives until its end, NUL-terminated. */
char *cli_slurp_fd(int fd);
/* A whole file, NUL-terminated (its length in *len when len is not NULL); NULL if unreadable. */
char *cli_slurp(const char *path, size_t *len);
/* Runs callsim with args (NULL-terminated); a child that hangs ends as SIGALRM after 300 s
 * (exit 142) instead of stalling make check. */
cli_out cli_run(const char *const *args);
void cli_out_free(cli_out *o);

#define RUN(...) cli_run((const char *const[]){__VA_ARGS__, NULL})

#endif
