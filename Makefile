# al_ext - active learning inside PostgreSQL (PGXS build)
#
#   make demo    set up everything on a fresh Debian 12 machine and run the demo
#   make test    set up everything, then run every test (C unit, pg_regress, TAP)
#   make bench   run the benchmarks (bench/)
#   make accept  copy the last regression results over expected/ (review the diff!)
#   make fuzz    fuzz every parser of untrusted input, FUZZ_SECONDS (300) each
#   make test-valgrind  the regression suite against a server under valgrind

EXTENSION  = al_ext
EXTVERSION = 0.1.0
MODULE_big = al_ext

PG_CONFIG ?= $(shell test -x /usr/lib/postgresql/15/bin/pg_config && echo /usr/lib/postgresql/15/bin/pg_config || echo pg_config)

CORE_SRCS = $(sort $(wildcard src/core/*.c))
# glue: one folder per subsystem, mirroring sql/parts (types, scores,
# selection, models, loop, worker), plus the module's common files in src/
GLUE_DIRS = src src/types src/scores src/selection src/models src/loop src/worker
GLUE_SRCS = $(sort $(foreach d,$(GLUE_DIRS),$(wildcard $(d)/*.c)))
OBJS      = $(GLUE_SRCS:.c=.o) $(CORE_SRCS:.c=.o)

# The install script is assembled from one part per concern (sql/parts/NN_*.sql).
SQL_PARTS  = $(sort $(wildcard sql/parts/*.sql))
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql

# OpenBLAS: headers through pkg-config; the library itself is opened with
# dlopen at first use (see doc/models.md), so the postmaster never loads it.
OPENBLAS_CFLAGS := $(shell pkg-config --cflags openblas 2>/dev/null)
OPENBLAS_LIBDIR := $(shell pkg-config --variable=libdir openblas 2>/dev/null)
ifneq ($(OPENBLAS_LIBDIR),)
OPENBLAS_DEF = -DAL_OPENBLAS_LIB='"$(patsubst %/,%,$(OPENBLAS_LIBDIR))/libopenblas.so.0"'
endif

WARN_FLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
PG_CPPFLAGS = $(foreach d,$(GLUE_DIRS),-I$(srcdir)/$(d)) -I$(srcdir)/src/core $(OPENBLAS_CFLAGS) $(OPENBLAS_DEF)
# PostgreSQL's own array macros trip -Wsign-compare, so the glue goes without
# it; src/core is still built with it by the unit-test build.
# -MMD -MP: gcc writes each object's header dependencies next to it (x.d),
# included below, so a changed header rebuilds what includes it.
PG_CFLAGS   = $(WARN_FLAGS) -Wno-sign-compare -MMD -MP
SHLIB_LINK  = -lm -ldl

EXTRA_CLEAN = build $(OBJS:.o=.d)

# No LLVM bitcode: it would need clang on every machine, and JIT inlining
# gains nothing for these functions.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifeq ($(PGXS),)
# No server headers yet: only the bootstrap targets work until deps are in.
all install:
	@echo "PostgreSQL server headers missing: run 'make deps' (or 'make test')" >&2; exit 1
else
include $(PGXS)
endif

-include $(OBJS:.o=.d)

sql/$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS)
	cat $(SQL_PARTS) > $@

# ---- plain C unit tests of src/core (no PostgreSQL) ----
UNIT_SRCS = $(sort $(wildcard test/unit/test_*.c))
UNIT_BINS = $(patsubst test/unit/%.c,build/unit/%,$(UNIT_SRCS))
UNIT_CFLAGS = -O2 -g -std=gnu99 $(WARN_FLAGS) -Isrc/core $(OPENBLAS_CFLAGS) $(OPENBLAS_DEF)

build/unit/core/%.o: src/core/%.c $(wildcard src/core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -c $< -o $@

build/unit/%: test/unit/%.c $(patsubst src/core/%.c,build/unit/core/%.o,$(CORE_SRCS)) $(wildcard test/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -Itest/unit $< $(patsubst src/core/%.c,build/unit/core/%.o,$(CORE_SRCS)) -lm -ldl -o $@

unit: $(UNIT_BINS)

# ---- the same unit tests and src/core under AddressSanitizer and
# UndefinedBehaviorSanitizer (gcc; any error aborts the test binary) ----
SAN_FLAGS   = -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_CFLAGS  = -O1 -g -std=gnu99 $(WARN_FLAGS) $(SAN_FLAGS) -Isrc/core $(OPENBLAS_CFLAGS) $(OPENBLAS_DEF)
SAN_OBJS    = $(patsubst src/core/%.c,build/unit-san/core/%.o,$(CORE_SRCS))
SAN_BINS    = $(patsubst test/unit/%.c,build/unit-san/%,$(UNIT_SRCS))

build/unit-san/core/%.o: src/core/%.c $(wildcard src/core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -c $< -o $@

build/unit-san/%: test/unit/%.c $(SAN_OBJS) $(wildcard test/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Itest/unit $< $(SAN_OBJS) -lm -ldl -o $@

unit-san: $(SAN_BINS)

# ---- libFuzzer harnesses of the parsers of untrusted input (clang) ----
FUZZ_CC      = clang
FUZZ_SAN     = -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  = -O1 -g -std=gnu99 $(WARN_FLAGS) -Isrc/core -Itest/fuzz $(FUZZ_SAN)
FUZZ_CORE    = al_probvec topk topk_state topk_state_text consensus_state
FUZZ_OBJS    = $(patsubst %,build/fuzz/core/%.o,$(FUZZ_CORE))
FUZZ_BINS    = $(patsubst test/fuzz/%.c,build/fuzz/%,$(sort $(wildcard test/fuzz/fuzz_*.c)))
# seconds per harness of `make fuzz` (make test runs each for AL_FUZZ_SECONDS, 10)
FUZZ_SECONDS ?= 300

build/fuzz/core/%.o: src/core/%.c $(wildcard src/core/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/%: test/fuzz/%.c $(FUZZ_OBJS) $(wildcard test/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJS) -lm -o $@

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	bash test/fuzz/run_fuzz.sh --long $(FUZZ_SECONDS)

# ---- the regression suite against a server under valgrind memcheck (slow) ----
test-valgrind:
	bash test/valgrind/run_valgrind.sh

# ---- the two commands, and friends ----
.PHONY: deps test demo bench accept unit unit-san fuzz-build fuzz test-valgrind

deps:
	bash .ci/install-deps.sh

test:
	bash test/run_tests.sh

demo:
	bash demo/run_demo.sh

bench:
	bash bench/run_bench.sh

accept:
	bash test/run_tests.sh --accept
