/*
 * msgtypes.c - names of the message types, for log lines
 */
#include <stdint.h>

#include "av/msgtypes.h"

/* msg_type_str - the name of a message type */
const char *
msg_type_str(uint32_t type)
{
	switch (type) {
	case MSG_READY:
		return "MSG_READY";
	case MSG_JOB:
		return "MSG_JOB";
	case MSG_VERDICT:
		return "MSG_VERDICT";
	case MSG_LOG:
		return "MSG_LOG";
	case MSG_DRAIN:
		return "MSG_DRAIN";
	case MSG_MODULES:
		return "MSG_MODULES";
	case MSG_STATS:
		return "MSG_STATS";
	case MSG_ERROR:
		return "MSG_ERROR";
	default:
		return "MSG_?";
	}
}
