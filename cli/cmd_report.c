/* callsim report DIR: (re)writes DIR/report.html from a results folder, and with --pdf prints it
 * to DIR/report.pdf with a headless Chromium. */
#define _XOPEN_SOURCE 700   /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/outputs.h"
#include "plots/report.h"

/* Seconds a browser may take to print a report before it is stopped. */
#define PDF_TIMEOUT 180

cs_status cs_cli_write_report(const char *dir, cs_error *err)
{
    /* SOURCE_DATE_EPOCH (reproducible-builds.org) fixes the printed date, for byte-identical
     * reports in tests and archives. */
    time_t now = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) now = (time_t)strtoll(sde, NULL, 10);
    struct tm tm;
    gmtime_r(&now, &tm);
    char generated[64];
    strftime(generated, sizeof generated, "%Y-%m-%d %H:%M UTC", &tm);
    return cs_report_write(dir, generated, err);
}

/* ---- PDF ---------------------------------------------------------------------------------- */

/* A program on PATH (or a path containing '/'), into out. */
static int find_program(const char *name, char *out, size_t n)
{
    if (strchr(name, '/')) {
        if (access(name, X_OK) != 0) return 0;
        snprintf(out, n, "%s", name);
        return 1;
    }
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len > 0 && (size_t)snprintf(out, n, "%.*s/%s", (int)len, path, name) < n) {
            struct stat sb;
            if (stat(out, &sb) == 0 && S_ISREG(sb.st_mode) && access(out, X_OK) == 0) return 1;
        }
        path += len + (end ? 1 : 0);
    }
    return 0;
}

/* The browsers that print to PDF from the command line, in order of preference. */
static const char *const chromiums[] = {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                                        "chrome", "microsoft-edge", "brave-browser"};

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

/* Runs argv with its output discarded, at most PDF_TIMEOUT seconds.  Signals that would end
 * callsim are held while the browser runs (it gets them unblocked), so a Ctrl-C stops the
 * browser, lets the caller clean up, and then takes effect.  Returns the exit status, -1 when
 * it could not run or timed out (*why says which), -2 when a signal arrived. */
static int run_browser(char *const *argv, const char **why, sigset_t *old_out)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid_t pid = fork();
    if (pid < 0) {
        *old_out = old;
        *why = "cannot start a process";
        return -1;
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, STDIN_FILENO);
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            if (fd > STDERR_FILENO) close(fd);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0, result = -1;
    struct timespec tick = {0, 50 * 1000 * 1000};
    for (long waited = 0;; waited += 50) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            result = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            if (result < 0) *why = "the browser crashed";
            break;
        }
        sigset_t pend;
        sigpending(&pend);
        int sig = sigismember(&pend, SIGINT) || sigismember(&pend, SIGTERM) || sigismember(&pend, SIGHUP);
        if (sig || waited >= PDF_TIMEOUT * 1000L) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            result = sig ? -2 : -1;
            if (!sig) *why = "the browser did not finish in time";
            break;
        }
        nanosleep(&tick, NULL);
    }
    /* Pending signals stay pending: the caller unblocks them (old_out) after cleaning up. */
    *old_out = old;
    return result;
}

static cs_status write_pdf(const char *dir, int *interrupted, cs_error *err)
{
    char browser[PATH_MAX] = "";
    const char *env = getenv("CALLSIM_BROWSER");
    int found = 0;
    if (env && *env) {
        found = find_program(env, browser, sizeof browser);
        if (!found)
            return cs_error_set(err, CS_EINPUT, "CALLSIM_BROWSER='%s' is not a program that can be run", env);
    }
    for (size_t i = 0; !found && i < sizeof chromiums / sizeof chromiums[0]; i++)
        found = find_program(chromiums[i], browser, sizeof browser);
    if (!found) {
        char ff[PATH_MAX];
        if (find_program("firefox", ff, sizeof ff))
            return cs_error_set(err, CS_EINTERNAL, "--pdf needs Chromium or Chrome: Firefox (found at %s) cannot print "
                                "to PDF from the command line. Open %s/report.html in Firefox and use Print, Save to "
                                "PDF, with headers and footers off; or install Chromium (Debian: apt-get install "
                                "chromium) and run this again", ff, dir);
        return cs_error_set(err, CS_EINTERNAL, "--pdf needs a Chromium or Chrome browser and none was found on PATH "
                            "(looked for chromium, chromium-browser, google-chrome, chrome, microsoft-edge). "
                            "Install one (Debian: apt-get install chromium; macOS: install Google Chrome) or name "
                            "it in CALLSIM_BROWSER; %s/report.html is written and prints from any browser "
                            "(Print, Save to PDF, headers and footers off)", dir);
    }
    char abs[PATH_MAX], url[PATH_MAX + 32], out[PATH_MAX + 32], pdf[PATH_MAX + 32], arg_out[PATH_MAX + 64],
        arg_ud[PATH_MAX + 32];
    if (!realpath(dir, abs)) return cs_error_set(err, CS_EIO, "%s: %s", dir, strerror(errno));
    snprintf(url, sizeof url, "file://%s/report.html", abs);
    snprintf(out, sizeof out, "%s/.report.pdf.%ld", abs, (long)getpid());
    snprintf(pdf, sizeof pdf, "%s/report.pdf", abs);
    char profile[] = "/tmp/callsim-browser-XXXXXX";
    if (!mkdtemp(profile)) return cs_error_set(err, CS_EIO, "cannot make a temporary folder: %s", strerror(errno));
    snprintf(arg_out, sizeof arg_out, "--print-to-pdf=%s", out);
    snprintf(arg_ud, sizeof arg_ud, "--user-data-dir=%s", profile);
    /* --no-pdf-header-footer drops the date, title and URL a browser prints on every page
     * (older versions call it --print-to-pdf-no-header; each ignores the other). */
    char *argv[20];
    int a = 0;
    argv[a++] = browser;
    argv[a++] = (char *)"--headless";
    if (geteuid() == 0) argv[a++] = (char *)"--no-sandbox";   /* Chromium refuses to run as root without */
    argv[a++] = (char *)"--disable-gpu";
    argv[a++] = (char *)"--no-first-run";
    argv[a++] = (char *)"--disable-background-networking";
    argv[a++] = (char *)"--disable-component-update";
    argv[a++] = (char *)"--disable-sync";
    argv[a++] = (char *)"--disable-quic";
    argv[a++] = arg_ud;
    argv[a++] = (char *)"--no-pdf-header-footer";
    argv[a++] = (char *)"--print-to-pdf-no-header";
    argv[a++] = arg_out;
    argv[a++] = url;
    argv[a] = NULL;
    const char *why = "";
    sigset_t old;
    int rc = run_browser(argv, &why, &old);
    nftw(profile, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    cs_status st = CS_OK;
    if (rc == -2) {
        *interrupted = 1;
        st = cs_error_set(err, CS_EIO, "interrupted");
    } else if (rc != 0) {
        st = cs_error_set(err, CS_EINTERNAL, "%s could not print %s/report.html to PDF (%s)", browser, dir,
                          rc < 0 ? why : "it exited with an error");
    } else {
        FILE *f = fopen(out, "rb");
        char head[5] = "";
        if (!f || fread(head, 1, 5, f) != 5 || memcmp(head, "%PDF-", 5) != 0)
            st = cs_error_set(err, CS_EINTERNAL, "%s wrote no PDF for %s/report.html", browser, dir);
        if (f) fclose(f);
        if (st == CS_OK && rename(out, pdf) != 0)
            st = cs_error_set(err, CS_EIO, "cannot write %s: %s", pdf, strerror(errno));
    }
    if (st != CS_OK) unlink(out);
    /* Nothing of ours is left: a signal that arrived meanwhile may now end callsim. */
    sigprocmask(SIG_SETMASK, &old, NULL);
    return st;
}

int cs_cmd_report(int argc, char **argv)
{
    cs_flag flags[] = {
        {"pdf", 0, CS_FLAG_BOOL, NULL, "also print it to DIR/report.pdf with a headless Chromium or Chrome", 0, NULL},
        {"help", 'h', CS_FLAG_BOOL, NULL, "show this help", 0, NULL},
    };
    const char *pos[1];
    size_t npos;
    if (cs_args_parse("report", argc, argv, flags, 2, pos, 1, &npos) != 0) return CS_EXIT_INPUT;
    if (flags[1].set) {
        printf("Usage: callsim report DIR [--pdf]\n\n"
               "Writes DIR/report.html from a folder made by `callsim run --out DIR` or\n"
               "`callsim compare --out DIR`: one self-contained file (charts inline, no network)\n"
               "that prints on A4. Set SOURCE_DATE_EPOCH to fix the printed date.\n\n"
               "  --pdf   also write DIR/report.pdf: A4, no browser header or footer, printed by a\n"
               "          headless Chromium or Chrome found on PATH (or named in CALLSIM_BROWSER)\n");
        return CS_EXIT_OK;
    }
    if (npos != 1) return cs_cli_fail("report", CS_EINPUT, "needs one results folder: callsim report DIR");
    struct stat sb;
    if (stat(pos[0], &sb) != 0) {
        fprintf(stderr, "callsim report: results folder '%s': %s\n", pos[0],
                errno == ENOENT ? "no such folder" : strerror(errno));
        return CS_EXIT_INPUT;
    }
    if (!S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "callsim report: '%s' is not a folder; give the results folder written by run, replay or "
                        "compare --out\n", pos[0]);
        return CS_EXIT_INPUT;
    }
    cs_error err = {CS_OK, ""};
    /* The report is written through a temporary file and a rename inside DIR, in well under a
     * second: signals wait until it is done, so DIR keeps either the old report or the new one
     * and no temporary file. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    cs_status st = cs_cli_write_report(pos[0], &err);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (st != CS_OK) return cs_cli_fail("report", st, err.msg);
    printf("Wrote %s/report.html\n", pos[0]);
    if (flags[0].set) {
        int interrupted = 0;
        fflush(stdout);
        st = write_pdf(pos[0], &interrupted, &err);
        if (interrupted) return CS_EXIT_INTERRUPTED;   /* a handled signal stopped the browser */
        if (st != CS_OK) return cs_cli_fail("report", st, err.msg);
        printf("Wrote %s/report.pdf\n", pos[0]);
    }
    return CS_EXIT_OK;
}
