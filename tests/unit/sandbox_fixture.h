/* A sandbox started in-process for the connector suites: a scratch data
 * directory, the sandbox on ports the OS picks, and both base URLs. Each
 * suite fills the options it cares about (limits, seeds, search lag) and
 * keeps its own connectors next to this. Header-only: every suite is its own
 * test binary. */
#ifndef CS_TESTS_SANDBOX_FIXTURE_H
#define CS_TESTS_SANDBOX_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"
#include "tmp_fixture.h"

typedef struct sb_fixture {
    char dir[64];
    cs_sandbox *sb;
    char hs_url[64], sf_url[64];
} sb_fixture;

/* Starts the sandbox of o (its data_dir is set here) in a new directory
 * named after prefix. */
static inline void sb_fixture_start(sb_fixture *f, const char *prefix, cs_sandbox_options *o)
{
    memset(f, 0, sizeof *f);
    tmp_dir(f->dir, sizeof f->dir, prefix);
    o->data_dir = f->dir;
    cs_err err = {0};
    cr_assert_eq(cs_sandbox_start(o, &f->sb, &err), 0, "sandbox: %s", err.message);
    snprintf(f->hs_url, sizeof f->hs_url, "http://127.0.0.1:%d", cs_sandbox_hubspot_port(f->sb));
    snprintf(f->sf_url, sizeof f->sf_url, "http://127.0.0.1:%d", cs_sandbox_salesforce_port(f->sb));
}

/* Stops the sandbox and removes its directory. */
static inline void sb_fixture_stop(sb_fixture *f)
{
    cs_sandbox_stop(f->sb);
    f->sb = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
}

#endif
