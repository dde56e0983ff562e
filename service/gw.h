/*
 * gw: what a gateway adapter hands back to the HTTP layer.
 *
 * Adapters (gw_at.c, gw_kannel.c) turn a wire format into a turn and a
 * screen back into a wire format; they never see libmicrohttpd.  The HTTP
 * layer copies the request fields out and sends this reply.
 */
#ifndef IDLINE_GW_H
#define IDLINE_GW_H

#include <stddef.h>

struct gw_field {
	const char	*name;
	const char	*value;		/* NUL-terminated copy */
	size_t		 len;		/* bytes received (NULs show here) */
};

struct gw_request {
	const char		*method;	/* "GET" / "POST" */
	const char		*peer;		/* client IP address */
	const struct gw_field	*fields;	/* query + form fields */
	size_t			 nfields;
	const char		*body;		/* raw body for text/plain POST */
	size_t			 bodylen;
};

struct gw_reply {
	int	 status;	/* HTTP status */
	char	*body;		/* owned; may be "" */
	int	 ucs2;		/* Kannel: X-Kannel-Coding: 2 */
	char	*kannel_meta;	/* Kannel: X-Kannel-Meta-Data, owned */
};

/* Returns the field's value or NULL; *len (may be NULL) its byte count. */
const char	*gw_field(const struct gw_request *r, const char *name,
		    size_t *len);
/* Sets a plain-text reply (copies body). */
void		 gw_reply_text(struct gw_reply *rep, int status,
		    const char *body);

#endif
