#!/usr/bin/env bash
# bench/enter.sh: entering a named set.
#  1. `nsset enter NAME -- /bin/true` against `nsenter -t PID -a /bin/true` (util-linux, the same
#     namespaces: user, mnt, uts, ipc, net, pid with a fork), same hyperfine run; the ratio
#     (goal: at most 0.8); then the CPU time (perf stat task-clock), and both run by run
#     interleaved (bench/alternate.c: wall and CPU ratios).
#  2. `nsset enter` with 1, 10, 100 and 1,000 sets in the registry (goal: flat, the largest at
#     most 1.1x the smallest).
#  3. `nsset ls` with 1, 10, 100 and 1,000 sets (time and growth).
# Every set it makes is released at the end.
# Usage: NSSET=build/cli/nsset bench/enter.sh [RUNS]
set -eu
NSSET=${NSSET:-build/cli/nsset}
NSSET=$(readlink -f "$NSSET")
BENCH=$(cd "$(dirname "$0")" && pwd)
RUNS=${1:-300}
out=$(mktemp -d /tmp/nsset-bench.XXXXXX)
REG=$out/reg
filler_pid=
cleanup() {
	local d r
	for r in "$REG" "$out"/reg*; do
		for d in "$r"/*/; do [ -d "$d" ] && basename "$d"; done | xargs -r "$NSSET" release --registry "$r"
	done
	[ -n "$filler_pid" ] && { kill -9 "$filler_pid"; wait "$filler_pid"; } 2>/dev/null
	rm -rf "$out"
}
trap cleanup EXIT
cd /

median() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .median * 1000' "$1"; }

"$NSSET" run --registry "$REG" --name bench -U --map-root -p -m -u -i -n
holder=$(sed -n 's/^holder=//p' "$REG/bench/meta")

enter_cmd="$NSSET enter --registry $REG bench -- /bin/true"
nsenter_cmd="nsenter -t $holder -a /bin/true"
hyperfine -N --style basic --warmup 20 --runs "$RUNS" --export-json "$out/e.json" \
	-n nsset "$enter_cmd" -n nsenter "$nsenter_cmd" >"$out/e.txt" 2>&1 || { cat "$out/e.txt"; exit 1; }
n=$(median "$out/e.json" nsset) u=$(median "$out/e.json" nsenter)
echo "nsset enter vs nsenter -a: $RUNS runs each, hyperfine -N, $(nproc) cores, $(uname -r)"
printf '  %-8s %9.3f ms  %s\n' nsset "$n" "nsset enter NAME -- /bin/true (set: -U --map-root -pmuin, holder alive)"
printf '  %-8s %9.3f ms  %s\n' nsenter "$u" "nsenter -t HOLDER -a /bin/true"
awk -v n="$n" -v u="$u" 'BEGIN { printf "  ratio nsset/nsenter: %.2f (goal: at most 0.80)\n", n / u }'
# CPU time of the whole run (every process), which a loaded machine disturbs less.
if command -v perf >/dev/null && perf stat -x, -e task-clock true >/dev/null 2>&1; then
	cpu() { perf stat -r "$RUNS" -x, -e task-clock "$@" 2>&1 >/dev/null | cut -d, -f1; }
	cn=$(cpu $enter_cmd) cu=$(cpu $nsenter_cmd)
	awk -v n="$cn" -v u="$cu" 'BEGIN { printf "  CPU time (perf stat task-clock, mean): nsset %.3f ms, nsenter %.3f ms, ratio %.2f\n", n, u, n / u }'
fi

# Run by run interleaved (bench/alternate.c): a change of load hits both alike.
if cc -O2 -o "$out/alternate" "$BENCH/alternate.c"; then
	"$out/alternate" "$RUNS" $enter_cmd \; $nsenter_cmd >"$out/alt.txt" || { cat "$out/alt.txt"; exit 1; }
	echo "  interleaved, run by run (bench/alternate.c), $RUNS runs each:"
	sed "s|$NSSET|nsset|; s/^/  /" "$out/alt.txt"
	awk '$1 == 1 {w = $2; c = $6} $1 == 2 {printf "  ratio nsset/nsenter (interleaved): wall %.2f (median), cpu %.2f (mean)\n", w / $2, c / $6}' "$out/alt.txt"
fi

# Registries of 1, 10, 100 and 1,000 sets, each with the set "bench" (the same holder) and
# fillers (the UTS namespace of one sleeping process under many names); the sizes are
# measured together in one hyperfine run, three times over.
unshare -u sleep 100000 </dev/null >/dev/null 2>&1 &
filler_pid=$!
sleep 0.2
sizes="1 10 100 1000"
enter_args=() ls_args=()
for size in $sizes; do
	r=$out/reg$size
	"$NSSET" bind --registry "$r" bench "$holder"
	for ((i = 1; i < size; i++)); do "$NSSET" bind --registry "$r" "f$i" "$filler_pid" uts; done
	enter_args+=(-n "enter-$size" "$NSSET enter --registry $r bench -- /bin/true")
	ls_args+=(-n "ls-$size" "$NSSET ls --registry $r")
done
# Three rounds; per command the lowest median (a loaded machine only ever adds time).
for round in 1 2 3; do
	hyperfine -N --style basic --warmup 10 --runs "$RUNS" --export-json "$out/s$round.json" \
		"${enter_args[@]}" >/dev/null 2>&1
	hyperfine -N --style basic --warmup 3 --runs $((RUNS / 5 > 10 ? RUNS / 5 : 10)) \
		--export-json "$out/l$round.json" "${ls_args[@]}" >/dev/null 2>&1
done
jq -s '{results: [.[].results[]] | group_by(.command) | map(min_by(.median))}' \
	"$out"/s[123].json >"$out/s.json"
jq -s '{results: [.[].results[]] | group_by(.command) | map(min_by(.median))}' \
	"$out"/l[123].json >"$out/l.json"
echo "sets in the registry:   enter (median ms)   ls (median ms)"
for size in $sizes; do
	printf '  %5d %20.3f %16.3f\n' "$size" "$(median "$out/s.json" "enter-$size")" \
		"$(median "$out/l.json" "ls-$size")"
done
awk -v a="$(median "$out/s.json" enter-1)" -v b="$(median "$out/s.json" enter-1000)" \
    -v c="$(median "$out/l.json" ls-1)" -v d="$(median "$out/l.json" ls-1000)" 'BEGIN {
	printf "  enter, 1000 sets / 1 set: %.2f (goal: at most 1.10)\n", b / a
	printf "  ls, 1000 sets / 1 set: %.1fx (%.1f us per set beyond the first)\n", d / c, (d - c) * 1000 / 999 }'
