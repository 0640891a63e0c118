// SPDX-License-Identifier: MIT
/* Symbolizer on small programs compiled by the test: function, file and line, inlined
 * frames, C++ names, symbol-table fallback without DWARF, and missing files. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "symbolize.h"

static char dir[64];

static const char plain_c[] =
	"#include <stdio.h>\n"                                                     /* 1 */
	"static void *volatile ra;\n"                                              /* 2 */
	"__attribute__((noinline)) int leaf(int x) { ra = __builtin_return_address(0); return x * 2; }\n"
	"__attribute__((noinline)) int caller(int x)\n"                            /* 4 */
	"{\n"                                                                      /* 5 */
	"\treturn leaf(x) + 1;\n"                                                  /* 6 */
	"}\n"                                                                      /* 7 */
	"int main(int argc, char **argv)\n"                                        /* 8 */
	"{\n"                                                                      /* 9 */
	"\tint r = caller(argc);\n"                                                /* 10 */
	"\tprintf(\"%p\\n\", ra);\n"                                               /* 11 */
	"\treturn r == 0;\n"                                                       /* 12 */
	"}\n";

static const char inline_c[] =
	"#include <stdio.h>\n"                                                     /* 1 */
	"static void *volatile ra;\n"                                              /* 2 */
	"__attribute__((noinline)) void capture(void) { ra = __builtin_return_address(0); __asm__ volatile(\"\"); }\n"
	"static inline __attribute__((always_inline)) int inner(int x)\n"          /* 4 */
	"{\n"                                                                      /* 5 */
	"\tcapture();\n"                                                           /* 6 */
	"\treturn x + 1;\n"                                                        /* 7 */
	"}\n"                                                                      /* 8 */
	"__attribute__((noinline)) int outer(int x)\n"                             /* 9 */
	"{\n"                                                                      /* 10 */
	"\treturn inner(x) * 3;\n"                                                 /* 11 */
	"}\n"                                                                      /* 12 */
	"int main(int argc, char **argv)\n"                                        /* 13 */
	"{\n"                                                                      /* 14 */
	"\t(void)argv;\n"                                                          /* 15 */
	"\tint r = outer(argc);\n"                                                 /* 16 */
	"\tprintf(\"%p\\n\", ra);\n"                                               /* 17 */
	"\treturn r == 0;\n"                                                       /* 18 */
	"}\n";

static const char cxx_cc[] =
	"namespace ns { struct W { static int make(int x); }; }\n"
	"int ns::W::make(int x) { return x + 1; }\n"
	"int main(int argc, char **) { return ns::W::make(argc) == 0; }\n";

static void setup(void)
{
	strcpy(dir, "/tmp/vigil-symtest-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(symbolize, .init = setup, .fini = teardown);

/* Writes src as dir/name and compiles it to dir/bin-name; returns the binary path. */
static char *build(const char *name, const char *src, const char *cc, const char *flags)
{
	static char bin[128];
	char path[128], cmd[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(bin, sizeof(bin), "%s/bin-%s", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s %s -no-pie -o 'bin-%s' '%s'", dir, cc, flags,
		 name, name);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	return bin;
}

/* Runs bin and reads the address it prints. */
static uint64_t printed_addr(const char *bin)
{
	FILE *p = popen(bin, "r");
	unsigned long long v = 0;

	cr_assert_not_null(p);
	cr_assert_eq(fscanf(p, "%llx", &v), 1);
	pclose(p);
	return v;
}

static uint64_t symbol_addr(const char *bin, const char *sym)
{
	char cmd[256], line[512], name[256], type[8];
	unsigned long long v, found = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm -P '%s'", bin);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "%255s %7s %llx", name, type, &v) == 3 && !strcmp(name, sym))
			found = v;
	pclose(p);
	cr_assert_neq(found, 0, "no symbol %s in %s", sym, bin);
	return found;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

Test(symbolize, function_file_and_line)
{
	const char *bin = build("plain.c", plain_c, "cc", "-g -O0");
	struct vigil_sym *s = vigil_sym__new();
	const struct vigil_symframe *f;
	size_t n;

	/* A function's entry. */
	cr_assert_eq(vigil_sym__lookup(s, bin, symbol_addr(bin, "leaf"), &f, &n), 0);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(f[0].function, "leaf");
	cr_assert_not_null(f[0].file);
	cr_expect_str_eq(base(f[0].file), "plain.c");
	cr_expect_eq(f[0].line, 3);
	cr_expect(!f[0].inlined);

	/* A return address, looked up one byte back, is the line of the call. */
	cr_assert_eq(vigil_sym__lookup(s, bin, printed_addr(bin) - 1, &f, &n), 0);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(f[0].function, "caller");
	cr_expect_eq(f[0].line, 6);
	vigil_sym__free(s);
}

Test(symbolize, inlined_frames_are_expanded_innermost_first)
{
	const char *bin = build("inl.c", inline_c, "cc", "-g -O2");
	struct vigil_sym *s = vigil_sym__new();
	const struct vigil_symframe *f;
	size_t n;

	cr_assert_eq(vigil_sym__lookup(s, bin, printed_addr(bin) - 1, &f, &n), 0);
	cr_assert_eq(n, 2, "frames: %zu", n);
	cr_expect_str_eq(f[0].function, "inner");
	cr_expect_eq(f[0].line, 6);
	cr_expect(f[0].inlined);
	cr_expect_str_eq(base(f[0].file), "inl.c");
	cr_expect_str_eq(f[1].function, "outer");
	cr_expect_eq(f[1].line, 11);
	cr_expect(!f[1].inlined);
	cr_expect_str_eq(base(f[1].file), "inl.c");
	vigil_sym__free(s);
}

Test(symbolize, cxx_names_are_demangled)
{
	const char *bin = build("w.cc", cxx_cc, "c++", "-g -O0");
	struct vigil_sym *s = vigil_sym__new();
	const struct vigil_symframe *f;
	size_t n;
	char *dm;

	cr_assert_eq(vigil_sym__lookup(s, bin, symbol_addr(bin, "_ZN2ns1W4makeEi"), &f, &n), 0);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(f[0].function, "ns::W::make(int)");
	cr_expect_eq(f[0].line, 2);
	dm = vigil_sym__demangle("_ZNSt6vectorIiSaIiEE9push_backERKi");
	cr_expect_str_eq(dm, "std::vector<int, std::allocator<int> >::push_back(int const&)");
	free(dm);
	cr_expect_null(vigil_sym__demangle("main"));
	cr_expect_null(vigil_sym__demangle("_Zgarbage"));
	vigil_sym__free(s);
}

Test(symbolize, symbol_table_without_dwarf)
{
	const char *bin = build("nodw.c", plain_c, "cc", "-O0");
	struct vigil_sym *s = vigil_sym__new();
	const struct vigil_symframe *f;
	size_t n;

	cr_assert_eq(vigil_sym__lookup(s, bin, symbol_addr(bin, "caller") + 4, &f, &n), 0);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(f[0].function, "caller");
	cr_expect_null(f[0].file);
	cr_expect_eq(f[0].line, 0);
	vigil_sym__free(s);
}

Test(symbolize, missing_files_degrade_to_nothing)
{
	struct vigil_sym *s = vigil_sym__new();
	const struct vigil_symframe *f = (void *)1;
	size_t n = 99;

	cr_expect_eq(vigil_sym__lookup(s, "/nonexistent/lib.so", 0x1234, &f, &n), 0);
	cr_expect_eq(n, 0);
	cr_expect_eq(vigil_sym__lookup(s, "/etc/passwd", 0x10, &f, &n), 0);
	cr_expect_eq(n, 0);
	vigil_sym__free(s);
}

Test(symbolize, results_are_cached_and_fast)
{
	const char *bin = build("plain.c", plain_c, "cc", "-g -O0");
	struct vigil_sym *s = vigil_sym__new();
	const struct vigil_symframe *a, *b;
	uint64_t lo = symbol_addr(bin, "leaf");
	struct timespec t0, t1;
	size_t n;
	double secs;

	cr_assert_eq(vigil_sym__lookup(s, bin, lo, &a, &n), 0);
	cr_assert_eq(vigil_sym__lookup(s, bin, lo, &b, &n), 0);
	cr_expect_eq(a, b, "second lookup was not served from the cache");
	/* Thousands of distinct addresses, each looked up twice. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int round = 0; round < 2; round++)
		for (uint64_t i = 0; i < 5000; i++)
			cr_assert_eq(vigil_sym__lookup(s, bin, lo + i % 64 + (i / 64) * 0x10000, &a,
						       &n), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_expect_lt(secs, 1.0, "10000 lookups took %.3f s", secs);
	vigil_sym__free(s);
}
