#pragma once
/// What the Dockerfile rules know of package managers, as data in one place: for apt-get, apt,
/// aptitude, apk, pip/pip3/pipx, npm, yarn, pnpm, gem, dnf/yum/microdnf/tdnf and zypper, which
/// options take a value (the next word), which make a dry run, which skip signature or TLS checks,
/// and which subcommands install, refresh the index or drop the caches (from each tool's manual).
/// Internal to checks/.

#include <atomic>
#include <cstddef>
#include <cstdint>
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

/// True when the option takes the next word as its value (`-o Key=Value`, `--target DIR`): it is
/// in the manager's `valued` list and has no `=value` attached.
bool takes_value(const Manager& m, std::string_view word);

/// One package-manager command of a RUN, read through the table.
struct Invocation {
  const Manager* manager = nullptr;
  std::size_t first = 1;        ///< index of the first word after the program (`python -m pip`: 3)
  std::string_view subcommand;  ///< "" when there is none
  std::size_t sub_index = 0;    ///< index of the subcommand in words (words.size() when none)
  bool dry_run = false;         ///< an option of the command makes it a dry run
  bool install = false;         ///< the subcommand is one of the manager's `install`
  bool update = false;          ///< ... of its `update`
  bool clean = false;           ///< ... of its `clean`

  /// Calls `f(word)` for each operand after the subcommand (not an option, not an option's
  /// value), in order, as a view into the command's words: no copy.
  template <class F>
  void each_operand(const model::RunCommand& c, F&& f) const {
    if (manager == nullptr) return;
    bool rest = false;
    for (std::size_t i = sub_index + 1; i < c.words.size(); ++i) {
      const std::string_view w = c.words[i];
      if (!rest && w.size() == 2 && w[0] == '-' && w[1] == '-') {
        rest = true;
        continue;
      }
      if (!rest && w.size() > 1 && w[0] == '-') {
        if (takes_value(*manager, w)) ++i;
        continue;
      }
      f(w);
    }
  }
  /// The operands after the subcommand (each_operand), copied.
  [[nodiscard]] std::vector<std::string> operands(const model::RunCommand& c) const;
  [[nodiscard]] bool installs() const { return install; }
  [[nodiscard]] bool updates() const { return update; }
  [[nodiscard]] bool cleans() const { return clean; }
  /// Options that skip signature or TLS checks, as written.
  [[nodiscard]] std::vector<std::string> unsigned_options(const model::RunCommand& c) const;
};

namespace detail {
/// The reading of a command through the table, made once and packed into
/// RunCommand::package_reading (invocation() unpacks it).
Invocation read(const model::RunCommand& c);
Invocation unpack(std::uint32_t packed, const model::RunCommand& c);
/// The packed reading of a command that runs no package manager (`first` 1).
constexpr std::uint32_t k_read_no_manager = 1;
}  // namespace detail

/// Reads a command through the table: manager == nullptr when it runs no package manager. The
/// reading is made by the first rule that asks and kept in the command for the others.
inline Invocation invocation(const model::RunCommand& c) {
  // Relaxed: the reading depends on the words only, so a thread that reads 0 makes the same one.
  const std::uint32_t packed = std::atomic_ref<std::uint32_t>(c.package_reading).load(std::memory_order_relaxed);
  if (packed == detail::k_read_no_manager) return {};  // most commands: no package manager
  if (packed != 0) return detail::unpack(packed, c);
  return detail::read(c);
}

/// True when the word is option `option` of the manager, in any of its spellings:
/// `--opt`, `--opt=value`, a short option alone or in a cluster (`-sy` holds `-s`).
bool is_option(const Manager& m, std::string_view word, std::string_view option);

}  // namespace drydock::checks::packages
