/*
 * The onion client engine under hostile answers.  Stub codecs stand in for
 * the announce codec and keyd (they "open" any body, so the fuzzer reaches
 * the list and path logic behind the MAC), and the target knows the
 * sendbacks it handed out, so inputs can answer real requests.  The input
 * is a list of steps: a raw datagram, an answer to pending request i, an
 * answer from keyd, or time passing.  Afterwards the engine's bounds hold
 * and its next deadline is in the future.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/rd.h"
#include "netd/onion_client_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REQS	64

struct req {
	uint8_t		sendback[8];
	uint32_t	ctx;
	int		self;
};

static struct req	reqs[REQS];
static unsigned		nreqs;
static uint32_t		open_ctx[REQS];
static unsigned		nopen;

static void
note(const uint8_t *sb, uint32_t ctx, int self)
{
	struct req	*r = &reqs[nreqs++ % REQS];

	memcpy(r->sendback, sb, 8);
	r->ctx = ctx;
	r->self = self;
}

static int
f_onion_pack(void *arg, const struct oc_path *p, const struct ip_port *dest,
    const uint8_t *payload, size_t len, uint8_t *out, size_t cap)
{
	if (len > ONION_MAX_PAYLOAD || cap < 1)
		abort();
	out[0] = ONION_REQ_0;
	return 1;
}

static int
f_send(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	return 0;
}

static int
f_announce_pack(void *arg, const uint8_t spk[32], const uint8_t ssk[32],
    const uint8_t npk[32], const uint8_t ping[32], const uint8_t search[32],
    const uint8_t data[32], const uint8_t sb[8], uint8_t out[ANNOUNCE_REQ_LEN])
{
	memset(out, 0, ANNOUNCE_REQ_LEN);
	out[0] = ONION_ANNOUNCE_REQ;
	note(sb, 0, 0);
	return 0;
}

/* Any body "opens": is_stored || field || packed nodes. */
static int
body_open(const uint8_t *resp, size_t len, struct oc_announce_result *res)
{
	struct rd	r;

	if (len < ANNOUNCE_RESP_HDR_LEN + ONION_MAC_LEN)
		return -1;
	memset(res, 0, sizeof(*res));
	rd_init(&r, resp + ANNOUNCE_RESP_HDR_LEN + ONION_MAC_LEN,
	    len - ANNOUNCE_RESP_HDR_LEN - ONION_MAC_LEN);
	rd_u8(&r, &res->is_stored);
	rd_bytes(&r, res->field, 32);
	while (rd_left(&r) > 0 && res->n_nodes < ANNOUNCE_RESP_NODES_MAX)
		if (packed_node_unpack(&r, &res->nodes[res->n_nodes++], 0) == -1)
			return -1;
	return rd_done(&r) ? 0 : -1;
}

static int
f_announce_open(void *arg, const uint8_t sk[32], const uint8_t npk[32],
    const uint8_t *resp, size_t len, struct oc_announce_result *res)
{
	return body_open(resp, len, res);
}

static uint8_t	last_resp[ANNOUNCE_RESP_MAX];
static size_t	last_len;

static void
f_self_seal(void *arg, uint32_t ctx, const uint8_t npk[32],
    const uint8_t ping[32], const uint8_t data[32], const uint8_t sb[8])
{
	note(sb, ctx, 1);
}

static void
f_self_open(void *arg, uint32_t ctx, const uint8_t npk[32],
    const uint8_t *resp, size_t len)
{
	if (len > sizeof(last_resp))
		abort();
	memcpy(last_resp, resp, len);
	last_len = len;
	open_ctx[nopen++ % REQS] = ctx;
}

static void
f_data_in(void *arg, const uint8_t s[32], const uint8_t n[24],
    const uint8_t *inner, size_t len)
{
	if (len > ONION_MAC_LEN + ONION_DATA_INNER_MAX)
		abort();
}

static const struct oc_ops ops = {
	f_onion_pack, f_announce_pack, f_announce_open, f_self_seal,
	f_self_open, f_data_in, f_send,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct onion_client		*oc;
	struct oc_announce_result	 res;
	struct ip_port			 ipp;
	struct rd			 r;
	uint8_t				 pk[32], req[ANNOUNCE_REQ_LEN];
	uint8_t				 pkt[ANNOUNCE_RESP_MAX + 64];
	uint64_t			 now = 1000000;
	unsigned			 i;

	if (sodium_init() < 0)
		abort();
	nreqs = nopen = 0;
	memset(pk, 0xee, sizeof(pk));
	oc = onion_client_new(&ops, NULL, pk, pk, now);
	if (oc == NULL)
		abort();
	memset(&ipp, 0, sizeof(ipp));
	ipp.family = IPP_V4;
	ipp.ip[0] = 198;
	ipp.port = 33445;
	for (i = 0; i < 4; i++) {
		memset(pk, (int)i + 1, sizeof(pk));
		ipp.ip[3] = (uint8_t)i;
		(void)onion_client_add_node(oc, pk, &ipp, 0, now);
	}
	memset(pk, 0x42, sizeof(pk));
	(void)onion_client_friend_add(oc, pk);
	(void)onion_client_tick(oc, now);
	(void)oc_announce_friend(oc, &oc->friends[0], oc->pool.n[0].pk,
	    &oc->pool.n[0].ipp, now);
	memset(req, 0, sizeof(req));
	req[0] = ONION_ANNOUNCE_REQ;
	for (i = 0; i < nreqs; i++)
		if (reqs[i].self)
			onion_client_self_sealed(oc, reqs[i].ctx, req,
			    sizeof(req), now);

	rd_init(&r, data, size);
	while (rd_left(&r) >= 2) {
		uint8_t		 op, n8;
		const uint8_t	*body;
		size_t		 n;

		rd_u8(&r, &op);
		rd_u8(&r, &n8);
		n = n8 < rd_left(&r) ? n8 : rd_left(&r);
		if (n == 0)
			continue;
		if ((body = rd_take(&r, n)) == NULL)
			break;
		switch (op % 4) {
		case 0:		/* a raw datagram from node A of path 0 */
			(void)onion_client_handle(oc,
			    &oc->self_paths.s[op / 4 % OC_PATHS].p.ipp[0], body,
			    n, now);
			break;
		case 1:		/* an answer to request body[0] */
			if (nreqs == 0)
				break;
			pkt[0] = ONION_ANNOUNCE_RESP;
			memcpy(pkt + 1, reqs[body[0] % (nreqs < REQS ? nreqs :
			    REQS)].sendback, 8);
			memset(pkt + 9, 0, 24);
			memcpy(pkt + ANNOUNCE_RESP_HDR_LEN, body + 1,
			    n - 1);
			for (i = 0; i < OC_PATHS; i++)
				(void)onion_client_handle(oc,
				    &oc->self_paths.s[i].p.ipp[0], pkt,
				    ANNOUNCE_RESP_HDR_LEN + n - 1, now);
			for (i = 0; i < OC_PATHS; i++)
				(void)onion_client_handle(oc,
				    &oc->friend_paths.s[i].p.ipp[0], pkt,
				    ANNOUNCE_RESP_HDR_LEN + n - 1, now);
			break;
		case 2:		/* keyd opens what it was given */
			if (nopen == 0)
				break;
			onion_client_self_opened(oc,
			    open_ctx[(nopen - 1) % REQS],
			    body_open(last_resp, last_len, &res) == 0 ? &res :
			    NULL, now);
			nopen = 0;
			break;
		default:	/* time passes */
			now += (uint64_t)body[0] * 250;
			(void)onion_client_tick(oc, now);
			break;
		}
	}
	if (oc->pool.count > OC_POOL_MAX || oc->self.cap != OC_SELF_NODES ||
	    oc->friends[0].list.cap != OC_FRIEND_NODES)
		abort();
	if (onion_client_tick(oc, now) <= now)
		abort();
	onion_client_free(oc);
	return 0;
}
