/* Output folders and files that are complete or absent (io/outdir.h).
 *
 * The promises checked: a link is never written through or emptied; any number of files;
 * files nobody registered (a report's temporary file) are removed with the folder; a link
 * inside the temporary folder is removed, not followed; at every step of a commit, what a
 * signal handler does leaves the target holding the old or the new result, complete, and
 * nothing else; leftovers of a killed process are recovered by the next run into the same
 * parent (restored or removed), while a live process's and foreign names are left alone. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/outdir.h"

static char root[256];

static int setup(void **st)
{
    (void)st;
    snprintf(root, sizeof root, "/tmp/callsim-outdir-XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    return cs_outdir_remove_tree(root);
}

/* A fresh empty folder under root for one test. */
static void fresh(char *dir, size_t n, const char *name)
{
    snprintf(dir, n, "%s/%s", root, name);
    cs_outdir_remove_tree(dir);
    assert_int_equal(mkdir(dir, 0777), 0);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *get(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Names in dir, sorted, joined by '|' ("" for an empty folder). */
static const char *listing(const char *dir)
{
    static char out[4096];
    char names[64][256];
    size_t n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) && n < 64)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) snprintf(names[n++], 256, "%s", e->d_name);
    closedir(d);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char t[256];
                memcpy(t, names[i], 256);
                memcpy(names[i], names[j], 256);
                memcpy(names[j], t, 256);
            }
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) strcat(out, "|");
        strcat(out, names[i]);
    }
    return out;
}

static void write_new(cs_outdir *o, const char *rel, const char *text)
{
    cs_error err = {CS_OK, ""};
    FILE *f = cs_outdir_open(o, rel, NULL, 0, &err);
    if (!f) fail_msg("%s", err.msg);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* ------------------------------------------------------------------------------------------ */

static void test_link_is_refused_and_left_alone(void **st)
{
    (void)st;
    char d[512], real[600], link[600], keep[700];
    fresh(d, sizeof d, "link");
    snprintf(real, sizeof real, "%s/real", d);
    snprintf(link, sizeof link, "%s/LINK", d);
    snprintf(keep, sizeof keep, "%s/keep.txt", real);
    assert_int_equal(mkdir(real, 0777), 0);
    put(keep, "precious");
    assert_int_equal(symlink("real", link), 0);
    cs_outdir *o = NULL;
    cs_error err = {CS_OK, ""};
    for (int force = 0; force < 2; force++) {
        assert_int_equal(cs_outdir_begin(link, force, NULL, NULL, &o, &err), CS_EINPUT);
        assert_non_null(strstr(err.msg, "symbolic link"));
        assert_null(o);
    }
    /* With a trailing slash too (the name is the link's). */
    char slash[700];
    snprintf(slash, sizeof slash, "%s/", link);
    assert_int_equal(cs_outdir_begin(slash, 1, NULL, NULL, &o, &err), CS_EINPUT);
    assert_string_equal(get(keep), "precious");
    assert_string_equal(listing(d), "LINK|real");
    /* A dangling link too. */
    char dang[700];
    snprintf(dang, sizeof dang, "%s/DANGLING", d);
    assert_int_equal(symlink("nowhere", dang), 0);
    assert_int_equal(cs_outdir_begin(dang, 1, NULL, NULL, &o, &err), CS_EINPUT);
    /* "." and ".." cannot be replaced. */
    assert_int_equal(cs_outdir_begin(".", 1, NULL, NULL, &o, &err), CS_EINPUT);
    char dots[700];
    snprintf(dots, sizeof dots, "%s/..", d);
    assert_int_equal(cs_outdir_begin(dots, 1, NULL, NULL, &o, &err), CS_EINPUT);
    /* A missing parent names the parent. */
    char deep[700];
    snprintf(deep, sizeof deep, "%s/no/such/out", d);
    assert_int_equal(cs_outdir_begin(deep, 0, NULL, NULL, &o, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "does not exist"));
}

/* Far more files than a fixed table would hold, and files nobody registered, in subfolders,
 * plus a link to a folder outside: abort removes everything of its own and follows nothing. */
static void test_many_files_unregistered_and_links(void **st)
{
    (void)st;
    char d[512], target[600], outside[600], precious[700];
    fresh(d, sizeof d, "many");
    snprintf(target, sizeof target, "%s/out", d);
    snprintf(outside, sizeof outside, "%s/outside", d);
    snprintf(precious, sizeof precious, "%s/precious.txt", outside);
    assert_int_equal(mkdir(outside, 0777), 0);
    put(precious, "keep me");
    cs_outdir *o = NULL;
    cs_error err = {CS_OK, ""};
    for (int round = 0; round < 2; round++) {
        assert_int_equal(cs_outdir_begin(target, 1, NULL, NULL, &o, &err), CS_OK);
        for (int i = 0; i < 1500; i++) {
            char rel[64];
            snprintf(rel, sizeof rel, "charts/c%04d.svg", i);
            write_new(o, rel, "x");
        }
        char p[1200];
        snprintf(p, sizeof p, "%s/.report.html.Ab12Cd", cs_outdir_tmp(o));
        put(p, "half a report");
        snprintf(p, sizeof p, "%s/charts/escape", cs_outdir_tmp(o));
        assert_int_equal(symlink(outside, p), 0);
        if (round == 0) {
            cs_outdir_abort(o);
            assert_string_equal(listing(d), "outside");
        } else {
            assert_int_equal(cs_outdir_cleanup_signal_safe(o), 0);
            cs_outdir_free(o);
            assert_string_equal(listing(d), "outside");
        }
        assert_string_equal(get(precious), "keep me");
    }
    /* And a commit of 1500 files works. */
    assert_int_equal(cs_outdir_begin(target, 0, NULL, NULL, &o, &err), CS_OK);
    for (int i = 0; i < 1500; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "charts/c%04d.png", i);
        write_new(o, rel, "x");
    }
    assert_int_equal(cs_outdir_commit(o, &err), CS_OK);
    cs_outdir_free(o);
    char last[700];
    snprintf(last, sizeof last, "%s/charts/c1499.png", target);
    assert_string_equal(get(last), "x");
    assert_string_equal(listing(d), "out|outside");
}

/* ---- a signal at every step of a commit ---- */

typedef struct stepper {
    cs_outdir *o;
    int fire_at, calls, result;
    sigjmp_buf jb;
} stepper;

static void on_step(void *ud)
{
    stepper *s = ud;
    if (++s->calls != s->fire_at) return;
    s->result = cs_outdir_cleanup_signal_safe(s->o);
    siglongjmp(s->jb, 1);
}

/* mode 0: new target; 1: replace by exchange; 2: replace by two renames. */
static void commit_with_signal_at_every_step(int mode)
{
    char d[512], target[600], f[700];
    for (volatile int k = 1;; k++) {
        fresh(d, sizeof d, "steps");
        snprintf(target, sizeof target, "%s/res", d);
        snprintf(f, sizeof f, "%s/result.txt", target);
        if (mode > 0) {
            assert_int_equal(mkdir(target, 0777), 0);
            put(f, "old");
        }
        stepper s;
        memset(&s, 0, sizeof s);
        s.fire_at = k;
        cs_error err = {CS_OK, ""};
        assert_int_equal(cs_outdir_begin(target, mode > 0, NULL, NULL, &s.o, &err), CS_OK);
        write_new(s.o, "result.txt", "new");
        write_new(s.o, "charts/a.svg", "chart");
        cs_outdir_test_hooks(s.o, mode == 2, on_step, &s);
        if (sigsetjmp(s.jb, 0) == 0) {
            assert_int_equal(cs_outdir_commit(s.o, &err), CS_OK);
            cs_outdir_free(s.o);
            /* No signal: the hook was called fewer than k times; every step has been tried. */
            assert_true(s.calls < k);
            assert_string_equal(get(f), "new");
            assert_string_equal(listing(d), "res");
            assert_true(k > 2);
            return;
        }
        cs_outdir_free(s.o);
        const char *now = get(f);
        if (s.result == 1) {
            assert_non_null(now);
            assert_string_equal(now, "new");
        } else if (s.result == 0) {
            if (mode == 0) assert_null(now);
            else assert_string_equal(now, "old");
        } else {
            assert_non_null(now);
            assert_true(strcmp(now, "old") == 0 || strcmp(now, "new") == 0);
        }
        /* Nothing else is left beside the target. */
        assert_string_equal(listing(d), now ? "res" : "");
        if (now && strcmp(now, "new") == 0) {
            char c[700];
            snprintf(c, sizeof c, "%s/charts/a.svg", target);
            assert_string_equal(get(c), "chart");
        }
    }
}

static void test_signal_at_every_step_new_target(void **st)
{
    (void)st;
    commit_with_signal_at_every_step(0);
}

static void test_signal_at_every_step_exchange(void **st)
{
    (void)st;
    commit_with_signal_at_every_step(1);
}

static void test_signal_at_every_step_two_renames(void **st)
{
    (void)st;
    commit_with_signal_at_every_step(2);
}

/* ---- leftovers of killed processes ---- */

typedef struct killer {
    int at;
    int calls;
} killer;

static void kill_self(void *ud)
{
    killer *k = ud;
    if (++k->calls == k->at) raise(SIGKILL);
}

/* A child that begins an output folder at target, writes into it and is killed: before the
 * commit (step 0) or at step `at` of a two-rename commit. */
static void killed_child(const char *target, int force, int at)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        cs_outdir *o = NULL;
        cs_error err;
        if (cs_outdir_begin(target, force, NULL, NULL, &o, &err) != CS_OK) _exit(3);
        FILE *f = cs_outdir_open(o, "result.txt", NULL, 0, &err);
        if (!f) _exit(4);
        fputs("new", f);
        fclose(f);
        if (at == 0) raise(SIGKILL);
        killer k = {at, 0};
        cs_outdir_test_hooks(o, 1, kill_self, &k);
        cs_outdir_commit(o, &err);
        _exit(5);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

typedef struct notes {
    int n;
    char last[1024];
} notes;

static void note(void *ud, const char *msg)
{
    notes *n = ud;
    n->n++;
    snprintf(n->last, sizeof n->last, "%s", msg);
}

static void test_leftovers_of_killed_runs_are_recovered(void **st)
{
    (void)st;
    char d[512], target[600], other[600], f[700];
    fresh(d, sizeof d, "killed");
    snprintf(target, sizeof target, "%s/res", d);
    snprintf(other, sizeof other, "%s/other", d);
    snprintf(f, sizeof f, "%s/result.txt", target);

    /* Killed before the commit: a partial folder is left; the next run into the same parent
     * (for any name) removes it. */
    killed_child(target, 0, 0);
    assert_non_null(strstr(listing(d), ".res.partial-"));
    cs_outdir *o = NULL;
    cs_error err = {CS_OK, ""};
    notes n = {0, ""};
    assert_int_equal(cs_outdir_begin(other, 0, note, &n, &o, &err), CS_OK);
    cs_outdir_abort(o);
    assert_int_equal(n.n, 1);
    assert_non_null(strstr(n.last, "removed"));
    assert_string_equal(listing(d), "");

    /* Killed between the two renames of a replacement (old result moved aside, new one not
     * yet in): the next run puts the old result back under its name. */
    assert_int_equal(mkdir(target, 0777), 0);
    put(f, "old");
    killed_child(target, 1, 3);
    assert_null(get(f));
    n.n = 0;
    assert_int_equal(cs_outdir_begin(other, 0, note, &n, &o, &err), CS_OK);
    cs_outdir_abort(o);
    assert_int_equal(n.n, 2); /* restored the old result, removed the uncommitted new one */
    assert_string_equal(get(f), "old");
    assert_string_equal(listing(d), "res");

    /* Killed after the new result went in but before the old one was deleted: the old one is
     * removed and the new one stays. */
    killed_child(target, 1, 5);
    assert_string_equal(get(f), "new");
    assert_non_null(strstr(listing(d), ".res.old-"));
    n.n = 0;
    assert_int_equal(cs_outdir_begin(target, 1, note, &n, &o, &err), CS_OK);
    cs_outdir_abort(o);
    assert_int_equal(n.n, 1);
    assert_string_equal(get(f), "new");
    assert_string_equal(listing(d), "res");
}

/* A live process's temporary folder, a leftover of another machine and names the user made
 * are never touched. */
static void test_live_and_foreign_names_left_alone(void **st)
{
    (void)st;
    char d[512], target[600], p[800];
    fresh(d, sizeof d, "alive");
    snprintf(target, sizeof target, "%s/res", d);
    int pp[2];
    assert_int_equal(pipe(pp), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(pp[1]);
        cs_outdir *o = NULL;
        cs_error err;
        if (cs_outdir_begin(target, 0, NULL, NULL, &o, &err) != CS_OK) _exit(3);
        char c;
        if (read(pp[0], &c, 1) < 0) _exit(4); /* wait until the parent is done */
        cs_outdir_abort(o);
        _exit(0);
    }
    close(pp[0]);
    /* Wait for the child's folder to appear. */
    struct timespec ts = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 500 && !strstr(listing(d), ".res.partial-"); i++) nanosleep(&ts, NULL);
    assert_non_null(strstr(listing(d), ".res.partial-"));
    /* Foreign: another host's (pid 1 is never gone anyway: use a reaped child's pid) and
     * names that merely look alike. */
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, NULL, 0);
    snprintf(p, sizeof p, "%s/.res.partial-00000000-%ld-abcdef", d, (long)dead);
    assert_int_equal(mkdir(p, 0777), 0);
    snprintf(p, sizeof p, "%s/.res.partial-mine", d);
    assert_int_equal(mkdir(p, 0777), 0);
    snprintf(p, sizeof p, "%s/.res.old-1234", d);
    put(p, "user file");
    char before[4096];
    snprintf(before, sizeof before, "%s", listing(d));
    cs_outdir *o = NULL;
    cs_error err = {CS_OK, ""};
    notes n = {0, ""};
    char other[600];
    snprintf(other, sizeof other, "%s/other", d);
    assert_int_equal(cs_outdir_begin(other, 0, note, &n, &o, &err), CS_OK);
    cs_outdir_abort(o);
    assert_int_equal(n.n, 0);
    assert_string_equal(listing(d), before);
    assert_int_equal(write(pp[1], "x", 1), 1);
    close(pp[1]);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ---- single files ---- */

static void test_outfile(void **st)
{
    (void)st;
    char d[512], t[600], l[600], sub[600];
    fresh(d, sizeof d, "file");
    snprintf(t, sizeof t, "%s/fitted.yaml", d);
    snprintf(l, sizeof l, "%s/link.yaml", d);
    snprintf(sub, sizeof sub, "%s/sub", d);
    cs_outfile *o = NULL;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_outfile_begin(t, 0, NULL, NULL, &o, &err), CS_OK);
    fputs("name: x\n", cs_outfile_stream(o));
    assert_non_null(strstr(listing(d), ".fitted.yaml.partial-"));
    assert_int_equal(cs_outfile_commit(o, &err), CS_OK);
    cs_outfile_abort(o);
    assert_string_equal(get(t), "name: x\n");
    assert_string_equal(listing(d), "fitted.yaml");
    /* Exists: needs force; with force replaced. */
    assert_int_equal(cs_outfile_begin(t, 0, NULL, NULL, &o, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "--force"));
    assert_int_equal(cs_outfile_begin(t, 1, NULL, NULL, &o, &err), CS_OK);
    fputs("name: y\n", cs_outfile_stream(o));
    /* Aborted (an error, or a signal): the old file stays, no temporary file. */
    cs_outfile_cleanup_signal_safe(o);
    cs_outfile_abort(o);
    assert_string_equal(get(t), "name: x\n");
    assert_string_equal(listing(d), "fitted.yaml");
    /* Folders, links, devices, "." and names ending in '/' are refused. */
    assert_int_equal(mkdir(sub, 0777), 0);
    assert_int_equal(symlink("fitted.yaml", l), 0);
    const char *bad[] = {sub, l, "/dev/null", ".", "..", "x/", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o = NULL;
        if (cs_outfile_begin(bad[i], 1, NULL, NULL, &o, &err) != CS_EINPUT) fail_msg("accepted '%s'", bad[i]);
        assert_null(o);
    }
    assert_string_equal(get(t), "name: x\n");
    /* A killed writer's temporary file is removed by the next run. */
    pid_t pid = fork();
    if (pid == 0) {
        if (cs_outfile_begin(t, 1, NULL, NULL, &o, &err) != CS_OK) _exit(3);
        raise(SIGKILL);
    }
    waitpid(pid, NULL, 0);
    assert_non_null(strstr(listing(d), ".fitted.yaml.partial-"));
    notes n = {0, ""};
    assert_int_equal(cs_outfile_begin(t, 1, note, &n, &o, &err), CS_OK);
    cs_outfile_abort(o);
    assert_int_equal(n.n, 1);
    assert_string_equal(listing(d), "fitted.yaml|link.yaml|sub");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_is_refused_and_left_alone),
        cmocka_unit_test(test_many_files_unregistered_and_links),
        cmocka_unit_test(test_signal_at_every_step_new_target),
        cmocka_unit_test(test_signal_at_every_step_exchange),
        cmocka_unit_test(test_signal_at_every_step_two_renames),
        cmocka_unit_test(test_leftovers_of_killed_runs_are_recovered),
        cmocka_unit_test(test_live_and_foreign_names_left_alone),
        cmocka_unit_test(test_outfile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
