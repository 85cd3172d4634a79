/*
 * bulkhead.conf: one option per line, "name = value" or a bare "name" for a
 * switch; '#' starts a comment line; a value may be "double quoted".  The
 * names are the long command-line options (see bulkhead.conf(5)), so the
 * supervisor feeds the entries through the same option parser.
 */
#ifndef BULKHEAD_CONF_H
#define BULKHEAD_CONF_H

#include <stddef.h>
#include <stdint.h>

#define CONF_MAX_FILE		(64 * 1024)
#define CONF_MAX_ENTRIES	128
#define CONF_MAX_KEY		32
#define CONF_MAX_VALUE		1024

struct conf_entry {
	char	key[CONF_MAX_KEY + 1];
	char	value[CONF_MAX_VALUE + 1];
	int	has_value;
	int	line;
};

/*
 * Parses a whole file.  Returns the number of entries (<= max), or -1 with
 * "line N: what" in err.
 */
int	conf_parse(const uint8_t *, size_t, struct conf_entry *, size_t max,
	    char *err, size_t errsz);

#endif
