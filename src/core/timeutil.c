/* Time conversions (see timeutil.h). Uses timegm/gmtime_r only: no locale, no
 * local time zone. */
#include "core/timeutil.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t cs_time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t cs_time_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void split(int64_t ms, struct tm *tm, int *millis)
{
    int64_t secs = ms / 1000;
    int64_t rem = ms % 1000;
    if (rem < 0) {
        rem += 1000;
        secs -= 1;
    }
    time_t t = (time_t)secs;
    memset(tm, 0, sizeof *tm);
    gmtime_r(&t, tm);
    *millis = (int)rem;
}

static void format(int64_t ms, const char *suffix, char out[CS_TIME_TEXT_MAX])
{
    struct tm tm;
    int millis;
    split(ms, &tm, &millis);
    int n =
        snprintf(out, CS_TIME_TEXT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis, suffix);
    if (n < 0 || n >= CS_TIME_TEXT_MAX)
        out[0] = '\0';
}

void cs_time_format_hubspot(int64_t ms, char out[CS_TIME_TEXT_MAX])
{
    format(ms, "Z", out);
}

void cs_time_format_salesforce(int64_t ms, char out[CS_TIME_TEXT_MAX])
{
    format(ms, "+0000", out);
}

void cs_time_format_date(int64_t ms, char out[CS_TIME_TEXT_MAX])
{
    struct tm tm;
    int millis;
    split(ms, &tm, &millis);
    int n = snprintf(out, CS_TIME_TEXT_MAX, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday);
    if (n < 0 || n >= CS_TIME_TEXT_MAX)
        out[0] = '\0';
}

/* Reads exactly `width` digits. */
static int digits(const char **p, int width, int *out)
{
    int v = 0;
    for (int i = 0; i < width; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += width;
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days-from-civil algorithm): pure arithmetic, far cheaper than timegm(),
 * which matters when a query compares a datetime per stored row. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static int parse_iso(const char *s, int64_t *ms)
{
    int year, mon, day, hour = 0, min = 0, sec = 0, millis = 0;
    const char *p = s;
    if (digits(&p, 4, &year) || *p++ != '-' || digits(&p, 2, &mon) || *p++ != '-' ||
        digits(&p, 2, &day))
        return -1;
    if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon))
        return -1;
    int offset_min = 0;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (digits(&p, 2, &hour) || *p++ != ':' || digits(&p, 2, &min))
            return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &sec))
                return -1;
            if (*p == '.') {
                p++;
                int scale = 100, n = 0;
                while (isdigit((unsigned char)*p)) {
                    if (n < 3)
                        millis += (*p - '0') * scale;
                    scale /= 10;
                    n++;
                    p++;
                }
                if (n == 0)
                    return -1;
            }
        }
        if (hour > 23 || min > 59 || sec > 60)
            return -1;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1;
            int oh, om;
            p++;
            if (digits(&p, 2, &oh))
                return -1;
            if (*p == ':')
                p++;
            if (digits(&p, 2, &om))
                return -1;
            offset_min = sign * (oh * 60 + om);
        }
    }
    if (*p != '\0')
        return -1;
    int64_t secs = days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
    *ms = (secs - (int64_t)offset_min * 60) * 1000 + millis;
    return 0;
}

int cs_time_parse(const char *text, int64_t *ms, cs_err *err)
{
    if (text == NULL || *text == '\0')
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "empty date/time");
    size_t len = strlen(text);
    size_t ndigits = strspn(text, "0123456789");
    if (ndigits == len ||
        (text[0] == '-' && strspn(text + 1, "0123456789") == len - 1 && len > 1)) {
        if (len > 19)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "timestamp out of range: %.40s", text);
        long long v = 0;
        if (sscanf(text, "%lld", &v) != 1)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "not a timestamp: %.40s", text);
        *ms = (int64_t)v;
        return 0;
    }
    int64_t v;
    if (parse_iso(text, &v) != 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "not an ISO-8601 date/time: '%.60s'", text);
    *ms = v;
    return 0;
}
