# Helpers for the tests of named sets (tests/integration/sets-*.sh source this).

# A registry of the test's own: REG.  Every set left in it is released at the end, and any
# mount left under it is detached (so a failing test still leaves nothing behind).
sets_setup() {
	REG=$TMPDIR_TEST/reg
	defer sets_cleanup
}
sets_cleanup() {
	local d
	for d in "$REG"/*/; do
		[ -d "$d" ] && "$NSSET" release --registry "$REG" "$(basename "$d")"
	done
	awk -v r="$REG" '$5 ~ "^"r {print $5}' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l
}

# Start `sleep` in new namespaces (unshare's options) and set SPAWNED to its pid.  It is killed
# when the test ends.
spawn_ns() {
	unshare --kill-child "$@" sleep 1000 </dev/null >/dev/null 2>&1 &
	local u=$!
	defer "kill -9 $u"
	wait_for pgrep -P "$u" >/dev/null || fail "unshare $* did not start"
	SPAWNED=$(pgrep -P "$u")
}

# The nsfs mounts under a directory.
nsfs_mounts_under() { awk -v r="$1" '$5 ~ "^"r && / - nsfs /' /proc/self/mountinfo | wc -l; }

# A field of a set's metadata: meta_get NAME KEY
meta_get() { sed -n "s/^$2=//p" "$REG/$1/meta"; }

# Namespace inodes of a process as "kind=ino ..." for the kinds given.
ns_inodes() { # PID KIND...
	local pid=$1 k out=""; shift
	for k in "$@"; do out+="$k=$(ns_ino "$pid" "$k") "; done
	echo "$out"
}

# The kinds this build has, one per line.
built_kind_list() { built_kinds | tr ',' '\n'; }

# The pid of a set's holder (from ls --json).
set_holder() { sed -n "s/^holder=//p" "$REG/$1/meta"; }

# Whether a process is gone (or a zombie nobody reaps).
proc_gone() { [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }

# Wait until process PID sleeps in nanosleep/clock_nanosleep (sleep(1) started, exec done).
wait_sleeping() { wait_for grep -qE '^(35|230) ' "/proc/$1/syscall"; }

# The registry's entries (sets and temporaries), without its lock files.
reg_entries() { ls -A "$REG" 2>/dev/null | grep -v -x -e '~lock' -e '~mountlock' | tr '\n' ' ' | sed 's/ $//'; }

# Processes carrying NSSET_TEST_TAG=TAG in their environment (what an nsset run with it started).
tagged() { grep -lsx -z "NSSET_TEST_TAG=$1" /proc/[0-9]*/environ | cut -d/ -f3; }
no_tagged() { [ -z "$(tagged "$1")" ]; }

