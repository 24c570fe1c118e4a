# nsset run: bad input gets a clear message naming the verb and the cause, a non-zero exit,
# and leaves nothing behind.

# What could be left behind: nsset processes, nsfs mounts, mounts, the hostname.
snapshot() {
	echo "procs=$(pgrep -c -f "^$NSSET( |\$)" || true)"
	echo "nsfs=$(grep -c ' nsfs ' /proc/self/mountinfo)"
	echo "mounts=$(grep -c . /proc/self/mountinfo)"
	echo "hostname=$(hostname)"
}

# expect_error STATUS MESSAGE NSSET-RUN-ARGS...: exit status and message, nothing changed.
expect_error() {
	local want=$1 msg=$2 out rc before; shift 2
	before=$(snapshot)
	out=$("$NSSET" run "$@" 2>&1 </dev/null); rc=$?
	assert_eq "$want" "$rc" "exit status of run $*"
	assert_eq "$msg" "$out" "message of run $*"
	assert_eq "$before" "$(snapshot)" "state after run $*"
}

test_unknown_option() {
	expect_error 125 "nsset: run: unknown option '--bogus' (see 'nsset run --help')" --bogus true
	expect_error 125 "nsset: run: unknown option '-x' (see 'nsset run --help')" -mx true
	expect_error 125 "nsset: run: option '--hostname' needs an argument" -u --hostname
}

test_malformed_map() {
	local m
	for m in "" "0" "0:0" "0:0:" "a:0:1" "0:0:1:" "0:0:1,,1:1:1" "0:0:1," "-1:0:1" "0:4294967296:1" "0:0:0"; do
		local out rc
		out=$("$NSSET" run --map-users "$m" true 2>&1); rc=$?
		assert_eq 125 "$rc" "exit status for map '$m'"
		assert_match "^nsset: run: --map-users: (malformed map|empty map|map .*count is zero)" "$out" "message for '$m'"
	done
	expect_error 125 "nsset: run: --map-groups: malformed map 'x' (want INNER:OUTER:COUNT)" --map-groups 0:0:1,x true
	expect_error 125 "nsset: run: --map-users: map 0:4294967290:10: ids past 4294967294" --map-users 0:4294967290:10 true
}

test_overlapping_map() {
	expect_error 125 "nsset: run: --map-users: maps 0:1000:10 and 5:2000:1 overlap inside" \
		--map-users 0:1000:10,5:2000:1 true
	expect_error 125 "nsset: run: --map-groups: maps 0:1000:10 and 100:1009:1 overlap outside" \
		--map-groups 0:1000:10 --map-groups 100:1009:1 true
}

test_missing_command_is_127() {
	expect_error 127 "nsset: run: nsset-no-such-command: command not found" nsset-no-such-command
	expect_error 127 "nsset: run: /nonexistent/cmd: command not found" -- /nonexistent/cmd
	need_kind pid
	expect_error 127 "nsset: run: nsset-no-such-command: command not found" -p nsset-no-such-command
	expect_error 127 "nsset: run: nsset-no-such-command: command not found" -Upmn --map-root nsset-no-such-command
}

test_not_executable_is_126() {
	printf 'echo hi\n' >"$TMPDIR_TEST/script"
	chmod 644 "$TMPDIR_TEST/script"
	expect_error 126 "nsset: run: cannot execute $TMPDIR_TEST/script: Permission denied" "$TMPDIR_TEST/script"
	expect_error 126 "nsset: run: cannot execute $TMPDIR_TEST: Permission denied" "$TMPDIR_TEST"
	need_kind pid
	expect_error 126 "nsset: run: cannot execute $TMPDIR_TEST/script: Permission denied" -p "$TMPDIR_TEST/script"
}

test_hostname_without_uts() {
	expect_error 125 "nsset: run: --hostname needs a new UTS namespace (-u)" --hostname foo true
}

test_root_without_mount() {
	expect_error 125 "nsset: run: --root needs a new mount namespace (-m)" --root / true
}

test_map_root_and_map_users_exclude_each_other() {
	expect_error 125 "nsset: run: --map-root and --map-users/--map-groups exclude each other" \
		--map-root --map-users 0:0:1 true
}

test_failure_in_the_child_comes_back() {
	need_kind mnt
	expect_error 125 "nsset: run: cannot bind-mount the new root $TMPDIR_TEST/none: No such file or directory" \
		-m --root "$TMPDIR_TEST/none" true
	expect_error 125 "nsset: run: cannot change directory to $TMPDIR_TEST/none: No such file or directory" \
		--wd "$TMPDIR_TEST/none" true
	need_kind uts
	local long
	long=$(printf 'h%.0s' {1..80})
	expect_error 125 "nsset: run: cannot set the hostname to $long: Invalid argument" -u --hostname "$long" true
}

test_no_verb_options_runs_the_shell() {
	local out
	out=$(SHELL=/bin/echo "$NSSET" run) || fail "run without a command failed"
	assert_eq "" "$out" "\$SHELL with no arguments"
	out=$(echo 'echo from-sh' | SHELL= "$NSSET" run) || fail "run with no \$SHELL failed"
	assert_eq from-sh "$out" "/bin/sh"
}

test_help() {
	local out
	out=$("$NSSET" run --help) || fail "--help failed"
	assert_contains "usage: nsset run" "$out"
	assert_contains "--map-users" "$out"
}

test_oci_form_is_handed_over() {
	local out rc
	out=$("$NSSET" run --bundle /nonexistent ctr 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_match "^nsset: run" "$out" "message"
	[[ $out != *"unknown option"* ]] || fail "--bundle was taken for a run option: $out"
}
