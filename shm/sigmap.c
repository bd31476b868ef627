/*
 * sigmap.c - map and validate one module
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <string.h>

#include "av/averr.h"
#include "shm/sigmap.h"

/* sigmap_openmem - validate a module held in memory */
int
sigmap_openmem(struct sigmap *sm, const uint8_t *buf, size_t size, int deep)
{
	memset(sm, 0, sizeof(*sm));
	if (vmod_validate(buf, size, deep) == -1)
		return -1;
	sm->base = buf;
	sm->size = size;
	vmod_view(&sm->view, buf, size);
	return 0;
}

/* sigmap_open - map fd read-only and shared, then validate */
int
sigmap_open(struct sigmap *sm, int fd, int deep)
{
	struct stat	 st;
	void		*p;
	int		 saved;

	memset(sm, 0, sizeof(*sm));
	if (fstat(fd, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	if ((size_t)st.st_size < sizeof(struct vmod_hdr)) {
		errno = AV_EMAGIC;
		return -1;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	if (sigmap_openmem(sm, p, st.st_size, deep) == -1) {
		saved = errno;
		munmap(p, st.st_size);
		errno = saved;
		return -1;
	}
	sm->mapped = 1;
	return 0;
}

/* sigmap_close - unmap */
void
sigmap_close(struct sigmap *sm)
{
	if (sm->mapped && sm->base != NULL)
		munmap((void *)(uintptr_t)sm->base, sm->size);
	memset(sm, 0, sizeof(*sm));
}
