/* Decoding of Kubernetes protobuf request bodies
 * (application/vnd.kubernetes.protobuf: "k8s\0" + runtime.Unknown) into
 * the JSON form of the object, for the kinds in drill/proto_schema.c. */
#ifndef OPSDECK_DRILL_PROTO_H
#define OPSDECK_DRILL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* How a message maps to JSON. */
enum pb_special {
	PB_PLAIN,		/* an object of its fields */
	PB_TIME,		/* meta/v1 Time: RFC 3339 seconds */
	PB_MICROTIME,		/* meta/v1 MicroTime: RFC 3339 microseconds */
	PB_DURATION,		/* meta/v1 Duration: Go duration string */
	PB_QUANTITY,		/* resource.Quantity: its string */
	PB_INTORSTRING,		/* intstr.IntOrString: number or string */
	PB_RAW,			/* RawExtension, FieldsV1: embedded JSON */
};

/* One field of a message. */
struct pb_field {
	uint32_t	 num;
	const char	*name;
	uint8_t		 type;		/* descriptor type: 8 bool, 9 string, 11 message... */
	uint8_t		 repeated;
	int16_t		 msg;		/* index in pb_msgs for messages, else -1 */
};

/* One message of the schema. */
struct pb_msg {
	const char		*name;	/* "k8s.io.api.batch.v1.Job" */
	const struct pb_field	*fields;
	uint16_t		 nfields;
	uint8_t			 special;	/* enum pb_special */
	uint8_t			 map_entry;	/* key = 1, value = 2 */
};

extern const struct pb_msg	pb_msgs[];
extern const size_t		pb_nmsgs;

/* Decode a protobuf-encoded Kubernetes object; returns a new JSON object
 * with apiVersion and kind, or NULL with *cause (new) set. */
json_t	*drill_proto_decode(const void *buf, size_t len, char **cause);

#endif
