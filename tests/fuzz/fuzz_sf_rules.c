/* libFuzzer target for validation and duplicate rule bodies posted to the
 * Salesforce sandbox's admin routes (sandbox/sf_rules.h): any JSON must be
 * refused with a message or compile into a rule, and a compiled validation
 * rule must evaluate on any record (the input itself, and records built from
 * its values) without crashing. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sf_rules.h"

static json_t *any_parent(void *user, const char *id)
{
    (void)id;
    return user;
}

static void evaluate(const sf_schema *s, const sf_vrule *r, json_t *body)
{
    const sf_object *o = sf_schema_object(s, r->object);
    if (o == NULL)
        return;
    json_t *rec = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        const sf_field *f = sf_object_field(o, key);
        if (f)
            json_object_set(rec, f->name, v);
    }
    sf_vrule_fails(r, s, o, rec, any_parent, rec, 0);
    sf_vrule_fails(r, s, o, body, any_parent, body, 1767225600000LL);
    sf_vrule_fails(r, s, o, rec, NULL, NULL, 0);
    json_decref(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (body == NULL)
        return 0;
    sf_schema *s = NULL;
    if (sf_schema_builtin(&s, NULL) != 0) {
        json_decref(body);
        return 0;
    }
    char why[600];
    sf_vrule v;
    if (sf_vrule_compile(s, body, &v, why, sizeof why) == 0) {
        evaluate(s, &v, body);
        sf_vrule_dispose(&v);
    }
    sf_duprule d;
    if (sf_duprule_compile(s, body, "Fuzz_Rule", &d, why, sizeof why) == 0) {
        for (size_t i = 0; i < d.nfields; i++)
            free(sf_dup_key(body, d.fields[i]));
        sf_duprule_dispose(&d);
    }
    sf_schema_free(s);
    json_decref(body);
    return 0;
}
