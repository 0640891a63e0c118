/* SPDX-License-Identifier: MIT */
/* Reading report.json fields in the writers that render from it (text, HTML, SARIF,
 * folded, diff, suppressions): a missing or mistyped field is absent, never a crash. */
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

#endif
