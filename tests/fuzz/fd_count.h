/*
 * How many descriptors the process has open: a fuzz target counts them
 * before and after an input, and a difference is a leak.
 */
#ifndef BULKHEAD_TESTS_FUZZ_FD_COUNT_H
#define BULKHEAD_TESTS_FUZZ_FD_COUNT_H

int	fd_count(void);

#endif
