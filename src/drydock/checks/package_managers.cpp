#include "drydock/checks/package_managers.hpp"

#include "drydock/core/strings.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace drydock::checks::packages {
namespace {

using sv = std::string_view;

// apt-get(8), apt(8): options with a value; -s and its synonyms simulate; the options that accept
// unsigned or insecure repositories. `dist-clean`/`distclean` (apt 2.9+, Debian 13) drop the lists.
constexpr std::array<sv, 2> k_apt_programs = {"apt-get", "apt"};
constexpr std::array<sv, 12> k_apt_valued = {"-o", "--option", "-c", "--config-file", "-t", "--target-release",
                                             "--default-release", "-a", "--host-architecture", "-P", "--build-profiles",
                                             "--solver"};
constexpr std::array<sv, 6> k_apt_dry = {"-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act"};
constexpr std::array<sv, 3> k_apt_unsigned = {"--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"};
constexpr std::array<sv, 7> k_apt_install = {"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "reinstall", "satisfy"};
constexpr std::array<sv, 1> k_update = {"update"};
constexpr std::array<sv, 2> k_apt_clean = {"dist-clean", "distclean"};

// aptitude(8).
constexpr std::array<sv, 1> k_aptitude_programs = {"aptitude"};
constexpr std::array<sv, 10> k_aptitude_valued = {"-o", "-t", "--target-release", "-F", "--display-format", "-w", "--width",
                                                  "-O", "--sort", "--log-file"};
constexpr std::array<sv, 2> k_aptitude_dry = {"-s", "--simulate"};
constexpr std::array<sv, 1> k_aptitude_unsigned = {"--allow-untrusted"};
constexpr std::array<sv, 7> k_aptitude_install = {"install", "reinstall", "upgrade", "safe-upgrade", "full-upgrade", "dist-upgrade",
                                                  "build-dep"};

// apk(8).
constexpr std::array<sv, 1> k_apk_programs = {"apk"};
constexpr std::array<sv, 12> k_apk_valued = {"-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--keys-dir",
                                             "--repositories-file", "-t", "--virtual", "--cache-max-age", "--timeout"};
constexpr std::array<sv, 2> k_apk_dry = {"-s", "--simulate"};
constexpr std::array<sv, 1> k_apk_unsigned = {"--allow-untrusted"};
constexpr std::array<sv, 3> k_apk_install = {"add", "upgrade", "fix"};

// pip install, pipx install/inject (pip 24, pipx 1.7).
constexpr std::array<sv, 4> k_pip_programs = {"pip", "pip2", "pip3", "pipx"};
constexpr std::array<sv, 46> k_pip_valued = {
    "-r",          "--requirement",    "-c",          "--constraint",       "-e",           "--editable",     "-i",
    "--index-url", "--extra-index-url", "-f",         "--find-links",       "-t",           "--target",       "--prefix",
    "--root",      "--trusted-host",   "--src",       "--platform",         "--python-version", "--implementation", "--abi",
    "--progress-bar", "--cache-dir",   "--log",       "--log-file",         "--proxy",      "--retries",      "--timeout",
    "--exists-action", "--global-option", "--install-option", "--config-settings", "-C",      "--only-binary",  "--no-binary",
    "--upgrade-strategy", "--root-user-action", "--report", "--cert",       "--client-cert", "--python",      "--pip-args",
    "--suffix",    "--spec",           "--keyring-provider", "--use-feature"};
constexpr std::array<sv, 1> k_pip_dry = {"--dry-run"};
constexpr std::array<sv, 1> k_pip_unsigned = {"--trusted-host"};
constexpr std::array<sv, 2> k_pip_install = {"install", "inject"};

// npm(1) install and its aliases.
constexpr std::array<sv, 1> k_npm_programs = {"npm"};
constexpr std::array<sv, 14> k_npm_valued = {"--registry", "--prefix",   "--cache",   "--loglevel", "--tag",     "--only",
                                             "--omit",     "--userconfig", "-w",      "--workspace", "--include", "--install-strategy",
                                             "--before",   "--globalconfig"};
constexpr std::array<sv, 1> k_npm_dry = {"--dry-run"};
constexpr std::array<sv, 1> k_npm_unsigned = {"--no-strict-ssl"};
constexpr std::array<sv, 10> k_npm_install = {"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isntall", "add"};

// yarn add (v1 and berry).
constexpr std::array<sv, 1> k_yarn_programs = {"yarn"};
constexpr std::array<sv, 6> k_yarn_valued = {"--cache-folder", "--modules-folder", "--registry", "--network-timeout", "--mutex",
                                             "--cwd"};
constexpr std::array<sv, 1> k_yarn_unsigned = {"--skip-integrity-check"};
constexpr std::array<sv, 1> k_yarn_install = {"add"};

// pnpm add.
constexpr std::array<sv, 1> k_pnpm_programs = {"pnpm"};
constexpr std::array<sv, 7> k_pnpm_valued = {"--filter", "-F", "-C", "--dir", "--registry", "--store-dir", "--reporter"};
constexpr std::array<sv, 1> k_pnpm_install = {"add"};

// gem install.
constexpr std::array<sv, 1> k_gem_programs = {"gem"};
constexpr std::array<sv, 14> k_gem_valued = {"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source",
                                             "-P", "--trust-policy", "--platform", "-g", "--file", "--build-root"};
constexpr std::array<sv, 2> k_gem_install = {"install", "i"};

// dnf(8), yum(8), microdnf, tdnf.
constexpr std::array<sv, 4> k_rpm_programs = {"yum", "dnf", "microdnf", "tdnf"};
constexpr std::array<sv, 20> k_rpm_valued = {"-c",          "--config",      "--installroot", "--releasever", "--setopt",
                                             "-d",          "--debuglevel",  "-e",            "--errorlevel", "--enablerepo",
                                             "--disablerepo", "-x",          "--exclude",     "--repo",       "--repoid",
                                             "--forcearch", "--repofrompath", "--downloaddir", "--destdir",    "--comment"};
constexpr std::array<sv, 1> k_rpm_dry = {"--assumeno"};
constexpr std::array<sv, 2> k_rpm_unsigned = {"--nogpgcheck", "--no-gpgchecks"};
constexpr std::array<sv, 11> k_rpm_install = {"install",     "update", "upgrade", "groupinstall", "reinstall", "localinstall",
                                              "distro-sync", "group",  "module",  "swap",         "downgrade"};
constexpr std::array<sv, 2> k_rpm_update = {"makecache", "check-update"};
constexpr std::array<sv, 1> k_rpm_clean = {"clean"};

// zypper(8).
constexpr std::array<sv, 1> k_zypper_programs = {"zypper"};
constexpr std::array<sv, 10> k_zypper_valued = {"-r", "--repo", "--root", "--reposd-dir", "-C", "--cache-dir", "--from",
                                                "-t", "--type", "--releasever"};
constexpr std::array<sv, 1> k_zypper_dry = {"--dry-run"};
constexpr std::array<sv, 1> k_zypper_unsigned = {"--no-gpg-checks"};
constexpr std::array<sv, 7> k_zypper_install = {"install", "in", "update", "up", "dist-upgrade", "dup", "patch"};
constexpr std::array<sv, 2> k_zypper_update = {"refresh", "ref"};
constexpr std::array<sv, 2> k_zypper_clean = {"clean", "cc"};

const std::array<Manager, 10> k_managers = {{
    {Family::apt, "apt-get", k_apt_programs, k_apt_valued, k_apt_dry, k_apt_unsigned, k_apt_install, k_update, k_apt_clean},
    {Family::aptitude, "aptitude", k_aptitude_programs, k_aptitude_valued, k_aptitude_dry, k_aptitude_unsigned, k_aptitude_install,
     k_update, {}},
    {Family::apk, "apk", k_apk_programs, k_apk_valued, k_apk_dry, k_apk_unsigned, k_apk_install, k_update, {}},
    {Family::pip, "pip", k_pip_programs, k_pip_valued, k_pip_dry, k_pip_unsigned, k_pip_install, {}, {}},
    {Family::npm, "npm", k_npm_programs, k_npm_valued, k_npm_dry, k_npm_unsigned, k_npm_install, {}, {}},
    {Family::yarn, "yarn", k_yarn_programs, k_yarn_valued, {}, k_yarn_unsigned, k_yarn_install, {}, {}},
    {Family::pnpm, "pnpm", k_pnpm_programs, k_pnpm_valued, {}, {}, k_pnpm_install, {}, {}},
    {Family::gem, "gem", k_gem_programs, k_gem_valued, {}, {}, k_gem_install, {}, {}},
    {Family::rpm, "dnf", k_rpm_programs, k_rpm_valued, k_rpm_dry, k_rpm_unsigned, k_rpm_install, k_rpm_update, k_rpm_clean},
    {Family::zypper, "zypper", k_zypper_programs, k_zypper_valued, k_zypper_dry, k_zypper_unsigned, k_zypper_install,
     k_zypper_update, k_zypper_clean},
}};

bool contains(std::span<const sv> list, sv word) {
  return std::any_of(list.begin(), list.end(), [word](sv item) { return core::same(item, word); });
}

/// `pip3.11` -> `pip3`: versioned pip programs.
sv base_program(sv program) {
  if (program.size() > 3 && core::same(program.substr(0, 3), "pip") && !core::same(program, "pipx")) {
    const auto dot = program.find('.');
    if (dot != sv::npos && program.find_first_not_of("0123456789.", dot) == sv::npos) return program.substr(0, dot);
  }
  return program;
}

/// The option's value is in the next word: the option is in `valued` and has no `=value` attached.
bool takes_next(const Manager& m, sv word) { return contains(m.valued, word); }

/// Every option of the table's lists begins with '-': a word that does not (a package, a
/// subcommand) is none of them, in any spelling is_option knows.
constexpr bool dashed(std::span<const sv> options) {
  return std::all_of(options.begin(), options.end(), [](sv o) { return o.size() > 1 && o[0] == '-'; });
}
static_assert(dashed(k_apt_dry) && dashed(k_aptitude_dry) && dashed(k_apk_dry) && dashed(k_pip_dry) && dashed(k_npm_dry) &&
              dashed(k_rpm_dry) && dashed(k_zypper_dry));
static_assert(dashed(k_apt_unsigned) && dashed(k_aptitude_unsigned) && dashed(k_apk_unsigned) && dashed(k_pip_unsigned) &&
              dashed(k_npm_unsigned) && dashed(k_yarn_unsigned) && dashed(k_rpm_unsigned) && dashed(k_zypper_unsigned));

bool any_option(const Manager& m, std::span<const sv> options, const model::RunCommand& c, std::size_t from) {
  for (std::size_t i = from; i < c.words.size(); ++i) {
    const sv w = c.words[i];
    if (w.empty() || w[0] != '-') continue;  // not an option (dashed)
    if (core::same(w, "--")) break;
    for (auto o : options) {
      if (is_option(m, c.words[i], o)) return true;
    }
  }
  return false;
}

}  // namespace

std::span<const Manager> managers() { return k_managers; }

const Manager* manager_of(std::string_view program) {
  // base_program changes only names that begin with "pip": another is its own base.
  const sv p = !program.empty() && program[0] == 'p' ? base_program(program) : program;
  // Most programs of a RUN are no package manager (make, cp, echo): the first letters and lengths
  // of the table's programs, gathered once from the table, turn them away without a comparison.
  static const std::array<std::uint32_t, 256> k_lengths_by_first = [] {
    std::array<std::uint32_t, 256> out{};
    for (const auto& m : k_managers) {
      for (auto name : m.programs)
        out[static_cast<unsigned char>(name[0])] |= std::uint32_t{1} << std::min<std::size_t>(name.size(), 31);
    }
    return out;
  }();
  if (p.empty() || ((k_lengths_by_first[static_cast<unsigned char>(p[0])] >> std::min<std::size_t>(p.size(), 31)) & 1) == 0)
    return nullptr;
  for (const auto& m : k_managers) {
    if (contains(m.programs, p)) return &m;
  }
  return nullptr;
}

bool is_option(const Manager& m, std::string_view word, std::string_view option) {
  (void)m;
  if (core::same(word, option)) return true;
  if (option.starts_with("--")) return word.size() > option.size() && word.starts_with(option) && word[option.size()] == '=';
  // A short option inside a cluster of short flags: `-sy`, `-qqs`.
  if (option.size() == 2 && option[0] == '-' && word.size() > 2 && word[0] == '-' && word[1] != '-')
    return std::all_of(word.begin() + 1, word.end(), [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }) &&
           word.find(option[1], 1) != sv::npos;
  return false;
}

bool takes_value(const Manager& m, std::string_view word) { return takes_next(m, word); }

namespace detail {
namespace {

// RunCommand::package_reading: bit 0 set once read; bit 1 dry run; bit 2 `first` is 3 (`python -m
// pip`), else 1; bits 3-6 the manager's index in the table plus one (0: none); bits 7-9 install,
// update, clean; bits 10-31 sub_index (a command of more words than that is read every time).
constexpr std::uint32_t k_read = 1U;
static_assert(k_read == k_read_no_manager);
constexpr std::uint32_t k_dry = 1U << 1;
constexpr std::uint32_t k_first3 = 1U << 2;
constexpr unsigned k_manager_shift = 3;
constexpr std::uint32_t k_install = 1U << 7;
constexpr std::uint32_t k_update = 1U << 8;
constexpr std::uint32_t k_clean = 1U << 9;
constexpr unsigned k_sub_shift = 10;
constexpr std::size_t k_max_sub = (std::size_t{1} << (32 - k_sub_shift)) - 1;

std::uint32_t pack(const Invocation& inv) {
  std::uint32_t p = k_read;
  if (inv.dry_run) p |= k_dry;
  if (inv.first == 3) p |= k_first3;
  if (inv.manager != nullptr) p |= static_cast<std::uint32_t>(inv.manager - k_managers.data() + 1) << k_manager_shift;
  if (inv.install) p |= k_install;
  if (inv.update) p |= k_update;
  if (inv.clean) p |= k_clean;
  return p | static_cast<std::uint32_t>(inv.sub_index) << k_sub_shift;
}

}  // namespace

Invocation unpack(std::uint32_t packed, const model::RunCommand& c) {
  Invocation inv;
  const std::uint32_t manager = (packed >> k_manager_shift) & 0xFU;
  inv.manager = manager == 0 ? nullptr : &k_managers[manager - 1];
  inv.first = (packed & k_first3) != 0 ? 3 : 1;
  inv.sub_index = packed >> k_sub_shift;
  if (inv.manager != nullptr && inv.sub_index < c.words.size()) inv.subcommand = c.words[inv.sub_index];
  inv.dry_run = (packed & k_dry) != 0;
  inv.install = (packed & k_install) != 0;
  inv.update = (packed & k_update) != 0;
  inv.clean = (packed & k_clean) != 0;
  return inv;
}

Invocation read(const model::RunCommand& c) {
  Invocation inv;
  if (c.words.empty()) return inv;
  inv.manager = manager_of(c.program);
  inv.first = 1;
  if (inv.manager == nullptr && !(c.words.size() > 2 && core::same(c.program.substr(0, 6), "python"))) {
    // Most commands (make, cp, echo): no manager, nothing else to read; packed as pack() packs
    // a default Invocation.
    std::atomic_ref<std::uint32_t>(c.package_reading).store(k_read_no_manager, std::memory_order_relaxed);
    return inv;
  }
  if (inv.manager == nullptr && core::same(c.program.substr(0, 6), "python") && c.words.size() > 2 && core::same(c.words[1], "-m")) {
    inv.manager = manager_of(c.words[2]);
    if (inv.manager != nullptr && inv.manager->family != Family::pip) inv.manager = nullptr;
    inv.first = 3;
  }
  if (inv.manager != nullptr) {
    const Manager& m = *inv.manager;
    std::size_t i = inv.first;
    while (i < c.words.size()) {
      const sv w = c.words[i];
      if (core::same(w, "--")) {
        ++i;
        break;
      }
      if (w.size() > 1 && w[0] == '-') {
        i += takes_next(m, w) ? 2 : 1;
        continue;
      }
      break;
    }
    inv.sub_index = std::min(i, c.words.size());
    if (inv.sub_index < c.words.size()) inv.subcommand = c.words[inv.sub_index];
    // `yarn global add x`, `gem` has none.
    if (m.family == Family::yarn && inv.subcommand == "global" && inv.sub_index + 1 < c.words.size()) {
      ++inv.sub_index;
      inv.subcommand = c.words[inv.sub_index];
    }
    inv.dry_run = any_option(m, m.dry_run, c, inv.first);
    inv.install = contains(m.install, inv.subcommand);
    inv.update = contains(m.update, inv.subcommand);
    inv.clean = contains(m.clean, inv.subcommand);
  }
  if (inv.sub_index <= k_max_sub)
    std::atomic_ref<std::uint32_t>(c.package_reading).store(pack(inv), std::memory_order_relaxed);
  return inv;
}

}  // namespace detail

std::vector<std::string> Invocation::operands(const model::RunCommand& c) const {
  std::vector<std::string> out;
  each_operand(c, [&out](sv w) { out.emplace_back(w); });
  return out;
}

std::vector<std::string> Invocation::unsigned_options(const model::RunCommand& c) const {
  std::vector<std::string> out;
  if (manager == nullptr) return out;
  for (std::size_t i = first; i < c.words.size(); ++i) {
    if (c.words[i].empty() || c.words[i][0] != '-') continue;  // not an option (dashed)
    for (auto o : manager->unsigned_) {
      if (is_option(*manager, c.words[i], o)) {
        out.emplace_back(c.words[i]);
        break;
      }
    }
  }
  return out;
}

}  // namespace drydock::checks::packages
