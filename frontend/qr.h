/* Drawing a Tox ID as a QR code in the terminal (libqrencode). */
#ifndef BULKHEAD_FRONTEND_QR_H
#define BULKHEAD_FRONTEND_QR_H

/* Prints the code for text with half-block characters; -1 on failure. */
int	qr_print(const char *text);

#endif
