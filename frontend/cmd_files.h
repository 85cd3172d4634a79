/* File transfers, as chatd runs them: see cmd_files.c. */
#ifndef BULKHEAD_FRONTEND_CMD_FILES_H
#define BULKHEAD_FRONTEND_CMD_FILES_H

#include "ipc/chan.h"

/* chatd's notices to the frontend: the file_* events. */
extern const struct chan_table	cmd_files_from_chatd;

#endif
