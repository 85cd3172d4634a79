/*
 * keyd's handlers of what chatd sends, in process over real channels
 * (tests/fuzz/keyd_fuzz.h): every table keyd has for chatd (keyd/peers.c:
 * friends, friend requests, the DHT-PK relay, sessions, the outbox, the
 * history, avatars).  chatd is hostile to keyd (rule 2): it may only ask
 * for what its role needs, for stored friends, within bounds.
 *
 * Each input starts with friend 0's session keyed and friend 1's
 * established, made as netd and the friends make them, so NC_PLAIN_OUT
 * and NC_KILL reach the sealing; an outbox message (id 1), history, and
 * friend 1's avatar are stored.  ctl & KFZ_OTHER makes a record netd's,
 * KFZ_PLAY included (a friend's data packet, handshake...): chatd's
 * requests interleave with what the friends say.
 */
#include <stdint.h>
#include <stdlib.h>

#include "tests/fuzz/keyd_fuzz.h"

static const struct kfz_target	target = { KFZ_CHATD, KFZ_NETD, 1, NULL };

KFZ_TARGET(target)
