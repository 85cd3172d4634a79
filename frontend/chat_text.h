/*
 * Message text, the user's and friends'.  A message may hold lines: the
 * one control character it keeps is '\n' (qTox, toxic and uTox send
 * multi-line messages as they are).  Everything else follows the
 * terminal-safe rules of common/textsafe.h.
 */
#ifndef BULKHEAD_FRONTEND_CHAT_TEXT_H
#define BULKHEAD_FRONTEND_CHAT_TEXT_H

#include <stddef.h>

/*
 * A friend's text for display: each line neutralised as textsafe() does,
 * the lines joined again with '\n'; a '\r' right before a '\n' (Windows
 * clients' line ends) is dropped.  The result is never longer than the
 * input, so dstsz = len + 1 never truncates (a smaller dst truncates on a
 * character boundary).  Returns the length written (without the NUL).
 */
size_t	chat_text_safe(const char *src, size_t len, char *dst, size_t dstsz);

/*
 * Text the user sends: NULL if it is valid UTF-8 whose only control
 * characters are '\n' and '\t'; else what is wrong, as "a control
 * character (U+001B) at byte 5", in why.  Bidi and zero-width characters
 * are the user's to send (emoji sequences join with U+200D): a receiving
 * bulkhead neutralises them, as it does everything a friend sends.
 */
const char *chat_text_check(const char *src, size_t len, char *why,
	    size_t whysz);

#endif
