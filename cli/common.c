#define _XOPEN_SOURCE 700 /* realpath */
#include "cli/common.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "io/daily.h"
#include "cli/outputs.h"
#include "io/json.h"
#include "io/results.h"
#include "io/scenario.h"
#include "io/scenario_json.h"
#include "io/units.h"
#include "models/volume.h"

cs_scn *cs_cli_load_scenario_set(const char *cmd, const char *path, const char *const *sets, size_t n_sets,
                                 int *exit_code)
{
    if ((*exit_code = cs_cli_check_input(cmd, "scenario", path)) != 0) return NULL;
    cs_diags diags = {0};
    cs_scn *s = NULL;
    cs_scn_set ss[CS_CLI_MAX_SETS];
    char labels[CS_CLI_MAX_SETS][32];
    if (n_sets > CS_CLI_MAX_SETS) n_sets = CS_CLI_MAX_SETS;
    for (size_t i = 0; i < n_sets; i++) {
        snprintf(labels[i], sizeof labels[i], "--set #%zu", i + 1);
        ss[i] = (cs_scn_set){labels[i], sets[i], NULL, 0, 0, 0};
    }
    cs_status st = cs_scn_load_set(path, ss, n_sets, &s, &diags);
    if (st != CS_OK) {
        char buf[1024];
        for (size_t i = 0; i < diags.n; i++) {
            cs_diag_format(&diags.items[i], buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
        }
        if (diags.n == 0) fprintf(stderr, "callsim %s: cannot load %s: %s\n", cmd, path, cs_strerror(st));
        else if (diags.n > 1) fprintf(stderr, "callsim %s: %zu problems in %s; nothing was run\n", cmd, diags.n, path);
        cs_diags_free(&diags);
        *exit_code = st == CS_ENOMEM ? CS_EXIT_FAIL : CS_EXIT_INPUT;
        return NULL;
    }
    cs_diags_free(&diags);
    return s;
}

int cs_cli_list(const char *cmd, int argc, char **argv, cs_flag *flags, size_t n_flags, const char *name,
                const char **out, size_t *n)
{
    *n = cs_args_list(argc, argv, flags, n_flags, name, out, CS_CLI_MAX_SETS);
    if (*n > CS_CLI_MAX_SETS) {
        fprintf(stderr, "callsim %s: --%s is given %zu times; at most %d are allowed\n", cmd, name, *n,
                CS_CLI_MAX_SETS);
        return CS_EXIT_INPUT;
    }
    return 0;
}

cs_status cs_cli_copy_scenario(cs_outdir *dir, const char *src, const char *rel, const char *const *sets,
                               size_t n_sets, cs_error *err)
{
    if (n_sets == 0) return cs_outputs_copy_file(dir, src, rel, err);
    FILE *in = fopen(src, "rb");
    if (!in) return cs_error_set(err, CS_EIO, "cannot read %s to copy it into the results", src);
    FILE *f = cs_outdir_open(dir, rel, NULL, 0, err);
    if (!f) {
        fclose(in);
        return err->code;
    }
    char buf[65536];
    size_t k;
    int last = '\n';
    while ((k = fread(buf, 1, sizeof buf, in)) > 0) {
        if (fwrite(buf, 1, k, f) != k) break;
        last = (unsigned char)buf[k - 1];
    }
    int bad = ferror(in);
    fclose(in);
    fprintf(f, "%s\n# This run changed the file above from the command line (--set), in this order:\n",
            last == '\n' ? "" : "\n");
    for (size_t i = 0; i < n_sets; i++) {
        fputs("#   --set '", f);
        /* A line break in a value would end the comment: control characters are shown as '?'. */
        for (const char *c = sets[i]; *c; c++) fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, f);
        fputs("'\n", f);
    }
    if (ferror(f)) bad = 1;
    if (fclose(f) != 0) bad = 1;
    return bad ? cs_error_set(err, CS_EIO, "cannot copy %s into the results", src) : CS_OK;
}

int cs_cli_override(const char *cmd, cs_scn *s, const char *reps, const char *seed)
{
    long v;
    if (reps) {
        if (cs_args_long(cmd, "reps", reps, 1, 100000, &v) != 0) return CS_EXIT_INPUT;
        s->replications = (int)v;
    }
    if (seed) {
        uint64_t x;
        if (cs_args_seed(cmd, "seed", seed, &x) != 0) return CS_EXIT_INPUT;
        s->seed = x;
    }
    return 0;
}

int cs_cli_threads(const char *cmd, const char *value, int *threads)
{
    *threads = 0;
    if (!value) return 0;
    long v;
    if (cs_args_long(cmd, "threads", value, 1, 1024, &v) != 0) return CS_EXIT_INPUT;
    *threads = (int)v;
    return 0;
}

int cs_cli_check_input(const char *cmd, const char *what, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        fprintf(stderr, "callsim %s: %s '%s': %s\n", cmd, what, path,
                e == ENOENT ? "no such file" : strerror(e));
        return e == ENOMEM ? CS_EXIT_FAIL : CS_EXIT_INPUT;
    }
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "callsim %s: %s '%s' is a folder, not a file\n", cmd, what, path);
        return CS_EXIT_INPUT;
    }
    /* Pipes and devices are left to the reader (a log may come through a pipe); a regular
     * file is opened once so that a permission problem is reported as such, up front. */
    if (S_ISREG(st.st_mode)) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            int e = errno;
            fprintf(stderr, "callsim %s: %s '%s' cannot be read: %s\n", cmd, what, path, strerror(e));
            return e == ENOMEM || e == EMFILE || e == ENFILE ? CS_EXIT_FAIL : CS_EXIT_INPUT;
        }
        close(fd);
    }
    return 0;
}

void cs_cli_note(void *ud, const char *msg) { fprintf(stderr, "callsim %s: note: %s\n", (const char *)ud, msg); }

int cs_cli_interval_group(const char *cmd, const cs_scn *s, const char *value, int *group)
{
    *group = 1;
    if (!value) return 0;
    double sec;
    cs_error err = {CS_OK, ""};
    if (cs_units_parse_duration(value, &sec, &err) != CS_OK) {
        fprintf(stderr, "callsim %s: --interval: %s\n", cmd, err.msg);
        return CS_EXIT_INPUT;
    }
    double ratio = sec / s->interval;
    if (ratio < 1 || ratio != (double)(long)ratio || 86400.0 / sec != (double)(long)(86400.0 / sec)) {
        fprintf(stderr, "callsim %s: --interval %s must be a whole multiple of the scenario's %g s interval "
                        "that divides a day (e.g. 15m or 1h)\n", cmd, value, s->interval);
        return CS_EXIT_INPUT;
    }
    *group = (int)ratio;
    return 0;
}

int cs_cli_log_opts(const char *cmd, cs_log_opts *lo, const char *columns, const char *outcomes, const char *tz,
                    const char *sep, int skip_bad, const char *line)
{
    cs_log_opts_init(lo);
    lo->columns = columns;
    lo->outcomes = outcomes;
    lo->skip_bad = skip_bad;
    if (line) lo->default_line = line;
    if (tz) {
        if (strcmp(tz, "uk") == 0) lo->tz = CS_TZ_UK;
        else if (strcmp(tz, "utc") == 0) lo->tz = CS_TZ_UTC;
        else return cs_cli_fail(cmd, CS_EINPUT, "--tz expects uk or utc");
    }
    if (sep) {
        if (strcmp(sep, "tab") == 0 || strcmp(sep, "\\t") == 0) lo->sep = '\t';
        else if (strlen(sep) == 1) lo->sep = sep[0];
        else return cs_cli_fail(cmd, CS_EINPUT, "--sep expects one character, or tab");
    }
    return 0;
}

/* The one piece of process-wide state in callsim: what a signal handler must clean up. */
static cs_outdir *volatile watched;
static cs_outfile *volatile watched_file, *volatile watched_file2;
static volatile sig_atomic_t interrupted;

void cs_cli_watch_outdir(cs_outdir *o) { watched = o; }
void cs_cli_watch_outfile(cs_outfile *o) { watched_file = o; }
void cs_cli_watch_outfile2(cs_outfile *o) { watched_file2 = o; }

static void say(const char *msg, size_t n)
{
    if (write(STDERR_FILENO, msg, n) < 0) { /* nothing more can be done */ }
}

static void on_signal(int sig)
{
    interrupted = 1;
    int r = cs_outdir_cleanup_signal_safe(watched);
    cs_outfile_cleanup_signal_safe(watched_file);
    cs_outfile_cleanup_signal_safe(watched_file2);
    static const char none[] = "\ncallsim: interrupted; no results were written\n";
    static const char done[] = "\ncallsim: interrupted after the results were written in full\n";
    static const char either[] =
        "\ncallsim: interrupted while replacing the output folder; it holds the old or the new results, complete\n";
    if (r > 0) say(done, sizeof done - 1);
    else if (r < 0) say(either, sizeof either - 1);
    else say(none, sizeof none - 1);
    _exit(sig == SIGINT ? CS_EXIT_INTERRUPTED : 128 + sig);
}

void cs_cli_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    /* One cleanup at a time: a second signal waits until the first handler has finished. */
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int cs_cli_calibrate(const char *cmd, cs_scn *s, int threads)
{
    cs_error err = {CS_OK, ""};
    cs_volume_info info;
    cs_status st = cs_volume_calibrate(s, threads, &info, &err);
    if (st != CS_OK) return cs_cli_fail(cmd, st, err.msg);
    if (!info.converged)
        fprintf(stderr, "callsim %s: note: after %d pilot runs a volume that counts attempts was still "
                "moving by %.2g%% a run; its offered attempts may be off by about that\n", cmd,
                info.pilots, 100 * info.last_step);
    return 0;
}

/* daily.csv, for runs measuring more than a week (io/daily.h). */
static cs_status write_daily(cs_outdir *o, const cs_results *r, cs_error *err)
{
    FILE *f = cs_outdir_open(o, "daily.csv", NULL, 0, err);
    if (!f) return err->code;
    cs_status st = cs_out_daily_csv(f, r, err);
    if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write daily.csv");
    return st;
}

cs_status cs_cli_write_run_files(cs_outdir *o, const cs_results *r, int group, const char *extra_key,
                                 void (*extra)(void *ud, void *w), void *extra_ud, cs_error *err)
{
    FILE *f = cs_outdir_open(o, "summary.json", NULL, 0, err);
    if (!f) return err->code;
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    if (!w) {
        fclose(f);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    cs_json_begin_object(w);
    cs_json_kv_string(w, "kind", "run");
    cs_out_json_meta(w, r);
    cs_out_json_kpis(w, r);
    if (extra && extra_key) {
        cs_json_key(w, extra_key);
        extra(extra_ud, w);
    }
    /* the KPI catalogue and the validation against Erlang A */
    cs_status st = cs_out_json_summary_extras(w, r, err);
    cs_json_key(w, "resolved_scenario");
    cs_scn_write_json(w, r->scn);
    cs_json_end_object(w);
    if (st != CS_OK) {
        cs_json_writer_destroy(w);
        fclose(f);
        return st;
    }
    st = cs_json_writer_finish(w, err);
    cs_json_writer_destroy(w);
    if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write summary.json");
    if (st != CS_OK) return st;
    f = cs_outdir_open(o, "intervals.csv", NULL, 0, err);
    if (!f) return err->code;
    st = cs_out_intervals_csv(f, r, group, err);
    if (fclose(f) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write intervals.csv");
    if (st == CS_OK && cs_out_daily_wanted(r)) st = write_daily(o, r, err);
    return st;
}

/* How the variant names its base: relative to the folder the variant is written in when both
 * are below a common folder, else absolute. */
void cs_cli_base_path(const char *scenario, const char *output, char *buf, size_t n)
{
    char sa[PATH_MAX], od[PATH_MAX], tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", output);
    char *slash = strrchr(tmp, '/');
    if (slash) *slash = '\0';
    else snprintf(tmp, sizeof tmp, ".");
    if (!realpath(scenario, sa) || !realpath(tmp[0] ? tmp : "/", od)) {
        snprintf(buf, n, "%s", scenario);
        return;
    }
    /* Common leading folders, then one ".." per folder left in the output's. */
    size_t i = 0, last = 0;
    while (sa[i] && od[i] && sa[i] == od[i]) {
        if (sa[i] == '/') last = i;
        i++;
    }
    if (od[i] == '\0' && sa[i] == '/') last = i;
    if (last == 0) { /* nothing in common but the root: the absolute path reads better */
        snprintf(buf, n, "%s", sa);
        return;
    }
    size_t o = 0;
    buf[0] = '\0';
    for (const char *p = od + last; *p; p++)
        if (*p == '/' && o + 4 < n) o += (size_t)snprintf(buf + o, n - o, "../");
    snprintf(buf + o, n - o, "%s", sa + last + 1);
}
