/*
 * test_conf.c - unit tests for conf/conf.c and conf/schema.c
 *
 * One table of single values, each loaded in a section of its own and
 * read back (or its exact message checked); one table of whole files and
 * the exact list of messages they must give; then precedence through user
 * and domain sections, the defaults, file loading, and the check that
 * conf/vigil.cfg and conf/vigil.cfg.5 name every key of the schema with
 * its default, so that neither can drift from schema.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf/conf.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define S(x)		x, sizeof(x) - 1

/* one value: "[sec]\n<line>\n" must give num/str, or the error */
static const struct vcase {
	const char	*name;
	const char	*sec;
	const char	*line;
	enum conf_key	 key;
	int64_t		 num;
	const char	*str;		/* NULL: do not check */
	const char	*err;		/* NULL: must load */
} vcases[] = {
	/* integers */
	{ "int: plain", "daemon", "num_workers = 4", CONF_K_NUM_WORKERS, 4,
	    "4", NULL },
	{ "int: sign", "daemon", "num_workers=+7", CONF_K_NUM_WORKERS, 7,
	    NULL, NULL },
	{ "int: blanks", "daemon", " \tnum_workers \t=\t 9 \t",
	    CONF_K_NUM_WORKERS, 9, "9", NULL },
	{ "int: quoted", "daemon", "num_workers = \"3\"", CONF_K_NUM_WORKERS,
	    3, NULL, NULL },
	{ "int: max", "daemon", "num_workers = 1024", CONF_K_NUM_WORKERS,
	    1024, NULL, NULL },
	{ "int: zero allowed", "daemon", "max_jobs_per_worker = 0",
	    CONF_K_MAX_JOBS_PER_WORKER, 0, NULL, NULL },
	{ "int: word", "daemon", "num_workers = four", CONF_K_NUM_WORKERS, 0,
	    NULL, "t:2: num_workers: not an integer: \"four\"" },
	{ "int: below", "daemon", "num_workers = 0", CONF_K_NUM_WORKERS, 0,
	    NULL, "t:2: num_workers: out of range: \"0\"" },
	{ "int: above", "daemon", "num_workers = 1025", CONF_K_NUM_WORKERS,
	    0, NULL, "t:2: num_workers: out of range: \"1025\"" },
	{ "int: negative", "global", "log_level = -1", CONF_K_LOG_LEVEL, 0,
	    NULL, "t:2: log_level: out of range: \"-1\"" },
	{ "int: overflow", "daemon", "num_workers = 99999999999999999999",
	    CONF_K_NUM_WORKERS, 0, NULL,
	    "t:2: num_workers: not an integer: \"99999999999999999999\"" },
	{ "int: trailing comment", "daemon", "num_workers = 4 # four",
	    CONF_K_NUM_WORKERS, 0, NULL,
	    "t:2: num_workers: not an integer: \"4 # four\"" },
	{ "int: empty", "daemon", "num_workers =", CONF_K_NUM_WORKERS, 0,
	    NULL, "t:2: num_workers: not an integer: \"\"" },
	{ "int: hex", "daemon", "num_workers = 0x10", CONF_K_NUM_WORKERS, 0,
	    NULL, "t:2: num_workers: not an integer: \"0x10\"" },
	{ "int: sign only", "daemon", "num_workers = -", CONF_K_NUM_WORKERS,
	    0, NULL, "t:2: num_workers: not an integer: \"-\"" },
	/* booleans */
	{ "bool: yes", "global", "heuristic_alerts = yes",
	    CONF_K_HEURISTIC_ALERTS, 1, "yes", NULL },
	{ "bool: No", "global", "heuristic_alerts = No",
	    CONF_K_HEURISTIC_ALERTS, 0, NULL, NULL },
	{ "bool: TRUE", "global", "heuristic_alerts = TRUE",
	    CONF_K_HEURISTIC_ALERTS, 1, NULL, NULL },
	{ "bool: false", "global", "heuristic_alerts = false",
	    CONF_K_HEURISTIC_ALERTS, 0, NULL, NULL },
	{ "bool: on", "global", "heuristic_alerts = on",
	    CONF_K_HEURISTIC_ALERTS, 1, NULL, NULL },
	{ "bool: off", "global", "heuristic_alerts = off",
	    CONF_K_HEURISTIC_ALERTS, 0, NULL, NULL },
	{ "bool: 1", "global", "heuristic_alerts = 1",
	    CONF_K_HEURISTIC_ALERTS, 1, NULL, NULL },
	{ "bool: 0", "global", "heuristic_alerts = 0",
	    CONF_K_HEURISTIC_ALERTS, 0, NULL, NULL },
	{ "bool: maybe", "global", "heuristic_alerts = maybe",
	    CONF_K_HEURISTIC_ALERTS, 0, NULL,
	    "t:2: heuristic_alerts: not yes or no: \"maybe\"" },
	{ "bool: 2", "global", "heuristic_alerts = 2",
	    CONF_K_HEURISTIC_ALERTS, 0, NULL,
	    "t:2: heuristic_alerts: not yes or no: \"2\"" },
	{ "bool: empty", "global", "heuristic_alerts = ",
	    CONF_K_HEURISTIC_ALERTS, 0, NULL,
	    "t:2: heuristic_alerts: not yes or no: \"\"" },
	/* sizes */
	{ "size: bytes", "global", "max_filesize = 100",
	    CONF_K_MAX_FILESIZE, 100, "100", NULL },
	{ "size: K", "global", "max_filesize = 512K", CONF_K_MAX_FILESIZE,
	    512 << 10, NULL, NULL },
	{ "size: m", "global", "max_filesize = 10m", CONF_K_MAX_FILESIZE,
	    10 << 20, NULL, NULL },
	{ "size: G", "global", "max_filesize = 2G", CONF_K_MAX_FILESIZE,
	    2LL << 30, NULL, NULL },
	{ "size: T", "global", "max_filesize = 1T", CONF_K_MAX_FILESIZE,
	    1LL << 40, NULL, NULL },
	{ "size: KB", "global", "max_filesize = 3KB", CONF_K_MAX_FILESIZE,
	    3 << 10, NULL, NULL },
	{ "size: MiB", "global", "max_filesize = 3MiB", CONF_K_MAX_FILESIZE,
	    3 << 20, NULL, NULL },
	{ "size: B", "global", "max_filesize = 7B", CONF_K_MAX_FILESIZE, 7,
	    NULL, NULL },
	{ "size: unit", "global", "max_filesize = 10X", CONF_K_MAX_FILESIZE,
	    0, NULL, "t:2: max_filesize: not a size (such as 512K, 10M, 2G): "
	    "\"10X\"" },
	{ "size: no number", "global", "max_filesize = M",
	    CONF_K_MAX_FILESIZE, 0, NULL, "t:2: max_filesize: not a size "
	    "(such as 512K, 10M, 2G): \"M\"" },
	{ "size: negative", "global", "max_filesize = -1M",
	    CONF_K_MAX_FILESIZE, 0, NULL, "t:2: max_filesize: not a size "
	    "(such as 512K, 10M, 2G): \"-1M\"" },
	{ "size: fraction", "global", "max_filesize = 1.5M",
	    CONF_K_MAX_FILESIZE, 0, NULL, "t:2: max_filesize: not a size "
	    "(such as 512K, 10M, 2G): \"1.5M\"" },
	{ "size: space", "global", "max_filesize = 10 M",
	    CONF_K_MAX_FILESIZE, 0, NULL, "t:2: max_filesize: not a size "
	    "(such as 512K, 10M, 2G): \"10 M\"" },
	{ "size: zero", "global", "max_filesize = 0", CONF_K_MAX_FILESIZE, 0,
	    NULL, "t:2: max_filesize: out of range: \"0\"" },
	{ "size: above", "global", "max_filesize = 2000G",
	    CONF_K_MAX_FILESIZE, 0, NULL,
	    "t:2: max_filesize: out of range: \"2000G\"" },
	{ "size: overflow", "global", "max_filesize = 99999999999T",
	    CONF_K_MAX_FILESIZE, 0, NULL,
	    "t:2: max_filesize: out of range: \"99999999999T\"" },
	/* durations, in milliseconds */
	{ "duration: plain", "global", "max_scantime = 45",
	    CONF_K_MAX_SCANTIME, 45000, "45", NULL },
	{ "duration: s", "global", "max_scantime = 30s", CONF_K_MAX_SCANTIME,
	    30000, NULL, NULL },
	{ "duration: m", "global", "max_scantime = 5m", CONF_K_MAX_SCANTIME,
	    300000, NULL, NULL },
	{ "duration: h", "global", "max_scantime = 2h", CONF_K_MAX_SCANTIME,
	    7200000, NULL, NULL },
	{ "duration: d", "global", "max_scantime = 1d", CONF_K_MAX_SCANTIME,
	    86400000, NULL, NULL },
	{ "duration: ms", "global", "max_scantime = 250ms",
	    CONF_K_MAX_SCANTIME, 250, NULL, NULL },
	{ "duration: MS", "global", "max_scantime = 250MS",
	    CONF_K_MAX_SCANTIME, 250, NULL, NULL },
	{ "duration: zero allowed", "daemon", "reload_check_interval = 0",
	    CONF_K_RELOAD_CHECK_INTERVAL, 0, NULL, NULL },
	{ "duration: zero", "global", "max_scantime = 0", CONF_K_MAX_SCANTIME,
	    0, NULL, "t:2: max_scantime: out of range: \"0\"" },
	{ "duration: above", "global", "max_scantime = 2d",
	    CONF_K_MAX_SCANTIME, 0, NULL,
	    "t:2: max_scantime: out of range: \"2d\"" },
	{ "duration: unit", "global", "max_scantime = 5w",
	    CONF_K_MAX_SCANTIME, 0, NULL, "t:2: max_scantime: not a duration "
	    "(such as 500ms, 30s, 5m, 2h, 1d): \"5w\"" },
	{ "duration: fraction", "global", "max_scantime = 1.5s",
	    CONF_K_MAX_SCANTIME, 0, NULL, "t:2: max_scantime: not a duration "
	    "(such as 500ms, 30s, 5m, 2h, 1d): \"1.5s\"" },
	{ "duration: overflow", "global",
	    "max_scantime = 9999999999999999999d", CONF_K_MAX_SCANTIME, 0,
	    NULL, "t:2: max_scantime: out of range: \"9999999999999999999d\"" },
	/* enumerations */
	{ "enum: word", "global", "action_on_infected = discard",
	    CONF_K_ACTION_ON_INFECTED, 3, "discard", NULL },
	{ "enum: case", "global", "action_on_infected = Quarantine",
	    CONF_K_ACTION_ON_INFECTED, 5, "quarantine", NULL },
	{ "enum: first", "smtp", "action_on_notscanned = accept",
	    CONF_K_ACTION_ON_NOTSCANNED, 0, "accept", NULL },
	{ "enum: facility", "global", "syslog_facility = local3",
	    CONF_K_SYSLOG_FACILITY, 7, "local3", NULL },
	{ "enum: bad", "global", "action_on_infected = bounce",
	    CONF_K_ACTION_ON_INFECTED, 0, NULL, "t:2: action_on_infected: not "
	    "one of the allowed words: \"bounce\"" },
	{ "enum: prefix", "global", "action_on_infected = rej",
	    CONF_K_ACTION_ON_INFECTED, 0, NULL, "t:2: action_on_infected: not "
	    "one of the allowed words: \"rej\"" },
	{ "enum: two words", "global", "action_on_infected = reject|clean",
	    CONF_K_ACTION_ON_INFECTED, 0, NULL, "t:2: action_on_infected: not "
	    "one of the allowed words: \"reject|clean\"" },
	/* strings */
	{ "str: bare with blanks", "global",
	    "write_to_subject = [virus %s] here", CONF_K_WRITE_TO_SUBJECT, 0,
	    "[virus %s] here", NULL },
	{ "str: quoted keeps blanks", "global",
	    "write_to_subject = \"  [virus %s] \"", CONF_K_WRITE_TO_SUBJECT, 0,
	    "  [virus %s] ", NULL },
	{ "str: escapes", "smtp", "server_addr = \"a\\\"b\\\\c\"",
	    CONF_K_SERVER_ADDR, 0, "a\"b\\c", NULL },
	{ "str: quoted empty", "global", "write_to_subject = \"\"",
	    CONF_K_WRITE_TO_SUBJECT, 0, "", NULL },
	{ "str: bad escape", "global", "write_to_subject = \"a\\nb\"",
	    CONF_K_WRITE_TO_SUBJECT, 0, NULL, "t:2: write_to_subject: bad "
	    "escape (only \\\" and \\\\): \"\"a\\nb\"\"" },
	{ "str: unterminated", "global", "write_to_subject = \"abc",
	    CONF_K_WRITE_TO_SUBJECT, 0, NULL,
	    "t:2: write_to_subject: unterminated string: \"\"abc\"" },
	{ "str: backslash at end", "global", "write_to_subject = \"abc\\",
	    CONF_K_WRITE_TO_SUBJECT, 0, NULL,
	    "t:2: write_to_subject: unterminated string: \"\"abc\\\"" },
	{ "str: after quote", "global", "write_to_subject = \"a\" b",
	    CONF_K_WRITE_TO_SUBJECT, 0, NULL, "t:2: write_to_subject: text "
	    "after the closing quote: \"\"a\" b\"" },
	{ "str: quote inside bare", "global", "write_to_subject = a\"b",
	    CONF_K_WRITE_TO_SUBJECT, 0, NULL, "t:2: write_to_subject: a quote "
	    "inside a bare value (quote the whole value): \"a\"b\"" },
	{ "str: subject format", "global", "write_to_subject = [%d]",
	    CONF_K_WRITE_TO_SUBJECT, 0, NULL, "t:2: write_to_subject: only one "
	    "%s and %% may appear: \"[%d]\"" },
	{ "str: subject two %s", "global", "write_to_subject = %s %s",
	    CONF_K_WRITE_TO_SUBJECT, 0, NULL, "t:2: write_to_subject: only one "
	    "%s and %% may appear: \"%s %s\"" },
	{ "str: subject %%", "global", "write_to_subject = 100%% %s",
	    CONF_K_WRITE_TO_SUBJECT, 0, "100%% %s", NULL },
	{ "str: user", "daemon", "user = _vigil", CONF_K_USER, 0, "_vigil",
	    NULL },
	{ "str: user empty", "daemon", "user =", CONF_K_USER, 0, NULL,
	    "t:2: user: must not be empty: \"\"" },
	{ "str: action move", "scan", "action = move:/var/quarantine",
	    CONF_K_ACTION, 0, "move:/var/quarantine", NULL },
	{ "str: action relative", "scan", "action = move:q", CONF_K_ACTION,
	    0, NULL, "t:2: action: expected none, delete or move:/DIR: "
	    "\"move:q\"" },
	{ "str: milter inet", "smfi", "milter_socket = inet:8890@localhost",
	    CONF_K_MILTER_SOCKET, 0, "inet:8890@localhost", NULL },
	{ "str: milter unix", "smfi", "milter_socket = unix:/run/m.sock",
	    CONF_K_MILTER_SOCKET, 0, "unix:/run/m.sock", NULL },
	{ "str: milter bad", "smfi", "milter_socket = tcp:1",
	    CONF_K_MILTER_SOCKET, 0, NULL, "t:2: milter_socket: expected "
	    "unix:/PATH, inet:PORT@HOST or inet6:PORT@HOST: \"tcp:1\"" },
	{ "str: milter port", "smfi", "milter_socket = inet:99999",
	    CONF_K_MILTER_SOCKET, 0, NULL,
	    "t:2: milter_socket: bad port: \"inet:99999\"" },
	{ "str: url", "mirror", "url = https://updates.example.com/vigil_upd",
	    CONF_K_URL, 0, "https://updates.example.com/vigil_upd", NULL },
	{ "str: url ftp", "mirror", "url = ftp://x", CONF_K_URL, 0, NULL,
	    "t:2: url: expected an http:// or https:// URL: \"ftp://x\"" },
	/* paths */
	{ "path: absolute", "global", "base_dir = /srv/vigil",
	    CONF_K_BASE_DIR, 0, "/srv/vigil", NULL },
	{ "path: quoted blank", "global", "log_file = \"/var/log/a b.log\"",
	    CONF_K_LOG_FILE, 0, "/var/log/a b.log", NULL },
	{ "path: empty", "daemon", "exec_script =", CONF_K_EXEC_SCRIPT, 0, "",
	    NULL },
	{ "path: relative", "global", "base_dir = var/lib",
	    CONF_K_BASE_DIR, 0, NULL,
	    "t:2: base_dir: not an absolute path: \"var/lib\"" },
	/* addresses */
	{ "addr: v4", "daemon", "listen = 127.0.0.1:3310", CONF_K_LISTEN, 0,
	    "127.0.0.1:3310", NULL },
	{ "addr: name", "daemon", "listen = localhost:3310", CONF_K_LISTEN, 0,
	    "localhost:3310", NULL },
	{ "addr: v6", "daemon", "listen = [::1]:3310", CONF_K_LISTEN, 0,
	    "[::1]:3310", NULL },
	{ "addr: OFF", "daemon", "listen = OFF", CONF_K_LISTEN, 0, "off",
	    NULL },
	{ "addr: empty", "daemon", "listen =", CONF_K_LISTEN, 0, "off",
	    NULL },
	{ "addr: no port", "daemon", "listen = localhost", CONF_K_LISTEN, 0,
	    NULL, "t:2: listen: not off, HOST:PORT or [IPV6]:PORT: "
	    "\"localhost\"" },
	{ "addr: no host", "daemon", "listen = :80", CONF_K_LISTEN, 0, NULL,
	    "t:2: listen: not off, HOST:PORT or [IPV6]:PORT: \":80\"" },
	{ "addr: port 0", "daemon", "listen = h:0", CONF_K_LISTEN, 0, NULL,
	    "t:2: listen: not off, HOST:PORT or [IPV6]:PORT: \"h:0\"" },
	{ "addr: port high", "daemon", "listen = h:65536", CONF_K_LISTEN, 0,
	    NULL, "t:2: listen: not off, HOST:PORT or [IPV6]:PORT: "
	    "\"h:65536\"" },
	{ "addr: bare v6", "daemon", "listen = ::1:80", CONF_K_LISTEN, 0,
	    NULL, "t:2: listen: not off, HOST:PORT or [IPV6]:PORT: "
	    "\"::1:80\"" },
	/* lists */
	{ "list: two", "global",
	    "daemon_addr = /run/a.sock, 127.0.0.1:3310", CONF_K_DAEMON_ADDR,
	    2, NULL, NULL },
	{ "list: quoted comma", "scan", "exclude = \"*.iso\", \"/mnt/a,b\"",
	    CONF_K_EXCLUDE, 2, NULL, NULL },
	{ "list: empty", "scan", "exclude =", CONF_K_EXCLUDE, 0, "", NULL },
	{ "list: empty item", "scan", "exclude = a,,b", CONF_K_EXCLUDE, 0,
	    NULL, "t:2: exclude: empty list item: \"a,,b\"" },
	{ "list: trailing comma", "scan", "exclude = a,", CONF_K_EXCLUDE, 0,
	    NULL, "t:2: exclude: empty list item: \"a,\"" },
	{ "list: leading comma", "scan", "exclude = ,a", CONF_K_EXCLUDE, 0,
	    NULL, "t:2: exclude: empty list item: \",a\"" },
	{ "list: bad item", "global", "daemon_addr = vigild.sock",
	    CONF_K_DAEMON_ADDR, 0, NULL, "t:2: daemon_addr: expected an "
	    "absolute path or HOST:PORT: \"vigild.sock\"" },
	{ "list: after quote", "scan", "exclude = \"a\" b", CONF_K_EXCLUDE, 0,
	    NULL, "t:2: exclude: text after the closing quote: \"\"a\" b\"" },
};

/* a whole file and every message it must give */
static const struct fcase {
	const char	*name;
	const char	*text;
	size_t		 len;
	const char	*errs[4];	/* NULL-terminated; none: loads */
} fcases[] = {
	{ "empty file", S(""), { NULL } },
	{ "only blanks and comments", S("\n  \n# c\n; c\n\t# c\n"),
	    { NULL } },
	{ "no final newline", S("[daemon]\nnum_workers = 3"), { NULL } },
	{ "CRLF", S("[daemon]\r\nnum_workers = 3\r\n\r\n"), { NULL } },
	{ "BOM", S("\xef\xbb\xbf[daemon]\nnum_workers = 3\n"), { NULL } },
	{ "BOM and CRLF", S("\xef\xbb\xbf# x\r\n[daemon]\r\n"), { NULL } },
	{ "BOM not at start", S("[daemon]\n\xef\xbb\xbfnum_workers = 3\n"),
	    { "t:2: unknown key \"\xef\xbb\xbfnum_workers\"", NULL } },
	{ "section names any case, blanks", S("[ DAEMON ]\n[Global]\n"),
	    { NULL } },
	{ "user sections", S("[bob@example.com]\n[@example.com]\n[bob]\n"
	    "[a.b+c=d%e-f_g]\n"), { NULL } },
	{ "key outside any section", S("num_workers = 2\n"),
	    { "t:1: key \"num_workers\" outside any section", NULL } },
	{ "neither", S("[daemon]\nhello world\n"),
	    { "t:2: expected \"[section]\" or \"key = value\"", NULL } },
	{ "no key", S("[daemon]\n = 5\n"),
	    { "t:2: expected \"[section]\" or \"key = value\"", NULL } },
	{ "unknown key", S("[daemon]\nnum_worker = 2\n"),
	    { "t:2: unknown key \"num_worker\"", NULL } },
	{ "key case", S("[daemon]\nNum_Workers = 2\n"),
	    { "t:2: unknown key \"Num_Workers\"", NULL } },
	{ "key with blank", S("[daemon]\nnum workers = 2\n"),
	    { "t:2: unknown key \"num workers\"", NULL } },
	{ "key not allowed", S("[smtp]\nsocket = /x\n"),
	    { "t:2: key \"socket\" not allowed in [smtp]", NULL } },
	{ "key not allowed in user", S("[@Example.com]\nnum_workers = 2\n"),
	    { "t:2: key \"num_workers\" not allowed in [@example.com]",
	    NULL } },
	{ "global-only key", S("[daemon]\nbase_dir = /x\n"),
	    { "t:2: key \"base_dir\" not allowed in [daemon]", NULL } },
	{ "duplicate key", S("[daemon]\nnum_workers = 2\n\nnum_workers = 2\n"),
	    { "t:4: duplicate key \"num_workers\" in [daemon] (first at line "
	    "2)", NULL } },
	{ "same key, two sections", S("[global]\nlog_level = 1\n[daemon]\n"
	    "log_level = 2\n"), { NULL } },
	{ "duplicate section", S("[daemon]\n[scan]\n[Daemon]\n"
	    "num_workers = x\n"),
	    { "t:3: duplicate section [daemon] (first at line 1)", NULL } },
	{ "duplicate user section", S("[Bob@x.org]\nquiet = 1\n[a]\n"
	    "[bob@X.org]\nmax_files = 1\n[daemon]\nnum_workers = x\n"),
	    { "t:2: key \"quiet\" not allowed in [bob@x.org]",
	    "t:4: duplicate section [bob@x.org] (first at line 1)",
	    "t:7: num_workers: not an integer: \"x\"", NULL } },
	{ "bad section name", S("[foo bar]\nnum_workers = x\n"),
	    { "t:1: bad section name \"foo bar\"", NULL } },
	{ "two @", S("[a@b@c]\n"),
	    { "t:1: bad section name \"a@b@c\"", NULL } },
	{ "empty section name", S("[]\n"),
	    { "t:1: bad section name \"\"", NULL } },
	{ "@ at end", S("[user@]\n"),
	    { "t:1: bad section name \"user@\"", NULL } },
	{ "lone @", S("[@]\n"), { "t:1: bad section name \"@\"", NULL } },
	{ "section slash", S("[../etc]\n"),
	    { "t:1: bad section name \"../etc\"", NULL } },
	{ "no ]", S("[daemon\nnum_workers = x\n"),
	    { "t:1: expected \"]\" at the end of a section header", NULL } },
	{ "text after ]", S("[daemon] # x\n"),
	    { "t:1: expected \"]\" at the end of a section header", NULL } },
	{ "NUL byte", S("[daemon]\nnum_workers = 2\0\n# x\0\n"),
	    { "t:2: NUL byte in line", "t:3: NUL byte in line", NULL } },
	{ "control character", S("[daemon]\nnum_workers = \x1b" "2\n"),
	    { "t:2: control character 0x1b in line", NULL } },
	{ "lone CR", S("[daemon]\rnum_workers = 2\n"),
	    { "t:1: control character 0x0d in line", NULL } },
	{ "DEL", S("[daemon]\n#\x7f\n"),
	    { "t:2: control character 0x7f in line", NULL } },
	{ "line order", S("[daemon]\nnum_workers = 0\nbogus\n[x y]\n"),
	    { "t:2: num_workers: out of range: \"0\"",
	    "t:3: expected \"[section]\" or \"key = value\"",
	    "t:4: bad section name \"x y\"", NULL } },
	{ "long value shortened", S("[global]\nbase_dir = "
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxyz"
	    "\n"), { "t:2: base_dir: not an absolute path: \"xxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"", NULL } },
};

/* load - text[0, len) named "t" into a new conf */
static struct conf *
load(const char *text, size_t len, int *rc, char *err, size_t errlen)
{
	struct conf	*c;

	assert_non_null(c = conf_new());
	*rc = conf_load_buf(c, "t", text, len, err, errlen);
	return c;
}

/* test_value - one row of vcases */
static void
test_value(void **state)
{
	const struct vcase	*t = *state;
	const struct conf_schema *sc = conf_schema(t->key);
	struct conf_view	 v;
	struct conf		*c;
	const char *const	*l;
	char			 text[512], err[256];
	size_t			 n;
	int			 rc, sec;

	snprintf(text, sizeof(text), "[%s]\n%s\n", t->sec, t->line);
	c = load(text, strlen(text), &rc, err, sizeof(err));
	sec = conf_sec_find(t->sec);
	assert_true(sec >= 0);
	conf_view(c, &v, sec, NULL, NULL);
	if (t->err != NULL) {
		assert_int_equal(rc, -1);
		assert_int_equal(errno, EINVAL);
		assert_string_equal(err, t->err);
		assert_int_equal(conf_nerrors(c), 1);
		assert_string_equal(conf_error(c, 0), t->err);
		/* the default stays */
		assert_int_equal(conf_get_line(&v, t->key), 0);
		assert_string_equal(conf_get_str(&v, t->key), sc->def);
		conf_free(c);
		return;
	}
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	assert_int_equal(conf_nerrors(c), 0);
	assert_null(conf_error(c, 0));
	assert_int_equal(conf_get_line(&v, t->key), 2);
	if (t->str != NULL)
		assert_string_equal(conf_get_str(&v, t->key), t->str);
	if (sc->type == CONF_LIST) {
		l = conf_get_list(&v, t->key, &n);
		assert_int_equal(n, t->num);
		assert_null(l[n]);
		if (t->key == CONF_K_EXCLUDE && n == 2) {
			assert_string_equal(l[0], "*.iso");
			assert_string_equal(l[1], "/mnt/a,b");
		}
		if (t->key == CONF_K_DAEMON_ADDR) {
			assert_string_equal(l[0], "/run/a.sock");
			assert_string_equal(l[1], "127.0.0.1:3310");
		}
	} else
		assert_int_equal(conf_get_int(&v, t->key), t->num);
	switch (sc->type) {
	case CONF_BOOL:
		assert_int_equal(conf_get_bool(&v, t->key), t->num);
		break;
	case CONF_SIZE:
		assert_int_equal(conf_get_size(&v, t->key), t->num);
		break;
	case CONF_DURATION:
		assert_int_equal(conf_get_duration(&v, t->key), t->num);
		break;
	case CONF_ENUM:
		assert_int_equal(conf_get_enum(&v, t->key), t->num);
		break;
	default:
		break;
	}
	conf_free(c);
}

/* test_file - one row of fcases */
static void
test_file(void **state)
{
	const struct fcase	*t = *state;
	struct conf		*c;
	char			 err[256];
	size_t			 i, n;
	int			 rc;

	c = load(t->text, t->len, &rc, err, sizeof(err));
	for (n = 0; t->errs[n] != NULL; n++)
		;
	for (i = 0; i < conf_nerrors(c) && i < n; i++)
		assert_string_equal(conf_error(c, i), t->errs[i]);
	assert_int_equal(conf_nerrors(c), n);
	if (n == 0) {
		assert_int_equal(rc, 0);
		assert_string_equal(err, "");
	} else {
		assert_int_equal(rc, -1);
		assert_int_equal(errno, EINVAL);
		assert_string_equal(err, t->errs[0]);
	}
	conf_free(c);
}

/* test_crlf_values - CR LF does not reach values */
static void
test_crlf_values(void **state)
{
	static const char	 text[] = "\xef\xbb\xbf[smtp]\r\n"
	    "server_addr = mx.example.com\r\n"
	    "write_to_subject = \"[v] \"\r\n"
	    "max_connections = 50\r\n";
	struct conf_view	 v;
	struct conf		*c;
	int			 rc;

	(void)state;
	c = load(text, sizeof(text) - 1, &rc, NULL, 0);
	assert_int_equal(rc, 0);
	conf_view(c, &v, CONF_SEC_SMTP, NULL, NULL);
	assert_string_equal(conf_get_str(&v, CONF_K_SERVER_ADDR),
	    "mx.example.com");
	assert_string_equal(conf_get_str(&v, CONF_K_WRITE_TO_SUBJECT), "[v] ");
	assert_int_equal(conf_get_int(&v, CONF_K_MAX_CONNECTIONS), 50);
	assert_int_equal(conf_get_line(&v, CONF_K_MAX_CONNECTIONS), 4);
	conf_free(c);
}

/* test_long_lines - CONF_LINEMAX bytes pass, one more does not */
static void
test_long_lines(void **state)
{
	struct conf_view	 v;
	struct conf		*c;
	char			*text, err[256];
	size_t			 n, line;
	int			 rc, crlf;

	(void)state;
	for (crlf = 0; crlf < 2; crlf++) {
		assert_non_null(text = malloc(3 * CONF_LINEMAX));
		/* "log_file = /xxx...": exactly CONF_LINEMAX */
		n = snprintf(text, 64, "[global]\nlog_file = /");
		line = CONF_LINEMAX - strlen("log_file = /");
		memset(text + n, 'x', line);
		n += line;
		n += snprintf(text + n, 8, crlf ? "\r\n" : "\n");
		c = load(text, n, &rc, err, sizeof(err));
		if (rc != 0)
			fail_msg("%s", err);
		conf_view(c, &v, CONF_SEC_GLOBAL, NULL, NULL);
		assert_int_equal(strlen(conf_get_str(&v, CONF_K_LOG_FILE)),
		    CONF_LINEMAX - strlen("log_file = "));
		conf_free(c);
		/* one byte more, then a good line */
		n -= crlf ? 2 : 1;
		text[n++] = 'y';
		n += snprintf(text + n, 64, "%s[daemon]\nnum_workers = x\n",
		    crlf ? "\r\n" : "\n");
		c = load(text, n, &rc, err, sizeof(err));
		assert_int_equal(rc, -1);
		assert_int_equal(conf_nerrors(c), 2);
		assert_string_equal(conf_error(c, 0),
		    "t:2: line longer than 4096 bytes");
		assert_string_equal(conf_error(c, 1),
		    "t:4: num_workers: not an integer: \"x\"");
		conf_free(c);
		free(text);
	}
	/* a megabyte on one line, no newline */
	n = 1 << 20;
	assert_non_null(text = malloc(n));
	memset(text, '[', n);
	c = load(text, n, &rc, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_string_equal(err, "t:1: line longer than 4096 bytes");
	conf_free(c);
	free(text);
}

/* test_too_many - the list stops at CONF_MAXERRORS */
static void
test_too_many(void **state)
{
	struct conf	*c;
	char		 text[2000], want[64];
	size_t		 i;
	int		 rc;

	(void)state;
	memset(text, 0, sizeof(text));
	for (i = 0; i < 200; i++)
		memcpy(text + 2 * i, "?\n", 2);
	c = load(text, strlen(text), &rc, NULL, 0);
	assert_int_equal(rc, -1);
	assert_int_equal(conf_nerrors(c), CONF_MAXERRORS);
	snprintf(want, sizeof(want), "t:%d: too many errors", CONF_MAXERRORS);
	assert_string_equal(conf_error(c, CONF_MAXERRORS - 1), want);
	assert_string_equal(conf_error(c, 0),
	    "t:1: expected \"[section]\" or \"key = value\"");
	conf_free(c);
}

/* a lookup: program, recipient, user, key, expected text and line */
static const struct pcase {
	const char	*name;
	enum conf_sec	 prog;
	const char	*rcpt;
	const char	*user;
	enum conf_key	 key;
	const char	*want;
	int		 found;
} pcases[] = {
	{ "default", CONF_SEC_DAEMON, NULL, NULL, CONF_K_NUM_WORKERS, "2", 0 },
	{ "program", CONF_SEC_SMTP, NULL, NULL, CONF_K_ACTION_ON_INFECTED,
	    "discard", 0 },
	{ "global under program", CONF_SEC_MDA, NULL, NULL,
	    CONF_K_ACTION_ON_INFECTED, "clean", 0 },
	{ "global", CONF_SEC_GLOBAL, NULL, NULL, CONF_K_ACTION_ON_INFECTED,
	    "clean", 0 },
	{ "domain", CONF_SEC_SMTP, "alice@Example.COM", NULL,
	    CONF_K_ACTION_ON_INFECTED, "quarantine", 1 },
	{ "exact over domain", CONF_SEC_SMTP, "bob@example.com", NULL,
	    CONF_K_ACTION_ON_INFECTED, "accept", 2 },
	{ "angle brackets", CONF_SEC_SMTP, "<BOB@example.com>", NULL,
	    CONF_K_ACTION_ON_INFECTED, "accept", 2 },
	{ "domain fills exact", CONF_SEC_SMTP, "bob@example.com", NULL,
	    CONF_K_WRITE_TO_SUBJECT, "[virus %s] ", 2 },
	{ "user over program", CONF_SEC_SMTP, "bob@example.com", NULL,
	    CONF_K_MAX_FILESIZE, "1M", 2 },
	{ "program under user", CONF_SEC_SMTP, "carol@other.org", NULL,
	    CONF_K_MAX_FILESIZE, "5M", 0 },
	{ "global under user", CONF_SEC_MDA, "carol@other.org", NULL,
	    CONF_K_MAX_FILESIZE, "7M", 0 },
	{ "rcpt over name", CONF_SEC_CLI, "bob@example.com", "amavis",
	    CONF_K_ACTION_ON_INFECTED, "accept", 3 },
	{ "name after domain", CONF_SEC_CLI, "x@example.com", "amavis",
	    CONF_K_ACTION_ON_INFECTED, "quarantine", 2 },
	{ "name alone", CONF_SEC_CLI, NULL, "amavis",
	    CONF_K_ACTION_ON_INFECTED, "reject", 1 },
	{ "name with domain", CONF_SEC_MDA, NULL, "someone@example.com",
	    CONF_K_ACTION_ON_INFECTED, "quarantine", 1 },
	{ "name falls to program", CONF_SEC_SMTP, NULL, "amavis",
	    CONF_K_MAX_FILESIZE, "5M", 1 },
	{ "unknown recipient", CONF_SEC_SMTP, "nobody@nowhere", "nobody",
	    CONF_K_ACTION_ON_INFECTED, "discard", 0 },
	{ "no local part", CONF_SEC_SMTP, "@example.com", NULL,
	    CONF_K_ACTION_ON_INFECTED, "quarantine", 1 },
	{ "prefix is no match", CONF_SEC_SMTP, "bo@example.org", NULL,
	    CONF_K_ACTION_ON_INFECTED, "discard", 0 },
	{ "empty rcpt", CONF_SEC_SMTP, "<>", "", CONF_K_ACTION_ON_INFECTED,
	    "discard", 0 },
	{ "user section view", CONF_SEC_USER, "bob@example.com", NULL,
	    CONF_K_ACTION_ON_INFECTED, "accept", 2 },
};

static const char	 ptext[] =
    "[global]\n"
    "action_on_infected = clean\n"
    "max_filesize = 7M\n"
    "[smtp]\n"
    "action_on_infected = discard\n"
    "max_filesize = 5M\n"
    "[@example.com]\n"
    "action_on_infected = quarantine\n"
    "write_to_subject = \"[virus %s] \"\n"
    "[bob@example.com]\n"
    "action_on_infected = accept\n"
    "max_filesize = 1M\n"
    "[amavis]\n"
    "action_on_infected = reject\n"
    "[bob@example.org]\n"
    "[b]\n[c]\n[z]\n[@a]\n";

/* test_precedence - one row of pcases */
static void
test_precedence(void **state)
{
	const struct pcase	*t = *state;
	struct conf_view	 v, w;
	struct conf		*c;
	int			 rc;

	c = load(ptext, sizeof(ptext) - 1, &rc, NULL, 0);
	assert_int_equal(rc, 0);
	assert_int_equal(conf_view(c, &v, t->prog, t->rcpt, t->user),
	    t->found);
	assert_string_equal(conf_get_str(&v, t->key), t->want);
	w = v;		/* a view may be copied */
	assert_string_equal(conf_get_str(&w, t->key), t->want);
	conf_free(c);
}

/* test_defaults - conf_new() and every getter on every key */
static void
test_defaults(void **state)
{
	const struct conf_schema *sc;
	struct conf_view	 v;
	struct conf		*c;
	const char *const	*l;
	size_t			 n;
	int			 k, s, j;

	(void)state;
	assert_non_null(c = conf_new());
	for (s = 0; s < CONF_NSEC; s++) {
		conf_view(c, &v, s, "a@b.c", "d");
		for (k = 0; k < CONF_NKEYS; k++) {
			sc = conf_schema(k);
			assert_non_null(sc);
			assert_string_equal(conf_get_str(&v, k), sc->type ==
			    CONF_ADDR && sc->def[0] == '\0' ? "off" : sc->def);
			assert_int_equal(conf_get_line(&v, k), 0);
			l = conf_get_list(&v, k, &n);
			assert_null(l[n]);
			if (sc->type != CONF_LIST)
				assert_int_equal(n, 0);
		}
	}
	/* the schema itself */
	for (k = 0; k < CONF_NKEYS; k++) {
		sc = conf_schema(k);
		assert_non_null(sc->name);
		assert_non_null(sc->doc);
		assert_true(sc->sections != 0);
		assert_true((sc->sections & ~(CONF_M(CONF_NSEC) - 1)) == 0);
		assert_int_equal(conf_key_find(sc->name), k);
		assert_true((sc->type == CONF_ENUM) == (sc->values != NULL));
		assert_true(sc->min <= sc->max);
		for (j = 0; sc->name[j] != '\0'; j++)
			assert_true((sc->name[j] >= 'a' && sc->name[j] <= 'z')
			    || sc->name[j] == '_');
	}
	assert_null(conf_schema(CONF_NKEYS));
	assert_null(conf_schema(-1));
	assert_int_equal(conf_key_find("nope"), -1);
	assert_int_equal(conf_sec_find("SMFI"), CONF_SEC_SMFI);
	assert_int_equal(conf_sec_find("user"), -1);
	assert_string_equal(conf_sec_name(CONF_SEC_MIRROR), "mirror");
	assert_string_equal(conf_sec_name(CONF_NSEC), "?");
	assert_string_equal(conf_type_name(CONF_DURATION), "duration");
	/* typed defaults */
	conf_view(c, &v, CONF_SEC_DAEMON, NULL, NULL);
	assert_int_equal(conf_get_size(&v, CONF_K_MAX_STREAM_SIZE), 25 << 20);
	assert_int_equal(conf_get_size(&v, CONF_K_MAX_SCANSIZE), 400 << 20);
	assert_int_equal(conf_get_duration(&v, CONF_K_SCAN_TIMEOUT), 120000);
	assert_int_equal(conf_get_int(&v, CONF_K_LOG_LEVEL), 3);
	assert_int_equal(conf_get_bool(&v, CONF_K_HEURISTIC_ALERTS), 0);
	assert_int_equal(conf_get_enum(&v, CONF_K_ACTION_ON_NOTSCANNED), 2);
	l = conf_get_list(&v, CONF_K_DAEMON_ADDR, &n);
	assert_int_equal(n, 1);
	assert_string_equal(l[0], "/run/vigil/vigild.sock");
	/* wrong kinds and bad keys give zeros */
	assert_int_equal(conf_get_int(&v, CONF_K_SOCKET), 0);
	assert_int_equal(conf_get_enum(&v, CONF_K_NUM_WORKERS), 0);
	assert_string_equal(conf_get_str(&v, CONF_NKEYS), "");
	assert_int_equal(conf_get_int(&v, -1), 0);
	assert_int_equal(conf_get_int(NULL, CONF_K_LOG_LEVEL), 0);
	conf_get_list(&v, CONF_NKEYS, NULL);
	conf_view(NULL, &v, CONF_SEC_DAEMON, NULL, NULL);
	assert_string_equal(conf_get_str(&v, CONF_K_SOCKET), "");
	conf_free(c);
	conf_free(NULL);
}

/* tmpname - a file name under $TMPDIR */
static void
tmpname(char *out, size_t len, const char *base)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(out, len, "%s/test_conf.%d.%s", tmp != NULL ? tmp : "/tmp",
	    (int)getpid(), base);
}

/* test_load_file - files, missing files, big files, loading twice */
static void
test_load_file(void **state)
{
	struct conf_view	 v;
	struct conf		*c;
	char			 path[256], err[512], want[512], *big;
	FILE			*fp;
	int			 rc;

	(void)state;
	tmpname(path, sizeof(path), "cfg");
	assert_non_null(fp = fopen(path, "w"));
	fputs("[daemon]\nnum_workers = 6\nuser = nobody x\n", fp);
	fclose(fp);
	assert_non_null(c = conf_new());
	rc = conf_load_file(c, path, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_int_equal(errno, EINVAL);
	snprintf(want, sizeof(want), "%s:3: user: no space or '/' allowed: "
	    "\"nobody x\"", path);
	assert_string_equal(err, want);
	conf_view(c, &v, CONF_SEC_DAEMON, NULL, NULL);
	assert_int_equal(conf_get_int(&v, CONF_K_NUM_WORKERS), 6);
	/* twice */
	rc = conf_load_buf(c, "again", "", 0, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, "again: already loaded");
	conf_free(c);
	/* a small error buffer */
	assert_non_null(c = conf_new());
	assert_int_equal(conf_load_file(c, path, err, 4), -1);
	assert_int_equal(strlen(err), 3);
	conf_free(c);
	/* too big */
	assert_non_null(big = calloc(1, CONF_FILEMAX + 1));
	memset(big, '#', CONF_FILEMAX);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(big, 1, CONF_FILEMAX + 1, fp),
	    CONF_FILEMAX + 1);
	fclose(fp);
	free(big);
	assert_non_null(c = conf_new());
	assert_int_equal(conf_load_file(c, path, err, sizeof(err)), -1);
	assert_int_equal(errno, EFBIG);
	snprintf(want, sizeof(want), "%s: larger than %d bytes", path,
	    CONF_FILEMAX);
	assert_string_equal(err, want);
	conf_free(c);
	unlink(path);
	/* missing */
	assert_non_null(c = conf_new());
	assert_int_equal(conf_load_file(c, path, err, sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	assert_string_equal(err, want);
	conf_free(c);
	/* a directory */
	assert_non_null(c = conf_new());
	assert_int_equal(conf_load_file(c, "/", err, sizeof(err)), -1);
	assert_int_equal(errno, EISDIR);
	conf_free(c);
}

/* slurp - a file of the tree, NUL-terminated */
static char *
slurp(const char *rel, size_t *lenp)
{
	const char	*top = getenv("VIGIL_TOP");
	char		 path[1024], *buf;
	FILE		*fp;
	long		 len;

	snprintf(path, sizeof(path), "%s/%s", top != NULL ? top : ".", rel);
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	rewind(fp);
	assert_non_null(buf = malloc(len + 1));
	assert_int_equal(fread(buf, 1, len, fp), len);
	buf[len] = '\0';
	fclose(fp);
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

/*
 * test_default_file - conf/vigil.cfg loads as it ships; uncommented
 * ("#key = value" lines become "key = value") it still loads, and then
 * sets every key exactly once, to its default.
 */
static void
test_default_file(void **state)
{
	const struct conf_schema *sc;
	struct conf_view	 v;
	struct conf		*c;
	char			*buf, *p, err[512], *seen;
	size_t			 len, i;
	int			 k, s, rc;

	(void)state;
	buf = slurp("conf/vigil.cfg", &len);
	assert_non_null(c = conf_new());
	rc = conf_load_buf(c, "vigil.cfg", buf, len, err, sizeof(err));
	if (rc != 0)
		fail_msg("%s", err);
	conf_free(c);
	/* uncomment the keys */
	for (p = buf; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (p[0] == '#' && p[1] >= 'a' && p[1] <= 'z')
			p[0] = ' ';
	}
	assert_non_null(c = conf_new());
	rc = conf_load_buf(c, "vigil.cfg", buf, len, err, sizeof(err));
	if (rc != 0)
		fail_msg("uncommented: %s", err);
	assert_non_null(seen = calloc(CONF_NKEYS, 1));
	for (s = 0; s < CONF_SEC_USER; s++) {
		conf_view(c, &v, s, NULL, NULL);
		for (k = 0; k < CONF_NKEYS; k++) {
			sc = conf_schema(k);
			if (!(sc->sections & CONF_M(s)))
				continue;
			if (conf_get_line(&v, k) != 0)
				seen[k] = 1;
		}
	}
	for (k = 0; k < CONF_NKEYS; k++)
		if (!seen[k])
			fail_msg("vigil.cfg lacks \"#%s = %s\"",
			    conf_schema(k)->name, conf_schema(k)->def);
	/* once each: count "\n key =" */
	for (k = 0; k < CONF_NKEYS; k++) {
		char	 pat[64];

		snprintf(pat, sizeof(pat), "\n %s =", conf_schema(k)->name);
		for (i = 0, p = buf; (p = strstr(p, pat)) != NULL; p++)
			i++;
		if (i != 1)
			fail_msg("vigil.cfg sets %s %zu times",
			    conf_schema(k)->name, i);
		conf_view(c, &v, CONF_SEC_GLOBAL, NULL, NULL);
	}
	/* and each to its default */
	for (s = 0; s < CONF_SEC_USER; s++) {
		conf_view(c, &v, s, NULL, NULL);
		for (k = 0; k < CONF_NKEYS; k++) {
			sc = conf_schema(k);
			if (!(sc->sections & CONF_M(s)) ||
			    conf_get_line(&v, k) == 0)
				continue;
			assert_string_equal(conf_get_str(&v, k),
			    sc->type == CONF_ADDR && sc->def[0] == '\0' ?
			    "off" : sc->def);
		}
	}
	free(seen);
	conf_free(c);
	free(buf);
}

/*
 * test_manual - conf/vigil.cfg.5 has an entry ".TP\n.B key" for every
 * key, followed by its type and its default
 */
static void
test_manual(void **state)
{
	const struct conf_schema *sc;
	char			*man, *p, *next, pat[128], def[160];
	int			 k;

	(void)state;
	man = slurp("conf/vigil.cfg.5", NULL);
	for (k = 0; k < CONF_NKEYS; k++) {
		sc = conf_schema(k);
		snprintf(pat, sizeof(pat), "\n.TP\n.B %s\n", sc->name);
		if ((p = strstr(man, pat)) == NULL)
			fail_msg("vigil.cfg.5 lacks an entry for %s",
			    sc->name);
		p += strlen(pat);
		if (strstr(p, pat) != NULL)
			fail_msg("vigil.cfg.5 has two entries for %s",
			    sc->name);
		next = strstr(p, "\n.TP\n");
		if (next == NULL)
			next = strstr(p, "\n.SH ");
		assert_non_null(next);
		*next = '\0';
		if (sc->def[0] != '\0')
			snprintf(def, sizeof(def), "\nDefault: \\fB%s\\fR.\n",
			    sc->def);
		else
			snprintf(def, sizeof(def), "\nDefault: empty.\n");
		if (strstr(p, def) == NULL)
			fail_msg("vigil.cfg.5: %s: no \"%s\"", sc->name, def);
		snprintf(pat, sizeof(pat), "\nType: %s", sc->type == CONF_ENUM ?
		    "one of " : conf_type_name(sc->type));
		if (strstr(p, pat) == NULL)
			fail_msg("vigil.cfg.5: %s: no \"%s\"", sc->name, pat);
		*next = '\n';
	}
	free(man);
}

#define ADD(tab, fn)	do {						\
	for (i = 0; i < nitems(tab); i++) {				\
		tests[n].name = tab[i].name;				\
		tests[n].test_func = fn;				\
		tests[n++].initial_state = (void *)&tab[i];		\
	}								\
} while (0)

/* main - every row and check as its own test */
int
main(void)
{
	static struct CMUnitTest	 tests[nitems(vcases) +
	    nitems(fcases) + nitems(pcases) + 16];
	size_t				 i, n = 0;

	ADD(vcases, test_value);
	ADD(fcases, test_file);
	ADD(pcases, test_precedence);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_crlf_values);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_long_lines);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_too_many);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_defaults);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_load_file);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_default_file);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_manual);
	return _cmocka_run_group_tests("conf", tests, n, NULL, NULL);
}
