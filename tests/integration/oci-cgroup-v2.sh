# Device rules on cgroup v2 (an eBPF program, lib/oci/cgroup_bpf.c), through the kernel's eyes.
# This host is hybrid: a pure v2 host is made in a private mount namespace whose /sys/fs/cgroup
# is the v2 hierarchy alone (the one the host has at /sys/fs/cgroup/unified); every nsset of a
# test runs there.  What the kernel says: an open of a device node the rules deny fails with
# EPERM, the program is attached to the container's cgroup (bpftool), and goes with it.
source "$SRC/tests/oci-lib.sh"

# Where the host has the v2 hierarchy (empty if nowhere).
v2_host() { awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo; }
need_v2() {
	[ -n "$(v2_host)" ] || skip "no cgroup v2 hierarchy on this host"
	V2=$(v2_host)
}
# CMD... in the pure v2 view.
v2() {
	unshare -m sh -c 'umount -R /sys/fs/cgroup 2>/dev/null || umount -l /sys/fs/cgroup 2>/dev/null
		mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' sh "$@"
}
v2oci() { v2 "$NSSET" --root "$TMPDIR_TEST/state" "$@"; }
v2_defer_delete() { defer "v2oci delete --force $1"; }

# The ids of the device programs attached to a cgroup directory itself.
attached() { bpftool -j cgroup show "$1" | jq -r '.[] | select(.attach_type == "cgroup_device") | .id'; }
need_bpftool() { command -v bpftool >/dev/null && command -v jq >/dev/null || skip "bpftool or jq not installed"; }

# A bundle whose process tries to open /dev/null and /dev/kmsg (c 1:11, made by the runtime
# from linux.devices) for writing and prints what the shell says, then its v2 cgroup.  An open
# for writing of /dev/kmsg needs no capability: only the device rules can refuse it.
probe_bundle() { # DIR
	oci_bundle "$1" '[ "sh", "-c", "for f in /dev/null /dev/kmsg; do (: >$f) 2>&1 && echo $f: opened; done; grep ^0:: /proc/self/cgroup" ]'
	oci_edit "$1" 's|"linux": {|"linux": { "devices": [ { "path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11 } ],|'
}

# Run the probe with the config's device rules RULES (JSON, after spec's "deny all"; a whole
# list "[ ... ]" instead of spec's), then
# check what it says of /dev/kmsg: denied (EPERM) or opened.
probe() { # ID RULES denied|opened
	local b=$TMPDIR_TEST/$1 out
	probe_bundle "$b"
	case $2 in
	'') ;;
	'['*) oci_edit "$b" 's|"devices": \[ { "allow": false, "access": "rwm" } \]|"devices": '"$2"'|' ;;
	*) oci_edit "$b" 's|"devices": \[ { "allow": false, "access": "rwm" } \]|"devices": [ { "allow": false, "access": "rwm" }, '"$2"' ]|' ;;
	esac
	v2_defer_delete "$1"
	out=$(v2oci run -b "$b" "$1" </dev/null 2>"$TMPDIR_TEST/err") || fail "run $1: $(cat "$TMPDIR_TEST/err")"
	assert_contains "/dev/null: opened" "$out" "$1: /dev/null (a default device)"
	assert_contains "0::/nsset-$1" "$out" "$1: the container's v2 cgroup"
	if [ "$3" = denied ]; then
		assert_contains "can't create /dev/kmsg: Operation not permitted" "$out" "$1: /dev/kmsg denied"
		[[ $out != *"/dev/kmsg: opened"* ]] || fail "$1: /dev/kmsg opened"
	else
		assert_contains "/dev/kmsg: opened" "$out" "$1: /dev/kmsg allowed"
	fi
	oci_assert_gone "$1"
}

test_v2_device_rules_deny_and_allow() {
	need_v2
	# spec's rules: deny everything; the default devices stay allowed
	probe cgv2-d1 '' denied
	probe cgv2-d2 '{ "allow": true, "type": "c", "major": 1, "minor": 11, "access": "w" }' opened
	# the letters count: "r" does not allow an open for writing
	probe cgv2-d3 '{ "allow": true, "type": "c", "major": 1, "minor": 11, "access": "r" }' denied
	# the last rule wins, letter by letter: a later deny of "w" takes writing away ...
	probe cgv2-d4 '{ "allow": true, "type": "c", "major": 1, "access": "rwm" }, { "allow": false, "type": "c", "major": 1, "minor": 11, "access": "w" }' denied
	# ... and a later deny of "r" leaves it
	probe cgv2-d5 '{ "allow": true, "type": "c", "major": 1, "minor": 11, "access": "rwm" }, { "allow": false, "type": "c", "access": "r" }' opened
	# a wildcard allow of every char device (no major, no minor)
	probe cgv2-d6 '{ "allow": true, "type": "c", "access": "w" }' opened
	# a block-device rule does not open a char device
	probe cgv2-d7 '{ "allow": true, "type": "b", "major": 1, "minor": 11, "access": "rwm" }' denied
	# without a rule for everything, what no rule allows is denied (as runc and crun on v2)
	probe cgv2-d8 '[ { "allow": true, "type": "c", "major": 1, "minor": 12, "access": "rwm" } ]' denied
	probe cgv2-d9 '[ { "allow": true, "access": "rwm" }, { "allow": false, "type": "c", "major": 1, "minor": 12 } ]' opened
}

test_v2_program_is_attached_and_goes_with_delete() {
	need_v2
	need_bpftool
	local b=$TMPDIR_TEST/b ids id pid out
	probe_bundle "$b"
	oci_edit "$b" 's|"args": \[ "sh", "-c", [^]]*\]|"args": [ "sleep", "1000" ]|'
	v2_defer_delete cgv2-at
	v2oci create -b "$b" cgv2-at </dev/null >/dev/null 2>"$TMPDIR_TEST/err" || fail "create: $(cat "$TMPDIR_TEST/err")"
	[ -d "$V2/nsset-cgv2-at" ] || fail "no cgroup $V2/nsset-cgv2-at"
	ids=$(attached "$V2/nsset-cgv2-at")
	[ -n "$ids" ] || fail "no device program attached to $V2/nsset-cgv2-at"
	assert_eq 1 "$(wc -l <<<"$ids")" "device programs attached"
	id=$ids
	assert_eq multi "$(bpftool -j cgroup show "$V2/nsset-cgv2-at" | jq -r '.[0].attach_flags')" "attach flags"
	assert_eq cgroup_device "$(bpftool -j prog show id "$id" | jq -r .type)" "program type"
	pid=$(v2oci state cgv2-at | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
	grep -qx "$pid" "$V2/nsset-cgv2-at/cgroup.procs" || fail "the container's process is not in $V2/nsset-cgv2-at"
	# the rules hold for the started process's cgroup and for one joining later (exec)
	v2oci start cgv2-at || fail "start failed"
	out=$(v2oci exec cgv2-at sh -c '(: >/dev/kmsg) 2>&1; (: >/dev/null) && echo null-ok' </dev/null 2>&1)
	assert_contains "can't create /dev/kmsg: Operation not permitted" "$out" "exec: /dev/kmsg"
	assert_contains "null-ok" "$out" "exec: /dev/null"
	v2oci delete --force cgv2-at || fail "delete failed"
	[ ! -e "$V2/nsset-cgv2-at" ] || fail "$V2/nsset-cgv2-at left behind"
	oci_assert_gone cgv2-at
	# The program was only held by the cgroup: the kernel frees it (asynchronously).
	wait_for eval '! bpftool prog show id "$id" >/dev/null 2>&1' || fail "device program $id left loaded"
}

test_v2_without_device_rules_attaches_nothing() {
	need_v2
	need_bpftool
	local b=$TMPDIR_TEST/b
	probe_bundle "$b"
	oci_edit "$b" 's|"resources": { "devices": \[ { "allow": false, "access": "rwm" } \] },||'
	oci_edit "$b" 's|"args": \[ "sh", "-c", [^]]*\]|"args": [ "sleep", "1000" ]|'
	! grep -q resources "$b/config.json" || fail "the bundle still has resources"
	v2_defer_delete cgv2-nr
	v2oci create -b "$b" cgv2-nr </dev/null >/dev/null 2>"$TMPDIR_TEST/err" || fail "create: $(cat "$TMPDIR_TEST/err")"
	[ -d "$V2/nsset-cgv2-nr" ] || fail "no cgroup $V2/nsset-cgv2-nr"
	assert_eq "" "$(attached "$V2/nsset-cgv2-nr")" "device programs without device rules (as v1: none written)"
	v2oci delete --force cgv2-nr || fail "delete failed"
	oci_assert_gone cgv2-nr
}

test_v2_bad_device_rules_are_rejected_before_anything_is_made() {
	need_v2
	local b=$TMPDIR_TEST/b out rc id want rule
	probe_bundle "$b"
	cp "$b/config.json" "$TMPDIR_TEST/good.json"
	for id in cgv2-bt cgv2-ba cgv2-bm; do
		case $id in
		cgv2-bt) rule='{ "allow": true, "type": "u", "major": 1, "minor": 11, "access": "w" }'
		    want='linux.resources.devices[1].type: must be "a", "c" or "b"' ;;
		cgv2-ba) rule='{ "allow": true, "type": "c", "major": 1, "minor": 11, "access": "rwx" }'
		    want='linux.resources.devices[1].access: must be a subset of "rwm"' ;;
		cgv2-bm) rule='{ "allow": true, "type": "c", "major": -2, "access": "r" }'
		    want='linux.resources.devices[1].major' ;;
		esac
		cp "$TMPDIR_TEST/good.json" "$b/config.json"
		oci_edit "$b" 's|"devices": \[ { "allow": false, "access": "rwm" } \]|"devices": [ { "allow": false, "access": "rwm" }, '"$rule"' ]|'
		v2_defer_delete $id
		out=$(v2oci create -b "$b" $id </dev/null 2>&1); rc=$?
		assert_ne 0 "$rc" "$id: exit status"
		assert_contains "nsset: create $id: $want" "$out" "$id: message"
		[ ! -e "$V2/nsset-$id" ] || fail "$id: cgroup $V2/nsset-$id made"
		oci_assert_gone $id
	done
	assert_eq "" "$(v2oci list -q)" "containers"
}

test_hybrid_keeps_v1_device_rules() {
	need_v2
	need_bpftool
	[ -d /sys/fs/cgroup/devices ] || skip "no v1 devices controller on this host"
	local b=$TMPDIR_TEST/b devs out
	probe_bundle "$b"
	oci_edit "$b" 's|"args": \[ "sh", "-c", [^]]*\]|"args": [ "sleep", "1000" ]|'
	oci_defer_delete cgv2-hy
	oci_create "$b" cgv2-hy || fail "create: $(cat "$TMPDIR_TEST/cgv2-hy.err")"
	devs=$(cat /sys/fs/cgroup/devices/nsset-cgv2-hy/devices.list)
	assert_contains "c 1:3 rwm" "$devs" devices.list
	[[ $devs != *"a *:* rwm"* ]] || fail "devices.list still allows everything"
	[ -d "$V2/nsset-cgv2-hy" ] || fail "no cgroup $V2/nsset-cgv2-hy (the hybrid layout's v2 side)"
	assert_eq "" "$(attached "$V2/nsset-cgv2-hy")" "device programs on the hybrid layout (v1 is used)"
	oci start cgv2-hy || fail "start failed"
	out=$(oci exec cgv2-hy sh -c '(: >/dev/kmsg) 2>&1' </dev/null 2>&1)
	assert_contains "can't create /dev/kmsg: Operation not permitted" "$out" "exec: /dev/kmsg (v1 rules)"
	oci delete --force cgv2-hy || fail "delete failed"
	oci_assert_gone cgv2-hy
}
