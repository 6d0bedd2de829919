/* Kubernetes protobuf bodies to JSON: a wire-format walker driven by the
 * schema table in proto_schema.c. Bounded: nesting depth and sizes are
 * checked, malformed input is an error, never a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opsdeck/xmalloc.h"
#include "drill.h"
#include "proto.h"

/* Deepest message nesting accepted. */
#define PB_DEPTH_MAX	64

/* A cursor over protobuf bytes. */
struct pb_in {
	const unsigned char	*p;
	const unsigned char	*end;
};

/* Read a varint; -1 if malformed. */
static int
pb_varint(struct pb_in *in, uint64_t *v)
{
	int	shift = 0;

	*v = 0;
	while (in->p < in->end && shift < 64) {
		unsigned char c = *in->p++;

		*v |= (uint64_t)(c & 0x7f) << shift;
		if (c < 0x80)
			return 0;
		shift += 7;
	}
	return -1;
}

/* Read one field header and its payload. */
static int
pb_next(struct pb_in *in, uint32_t *num, int *wt, uint64_t *v, struct pb_in *sub)
{
	uint64_t	key, n;

	if (pb_varint(in, &key) != 0)
		return -1;
	*num = (uint32_t)(key >> 3);
	*wt = (int)(key & 7);
	switch (*wt) {
	case 0:
		return pb_varint(in, v);
	case 1:
	case 5:
		n = *wt == 1 ? 8 : 4;
		if ((uint64_t)(in->end - in->p) < n)
			return -1;
		*v = 0;
		memcpy(v, in->p, n);
		in->p += n;
		return 0;
	case 2:
		if (pb_varint(in, &n) != 0 || n > (uint64_t)(in->end - in->p))
			return -1;
		sub->p = in->p;
		sub->end = in->p + n;
		in->p += n;
		return 0;
	default:
		return -1;
	}
}

static json_t	*pb_message(const struct pb_msg *, struct pb_in, int, char **);

/* The field of m numbered num, or NULL. */
static const struct pb_field *
pb_field_find(const struct pb_msg *m, uint32_t num)
{
	uint16_t	i;

	for (i = 0; i < m->nfields; i++) {
		if (m->fields[i].num == num)
			return &m->fields[i];
	}
	return NULL;
}

/* The JSON value of one scalar or message field. */
static json_t *
pb_value(const struct pb_field *f, int wt, uint64_t v, struct pb_in sub, int depth,
    char **cause)
{
	char	*s;
	json_t	*val;

	switch (f->type) {
	case 8:
		return json_boolean(v != 0);
	case 3: case 5: case 4: case 13: case 14:
		if (wt != 0)
			break;
		if (f->type == 5)
			return json_integer((json_int_t)(int32_t)v);
		return json_integer((json_int_t)v);
	case 17:
		return json_integer((json_int_t)((v >> 1) ^ -(v & 1)));
	case 18:
		return json_integer((json_int_t)((v >> 1) ^ -(v & 1)));
	case 1: {
		double d;

		memcpy(&d, &v, sizeof d);
		return json_real(d);
	}
	case 9:
		if (wt != 2)
			break;
		return json_stringn((const char *)sub.p, (size_t)(sub.end - sub.p));
	case 12:
		if (wt != 2)
			break;
		s = drill_base64(sub.p, (size_t)(sub.end - sub.p));
		val = json_string(s);
		free(s);
		return val;
	case 11:
		if (wt != 2 || f->msg < 0 || (size_t)f->msg >= pb_nmsgs)
			break;
		return pb_message(&pb_msgs[f->msg], sub, depth + 1, cause);
	default:
		break;
	}
	if (*cause == NULL)
		*cause = xasprintf("field %s has an unexpected encoding", f->name);
	return NULL;
}

/* Decode a special message into its JSON form. */
static json_t *
pb_special(const struct pb_msg *m, struct pb_in in, char **cause)
{
	uint32_t	 num;
	int		 wt;
	uint64_t	 v, secs = 0, nanos = 0, type = 0, ival = 0;
	struct pb_in	 sub = { NULL, NULL }, str = { NULL, NULL };
	char		 buf[64];
	time_t		 t;
	struct tm	 tm;

	while (in.p < in.end) {
		if (pb_next(&in, &num, &wt, &v, &sub) != 0) {
			*cause = xstrdup("malformed protobuf");
			return NULL;
		}
		if (num == 1 && wt == 0) {
			secs = v;
			type = v;
		} else if (num == 2 && wt == 0) {
			nanos = v;
			ival = v;
		} else if ((num == 1 || num == 3) && wt == 2)
			str = sub;
	}
	switch (m->special) {
	case PB_TIME:
	case PB_MICROTIME:
		if (secs == 0 && nanos == 0)
			return json_null();
		t = (time_t)(int64_t)secs;
		gmtime_r(&t, &tm);
		strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
		if (m->special == PB_MICROTIME)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ".%06uZ",
			    (unsigned)(nanos / 1000));
		else
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "Z");
		return json_string(buf);
	case PB_DURATION:
		snprintf(buf, sizeof buf, "%gs", (double)(int64_t)secs / 1e9);
		return json_string(buf);
	case PB_QUANTITY:
		return json_stringn(str.p != NULL ? (const char *)str.p : "",
		    str.p != NULL ? (size_t)(str.end - str.p) : 0);
	case PB_INTORSTRING:
		if (type == 1)
			return json_stringn(str.p != NULL ? (const char *)str.p : "",
			    str.p != NULL ? (size_t)(str.end - str.p) : 0);
		return json_integer((json_int_t)(int32_t)ival);
	case PB_RAW:
		if (str.p == NULL)
			return json_object();
		return json_loadb((const char *)str.p, (size_t)(str.end - str.p),
		    JSON_DECODE_ANY, NULL);
	}
	return json_null();
}

/* Decode a message into a JSON object. */
static json_t *
pb_message(const struct pb_msg *m, struct pb_in in, int depth, char **cause)
{
	const struct pb_field	*f;
	json_t			*obj, *val, *arr, *k;
	uint32_t		 num;
	int			 wt;
	uint64_t		 v;
	struct pb_in		 sub = { NULL, NULL };

	if (depth > PB_DEPTH_MAX) {
		*cause = xstrdup("protobuf nesting too deep");
		return NULL;
	}
	if (m->special != PB_PLAIN)
		return pb_special(m, in, cause);
	obj = json_object();
	while (in.p < in.end) {
		if (pb_next(&in, &num, &wt, &v, &sub) != 0) {
			*cause = xstrdup("malformed protobuf");
			goto fail;
		}
		f = pb_field_find(m, num);
		if (f == NULL)
			continue;
		/* Packed repeated scalars. */
		if (f->repeated && wt == 2 && f->type != 9 && f->type != 11 && f->type != 12) {
			arr = json_object_get(obj, f->name);
			if (arr == NULL) {
				arr = json_array();
				json_object_set_new(obj, f->name, arr);
			}
			while (sub.p < sub.end) {
				if (pb_varint(&sub, &v) != 0) {
					*cause = xstrdup("malformed packed field");
					goto fail;
				}
				json_array_append_new(arr, pb_value(f, 0, v, sub, depth, cause));
			}
			continue;
		}
		val = pb_value(f, wt, v, sub, depth, cause);
		if (val == NULL)
			goto fail;
		if (f->msg >= 0 && pb_msgs[f->msg].map_entry) {
			/* map<K,V>: an entry message {key, value}. */
			k = json_object_get(val, "key");
			arr = json_object_get(obj, f->name);
			if (arr == NULL) {
				arr = json_object();
				json_object_set_new(obj, f->name, arr);
			}
			if (json_is_string(k))
				json_object_set(arr, json_string_value(k),
				    json_object_get(val, "value") != NULL ?
				    json_object_get(val, "value") : json_string(""));
			json_decref(val);
			continue;
		}
		if (f->repeated) {
			arr = json_object_get(obj, f->name);
			if (arr == NULL) {
				arr = json_array();
				json_object_set_new(obj, f->name, arr);
			}
			json_array_append_new(arr, val);
			continue;
		}
		/* Zero values of non-pointer Go fields are omitted, as JSON does. */
		if ((json_is_string(val) && json_string_length(val) == 0) ||
		    json_is_false(val) || json_is_null(val)) {
			json_decref(val);
			continue;
		}
		json_object_set_new(obj, f->name, val);
	}
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

/* The schema message named name, or NULL. */
static const struct pb_msg *
pb_msg_find(const char *name)
{
	size_t	i;

	for (i = 0; i < pb_nmsgs; i++) {
		if (strcmp(pb_msgs[i].name, name) == 0)
			return &pb_msgs[i];
	}
	return NULL;
}

/* Decode a "k8s\0"-prefixed runtime.Unknown holding an object. */
json_t *
drill_proto_decode(const void *buf, size_t len, char **cause)
{
	const struct pb_msg	*unknown, *m;
	struct pb_in		 in;
	json_t			*env = NULL, *obj = NULL, *raw;
	const char		*av, *kind, *slash;
	char			 name[256], group[128];
	size_t			 n, i;

	*cause = NULL;
	if (len < 4 || memcmp(buf, "k8s\0", 4) != 0) {
		*cause = xstrdup("protobuf body lacks the k8s envelope");
		return NULL;
	}
	unknown = pb_msg_find("k8s.io.apimachinery.pkg.runtime.Unknown");
	if (unknown == NULL) {
		*cause = xstrdup("no protobuf schema");
		return NULL;
	}
	/* Decode the envelope with raw kept as bytes (base64). */
	in.p = (const unsigned char *)buf + 4;
	in.end = (const unsigned char *)buf + len;
	env = pb_message(unknown, in, 0, cause);
	if (env == NULL)
		goto out;
	av = json_string_value(json_object_get(json_object_get(env, "typeMeta"), "apiVersion"));
	kind = json_string_value(json_object_get(json_object_get(env, "typeMeta"), "kind"));
	raw = json_object_get(env, "raw");
	if (av == NULL || kind == NULL) {
		*cause = xstrdup("protobuf body lacks apiVersion or kind");
		goto out;
	}
	slash = strchr(av, '/');
	if (slash == NULL)
		snprintf(name, sizeof name, "k8s.io.api.core.%s.%s", av, kind);
	else {
		n = (size_t)(slash - av);
		if (n >= sizeof group)
			n = sizeof group - 1;
		memcpy(group, av, n);
		group[n] = '\0';
		if (n > 7 && strcmp(group + n - 7, ".k8s.io") == 0)
			group[n - 7] = '\0';
		if (strcmp(group, "meta") == 0 || strcmp(kind, "DeleteOptions") == 0)
			snprintf(name, sizeof name, "k8s.io.apimachinery.pkg.apis.meta.%s.%s",
			    slash + 1, kind);
		else
			snprintf(name, sizeof name, "k8s.io.api.%s.%s.%s", group, slash + 1, kind);
	}
	m = pb_msg_find(name);
	if (m == NULL) {
		*cause = xasprintf("protobuf encoding of %s %s is not supported", av, kind);
		goto out;
	}
	{
		/* raw came out base64: decode it through the field directly. */
		struct pb_in	 e = { (const unsigned char *)buf + 4,
				    (const unsigned char *)buf + len }, sub = { NULL, NULL };
		uint32_t	 num;
		int		 wt;
		uint64_t	 v;

		(void)raw;
		i = 0;
		while (e.p < e.end) {
			if (pb_next(&e, &num, &wt, &v, &sub) != 0)
				break;
			if (num == 2 && wt == 2) {
				i = 1;
				break;
			}
		}
		if (!i) {
			*cause = xstrdup("protobuf body has no object");
			goto out;
		}
		obj = pb_message(m, sub, 0, cause);
	}
	if (obj != NULL) {
		json_object_set_new(obj, "apiVersion", json_string(av));
		json_object_set_new(obj, "kind", json_string(kind));
	}
out:
	json_decref(env);
	return obj;
}
