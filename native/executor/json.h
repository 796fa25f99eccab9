/*
 * A small JSON reader for the compiled workloads the TypeScript side writes: objects, arrays,
 * numbers, strings (with the common escapes), true, false, null. Enough for trusted input that
 * faultline itself produced; errors name the byte offset.
 */
#ifndef FAULTLINE_JSON_H
#define FAULTLINE_JSON_H

#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	double num;          /* J_NUM, J_BOOL (0/1) */
	char *str;           /* J_STR */
	size_t n;            /* J_ARR, J_OBJ: elements */
	struct jval *items;  /* J_ARR, J_OBJ values */
	char **keys;         /* J_OBJ keys */
};

/* Parse text; on error returns NULL and writes a message to err. */
struct jval *json_parse(const char *text, char *err, size_t errlen);
/* Object member, or NULL. */
const struct jval *jget(const struct jval *o, const char *key);
/* Integer member with a default. */
long long jint(const struct jval *o, const char *key, long long dflt);
/* String member, or dflt. */
const char *jstr(const struct jval *o, const char *key, const char *dflt);

#endif
