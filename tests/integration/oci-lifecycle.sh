# The OCI lifecycle (runtime.md): create -> created -> start -> running -> stopped -> delete,
# wrong-state errors with no effect, unknown and duplicate ids, run, a killed create.
source "$SRC/tests/oci-lib.sh"

test_create_start_kill_delete() {
	need_kind pid
	local b=$TMPDIR_TEST/b pid k
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete c1
	oci_create "$b" c1 || fail "create: $(cat "$TMPDIR_TEST/c1.err")"
	assert_eq created "$(oci_status c1)" "status after create"
	pid=$(oci_pid c1)
	[ -n "$pid" ] && kill -0 "$pid" || fail "no container process"
	# Its namespaces: new pid, net, ipc, uts, mnt; the same user namespace.
	for k in pid net ipc uts mnt; do
		assert_ne "$(ns_ino $$ $k)" "$(ns_ino "$pid" $k)" "$k namespace"
	done
	assert_eq "$(ns_ino $$ user)" "$(ns_ino "$pid" user)" "user namespace"
	# Started on another CPU than the runtime's, it has every CPU back.
	assert_eq "$(grep Cpus_allowed_list /proc/$$/status)" "$(grep Cpus_allowed_list /proc/"$pid"/status)" "CPUs allowed"
	assert_eq nsset "$(nsenter -t "$pid" -u hostname)" "hostname inside"
	assert_ne nsset "$(hostname)" "hostname outside"
	# Created: still nsset's, not yet sleep; and nsset runs from a sealed memfd copy, so the
	# binary on the host cannot be reached through /proc/PID/exe (CVE-2019-5736).
	assert_ne sleep "$(cat /proc/"$pid"/comm)" "command before start"
	assert_match '^/memfd:nsset-cloned' "$(readlink /proc/"$pid"/exe)" "exe of the waiting process"
	! echo x 2>/dev/null >>/proc/"$pid"/exe || fail "the runtime's exe is writable through /proc/PID/exe"
	oci start c1 || fail "start failed"
	wait_for sh -c "[ \"\$(cat /proc/$pid/comm)\" = sleep ]" || fail "sleep did not start"
	assert_eq running "$(oci_status c1)" "status after start"
	assert_eq "$pid" "$(oci_pid c1)" "pid after start"
	grep -q "^0::/nsset-c1$\|:/nsset-c1$" /proc/"$pid"/cgroup || fail "not in its cgroup: $(cat /proc/$pid/cgroup)"
	oci kill c1 KILL || fail "kill failed"
	wait_for sh -c "[ \"\$(\"$NSSET\" --root \"$TMPDIR_TEST/state\" state c1 | grep -c '\"stopped\"')\" = 1 ]" ||
		fail "not stopped after kill: $(oci_status c1)"
	oci delete c1 || fail "delete failed"
	oci_assert_gone c1 "$pid"
	assert_eq "" "$(oci list -q)" "list after delete"
}

# The start time in the state (taken from the clock around clone3, or from /proc when the
# clock cannot be sure) is the kernel's: else `state` would call the container stopped.
test_state_start_time_is_the_kernel_s() {
	local b=$TMPDIR_TEST/b pid i kernel
	oci_bundle "$b" '[ "sleep", "1000" ]'
	for i in $(seq 25); do
		oci_defer_delete t$i
		oci_create "$b" t$i || fail "create: $(cat "$TMPDIR_TEST/t$i.err")"
		pid=$(oci_pid t$i)
		kernel=$(sed 's/.*) //' /proc/"$pid"/stat | cut -d' ' -f20)
		assert_eq "$kernel" "$(jq .startTime "$(OCI_STATE)/t$i/state.json")" "start time of t$i"
		assert_eq created "$(oci_status t$i)" "status of t$i"
		oci delete --force t$i || fail "delete t$i"
	done
}

test_wrong_state_errors_change_nothing() {
	local b=$TMPDIR_TEST/b out rc pid
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete w1
	oci_create "$b" w1 || fail "create: $(cat "$TMPDIR_TEST/w1.err")"
	pid=$(oci_pid w1)
	out=$(oci resume w1 2>&1); rc=$?
	assert_ne 0 "$rc" "resume of a created container"
	assert_contains "nsset: resume w1: container is not paused (created)" "$out"
	oci start w1 || fail "start"
	out=$(oci start w1 2>&1); rc=$?
	assert_ne 0 "$rc" "second start"
	assert_eq "nsset: start w1: container is not in created state (running)" "$out" "message"
	out=$(oci delete w1 2>&1); rc=$?
	assert_ne 0 "$rc" "delete of a running container"
	assert_contains "nsset: delete w1: container is running" "$out" "message"
	# Nothing changed: same process, same status, state still there.
	assert_eq running "$(oci_status w1)" "status"
	assert_eq "$pid" "$(oci_pid w1)" "pid"
	kill -0 "$pid" || fail "process gone"
	oci kill --signal KILL w1 || fail "kill --signal"
	wait_for sh -c "! kill -0 $pid 2>/dev/null || grep -q '^State:.*Z' /proc/$pid/status" || fail "not killed"
	assert_eq stopped "$(oci_status w1)" "status"
	out=$(oci kill w1 2>&1); rc=$?
	assert_ne 0 "$rc" "kill of a stopped container"
	assert_contains "nsset: kill w1: container is not created, running or paused (stopped)" "$out"
	out=$(oci start w1 2>&1); rc=$?
	assert_ne 0 "$rc" "start of a stopped container"
	assert_contains "container is not in created state (stopped)" "$out"
	oci delete w1 || fail "delete of a stopped container"
	oci_assert_gone w1 "$pid"
}

test_unknown_id() {
	local out rc verb
	for verb in state start delete kill ps pause; do
		out=$(oci $verb nosuch 2>&1); rc=$?
		assert_ne 0 "$rc" "$verb of an unknown id"
		assert_eq "nsset: $verb nosuch: container nosuch does not exist" "$out" "$verb message"
	done
	out=$(oci exec nosuch true 2>&1); rc=$?
	assert_ne 0 "$rc" "exec of an unknown id"
	assert_contains "container nosuch does not exist" "$out"
	[ ! -e "$TMPDIR_TEST/state/nosuch" ] || fail "state made for an unknown id"
	out=$(oci state ../etc 2>&1); rc=$?
	assert_ne 0 "$rc" "bad id"
	assert_contains "invalid container id" "$out"
}

test_duplicate_id_changes_nothing() {
	local b=$TMPDIR_TEST/b out rc pid
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete d1
	oci_create "$b" d1 || fail "create"
	pid=$(oci_pid d1)
	local before
	before=$(cat "$TMPDIR_TEST/state/d1/state.json")
	out=$(oci create --bundle "$b" d1 </dev/null 2>&1); rc=$?
	assert_ne 0 "$rc" "duplicate create"
	assert_eq "nsset: create d1: container d1 exists" "$out" "message"
	assert_eq "$before" "$(cat "$TMPDIR_TEST/state/d1/state.json")" "state of the first"
	assert_eq created "$(oci_status d1)" "status of the first"
	kill -0 "$pid" || fail "the first container's process is gone"
	assert_eq 1 "$(find /sys/fs/cgroup/pids -maxdepth 1 -name nsset-d1 | wc -l)" "cgroups"
}

# The default cgroup, /nsset-<id>, is the same under every --root: a second container of the
# same id under another root is refused rather than put into the first one's cgroup (whose
# delete would then kill it); an explicit cgroupsPath may still name a cgroup in use.
test_same_id_under_another_root_is_refused() {
	local b=$TMPDIR_TEST/b out rc pid
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete dr1
	oci_create "$b" dr1 || fail "create"
	pid=$(oci_pid dr1)
	defer "\"$NSSET\" --root \"$TMPDIR_TEST/state2\" delete --force dr1"
	out=$("$NSSET" --root "$TMPDIR_TEST/state2" create --bundle "$b" dr1 </dev/null 2>&1); rc=$?
	assert_ne 0 "$rc" "create under another root"
	assert_eq "nsset: create dr1: the cgroup /nsset-dr1 is in use (1 process): a container dr1 under another --root?" "$out" "message"
	[ ! -e "$TMPDIR_TEST/state2/dr1" ] || fail "state left under the second root"
	assert_eq "$pid" "$(cat /sys/fs/cgroup/pids/nsset-dr1/cgroup.procs)" "the first container's cgroup"
	assert_eq created "$(oci_status dr1)" "status of the first"
	# Explicitly named, a cgroup in use is joined (a new process in an existing container).
	oci_edit "$b" 's|"linux": {|"linux": { "cgroupsPath": "/nsset-dr1",|'
	"$NSSET" --root "$TMPDIR_TEST/state2" create --bundle "$b" dr1 </dev/null >/dev/null 2>&1 ||
		fail "create with an explicit cgroupsPath in use"
	local pid2
	pid2=$("$NSSET" --root "$TMPDIR_TEST/state2" state dr1 | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
	assert_eq "$(printf '%s\n' "$pid" "$pid2" | sort -n)" "$(sort -n /sys/fs/cgroup/pids/nsset-dr1/cgroup.procs)" "both in the cgroup"
}

test_run_passes_exit_status_and_cleans_up() {
	local b=$TMPDIR_TEST/b rc out
	oci_bundle "$b" '[ "sh", "-c", "echo out; echo err >&2; exit 7" ]'
	out=$(oci run --bundle "$b" r1 2>"$TMPDIR_TEST/err" </dev/null); rc=$?
	assert_eq 7 "$rc" "exit status"
	assert_eq out "$out" "stdout"
	assert_eq err "$(cat "$TMPDIR_TEST/err")" "stderr"
	oci_assert_gone r1
	# Killed by a signal: 128+N.
	oci_bundle "$TMPDIR_TEST/b2" '[ "sleep", "1000" ]'
	"$NSSET" --root "$TMPDIR_TEST/state" run -b "$TMPDIR_TEST/b2" r2 </dev/null >/dev/null 2>&1 &
	local runpid=$!
	defer "kill -KILL $runpid"
	wait_for sh -c "\"$NSSET\" --root \"$TMPDIR_TEST/state\" state r2 2>/dev/null | grep -q running" || fail "r2 not running"
	oci kill r2 KILL || fail "kill r2"
	wait "$runpid"; rc=$?
	assert_eq 137 "$rc" "status of a killed process"
	oci_assert_gone r2
	# The `nsset run -b` and `nsset oci run` forms.
	oci_bundle "$TMPDIR_TEST/b3" '[ "sh", "-c", "exit 3" ]'
	"$NSSET" run -b "$TMPDIR_TEST/b3" r3 </dev/null; rc=$?
	assert_eq 3 "$rc" "nsset run -b"
	"$NSSET" oci run -b "$TMPDIR_TEST/b3" r3 </dev/null; rc=$?
	assert_eq 3 "$rc" "nsset oci run"
}

# The container command `/proc/self/exe --help` ran nsset (a copy or the binary itself), not
# nsset-dmz: its usage on $TMPDIR_TEST/out, or, for a dynamic nsset, its loader missing from
# this busybox root filesystem on $TMPDIR_TEST/err.
assert_nsset_ran() { # RC ID WHAT
	if readelf -d "$NSSET" | grep -q NEEDED; then
		assert_eq 1 "$1" "exit status ($3)"
		assert_eq "nsset: run $2: cannot execute /proc/self/exe: No such file or directory" \
			"$(cat "$TMPDIR_TEST/err")" "nsset was executed, not the dmz ($3)"
	else
		assert_eq 0 "$1" "exit status ($3)"
		assert_match "^usage: nsset " "$(head -n 1 "$TMPDIR_TEST/out")" "nsset was executed, not the dmz ($3)"
	fi
}

# CVE-2019-5736 on `nsset run`, which does not re-execute itself from a memfd: the container's
# init execs its command through nsset-dmz from a sealed memfd, so an execve of /proc/self/exe
# by the command (or a #!/proc/self/exe interpreter) lands on that sealed copy, never on the
# host's nsset (which would print its usage); and the host binary is unchanged.
test_run_proc_self_exe_is_the_sealed_dmz() {
	need_kind pid
	local b=$TMPDIR_TEST/b rc sum
	sum=$(sha256sum <"$NSSET")
	oci_bundle "$b" '[ "/proc/self/exe", "--help" ]'
	oci run --bundle "$b" d1 </dev/null >"$TMPDIR_TEST/out" 2>"$TMPDIR_TEST/err"; rc=$?
	assert_eq 127 "$rc" "exit status of /proc/self/exe"
	assert_eq "nsset-dmz: run by nsset only" "$(cat "$TMPDIR_TEST/err")" "stderr"
	assert_eq "" "$(cat "$TMPDIR_TEST/out")" "stdout (nsset's usage would be here)"
	assert_eq "$sum" "$(sha256sum <"$NSSET")" "the host binary"
	oci_assert_gone d1
	# With a seccomp filter the dmz is not used (the filter could refuse it): the whole
	# runtime runs from a sealed memfd copy, and /proc/self/exe is that copy: a static nsset
	# runs (its usage), a dynamic one lacks its loader in this busybox root filesystem.
	oci_edit "$b" 's|"namespaces": \[|"seccomp": { "defaultAction": "SCMP_ACT_ALLOW" }, "namespaces": [|'
	assert_contains "seccomp" "$(cat "$b/config.json")" "config edited"
	oci run --bundle "$b" d2 </dev/null >"$TMPDIR_TEST/out" 2>"$TMPDIR_TEST/err"; rc=$?
	assert_nsset_ran "$rc" d2 "the sealed copy, with seccomp"
	assert_eq "$sum" "$(sha256sum <"$NSSET")" "the host binary"
	oci_assert_gone d2
}

# A runtime binary on a read-only mount needs neither nsset-dmz nor a copy: no write reaches it
# through /proc/PID/exe (EROFS), so `run` executes the command directly.  /proc/self/exe in the
# container is then the host's nsset itself (its usage), run from the read-only mount; the
# binary is unchanged.  The read-only mount is a bind of the binary in a private namespace.
test_run_with_a_read_only_runtime_executes_directly() {
	need_kind pid
	local b=$TMPDIR_TEST/b rc sum
	sum=$(sha256sum <"$NSSET")
	oci_bundle "$b" '[ "/proc/self/exe", "--help" ]'
	unshare -m --propagation private sh -c '
		mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 200
		( : >>"$1" ) 2>/dev/null && exit 201
		exec "$1" --root "$2" run --bundle "$3" d3 </dev/null' \
		sh "$NSSET" "$TMPDIR_TEST/state" "$b" >"$TMPDIR_TEST/out" 2>"$TMPDIR_TEST/err"; rc=$?
	[ "$rc" -ne 200 ] && [ "$rc" -ne 201 ] || fail "the read-only bind of nsset (status $rc)"
	assert_nsset_ran "$rc" d3 "the read-only binary"
	assert_eq "$sum" "$(sha256sum <"$NSSET")" "the host binary"
	oci_assert_gone d3
}

test_run_detach_pid_file_list() {
	local b=$TMPDIR_TEST/b pid
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete rd
	oci run -d --pid-file "$TMPDIR_TEST/pid" -b "$b" rd </dev/null >/dev/null 2>&1 || fail "run -d"
	pid=$(cat "$TMPDIR_TEST/pid")
	assert_eq "$pid" "$(oci_pid rd)" "pid file"
	assert_eq sleep "$(cat /proc/"$pid"/comm)" "process"
	assert_eq running "$(oci_status rd)" "status"
	assert_eq rd "$(oci list -q)" "list -q"
	assert_match "^rd +$pid +running +$b" "$(oci list | tail -n 1)" "list"
	assert_contains "\"status\": \"running\"" "$(oci list --format json)" "list json"
	assert_contains "$pid" "$(oci ps --format json rd)" "ps"
	# ps, pause, resume through the freezer cgroup.
	oci pause rd || fail "pause"
	assert_eq paused "$(oci_status rd)" "status after pause"
	assert_match "FROZEN" "$(cat /sys/fs/cgroup/freezer/nsset-rd/freezer.state)" "freezer.state"
	assert_match "^State:.*(D|S|T)" "$(grep ^State /proc/"$pid"/status)" "state of a frozen process"
	oci resume rd || fail "resume"
	assert_eq THAWED "$(cat /sys/fs/cgroup/freezer/nsset-rd/freezer.state)" "freezer.state"
	oci delete --force rd || fail "delete --force"
	oci_assert_gone rd "$pid"
}

test_kill_signal_forms() {
	local b=$TMPDIR_TEST/b pid out rc
	oci_bundle "$b" '[ "sh", "-c", "trap '"'"'echo got > /dev/shm/sig'"'"' USR1; echo ready > /dev/shm/ready; while :; do sleep 0.1; done" ]'
	oci_defer_delete k1
	oci run -d -b "$b" k1 </dev/null >/dev/null 2>&1 || fail "run -d"
	pid=$(oci_pid k1)
	wait_for test -e /proc/"$pid"/root/dev/shm/ready || fail "not ready"
	oci kill k1 USR1 || fail "kill USR1"
	wait_for test -e /proc/"$pid"/root/dev/shm/sig || fail "USR1 did not arrive"
	out=$(oci kill k1 NOSUCHSIG 2>&1); rc=$?
	assert_ne 0 "$rc" "unknown signal"
	assert_contains "unknown signal \"NOSUCHSIG\"" "$out"
	kill -0 "$pid" || fail "a bad kill changed the container"
	oci kill --all k1 9 || fail "kill --all 9"
	wait_for sh -c "! kill -0 $pid 2>/dev/null || grep -q '^State:.*Z' /proc/$pid/status" || fail "not killed"
	assert_eq "" "$(cat /sys/fs/cgroup/pids/nsset-k1/cgroup.procs)" "processes left in the cgroup"
}

test_killed_create_then_delete_force_leaves_nothing() {
	local b=$TMPDIR_TEST/b cpid pid mounts_before
	# Mounts of ours on the host (others' tests mount and unmount meanwhile: count only ours).
	mounts_before=$(grep -cF -e "$TMPDIR_TEST" -e "$ROOTFS" /proc/self/mountinfo)
	mkfifo "$TMPDIR_TEST/hold"
	oci_bundle "$b" '[ "sleep", "1000" ]'
	# A createRuntime hook that signals it runs, then holds create there.
	oci_edit "$b" "s|\"hostname\": \"nsset\",|\"hostname\": \"nsset\", \"hooks\": { \"createRuntime\": [ { \"path\": \"/bin/sh\", \"args\": [ \"sh\", \"-c\", \"echo \$\$ > $TMPDIR_TEST/hook; read x < $TMPDIR_TEST/hold\" ] } ] },|"
	oci_defer_delete kc
	# Let a held hook go whatever happens (an O_RDWR open of a FIFO never blocks, unlike a
	# writer in the background, which would wait for ever once the hook is gone).
	defer ": 1<>$TMPDIR_TEST/hold"
	"$NSSET" --root "$TMPDIR_TEST/state" create --bundle "$b" kc </dev/null >/dev/null 2>&1 &
	cpid=$!
	wait_for test -s "$TMPDIR_TEST/hook" || fail "the hook did not run"
	oci_state_pid kc
	pid=$PID
	# Readers do not wait for the create's lock: they see it creating.
	assert_eq creating "$(oci_status kc)" "status while create runs its hooks"
	assert_match '^kc +[0-9]+ +creating ' "$(oci list | tail -n 1)" "list while creating"
	kill -KILL "$cpid"
	wait "$cpid" 2>/dev/null
	echo > "$TMPDIR_TEST/hold" # let the hook go
	oci_killed_create_cleans_up kc "$pid"
	assert_eq "$mounts_before" "$(grep -cF -e "$TMPDIR_TEST" -e "$ROOTFS" /proc/self/mountinfo)" "mounts"
}

# The runtime killed after GO, while it makes the mount trees (fault injection): the container
# process, waiting for them, sees the socket close and exits; delete --force then leaves no
# mount, process, cgroup or state.
test_create_killed_while_making_mount_trees_leaves_nothing() {
	need_test_hooks
	local b=$TMPDIR_TEST/b rc mounts_before
	mounts_before=$(grep -cF -e "$TMPDIR_TEST" -e "$ROOTFS" /proc/self/mountinfo)
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete kt
	NSSET_TEST_KILL_AT=oci-trees "$NSSET" --root "$TMPDIR_TEST/state" create --bundle "$b" kt \
		</dev/null >/dev/null 2>&1; rc=$?
	assert_eq 137 "$rc" "create killed at oci-trees"
	oci_state_pid kt
	oci_killed_create_cleans_up kt "$PID"
	assert_eq "$mounts_before" "$(grep -cF -e "$TMPDIR_TEST" -e "$ROOTFS" /proc/self/mountinfo)" "mounts"
}

# The runtime killed once it has made the container's cgroup (fault injection), on this hybrid
# host (the state written before the v2 directory, the container process put into it by
# clone3) and on the v1-only layout of bench/oci.sh (its unified hierarchy unmounted), where
# nothing of the cgroup exists before clone3 and the first state, with the pid, is written
# after it: either way the state names the cgroup, the container process exits by itself, and
# delete --force leaves nothing.
test_create_killed_after_making_its_cgroup_leaves_nothing() {
	need_test_hooks
	local b=$TMPDIR_TEST/b rc layout id
	oci_bundle "$b" '[ "sleep", "1000" ]'
	for layout in hybrid v1-only; do
		id=kg-$layout
		oci_defer_delete "$id"
		if [ $layout = hybrid ]; then
			NSSET_TEST_KILL_AT=oci-cgroup "$NSSET" --root "$TMPDIR_TEST/state" create --bundle "$b" "$id" \
				</dev/null >/dev/null 2>&1; rc=$?
		else
			[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] || continue
			unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified || exit 200
				NSSET_TEST_KILL_AT=oci-cgroup exec "$@" </dev/null >/dev/null 2>&1' sh \
				"$NSSET" --root "$TMPDIR_TEST/state" create --bundle "$b" "$id"; rc=$?
		fi
		assert_eq 137 "$rc" "$layout: create killed at oci-cgroup"
		[ -d /sys/fs/cgroup/pids/nsset-$id ] || fail "$layout: no pids cgroup made before the kill"
		grep -q "/sys/fs/cgroup/pids/nsset-$id" "$TMPDIR_TEST/state/$id/state.json" ||
			fail "$layout: the state does not name the cgroup: $(cat "$TMPDIR_TEST/state/$id/state.json")"
		if [ $layout = hybrid ]; then
			# (no pid in the state yet; the container process, waiting for GO, exits as
			# the socket closes: no process is left in the cgroup for delete to find)
			wait_for sh -c "[ ! -s /sys/fs/cgroup/unified/nsset-$id/cgroup.procs ]" ||
				fail "hybrid: a process outlived the killed create in its cgroup"
			oci_killed_create_cleans_up "$id"
		else
			oci_state_pid "$id"
			oci_killed_create_cleans_up "$id" "$PID"
		fi
	done
}

# run's delete removes the cgroup at once when its process was the last in it.  A process put
# into it from outside (here by a poststart hook, outside the container's pid namespace, so
# not taken along by the init's exit) makes that fail: then it is killed and the cgroup
# removed as delete --force does.
test_run_kills_a_process_put_into_its_cgroup_from_outside() {
	local b=$TMPDIR_TEST/b out rc pid
	oci_bundle "$b" '[ "true" ]'
	oci_jq "$b" --arg s "sleep 1000 </dev/null >/dev/null 2>&1 & echo \$! > $TMPDIR_TEST/intruder
		for f in /sys/fs/cgroup/*/nsset-ri/cgroup.procs; do echo \$! > \$f; done" \
		'.hooks.poststart = [ { "path": "/bin/sh", "args": [ "sh", "-c", $s ] } ]'
	out=$(oci run -b "$b" ri </dev/null 2>&1); rc=$?
	assert_eq 0 "$rc" "run: $out"
	pid=$(cat "$TMPDIR_TEST/intruder") || fail "the hook did not run"
	[ -n "$pid" ] || fail "no intruder pid"
	oci_assert_gone ri "$pid"
}

# run deletes its container only if the state is still that container's: one deleted meanwhile
# (by a poststart hook here, as podman's cleanup may) and made again under the same id is
# another container, whose process and cgroup run's delete leaves alone.
test_run_leaves_a_container_made_again_under_its_id_alone() {
	local b=$TMPDIR_TEST/b b2=$TMPDIR_TEST/b2 out rc pid
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_bundle "$b2" '[ "sleep", "1000" ]'
	oci_defer_delete ra
	oci_jq "$b" --arg n "$NSSET" --arg r "$TMPDIR_TEST/state" --arg b2 "$b2" \
		'.hooks.poststart = [ { "path": $n, "args": [ "nsset", "--root", $r, "delete", "--force", "ra" ] },
			{ "path": "/bin/sh", "args": [ "sh", "-c", ($n + " --root " + $r + " create --bundle " + $b2 + " ra </dev/null >/dev/null 2>&1") ] } ]'
	out=$(oci run -b "$b" ra </dev/null 2>&1); rc=$?
	assert_eq 137 "$rc" "run of a container killed by its hook: $out"
	pid=$(oci_pid ra)
	[ -n "$pid" ] || fail "the container made again is gone: $(oci state ra 2>&1)"
	assert_eq created "$(oci_status ra)" "status of the container made again"
	kill -0 "$pid" || fail "its process $pid is gone"
	grep -qx "$pid" /sys/fs/cgroup/pids/nsset-ra/cgroup.procs 2>/dev/null ||
		grep -qx "$pid" /sys/fs/cgroup/nsset-ra/cgroup.procs 2>/dev/null ||
		fail "its process is not in its cgroup"
}

test_concurrent_operations_are_serialised() {
	local b=$TMPDIR_TEST/b i ok=0
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete cc
	oci_create "$b" cc || fail "create"
	# Ten starts at once: exactly one wins.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		(oci start cc >/dev/null 2>&1 && echo ok >> "$TMPDIR_TEST/wins") &
	done
	wait
	assert_eq 1 "$(grep -c ok "$TMPDIR_TEST/wins")" "starts that succeeded"
	# Ten creates of one new id at once: exactly one wins.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		(oci create --bundle "$b" cc2 </dev/null >/dev/null 2>&1 && echo ok >> "$TMPDIR_TEST/wins2") &
	done
	wait
	oci_defer_delete cc2
	assert_eq 1 "$(grep -c ok "$TMPDIR_TEST/wins2")" "creates that succeeded"
	assert_eq created "$(oci_status cc2)" "the winner"
}

test_log_file_json() {
	local b=$TMPDIR_TEST/b rc
	mkdir -p "$b"
	echo '{ "ociVersion": "1.0.0", ' > "$b/config.json"
	"$NSSET" --root "$TMPDIR_TEST/state" --log "$TMPDIR_TEST/log" --log-format json create -b "$b" lj \
		</dev/null 2>/dev/null; rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_match '^\{"level":"error","msg":"nsset: create lj: config.json: malformed JSON at line 2, column 1[^"]*","time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z"\}$' \
		"$(cat "$TMPDIR_TEST/log")" "log line"
	oci_assert_gone lj
}

test_hooks_run_in_order_with_the_state() {
	local b=$TMPDIR_TEST/b h=$TMPDIR_TEST/hooks kind hooks="" pid
	mkdir -p "$h"
	# A hook appends its kind and the status of the state it reads on stdin.
	cat >"$h/hook.sh" <<-HOOK
	status=\$(sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p' | head -1)
	echo "\$1 \$status" >> $h/log
	HOOK
	for kind in prestart createRuntime createContainer poststart poststop; do
		hooks="$hooks \"$kind\": [ { \"path\": \"/bin/sh\", \"args\": [ \"sh\", \"$h/hook.sh\", \"$kind\" ] } ],"
	done
	# startContainer runs in the container, after pivot_root: it leaves a file there.
	hooks="$hooks \"startContainer\": [ { \"path\": \"/bin/sh\", \"args\": [ \"sh\", \"-c\", \"echo startContainer > /dev/shm/sc\" ] } ]"
	oci_bundle "$b" '[ "sh", "-c", "cat /dev/shm/sc; sleep 1000" ]'
	oci_edit "$b" "s|\"hostname\": \"nsset\",|\"hostname\": \"nsset\", \"hooks\": { $hooks },|"
	oci_defer_delete hk
	oci_create "$b" hk || fail "create: $(cat "$TMPDIR_TEST/hk.err")"
	assert_eq $'prestart creating\ncreateRuntime creating\ncreateContainer creating' "$(cat "$h/log")" "hooks of create"
	oci start hk || fail "start"
	assert_eq $'prestart creating\ncreateRuntime creating\ncreateContainer creating\npoststart running' \
		"$(cat "$h/log")" "hooks of start"
	wait_for grep -q startContainer "$TMPDIR_TEST/hk.out" || fail "startContainer hook did not run in the container"
	pid=$(oci_pid hk)
	oci kill hk KILL
	wait_for sh -c "! kill -0 $pid 2>/dev/null || grep -q '^State:.*Z' /proc/$pid/status" || fail "not killed"
	oci delete hk || fail "delete"
	assert_eq $'prestart creating\ncreateRuntime creating\ncreateContainer creating\npoststart running\npoststop stopped' \
		"$(cat "$h/log")" "hooks of delete"
}

test_failing_hook_fails_create_and_leaves_nothing() {
	local b=$TMPDIR_TEST/b out rc
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_edit "$b" 's|"hostname": "nsset",|"hostname": "nsset", "hooks": { "createRuntime": [ { "path": "/bin/false" } ] },|'
	out=$(oci create -b "$b" hf </dev/null 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_contains "nsset: create hf: " "$out" "message"
	assert_contains "/bin/false" "$out" "message names the hook"
	oci_assert_gone hf
	assert_eq "" "$(oci list -q)" "containers"
}

test_rootless_as_nobody() {
	need_kind user
	need_kind pid
	local d=$TMPDIR_TEST/nobody out
	mkdir -p "$d/b" "$d/xdg"
	chmod 755 "$TMPDIR_TEST"
	# A copy of the root filesystem: a rootless container makes its device nodes' mount points
	# (empty files under /dev) in it, and the shared $ROOTFS must stay as it is.
	cp -a "$ROOTFS" "$d/b/rootfs"
	chown -R 65534:65534 "$d"
	(cd "$d/b" && as_nobody "$NSSET" spec --rootless) || fail "spec --rootless"
	as_nobody sed -i -e 's|"terminal": true|"terminal": false|' \
		-e 's|"sh"|"sh", "-c", "id -u; cat /proc/self/uid_map; hostname"|' "$d/b/config.json"
	out=$(cd "$d" && XDG_RUNTIME_DIR=$d/xdg as_nobody "$NSSET" run -b "$d/b" rl </dev/null 2>&1) ||
		fail "rootless run: $out"
	assert_match $'^0\n +0 +65534 +1\nnsset$' "$out" "root inside, nobody outside"
	[ -d "$d/xdg/nsset/oci" ] || fail "state not under \$XDG_RUNTIME_DIR/nsset/oci"
	assert_eq "" "$(ls "$d/xdg/nsset/oci")" "state after run"
}

test_preserve_fds_and_listen_fds() {
	local b=$TMPDIR_TEST/b out
	echo preserved > "$TMPDIR_TEST/f3"
	echo activated > "$TMPDIR_TEST/f4"
	oci_bundle "$b" '[ "sh", "-c", "cat <&3; ls /proc/self/fd | sort -n | tr \"\\n\" \" \"; echo; echo $LISTEN_FDS $LISTEN_PID" ]'
	out=$(oci run -b "$b" pf --preserve-fds 1 3<"$TMPDIR_TEST/f3" </dev/null 2>&1) || fail "run --preserve-fds: $out"
	# (ls's own directory fd is the last one)
	assert_match $'^preserved\n0 1 2 3 4 ?$' "$out" "fds with --preserve-fds 1"
	out=$(LISTEN_FDS=2 oci run -b "$b" lf 3<"$TMPDIR_TEST/f3" 4<"$TMPDIR_TEST/f4" </dev/null 2>&1) || fail "run with LISTEN_FDS: $out"
	if kind_built pid; then
		assert_match $'^preserved\n0 1 2 3 4 5 ?\n2 1$' "$out" "LISTEN_FDS"
	else
		assert_match $'^preserved\n0 1 2 3 4 5 ?\n2 [0-9]+$' "$out" "LISTEN_FDS"
	fi
	out=$(oci run -b "$b" nf 3<"$TMPDIR_TEST/f3" </dev/null 2>&1)
	[[ $out != *preserved* ]] || fail "fd 3 reached the process without --preserve-fds"
	assert_match $'\n0 1 2 3 ?$' "$out" "fds without --preserve-fds"
}
