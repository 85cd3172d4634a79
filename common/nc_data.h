/*
 * The net_crypto data packet (map §7), c-toxcore 0.2.18 on the wire:
 *
 *	0x1b || low 2 bytes of the nonce (BE) ||
 *	    box(session key, full nonce)(buffer_start u32 BE ||
 *	    number u32 BE || zero padding || id || data)
 *
 * at most NC_PACKET_MAX (1400) bytes.  The padding is
 * (NC_DATA_MAX - len(id || data)) mod 8 zero bytes; the receiver skips
 * every leading zero, so id 0 never reaches it.  Every sealed packet
 * (lossless, lossy, request, kill) consumes one nonce of the sender.
 *
 * The receiver rebuilds the full nonce from the 2 bytes as c-toxcore does
 * (handle_data_packet): diff = (wire - low 16 bits of the saved receive
 * nonce) mod 65536, try saved + diff; once that opens and diff is above
 * 2 * NC_NONCE_THRESHOLD, the saved nonce moves on by NC_NONCE_THRESHOLD.
 * The saved nonce starts at the peer's handshake base nonce (gotcha 1).
 *
 * Also the payload of the request packet (id 1), generate_request_packet
 * and handle_request_packet: after the id, one byte per gap walking from
 * the peer's buffer_start; byte n says "the packet n after the previous
 * mark is missing" (the first mark is buffer_start - 1), byte 0 says
 * "255 further on, nothing missing" and is the only byte allowed when the
 * walk has gone 255 without a mark.
 *
 * Pure: no I/O, no clock, no RNG, no allocation.
 */
#ifndef BULKHEAD_COMMON_NC_DATA_H
#define BULKHEAD_COMMON_NC_DATA_H

#include <stddef.h>
#include <stdint.h>

#define NC_DATA_KIND		0x1b	/* NET_PACKET_CRYPTO_DATA */
#define NC_KEY_LEN		32	/* crypto_box_BEFORENMBYTES */
#define NC_NONCE_LEN		24
#define NC_MAC_LEN		16
#define NC_PACKET_MAX		1400	/* MAX_CRYPTO_PACKET_SIZE */
/* kind || nonce low 2 || MAC: what wraps the plain text */
#define NC_DATA_OVERHEAD	(1 + 2 + NC_MAC_LEN)
#define NC_DATA_HDR_LEN		8	/* buffer_start || number */
/* CRYPTO_DATA_PACKET_MIN_SIZE: a packet must be longer than this */
#define NC_DATA_PACKET_MIN	(NC_DATA_OVERHEAD + NC_DATA_HDR_LEN)
/* MAX_CRYPTO_DATA_SIZE: id || data, 1..1373 bytes */
#define NC_DATA_MAX		(NC_PACKET_MAX - NC_DATA_PACKET_MIN)
#define NC_PADDING_STEP		8	/* CRYPTO_MAX_PADDING */
#define NC_NONCE_THRESHOLD	21845	/* DATA_NUM_THRESHOLD */
#define NC_BUFFER_SLOTS		32768	/* CRYPTO_PACKET_BUFFER_SIZE */

/* The id byte (net_crypto.h PACKET_ID_*). */
#define NC_ID_PADDING		0
#define NC_ID_REQUEST		1
#define NC_ID_KILL		2
#define NC_ID_LOSSLESS_MIN	16
#define NC_ID_LOSSLESS_MAX	191
#define NC_ID_LOSSY_MIN		192
#define NC_ID_LOSSY_MAX		254

enum nc_id_class {
	NC_CLASS_INVALID,	/* 0, 3..15, 255: c-toxcore drops the data */
	NC_CLASS_REQUEST,
	NC_CLASS_KILL,
	NC_CLASS_LOSSLESS,
	NC_CLASS_LOSSY,
};

enum nc_id_class	nc_data_id_class(uint8_t id);

/* The 24-byte nonce is one big-endian counter (increment_nonce). */
void	nc_nonce_increment(uint8_t nonce[NC_NONCE_LEN]);
/* Adds n with carry across all 24 bytes (increment_nonce_number). */
void	nc_nonce_add(uint8_t nonce[NC_NONCE_LEN], uint32_t n);
/*
 * The full nonce of a packet whose wire carries the low 16 bits `wire`,
 * given the saved receive nonce; returns the diff (0..65535) that
 * nc_nonce_settle wants once the packet opened.
 */
uint16_t nc_nonce_recover(const uint8_t saved[NC_NONCE_LEN], uint16_t wire,
	    uint8_t full[NC_NONCE_LEN]);
/* Moves the saved receive nonce on after a packet with diff opened. */
void	nc_nonce_settle(uint8_t saved[NC_NONCE_LEN], uint16_t diff);

/* An opened data packet. */
struct nc_data {
	uint32_t		buffer_start;	/* the peer's ack */
	uint32_t		number;
	enum nc_id_class	cls;		/* of data[0] */
	uint16_t		len;		/* of id || data: 1..NC_DATA_MAX */
	uint8_t			data[NC_DATA_MAX];
};

/*
 * Seals id || data (data[0] is the id; len 1..NC_DATA_MAX) with the session
 * key under *send_nonce into out, then advances send_nonce by one.
 * Returns the packet length (NC_DATA_PACKET_MIN + 1..NC_PACKET_MAX), or
 * -1 (send_nonce untouched) if len is out of range, the id is of class
 * NC_CLASS_INVALID (the peer would drop it), or out is too small.
 */
int	nc_data_seal(const uint8_t key[NC_KEY_LEN],
	    uint8_t send_nonce[NC_NONCE_LEN], uint32_t buffer_start,
	    uint32_t number, const uint8_t *data, size_t len, uint8_t *out,
	    size_t cap);

/*
 * Opens a whole 0x1b packet with the session key, recovering its nonce
 * from recv_nonce.  0, or -1 (*out zeroed) for: a wrong kind, a length
 * not in (NC_DATA_PACKET_MIN, NC_PACKET_MAX], a MAC that does not verify,
 * nothing but padding after the header.
 *
 * recv_nonce moves on (nc_nonce_settle) whenever the MAC verified, even
 * if the plain text is then refused: c-toxcore does the same, as it
 * settles the nonce before looking inside.  A packet whose id is of class
 * NC_CLASS_INVALID opens (0): c-toxcore still takes its buffer_start as an
 * ack and lets it confirm the connection, and only then drops the data.
 */
int	nc_data_open(const uint8_t key[NC_KEY_LEN],
	    uint8_t recv_nonce[NC_NONCE_LEN], const uint8_t *pkt, size_t len,
	    struct nc_data *out);

/*
 * nc_data_open without the copy, for keyd's data path: the plain text is
 * opened into plain and out->data points into it (id || data).  The
 * caller wipes plain (a friend's words) when it is done with them.
 */
#define NC_PLAIN_BUF_LEN	(NC_PACKET_MAX - NC_DATA_OVERHEAD)
struct nc_data_ref {
	uint32_t		 buffer_start;
	uint32_t		 number;
	enum nc_id_class	 cls;
	uint16_t		 len;
	const uint8_t		*data;		/* in plain */
};
int	nc_data_open_ref(const uint8_t key[NC_KEY_LEN],
	    uint8_t recv_nonce[NC_NONCE_LEN], const uint8_t *pkt, size_t len,
	    uint8_t plain[NC_PLAIN_BUF_LEN], struct nc_data_ref *out);

/*
 * Builds the request packet (id 1 and the gap bytes) for the receive
 * window [buffer_start, buffer_end): have(arg, num) says whether packet
 * num arrived.  Like c-toxcore it stops, truncated, when cap bytes are
 * written (give it NC_DATA_MAX).  Returns the length (>= 1), or -1 if cap
 * is 0 or the window is wider than NC_BUFFER_SLOTS.
 */
int	nc_req_build(uint32_t buffer_start, uint32_t buffer_end,
	    int (*have)(void *, uint32_t), void *arg, uint8_t *out,
	    size_t cap);

/* What a request packet says about the send window. */
struct nc_req {
	/*
	 * The walk stopped here: every number in [buffer_start, walk_end)
	 * not in num[] is acked (c-toxcore frees it); the rest is not
	 * spoken of.
	 */
	uint32_t	walk_end;
	uint16_t	n;			/* of num[] */
	uint32_t	num[NC_DATA_MAX - 1];	/* asked again, ascending */
};

/*
 * Reads a request packet (p[0] must be NC_ID_REQUEST) against our send
 * window [buffer_start, buffer_end).  Returns how many packets it asks
 * for, or -1 (*out zeroed) if it is empty, longer than NC_DATA_MAX, not a
 * request, a window wider than NC_BUFFER_SLOTS, or a byte other than 0 after a run of 255.
 * Bytes left when the walk reaches buffer_end are ignored, as c-toxcore
 * does.  (The check after a run of 255 cannot fire: a byte 1..254 would
 * have matched earlier in the run; it stays as c-toxcore has it.)  Unlike c-toxcore, which frees the packets it walked past before
 * it meets a bad byte, nothing of a refused request may be applied.
 */
int	nc_req_parse(const uint8_t *p, size_t len, uint32_t buffer_start,
	    uint32_t buffer_end, struct nc_req *out);

#endif
