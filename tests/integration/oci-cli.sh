# The OCI command line itself: spec, features, --version, `nsset oci VERB`, usage errors.
source "$SRC/tests/oci-lib.sh"

test_spec_writes_a_config_that_runs() {
	local b=$TMPDIR_TEST/b out rc
	mkdir -p "$b"
	(cd "$b" && "$NSSET" spec) || fail "spec"
	jq -e '.process.args == ["sh"] and .root.path == "rootfs" and (.mounts | length) == 7 and
		(.linux.maskedPaths | index("/proc/kcore")) != null' "$b/config.json" >/dev/null ||
		fail "spec content: $(cat "$b/config.json")"
	out=$(cd "$b" && "$NSSET" spec 2>&1); rc=$?
	assert_ne 0 "$rc" "spec over an existing config.json"
	assert_contains "nsset: spec ./config.json: file exists" "$out" "message"
	"$NSSET" spec --bundle "$TMPDIR_TEST/none" 2>/dev/null && fail "spec into a missing directory"
	mkdir -p "$TMPDIR_TEST/r"
	"$NSSET" spec --rootless --bundle "$TMPDIR_TEST/r" || fail "spec --rootless"
	jq -e '.linux.uidMappings[0].hostID == 0 and (.linux.namespaces | map(.type) | index("user")) != null' \
		"$TMPDIR_TEST/r/config.json" >/dev/null || fail "rootless spec"
	# The spec's config runs (with /bin/true and no terminal).
	oci_bundle "$TMPDIR_TEST/t" '[ "/bin/true" ]'
	oci run -b "$TMPDIR_TEST/t" sp </dev/null || fail "running the spec's config"
}

test_features_and_version() {
	local f
	f=$("$NSSET" features) || fail "features"
	jq -e '.ociVersionMin == "1.0.0" and (.hooks | length) == 6 and
		(.mountOptions | index("rbind")) != null and (.linux.namespaces | index("network")) != null and
		(.linux.capabilities | index("CAP_SYS_ADMIN")) != null and
		(.linux.seccomp.actions | index("SCMP_ACT_ERRNO")) != null and .linux.cgroup.rdma == true and
		.linux.netDevices.enabled == true and .linux.intelRdt.enabled == false and
		(.linux.memoryPolicy.modes | index("MPOL_BIND")) != null' <<<"$f" >/dev/null ||
		fail "features: $f"
	kind_built pid || ! jq -e '.linux.namespaces | index("pid")' <<<"$f" >/dev/null || fail "features lists pid"
	assert_match $'\noci: yes\n' "$("$NSSET" --version)" "--version"
	assert_match 'oci-parts: .*seccomp' "$("$NSSET" --version)" "--version parts"
}

test_oci_verb_form_and_usage_errors() {
	local out rc
	out=$("$NSSET" oci features) || fail "nsset oci features"
	assert_contains '"ociVersionMax"' "$out"
	out=$("$NSSET" oci frob 2>&1); rc=$?
	assert_ne 0 "$rc" "unknown OCI verb"
	assert_contains "nsset: oci frob: unknown OCI verb" "$out"
	out=$(oci create 2>&1); rc=$?
	assert_ne 0 "$rc" "create without an id"
	assert_contains "nsset: create: usage" "$out"
	out=$(oci create --bogus x 2>&1); rc=$?
	assert_eq 2 "$rc" "unknown option"
	assert_eq "nsset: create: unknown option '--bogus' (see 'nsset create --help')" "$out" "unknown option"
	# Each verb's bad options, in the form of every verb ("nsset: VERB: ..."), not getopt's.
	local args want
	while IFS='|' read -r args want; do
		out=$(oci $args 2>&1); rc=$?
		assert_eq 2 "$rc" "exit status of '$args'"
		assert_eq "$want" "$out" "message of '$args'"
	done <<'EOF'
create --no-pivot=1 x|nsset: create: option '--no-pivot=1' takes no argument
create -b|nsset: create: option '-b' needs an argument
run --pid-file|nsset: run: option '--pid-file' needs an argument
run -q x|nsset: run: unknown option '-q' (see 'nsset run --help')
delete --force=yes x|nsset: delete: option '--force=yes' takes no argument
delete --bogus x|nsset: delete: unknown option '--bogus' (see 'nsset delete --help')
kill --signal|nsset: kill: option '--signal' needs an argument
kill --bogus x|nsset: kill: unknown option '--bogus' (see 'nsset kill --help')
exec --tty=1 x true|nsset: exec: option '--tty=1' takes no argument
exec --bogus x true|nsset: exec: unknown option '--bogus' (see 'nsset exec --help')
list --format|nsset: list: option '--format' needs an argument
ps -z x|nsset: ps: unknown option '-z' (see 'nsset ps --help')
spec --bogus|nsset: spec: unknown option '--bogus' (see 'nsset spec --help')
EOF
	out=$(oci create --preserve-fds x y 2>&1); rc=$?
	assert_ne 0 "$rc" "bad --preserve-fds"
	assert_contains "not a number of descriptors" "$out"
	out=$(oci kill 2>&1); rc=$?
	assert_ne 0 "$rc" "kill without an id"
	out=$(oci list --format yaml 2>&1); rc=$?
	assert_ne 0 "$rc" "list --format yaml"
	assert_contains "unknown format" "$out"
	oci_expect_error "exec --user x" "nsset: exec: --user x: must be UID[:GID]" exec --user x y true
	oci_expect_error "exec --cwd rel" "nsset: exec: --cwd rel: must be an absolute path" exec --cwd rel y true
	assert_eq "" "$(ls "$TMPDIR_TEST/state" 2>/dev/null)" "state after bad input"
}
