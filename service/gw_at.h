/*
 * gw_at: the Africa's Talking USSD callback.
 *
 * POST form fields sessionId, serviceCode, phoneNumber, networkCode, text;
 * text is "" on the first hop, then every input so far joined by '*'.
 * Reply: 200 text/plain "CON <screen>" or "END <screen>".  Protocol errors
 * (missing sessionId or phoneNumber) get a 400 with a one-line reason;
 * input the user can fix gets "END" with a polite line.
 */
#ifndef IDLINE_GW_AT_H
#define IDLINE_GW_AT_H

#include "gw.h"

struct svc;

void	gw_at_handle(struct svc *svc, const struct gw_request *req,
	    struct gw_reply *rep);

#endif
