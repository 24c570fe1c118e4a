# nsset events (runc's verb): the container's cgroup statistics, compared with the cgroup files
# of its process; the stream ends when the container stops; the kernel's OOM killer is
# reported; bad input is refused.
source "$SRC/tests/oci-lib.sh"

events_setup() { # ID ARGS_JSON [JQ]
	[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/pids ] || skip "needs the v1 memory and pids hierarchies"
	local b=$TMPDIR_TEST/b-$1
	oci_bundle "$b" "$2"
	oci_jq "$b" '.linux.resources = {"pids": {"limit": 50}, "memory": {"limit": 33554432}}'
	[ -z "${3:-}" ] || oci_jq "$b" "$3"
	oci_defer_delete "$1"
	oci_create "$b" "$1" || fail "create: $(cat "$TMPDIR_TEST/$1.err")"
	PID=$(oci_pid "$1")
}

test_stats_are_the_cgroup_files() {
	events_setup es '[ "sleep", "1000" ]'
	local out m p
	out=$(oci events --stats es) || fail "events --stats: $out"
	m=$(oci_cg_dir "$PID" memory) p=$(oci_cg_dir "$PID" pids)
	assert_eq stats "$(jq -r .type <<<"$out")" "type"
	assert_eq es "$(jq -r .id <<<"$out")" "id"
	assert_eq "1 50" "$(jq -r '"\(.data.pids.current) \(.data.pids.limit)"' <<<"$out")" "pids"
	assert_eq "$(cat "$p/pids.current")" "$(jq -r .data.pids.current <<<"$out")" "pids.current"
	assert_eq 33554432 "$(jq -r .data.memory.usage.limit <<<"$out")" "memory limit"
	assert_eq "$(cat "$m/memory.limit_in_bytes")" "$(jq -r .data.memory.usage.limit <<<"$out")" "memory.limit_in_bytes"
	[ "$(jq -r .data.memory.usage.usage <<<"$out")" -gt 0 ] || fail "no memory usage: $out"
	[ "$(jq -r .data.cpu.usage.total <<<"$out")" -gt 0 ] || fail "no cpu usage: $out"
	assert_eq "$(nproc --all)" "$(jq -r '.data.cpu.usage.percpu | length' <<<"$out")" "per-CPU usage"
	jq -e '.data.memory.raw | has("rss")' <<<"$out" >/dev/null || fail "no memory.stat in raw: $out"
}

test_stream_ends_when_the_container_stops() {
	events_setup et '[ "sleep", "1" ]'
	oci start et || fail "start"
	local out
	out=$(timeout 20 "$NSSET" --root "$TMPDIR_TEST/state" events --interval 200ms et) ||
		fail "events did not end with the container (status $?)"
	[ "$(wc -l <<<"$out")" -ge 2 ] || fail "fewer than two lines: $out"
	jq -e -s 'all(.type == "stats" and .id == "et")' <<<"$out" >/dev/null || fail "lines: $out"
	assert_eq stopped "$(oci_status et)" "status"
}

test_oom_kill_is_reported() {
	# 64 MiB into a shell variable, in a 32 MiB container: the OOM killer takes the shell.
	events_setup eo '[ "sh", "-c", "x=$(head -c 67108864 /dev/zero | tr \"\\\\0\" a); echo survived" ]'
	timeout 30 "$NSSET" --root "$TMPDIR_TEST/state" events --interval 100ms eo >"$TMPDIR_TEST/ev" &
	local ev=$!
	sleep 0.3
	oci start eo || fail "start"
	wait "$ev" || fail "events ended with status $?: $(cat "$TMPDIR_TEST/ev")"
	grep -qx '{"type":"oom","id":"eo"}' "$TMPDIR_TEST/ev" || fail "no oom event: $(cat "$TMPDIR_TEST/ev")"
	grep -q '^oom_kill [1-9]' /sys/fs/cgroup/memory/nsset-eo/memory.oom_control ||
		fail "the kernel counted no OOM kill: $(cat /sys/fs/cgroup/memory/nsset-eo/memory.oom_control)"
}

test_events_bad_input() {
	events_setup eb '[ "sleep", "1000" ]'
	oci_expect_error "an unknown container" "nsset: events nope: container nope does not exist" events --stats nope
	oci_expect_error "a bad interval" "nsset: events: --interval 5x: must be a duration like 5s or 500ms" \
		events --interval 5x eb
	oci_expect_error "a zero interval" "nsset: events: --interval 0s: must be a duration" events --interval 0s eb
	oci_expect_error "no id" "usage: nsset events" events --stats
	oci_expect_error "an unknown option" "nsset: events: unknown option '--bogus'" events --bogus eb
	assert_eq created "$(oci_status eb)" "status after the bad input"
}
