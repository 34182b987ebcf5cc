/* Internals of the net module shared by its .c files: the client struct and
 * the single-exchange primitive. Not to be included outside src/net/. */
#ifndef CS_NET_NET_INT_H
#define CS_NET_NET_INT_H

#include <curl/curl.h>

#include "net/net.h"

struct cs_http_client {
    CURL *curl; /* one easy handle: its connection cache gives keep-alive */
    char *base_url;
    char *user_agent;
    long connect_timeout_ms;
    long attempt_timeout_ms;
    long deadline_ms;
    int max_retries;
    cs_backoff backoff;
    int64_t max_wait_ms;
    size_t max_response;
    cs_http_token_fn token;
    cs_http_refresh_fn refresh;
    void *auth_ud;
    cs_net_clock clock;
    uint64_t rng;
    cs_http_usage usage;
    cs_rate_window window;
    bool window_spent;    /* the last answer said the rolling window is spent */
    bool secondly_spent;  /* ... or the per-second allowance */
    cs_rate_window paced; /* when the paced requests started */
    int paced_per_second;
    char *last_token;                  /* the token last sent, masked in every error message */
    char *ca_file;                     /* CURLOPT_CAINFO, or NULL: the system store */
    char *api_label;                   /* "HubSpot", for TLS errors; may be NULL */
    char *ca_setting;                  /* "hubspot.ca_file", for TLS errors; may be NULL */
    const volatile sig_atomic_t *stop; /* raised by a signal handler; may be NULL */
    char curl_error[CURL_ERROR_SIZE];
};

/* How one exchange ended, beyond the response itself. */
typedef struct net_exchange {
    cs_net_failure failure;
    bool sent;            /* request bytes left this host */
    bool too_large;       /* the body passed max_response */
    bool header_overflow; /* too many or too long header lines */
    bool tls_untrusted;   /* the peer's certificate (or the CA file) failed verification */
    bool stopped;         /* abandoned because the stop flag was raised */
    char detail[CURL_ERROR_SIZE + 64];
} net_exchange;

/* One exchange on the client's handle; fills resp (status, headers of
 * interest, body) and x. Never retries. */
typedef struct net_exchange_spec {
    cs_http_method method;
    const char *url;
    struct curl_slist *headers;
    const char *body; /* may be NULL */
    size_t body_len;
    bool fresh_connection; /* never reuse a kept-alive connection */
    long timeout_ms;       /* this exchange, connect included */
} net_exchange_spec;

void net_exchange_run(cs_http_client *c, const net_exchange_spec *spec, cs_http_response *resp,
                      net_exchange *x);

/* Builds base + path (or the absolute path) + "?" + encoded query into url.
 * Returns 0, or -1 with CS_ERR_INVALID_INPUT. */
int net_build_url(const char *base, const cs_http_request *req, cs_buf *url, cs_err *err);

/* The part of a path or URL that may appear in messages: no query string,
 * at most out_size - 1 bytes. */
void net_display_path(const char *path, char *out, size_t out_size);

int64_t net_wall_ms(const cs_http_client *c);
int64_t net_mono_ms(const cs_http_client *c);
/* Sleeps ms, in short slices while a stop flag is set up: returns early
 * once it is raised. */
void net_sleep_ms(const cs_http_client *c, int64_t ms);
bool net_stopped(const cs_http_client *c);

#endif
