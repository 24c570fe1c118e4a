# A thin layer over meson: `make demo` and `make check` are all a newcomer needs.
BUILD ?= build
MESON_OPTS ?=
ROOTFS := build-rootfs/rootfs

.PHONY: all build build-musl deps demo check rootfs bench clean

all: build

deps:
	@scripts/deps.sh build test demo

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=true $(MESON_OPTS)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

# The static musl build (static-pie, ≈0.4 ms less start-up than glibc's per run, README
# "Benchmark"): json-c, libseccomp and libcap built for musl by scripts/musl-deps.sh.
MUSL_DEPS := $(CURDIR)/build-musl-deps
build-musl/build.ninja:
	@scripts/deps.sh build musl
	@scripts/musl-deps.sh $(MUSL_DEPS)
	meson setup build-musl --native-file $(MUSL_DEPS)/musl.ini -Dwerror=true -Dstatic=enabled $(MESON_OPTS)

build-musl: build-musl/build.ninja
	ninja -C build-musl

rootfs:
	@scripts/mkrootfs.sh $(ROOTFS)

demo:
	@scripts/deps.sh build demo
	@$(MAKE) --no-print-directory build rootfs
	@scripts/demo.sh $(BUILD)/cli/nsset $(ROOTFS)

# Every test against the default build, again under ASan+UBSan, and against a build with a
# kind compiled out; the last line sums them up.
check:
	@scripts/deps.sh build test
	@scripts/check.sh

bench:
	@scripts/deps.sh build bench
	@$(MAKE) --no-print-directory build build-musl rootfs
	@bench/run.sh

clean:
	rm -rf build build-* 
