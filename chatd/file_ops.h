/*
 * chatd's file transfers seen from the user (issue 12): the frontend's
 * FILE_SEND and FILE_CTL, the descriptors they bring, and FILE_EVENTs
 * back.  The hooks of chatd/files.h, over descriptors only: chatd opens
 * nothing by path.  The supervisor opened each file for the frontend
 * (FILE_OPEN), which handed it here.
 *
 *  - FILE_SEND: the file is offered under the file id the frontend gave
 *    (keyd's record of an unfinished offer of it, so the friend resumes)
 *    or, without one, a random id; chunks are read with pread() as the
 *    friend takes them, from where the friend asked to seek before it
 *    accepted.
 *  - FILE_CTL ACCEPT: writes go with pwrite() to the descriptor that came
 *    with it, from the seek position (the bytes it already holds).
 *  - Every transfer with a descriptor is hashed (SHA-256) as its bytes
 *    pass in order; FILE_EVENT DONE carries the digest of the whole
 *    file (read back when the transfer did not start at 0).
 *  - PROGRESS at most every FILE_PROGRESS_MS per transfer, with the rate
 *    since the last one.
 *
 * A friend's offer goes to the frontend as it came (name unsanitized:
 * the frontend renders it); without a frontend it is declined.
 */
#ifndef BULKHEAD_CHATD_FILE_OPS_H
#define BULKHEAD_CHATD_FILE_OPS_H

#include "ipc/chan.h"

#define FILE_PROGRESS_MS	500

void	file_ops_init(struct chan *frontend);
extern const struct chan_table	file_ops_from_frontend;

/*
 * After a friend number was freed (the friend removed, the list loaded
 * anew): the transfers made for a friend no longer at its number end,
 * each with its descriptor closed and a FILE_EVENT CANCELLED (why
 * offline) to the frontend.  Those still in the friend's engine when its
 * session ends (ftx_reset) end there already, the same way.
 */
void	file_ops_prune(void);
/* How many transfers with a descriptor friend has (for tests). */
unsigned file_ops_held(unsigned friend);

#endif
