#include "drydock/parse/secdb.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "drydock/core/strings.hpp"

namespace drydock::parse {
namespace {

std::string at(std::string_view where, const YAML::Node& node) {
  const auto mark = node.Mark();
  if (mark.is_null()) return std::string(where);
  return fmt::format("{}:{}", where, mark.line + 1);
}

bool is_cve(std::string_view token) { return token.starts_with("CVE-"); }

bool all_digits_and_dash(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if ((c < '0' || c > '9') && c != '-') return false;
  }
  return true;
}

/// The scalar text of a node that must be a scalar; nullopt (and an error) otherwise.
std::optional<std::string> scalar(const YAML::Node& node, std::string_view where, std::string_view what, std::string& error) {
  if (!node.IsScalar()) {
    if (error.empty()) error = fmt::format("{}: {} must be a string", at(where, node), what);
    return std::nullopt;
  }
  return node.Scalar();
}

}  // namespace

std::vector<std::string> secdb_identifiers(std::string_view entry) {
  const auto words = core::split_words(entry);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string word(words[i]);
    if (word.find('?') != std::string::npos) continue;
    if (word == "CVE" && i + 1 < words.size() && all_digits_and_dash(words[i + 1])) {
      word = "CVE-" + std::string(words[++i]);
    } else if (word.starts_with("CVE_")) {
      word[3] = '-';
    }
    ids.push_back(std::move(word));
  }
  // The CVE id is the name users search for: it leads when there is one.
  for (std::size_t i = 1; i < ids.size(); ++i) {
    if (is_cve(ids[i]) && !is_cve(ids[0])) {
      std::swap(ids[0], ids[i]);
      break;
    }
  }
  return ids;
}

core::Expected<Secdb> secdb(std::string_view text, std::string_view where) {
  const std::string file(where);
  if (text.size() > k_max_secdb_bytes) {
    return core::fail(core::ErrorKind::parse, fmt::format("larger than {} MiB: not a secdb file", k_max_secdb_bytes >> 20), file);
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return core::fail(core::ErrorKind::parse, "not valid YAML: " + e.msg,
                      e.mark.is_null() ? file : fmt::format("{}:{}", file, e.mark.line + 1));
  }
  if (!doc.IsMap()) return core::fail(core::ErrorKind::parse, "a secdb file is a mapping with distroversion and packages", file);
  std::string error;
  Secdb out;
  const auto distro = doc["distroversion"];
  if (!distro) return core::fail(core::ErrorKind::parse, "missing distroversion (e.g. v3.11)", file);
  if (auto v = scalar(distro, where, "distroversion", error)) out.distroversion = std::string(core::trim(*v));
  if (const auto repo = doc["reponame"]) {
    if (auto v = scalar(repo, where, "reponame", error)) out.reponame = *v;
  }
  if (!error.empty()) return core::fail(core::ErrorKind::parse, error);
  if (out.distroversion.empty()) return core::fail(core::ErrorKind::parse, "empty distroversion", at(where, distro));
  if (!out.distroversion.starts_with('v')) out.distroversion.insert(0, "v");
  const std::string ecosystem = "Alpine:" + out.distroversion;

  const auto packages = doc["packages"];
  if (!packages || packages.IsNull()) return out;
  if (!packages.IsSequence()) return core::fail(core::ErrorKind::parse, "packages must be a list", at(where, packages));
  for (const auto& item : packages) {
    const auto pkg = item.IsMap() ? item["pkg"] : YAML::Node();
    if (!pkg || !pkg.IsMap()) {
      return core::fail(core::ErrorKind::parse, "each entry of packages must be a mapping with pkg", at(where, item));
    }
    const auto name_node = pkg["name"];
    if (!name_node) return core::fail(core::ErrorKind::parse, "pkg without a name", at(where, pkg));
    auto name = scalar(name_node, where, "pkg.name", error);
    if (!name) return core::fail(core::ErrorKind::parse, error);
    const auto secfixes = pkg["secfixes"];
    if (!secfixes || secfixes.IsNull()) continue;
    if (!secfixes.IsMap()) {
      return core::fail(core::ErrorKind::parse, "secfixes must map fixed versions to lists of ids", at(where, secfixes));
    }
    // One advisory per identifier of this package, its ranges in the order of the file.
    std::map<std::string, std::size_t> index;
    std::vector<model::Advisory> advisories;
    for (const auto& fix : secfixes) {
      auto version = scalar(fix.first, where, "a secfixes key", error);
      if (!version) return core::fail(core::ErrorKind::parse, error);
      const std::string fixed(core::trim(*version));
      if (fix.second.IsNull()) continue;
      if (!fix.second.IsSequence()) {
        return core::fail(core::ErrorKind::parse, fmt::format("secfixes of {} {}: expected a list of ids", *name, fixed),
                          at(where, fix.second));
      }
      for (const auto& entry : fix.second) {
        auto text_entry = scalar(entry, where, "a secfixes entry", error);
        if (!text_entry) return core::fail(core::ErrorKind::parse, error);
        auto ids = secdb_identifiers(*text_entry);
        if (ids.empty()) continue;
        auto [it, inserted] = index.emplace(ids[0], advisories.size());
        if (inserted) {
          model::Advisory a;
          a.id = ids[0];
          a.affected.push_back(model::Affected{.ecosystem = ecosystem, .package = *name});
          advisories.push_back(std::move(a));
        }
        auto& advisory = advisories[it->second];
        for (std::size_t i = 1; i < ids.size(); ++i) {
          if (std::find(advisory.aliases.begin(), advisory.aliases.end(), ids[i]) == advisory.aliases.end()) {
            advisory.aliases.push_back(ids[i]);
          }
        }
        // "0" says the package was never affected: the advisory stays, with nothing in range.
        if (fixed == "0") continue;
        advisory.affected[0].ranges.push_back(model::AffectedRange{
            "ECOSYSTEM", {{model::RangeEvent::Kind::introduced, "0"}, {model::RangeEvent::Kind::fixed, fixed}}});
      }
    }
    std::move(advisories.begin(), advisories.end(), std::back_inserter(out.advisories));
  }
  return out;
}

}  // namespace drydock::parse
