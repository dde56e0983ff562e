/*
 * yml: YAML files as a small tree with line numbers.
 *
 * The only user of libyaml.  conf, menu, i18n and the phone's scripts read
 * their files through this tree so every error can name file:line.
 * Aliases are refused (menu and config files do not need them, and they
 * are the classic YAML bomb); an anchor alone is harmless and ignored, as
 * are tags.
 */
#ifndef IDLINE_YML_H
#define IDLINE_YML_H

#include <stddef.h>

enum yml_type { YML_SCALAR, YML_SEQ, YML_MAP };

struct yml_node {
	enum yml_type	  type;
	int		  line;		/* 1-based line of the node's start */
	char		 *value;	/* YML_SCALAR: the text (UTF-8) */
	size_t		  n;		/* YML_SEQ / YML_MAP: entries */
	char		**keys;		/* YML_MAP: keys (scalars only) */
	int		 *key_lines;	/* YML_MAP: line of each key */
	struct yml_node	**items;	/* YML_SEQ items / YML_MAP values */
};

/*
 * Loads the first document of path.  On success returns 0 and a tree the
 * caller frees with yml_free().  On failure returns -1 and writes
 * "path:line: reason" into err.  An empty file gives an empty map.
 */
int	yml_load_file(const char *path, struct yml_node **root, char *err,
	    size_t errlen);
/* Same, from a memory buffer; name is used in error messages. */
int	yml_load_buf(const char *name, const char *buf, size_t len,
	    struct yml_node **root, char *err, size_t errlen);
void	yml_free(struct yml_node *n);

/* Map lookup; NULL if map is not a map or has no such key. */
const struct yml_node *yml_get(const struct yml_node *map, const char *key);
/* The scalar text under key, or NULL if absent or not a scalar. */
const char *yml_str(const struct yml_node *map, const char *key);

#endif
