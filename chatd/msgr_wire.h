/*
 * The lossless packets a friend sends over a net_crypto connection once
 * keyd has opened them (map §8): chatd parses them, as they are friend
 * data (rule 4).  Each is id || payload, 1..NC_DATA_MAX (1373) bytes.
 *
 * friend_connection (c-toxcore friend_connection.c handle_packet), taken
 * whatever the Messenger state:
 *
 *	0x10 ALIVE		[0x10], any bytes after it ignored (handle_packet
 *				looks at the id only)
 *	0x11 SHARE_RELAYS	[0x11][0..3 packed nodes]: unpack_nodes with
 *				TCP allowed, so all four families; it stops
 *				after the third node and ignores what follows;
 *				a cut node or an unknown family drops the
 *				packet; no node at all is fine
 *	0x12 FRIEND_REQUESTS	[0x12][nospam 4][message 1..1016]:
 *				friendreq_handlepacket ignores a whole packet
 *				of <= 5 or > ONION_CLIENT_MAX_DATA_SIZE (1021)
 *				bytes; the nospam is the caller's to compare
 *
 * Messenger (c-toxcore Messenger.c m_handle_packet):
 *
 *	0x18 ONLINE		exactly [0x18]; any other length drops
 *	0x19 OFFLINE		exactly [0x19]; data after it: ignored
 *	0x30 NICKNAME		[0..128] (MAX_NAME_LENGTH); empty is a name;
 *				longer is ignored, nothing truncated
 *	0x31 STATUSMESSAGE	[0..1007] (MAX_STATUSMESSAGE_LENGTH), the same
 *	0x32 USERSTATUS		exactly 1 byte, 0 none / 1 away / 2 busy;
 *				>= 3 (USERSTATUS_INVALID) ignored
 *	0x33 TYPING		exactly 1 byte; c-toxcore reads any non-zero
 *				byte as typing, so do we (typing is 0 or 1)
 *	0x40 MESSAGE, 0x41 ACTION
 *				[1..1372]; empty ignored; no upper bound there
 *				but net_crypto's (NC_DATA_MAX - 1); the bytes
 *				are not checked as UTF-8 and may hold NULs
 *
 * c-toxcore's "ignored" (break, return 0) and "dropped" (return -1) have
 * the same effect, nothing happens: both are MSGR_DROP here.
 *
 * The ONLINE gate is state, so it is the caller's: until a connection's
 * MSGR_ONLINE arrives, c-toxcore drops every packet that reaches
 * m_handle_packet, which is everything but ALIVE, SHARE_RELAYS and
 * FRIEND_REQUESTS (MSGR_UNKNOWN ones too).  A second ONLINE while online
 * changes nothing (it falls to the custom packet handler).
 *
 * Pure: no I/O, no clock, no allocation.
 */
#ifndef BULKHEAD_CHATD_MSGR_WIRE_H
#define BULKHEAD_CHATD_MSGR_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "common/nc_data.h"
#include "common/packed_node.h"

#define MSGR_ID_ALIVE		0x10	/* PACKET_ID_ALIVE */
#define MSGR_ID_SHARE_RELAYS	0x11
#define MSGR_ID_FRIEND_REQUESTS	0x12
#define MSGR_ID_ONLINE		0x18
#define MSGR_ID_OFFLINE		0x19
#define MSGR_ID_NICKNAME	0x30
#define MSGR_ID_STATUSMESSAGE	0x31
#define MSGR_ID_USERSTATUS	0x32
#define MSGR_ID_TYPING		0x33
#define MSGR_ID_MESSAGE		0x40
#define MSGR_ID_ACTION		0x41

#define MSGR_RELAYS_MAX		3	/* MAX_SHARED_RELAYS */
#define MSGR_NOSPAM_LEN		4
#define MSGR_FRREQ_MAX		1016	/* MAX_FRIEND_REQUEST_DATA_SIZE */
#define MSGR_NAME_MAX		128	/* MAX_NAME_LENGTH */
#define MSGR_STATUSMSG_MAX	1007	/* MAX_STATUSMESSAGE_LENGTH */
#define MSGR_TEXT_MAX		(NC_DATA_MAX - 1)	/* 1372 */

#define MSGR_USERSTATUS_NONE	0
#define MSGR_USERSTATUS_AWAY	1
#define MSGR_USERSTATUS_BUSY	2

enum msgr_kind {
	MSGR_DROP = -1,		/* c-toxcore would drop or ignore it */
	/*
	 * A lossless id (16..191) we do not handle yet: files 0x50..0x52,
	 * MSI 0x45, conferences 0x60..0x64, custom 160..191, and the ids
	 * c-toxcore has no handler for either.  Ignore it quietly.
	 */
	MSGR_UNKNOWN = 0,
	MSGR_ALIVE,
	MSGR_SHARE_RELAYS,
	MSGR_FRIEND_REQUEST,
	MSGR_ONLINE,
	MSGR_OFFLINE,
	MSGR_NICKNAME,
	MSGR_STATUSMESSAGE,
	MSGR_USERSTATUS,
	MSGR_TYPING,
	MSGR_MESSAGE,
	MSGR_ACTION,
};

/* A parsed packet: only the fields of its kind are set, the rest zero. */
struct msgr_pkt {
	enum msgr_kind		kind;
	uint8_t			id;		/* the id byte, 0 if dropped */
	/* SHARE_RELAYS */
	uint8_t			nrelays;
	struct packed_node	relays[MSGR_RELAYS_MAX];
	/* FRIEND_REQUEST */
	uint8_t			nospam[MSGR_NOSPAM_LEN];
	/* USERSTATUS: MSGR_USERSTATUS_*; TYPING: 0 or 1 */
	uint8_t			value;
	/*
	 * FRIEND_REQUEST (its message), NICKNAME, STATUSMESSAGE, MESSAGE,
	 * ACTION: the bytes as sent, not NUL-terminated.
	 */
	uint16_t		len;
	uint8_t			text[MSGR_TEXT_MAX];
};

/*
 * Reads one packet, id byte first (p[0..len), len as net_crypto gave it).
 * Returns its kind (also in out->kind), MSGR_UNKNOWN for a lossless id
 * not listed above, or MSGR_DROP (*out zeroed but for kind) for: len 0 or
 * above NC_DATA_MAX, an id outside the lossless range 16..191, or a
 * listed packet out of its bounds.
 */
int	msgr_parse(const uint8_t *p, size_t len, struct msgr_pkt *out);

/*
 * Builders: each writes id || payload into out (cap bytes; NC_DATA_MAX
 * holds any of them) and returns its length, or -1 if an argument is out
 * of the bounds above (the peer would drop the packet) or cap is short.
 */
int	msgr_build_alive(uint8_t *out, size_t cap);
/*
 * 1..3 nodes (send_relays sends nothing rather than an empty list), of
 * any of the four families; c-toxcore sends its connected TCP relays.
 */
int	msgr_build_share_relays(const struct packed_node *, size_t n,
	    uint8_t *out, size_t cap);
/* The message is 1..MSGR_FRREQ_MAX bytes (send_friend_request_packet). */
int	msgr_build_friend_request(const uint8_t nospam[MSGR_NOSPAM_LEN],
	    const uint8_t *msg, size_t len, uint8_t *out, size_t cap);
int	msgr_build_online(uint8_t *out, size_t cap);
int	msgr_build_offline(uint8_t *out, size_t cap);
int	msgr_build_nickname(const uint8_t *name, size_t len, uint8_t *out,
	    size_t cap);
int	msgr_build_statusmessage(const uint8_t *msg, size_t len,
	    uint8_t *out, size_t cap);
/* status is MSGR_USERSTATUS_NONE, _AWAY or _BUSY. */
int	msgr_build_userstatus(uint8_t status, uint8_t *out, size_t cap);
/* typing is 0 or 1, what send_user_istyping puts on the wire. */
int	msgr_build_typing(uint8_t typing, uint8_t *out, size_t cap);
/* 1..MSGR_TEXT_MAX bytes of text; msgr_split cuts longer text. */
int	msgr_build_message(const uint8_t *text, size_t len, uint8_t *out,
	    size_t cap);
int	msgr_build_action(const uint8_t *text, size_t len, uint8_t *out,
	    size_t cap);
/*
 * Builds the packet a parsed msgr_pkt stands for (its kind picks the
 * builder above); -1 for MSGR_UNKNOWN, MSGR_DROP, bad fields, and a
 * SHARE_RELAYS without a node (taken, but never sent).  TYPING comes out
 * as 0 or 1 and SHARE_RELAYS without what followed the third node.
 */
int	msgr_build(const struct msgr_pkt *, uint8_t *out, size_t cap);

/*
 * Splitting a long message: returns the length of the first chunk of
 * text[0..len), at most max bytes (max 0 or above MSGR_TEXT_MAX means
 * MSGR_TEXT_MAX); the caller sends it and calls again on the rest.  The
 * chunks put together are the text, byte for byte.
 *
 * A chunk never ends inside a UTF-8 sequence: the text is decoded from
 * the chunk's start, each well-formed sequence is one unit and each byte
 * of a malformed one is a unit of its own, and the cut falls between
 * units.  Like qTox and toxic, the cut prefers to follow the last space
 * or newline if that leaves at least three quarters of max in the chunk
 * (the separator stays at the chunk's end), else it follows the last
 * unit that fits.  Only a max below 4 can cut a sequence (a unit longer
 * than max is cut at max).  Returns 0 only when len is 0, so a loop over
 * it ends.
 */
size_t	msgr_split(const uint8_t *text, size_t len, size_t max);

#endif
