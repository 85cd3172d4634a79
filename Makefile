# bulkhead: a Tox client in sandboxed processes.  See README.md.
#
#   make            build bin/bulkhead and the role executables under build/
#   make check      unit, integration and interop tests, then again under
#                   ASan+UBSan
#   make fuzz       every libFuzzer target for FUZZ_SECONDS each
#   make bench      side-by-side benchmarks against libtoxcore
#   make deps       install missing Debian packages for building, running
#                   and testing (apt-get, sudo if needed)
#   make run        install what building and running need, build on every
#                   core, start the interactive client
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX		?= /usr/local
BINDIR		 = $(PREFIX)/bin
LIBEXECDIR	 = $(PREFIX)/libexec/bulkhead
MANDIR		 = $(PREFIX)/share/man
B		?= build
FB		?= build-fuzz
CC		?= cc
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 15
PKG_CONFIG	?= pkg-config
# Quiet by default; V=1 shows every command.
ifeq ($(V),1)
Q		 =
else
Q		 = @
endif

# Libraries per role: each executable links only its own (ARCHITECTURE.md).
PKGS_KEYD	 = libsodium libseccomp
PKGS_NETD	 = libsodium libseccomp jansson
PKGS_FETCHD	 = libcurl libseccomp
PKGS_MEDIAD	 = opus vpx libseccomp
PKGS_CHATD	 = libsodium libseccomp
PKGS_FRONTEND	 = jansson libqrencode libedit libseccomp
PKGS_SUP	 =
PKGS_ALL	 = libsodium libseccomp libcurl jansson opus vpx libqrencode \
		   libedit
PKGS_TEST	 = cmocka
PKGS_INTEROP	 = toxcore

pkg_cflags	 = $(if $(1),$(shell $(PKG_CONFIG) --cflags $(1)))
pkg_libs	 = $(if $(1),$(shell $(PKG_CONFIG) --libs $(1)))

WARN		 = -Wall -Wextra -Werror -Wvla -Wformat=2 -Wshadow \
		   -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes \
		   -Wcast-qual -Wsign-compare -Wimplicit-fallthrough \
		   -Wno-unused-parameter
HARDEN		 = -fstack-protector-strong -fstack-clash-protection \
		   -fPIE -fno-strict-aliasing -fcf-protection
ifeq ($(SAN),1)
OPT		 = -O1 -g -fno-omit-frame-pointer \
		   -fsanitize=address,undefined -fno-sanitize-recover=all
SANLD		 = -fsanitize=address,undefined
else
OPT		 = -O2 -g -D_FORTIFY_SOURCE=3
SANLD		 =
endif
CPPFLAGS	+= -D_GNU_SOURCE -I. -I$(B)/gen
CFLAGS		+= -std=c11 $(OPT) $(WARN) $(HARDEN) -MMD -MP
LDFLAGS		+= -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack \
		   -Wl,--as-needed $(SANLD)

ROLES		 = keyd netd chatd mediad frontend fetchd
SRC_DIRS	 = common ipc sandbox supervisor $(ROLES)

COMMON_SRCS	 = $(wildcard common/*.c)
IPC_SRCS	 = $(wildcard ipc/*.c)
SANDBOX_SRCS	 = $(wildcard sandbox/*.c)
SUP_SRCS	 = $(wildcard supervisor/*.c)
# Every role dir: <role>/<role>.c holds main(); the rest is its library.
role_lib_srcs	 = $(filter-out $(1)/$(1).c,$(wildcard $(1)/*.c))

obj		 = $(patsubst %.c,$(B)/obj/%.o,$(1))

LIBCOMMON	 = $(B)/lib/libcommon.a
LIBIPC		 = $(B)/lib/libipc.a
LIBSANDBOX	 = $(B)/lib/libsandbox.a
BASELIBS	 = $(LIBSANDBOX) $(LIBIPC) $(LIBCOMMON)
BUILD_ID_OBJ	 = $(B)/obj/gen/build_id.o

BIN_SUP		 = $(B)/bin/bulkhead
BIN_ROLES	 = $(addprefix $(B)/libexec/bulkhead/,$(ROLES))

UNIT_SRCS	 = $(wildcard tests/unit/test_*.c)
INTEG_SRCS	 = $(wildcard tests/integration/test_*.c)
INTEROP_SRCS	 = $(wildcard tests/interop/test_*.c)
INTEROP_TOOLS	 = $(wildcard tests/interop/tool_*.c)
# Test builds of roles (a compromised one, speaking the real IPC).
INTEG_TOOLS	 = $(wildcard tests/integration/tool_*.c)
# Helpers that call libtoxcore go only into the interop tests.
INTEROP_HELPERS	 = tests/lib/toxpeer.c tests/lib/toxpeer_file.c
.SECONDARY: $(call obj,$(INTEROP_HELPERS))
TEST_HELPERS	 = $(filter-out $(INTEROP_HELPERS),$(wildcard tests/lib/*.c))
UNIT_BINS	 = $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
INTEG_BINS	 = $(patsubst tests/integration/%.c,$(B)/tests/%,$(INTEG_SRCS))
INTEROP_BINS	 = $(patsubst tests/interop/%.c,$(B)/tests/%,$(INTEROP_SRCS))
INTEROP_TOOL_BINS = $(patsubst tests/interop/%.c,$(B)/tests/%,$(INTEROP_TOOLS))
INTEG_TOOL_BINS	 = $(patsubst tests/integration/%.c,$(B)/tests/%,$(INTEG_TOOLS))
# The bench: one program (bench/bench.c and its helpers) and the
# libtoxcore node it runs, which links libtoxcore alone.
BENCH_SRCS	 = $(filter-out bench/toxnode.c bench/toxfarm.c,$(wildcard bench/*.c))
BENCH_BIN	 = $(B)/bench/bench
BENCH_TOXNODE	 = $(B)/bench/toxnode
BENCH_TOXFARM	 = $(B)/bench/toxfarm
FUZZ_SRCS	 = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS	 = $(patsubst tests/fuzz/%.c,$(FB)/%,$(FUZZ_SRCS))

# The build id hashes the product's sources and headers only (not the
# bench's or the tests'), so a change there relinks no role.
PRODUCT_HDRS	 = $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.h))
ALL_PRODUCT_SRCS = $(COMMON_SRCS) $(IPC_SRCS) $(SANDBOX_SRCS) $(SUP_SRCS) \
		   $(foreach r,$(ROLES),$(wildcard $(r)/*.c))
ALL_ROLE_LIB_OBJS = $(foreach r,$(ROLES),$(call obj,$(call role_lib_srcs,$(r))))

.PHONY: all check test test-unit test-integration test-interop fuzz bench \
	ipc-doc ipc-doc-check \
	deps run install uninstall clean lint man-lint
.DELETE_ON_ERROR:

all: $(BIN_SUP) $(BIN_ROLES)

# The build id ties every executable of one build together: the HELLO on
# every channel carries it, so a stale role from another build is refused.
$(B)/gen/build_id.c: $(ALL_PRODUCT_SRCS) $(PRODUCT_HDRS) Makefile
	@mkdir -p $(@D)
	@{ echo '#include <stdint.h>'; \
	   echo '#include "ipc/ipc.h"'; \
	   printf 'const uint8_t ipc_build_id[IPC_BUILD_ID_LEN] = {'; \
	   cat $(sort $(ALL_PRODUCT_SRCS) $(PRODUCT_HDRS)) | sha256sum | \
	     cut -c1-64 | sed 's/\(..\)/0x\1,/g'; \
	   echo '};'; } > $@

$(B)/obj/gen/build_id.o: $(B)/gen/build_id.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,$(PKGS_ALL) $(PKGS_TEST)) -c -o $@ $<

$(B)/obj/tests/lib/%.o: tests/lib/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(TEST_DEFS) $(CFLAGS) $(call pkg_cflags,$(PKGS_ALL) $(PKGS_TEST)) -c -o $@ $<

$(B)/obj/tests/interop/%.o: tests/interop/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,$(PKGS_ALL) $(PKGS_TEST) $(PKGS_INTEROP)) -c -o $@ $<

$(LIBCOMMON): $(call obj,$(COMMON_SRCS))
$(LIBIPC): $(call obj,$(IPC_SRCS))
$(LIBSANDBOX): $(call obj,$(SANDBOX_SRCS))
$(B)/lib/lib%.a:
	@mkdir -p $(@D)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)$(AR) rcs $@ $^

# Each role's own library (all of <role>/ but main), for role and tests.
define role_rules
$(B)/lib/lib$(1).a: $(call obj,$(call role_lib_srcs,$(1)))
$(B)/libexec/bulkhead/$(1): $(B)/obj/$(1)/$(1).o $(B)/lib/lib$(1).a $(BASELIBS) $(BUILD_ID_OBJ)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$(Q)$$(CC) $$(LDFLAGS) -o $$@ $(B)/obj/$(1)/$(1).o $(BUILD_ID_OBJ) \
	    $(B)/lib/lib$(1).a $(BASELIBS) $$(call pkg_libs,$$(PKGS_$(shell echo $(1) | tr a-z A-Z)))
endef
$(foreach r,$(ROLES),$(eval $(call role_rules,$(r))))

$(BIN_SUP): $(call obj,$(SUP_SRCS)) $(BASELIBS) $(BUILD_ID_OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(call obj,$(SUP_SRCS)) $(BUILD_ID_OBJ) $(BASELIBS) $(call pkg_libs,$(PKGS_SUP))

# Tests link everything: the one-library-per-role rule is for products.
ROLE_LIBS	 = $(foreach r,$(ROLES),$(B)/lib/lib$(r).a)
SUP_LIB_OBJS	 = $(call obj,$(filter-out supervisor/bulkhead.c,$(SUP_SRCS)))
TEST_LIB_OBJS	 = $(call obj,$(TEST_HELPERS))
TEST_LINK	 = $(TEST_LIB_OBJS) $(SUP_LIB_OBJS) $(BUILD_ID_OBJ) $(ROLE_LIBS) $(BASELIBS) \
		   $(call pkg_libs,$(PKGS_ALL) $(PKGS_TEST)) -lm
TEST_DEFS	 = -DBUILD_DIR='"$(abspath $(B))"' -DSRC_DIR='"$(CURDIR)"'

$(B)/tests/%: tests/unit/%.c $(TEST_LIB_OBJS) $(SUP_LIB_OBJS) $(ROLE_LIBS) $(BASELIBS) $(BUILD_ID_OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(TEST_DEFS) $(CFLAGS) $(call pkg_cflags,$(PKGS_ALL) $(PKGS_TEST)) $(LDFLAGS) -o $@ $< $(TEST_LINK)
$(B)/tests/%: tests/integration/%.c $(TEST_LIB_OBJS) $(SUP_LIB_OBJS) $(ROLE_LIBS) $(BASELIBS) $(BUILD_ID_OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(TEST_DEFS) $(CFLAGS) $(call pkg_cflags,$(PKGS_ALL) $(PKGS_TEST)) $(LDFLAGS) -o $@ $< $(TEST_LINK)
$(B)/tests/%: tests/interop/%.c $(call obj,$(INTEROP_HELPERS)) $(TEST_LIB_OBJS) $(SUP_LIB_OBJS) $(ROLE_LIBS) $(BASELIBS) $(BUILD_ID_OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(TEST_DEFS) $(CFLAGS) $(call pkg_cflags,$(PKGS_ALL) $(PKGS_TEST) $(PKGS_INTEROP)) $(LDFLAGS) -o $@ $< $(call obj,$(INTEROP_HELPERS)) $(TEST_LINK) $(call pkg_libs,$(PKGS_INTEROP))
$(B)/obj/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(TEST_DEFS) $(CFLAGS) $(call pkg_cflags,$(PKGS_ALL) $(PKGS_TEST) $(PKGS_INTEROP)) -c -o $@ $<
$(BENCH_BIN): $(call obj,$(BENCH_SRCS)) $(call obj,$(INTEROP_HELPERS)) $(TEST_LIB_OBJS) $(SUP_LIB_OBJS) $(ROLE_LIBS) $(BASELIBS) $(BUILD_ID_OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(call obj,$(BENCH_SRCS)) $(call obj,$(INTEROP_HELPERS)) $(TEST_LINK) $(call pkg_libs,$(PKGS_INTEROP))
$(BENCH_TOXNODE): bench/toxnode.c
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,$(PKGS_INTEROP)) $(LDFLAGS) -o $@ $< $(call pkg_libs,$(PKGS_INTEROP))
$(BENCH_TOXFARM): bench/toxfarm.c
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(call pkg_cflags,$(PKGS_INTEROP)) $(LDFLAGS) -o $@ $< $(call pkg_libs,$(PKGS_INTEROP))

test: all $(UNIT_BINS) $(INTEG_BINS) $(INTEG_TOOL_BINS) $(INTEROP_BINS) \
    $(INTEROP_TOOL_BINS) ipc-doc-check
	@B=$(B) sh tests/run-tests.sh $(UNIT_BINS) $(INTEG_BINS) $(INTEROP_BINS)

# docs/IPC.md is printed from the catalogue; a stale copy fails the tests.
$(B)/tools/ipc_doc: tools/ipc_doc.c $(BASELIBS) $(BUILD_ID_OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD_ID_OBJ) $(BASELIBS)
ipc-doc: $(B)/tools/ipc_doc
	$(B)/tools/ipc_doc > docs/IPC.md
ipc-doc-check: $(B)/tools/ipc_doc
	@$(B)/tools/ipc_doc | diff -u docs/IPC.md - || \
	    { echo "docs/IPC.md is stale: run make ipc-doc" >&2; exit 1; }

# The list of every type in ipc/types.h, for the catalogue's test.
$(B)/gen/ipc_type_list.h: ipc/types.h
	@mkdir -p $(@D)
	@sed -n 's/^\t\(IPC_[A-Z0-9_]*\)[ \t]*=.*/X(\1)/p' $< | \
	    grep -v -e 'IPC_AREA_' -e 'IPC_NONE' -e 'IPC_TYPE_MAX' > $@
$(B)/tests/test_catalogue: $(B)/gen/ipc_type_list.h

# check = the normal build's tests, then all of them again under ASan+UBSan.
check: deps-check
	$(MAKE) B=build test
	$(MAKE) B=build-asan SAN=1 test
	$(MAKE) man-lint

deps-check:
	@sh scripts/deps.sh --check-only || sh scripts/deps.sh

deps:
	sh scripts/deps.sh

# make run installs only what building and running need, and builds on
# every core; make deps (and make check) install the test tools too.
NPROC		:= $(shell nproc 2>/dev/null || echo 2)
run:
	@sh scripts/deps.sh --run
	@$(MAKE) -j$(NPROC) all
	$(BIN_SUP) $(ARGS)

# Fuzz targets: clang libFuzzer with ASan+UBSan over the product sources.
FUZZ_CFLAGS	 = -std=c11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
		   -D_GNU_SOURCE -DFUZZING -I. -I$(FB)/gen \
		   $(call pkg_cflags,$(PKGS_ALL))
# tests/fuzz/*.c that are not a target (fuzz_*.c) are helpers the
# targets share (tests/fuzz/keyd_fuzz.c): they go into the library too.
FUZZ_HELPER_SRCS = $(filter-out $(FUZZ_SRCS),$(wildcard tests/fuzz/*.c))
FUZZ_LIB_SRCS	 = $(COMMON_SRCS) $(IPC_SRCS) $(SANDBOX_SRCS) \
		   $(filter-out supervisor/bulkhead.c,$(SUP_SRCS)) \
		   $(foreach r,$(ROLES),$(call role_lib_srcs,$(r))) \
		   $(FUZZ_HELPER_SRCS)
FUZZ_LIB_OBJS	 = $(patsubst %.c,$(FB)/obj/%.o,$(FUZZ_LIB_SRCS))
$(FB)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
$(FB)/gen/build_id.c: $(B)/gen/build_id.c
	@mkdir -p $(@D)
	cp $< $@
# An archive, so a target pulls in only the objects it uses.
$(FB)/libfuzz.a: $(FUZZ_LIB_OBJS) $(FB)/obj/gen/build_id.o
	@rm -f $@
	$(Q)$(AR) rcs $@ $^
$(FB)/fuzz_%: tests/fuzz/fuzz_%.c $(FB)/libfuzz.a
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -fsanitize=fuzzer,address,undefined -o $@ \
	    $(filter %.c %.a,$^) \
	    $(call pkg_libs,$(PKGS_ALL)) -lm
$(FB)/obj/gen/build_id.o: $(FB)/gen/build_id.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

fuzz: $(FUZZ_BINS)
	@sh tests/fuzz/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

bench: all $(BENCH_BIN) $(BENCH_TOXNODE) $(BENCH_TOXFARM)
	@$(BENCH_BIN)

man-lint:
	@if command -v mandoc >/dev/null; then \
	    mandoc -Tlint -W warning man/*.[0-9] && echo "man pages: lint clean"; \
	else echo "mandoc not installed: man pages not linted"; fi

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BIN_SUP) $(DESTDIR)$(BINDIR)/bulkhead
	install -m 755 $(BIN_ROLES) $(DESTDIR)$(LIBEXECDIR)/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/bulkhead $(DESTDIR)$(MANDIR)/man1/bulkhead.1 \
	    $(DESTDIR)$(MANDIR)/man5/bulkhead.conf.5
	rm -rf $(DESTDIR)$(LIBEXECDIR)

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(B) $(FB) -name '*.d' 2>/dev/null)
