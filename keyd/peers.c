/* keyd's tables per peer and the hooks of its areas: see peers.h. */
#include "keyd/avatar_ops.h"
#include "keyd/dhtpk_ops.h"
#include "keyd/friends.h"
#include "keyd/history_ops.h"
#include "keyd/nc_session.h"
#include "keyd/net_relay.h"
#include "keyd/onion_ops.h"
#include "keyd/outbox_ops.h"
#include "keyd/partials_ops.h"
#include "keyd/peers.h"
#include "keyd/sends_ops.h"

/* What keyd handles, per peer. */
const struct chan_tables keyd_from_frontend = {
	{ &keyd_profile_table, &net_relay_from_frontend,
	  &history_ops_from_frontend, &partials_ops_from_frontend,
	  &avatar_ops_from_frontend, &sends_ops_from_frontend }
};
const struct chan_tables keyd_from_netd = {
	{ &net_relay_from_netd, &onion_ops_from_netd, &dhtpk_ops_from_netd,
	  &nc_session_from_netd }
};
/* Friends, friend requests, sessions; calls' rows arrive with their
 * issue. */
const struct chan_tables keyd_from_chatd = {
	{ &keyd_friends_from_chatd, &onion_ops_from_chatd,
	  &dhtpk_ops_from_chatd, &nc_session_from_chatd,
	  &outbox_ops_from_chatd, &history_ops_from_chatd,
	  &avatar_ops_from_chatd }
};
const struct chan_tables keyd_from_mediad = { { NULL } };

void
keyd_on_profile(enum keyd_profile_event ev, void *arg)
{
	if (ev == KEYD_PROFILE_LOADED) {
		net_relay_profile_loaded();
		keyd_friends_profile_loaded();
		outbox_ops_profile_loaded();
		history_ops_profile_loaded();
		partials_ops_profile_loaded();
		sends_ops_profile_loaded();
		avatar_ops_profile_loaded();
		onion_ops_tell_netd();
		dhtpk_ops_netd_up();
	}
	if (ev == KEYD_PROFILE_SELF_CHANGED)
		keyd_self_info_tell();
	if (ev == KEYD_PROFILE_KEY_CHANGED) {
		outbox_ops_key_changed();
		history_ops_key_changed();
		partials_ops_key_changed();
		sends_ops_key_changed();
	}
}

void
keyd_netd_up(void)
{
	net_relay_netd_up();
	onion_ops_tell_netd();
	dhtpk_ops_netd_up();
	nc_session_netd_up();
}

void
keyd_chatd_up(void)
{
	nc_session_chatd_up();
	keyd_friends_chatd_up();
	outbox_ops_chatd_up();
	history_ops_chatd_up();
	avatar_ops_chatd_up();
}

void
keyd_peer_gone(enum role peer)
{
	if (peer == ROLE_CHATD)
		nc_session_chatd_gone();
	if (peer == ROLE_NETD)
		nc_session_netd_gone();
}
