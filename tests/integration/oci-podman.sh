# podman drives nsset: run, run -it (terminal), exec, stop, kill, ps, logs, rm on an image
# imported from the busybox root filesystem.  podman gets its own containers.conf (ulimits
# within this machine's hard limits, cgroupfs, file events), storage, run and tmp directories
# under $TMPDIR_TEST, the vfs driver (no overlay mounts) and no network (no host bridge).
source "$SRC/tests/oci-lib.sh"

pm_setup() {
	command -v podman >/dev/null 2>&1 || skip "podman is not installed"
	need_kind pid # podman asks for a pid namespace
	PM=$TMPDIR_TEST/podman
	mkdir -p "$PM/tmp" "$PM/net"
	cat >"$PM/containers.conf" <<-CONF
	[containers]
	default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	events_logfile_path = "$PM/events.log"
	tmp_dir = "$PM/tmp"
	[network]
	network_config_dir = "$PM/net"
	CONF
	export CONTAINERS_CONF=$PM/containers.conf
	# Any podman call (even one without --root) stays in our directory.
	cat >"$PM/storage.conf" <<-CONF
	[storage]
	driver = "vfs"
	graphroot = "$PM/root"
	runroot = "$PM/runroot"
	CONF
	export CONTAINERS_STORAGE_CONF=$PM/storage.conf
	[ -e /run/containers ] && PM_RUN_CONTAINERS=1 || PM_RUN_CONTAINERS=0
	# podman's cgroupfs parent and its conmon cgroup (podman makes both): removed at the end
	# when we made them (and they are empty).
	[ -e /sys/fs/cgroup/pids/libpod_parent ] && PM_LIBPOD_PARENT=1 || PM_LIBPOD_PARENT=0
	[ -e /sys/fs/cgroup/pids/libpod_parent/conmon ] && PM_CONMON_CG=1 || PM_CONMON_CG=0
	# nsset's state: its default root (podman's exit command does not pass runtime flags).
	PODMAN=(podman --root "$PM/root" --runroot "$PM/runroot" --storage-driver vfs
		--runtime "$NSSET")
	defer "pm_cleanup"
	podman --version >/dev/null 2>&1 || skip "podman cannot run here: $(podman --version 2>&1 | head -1)"
	tar -C "$ROOTFS" -c . | "${PODMAN[@]}" import - localhost/nsset-busybox >/dev/null 2>"$PM/import.err" ||
		skip "podman cannot import an image here: $(tail -1 "$PM/import.err")"
}

pm() { "${PODMAN[@]}" "$@"; }
# Our podman's nsset containers: in nsset's default root, which other podman users (another
# run of this test) share, so those whose bundle is in our storage.
pm_nsset_ids() {
	"$NSSET" list --format json | jq -r --arg pm "$PM/" '.[] | select(.bundle | startswith($pm)) | .id'
}

# The cgroup directories of a podman container (cgroupfs: libpod_parent/libpod-ID).
pm_cgroups_of() { find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -name "libpod-$1*"; }

# Through the kernel's eyes, the container's process is gone: no process or a zombie.
pm_gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' /proc/"$1"/status; }

pm_cleanup() {
	local id cid d
	pm rm -af -t 0 >/dev/null 2>&1
	for id in $(pm_nsset_ids); do "$NSSET" delete --force "$id"; done
	# Cgroups of our containers (podman removes them; this is for a failed test).
	for cid in "$PM"/cid-*; do
		[ -s "$cid" ] || continue
		for d in $(pm_cgroups_of "$(cat "$cid")"); do rmdir "$d" 2>/dev/null; done
	done
	if [ "$PM_CONMON_CG" = 0 ]; then
		for d in /sys/fs/cgroup/*/libpod_parent/conmon; do rmdir "$d" 2>/dev/null; done
	fi
	if [ "$PM_LIBPOD_PARENT" = 0 ]; then
		for d in /sys/fs/cgroup/*/libpod_parent; do rmdir "$d" 2>/dev/null; done
	fi
	pm system reset -f >/dev/null 2>&1
	# Anything podman mounted under our directory (shm of a container).
	grep -o " $TMPDIR_TEST[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$PM"
	# netavark makes /run/containers/networks even with no network: remove what we made.
	[ "$PM_RUN_CONTAINERS" = 1 ] || find /run/containers -depth -type d -empty -delete 2>/dev/null
}

test_podman_run_rm() {
	pm_setup
	local out
	out=$(pm run --rm --cidfile "$PM/cid-rm" --network none localhost/nsset-busybox sh -c 'echo hello; hostname; cat /proc/self/uid_map; ulimit -n; for n in pid mnt uts ipc net; do readlink /proc/self/ns/$n; done' 2>&1) ||
		fail "podman run: $out"
	assert_match $'^hello\n[0-9a-f]{12}\n +0 +0 +4294967295\n1024\n' "$out" "output"
	# Its namespaces are not the host's.
	local k
	for k in pid mnt uts ipc net; do
		grep -qxF "$(readlink /proc/self/ns/$k)" <<<"$out" && fail "the container shares the host's $k namespace"
		grep -q "^$k:\[" <<<"$out" || fail "no $k namespace in: $out"
	done
	assert_eq "" "$(pm ps -aq)" "containers after --rm"
	assert_eq "" "$(pm_nsset_ids)" "nsset containers after --rm"
	assert_eq "" "$(pm_cgroups_of "$(cat "$PM/cid-rm")")" "cgroups after --rm"
	out=$(pm run --rm --network none localhost/nsset-busybox sh -c 'exit 3' 2>&1); local rc=$?
	assert_eq 3 "$rc" "exit status through podman"
}

# podman's resource options reach the container's cgroup through nsset (read inside: the
# container's /sys/fs/cgroup shows its own cgroups).
test_podman_run_with_resource_options() {
	pm_setup
	[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/blkio ] || skip "needs the v1 memory and blkio hierarchies"
	local out dev
	dev=$(cat /sys/block/loop0/dev 2>/dev/null) || skip "no loop0"
	out=$(pm run --rm --network none --memory-swappiness 7 --oom-kill-disable --memory 64m \
		--pids-limit 33 --cpu-shares 300 --device-read-bps "/dev/loop0:1mb" \
		localhost/nsset-busybox sh -c 'cat /sys/fs/cgroup/memory/memory.swappiness
			grep oom_kill_disable /sys/fs/cgroup/memory/memory.oom_control
			cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
			cat /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device' 2>&1) ||
		fail "podman run: $out"
	assert_eq "7
oom_kill_disable 1
67108864
33
300
$dev 1048576" "$out" "the container's cgroup files"
}

test_podman_run_it_terminal() {
	pm_setup
	command -v script >/dev/null 2>&1 || skip "script(1) is not installed"
	local out rc res
	# What the process sees is written to a volume: podman's attach may lose the terminal
	# output of a process that exits at once (runc too), the file cannot.
	mkdir -p "$PM/out"
	out=$(script -qec "${PODMAN[*]} run --rm -it -v $PM/out:/out --network none localhost/nsset-busybox sh -c '{ tty; test -t 0 && echo stdin-is-a-tty; stat -c con=%t:%T /dev/console; stat -L -c fd0=%t:%T /proc/self/fd/0; } >/out/res 2>&1; exit 4'" /dev/null </dev/null 2>&1); rc=$?
	assert_eq 4 "$rc" "exit status through podman run -it: $out"
	res=$(cat "$PM/out/res")
	assert_eq /dev/pts/0 "$(head -n 1 <<<"$res")" "tty inside"
	assert_contains "stdin-is-a-tty" "$res" "terminal on stdin"
	# /dev/console is the container's pty (the device of its stdin, major 136).
	assert_match $'(^|\n)con=88:[0-9a-f]+(\n|$)' "$res" "/dev/console is a pty"
	assert_eq "$(sed -n 's/^fd0=//p' <<<"$res")" "$(sed -n 's/^con=//p' <<<"$res")" "/dev/console is stdin's pty"
}

test_podman_exec_ps_logs_stop_kill_rm() {
	pm_setup
	local out rc pid
	pm run -d --cidfile "$PM/cid-web" --name web --network none localhost/nsset-busybox \
		sh -c 'echo started; trap "echo bye; exit 0" TERM; while :; do sleep 0.1; done' >/dev/null ||
		fail "podman run -d"
	wait_for sh -c "$(printf '%q ' "${PODMAN[@]}") logs web | grep -q started" || fail "no log"
	pid=$("$NSSET" state "$(pm inspect -f '{{.Id}}' web)" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
	[ -n "$pid" ] && kill -0 "$pid" || fail "nsset does not know the container"
	local cid k
	cid=$(cat "$PM/cid-web")
	assert_match 'Up ' "$(pm ps --filter name=web --format '{{.Status}}')" "podman ps"
	for k in pid mnt uts ipc net; do
		assert_ne "$(ns_ino $$ $k)" "$(ns_ino "$pid" $k)" "$k namespace of the container"
	done
	grep -q "/libpod_parent/libpod-$cid\$" /proc/"$pid"/cgroup || fail "not in its cgroup: $(cat /proc/"$pid"/cgroup)"
	out=$(pm exec web sh -c 'echo exec-ok; hostname; for n in pid mnt net; do readlink /proc/self/ns/$n; done' 2>&1) ||
		fail "podman exec: $out"
	assert_eq "exec-ok" "$(head -1 <<<"$out")" "exec output"
	# The exec'd process is in the container's namespaces.
	for k in pid mnt net; do
		grep -qxF "$(readlink /proc/"$pid"/ns/$k)" <<<"$out" || fail "exec is not in the container's $k namespace: $out"
	done
	pm exec web sh -c 'exit 9'; rc=$?
	assert_eq 9 "$rc" "exec exit status"
	if command -v script >/dev/null 2>&1; then
		# Results in the container's /tmp, read back by a plain exec (see run -it).
		out=$(script -qec "$(printf '%q ' "${PODMAN[@]}") exec -it web sh -c '{ tty; test -t 0 && echo exec-tty; } >/tmp/exec-res 2>&1'" /dev/null </dev/null 2>&1) ||
			fail "podman exec -it: $out"
		out=$(pm exec web cat /tmp/exec-res)
		assert_contains "exec-tty" "$out" "podman exec -it (--tty --console-socket)"
		assert_match '^/dev/pts/[0-9]+' "$out" "a pty of the container"
	fi
	out=$(pm top web 2>&1) || fail "podman top: $out"
	assert_contains "sleep" "$out" "podman top"
	# podman update: the runtime's `update --resources FILE ID`, seen in the cgroup's files.
	out=$(pm update --memory 64m --cpu-shares 77 web 2>&1) || fail "podman update: $out"
	local d
	d=$(pm_cgroups_of "$cid" | grep '^/sys/fs/cgroup/memory/')
	assert_eq 67108864 "$(cat "$d/memory.limit_in_bytes")" "memory limit after podman update"
	d=$(pm_cgroups_of "$cid" | grep "^/sys/fs/cgroup/cpu/")
	assert_eq 77 "$(cat "$d/cpu.shares")" "cpu.shares after podman update"
	# nsset ps: the container's processes, as in its cgroup.
	assert_contains "$pid" "$("$NSSET" ps "$cid")" "nsset ps of podman's container"
	assert_eq "started" "$(pm logs web | head -1)" "podman logs"
	pm stop -t 5 web >/dev/null || fail "podman stop"
	assert_contains "bye" "$(pm logs web)" "SIGTERM reached the process"
	wait_for pm_gone "$pid" || fail "the container's process $pid outlived podman stop"
	assert_match 'Exited \(0\)' "$(pm ps -a --filter name=web --format '{{.Status}}')" "status after stop"
	pm start web >/dev/null || fail "podman start again"
	local pid2
	pid2=$("$NSSET" state "$cid" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
	[ -n "$pid2" ] && [ "$pid2" != "$pid" ] && kill -0 "$pid2" || fail "no new process after podman start"
	pm kill -s KILL web >/dev/null || fail "podman kill"
	wait_for pm_gone "$pid2" || fail "the container's process $pid2 outlived podman kill"
	wait_for sh -c "$(printf '%q ' "${PODMAN[@]}") ps -a --filter name=web --format '{{.Status}}' | grep -q 'Exited (137)'" ||
		fail "status after kill: $(pm ps -a --filter name=web --format '{{.Status}}')"
	pm rm web >/dev/null || fail "podman rm"
	assert_eq "" "$(pm ps -aq)" "containers after rm"
	assert_eq "" "$(pm_nsset_ids)" "nsset containers after rm"
	assert_eq "" "$(pm_cgroups_of "$cid")" "cgroups after rm"
	assert_eq "" "$(pgrep -f "conmon.*$cid")" "conmon after rm"
}
