# linux.resources beyond memory limits, pids and cpu shares/quota (those: oci-config.sh):
# swappiness, the OOM killer, cpu burst/idle/real-time, block I/O weights and throttles, huge
# page limits, unified (cgroup v2 files); and what this host lacks (net_cls, net_prio, rdma, a
# v2 memory controller) refused with nothing made.  Read back from the cgroup files of the
# container's process (/proc/PID/cgroup).
source "$SRC/tests/oci-lib.sh"

# A created container of a bundle whose linux.resources is JSON; PID its process.
res_create() { # ID JSON
	local b=$TMPDIR_TEST/b-$1
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_jq "$b" ".linux.resources = $2"
	oci_defer_delete "$1"
	oci --debug create --bundle "$b" "$1" </dev/null >"$TMPDIR_TEST/$1.out" 2>"$TMPDIR_TEST/$1.err" ||
		fail "create: $(cat "$TMPDIR_TEST/$1.err")"
	PID=$(oci_pid "$1")
	[ -n "$PID" ] || fail "no pid"
}

# The major:minor of a block device of this machine (a loop device is always there).
block_dev() { cat /sys/block/loop0/dev 2>/dev/null || cat "$(ls -d /sys/block/*/dev | head -1)"; }

# cgroup.subtree_control of the v2 root as it was when the test began (nsset enables hugetlb
# there for hugepageLimits, as runc does), put back when the test ends (after the deletes).
restore_v2_root_controls() { # MOUNT CONTROLLER...
	local mnt=$1 c
	shift
	for c in $(cat "$mnt/cgroup.subtree_control"); do
		case " $* " in *" $c "*) ;; *) echo "-$c" >"$mnt/cgroup.subtree_control" ;; esac
	done
}
keep_v2_root_controls() {
	local mnt
	mnt=$(awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
	[ -z "$mnt" ] || defer "restore_v2_root_controls $mnt $(cat "$mnt/cgroup.subtree_control")"
}

test_memory_and_cpu_extras_reach_the_cgroup_files() {
	[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/cpu ] || skip "needs the v1 memory and cpu hierarchies"
	res_create rm '{"memory": {"swappiness": 7, "disableOOMKiller": true, "kernel": 1048576},
		"cpu": {"quota": 50000, "period": 100000, "burst": 2000, "idle": 1, "realtimePeriod": 500000, "realtimeRuntime": 0}}'
	local m c
	m=$(oci_cg_dir "$PID" memory) c=$(oci_cg_dir "$PID" cpu)
	assert_ne "$(oci_cg_dir $$ memory)" "$m" "the container's own memory cgroup"
	assert_eq 7 "$(cat "$m/memory.swappiness")" "memory.swappiness"
	assert_contains "oom_kill_disable 1" "$(cat "$m/memory.oom_control")" "memory.oom_control"
	assert_eq 2000 "$(cat "$c/cpu.cfs_burst_us")" "cpu.cfs_burst_us"
	assert_eq 1 "$(cat "$c/cpu.idle")" "cpu.idle"
	assert_eq 500000 "$(cat "$c/cpu.rt_period_us")" "cpu.rt_period_us"
	assert_eq 0 "$(cat "$c/cpu.rt_runtime_us")" "cpu.rt_runtime_us"
	# Kernel memory: accepted, not applied, and said so in the debug log.
	assert_contains "memory.kernel and kernelTCP ignored" "$(cat "$TMPDIR_TEST/rm.err")" "debug log"
	# And the default swappiness without the member.
	res_create rd '{"memory": {"limit": 67108864}}'
	assert_eq "$(cat "$(oci_cg_dir $$ memory)/memory.swappiness")" \
		"$(cat "$(oci_cg_dir "$PID" memory)/memory.swappiness")" "swappiness left alone"
	assert_contains "oom_kill_disable 0" "$(cat "$(oci_cg_dir "$PID" memory)/memory.oom_control")" "OOM killer left on"
}

test_block_io_throttles_and_weight() {
	[ -d /sys/fs/cgroup/blkio ] || skip "needs the v1 blkio hierarchy"
	local dev b
	dev=$(block_dev)
	res_create rb "{\"blockIO\": {\"weight\": 300,
		\"throttleReadBpsDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 1048576}],
		\"throttleWriteBpsDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 2097152}],
		\"throttleReadIOPSDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 100}],
		\"throttleWriteIOPSDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 200}]}}"
	b=$(oci_cg_dir "$PID" blkio)
	assert_eq "$dev 1048576" "$(cat "$b/blkio.throttle.read_bps_device")" "read bps"
	assert_eq "$dev 2097152" "$(cat "$b/blkio.throttle.write_bps_device")" "write bps"
	assert_eq "$dev 100" "$(cat "$b/blkio.throttle.read_iops_device")" "read iops"
	assert_eq "$dev 200" "$(cat "$b/blkio.throttle.write_iops_device")" "write iops"
	# The weight: blkio.weight, or BFQ's where that is the only one (this kernel).
	if [ -e "$b/blkio.weight" ]; then
		assert_eq 300 "$(cat "$b/blkio.weight")" "blkio.weight"
	elif [ -e "$b/blkio.bfq.weight" ]; then
		assert_match '(^| )300$' "$(cat "$b/blkio.bfq.weight")" "blkio.bfq.weight"
	fi
}

test_hugepage_limits_and_unified_files() {
	local v2
	v2=$(awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
	[ -n "$v2" ] && grep -qw hugetlb "$v2/cgroup.controllers" || skip "no hugetlb controller on cgroup v2"
	[ -d /sys/fs/cgroup/hugetlb ] && skip "hugetlb is bound to v1 here"
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
	keep_v2_root_controls
	res_create rh '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}], "unified": {"hugetlb.2MB.rsvd.max": "6291456"}}'
	local d
	d=$(oci_cg2_dir "$PID")
	assert_eq 4194304 "$(cat "$d/hugetlb.2MB.max")" "hugetlb.2MB.max"
	# unified is written after hugepageLimits: its value wins for the reservation file.
	assert_eq 6291456 "$(cat "$d/hugetlb.2MB.rsvd.max")" "hugetlb.2MB.rsvd.max from unified"
	grep -qw hugetlb "$(dirname "$d")/cgroup.subtree_control" || fail "hugetlb not enabled for the container's cgroup"
}

test_resources_this_host_lacks_are_refused_with_nothing_made() {
	local b=$TMPDIR_TEST/b r want v2 rows=()
	oci_bundle "$b" '[ "true" ]'
	keep_v2_root_controls
	v2=$(awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
	has_ctl() { ls -d /sys/fs/cgroup/*"$1"* >/dev/null 2>&1 || { [ -n "$v2" ] && grep -qw "$1" "$v2/cgroup.controllers"; }; }
	# Only what this host lacks: another host may have these controllers.
	has_ctl net_cls || rows+=('{"network": {"classID": 1048577}}|linux.resources.network.classID: no net_cls controller')
	has_ctl net_prio || rows+=('{"network": {"priorities": [{"name": "lo", "priority": 5}]}}|linux.resources.network.priorities: no net_prio controller')
	has_ctl rdma || rows+=('{"rdma": {"mlx5_0": {"hcaHandles": 2}}}|linux.resources.rdma: no rdma controller')
	[ -z "$v2" ] || grep -qw memory "$v2/cgroup.controllers" ||
		rows+=('{"unified": {"memory.max": "1000000"}}|linux.resources.unified.memory.max: no memory controller on cgroup v2 here')
	[ -z "$v2" ] || rows+=('{"unified": {"cgroup.nosuchfile": "1"}}|linux.resources.unified.cgroup.nosuchfile: no such file in')
	[ -z "$v2" ] || rows+=('{"unified": {"../memory.max": "1"}}|linux.resources.unified.../memory.max: must be a cgroup v2 file name')
	[ -d /sys/kernel/mm/hugepages/hugepages-3072kB ] ||
		rows+=('{"hugepageLimits": [{"pageSize": "3MB", "limit": 1}]}|linux.resources.hugepageLimits[0].pageSize: no 3MB huge pages here')
	[ -e /sys/fs/cgroup/blkio/blkio.leaf_weight ] ||
		rows+=('{"blockIO": {"leafWeight": 100}}|linux.resources.blockIO.leafWeight: cannot open')
	rows+=('{"blockIO": {"weightDevice": [{"major": 7, "minor": 0, "leafWeight": 100}]}}|linux.resources.blockIO.weightDevice[0].leafWeight: no scheduler')
	rows+=('{"cpu": {"quota": 1000, "burst": 2000}}|linux.resources.cpu.burst: 2000 is larger than the quota 1000')
	for row in "${rows[@]}"; do
		r=${row%%|*} want=${row#*|}
		oci_jq "$b" ".linux.resources = $r"
		oci_create_refused "$b" rx "$want" "$r"
	done
	[ "${#rows[@]}" -ge 4 ] || fail "only ${#rows[@]} cases apply here"
}

# The container process writes the resources as soon as it has joined the cgroup, before it
# reads the mount trees the runtime sends it: failing there, it exits with those unread, which
# leaves ECONNRESET on the runtime's end of the socket, reported before the error message
# queued behind it.  Its cause must come through every time (it was lost about one time in
# eight: "the container process exited during create").
test_resource_error_of_the_container_process_comes_through_every_time() {
	local b=$TMPDIR_TEST/b i
	oci_bundle "$b" '[ "true" ]'
	oci_jq "$b" '.linux.resources = {"blockIO": {"weightDevice": [{"major": 7, "minor": 0, "leafWeight": 100}]}}'
	for i in $(seq 40); do
		oci create --bundle "$b" re </dev/null >"$TMPDIR_TEST/re.out" 2>&1 && fail "create $i succeeded"
		assert_contains "nsset: create re: linux.resources.blockIO.weightDevice[0].leafWeight: no scheduler" \
			"$(cat "$TMPDIR_TEST/re.out")" "message of create $i"
	done
	oci_assert_gone re
}
