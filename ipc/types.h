/*
 * Every IPC message type of bulkhead, in one enum.  The number says the
 * area; ipc/catalogue.c has one row per type (who sends it to whom, its
 * payload bounds, its descriptor rule, which types answer it, whether it is
 * secret), and docs/IPC.md is generated from that table.  0 is never valid.
 * Numbers are part of no file format and may be renumbered freely: both
 * ends of every channel are the same build (the HELLO proves it).
 */
#ifndef BULKHEAD_IPC_TYPES_H
#define BULKHEAD_IPC_TYPES_H

enum ipc_type {
	IPC_NONE		= 0,

	/* Foundation: hello, supervision, status, generic replies. */
	IPC_AREA_CORE_FIRST	= 1,
	IPC_HELLO		= 1,	/* first on every channel */
	IPC_SANDBOX_REPORT	= 2,	/* what confinement holds */
	IPC_SHUTDOWN		= 3,	/* save and exit */
	IPC_STATUS_REQ		= 4,
	IPC_STATUS_ANS		= 5,
	IPC_OK			= 6,	/* generic success reply (by id) */
	IPC_ERROR		= 7,	/* generic failure reply (by id) */
	IPC_SESSION_END		= 8,	/* why the session ends */
	IPC_NEW_CHANNEL		= 9,	/* fd to a restarted peer */
	IPC_ROLE_EVENT		= 10,	/* a role died or was restarted */
	IPC_AREA_CORE_LAST	= 31,

	/* Identity and profile: the frontend asks, keyd answers. */
	IPC_AREA_PROFILE_FIRST	= 32,
	IPC_PROFILE_INFO_REQ	= 32,
	IPC_PROFILE_INFO_ANS	= 33,	/* exists, encrypted, unlocked */
	IPC_PROFILE_UNLOCK	= 34,	/* passphrase */
	IPC_PROFILE_CREATE	= 35,	/* flags, passphrase */
	IPC_ID_REQ		= 36,
	IPC_ID_ANS		= 37,	/* address 38 || public key 32 */
	IPC_SELF_REQ		= 38,
	IPC_SELF_ANS		= 39,	/* status, name, status message */
	IPC_SET_NAME		= 40,
	IPC_SET_STATUS_MSG	= 41,
	IPC_SET_STATUS		= 42,
	IPC_NOSPAM_SET		= 43,	/* optional value */
	IPC_PROFILE_IMPORT	= 44,	/* fd, flags, passphrase */
	IPC_PROFILE_EXPORT	= 45,	/* fd, flags */
	IPC_PASSWD		= 46,	/* flags, old, new */
	IPC_AREA_PROFILE_LAST	= 63,

	/* Network: keyd <-> netd, and netd's status on to the frontend. */
	IPC_AREA_NET_FIRST	= 64,
	IPC_NET_STATUS		= 64,	/* DHT state, DHT pk, port, nodes */
	IPC_NET_NODES_SAVE	= 65,	/* good DHT nodes for the profile */
	IPC_NET_NODES_LOAD	= 66,	/* saved nodes, at netd's start */
	IPC_NET_BOOTSTRAP	= 67,	/* one node: IP, port, DHT key */
	IPC_NET_DHT_SEARCH_ADD	= 68,	/* a friend's DHT key */
	IPC_NET_DHT_SEARCH_DEL	= 69,
	IPC_NET_DHT_KEY		= 70,	/* keyd -> netd: the DHT secret key */
	IPC_NET_RELAYS		= 71,	/* the TCP relays and their states */
	IPC_AREA_NET_LAST	= 127,

	/*
	 * The bootstrap nodes list.  A fetched list goes from fetchd to the
	 * supervisor, which has netd parse it (NODES_FETCHED) and, if it
	 * parsed, has keyd keep the very bytes fetchd wrote
	 * (NODES_CACHE_STORE): netd has no path to keyd's cache.
	 */
	IPC_AREA_NODES_FIRST	= 128,
	IPC_NODES_FD		= 128,	/* the user's --nodes file, to read */
	IPC_NODES_FETCHED	= 129,	/* a fetched list: does it parse? */
	IPC_NODES_CACHE		= 130,	/* keyd's kept list, to netd */
	IPC_NODES_CACHE_STORE	= 131,	/* a fetched list that parsed */
	IPC_NODES_FETCH_FAILED	= 132,	/* fetchd: why it got no list */
	IPC_NODES_FETCH_EVENT	= 133,	/* to the user: how a fetch went */
	IPC_AREA_NODES_LAST	= 143,
	/*
	 * The onion: keyd seals and opens for netd what needs the long-term
	 * key (self-announce, the inner layer of onion data), from typed
	 * fields; netd keeps paths, searches and the temporary keys.
	 */
	IPC_AREA_ONION_FIRST	= 144,
	IPC_ONION_ANNOUNCE_SEAL	= 144,	/* netd -> keyd: node, ping id, ... */
	IPC_ONION_ANNOUNCE_SEALED = 145, /* the 0x83, built with our key */
	IPC_ONION_ANNOUNCE_OPEN	= 146,	/* netd -> keyd: node, the 0x84 */
	IPC_ONION_ANNOUNCE_OPENED = 147, /* is_stored, field, nodes */
	IPC_ONION_DATA_IN	= 148,	/* netd -> keyd: inner layer to open */
	IPC_ONION_DATA_OUT	= 149,	/* keyd -> netd: sealed, to deliver */
	IPC_ONION_SELF		= 150,	/* keyd -> netd: our real pk, public */
	IPC_ONION_FRIEND	= 151,	/* keyd -> netd: a friend, its state */
	IPC_ONION_DHTPK_SEAL	= 152,	/* netd -> keyd: our DHT-PK for one */
	IPC_ONION_DHTPK_SEALED	= 153,	/* nonce, sealed DHT-PK */
	IPC_ONION_DHTPK_IN	= 154,	/* netd -> keyd: a 0x20 DHT-PK to open */
	IPC_ONION_FRIEND_DHT	= 155,	/* keyd -> netd: a friend's DHT key */
	IPC_AREA_ONION_LAST	= 175,
	/* Friends: the frontend asks chatd, chatd keeps friends and the
	 * inbox, keyd stores them and does the crypto. */
	IPC_AREA_FRIENDS_FIRST	= 176,
	IPC_FRIEND_REQUEST_IN	= 176,	/* keyd -> chatd: opened, nospam ok */
	IPC_FRIEND_REQUEST_SEND	= 177,	/* chatd -> keyd: seal and deliver */
	IPC_FRIENDS_LOAD	= 178,	/* keyd -> chatd: the stored list */
	IPC_FRIEND_ADD		= 179,	/* chatd -> keyd: store a friend */
	IPC_FRIEND_DEL		= 180,	/* chatd -> keyd: forget one */
	IPC_FRIEND_ADD_REQ	= 181,	/* frontend -> chatd: add by Tox ID */
	IPC_FRIEND_ANS		= 182,	/* number and public key */
	IPC_FRIEND_LIST_REQ	= 183,
	IPC_FRIEND_LIST_ANS	= 184,	/* a page of the friend list */
	IPC_FRIEND_INBOX_REQ	= 185,
	IPC_FRIEND_INBOX_ANS	= 186,	/* a page of incoming requests */
	IPC_FRIEND_ACCEPT	= 187,	/* frontend -> chatd: by public key */
	IPC_FRIEND_DECLINE	= 188,
	IPC_FRIEND_REMOVE	= 189,	/* by number or public key */
	IPC_FRIEND_REQUEST_EVENT = 190,	/* chatd -> frontend: a new request */
	IPC_FRIEND_NET		= 191,	/* chatd -> keyd: a friend, its state */
	IPC_FRIEND_DHTPK_IN	= 192,	/* keyd -> chatd: an opened DHT-PK */
	IPC_FRIEND_DHT_LEARNED	= 193,	/* chatd -> keyd: a friend's DHT key */
	IPC_AREA_FRIENDS_LAST	= 223,
	/*
	 * net_crypto: netd keeps connections and cookies, keyd the keys
	 * (handshakes, sealing, opening), chatd the transport above.
	 */
	IPC_AREA_NC_FIRST	= 224,
	IPC_NC_HS_MAKE		= 224,	/* netd -> keyd: build our handshake */
	IPC_NC_HS_MADE		= 225,	/* keyd -> netd: the 385 bytes */
	IPC_NC_HS_IN		= 226,	/* netd -> keyd: a friend's handshake */
	IPC_NC_ABORT		= 227,	/* netd -> keyd: attempt given up */
	IPC_NC_STATE		= 228,	/* keyd -> netd: session state */
	IPC_NC_SESSION		= 229,	/* keyd -> chatd: session state */
	IPC_NC_DATA_IN		= 230,	/* netd -> keyd: a 0x1b to open */
	IPC_NC_DATA_OUT		= 231,	/* keyd -> netd: a sealed 0x1b */
	IPC_NC_PLAIN_IN		= 232,	/* keyd -> chatd: what it held */
	IPC_NC_PLAIN_OUT	= 233,	/* chatd -> keyd: to seal and send */
	IPC_NC_KILL		= 234,	/* chatd -> keyd: end the session */
	IPC_NC_ADDR		= 235,	/* netd -> keyd: where a session is */
	IPC_NC_RESUME		= 236,	/* keyd -> netd: a session to go on */
	IPC_NC_PATH		= 237,	/* netd -> keyd -> chatd: UDP or TCP */
	IPC_AREA_NC_LAST	= 255,
	/* The messenger: the user's words, friends' words, the outbox. */
	IPC_AREA_CHAT_FIRST	= 256,
	IPC_CHAT_SEND		= 256,	/* frontend -> chatd: a message */
	IPC_CHAT_SENT		= 257,	/* its message id (stored) */
	IPC_CHAT_TYPING		= 258,	/* frontend -> chatd */
	IPC_CHAT_MESSAGE	= 259,	/* chatd -> frontend: a friend's */
	IPC_CHAT_RECEIPT	= 260,	/* chatd -> frontend: ours arrived */
	IPC_CHAT_FRIEND		= 261,	/* chatd -> frontend: a change */
	IPC_OUTBOX_PUT		= 262,	/* chatd -> keyd: store durably */
	IPC_OUTBOX_STORED	= 263,	/* keyd -> chatd: its id */
	IPC_OUTBOX_DEL		= 264,	/* chatd -> keyd: delivered */
	IPC_OUTBOX_LOAD		= 265,	/* keyd -> chatd: one stored message */
	IPC_SELF_INFO		= 266,	/* keyd -> chatd: name, status */
	IPC_HISTORY_PUT		= 267,	/* chatd -> keyd: one message kept */
	IPC_HISTORY_ON		= 268,	/* keyd -> chatd: history on or off */
	IPC_HISTORY_REQ		= 269,	/* frontend -> keyd: a friend's past */
	IPC_HISTORY_ANS		= 270,	/* a page of it, newest first */
	IPC_FILE_SEND		= 271,	/* frontend -> chatd: offer a file */
	IPC_FILE_ANS		= 272,	/* its number */
	IPC_FILE_CTL		= 273,	/* frontend -> chatd: accept, pause.. */
	IPC_FILE_EVENT		= 274,	/* chatd -> frontend: offer, done.. */
	IPC_PARTIAL_PUT		= 275,	/* frontend -> keyd: a part's path */
	IPC_PARTIAL_DEL		= 276,	/* frontend -> keyd: forget it */
	IPC_PARTIAL_GET		= 277,	/* frontend -> keyd: is there one? */
	IPC_PARTIAL_ANS		= 278,	/* found, size, path */
	IPC_SEND_ID		= 279,	/* frontend -> keyd: a file to send */
	IPC_SEND_ID_ANS		= 280,	/* the id to offer it under */
	IPC_SEND_DEL		= 281,	/* frontend -> keyd: sent: forget it */
	IPC_AREA_CHAT_LAST	= 319,
	/*
	 * Stream sockets: netd, in an empty network namespace, asks the
	 * supervisor, a broker that parses nothing, for a TCP socket whose
	 * connect() has begun (to the address asked, or to the proxy).
	 */
	IPC_AREA_SOCK_FIRST	= 320,
	IPC_SOCK_OPEN		= 320,	/* netd -> sup: tag, address, port */
	IPC_SOCK_OPENED		= 321,	/* tag, errno; the fd when 0 */
	IPC_AREA_SOCK_LAST	= 335,
	/*
	 * Files: the frontend, which may open no path, asks the supervisor
	 * to open a file to send or to create one to receive into; the
	 * answer carries the descriptor.
	 */
	IPC_AREA_FILE_FIRST	= 336,
	IPC_FILE_OPEN		= 336,	/* frontend -> sup: mode, path */
	IPC_FILE_OPENED		= 337,	/* errno, size, path; the fd when 0 */
	IPC_AREA_FILE_LAST	= 351,
	/*
	 * Avatars (issue 12): keyd stores ours and the friends' beside the
	 * profile; chatd sends and receives them as files of kind 1 through
	 * descriptors keyd hands it.
	 */
	IPC_AREA_AVATAR_FIRST	= 352,
	IPC_AVATAR_SET		= 352,	/* frontend -> keyd: the fd, or none */
	IPC_AVATAR_SET_ANS	= 353,	/* size, sha256, path */
	IPC_AVATAR_SELF		= 354,	/* keyd -> chatd: size, sha256; the fd */
	IPC_AVATAR_FRIEND	= 355,	/* keyd -> chatd, frontend: a friend's */
	IPC_AVATAR_FRIEND_DEL	= 356,	/* chatd -> keyd: the friend has none */
	IPC_AVATAR_FRIEND_OPEN	= 357,	/* chatd -> keyd: a file to receive */
	IPC_AVATAR_FRIEND_READY	= 358,	/* keyd -> chatd: room for it */
	IPC_AVATAR_FRIEND_DONE	= 359,	/* chatd -> keyd: received, the id */
	IPC_AVATAR_FRIEND_DATA	= 360,	/* chatd -> keyd: its bytes */
	IPC_AREA_AVATAR_LAST	= 367,

	IPC_TYPE_MAX		= 368	/* size of the catalogue */
};

/* Where a list netd reads comes from (for its log lines). */
enum nodes_source {
	NODES_SRC_FILE = 1,	/* --nodes FILE */
	NODES_SRC_FETCH = 2,	/* fetchd's output, through the supervisor */
	NODES_SRC_CACHE = 3,	/* keyd's copy of an earlier fetch */
};

#endif
