// SPDX-License-Identifier: MIT
/* dlopen by bare name through the program's RUNPATH ($ORIGIN/lib as DT_RUNPATH): ld.so
 * searches the RUNPATH of the object that calls dlopen, so under vigil the program must
 * find its plugin exactly as it does natively. The blocks the plugin loses must be
 * reported with the plugin's own function and line: the module map follows dlopen. */
// build-flags: -ldl -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/lib'
// expect-stdout: plugin answered 132
// expect: leak file=libvigil_test_plugin.c function=vigil_test_plugin_answer line=11
// expect-none: crash
// expect-exit: 0
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
	void *plugin = dlopen("libvigil_test_plugin.so", RTLD_NOW);
	int (*answer)(int);
	int sum = 0;

	if (!plugin) {
		printf("dlopen failed: %s\n", dlerror());
		return 1;
	}
	answer = (int (*)(int))dlsym(plugin, "vigil_test_plugin_answer");
	if (!answer) {
		printf("dlsym failed: %s\n", dlerror());
		return 1;
	}
	for (int i = 0; i < 8; i++)
		sum += answer(i);
	printf("plugin answered %d\n", sum);
	return 0;
}
