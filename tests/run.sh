#!/usr/bin/env bash
# tests/run.sh BUILD_DIR [FILTER]: run the unit tests (cmocka, TAP) and the integration tests
# (tests/integration/*.sh) against one build.  Prints one line per test and, last,
# "N passed, N failed" (with ", N skipped").  Exit status 0 only when nothing failed.
set -u
BUILD=$(cd "$1" && pwd)
FILTER=${2:-}
SRC=$(cd "$(dirname "$0")/.." && pwd)
export BUILD SRC NSSET="$BUILD/cli/nsset"
export ROOTFS=${ROOTFS:-$SRC/build-rootfs/rootfs}
# The sanitizer build: LeakSanitizer cannot stop the world from inside a pid namespace (its
# tracer spins), and a report must fail the test rather than scroll by.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
label=$(basename "$BUILD")
passed=0 failed=0 skipped=0
failures=()

record() { # STATUS NAME
	case $1 in
	pass) passed=$((passed + 1)); echo "ok      [$label] $2" ;;
	skip) skipped=$((skipped + 1)); echo "skip    [$label] $2" ;;
	*) failed=$((failed + 1)); failures+=("$2"); echo "FAILED  [$label] $2" ;;
	esac
}

# Unit tests: every unit-* executable, in TAP.
while IFS= read -r exe; do
	name=$(basename "$exe")
	[[ -z $FILTER || $name == *$FILTER* ]] || continue
	while IFS= read -r line; do
		case $line in
		*"# SKIP"*) record skip "$name: ${line##*# SKIP }" ;;
		"ok "*) record pass "$name: ${line#ok * - }" ;;
		"not ok "*) record fail "$name: ${line#not ok * - }" ;;
		esac
	done < <(CMOCKA_MESSAGE_OUTPUT=TAP timeout 120 "$exe" 2>&1)
done < <(find "$BUILD/tests" -maxdepth 1 -type f -name 'unit-*' -executable | sort)

# Integration tests: each function test_* of each file, in its own subshell.
logdir=$(mktemp -d /tmp/nsset-test-logs.XXXXXX)
for file in "$SRC"/tests/integration/*.sh; do
	[ -e "$file" ] || continue
	base=$(basename "$file" .sh)
	fns=$(bash -c "source '$SRC/tests/lib.sh'; source '$file'; declare -F" | awk '{print $3}' | grep '^test_' || true)
	for fn in $fns; do
		name="$base: ${fn#test_}"
		[[ -z $FILTER || $name == *$FILTER* ]] || continue
		log="$logdir/$base.$fn.log"
		timeout -k 5 120 bash -c '
			source "$SRC/tests/lib.sh"
			source "$1"
			export TMPDIR_TEST=$(mktemp -d /tmp/nsset-test.XXXXXX)
			defer rm -rf "$TMPDIR_TEST"
			trap _run_deferred EXIT
			"$2"
		' _ "$file" "$fn" >"$log" 2>&1
		rc=$?
		case $rc in
		0) record pass "$name" ;;
		77) record skip "$name" ;;
		*) record fail "$name"; sed 's/^/        | /' "$log" | tail -n 20 ;;
		esac
	done
done
rm -rf "$logdir"

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed in [$label]:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
