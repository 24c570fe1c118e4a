#!/usr/bin/env bash
# scripts/musl-deps.sh DIR: what the static musl build of nsset (make build-musl) needs that
# Debian does not ship for musl: json-c, libseccomp and libcap as static archives, built with
# musl-gcc from the upstream sources of Debian 12's own packages (deb.debian.org, checked by
# sha256), and a compiler wrapper.  Into DIR:
#   cc                 musl-gcc that also links static-pie (musl's rcrt1.o; Debian's
#                      musl-gcc.specs would make a dynamic executable of -static-pie) and
#                      finds the kernel's headers (linux/, asm/), which musl's do not include
#   lib/pkgconfig/     json-c.pc, libseccomp.pc, libcap.pc
#   musl.ini           meson's native file for both: meson setup --native-file DIR/musl.ini
# Done once (DIR/.done, which names this recipe's version: a changed recipe builds again);
# the packages it needs come from scripts/deps.sh musl.
set -eu
recipe=2
dir=$(mkdir -p "$1" && cd "$1" && pwd)
[ "$(cat "$dir/.done" 2>/dev/null)" = "$recipe" ] && exit 0
musl=/usr/lib/x86_64-linux-musl
[ -f "$musl/rcrt1.o" ] || { echo "musl-deps.sh: $musl/rcrt1.o missing (musl-dev, x86_64)" >&2; exit 1; }
src=$dir/src
rm -rf "$src" && mkdir -p "$src" "$dir/kinc" "$dir/lib/pkgconfig" "$dir/include/sys"

# The kernel's headers beside musl's (symlinks: nothing of glibc's comes along).
ln -sfn /usr/include/linux "$dir/kinc/linux"
ln -sfn /usr/include/asm-generic "$dir/kinc/asm-generic"
ln -sfn /usr/include/x86_64-linux-gnu/asm "$dir/kinc/asm"
sed -e "s|%{!shared: $musl/Scrt1.o}|%{static-pie: $musl/rcrt1.o; !shared: $musl/Scrt1.o}|" \
	-e "s|^-dynamic-linker /lib/ld-musl-x86_64.so.1 |%{!static-pie:-dynamic-linker /lib/ld-musl-x86_64.so.1} |" \
	-e "s|%{static:-static}|%{static:-static} %{static-pie:-static -pie --no-dynamic-linker -z text}|" \
	"$musl/musl-gcc.specs" >"$dir/musl.specs"
grep -q rcrt1.o "$dir/musl.specs" || { echo "musl-deps.sh: cannot adapt $musl/musl-gcc.specs" >&2; exit 1; }
cat >"$dir/cc" <<EOF
#!/bin/sh
exec gcc -specs=$dir/musl.specs -isystem $dir/kinc "\$@"
EOF
chmod +x "$dir/cc"
cat >"$dir/musl.ini" <<EOF
[binaries]
c = '$dir/cc'
[properties]
pkg_config_libdir = ['$dir/lib/pkgconfig']
EOF

fetch() { # POOL-PATH SHA256
	local f=$src/${1##*/}
	curl -sfL --retry 3 -o "$f" "http://deb.debian.org/debian/pool/main/$1" ||
		{ echo "musl-deps.sh: cannot download $1" >&2; exit 1; }
	echo "$2  $f" | sha256sum -c --quiet - || { echo "musl-deps.sh: $1: wrong sha256" >&2; exit 1; }
	tar -xf "$f" -C "$src"
}
fetch j/json-c/json-c_0.16.orig.tar.gz 3ecaeedffd99a60b1262819f9e60d7d983844073abc74e495cb822b251904185
fetch libs/libseccomp/libseccomp_2.5.4.orig.tar.gz d82902400405cf0068574ef3dc1fe5f5926207543ba1ae6f8e7a1576351dcbdb
fetch libc/libcap2/libcap2_2.66.orig.tar.xz 15c40ededb3003d70a283fe587a36b7d19c8b3b554e33f86129c059a4bb466b2

export CC=$dir/cc CFLAGS="-O2 -fPIE"
log=$dir/build.log
: >"$log"
run() { "$@" >>"$log" 2>&1 || { tail -n 30 "$log"; echo "musl-deps.sh: failed: $*" >&2; exit 1; }; }

# json-c without its locale switch: its tokener otherwise makes, sets and frees a locale
# (duplocale, newlocale, uselocale, freelocale) at every parse, in musl through the C
# library's own allocator.  musl's strtod reads '.' in every locale, and nsset never sets
# one.
mkdir -p "$src/json-c-build"
(cd "$src/json-c-build" && run cmake "$src"/json-c-json-c-0.16-* -DCMAKE_INSTALL_PREFIX="$dir" \
	-DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
	-DBUILD_STATIC_LIBS=ON -DBUILD_TESTING=OFF -DBUILD_APPS=OFF -DDISABLE_WERROR=ON \
	-DHAVE_USELOCALE=OFF -DHAVE_SETLOCALE=OFF &&
	run make -j2 install)

(cd "$src/libseccomp-2.5.4" && run ./configure --prefix="$dir" --enable-static --disable-shared &&
	run make -j2 -C src install && run make -C include install)
cp "$src/libseccomp-2.5.4/libseccomp.pc" "$dir/lib/pkgconfig/"

(cd "$src/libcap-2.66" && run make -C libcap CC="$CC" BUILD_CC=gcc COPTS="$CFLAGS" \
	KERNEL_HEADERS="$dir/kinc" SHARED=no libcap.a)
cp "$src/libcap-2.66/libcap/libcap.a" "$dir/lib/"
cp "$src/libcap-2.66/libcap/include/sys/capability.h" "$dir/include/sys/"
cat >"$dir/lib/pkgconfig/libcap.pc" <<EOF
prefix=$dir
libdir=\${prefix}/lib
includedir=\${prefix}/include
Name: libcap
Description: libcap 2.66, static, for musl
Version: 2.66
Libs: -L\${libdir} -lcap
Cflags: -I\${includedir}
EOF
rm -rf "$src"
echo "$recipe" >"$dir/.done"
