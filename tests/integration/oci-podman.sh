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
	{ echo nsset-none; "$NSSET" list -q; } >"$PM/before"
	# nsset's state: its default root (podman's exit command does not pass runtime flags).
	PODMAN=(podman --root "$PM/root" --runroot "$PM/runroot" --storage-driver vfs
		--runtime "$NSSET")
	defer "pm_cleanup"
	podman --version >/dev/null 2>&1 || skip "podman cannot run here: $(podman --version 2>&1 | head -1)"
	tar -C "$ROOTFS" -c . | "${PODMAN[@]}" import - localhost/nsset-busybox >/dev/null 2>"$PM/import.err" ||
		skip "podman cannot import an image here: $(tail -1 "$PM/import.err")"
}

pm() { "${PODMAN[@]}" "$@"; }
# The nsset containers made since pm_setup (podman's, in nsset's default root).
pm_nsset_ids() { "$NSSET" list -q | grep -vFx -f "$PM/before"; }

pm_cleanup() {
	local id
	pm rm -af -t 0 >/dev/null 2>&1
	for id in $(pm_nsset_ids); do "$NSSET" delete --force "$id"; done
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
	out=$(pm run --rm --network none localhost/nsset-busybox sh -c 'echo hello; hostname; cat /proc/self/uid_map; ulimit -n' 2>&1) ||
		fail "podman run: $out"
	assert_match $'^hello\n[0-9a-f]{12}\n +0 +0 +4294967295\n1024$' "$out" "output"
	assert_eq "" "$(pm ps -aq)" "containers after --rm"
	assert_eq "" "$(pm_nsset_ids)" "nsset containers after --rm"
	out=$(pm run --rm --network none localhost/nsset-busybox sh -c 'exit 3' 2>&1); local rc=$?
	assert_eq 3 "$rc" "exit status through podman"
}

test_podman_run_it_terminal() {
	pm_setup
	command -v script >/dev/null 2>&1 || skip "script(1) is not installed"
	local out
	out=$(script -qec "${PODMAN[*]} run --rm -it --network none localhost/nsset-busybox sh -c 'tty; test -t 0 && echo stdin-is-a-tty'" /dev/null </dev/null 2>&1)
	assert_match '/dev/pts/0' "$out" "tty inside"
	assert_contains "stdin-is-a-tty" "$out" "terminal on stdin"
}

test_podman_exec_ps_logs_stop_kill_rm() {
	pm_setup
	local out rc pid
	pm run -d --name web --network none localhost/nsset-busybox \
		sh -c 'echo started; trap "echo bye; exit 0" TERM; while :; do sleep 0.1; done' >/dev/null ||
		fail "podman run -d"
	wait_for sh -c "$(printf '%q ' "${PODMAN[@]}") logs web | grep -q started" || fail "no log"
	pid=$("$NSSET" state "$(pm inspect -f '{{.Id}}' web)" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
	[ -n "$pid" ] && kill -0 "$pid" || fail "nsset does not know the container"
	assert_match 'Up ' "$(pm ps --filter name=web --format '{{.Status}}')" "podman ps"
	out=$(pm exec web sh -c 'echo exec-ok; hostname' 2>&1) || fail "podman exec: $out"
	assert_eq "exec-ok" "$(head -1 <<<"$out")" "exec output"
	pm exec web sh -c 'exit 9'; rc=$?
	assert_eq 9 "$rc" "exec exit status"
	if command -v script >/dev/null 2>&1; then
		out=$(script -qec "$(printf '%q ' "${PODMAN[@]}") exec -it web sh -c 'tty; test -t 0 && echo exec-tty'" /dev/null </dev/null 2>&1)
		assert_contains "exec-tty" "$out" "podman exec -it (--tty --console-socket)"
		assert_match '/dev/pts/[0-9]+' "$out" "a pty of the container"
	fi
	out=$(pm top web 2>&1) || fail "podman top: $out"
	assert_contains "sleep" "$out" "podman top"
	assert_eq "started" "$(pm logs web | head -1)" "podman logs"
	pm stop -t 5 web >/dev/null || fail "podman stop"
	assert_contains "bye" "$(pm logs web)" "SIGTERM reached the process"
	assert_match 'Exited \(0\)' "$(pm ps -a --filter name=web --format '{{.Status}}')" "status after stop"
	pm start web >/dev/null || fail "podman start again"
	pm kill -s KILL web >/dev/null || fail "podman kill"
	wait_for sh -c "$(printf '%q ' "${PODMAN[@]}") ps -a --filter name=web --format '{{.Status}}' | grep -q 'Exited (137)'" ||
		fail "status after kill: $(pm ps -a --filter name=web --format '{{.Status}}')"
	pm rm web >/dev/null || fail "podman rm"
	assert_eq "" "$(pm ps -aq)" "containers after rm"
	assert_eq "" "$(pm_nsset_ids)" "nsset containers after rm"
}
