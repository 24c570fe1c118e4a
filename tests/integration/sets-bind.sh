# nsset bind NAME PID [KIND...]: naming the namespaces of a process (the seeds' bind_ns).
source "$SRC/tests/sets-lib.sh"

test_bind_holds_every_namespace_of_the_process() {
	sets_setup
	spawn_ns -f -m -u -i -n -p -C
	local p=$SPAWNED k
	"$NSSET" bind --registry "$REG" web "$p" || fail "bind failed"
	local kinds
	kinds=$(meta_get web kinds)
	assert_eq "$(built_kinds)" "$kinds" "kinds of the set"
	for k in $(built_kind_list); do
		# Through the kernel's eyes: the file in the set is the process's namespace.
		assert_eq "$(ns_ino "$p" "$k")" "$(stat -L -c %i "$REG/web/$k")" "$k namespace held"
		assert_eq "$(ns_ino "$p" "$k")" "$(meta_get web "id.$k")" "$k id recorded"
	done
	assert_eq "$(built_kind_list | wc -l)" "$(nsfs_mounts_under "$REG/web")" "one nsfs mount per kind"
	assert_eq 0 "$(meta_get web owner)" "owner"
	if kind_built pid; then
		# The process is pid 1 of its pid namespace: it is the holder.
		assert_eq "$p" "$(meta_get web holder)" "holder"
	fi
	"$NSSET" release --registry "$REG" web || fail "release failed"
	assert_eq 0 "$(nsfs_mounts_under "$REG")" "nsfs mounts after release"
}

test_bind_selected_kinds_only() {
	sets_setup
	spawn_ns -f -u -n -i
	"$NSSET" bind --registry "$REG" web "$SPAWNED" net uts || fail "bind failed"
	assert_eq "uts,net" "$(meta_get web kinds)" "kinds"
	assert_eq "meta net uts" "$(ls "$REG/web" | tr '\n' ' ' | sed 's/ $//')" "files of the set"
	assert_eq 2 "$(nsfs_mounts_under "$REG/web")" "mounts"
	assert_eq "$(ns_ino "$SPAWNED" net)" "$(stat -L -c %i "$REG/web/net")" "net held"
}

# The kinds as nsenter's options (letters, long names, -a), anywhere among the words.
test_bind_kinds_as_nsenter_options() {
	sets_setup
	spawn_ns -f -u -n -i
	local form n=0
	for form in "-u -n NAME PID" "NAME PID --net --uts" "--uts NAME PID -n" "NAME PID -nu" \
		"NAME PID uts -n" "NAME -n PID -u"; do
		n=$((n + 1))
		local args=${form/PID/$SPAWNED}
		"$NSSET" bind --registry "$REG" ${args/NAME/w$n} || fail "bind $form failed"
		assert_eq "uts,net" "$(meta_get w$n kinds)" "kinds after bind $form"
		assert_eq "meta net uts" "$(ls "$REG/w$n" | tr '\n' ' ' | sed 's/ $//')" "files after bind $form"
		assert_eq "$(ns_ino "$SPAWNED" net)" "$(stat -L -c %i "$REG/w$n/net")" "net held ($form)"
		assert_eq "$(ns_ino "$SPAWNED" uts)" "$(stat -L -c %i "$REG/w$n/uts")" "uts held ($form)"
		"$NSSET" release --registry "$REG" w$n || fail "release failed"
	done
	# -a, --all and "all" are the default: every namespace bind can hold (not the caller's
	# own mount namespace, see below).
	"$NSSET" bind --registry "$REG" dflt "$SPAWNED" || fail "bind failed"
	assert_match '^(mnt,)?uts,ipc,' "$(meta_get dflt kinds)" "kinds of the default bind"
	"$NSSET" bind --registry "$REG" -a all1 "$SPAWNED" || fail "bind -a failed"
	"$NSSET" bind --registry "$REG" --all all2 "$SPAWNED" || fail "bind --all failed"
	"$NSSET" bind --registry "$REG" all3 "$SPAWNED" all || fail "bind all failed"
	for n in 1 2 3; do
		assert_eq "$(meta_get dflt kinds)" "$(meta_get all$n kinds)" "kinds after bind all$n"
	done
}

test_bind_name_taken_is_ebusy_and_changes_nothing() {
	sets_setup
	spawn_ns -f -u -n
	local first=$SPAWNED
	spawn_ns -f -u -n
	"$NSSET" bind --registry "$REG" web "$first" || fail "bind failed"
	local before out rc
	before=$(nsfs_mounts_under "$TMPDIR_TEST")
	out=$("$NSSET" bind --registry "$REG" web "$SPAWNED" 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: bind web: a set named web exists" "$out" "message"
	assert_eq "$before" "$(nsfs_mounts_under "$TMPDIR_TEST")" "nsfs mounts (this test's: others run at the same time)"
	assert_eq "$(ns_ino "$first" net)" "$(stat -L -c %i "$REG/web/net")" "the set still holds the first"
	assert_eq "web" "$(reg_entries)" "registry entries"
}

test_bind_invalid_names_are_einval() {
	sets_setup
	spawn_ns -f -u
	local before name out rc long
	long=$(printf 'a%.0s' {1..65})
	before=$(nsfs_mounts_under "$TMPDIR_TEST")
	for name in "" "." ".." "a/b" "/" "$long" "a b" "wé" 'a$b' "a:b"; do
		out=$("$NSSET" bind --registry "$REG" "$name" "$SPAWNED" 2>&1); rc=$?
		assert_ne 0 "$rc" "exit status for '$name'"
		assert_match "^nsset: bind .*(name|valid)" "$out" "message for '$name'"
	done
	assert_eq "$before" "$(nsfs_mounts_under "$TMPDIR_TEST")" "nsfs mounts (this test's: others run at the same time)"
	assert_eq "" "$(reg_entries)" "registry entries"
	# 64 bytes and every allowed character are fine.
	"$NSSET" bind --registry "$REG" "${long:1}" "$SPAWNED" uts || fail "64-byte name refused"
	"$NSSET" bind --registry "$REG" "Az09_.-x" "$SPAWNED" uts || fail "name with _ . - refused"
}

test_bind_unknown_pid_is_esrch() {
	sets_setup
	local out rc
	out=$("$NSSET" bind --registry "$REG" web 999999999 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: bind web: no such process" "$out" "message"
	out=$("$NSSET" bind --registry "$REG" web abc 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status for a bad pid"
	assert_contains "invalid pid 'abc'" "$out" "message"
	out=$("$NSSET" bind --registry "$REG" web $$ bogus 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status for a bad kind"
	assert_contains "unknown namespace kind 'bogus'" "$out" "message"
	assert_eq "" "$(reg_entries)" "registry entries"
}

test_bind_compiled_out_kind_is_einval() {
	kind_built pid && skip "pid namespaces are built in"
	sets_setup
	spawn_ns -f -p -u
	local out rc
	out=$("$NSSET" bind --registry "$REG" web "$SPAWNED" pid 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: bind web: pid namespaces are not built into this nsset (-Dpid_ns=false)" "$out" "message"
	assert_eq "" "$(reg_entries)" "registry entries"
}

test_bind_own_mount_namespace_is_refused_or_skipped() {
	sets_setup
	spawn_ns -f -u
	local out rc
	out=$("$NSSET" bind --registry "$REG" web "$SPAWNED" mnt 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_contains "nsset: bind web: pid $SPAWNED is in nsset's own mount namespace" "$out" "message"
	# By default the kinds it can hold: every one but that mount namespace.
	"$NSSET" bind --registry "$REG" web "$SPAWNED" || fail "bind failed"
	[[ ",$(meta_get web kinds)," != *",mnt,"* ]] || fail "the own mount namespace was bound"
	assert_eq "$(ns_ino "$SPAWNED" uts)" "$(stat -L -c %i "$REG/web/uts")" "uts held"
}

test_bind_other_users_process_is_eperm() {
	sets_setup
	spawn_ns -f -u
	chmod 755 "$TMPDIR_TEST"
	mkdir "$TMPDIR_TEST/xdg" && chown 65534:65534 "$TMPDIR_TEST/xdg"
	local out rc
	out=$(XDG_RUNTIME_DIR=$TMPDIR_TEST/xdg as_nobody "$NSSET" bind web "$SPAWNED" 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: bind web: cannot reach the namespaces of pid $SPAWNED: permission denied" "$out" "message"
	assert_eq "" "$(ls "$TMPDIR_TEST/xdg/nsset/sets" 2>/dev/null)" "nobody's registry"
}

test_set_outlives_the_process_that_made_it() {
	sets_setup
	spawn_ns -f -u -i -n
	local p=$SPAWNED want got
	want=$(ns_inodes "$p" uts ipc net)
	"$NSSET" bind --registry "$REG" web "$p" uts,ipc,net || fail "bind failed"
	kill -9 "$p"
	wait_for proc_gone "$p" || fail "the process did not exit"
	got=$("$NSSET" enter --registry "$REG" web -- sh -c \
		'for k in uts ipc net; do printf "%s=%s " $k $(stat -L -c %i /proc/self/ns/$k); done; echo')
	assert_eq "$want" "$got" "namespaces inside, entered after their last process exited"
}

test_netns_link_for_ip_netns() {
	sets_setup
	local name=nsset-test-$$ out rc
	spawn_ns -f -n
	"$NSSET" bind --registry "$REG" --netns-link "$name" "$SPAWNED" || fail "bind failed"
	defer "$NSSET release --registry $REG $name"
	assert_eq "$(ns_ino "$SPAWNED" net)" "$(stat -L -c %i "/run/netns/$name")" "/run/netns link"
	assert_eq "$(ns_ino "$SPAWNED" net)" "$(ip netns exec "$name" stat -L -c %i /proc/self/ns/net)" \
		"ip netns exec joins the set's network namespace"
	# A second set of that name in /run/netns: EBUSY, and nothing made.
	out=$("$NSSET" bind --registry "$REG" --netns-link other "$SPAWNED" uts 2>&1); rc=$?
	assert_ne 0 "$rc" "netns link without net"
	assert_contains "needs the network namespace" "$out" "message"
	"$NSSET" release --registry "$REG" "$name" || fail "release failed"
	[ ! -e "/run/netns/$name" ] || fail "/run/netns/$name left after release"
	assert_eq 0 "$(grep -c " /run/netns/$name " /proc/self/mountinfo)" "netns mount after release"
}

test_netns_link_taken_is_ebusy() {
	sets_setup
	local name=nsset-test-$$ out rc
	spawn_ns -f -n
	ip netns add "$name" || fail "ip netns add failed"
	defer "ip netns delete $name"
	out=$("$NSSET" bind --registry "$REG" --netns-link "$name" "$SPAWNED" 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: bind $name: a network namespace named $name exists in /run/netns" "$out" "message"
	assert_eq "" "$(reg_entries)" "registry entries"
	assert_eq 0 "$(nsfs_mounts_under "$REG")" "mounts left"
	assert_ne "$(ns_ino "$SPAWNED" net)" "$(stat -L -c %i "/run/netns/$name")" "ip's namespace untouched"
}

test_registry_on_a_shared_mount_is_made_private() {
	sets_setup
	# A registry on a shared mount: its set mounts would propagate into every mount namespace
	# copied from it.  nsset binds the registry onto itself and makes that private.
	mkdir -p "$TMPDIR_TEST/shared"
	mount -t tmpfs nsset-test "$TMPDIR_TEST/shared" || fail "tmpfs"
	defer "umount -R -l $TMPDIR_TEST/shared"
	mount --make-shared "$TMPDIR_TEST/shared"
	REG=$TMPDIR_TEST/shared/reg
	spawn_ns -f -u -n
	"$NSSET" bind --registry "$REG" web "$SPAWNED" uts,net || fail "bind failed"
	local line
	line=$(awk -v r="$REG" '$5 == r' /proc/self/mountinfo)
	[ -n "$line" ] || fail "the registry is not a mount of its own"
	[[ "$line" != *shared:* ]] || fail "the registry's mount is shared: $line"
	# A peer of the shared mount (a bind of it elsewhere) does not see the set's mounts.
	mkdir -p "$TMPDIR_TEST/peer"
	mount --bind "$TMPDIR_TEST/shared" "$TMPDIR_TEST/peer" || fail "bind peer"
	defer "umount -l $TMPDIR_TEST/peer"
	"$NSSET" bind --registry "$REG" db "$SPAWNED" uts || fail "second bind failed"
	assert_eq 0 "$(nsfs_mounts_under "$TMPDIR_TEST/peer")" "set mounts seen through a peer"
	assert_eq 3 "$(nsfs_mounts_under "$REG")" "set mounts in the registry"
	"$NSSET" release --registry "$REG" web db || fail "release failed"
	assert_eq 0 "$(nsfs_mounts_under "$TMPDIR_TEST/shared")" "mounts after release"
}
