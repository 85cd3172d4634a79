/* Messenger and friend_connection packets: see msgr_wire.h. */
#include <string.h>

#include "chatd/msgr_wire.h"
#include "common/rd.h"

/* The message of a FRIEND_REQUESTS: ONION_CLIENT_MAX_DATA_SIZE bounds
 * the whole packet, id and nospam included. */
#define FRREQ_PKT_MAX	(1 + MSGR_NOSPAM_LEN + MSGR_FRREQ_MAX)	/* 1021 */

static int
parse_relays(struct rd *r, struct msgr_pkt *m)
{
	/* unpack_nodes: at most three, then whatever follows is ignored */
	while (rd_left(r) > 0 && m->nrelays < MSGR_RELAYS_MAX)
		if (packed_node_unpack(r, &m->relays[m->nrelays++], 1) == -1)
			return -1;
	(void)rd_skip(r, rd_left(r));
	return 0;
}

static int
parse_body(uint8_t id, struct rd *r, struct msgr_pkt *m)
{
	size_t	left = rd_left(r);

	switch (id) {
	case MSGR_ID_ALIVE:
		(void)rd_skip(r, left);
		return MSGR_ALIVE;
	case MSGR_ID_SHARE_RELAYS:
		return parse_relays(r, m) == 0 ? MSGR_SHARE_RELAYS : MSGR_DROP;
	case MSGR_ID_FRIEND_REQUESTS:
		if (rd_bytes(r, m->nospam, sizeof(m->nospam)) == -1 ||
		    rd_tail(r, m->text, 1, MSGR_FRREQ_MAX, &m->len) == -1)
			return MSGR_DROP;
		return MSGR_FRIEND_REQUEST;
	case MSGR_ID_ONLINE:
		return left == 0 ? MSGR_ONLINE : MSGR_DROP;
	case MSGR_ID_OFFLINE:
		return left == 0 ? MSGR_OFFLINE : MSGR_DROP;
	case MSGR_ID_NICKNAME:
		if (rd_tail(r, m->text, 0, MSGR_NAME_MAX, &m->len) == -1)
			return MSGR_DROP;
		return MSGR_NICKNAME;
	case MSGR_ID_STATUSMESSAGE:
		if (rd_tail(r, m->text, 0, MSGR_STATUSMSG_MAX, &m->len) == -1)
			return MSGR_DROP;
		return MSGR_STATUSMESSAGE;
	case MSGR_ID_USERSTATUS:
		if (left != 1 || rd_u8(r, &m->value) == -1 ||
		    m->value > MSGR_USERSTATUS_BUSY)
			return MSGR_DROP;
		return MSGR_USERSTATUS;
	case MSGR_ID_TYPING:
		if (left != 1 || rd_u8(r, &m->value) == -1)
			return MSGR_DROP;
		m->value = m->value != 0;
		return MSGR_TYPING;
	case MSGR_ID_MESSAGE:
	case MSGR_ID_ACTION:
		if (rd_tail(r, m->text, 1, MSGR_TEXT_MAX, &m->len) == -1)
			return MSGR_DROP;
		return id == MSGR_ID_MESSAGE ? MSGR_MESSAGE : MSGR_ACTION;
	default:
		(void)rd_skip(r, left);
		return MSGR_UNKNOWN;
	}
}

int
msgr_parse(const uint8_t *p, size_t len, struct msgr_pkt *m)
{
	struct rd	r;
	uint8_t		id;
	int		kind;

	memset(m, 0, sizeof(*m));
	m->kind = MSGR_DROP;
	if (len == 0 || len > NC_DATA_MAX)
		return MSGR_DROP;
	rd_init(&r, p, len);
	if (rd_u8(&r, &id) == -1 ||
	    nc_data_id_class(id) != NC_CLASS_LOSSLESS)
		return MSGR_DROP;
	kind = parse_body(id, &r, m);
	if (kind == MSGR_DROP || !rd_done(&r)) {
		memset(m, 0, sizeof(*m));
		m->kind = MSGR_DROP;
		return MSGR_DROP;
	}
	m->kind = (enum msgr_kind)kind;
	m->id = id;
	return kind;
}

/* id || bytes, the bytes min..max long. */
static int
build_text(uint8_t id, const uint8_t *text, size_t len, size_t min,
    size_t max, uint8_t *out, size_t cap)
{
	struct wr	w;

	if (len < min || len > max || (len > 0 && text == NULL))
		return -1;
	wr_init(&w, out, cap);
	wr_u8(&w, id);
	if (len > 0)
		wr_bytes(&w, text, len);
	return wr_ok(&w) ? (int)wr_len(&w) : -1;
}

static int
build_byte(uint8_t id, uint8_t v, uint8_t *out, size_t cap)
{
	return build_text(id, &v, 1, 1, 1, out, cap);
}

static int
build_id(uint8_t id, uint8_t *out, size_t cap)
{
	return build_text(id, NULL, 0, 0, 0, out, cap);
}

int
msgr_build_alive(uint8_t *out, size_t cap)
{
	return build_id(MSGR_ID_ALIVE, out, cap);
}

int
msgr_build_share_relays(const struct packed_node *nodes, size_t n,
    uint8_t *out, size_t cap)
{
	struct wr	w;
	size_t		i;

	if (n == 0 || n > MSGR_RELAYS_MAX)
		return -1;
	wr_init(&w, out, cap);
	wr_u8(&w, MSGR_ID_SHARE_RELAYS);
	for (i = 0; i < n; i++) {
		if (!packed_node_family_ok(nodes[i].family, 1))
			return -1;
		packed_node_pack(&w, &nodes[i]);
	}
	return wr_ok(&w) ? (int)wr_len(&w) : -1;
}

int
msgr_build_friend_request(const uint8_t nospam[MSGR_NOSPAM_LEN],
    const uint8_t *msg, size_t len, uint8_t *out, size_t cap)
{
	struct wr	w;

	if (len < 1 || len > MSGR_FRREQ_MAX || msg == NULL)
		return -1;
	wr_init(&w, out, cap);
	wr_u8(&w, MSGR_ID_FRIEND_REQUESTS);
	wr_bytes(&w, nospam, MSGR_NOSPAM_LEN);
	wr_bytes(&w, msg, len);
	if (!wr_ok(&w) || wr_len(&w) > FRREQ_PKT_MAX)
		return -1;
	return (int)wr_len(&w);
}

int
msgr_build_online(uint8_t *out, size_t cap)
{
	return build_id(MSGR_ID_ONLINE, out, cap);
}

int
msgr_build_offline(uint8_t *out, size_t cap)
{
	return build_id(MSGR_ID_OFFLINE, out, cap);
}

int
msgr_build_nickname(const uint8_t *name, size_t len, uint8_t *out,
    size_t cap)
{
	return build_text(MSGR_ID_NICKNAME, name, len, 0, MSGR_NAME_MAX,
	    out, cap);
}

int
msgr_build_statusmessage(const uint8_t *msg, size_t len, uint8_t *out,
    size_t cap)
{
	return build_text(MSGR_ID_STATUSMESSAGE, msg, len, 0,
	    MSGR_STATUSMSG_MAX, out, cap);
}

int
msgr_build_userstatus(uint8_t status, uint8_t *out, size_t cap)
{
	if (status > MSGR_USERSTATUS_BUSY)
		return -1;
	return build_byte(MSGR_ID_USERSTATUS, status, out, cap);
}

int
msgr_build_typing(uint8_t typing, uint8_t *out, size_t cap)
{
	if (typing > 1)
		return -1;
	return build_byte(MSGR_ID_TYPING, typing, out, cap);
}

int
msgr_build_message(const uint8_t *text, size_t len, uint8_t *out,
    size_t cap)
{
	return build_text(MSGR_ID_MESSAGE, text, len, 1, MSGR_TEXT_MAX,
	    out, cap);
}

int
msgr_build_action(const uint8_t *text, size_t len, uint8_t *out,
    size_t cap)
{
	return build_text(MSGR_ID_ACTION, text, len, 1, MSGR_TEXT_MAX,
	    out, cap);
}

int
msgr_build(const struct msgr_pkt *m, uint8_t *out, size_t cap)
{
	switch (m->kind) {
	case MSGR_ALIVE:
		return msgr_build_alive(out, cap);
	case MSGR_SHARE_RELAYS:
		return msgr_build_share_relays(m->relays, m->nrelays, out, cap);
	case MSGR_FRIEND_REQUEST:
		return msgr_build_friend_request(m->nospam, m->text, m->len,
		    out, cap);
	case MSGR_ONLINE:
		return msgr_build_online(out, cap);
	case MSGR_OFFLINE:
		return msgr_build_offline(out, cap);
	case MSGR_NICKNAME:
		return msgr_build_nickname(m->text, m->len, out, cap);
	case MSGR_STATUSMESSAGE:
		return msgr_build_statusmessage(m->text, m->len, out, cap);
	case MSGR_USERSTATUS:
		return msgr_build_userstatus(m->value, out, cap);
	case MSGR_TYPING:
		return msgr_build_typing(m->value, out, cap);
	case MSGR_MESSAGE:
		return msgr_build_message(m->text, m->len, out, cap);
	case MSGR_ACTION:
		return msgr_build_action(m->text, m->len, out, cap);
	case MSGR_DROP:
	case MSGR_UNKNOWN:
		break;
	}
	return -1;
}

/*
 * Length of the UTF-8 unit at t[0..left): a whole well-formed sequence
 * (no overlong form, no surrogate, nothing above U+10FFFF), else 1.
 */
static size_t
utf8_unit(const uint8_t *t, size_t left)
{
	uint8_t	c = t[0], lo = 0x80, hi = 0xbf;
	size_t	n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 1;	/* continuation, C0, C1, F5..FF */
	if (n > left)
		return 1;
	if (t[1] < lo || t[1] > hi)
		return 1;
	for (i = 2; i < n; i++)
		if (t[i] < 0x80 || t[i] > 0xbf)
			return 1;
	return n;
}

size_t
msgr_split(const uint8_t *text, size_t len, size_t max)
{
	size_t	at, u, cut, space;

	if (max == 0 || max > MSGR_TEXT_MAX)
		max = MSGR_TEXT_MAX;
	if (len <= max)
		return len;
	/* Walk units while they fit; remember the last space past 3/4. */
	cut = 0;
	space = 0;
	for (at = 0; at < max; at += u) {
		u = utf8_unit(text + at, len - at);
		if (u > max - at)
			break;
		cut = at + u;
		if (u == 1 && (text[at] == ' ' || text[at] == '\n') &&
		    cut >= max - max / 4)
			space = cut;
	}
	if (space > 0)
		return space;
	if (cut > 0)
		return cut;
	return max;	/* a unit longer than max: only when max < 4 */
}
