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

# -Dstatic=enabled (the default where possible): one file that loads no shared library (no NEEDED entry, no interpreter), and
# still makes every kind of namespace, brings the loopback up, and runs an OCI container.
test_static_build_needs_no_shared_library() {
	command -v meson >/dev/null && command -v ninja >/dev/null || skip "no meson/ninja"
	[ -e "$(cc -print-file-name=libc.a)" ] || skip "no static libc (libc6-dev)"
	local dir=$TMPDIR_TEST/build-static nsset out b=$TMPDIR_TEST/bundle rc
	meson setup -Dstatic=enabled -Dtests=false "$dir" "$SRC" >"$TMPDIR_TEST/setup.log" 2>&1 ||
		{ cat "$TMPDIR_TEST/setup.log"; fail "meson setup -Dstatic=enabled failed"; }
	ninja -C "$dir" -j2 cli/nsset >"$TMPDIR_TEST/build.log" 2>&1 ||
		{ tail -20 "$TMPDIR_TEST/build.log"; fail "the -Dstatic=enabled build failed"; }
	nsset=$dir/cli/nsset
	assert_eq 0 "$(readelf -d "$nsset" | grep -c NEEDED)" "shared libraries needed"
	readelf -l "$nsset" | grep -q 'INTERP' && fail "a program interpreter is asked for"
	out=$("$nsset" run -Upmnui --map-root --mount-proc -- sh -c \
		'stat -L -c %i /proc/self/ns/net; cat /proc/self/uid_map; echo $$; ip -o link show lo') ||
		fail "run failed: $out"
	mapfile -t lines <<<"$out"
	assert_ne "$(ns_ino $$ net)" "${lines[0]}" "network namespace"
	assert_match "^ +0 +$(id -u) +1$" "${lines[1]}" "uid map"
	assert_eq 2 "${lines[2]}" "pid of the command (the init is 1)"
	assert_contains "LOOPBACK,UP" "${lines[3]}" "loopback"
	# The OCI runtime too.
	mkdir -p "$b"
	(cd "$b" && "$nsset" spec) || fail "spec"
	sed -i -e 's|"terminal": true|"terminal": false|' -e "s|\"path\": \"rootfs\"|\"path\": \"$ROOTFS\"|" \
		-e 's|"args": \[ "sh" \]|"args": [ "sh", "-c", "test $$ = 1 \&\& test -c /dev/null \&\& exit 7" ]|' \
		"$b/config.json"
	"$nsset" --root "$TMPDIR_TEST/state" run --bundle "$b" static-oci </dev/null >/dev/null 2>&1; rc=$?
	assert_eq 7 "$rc" "exit status of the OCI run"
	[ ! -e "$TMPDIR_TEST/state/static-oci" ] || fail "state left behind"
	[ ! -e /sys/fs/cgroup/pids/nsset-static-oci ] || fail "cgroup left behind"
}
