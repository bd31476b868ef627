/*
 * sv_exec.c - vigild's exec_script: a program run on each detection
 *
 * DESCRIPTION
 *	See sv_exec.h.  The details of a detection are chosen by whoever
 *	sent the file (its name, the names of its archive members), so they
 *	reach the script only as environment values of an execve(2) without
 *	a shell; the script's argv is its own path alone.  The supervisor
 *	never waits for a script: the children are reaped by the SIGCHLD
 *	path of the loop (sv_exec_reaped()) and killed at their deadline by
 *	its timers (sv_exec_timers()).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "av/verdict.h"
#include "daemon/sv_exec.h"
#include "util/log.h"

#define SV_EXEC_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:" \
			    "/usr/bin:/sbin:/bin"
#define SV_EXEC_MAXNAMES	256	/* distinct names in VIGIL_NAME */
#define SV_EXEC_MAXHITS		4096	/* hits looked at for them */

struct sv_exec_child {
	pid_t		 pid;		/* 0: free */
	int64_t		 deadline;	/* ms */
	int		 killed;
};

static struct {
	char			 script[PATH_MAX];
	struct sv_exec_child	 kids[SV_EXEC_MAX];
	unsigned		 n;
	struct sv_lograte	 droprate;	/* "not reported" lines */
} sx;

static int	 sv_exec_put(struct sv_exec_env *, size_t *, size_t *,
		    const char *, const char *);
static int	 sv_exec_names(struct sv_exec_env *, size_t *, size_t *,
		    const struct verdict *);
static void	 sv_exec_child(const char *, struct sv_exec_env *)
		    __attribute__((noreturn));

/* sv_exec_setup - the program to run; NULL or "": none */
void
sv_exec_setup(const char *script)
{
	if (script == NULL || script[0] == '\0') {
		sx.script[0] = '\0';
		return;
	}
	if (strlen(script) >= sizeof(sx.script)) {
		log_warnx("exec_script: path too long, no script");
		sx.script[0] = '\0';
		return;
	}
	snprintf(sx.script, sizeof(sx.script), "%s", script);
	if (access(sx.script, X_OK) == -1)
		log_warn("exec_script: %s is not executable now", sx.script);
}

/* sv_exec_put - append NAME=value to e; -1 (E2BIG) when it does not fit */
static int
sv_exec_put(struct sv_exec_env *e, size_t *i, size_t *off, const char *name,
    const char *value)
{
	size_t	 need = strlen(name) + 1 + strlen(value) + 1;

	if (*i >= SV_EXEC_NENV || need > sizeof(e->buf) - *off) {
		errno = E2BIG;
		return -1;
	}
	e->envp[(*i)++] = e->buf + *off;
	*off += (size_t)snprintf(e->buf + *off, sizeof(e->buf) - *off,
	    "%s=%s", name, value) + 1;
	return 0;
}

/*
 * sv_exec_names - VIGIL_NAME, the distinct names space-separated; cut
 * with " ..." when the rest of e->buf or the bounds are reached
 */
static int
sv_exec_names(struct sv_exec_env *e, size_t *i, size_t *off,
    const struct verdict *v)
{
	const char	*seen[SV_EXEC_MAXNAMES], *nm;
	const char	 key[] = "VIGIL_NAME=", more[] = " ...";
	char		*p, *end;
	size_t		 nseen = 0, j, len, looked = 0;
	uint32_t	 o, k, h;
	int		 cut = 0;

	if (*i >= SV_EXEC_NENV || sizeof(e->buf) - *off < sizeof(key) +
	    sizeof(more)) {
		errno = E2BIG;
		return -1;
	}
	p = e->buf + *off;
	e->envp[(*i)++] = p;
	memcpy(p, key, sizeof(key) - 1);
	p += sizeof(key) - 1;
	/* room for " ..." and the NUL stays free */
	end = e->buf + sizeof(e->buf) - sizeof(more);
	for (o = 0; o < v->nobj && !cut; o++) {
		for (k = 0; (h = verdict_hit(v, o, k)) != UINT32_MAX; k++) {
			if (++looked > SV_EXEC_MAXHITS) {
				cut = 1;
				break;
			}
			nm = verdict_name(v, h);
			for (j = 0; j < nseen; j++)
				if (strcmp(seen[j], nm) == 0)
					break;
			if (j < nseen)
				continue;
			len = strlen(nm);
			if (nseen == SV_EXEC_MAXNAMES ||
			    len + (nseen > 0) > (size_t)(end - p)) {
				cut = 1;
				break;
			}
			if (nseen > 0)
				*p++ = ' ';
			memcpy(p, nm, len);
			p += len;
			seen[nseen++] = nm;
		}
	}
	if (cut) {
		memcpy(p, more, sizeof(more) - 1);
		p += sizeof(more) - 1;
	}
	*p++ = '\0';
	*off = (size_t)(p - e->buf);
	return 0;
}

/* sv_exec_env - the script's whole environment */
int
sv_exec_env(struct sv_exec_env *e, const struct sv_detection *d)
{
	const struct verdict	*v = d->v;
	const char		*object = d->path;
	char			 num[32];
	size_t			 i = 0, off = 0;
	uint32_t		 o;

	memset(e->envp, 0, sizeof(e->envp));
	for (o = 0; o < v->nobj; o++)
		if (verdict_hit(v, o, 0) != UINT32_MAX) {
			object = verdict_path(v, o);
			break;
		}
	if (sv_exec_put(e, &i, &off, "VIGIL_PATH", d->path) == -1 ||
	    sv_exec_put(e, &i, &off, "VIGIL_OBJECT", object) == -1 ||
	    sv_exec_put(e, &i, &off, "VIGIL_CLIENT", d->peer) == -1)
		goto fail;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)d->client);
	if (sv_exec_put(e, &i, &off, "VIGIL_CLIENT_ID", num) == -1)
		goto fail;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)d->serial);
	if (sv_exec_put(e, &i, &off, "VIGIL_SERIAL", num) == -1)
		goto fail;
	snprintf(num, sizeof(num), "%lld", (long long)d->time);
	if (sv_exec_put(e, &i, &off, "VIGIL_TIME", num) == -1 ||
	    sv_exec_put(e, &i, &off, "VIGIL_VERSION", VIGIL_VERSION) == -1 ||
	    sv_exec_put(e, &i, &off, "PATH", SV_EXEC_PATH) == -1 ||
	    sv_exec_names(e, &i, &off, v) == -1)
		goto fail;
	e->envp[i] = NULL;
	return 0;
fail:
	memset(e->envp, 0, sizeof(e->envp));
	errno = E2BIG;
	return -1;
}

/* sv_exec_run - start the script for d, without waiting for it */
int
sv_exec_run(const struct sv_detection *d, int64_t now)
{
	static struct sv_exec_env	 env;
	struct sv_exec_child		*c = NULL;
	unsigned long			 dropped;
	unsigned			 i;
	pid_t				 pid;

	if (sx.script[0] == '\0')
		return 0;
	for (i = 0; i < SV_EXEC_MAX && c == NULL; i++)
		if (sx.kids[i].pid == 0)
			c = &sx.kids[i];
	if (c == NULL) {
		if (sv_lograte_take(&sx.droprate, now, 1, &dropped))
			log_warnx("exec_script: %d scripts running, client "
			    "%llu's detection not reported (and %lu more "
			    "before)", SV_EXEC_MAX,
			    (unsigned long long)d->client, dropped);
		errno = EAGAIN;
		return -1;
	}
	if (sv_exec_env(&env, d) == -1) {
		log_warnx("exec_script: client %llu: the details do not fit "
		    "in %d bytes, not reported", (unsigned long long)d->client,
		    SV_EXEC_ENVMAX);
		return -1;
	}
	switch (pid = fork()) {
	case -1:
		log_warn("exec_script: fork");
		return -1;
	case 0:
		sv_exec_child(sx.script, &env);
		/* NOTREACHED */
	default:
		break;
	}
	(void)setpgid(pid, pid);	/* the child does it too */
	c->pid = pid;
	c->deadline = now + SV_EXEC_TIMEOUT_MS;
	c->killed = 0;
	sx.n++;
	log_debug("exec_script %s: pid %ld for client %llu", sx.script,
	    (long)pid, (unsigned long long)d->client);
	return 0;
}

/* sv_exec_child - in the child: a clean process, then the script */
static void
sv_exec_child(const char *script, struct sv_exec_env *e)
{
	char		*argv[2];
	sigset_t	 set;
	int		 fd, sig;

	(void)setpgid(0, 0);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)signal(sig, SIG_DFL);
	sigemptyset(&set);
	(void)sigprocmask(SIG_SETMASK, &set, NULL);
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		_exit(127);
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1)
		_exit(127);
	closefrom(STDERR_FILENO + 1);
	argv[0] = (char *)script;
	argv[1] = NULL;
	execve(script, argv, e->envp);
	_exit(127);
}

/* sv_exec_reaped - was pid a script?  Then say how it ended */
int
sv_exec_reaped(pid_t pid, int status)
{
	struct sv_exec_child	*c = NULL;
	unsigned		 i;

	for (i = 0; i < SV_EXEC_MAX; i++)
		if (sx.kids[i].pid == pid && pid > 0) {
			c = &sx.kids[i];
			break;
		}
	if (c == NULL)
		return 0;
	if (c->killed)
		log_debug("exec_script: pid %ld reaped after its timeout",
		    (long)pid);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_debug("exec_script: pid %ld exited 0", (long)pid);
	else if (WIFEXITED(status))
		log_warnx("exec_script: pid %ld exited abnormally; status %d%s",
		    (long)pid, WEXITSTATUS(status), WEXITSTATUS(status) ==
		    127 ? " (cannot execute it?)" : "");
	else if (WIFSIGNALED(status))
		log_warnx("exec_script: pid %ld terminated; signal %d",
		    (long)pid, WTERMSIG(status));
	c->pid = 0;
	sx.n--;
	return 1;
}

/* sv_exec_timers - kill overdue scripts; the next deadline, 0: none */
int64_t
sv_exec_timers(int64_t now)
{
	struct sv_exec_child	*c;
	int64_t			 next = 0;
	unsigned		 i;

	for (i = 0; i < SV_EXEC_MAX; i++) {
		c = &sx.kids[i];
		if (c->pid == 0 || c->killed)
			continue;
		if (now >= c->deadline) {
			log_warnx("exec_script: pid %ld still running at its "
			    "deadline, killed", (long)c->pid);
			(void)kill(-c->pid, SIGKILL);
			(void)kill(c->pid, SIGKILL);
			c->killed = 1;
			continue;
		}
		if (next == 0 || c->deadline < next)
			next = c->deadline;
	}
	return next;
}

/* sv_exec_shorten - no script runs past deadline (shutdown) */
void
sv_exec_shorten(int64_t deadline)
{
	unsigned	 i;

	for (i = 0; i < SV_EXEC_MAX; i++)
		if (sx.kids[i].pid != 0 && sx.kids[i].deadline > deadline)
			sx.kids[i].deadline = deadline;
}

/* sv_exec_running - how many scripts run */
unsigned
sv_exec_running(void)
{
	return sx.n;
}
