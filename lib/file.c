/* Reading whole files with a hard size cap (configuration, kubeconfigs,
 * themes, scenarios, tokens). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opsdeck/file.h"
#include "opsdeck/xmalloc.h"

/* Read a whole file of at most max bytes; NULL, *cause and errno on
 * failure. */
char *
file_read(const char *path, size_t max, size_t *len, char **cause)
{
	struct stat st;
	char *buf = NULL;
	ssize_t r;
	size_t n = 0;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		err = errno;
		*cause = xasprintf("%s: %s", path, strerror(err));
		errno = err;
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		err = EINVAL;
		*cause = xasprintf("%s: not a regular file", path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		err = EFBIG;
		*cause = xasprintf("%s: larger than %zu bytes", path, max);
		goto out;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size) {
		r = read(fd, buf + n, (size_t)st.st_size - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			err = errno;
			*cause = xasprintf("%s: %s", path, strerror(err));
			free(buf);
			buf = NULL;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
out:
	close(fd);
	if (buf == NULL)
		errno = err;
	return buf;
}

char *
file_resolve(const char *dir, const char *path)
{
	if (path[0] == '/' || dir == NULL || *dir == '\0')
		return xstrdup(path);
	return xasprintf("%s/%s", dir, path);
}
