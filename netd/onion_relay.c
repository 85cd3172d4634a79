/* The onion relay engine: see onion_relay.h. */
#include <string.h>

#include <sodium.h>

#include "netd/onion_relay.h"

void
onion_relay_init(struct onion_relay *o, struct dht_keys *k,
    onion_send_fn *send, void *arg, uint64_t now_ms)
{
	memset(o, 0, sizeof(*o));
	o->keys = k;
	o->send = send;
	o->send_arg = arg;
	randombytes_buf(o->sec.cur, sizeof(o->sec.cur));
	o->rotate_at = now_ms + ONION_SECRET_ROTATE_MS;
}

void
onion_relay_wipe(struct onion_relay *o)
{
	sodium_memzero(&o->sec, sizeof(o->sec));
	sodium_memzero(&o->out, sizeof(o->out));
}

int
onion_relay_slot(uint8_t kind)
{
	switch (kind) {
	case ONION_REQ_0:
		return ONION_SLOT_REQ_0;
	case ONION_REQ_1:
		return ONION_SLOT_REQ_1;
	case ONION_REQ_2:
		return ONION_SLOT_REQ_2;
	case ONION_RESP_3:
		return ONION_SLOT_RESP_3;
	case ONION_RESP_2:
		return ONION_SLOT_RESP_2;
	case ONION_RESP_1:
		return ONION_SLOT_RESP_1;
	default:
		return -1;
	}
}

void
onion_relay_tick(struct onion_relay *o, uint64_t now_ms)
{
	if (now_ms < o->rotate_at)
		return;
	/*
	 * The old secret stays for one more period, for answers already on
	 * their way; after a longer silence (a suspended machine) it is as
	 * stale as c-toxcore's would be, and goes.
	 */
	if (now_ms - o->rotate_at < ONION_SECRET_ROTATE_MS) {
		memcpy(o->sec.prev, o->sec.cur, sizeof(o->sec.prev));
		o->sec.has_prev = 1;
	} else {
		sodium_memzero(o->sec.prev, sizeof(o->sec.prev));
		o->sec.has_prev = 0;
	}
	randombytes_buf(o->sec.cur, sizeof(o->sec.cur));
	o->rotate_at = now_ms + ONION_SECRET_ROTATE_MS;
	o->st.rotations++;
}

uint64_t
onion_relay_deadline(const struct onion_relay *o)
{
	return o->rotate_at;
}

/* Sends what a step made (o->out), counted under slot. */
static int
relay_out(struct onion_relay *o, int slot)
{
	if (o->send(o->send_arg, &o->out.to, o->out.pkt, o->out.len) !=
	    (int)o->out.len) {
		o->st.send_failed++;
		return -1;
	}
	o->st.relayed[slot]++;
	return 0;
}

int
onion_relay_handle(struct onion_relay *o, const struct ip_port *from,
    const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	int	slot;

	if (len == 0 || (slot = onion_relay_slot(pkt[0])) == -1)
		return -1;
	onion_relay_tick(o, now_ms);
	if (onionp_relay(o->keys, &o->sec, from, pkt, len, &o->out) == -1) {
		o->st.dropped[slot]++;
		return -1;
	}
	return relay_out(o, slot);
}

int
onion_relay_tcp(struct onion_relay *o, const struct ip_port *from,
    const uint8_t *data, size_t len, uint64_t now_ms)
{
	onion_relay_tick(o, now_ms);
	if (onionp_req_tcp(&o->sec, from, data, len, &o->out) == -1) {
		o->st.dropped[ONION_SLOT_REQ_0]++;
		return -1;
	}
	return relay_out(o, ONION_SLOT_REQ_0);
}

const struct onion_relay_stats *
onion_relay_stats(const struct onion_relay *o)
{
	return &o->st;
}
