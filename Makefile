# Seuil - build, tests, benchmarks, installation.
#   make          build every binary into build/
#   make check    install missing Debian packages, build a plain and a
#                 sanitized (ASan+UBSan) copy, run every test on both
#   make bench    run the benchmarks under tests/bench/ and print their figures
#   make demo     the demonstration (see README.md)
# Every library comes from pkg-config except libcsv, which ships no .pc file.

PREFIX  ?= /usr/local
DESTDIR ?=
# systemd reads units under PREFIX (/usr/local/lib/systemd/system too); udev
# reads rules only from /usr/lib and /etc, so a /usr/local install puts its
# rule in /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
UDEVRULESDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/udev/rules.d,/etc/udev/rules.d)
BUILD   ?= build
SANITIZE ?=
CC      ?= cc
CLANG   ?= clang

PKGS_ACCESS := sqlite3 jansson libsodium libical
PKGS_GLUE   := libnfc libgpiod
PKGS_SYNC   := libcurl libmicrohttpd gnutls libxml-2.0 libical
PKGS_ALL    := $(PKGS_ACCESS) $(PKGS_GLUE) $(PKGS_SYNC) inih libsystemd
# only kiosk/ includes SDL; only build/seuil links it
PKGS_KIOSK  := sdl2 SDL2_ttf SDL2_image
CSV_LIBS    := -lcsv

# snprintf truncation is how messages and paths are capped here, on purpose
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Werror \
	-Wno-format-truncation
# Expanded when a recipe runs, after `deps` has installed what pkg-config reads.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS_ALL) $(PKGS_KIOSK))
KIOSK_LIBS = $(shell pkg-config --libs $(PKGS_KIOSK))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS_ALL)) $(CSV_LIBS) -lpthread -lm
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DSEUIL_LOCALEDIR='"$(PREFIX)/share/locale"' $(WARN) $(CFLAGS) -Icommon -Iaccess -Ifirmware-glue -Ifirmware-glue/sim -Ikiosk -Isync -Isync/office -MMD -MP $(PKG_CFLAGS)
ifneq ($(SANITIZE),)
ALL_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN := -fsanitize=address,undefined
endif

src_common := $(wildcard common/*.c)
src_access := $(wildcard access/*.c)
src_admin  := $(wildcard admin/*.c)
src_kiosk  := $(wildcard kiosk/*.c)
src_glue   := $(filter-out %_main.c,$(wildcard firmware-glue/*.c))
src_sim    := $(filter-out %_main.c,$(wildcard firmware-glue/sim/*.c))
src_sync   := $(filter-out %_main.c,$(wildcard sync/*.c))
src_office := $(filter-out %_main.c,$(wildcard sync/office/*.c))
obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIBS := $(BUILD)/liboffice.a $(BUILD)/libsync.a $(BUILD)/libaccess.a $(BUILD)/libglue.a $(BUILD)/libsim.a $(BUILD)/libcommon.a
PROGS := $(BUILD)/seuilctl $(BUILD)/seuil $(BUILD)/pn532-sim \
	$(if $(wildcard sync/seuil_sync_main.c),$(BUILD)/seuil-sync) \
	$(if $(wildcard sync/office/seuil_office_main.c),$(BUILD)/seuil-office)
CATALOGS := $(patsubst assets/po/%.po,$(BUILD)/locale/%/LC_MESSAGES/seuil.mo,$(wildcard assets/po/*.po))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
BENCHES := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(wildcard tests/bench/*.c))
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

# keep the objects of tests and benchmarks between runs
.SECONDARY:

.PHONY: all deps build-all check check-build test bench demo install clean format fuzz
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory build-all

deps:
	@sh dist/install-deps

build-all: $(PROGS) $(UNIT_TESTS) $(BENCHES)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libcommon.a: $(call obj,$(src_common))
$(BUILD)/libaccess.a: $(call obj,$(src_access))
$(BUILD)/libglue.a: $(call obj,$(src_glue))
$(BUILD)/libsim.a: $(call obj,$(src_sim))
$(BUILD)/libsync.a: $(call obj,$(src_sync))
$(BUILD)/liboffice.a: $(call obj,$(src_office))
$(BUILD)/lib%.a:
	@mkdir -p $(dir $@)
	@rm -f $@ && ar rcs $@ $^

$(BUILD)/seuilctl: $(call obj,$(src_admin)) $(LIBS)
	$(CC) $(LDSAN) -o $@ $(call obj,$(src_admin)) $(LIBS) $(PKG_LIBS)

$(BUILD)/seuil: $(call obj,$(src_kiosk)) $(LIBS) $(CATALOGS)
	$(CC) $(LDSAN) -o $@ $(call obj,$(src_kiosk)) $(LIBS) $(PKG_LIBS) $(KIOSK_LIBS)

# the kiosk's catalogs, compiled where build/seuil finds them (build/locale)
$(BUILD)/locale/%/LC_MESSAGES/seuil.mo: assets/po/%.po
	@mkdir -p $(dir $@)
	@echo "  MSGFMT  $<"
	@msgfmt --check -o $@ $<

$(BUILD)/seuil-sync: $(call obj,sync/seuil_sync_main.c) $(LIBS)
	$(CC) $(LDSAN) -o $@ $< $(LIBS) $(PKG_LIBS)

$(BUILD)/seuil-office: $(call obj,sync/office/seuil_office_main.c) $(LIBS)
	$(CC) $(LDSAN) -o $@ $< $(LIBS) $(PKG_LIBS)

$(BUILD)/pn532-sim: $(call obj,firmware-glue/sim/pn532_sim_main.c) $(LIBS)
	$(CC) $(LDSAN) -o $@ $< $(LIBS) $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $< $(LIBS) $(PKG_LIBS) $(shell pkg-config --libs cmocka)

# the screens' state machine and its modules are pure (no SDL): their unit
# tests link them alone, with fake services
UI_PURE := $(call obj,kiosk/ui_state.c kiosk/ui_visitor.c kiosk/ui_staff.c kiosk/ui_keyboard.c kiosk/ui_book.c)
UI_TESTS := $(addprefix $(BUILD)/tests/,test_ui_state test_ui_staff test_ui_book test_ui_visitor)
$(UI_TESTS): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(UI_PURE) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $< $(UI_PURE) $(LIBS) $(PKG_LIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $< $(LIBS) $(PKG_LIBS)

# the kiosk's redraw benchmark draws with the kiosk's own objects (all but main) and SDL
KIOSK_NOMAIN := $(call obj,$(filter-out kiosk/main.c,$(src_kiosk)))
$(BUILD)/bench/kiosk_draw: $(BUILD)/obj/tests/bench/kiosk_draw.o $(KIOSK_NOMAIN) $(LIBS) | $(CATALOGS)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $< $(KIOSK_NOMAIN) $(LIBS) $(PKG_LIBS) $(KIOSK_LIBS)

# libFuzzer targets: every source built again with clang and the fuzzer
# instrumentation; `make check` replays the kept corpus through them.
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -MMD -MP -fsanitize=fuzzer-no-link,address,undefined -Icommon -Iaccess -Ifirmware-glue -Ifirmware-glue/sim -Isync -Isync/office $(PKG_CFLAGS)
FUZZ_SRC := $(src_common) $(src_access) $(src_glue) $(src_sim) $(src_sync) $(src_office)
$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CLANG   $<"
	@$(CLANG) $(FUZZ_CFLAGS) -c -o $@ $<
$(BUILD)/fuzz/%: $(BUILD)/fuzzobj/tests/fuzz/%.o $(patsubst %.c,$(BUILD)/fuzzobj/%.o,$(FUZZ_SRC))
	@mkdir -p $(dir $@)
	$(CLANG) -fsanitize=fuzzer,address,undefined -o $@ $^ $(PKG_LIBS)

check: deps
	@$(MAKE) --no-print-directory build-all
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SANITIZE=1 build-all
	@$(MAKE) --no-print-directory $(FUZZERS)
	@sh tests/run-all $(BUILD) $(BUILD)/asan

bench: all
	@sh tests/bench/run $(BUILD)

fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZERS)
	@sh tests/fuzz/run $(BUILD) $${FUZZ_SECONDS:-60}

demo: all
	@sh dist/demo $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/seuil/examples \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(PREFIX)/share/seuil
	install -m 0755 $(BUILD)/seuilctl $(BUILD)/seuil $(BUILD)/seuil-sync $(BUILD)/seuil-office \
		$(DESTDIR)$(PREFIX)/bin/
	# the units name the binaries and documents where this install puts them
	for u in seuil seuil-sync seuil-office; do \
		sed -e 's|/usr/bin/|$(PREFIX)/bin/|g' -e 's|/usr/share/doc/seuil|$(PREFIX)/share/doc/seuil|g' \
			dist/$$u.service >$(DESTDIR)$(UNITDIR)/$$u.service && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.service || exit 1; \
	done
	install -m 0644 dist/60-seuil-readers.rules $(DESTDIR)$(UDEVRULESDIR)/
	install -m 0755 dist/make-site-certs $(DESTDIR)$(PREFIX)/share/seuil/
	install -m 0644 docs/*.md dist/seuil.conf.example dist/office.conf.example \
		$(DESTDIR)$(PREFIX)/share/doc/seuil/
	install -m 0644 dist/examples/* $(DESTDIR)$(PREFIX)/share/doc/seuil/examples/
	for mo in $(CATALOGS); do \
		lang=$$(basename $$(dirname $$(dirname $$mo))); \
		install -D -m 0644 $$mo $(DESTDIR)$(PREFIX)/share/locale/$$lang/LC_MESSAGES/seuil.mo; \
	done

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj $(BUILD)/fuzzobj -name '*.d' 2>/dev/null)
