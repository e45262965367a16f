/* Runs a command and prints, on stderr, its peak resident memory and the CPU time it used:
 *     peak_rss_kb N
 *     cpu_s S          (user + system, seconds, all threads, from the child's rusage)
 *     wall_s S
 * GNU time is not on every machine and rounds to 10 ms; wait4's rusage is everywhere and
 * counts microseconds.  CPU time, not wall time, is what `make bench` compares: the machine
 * is often shared, and another process's load inflates wall time far more than CPU time. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double tv_s(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6; }

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: peakrss COMMAND [ARGS...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) return 1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "peak_rss_kb %ld\ncpu_s %.6f\nwall_s %.6f\n", ru.ru_maxrss,
            tv_s(ru.ru_utime) + tv_s(ru.ru_stime),
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
