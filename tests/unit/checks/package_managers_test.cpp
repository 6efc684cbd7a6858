/// The package-manager table's reading of a command: the reading made for a command (kept in it,
/// unpacked for the rules that ask again) agrees with the plain one on random commands.

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/checks/package_managers.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::checks::packages {
namespace {

/// Which manager runs the command, and where its words begin, read plainly: the program through
/// manager_of, else `python... -m pip...`.
struct PlainManager {
  const Manager* manager = nullptr;
  std::size_t first = 1;
};

PlainManager manager_plainly(const model::RunCommand& c) {
  PlainManager out;
  if (c.words.empty()) return out;
  out.manager = manager_of(c.program);
  if (out.manager == nullptr && c.program.starts_with("python") && c.words.size() > 2 && c.words[1] == "-m") {
    out.manager = manager_of(c.words[2]);
    if (out.manager != nullptr && out.manager->family != Family::pip) out.manager = nullptr;
    out.first = 3;
  }
  return out;
}

TEST(PackageReading, AgreesWithThePlainReadingAndIsKept) {
  std::mt19937 random(3);  // NOLINT(cert-msc32-c,cert-msc51-cpp): a fixed seed, the same commands every run
  constexpr std::array<std::string_view, 20> k_programs = {"apt-get", "apt",  "make",  "python3", "python", "pythonx",
                                                           "pip",     "pip3.11", "pipx", "pipe",   "p",      "",
                                                           "apk",     "npm",  "yum",   "cp",      "echo",   "zypper",
                                                           "pi",      "pip3.x"};
  constexpr std::array<std::string_view, 14> k_words = {"-m", "pip", "install", "-y", "--", "-o", "x=1", "update",
                                                        "apt-get", "-s", "add", "npm", "curl", "clean"};
  std::uniform_int_distribution<std::size_t> program(0, k_programs.size() - 1);
  std::uniform_int_distribution<std::size_t> word(0, k_words.size() - 1);
  for (int t = 0; t < 20000; ++t) {
    model::RunCommand c;
    const std::size_t n = random() % 6;
    if (n > 0) {
      c.words.push_back(k_programs[program(random)]);
      c.program = c.words.front();
    }
    for (std::size_t k = 1; k < n; ++k)
      c.words.push_back(k_words[word(random)]);
    const PlainManager plain = manager_plainly(c);
    const Invocation read = invocation(c);  // read, and kept in the command
    const Invocation again = invocation(c);  // unpacked
    std::string what;
    for (const auto w : c.words)
      what += "[" + std::string(w) + "]";
    EXPECT_EQ(read.manager, plain.manager) << what;
    EXPECT_EQ(read.first, plain.first) << what;
    if (plain.manager == nullptr && plain.first == 1) {
      EXPECT_TRUE(read.subcommand.empty() && read.sub_index == 0 && !read.dry_run && !read.install && !read.update && !read.clean)
          << what;
      if (!c.words.empty()) {
        EXPECT_EQ(c.package_reading, detail::k_read_no_manager) << what;
      }
    }
    EXPECT_EQ(again.manager, read.manager) << what;
    EXPECT_EQ(again.first, read.first) << what;
    EXPECT_EQ(again.subcommand, read.subcommand) << what;
    EXPECT_EQ(again.sub_index, read.sub_index) << what;
    EXPECT_EQ(again.dry_run, read.dry_run) << what;
    EXPECT_EQ(again.install, read.install) << what;
    EXPECT_EQ(again.update, read.update) << what;
    EXPECT_EQ(again.clean, read.clean) << what;
  }
}

}  // namespace
}  // namespace drydock::checks::packages
