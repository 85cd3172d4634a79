/*
 * chatd's lossless transport (chatd/nc_transport.c) driven by a script of
 * arbitrary opened packets, sends, ticks and kills.  Whatever the peer
 * says: lossless data is delivered in order, each number once; acks come
 * in order, each once, and only for numbers we sent; every packet we emit
 * is one keyd would seal (a valid id, 1..NC_DATA_MAX bytes) and carries
 * our receive buffer_start; windows stay within their bounds.
 *
 * Script, one op after another: op byte, time step byte, then
 *	op % 5 == 0, 1: a packet: bs u32, number u32, len u8, len bytes
 *	op % 5 == 2: a lossless send: id u8, len u8, bulk = op & 0x80
 *	op % 5 == 3: a tick (and a lossy send when op & 0x80)
 *	op % 5 == 4: a kill when op is 4, else a tick
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chatd/nc_transport.h"
#include "common/nc_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct shadow {
	struct nct	*n;
	uint32_t	 delivered;	/* lossless numbers delivered */
	uint32_t	 acked;		/* numbers acked */
	uint32_t	 sent;		/* numbers nct_send gave out */
	int		 in_lossy;	/* a lossy packet is being taken */
};

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
f_emit(void *arg, uint32_t bs, uint32_t num, const uint8_t *p, size_t len)
{
	struct shadow	*sh = arg;
	enum nc_id_class cls;

	check(len >= 1 && len <= NC_DATA_MAX);
	cls = nc_data_id_class(p[0]);
	check(cls != NC_CLASS_INVALID);
	check(bs == sh->n->recv_start);
	if (cls == NC_CLASS_LOSSLESS)
		/* only what was sent and is not yet acked */
		check(num - sh->n->send_start < sh->n->send_end -
		    sh->n->send_start);
	else
		check(num == sh->n->send_end);
}

static void
f_deliver(void *arg, const uint8_t *p, size_t len)
{
	struct shadow	*sh = arg;
	enum nc_id_class cls;

	check(len >= 1 && len <= NC_DATA_MAX);
	cls = nc_data_id_class(p[0]);
	if (cls == NC_CLASS_LOSSY) {
		check(sh->in_lossy);
		return;
	}
	check(cls == NC_CLASS_LOSSLESS);
	/* in order: the engine has just moved past exactly this number */
	check(sh->n->recv_start == sh->delivered + 1);
	sh->delivered++;
}

static void
f_acked(void *arg, uint32_t num)
{
	struct shadow	*sh = arg;

	check(num == sh->acked);
	check(sh->acked < sh->sent);
	sh->acked++;
}

/* The rate trace: every report is of sane figures. */
static void
f_sample(void *arg, const struct nct_sample *s)
{
	struct shadow	*sh = arg;

	check(s->event <= NCT_EV_SILENT);
	check(s->rate >= NCT_RATE_MIN && s->was >= 0 && s->deliv >= 0);
	check(s->queue == sh->n->send_end - sh->n->send_start);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	static struct nct	*n;
	static struct nc_data	 d;
	struct shadow		 sh;
	struct nct_cb		 cb = { f_emit, f_deliver, f_acked, NULL, f_sample };
	uint8_t			 buf[256];
	uint64_t		 now = 1000, due;
	size_t			 off = 0, l;
	uint8_t			 op;
	int64_t			 num;
	int			 rv;

	if (n == NULL && (n = malloc(sizeof(*n))) == NULL)
		abort();
	memset(&sh, 0, sizeof(sh));
	sh.n = n;
	cb.arg = &sh;
	nct_init(n, &cb, now);
	while (off + 2 <= len) {
		op = in[off];
		now += in[off + 1] * 8;
		off += 2;
		switch (op % 5) {
		case 0:
		case 1:
			if (len - off < 9)
				return 0;
			memset(&d, 0, sizeof(d));
			d.buffer_start = get32(in + off);
			d.number = get32(in + off + 4);
			l = in[off + 8];
			off += 9;
			if (len - off < l)
				l = len - off;
			memcpy(d.data, in + off, l);
			d.len = (uint16_t)l;
			d.cls = l ? nc_data_id_class(d.data[0]) : 0;
			off += l;
			sh.in_lossy = l && d.cls == NC_CLASS_LOSSY;
			rv = nct_recv(n, &d, now);
			sh.in_lossy = 0;
			check(rv >= NCT_RECV_DROP && rv <= NCT_RECV_KILL);
			break;
		case 2:
			if (len - off < 2)
				return 0;
			l = in[off + 1];
			memset(buf, in[off + 1], sizeof(buf));
			buf[0] = in[off];
			off += 2;
			num = nct_send(n, buf, l, op & 0x80, now);
			if (num != -1) {
				check((uint32_t)num == sh.sent);
				sh.sent++;
			}
			break;
		default:
			if (op == 4) {
				(void)nct_kill(n);
				break;
			}
			if (op % 5 == 3 && (op & 0x80)) {
				buf[0] = 200;
				(void)nct_send_lossy(n, buf, 1);
			}
			due = nct_tick(n, now);
			check(due > now);
			break;
		}
		check(nct_unacked(n) <= NCT_SEND_SLOTS);
		check(n->recv_end - n->recv_start <= NC_BUFFER_SLOTS);
		check(n->send_start == sh.acked);
	}
	return 0;
}
