/* crmsync: entry point. Everything lives in the library; main only hands
 * argv to the command-line front end. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cs_cli_main(argc, argv);
}
