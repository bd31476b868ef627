# mk/install.mk - make install, make uninstall and make deb for Vigil
#
#	make [O=build] [PREFIX=/usr/local] [DESTDIR=] install
#	make [O=build] [PREFIX=/usr/local] [DESTDIR=] uninstall
#	make [O=build] deb
#
# Included at the end of the GNUmakefile; it uses $(O), $(PROGS) and
# $(VERSION) from there.  It may also be named twice (make -f GNUmakefile
# -f mk/install.mk): the guard below reads it once.
#
# Where things go (FHS):
#	$(BINDIR)	the programs users and MTAs run (vigil-scan, vigilctl,
#			vigil-compile, vigil-cli, vigil-pipe, vigil-mda,
#			vigil-mirror, vigil-publish)
#	$(SBINDIR)	daemons and root's jobs (vigild, vigil-smtpd,
#			vigil-milter, vigil-dac, vigil-update)
#	$(MANDIR)/manN	the man pages of what is installed, by section
#	$(DATADIR)	default.vmod, the default database as built
#	/etc/vigil	vigil.cfg (only when there is none: never overwritten)
#			and the *.example templates
#	/var/lib/vigil	base_dir: gen-1/vigil.vmod and current -> gen-1, the
#			default database, only when no current exists
#	/var/spool/vigil/quarantine, /var/spool/vigil/tmp, /var/log/vigil,
#	/run/vigil
#	$(SYSTEMDUNITDIR), $(TMPFILESDIR), /etc/logrotate.d: the units, the
#			tmpfiles.d entry and the logrotate file, with the
#			program paths rewritten to $(SBINDIR)
#
# The configuration and state directories do not move with PREFIX: every
# program reads /etc/vigil/vigil.cfg and uses /var/lib/vigil, /run/vigil
# and /var/spool/vigil unless told otherwise (vigil.cfg(5)), so a
# /usr/local/etc/vigil would be read by nothing.  SYSCONFDIR and
# LOCALSTATEDIR may still be set, for a staged tree, with -c FILE and
# base_dir then needed at run time.
#
# Programs are those of $(PROGS) (an agent is installed once its entry
# file exists); optional files (scripts/vigil-update, units, man pages of
# programs not built) are skipped when missing.  Nothing is chowned when
# DESTDIR is set: a package's maintainer scripts do that.
#
# make deb copies the tree (without build directories) to $(O)/deb/ and
# runs dpkg-buildpackage -us -uc -b there, so that its .deb, .buildinfo
# and .changes land in $(O)/deb/ and nothing is written beside the tree;
# then lintian --fail-on error when lintian is installed (LINTIAN= skips).
# DEBBUILDFLAGS adds dpkg-buildpackage options (-j2, -nc, ...).

ifndef VIGIL_INSTALL_MK
VIGIL_INSTALL_MK := 1
_vigil_goal := $(.DEFAULT_GOAL)

PREFIX		?= /usr/local
DESTDIR		?=
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
DATADIR		?= $(PREFIX)/share/vigil
MANDIR		?= $(PREFIX)/share/man
DOCDIR		?= $(PREFIX)/share/doc/vigil
SYSCONFDIR	?= /etc
LOCALSTATEDIR	?= /var
RUNSTATEDIR	?= /run
SYSTEMDUNITDIR	?= $(PREFIX)/lib/systemd/system
TMPFILESDIR	?= $(PREFIX)/lib/tmpfiles.d
LOGROTATEDIR	?= $(SYSCONFDIR)/logrotate.d
# yes: install the default database as a generation when there is none
INSTALL_DB	?= yes
INSTALL		?= install
LINTIAN		?= lintian
DEBBUILDFLAGS	?=

CONFDIR		 = $(SYSCONFDIR)/vigil
BASEDIR		 = $(LOCALSTATEDIR)/lib/vigil
SPOOLDIR	 = $(LOCALSTATEDIR)/spool/vigil
LOGDIR		 = $(LOCALSTATEDIR)/log/vigil
RUNDIR		 = $(RUNSTATEDIR)/vigil

# daemons and root's jobs; everything else of $(PROGS) goes to bin/
SBIN_PROGS	 = vigild vigil-smtpd vigil-milter vigil-dac
ALL_BIN		 = vigil-scan vigilctl vigil-compile vigil-cli vigil-pipe \
		   vigil-mda vigil-mirror vigil-publish $(I_BIN)
I_SBIN		 = $(filter $(SBIN_PROGS),$(PROGS))
I_BIN		 = $(filter-out $(SBIN_PROGS),$(PROGS))
I_SCRIPTS	 = $(notdir $(wildcard scripts/vigil-update))
I_NAMES		 = $(PROGS) $(I_SCRIPTS)
# man pages beside the programs: sections 1 and 8 only for what is
# installed, the others (vigil.cfg.5, ...) always
I_MANSRC	 = $(wildcard $(addsuffix /*.[1578],clients conf daemon \
		   signatures scripts mirror workers shm lib/util lib/av))
I_MAN		 = $(foreach m,$(I_MANSRC),$(if $(filter 1 8,$(subst .,,$(suffix \
		   $(m)))),$(if $(filter $(basename $(notdir $(m))),$(I_NAMES)),$(m)),$(m)))
I_EXAMPLES	 = $(wildcard conf/*.example)
# one unit per program present
I_UNITS		 = vigild.service \
		   $(if $(filter vigil-smtpd,$(PROGS)),vigil-smtpd.service) \
		   $(if $(filter vigil-milter,$(PROGS)),vigil-milter.service) \
		   $(if $(I_SCRIPTS),vigil-update.service vigil-update.timer)
I_UNITS		:= $(strip $(I_UNITS))
# units, tmpfiles and logrotate name the installed paths
I_SED		 = -e 's|/usr/sbin/|$(SBINDIR)/|g' -e 's|/usr/bin/|$(BINDIR)/|g' \
		   -e 's|/etc/vigil/|$(CONFDIR)/|g' \
		   -e 's|/var/lib/vigil|$(BASEDIR)|g' \
		   -e 's|/var/spool/vigil|$(SPOOLDIR)|g' \
		   -e 's|/var/log/vigil|$(LOGDIR)|g' \
		   -e 's|/run/vigil|$(RUNDIR)|g'

DEBTOP		 = $(O)/deb
DEBSRC		 = $(DEBTOP)/vigil-$(VERSION)

.PHONY: install install-programs install-man install-conf install-state \
	install-db install-system uninstall deb

install: all install-programs install-man install-conf install-state \
	install-db install-system
	@if [ -z "$(DESTDIR)" ] && ! getent passwd vigil >/dev/null; then \
	    echo "install: no user vigil: vigild's workers need it" \
		"(adduser --system --group --home $(BASEDIR) vigil," \
		"or set [daemon] user)" >&2; \
	fi

install-programs: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR)
	$(if $(I_BIN),$(INSTALL) -m 0755 $(I_BIN:%=$(O)/bin/%) \
	    $(DESTDIR)$(BINDIR)/)
	$(if $(I_SBIN),$(INSTALL) -m 0755 $(I_SBIN:%=$(O)/bin/%) \
	    $(DESTDIR)$(SBINDIR)/)
	$(if $(I_SCRIPTS),$(INSTALL) -m 0755 $(I_SCRIPTS:%=scripts/%) \
	    $(DESTDIR)$(SBINDIR)/)

install-man:
	@set -e; for m in $(I_MAN); do \
	    s=$${m##*.}; \
	    $(INSTALL) -d $(DESTDIR)$(MANDIR)/man$$s; \
	    echo "$(INSTALL) -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/"; \
	    $(INSTALL) -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	done

# vigil.cfg is the site's: installed only when absent
install-conf:
	$(INSTALL) -d $(DESTDIR)$(CONFDIR) $(DESTDIR)$(DOCDIR)/examples
	@if [ -e $(DESTDIR)$(CONFDIR)/vigil.cfg ]; then \
	    echo "install: $(DESTDIR)$(CONFDIR)/vigil.cfg exists, kept" \
		"(the new default is in $(DESTDIR)$(DOCDIR)/examples)"; \
	else \
	    echo "$(INSTALL) -m 0644 conf/vigil.cfg $(DESTDIR)$(CONFDIR)/"; \
	    $(INSTALL) -m 0644 conf/vigil.cfg $(DESTDIR)$(CONFDIR)/; \
	fi
	$(INSTALL) -m 0644 conf/vigil.cfg $(DESTDIR)$(DOCDIR)/examples/
	$(if $(I_EXAMPLES),$(INSTALL) -m 0644 $(I_EXAMPLES) \
	    $(DESTDIR)$(CONFDIR)/)
	$(if $(wildcard conf/notify-example.sh),$(INSTALL) -m 0644 \
	    conf/notify-example.sh $(DESTDIR)$(DOCDIR)/examples/)

# the state directories; owned by vigil when installing for real as root
install-state:
	$(INSTALL) -d -m 0755 $(DESTDIR)$(BASEDIR) $(DESTDIR)$(SPOOLDIR) \
	    $(DESTDIR)$(LOGDIR) $(DESTDIR)$(RUNDIR)
	$(INSTALL) -d -m 0750 $(DESTDIR)$(SPOOLDIR)/quarantine \
	    $(DESTDIR)$(SPOOLDIR)/tmp
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" -eq 0 ] && \
	    getent passwd vigil >/dev/null; then \
	    echo "chown vigil:vigil $(BASEDIR) $(SPOOLDIR) $(LOGDIR)"; \
	    chown vigil:vigil $(BASEDIR) $(SPOOLDIR) \
		$(SPOOLDIR)/quarantine $(SPOOLDIR)/tmp $(LOGDIR) && \
	    chown root:vigil $(RUNDIR) && chmod 1775 $(RUNDIR); \
	fi

# the default database as generation 1, unless a generation is current
install-db: $(O)/default.vmod
	$(INSTALL) -d $(DESTDIR)$(DATADIR)
	$(INSTALL) -m 0644 $(O)/default.vmod $(DESTDIR)$(DATADIR)/
ifeq ($(INSTALL_DB),yes)
	@set -e; b=$(DESTDIR)$(BASEDIR); \
	if [ -e $$b/current ] || [ -L $$b/current ]; then \
	    echo "install: $$b/current exists, database kept"; \
	else \
	    echo "install: default database as $$b/gen-1, current -> gen-1"; \
	    $(INSTALL) -d -m 0755 $$b/gen-1; \
	    $(INSTALL) -m 0644 $(O)/default.vmod $$b/gen-1/.vigil.vmod.tmp; \
	    mv -f $$b/gen-1/.vigil.vmod.tmp $$b/gen-1/vigil.vmod; \
	    ln -sfn gen-1 $$b/.current.tmp; \
	    mv -fT $$b/.current.tmp $$b/current; \
	fi
endif

# systemd units, tmpfiles.d, logrotate: the paths as installed
install-system:
	$(INSTALL) -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(TMPFILESDIR) \
	    $(DESTDIR)$(LOGROTATEDIR)
	@set -e; for u in $(I_UNITS); do \
	    echo "install scripts/$$u $(DESTDIR)$(SYSTEMDUNITDIR)/$$u"; \
	    sed $(I_SED) scripts/$$u > $(DESTDIR)$(SYSTEMDUNITDIR)/.$$u.tmp; \
	    chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/.$$u.tmp; \
	    mv -f $(DESTDIR)$(SYSTEMDUNITDIR)/.$$u.tmp \
		$(DESTDIR)$(SYSTEMDUNITDIR)/$$u; \
	done
	sed $(I_SED) scripts/vigil.tmpfiles > $(DESTDIR)$(TMPFILESDIR)/vigil.conf
	chmod 0644 $(DESTDIR)$(TMPFILESDIR)/vigil.conf
	sed $(I_SED) scripts/logrotate.vigil > $(DESTDIR)$(LOGROTATEDIR)/vigil
	chmod 0644 $(DESTDIR)$(LOGROTATEDIR)/vigil

# programs, man pages, units and shared files; the configuration, the
# databases, the quarantine and the logs stay (the site's data)
uninstall:
	rm -f $(foreach p,$(ALL_BIN),$(DESTDIR)$(BINDIR)/$(p))
	rm -f $(foreach p,$(SBIN_PROGS) vigil-update,$(DESTDIR)$(SBINDIR)/$(p))
	rm -f $(foreach m,$(I_MAN),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
	rm -f $(foreach u,vigild.service vigil-smtpd.service \
	    vigil-milter.service vigil-update.service vigil-update.timer,\
	    $(DESTDIR)$(SYSTEMDUNITDIR)/$(u))
	rm -f $(DESTDIR)$(TMPFILESDIR)/vigil.conf $(DESTDIR)$(LOGROTATEDIR)/vigil
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)
	@echo "uninstall: kept $(DESTDIR)$(CONFDIR), $(DESTDIR)$(BASEDIR)," \
	    "$(DESTDIR)$(SPOOLDIR), $(DESTDIR)$(LOGDIR)"

# --- the Debian package ---------------------------------------------------
deb:
	@command -v dpkg-buildpackage >/dev/null && [ -x /usr/bin/dh ] || \
	    { echo "deb: needs dpkg-dev and debhelper" \
		"(apt-get install dpkg-dev debhelper fakeroot)" >&2; exit 1; }
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version) && \
	    [ "$$v" = "$(VERSION)" ] || \
	    { echo "deb: debian/changelog is at $$v, VERSION is $(VERSION):" \
		"add an entry (dch -v $(VERSION))" >&2; exit 1; }
	rm -rf $(DEBTOP)
	mkdir -p $(DEBSRC)
	tar -cf - --exclude=./.git --exclude='./build*' --exclude=./run \
	    --exclude=./$(O) --exclude=./debian/build --exclude=./debian/vigil \
	    --exclude=./debian/.debhelper --exclude=./debian/tmp . | \
	    tar -C $(DEBSRC) -xf -
	@# not this make's variables (SAN=1, O=...): debian/rules sets its own.
	@# The staging tree goes, built or not: the GNUmakefile's search for
	@# *.d under $(O) would take its etc/logrotate.d for a dependency file.
	cd $(DEBSRC) || exit 1; env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u O -u SAN \
	    dpkg-buildpackage -us -uc -b $(DEBBUILDFLAGS); \
	    st=$$?; rm -rf debian/vigil debian/.debhelper; exit $$st
	@if [ -n "$(LINTIAN)" ] && command -v $(LINTIAN) >/dev/null; then \
	    echo "$(LINTIAN) --fail-on error $(DEBTOP)/vigil_*.changes"; \
	    $(LINTIAN) --fail-on error $(DEBTOP)/vigil_*.changes; \
	fi
	@ls $(DEBTOP)/*.deb

.DEFAULT_GOAL := $(or $(_vigil_goal),all)
endif
