// SPDX-License-Identifier: MIT
/* Clean control for C++ allocation: vector growth, strings, map, unordered_map
 * rehashing, shared_ptr and make_shared, unique_ptr arrays, over-aligned types through
 * new, new[], containers and make_shared (the aligned operators, sized deletes),
 * nothrow new, arrays of types with destructors (array cookies), and exceptions.
 * Every operator is paired with its own release: no heap finding in any mode. */
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
// variant: canary-default --mode canary
// expect-none: * severity=error
// expect-none: bad-alloc-size
// expect-stdout: cxx: 0 failures
// expect-exit: 0
// expect-report: stats.leak_scan_ns>0
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

static int failures;

struct alignas(64) Line {
	long v[8];
};

struct alignas(256) Page {
	char bytes[256];
};

struct Tracked {
	std::string name;
	std::vector<int> data;
	explicit Tracked(int i = 0) : name("tracked object number " + std::to_string(i)),
				      data(static_cast<size_t>(i % 50), i) {}
};

template <typename T> static void aligned_ok(const T *p, size_t a)
{
	if (reinterpret_cast<std::uintptr_t>(p) & (a - 1))
		failures++;
}

static void containers()
{
	std::vector<int> v;
	std::vector<std::string> strs;
	std::map<std::string, std::vector<long>> tree;
	std::unordered_map<int, std::string> hash;

	for (int i = 0; i < 20000; i++) {
		v.push_back(i);
		if (i % 10 == 0)
			strs.emplace_back(static_cast<size_t>(i % 300), 'x');
		tree["key-" + std::to_string(i % 1000)].push_back(i);
		hash[i] = std::string(static_cast<size_t>(i % 40), 'h');
	}
	v.resize(10);
	v.shrink_to_fit();
	strs.erase(strs.begin(), strs.begin() + static_cast<long>(strs.size() / 2));
	for (int i = 0; i < 20000; i += 3)
		hash.erase(i);
	hash.rehash(1);
	if (v.size() != 10 || tree.size() != 1000)
		failures++;
}

static void strings()
{
	std::string s;

	for (int i = 0; i < 5000; i++) {
		s += std::to_string(i);
		if (i % 100 == 0)
			s = s.substr(s.size() / 3);
	}
	std::string copy = s;
	copy.append(copy);
	if (copy.size() != 2 * s.size())
		failures++;
}

static void smart_pointers()
{
	std::vector<std::shared_ptr<Tracked>> shared;
	std::vector<std::weak_ptr<Tracked>> weak;

	for (int i = 0; i < 2000; i++) {
		shared.push_back(i % 2 ? std::make_shared<Tracked>(i)
				       : std::shared_ptr<Tracked>(new Tracked(i)));
		weak.push_back(shared.back());
	}
	shared.resize(100);
	std::unique_ptr<Tracked[]> arr(new Tracked[37]);
	std::unique_ptr<int[]> ints(new int[1000]());
	auto up = std::make_unique<Tracked>(5);

	arr[36] = Tracked(36);
	ints[999] = 1;
	if (weak[1].lock() == nullptr || !weak[1999].expired() || up->data.size() != 5)
		failures++;
}

static void over_aligned()
{
	Line *one = new Line();
	Line *many = new Line[33];
	Page *page = new (std::nothrow) Page();
	std::vector<Line> lines(100);
	auto sp = std::make_shared<Page>();
	auto up = std::make_unique<Line[]>(7);

	aligned_ok(one, 64);
	aligned_ok(many, 64);
	aligned_ok(page, 256);
	aligned_ok(lines.data(), 64);
	aligned_ok(sp.get(), 256);
	aligned_ok(up.get(), 64);
	for (int i = 0; i < 1000; i++)
		lines.push_back(Line());
	aligned_ok(lines.data(), 64);
	delete one;
	delete[] many;
	delete page;
	void *raw = ::operator new(1000, std::align_val_t(128));
	aligned_ok(static_cast<char *>(raw), 128);
	::operator delete(raw, std::align_val_t(128));
	raw = ::operator new[](96, std::align_val_t(32), std::nothrow);
	::operator delete[](raw, std::align_val_t(32));
}

static void plain_operators()
{
	char *c = new char[1];
	char *nt = new (std::nothrow) char[4096];
	void *raw = ::operator new(24);
	Tracked *t = new Tracked(3);

	delete[] c;
	delete[] nt;
	::operator delete(raw, 24);
	delete t;
}

static void exceptions()
{
	for (int i = 0; i < 100; i++) {
		try {
			std::vector<Tracked> v(3);
			throw std::runtime_error(std::string(static_cast<size_t>(100 + i), 'e'));
		} catch (const std::exception &e) {
			if (std::string(e.what()).size() != static_cast<size_t>(100 + i))
				failures++;
		}
	}
}

int main()
{
	containers();
	strings();
	smart_pointers();
	over_aligned();
	plain_operators();
	exceptions();
	std::printf("cxx: %d failures\n", failures);
	return failures ? 1 : 0;
}
