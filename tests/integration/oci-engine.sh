# The OCI engine end to end (issue 4 review): /dev/console is the pty, idmapped mounts, the
# seccomp agent on listenerPath, exec --cap, bad input for exec/pause/--root, and state,
# features and spec output against the spec's JSON schemas.  Everything through `nsset`.
source "$SRC/tests/oci-lib.sh"

PEER=$BUILD/tests/oci-fd-peer
SCHEMA=/work/shared/oci-runtime-spec/schema
SCHEMA_CHECK=$SRC/tests/helpers/oci-schema-check.py

# The processes of a container's cgroup (pids controller), sorted.
procs_of() { sort "/sys/fs/cgroup/pids/nsset-$1/cgroup.procs"; }

test_console_is_the_containers_pty() {
	local b=$TMPDIR_TEST/b out rc
	oci_bundle "$b" '[ "sh", "-c", "tty; stat -c con=%t:%T /dev/console; stat -L -c fd0=%t:%T /proc/self/fd/0; grep \" /dev/console \" /proc/self/mountinfo; exit 5" ]'
	oci_jq "$b" '.process.terminal = true | .process.consoleSize = {"height": 31, "width": 97}'
	out=$(timeout 60 "$PEER" console "$TMPDIR_TEST/cs" -- "$NSSET" --root "$TMPDIR_TEST/state" \
		run --console-socket "$TMPDIR_TEST/cs" -b "$b" ct </dev/null 2>"$TMPDIR_TEST/err"); rc=$?
	out=${out//$'\r'/}
	assert_eq 5 "$rc" "exit status through the console socket: $(cat "$TMPDIR_TEST/err")"
	# As runc: the process's terminal is the pty, /dev/pts/0 of the container's devpts.
	assert_eq /dev/pts/0 "$(head -n 1 <<<"$out")" "tty inside"
	local con fd0
	con=$(sed -n 's/^con=//p' <<<"$out")
	fd0=$(sed -n 's/^fd0=//p' <<<"$out")
	assert_eq 88:0 "$con" "/dev/console is pty 136:0"
	assert_eq "$fd0" "$con" "/dev/console is the device of the process's stdin"
	assert_match '^[0-9]+ [0-9]+ [0-9:]+ /0 /dev/console .* - devpts ' "$(grep ' /dev/console ' <<<"$out")" \
		"/dev/console bound from pts 0 of the container's devpts"
	oci_assert_gone ct
}

test_console_size_and_controlling_terminal() {
	local b=$TMPDIR_TEST/b out
	oci_bundle "$b" '[ "sh", "-c", "stty size; cat /proc/self/stat" ]'
	oci_jq "$b" '.process.terminal = true | .process.consoleSize = {"height": 31, "width": 97}'
	out=$(timeout 60 "$PEER" console "$TMPDIR_TEST/cs" -- "$NSSET" --root "$TMPDIR_TEST/state" \
		run --console-socket "$TMPDIR_TEST/cs" -b "$b" cz </dev/null 2>"$TMPDIR_TEST/err") ||
		fail "run: $(cat "$TMPDIR_TEST/err")"
	out=${out//$'\r'/}
	assert_eq "31 97" "$(head -n 1 <<<"$out")" "consoleSize"
	# /proc/self/stat of cat (sh execs it: the container's process): field 7 tty_nr is the
	# pty (major 136, minor 0: 34816), field 6 the session is its own pid (it leads it).
	local stat
	stat=$(tail -n 1 <<<"$out" | sed 's/.*) //')
	assert_eq 34816 "$(awk '{ print $5 }' <<<"$stat")" "controlling terminal (tty_nr)"
	assert_eq "$(tail -n 1 <<<"$out" | cut -d' ' -f1)" "$(awk '{ print $4 }' <<<"$stat")" "session leader"
}

test_terminal_without_console_socket_is_refused() {
	local b=$TMPDIR_TEST/b out rc
	oci_bundle "$b" '[ "true" ]'
	oci_jq "$b" '.process.terminal = true'
	out=$(oci create -b "$b" nt </dev/null 2>&1); rc=$?
	assert_ne 0 "$rc" "create with a terminal and no console socket"
	assert_contains "nsset: create nt: process.terminal is true: --console-socket is required" "$out"
	oci_assert_gone nt
	out=$(oci create -b "$b" --console-socket "$TMPDIR_TEST/nobody-listens" nt </dev/null 2>&1); rc=$?
	assert_ne 0 "$rc" "create with a console socket nobody listens on"
	assert_contains "nsset: create nt: cannot connect to the console socket $TMPDIR_TEST/nobody-listens" "$out"
	oci_assert_gone nt
	assert_eq "" "$(oci list -q)" "containers"
}

test_idmapped_bind_mount_through_the_engine() {
	need_kind user
	need_kind pid # proc in a user namespace needs a pid namespace of its own
	local b=$TMPDIR_TEST/b v=$TMPDIR_TEST/vol out
	# The container's root is host uid 100000: it must be able to reach the volume.
	chmod 755 "$TMPDIR_TEST"
	mkdir -p "$v"
	touch "$v/f"
	chown 0:0 "$v" "$v/f"
	chmod 755 "$v"
	oci_bundle "$b" '[ "sh", "-c", "readlink /proc/self/ns/user; stat -c \"%n %u:%g\" /root/f /var/tmp/f; touch /root/made-inside && echo idmapped-write-ok; touch /var/tmp/plain-write 2>/dev/null || echo plain-write-refused; grep -E \" /(root|var/tmp) \" /proc/self/mountinfo" ]'
	oci_jq "$b" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts += [{"destination": "/root", "type": "bind", "source": "'"$v"'", "options": ["bind", "idmap"]},
			      {"destination": "/var/tmp", "type": "bind", "source": "'"$v"'", "options": ["bind"]}]'
	out=$(oci run -b "$b" idm </dev/null 2>"$TMPDIR_TEST/err") || fail "run: $(cat "$TMPDIR_TEST/err")"
	assert_ne "$(readlink /proc/self/ns/user)" "$(head -n 1 <<<"$out")" "user namespace of the container"
	# Host root's file: root through the idmapped mount, unmapped (nobody) through the plain one.
	assert_contains "/root/f 0:0" "$out" "owner through the idmapped mount"
	assert_contains "/var/tmp/f 65534:65534" "$out" "owner through the plain bind"
	assert_contains idmapped-write-ok "$out" "container root writes through the idmapped mount"
	assert_contains plain-write-refused "$out" "container root cannot write through the plain bind"
	assert_eq "0:0" "$(stat -c %u:%g "$v/made-inside")" "host owner of a file made inside"
	[ ! -e "$v/plain-write" ] || fail "a file was made through the plain bind"
	assert_match ' /root .*idmapped' "$(grep ' /root ' <<<"$out")" "idmapped in mountinfo"
	if grep ' /var/tmp ' <<<"$out" | grep -q idmapped; then fail "plain bind is idmapped: $out"; fi
	oci_assert_gone idm
}

test_seccomp_listener_gets_the_state_and_answers() {
	local b=$TMPDIR_TEST/b sock=$TMPDIR_TEST/agent.sock log=$TMPDIR_TEST/agent.log lpid pid msg
	oci_bundle "$b" '[ "sh", "-c", "mkdir /tmp/d; echo mkdir=$?" ]'
	oci_jq "$b" '.annotations = {"qa.key": "qa-value"}
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$sock"'",
			"listenerMetadata": "qa-meta",
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	"$PEER" seccomp "$sock" "$log" &
	lpid=$!
	defer "kill $lpid 2>/dev/null"
	wait_for test -S "$sock" || fail "the agent does not listen"
	oci_defer_delete sl
	oci_create "$b" sl || fail "create: $(cat "$TMPDIR_TEST/sl.err")"
	pid=$(oci_pid sl)
	# The filter is in the waiting process already; the agent got the fd with the state.
	assert_eq 2 "$(sed -n 's/^Seccomp:\t//p' /proc/"$pid"/status)" "seccomp filter mode"
	wait_for grep -q '^message: ' "$log" || fail "the agent got no message"
	msg=$(sed -n 's/^message: //p' "$log")
	assert_eq '["seccompFd"]' "$(jq -c .fds <<<"$msg")" "fds"
	assert_eq "$pid" "$(jq .pid <<<"$msg")" "pid, as the runtime sees it"
	assert_eq '"qa-meta"' "$(jq .metadata <<<"$msg")" "listenerMetadata"
	assert_eq '"sl" "creating" '"$pid"' "'"$b"'" "qa-value"' \
		"$(jq -r '.state | "\"\(.id)\" \"\(.status)\" \(.pid) \"\(.bundle)\" \"\(.annotations["qa.key"])\""' <<<"$msg")" \
		"the container's state"
	"$SCHEMA_CHECK" "$SCHEMA/state-schema.json" <(jq .state <<<"$msg") ||
		fail "the state sent to the agent does not follow state-schema.json"
	oci start sl || fail "start"
	wait_for sh -c "\"$NSSET\" --root \"$TMPDIR_TEST/state\" state sl | grep -q '\"stopped\"'" || fail "not stopped"
	# The agent answered EXDEV: mkdir failed with it, and nothing was made.
	assert_contains "mkdir=1" "$(cat "$TMPDIR_TEST/sl.out")" "mkdir's status"
	assert_contains "Invalid cross-device link" "$(cat "$TMPDIR_TEST/sl.err")" "the agent's answer"
	assert_match 'notified: mkdir(at)? pid [0-9]+' "$(cat "$log")" "the agent saw the call"
}

test_seccomp_listener_nobody_listens_leaves_nothing() {
	local b=$TMPDIR_TEST/b out rc
	oci_bundle "$b" '[ "true" ]'
	oci_jq "$b" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$TMPDIR_TEST/none.sock"'",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	out=$(oci create -b "$b" sn </dev/null 2>&1); rc=$?
	assert_ne 0 "$rc" "create without an agent"
	assert_contains "nsset: create sn: linux.seccomp.listenerPath: cannot connect to $TMPDIR_TEST/none.sock" "$out"
	oci_assert_gone sn
	assert_eq "" "$(oci list -q)" "containers"
}

test_exec_cap_adds_capabilities() {
	local b=$TMPDIR_TEST/b out base added bit
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete ec
	oci run -d -b "$b" ec </dev/null >/dev/null 2>&1 || fail "run -d"
	base=$(oci exec ec sh -c 'grep CapEff /proc/self/status') || fail "exec"
	out=$(oci exec --cap CAP_NET_ADMIN --cap cap_sys_time ec grep -E '^Cap(Eff|Prm|Bnd|Amb)' /proc/self/status) ||
		fail "exec --cap"
	# CAP_NET_ADMIN is 12, CAP_SYS_TIME 25: in effective, permitted and bounding, not ambient
	# (the process has no inheritable ones).
	local set
	for set in Eff Prm Bnd; do
		added=$((16#$(sed -n "s/^Cap$set:\t//p" <<<"$out")))
		for bit in 12 25; do
			[ $(((added >> bit) & 1)) = 1 ] || fail "capability $bit not in Cap$set: $out"
		done
	done
	assert_eq 0 "$((16#$(sed -n 's/^CapAmb:\t//p' <<<"$out")))" "ambient"
	base=$((16#${base##*$'\t'}))
	[ $(((base >> 12) & 1)) = 0 ] || fail "CAP_NET_ADMIN already there without --cap"
	# A bad name: a clear error, no process made.
	local before
	before=$(procs_of ec)
	out=$(oci exec --cap NET_ADMIN ec true 2>&1) && fail "exec --cap NET_ADMIN accepted"
	assert_contains "nsset: exec: --cap NET_ADMIN: unknown capability" "$out"
	assert_eq "$before" "$(procs_of ec)" "processes of the container"
}

test_exec_bad_input_changes_nothing() {
	local b=$TMPDIR_TEST/b out rc before pid
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete eb
	oci_create "$b" eb || fail "create"
	pid=$(oci_pid eb)
	before=$(procs_of eb)
	# A created container: exec fails, the container stays created.
	out=$(oci exec eb true 2>&1); rc=$?
	assert_ne 0 "$rc" "exec in a created container"
	assert_eq "nsset: exec eb: container is not running (created)" "$out" "message"
	assert_eq created "$(oci_status eb)" "status"
	assert_eq "$before" "$(procs_of eb)" "processes"
	oci start eb || fail "start"
	# --process: malformed JSON (names the file), wrong types (names the field), no file.
	echo '{ "args": [ "true" ' >"$TMPDIR_TEST/bad.json"
	out=$(oci exec --process "$TMPDIR_TEST/bad.json" eb 2>&1); rc=$?
	assert_ne 0 "$rc" "malformed --process"
	assert_contains "nsset: exec eb: $TMPDIR_TEST/bad.json: malformed JSON" "$out"
	echo '{ "args": "true", "cwd": "/" }' >"$TMPDIR_TEST/types.json"
	out=$(oci exec --process "$TMPDIR_TEST/types.json" eb 2>&1); rc=$?
	assert_ne 0 "$rc" "--process with wrong types"
	assert_contains "nsset: exec eb: $TMPDIR_TEST/types.json: process.args: must be a non-empty array of strings" "$out"
	out=$(oci exec --process "$TMPDIR_TEST/none.json" eb 2>&1); rc=$?
	assert_ne 0 "$rc" "--process without a file"
	assert_contains "nsset: exec eb: cannot open $TMPDIR_TEST/none.json: No such file or directory" "$out"
	# Bad option values: named with the option, before the container is looked at.
	oci_expect_error "--user x" "nsset: exec: --user x: must be UID[:GID]" exec --user x eb true
	oci_expect_error "--cwd rel" "nsset: exec: --cwd rel: must be an absolute path" exec --cwd rel eb true
	oci_expect_error "--env NOEQ" "nsset: exec: --env NOEQ: must be KEY=VALUE" exec --env NOEQ eb true
	oci_expect_error "--preserve-fds x" "nsset: exec: --preserve-fds x: not a number of descriptors" \
		exec --preserve-fds x eb true
	out=$(oci exec eb /no/such/command 2>&1); rc=$?
	assert_ne 0 "$rc" "a missing command"
	assert_contains "nsset: exec eb: " "$out"
	assert_contains "/no/such/command" "$out"
	assert_eq "$before" "$(procs_of eb)" "processes after the bad execs"
	assert_eq running "$(oci_status eb)" "status"
	assert_eq "$pid" "$(oci_pid eb)" "pid"
}

test_pause_of_a_created_container_is_refused() {
	local b=$TMPDIR_TEST/b out rc pid
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete pc
	oci_create "$b" pc || fail "create"
	pid=$(oci_pid pc)
	out=$(oci pause pc 2>&1); rc=$?
	assert_ne 0 "$rc" "pause of a created container"
	assert_eq "nsset: pause pc: container is not running (created)" "$out" "message"
	assert_eq THAWED "$(cat /sys/fs/cgroup/freezer/nsset-pc/freezer.state)" "freezer.state"
	assert_eq created "$(oci_status pc)" "status"
	# A second pause of a paused one and a resume of a running one are wrong too.
	oci start pc || fail "start"
	oci pause pc || fail "pause"
	out=$(oci pause pc 2>&1); rc=$?
	assert_ne 0 "$rc" "pause of a paused container"
	assert_contains "nsset: pause pc: container is not running (paused)" "$out"
	assert_eq FROZEN "$(cat /sys/fs/cgroup/freezer/nsset-pc/freezer.state)" "freezer.state"
	oci resume pc || fail "resume"
	out=$(oci resume pc 2>&1); rc=$?
	assert_ne 0 "$rc" "resume of a running container"
	assert_contains "nsset: resume pc: container is not paused (running)" "$out"
	assert_eq THAWED "$(cat /sys/fs/cgroup/freezer/nsset-pc/freezer.state)" "freezer.state"
	kill -0 "$pid" || fail "the container's process is gone"
}

test_root_that_is_a_file_fails_every_verb() {
	local f=$TMPDIR_TEST/rootfile b=$TMPDIR_TEST/b verb out rc
	oci_bundle "$b" '[ "true" ]'
	echo keep >"$f"
	for verb in "state x" "start x" "kill x" "delete x" "pause x" "resume x" "ps x" "exec x true" \
		"create -b $b x" "run -b $b x" "list"; do
		out=$("$NSSET" --root "$f" $verb </dev/null 2>&1); rc=$?
		assert_ne 0 "$rc" "$verb with --root a file"
		assert_match "^nsset: ${verb%% *}( x)?: .*$f.*Not a directory" "$out" "$verb message"
	done
	assert_eq keep "$(cat "$f")" "the file"
	[ -f "$f" ] || fail "the file was replaced"
}

test_state_features_and_spec_follow_the_schemas() {
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
		skip "python3-jsonschema is not installed (scripts/deps.sh test)"
	local b=$TMPDIR_TEST/b st
	"$NSSET" features >"$TMPDIR_TEST/features.json" || fail "features"
	"$SCHEMA_CHECK" "$SCHEMA/features-schema.json" "$TMPDIR_TEST/features.json" ||
		fail "features does not follow features-schema.json"
	oci_bundle "$b" '[ "sleep", "1000" ]'
	"$SCHEMA_CHECK" "$SCHEMA/config-schema.json" "$b/config.json" ||
		fail "spec does not follow config-schema.json"
	(cd "$TMPDIR_TEST" && mkdir rl && cd rl && "$NSSET" spec --rootless) || fail "spec --rootless"
	"$SCHEMA_CHECK" "$SCHEMA/config-schema.json" "$TMPDIR_TEST/rl/config.json" ||
		fail "spec --rootless does not follow config-schema.json"
	oci_defer_delete ss
	oci_create "$b" ss || fail "create"
	for st in created running stopped; do
		case $st in
		running) oci start ss || fail "start" ;;
		stopped) oci kill ss KILL || fail "kill"
			wait_for sh -c "\"$NSSET\" --root \"$TMPDIR_TEST/state\" state ss | grep -q '\"stopped\"'" ||
				fail "not stopped" ;;
		esac
		oci state ss >"$TMPDIR_TEST/state-$st.json" || fail "state ($st)"
		assert_eq "$st" "$(jq -r .status "$TMPDIR_TEST/state-$st.json")" "status"
		"$SCHEMA_CHECK" "$SCHEMA/state-schema.json" "$TMPDIR_TEST/state-$st.json" ||
			fail "state ($st) does not follow state-schema.json: $(cat "$TMPDIR_TEST/state-$st.json")"
	done
	# The schema checker itself rejects a bad state (this test can fail).
	echo '{ "ociVersion": "1.0.0", "id": 3, "status": "dancing" }' >"$TMPDIR_TEST/bad.json"
	if "$SCHEMA_CHECK" "$SCHEMA/state-schema.json" "$TMPDIR_TEST/bad.json" 2>/dev/null; then
		fail "the schema check accepts anything"
	fi
}

test_delete_force_of_a_missing_container_and_orphans() {
	local b=$TMPDIR_TEST/b out rc i pid
	# As runc: --force of an id that does not exist succeeds (podman's stop and conmon's
	# cleanup both delete); without --force it is an error.  Nothing is made either way.
	oci delete --force nosuch || fail "delete --force of a missing container"
	out=$(oci delete nosuch 2>&1); rc=$?
	assert_ne 0 "$rc" "delete of a missing container"
	assert_eq "nsset: delete nosuch: container nosuch does not exist" "$out" "message"
	[ ! -e "$TMPDIR_TEST/state/nosuch" ] || fail "state made for a missing container"
	# A directory without state.json (a create killed before writing it) is no container,
	# and delete --force removes it.
	mkdir -p "$TMPDIR_TEST/state/orph"
	assert_eq "" "$(oci list -q)" "list with an orphan directory"
	out=$(oci state orph 2>&1) && fail "state of an orphan"
	assert_eq "nsset: state orph: container orph does not exist" "$out" "message"
	oci delete --force orph || fail "delete --force of an orphan"
	[ ! -e "$TMPDIR_TEST/state/orph" ] || fail "orphan directory left"
	# Five concurrent delete --force of a running container: all succeed, nothing is left.
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_defer_delete dd
	oci run -d -b "$b" dd </dev/null >/dev/null 2>&1 || fail "run -d"
	pid=$(oci_pid dd)
	for i in 1 2 3 4 5; do
		(oci delete --force dd >/dev/null 2>"$TMPDIR_TEST/del$i.err" || echo "$i: $(cat "$TMPDIR_TEST/del$i.err")" >>"$TMPDIR_TEST/del-failed") &
	done
	wait
	[ ! -e "$TMPDIR_TEST/del-failed" ] || fail "concurrent delete --force failed: $(cat "$TMPDIR_TEST/del-failed")"
	oci_assert_gone dd "$pid"
}

test_apparmor_selinux_debug_and_systemd_cgroup() {
	local b=$TMPDIR_TEST/b out rc pid
	oci_bundle "$b" '[ "sleep", "1000" ]'
	oci_jq "$b" '.process.apparmorProfile = "qa-prof" | .process.selinuxLabel = "system_u:system_r:qa_t:s0"'
	# Accepted on a host without them, reported in the debug log (as crun).
	oci_defer_delete aa
	# (stderr to a file: the container keeps create's stdio)
	"$NSSET" --root "$TMPDIR_TEST/state" --debug create -b "$b" aa </dev/null >/dev/null 2>"$TMPDIR_TEST/aa.err" ||
		fail "create with apparmorProfile/selinuxLabel: $(cat "$TMPDIR_TEST/aa.err")"
	out=$(cat "$TMPDIR_TEST/aa.err")
	assert_contains 'nsset: debug: create aa: apparmorProfile "qa-prof" ignored: AppArmor is not enabled' "$out"
	assert_contains 'nsset: debug: create aa: selinuxLabel "system_u:system_r:qa_t:s0" ignored: SELinux is not enabled' "$out"
	pid=$(oci_pid aa)
	kill -0 "$pid" || fail "no container process"
	# Not a word without --debug.
	oci_defer_delete aa2
	oci create -b "$b" aa2 </dev/null >/dev/null 2>"$TMPDIR_TEST/aa2.err" || fail "create: $(cat "$TMPDIR_TEST/aa2.err")"
	assert_eq "" "$(cat "$TMPDIR_TEST/aa2.err")" "stderr without --debug"
	# --log --log-format json: the same as JSON lines.
	oci_defer_delete aa3
	"$NSSET" --root "$TMPDIR_TEST/state" --debug --log "$TMPDIR_TEST/log" --log-format json create -b "$b" aa3 \
		</dev/null >/dev/null 2>&1 || fail "create with --log"
	assert_match '^\{"level":"debug","msg":"create aa3: apparmorProfile \\"qa-prof\\" ignored: AppArmor is not enabled","time":"[0-9T:.Z-]+"\}$' \
		"$(head -n 1 "$TMPDIR_TEST/log")" "debug log line"
	# --systemd-cgroup: refused, nothing made.
	out=$("$NSSET" --root "$TMPDIR_TEST/state" --systemd-cgroup create -b "$b" sd </dev/null 2>&1); rc=$?
	assert_ne 0 "$rc" "--systemd-cgroup"
	assert_eq "nsset: create sd: --systemd-cgroup: the systemd cgroup driver is not supported (use cgroupfs)" "$out" "message"
	oci_assert_gone sd
}
