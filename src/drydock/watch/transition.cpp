#include "drydock/watch/transition.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drydock/core/severity.hpp"

namespace drydock::watch {
namespace {

using json = nlohmann::ordered_json;

bool is_open_finding(const audit::Result& r) {
  return (r.finding.status == core::Status::fail || r.finding.status == core::Status::warn) && !r.accepted;
}

json subject_json(const audit::Subject& s) { return json{{"kind", s.kind}, {"id", s.id}, {"name", s.name}}; }

json location_json(const Finding& f) {
  if (f.file.empty()) return nullptr;
  json l{{"file", f.file}};
  if (f.line > 0) l["line"] = f.line;
  if (f.column > 0) l["column"] = f.column;
  return l;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

Finding finding_of(const audit::Result& r) {
  Finding f;
  f.fingerprint = audit::fingerprint(r);
  f.check_id = r.check->id;
  f.cis = r.check->cis;
  f.title = r.check->title;
  f.severity = std::string(core::to_string(r.severity()));
  f.status = std::string(core::to_string(r.finding.status));
  f.subject = *r.subject;
  f.evidence = r.finding.evidence;
  if (r.finding.location) {
    f.file = r.finding.location->file;
    f.line = r.finding.location->line;
    f.column = r.finding.location->column;
  }
  return f;
}

Finding finding_of(const model::BaselineFinding& b) {
  Finding f;
  f.fingerprint = audit::fingerprint(b.check_id, b.subject_kind, b.subject_label, b.file);
  f.check_id = b.check_id;
  f.cis = b.cis;
  f.title = b.title;
  f.severity = b.severity;
  f.status = b.status;
  f.subject = audit::Subject{b.subject_kind, b.subject_id, b.subject_name};
  f.evidence = b.evidence;
  f.file = b.file;
  f.line = b.line;
  f.column = b.column;
  return f;
}

FindingMap findings_of(const audit::Report& report) {
  FindingMap out;
  for (const auto& r : report.results) {
    if (!is_open_finding(r)) continue;
    auto f = finding_of(r);
    out.insert_or_assign(f.fingerprint, std::move(f));
  }
  return out;
}

FindingMap findings_of(const std::vector<model::BaselineFinding>& report) {
  FindingMap out;
  for (const auto& b : report) {
    auto f = finding_of(b);
    out.insert_or_assign(f.fingerprint, std::move(f));
  }
  return out;
}

std::string_view name_of(Change c) {
  switch (c) {
    case Change::open:
      return "open";
    case Change::resolved:
      return "resolved";
    case Change::changed:
      return "changed";
  }
  return "open";
}

std::vector<Transition> diff(const FindingMap& before, const FindingMap& after,
                             const std::function<bool(const Finding&)>& in_scope, std::string_view time) {
  std::vector<Transition> resolved;
  std::vector<Transition> changed;
  std::vector<Transition> opened;
  for (const auto& [fp, old] : before) {
    if (after.contains(fp) || (in_scope && !in_scope(old))) continue;
    resolved.push_back(Transition{std::string(time), Change::resolved, old, {}});
  }
  for (const auto& [fp, now] : after) {
    const auto it = before.find(fp);
    if (it == before.end()) {
      opened.push_back(Transition{std::string(time), Change::open, now, {}});
    } else if (now.differs_from(it->second)) {
      changed.push_back(Transition{std::string(time), Change::changed, now, it->second});
    }
  }
  std::vector<Transition> out = std::move(resolved);
  out.insert(out.end(), changed.begin(), changed.end());
  out.insert(out.end(), opened.begin(), opened.end());
  return out;
}

std::string ndjson(const Transition& t) {
  const Finding& f = t.finding;
  json j{{"time", t.time},
         {"transition", name_of(t.change)},
         {"id", f.check_id},
         {"cis", f.cis.empty() ? json(nullptr) : json(f.cis)},
         {"severity", f.severity},
         {"status", f.status},
         {"subject", subject_json(f.subject)},
         {"evidence", f.evidence},
         {"location", location_json(f)}};
  if (t.change == Change::changed) {
    j["previous"] = json{{"severity", t.previous.severity}, {"status", t.previous.status}, {"evidence", t.previous.evidence}};
  }
  std::string line = dump(j);
  if (line.size() <= k_max_line) return line;
  // Too long for a log line: cut the evidence (and the previous evidence) to fit, saying so.
  const std::size_t over = line.size() - k_max_line + 64;
  const auto cut = [](std::string text, std::size_t drop) {
    if (text.size() <= 256) return text;  // the long one is the other; the fallback below covers the rest
    if (drop >= text.size()) return std::string("[evidence cut: too long for one line]");
    text.resize(text.size() - drop);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0U) == 0x80U)
      text.pop_back();  // not inside a UTF-8 sequence
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0U) text.pop_back();
    return text + " [cut]";
  };
  j["evidence"] = cut(f.evidence, over);
  if (t.change == Change::changed) j["previous"]["evidence"] = cut(t.previous.evidence, over);
  line = dump(j);
  if (line.size() > k_max_line) {  // escaping grew it (control characters): drop the evidence
    j["evidence"] = "[evidence cut: too long for one line]";
    if (j.contains("previous")) j["previous"]["evidence"] = "[evidence cut: too long for one line]";
    line = dump(j);
  }
  return line;
}

std::string text_line(const Transition& t, bool color) {
  const Finding& f = t.finding;
  std::string subject = f.subject.kind;
  if (!f.subject.name.empty()) subject += " " + f.subject.name;
  if (!f.subject.id.empty() && f.subject.id != f.subject.name) subject += fmt::format(" ({})", f.subject.id);
  std::string where;
  if (!f.file.empty()) where = f.line > 0 ? fmt::format(" at {}:{}", f.file, f.line) : " at " + f.file;
  std::string rest = fmt::format("{:<8} {}{} {}{}: {}", f.severity, f.check_id, f.cis.empty() ? "" : " (" + f.cis + ")", subject,
                                 where, f.evidence);
  if (t.change == Change::changed)
    rest += fmt::format(" [was {} {}: {}]", t.previous.severity, t.previous.status, t.previous.evidence);
  for (char& c : rest) {
    // One line each, and no terminal control sequences from untrusted evidence.
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') c = ' ';
  }
  const char* on = "";
  if (color) on = t.change == Change::open ? "\033[31m" : t.change == Change::resolved ? "\033[32m" : "\033[33m";
  return fmt::format("{} {}{:<8}{} {}", t.time, on, name_of(t.change), color ? "\033[0m" : "", rest);
}

std::string utc_time(long long unix_ms) {
  const auto secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, static_cast<int>(unix_ms % 1000));
}

std::string now_utc() {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return utc_time(static_cast<long long>(ms));
}

core::Expected<std::string> parse_time(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  const std::string in(text);
  const auto bad = [&] {
    return core::fail(core::ErrorKind::usage,
                      "not a time: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC), e.g. 2026-12-03T02:30:00Z", in);
  };
  if (in.size() > 40) return bad();
  int n = 0;
  if (std::sscanf(in.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return bad();
  std::string_view tail = std::string_view(in).substr(10);
  if (!tail.empty()) {
    if (tail[0] != 'T' && tail[0] != ' ') return bad();
    const std::string t(tail.substr(1));
    int m = 0;
    if (std::sscanf(t.c_str(), "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5) return bad();
    std::string_view r = std::string_view(t).substr(5);
    if (r.starts_with(':')) {
      const std::string sr(r.substr(1));
      int k = 0;
      if (std::sscanf(sr.c_str(), "%2d%n", &s, &k) != 1 || k != 2) return bad();
      r = r.substr(3);
      if (r.starts_with('.')) {
        const std::string fr(r.substr(1));
        int q = 0;
        if (std::sscanf(fr.c_str(), "%3d%n", &ms, &q) != 1 || q < 1) return bad();
        for (int i = q; i < 3; ++i)
          ms *= 10;
        r = r.substr(1 + static_cast<std::size_t>(q));
      }
    }
    if (r != "Z" && !r.empty()) return bad();
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y < 1970) return bad();
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, mo, d, h, mi, s, ms);
}

}  // namespace drydock::watch
