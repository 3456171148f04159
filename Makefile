# SPDX-License-Identifier: GPL-2.0
#
# fluxcap's front door. `make` builds userspace into build/ and fluxcap.ko for
# every kernel with headers under /lib/modules/*/build (or KVER=...), each into
# build/<kver>/fluxcap.ko. `make check` is the one test command.

BUILD   ?= build
VERSION := $(shell scripts/version.sh)

# Kernels: KVER=... picks some, else every installed headers tree and the
# kernel of the trixie build root (Debian's 7.x, made by `make deps` with
# scripts/trixie-kernel.sh, which records its version), built by chroot
# with that release's gcc.
TRIXIE_ROOT ?= $(BUILD)/trixie
# (Building in it needs root: chroot, mounts. Others name KVER=... for it.)
TRIXIE_KVER := $(if $(wildcard $(TRIXIE_ROOT)/.fluxcap-kernel),$(if $(filter 0,$(shell id -u)),$(strip $(file <$(TRIXIE_ROOT)/.fluxcap-kernel))))
KVER    ?= $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build))) $(TRIXIE_KVER)
KVERS   := $(KVER)

CC      ?= cc
LIBNL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
LIBNL_LIBS   := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null || echo -lnl-genl-3 -lnl-3)
# fluxctl and fluxcapacitor are linked static-pie where the static libraries
# are there (libc6-dev and libnl-genl-3-dev ship them): every `fluxctl run`
# starts one more program than the command, and in an emulated guest a
# dynamic start (ld.so, libnl's relocations, a fork of a fuller address
# space) costs 60-100 ms of it. STATIC=0 links them dynamically. ld's
# warnings are off for that link only: glibc warns that libnl's address
# helpers, which fluxctl never calls, would need NSS at run time
# (tests/host/static_link.sh checks that nothing else does). The probe
# links as the tools will (ld before 2.40 lacks --no-warnings: dynamic).
STATIC_LIBS  := $(shell pkg-config --static --libs libnl-genl-3.0 2>/dev/null || echo -lnl-genl-3 -lnl-3)
ifeq ($(origin STATIC),undefined)
STATIC       := $(shell echo 'int main(void){return 0;}' | $(CC) $(CFLAGS) $(LDFLAGS) -static-pie \
		  -Wl,--no-warnings -x c -o /dev/null - $(STATIC_LIBS) 2>/dev/null && echo 1 || echo 0)
endif
ifeq ($(STATIC),1)
TOOL_LDFLAGS := -static-pie -Wl,--no-warnings
TOOL_LIBS    := $(STATIC_LIBS)
else
TOOL_LDFLAGS :=
TOOL_LIBS    := $(LIBNL_LIBS)
endif

WARN    := -Wall -Wextra -Werror
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 $(WARN) -MMD -MP
CPPFLAGS += -Iinclude/uapi -Icore -DFLUXCAP_VERSION='"$(VERSION)"'
# Where `make install` puts the preload (lib/<triplet>), which fluxctl finds
# relative to itself.
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
$(BUILD)/userspace/common/preload.o: CPPFLAGS += -DFC_MULTIARCH='"$(MULTIARCH)"'

# core/ is compiled into userspace too; kbuild compiles its own copy.
CORE_SRCS        := $(wildcard core/*.c)
# userspace/ is layered: cli/ over the two backends, kernel/ and ptrace/
# (which never call each other), over common/ (and core/). Each layer sees
# its own headers and those of the layers below; only kernel/ sees libnl.
USER_LAYERS      := cli kernel ptrace common
USER_SEES_cli    := cli kernel ptrace common
USER_SEES_kernel := kernel common
USER_SEES_ptrace := ptrace common
USER_SEES_common := common
USER_CFLAGS_kernel := $(LIBNL_CFLAGS)
USER_MAINS       := userspace/cli/fluxctl.c userspace/cli/fluxcapacitor.c
USER_SRCS        := $(filter-out $(USER_MAINS),$(foreach l,$(USER_LAYERS),$(wildcard userspace/$(l)/*.c)))
FLUXCTL_OBJS     := $(patsubst %.c,$(BUILD)/%.o,userspace/cli/fluxctl.c $(USER_SRCS) $(CORE_SRCS))
FLUXCAPACITOR_OBJS := $(patsubst %.c,$(BUILD)/%.o,userspace/cli/fluxcapacitor.c $(USER_SRCS) $(CORE_SRCS))
PRELOAD_SRCS     := $(wildcard preload/*.c)
PRELOAD_OBJS     := $(patsubst %.c,$(BUILD)/pic/%.o,$(PRELOAD_SRCS))
SELFTEST_SRCS    := $(wildcard selftests/*.c)
SELFTESTS        := $(patsubst selftests/%.c,$(BUILD)/selftests/%,$(SELFTEST_SRCS))
HOSTTEST_SRCS    := $(wildcard tests/host/*_test.c)
HOSTTESTS        := $(patsubst tests/host/%.c,$(BUILD)/tests/%,$(HOSTTEST_SRCS))
# Programs run under virtual time by the tests (no sanitizers: ASan refuses
# to run behind an LD_PRELOAD library); each also built static.
PROG_SRCS        := $(wildcard tests/host/progs/*.c)
PROGS            := $(patsubst tests/host/progs/%.c,$(BUILD)/tests/progs/%,$(PROG_SRCS)) \
		    $(patsubst tests/host/progs/%.c,$(BUILD)/tests/progs/%.static,$(PROG_SRCS))
# 32-bit (ia32) programs, which ptrace mode refuses; built when the
# compiler can (gcc-multilib, from make deps), else the tests say so.
M32_SRCS         := $(wildcard tests/host/progs/m32/*.c)
M32_OK           := $(shell echo 'int main(void){return 0;}' | \
		      $(CC) -m32 -x c -o /dev/null - 2>/dev/null && echo yes)
ifeq ($(M32_OK),yes)
PROGS            += $(patsubst tests/host/progs/%.c,$(BUILD)/tests/progs/%,$(M32_SRCS))
endif
# Programs with no preload to reach them (issue 13): clocks.c statically
# linked with musl, and a static Go program (CGO_ENABLED=0). Each is built
# when its tool is there (musl-tools, golang-go: make deps), else the tests
# fail with "is built".
MUSL_CC          ?= musl-gcc
MUSL_OK          := $(shell command -v $(MUSL_CC) >/dev/null 2>&1 && echo yes)
ifeq ($(MUSL_OK),yes)
PROGS            += $(BUILD)/tests/progs/clocks.musl
endif
GO               ?= go
GO_OK            := $(shell command -v $(GO) >/dev/null 2>&1 && echo yes)
GO_SRCS          := $(wildcard tests/host/progs/go/*.go) tests/host/progs/go/go.mod
ifeq ($(GO_OK),yes)
PROGS            += $(BUILD)/tests/progs/vtime.go.static
endif
# Go's caches under build/, nothing in $HOME; standard library only, so
# never the network (GOPROXY=off).
GO_ENV           := CGO_ENABLED=0 GO111MODULE=on GOFLAGS=-mod=mod GOPROXY=off \
		    GOTOOLCHAIN=local GOCACHE=$(abspath $(BUILD))/go/cache \
		    GOPATH=$(abspath $(BUILD))/go/path

# Kernel source bits taken at build time from Debian's linux-source package.
KSRC_TARBALL ?= $(firstword $(wildcard /usr/src/linux-source-*.tar.xz))
KSFT_DIR     := $(BUILD)/ksft
# The kernel's own timer selftests, run under fluxcap by
# tests/host/kernel_timers.sh and tests/vm/kernel_timers.sh: their sources
# are extracted into $(KSFT_DIR)/timers/ (never committed), the programs
# built as $(BUILD)/ktimers/NAME with the flags of their own Makefile.
KTIMERS      := nanosleep nsleep-lat posix_timers set-timer-lat mqueue-lat
KTIMER_PROGS := $(addprefix $(BUILD)/ktimers/,$(KTIMERS))

.PHONY: all userspace module selftests ktimers host-tests deps check host-check vm-check \
	style run bench stress deb clean distclean help
all: userspace module selftests ktimers

help:
	@echo 'make              build userspace (build/) and fluxcap.ko for each kernel'
	@echo 'make deps         install build and test dependencies (apt, root)'
	@echo 'make check        install what is missing, build, run every test'
	@echo 'make host-check   host tests only (no VM)'
	@echo 'make vm-check     VM suite only (KVER=... for one kernel)'
	@echo 'make ktimers      the kernel'"'"'s timer selftests, from linux-source, in build/ktimers/'
	@echo 'make style        checkpatch --strict, shellcheck'
	@echo 'make bench        native vs kernel vs ptrace mode in the VM (bench/run.sh), not a test'
	@echo 'make stress       the long reliability runs in the VM on each kernel (tests/vm/stress.sh)'
	@echo 'make run          show fluxctl at work'
	@echo 'make install      fluxctl, fluxcapacitor, the preload, man pages, bash completion,'
	@echo '                  the OCI hook (hooks.d/fluxcap.json), the module as DKMS source'
	@echo '                  (PREFIX=/usr/local, DESTDIR=)'
	@echo 'make uninstall    remove all of it (and fluxcap from dkms)'
	@echo 'make install-autoload   load fluxcap.ko at boot (/etc/modules-load.d)'
	@echo 'make deb          Debian packages fluxcap and fluxcap-dkms in build/deb/'
	@echo 'make clean        remove build/ but the trixie build root (distclean: all of it)'

userspace: $(BUILD)/fluxctl $(BUILD)/fluxcapacitor $(BUILD)/libfluxcap-preload.so

# Rewritten only when the version changes, so objects that embed it rebuild.
$(BUILD)/version.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' >$@

$(BUILD)/%.o: %.c $(BUILD)/version.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(LIBNL_CFLAGS) $(CFLAGS) -c -o $@ $<

# userspace/<layer>/x.c -> $(BUILD)/userspace/<layer>/x.o, with <layer>'s view.
$(BUILD)/userspace/%.o: userspace/%.c $(BUILD)/version.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(addprefix -Iuserspace/,$(USER_SEES_$(patsubst %/,%,$(dir $*)))) \
		$(USER_CFLAGS_$(patsubst %/,%,$(dir $*))) $(CFLAGS) -c -o $@ $<

$(BUILD)/pic/%.o: %.c $(BUILD)/version.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

# Rewritten only when the tools' link changes (STATIC=0 after a static
# build, say), so that they link again.
$(BUILD)/link.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(TOOL_LDFLAGS) $(TOOL_LIBS)' | cmp -s - $@ || echo '$(TOOL_LDFLAGS) $(TOOL_LIBS)' >$@

$(BUILD)/fluxctl: $(FLUXCTL_OBJS) $(BUILD)/link.stamp
	$(CC) $(CFLAGS) $(LDFLAGS) $(TOOL_LDFLAGS) -o $@ $(FLUXCTL_OBJS) $(TOOL_LIBS)

$(BUILD)/fluxcapacitor: $(FLUXCAPACITOR_OBJS) $(BUILD)/link.stamp
	$(CC) $(CFLAGS) $(LDFLAGS) $(TOOL_LDFLAGS) -o $@ $(FLUXCAPACITOR_OBJS) $(TOOL_LIBS)

$(BUILD)/libfluxcap-preload.so: $(PRELOAD_OBJS) preload/fluxcap_preload.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,--version-script=preload/fluxcap_preload.map \
		-o $@ $(PRELOAD_OBJS) -ldl

# One kbuild run per kernel, each in its own tree of symlinks so the objects
# of two kernels (and of userspace) never overwrite each other.
module: $(foreach k,$(KVERS),$(BUILD)/$(k)/fluxcap.ko)

$(BUILD)/%/fluxcap.ko: FORCE
	@if [ ! -d /lib/modules/$*/build ] && [ -d $(TRIXIE_ROOT)/lib/modules/$*/build ]; then \
		echo "  CHROOT  $(TRIXIE_ROOT): fluxcap.ko for $*"; \
		scripts/chroot-kbuild.sh $(TRIXIE_ROOT) $* $(BUILD)/$* '$(VERSION)'; \
	else \
		test -d /lib/modules/$*/build || { echo "no headers for kernel $* (make deps)" >&2; exit 1; }; \
		mkdir -p $(BUILD)/$*/src && \
		find $(BUILD)/$*/src -xtype l -delete && \
		cp -rsf $(CURDIR)/Kbuild $(CURDIR)/module $(CURDIR)/core $(CURDIR)/include $(BUILD)/$*/src/ && \
		$(MAKE) -C /lib/modules/$*/build M=$(CURDIR)/$(BUILD)/$*/src W=1 \
			FLUXCAP_VERSION='$(VERSION)' FLUXCAP_WERROR=1 modules && \
		cp $(BUILD)/$*/src/fluxcap.ko $@; \
	fi
FORCE:

$(KSFT_DIR)/kselftest_harness.h:
	@test -n "$(KSRC_TARBALL)" || { echo "no /usr/src/linux-source-*.tar.xz (make deps)" >&2; exit 1; }
	@mkdir -p $(KSFT_DIR)
	tar -xJf $(KSRC_TARBALL) -C $(KSFT_DIR) --strip-components=4 --wildcards \
		'*/tools/testing/selftests/kselftest.h' '*/tools/testing/selftests/kselftest_harness.h'

selftests: $(SELFTESTS)

# Only tools/testing/selftests/timers/ (and kselftest.h, above) is taken.
$(KSFT_DIR)/timers/.extracted: $(KSFT_DIR)/kselftest_harness.h
	@mkdir -p $(KSFT_DIR)
	tar -xJf $(KSRC_TARBALL) -C $(KSFT_DIR) --strip-components=4 --wildcards \
		'*/tools/testing/selftests/timers/*'
	@touch $@

ktimers: $(KTIMER_PROGS)

# Upstream code: their Makefile's flags, no -Werror.
$(BUILD)/ktimers/%: $(KSFT_DIR)/timers/.extracted
	@mkdir -p $(dir $@)
	$(CC) -O3 -Wl,-no-as-needed -Wall -o $@ $(KSFT_DIR)/timers/$*.c -lrt -lpthread -lm

$(BUILD)/selftests/%: selftests/%.c $(BUILD)/version.stamp $(KSFT_DIR)/kselftest_harness.h $(wildcard selftests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -isystem $(KSFT_DIR) $(CFLAGS) -o $@ $< -lpthread

# Host unit tests: core/ under ASan+UBSan.
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
host-tests: $(HOSTTESTS) $(PROGS)

$(BUILD)/tests/progs/%: tests/host/progs/%.c $(wildcard tests/host/progs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< -lpthread

$(BUILD)/tests/progs/m32/%: tests/host/progs/m32/%.c
	@mkdir -p $(dir $@)
	$(CC) -m32 $(CFLAGS) -o $@ $<

$(BUILD)/tests/progs/%.static: tests/host/progs/%.c $(wildcard tests/host/progs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -static -o $@ $< -lpthread

$(BUILD)/tests/progs/%.musl: tests/host/progs/%.c $(wildcard tests/host/progs/*.h)
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(CPPFLAGS) $(CFLAGS) -static -o $@ $< -lpthread

$(BUILD)/tests/progs/vtime.go.static: $(GO_SRCS)
	@mkdir -p $(dir $@)
	cd tests/host/progs/go && $(GO_ENV) $(GO) build -trimpath -o $(abspath $@) .

$(BUILD)/tests/%: tests/host/%.c $(CORE_SRCS) $(wildcard core/*.h tests/host/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -o $@ $< $(CORE_SRCS)

# The seccomp program of ptrace mode, with the ABI tables it is built from.
FILTER_TEST_SRCS := userspace/ptrace/trace_filter.c userspace/ptrace/abi_nr_ia32.c \
		    userspace/ptrace/abi_nr_x32.c
$(BUILD)/tests/trace_filter_test: tests/host/trace_filter_test.c $(FILTER_TEST_SRCS) \
		$(wildcard userspace/ptrace/*.h tests/host/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iuserspace/ptrace $(CFLAGS) $(SAN) -o $@ $< $(FILTER_TEST_SRCS)

# ia32/x32 calls, with this process standing in for the tracee.
FOREIGN_TEST_SRCS := userspace/ptrace/foreign_abi.c userspace/ptrace/foreign_call.c \
		     userspace/ptrace/trace_wait.c userspace/ptrace/tracemem.c $(FILTER_TEST_SRCS)
$(BUILD)/tests/foreign_call_test: tests/host/foreign_call_test.c $(FOREIGN_TEST_SRCS) \
		$(CORE_SRCS) $(wildcard userspace/ptrace/*.h core/*.h tests/host/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iuserspace/ptrace $(CFLAGS) $(SAN) -o $@ $< $(FOREIGN_TEST_SRCS) \
		$(CORE_SRCS)

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

# Every kernel in a VM (all rows), then this machine's ptrace mode ((a),
# (d) with 1000 threads, Python, a JVM's hour), then 50 back-to-back
# kernel-mode runs per kernel (the spread: bench/outliers.sh).
bench: userspace $(BUILD)/bench/workload
	bench/run.sh
	bench/run.sh --here --no-build
	bench/outliers.sh

deps:
	@scripts/deps.sh

# One kernel at a time (KVER=... for some): 100000 fuzzed requests, 10000
# signal/jump races, 10000 freeze/delete/thaw races, 50 unload cycles.
stress: all
	@for k in $(KVERS); do \
		echo "=== stress on $$k"; \
		tests/vm/run --kernel $$k --timeout 3600 -- tests/vm/stress.sh || exit 1; \
	done

check:
	@tests/check.sh

host-check: all host-tests
	@tests/check.sh --no-deps --no-vm

vm-check: all
	@tests/check.sh --no-deps --no-host $(addprefix --kernel ,$(KVER))

style:
	@tests/style.sh

# The README's first command: installs what it needs (as make check does:
# idempotent, as root), builds, then shows both modes (scripts/demo.sh).
run:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

include packaging/install.mk

# fluxcap and fluxcap-dkms .debs in $(BUILD)/deb/, built from a copy of the
# tree with packaging/debian/ (scripts/deb.sh).
deb:
	@BUILD=$(BUILD) scripts/deb.sh

# The trixie build root (a 750 MB download) stays; distclean takes it too.
clean:
	find $(BUILD) -mindepth 1 -maxdepth 1 ! -name $(notdir $(TRIXIE_ROOT)) -exec rm -rf {} + 2>/dev/null || true
	rm -rf $(TRIXIE_ROOT)/usr/src/fluxcap-build

distclean: clean
	rm -rf $(BUILD)
	find module core -name '*.o' -o -name '*.cmd' -o -name '*.mod*' | xargs rm -f

-include $(shell find $(BUILD) -path $(TRIXIE_ROOT) -prune -o -name '*.d' -type f -print 2>/dev/null)
