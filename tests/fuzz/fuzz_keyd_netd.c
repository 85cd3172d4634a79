/*
 * keyd's handlers of what netd sends, in process over real channels
 * (tests/fuzz/keyd_fuzz.h): every table keyd has for netd (keyd/peers.c:
 * status and nodes, the onion's announce and data, DHT-PK, and the
 * net_crypto sessions, which no target reached before).  netd faces the
 * internet; keyd parses what it sends like packets (rule 2).
 *
 * What only a friend or a node could make (a handshake, a data packet in
 * a session, onion data, a DHT-PK box, an announce answer) the harness
 * builds from the fuzzer's plain text with their keys (KFZ_PLAY), so the
 * code behind the MACs is reached.  Each input starts with friend 0's
 * session keyed and friend 1's established; ctl & KFZ_OTHER makes a
 * record chatd's (its sealing and kills race netd's packets).
 */
#include <stdint.h>
#include <stdlib.h>

#include "tests/fuzz/keyd_fuzz.h"

static const struct kfz_target	target = { KFZ_NETD, KFZ_CHATD, 1, NULL };

KFZ_TARGET(target)
