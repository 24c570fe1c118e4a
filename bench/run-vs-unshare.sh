#!/usr/bin/env bash
# bench/run-vs-unshare.sh: `nsset run` against util-linux unshare(1) and bubblewrap doing the
# same work.  Three measurements, because the machine is shared and wall time is noisy:
#  1. hyperfine -N in ROUNDS rounds (the order of the three rotated every round): the median
#     over rounds of each median, the median of the rounds' ratios, the CPU time of the whole
#     process tree (user + system, from hyperfine), the peak memory (/usr/bin/time -v) and the
#     system calls (strace -f -c);
#  2. nsset and unshare run by run interleaved (bench/alternate.c, one run of each in turn):
#     median, 10th percentile and minimum wall time, median and mean CPU time, ratios;
#  3. CPU time with perf stat -e task-clock -r RUNS (whole tree), when perf works.
# The goal is a ratio nsset/unshare of at most 0.8.
# Usage: NSSET=build/cli/nsset [ROUNDS=10] bench/run-vs-unshare.sh [RUNS]
set -eu
NSSET=${NSSET:-build/cli/nsset}
NSSET=$(readlink -f "$NSSET")
BENCH=$(cd "$(dirname "$0")" && pwd)
RUNS=${1:-300}
out=$(mktemp -d /tmp/nsset-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
cd /

nsset_cmd="$NSSET run -Upimnu --map-root --mount-proc /bin/true"
unshare_cmd="unshare -Upimnuf --mount-proc -r /bin/true"
bwrap_cmd="bwrap --unshare-all --ro-bind / / /bin/true"

# Several rounds, each running the three one after the other, so that a change of load on a
# shared machine hits all three alike; the figure is the median over rounds of each round's
# median, and the ratio the median of the rounds' ratios.
ROUNDS=${ROUNDS:-10}
# A round is tried again when a command fails (bwrap's recursive bind of / fails when another
# program unmounts something under it meanwhile, as tests running at the same time do).
names=(nsset unshare bwrap) cmds=("$nsset_cmd" "$unshare_cmd" "$bwrap_cmd")
for ((r = 0; r < ROUNDS; r++)); do
	args=()
	for ((j = 0; j < 3; j++)); do
		i=$(((j + r) % 3))
		args+=(-n "${names[$i]}" "${cmds[$i]}")
	done
	for try in 1 2 3; do
		hyperfine -N --style basic --warmup 10 --runs $((RUNS / ROUNDS)) --export-json "$out/h$r.json" \
			"${args[@]}" >"$out/h.txt" 2>&1 && break
		[ "$try" = 3 ] && { cat "$out/h.txt"; exit 1; }
	done
done
median_of() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
median() { # NAME: the median over rounds of the round's median, in ms
	for f in "$out"/h*.json; do
		jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$f"
	done | median_of
}
ratio() { # A B: the median over rounds of median(A)/median(B)
	for f in "$out"/h*.json; do
		jq -r --arg a "$1" --arg b "$2" '([.results[] | select(.command == $a) | .median][0]) /
			([.results[] | select(.command == $b) | .median][0])' "$f"
	done | median_of
}
cpu() { # NAME: user + system time of the whole process tree, median over rounds of the means
	for f in "$out"/h*.json; do
		jq -r --arg n "$1" '.results[] | select(.command == $n) | (.user + .system) * 1000' "$f"
	done | median_of
}
n=$(median nsset) u=$(median unshare) b=$(median bwrap)
nc=$(cpu nsset) uc=$(cpu unshare) bc=$(cpu bwrap)
ru=$(ratio nsset unshare) rb=$(ratio nsset bwrap)

peak() { # the maximum resident set size, in kB, of the whole run (the largest process)
	/usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'
}
syscalls() { # system calls made by every process of the run
	command -v strace >/dev/null || { echo "-"; return; }
	strace -f -c -o "$out/s.txt" "$@" >/dev/null 2>&1
	awk '$NF == "total" {print $(NF-2) ~ /^[0-9]+$/ && $(NF-1) ~ /^[0-9]+$/ ? $(NF-2) : $(NF-1)}' "$out/s.txt"
}

echo "nsset run vs unshare(1) vs bwrap: $RUNS runs each in $ROUNDS rounds, hyperfine -N, $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %10s %8s %12s %9s  %s\n' "" "median ms" "cpu ms" "peak RSS kB" "syscalls" "command"
printf '%-8s %10.2f %8.2f %12s %9s  %s\n' nsset "$n" "$nc" "$(peak $nsset_cmd)" "$(syscalls $nsset_cmd)" "${nsset_cmd/$NSSET/nsset}"
printf '%-8s %10.2f %8.2f %12s %9s  %s\n' unshare "$u" "$uc" "$(peak $unshare_cmd)" "$(syscalls $unshare_cmd)" "$unshare_cmd"
printf '%-8s %10.2f %8.2f %12s %9s  %s\n' bwrap "$b" "$bc" "$(peak $bwrap_cmd)" "$(syscalls $bwrap_cmd)" "$bwrap_cmd"
awk -v a="$nc" -v b="$uc" -v r="$ru" 'BEGIN { printf "ratio nsset/unshare: wall %.2f, cpu %.2f (goal: at most 0.80)\n", r, a / b }'
printf 'ratio nsset/bwrap:   wall %.2f\n' "$rb"

# 2. Run by run interleaved: a change of load hits every command alike.
if cc -O2 -o "$out/alternate" "$BENCH/alternate.c"; then
	echo "interleaved, run by run (bench/alternate.c), $RUNS runs each; ratios to nsset:"
	"$out/alternate" "$RUNS" $nsset_cmd \; $unshare_cmd |
		sed "s|$NSSET|nsset|" >"$out/alt.txt" || { cat "$out/alt.txt"; exit 1; }
	cat "$out/alt.txt"
	awk '$1 == 1 {w = $2; c = $6} $1 == 2 {printf "ratio nsset/unshare (interleaved): wall %.2f (median), cpu %.2f (mean)\n", w / $2, c / $6}' "$out/alt.txt"
fi

# 3. CPU time of the whole process tree with perf (task-clock), when perf works here.
if command -v perf >/dev/null && perf stat -x, -e task-clock true >/dev/null 2>&1; then
	tc() { perf stat -r "$RUNS" -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1}'; }
	tn=$(tc $nsset_cmd) tu=$(tc $unshare_cmd)
	awk -v n="$tn" -v u="$tu" 'BEGIN { printf "perf stat task-clock (mean of %d): nsset %.3f ms, unshare %.3f ms, ratio %.2f\n", '"$RUNS"', n, u, n / u }'
fi
