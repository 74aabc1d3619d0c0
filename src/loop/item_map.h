/*
 * item_map.h - a map from item-id strings (any length) to an int, for
 * aligning labels with pool rows and for sets of ids.  See item_map.c.
 */
#ifndef AL_ITEM_MAP_H
#define AL_ITEM_MAP_H

#include "postgres.h"

typedef struct ItemMap ItemMap;

extern ItemMap *item_map_create(const char *name, long expected);
extern bool item_map_add(ItemMap *map, const char *item, int value);
extern int	item_map_find(ItemMap *map, const char *item);
extern long item_map_count(ItemMap *map);

#endif							/* AL_ITEM_MAP_H */
