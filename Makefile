# A thin layer over meson: `make demo` and `make check` are all a newcomer needs.
BUILD ?= build
MESON_OPTS ?=
ROOTFS := build-rootfs/rootfs

.PHONY: all build deps demo check rootfs bench clean

all: build

deps:
	@scripts/deps.sh build test demo

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=true $(MESON_OPTS)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

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
	@$(MAKE) --no-print-directory build rootfs
	@bench/run.sh

clean:
	rm -rf build build-* 
