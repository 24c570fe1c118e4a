# nsset release NAME: unmount and remove a set; processes inside keep running.
source "$SRC/tests/sets-lib.sh"

test_release_removes_the_set_and_its_mounts() {
	sets_setup
	spawn_ns -f -u -i -n
	"$NSSET" bind --registry "$REG" web "$SPAWNED" || fail "bind failed"
	assert_ne 0 "$(nsfs_mounts_under "$REG/web")" "mounts before"
	"$NSSET" release --registry "$REG" web || fail "release failed"
	assert_eq 0 "$(nsfs_mounts_under "$REG")" "mounts after"
	[ ! -e "$REG/web" ] || fail "the set's directory is left"
	assert_eq "" "$(reg_entries)" "registry entries"
	[[ "$("$NSSET" ls --registry "$REG")" != *web* ]] || fail "ls still lists it"
	# The name is free again.
	"$NSSET" bind --registry "$REG" web "$SPAWNED" uts || fail "the name was not freed"
}

test_release_keeps_the_processes_inside_running() {
	sets_setup
	spawn_ns -f -u -n
	local p=$SPAWNED net
	net=$(ns_ino "$p" net)
	"$NSSET" bind --registry "$REG" web "$p" || fail "bind failed"
	"$NSSET" release --registry "$REG" web || fail "release failed"
	kill -0 "$p" || fail "the process inside was stopped"
	assert_eq "$net" "$(ns_ino "$p" net)" "its network namespace"
}

test_release_stops_the_holder() {
	need_kind pid
	sets_setup
	"$NSSET" run --registry "$REG" --name web -p -u || fail "run --name failed"
	local h
	h=$(set_holder web)
	kill -0 "$h" || fail "no holder"
	"$NSSET" release --registry "$REG" web || fail "release failed"
	wait_for proc_gone "$h" || fail "the holder is still running"
}

test_release_keeps_the_holder_while_processes_are_inside() {
	need_kind pid
	sets_setup
	"$NSSET" run --registry "$REG" --name web -p -u || fail "run --name failed"
	local h s tag=linger-$$
	h=$(set_holder web)
	defer "kill -9 $h"
	"$NSSET" enter --registry "$REG" web -- sleep 1000 &
	local e=$!
	defer "kill -9 $e"
	wait_for pgrep -P "$e" >/dev/null || fail "the command did not start"
	s=$(pgrep -P "$e")
	NSSET_TEST_TAG=$tag "$NSSET" release --registry "$REG" web || fail "release failed"
	[ ! -e "$REG/web" ] || fail "the set is left"
	# Stopping the pid namespace's init would kill the command: the holder stays...
	kill -0 "$s" || fail "the process inside was stopped"
	proc_gone "$h" && fail "the holder was stopped under a living process"
	assert_ne "" "$(tagged "$tag")" "a watcher"
	# ... until it is alone: then it is stopped, and the watcher is gone.
	kill -9 "$s"
	wait_for proc_gone "$h" || fail "the holder outlived the last process of its namespace"
	wait_for no_tagged "$tag" || fail "the watcher is still running"
}

test_release_unknown_invalid_or_not_yours() {
	sets_setup
	local out rc
	out=$("$NSSET" release --registry "$REG" nosuch 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: release nosuch: no such set" "$out" "message"
	out=$("$NSSET" release --registry "$REG" .. 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: release ..: '..' is not a valid set name" "$out" "message"
	out=$("$NSSET" release 2>&1); rc=$?
	assert_ne 0 "$rc" "no name"
	spawn_ns -f -u
	"$NSSET" bind --registry "$REG" web "$SPAWNED" uts || fail "bind failed"
	chmod 755 "$TMPDIR_TEST"
	out=$(as_nobody "$NSSET" release --registry "$REG" web 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status as nobody"
	assert_eq "nsset: release web: the set belongs to uid 0" "$out" "message as nobody"
	assert_eq 1 "$(nsfs_mounts_under "$REG/web")" "root's set untouched"
}

test_release_several_and_netns_link() {
	sets_setup
	local name=nsset-test-$$
	spawn_ns -f -n -u
	"$NSSET" bind --registry "$REG" --netns-link "$name" "$SPAWNED" || fail "bind failed"
	"$NSSET" bind --registry "$REG" other "$SPAWNED" uts || fail "bind failed"
	[ -e "/run/netns/$name" ] || fail "no netns link"
	local out rc
	out=$("$NSSET" release --registry "$REG" "$name" nosuch other 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status with an unknown name among them"
	assert_eq "nsset: release nosuch: no such set" "$out" "message"
	assert_eq "" "$(reg_entries)" "both known sets released"
	[ ! -e "/run/netns/$name" ] || fail "netns link left"
}
