#!/usr/bin/env bash
# scripts/mkrootfs.sh DIR: a tiny root filesystem from Debian's busybox-static.
set -eu
dir=$1
[ -x "$dir/bin/busybox" ] && exit 0
tmp="$dir.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"/{bin,sbin,etc,proc,sys,dev,tmp,root,run,mnt,var/tmp,usr/bin,usr/sbin}
cp /bin/busybox "$tmp/bin/busybox"
for applet in $("$tmp/bin/busybox" --list); do
	[ -e "$tmp/bin/$applet" ] || ln -s busybox "$tmp/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$tmp/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"
chmod 1777 "$tmp/tmp"
mv "$tmp" "$dir"
