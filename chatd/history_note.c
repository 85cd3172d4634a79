/* chatd's part of the history: see history_note.h. */
#include <string.h>

#include "chatd/history_note.h"

static struct chan	*to_keyd;
static uint8_t		 on;

void
history_note(uint8_t dir, const uint8_t *pk, uint64_t id, uint8_t action,
    const uint8_t *text, size_t len)
{
	static struct ipc_history_put	 hp;
	static uint8_t			 buf[IPC_HISTORY_PUT_MAX];
	struct wr			 w;

	if (!on || to_keyd == NULL || !to_keyd->open || len == 0 ||
	    len > HISTORY_MSG_MAX)
		return;
	memcpy(hp.pk, pk, sizeof(hp.pk));
	hp.dir = dir;
	hp.action = action;
	hp.message_id = id;
	hp.len = (uint16_t)len;
	memcpy(hp.text, text, len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_history_put(&w, &hp);
	if (wr_ok(&w))
		(void)chan_send_wr(to_keyd, IPC_HISTORY_PUT, 0, &w);
	explicit_bzero(hp.text, len);
	explicit_bzero(buf, sizeof(buf));
}

int
history_note_on(void)
{
	return on;
}

static int
on_history_on(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	return ipc_unpack_history_on(r, &on);
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_HISTORY_ON,	0,	on_history_on },
};
const struct chan_table history_note_from_keyd = {
	CHAN_ROWS(from_keyd_rows), NULL
};

void
history_note_init(struct chan *keyd)
{
	to_keyd = keyd;
	on = 0;
}
