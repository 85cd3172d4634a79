/* Pack/unpack of the foundation's messages: see msg_core.h. */
#include <string.h>

#include "ipc/msg_core.h"

void
ipc_pack_hello(struct wr *w, const struct ipc_hello *m)
{
	wr_u8(w, m->role);
	wr_bytes(w, m->build_id, sizeof(m->build_id));
}

int
ipc_unpack_hello(struct rd *r, struct ipc_hello *m)
{
	rd_u8(r, &m->role);
	rd_bytes(r, m->build_id, sizeof(m->build_id));
	if (!rd_done(r) || m->role >= ROLE_MAX)
		return -1;
	return 0;
}

static void
pack_sb(struct wr *w, const struct ipc_sandbox_report *m)
{
	wr_u32(w, m->flags);
	wr_u8(w, m->landlock_abi);
	wr_u8(w, m->permissive);
}

static void
unpack_sb(struct rd *r, struct ipc_sandbox_report *m)
{
	rd_u32(r, &m->flags);
	rd_u8(r, &m->landlock_abi);
	rd_u8(r, &m->permissive);
	if (m->permissive > 1)
		rd_fail(r);
}

void
ipc_pack_sandbox_report(struct wr *w, const struct ipc_sandbox_report *m)
{
	pack_sb(w, m);
}

int
ipc_unpack_sandbox_report(struct rd *r, struct ipc_sandbox_report *m)
{
	unpack_sb(r, m);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_status(struct wr *w, const struct ipc_status *m)
{
	uint8_t	i;

	wr_u8(w, m->n);
	for (i = 0; i < m->n && i < ROLE_MAX; i++) {
		wr_u8(w, m->roles[i].role);
		wr_u8(w, m->roles[i].state);
		wr_u32(w, m->roles[i].pid);
		wr_u32(w, m->roles[i].restarts);
		wr_u8(w, m->roles[i].reported);
		pack_sb(w, &m->roles[i].sandbox);
	}
	wr_u8(w, m->proxy);
}

int
ipc_unpack_status(struct rd *r, struct ipc_status *m)
{
	struct ipc_role_status	*s;
	uint8_t			 i;

	memset(m, 0, sizeof(*m));
	if (rd_u8(r, &m->n) == -1 || m->n > ROLE_MAX)
		return -1;
	for (i = 0; i < m->n; i++) {
		s = &m->roles[i];
		rd_u8(r, &s->role);
		rd_u8(r, &s->state);
		rd_u32(r, &s->pid);
		rd_u32(r, &s->restarts);
		rd_u8(r, &s->reported);
		unpack_sb(r, &s->sandbox);
		if (!rd_ok(r) || s->role >= ROLE_MAX ||
		    s->state >= ROLE_STATE_MAX || s->reported > 1)
			return -1;
	}
	rd_u8(r, &m->proxy);
	return rd_done(r) && m->proxy < IPC_PROXY_STATE_MAX ? 0 : -1;
}

void
ipc_pack_text(struct wr *w, const char *s, size_t max)
{
	size_t	n = strnlen(s, max);

	wr_u16(w, (uint16_t)n);
	wr_bytes(w, s, n);
}

int
ipc_unpack_text(struct rd *r, char *out, size_t outsz)
{
	const uint8_t	*p;
	uint16_t	 n;

	if (rd_u16(r, &n) == -1 || (size_t)n >= outsz ||
	    (p = rd_take(r, n)) == NULL)
		return -1;
	if (memchr(p, '\0', n) != NULL)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

void
ipc_pack_error(struct wr *w, const struct ipc_error *m)
{
	wr_u16(w, m->code);
	ipc_pack_text(w, m->text, IPC_ERROR_TEXT_MAX);
}

int
ipc_unpack_error(struct rd *r, struct ipc_error *m)
{
	rd_u16(r, &m->code);
	if (ipc_unpack_text(r, m->text, sizeof(m->text)) == -1)
		return -1;
	if (!rd_done(r) || m->code == 0 || m->code >= IPC_ERR_MAX)
		return -1;
	return 0;
}

void
ipc_pack_session_end(struct wr *w, const struct ipc_session_end *m)
{
	wr_u8(w, m->role);
	ipc_pack_text(w, m->text, IPC_ERROR_TEXT_MAX);
}

int
ipc_unpack_session_end(struct rd *r, struct ipc_session_end *m)
{
	rd_u8(r, &m->role);
	if (ipc_unpack_text(r, m->text, sizeof(m->text)) == -1)
		return -1;
	return rd_done(r) && m->role < ROLE_MAX ? 0 : -1;
}

void
ipc_pack_new_channel(struct wr *w, const struct ipc_new_channel *m)
{
	wr_u8(w, m->role);
}

int
ipc_unpack_new_channel(struct rd *r, struct ipc_new_channel *m)
{
	rd_u8(r, &m->role);
	return rd_done(r) && m->role < ROLE_MAX ? 0 : -1;
}

void
ipc_pack_role_event(struct wr *w, const struct ipc_role_event *m)
{
	wr_u8(w, m->role);
	wr_u8(w, m->kind);
	wr_u32(w, m->pid);
	wr_u32(w, (uint32_t)m->status);
}

int
ipc_unpack_role_event(struct rd *r, struct ipc_role_event *m)
{
	uint32_t	st = 0;

	rd_u8(r, &m->role);
	rd_u8(r, &m->kind);
	rd_u32(r, &m->pid);
	rd_u32(r, &st);
	m->status = (int32_t)st;
	if (!rd_done(r) || m->role >= ROLE_MAX || m->kind == 0 ||
	    m->kind >= ROLE_EV_MAX)
		return -1;
	return 0;
}
