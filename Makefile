# civlink: build, test, install.
#   make                      release build: one self-contained binary (scripts/build-release.sh)
#   make demo                 scripts/demo: the main job end to end (examples/demo.sh)
#   make test                 scripts/test: the test suite (`swift test`), as .ci/run runs it
# Both first check what the machine lacks besides the Swift toolchain (scripts/dependencies): as
# root they install it, otherwise they print the apt-get line; scripts/demo and scripts/test
# then exit 69 (make reports that as "Error 69").
#   make install PREFIX=/usr/local [DESTDIR=/tmp/pkg] [BIN=path/to/civlink]
#   make uninstall PREFIX=/usr/local [DESTDIR=...]
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(DESTDIR)$(PREFIX)/bin
MANDIR := $(DESTDIR)$(PREFIX)/share/man
BASHDIR := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR := $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR := $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
MAN1 := $(wildcard man/*.1)
MAN5 := $(wildcard man/*.5)

.PHONY: all build demo test install uninstall
all: build

build:
	scripts/build-release.sh > /dev/null

demo:
	scripts/demo

test:
	scripts/test

# BIN names an already built binary (packagers, tests); without it the release build is used.
# The installed binary loses its debugging information (about half its size), not its symbols.
install: $(if $(BIN),,build)
	install -d "$(BINDIR)" "$(MANDIR)/man1" "$(MANDIR)/man5" "$(BASHDIR)" "$(ZSHDIR)" "$(FISHDIR)"
	install -m 0755 "$(if $(BIN),$(BIN),.build/static/release/civlink)" "$(BINDIR)/civlink"
	strip --strip-debug "$(BINDIR)/civlink"
	install -m 0644 $(MAN1) "$(MANDIR)/man1/"
	install -m 0644 $(MAN5) "$(MANDIR)/man5/"
	install -m 0644 completions/civlink.bash "$(BASHDIR)/civlink"
	install -m 0644 completions/_civlink "$(ZSHDIR)/_civlink"
	install -m 0644 completions/civlink.fish "$(FISHDIR)/civlink.fish"

uninstall:
	rm -f "$(BINDIR)/civlink" "$(BASHDIR)/civlink" "$(ZSHDIR)/_civlink" "$(FISHDIR)/civlink.fish"
	rm -f $(addprefix "$(MANDIR)/man1/,$(addsuffix ",$(notdir $(MAN1))))
	rm -f $(addprefix "$(MANDIR)/man5/,$(addsuffix ",$(notdir $(MAN5))))
