// TextArena: kept bytes never move, whatever is kept after them.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/arena.hpp"

namespace drydock::core {
namespace {

TEST(CoreTextArena, KeptTextStaysWhereItIsAsChunksAreAdded) {
  TextArena arena(64);
  std::vector<std::string_view> kept;
  std::vector<std::string> expected;
  for (int i = 0; i < 200; ++i) {
    // Sizes below, at and above a chunk's, so that blocks open new chunks and big ones their own.
    std::string s(static_cast<std::size_t>(i * 7 % 150 + 1), static_cast<char>('a' + i % 26));
    expected.push_back(s);
    kept.push_back(arena.keep(s));
    s.assign(s.size(), '#');  // the source changes: the copy must not
  }
  for (std::size_t i = 0; i < kept.size(); ++i)
    EXPECT_EQ(kept[i], expected[i]) << i;
  EXPECT_GE(arena.capacity(), 200U);
  EXPECT_TRUE(arena.keep("").empty());
}

}  // namespace
}  // namespace drydock::core
