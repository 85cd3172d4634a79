/* Savedata parsing: see savedata.h. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/rd.h"
#include "keyd/savedata.h"

/* Known section types seen so far, to refuse duplicates. */
struct seen {
	uint32_t	bits;		/* 1 << index below */
};

static int
seen_index(uint16_t type)
{
	switch (type) {
	case SD_NOSPAMKEYS:	return 0;
	case SD_DHT:		return 1;
	case SD_FRIENDS:	return 2;
	case SD_NAME:		return 3;
	case SD_STATUSMSG:	return 4;
	case SD_STATUS:		return 5;
	case SD_TCP_RELAYS:	return 6;
	case SD_PATH_NODES:	return 7;
	case SD_CONFERENCES:	return 8;
	default:		return -1;
	}
}

static enum savedata_err
parse_keys(struct rd *r, struct profile *p)
{
	rd_bytes(r, p->nospam, sizeof(p->nospam));
	rd_bytes(r, p->pk, sizeof(p->pk));
	/* Straight from the input into the vault: no copy on the stack. */
	rd_bytes(r, p->vault->sk, sizeof(p->vault->sk));
	if (!rd_done(r))
		return SD_ERR_CORRUPT;
	if (!vault_matches(p->vault, p->pk))
		return SD_ERR_KEY_MISMATCH;
	return SD_OK;
}

/* Reads a whole node list (the rest of r) into a new array. */
static enum savedata_err
parse_nodes(struct rd *r, int tcp_ok, struct packed_node **out, size_t *n)
{
	const uint8_t	*data;
	size_t		 len, i;
	long		 count;
	struct rd	 nr;

	data = rd_rest(r, &len);
	if ((count = packed_nodes_count(data, len, tcp_ok)) < 0)
		return SD_ERR_CORRUPT;
	*n = 0;
	if (count == 0)
		return SD_OK;
	if ((*out = calloc((size_t)count, sizeof(**out))) == NULL)
		return SD_ERR_NOMEM;
	rd_init(&nr, data, len);
	for (i = 0; i < (size_t)count; i++)
		if (packed_node_unpack(&nr, &(*out)[i], tcp_ok) == -1)
			return SD_ERR_CORRUPT;	/* counted above: cannot happen */
	*n = (size_t)count;
	return rd_done(&nr) ? SD_OK : SD_ERR_CORRUPT;
}

static enum savedata_err
parse_dht(struct rd *r, struct profile *p)
{
	struct rd	sub;
	uint32_t	magic, len;
	uint16_t	type, cookie;
	int		have_nodes = 0;
	enum savedata_err e;

	if (rd_u32le(r, &magic) == -1 || magic != SAVEDATA_DHT_MAGIC)
		return SD_ERR_CORRUPT;
	while (rd_left(r) > 0) {
		rd_u32le(r, &len);
		rd_u16le(r, &type);
		rd_u16le(r, &cookie);
		if (!rd_ok(r) || cookie != SAVEDATA_DHT_COOKIE ||
		    rd_sub(r, len, &sub) == -1)
			return SD_ERR_CORRUPT;
		/* Other subsections are ignored, as c-toxcore does. */
		if (type != SAVEDATA_DHT_NODES)
			continue;
		if (have_nodes++)
			return SD_ERR_CORRUPT;
		if ((e = parse_nodes(&sub, 0, &p->dht_nodes,
		    &p->ndht_nodes)) != SD_OK)
			return e;
	}
	return SD_OK;
}

static int
parse_friend(struct rd *r, struct profile_friend *f)
{
	rd_u8(r, &f->status);
	rd_bytes(r, f->pk, sizeof(f->pk));
	rd_bytes(r, f->request, sizeof(f->request));
	rd_skip(r, 1);				/* c-toxcore struct padding */
	rd_u16(r, &f->request_len);		/* these three are BE */
	rd_bytes(r, f->name, sizeof(f->name));
	rd_u16(r, &f->name_len);
	rd_bytes(r, f->status_msg, sizeof(f->status_msg));
	rd_skip(r, 1);
	rd_u16(r, &f->status_msg_len);
	rd_u8(r, &f->userstatus);
	rd_skip(r, 3);
	rd_bytes(r, f->nospam, sizeof(f->nospam));
	rd_u64(r, &f->last_seen);
	if (!rd_done(r) || f->status > FRIEND_ONLINE ||
	    f->request_len > sizeof(f->request) ||
	    f->name_len > sizeof(f->name) ||
	    f->status_msg_len > sizeof(f->status_msg))
		return -1;
	/* Bytes past a length are not part of the value: keep them zero so
	 * that two equal profiles compare equal. */
	memset(f->request + f->request_len, 0,
	    sizeof(f->request) - f->request_len);
	memset(f->name + f->name_len, 0, sizeof(f->name) - f->name_len);
	memset(f->status_msg + f->status_msg_len, 0,
	    sizeof(f->status_msg) - f->status_msg_len);
	return 0;
}

static enum savedata_err
parse_friends(struct rd *r, struct profile *p)
{
	struct rd	sub;
	size_t		n, i;

	if (rd_left(r) % SAVEDATA_FRIEND_SIZE != 0)
		return SD_ERR_CORRUPT;
	n = rd_left(r) / SAVEDATA_FRIEND_SIZE;
	if (n == 0)
		return SD_OK;
	if ((p->friends = calloc(n, sizeof(*p->friends))) == NULL)
		return SD_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if (rd_sub(r, SAVEDATA_FRIEND_SIZE, &sub) == -1 ||
		    parse_friend(&sub, &p->friends[i]) == -1)
			return SD_ERR_CORRUPT;
		p->nfriends = i + 1;
	}
	return SD_OK;
}

/* Copies the rest of r into a new malloc'd buffer (NULL when empty). */
static enum savedata_err
take_copy(struct rd *r, uint8_t **out, size_t *outlen)
{
	const uint8_t	*data;
	size_t		 len;

	data = rd_rest(r, &len);
	*outlen = 0;
	if (len == 0)
		return SD_OK;
	if ((*out = malloc(len)) == NULL)
		return SD_ERR_NOMEM;
	memcpy(*out, data, len);
	*outlen = len;
	return SD_OK;
}

static enum savedata_err
keep_unknown(struct rd *r, uint16_t type, struct profile *p)
{
	struct profile_section	*x;
	size_t			 len;
	enum savedata_err	 e;

	x = reallocarray(p->extra, p->nextra + 1, sizeof(*p->extra));
	if (x == NULL)
		return SD_ERR_NOMEM;
	p->extra = x;
	x = &p->extra[p->nextra];
	memset(x, 0, sizeof(*x));
	x->type = type;
	if ((e = take_copy(r, &x->data, &len)) != SD_OK)
		return e;
	x->len = (uint32_t)len;		/* came from a u32 length */
	p->nextra++;
	return SD_OK;
}

static enum savedata_err
parse_section(uint16_t type, struct rd *body, struct profile *p)
{
	const uint8_t	*data;
	size_t		 len;

	switch (type) {
	case SD_NOSPAMKEYS:
		return parse_keys(body, p);
	case SD_DHT:
		return parse_dht(body, p);
	case SD_FRIENDS:
		return parse_friends(body, p);
	case SD_NAME:
		data = rd_rest(body, &len);
		if (len > sizeof(p->name))
			return SD_ERR_CORRUPT;
		memcpy(p->name, data, len);
		p->name_len = len;
		return SD_OK;
	case SD_STATUSMSG:
		data = rd_rest(body, &len);
		if (len > sizeof(p->status_msg))
			return SD_ERR_CORRUPT;
		memcpy(p->status_msg, data, len);
		p->status_msg_len = len;
		return SD_OK;
	case SD_STATUS:
		if (rd_u8(body, &p->userstatus) == -1 || !rd_done(body) ||
		    p->userstatus >= USERSTATUS_MAX)
			return SD_ERR_CORRUPT;
		return SD_OK;
	case SD_TCP_RELAYS:
		return parse_nodes(body, 1, &p->tcp_relays, &p->ntcp_relays);
	case SD_PATH_NODES:
		return parse_nodes(body, 0, &p->path_nodes, &p->npath_nodes);
	case SD_CONFERENCES:
		return take_copy(body, &p->conferences, &p->conferences_len);
	default:
		return keep_unknown(body, type, p);
	}
}

static enum savedata_err
parse_all(struct rd *r, struct profile *p)
{
	struct rd		 body;
	struct seen		 seen = { 0 };
	uint32_t		 zero, magic, len;
	uint16_t		 type, cookie;
	int			 idx;
	enum savedata_err	 e;

	rd_u32le(r, &zero);
	rd_u32le(r, &magic);
	if (!rd_ok(r) || zero != 0 || magic != SAVEDATA_MAGIC)
		return SD_ERR_NOT_PROFILE;
	/* c-toxcore also accepts a file that ends exactly without 0xFF. */
	while (rd_left(r) > 0) {
		rd_u32le(r, &len);
		rd_u16le(r, &type);
		rd_u16le(r, &cookie);
		if (!rd_ok(r))
			return SD_ERR_TRUNCATED;
		if (cookie != SAVEDATA_COOKIE)
			return SD_ERR_CORRUPT;
		if (rd_sub(r, len, &body) == -1)
			return SD_ERR_TRUNCATED;
		if (type == SD_END) {
			if (len != 0)
				return SD_ERR_CORRUPT;
			break;		/* the zero-filled tail is not ours */
		}
		if ((idx = seen_index(type)) >= 0) {
			if (seen.bits & (1u << idx))
				return SD_ERR_CORRUPT;
			seen.bits |= 1u << idx;
		}
		if ((e = parse_section(type, &body, p)) != SD_OK)
			return e;
	}
	if (!(seen.bits & 1u))
		return SD_ERR_NO_KEYS;
	return SD_OK;
}

enum savedata_err
savedata_parse(const uint8_t *data, size_t len, struct profile **out)
{
	struct profile		*p;
	struct rd		 r;
	enum savedata_err	 e;

	*out = NULL;
	if ((p = profile_new()) == NULL)
		return SD_ERR_NOMEM;
	rd_init(&r, data, len);
	if ((e = parse_all(&r, p)) != SD_OK) {
		profile_free(p);
		return e;
	}
	*out = p;
	return SD_OK;
}

const char *
savedata_strerror(enum savedata_err e)
{
	switch (e) {
	case SD_OK:
		return "ok";
	case SD_ERR_NOT_PROFILE:
		return "not a Tox profile";
	case SD_ERR_TRUNCATED:
		return "profile is truncated";
	case SD_ERR_CORRUPT:
		return "profile is corrupt";
	case SD_ERR_NO_KEYS:
		return "profile holds no keys";
	case SD_ERR_KEY_MISMATCH:
		return "profile keys do not match (corrupt secret key)";
	case SD_ERR_NOMEM:
		return "out of memory";
	default:
		return "unknown savedata error";
	}
}
