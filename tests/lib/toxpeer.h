/*
 * The one libtoxcore client for the interop tests, in the test's own
 * process: its own port range, no LAN discovery, no IPv6, told of one
 * node only.  It keeps the friend requests it is sent (sender and text),
 * its connection status as last reported, and per friend what the
 * friend's callbacks said last (connection, name, status message, status,
 * typing); of messages and read receipts it keeps the last few and a
 * count of all; its file transfers are in toxpeer_file.h.  It does
 * nothing unless the test iterates it: one step at a time
 * (toxpeer_iterate) or until a condition or deadline while reading
 * bulkhead sessions' output (toxpeer_run), so neither side stalls while
 * the other is waited for.
 * Its UDP socket is made in the network namespace the process is in at
 * toxpeer_start.
 */
#ifndef BULKHEAD_TEST_TOXPEER_H
#define BULKHEAD_TEST_TOXPEER_H

#include <stddef.h>
#include <stdint.h>
#include <tox/tox.h>

#include "tests/lib/bh.h"
#include "tests/lib/toxpeer_file.h"

#define TOXPEER_REQS	8		/* requests kept; more are counted */
#define TOXPEER_FRIENDS	4		/* friends watched: numbers below */
#define TOXPEER_MSGS	32		/* last messages kept; all counted */
#define TOXPEER_RCPTS	64		/* last read receipts kept */

struct toxpeer_req {
	uint8_t		pk[TOX_PUBLIC_KEY_SIZE];
	size_t		len;
	uint8_t		msg[TOX_MAX_FRIEND_REQUEST_LENGTH];
};

struct toxpeer_msg {
	uint32_t	friend;
	TOX_MESSAGE_TYPE type;
	size_t		len;
	uint8_t		text[TOX_MAX_MESSAGE_LENGTH];
};

struct toxpeer_rcpt {
	uint32_t	friend;
	uint32_t	id;		/* as tox_friend_send_message gave */
};

/* A friend as its callbacks last said; n* count the calls. */
struct toxpeer_friend {
	TOX_CONNECTION	conn;
	size_t		nconn;
	size_t		name_len;
	uint8_t		name[TOX_MAX_NAME_LENGTH];
	size_t		nname;
	size_t		smsg_len;
	uint8_t		smsg[TOX_MAX_STATUS_MESSAGE_LENGTH];
	size_t		nsmsg;
	TOX_USER_STATUS	status;
	size_t		nstatus;
	int		typing;
	size_t		ntyping;
};

struct toxpeer {
	Tox			*tox;
	char			 name[16];	/* for the test's messages */
	uint8_t			 pk[TOX_PUBLIC_KEY_SIZE];
	char			 pk_hex[2 * TOX_PUBLIC_KEY_SIZE + 1];
	char			 address_hex[2 * TOX_ADDRESS_SIZE + 1];
	TOX_CONNECTION		 conn;		/* as last reported */
	size_t			 nreq;		/* callbacks seen */
	struct toxpeer_req	 req[TOXPEER_REQS];
	struct toxpeer_friend	 fr[TOXPEER_FRIENDS];
	size_t			 nmsg;		/* messages ever received */
	struct toxpeer_msg	 msg[TOXPEER_MSGS];	/* ring: nmsg % N */
	size_t			 nrcpt;		/* read receipts ever */
	struct toxpeer_rcpt	 rcpt[TOXPEER_RCPTS];	/* ring, as msg */
	/* file transfers (toxpeer_file.h); the test may set the first two */
	int			 auto_accept;	/* accept every offer */
	size_t			 keep_max;	/* bytes kept per transfer */
	size_t			 nfile;		/* records used */
	size_t			 nfile_lost;	/* no record was free */
	size_t			 noffer;	/* offers ever */
	struct toxpeer_file	 file[TOXPEER_FILES];
};

/*
 * Starts a client called name on ports [port, port + 1] that knows only
 * the node at host:node_port with DHT key node_key_hex.  0, or -1
 * (printed why).
 */
int	toxpeer_start(struct toxpeer *, const char *name, int port,
	    const char *host, int node_port, const char *node_key_hex);
/*
 * The same with the identity and friends of an earlier client, as
 * toxpeer_save left them in save[0..len).
 */
int	toxpeer_start_saved(struct toxpeer *, const char *name, int port,
	    const char *host, int node_port, const char *node_key_hex,
	    const uint8_t *save, size_t len);
/*
 * The same with UDP disabled: c-toxcore reaches the network through the
 * TCP relay at host:tcp_port (the node's key) alone; the node's UDP port
 * is still given, as a client's bootstrap, for its onion paths.
 */
int	toxpeer_start_tcp(struct toxpeer *, const char *name, const char *host,
	    int node_port, int tcp_port, const char *node_key_hex);
/* The same with a relay other than the node: relay_host:tcp_port with
 * its own key. */
int	toxpeer_start_relay(struct toxpeer *, const char *name,
	    const char *host, int node_port, const char *node_key_hex,
	    const char *relay_host, int tcp_port, const char *relay_key_hex);
/*
 * Copies the client's savedata (tox_get_savedata) into buf; its length,
 * or 0 if it does not fit in size.
 */
size_t	toxpeer_save(const struct toxpeer *, uint8_t *buf, size_t size);
/* Kills the client if it runs; harmless on a zeroed or stopped one. */
void	toxpeer_stop(struct toxpeer *);
/* One tox_iterate; returns the interval libtoxcore asks for, in ms. */
int	toxpeer_iterate(struct toxpeer *);
/* The first kept request from pk, or NULL if none came. */
const struct toxpeer_req *toxpeer_request_from(const struct toxpeer *,
	    const uint8_t pk[TOX_PUBLIC_KEY_SIZE]);
/*
 * Sends a friend request with text msg to the Tox ID addr.  0, or -1
 * (printed libtoxcore's error).
 */
int	toxpeer_add(struct toxpeer *, const uint8_t addr[TOX_ADDRESS_SIZE],
	    const char *msg);

/*
 * Makes pk a friend without a request (tox_friend_add_norequest): how a
 * client accepts one.  The friend number, or -1 (printed why).
 */
long	toxpeer_accept(struct toxpeer *, const uint8_t pk[TOX_PUBLIC_KEY_SIZE]);
/* The friend number of pk, or -1 if it is no friend. */
long	toxpeer_friend(const struct toxpeer *,
	    const uint8_t pk[TOX_PUBLIC_KEY_SIZE]);
/*
 * Sends text (at most TOX_MAX_MESSAGE_LENGTH bytes: libtoxcore does not
 * split) to friend as a message or, with action set, an action.
 * libtoxcore's message id for the read receipt, or -1 (printed why).
 */
long	toxpeer_send(struct toxpeer *, uint32_t friend, int action,
	    const char *text);
/* Our own name, status message, status, and typing to friend: 0 or -1. */
int	toxpeer_set_name(struct toxpeer *, const char *);
int	toxpeer_set_status_message(struct toxpeer *, const char *);
int	toxpeer_set_status(struct toxpeer *, TOX_USER_STATUS);
int	toxpeer_set_typing(struct toxpeer *, uint32_t friend, int typing);
/*
 * The i-th message received since start (0 the first), or NULL if it has
 * not come or has left the ring.
 */
const struct toxpeer_msg *toxpeer_msg(const struct toxpeer *, size_t i);
/* How many kept read receipts from friend carry id. */
size_t	toxpeer_receipts(const struct toxpeer *, uint32_t friend,
	    uint32_t id);

/*
 * Iterates the np peers and keeps reading the nb sessions' output (their
 * events go to each b->events) until done(arg) is nonzero or timeout_ms
 * has passed.  Returns done's last answer; with done NULL it runs the
 * whole time and returns 0.
 */
int	toxpeer_run(struct toxpeer *const *, size_t np, struct bh *const *,
	    size_t nb, int timeout_ms, int (*done)(void *), void *arg);
/* Conditions for toxpeer_run, arg a struct toxpeer: */
int	toxpeer_has_request(void *);	/* a request came */
int	toxpeer_on_udp(void *);		/* connected over UDP */

/* A condition about one friend of p, for the conditions below. */
struct toxpeer_want {
	struct toxpeer	*p;
	uint32_t	 friend;
	size_t		 n;	/* toxpeer_has_msgs: at least n in all */
	uint32_t	 id;	/* toxpeer_has_receipt */
	const char	*text;	/* name, status message (NUL-terminated) */
	int		 value;	/* status, typing */
};
int	toxpeer_friend_connected(void *);	/* connection not NONE */
int	toxpeer_has_msgs(void *);	/* nmsg >= n */
int	toxpeer_has_receipt(void *);	/* a read receipt for id */
int	toxpeer_friend_named(void *);	/* the friend's name is text */
int	toxpeer_friend_says(void *);	/* its status message is text */
int	toxpeer_friend_status(void *);	/* its status is value */
int	toxpeer_friend_typing(void *);	/* its typing is value (0, 1) */

#endif
