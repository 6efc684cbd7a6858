#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/checks/text_scan.hpp"

namespace drydock::checks::scan {
namespace {

/// The plain reading of holds_pair: some place where the two bytes (folded when asked) are a pair.
template <std::size_t N>
bool holds_pair_plainly(std::string_view text, const std::array<Pair, N>& pairs, bool fold_case) {
  const auto fold = [&](char c) { return fold_case ? static_cast<char>(static_cast<unsigned char>(c) | 0x20U) : c; };
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    for (const auto& p : pairs) {
      if (fold(text[i]) == p[0] && fold(text[i + 1]) == p[1]) return true;
    }
  }
  return false;
}

constexpr std::array<Pair, 3> k_pairs{{{'r', 'u'}, {'o', 'w'}, {'-', '-'}}};

TEST(TextScan, APairAtEveryPlaceOfTextsAroundTheBlockSizeIsFound) {
  // Every length from 0 to three blocks, the pair at every place: the first and last places of
  // a 16-byte block and the overlapping tail block are where a vector scan goes wrong.
  for (std::size_t n = 0; n <= 3 * k_block + 2; ++n) {
    const std::string empty(n, 'x');
    EXPECT_FALSE(holds_pair(empty, k_pairs, false)) << n;
    EXPECT_FALSE(holds_pair(empty, k_pairs, true)) << n;
    for (std::size_t at = 0; at + 1 < n; ++at) {
      std::string text = empty;
      text[at] = 'o';
      text[at + 1] = 'w';
      EXPECT_TRUE(holds_pair(text, k_pairs, false)) << n << " at " << at;
      text[at] = 'O';
      text[at + 1] = 'W';
      EXPECT_FALSE(holds_pair(text, k_pairs, false)) << n << " at " << at;  // case counts unless folded
      EXPECT_TRUE(holds_pair(text, k_pairs, true)) << n << " at " << at;
    }
  }
}

TEST(TextScan, OneByteOfAPairIsNotAPair) {
  EXPECT_FALSE(holds_pair(std::string_view("r"), k_pairs, false));
  EXPECT_FALSE(holds_pair(std::string_view("xxxxxxxxxxxxxxxxxxxxxxxxxr"), k_pairs, false));
  EXPECT_FALSE(holds_pair(std::string_view("uxxxxxxxxxxxxxxxxxxxxxxxxr"), k_pairs, false));
  EXPECT_FALSE(holds_pair(std::string_view("xxxxxxxx-x-xxxxxxxxxxxxxxxxxxx"), k_pairs, false));
  EXPECT_TRUE(holds_pair(std::string_view("xxxxxxxxxxxxxxxxxxxxxxxxx--"), k_pairs, false));
}

TEST(TextScan, AgreesWithThePlainReadingOnRandomTexts) {
  std::mt19937 random(16);  // NOLINT(cert-msc32-c,cert-msc51-cpp): a fixed seed, the same texts every run
  constexpr std::string_view k_bytes = "ruowRUOW-\r\n x\x80\xff";
  for (int t = 0; t < 20000; ++t) {
    std::string text(random() % 70, ' ');
    for (auto& c : text)
      c = k_bytes[random() % k_bytes.size()];
    const bool folded = holds_pair(text, k_pairs, true);
    EXPECT_EQ(holds_pair(text, k_pairs, false), holds_pair_plainly(text, k_pairs, false)) << text;
    // Folded, never false where a pair is; true beyond that only for a byte that folds onto a
    // pair's punctuation (a carriage return folds onto '-'), as the function says.
    EXPECT_EQ(folded, holds_pair_plainly(text, k_pairs, true)) << text;
  }
}

/// The places each_pair reports, in the order it reports them.
std::vector<std::size_t> pair_places(std::string_view text) {
  std::vector<std::size_t> out;
  each_pair(text, k_pairs, [&out](std::size_t i) { out.push_back(i); });
  return out;
}

/// The places where a pair begins, read plainly.
std::vector<std::size_t> pair_places_plainly(std::string_view text) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (holds_pair_plainly(text.substr(i, 2), k_pairs, false)) out.push_back(i);
  }
  return out;
}

TEST(TextScan, EachPairIsReportedOnceInOrderAtEveryPlaceAndLength) {
  for (std::size_t n = 0; n <= 3 * k_block + 2; ++n) {
    const std::string empty(n, 'x');
    EXPECT_TRUE(pair_places(empty).empty()) << n;
    for (std::size_t at = 0; at + 1 < n; ++at) {
      std::string text = empty;
      text[at] = '-';
      text[at + 1] = '-';
      EXPECT_EQ(pair_places(text), std::vector<std::size_t>{at}) << n << " at " << at;
      text[at] = 'R';
      text[at + 1] = 'U';
      EXPECT_TRUE(pair_places(text).empty()) << n << " at " << at;  // no folding
    }
    // A pair at every place: each reported once, the overlapping tail block's too.
    EXPECT_EQ(pair_places(std::string(n, '-')), pair_places_plainly(std::string(n, '-'))) << n;
  }
}

TEST(TextScan, EachPairAgreesWithThePlainReadingOnRandomTexts) {
  std::mt19937 random(61);  // NOLINT(cert-msc32-c,cert-msc51-cpp): a fixed seed, the same texts every run
  constexpr std::string_view k_pair_bytes = "ruowRUOW-\r x\x80";
  std::string text;
  for (int t = 0; t < 20000; ++t) {
    // Texts of 0 to 89 bytes, drawn from bytes that make pairs, halves of pairs and neither.
    text.clear();
    for (auto left = random() % 90; left > 0; --left)
      text.push_back(k_pair_bytes[random() % k_pair_bytes.size()]);
    EXPECT_EQ(pair_places(text), pair_places_plainly(text)) << text;
  }
}

}  // namespace
}  // namespace drydock::checks::scan
