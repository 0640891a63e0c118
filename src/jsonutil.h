/* SPDX-License-Identifier: MIT */
/* report.json fields for the writers that render from it (text, HTML, SARIF, folded,
 * diff, suppressions): a missing or mistyped field is absent, never a crash; and the
 * builder the writers of JSON documents share. */
#ifndef VIGIL_JSONUTIL_H
#define VIGIL_JSONUTIL_H

#include <jansson.h>
#include <stdbool.h>

/* The string at o[k], or NULL. */
static inline const char *vigil_jstr(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The integer at o[k] into *out; false when there is none. */
static inline bool vigil_jint(const json_t *o, const char *k, json_int_t *out)
{
	const json_t *v = json_object_get(o, k);

	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return true;
}

/* A document under construction: a failed set or push (out of memory) is remembered
 * in ok instead of being checked at every call. The value is always consumed. */
struct vigil_jbuild {
	bool ok;
};

static inline void vigil_jset(struct vigil_jbuild *b, json_t *o, const char *k, json_t *v)
{
	if (!o || json_object_set_new(o, k, v))
		b->ok = false;
}

static inline void vigil_jpush(struct vigil_jbuild *b, json_t *a, json_t *v)
{
	if (!a || json_array_append_new(a, v))
		b->ok = false;
}

#endif
