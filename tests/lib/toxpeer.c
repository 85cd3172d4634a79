/* A libtoxcore client for the interop tests: see toxpeer.h. */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "common/mono.h"
#include "tests/lib/bh_watch.h"
#include "tests/lib/toxpeer.h"

static void
on_connection(Tox *tox, TOX_CONNECTION c, void *user)
{
	struct toxpeer	*p = user;

	(void)tox;
	p->conn = c;
}

static void
on_request(Tox *tox, const uint8_t *pk, const uint8_t *msg, size_t len,
    void *user)
{
	struct toxpeer		*p = user;
	struct toxpeer_req	*r;

	(void)tox;
	if (p->nreq < TOXPEER_REQS) {
		r = &p->req[p->nreq];
		memcpy(r->pk, pk, sizeof(r->pk));
		r->len = len < sizeof(r->msg) ? len : sizeof(r->msg);
		memcpy(r->msg, msg, r->len);
	}
	p->nreq++;
}

int
toxpeer_start(struct toxpeer *p, const char *name, int port,
    const char *host, int node_port, const char *node_key_hex)
{
	struct Tox_Options	*o;
	Tox_Err_New		 en;
	Tox_Err_Bootstrap	 eb;
	uint8_t			 key[TOX_PUBLIC_KEY_SIZE];
	uint8_t			 addr[TOX_ADDRESS_SIZE];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (hex_decode(node_key_hex, 2 * sizeof(key), key, sizeof(key)) ==
	    -1) {
		fprintf(stderr, "%s: bad node key\n", p->name);
		return -1;
	}
	if ((o = tox_options_new(NULL)) == NULL)
		return -1;
	tox_options_set_ipv6_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	tox_options_set_udp_enabled(o, true);
	tox_options_set_start_port(o, (uint16_t)port);
	tox_options_set_end_port(o, (uint16_t)(port + 1));
	p->tox = tox_new(o, &en);
	tox_options_free(o);
	if (p->tox == NULL) {
		fprintf(stderr, "%s: tox_new: error %d\n", p->name, (int)en);
		return -1;
	}
	tox_callback_self_connection_status(p->tox, on_connection);
	tox_callback_friend_request(p->tox, on_request);
	tox_self_get_public_key(p->tox, p->pk);
	hex_encode(p->pk, sizeof(p->pk), p->pk_hex);
	tox_self_get_address(p->tox, addr);
	hex_encode(addr, sizeof(addr), p->address_hex);
	if (!tox_bootstrap(p->tox, host, (uint16_t)node_port, key, &eb)) {
		fprintf(stderr, "%s: tox_bootstrap %s:%d: error %d\n",
		    p->name, host, node_port, (int)eb);
		toxpeer_stop(p);
		return -1;
	}
	return 0;
}

void
toxpeer_stop(struct toxpeer *p)
{
	if (p->tox != NULL)
		tox_kill(p->tox);
	p->tox = NULL;
}

int
toxpeer_iterate(struct toxpeer *p)
{
	tox_iterate(p->tox, p);
	return (int)tox_iteration_interval(p->tox);
}

const struct toxpeer_req *
toxpeer_request_from(const struct toxpeer *p,
    const uint8_t pk[TOX_PUBLIC_KEY_SIZE])
{
	size_t	i;

	for (i = 0; i < p->nreq && i < TOXPEER_REQS; i++)
		if (memcmp(p->req[i].pk, pk, TOX_PUBLIC_KEY_SIZE) == 0)
			return &p->req[i];
	return NULL;
}

int
toxpeer_add(struct toxpeer *p, const uint8_t addr[TOX_ADDRESS_SIZE],
    const char *msg)
{
	Tox_Err_Friend_Add	e;

	if (tox_friend_add(p->tox, addr, (const uint8_t *)msg, strlen(msg),
	    &e) == UINT32_MAX || e != TOX_ERR_FRIEND_ADD_OK) {
		fprintf(stderr, "%s: tox_friend_add: error %d\n", p->name,
		    (int)e);
		return -1;
	}
	return 0;
}

int
toxpeer_run(struct toxpeer *const *ps, size_t np, struct bh *const *bs,
    size_t nb, int timeout_ms, int (*done)(void *), void *arg)
{
	uint64_t	deadline = mono_ms() + (uint64_t)timeout_ms, now;
	size_t		i;
	int		wait, ivl, rc = 0;

	while ((now = mono_ms()) < deadline) {
		if (done != NULL && (rc = done(arg)) != 0)
			return rc;
		wait = 50;
		for (i = 0; i < np; i++)
			if ((ivl = toxpeer_iterate(ps[i])) < wait)
				wait = ivl;
		if ((uint64_t)wait > deadline - now)
			wait = (int)(deadline - now);
		if (nb > 0)
			bh_pump(bs, nb, wait);
		else
			(void)poll(NULL, 0, wait);
	}
	return done != NULL ? done(arg) : 0;
}

int
toxpeer_has_request(void *arg)
{
	return ((const struct toxpeer *)arg)->nreq > 0;
}

int
toxpeer_on_udp(void *arg)
{
	return ((const struct toxpeer *)arg)->conn == TOX_CONNECTION_UDP;
}
