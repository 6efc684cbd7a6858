// The quick JSON reader of engine answers (parse/engine_json.hpp) against nlohmann's SAX parser:
// whatever it reads itself, it reads to the same events, and it never reads a text nlohmann
// refuses (those are left to nlohmann, for its error message).

#include "drydock/parse/engine_json.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace drydock::parse {
namespace {

/// Writes every SAX event as a line of text.
class EventLog {
 public:
  using json_t = nlohmann::json;
  bool null() { return add("null"); }
  bool boolean(bool b) { return add(b ? "true" : "false"); }
  bool number_integer(json_t::number_integer_t n) { return add("int " + std::to_string(n)); }
  bool number_unsigned(json_t::number_unsigned_t n) { return add("uint " + std::to_string(n)); }
  bool number_float(json_t::number_float_t d, const json_t::string_t& /*text*/) { return add("float " + std::to_string(d)); }
  bool string(json_t::string_t& s) {
    add("string " + s);
    s = "(moved)";  // the handler may take the string away
    return true;
  }
  bool binary(json_t::binary_t& /*b*/) { return add("binary"); }
  bool start_object(std::size_t /*n*/) { return add("{"); }
  bool key(json_t::string_t& k) {
    add("key " + k);
    k.clear();
    return true;
  }
  bool end_object() { return add("}"); }
  bool start_array(std::size_t /*n*/) { return add("["); }
  bool end_array() { return add("]"); }
  bool parse_error(std::size_t /*position*/, const std::string& /*last*/, const nlohmann::detail::exception& /*e*/) {
    return false;
  }
  [[nodiscard]] const std::string& text() const { return m_text; }

 private:
  bool add(const std::string& event) {
    m_text += event;
    m_text += '\n';
    return true;
  }
  std::string m_text;
};

struct Outcome {
  bool quick = false;  ///< the quick reader read it all
  bool nlohmann = false;
  std::string quick_events;
  std::string nlohmann_events;
};

Outcome read_both(std::string_view text) {
  Outcome o;
  EventLog quick;
  o.quick = quick_json::read(text, quick);
  o.quick_events = quick.text();
  EventLog slow;
  o.nlohmann = nlohmann::json::sax_parse(text.begin(), text.end(), &slow);
  o.nlohmann_events = slow.text();
  return o;
}

/// What the quick reader reads, nlohmann reads too, to the same events.
void expect_agrees(std::string_view text) {
  const auto o = read_both(text);
  if (!o.quick) return;
  EXPECT_TRUE(o.nlohmann) << "read by the quick reader, refused by nlohmann: " << testing::PrintToString(std::string(text));
  EXPECT_EQ(o.quick_events, o.nlohmann_events) << testing::PrintToString(std::string(text));
}

std::string slurp_engine_json(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> engine_answers() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(DRYDOCK_TEST_DATA) / "inspect")) {
    if (e.path().extension() == ".json") out.push_back(slurp_engine_json(e.path()));
  }
  return out;
}

TEST(QuickJson, ReadsEveryRecordedEngineAnswerItselfToNlohmannsEvents) {
  const auto answers = engine_answers();
  ASSERT_GT(answers.size(), 20U);
  for (const auto& text : answers) {
    const auto o = read_both(text);
    EXPECT_TRUE(o.quick) << text.substr(0, 200);
    EXPECT_TRUE(o.nlohmann);
    EXPECT_EQ(o.quick_events, o.nlohmann_events);
  }
}

TEST(QuickJson, ReadsEscapesUtf8AndIntegersAtTheirLimits) {
  for (const std::string text : {
           R"({"a": "x\"y\\z\/\b\f\n\r\t", "b": "\u0041\u00e9\u20ac\u0000\uFFFF", "c": ""})",
           "{\"u\": \"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\xB3 \xED\x9F\xBF \xF4\x8F\xBF\xBF\"}",
           R"([0, -0, 1, -1, 9223372036854775807, -9223372036854775808, 9999999999999999999, true, false, null])",
           " \t\r\n[ [ ] , { } , [ { \"k\" : [ ] } ] ] \n",
           R"("top-level string")",
           "17",
           R"({"k": 1, "k": 2})",
       }) {
    const auto o = read_both(text);
    EXPECT_TRUE(o.quick) << text;
    EXPECT_TRUE(o.nlohmann) << text;
    EXPECT_EQ(o.quick_events, o.nlohmann_events) << text;
  }
}

TEST(QuickJson, LeavesFloatsLongIntegersSurrogatesAndEveryErrorToNlohmann) {
  for (const std::string text : {
           "[1.5]", "[1e3]", "[-1E-3]", "[18446744073709551615]", "[-9223372036854775809]", "[12345678901234567890]",
           R"(["\ud83d\udc33"])", R"(["\udc33"])", "",  "   ", "[", "[1,]", R"({"a":1,})", "{\"a\" 1}", "[01]", "[-]",
           "[+1]", "[tru]", "[nul]", "[truex]", "[1] [2]", "\xEF\xBB\xBF[1]", "[\"a\x01\"]", "[\"\xC0\xAF\"]",
           "[\"\xED\xA0\x80\"]", "[\"\xF5\x80\x80\x80\"]", "[\"\xE2\x82\"]", R"(["\x"])", R"(["\u12g4"])", R"(["\u12)",
           "[\"abc", "{\"a\":1", "[1 2]", "{1:2}", "[NaN]", "[Infinity]", "['a']",
       }) {
    const auto o = read_both(text);
    EXPECT_FALSE(o.quick) << testing::PrintToString(text);
  }
}

TEST(QuickJson, AgreesWithNlohmannOnMutatedEngineAnswers) {
  const auto answers = engine_answers();
  std::mt19937 random(21);  // fixed: the same texts every run
  const std::string bytes = "\"\\{}[],:0123456789-.eE+ tfnu/\x01\x7f\x80\xbf\xc3\xe2\xed\xf0\xf4\xff";
  std::size_t quick = 0;
  std::size_t tried = 0;
  for (const auto& answer : answers) {
    for (int round = 0; round < 150; ++round) {
      std::string text = answer;
      const int edits = 1 + static_cast<int>(random() % 3);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        const std::size_t at = random() % text.size();
        const char b = bytes[random() % bytes.size()];
        switch (random() % 3) {
          case 0: text.erase(at, 1); break;
          case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), b); break;
          default: text[at] = b; break;
        }
      }
      expect_agrees(text);
      ++tried;
      quick += read_both(text).quick ? 1 : 0;
      if (testing::Test::HasFailure()) return;
    }
  }
  // Some mutations stay valid JSON (a digit changed, a space added): the quick reader reads
  // those itself.
  EXPECT_GT(quick, tried / 20);
}

}  // namespace
}  // namespace drydock::parse
