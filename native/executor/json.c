#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *s;
	size_t i;
	char *err;
	size_t errlen;
	int failed;
};

static void fail(struct parser *p, const char *what)
{
	if (!p->failed)
		snprintf(p->err, p->errlen, "bad JSON at byte %zu: %s", p->i, what);
	p->failed = 1;
}

static void ws(struct parser *p)
{
	while (p->s[p->i] == ' ' || p->s[p->i] == '\n' || p->s[p->i] == '\t' || p->s[p->i] == '\r')
		p->i++;
}

static int value(struct parser *p, struct jval *v);

static char *string(struct parser *p)
{
	size_t cap = 16, n = 0;
	char *out = malloc(cap);
	p->i++; /* opening quote */
	for (;;) {
		char c = p->s[p->i++];
		if (c == '\0') {
			fail(p, "unterminated string");
			free(out);
			return NULL;
		}
		if (c == '"')
			break;
		if (c == '\\') {
			char e = p->s[p->i++];
			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				/* Only what faultline writes: ASCII escapes. */
				unsigned code = 0;
				if (sscanf(p->s + p->i, "%4x", &code) != 1) {
					fail(p, "bad \\u escape");
					free(out);
					return NULL;
				}
				p->i += 4;
				c = code < 128 ? (char)code : '?';
				break;
			}
			default: c = e;
			}
		}
		if (n + 2 > cap)
			out = realloc(out, cap *= 2);
		out[n++] = c;
	}
	out[n] = '\0';
	return out;
}

static int value(struct parser *p, struct jval *v)
{
	memset(v, 0, sizeof(*v));
	ws(p);
	char c = p->s[p->i];
	if (c == '{' || c == '[') {
		int obj = c == '{';
		size_t cap = 4;
		v->type = obj ? J_OBJ : J_ARR;
		v->items = calloc(cap, sizeof(*v->items));
		if (obj)
			v->keys = calloc(cap, sizeof(*v->keys));
		p->i++;
		ws(p);
		if (p->s[p->i] == (obj ? '}' : ']')) {
			p->i++;
			return 0;
		}
		for (;;) {
			if (v->n == cap) {
				cap *= 2;
				v->items = realloc(v->items, cap * sizeof(*v->items));
				if (obj)
					v->keys = realloc(v->keys, cap * sizeof(*v->keys));
			}
			if (obj) {
				ws(p);
				if (p->s[p->i] != '"') {
					fail(p, "expected a key");
					return -1;
				}
				v->keys[v->n] = string(p);
				if (p->failed)
					return -1;
				ws(p);
				if (p->s[p->i++] != ':') {
					fail(p, "expected ':'");
					return -1;
				}
			}
			if (value(p, &v->items[v->n]))
				return -1;
			v->n++;
			ws(p);
			if (p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->s[p->i] == (obj ? '}' : ']')) {
				p->i++;
				return 0;
			}
			fail(p, "expected ',' or a closing bracket");
			return -1;
		}
	}
	if (c == '"') {
		v->type = J_STR;
		v->str = string(p);
		return p->failed ? -1 : 0;
	}
	if (!strncmp(p->s + p->i, "true", 4) || !strncmp(p->s + p->i, "false", 5)) {
		v->type = J_BOOL;
		v->num = p->s[p->i] == 't';
		p->i += v->num ? 4 : 5;
		return 0;
	}
	if (!strncmp(p->s + p->i, "null", 4)) {
		v->type = J_NULL;
		p->i += 4;
		return 0;
	}
	char *end;
	v->num = strtod(p->s + p->i, &end);
	if (end == p->s + p->i) {
		fail(p, "expected a value");
		return -1;
	}
	v->type = J_NUM;
	p->i = end - p->s;
	return 0;
}

struct jval *json_parse(const char *text, char *err, size_t errlen)
{
	struct parser p = { text, 0, err, errlen, 0 };
	struct jval *v = malloc(sizeof(*v));
	if (value(&p, v) || (ws(&p), p.s[p.i] != '\0')) {
		fail(&p, "trailing text");
		return NULL;
	}
	return v;
}

const struct jval *jget(const struct jval *o, const char *key)
{
	if (o == NULL || o->type != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->keys[i], key))
			return &o->items[i];
	return NULL;
}

long long jint(const struct jval *o, const char *key, long long dflt)
{
	const struct jval *v = jget(o, key);
	if (v == NULL || (v->type != J_NUM && v->type != J_BOOL))
		return dflt;
	return (long long)v->num;
}

const char *jstr(const struct jval *o, const char *key, const char *dflt)
{
	const struct jval *v = jget(o, key);
	return v != NULL && v->type == J_STR ? v->str : dflt;
}
