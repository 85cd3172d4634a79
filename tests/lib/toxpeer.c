/* A libtoxcore client for the interop tests: see toxpeer.h. */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "common/mono.h"
#include "tests/lib/bh_watch.h"
#include "tests/lib/toxpeer.h"

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
toxpeer_start(struct toxpeer *p, int port, const char *host, int node_port,
    const char *node_key_hex)
{
	struct Tox_Options	*o;
	Tox_Err_New		 err;
	uint8_t			 key[TOX_PUBLIC_KEY_SIZE];
	uint8_t			 addr[TOX_ADDRESS_SIZE];

	memset(p, 0, sizeof(*p));
	if (hex_decode(node_key_hex, 2 * sizeof(key), key, sizeof(key)) ==
	    -1) {
		fprintf(stderr, "toxpeer: bad node key\n");
		return -1;
	}
	if ((o = tox_options_new(NULL)) == NULL)
		return -1;
	tox_options_set_ipv6_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	tox_options_set_udp_enabled(o, true);
	tox_options_set_start_port(o, (uint16_t)port);
	tox_options_set_end_port(o, (uint16_t)(port + 1));
	p->tox = tox_new(o, &err);
	tox_options_free(o);
	if (p->tox == NULL) {
		fprintf(stderr, "toxpeer: tox_new: error %d\n", (int)err);
		return -1;
	}
	tox_callback_friend_request(p->tox, on_request);
	tox_self_get_public_key(p->tox, p->pk);
	hex_encode(p->pk, sizeof(p->pk), p->pk_hex);
	tox_self_get_address(p->tox, addr);
	hex_encode(addr, sizeof(addr), p->address_hex);
	if (!tox_bootstrap(p->tox, host, (uint16_t)node_port, key, NULL)) {
		fprintf(stderr, "toxpeer: tox_bootstrap refused %s:%d\n",
		    host, node_port);
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
