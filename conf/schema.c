/*
 * schema.c - every key of vigil.cfg: type, default, sections, documentation
 *
 * One row per key, in the order of enum conf_key (conf.h); designated
 * initialisers keep the two in step.  The comment above each group names
 * the issue that asked for its keys; those issues implement what the keys
 * do.  conf/vigil.cfg and conf/vigil.cfg.5 list every row (t/unit/test_conf.c
 * checks that they do), so a new key is added in four places: conf.h,
 * here, vigil.cfg and vigil.cfg.5.
 */
#include <string.h>

#include "conf/conf.h"

#define M_SCANNING	(CONF_M_GLOBAL | CONF_M_DAEMON | CONF_M_CLIENTS | \
			    CONF_M_USER)
#define M_POLICY	(CONF_M_GLOBAL | CONF_M_MAIL | CONF_M_USER)
#define M_LOG		(CONF_M_GLOBAL | CONF_M_PROGS)
#define M_CLIENT	(CONF_M_GLOBAL | CONF_M_CLIENTS)
#define ACTIONS		"accept|reject|defer|discard|clean|quarantine"
#define SEC		1000LL
#define DAY		(86400 * SEC)
#define GIB		(1LL << 30)

static const char	*check_action(const char *);
static const char	*check_subject(const char *);
static const char	*check_milter(const char *);
static const char	*check_host(const char *);
static const char	*check_runas(const char *);
static const char	*check_url(const char *);
static const char	*check_daemon(const char *);

static const struct conf_schema	 schema[CONF_NKEYS] = {
	/* [global] (issue 4) */
	[CONF_K_BASE_DIR] = { "base_dir", CONF_PATH, "/var/lib/vigil",
	    CONF_M_GLOBAL, 0, 0, NULL, NULL,
	    "directory of the signature generations (gen-N/, current)", 4 },
	[CONF_K_LOG_LEVEL] = { "log_level", CONF_INT, "3", M_LOG, 0, 5, NULL,
	    NULL, "0 nothing, 1 errors, 2 warnings, 3 notices and detections, "
	    "4 information, 5 debug", 4 },
	[CONF_K_LOG_FILE] = { "log_file", CONF_PATH, "", M_LOG, 0, 0, NULL,
	    NULL, "also log to this file; empty: no file", 4 },
	[CONF_K_SYSLOG_FACILITY] = { "syslog_facility", CONF_ENUM, "mail",
	    M_LOG, 0, 0, "none|mail|daemon|user|local0|local1|local2|local3|"
	    "local4|local5|local6|local7", NULL,
	    "syslog facility; none: do not use syslog", 4 },

	/* scan limits of the pipeline (issue 3, keys named in issue 4) */
	[CONF_K_MAX_RECURSION] = { "max_recursion", CONF_INT, "16",
	    M_SCANNING, 1, 1000, NULL, NULL,
	    "nesting depth of archives and encodings", 4 },
	[CONF_K_MAX_FILES] = { "max_files", CONF_INT, "10000", M_SCANNING, 1,
	    100000000, NULL, NULL, "objects examined per input", 4 },
	[CONF_K_MAX_FILESIZE] = { "max_filesize", CONF_SIZE, "100M",
	    M_SCANNING, 1, 1024 * GIB, NULL, NULL,
	    "bytes of one object scanned (the rest is skipped)", 4 },
	[CONF_K_MAX_SCANSIZE] = { "max_scansize", CONF_SIZE, "400M",
	    M_SCANNING, 1, 1024 * GIB, NULL, NULL,
	    "bytes examined per input, all objects together", 4 },
	[CONF_K_MAX_RATIO] = { "max_ratio", CONF_INT, "1000", M_SCANNING, 1,
	    1000000000, NULL, NULL,
	    "compression ratio above which a member is a bomb", 4 },
	[CONF_K_MAX_SCANTIME] = { "max_scantime", CONF_DURATION, "120s",
	    M_SCANNING, 1, DAY, NULL, NULL, "time spent on one input", 4 },
	[CONF_K_HEURISTIC_ALERTS] = { "heuristic_alerts", CONF_BOOL, "no",
	    M_SCANNING, 0, 0, NULL, NULL,
	    "report encrypted archives and broken executables as detections",
	    4 },

	/* policy (issue 4; the mail library of issue 6 applies it) */
	[CONF_K_ACTION_ON_INFECTED] = { "action_on_infected", CONF_ENUM,
	    "reject", M_POLICY, 0, 0, ACTIONS, NULL,
	    "what to do with an infected message", 4 },
	[CONF_K_ACTION_ON_UNCLEANABLE] = { "action_on_uncleanable", CONF_ENUM,
	    "reject", M_POLICY, 0, 0, ACTIONS, NULL,
	    "what to do when infected parts cannot be removed", 6 },
	[CONF_K_ACTION_ON_NOTSCANNED] = { "action_on_notscanned", CONF_ENUM,
	    "defer", M_POLICY, 0, 0, ACTIONS, NULL,
	    "what to do with a message that could not be scanned", 4 },

	/* clients of vigild (issues 5, 6) */
	[CONF_K_DAEMON_ADDR] = { "daemon_addr", CONF_LIST,
	    "/run/vigil/vigild.sock", M_CLIENT, 0, 0, NULL, check_daemon,
	    "vigild sockets, tried in order: absolute paths or HOST:PORT", 6 },
	[CONF_K_DAEMON_TIMEOUT] = { "daemon_timeout", CONF_DURATION, "180s",
	    M_CLIENT, 1, DAY, NULL, NULL,
	    "how long to wait for vigild's answer", 6 },

	/* [daemon] (issue 4) */
	[CONF_K_SOCKET] = { "socket", CONF_PATH, "/run/vigil/vigild.sock",
	    CONF_M_DAEMON, 0, 0, NULL, NULL,
	    "unix socket for clients (clamd and native protocols)", 4 },
	[CONF_K_LISTEN] = { "listen", CONF_ADDR, "off", CONF_M_DAEMON, 0, 0,
	    NULL, NULL, "TCP address:port for clients, or off", 4 },
	[CONF_K_NUM_WORKERS] = { "num_workers", CONF_INT, "2", CONF_M_DAEMON,
	    1, 1024, NULL, NULL, "scan worker processes", 4 },
	[CONF_K_SCAN_TIMEOUT] = { "scan_timeout", CONF_DURATION, "120s",
	    CONF_M_DAEMON, 1, DAY, NULL, NULL,
	    "a worker busy longer on one job is killed", 4 },
	[CONF_K_MAX_STREAM_SIZE] = { "max_stream_size", CONF_SIZE, "25M",
	    CONF_M_DAEMON, 1, 64 * GIB, NULL, NULL,
	    "largest stream accepted (clamd INSTREAM, native protocol)", 4 },
	[CONF_K_MAX_JOBS_PER_WORKER] = { "max_jobs_per_worker", CONF_INT,
	    "1000", CONF_M_DAEMON, 0, 1000000000, NULL, NULL,
	    "jobs before a worker is replaced; 0: never", 4 },
	[CONF_K_USER] = { "user", CONF_STR, "vigil", CONF_M_DAEMON, 0, 0,
	    NULL, check_host, "user the workers run as when started as root",
	    4 },
	[CONF_K_PID_FILE] = { "pid_file", CONF_PATH, "/run/vigil/vigild.pid",
	    CONF_M_DAEMON, 0, 0, NULL, NULL, "file holding vigild's pid", 4 },
	[CONF_K_EXEC_SCRIPT] = { "exec_script", CONF_PATH, "", CONF_M_DAEMON,
	    0, 0, NULL, NULL,
	    "program run on each detection; empty: none", 4 },
	[CONF_K_RELOAD_CHECK_INTERVAL] = { "reload_check_interval",
	    CONF_DURATION, "60s", CONF_M_DAEMON, 0, DAY, NULL, NULL,
	    "how often base_dir/current is checked for a new generation; "
	    "0: never", 4 },
	[CONF_K_SCAN_CACHE] = { "scan_cache", CONF_BOOL, "yes",
	    CONF_M_DAEMON, 0, 0, NULL, NULL,
	    "workers answer an input they found clean before from memory "
	    "(a keyed GMAC of bytes, limits, options)", 4 },

	/* [scan] and [cli] (issue 5) */
	[CONF_K_DB] = { "db", CONF_PATH, "", CONF_M_SCAN, 0, 0, NULL, NULL,
	    "scan in-process with this database instead of through vigild",
	    5 },
	[CONF_K_EXCLUDE] = { "exclude", CONF_LIST, "", CONF_M_SCAN, 0, 0,
	    NULL, NULL, "glob patterns of paths not scanned", 5 },
	[CONF_K_ONE_FILE_SYSTEM] = { "one_file_system", CONF_BOOL, "no",
	    CONF_M_SCAN, 0, 0, NULL, NULL,
	    "do not descend into other file systems", 5 },
	[CONF_K_FOLLOW_SYMLINKS] = { "follow_symlinks", CONF_BOOL, "no",
	    CONF_M_SCAN, 0, 0, NULL, NULL, "follow symbolic links", 5 },
	[CONF_K_QUIET] = { "quiet", CONF_BOOL, "no",
	    CONF_M_SCAN, 0, 0, NULL, NULL,
	    "print only infected and not scanned objects", 5 },
	[CONF_K_ALL_MATCH] = { "all_match", CONF_BOOL, "no",
	    CONF_M_SCAN | CONF_M_CLI, 0, 0, NULL, NULL,
	    "report every signature that matches, not only the first", 5 },
	[CONF_K_JSON] = { "json", CONF_BOOL, "no", CONF_M_SCAN, 0, 0, NULL,
	    NULL, "print JSON objects instead of text", 5 },
	[CONF_K_ACTION] = { "action", CONF_STR, "none",
	    CONF_M_SCAN | CONF_M_CLI, 0, 0, NULL, check_action,
	    "infected top-level files: none, delete or move:DIR "
	    "(vigil-cli: none or delete)", 5 },
	[CONF_K_MAX_IN_FLIGHT] = { "max_in_flight", CONF_INT, "0",
	    CONF_M_SCAN, 0, 4096, NULL, NULL,
	    "files sent to vigild at once; 0: twice its workers", 5 },
	[CONF_K_SUBDIR] = { "subdir", CONF_BOOL, "no", CONF_M_CLI, 0, 0, NULL,
	    NULL, "also scan the subdirectories of each directory", 5 },

	/* mail library (issue 6) */
	[CONF_K_WRITE_TO_HEADER] = { "write_to_header", CONF_BOOL, "yes",
	    M_POLICY, 0, 0, NULL, NULL,
	    "add X-Vigil-Result and X-Virus-Scanner header fields", 6 },
	[CONF_K_WRITE_TO_SUBJECT] = { "write_to_subject", CONF_STR, "",
	    M_POLICY, 0, 0, NULL, check_subject,
	    "prefix for the subject of infected mail, %s is the name; "
	    "empty: none", 6 },
	[CONF_K_WRITE_TO_EMAILS] = { "write_to_emails", CONF_BOOL, "no",
	    M_POLICY, 0, 0, NULL, NULL,
	    "add a footer from the sig_* templates", 6 },
	[CONF_K_TEMPLATE_DIR] = { "template_dir", CONF_PATH, "/etc/vigil",
	    M_POLICY, 0, 0, NULL, NULL,
	    "directory of the sig_{header,footer}_* templates", 6 },
	[CONF_K_QUARANTINE_DIR] = { "quarantine_dir", CONF_PATH,
	    "/var/spool/vigil/quarantine", M_POLICY, 0, 0, NULL, NULL,
	    "where quarantined and original messages are kept", 6 },
	[CONF_K_MAX_MESSAGE_SIZE] = { "max_message_size", CONF_SIZE, "25M",
	    M_POLICY, 1, 64 * GIB, NULL, NULL,
	    "larger messages get action_on_notscanned", 6 },

	/* [mda] (issue 6) */
	[CONF_K_MDA_PATH] = { "mda_path", CONF_PATH, "", CONF_M_MDA, 0, 0,
	    NULL, NULL, "the delivery agent vigil-mda runs after scanning", 6 },
	[CONF_K_INFECTED_RETURN_CODE] = { "infected_return_code", CONF_INT,
	    "77", CONF_M_MDA | CONF_M_USER, 0, 255, NULL, NULL,
	    "exit code of vigil-mda for a rejected message", 6 },
	[CONF_K_QMAIL] = { "qmail", CONF_ENUM, "auto", CONF_M_MDA, 0, 0,
	    "auto|yes|no", NULL,
	    "qmail exit codes (100, 111): auto detects qmail-local", 6 },

	/* [smtp] (issue 7); spooling also for [smfi] (issue 8) */
	[CONF_K_LISTEN_ADDR] = { "listen_addr", CONF_STR, "127.0.0.1",
	    CONF_M_SMTP, 0, 0, NULL, check_host,
	    "address vigil-smtpd listens on", 7 },
	[CONF_K_LISTEN_PORT] = { "listen_port", CONF_INT, "10025",
	    CONF_M_SMTP, 1, 65535, NULL, NULL, "port vigil-smtpd listens on",
	    7 },
	[CONF_K_SERVER_ADDR] = { "server_addr", CONF_STR, "127.0.0.1",
	    CONF_M_SMTP, 0, 0, NULL, check_host,
	    "address of the next hop", 7 },
	[CONF_K_SERVER_PORT] = { "server_port", CONF_INT, "10026",
	    CONF_M_SMTP, 1, 65535, NULL, NULL, "port of the next hop", 7 },
	[CONF_K_MAX_CONNECTIONS] = { "max_connections", CONF_INT, "1000",
	    CONF_M_SMTP, 1, 1000000, NULL, NULL,
	    "concurrent client sessions", 7 },
	[CONF_K_CLIENT_TIMEOUT] = { "client_timeout", CONF_DURATION, "300s",
	    CONF_M_SMTP, 1, DAY, NULL, NULL,
	    "idle time allowed to an SMTP client", 7 },
	[CONF_K_SERVER_TIMEOUT] = { "server_timeout", CONF_DURATION, "300s",
	    CONF_M_SMTP, 1, DAY, NULL, NULL,
	    "time allowed to the next hop for each reply", 7 },
	[CONF_K_SPLIT_RECIPIENTS] = { "split_recipients", CONF_BOOL, "no",
	    CONF_M_SMTP, 0, 0, NULL, NULL,
	    "split a message whose recipients' sections disagree", 7 },
	[CONF_K_SPOOL_MEMORY] = { "spool_memory", CONF_SIZE, "1M",
	    CONF_M_SMTP | CONF_M_SMFI, 0, GIB, NULL, NULL,
	    "a message is kept in memory up to this size, then in tmp_dir", 7 },
	[CONF_K_TMP_DIR] = { "tmp_dir", CONF_PATH, "/var/spool/vigil/tmp",
	    CONF_M_SMTP | CONF_M_SMFI, 0, 0, NULL, NULL,
	    "directory of spooled messages", 7 },
	[CONF_K_RUN_AS] = { "run_as", CONF_STR, "", CONF_M_SMTP | CONF_M_SMFI,
	    0, 0, NULL, check_runas,
	    "user to become after opening the socket, when started as root; "
	    "empty: stay", 7 },

	/* [smfi] (issue 8) */
	[CONF_K_MILTER_SOCKET] = { "milter_socket", CONF_STR,
	    "unix:/run/vigil/milter.sock", CONF_M_SMFI, 0, 0, NULL,
	    check_milter, "unix:/PATH, inet:PORT@HOST or inet6:PORT@HOST", 8 },
	[CONF_K_MILTER_TIMEOUT] = { "milter_timeout", CONF_DURATION, "7210s",
	    CONF_M_SMFI, 1, DAY, NULL, NULL,
	    "time allowed to the MTA between milter commands", 8 },

	/* [mirror] (issue 9) */
	[CONF_K_URL] = { "url", CONF_STR, "", CONF_M_MIRROR, 0, 0, NULL,
	    check_url, "mirror to update from (http or https); empty: none",
	    9 },
	[CONF_K_AUTH_FILE] = { "auth_file", CONF_PATH, "", CONF_M_MIRROR, 0,
	    0, NULL, NULL, "username= and password= lines, mode 0600", 9 },
	[CONF_K_PROXY] = { "proxy", CONF_STR, "", CONF_M_MIRROR, 0, 0, NULL,
	    check_url, "HTTP proxy URL; empty: none", 9 },
	[CONF_K_PROXY_AUTH_FILE] = { "proxy_auth_file", CONF_PATH, "",
	    CONF_M_MIRROR, 0, 0, NULL, NULL,
	    "the proxy's username= and password= lines, mode 0600", 9 },
	[CONF_K_PUBLIC_KEY] = { "public_key", CONF_PATH,
	    "/etc/vigil/mirror.pub", CONF_M_MIRROR, 0, 0, NULL, NULL,
	    "Ed25519 key that signs update.ver", 9 },
	[CONF_K_MIRROR_DIR] = { "mirror_dir", CONF_PATH,
	    "/var/lib/vigil/mirror", CONF_M_MIRROR, 0, 0, NULL, NULL,
	    "local copy of the mirror", 9 },
	[CONF_K_RETRIES] = { "retries", CONF_INT, "3", CONF_M_MIRROR, 0, 100,
	    NULL, NULL, "attempts after a failed download", 9 },
	[CONF_K_CONNECT_TIMEOUT] = { "connect_timeout", CONF_DURATION, "30s",
	    CONF_M_MIRROR | CONF_M_SMTP, 1, DAY, NULL, NULL,
	    "time allowed to connect to a server", 9 },
	[CONF_K_TRANSFER_TIMEOUT] = { "transfer_timeout", CONF_DURATION,
	    "600s", CONF_M_MIRROR, 1, DAY, NULL, NULL,
	    "time allowed to one download", 9 },

	/* [pac] and [dac], the on-access agents (DESIGN.md; no issue yet) */
	[CONF_K_INCLUDE_PATHS] = { "include_paths", CONF_LIST, "",
	    CONF_M_PAC | CONF_M_DAC, 0, 0, NULL, NULL,
	    "directories watched; empty: none", 0 },
	[CONF_K_EXCLUDE_PATHS] = { "exclude_paths", CONF_LIST, "",
	    CONF_M_PAC | CONF_M_DAC, 0, 0, NULL, NULL,
	    "directories inside those not watched", 0 },
	[CONF_K_ON_ERROR] = { "on_error", CONF_ENUM, "allow",
	    CONF_M_PAC | CONF_M_DAC, 0, 0, "allow|deny", NULL,
	    "access when a file cannot be scanned", 0 },
};

/* check_action - none, delete or move:/DIR */
static const char *
check_action(const char *s)
{
	if (strcmp(s, "none") == 0 || strcmp(s, "delete") == 0)
		return NULL;
	if (strncmp(s, "move:/", 6) == 0)
		return NULL;
	return "expected none, delete or move:/DIR";
}

/* check_subject - a prefix with at most one %s and no other % */
static const char *
check_subject(const char *s)
{
	int	 n = 0;

	for (; *s != '\0'; s++) {
		if (*s != '%')
			continue;
		if (s[1] == '%')
			s++;
		else if (s[1] == 's' && n++ == 0)
			s++;
		else
			return "only one %s and %% may appear";
	}
	return NULL;
}

/* check_host - a host name, address or user name: no space, not empty */
static const char *
check_host(const char *s)
{
	if (*s == '\0')
		return "must not be empty";
	for (; *s != '\0'; s++)
		if (*s == ' ' || *s == '\t' || *s == '/')
			return "no space or '/' allowed";
	return NULL;
}

/* check_runas - a user name, or empty */
static const char *
check_runas(const char *s)
{
	return *s == '\0' ? NULL : check_host(s);
}

/* check_milter - unix:/PATH, local:/PATH, inet:PORT[@HOST], inet6:... */
static const char *
check_milter(const char *s)
{
	const char	*p;
	long		 port = 0;

	if (strncmp(s, "unix:/", 6) == 0 || strncmp(s, "local:/", 7) == 0)
		return NULL;
	if (strncmp(s, "inet:", 5) == 0)
		p = s + 5;
	else if (strncmp(s, "inet6:", 6) == 0)
		p = s + 6;
	else
		return "expected unix:/PATH, inet:PORT@HOST or inet6:PORT@HOST";
	if (*p < '0' || *p > '9')
		return "bad port";
	for (; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (*p - '0');
	if (port < 1 || port > 65535)
		return "bad port";
	if (*p == '\0' || (*p == '@' && p[1] != '\0'))
		return NULL;
	return "expected PORT@HOST";
}

/* check_url - empty, or http:// or https:// and something */
static const char *
check_url(const char *s)
{
	if (*s == '\0')
		return NULL;
	if (strncmp(s, "http://", 7) == 0)
		s += 7;
	else if (strncmp(s, "https://", 8) == 0)
		s += 8;
	else
		return "expected an http:// or https:// URL";
	if (*s == '\0')
		return "no host in the URL";
	for (; *s != '\0'; s++)
		if (*s == ' ' || *s == '\t')
			return "no space allowed in a URL";
	return NULL;
}

/* check_daemon - an absolute path or HOST:PORT */
static const char *
check_daemon(const char *s)
{
	const char	*p;
	long		 port = 0;

	if (*s == '/')
		return NULL;
	if ((p = strrchr(s, ':')) == NULL || p == s || p[1] == '\0')
		return "expected an absolute path or HOST:PORT";
	for (p++; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (*p - '0');
	if (*p != '\0' || port < 1 || port > 65535)
		return "expected an absolute path or HOST:PORT";
	return NULL;
}

/* conf_schema - the row of key k */
const struct conf_schema *
conf_schema(enum conf_key k)
{
	if ((unsigned)k >= CONF_NKEYS)
		return NULL;
	return &schema[k];
}
