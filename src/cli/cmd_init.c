/* `crmsync init`: writes a commented crmsync.yaml (the config module's
 * starter text) pointed at a sandbox — or at any HubSpot and Salesforce
 * URLs given — and refuses to overwrite an existing file without --force.
 * The text is loaded back before it is written, so init never leaves a file
 * that `crmsync check` would refuse. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "core/buf.h"

#define DEFAULT_HS_URL "http://127.0.0.1:8081"
#define DEFAULT_SF_URL "http://127.0.0.1:8082"

static void init_usage(FILE *out)
{
    fprintf(out,
            "usage: crmsync init [--config FILE] [--hubspot-url URL] [--salesforce-url URL]\n"
            "                    [--store URL] [--ca-file FILE] [--force]\n\n"
            "Writes a commented crmsync.yaml: every key with its default, the rule of every\n"
            "default mapping, and an example custom mapping. Edit it from there.\n\n"
            "  --config FILE          where to write it (default ./crmsync.yaml)\n"
            "  --hubspot-url URL      HubSpot API root (default " DEFAULT_HS_URL ", a sandbox;\n"
            "                         https://api.hubapi.com for a real portal)\n"
            "  --salesforce-url URL   Salesforce instance (default " DEFAULT_SF_URL ")\n"
            "  --store URL            state store (default sqlite:crmsync.db)\n"
            "  --ca-file FILE         CA certificate both APIs are to trust (the path\n"
            "                         `crmsync sandbox --tls` prints); written as ca_file\n"
            "  --force                overwrite an existing file\n\n"
            "A sandbox for the defaults: crmsync sandbox --data DIR --hubspot-port 8081 "
            "--salesforce-port 8082\n"
            "Exit codes: 0 written, 1 the file could not be written, 2 usage error or the file\n"
            "exists.\n");
}

static int write_file(const char *path, const char *text, bool force)
{
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
    int fd = open(path, flags, 0644);
    if (fd < 0) {
        if (errno == EEXIST) {
            fprintf(stderr, "crmsync init: %s already exists; use --force to overwrite it\n", path);
            return CS_EXIT_USAGE;
        }
        fprintf(stderr, "crmsync init: cannot write %s: %s\n", path, strerror(errno));
        return CS_EXIT_FAILURE;
    }
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "crmsync init: writing %s: %s\n", path, strerror(errno));
            close(fd);
            return CS_EXIT_FAILURE;
        }
        done += (size_t)n;
    }
    if (close(fd) != 0) {
        fprintf(stderr, "crmsync init: writing %s: %s\n", path, strerror(errno));
        return CS_EXIT_FAILURE;
    }
    return CS_EXIT_OK;
}

int cs_cmd_init(int argc, char **argv)
{
    const char *path = CS_CLI_DEFAULT_CONFIG, *hs_url = DEFAULT_HS_URL, *sf_url = DEFAULT_SF_URL,
               *store = NULL, *ca_file = NULL;
    bool force = false, missing = false;
    cs_cli_args a;
    cs_cli_args_init(&a, "init", argc, argv);
    while (cs_cli_args_next(&a)) {
        if (cs_cli_args_flag(&a, "--help") || cs_cli_args_flag(&a, "-h")) {
            init_usage(stdout);
            return CS_EXIT_OK;
        } else if (cs_cli_args_flag(&a, "--force")) {
            force = true;
        } else if (cs_cli_args_value(&a, "--config", &missing)) {
            path = a.value;
        } else if (cs_cli_args_value(&a, "--hubspot-url", &missing)) {
            hs_url = a.value;
        } else if (cs_cli_args_value(&a, "--salesforce-url", &missing)) {
            sf_url = a.value;
        } else if (cs_cli_args_value(&a, "--store", &missing)) {
            store = a.value;
        } else if (cs_cli_args_value(&a, "--ca-file", &missing)) {
            ca_file = a.value;
        } else {
            return cs_cli_args_bad(&a, missing);
        }
    }
    /* The file is read from wherever crmsync later runs: keep it absolute. */
    char ca_abs[PATH_MAX];
    if (ca_file != NULL) {
        if (realpath(ca_file, ca_abs) == NULL) {
            fprintf(stderr, "crmsync init: --ca-file %s: %s\n", ca_file, strerror(errno));
            return CS_EXIT_USAGE;
        }
        ca_file = ca_abs;
    }
    cs_config_init_options io = {
        .hubspot_url = hs_url, .salesforce_url = sf_url, .store = store, .ca_file = ca_file};
    cs_buf text, problems;
    cs_buf_init(&text, (size_t)CS_CONFIG_MAX_BYTES);
    cs_buf_init(&problems, (size_t)1 << 16);
    cs_err err;
    cs_err_clear(&err);
    int code = CS_EXIT_OK;
    cs_config *cfg = NULL;
    if (cs_config_init_text(&io, &text, &err) != 0) {
        /* A URL given is not one crmsync accepts: a usage error (exit 2). The
         * message starts with "init: ". */
        fprintf(stderr, "crmsync %s\n", err.message);
        code = err.category == CS_ERR_CONFIG ? CS_EXIT_USAGE : CS_EXIT_FAILURE;
    } else if (cs_config_load_string_all(path, cs_buf_str(&text), text.len, &cfg, &problems,
                                         &err) != 0) {
        /* The URLs (or the store) given on the command line are not valid. */
        fprintf(stderr, "%s", problems.len ? cs_buf_str(&problems) : err.message);
        fprintf(stderr,
                "\ncrmsync init: check --hubspot-url, --salesforce-url, --store and --ca-file\n");
        code = CS_EXIT_USAGE;
    } else {
        code = write_file(path, cs_buf_str(&text), force);
    }
    if (code == CS_EXIT_OK) {
        printf("wrote %s (HubSpot %s, Salesforce %s)\n\n", path, hs_url, sf_url);
        bool other = strcmp(path, CS_CLI_DEFAULT_CONFIG) != 0;
        const char *opt = other ? " --config " : "", *file = other ? path : "";
        printf("Next:\n"
               "  export HUBSPOT_TOKEN=... SALESFORCE_TOKEN=...   # sandbox-token for a sandbox\n"
               "  crmsync check%s%s   # compare the mappings with both sides' live schemas\n"
               "  crmsync plan%s%s    # what a sync would write, field by field\n"
               "  crmsync sync%s%s    # one pass\n",
               opt, file, opt, file, opt, file);
    }
    cs_config_free(cfg);
    cs_buf_free(&text);
    cs_buf_free(&problems);
    return code;
}
