/* See cli_child.h.  The runner uses cmocka's assertions, so it belongs to the tests only. */
#include "tests/cli_child.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

const char *cli_bin(void)
{
    const char *b = getenv("CALLSIM");
    return b && *b ? b : "./callsim";
}

char *cli_slurp_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    ssize_t k;
    while ((k = read(fd, b + n, cap - n - 1)) > 0) {
        n += (size_t)k;
        if (cap - n < 2) b = realloc(b, cap *= 2);
    }
    b[n] = 0;
    return b;
}

char *cli_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = 0;
    fclose(f);
    if (len) *len = got;
    return b;
}

cli_out cli_run(const char *const *args)
{
    int po[2], pe[2];
    assert_int_equal(pipe(po), 0);
    assert_int_equal(pipe(pe), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        const char *argv[64];
        size_t n = 0;
        argv[n++] = cli_bin();
        for (size_t i = 0; args[i] && n < 63; i++) argv[n++] = args[i];
        argv[n] = NULL;
        alarm(300); /* survives exec */
        execv(cli_bin(), (char *const *)argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    cli_out o;
    /* stderr is small; read stdout first then stderr (children here never fill both pipes). */
    o.out = cli_slurp_fd(po[0]);
    o.err = cli_slurp_fd(pe[0]);
    close(po[0]);
    close(pe[0]);
    int status;
    waitpid(pid, &status, 0);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (o.code != 0 && o.code != 2) fprintf(stderr, "stderr: %s\n", o.err);
    return o;
}

void cli_out_free(cli_out *o)
{
    free(o->out);
    free(o->err);
}
