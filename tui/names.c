/* Validation of names and identifiers (names.h). */
#include <string.h>

#include "opsdeck/names.h"

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
