/* Whole-file reads with a hard cap: a file over the cap is an error for
 * that file, never an allocation of its size. */
#ifndef OPSDECK_FILE_H
#define OPSDECK_FILE_H

#include <stddef.h>

/* Read the regular file path of at most max bytes into a new NUL-terminated
 * buffer (caller frees), its length in *len; NULL with *cause set ("path:
 * No such file or directory", "path: larger than N bytes", "path: not a
 * regular file") and errno set (ENOENT and the like from open or read,
 * EFBIG, EINVAL) on failure. */
char	*file_read(const char *path, size_t max, size_t *len, char **cause);
/* path resolved against the directory dir unless path is absolute or dir
 * is NULL or empty (a kubeconfig's relative certificate and token file
 * paths); a new string. */
char	*file_resolve(const char *dir, const char *path);

#endif
