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

/* The friend's record if its number is one we watch, else NULL. */
static struct toxpeer_friend *
friend_of(struct toxpeer *p, uint32_t f)
{
	return f < TOXPEER_FRIENDS ? &p->fr[f] : NULL;
}

static void
on_friend_connection(Tox *tox, uint32_t f, TOX_CONNECTION c, void *user)
{
	struct toxpeer_friend	*fr = friend_of(user, f);

	(void)tox;
	if (fr != NULL) {
		fr->conn = c;
		fr->nconn++;
	}
	if (c == TOX_CONNECTION_NONE)
		toxpeer_file_offline(user, f);
}

static void
on_message(Tox *tox, uint32_t f, TOX_MESSAGE_TYPE type, const uint8_t *text,
    size_t len, void *user)
{
	struct toxpeer		*p = user;
	struct toxpeer_msg	*m = &p->msg[p->nmsg % TOXPEER_MSGS];

	(void)tox;
	m->friend = f;
	m->type = type;
	m->len = len < sizeof(m->text) ? len : sizeof(m->text);
	memcpy(m->text, text, m->len);
	p->nmsg++;
}

static void
on_receipt(Tox *tox, uint32_t f, uint32_t id, void *user)
{
	struct toxpeer		*p = user;
	struct toxpeer_rcpt	*r = &p->rcpt[p->nrcpt % TOXPEER_RCPTS];

	(void)tox;
	r->friend = f;
	r->id = id;
	p->nrcpt++;
}

static void
on_name(Tox *tox, uint32_t f, const uint8_t *name, size_t len, void *user)
{
	struct toxpeer_friend	*fr = friend_of(user, f);

	(void)tox;
	if (fr == NULL)
		return;
	fr->name_len = len < sizeof(fr->name) ? len : sizeof(fr->name);
	memcpy(fr->name, name, fr->name_len);
	fr->nname++;
}

static void
on_status_message(Tox *tox, uint32_t f, const uint8_t *msg, size_t len,
    void *user)
{
	struct toxpeer_friend	*fr = friend_of(user, f);

	(void)tox;
	if (fr == NULL)
		return;
	fr->smsg_len = len < sizeof(fr->smsg) ? len : sizeof(fr->smsg);
	memcpy(fr->smsg, msg, fr->smsg_len);
	fr->nsmsg++;
}

static void
on_status(Tox *tox, uint32_t f, TOX_USER_STATUS st, void *user)
{
	struct toxpeer_friend	*fr = friend_of(user, f);

	(void)tox;
	if (fr != NULL) {
		fr->status = st;
		fr->nstatus++;
	}
}

static void
on_typing(Tox *tox, uint32_t f, bool typing, void *user)
{
	struct toxpeer_friend	*fr = friend_of(user, f);

	(void)tox;
	if (fr != NULL) {
		fr->typing = typing;
		fr->ntyping++;
	}
}

int
toxpeer_start(struct toxpeer *p, const char *name, int port,
    const char *host, int node_port, const char *node_key_hex)
{
	return toxpeer_start_saved(p, name, port, host, node_port,
	    node_key_hex, NULL, 0);
}

static int	start(struct toxpeer *, const char *, int, const char *, int,
		    int, const char *, const uint8_t *, size_t);
static int	add_relay(struct toxpeer *, const char *, int, const char *);

int
toxpeer_start_saved(struct toxpeer *p, const char *name, int port,
    const char *host, int node_port, const char *node_key_hex,
    const uint8_t *save, size_t save_len)
{
	return start(p, name, port, host, node_port, 0, node_key_hex, save,
	    save_len);
}

int
toxpeer_start_tcp(struct toxpeer *p, const char *name, const char *host,
    int node_port, int tcp_port, const char *node_key_hex)
{
	return start(p, name, 0, host, node_port, tcp_port, node_key_hex,
	    NULL, 0);
}

int
toxpeer_start_relay(struct toxpeer *p, const char *name, const char *host,
    int node_port, const char *node_key_hex, const char *relay_host,
    int tcp_port, const char *relay_key_hex)
{
	/* tcp_port -1: UDP off, no relay of the node's; then ours */
	if (start(p, name, 0, host, node_port, -1, node_key_hex, NULL,
	    0) == -1)
		return -1;
	return add_relay(p, relay_host, tcp_port, relay_key_hex);
}

static int
add_relay(struct toxpeer *p, const char *host, int port, const char *hex)
{
	Tox_Err_Bootstrap	e;
	uint8_t			key[TOX_PUBLIC_KEY_SIZE];

	if (hex_decode(hex, 2 * sizeof(key), key, sizeof(key)) == -1 ||
	    !tox_add_tcp_relay(p->tox, host, (uint16_t)port, key, &e)) {
		fprintf(stderr, "%s: tox_add_tcp_relay %s:%d failed\n",
		    p->name, host, port);
		toxpeer_stop(p);
		return -1;
	}
	return 0;
}

/* tcp_port 0: over UDP on [port, port + 1]; else UDP off, that relay. */
static int
start(struct toxpeer *p, const char *name, int port, const char *host,
    int node_port, int tcp_port, const char *node_key_hex,
    const uint8_t *save, size_t save_len)
{
	Tox_Err_Bootstrap	 et;
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
	tox_options_set_udp_enabled(o, tcp_port == 0);
	if (tcp_port == 0) {
		tox_options_set_start_port(o, (uint16_t)port);
		tox_options_set_end_port(o, (uint16_t)(port + 1));
	}
	if (save != NULL) {
		tox_options_set_savedata_type(o, TOX_SAVEDATA_TYPE_TOX_SAVE);
		tox_options_set_savedata_data(o, save, save_len);
	}
	p->tox = tox_new(o, &en);
	tox_options_free(o);
	if (p->tox == NULL) {
		fprintf(stderr, "%s: tox_new: error %d\n", p->name, (int)en);
		return -1;
	}
	tox_callback_self_connection_status(p->tox, on_connection);
	tox_callback_friend_request(p->tox, on_request);
	tox_callback_friend_connection_status(p->tox, on_friend_connection);
	tox_callback_friend_message(p->tox, on_message);
	tox_callback_friend_read_receipt(p->tox, on_receipt);
	tox_callback_friend_name(p->tox, on_name);
	tox_callback_friend_status_message(p->tox, on_status_message);
	tox_callback_friend_status(p->tox, on_status);
	tox_callback_friend_typing(p->tox, on_typing);
	toxpeer_file_init(p);
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
	if (tcp_port > 0 && !tox_add_tcp_relay(p->tox, host,
	    (uint16_t)tcp_port, key, &et)) {
		fprintf(stderr, "%s: tox_add_tcp_relay %s:%d: error %d\n",
		    p->name, host, tcp_port, (int)et);
		toxpeer_stop(p);
		return -1;
	}
	return 0;
}

size_t
toxpeer_save(const struct toxpeer *p, uint8_t *buf, size_t size)
{
	size_t	n = tox_get_savedata_size(p->tox);

	if (n > size)
		return 0;
	tox_get_savedata(p->tox, buf);
	return n;
}

void
toxpeer_stop(struct toxpeer *p)
{
	if (p->tox != NULL)
		tox_kill(p->tox);
	p->tox = NULL;
	toxpeer_file_free(p);
}

int
toxpeer_iterate(struct toxpeer *p)
{
	tox_iterate(p->tox, p);
	toxpeer_file_after(p);
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

long
toxpeer_accept(struct toxpeer *p, const uint8_t pk[TOX_PUBLIC_KEY_SIZE])
{
	Tox_Err_Friend_Add	e;
	uint32_t		f;

	f = tox_friend_add_norequest(p->tox, pk, &e);
	if (f == UINT32_MAX || e != TOX_ERR_FRIEND_ADD_OK) {
		fprintf(stderr, "%s: tox_friend_add_norequest: error %d\n",
		    p->name, (int)e);
		return -1;
	}
	return (long)f;
}

long
toxpeer_friend(const struct toxpeer *p, const uint8_t pk[TOX_PUBLIC_KEY_SIZE])
{
	Tox_Err_Friend_By_Public_Key	e;
	uint32_t			f;

	f = tox_friend_by_public_key(p->tox, pk, &e);
	return f == UINT32_MAX || e != TOX_ERR_FRIEND_BY_PUBLIC_KEY_OK ? -1 :
	    (long)f;
}

long
toxpeer_send(struct toxpeer *p, uint32_t friend, int action,
    const char *text)
{
	Tox_Err_Friend_Send_Message	e;
	uint32_t			id;

	id = tox_friend_send_message(p->tox, friend, action ?
	    TOX_MESSAGE_TYPE_ACTION : TOX_MESSAGE_TYPE_NORMAL,
	    (const uint8_t *)text, strlen(text), &e);
	if (e != TOX_ERR_FRIEND_SEND_MESSAGE_OK) {
		fprintf(stderr, "%s: tox_friend_send_message: error %d\n",
		    p->name, (int)e);
		return -1;
	}
	return (long)id;
}

int
toxpeer_set_name(struct toxpeer *p, const char *name)
{
	Tox_Err_Set_Info	e;

	if (!tox_self_set_name(p->tox, (const uint8_t *)name, strlen(name),
	    &e)) {
		fprintf(stderr, "%s: tox_self_set_name: error %d\n", p->name,
		    (int)e);
		return -1;
	}
	return 0;
}

int
toxpeer_set_status_message(struct toxpeer *p, const char *msg)
{
	Tox_Err_Set_Info	e;

	if (!tox_self_set_status_message(p->tox, (const uint8_t *)msg,
	    strlen(msg), &e)) {
		fprintf(stderr, "%s: tox_self_set_status_message: error %d\n",
		    p->name, (int)e);
		return -1;
	}
	return 0;
}

int
toxpeer_set_status(struct toxpeer *p, TOX_USER_STATUS st)
{
	tox_self_set_status(p->tox, st);
	return 0;
}

int
toxpeer_set_typing(struct toxpeer *p, uint32_t friend, int typing)
{
	Tox_Err_Set_Typing	e;

	if (!tox_self_set_typing(p->tox, friend, typing != 0, &e)) {
		fprintf(stderr, "%s: tox_self_set_typing: error %d\n",
		    p->name, (int)e);
		return -1;
	}
	return 0;
}

const struct toxpeer_msg *
toxpeer_msg(const struct toxpeer *p, size_t i)
{
	if (i >= p->nmsg || p->nmsg - i > TOXPEER_MSGS)
		return NULL;
	return &p->msg[i % TOXPEER_MSGS];
}

size_t
toxpeer_receipts(const struct toxpeer *p, uint32_t friend, uint32_t id)
{
	size_t	i, n = 0, kept;

	kept = p->nrcpt < TOXPEER_RCPTS ? p->nrcpt : TOXPEER_RCPTS;
	for (i = 0; i < kept; i++)
		if (p->rcpt[i].friend == friend && p->rcpt[i].id == id)
			n++;
	return n;
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

/* The watched friend of a condition, or NULL. */
static const struct toxpeer_friend *
want_friend(const struct toxpeer_want *w)
{
	return w->friend < TOXPEER_FRIENDS ? &w->p->fr[w->friend] : NULL;
}

int
toxpeer_friend_connected(void *arg)
{
	const struct toxpeer_friend	*fr = want_friend(arg);

	return fr != NULL && fr->conn != TOX_CONNECTION_NONE;
}

int
toxpeer_has_msgs(void *arg)
{
	const struct toxpeer_want	*w = arg;

	return w->p->nmsg >= w->n;
}

int
toxpeer_has_receipt(void *arg)
{
	const struct toxpeer_want	*w = arg;

	return toxpeer_receipts(w->p, w->friend, w->id) > 0;
}

int
toxpeer_friend_named(void *arg)
{
	const struct toxpeer_want	*w = arg;
	const struct toxpeer_friend	*fr = want_friend(w);

	return fr != NULL && fr->name_len == strlen(w->text) &&
	    memcmp(fr->name, w->text, fr->name_len) == 0;
}

int
toxpeer_friend_says(void *arg)
{
	const struct toxpeer_want	*w = arg;
	const struct toxpeer_friend	*fr = want_friend(w);

	return fr != NULL && fr->smsg_len == strlen(w->text) &&
	    memcmp(fr->smsg, w->text, fr->smsg_len) == 0;
}

int
toxpeer_friend_status(void *arg)
{
	const struct toxpeer_want	*w = arg;
	const struct toxpeer_friend	*fr = want_friend(w);

	return fr != NULL && fr->nstatus > 0 && (int)fr->status == w->value;
}

int
toxpeer_friend_typing(void *arg)
{
	const struct toxpeer_want	*w = arg;
	const struct toxpeer_friend	*fr = want_friend(w);

	return fr != NULL && fr->ntyping > 0 && fr->typing == w->value;
}
