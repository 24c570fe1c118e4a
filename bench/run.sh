#!/usr/bin/env bash
# bench/run.sh: run every benchmark bench/*.sh (except this one) against the default build.
# Benchmarks are not tests: they print figures and ratios, they do not pass or fail.
set -u
cd "$(dirname "$0")/.."
export NSSET=${NSSET:-$PWD/build/cli/nsset} ROOTFS=${ROOTFS:-$PWD/build-rootfs/rootfs}
status=0
for b in bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "== $b"
	bash "$b" || status=1
done
exit $status
