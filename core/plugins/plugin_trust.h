/* Which plugin files and directories nnlab is willing to load code from. */
#ifndef NNLAB_PLUGIN_TRUST_H
#define NNLAB_PLUGIN_TRUST_H

#include <nnlab/common.h>

/* FALSE with the reason when another user could change path: it is
 * writable by every user, writable by a group other than ours, or owned by
 * someone other than us or root. NNLAB_ALLOW_INSECURE_PLUGINS=1 turns the
 * check off (unsafe: see SECURITY.md). */
gboolean plugin_path_trusted(const char *path, GError **error);

#endif
