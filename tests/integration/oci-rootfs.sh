# The container's root filesystem (lib/oci/rootfs.h), driven by tests/helpers/oci-rootfs-driver:
# a hand-filled config is prepared in a child with new namespaces, then a command runs inside and
# we look through the kernel's eyes (mountinfo, stat, errno) inside and on the host.

DRIVER="$BUILD/tests/oci-rootfs-driver"

# A private copy of the busybox root filesystem in $R, a spec file started with its root line,
# and a check that nothing of ours is left mounted on the host.
setup_root() {
	[ -x "$DRIVER" ] || skip "built without the OCI runtime (-Doci=false)"
	[ -x "$ROOTFS/bin/busybox" ] || skip "no \$ROOTFS (scripts/mkrootfs.sh)"
	chmod 755 "$TMPDIR_TEST" # reachable from a user namespace
	R="$TMPDIR_TEST/rootfs"
	SPEC="$TMPDIR_TEST/spec"
	cp -a "$ROOTFS" "$R"
	echo "root $R" >"$SPEC"
	HOST_ETC_BEFORE=$(host_etc_state)
}

spec() { cat >>"$SPEC"; }
run_in() { "$DRIVER" run "$SPEC" -- "$@"; }

# The host side: /etc's listing and metadata, and whether /etc is a mount point.
host_etc_state() {
	ls -la --time-style=full-iso /etc | md5sum
	stat -c '%i %Y %Z' /etc
	awk '$5 == "/etc" || $5 ~ "^/etc/" { print "MOUNTED " $5 }' /proc/self/mountinfo
}

# The host is as before: /etc untouched, nothing mounted from or onto our scratch directory.
assert_host_unchanged() {
	assert_eq "$HOST_ETC_BEFORE" "$(host_etc_state)" "host /etc"
	local left
	left=$(grep -F "$TMPDIR_TEST" /proc/self/mountinfo || true)
	assert_eq "" "$left" "host mounts left under $TMPDIR_TEST"
}

# From a mountinfo dump (FILE), the line of mount point MP: "OPTIONS FSTYPE OPTIONAL-FIELDS",
# the last mount on MP (the visible one).
mnt() { # FILE MP
	awk -v mp="$2" '$5 == mp && / - / {
		opt = ""; for (i = 7; i <= NF && $i != "-"; i++) opt = opt " " $i
		line = $6 " " $(i + 1) opt
	} END { print line }' "$1"
}

test_mount_types_and_flags() {
	setup_root
	defer assert_host_unchanged
	mkdir -p "$TMPDIR_TEST/data" && echo payload >"$TMPDIR_TEST/data/file"
	spec <<EOF
ns ipc
mount /proc proc proc nosuid,nodev,noexec
mount /dev tmpfs tmpfs nosuid,strictatime mode=755,size=65536k
mount /dev/pts devpts devpts nosuid,noexec newinstance,ptmxmode=0666,mode=0620,gid=5
mount /dev/shm tmpfs shm nosuid,noexec,nodev mode=1777,size=65536k
mount /dev/mqueue mqueue mqueue nosuid,noexec,nodev
mount /sys sysfs sysfs nosuid,noexec,nodev,ro
mount /run tmpfs tmpfs noexec,noatime,nodev size=1m
mount /mnt/data - $TMPDIR_TEST/data bind,ro,nosuid,nodev
mount /mnt/file - $TMPDIR_TEST/data/file bind,noexec
EOF
	run_in sh -c 'cat /proc/self/mountinfo; echo; cat /mnt/file; touch /mnt/data/x 2>&1; true' \
		>"$TMPDIR_TEST/out" 2>&1 || fail "run: $(cat "$TMPDIR_TEST/out")"
	local mi="$TMPDIR_TEST/out"
	assert_match '^rw,nosuid,nodev,noexec,relatime proc' "$(mnt "$mi" /proc)" "/proc"
	assert_match '^rw,nosuid tmpfs' "$(mnt "$mi" /dev)" "/dev"
	assert_match '^rw,nosuid,noexec,relatime devpts' "$(mnt "$mi" /dev/pts)" "/dev/pts"
	assert_contains "ptmxmode=666" "$(grep ' /dev/pts ' "$mi")" "devpts options"
	assert_match '^rw,nosuid,nodev,noexec,relatime tmpfs' "$(mnt "$mi" /dev/shm)" "/dev/shm"
	assert_match '^rw,nosuid,nodev,noexec,relatime mqueue' "$(mnt "$mi" /dev/mqueue)" "/dev/mqueue"
	assert_match '^ro,nosuid,nodev,noexec,relatime sysfs' "$(mnt "$mi" /sys)" "/sys"
	assert_match '^rw,nodev,noexec,noatime tmpfs' "$(mnt "$mi" /run)" "/run"
	assert_match '^ro,nosuid,nodev,relatime ext4|^ro,nosuid,nodev,relatime [a-z0-9]+' \
		"$(mnt "$mi" /mnt/data)" "/mnt/data"
	assert_match '^rw,noexec' "$(mnt "$mi" /mnt/file)" "/mnt/file"
	assert_contains "payload" "$(cat "$mi")" "bound file content"
	assert_contains "Read-only file system" "$(cat "$mi")" "write to the ro bind"
	# every mount private by default: no shared:/master: tag anywhere
	if awk '/ - / { for (i = 7; i <= NF && $i != "-"; i++) if ($i ~ /^(shared|master):/) f = 1 } END { exit !f }' "$mi"; then
		fail "a mount inside is not private: $(grep -E 'shared:|master:' "$mi")"
	fi
	[ ! -e "$R/mnt/data/x" ] || fail "wrote through the read-only bind"
}

test_pivot_root_hides_the_host() {
	setup_root
	defer assert_host_unchanged
	echo marker >"$TMPDIR_TEST/host-marker"
	spec <<<"mount /proc proc proc -"
	local out
	out=$(run_in sh -c 'cat /proc/self/mountinfo; ls /; test -e '"$TMPDIR_TEST"'/host-marker && echo REACHABLE; true') ||
		fail "run: $out"
	# the root mount is the rootfs bind and there is exactly one "/"
	assert_eq 1 "$(awk '$5 == "/"' <<<"$out" | wc -l)" "mounts on /"
	assert_eq "$R" "$(awk '$5 == "/" { print $4 }' <<<"$out")" "root of the / mount"
	[[ $out != *REACHABLE* ]] || fail "host path reachable after pivot_root"
	# the old root is gone: only the mounts made for the container are left
	assert_eq "/ /dev/pts /dev/shm /proc" "$(awk '$5 ~ "^/" { print $5 }' <<<"$out" | sort | xargs)" "mount points"
}

test_no_pivot_moves_and_chroots() {
	setup_root
	defer assert_host_unchanged
	echo marker >"$TMPDIR_TEST/host-marker"
	spec <<EOF
nopivot
mount /proc proc proc -
EOF
	local out
	out=$(run_in sh -c 'cat /proc/self/mountinfo; ls /bin/busybox; test -e '"$TMPDIR_TEST"'/host-marker && echo REACHABLE; true') ||
		fail "run: $out"
	assert_contains "/bin/busybox" "$out" "the new root is /"
	[[ $out != *REACHABLE* ]] || fail "host path reachable after chroot"
	assert_eq "$R" "$(awk '$5 == "/" { r = $4 } END { print r }' <<<"$out")" "root of the / mount"
}

test_default_and_configured_devices() {
	setup_root
	defer assert_host_unchanged
	spec <<EOF
mount /proc proc proc -
mount /dev tmpfs tmpfs nosuid mode=755
device /dev/fuse c 10 229 0600 1000 1001
device /dev/sub/loop9 b 7 9 0640
device /dev/fifo p 0 0 0600
EOF
	local out
	out=$(run_in sh -c 'for f in null zero full random urandom tty fuse sub/loop9; do
		stat -c "%n %F %t:%T %a %u:%g" /dev/$f; done
		stat -c "%n %F" /dev/fifo
		for l in ptmx fd stdin stdout stderr; do echo "/dev/$l -> $(readlink /dev/$l)"; done
		stat -c "%n %F" /dev/pts /dev/shm; grep -E " /dev/(pts|shm) " /proc/self/mountinfo') ||
		fail "run: $out"
	assert_contains "/dev/null character special file 1:3 666 0:0" "$out"
	assert_contains "/dev/zero character special file 1:5 666" "$out"
	assert_contains "/dev/full character special file 1:7 666" "$out"
	assert_contains "/dev/random character special file 1:8 666" "$out"
	assert_contains "/dev/urandom character special file 1:9 666" "$out"
	assert_contains "/dev/tty character special file 5:0 666" "$out"
	assert_contains "/dev/fuse character special file a:e5 600 1000:1001" "$out"
	assert_contains "/dev/sub/loop9 block special file 7:9 640" "$out"
	assert_contains "/dev/fifo fifo" "$out"
	assert_contains "/dev/ptmx -> pts/ptmx" "$out"
	assert_contains "/dev/fd -> /proc/self/fd" "$out"
	assert_contains "/dev/stdin -> /proc/self/fd/0" "$out"
	assert_contains "/dev/stderr -> /proc/self/fd/2" "$out"
	grep -q ' /dev/pts .* - devpts ' <<<"$out" || fail "no devpts on /dev/pts: $out"
	grep -q ' /dev/shm .* - tmpfs ' <<<"$out" || fail "no tmpfs on /dev/shm: $out"
	# /dev was a tmpfs: the rootfs's own /dev is untouched
	assert_eq "" "$(ls -A "$R/dev")" "rootfs /dev"
}

test_devices_in_user_namespace_are_bound() {
	need_kind pid # (the driver uses a pid namespace to mount /proc in the user namespace)
	setup_root
	defer assert_host_unchanged
	chown -R 100000:100000 "$R"
	spec <<EOF
ns user
ns pid
map uid 0 100000 65536
map gid 0 100000 65536
mount /proc proc proc -
mount /dev tmpfs tmpfs nosuid mode=755
device /opt/zero2 c 1 5
EOF
	local out
	out=$(run_in sh -c 'stat -c "%n %F %t:%T" /dev/null /dev/zero /dev/tty /opt/zero2; grep " /dev/null " /proc/self/mountinfo; cat /proc/self/uid_map') ||
		fail "run: $out"
	assert_contains "/dev/null character special file 1:3" "$out"
	assert_contains "/dev/zero character special file 1:5" "$out"
	assert_contains "/dev/tty character special file 5:0" "$out"
	assert_contains "/opt/zero2 character special file 1:5" "$out" "a device outside /dev, found on the host by number"
	grep -q ' /dev/null .* - devtmpfs ' <<<"$out" || fail "/dev/null is not the host's, bound: $out"
	assert_match "0 +100000 +65536" "$out" "uid_map"
}

test_masked_and_readonly_paths() {
	setup_root
	defer assert_host_unchanged
	mkdir -p "$R/secret" "$R/ro/sub" && echo s >"$R/secret/key" && echo p >"$R/etc/private"
	spec <<EOF
mount /proc proc proc -
masked /etc/private
masked /secret
masked /does/not/exist
rdonly /ro
rdonly /nope
EOF
	local out
	out=$(run_in sh -c 'echo "private=[$(cat /etc/private)]"; stat -c "%n %F %t:%T" /etc/private
		ls -A /secret | wc -l; touch /secret/x 2>&1; touch /ro/x 2>&1; touch /ro/sub/y 2>&1
		echo ok > /etc/writable && echo root-writable
		cat /proc/self/mountinfo') || fail "run: $out"
	assert_contains "private=[]" "$out" "masked file reads empty"
	assert_contains "/etc/private character special file 1:3" "$out" "masked file is /dev/null"
	assert_match $'\n0\n' "$out" "masked directory is empty"
	assert_contains "touch: /secret/x: Read-only file system" "$out"
	assert_contains "touch: /ro/x: Read-only file system" "$out"
	assert_contains "touch: /ro/sub/y: Read-only file system" "$out"
	assert_contains "root-writable" "$out"
	assert_match '^ro,.* tmpfs' "$(mnt <(echo "$out") /secret)" "/secret mount"
	assert_match '^ro,' "$(mnt <(echo "$out") /ro)" "/ro mount"
	[ -f "$R/etc/writable" ] || fail "the root was not writable"
	[ "$(cat "$R/secret/key")" = s ] || fail "masked content changed"
}

test_readonly_root() {
	setup_root
	defer assert_host_unchanged
	spec <<EOF
readonly
mount /proc proc proc -
mount /tmp tmpfs tmpfs -
EOF
	local out
	out=$(run_in sh -c 'touch /x 2>&1; touch /tmp/y && echo tmp-writable; cat /proc/self/mountinfo') ||
		fail "run: $out"
	assert_contains "touch: /x: Read-only file system" "$out"
	assert_contains "tmp-writable" "$out"
	assert_match '^ro,' "$(mnt <(echo "$out") /)" "/ mount options"
	[ ! -e "$R/x" ] || fail "wrote to the read-only root"
}

test_sysctl_hostname_domainname() {
	setup_root
	defer assert_host_unchanged
	local host_shmmax host_name host_domain
	host_shmmax=$(cat /proc/sys/kernel/shmmax) host_name=$(hostname) host_domain=$(cat /proc/sys/kernel/domainname)
	spec <<EOF
ns ipc
ns uts
ns net
hostname box
domainname example.test
mount /proc proc proc -
sysctl kernel.shmmax 123456
sysctl net.ipv4.ip_forward 1
EOF
	local out
	out=$(run_in sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward; hostname; cat /proc/sys/kernel/domainname') ||
		fail "run: $out"
	assert_eq $'123456\n1\nbox\nexample.test' "$out" "inside"
	assert_eq "$host_shmmax" "$(cat /proc/sys/kernel/shmmax)" "host shmmax"
	assert_eq "$host_name" "$(hostname)" "host hostname"
	assert_eq "$host_domain" "$(cat /proc/sys/kernel/domainname)" "host domainname"
}

test_sysctl_outside_a_namespace_is_refused() {
	setup_root
	defer assert_host_unchanged
	local before out rc
	before=$(cat /proc/sys/net/ipv4/ip_forward)
	spec <<EOF
mount /proc proc proc -
sysctl net.ipv4.ip_forward 1
EOF
	out=$("$DRIVER" validate "$SPEC" 2>&1); rc=$?
	assert_ne 0 "$rc" "validate exit status"
	assert_contains "linux.sysctl.net.ipv4.ip_forward: needs a network namespace" "$out"
	out=$(run_in true 2>&1); rc=$?
	assert_ne 0 "$rc" "run exit status"
	assert_contains "needs a network namespace" "$out"
	assert_eq "$before" "$(cat /proc/sys/net/ipv4/ip_forward)" "host ip_forward"
	echo "sysctl kernel.panic 5" >"$SPEC.2"
	sed -i '/ip_forward/d' "$SPEC" && cat "$SPEC.2" >>"$SPEC"
	out=$("$DRIVER" validate "$SPEC" 2>&1) && fail "kernel.panic accepted"
	assert_contains "linux.sysctl.kernel.panic: not a namespaced sysctl" "$out"
}

test_propagation() {
	setup_root
	defer assert_host_unchanged
	spec <<EOF
propagation rshared
mount /proc proc proc -
mount /shared tmpfs tmpfs shared
mount /unb tmpfs tmpfs unbindable
mount /priv tmpfs tmpfs private
EOF
	local out
	out=$(run_in cat /proc/self/mountinfo) || fail "run: $out"
	assert_match ' shared:[0-9]+' "$(mnt <(echo "$out") /)" "rootfsPropagation rshared on /"
	assert_match ' shared:[0-9]+' "$(mnt <(echo "$out") /shared)" "/shared"
	assert_match ' unbindable' "$(mnt <(echo "$out") /unb)" "/unb"
}

test_propagation_rslave_receives_host_mounts() {
	setup_root
	defer assert_host_unchanged
	# the rootfs is a shared mount on the host, so that the container's slave receives from it
	mount --bind "$R" "$R" && mount --make-shared "$R" || fail "cannot make $R shared"
	defer umount -l "$R"
	mkdir "$R/later"
	spec <<EOF
propagation rslave
mount /proc proc proc -
mount /priv tmpfs tmpfs private
EOF
	run_in sh -c 'cat /proc/self/mountinfo >/mi-before; touch /ready
		for i in $(seq 300); do [ -e /go ] && break; sleep 0.1; done
		cat /proc/self/mountinfo >/mi-after' &
	local pid=$!
	defer "kill $pid"
	wait_for test -e "$R/ready" || fail "the container did not start"
	mount -t tmpfs -o size=1k nsset-later "$R/later" || fail "cannot mount on the host"
	defer umount "$R/later"
	touch "$R/go"
	wait "$pid" || fail "run failed"
	assert_match ' master:[0-9]+' "$(mnt "$R/mi-before" /)" "rootfsPropagation rslave on /"
	[[ $(mnt "$R/mi-before" /priv) != *:* ]] || fail "/priv is not private: $(mnt "$R/mi-before" /priv)"
	assert_match '^rw,relatime tmpfs master:[0-9]+' "$(mnt "$R/mi-after" /later)" "host mount received"
}

test_idmapped_bind_mount() {
	need_kind pid # (the driver uses a pid namespace to mount /proc in the user namespace)
	setup_root
	defer assert_host_unchanged
	chown -R 100000:100000 "$R"
	mkdir "$TMPDIR_TEST/vol" && echo v >"$TMPDIR_TEST/vol/owned-by-host-root" && chmod 755 "$TMPDIR_TEST/vol"
	spec <<EOF
ns user
ns pid
map uid 0 100000 65536
map gid 0 100000 65536
mount /proc proc proc -
mount /idm - $TMPDIR_TEST/vol bind,idmap
mount /plain - $TMPDIR_TEST/vol bind
EOF
	local out
	out=$(run_in sh -c 'stat -c "%n %u:%g" /idm/owned-by-host-root /plain/owned-by-host-root; echo new > /idm/made-inside && echo wrote; grep -E " /(idm|plain) " /proc/self/mountinfo') ||
		fail "run: $out"
	assert_contains "/idm/owned-by-host-root 0:0" "$out" "idmapped owner"
	assert_contains "/plain/owned-by-host-root 65534:65534" "$out" "plain bind owner"
	grep -q ' /idm .*idmapped' <<<"$out" || fail "/idm not idmapped in mountinfo: $out"
	if grep -q ' /plain .*idmapped' <<<"$out"; then fail "/plain is idmapped: $out"; fi
	assert_contains "wrote" "$out"
	# written as container root through the idmapped mount: host root owns it
	assert_eq "0:0" "$(stat -c %u:%g "$TMPDIR_TEST/vol/made-inside")" "owner on the host"
}

# Hostile input: destinations through symlinks that point at the host's /etc.
hostile_symlinks() { # [walk]
	setup_root
	defer assert_host_unchanged
	ln -s /etc "$R/etc-abs"
	ln -s ../../../../../../../../../etc "$R/etc-rel"
	ln -s /tmp "$R/tmp-link"
	ln -s /nowhere/at/all "$R/dangling"
	local etc_before name
	etc_before=$(ls -la "$R/etc" | grep -v ' \.\.$')
	name="nsset-hostile-$$-$RANDOM"
	[ "${1:-}" = walk ] && echo walk >>"$SPEC"
	spec <<EOF
mount /proc proc proc -
mount /etc-abs tmpfs tmpfs - size=1k
mount /etc-rel/sub tmpfs tmpfs - size=2k
mount /tmp-link/$name tmpfs tmpfs - size=3k
mount /dangling tmpfs tmpfs - size=4k
mount /etc-abs/passwd - $TMPDIR_TEST/passwd bind
EOF
	echo "fake:x:0:0::/:/bin/sh" >"$TMPDIR_TEST/passwd"
	local out
	out=$(run_in sh -c 'cat /proc/self/mountinfo; cat /etc/passwd') || fail "run: $out"
	local mi="$TMPDIR_TEST/mi"
	echo "$out" >"$mi"
	assert_match '^rw,relatime tmpfs' "$(mnt "$mi" /etc)" "tmpfs on the container's /etc"
	assert_match '^rw,relatime tmpfs' "$(mnt "$mi" /etc/sub)" "/etc-rel/sub"
	assert_match '^rw,relatime tmpfs' "$(mnt "$mi" "/tmp/$name")" "/tmp-link/..."
	assert_match '^rw,relatime tmpfs' "$(mnt "$mi" /nowhere/at/all)" "dangling link target"
	assert_contains "fake:x:0:0" "$out" "file bind through the link"
	# on the host: nothing made or mounted outside the rootfs
	[ ! -e "/tmp/$name" ] || { rmdir "/tmp/$name"; fail "created /tmp/$name on the host"; }
	[ ! -e /nowhere ] || fail "created /nowhere on the host"
	[ -d "$R/tmp/$name" ] || fail "the directory was not made inside the rootfs"
	[ -d "$R/nowhere/at/all" ] || fail "the dangling link's target was not made inside the rootfs"
	assert_eq "$etc_before" "$(ls -la "$R/etc" | grep -v ' \.\.$')" "rootfs /etc after the mount namespace died"
}

test_hostile_symlinks_stay_inside() { hostile_symlinks; }
test_hostile_symlinks_stay_inside_walk() { hostile_symlinks walk; }

test_dotdot_destination_is_refused() {
	setup_root
	defer assert_host_unchanged
	local listing out rc
	listing=$(find "$R" | sort | md5sum)
	spec <<EOF
mount /proc proc proc -
mount /../../../etc tmpfs tmpfs -
EOF
	out=$("$DRIVER" validate "$SPEC" 2>&1); rc=$?
	assert_ne 0 "$rc" "validate exit status"
	assert_contains "mounts[1].destination: '..' leads outside the root filesystem" "$out"
	out=$(run_in true 2>&1); rc=$?
	assert_ne 0 "$rc" "run exit status"
	assert_contains "mounts[1].destination: '..'" "$out"
	assert_eq "$listing" "$(find "$R" | sort | md5sum)" "rootfs unchanged"
	sed -i 's|^mount /../../../etc|mount etc|' "$SPEC"
	out=$("$DRIVER" validate "$SPEC" 2>&1) && fail "relative destination accepted"
	assert_contains "mounts[1].destination: must be an absolute path" "$out"
	sed -i 's|^mount etc tmpfs|mount /x nosuchfs|' "$SPEC"
	out=$("$DRIVER" validate "$SPEC" 2>&1) && fail "unknown type accepted"
	assert_contains "mounts[1].type: unknown filesystem type 'nosuchfs'" "$out"
}

test_inner_dotdot_resolves_inside() {
	setup_root
	defer assert_host_unchanged
	spec <<EOF
mount /proc proc proc -
mount /a/b/../../c tmpfs tmpfs -
EOF
	local out
	out=$(run_in cat /proc/self/mountinfo) || fail "run: $out"
	assert_match '^rw,relatime tmpfs' "$(mnt <(echo "$out") /c)" "/a/b/../../c is /c"
	[ -d "$R/c" ] || fail "$R/c was not created"
}

test_missing_bind_source_is_a_clear_error() {
	setup_root
	defer assert_host_unchanged
	local out rc
	spec <<EOF
mount /proc proc proc -
mount /data - $TMPDIR_TEST/no-such-dir bind
EOF
	out=$(run_in true 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_contains "mounts[1].source: $TMPDIR_TEST/no-such-dir: No such file or directory" "$out"
	[ ! -e "$R/data" ] || fail "the destination was created for a missing source"
}

test_cgroup_mount_hybrid() {
	setup_root
	defer assert_host_unchanged
	[ -d /sys/fs/cgroup ] || skip "no /sys/fs/cgroup"
	spec <<EOF
mount /proc proc proc -
mount /sys sysfs sysfs ro,nosuid,nodev,noexec
mount /sys/fs/cgroup cgroup cgroup ro,nosuid,nodev,noexec
EOF
	local out host_types
	out=$(run_in sh -c 'cat /proc/self/mountinfo; touch /sys/fs/cgroup/x 2>&1; true') || fail "run: $out"
	echo "$out" >"$TMPDIR_TEST/mi"
	host_types=$(stat -f -c %T /sys/fs/cgroup)
	if [ "$host_types" = cgroup2fs ]; then
		assert_match '^ro,.* cgroup2' "$(mnt "$TMPDIR_TEST/mi" /sys/fs/cgroup)" "cgroup2"
		return 0
	fi
	assert_match '^ro,nosuid,nodev,noexec.* tmpfs' "$(mnt "$TMPDIR_TEST/mi" /sys/fs/cgroup)" "/sys/fs/cgroup"
	local h n=0
	for h in $(awk '$5 ~ "^/sys/fs/cgroup/[^/]+$" && ($9 == "cgroup" || $9 == "cgroup2") { print $5 }' /proc/self/mountinfo); do
		assert_match '^ro,nosuid,nodev,noexec.* cgroup2?' "$(mnt "$TMPDIR_TEST/mi" "$h")" "$h"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || fail "no cgroup hierarchy on the host to compare with"
	assert_contains "Read-only file system" "$out"
}

test_console_is_a_pty() {
	setup_root
	defer assert_host_unchanged
	# /dev from the rootfs and a read-only root: /dev/console must be made before
	spec <<EOF
console
readonly
mount /proc proc proc -
EOF
	local out
	out=$(run_in sh -c 'stat -c "%n %F %t" /dev/console; grep " /dev/console " /proc/self/mountinfo') ||
		fail "run: $out"
	assert_contains "/dev/console character special file 88" "$out" "a pty (major 136)"
	grep -q ' /dev/console .* - devpts ' <<<"$out" || fail "/dev/console is not from devpts: $out"
	[ -f "$R/dev/console" ] && [ ! -s "$R/dev/console" ] || fail "no empty $R/dev/console mount point"
}

test_user_namespace_sysfs_and_devpts_fallbacks() {
	need_kind pid
	setup_root
	defer assert_host_unchanged
	chown -R 100000:100000 "$R"
	# a single mapped id: gid 5 of devpts' gid=5 does not exist; no network namespace: sysfs
	# cannot be mounted and /sys is bound instead (as crun does), read-only down the tree
	spec <<EOF
ns user
ns pid
map uid 0 100000 1
map gid 0 100000 1
mount /proc proc proc -
mount /dev tmpfs tmpfs nosuid mode=755
mount /dev/pts devpts devpts nosuid,noexec newinstance,ptmxmode=0666,mode=0620,gid=5
mount /sys sysfs sysfs ro,nosuid,nodev,noexec
EOF
	local out
	out=$(run_in sh -c 'cat /proc/self/mountinfo; touch /sys/fs/cgroup/x 2>&1; true') || fail "run: $out"
	echo "$out" >"$TMPDIR_TEST/mi"
	assert_match '^rw,nosuid,noexec,relatime devpts' "$(mnt "$TMPDIR_TEST/mi" /dev/pts)" "/dev/pts"
	assert_match '^ro,nosuid,nodev,noexec,relatime sysfs' "$(mnt "$TMPDIR_TEST/mi" /sys)" "/sys"
	local sub
	sub=$(awk '$5 ~ "^/sys/." { print $5 }' "$TMPDIR_TEST/mi" | head -n 1)
	if [ -n "$sub" ]; then
		assert_match '^ro,' "$(mnt "$TMPDIR_TEST/mi" "$sub")" "$sub under the bound /sys"
	fi
	assert_contains "Read-only file system" "$out"
}

test_bound_dev_is_left_alone() {
	setup_root
	defer assert_host_unchanged
	# a privileged container binds a /dev: no node or link may be made in it
	mkdir "$TMPDIR_TEST/fakedev" && echo keep >"$TMPDIR_TEST/fakedev/ptmx"
	local before
	before=$(ls -la "$TMPDIR_TEST/fakedev")
	spec <<EOF
mount /proc proc proc -
mount /dev - $TMPDIR_TEST/fakedev rbind
EOF
	local out
	out=$(run_in ls /dev) || fail "run: $out"
	assert_eq "ptmx" "$(echo $out)" "/dev inside"
	assert_eq "$before" "$(ls -la "$TMPDIR_TEST/fakedev")" "the bound directory"
	assert_eq "keep" "$(cat "$TMPDIR_TEST/fakedev/ptmx")" "its file"
}

# In a memory cgroup of its own: without a cgroup namespace the container sees its own cgroup
# bound (read-only); with one, a fresh mount rooted at the namespace.
cgroup_case() { # with-ns|without-ns
	setup_root
	defer assert_host_unchanged
	[ -d /sys/fs/cgroup/memory ] || skip "no cgroup v1 memory hierarchy"
	local cg="/sys/fs/cgroup/memory/nsset-rootfs-test-$$"
	mkdir "$cg" || fail "cannot create $cg"
	defer rmdir "$cg"
	spec <<EOF
mount /proc proc proc -
mount /sys sysfs sysfs ro,nosuid,nodev,noexec
mount /sys/fs/cgroup cgroup cgroup ro,nosuid,nodev,noexec
EOF
	[ "$1" = with-ns ] && echo "ns cgroup" >>"$SPEC"
	local out
	out=$(sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' _ "$cg" \
		"$DRIVER" run "$SPEC" -- sh -c 'cat /proc/self/mountinfo; grep memory /proc/self/cgroup') ||
		fail "run: $out"
	local root
	root=$(awk '$5 == "/sys/fs/cgroup/memory" { print $4 }' <<<"$out")
	if [ "$1" = with-ns ]; then
		assert_eq "/" "$root" "root of the memory mount"
		assert_contains ":memory:/" "$out" "/proc/self/cgroup inside"
		[[ $out != *":memory:/nsset-rootfs-test"* ]] || fail "cgroup path not namespaced: $out"
	else
		assert_eq "/nsset-rootfs-test-$$" "$root" "root of the memory mount (own cgroup bound)"
	fi
	assert_match '^ro,' "$(mnt <(echo "$out") /sys/fs/cgroup/memory)" "memory mount"
}

test_cgroup_mount_own_cgroup() { cgroup_case without-ns; }
test_cgroup_mount_in_cgroup_namespace() { cgroup_case with-ns; }

test_idmap_without_the_runtime_is_a_clear_error() {
	need_kind pid
	setup_root
	defer assert_host_unchanged
	chown -R 100000:100000 "$R"
	mkdir "$TMPDIR_TEST/vol" && chmod 755 "$TMPDIR_TEST/vol"
	spec <<EOF
noidmaphelp
ns user
ns pid
map uid 0 100000 65536
map gid 0 100000 65536
mount /proc proc proc -
mount /idm - $TMPDIR_TEST/vol bind,idmap
EOF
	local out rc
	out=$(run_in true 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_contains "mounts[1]: cannot make an idmapped mount" "$out"
	# without a user namespace at all: refused by validation
	sed -i '/^ns user/d; /^map /d; /^noidmaphelp/d' "$SPEC"
	out=$("$DRIVER" validate "$SPEC" 2>&1) && fail "idmap without a user namespace accepted"
	assert_contains "mounts[1].options: idmap needs a user namespace" "$out"
}

test_device_over_a_different_file_is_an_error() {
	setup_root
	defer assert_host_unchanged
	echo data >"$R/dev/fuse"
	spec <<EOF
mount /proc proc proc -
device /dev/fuse c 10 229
EOF
	local out rc
	out=$(run_in true 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_contains "linux.devices[0]: /dev/fuse exists and is not the requested device" "$out"
	assert_eq "data" "$(cat "$R/dev/fuse")" "the existing file"
}

# rootfsPropagation rshared + a volume bound rshared from a shared host mount: a mount made in
# the volume inside the container shows on the host (Kubernetes' Bidirectional), and nothing
# else of the container does.
test_propagation_rshared_bidirectional_volume() {
	setup_root
	defer assert_host_unchanged
	local vol="$TMPDIR_TEST/vol"
	mkdir -p "$vol/sub"
	mount --bind "$vol" "$vol" && mount --make-shared "$vol" || fail "cannot make $vol shared"
	defer umount -l "$vol"
	spec <<EOF
propagation rshared
mount /proc proc proc -
mount /tmp tmpfs tmpfs -
mount /vol - $vol rbind,rshared
EOF
	local out
	out=$(run_in sh -c 'mount -t tmpfs -o size=1k nsset-bidir /vol/sub && grep " / " /proc/self/mountinfo') ||
		fail "run: $out"
	defer umount -l "$vol/sub"
	assert_match ' shared:[0-9]+' "$out" "the root mount is shared"
	assert_eq "$vol $vol/sub" "$(grep -F "$TMPDIR_TEST" /proc/self/mountinfo | awk '{ print $5 }' | sort | xargs)" \
		"host mounts under $TMPDIR_TEST"
	grep -q " $vol/sub .* - tmpfs nsset-bidir " /proc/self/mountinfo || fail "the volume's mount did not reach the host"
}

# A destination through /proc/self/root (a magic link, once the container's /proc is mounted):
# refused by openat2 (RESOLVE_NO_MAGICLINKS); the walk reads the link's text as a path in the root.
test_magic_link_destination_never_reaches_the_host() {
	setup_root
	defer assert_host_unchanged
	ln -s /proc/self/root/etc "$R/magic"
	local mode out rc
	for mode in openat2 walk; do
		cp "$SPEC" "$SPEC.base" 2>/dev/null
		head -n 1 "$SPEC.base" >"$SPEC"
		[ $mode = walk ] && echo walk >>"$SPEC"
		spec <<EOF
mount /proc proc proc -
mount /magic tmpfs tmpfs - size=7k
EOF
		out=$(run_in cat /proc/self/mountinfo 2>&1); rc=$?
		if [ $mode = openat2 ]; then
			assert_ne 0 "$rc" "exit status ($mode)"
			# (ELOOP in glibc's words, or musl's)
			assert_match "mounts\[1\]\.destination: cannot resolve /magic inside the root: (Too many levels of symbolic links|Symbolic link loop)" "$out"
		elif [ "$rc" -eq 0 ]; then
			grep -q ' /etc .* - tmpfs tmpfs rw,size=8k' <<<"$out" || fail "walk: not mounted on the container's /etc: $out"
		fi
		assert_host_unchanged
	done
}

test_devpts_without_options_gets_a_usable_ptmx() {
	setup_root
	defer assert_host_unchanged
	spec <<EOF
mount /proc proc proc -
mount /dev tmpfs tmpfs nosuid mode=755
mount /dev/pts devpts devpts nosuid,noexec
EOF
	local out
	out=$(run_in sh -c 'grep " /dev/pts " /proc/self/mountinfo; stat -L -c "%a %t:%T" /dev/ptmx') || fail "run: $out"
	assert_contains "ptmxmode=666" "$out" "devpts options"
	assert_contains "666 5:2" "$out" "/dev/ptmx through the link"
}
