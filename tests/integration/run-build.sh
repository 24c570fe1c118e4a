# Build options: a build without namespace support (-Dnamespaces=false, the seeds'
# CONFIG_NAMESPACES=n) still builds, runs a command, and refuses every kind with EINVAL.
# (The build with pid_ns=false is tested by the whole suite in build-nopid.)

test_no_namespaces_build_refuses_every_kind() {
	command -v meson >/dev/null && command -v ninja >/dev/null || skip "no meson/ninja"
	local dir=$TMPDIR_TEST/build-nons out rc kind opt
	meson setup -Dnamespaces=false -Doci=false -Dtests=false "$dir" "$SRC" >"$TMPDIR_TEST/setup.log" 2>&1 ||
		{ cat "$TMPDIR_TEST/setup.log"; fail "meson setup -Dnamespaces=false failed"; }
	ninja -C "$dir" -j1 cli/nsset >"$TMPDIR_TEST/build.log" 2>&1 ||
		{ tail -20 "$TMPDIR_TEST/build.log"; fail "the -Dnamespaces=false build failed"; }
	local nsset=$dir/cli/nsset
	assert_contains "namespaces: none" "$("$nsset" --version)" "--version"
	# No libmnl without network namespaces.
	[[ $(ldd "$nsset") != *libmnl* ]] || fail "libmnl linked without network namespaces"
	# A plain command still runs, in the caller's namespaces.
	out=$("$nsset" run -- sh -c 'stat -L -c %i /proc/self/ns/mnt') || fail "plain run failed"
	assert_eq "$(ns_ino $$ mnt)" "$out" "mount namespace of a plain run"
	declare -A long=([mnt]=mount [uts]=UTS [ipc]=IPC [pid]=pid [net]=network [user]=user [cgroup]=cgroup [time]=time)
	for kind in mnt uts ipc pid net user cgroup time; do
		opt=--$kind; [ "$kind" = mnt ] && opt=--mount
		out=$("$nsset" run "$opt" -- true 2>&1); rc=$?
		assert_eq 125 "$rc" "exit status of run $opt"
		assert_eq "nsset: run: ${long[$kind]} namespaces are not built into this nsset (-Dnamespaces=false)" "$out" "message of run $opt"
	done
	# --all is every kind this nsset has: none.
	out=$("$nsset" run --all -- sh -c 'stat -L -c %i /proc/self/ns/uts') || fail "run --all failed"
	assert_eq "$(ns_ino $$ uts)" "$out" "uts namespace with --all"
}
