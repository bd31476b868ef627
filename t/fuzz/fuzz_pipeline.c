/*
 * fuzz_pipeline.c - libFuzzer harness for the whole container walk
 *
 * Every input goes through pipeline_run() as one file, with small limits
 * (so that a bomb costs little) and then with MATCH_ALL, over a module of
 * a few signatures compiled once: plain markers, a Container: and an
 * Intermediates: condition, so that the matcher sees container chains.
 * The walk reaches every unpacker and decoder the pipeline uses (archive
 * formats through libarchive, mail, uuencode, BinHex, the hand-written
 * readers) with whatever the input turns into.  The verdict tree is then
 * checked against what verdict.h and pipeline.h promise: parents come
 * first and are one level up, paths extend their parent's, depths stay
 * within the limit, the input's status is the highest of its objects,
 * the counts agree, an infected object has names and a not-scanned one a
 * reason, and the limits hold (objects, bytes).  A broken promise aborts.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "av/verdict.h"
#include "shm/sigmap.h"
#include "signatures/cset.h"
#include "signatures/sigsrc.h"
#include "workers/pipeline.h"

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* "FUZZMARK", "ZIPONLY!" and "GZINZIP!" in hex */
static const char fz_ndb[] =
    "Fuzz.Mark:0:*:46555a5a4d41524b\n"
    "Fuzz.Eicar:0:0:58354f2150254041505b345c505a58353428505e2937434329377d"
    "2445494341522d5354414e444152442d414e544956495255532d544553542d46494c45"
    "212448",
    fz_ldb[] =
    "Fuzz.Zip;Target:0,Container:CL_TYPE_ZIP;0;5a49504f4e4c5921\n"
    "Fuzz.ZipGz;Target:0,Intermediates:CL_TYPE_ZIP>CL_TYPE_GZ;0;"
    "475a494e5a495021\n";

static struct pipeline	*fz_pl;
static struct verdict	 fz_v;

static void	 fz_check(const struct verdict *, const struct scan_limits *,
		    size_t);

/* LLVMFuzzerInitialize - compile the module once */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static struct sigmap		 sm;
	static const struct vmod_view	*views[1];
	struct cset			*cs;
	uint8_t				*img;
	size_t				 size;

	(void)argc;
	(void)argv;
	if ((cs = cset_new(NULL)) == NULL ||
	    sigsrc_load_buffer(cs, "f.ndb", (const uint8_t *)fz_ndb,
	    sizeof(fz_ndb) - 1) == -1 ||
	    sigsrc_load_buffer(cs, "f.ldb", (const uint8_t *)fz_ldb,
	    sizeof(fz_ldb) - 1) == -1 ||
	    cset_build(cs, 1, "fuzz", &img, &size) == -1 ||
	    sigmap_openmem(&sm, img, size, 1) == -1)
		abort();
	cset_free(cs);
	views[0] = &sm.view;
	if ((fz_pl = pipeline_new(views, 1)) == NULL)
		abort();
	verdict_init(&fz_v);
	return 0;	/* img stays mapped for the life of the process */
}

/*
 * fz_check - the promises of a verdict tree from an input of len bytes
 * under lim
 */
static void
fz_check(const struct verdict *v, const struct scan_limits *lim, size_t len)
{
	uint32_t	 i, inf = 0, ns = 0, p;
	uint8_t		 top = AV_CLEAN;
	const char	*path, *ppath;
	size_t		 pl;

	if (v->nobj < 1 || v->obj[0].parent != UINT32_MAX ||
	    v->obj[0].depth != 0 || v->obj[0].size != len ||
	    strcmp(verdict_path(v, 0), "in") != 0)
		abort();
	for (i = 0; i < v->nobj; i++) {
		const struct av_object	*o = &v->obj[i];

		if (i > 0) {
			p = o->parent;
			if (p >= i || o->depth != v->obj[p].depth + 1)
				abort();
			path = verdict_path(v, i);
			ppath = verdict_path(v, p);
			pl = strlen(ppath);
			/* paths are cut at 4 KiB: a cut one may equal it */
			if (strncmp(path, ppath, pl) != 0 ||
			    (path[pl] != '/' && path[pl] != '\0'))
				abort();
		}
		if (lim->max_depth && o->depth > lim->max_depth)
			abort();
		if (o->status > AV_INFECTED)
			abort();
		if (o->status > top)
			top = o->status;
		if (o->status == AV_INFECTED) {
			inf++;
			if (o->nhits == 0 ||
			    verdict_name(v, verdict_hit(v, i, 0)) == NULL)
				abort();
		} else if (o->nhits != 0)
			abort();
		if (o->status == AV_NOTSCANNED) {
			ns++;
			if (verdict_reason(v, i) == NULL ||
			    verdict_reason(v, i)[0] == '\0')
				abort();
		}
	}
	if (v->status != top || v->ninfected != inf || v->nnotscanned < ns)
		abort();
	/* every object counts; the first one too many is listed, refused */
	if (lim->max_files && v->nobj > lim->max_files + 1)
		abort();
}

/* LLVMFuzzerTestOneInput - one input through the pipeline, twice */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_limits	 lim;

	scan_limits_default(&lim);
	lim.max_depth = 6;
	lim.max_files = 200;
	lim.max_filesize = 1 << 20;
	lim.max_scansize = 4 << 20;
	lim.max_ratio = 200;
	lim.max_time = 5000;
	if (pipeline_run(fz_pl, data, size, "in", &lim, 0, &fz_v) == -1) {
		if (errno != ENOMEM)
			abort();
		return 0;
	}
	fz_check(&fz_v, &lim, size);
	lim.heuristics = 1;
	if (pipeline_run(fz_pl, data, size, "in", &lim, MATCH_ALL, &fz_v) ==
	    -1) {
		if (errno != ENOMEM)
			abort();
		return 0;
	}
	fz_check(&fz_v, &lim, size);
	return 0;
}
