/* The context phase of a round (context.c, context_assoc.c): what the
 * planner needs next to the round's changed records. */
#ifndef CS_ENGINE_CONTEXT_INT_H
#define CS_ENGINE_CONTEXT_INT_H

#include "engine/detect_int.h"

/* ---- context.c, context_assoc.c: the context phase ------------------------------ */

/* Reads what the planner needs next to the round's changed records:
 * counterparts, records sharing an email (C5), associations (A1, A2), and
 * the pass's owners, users, members and backfills. */
int context_round(sync_pass *p, sync_round *r, cs_err *err);
/* context_assoc.c: A1's children facts (a pair with a child pair) and A2's
 * parents (a pair with a parent pair) for the records of the round. */
int context_associations(sync_pass *p, sync_round *r, cs_err *err);

#endif
