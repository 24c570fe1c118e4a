# nsset update: new resource limits on a container's cgroup, as containerd, CRI-O and podman
# call it (`update --resources - ID`, a LinuxResources object on stdin) and with runc's options.
# Checked in the cgroup files of the container's process (/proc/PID/cgroup); bad input and a
# value the kernel refuses leave every file as it was.
source "$SRC/tests/oci-lib.sh"

# The values that update may write, one line each: memory limit, soft limit, pids.max,
# cpu.shares, cfs period and quota, cpuset.cpus.
limits() { # PID
	local m p c s
	m=$(oci_cg_dir "$1" memory) p=$(oci_cg_dir "$1" pids) c=$(oci_cg_dir "$1" cpu) s=$(oci_cg_dir "$1" cpuset)
	cat "$m/memory.limit_in_bytes" "$m/memory.soft_limit_in_bytes" "$m/memory.swappiness" \
		"$p/pids.max" "$c/cpu.shares" "$c/cpu.cfs_period_us" "$c/cpu.cfs_quota_us" "$s/cpuset.cpus"
	[ ! -d /sys/fs/cgroup/blkio ] || cat "$(oci_cg_dir "$1" blkio)/blkio.throttle.read_bps_device"
}

update_setup() { # ID: a created container running sleep
	[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/pids ] && [ -d /sys/fs/cgroup/cpuset ] ||
		skip "needs the v1 memory, pids and cpuset hierarchies"
	local b=$TMPDIR_TEST/b
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete "$1"
	oci_create "$b" "$1" || fail "create: $(cat "$TMPDIR_TEST/$1.err")"
	PID=$(oci_pid "$1")
	[ -n "$PID" ] || fail "no pid"
}

test_update_resources_from_stdin_reach_the_cgroup() {
	update_setup up
	local m p c
	m=$(oci_cg_dir "$PID" memory) p=$(oci_cg_dir "$PID" pids) c=$(oci_cg_dir "$PID" cpu)
	# The container's own cgroup, not the caller's.
	assert_ne "$(oci_cg_dir $$ memory)" "$m" "the container's memory cgroup"
	assert_eq max "$(cat "$p/pids.max")" "pids.max before"
	echo '{"memory": {"limit": 67108864, "reservation": 33554432}, "pids": {"limit": 20},
	       "cpu": {"shares": 512, "period": 200000, "quota": 50000}, "blockIO": {}}' |
		oci update --resources - up || fail "update --resources -"
	assert_eq 67108864 "$(cat "$m/memory.limit_in_bytes")" "memory.limit_in_bytes"
	assert_eq 33554432 "$(cat "$m/memory.soft_limit_in_bytes")" "memory.soft_limit_in_bytes"
	assert_eq 20 "$(cat "$p/pids.max")" "pids.max"
	assert_eq 512 "$(cat "$c/cpu.shares")" "cpu.shares"
	assert_eq 200000 "$(cat "$c/cpu.cfs_period_us")" "cpu.cfs_period_us"
	assert_eq 50000 "$(cat "$c/cpu.cfs_quota_us")" "cpu.cfs_quota_us"
	assert_eq created "$(oci_status up)" "status after update"
	# A file, and a paused container.
	oci start up || fail "start"
	oci pause up || fail "pause"
	echo '{"pids": {"limit": -1}, "memory": {"limit": -1}}' >"$TMPDIR_TEST/res.json"
	oci update -r "$TMPDIR_TEST/res.json" up || fail "update -r FILE of a paused container"
	assert_eq max "$(cat "$p/pids.max")" "pids.max back to max"
	assert_eq 9223372036854771712 "$(cat "$m/memory.limit_in_bytes")" "memory limit -1: none"
	assert_eq FROZEN "$(cat "$(oci_cg_dir "$PID" freezer)/freezer.state")" "still frozen"
	assert_eq paused "$(oci_status up)" "status"
	oci resume up || fail "resume"
}

test_update_options_win_over_the_file() {
	update_setup uo
	local m p
	m=$(oci_cg_dir "$PID" memory) p=$(oci_cg_dir "$PID" pids)
	echo '{"pids": {"limit": 20}, "memory": {"limit": 67108864}}' >"$TMPDIR_TEST/res.json"
	oci update -r "$TMPDIR_TEST/res.json" --pids-limit 30 --memory 32m --cpu-shares 256 uo ||
		fail "update with options"
	assert_eq 30 "$(cat "$p/pids.max")" "--pids-limit over the file's"
	assert_eq 33554432 "$(cat "$m/memory.limit_in_bytes")" "--memory 32m"
	assert_eq 256 "$(cat "$(oci_cg_dir "$PID" cpu)/cpu.shares")" "--cpu-shares"
	oci update --memory 1g --memory-swap -1 --cpu-quota 25000 --cpu-period 100000 uo ||
		fail "update --memory 1g"
	assert_eq 1073741824 "$(cat "$m/memory.limit_in_bytes")" "--memory 1g"
	assert_eq 25000 "$(cat "$(oci_cg_dir "$PID" cpu)/cpu.cfs_quota_us")" "--cpu-quota"
	# runc's spellings and the options of the other cpu files.
	oci update --cpu-share 300 --cpu-burst 1000 --cpu-rt-period 900000 --cpu-rt-runtime 0 uo ||
		fail "update --cpu-share ..."
	local c
	c=$(oci_cg_dir "$PID" cpu)
	assert_eq "300 1000 900000 0" "$(cat "$c/cpu.shares" "$c/cpu.cfs_burst_us" \
		"$c/cpu.rt_period_us" "$c/cpu.rt_runtime_us" | tr '\n' ' ' | sed 's/ $//')" "cpu files"
	# (an idle cgroup's weight is the kernel's least: its shares read 3)
	oci update --cpu-idle 1 uo || fail "update --cpu-idle 1"
	assert_eq "1 3" "$(cat "$c/cpu.idle" "$c/cpu.shares" | tr '\n' ' ' | sed 's/ $//')" "cpu.idle"
	oci_expect_error "--cpu-idle 2" "nsset: update: --cpu-idle 2: must be a non-negative integer (0 or 1)" \
		update --cpu-idle 2 uo
}

test_update_refused_by_the_kernel_changes_nothing() {
	update_setup uk
	oci update --memory 64m --pids-limit 20 uk || fail "update"
	local before out rc
	before=$(limits "$PID")
	# A throttle already there, to be kept; another device's, to go again.
	local dev=7:0 dev2=7:1
	[ ! -d /sys/fs/cgroup/blkio ] ||
		echo "$dev 4096" >"$(oci_cg_dir "$PID" blkio)/blkio.throttle.read_bps_device" || fail "throttle"
	before=$(limits "$PID")
	# Memory, pids, cpu, the throttles are written first; then a unified file that does not
	# exist (or, on a host without cgroup v2, unified itself) is refused.
	echo "{\"memory\": {\"swappiness\": 3}, \"blockIO\": {\"throttleReadBpsDevice\": [
		{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 1048576},
		{\"major\": ${dev2%:*}, \"minor\": ${dev2#*:}, \"rate\": 2097152} ]},
		\"unified\": {\"cgroup.nosuchfile\": \"1\"}}" >"$TMPDIR_TEST/res.json"
	out=$(oci update -r "$TMPDIR_TEST/res.json" --memory 48m --pids-limit 9 --cpu-shares 100 --cpuset-cpus 0 uk 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_contains "nsset: update uk: linux.resources.unified" "$out"
	assert_eq "$before" "$(limits "$PID")" "limits after the refused update"
	# The kernel refuses a value: the cpuset, a CPU this machine lacks.
	out=$(oci update --memory 48m --pids-limit 9 --cpu-shares 100 --cpuset-cpus 4095 uk 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_contains "nsset: update uk: " "$out"
	assert_contains "cpuset.cpus" "$out" "the file that refused"
	assert_eq "$before" "$(limits "$PID")" "limits after the refused update"
	assert_eq created "$(oci_status uk)" "status"
}

test_update_bad_input_changes_nothing() {
	update_setup ub
	oci update --pids-limit 20 ub || fail "update"
	local before
	before=$(limits "$PID")
	printf '{"memory": ' >"$TMPDIR_TEST/trunc.json"
	echo '{"memory": {"limit": "64m"}}' >"$TMPDIR_TEST/type.json"
	echo '[ 1 ]' >"$TMPDIR_TEST/array.json"
	echo '{"devices": [ {"allow": true, "type": "x"} ]}' >"$TMPDIR_TEST/dev.json"
	echo '{"memory": {"limit": 67108864, "swap": 1048576}}' >"$TMPDIR_TEST/swap.json"
	oci_expect_error "truncated JSON" "nsset: update ub: $TMPDIR_TEST/trunc.json: malformed JSON" \
		update -r "$TMPDIR_TEST/trunc.json" ub
	oci_expect_error "a wrong type" "nsset: update ub: $TMPDIR_TEST/type.json: memory.limit: must be an integer" \
		update -r "$TMPDIR_TEST/type.json" ub
	oci_expect_error "not an object" "array.json: must be a JSON object" update -r "$TMPDIR_TEST/array.json" ub
	oci_expect_error "a bad device rule" 'devices[0].type: must be "a", "c" or "b"' \
		update -r "$TMPDIR_TEST/dev.json" ub
	oci_expect_error "swap below the limit" "memory.swap: 1048576 is below the memory limit 67108864" \
		update -r "$TMPDIR_TEST/swap.json" ub
	oci_expect_error "a missing file" "nsset: update ub: cannot open $TMPDIR_TEST/none.json: No such file or directory" \
		update -r "$TMPDIR_TEST/none.json" ub
	oci_expect_error "a directory" "is not a regular file" update -r "$TMPDIR_TEST" ub
	local out rc
	out=$(yes | oci update -r - ub 2>&1); rc=$?
	assert_ne 0 "$rc" "an endless standard input"
	assert_contains "nsset: update ub: the standard input is larger than 16 MiB" "$out"
	oci_expect_error "bad --memory" "nsset: update: --memory 12q: must be a number of bytes" update --memory 12q ub
	oci_expect_error "negative --cpu-shares" "nsset: update: --cpu-shares -5: must be a non-negative integer" \
		update --cpu-shares -5 ub
	oci_expect_error "--pids-limit -2" "nsset: update: --pids-limit -2: must be an integer or -1" \
		update --pids-limit -2 ub
	oci_expect_error "an unknown option" "nsset: update: unknown option '--memroy'" update --memroy 1 ub
	oci_expect_error "no id" "usage: nsset update [OPTIONS] ID" update --pids-limit 5
	oci_expect_error "an unknown container" "nsset: update nope: container nope does not exist" \
		update --pids-limit 5 nope
	assert_eq "$before" "$(limits "$PID")" "limits after the bad input"
	assert_eq created "$(oci_status ub)" "status"
	[ ! -e "$TMPDIR_TEST/state/nope" ] || fail "state made for an unknown container"
}

test_update_of_a_stopped_container_is_refused() {
	[ -d /sys/fs/cgroup/pids ] || skip "needs the v1 pids hierarchy"
	local b=$TMPDIR_TEST/b pid
	oci_bundle "$b" '[ "true" ]'
	oci_defer_delete us
	oci_create "$b" us || fail "create"
	pid=$(oci_pid us)
	local p
	p=$(oci_cg_dir "$pid" pids)
	oci start us || fail "start"
	wait_for sh -c "[ \"\$(\"$NSSET\" --root \"$TMPDIR_TEST/state\" state us | jq -r .status)\" = stopped ]" ||
		fail "the container did not stop"
	oci_expect_error "a stopped container" "nsset: update us: container is not created, running or paused (stopped)" \
		update --pids-limit 5 us
	assert_eq max "$(cat "$p/pids.max")" "pids.max of the stopped container"
	oci delete us || fail "delete"
	oci_assert_gone us
}
