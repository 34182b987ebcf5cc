/* Subrequests of composite resources (Salesforce's /composite): a request
 * whose method, URL, body and headers come from JSON rather than from a
 * connection, run through an API's own route table and handlers exactly as a
 * top-level request would be. What belongs to the top-level request only is
 * not repeated: bearer auth, admission against rate and daily limits, fault
 * injection, statistics and the API's finish headers. */
#ifndef CS_SANDBOX_SB_SUBREQ_H
#define CS_SANDBOX_SB_SUBREQ_H

#include "sandbox/sb_http.h"

#define SB_SUB_MAX_ARGS 16

typedef struct sb_subreq {
    sb_request req;        /* what the handler sees; conn is NULL */
    const sb_route *route; /* the matched route, NULL when none matched */
    char *path;            /* owned, percent-decoded */
    char *query;           /* owned, decoded copy of the query string, split into args */
    sb_pair args[SB_SUB_MAX_ARGS];
    sb_route_scratch scratch;
} sb_subreq;

/* Prepares method on url ("/services/data/v60.0/query?q=SELECT+Id+FROM+Lead":
 * the path is percent-decoded, query arguments are '+'- and percent-decoded,
 * as libmicrohttpd does for a top-level request) and finds its route in
 * routes. body (body_len bytes, NUL-terminated, "" for none) and headers are
 * borrowed until sb_subreq_dispose(). Returns -1 with err set when the URL
 * has more than SB_SUB_MAX_ARGS arguments or memory ran out; s is then
 * still disposable. */
int sb_subreq_init(sb_subreq *s, sb_api_id api, const sb_route *routes, const char *method,
                   const char *url, const char *body, size_t body_len, const sb_pair *headers,
                   int nheaders, cs_err *err);
/* Calls the matched route's handler, or the API's not_found answer. */
void sb_subreq_run(sb_ctx *ctx, const sb_api_ops *ops, sb_subreq *s, sb_response *res);
void sb_subreq_dispose(sb_subreq *s);

/* An empty 200 response with a body bounded as a top-level one; released
 * with sb_response_dispose(). */
void sb_response_init(sb_response *res);
void sb_response_dispose(sb_response *res);

#endif
