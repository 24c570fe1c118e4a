# nsset enter NAME|PID [KIND...] [--] [COMMAND...]: joining a set, all or nothing.
source "$SRC/tests/sets-lib.sh"

# The inodes of every built kind as seen by a command run with nsset enter ARGS...
inodes_inside() {
	"$NSSET" enter "$@" -- sh -c 'for k in '"$(built_kind_list | tr '\n' ' ')"'; do
		printf "%s=%s " $k $(stat -L -c %i /proc/self/ns/$k); done; echo'
}

test_enter_joins_every_namespace_of_the_set() {
	sets_setup
	spawn_ns -f -m -u -i -n -p -C
	local p=$SPAWNED
	"$NSSET" bind --registry "$REG" web "$p" || fail "bind failed"
	assert_eq "$(ns_inodes "$p" $(built_kind_list))" "$(inodes_inside --registry "$REG" web)" \
		"namespaces inside the set"
	# The caller is untouched.
	assert_ne "$(ns_ino $$ uts)" "$(ns_ino "$p" uts)" "caller's uts"
}

test_enter_selected_kinds() {
	sets_setup
	spawn_ns -f -u -n -i
	local p=$SPAWNED got
	"$NSSET" bind --registry "$REG" web "$p" || fail "bind failed"
	got=$("$NSSET" enter --registry "$REG" web uts -- sh -c \
		'echo $(stat -L -c %i /proc/self/ns/uts) $(stat -L -c %i /proc/self/ns/net)')
	assert_eq "$(ns_ino "$p" uts) $(ns_ino $$ net)" "$got" "uts joined, net not"
	got=$("$NSSET" enter --registry "$REG" web net,ipc stat -L -c %i /proc/self/ns/ipc)
	assert_eq "$(ns_ino "$p" ipc)" "$got" "kinds as a list, command without --"
}

test_enter_by_pid() {
	sets_setup
	spawn_ns -f -m -u -i -n -p
	assert_eq "$(ns_inodes "$SPAWNED" $(built_kind_list))" "$(inodes_inside "$SPAWNED")" \
		"namespaces inside, entered by pid"
}

test_enter_unknown_name_or_pid() {
	sets_setup
	local out rc
	out=$("$NSSET" enter --registry "$REG" nosuch -- true 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: enter nosuch: no such set" "$out" "message"
	out=$("$NSSET" enter --registry "$REG" 999999999 -- true 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: enter 999999999: no such process" "$out" "message"
	out=$("$NSSET" enter --registry "$REG" 'a/b' -- true 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_contains "nsset: enter a/b: invalid character" "$out" "message"
}

test_enter_exit_status_passes_through() {
	need_kind pid
	sets_setup
	spawn_ns -f -u -p --mount-proc -m
	"$NSSET" bind --registry "$REG" web "$SPAWNED" || fail "bind failed"
	local rc
	"$NSSET" enter --registry "$REG" web -- sh -c 'exit 7'; rc=$?
	assert_eq 7 "$rc" "exit status (forked into the pid namespace)"
	"$NSSET" enter --registry "$REG" web -- sh -c 'kill -TERM $$'; rc=$?
	assert_eq $((128 + 15)) "$rc" "killed by SIGTERM"
	"$NSSET" enter --registry "$REG" web uts -- sh -c 'exit 9'; rc=$?
	assert_eq 9 "$rc" "exit status (exec'd)"
}

test_enter_command_not_found_127_not_executable_126() {
	sets_setup
	spawn_ns -f -u
	"$NSSET" bind --registry "$REG" web "$SPAWNED" uts || fail "bind failed"
	local out rc
	out=$("$NSSET" enter --registry "$REG" web -- /nonexistent/cmd 2>&1); rc=$?
	assert_eq 127 "$rc" "not found"
	assert_contains "nsset: enter web: /nonexistent/cmd: command not found" "$out" "message"
	printf 'data' >"$TMPDIR_TEST/plain"
	out=$("$NSSET" enter --registry "$REG" web -- "$TMPDIR_TEST/plain" 2>&1); rc=$?
	assert_eq 126 "$rc" "not executable"
	assert_contains "nsset: enter web: cannot run" "$out" "message"
}

test_enter_default_command_is_the_shell() {
	sets_setup
	spawn_ns -f -u
	"$NSSET" bind --registry "$REG" web "$SPAWNED" uts || fail "bind failed"
	local got
	got=$(echo 'stat -L -c %i /proc/self/ns/uts' | env -u SHELL "$NSSET" enter --registry "$REG" web)
	assert_eq "$(ns_ino "$SPAWNED" uts)" "$got" "/bin/sh without SHELL"
	printf '#!/bin/sh\necho from-shell $(stat -L -c %%i /proc/self/ns/uts)\n' >"$TMPDIR_TEST/myshell"
	chmod +x "$TMPDIR_TEST/myshell"
	got=$(SHELL=$TMPDIR_TEST/myshell "$NSSET" enter --registry "$REG" web)
	assert_eq "from-shell $(ns_ino "$SPAWNED" uts)" "$got" "\$SHELL"
}

test_enter_pid_namespace_forks_the_command_inside() {
	need_kind pid
	sets_setup
	spawn_ns -f -p -m --mount-proc
	"$NSSET" bind --registry "$REG" web "$SPAWNED" || fail "bind failed"
	local got
	got=$("$NSSET" enter --registry "$REG" web -- sh -c 'echo $$; cat /proc/1/comm; stat -L -c %i /proc/self/ns/pid')
	assert_match $'^[0-9]\nsleep\n'"$(ns_ino "$SPAWNED" pid)"'$' "$got" \
		"a small pid, the set's pid 1 is its sleep, the set's pid namespace"
}

test_enter_leaks_no_descriptor() {
	sets_setup
	spawn_ns -f -u -m
	"$NSSET" bind --registry "$REG" web "$SPAWNED" || fail "bind failed"
	# The command is nsset itself exec'd (no pid namespace to fork into): look at its
	# descriptors from outside, while it sleeps.
	printf 'preserved' >"$TMPDIR_TEST/f3"
	"$NSSET" enter --registry "$REG" web -- sleep 1000 7</dev/null 8>"$TMPDIR_TEST/f8" &
	local e1=$!
	defer "kill -9 $e1"
	"$NSSET" enter --registry "$REG" --preserve-fds 1 web -- sleep 1000 3<"$TMPDIR_TEST/f3" 9</dev/null &
	local e2=$!
	defer "kill -9 $e2"
	wait_sleeping "$e1" || fail "command 1 did not start"
	wait_sleeping "$e2" || fail "command 2 did not start"
	assert_eq "0 1 2 " "$(ls /proc/$e1/fd | sort -n | tr '\n' ' ')" "descriptors of the command"
	assert_eq "0 1 2 3 " "$(ls /proc/$e2/fd | sort -n | tr '\n' ' ')" "descriptors with --preserve-fds 1"
	assert_eq "$TMPDIR_TEST/f3" "$(readlink /proc/$e2/fd/3)" "the preserved descriptor"
	assert_eq "$(ns_ino "$SPAWNED" mnt)" "$(ns_ino $e1 mnt)" "the command is in the set"
}

test_enter_root_and_cwd_are_the_sets_never_the_callers() {
	need_kind pid
	[ -x "$ROOTFS/bin/busybox" ] || skip "no rootfs"
	sets_setup
	# A holder chrooted in the rootfs, cwd /tmp there; the caller's cwd is the test's dir.
	mkdir -p "$TMPDIR_TEST/canary"
	spawn_ns -f -p -m --root="$ROOTFS" --wd=/tmp
	"$NSSET" bind --registry "$REG" web "$SPAWNED" || fail "bind failed"
	local got
	got=$(cd "$TMPDIR_TEST/canary" && "$NSSET" enter --registry "$REG" web -- /bin/sh -c \
		'pwd; test -x /bin/busybox && echo busybox; test -e '"$TMPDIR_TEST"' && echo escaped; ls /proc/self/root/ | grep -qx bin; echo done')
	assert_eq $'/tmp\nbusybox\ndone' "$got" "root and cwd inside"
}

test_enter_set_without_process_lands_at_its_mount_root() {
	[ -x "$ROOTFS/bin/busybox" ] || skip "no rootfs"
	sets_setup
	"$NSSET" run --registry "$REG" --name web -m -u --root "$ROOTFS" || fail "run --name failed"
	local got
	got=$(cd "$TMPDIR_TEST" && "$NSSET" enter --registry "$REG" web -- /bin/sh -c \
		'pwd; test -x /bin/busybox && echo busybox; test -e '"$TMPDIR_TEST"' && echo escaped; echo done')
	assert_eq $'/\nbusybox\ndone' "$got" "root and cwd inside"
}

test_enter_all_or_nothing_through_the_pidfd() {
	need_kind pid
	sets_setup
	spawn_ns -f -p -u -i -n
	"$NSSET" bind --registry "$REG" web "$SPAWNED" || fail "bind failed"
	# From a sibling pid namespace, the set's pid namespace cannot be joined (not a
	# descendant): the whole enter fails and the caller is in none of the others.
	local out before after
	out=$(unshare -p -f "$BUILD/tests/enter-try" "$REG" web)
	before=$(sed -n 's/^before//p' <<<"$out")
	after=$(sed -n 's/^after//p' <<<"$out")
	assert_match '^result -[0-9]+ ' "$(grep ^result <<<"$out")" "enter fails"
	assert_eq "$before" "$after" "the caller's namespaces"
	# The same helper where it can join: everything changes.
	out=$("$BUILD/tests/enter-try" "$REG" web uts,net)
	assert_eq "result 0 " "$(grep ^result <<<"$out")" "enter succeeds"
	assert_contains "uts=$(ns_ino "$SPAWNED" uts) " "$(grep ^after <<<"$out") " "uts joined"
}

test_enter_all_or_nothing_one_by_one() {
	sets_setup
	# A process whose UTS namespace belongs to a child user namespace U1 and whose network
	# namespace belongs to the initial one.  Root inside U1 can join the first, not the second.
	unshare --kill-child -n -f -- unshare -Ur -u sleep 1000 </dev/null >/dev/null 2>&1 &
	local u=$!
	defer "kill -9 $u"
	wait_for pgrep -P "$u" >/dev/null || fail "no process"
	local p
	p=$(pgrep -P "$u")
	"$NSSET" bind --registry "$REG" web "$p" uts,net || fail "bind web failed"
	"$NSSET" bind --registry "$REG" u1 "$p" user || fail "bind u1 failed"
	kill -9 "$u" "$p"
	wait_for proc_gone "$p" || fail "process did not exit"
	# No process left in the set: joined file by file.
	local out before after
	out=$("$NSSET" enter --registry "$REG" u1 -- "$BUILD/tests/enter-try" "$REG" web)
	before=$(sed -n 's/^before//p' <<<"$out")
	after=$(sed -n 's/^after//p' <<<"$out")
	assert_match '^result -1 not allowed to join the network namespace' "$(grep ^result <<<"$out")" "enter fails"
	assert_eq "$before" "$after" "the caller's namespaces (uts would have been joined first)"
	assert_contains "uts=$(ns_ino $$ uts) " "$after " "uts not the set's"
}

test_enter_pid_namespace_whose_init_is_gone() {
	need_kind pid
	sets_setup
	spawn_ns -f -p -u
	local p=$SPAWNED out rc
	"$NSSET" bind --registry "$REG" web "$p" || fail "bind failed"
	kill -9 "$p"
	wait_for proc_gone "$p" || fail "init did not exit"
	out=$("$NSSET" enter --registry "$REG" web -- true 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: enter web: the init of the set's pid namespace (pid $p) is gone: it accepts no new process" "$out" "message"
	# Its other namespaces can still be entered.
	out=$("$NSSET" enter --registry "$REG" web uts -- stat -L -c %i /proc/self/ns/uts)
	assert_eq "$(stat -L -c %i "$REG/web/uts")" "$out" "uts still entered"
}

test_enter_forwards_signals_to_the_command() {
	need_kind pid
	sets_setup
	spawn_ns -f -p -u
	"$NSSET" bind --registry "$REG" web "$SPAWNED" || fail "bind failed"
	"$NSSET" enter --registry "$REG" web -- sh -c \
		'trap "exit 42" USR1; echo ready >'"$TMPDIR_TEST/ready"'; while :; do sleep 0.05; done' &
	local e=$! rc
	defer "kill -9 $e"
	wait_for test -s "$TMPDIR_TEST/ready" || fail "command did not start"
	kill -USR1 "$e"
	wait "$e"; rc=$?
	assert_eq 42 "$rc" "status after SIGUSR1 forwarded to the command"
}
