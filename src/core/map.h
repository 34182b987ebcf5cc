/* A hash map from text keys to values, for the engine's indexes and sets
 * (record id → index, email key → id, ids seen in a round). JSON objects
 * served that purpose before, at the cost of a JSON value per entry and a
 * tree walk per lookup; JSON stays for what goes on the wire and into the
 * store's snapshots.
 *
 * Ownership: the map copies every key it stores and frees the copies itself.
 * A value is a pointer or a number (size_t), never both in one map:
 * - a map made with a free function owns its pointer values and calls the
 *   function on a value when it is replaced, deleted or the map is freed;
 * - a map made without one borrows its pointer values (the caller keeps
 *   them alive while the map may hand them out), or holds numbers;
 * - a set is a map whose entries carry no value (cs_map_add, cs_map_has).
 * Iteration follows insertion order, as JSON objects did, so whatever the
 * engine derives from a map's order stays deterministic. Keys are compared
 * byte for byte. A key's bytes stay allocated after its entry is deleted,
 * until the map is cleared or freed: fine for the engine's maps, which are
 * built once per round and rarely shrink. */
#ifndef CS_CORE_MAP_H
#define CS_CORE_MAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cs_map cs_map;

/* Frees one pointer value owned by a map. */
typedef void (*cs_map_free_fn)(void *value);

/* A new empty map; free_value NULL makes its pointer values borrowed.
 * NULL when memory ran out. */
cs_map *cs_map_new(cs_map_free_fn free_value);
/* Frees the map, its keys and (with a free function) its values. Accepts
 * NULL. */
void cs_map_free(cs_map *m);
/* Empties the map, keeping its tables for reuse. */
void cs_map_clear(cs_map *m);
size_t cs_map_len(const cs_map *m);

/* Sets key to value, replacing (and, when owned, freeing) a previous value.
 * Returns 0, or -1 when memory ran out or key is NULL; on failure an owned
 * value is freed, so the caller never needs to. */
int cs_map_put(cs_map *m, const char *key, void *value);
/* Sets key to the number n. Returns 0 or -1 as cs_map_put. */
int cs_map_put_num(cs_map *m, const char *key, size_t n);
/* Adds key with no value (a set member). Returns 1 when it was new, 0 when
 * already there, -1 when memory ran out or key is NULL. */
int cs_map_add(cs_map *m, const char *key);

/* The pointer value of key (borrowed from the map), or NULL when absent or
 * when key is NULL. */
void *cs_map_get(const cs_map *m, const char *key);
/* Whether key is present; when it is and n is not NULL, *n is its number. */
bool cs_map_get_num(const cs_map *m, const char *key, size_t *n);
/* Whether key is present (false for NULL). */
bool cs_map_has(const cs_map *m, const char *key);
/* Removes key, freeing an owned value. Returns true when key was there. */
bool cs_map_del(cs_map *m, const char *key);

/* Iteration in insertion order, skipping deleted entries:
 *   for (size_t it = cs_map_next(m, 0, &k, &v); it; it = cs_map_next(m, it, &k, &v))
 * Start at 0; each call returns the position to pass next, 0 at the end.
 * key and value (either may be NULL) are borrowed from the map. The map must
 * not gain entries during an iteration; deleting the current one is safe. */
size_t cs_map_next(const cs_map *m, size_t it, const char **key, void **value);
/* As cs_map_next, for a map of numbers. */
size_t cs_map_next_num(const cs_map *m, size_t it, const char **key, size_t *n);

#endif
