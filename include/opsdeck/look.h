/* A look: which view an operator opened, as the console reports it to a
 * drill (tui/look_report.c) and the drill's status hands it back
 * (firstRelevantView, recentLooks): {"at", "view", "clusters": [...],
 * "namespace", "name", "user"}. */
#ifndef OPSDECK_LOOK_H
#define OPSDECK_LOOK_H

#include <jansson.h>

/* A look in words: "deployments @prod-tokyo @prod-osaka ns:production
 * backend", "@all" when it names no cluster. New string, sanitised. */
char	*look_describe(json_t *look);

#endif
