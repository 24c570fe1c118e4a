#!/usr/bin/env bash
# bench/oci.sh: the OCI runtime.  `nsset run` against `crun run` and `runc run` on the same
# bundle (the default config.json of `nsset spec`, args /bin/true, no terminal, the busybox
# root filesystem), in the same hyperfine run; prints medians, ratios (goal: nsset at most 0.4x
# crun) and peak memory.
#
# crun 1.8.1 refuses this machine's hybrid cgroup layout, so the hyperfine run happens inside
# `unshare -m` with /sys/fs/cgroup/unified unmounted (cgroup v1 only) for all three runtimes
# alike, then nsset and crun again in the other order; nsset is also measured alone on the real
# hybrid layout.  The interleaved part adds copies of nsset and crun on a read-only mount
# (neither then protects its binary by other means).
# nsset is the default build (build/, static musl); with NSSET_GLIBC (default
# build-glibc/cli/nsset, when it exists: `make build-glibc`), the glibc build is measured beside
# it as nsset-glibc.
# Usage: NSSET=build/cli/nsset ROOTFS=build-rootfs/rootfs bench/oci.sh [RUNS]
set -eu
BENCH=$(cd "$(dirname "$0")" && pwd)
NSSET=$(readlink -f "${NSSET:-build/cli/nsset}")
NSSET_GLIBC=$(readlink -f "${NSSET_GLIBC:-build-glibc/cli/nsset}" 2>/dev/null || true)
[ -x "$NSSET_GLIBC" ] || NSSET_GLIBC=
ROOTFS=$(readlink -f "${ROOTFS:-build-rootfs/rootfs}")
RUNS=${1:-200}
for t in hyperfine crun runc jq; do
	command -v $t >/dev/null || { echo "bench/oci.sh: $t is not installed" >&2; exit 1; }
done
# State roots on a tmpfs, as /run is on a usual system and where every runtime keeps its state
# by default (on this machine /run is on the ext4 root: a state directory made and removed
# there costs each runtime ~0.4 ms of ext4 work per container, not a runtime's own cost).
# Each measurement runs in `unshare -m` with a tmpfs mounted on $out/state.
out=$(mktemp -d /run/nsset-bench-oci.XXXXXX)
mkdir "$out/state"
tmpfs="mount -t tmpfs -o size=64m nsset-bench $out/state"
# The state went with its tmpfs; a run cut short may leave a cgroup.
trap 'find /sys/fs/cgroup -maxdepth 4 -depth -type d -name "*bench-*" -exec rmdir {} + 2>/dev/null; rm -rf "$out"' EXIT
mkdir -p "$out/bundle"
(cd "$out/bundle" && "$NSSET" spec)
sed -i -e 's|"terminal": true|"terminal": false|' -e 's|"args": \[ "sh" \]|"args": [ "/bin/true" ]|' \
	-e "s|\"path\": \"rootfs\"|\"path\": \"$ROOTFS\"|" "$out/bundle/config.json"
cd "$out/bundle"

cmd() { echo "$1 --root $out/state/$1 run --bundle $out/bundle bench-$1"; }
nsset_cmd="$NSSET --root $out/state/nsset run --bundle $out/bundle bench-nsset"
crun_cmd=$(cmd crun)
glibc_cmd=${NSSET_GLIBC:+$NSSET_GLIBC --root $out/state/nsset-glibc run --bundle $out/bundle bench-nsset-glibc}
# hyperfine's and alternate's arguments for it, or none
glibc_h=${NSSET_GLIBC:+"-n nsset-glibc '$glibc_cmd'"}
glibc_a=${NSSET_GLIBC:+\\; $glibc_cmd}
runc_cmd=$(cmd runc)

# The floor: the same five namespaces made and left by unshare(1), with no root filesystem,
# cgroup, state or security set-up.
floor_cmd="unshare -m -n -p -i -u -f /bin/true"
unshare -m sh -c "umount /sys/fs/cgroup/unified && $tmpfs && exec hyperfine -N --style basic --warmup 10 --runs $RUNS \
	--export-json $out/h.json -n nsset '$nsset_cmd' -n crun '$crun_cmd' $glibc_h -n runc '$runc_cmd' \
	-n floor '$floor_cmd'" >"$out/h.txt" 2>&1 ||
	{ cat "$out/h.txt"; exit 1; }
# The same again, each nsset on the other side of crun's block: a change of this shared
# machine's speed between the blocks of one hyperfine run shows as a different ratio, and the
# mean of the two orders cancels a steady one.  (nsset-glibc: right after crun's block in the
# first run, right before it in this one.)
unshare -m sh -c "umount /sys/fs/cgroup/unified && $tmpfs && exec hyperfine -N --style basic --warmup 10 --runs $RUNS \
	--export-json $out/rev.json $glibc_h -n crun '$crun_cmd' -n nsset '$nsset_cmd'" >"$out/h3.txt" 2>&1 ||
	{ cat "$out/h3.txt"; exit 1; }
unshare -m sh -c "$tmpfs && exec hyperfine -N --style basic --warmup 10 --runs $RUNS \
	--export-json $out/hybrid.json -n nsset-hybrid '$nsset_cmd'" >"$out/h2.txt" 2>&1 ||
	{ cat "$out/h2.txt"; exit 1; }
median() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .median * 1000' "$1"; }
n=$(median "$out/h.json" nsset) c=$(median "$out/h.json" crun) r=$(median "$out/h.json" runc)
f=$(median "$out/h.json" floor)
nh=$(median "$out/hybrid.json" nsset-hybrid)
n2=$(median "$out/rev.json" nsset) c2=$(median "$out/rev.json" crun)

peak() { # the largest resident set of the run's processes, kB
	unshare -m sh -c "umount /sys/fs/cgroup/unified && $tmpfs && /usr/bin/time -v $* 2>&1 >/dev/null" |
		sed -n 's/.*Maximum resident set size (kbytes): //p'
}

echo "OCI run of /bin/true: $RUNS runs each, hyperfine -N, $(nproc) cores, $(uname -r)"
echo "(nsset, crun, runc in one hyperfine run inside unshare -m, cgroup v1 only)"
printf '%-14s %10s %12s  %s\n' "" "median ms" "peak RSS kB" "command"
printf '%-14s %10.2f %12s  %s\n' nsset "$n" "$(peak $nsset_cmd)" "nsset run"
printf '%-14s %10.2f %12s  %s\n' crun "$c" "$(peak $crun_cmd)" "crun $(crun --root "$out/state/crun" --version | head -1 | awk '{print $3}') run"
printf '%-14s %10.2f %12s  %s\n' runc "$r" "$(peak $runc_cmd)" "runc $(runc --version | head -1 | awk '{print $3}') run"
printf '%-14s %10.2f %12s  %s\n' floor "$f" "$(peak $floor_cmd)" "$floor_cmd (namespaces only)"
printf '%-14s %10.2f %12s  %s\n' nsset-hybrid "$nh" "-" "nsset run on the hybrid layout (v1 + v2 unified)"
printf '%-14s %10.2f %12s  %s\n' crun "$c2" "" "again, in a second hyperfine run"
printf '%-14s %10.2f %12s  %s\n' nsset "$n2" "" "there right after crun's block"
if [ -n "$NSSET_GLIBC" ]; then
	m=$(median "$out/h.json" nsset-glibc) m2=$(median "$out/rev.json" nsset-glibc)
	printf '%-14s %10.2f %12s  %s\n' nsset-glibc "$m" "$(peak $glibc_cmd)" "the glibc build, right after crun's first block"
	printf '%-14s %10.2f %12s  %s\n' nsset-glibc "$m2" "" "and right before its second"
fi
awk -v n="$n" -v c="$c" -v r="$r" -v n2="$n2" -v c2="$c2" -v m="${m:-0}" -v m2="${m2:-0}" 'BEGIN {
	printf "ratio nsset/crun: %.2f nsset first, %.2f crun first, %.2f mean (goal: at most 0.40)\n",
		n / c, n2 / c2, (n / c + n2 / c2) / 2
	if (m > 0)
		printf "ratio nsset-glibc/crun: %.2f crun first, %.2f nsset-glibc first, %.2f mean\n",
			m / c, m2 / c2, (m / c + m2 / c2) / 2
	printf "ratio nsset/runc: %.2f\n", n / r }'

# Run by run interleaved (bench/alternate.c: one run of each in turn, the order rotated every
# round), in the same unshare -m environment and state directories: a change of load on this
# shared machine hits all of them alike.  Wall and CPU (whole process tree) ratios to nsset.
# Also copies of nsset and crun bound read-only onto themselves (an installation on a read-only
# /usr): nsset's `run` then needs no nsset-dmz (docs/oci-sec.md), crun skips its own copy.
cp "$NSSET" "$out/nsset-ro" && cp "$(command -v crun)" "$out/crun-ro"
ro="mount --bind $out/nsset-ro $out/nsset-ro && mount -o remount,bind,ro $out/nsset-ro && \
	mount --bind $out/crun-ro $out/crun-ro && mount -o remount,bind,ro $out/crun-ro"
nsset_ro_cmd="$out/nsset-ro --root $out/state/nsset-ro run --bundle $out/bundle bench-nsset-ro"
crun_ro_cmd="$out/crun-ro --root $out/state/crun-ro run --bundle $out/bundle bench-crun-ro"
if cc -O2 -o "$out/alternate" "$BENCH/alternate.c"; then
	echo "interleaved, run by run (bench/alternate.c), $RUNS runs each; ratios to nsset:"
	unshare -m sh -c "umount /sys/fs/cgroup/unified && $tmpfs && $ro && exec $out/alternate $RUNS \
		$nsset_cmd \\; $crun_cmd \\; $runc_cmd \\; $floor_cmd \\; $nsset_ro_cmd \\; $crun_ro_cmd $glibc_a" ||
		exit 1
	echo "(5, 6: the binaries of nsset and crun on a read-only mount${NSSET_GLIBC:+; 7: the glibc build})"
	# In a row, as hyperfine runs them (each run meets its own previous run's deferred kernel
	# work: the network namespace's cleanup, the cgroups' release), but in blocks of 100 that
	# take turns, so that the machine's drift between hyperfine's blocks does not count.
	# (Shorter blocks flatter nsset: crun's block gives the kernel time to finish nsset's
	# deferred work, which then does not meet nsset's next block; at 25, 0.37-0.38 where 100
	# gives 0.39-0.40.)
	echo "in a row, blocks of 100 runs taking turns (bench/alternate.c -b 100), $((RUNS * 2)) runs each:"
	unshare -m sh -c "umount /sys/fs/cgroup/unified && $tmpfs && exec $out/alternate -b 100 $((RUNS * 2)) \
		$nsset_cmd \\; $crun_cmd $glibc_a" | tee "$out/blocks.txt" || exit 1
	awk '$1 == 2 { c = $7 } $1 == 3 { m = $7 }
		END { printf "ratio nsset/crun in a row, blocks taking turns: %.2f (goal: at most 0.40)\n", 1 / c
		      if (m) printf "ratio nsset-glibc/crun in a row, blocks taking turns: %.2f\n", m / c }' \
		"$out/blocks.txt"
fi
