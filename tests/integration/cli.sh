# The command line itself: verbs, version, errors.

test_version_lists_built_kinds() {
	local v
	v=$("$NSSET" --version) || fail "--version failed"
	assert_match '^nsset version [0-9]+\.[0-9]+\.[0-9]+' "$v" "version line"
	assert_match $'\nnamespaces: ' "$v" "kinds line"
}

test_unknown_verb_is_an_error() {
	local out rc
	out=$("$NSSET" frobnicate 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_contains "nsset: frobnicate: unknown verb" "$out" "message"
}

test_no_verb_is_an_error() {
	local rc
	"$NSSET" >/dev/null 2>&1; rc=$?
	assert_ne 0 "$rc" "exit status"
}
