#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "drydock/checks/check.hpp"
#include "drydock/core/text.hpp"

namespace drydock::core {
namespace {

TEST(Text, SixteenBytesAndAResultsEvidenceIsOne) {
  EXPECT_EQ(sizeof(Text), 16U);
  EXPECT_EQ(sizeof(checks::Finding::evidence), sizeof(Text));
  // evidence, then the location, whose tail padding holds the one-byte status and severity
  EXPECT_EQ(sizeof(model::MaybeLocation), sizeof(model::Location) + 8);
  EXPECT_EQ(sizeof(checks::Finding), sizeof(Text) + sizeof(model::MaybeLocation));
}

TEST(Text, ALiteralIsAViewOfTheProgramsBytes) {
  static constexpr char k_words[] = "no RUN uses sudo";
  const Text t(k_words);
  EXPECT_TRUE(t.literal());
  EXPECT_EQ(t.data(), k_words);  // the same bytes: nothing was copied
  EXPECT_EQ(t, "no RUN uses sudo");
  EXPECT_EQ(t.size(), 16U);
  const Text copy = t;  // NOLINT(performance-unnecessary-copy-initialization): the copy is the test
  EXPECT_EQ(copy.data(), k_words);
  // Through a result: a literal handed to pass() stays a view.
  checks::Results r;
  r.pass("every WORKDIR is absolute");
  EXPECT_TRUE(r.finding()->evidence.literal());
  EXPECT_EQ(r.finding()->evidence, "every WORKDIR is absolute");
}

TEST(Text, AnyOtherTextIsCopiedOnceAndSharedByItsCopies) {
  std::string made = fmt::format("line {}: apt-get install without versions: {}", 7, "git");
  Text t(made);
  EXPECT_FALSE(t.literal());
  EXPECT_NE(t.data(), made.data());
  made.assign(made.size(), 'x');  // the text does not follow the string it was made from
  EXPECT_EQ(t, "line 7: apt-get install without versions: git");
  EXPECT_EQ(t.c_str()[t.size()], '\0');
  EXPECT_EQ(std::strlen(t.c_str()), t.size());
  Text a = t;
  Text b;
  b = a;
  EXPECT_EQ(a.data(), t.data());
  EXPECT_EQ(b.data(), t.data());
  Text moved = std::move(a);
  EXPECT_EQ(moved.data(), t.data());
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from text is ""
  EXPECT_EQ(a, "");        // NOLINT(bugprone-use-after-move)
  t = Text();
  EXPECT_EQ(b, "line 7: apt-get install without versions: git");  // the others keep the block
  EXPECT_EQ(moved, b);
}

TEST(Text, EmptyAllocatesNothingAndAppendingMakesANewText) {
  const Text none{std::string_view()};
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.literal());
  EXPECT_STREQ(none.c_str(), "");
  Text t("pass");
  const Text before = t;
  t += " (1 finding ignored inline)";
  EXPECT_EQ(t, "pass (1 finding ignored inline)");
  EXPECT_FALSE(t.literal());
  EXPECT_EQ(before, "pass");  // the literal it was made from is untouched
  Text shared(std::string("a block"));
  const Text other = shared;
  shared += "!";
  EXPECT_EQ(shared, "a block!");
  EXPECT_EQ(other, "a block");  // appending does not change the copies of the old block
}

TEST(Text, ReadsAsAStringEverywhereAReportUsesOne) {
  const Text t(std::string("evidence"));
  EXPECT_EQ(fmt::format("[{:>10}]", t), "[  evidence]");
  EXPECT_EQ(t + "!", "evidence!");
  EXPECT_EQ("the " + t, "the evidence");
  const std::string s = t;
  EXPECT_EQ(s, "evidence");
  EXPECT_LT(Text("a"), Text("b"));
  EXPECT_TRUE(t.starts_with("evi") && t.ends_with("nce") && t.find("den") == 3);
}

TEST(Text, CopiesAcrossThreadsFreeTheBlockOnce) {
  // Run under ASan/LSan in CI: a block freed twice or never is reported there.
  const Text origin(std::string(100, 'e'));
  std::vector<std::thread> threads;
  for (int n = 0; n < 4; ++n) {
    threads.emplace_back([&origin] {
      for (int i = 0; i < 10000; ++i) {
        Text copy = origin;
        Text again = std::move(copy);
        if (again.size() != 100) std::abort();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(origin, std::string(100, 'e'));
}

}  // namespace
}  // namespace drydock::core
