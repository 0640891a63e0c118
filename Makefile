# SPDX-License-Identifier: MIT
# vigil: `make` builds build/vigil and build/libvigil.so; see README.md for the rest.

.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

PREFIX ?= /usr/local
BUILD  := build
CC     ?= cc
CXX    ?= c++
CLANG  ?= clang
BPFTOOL ?= bpftool

ifeq ($(V),1)
Q :=
msg = @true
SUBMAKE_FLAGS := --no-print-directory
else
Q := @
msg = @printf '  %-7s %s\n' $(1) $(2)
SUBMAKE_FLAGS := --no-print-directory -s
endif

WARN   := -Wall -Wextra -Werror
CFLAGS_COMMON := -std=gnu11 -O2 -g $(WARN) -Iinclude -D_GNU_SOURCE -MMD -MP
PKG_LIBS := libdw libelf libunwind jansson libbpf

# The preload runs inside the target: PIC, hidden, initial-exec TLS, and no builtin
# allocator assumptions (STYLE.md).
PRELOAD_CFLAGS := $(CFLAGS_COMMON) -fPIC -fvisibility=hidden -ftls-model=initial-exec \
	-fno-builtin-malloc -fno-builtin-calloc -fno-builtin-realloc -fno-builtin-free \
	-fno-omit-frame-pointer -fno-stack-protector -fexceptions
PRELOAD_LDFLAGS := -shared -Wl,--version-script=preload/libvigil.map -Wl,-z,nodelete \
	-Wl,-z,now
PRELOAD_LIBS := -ldl -lpthread -lm

CLI_CFLAGS := $(CFLAGS_COMMON)
CLI_LIBS   := $(shell pkg-config --libs $(PKG_LIBS) 2>/dev/null || echo -ldw -lelf -lunwind -ljansson) -lstdc++

PRELOAD_SRCS := $(wildcard preload/*.c)
PRELOAD_OBJS := $(PRELOAD_SRCS:%.c=$(BUILD)/%.o)
# Modules with no interposition: linked into unit tests and (some) into the CLI.
PRELOAD_PURE := options stacktab heaptab scan rawlog ialloc unwind maps quarantine threadtab fdtab
PURE_OBJS    := $(foreach m,$(PRELOAD_PURE),$(if $(wildcard preload/$(m).c),$(BUILD)/pure/preload/$(m).o))

# BPF programs (CO-RE): vmlinux.h from the running kernel's BTF, one object and one
# skeleton per bpf/*.bpf.c; the CLI embeds the skeletons.
BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
BPF_SKELS := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/gen/%.skel.h)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -I$(BUILD)/gen -Iinclude

CLI_SRCS := $(wildcard src/*.c)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/pure/preload/options.o \
	$(BUILD)/pure/preload/rawlog.o
CLI_LIB_OBJS := $(filter-out $(BUILD)/src/main.o,$(CLI_OBJS))
# The CLI already links options.o and rawlog.o: list each object once, or the link fails.
UNIT_OBJS := $(CLI_LIB_OBJS) $(filter-out $(CLI_LIB_OBJS),$(PURE_OBJS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)

CASE_C   := $(wildcard tests/cases/*.c)
CASE_CXX := $(wildcard tests/cases/*.cc)
CASE_BINS := $(CASE_C:tests/cases/%.c=$(BUILD)/tests/cases/%) \
	$(CASE_CXX:tests/cases/%.cc=$(BUILD)/tests/cases/%)
# Test programs: debug info, no optimisation, so lines in reports are exact.
CASE_CFLAGS := -O0 -g -fno-omit-frame-pointer -fno-inline -pthread -Wall -Wno-unused
# Shared objects the cases dlopen, in a directory of their own that only a case's
# RUNPATH ($ORIGIN/lib) leads to.
CASE_PLUGINS := $(patsubst tests/cases/plugins/%.c,$(BUILD)/tests/cases/lib/%.so,\
	$(wildcard tests/cases/plugins/*.c))

DEMO_BINS := $(BUILD)/demo/server $(BUILD)/demo/loadgen
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

.PHONY: all test unit integration check-exports demo bench install clean deps cases build
all: $(BUILD)/vigil $(BUILD)/libvigil.so
build: all

$(BUILD)/libvigil.so: $(PRELOAD_OBJS) preload/libvigil.map
	$(call msg,LD,$@)
	$(Q)$(CC) $(PRELOAD_LDFLAGS) -o $@ $(PRELOAD_OBJS) $(PRELOAD_LIBS)

$(BUILD)/preload/%.o: preload/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PRELOAD_CFLAGS) -c -o $@ $<

# Every interposed name, from the export list: realsym.c resolves them all at start.
$(BUILD)/gen/realsyms.h: preload/libvigil.map
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)sed -n '/global:/,/local:/p' $< | sed -e '/global:\|local:/d' -e 's|/\*.*\*/||' | \
		tr ';' '\n' | tr -d ' \t' | grep -v '^$$' | sed 's/.*/"&",/' > $@.tmp && mv $@.tmp $@

$(BUILD)/preload/realsym.o: $(BUILD)/gen/realsyms.h
$(BUILD)/preload/realsym.o: PRELOAD_CFLAGS += -I$(BUILD)/gen

$(BUILD)/pure/preload/%.o: preload/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) -fPIC -c -o $@ $<

$(BUILD)/src/%.o: src/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CLI_CFLAGS) -I$(BUILD)/gen -c -o $@ $<

$(BUILD)/gen/vmlinux.h:
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BUILD)/gen/vmlinux.h include/vigil/bpf_event.h
	$(call msg,CLANG,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(BUILD)/gen/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name vigil_$* > $@.tmp && mv $@.tmp $@

# Syscall names for reports, from the kernel headers this machine builds against.
$(BUILD)/gen/syscall_names.h: /usr/include/x86_64-linux-gnu/asm/unistd_64.h
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$$/[\2] = "\1",/p' $< > $@.tmp && mv $@.tmp $@

$(CLI_OBJS): | $(BPF_SKELS) $(BUILD)/gen/syscall_names.h
.SECONDARY: $(BPF_OBJS)

$(BUILD)/vigil: $(CLI_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) -o $@ $(CLI_OBJS) $(CLI_LIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(UNIT_OBJS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_COMMON) -Isrc -Ipreload -o $@ $< $(UNIT_OBJS) \
		-lcriterion $(CLI_LIBS) -lpthread

$(BUILD)/tests/cases/%: tests/cases/%.c $(wildcard tests/cases/include/*.h)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CASE_CFLAGS) -o $@ $< $(shell sed -n 's|^// *build-flags: *||p' $<)

# A static twin includes its dynamic case's source: rebuilt when either changes.
$(BUILD)/tests/cases/%_static: tests/cases/%_static.c tests/cases/%.c \
		$(wildcard tests/cases/include/*.h)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CASE_CFLAGS) -o $@ $< $(shell sed -n 's|^// *build-flags: *||p' $<)

$(BUILD)/tests/cases/lib/%.so: tests/cases/plugins/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CASE_CFLAGS) -fPIC -shared -o $@ $<

$(BUILD)/tests/cases/%: tests/cases/%.cc $(wildcard tests/cases/include/*.h)
	$(call msg,CXX,$@)
	@mkdir -p $(@D)
	$(Q)$(CXX) $(CASE_CFLAGS) -o $@ $< $(shell sed -n 's|^// *build-flags: *||p' $<)

# The demo server is built like a service would be: optimised, with debug info.
$(BUILD)/demo/%: scripts/demo/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O1 -g -fno-omit-frame-pointer -pthread $(WARN) -o $@ $<

$(BUILD)/bench/%: bench/%.c bench/bench.h
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -g -pthread $(WARN) -o $@ $<

# The loader of the syscall benchmarks' floor (bpf/floor.bpf.c): its skeleton, libbpf.
$(BUILD)/bench/bpf_floor: bench/bpf_floor.c $(BUILD)/gen/floor.skel.h
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -g $(WARN) -I$(BUILD)/gen -o $@ $< -lbpf -lelf -lz

cases: $(CASE_BINS) $(CASE_PLUGINS)

deps:
	$(Q)scripts/deps.sh

check-exports: $(BUILD)/libvigil.so
	$(Q)scripts/check-exports.sh $(BUILD)/libvigil.so preload/libvigil.map

unit: $(UNIT_BINS)
	$(Q)scripts/run-unit.sh $(UNIT_BINS)

integration: all $(CASE_BINS) $(CASE_PLUGINS)
	$(Q)tests/integration/run.sh

# deps first and alone: nothing can compile on a machine that lacks the packages.
test: deps
	$(Q)$(MAKE) $(SUBMAKE_FLAGS) all $(UNIT_BINS) $(CASE_BINS) $(CASE_PLUGINS)
	$(Q)$(MAKE) $(SUBMAKE_FLAGS) check-exports
	$(Q)$(MAKE) $(SUBMAKE_FLAGS) unit
	$(Q)$(MAKE) $(SUBMAKE_FLAGS) integration

demo: deps
	$(Q)$(MAKE) $(SUBMAKE_FLAGS) all $(DEMO_BINS)
	$(Q)scripts/demo.sh --no-build

# BENCH=redis (or malloc) runs only the benchmarks whose id holds that word.
bench: all $(BENCH_BINS)
	$(Q)scripts/bench.sh --no-build $(BENCH)

install: all
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/vigil
	$(Q)install -m 0755 $(BUILD)/vigil $(DESTDIR)$(PREFIX)/bin/vigil
	$(Q)install -m 0644 $(BUILD)/libvigil.so $(DESTDIR)$(PREFIX)/lib/vigil/libvigil.so

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD) vigil-report

-include $(wildcard $(PRELOAD_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(PURE_OBJS:.o=.d) \
	$(UNIT_BINS:=.d))
