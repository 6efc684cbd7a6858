#include "drydock/vuln/match.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "drydock/core/strings.hpp"

namespace drydock::vuln {
namespace {

/// "3.11.6" -> "3.11"; "12" -> "12"; "" when there is no major number.
std::string major_minor(std::string_view version, int parts) {
  const auto fields = core::split(version, '.');
  if (fields.empty() || fields[0].empty()) return {};
  std::string out = fields[0];
  for (int i = 1; i < parts && i < static_cast<int>(fields.size()); ++i) {
    // Alpine edge says "3.21.0_alpha20240807": the release is still 3.21.
    std::string digits;
    for (char c : fields[static_cast<std::size_t>(i)]) {
      if (c < '0' || c > '9') break;
      digits += c;
    }
    if (digits.empty()) break;
    out += "." + digits;
  }
  return out;
}

bool matches_ecosystem(const std::string& pattern, const std::string& ecosystem) {
  if (pattern.ends_with(':')) return ecosystem.starts_with(pattern) || ecosystem == pattern.substr(0, pattern.size() - 1);
  return ecosystem == pattern;
}

}  // namespace

std::optional<OsTarget> os_target(const model::OsRelease& os, std::string& why) {
  const auto id = core::to_lower(os.id);
  const std::string name = os.id.empty() ? std::string("(no ID in os-release)") : os.id;
  if (os.version_id.empty()) {
    why = fmt::format("{} has no VERSION_ID in os-release (a rolling or testing release): no advisory ecosystem applies", name);
    return std::nullopt;
  }
  OsTarget t;
  if (id == "alpine") {
    const auto v = major_minor(os.version_id, 2);
    t = OsTarget{Scheme::apk, "Alpine", {"Alpine:v" + v}, false};
  } else if (id == "debian") {
    t = OsTarget{Scheme::dpkg, "Debian", {"Debian:" + major_minor(os.version_id, 1)}, false};
  } else if (id == "ubuntu") {
    const auto v = major_minor(os.version_id, 2);
    t = OsTarget{Scheme::dpkg, "Ubuntu", {"Ubuntu:" + v, "Ubuntu:" + v + ":"}, false};
  } else if (id == "rhel") {
    t = OsTarget{Scheme::rpm, "Red Hat", {"Red Hat:enterprise_linux:" + major_minor(os.version_id, 1) + ":"}, true};
  } else if (id == "almalinux") {
    t = OsTarget{Scheme::rpm, "AlmaLinux", {"AlmaLinux:" + major_minor(os.version_id, 1)}, true};
  } else if (id == "rocky") {
    t = OsTarget{Scheme::rpm, "Rocky Linux", {"Rocky Linux:" + major_minor(os.version_id, 1)}, true};
  } else {
    why = fmt::format(
        "{} {} is not a distribution drydock has advisories for (Alpine, Debian, Ubuntu, Red Hat, "
        "AlmaLinux, Rocky Linux)",
        name, os.version_id);
    return std::nullopt;
  }
  return t;
}

bool in_range(Scheme scheme, std::string_view version, const model::AffectedRange& range, std::string* fixed) {
  using Kind = model::RangeEvent::Kind;
  std::vector<const model::RangeEvent*> events;
  events.reserve(range.events.size());
  for (const auto& e : range.events) {
    if (e.kind == Kind::limit) {
      if (e.version != "*" && compare(scheme, version, e.version) >= 0) return false;
      continue;
    }
    events.push_back(&e);
  }
  const auto is_zero = [](const model::RangeEvent* e) { return e->kind == Kind::introduced && e->version == "0"; };
  std::stable_sort(events.begin(), events.end(), [&](const model::RangeEvent* a, const model::RangeEvent* b) {
    if (is_zero(a) || is_zero(b)) return is_zero(a) && !is_zero(b);
    return compare(scheme, a->version, b->version) < 0;
  });
  bool vulnerable = false;
  std::size_t opened_at = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = *events[i];
    if (e.kind == Kind::introduced) {
      if (is_zero(&e) || compare(scheme, version, e.version) >= 0) {
        vulnerable = true;
        opened_at = i;
      }
    } else if (e.kind == Kind::fixed) {
      if (compare(scheme, version, e.version) >= 0) vulnerable = false;
    } else if (e.kind == Kind::last_affected) {
      if (compare(scheme, version, e.version) > 0) vulnerable = false;
    }
  }
  if (vulnerable && fixed != nullptr) {
    fixed->clear();
    for (std::size_t i = opened_at + 1; i < events.size(); ++i) {
      if (events[i]->kind == Kind::fixed) {
        *fixed = events[i]->version;
        break;
      }
    }
  }
  return vulnerable;
}

core::Expected<MatchOutcome> match(const model::PackageSet& set, const Database& db, std::string_view image) {
  MatchOutcome out;
  out.os = core::trim(fmt::format("{} {}", set.os.id, set.os.version_id));
  auto target = os_target(set.os, out.reason);
  if (!target) return out;
  DRYDOCK_TRY(known, db.ecosystems());
  DRYDOCK_TRY(updated, db.updated_at());
  out.database_updated_at = updated;
  for (const auto& [name, count] : known) {
    for (const auto& pattern : target->ecosystems) {
      if (count > 0 && matches_ecosystem(pattern, name)) {
        out.ecosystems.push_back(name);
        break;
      }
    }
  }
  if (out.ecosystems.empty()) {
    std::vector<std::string> same_family;
    for (const auto& [name, count] : known) {
      if (name.starts_with(target->family + ":")) same_family.push_back(name);
    }
    out.reason = fmt::format("{} is not covered by the vulnerability database {} (no advisories for {}{})", out.os, db.path(),
                             core::join(target->ecosystems, " or "),
                             same_family.empty() ? std::string() : "; it has " + core::join(same_family, ", "));
    return out;
  }
  out.covered = true;

  // A source package is looked up once however many binaries it built.
  std::map<std::pair<std::string, std::string>, std::vector<StoredAffected>> cache;
  std::set<std::pair<std::string, std::string>> seen;  // (package, id)
  for (const auto& pkg : set.packages) {
    ++out.packages;
    const std::string& source = pkg.source_name.empty() ? pkg.name : pkg.source_name;
    // dpkg advisories give source versions; a binNMU's "+bN" is not a source version.
    const std::string& version = target->scheme == Scheme::dpkg && !pkg.source_version.empty() ? pkg.source_version : pkg.version;
    // rpm advisories name binary packages: the package's own name first, then its source's.
    std::vector<std::string> names{source};
    if (target->by_binary_name && pkg.name != source) names.insert(names.begin(), pkg.name);
    for (const auto& ecosystem : out.ecosystems) {
      for (const auto& name : names) {
        auto key = std::make_pair(ecosystem, name);
        auto it = cache.find(key);
        if (it == cache.end()) {
          DRYDOCK_TRY(rows, db.affected(ecosystem, name));
          it = cache.emplace(std::move(key), std::move(rows)).first;
        }
        for (const auto& row : it->second) {
          bool hit = false;
          std::string fixed;
          bool have_fixed = false;
          for (const auto& range : row.ranges) {
            std::string f;
            if (in_range(target->scheme, version, range, &f)) {
              hit = true;
              // Several ranges (a secdb CVE fixed in two updates): the nearest fix above.
              if (!f.empty() && (!have_fixed || compare(target->scheme, f, fixed) < 0)) {
                fixed = f;
                have_fixed = true;
              }
            }
          }
          if (!hit) {
            hit = std::any_of(row.versions.begin(), row.versions.end(),
                              [&](const std::string& v) { return compare(target->scheme, version, v) == 0; });
          }
          if (!hit || !seen.emplace(pkg.name, row.id).second) continue;
          out.vulnerabilities.push_back(model::Vulnerability{.image = std::string(image),
                                                             .package = pkg.name,
                                                             .source_package = name,
                                                             .installed = pkg.version,
                                                             .fixed = fixed,
                                                             .id = row.id,
                                                             .aliases = row.aliases,
                                                             .severity = row.severity,
                                                             .cvss_score = row.score,
                                                             .ecosystem = ecosystem});
        }
      }
    }
  }
  std::sort(out.vulnerabilities.begin(), out.vulnerabilities.end(),
            [](const model::Vulnerability& a, const model::Vulnerability& b) {
              return std::tie(a.package, a.id) < std::tie(b.package, b.id);
            });
  return out;
}

void drop_unfixed(std::vector<model::Vulnerability>& vulnerabilities) {
  std::erase_if(vulnerabilities, [](const model::Vulnerability& v) { return v.fixed.empty(); });
}

Cis44Evidence cis_4_4_evidence(const MatchOutcome& outcome, bool ignore_unfixed) {
  Cis44Evidence out;
  if (!outcome.covered) {
    out.status = core::Status::skip;
    out.evidence = outcome.reason;
    return out;
  }
  std::vector<const model::Vulnerability*> fixable;
  std::vector<const model::Vulnerability*> unfixed;
  for (const auto& v : outcome.vulnerabilities)
    (v.fixed.empty() ? unfixed : fixable).push_back(&v);
  const auto& counted = fixable.empty() ? unfixed : fixable;
  std::string as_of;
  if (outcome.database_updated_at > 0) {
    as_of = fmt::format(" (advisories imported {})", core::utc_date(outcome.database_updated_at));
  }
  const std::string scope = fmt::format("{} packages of {} checked against {}{}", outcome.packages, outcome.os,
                                        core::join(outcome.ecosystems, ", "), as_of);
  if (fixable.empty() && (unfixed.empty() || ignore_unfixed)) {
    out.status = core::Status::pass;
    out.evidence = unfixed.empty()
                       ? fmt::format("no known vulnerabilities: {}", scope)
                       : fmt::format("no fixable vulnerabilities ({} without a fix, ignored): {}", unfixed.size(), scope);
    return out;
  }
  std::array<std::size_t, 5> by_level{};
  std::size_t unknown = 0;
  std::set<std::string> packages;
  for (const auto* v : counted) {
    packages.insert(v->package);
    if (v->severity) {
      ++by_level[static_cast<std::size_t>(*v->severity)];
      if (!out.severity || *v->severity > *out.severity) out.severity = v->severity;
    } else {
      ++unknown;
    }
  }
  if (!out.severity) out.severity = core::Severity::high;
  std::vector<std::string> levels;
  for (int level = static_cast<int>(core::Severity::critical); level >= 0; --level) {
    if (by_level[static_cast<std::size_t>(level)] > 0) {
      levels.push_back(
          fmt::format("{} {}", core::to_string(static_cast<core::Severity>(level)), by_level[static_cast<std::size_t>(level)]));
    }
  }
  if (unknown > 0) levels.push_back(fmt::format("unknown {}", unknown));
  // A few examples, one per package, so that a person sees what a rebuild would change.
  std::vector<std::string> examples;
  std::set<std::string> shown;
  for (const auto* v : counted) {
    if (examples.size() == 5) break;
    if (!shown.insert(v->package).second) continue;
    examples.push_back(v->fixed.empty() ? fmt::format("{} {} ({})", v->package, v->installed, v->id)
                                        : fmt::format("{} {} -> {} ({})", v->package, v->installed, v->fixed, v->id));
  }
  if (!fixable.empty()) {
    out.status = core::Status::fail;
    out.evidence = fmt::format(
        "{} vulnerabilities with a fixed version in {} packages ({}){}; rebuild the image on updated packages: {}; {}",
        fixable.size(), packages.size(), core::join(levels, ", "),
        unfixed.empty() || ignore_unfixed ? std::string() : fmt::format(", and {} without a fix", unfixed.size()),
        core::join(examples, ", "), scope);
  } else {
    out.status = core::Status::warn;
    out.evidence = fmt::format("{} vulnerabilities without a fixed version yet in {} packages ({}): {}; {}", unfixed.size(),
                               packages.size(), core::join(levels, ", "), core::join(examples, ", "), scope);
  }
  return out;
}

}  // namespace drydock::vuln
