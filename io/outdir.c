#include "io/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ENTRIES 512
#define PATH_LEN 1200

struct cs_outdir {
    char target[PATH_LEN];
    char tmp[PATH_LEN];
    int force;
    /* Created files and folders, deepest last, so removal in reverse order works. */
    char entries[MAX_ENTRIES][PATH_LEN];
    int is_dir[MAX_ENTRIES];
    volatile int n;
};

static void split_parent(const char *path, char *parent, size_t n, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(parent, n, ".");
        *base = path;
    } else if (slash == path) {
        snprintf(parent, n, "/");
        *base = slash + 1;
    } else {
        snprintf(parent, n, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
}

static int record(cs_outdir *o, const char *path, int is_dir)
{
    if (o->n >= MAX_ENTRIES || strlen(path) >= PATH_LEN) return -1;
    memcpy(o->entries[o->n], path, strlen(path) + 1);
    o->is_dir[o->n] = is_dir;
    o->n++;
    return 0;
}

cs_status cs_outdir_begin(const char *target, int force, cs_outdir **out, cs_error *err)
{
    *out = NULL;
    char trimmed[PATH_LEN];
    if (strlen(target) > 900) return cs_error_set(err, CS_EINPUT, "output folder name is too long");
    snprintf(trimmed, sizeof trimmed, "%s", target);
    size_t len = strlen(trimmed);
    while (len > 1 && trimmed[len - 1] == '/') trimmed[--len] = 0;
    if (len == 0) return cs_error_set(err, CS_EINPUT, "output folder name is empty");
    struct stat st;
    if (stat(trimmed, &st) == 0) {
        if (!force)
            return cs_error_set(err, CS_EINPUT,
                                "output folder '%s' already exists; choose another name or add --force to replace it",
                                trimmed);
        if (!S_ISDIR(st.st_mode))
            return cs_error_set(err, CS_EINPUT, "'%s' exists and is not a folder; it will not be replaced", trimmed);
    }
    cs_outdir *o = calloc(1, sizeof *o);
    if (!o) return cs_error_set(err, CS_ENOMEM, "out of memory");
    snprintf(o->target, sizeof o->target, "%s", trimmed);
    o->force = force;
    char parent[960];
    const char *base;
    split_parent(o->target, parent, sizeof parent, &base);
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cs_error_set(err, CS_EIO, "cannot create '%s': folder '%s' does not exist", o->target, parent);
        free(o);
        return CS_EIO;
    }
    snprintf(o->tmp, sizeof o->tmp, "%.960s/.%.200s.partial-XXXXXX", parent, base);
    if (!mkdtemp(o->tmp)) {
        cs_error_set(err, CS_EIO, "cannot create a folder in '%s': %s", parent, strerror(errno));
        free(o);
        return CS_EIO;
    }
    /* mkdtemp makes the folder private (0700); results are ordinary files, so give the folder
     * the permissions any new folder would get under the user's umask. */
    mode_t mask = umask(0);
    umask(mask);
    chmod(o->tmp, 0777 & ~mask);
    record(o, o->tmp, 1);
    *out = o;
    return CS_OK;
}

const char *cs_outdir_tmp(const cs_outdir *o) { return o->tmp; }

cs_status cs_outdir_prepare(cs_outdir *o, const char *relpath, char *path_out, size_t n, cs_error *err)
{
    char path[PATH_LEN + 256];
    if (strlen(relpath) > 200) return cs_error_set(err, CS_EIO, "output file name too long: %s", relpath);
    snprintf(path, sizeof path, "%s/%s", o->tmp, relpath);
    /* Create intermediate folders (charts/). */
    for (char *p = path + strlen(o->tmp) + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        struct stat st;
        if (stat(path, &st) != 0) {
            if (mkdir(path, 0777) != 0) {
                cs_error_set(err, CS_EIO, "cannot create folder %s: %s", path, strerror(errno));
                *p = '/';
                return CS_EIO;
            }
            if (record(o, path, 1) != 0) return cs_error_set(err, CS_EIO, "too many output files");
        }
        *p = '/';
    }
    if (record(o, path, 0) != 0) return cs_error_set(err, CS_EIO, "too many output files");
    if (path_out) snprintf(path_out, n, "%s", path);
    return CS_OK;
}

FILE *cs_outdir_open(cs_outdir *o, const char *relpath, char *path_out, size_t n, cs_error *err)
{
    char path[PATH_LEN + 256];
    if (cs_outdir_prepare(o, relpath, path, sizeof path, err) != CS_OK) return NULL;
    FILE *f = fopen(path, "w");
    if (!f) {
        cs_error_set(err, CS_EIO, "cannot write %s: %s", path, strerror(errno));
        return NULL;
    }
    if (path_out) snprintf(path_out, n, "%s", path);
    return f;
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *e;
    char child[PATH_LEN + 300];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(child);
        else
            unlink(child);
    }
    closedir(d);
    rmdir(path);
}

cs_status cs_outdir_commit(cs_outdir *o, cs_error *err)
{
    struct stat st;
    char old[PATH_LEN + 64] = "";
    if (stat(o->target, &st) == 0) {
        if (!o->force)
            return cs_error_set(err, CS_EINPUT, "output folder '%s' appeared while running; not replaced", o->target);
        char parent[960];
        const char *base;
        split_parent(o->target, parent, sizeof parent, &base);
        snprintf(old, sizeof old, "%.960s/.%.200s.old-XXXXXX", parent, base);
        if (!mkdtemp(old)) return cs_error_set(err, CS_EIO, "cannot move old '%s' aside: %s", o->target, strerror(errno));
        rmdir(old);
        if (rename(o->target, old) != 0)
            return cs_error_set(err, CS_EIO, "cannot move old '%s' aside: %s", o->target, strerror(errno));
    }
    if (rename(o->tmp, o->target) != 0) {
        int e = errno;
        if (old[0]) rename(old, o->target);   /* put the good result back */
        return cs_error_set(err, CS_EIO, "cannot rename results into '%s': %s", o->target, strerror(e));
    }
    o->n = 0;
    if (old[0]) remove_tree(old);
    return CS_OK;
}

void cs_outdir_cleanup_signal_safe(const cs_outdir *o)
{
    if (!o) return;
    for (int i = o->n; i-- > 0;) {
        if (o->is_dir[i])
            rmdir(o->entries[i]);
        else
            unlink(o->entries[i]);
    }
}

void cs_outdir_abort(cs_outdir *o)
{
    if (!o) return;
    if (o->n > 0) remove_tree(o->tmp);
    free(o);
}

void cs_outdir_free(cs_outdir *o) { free(o); }
