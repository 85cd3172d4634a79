/*
 * The catalogue: one row per IPC message type, indexed by type.  For each:
 * the edges it may travel (sender -> receiver), its payload bounds (named
 * constants shared with its packer in ipc/msg_*.h), its descriptor rule,
 * the types that answer it, and whether its payload is secret.  ipc_check()
 * holds every received message against its row before any handler runs;
 * docs/IPC.md is printed from this table (make ipc-doc), and
 * tests/unit/test_catalogue.c proves the rows against the packers and the
 * topology.
 */
#include "ipc/ipc.h"
#include "ipc/msg_core.h"
#include "ipc/msg_friend.h"
#include "ipc/msg_net.h"
#include "ipc/msg_nodes.h"
#include "ipc/msg_onion.h"
#include "ipc/msg_profile.h"

#define E(a, b)		IPC_EDGE(ROLE_##a, ROLE_##b)
/* Both directions of a channel. */
#define BOTH(a, b)	(E(a, b) | E(b, a))
/* Every channel of the session: the supervisor to each role it starts,
 * and the role-to-role edges of common/topology.c. */
#define ALL_CHANNELS	(BOTH(SUP, KEYD) | BOTH(SUP, NETD) | \
	BOTH(SUP, CHATD) | BOTH(SUP, MEDIAD) | BOTH(SUP, FRONTEND) | \
	BOTH(SUP, FETCHD) | BOTH(KEYD, FRONTEND) | BOTH(KEYD, NETD) | \
	BOTH(KEYD, CHATD) | BOTH(KEYD, MEDIAD) | BOTH(CHATD, FRONTEND) | \
	BOTH(CHATD, MEDIAD) | BOTH(FRONTEND, MEDIAD))
#define TO_SUP		(E(KEYD, SUP) | E(NETD, SUP) | E(CHATD, SUP) | \
	E(MEDIAD, SUP) | E(FRONTEND, SUP) | E(FETCHD, SUP))
#define FROM_SUP	(E(SUP, KEYD) | E(SUP, NETD) | E(SUP, CHATD) | \
	E(SUP, MEDIAD) | E(SUP, FRONTEND) | E(SUP, FETCHD))
/* Who gets a fresh channel when a role restarts (netd, chatd, mediad). */
#define SURVIVORS	(E(SUP, KEYD) | E(SUP, CHATD) | E(SUP, MEDIAD) | \
	E(SUP, FRONTEND))

/* Who answers requests: the reverse of every edge a request travels. */
#define ANSWER_EDGES	(E(SUP, FRONTEND) | E(KEYD, FRONTEND) | E(NETD, KEYD) | \
	E(NETD, SUP) | E(KEYD, CHATD) | E(CHATD, FRONTEND) | E(KEYD, NETD))

#define OK_OR_ERROR	{ IPC_OK, IPC_ERROR }
#define ID_OR_ERROR	{ IPC_ID_ANS, IPC_ERROR }

const struct ipc_spec ipc_catalogue[IPC_TYPE_MAX] = {
	/* Foundation. */
	[IPC_HELLO] = { "HELLO",
	    "first on every channel: the sender's role and build id",
	    ALL_CHANNELS, IPC_HELLO_LEN, IPC_HELLO_LEN, IPC_FD_NONE },
	[IPC_SANDBOX_REPORT] = { "SANDBOX_REPORT",
	    "what confinement the role applied to itself",
	    TO_SUP, IPC_SANDBOX_REPORT_LEN, IPC_SANDBOX_REPORT_LEN,
	    IPC_FD_NONE },
	[IPC_SHUTDOWN] = { "SHUTDOWN", "save and exit",
	    FROM_SUP, 0, 0, IPC_FD_NONE },
	[IPC_STATUS_REQ] = { "STATUS_REQ", "the session's processes",
	    E(FRONTEND, SUP), 0, 0, IPC_FD_NONE,
	    { IPC_STATUS_ANS, IPC_ERROR } },
	[IPC_STATUS_ANS] = { "STATUS_ANS",
	    "per role: state, pid, restarts, sandbox report",
	    E(SUP, FRONTEND), IPC_STATUS_MIN_LEN, IPC_STATUS_MAX_LEN,
	    IPC_FD_NONE, { 0 }, IPC_S_ANSWER },
	[IPC_OK] = { "OK", "generic success", ANSWER_EDGES, 0, 0,
	    IPC_FD_NONE, { 0 }, IPC_S_ANSWER },
	[IPC_ERROR] = { "ERROR", "generic failure: code and text",
	    ANSWER_EDGES, IPC_ERROR_MIN_LEN, IPC_ERROR_MAX_LEN, IPC_FD_NONE,
	    { 0 }, IPC_S_ANSWER },
	[IPC_SESSION_END] = { "SESSION_END",
	    "the session ends: whose loss, and why",
	    E(SUP, FRONTEND), IPC_SESSION_END_MIN_LEN,
	    IPC_SESSION_END_MAX_LEN, IPC_FD_NONE },
	[IPC_NEW_CHANNEL] = { "NEW_CHANNEL",
	    "a channel to a restarted peer (the fd)",
	    SURVIVORS, IPC_NEW_CHANNEL_LEN,
	    IPC_NEW_CHANNEL_LEN, IPC_FD_REQUIRED },
	[IPC_ROLE_EVENT] = { "ROLE_EVENT", "a role died or was restarted",
	    E(SUP, FRONTEND) | E(SUP, KEYD), IPC_ROLE_EVENT_LEN,
	    IPC_ROLE_EVENT_LEN, IPC_FD_NONE },

	/* Identity and profile. */
	[IPC_PROFILE_INFO_REQ] = { "PROFILE_INFO_REQ",
	    "is there a profile, is it encrypted, is it unlocked",
	    E(FRONTEND, KEYD), 0, 0, IPC_FD_NONE,
	    { IPC_PROFILE_INFO_ANS, IPC_ERROR } },
	[IPC_PROFILE_INFO_ANS] = { "PROFILE_INFO_ANS",
	    "exists, encrypted, unlocked",
	    E(KEYD, FRONTEND), IPC_PROFILE_INFO_LEN, IPC_PROFILE_INFO_LEN,
	    IPC_FD_NONE, { 0 }, IPC_S_ANSWER },
	[IPC_PROFILE_UNLOCK] = { "PROFILE_UNLOCK", "the passphrase",
	    E(FRONTEND, KEYD), IPC_PASS_FIELD_MIN, IPC_PASS_FIELD_MAX,
	    IPC_FD_NONE, OK_OR_ERROR, IPC_S_SECRET },
	[IPC_PROFILE_CREATE] = { "PROFILE_CREATE",
	    "make a new identity: flags, passphrase",
	    E(FRONTEND, KEYD), IPC_PROFILE_CREATE_MIN_LEN,
	    IPC_PROFILE_CREATE_MAX_LEN, IPC_FD_NONE, ID_OR_ERROR,
	    IPC_S_SECRET },
	[IPC_ID_REQ] = { "ID_REQ", "our Tox ID",
	    E(FRONTEND, KEYD), 0, 0, IPC_FD_NONE, ID_OR_ERROR },
	[IPC_ID_ANS] = { "ID_ANS", "Tox ID and public key",
	    E(KEYD, FRONTEND), IPC_ID_LEN, IPC_ID_LEN, IPC_FD_NONE, { 0 },
	    IPC_S_ANSWER },
	[IPC_SELF_REQ] = { "SELF_REQ", "our name, status and message",
	    E(FRONTEND, KEYD), 0, 0, IPC_FD_NONE,
	    { IPC_SELF_ANS, IPC_ERROR } },
	[IPC_SELF_ANS] = { "SELF_ANS", "status, name, status message",
	    E(KEYD, FRONTEND), IPC_SELF_MIN_LEN, IPC_SELF_MAX_LEN,
	    IPC_FD_NONE, { 0 }, IPC_S_ANSWER },
	[IPC_SET_NAME] = { "SET_NAME", "our name",
	    E(FRONTEND, KEYD), IPC_SET_NAME_MIN_LEN, IPC_SET_NAME_MAX_LEN,
	    IPC_FD_NONE, OK_OR_ERROR },
	[IPC_SET_STATUS_MSG] = { "SET_STATUS_MSG", "our status message",
	    E(FRONTEND, KEYD), IPC_SET_STATUS_MSG_MIN_LEN,
	    IPC_SET_STATUS_MSG_MAX_LEN, IPC_FD_NONE, OK_OR_ERROR },
	[IPC_SET_STATUS] = { "SET_STATUS", "none, away or busy",
	    E(FRONTEND, KEYD), IPC_SET_STATUS_LEN, IPC_SET_STATUS_LEN,
	    IPC_FD_NONE, OK_OR_ERROR },
	[IPC_NOSPAM_SET] = { "NOSPAM_SET",
	    "a new nospam: the value given, or a random one",
	    E(FRONTEND, KEYD), IPC_NOSPAM_LEN, IPC_NOSPAM_LEN, IPC_FD_NONE,
	    ID_OR_ERROR },
	/* The import and export files never pass through the frontend: the
	 * supervisor opens them and hands them to keyd at start. */
	[IPC_PROFILE_IMPORT] = { "PROFILE_IMPORT",
	    "take keyd's import file: flags, passphrase",
	    E(FRONTEND, KEYD), IPC_PROFILE_CREATE_MIN_LEN,
	    IPC_PROFILE_CREATE_MAX_LEN, IPC_FD_NONE, ID_OR_ERROR,
	    IPC_S_SECRET },
	[IPC_PROFILE_EXPORT] = { "PROFILE_EXPORT",
	    "write keyd's export file: flags, the passphrase again if plain",
	    E(FRONTEND, KEYD), IPC_PROFILE_CREATE_MIN_LEN,
	    IPC_PROFILE_CREATE_MAX_LEN, IPC_FD_NONE, OK_OR_ERROR,
	    IPC_S_SECRET },
	[IPC_PASSWD] = { "PASSWD",
	    "change the passphrase: flags, old, new",
	    E(FRONTEND, KEYD), IPC_PASSWD_MIN_LEN, IPC_PASSWD_MAX_LEN,
	    IPC_FD_NONE, OK_OR_ERROR, IPC_S_SECRET },

	/* Network. */
	[IPC_NET_STATUS] = { "NET_STATUS",
	    "DHT state, DHT key, UDP port, good nodes",
	    E(NETD, KEYD) | E(KEYD, FRONTEND), IPC_NET_STATUS_LEN,
	    IPC_NET_STATUS_LEN, IPC_FD_NONE },
	[IPC_NET_NODES_SAVE] = { "NET_NODES_SAVE",
	    "good DHT nodes, for the profile",
	    E(NETD, KEYD), IPC_NET_NODES_MIN_LEN, IPC_NET_NODES_MAX_LEN,
	    IPC_FD_NONE },
	[IPC_NET_NODES_LOAD] = { "NET_NODES_LOAD",
	    "the profile's saved DHT nodes",
	    E(KEYD, NETD), IPC_NET_NODES_MIN_LEN, IPC_NET_NODES_MAX_LEN,
	    IPC_FD_NONE },
	[IPC_NET_BOOTSTRAP] = { "NET_BOOTSTRAP",
	    "bootstrap from one node: IP literal, port, DHT key",
	    E(FRONTEND, KEYD) | E(KEYD, NETD), IPC_NET_BOOTSTRAP_MIN_LEN,
	    IPC_NET_BOOTSTRAP_MAX_LEN, IPC_FD_NONE, OK_OR_ERROR },
	[IPC_NET_DHT_SEARCH_ADD] = { "NET_DHT_SEARCH_ADD",
	    "search the DHT for a friend's DHT key",
	    E(KEYD, NETD), IPC_NET_DHT_KEY_LEN, IPC_NET_DHT_KEY_LEN,
	    IPC_FD_NONE },
	[IPC_NET_DHT_SEARCH_DEL] = { "NET_DHT_SEARCH_DEL",
	    "stop searching for a DHT key",
	    E(KEYD, NETD), IPC_NET_DHT_KEY_LEN, IPC_NET_DHT_KEY_LEN,
	    IPC_FD_NONE },

	/* Bootstrap nodes list. */
	[IPC_NODES_FD] = { "NODES_FD",
	    "the user's --nodes file (the fd), to read and bootstrap from",
	    E(SUP, NETD), 0, 0, IPC_FD_REQUIRED },
	[IPC_NODES_FETCHED] = { "NODES_FETCHED",
	    "a fetched list (a sealed memfd): bootstrap; OK if it parsed",
	    E(SUP, NETD), 0, 0, IPC_FD_REQUIRED, OK_OR_ERROR },
	[IPC_NODES_CACHE] = { "NODES_CACHE",
	    "keyd's kept list (the file, read-only), at netd's start",
	    E(KEYD, NETD), 0, 0, IPC_FD_REQUIRED },
	[IPC_NODES_CACHE_STORE] = { "NODES_CACHE_STORE",
	    "a fetched list that parsed (a sealed memfd), for keyd to keep",
	    E(SUP, KEYD), 0, 0, IPC_FD_REQUIRED },
	[IPC_NODES_FETCH_FAILED] = { "NODES_FETCH_FAILED",
	    "why fetchd got no list",
	    E(FETCHD, SUP), IPC_FETCH_FAILED_MIN_LEN,
	    IPC_FETCH_FAILED_MAX_LEN, IPC_FD_NONE },
	[IPC_NODES_FETCH_EVENT] = { "NODES_FETCH_EVENT",
	    "how a nodes-list fetch went: ok, or why not",
	    E(SUP, FRONTEND), IPC_FETCH_EVENT_MIN_LEN,
	    IPC_FETCH_EVENT_MAX_LEN, IPC_FD_NONE },

	/* The onion: what needs the long-term key, from typed fields. */
	[IPC_ONION_ANNOUNCE_SEAL] = { "ONION_ANNOUNCE_SEAL",
	    "announce us to a node: its DHT key, ping id, data key, sendback",
	    E(NETD, KEYD), IPC_ONION_ANNOUNCE_SEAL_LEN,
	    IPC_ONION_ANNOUNCE_SEAL_LEN, IPC_FD_NONE,
	    { IPC_ONION_ANNOUNCE_SEALED, IPC_ERROR } },
	[IPC_ONION_ANNOUNCE_SEALED] = { "ONION_ANNOUNCE_SEALED",
	    "the announce request (0x83), sealed with our key",
	    E(KEYD, NETD), IPC_ONION_ANNOUNCE_SEALED_LEN,
	    IPC_ONION_ANNOUNCE_SEALED_LEN, IPC_FD_NONE, { 0 }, IPC_S_ANSWER },
	[IPC_ONION_ANNOUNCE_OPEN] = { "ONION_ANNOUNCE_OPEN",
	    "open a node's announce response (0x84): its DHT key, the packet",
	    E(NETD, KEYD), IPC_ONION_ANNOUNCE_OPEN_MIN,
	    IPC_ONION_ANNOUNCE_OPEN_MAX, IPC_FD_NONE,
	    { IPC_ONION_ANNOUNCE_OPENED, IPC_ERROR } },
	[IPC_ONION_ANNOUNCE_OPENED] = { "ONION_ANNOUNCE_OPENED",
	    "what the response says: is_stored, ping id or data key, nodes",
	    E(KEYD, NETD), IPC_ONION_ANNOUNCE_OPENED_MIN,
	    IPC_ONION_ANNOUNCE_OPENED_MAX, IPC_FD_NONE, { 0 }, IPC_S_ANSWER },
	[IPC_ONION_DATA_IN] = { "ONION_DATA_IN",
	    "onion data for us, outer layer opened: sender key, nonce, box",
	    E(NETD, KEYD), IPC_ONION_DATA_IN_MIN, IPC_ONION_DATA_IN_MAX,
	    IPC_FD_NONE },
	[IPC_ONION_DATA_OUT] = { "ONION_DATA_OUT",
	    "onion data to deliver: friend's key, nonce, sealed inner layer",
	    E(KEYD, NETD), IPC_ONION_DATA_OUT_MIN, IPC_ONION_DATA_OUT_MAX,
	    IPC_FD_NONE },
	[IPC_ONION_SELF] = { "ONION_SELF",
	    "the user's public key, to announce: the onion client starts",
	    E(KEYD, NETD), IPC_ONION_SELF_LEN, IPC_ONION_SELF_LEN,
	    IPC_FD_NONE },

	/* Friends. */
	[IPC_FRIEND_REQUEST_IN] = { "FRIEND_REQUEST_IN",
	    "a friend request keyd opened, its nospam ours: key, text",
	    E(KEYD, CHATD), IPC_FRIEND_REQUEST_IN_MIN,
	    IPC_FRIEND_REQUEST_IN_MAX, IPC_FD_NONE },
	[IPC_FRIEND_REQUEST_SEND] = { "FRIEND_REQUEST_SEND",
	    "send a friend request: key, nospam, text (keyd seals it)",
	    E(CHATD, KEYD), IPC_FRIEND_REQUEST_SEND_MIN,
	    IPC_FRIEND_REQUEST_SEND_MAX, IPC_FD_NONE, OK_OR_ERROR },
	[IPC_FRIENDS_LOAD] = { "FRIENDS_LOAD",
	    "a batch of the stored friend list, and our own key",
	    E(KEYD, CHATD), IPC_FRIENDS_LOAD_MIN, IPC_FRIENDS_LOAD_MAX,
	    IPC_FD_NONE },
	[IPC_FRIEND_ADD] = { "FRIEND_ADD",
	    "store a friend: number, key, nospam, status, request text",
	    E(CHATD, KEYD), IPC_FRIEND_ADD_MIN, IPC_FRIEND_ADD_MAX,
	    IPC_FD_NONE, OK_OR_ERROR },
	[IPC_FRIEND_DEL] = { "FRIEND_DEL", "forget a friend: key",
	    E(CHATD, KEYD), IPC_FRIEND_PK_LEN, IPC_FRIEND_PK_LEN,
	    IPC_FD_NONE, OK_OR_ERROR },
	[IPC_FRIEND_ADD_REQ] = { "FRIEND_ADD_REQ",
	    "add a friend and send a request: Tox ID, text",
	    E(FRONTEND, CHATD), IPC_FRIEND_ADD_REQ_MIN,
	    IPC_FRIEND_ADD_REQ_MAX, IPC_FD_NONE,
	    { IPC_FRIEND_ANS, IPC_ERROR } },
	[IPC_FRIEND_ANS] = { "FRIEND_ANS", "a friend's number and key",
	    E(CHATD, FRONTEND), IPC_FRIEND_ANS_LEN, IPC_FRIEND_ANS_LEN,
	    IPC_FD_NONE, { 0 }, IPC_S_ANSWER },
	[IPC_FRIEND_LIST_REQ] = { "FRIEND_LIST_REQ",
	    "a page of the friend list, from a number",
	    E(FRONTEND, CHATD), IPC_FRIEND_PAGE_REQ_LEN,
	    IPC_FRIEND_PAGE_REQ_LEN, IPC_FD_NONE,
	    { IPC_FRIEND_LIST_ANS, IPC_ERROR } },
	[IPC_FRIEND_LIST_ANS] = { "FRIEND_LIST_ANS",
	    "friends: number, key, status, connection, name, message",
	    E(CHATD, FRONTEND), IPC_FRIEND_LIST_MIN, IPC_FRIEND_LIST_MAX,
	    IPC_FD_NONE, { 0 }, IPC_S_ANSWER },
	[IPC_FRIEND_INBOX_REQ] = { "FRIEND_INBOX_REQ",
	    "a page of incoming friend requests, from an index",
	    E(FRONTEND, CHATD), IPC_FRIEND_PAGE_REQ_LEN,
	    IPC_FRIEND_PAGE_REQ_LEN, IPC_FD_NONE,
	    { IPC_FRIEND_INBOX_ANS, IPC_ERROR } },
	[IPC_FRIEND_INBOX_ANS] = { "FRIEND_INBOX_ANS",
	    "incoming requests: key, text",
	    E(CHATD, FRONTEND), IPC_FRIEND_INBOX_MIN, IPC_FRIEND_INBOX_MAX,
	    IPC_FD_NONE, { 0 }, IPC_S_ANSWER },
	[IPC_FRIEND_ACCEPT] = { "FRIEND_ACCEPT",
	    "accept an incoming request: key",
	    E(FRONTEND, CHATD), IPC_FRIEND_PK_LEN, IPC_FRIEND_PK_LEN,
	    IPC_FD_NONE, { IPC_FRIEND_ANS, IPC_ERROR } },
	[IPC_FRIEND_DECLINE] = { "FRIEND_DECLINE",
	    "drop an incoming request: key",
	    E(FRONTEND, CHATD), IPC_FRIEND_PK_LEN, IPC_FRIEND_PK_LEN,
	    IPC_FD_NONE, OK_OR_ERROR },
	[IPC_FRIEND_REMOVE] = { "FRIEND_REMOVE",
	    "remove a friend: by number or by key",
	    E(FRONTEND, CHATD), IPC_FRIEND_REMOVE_LEN, IPC_FRIEND_REMOVE_LEN,
	    IPC_FD_NONE, OK_OR_ERROR },
	[IPC_FRIEND_REQUEST_EVENT] = { "FRIEND_REQUEST_EVENT",
	    "a new incoming friend request: key, text",
	    E(CHATD, FRONTEND), IPC_FRIEND_REQUEST_IN_MIN,
	    IPC_FRIEND_REQUEST_IN_MAX, IPC_FD_NONE },
};
