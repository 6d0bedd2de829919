/* What the client decodes of a listed or watched object: the members its
 * row reads (the store's identity fields, the printer's cells), so list
 * pages and watch events build small trees (json_load_proj). One
 * projection per printer, kept beside this file's list of what each
 * printer reads; test_fixtures prints every fixture with and without it
 * and expects the same row. */
#ifndef OPSDECK_PROJECTION_H
#define OPSDECK_PROJECTION_H

#include "opsdeck/jsonload.h"
#include "opsdeck/printers.h"

/* The projection for objects printed by p: a printer of its own keeps
 * what it reads (or everything but managedFields and the last-applied
 * annotation); NULL (everything) for column printers, whose paths come
 * from the API server. */
const struct json_proj	*projection_for(const struct printer *p);
/* Of a usage object (PodMetrics, NodeMetrics), what tells whether its row
 * moved: namespace, name and usage, none of the rest of its row. */
extern const struct json_proj projection_usage_key[];

#endif
