// SPDX-License-Identifier: MIT
/* C++ leak through operator new: a factory creates widgets that a registration helper
 * forgets. The allocation frame must be reported demangled as Widget::create. */
// expect: leak function=Widget::create line=29 details.direct_bytes>0
// expect-none: crash
// expect-exit: 0
#include <cstdio>
#include <cstring>

class Widget {
public:
	static Widget *create(int id);
	int id() const { return id_; }
	const char *label() const { return label_; }

private:
	explicit Widget(int id) : id_(id)
	{
		std::snprintf(label_, sizeof(label_), "widget-%d", id);
	}

	int id_;
	char label_[28];
};

Widget *Widget::create(int id)
{
	Widget *w;
	w = new Widget(id);
	return w;
}

static int register_widget(int id)
{
	Widget *w = Widget::create(id);

	return w->id() + static_cast<int>(std::strlen(w->label()));
}

int main()
{
	int sum = 0;

	for (int i = 0; i < 12; i++)
		sum += register_widget(i);
	std::printf("widget sum %d\n", sum);
	return 0;
}
