/* QR codes for Tox IDs: see qr.h. */
#include <qrencode.h>
#include <stdio.h>

#include "frontend/qr.h"

#define QUIET	2	/* modules of white border; scanners need some */

static int
dark(const QRcode *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

int
qr_print(const char *text)
{
	/* Two modules per character cell, upper and lower half, drawn as
	 * light-on-dark-terminal friendly: a dark module is a space. */
	static const char *const cell[4] = {
		"\xe2\x96\x88",		/* both light: full block */
		"\xe2\x96\x84",		/* upper dark: lower half block */
		"\xe2\x96\x80",		/* lower dark: upper half block */
		" ",			/* both dark */
	};
	QRcode	*q;
	int	 x, y;

	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL)
		return -1;
	for (y = -QUIET; y < q->width + QUIET; y += 2) {
		for (x = -QUIET; x < q->width + QUIET; x++)
			fputs(cell[dark(q, x, y) | dark(q, x, y + 1) << 1],
			    stdout);
		fputc('\n', stdout);
	}
	fflush(stdout);
	QRcode_free(q);
	return 0;
}
