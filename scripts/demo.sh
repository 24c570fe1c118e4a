#!/usr/bin/env bash
# scripts/demo.sh NSSET ROOTFS: a short demonstration of isolation with `nsset run`.
set -eu
NSSET=$(readlink -f "$1")
ROOTFS=$(readlink -f "$2")
nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { # print the command as one would type it, then run it
	local a line='$'
	for a in "$@"; do
		[[ $a =~ ^[A-Za-z0-9_./:=,+-]+$ ]] && line+=" $a" || line+=" '$a'"
	done
	printf '%s\n' "${line//$NSSET/nsset}"
	"$@" 2>&1
}

"$NSSET" --version
# Run from a directory every user can enter, with a binary nobody can run (the source tree
# may be under /root).
cd /
if ! nobody test -x "$NSSET"; then
	tmp=$(mktemp -d /tmp/nsset-demo.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	chmod 755 "$tmp"
	cp "$NSSET" "$tmp/nsset"
	NSSET=$tmp/nsset
fi

step "1. Hostname: changed inside a new UTS namespace, unchanged outside"
show hostname
show "$NSSET" run -u --hostname nsset-demo -- hostname
show hostname

step "2. A pid namespace: nsset's init is pid 1, the command pid 2 (busybox root filesystem)"
show "$NSSET" run -mpu --root "$ROOTFS" --mount-proc --hostname box -- /bin/ps -o pid,ppid,user,comm

step "3. Each kind: /proc/self/ns/* outside and inside 'nsset run --all'"
inside=$("$NSSET" run --all --map-root -- sh -c 'for k in /proc/self/ns/*; do echo "${k##*/} $(readlink "$k")"; done')
printf '%-18s %-22s %-22s\n' KIND OUTSIDE INSIDE
while read -r kind link; do
	out=$(readlink "/proc/self/ns/$kind")
	mark=$([ "$out" = "$link" ] && echo "(same)" || echo "(new)")
	printf '%-18s %-22s %-22s %s\n' "$kind" "$out" "$link" "$mark"
done <<<"$inside"

step "4. Root mapped in a user namespace, as root and as the unprivileged user nobody"
echo "(nobody = setpriv --reuid 65534 --regid 65534 --clear-groups)"
show "$NSSET" run -U --map-root -- sh -c 'id; echo "uid_map: $(cat /proc/self/uid_map)"'
show nobody id
show nobody "$NSSET" run -U --map-root -- sh -c 'id; echo "uid_map: $(cat /proc/self/uid_map)"'
show nobody "$NSSET" run -Upmnu --map-root --mount-proc --hostname mine -- sh -c 'hostname; ps -o pid,user,comm; ip -br link'

step "5. Exit status passes through; nsset's own errors are 125 with a message"
set +e
show "$NSSET" run -p -- sh -c 'exit 3'; echo "exit status: $?"
show "$NSSET" run -p -- no-such-command; echo "exit status: $?"
show "$NSSET" run --hostname x -- true; echo "exit status: $?"
set -e
echo
echo "demo: done"
