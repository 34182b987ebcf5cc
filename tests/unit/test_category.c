/* R9: the one category enum (core/category.h) that the connectors, the plan,
 * the store and the CLI share: its names, its parsing, and the two places
 * that keep NONE out of a kept error (a refusal without a category, and the
 * store's check). */
#include <criterion/criterion.h>
#include <string.h>

#include "connector/connector_int.h"
#include "core/category.h"
#include "store_fixture.h"

TestSuite(category, .init = store_fixture_setup, .fini = store_fixture_teardown);

Test(category, names_round_trip_and_none_is_not_a_category)
{
    static const char *const names[] = {"associations", "custom_code",     "duplicates",
                                        "permissions",  "property_values", "suspension"};
    cr_assert_eq(CS_CAT_COUNT, 7);
    for (int i = CS_CAT_ASSOCIATIONS; i < CS_CAT_COUNT; i++) {
        cs_category c = CS_CAT_NONE;
        cr_assert_str_eq(cs_category_name((cs_category)i), names[i - 1]);
        cr_assert_eq(cs_category_parse(names[i - 1], &c), 0, "%s", names[i - 1]);
        cr_assert_eq((int)c, i);
    }
    cr_assert_str_eq(cs_category_label(CS_CAT_PROPERTY_VALUES), "Property values");
    cr_assert_str_eq(cs_category_label(CS_CAT_CUSTOM_CODE), "Custom code");
    cr_assert_str_eq(cs_category_label((cs_category)99), "Unknown");
    cr_assert_str_eq(cs_category_name(CS_CAT_NONE), "none");
    cr_assert_str_eq(cs_category_name((cs_category)CS_CAT_COUNT), "unknown");
    cr_assert_str_eq(cs_category_name((cs_category)-1), "unknown");
    cs_category c = CS_CAT_DUPLICATES;
    cr_assert_eq(cs_category_parse("none", &c), -1);
    cr_assert_eq(cs_category_parse("Duplicates", &c), -1);
    cr_assert_eq(cs_category_parse("", &c), -1);
    cr_assert_eq(cs_category_parse(NULL, &c), -1);
    cr_assert_eq(c, CS_CAT_DUPLICATES, "a failed parse leaves *out alone");
}

Test(category, a_refusal_always_has_one)
{
    cs_write_result r;
    memset(&r, 0, sizeof r);
    cs_write_result_refuse(&r, CS_CAT_NONE, "UNKNOWN_ERROR", NULL, "refused");
    cr_assert_eq(r.status, CS_WRITE_REFUSED);
    cr_assert_eq(r.category, CS_CAT_PROPERTY_VALUES);
    cs_write_result_refuse(&r, CS_CAT_CUSTOM_CODE, "APEX_ERROR", NULL, "trigger");
    cr_assert_eq(r.category, CS_CAT_CUSTOM_CODE);
}

Test(category, the_store_keeps_no_error_without_one)
{
    cs_store *s = open_db();
    cs_record_error e = {.side = CS_STORE_HUBSPOT,
                         .object = "contact",
                         .record_key = "101",
                         .category = CS_CAT_NONE,
                         .message = "refused",
                         .hs_id = "101"};
    cs_err err = {0};
    cr_assert_eq(cs_store_error_record(s, &e, 1000, NULL, &err), -1);
    cr_assert(strstr(err.message, "category") != NULL, "%s", err.message);
    e.category = CS_CAT_SUSPENSION;
    cr_assert_eq(cs_store_error_record(s, &e, 1000, NULL, &err), 0, "%s", err.message);
    cs_record_error_list l = {0};
    cs_error_query q = {0};
    cr_assert_eq(cs_store_error_list(s, &q, &l, &err), 0, "%s", err.message);
    cr_assert_eq(l.count, 1);
    cr_assert_eq(l.items[0].category, CS_CAT_SUSPENSION, "kept by name, read back the same");
    cs_record_error_list_dispose(&l);
    cs_store_close(s);
}
