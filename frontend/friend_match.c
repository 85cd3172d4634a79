/* A friend by number, key, name or key prefix: see friend_match.h. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/hex.h"
#include "frontend/friend_match.h"
#include "frontend/sanitize.h"

/* A name is cut to this in messages: enough to tell friends apart. */
#define SHOWN_NAME_MAX	32
/* The word itself is quoted up to this many bytes. */
#define SHOWN_WORD_MAX	64

enum rule {
	RULE_EXACT,
	RULE_CASE,
	RULE_PREFIX,
	RULE_COUNT,
};

static int
all_hex(const char *w, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (hex_digit((unsigned char)w[i]) == -1)
			return 0;
	return 1;
}

enum friend_word
friend_word(const char *w, size_t len, uint16_t *number,
    uint8_t pk[TOX_PK_LEN])
{
	unsigned int	n = 0;
	size_t		i;

	if (len == 0)
		return FRIEND_WORD_BAD;
	/* numbers stop below FRIEND_PREFIX_MIN digits: a prefix never
	 * reads as one */
	if (len < FRIEND_PREFIX_MIN) {
		for (i = 0; i < len && w[i] >= '0' && w[i] <= '9'; i++)
			n = n * 10 + (unsigned int)(w[i] - '0');
		if (i == len && n < FRIEND_NUM_MAX) {
			*number = (uint16_t)n;
			return FRIEND_WORD_NUMBER;
		}
	}
	if (len == TOX_PK_HEX_LEN && hex_decode(w, len, pk, TOX_PK_LEN) == 0)
		return FRIEND_WORD_KEY;
	return FRIEND_WORD_LOOKUP;
}

void
friend_cand_set(struct friend_cand *c, uint16_t number,
    const uint8_t pk[TOX_PK_LEN], const uint8_t *name, size_t len)
{
	c->number = number;
	memcpy(c->pk, pk, TOX_PK_LEN);
	if (len > FRIEND_NAME_MAX)
		len = FRIEND_NAME_MAX;
	(void)sanitize_text((const char *)name, len, c->name,
	    sizeof(c->name));
}

static int
matches(enum rule r, const char *w, size_t len, const struct friend_cand *c)
{
	char	hex[TOX_PK_HEX_LEN + 1];

	switch (r) {
	case RULE_EXACT:
		return strlen(c->name) == len && memcmp(c->name, w, len) == 0;
	case RULE_CASE:
		return strlen(c->name) == len &&
		    strncasecmp(c->name, w, len) == 0;
	case RULE_PREFIX:
		if (len < FRIEND_PREFIX_MIN || len > TOX_PK_HEX_LEN ||
		    !all_hex(w, len))
			return 0;
		hex_encode(c->pk, TOX_PK_LEN, hex);
		return strncasecmp(hex, w, len) == 0;
	default:
		return 0;
	}
}

/* 'NUMBER "NAME" (KEYSTART)' or 'NUMBER (KEYSTART)' at the end of out. */
static void
add_cand(char *out, size_t outsz, const struct friend_cand *c,
    const char *sep)
{
	char	hex[TOX_PK_HEX_LEN + 1], name[SHOWN_NAME_MAX + 1];
	size_t	used = strlen(out);

	if (used >= outsz)
		return;
	hex_encode(c->pk, TOX_PK_LEN, hex);
	/* c->name is neutralised; cut again on a character boundary */
	(void)sanitize_text(c->name, strlen(c->name), name, sizeof(name));
	if (name[0] != '\0')
		snprintf(out + used, outsz - used, "%s%u \"%s\" (%.8s)", sep,
		    (unsigned int)c->number, name, hex);
	else
		snprintf(out + used, outsz - used, "%s%u (%.8s)", sep,
		    (unsigned int)c->number, hex);
}

int
friend_match(const char *w, size_t len, const struct friend_cand *c,
    size_t n, char *why, size_t whysz)
{
	char		 word[SHOWN_WORD_MAX + 1];
	size_t		 i, hits, shown, used;
	enum rule	 r;
	int		 found = -1;

	(void)sanitize_text(w, len, word, sizeof(word));
	for (r = RULE_EXACT; r < RULE_COUNT; r++) {
		hits = 0;
		for (i = 0; i < n; i++)
			if (matches(r, w, len, &c[i])) {
				if (hits++ == 0)
					found = (int)i;
			}
		if (hits == 1)
			return found;
		if (hits == 0)
			continue;
		snprintf(why, whysz, "\"%s\" names %zu friends: ", word, hits);
		shown = 0;
		for (i = 0; i < n && shown < FRIEND_MATCH_SHOW; i++)
			if (matches(r, w, len, &c[i]))
				add_cand(why, whysz, &c[i],
				    shown++ == 0 ? "" : ", ");
		used = strlen(why);
		if (hits > shown && used < whysz)
			snprintf(why + used, whysz - used, " and %zu more",
			    hits - shown);
		used = strlen(why);
		if (used < whysz)
			snprintf(why + used, whysz - used, "; give its number "
			    "or more of its key");
		return -1;
	}
	snprintf(why, whysz, "no friend \"%s\": give a number, a name, or %d "
	    "or more digits of a key (\"friends\" lists them)", word,
	    FRIEND_PREFIX_MIN);
	return -1;
}
