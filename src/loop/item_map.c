/*
 * item_map.c - a map from item-id strings to an int, keyed by the whole
 * string whatever its length (a dynahash keyed by a pointer to a copy of
 * the string, with a hash and a match over the string itself).
 *
 * Item ids are the text form of a pool's ids: a text id may be as long as
 * the pool can hold, so no fixed-size key would do.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "item_map.h"

struct ItemMap
{
	HTAB	   *table;
	MemoryContext cxt;			/* holds the table and the key copies */
};

/* One entry: the key is a pointer to the map's own copy of the string. */
typedef struct ItemMapEntry
{
	const char *item;
	int			value;
} ItemMapEntry;

/* Hash of the string a key points to. */
static uint32
item_hash(const void *key, Size keysize)
{
	const char *s = *(const char *const *) key;

	return hash_bytes((const unsigned char *) s, (int) strlen(s));
}

/* 0 if the strings two keys point to are equal. */
static int
item_match(const void *key1, const void *key2, Size keysize)
{
	return strcmp(*(const char *const *) key1, *(const char *const *) key2);
}

/* A new, empty map in the current memory context, sized for expected ids. */
ItemMap *
item_map_create(const char *name, long expected)
{
	ItemMap    *map = (ItemMap *) palloc(sizeof(ItemMap));
	HASHCTL		ctl;

	map->cxt = CurrentMemoryContext;
	ctl.keysize = sizeof(const char *);
	ctl.entrysize = sizeof(ItemMapEntry);
	ctl.hash = item_hash;
	ctl.match = item_match;
	ctl.hcxt = map->cxt;
	map->table = hash_create(name, Max(expected, 16), &ctl,
							 HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	return map;
}

/*
 * Map item to value, copying the string.  Returns false (and leaves the
 * value alone) if item was already in the map.
 */
bool
item_map_add(ItemMap *map, const char *item, int value)
{
	bool		found;
	ItemMapEntry *e = (ItemMapEntry *) hash_search(map->table, &item, HASH_ENTER, &found);

	if (found)
		return false;
	e->item = MemoryContextStrdup(map->cxt, item);
	e->value = value;
	return true;
}

/* The value of item, or -1 if it is not in the map. */
int
item_map_find(ItemMap *map, const char *item)
{
	ItemMapEntry *e = (ItemMapEntry *) hash_search(map->table, &item, HASH_FIND, NULL);

	return e ? e->value : -1;
}

/* How many items the map holds. */
long
item_map_count(ItemMap *map)
{
	return hash_get_num_entries(map->table);
}
