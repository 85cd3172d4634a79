/*
 * The file service: the frontend, which may open no path, asks the
 * supervisor for files (FILE_OPEN, ipc/msg_file.h) and gets descriptors
 * (FILE_OPENED); the frontend hands them to chatd, which writes and reads
 * only descriptors.  Three modes:
 * - READ: the file the user names to send, absolute or relative to the
 *   supervisor's directory, read only.  Opened non-blocking (a FIFO never
 *   hangs the supervisor), then only a regular file is kept: a directory
 *   is EISDIR, any other kind (FIFO, device, socket) EINVAL.
 * - INCOMING: a friend's file name, made safe (common/fname.h) and
 *   created, never over anything, in the download directory, which is
 *   made (0700) the first time.  No download directory: ENOENT.
 * - SAVE_AS: the path the user gave, created O_EXCL|O_NOFOLLOW, mode
 *   0600: never over anything (EEXIST).
 * Created files are opened read-write (a resumed transfer reads back).
 * Neither READ nor SAVE_AS reaches into the profile's directory (EACCES):
 * keyd's files are not the frontend's to read or plant.
 * Every refusal is an errno in the answer; nothing closes the channel.
 * What was opened is logged at debug only: file names are private.
 */
#ifndef BULKHEAD_SUP_FILE_SERVICE_H
#define BULKHEAD_SUP_FILE_SERVICE_H

#include "ipc/chan.h"
#include "ipc/msg_file.h"

/*
 * The download directory (absolute; "" for none) and the profile's path
 * (its directory is kept out of reach), both kept by pointer.
 */
void	file_service_init(const char *download_dir, const char *profile);
/* The FILE_OPEN handler (a chan_handler fn): always answers, returns 0. */
int	file_service_on_open(struct chan *, struct ipc_msg *, struct rd *);
/*
 * The work, for the handler and for tests: does what req asks.  Returns
 * 0 with the descriptor in *fd (close-on-exec) and ans filled (size and
 * path; err 0), or an errno (ans->err the same, no descriptor).
 */
int	file_service_open(const struct ipc_file_open *req, int *fd,
	    struct ipc_file_opened *ans);

#endif
