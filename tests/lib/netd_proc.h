/*
 * The real netd for tests, started as the supervisor starts it: stdin and
 * stdout on /dev/null, stderr a pipe the test reads, the supervisor
 * channel on FD_SUP; either --standalone or with a keyd channel whose
 * other end the test holds.  Waits are bounded by a deadline; nothing
 * here asserts (the caller fails, with the log in buf).
 */
#ifndef BULKHEAD_TEST_NETD_PROC_H
#define BULKHEAD_TEST_NETD_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NETD_PROC_STANDALONE	0	/* no keyd channel, --standalone */
#define NETD_PROC_KEYD		1	/* keyd channel on FD_NETD_KEYD */

struct netd_proc {
	pid_t	pid;
	int	sup;		/* our end of its supervisor channel, or -1 */
	int	keyd;		/* our end of its keyd channel, or -1 */
	int	log;		/* read end of its fd 2, non-blocking */
	char	buf[16384];	/* its log so far, NUL-terminated */
	size_t	len;
	int	status;		/* its wait status, once reaped */
	int	reaped;
};

/*
 * Starts BUILD_DIR/libexec/bulkhead/netd TAIL... (plus --standalone in
 * that mode); tail ends with NULL and may be NULL.  0, or -1 with nothing
 * left open.
 */
int	netd_proc_start(struct netd_proc *, int mode,
	    const char *const tail[]);
/* Appends to buf what the log holds now, without waiting. */
void	netd_proc_log(struct netd_proc *);
/*
 * Waits for its exit within timeout_ms, reading the log meanwhile: 0 when
 * reaped (status set), or -1: killed at the deadline (reaped as well).
 */
int	netd_proc_wait(struct netd_proc *, int timeout_ms);
/* Kills it if still there, reaps it, closes what is ours.  Idempotent. */
void	netd_proc_stop(struct netd_proc *);

/*
 * Learns the fresh DHT key of a netd listening on 127.0.0.1:port: a LAN
 * announcement of pk from socket s (127.0.0.1 is LAN) makes it ask s for
 * nodes under its key.  Resent until it listens, within timeout_ms.  The
 * nodes request's length with its key in netd_pk, or 0 if none came.
 */
size_t	netd_proc_dht_pk(int s, uint16_t port, const uint8_t pk[32],
	    uint8_t netd_pk[32], int timeout_ms);

#endif
