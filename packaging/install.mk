# SPDX-License-Identifier: GPL-2.0
#
# make install / uninstall, included by the top Makefile. PREFIX and DESTDIR
# as usual; the module goes in as a DKMS source tree, which dkms builds for
# each kernel (README: "Install"). Nothing here needs the module built.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
# The preload sits in the multiarch directory; fluxctl looks for it there,
# relative to itself (userspace/common/preload.c), so PREFIX is never baked in.
# Without a triplet (not Debian-like): lib/fluxcap, also searched.
LIBDIR     ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH),/fluxcap)
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# dkms reads /usr/src/NAME-VERSION, whatever PREFIX is.
DKMS_SRCDIR ?= /usr/src
DKMS_SRC   := $(DKMS_SRCDIR)/fluxcap-$(VERSION)
MODLOADDIR ?= /etc/modules-load.d
# The OCI hook's configuration: where podman and CRI-O look by default,
# whatever PREFIX is; it names fluxctl by its installed path, $(BINDIR).
OCIHOOKSDIR ?= /usr/share/containers/oci/hooks.d

INSTALL    ?= install
MANPAGES   := userspace/cli/fluxctl.8 userspace/cli/fluxcapacitor.1 Documentation/fluxcap.7
# The module's sources, exactly what Kbuild compiles (plus the uapi header):
# the tracked ones, where git knows them (a stray file would be compiled).
DKMS_GLOBS := Kbuild module/*.[ch] core/*.[ch] include/uapi/linux/fluxcap.h
DKMS_FILES := $(or $(shell git ls-files -- $(DKMS_GLOBS) 2>/dev/null),$(wildcard $(DKMS_GLOBS)))

# Unquoted paths below: a space would split one path into two, possibly
# outside DESTDIR, so refuse it.
space := $(subst ,, )
INSTALL_PATHS := $(DESTDIR)$(PREFIX)$(BINDIR)$(LIBDIR)$(MANDIR)$(BASHCOMPDIR)$(DKMS_SRCDIR)$(MODLOADDIR)$(OCIHOOKSDIR)
ifneq ($(filter install uninstall install-dkms-tree install-autoload uninstall-autoload,$(MAKECMDGOALS)),)
ifneq ($(words $(INSTALL_PATHS)),1)
$(error DESTDIR, PREFIX and the install directories must not contain spaces)
endif
ifeq ($(filter /%,$(PREFIX)),)
$(error PREFIX must be an absolute path, not '$(PREFIX)')
endif
endif

.PHONY: install uninstall install-dkms-tree install-autoload uninstall-autoload

install: userspace install-dkms-tree
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0755 $(BUILD)/fluxctl $(BUILD)/fluxcapacitor $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 $(BUILD)/libfluxcap-preload.so $(DESTDIR)$(LIBDIR)/
	$(foreach m,$(MANPAGES),$(INSTALL) -D -m 0644 $(m) \
		$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))$(newline))
	$(INSTALL) -m 0644 userspace/cli/fluxctl.bash-completion $(DESTDIR)$(BASHCOMPDIR)/fluxctl
	ln -sf fluxctl $(DESTDIR)$(BASHCOMPDIR)/fluxcapacitor
	$(INSTALL) -d $(DESTDIR)$(OCIHOOKSDIR)
	sed 's,@BINDIR@,$(BINDIR),' packaging/oci-hooks.d.json.in >$(DESTDIR)$(OCIHOOKSDIR)/fluxcap.json
	chmod 0644 $(DESTDIR)$(OCIHOOKSDIR)/fluxcap.json
	@$(if $(DESTDIR),:,echo 'installed. The module is DKMS source in $(DKMS_SRC); to build and load it:')
	@$(if $(DESTDIR),:,echo '  dkms install fluxcap/$(VERSION) && modprobe fluxcap')

# Afresh: a file dropped since the last install of this version must go.
install-dkms-tree:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	$(foreach f,$(DKMS_FILES),$(INSTALL) -D -m 0644 $(f) $(DESTDIR)$(DKMS_SRC)/$(f)$(newline))
	sed 's/@VERSION@/$(VERSION)/' packaging/dkms.conf.in >$(DESTDIR)$(DKMS_SRC)/dkms.conf

# Load fluxcap.ko at boot (systemd-modules-load); needs the module installed
# for the booted kernel, e.g. by dkms.
install-autoload:
	$(INSTALL) -D -m 0644 packaging/modules-load.conf $(DESTDIR)$(MODLOADDIR)/fluxcap.conf

uninstall-autoload:
	rm -f $(DESTDIR)$(MODLOADDIR)/fluxcap.conf

# Removes what install put in place, and the DKMS trees of every fluxcap
# version (an upgrade leaves the old one), each unregistered from dkms first.
uninstall: uninstall-autoload
	@for conf in $(DESTDIR)$(DKMS_SRCDIR)/fluxcap-*/dkms.conf; do \
		grep -qx 'PACKAGE_NAME="fluxcap"' "$$conf" 2>/dev/null || continue; \
		dir=$${conf%/dkms.conf}; ver=$${dir##*/fluxcap-}; \
		if [ -z "$(DESTDIR)" ] && command -v dkms >/dev/null && \
		    dkms status -m fluxcap -v "$$ver" 2>/dev/null | grep -q .; then \
			echo "dkms remove fluxcap/$$ver --all"; \
			dkms remove "fluxcap/$$ver" --all || exit 1; \
		fi; \
		echo "rm -r $$dir"; rm -r "$$dir" || exit 1; \
	done
	rm -f $(DESTDIR)$(BINDIR)/fluxctl $(DESTDIR)$(BINDIR)/fluxcapacitor
	rm -f $(DESTDIR)$(LIBDIR)/libfluxcap-preload.so
	rm -f $(foreach m,$(MANPAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/fluxctl $(DESTDIR)$(BASHCOMPDIR)/fluxcapacitor
	rm -f $(DESTDIR)$(OCIHOOKSDIR)/fluxcap.json

define newline


endef
