/* Few pages of a file written front to back stay cached: see page_drop.h. */
#include <errno.h>
#include <fcntl.h>

#include "chatd/page_drop.h"

void
page_drop_init(struct page_drop *pd, uint64_t at)
{
	pd->started = pd->dropped = at;
}

/* Only an error that loses the file's bytes counts. */
static int
lost(int r)
{
	return r == -1 && (errno == EIO || errno == ENOSPC ||
	    errno == EDQUOT);
}

int
page_drop_written(struct page_drop *pd, int fd, uint64_t end)
{
	uint64_t	len;
	int		r;

	if (end < pd->started) {
		page_drop_init(pd, end);
		return 0;
	}
	if (end - pd->started < PD_STEP)
		return 0;
	if (lost(sync_file_range(fd, (off_t)pd->started,
	    (off_t)(end - pd->started), SYNC_FILE_RANGE_WRITE)))
		return -1;
	pd->started = end;
	if (pd->started - pd->dropped < PD_LAG + PD_STEP)
		return 0;
	len = pd->started - PD_LAG - pd->dropped;
	if (lost(sync_file_range(fd, (off_t)pd->dropped, (off_t)len,
	    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
	    SYNC_FILE_RANGE_WAIT_AFTER)))
		return -1;
	/* posix_fadvise returns the error, it does not set errno */
	if ((r = posix_fadvise(fd, (off_t)pd->dropped, (off_t)len,
	    POSIX_FADV_DONTNEED)) != 0)
		(void)r;	/* the pages stay: slower, not wrong */
	pd->dropped += len;
	return 0;
}
