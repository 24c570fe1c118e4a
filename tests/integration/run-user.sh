# nsset run -U: uid/gid maps as the kernel shows them, as root and unprivileged.

# Run nsset in the background with a command that waits; set $cmd to the command's pid (outside).
start_sleeper() { # RUNNER NSSET-ARGS...
	local runner=$1 pre=(); shift
	# setpriv execs nsset: $! is then nsset run itself (a function would put a subshell there).
	[ "$runner" = as_nobody ] && pre=(setpriv --reuid 65534 --regid 65534 --clear-groups)
	rm -f "$TMPDIR_TEST/ready"
	"${pre[@]}" "$NSSET" run "$@" -- sh -c 'echo ready; exec sleep 1000' >"$TMPDIR_TEST/ready" &
	pid=$!
	defer kill -KILL $pid
	wait_for grep -q ready "$TMPDIR_TEST/ready" || fail "the command did not start"
	wait_for find_sleeper $pid || fail "no command under nsset run"
}

# The descendant of $1 that runs sleep (the runner may be a subshell) → $cmd.
find_sleeper() {
	local c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		if grep -q '^sleep' /proc/"$c"/cmdline 2>/dev/null; then cmd=$c; return 0; fi
		find_sleeper "$c" && return 0
	done
	return 1
}

map_of() { tr -s ' ' <"/proc/$1/$2" | sed 's/^ //'; }

test_map_root_as_root() {
	need_kind user
	start_sleeper "" -U --map-root
	assert_eq "0 0 1" "$(map_of "$cmd" uid_map)" "uid_map"
	assert_eq "0 0 1" "$(map_of "$cmd" gid_map)" "gid_map"
	assert_ne "$(ns_ino $$ user)" "$(ns_ino "$cmd" user)" "user namespace"
	# The child writes its own maps (like unshare -r), which needs setgroups denied.
	assert_eq "deny" "$(cat /proc/"$cmd"/setgroups)" "setgroups"
}

test_map_root_unprivileged() {
	need_kind user
	start_sleeper as_nobody -U --map-root
	assert_eq "0 65534 1" "$(map_of "$cmd" uid_map)" "uid_map"
	assert_eq "0 65534 1" "$(map_of "$cmd" gid_map)" "gid_map"
	assert_eq "deny" "$(cat /proc/"$cmd"/setgroups)" "setgroups"
	# Inside, the command is root, with the ids seen through the map.
	local out
	out=$(as_nobody "$NSSET" run -r -- sh -c 'id -u; id -g; cat /proc/self/uid_map' | tr -s ' ')
	assert_eq $'0\n0\n 0 65534 1' "$out" "ids and map inside"
}

test_map_users_and_groups_as_root() {
	need_kind user
	start_sleeper "" -U --map-users 0:100000:1000,1000:1000:1 --map-groups 0:200000:500 --map-groups 500:300000:10
	assert_eq $'0 100000 1000\n1000 1000 1' "$(map_of "$cmd" uid_map)" "uid_map"
	assert_eq $'0 200000 500\n500 300000 10' "$(map_of "$cmd" gid_map)" "gid_map"
	# The command runs as root inside: the kernel shows its outside ids through the map.
	assert_match $'^Uid:\t100000\t100000\t100000\t100000$' "$(grep ^Uid /proc/"$cmd"/status)" "Uid"
	assert_match $'^Gid:\t200000\t200000\t200000\t200000$' "$(grep ^Gid /proc/"$cmd"/status)" "Gid"
	# Maps written by a privileged parent keep setgroups allowed.
	assert_eq "allow" "$(cat /proc/"$cmd"/setgroups)" "setgroups"
}

test_user_without_maps_is_the_overflow_user() {
	need_kind user
	local out
	out=$("$NSSET" run -U -- sh -c 'id -u; cat /proc/self/uid_map | wc -l')
	assert_eq $'65534\n0' "$out" "unmapped uid and empty map"
}

test_unprivileged_map_beyond_own_id_needs_newuidmap() {
	need_kind user
	grep -q '^\(nobody\|65534\):' /etc/subuid 2>/dev/null && skip "nobody has subordinate ids here"
	local out rc before
	before=$(pgrep -c -u 65534 || true)
	out=$(as_nobody "$NSSET" run -U --map-users 0:100000:1000 -- true 2>&1); rc=$?
	assert_eq 125 "$rc" "exit status"
	assert_contains "nsset: run: newuidmap refused the map" "$out" "message"
	assert_eq "$before" "$(pgrep -c -u 65534 || true)" "processes of nobody"
}

test_unprivileged_ranges_through_newuidmap() {
	need_kind user
	command -v newuidmap >/dev/null || skip "no newuidmap (package uidmap)"
	grep -q '^\(nobody\|65534\):' /etc/subuid /etc/subgid 2>/dev/null && skip "nobody has subordinate ids here"
	# Give nobody subordinate ids for the test only (the files are restored afterwards).
	local f
	for f in /etc/subuid /etc/subgid; do
		if [ -e "$f" ]; then cp -p "$f" "$TMPDIR_TEST/${f##*/}"; defer "cp -p '$TMPDIR_TEST/${f##*/}' '$f'"
		else defer "rm -f '$f'"; fi
		echo "nobody:200000:65536" >>"$f"
	done
	start_sleeper as_nobody -U --map-users 0:200000:1000,1000:65534:1 --map-groups 0:200000:1000
	assert_eq $'0 200000 1000\n1000 65534 1' "$(map_of "$cmd" uid_map)" "uid_map"
	assert_eq "0 200000 1000" "$(map_of "$cmd" gid_map)" "gid_map"
	# newgidmap leaves setgroups allowed; the command runs as root inside.
	assert_eq "allow" "$(cat /proc/"$cmd"/setgroups)" "setgroups"
	assert_match $'^Uid:\t200000\t200000\t200000\t200000$' "$(grep ^Uid /proc/"$cmd"/status)" "Uid"
}
