/* Unit tests of store/, part two: the journal (R5), record errors with their
 * retry schedule and history (R4, R8, R9), runs, meta values, counts and the
 * names of the store's enums. test_store.c has the rest. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "store/store.h"
#include "store_fixture.h"

TestSuite(store_log, .init = store_fixture_setup, .fini = store_fixture_teardown);

/* ---- journal (R5) ------------------------------------------------------- */

static void journal(cs_store *s, int64_t at, int64_t run, cs_store_dir dir, cs_store_op op,
                    const char *hs, const char *sf, const char *field, const char *old_value,
                    const char *new_value, const char *reason)
{
    cs_journal_entry e = {.at_ms = at,
                          .run_id = run,
                          .dir = dir,
                          .op = op,
                          .object = "contact",
                          .hs_id = hs,
                          .sf_id = sf,
                          .field = field,
                          .old_value = old_value,
                          .new_value = new_value,
                          .reason = reason};
    cs_err err = {0};
    cr_assert_eq(cs_store_journal_add(s, &e, &err), 0, "%s", err.message);
}

static void fill_journal(cs_store *s)
{
    journal(s, 100, 1, CS_STORE_HS_TO_SF, CS_STORE_OP_CREATE, "1", "00Q1", NULL, NULL, NULL,
            "new HubSpot contact");
    journal(s, 100, 1, CS_STORE_HS_TO_SF, CS_STORE_OP_LINK, "1", "00Q1", NULL, NULL, NULL,
            "created");
    journal(s, 200, 1, CS_STORE_SF_TO_HS, CS_STORE_OP_UPDATE, "2", "0032", "phone", "555-0100",
            NULL, "prefer_sf_unless_blank");
    journal(s, 300, 2, CS_STORE_HS_TO_SF, CS_STORE_OP_UPDATE, "1", "00Q1", "firstname", "Ada",
            "Augusta", "conflict: latest won");
    journal(s, 300, 2, CS_STORE_SF_TO_HS, CS_STORE_OP_RELINK, "1", "0031", NULL, "00Q1", "0031",
            "lead converted");
}

Test(store_log, journal_round_trip_newest_first)
{
    cs_store *s = open_db();
    fill_journal(s);
    cs_journal_list l = {0};
    cs_err err = {0};
    cr_assert_eq(cs_store_journal_list(s, NULL, &l, &err), 0, "%s", err.message);
    cr_assert_eq(l.count, 5);
    cr_assert_eq(l.items[0].op, CS_STORE_OP_RELINK);
    cr_assert_eq(l.items[0].dir, CS_STORE_SF_TO_HS);
    cr_assert_str_eq(l.items[0].reason, "lead converted");
    cr_assert_str_eq(l.items[0].old_value, "00Q1");
    cr_assert_eq(l.items[1].at_ms, 300);
    cr_assert_eq(l.items[1].run_id, 2);
    cr_assert_str_eq(l.items[1].field, "firstname");
    cr_assert_str_eq(l.items[1].old_value, "Ada");
    cr_assert_str_eq(l.items[1].new_value, "Augusta");
    cr_assert_str_eq(l.items[1].object, "contact");
    /* A cleared value stays null, not "". */
    cr_assert_str_eq(l.items[2].old_value, "555-0100");
    cr_assert_null(l.items[2].new_value);
    cr_assert_null(l.items[4].field);
    cr_assert_eq(l.items[4].op, CS_STORE_OP_CREATE);
    for (size_t i = 1; i < l.count; i++)
        cr_assert(l.items[i - 1].id > l.items[i].id);
    cs_journal_list_dispose(&l);
    cs_journal_list_dispose(NULL);
    cs_store_close(s);
}

Test(store_log, journal_filters_by_record_and_run_with_paging)
{
    cs_store *s = open_db();
    fill_journal(s);
    cs_err err = {0};
    cs_journal_list l = {0};

    cs_journal_query by_hs = {.record_id = "1"};
    cr_assert_eq(cs_store_journal_list(s, &by_hs, &l, &err), 0);
    cr_assert_eq(l.count, 4);
    for (size_t i = 0; i < l.count; i++)
        cr_assert_str_eq(l.items[i].hs_id, "1");
    cs_journal_list_dispose(&l);

    /* A Salesforce id finds the entries that name it. */
    cs_journal_query by_sf = {.record_id = "00Q1"};
    cr_assert_eq(cs_store_journal_list(s, &by_sf, &l, &err), 0);
    cr_assert_eq(l.count, 3);
    cs_journal_list_dispose(&l);

    cs_journal_query by_run = {.run_id = 1};
    cr_assert_eq(cs_store_journal_list(s, &by_run, &l, &err), 0);
    cr_assert_eq(l.count, 3);
    cr_assert_eq(l.items[0].op, CS_STORE_OP_UPDATE);
    cs_journal_list_dispose(&l);

    cs_journal_query both = {.record_id = "1", .run_id = 2};
    cr_assert_eq(cs_store_journal_list(s, &both, &l, &err), 0);
    cr_assert_eq(l.count, 2);
    cs_journal_list_dispose(&l);

    cs_journal_query page = {.limit = 2, .offset = 1};
    cr_assert_eq(cs_store_journal_list(s, &page, &l, &err), 0);
    cr_assert_eq(l.count, 2);
    cr_assert_str_eq(l.items[0].field, "firstname");
    cr_assert_str_eq(l.items[1].field, "phone");
    cs_journal_list_dispose(&l);

    cs_journal_query none = {.record_id = "404"};
    cr_assert_eq(cs_store_journal_list(s, &none, &l, &err), 0);
    cr_assert_eq(l.count, 0);
    cs_journal_list_dispose(&l);
    cs_store_close(s);
}

Test(store_log, journal_needs_a_reason_and_fills_the_time)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cs_journal_entry e = {.dir = CS_STORE_HS_TO_SF, .op = CS_STORE_OP_UPDATE, .object = "contact"};
    cr_assert_eq(cs_store_journal_add(s, &e, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    cr_assert(strstr(err.message, "reason") != NULL, "%s", err.message);
    int64_t before = cs_time_now_ms();
    e.reason = "two_way";
    cr_assert_eq(cs_store_journal_add(s, &e, &err), 0);
    cs_journal_list l = {0};
    cr_assert_eq(cs_store_journal_list(s, NULL, &l, &err), 0);
    cr_assert_eq(l.count, 1);
    cr_assert(l.items[0].at_ms >= before);
    cr_assert_null(l.items[0].hs_id);
    cs_journal_list_dispose(&l);
    cs_store_close(s);
}

/* ---- record errors (R4, R8, R9) ------------------------------------------ */

static cs_record_error sample_error(const char *key, const char *message)
{
    cs_record_error e = {.side = CS_STORE_SALESFORCE,
                         .object = "contact",
                         .record_key = key,
                         .category = CS_CAT_PROPERTY_VALUES,
                         .field = "Email",
                         .message = message,
                         .email = "ada@example",
                         .hs_id = key};
    return e;
}

static cs_record_error_list list_errors(cs_store *s, bool due_only, int64_t now,
                                        bool include_dismissed)
{
    cs_error_query q = {
        .due_only = due_only, .now_ms = now, .include_dismissed = include_dismissed};
    cs_record_error_list l = {0};
    cs_err err = {0};
    cr_assert_eq(cs_store_error_list(s, &q, &l, &err), 0, "%s", err.message);
    return l;
}

Test(store_log, error_lifecycle_attempts_retry_clear_history)
{
    cs_store *s = open_db();
    cs_err err = {0};
    const int64_t t0 = 1767225600000; /* 2026-01-01T00:00:00Z */
    cs_record_error e = sample_error("101", "INVALID_EMAIL_ADDRESS: Email: invalid email");
    cr_assert_eq(cs_store_error_record(s, &e, t0, NULL, &err), 0, "%s", err.message);

    cs_record_error_list l = list_errors(s, false, 0, false);
    cr_assert_eq(l.count, 1);
    cs_record_error *got = &l.items[0];
    cr_assert_eq(got->side, CS_STORE_SALESFORCE);
    cr_assert_str_eq(got->object, "contact");
    cr_assert_str_eq(got->record_key, "101");
    cr_assert_eq(got->category, CS_CAT_PROPERTY_VALUES);
    cr_assert_str_eq(got->field, "Email");
    cr_assert_str_eq(got->message, "INVALID_EMAIL_ADDRESS: Email: invalid email");
    cr_assert_str_eq(got->email, "ada@example");
    cr_assert_str_eq(got->hs_id, "101");
    cr_assert_null(got->sf_id);
    cr_assert_eq(got->attempts, 1);
    cr_assert_eq(got->first_seen_ms, t0);
    cr_assert_eq(got->last_seen_ms, t0);
    cr_assert_eq(got->next_retry_ms, t0 + 20 * MIN_MS);
    cr_assert_not(got->dismissed);
    cs_record_error_list_dispose(&l);

    /* Not due before its time, due after. */
    l = list_errors(s, true, t0 + 19 * MIN_MS, false);
    cr_assert_eq(l.count, 0);
    cs_record_error_list_dispose(&l);
    l = list_errors(s, true, t0 + 20 * MIN_MS, false);
    cr_assert_eq(l.count, 1);
    cs_record_error_list_dispose(&l);

    /* Each failure counts up and waits longer (R8); email stays when not
     * given again, category and message follow the latest failure. */
    int64_t t = t0 + 20 * MIN_MS;
    cs_record_error again = sample_error("101", "FIELD_CUSTOM_VALIDATION_EXCEPTION: no");
    again.category = CS_CAT_CUSTOM_CODE;
    again.email = NULL;
    again.sf_id = "00Q101";
    cr_assert_eq(cs_store_error_record(s, &again, t, NULL, &err), 0);
    l = list_errors(s, false, 0, false);
    cr_assert_eq(l.count, 1);
    cr_assert_eq(l.items[0].attempts, 2);
    cr_assert_eq(l.items[0].first_seen_ms, t0);
    cr_assert_eq(l.items[0].last_seen_ms, t);
    cr_assert_eq(l.items[0].next_retry_ms, t + 40 * MIN_MS);
    cr_assert_eq(l.items[0].category, CS_CAT_CUSTOM_CODE);
    cr_assert_str_eq(l.items[0].email, "ada@example");
    cr_assert_str_eq(l.items[0].sf_id, "00Q101");
    cs_record_error_list_dispose(&l);

    /* Success clears it; the history stays. */
    cr_assert_eq(cs_store_error_clear(s, CS_STORE_SALESFORCE, "contact", "101", t + HOUR, &err), 1);
    cr_assert_eq(cs_store_error_clear(s, CS_STORE_SALESFORCE, "contact", "101", t + HOUR, &err), 0);
    l = list_errors(s, false, 0, true);
    cr_assert_eq(l.count, 0);
    cs_record_error_list_dispose(&l);

    cs_error_event_list h = {0};
    cr_assert_eq(cs_store_error_history(s, CS_STORE_SALESFORCE, "contact", "101", &h, &err), 0);
    cr_assert_eq(h.count, 3);
    cr_assert_eq(h.items[0].kind, CS_ERROR_EVENT_FAILED);
    cr_assert_eq(h.items[0].attempt, 1);
    cr_assert_eq(h.items[0].at_ms, t0);
    cr_assert_str_eq(h.items[0].message, "INVALID_EMAIL_ADDRESS: Email: invalid email");
    cr_assert_eq(h.items[1].attempt, 2);
    cr_assert_eq(h.items[1].category, CS_CAT_CUSTOM_CODE);
    cr_assert_eq(h.items[2].kind, CS_ERROR_EVENT_RESOLVED);
    cr_assert_eq(h.items[2].at_ms, t + HOUR);
    cr_assert_null(h.items[2].message);
    cs_error_event_list_dispose(&h);

    /* Failing again after success starts over at attempt 1. */
    cr_assert_eq(cs_store_error_record(s, &e, t + 2 * HOUR, NULL, &err), 0);
    l = list_errors(s, false, 0, false);
    cr_assert_eq(l.items[0].attempts, 1);
    cr_assert_eq(l.items[0].first_seen_ms, t + 2 * HOUR);
    cs_record_error_list_dispose(&l);
    cs_store_close(s);
}

Test(store_log, errors_follow_the_schedule_to_nightly)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cs_record_error e = sample_error("7", "STRING_TOO_LONG");
    int64_t t = 1767225600000;
    for (int attempt = 1; attempt <= 12; attempt++) {
        cr_assert_eq(cs_store_error_record(s, &e, t, NULL, &err), 0);
        cs_record_error_list l = list_errors(s, false, 0, false);
        cr_assert_eq(l.items[0].attempts, attempt);
        cr_assert_eq(l.items[0].next_retry_ms, cs_retry_next_ms(NULL, attempt, t));
        cr_assert(l.items[0].next_retry_ms >= t + 20 * MIN_MS);
        t = l.items[0].next_retry_ms; /* the engine retries when due, and it fails again */
        cs_record_error_list_dispose(&l);
    }
    cs_error_event_list h = {0};
    cr_assert_eq(cs_store_error_history(s, CS_STORE_SALESFORCE, "contact", "7", &h, &err), 0);
    cr_assert_eq(h.count, 12);
    cs_error_event_list_dispose(&h);
    cs_store_close(s);
}

Test(store_log, dismiss_hides_and_stops_retries)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cs_record_error a = sample_error("1", "DUPLICATES_DETECTED");
    a.category = CS_CAT_DUPLICATES;
    cs_record_error b = sample_error("2", "INSUFFICIENT_ACCESS");
    b.category = CS_CAT_PERMISSIONS;
    b.side = CS_STORE_HUBSPOT;
    cr_assert_eq(cs_store_error_record(s, &a, 1000, NULL, &err), 0);
    cr_assert_eq(cs_store_error_record(s, &b, 2000, NULL, &err), 0);
    cs_record_error_list l = list_errors(s, false, 0, false);
    cr_assert_eq(l.count, 2);
    cr_assert_str_eq(l.items[0].record_key, "1"); /* soonest retry first */
    int64_t id = l.items[0].id;
    cs_record_error_list_dispose(&l);

    cr_assert_eq(cs_store_error_dismiss(s, id, 5000, &err), 0, "%s", err.message);
    cr_assert_eq(cs_store_error_dismiss(s, id, 6000, &err), 0); /* again: no-op */
    l = list_errors(s, false, 0, false);
    cr_assert_eq(l.count, 1);
    cr_assert_str_eq(l.items[0].record_key, "2");
    cr_assert_eq(l.items[0].side, CS_STORE_HUBSPOT);
    cs_record_error_list_dispose(&l);
    l = list_errors(s, true, INT64_MAX, false);
    cr_assert_eq(l.count, 1);
    cs_record_error_list_dispose(&l);
    l = list_errors(s, false, 0, true);
    cr_assert_eq(l.count, 2);
    cr_assert(l.items[0].dismissed != l.items[1].dismissed);
    cs_record_error_list_dispose(&l);

    cs_store_stats st;
    cr_assert_eq(cs_store_get_stats(s, INT64_MAX, &st, &err), 0);
    cr_assert_eq(st.errors_open, 1);
    cr_assert_eq(st.errors_due, 1);
    cr_assert_eq(st.errors_dismissed, 1);

    cs_error_event_list h = {0};
    cr_assert_eq(cs_store_error_history(s, CS_STORE_SALESFORCE, "contact", "1", &h, &err), 0);
    cr_assert_eq(h.count, 2);
    cr_assert_eq(h.items[1].kind, CS_ERROR_EVENT_DISMISSED);
    cr_assert_eq(h.items[1].at_ms, 5000);
    cs_error_event_list_dispose(&h);

    /* The record fails again after a change: the error reopens. */
    cr_assert_eq(cs_store_error_record(s, &a, 9000, NULL, &err), 0);
    l = list_errors(s, false, 0, false);
    cr_assert_eq(l.count, 2);
    cr_assert_eq(l.items[1].id, id);
    cr_assert_eq(l.items[1].attempts, 1);
    cr_assert_eq(l.items[1].first_seen_ms, 9000);
    cr_assert_not(l.items[1].dismissed);
    cs_record_error_list_dispose(&l);

    cr_assert_eq(cs_store_error_dismiss(s, 424242, 1, &err), -1);
    cr_assert_eq(err.category, CS_ERR_NOT_FOUND);
    cs_store_close(s);
}

/* Errors recorded in a rolled-back batch are gone with it, history included. */
Test(store_log, errors_belong_to_their_batch)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cs_record_error e = sample_error("3", "x");
    cr_assert_eq(cs_store_begin(s, &err), 0);
    cr_assert_eq(cs_store_error_record(s, &e, 10, NULL, &err), 0);
    cr_assert_eq(cs_store_rollback(s, &err), 0);
    cs_record_error_list l = list_errors(s, false, 0, true);
    cr_assert_eq(l.count, 0);
    cs_record_error_list_dispose(&l);
    cs_error_event_list h = {0};
    cr_assert_eq(cs_store_error_history(s, CS_STORE_SALESFORCE, "contact", "3", &h, &err), 0);
    cr_assert_eq(h.count, 0);
    cs_error_event_list_dispose(&h);
    cs_store_close(s);
}

/* ---- retry schedule (R8) -------------------------------------------------- */

/* Criterion runs each case in a new process: parameters hold no pointers. */
typedef struct retry_case {
    int attempts;
    char failed[32];   /* ISO-8601 */
    char expected[32]; /* ISO-8601 */
} retry_case;

ParameterizedTestParameters(store_log, retry_schedule)
{
    static retry_case cases[] = {
        {0, "2026-03-01T10:00:00Z", "2026-03-01T10:20:00Z"},  /* clamped to attempt 1 */
        {1, "2026-03-01T10:00:00Z", "2026-03-01T10:20:00Z"},  /* 20 min */
        {2, "2026-03-01T10:00:00Z", "2026-03-01T10:40:00Z"},  /* 40 min */
        {3, "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z"},  /* 60 min */
        {10, "2026-03-01T10:00:00Z", "2026-03-01T13:20:00Z"}, /* 200 min, last fast one */
        {11, "2026-03-01T10:00:00Z", "2026-03-02T03:00:00Z"}, /* nightly */
        {11, "2026-03-01T01:00:00Z", "2026-03-01T03:00:00Z"}, /* tonight */
        {40, "2026-03-01T02:39:59Z", "2026-03-01T03:00:00Z"}, /* 20:01 before 03:00 */
        {40, "2026-03-01T02:45:00Z", "2026-03-02T03:00:00Z"}, /* too close: next night */
        {12, "2026-03-01T03:00:00Z", "2026-03-02T03:00:00Z"}, /* a nightly retry failed */
        {1000000, "2026-12-31T23:59:00Z", "2027-01-01T03:00:00Z"},
        {11, "1969-12-31T12:00:00Z", "1970-01-01T03:00:00Z"}, /* before the epoch */
    };
    return cr_make_param_array(retry_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(retry_case *c, store_log, retry_schedule)
{
    int64_t failed = 0, expected = 0;
    cs_err err = {0};
    cr_assert_eq(cs_time_parse(c->failed, &failed, &err), 0, "%s", err.message);
    cr_assert_eq(cs_time_parse(c->expected, &expected, &err), 0, "%s", err.message);
    int64_t got = cs_retry_next_ms(NULL, c->attempts, failed);
    char text[CS_TIME_TEXT_MAX];
    cs_time_format_hubspot(got, text);
    cr_assert_eq(got, expected, "attempts %d failed %s: got %s, expected %s", c->attempts,
                 c->failed, text, c->expected);
    cr_assert(got > failed);
}

Test(store_log, retry_policy_is_bounded_and_configurable)
{
    /* A policy that asks for a tight loop still waits at least a minute. */
    cs_retry_policy spin = {
        .step_ms = 0, .fast_attempts = 5, .nightly_hour_utc = 99, .min_gap_ms = 0};
    cr_assert_eq(cs_retry_next_ms(&spin, 1, 1000), 1000 + MIN_MS);
    cr_assert_eq(cs_retry_next_ms(&spin, 5, 1000), 1000 + 5 * MIN_MS);
    /* Past its fast attempts: nightly, an invalid hour falls back to 03:00. */
    cr_assert_eq(cs_retry_next_ms(&spin, 6, 0), 3 * HOUR);
    /* A step longer than a day is a day. */
    cs_retry_policy slow = {
        .step_ms = 10 * DAY_MS, .fast_attempts = 3, .nightly_hour_utc = 22, .min_gap_ms = HOUR};
    cr_assert_eq(cs_retry_next_ms(&slow, 3, 0), DAY_MS);
    cr_assert_eq(cs_retry_next_ms(&slow, 4, 0), 22 * HOUR);
    cr_assert_eq(cs_retry_next_ms(&slow, 4, 21 * HOUR + 30 * MIN_MS), DAY_MS + 22 * HOUR);
    /* Never overflows, never goes backwards. */
    cr_assert(cs_retry_next_ms(NULL, 1, INT64_MAX - 1) > INT64_MAX - 1);
    cr_assert(cs_retry_next_ms(NULL, 50, INT64_MAX - 5 * DAY_MS) > INT64_MAX - 5 * DAY_MS);
    cr_assert_eq(cs_retry_policy_default.fast_attempts, 10);
}

/* ---- runs, meta, counts, names --------------------------------------- */

Test(store_log, runs_round_trip_newest_first)
{
    cs_store *s = open_db();
    cs_err err = {0};
    int64_t first = 0, second = 0;
    cr_assert_eq(cs_store_run_begin(s, 1000, &first, &err), 0);
    json_t *counts =
        json_pack("{s:i,s:i,s:{s:i}}", "created", 12, "updated", 3, "errors", "property_values", 2);
    cr_assert_eq(
        cs_store_run_finish(s, first, 2000, CS_RUN_COMPLETED, counts, "2 records refused", &err), 0,
        "%s", err.message);
    cr_assert_eq(cs_store_run_begin(s, 3000, &second, &err), 0);
    cr_assert(second > first);

    cs_run_list l = {0};
    cr_assert_eq(cs_store_run_list(s, 0, &l, &err), 0);
    cr_assert_eq(l.count, 1);
    cr_assert_eq(l.items[0].id, second);
    cr_assert_eq(l.items[0].status, CS_RUN_RUNNING);
    cr_assert_eq(l.items[0].finished_ms, 0);
    cr_assert_null(l.items[0].counts);
    cr_assert_null(l.items[0].message);
    cs_run_list_dispose(&l);

    cr_assert_eq(cs_store_run_list(s, 10, &l, &err), 0);
    cr_assert_eq(l.count, 2);
    cr_assert_eq(l.items[1].id, first);
    cr_assert_eq(l.items[1].started_ms, 1000);
    cr_assert_eq(l.items[1].finished_ms, 2000);
    cr_assert_eq(l.items[1].status, CS_RUN_COMPLETED);
    cr_assert(json_equal(l.items[1].counts, counts));
    cr_assert_str_eq(l.items[1].message, "2 records refused");
    cs_run_list_dispose(&l);
    cs_run_list_dispose(NULL);
    json_decref(counts);

    cr_assert_eq(cs_store_run_finish(s, 999, 1, CS_RUN_FAILED, NULL, NULL, &err), -1);
    cr_assert_eq(err.category, CS_ERR_NOT_FOUND);
    json_t *array = json_array();
    cr_assert_eq(cs_store_run_finish(s, second, 1, CS_RUN_FAILED, array, NULL, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    json_decref(array);
    cs_store_close(s);
}

Test(store_log, meta_round_trip)
{
    cs_store *s = open_db();
    cs_err err = {0};
    char *v = (char *)"untouched";
    cr_assert_eq(cs_store_meta_get(s, "config.fingerprint", &v, &err), 0);
    cr_assert_str_eq(v, "untouched");
    cr_assert_eq(cs_store_meta_set(s, "config.fingerprint", "sha256:abc", &err), 0);
    cr_assert_eq(cs_store_meta_set(s, "config.fingerprint", "sha256:def", &err), 0);
    cr_assert_eq(cs_store_meta_get(s, "config.fingerprint", &v, &err), 1);
    cr_assert_str_eq(v, "sha256:def");
    free(v);
    cr_assert_eq(cs_store_meta_set(s, "k", NULL, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    cs_store_close(s);
}

Test(store_log, stats_count_everything)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_link_add(s, "contact", "1", "Lead", "00Q1", &err), 0);
    fill_journal(s);
    int64_t run;
    cr_assert_eq(cs_store_run_begin(s, 1, &run, &err), 0);
    cs_record_error e = sample_error("1", "x");
    cr_assert_eq(cs_store_error_record(s, &e, 0, NULL, &err), 0);
    cs_store_stats st;
    cr_assert_eq(cs_store_get_stats(s, 0, &st, &err), 0);
    cr_assert_eq(st.links, 1);
    cr_assert_eq(st.journal_entries, 5);
    cr_assert_eq(st.runs, 1);
    cr_assert_eq(st.errors_open, 1);
    cr_assert_eq(st.errors_due, 0);
    cr_assert_eq(cs_store_get_stats(s, 20 * MIN_MS, &st, &err), 0);
    cr_assert_eq(st.errors_due, 1);
    cs_store_close(s);
}

Test(store_log, enum_names_round_trip)
{
    for (int i = 0; i <= CS_STORE_OP_ASSOCIATE; i++) {
        cs_store_op op;
        cr_assert_eq(cs_store_op_parse(cs_store_op_name((cs_store_op)i), &op), 0);
        cr_assert_eq((int)op, i);
    }
    /* R9 */
    const char *categories[] = {"associations", "custom_code",     "duplicates",
                                "permissions",  "property_values", "suspension"};
    for (int i = CS_CAT_ASSOCIATIONS; i <= CS_CAT_SUSPENSION; i++) {
        cs_category c;
        const char *name = categories[i - CS_CAT_ASSOCIATIONS];
        cr_assert_str_eq(cs_category_name((cs_category)i), name);
        cr_assert_eq(cs_category_parse(name, &c), 0);
        cr_assert_eq((int)c, i);
    }
    cs_store_side side;
    cr_assert_eq(cs_store_side_parse("sf", &side), 0);
    cr_assert_eq(side, CS_STORE_SALESFORCE);
    cr_assert_eq(cs_store_side_parse("hubspot", &side), 0);
    cr_assert_eq(side, CS_STORE_HUBSPOT);
    cs_store_dir dir;
    cr_assert_eq(cs_store_dir_parse("sf_to_hs", &dir), 0);
    cr_assert_eq(dir, CS_STORE_SF_TO_HS);
    cs_run_status rs;
    cr_assert_eq(cs_run_status_parse("interrupted", &rs), 0);
    cr_assert_eq(rs, CS_RUN_INTERRUPTED);
    cs_error_event_kind k;
    cr_assert_eq(cs_error_event_kind_parse("resolved", &k), 0);
    cr_assert_eq(k, CS_ERROR_EVENT_RESOLVED);
    cs_category cat = CS_CAT_SUSPENSION;
    cr_assert_eq(cs_category_parse("Property values", &cat), -1);
    cr_assert_eq(cat, CS_CAT_SUSPENSION);
    cs_store_op op = CS_STORE_OP_LINK;
    cr_assert_eq(cs_store_op_parse(NULL, &op), -1);
    cr_assert_eq(op, CS_STORE_OP_LINK);
    cr_assert_str_eq(cs_category_name((cs_category)42), "unknown");
    cr_assert_str_eq(cs_store_side_name((cs_store_side)-1), "unknown");
}
