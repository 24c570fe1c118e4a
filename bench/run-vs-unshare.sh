#!/usr/bin/env bash
# bench/run-vs-unshare.sh: `nsset run` against util-linux unshare(1) and bubblewrap doing the
# same work, in the same hyperfine run; prints the medians, the ratio nsset/unshare (goal: at
# most 0.8), the peak memory (/usr/bin/time -v) and the system calls (strace -f -c).
# Usage: NSSET=build/cli/nsset bench/run-vs-unshare.sh [RUNS]
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

hyperfine -N --style basic --warmup 20 --runs "$RUNS" --export-json "$out/h.json" \
	-n nsset "$nsset_cmd" -n unshare "$unshare_cmd" -n bwrap "$bwrap_cmd" >"$out/h.txt" 2>&1 ||
	{ cat "$out/h.txt"; exit 1; }

median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$out/h.json"; }
n=$(median nsset) u=$(median unshare) b=$(median bwrap)

peak() { # the maximum resident set size, in kB, of the whole run (the largest process)
	/usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'
}
syscalls() { # system calls made by every process of the run
	command -v strace >/dev/null || { echo "-"; return; }
	strace -f -c -o "$out/s.txt" "$@" >/dev/null 2>&1
	awk '$NF == "total" {print $(NF-2) ~ /^[0-9]+$/ && $(NF-1) ~ /^[0-9]+$/ ? $(NF-2) : $(NF-1)}' "$out/s.txt"
}

echo "nsset run vs unshare(1) vs bwrap: $RUNS runs each, hyperfine -N, $(nproc) cores, $(uname -r)"
printf '%-8s %12s %12s %14s  %s\n' "" "median ms" "peak RSS kB" "syscalls" "command"
printf '%-8s %12.2f %12s %14s  %s\n' nsset "$n" "$(peak $nsset_cmd)" "$(syscalls $nsset_cmd)" "${nsset_cmd/$NSSET/nsset}"
printf '%-8s %12.2f %12s %14s  %s\n' unshare "$u" "$(peak $unshare_cmd)" "$(syscalls $unshare_cmd)" "$unshare_cmd"
printf '%-8s %12.2f %12s %14s  %s\n' bwrap "$b" "$(peak $bwrap_cmd)" "$(syscalls $bwrap_cmd)" "$bwrap_cmd"
awk -v n="$n" -v u="$u" -v b="$b" 'BEGIN {
	printf "ratio nsset/unshare: %.2f (goal: at most 0.80)\n", n / u
	printf "ratio nsset/bwrap:   %.2f\n", n / b }'
