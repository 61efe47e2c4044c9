/* Comma-separated lists whose items may hold commas in brackets:
 * "dense(64), leaky_relu(negative_slope=0.1)", "lr=0.1, betas=(0.9,0.99)". */
#ifndef NNLAB_TEXT_LIST_H
#define NNLAB_TEXT_LIST_H

#include <glib.h>

/* The items of text split at commas outside () and [], each trimmed,
 * empty ones dropped; NULL when the brackets do not balance. */
GPtrArray *text_list_split(const char *text);

#endif
