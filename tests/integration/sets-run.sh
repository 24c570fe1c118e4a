# nsset run --name NAME [kinds] [-- COMMAND]: make a set of new namespaces and keep it.
source "$SRC/tests/sets-lib.sh"

test_run_name_without_command_keeps_the_set() {
	need_kind pid
	sets_setup
	"$NSSET" run --registry "$REG" --name web -p -m -u -i -n --mount-proc --hostname webhost ||
		fail "run --name failed"
	local h k
	h=$(set_holder web)
	assert_eq "mnt,uts,ipc,pid,net" "$(meta_get web kinds)" "kinds"
	for k in mnt uts ipc pid net; do
		assert_eq "$(ns_ino "$h" "$k")" "$(stat -L -c %i "$REG/web/$k")" "$k held, the holder's"
		assert_ne "$(ns_ino $$ "$k")" "$(ns_ino "$h" "$k")" "$k new"
	done
	assert_eq 1 "$(meta_get web holder_owned)" "the holder is nsset's"
	# Inside: the holder is pid 1, idle; the hostname is set.
	assert_eq $'nsset-holder\nwebhost' "$("$NSSET" enter --registry "$REG" web -- sh -c 'cat /proc/1/comm; hostname')" \
		"pid 1 and hostname inside"
	assert_match $'^NSpid:\t'"$h"$'\t1$' "$(grep NSpid "/proc/$h/status")" "the holder is pid 1 of the set"
}

test_run_name_with_command_runs_it_and_keeps_the_set() {
	sets_setup
	local out rc
	out=$("$NSSET" run --registry "$REG" --name web -u -n --hostname h1 -- sh -c 'hostname; exit 3'); rc=$?
	assert_eq 3 "$rc" "the command's exit status"
	assert_eq h1 "$out" "the command ran in the set"
	# The command is gone; the set stays, without a process (no pid namespace).
	assert_eq "h1" "$("$NSSET" enter --registry "$REG" web -- hostname)" "the set after the command"
	assert_eq 0 "$(meta_get web holder)" "no holder without a pid namespace"
	assert_eq 2 "$(nsfs_mounts_under "$REG/web")" "held by its mounts"
}

test_run_name_with_pid_ns_and_command() {
	need_kind pid
	sets_setup
	local out
	out=$("$NSSET" run --registry "$REG" --name web -p -m --mount-proc -- sh -c 'cat /proc/1/comm; echo $$')
	assert_match $'^nsset-holder\n[0-9]+$' "$out" "the command beside the holder"
	[ "$(tail -n1 <<<"$out")" != 1 ] || fail "the command is pid 1"
	kill -0 "$(set_holder web)" || fail "the holder is gone after the command"
}

test_run_name_taken_or_invalid_changes_nothing() {
	sets_setup
	"$NSSET" run --registry "$REG" --name web -u || fail "run --name failed"
	local before out rc
	# Ours only (the registry, the netns link it would make): other tests come and go meanwhile.
	ours() { echo $(($(nsfs_mounts_under "$REG") + $(nsfs_mounts_under /run/netns/n1))); }
	before=$(ours)
	out=$(NSSET_TEST_TAG=taken$$ "$NSSET" run --registry "$REG" --name web -u -n -- true 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: run web: a set named web exists" "$out" "message"
	out=$("$NSSET" run --registry "$REG" --name 'x/y' -u 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_contains "nsset: run x/y: invalid character in set name" "$out" "message"
	out=$("$NSSET" run --registry "$REG" --netns-link -u 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: run: --netns-link and --registry need --name" "$out" "message"
	out=$("$NSSET" run --registry "$REG" --name n1 --netns-link -u 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_contains "needs a new network namespace" "$out" "message"
	assert_eq "$before" "$(ours)" "nsfs mounts"
	assert_eq "web" "$(reg_entries)" "registry"
}

test_run_name_netns_link() {
	sets_setup
	local name=nsset-test-$$
	"$NSSET" run --registry "$REG" --name "$name" --netns-link -n || fail "run --name failed"
	assert_eq "$(stat -L -c %i "$REG/$name/net")" "$(ip netns exec "$name" stat -L -c %i /proc/self/ns/net)" \
		"ip netns exec enters the set's network namespace"
	assert_match "lo: <LOOPBACK,UP" "$(ip netns exec "$name" ip link show lo)" "loopback up"
	"$NSSET" release --registry "$REG" "$name" || fail "release failed"
	[ ! -e "/run/netns/$name" ] || fail "netns link left"
}

test_holder_keeps_none_of_the_callers_descriptors() {
	need_kind pid
	sets_setup
	# A pipe open on fd 7 of the caller: a holder that kept it would hold the pipe as long as
	# the set lives (a command substitution around `run --name` would never end).
	exec 7> >(cat >/dev/null)
	"$NSSET" run --registry "$REG" --name web -p -u || fail "run --name failed"
	exec 7>&-
	local h fds
	h=$(set_holder web)
	fds=$(ls /proc/"$h"/fd | sort -n | tr '\n' ' ')
	assert_eq "0 1 2 " "$fds" "the holder's descriptors"
	assert_eq /dev/null "$(readlink /proc/"$h"/fd/1)" "the holder's stdout"
}
