#pragma once
#include <mongoc/mongoc.h>

// bson_t is imported as an opaque type (it is declared with an alignment Swift does not
// map), so its length field is read here.
static inline uint32_t leafsync_bson_length(const bson_t *bson) { return bson->len; }
