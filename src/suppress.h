/* SPDX-License-Identifier: MIT */
/* Suppressions: `kind:glob` rules from --suppressions files that drop the findings a
 * frame of which matches, with a hit count per rule for the report, and the rules
 * --gen-suppressions proposes for the findings that remain. */
#ifndef VIGIL_SUPPRESS_H
#define VIGIL_SUPPRESS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

/* Longest line a suppressions file may hold, without its newline. */
#define VIGIL_SUPP_LINE_MAX 4096
/* Largest suppressions file read. */
#define VIGIL_SUPP_FILE_MAX (16u << 20)

struct vigil_supp;

struct vigil_supp_rule {
	const char *file; /* as given on the command line */
	unsigned line;
	unsigned kind;       /* enum vigil_finding_kind; 0: every kind ('*') */
	const char *pattern; /* fnmatch(3) glob */
	uint64_t hits;       /* findings this rule suppressed in the last apply */
};

/* NULL with errno ENOMEM. */
struct vigil_supp *vigil_supp__new(void);
void vigil_supp__free(struct vigil_supp *s);

/* Appends the rules of buf (len bytes, NUL bytes included), read from a file named
 * name. 0; -EINVAL with one line in err, "suppressions 'NAME' line N: why", for a
 * malformed line (no rule of buf is kept then); -ENOMEM. */
int vigil_supp__parse(struct vigil_supp *s, const char *name, const char *buf, size_t len,
		      char *err, size_t errlen);

/* Reads every file of paths, in order. NULL with one line in err (a malformed line or
 * "suppressions 'FILE': <strerror>") and errno set. */
struct vigil_supp *vigil_supp__from_files(const char *const *paths, int n, char *err,
					  size_t errlen);

size_t vigil_supp__nrules(const struct vigil_supp *s);
const struct vigil_supp_rule *vigil_supp__rule(const struct vigil_supp *s, size_t i);
/* Findings the last apply suppressed. */
uint64_t vigil_supp__suppressed(const struct vigil_supp *s);

/* The first rule (in file order) that matches f, or -1. Counts no hit. */
long vigil_supp__match(const struct vigil_supp *s, const struct vigil_finding *f);

/* Drops from r the findings a rule matches and counts the hits (each finding counts
 * for its first matching rule). Hit counts start from zero at each apply. Returns the
 * number of findings dropped. Call after vigil_report__finish. */
size_t vigil_supp__apply(struct vigil_supp *s, struct vigil_report *r);

/* Writes the rules and hits of s as run.suppressions ([{file, line, rule, hits}]) and
 * adds the findings it suppressed to run.suppressed, after what an earlier pass
 * recorded (a saved report.json re-rendered with more rules). 0 or -ENOMEM. */
int vigil_supp__record(const struct vigil_supp *s, json_t *report);

/* apply, then record, on the findings of a report.json (a saved one: `vigil report`).
 * 0 or -ENOMEM. */
int vigil_supp__apply_json(struct vigil_supp *s, json_t *report);

/* Writes a suppressions file with one rule for each finding of report: a comment per
 * finding (kind, id, message), then its rule; findings that get the same rule share
 * it. Nothing when there are no findings. 0 or -errno on a write error. */
int vigil_supp__generate(const json_t *report, FILE *f);

/* One line for stderr after a run: how many findings were suppressed, and the first
 * rules that matched nothing ("vigil: 3 findings suppressed; rules that matched
 * nothing: a.supp:4 leak:foo"). */
void vigil_supp__print_summary(const struct vigil_supp *s, FILE *f);

/* The "suppressions:" section of report.txt: each rule of run.suppressions with its
 * hits, rules that matched nothing flagged. Nothing when the run had no rules. */
void vigil_supp__print_text(const json_t *report, FILE *f);

#endif
