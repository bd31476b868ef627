/*
 * mirror_auth.h - credentials files of vigil-mirror (auth_file)
 *
 * SYNOPSIS
 *	int	 mirror_auth_load(const char *path, struct mirror_auth *a,
 *		    char *err, size_t errlen);
 *	void	 mirror_auth_clear(struct mirror_auth *a);
 * DESCRIPTION
 *	An auth file holds a user name and a password for a web server or
 *	a proxy, as lines "username=NAME" and "password=SECRET": the value
 *	is the rest of the line, taken as it is (spaces included, a CR
 *	before the LF dropped).  Blank lines and lines starting with '#'
 *	are ignored; each key may appear once; username is required, a
 *	missing password is the empty one.  Because the file holds a
 *	secret, mirror_auth_load() refuses it unless its group and others
 *	can neither read nor write it (mode 0600 or stricter), and refuses
 *	anything but a regular file.  mirror_auth_clear() wipes a.
 * ERRORS
 *	mirror_auth_load() returns 0, or -1 with errno and a message naming
 *	the file (and line) in err: EPERM (mode), EBADMSG (syntax, a value
 *	longer than MIRROR_AUTHMAX - 1 bytes, a control byte, no username),
 *	EFBIG (over 4096 bytes), EINVAL (not a regular file), or what
 *	open(2) and read(2) say.  Never exit, never log.
 * PROCESS
 *	vigil-mirror, before any download.
 */
#ifndef VIGIL_MIRROR_AUTH_H
#define VIGIL_MIRROR_AUTH_H

#include <stddef.h>

#define MIRROR_AUTHMAX	256

struct mirror_auth {
	char	 user[MIRROR_AUTHMAX];
	char	 pass[MIRROR_AUTHMAX];
};

int	 mirror_auth_load(const char *, struct mirror_auth *, char *, size_t);
void	 mirror_auth_clear(struct mirror_auth *);

#endif
