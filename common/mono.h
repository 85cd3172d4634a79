/* Monotonic time in milliseconds, and wall-clock seconds where the wire needs them. */
#ifndef BULKHEAD_MONO_H
#define BULKHEAD_MONO_H

#include <stdint.h>

uint64_t	mono_ms(void);		/* CLOCK_MONOTONIC, never goes back */
uint64_t	unix_s(void);		/* CLOCK_REALTIME seconds */

#endif
