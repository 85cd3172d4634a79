/*
 * The pure parts of sandbox.h: flag names and each role's fixed channel
 * descriptors.  No libseccomp here, so the supervisor, which links
 * libsandbox.a for spawn.c, can print flags without linking libseccomp.
 */
#include <stdio.h>
#include <string.h>

#include "common/topology.h"
#include "sandbox/sandbox.h"

/* The names bulkhead(1) documents for `status`; logs use the same.
 * SB_COMPLETE is not among them: `status` shows it as "confined". */
static const struct {
	uint32_t	 flag;
	const char	*name;
} sb_flag_names[] = {
	{ SB_FDS_CLOSED,	"fds_closed" },
	{ SB_ENV_CLEARED,	"env_cleared" },
	{ SB_NO_CORE,		"no_core" },
	{ SB_NOT_DUMPABLE,	"not_dumpable" },
	{ SB_RLIMITS,		"rlimits" },
	{ SB_USERNS,		"userns" },
	{ SB_NETNS,		"netns" },
	{ SB_CHROOT,		"chroot" },
	{ SB_PRIVDROP,		"privdrop" },
	{ SB_LANDLOCK,		"landlock" },
	{ SB_NO_NEW_PRIVS,	"no_new_privs" },
	{ SB_SECCOMP,		"seccomp" },
};

const char *
sandbox_flag_name(size_t i, uint32_t *flag)
{
	if (i >= sizeof(sb_flag_names) / sizeof(sb_flag_names[0]))
		return NULL;
	*flag = sb_flag_names[i].flag;
	return sb_flag_names[i].name;
}

void
sandbox_flags_str(uint32_t flags, char *buf, size_t bufsz)
{
	size_t	i, len = 0;
	int	n;

	if (bufsz == 0)
		return;
	buf[0] = '\0';
	/* A verdict, not a measure: `status` and the log say it apart. */
	flags &= ~SB_COMPLETE;
	for (i = 0; i < sizeof(sb_flag_names) / sizeof(sb_flag_names[0]); i++) {
		if ((flags & sb_flag_names[i].flag) == 0)
			continue;
		flags &= ~sb_flag_names[i].flag;
		n = snprintf(buf + len, bufsz - len, "%s%s",
		    len > 0 ? "," : "", sb_flag_names[i].name);
		if (n < 0 || (size_t)n >= bufsz - len)
			goto trunc;
		len += (size_t)n;
	}
	/* An unknown bit comes from a newer peer: show it, don't hide it. */
	if (flags != 0) {
		n = snprintf(buf + len, bufsz - len, "%s0x%x",
		    len > 0 ? "," : "", flags);
		if (n < 0 || (size_t)n >= bufsz - len)
			goto trunc;
		len += (size_t)n;
	}
	if (len == 0)
		(void)snprintf(buf, bufsz, "none");
	return;
trunc:
	/* Drop the partial name and say that something is missing. */
	buf[len] = '\0';
	if (bufsz - len >= 4)
		memcpy(buf + len, "...", 4);
	else if (bufsz >= 4)
		memcpy(buf + bufsz - 4, "...", 4);
}

/* A role's channels are where the topology puts them (common/topology.c). */
size_t
sandbox_role_fds(enum role role, const int **fds)
{
	static int	tab[ROLE_MAX][8];

	if (role <= ROLE_SUP || role >= ROLE_MAX) {
		*fds = NULL;
		return 0;
	}
	*fds = tab[role];
	return topo_role_fds(role, tab[role], 8);
}
