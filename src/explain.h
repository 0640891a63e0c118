/* SPDX-License-Identifier: MIT */
/* Why each finding kind matters and how it is usually fixed, one sentence each: the
 * text report prints them under every finding; SARIF may reuse them as rule help. */
#ifndef VIGIL_EXPLAIN_H
#define VIGIL_EXPLAIN_H

/* Sets *why and *fix (static strings, one sentence each, on one line) for the
 * kind named as in report.json ("leak", "double-free"...). 0, or -ENOENT for a name
 * vigil does not know (the out-parameters are then untouched). */
int vigil_explain__kind(const char *kind, const char **why, const char **fix);

#endif
