#include "drydock/render/findings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "drydock/render/render.hpp"

namespace drydock::render {

using core::Severity;
using core::Status;

namespace {

bool is_finding(const audit::Result& r) {
  return (r.finding.status == Status::fail || r.finding.status == Status::warn) && !r.accepted;
}

}  // namespace

int compare_cis(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const auto ea = std::min(a.find('.', i), a.size());
    const auto eb = std::min(b.find('.', j), b.size());
    const auto pa = a.substr(i, ea - i);
    const auto pb = b.substr(j, eb - j);
    if (pa.size() != pb.size()) return pa.size() < pb.size() ? -1 : 1;  // digits only: longer is larger
    if (const int c = pa.compare(pb); c != 0) return c < 0 ? -1 : 1;
    i = ea + 1;
    j = eb + 1;
  }
  if (i >= a.size() && j >= b.size()) return 0;
  return i >= a.size() ? -1 : 1;
}

std::vector<CheckFindings> findings_by_check(const audit::Report& report) {
  std::vector<CheckFindings> out;
  std::map<const checks::Check*, std::size_t> index;
  for (const auto& r : report.results) {
    if (!is_finding(r)) continue;
    auto [it, added] = index.try_emplace(r.check, out.size());
    if (added) out.push_back(CheckFindings{r.check, r.severity(), {}});
    auto& group = out[it->second];
    group.worst = std::max(group.worst, r.severity());
    group.results.push_back(&r);
  }
  for (auto& g : out) {
    std::stable_sort(g.results.begin(), g.results.end(), [](const audit::Result* a, const audit::Result* b) {
      if (a->severity() != b->severity()) return a->severity() > b->severity();
      return a->finding.status == Status::fail && b->finding.status != Status::fail;
    });
  }
  // Results arrive in catalogue order, so the groups do too: stable keeps it as the last key.
  std::stable_sort(out.begin(), out.end(), [](const CheckFindings& a, const CheckFindings& b) {
    if (a.worst != b.worst) return a.worst > b.worst;
    return compare_cis(a.check->cis, b.check->cis) < 0;
  });
  return out;
}

std::vector<SubjectError> errors_by_subject(const audit::Report& report) {
  std::vector<SubjectError> out;
  std::map<std::tuple<std::string_view, std::string_view, std::string_view, std::string_view>, std::size_t> index;
  for (const auto& r : report.results) {
    if (r.finding.status != Status::error) continue;
    const auto key = std::make_tuple(std::string_view(r.subject->kind), std::string_view(r.subject->id),
                                     std::string_view(r.subject->name), std::string_view(r.finding.evidence));
    auto [it, added] = index.try_emplace(key, out.size());
    if (added) out.push_back(SubjectError{&*r.subject, r.finding.evidence, 0});
    ++out[it->second].checks;
  }
  return out;
}

std::vector<SectionTally> section_tallies(const audit::Report& report) {
  // Results come grouped by check: one pass decides each check's state.
  std::vector<SectionTally> out;
  std::map<std::string, std::map<std::string, int>> skip_reasons;
  auto flush = [&](const checks::Check* check, const std::vector<const audit::Result*>& results) {
    if (check == nullptr) return;
    const auto section = section_of(*check);
    auto it = std::find_if(out.begin(), out.end(), [&](const SectionTally& t) { return t.section == section; });
    if (it == out.end()) {
      out.push_back(SectionTally{section});
      it = std::prev(out.end());
    }
    bool failing = false, error = false, manual = false, pass = false;
    for (const auto* r : results) {
      const auto s = r->finding.status;
      failing = failing || is_finding(*r);
      error = error || s == Status::error;
      manual = manual || s == Status::info;
      pass = pass || s == Status::pass || ((s == Status::fail || s == Status::warn) && r->accepted);
    }
    if (failing) {
      ++it->failing;
    } else if (error) {
      ++it->error;
    } else if (manual) {
      ++it->manual;
    } else if (pass) {
      ++it->pass;
    } else {
      ++it->skip;
      if (!results.empty()) ++skip_reasons[section][results.front()->finding.evidence.str()];
    }
  };
  const checks::Check* current = nullptr;
  std::vector<const audit::Result*> results;
  for (const auto& r : report.results) {
    if (r.check != current) {
      flush(current, results);
      current = r.check;
      results.clear();
    }
    results.push_back(&r);
  }
  flush(current, results);
  for (auto& t : out) {
    int best = 0;
    for (const auto& [reason, n] : skip_reasons[t.section]) {
      if (n > best) {
        best = n;
        t.commonest_skip = reason;
      }
    }
    t.commonest_skip_count = best;
  }
  return out;
}

std::string_view evidence_text(const audit::Result& r) {
  std::string_view e = r.finding.evidence;
  if (!r.finding.location || r.finding.location->line <= 0) return e;
  const auto prefix = fmt::format("line {}: ", r.finding.location->line);
  if (e.starts_with(prefix)) e.remove_prefix(prefix.size());
  return e;
}

std::string location_text(const model::Location& l) {
  if (l.line <= 0) return l.file;
  if (l.column <= 0) return fmt::format("{}:{}", l.file, l.line);
  return fmt::format("{}:{}:{}", l.file, l.line, l.column);
}

}  // namespace drydock::render
