#!/bin/sh
# make bench: callsim against the floor (../shared/bench/limit_mmna.c) on the same model,
# M/M/n+M with rate 2/s, exponential handle mean 180 s, 380 handlers, exponential patience
# mean 120 s; single thread, one replication, no warm-up.  Prints ns per simulated call for
# both, the ratio, and callsim's peak memory at 10^6 and 10^7 calls.  Timing is best of 3.
set -eu
BUILD=${1:-build}
FLOOR=$BUILD/bench/limit_mmna
PEAK=$BUILD/bench/peakrss
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

best_floor() {   # calls -> ns per call (best of 3)
    best=""
    for i in 1 2 3; do
        ns=$("$FLOOR" 2 180 380 120 "$1" 1 | awk '{print $5}')
        best=$(awk -v a="$best" -v b="$ns" 'BEGIN{ if (a=="" || b<a) print b; else print a }')
    done
    echo "$best"
}

best_callsim() { # calls -> "ns_per_call peak_kb" (best time of 3, max memory)
    calls=$1
    horizon=$(awk -v c="$calls" 'BEGIN{ printf "%ds", c/2 }')
    cat > "$TMP/bench.yaml" <<YAML
name: bench M/M/n+M
horizon: $horizon
warmup: 0
replications: 1
seed: 1
lines:
  - name: "101"
    arrivals: { rate: 2/s }
    handle:   { dist: exponential, mean: 180s }
    patience: { dist: exponential, mean: 120s }
    target:   { answer_within: 10s, share: 90% }
pools:
  - name: handlers
    lines: ["101"]
    staff: 380
YAML
    best=""; peak=0
    for i in 1 2 3; do
        t0=$(date +%s.%N)
        "$PEAK" ./callsim run "$TMP/bench.yaml" --threads 1 --quiet > "$TMP/out.txt" 2> "$TMP/err.txt"
        t1=$(date +%s.%N)
        kb=$(awk '/peak_rss_kb/{print $2}' "$TMP/err.txt")
        ns=$(awk -v a="$t0" -v b="$t1" -v c="$calls" 'BEGIN{ printf "%.1f", (b-a)*1e9/c }')
        best=$(awk -v a="$best" -v b="$ns" 'BEGIN{ if (a=="" || b<a) print b; else print a }')
        [ "$kb" -gt "$peak" ] && peak=$kb
    done
    echo "$best $peak"
}

echo "== event calendar (hold model), justifying the heap arity in sim/cal.c"
"$BUILD/bench/bench_cal2" 2000000
"$BUILD/bench/bench_cal4" 2000000
echo
echo "== M/M/n+M, 2/s, AHT 180 s, 380 handlers, patience 120 s (single thread, whole process timed)"
printf "%-10s %14s %14s %8s %14s\n" calls "floor ns/call" "callsim ns/call" ratio "callsim peak"
for calls in 1000000 10000000; do
    f=$(best_floor "$calls")
    set -- $(best_callsim "$calls")
    c=$1; kb=$2
    ratio=$(awk -v a="$c" -v b="$f" 'BEGIN{ printf "%.2f", a/b }')
    printf "%-10s %14s %14s %8s %11.1f MB\n" "$calls" "$f" "$c" "$ratio" "$(awk -v k="$kb" 'BEGIN{print k/1024}')"
done
echo
echo "Targets: callsim within 3x of the floor; peak memory under 64 MB at 10^7 calls, flat from 10^6."

# Reading call logs is streamed: `callsim fit` on 10^6 and 10^7 rows must use the same memory.
# The log is generated here (about 60 bytes a row) and deleted afterwards.
echo
echo "== callsim fit on generated call logs (streamed: memory must not grow with rows)"
printf "%-10s %12s %14s %14s\n" rows seconds "rows/second" "peak memory"
for rows in 1000000 10000000; do
    awk -v n="$rows" 'BEGIN {
        srand(7); print "arrival,line,outcome,wait,handle"; t = 1704067200;
        for (i = 0; i < n; i++) {
            t += -log(1 - rand()) * 0.5;
            w = -log(1 - rand()) * 30; h = -log(1 - rand()) * 180;
            o = (rand() < 0.1) ? "abandoned_queue" : "answered";
            printf "%.3f,%s,%s,%.1f,%.1f\n", t, (i % 3 == 0) ? "999" : "101", o, w, (o == "answered") ? h : 0
        } }' > "$TMP/log.csv"
    t0=$(date +%s.%N)
    "$PEAK" ./callsim fit "$TMP/log.csv" -o "$TMP/fitted.yaml" --force --charts "$TMP/charts" > /dev/null 2> "$TMP/err.txt"
    t1=$(date +%s.%N)
    kb=$(awk '/peak_rss_kb/{print $2}' "$TMP/err.txt")
    awk -v r="$rows" -v a="$t0" -v b="$t1" -v k="$kb" 'BEGIN { printf "%-10s %12.1f %14.0f %11.1f MB\n", r, b-a, r/(b-a), k/1024 }'
    rm -f "$TMP/log.csv"
done
