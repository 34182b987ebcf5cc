/* One listening server of the sandbox (private to the sandbox module). */
#ifndef CS_SANDBOX_SB_HTTP_H
#define CS_SANDBOX_SB_HTTP_H

#include "sandbox/sb.h"
#include "sandbox/sb_tls.h"

typedef struct sb_server sb_server;

/* Listens on 127.0.0.1:port (0 = any free port), speaking HTTPS with tls's
 * certificate when tls is not NULL (borrowed: it must outlive the server).
 * Caller stops it with sb_server_stop(). */
sb_server *sb_server_start(sb_ctx *ctx, sb_api_id api, const sb_api_ops *ops, int port,
                           const sb_tls *tls, cs_err *err);
int sb_server_port(const sb_server *s);
void sb_server_stop(sb_server *s);

#define SB_PARAM_NAME_MAX 48

typedef struct sb_route_scratch {
    char *path;
    char names[SB_MAX_PARAMS][SB_PARAM_NAME_MAX];
} sb_route_scratch;

/* Finds the first route of the table matching req's method and path and
 * fills req's path parameters and route_pattern. The parameters point into
 * scratch, which the caller disposes of after the request. */
const sb_route *sb_route_lookup(const sb_route *routes, sb_request *req, sb_route_scratch *scratch);
void sb_route_scratch_dispose(sb_route_scratch *scratch);

/* True when tok is a bearer token the sandbox currently accepts. */
bool sb_token_valid(sb_ctx *ctx, sb_api_id api, const char *tok);

#endif
