/* Fault injection for tests/test_faults.c, linked into build/callsim-faults only.
 *
 * Why link-time wrapping (-Wl,--wrap=malloc,...) rather than an LD_PRELOAD library: the
 * faults binary is also built under AddressSanitizer (make check SANITIZE=1), whose runtime
 * must own malloc and come first in the library list, so a preloaded malloc would either
 * break ASan or be bypassed.  --wrap redirects only the calls made by callsim's own objects
 * (the CLI and libcallsim.a) to the __wrap_ functions below, which call the real (ASan's)
 * functions, so every sanitizer check stays on.  Allocations inside GSL, libyaml, PLplot and
 * libc are not failed: those libraries' own out-of-memory behaviour is not ours to test
 * (PLplot, for one, exits), and what matters is that callsim handles a NULL from its own
 * calls.
 *
 * Controls, from the environment (read once, at the first wrapped call):
 *   CALLSIM_FAULT_ALLOC=N      the N-th allocation (malloc, calloc, realloc, aligned_alloc,
 *                              strdup, strndup, open_memstream, mmap (sim/arena.c maps large
 *                              arenas; MAP_FAILED), counted from 1 in call order,
 *                              all threads) returns NULL with
 *                              errno ENOMEM; CALLSIM_FAULT_ALLOC_PERSIST=1 fails every one
 *                              from the N-th on (memory stays exhausted).
 *   CALLSIM_FAULT_SIGNAL=S:K   raise signal S (2 = SIGINT, 15 = SIGTERM) just before the K-th
 *                              file step: fopen, fdopen, fclose, fflush, rename, renameat2,
 *                              mkdir, mkdtemp, mkstemp, unlink, unlinkat, rmdir, remove, open,
 *                              openat, opendir, fdopendir, fsync, symlink.
 *   CALLSIM_FAULT_LOG=PATH     append "inject alloc N" / "inject signal S at K (call)" when a
 *                              fault is injected, and "total allocs A steps F" at a normal
 *                              exit, so the test knows whether its fault happened and how far
 *                              to sweep.  CALLSIM_FAULT_BACKTRACE=1 adds the call stack of
 *                              the injection (addresses; resolve with addr2line -e BINARY).
 * Without these variables the binary behaves exactly as ./callsim. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
void *__real_mmap(void *a, size_t n, int prot, int flags, int fd, off_t off);
FILE *__real_open_memstream(char **p, size_t *n);
FILE *__real_fdopen(int fd, const char *m);
int __real_renameat2(int da, const char *a, int db, const char *b, unsigned flags);
int __real_mkstemp(char *t);
int __real_unlinkat(int d, const char *p, int flags);
int __real_openat(int d, const char *p, int flags, ...);
DIR *__real_fdopendir(int fd);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
FILE *__real_fopen(const char *p, const char *m);
int __real_fclose(FILE *f);
int __real_fflush(FILE *f);
int __real_rename(const char *a, const char *b);
int __real_mkdir(const char *p, mode_t m);
char *__real_mkdtemp(char *t);
int __real_unlink(const char *p);
int __real_rmdir(const char *p);
int __real_remove(const char *p);
int __real_open(const char *p, int flags, ...);
DIR *__real_opendir(const char *p);
int __real_fsync(int fd);
int __real_symlink(const char *a, const char *b);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t a, size_t n);
void *__wrap_mmap(void *a, size_t n, int prot, int flags, int fd, off_t off);
FILE *__wrap_open_memstream(char **p, size_t *n);
FILE *__wrap_fdopen(int fd, const char *m);
int __wrap_renameat2(int da, const char *a, int db, const char *b, unsigned flags);
int __wrap_mkstemp(char *t);
int __wrap_unlinkat(int d, const char *p, int flags);
int __wrap_openat(int d, const char *p, int flags, ...);
DIR *__wrap_fdopendir(int fd);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
FILE *__wrap_fopen(const char *p, const char *m);
int __wrap_fclose(FILE *f);
int __wrap_fflush(FILE *f);
int __wrap_rename(const char *a, const char *b);
int __wrap_mkdir(const char *p, mode_t m);
char *__wrap_mkdtemp(char *t);
int __wrap_unlink(const char *p);
int __wrap_rmdir(const char *p);
int __wrap_remove(const char *p);
int __wrap_open(const char *p, int flags, ...);
DIR *__wrap_opendir(const char *p);
int __wrap_fsync(int fd);
int __wrap_symlink(const char *a, const char *b);

/* Test-only state: a test double may have globals (the library may not). */
static atomic_int configured;
static long alloc_at = -1, signal_at = -1;
static int persist, signal_no, want_backtrace;
static char log_path[512];
static atomic_long n_alloc, n_step;

/* Appends one line to the log with open/write only (safe in any state, no allocation). */
static void log_line(const char *text)
{
    if (!log_path[0]) return;
    int fd = __real_open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return;
    size_t n = strlen(text);
    if (write(fd, text, n) != (ssize_t)n) { /* the test will see the line missing */ }
    if (want_backtrace && strncmp(text, "inject", 6) == 0) {
        void *frames[32];
        backtrace_symbols_fd(frames, backtrace(frames, 32), fd);
    }
    close(fd);
}

static void on_exit_report(void)
{
    char b[128];
    snprintf(b, sizeof b, "total allocs %ld steps %ld\n", atomic_load(&n_alloc), atomic_load(&n_step));
    log_line(b);
}

static void configure(void)
{
    if (atomic_load(&configured)) return;
    /* getenv does not allocate; a race between threads only repeats the same parse. */
    const char *a = getenv("CALLSIM_FAULT_ALLOC");
    if (a && *a) alloc_at = strtol(a, NULL, 10);
    const char *p = getenv("CALLSIM_FAULT_ALLOC_PERSIST");
    persist = p && *p == '1';
    const char *s = getenv("CALLSIM_FAULT_SIGNAL");
    if (s && *s) {
        char *end;
        signal_no = (int)strtol(s, &end, 10);
        if (*end == ':') signal_at = strtol(end + 1, NULL, 10);
    }
    const char *bt = getenv("CALLSIM_FAULT_BACKTRACE");
    want_backtrace = bt && *bt == '1';
    const char *l = getenv("CALLSIM_FAULT_LOG");
    if (l && *l && strlen(l) < sizeof log_path) {
        strcpy(log_path, l);
        if (atomic_exchange(&configured, 1) == 0) atexit(on_exit_report);
        return;
    }
    atomic_store(&configured, 1);
}

static int fail_alloc(void)
{
    configure();
    long k = atomic_fetch_add(&n_alloc, 1) + 1;
    if (alloc_at < 1 || k < alloc_at || (k > alloc_at && !persist)) return 0;
    if (k == alloc_at) {
        char b[64];
        snprintf(b, sizeof b, "inject alloc %ld\n", k);
        log_line(b);
    }
    errno = ENOMEM;
    return 1;
}

static void step(const char *what)
{
    configure();
    long k = atomic_fetch_add(&n_step, 1) + 1;
    if (signal_at >= 1 && k == signal_at) {
        char b[96];
        snprintf(b, sizeof b, "inject signal %d at %ld (%s)\n", signal_no, k, what);
        log_line(b);
        raise(signal_no);
    }
}

void *__wrap_malloc(size_t n) { return fail_alloc() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return fail_alloc() ? NULL : __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { return fail_alloc() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return fail_alloc() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return fail_alloc() ? NULL : __real_strndup(s, n); }
void *__wrap_aligned_alloc(size_t a, size_t n) { return fail_alloc() ? NULL : __real_aligned_alloc(a, n); }
FILE *__wrap_open_memstream(char **p, size_t *n) { return fail_alloc() ? NULL : __real_open_memstream(p, n); }
void *__wrap_mmap(void *a, size_t n, int prot, int flags, int fd, off_t off)
{
    return fail_alloc() ? MAP_FAILED : __real_mmap(a, n, prot, flags, fd, off);
}

FILE *__wrap_fopen(const char *p, const char *m) { step("fopen"); return __real_fopen(p, m); }
int __wrap_fclose(FILE *f) { step("fclose"); return __real_fclose(f); }
int __wrap_fflush(FILE *f) { step("fflush"); return __real_fflush(f); }
int __wrap_rename(const char *a, const char *b) { step("rename"); return __real_rename(a, b); }
int __wrap_mkdir(const char *p, mode_t m) { step("mkdir"); return __real_mkdir(p, m); }
char *__wrap_mkdtemp(char *t) { step("mkdtemp"); return __real_mkdtemp(t); }
int __wrap_unlink(const char *p) { step("unlink"); return __real_unlink(p); }
int __wrap_rmdir(const char *p) { step("rmdir"); return __real_rmdir(p); }
int __wrap_remove(const char *p) { step("remove"); return __real_remove(p); }
DIR *__wrap_opendir(const char *p) { step("opendir"); return __real_opendir(p); }
int __wrap_fsync(int fd) { step("fsync"); return __real_fsync(fd); }
int __wrap_symlink(const char *a, const char *b) { step("symlink"); return __real_symlink(a, b); }
FILE *__wrap_fdopen(int fd, const char *m) { step("fdopen"); return __real_fdopen(fd, m); }
int __wrap_renameat2(int da, const char *a, int db, const char *b, unsigned flags)
{
    step("renameat2");
    return __real_renameat2(da, a, db, b, flags);
}
int __wrap_mkstemp(char *t) { step("mkstemp"); return __real_mkstemp(t); }
int __wrap_unlinkat(int d, const char *p, int flags) { step("unlinkat"); return __real_unlinkat(d, p, flags); }
DIR *__wrap_fdopendir(int fd) { step("fdopendir"); return __real_fdopendir(fd); }

int __wrap_openat(int d, const char *p, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    step("openat");
    return __real_openat(d, p, flags, mode);
}

int __wrap_open(const char *p, int flags, ...)
{
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    step("open");
    return __real_open(p, flags, mode);
}
