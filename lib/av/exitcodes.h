/*
 * exitcodes.h - the exit-code contract of every Vigil process
 *
 * DESCRIPTION
 *	Daemons and their children exit with these codes, and the supervisor
 *	renders them as readable causes.  Command-line scanners use the
 *	clamscan-compatible codes AV_EXIT_CLEAN/INFECTED/ERROR instead.
 *
 *	EX_CONFIG (78) means "do not respawn"; EX_SOFTWARE (70) is a panic;
 *	EX_OSERR (71) an OS or resource failure; AV_EX_NOMEM and AV_EX_TIMEOUT
 *	are distinct so that "out of memory" and "timeout" can be reported.
 */
#ifndef VIGIL_EXITCODES_H
#define VIGIL_EXITCODES_H

#include <sysexits.h>

#define AV_EXIT_CLEAN		0	/* scanners: nothing found */
#define AV_EXIT_INFECTED	1	/* scanners: something found */
#define AV_EXIT_ERROR		2	/* scanners: an error occurred */

#define AV_EX_NOMEM		82	/* allocation failed */
#define AV_EX_TIMEOUT		83	/* internal timeout (alarm backstop) */

#endif
