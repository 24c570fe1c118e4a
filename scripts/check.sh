#!/usr/bin/env bash
# scripts/check.sh: build with -Wall -Wextra -Werror and run the whole suite against the default
# (static musl) build, then against the glibc build, again under AddressSanitizer +
# UndefinedBehaviorSanitizer, then against a build with a kind compiled out.
# The last line is the total: "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
scripts/mkrootfs.sh build-rootfs/rootfs
total_p=0 total_f=0 total_s=0
summary=()

build() { # DIR MESON-OPTIONS...
	local dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" -Dwerror=true "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
	else
		# An existing build directory gets the options too (e.g. test_hooks after `make build`).
		meson configure "$dir" -Dwerror=true "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
	fi
	ninja -j2 -C "$dir" >"$dir.build.log" 2>&1 || { cat "$dir.build.log"; return 1; }
}

suite() { # DIR [FILTER]
	local out line
	out=$(mktemp)
	tests/run.sh "$@" | tee "$out"
	line=$(tail -n 1 "$out")
	rm -f "$out"
	if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
		total_p=$((total_p + BASH_REMATCH[1]))
		total_f=$((total_f + BASH_REMATCH[2]))
		total_s=$((total_s + BASH_REMATCH[3]))
		summary+=("$(basename "$1"): $line")
	else
		total_f=$((total_f + 1))
		summary+=("$(basename "$1"): the suite did not finish")
	fi
}

# The fault injection of the tests of atomicity (NSSET_TEST_KILL_AT) is compiled in the
# builds with -Dtest_hooks=true; build-nopid keeps the default (off, as shipped): its tests of
# atomicity skip themselves and a test checks that the variable does nothing there.

# The default build (static musl: its libraries built for musl by scripts/musl-deps.sh, its
# set-up the Makefile's, make build-setup): the integration tests (the unit tests need
# cmocka, which Debian builds for glibc; they run in the glibc builds below).
if { make --no-print-directory build-setup >build.setup.log 2>&1 ||
	{ cat build.setup.log; false; }; } && build build -Dtest_hooks=true; then
	suite build
else
	total_f=$((total_f + 1)); summary+=("build: does not build")
fi

# The same against glibc (static-pie, as a plain meson setup makes it), with the unit tests.
if build build-glibc -Dtest_hooks=true; then suite build-glibc; else total_f=$((total_f + 1)); summary+=("build-glibc: does not build"); fi

export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if build build-asan -Dtest_hooks=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug; then
	suite build-asan
else
	total_f=$((total_f + 1)); summary+=("build-asan: does not build")
fi
unset ASAN_OPTIONS UBSAN_OPTIONS

# A build with pid namespaces compiled out: the whole suite must pass there too (tests of pid
# namespaces skip themselves; the build-options tests check the EINVAL path).
if build build-nopid -Dpid_ns=false -Dtest_hooks=false; then suite build-nopid; else total_f=$((total_f + 1)); summary+=("build-nopid: does not build"); fi

echo
printf '%s\n' "${summary[@]}"
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
