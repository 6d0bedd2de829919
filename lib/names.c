/* Validation of names and identifiers (names.h). */
#include <stdlib.h>
#include <string.h>

#include "opsdeck/names.h"
#include "opsdeck/xmalloc.h"

/* [a-z0-9] */
static bool
name_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* n bytes of s are a DNS-1123 label body (no length limit checked here). */
static bool
name_label_chars(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !name_alnum(s[0]) || !name_alnum(s[n - 1]))
		return false;
	for (i = 0; i < n; i++) {
		if (!name_alnum(s[i]) && s[i] != '-')
			return false;
	}
	return true;
}

bool
name_is_dns1123_label(const char *s)
{
	size_t n;

	if (s == NULL)
		return false;
	n = strlen(s);
	return n <= 63 && name_label_chars(s, n);
}

bool
name_is_dns1123_subdomain(const char *s)
{
	const char *p, *dot;
	size_t n;

	if (s == NULL)
		return false;
	n = strlen(s);
	if (n == 0 || n > 253)
		return false;
	for (p = s;; p = dot + 1) {
		dot = strchr(p, '.');
		if (!name_label_chars(p, dot != NULL ? (size_t)(dot - p) : strlen(p)))
			return false;
		if (dot == NULL)
			return true;
	}
}

bool
name_is_resource(const char *s)
{
	/* "deployments" or "backups.velero.io": the same alphabet */
	return name_is_dns1123_subdomain(s);
}

bool
name_is_alert(const char *s)
{
	size_t i;
	char c;

	if (s == NULL || *s == '\0' || strlen(s) > 253)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':')
			continue;
		if (i > 0 && c >= '0' && c <= '9')
			continue;
		return false;
	}
	return true;
}

bool
name_is_context(const char *s)
{
	const unsigned char *p;

	if (s == NULL || *s == '\0' || *s == '-' || strlen(s) > 253)
		return false;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return false;
	}
	return true;
}

/* A silence id: Alertmanager's UUIDs, [0-9a-f-]. */
static bool
name_is_silence_id(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0' || strlen(s) > 64)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (!name_alnum(s[i]) && s[i] != '-')
			return false;
	}
	return true;
}

const char *
name_object_rule(const char *resource, const char *name)
{
	if (resource != NULL && strcmp(resource, "alerts") == 0)
		return name_is_alert(name) ? NULL :
		    "an alert name ([A-Za-z_:][A-Za-z0-9_:]*)";
	if (resource != NULL && strcmp(resource, "silences") == 0)
		return name_is_silence_id(name) ? NULL : "a silence id ([0-9a-f-])";
	return name_is_dns1123_subdomain(name) ? NULL :
	    "a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253)";
}

/* n bytes of s are a label name body: [A-Za-z0-9._-], starting and ending
 * alphanumeric (apimachinery's qualified-name and label-value regex). */
static bool
name_label_name_chars(const char *s, size_t n)
{
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if ((c == '-' || c == '_' || c == '.') && i > 0 && i < n - 1)
			continue;
		return false;
	}
	return true;
}

#define NAME_LABEL_MAX	63	/* a label name or value */
#define NAME_LABEL_CHARS "alphanumeric characters, '-', '_' or '.', and must start and " \
	"end with an alphanumeric character"

const char *
name_label_key_rule(const char *key)
{
	const char *slash, *name;
	char prefix[254];

	if (key == NULL)
		return "name part must be non-empty";
	slash = strchr(key, '/');
	name = slash != NULL ? slash + 1 : key;
	if (slash != NULL) {
		if (strchr(name, '/') != NULL)
			return "a qualified name must consist of " NAME_LABEL_CHARS " with an "
			    "optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
		if (slash == key)
			return "prefix part must be non-empty";
		if ((size_t)(slash - key) > 253)
			return "prefix part must be no more than 253 characters";
		memcpy(prefix, key, (size_t)(slash - key));
		prefix[slash - key] = '\0';
		if (!name_is_dns1123_subdomain(prefix))
			return "prefix part a lowercase RFC 1123 subdomain must consist "
			    "of lower case alphanumeric characters, '-' or '.', and must "
			    "start and end with an alphanumeric character";
	}
	if (*name == '\0')
		return "name part must be non-empty";
	if (strlen(name) > NAME_LABEL_MAX)
		return "name part must be no more than 63 characters";
	if (!name_label_name_chars(name, strlen(name)))
		return "name part must consist of " NAME_LABEL_CHARS;
	return NULL;
}

const char *
name_label_value_rule(const char *value)
{
	if (value == NULL || *value == '\0')
		return NULL;
	if (strlen(value) > NAME_LABEL_MAX)
		return "must be no more than 63 characters";
	if (!name_label_name_chars(value, strlen(value)))
		return "a valid label must be an empty string or consist of " NAME_LABEL_CHARS;
	return NULL;
}

#define NAME_NEAR_MAX	3	/* names offered */
#define NAME_NEAR_LEN	253	/* longer names are never near */

/* Edit distance of a and b (optimal string alignment: insert, delete,
 * replace, swap of neighbours), both at most NAME_NEAR_LEN long. */
static size_t
name_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best;
	size_t rows[3][NAME_NEAR_LEN + 1], *pp, *p, *c;

	/* row r of the table is rows[r % 3] */
	for (j = 0; j <= lb; j++)
		rows[0][j] = j;
	for (i = 1; i <= la; i++) {
		pp = rows[(i + 1) % 3];	/* row i - 2 */
		p = rows[(i + 2) % 3];	/* row i - 1 */
		c = rows[i % 3];	/* row i */
		c[0] = i;
		for (j = 1; j <= lb; j++) {
			best = p[j - 1] + (a[i - 1] != b[j - 1]);
			if (p[j] + 1 < best)
				best = p[j] + 1;
			if (c[j - 1] + 1 < best)
				best = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < best)
				best = pp[j - 2] + 1;
			c[j] = best;
		}
	}
	return rows[la % 3][lb];
}

char *
name_near(const char *word, const char *const *cands, size_t n)
{
	const char *pick[NAME_NEAR_MAX];
	size_t dist[NAME_NEAR_MAX], npick = 0, lw, lc, limit, d, i, k;
	char *out;

	lw = strlen(word);
	if (lw == 0 || lw > NAME_NEAR_LEN)
		return NULL;
	limit = lw / 3 > 1 ? lw / 3 : 1;
	for (i = 0; i < n; i++) {
		lc = strlen(cands[i]);
		if (lc == 0 || lc > NAME_NEAR_LEN || strcmp(cands[i], word) == 0)
			continue;
		for (k = 0; k < npick && strcmp(pick[k], cands[i]) != 0; k++)
			;
		if (k < npick)
			continue;
		if (strncmp(cands[i], word, lc < lw ? lc : lw) == 0)
			d = 0;	/* a prefix either way: nearest */
		else if ((d = name_distance(word, cands[i])) > limit)
			continue;
		/* keep the nearest NAME_NEAR_MAX, in order, first seen first */
		for (k = npick; k > 0 && dist[k - 1] > d; k--) {
			if (k < NAME_NEAR_MAX) {
				pick[k] = pick[k - 1];
				dist[k] = dist[k - 1];
			}
		}
		if (k < NAME_NEAR_MAX) {
			pick[k] = cands[i];
			dist[k] = d;
			if (npick < NAME_NEAR_MAX)
				npick++;
		}
	}
	if (npick == 0)
		return NULL;
	out = xstrdup(pick[0]);
	for (k = 1; k < npick; k++) {
		char *t = xasprintf("%s, %s", out, pick[k]);

		free(out);
		out = t;
	}
	return out;
}

const char name_safe_alphabet[28] = "bcdfghjklmnpqrstvwxz2456789";

void
name_suffix(uint64_t x, char out[6])
{
	size_t n = sizeof name_safe_alphabet - 1;
	int i;

	for (i = 0; i < 5; i++) {
		out[i] = name_safe_alphabet[x % n];
		x /= n;
	}
	out[5] = '\0';
}
