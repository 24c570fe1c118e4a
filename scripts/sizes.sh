#!/usr/bin/env bash
# scripts/sizes.sh [OUT]: the stripped size of nsset with each build option off, as a markdown
# table (for the README).  Builds each configuration in a scratch directory (ninja -j2).
set -eu
cd "$(dirname "$0")/.."
src=$PWD
scratch=$(mktemp -d /tmp/nsset-sizes.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

size_of() { # NAME MESON-OPTIONS...
	local name=$1 dir="$scratch/$1"; shift
	meson setup --buildtype=release -Dtests=false "$@" "$dir" "$src" >"$dir.log" 2>&1 ||
		{ cat "$dir.log" >&2; return 1; }
	ninja -C "$dir" -j2 cli/nsset >>"$dir.log" 2>&1 || { cat "$dir.log" >&2; return 1; }
	strip -o "$dir/nsset.stripped" "$dir/cli/nsset"
	# file size, and code + data (size(1): text + data), which page alignment does not round
	echo "$(stat -c %s "$dir/nsset.stripped") $(size -B "$dir/nsset.stripped" | awk 'NR == 2 {print $1 + $2}')"
}

row() { # LABEL FILE-SIZE CODE-SIZE
	if [ -z "${base_file:-}" ]; then
		printf '| %s | %d | | %d | |\n' "$1" "$2" "$3"
	else
		printf '| %s | %d | %+d | %d | %+d |\n' "$1" "$2" $(($2 - base_file)) "$3" $(($3 - base_code))
	fi
}

read -r f c < <(size_of all)
echo "| build options | stripped file (bytes) | vs. default | code + data (bytes) | vs. default |"
echo "|---|---:|---:|---:|---:|"
row "(default: everything)" "$f" "$c"
base_file=$f base_code=$c
for opt in mnt_ns uts_ns ipc_ns pid_ns net_ns user_ns cgroup_ns time_ns namespaces oci; do
	read -r f c < <(size_of "$opt" "-D$opt=false")
	row "\`-D$opt=false\`" "$f" "$c"
done
read -r f c < <(size_of none -Dnamespaces=false -Doci=false)
row "\`-Dnamespaces=false -Doci=false\`" "$f" "$c"
# The default links nsset statically (libc inside); the dynamic build for comparison.
read -r f c < <(size_of dynamic -Dstatic=disabled)
row "\`-Dstatic=disabled\` (libc shared)" "$f" "$c"
read -r f c < <(size_of dynamic-small -Dstatic=disabled -Dnamespaces=false -Doci=false)
row "\`-Dstatic=disabled -Dnamespaces=false -Doci=false\`" "$f" "$c"
echo
echo "Measured with \`scripts/sizes.sh\`: meson --buildtype=release, gcc $(gcc -dumpfullversion), strip, $(uname -m)."
