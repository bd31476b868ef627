/*
 * privdrop.c - a daemon started as root becomes its configured user
 * (privdrop.h)
 */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/privdrop.h"

/* priv_drop - become user for good: 0, or -1 with err set */
int
priv_drop(const char *user, char *err, size_t errlen)
{
	struct passwd	*pw;
	uid_t		 uid, ru, eu, su;
	gid_t		 gid, rg, eg, sg;

	if (user == NULL || user[0] == '\0' || geteuid() != 0)
		return 0;
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user %s: %s", user, errno != 0 ?
		    strerror(errno) : "no such user");
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0 || gid == 0) {
		snprintf(err, errlen, "user %s: its uid or gid is root's",
		    user);
		return -1;
	}
	if (initgroups(user, gid) == -1) {
		snprintf(err, errlen, "initgroups(%s): %s", user,
		    strerror(errno));
		return -1;
	}
	if (setresgid(gid, gid, gid) == -1 || setresuid(uid, uid, uid) == -1) {
		snprintf(err, errlen, "setresuid(%s): %s", user,
		    strerror(errno));
		return -1;
	}
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1 ||
	    ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid) {
		snprintf(err, errlen, "setresuid(%s): the ids did not change",
		    user);
		return -1;
	}
	/* no way back */
	if (setuid(0) != -1 || seteuid(0) != -1) {
		snprintf(err, errlen, "setresuid(%s): root regained", user);
		return -1;
	}
	return 0;
}
