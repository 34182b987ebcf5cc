/* crmsync: entry point. Everything lives in the library; main only hands
 * argv to the command-line front end.
 *
 * With glibc, fast bins are turned off: a pass allocates millions of small
 * JSON nodes and record strings and frees them a round at a time, and every
 * large free or allocation in between made malloc consolidate all the fast
 * bins again (about a tenth of a first pass's CPU). The per-thread cache
 * still serves small blocks without locking. */
#include <stdlib.h> /* defines __GLIBC__ on glibc */
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli/cli.h"

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    mallopt(M_MXFAST, 0);
#endif
    return cs_cli_main(argc, argv);
}
