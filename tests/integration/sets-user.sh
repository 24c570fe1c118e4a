# Named sets of an unprivileged user (nobody) in its own registry ($XDG_RUNTIME_DIR), and the
# boundary between users.
source "$SRC/tests/sets-lib.sh"

# nobody with its own runtime directory.
nobody_setup() {
	chmod 755 "$TMPDIR_TEST"
	XDG=$TMPDIR_TEST/xdg
	mkdir "$XDG" && chown 65534:65534 "$XDG"
	NREG=$XDG/nsset/sets
	defer nobody_cleanup
}
nobody_cleanup() {
	local d
	for d in "$NREG"/*/; do
		[ -d "$d" ] && as_nobody env XDG_RUNTIME_DIR="$XDG" "$NSSET" release "$(basename "$d")"
	done
}
nsset_nobody() { as_nobody env XDG_RUNTIME_DIR="$XDG" "$NSSET" "$@"; }
nmeta() { sed -n "s/^$2=//p" "$NREG/$1/meta"; }

test_nobody_makes_enters_and_releases_a_set() {
	nobody_setup
	nsset_nobody run --name u1 -U --map-root -m -u -n --hostname uhost || fail "run --name failed"
	[ -d "$NREG/u1" ] || fail "not in \$XDG_RUNTIME_DIR/nsset/sets"
	assert_eq 65534 "$(nmeta u1 owner)" "owner"
	local keeper k inside
	keeper=$(nmeta u1 keeper)
	assert_eq 65534 "$(stat -c %u "/proc/$keeper")" "the keeper runs as nobody"
	# Held by the keeper's descriptors (no mount: nobody cannot mount there).
	for k in mnt uts net user; do
		assert_eq "$(nmeta u1 "id.$k")" "$(stat -L -c %i "$NREG/u1/$k")" "$k held"
	done
	assert_eq 0 "$(nsfs_mounts_under "$NREG")" "no mount"
	inside=$(nsset_nobody enter u1 -- sh -c 'hostname; id -u; stat -L -c %i /proc/self/ns/uts /proc/self/ns/user')
	assert_eq "uhost"$'\n'"0"$'\n'"$(nmeta u1 id.uts)"$'\n'"$(nmeta u1 id.user)" "$inside" "inside: hostname, root, namespaces"
	assert_match "^u1 +mnt,uts,net,user " "$(nsset_nobody ls | grep '^u1')" "ls"
	nsset_nobody release u1 || fail "release failed"
	wait_for proc_gone "$keeper" || fail "the keeper is still running"
	[ ! -e "$NREG/u1" ] || fail "the set is left"
}

test_nobody_set_with_a_pid_namespace() {
	need_kind pid
	nobody_setup
	nsset_nobody run --name u2 -U --map-root -p -m --mount-proc || fail "run --name failed"
	local holder out
	holder=$(nmeta u2 holder)
	assert_eq 65534 "$(stat -c %u "/proc/$holder")" "the holder runs as nobody"
	out=$(nsset_nobody enter u2 -- sh -c 'cat /proc/1/comm; id -u; stat -L -c %i /proc/self/ns/pid')
	assert_eq "nsset-holder"$'\n'"0"$'\n'"$(nmeta u2 id.pid)" "$out" "inside"
	nsset_nobody release u2 || fail "release failed"
	wait_for proc_gone "$holder" || fail "the holder is still running"
}

test_nobody_set_outlives_its_process() {
	nobody_setup
	as_nobody unshare --kill-child -Ur -f -u -n sleep 1000 </dev/null >/dev/null 2>&1 &
	local u=$! p want got
	defer "kill -9 $u"
	wait_for pgrep -P "$u" >/dev/null || fail "no process"
	p=$(pgrep -P "$u")
	want=$(ns_inodes "$p" uts net user)
	nsset_nobody bind u3 "$p" uts,net,user || fail "bind failed"
	kill -9 "$u" "$p"
	wait_for proc_gone "$p" || fail "the process did not exit"
	got=$(nsset_nobody enter u3 -- sh -c \
		'for k in uts net user; do printf "%s=%s " $k $(stat -L -c %i /proc/self/ns/$k); done; echo')
	assert_eq "$want" "$got" "namespaces inside after the process exited"
}

test_nobody_entering_roots_set_is_eperm_and_joins_nothing() {
	nobody_setup
	sets_setup
	spawn_ns -f -u -n -i
	local p=$SPAWNED out rc before after
	"$NSSET" bind --registry "$REG" web "$p" || fail "bind failed"
	out=$(as_nobody "$NSSET" enter --registry "$REG" web -- true 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status"
	assert_eq "nsset: enter web: the set belongs to uid 0; only it and root may enter it" "$out" "message"
	out=$(as_nobody "$BUILD/tests/enter-try" "$REG" web)
	assert_eq "result -1 the set belongs to uid 0; only it and root may enter it" "$(grep ^result <<<"$out")" "library"
	before=$(sed -n 's/^before//p' <<<"$out")
	after=$(sed -n 's/^after//p' <<<"$out")
	assert_eq "$before" "$after" "nobody's namespaces"
	# By pid: the kernel says no.
	out=$(as_nobody "$NSSET" enter "$p" -- true 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status by pid"
	assert_eq "nsset: enter $p: permission denied" "$out" "message by pid"
}

test_root_enters_nobodys_set() {
	nobody_setup
	nsset_nobody run --name u4 -U --map-root -u -n --hostname nb || fail "run --name failed"
	# Root joins a set whose namespaces belong to nobody's user namespace (user last).
	local out
	out=$("$NSSET" enter --registry "$NREG" u4 -- sh -c 'hostname; stat -L -c %i /proc/self/ns/user')
	assert_eq "nb"$'\n'"$(nmeta u4 id.user)" "$out" "root inside nobody's set"
}

test_nobody_sigkill_at_every_step_of_bind() {
	need_test_hooks
	nobody_setup
	as_nobody unshare --kill-child -Ur -f -u -n sleep 1000 </dev/null >/dev/null 2>&1 &
	local u=$! p step rc i=0 name tag k
	defer "kill -9 $u"
	wait_for pgrep -P "$u" >/dev/null || fail "no process"
	p=$(pgrep -P "$u")
	# $u is the shell running as_nobody in the background: kill unshare (p) too, whose child
	# dies with it (--kill-child).
	defer "kill -9 $p"
	for step in tmpdir hold-uts hold-net hold-user meta keeper committing renamed; do
		i=$((i + 1))
		name=k$i
		tag=$$-k$i
		NSSET_TEST_TAG=$tag NSSET_TEST_KILL_AT=$step nsset_nobody bind "$name" "$p" uts,net,user; rc=$?
		assert_eq 137 "$rc" "killed at $step"
		nsset_nobody ls >/dev/null || fail "ls after a kill at $step"
		if [ "$step" = renamed ]; then
			for k in uts net user; do
				assert_eq "$(ns_ino "$p" $k)" "$(stat -L -c %i "$NREG/$name/$k")" "$k held after $step"
			done
			assert_eq "$(nmeta "$name" keeper)" "$(tagged "$tag")" "the keeper of the whole set"
			nsset_nobody release "$name" || fail "release"
		else
			[ ! -e "$NREG/$name" ] || fail "a set after a kill at $step"
		fi
		wait_for no_tagged "$tag" || fail "a keeper is left after a kill at $step"
		assert_eq "" "$(ls -A "$NREG" | grep -v -x -e '~lock' | tr '\n' ' ')" "registry after $step"
	done
}

test_nobody_keeper_is_nobodys_child() {
	nobody_setup
	# The command runs in nsset's place (no pid namespace): a keeper that were nsset's child
	# would be the command's child.  The command reports its pid and the keeper's parent.
	local out
	out=$(as_nobody env XDG_RUNTIME_DIR="$XDG" "$NSSET" run --name u5 -U --map-root -u -- \
		sh -c 'k=$(sed -n "s/^keeper=//p" '"$NREG"'/u5/meta); echo $$ $(cut -d" " -f4 /proc/$k/stat)')
	local me=${out% *} parent=${out#* }
	assert_match '^[0-9]+$' "$parent" "the keeper's parent"
	assert_ne "$me" "$parent" "the keeper's parent is the command"
	kill -0 "$(nmeta u5 keeper)" || fail "the keeper is gone"
}
