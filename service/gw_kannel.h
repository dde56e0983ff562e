/*
 * gw_kannel: Kannel's sms-service callback, delivery reports, and USSD
 * over SMPP carried through Kannel's meta-data.
 *
 * GET|POST /sms/kannel?from=%p&to=%P&text=%a&smsc=%i&id=%I&time=%t&
 * coding=%c&meta=%D answers with the reply SMS in the body (X-Kannel-Coding
 * 2 when it is not GSM-7), fitted to the configured number of parts.  When
 * meta carries ussd_service_op the hop goes to the USSD engine and the
 * reply sets the continue/end op in X-Kannel-Meta-Data.
 * GET /sms/kannel/dlr?id=<outbox id>&status=%d records delivery reports.
 */
#ifndef IDLINE_GW_KANNEL_H
#define IDLINE_GW_KANNEL_H

#include "gw.h"

struct svc;

void	gw_kannel_handle(struct svc *svc, const struct gw_request *req,
	    struct gw_reply *rep);
void	gw_kannel_dlr(struct svc *svc, const struct gw_request *req,
	    struct gw_reply *rep);

#endif
