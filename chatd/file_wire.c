/* File-transfer packets: see file_wire.h. */
#include <string.h>

#include "chatd/file_wire.h"
#include "common/rd.h"

int
file_is_file_id(uint8_t id)
{
	return id == FILE_ID_SENDREQUEST || id == FILE_ID_CONTROL ||
	    id == FILE_ID_DATA;
}

static int
parse_req(struct rd *r, struct file_req *q)
{
	rd_u8(r, &q->filenum);
	rd_u32(r, &q->kind);
	rd_u64(r, &q->size);
	rd_bytes(r, q->id, sizeof(q->id));
	/* the name is the rest: longer than 255 bytes drops the request */
	if (rd_tail(r, q->name, 0, FILE_NAME_MAX, &q->name_len) == -1)
		return FILE_PKT_DROP;
	return FILE_PKT_REQ;
}

static int
parse_ctl(struct rd *r, struct file_ctl *c)
{
	rd_u8(r, &c->send_receive);
	rd_u8(r, &c->filenum);
	if (rd_u8(r, &c->ctl) == -1 || c->ctl > FILE_CTL_SEEK)
		return FILE_PKT_DROP;
	if (c->ctl == FILE_CTL_SEEK) {
		/* exactly the position: handle_filecontrol checks the length */
		if (rd_left(r) != sizeof(c->pos) || rd_u64(r, &c->pos) == -1)
			return FILE_PKT_DROP;
	} else
		(void)rd_skip(r, rd_left(r));	/* c-toxcore never looks */
	return FILE_PKT_CTL;
}

static int
parse_data(struct rd *r, struct file_data *d)
{
	size_t	n;

	if (rd_u8(r, &d->filenum) == -1)
		return FILE_PKT_DROP;
	d->data = rd_rest(r, &n);
	if (n > FILE_CHUNK)
		return FILE_PKT_DROP;
	d->len = (uint16_t)n;
	if (n == 0)
		d->data = NULL;
	return FILE_PKT_DATA;
}

int
file_parse(const uint8_t *p, size_t len, struct file_pkt *out)
{
	struct rd	r;
	uint8_t		id;
	int		kind;

	memset(out, 0, sizeof(*out));
	if (len == 0 || !file_is_file_id(p[0]))
		return out->kind = FILE_PKT_NONE;
	if (len > NC_DATA_MAX)
		return out->kind = FILE_PKT_DROP;
	rd_init(&r, p, len);
	(void)rd_u8(&r, &id);
	switch (id) {
	case FILE_ID_SENDREQUEST:
		kind = parse_req(&r, &out->req);
		break;
	case FILE_ID_CONTROL:
		kind = parse_ctl(&r, &out->ctl);
		break;
	default:
		kind = parse_data(&r, &out->data);
		break;
	}
	if (kind == FILE_PKT_DROP || !rd_done(&r)) {
		memset(out, 0, sizeof(*out));
		return out->kind = FILE_PKT_DROP;
	}
	return out->kind = (enum file_pkt_kind)kind;
}

int
file_build_req(const struct file_req *q, uint8_t *out, size_t cap)
{
	struct wr	w;

	if (q->name_len > FILE_NAME_MAX)
		return -1;
	wr_init(&w, out, cap);
	wr_u8(&w, FILE_ID_SENDREQUEST);
	wr_u8(&w, q->filenum);
	wr_u32(&w, q->kind);
	wr_u64(&w, q->size);
	wr_bytes(&w, q->id, sizeof(q->id));
	if (q->name_len > 0)
		wr_bytes(&w, q->name, q->name_len);
	return wr_ok(&w) ? (int)wr_len(&w) : -1;
}

int
file_build_ctl(const struct file_ctl *c, uint8_t *out, size_t cap)
{
	struct wr	w;

	if (c->ctl > FILE_CTL_SEEK || c->send_receive > 1)
		return -1;
	wr_init(&w, out, cap);
	wr_u8(&w, FILE_ID_CONTROL);
	wr_u8(&w, c->send_receive);
	wr_u8(&w, c->filenum);
	wr_u8(&w, c->ctl);
	if (c->ctl == FILE_CTL_SEEK)
		wr_u64(&w, c->pos);
	return wr_ok(&w) ? (int)wr_len(&w) : -1;
}

int
file_build_data(uint8_t filenum, const uint8_t *data, size_t len,
    uint8_t *out, size_t cap)
{
	struct wr	w;

	if (len > FILE_CHUNK || (len > 0 && data == NULL))
		return -1;
	wr_init(&w, out, cap);
	wr_u8(&w, FILE_ID_DATA);
	wr_u8(&w, filenum);
	if (len > 0)
		wr_bytes(&w, data, len);
	return wr_ok(&w) ? (int)wr_len(&w) : -1;
}
