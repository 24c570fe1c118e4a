# The OCI runtime through `nsset create/start/run`, each field or option seen through the
# kernel's eyes: session keyring (keyctl), --no-pivot (stat, listmount, mountinfo),
# linux.personality, linux.devices and the default devices (stat), rootfsPropagation (the
# propagation tags of mountinfo), seccomp flags (/proc/PID/status).  Bad input: a clear message,
# a non-zero exit and nothing made.
source "$SRC/tests/oci-lib.sh"

# A private copy of the root filesystem in $R with tests/helpers/oci-probe (static) in /bin.
probe_rootfs() {
	PROBE=$BUILD/tests/oci-probe
	[ -x "$PROBE" ] || skip "built without the OCI runtime (-Doci=false)"
	[ -x "$ROOTFS/bin/busybox" ] || skip "no \$ROOTFS (scripts/mkrootfs.sh)"
	R=$TMPDIR_TEST/rootfs
	cp -a "$ROOTFS" "$R"
	cp "$PROBE" "$R/bin/oci-probe"
}

# A script of the container in $R/probe.sh (stdin: its body).
probe_script() {
	{ echo '#!/bin/sh'; cat; } >"$R/probe.sh"
	chmod 755 "$R/probe.sh"
}

# Nothing was made for a refused create: no state, no cgroup, no container listed.
assert_nothing_made() { # ID
	oci_assert_gone "$1"
	assert_eq "" "$(oci list -q)" "containers"
}

# create BUNDLE ID must fail with "nsset: create ID: WANT" and make nothing.
expect_create_error() { # BUNDLE ID WANT [OPTIONS...]
	local b=$1 id=$2 want=$3 out rc
	shift 3
	out=$(oci create -b "$b" "$@" "$id" </dev/null 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status of create $id"
	assert_contains "nsset: create $id: $want" "$out" "message"
	assert_nothing_made "$id"
}

# The optional fields (propagation tags) of mount point MP in a mountinfo FILE, space-separated.
mount_tags() { # FILE MP
	awk -v mp="$2" '$5 == mp { t = ""; for (i = 7; $i != "-"; i++) t = t $i " "; line = t } END { printf "%s", line }' "$1"
}

# ---- session keyring (--no-new-keyring) --------------------------------------------------------

test_session_keyring_is_new_unless_no_new_keyring() {
	probe_rootfs
	local b=$TMPDIR_TEST/b mine ses kept hex line
	mine=$("$PROBE" keyring) || fail "keyctl on the host"
	oci_bundle "$b" '[ "sh", "-c", "oci-probe keyring; exec sleep 1000" ]' "$R"
	oci_defer_delete kr-new
	oci_create "$b" kr-new || fail "create: $(cat "$TMPDIR_TEST/kr-new.err")"
	oci start kr-new || fail "start"
	wait_for grep -q . "$TMPDIR_TEST/kr-new.out" || fail "no output: $(cat "$TMPDIR_TEST/kr-new.err")"
	ses=$(cat "$TMPDIR_TEST/kr-new.out")
	assert_match '^[0-9]+$' "$ses" "session keyring id of the container"
	assert_ne "$mine" "$ses" "session keyring of the container (a new one, not the caller's)"
	# The kernel's list: an anonymous session keyring, alive while the container runs.
	hex=$(printf '%08x' "$ses")
	line=$(grep "^$hex " /proc/keys) || fail "keyring $hex not in /proc/keys"
	assert_match ' keyring +_ses: ' "$line" "/proc/keys line of $hex"

	oci_defer_delete kr-kept
	oci_create "$b" kr-kept --no-new-keyring || fail "create --no-new-keyring: $(cat "$TMPDIR_TEST/kr-kept.err")"
	oci start kr-kept || fail "start"
	wait_for grep -q . "$TMPDIR_TEST/kr-kept.out" || fail "no output: $(cat "$TMPDIR_TEST/kr-kept.err")"
	kept=$(cat "$TMPDIR_TEST/kr-kept.out")
	assert_eq "$mine" "$kept" "session keyring with --no-new-keyring (the caller's)"

	# The option takes no value: refused, nothing made.
	local out rc
	out=$(oci create -b "$b" --no-new-keyring=yes kr-bad </dev/null 2>&1); rc=$?
	assert_eq 2 "$rc" "exit status of --no-new-keyring=yes"
	assert_contains "nsset: create: option '--no-new-keyring=yes' takes no argument" "$out" "message"
	oci_assert_gone kr-bad
	oci delete --force kr-new && oci delete --force kr-kept || fail "delete"
	oci_assert_gone kr-new && oci_assert_gone kr-kept
	# The container's keyring went with it (the kernel's garbage collector is lazy: wait).
	wait_for sh -c "! grep -q '^$hex ' /proc/keys" || fail "keyring $hex left in /proc/keys"
}

# ---- --no-pivot ----------------------------------------------------------------------------------

test_no_pivot_moves_the_root_and_chroots() {
	need_kind mnt
	probe_rootfs
	probe_script <<'EOF'
stat -c %d:%i / /..
ls -a /.. | tr '\n' ' '
echo
exec sleep 1000
EOF
	local b=$TMPDIR_TEST/b id pid want mp rel lines all out anc
	want=$(stat -c %d:%i "$R")
	mp=$(stat -c %m "$R")
	rel=$(realpath "$R")
	[ "$mp" = / ] || rel=${rel#"$mp"}
	oci_bundle "$b" '[ "/probe.sh" ]' "$R"
	# The host's mounts on the path to the root filesystem (/ and its ancestors).
	anc=$(awk -v r="$(realpath "$R")/" 'index(r, ($5 == "/" ? "" : $5) "/") == 1' /proc/self/mountinfo | wc -l)
	for id in pivot no-pivot; do
		oci_defer_delete $id
		if [ $id = pivot ]; then
			oci_create "$b" $id || fail "create: $(cat "$TMPDIR_TEST/$id.err")"
		else
			oci_create "$b" $id --no-pivot || fail "create --no-pivot: $(cat "$TMPDIR_TEST/$id.err")"
		fi
		pid=$(oci_pid $id)
		oci start $id || fail "start $id"
		wait_for grep -q . "$TMPDIR_TEST/$id.out" || fail "$id: no output"
		wait_for sh -c "[ \$(wc -l <'$TMPDIR_TEST/$id.out') -ge 3 ]" || fail "$id: $(cat "$TMPDIR_TEST/$id.out")"
		out=$(cat "$TMPDIR_TEST/$id.out")
		# The process's root is the bundle's root filesystem, and ".." of it is itself.
		assert_eq "$want" "$(stat -L -c %d:%i /proc/"$pid"/root)" "$id: /proc/PID/root"
		assert_eq "$want"$'\n'"$want" "$(head -n 2 <<<"$out")" "$id: / and /.. inside"
		assert_eq "$(ls -a "$R" | tr '\n' ' ')" "$(sed -n 3p <<<"$out")" "$id: the listing of /.. inside (the root filesystem, not the host's /)"
		# mountinfo: the root filesystem is mounted on / of the process.
		assert_match "^[0-9]+ [0-9]+ [0-9]+:[0-9]+ $rel / " "$(awk '$5 == "/"' /proc/"$pid"/mountinfo)" "$id: root line of mountinfo"
		# listmount sees every mount of the namespace, mountinfo only those under the root.
		lines=$(grep -c . /proc/"$pid"/mountinfo)
		all=$("$PROBE" mounts /proc/"$pid"/ns/mnt) || fail "listmount"
		if [ $id = pivot ]; then
			# pivot_root + detach: the old root is gone from the namespace.
			assert_eq "$lines" "$all" "pivot: mounts of the namespace = mounts under its root"
		else
			# MS_MOVE + chroot: of the host's mounts only those holding up the root
			# filesystem (/ and its ancestors) stay in the namespace, under the moved root.
			[ "$all" -gt "$lines" ] || fail "no-pivot: the namespace holds $all mounts, the process sees $lines: expected the host's / under the root"
			[ $((all - lines)) -le "$anc" ] || fail "no-pivot: $((all - lines)) mounts outside the root are left, at most $anc hold it up"
		fi
	done
	oci delete --force pivot && oci delete --force no-pivot || fail "delete"
	oci_assert_gone pivot && oci_assert_gone no-pivot
	# The option takes no value: refused, nothing made.
	local rc
	out=$(oci create -b "$b" --no-pivot=1 np-bad </dev/null 2>&1); rc=$?
	assert_eq 2 "$rc" "exit status of --no-pivot=1"
	assert_contains "nsset: create: option '--no-pivot=1' takes no argument" "$out" "message"
	oci_assert_gone np-bad
	assert_eq "" "$(oci list -q)" "containers"
}

# --no-pivot detaches the host's mounts from the container's namespace: with a shared root
# propagation, none of that may reach the host's peers.  The "host" is a mount namespace of the
# test's whose mounts are all shared (this machine's are private).
test_no_pivot_with_shared_propagation_leaves_the_host_alone() {
	need_kind mnt
	local b=$TMPDIR_TEST/b out
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_edit "$b" 's|"linux": {|"linux": { "rootfsPropagation": "shared",|'
	oci_defer_delete nps
	out=$(unshare -m --propagation unchanged sh -c '
		mount --make-rshared / || exit 3
		grep -q " shared:" /proc/self/mountinfo || exit 4
		before=$(awk "{ print \$5 }" /proc/self/mountinfo | sort)
		"$1" --root "$2" create -b "$3" --no-pivot nps </dev/null >/dev/null 2>"$4" || exit 5
		pid=$("$1" --root "$2" state nps | sed -n "s/.*\"pid\": \([0-9]*\).*/\1/p")
		grep -c " /proc .* - proc \| /sys .* - sysfs " /proc/$pid/mountinfo
		after=$(awk "{ print \$5 }" /proc/self/mountinfo | sort)
		"$1" --root "$2" delete --force nps
		[ "$before" = "$after" ] && echo same || printf "differ:\n%s\n--\n%s\n" "$before" "$after"
	' sh "$NSSET" "$TMPDIR_TEST/state" "$b" "$TMPDIR_TEST/nps.err" 2>&1) || fail "status $?: $out $(cat "$TMPDIR_TEST/nps.err")"
	assert_eq $'2\nsame' "$out" "the container's /proc and /sys; the host's mount points"
	oci_assert_gone nps
}

# ---- /sys/fs/cgroup on a cgroup v1 / hybrid host -----------------------------------------------

# The container's /sys/fs/cgroup: a read-only tmpfs, one directory per host hierarchy, each with
# the container's own cgroup bound on it read-only (a tree the runtime makes while the container
# process makes its namespaces), or with a cgroup namespace fresh mounts rooted at it (made by
# the container process).
cgroup_mount_case() { # ID [cgroupns]
	[ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || skip "/sys/fs/cgroup is not v1 / hybrid here"
	local b=$TMPDIR_TEST/b id=$1 mi=$TMPDIR_TEST/mi h line root=/nsset-$1 n=0
	oci_bundle "$b" '[ "sh", "-c", "cat /proc/self/mountinfo; echo CGROUP; cat /proc/self/cgroup; touch /sys/fs/cgroup/x /sys/fs/cgroup/pids/x 2>&1; true" ]'
	if [ "${2:-}" = cgroupns ]; then
		oci_edit "$b" 's|{ "type": "mount" }|{ "type": "mount" }, { "type": "cgroup" }|'
		root=/
	fi
	oci run -b "$b" "$id" </dev/null >"$mi" 2>&1 || fail "run: $(cat "$mi")"
	assert_match '^ro,nosuid,nodev,noexec,[a-z,]* - tmpfs ' \
		"$(awk '$5 == "/sys/fs/cgroup" { $1 = $2 = $3 = $4 = $5 = ""; print }' "$mi" | sed 's/^ *//')" \
		"/sys/fs/cgroup"
	for h in $(awk '$5 ~ "^/sys/fs/cgroup/[^/]+$" && ($9 == "cgroup" || $9 == "cgroup2") { print $5 }' /proc/self/mountinfo); do
		line=$(awk -v mp="$h" '$5 == mp { print $4, $6, $(NF - 2) }' "$mi")
		assert_match "^$root ro,nosuid,nodev,noexec[a-z,]* (cgroup|cgroup2)\$" "$line" "$h in the container"
		n=$((n + 1))
	done
	[ "$n" -gt 1 ] || fail "fewer than two cgroup hierarchies on the host to compare with"
	assert_eq "$n" "$(awk '$5 ~ "^/sys/fs/cgroup/[^/]+$"' "$mi" | wc -l)" "hierarchies in the container"
	# The process is in the container's cgroup, which it sees as its root with a namespace.
	assert_eq 1 "$(sed -n '/^CGROUP$/,$p' "$mi" | grep -c "^[0-9]*:pids:$root\$")" "pids in /proc/self/cgroup"
	assert_contains "touch: /sys/fs/cgroup/x: Read-only file system" "$(cat "$mi")" "the tmpfs"
	assert_contains "touch: /sys/fs/cgroup/pids/x: Read-only file system" "$(cat "$mi")" "a hierarchy"
	oci_assert_gone "$id"
}

# A hybrid host made v1-only (its unified hierarchy unmounted, the directory left empty, as
# bench/oci.sh does): the container's /sys/fs/cgroup has the v1 hierarchies, each its own
# cgroup, and no directory for the hierarchy that is not mounted.
test_cgroup_mount_beside_an_empty_mount_point() {
	[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] || skip "no unified hierarchy at /sys/fs/cgroup/unified"
	local b=$TMPDIR_TEST/b out
	oci_bundle "$b" '[ "sh", "-c", "ls /sys/fs/cgroup; echo MOUNTS; cat /proc/self/mountinfo" ]'
	out=$(unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified || exit 200
		exec "$@" </dev/null' sh "$NSSET" --root "$TMPDIR_TEST/state" run -b "$b" cge 2>&1) ||
		fail "run: $out"
	assert_eq "" "$(sed '/^MOUNTS$/,$d' <<<"$out" | grep -x unified)" "a unified directory in the container"
	assert_match "^/nsset-cge ro,[a-z,]* cgroup$" "$(mount_line "$(sed '1,/^MOUNTS$/d' <<<"$out")" /sys/fs/cgroup/pids)" "pids"
	assert_eq "" "$(mount_line "$(sed '1,/^MOUNTS$/d' <<<"$out")" /sys/fs/cgroup/unified)" "unified mounted"
	oci_assert_gone cge
}

test_cgroup_mount_binds_the_containers_cgroup() { cgroup_mount_case cgm; }
test_cgroup_mount_in_a_cgroup_namespace() { need_kind cgroup; cgroup_mount_case cgm-ns cgroupns; }

# ---- /proc: the runtime's tree or the container process's --------------------------------------

# The container's /proc is a proc of its pid namespace, with the masked paths (a null device
# for a file, an empty read-only tmpfs for a directory) and the read-only paths in place.  The
# runtime makes it while the container process makes its namespaces; with a sysctl (written
# into /proc/sys first) or a masked path through a symlink (/proc/self) the container process
# makes it instead, with the same result.
# "ROOT OPTIONS FSTYPE" of mount point MP in the mountinfo text MI.
mount_line() { # MI MP
	awk -v mp="$2" '$5 == mp { for (i = 7; $i != "-"; i++) ; print $4, $6, $(i + 1) }' <<<"$1"
}

proc_case() { # ID [sysctl|symlink]
	local b=$TMPDIR_TEST/b id=$1 out mi
	oci_bundle "$b" '[ "sh", "-c", "cat /proc/1/comm; cat /proc/self/mountinfo; stat -c \"%F %t:%T\" /proc/keys /proc/timer_list; ls -A /proc/acpi | wc -l; touch /proc/acpi/x 2>&1; echo x 2>&1 > /proc/sys/kernel/domainname; cat /proc/sys/net/ipv4/ip_default_ttl; wc -c < /proc/1/status" ]'
	case ${2:-} in
	sysctl) oci_edit "$b" 's|"linux": {|"linux": { "sysctl": { "net.ipv4.ip_default_ttl": "42" },|' ;;
	symlink) oci_edit "$b" 's|"maskedPaths": \[|"maskedPaths": [ "/proc/self/status",|' ;;
	esac
	out=$(oci run -b "$b" "$id" </dev/null 2>&1) || fail "run: $out"
	mi=$(grep -E '^[0-9]+ [0-9]+ ' <<<"$out")
	assert_eq sh "$(head -n 1 <<<"$out")" "/proc/1/comm (the container's pid namespace)"
	assert_match '^/ rw,[a-z,]* proc$' "$(mount_line "$mi" /proc)" "/proc"
	assert_match '^/null [a-z,]* tmpfs$' "$(mount_line "$mi" /proc/keys)" "/proc/keys masked"
	assert_contains "character special file 1:3" "$(grep -F 'character special' <<<"$out" | head -n 1)" "/proc/keys"
	assert_match '^/ ro,[a-z,]* tmpfs$' "$(mount_line "$mi" /proc/acpi)" "/proc/acpi masked"
	assert_match '^/sys ro,[a-z,]* proc$' "$(mount_line "$mi" /proc/sys)" "/proc/sys read-only"
	assert_contains "touch: /proc/acpi/x: Read-only file system" "$out" "/proc/acpi"
	assert_contains "can't create /proc/sys/kernel/domainname: Read-only file system" "$out" "/proc/sys"
	if [ "${2:-}" = sysctl ]; then
		assert_eq 42 "$(tail -n 2 <<<"$out" | head -n 1)" "net.ipv4.ip_default_ttl"
	fi
	if [ "${2:-}" = symlink ]; then
		assert_eq 0 "$(tail -n 1 <<<"$out")" "/proc/1/status (masked through /proc/self)"
	else
		assert_ne 0 "$(tail -n 1 <<<"$out")" "/proc/1/status (not masked)"
	fi
	oci_assert_gone "$id"
}

test_proc_is_the_containers_with_masked_and_readonly_paths() { need_kind pid; proc_case proc1; }
test_proc_with_a_sysctl() { need_kind pid; need_kind net; proc_case proc2 sysctl; }
test_proc_with_a_masked_path_through_a_symlink() { need_kind pid; proc_case proc3 symlink; }

# ---- linux.personality ---------------------------------------------------------------------------

test_personality_linux32() {
	[ "$(uname -m)" = x86_64 ] || skip "LINUX32 is checked on x86_64 (uname -m: i686); this is $(uname -m)"
	local b=$TMPDIR_TEST/b out
	oci_bundle "$b" '[ "sh", "-c", "cat /proc/self/personality; uname -m" ]'
	out=$(oci run -b "$b" pers0 </dev/null 2>"$TMPDIR_TEST/err") || fail "run: $(cat "$TMPDIR_TEST/err")"
	assert_eq $'00000000\nx86_64' "$out" "personality without linux.personality"
	oci_edit "$b" 's|"linux": {|"linux": { "personality": { "domain": "LINUX32" },|'
	out=$(oci run -b "$b" pers32 </dev/null 2>"$TMPDIR_TEST/err") || fail "run: $(cat "$TMPDIR_TEST/err")"
	assert_eq $'00000008\ni686' "$out" "personality LINUX32 (PER_LINUX32)"
	oci_assert_gone pers32
	# Seen from the host, on a created container.
	oci_edit "$b" 's|"args": \[[^]]*\]|"args": [ "sleep", "1000" ]|'
	oci_defer_delete pers-c
	oci_create "$b" pers-c || fail "create: $(cat "$TMPDIR_TEST/pers-c.err")"
	assert_eq 00000008 "$(cat /proc/"$(oci_pid pers-c)"/personality)" "/proc/PID/personality"
	oci delete --force pers-c || fail "delete"
	# Bad domains: refused before anything is made.
	oci_edit "$b" 's|"domain": "LINUX32"|"domain": "LINUX64"|'
	expect_create_error "$b" pers-bad 'linux.personality.domain: must be "LINUX" or "LINUX32", got "LINUX64"'
	oci_edit "$b" 's|"personality": { "domain": "LINUX64" }|"personality": { "flags": [] }|'
	expect_create_error "$b" pers-none 'linux.personality.domain: missing'
	oci_edit "$b" 's|"personality": { "flags": \[\] }|"personality": "LINUX32"|'
	expect_create_error "$b" pers-type 'linux.personality: must be an object'
}

# ---- linux.devices and the default devices -------------------------------------------------------

test_configured_and_default_devices() {
	local b=$TMPDIR_TEST/b pid d r mi
	oci_bundle "$b" '[ "sleep", "1000" ]'
	# No /dev/pts nor /dev/shm in the config: the runtime mounts its own.
	oci_edit "$b" '/"destination": "\/dev\/pts"/,/\] },/d'
	oci_edit "$b" '/"destination": "\/dev\/shm"/,/\] },/d'
	! grep -q -e /dev/pts -e /dev/shm "$b/config.json" || fail "the bundle still mounts /dev/pts or /dev/shm"
	# fileMode is decimal in JSON: 400 = 0620, 384 = 0600.
	oci_edit "$b" 's|"linux": {|"linux": { "devices": [ { "path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 400, "uid": 7, "gid": 8 }, { "path": "/dev/fuse", "type": "c", "major": 10, "minor": 229 }, { "path": "/dev/myblk", "type": "b", "major": 7, "minor": 200, "fileMode": 384 }, { "path": "/dev/deep/er/zero", "type": "c", "major": 1, "minor": 5 }, { "path": "/dev/myfifo", "type": "p", "fileMode": 416 }, { "path": "/dev/full", "type": "c", "major": 1, "minor": 7, "fileMode": 384, "uid": 1 } ],|'
	oci_defer_delete dev
	oci_create "$b" dev || fail "create: $(cat "$TMPDIR_TEST/dev.err")"
	pid=$(oci_pid dev)
	r=/proc/$pid/root/dev
	dstat() { stat -c '%F %t:%T %a %u %g' "$r/$1" 2>&1; }
	# %t:%T: major and minor in hex
	assert_eq "character special file 1:3 620 7 8" "$(dstat mynull)" "/dev/mynull"
	assert_eq "character special file a:e5 666 0 0" "$(dstat fuse)" "/dev/fuse"
	assert_eq "block special file 7:c8 600 0 0" "$(dstat myblk)" "/dev/myblk"
	assert_eq "character special file 1:5 666 0 0" "$(dstat deep/er/zero)" "/dev/deep/er/zero (parents made)"
	assert_eq "fifo 0:0 640 0 0" "$(dstat myfifo)" "/dev/myfifo"
	# The default devices.
	assert_eq "character special file 1:3 666 0 0" "$(dstat null)" "/dev/null"
	assert_eq "character special file 1:5 666 0 0" "$(dstat zero)" "/dev/zero"
	assert_eq "character special file 1:7 600 1 0" "$(dstat full)" "/dev/full (configured: wins over the default)"
	assert_eq "character special file 1:8 666 0 0" "$(dstat random)" "/dev/random"
	assert_eq "character special file 1:9 666 0 0" "$(dstat urandom)" "/dev/urandom"
	assert_eq "character special file 5:0 666 0 0" "$(dstat tty)" "/dev/tty"
	assert_eq "pts/ptmx" "$(readlink "$r/ptmx")" "/dev/ptmx"
	assert_eq "character special file 5:2" "$(stat -L -c '%F %t:%T' "$r/ptmx")" "/dev/ptmx through the link"
	assert_eq "/proc/self/fd" "$(readlink "$r/fd")" "/dev/fd"
	mi=$(cat /proc/"$pid"/mountinfo)
	assert_match ' /dev/pts rw,nosuid,noexec,relatime [^-]*- devpts devpts rw,[^ ]*mode=620,ptmxmode=666' "$(grep ' /dev/pts ' <<<"$mi")" "default /dev/pts"
	assert_match ' /dev/shm rw,nosuid,nodev,noexec,relatime [^-]*- tmpfs shm rw,' "$(grep ' /dev/shm ' <<<"$mi")" "default /dev/shm"
	# The devices work inside: /dev/zero reads zeros, the configured null swallows a write.
	assert_eq "0000000 000000 000000" "$(nsenter -t "$pid" -m -r head -c 4 /dev/zero | od | head -n 1)" "/dev/zero inside"
	nsenter -t "$pid" -m -r sh -c 'echo x >/dev/mynull' || fail "write to /dev/mynull inside"
	oci delete --force dev || fail "delete"
	oci_assert_gone dev
}

# In a user namespace mknod is refused: the host's nodes are bound (their mode and owner stay).
test_devices_in_a_user_namespace_are_bound_from_the_host() {
	need_kind user
	need_kind pid # a new proc in a new user namespace needs a pid namespace of its own
	local b=$TMPDIR_TEST/b pid r d mi
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_userns "$b"
	oci_edit "$b" 's|"linux": {|"linux": { "devices": [ { "path": "/dev/mynull", "type": "c", "major": 1, "minor": 3 } ],|'
	oci_defer_delete udev
	oci_create "$b" udev || fail "create: $(cat "$TMPDIR_TEST/udev.err")"
	pid=$(oci_pid udev)
	r=/proc/$pid/root/dev
	mi=$(cat /proc/"$pid"/mountinfo)
	for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0 mynull:1:3; do
		IFS=: read -r name maj min <<<"$d"
		assert_eq "character special file $(printf '%x:%x' "$maj" "$min")" "$(stat -c '%F %t:%T' "$r/$name")" "/dev/$name"
		# a bind of the host's node (host's mode), not a node of the container's /dev tmpfs
		assert_eq "$(stat -c %a "/dev/${name/mynull/null}")" "$(stat -c %a "$r/$name")" "mode of /dev/$name (the host's)"
		grep -Eq "^[0-9]+ [0-9]+ [0-9:]+ (/dev)?/${name/mynull/null} /dev/$name " <<<"$mi" || fail "/dev/$name is not a bind of the host's node: $(grep " /dev/$name " <<<"$mi")"
	done
	assert_ne "$(stat -c %d /dev/null)" "$(stat -c %d "$r")" "the container's /dev is its own tmpfs"
	oci delete --force udev || fail "delete"
	oci_assert_gone udev
}

test_device_paths_never_leave_the_root() {
	probe_rootfs
	local b=$TMPDIR_TEST/b host_etc mounts_before
	host_etc=$(ls -la --time-style=full-iso /etc | md5sum)
	mounts_before=$(grep -cF "$TMPDIR_TEST" /proc/self/mountinfo)
	oci_bundle "$b" '[ "true" ]' "$R"
	cp "$b/config.json" "$TMPDIR_TEST/good.json"
	reset() { cp "$TMPDIR_TEST/good.json" "$b/config.json"; }
	dev() { oci_edit "$b" "s|\"linux\": {|\"linux\": { \"devices\": [ { \"path\": \"$1\", \"type\": \"c\", \"major\": 1, \"minor\": 3 } ],|"; }
	dev ../../nsset-dev-probe
	expect_create_error "$b" dv1 'linux.devices[0].path: must be an absolute path without ".."'
	reset; dev /dev/../../nsset-dev-probe
	expect_create_error "$b" dv2 'linux.devices[0].path: must be an absolute path without ".."'
	reset; dev /
	expect_create_error "$b" dv3 "linux.devices[0].path: must be an absolute path inside the container"
	[ ! -e "$TMPDIR_TEST/../nsset-dev-probe" ] && [ ! -e /nsset-dev-probe ] || fail "a device node was made outside"
	reset; oci_edit "$b" 's|"linux": {|"linux": { "devices": [ { "path": "/dev/big", "type": "c", "major": 4096, "minor": 1 } ],|'
	expect_create_error "$b" dv6 "linux.devices[0]: major and minor must be within 0..4095 and 0..1048575"
	reset; oci_edit "$b" 's|"linux": {|"linux": { "devices": [ { "path": "/dev/big", "type": "c", "major": 1, "minor": 1048576 } ],|'
	expect_create_error "$b" dv7 "linux.devices[0]: major and minor must be within 0..4095 and 0..1048575"
	reset; oci_edit "$b" 's|"linux": {|"linux": { "devices": [ { "path": "/dev/nonum", "type": "c" } ],|'
	expect_create_error "$b" dv8 'linux.devices[0]: a "c" device needs major and minor'
	# An existing file that is not the device (config-linux.md: an error), after the state was
	# reserved: everything made is undone.
	reset; dev /dev/pts
	expect_create_error "$b" dv4 "linux.devices[0]: /dev/pts exists and is not the requested device"
	# Symlinks are resolved inside the root: the nodes land in the root's /etc, not the host's.
	ln -s /etc "$R/evil"
	ln -s ../../../../../etc "$R/tmp/up"
	reset; oci_edit "$b" 's|"readonly": true|"readonly": false|'
	oci_edit "$b" 's|"linux": {|"linux": { "devices": [ { "path": "/evil/nsset-dev-probe", "type": "c", "major": 1, "minor": 3 }, { "path": "/tmp/up/nsset-dev-probe2", "type": "c", "major": 1, "minor": 5 } ],|'
	oci run -b "$b" dv5 </dev/null >"$TMPDIR_TEST/out" 2>&1
	local rc=$?
	[ ! -e /etc/nsset-dev-probe ] || { rm -f /etc/nsset-dev-probe; fail "a device was made in the host's /etc"; }
	[ ! -e /etc/nsset-dev-probe2 ] || { rm -f /etc/nsset-dev-probe2; fail "a device was made in the host's /etc through .."; }
	assert_eq 0 "$rc" "run with symlinked device paths: $(cat "$TMPDIR_TEST/out")"
	assert_eq "character special file 1:3" "$(stat -c '%F %t:%T' "$R/etc/nsset-dev-probe")" "node behind the absolute link"
	assert_eq "character special file 1:5" "$(stat -c '%F %t:%T' "$R/etc/nsset-dev-probe2")" "node behind the relative link"
	assert_eq "$host_etc" "$(ls -la --time-style=full-iso /etc | md5sum)" "host /etc"
	assert_eq "$mounts_before" "$(grep -cF "$TMPDIR_TEST" /proc/self/mountinfo)" "host mounts"
	oci_assert_gone dv5
}

# ---- linux.rootfsPropagation -------------------------------------------------------------------

test_rootfs_propagation_tags_in_mountinfo() {
	need_kind mnt
	probe_rootfs
	local b=$TMPDIR_TEST/b host_tags peer prop pid mi tags proc_tags
	# The root filesystem on a shared mount of the host, so that slave has a master to show.
	mount --bind "$R" "$R" || fail "bind $R"
	defer umount -l "$R"
	mount --make-shared "$R" || fail "make-shared $R"
	host_tags=$(mount_tags /proc/self/mountinfo "$R")
	assert_match '^shared:[0-9]+ $' "$host_tags" "host's tags of $R"
	peer=${host_tags#shared:}
	peer=${peer% }
	oci_bundle "$b" '[ "sleep", "1000" ]' "$R"
	cp "$b/config.json" "$TMPDIR_TEST/good.json"
	for prop in private slave shared unbindable rshared runbindable; do
		cp "$TMPDIR_TEST/good.json" "$b/config.json"
		oci_edit "$b" "s|\"linux\": {|\"linux\": { \"rootfsPropagation\": \"$prop\",|"
		oci_defer_delete "p-$prop"
		oci_create "$b" "p-$prop" || fail "create $prop: $(cat "$TMPDIR_TEST/p-$prop.err")"
		pid=$(oci_pid "p-$prop")
		cat /proc/"$pid"/mountinfo >"$TMPDIR_TEST/mi"
		tags=$(mount_tags "$TMPDIR_TEST/mi" /)
		proc_tags=$(mount_tags "$TMPDIR_TEST/mi" /proc)
		case $prop in
		private) assert_eq "" "$tags" "private root" ;;
		slave) assert_eq "master:$peer " "$tags" "slave root: a slave of the host's peer group" ;;
		shared | rshared)
			# a peer group of its own: nothing propagates back to the host's
			assert_match '^shared:[0-9]+ $' "$tags" "$prop root"
			assert_ne "shared:$peer " "$tags" "$prop root's peer group" ;;
		unbindable | runbindable) assert_eq "unbindable " "$tags" "$prop root" ;;
		esac
		# Recursive or not: the mounts under the root follow only with r*.
		case $prop in
		rshared) assert_match '^shared:[0-9]+ $' "$proc_tags" "rshared: /proc" ;;
		runbindable) assert_eq "unbindable " "$proc_tags" "runbindable: /proc" ;;
		*) assert_eq "" "$proc_tags" "$prop: /proc (not recursive)" ;;
		esac
	done
	# What the host mounts under the shared root reaches the slave, not the private one.
	mount -t tmpfs nsset-prop-probe "$R/mnt" || fail "mount on the host"
	defer umount -l "$R/mnt"
	grep -q ' /mnt .* nsset-prop-probe ' /proc/"$(oci_pid p-slave)"/mountinfo || fail "a host mount did not propagate to the slave root"
	! grep -q ' /mnt .* nsset-prop-probe ' /proc/"$(oci_pid p-private)"/mountinfo || fail "a host mount propagated to the private root"
	umount "$R/mnt" || fail "umount on the host"
	for prop in private slave shared unbindable rshared runbindable; do
		oci delete --force "p-$prop" || fail "delete p-$prop"
		oci_assert_gone "p-$prop"
	done
	assert_eq "1" "$(grep -cF "$TMPDIR_TEST" /proc/self/mountinfo)" "host mounts under the test (only its bind)"
	# A bad value: refused before anything is made.
	cp "$TMPDIR_TEST/good.json" "$b/config.json"
	oci_edit "$b" 's|"linux": {|"linux": { "rootfsPropagation": "sideways",|'
	expect_create_error "$b" p-bad 'linux.rootfsPropagation: unknown propagation "sideways"'
}

# ---- seccomp flags -----------------------------------------------------------------------------

SECCOMP_EACCES_MKDIR='"defaultAction": "SCMP_ACT_ALLOW", "architectures": [ "SCMP_ARCH_X86_64" ], "syscalls": [ { "names": [ "mkdir", "mkdirat" ], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 } ]'

# The container's seccomp lines of /proc/self/status and a mkdir, with FLAGS (a JSON array).
seccomp_probe() { # BUNDLE ID FLAGS
	oci_bundle "$1" '[ "sh", "-c", "grep -E \"^(Seccomp|Seccomp_filters|Speculation_Store_Bypass):\" /proc/self/status; mkdir /tmp/d 2>&1; true" ]'
	oci_edit "$1" 's|"noNewPrivileges": true|"noNewPrivileges": false|'
	oci_edit "$1" "s|\"linux\": {|\"linux\": { \"seccomp\": { $SECCOMP_EACCES_MKDIR, \"flags\": $3 },|"
	oci run -b "$1" "$2" </dev/null 2>"$TMPDIR_TEST/err" || fail "run $2: $(cat "$TMPDIR_TEST/err")"
}

test_seccomp_flags_log_tsync_and_unknown() {
	local b=$TMPDIR_TEST/b out
	out=$(seccomp_probe "$b" sf1 '[ "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC" ]')
	assert_match $'Seccomp:\t2\nSeccomp_filters:\t1' "$out" "one filter loaded"
	assert_contains "mkdir: can't create directory '/tmp/d': Permission denied" "$out" "the filter's rule (errnoRet 13)"
	oci_assert_gone sf1
	# Unknown flag, a flag that is not a string, flags that are not an array: nothing made.
	oci_edit "$b" 's|"flags": \[[^]]*\]|"flags": [ "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_NOPE" ]|'
	expect_create_error "$b" sf2 'linux.seccomp.flags[1]: unknown seccomp flag "SECCOMP_FILTER_FLAG_NOPE"'
	oci_edit "$b" 's|"flags": \[[^]]*\]|"flags": [ 4 ]|'
	expect_create_error "$b" sf3 'linux.seccomp.flags: must be an array of strings'
	oci_edit "$b" 's|"flags": \[[^]]*\]|"flags": "SECCOMP_FILTER_FLAG_LOG"|'
	expect_create_error "$b" sf4 'linux.seccomp.flags: must be an array of strings'
}

test_seccomp_spec_allow_leaves_speculation_alone() {
	local b=$TMPDIR_TEST/b without with sysfs
	sysfs=$(cat /sys/devices/system/cpu/vulnerabilities/spec_store_bypass 2>/dev/null || echo unknown)
	without=$(seccomp_probe "$b" ssb0 '[]')
	with=$(seccomp_probe "$TMPDIR_TEST/b2" ssb1 '[ "SECCOMP_FILTER_FLAG_SPEC_ALLOW" ]')
	assert_match $'Seccomp:\t2' "$without" "filter loaded without the flag"
	assert_match $'Seccomp:\t2' "$with" "filter loaded with SPEC_ALLOW"
	without=$(sed -n 's/^Speculation_Store_Bypass:\t//p' <<<"$without")
	with=$(sed -n 's/^Speculation_Store_Bypass:\t//p' <<<"$with")
	[ -n "$without" ] && [ -n "$with" ] || fail "no Speculation_Store_Bypass line in /proc/self/status"
	if [ "$without" = "$with" ]; then
		skip "the kernel shows Speculation_Store_Bypass '$with' with and without the flag (spec_store_bypass: $sysfs): this CPU/kernel applies no seccomp mitigation to lift"
	fi
	# A seccomp filter force-mitigates the thread unless SPEC_ALLOW is given.
	assert_match 'mitigated' "$without" "without SPEC_ALLOW"
	[[ $with != *"force mitigated"* ]] || fail "with SPEC_ALLOW the thread is still force mitigated: $with"
	oci_assert_gone ssb0
	oci_assert_gone ssb1
}

# ---- a v1 cpuset made empty by someone else ------------------------------------------------------

# A container ID in the v1 cpuset CGPATH (cgroupsPath), its pid into $PID.
in_cpuset() { # ID CGPATH
	oci_sleeper "$1" ".linux.cgroupsPath = \"$2\""
	assert_eq "$2" "$(cat /proc/"$PID"/cpuset)" "the process's cpuset"
}

# Another runtime with the same id (another --root) may have just made the cgroup, cpus and mems
# not copied yet: joining it failed with ENOSPC.  The runtime fills it (and an empty parent).
test_existing_empty_cpuset_cgroup_gets_cpus_and_mems() {
	local cs=/sys/fs/cgroup/cpuset id=cpuset-$$
	[ -e $cs/cpuset.cpus ] || skip "no v1 cpuset hierarchy"
	# An empty parent too: the container's cgroup is named below it (cgroupsPath).
	mkdir $cs/nsset-test-$$ || fail "mkdir $cs/nsset-test-$$"
	defer rmdir $cs/nsset-test-$$
	mkdir $cs/nsset-test-$$/$id || fail "mkdir $cs/nsset-test-$$/$id"
	defer rmdir $cs/nsset-test-$$/$id
	assert_eq "" "$(cat $cs/nsset-test-$$/$id/cpuset.cpus)" "cpus of a new cpuset"
	in_cpuset $id /nsset-test-$$/$id
	assert_eq "$(cat $cs/cpuset.cpus)" "$(cat $cs/nsset-test-$$/$id/cpuset.cpus)" "cpus copied"
	assert_eq "$(cat $cs/cpuset.mems)" "$(cat $cs/nsset-test-$$/$id/cpuset.mems)" "mems copied"
	oci delete --force $id || fail "delete"
	oci_assert_gone $id "$PID"
}

# An existing cpuset with cpus of its own (cgroupsPath naming a cgroup set up beforehand) keeps
# them: only a cpuset the runtime made, or an empty one, gets its parent's.
test_existing_cpuset_cgroup_keeps_its_own_cpus() {
	local cs=/sys/fs/cgroup/cpuset id=cpuown-$$ one
	[ -e $cs/cpuset.cpus ] || skip "no v1 cpuset hierarchy"
	[ "$(nproc)" -gt 1 ] || skip "one CPU: no subset to keep"
	one=$(cut -d, -f1 $cs/cpuset.cpus | cut -d- -f1)
	mkdir $cs/$id || fail "mkdir $cs/$id"
	defer rmdir $cs/$id
	echo "$one" >$cs/$id/cpuset.cpus && cat $cs/cpuset.mems >$cs/$id/cpuset.mems || fail "set $cs/$id"
	in_cpuset $id /$id
	assert_eq "$one" "$(cat $cs/$id/cpuset.cpus)" "the cgroup's own cpus"
	assert_eq "$one" "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/"$PID"/status)" "the process's CPUs"
	oci delete --force $id || fail "delete"
	oci_assert_gone $id "$PID"
}
