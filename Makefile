# callsim: one strict Makefile.
#
#   make            build ./callsim (no package installs: a missing library names `make deps`)
#   make deps       install the Debian packages the build and tests need (apt-get, as root)
#   make check      install what is missing, build and run every test (cmocka), fast enough for CI
#   make check SANITIZE=1   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make tsan       the threaded tests and CLI under ThreadSanitizer (or: make check TSAN=1)
#   make faults     the fault-injection sweeps at CI depth (make check runs a quick one)
#   make fuzz       the libFuzzer harnesses of fuzz/ (clang); make fuzz-smoke runs each 30 s
#   make demo       install what is missing, run the shipped baseline and write its report
#   make install PREFIX=/usr/local   binary, man page and bash completion; make uninstall
#   make bench      speed and memory against the floor in ../shared/bench/
#   make MPI=1      ./callsim-mpi against Open MPI (mpirun spreads replications over ranks);
#                   `make check MPI=1` runs every test on it; `make check-mpi` only the MPI ones
#
# Every code folder is a layer; each .c there is compiled into build/libcallsim.a, the CLI and
# the tests link that archive.  New modules and tests are picked up by wildcard.

PKGS      := gsl yaml-0.1 plplot
DEB_PKGS  := libgsl-dev libyaml-dev libplplot-dev plplot-driver-cairo libcmocka-dev libglpk-dev \
             pkg-config
CC        ?= cc
SANITIZE  ?= 0
TSAN      ?= 0
PREFIX    ?= /usr/local
MPI       ?= 0

# MPI=1: the replication runner spreads work over MPI ranks (sim/rep_mpi.c); objects and the
# binary get their own names so that plain and MPI builds never mix.
ifeq ($(MPI),1)
DEB_PKGS  += libopenmpi-dev openmpi-bin
FLAVOUR   := -mpi
endif

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wundef -Wwrite-strings -Wpointer-arith -Wvla -Wconversion -Wsign-conversion
# float-cast-overflow is named because GCC's -fsanitize=undefined leaves it out (clang's has it):
# a double too large for the int it is converted to is undefined behaviour, not a wrap.
ifeq ($(SANITIZE),1)
BUILD     ?= build-san$(FLAVOUR)
OPT       := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,float-cast-overflow \
             -fno-sanitize-recover=all
LDSAN     := -fsanitize=address,undefined,float-cast-overflow
SUFFIX    := -san
else ifeq ($(TSAN),1)
BUILD     ?= build-tsan$(FLAVOUR)
OPT       := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
LDSAN     := -fsanitize=thread
SUFFIX    := -tsan
else
BUILD     ?= build$(FLAVOUR)
# Link-time optimisation for the binaries users run (about 3% fewer instructions on the
# baseline).  The objects are "fat" (they carry ordinary code too) and the test programs link
# them with -fno-lto: LTO's whole-program view raises -Wmaybe-uninitialized false positives
# under the tests' -Werror (error returns through cs_error_set it cannot follow).
OPT       := -O2 -g -flto=auto -ffat-lto-objects
LDSAN     :=
SUFFIX    :=
endif
BIN       := callsim$(FLAVOUR)$(SUFFIX)

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# PLplot and GLPK are not linked: callsim loads them when it first draws a chart or plans staff
# (dlopen; plots/chart.c, experiments/cover_glpk.c), so a process that does neither does not map
# them and the 17 libraries they bring (about 0.9 ms of CPU at every start).  The names dlopen
# uses are their SONAMEs, read from the libraries the linker would have used.  The tests that
# call PLplot themselves link it.
LAZY_PKGS  := plplot
PKG_LIBS   := $(shell pkg-config --libs $(filter-out $(LAZY_PKGS),$(PKGS)) 2>/dev/null)
PLPLOT_LIBS := $(shell pkg-config --libs plplot 2>/dev/null)
soname = $(shell objdump -p "$$($(CC) -print-file-name=lib$(1).so)" 2>/dev/null | awk '$$1 == "SONAME" {print $$2}')
GLPK_SONAME := $(call soname,glpk)
PLPLOT_SONAME := $(call soname,plplot)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
ifeq ($(MPI),1)
# Open MPI's headers as system headers: our warnings are for our code.
MPI_CFLAGS := -DCS_MPI=1 $(patsubst -I%,-isystem %,$(shell pkg-config --cflags ompi-c 2>/dev/null))
MPI_LIBS   := $(shell pkg-config --libs ompi-c 2>/dev/null)
endif

CPPFLAGS  := -D_POSIX_C_SOURCE=200809L -I. $(PKG_CFLAGS) $(MPI_CFLAGS) \
             $(if $(GLPK_SONAME),-DCS_GLPK_LIB='"$(GLPK_SONAME)"') \
             $(if $(PLPLOT_SONAME),-DCS_PLPLOT_LIB='"$(PLPLOT_SONAME)"')
CFLAGS    := -std=c11 $(OPT) $(WARN) -MMD -MP
LDLIBS    := $(PKG_LIBS) $(MPI_LIBS) -ldl -lpthread -lm

LIB_SRC   := $(wildcard sim/*.c models/*.c experiments/*.c io/*.c plots/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_SRC   := $(wildcard cli/*.c)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC  := $(wildcard tests/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

.PHONY: all deps deps-present build check check-run check-mpi demo demo-run bench clean check-headers \
        valgrind fuzz fuzz-deps fuzz-build fuzz-smoke tsan tsan-run faults faults-run install \
        uninstall man install-check

all: build

# Plain `make` never installs anything: it stops with the command to run instead.
deps-present:
	@missing=""; for p in $(PKGS); do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	[ -f /usr/include/glpk.h ] || missing="$$missing glpk"; \
	[ "$(MPI)" != 1 ] || pkg-config --exists ompi-c 2>/dev/null || missing="$$missing ompi-c"; \
	if [ -n "$$missing" ]; then \
	  echo "callsim: cannot build: missing$$missing." >&2; \
	  echo "callsim: run 'make deps$(if $(filter 1,$(MPI)), MPI=1)' as root (it apt-get installs $(DEB_PKGS))," >&2; \
	  echo "callsim: or install those Debian packages yourself." >&2; exit 1; fi

# Installs the Debian packages only when something is missing, so it costs a few
# milliseconds on a machine that is ready.
deps:
	@if ! pkg-config --exists $(PKGS) cmocka 2>/dev/null || \
	    ! dpkg -s plplot-driver-cairo >/dev/null 2>&1 || \
	    ! { [ -f /usr/include/glpk.h ] || dpkg -s libglpk-dev >/dev/null 2>&1; } || \
	    { [ "$(MPI)" = 1 ] && ! { pkg-config --exists ompi-c && command -v mpirun; } >/dev/null 2>&1; }; then \
	  echo "callsim: installing build dependencies: $(DEB_PKGS)"; \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "callsim: not root; run: sudo apt-get install -y $(DEB_PKGS)" >&2; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PKGS); \
	fi

build: $(BIN)

$(BIN): $(CLI_OBJ) $(BUILD)/libcallsim.a
	$(CC) $(OPT) -o $@ $(CLI_OBJ) $(BUILD)/libcallsim.a $(LDLIBS) $(LDSAN)

$(BUILD)/libcallsim.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c | deps-present
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DCS_VERSION='"$(VERSION)"' $(CFLAGS) -c $< -o $@

# tests/cli_child.c: running the binary from the end-to-end tests, linked into every test (kept,
# not removed as an intermediate file after each build).
.SECONDARY: $(BUILD)/tests/cli_child.o
$(BUILD)/tests/%: tests/%.c $(BUILD)/tests/cli_child.o $(BUILD)/libcallsim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DCS_VERSION='"$(VERSION)"' $(CFLAGS) -fno-lto -o $@ $< $(BUILD)/tests/cli_child.o $(BUILD)/libcallsim.a \
	    $(LDLIBS) $(PLPLOT_LIBS) $(CMOCKA_LIBS) $(LDSAN)

# The CLI with tests/fault_shim.c wrapped around its allocation and file calls, for
# tests/test_faults.c (see the shim for why --wrap and not LD_PRELOAD).
FAULT_WRAP := $(foreach f,malloc calloc realloc aligned_alloc strdup strndup open_memstream mmap \
                fopen fdopen fclose fflush rename renameat2 mkdir mkdtemp mkstemp unlink unlinkat \
                rmdir remove open openat opendir fdopendir fsync symlink,-Wl,--wrap=$(f))
$(BUILD)/callsim-faults: $(CLI_OBJ) $(BUILD)/libcallsim.a tests/fault_shim.c
	@mkdir -p $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -c tests/fault_shim.c -o $(BUILD)/tests/fault_shim.o
	$(CC) $(OPT) -o $@ $(CLI_OBJ) $(BUILD)/tests/fault_shim.o $(BUILD)/libcallsim.a $(LDLIBS) \
	    $(LDSAN) $(FAULT_WRAP)

# The fuzz harnesses without libFuzzer (fuzz/replay_main.c), to replay the seed corpora in
# make check with this build's compiler and sanitizers.
FUZZ_NAMES_ALL := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_REPLAY    := $(FUZZ_NAMES_ALL:%=$(BUILD)/fuzz/replay_%)
$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay_main.c $(BUILD)/libcallsim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(filter-out -MMD -MP,$(CFLAGS)) -fno-lto -o $@ fuzz/fuzz_$*.c fuzz/replay_main.c \
	    $(BUILD)/libcallsim.a $(LDLIBS) $(LDSAN)

check: deps
	@$(MAKE) --no-print-directory check-run

# Tests run from the repository root (they read tests/data and scenarios/).  The CLI tests
# need the binary, so it is built first.  Each test prints cmocka's summary; the first
# failure stops the run with a non-zero exit.
# A locale with a decimal comma, so the locale-independence tests of io/json and io/units run
# instead of skipping (they look in LOCPATH); if localedef cannot make one they skip.
$(BUILD)/locale/de_DE.UTF-8:
	@mkdir -p $(dir $@)
	@localedef -i de_DE -f UTF-8 $@ 2>/dev/null || echo "callsim: no de_DE locale; locale tests will skip"

check-run: build $(TEST_BIN) $(BUILD)/locale/de_DE.UTF-8 $(BUILD)/callsim-faults $(FUZZ_REPLAY)
	@set -e; failed=0; for t in $(TEST_BIN); do \
	  echo "== $$t"; \
	  if ! CALLSIM=./$(BIN) CALLSIM_FAULTS=$(BUILD)/callsim-faults LOCPATH=$(CURDIR)/$(BUILD)/locale \
	       LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	       UBSAN_OPTIONS=print_stacktrace=1 $$t; then failed=1; echo "FAILED: $$t"; fi; \
	done; \
	for h in $(FUZZ_NAMES_ALL); do \
	  echo "== fuzz corpus $$h"; \
	  if ! TMPDIR=$${TMPDIR:-/tmp} UBSAN_OPTIONS=print_stacktrace=1 \
	       LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	       $(BUILD)/fuzz/replay_$$h fuzz/corpus/$$h/*; then failed=1; echo "FAILED: fuzz corpus $$h"; fi; \
	done; \
	if [ $$failed -ne 0 ]; then echo "make check: FAILED"; exit 1; fi; \
	echo "make check: all $(words $(TEST_BIN)) test programs and $(words $(FUZZ_NAMES_ALL)) fuzz corpora passed"

# The MPI build and its own tests only (tests/test_mpi.c: mpirun with 1, 2 and 3 ranks, and the
# failure tests); CI runs it after the plain suite.  `make check MPI=1` runs every test.
check-mpi:
	@$(MAKE) --no-print-directory MPI=1 deps
	@$(MAKE) --no-print-directory MPI=1 check-run TEST_BIN=build-mpi/tests/test_mpi FUZZ_NAMES_ALL=

# demo and check are the README's two commands for a fresh machine: they install what is
# missing first (make deps), then recurse so pkg-config's answers are read again.
demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: build
	./callsim run scenarios/baseline.yaml --out demo-out --force --report
	@echo "Open demo-out/report.html in a browser."

# ---- ThreadSanitizer --------------------------------------------------------------------------
# Replications run on threads (sim/rep.c); these are the tests that run several at once, then
# the CLI with --threads 2 on a small scenario for run, compare, replay (with --out, charts and
# the report).  Objects in build-tsan/, binary callsim-tsan.  `make check TSAN=1` runs the
# whole suite this way instead (slower).
# (Not test_cli: its overload test bounds peak memory, which TSan's shadow memory multiplies;
# the CLI's threads are covered by the commands below.)
TSAN_TESTS := $(BUILD)/tests/test_rep $(BUILD)/tests/test_centre $(BUILD)/tests/test_roundtrip
TSAN_ENV   := TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 exitcode=66 \
              suppressions=$(CURDIR)/tests/tsan.supp"
TSAN_TMP   := $(BUILD)/tsan-out

tsan: deps
	@$(MAKE) --no-print-directory TSAN=1 tsan-run

tsan-run: build $(TSAN_TESTS)
	@set -e; for t in $(TSAN_TESTS); do echo "== $$t (TSan)"; \
	  CALLSIM=./$(BIN) LOCPATH=$(CURDIR)/$(BUILD)/locale $(TSAN_ENV) $$t; done
	@rm -rf $(TSAN_TMP) && mkdir -p $(TSAN_TMP)
	@echo "== callsim-tsan run/compare/replay --threads 2"
	@set -e; $(TSAN_ENV) ./$(BIN) run scenarios/tour.yaml --reps 4 --threads 2 --quiet \
	    --calls --report --out $(TSAN_TMP)/run > /dev/null; \
	  $(TSAN_ENV) ./$(BIN) run scenarios/tour.yaml --reps 4 --threads 2 --json > /dev/null; \
	  $(TSAN_ENV) ./$(BIN) compare scenarios/erlang_a.yaml scenarios/erlang_a.yaml --reps 3 \
	    --threads 2 --quiet --out $(TSAN_TMP)/cmp --report > /dev/null; \
	  $(TSAN_ENV) ./$(BIN) replay $(TSAN_TMP)/run/calls.csv --scenario scenarios/tour.yaml \
	    --reps 3 --threads 2 --quiet --out $(TSAN_TMP)/replay --report > /dev/null
	@rm -rf $(TSAN_TMP)
	@echo "tsan: no data race reported"

# ---- Fault injection (tests/test_faults.c) ----------------------------------------------------
# make check runs the quick level; this runs every command variant at CI depth, FULL=1 every
# allocation, file step and disk size (hours).
faults: deps
	@$(MAKE) --no-print-directory faults-run

faults-run: build $(BUILD)/tests/test_faults $(BUILD)/callsim-faults
	CALLSIM=./$(BIN) CALLSIM_FAULTS=$(BUILD)/callsim-faults \
	  CALLSIM_FAULTS_LEVEL=$(if $(filter 1,$(FULL)),full,ci) \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  $(BUILD)/tests/test_faults

# ---- Install ----------------------------------------------------------------------------------
# The man page and the bash completion are generated from the binary's own --help texts
# (packaging/gen-man.sh, packaging/gen-completion.sh), so they cannot drift from it.
DESTDIR  ?=
BINDIR   := $(DESTDIR)$(PREFIX)/bin
MAN1DIR  := $(DESTDIR)$(PREFIX)/share/man/man1
COMPDIR  := $(DESTDIR)$(PREFIX)/share/bash-completion/completions

$(BUILD)/callsim.1: $(BIN) packaging/gen-man.sh VERSION
	@mkdir -p $(dir $@)
	sh packaging/gen-man.sh ./$(BIN) > $@.tmp && mv $@.tmp $@

$(BUILD)/callsim.bash: $(BIN) packaging/gen-completion.sh
	@mkdir -p $(dir $@)
	sh packaging/gen-completion.sh ./$(BIN) > $@.tmp && mv $@.tmp $@

man: $(BUILD)/callsim.1 $(BUILD)/callsim.bash

install: man
	install -d $(BINDIR) $(MAN1DIR) $(COMPDIR)
	install -m 755 $(BIN) $(BINDIR)/callsim
	install -m 644 $(BUILD)/callsim.1 $(MAN1DIR)/callsim.1
	install -m 644 $(BUILD)/callsim.bash $(COMPDIR)/callsim

uninstall:
	rm -f $(BINDIR)/callsim $(MAN1DIR)/callsim.1 $(COMPDIR)/callsim

# What CI checks of the above: install into a scratch prefix, run the installed binary, render
# the man page without a warning (man -l, needs man-db), load the completion, uninstall, and
# nothing may be left behind.
install-check: man
	@set -e; p=$$(mktemp -d); \
	$(MAKE) --no-print-directory install PREFIX=$$p > /dev/null; \
	$$p/bin/callsim --help > /dev/null; \
	$$p/bin/callsim run --help | grep -q -- --threads; \
	MANWIDTH=80 man -l $$p/share/man/man1/callsim.1 > $$p/man.txt; \
	grep -q -- '--threads N' $$p/man.txt; grep -q 'EXIT STATUS' $$p/man.txt; \
	w=$$(groff -man -ww -z $$p/share/man/man1/callsim.1 2>&1); [ -z "$$w" ] || { echo "$$w"; exit 1; }; \
	bash -c ". $$p/share/bash-completion/completions/callsim; complete -p callsim" > /dev/null; \
	rm -f $$p/man.txt; \
	$(MAKE) --no-print-directory uninstall PREFIX=$$p > /dev/null; \
	left=$$(find $$p -type f); [ -z "$$left" ] || { echo "left after uninstall: $$left"; exit 1; }; \
	rm -rf $$p; echo "install-check: install, man page, completion and uninstall work"

bench: build
	@$(MAKE) --no-print-directory $(BUILD)/bench/limit_mmna $(BUILD)/bench/bench_cal2 \
	    $(BUILD)/bench/bench_cal4 $(BUILD)/bench/peakrss
	@sh bench/run.sh $(BUILD)

$(BUILD)/bench/limit_mmna: ../shared/bench/limit_mmna.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 $(CPPFLAGS) -o $@ $< $(LDLIBS)

$(BUILD)/bench/bench_cal%: bench/bench_cal.c sim/cal.c sim/status.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 -O2 $(WARN) -DCS_CAL_ARITY=$* -o $@ bench/bench_cal.c sim/cal.c sim/status.c -lm

$(BUILD)/bench/peakrss: bench/peakrss.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -o $@ $<

# The CLI under valgrind on a scenario that uses every feature, with charts and the report.
valgrind: build
	valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
	    --suppressions=tests/valgrind.supp -q ./callsim run scenarios/tour.yaml --reps 2 --quiet \
	    --out build/valgrind-out --force --calls --report > /dev/null
	valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
	    --suppressions=tests/valgrind.supp -q ./callsim compare scenarios/baseline.yaml \
	    scenarios/callback.yaml --reps 2 --quiet > /dev/null
	@echo "valgrind: no errors, no definite leaks"

# Each public header must compile on its own (no hidden include-order dependencies).
check-headers:
	@for h in $(wildcard sim/*.h models/*.h experiments/*.h io/*.h plots/*.h cli/*.h); do \
	  printf '#include "%s"\n' $$h | $(CC) $(CPPFLAGS) -std=c11 $(WARN) -x c -fsyntax-only - || exit 1; \
	done; echo "all headers compile alone"

# ---- Fuzzing (clang + libFuzzer; see fuzz/README.md) ---------------------------------------
# The library is rebuilt with clang into build-fuzz/ with ASan + UBSan (float-cast-overflow named
# explicitly, as GCC's -fsanitize=undefined leaves it out) and libFuzzer's coverage hooks; each
# fuzz/fuzz_NAME.c links against it.  `make fuzz-smoke` runs each harness FUZZ_SECONDS (30 s)
# from its checked-in seeds (fuzz/corpus/NAME) with its dictionary; new inputs go to
# build-fuzz/corpus/NAME, crashes to build-fuzz/findings/NAME/.
FUZZ_CC      ?= clang
FUZZ_BUILD   := build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
FUZZ_OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_SRC     := $(wildcard fuzz/fuzz_*.c)
FUZZ_NAMES   := $(FUZZ_SRC:fuzz/fuzz_%.c=%)
FUZZ_BIN     := $(FUZZ_SRC:fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_SECONDS ?= 30
FUZZ_ARGS    ?=
FUZZ_TMP     := $(if $(wildcard /dev/shm/.),/dev/shm,/tmp)
FUZZ_DEB     := clang libclang-rt-dev

# clang and its fuzzer runtime, installed like `deps` when a test link fails.
fuzz-deps:
	@if ! printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' | \
	    $(FUZZ_CC) -x c -fsanitize=fuzzer,address,undefined -o /dev/null - >/dev/null 2>&1; then \
	  echo "callsim: installing fuzzing dependencies: $(FUZZ_DEB)"; \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "callsim: not root; run: sudo apt-get install -y $(FUZZ_DEB)" >&2; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(FUZZ_DEB); \
	fi

fuzz: deps fuzz-deps
	@$(MAKE) --no-print-directory CC=$(FUZZ_CC) BUILD=$(FUZZ_BUILD) OPT='$(FUZZ_OPT)' \
	    LDSAN='$(FUZZ_SAN)' fuzz-build

fuzz-build: $(FUZZ_BIN)

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_BUILD)/libcallsim.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libcallsim.a $(LDLIBS) $(LDSAN)

# Each harness for FUZZ_SECONDS, in one process on one core (libFuzzer's default; -jobs=1 would
# add a supervising process and move the output to ./fuzz-0.log); any crash, leak,
# sanitizer report, slow input (-timeout) or memory blow-up (-rss_limit_mb) fails the target
# and leaves the reproducer in build-fuzz/findings/NAME/.  FUZZ=NAME runs one harness only.
fuzz-smoke: fuzz
	@set -e; for h in $(if $(FUZZ),$(FUZZ),$(FUZZ_NAMES)); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$h $(FUZZ_BUILD)/findings/$$h; \
	  echo "== fuzz $$h ($(FUZZ_SECONDS) s)"; \
	  TMPDIR=$(FUZZ_TMP) UBSAN_OPTIONS=print_stacktrace=1 $(FUZZ_BUILD)/fuzz_$$h \
	    $(FUZZ_BUILD)/corpus/$$h fuzz/corpus/$$h \
	    $$( [ -f fuzz/dict/$$h.dict ] && echo -dict=fuzz/dict/$$h.dict ) \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/findings/$$h/ $(FUZZ_ARGS) \
	    > $(FUZZ_BUILD)/fuzz-$$h.log 2>&1 || { tail -n 60 $(FUZZ_BUILD)/fuzz-$$h.log; \
	      echo "fuzz $$h: FAILED (reproducer in $(FUZZ_BUILD)/findings/$$h/)"; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^Done' $(FUZZ_BUILD)/fuzz-$$h.log || true; \
	done

clean:
	rm -rf build build-san build-tsan build-fuzz callsim callsim-san callsim-tsan \
	    build-mpi build-san-mpi build-tsan-mpi callsim-mpi callsim-mpi-san callsim-mpi-tsan

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(BUILD)/tests/cli_child.d
