# A thin layer over meson: `make demo` and `make check` are all a newcomer needs.
MESON_OPTS ?=
ROOTFS := build-rootfs/rootfs

.PHONY: all build build-setup build-glibc deps demo check rootfs bench clean

all: build

deps:
	@scripts/deps.sh build musl test demo

# The default build, build/: nsset linked static-pie against musl (0.57 MB stripped, and
# ≈0.25 ms less start-up a run than glibc's on a virtual machine: README "Build options"),
# with json-c, libseccomp and libcap built for musl by scripts/musl-deps.sh.
MUSL_DEPS := $(CURDIR)/build-musl-deps
build/build.ninja:
	@scripts/deps.sh build musl
	@scripts/musl-deps.sh $(MUSL_DEPS)
	meson setup build --native-file $(MUSL_DEPS)/musl.ini -Dwerror=true -Dstatic=enabled $(MESON_OPTS)

# (a build/ of the glibc days is set up again)
build-setup:
	@[ ! -d build ] || grep -qs musl.ini build/meson-private/cmd_line.txt || rm -rf build
	@$(MAKE) --no-print-directory build/build.ninja

build: build-setup
	ninja -C build

# The same program against the system's glibc (static-pie where the libraries have static
# archives, -Dstatic=auto), with the unit tests (cmocka is built for glibc): what a plain
# `meson setup` makes, and where libnsset is built for glibc programs.
build-glibc/build.ninja:
	@scripts/deps.sh build
	meson setup build-glibc -Dwerror=true $(MESON_OPTS)

build-glibc: build-glibc/build.ninja
	ninja -C build-glibc

rootfs:
	@scripts/mkrootfs.sh $(ROOTFS)

demo:
	@scripts/deps.sh build musl demo
	@$(MAKE) --no-print-directory build rootfs
	@scripts/demo.sh build/cli/nsset $(ROOTFS)

# Every test against the default build, against the glibc build (with the unit tests), again
# under ASan+UBSan, and against a build with a kind compiled out; the last line sums them up.
check:
	@scripts/deps.sh build musl test
	@scripts/check.sh

bench:
	@scripts/deps.sh build musl bench
	@$(MAKE) --no-print-directory build build-glibc rootfs
	@bench/run.sh

clean:
	rm -rf build build-* 
