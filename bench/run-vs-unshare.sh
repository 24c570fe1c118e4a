#!/usr/bin/env bash
# bench/run-vs-unshare.sh: `nsset run` against util-linux unshare(1) and bubblewrap doing the
# same work, in the same hyperfine run; prints the medians, the ratio nsset/unshare (goal: at
# most 0.8), the peak memory (/usr/bin/time -v) and the system calls (strace -f -c).
# Usage: NSSET=build/cli/nsset [ROUNDS=5] bench/run-vs-unshare.sh [RUNS]
set -eu
NSSET=${NSSET:-build/cli/nsset}
NSSET=$(readlink -f "$NSSET")
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
ROUNDS=${ROUNDS:-5}
for ((r = 0; r < ROUNDS; r++)); do
	hyperfine -N --style basic --warmup 10 --runs $((RUNS / ROUNDS)) --export-json "$out/h$r.json" \
		-n nsset "$nsset_cmd" -n unshare "$unshare_cmd" -n bwrap "$bwrap_cmd" >"$out/h.txt" 2>&1 ||
		{ cat "$out/h.txt"; exit 1; }
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
n=$(median nsset) u=$(median unshare) b=$(median bwrap)
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
printf '%-8s %12s %12s %14s  %s\n' "" "median ms" "peak RSS kB" "syscalls" "command"
printf '%-8s %12.2f %12s %14s  %s\n' nsset "$n" "$(peak $nsset_cmd)" "$(syscalls $nsset_cmd)" "${nsset_cmd/$NSSET/nsset}"
printf '%-8s %12.2f %12s %14s  %s\n' unshare "$u" "$(peak $unshare_cmd)" "$(syscalls $unshare_cmd)" "$unshare_cmd"
printf '%-8s %12.2f %12s %14s  %s\n' bwrap "$b" "$(peak $bwrap_cmd)" "$(syscalls $bwrap_cmd)" "$bwrap_cmd"
printf 'ratio nsset/unshare: %.2f (goal: at most 0.80)\nratio nsset/bwrap:   %.2f\n' "$ru" "$rb"
