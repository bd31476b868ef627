/*
 * averr.h - project error codes outside errno's range
 *
 * SYNOPSIS
 *	const char	*av_strerror(int err);
 * DESCRIPTION
 *	Library modules return -1 with errno set, or -1 with errno set to one
 *	of the AV_E* codes below (all >= AV_EBASE, far above any errno).
 *	av_strerror() describes either kind.
 * ERRORS
 *	none; never exits.
 * PROCESS
 *	any.
 */
#ifndef VIGIL_AVERR_H
#define VIGIL_AVERR_H

#define AV_EBASE	30800
#define AV_EMAGIC	(AV_EBASE + 1)	/* not a Vigil module */
#define AV_EVERSION	(AV_EBASE + 2)	/* unsupported module format */
#define AV_ECHECKSUM	(AV_EBASE + 3)	/* module checksum mismatch */
#define AV_ECORRUPT	(AV_EBASE + 4)	/* module structure inconsistent */
#define AV_ECVD		(AV_EBASE + 5)	/* malformed CVD/CLD container */
#define AV_ECVDMD5	(AV_EBASE + 6)	/* CVD MD5 mismatch */
#define AV_ENOSIGS	(AV_EBASE + 7)	/* nothing to compile */
#define AV_ESYNTAX	(AV_EBASE + 8)	/* signature syntax error (strict) */
#define AV_ETAR		(AV_EBASE + 9)	/* malformed tar archive */
#define AV_EGZIP	(AV_EBASE + 10)	/* malformed gzip data */
#define AV_ELIMIT	(AV_EBASE + 11)	/* a size limit was exceeded */

const char	*av_strerror(int);

#endif
