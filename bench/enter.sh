#!/usr/bin/env bash
# bench/enter.sh: entering a named set.
#  1. `nsset enter NAME -- /bin/true` against `nsenter -t PID -a /bin/true` (util-linux, the same
#     namespaces: user, mnt, uts, ipc, net, pid with a fork), same hyperfine run; the ratio
#     (goal: at most 0.8).
#  2. `nsset enter` with 1, 10, 100 and 1,000 sets in the registry (goal: flat, the largest at
#     most 1.1x the smallest).
#  3. `nsset ls` with 1, 10, 100 and 1,000 sets (time and growth).
# Every set it makes is released at the end.
# Usage: NSSET=build/cli/nsset bench/enter.sh [RUNS]
set -eu
NSSET=${NSSET:-build/cli/nsset}
NSSET=$(readlink -f "$NSSET")
RUNS=${1:-300}
out=$(mktemp -d /tmp/nsset-bench.XXXXXX)
REG=$out/reg
filler_pid=
cleanup() {
	local d
	for d in "$REG"/*/; do [ -d "$d" ] && basename "$d"; done | xargs -r "$NSSET" release --registry "$REG"
	[ -n "$filler_pid" ] && kill -9 "$filler_pid" 2>/dev/null
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

# Filler sets: the UTS namespace of one sleeping process, under as many names as needed.
unshare -u sleep 100000 </dev/null >/dev/null 2>&1 &
filler_pid=$!
sleep 0.2
count=1   # the set "bench"
declare -A enter_ms ls_ms
for size in 1 10 100 1000; do
	while [ "$count" -lt "$size" ]; do
		"$NSSET" bind --registry "$REG" "f$count" "$filler_pid" uts
		count=$((count + 1))
	done
	hyperfine -N --style basic --warmup 10 --runs "$RUNS" --export-json "$out/s$size.json" \
		-n enter "$enter_cmd" >/dev/null 2>&1
	hyperfine -N --style basic --warmup 3 --runs $((RUNS / 10 > 10 ? RUNS / 10 : 10)) \
		--export-json "$out/l$size.json" -n ls "$NSSET ls --registry $REG" >/dev/null 2>&1
	enter_ms[$size]=$(median "$out/s$size.json" enter)
	ls_ms[$size]=$(median "$out/l$size.json" ls)
done
echo "sets in the registry:   enter (median ms)   ls (median ms)"
for size in 1 10 100 1000; do
	printf '  %5d %20.3f %16.3f\n' "$size" "${enter_ms[$size]}" "${ls_ms[$size]}"
done
awk -v a="${enter_ms[1]}" -v b="${enter_ms[1000]}" -v c="${ls_ms[1]}" -v d="${ls_ms[1000]}" 'BEGIN {
	printf "  enter, 1000 sets / 1 set: %.2f (goal: at most 1.10)\n", b / a
	printf "  ls, 1000 sets / 1 set: %.1fx (%.1f us per set)\n", d / c, (d - c) * 1000 / 999 }'
