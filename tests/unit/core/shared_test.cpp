#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "drydock/core/shared.hpp"
#include "drydock/core/shared_string.hpp"

namespace drydock::core {
namespace {

/// Counts its live instances: tells when Shared frees its block.
struct Counted {
  explicit Counted(int* live) : live(live) { ++*live; }
  Counted(const Counted& o) : live(o.live) { ++*live; }
  Counted(Counted&& o) noexcept : live(o.live) { ++*live; }
  Counted& operator=(const Counted&) = delete;
  Counted& operator=(Counted&&) = delete;
  ~Counted() { --*live; }
  int* live;
};

TEST(Shared, OnePointerWide) {
  EXPECT_EQ(sizeof(Shared<std::string>), sizeof(void*));
  EXPECT_EQ(sizeof(SharedString), sizeof(void*));
}

TEST(Shared, CopiesShareOneBlockFreedByTheLast) {
  int live = 0;
  {
    auto a = Shared<Counted>::make(Counted(&live));
    EXPECT_EQ(live, 1);
    Shared<Counted> b = a;
    Shared<Counted> c;
    c = b;
    EXPECT_TRUE(c.same(a));
    EXPECT_EQ(c.get(), a.get());
    EXPECT_EQ(live, 1);
    Shared<Counted> d = std::move(b);
    EXPECT_FALSE(b);  // NOLINT(bugprone-use-after-move): a moved-from Shared is empty
    a = Shared<Counted>();
    c = Shared<Counted>();
    EXPECT_EQ(live, 1);  // d still holds it
    const Shared<Counted>& same = d;
    d = same;  // assigned from itself: keeps the block
    EXPECT_EQ(live, 1);
  }
  EXPECT_EQ(live, 0);
}

TEST(Shared, CopiedToManySlotsAtOnceCountsEachAndReleasesWhatTheyHeld) {
  int live = 0;
  int old_live = 0;
  {
    auto a = Shared<Counted>::make(Counted(&live));
    std::vector<Shared<Counted>> slots(5);
    slots[3] = Shared<Counted>::make(Counted(&old_live));  // a slot that held something
    a.copy_to(slots.size(), [&](std::size_t i) -> Shared<Counted>& { return slots[i]; });
    EXPECT_EQ(old_live, 0);  // released when overwritten
    for (const auto& s : slots)
      EXPECT_TRUE(s.same(a));
    a = Shared<Counted>();
    slots.resize(1);
    EXPECT_EQ(live, 1);  // the last copy holds it: four of five counts dropped, the block kept
    slots.push_back(slots[0]);
    Shared<Counted>().copy_to(1, [&](std::size_t) -> Shared<Counted>& { return slots[0]; });  // copies emptiness
    EXPECT_FALSE(slots[0]);
    EXPECT_EQ(live, 1);
    slots.clear();
    EXPECT_EQ(live, 0);  // each copy was counted once: freed by the last, not before, not never
  }
  EXPECT_EQ(live, 0);
}

TEST(Shared, EmptyHoldsNothing) {
  const Shared<std::string> e;
  EXPECT_FALSE(e);
  EXPECT_EQ(e.get(), nullptr);
  EXPECT_TRUE(e.same(Shared<std::string>()));
  EXPECT_EQ(SharedString().str(), "");
  EXPECT_TRUE(SharedString("").empty());
  EXPECT_EQ(SharedString(""), SharedString());
}

TEST(Shared, CopiedAndDroppedOnManyThreadsFreedOnce) {
  int live = 0;
  {
    const auto root = Shared<Counted>::make(Counted(&live));
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&root] {
        std::vector<Shared<Counted>> copies;
        for (int i = 0; i < 20000; ++i) {
          copies.push_back(root);
          if (i % 3 == 0) copies.pop_back();
        }
      });
    }
    for (auto& t : threads)
      t.join();
    EXPECT_EQ(live, 1);
  }
  EXPECT_EQ(live, 0);
}

TEST(Shared, SharedStringCopiesShareTheirBytes) {
  const SharedString a(std::string(100, 'x'));
  const SharedString b = a;  // NOLINT(performance-unnecessary-copy-initialization): the copy is the test
  EXPECT_EQ(a.data(), b.data());
  EXPECT_EQ(a, b);
  EXPECT_EQ(SharedString("abc"), SharedString(std::string("abc")));
  EXPECT_NE(SharedString("abc"), SharedString("abd"));
}

}  // namespace
}  // namespace drydock::core
