/*
 * conf.h - vigil.cfg: an INI parser and a typed, schema-checked configuration
 *
 * SYNOPSIS
 *	struct conf	*conf_new(void);
 *	int	 conf_load_file(struct conf *c, const char *path,
 *		    char *err, size_t errlen);
 *	int	 conf_load_buf(struct conf *c, const char *name,
 *		    const void *buf, size_t len, char *err, size_t errlen);
 *	size_t	 conf_nerrors(const struct conf *c);
 *	const char	*conf_error(const struct conf *c, size_t i);
 *	void	 conf_free(struct conf *c);
 *
 *	int	 conf_view(const struct conf *c, struct conf_view *v,
 *		    enum conf_sec prog, const char *rcpt, const char *user);
 *	const char	*conf_get_str(const struct conf_view *v,
 *		    enum conf_key k);
 *	int64_t	 conf_get_int(const struct conf_view *v, enum conf_key k);
 *	int	 conf_get_bool(const struct conf_view *v, enum conf_key k);
 *	uint64_t	 conf_get_size(const struct conf_view *v,
 *		    enum conf_key k);
 *	uint64_t	 conf_get_duration(const struct conf_view *v,
 *		    enum conf_key k);
 *	int	 conf_get_enum(const struct conf_view *v, enum conf_key k);
 *	const char *const	*conf_get_list(const struct conf_view *v,
 *		    enum conf_key k, size_t *n);
 *	unsigned	 conf_get_line(const struct conf_view *v,
 *		    enum conf_key k);
 *
 *	const struct conf_schema	*conf_schema(enum conf_key k);
 *	int	 conf_key_find(const char *name);
 *	int	 conf_sec_find(const char *name);
 *	const char	*conf_sec_name(enum conf_sec s);
 *	const char	*conf_type_name(enum conf_type t);
 * DESCRIPTION
 *	The file.  Lines end with LF or CRLF; a UTF-8 byte order mark at the
 *	start is skipped.  A line is blank, a comment (first non-blank
 *	character '#' or ';'; comments take whole lines only: "x = 1 # one"
 *	is the value "1 # one"), a section header "[name]", or "key = value".
 *	Space and tab around names, '=' and values are ignored.  Section
 *	names are the program sections "global", "daemon", "scan", "cli",
 *	"mda", "pipe", "smtp", "smfi", "mirror", "pac", "dac" (matched
 *	without regard to case), and user sections: "user@example.com",
 *	"@example.com", or any other name made of letters, digits and
 *	". _ + - = %" with at most one '@' (compared without regard to case;
 *	conf_view() chooses them).  A section may be opened only once.  Keys
 *	are lowercase names from the schema (schema.c); a key may be set once
 *	per section, and only in the sections its schema row allows.
 *
 *	Values, by the key's type (enum conf_type):
 *	  CONF_STR	a bare value (the rest of the line, trimmed) or a quoted
 *			string "..." in which \" and \\ are the only escapes;
 *	  CONF_PATH	a string that is empty or an absolute path;
 *	  CONF_INT	a decimal integer, optionally signed, within the row's
 *			[min, max];
 *	  CONF_BOOL	yes/no, true/false, on/off, 1/0 (any case);
 *	  CONF_SIZE	bytes: a number with an optional suffix K, M, G or T
 *			(powers of 1024, any case, optionally followed by B);
 *	  CONF_DURATION	a number with an optional suffix ms, s, m, h or d;
 *			a plain number is seconds; kept in milliseconds;
 *	  CONF_ENUM	one of the words of the row's "values" ("a|b|c"), any
 *			case;
 *	  CONF_ADDR	"off" (or an empty value), or HOST:PORT, or [V6]:PORT,
 *			with a port from 1 to 65535;
 *	  CONF_LIST	items separated by commas, each trimmed and optionally
 *			quoted; an empty value is the empty list.
 *	Any line, value or name with a NUL byte or another control character
 *	than tab, a line longer than CONF_LINEMAX bytes, and anything the
 *	above does not allow is an error "FILE:LINE: message".
 *
 *	conf_new() returns a configuration in which every key has its
 *	schema default; it is what a program uses when it has no file.
 *	conf_load_file() reads path (at most CONF_FILEMAX bytes) into c;
 *	conf_load_buf() reads buf[0, len) and names it name in messages.
 *	Either may be called once per struct conf.  Loading does not stop at
 *	the first error: it collects up to CONF_MAXERRORS messages, in line
 *	order, which conf_nerrors() and conf_error() list (i from 0; NULL
 *	beyond the last).  The strings belong to c.  conf_free() releases c
 *	and everything it owns; c may be NULL.
 *
 *	Lookups.  conf_view() prepares v for program section prog and the
 *	recipient rcpt and user name user (either may be NULL; angle brackets
 *	around rcpt are dropped).  A key's effective value is the first one
 *	set along the chain: the section named rcpt, the section "@domain" of
 *	rcpt's domain, the section named user (and its "@domain" when user
 *	holds an '@'), the program section prog, [global], and the schema
 *	default.  v points into c: it is valid until conf_free(c) and may be
 *	copied.  It returns how many user sections the chain holds (0 to 4),
 *	so that a program can log that a recipient has settings of its own.
 *	The getters then cannot fail: conf_get_str() gives the
 *	value's text (for CONF_STR, CONF_PATH, CONF_ADDR and CONF_ENUM the
 *	value itself; for the other types the text as written, or the
 *	default's text); conf_get_int() the number of CONF_INT, CONF_BOOL
 *	(0 or 1), CONF_SIZE (bytes), CONF_DURATION (milliseconds) and
 *	CONF_ENUM (index into "values") keys; conf_get_bool(), conf_get_size(),
 *	conf_get_duration() and conf_get_enum() are the same number with the
 *	type the name says; conf_get_list() returns the items of a CONF_LIST
 *	key as an array terminated by NULL, their count in *n (n may be NULL).
 *	A getter of the wrong kind returns 0 (or "" and an empty list); a
 *	key out of range returns the same.  conf_get_line() says where the
 *	effective value was set (0: the default).
 *
 *	Schema.  conf_schema() returns the row of key k (NULL when k is out of
 *	range): its name, type, default text, allowed sections (a CONF_M_*
 *	mask), bounds, enumeration words, documentation line and the issue
 *	that introduced it.  conf_key_find() returns the key named name, or
 *	-1.  conf_sec_find() returns the program section named name (any case),
 *	or -1.  conf_sec_name() and conf_type_name() give the names used in
 *	messages and in the manual.
 * ERRORS
 *	conf_new() returns NULL with errno ENOMEM.  conf_load_file() and
 *	conf_load_buf() return 0, or -1 with errno and a message in err
 *	(truncated to errlen; err may be NULL when errlen is 0): EINVAL when
 *	the text has errors (err holds the first, "FILE:LINE: message"), or
 *	c was loaded before ("FILE: already loaded"); EFBIG when the file is
 *	larger than CONF_FILEMAX; ENOMEM; any errno of open(2) or read(2)
 *	("FILE: strerror").  After an EINVAL c is still usable (keys that
 *	had errors keep their defaults), but programs should refuse to run.
 *	Nothing here logs or exits; there is no global state.
 * PROCESS
 *	every program, before it drops privileges or sandboxes; vigild
 *	reloads by loading a new struct conf beside the old one and keeping
 *	the old one on any error.  Not thread-safe for one struct conf while
 *	it loads; lookups on a loaded one are read-only and may run in
 *	several threads.
 */
#ifndef VIGIL_CONF_H
#define VIGIL_CONF_H

#include <stddef.h>
#include <stdint.h>

#define CONF_LINEMAX	4096		/* bytes per line, without the end */
#define CONF_FILEMAX	(4 << 20)	/* bytes per file */
#define CONF_MAXERRORS	50		/* messages kept, the last says so */
#define CONF_VIEWMAX	6		/* sections in a lookup chain */

/* sections: [global], one per program, and user/domain sections */
enum conf_sec {
	CONF_SEC_GLOBAL = 0,
	CONF_SEC_DAEMON,
	CONF_SEC_SCAN,
	CONF_SEC_CLI,
	CONF_SEC_MDA,
	CONF_SEC_PIPE,
	CONF_SEC_SMTP,
	CONF_SEC_SMFI,
	CONF_SEC_MIRROR,
	CONF_SEC_PAC,
	CONF_SEC_DAC,
	CONF_SEC_USER,			/* any user or domain section */
	CONF_NSEC
};

#define CONF_M(s)	(1U << (s))
#define CONF_M_GLOBAL	CONF_M(CONF_SEC_GLOBAL)
#define CONF_M_DAEMON	CONF_M(CONF_SEC_DAEMON)
#define CONF_M_SCAN	CONF_M(CONF_SEC_SCAN)
#define CONF_M_CLI	CONF_M(CONF_SEC_CLI)
#define CONF_M_MDA	CONF_M(CONF_SEC_MDA)
#define CONF_M_PIPE	CONF_M(CONF_SEC_PIPE)
#define CONF_M_SMTP	CONF_M(CONF_SEC_SMTP)
#define CONF_M_SMFI	CONF_M(CONF_SEC_SMFI)
#define CONF_M_MIRROR	CONF_M(CONF_SEC_MIRROR)
#define CONF_M_PAC	CONF_M(CONF_SEC_PAC)
#define CONF_M_DAC	CONF_M(CONF_SEC_DAC)
#define CONF_M_USER	CONF_M(CONF_SEC_USER)
/* the mail agents */
#define CONF_M_MAIL	(CONF_M_MDA | CONF_M_PIPE | CONF_M_SMTP | CONF_M_SMFI)
/* every program that talks to vigild */
#define CONF_M_CLIENTS	(CONF_M_SCAN | CONF_M_CLI | CONF_M_MAIL | \
			    CONF_M_PAC | CONF_M_DAC)
/* every program section */
#define CONF_M_PROGS	(CONF_M_DAEMON | CONF_M_CLIENTS | CONF_M_MIRROR)

enum conf_type {
	CONF_STR = 0,
	CONF_PATH,
	CONF_INT,
	CONF_BOOL,
	CONF_SIZE,
	CONF_DURATION,
	CONF_ENUM,
	CONF_ADDR,
	CONF_LIST
};

/* the keys; rows of the schema in schema.c, in this order */
enum conf_key {
	/* [global] (issue 4) */
	CONF_K_BASE_DIR = 0,
	CONF_K_LOG_LEVEL,
	CONF_K_LOG_FILE,
	CONF_K_SYSLOG_FACILITY,
	/* scan limits of the pipeline (issues 3, 4) */
	CONF_K_MAX_RECURSION,
	CONF_K_MAX_FILES,
	CONF_K_MAX_FILESIZE,
	CONF_K_MAX_SCANSIZE,
	CONF_K_MAX_RATIO,
	CONF_K_MAX_SCANTIME,
	CONF_K_HEURISTIC_ALERTS,
	/* policy (issues 4, 6) */
	CONF_K_ACTION_ON_INFECTED,
	CONF_K_ACTION_ON_UNCLEANABLE,
	CONF_K_ACTION_ON_NOTSCANNED,
	/* clients of vigild (issues 5, 6) */
	CONF_K_DAEMON_ADDR,
	CONF_K_DAEMON_TIMEOUT,
	/* [daemon] (issue 4) */
	CONF_K_SOCKET,
	CONF_K_LISTEN,
	CONF_K_NUM_WORKERS,
	CONF_K_SCAN_TIMEOUT,
	CONF_K_MAX_STREAM_SIZE,
	CONF_K_MAX_JOBS_PER_WORKER,
	CONF_K_USER,
	CONF_K_PID_FILE,
	CONF_K_EXEC_SCRIPT,
	CONF_K_RELOAD_CHECK_INTERVAL,
	CONF_K_SCAN_CACHE,
	/* [scan] and [cli] (issue 5) */
	CONF_K_DB,
	CONF_K_EXCLUDE,
	CONF_K_ONE_FILE_SYSTEM,
	CONF_K_FOLLOW_SYMLINKS,
	CONF_K_QUIET,
	CONF_K_ALL_MATCH,
	CONF_K_JSON,
	CONF_K_ACTION,
	CONF_K_MAX_IN_FLIGHT,
	CONF_K_SUBDIR,
	/* mail library (issue 6) */
	CONF_K_WRITE_TO_HEADER,
	CONF_K_WRITE_TO_SUBJECT,
	CONF_K_WRITE_TO_EMAILS,
	CONF_K_TEMPLATE_DIR,
	CONF_K_QUARANTINE_DIR,
	CONF_K_MAX_MESSAGE_SIZE,
	/* [mda] (issue 6) */
	CONF_K_MDA_PATH,
	CONF_K_INFECTED_RETURN_CODE,
	CONF_K_QMAIL,
	/* [smtp] (issue 7), spooling also [smfi] (issue 8) */
	CONF_K_LISTEN_ADDR,
	CONF_K_LISTEN_PORT,
	CONF_K_SERVER_ADDR,
	CONF_K_SERVER_PORT,
	CONF_K_MAX_CONNECTIONS,
	CONF_K_CLIENT_TIMEOUT,
	CONF_K_SERVER_TIMEOUT,
	CONF_K_SPLIT_RECIPIENTS,
	CONF_K_SPOOL_MEMORY,
	CONF_K_TMP_DIR,
	CONF_K_RUN_AS,
	/* [smfi] (issue 8) */
	CONF_K_MILTER_SOCKET,
	CONF_K_MILTER_TIMEOUT,
	/* [mirror] (issue 9) */
	CONF_K_URL,
	CONF_K_AUTH_FILE,
	CONF_K_PROXY,
	CONF_K_PROXY_AUTH_FILE,
	CONF_K_PUBLIC_KEY,
	CONF_K_MIRROR_DIR,
	CONF_K_RETRIES,
	CONF_K_CONNECT_TIMEOUT,
	CONF_K_TRANSFER_TIMEOUT,
	/* [pac] and [dac] (DESIGN.md; no issue yet) */
	CONF_K_INCLUDE_PATHS,
	CONF_K_EXCLUDE_PATHS,
	CONF_K_ON_ERROR,
	CONF_NKEYS
};

/* one row of the schema */
struct conf_schema {
	const char	*name;
	enum conf_type	 type;
	const char	*def;		/* default, as it would be written */
	uint32_t	 sections;	/* CONF_M_* */
	int64_t		 min, max;	/* CONF_INT, CONF_SIZE, CONF_DURATION
					   (ms); both 0: no bounds */
	const char	*values;	/* CONF_ENUM: "a|b|c" */
	/* extra check of a valid value: NULL or a reason it is bad */
	const char	*(*check)(const char *);
	const char	*doc;		/* one line for vigil.cfg(5) */
	int		 issue;		/* the issue that asked for it */
};

struct conf;

/* a lookup chain; fill with conf_view() */
struct conf_view {
	const struct conf	*conf;
	const void		*chain[CONF_VIEWMAX];
	size_t			 n;
};

struct conf	*conf_new(void);
int		 conf_load_file(struct conf *, const char *, char *, size_t);
int		 conf_load_buf(struct conf *, const char *, const void *,
		    size_t, char *, size_t);
size_t		 conf_nerrors(const struct conf *);
const char	*conf_error(const struct conf *, size_t);
void		 conf_free(struct conf *);

int		 conf_view(const struct conf *, struct conf_view *,
		    enum conf_sec, const char *, const char *);
const char	*conf_get_str(const struct conf_view *, enum conf_key);
int64_t		 conf_get_int(const struct conf_view *, enum conf_key);
int		 conf_get_bool(const struct conf_view *, enum conf_key);
uint64_t	 conf_get_size(const struct conf_view *, enum conf_key);
uint64_t	 conf_get_duration(const struct conf_view *, enum conf_key);
int		 conf_get_enum(const struct conf_view *, enum conf_key);
const char *const *conf_get_list(const struct conf_view *, enum conf_key,
		    size_t *);
unsigned	 conf_get_line(const struct conf_view *, enum conf_key);

const struct conf_schema *conf_schema(enum conf_key);
int		 conf_key_find(const char *);
int		 conf_sec_find(const char *);
const char	*conf_sec_name(enum conf_sec);
const char	*conf_type_name(enum conf_type);

#endif
