#pragma once
/// What the Dockerfile rules know of package managers, as data in one place: for apt-get, apt,
/// aptitude, apk, pip/pip3/pipx, npm, yarn, pnpm, gem, dnf/yum/microdnf/tdnf and zypper, which
/// options take a value (the next word), which make a dry run, which skip signature or TLS checks,
/// and which subcommands install, refresh the index or drop the caches (from each tool's manual).
/// Internal to checks/.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drydock/model/dockerfile.hpp"

namespace drydock::checks::packages {

enum class Family { apt, aptitude, apk, pip, npm, yarn, pnpm, gem, rpm, zypper };

struct Manager {
  Family family;
  std::string_view name;                        ///< as findings name it: "apt-get", "pip", ...
  std::span<const std::string_view> programs;   ///< the program names that run it
  std::span<const std::string_view> valued;     ///< options whose value is the next word
  std::span<const std::string_view> dry_run;    ///< options that only simulate
  std::span<const std::string_view> unsigned_;  ///< options that skip signature (or TLS) checks
  std::span<const std::string_view> install;    ///< subcommands that install or upgrade packages
  std::span<const std::string_view> update;     ///< subcommands that refresh the package index
  std::span<const std::string_view> clean;      ///< subcommands that drop the index or caches
};

/// Every manager of the table.
std::span<const Manager> managers();

/// The manager a program name runs (`apt-get`, `pip3.11`, `microdnf`), or nullptr.
const Manager* manager_of(std::string_view program);

/// One package-manager command of a RUN, read through the table.
struct Invocation {
  const Manager* manager = nullptr;
  std::size_t first = 1;        ///< index of the first word after the program (`python -m pip`: 3)
  std::string_view subcommand;  ///< "" when there is none
  std::size_t sub_index = 0;    ///< index of the subcommand in words (words.size() when none)
  bool dry_run = false;         ///< an option of the command makes it a dry run
  /// The operands after the subcommand: not options, not option values.
  [[nodiscard]] std::vector<std::string> operands(const model::RunCommand& c) const;
  [[nodiscard]] bool installs() const;
  [[nodiscard]] bool updates() const;
  [[nodiscard]] bool cleans() const;
  /// Options that skip signature or TLS checks, as written.
  [[nodiscard]] std::vector<std::string> unsigned_options(const model::RunCommand& c) const;
};

/// Reads a command through the table: nullopt-like (manager == nullptr) when it runs no package manager.
Invocation invocation(const model::RunCommand& c);

/// True when the word is option `option` of the manager, in any of its spellings:
/// `--opt`, `--opt=value`, a short option alone or in a cluster (`-sy` holds `-s`).
bool is_option(const Manager& m, std::string_view word, std::string_view option);

}  // namespace drydock::checks::packages
