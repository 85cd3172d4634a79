/* The CLI's conversation lines: see chat_view.h. */
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "frontend/chat_text.h"
#include "frontend/chat_view.h"
#include "frontend/sanitize.h"
#include "ipc/msg_chat.h"

/* Shown in the head of a line: enough to tell friends apart. */
#define VIEW_NAME_MAX	32

/* Fixed: one slot per friend number chatd can give. */
static struct {
	uint8_t	pk[TOX_PK_LEN];
	char	name[FRIEND_NAME_MAX + 1];	/* neutralised; "" unknown */
} names[FRIEND_NUM_MAX];

void
chat_view_name(uint16_t number, const uint8_t pk[TOX_PK_LEN],
    const char *name, size_t len)
{
	if (number >= FRIEND_NUM_MAX)
		return;
	memcpy(names[number].pk, pk, TOX_PK_LEN);
	if (len > FRIEND_NAME_MAX)
		len = FRIEND_NAME_MAX;
	(void)sanitize_text(name, len, names[number].name,
	    sizeof(names[number].name));
}

/* "3 Alice" (the name cut to VIEW_NAME_MAX bytes on a character
 * boundary), or "3 1A2B3C4D" (the key's start) when no name is known. */
int
chat_view_head(json_t *obj, char *out, size_t outsz)
{
	json_t		*num = json_object_get(obj, "friend");
	json_t		*key = json_object_get(obj, "public_key");
	uint8_t		 pk[TOX_PK_LEN];
	char		 shown[VIEW_NAME_MAX + 1];
	long long	 n;

	if (!json_is_integer(num) || !json_is_string(key) ||
	    json_string_length(key) != TOX_PK_HEX_LEN ||
	    hex_decode(json_string_value(key), TOX_PK_HEX_LEN, pk,
	    TOX_PK_LEN) == -1)
		return -1;
	n = json_integer_value(num);
	if (n >= 0 && n < FRIEND_NUM_MAX && names[n].name[0] != '\0' &&
	    memcmp(names[n].pk, pk, TOX_PK_LEN) == 0) {
		/* names[] holds neutralised text: cut, it stays so */
		(void)sanitize_text(names[n].name, strlen(names[n].name),
		    shown, sizeof(shown));
		snprintf(out, outsz, "%lld %s", n, shown);
	} else
		snprintf(out, outsz, "%lld %.8s", n, json_string_value(key));
	return 0;
}

/* A string member, neutralised (lines kept when lines is set); NULL if
 * the member is not a string. */
static const char *
text_of(json_t *obj, const char *key, int lines, char *buf, size_t bufsz)
{
	json_t	*v = json_object_get(obj, key);

	if (!json_is_string(v))
		return NULL;
	if (lines)
		(void)chat_text_safe(json_string_value(v),
		    json_string_length(v), buf, bufsz);
	else
		(void)sanitize_text(json_string_value(v),
		    json_string_length(v), buf, bufsz);
	return buf;
}

/* Text of several lines: the first after the head, the others indented. */
static void
print_lines(const char *h, const char *mark, const char *text)
{
	const char	*nl;

	printf("[%s] %s", h, mark);
	while ((nl = strchr(text, '\n')) != NULL) {
		printf("%.*s\n    ", (int)(nl - text), text);
		text = nl + 1;
	}
	printf("%s\n", text);
}

int
chat_view_render(const char *event, json_t *obj)
{
	static char	 text[CHAT_TEXT_MAX + 1];
	char		 h[64];
	const char	*t;
	json_t		*v;

	if (!json_is_object(obj) || chat_view_head(obj, h, sizeof(h)) == -1)
		return 0;
	if (strcmp(event, "message") == 0) {
		if ((t = text_of(obj, "text", 1, text, sizeof(text))) == NULL)
			return 0;
		v = json_object_get(obj, "action");
		print_lines(h, json_is_true(v) ? "* " : "", t);
	} else if (strcmp(event, "receipt") == 0) {
		v = json_object_get(obj, "message_id");
		if (!json_is_integer(v))
			return 0;
		printf("[%s] received your message %lld\n", h,
		    (long long)json_integer_value(v));
	} else if (strcmp(event, "friend_connection") == 0) {
		if ((t = text_of(obj, "connection", 0, text,
		    sizeof(text))) == NULL)
			return 0;
		if (strcmp(t, "none") == 0)
			printf("[%s] is offline\n", h);
		else
			printf("[%s] is online (%s)\n", h, t);
	} else if (strcmp(event, "friend_name") == 0) {
		if ((t = text_of(obj, "name", 0, text, sizeof(text))) == NULL)
			return 0;
		printf("[%s] is now called \"%s\"\n", h, t);
	} else if (strcmp(event, "friend_status_message") == 0) {
		if ((t = text_of(obj, "status_message", 0, text,
		    sizeof(text))) == NULL)
			return 0;
		printf("[%s] status message: %s\n", h, t);
	} else if (strcmp(event, "friend_status") == 0) {
		if ((t = text_of(obj, "status", 0, text,
		    sizeof(text))) == NULL)
			return 0;
		printf("[%s] status: %s\n", h, t);
	} else if (strcmp(event, "friend_typing") == 0) {
		v = json_object_get(obj, "typing");
		if (!json_is_boolean(v))
			return 0;
		printf("[%s] %s\n", h, json_is_true(v) ? "is typing" :
		    "stopped typing");
	} else
		return 0;
	fflush(stdout);
	return 1;
}
