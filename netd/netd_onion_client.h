/*
 * DRAFT, not called yet: the onion client engine (onion_client.h) on
 * netd's event loop.  One engine, one loop timer armed to its next
 * deadline, the raw answers 0x84 and 0x86 from the packet-kind switch
 * (net.c).  The codecs it needs (the relay's onion builder, the announce
 * codec, keyd's seal and open of the self-announce, handing onion data to
 * keyd) are other modules': whoever wires them fills struct
 * netd_oc_codecs; sending is net_send.
 *
 * Intended order in netd.c, once the codecs exist:
 *
 *	after netd_dht_serve():	netd_oc_serve(real pk, &codecs);
 *	the DHT glue:		netd_oc_add_node() for good DHT nodes and
 *				bootstrap nodes
 *	keyd's answers:		netd_oc_self_sealed() / netd_oc_self_opened()
 */
#ifndef BULKHEAD_NETD_NETD_ONION_CLIENT_H
#define BULKHEAD_NETD_NETD_ONION_CLIENT_H

#include "netd/onion_client.h"

/* struct oc_ops without send; arg is passed back to every call. */
struct netd_oc_codecs {
	int	(*onion_pack)(void *, const struct oc_path *,
		    const struct ip_port *, const uint8_t *, size_t,
		    uint8_t *, size_t);
	int	(*announce_pack)(void *, const uint8_t *, const uint8_t *,
		    const uint8_t *, const uint8_t *, const uint8_t *,
		    const uint8_t *, const uint8_t *, uint8_t *);
	int	(*announce_open)(void *, const uint8_t *, const uint8_t *,
		    const uint8_t *, size_t, struct oc_announce_result *);
	void	(*self_seal)(void *, uint32_t, const uint8_t *,
		    const uint8_t *, const uint8_t *, const uint8_t *);
	void	(*self_open)(void *, uint32_t, const uint8_t *,
		    const uint8_t *, size_t);
	void	(*data_in)(void *, const uint8_t *, const uint8_t *,
		    const uint8_t *, size_t);
	void	*arg;
};

/*
 * Creates the engine for our real public key beside netd's DHT key,
 * registers 0x84 and 0x86 and arms the timer.  Fatal if out of memory.
 */
void	netd_oc_serve(const uint8_t self_pk[ONION_PK_LEN],
	    const struct netd_oc_codecs *);
/* A path node (DHT or, bootstrap set, bootstrap); 0 or -1. */
int	netd_oc_add_node(const uint8_t pk[ONION_PK_LEN],
	    const struct ip_port *, int bootstrap);
/* keyd's answers about the self-announce (NULL: keyd refused). */
void	netd_oc_self_sealed(uint32_t ctx, const uint8_t *req, size_t len);
void	netd_oc_self_opened(uint32_t ctx, const struct oc_announce_result *);
/* The engine, for friends, onion data and status (NULL before serve). */
struct onion_client *netd_oc(void);
/* Re-arms the timer after the engine was fed from elsewhere. */
void	netd_oc_changed(void);

#endif
