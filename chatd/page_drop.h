/*
 * A file written front to back, at speed, keeps only its last few MiB in
 * the page cache (chatd/file_ops.c, for a received file).
 *
 * Without it a 1 GiB download is 1 GiB of dirty page cache, written out
 * later: it pushes out what the user had cached, and every page of it is
 * memory touched for the first time in a while.  In a virtual machine
 * that hands freed memory back to its host (virtio-balloon's free page
 * reporting, common in clouds), each such page costs the host a fault:
 * here 1 GiB took 3.3 s to write instead of 0.26 s, and that copy was
 * the largest single cost of a fast transfer.
 *
 * So, every PD_STEP bytes, the kernel is asked to start writing the last
 * PD_STEP out (sync_file_range), and the pages written PD_LAG before that
 * are waited for and dropped (posix_fadvise DONTNEED).  The pages dropped
 * are reused for the next ones while they are still warm.  The wait only
 * blocks when the disk is slower than the link, and then the writes
 * would soon block anyway (the kernel's dirty-page throttling).
 */
#ifndef BULKHEAD_CHATD_PAGE_DROP_H
#define BULKHEAD_CHATD_PAGE_DROP_H

#include <stdint.h>

#define PD_STEP		(4u << 20)
#define PD_LAG		(8u << 20)

struct page_drop {
	uint64_t	started;	/* writeback asked for below this */
	uint64_t	dropped;	/* dropped below this */
};

/* A stream that writes from offset at on. */
void	page_drop_init(struct page_drop *, uint64_t at);

/*
 * Bytes up to end are written (in order: a smaller end than before starts
 * the stream again there).  0, or -1 with errno if the disk failed to
 * write what was waited for (EIO, ENOSPC: the file lacks bytes it was
 * given).  Other failures (a pipe, a file system without writeback) are
 * not errors: the pages simply stay.
 */
int	page_drop_written(struct page_drop *, int fd, uint64_t end);

#endif
