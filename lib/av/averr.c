/*
 * averr.c - descriptions of project error codes
 */
#include <string.h>

#include "av/averr.h"

/* av_strerror - describe an errno value or an AV_E* code */
const char *
av_strerror(int err)
{
	switch (err) {
	case AV_EMAGIC:
		return "not a Vigil signature module";
	case AV_EVERSION:
		return "unsupported module format version";
	case AV_ECHECKSUM:
		return "module checksum mismatch";
	case AV_ECORRUPT:
		return "module structure is inconsistent";
	case AV_ECVD:
		return "malformed CVD/CLD container";
	case AV_ECVDMD5:
		return "CVD/CLD MD5 mismatch";
	case AV_ENOSIGS:
		return "no signatures to compile";
	case AV_ESYNTAX:
		return "malformed signature";
	case AV_ETAR:
		return "malformed tar archive";
	case AV_EGZIP:
		return "malformed gzip data";
	case AV_ELIMIT:
		return "size limit exceeded";
	default:
		return strerror(err);
	}
}
