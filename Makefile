# fragguard: the preloaded shim (build/libfragguard.so), the CLI (build/fragguard)
# and their tests. GNU make, one file, everything under build/. V=1 shows commands.

CC       ?= cc
CLANG    ?= clang
PREFIX   ?= /usr/local
UNWIND   ?= 1
WERROR   ?= 0
B        ?= build
# Unit tests run under ASan+UBSan; cross and musl builds have neither.
SANITIZE ?= -fsanitize=address,undefined
VERSION  ?= 0.1
# Parallel jobs for the builds `make test`, cross and musl start themselves.
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wundef -Wvla
ifeq ($(WERROR),1)
WARN     += -Werror
endif
CFLAGS   ?= -O2 -g
BASE     := -std=gnu11 -D_GNU_SOURCE $(WARN) -Iinclude -Ishim
SHIMFLAGS:= -fPIC -fvisibility=hidden -ftls-model=initial-exec -fno-builtin-malloc \
            -fno-builtin-free -fno-builtin-calloc -fno-builtin-realloc -fno-plt \
            -fasynchronous-unwind-tables -DFG_UNWIND=$(UNWIND) -Wframe-larger-than=4608 \
            -ffunction-sections -fdata-sections
# (The shim runs on the program's stacks: a constructor on a main thread of
# ulimit -s 16 KiB, malloc on threads of PTHREAD_STACK_MIN. A 16 KiB frame in
# load_config crashed every program under ulimit -s 24 or less.)
SHIMLIBS := -ldl -lpthread

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The pure core (no allocation, no libc state): compiled into the shim, the CLI
# and the unit tests alike. Add a file here when the CLI or a unit test needs it.
CORE_SRC  := $(sort $(wildcard shim/kmem*.c shim/policy.c shim/conf.c shim/fmt.c \
                                shim/sizeclass.c shim/oomlog*.c shim/geometry.c \
                                shim/bitrun.c))
SHIM_SRC  := $(sort $(wildcard shim/*.c))
TOOL_SRC  := $(sort $(wildcard tools/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
PRE_SRC   := $(sort $(wildcard tests/preload/*.c))
HELP_SRC  := $(sort $(wildcard tests/helpers/*.c))
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))

SHIM_OBJ  := $(SHIM_SRC:%.c=$(B)/pic/%.o)
CORE_OBJ  := $(CORE_SRC:%.c=$(B)/obj/%.o)
SAN_OBJ   := $(CORE_SRC:%.c=$(B)/san/%.o)
FZ_CORE   := $(CORE_SRC:%.c=$(B)/fuzz/obj/%.o)
FZ_TOOL   := $(patsubst %.c,$(B)/fuzz/obj/%.o,$(filter-out tools/fragguard.c,$(TOOL_SRC)))
TOOL_OBJ  := $(TOOL_SRC:%.c=$(B)/obj/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
PRE_BIN   := $(PRE_SRC:tests/preload/%.c=$(B)/tests/preload/%)
HELP_BIN  := $(HELP_SRC:tests/helpers/%.c=$(B)/tests/helpers/%)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)

LIB       := $(B)/libfragguard.so
CLI       := $(B)/fragguard
TOOL_LIBS := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson) -lm

.PHONY: all test test-build demo deps clean fuzz fuzz-long check-deps check-build-deps bench bench-quick vmtest
all: check-build-deps $(LIB) $(if $(TOOL_SRC),$(CLI))

check-build-deps:
	@sh tests/deps.sh build

# Flags are recorded so that a changed flag rebuilds everything.
$(B)/flags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(CFLAGS) $(BASE) $(SHIMFLAGS) $(SHIMLIBS) $(SANITIZE)' | cmp -s - $@ || \
	  echo '$(CC) $(CFLAGS) $(BASE) $(SHIMFLAGS) $(SHIMLIBS) $(SANITIZE)' > $@
FORCE:

$(B)/pic/%.o: %.c $(B)/flags
	@mkdir -p $(dir $@)
	@echo "  CC(pic) $<"
	$(Q)$(CC) $(CFLAGS) $(BASE) $(SHIMFLAGS) $(TAILFLAGS_$(notdir $*)) -MMD -MP -c $< -o $@

# shim/dlopen.c must reach the C library's dlopen by a tail call (the caller
# decides RUNPATH and $$ORIGIN): optimised even in a -O0 build.
TAILFLAGS_dlopen := -O2 -foptimize-sibling-calls

$(B)/obj/%.o: %.c $(B)/flags
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(BASE) $(DEFS) -MMD -MP -c $< -o $@

$(LIB): $(SHIM_OBJ) shim/exports.map
	@echo "  LD      $@"
	$(Q)$(CC) -shared -Wl,--version-script=shim/exports.map -Wl,-z,nodelete \
	  -Wl,-z,now -Wl,--gc-sections -o $@ $(SHIM_OBJ) $(SHIMLIBS)

$(CLI): $(TOOL_OBJ) $(CORE_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $(TOOL_OBJ) $(CORE_OBJ) $(TOOL_LIBS)

# Kept, not deleted as intermediates: the next make would compile them again.
.SECONDARY: $(SAN_OBJ) $(FZ_CORE) $(FZ_TOOL)

# The core compiled once with the unit tests' sanitizers, linked into each.
$(B)/san/%.o: %.c $(B)/flags
	@mkdir -p $(dir $@)
	@echo "  CC(san) $<"
	$(Q)$(CC) $(CFLAGS) $(BASE) $(SANITIZE) -fno-omit-frame-pointer -MMD -MP -c $< -o $@

$(B)/tests/unit/%: tests/unit/%.c $(SAN_OBJ) tests/unit/unit.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(BASE) -Itests/unit $(SANITIZE) \
	  -fno-omit-frame-pointer -o $@ $< $(SAN_OBJ) -lm

# Its RUNPATH is how it finds libfgvictim.so: dlopen must see it as the caller.
$(B)/tests/preload/dlopen_caller: tests/preload/dlopen_caller.c tests/preload/check.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -O1 -g -std=gnu11 -D_GNU_SOURCE -Iinclude -fno-builtin -pthread \
	  -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/..' -o $@ $< -ldl -lpthread

$(B)/tests/preload/%: tests/preload/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -O1 -g -std=gnu11 -D_GNU_SOURCE -Iinclude -fno-builtin -pthread \
	  -o $@ $< -ldl -lpthread

$(B)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -O1 -g -std=gnu11 -D_GNU_SOURCE -Iinclude -fno-builtin -pthread \
	  -o $@ $< -ldl -lpthread

$(B)/bench/%: tests/bench/%.c $(wildcard tests/bench/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -g -std=gnu11 -D_GNU_SOURCE -pthread -o $@ $< -lm

# The report reader and renderers are the CLI's: linked with its files but
# its entry point (fragguard.c).
$(B)/fuzz/fuzz_report: tests/fuzz/fuzz_report.c $(FZ_CORE) $(FZ_TOOL) $(wildcard tools/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $<"
	$(Q)$(CLANG) $(FZFLAGS) -Itools -fsanitize=fuzzer,address,undefined -o $@ $< \
	  $(FZ_CORE) $(FZ_TOOL) $(TOOL_LIBS) -lpthread -ldl

# The core (and the CLI's files) compiled once for the fuzzers, linked into each.
FZFLAGS := -O1 -g -std=gnu11 -D_GNU_SOURCE -Iinclude -Ishim
$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC(fuzz) $<"
	$(Q)$(CLANG) $(FZFLAGS) -Itools -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@

$(B)/fuzz/%: tests/fuzz/%.c $(FZ_CORE)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $<"
	$(Q)$(CLANG) $(FZFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(FZ_CORE) -lm

# The shared library used by preload tests (tests/preload/libdl_victim.c style
# helpers are built as .so when their name starts with lib).
$(B)/tests/lib%.so: tests/preload/lib%.c.in
	@mkdir -p $(dir $@)
	$(Q)$(CC) -O1 -g -shared -fPIC -x c -o $@ $<

TEST_LIBS := $(patsubst tests/preload/lib%.c.in,$(B)/tests/lib%.so,$(wildcard tests/preload/lib*.c.in))

test: check-build-deps
	@$(MAKE) --no-print-directory $(if $(findstring -j,$(MAKEFLAGS)),,-j$(JOBS)) test-build
	@sh tests/run.sh
test-build: all $(UNIT_BIN) $(PRE_BIN) $(HELP_BIN) $(TEST_LIBS) $(BENCH_BIN) check-deps

# Cross and musl builds: the same tree into its own build directory, unit
# tests without sanitizers (qemu-user runs neither ASan nor LSan), run by
# tests/cross/run.sh. musl has no <execinfo.h> (backtrace) and libjansson-dev
# cannot be installed for two Debian architectures at once, so UNWIND and
# the CLI follow what the compiler finds.
CROSS_TARGETS = $(LIB) $(UNIT_BIN) $(PRE_BIN) $(TEST_LIBS)
cross_has = $(shell printf '\043include <$(2).h>\nint main(void){return 0;}\n' | \
  $(1) -x c - $(3) -o /dev/null 2>/dev/null && echo 1 || echo 0)
cross_make = $(MAKE) --no-print-directory -j$(JOBS) B=$(1) CC=$(2) SANITIZE= UNWIND=$(call cross_has,$(2),execinfo) \
  CROSS_CLI=$(call cross_has,$(2),jansson,-ljansson) cross-build
.PHONY: cross-arm64 cross-armhf musl cross-build
cross-arm64:
	@$(call cross_make,build-arm64,aarch64-linux-gnu-gcc)
cross-armhf:
	@$(call cross_make,build-armhf,arm-linux-gnueabihf-gcc)
musl:
	@$(call cross_make,build-musl,musl-gcc)
cross-build: $(CROSS_TARGETS) $(if $(filter 1,$(CROSS_CLI)),$(CLI))
	@echo "  built $(B): CC=$(CC) UNWIND=$(UNWIND) CLI=$(if $(filter 1,$(CROSS_CLI)),yes,no)"

# make install [PREFIX=/usr/local] [DESTDIR=...]: the shim in a multiarch
# directory of its own (so that only LD_PRELOAD finds it), the CLI, public
# headers, fragguard.pc, profiles and the systemd drop-in example under
# share/fragguard, man pages. fragguard run finds the shim and the profiles
# relative to its own binary, so a DESTDIR tree works as it is.
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
LIBDIR    ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
SHIMDIR    = $(LIBDIR)/fragguard
INCDIR    ?= $(PREFIX)/include
SHAREDIR  ?= $(PREFIX)/share/fragguard
MANDIR    ?= $(PREFIX)/share/man
INSTALL   ?= install
# The CLI embeds PREFIX (fragguard run looks for the shim and profiles
# there) and fragguard.pc the directories: both depend on a record of them,
# so that `make install PREFIX=...` after a build with another PREFIX rebuilds
# them. DEFS, not BASE: $(B)/flags must not depend on which target made it.
$(B)/paths: FORCE
	@mkdir -p $(B)
	@echo '$(PREFIX) $(LIBDIR) $(INCDIR)' | cmp -s - $@ || echo '$(PREFIX) $(LIBDIR) $(INCDIR)' > $@
$(TOOL_OBJ): $(B)/paths
$(TOOL_OBJ): DEFS = -DFG_PREFIX='"$(PREFIX)"'

$(B)/fragguard.pc: Makefile $(B)/flags $(B)/paths
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCDIR)' \
	  'shim=$${libdir}/fragguard/libfragguard.so' '' 'Name: fragguard' \
	  'Description: fragmentation-aware malloc shim (LD_PRELOAD); fg_* symbols via dlsym' \
	  'Version: $(VERSION)' 'Cflags: -I$${includedir}' 'Libs: -ldl' > $@

.PHONY: install uninstall
install: all $(B)/fragguard.pc
	$(INSTALL) -d $(DESTDIR)$(SHIMDIR) $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(INCDIR)/fragguard \
	  $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	$(INSTALL) -m 644 $(LIB) $(DESTDIR)$(SHIMDIR)/libfragguard.so
	$(INSTALL) -m 755 $(CLI) $(DESTDIR)$(PREFIX)/bin/fragguard
	$(INSTALL) -m 644 include/fragguard.h $(DESTDIR)$(INCDIR)/fragguard.h
	$(INSTALL) -m 644 include/fragguard/*.h $(DESTDIR)$(INCDIR)/fragguard/
	$(INSTALL) -m 644 $(B)/fragguard.pc $(DESTDIR)$(LIBDIR)/pkgconfig/fragguard.pc
	$(INSTALL) -m 644 config/*.conf $(DESTDIR)$(SHAREDIR)/
	$(INSTALL) -m 644 docs/systemd-fragguard.conf $(DESTDIR)$(SHAREDIR)/systemd-fragguard.conf
	$(INSTALL) -m 644 docs/fragguard.1 $(DESTDIR)$(MANDIR)/man1/fragguard.1
	$(INSTALL) -m 644 docs/libfragguard.7 $(DESTDIR)$(MANDIR)/man7/libfragguard.7

uninstall:
	rm -f $(DESTDIR)$(SHIMDIR)/libfragguard.so $(DESTDIR)$(PREFIX)/bin/fragguard \
	  $(DESTDIR)$(INCDIR)/fragguard.h $(addprefix $(DESTDIR)$(INCDIR)/fragguard/,$(notdir $(wildcard include/fragguard/*.h))) \
	  $(DESTDIR)$(LIBDIR)/pkgconfig/fragguard.pc $(addprefix $(DESTDIR)$(SHAREDIR)/,$(notdir $(wildcard config/*.conf))) \
	  $(DESTDIR)$(SHAREDIR)/systemd-fragguard.conf $(DESTDIR)$(MANDIR)/man1/fragguard.1 $(DESTDIR)$(MANDIR)/man7/libfragguard.7
	-rmdir $(DESTDIR)$(SHIMDIR) $(DESTDIR)$(INCDIR)/fragguard $(DESTDIR)$(SHAREDIR) 2>/dev/null

# Installs what the tests use on Debian (needs root), or says what is missing.
deps:
	sh tests/deps.sh install

check-deps:
	@sh tests/deps.sh check

# Side by side with glibc and the peer allocators (tests/bench/bench.py):
# build/bench/results.json and results.md. Benchmarks, not timed tests.
# BENCHFLAGS passes options, e.g. BENCHFLAGS='--only churn --reps 3'. Missing
# Debian peers are installed when run as root (a note and a skip otherwise).
bench: all $(BENCH_BIN)
	@python3 tests/bench/bench.py --install-peers $(BENCHFLAGS)

bench-quick: all $(BENCH_BIN)
	@python3 tests/bench/bench.py --quick $(BENCHFLAGS)

fuzz: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh 20

fuzz-long: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh 600

demo: all
	@sh tools/demo.sh

# The seeds' failures in a small QEMU machine, without and with the shim
# (tests/vm/vmtest.sh): build/vm/, build/vm/results.md, docs/vm-results.md.
vmtest: all
	@sh tests/vm/vmtest.sh

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
