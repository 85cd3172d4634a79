/*
 * The supervisor's file service (ipc/types.h, area FILE): the frontend,
 * which may open no path, asks the supervisor to open a file the user
 * named for sending, to create one for a friend's incoming file in the
 * download directory, or to create one where the user said to save it
 * (FILE_OPEN); the answer (FILE_OPENED) carries an errno, the file's size
 * and the path opened, and, only when the errno is 0, the descriptor.
 * Pack/unpack in the style of msg_sock.h.
 */
#ifndef BULKHEAD_IPC_MSG_FILE_H
#define BULKHEAD_IPC_MSG_FILE_H

#include <stdint.h>

#include "common/rd.h"

/* What FILE_OPEN asks for. */
enum ipc_file_mode {
	IPC_FILE_READ = 1,	/* an existing regular file, read only */
	IPC_FILE_INCOMING = 2,	/* a new file in the download directory,
				 * the bytes a friend's file name */
	IPC_FILE_SAVE_AS = 3,	/* a new file at the user's path */
	IPC_FILE_RESUME = 4,	/* a file INCOMING made earlier, to write on:
				 * the path its answer gave */
};
/* A path or name: 1..4095 bytes without NUL (Linux's PATH_MAX - 1). */
#define IPC_FILE_PATH_MAX	4095
/* The largest errno an answer may carry (Linux's are below 4096). */
#define IPC_FILE_ERRNO_MAX	4095

/* FILE_OPEN: mode u8 || len u16 || path (len bytes, 1..4095, no NUL). */
struct ipc_file_open {
	uint8_t		mode;		/* enum ipc_file_mode */
	uint16_t	len;
	char		path[IPC_FILE_PATH_MAX + 1];	/* NUL-terminated */
};
#define IPC_FILE_OPEN_MIN	(1 + 2 + 1)
#define IPC_FILE_OPEN_MAX	(1 + 2 + IPC_FILE_PATH_MAX)
void	ipc_pack_file_open(struct wr *, const struct ipc_file_open *);
/* -1 if malformed: framing, an unknown mode, an empty or long path, a
 * NUL in it. */
int	ipc_unpack_file_open(struct rd *, struct ipc_file_open *);

/*
 * FILE_OPENED: errno i32 (0..4095) || size u64 || mtime u64 || dev u64
 * || ino u64 || len u16 || path (len bytes, no NUL).  errno 0: the
 * descriptor is attached, size is the file's (READ; 0 for a new file)
 * and the path is the one opened: the final absolute path of a created
 * file, the path as asked for READ; a path is then 1..4095 bytes.  For
 * READ, mtime (nanoseconds since the epoch), dev and ino are the file's:
 * with its size they tell the frontend whether a file sent again is
 * still the one sent before (a resume); 0 for the other modes.
 * Otherwise no descriptor, and all of it is 0 and empty.
 */
struct ipc_file_opened {
	int32_t		err;
	uint64_t	size;
	uint64_t	mtime;
	uint64_t	dev;
	uint64_t	ino;
	uint16_t	len;
	char		path[IPC_FILE_PATH_MAX + 1];	/* NUL-terminated */
};
#define IPC_FILE_OPENED_MIN	(4 + 8 + 3 * 8 + 2)
#define IPC_FILE_OPENED_MAX	(IPC_FILE_OPENED_MIN + IPC_FILE_PATH_MAX)
void	ipc_pack_file_opened(struct wr *, const struct ipc_file_opened *);
int	ipc_unpack_file_opened(struct rd *, struct ipc_file_opened *);

#endif
