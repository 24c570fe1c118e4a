# nsset run: each kind of namespace, seen through /proc/PID/ns, the hostname, the root.

# The long option of a kind: mnt is --mount, the others are their own name.
kind_opt() { if [ "$1" = mnt ]; then echo --mount; else echo "--$1"; fi; }

all_kinds=(mnt uts ipc pid net user cgroup time)

# Inside: "kind inode" for every kind of the command's own process.
inodes_inside() { # NSSET-ARGS...
	"$NSSET" run "$@" -- sh -c 'for k in mnt uts ipc pid net user cgroup time; do
		echo "$k $(stat -L -c %i /proc/self/ns/$k)"; done'
}

# For each kind K: the K inode inside differs from outside, every other one is the same.
check_each_kind() { # RUNNER [EXTRA-ARGS...]: RUNNER is "" or as_nobody
	local runner=$1; shift
	local k out line kind ino tested=0
	for k in "${all_kinds[@]}"; do
		kind_built "$k" || continue
		# Unprivileged, only a user namespace makes the others possible: it is the one
		# that differs in every run, so check the rest against it.
		out=$($runner "$NSSET" run $(kind_opt "$k") "$@" -- sh -c 'for k in mnt uts ipc pid net user cgroup time; do
			echo "$k $(stat -L -c %i /proc/self/ns/$k)"; done') || fail "run --$k failed"
		[ "$(wc -l <<<"$out")" = 8 ] || fail "run $(kind_opt "$k"): expected 8 kinds, got: $out"
		while read -r kind ino; do
			if [ "$kind" = "$k" ] || { [ -n "$runner" ] && [ "$kind" = user ]; }; then
				assert_ne "$(ns_ino $$ "$kind")" "$ino" "$kind inode with $(kind_opt "$k")"
			else
				assert_eq "$(ns_ino $$ "$kind")" "$ino" "$kind inode with $(kind_opt "$k")"
			fi
		done <<<"$out"
		tested=$((tested + 1))
	done
	[ "$tested" -gt 0 ] || skip "no kind is built"
}

test_each_kind_differs_and_the_others_do_not_as_root() {
	check_each_kind ""
}

test_each_kind_differs_and_the_others_do_not_unprivileged() {
	need_kind user
	check_each_kind as_nobody --user --map-root
}

test_all_gives_every_built_kind() {
	local out kind ino
	out=$(inodes_inside --all) || fail "run --all failed"
	while read -r kind ino; do
		if kind_built "$kind"; then
			assert_ne "$(ns_ino $$ "$kind")" "$ino" "$kind inode with --all"
		else
			assert_eq "$(ns_ino $$ "$kind")" "$ino" "$kind inode with --all (not built)"
		fi
	done <<<"$out"
}

test_hostname_inside_and_unchanged_outside() {
	need_kind uts
	local before inside
	before=$(hostname)
	inside=$("$NSSET" run -u --hostname nsset-test-host -- hostname) || fail "run failed"
	assert_eq nsset-test-host "$inside" "hostname inside"
	assert_eq "$before" "$(hostname)" "hostname outside"
	# Unprivileged, in its own user namespace.
	need_kind user
	inside=$(as_nobody "$NSSET" run -U --map-root -u --hostname other -- cat /proc/sys/kernel/hostname) ||
		fail "unprivileged run failed"
	assert_eq other "$inside" "hostname inside (unprivileged)"
	assert_eq "$before" "$(hostname)" "hostname outside"
}

test_mounts_made_inside_do_not_leak_out() {
	need_kind mnt
	local before inside
	before=$(grep -c . /proc/self/mountinfo)
	inside=$("$NSSET" run -m -- sh -c "mount -t tmpfs nsset-leak-test $TMPDIR_TEST && grep -c nsset-leak-test /proc/self/mountinfo") ||
		fail "run failed"
	assert_eq 1 "$inside" "tmpfs mounted inside"
	assert_eq 0 "$(grep -c nsset-leak-test /proc/self/mountinfo)" "tmpfs seen outside"
	assert_eq "$before" "$(grep -c . /proc/self/mountinfo)" "mounts outside"
}

test_mount_proc_shows_the_new_pid_namespace() {
	need_kind mnt; need_kind pid
	local out before
	before=$(grep -c ' proc ' /proc/self/mountinfo)
	out=$("$NSSET" run -p --mount-proc -- sh -c 'ls -d /proc/[0-9]* | wc -l; readlink /proc/self') || fail "run failed"
	# nsset's init, sh, ls (or readlink): only a handful of pids, the host has more.
	assert_match '^[0-9]+' "$out"
	local count=${out%%$'\n'*}
	[ "$count" -le 4 ] || fail "expected at most 4 processes in the new /proc, got $count"
	assert_eq "$before" "$(grep -c ' proc ' /proc/self/mountinfo)" "proc mounts outside"
}

test_root_pivots_into_a_directory() {
	need_kind mnt
	[ -x "$ROOTFS/bin/busybox" ] || skip "no rootfs at $ROOTFS"
	local out
	out=$("$NSSET" run -m --root "$ROOTFS" -- /bin/sh -c 'stat -c "%d:%i" /; ls /proc | wc -l; pwd') ||
		fail "run --root failed"
	# / inside is the rootfs directory (same device and inode), its /proc is empty (the old
	# root, and with it the host's /proc, is gone), and the cwd is the new /.
	assert_eq "$(stat -c '%d:%i' "$ROOTFS")"$'\n0\n/' "$out" "root, /proc, cwd inside"
	need_kind pid
	out=$("$NSSET" run -mp --root "$ROOTFS" --mount-proc -- /bin/sh -c 'cat /proc/1/comm; stat -c "%d:%i" /') ||
		fail "run --root --mount-proc failed"
	assert_eq "nsset-init"$'\n'"$(stat -c '%d:%i' "$ROOTFS")" "$out" "pid 1 and / in the new root"
	assert_eq 0 "$(grep -c "$ROOTFS" /proc/self/mountinfo)" "rootfs mounts outside"
	# Unprivileged: proc can only be mounted while a full one is visible, before the pivot.
	need_kind user
	out=$(as_nobody "$NSSET" run -Umpu --map-root --root "$ROOTFS" --mount-proc -- /bin/sh -c 'cat /proc/1/comm; id -u; stat -c "%d:%i" /') ||
		fail "unprivileged run --root --mount-proc failed"
	assert_eq "nsset-init"$'\n0\n'"$(stat -c '%d:%i' "$ROOTFS")" "$out" "unprivileged, in the new root"
}

test_wd_is_the_working_directory() {
	local out
	mkdir "$TMPDIR_TEST/work"
	out=$("$NSSET" run --wd "$TMPDIR_TEST/work" -- pwd) || fail "run --wd failed"
	assert_eq "$TMPDIR_TEST/work" "$out" "pwd"
	[ -x "$ROOTFS/bin/busybox" ] || return 0
	need_kind mnt
	out=$("$NSSET" run -m --root "$ROOTFS" --wd /etc -- /bin/pwd) || fail "run --root --wd failed"
	assert_eq /etc "$out" "pwd in the new root"
}

test_new_network_namespace_has_loopback_up() {
	need_kind net
	local out
	# /proc/self/net is the namespace of the reader (sysfs would show the mounter's).
	out=$("$NSSET" run -n -- sh -c 'ip -o link show; cat /proc/self/net/dev | tail -n +3 | wc -l') ||
		fail "run -n failed"
	assert_match '^1: lo: <LOOPBACK,UP,LOWER_UP>' "$out" "lo inside"
	assert_eq 1 "${out##*$'\n'}" "interfaces inside"
	need_kind user
	out=$(as_nobody "$NSSET" run -U --map-root -n -- ip -o link show) || fail "unprivileged run -n failed"
	assert_match '^1: lo: <LOOPBACK,UP,LOWER_UP>' "$out" "lo inside (unprivileged)"
}
