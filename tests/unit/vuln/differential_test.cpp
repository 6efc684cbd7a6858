// Differential tests: drydock's dpkg and rpm orderings against the real tools, over the
// versions installed on this machine, the versions of the Alpine secdb data and generated edge
// cases. Every pair is compared by the reference tool; zero disagreements are allowed.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "drydock/collect/files.hpp"
#include "drydock/parse/secdb.hpp"
#include "drydock/vuln/version.hpp"

namespace drydock::vuln {
namespace {

constexpr std::size_t k_min_pairs = 10000;

std::string run_command(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 65536> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
    out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  // rpm --eval ends its output with the (empty) expansion's newline.
  while (!out.empty() && out.back().empty())
    out.pop_back();
  return out;
}

std::vector<std::string> secdb_versions() {
  std::set<std::string> out;
  for (const auto& release : std::filesystem::directory_iterator(std::string(DRYDOCK_TEST_DATA) + "/alpine-secdb")) {
    for (const char* repo : {"main.yaml", "community.yaml"}) {
      const auto path = (release.path() / repo).string();
      auto text = collect::read_input(path);
      if (!text) continue;
      auto parsed = parse::secdb(*text, path);
      if (!parsed) continue;
      for (const auto& a : parsed->advisories) {
        for (const auto& r : a.affected[0].ranges)
          out.insert(r.events[1].version);
      }
    }
  }
  return {out.begin(), out.end()};
}

std::string random_run(std::mt19937& rng, std::string_view alphabet, int max_len) {
  std::uniform_int_distribution<int> len(1, max_len);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (int i = len(rng); i > 0; --i)
    out += alphabet[pick(rng)];
  return out;
}

/// Variants of a version that land near it in every ordering: the edge cases of each rule.
std::vector<std::string> neighbours(const std::string& v, std::string_view suffixes) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < suffixes.size()) {
    auto end = suffixes.find(' ', start);
    if (end == std::string_view::npos) end = suffixes.size();
    out.push_back(v + std::string(suffixes.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

/// Pairs: versions against their neighbours (every `stride`-th version of the pool), then
/// random pairs of the pool, up to `count`.
std::vector<std::pair<std::string, std::string>> make_pairs(const std::vector<std::string>& pool, std::string_view suffixes,
                                                            std::size_t stride, std::size_t count, std::mt19937& rng) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < pool.size(); i += stride) {
    for (const auto& n : neighbours(pool[i], suffixes))
      out.emplace_back(pool[i], n);
  }
  std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
  while (out.size() < count) {
    const auto& a = pool[pick(rng)];
    const auto& b = pool[pick(rng)];
    out.emplace_back(a, b);
  }
  return out;
}

/// The installed versions of this machine, the secdb versions, then `generated` versions of the
/// form [E:]N<upstream>[-<revision>] drawn from the given alphabets.
std::vector<std::string> version_pool(std::mt19937& rng, int generated, std::string_view upstream, std::string_view revision) {
  std::vector<std::string> pool = lines(run_command("dpkg-query -W -f='${Version}\\n' | sort -u"));
  for (const auto& v : secdb_versions())
    pool.push_back(v);
  for (int i = 0; i < generated; ++i) {
    std::string v;
    if (rng() % 4 == 0) v += std::to_string(rng() % 3) + ":";
    v += std::to_string(rng() % 12) + random_run(rng, upstream, 7);
    if (rng() % 2 == 0) v += "-" + random_run(rng, revision, 6);
    pool.push_back(v);
  }
  return pool;
}

struct Tally {
  std::size_t pairs = 0;
  std::size_t refused = 0;  // the reference tool rejected the input
  std::size_t disagreements = 0;
};

void compare_results(const std::vector<std::pair<std::string, std::string>>& pairs, const std::vector<std::string>& answers,
                     Scheme scheme, Tally& tally) {
  ASSERT_EQ(answers.size(), pairs.size()) << "the reference tool did not answer every pair";
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (answers[i] == "E") {
      ++tally.refused;
      continue;
    }
    ++tally.pairs;
    const int ref = std::stoi(answers[i]);
    const int mine = compare(scheme, pairs[i].first, pairs[i].second);
    if ((ref > 0) != (mine > 0) || (ref < 0) != (mine < 0)) {
      if (++tally.disagreements <= 20) {
        ADD_FAILURE() << "'" << pairs[i].first << "' vs '" << pairs[i].second << "': reference " << ref << ", drydock " << mine;
      }
    }
  }
}

std::filesystem::path temp_file(const char* name) {
  return std::filesystem::temp_directory_path() / (std::string(name) + "." + std::to_string(::getpid()));
}

/// dpkg's own answer for one pair, as compare() gives it ("-1", "0", "1", "E"): for messages.
std::string dpkg_answer(const std::string& a, const std::string& b) {
  const auto q = [&](const char* op) {
    return run_command("dpkg --compare-versions '" + a + "' " + op + " '" + b + "' 2>/dev/null; echo $?");
  };
  const auto lt = q("lt");
  if (lt == "0\n") return "-1";
  if (lt == "2\n") return "E";
  return q("eq") == "0\n" ? "0" : "1";
}

TEST(VersionDifferential, DpkgAgainstDpkgCompareVersions) {
  std::mt19937 rng(20261128);
  const auto installed = lines(run_command("dpkg-query -W -f='${Version}\\n' | sort -u")).size();
  ASSERT_GT(installed, 100U) << "dpkg-query listed too few installed versions";
  // Generated: epochs, '~', '+', letters against digits, leading zeros.
  const auto pool = version_pool(rng, 1500, "0001239.+~abzAZ", "0129.+~abz");
  // dpkg costs a process per comparison: neighbours of every 4th version, then random pairs.
  const auto pairs = make_pairs(pool, "~ ~~ ~rc1 +b1 .0 a -0 -1 0 +", 4, k_min_pairs + 1000, rng);

  // dpkg is asked, once per pair, whether the relation drydock found holds ("lt", "eq" or
  // "gt" for <0, 0, >0): it exits 0 (it holds), 1 (it does not: a disagreement) or 2 (an
  // invalid version, refused before any comparison). Asking "lt" and then "eq" cost 1.5
  // processes a pair for the same verdict: the signs agree exactly when dpkg confirms
  // drydock's. Two shells run the two halves of the pairs.
  std::vector<int> mine(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i)
    mine[i] = compare(Scheme::dpkg, pairs[i].first, pairs[i].second);
  const auto half = pairs.size() / 2;
  std::vector<std::filesystem::path> inputs = {temp_file("drydock-dpkg-pairs-1"), temp_file("drydock-dpkg-pairs-2")};
  for (std::size_t part = 0; part < 2; ++part) {
    std::ofstream out(inputs[part]);
    for (std::size_t i = part == 0 ? 0 : half; i < (part == 0 ? half : pairs.size()); ++i) {
      const char* op = mine[i] < 0 ? "lt" : mine[i] == 0 ? "eq" : "gt";
      out << pairs[i].first << '\t' << op << '\t' << pairs[i].second << '\n';
    }
  }
  const auto script = temp_file("drydock-dpkg-script");
  {
    std::ofstream out(script);
    out << "tab=$(printf '\\t')\n"
           "while IFS=\"$tab\" read -r a op b; do\n"
           "  dpkg --compare-versions \"$a\" \"$op\" \"$b\" 2>/dev/null; echo $?\n"
           "done < \"$1\"\n";
  }
  const auto out1 = temp_file("drydock-dpkg-out-1");
  const auto out2 = temp_file("drydock-dpkg-out-2");
  run_command("sh " + script.string() + " " + inputs[0].string() + " > " + out1.string() + " & sh " + script.string() + " " +
              inputs[1].string() + " > " + out2.string() + "; wait");
  auto answers = lines(run_command("cat " + out1.string() + " " + out2.string()));
  for (const auto& f : {inputs[0], inputs[1], script, out1, out2})
    std::filesystem::remove(f);
  ASSERT_EQ(answers.size(), pairs.size()) << "dpkg did not answer every pair";
  Tally tally;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (answers[i] == "2") {
      ++tally.refused;
      continue;
    }
    ++tally.pairs;
    if (answers[i] != "0") {
      if (++tally.disagreements <= 20) {
        ADD_FAILURE() << "'" << pairs[i].first << "' vs '" << pairs[i].second << "': reference "
                      << dpkg_answer(pairs[i].first, pairs[i].second) << ", drydock " << mine[i] << " (dpkg exit " << answers[i]
                      << ")";
      }
    }
  }
  std::cout << "dpkg differential: " << tally.pairs << " pairs compared with dpkg --compare-versions (" << installed
            << " installed versions in the pool), " << tally.refused << " refused by dpkg, " << tally.disagreements
            << " disagreements\n";
  EXPECT_GE(tally.pairs, k_min_pairs);
  EXPECT_EQ(tally.disagreements, 0U);
}

TEST(VersionDifferential, RpmAgainstRpmVercmp) {
  std::mt19937 rng(1128);
  // Generated: epochs, '~' and '^', separators, letters against digits, leading zeros.
  auto pool = version_pool(rng, 2000, "00123.~^_+abzXY", "0129.~^_el");
  for (const char* v :
       {"1.0", "1.0~rc1", "1.0^git1", "1.0~rc1^git1", "1:1.0", "1.0-1.el9", "1.0-1.el9_2", "1.00", "1_0", "1.0a", "1.0.a"}) {
    pool.emplace_back(v);
  }
  const auto pairs = make_pairs(pool, "~ ~~ ^ ^1 ~^ .0 a -1 -0 _1", 1, k_min_pairs + 2000, rng);

  const auto input = temp_file("drydock-rpm-pairs");
  {
    std::ofstream out(input);
    for (const auto& [a, b] : pairs)
      out << a << '\t' << b << '\n';
  }
  // One rpm process evaluates every pair with its own rpm.vercmp.
  const std::string lua = "%{lua: for l in io.lines(\"" + input.string() +
                          "\") do local a, b = l:match(\"^([^\\t]*)\\t(.*)$\"); "
                          "local ok, r = pcall(rpm.vercmp, a, b); "
                          "if ok then io.write(r, \"\\n\") else io.write(\"E\\n\") end end}";
  const auto lua_file = temp_file("drydock-rpm-lua");
  {
    std::ofstream out(lua_file);
    out << lua;
  }
  const auto answers = lines(run_command("rpm --eval \"$(cat " + lua_file.string() + ")\" 2>/dev/null"));
  std::filesystem::remove(input);
  std::filesystem::remove(lua_file);
  Tally tally;
  compare_results(pairs, answers, Scheme::rpm, tally);
  std::cout << "rpm differential: " << tally.pairs << " pairs compared with rpm.vercmp (rpm --eval lua), " << tally.refused
            << " refused by rpm, " << tally.disagreements << " disagreements\n";
  EXPECT_GE(tally.pairs, k_min_pairs);
  EXPECT_EQ(tally.disagreements, 0U);
}

}  // namespace
}  // namespace drydock::vuln
