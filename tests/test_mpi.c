/* Tests for runs spread over MPI ranks (sim/rep.h "Many machines", sim/rep_share.c,
 * sim/rep_mpi.c, models/repstats pack/unpack, cli/dist.c).
 *
 * In every build: several ranks simulated in one process through the transport-free layer
 * (sim/rep_int.h): each "rank" has its own storage and thread count, runs its share, and
 * reads every rank's message; every rank must then hold the bytes a single run holds, with
 * the same status and message, whatever the number of ranks.  And a replication's raw sums
 * must survive packing bit for bit.
 *
 * In an MPI build (make check MPI=1) also the real thing, through mpirun: `run`, `compare`,
 * `sweep`, `sensitivity`, `calibrate`, `staff` and a national `run` with 1, 2 and 3 ranks give
 * the bytes of a single process (the printed output, every file of --out and -o); a rank that
 * dies ends the job with a non-zero status, no hang and no output folder (which for the what-if
 * commands, staff and national runs also shows that their runs are shared between ranks: the
 * test switch acts only in a shared run); staff's rosters are rank 0's on every rank; a rank
 * that cannot read its scenario, or a rank 0 that refuses the output folder, ends the job with
 * status 2 and the reason shown; commands that do not spread run once, on rank 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "io/scenario.h"
#include "models/repstats.h"
#include "models/run.h"
#include "sim/rep.h"
#include "sim/rep_int.h"

/* ------------------------------------------------------------------ a plan with parts */

#define R 11   /* replications */
#define P 4    /* parts */
#define K 3    /* doubles each item writes */
#define MAX_RANKS 6
#define NONE UINT32_MAX

typedef struct store {
    double item[R][P][K];
    double total[R];        /* done(): depends on every part, in order */
    int done_calls[R];
} store;

typedef struct sim_ud {
    store *s;
    uint32_t fail_rep, fail_part;   /* this item fails */
    uint32_t fail_done;             /* this replication's done() fails */
    uint32_t fail_pack;             /* packing this replication's part 0 fails */
    int unpack_short;               /* unpack reads one double too few */
} sim_ud;

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static cs_status sim_run(void *ud, int worker, uint32_t rep, uint32_t part, cs_error *err)
{
    (void)worker;
    sim_ud *u = ud;
    if (rep == u->fail_rep && part == u->fail_part)
        return cs_error_set(err, CS_EIO, "replication %u part %u failed", rep, part);
    for (uint64_t k = 0; k < K; k++)
        u->s->item[rep][part][k] = (double)(mix((uint64_t)rep * 1000003u + (uint64_t)part * 101u + k) >> 11) * 0x1p-53;
    return CS_OK;
}

static cs_status sim_done(void *ud, int worker, uint32_t rep, cs_error *err)
{
    (void)worker;
    sim_ud *u = ud;
    u->s->done_calls[rep]++;
    if (rep == u->fail_done) return cs_error_set(err, CS_EDOM, "replication %u: totals failed", rep);
    double t = 0;
    for (int p = 0; p < P; p++) t = t * 1.5 + u->s->item[rep][p][0] + u->s->item[rep][p][K - 1];
    u->s->total[rep] = t;
    return CS_OK;
}

static cs_status sim_pack(void *ud, uint32_t rep, uint32_t part, cs_rep_pack *out, cs_error *err)
{
    sim_ud *u = ud;
    if (rep == u->fail_pack && part == 0) return cs_error_set(err, CS_EIO, "cannot pack replication %u", rep);
    cs_rep_pack_put(out, u->s->item[rep][part], sizeof u->s->item[rep][part]);
    return CS_OK;
}

static cs_status sim_unpack(void *ud, uint32_t rep, uint32_t part, cs_rep_unpack *in, cs_error *err)
{
    (void)err;
    sim_ud *u = ud;
    size_t n = sizeof u->s->item[rep][part];
    if (u->unpack_short) n -= sizeof(double);
    cs_rep_unpack_get(in, u->s->item[rep][part], n);
    return CS_OK;
}

static const double costs[P] = {2, 9, 1, 9};

static void sim_plan(cs_rep_plan *pl, sim_ud *u, const double *cost, int workers)
{
    memset(pl, 0, sizeof *pl);
    pl->n_reps = R;
    pl->n_parts = P;
    pl->part_cost = cost;
    pl->n_workers = workers;
    pl->run = sim_run;
    pl->done = sim_done;
    pl->ud = u;
    pl->pack = sim_pack;
    pl->unpack = sim_unpack;
}

static void sim_ud_init(sim_ud *u, store *s)
{
    memset(s, 0, sizeof *s);
    u->s = s;
    u->fail_rep = u->fail_part = u->fail_done = u->fail_pack = NONE;
    u->unpack_short = 0;
}

/* The whole plan in one process: the reference. */
static cs_status single(const sim_ud *tmpl, store *s, const double *cost, cs_error *err)
{
    sim_ud u = *tmpl;
    u.s = s;
    memset(s, 0, sizeof *s);
    cs_rep_plan pl;
    sim_plan(&pl, &u, cost, 2);
    return cs_rep_exec(&pl, err);
}

/* n "ranks" in this process: each with its own storage and thread count (1, 2, 3 ...), its
 * share run and packed, then every rank reads every message.  st[r], err[r] per rank.
 * corrupt: the first byte of rank `corrupt`'s message is changed before anyone reads it. */
static void simulate(int n, const sim_ud *tmpl, const double *cost, store *s, cs_status *st, cs_error *err,
                     int corrupt)
{
    sim_ud u[MAX_RANKS];
    cs_rep_plan pl[MAX_RANKS];
    cs_rep_work w[MAX_RANKS];
    cs_rep_msg msg[MAX_RANKS];
    const unsigned char *bytes[MAX_RANKS];
    uint64_t lens[MAX_RANKS];
    int owner[R * P];
    assert_true(n >= 1 && n <= MAX_RANKS);
    memset(w, 0, sizeof w);
    for (int r = 0; r < n; r++) {
        u[r] = *tmpl;
        u[r].s = &s[r];
        memset(&s[r], 0, sizeof s[r]);
        sim_plan(&pl[r], &u[r], cost, 1 + r % 3);
        assert_int_equal(cs_rep_work_init(&w[r], &pl[r], NULL), CS_OK);
    }
    assert_int_equal(cs_rep_share_assign(&w[0], n, owner, NULL), CS_OK);
    for (int r = 0; r < n; r++) {
        cs_rep_share_run(&w[r], owner, r, &msg[r]);
        bytes[r] = cs_rep_msg_bytes(&msg[r]);
        lens[r] = msg[r].len;
    }
    if (corrupt >= 0 && corrupt < n) ((unsigned char *)bytes[corrupt])[0] ^= 0xFF;
    for (int r = 0; r < n; r++) {
        uint64_t key;
        err[r] = (cs_error){CS_OK, ""};
        st[r] = cs_rep_share_finish(&w[r], owner, r, n, bytes, lens, &key, &err[r]);
        assert_true((st[r] == CS_OK) == (key == CS_REP_NO_FAIL));
    }
    for (int r = 0; r < n; r++) {
        cs_rep_msg_free(&msg[r]);
        cs_rep_work_fini(&w[r]);
    }
}

/* Every rank ends with the bytes of a single run, whatever the number of ranks and their
 * threads, with costs or without; done() ran once per replication on every rank. */
static void test_share_equals_single_run(void **state)
{
    (void)state;
    static store ref, s[MAX_RANKS];
    sim_ud t;
    sim_ud_init(&t, &ref);
    for (int c = 0; c < 2; c++) {
        const double *cost = c ? costs : NULL;
        assert_int_equal(single(&t, &ref, cost, NULL), CS_OK);
        for (int n = 1; n <= MAX_RANKS; n++) {
            cs_status st[MAX_RANKS];
            cs_error err[MAX_RANKS];
            simulate(n, &t, cost, s, st, err, -1);
            for (int r = 0; r < n; r++) {
                assert_int_equal(st[r], CS_OK);
                assert_memory_equal(s[r].item, ref.item, sizeof ref.item);
                assert_memory_equal(s[r].total, ref.total, sizeof ref.total);
                for (int i = 0; i < R; i++) assert_int_equal(s[r].done_calls[i], 1);
            }
        }
    }
}

/* Every item has one rank; item 0 is rank 0's; equal items spread evenly, costly ones so
 * that no rank has more than one item's cost above another. */
static void test_share_assign(void **state)
{
    (void)state;
    static store s;
    sim_ud u;
    sim_ud_init(&u, &s);
    for (int c = 0; c < 2; c++) {
        cs_rep_plan pl;
        sim_plan(&pl, &u, c ? costs : NULL, 1);
        cs_rep_work w;
        assert_int_equal(cs_rep_work_init(&w, &pl, NULL), CS_OK);
        for (int n = 1; n <= 7; n++) {
            int owner[R * P];
            double load[8] = {0};
            int count[8] = {0};
            assert_int_equal(cs_rep_share_assign(&w, n, owner, NULL), CS_OK);
            assert_int_equal(owner[0], 0);
            for (int i = 0; i < R * P; i++) {
                assert_true(owner[i] >= 0 && owner[i] < n);
                load[owner[i]] += c ? costs[w.order[i / R]] : 1;
                count[owner[i]]++;
            }
            double lo = 1e9, hi = 0;
            for (int r = 0; r < n; r++) {
                lo = fmin(lo, load[r]);
                hi = fmax(hi, load[r]);
            }
            assert_true(hi - lo <= (c ? 9 : 1));
        }
        cs_rep_work_fini(&w);
    }
}

/* Failures: the same first failure in (rep, part) order on every rank as in a single run; a
 * failing part's replication gets no done(), the others do. */
static void test_share_failures(void **state)
{
    (void)state;
    static store ref, s[MAX_RANKS];
    sim_ud t;
    struct {
        uint32_t rep, part, done, pack;
        const char *want;
    } cases[] = {
        {7, 2, NONE, NONE, "replication 7 part 2 failed"},
        {7, 2, 3, NONE, "replication 3: totals failed"},     /* done of 3 comes before rep 7 */
        {2, 3, 5, NONE, "replication 2 part 3 failed"},
        {NONE, NONE, 9, NONE, "replication 9: totals failed"},
        {NONE, NONE, NONE, 4, "cannot pack replication 4"},  /* only a distributed run packs */
        {6, 1, NONE, 4, "cannot pack replication 4"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        sim_ud_init(&t, &ref);
        t.fail_rep = cases[c].rep;
        t.fail_part = cases[c].part;
        t.fail_done = cases[c].done;
        cs_error e1 = {CS_OK, ""};
        cs_status s1 = single(&t, &ref, costs, &e1);
        t.fail_pack = cases[c].pack;
        for (int n = 2; n <= 4; n++) {
            cs_status st[MAX_RANKS];
            cs_error err[MAX_RANKS];
            simulate(n, &t, costs, s, st, err, -1);
            for (int r = 0; r < n; r++) {
                assert_int_not_equal(st[r], CS_OK);
                assert_string_equal(err[r].msg, cases[c].want);
                if (cases[c].pack == NONE) {
                    assert_int_equal(st[r], s1);
                    assert_string_equal(err[r].msg, e1.msg);
                }
                for (uint32_t i = 0; i < R; i++) {
                    int complete = i != cases[c].rep && i != cases[c].pack;
                    assert_int_equal(s[r].done_calls[i], complete);
                    if (complete && i != cases[c].done) assert_true(s[r].total[i] == ref.total[i]);
                }
            }
        }
    }
}

/* Bytes that do not read back are reported, never misread: an unpack that leaves bytes, and
 * a message that is not one. */
static void test_share_bad_bytes(void **state)
{
    (void)state;
    static store s[MAX_RANKS];
    static store ref;
    sim_ud t;
    sim_ud_init(&t, &ref);
    t.unpack_short = 1;
    cs_status st[MAX_RANKS];
    cs_error err[MAX_RANKS];
    simulate(3, &t, NULL, s, st, err, -1);
    for (int r = 0; r < 3; r++) {
        assert_int_equal(st[r], CS_EINTERNAL);
        assert_non_null(strstr(err[r].msg, "read fewer bytes than were packed"));
    }
    sim_ud_init(&t, &ref);
    simulate(3, &t, NULL, s, st, err, 2);
    for (int r = 0; r < 3; r++) {
        assert_int_equal(st[r], CS_EINTERNAL);
        assert_non_null(strstr(err[r].msg, "the results of rank 2 do not read back"));
    }
    /* Negative control: the same run untouched is fine. */
    simulate(3, &t, NULL, s, st, err, -1);
    for (int r = 0; r < 3; r++) assert_int_equal(st[r], CS_OK);
}

static void test_pack_buffer(void **state)
{
    (void)state;
    cs_rep_pack p = {NULL, 0, 0, 0};
    double x[1000];
    for (int i = 0; i < 1000; i++) x[i] = i * 0.1;
    for (int k = 0; k < 20; k++) cs_rep_pack_put(&p, x, sizeof x);
    assert_int_equal(p.len, 20 * sizeof x);
    assert_false(p.failed);
    cs_rep_unpack in = {p.buf, p.len, 0};
    double y[1000];
    for (int k = 0; k < 20; k++) {
        cs_rep_unpack_get(&in, y, sizeof y);
        assert_memory_equal(x, y, sizeof x);
    }
    assert_int_equal(in.left, 0);
    assert_false(in.overrun);
    y[0] = 5;
    cs_rep_unpack_get(&in, y, sizeof y[0]);
    assert_true(in.overrun);
    assert_true(y[0] == 0);
    free(p.buf);
}

/* A replication's raw sums packed and unpacked into fresh storage are the same bits. */
static void test_repstats_roundtrip(void **state)
{
    (void)state;
    const char *yaml =
        "name: rt\nhorizon: 9d\nwarmup: 1d\nreplications: 2\nseed: 9\n"
        "lines:\n  - name: \"999\"\n    priority: 5\n    arrivals: {rate: 30/h}\n"
        "    handle: {dist: exponential, mean: 4m}\n    patience: {dist: exponential, mean: 2m}\n"
        "  - name: \"101\"\n    arrivals: {rate: 80/h}\n    handle: {dist: lognormal, mean: 6m, sd: 5m}\n"
        "    patience: {dist: exponential, mean: 10m}\n"
        "pools:\n  - name: handlers\n    lines: [\"999\", \"101\"]\n    staff: 11\n";
    cs_scn *scn = NULL;
    cs_diags d = {0};
    assert_int_equal(cs_scn_load_string(yaml, "rt.yaml", &scn, &d), CS_OK);
    cs_diags_free(&d);
    cs_run_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    cs_results *res = NULL;
    assert_int_equal(cs_run(scn, &o, &res, NULL), CS_OK);
    const cs_repstats *a = &res->reps[1];
    assert_true(cs_rs_line_c(a, 1)[CS_LC_ANSWERED] > 0);   /* something to copy */
    assert_true(a->n_days > 0);                             /* daily counters too */
    cs_rep_pack p = {NULL, 0, 0, 0};
    cs_repstats_pack(a, &p);
    assert_false(p.failed);
    cs_repstats b;
    assert_int_equal(cs_repstats_init(&b, a->n_lines, a->n_pools, a->interval, a->measured), 0);
    assert_int_equal(cs_repstats_init_days(&b, a->n_days), 0);
    cs_rep_unpack in = {p.buf, p.len, 0};
    assert_int_equal(cs_repstats_unpack(&b, &in), 0);
    assert_int_equal(in.left, 0);
    assert_false(in.overrun);
    assert_memory_equal(a->slot_time, b.slot_time, a->n_slots * sizeof *a->slot_time);
    assert_memory_equal(a->line, b.line, a->n_lines * CS_LC_N * sizeof *a->line);
    assert_memory_equal(a->pool, b.pool, a->n_pools * CS_PC_N * sizeof *a->pool);
    assert_memory_equal(a->line_slot, b.line_slot, a->n_lines * a->n_slots * CS_IC_N * sizeof *a->line_slot);
    assert_memory_equal(a->pool_slot, b.pool_slot, a->n_pools * a->n_slots * CS_PC_N * sizeof *a->pool_slot);
    for (size_t l = 0; l < a->n_lines; l++) {
        assert_int_equal(a->wait[l].total, b.wait[l].total);
        assert_memory_equal(a->wait[l].count, b.wait[l].count, a->wait[l].nbins * sizeof *a->wait[l].count);
        assert_memory_equal(&a->wait_tally[l], &b.wait_tally[l], sizeof b.wait_tally[l]);
        assert_memory_equal(&a->talk_tally[l], &b.talk_tally[l], sizeof b.talk_tally[l]);
    }
    assert_memory_equal(a->line_day, b.line_day, a->n_lines * a->n_days * CS_DC_N * sizeof *a->line_day);
    /* The bytes per replication the README quotes for two lines and one pool at 15 minutes. */
    printf("repstats of 2 lines, 1 pool, %zu slots, %zu days: %zu bytes\n", a->n_slots, a->n_days, p.len);
    /* Another shape is refused, untouched. */
    cs_repstats c;
    assert_int_equal(cs_repstats_init(&c, 1, 1, a->interval, a->measured), 0);
    in = (cs_rep_unpack){p.buf, p.len, 0};
    assert_int_equal(cs_repstats_unpack(&c, &in), -1);
    assert_true(c.line[0] == 0);
    cs_repstats_fini(&c);
    cs_repstats_fini(&b);
    free(p.buf);
    cs_results_free(res);
    cs_scn_free(scn);
}

/* ------------------------------------------------------------------ mpirun (MPI builds) */
#ifdef CS_MPI

static char tmp[256];

static const char *bin(void)
{
    const char *b = getenv("CALLSIM");
    return b && *b ? b : "./callsim-mpi";
}

static int setup(void **st)
{
    (void)st;
    /* mpirun refuses root unless told (CI runs as root); harmless otherwise. */
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    snprintf(tmp, sizeof tmp, "/tmp/callsim-mpi-XXXXXX");
    if (!mkdtemp(tmp)) return -1;
    const char *small =
        "name: small\nhorizon: 9d\nwarmup: 1d\nreplications: 5\nseed: 42\n"
        "lines:\n  - name: \"999\"\n    priority: 5\n    arrivals: {rate: 30/h}\n"
        "    handle: {dist: exponential, mean: 4m}\n    patience: {dist: exponential, mean: 2m}\n"
        "    target: {answer_within: 10s, share: 90%}\n"
        "  - name: \"101\"\n    arrivals: {rate: 80/h}\n    handle: {dist: lognormal, mean: 6m, sd: 5m}\n"
        "    patience: {dist: exponential, mean: 10m}\n"
        "    redial: {probability: 30%, delay: {dist: exponential, mean: 10m}, max_attempts: 3}\n"
        "pools:\n  - name: handlers\n    lines: [\"999\", \"101\"]\n    staff: STAFF\n";
    for (int v = 0; v < 2; v++) {
        char path[300], text[2048];
        snprintf(path, sizeof path, "%s/%s.yaml", tmp, v ? "more" : "small");
        const char *at = strstr(small, "STAFF");
        snprintf(text, sizeof text, "%.*s%s\n", (int)(at - small), small, v ? "12" : "11");
        FILE *f = fopen(path, "w");
        if (!f) return -1;
        fputs(text, f);
        fclose(f);
    }
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

typedef struct proc {
    int code;
    char *out, *err;
} proc;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, k;
    char *b = malloc(cap);
    while ((k = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n < 2) b = realloc(b, cap *= 2);
    }
    b[n] = 0;
    fclose(f);
    if (len) *len = n;
    return b;
}

/* Runs argv (NULL-terminated) with stdout and stderr in files; a hang ends at 120 s as
 * SIGALRM (status 142), which every test below treats as a failure. */
static proc run(const char *const *argv)
{
    char o[300], e[300];
    snprintf(o, sizeof o, "%s/stdout", tmp);
    snprintf(e, sizeof e, "%s/stderr", tmp);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen(o, "w", stdout) || !freopen(e, "w", stderr)) _exit(127);
        alarm(120);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    proc p;
    p.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    p.out = slurp(o, NULL);
    p.err = slurp(e, NULL);
    return p;
}

static void proc_free(proc *p)
{
    free(p->out);
    free(p->err);
}

/* callsim with args after `mpirun -np n` (n = 0: no mpirun, one plain process). */
static proc callsim(int n, const char *const *args)
{
    const char *argv[64];
    char np[8];
    size_t k = 0;
    snprintf(np, sizeof np, "%d", n);
    if (n > 0) {
        argv[k++] = "mpirun";
        argv[k++] = "--oversubscribe";
        argv[k++] = "-np";
        argv[k++] = np;
    }
    argv[k++] = bin();
    for (size_t i = 0; args[i] && k < 63; i++) argv[k++] = args[i];
    argv[k] = NULL;
    return run(argv);
}

#define CALLSIM(n, ...) callsim(n, (const char *const[]){__VA_ARGS__, NULL})

static void same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    if (!x || !y) fail_msg("missing %s or %s", a, b);
    if (na != nb || memcmp(x, y, na) != 0) fail_msg("%s and %s differ", a, b);
    free(x);
    free(y);
}

/* Every file under a (recursively) is in b with the same bytes, and b has no others. */
static int count_and_compare(const char *a, const char *b)
{
    DIR *d = opendir(a);
    if (!d) fail_msg("cannot open %s", a);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char pa[600], pb[600];
        snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
        snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
        struct stat st;
        assert_int_equal(stat(pa, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            n += count_and_compare(pa, pb);
        } else {
            same_file(pa, pb);
            n++;
        }
    }
    closedir(d);
    return n;
}

static void same_tree(const char *a, const char *b)
{
    int na = count_and_compare(a, b), nb = count_and_compare(b, a);
    assert_int_equal(na, nb);
    assert_true(na >= 3);
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Nothing in tmp starts with ".name." (the output folder's partial or old copies). */
static int leftovers(const char *name)
{
    DIR *d = opendir(tmp);
    assert_non_null(d);
    char pre[128];
    snprintf(pre, sizeof pre, ".%s.", name);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) n += strncmp(e->d_name, pre, strlen(pre)) == 0;
    closedir(d);
    return n;
}

static void test_mpirun_run_identical(void **state)
{
    (void)state;
    char scn[300], ref[300], dir[300], json[300];
    snprintf(scn, sizeof scn, "%s/small.yaml", tmp);
    snprintf(ref, sizeof ref, "%s/run-ref", tmp);
    snprintf(json, sizeof json, "%s/run-ref.json", tmp);
    proc p = CALLSIM(0, "run", scn, "--json", "--quiet", "--calls", "--out", ref);
    assert_int_equal(p.code, 0);
    char daily[320];
    snprintf(daily, sizeof daily, "%s/daily.csv", ref);
    assert_true(exists(daily));   /* more than a week: daily counters travel too */
    FILE *f = fopen(json, "w");
    fputs(p.out, f);
    fclose(f);
    proc_free(&p);
    for (int n = 1; n <= 3; n++) {
        snprintf(dir, sizeof dir, "%s/run-%d", tmp, n);
        p = CALLSIM(n, "run", scn, "--json", "--quiet", "--calls", "--threads", "1", "--out", dir);
        if (p.code != 0) fail_msg("mpirun -np %d: status %d: %s", n, p.code, p.err);
        char *want = slurp(json, NULL);
        assert_string_equal(p.out, want);   /* --json: printed once, by rank 0 */
        free(want);
        same_tree(ref, dir);                /* summary.json, intervals.csv, calls.csv, charts */
        proc_free(&p);
    }
}

static void test_mpirun_compare_identical(void **state)
{
    (void)state;
    char a[300], b[300], ref[300], dir[300];
    snprintf(a, sizeof a, "%s/small.yaml", tmp);
    snprintf(b, sizeof b, "%s/more.yaml", tmp);
    snprintf(ref, sizeof ref, "%s/cmp-ref", tmp);
    proc r = CALLSIM(0, "compare", a, b, "--json", "--quiet", "--out", ref);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "\"differences\""));
    for (int n = 1; n <= 3; n++) {
        snprintf(dir, sizeof dir, "%s/cmp-%d", tmp, n);
        proc p = CALLSIM(n, "compare", a, b, "--json", "--quiet", "--threads", "2", "--out", dir);
        if (p.code != 0) fail_msg("mpirun -np %d: status %d: %s", n, p.code, p.err);
        assert_string_equal(p.out, r.out);
        same_tree(ref, dir);
        proc_free(&p);
    }
    proc_free(&r);
}

/* A rank that dies in the middle of a run: the job ends (no hang), with a non-zero status,
 * and no output folder, partial or complete. */
static void test_mpirun_rank_dies(void **state)
{
    (void)state;
    char scn[300], dir[300];
    snprintf(scn, sizeof scn, "%s/small.yaml", tmp);
    snprintf(dir, sizeof dir, "%s/dies", tmp);
    const char *argv[] = {"mpirun", "--oversubscribe", "-np", "3", "-x", "CALLSIM_TEST_MPI_ABORT_RANK=1", bin(),
                          "run", scn, "--quiet", "--calls", "--threads", "1", "--out", dir, NULL};
    proc p = run(argv);
    assert_int_not_equal(p.code, 0);
    assert_int_not_equal(p.code, 142);   /* not the alarm: it ended by itself */
    assert_false(exists(dir));
    assert_int_equal(leftovers("dies"), 0);
    /* The rank's own last words are shown, marked with its rank. */
    assert_non_null(strstr(p.err, "[rank 1] callsim: MPI rank 1 aborts on purpose"));
    proc_free(&p);
    /* Negative control: the same command without the test switch writes the folder. */
    proc q = CALLSIM(3, "run", scn, "--quiet", "--threads", "1", "--out", dir);
    assert_int_equal(q.code, 0);
    assert_true(exists(dir));
    proc_free(&q);
}

/* A rank that stops before the run (its scenario file is not there: a node without the
 * shared folder) and a rank 0 that refuses the output folder: status 2, the reason shown, the
 * other ranks released. */
static void test_mpirun_rank_leaves_early(void **state)
{
    (void)state;
    char scn[300], dir[300], missing[300];
    snprintf(scn, sizeof scn, "%s/small.yaml", tmp);
    snprintf(missing, sizeof missing, "%s/not-here.yaml", tmp);
    snprintf(dir, sizeof dir, "%s/early", tmp);
    const char *argv[] = {"mpirun", "--oversubscribe", "-np", "2", bin(), "run", scn, "--quiet", "--out", dir, ":",
                          "-np", "1", bin(), "run", missing, "--quiet", "--out", dir, NULL};
    proc p = run(argv);
    assert_int_equal(p.code, 2);
    assert_non_null(strstr(p.err, "MPI rank 2 stopped before this run"));
    assert_non_null(strstr(p.err, "[rank 2] callsim run: scenario"));
    assert_non_null(strstr(p.err, "not-here.yaml': no such file"));
    assert_false(exists(dir));
    assert_int_equal(leftovers("early"), 0);
    proc_free(&p);

    /* The folder exists and --force is not given: rank 0 refuses before the run. */
    assert_int_equal(mkdir(dir, 0755), 0);
    p = CALLSIM(3, "run", scn, "--quiet", "--out", dir);
    assert_int_equal(p.code, 2);
    assert_non_null(strstr(p.err, "already exists"));
    assert_null(strstr(p.err, "[rank"));   /* rank 0 said it: nobody else repeats it */
    proc_free(&p);

    /* Bad input on every rank: said once. */
    p = CALLSIM(3, "run", missing, "--quiet");
    assert_int_equal(p.code, 2);
    const char *first = strstr(p.err, "no such file");
    assert_non_null(first);
    assert_null(strstr(first + 1, "no such file"));
    proc_free(&p);
}

/* Commands that do not spread run on rank 0 alone, as one process: printed once, the same
 * bytes. */
static void test_mpirun_solo_commands(void **state)
{
    (void)state;
    proc a = CALLSIM(0, "erlang", "--rate", "120/h", "--aht", "6m", "--agents", "14");
    proc b = CALLSIM(3, "erlang", "--rate", "120/h", "--aht", "6m", "--agents", "14");
    assert_int_equal(a.code, 0);
    assert_int_equal(b.code, 0);
    assert_string_equal(a.out, b.out);
    proc_free(&a);
    proc_free(&b);
}

/* `callsim ARGS [--json] --quiet` in one process, then under mpirun with 1, 2 and 3 ranks
 * (threads 2, 1, 1): the same standard output (up to `cut`, when given: what follows names
 * the files written).  The single process and 3 ranks also write --out DIR [FILE_FLAG FILE],
 * which must hold the same bytes in every file (the files are drawn from the results the
 * output shows; writing them costs seconds of charts, so not at every N). */
static void spread_identical_opts(const char *label, const char *const *args, const char *file_flag, int json,
                                  const char *cut)
{
    char ref_dir[300] = "", ref_file[300] = "";
    char *ref_out = NULL;
    for (int n = 0; n <= 3; n++) {
        char dir[300], file[300];
        snprintf(dir, sizeof dir, "%s/%s-%d", tmp, label, n);
        snprintf(file, sizeof file, "%s/%s-%d.yaml", tmp, label, n);
        const char *argv[40];
        size_t k = 0;
        while (args[k] && k < 30) {
            argv[k] = args[k];
            k++;
        }
        if (json) argv[k++] = "--json";
        argv[k++] = "--quiet";
        int files = n == 0 || n == 3;
        if (files) {
            argv[k++] = "--out";
            argv[k++] = dir;
        }
        if (files && file_flag) {
            argv[k++] = file_flag;
            argv[k++] = file;
        }
        if (n > 0) {
            argv[k++] = "--threads";
            argv[k++] = n == 1 ? "2" : "1";
        }
        argv[k] = NULL;
        proc p = callsim(n, argv);
        if (p.code != 0) fail_msg("%s, mpirun -np %d: status %d: %s", label, n, p.code, p.err);
        char *end = cut ? strstr(p.out, cut) : NULL;
        if (end) *end = '\0';
        if (n == 0) {
            ref_out = p.out;
            p.out = NULL;
            snprintf(ref_dir, sizeof ref_dir, "%s", dir);
            snprintf(ref_file, sizeof ref_file, "%s", file);
        } else {
            assert_string_equal(p.out, ref_out);   /* printed once, by rank 0 */
            if (files) same_tree(ref_dir, dir);
            if (files && file_flag) same_file(ref_file, file);
            if (!files) assert_false(exists(dir));
        }
        proc_free(&p);
    }
    free(ref_out);
}

static void spread_identical(const char *label, const char *const *args, const char *file_flag)
{
    spread_identical_opts(label, args, file_flag, 1, NULL);
}

/* A rank that dies in the middle of the command's first shared run: the job ends with a
 * non-zero status and no output.  The test switch acts only where a run is shared between
 * ranks, so this also fails if the command's runs are not spread (every rank running them
 * whole would succeed). */
static void dies_when_spread(const char *label, const char *const *args)
{
    char dir[300];
    snprintf(dir, sizeof dir, "%s/%s-dies", tmp, label);
    const char *argv[40] = {"mpirun", "--oversubscribe", "-np", "2", "-x", "CALLSIM_TEST_MPI_ABORT_RANK=1", bin()};
    size_t k = 7;
    for (size_t i = 0; args[i] && k < 34; i++) argv[k++] = args[i];
    argv[k++] = "--quiet";
    argv[k++] = "--threads";
    argv[k++] = "1";
    argv[k++] = "--out";
    argv[k++] = dir;
    argv[k] = NULL;
    proc p = run(argv);
    if (p.code == 0) fail_msg("%s: rank 1 did not take part in a shared run: %s", label, p.err);
    assert_int_not_equal(p.code, 142);
    assert_non_null(strstr(p.err, "[rank 1] callsim: MPI rank 1 aborts on purpose"));
    assert_false(exists(dir));
    char name[64];
    snprintf(name, sizeof name, "%s-dies", label);
    assert_int_equal(leftovers(name), 0);
    proc_free(&p);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_mpirun_whatif_identical(void **state)
{
    (void)state;
    char scn[300];
    snprintf(scn, sizeof scn, "%s/small.yaml", tmp);
    spread_identical("sweep", ARGS("sweep", scn, "--vary", "pools.handlers.staff=10,11,13", "--reps", "3"), NULL);
    spread_identical("sens", ARGS("sensitivity", scn, "--vary", "pools.handlers.staff=10,12", "--vary",
                                  "lines.101.patience.mean=5m,15m", "--reps", "3"), NULL);
    /* Root finding on a headcount: every evaluation a shared run, decisions taken from the
     * shared results on every rank; -o FILE and --out DIR begun after the runs. */
    spread_identical("cal", ARGS("calibrate", scn, "--match", "lines.101.abandon_rate=10%", "--free",
                                 "pools.handlers.staff=8..16", "--reps", "3"), "-o");
    /* sweep and sensitivity share calibrate's runner (experiments/experiment.c cs_exp_run). */
    dies_when_spread("cal", ARGS("calibrate", scn, "--match", "lines.101.abandon_rate=10%", "--free",
                                 "pools.handlers.staff=8..16", "--reps", "2"));
}

/* A national run: (force, replication) items shared, the national totals summed on every rank;
 * ten dated days, so daily.csv of every force and of the nation travel too. */
static void test_mpirun_national_identical(void **state)
{
    (void)state;
    spread_identical("nat", ARGS("run", "tests/data/national/dated.yaml"), NULL);
    dies_when_spread("nat", ARGS("run", "tests/data/national/dated.yaml"));
}


/* The staffing planner: its simulations (the iterative staffing algorithm's rounds, the checks,
 * the verification) shared between ranks, its integer programs solved on every rank and rank 0's
 * roster taken by all.  The terminal tables, the variant (-o) and every file of --out. */
static void test_mpirun_staff_identical(void **state)
{
    (void)state;
    char scn[300];
    snprintf(scn, sizeof scn, "%s/staff.yaml", tmp);
    FILE *f = fopen(scn, "w");
    assert_non_null(f);
    fputs("name: staff\nhorizon: 8d\nwarmup: 1d\nreplications: 4\nseed: 42\n"
          "lines:\n  - name: \"999\"\n    priority: 5\n    arrivals: {rate: 30/h}\n"
          "    handle: {dist: exponential, mean: 4m}\n    patience: {dist: exponential, mean: 2m}\n"
          "    target: {answer_within: 10s, share: 90%}\n"
          "  - name: \"101\"\n    arrivals: {rate: 80/h}\n    handle: {dist: lognormal, mean: 6m, sd: 5m}\n"
          "    patience: {dist: exponential, mean: 10m}\n    target: {answer_within: 30s, max_abandon: 10%}\n"
          "pools:\n  - name: handlers\n    lines: [\"999\", \"101\"]\n    roster:\n"
          "      - {name: early, days: all, start: \"07:00\", length: 8h, staff: 8}\n"
          "      - {name: late, days: all, start: \"15:00\", length: 8h, staff: 8}\n"
          "      - {name: night, days: all, start: \"23:00\", length: 8h, staff: 4}\n",
          f);
    fclose(f);
    spread_identical_opts("staff", ARGS("staff", scn, "--checks", "1"), "-o", 0, "\nWrote ");
    /* Rank 1 changes its own roster after each solve (as a solve cut short by its clock could):
     * rank 0's still wins, the variant is the single process's (without the sharing of the
     * rosters in experiments/staff.c, rank 1 simulates another roster and this differs). */
    char ref[300], var[300];
    snprintf(ref, sizeof ref, "%s/staff-0.yaml", tmp);
    snprintf(var, sizeof var, "%s/staff-roster.yaml", tmp);
    const char *argv[] = {"mpirun", "--oversubscribe", "-np", "2", "-x", "CALLSIM_TEST_MPI_ROSTER_RANK=1", bin(),
                          "staff", scn, "--checks", "1", "--quiet", "--threads", "1", "-o", var, NULL};
    proc p = run(argv);
    if (p.code != 0) fail_msg("staff, rank 1's roster changed: status %d: %s", p.code, p.err);
    same_file(ref, var);
    proc_free(&p);
    dies_when_spread("staff", ARGS("staff", scn, "--checks", "1"));
}
#endif

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_share_equals_single_run),
        cmocka_unit_test(test_share_assign),
        cmocka_unit_test(test_share_failures),
        cmocka_unit_test(test_share_bad_bytes),
        cmocka_unit_test(test_pack_buffer),
        cmocka_unit_test(test_repstats_roundtrip),
#ifdef CS_MPI
        cmocka_unit_test(test_mpirun_run_identical),
        cmocka_unit_test(test_mpirun_compare_identical),
        cmocka_unit_test(test_mpirun_rank_dies),
        cmocka_unit_test(test_mpirun_rank_leaves_early),
        cmocka_unit_test(test_mpirun_solo_commands),
        cmocka_unit_test(test_mpirun_whatif_identical),
        cmocka_unit_test(test_mpirun_national_identical),
        cmocka_unit_test(test_mpirun_staff_identical),
#endif
    };
#ifdef CS_MPI
    return cmocka_run_group_tests(tests, setup, teardown);
#else
    return cmocka_run_group_tests(tests, NULL, NULL);
#endif
}
