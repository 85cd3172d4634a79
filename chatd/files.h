/*
 * chatd's file transfers: one engine (chatd/ftx.h) per online friend,
 * glued to its friend connection (chatd/fconn.h).  The messenger calls
 * files_up when the friend's ONLINE came, files_down when it went
 * (every transfer dropped, an event each), files_packet for the file
 * packets (0x50..0x52) it gets once the friend is online, and
 * files_acked for the transport's acks (the sender's done, and room in
 * the window).  Controls go out as ordinary lossless packets, chunks as
 * bulk ones; a refused chunk waits for an ack when the window is full,
 * or for the one timer, armed to the transport's next bulk token.
 *
 * Where the bytes come from and go (descriptors), the commands and the
 * events to the frontend are the io hooks' (files_set_io): without them
 * every offer is declined and nothing can be sent.
 */
#ifndef BULKHEAD_CHATD_FILES_H
#define BULKHEAD_CHATD_FILES_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "chatd/ftx.h"

struct files_io {
	/* as ftx_cb's, with the friend's number */
	ssize_t	(*read)(unsigned friend, unsigned slot, uint64_t offset,
		    uint8_t *buf, size_t max);
	int	(*write)(unsigned friend, unsigned slot, uint64_t offset,
		    const uint8_t *p, size_t n);
	void	(*event)(unsigned friend, const struct ftx_event *);
	/* the friend's engine is ready (files_up): what to offer at once */
	void	(*up)(unsigned friend);
};

/* Sets (or with NULL clears) the hooks; io is not copied. */
void	files_set_io(const struct files_io *io);
/* The engine of an online friend, for the API of ftx.h; NULL if none. */
struct ftx *files_ftx(unsigned friend);

/*
 * After calls to the engine's API (ftx_offer, ftx_accept, ...): sends
 * what it can and arms the timer if chunks wait for tokens.
 */
void	files_pump(unsigned friend);

void	files_up(unsigned friend);
void	files_down(unsigned friend);
/* 0 if p was a file packet (taken or ignored), -1 if not one. */
int	files_packet(unsigned friend, const uint8_t *p, size_t len);
void	files_acked(unsigned friend, uint32_t num);
/* keyd took what the friend's chunks were refused behind (fconn's
 * room): they go on. */
void	files_room(unsigned friend);

#endif
