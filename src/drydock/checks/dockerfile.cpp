/// Dockerfile lint: CIS Docker Benchmark section 4 on the build file, the hadolint rules users
/// know (as aliases), and Trivy's where they differ. Rules read RUN instructions as the shell
/// commands the parser split them into (parse/run_scripts.hpp), never as substrings.

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/checks/common.hpp"
#include "drydock/checks/dockerfile_support.hpp"
#include "drydock/checks/package_managers.hpp"
#include "drydock/checks/secrets.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::checks::dockerfile {

using sv = std::string_view;

// ---------------------------------------------------------------------------------------
// Identities, ignores, results.

void append_number(std::string& out, long long n) {
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), n).ptr;
  out.append(digits.data(), static_cast<std::size_t>(end - digits.data()));  // (pointer, size): no _M_replace
}

std::string join_words(std::span<const std::string_view> words, std::string_view sep) {
  std::size_t n = 0;
  for (const auto w : words)
    n += w.size() + sep.size();
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out.append(sep);
    out.append(words[i]);
  }
  return out;
}

std::vector<std::string_view> aliases_of(const Rule& rule) {
  std::vector<std::string_view> out;
  for (auto a : rule.aliases) {
    if (!a.empty()) out.push_back(a);
  }
  return out;
}

bool ignored(const model::Dockerfile& d, const Rule& rule, int line) {
  const auto it = d.ignores.find(line);
  if (it == d.ignores.end()) return false;
  const std::string id = core::to_lower(rule.id);
  const std::string_view short_id =
      std::string_view(id).starts_with("dockerfile.") ? std::string_view(id).substr(11) : std::string_view(id);
  for (const auto& raw : it->second) {
    const std::string name = core::to_lower(core::trim(raw));
    if (name.empty()) continue;
    if (name == id || name == short_id || (!rule.cis.empty() && name == rule.cis)) return true;
    for (auto a : rule.aliases) {
      if (!a.empty() && name == core::to_lower(a)) return true;
    }
  }
  return false;
}

void append_snippet(std::string& out, const model::Instruction& instruction) {
  constexpr std::size_t k_max = 80;
  const std::string_view text = instruction.text;
  // Most instructions are one line of words apart by single spaces: their first k_max + 1 bytes
  // are the snippet's as they are (a byte below '!' other than a lone space sends the text
  // to the reading below).
  const std::size_t head = std::min(text.size(), k_max + 1);
  std::size_t plain = 0;
  if (head > 0 && static_cast<unsigned char>(text[0]) > ' ') {
    plain = 1;
    while (plain < head && (static_cast<unsigned char>(text[plain]) > ' ' || (text[plain] == ' ' && text[plain - 1] != ' ')))
      ++plain;
  }
  if (plain == head && text.size() <= k_max) {
    out.append(text.data(), text.back() == ' ' ? head - 1 : head);  // a trailing space goes
    return;
  }
  if (plain == head && text[k_max] != ' ') {  // past k_max (not only blanks after it): cut where a character begins
    std::size_t cut = k_max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
      --cut;
    out.append(text.data(), cut);
    out += "…";
    return;
  }
  // The blanks between two words become one space; written byte by byte into room on the stack
  // until one byte past k_max (what follows is cut off), then appended at once.
  std::array<char, k_max + 1> buf;  // NOLINT(cppcoreguidelines-pro-type-member-init): written before read
  std::size_t n = 0;
  bool space = false;  // a blank since the last word's byte (written before the next one)
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = n != 0;
      continue;
    }
    if (space) {
      buf[n++] = ' ';
      space = false;
      if (n > k_max) break;
    }
    buf[n++] = c;
    if (n > k_max) break;
  }
  if (n <= k_max) {
    out.append(buf.data(), n);
    return;
  }
  std::size_t cut = k_max;
  while (cut > 0 && (static_cast<unsigned char>(buf[cut]) & 0xC0) == 0x80)
    --cut;
  out.append(buf.data(), cut);
  out += "…";
}

std::string snippet(const model::Instruction& instruction) {
  std::string out;
  out.reserve(std::min(instruction.text.size(), std::size_t{82}) + 3);
  append_snippet(out, instruction);
  return out;
}

void report_offenders(const model::Dockerfile& d, const Rule& rule, std::vector<Offender>& offenders, Results& out,
                      core::Text pass_evidence) {
  const auto by_line = [](const Offender& a, const Offender& b) { return a.at->location.line < b.at->location.line; };
  if (!std::is_sorted(offenders.begin(), offenders.end(), by_line)) std::stable_sort(offenders.begin(), offenders.end(), by_line);
  // The evidence is written as the offenders are read, into a buffer the thread keeps: the Text
  // made of it is the one allocation (no list of the kept offenders, no string copied into it).
  thread_local std::string evidence;
  evidence.clear();
  const Offender* first = nullptr;  // the first offender kept: the finding's location
  bool any_fail = false;
  int skipped = 0;
  for (const auto& o : offenders) {
    if (!d.ignores.empty() && ignored(d, rule, o.at->location.line)) {
      ++skipped;
      continue;
    }
    if (first == nullptr) {
      first = &o;
    } else {
      evidence += sv("; ");
    }
    evidence += sv("line ");
    append_number(evidence, o.at->location.line);
    evidence += sv(": ");
    evidence += o.message;
    any_fail = any_fail || o.status != Status::warn;
  }
  const std::string ignored_note =
      skipped == 0 ? std::string() : fmt::format(" ({} finding{} ignored inline)", skipped, skipped == 1 ? "" : "s");
  if (first == nullptr) {
    out.pass(pass_evidence + ignored_note);
    return;
  }
  evidence += ignored_note;
  Finding& f = any_fail ? out.fail(core::Text(sv(evidence))) : out.warn(core::Text(sv(evidence)));
  model::Location where = first->at->location;
  if (where.file.empty()) where.file = d.path;
  f.location = std::move(where);
}

namespace {

/// The value of a key of a `--mount=` flag as a view into the flag (read in place: a flag is
/// read by several rules for every RUN); nullopt when the key is absent.
std::optional<sv> mount_value(const model::InstructionFlag& mount, sv key) {
  const sv text = mount.expanded.empty() ? sv(mount.value) : sv(mount.expanded);
  // Keys are compared without case (ASCII, as core::starts_with_ci in the "C" locale), and each
  // part's key and value trimmed of " \t\r\n" (core::trim), all in line: no call for each part
  // of every RUN's mounts.
  const auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  const auto is = [&](sv k, sv name) {
    if (k.size() != name.size()) return false;
    for (std::size_t i = 0; i < k.size(); ++i) {
      if (fold(k[i]) != fold(name[i])) return false;
    }
    return true;
  };
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  const auto trimmed = [&](std::size_t from, std::size_t to) {
    while (from < to && blank(text[from]))
      ++from;
    while (to > from && blank(text[to - 1]))
      --to;
    return text.substr(from, to - from);
  };
  const bool target = core::same(key, "target");
  std::size_t start = 0;
  while (true) {
    std::size_t comma = start;
    while (comma < text.size() && text[comma] != ',')
      ++comma;
    std::size_t eq = start;
    while (eq < comma && text[eq] != '=')
      ++eq;
    const sv k = trimmed(start, eq);
    if (is(k, key) || (target && (is(k, "dst") || is(k, "destination")))) return eq == comma ? sv() : trimmed(eq + 1, comma);
    if (comma == text.size()) break;
    start = comma + 1;
  }
  if (core::same(key, "type")) return sv("bind");
  return std::nullopt;
}

}  // namespace

std::string mount_option(const model::InstructionFlag& mount, std::string_view key) {
  return std::string(mount_value(mount, key).value_or(sv()));
}

bool has_cache_mount(const model::Instruction& run, std::string_view dir) {
  for (const auto& f : run.flags) {
    if (sv(f.name) != "mount") continue;
    const sv type = mount_value(f, "type").value_or(sv());
    if (!core::same(type, "cache") && !core::same(type, "tmpfs")) continue;
    const sv target = mount_value(f, "target").value_or(sv());
    if (!target.empty() && (core::path_within(target, dir) || core::path_within(dir, target))) return true;
  }
  return false;
}

bool is_archive(std::string_view source) {
  // ADD unpacks by content, not name: a `.gz`, `.bz2`, `.xz` or `.zst` file may be a compressed tar.
  static constexpr std::array<std::string_view, 12> exts = {".tar", ".tgz", ".tbz2", ".tbz", ".txz", ".tzst",
                                                            ".gz",  ".bz2", ".xz",   ".zst", ".lz4", ".lzma"};
  return std::any_of(exts.begin(), exts.end(), [&](std::string_view e) { return core::ends_with_lower(source, e); });
}

bool is_remote(std::string_view source) { return source.find("://") != std::string_view::npos || source.starts_with("git@"); }

void AddSources::add(std::string_view source) {
  if (is_remote(source)) {
    remote.emplace_back(source);
  } else if (is_archive(source)) {
    ++archives;
  } else if (source.find('$') != std::string_view::npos) {
    ++variables;
  } else {
    local.emplace_back(source);
  }
}

Keyword keyword_of(std::string_view keyword) {
  using core::same;
  switch (keyword.size()) {
    case 3:
      if (same(keyword, "RUN")) return Keyword::run;
      if (same(keyword, "ADD")) return Keyword::add;
      break;
    case 6:
      if (same(keyword, "EXPOSE")) return Keyword::expose;
      break;
    case 7:
      if (same(keyword, "WORKDIR")) return Keyword::workdir;
      break;
    case 10:
      if (same(keyword, "MAINTAINER")) return Keyword::maintainer;
      break;
    default:
      break;
  }
  return Keyword::other;
}

void KeywordIndex::build(const model::Dockerfile& d) {
  for (auto& list : m_lists)
    list.clear();
  const auto add = [this](const model::Instruction& i) {
    const Keyword k = keyword_of(i.keyword);
    if (k != Keyword::other) m_lists[static_cast<std::size_t>(k)].push_back(&i);
  };
  for (const auto& s : d.stages) {
    for (const auto& i : s.instructions) {
      add(i);
      for (const auto& t : i.trigger)
        add(t);
    }
  }
}

namespace {

/// The tree keyword_index last indexed on this thread, as it knows it.
struct IndexedTree {
  const model::Dockerfile* tree = nullptr;
  std::weak_ptr<const core::TextArena> arena;
  /// Each stage's instruction list: where it begins and ends.
  std::vector<std::pair<const model::Instruction*, const model::Instruction*>> lists;
  KeywordIndex index;

  [[nodiscard]] bool is(const model::Dockerfile& d) const {
    if (tree != &d || d.text == nullptr || arena.expired() || arena.owner_before(d.text) || d.text.owner_before(arena) ||
        lists.size() != d.stages.size())
      return false;
    const auto* list = lists.data();
    for (const auto& s : d.stages) {
      const auto& instructions = s.instructions;
      if (list->first != instructions.data() || list->second != instructions.data() + instructions.size()) return false;
      ++list;
    }
    return true;
  }
};

IndexedTree& indexed_tree() {
  thread_local IndexedTree last;
  return last;
}

/// Builds the index of `d` into `last` (out of line: every rule of a file but the first finds it built).
[[gnu::noinline]] const KeywordIndex& index_anew(IndexedTree& last, const model::Dockerfile& d) {
  last.tree = nullptr;  // known again only once built (a build that throws leaves no tree known)
  last.index.build(d);
  last.tree = &d;
  last.arena = d.text;
  last.lists.clear();
  for (const auto& s : d.stages)
    last.lists.emplace_back(s.instructions.data(), s.instructions.data() + s.instructions.size());
  return last.index;
}

}  // namespace

const KeywordIndex& keyword_index(const model::Dockerfile& d) {
  IndexedTree& last = indexed_tree();
  if (last.is(d)) return last.index;
  return index_anew(last, d);
}

}  // namespace drydock::checks::dockerfile

namespace drydock::checks {
namespace {

using sv = std::string_view;

using dockerfile::Command;
using dockerfile::Keyword;
using dockerfile::has_cache_mount;
using dockerfile::Offender;
using dockerfile::report;
using dockerfile::Rule;
using dockerfile::Script;
using dockerfile::snippet;
using model::Dockerfile;
using model::Instruction;
using model::Stage;
using secrets::harmless_value;
using secrets::known_key;
using secrets::redacted;
using secrets::secret_name;

// ---------------------------------------------------------------------------------------
// The rules' identities (one place: the table and the evaluators both read them).

constexpr Rule k_user_root{"dockerfile.user-root", "4.1", {"DL3002", "AVD-DS-0002", "DS002"}};
constexpr Rule k_healthcheck{"dockerfile.healthcheck", "4.6", {"AVD-DS-0026", "DS026"}};
constexpr Rule k_update_alone{"dockerfile.update-alone", "4.7", {"AVD-DS-0017", "DS017"}};
constexpr Rule k_add{"dockerfile.add-instead-of-copy", "4.9", {"DL3020", "AVD-DS-0005", "DS005"}};
constexpr Rule k_secrets{"dockerfile.secrets", "4.10", {"AVD-DS-0031", "DS031"}};
constexpr Rule k_workdir_relative{"dockerfile.workdir-relative", "", {"DL3000", "AVD-DS-0009", "DS009"}};
constexpr Rule k_run_cd{"dockerfile.run-cd", "", {"DL3003", "AVD-DS-0013", "DS013"}};
constexpr Rule k_sudo{"dockerfile.sudo", "", {"DL3004", "AVD-DS-0010", "DS010"}};
constexpr Rule k_untagged{"dockerfile.from-untagged", "", {"DL3006"}};
constexpr Rule k_latest{"dockerfile.from-latest", "", {"DL3007", "AVD-DS-0001", "DS001"}};
constexpr Rule k_apt_pins{"dockerfile.apt-unpinned", "", {"DL3008"}};
constexpr Rule k_apt_lists{"dockerfile.apt-lists-kept", "", {"DL3009"}};
constexpr Rule k_port_range{"dockerfile.expose-invalid-port", "", {"DL3011", "AVD-DS-0008", "DS008"}};
constexpr Rule k_pip_pins{"dockerfile.pip-unpinned", "", {"DL3013"}};
constexpr Rule k_apt_recommends{"dockerfile.apt-install-recommends", "", {"DL3015", "AVD-DS-0029", "DS029"}};
constexpr Rule k_npm_pins{"dockerfile.npm-unpinned", "", {"DL3016"}};
constexpr Rule k_apk_pins{"dockerfile.apk-unpinned", "", {"DL3018"}};
constexpr Rule k_apk_cache{"dockerfile.apk-cache", "", {"DL3019", "AVD-DS-0025", "DS025"}};
constexpr Rule k_copy_from{"dockerfile.copy-from-unknown-stage", "", {"DL3022", "AVD-DS-0006", "DS006"}};
constexpr Rule k_duplicate_stage{"dockerfile.duplicate-stage-name", "", {"DL3024", "AVD-DS-0012", "DS012"}};
constexpr Rule k_shell_form{"dockerfile.shell-form-cmd", "", {"DL3025"}};
constexpr Rule k_consecutive_run{"dockerfile.consecutive-run", "", {"DL3059"}};
constexpr Rule k_maintainer{"dockerfile.maintainer", "", {"DL4000", "AVD-DS-0022", "DS022"}};
constexpr Rule k_multiple_cmd{"dockerfile.multiple-cmd", "", {"DL4003", "AVD-DS-0016", "DS016"}};
constexpr Rule k_multiple_entrypoint{"dockerfile.multiple-entrypoint", "", {"DL4004", "AVD-DS-0007", "DS007"}};
constexpr Rule k_pipefail{"dockerfile.pipefail", "", {"DL4006"}};
constexpr Rule k_expose_ssh{"dockerfile.expose-ssh", "", {"AVD-DS-0004", "DS004"}};
constexpr Rule k_curl_pipe_shell{"dockerfile.curl-pipe-shell", "", {}};
constexpr Rule k_workdir_system{"dockerfile.workdir-system-dir", "", {"AVD-DS-0030", "DS030"}};

// ---------------------------------------------------------------------------------------
// Walking the file.

/// Instructions with this keyword in every stage, ONBUILD triggers included, in file order (the
/// file's KeywordIndex).
std::span<const Instruction* const> all_of(const Dockerfile& d, dockerfile::Keyword keyword) {
  return dockerfile::keyword_index(d)[keyword];
}

/// Calls `f(stage)` for the final stage and the earlier stages it is built FROM, final first,
/// until `f` returns true; true when it did.
template <class F>
bool any_in_final_chain(const Dockerfile& d, F&& f) {
  if (d.stages.empty()) return false;
  int index = static_cast<int>(d.stages.size()) - 1;
  for (std::size_t walked = 0; index >= 0 && index < static_cast<int>(d.stages.size()) && walked <= d.stages.size(); ++walked) {
    const Stage& s = d.stages[static_cast<std::size_t>(index)];
    if (f(s)) return true;
    if (s.base_stage >= index) break;
    index = s.base_stage;
  }
  return false;
}

/// The stages of the final image (any_in_final_chain), by index: no allocation for up to 64 stages.
class FinalImageStages {
 public:
  explicit FinalImageStages(const Dockerfile& d) {
    if (d.stages.size() > 64) m_large.resize(d.stages.size());
    any_in_final_chain(d, [&](const Stage& s) {
      const auto index = static_cast<std::size_t>(&s - d.stages.data());
      if (m_large.empty()) {
        m_small |= std::uint64_t{1} << index;
      } else {
        m_large[index] = true;
      }
      return false;
    });
  }
  [[nodiscard]] bool contains(std::size_t index) const {
    return m_large.empty() ? ((m_small >> index) & 1U) != 0 : static_cast<bool>(m_large[index]);
  }

 private:
  std::uint64_t m_small = 0;
  std::vector<bool> m_large;
};

/// The last instruction with this keyword in the final image (final stage, then the stages it
/// is built from), or nullptr.
const Instruction* last_in_final_image(const Dockerfile& d, std::string_view keyword) {
  const Instruction* found = nullptr;
  any_in_final_chain(d, [&](const Stage& s) {
    for (auto it = s.instructions.rbegin(); it != s.instructions.rend(); ++it) {
      if (it->is(keyword)) {
        found = &*it;
        return true;
      }
    }
    return false;
  });
  return found;
}

/// The RUN instructions with their commands, in file order.
struct RunCommands {
  const Instruction* run;
  std::span<const Command> commands;
};

/// The RUN instructions of the file as RunCommands (all_of RUN).
class Runs {
 public:
  explicit Runs(std::span<const Instruction* const> all) : m_all(all) {}
  class Iterator {
   public:
    explicit Iterator(const Instruction* const* at) : m_at(at) {}
    RunCommands operator*() const { return {*m_at, (*m_at)->commands}; }
    Iterator& operator++() {
      ++m_at;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return m_at != o.m_at; }

   private:
    const Instruction* const* m_at;
  };
  [[nodiscard]] Iterator begin() const { return Iterator(m_all.data()); }
  [[nodiscard]] Iterator end() const { return Iterator(m_all.data() + m_all.size()); }

 private:
  std::span<const Instruction* const> m_all;
};

Runs runs(const Dockerfile& d) { return Runs(all_of(d, dockerfile::Keyword::run)); }

/// `prefix`, then the first `max` items joined by ", " and " and N more" for the rest.
template <class Items>
std::string joined(std::string_view prefix, const Items& items, std::size_t max = 5) {
  std::string out;
  std::size_t size = prefix.size() + 16;
  for (std::size_t i = 0; i < items.size() && i < max; ++i)
    size += std::string_view(items[i]).size() + 2;
  out.reserve(size);  // one allocation for the usual message
  out += prefix;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) {
    if (i != 0) out += ", ";
    out += items[i];
  }
  if (items.size() > max) {
    out += " and ";
    dockerfile::append_number(out, static_cast<long long>(items.size() - max));
    out += " more";
  }
  return out;
}

template <class Items>
std::string joined(const Items& items, std::size_t max = 5) {
  return joined(std::string_view(), items, max);
}

bool has_variable(std::string_view s) { return s.find('$') != std::string_view::npos; }

/// "line N: " (as `fmt::format("line {}: ", line)` writes it) in a buffer the thread keeps, for
/// the evidence written after it: the Text made of it is then the one allocation.
std::string& line_buffer(int line) {
  thread_local std::string buffer;
  buffer.clear();  // then appended: assign() goes through _M_replace
  buffer += sv("line ");
  dockerfile::append_number(buffer, line);
  buffer += sv(": ");
  return buffer;
}

// ---------------------------------------------------------------------------------------
// Package managers.

using packages::Family;

/// A command read through the package-manager table (checks/package_managers.hpp).
packages::Invocation pm(const Command& c) { return packages::invocation(c); }

bool family_is(const packages::Invocation& inv, Family f) { return inv.manager != nullptr && inv.manager->family == f; }

/// The distribution's package managers: apt, aptitude, apk, dnf/yum, zypper.
bool system_manager(const packages::Invocation& inv) {
  return family_is(inv, Family::apt) || family_is(inv, Family::aptitude) || family_is(inv, Family::apk) ||
         family_is(inv, Family::rpm) || family_is(inv, Family::zypper);
}

/// `apt-get install` / `apt install` that is not a dry run.
bool is_apt_install(const packages::Invocation& inv) {
  return family_is(inv, Family::apt) && core::same(inv.subcommand, "install") && !inv.dry_run;
}
bool is_apk_add(const packages::Invocation& inv) {
  return family_is(inv, Family::apk) && core::same(inv.subcommand, "add") && !inv.dry_run;
}

/// A package index refresh: `apt-get update`, `apk update`, `yum makecache`, `zypper refresh`.
bool is_index_update(const packages::Invocation& inv) { return system_manager(inv) && inv.updates() && !inv.dry_run; }
bool is_index_update(const Command& c) { return is_index_update(pm(c)); }

/// Installs or upgrades packages with the distribution's manager (not a dry run).
bool is_install(const packages::Invocation& inv) { return system_manager(inv) && inv.installs() && !inv.dry_run; }
bool is_install(const Command& c) { return is_install(pm(c)); }

bool has_word(const Command& c, std::string_view word) {
  return std::find(c.words.begin(), c.words.end(), word) != c.words.end();
}

// ---------------------------------------------------------------------------------------
// Secrets.

bool has_secret_mount(const Instruction& run) {
  return std::any_of(run.flags.begin(), run.flags.end(), [](const model::InstructionFlag& f) {
    return core::same(f.name, "mount") && core::same(dockerfile::mount_value(f, "type").value_or(sv()), "secret");
  });
}

/// Secrets in one ENV, ARG, LABEL, RUN, COPY or ADD instruction.
void secrets_in(const Instruction& i, std::vector<Offender>& found) {
  // The keyword compared once for each case (this runs for every instruction); a keyword of
  // another length than LABEL, ENV, ARG, RUN, COPY and ADD (WORKDIR, EXPOSE, ENTRYPOINT, ...) is
  // none of them.
  if (i.keyword.size() < 3 || i.keyword.size() > 5) return;
  const bool label = i.is("LABEL");
  if (label || i.is("ENV") || i.is("ARG")) {
    for (const auto& kv : i.pairs) {
      if (!kv.has_value) continue;
      if (!label && secret_name(kv.key) && !harmless_value(kv.value)) {
        found.push_back(
            {&i, fmt::format("{} {}={} (a literal value for a secret's name)", i.keyword, kv.key, redacted(kv.value))});
        continue;
      }
      if (auto k = known_key(kv.value)) found.push_back({&i, fmt::format("{} {} holds {}", i.keyword, kv.key, *k)});
    }
    return;
  }
  const bool run = i.is("RUN");
  if (run && has_secret_mount(i)) return;
  if (run || i.is("COPY") || i.is("ADD")) {
    std::optional<std::string> k;
    if (run) {
      if (i.json_form) {
        for (const auto& a : i.args) {
          if ((k = known_key(a))) break;
        }
      } else {
        k = known_key(i.command);
      }
    }
    for (const auto& h : i.heredocs) {
      if (k) break;
      k = known_key(h.content);
    }
    if (k) found.push_back({&i, fmt::format("{} contains {}", i.keyword, *k)});
  }
}

// ---------------------------------------------------------------------------------------
// Images and ports.

struct ImageRef {
  sv tag;  ///< "" when none
  bool digest = false;
};

ImageRef image_ref(std::string_view ref) {
  ImageRef out;
  const auto at = ref.find('@');
  if (at != std::string_view::npos) {
    out.digest = true;
    ref = ref.substr(0, at);
  }
  const auto slash = ref.rfind('/');
  const auto colon = ref.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) out.tag = ref.substr(colon + 1);
  return out;
}

std::optional<long> number(std::string_view s) {
  long v = 0;
  if (s.empty()) return std::nullopt;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

struct PortRange {
  std::optional<long> low, high;
  sv protocol;  ///< as written (any case), "" when not given
  /// tcp, udp, sctp or none given.
  [[nodiscard]] bool known_protocol() const {
    using core::same_lower;
    return protocol.empty() || same_lower(protocol, "tcp") || same_lower(protocol, "udp") || same_lower(protocol, "sctp");
  }
};

PortRange port_range(std::string_view spec) {
  PortRange out;
  const auto slash = spec.find('/');
  if (slash != std::string_view::npos) {
    out.protocol = spec.substr(slash + 1);
    spec = spec.substr(0, slash);
  }
  const auto dash = spec.find('-');
  out.low = number(spec.substr(0, dash));
  out.high = dash == std::string_view::npos ? out.low : number(spec.substr(dash + 1));
  return out;
}

sv unquoted(sv s) {
  s = core::trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return s;
}

// ---------------------------------------------------------------------------------------
// The evaluators.

void user_root(const Dockerfile& d, Results& out) {
  if (d.stages.empty() || d.stages.back().instructions.empty()) {
    out.skip("no stage");
    return;
  }
  const Instruction* user = last_in_final_image(d, "USER");
  if (user == nullptr) {
    report(d, k_user_root,
           {{&d.stages.back().instructions.front(),
             "no USER in the final stage (the base image's user applies, root unless it sets one)"}},
           out, "");
    return;
  }
  const sv value = user->args.empty() ? sv() : user->args.front();
  if (common::user_is_root(value)) {
    report(d, k_user_root, {{user, fmt::format("USER {} is the final user", common::shown(value))}}, out, "");
    return;
  }
  std::string& evidence = line_buffer(user->location.line);
  evidence += sv("USER ");
  evidence += value;
  out.pass(core::Text(sv(evidence)));
}

void healthcheck(const Dockerfile& d, Results& out) {
  if (d.stages.empty() || d.stages.back().instructions.empty()) {
    out.skip("no stage");
    return;
  }
  const Instruction* hc = last_in_final_image(d, "HEALTHCHECK");
  if (hc == nullptr) {
    report(d, k_healthcheck, {{&d.stages.back().instructions.front(), "no HEALTHCHECK in the final stage"}}, out, "");
    return;
  }
  if (!hc->args.empty() && core::same_lower(hc->args.front(), "none")) {
    report(d, k_healthcheck, {{hc, "HEALTHCHECK NONE disables the image's health check"}}, out, "");
    return;
  }
  std::string& evidence = line_buffer(hc->location.line);
  dockerfile::append_snippet(evidence, *hc);
  out.pass(core::Text(sv(evidence)));
}

void update_alone(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& r : runs(d)) {
    const Command* update = nullptr;
    bool install = false;
    for (const auto& c : r.commands) {
      const auto inv = pm(c);
      if (update == nullptr && is_index_update(inv)) update = &c;
      install = install || is_install(inv);
    }
    if (update != nullptr && !install)
      found.push_back({r.run, fmt::format("`{}` without an install in the same RUN", dockerfile::join_words(update->words, " "))});
  }
  report<"no package index update stands alone in a RUN">(d, k_update_alone, std::move(found), out);
}

void add_instead_of_copy(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const Instruction* add : all_of(d, Keyword::add)) {
    if (add->args.empty()) continue;
    const bool checksum = add->flag("checksum") != nullptr;
    dockerfile::AddSources sources;
    for (std::size_t i = 0; i + 1 < add->args.size(); ++i)
      sources.add(add->args[i]);
    if (add->args.size() == 1 && !add->heredocs.empty()) sources.local.emplace_back("<<" + std::string(add->heredocs.front().delimiter));
    if (!sources.local.empty())
      found.push_back({add, fmt::format("ADD of local files that are not archives ({}): use COPY", joined(sources.local))});
    if (!sources.remote.empty()) {
      if (checksum) {
        found.push_back(
            {add, fmt::format("ADD of a remote source ({}) verified by --checksum", joined(sources.remote)), Status::warn});
      } else {
        found.push_back({add, fmt::format("ADD of a remote source without --checksum ({})", joined(sources.remote))});
      }
    }
  }
  report<"no ADD of local non-archive files or remote sources">(d, k_add, std::move(found), out);
}

void secrets(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& a : d.global_args)
    secrets_in(a, found);
  for (const auto& s : d.stages) {
    for (const auto& i : s.instructions) {
      secrets_in(i, found);
      for (const auto& t : i.trigger)
        secrets_in(t, found);
    }
  }
  report<"no secret-named ENV/ARG with a literal value, no known key format">(d, k_secrets, std::move(found), out);
}

void workdir_relative(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const Instruction* w : all_of(d, Keyword::workdir)) {
    if (w->args.empty()) continue;
    const sv path = unquoted(w->args.front());
    const bool windows = path.size() >= 2 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':';
    if (path.empty() || path.starts_with('/') || path.starts_with('\\') || path.starts_with('$') || windows) continue;
    found.push_back({w, fmt::format("WORKDIR {} is relative (depends on the previous WORKDIR)", path)});
  }
  report<"every WORKDIR is absolute">(d, k_workdir_relative, std::move(found), out);
}

void run_cd(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& r : runs(d)) {
    for (const auto& c : r.commands) {
      if (core::same(c.program, "cd") && c.subshell_depth == 0) {
        found.push_back({r.run, fmt::format("`{}` in RUN: use WORKDIR", dockerfile::join_words(c.words, " "))});
        break;
      }
    }
  }
  report<"no RUN changes directory with cd">(d, k_run_cd, std::move(found), out);
}

void sudo(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& r : runs(d)) {
    for (const auto& c : r.commands) {
      if (c.sudo) {
        found.push_back({r.run, fmt::format("sudo {}", c.program.empty() ? std::string() : c.program)});
        break;
      }
    }
  }
  report<"no RUN uses sudo">(d, k_sudo, std::move(found), out);
}

/// FROM instructions of stages based on an image (not scratch, not an earlier stage).
template <class F>
void for_each_image_from(const Dockerfile& d, F&& f) {
  for (const auto& s : d.stages) {
    if (s.base_stage >= 0 || s.instructions.empty() || core::same_lower(s.base, "scratch") || s.base.empty() ||
        has_variable(s.base))
      continue;
    f(s, s.instructions.front());
  }
}

void from_untagged(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for_each_image_from(d, [&](const Stage& s, const Instruction& from) {
    const ImageRef ref = image_ref(s.base);
    if (ref.tag.empty() && !ref.digest) found.push_back({&from, fmt::format("FROM {} has no tag (means :latest)", s.base)});
  });
  report<"every base image has a tag or digest">(d, k_untagged, std::move(found), out);
}

void from_latest(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for_each_image_from(d, [&](const Stage& s, const Instruction& from) {
    const ImageRef ref = image_ref(s.base);
    if (ref.tag == "latest" && !ref.digest) found.push_back({&from, fmt::format("FROM {}", s.base)});
  });
  report<"no base image uses the latest tag">(d, k_latest, std::move(found), out);
}

void apt_unpinned(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& r : runs(d)) {
    std::vector<sv> loose;
    for (const auto& c : r.commands) {
      const auto inv = pm(c);
      if (!is_apt_install(inv)) continue;
      inv.each_operand(c, [&loose](sv p) {
        // A version (`=`), a file (`/`, `.deb`) or a variable: each byte compared once.
        const bool named = std::any_of(p.begin(), p.end(), [](char ch) { return ch == '=' || ch == '/' || ch == '$'; });
        if (!named && !p.ends_with(".deb")) loose.push_back(p);
      });
    }
    if (!loose.empty()) found.push_back({r.run, joined("apt-get install without versions: ", loose)});
  }
  report<"apt-get install pins every package version">(d, k_apt_pins, std::move(found), out);
}

/// `rm` of /var/lib/apt/lists (or a file under it), or `apt-get dist-clean`.
bool removes_apt_lists(std::span<const Command> commands) {
  for (const auto& c : commands) {
    if (core::same(c.program, "rm")) {
      for (std::size_t i = 1; i < c.words.size(); ++i) {
        if (core::path_within(c.words[i], "/var/lib/apt/lists")) return true;
      }
      continue;
    }
    const auto inv = pm(c);
    if (family_is(inv, Family::apt) && inv.cleans() && !inv.dry_run) return true;
  }
  return false;
}

/// A command that downloads apt lists: `apt-get update` (apt, aptitude), and `add-apt-repository`,
/// which refreshes them after adding the source unless given `-n`/`--no-update`. An install only
/// reads the lists an earlier update left: it writes none, and removing them there frees nothing.
bool fetches_apt_lists(const Command& c) {
  if (core::same(c.program, "add-apt-repository")) {
    return std::none_of(c.words.begin() + 1, c.words.end(), [](std::string_view w) {
      return w == "--no-update" || (w.size() > 1 && w[0] == '-' && w[1] != '-' && w.find('n') != std::string::npos);
    });
  }
  const auto inv = pm(c);
  return (family_is(inv, Family::apt) || family_is(inv, Family::aptitude)) && inv.updates() && !inv.dry_run;
}

/// A RUN (or ONBUILD trigger) that downloads apt lists and leaves them in its layer.
bool leaves_apt_lists(const Instruction& run) {
  const auto& commands = run.commands;
  return std::any_of(commands.begin(), commands.end(), fetches_apt_lists) && !removes_apt_lists(commands) &&
         !has_cache_mount(run, "/var/lib/apt/lists");
}

void apt_lists_kept(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  // Only the layers of the final image matter: lists left in a builder stage are never shipped.
  // ONBUILD triggers run in whatever image is built from the stage: all of them count.
  const FinalImageStages final_image(d);
  for (std::size_t si = 0; si < d.stages.size(); ++si) {
    const Stage& s = d.stages[si];
    const bool shipped = final_image.contains(si);
    for (const auto& i : s.instructions) {
      for (const auto& t : i.trigger) {
        if (t.is("RUN") && leaves_apt_lists(t))
          found.push_back({&t, "ONBUILD RUN keeps apt lists: no `rm -rf /var/lib/apt/lists/*` in the trigger"});
      }
      if (!i.is("RUN") || !shipped || !leaves_apt_lists(i)) continue;
      found.push_back({&i, "apt-get lists kept: no `rm -rf /var/lib/apt/lists/*` in the same RUN"});
    }
  }
  report<"no RUN of the final image leaves apt lists behind">(d, k_apt_lists, std::move(found), out);
}

void expose_invalid_port(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const Instruction* e : all_of(d, Keyword::expose)) {
    // Ports built from variables are judged when built: only the words written without one count
    // (`EXPOSE 40000-${MAX}` expands to `40000-` when MAX is set at build time only).
    std::vector<std::string> written;
    if (has_variable(e->command)) {
      std::string line(e->command);
      std::replace_if(line.begin(), line.end(), [](char ch) { return ch == '\n' || ch == '\r'; }, ' ');
      for (const auto w : core::split_words(line)) {
        if (!has_variable(w)) written.emplace_back(unquoted(w));
      }
    }
    const auto judge = [&](sv spec) {
      if (has_variable(spec)) return;
      const PortRange p = port_range(spec);
      const bool proto_ok = p.known_protocol();
      if (!p.low || !p.high || *p.low < 0 || *p.high > 65535 || *p.low > *p.high || !proto_ok)
        found.push_back({e, fmt::format("EXPOSE {} is not a port in 0-65535", spec)});
    };
    if (has_variable(e->command)) {
      for (const auto& spec : written)
        judge(spec);
    } else {
      for (const auto spec : e->args)
        judge(spec);
    }
  }
  report<"every EXPOSE port is in 0-65535">(d, k_port_range, std::move(found), out);
}

/// A VCS requirement (`git+https://host/repo.git@v1.2#egg=x`) is pinned by an `@ref` after the
/// repository path; `user@` in the authority is not a ref.
bool vcs_ref_pinned(std::string_view url) {
  url = url.substr(0, url.find('#'));
  const auto scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return false;
  return rest.substr(slash + 1).find('@') != std::string_view::npos;
}

bool pip_pinned(std::string_view p) {
  if (has_variable(p)) return true;
  if (p.starts_with("git+") || p.starts_with("hg+") || p.starts_with("svn+") || p.starts_with("bzr+")) return vcs_ref_pinned(p);
  static constexpr std::array<std::string_view, 7> ops = {"==", ">=", "<=", "~=", "!=", ">", "<"};
  if (std::any_of(ops.begin(), ops.end(), [&](std::string_view o) { return p.find(o) != std::string_view::npos; })) return true;
  return p.find('@') != std::string_view::npos || p.find('/') != std::string_view::npos || p.starts_with('.') ||
         p.ends_with(".whl") || p.ends_with(".tar.gz") || p.ends_with(".zip");
}

void pip_unpinned(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& r : runs(d)) {
    std::vector<sv> loose;
    for (const auto& c : r.commands) {
      const auto inv = pm(c);
      if (!family_is(inv, Family::pip) || !inv.installs() || inv.dry_run) continue;
      if (has_word(c, "-c") || has_word(c, "--constraint")) continue;
      // `pipx inject VENV pkg...`: the first operand is the environment.
      bool environment = core::same(inv.subcommand, "inject");
      inv.each_operand(c, [&](sv p) {
        if (environment) {
          environment = false;
        } else if (!pip_pinned(p)) {
          loose.push_back(p);
        }
      });
    }
    if (!loose.empty()) found.push_back({r.run, joined("pip install without versions: ", loose)});
  }
  report<"pip install pins every package version">(d, k_pip_pins, std::move(found), out);
}

void apt_install_recommends(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& r : runs(d)) {
    for (const auto& c : r.commands) {
      if (!is_apt_install(pm(c))) continue;
      const bool off = std::any_of(c.words.begin(), c.words.end(), [](std::string_view w) {
        using core::ends_with_lower;
        return core::same_lower(w, "--no-install-recommends") || ends_with_lower(w, "apt::install-recommends=false") ||
               ends_with_lower(w, "apt::install-recommends=0") || ends_with_lower(w, "apt::install-recommends=no");
      });
      if (!off) {
        found.push_back({r.run, "apt-get install without --no-install-recommends"});
        break;
      }
    }
  }
  report<"every apt-get install uses --no-install-recommends">(d, k_apt_recommends, std::move(found), out);
}

bool npm_pinned(std::string_view p) {
  if (has_variable(p)) return true;
  // Git sources are fixed by a `#commit-ish`; other URLs name a tarball.
  if (p.starts_with("git+") || p.starts_with("git://") || p.starts_with("github:") || p.starts_with("gitlab:") ||
      p.starts_with("bitbucket:"))
    return p.find('#') != std::string_view::npos;
  if (p.find("://") != std::string_view::npos) return true;
  // Local tarballs and folders.
  if (p.starts_with('.') || p.starts_with('/') || p.starts_with('~') || p.starts_with("file:") || p.ends_with(".tgz") ||
      p.ends_with(".tar.gz") || p.ends_with(".tar"))
    return true;
  // @scope/name@1.2.3, name@1.2.3.
  const auto at = p.find('@', p.starts_with('@') ? 1 : 0);
  if (at != std::string_view::npos) {
    const std::string_view version = p.substr(at + 1);
    return !version.empty() && version != "latest" && version != "next";
  }
  // `user/repo` (a GitHub shorthand: npm reads a folder only from `./`, `../`, `/` or `~/`) installs
  // the default branch as it is that day unless a `#commit-ish` fixes it.
  return p.find('#') != std::string_view::npos;
}

void npm_unpinned(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& r : runs(d)) {
    std::vector<sv> loose;
    for (const auto& c : r.commands) {
      const auto inv = pm(c);
      if (!family_is(inv, Family::npm) || !inv.installs() || inv.dry_run) continue;
      inv.each_operand(c, [&loose](sv p) {
        if (!npm_pinned(p)) loose.push_back(p);
      });
    }
    if (!loose.empty()) found.push_back({r.run, joined("npm install without versions: ", loose)});
  }
  report<"npm install pins every package version">(d, k_npm_pins, std::move(found), out);
}

void apk_unpinned(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& r : runs(d)) {
    std::vector<sv> loose;
    for (const auto& c : r.commands) {
      const auto inv = pm(c);
      if (!is_apk_add(inv)) continue;
      inv.each_operand(c, [&loose](sv p) {
        const bool named = std::any_of(p.begin(), p.end(), [](char ch) {
          return ch == '=' || ch == '~' || ch == '<' || ch == '>' || ch == '/' || ch == '$';
        });
        if (!named && !p.ends_with(".apk")) loose.push_back(p);
      });
    }
    if (!loose.empty()) found.push_back({r.run, joined("apk add without versions: ", loose)});
  }
  report<"apk add pins every package version">(d, k_apk_pins, std::move(found), out);
}

void apk_cache(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& r : runs(d)) {
    const bool keeps = std::any_of(r.commands.begin(), r.commands.end(),
                                   [](const Command& c) { return is_apk_add(pm(c)) && !has_word(c, "--no-cache"); });
    // The mounts (normalised paths) are read only for a RUN that would be reported.
    if (keeps && !has_cache_mount(*r.run, "/var/cache/apk") && !has_cache_mount(*r.run, "/etc/apk/cache"))
      found.push_back({r.run, "apk add without --no-cache"});
  }
  report<"every apk add uses --no-cache">(d, k_apk_cache, std::move(found), out);
}

void copy_from_unknown(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (std::size_t si = 0; si < d.stages.size(); ++si) {
    const Stage& s = d.stages[si];
    for (const auto& i : s.instructions) {
      if (!i.is("COPY")) continue;
      const auto* from = i.flag("from");
      if (from == nullptr) continue;
      const std::string ref(from->expanded.empty() ? from->value : from->expanded);
      if (ref.empty() || has_variable(ref)) continue;
      if (auto n = number(ref)) {
        if (*n < 0 || static_cast<std::size_t>(*n) >= si)
          found.push_back({&i, fmt::format("COPY --from={} names no earlier stage", ref)});
        continue;
      }
      const std::string name = core::to_lower(ref);
      bool earlier = false;
      bool later = false;
      for (std::size_t j = 0; j < d.stages.size(); ++j) {
        if (d.stages[j].name != name) continue;
        if (j < si) earlier = true;
        if (j >= si) later = true;
      }
      if (earlier) continue;
      if (!s.name.empty() && s.name == name) {
        found.push_back({&i, fmt::format("COPY --from={} refers to its own stage", ref)});
      } else if (later) {
        found.push_back({&i, fmt::format("COPY --from={} refers to a stage defined after it", ref)});
      } else if (ref.find_first_of("/:@") == std::string::npos) {
        found.push_back({&i, fmt::format("COPY --from={} is neither an earlier stage nor an image reference", ref)});
      }
    }
  }
  report<"every COPY --from names an earlier stage or an image">(d, k_copy_from, std::move(found), out);
}

void duplicate_stage_name(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  const auto named = [](const Stage& s) { return !s.name.empty() && !s.instructions.empty(); };
  const auto duplicate = [&](const Stage& s, int first_line) {
    found.push_back({&s.instructions.front(), fmt::format("stage name {} already used at line {}", s.name, first_line)});
  };
  if (d.stages.size() <= 32) {
    // A few stages (every real file): the earlier ones compared in place, nothing allocated.
    for (std::size_t i = 0; i < d.stages.size(); ++i) {
      if (!named(d.stages[i])) continue;
      for (std::size_t j = 0; j < i; ++j) {
        if (named(d.stages[j]) && d.stages[j].name == d.stages[i].name) {
          duplicate(d.stages[i], d.stages[j].instructions.front().location.line);
          break;
        }
      }
    }
  } else {
    std::map<sv, int> seen;
    for (const auto& s : d.stages) {
      if (!named(s)) continue;
      const auto [it, fresh] = seen.emplace(s.name, s.instructions.front().location.line);
      if (!fresh) duplicate(s, it->second);
    }
  }
  report<"stage names are unique">(d, k_duplicate_stage, std::move(found), out);
}

void shell_form_cmd(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& s : d.stages) {
    for (const auto& i : s.instructions) {
      if ((i.is("CMD") || i.is("ENTRYPOINT")) && !i.json_form)
        found.push_back({&i, fmt::format("{} in shell form: {}", i.keyword, snippet(i))});
      if (i.is("HEALTHCHECK") && !i.json_form && !i.args.empty() && core::same_lower(i.args.front(), "cmd"))
        found.push_back({&i, fmt::format("HEALTHCHECK CMD in shell form: {}", snippet(i))});
    }
  }
  report<"CMD, ENTRYPOINT and HEALTHCHECK CMD use the JSON (exec) form">(d, k_shell_form, std::move(found), out);
}

std::string flag_key(const Instruction& i) {
  std::vector<std::string> parts;
  for (const auto& f : i.flags)
    parts.push_back(std::string(f.name) + "=" + std::string(f.value));
  std::sort(parts.begin(), parts.end());
  return core::join(parts, ",");
}

/// A RUN of at most one command (its own script, `sh -c` strings not counted).
bool single_command(const Instruction& run) {
  std::size_t n = 0;
  for (const auto& script : run.scripts) {
    if (!script.nested) n += script.count;
  }
  return n <= 1;
}

void consecutive_run(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const auto& s : d.stages) {
    for (std::size_t k = 1; k < s.instructions.size(); ++k) {
      const Instruction& prev = s.instructions[k - 1];
      const Instruction& cur = s.instructions[k];
      // As hadolint: only RUNs of one command each; a RUN that already chains commands is a
      // deliberate split (cache boundaries).
      if (prev.is("RUN") && cur.is("RUN") && single_command(prev) && single_command(cur) && flag_key(prev) == flag_key(cur))
        found.push_back({&cur, fmt::format("RUN follows the RUN of line {}: consolidate", prev.location.line)});
    }
  }
  report<"no consecutive RUN instructions">(d, k_consecutive_run, std::move(found), out);
}

void maintainer(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const Instruction* m : all_of(d, Keyword::maintainer))
    found.push_back({m, "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=..."});
  report<"no MAINTAINER">(d, k_maintainer, std::move(found), out);
}

template <dockerfile::Literal pass_evidence>
void repeated_in_stage(const Dockerfile& d, const Rule& rule, std::string_view keyword, Results& out) {
  std::vector<Offender> found;
  for (const auto& s : d.stages) {
    int first = 0;
    for (const auto& i : s.instructions) {
      if (!i.is(keyword)) continue;
      if (first == 0) {
        first = i.location.line;
      } else {
        found.push_back({&i, fmt::format("another {} in the stage (line {}): only the last takes effect", keyword, first)});
      }
    }
  }
  report<pass_evidence>(d, rule, std::move(found), out);
}

void multiple_cmd(const Dockerfile& d, Results& out) { repeated_in_stage<"at most one CMD per stage">(d, k_multiple_cmd, "CMD", out); }
void multiple_entrypoint(const Dockerfile& d, Results& out) {
  repeated_in_stage<"at most one ENTRYPOINT per stage">(d, k_multiple_entrypoint, "ENTRYPOINT", out);
}

/// `set -o pipefail`, `set -eo pipefail`, `set -euxo pipefail`.
bool sets_pipefail(const Command& c) {
  if (sv(c.program) != "set") return false;
  for (std::size_t i = 1; i + 1 < c.words.size(); ++i) {
    const sv w = c.words[i];
    if (w.size() > 1 && w[0] == '-' && w[1] != '-' && w.back() == 'o' && core::same(c.words[i + 1], "pipefail")) return true;
  }
  return false;
}

/// The SHELL in effect for each stage's instructions: tracks SHELL through the stage and the
/// stages it is built from.
struct ShellState {
  bool pipefail = false;
  bool posix = true;
};

ShellState shell_state(std::span<const std::string_view> args) {
  ShellState s;
  if (args.empty()) return s;
  const std::string program = core::to_lower(args.front().substr(args.front().find_last_of("/\\") + 1));
  s.posix = !(program.starts_with("pwsh") || program.starts_with("powershell") || program.starts_with("cmd"));
  // Plain sh (dash on Debian and Ubuntu) has no pipefail option: only bash, zsh, ksh, ash do.
  if (program == "sh") return s;
  for (std::size_t i = 1; i + 1 < args.size(); ++i) {
    const sv w = args[i];
    if (w.size() > 1 && w[0] == '-' && w[1] != '-' && w.back() == 'o' && args[i + 1] == "pipefail") s.pipefail = true;
  }
  return s;
}

void pipefail(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  // The SHELL state each stage ends with, for the stages built from it: on the stack for the
  // usual few stages.
  std::array<ShellState, 16> few{};
  std::vector<ShellState> many;
  if (d.stages.size() > few.size()) many.resize(d.stages.size());
  const std::span<ShellState> end_state = many.empty() ? std::span<ShellState>(few) : std::span<ShellState>(many);
  for (std::size_t si = 0; si < d.stages.size(); ++si) {
    const Stage& s = d.stages[si];
    ShellState state;
    if (s.base_stage >= 0 && static_cast<std::size_t>(s.base_stage) < si)
      state = end_state[static_cast<std::size_t>(s.base_stage)];
    for (const auto& i : s.instructions) {
      if (i.is("SHELL")) state = shell_state(i.args);
      if (!i.is("RUN") || i.json_form || !state.posix) continue;
      for (const auto& script : i.scripts) {
        if (script.exec_form) continue;
        bool safe = script.shell_pipefail || (!script.nested && state.pipefail);
        bool piped = false;
        for (const auto& c : dockerfile::commands_in(i, script)) {
          if (sets_pipefail(c)) safe = true;
          if (core::same(c.next_operator, "|") && !safe) piped = true;
        }
        if (piped) {
          found.push_back({&i, "RUN pipes without `set -o pipefail` (a failing first command goes unnoticed)"});
          break;
        }
      }
    }
    end_state[si] = state;
  }
  report<"every piped RUN sets -o pipefail (or SHELL does)">(d, k_pipefail, std::move(found), out);
}

void expose_ssh(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const Instruction* e : all_of(d, Keyword::expose)) {
    for (const auto& spec : e->args) {
      const PortRange p = port_range(spec);
      if (p.low && p.high && *p.low <= 22 && 22 <= *p.high && (p.protocol.empty() || core::same_lower(p.protocol, "tcp")))
        found.push_back({e, fmt::format("EXPOSE {} (SSH)", spec)});
    }
  }
  report<"port 22 is not exposed">(d, k_expose_ssh, std::move(found), out);
}

bool is_fetcher(const Command& c) { return core::same(c.program, "curl") || core::same(c.program, "wget"); }

bool substitutes_fetch(std::string_view script) {
  return script.find("$(curl") != std::string_view::npos || script.find("$(wget") != std::string_view::npos ||
         script.find("`curl") != std::string_view::npos || script.find("`wget") != std::string_view::npos;
}

void curl_pipe_shell(const Dockerfile& d, Results& out) {
  std::vector<Offender> found;
  for (const Instruction* r : all_of(d, Keyword::run)) {
    bool hit = false;
    for (const auto& script : r->scripts) {
      bool fetch_piped = false;  // a command before this one in its pipeline downloads
      for (const auto& c : dockerfile::commands_in(*r, script)) {
        if (!c.after_pipe) fetch_piped = false;
        const bool shell = model::is_shell(c.program);
        const bool interpreter = shell || c.program.starts_with("python") || core::same(c.program, "perl") ||
                                 core::same(c.program, "ruby") || core::same(c.program, "node");
        if (interpreter && fetch_piped) hit = true;
        if (shell) {
          for (std::size_t k = 1; k < c.words.size(); ++k) {
            if (substitutes_fetch(c.words[k])) hit = true;
          }
        }
        fetch_piped = fetch_piped || is_fetcher(c);
      }
      if (hit) break;
    }
    if (hit) found.push_back({r, "downloads a script and runs it unverified: " + snippet(*r)});
  }
  report<"no RUN pipes a download into a shell">(d, k_curl_pipe_shell, std::move(found), out);
}

void workdir_system_dir(const Dockerfile& d, Results& out) {
  // Kernel and boot trees, at any depth; the system's program and configuration folders themselves.
  static constexpr std::array<std::string_view, 6> trees = {"/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found"};
  static constexpr std::array<std::string_view, 13> folders = {
      "/bin",     "/sbin",     "/etc",     "/lib",           "/lib32",          "/lib64",  "/usr",
      "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/local/bin", "/usr/local/sbin", "/var/lib"};
  // Within a tree: the tree itself or below it (core::normalized_path_within, in line; no tree is "/").
  const auto within = [](std::string_view path, std::string_view tree) {
    return path.size() >= tree.size() && core::same(path.substr(0, tree.size()), tree) &&
           (path.size() == tree.size() || path[tree.size()] == '/');
  };
  std::vector<Offender> found;
  for (const Instruction* w : all_of(d, Keyword::workdir)) {
    if (w->args.empty()) continue;
    const sv raw = unquoted(w->args.front());
    if (!raw.starts_with('/')) continue;
    const std::string path = core::normalize_path(raw);
    const bool tree = std::any_of(trees.begin(), trees.end(), [&](std::string_view t) { return within(path, t); });
    const bool folder = std::any_of(folders.begin(), folders.end(), [&](std::string_view f) { return core::same(path, f); });
    if (tree || folder) found.push_back({w, fmt::format("WORKDIR {} is a system directory", path)});
  }
  report<"no WORKDIR in a system directory">(d, k_workdir_system, std::move(found), out);
}

// ---------------------------------------------------------------------------------------
// The table.

const std::vector<Check>& table() {
  static const std::vector<Check> checks = {
      Check{
          .id = k_user_root.id,
          .cis = k_user_root.cis,
          .title = "The final stage runs as a non-root USER",
          .severity = Severity::medium,
          .rationale = "Containers from the image run as root unless every `docker run` remembers `--user`; a "
                       "process that escapes the container as root is root on the host.",
          .remediation = "Create an unprivileged user and switch to it at the end of the final stage: "
                         "`RUN useradd -r -u 10001 app` then `USER 10001`.",
          .aliases = dockerfile::aliases_of(k_user_root),
          .evaluate = DockerfileEval{user_root},
          .alias_notes = "a final stage without USER fails (the base image's user, root unless it sets one, applies), and a builder stage that ends as root passes (it is not shipped); hadolint's DL3002 judges the last USER of every stage and is silent without one.",
      },
      Check{
          .id = k_healthcheck.id,
          .cis = k_healthcheck.cis,
          .title = "The final stage has a HEALTHCHECK",
          .severity = Severity::low,
          .rationale = "A HEALTHCHECK lets the engine and orchestrators see whether the service actually works, not "
                       "only whether its process runs.",
          .remediation = "Add a HEALTHCHECK to the final stage: `HEALTHCHECK CMD curl -f http://localhost/ || exit 1`.",
          .aliases = dockerfile::aliases_of(k_healthcheck),
          .evaluate = DockerfileEval{healthcheck},
      },
      Check{
          .id = k_update_alone.id,
          .cis = k_update_alone.cis,
          .title = "Package index updates share a RUN with the install",
          .severity = Severity::medium,
          .rationale = "A cached layer with only `apt-get update` keeps a stale index: later installs get old, "
                       "possibly vulnerable, package versions.",
          .remediation = "Update and install in the same RUN: `RUN apt-get update && apt-get install -y pkg`.",
          .aliases = dockerfile::aliases_of(k_update_alone),
          .evaluate = DockerfileEval{update_alone},
      },
      Check{
          .id = k_add.id,
          .cis = k_add.cis,
          .title = "COPY is used instead of ADD",
          .severity = Severity::medium,
          .rationale = "ADD fetches URLs without verification and unpacks archives implicitly; COPY does only what "
                       "it says.",
          .remediation = "Use COPY for local files; download with `curl` and verify a checksum, or "
                         "`ADD --checksum=sha256:...` for remote sources. Keep ADD for local archives to unpack.",
          .aliases = dockerfile::aliases_of(k_add),
          .evaluate = DockerfileEval{add_instead_of_copy},
          .alias_notes = "beyond hadolint's DL3020 (local files that are not archives), an ADD of a remote source fails without --checksum and warns with it (CIS 4.9).",
      },
      Check{
          .id = k_secrets.id,
          .cis = k_secrets.cis,
          .title = "No secrets are written in the Dockerfile",
          .severity = Severity::critical,
          .rationale = "ENV and ARG values and RUN command lines are kept in the image's config and history: anyone "
                       "who can pull the image can read them.",
          .remediation = "Pass secrets at build time with `RUN --mount=type=secret,id=name` (`docker build --secret "
                         "id=name,src=file`) and at run time through files or the orchestrator's secrets.",
          .aliases = dockerfile::aliases_of(k_secrets),
          .evaluate = DockerfileEval{secrets},
      },
      Check{
          .id = k_workdir_relative.id,
          .title = "WORKDIR paths are absolute",
          .severity = Severity::low,
          .rationale = "A relative WORKDIR depends on the previous one (or the base image's); an absolute path says "
                       "where files go.",
          .remediation = "Use an absolute path: `WORKDIR /app`.",
          .aliases = dockerfile::aliases_of(k_workdir_relative),
          .evaluate = DockerfileEval{workdir_relative},
          .alias_notes = "`WORKDIR \"C:\\\"` (a backslash escaping the closing quote), which hadolint's DL3000 accepts, is refused as BuildKit refuses it: an unterminated quote.",
      },
      Check{
          .id = k_run_cd.id,
          .title = "RUN does not change directory with cd (WORKDIR does)",
          .severity = Severity::low,
          .rationale = "`cd` in a RUN is easy to misread and lasts only for that RUN; WORKDIR states the directory "
                       "for every following instruction.",
          .remediation = "Use `WORKDIR /path` instead of `RUN cd /path && ...` (or a subshell `(cd dir && make)`).",
          .aliases = dockerfile::aliases_of(k_run_cd),
          .evaluate = DockerfileEval{run_cd},
          .alias_notes = "a `cd` inside a subshell, `(cd dir && make)`, passes: it changes the directory of that subshell only (hadolint's DL3003 reports every `cd`).",
      },
      Check{
          .id = k_sudo.id,
          .title = "RUN does not use sudo",
          .severity = Severity::medium,
          .rationale = "sudo in an image means a setuid helper and a sudoers policy in the container, and "
                       "unpredictable TTY and environment behaviour during the build.",
          .remediation = "Run the step as root with `USER root` before it and switch back to the unprivileged USER "
                         "after; do not install sudo.",
          .aliases = dockerfile::aliases_of(k_sudo),
          .evaluate = DockerfileEval{sudo},
      },
      Check{
          .id = k_untagged.id,
          .title = "Base images are pinned to a tag or digest",
          .severity = Severity::medium,
          .rationale = "An untagged image means `latest`: every build can get a different base, unreviewed.",
          .remediation = "Pin the base image: `FROM debian:12.5` or, better, by digest `FROM debian@sha256:...`.",
          .aliases = dockerfile::aliases_of(k_untagged),
          .evaluate = DockerfileEval{from_untagged},
      },
      Check{
          .id = k_latest.id,
          .title = "Base images do not use the latest tag",
          .severity = Severity::medium,
          .rationale = "`latest` moves: builds are not reproducible and a new base arrives unreviewed.",
          .remediation = "Pin a version tag or a digest: `FROM alpine:3.19` or `FROM alpine@sha256:...`.",
          .aliases = dockerfile::aliases_of(k_latest),
          .evaluate = DockerfileEval{from_latest},
      },
      Check{
          .id = k_apt_pins.id,
          .title = "apt-get install pins package versions",
          .severity = Severity::info,
          .rationale = "Unpinned packages make builds depend on the day they run.",
          .remediation = "Pin versions: `apt-get install -y curl=7.88.1-10+deb12u5`.",
          .aliases = dockerfile::aliases_of(k_apt_pins),
          .evaluate = DockerfileEval{apt_unpinned},
          .alias_notes = "`apt install` is judged as `apt-get install` is (hadolint's DL3008 reads apt-get only, and reports apt itself as DL3027).",
      },
      Check{
          .id = k_apt_lists.id,
          .title = "apt lists are removed after install",
          .severity = Severity::low,
          .rationale = "The package lists add megabytes to the layer and a stale index to the image.",
          .remediation = "End the RUN with `&& rm -rf /var/lib/apt/lists/*` (or use "
                         "`--mount=type=cache,target=/var/lib/apt/lists`).",
          .aliases = dockerfile::aliases_of(k_apt_lists),
          .evaluate = DockerfileEval{apt_lists_kept},
          .alias_notes = "a cache or tmpfs mount on /var/lib/apt alone passes: the lists are below it and never reach the layer (hadolint's DL3009 also wants /var/cache/apt mounted); any removal of the lists counts (`rm -r /var/lib/apt/lists`, `apt-get dist-clean`), not only `rm -rf /var/lib/apt/lists/*`; `add-apt-repository` fetches the lists as `apt-get update` does, unless given `-n`.",
      },
      Check{
          .id = k_port_range.id,
          .title = "EXPOSE names valid ports",
          .severity = Severity::low,
          .rationale = "Ports range from 0 to 65535; anything else is a typo the build or the engine rejects later.",
          .remediation = "Expose a valid port: `EXPOSE 8080/tcp`.",
          .aliases = dockerfile::aliases_of(k_port_range),
          .evaluate = DockerfileEval{expose_invalid_port},
      },
      Check{
          .id = k_pip_pins.id,
          .title = "pip install pins package versions",
          .severity = Severity::info,
          .rationale = "Unpinned Python packages make builds depend on the day they run.",
          .remediation = "Pin versions (`pip install django==5.0.3`) or install from a locked requirements file "
                         "(`pip install -r requirements.txt`).",
          .aliases = dockerfile::aliases_of(k_pip_pins),
          .evaluate = DockerfileEval{pip_unpinned},
      },
      Check{
          .id = k_apt_recommends.id,
          .title = "apt-get install skips recommended packages",
          .severity = Severity::low,
          .rationale = "Recommended packages are installed by default: more software, more attack surface, bigger "
                       "images.",
          .remediation = "Use `apt-get install -y --no-install-recommends pkg`.",
          .aliases = dockerfile::aliases_of(k_apt_recommends),
          .evaluate = DockerfileEval{apt_install_recommends},
          .alias_notes = "`apt install` is judged as `apt-get install` is (hadolint's DL3015 reads apt-get only).",
      },
      Check{
          .id = k_npm_pins.id,
          .title = "npm install pins package versions",
          .severity = Severity::info,
          .rationale = "Unpinned npm packages make builds depend on the day they run.",
          .remediation = "Pin versions (`npm install express@4.18.2`) or use `npm ci` with a lock file.",
          .aliases = dockerfile::aliases_of(k_npm_pins),
          .evaluate = DockerfileEval{npm_unpinned},
          .alias_notes = "npm's other spellings of install (`npm i`, `npm add`, ...) are judged as `npm install` is (hadolint's DL3016 reads `npm install` only), and a dist-tag (`name@latest`, `name@next`) is no version (hadolint's DL3016 takes any `@`).",
      },
      Check{
          .id = k_apk_pins.id,
          .title = "apk add pins package versions",
          .severity = Severity::info,
          .rationale = "Unpinned Alpine packages make builds depend on the day they run.",
          .remediation = "Pin versions: `apk add --no-cache curl=8.5.0-r0`.",
          .aliases = dockerfile::aliases_of(k_apk_pins),
          .evaluate = DockerfileEval{apk_unpinned},
      },
      Check{
          .id = k_apk_cache.id,
          .title = "apk add leaves no cache (--no-cache)",
          .severity = Severity::low,
          .rationale = "The package index and cache stay in the layer: bigger images, a stale index.",
          .remediation = "Use `apk add --no-cache pkg` (or `--mount=type=cache,target=/var/cache/apk`).",
          .aliases = dockerfile::aliases_of(k_apk_cache),
          .evaluate = DockerfileEval{apk_cache},
      },
      Check{
          .id = k_copy_from.id,
          .title = "COPY --from names an earlier stage",
          .severity = Severity::low,
          .rationale = "`COPY --from` should name a stage defined before it; a bare name that is no stage is pulled "
                       "as an image from a registry, which is rarely what was meant.",
          .remediation = "Name an earlier `FROM ... AS name` stage, or a full image reference "
                         "(`COPY --from=docker.io/library/busybox:1.36 ...`).",
          .aliases = dockerfile::aliases_of(k_copy_from),
          .evaluate = DockerfileEval{copy_from_unknown},
          .alias_notes = "an image named by its path without a tag (`--from=ghcr.io/acme/tools`) passes: BuildKit pulls it (hadolint's DL3022 takes only names with a `:` for images).",
      },
      Check{
          .id = k_duplicate_stage.id,
          .title = "Stage names are unique",
          .severity = Severity::low,
          .rationale = "References to a duplicated stage name are ambiguous to readers; BuildKit rejects them.",
          .remediation = "Give every `FROM ... AS name` a unique name.",
          .aliases = dockerfile::aliases_of(k_duplicate_stage),
          .evaluate = DockerfileEval{duplicate_stage_name},
      },
      Check{
          .id = k_shell_form.id,
          .title = "CMD and ENTRYPOINT use the exec (JSON) form",
          .severity = Severity::low,
          .rationale = "The shell form runs the program under `/bin/sh -c`: it does not receive SIGTERM and stops "
                       "only when killed.",
          .remediation = "Use the JSON form: `CMD [\"nginx\", \"-g\", \"daemon off;\"]`.",
          .aliases = dockerfile::aliases_of(k_shell_form),
          .evaluate = DockerfileEval{shell_form_cmd},
      },
      Check{
          .id = k_consecutive_run.id,
          .title = "Consecutive RUN instructions are merged",
          .severity = Severity::info,
          .rationale = "Every RUN is a layer; consecutive ones can usually be one, smaller, layer.",
          .remediation = "Join consecutive RUNs with `&&`, or use a heredoc `RUN <<EOF`.",
          .aliases = dockerfile::aliases_of(k_consecutive_run),
          .evaluate = DockerfileEval{consecutive_run},
      },
      Check{
          .id = k_maintainer.id,
          .title = "No deprecated MAINTAINER (a label instead)",
          .severity = Severity::low,
          .rationale = "MAINTAINER is deprecated; a label carries the same information where tools look for it.",
          .remediation = "Use `LABEL org.opencontainers.image.authors=\"name <mail>\"`.",
          .aliases = dockerfile::aliases_of(k_maintainer),
          .evaluate = DockerfileEval{maintainer},
          .alias_notes = "a MAINTAINER before the first FROM is not judged: BuildKit refuses such a file (no build stage in current context), and so does drydock.",
      },
      Check{
          .id = k_multiple_cmd.id,
          .title = "One CMD per stage",
          .severity = Severity::low,
          .rationale = "Only the last CMD of a stage takes effect; the others mislead.",
          .remediation = "Keep one CMD per stage.",
          .aliases = dockerfile::aliases_of(k_multiple_cmd),
          .evaluate = DockerfileEval{multiple_cmd},
      },
      Check{
          .id = k_multiple_entrypoint.id,
          .title = "One ENTRYPOINT per stage",
          .severity = Severity::low,
          .rationale = "Only the last ENTRYPOINT of a stage takes effect; the others mislead.",
          .remediation = "Keep one ENTRYPOINT per stage.",
          .aliases = dockerfile::aliases_of(k_multiple_entrypoint),
          .evaluate = DockerfileEval{multiple_entrypoint},
      },
      Check{
          .id = k_pipefail.id,
          .title = "RUN pipelines set pipefail",
          .severity = Severity::low,
          .rationale = "A pipeline's status is its last command's: `curl ... | tar x` succeeds even when the "
                       "download fails, and the build goes on with a broken layer.",
          .remediation = "Set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start it with "
                         "`set -o pipefail &&`.",
          .aliases = dockerfile::aliases_of(k_pipefail),
          .evaluate = DockerfileEval{pipefail},
          .alias_notes = "`set -o pipefail` in the RUN before the pipe counts as SHELL's option does (hadolint's DL4006 asks for SHELL), and a stage built FROM an earlier stage keeps that stage's SHELL, as its image does (hadolint's DL4006 forgets SHELL at every FROM).",
      },
      Check{
          .id = k_expose_ssh.id,
          .title = "Port 22 is not exposed",
          .severity = Severity::medium,
          .rationale = "An SSH port suggests an sshd in the container: another service to secure, and a way around "
                       "`docker exec` auditing.",
          .remediation = "Remove `EXPOSE 22` and the sshd; use `docker exec` to get into a container.",
          .aliases = dockerfile::aliases_of(k_expose_ssh),
          .evaluate = DockerfileEval{expose_ssh},
      },
      Check{
          .id = k_curl_pipe_shell.id,
          .title = "Downloaded scripts are not piped into a shell",
          .severity = Severity::high,
          .rationale = "`curl ... | sh` runs whatever the server (or anyone between) sends, unverified, as the build "
                       "user.",
          .remediation = "Download to a file, verify its checksum or signature, then run it: "
                         "`curl -fsSLo install.sh URL && echo \"SHA256  install.sh\" | sha256sum -c && sh install.sh`.",
          .aliases = {},
          .evaluate = DockerfileEval{curl_pipe_shell},
      },
      Check{
          .id = k_workdir_system.id,
          .title = "WORKDIR is not a system directory",
          .severity = Severity::medium,
          .rationale = "Relative COPY and RUN then write into the system's own folders (or the kernel's pseudo "
                       "filesystems), overwriting binaries and configuration.",
          .remediation = "Use a dedicated folder: `WORKDIR /app`.",
          .aliases = dockerfile::aliases_of(k_workdir_system),
          .evaluate = DockerfileEval{workdir_system_dir},
      },
  };
  return checks;
}

}  // namespace

std::span<const Check> dockerfile_checks() { return table(); }

}  // namespace drydock::checks

namespace drydock::checks::dockerfile {

bool index_update(const Command& c) { return is_index_update(c); }
bool installs(const Command& c) { return is_install(c); }

}  // namespace drydock::checks::dockerfile
