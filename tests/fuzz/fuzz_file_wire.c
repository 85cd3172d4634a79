/*
 * The file-transfer packets (chatd/file_wire.c), a friend's data: the
 * input is not a file packet (first byte another id, or empty), or is
 * dropped with *out zeroed, or is taken and rebuilt into a prefix of the
 * input (a control but seek loses what c-toxcore ignores after it; a
 * send_receive other than 0/1 cannot be rebuilt) that parses the same.
 * Then the input goes through an engine (chatd/ftx.c) whose callbacks
 * accept everything and which accepts every offer, so controls and data
 * reach every state; the engine's own bounds are checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chatd/file_wire.h"
#include "chatd/ftx.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct ftx	eng;
static int64_t		num;

static int64_t
f_send(void *arg, const uint8_t *p, size_t len, int bulk)
{
	static struct file_pkt	k;

	/* what the engine sends must parse */
	if (len == 0 || len > NC_DATA_MAX || file_parse(p, len, &k) <= 0)
		abort();
	return num++;
}

static ssize_t
f_read(void *arg, unsigned slot, uint64_t off, uint8_t *buf, size_t max)
{
	if (slot >= FTX_SLOTS || max == 0 || max > FILE_CHUNK)
		abort();
	/* every file, the stream too, ends by 20000 bytes */
	if (off >= 20000)
		return 0;
	if (max > 20000 - off)
		max = (size_t)(20000 - off);
	memset(buf, 0x5a, max);
	return (ssize_t)max;
}

static int
f_write(void *arg, unsigned slot, uint64_t off, const uint8_t *p, size_t n)
{
	if (slot >= FTX_SLOTS || n == 0 || n > FILE_CHUNK)
		abort();
	return 0;
}

static void
f_event(void *arg, const struct ftx_event *ev)
{
	if (ev->type == FTX_EV_OFFER)
		(void)ftx_accept(&eng, ev->slot, ev->req->size > 1 ?
		    ev->req->size / 2 : 0);
}

static void
codec(const uint8_t *data, size_t len)
{
	static struct file_pkt	m, m2;
	static const struct file_pkt zero;
	static uint8_t		out[NC_DATA_MAX];
	int			k, w = -1;

	k = file_parse(data, len, &m);
	if (k != (int)m.kind)
		abort();
	if (k <= 0) {
		struct file_pkt	z = zero;

		z.kind = (enum file_pkt_kind)k;
		if (memcmp(&z, &m, sizeof(m)) != 0)
			abort();
		if (k == FILE_PKT_NONE && len > 0 && file_is_file_id(data[0]))
			abort();
		return;
	}
	switch (k) {
	case FILE_PKT_REQ:
		w = file_build_req(&m.req, out, sizeof(out));
		break;
	case FILE_PKT_CTL:
		w = file_build_ctl(&m.ctl, out, sizeof(out));
		if (m.ctl.send_receive > 1) {
			if (w != -1)
				abort();
			return;
		}
		break;
	case FILE_PKT_DATA:
		if (m.data.len > FILE_CHUNK || (m.data.len > 0 &&
		    m.data.data != data + 2))
			abort();
		w = file_build_data(m.data.filenum, m.data.data, m.data.len,
		    out, sizeof(out));
		break;
	}
	if (w < 1 || (size_t)w > len || memcmp(out, data, (size_t)w) != 0)
		abort();
	if (file_parse(out, (size_t)w, &m2) != k)
		abort();
	if (k == FILE_PKT_DATA) {
		if (m2.data.len != m.data.len ||
		    m2.data.filenum != m.data.filenum)
			abort();
	} else if (memcmp(&m, &m2, sizeof(m)) != 0)
		abort();
}

/* The input as a run of packets: [len][bytes] each, len one byte. */
static void
engine(const uint8_t *data, size_t len)
{
	static const struct ftx_cb	cb = {
		f_send, f_read, f_write, f_event, NULL
	};
	static const uint8_t	id[FILE_ID_LEN];
	size_t			at = 0, n;
	unsigned		i;

	ftx_init(&eng, &cb);
	num = 0;
	(void)ftx_offer(&eng, FILE_KIND_DATA, 5000, id, (const uint8_t *)"x",
	    1);
	(void)ftx_offer(&eng, FILE_KIND_DATA, FILE_SIZE_UNKNOWN, id, NULL, 0);
	while (at < len) {
		n = data[at++];
		if (n > len - at)
			n = len - at;
		(void)ftx_recv(&eng, data + at, n);
		at += n;
		if ((num & 7) == 0)
			ftx_acked(&eng, (uint32_t)(num - 1));
	}
	for (i = 0; i < FTX_SLOTS; i++) {
		const struct ftx_slot	*s = ftx_slot(&eng, 0, i);

		if (s->state != FTX_FREE && s->size != FILE_SIZE_UNKNOWN &&
		    s->pos > s->size)
			abort();
	}
	ftx_reset(&eng);
	for (i = 0; i < FTX_SLOTS; i++)
		if (ftx_slot(&eng, 0, i)->state != FTX_FREE ||
		    ftx_slot(&eng, 1, i)->state != FTX_FREE)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	codec(data, len);
	engine(data, len);
	return 0;
}
