#include "drydock/audit/report.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace drydock::audit {

Summary Report::summary() const {
  Summary counts{};
  for (const auto& r : results)
    ++counts.at(static_cast<std::size_t>(r.finding.status));
  return counts;
}

bool Report::has_findings_at_or_above(core::Severity threshold) const {
  for (const auto& r : results) {
    const auto s = r.finding.status;
    if ((s == core::Status::fail || s == core::Status::warn) && !r.accepted && r.severity() >= threshold) return true;
  }
  return false;
}

std::string_view host_name(const Report& report, const Result& result) {
  return result.host < report.hosts.size() ? std::string_view(report.hosts[result.host].name) : std::string_view();
}

Host host_of(const model::EngineInfo& engine) {
  std::string os = engine.os;  // "linux"
  if (!engine.kernel_version.empty()) os += (os.empty() ? "kernel " : " ") + engine.kernel_version;
  return Host{engine.name, engine.id, engine.server_version, os};
}

Report of_host(const Report& report, std::size_t index) {
  Report out;
  out.command = report.command;
  out.target = report.target;
  if (index < report.hosts.size()) out.hosts.push_back(report.hosts[index]);
  for (const auto& r : report.results) {
    if (r.host != index) continue;
    out.results.push_back(r);
    out.results.back().host = 0;
  }
  for (const auto& f : report.facts)
    out.facts.push_back(f);  // subjects of other hosts are never looked up
  return out;
}

std::size_t Report::accepted() const {
  std::size_t n = 0;
  for (const auto& r : results)
    n += r.accepted ? 1 : 0;
  return n;
}

const Subject& SharedSubject::empty() {
  static const Subject none;
  return none;
}

std::string_view subject_label(const Subject& s) {
  if (!s.name.empty()) return s.name;
  return s.id.empty() ? std::string_view(s.kind) : std::string_view(s.id);
}

std::string fingerprint(std::string_view check_id, std::string_view subject_kind, std::string_view label, std::string_view file) {
  // FNV-1a, 64 bits: stable across platforms and releases, unlike std::hash.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const auto mix = [&](std::string_view part) {
    for (char c : part) {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001b3ULL;
    }
    h ^= 0xFF;  // a separator no UTF-8 text contains
    h *= 0x100000001b3ULL;
  };
  mix(check_id);
  mix(subject_kind);
  mix(label);
  mix(file);
  return fmt::format("{:016x}", h);
}

std::string fingerprint(const Result& r) {
  return fingerprint(r.check->id, r.subject->kind, subject_label(*r.subject),
                     r.finding.location ? std::string_view(r.finding.location->file) : std::string_view{});
}

}  // namespace drydock::audit
