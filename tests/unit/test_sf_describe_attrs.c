/* The describe attributes derived from the built-in schema
 * (sandbox/sf_schema.h, sf_schema_attr.c): the rules real describes follow,
 * applied to standard fields and to field kinds the recorded describes of
 * tests/fixtures/salesforce do not cover. The recordings themselves are
 * compared through HTTP in tests/conformance/sf_describe_fixtures.test.mjs. */
#include <criterion/criterion.h>
#include <string.h>

#include "sandbox/sf_schema.h"

static sf_schema *schema;

static void setup(void)
{
    cs_err err;
    cr_assert_eq(sf_schema_builtin(&schema, &err), 0);
}

static void teardown(void)
{
    sf_schema_free(schema);
}

TestSuite(sf_describe_attrs, .init = setup, .fini = teardown);

static const sf_object *object(const char *name)
{
    const sf_object *o = sf_schema_object(schema, name);
    cr_assert_not_null(o, "%s exists", name);
    return o;
}

static const sf_field *field(const sf_object *o, const char *name)
{
    const sf_field *f = sf_object_field(o, name);
    cr_assert_not_null(f, "%s.%s exists", o->name, name);
    return f;
}

static void expect_str(const char *got, const char *want, const char *what)
{
    if (want == NULL)
        cr_expect_null(got, "%s: expected null, got %s", what, got ? got : "");
    else
        cr_expect(got && strcmp(got, want) == 0, "%s: expected %s, got %s", what, want,
                  got ? got : "null");
}

Test(sf_describe_attrs, address_parts_name_their_compound_field)
{
    const sf_object *contact = object("Contact");
    expect_str(sf_field_compound(contact, field(contact, "MailingCity")), "MailingAddress",
               "Contact.MailingCity");
    expect_str(sf_field_compound(contact, field(contact, "OtherGeocodeAccuracy")), "OtherAddress",
               "Contact.OtherGeocodeAccuracy");
    expect_str(sf_field_compound(contact, field(contact, "MailingAddress")), NULL,
               "Contact.MailingAddress");
    const sf_object *lead = object("Lead");
    expect_str(sf_field_compound(lead, field(lead, "Street")), "Address", "Lead.Street");
    /* CampaignMember copies a person's address parts but has no compound. */
    const sf_object *member = object("CampaignMember");
    expect_str(sf_field_compound(member, field(member, "City")), NULL, "CampaignMember.City");
}

Test(sf_describe_attrs, person_name_parts)
{
    const sf_object *lead = object("Lead");
    expect_str(sf_field_compound(lead, field(lead, "FirstName")), "Name", "Lead.FirstName");
    expect_str(sf_field_extra_type(lead, field(lead, "Name")), "personname", "Lead.Name");
    expect_str(sf_field_compound(lead, field(lead, "Name")), NULL, "Lead.Name compound");
    cr_expect_not(sf_field_permissionable(lead, field(lead, "Salutation")));
    const sf_object *user = object("User");
    expect_str(sf_field_compound(user, field(user, "LastName")), "Name", "User.LastName");
    const sf_object *account = object("Account");
    expect_str(sf_field_extra_type(account, field(account, "Name")), "switchablepersonname",
               "Account.Name");
    const sf_object *campaign = object("Campaign");
    expect_str(sf_field_extra_type(campaign, field(campaign, "Name")), NULL, "Campaign.Name");
}

Test(sf_describe_attrs, query_capabilities_by_type)
{
    const sf_object *lead = object("Lead");
    const sf_field *desc = field(lead, "Description");
    cr_expect_not(sf_field_filterable(desc) || sf_field_sortable(desc) ||
                  sf_field_groupable(desc) || sf_field_aggregatable(desc));
    const sf_field *street = field(lead, "Street"); /* a 255-character text area */
    cr_expect(sf_field_filterable(street) && sf_field_groupable(street));
    const sf_field *created = field(lead, "CreatedDate");
    cr_expect(sf_field_sortable(created) && !sf_field_groupable(created));
    const sf_field *address = field(lead, "Address");
    cr_expect(sf_field_filterable(address) && !sf_field_sortable(address) &&
              !sf_field_groupable(address) && sf_field_permissionable(lead, address));
    const sf_field *converted = field(lead, "IsConverted");
    cr_expect(sf_field_groupable(converted) && !sf_field_aggregatable(converted));
    const sf_object *account = object("Account");
    const sf_field *channel = field(account, "ChannelProgramName");
    cr_expect(!sf_field_filterable(channel) && !sf_field_sortable(channel) &&
              sf_field_groupable(channel));
    sf_field multi = {.name = "Regions__c",
                      .type = SF_T_MULTIPICKLIST,
                      .length = 4099,
                      .flags = SF_F_NIL | SF_F_CUSTOM};
    cr_expect(sf_field_filterable(&multi) && !sf_field_sortable(&multi) &&
              !sf_field_groupable(&multi) && !sf_field_aggregatable(&multi));
    cr_expect_eq(sf_field_byte_length(&multi), 4099);
}

Test(sf_describe_attrs, byte_length)
{
    const sf_object *contact = object("Contact");
    cr_expect_eq(sf_field_byte_length(field(contact, "Id")), 18);
    cr_expect_eq(sf_field_byte_length(field(contact, "AccountId")), 18);
    cr_expect_eq(sf_field_byte_length(field(contact, "LastName")), 240);
    cr_expect_eq(sf_field_byte_length(field(contact, "Birthdate")), 0);
}

/* Invariants over every built-in field: a compound names a field of the
 * object, search prefilters are lookups, and only text areas are plain. */
Test(sf_describe_attrs, invariants_of_the_builtin_tables)
{
    for (size_t i = 0; i < schema->nobjects; i++) {
        const sf_object *o = &schema->objects[i];
        for (size_t k = 0; k < o->nfields; k++) {
            const sf_field *f = &o->fields[k];
            const char *c = sf_field_compound(o, f);
            if (c)
                cr_expect_not_null(sf_object_field(o, c), "%s.%s: compound %s", o->name, f->name,
                                   c);
            if (f->flags & SF_F_PREFILTER)
                cr_expect_eq(f->type, SF_T_REFERENCE, "%s.%s", o->name, f->name);
            if (f->flags & SF_F_IMAGE)
                cr_expect_eq(f->type, SF_T_URL, "%s.%s", o->name, f->name);
            const char *x = sf_field_extra_type(o, f);
            cr_expect((f->type == SF_T_TEXTAREA) == (x && strcmp(x, "plaintextarea") == 0), "%s.%s",
                      o->name, f->name);
            if (!(f->flags & SF_F_NIL))
                cr_expect_not(sf_field_permissionable(o, f), "%s.%s", o->name, f->name);
        }
    }
}
