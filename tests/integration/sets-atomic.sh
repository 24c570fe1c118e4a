# The registry never shows a half-made set: SIGKILL at every step, concurrent binds.
source "$SRC/tests/sets-lib.sh"

# After a command: the set NAME is either absent (and nothing of it is left) or whole (every
# kind held, the metadata complete).  Prints "none" or "whole".
set_state() { # NAME PID KINDS...
	local name=$1 pid=$2 k; shift 2
	if [ ! -e "$REG/$name" ]; then
		[ "$(nsfs_mounts_under "$REG")" = 0 ] || fail "$name absent, but nsfs mounts are left under $REG"
		echo none
		return
	fi
	for k in "$@"; do
		assert_eq "$(ns_ino "$pid" "$k")" "$(stat -L -c %i "$REG/$name/$k")" "$name: $k held"
		assert_eq "$(ns_ino "$pid" "$k")" "$(meta_get "$name" "id.$k")" "$name: $k recorded"
	done
	echo whole
}

test_50_concurrent_binds_of_one_name() {
	sets_setup
	spawn_ns -f -m -u -i -n
	local i ok=0 busy=0 other="" pids=()
	for i in $(seq 50); do
		("$NSSET" bind --registry "$REG" race "$SPAWNED" >"$TMPDIR_TEST/out.$i" 2>&1
		 echo $? >"$TMPDIR_TEST/rc.$i") &
		pids+=($!)
	done
	wait "${pids[@]}"
	for i in $(seq 50); do
		if [ "$(cat "$TMPDIR_TEST/rc.$i")" = 0 ]; then
			ok=$((ok + 1))
		elif [ "$(cat "$TMPDIR_TEST/out.$i")" = "nsset: bind race: a set named race exists" ]; then
			busy=$((busy + 1))
		else
			other+="$(cat "$TMPDIR_TEST/out.$i"); "
		fi
	done
	assert_eq "" "$other" "other outcomes"
	assert_eq 1 "$ok" "binds that succeeded"
	assert_eq 49 "$busy" "binds refused with EBUSY"
	assert_eq race "$(reg_entries)" "registry entries (no temporary left)"
	assert_eq "$(built_kind_list | wc -l)" "$(nsfs_mounts_under "$REG")" "nsfs mounts: the winner's only"
	assert_eq whole "$(set_state race "$SPAWNED" uts ipc net)" "the set"
}

test_sigkill_at_every_step_of_bind() {
	need_test_hooks
	sets_setup
	spawn_ns -f -m -u -i -n
	local p=$SPAWNED step rc state i=0 name steps
	steps="tmpdir $(built_kind_list | sed 's/^/hold-/' | tr '\n' ' ') meta netns-file netns-link committing renamed"
	for step in $steps; do
		i=$((i + 1))
		name=nsset-test-$$-$i
		NSSET_TEST_KILL_AT=$step "$NSSET" bind --registry "$REG" --netns-link "$name" "$p"; rc=$?
		assert_eq 137 "$rc" "killed at $step"
		# The next command cleans up and sees no set or a whole one.
		"$NSSET" ls --registry "$REG" >/dev/null || fail "ls after a kill at $step"
		state=$(set_state "$name" "$p" mnt uts ipc net)
		if [ "$step" = renamed ]; then
			assert_eq whole "$state" "after a kill at $step"
			[ -e "/run/netns/$name" ] || fail "netns link of the whole set"
		else
			assert_eq none "$state" "after a kill at $step"
			[ ! -e "/run/netns/$name" ] || fail "netns link left after a kill at $step"
		fi
		assert_eq "" "$(ls -A /run/netns | grep -F "~tmp.$name." || true)" "temporary netns files after $step"
		assert_eq "$([ "$state" = whole ] && echo "$name")" "$(reg_entries)" "registry after $step"
		"$NSSET" release --registry "$REG" "$name" 2>/dev/null
		assert_eq 0 "$(nsfs_mounts_under "$REG")" "mounts after $step"
	done
}

test_sigkill_at_every_step_of_run_name() {
	need_test_hooks
	need_kind pid
	sets_setup
	local step rc state i=0 name tag steps h
	steps="spawned tmpdir hold-mnt hold-uts hold-pid meta committing renamed"
	for step in $steps; do
		i=$((i + 1))
		name=s$i
		tag=$$-$i
		NSSET_TEST_TAG=$tag NSSET_TEST_KILL_AT=$step "$NSSET" run --registry "$REG" --name "$name" -p -m -u; rc=$?
		assert_eq 137 "$rc" "killed at $step"
		"$NSSET" ls --registry "$REG" >/dev/null || fail "ls after a kill at $step"
		if [ "$step" = renamed ]; then
			h=$(set_holder "$name")
			assert_eq "$h" "$(tagged "$tag")" "the holder of the whole set"
			assert_eq whole "$(set_state "$name" "$h" mnt uts pid)" "after a kill at $step"
			"$NSSET" release --registry "$REG" "$name" || fail "release"
		else
			assert_eq none "$(set_state "$name" 1 mnt uts pid)" "after a kill at $step"
		fi
		# Nothing it started is left running.
		wait_for no_tagged "$tag" || fail "a holder is left after a kill at $step: $(tagged "$tag")"
		assert_eq "" "$(reg_entries)" "registry after $step"
	done
}

test_sigkill_during_release() {
	need_test_hooks
	sets_setup
	spawn_ns -f -u -n
	"$NSSET" bind --registry "$REG" web "$SPAWNED" || fail "bind failed"
	local rc
	NSSET_TEST_KILL_AT=release-renamed "$NSSET" release --registry "$REG" web; rc=$?
	assert_eq 137 "$rc" "killed"
	# Out of sight at once; the next command takes the rest apart.
	[ ! -e "$REG/web" ] || fail "the set is still visible"
	"$NSSET" ls --registry "$REG" >/dev/null || fail "ls failed"
	assert_eq "" "$(reg_entries)" "registry entries"
	assert_eq 0 "$(nsfs_mounts_under "$REG")" "mounts"
}

# Without -Dtest_hooks=true (the default, what is shipped), NSSET_TEST_KILL_AT does nothing.
test_kill_at_does_nothing_without_test_hooks() {
	kill_hooks_built && skip "this build has the test hooks"
	sets_setup
	spawn_ns -f -u -n
	local step
	for step in tmpdir meta committing renamed; do
		NSSET_TEST_KILL_AT=$step "$NSSET" bind --registry "$REG" "s-$step" "$SPAWNED" uts,net ||
			fail "bind with NSSET_TEST_KILL_AT=$step failed"
		assert_eq whole "$(set_state "s-$step" "$SPAWNED" uts net)" "the set ($step)"
		NSSET_TEST_KILL_AT=release-renamed "$NSSET" release --registry "$REG" "s-$step" ||
			fail "release with NSSET_TEST_KILL_AT failed"
	done
	assert_eq "" "$(reg_entries)" "registry entries"
	assert_eq 0 "$(nsfs_mounts_under "$REG")" "mounts"
}
