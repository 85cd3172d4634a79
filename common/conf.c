/* bulkhead.conf parser: see conf.h. */
#include <stdio.h>
#include <string.h>

#include "common/conf.h"
#include "common/rd.h"

static int
is_space(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static int
is_key_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Parses one line (without its '\n').  0: entry or blank, -1: error. */
static int
parse_line(struct rd *line, struct conf_entry *e, int *have, const char **why)
{
	const uint8_t	*p;
	size_t		 n, i, start, end;

	*have = 0;
	p = rd_rest(line, &n);
	if (n > 0 && p[n - 1] == '\r')		/* CRLF files */
		n--;
	for (i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f) {
			*why = "control character";
			return -1;
		}
	while (n > 0 && is_space(p[n - 1]))
		n--;
	for (i = 0; i < n && is_space(p[i]); i++)
		;
	if (i == n || p[i] == '#')
		return 0;
	start = i;
	while (i < n && is_key_char(p[i]))
		i++;
	if (i == start || i - start > CONF_MAX_KEY) {
		*why = "expected an option name (a-z, 0-9, -)";
		return -1;
	}
	memcpy(e->key, p + start, i - start);
	e->key[i - start] = '\0';
	while (i < n && is_space(p[i]))
		i++;
	if (i == n) {
		e->has_value = 0;
		e->value[0] = '\0';
		*have = 1;
		return 0;
	}
	if (p[i] != '=') {
		*why = "expected '=' after the option name";
		return -1;
	}
	for (i++; i < n && is_space(p[i]); i++)
		;
	start = i;
	end = n;
	if (i < n && p[i] == '"') {
		if (n - i < 2 || p[n - 1] != '"') {
			*why = "unterminated quoted value";
			return -1;
		}
		start = i + 1;
		end = n - 1;
		if (memchr(p + start, '"', end - start) != NULL) {
			*why = "quote inside a quoted value";
			return -1;
		}
	}
	if (end - start > CONF_MAX_VALUE) {
		*why = "value too long";
		return -1;
	}
	memcpy(e->value, p + start, end - start);
	e->value[end - start] = '\0';
	e->has_value = 1;
	*have = 1;
	return 0;
}

int
conf_parse(const uint8_t *buf, size_t len, struct conf_entry *out, size_t max,
    char *err, size_t errsz)
{
	struct rd	 r, line;
	const char	*why = NULL;
	size_t		 n = 0, linelen;
	long		 nl;
	int		 lineno = 0, have;

	if (len > CONF_MAX_FILE) {
		snprintf(err, errsz, "file larger than %d bytes", CONF_MAX_FILE);
		return -1;
	}
	rd_init(&r, buf, len);
	while (rd_left(&r) > 0) {
		lineno++;
		nl = rd_find(&r, '\n');
		linelen = nl != -1 ? (size_t)nl : rd_left(&r);
		if (rd_sub(&r, linelen, &line) == -1)
			break;
		if (nl != -1)
			(void)rd_skip(&r, 1);
		if (n == max) {
			why = "too many entries";
			goto bad;
		}
		memset(&out[n], 0, sizeof(out[n]));
		if (parse_line(&line, &out[n], &have, &why) == -1)
			goto bad;
		if (have)
			out[n++].line = lineno;
	}
	if (!rd_ok(&r)) {
		why = "internal read error";
		goto bad;
	}
	return (int)n;
bad:
	snprintf(err, errsz, "line %d: %s", lineno, why);
	return -1;
}
