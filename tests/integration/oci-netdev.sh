# linux.netDevices: a host interface (one end of a veth pair the test makes) moved into the container's
# network namespace, renamed, up, with its permanent global addresses and without the others;
# gone from the host's namespace; and bad requests refused with nothing made or moved.
source "$SRC/tests/oci-lib.sh"

# A veth pair on the host, NAME and NAMEp, removed when the test ends (if the container's
# namespace has not taken it already: a virtual device goes with the namespace, and its peer
# with it).
veth() { # NAME
	ip link add "$1" type veth peer name "$1p" || skip "cannot make a veth pair"
	defer "ip link del $1p"
}

netdev_bundle() { # DIR ARGS_JSON NETDEVICES_JSON
	oci_bundle "$1" "$2"
	oci_jq "$1" ".linux.netDevices = $3"
}

test_device_moves_renamed_up_with_its_permanent_addresses() {
	command -v ip >/dev/null || skip "no ip(8)"
	veth nsd-a0
	ip addr add 10.231.0.1/24 dev nsd-a0 || fail "ip addr"
	ip addr add fd00:231::1/64 dev nsd-a0 nodad || fail "ip addr v6"
	# Not permanent (a lifetime): not carried over.
	ip addr add 10.232.0.1/24 dev nsd-a0 valid_lft 1000 preferred_lft 1000 || fail "ip addr lft"
	local b=$TMPDIR_TEST/b pid out
	netdev_bundle "$b" '[ "sleep", "1000" ]' '{"nsd-a0": {"name": "eth7"}}'
	oci_defer_delete na
	oci_create "$b" na || fail "create: $(cat "$TMPDIR_TEST/na.err")"
	pid=$(oci_pid na)
	# Through the container's namespace (nsenter -n: the host's ip(8) there).
	out=$(nsenter -t "$pid" -n ip -o addr show dev eth7) || fail "no eth7 in the container"
	assert_contains "inet 10.231.0.1/24" "$out" "IPv4 address carried over"
	assert_contains "inet6 fd00:231::1/64" "$out" "IPv6 address carried over"
	[[ $out != *10.232.0.1* ]] || fail "a non-permanent address was carried over: $out"
	assert_match 'state (UP|UNKNOWN)|<[^>]*,UP' "$(nsenter -t "$pid" -n ip -o link show dev eth7)" "eth7 up"
	! ip link show nsd-a0 >/dev/null 2>&1 || fail "nsd-a0 still on the host"
	assert_ne "$(ns_ino $$ net)" "$(ns_ino "$pid" net)" "the container's own network namespace"
	oci delete --force na || fail "delete"
	# A virtual device goes with the namespace (the veth pair: its peer too); nothing comes back.
	wait_for sh -c '! ip link show nsd-a0p >/dev/null 2>&1' || fail "the veth pair outlived the namespace"
	! ip link show nsd-a0 >/dev/null 2>&1 && ! ip link show eth7 >/dev/null 2>&1 ||
		fail "the device came back to the host"
	oci_assert_gone na
}

test_the_host_name_is_kept_without_a_name_and_a_template_is_filled() {
	command -v ip >/dev/null || skip "no ip(8)"
	veth nsd-b0
	veth nsd-b1
	local b=$TMPDIR_TEST/b pid
	netdev_bundle "$b" '[ "sleep", "1000" ]' '{"nsd-b0": {}, "nsd-b1": {"name": "net%d"}}'
	oci_defer_delete nb
	oci_create "$b" nb || fail "create: $(cat "$TMPDIR_TEST/nb.err")"
	pid=$(oci_pid nb)
	nsenter -t "$pid" -n ip link show dev nsd-b0 >/dev/null || fail "nsd-b0 not in the container"
	nsenter -t "$pid" -n ip link show dev net0 >/dev/null ||
		fail "no net0 from the template: $(nsenter -t "$pid" -n ip -o link)"
}

test_bad_devices_are_refused_and_nothing_moves() {
	command -v ip >/dev/null || skip "no ip(8)"
	veth nsd-c0
	local b=$TMPDIR_TEST/b
	oci_bundle "$b" '[ "true" ]'
	cp "$b/config.json" "$TMPDIR_TEST/orig.json"
	jq '.linux.netDevices = {"nsd-nope": {}}' "$TMPDIR_TEST/orig.json" >"$b/config.json"
	oci_create_refused "$b" nc "linux.netDevices.nsd-nope: no such network device on the host" "a missing device"
	jq '.linux.netDevices = {"nsd-c0": {"name": "lo"}}' "$TMPDIR_TEST/orig.json" >"$b/config.json"
	oci_create_refused "$b" nc "linux.netDevices.nsd-c0: a device named lo is already in the container" "a name in use"
	jq '.linux.netDevices = {"nsd-c0": {"name": "a/b"}}' "$TMPDIR_TEST/orig.json" >"$b/config.json"
	oci_create_refused "$b" nc "linux.netDevices.nsd-c0.name: must be a network device name" "a bad name"
	jq '.linux.netDevices = {"nsd-c0": {}} | .linux.namespaces |= map(select(.type != "network"))' \
		"$TMPDIR_TEST/orig.json" >"$b/config.json"
	oci_create_refused "$b" nc "linux.netDevices: needs a network namespace" "no network namespace"
	ip link show nsd-c0 >/dev/null 2>&1 || fail "nsd-c0 left the host"
}

# The runtime killed right after moving the device in (fault injection): the container process,
# waiting for GO, sees the socket close and exits; its namespace takes the (virtual) device and
# its peer with it; delete --force leaves no state, cgroup or process.
test_create_killed_after_the_move_leaves_nothing() {
	need_test_hooks
	command -v ip >/dev/null || skip "no ip(8)"
	veth nsd-k0
	local b=$TMPDIR_TEST/b rc
	netdev_bundle "$b" '[ "sleep", "1000" ]' '{"nsd-k0": {"name": "eth3"}}'
	oci_defer_delete nk
	NSSET_TEST_KILL_AT=oci-netdev "$NSSET" --root "$TMPDIR_TEST/state" create --bundle "$b" nk \
		</dev/null >/dev/null 2>&1; rc=$?
	assert_eq 137 "$rc" "create killed at oci-netdev"
	! ip link show nsd-k0 >/dev/null 2>&1 || fail "the device was not moved before the kill"
	oci_state_pid nk
	oci_killed_create_cleans_up nk "$PID"
	wait_for sh -c '! ip link show nsd-k0p >/dev/null 2>&1' || fail "the veth pair outlived the namespace"
}
