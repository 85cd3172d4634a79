/*
 * c-toxcore 0.2.18 savedata ("state format", spec "State Format"), the
 * plaintext inside a toxencryptsave file:
 *
 *	u32 0 || u32 LE 0x15ED1B1F || sections
 *	section = u32 LE length || u16 LE type || u16 LE 0x01CE || body
 *
 * up to the end section (type 0xFF, length 0).  c-toxcore over-reports the
 * size it needs and zero-fills the tail, so whatever follows the end
 * section is ignored.  A parse is strict where c-toxcore is sloppy (a field
 * longer than its slot, a duplicated section, an unknown family in a node
 * list): such a file was not written by any Tox client, and a profile we
 * cannot represent exactly is one we would damage on the next save.
 */
#ifndef BULKHEAD_SAVEDATA_H
#define BULKHEAD_SAVEDATA_H

#include <stddef.h>
#include <stdint.h>

#include "keyd/profile.h"

#define SAVEDATA_MAGIC		0x15ED1B1Fu
#define SAVEDATA_COOKIE		0x01CE
#define SAVEDATA_DHT_MAGIC	0x0159000Du
#define SAVEDATA_DHT_COOKIE	0x11CE
#define SAVEDATA_DHT_NODES	4
#define SAVEDATA_FRIEND_SIZE	2216
#define SAVEDATA_KEYS_SIZE	(TOX_NOSPAM_LEN + TOX_PK_LEN + TOX_SK_LEN)

enum savedata_type {
	SD_NOSPAMKEYS		= 0x01,
	SD_DHT			= 0x02,
	SD_FRIENDS		= 0x03,
	SD_NAME			= 0x04,
	SD_STATUSMSG		= 0x05,
	SD_STATUS		= 0x06,
	SD_TCP_RELAYS		= 0x0A,
	SD_PATH_NODES		= 0x0B,
	SD_CONFERENCES		= 0x14,
	SD_END			= 0xFF
};

enum savedata_err {
	SD_OK = 0,
	SD_ERR_NOT_PROFILE,	/* no savedata header */
	SD_ERR_TRUNCATED,	/* a section runs past the end */
	SD_ERR_CORRUPT,		/* a section is malformed */
	SD_ERR_NO_KEYS,		/* no NospamKeys section */
	SD_ERR_KEY_MISMATCH,	/* public key is not that of the secret key */
	SD_ERR_NOMEM,
	SD_ERR_MAX
};

/*
 * Parses savedata into a new profile (*out).  The secret key is copied
 * from the input straight into the profile's vault; the caller wipes the
 * input.  Returns SD_OK, or an error and *out = NULL.
 */
enum savedata_err savedata_parse(const uint8_t *, size_t, struct profile **out);
/* Exact size savedata_build() writes for p. */
size_t		savedata_size(const struct profile *p);
/*
 * Writes p as savedata, sections in c-toxcore's order (1, 2, 3, 4, 5, 6,
 * 10, 11, 20, the kept unknown ones, 255) into out, which holds cap bytes.
 * Returns the length written, or 0 if cap is short or p cannot be written
 * (an over-long field, a kept section with a known type).  out will hold
 * the secret key: allocate it with secbuf_alloc().
 */
size_t		savedata_build(const struct profile *p, uint8_t *out, size_t cap);
/* A short English description of an error. */
const char	*savedata_strerror(enum savedata_err);

#endif
