/* Logger (see log.h). Lines go to stderr as
 *   2026-01-02T03:04:05.678Z level=info comp=sandbox msg...
 * Secrets are masked before the line is written. */
#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

/* Tokens rotate (OAuth refresh): keep the newest MAX_SECRETS, replacing the
 * oldest, so a long run never stops masking its current token. */
#define MAX_SECRETS 64

static cs_log_level g_level = CS_LOG_INFO;
static char *g_secrets[MAX_SECRETS];
static int g_nsecrets;
static int g_next_secret; /* ring position once full */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

void cs_log_set_level(cs_log_level level)
{
    g_level = level;
}

cs_log_level cs_log_get_level(void)
{
    return g_level;
}

int cs_log_level_parse(const char *name, cs_log_level *out)
{
    static const char *names[] = {"debug", "info", "warn", "error", "off"};
    for (int i = 0; i < 5; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (cs_log_level)i;
            return 0;
        }
    }
    return -1;
}

void cs_log_add_secret(const char *secret)
{
    if (secret == NULL || strlen(secret) < 4)
        return;
    pthread_mutex_lock(&g_lock);
    for (int i = 0; i < g_nsecrets; i++) {
        if (strcmp(g_secrets[i], secret) == 0) {
            pthread_mutex_unlock(&g_lock);
            return;
        }
    }
    char *copy = strdup(secret);
    if (copy) {
        if (g_nsecrets < MAX_SECRETS) {
            g_secrets[g_nsecrets++] = copy;
        } else {
            free(g_secrets[g_next_secret]);
            g_secrets[g_next_secret] = copy;
            g_next_secret = (g_next_secret + 1) % MAX_SECRETS;
        }
    }
    pthread_mutex_unlock(&g_lock);
}

static void redact(char *line, size_t size)
{
    static const char mask[] = "[redacted]";
    for (int i = 0; i < g_nsecrets; i++) {
        size_t slen = strlen(g_secrets[i]);
        char *hit;
        while ((hit = strstr(line, g_secrets[i])) != NULL) {
            size_t tail = strlen(hit + slen);
            size_t mlen = sizeof mask - 1;
            if ((size_t)(hit - line) + mlen + tail + 1 > size)
                tail = size - (size_t)(hit - line) - mlen - 1;
            memmove(hit + mlen, hit + slen, tail);
            hit[mlen + tail] = '\0';
            memcpy(hit, mask, mlen);
        }
    }
}

void cs_log(cs_log_level level, const char *component, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error", "off"};
    if (level < g_level || level >= CS_LOG_OFF)
        return;
    char line[2048];
    char when[CS_TIME_TEXT_MAX];
    cs_time_format_hubspot(cs_time_now_ms(), when);
    int n = snprintf(line, sizeof line, "%s level=%s comp=%s ", when, names[level], component);
    if (n < 0 || (size_t)n >= sizeof line)
        return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    pthread_mutex_lock(&g_lock);
    redact(line, sizeof line);
    fprintf(stderr, "%s\n", line);
    pthread_mutex_unlock(&g_lock);
}
