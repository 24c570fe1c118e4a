# oci-sec: the container process's security and resources (lib/oci/caps.c, process.c,
# seccomp.c, cgroup*.c, hooks.c, cloned_binary.c) through the kernel's eyes.  The driver
# (tests/helpers/oci-sec-driver.c) fills the config structs by hand, as config.c would.

DRIVER=$BUILD/tests/oci-sec-driver

need_driver() { [ -x "$DRIVER" ] || skip "built without the OCI runtime (-Doci=false)"; }

# status_field PID FIELD: the value of a /proc/PID/status line, tabs squeezed.
status_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' ' | sed 's/ $//'; }

# run_bg CMD...: start CMD in the background, wait until it has exec'd busybox sleep, echo the
# pid.  The caller defers the kill.
started() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }

# Kill a background process of the test and reap it (a zombie keeps its cgroup busy).
reap() { kill -9 "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# A cgroup path of this test (contains "nsset": the leak check finds what is left).
cg_name() { echo "/nsset-test-$$-$1"; }
cg_gone() { [ -z "$(find /sys/fs/cgroup -maxdepth 3 -path "*${1}*")" ]; }
cg_cleanup() { # PATH STATEFILE
	"$DRIVER" cgroup kill "$2" 9 2>/dev/null
	"$DRIVER" cgroup remove "$2" 2>/dev/null
	find /sys/fs/cgroup -depth -path "*$1*" -type d -exec rmdir {} + 2>/dev/null
}

# ---- capabilities, user, umask ------------------------------------------------------------

test_caps_and_user_of_an_unprivileged_process() {
	need_driver
	"$DRIVER" process caps-user -- busybox sleep 1000 &
	local pid=$!
	defer reap $pid
	wait_for started $pid busybox || fail "the process did not start"
	# bounding {CHOWN, KILL, NET_BIND_SERVICE}; NET_BIND_SERVICE survives exec as uid 1000
	# through the ambient set; bit 62 (unknown to any kernel) was skipped.
	assert_eq 0000000000000421 "$(status_field $pid CapBnd)" CapBnd
	assert_eq 0000000000000400 "$(status_field $pid CapAmb)" CapAmb
	assert_eq 0000000000000400 "$(status_field $pid CapInh)" CapInh
	assert_eq 0000000000000400 "$(status_field $pid CapPrm)" CapPrm
	assert_eq 0000000000000400 "$(status_field $pid CapEff)" CapEff
	assert_eq "1000 1000 1000 1000" "$(status_field $pid Uid)" Uid
	assert_eq "1000 1000 1000 1000" "$(status_field $pid Gid)" Gid
	assert_eq "2000 3000" "$(status_field $pid Groups)" Groups
	assert_eq 0027 "$(status_field $pid Umask)" Umask
	assert_eq 0 "$(status_field $pid NoNewPrivs)" NoNewPrivs
	# and the host is untouched
	assert_ne 0000000000000421 "$(status_field $$ CapBnd)" "the caller's CapBnd"
}

test_caps_of_root_with_no_new_privileges() {
	need_driver
	"$DRIVER" process root-nnp -- busybox sleep 1000 &
	local pid=$!
	defer reap $pid
	wait_for started $pid busybox || fail "the process did not start"
	# AUDIT_WRITE(29) KILL(5) NET_BIND_SERVICE(10)
	assert_eq 0000000020000420 "$(status_field $pid CapBnd)" CapBnd
	assert_eq 0000000020000420 "$(status_field $pid CapEff)" CapEff
	assert_eq 0000000020000420 "$(status_field $pid CapPrm)" CapPrm
	assert_eq 0000000000000000 "$(status_field $pid CapInh)" CapInh
	assert_eq 0000000000000000 "$(status_field $pid CapAmb)" CapAmb
	assert_eq "0 0 0 0" "$(status_field $pid Uid)" Uid
	assert_eq 1 "$(status_field $pid NoNewPrivs)" NoNewPrivs
	assert_eq 0 "$(status_field $pid Seccomp)" Seccomp
}

test_ambient_cap_not_inheritable_is_a_clear_error() {
	need_driver
	local out rc
	out=$("$DRIVER" process ambient-not-inheritable -- touch "$TMPDIR_TEST/ran" 2>&1); rc=$?
	assert_eq 1 "$rc" "exit status"
	assert_contains "cannot raise ambient CAP_KILL (it must be permitted and inheritable)" "$out"
	[ ! -e "$TMPDIR_TEST/ran" ] || fail "the command ran after the error"
}

# ---- rlimits, oom_score_adj, personality ------------------------------------------------------

test_rlimits_oom_score_adj_and_personality() {
	need_driver
	"$DRIVER" process limits -- busybox sleep 1000 &
	local pid=$!
	defer reap $pid
	wait_for started $pid busybox || fail "the process did not start"
	assert_match '^Max open files +1000 +2000 +files' "$(grep 'open files' /proc/$pid/limits)" nofile
	assert_match '^Max core file size +0 +0 +bytes' "$(grep 'core file' /proc/$pid/limits)" core
	assert_match '^Max processes +500 +1000 +processes' "$(grep 'Max processes' /proc/$pid/limits)" nproc
	assert_eq 500 "$(cat /proc/$pid/oom_score_adj)" oom_score_adj
	assert_eq 00000008 "$(cat /proc/$pid/personality)" "personality (PER_LINUX32)"
	assert_eq i686 "$("$DRIVER" process limits -- busybox uname -m)" "uname -m under PER_LINUX32"
	assert_ne 500 "$(cat /proc/$$/oom_score_adj)" "the caller's oom_score_adj"
}

test_rlimit_above_the_hard_limit_is_refused() {
	need_driver
	local out rc hard
	hard=$(ulimit -Hn)
	out=$("$DRIVER" process rlimit-too-high -- touch "$TMPDIR_TEST/ran" 2>&1); rc=$?
	assert_eq 1 "$rc" "exit status"
	assert_contains "process.rlimits: RLIMIT_NOFILE hard limit $((hard + 1)) is above this machine's hard limit $hard (raising it needs CAP_SYS_RESOURCE)" "$out"
	[ ! -e "$TMPDIR_TEST/ran" ] || fail "the command ran after the error"
	# root of a user namespace has CAP_SYS_RESOURCE there, which does not raise rlimits
	out=$(unshare -Ur "$DRIVER" process rlimit-too-high -- touch "$TMPDIR_TEST/ran" 2>&1) || true
	assert_contains "process.rlimits: RLIMIT_NOFILE hard limit $((hard + 1)) is above this machine's hard limit $hard" "$out" "in a user namespace"
	[ ! -e "$TMPDIR_TEST/ran" ] || fail "the command ran after the error"
}

test_lowering_oom_score_adj_without_cap_sys_resource_is_a_clear_error() {
	need_driver
	local out rc
	[ "$(cat /proc/self/oom_score_adj)" -gt -999 ] || skip "oom_score_adj already at -999"
	out=$("$DRIVER" process oom-lower -- cat /proc/self/oom_score_adj 2>&1); rc=$?
	if [ $rc -eq 0 ]; then
		# this machine grants CAP_SYS_RESOURCE: then the value must be in place
		assert_eq -999 "$out" oom_score_adj
		return 0
	fi
	assert_eq 1 "$rc" "exit status"
	assert_contains "process.oomScoreAdj: cannot lower it to -999 (needs CAP_SYS_RESOURCE)" "$out"
}

# ---- seccomp -----------------------------------------------------------------------------------

# The scenarios' profile: mkdir/mkdirat -> ERRNO(EROFS); kill(_, SIGUSR1) -> ERRNO(EDOM), with
# "nsset_no_such_syscall" in the same rule; uname -> the scenario's action.
seccomp_probe='busybox mkdir "$1/dir"; echo "mkdir=$?"
	busybox sleep 1000 & p=$!
	busybox kill -USR1 $p; echo "usr1=$?"
	busybox kill -TERM $p; echo "term=$?"
	grep -E "^(Seccomp|Seccomp_filters|NoNewPrivs|Uid):" /proc/self/status | tr -s "\t" " "
	busybox uname -s; echo "uname=$?"'

test_seccomp_errno_and_argument_rules_after_no_new_privs() {
	need_driver
	local out
	chmod 777 "$TMPDIR_TEST"
	out=$("$DRIVER" process seccomp-errno -- busybox sh -c "$seccomp_probe" sh "$TMPDIR_TEST" 2>&1)
	assert_contains "can't create directory '$TMPDIR_TEST/dir': Read-only file system" "$out" mkdir
	assert_contains "mkdir=1" "$out"
	assert_contains "Numerical argument out of domain" "$out" "kill -USR1"
	assert_contains "usr1=1" "$out"
	assert_contains "term=0" "$out" "kill -TERM (another argument value)"
	assert_contains "Seccomp: 2" "$out"
	assert_contains "Seccomp_filters: 1" "$out"
	assert_contains "NoNewPrivs: 1" "$out"
	assert_contains "Uid: 1000 1000 1000 1000" "$out"
	assert_contains $'Linux\nuname=0' "$out"
	[ ! -e "$TMPDIR_TEST/dir" ] || fail "mkdir went through"
}

test_seccomp_without_no_new_privs_is_loaded_while_privileged() {
	need_driver
	local out
	chmod 777 "$TMPDIR_TEST"
	out=$("$DRIVER" process seccomp-privileged -- busybox sh -c "$seccomp_probe" sh "$TMPDIR_TEST" 2>&1)
	assert_contains "Read-only file system" "$out"
	assert_contains "Seccomp: 2" "$out"
	assert_contains "NoNewPrivs: 0" "$out"
	assert_contains "Uid: 1000 1000 1000 1000" "$out"
}

test_seccomp_kill_process_trap_and_log() {
	need_driver
	local out rc action
	for action in kill trap; do
		out=$("$DRIVER" process seccomp-$action -- busybox uname -s 2>&1); rc=$?
		assert_eq 159 "$rc" "exit status of uname under SCMP_ACT_${action^^} (128 + SIGSYS)"
		[[ $out != *Linux* ]] || fail "uname ran under SCMP_ACT_${action^^}"
	done
	out=$("$DRIVER" process seccomp-log -- busybox uname -s 2>&1); rc=$?
	assert_eq 0 "$rc" "exit status under SCMP_ACT_LOG"
	assert_eq Linux "$out" "uname under SCMP_ACT_LOG"
	# default action LOG, mkdir -> SCMP_ACT_KILL
	out=$("$DRIVER" process seccomp-default-log -- busybox sh -c 'busybox uname -s; busybox mkdir "$1/d"' sh "$TMPDIR_TEST" 2>&1); rc=$?
	assert_eq 159 "$rc" "exit status of mkdir under SCMP_ACT_KILL"
	assert_contains Linux "$out" "uname under the default action LOG"
	[ ! -e "$TMPDIR_TEST/d" ] || fail "mkdir went through"
}

test_seccomp_notify_sends_the_fd_to_the_listener() {
	need_driver
	local out
	out=$(timeout 60 "$DRIVER" notify "$TMPDIR_TEST/listener.sock" -- busybox mkdir "$TMPDIR_TEST/d" 2>&1)
	assert_match 'state: \{"ociVersion":"1.0.2","fds":\["seccompFd"\],"pid":[0-9]+,"state":\{[^}]*"id":"nsset-test"' "$out" "process state sent with the fd"
	assert_contains "notified: mkdir" "$out"
	# the listener answered EXDEV
	assert_contains "can't create directory '$TMPDIR_TEST/d': Invalid cross-device link" "$out"
	assert_contains "child: exit 1" "$out"
	[ ! -e "$TMPDIR_TEST/d" ] || fail "mkdir went through"
}

# ---- cgroups -----------------------------------------------------------------------------------

test_cgroup_layout_is_detected() {
	need_driver
	local want=v1
	if grep -q ' - cgroup2 ' /proc/self/mountinfo; then
		grep -q ' - cgroup ' /proc/self/mountinfo && want=hybrid || want=v2
	fi
	assert_eq "$want" "$("$DRIVER" cgroup layout)" layout
}

test_cgroup_resources_membership_and_removal() {
	need_driver
	local cg st=$TMPDIR_TEST/cg pid d=/sys/fs/cgroup
	cg=$(cg_name res)
	defer cg_cleanup "$cg" "$st"
	"$DRIVER" cgroup create "$cg" c1 "$st" all >/dev/null || fail "create failed"
	[ -d $d/memory ] || skip "not the v1 layout (checked here file by file)"
	assert_eq 67108864 "$(cat $d/memory$cg/memory.limit_in_bytes)" memory.limit_in_bytes
	assert_eq 33554432 "$(cat $d/memory$cg/memory.soft_limit_in_bytes)" memory.soft_limit_in_bytes
	if [ -e $d/memory$cg/memory.memsw.limit_in_bytes ]; then
		assert_eq 134217728 "$(cat $d/memory$cg/memory.memsw.limit_in_bytes)" memory.memsw.limit_in_bytes
	fi
	assert_eq 50 "$(cat $d/pids$cg/pids.max)" pids.max
	assert_eq 512 "$(cat $d/cpu$cg/cpu.shares)" cpu.shares
	assert_eq 200000 "$(cat $d/cpu$cg/cpu.cfs_period_us)" cpu.cfs_period_us
	assert_eq 50000 "$(cat $d/cpu$cg/cpu.cfs_quota_us)" cpu.cfs_quota_us
	assert_eq 0 "$(cat $d/cpuset$cg/cpuset.cpus)" cpuset.cpus
	assert_eq 0 "$(cat $d/cpuset$cg/cpuset.mems)" cpuset.mems
	# deny all, then allow c 1:3 and the default devices
	local devs
	devs=$(cat $d/devices$cg/devices.list)
	assert_contains "c 1:3 rwm" "$devs" devices.list
	assert_contains "c 136:* rwm" "$devs" devices.list
	[[ $devs != *"a *:* rwm"* ]] || fail "devices.list still allows everything"

	"$DRIVER" cgroup join "$st" -- busybox sleep 1000 &
	pid=$!
	defer reap $pid
	wait_for started $pid busybox || fail "the process did not start"
	local membership
	membership=$(cat /proc/$pid/cgroup)
	for ctl in memory pids cpu cpuset devices freezer; do
		grep -qE "^[0-9]+:([a-z_]+,)*$ctl(,[a-z_]+)*:$cg\$" <<<"$membership" ||
			fail "/proc/PID/cgroup: not in $cg for $ctl: $membership"
	done
	if [ -d $d/unified ]; then
		assert_contains "0::$cg" "$membership" "/proc/PID/cgroup (v2 of the hybrid layout)"
	fi
	assert_eq "$pid" "$("$DRIVER" cgroup pids "$st")" "processes of the cgroup"
	# the device rules, through the kernel: /dev/kmsg (c 1:11) is not allowed in the cgroup
	if [ -c /dev/kmsg ] && (: </dev/kmsg) 2>/dev/null; then
		local out
		out=$("$DRIVER" cgroup join "$st" -- busybox sh -c ': </dev/kmsg' 2>&1) && fail "/dev/kmsg opened in the cgroup"
		assert_contains "Operation not permitted" "$out" "open /dev/kmsg"
		"$DRIVER" cgroup join "$st" -- busybox sh -c ': </dev/null' || fail "/dev/null refused in the cgroup"
	fi
	"$DRIVER" cgroup kill "$st" 9 || fail "kill failed"
	wait $pid 2>/dev/null
	"$DRIVER" cgroup remove "$st" || fail "remove failed"
	cg_gone "$cg" || fail "cgroup left: $(find /sys/fs/cgroup -maxdepth 3 -path "*$cg*")"
}

test_cgroup_freeze_thaw_and_kill_all() {
	need_driver
	local cg st=$TMPDIR_TEST/cg pid
	cg=$(cg_name freeze)
	defer cg_cleanup "$cg" "$st"
	"$DRIVER" cgroup create "$cg" c1 "$st" >/dev/null || fail "create failed"
	"$DRIVER" cgroup join "$st" -- busybox sh -c 'busybox sleep 1000 & busybox sleep 1000 & wait' &
	pid=$!
	defer reap $pid
	wait_for eval '[ "$("$DRIVER" cgroup pids "$st" | wc -l)" = 3 ]' || fail "3 processes expected in the cgroup"
	"$DRIVER" cgroup freeze "$st" || fail "freeze failed"
	assert_eq frozen "$("$DRIVER" cgroup frozen "$st")" "after freeze"
	if [ -e /sys/fs/cgroup/freezer$cg/freezer.state ]; then
		assert_eq FROZEN "$(cat /sys/fs/cgroup/freezer$cg/freezer.state)" freezer.state
	fi
	"$DRIVER" cgroup thaw "$st" || fail "thaw failed"
	assert_eq thawed "$("$DRIVER" cgroup frozen "$st")" "after thaw"
	if [ -e /sys/fs/cgroup/freezer$cg/freezer.state ]; then
		assert_eq THAWED "$(cat /sys/fs/cgroup/freezer$cg/freezer.state)" freezer.state
	fi
	kill -0 $pid || fail "the process is gone after thaw"
	# kill --all of a frozen container: SIGKILL, thawed so that they die
	"$DRIVER" cgroup freeze "$st" || fail "freeze failed"
	"$DRIVER" cgroup kill "$st" 9 || fail "kill failed"
	wait $pid 2>/dev/null
	wait_for eval '[ -z "$("$DRIVER" cgroup pids "$st")" ]' || fail "processes left: $("$DRIVER" cgroup pids "$st")"
	"$DRIVER" cgroup remove "$st" || fail "remove failed"
	cg_gone "$cg" || fail "cgroup left"
}

test_cgroup_v2_freeze_kill_and_remove() {
	need_driver
	# The v2 code paths (cgroup.freeze, cgroup.events) on the unified hierarchy alone: the
	# saved form of a cgroup that lives only there.
	local mount cg st=$TMPDIR_TEST/cg pid
	mount=$(awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
	[ -n "$mount" ] || skip "no cgroup v2 hierarchy"
	cg=$(cg_name v2)
	mkdir "$mount$cg" || fail "cannot make $mount$cg"
	defer cg_cleanup "$cg" "$st"
	printf '%s\n1\tv2\t-\t%s\t%s\n' "$cg" "$mount" "$mount$cg" >"$st"
	"$DRIVER" cgroup join "$st" -- busybox sleep 1000 &
	pid=$!
	defer reap $pid
	wait_for started $pid busybox || fail "the process did not start"
	assert_eq "0::$cg" "$(grep '^0::' /proc/$pid/cgroup)" "/proc/PID/cgroup"
	"$DRIVER" cgroup freeze "$st" || fail "freeze failed"
	assert_contains "frozen 1" "$(cat "$mount$cg/cgroup.events")" cgroup.events
	assert_eq frozen "$("$DRIVER" cgroup frozen "$st")" "after freeze"
	"$DRIVER" cgroup thaw "$st" || fail "thaw failed"
	assert_contains "frozen 0" "$(cat "$mount$cg/cgroup.events")" cgroup.events
	"$DRIVER" cgroup freeze "$st" || fail "freeze failed"
	"$DRIVER" cgroup kill "$st" 9 || fail "kill failed"
	wait $pid 2>/dev/null
	"$DRIVER" cgroup remove "$st" || fail "remove failed"
	[ ! -d "$mount$cg" ] || fail "$mount$cg left"
}

# The resource files of both versions, written into a copy of a hierarchy made of plain files
# (this host cannot bind memory, pids or cpu to v2): what lands in each file.
fake_hierarchy() { # DIR VERSION CONTROLLERS FILES...
	local dir=$1 ver=$2 ctl=$3 f
	shift 3
	mkdir -p "$dir/mnt/c"
	for f in "$@"; do : >"$dir/mnt/c/$f"; done
	printf '/c\n1\t%s\t%s\t%s\t%s\n' "$ver" "$ctl" "$dir/mnt" "$dir/mnt/c" >"$dir/state"
}

test_cgroup_resource_files_of_v1_and_v2() {
	need_driver
	local t=$TMPDIR_TEST c=$TMPDIR_TEST/v2/mnt/c out
	fake_hierarchy "$t/v2" v2 cpu,cpuset,memory,pids memory.max memory.low memory.swap.max pids.max \
		cpu.weight cpu.max cpuset.cpus cpuset.mems
	echo "max 100000" >"$c/cpu.max"
	"$DRIVER" cgroup apply "$t/v2/state" no-devices || fail "v2 apply failed"
	assert_eq 67108864 "$(cat "$c/memory.max")" memory.max
	assert_eq 33554432 "$(cat "$c/memory.low")" memory.low
	assert_eq 67108864 "$(cat "$c/memory.swap.max")" "memory.swap.max (swap 128M - limit 64M)"
	assert_eq 50 "$(cat "$c/pids.max")" pids.max
	assert_eq 20 "$(cat "$c/cpu.weight")" "cpu.weight of 512 shares"
	assert_eq "50000 200000" "$(cat "$c/cpu.max")" cpu.max
	assert_eq 0 "$(cat "$c/cpuset.cpus")" cpuset.cpus
	# zero values are "not set": nothing written
	echo untouched | tee "$c/memory.max" "$c/pids.max" "$c/cpu.weight" "$c/cpu.max" "$c/cpuset.cpus" >/dev/null
	"$DRIVER" cgroup apply "$t/v2/state" zeros || fail "v2 apply of zeros failed"
	for f in memory.max pids.max cpu.weight cpu.max cpuset.cpus; do
		assert_eq untouched "$(cat "$c/$f")" "$f after zero values"
	done
	# device rules on v2 are an eBPF program attached to the cgroup (tests/integration/
	# oci-cgroup-v2.sh): a plain directory is refused with a clear error
	out=$("$DRIVER" cgroup apply "$t/v2/state" all 2>&1) && fail "v2 device rules on a plain directory accepted"
	assert_contains "linux.resources.devices: cannot attach the device program to $c: not a cgroup v2 directory" "$out"
	out=$("$DRIVER" cgroup apply "$t/v2/state" bad-swap 2>&1) && fail "swap below the limit accepted"
	assert_contains "linux.resources.memory.swap: on cgroup v2 it needs a memory limit at most as large as it" "$out"

	c=$t/v1/mnt/c
	fake_hierarchy "$t/v1" v1 memory memory.limit_in_bytes memory.soft_limit_in_bytes memory.memsw.limit_in_bytes
	out=$("$DRIVER" cgroup apply "$t/v1/state" no-devices 2>&1) && fail "pids without a pids controller accepted"
	assert_contains "linux.resources.pids.limit: no pids controller on this host (neither v1 nor v2)" "$out"
	assert_eq 67108864 "$(cat "$c/memory.limit_in_bytes")" memory.limit_in_bytes
	assert_eq 134217728 "$(cat "$c/memory.memsw.limit_in_bytes")" memory.memsw.limit_in_bytes
	assert_eq 33554432 "$(cat "$c/memory.soft_limit_in_bytes")" memory.soft_limit_in_bytes
}

test_cgroup_kill_sends_the_signal_to_every_process() {
	need_driver
	local cg st=$TMPDIR_TEST/cg pid
	cg=$(cg_name kill)
	defer cg_cleanup "$cg" "$st"
	"$DRIVER" cgroup create "$cg" c1 "$st" >/dev/null || fail "create failed"
	"$DRIVER" cgroup join "$st" -- busybox sh -c 'trap "echo got-usr1 >>$0; exit 0" USR1; busybox sleep 1000 & while :; do wait; done' "$TMPDIR_TEST/log" &
	pid=$!
	defer reap $pid
	wait_for eval '[ "$("$DRIVER" cgroup pids "$st" | wc -l)" = 2 ]' || fail "2 processes expected"
	"$DRIVER" cgroup kill "$st" 10 || fail "kill USR1 failed"
	wait $pid
	assert_eq got-usr1 "$(cat "$TMPDIR_TEST/log")" "the shell's trap"
	wait_for eval '[ -z "$("$DRIVER" cgroup pids "$st")" ]' || fail "the sleep survived SIGUSR1"
	"$DRIVER" cgroup remove "$st" || fail "remove failed"
	cg_gone "$cg" || fail "cgroup left"
}

test_cgroup_remove_with_processes_left_fails() {
	need_driver
	local cg st=$TMPDIR_TEST/cg pid out
	cg=$(cg_name busy)
	defer cg_cleanup "$cg" "$st"
	"$DRIVER" cgroup create "$cg" c1 "$st" >/dev/null || fail "create failed"
	"$DRIVER" cgroup join "$st" -- busybox sleep 1000 &
	pid=$!
	defer reap $pid
	wait_for started $pid busybox || fail "the process did not start"
	out=$("$DRIVER" cgroup remove "$st" 2>&1) && fail "remove succeeded with a process inside"
	assert_contains "cannot remove the cgroup" "$out"
	kill -0 $pid || fail "remove killed the process"
	[ -d /sys/fs/cgroup/pids$cg ] || [ ! -d /sys/fs/cgroup/pids ] || fail "the pids cgroup is gone"
}

test_cgroup_default_and_relative_paths() {
	need_driver
	local st=$TMPDIR_TEST/cg id="nsset-test-$$-def" out own
	defer cg_cleanup "/nsset-$id" "$st"
	out=$("$DRIVER" cgroup create - "$id" "$st") || fail "create failed"
	assert_eq "/nsset-$id" "$(head -n1 <<<"$out")" "default path"
	[ -d /sys/fs/cgroup/pids/nsset-$id ] || [ ! -d /sys/fs/cgroup/pids ] || fail "no /nsset-$id in pids"
	"$DRIVER" cgroup remove "$st" || fail "remove failed"
	cg_gone "/nsset-$id" || fail "cgroup left"

	# the parents a container made go with it
	local par
	par=$(cg_name par)
	defer cg_cleanup "$par" "$st"
	"$DRIVER" cgroup create "$par/a/b" c1 "$st" >/dev/null || fail "create failed"
	[ -d /sys/fs/cgroup/pids$par/a/b ] || [ ! -d /sys/fs/cgroup/pids ] || fail "no $par/a/b in pids"
	"$DRIVER" cgroup remove "$st" || fail "remove failed"
	cg_gone "$par" || fail "parents left: $(find /sys/fs/cgroup -maxdepth 4 -path "*$par*")"
	# ... but not the ones that were there before
	mkdir /sys/fs/cgroup/pids$par
	"$DRIVER" cgroup create "$par/a" c1 "$st" >/dev/null || fail "create failed"
	"$DRIVER" cgroup remove "$st" || fail "remove failed"
	[ -d /sys/fs/cgroup/pids$par ] || fail "a parent made by someone else was removed"
	[ ! -d /sys/fs/cgroup/pids$par/a ] || fail "$par/a left"
	[ ! -d /sys/fs/cgroup/memory$par ] || fail "$par left in memory"
	rmdir /sys/fs/cgroup/pids$par

	# a relative path goes under this process's own cgroup of each hierarchy
	local rel="nsset-test-$$-rel"
	defer cg_cleanup "$rel" "$st"
	out=$("$DRIVER" cgroup create "$rel" c1 "$st") || fail "create failed"
	while IFS=$'\t' read -r _ ver ctl mount dir; do
		[ "$ver" = v1 ] || continue
		own=$(awk -F: -v c="$ctl" '$2 == c { print $3 }' /proc/self/cgroup)
		[ "$own" = / ] && own=
		assert_eq "$mount$own/$rel" "$dir" "directory in $ctl"
		[ -d "$dir" ] || fail "$dir not made"
	done < <(tail -n +2 <<<"$out")
	"$DRIVER" cgroup remove "$st" || fail "remove failed"
	[ -z "$(find /sys/fs/cgroup -path "*$rel*")" ] || fail "relative cgroup left"
}

test_cgroup_bad_input_leaves_nothing() {
	need_driver
	local cg st=$TMPDIR_TEST/cg out rc
	cg=$(cg_name bad)
	defer cg_cleanup "$cg" "$st"
	out=$("$DRIVER" cgroup create "$cg/../../etc" c1 "$st" 2>&1); rc=$?
	assert_eq 1 "$rc" "exit status"
	assert_contains "linux.cgroupsPath: '$cg/../../etc': '.' and '..' are not allowed" "$out"
	cg_gone "$cg" || fail "cgroup made for a bad path"

	out=$("$DRIVER" cgroup create "$cg" c1 "$st" bad-swap 2>&1); rc=$?
	assert_eq 1 "$rc" "exit status"
	assert_contains "linux.resources.memory.swap: 33554432 is below the memory limit 67108864" "$out"
	cg_gone "$cg" || fail "cgroup left after a bad swap value"

	out=$("$DRIVER" cgroup create "$cg" c1 "$st" bad-cpus 2>&1); rc=$?
	assert_eq 1 "$rc" "exit status"
	assert_match "linux.resources.cpu.cpus: cannot write '4096' to /sys/fs/cgroup/cpuset[^ ]*/cpuset.cpus" "$out"
	cg_gone "$cg" || fail "cgroup left after bad cpus"
	[ ! -e "$st" ] || fail "state written for a failed create"
}

# ---- hooks -------------------------------------------------------------------------------------

test_hook_gets_the_state_on_stdin_with_args_and_env() {
	need_driver
	local hook=$TMPDIR_TEST/hook state='{"ociVersion":"1.0.2","id":"c1","status":"created","pid":42,"bundle":"/b"}'
	cat >"$hook" <<-EOF
	#!/bin/sh
	cat >"$TMPDIR_TEST/stdin"
	echo "\$*" >"$TMPDIR_TEST/args"
	env >"$TMPDIR_TEST/env"
	EOF
	chmod +x "$hook"
	HOOK_ENV=HOOKVAR=hello "$DRIVER" hook prestart "$hook" 5 "$state" myhook one two || fail "hook failed"
	assert_eq "$state" "$(cat "$TMPDIR_TEST/stdin")" stdin
	assert_eq "one two" "$(cat "$TMPDIR_TEST/args")" args
	assert_contains "HOOKVAR=hello" "$(cat "$TMPDIR_TEST/env")" env
	[[ $(cat "$TMPDIR_TEST/env") != *"NSSET="* ]] || fail "the hook inherited the runtime's environment"
	# a runtime started with stdin closed (the state pipe may then be fd 0)
	rm -f "$TMPDIR_TEST/stdin"
	"$DRIVER" hook poststop "$hook" 5 "$state" <&- || fail "hook failed with stdin closed"
	assert_eq "$state" "$(cat "$TMPDIR_TEST/stdin")" "stdin, runtime without fd 0"
}

test_hook_timeout_kills_it() {
	need_driver
	local hook=$TMPDIR_TEST/hook out rc
	printf '#!/bin/sh\nbusybox sleep 1000 &\necho $! >"%s"\nwait\n' "$TMPDIR_TEST/child" >"$hook"
	chmod +x "$hook"
	out=$("$DRIVER" hook poststart "$hook" 1 '{}' 2>&1); rc=$?
	assert_eq 1 "$rc" "exit status"
	assert_contains "poststart hook $hook: timed out after 1 s (killed)" "$out"
	local child
	child=$(cat "$TMPDIR_TEST/child")
	[ -n "$child" ] || fail "the hook did not start"
	wait_for eval "! kill -0 $child 2>/dev/null" || { kill -9 "$child"; fail "the hook's child survived the timeout"; }
}

test_hook_errors_name_the_kind_and_path() {
	need_driver
	local out rc
	out=$("$DRIVER" hook createRuntime "$TMPDIR_TEST/missing" 0 '{}' 2>&1); rc=$?
	assert_eq 1 "$rc" "exit status"
	assert_contains "createRuntime hook $TMPDIR_TEST/missing: No such file or directory" "$out"
	printf '#!/bin/sh\ntouch "%s"\n' "$TMPDIR_TEST/ran" >"$TMPDIR_TEST/noexec"
	out=$("$DRIVER" hook createContainer "$TMPDIR_TEST/noexec" 0 '{}' 2>&1); rc=$?
	assert_eq 1 "$rc" "exit status"
	assert_contains "createContainer hook $TMPDIR_TEST/noexec: not an executable file" "$out"
	[ ! -e "$TMPDIR_TEST/ran" ] || fail "a non-executable hook ran"
	printf '#!/bin/sh\nexit 3\n' >"$TMPDIR_TEST/three"
	chmod +x "$TMPDIR_TEST/three"
	out=$("$DRIVER" hook startContainer "$TMPDIR_TEST/three" 0 '{}' 2>&1); rc=$?
	assert_eq 1 "$rc" "exit status"
	assert_contains "startContainer hook $TMPDIR_TEST/three: exited with status 3" "$out"
	printf '#!/bin/sh\nkill -9 $$\n' >"$TMPDIR_TEST/nine"
	chmod +x "$TMPDIR_TEST/nine"
	out=$("$DRIVER" hook poststop "$TMPDIR_TEST/nine" 0 '{}' 2>&1); rc=$?
	assert_contains "poststop hook $TMPDIR_TEST/nine: killed by signal 9" "$out"
	out=$("$DRIVER" hook prestart relative/hook 0 '{}' 2>&1); rc=$?
	assert_contains "prestart hook relative/hook: the path must be absolute" "$out"
	printf '#!/nonexistent/interpreter\n' >"$TMPDIR_TEST/badinterp"
	chmod +x "$TMPDIR_TEST/badinterp"
	out=$("$DRIVER" hook prestart "$TMPDIR_TEST/badinterp" 0 '{}' 2>&1); rc=$?
	assert_eq 1 "$rc" "exit status"
	assert_contains "prestart hook $TMPDIR_TEST/badinterp: cannot execute it: No such file or directory" "$out"
}

# ---- CVE-2019-5736 -------------------------------------------------------------------------------

test_runtime_binary_cannot_be_overwritten_through_proc_exe() {
	need_driver
	local bin=$TMPDIR_TEST/runtime sum pid out
	cp "$DRIVER" "$bin"
	sum=$(sha256sum <"$bin")
	"$bin" cloned >"$TMPDIR_TEST/out" &
	pid=$!
	defer reap $pid
	wait_for grep -q ready "$TMPDIR_TEST/out" || fail "the runtime did not start"
	assert_eq "ready cloned" "$(cat "$TMPDIR_TEST/out")" "after oci_ensure_cloned_binary"
	assert_match '^/memfd:nsset-cloned' "$(readlink /proc/$pid/exe)" "/proc/PID/exe"
	out=$("$bin" cloned busybox env) || fail "cloned + exec failed"
	assert_contains "ready cloned" "$out"
	[[ $out != *_NSSET_CLONED_BINARY* ]] || fail "the re-exec guard was passed on: $out"
	# what a container process would do: write the runtime's /proc/PID/exe ...
	out=$( (echo pwned >/proc/$pid/exe) 2>&1) && fail "/proc/$pid/exe opened for writing"
	assert_match 'Text file busy|Operation not permitted' "$out" "open for writing"
	# ... or keep it open and write it once the runtime has exited (the CVE's way)
	exec {fd}</proc/$pid/exe || fail "cannot open /proc/$pid/exe"
	kill -9 $pid
	wait $pid 2>/dev/null
	out=$( (echo pwned >/proc/self/fd/$fd) 2>&1) && { exec {fd}<&-; fail "the kept fd was reopened for writing"; }
	exec {fd}<&-
	assert_match 'Operation not permitted|Text file busy' "$out" "reopen for writing"
	assert_eq "$sum" "$(sha256sum <"$bin")" "the runtime binary"
}
