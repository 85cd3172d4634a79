/* The messenger in a session's JSON lines: see bh_chat.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lib/bh_chat.h"
#include "tests/lib/bh_watch.h"

static void
print_reply(const char *what, json_t *r)
{
	char	*s = r != NULL ? json_dumps(r, JSON_COMPACT) : NULL;

	fprintf(stderr, "%s: %s\n", what, s != NULL ? s : "no reply");
	free(s);
}

long long
bh_send(struct bh *b, json_t *friend, int action, const char *text,
    int timeout_ms)
{
	json_t		*r, *id;
	long long	 n = -1;

	r = bh_call(b, json_pack("{s:s, s:o, s:s, s:b}", "cmd", "send",
	    "friend", friend, "text", text, "action", action), timeout_ms);
	id = json_object_get(r, "message_id");
	if (json_is_true(json_object_get(r, "ok")) && json_is_integer(id) &&
	    json_integer_value(id) >= 0)
		n = json_integer_value(id);
	else
		print_reply("send", r);
	json_decref(r);
	return n;
}

int
bh_has(void *arg)
{
	struct bh_want	*w = arg;

	return bh_count_like(w->b, w->want) >= (w->n > 0 ? w->n : 1);
}

long
bh_messages_from(struct bh *b, const char *pk, size_t skip, char *out,
    size_t size, size_t *len)
{
	json_t		*e;
	const char	*s;
	size_t		 i, n = 0, used = 0, l;

	json_array_foreach(b->events, i, e) {
		s = json_string_value(json_object_get(e, "event"));
		if (s == NULL || strcmp(s, "message") != 0)
			continue;
		s = json_string_value(json_object_get(e, "public_key"));
		if (s == NULL || strcmp(s, pk) != 0)
			continue;
		if (n++ < skip || out == NULL)
			continue;
		if ((s = json_string_value(json_object_get(e, "text"))) ==
		    NULL)
			return -1;
		l = json_string_length(json_object_get(e, "text"));
		if (l >= size - used)
			return -1;
		memcpy(out + used, s, l);
		used += l;
	}
	if (out != NULL) {
		if (used >= size)
			return -1;
		out[used] = '\0';
		*len = used;
	}
	return (long)(n > skip ? n - skip : 0);
}

json_t *
bh_friend_entry(struct bh *b, const char *pk, int timeout_ms)
{
	json_t		*r, *e, *found = NULL;
	const char	*s;
	size_t		 i;

	r = bh_call(b, json_pack("{s:s}", "cmd", "friends"), timeout_ms);
	if (!json_is_true(json_object_get(r, "ok"))) {
		print_reply("friends", r);
		json_decref(r);
		return NULL;
	}
	json_array_foreach(json_object_get(r, "friends"), i, e) {
		s = json_string_value(json_object_get(e, "public_key"));
		if (s != NULL && strcmp(s, pk) == 0) {
			found = json_incref(e);
			break;
		}
	}
	json_decref(r);
	return found;
}
