/* Internals shared by dht.c, dht_lists.c, dht_timer.c and dht_nat.c. */
#ifndef BULKHEAD_NETD_DHT_INT_H
#define BULKHEAD_NETD_DHT_INT_H

#include "netd/dht.h"
#include "netd/dht_packet.h"

/* Time stamps are never 0: 0 means "never". */
#define DHT_STAMP(now)	((now) != 0 ? (now) : 1)

int	dht_assoc_good(const struct dht *, const struct dht_assoc *);
int	dht_assoc_alive(const struct dht *, const struct dht_assoc *);
int	dht_client_good(const struct dht *, const struct dht_client *);
/* 1 if a is closer to key than b, 0 otherwise (XOR distance, bytewise). */
int	dht_closer(const uint8_t *key, const uint8_t *a, const uint8_t *b);
unsigned dht_bucket(const struct dht *, const uint8_t pk[DHT_PK_LEN]);
struct dht_search *dht_search_find(struct dht *, const uint8_t *pk);

/* Senders (dht.c). */
void	dht_send_getnodes(struct dht *, const struct ip_port *,
	    const uint8_t *pk, const uint8_t *search_pk);
void	dht_send_ping(struct dht *, const struct ip_port *, const uint8_t *pk);
int	dht_send_raw(struct dht *, const struct ip_port *, const uint8_t *,
	    size_t);

/* Lists (dht_lists.c). */
void	dht_addto_lists(struct dht *, const struct ip_port *, const uint8_t *pk);
int	dht_close_addable(struct dht *, const uint8_t *pk, const struct ip_port *);
void	dht_learned_node(struct dht *, const struct ip_port *, const uint8_t *pk);
void	dht_returned_ip(struct dht *, const struct ip_port *, const uint8_t *pk,
	    const uint8_t *from_pk);
unsigned dht_close_nodes(const struct dht *, const uint8_t *target,
	    int requester_lan, struct dht_node out[DHT_MAX_SENT_NODES]);
void	dht_ping_add(struct dht *, const uint8_t *pk, const struct ip_port *);
struct dht_client *dht_close_find(struct dht *, const uint8_t *pk);
/* Offers n to a bounded list kept closest to key; 1 if stored. */
int	dht_node_offer(struct dht_node *list, unsigned *n, unsigned max,
	    const uint8_t *pk, const struct ip_port *, const uint8_t *key);

/* NAT (dht_nat.c). */
void	dht_nat_handle(struct dht *, const uint8_t *sender_pk,
	    const uint8_t *data, size_t len);
void	dht_nat_run(struct dht *);
uint64_t dht_nat_deadline(const struct dht *, uint64_t);

#endif
