/* One logger for the process: levels, plain or key=value output on stderr,
 * and redaction of registered secrets (tokens never reach a log line). The
 * logger's configuration is the only process-wide mutable state outside main. */
#ifndef CS_CORE_LOG_H
#define CS_CORE_LOG_H

typedef enum cs_log_level {
    CS_LOG_DEBUG = 0,
    CS_LOG_INFO,
    CS_LOG_WARN,
    CS_LOG_ERROR,
    CS_LOG_OFF
} cs_log_level;

void cs_log_set_level(cs_log_level level);
cs_log_level cs_log_get_level(void);
/* Parses "debug", "info", "warn", "error", "off"; returns -1 if unknown. */
int cs_log_level_parse(const char *name, cs_log_level *out);
/* Remembers a secret (copied) to be replaced by "[redacted]" in every line. */
void cs_log_add_secret(const char *secret);

void cs_log(cs_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define CS_LOG_ENABLED(lvl) ((lvl) >= cs_log_get_level())
#define cs_debug(comp, ...)                                                                        \
    do {                                                                                           \
        if (CS_LOG_ENABLED(CS_LOG_DEBUG))                                                          \
            cs_log(CS_LOG_DEBUG, comp, __VA_ARGS__);                                               \
    } while (0)
#define cs_info(comp, ...)  cs_log(CS_LOG_INFO, comp, __VA_ARGS__)
#define cs_warn(comp, ...)  cs_log(CS_LOG_WARN, comp, __VA_ARGS__)
#define cs_error(comp, ...) cs_log(CS_LOG_ERROR, comp, __VA_ARGS__)

#endif
