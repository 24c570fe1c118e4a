# nsset run's pid-1 init: reaping, signals, exit status, nothing left behind, descriptors.

# Every descendant of a pid (from /proc/PID/task/*/children), one per line.
descendants() {
	local p c
	for p in "$@"; do
		for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
			echo "$c"
			descendants "$c"
		done
	done
}

none_alive() { local p; for p in "$@"; do [ -e "/proc/$p" ] && return 1; done; return 0; }

test_pid_1_is_nsset_init() {
	need_kind pid; need_kind mnt
	local out
	out=$("$NSSET" run -p --mount-proc -- sh -c 'cat /proc/1/comm; readlink /proc/1/exe; echo $$; cat /proc/$$/status | grep ^PPid')
	assert_eq "nsset-init" "$(sed -n 1p <<<"$out")" "/proc/1/comm"
	assert_eq "$(readlink -f "$NSSET")" "$(sed -n 2p <<<"$out")" "/proc/1/exe"
	assert_eq 2 "$(sed -n 3p <<<"$out")" "the command's pid"
	assert_match 'PPid:[[:space:]]1$' "$(sed -n 4p <<<"$out")" "the command's parent"
}

test_orphaned_grandchild_is_reaped() {
	need_kind pid; need_kind mnt
	local out
	# The subshell starts a sleep and exits: the sleep is orphaned, re-parented to pid 1, and
	# when it exits it must not stay a zombie.  Inside we wait until its /proc entry is gone
	# (a zombie keeps it), and show its parent while it lived.
	out=$("$NSSET" run -p --mount-proc -- sh -c '
		(sleep 0.3 & echo $! >/proc/self/fd/1) | { read p
		while [ -e /proc/$p ] && ! grep -q "^PPid:[[:space:]]*1$" /proc/$p/status; do sleep 0.01; done
		grep "^PPid" /proc/$p/status
		for i in $(seq 200); do [ -e /proc/$p ] || break; sleep 0.05; done
		if [ -e /proc/$p ]; then echo "left: $(grep ^State /proc/$p/status)"; else echo reaped; fi
		grep -l "^State:[[:space:]]*Z" /proc/[0-9]*/status 2>/dev/null | wc -l; }')
	assert_eq $'PPid:\t1\nreaped\n0' "$out" "orphan re-parented to init and reaped, no zombie"
}

# Start nsset run in the background with a command that writes "ready" and waits for a signal.
start_waiting() { # NSSET-ARGS... (the command is appended)
	"$NSSET" run "$@" -- sh -c '
		trap "echo got-TERM >>$OUT; exit 7" TERM
		trap "echo got-USR1 >>$OUT; exit 8" USR1
		trap "echo got-WINCH >>$OUT; exit 9" WINCH
		echo ready >>$OUT
		while :; do sleep 0.05; done' &
	pid=$!
	defer kill -KILL $pid
	wait_for grep -q ready "$TMPDIR_TEST/out" || fail "the command did not start"
}

check_forwarded() { # SIGNAL EXPECTED-STATUS NSSET-ARGS...
	local sig=$1 want=$2 rc; shift 2
	export OUT=$TMPDIR_TEST/out
	: >"$OUT"
	start_waiting "$@"
	kill -"$sig" $pid
	wait $pid; rc=$?
	assert_eq "$want" "$rc" "exit status after SIG$sig ($*)"
	assert_contains "got-$sig" "$(cat "$TMPDIR_TEST/out")" "the command saw SIG$sig ($*)"
}

test_signals_are_forwarded_to_the_command() {
	check_forwarded TERM 7
	check_forwarded USR1 8 -m
	need_kind pid
	check_forwarded TERM 7 -p
	check_forwarded USR1 8 -p
	check_forwarded WINCH 9 -p
}

test_exit_status_passes_through() {
	local rc args
	for args in "" "-p"; do
		[ -z "$args" ] || need_kind pid
		"$NSSET" run $args -- true; rc=$?
		assert_eq 0 "$rc" "true ($args)"
		"$NSSET" run $args -- sh -c 'exit 3'; rc=$?
		assert_eq 3 "$rc" "exit 3 ($args)"
		"$NSSET" run $args -- sh -c 'kill -USR2 $$'; rc=$?
		assert_eq $((128 + 12)) "$rc" "killed by SIGUSR2 ($args)"
		"$NSSET" run $args -- sh -c 'kill -KILL $$'; rc=$?
		assert_eq $((128 + 9)) "$rc" "killed by SIGKILL ($args)"
	done
}

test_command_exit_kills_the_rest_of_the_pid_namespace() {
	need_kind pid
	local rc pids
	# The command leaves a background sleep behind when it exits (once told to); init kills it.
	export READY=$TMPDIR_TEST/ready GO=$TMPDIR_TEST/go
	"$NSSET" run -p -- sh -c 'sleep 1000 & echo ready >$READY; while [ ! -e $GO ]; do sleep 0.01; done; exit 5' &
	local pid=$!
	defer kill -KILL $pid
	wait_for test -s "$READY" || fail "the command did not start"
	pids=$(descendants $pid)
	[ "$(wc -w <<<"$pids")" -ge 3 ] || fail "expected init, sh and sleep under nsset run: $pids"
	touch "$GO"
	wait $pid; rc=$?
	assert_eq 5 "$rc" "exit status"
	none_alive $pids || fail "left behind when the command exited: $pids"
}

check_sigkill_leaves_nothing() { # NSSET-ARGS...
	local pids
	rm -f "$TMPDIR_TEST/ready"
	READY=$TMPDIR_TEST/ready "$NSSET" run "$@" -- sh -c 'sleep 1000 & sleep 1000 & echo ready >$READY; wait' &
	local pid=$!
	defer kill -KILL $pid
	wait_for grep -q ready "$TMPDIR_TEST/ready" || fail "the command did not start"
	wait_for eval '[ "$(descendants $pid | wc -l)" -ge 3 ]' || fail "no processes under nsset run"
	pids=$(descendants $pid)
	kill -KILL $pid
	wait $pid 2>/dev/null
	wait_for none_alive $pids || fail "left behind after SIGKILL ($*): $(ps -o pid,stat,args -p "$(echo $pids | tr ' ' ,)")"
}

test_sigkill_of_nsset_run_leaves_nothing() {
	need_kind pid
	check_sigkill_leaves_nothing -p
	check_sigkill_leaves_nothing -p -U --map-root -m -n
}

test_sigkill_of_nsset_run_kills_the_command_without_pid_namespace() {
	local pid cmd
	"$NSSET" run -u -- sleep 1000 &
	pid=$!
	defer kill -KILL $pid
	wait_for eval '[ -n "$(descendants $pid)" ]' || fail "no command under nsset run"
	cmd=$(descendants $pid)
	kill -KILL $pid
	wait $pid 2>/dev/null
	wait_for none_alive $cmd || fail "the command survived nsset run"
}

test_no_descriptor_of_nsset_reaches_the_command() {
	local out args
	exec 7</dev/null 8>"$TMPDIR_TEST/leak"
	for args in "" "-p --mount-proc" "-U --map-root -n -m"; do
		case $args in *-p*) kind_built pid || continue ;; esac
		# ls is the shell's child (no pipe: the shell would hold its ends): list the shell's
		# own descriptors.
		out=$("$NSSET" run $args -- sh -c 'ls /proc/$$/fd; true' | sort -n | tr "\n" " ")
		assert_eq "0 1 2 " "$out" "descriptors of the command ($args)"
	done
	exec 7<&- 8>&-
}

test_command_keeps_the_callers_cpus() {
	# nsset pins its start-up to one CPU; the command and the init get the caller's mask back.
	local want out args
	want=$(grep Cpus_allowed_list /proc/self/status)
	for args in "" "-p --mount-proc" "-Upmn --map-root --mount-proc"; do
		case $args in *-p*) kind_built pid || continue ;; esac
		out=$("$NSSET" run $args -- sh -c 'grep Cpus_allowed_list /proc/self/status; grep Cpus_allowed_list /proc/1/status')
		assert_eq "$want" "$(sed -n 1p <<<"$out")" "the command's CPUs ($args)"
		[[ $args == *-p* ]] && assert_eq "$want" "$(sed -n 2p <<<"$out")" "the init's CPUs ($args)"
	done
	# A mask set by the caller is kept.
	out=$(taskset -c 0 "$NSSET" run -- grep Cpus_allowed_list /proc/self/status)
	assert_match $'Cpus_allowed_list:\t0$' "$out" "a one-CPU caller"
}

test_stdio_passes_through() {
	local out args
	for args in "" "-p"; do
		[ -z "$args" ] || need_kind pid
		out=$(echo from-stdin | "$NSSET" run $args -- sh -c 'cat; echo to-stderr >&2' 2>&1)
		assert_eq $'from-stdin\nto-stderr' "$out" "stdin, stdout, stderr ($args)"
	done
}

test_terminal_stays_with_the_command() {
	need_kind pid
	command -v script >/dev/null || skip "no script(1)"
	local out
	# Under a pseudo-terminal: the command is the terminal's foreground process group, so an
	# interactive shell works; with -p too.
	# /proc/self/stat: field 5 is the process group, 8 the terminal's foreground group.
	out=$(script -qec "$NSSET run -p -- sh -c 'test -t 0 && echo tty; cut -d\" \" -f5,8 /proc/self/stat'" /dev/null </dev/null | tr -d '\r')
	local lines
	mapfile -t lines <<<"$out"
	assert_eq tty "${lines[0]}" "stdin is the terminal"
	local pg=${lines[1]% *} fg=${lines[1]#* }
	assert_eq "$pg" "$fg" "the command's group is the terminal's foreground"
}

test_pid_namespace_compiled_out_is_einval() {
	kind_built pid && skip "pid namespaces are built in"
	local out rc
	out=$("$NSSET" run -p -- true 2>&1); rc=$?
	assert_eq 125 "$rc" "exit status"
	assert_eq "nsset: run: pid namespaces are not built into this nsset (-Dpid_ns=false)" "$out" "message"
	out=$("$NSSET" run --all -- sh -c 'stat -L -c %i /proc/self/ns/pid_for_children') || fail "run --all failed"
	assert_eq "$(ns_ino $$ pid)" "$out" "pid namespace with --all"
}
