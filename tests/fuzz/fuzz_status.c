/* Fuzz target: error bodies as the client reads them: status_message (a
 * Status's message, reason or error, sanitised) and client_response_error
 * (that, or the short body, or the bare status). Both give text a terminal
 * can show: no control bytes but tab, and valid UTF-8. The first byte
 * picks the status. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/client.h"

#include "client_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Abort unless s is printable: no C0 control (but tab) and no DEL. */
static void
check_printable(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client_response resp;
	char *m, *body;

	if (size < 1)
		return 0;
	body = malloc(size);
	if (body == NULL)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	m = status_message(body, size - 1);
	if (m != NULL) {
		check_printable(m);
		free(m);
	}
	memset(&resp, 0, sizeof resp);
	resp.status = 400 + data[0];
	resp.body = body;
	resp.len = size - 1;
	m = client_response_error(&resp);
	check_printable(m);
	free(m);
	free(body);
	return 0;
}
