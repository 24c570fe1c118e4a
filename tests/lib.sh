# Helpers for integration tests.  Each test file tests/integration/NAME.sh defines functions
# test_*; tests/run.sh runs each in its own subshell.  A test passes when its function returns 0;
# `fail MSG` ends it as failed, `skip MSG` as skipped.  Every test cleans up what it made: register
# cleanup with `defer CMD...` (run in reverse order when the test ends, pass or fail).
#
# Environment: NSSET (the binary), BUILD (its build dir), SRC (source tree), TMPDIR_TEST (a fresh
# directory for this test, removed afterwards), ROOTFS (a busybox root filesystem, read-only use).

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }

_deferred=()
defer() { _deferred+=("$*"); }
_run_deferred() {
	local i
	for ((i = ${#_deferred[@]} - 1; i >= 0; i--)); do eval "${_deferred[i]}" >/dev/null 2>&1 || true; done
}

assert_eq() { # EXPECTED ACTUAL [WHAT]
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}
assert_ne() { # A B [WHAT]
	[ "$1" != "$2" ] || fail "${3:-value}: expected something other than '$1'"
}
assert_match() { # REGEX STRING [WHAT]
	[[ "$2" =~ $1 ]] || fail "${3:-value}: '$2' does not match /$1/"
}
assert_contains() { # NEEDLE HAYSTACK [WHAT]
	[[ "$2" == *"$1"* ]] || fail "${3:-value}: '$2' does not contain '$1'"
}

# The inode of a namespace of a process: ns_ino PID KIND
ns_ino() { stat -L -c %i "/proc/$1/ns/$2"; }

# Built kinds, from `nsset --version`.
built_kinds() { "$NSSET" --version | sed -n 's/^namespaces: //p'; }
kind_built() { [[ ",$(built_kinds)," == *",$1,"* ]]; }
need_kind() { kind_built "$1" || skip "$1 namespaces are not built in"; }

# Tests that kill nsset at a step (NSSET_TEST_KILL_AT) need a build with -Dtest_hooks=true.
kill_hooks_built() { "$NSSET" --version | grep -qx 'test hooks: yes'; }
need_test_hooks() { kill_hooks_built || skip "fault injection is not built in (meson -Dtest_hooks=true)"; }

# Run as the unprivileged user nobody (65534).
as_nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }

# Wait until a command succeeds (at most ~5 s).
wait_for() {
	local i
	for ((i = 0; i < 500; i++)); do "$@" && return 0; sleep 0.01; done
	return 1
}
