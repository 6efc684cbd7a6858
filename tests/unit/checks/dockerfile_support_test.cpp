#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <random>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/checks/dockerfile_support.hpp"
#include "drydock/core/strings.hpp"
#include "drydock/parse/dockerfile.hpp"
#include "support.hpp"

namespace drydock::checks::dockerfile {
namespace {

constexpr std::array<std::pair<Keyword, std::string_view>, 5> k_index_keywords = {{
    {Keyword::run, "RUN"},
    {Keyword::add, "ADD"},
    {Keyword::workdir, "WORKDIR"},
    {Keyword::expose, "EXPOSE"},
    {Keyword::maintainer, "MAINTAINER"},
}};

/// The plain reading: every stage's instructions and their triggers, in order, those that are `upper`.
std::vector<const model::Instruction*> index_walked(const model::Dockerfile& d, std::string_view upper) {
  std::vector<const model::Instruction*> out;
  for (const auto& s : d.stages) {
    for (const auto& i : s.instructions) {
      if (i.is(upper)) out.push_back(&i);
      for (const auto& t : i.trigger) {
        if (t.is(upper)) out.push_back(&t);
      }
    }
  }
  return out;
}

void index_agrees(const model::Dockerfile& d, const std::string& what) {
  const KeywordIndex& index = keyword_index(d);
  for (const auto& [k, upper] : k_index_keywords) {
    const auto listed = index[k];
    EXPECT_EQ(std::vector<const model::Instruction*>(listed.begin(), listed.end()), index_walked(d, upper)) << what << ": " << upper;
  }
}

TEST(KeywordIndex, KeywordsAsTheParserWritesThem) {
  for (const auto& [k, upper] : k_index_keywords)
    EXPECT_EQ(keyword_of(upper), k) << upper;
  EXPECT_EQ(keyword_of("run"), Keyword::other);  // Instruction::is compares exactly
  EXPECT_EQ(keyword_of("RUNS"), Keyword::other);
  EXPECT_EQ(keyword_of("ARG"), Keyword::other);
  EXPECT_EQ(keyword_of("ONBUILD"), Keyword::other);
  EXPECT_EQ(keyword_of(""), Keyword::other);
}

TEST(KeywordIndex, ListsWhatAWalkOfEveryTestDockerfileFinds) {
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(DRYDOCK_TEST_DATA) / "dockerfiles")) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const auto d = parse::dockerfile(text.str(), e.path().string());
    if (!d) continue;
    ++files;
    index_agrees(*d, e.path().string());
    index_agrees(*d, e.path().string() + " (asked again)");
  }
  EXPECT_GT(files, 100);
}

constexpr std::string_view k_index_first = R"(FROM debian:12 AS build
RUN apt-get update
ADD a.tar /x
ONBUILD RUN make
ONBUILD ADD b /b
WORKDIR /src
FROM build
EXPOSE 80
MAINTAINER me
RUN true
)";

constexpr std::string_view k_index_second = R"(FROM alpine:3
WORKDIR /a
RUN apk add curl
ONBUILD WORKDIR /b
RUN echo
EXPOSE 1 2
)";

TEST(KeywordIndex, EachTreeIsIndexedAlthoughTheLastOneWasFreedAtTheSameAddress) {
  // Trees parsed and freed in turn are often made at the same addresses: each must be indexed
  // anew (its arena is another one), never given the last tree's index.
  for (int round = 0; round < 20; ++round) {
    const auto d = parse::dockerfile(round % 2 == 0 ? k_index_first : k_index_second, "Dockerfile");
    ASSERT_TRUE(d);
    index_agrees(*d, "round " + std::to_string(round));
  }
}

TEST(KeywordIndex, ACopyIsIndexedOverItsOwnInstructions) {
  const auto d = parse::dockerfile(k_index_first, "Dockerfile");
  ASSERT_TRUE(d);
  index_agrees(*d, "original");
  // NOLINTNEXTLINE(performance-unnecessary-copy-initialization): the copy is what is indexed
  const model::Dockerfile copy = *d;  // shares the arena, not the instructions
  index_agrees(copy, "copy");
  index_agrees(*d, "original again");
  EXPECT_EQ(keyword_index(copy)[Keyword::run].front(), &copy.stages.front().instructions[1]);
}

TEST(KeywordIndex, ATreeBuiltByHandIsIndexedEveryTime) {
  model::Dockerfile d;  // no arena: nothing to know it by, so never taken from the last call
  d.stages.emplace_back();
  model::Instruction run;
  run.keyword = "RUN";
  d.stages.back().instructions.push_back(run);
  index_agrees(d, "one RUN");
  model::Instruction onbuild;
  onbuild.keyword = "ONBUILD";
  onbuild.trigger.push_back(run);
  d.stages.back().instructions.push_back(onbuild);
  d.stages.back().instructions.front().keyword = "EXPOSE";
  index_agrees(d, "changed");
  d.stages.clear();
  index_agrees(d, "no stage");
}

/// What snippet means, read plainly: the words joined by one space; past 80 bytes, the first 80
/// (less the bytes of a character they would cut in two) and an ellipsis.
std::string snippet_plainly(std::string_view text) {
  std::string words;
  std::size_t at = 0;
  while ((at = text.find_first_not_of(" \t\r\n", at)) != std::string_view::npos) {
    const std::size_t end = std::min(text.find_first_of(" \t\r\n", at), text.size());
    words += words.empty() ? "" : " ";
    words += text.substr(at, end - at);
    at = end;
  }
  if (words.size() <= 80) return words;
  std::size_t keep = 80;
  const auto continuation = [](char c) { return (static_cast<unsigned char>(c) >> 6) == 2; };
  for (; keep > 0 && continuation(words[keep]); --keep) {
  }
  return words.substr(0, keep) + "…";
}

std::string snippet_of(std::string_view text) {
  model::Instruction i;
  i.text = text;
  return snippet(i);
}

TEST(DockerfileSnippet, OneLineOfAtMostEightyBytesThenAnEllipsis) {
  EXPECT_EQ(snippet_of(""), "");
  EXPECT_EQ(snippet_of(" \t\n"), "");
  EXPECT_EQ(snippet_of("  RUN  a \\\n\t b  "), "RUN a \\ b");
  const std::string eighty(80, 'x');
  EXPECT_EQ(snippet_of(eighty), eighty);
  EXPECT_EQ(snippet_of(eighty + " "), eighty);
  EXPECT_EQ(snippet_of(eighty + "y"), eighty + "…");
  EXPECT_EQ(snippet_of(eighty + " y"), eighty + "…");
  EXPECT_EQ(snippet_of(std::string(79, 'x') + " y"), std::string(79, 'x') + " …");
  EXPECT_EQ(snippet_of(std::string(79, 'x') + "\xc3\xa9"), std::string(79, 'x') + "…");  // é not cut in two
}

TEST(DockerfileSnippet, AgreesWithThePlainReadingOnRandomTexts) {
  std::mt19937 random(42);  // NOLINT(cert-msc32-c,cert-msc51-cpp): a fixed seed, the same texts every run
  constexpr std::string_view k_snippet_bytes = "ab \t\n\r\xc3\xa9\x80";
  std::uniform_int_distribution<std::size_t> pick(0, k_snippet_bytes.size() - 1);
  for (int t = 0; t < 20000; ++t) {
    std::string text(random() % 200, ' ');
    std::generate(text.begin(), text.end(), [&] { return k_snippet_bytes[pick(random)]; });
    // Long words and long blank runs among the short ones.
    if (t % 3 == 0) text.insert(random() % (text.size() + 1), std::string(random() % 90, 'w'));
    if (t % 5 == 0) text.insert(random() % (text.size() + 1), std::string(random() % 40, ' '));
    EXPECT_EQ(snippet_of(text), snippet_plainly(text)) << text;
  }
}


/// The plain reading of an image reference that reference_view replaces: trimmed, then found
/// piece by piece (the digest after '@', a registry before the first '/' when it holds '.' or
/// ':' or is localhost, a tag after the last ':' of what follows).
std::optional<ReferenceView> reference_plainly(std::string_view text, bool any_tag) {
  using sv = std::string_view;
  const auto first = text.find_first_not_of(" \t\r\n");
  text = first == sv::npos ? sv() : text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  if (text.empty() || text.starts_with("<none>") || text.find('$') != sv::npos || text.find_first_of(" \t") != sv::npos)
    return std::nullopt;
  if (text.starts_with("sha256:") || (text.size() == 64 && text.find_first_not_of("0123456789abcdef") == sv::npos))
    return std::nullopt;
  ReferenceView r;
  if (const auto at = text.find('@'); at != sv::npos) {
    r.digest = text.substr(at + 1);
    text = text.substr(0, at);
  }
  sv rest = text;
  if (const auto slash = text.find('/'); slash != sv::npos) {
    const sv host = text.substr(0, slash);
    if (host.find_first_of(".:") != sv::npos || host == "localhost") {
      r.registry = host;
      rest = text.substr(slash + 1);
    }
  }
  if (r.registry.empty() || r.registry == "index.docker.io" || r.registry == "registry-1.docker.io") r.registry = "docker.io";
  const auto last_slash = rest.rfind('/');
  if (const auto colon = rest.rfind(':'); colon != sv::npos && (last_slash == sv::npos || colon > last_slash)) {
    r.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return std::nullopt;
  r.repository = rest;
  r.library = r.registry == "docker.io" && rest.find('/') == sv::npos;
  if (r.tag.empty() && r.digest.empty()) r.tag = any_tag ? "*" : "latest";
  return r;
}

void reference_agrees(std::string_view text) {
  for (const bool any_tag : {false, true}) {
    const auto got = reference_view(text, any_tag);
    const auto want = reference_plainly(text, any_tag);
    ASSERT_EQ(got.has_value(), want.has_value()) << "[" << text << "] any_tag " << any_tag;
    if (!got) continue;
    std::string a;
    std::string b;
    got->append_name(a);
    want->append_name(b);
    EXPECT_EQ(a, b) << text;
    EXPECT_EQ(got->registry, want->registry) << text;
    EXPECT_EQ(got->repository, want->repository) << text;
    EXPECT_EQ(got->tag, want->tag) << text;
    EXPECT_EQ(got->digest, want->digest) << text;
    EXPECT_EQ(got->library, want->library) << text;
  }
}

TEST(ReferenceView, AgreesWithThePlainReading) {
  for (const std::string_view text :
       {"", " ", "debian", "debian:12", " debian:12\n", "library/debian:12", "docker.io/library/debian:12", "index.docker.io/x",
        "registry-1.docker.io/a/b:c", "gcr.io/distroless/static:nonroot", "localhost/app", "localhost:5000/app:1",
        "registry:5000/team/app@sha256:0123", "app@sha256:abc", "a:b@c:d/e", "<none>:<none>", "sha256:0123", "${BASE}",
        "$BASE", "a b", "a\tb", "a\rb", "host.x/", "host.x/:tag", ":tag", "/x", "a//b", "a/b/c:d:e", "a.b:c/d", "a:1/b/c:2",
        "@sha256:x", "a@", "x/y@z/w", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeF", "a.b", "a:b", "a.b/c"})
    reference_agrees(text);
  std::mt19937 random(7);  // NOLINT(cert-msc32-c,cert-msc51-cpp): a fixed seed, the same texts every run
  constexpr std::string_view k_reference_bytes = "ab.:/@$ \t\r-_5<>n";
  std::uniform_int_distribution<std::size_t> pick(0, k_reference_bytes.size() - 1);
  for (int t = 0; t < 50000; ++t) {
    std::string text(random() % 24, ' ');
    std::generate(text.begin(), text.end(), [&] { return k_reference_bytes[pick(random)]; });
    if (t % 7 == 0) text.insert(0, t % 2 == 0 ? "localhost" : "docker.io");
    reference_agrees(text);
  }
}

/// The plain reading of a `--mount=` flag's key that mount_option's in-place one replaces: the
/// parts split at ',', each key and value trimmed, keys compared by core::starts_with_ci.
std::string mount_plainly(const model::InstructionFlag& mount, std::string_view key) {
  using sv = std::string_view;
  const sv text = mount.expanded.empty() ? sv(mount.value) : sv(mount.expanded);
  const auto is = [](sv k, sv name) { return k.size() == name.size() && core::starts_with_ci(k, name); };
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    const sv part = text.substr(start, comma == sv::npos ? sv::npos : comma - start);
    const auto eq = part.find('=');
    const sv k = core::trim(part.substr(0, eq));
    if (is(k, key) || (key == "target" && (is(k, "dst") || is(k, "destination"))))
      return std::string(eq == sv::npos ? sv() : core::trim(part.substr(eq + 1)));
    if (comma == sv::npos) break;
    start = comma + 1;
  }
  return key == "type" ? "bind" : "";
}

TEST(MountOption, AgreesWithThePlainReading) {
  constexpr std::array<std::string_view, 9> k_keys = {"type", "target", "id", "TYPE", "Target", "dst", "source", "", "tar"};
  const auto agrees = [&](std::string_view value, std::string_view expanded) {
    const model::InstructionFlag flag{"mount", value, expanded};
    for (const auto key : k_keys)
      EXPECT_EQ(mount_option(flag, key), mount_plainly(flag, key)) << "[" << value << "] [" << expanded << "] " << key;
  };
  for (const std::string_view text :
       {"", "type=cache,target=/root/.cache", "type=secret,id=npm", " Type = Cache , DST = /var/lib/apt ", "target",
        "TARGET=/x,type=tmpfs", "destination=/d,type=bind,source=.", ",,=,", "type=", "=cache", "type=cache,target=/a,target=/b"}) {
    agrees(text, "");
    agrees("type=bind", text);
  }
  std::mt19937 random(5);  // NOLINT(cert-msc32-c,cert-msc51-cpp): a fixed seed, the same texts every run
  constexpr std::array<std::string_view, 16> k_pieces = {"type", "TyPe", "target", "dst", "Destination", "id", "=", ",",
                                                         " ",    "\t",   "\r\n",   "cache", "secret", "/var/lib", "x", "tar"};
  for (int t = 0; t < 20000; ++t) {
    const std::string text = test::random_pieces(random, k_pieces, 12);
    if (t % 2 == 0) {
      agrees(text, "");
    } else {
      agrees("type=cache", text);
    }
  }
}

}  // namespace
}  // namespace drydock::checks::dockerfile
