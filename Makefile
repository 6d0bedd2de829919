# opsdeck — terminal operations console for Kubernetes.
# Sources are picked up by wildcard: add a file under lib/, tui/ or drill/ and it is built;
# tests/unit/test_*.c become unit tests, tests/{integration,e2e}/*.sh regress tests,
# tests/fuzz/fuzz_*.c libFuzzer targets.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= cc
BUILD     ?= build
PKGS      := ncursesw libcurl jansson yaml-0.1 readline libmicrohttpd gnutls zlib
DEB_PKGS  := pkg-config libncurses-dev libcurl4-openssl-dev libjansson-dev libyaml-dev \
             libreadline-dev libmicrohttpd-dev libgnutls28-dev zlib1g-dev libcmocka-dev \
             python3-kubernetes prometheus-alertmanager tmux valgrind \
             clang libclang-rt-14-dev tinyproxy dante-server jq curl time openssl

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
             -Wmissing-prototypes -Wno-unused-parameter
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DOPSDECK_VERSION=\"$(VERSION)\" \
             -DOPSDECK_DATADIR=\"$(PREFIX)/share/opsdeck\" \
             -Iinclude $(WARN) $(CFLAGS) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS    := $(PKG_LIBS) -lpthread -lm $(EXTRA_LDLIBS)

SRCS      := $(sort $(wildcard lib/*.c tui/*.c drill/*.c))
OBJS      := $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS  := $(filter-out $(BUILD)/tui/main.o,$(OBJS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BIN       := $(BUILD)/opsdeck

.PHONY: all check check-only unit regress demo deps asan install clean bench soak fuzz fuzz-run fuzz-campaign fuzz-smoke valgrind \
        realk8s realk8s-bin

# ./opsdeck points at the default build only: `make asan` (BUILD=build-asan)
# leaves it alone.
all: $(BIN) $(if $(filter build,$(BUILD)),opsdeck)

opsdeck: $(BIN)
	@ln -sf $(BIN) opsdeck

# `make V=1` shows full command lines.
Q         := $(if $(V),,@)

$(BIN): $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Itui -Itests/fuzz -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

-include $(OBJS:.o=.d)

# The one test command (README, .ci/run): unit tests, then regress tests that
# drive the real binary against the drill simulator with real kubectl, the
# Python client, Alertmanager and tmux.
check: deps
	@$(MAKE) --no-print-directory check-only
	@$(MAKE) --no-print-directory fuzz-smoke

# Every fuzz target, built with ASan and UBSan, for a few seconds each from
# its committed seeds: a smoke in check, not a campaign (make fuzz-run).
fuzz-smoke: fuzz
	@FUZZ_DIR=$(abspath build-fuzz) FUZZ_SECONDS=$(or $(FUZZ_SECONDS),5) tests/fuzz/run.sh

check-only: all $(UNIT_BINS) realk8s-bin
	@OPSDECK=$(abspath $(BIN)) BUILD=$(abspath $(BUILD)) tests/run.sh $(UNIT_BINS)

unit: $(UNIT_BINS)
	@OPSDECK=$(abspath $(BIN)) BUILD=$(abspath $(BUILD)) TESTS_ONLY_UNIT=1 tests/run.sh $(UNIT_BINS)

# Opens the console on a simulated multi-cluster estate.
demo: deps
	@$(MAKE) --no-print-directory all
	./opsdeck --drill $(or $(SCENARIO),bad-rollout)

# The real control plane (kube-apiserver, controller-manager, scheduler,
# etcd, kwok) built from the Go modules pinned in tests/realk8s/ into
# ~/.cache/opsdeck/realk8s (reused while up to date). Without Go the
# realk8s tests skip.
realk8s-bin:
	@tests/realk8s/build.sh || { rc=$$?; [ $$rc -eq 3 ] || exit $$rc; \
	  echo "realk8s: no Go toolchain: the realk8s tests will skip"; }

# Starts two real clusters on loopback (REALK8S_ARGS: -n NODES, names) and
# waits; Ctrl-C stops them.
realk8s: all realk8s-bin
	@tests/realk8s/start.sh $(REALK8S_ARGS)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all present"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "deps: run: sudo apt-get install$$missing"; exit 1; fi

# Sanitizer reports go to build-asan/sanitizer/ (the drill and the console
# run with their stderr captured or discarded by the tests); any report
# fails the target after the test run.
SAN_DIR   := $(abspath build-asan)/sanitizer
asan:
	@rm -rf $(SAN_DIR); mkdir -p $(SAN_DIR)
	@ASAN_OPTIONS="$${ASAN_OPTIONS:+$$ASAN_OPTIONS:}log_path=$(SAN_DIR)/asan" \
	UBSAN_OPTIONS="$${UBSAN_OPTIONS:+$$UBSAN_OPTIONS:}print_stacktrace=1:log_path=$(SAN_DIR)/ubsan" \
	$(MAKE) BUILD=build-asan CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  EXTRA_LDLIBS="-fsanitize=address,undefined" check; rc=$$?; \
	n=$$(ls $(SAN_DIR) | wc -l); \
	if [ "$$n" -gt 0 ]; then \
	  echo "asan: $$n sanitizer report(s) in $(SAN_DIR):"; \
	  for f in $(SAN_DIR)/*; do echo "  $$f: $$(grep -m 1 '^SUMMARY' $$f)"; done; exit 1; \
	fi; exit $$rc

valgrind: all $(UNIT_BINS)
	@for t in $(UNIT_BINS); do \
	  valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite $$t >/dev/null || \
	    { echo "valgrind: $$t failed"; exit 1; }; \
	done; echo "valgrind: unit tests clean"

fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="-O1 -g" \
	  EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
	  EXTRA_LDLIBS="-fsanitize=address,undefined" $(LIB_OBJS:$(BUILD)/%=build-fuzz/%)
	@mkdir -p build-fuzz/fuzz
	@for f in $(FUZZ_SRCS); do n=$$(basename $$f .c); \
	  clang -std=c11 -D_GNU_SOURCE -Iinclude -Itui -O1 -g -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
	    -o build-fuzz/fuzz/$$n $$f $(LIB_OBJS:$(BUILD)/%=build-fuzz/%) $(LDLIBS) || exit 1; \
	  echo "built build-fuzz/fuzz/$$n"; done

# Builds the fuzz targets and runs each for FUZZ_SECONDS (default 30). Not part of check.
fuzz-run: fuzz
	@FUZZ_DIR=$(abspath build-fuzz) FUZZ_SECONDS=$(or $(FUZZ_SECONDS),30) tests/fuzz/run.sh

# A campaign: each target (FUZZ_TARGETS, default all) to FUZZ_RUNS
# executions (default 10 million), one at a time; figures in
# tests/fuzz/campaign.md. Not part of check: hours.
fuzz-campaign: fuzz
	@FUZZ_DIR=$(abspath build-fuzz) FUZZ_RUNS=$(or $(FUZZ_RUNS),10000000) tests/fuzz/run.sh $(FUZZ_TARGETS)

# The decode figure's program: the reflector's list decoder on captured pages.
$(BUILD)/bench/decode: tests/bench/decode.c tests/fuzz/fuzz_fake_client.h $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Itui -Itests/fuzz -o $@ $< $(LIB_OBJS) $(LDLIBS)

bench: all $(BUILD)/bench/decode
	@OPSDECK=$(abspath $(BIN)) DECODE=$(abspath $(BUILD)/bench/decode) tests/bench/run.sh

# Not in CI: 30 minutes (SOAK_SECONDS) of the console on a churning drill,
# under ASan+UBSan unless SOAK_ASAN=0; the RSS curve goes to soak-rss.txt.
soak:
	@if [ "$(SOAK_ASAN)" = 0 ]; then $(MAKE) all && OPSDECK=$(abspath $(BIN)) tests/soak/run.sh; \
	else $(MAKE) BUILD=build-asan CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  EXTRA_LDLIBS="-fsanitize=address,undefined" all && \
	  OPSDECK=$(abspath build-asan/opsdeck) tests/soak/run.sh; fi

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -d $(DESTDIR)$(PREFIX)/share/opsdeck/themes $(DESTDIR)$(PREFIX)/share/opsdeck/runbooks $(DESTDIR)$(PREFIX)/share/opsdeck/scenarios
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/opsdeck
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	-install -m 644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	-install -m 644 themes/*.yaml $(DESTDIR)$(PREFIX)/share/opsdeck/themes/
	-install -m 644 runbooks/*.yaml $(DESTDIR)$(PREFIX)/share/opsdeck/runbooks/
	-install -m 644 drill/scenarios/*.yaml $(DESTDIR)$(PREFIX)/share/opsdeck/scenarios/

clean:
	rm -rf build build-asan build-fuzz opsdeck
