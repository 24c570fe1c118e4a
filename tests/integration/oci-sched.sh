# How and where the container's process runs, through the kernel's eyes: process.scheduler
# (/proc/PID/sched, stat), process.ioPriority (ioprio_get through ionice), linux.memoryPolicy
# (/proc/PID/numa_maps), execCPUAffinity of an exec (/proc/PID/status), linux.timeOffsets of a
# new time namespace (/proc/PID/timens_offsets, the clocks inside); what nsset does not do
# (intelRdt) and bad values refused with nothing made.
source "$SRC/tests/oci-lib.sh"

# A created container running sleep with the bundle changed by the jq program; PID its process.
sched_create() { # ID JQ
	oci_sleeper "$1" "$2"
	oci start "$1" || fail "start"
	# The command runs (not nsset-dmz any more): what it was given is what it has.
	wait_for sh -c "[ \"\$(cat /proc/$PID/comm)\" = sleep ]" || fail "sleep never ran"
}

sched_field() { sed -n "s/^$2 *: *//p" /proc/"$1"/sched; } # PID FIELD

test_scheduler_policies_and_nice() {
	sched_create sb '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
	assert_eq 3 "$(sched_field "$PID" policy)" "SCHED_BATCH"
	assert_eq 7 "$(cut -d' ' -f19 /proc/"$PID"/stat)" "nice"
	# A real-time policy needs real-time time in the container's cgroup (v1 cpu.rt_runtime_us).
	local rt='.linux.resources.cpu = {"realtimePeriod": 1000000, "realtimeRuntime": 10000}'
	[ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] || rt='.'
	sched_create sf "$rt | .process.scheduler = {\"policy\": \"SCHED_FIFO\", \"priority\": 10, \"flags\": [\"SCHED_FLAG_RESET_ON_FORK\"]}"
	assert_eq 1 "$(sched_field "$PID" policy)" "SCHED_FIFO"
	assert_eq 10 "$(cut -d' ' -f40 /proc/"$PID"/stat)" "rt_priority"
	sched_create si '.process.scheduler = {"policy": "SCHED_IDLE"}'
	assert_eq 5 "$(sched_field "$PID" policy)" "SCHED_IDLE"
	# Without it: the runtime's own (SCHED_OTHER, nice 0).
	sched_create so '.'
	assert_eq 0 "$(sched_field "$PID" policy)" "default policy"
	assert_eq 0 "$(cut -d' ' -f19 /proc/"$PID"/stat)" "default nice"
}

test_io_priority() {
	command -v ionice >/dev/null || skip "no ionice"
	sched_create ib '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	assert_eq "best-effort: prio 6" "$(ionice -p "$PID")" "ionice of the container's process"
	sched_create ii '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
	assert_eq "idle" "$(ionice -p "$PID")" "idle class"
}

test_memory_policy() {
	[ -r /proc/self/numa_maps ] || skip "no NUMA support (no numa_maps)"
	sched_create mb '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
	assert_match '^[0-9a-f]+ bind=static:0 ' "$(grep -m1 busybox /proc/"$PID"/numa_maps)" "bind policy"
	sched_create mi '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0"}'
	assert_match '^[0-9a-f]+ interleave:0 ' "$(grep -m1 busybox /proc/"$PID"/numa_maps)" "interleave policy"
	# A node this machine lacks: the kernel says no, and nothing is left.
	local b=$TMPDIR_TEST/b out rc
	oci_bundle "$b" '[ "true" ]'
	oci_jq "$b" '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "1000"}'
	out=$(oci create --bundle "$b" mx </dev/null 2>&1); rc=$?
	assert_ne 0 "$rc" "a missing node"
	assert_contains "nsset: create mx: linux.memoryPolicy: set_mempolicy: Invalid argument" "$out"
	oci_assert_gone mx
}

test_time_offsets_of_a_new_time_namespace() {
	kind_built time || skip "no time namespaces in this build"
	local b=$TMPDIR_TEST/b out
	oci_bundle "$b" '[ "sh", "-c", "cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime" ]'
	oci_jq "$b" '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"monotonic": {"secs": 86400}, "boottime": {"secs": 1000000, "nanosecs": 5}}'
	out=$(oci run --bundle "$b" tr </dev/null 2>"$TMPDIR_TEST/err") || fail "run: $(cat "$TMPDIR_TEST/err")"
	mapfile -t lines <<<"$out"
	assert_match '^monotonic +86400 +0$' "${lines[0]}" "monotonic offset"
	assert_match '^boottime +1000000 +5$' "${lines[1]}" "boottime offset"
	local up
	up=$(cut -d. -f1 /proc/uptime)
	[ "${lines[2]}" -ge $((up + 1000000 - 5)) ] && [ "${lines[2]}" -le $((up + 1000000 + 5)) ] ||
		fail "uptime inside ${lines[2]}, outside $up"
	oci_assert_gone tr
	# Seen from the host: the process's time namespace is a new one, with the offsets.
	sched_create tc '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"monotonic": {"secs": -5}}'
	assert_ne "$(ns_ino $$ time)" "$(ns_ino "$PID" time)" "time namespace"
	assert_match '^monotonic +-5 +0$' "$(head -1 /proc/"$PID"/timens_offsets)" "timens_offsets from the host"
	# Without offsets: still a new time namespace, zero offsets.
	sched_create tz '.linux.namespaces += [{"type": "time"}]'
	assert_ne "$(ns_ino $$ time)" "$(ns_ino "$PID" time)" "time namespace without offsets"
	assert_match '^monotonic +0 +0$' "$(head -1 /proc/"$PID"/timens_offsets)" "no offsets"
}

test_exec_cpu_affinity() {
	[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
	local b=$TMPDIR_TEST/b pid out
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete ea
	oci_create "$b" ea || fail "create"
	oci start ea || fail "start"
	# The init is not concerned (config.md); an exec'd process is.
	jq '.process | .args = ["sh", "-c", "grep Cpus_allowed_list /proc/self/status"] |
		.execCPUAffinity = {"initial": "0", "final": "1"}' "$b/config.json" >"$TMPDIR_TEST/p.json"
	out=$(oci exec --process "$TMPDIR_TEST/p.json" ea 2>&1) || fail "exec: $out"
	assert_match 'Cpus_allowed_list:[[:space:]]+1$' "$out" "final affinity of the exec'd process"
	pid=$(oci_pid ea)
	assert_ne "1" "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/"$pid"/status)" "the init's affinity"
	jq '.process | .args = ["true"] | .execCPUAffinity = {"final": "4000"}' "$b/config.json" >"$TMPDIR_TEST/p2.json"
	oci_expect_error "a CPU list out of range" "process.execCPUAffinity.final: must be a list of CPUs" \
		exec --process "$TMPDIR_TEST/p2.json" ea
}

test_what_nsset_does_not_do_and_bad_values_are_refused() {
	local b=$TMPDIR_TEST/b row prog want
	oci_bundle "$b" '[ "true" ]'
	oci_defer_delete rz # (should a row be accepted)
	cp "$b/config.json" "$TMPDIR_TEST/orig.json"
	for row in \
		'.linux.intelRdt = {"closID": "x"} @@ linux.intelRdt: Intel RDT (resctrl) is not supported' \
		'.process.scheduler = {"policy": "SCHED_ISO"} @@ process.scheduler.policy: SCHED_ISO is not a policy of the Linux kernel' \
		'.process.scheduler = {"policy": "SCHED_FIFO"} @@ process.scheduler.priority: must be 1 to 99 with SCHED_FIFO' \
		'.process.scheduler = {"nice": 1} @@ process.scheduler.policy: is required' \
		'.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 10} @@ process.scheduler: SCHED_DEADLINE needs 0 < runtime <= deadline <= period' \
		'.process.ioPriority = {"class": "IOPRIO_CLASS_XX", "priority": 1} @@ process.ioPriority.class: unknown class "IOPRIO_CLASS_XX"' \
		'.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8} @@ process.ioPriority.priority: out of range [0, 7]' \
		'.linux.memoryPolicy = {"mode": "MPOL_BIND"} @@ linux.memoryPolicy.nodes: this mode needs at least one node' \
		'.linux.memoryPolicy = {"mode": "MPOL_LOCAL", "nodes": "0"} @@ linux.memoryPolicy.nodes: must be empty with MPOL_LOCAL' \
		'.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0-"} @@ linux.memoryPolicy.nodes: must be a list of memory nodes' \
		'.linux.timeOffsets = {"monotonic": {"secs": 1}} @@ linux.timeOffsets: needs a new time namespace' \
		'.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"realtime": {"secs": 1}} @@ linux.timeOffsets.realtime: unknown clock' \
		'.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"boottime": {"nanosecs": 1000000000}} @@ linux.timeOffsets.boottime.nanosecs: out of range'; do
		prog=${row%% @@ *} want=${row#* @@ }
		jq "$prog" "$TMPDIR_TEST/orig.json" >"$b/config.json" || fail "jq $prog"
		oci_create_refused "$b" rz "$want" "$prog"
	done
}
