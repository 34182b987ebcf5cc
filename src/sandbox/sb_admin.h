/* The sandbox-only admin API under /__sandbox/ (private to the sandbox). */
#ifndef CS_SANDBOX_SB_ADMIN_H
#define CS_SANDBOX_SB_ADMIN_H

#include "sandbox/sb.h"

/* Answers one /__sandbox/ request. Called with ctx->lock held. */
void sb_admin_handle(sb_ctx *ctx, sb_request *req, sb_response *res);

#endif
