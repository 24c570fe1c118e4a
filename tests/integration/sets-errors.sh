# Bad input for every verb of named sets (run --name, bind, enter, ls, release): a message
# "nsset: VERB[ OBJECT]: CAUSE", a non-zero exit, and nothing changed: the registry's entries,
# the nsfs mounts under it, /run/netns, the default registry, this nsset's processes.
source "$SRC/tests/sets-lib.sh"

# What a failed verb could have changed (look only at what this nsset could have made: other
# programs mount and run at the same time).
state() {
	echo "reg=$(cd "$REG" 2>/dev/null && find . | sort | tr '\n' ' ')"
	echo "nsfs=$(nsfs_mounts_under "$REG")"
	echo "netns=$(ls -A /run/netns 2>/dev/null | grep -c -x -e web -e bad -e 'a.b' || true)"
	echo "default=$(ls -A /run/nsset/sets 2>/dev/null | grep -c -x -e web -e bad || true)"
	echo "procs=$(pgrep -c -f "^$NSSET( |$)" || true)"
	echo "file=$(cat "$TMPDIR_TEST/file")"
}

# expect_bad STATUS MESSAGE-REGEX VERB ARGS...: the exit status (any non-zero with '!'), the
# message and the state afterwards.
expect_bad() {
	local want=$1 msg=$2 out rc before; shift 2
	before=$(state)
	out=$("$NSSET" "$@" 2>&1 </dev/null); rc=$?
	if [ "$want" = '!' ]; then
		assert_ne 0 "$rc" "exit status of nsset $*"
	else
		assert_eq "$want" "$rc" "exit status of nsset $*"
	fi
	out=$(head -n1 <<<"$out")
	assert_match "$msg" "$out" "message of nsset $*"
	assert_eq "$before" "$(state)" "state after nsset $*"
}

# A registry with one set (web, of a sleeping process's uts and net) and a plain file.
setup_bad() {
	sets_setup
	echo unchanged >"$TMPDIR_TEST/file"
	spawn_ns -f -u -n
	"$NSSET" bind --registry "$REG" web "$SPAWNED" uts,net || fail "bind failed"
	LONG=$(printf 'x%.0s' {1..65})
}

test_bind_bad_input() {
	setup_bad
	local p=$SPAWNED
	expect_bad 2 "^nsset: bind: needs a NAME and a PID$" bind --registry "$REG"
	expect_bad 2 "^nsset: bind bad: needs a NAME and a PID$" bind --registry "$REG" bad
	expect_bad 2 "^nsset: bind: unknown option '--bogus' \(see 'nsset bind --help'\)$" bind --registry "$REG" --bogus bad "$p"
	expect_bad 2 "^nsset: bind: unknown option '-x' \(see 'nsset bind --help'\)$" bind --registry "$REG" -x bad "$p"
	expect_bad 2 "^nsset: bind: option '--registry' needs an argument$" bind bad "$p" --registry
	expect_bad 2 "^nsset: bind bad: invalid pid '12x'$" bind --registry "$REG" bad 12x
	expect_bad 2 "^nsset: bind bad: invalid pid '-1'$" bind --registry "$REG" bad -- -1
	expect_bad 2 "^nsset: bind bad: invalid pid '0'$" bind --registry "$REG" bad 0
	expect_bad 2 "^nsset: bind bad: unknown namespace kind 'bogus'$" bind --registry "$REG" bad "$p" bogus
	expect_bad 2 "^nsset: bind bad: unknown namespace kind 'net,'$" bind --registry "$REG" bad "$p" net,
	expect_bad 1 "^nsset: bind a/b: invalid character in set name" bind --registry "$REG" a/b "$p"
	expect_bad 1 "^nsset: bind $LONG: a set's name is at most 64 bytes" bind --registry "$REG" "$LONG" "$p"
	expect_bad 1 "^nsset: bind web: a set named web exists$" bind --registry "$REG" web "$p"
	expect_bad 1 "^nsset: bind bad: no such process$" bind --registry "$REG" bad 999999999
	expect_bad 1 "^nsset: bind bad: .*[Nn]ot a directory" bind --registry "$TMPDIR_TEST/file" bad "$p"
	expect_bad 1 "^nsset: bind bad: .*[Nn]ot a directory" bind --registry "$TMPDIR_TEST/file/sub" bad "$p"
}

test_enter_bad_input() {
	setup_bad
	expect_bad 2 "^nsset: enter: needs a set NAME or a PID$" enter --registry "$REG"
	expect_bad 2 "^nsset: enter: needs a set NAME or a PID$" enter --registry "$REG" -- true
	expect_bad 2 "^nsset: enter: unknown option '--bogus' \(see 'nsset enter --help'\)$" enter --registry "$REG" --bogus web true
	expect_bad 2 "^nsset: enter: unknown option '-x' \(see 'nsset enter --help'\)$" enter --registry "$REG" -x web true
	expect_bad 2 "^nsset: enter: option '--preserve-fds' needs an argument$" enter --registry "$REG" --preserve-fds
	local g
	for g in zz '' -1 1x 99999999999 ' 1'; do
		expect_bad 2 "^nsset: enter: invalid --preserve-fds '$g'$" enter --registry "$REG" --preserve-fds "$g" web true
	done
	expect_bad 1 "^nsset: enter bad: no such set$" enter --registry "$REG" bad true
	expect_bad 1 "^nsset: enter 12x: no such set$" enter --registry "$REG" 12x true
	expect_bad 1 "^nsset: enter 999999999: no such process$" enter --registry "$REG" 999999999 true
	expect_bad 1 "^nsset: enter a/b: invalid character in set name" enter --registry "$REG" a/b true
	expect_bad 1 "^nsset: enter $LONG: a set's name is at most 64 bytes" enter --registry "$REG" "$LONG" true
	expect_bad 1 "^nsset: enter web: the set has no ipc namespace" enter --registry "$REG" web ipc -- true
	expect_bad 1 "^nsset: enter web: no such set \(the registry $TMPDIR_TEST/file is not a directory\)$" enter --registry "$TMPDIR_TEST/file" web true
	expect_bad 1 "^nsset: enter web: no such set$" enter --registry "$TMPDIR_TEST/missing" web true
	# The first word that names no kind starts the command: a misspelt kind is not run as
	# anything else than a command that is not found (127), and nothing was joined outside.
	expect_bad 127 "^nsset: enter web: .*nett" enter --registry "$REG" web nett -- true
}

test_release_bad_input() {
	setup_bad
	expect_bad 2 "^nsset: release: needs a NAME$" release --registry "$REG"
	expect_bad 2 "^nsset: release: unknown option '--bogus' \(see 'nsset release --help'\)$" release --registry "$REG" --bogus web
	expect_bad 1 "^nsset: release bad: no such set$" release --registry "$REG" bad
	expect_bad 1 "^nsset: release a/b: invalid character in set name" release --registry "$REG" a/b
	expect_bad 1 "^nsset: release $LONG: a set's name is at most 64 bytes" release --registry "$REG" "$LONG"
	expect_bad 1 "^nsset: release web: .*[Nn]ot a directory" release --registry "$TMPDIR_TEST/file" web
	expect_bad 1 "^nsset: release web: no such set$" release --registry "$TMPDIR_TEST/missing" web
	expect_bad 1 "^nsset: release \.\.: " release --registry "$REG" ..
}

test_ls_bad_input() {
	setup_bad
	expect_bad 2 "^nsset: ls extra: unexpected argument$" ls --registry "$REG" extra
	expect_bad 2 "^nsset: ls: unknown option '--bogus' \(see 'nsset ls --help'\)$" ls --registry "$REG" --bogus
	expect_bad 2 "^nsset: ls: option '--registry' needs an argument$" ls --registry
	expect_bad 1 "^nsset: ls: .*[Nn]ot a directory" ls --registry "$TMPDIR_TEST/file"
}

test_run_name_bad_input() {
	setup_bad
	expect_bad 125 "^nsset: run a/b: invalid character in set name" run --registry "$REG" --name a/b -u
	expect_bad 125 "^nsset: run $LONG: a set's name is at most 64 bytes" run --registry "$REG" --name "$LONG" -u
	expect_bad 125 "^nsset: run web: a set named web exists$" run --registry "$REG" --name web -u
	expect_bad 125 "^nsset: run: unknown option '--bogus'" run --registry "$REG" --name bad --bogus
	expect_bad 125 "^nsset: run: option '--name' needs an argument$" run --registry "$REG" -u --name
	expect_bad 125 "^nsset: run: --netns-link and --registry need --name$" run --registry "$REG" -u
	expect_bad 125 "^nsset: run bad: .*[Nn]ot a directory" run --registry "$TMPDIR_TEST/file" --name bad -u
	expect_bad 125 "^nsset: run bad: .*[Nn]ot a directory" run --registry "$TMPDIR_TEST/file/sub" --name bad -u
	expect_bad 125 "^nsset: run: --hostname needs a new UTS namespace \(-u\)$" run --registry "$REG" --name bad -n --hostname h
	expect_bad 125 "^nsset: run bad: " run --registry "$REG" --name bad -m --root "$TMPDIR_TEST/missing"
}

# The default registry (no --registry): the same refusals leave /run/nsset/sets unchanged.
test_default_registry_bad_input() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	setup_bad
	expect_bad 1 "^nsset: enter bad: no such set$" enter bad true
	expect_bad 1 "^nsset: release bad: no such set$" release bad
	expect_bad 1 "^nsset: bind bad: no such process$" bind bad 999999999
	expect_bad 2 "^nsset: bind bad: invalid pid 'x'$" bind bad x
}
