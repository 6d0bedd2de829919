/* json_load_fast (jsonload.h): JSON text to jansson values in one pass.
 *
 * It follows json_loadb's rules (RFC 8259 plus jansson's limits) so that
 * the two accept the same documents and build equal values: UTF-8 checked
 * everywhere (no overlong forms, no surrogates, nothing over U+10FFFF), no
 * control characters in strings, \u0000 refused, escaped surrogates only in
 * pairs, integers that overflow int64 and reals that overflow a double
 * refused, at most JSON_MAX_DEPTH values open, duplicate keys keep the last
 * value, nothing but blanks after the value. fuzz_jsonload checks the two
 * against each other, and a projected decode against json_project. Members
 * a projection leaves out go through the same checks (jl_skip) without
 * building anything. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/bytescan.h"
#include "opsdeck/jsonload.h"
#include "opsdeck/xmalloc.h"

/* jansson's JSON_PARSER_MAX_DEPTH: every value counts, scalars too. */
#define JSON_MAX_DEPTH	2048
/* Keys up to this long are decoded on the stack. */
#define KEY_STACK	128

struct jl {
	const char	*start, *p, *end;
	json_error_t	*err;
	char		*buf;		/* decoded strings with escapes, numbers */
	size_t		 cap;
};

static json_t	*jl_value(struct jl *, size_t depth, const struct json_proj *);
static bool	 jl_skip(struct jl *, size_t depth);

const struct json_proj json_proj_drop[] = { { NULL, NULL } };

static json_t	*jl_fail(struct jl *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static json_t *
jl_fail(struct jl *j, const char *fmt, ...)
{
	va_list ap;

	if (j->err != NULL && j->err->text[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(j->err->text, sizeof j->err->text, fmt, ap);
		va_end(ap);
		j->err->position = (int)(j->p - j->start);
	}
	return NULL;
}

static void
jl_blanks(struct jl *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* Room for n more bytes after len in the scratch buffer. */
static void
jl_room(struct jl *j, size_t len, size_t n)
{
	if (len + n + 1 > j->cap) {
		j->cap = (len + n + 1) * 2;
		j->buf = xrealloc(j->buf, j->cap);
	}
}

/* Length of the UTF-8 sequence at p (at most end), or 0 if it is not one
 * a JSON text may hold. */
static size_t
jl_utf8(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], cp;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		n = 2;
		cp = c & 0x1f;
	} else if (c < 0xf0) {
		n = 3;
		cp = c & 0x0f;
	} else if (c < 0xf5) {
		n = 4;
		cp = c & 0x07;
	} else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Four hex digits at p, or -1. */
static long
jl_hex4(const char *p, const char *end)
{
	long v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Append code point cp as UTF-8 to the scratch buffer at *len. */
static void
jl_put_utf8(struct jl *j, size_t *len, unsigned long cp)
{
	char *o;

	jl_room(j, *len, 4);
	o = j->buf + *len;
	if (cp < 0x80) {
		o[0] = (char)cp;
		*len += 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		*len += 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		*len += 3;
	} else {
		o[0] = (char)(0xf0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		*len += 4;
	}
}

/* Bytes a string holds as they are: printable ASCII but '"' and '\\'. */
static const unsigned char jl_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Past the bytes from p (up to end) a string holds as they are. */
static const char *
jl_plain_run(const char *p, const char *end)
{
#if BYTESCAN_WORDS
	while (end - p >= 8) {
		uint64_t w = bytescan_load(p), m;

		m = bytescan_below(w, 0x20) | bytescan_eq(w, '"') | bytescan_eq(w, '\\') |
		    bytescan_high(w);
		if (m != 0)
			return p + bytescan_first(m);
		p += 8;
	}
#endif
	while (p < end && jl_plain[(unsigned char)*p])
		p++;
	return p;
}

/* A string at j->p (its opening quote). On success *s and *len are its
 * text: the input itself when it has no escapes (not NUL-terminated),
 * else the scratch buffer (NUL-terminated); j->p is past the closing
 * quote. */
static bool
jl_string(struct jl *j, const char **s, size_t *len)
{
	const char *p = ++j->p, *end = j->end, *run;
	size_t n = 0, k;
	bool copied = false;
	long u, lo;
	char c;

	run = p;
	for (;;) {
		p = jl_plain_run(p, end);
		if (p >= end) {
			j->p = p;
			jl_fail(j, "premature end of input in a string");
			return false;
		}
		c = *p;
		if (c == '"' || c == '\\') {
			if (copied || c == '\\') {
				jl_room(j, n, (size_t)(p - run));
				memcpy(j->buf + n, run, (size_t)(p - run));
				n += (size_t)(p - run);
				copied = true;
			}
			if (c == '"')
				break;
			/* an escape */
			if (p + 1 >= end) {
				j->p = p;
				jl_fail(j, "premature end of input in a string");
				return false;
			}
			switch (p[1]) {
			case '"': case '\\': case '/':
				jl_room(j, n, 1);
				j->buf[n++] = p[1];
				p += 2;
				break;
			case 'b': jl_room(j, n, 1); j->buf[n++] = '\b'; p += 2; break;
			case 'f': jl_room(j, n, 1); j->buf[n++] = '\f'; p += 2; break;
			case 'n': jl_room(j, n, 1); j->buf[n++] = '\n'; p += 2; break;
			case 'r': jl_room(j, n, 1); j->buf[n++] = '\r'; p += 2; break;
			case 't': jl_room(j, n, 1); j->buf[n++] = '\t'; p += 2; break;
			case 'u':
				u = jl_hex4(p + 2, end);
				if (u < 0) {
					j->p = p;
					jl_fail(j, "invalid escape");
					return false;
				}
				p += 6;
				if (u >= 0xd800 && u <= 0xdbff) {
					lo = p + 1 < end && p[0] == '\\' && p[1] == 'u' ?
					    jl_hex4(p + 2, end) : -1;
					if (lo < 0xdc00 || lo > 0xdfff) {
						j->p = p;
						jl_fail(j, "invalid Unicode '\\u%04lX'", u);
						return false;
					}
					u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				} else if ((u >= 0xdc00 && u <= 0xdfff) || u == 0) {
					j->p = p;
					jl_fail(j, u == 0 ? "\\u0000 is not allowed" :
					    "invalid Unicode '\\u%04lX'", u);
					return false;
				}
				jl_put_utf8(j, &n, (unsigned long)u);
				break;
			default:
				j->p = p;
				jl_fail(j, "invalid escape");
				return false;
			}
			run = p;
			continue;
		}
		if ((unsigned char)c < 0x20) {
			j->p = p;
			jl_fail(j, "control character 0x%x in a string", (unsigned char)c);
			return false;
		}
		if ((unsigned char)c >= 0x80) {
			k = jl_utf8((const unsigned char *)p, (const unsigned char *)end);
			if (k == 0) {
				j->p = p;
				jl_fail(j, "invalid UTF-8");
				return false;
			}
			p += k;
			continue;
		}
		p++;
	}
	if (copied) {
		j->buf[n] = '\0';
		*s = j->buf;
		*len = n;
	} else {
		*s = run;
		*len = (size_t)(p - run);
	}
	j->p = p + 1;
	return true;
}

/* The C locale for strtod (the console sets the user's). */
static locale_t
jl_c_locale(void)
{
	static locale_t c;

	if (c == (locale_t)0)
		c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	return c;
}

static bool
jl_digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* json_loadb swallows one NUL byte right after a number or a word (its
 * lexer reads one byte past them and does not put a NUL back): so does
 * this, to accept the same documents. */
static void
jl_after_scalar(struct jl *j)
{
	if (j->p < j->end && *j->p == '\0')
		j->p++;
}

/* The extent of a number at j->p: its end, with *real set if it has a
 * fraction or an exponent and *digits counting its integer digits; NULL
 * (with the failure recorded) if it is not one. */
static const char *
jl_number_end(struct jl *j, bool *real, size_t *digits)
{
	const char *p = j->p, *end = j->end, *d;

	*real = false;
	if (*p == '-')
		p++;
	if (!jl_digit(p, end)) {
		jl_fail(j, "invalid number");
		return NULL;
	}
	d = p;
	if (*p == '0') {
		p++;
		if (jl_digit(p, end)) {
			jl_fail(j, "invalid number");
			return NULL;
		}
	} else {
		while (jl_digit(p, end))
			p++;
	}
	*digits = (size_t)(p - d);
	if (p < end && *p == '.') {
		*real = true;
		p++;
		if (!jl_digit(p, end)) {
			jl_fail(j, "invalid number");
			return NULL;
		}
		while (jl_digit(p, end))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*real = true;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!jl_digit(p, end)) {
			jl_fail(j, "invalid number");
			return NULL;
		}
		while (jl_digit(p, end))
			p++;
	}
	return p;
}

/* Integers of up to this many digits fit an int64 whatever they are. */
#define JL_SAFE_DIGITS	18

/* The number at j->p up to end (jl_number_end's), into *iv or *dv; false
 * (the failure recorded) if it overflows. */
static bool
jl_number_value(struct jl *j, const char *end, bool real, size_t digits,
    long long *iv, double *dv)
{
	const char *p = j->p;
	size_t n = (size_t)(end - p);
	char *stop;

	if (!real && digits <= JL_SAFE_DIGITS) {
		long long v = 0;
		bool neg = *p == '-';

		for (p += neg; p < end; p++)
			v = v * 10 + (*p - '0');
		*iv = neg ? -v : v;
		return true;
	}
	jl_room(j, 0, n);
	memcpy(j->buf, p, n);
	j->buf[n] = '\0';
	errno = 0;
	if (!real) {
		*iv = strtoll(j->buf, &stop, 10);
		if (errno == ERANGE) {
			jl_fail(j, *iv < 0 ? "too big negative integer" : "too big integer");
			return false;
		}
		return true;
	}
	*dv = strtod_l(j->buf, &stop, jl_c_locale());
	if (errno == ERANGE && (*dv == HUGE_VAL || *dv == -HUGE_VAL)) {
		jl_fail(j, "real number overflow");
		return false;
	}
	return true;
}

/* A number at j->p; with keep false only checked (NULL on success too:
 * *ok says which). */
static json_t *
jl_number(struct jl *j, bool keep, bool *ok)
{
	const char *end;
	size_t digits = 0;
	long long iv = 0;
	double dv = 0;
	bool real;

	*ok = false;
	if ((end = jl_number_end(j, &real, &digits)) == NULL)
		return NULL;
	if ((keep || real || digits > JL_SAFE_DIGITS) &&
	    !jl_number_value(j, end, real, digits, &iv, &dv))
		return NULL;
	*ok = true;
	j->p = end;
	jl_after_scalar(j);
	if (!keep)
		return NULL;
	return real ? json_real(dv) : json_integer((json_int_t)iv);
}

/* The literal word at j->p if it is w. */
static json_t *
jl_word(struct jl *j, const char *w, json_t *v)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return jl_fail(j, "invalid token");
	j->p += n;
	jl_after_scalar(j);
	return v;
}

/* The entry of proj naming the member key[0..len), else its "*" entry,
 * else NULL. */
static const struct json_proj *
jl_proj_find(const struct json_proj *proj, const char *key, size_t len)
{
	const struct json_proj *any = NULL;

	for (; proj->key != NULL; proj++) {
		if (len > 0 && proj->key[0] == key[0] && strncmp(proj->key, key, len) == 0 &&
		    proj->key[len] == '\0')
			return proj;
		if (len == 0 && proj->key[0] == '\0')
			return proj;
		if (proj->key[0] == '*' && proj->key[1] == '\0')
			any = proj;
	}
	return any;
}

/* Whether proj keeps the member key[0..len); *sub its projection. */
static bool
jl_proj_keeps(const struct json_proj *proj, const char *key, size_t len,
    const struct json_proj **sub)
{
	const struct json_proj *e;

	if (proj == NULL) {
		*sub = NULL;
		return true;
	}
	e = jl_proj_find(proj, key, len);
	if (e == NULL || e->sub == json_proj_drop)
		return false;
	*sub = e->sub;
	return true;
}

/* After a member or an element of a container closed by close: 1 past
 * ',' and blanks (another follows), 0 past close, -1 with the error set.
 * The one rule for objects, arrays and the values skipped unbuilt. */
static int
jl_next(struct jl *j, char close)
{
	jl_blanks(j);
	if (j->p < j->end && *j->p == ',') {
		j->p++;
		jl_blanks(j);
		return 1;
	}
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	jl_fail(j, close == '}' ? "'}' expected" : "']' expected");
	return -1;
}

static json_t *
jl_object(struct jl *j, size_t depth, const struct json_proj *proj)
{
	const struct json_proj *sub;
	json_t *o = json_object(), *v;
	char kstack[KEY_STACK], *key;
	const char *s;
	size_t len;
	int r;

	j->p++;
	jl_blanks(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return o;
	}
	for (;;) {
		if (j->p >= j->end || *j->p != '"') {
			jl_fail(j, "string or '}' expected");
			goto bad;
		}
		if (!jl_string(j, &s, &len))
			goto bad;
		if (!jl_proj_keeps(proj, s, len, &sub)) {
			jl_blanks(j);
			if (j->p >= j->end || *j->p != ':') {
				jl_fail(j, "':' expected");
				goto bad;
			}
			j->p++;
			jl_blanks(j);
			if (!jl_skip(j, depth))
				goto bad;
			goto next;
		}
		/* the key outlives the value's parse, which reuses the buffer */
		key = len < sizeof kstack ? kstack : xmalloc(len + 1);
		memcpy(key, s, len);
		key[len] = '\0';
		jl_blanks(j);
		if (j->p >= j->end || *j->p != ':') {
			if (key != kstack)
				free(key);
			jl_fail(j, "':' expected");
			goto bad;
		}
		j->p++;
		jl_blanks(j);
		v = jl_value(j, depth, sub);
		if (v == NULL || json_object_set_new_nocheck(o, key, v) != 0) {
			if (key != kstack)
				free(key);
			goto bad;
		}
		if (key != kstack)
			free(key);
next:
		r = jl_next(j, '}');
		if (r > 0)
			continue;
		if (r == 0)
			return o;
		goto bad;
	}
bad:
	json_decref(o);
	return NULL;
}

static json_t *
jl_array(struct jl *j, size_t depth, const struct json_proj *proj)
{
	json_t *a = json_array(), *v;
	int r;

	j->p++;
	jl_blanks(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return a;
	}
	for (;;) {
		v = jl_value(j, depth, proj);
		if (v == NULL || json_array_append_new(a, v) != 0)
			break;
		r = jl_next(j, ']');
		if (r > 0)
			continue;
		if (r == 0)
			return a;
		break;
	}
	json_decref(a);
	return NULL;
}

/* A value at j->p (blanks before it skipped). */
static json_t *
jl_value(struct jl *j, size_t depth, const struct json_proj *proj)
{
	const char *s;
	size_t len;
	bool ok;

	if (++depth > JSON_MAX_DEPTH)
		return jl_fail(j, "maximum parsing depth reached");
	if (j->p >= j->end)
		return jl_fail(j, "unexpected end of input");
	switch (*j->p) {
	case '{':
		return jl_object(j, depth, proj);
	case '[':
		return jl_array(j, depth, proj);
	case '"':
		if (!jl_string(j, &s, &len))
			return NULL;
		return json_stringn_nocheck(s, len);
	case 't':
		return jl_word(j, "true", json_true());
	case 'f':
		return jl_word(j, "false", json_false());
	case 'n':
		return jl_word(j, "null", json_null());
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return jl_number(j, true, &ok);
		return jl_fail(j, "invalid token");
	}
}

/* Read past a value at j->p as jl_value would, checking it the same way,
 * building nothing. */
static bool
jl_skip(struct jl *j, size_t depth)
{
	const char *s;
	size_t len;
	bool ok;
	char close;
	int r;

	if (++depth > JSON_MAX_DEPTH)
		return jl_fail(j, "maximum parsing depth reached") != NULL;
	if (j->p >= j->end)
		return jl_fail(j, "unexpected end of input") != NULL;
	switch (*j->p) {
	case '{':
	case '[':
		close = *j->p == '{' ? '}' : ']';
		j->p++;
		jl_blanks(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return true;
		}
		for (;;) {
			if (close == '}') {
				if (j->p >= j->end || *j->p != '"')
					return jl_fail(j, "string or '}' expected") != NULL;
				if (!jl_string(j, &s, &len))
					return false;
				jl_blanks(j);
				if (j->p >= j->end || *j->p != ':')
					return jl_fail(j, "':' expected") != NULL;
				j->p++;
				jl_blanks(j);
			}
			if (!jl_skip(j, depth))
				return false;
			r = jl_next(j, close);
			if (r > 0)
				continue;
			return r == 0;
		}
	case '"':
		return jl_string(j, &s, &len);
	case 't':
		return jl_word(j, "true", json_true()) != NULL;
	case 'f':
		return jl_word(j, "false", json_false()) != NULL;
	case 'n':
		return jl_word(j, "null", json_null()) != NULL;
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
			(void)jl_number(j, false, &ok);
			return ok;
		}
		return jl_fail(j, "invalid token") != NULL;
	}
}

json_t *
json_load_proj(const char *buf, size_t len, size_t flags, const struct json_proj *proj,
    json_error_t *err)
{
	struct jl j = { buf, buf, buf + len, err, NULL, 0 };
	json_t *v = NULL;

	if (err != NULL) {
		memset(err, 0, sizeof *err);
		err->line = -1;
		err->column = -1;
		snprintf(err->source, sizeof err->source, "<buffer>");
	}
	jl_blanks(&j);
	if (!(flags & JSON_DECODE_ANY) && (j.p >= j.end || (*j.p != '[' && *j.p != '{')))
		jl_fail(&j, "'[' or '{' expected");
	else if ((v = jl_value(&j, 0, proj)) != NULL) {
		jl_blanks(&j);
		if (j.p != j.end) {
			jl_fail(&j, "end of file expected");
			json_decref(v);
			v = NULL;
		}
	}
	free(j.buf);
	return v;
}

json_t *
json_load_fast(const char *buf, size_t len, size_t flags, json_error_t *err)
{
	return json_load_proj(buf, len, flags, NULL, err);
}

json_t *
json_project(json_t *v, const struct json_proj *proj)
{
	const struct json_proj *sub;
	const char *key;
	json_t *out, *m;
	size_t i;

	if (proj == NULL)
		return json_deep_copy(v);
	if (json_is_object(v)) {
		out = json_object();
		json_object_foreach(v, key, m) {
			if (jl_proj_keeps(proj, key, strlen(key), &sub))
				json_object_set_new_nocheck(out, key, json_project(m, sub));
		}
		return out;
	}
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(v, i, m)
			json_array_append_new(out, json_project(m, proj));
		return out;
	}
	return json_deep_copy(v);
}
