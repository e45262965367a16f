/* Output folders and files that are complete or absent: see outdir.h for the contract.
 *
 * The signal-safe parts never allocate and never use stdio: the temporary folder is removed by
 * walking it with getdents64 (readdir may allocate), the transaction's step is one
 * sig_atomic_t, and every path the handler needs is stored in the struct before it is needed. */
#define _GNU_SOURCE /* renameat2, syscall */
#include "io/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#define PATH_LEN 4096
/* Longest target name accepted: the temporary names add about 35 bytes and must stay under
 * NAME_MAX (255), and the name must survive intact so that a leftover can be put back. */
#define BASE_MAX 200

enum {
    OD_WRITING,    /* tmp holds the new result, uncommitted */
    OD_RENAMING,   /* renaming tmp onto an absent target */
    OD_EXCHANGING, /* atomic exchange in progress */
    OD_EXCHANGED,  /* new result in place; tmp holds the old one, being deleted */
    OD_ASIDE,      /* fallback: moving the old result aside and the new one in */
    OD_SWAPPED,    /* fallback: new result in place; old being deleted */
    OD_DONE
};

struct cs_outdir {
    char target[PATH_LEN];
    char parent[PATH_LEN];
    char base[BASE_MAX + 1];
    char tmp[PATH_LEN + 320];
    char old[PATH_LEN + 320];
    unsigned host;
    int force;
    volatile sig_atomic_t state;
    int no_exchange;            /* test hook: commit by two renames */
    void (*step)(void *ud);     /* test hook: called after each step of a commit */
    void *step_ud;
};

#define STEP(o) ((o)->step ? (o)->step((o)->step_ud) : (void)0)

struct cs_outfile {
    char target[PATH_LEN];
    char tmp[PATH_LEN + 320];
    FILE *f;
    int force;
    volatile sig_atomic_t done;
};

/* ---------------------------------------------------------------- removing a tree */

static int is_dot(const char *n) { return n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0)); }

#if defined(__linux__)
/* The kernel's record for getdents64. */
struct cs_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Empties the folder open on fd without following links.  Entries are deleted batch by batch,
 * rereading from the start after each batch (deleting while reading a directory can skip
 * entries).  depth bounds the recursion: callsim's own trees are two levels deep. */
static int empty_dir(int fd, int depth)
{
    if (depth > 16) return -1;
    int bad = 0;
    for (int pass = 0; pass < 1000000; pass++) {
        _Alignas(8) char buf[4096];
        if (lseek(fd, 0, SEEK_SET) < 0) return -1;
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n < 0) return -1;
        int seen = 0, removed = 0;
        for (long off = 0; off < n;) {
            struct cs_dirent64 *e = (struct cs_dirent64 *)(void *)(buf + off);
            off += e->d_reclen;
            if (is_dot(e->d_name)) continue;
            seen++;
            int isdir = e->d_type == DT_DIR;
            if (e->d_type == DT_UNKNOWN) {
                struct stat st;
                isdir = fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
            }
            if (isdir) {
                int sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub >= 0) {
                    if (empty_dir(sub, depth + 1) != 0) bad = 1;
                    close(sub);
                }
                if (unlinkat(fd, e->d_name, AT_REMOVEDIR) == 0) removed++;
            } else if (unlinkat(fd, e->d_name, 0) == 0) {
                removed++;
            }
        }
        if (seen == 0) return bad ? -1 : 0;
        if (removed == 0) return -1; /* what is left cannot be removed */
    }
    return -1;
}
#else
/* Elsewhere readdir is the only way to list a folder; it is not async-signal-safe, so a signal
 * there may leave the temporary folder for the next run to recover. */
static int empty_dir(int fd, int depth)
{
    if (depth > 16) return -1;
    int dfd = dup(fd);
    if (dfd < 0) return -1;
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return -1;
    }
    int bad = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (is_dot(e->d_name)) continue;
        struct stat st;
        if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
            int sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                if (empty_dir(sub, depth + 1) != 0) bad = 1;
                close(sub);
            }
            if (unlinkat(fd, e->d_name, AT_REMOVEDIR) != 0) bad = 1;
        } else if (unlinkat(fd, e->d_name, 0) != 0) {
            bad = 1;
        }
    }
    closedir(d);
    return bad ? -1 : 0;
}
#endif

int cs_outdir_remove_tree(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return 0;
        if (errno == ENOTDIR || errno == ELOOP) return unlink(path) == 0 ? 0 : -1;
        return -1;
    }
    int r = empty_dir(fd, 0);
    close(fd);
    if (rmdir(path) != 0 && errno != ENOENT) r = -1;
    return r;
}

/* ---------------------------------------------------------------- names */

static unsigned host_id(void)
{
    char name[256] = "";
    if (gethostname(name, sizeof name - 1) != 0) name[0] = 0;
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *p = name; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 16777619u;
    }
    return h;
}

/* Splits a target into parent folder and name, trailing slashes removed.  trailing_slash tells
 * whether the text ended in '/' (a file target must not). */
static cs_status split_target(const char *target, char *trimmed, char *parent, char *base, int *trailing_slash,
                              cs_error *err)
{
    size_t len = strlen(target);
    if (len == 0) return cs_error_set(err, CS_EINPUT, "the output name is empty");
    if (len >= PATH_LEN - 64) return cs_error_set(err, CS_EINPUT, "the output path is too long (%zu bytes)", len);
    memcpy(trimmed, target, len + 1);
    *trailing_slash = 0;
    while (len > 1 && trimmed[len - 1] == '/') {
        trimmed[--len] = 0;
        *trailing_slash = 1;
    }
    const char *slash = strrchr(trimmed, '/');
    const char *b = slash ? slash + 1 : trimmed;
    if (!slash)
        strcpy(parent, ".");
    else if (slash == trimmed)
        strcpy(parent, "/");
    else {
        memcpy(parent, trimmed, (size_t)(slash - trimmed));
        parent[slash - trimmed] = 0;
    }
    if (*b == 0 || strcmp(b, ".") == 0 || strcmp(b, "..") == 0)
        return cs_error_set(err, CS_EINPUT, "'%s' cannot be replaced: name a new folder or file, such as results", target);
    if (strlen(b) > BASE_MAX)
        return cs_error_set(err, CS_EINPUT, "the output name '%.40s...' is too long (at most %d bytes)", b, BASE_MAX);
    strcpy(base, b);
    return CS_OK;
}

/* A leftover's name: `.BASE.partial-HHHHHHHH-PID-XXXXXX` or `.BASE.old-...`. */
typedef struct leftover {
    int old;           /* 1: .old-, 0: .partial- */
    unsigned host;
    long pid;
    char base[BASE_MAX + 1];
} leftover;

static int is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static int parse_leftover(const char *name, leftover *l)
{
    size_t n = strlen(name);
    /* Shortest: ".b.old-" + 8 + "-" + 1 + "-" + 6 */
    if (n < 24 || name[0] != '.') return 0;
    size_t i = n - 6;
    for (size_t k = i; k < n; k++)
        if (!is_alnum(name[k])) return 0;
    if (name[--i] != '-') return 0;
    size_t pid_end = i;
    while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9') i--;
    if (i == pid_end || pid_end - i > 10) return 0;
    long pid = 0;
    for (size_t k = i; k < pid_end; k++) pid = pid * 10 + (name[k] - '0');
    if (i < 10 || name[--i] != '-') return 0;
    unsigned host = 0;
    for (size_t k = i - 8; k < i; k++) {
        int v = hexval(name[k]);
        if (v < 0) return 0;
        host = host * 16 + (unsigned)v;
    }
    i -= 8;
    if (name[--i] != '-') return 0;
    size_t base_end;
    if (i >= 9 && memcmp(name + i - 8, ".partial", 8) == 0) {
        l->old = 0;
        base_end = i - 8;
    } else if (i >= 5 && memcmp(name + i - 4, ".old", 4) == 0) {
        l->old = 1;
        base_end = i - 4;
    } else {
        return 0;
    }
    if (base_end <= 1 || base_end - 1 > BASE_MAX) return 0;
    memcpy(l->base, name + 1, base_end - 1);
    l->base[base_end - 1] = 0;
    l->host = host;
    l->pid = pid;
    return 1;
}

static int process_gone(long pid)
{
    if (pid <= 0 || pid == (long)getpid()) return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Passes one sentence to the caller's note callback. */
static void note_f(cs_outdir_note_fn *note, void *ud, const char *what, const char *path, long pid, const char *why)
{
    if (!note) return;
    char msg[2 * PATH_LEN];
    snprintf(msg, sizeof msg, "%s '%s', %s (process %ld)", what, path, why, pid);
    note(ud, msg);
}

/* Recovers callsim's own leftovers in parent (see outdir.h).  Best effort: a leftover that
 * cannot be handled is left as it is. */
static void recover(const char *parent, unsigned host, cs_outdir_note_fn *note, void *ud)
{
    DIR *d = opendir(parent);
    if (!d) return;
    /* Names first, actions after: renaming and deleting while reading a folder can skip entries. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        leftover l;
        if (!parse_leftover(e->d_name, &l) || l.host != host || !process_gone(l.pid)) continue;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 8;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn) break;
            names = nn;
            cap = nc;
        }
        if (!(names[n] = strdup(e->d_name))) break;
        n++;
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        leftover l;
        parse_leftover(names[i], &l);
        char path[PATH_LEN + 300], orig[PATH_LEN + 300];
        snprintf(path, sizeof path, "%s/%s", parent, names[i]);
        snprintf(orig, sizeof orig, "%s/%s", parent, l.base);
        struct stat st;
        if (lstat(path, &st) != 0 || st.st_uid != geteuid()) continue;
        if (l.old && S_ISDIR(st.st_mode)) {
            struct stat ot;
            if (lstat(orig, &ot) != 0 && errno == ENOENT) {
                if (rename(path, orig) == 0)
                    note_f(note, ud, "restored", orig, l.pid, "the previous result, which an interrupted run had moved aside");
            } else if (cs_outdir_remove_tree(path) == 0) {
                note_f(note, ud, "removed", path, l.pid, "a replaced result left by an interrupted run");
            }
        } else if (!l.old && S_ISDIR(st.st_mode)) {
            if (cs_outdir_remove_tree(path) == 0)
                note_f(note, ud, "removed", path, l.pid, "left incomplete by a run that was killed");
        } else if (!l.old && S_ISREG(st.st_mode)) {
            if (unlink(path) == 0)
                note_f(note, ud, "removed", path, l.pid, "left incomplete by a run that was killed");
        }
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

/* Errors about the place the user named are input errors (exit 2); the rest are the machine's. */
static cs_status errno_status(int e)
{
    return e == EACCES || e == EPERM || e == EROFS || e == ENOTDIR || e == ENOENT || e == ELOOP ||
                   e == ENAMETOOLONG || e == EEXIST || e == EISDIR
               ? CS_EINPUT
               : CS_EIO;
}

static cs_status check_parent(const char *parent, const char *target, cs_error *err)
{
    struct stat st;
    if (stat(parent, &st) != 0)
        return cs_error_set(err, errno_status(errno), "cannot create '%s': folder '%s' %s", target, parent,
                            errno == ENOENT ? "does not exist" : strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return cs_error_set(err, CS_EINPUT, "cannot create '%s': '%s' is not a folder", target, parent);
    return CS_OK;
}

/* ---------------------------------------------------------------- folders */

cs_status cs_outdir_begin(const char *target, int force, cs_outdir_note_fn *note, void *note_ud, cs_outdir **out,
                          cs_error *err)
{
    *out = NULL;
    cs_outdir *o = calloc(1, sizeof *o);
    if (!o) return cs_error_set(err, CS_ENOMEM, "out of memory");
    int slash;
    cs_status rc = split_target(target, o->target, o->parent, o->base, &slash, err);
    if (rc == CS_OK) rc = check_parent(o->parent, o->target, err);
    if (rc != CS_OK) {
        free(o);
        return rc;
    }
    o->force = force;
    o->host = host_id();
    recover(o->parent, o->host, note, note_ud);
    struct stat st;
    if (lstat(o->target, &st) == 0) {
        if (S_ISLNK(st.st_mode))
            rc = cs_error_set(err, CS_EINPUT,
                              "'%s' is a symbolic link; callsim neither replaces a link nor writes into the folder it "
                              "points to: give the folder's own path, or a new name",
                              o->target);
        else if (!force)
            rc = cs_error_set(err, CS_EINPUT,
                              "output folder '%s' already exists; choose another name or add --force to replace it",
                              o->target);
        else if (!S_ISDIR(st.st_mode))
            rc = cs_error_set(err, CS_EINPUT, "'%s' exists and is not a folder; it will not be replaced", o->target);
    } else if (errno != ENOENT) {
        rc = cs_error_set(err, errno_status(errno), "cannot use '%s': %s", o->target, strerror(errno));
    }
    if (rc == CS_OK) {
        snprintf(o->tmp, sizeof o->tmp, "%s/.%s.partial-%08x-%ld-XXXXXX", o->parent, o->base, o->host, (long)getpid());
        if (!mkdtemp(o->tmp))
            rc = cs_error_set(err, errno_status(errno), "cannot create a folder in '%s': %s", o->parent, strerror(errno));
    }
    if (rc != CS_OK) {
        free(o);
        return rc;
    }
    /* mkdtemp makes the folder private (0700); results are ordinary files, so give the folder
     * the permissions any new folder would get under the user's umask. */
    mode_t mask = umask(0);
    umask(mask);
    chmod(o->tmp, 0777 & ~mask);
    o->state = OD_WRITING;
    *out = o;
    return CS_OK;
}

const char *cs_outdir_tmp(const cs_outdir *o) { return o->tmp; }

cs_status cs_outdir_prepare(cs_outdir *o, const char *relpath, char *path_out, size_t n, cs_error *err)
{
    char path[PATH_LEN + 600];
    if (strlen(relpath) > 250 || relpath[0] == '/')
        return cs_error_set(err, CS_EINTERNAL, "bad output file name: %s", relpath);
    snprintf(path, sizeof path, "%s/%s", o->tmp, relpath);
    /* Create intermediate folders (charts/). */
    for (char *p = path + strlen(o->tmp) + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            cs_error_set(err, CS_EIO, "cannot create folder %s: %s", path, strerror(errno));
            *p = '/';
            return CS_EIO;
        }
        *p = '/';
    }
    if (path_out) snprintf(path_out, n, "%s", path);
    return CS_OK;
}

FILE *cs_outdir_open(cs_outdir *o, const char *relpath, char *path_out, size_t n, cs_error *err)
{
    char path[PATH_LEN + 600];
    if (cs_outdir_prepare(o, relpath, path, sizeof path, err) != CS_OK) return NULL;
    FILE *f = fopen(path, "w");
    if (!f) {
        cs_error_set(err, CS_EIO, "cannot write %s: %s", path, strerror(errno));
        return NULL;
    }
    if (path_out) snprintf(path_out, n, "%s", path);
    return f;
}

/* rename() that refuses to replace an existing target where the system can say so. */
static int rename_noreplace(const char *from, const char *to)
{
#if defined(__linux__) && defined(RENAME_NOREPLACE)
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP && errno != EOPNOTSUPP) return -1;
#endif
    struct stat st;
    if (lstat(to, &st) == 0) {
        errno = EEXIST;
        return -1;
    }
    return rename(from, to);
}

static int exchange(const char *a, const char *b)
{
#if defined(__linux__) && defined(RENAME_EXCHANGE)
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
    (void)a;
    (void)b;
    errno = ENOSYS;
    return -1;
#endif
}

/* Without an atomic exchange: old result aside, new one in, old one deleted. */
static cs_status commit_by_two_renames(cs_outdir *o, cs_error *err)
{
    snprintf(o->old, sizeof o->old, "%s/.%s.old-%08x-%ld-XXXXXX", o->parent, o->base, o->host, (long)getpid());
    if (!mkdtemp(o->old)) return cs_error_set(err, CS_EIO, "cannot move old '%s' aside: %s", o->target, strerror(errno));
    rmdir(o->old);
    o->state = OD_ASIDE;
    STEP(o);
    if (rename(o->target, o->old) != 0) {
        o->state = OD_WRITING;
        return cs_error_set(err, CS_EIO, "cannot move old '%s' aside: %s", o->target, strerror(errno));
    }
    STEP(o);
    if (rename(o->tmp, o->target) != 0) {
        int e = errno;
        rename(o->old, o->target); /* put the good result back */
        o->state = OD_WRITING;
        return cs_error_set(err, CS_EIO, "cannot rename results into '%s': %s", o->target, strerror(e));
    }
    STEP(o);
    o->state = OD_SWAPPED;
    STEP(o);
    cs_outdir_remove_tree(o->old);
    o->state = OD_DONE;
    return CS_OK;
}

cs_status cs_outdir_commit(cs_outdir *o, cs_error *err)
{
    struct stat st;
    if (lstat(o->target, &st) != 0) {
        if (errno != ENOENT) return cs_error_set(err, CS_EIO, "cannot use '%s': %s", o->target, strerror(errno));
        o->state = OD_RENAMING;
        STEP(o);
        if (rename_noreplace(o->tmp, o->target) != 0) {
            int e = errno;
            o->state = OD_WRITING;
            if (e == EEXIST || e == ENOTEMPTY)
                return cs_error_set(err, CS_EINPUT, "output folder '%s' appeared while running; not replaced", o->target);
            return cs_error_set(err, CS_EIO, "cannot rename results into '%s': %s", o->target, strerror(e));
        }
        STEP(o);
        o->state = OD_DONE;
        return CS_OK;
    }
    if (!o->force)
        return cs_error_set(err, CS_EINPUT, "output folder '%s' appeared while running; not replaced", o->target);
    if (S_ISLNK(st.st_mode))
        return cs_error_set(err, CS_EINPUT, "'%s' became a symbolic link while running; not replaced", o->target);
    if (!S_ISDIR(st.st_mode))
        return cs_error_set(err, CS_EINPUT, "'%s' is no longer a folder; not replaced", o->target);
    o->state = OD_EXCHANGING;
    STEP(o);
    if (!o->no_exchange && exchange(o->tmp, o->target) == 0) {
        STEP(o);
        o->state = OD_EXCHANGED;
        STEP(o);
        cs_outdir_remove_tree(o->tmp); /* the old result, now under the temporary name */
        o->state = OD_DONE;
        return CS_OK;
    }
    int e = o->no_exchange ? EINVAL : errno;
    o->state = OD_WRITING;
    if (e != EINVAL && e != ENOSYS && e != ENOTSUP && e != EOPNOTSUPP)
        return cs_error_set(err, CS_EIO, "cannot replace '%s': %s", o->target, strerror(e));
    return commit_by_two_renames(o, err);
}

int cs_outdir_cleanup_signal_safe(const cs_outdir *o)
{
    if (!o) return 0;
    struct stat st;
    switch (o->state) {
    case OD_WRITING:
        cs_outdir_remove_tree(o->tmp);
        return 0;
    case OD_RENAMING:
        if (lstat(o->tmp, &st) != 0) return 1;
        cs_outdir_remove_tree(o->tmp);
        return 0;
    case OD_EXCHANGING:
        /* Both names exist before and after the exchange: whichever result the temporary name
         * holds now is the one not wanted any more. */
        cs_outdir_remove_tree(o->tmp);
        return -1;
    case OD_EXCHANGED:
        cs_outdir_remove_tree(o->tmp);
        return 1;
    case OD_ASIDE:
        if (lstat(o->tmp, &st) == 0) {
            if (lstat(o->target, &st) != 0 && errno == ENOENT) rename(o->old, o->target);
            cs_outdir_remove_tree(o->tmp);
            return 0;
        }
        cs_outdir_remove_tree(o->old);
        return 1;
    case OD_SWAPPED:
        cs_outdir_remove_tree(o->old);
        return 1;
    default:
        return 1;
    }
}

void cs_outdir_abort(cs_outdir *o)
{
    if (!o) return;
    if (o->state == OD_WRITING) cs_outdir_remove_tree(o->tmp);
    free(o);
}

void cs_outdir_free(cs_outdir *o) { free(o); }

void cs_outdir_test_hooks(cs_outdir *o, int no_exchange, void (*step)(void *ud), void *ud)
{
    o->no_exchange = no_exchange;
    o->step = step;
    o->step_ud = ud;
}

/* ---------------------------------------------------------------- single files */

cs_status cs_outfile_begin(const char *target, int force, cs_outdir_note_fn *note, void *note_ud, cs_outfile **out,
                           cs_error *err)
{
    *out = NULL;
    cs_outfile *o = calloc(1, sizeof *o);
    char *parent = malloc(PATH_LEN), *base = malloc(BASE_MAX + 1);
    if (!o || !parent || !base) {
        free(o);
        free(parent);
        free(base);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    int slash = 0;
    cs_status rc = split_target(target, o->target, parent, base, &slash, err);
    if (rc == CS_OK && slash)
        rc = cs_error_set(err, CS_EINPUT, "'%s' names a folder; give a file name such as fitted.yaml", target);
    if (rc == CS_OK) rc = check_parent(parent, o->target, err);
    unsigned host = host_id();
    if (rc == CS_OK) recover(parent, host, note, note_ud);
    struct stat st;
    if (rc == CS_OK && lstat(o->target, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            rc = cs_error_set(err, CS_EINPUT, "'%s' is a folder; give a file name such as fitted.yaml", o->target);
        else if (S_ISLNK(st.st_mode))
            rc = cs_error_set(err, CS_EINPUT,
                              "'%s' is a symbolic link; callsim neither replaces a link nor writes through it: give "
                              "the file's own path, or a new name",
                              o->target);
        else if (!S_ISREG(st.st_mode))
            rc = cs_error_set(err, CS_EINPUT, "'%s' exists and is not a regular file; it will not be replaced", o->target);
        else if (!force)
            rc = cs_error_set(err, CS_EINPUT, "output file '%s' exists; choose another name or add --force", o->target);
    } else if (rc == CS_OK && errno != ENOENT) {
        rc = cs_error_set(err, errno_status(errno), "cannot use '%s': %s", o->target, strerror(errno));
    }
    int fd = -1;
    if (rc == CS_OK) {
        snprintf(o->tmp, sizeof o->tmp, "%s/.%s.partial-%08x-%ld-XXXXXX", parent, base, host, (long)getpid());
        fd = mkstemp(o->tmp);
        if (fd < 0)
            rc = cs_error_set(err, errno_status(errno), "cannot create a file in '%s': %s", parent, strerror(errno));
    }
    free(parent);
    free(base);
    if (rc != CS_OK) {
        free(o);
        return rc;
    }
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask); /* mkstemp makes it private; a scenario is for sharing */
    o->f = fdopen(fd, "w");
    if (!o->f) {
        close(fd);
        unlink(o->tmp);
        free(o);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    o->force = force;
    *out = o;
    return CS_OK;
}

FILE *cs_outfile_stream(cs_outfile *o) { return o->f; }

cs_status cs_outfile_commit(cs_outfile *o, cs_error *err)
{
    int bad = fflush(o->f) != 0 || ferror(o->f);
    int e = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (bad) return cs_error_set(err, CS_EIO, "cannot write %s: %s", o->target, e ? strerror(e) : "write error");
    int r = o->force ? rename(o->tmp, o->target) : rename_noreplace(o->tmp, o->target);
    if (r != 0) {
        e = errno;
        if (e == EEXIST) return cs_error_set(err, CS_EINPUT, "output file '%s' appeared while running; not replaced", o->target);
        return cs_error_set(err, CS_EIO, "cannot rename the result onto %s: %s", o->target, strerror(e));
    }
    o->done = 1;
    return CS_OK;
}

void cs_outfile_abort(cs_outfile *o)
{
    if (!o) return;
    if (o->f) fclose(o->f);
    if (!o->done) unlink(o->tmp);
    free(o);
}

void cs_outfile_cleanup_signal_safe(const cs_outfile *o)
{
    if (o && !o->done) unlink(o->tmp);
}
