# idline: see README.md.  `make` builds build/idline; `make test` runs every
# test; `make asan` runs them under AddressSanitizer + UBSan; `make run`
# serves the demo on 127.0.0.1:8080.

CC	?= cc
BUILD	?= build
PKGS	 = libmicrohttpd sqlite3 libpcre2-8 yaml-0.1 libcurl libsodium
# What `make run` needs, and what the tests need on top (Kannel, Check,
# Python for the integration tests, openssl for the TLS test).
DEBS	 = build-essential pkg-config libmicrohttpd-dev libsqlite3-dev sqlite3 \
	   libpcre2-dev libyaml-dev libcurl4-openssl-dev libsodium-dev \
	   libcsv-dev
TEST_DEBS = check python3 curl openssl kannel kannel-extras

WARN	 = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	   -Wmissing-declarations -Wshadow -Wpointer-arith -Wcast-qual \
	   -Wformat -Wformat-security -Wvla -fno-common
OPT	?= -O2 -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -fstack-protector-strong \
	   $(SAN) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS	+= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

# Every module, by name (main.c is kept apart so tests link the rest).
SRCS	= xmem sbuf log yml conf text date slots ckdig msisdn pii valid i18n \
	  menu sess engine metrics store store_book store_repl store_outbox \
	  repl csvimp csvread httpc phone act act_status act_booking act_replace \
	  notify ussd sms svc gw_at gw_kannel http outbox cli serve

OBJS	= $(SRCS:%=$(BUILD)/%.o)
LIB	= $(BUILD)/libidline.a

CHECKS	= text date_slots csvimp httpc store_book store_repl store_outbox \
	  engine sess store conf
CHECK_BINS = $(CHECKS:%=$(BUILD)/check_%)

.PHONY: all test unit integration asan run clean deps test-deps install-debs \
	gateway bench

all: $(BUILD)/idline

V ?= 0
ifeq ($(V),0)
Q = @
endif

$(BUILD):
	mkdir -p $(BUILD)

$(BUILD)/%.o: service/%.c service/*.h | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(OBJS)
	rm -f $@
	ar rcs $@ $(OBJS)

$(BUILD)/idline: $(BUILD)/main.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $(BUILD)/main.o $(LIB) $(LDLIBS)

$(BUILD)/check_%: tests/check_%.c $(LIB)
	@echo "  CHECK   $<"
	$(Q)$(CC) $(CFLAGS) -Iservice -o $@ $< $(LIB) $(CHECK_LIBS) $(LDLIBS)

unit: $(CHECK_BINS)
	@fail=0; for t in $(CHECK_BINS); do \
		echo "== $$t"; CK_DEFAULT_TIMEOUT=120 $$t || fail=1; \
	done; exit $$fail

integration: $(BUILD)/idline
	@python3 tests/run_integration.py --bin $(BUILD)/idline

test: unit integration

asan:
	$(MAKE) BUILD=build/asan OPT="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    test

deps:
	@$(MAKE) -s install-debs PKGLIST="$(DEBS)"

test-deps:
	@$(MAKE) -s install-debs PKGLIST="$(DEBS) $(TEST_DEBS)"

install-debs:
	@missing=""; for p in $(PKGLIST); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
		else \
			echo "missing packages; run: sudo apt-get install -y$$missing"; exit 1; \
		fi; \
	fi

run: deps
	$(MAKE) all
	@mkdir -p var
	@./$(BUILD)/idline seed docs/demo --config docs/idline.dev.yaml
	@echo
	@echo "Try it as a phone, in another terminal:"
	@echo "  build/idline phone"
	@echo "Demo: reference 100000000001 is registered to +256700000001 (the"
	@echo "phone's default number); other references and their dates of birth"
	@echo "are in docs/demo/applications.csv.  README.md has the details."
	@echo
	./$(BUILD)/idline serve --config docs/idline.dev.yaml

clean:
	rm -rf build

bench: all
	@bash bench/run.sh

gateway:
	@bash gateway-conf/run-dev.sh
