# bpfload - a BPF ELF loader over the raw bpf() system call.
#
#   make              library (static + shared), CLI, kern objects, samples, tests
#   make demo         install dependencies (Debian), build, run a sample
#   make check        every test: unit (ASan+UBSan), kernel, CLI, samples, fuzz round, VM
#   make vmtest       the kprobe/fentry/uprobe tests inside QEMU guests
#   make bench        benchmarks (figures, never pass/fail)
#   make install      PREFIX=/usr/local DESTDIR=
#
# CC, CLANG, CFLAGS, LDFLAGS may be overridden; V=1 shows the commands.

CC	?= gcc
CLANG	?= clang
AR	?= ar
CFLAGS	?= -O2 -g
PREFIX	?= /usr/local
LIBDIR	?= $(PREFIX)/lib
INCDIR	?= $(PREFIX)/include
BINDIR	?= $(PREFIX)/bin
DESTDIR	?=
BUILD	?= build

VERSION	:= 0.1.0
SOVER	:= 0

ifeq ($(V),1)
Q	:=
msg	=
else
Q	:= @
msg	= @printf '  %-8s %s\n' $(1) $(2);
endif

MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
ARCH	  := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

WARN	:= -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	   -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wvla
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Iinclude -Iloader $(WARN)
LIB_CFLAGS  := $(BASE_CFLAGS) -fPIC -fvisibility=hidden -DBL_BUILDING_LIB
LIBS	:= -lelf -lz

# The object model (ELF, BTF, maps, relocations) is pure: no system
# calls into the kernel, so unit tests and the fuzzer link it alone.
OBJECT_SRCS := $(sort $(wildcard loader/object/*.c))
KERNEL_SRCS := $(sort $(wildcard loader/kernel/*.c))
COMPAT_SRCS := $(sort $(wildcard loader/compat/*.c))
CLI_SRCS    := $(sort $(wildcard loader/cli/*.c))
LIB_SRCS    := $(OBJECT_SRCS) $(KERNEL_SRCS) $(COMPAT_SRCS)
LIB_OBJS    := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS    := $(CLI_SRCS:%.c=$(BUILD)/%.o)

LIB_A	:= $(BUILD)/lib/libbpfload.a
LIB_SO	:= $(BUILD)/lib/libbpfload.so
CLI	:= $(BUILD)/bin/bpfload

# BPF programs: clang -O2 -g -target bpf.  -mcpu=v3 gives atomics with
# results, 32-bit jumps and ALU32 (every kernel we test, 5.10+, has them).
BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Iinclude \
	      $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH)) -Wall -Wno-unused-value \
	      -Wno-pointer-sign -Wno-compare-distinct-pointer-types -Wno-address-of-packed-member

KERN_SRCS := $(sort $(wildcard kern/*_kern.c))
KERN_OBJS := $(KERN_SRCS:kern/%.c=$(BUILD)/bin/%.o)
USER_SRCS := $(sort $(wildcard user/*_user.c))
USER_BINS := $(USER_SRCS:user/%_user.c=$(BUILD)/bin/%)
USER_HELPER_SRCS := $(sort $(filter-out %_user.c,$(wildcard user/*.c)))
USER_HELPER_BINS := $(USER_HELPER_SRCS:user/%.c=$(BUILD)/bin/%)

TOBJ_SRCS := $(sort $(wildcard tests/objs/*.c))
TOBJS	  := $(TOBJ_SRCS:tests/objs/%.c=$(BUILD)/tests/objs/%.o)

# Unit tests: the pure object model built with ASan + UBSan.
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_SRCS  := $(sort $(wildcard tests/unit/t_*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
SAN_OBJS   := $(OBJECT_SRCS:%.c=$(BUILD)/san/%.o)

# Benchmarks: figures printed by `make bench`, never pass/fail.
BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/tests/bench/%)

# The fuzz target: libFuzzer over the pure object model (clang only).
FUZZ_BIN   := $(BUILD)/fuzz/fuzz_object
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

# Kernel tests: the real library against the running kernel.
KTEST_SRCS := $(sort $(wildcard tests/kernel/t_*.c))
KTEST_BINS := $(KTEST_SRCS:tests/kernel/%.c=$(BUILD)/tests/kernel/%)
TEST_HELPER_SRCS := $(sort $(filter-out tests/kernel/t_%,$(wildcard tests/kernel/*.c)))

# VM tests: static binaries (the guest has no libc) run by tests/vm/run
# inside QEMU guests booting Debian's kernels, which have kprobes.
VMTEST_SRCS := $(sort $(wildcard tests/vm/t_*.c))
VMTEST_BINS := $(VMTEST_SRCS:tests/vm/%.c=$(BUILD)/tests/vm/%)
# The samples, static too, for the kprobe samples' tests in the guests.
VMSAMPLE_BINS := $(USER_SRCS:user/%_user.c=$(BUILD)/tests/vm/samples/%)

.PHONY: all lib cli kern user tests check unit-check kernel-check vmtest fuzz \
	fuzz-check bench install uninstall clean help deps demo
.SUFFIXES:
.SECONDARY:

all: lib cli kern user tests

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

lib: $(LIB_A) $(LIB_SO)
cli: $(CLI)
kern: $(KERN_OBJS)
user: $(USER_BINS) $(USER_HELPER_BINS)
tests: $(TOBJS) $(UNIT_BINS) $(KTEST_BINS) $(VMTEST_BINS) $(VMSAMPLE_BINS) $(FUZZ_BIN) \
	$(BENCH_BINS)

HDRS := $(wildcard include/*.h include/bpfload/*.h loader/*/*.h loader/*.h)
SAMPLE_HDRS := $(wildcard user/*.h kern/*.h)

$(BUILD)/loader/%.o: loader/%.c $(HDRS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LIB_CFLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJS)
	$(call msg,AR,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIB_SO): $(LIB_OBJS)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libbpfload.so.$(SOVER) -o $@ $^ $(LIBS)

$(CLI): $(CLI_OBJS) $(LIB_A)
	$(call msg,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB_A) $(LIBS) -lpthread

$(BUILD)/bin/%_kern.o: kern/%_kern.c $(wildcard include/bpfload/kern*.h kern/*.h)
	$(call msg,CLANG,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# CO-RE kern programs (kern/*_core_kern.c) include a vmlinux.h: the
# kernel's types written from its BTF by our own CLI.  Only they depend on
# it.  VMLINUX_BTF=FILE takes the types from another BTF (raw, or an ELF
# vmlinux) on a machine whose kernel has none.
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VMLINUX_H   := $(BUILD)/include/vmlinux.h

$(VMLINUX_H): $(CLI) $(wildcard $(VMLINUX_BTF))
	$(call msg,GEN,$@)
	@if [ ! -r "$(VMLINUX_BTF)" ]; then \
		echo "make: no $(VMLINUX_BTF): without the kernel's BTF" \
		     "(CONFIG_DEBUG_INFO_BTF) $@ cannot be written for the CO-RE" \
		     "objects (kern/*_core_kern.c). Build them with VMLINUX_BTF=FILE" \
		     "(a raw BTF file or an ELF vmlinux with .BTF)." >&2; \
		exit 1; \
	fi
	@mkdir -p $(@D)
	$(Q)$(CLI) btf dump $(VMLINUX_BTF) --format c -o $@.tmp && mv -f $@.tmp $@

$(BUILD)/bin/%_core_kern.o: kern/%_core_kern.c $(VMLINUX_H) \
			    $(wildcard include/bpfload/kern*.h kern/*.h)
	$(call msg,CLANG,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -I$(BUILD)/include -c $< -o $@

$(BUILD)/bin/%: user/%_user.c $(LIB_A) $(HDRS) $(SAMPLE_HDRS)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(BASE_CFLAGS) -Iuser $(LDFLAGS) -o $@ $< $(LIB_A) $(LIBS) -lpthread

$(BUILD)/bin/%: user/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -O0 -g -std=gnu11 -Wall $(LDFLAGS) -o $@ $<

$(BUILD)/tests/objs/%.o: tests/objs/%.c $(wildcard include/bpfload/kern*.h tests/objs/*.h)
	$(call msg,CLANG,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Itests/objs -c $< -o $@

$(BUILD)/san/%.o: %.c $(HDRS)
	$(call msg,CC-SAN,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -O1 -g $(BASE_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/tests/unit/%: tests/unit/%.c $(SAN_OBJS) $(HDRS) tests/tap.h $(wildcard tests/unit/*.h)
	$(call msg,CC-SAN,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -O1 -g $(BASE_CFLAGS) -Itests $(SAN_FLAGS) -o $@ $< $(SAN_OBJS) $(LIBS)

$(BUILD)/tests/kernel/%: tests/kernel/%.c $(TEST_HELPER_SRCS) $(LIB_A) $(HDRS) tests/tap.h \
			 $(wildcard tests/kernel/*.h)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(BASE_CFLAGS) -Itests $(LDFLAGS) -o $@ $< $(TEST_HELPER_SRCS) \
		$(LIB_A) $(LIBS) -lpthread

# (most VM tests #include the kernel test of the same name)
.SECONDEXPANSION:
$(BUILD)/tests/vm/%: tests/vm/%.c $$(wildcard tests/kernel/$$*.c) $(TEST_HELPER_SRCS) $(LIB_A) \
		     $(HDRS) tests/tap.h $(wildcard tests/kernel/*.h)
	$(call msg,CC-STATIC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(BASE_CFLAGS) -Itests -Itests/kernel $(LDFLAGS) -static -o $@ $< \
		$(TEST_HELPER_SRCS) $(LIB_A) $(LIBS) -lpthread

$(BUILD)/tests/vm/samples/%: user/%_user.c $(LIB_A) $(HDRS) $(SAMPLE_HDRS)
	$(call msg,CC-STATIC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(BASE_CFLAGS) -Iuser $(LDFLAGS) -static -o $@ $< $(LIB_A) $(LIBS) -lpthread

$(BUILD)/tests/bench/%: tests/bench/%.c $(TEST_HELPER_SRCS) $(LIB_A) $(HDRS) \
			$(wildcard tests/bench/*.h tests/kernel/*.h)
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) -O2 -g $(BASE_CFLAGS) -Itests -Itests/kernel $(LDFLAGS) -o $@ $< \
		$(LIB_A) $(LIBS) -lpthread

$(FUZZ_BIN): tests/fuzz/fuzz_object.c $(OBJECT_SRCS) $(HDRS)
	$(call msg,FUZZ,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_FLAGS) $(BASE_CFLAGS) -o $@ tests/fuzz/fuzz_object.c $(OBJECT_SRCS) $(LIBS)

# ---- tests --------------------------------------------------------------

deps:
	$(Q)tools/install-deps

# One command on a fresh machine: dependencies, build, a sample end to end.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo

check: all
	$(Q)tests/run-tests

unit-check: all
	$(Q)tests/run-tests unit

kernel-check: all
	$(Q)tests/run-tests kernel

vmtest: all
	$(Q)tests/run-tests vm

fuzz: $(FUZZ_BIN) $(TOBJS) kern
	$(Q)tests/fuzz/run $(or $(FUZZ_SECONDS),600)

bench: all
	$(Q)tests/bench/run

# ---- install ------------------------------------------------------------

PC_FILE := $(BUILD)/lib/bpfload.pc

$(PC_FILE): Makefile
	@mkdir -p $(@D)
	$(Q)printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCDIR)' '' \
		'Name: bpfload' 'Description: BPF ELF loader over the raw bpf() system call' \
		'Version: $(VERSION)' 'Requires.private: libelf zlib' \
		'Libs: -L$${libdir} -lbpfload' 'Libs.private: -lelf -lz -lpthread' \
		'Cflags: -I$${includedir}' > $@

install: lib cli $(PC_FILE)
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR)/bpfload $(DESTDIR)$(BINDIR)
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/libbpfload.a
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/libbpfload.so.$(VERSION)
	ln -sf libbpfload.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libbpfload.so.$(SOVER)
	ln -sf libbpfload.so.$(SOVER) $(DESTDIR)$(LIBDIR)/libbpfload.so
	install -m 644 include/bpfload.h include/bpf_load.h $(DESTDIR)$(INCDIR)/
	install -m 644 include/bpfload/*.h $(DESTDIR)$(INCDIR)/bpfload/
	install -m 644 $(PC_FILE) $(DESTDIR)$(LIBDIR)/pkgconfig/bpfload.pc
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/bpfload

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libbpfload.a $(DESTDIR)$(LIBDIR)/libbpfload.so* \
	      $(DESTDIR)$(LIBDIR)/pkgconfig/bpfload.pc $(DESTDIR)$(INCDIR)/bpfload.h \
	      $(DESTDIR)$(INCDIR)/bpf_load.h $(DESTDIR)$(BINDIR)/bpfload
	rm -rf $(DESTDIR)$(INCDIR)/bpfload

clean:
	rm -rf $(BUILD)
