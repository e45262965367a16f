/* The bad-input corpus: hostile and unlucky inputs through the built CLI.
 *
 * Each case creates its input files in a fresh folder, runs callsim there ($CALLSIM, as
 * tests/test_cli.c finds it) and asserts three things: the exit status (2 for bad input the
 * user named, 1 for a failure of the machine), a message that says where (file:line:column, a
 * CSV row, or the flag's name), and that nothing was written or changed in the folder
 * (a snapshot of every entry, hidden ones included, with sizes and contents, before and after).
 * Cases cover YAML scenarios, profile CSVs, call logs, summary.json for `callsim report`, and
 * flags.  Each case has a time limit (alarm in the child), so a hang fails instead of stalling
 * make check.  The corpus runs in a few seconds: no case runs a simulation. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/outdir.h"

static char binpath[PATH_MAX];
static char tmpdir[256];

/* ------------------------------------------------------------------------------------------
 * Inputs
 * ---------------------------------------------------------------------------------------- */

/* A valid scenario that runs in milliseconds; most scenario cases are one edit of it. */
#define OK_YAML                                                                                     \
    "name: small\nhorizon: 2d\nwarmup: 6h\nreplications: 2\nseed: 42\n"                             \
    "lines:\n  - name: \"101\"\n    arrivals: {rate: 30/h}\n    handle: {dist: exponential, mean: 4m}\n" \
    "pools:\n  - name: handlers\n    lines: [\"101\"]\n    staff: 4\n"

/* A small call log in callsim's own calls.csv format. */
#define OK_LOG                                                                                 \
    "arrival,line,caller,attempt,outcome,wait,handle\n"                                        \
    "2024-01-01T08:00:00Z,101,1,1,answered,5,100\n2024-01-01T08:01:00Z,101,2,1,answered,7,120\n" \
    "2024-01-01T08:02:00Z,101,3,1,abandoned_queue,30,0\n"

#define PROFILE_YAML(p)                                                                              \
    "name: prof\nhorizon: 2d\nwarmup: 6h\nreplications: 2\nseed: 1\n"                                \
    "lines:\n  - name: \"101\"\n    arrivals: {per_day: 100, profile: " p "}\n"                       \
    "    handle: {dist: exponential, mean: 4m}\n    allow_unstaffed: true\n"                           \
    "pools:\n  - name: handlers\n    lines: [\"101\"]\n    staff: 4\n"

typedef struct file_spec {
    const char *path;
    const char *text;   /* NULL: no file */
    size_t len;         /* 0: strlen(text) */
} file_spec;

typedef struct hcase {
    const char *id;
    file_spec files[4];
    const char *argv[24];
    int code;
    const char *expect[3];   /* substrings of stderr, all required */
} hcase;

/* Inputs built at run time (too big or too repetitive to write out). */
static char *laughs, *deep_yaml, *deep_json;

static const hcase cases[] = {
    /* ---------------------------------------------------------------- YAML scenarios */
    {"yaml-unknown-key",
     {{"s.yaml", "name: x\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handel: 3m\n"
                 "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 3\n", 0}},
     {"run", "s.yaml", "--out", "out"}, 2, {"s.yaml:5:5", "did you mean 'handle'"}},
    {"yaml-duration-without-unit",
     {{"s.yaml", "name: x\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: {dist: exponential, mean: 180}\n"
                 "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml", "--out", "out"}, 2, {"s.yaml:5:", "unit"}},
    {"yaml-negative-staff",
     {{"s.yaml", "name: x\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: 3m\n"
                 "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: -3\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:9:12"}},
    {"yaml-share-over-100",
     {{"s.yaml", "name: x\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: 3m\n"
                 "    target: {answer_within: 10s, share: 120%}\n"
                 "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:6:"}},
    {"yaml-ivr-shares-not-100",
     {{"s.yaml", "name: x\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: 3m\n"
                 "    ivr: {time: 1m, options: [{name: a, share: 40%}, {name: b, share: 40%}]}\n"
                 "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:6:", "80%"}},
    {"yaml-unknown-line-in-pool",
     {{"s.yaml", "name: x\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: 3m\n"
                 "pools:\n  - name: p\n    lines: [\"102\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:8:", "'102'"}},
    {"yaml-duplicate-line-names",
     {{"s.yaml", "name: x\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: 3m\n"
                 "  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: 3m\n"
                 "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:6:", "101"}},
    {"yaml-syntax-unclosed-flow",
     {{"s.yaml", "name: x\nlines: [{name: \"101\", arrivals: {rate: 2/s}\npools: []\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:"}},
    {"yaml-tab-indentation",
     {{"s.yaml", "name: x\nlines:\n\t- name: \"101\"\n", 0}}, {"run", "s.yaml"}, 2, {"s.yaml:3:"}},
    {"yaml-empty-file", {{"s.yaml", "", 0}}, {"run", "s.yaml"}, 2, {"s.yaml"}},
    {"yaml-list-not-mapping", {{"s.yaml", "- a\n- b\n", 0}}, {"run", "s.yaml"}, 2, {"s.yaml:1:1"}},
    {"yaml-duplicate-key",
     {{"s.yaml", "name: x\nname: y\n", 0}}, {"run", "s.yaml"}, 2, {"s.yaml:2:1", "name"}},
    {"yaml-seed-2-64",
     {{"s.yaml", "name: x\nseed: 18446744073709551616\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n"
                 "    handle: 3m\npools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:2:7", "seed"}},
    {"yaml-seed-negative",
     {{"s.yaml", "name: x\nseed: ' -1'\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n"
                 "    handle: 3m\npools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:2:7", "seed"}},
    {"yaml-zero-replications",
     {{"s.yaml", "name: x\nreplications: 0\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n"
                 "    handle: 3m\npools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:2:15"}},
    {"yaml-horizon-in-months",
     {{"s.yaml", "name: x\nhorizon: 8 months\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n"
                 "    handle: 3m\npools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:2:10"}},
    {"yaml-warmup-beyond-horizon",
     {{"s.yaml", "name: x\nhorizon: 2d\nwarmup: 3d\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n"
                 "    handle: 3m\npools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:3:"}},
    {"yaml-interval-7m",
     {{"s.yaml", "name: x\ninterval: 7m\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n"
                 "    handle: 3m\npools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:2:"}},
    {"yaml-name-too-long",
     {{"s.yaml", "name: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n"
                 "    handle: 3m\npools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:1:7", "too long"}},
    {"yaml-base-missing",
     {{"s.yaml", "base: nowhere.yaml\nname: x\n", 0}}, {"run", "s.yaml"}, 2, {"s.yaml:1:7", "nowhere.yaml"}},
    {"yaml-base-loop",
     {{"a.yaml", "base: b.yaml\nname: a\n", 0}, {"b.yaml", "base: a.yaml\nname: b\n", 0}},
     {"run", "a.yaml"}, 2, {"b.yaml:1:7", "a.yaml"}},
    {"yaml-billion-laughs", {{"s.yaml", NULL, 0}}, {"run", "s.yaml"}, 2, {"s.yaml:"}},
    {"yaml-deep-nesting", {{"s.yaml", NULL, 0}}, {"run", "s.yaml"}, 2, {"s.yaml:"}},
    {"yaml-nul-byte", {{"s.yaml", "name: x\0\nlines: []\n", 17}}, {"run", "s.yaml"}, 2, {"s.yaml:1:"}},
    {"yaml-invalid-utf8", {{"s.yaml", "name: \xff\xfe\nlines: []\n", 0}}, {"run", "s.yaml"}, 2, {"s.yaml:1:"}},
    {"yaml-spillover-unknown-line",
     {{"s.yaml", "name: x\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: 3m\n"
                 "    spillover: {to: \"998\", share: 5%}\n"
                 "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:6:", "998"}},
    {"yaml-outage-bad-time",
     {{"s.yaml", OK_YAML "outages:\n  - {name: o, start: \"Fri 25:00\", length: 1h, effect: cut_off}\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:15:", "25:00"}},
    {"yaml-surge-negative-factor",
     {{"s.yaml", OK_YAML "surges:\n  - {name: s, line: \"101\", start: \"Mon 20:00\", length: 1h, factor: -2}\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:15:68", "negative"}},
    {"yaml-mixture-shares",
     {{"s.yaml", "name: x\nlines:\n  - name: \"101\"\n    arrivals: {rate: 2/s}\n    handle: 3m\n"
                 "    patience: {dist: mixture, components: [{share: 50%, dist: exponential, mean: 1m},"
                 " {share: 20%, dist: exponential, mean: 5m}]}\n"
                 "pools:\n  - name: p\n    lines: [\"101\"]\n    staff: 400\n", 0}},
     {"run", "s.yaml"}, 2, {"s.yaml:6:", "70%"}},
    {"yaml-directory-as-scenario", {{NULL, NULL, 0}}, {"run", "."}, 2, {"'.'", "folder"}},
    {"yaml-missing-scenario", {{NULL, NULL, 0}}, {"run", "nope.yaml"}, 2, {"nope.yaml"}},
    {"yaml-compare-bad-variant",
     {{"a.yaml", OK_YAML, 0}, {"b.yaml", "base: a.yaml\nname: b\npools:\n  - name: handlers\n    staff: many\n", 0}},
     {"compare", "a.yaml", "b.yaml", "--out", "out"}, 2, {"b.yaml:5:12"}},

    /* ---------------------------------------------------------------- profile CSVs */
    {"profile-missing-file", {{"s.yaml", PROFILE_YAML("p.csv"), 0}}, {"run", "s.yaml"}, 2, {"s.yaml:8:", "p.csv"}},
    {"profile-hour-24",
     {{"s.yaml", PROFILE_YAML("p.csv"), 0}, {"p.csv", "hour,weight\n0,1\n24,1\n", 0}}, {"run", "s.yaml"}, 2,
     {"p.csv", "row 3"}},
    {"profile-negative-weight",
     {{"s.yaml", PROFILE_YAML("p.csv"), 0}, {"p.csv", "hour,weight\n0,1\n1,-1\n", 0}}, {"run", "s.yaml"}, 2,
     {"p.csv", "row 3"}},
    {"profile-weight-not-a-number",
     {{"s.yaml", PROFILE_YAML("p.csv"), 0}, {"p.csv", "hour,weight\n0,1\n1,lots\n", 0}}, {"run", "s.yaml"}, 2,
     {"p.csv", "row 3"}},
    {"profile-missing-field",
     {{"s.yaml", PROFILE_YAML("p.csv"), 0}, {"p.csv", "hour,weight\n0,1\n1\n", 0}}, {"run", "s.yaml"}, 2,
     {"p.csv", "row 3"}},
    {"profile-empty-file",
     {{"s.yaml", PROFILE_YAML("p.csv"), 0}, {"p.csv", "", 0}}, {"run", "s.yaml"}, 2, {"p.csv"}},
    {"profile-bad-day",
     {{"s.yaml", PROFILE_YAML("p.csv"), 0}, {"p.csv", "day,hour,weight\nmon,0,1\nfunday,1,1\n", 0}},
     {"run", "s.yaml"}, 2, {"p.csv", "row 3"}},
    {"profile-all-zero",
     {{"s.yaml", PROFILE_YAML("p.csv"), 0}, {"p.csv", "hour,weight\n0,0\n1,0\n", 0}}, {"run", "s.yaml"}, 2,
     {"s.yaml:8:39", "all zero"}},
    {"profile-directory",
     {{"s.yaml", PROFILE_YAML("pdir"), 0}, {"pdir/x", "", 0}}, {"run", "s.yaml"}, 2, {"pdir", "lines[0].arrivals.profile"}},

    /* ---------------------------------------------------------------- call logs */
    {"log-missing", {{"s.yaml", OK_YAML, 0}}, {"replay", "nope.csv", "--scenario", "s.yaml"}, 2, {"nope.csv", "no such file"}},
    {"log-is-a-folder", {{"s.yaml", OK_YAML, 0}}, {"replay", ".", "--scenario", "s.yaml"}, 2, {"'.'", "folder"}},
    {"log-fit-missing", {{NULL, NULL, 0}}, {"fit", "nope.csv", "-o", "f.yaml"}, 2, {"nope.csv", "no such file"}},
    {"log-fit-folder", {{NULL, NULL, 0}}, {"fit", ".", "-o", "f.yaml"}, 2, {"'.'", "folder"}},
    {"log-bad-timestamp",
     {{"s.yaml", OK_YAML, 0}, {"l.csv", "arrival,line,outcome,wait\n2024-01-01T08:00:00Z,101,answered,5\n"
                                        "2024-13-45T08:00:00Z,101,answered,5\n", 0}},
     {"replay", "l.csv", "--scenario", "s.yaml", "--out", "out"}, 2, {"row 3", "arrival"}},
    {"log-unknown-outcome",
     {{"s.yaml", OK_YAML, 0}, {"l.csv", "arrival,line,outcome,wait\n2024-01-01T08:00:00Z,101,answered,5\n"
                                        "2024-01-01T08:01:00Z,101,EXPLODED,5\n", 0}},
     {"replay", "l.csv", "--scenario", "s.yaml"}, 2, {"row 3", "EXPLODED"}},
    {"log-no-arrival-column",
     {{"s.yaml", OK_YAML, 0}, {"l.csv", "when,line,outcome\nx,101,answered\n", 0}},
     {"replay", "l.csv", "--scenario", "s.yaml"}, 2, {"l.csv", "arrival"}},
    {"log-negative-wait",
     {{"l.csv", "arrival,line,outcome,wait,handle\n2024-01-01T08:00:00Z,101,answered,5,100\n"
                "2024-01-01T08:01:00Z,101,answered,-5,100\n", 0}},
     {"fit", "l.csv", "-o", "f.yaml"}, 2, {"row 3", "wait"}},
    {"fit-wrap-max-too-long",
     {{"l.csv", "arrival,line,outcome,wait,handle\n2024-01-01T08:00:00Z,101,answered,5,100\n", 0}},
     {"fit", "l.csv", "-o", "f.yaml", "--wrap-max", "2h"}, 2, {"--wrap-max", "1 h"}},
    {"fit-wrap-max-garbage",
     {{"l.csv", "arrival,line,outcome,wait,handle\n2024-01-01T08:00:00Z,101,answered,5,100\n", 0}},
     {"fit", "l.csv", "-o", "f.yaml", "--wrap-max", "soon"}, 2, {"--wrap-max", "soon"}},
    {"log-header-only", {{"l.csv", "arrival,line,outcome,wait,handle\n", 0}}, {"fit", "l.csv", "-o", "f.yaml"}, 2,
     {"l.csv", "no calls"}},
    {"log-unbalanced-quote",
     {{"l.csv", "arrival,line,outcome,wait,handle\n2024-01-01T08:00:00Z,\"101,answered,5,100\n", 0}},
     {"fit", "l.csv", "-o", "f.yaml"}, 2, {"row 2"}},
    {"log-too-many-fields",
     {{"l.csv", "arrival,line,outcome,wait,handle\n2024-01-01T08:00:00Z,101,answered,5,100,7,8\n", 0}},
     {"fit", "l.csv", "-o", "f.yaml"}, 2, {"row 2"}},
    {"log-nul-byte",
     {{"l.csv", "arrival,line,outcome,wait,handle\n2024-01-01T08:00:00Z,1\0001,answered,5,100\n", 62}},
     {"fit", "l.csv", "-o", "f.yaml"}, 2, {"row 2"}},
    {"log-unknown-column-mapped",
     {{"l.csv", OK_LOG, 0}}, {"fit", "l.csv", "-o", "f.yaml", "--columns", "handle=TalkTime"}, 2, {"TalkTime"}},
    {"log-outcomes-malformed",
     {{"l.csv", OK_LOG, 0}}, {"fit", "l.csv", "-o", "f.yaml", "--outcomes", "answered"}, 2, {"outcomes"}},
    {"log-one-answered-call",
     {{"l.csv", "arrival,line,outcome,wait,handle\n2024-01-01T08:00:00Z,101,answered,5,100\n", 0}},
     {"fit", "l.csv", "-o", "f.yaml"}, 2, {"line 101", "handle"}},
    {"log-replay-warmup-too-long",
     {{"s.yaml", OK_YAML, 0}, {"l.csv", OK_LOG, 0}}, {"replay", "l.csv", "--scenario", "s.yaml", "--warmup", "9d", "--out", "out"},
     2, {"--warmup"}},
    {"log-line-not-in-scenario",
     {{"s.yaml", OK_YAML, 0}, {"l.csv", "arrival,line,outcome,wait\n2024-01-01T08:00:00Z,102,answered,5\n", 0}},
     {"replay", "l.csv", "--scenario", "s.yaml", "--out", "out"}, 2, {"102"}},

    /* ---------------------------------------------------------------- summary.json (report) */
    {"report-folder-missing", {{NULL, NULL, 0}}, {"report", "nope"}, 2, {"'nope'", "no such folder"}},
    {"report-folder-is-a-file", {{"r", "not a folder", 0}}, {"report", "r"}, 2, {"'r'", "not a folder"}},
    {"report-no-summary", {{"r/x.txt", "", 0}}, {"report", "r"}, 2, {"r/summary.json", "not found"}},
    {"report-summary-syntax", {{"r/summary.json", "{\"kind\": \"run\",\n \"lines\": {,}}\n", 0}}, {"report", "r"}, 2,
     {"r/summary.json", "line 2, column"}},
    {"report-summary-not-object", {{"r/summary.json", "[1, 2]\n", 0}}, {"report", "r"}, 2,
     {"r/summary.json", "line 1, column 1"}},
    {"report-summary-bad-kind", {{"r/summary.json", "{\"kind\": 7, \"lines\": {}}\n", 0}}, {"report", "r"}, 2,
     {"r/summary.json", "line 1, column 10"}},
    {"report-summary-no-lines", {{"r/summary.json", "{\"kind\": \"run\"}\n", 0}}, {"report", "r"}, 2,
     {"r/summary.json", "lines"}},
    {"report-summary-truncated", {{"r/summary.json", "{\"kind\": \"run\", \"lines\": {\"101\": {\"offered\": {\"me", 0}},
     {"report", "r"}, 2, {"r/summary.json", "line 1"}},
    {"report-summary-invalid-utf8", {{"r/summary.json", "{\"kind\": \"run\", \"scenario\": \"\xc3\x28\", \"lines\": {}}\n", 0}},
     {"report", "r"}, 2, {"r/summary.json", "line 1, column"}},
    {"report-summary-deep", {{"r/summary.json", NULL, 0}}, {"report", "r"}, 2, {"r/summary.json", "line 1"}},
    {"report-summary-duplicate-key", {{"r/summary.json", "{\"kind\": \"run\", \"kind\": \"run\", \"lines\": {}}\n", 0}},
     {"report", "r"}, 2, {"r/summary.json", "line 1, column"}},
    {"report-manifest-not-array",
     {{"r/summary.json", "{\"kind\": \"run\", \"lines\": {\"101\": {\"offered\": {\"mean\": 1, \"ci95\": 0}}}}\n", 0},
      {"r/charts/charts.json", "{\"charts\": 3}\n", 0}},
     {"report", "r"}, 2, {"charts.json", "line 1, column 12"}},

    /* ---------------------------------------------------------------- flags */
    {"flag-threads-0", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--threads", "0", "--out", "out"}, 2, {"--threads", "'0'"}},
    {"flag-threads-negative", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "-j", "-1"}, 2, {"--threads", "'-1'"}},
    {"flag-threads-word", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--threads", "x"}, 2, {"--threads", "'x'"}},
    {"flag-reps-0", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--reps", "0"}, 2, {"--reps", "'0'"}},
    {"flag-reps-fraction", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--reps", "1.5"}, 2, {"--reps", "'1.5'"}},
    {"flag-reps-huge", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--reps", "99999999999999999999"}, 2, {"--reps"}},
    {"flag-seed-2-64", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--seed", "18446744073709551616"}, 2, {"--seed", "18446744073709551616"}},
    {"flag-seed-26-digits", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--seed", "12345678901234567890123456"}, 2, {"--seed"}},
    {"flag-seed-space-minus-1", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--seed", " -1"}, 2, {"--seed", "' -1'"}},
    {"flag-seed-hex", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--seed", "0x10"}, 2, {"--seed", "'0x10'"}},
    {"flag-seed-empty", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--seed="}, 2, {"--seed"}},
    {"flag-interval-7m", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--interval", "7m", "--out", "out"}, 2, {"--interval"}},
    {"flag-unknown", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--repz", "3"}, 2, {"--repz", "did you mean --reps"}},
    {"flag-bool-with-value", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--json=yes"}, 2, {"--json"}},
    {"flag-missing-value", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--out"}, 2, {"--out", "needs a value"}},
    {"flag-force-without-out", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--force"}, 2, {"--out"}},
    {"flag-out-exists", {{"s.yaml", OK_YAML, 0}, {"out/keep.txt", "precious", 0}}, {"run", "s.yaml", "--out", "out"}, 2,
     {"'out'", "--force"}},
    {"flag-out-is-a-file", {{"s.yaml", OK_YAML, 0}, {"out", "a file", 0}}, {"run", "s.yaml", "--out", "out", "--force"}, 2,
     {"'out'", "not a folder"}},
    {"flag-out-parent-missing", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--out", "no/such/out"}, 2, {"'no/such'"}},
    {"flag-out-dot", {{"s.yaml", OK_YAML, 0}}, {"run", "s.yaml", "--out", ".", "--force"}, 2, {"'.'"}},
    {"flag-out-symlink", {{"s.yaml", OK_YAML, 0}, {"real/keep.txt", "precious", 0}, {"@LINK", "real", 0}},
     {"run", "s.yaml", "--out", "LINK", "--force"}, 2, {"'LINK'", "symbolic link"}},
    {"flag-compare-one-scenario", {{"s.yaml", OK_YAML, 0}}, {"compare", "s.yaml"}, 2, {"variant"}},
    {"flag-compare-threads-0", {{"s.yaml", OK_YAML, 0}}, {"compare", "s.yaml", "s.yaml", "--threads", "0"}, 2, {"--threads"}},
    {"flag-compare-out-exists", {{"s.yaml", OK_YAML, 0}, {"out/keep.txt", "precious", 0}},
     {"compare", "s.yaml", "s.yaml", "--out", "out"}, 2, {"'out'", "--force"}},
    {"flag-replay-out-exists", {{"s.yaml", OK_YAML, 0}, {"l.csv", OK_LOG, 0}, {"out/keep.txt", "precious", 0}},
     {"replay", "l.csv", "--scenario", "s.yaml", "--out", "out"}, 2, {"'out'", "--force"}},
    {"flag-replay-out-symlink", {{"s.yaml", OK_YAML, 0}, {"l.csv", OK_LOG, 0}, {"real/keep.txt", "precious", 0}, {"@LINK", "real", 0}},
     {"replay", "l.csv", "--scenario", "s.yaml", "--out", "LINK", "--force"}, 2, {"'LINK'", "symbolic link"}},
    {"flag-fit-charts-symlink", {{"l.csv", OK_LOG, 0}, {"real/keep.png", "mine", 0}, {"@ch", "real", 0}},
     {"fit", "l.csv", "-o", "f.yaml", "--charts", "ch", "--force"}, 2, {"'ch'", "symbolic link"}},
    {"flag-fit-output-symlink", {{"l.csv", OK_LOG, 0}, {"real.yaml", "mine", 0}, {"@f.yaml", "real.yaml", 0}},
     {"fit", "l.csv", "-o", "f.yaml", "--force"}, 2, {"'f.yaml'", "symbolic link"}},
    {"flag-replay-no-scenario", {{"l.csv", OK_LOG, 0}}, {"replay", "l.csv"}, 2, {"--scenario"}},
    {"flag-replay-tz", {{"s.yaml", OK_YAML, 0}, {"l.csv", OK_LOG, 0}}, {"replay", "l.csv", "--scenario", "s.yaml", "--tz", "mars"}, 2,
     {"--tz"}},
    {"flag-replay-sep", {{"s.yaml", OK_YAML, 0}, {"l.csv", OK_LOG, 0}}, {"replay", "l.csv", "--scenario", "s.yaml", "--sep", ";;"}, 2,
     {"--sep"}},
    {"flag-replay-seed", {{"s.yaml", OK_YAML, 0}, {"l.csv", OK_LOG, 0}},
     {"replay", "l.csv", "--scenario", "s.yaml", "--seed", "-1"}, 2, {"--seed"}},
    {"flag-replay-warmup-unitless", {{"s.yaml", OK_YAML, 0}, {"l.csv", OK_LOG, 0}},
     {"replay", "l.csv", "--scenario", "s.yaml", "--warmup", "5"}, 2, {"--warmup", "'5'"}},
    {"flag-erlang-agents-0", {{NULL, NULL, 0}}, {"erlang", "--rate", "2/s", "--aht", "3m", "--agents", "0"}, 2, {"--agents"}},
    {"flag-erlang-rate-word", {{NULL, NULL, 0}}, {"erlang", "--rate", "lots", "--aht", "3m", "--agents", "400"}, 2, {"--rate", "'lots'"}},
    {"flag-erlang-aht-negative", {{NULL, NULL, 0}}, {"erlang", "--rate", "2/s", "--aht", "-3m", "--agents", "400"}, 2, {"--aht", "'-3m'"}},
    {"flag-erlang-target-150", {{NULL, NULL, 0}}, {"erlang", "--rate", "2/s", "--aht", "3m", "--target", "150%"}, 2, {"--target", "150%"}},
    {"flag-fit-no-output", {{"l.csv", OK_LOG, 0}}, {"fit", "l.csv"}, 2, {"-o"}},
    {"flag-fit-output-dot", {{"l.csv", OK_LOG, 0}}, {"fit", "l.csv", "-o", ".", "--force"}, 2, {"'.'"}},
    {"flag-fit-output-folder", {{"l.csv", OK_LOG, 0}, {"d/x", "", 0}}, {"fit", "l.csv", "-o", "d", "--force"}, 2, {"'d'", "folder"}},
    {"flag-fit-output-slash", {{"l.csv", OK_LOG, 0}}, {"fit", "l.csv", "-o", "new/"}, 2, {"'new/'"}},
    {"flag-fit-output-exists", {{"l.csv", OK_LOG, 0}, {"f.yaml", "mine", 0}}, {"fit", "l.csv", "-o", "f.yaml"}, 2, {"'f.yaml'", "--force"}},
    {"flag-fit-charts-exist", {{"l.csv", OK_LOG, 0}, {"f-charts/x.png", "mine", 0}}, {"fit", "l.csv", "-o", "f.yaml"}, 2,
     {"'f-charts'", "--force"}},
    {"flag-fit-charts-same-as-output", {{"l.csv", OK_LOG, 0}}, {"fit", "l.csv", "-o", "f.yaml", "--charts", "f.yaml"}, 2, {"--charts"}},
    {"flag-fit-name-empty", {{"l.csv", OK_LOG, 0}}, {"fit", "l.csv", "-o", "f.yaml", "--name", ""}, 2, {"--name"}},
    {"flag-fit-name-not-utf8", {{"l.csv", OK_LOG, 0}}, {"fit", "l.csv", "-o", "f.yaml", "--name", "caf\xe9"}, 2,
     {"--name", "UTF-8"}},
    {"flag-fit-name-too-long", {{"l.csv", OK_LOG, 0}},
     {"fit", "l.csv", "-o", "f.yaml", "--name",
      "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"},
     2, {"--name", "too long"}},
    {"flag-unknown-command", {{NULL, NULL, 0}}, {"frobnicate"}, 2, {"frobnicate"}},
    {"flag-report-extra-arg", {{NULL, NULL, 0}}, {"report", "a", "b"}, 2, {"'b'"}},
};

#define N_CASES (sizeof cases / sizeof cases[0])

/* ------------------------------------------------------------------------------------------
 * Running
 * ---------------------------------------------------------------------------------------- */

/* The cases run in a child process each (see test_corpus), where cmocka's asserts must not be
 * used: a failure there would run the group teardown in the child.  This one just exits. */
#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
            _exit(3);                                                                     \
        }                                                                                 \
    } while (0)

typedef struct out {
    int code;
    char *err;
} out;

static char *slurp_fd(int fd)
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

/* Runs callsim in dir with a time limit; stdout is discarded, stderr captured. */
static out run_in(const char *dir, const char *const *args)
{
    int pe[2];
    CHECK(pipe(pe) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(pe[1], 2);
        close(pe[0]);
        if (chdir(dir) != 0) _exit(126);
        const char *argv[32];
        size_t n = 0;
        argv[n++] = binpath;
        for (size_t i = 0; args[i] && n < 31; i++) argv[n++] = args[i];
        argv[n] = NULL;
        alarm(20); /* survives exec: a hang ends as SIGALRM */
        execv(binpath, (char *const *)argv);
        _exit(127);
    }
    close(pe[1]);
    out o;
    o.err = slurp_fd(pe[0]);
    close(pe[0]);
    int status;
    waitpid(pid, &status, 0);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return o;
}

/* FNV-1a of a file's bytes, to see a content change without keeping the content. */
static unsigned long long hash_file(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (!f) return 0;
    unsigned long long h = 1469598103934665603ULL;
    int c;
    while ((c = fgetc(f)) != EOF) {
        h ^= (unsigned char)c;
        h *= 1099511628211ULL;
    }
    fclose(f);
    return h;
}

static int cmp_name(const void *a, const void *b) { return strcmp(a, b); }

/* Every entry under dir (hidden ones too), sorted: "path type size hash mtime". */
static void snapshot_into(const char *dir, const char *rel, char **buf, size_t *len, size_t *cap)
{
    char path[2048];
    snprintf(path, sizeof path, "%s%s%s", dir, rel[0] ? "/" : "", rel);
    DIR *d = opendir(path);
    if (!d) return;
    char names[256][256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) snprintf(names[n++], 256, "%s", e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_name);
    for (size_t i = 0; i < n; i++) {
        char r[1024], p[3072];
        snprintf(r, sizeof r, "%.500s%s%.255s", rel, rel[0] ? "/" : "", names[i]);
        snprintf(p, sizeof p, "%s/%s", dir, r);
        struct stat st;
        if (lstat(p, &st) != 0) continue;
        char line[1400];
        int k = snprintf(line, sizeof line, "%s %o %lld %llx %lld.%09ld\n", r, (unsigned)st.st_mode, (long long)st.st_size,
                         S_ISREG(st.st_mode) ? hash_file(p) : 0ULL, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        while (*len + (size_t)k + 1 > *cap) *buf = realloc(*buf, *cap *= 2);
        memcpy(*buf + *len, line, (size_t)k + 1);
        *len += (size_t)k;
        if (S_ISDIR(st.st_mode)) snapshot_into(dir, r, buf, len, cap);
    }
}

static char *snapshot(const char *dir)
{
    size_t cap = 4096, len = 0;
    char *b = malloc(cap);
    b[0] = 0;
    snapshot_into(dir, "", &b, &len, &cap);
    return b;
}

static void make_parents(const char *path)
{
    char p[2048];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0777);
            *s = '/';
        }
}

static void write_bytes(const char *path, const char *text, size_t len)
{
    make_parents(path);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(text, 1, len, f) == len);
    fclose(f);
}

/* Text of the generated inputs, chosen by case id. */
static const char *generated(const hcase *c)
{
    if (strcmp(c->id, "yaml-billion-laughs") == 0) return laughs;
    if (strcmp(c->id, "yaml-deep-nesting") == 0) return deep_yaml;
    if (strcmp(c->id, "report-summary-deep") == 0) return deep_json;
    return NULL;
}

static int run_case(const hcase *c, size_t index)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/case%03zu", tmpdir, index);
    CHECK(mkdir(dir, 0777) == 0);
    for (size_t i = 0; i < 4 && c->files[i].path; i++) {
        const file_spec *f = &c->files[i];
        char p[1024];
        if (f->path[0] == '@') { /* a symbolic link: @NAME -> text */
            snprintf(p, sizeof p, "%s/%s", dir, f->path + 1);
            CHECK(symlink(f->text, p) == 0);
            continue;
        }
        snprintf(p, sizeof p, "%s/%s", dir, f->path);
        const char *text = f->text ? f->text : generated(c);
        CHECK(text != NULL);
        write_bytes(p, text, f->len ? f->len : strlen(text));
    }
    char *before = snapshot(dir);
    out o = run_in(dir, c->argv);
    char *after = snapshot(dir);
    int ok = o.code == c->code;
    for (size_t k = 0; k < 3 && c->expect[k]; k++)
        if (!strstr(o.err, c->expect[k])) ok = 0;
    if (strcmp(before, after) != 0) ok = 0;
    /* HOSTILE_VERBOSE=1 prints every case's messages, to review them. */
    if (getenv("HOSTILE_VERBOSE")) fprintf(stderr, "== %s (exit %d)\n%s", c->id, o.code, o.err);
    if (!ok) {
        fprintf(stderr, "case %s: exit %d (expected %d)\nstderr:\n%s", c->id, o.code, c->code, o.err);
        for (size_t k = 0; k < 3 && c->expect[k]; k++)
            if (!strstr(o.err, c->expect[k])) fprintf(stderr, "  missing in stderr: %s\n", c->expect[k]);
        if (strcmp(before, after) != 0) fprintf(stderr, "  the folder changed:\nbefore:\n%safter:\n%s", before, after);
    }
    free(before);
    free(after);
    free(o.err);
    return ok ? 0 : 1;
}

/* ------------------------------------------------------------------------------------------ */

static void test_corpus_size_and_ids(void **st)
{
    (void)st;
    /* At least 60 distinct inputs, ids unique, every case checks a message. */
    assert_true(N_CASES >= 60);
    for (size_t i = 0; i < N_CASES; i++) {
        assert_non_null(cases[i].expect[0]);
        for (size_t j = i + 1; j < N_CASES; j++)
            if (strcmp(cases[i].id, cases[j].id) == 0) fail_msg("duplicate case %s", cases[i].id);
    }
}

static void test_corpus(void **st)
{
    (void)st;
    size_t failed = 0;
    for (size_t i = 0; i < N_CASES; i++) {
        pid_t pid = fork();
        /* One child per case, so a failed assertion in one case still lets the others run
         * and report. */
        if (pid == 0) _exit(run_case(&cases[i], i));
        int status;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "FAILED: %s\n\n", cases[i].id);
            failed++;
        }
    }
    if (failed) fail_msg("%zu of %zu hostile cases failed", failed, N_CASES);
}

static int setup(void **st)
{
    (void)st;
    const char *b = getenv("CALLSIM");
    b = b && *b ? b : "./callsim";
    /* The cases run in folders of their own: the binary's path must not be relative. */
    if (b[0] == '/') {
        snprintf(binpath, sizeof binpath, "%s", b);
    } else {
        char cwd[PATH_MAX - 300];
        if (!getcwd(cwd, sizeof cwd)) return -1;
        snprintf(binpath, sizeof binpath, "%s/%.200s", cwd, b);
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/callsim-hostile-XXXXXX");
    if (!mkdtemp(tmpdir)) return -1;
    /* Billion laughs: nine levels of ten aliases each, 10^9 nodes if expanded. */
    size_t cap = 1 << 16, n = 0;
    laughs = malloc(cap);
    n += (size_t)snprintf(laughs + n, cap - n, "name: lol\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++)
        n += (size_t)snprintf(laughs + n, cap - n, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i,
                              i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    /* 100,000 nested flow sequences. */
    enum { DEPTH = 100000 };
    deep_yaml = malloc(2 * DEPTH + 32);
    n = (size_t)sprintf(deep_yaml, "name: ");
    for (int i = 0; i < DEPTH; i++) deep_yaml[n++] = '[';
    for (int i = 0; i < DEPTH; i++) deep_yaml[n++] = ']';
    deep_yaml[n++] = '\n';
    deep_yaml[n] = 0;
    deep_json = malloc(2 * DEPTH + 32);
    n = 0;
    for (int i = 0; i < DEPTH; i++) deep_json[n++] = '[';
    for (int i = 0; i < DEPTH; i++) deep_json[n++] = ']';
    deep_json[n] = 0;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    free(laughs);
    free(deep_yaml);
    free(deep_json);
    return cs_outdir_remove_tree(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_size_and_ids),
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
