/*
 * sv_conf.c - vigild's configuration file: loading, logging, SIGHUP
 *
 * DESCRIPTION
 *	See sv_conf.h.  A reload (SIGHUP) is built beside the running
 *	configuration and adopted only when it loads without an error, as
 *	nginx builds a new cycle: a broken file changes nothing but the log.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "daemon/sv_conf.h"
#include "util/log.h"

/* the keys vigild reads; restart: only read at start */
static const struct sv_conf_key {
	enum conf_key	 key;
	int		 restart;
} sv_conf_keys[] = {
	{ CONF_K_BASE_DIR, 1 },
	{ CONF_K_SOCKET, 1 },
	{ CONF_K_LISTEN, 1 },
	{ CONF_K_NUM_WORKERS, 1 },
	{ CONF_K_USER, 1 },
	{ CONF_K_PID_FILE, 1 },
	{ CONF_K_LOG_LEVEL, 0 },
	{ CONF_K_LOG_FILE, 0 },
	{ CONF_K_SYSLOG_FACILITY, 0 },
	{ CONF_K_MAX_RECURSION, 0 },
	{ CONF_K_MAX_FILES, 0 },
	{ CONF_K_MAX_FILESIZE, 0 },
	{ CONF_K_MAX_SCANSIZE, 0 },
	{ CONF_K_MAX_RATIO, 0 },
	{ CONF_K_MAX_SCANTIME, 0 },
	{ CONF_K_HEURISTIC_ALERTS, 0 },
	{ CONF_K_SCAN_TIMEOUT, 0 },
	{ CONF_K_MAX_STREAM_SIZE, 0 },
	{ CONF_K_MAX_JOBS_PER_WORKER, 0 },
	{ CONF_K_EXEC_SCRIPT, 0 },
	{ CONF_K_RELOAD_CHECK_INTERVAL, 0 },
	{ CONF_K_SCAN_CACHE, 0 },
};

/* sv_conf_load - a new configuration, or NULL with the errors logged */
struct conf *
sv_conf_load(const char *path)
{
	struct conf	*c;
	char		 err[1024];
	size_t		 i;

	if ((c = conf_new()) == NULL) {
		log_warn("%s: conf_new", __func__);
		return NULL;
	}
	if (path == NULL)
		return c;
	if (conf_load_file(c, path, err, sizeof(err)) == -1) {
		if (conf_nerrors(c) == 0)
			log_warnx("%s", err);
		for (i = 0; i < conf_nerrors(c); i++)
			log_warnx("%s", conf_error(c, i));
		conf_free(c);
		return NULL;
	}
	return c;
}

/* sv_conf_changes - log what differs between two configurations */
unsigned
sv_conf_changes(const struct conf_view *o, const struct conf_view *n)
{
	const struct conf_schema	*sc;
	const char			*os, *ns;
	unsigned			 changed = 0;
	size_t				 i;
	int				 same;

	for (i = 0; i < sizeof(sv_conf_keys) / sizeof(sv_conf_keys[0]);
	    i++) {
		sc = conf_schema(sv_conf_keys[i].key);
		os = conf_get_str(o, sv_conf_keys[i].key);
		ns = conf_get_str(n, sv_conf_keys[i].key);
		switch (sc->type) {
		case CONF_INT:
		case CONF_BOOL:
		case CONF_SIZE:
		case CONF_DURATION:
			same = conf_get_int(o, sv_conf_keys[i].key) ==
			    conf_get_int(n, sv_conf_keys[i].key);
			break;
		case CONF_ENUM:
			same = conf_get_enum(o, sv_conf_keys[i].key) ==
			    conf_get_enum(n, sv_conf_keys[i].key);
			break;
		default:
			same = strcmp(os, ns) == 0;
			break;
		}
		if (same)
			continue;
		changed++;
		if (sv_conf_keys[i].restart)
			log_warnx("reconfigure: %s changed: needs a restart, "
			    "still \"%s\"", sc->name, os);
		else
			log_notice("reconfigure: %s: \"%s\" -> \"%s\"",
			    sc->name, os, ns);
	}
	return changed;
}
