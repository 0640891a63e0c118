// SPDX-License-Identifier: MIT
/* Clean control for C++: standard containers, strings past the small-string buffer,
 * smart pointers, arrays, over-aligned and nothrow new, an exception thrown and caught,
 * global objects destroyed after main, iostreams. All of it is released. */
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
// expect-none: leak
// expect-none: crash
// expect-none: * severity=error
// expect-exit: 0
// expect-report: stats.leak_scan_ns>0
#include <iostream>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

struct alignas(64) Slot {
	long v[8];
};

struct Node {
	explicit Node(std::string n) : name(std::move(n)) {}
	std::string name;
	std::vector<std::shared_ptr<Node>> children;
};

static std::map<std::string, std::string> g_registry = {
	{"first-key-long-enough-to-allocate", "first value also long enough to allocate"},
	{"second-key-long-enough-to-allocate", "second value also long enough to allocate"},
};

static size_t containers()
{
	std::vector<std::string> names;
	std::map<int, std::string> by_id;
	std::unordered_map<std::string, std::vector<int>> index;

	for (int i = 0; i < 2000; i++) {
		std::string s = "a string that does not fit in the small buffer #" +
				 std::to_string(i);
		names.push_back(s);
		by_id[i] = s;
		index[s.substr(0, 40) + std::to_string(i % 50)].push_back(i);
	}
	names.erase(names.begin(), names.begin() + 500);
	names.shrink_to_fit();
	return names.size() + by_id.size() + index.size();
}

static size_t smart_pointers()
{
	auto root = std::make_shared<Node>("root");
	std::weak_ptr<Node> watch = root;
	std::unique_ptr<int[]> arr(new int[1000]());

	for (int i = 0; i < 100; i++) {
		auto child = std::make_shared<Node>("child-" + std::to_string(i) +
						    "-with-a-long-enough-name");
		child->children.push_back(std::shared_ptr<Node>(new Node("leaf")));
		root->children.push_back(child);
	}
	arr[999] = 7;
	return root->children.size() + static_cast<size_t>(arr[999]) +
	       (watch.expired() ? 0 : 1);
}

static size_t raw_new_delete()
{
	Slot *s = new Slot();
	Slot *many = new Slot[9];
	char *buf = new (std::nothrow) char[300];
	int *one = new int(5);
	size_t r = sizeof(*s) + sizeof(many[8]) + (buf ? 1 : 0) + static_cast<size_t>(*one);

	delete s;
	delete[] many;
	delete[] buf;
	delete one;
	return r;
}

static int exceptions()
{
	try {
		throw std::runtime_error(std::string(200, 'e'));
	} catch (const std::exception &e) {
		return static_cast<int>(std::string(e.what()).size());
	}
	return 0;
}

int main()
{
	size_t total = containers() + smart_pointers() + raw_new_delete() +
		       static_cast<size_t>(exceptions()) + g_registry.size();

	std::cout << "c++ total " << total << std::endl;
	return 0;
}
