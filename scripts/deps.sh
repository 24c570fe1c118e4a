#!/usr/bin/env bash
# scripts/deps.sh GROUP...: install the Debian packages a group needs, only those missing.
# Groups: build (compile), test (the test suite), bench (benchmarks), demo, musl (the static
# musl build: scripts/musl-deps.sh).
set -eu
want=()
for g in "$@"; do
	case $g in
	build) want+=(gcc meson ninja-build pkg-config libc6-dev libjson-c-dev libseccomp-dev libcap-dev) ;;
	test) want+=(libcmocka-dev busybox-static uidmap iproute2 util-linux procps podman crun jq python3-jsonschema bpftool) ;;
	demo) want+=(busybox-static procps iproute2 util-linux) ;;
	musl) want+=(musl-tools gcc make cmake gperf curl xz-utils pkg-config meson ninja-build) ;;
	bench) want+=(hyperfine busybox-static crun runc bubblewrap util-linux time jq strace) ;;
	*) echo "deps.sh: unknown group $g" >&2; exit 2 ;;
	esac
done
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
