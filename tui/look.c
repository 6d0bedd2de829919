/* A look in words (look.h): the record the console sends a drill
 * (tui/look_report.c) and the drill hands back, as the incident timeline
 * and the drill's report show it. */
#include <stdlib.h>

#include <jansson.h>

#include "opsdeck/look.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/xmalloc.h"

char *
look_describe(json_t *look)
{
	const char	*view = json_string_value(json_object_get(look, "view"));
	const char	*ns = json_string_value(json_object_get(look, "namespace"));
	const char	*name = json_string_value(json_object_get(look, "name"));
	char		*where = xstrdup(""), *t, *out, *clean;
	json_t		*c;
	size_t		 i;

	json_array_foreach(json_object_get(look, "clusters"), i, c) {
		t = xasprintf("%s @%s", where, json_string_value(c) != NULL ?
		    json_string_value(c) : "?");
		free(where);
		where = t;
	}
	out = xasprintf("%s%s%s%s%s%s", view != NULL ? view : "?",
	    *where != '\0' ? where : " @all", ns != NULL ? " ns:" : "", ns != NULL ? ns : "",
	    name != NULL ? " " : "", name != NULL ? name : "");
	free(where);
	clean = sanitize_str(out, 0);
	free(out);
	return clean;
}
