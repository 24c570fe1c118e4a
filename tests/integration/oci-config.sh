# config.json through the kernel's eyes: each field observed from /proc and the cgroup files of
# the container's process, and bad configs rejected before anything is made.
source "$SRC/tests/oci-lib.sh"

# Run a container whose process prints what we check; $1: extra sed on config.json.
run_probe() { # BUNDLE ID SED CMD
	local b=$1 id=$2 sed=$3 cmd=$4
	oci_bundle "$b" "[ \"sh\", \"-c\", \"$cmd\" ]"
	[ -z "$sed" ] || oci_edit "$b" "$sed"
	oci run -b "$b" "$id" </dev/null 2>"$TMPDIR_TEST/err"
}

# Nothing was made for a rejected config.
assert_nothing_made() { # ID
	oci_assert_gone "$1"
	assert_eq "" "$(oci list -q)" "containers"
}

expect_config_error() { # BUNDLE ID WANT
	local out rc
	out=$(oci create -b "$1" "$2" </dev/null 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status for a bad config"
	assert_contains "nsset: create $2: $3" "$out" "message"
	assert_nothing_made "$2"
}

test_bad_configs_are_rejected_before_anything_is_made() {
	local b=$TMPDIR_TEST/b
	oci_bundle "$b" '[ "true" ]'
	cp "$b/config.json" "$TMPDIR_TEST/good.json"
	reset() { cp "$TMPDIR_TEST/good.json" "$b/config.json"; }
	printf '{ "ociVersion": "1.0.0",\n  "process": { "args": [ "true" ] \n' > "$b/config.json"
	expect_config_error "$b" x1 "config.json: malformed JSON at line 3"
	reset; oci_edit "$b" 's|"args": \[ "true" \]|"args": "true"|'
	expect_config_error "$b" x2 "process.args: must be a non-empty array of strings"
	reset; oci_edit "$b" 's|"args": \[ "true" \]|"args": []|'
	expect_config_error "$b" x3 "process.args: must be a non-empty array of strings"
	reset; oci_edit "$b" 's|"terminal": false|"terminal": 0|'
	expect_config_error "$b" x4 "process.terminal: must be a boolean"
	reset; oci_edit "$b" 's|"root": {[^}]*},||'
	expect_config_error "$b" x5 "root: missing"
	reset; oci_edit "$b" 's|"destination": "/dev/shm"|"destination": "dev/shm"|'
	expect_config_error "$b" x6 "mounts[3].destination: must be an absolute path"
	reset; oci_edit "$b" 's|"destination": "/dev/shm"|"destination": "/dev/../../etc"|'
	expect_config_error "$b" x7 "mounts[3].destination: must not contain \"..\""
	# The namespaces of `spec`: pid (when built), network, ipc, uts, mount.
	local ipc=1 uts=2
	kind_built pid && ipc=2 uts=3
	reset; oci_edit "$b" 's|{ "type": "ipc" }|{ "type": "foo" }|'
	expect_config_error "$b" x8 "linux.namespaces[$ipc].type: unknown namespace type \"foo\""
	reset; oci_edit "$b" 's|{ "type": "uts" }|{ "type": "network" }|'
	expect_config_error "$b" x9 "linux.namespaces[$uts].type: duplicate namespace type \"network\""
	reset; oci_edit "$b" 's|"ociVersion": "1.0.0"|"ociVersion": "2.0.0"|'
	expect_config_error "$b" x10 "ociVersion: unsupported major version 2"
	reset; oci_edit "$b" 's|"RLIMIT_NOFILE"|"RLIMIT_FOO"|'
	expect_config_error "$b" x11 "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""
	reset; oci_edit "$b" 's|"CAP_KILL", "CAP_NET_BIND_SERVICE" \],|"CAP_KILL", "CAP_NOPE" ],|'
	expect_config_error "$b" x12 "process.capabilities.bounding[2]: unknown capability \"CAP_NOPE\""
	rm "$b/config.json"
	expect_config_error "$b" x13 "cannot open $b/config.json"
}

test_mount_destination_symlink_cannot_escape() {
	need_kind mnt
	local b=$TMPDIR_TEST/b rootfs=$TMPDIR_TEST/rootfs before
	cp -a "$ROOTFS" "$rootfs"
	ln -s /etc "$rootfs/evil"
	ln -s ../../../../etc "$rootfs/tmp/up"
	# Mounts of ours on the host (others' tests mount and unmount meanwhile: count only ours).
	before=$(grep -cF -e "$TMPDIR_TEST" -e "$ROOTFS" -e nsset-escape /proc/self/mountinfo)
	oci_bundle "$b" '[ "sh", "-c", "ls /evil/ /tmp/up/ | grep -c nsset-escape-probe" ]' "$rootfs"
	oci_edit "$b" 's|"mounts": \[|"mounts": [ { "destination": "/evil/nsset-escape-probe", "type": "tmpfs", "source": "tmpfs" }, { "destination": "/tmp/up/nsset-escape-probe2", "type": "tmpfs", "source": "tmpfs" },|'
	oci_edit "$b" 's|"readonly": true|"readonly": false|'
	oci run -b "$b" esc </dev/null >"$TMPDIR_TEST/out" 2>&1
	# Whether or not it ran, nothing reached the host's /etc.
	[ ! -e /etc/nsset-escape-probe ] || { rmdir /etc/nsset-escape-probe; fail "a mount destination escaped to the host's /etc"; }
	[ ! -e /etc/nsset-escape-probe2 ] || { rmdir /etc/nsset-escape-probe2; fail "a mount destination escaped through .."; }
	! grep -q ' /etc/nsset-escape' /proc/self/mountinfo || fail "a mount on the host's /etc"
	assert_eq "$before" "$(grep -cF -e "$TMPDIR_TEST" -e "$ROOTFS" -e nsset-escape /proc/self/mountinfo)" "host mounts"
	# The mounts landed inside the root filesystem.
	[ -d "$rootfs/etc/nsset-escape-probe" ] || fail "the symlinked destination was not resolved inside the root: $(cat "$TMPDIR_TEST/out")"
	oci_assert_gone esc
}

test_process_fields_in_proc() {
	local b=$TMPDIR_TEST/b out
	oci_bundle "$b" '[ "sh", "-c", "grep -E \"^(Uid|Gid|Groups|CapBnd|CapEff|CapPrm|CapInh|CapAmb|NoNewPrivs|Seccomp):\" /proc/self/status; cat /proc/self/oom_score_adj; ulimit -n; ulimit -u; umask; pwd; echo $FOO" ]'
	oci_edit "$b" 's|"user": { "uid": 0, "gid": 0 }|"user": { "uid": 1000, "gid": 1001, "umask": 23, "additionalGids": [ 5, 7 ] }|'
	oci_edit "$b" 's|"cwd": "/"|"cwd": "/tmp", "oomScoreAdj": 123|'
	oci_edit "$b" 's|"TERM=xterm"|"TERM=xterm", "FOO=bar baz"|'
	oci_edit "$b" 's|"hard": 1024, "soft": 1024 }|"hard": 1000, "soft": 900 }, { "type": "RLIMIT_NPROC", "hard": 500, "soft": 400 }|'
	out=$(oci run -b "$b" pf </dev/null 2>"$TMPDIR_TEST/err") || fail "run: $(cat "$TMPDIR_TEST/err")"
	assert_match $'Uid:\t1000\t1000\t1000\t1000' "$out" "uid"
	assert_match $'Gid:\t1001\t1001\t1001\t1001' "$out" "gid"
	assert_match $'Groups:\t5 7' "$out" "additional gids"
	# CAP_AUDIT_WRITE(29) CAP_KILL(5) CAP_NET_BIND_SERVICE(10); a non-root user keeps the
	# bounding set only.
	assert_match $'CapBnd:\t0000000020000420' "$out" "bounding set"
	assert_match $'NoNewPrivs:\t1' "$out" "noNewPrivileges"
	assert_match $'\n123\n900\n400\n0027\n/tmp\nbar baz$' "$out" "oom_score_adj, rlimits, umask, cwd, env"
	oci_assert_gone pf
}

test_root_caps_and_seccomp() {
	local b=$TMPDIR_TEST/b out
	oci_bundle "$b" '[ "sh", "-c", "grep -E \"^(CapBnd|CapEff|CapPrm|NoNewPrivs|Seccomp):\" /proc/self/status; mkdir /tmp/d 2>&1; touch /x 2>&1; echo done" ]'
	oci_edit "$b" 's|"noNewPrivileges": true|"noNewPrivileges": false|'
	oci_edit "$b" 's|"linux": {|"linux": { "seccomp": { "defaultAction": "SCMP_ACT_ALLOW", "architectures": [ "SCMP_ARCH_X86_64" ], "syscalls": [ { "names": [ "mkdir", "mkdirat" ], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 } ] },|'
	out=$(oci run -b "$b" rc </dev/null 2>"$TMPDIR_TEST/err") || fail "run: $(cat "$TMPDIR_TEST/err")"
	assert_match $'CapBnd:\t0000000020000420' "$out" "bounding"
	assert_match $'CapEff:\t0000000020000420' "$out" "effective"
	assert_match $'NoNewPrivs:\t0' "$out" "noNewPrivileges false"
	assert_match $'Seccomp:\t2' "$out" "seccomp filter mode"
	assert_match "mkdir: can't create directory '/tmp/d': Permission denied" "$out" "errnoRet 13 (EACCES)"
	assert_match "touch: /x: Read-only file system" "$out" "root.readonly"
	oci_assert_gone rc
}

# The container process drops its bounding set early, while it waits for the runtime, unless
# something of ours execs before the command (a createContainer hook: it runs with the
# runtime's bounding set, the command with the config's).
test_bounding_set_of_a_create_container_hook_and_of_the_command() {
	local b=$TMPDIR_TEST/b out
	oci_bundle "$b" '[ "sh", "-c", "grep ^CapBnd: /proc/self/status" ]'
	oci_edit "$b" "s|\"hostname\": \"nsset\",|\"hostname\": \"nsset\", \"hooks\": { \"createContainer\": [ { \"path\": \"/bin/sh\", \"args\": [ \"sh\", \"-c\", \"grep ^CapBnd: /proc/self/status > $TMPDIR_TEST/hook\" ] } ] },|"
	out=$(oci run -b "$b" bh </dev/null 2>"$TMPDIR_TEST/err") || fail "run: $(cat "$TMPDIR_TEST/err")"
	assert_eq $'CapBnd:\t0000000020000420' "$out" "the command's bounding set"
	assert_eq "$(grep ^CapBnd: /proc/$$/status)" "$(cat "$TMPDIR_TEST/hook")" "the hook's bounding set (the runtime's)"
	oci_assert_gone bh
}

test_user_namespace_maps_and_hostname() {
	need_kind user
	need_kind pid # a new proc in a new user namespace needs a pid namespace of its own
	local b=$TMPDIR_TEST/b pid
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_userns "$b"
	oci_edit "$b" 's|{ "type": "user" }|{ "type": "user" }, { "type": "cgroup" }|'
	oci_edit "$b" 's|"hostname": "nsset"|"hostname": "box-1", "domainname": "example.org"|'
	oci_defer_delete un
	oci_create "$b" un || fail "create: $(cat "$TMPDIR_TEST/un.err")"
	pid=$(oci_pid un)
	assert_match '^ *0 +200000 +65536$' "$(cat /proc/"$pid"/uid_map)" "uid_map"
	assert_match '^ *0 +300000 +65536$' "$(cat /proc/"$pid"/gid_map)" "gid_map"
	local k
	for k in user cgroup pid net ipc uts mnt; do
		assert_ne "$(ns_ino $$ $k)" "$(ns_ino "$pid" $k)" "$k namespace"
	done
	assert_eq box-1 "$(nsenter -t "$pid" -u hostname)" "hostname"
	assert_eq example.org "$(nsenter -t "$pid" -u domainname)" "domainname"
	# The process's uid as the host sees it: root inside = 200000 outside.
	assert_match $'Uid:\t200000' "$(grep ^Uid /proc/"$pid"/status)" "uid seen from the host"
}

test_mounts_masked_readonly_and_sysctl() {
	need_kind net
	local b=$TMPDIR_TEST/b pid mi
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_edit "$b" 's|"linux": {|"linux": { "sysctl": { "net.ipv4.ip_default_ttl": "42" }, "rootfsPropagation": "rslave",|'
	oci_edit "$b" 's|"mounts": \[|"mounts": [ { "destination": "/mnt", "type": "bind", "source": "'"$TMPDIR_TEST"'", "options": [ "rbind", "ro", "nosuid" ] },|'
	oci_defer_delete mk
	oci_create "$b" mk || fail "create: $(cat "$TMPDIR_TEST/mk.err")"
	pid=$(oci_pid mk)
	mi=$(cat /proc/"$pid"/mountinfo)
	has_mount() { grep -Eq "$1" <<<"$mi" || fail "$2: no line like /$1/ in mountinfo"; }
	has_mount '^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / ro,' "read-only root"
	has_mount ' /proc [^ ]+ .*- proc ' "proc"
	has_mount ' /dev/pts [^ ]+ .*- devpts ' "devpts"
	has_mount ' /dev/shm [^ ]+ .*- tmpfs ' "/dev/shm"
	has_mount ' /dev/mqueue [^ ]+ .*- mqueue ' "mqueue"
	has_mount ' /mnt ro,nosuid' "bind mount options"
	has_mount ' /proc/sys ro,' "readonlyPaths /proc/sys"
	has_mount ' /proc/keys ' "maskedPaths /proc/keys"
	has_mount ' /sys/firmware ' "maskedPaths /sys/firmware"
	assert_eq 42 "$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_default_ttl)" "sysctl"
	assert_ne 42 "$(cat /proc/sys/net/ipv4/ip_default_ttl)" "host sysctl"
	assert_eq "" "$(cat /proc/"$pid"/root/proc/keys)" "masked /proc/keys"
	assert_eq "1 3" "$(stat -c '%t %T' /proc/"$pid"/root/dev/null)" "default device /dev/null"
}

# Masked directories are empty read-only tmpfs mounts, the same whether /proc comes from the
# runtime (the default: /sys/firmware then shares its masked directories' tmpfs) or from the
# container process (a sysctl makes it so).
test_masked_directories_are_empty_read_only_tmpfs() {
	need_kind net
	local b=$TMPDIR_TEST/b pid mi mp id
	oci_bundle "$b" '[ "sleep", "1000" ]'
	for id in md1 md3 md2; do
		# md3: a masked file made read-only too (a read-only tmpfs, but a file: not for
		# /sys/firmware), first in the list; md2: /proc made by the container process
		[ $id = md3 ] && oci_jq "$b" '.linux.maskedPaths = [ "/proc/keys", "/proc/acpi", "/sys/firmware" ]
			| .linux.readonlyPaths += [ "/proc/keys" ]'
		[ $id = md2 ] && oci_edit "$b" 's|"linux": {|"linux": { "sysctl": { "net.ipv4.ip_default_ttl": "42" },|'
		oci_defer_delete $id
		oci_create "$b" $id || fail "create $id: $(cat "$TMPDIR_TEST/$id.err")"
		pid=$(oci_pid $id)
		mi=$(cat /proc/"$pid"/mountinfo)
		for mp in /sys/firmware /proc/acpi; do
			[ -d /proc/"$pid"/root$mp ] || continue
			assert_eq tmpfs "$(mi_field "$mi" $mp type)" "$id: $mp type"
			assert_match '^ro,' "$(mi_field "$mi" $mp opts)" "$id: $mp read-only"
			assert_match 'size=0k,mode=555' "$(mi_field "$mi" $mp super)" "$id: $mp options"
			assert_eq "" "$(ls -A /proc/"$pid"/root$mp)" "$id: $mp empty"
			! touch /proc/"$pid"/root$mp/x 2>/dev/null || fail "$id: $mp writable"
		done
	done
}

# A mount's field from a mountinfo dump: the line whose mount point is MP (the last one, the
# visible one), field F ("id", "root", "opts", "type", "super").
mi_field() { # MOUNTINFO MP FIELD
	awk -v mp="$2" -v f="$3" '$5 == mp {
		for (i = 7; $i != "-"; i++) ;
		v["id"] = $1; v["root"] = $4; v["opts"] = $6; v["type"] = $(i + 1); v["super"] = $(i + 3)
		out = v[f] } END { print out }' <<<"$1"
}

# /dev of a container: nodes (type, numbers, mode, owner), links, and the mounts of /dev and
# under it, as seen through /proc/PID (the kernel's view, not the container's ls).
dev_view() { # PID
	local pid=$1 root=/proc/$1/root mi
	mi=$(cat /proc/"$pid"/mountinfo)
	for f in null zero full random urandom tty fuse; do
		stat -c "%n %F %t:%T %a %u:%g" "$root/dev/$f" | sed "s|^$root||"
	done
	stat -c "%n %F %a" "$root/dev/fifo" | sed "s|^$root||"
	for l in ptmx fd stdin stdout stderr; do echo "/dev/$l -> $(readlink "$root/dev/$l")"; done
	for mp in /dev /dev/pts /dev/shm /dev/mqueue; do
		echo "$mp $(mi_field "$mi" "$mp" opts) $(mi_field "$mi" "$mp" type) $(mi_field "$mi" "$mp" super)"
	done
}

# A container (ID) with the devices DEVICES (a JSON array) and then the jq filter JQ if given;
# its pid into $PID, its mountinfo into $DEV_MI.
dev_container() { # ID DEVICES [JQ]
	oci_sleeper "$1" ".linux.devices = $2${3:+ | $3}"
	DEV_MI=$(cat /proc/"$PID"/mountinfo)
}

# /dev made by the runtime while the container process joins its cgroup (lib/oci/mount-dev.c)
# is the /dev the container process makes: the same nodes, links and mounts.  Made first, its
# mount is older than /proc's; /proc's masked files are then its null device, as when the
# container process masks them with its own /dev/null.  A device outside /dev itself leaves
# /dev to the container process.
test_dev_made_by_the_runtime_is_the_container_process_s() {
	local view devices
	devices='{ "path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 384, "uid": 1000, "gid": 1001 }, { "path": "/dev/fifo", "type": "p", "fileMode": 416 }'
	dev_container byrt "[ $devices ]"
	view=$(dev_view "$PID")
	assert_contains "/dev/null character special file 1:3 666 0:0" "$view"
	assert_contains "/dev/urandom character special file 1:9 666 0:0" "$view"
	assert_contains "/dev/tty character special file 5:0 666 0:0" "$view"
	assert_contains "/dev/fuse character special file a:e5 600 1000:1001" "$view"
	assert_contains "/dev/fifo fifo 640" "$view"
	assert_contains "/dev/ptmx -> pts/ptmx" "$view"
	assert_contains "/dev/stdout -> /proc/self/fd/1" "$view"
	assert_contains "/dev rw,nosuid tmpfs rw,size=65536k,mode=755" "$view"
	assert_contains "/dev/pts rw,nosuid,noexec,relatime devpts rw,gid=5,mode=620,ptmxmode=666" "$view"
	assert_contains "/dev/shm rw,nosuid,nodev,noexec,relatime tmpfs rw,size=65536k" "$view"
	assert_contains "/dev/mqueue rw,nosuid,nodev,noexec,relatime mqueue rw" "$view"
	[ "$(mi_field "$DEV_MI" /dev id)" -lt "$(mi_field "$DEV_MI" /proc id)" ] ||
		fail "/dev was not made before /proc (by the runtime): $DEV_MI"
	assert_eq "/null tmpfs rw,size=65536k,mode=755" \
		"$(mi_field "$DEV_MI" /proc/keys root) $(mi_field "$DEV_MI" /proc/keys type) $(mi_field "$DEV_MI" /proc/keys super)" \
		"/proc/keys masked with the container's /dev/null"
	assert_eq "1 3" "$(stat -c '%t %T' /proc/"$PID"/root/proc/keys)" "masked /proc/keys"

	# the same with a device in a directory of /dev: made by the container process
	dev_container bycp "[ $devices"', { "path": "/dev/sub/loop9", "type": "b", "major": 7, "minor": 9 } ]'
	[ "$(mi_field "$DEV_MI" /dev id)" -gt "$(mi_field "$DEV_MI" /proc id)" ] ||
		fail "/dev was made before /proc, not by the container process: $DEV_MI"
	assert_eq "$view" "$(dev_view "$PID")" "/dev made by the container process"
	assert_eq "/sub/loop9 block special file 7:9" \
		"$(stat -c '%n %F %t:%T' /proc/"$PID"/root/dev/sub/loop9 | sed "s|^/proc/$PID/root/dev||")" "/dev/sub/loop9"

	# /dev listed before /proc and /dev/pts last: one message for both trees, the same /dev
	dev_container byrt3 "[ $devices ]" '.mounts |= ([.[] | select(.destination == "/dev")] +
		[.[] | select(.destination == "/proc")] +
		[.[] | select(.destination != "/dev" and .destination != "/proc" and .destination != "/dev/pts")] +
		[.[] | select(.destination == "/dev/pts")])'
	[ "$(mi_field "$DEV_MI" /dev/pts id)" -lt "$(mi_field "$DEV_MI" /proc id)" ] ||
		fail "/dev/pts, listed last, did not come with the runtime's /dev: $DEV_MI"
	assert_eq "$view" "$(dev_view "$PID")" "/dev listed first, /dev/pts last"
}

# A device where the runtime's /dev has a submount (/dev/shm): that tree cannot be made and is
# dropped; the container process makes /dev, refuses the device with its name in the message,
# and nothing is left.
test_dev_device_on_a_submount_is_refused_and_nothing_is_made() {
	local b=$TMPDIR_TEST/b
	oci_bundle "$b" '[ "true" ]'
	oci_jq "$b" '.linux.devices = [ { "path": "/dev/shm", "type": "c", "major": 1, "minor": 3 } ]'
	expect_config_error "$b" devshm "linux.devices[0]: /dev/shm exists and is not the requested device"
}

test_cgroup_resources() {
	local b=$TMPDIR_TEST/b pid d
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_edit "$b" 's|"resources": {|"resources": { "memory": { "limit": 67108864 }, "pids": { "limit": 42 }, "cpu": { "shares": 512, "quota": 20000, "period": 100000 },|'
	oci_edit "$b" 's|"namespaces": \[|"cgroupsPath": "/nsset/test-res", "namespaces": [|'
	oci_defer_delete cr
	oci_create "$b" cr || fail "create: $(cat "$TMPDIR_TEST/cr.err")"
	pid=$(oci_pid cr)
	d=/sys/fs/cgroup
	assert_eq 67108864 "$(cat $d/memory/nsset/test-res/memory.limit_in_bytes)" "memory limit"
	assert_eq 42 "$(cat $d/pids/nsset/test-res/pids.max)" "pids limit"
	assert_eq 512 "$(cat $d/cpu/nsset/test-res/cpu.shares)" "cpu shares"
	assert_eq 20000 "$(cat $d/cpu/nsset/test-res/cpu.cfs_quota_us)" "cpu quota"
	grep -qx "$pid" $d/pids/nsset/test-res/cgroup.procs || fail "process not in the pids cgroup"
	grep -qx "$pid" $d/unified/nsset/test-res/cgroup.procs || fail "process not in the v2 cgroup"
	oci delete --force cr || fail "delete"
	[ ! -e $d/pids/nsset/test-res ] || fail "cgroup left behind"
}

test_join_a_namespace_by_path_makes_a_pod() {
	need_kind net
	local a=$TMPDIR_TEST/a b=$TMPDIR_TEST/b pa pb
	oci_bundle "$a" '[ "sleep", "1000" ]'
	oci_defer_delete pod-a
	oci_create "$a" pod-a || fail "create a"
	pa=$(oci_pid pod-a)
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_edit "$b" "s|{ \"type\": \"network\" }|{ \"type\": \"network\", \"path\": \"/proc/$pa/ns/net\" }|"
	oci_edit "$b" "s|{ \"type\": \"ipc\" }|{ \"type\": \"ipc\", \"path\": \"/proc/$pa/ns/ipc\" }|"
	oci_defer_delete pod-b
	oci_create "$b" pod-b || fail "create b: $(cat "$TMPDIR_TEST/pod-b.err")"
	pb=$(oci_pid pod-b)
	assert_eq "$(ns_ino "$pa" net)" "$(ns_ino "$pb" net)" "shared network namespace"
	assert_eq "$(ns_ino "$pa" ipc)" "$(ns_ino "$pb" ipc)" "shared IPC namespace"
	assert_ne "$(ns_ino "$pa" uts)" "$(ns_ino "$pb" uts)" "own UTS namespace"
	assert_ne "$(ns_ino "$pa" mnt)" "$(ns_ino "$pb" mnt)" "own mount namespace"
	# A path of the wrong kind is refused, nothing made.
	oci_bundle "$TMPDIR_TEST/c" '[ "true" ]'
	oci_edit "$TMPDIR_TEST/c" "s|{ \"type\": \"ipc\" }|{ \"type\": \"ipc\", \"path\": \"/proc/$pa/ns/uts\" }|"
	local out
	out=$(oci create -b "$TMPDIR_TEST/c" pod-c </dev/null 2>&1) && fail "joined a UTS namespace as IPC"
	local ipc=1
	kind_built pid && ipc=2
	assert_contains "linux.namespaces[$ipc].path: /proc/$pa/ns/uts is not a IPC namespace" "$out"
	oci_assert_gone pod-c
}

test_exec_joins_namespaces_cgroup_and_security() {
	need_kind pid
	local b=$TMPDIR_TEST/b pid out rc k epid
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete ex
	oci run -d -b "$b" ex </dev/null >/dev/null 2>&1 || fail "run -d"
	pid=$(oci_pid ex)
	out=$(oci exec ex sh -c 'echo $$; grep -E "^(CapBnd|NoNewPrivs):" /proc/self/status; hostname; exit 5' 2>&1); rc=$?
	assert_eq 5 "$rc" "exit status of exec"
	assert_match $'^[0-9]+\nCapBnd:\t0000000020000420\nNoNewPrivs:\t1\nnsset$' "$out" "exec'd process"
	# A detached exec: its namespaces and cgroup are the container's.
	oci exec -d --pid-file "$TMPDIR_TEST/epid" ex sleep 500 </dev/null >/dev/null 2>&1 || fail "exec -d"
	epid=$(cat "$TMPDIR_TEST/epid")
	for k in pid net ipc uts mnt; do
		assert_eq "$(ns_ino "$pid" $k)" "$(ns_ino "$epid" $k)" "$k namespace of exec"
	done
	assert_eq "$(cat /proc/"$pid"/cgroup)" "$(cat /proc/"$epid"/cgroup)" "cgroup of exec"
	assert_eq "$(readlink /proc/"$pid"/root)" "$(readlink /proc/"$epid"/root)" "root of exec"
	out=$(oci exec --user 1000:1000 --env A=1 --cwd /tmp ex sh -c 'id -u; id -g; echo $A; pwd' 2>&1)
	assert_eq $'1000\n1000\n1\n/tmp' "$out" "--user --env --cwd"
	out=$(oci exec ex /no/such 2>&1); rc=$?
	assert_ne 0 "$rc" "exec of a missing command"
	assert_contains "nsset: exec ex: " "$out" "message"
	oci delete --force ex || fail "delete"
	oci_assert_gone ex "$epid"
}

# The owning user namespace of /proc/PID/ns/KIND (ioctl NS_GET_USERNS), as an inode number.
owner_userns_ino() {
	python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
print(os.fstat(fcntl.ioctl(fd, 0xb701)).st_ino)' "/proc/$1/ns/$2"
}

test_new_namespaces_belong_to_a_user_namespace_joined_by_path() {
	need_kind user
	need_kind pid
	local b=$TMPDIR_TEST/b holder pid k
	# A user namespace of the host's root (0 -> 0), held by a process of ours.
	unshare -U --map-root-user sleep 1000 </dev/null >/dev/null 2>&1 &
	holder=$!
	defer "kill -9 $holder"
	wait_for sh -c "test \"\$(stat -L -c %i /proc/$holder/ns/user)\" != $(ns_ino $$ user)" ||
		fail "no user namespace"
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_jq "$b" ".linux.namespaces += [{\"type\": \"user\", \"path\": \"/proc/$holder/ns/user\"}]"
	oci_defer_delete uj
	oci_create "$b" uj || fail "create: $(cat "$TMPDIR_TEST/uj.err")"
	pid=$(oci_pid uj)
	assert_eq "$(ns_ino "$holder" user)" "$(ns_ino "$pid" user)" "joined user namespace"
	# Every new namespace, pid included, is owned by the joined user namespace, so that
	# /proc (pid) and /sys (net) could be mounted from inside it.
	for k in pid net ipc uts mnt; do
		assert_ne "$(ns_ino $$ "$k")" "$(ns_ino "$pid" "$k")" "a new $k namespace"
		assert_eq "$(ns_ino "$holder" user)" "$(owner_userns_ino "$pid" "$k")" "owner of the $k namespace"
	done
	assert_match "^NSpid:[[:space:]]+$pid[[:space:]]+1$" "$(grep NSpid /proc/$pid/status)" "pid 1 of its namespace"
	grep -Eq '^[0-9]+ [0-9]+ [0-9:]+ / /proc [^ ]+ .*- proc ' /proc/$pid/mountinfo || fail "no /proc mounted in the container"
	# It runs when started, and is pid 1 there.
	oci start uj || fail "start"
	wait_for sh -c "grep -q '^Name:.*sleep' /proc/$pid/status" || fail "the process did not run"
	oci delete --force uj || fail "delete"
	oci_assert_gone uj "$pid"
	# run: the runtime waits for the container process it adopted, and gets its status.
	oci_jq "$b" '.process.args = ["sh", "-c", "test $$ = 1 && grep -q \"^ *0 *0 *1$\" /proc/self/uid_map && exit 7"]'
	local rc
	oci run --bundle "$b" uj2 </dev/null >/dev/null 2>&1; rc=$?
	assert_eq 7 "$rc" "exit status of run"
	oci_assert_gone uj2
}

# The state keeps the config as it was parsed at create: a bundle changed (even broken) after
# create changes nothing for exec, which takes the process's defaults (env) from that copy.
test_config_is_kept_as_it_was_at_create() {
	local b=$TMPDIR_TEST/b pid out
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_edit "$b" 's|"TERM=xterm"|"TERM=xterm", "KEPT=at-create"|'
	grep -q KEPT=at-create "$b/config.json" || fail "config not edited"
	oci_defer_delete kept
	oci_create "$b" kept || fail "create: $(cat "$TMPDIR_TEST/kept.err")"
	pid=$(oci_pid kept)
	echo '{ "broken": ' > "$b/config.json"
	oci start kept || fail "start with the bundle's config broken"
	wait_for sh -c "grep -q '^Name:.*sleep' /proc/$pid/status" || fail "the process did not run"
	out=$(oci exec kept sh -c 'echo $KEPT; stat -L -c %i /proc/self/ns/mnt' 2>&1) || fail "exec: $out"
	assert_eq "at-create" "$(sed -n 1p <<<"$out")" "env from the kept config"
	assert_eq "$(ns_ino "$pid" mnt)" "$(sed -n 2p <<<"$out")" "exec in the container's mount namespace"
	oci delete --force kept || fail "delete"
	oci_assert_gone kept "$pid"
}
