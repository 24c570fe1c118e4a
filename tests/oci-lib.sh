# Helpers for the OCI tests (sourced by tests/integration/oci-*.sh).
# Every test keeps its state under $TMPDIR_TEST/state (--root), so nothing reaches /run.

OCI_STATE() { echo "$TMPDIR_TEST/state"; }
oci() { "$NSSET" --root "$TMPDIR_TEST/state" "$@"; }

# oci_bundle DIR ARGS_JSON [ROOTFS]: a bundle from `nsset spec`, no terminal, the given args,
# root.path = ROOTFS (default $ROOTFS, read-only).
oci_bundle() {
	local dir=$1 args=$2 rootfs=${3:-$ROOTFS} d=$'\001'
	mkdir -p "$dir"
	(cd "$dir" && "$NSSET" spec) || fail "spec failed"
	args=${args//\\/\\\\}
	args=${args//&/\\&}
	sed -i -e 's|"terminal": true|"terminal": false|' \
		-e "s${d}\"args\": \\[ \"sh\" \\]${d}\"args\": $args${d}" \
		-e "s|\"path\": \"rootfs\"|\"path\": \"$rootfs\"|" "$dir/config.json"
	! grep -q '"args": \[ "sh" \]' "$dir/config.json" || [ "$args" = '[ "sh" ]' ] || fail "oci_bundle: args not set"
}

# oci_edit DIR SED-EXPRESSION: change the bundle's config.json.
oci_edit() { sed -i -e "$2" "$1/config.json"; }

# oci_jq DIR [JQ-OPTIONS...] JQ-PROGRAM: change the bundle's config.json.
oci_jq() {
	local d=$1
	shift
	jq "$@" "$d/config.json" >"$d/config.json.new" && mv "$d/config.json.new" "$d/config.json" ||
		fail "jq $*"
}

# The pid of a container, from `state`.
oci_pid() { oci state "$1" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p'; }
oci_status() { oci state "$1" 2>/dev/null | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }

# create ID in the background-safe way (the container keeps our stdio otherwise).
oci_create() { # BUNDLE ID [OPTIONS...]
	local b=$1 id=$2
	shift 2
	oci create --bundle "$b" "$@" "$id" </dev/null >"$TMPDIR_TEST/$id.out" 2>"$TMPDIR_TEST/$id.err"
}

# oci_sleeper ID [JQ]: a created container running `sleep 1000` from a bundle of its own
# ($TMPDIR_TEST/b-ID) changed by the jq program JQ if given, deleted at the test's end; its pid
# into $PID.
oci_sleeper() {
	local b=$TMPDIR_TEST/b-$1
	oci_bundle "$b" '[ "sleep", "1000" ]'
	[ -z "${2:-}" ] || oci_jq "$b" "$2"
	oci_defer_delete "$1"
	oci_create "$b" "$1" || fail "create $1: $(cat "$TMPDIR_TEST/$1.err")"
	PID=$(oci_pid "$1")
	[ -n "$PID" ] || fail "no pid for $1"
}

# oci_userns DIR: a new user namespace in the bundle, root mapped to 200000 (uids) and 300000
# (gids), 65536 ids each; /sys/fs/cgroup a tmpfs (no host cgroup is bound into it).
oci_userns() {
	oci_edit "$1" 's|{ "type": "mount" }|{ "type": "mount" }, { "type": "user" }|'
	oci_edit "$1" 's|"namespaces": \[|"uidMappings": [ { "containerID": 0, "hostID": 200000, "size": 65536 } ], "gidMappings": [ { "containerID": 0, "hostID": 300000, "size": 65536 } ], "namespaces": [|'
	oci_edit "$1" 's|"/sys/fs/cgroup", "type": "cgroup"|"/sys/fs/cgroup", "type": "tmpfs"|'
}

# `oci ARGS...` must fail (non-zero) with WANT in its output.
oci_expect_error() { # WHAT WANT ARGS...
	local what=$1 want=$2 out rc
	shift 2
	out=$(oci "$@" </dev/null 2>&1); rc=$?
	assert_ne 0 "$rc" "exit status of $what"
	assert_contains "$want" "$out" "message of $what"
}

# The container's directory in the v1 hierarchy of CONTROLLER, from /proc/PID/cgroup.
oci_cg_dir() { # PID CONTROLLER
	local rel
	rel=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/"$1"/cgroup)
	[ -n "$rel" ] || fail "process $1 has no $2 cgroup: $(cat /proc/"$1"/cgroup)"
	local d
	for d in /sys/fs/cgroup/"$2" /sys/fs/cgroup/*"$2"*; do
		[ -d "$d$rel" ] && { echo "$d$rel"; return; }
	done
	fail "no directory for the $2 cgroup $rel"
}

# The container's directory in the cgroup v2 hierarchy (hybrid: /sys/fs/cgroup/unified).
oci_cg2_dir() { # PID
	local rel mnt
	rel=$(sed -n 's/^0:://p' /proc/"$1"/cgroup)
	mnt=$(awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
	[ -n "$rel" ] && [ -n "$mnt" ] && [ -d "$mnt$rel" ] || fail "process $1 has no v2 cgroup"
	echo "$mnt$rel"
}

# create of BUNDLE as ID must fail with WANT in its message and leave nothing (its output goes
# to a file: a container created by mistake would hold a pipe open).
oci_create_refused() { # BUNDLE ID WANT WHAT
	local rc
	oci create --bundle "$1" "$2" </dev/null >"$TMPDIR_TEST/refused.out" 2>&1; rc=$?
	assert_ne 0 "$rc" "create with $4"
	assert_contains "nsset: create $2: $3" "$(cat "$TMPDIR_TEST/refused.out")" "message for $4"
	oci_assert_gone "$2"
}

# Delete a container when the test ends, whatever happened.
oci_defer_delete() { defer "\"$NSSET\" --root \"$TMPDIR_TEST/state\" delete --force $1"; }

# The pid of ID's container process as its state file has it (readable while a create holds
# the lock), into $PID.
oci_state_pid() { # ID
	PID=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$TMPDIR_TEST/state/$1/state.json")
	[ -n "$PID" ] && [ "$PID" -gt 0 ] || fail "no container pid in the state of $1"
}

# After the create of ID was killed: its container process PID (when the state had one yet)
# exits by itself (it sees the sync socket close), the container is stopped, and delete --force
# leaves nothing.
oci_killed_create_cleans_up() { # ID [PID]
	[ -z "${2:-}" ] || wait_for sh -c "! kill -0 $2 2>/dev/null || grep -q '^State:.*Z' /proc/$2/status" ||
		fail "the container process outlived its killed create"
	assert_eq stopped "$(oci_status "$1")" "status of the half-made $1"
	oci delete --force "$1" || fail "delete --force $1"
	oci_assert_gone "$1" "${2:-}"
}

# No state, cgroup or process left for ID.
oci_assert_gone() { # ID [PID]
	[ ! -e "$TMPDIR_TEST/state/$1" ] || fail "state of $1 left behind"
	local d
	for d in /sys/fs/cgroup/*/nsset-"$1" /sys/fs/cgroup/nsset-"$1"; do
		[ ! -e "$d" ] || fail "cgroup $d left behind"
	done
	if [ -n "${2:-}" ]; then
		wait_for sh -c "! kill -0 $2 2>/dev/null || grep -q '^State:.*Z' /proc/$2/status" ||
			fail "process $2 left behind"
	fi
}
