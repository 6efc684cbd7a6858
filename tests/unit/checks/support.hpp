#pragma once
/// Test support for checks: load real `docker inspect` fixtures and run one check by id.

#include <array>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/parse/engine.hpp"
#include "drydock/parse/run_scripts.hpp"
#include "../parse/inspect_fixture.hpp"

namespace drydock::checks::test {

/// A text of fewer than `most` pieces drawn at random from `pieces`: the random inputs of the
/// tests that hold an in-place reading against the plain one.
template <std::size_t N>
std::string random_pieces(std::mt19937& random, const std::array<std::string_view, N>& pieces, std::size_t most) {
  std::uniform_int_distribution<std::size_t> pick(0, N - 1);
  std::string out;
  for (std::size_t k = random() % most; k > 0; --k)
    out += pieces[pick(random)];
  return out;
}

/// The text of a capture in tests/data/inspect.
using parse::test_data::inspect_fixture;

/// The one container of a fixture captured with `docker inspect` (tests/data/inspect).
inline model::ContainerSpec container(const std::string& name) {
  auto doc = parse::inspect_document(inspect_fixture(name));
  if (!doc || doc->size() != 1 || !doc->front()) {
    ADD_FAILURE() << name << " did not parse into one container";
    return {};
  }
  return *doc->front();
}

/// The image of a fixture captured with `docker image inspect`.
inline model::ImageSpec image(const std::string& name) {
  const std::string text = inspect_fixture(name);
  const auto first = text.find('{');
  auto img = parse::image_inspect(text.substr(first, text.rfind('}') - first + 1));
  if (!img) {
    ADD_FAILURE() << name << ": " << img.error().describe();
    return {};
  }
  return *img;
}

/// A snapshot of a host whose engine reports these security options.
inline model::HostSnapshot engine_host(std::vector<std::string> security_options) {
  model::HostSnapshot host;
  host.engine = model::EngineInfo{};
  host.engine->security_options = std::move(security_options);
  host.engine->swarm_state = "inactive";
  return host;
}

/// This machine: seccomp, no AppArmor, no SELinux.
inline model::HostSnapshot seccomp_host() { return engine_host({"seccomp"}); }
/// A snapshot read from files: no engine consulted.
inline model::HostSnapshot file_host() { return {}; }

inline const Check& check(std::string_view id) {
  const Check* c = find_check(id);
  if (c == nullptr) throw std::runtime_error("no check " + std::string(id));
  return *c;
}

inline Finding run(std::string_view id, const model::ContainerSpec& spec, const model::HostSnapshot& host = seccomp_host()) {
  Results out;
  std::get<ContainerEval>(check(id).evaluate)(spec, host, out);
  EXPECT_TRUE(out.finding()) << id << " wrote no result";
  return out.finding().value_or(Finding{});
}

inline Finding run(std::string_view id, const model::ImageSpec& img, const model::HostSnapshot& host = seccomp_host()) {
  Results out;
  std::get<ImageEval>(check(id).evaluate)(img, host, out);
  EXPECT_TRUE(out.finding()) << id << " wrote no result";
  return out.finding().value_or(Finding{});
}

inline Finding run(std::string_view id, const model::HostSnapshot& host) {
  Results out;
  std::get<DaemonEval>(check(id).evaluate)(host, out);
  EXPECT_TRUE(out.finding()) << id << " wrote no result";
  return out.finding().value_or(Finding{});
}

/// An image whose history holds these steps, each also read as the instruction that made it (as
/// the image reader makes them).
inline model::ImageSpec with_history(std::vector<std::string> steps) {
  model::ImageSpec img;
  img.history.emplace();
  for (auto& s : steps)
    img.history->push_back(model::HistoryEntry{"", s, "", false, parse::history_instruction(s)});
  return img;
}

}  // namespace drydock::checks::test

namespace drydock::checks {
/// Readable gtest output for statuses.
inline void PrintTo(const Finding& f, std::ostream* os) { *os << core::to_string(f.status) << ": " << f.evidence; }
}  // namespace drydock::checks

namespace drydock::core {
inline void PrintTo(Status s, std::ostream* os) { *os << to_string(s); }
inline void PrintTo(Severity s, std::ostream* os) { *os << to_string(s); }
}  // namespace drydock::core
