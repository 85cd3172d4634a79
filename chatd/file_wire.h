/*
 * The file-transfer packets of the Messenger (map §8; c-toxcore 0.2.18
 * Messenger.c m_handle_packet, file_sendrequest, send_file_control_packet,
 * send_file_data_packet), lossless, id byte first, friend data (rule 4):
 *
 *	0x50 FILE_SENDREQUEST	[0x50][filenum][kind u32 BE][size u64 BE]
 *				[file id 32][name 0..255]: shorter than the
 *				46-byte head or a name above 255 bytes is
 *				dropped.  size UINT64_MAX: a stream of
 *				unknown length.  kind 0 data, 1 avatar (its
 *				id the SHA-256 of the image, size 0 = none).
 *				The name is raw bytes: not NUL-terminated,
 *				not checked (the glue sanitizes it).
 *	0x51 FILE_CONTROL	[0x51][send_receive][filenum][ctl][pos u64 BE]:
 *				ctl 0 accept (or resume), 1 pause, 2 kill,
 *				3 seek; the position only for seek, exactly 8
 *				bytes (c-toxcore drops another length); the
 *				other controls ignore what follows them, as
 *				c-toxcore does.  A ctl above 3 is dropped.
 *				send_receive is 1 when the control's sender
 *				is receiving the file (so the file is one we
 *				send), anything else means it is sending it
 *				(c-toxcore tests `== 1`); kept as sent.
 *	0x52 FILE_DATA		[0x52][filenum][0..1371 bytes]: exactly 1371
 *				but for the last chunk (gotcha 22); the
 *				packet bound (NC_DATA_MAX) bounds it.
 *
 * File numbers are 0..255, one space per direction; the API numbers of
 * c-toxcore ((n + 1) << 16 for incoming) are not on the wire.
 *
 * Pure: no I/O, no clock, no allocation.
 */
#ifndef BULKHEAD_CHATD_FILE_WIRE_H
#define BULKHEAD_CHATD_FILE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "common/nc_data.h"

#define FILE_ID_SENDREQUEST	0x50	/* PACKET_ID_FILE_SENDREQUEST */
#define FILE_ID_CONTROL		0x51
#define FILE_ID_DATA		0x52

#define FILE_ID_LEN		32	/* FILE_ID_LENGTH */
#define FILE_NAME_MAX		255	/* MAX_FILENAME_LENGTH */
#define FILE_CHUNK		(NC_DATA_MAX - 2)	/* 1371, MAX_FILE_DATA_SIZE */
#define FILE_SIZE_UNKNOWN	UINT64_MAX
#define FILE_REQ_HEAD		(1 + 1 + 4 + 8 + FILE_ID_LEN)	/* 46 */

#define FILE_KIND_DATA		0	/* TOX_FILE_KIND_DATA */
#define FILE_KIND_AVATAR	1

#define FILE_CTL_ACCEPT		0	/* FILECONTROL_ACCEPT, also resume */
#define FILE_CTL_PAUSE		1
#define FILE_CTL_KILL		2
#define FILE_CTL_SEEK		3

enum file_pkt_kind {
	FILE_PKT_DROP = -1,	/* out of bounds: c-toxcore ignores it */
	FILE_PKT_NONE = 0,	/* not a file packet (another id) */
	FILE_PKT_REQ,
	FILE_PKT_CTL,
	FILE_PKT_DATA,
};

struct file_req {
	uint8_t		filenum;
	uint32_t	kind;
	uint64_t	size;
	uint8_t		id[FILE_ID_LEN];
	uint16_t	name_len;
	uint8_t		name[FILE_NAME_MAX];
};

struct file_ctl {
	uint8_t		send_receive;	/* as sent; 1: the file is ours */
	uint8_t		filenum;
	uint8_t		ctl;		/* FILE_CTL_* */
	uint64_t	pos;		/* SEEK only, else 0 */
};

struct file_data {
	uint8_t		filenum;
	uint16_t	len;		/* 0..FILE_CHUNK */
	const uint8_t	*data;		/* into the parsed packet; NULL if 0 */
};

/* A parsed packet: only the member of its kind is set, the rest zero. */
struct file_pkt {
	enum file_pkt_kind	kind;
	struct file_req		req;
	struct file_ctl		ctl;
	struct file_data	data;
};

/* Whether id is one of the three file packet ids. */
int	file_is_file_id(uint8_t id);

/*
 * Reads one packet, id byte first (p[0..len), len as net_crypto gave
 * it).  Returns its kind (also in out->kind): FILE_PKT_NONE for an empty
 * packet or another id, FILE_PKT_DROP (the rest of *out zeroed) for a
 * file packet out of the bounds above.  out->data.data points into p.
 */
int	file_parse(const uint8_t *p, size_t len, struct file_pkt *out);

/*
 * Builders: id || payload into out (cap bytes; NC_DATA_MAX holds any of
 * them); the length, or -1 if a field is out of bounds (a name above
 * FILE_NAME_MAX, a ctl above FILE_CTL_SEEK, a send_receive above 1, data
 * above FILE_CHUNK) or cap is short.  A control but seek carries no
 * position.
 */
int	file_build_req(const struct file_req *, uint8_t *out, size_t cap);
int	file_build_ctl(const struct file_ctl *, uint8_t *out, size_t cap);
int	file_build_data(uint8_t filenum, const uint8_t *data, size_t len,
	    uint8_t *out, size_t cap);

#endif
