/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `fluxctl oci-hook` needs from the OCI state a runtime writes on a
 * hook's standard input (runtime-spec "State"): the container's id, pid,
 * status and bundle, and the fluxcap annotations, taken from the state or,
 * when the runtime passes none, from the bundle's config.json.
 */
#ifndef _FC_OCI_STATE_H
#define _FC_OCI_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define FC_OCI_ANN_GROUP	"io.fluxcap.group"
#define FC_OCI_ANN_TRANSIENT	"io.fluxcap.transient"

/* The most fluxctl reads from stdin or from a config.json. */
#define FC_OCI_MAX_INPUT	(4 << 20)
/* How long fluxctl waits for the runtime to write and close stdin. */
#define FC_OCI_STDIN_TIMEOUT_MS	10000

struct fc_oci_state {
	char *id;		/* required */
	char *status;		/* required: creating, created, running, stopped */
	char *bundle;		/* "" when absent */
	pid_t pid;		/* 0 when absent or 0 (poststop) */
	char *group;		/* io.fluxcap.group; NULL when absent */
	char *transient;	/* io.fluxcap.transient; NULL when absent */
	bool from_config;	/* the annotations came from config.json */
};

/*
 * Reads the state from fd (bounded in size and time), then the
 * annotations (from config.json when the state has none). Return: 0, or
 * -EINVAL with the reason in err (bad input); -errno otherwise, also
 * explained in err. Free with fc_oci_state_free() in every case.
 */
int fc_oci_state_read(int fd, struct fc_oci_state *st, char *err, size_t errlen);
void fc_oci_state_free(struct fc_oci_state *st);

#endif /* _FC_OCI_STATE_H */
