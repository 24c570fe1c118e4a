# nsset ls: the named sets (the host set first); --all every namespace; --json; --tree.
source "$SRC/tests/sets-lib.sh"

# A field of a JSON array element: json_get JSON 'python expression on v (the list)'
json_get() { python3 -c 'import json,sys; v=json.load(sys.stdin); print('"$2"')' <<<"$1"; }

test_ls_lists_sets_and_the_host_set() {
	sets_setup
	spawn_ns -f -u -n -i
	local p=$SPAWNED out line
	"$NSSET" bind --registry "$REG" web "$p" uts,ipc,net || fail "bind failed"
	"$NSSET" bind --registry "$REG" db "$p" net || fail "bind failed"
	out=$("$NSSET" ls --registry "$REG") || fail "ls failed"
	assert_match '^NAME +KINDS +PROCS +HOLDER +CREATED' "$(sed -n 1p <<<"$out")" "header"
	assert_match '^\(host\) ' "$(sed -n 2p <<<"$out")" "the host set first"
	line=$(sed -n 3p <<<"$out")
	# Two processes: unshare (which forked) and its sleep.
	assert_match '^db +net +2 +- +20[0-9-]+T' "$line" "db: kinds, 2 processes, no holder"
	line=$(sed -n 4p <<<"$out")
	assert_match '^web +uts,ipc,net +2 +- ' "$line" "web"
	assert_eq 4 "$(wc -l <<<"$out")" "lines"
}

test_ls_json() {
	sets_setup
	spawn_ns -f -u -n
	local p=$SPAWNED out
	"$NSSET" bind --registry "$REG" web "$p" uts,net || fail "bind failed"
	out=$("$NSSET" ls --registry "$REG" --json) || fail "ls --json failed"
	assert_eq "True (host)" "$(json_get "$out" 'v[0]["host"], v[0]["name"]')" "host set"
	assert_eq "$(ns_ino 2 uts)" "$(json_get "$out" 'v[0]["ids"]["uts"]')" "host uts id (kthreadd's)"
	assert_eq "web uts,net 2 0" "$(json_get "$out" 'v[1]["name"], v[1]["kinds"], v[1]["nprocs"], v[1]["owner"]')" "web"
	assert_eq "$(ns_ino "$p" net)" "$(json_get "$out" 'v[1]["ids"]["net"]')" "web net id"
	assert_eq 2 "$(json_get "$out" 'len(v)')" "entries"
}

test_ls_holder_and_gone_holder() {
	need_kind pid
	sets_setup
	spawn_ns -f -p -u
	local p=$SPAWNED out
	"$NSSET" bind --registry "$REG" web "$p" || fail "bind failed"
	assert_match "^web .* $p +20" "$("$NSSET" ls --registry "$REG" | grep '^web')" "holder pid"
	kill -9 "$p"
	wait_for proc_gone "$p" || fail "init did not exit"
	assert_match "^web .* 0 +$p\(gone\) +20" "$("$NSSET" ls --registry "$REG" | grep '^web')" "holder gone"
}

test_ls_empty_registry_lists_the_host_set() {
	local out
	out=$("$NSSET" ls --registry "$TMPDIR_TEST/none") || fail "ls failed"
	assert_eq 2 "$(wc -l <<<"$out")" "lines"
	assert_match '^\(host\) +mnt,' "$(sed -n 2p <<<"$out")" "host set"
	[ ! -e "$TMPDIR_TEST/none" ] || fail "ls made the registry"
	out=$("$NSSET" ls --registry "$TMPDIR_TEST/none" extra 2>&1) && fail "extra argument accepted"
	assert_eq "nsset: ls extra: unexpected argument" "$out" "message"
}

test_ls_all_includes_namespaces_held_only_by_mounts() {
	sets_setup
	spawn_ns -f -u -n
	local p=$SPAWNED net uts out line
	net=$(ns_ino "$p" net)
	uts=$(ns_ino "$p" uts)
	"$NSSET" bind --registry "$REG" web "$p" uts,net || fail "bind failed"
	line=$("$NSSET" ls --all --registry "$REG" | awk -v n="$net" '$1 == n')
	assert_match "^$net +net +2 +[0-9]+ +$(ns_ino $$ user) +web +(sleep|unshare)$" "$line" "net, with its processes"
	kill -9 "$p"
	wait_for proc_gone "$p" || fail "the process did not exit"
	line=$("$NSSET" ls --all --registry "$REG" | awk -v n="$net" '$1 == n')
	assert_match "^$net +net +0 +- +$(ns_ino $$ user) +web +$REG/web/net$" "$line" "net, held only by the set's mount"
	out=$("$NSSET" ls --all --json --registry "$REG")
	assert_eq "uts 0 web None $(ns_ino $$ user)" \
		"$(json_get "$out" '[(x["type"], x["nprocs"], x["set"], x["pid"], x["userns"]) for x in v if x["ns"] == '"$uts"'][0]' | tr -d "(),'")" \
		"uts in --json"
	# The host's namespaces are marked.
	assert_eq "True" "$(json_get "$out" '[x["host"] for x in v if x["ns"] == '"$(ns_ino 2 net)"'][0]')" "host net"
}

test_ls_tree_shows_ownership_and_nesting() {
	need_kind pid
	sets_setup
	spawn_ns -f -U -r -p -u
	local p=$SPAWNED out
	"$NSSET" bind --registry "$REG" web "$p" || fail "bind failed"
	out=$("$NSSET" ls --tree --registry "$REG") || fail "ls --tree failed"
	local nl=$'\n' hostuser=$(ns_ino 2 user) user=$(ns_ino "$p" user) pid=$(ns_ino "$p" pid)
	local uts=$(ns_ino "$p" uts) hostpid=$(ns_ino 2 pid)
	# The set's user namespace under the host's; its uts and pid namespaces under it.
	assert_match "(^|${nl})user:\[$hostuser\] \(host\)" "$out" "host user namespace at the top"
	assert_match "${nl}[├└]─ user:\[$user\] set web" "$out" "the set's user namespace, a child"
	assert_match "${nl}│? +[├└]─ uts:\[$uts\] set web" "$out" "its uts namespace, owned by it"
	# The pid tree: the set's pid namespace nested in the host's.
	local pidtree=${out#*pid namespaces}
	assert_match "${nl}pid:\[$hostpid\] \(host\)" "$pidtree" "host pid namespace"
	assert_match "${nl}[├└]─ pid:\[$pid\] set web 1 procs, pid $p sleep" "$pidtree" "nested pid namespace"
}

# Other tools read the registry as docs/registry.md describes it: the names are the entries not
# starting with "~", meta has kinds and ids, and util-linux's nsenter joins the files directly.
test_other_tools_read_the_registry() {
	sets_setup
	spawn_ns -f -u -n -i
	"$NSSET" bind --registry "$REG" web "$SPAWNED" uts,net || fail "bind failed"
	assert_eq web "$(ls "$REG" | grep -v '^~')" "the names"
	assert_eq uts,net "$(meta_get web kinds)" "kinds in meta"
	assert_eq "$(ns_ino "$SPAWNED" net)" "$(meta_get web id.net)" "id.net in meta"
	assert_eq "$(ns_ino "$SPAWNED" uts) $(ns_ino "$SPAWNED" net) $(ns_ino $$ ipc)" \
		"$(nsenter --uts="$REG/web/uts" --net="$REG/web/net" sh -c 'echo $(stat -L -c %i /proc/self/ns/uts) $(stat -L -c %i /proc/self/ns/net) $(stat -L -c %i /proc/self/ns/ipc)')" \
		"namespaces joined by nsenter through the registry's files"
}
