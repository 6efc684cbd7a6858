#include "drydock/parse/policy.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <set>
#include <string>

namespace drydock::parse {
namespace {

using core::ErrorKind;

struct Reader {
  std::string path;

  [[nodiscard]] model::Location at(const YAML::Node& n) const {
    const auto m = n.Mark();
    return model::Location{path, m.line + 1, m.column + 1};
  }
  [[nodiscard]] std::string where(const YAML::Node& n) const {
    const auto l = at(n);
    return path + ":" + std::to_string(l.line);
  }
  [[nodiscard]] tl::unexpected<core::Error> error(const YAML::Node& n, std::string message) const {
    return core::fail(ErrorKind::usage, std::move(message), where(n));
  }

  /// A scalar as text; an error for a list or a map.
  [[nodiscard]] core::Expected<std::string> scalar(const YAML::Node& n, std::string_view key) const {
    if (!n.IsScalar()) return error(n, "`" + std::string(key) + "` must be a single value");
    return n.Scalar();
  }

  /// Every key of `entry` is one of `allowed`.
  /// Each of these returns true or the first error (an Expected with nothing else to carry).
  [[nodiscard]] core::Expected<bool> only_keys(const YAML::Node& entry, const std::set<std::string>& allowed) const {
    for (const auto& kv : entry) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
      if (!allowed.contains(key)) {
        std::string names;
        for (const auto& a : allowed)
          names += (names.empty() ? "" : ", ") + a;
        return error(kv.first, "unknown key `" + key + "` (expected " + names + ")");
      }
    }
    return true;
  }

  core::Expected<bool> ignores(const YAML::Node& list, model::Policy& out) const {
    if (!list.IsSequence()) return error(list, "`ignore` must be a list of {check, subject, reason, expires}");
    for (const auto& e : list) {
      if (!e.IsMap()) return error(e, "an `ignore` entry must be a mapping with check and reason");
      DRYDOCK_TRY(ok, only_keys(e, {"check", "subject", "reason", "expires"}));
      (void)ok;
      model::PolicyIgnore ig;
      ig.location = at(e);
      if (!e["check"]) return error(e, "an `ignore` entry needs `check` (an id, CIS number, alias or area)");
      DRYDOCK_TRY(check, scalar(e["check"], "check"));
      ig.check = check;
      if (e["subject"]) {
        DRYDOCK_TRY(subject, scalar(e["subject"], "subject"));
        ig.subject = subject;
      }
      if (!e["reason"]) return error(e, "an `ignore` entry needs `reason`: say why the finding is accepted");
      DRYDOCK_TRY(reason, scalar(e["reason"], "reason"));
      if (reason.find_first_not_of(" \t") == std::string::npos) return error(e["reason"], "`reason` is empty");
      ig.reason = reason;
      if (e["expires"]) {
        DRYDOCK_TRY(expires, scalar(e["expires"], "expires"));
        if (!is_iso_date(expires))
          return error(e["expires"], "`expires` must be a date written YYYY-MM-DD, not `" + expires + "`");
        ig.expires = expires;
      }
      out.ignores.push_back(std::move(ig));
    }
    return true;
  }

  /// `trusted-registries`: a list of registry host globs.
  core::Expected<bool> registries(const YAML::Node& list, model::SourcePolicy& out) const {
    if (!list.IsSequence()) return error(list, "`trusted-registries` must be a list of registry hosts (globs)");
    for (const auto& e : list) {
      DRYDOCK_TRY(host, scalar(e, "trusted-registries"));
      if (host.empty() || host.find_first_of("/@ \t") != std::string::npos)
        return error(e, "`" + host + "` is not a registry host (registry.example.com, *.corp.example, docker.io)");
      out.registries.push_back(host);
    }
    return true;
  }

  static bool is_digest(std::string_view d) {
    return d.size() == 71 && d.starts_with("sha256:") &&
           d.find_first_not_of("0123456789abcdef", 7) == std::string_view::npos;
  }

  /// `trusted-images`: globs on image references, each "name", "name@sha256:..." or {image, digest}.
  core::Expected<bool> images(const YAML::Node& list, model::SourcePolicy& out) const {
    if (!list.IsSequence()) return error(list, "`trusted-images` must be a list of image references (globs)");
    for (const auto& e : list) {
      model::TrustedImage t;
      t.location = at(e);
      if (e.IsMap()) {
        DRYDOCK_TRY(ok, only_keys(e, {"image", "digest"}));
        (void)ok;
        if (!e["image"]) return error(e, "a `trusted-images` entry needs `image`");
        DRYDOCK_TRY(image, scalar(e["image"], "image"));
        t.pattern = image;
        if (e["digest"]) {
          DRYDOCK_TRY(digest, scalar(e["digest"], "digest"));
          t.digest = digest;
        }
      } else {
        DRYDOCK_TRY(image, scalar(e, "trusted-images"));
        const auto at_sign = image.find('@');
        t.pattern = image.substr(0, at_sign);
        if (at_sign != std::string::npos) t.digest = image.substr(at_sign + 1);
      }
      if (t.pattern.empty() || t.pattern.find_first_of(" \t") != std::string::npos)
        return error(e, "`" + t.pattern + "` is not an image reference");
      if (!t.digest.empty() && !is_digest(t.digest))
        return error(e, "`" + t.digest + "` is not a digest (sha256: and 64 lower-case hex digits)");
      out.images.push_back(std::move(t));
    }
    return true;
  }

  core::Expected<bool> severities(const YAML::Node& list, model::Policy& out) const {
    if (!list.IsSequence()) return error(list, "`severity` must be a list of {check, subject, severity}");
    for (const auto& e : list) {
      if (!e.IsMap()) return error(e, "a `severity` entry must be a mapping with check and severity");
      DRYDOCK_TRY(ok, only_keys(e, {"check", "subject", "severity"}));
      (void)ok;
      model::PolicySeverity sv;
      sv.location = at(e);
      if (!e["check"] || !e["severity"]) return error(e, "a `severity` entry needs `check` and `severity`");
      DRYDOCK_TRY(check, scalar(e["check"], "check"));
      sv.check = check;
      if (e["subject"]) {
        DRYDOCK_TRY(subject, scalar(e["subject"], "subject"));
        sv.subject = subject;
      }
      DRYDOCK_TRY(name, scalar(e["severity"], "severity"));
      const auto severity = core::parse_severity(name);
      if (!severity) return error(e["severity"], "unknown severity `" + name + "` (critical, high, medium, low, info)");
      sv.severity = *severity;
      out.severities.push_back(std::move(sv));
    }
    return true;
  }
};

/// A report's string field, "" when absent or of another type (json::value() would throw).
std::string str(const nlohmann::json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// A report's count field, 0 when absent, of another type or out of range.
int num(const nlohmann::json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_number_integer() && *it >= 0 && *it <= 1000000000 ? it->get<int>() : 0;
}

}  // namespace

bool is_iso_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  for (std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U}) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  const int year = std::stoi(std::string(t.substr(0, 4)));
  const int month = std::stoi(std::string(t.substr(5, 2)));
  const int day = std::stoi(std::string(t.substr(8, 2)));
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= k_days[month - 1] + (month == 2 && leap ? 1 : 0);
}

core::Expected<model::Policy> policy(std::string_view yaml, std::string_view path) {
  const Reader r{std::string(path)};
  model::Policy out;
  out.path = std::string(path);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return core::fail(ErrorKind::usage, "not valid YAML: " + e.msg, std::string(path) + ":" + std::to_string(e.mark.line + 1));
  }
  if (root.IsNull()) return out;  // an empty file: no policy
  if (!root.IsMap()) return r.error(root, "the policy must be a mapping with fail-on, ignore, severity, trusted-registries and trusted-images");
  try {
    DRYDOCK_TRY(ok, r.only_keys(root, {"fail-on", "ignore", "severity", "trusted-registries", "trusted-images"}));
    (void)ok;
    if (root["trusted-registries"] || root["trusted-images"]) {
      auto sources = std::make_shared<model::SourcePolicy>();
      if (root["trusted-registries"]) {
        DRYDOCK_TRY(reg, r.registries(root["trusted-registries"], *sources));
        (void)reg;
      }
      if (root["trusted-images"]) {
        DRYDOCK_TRY(img, r.images(root["trusted-images"], *sources));
        (void)img;
      }
      out.sources = std::move(sources);
    }
    if (root["fail-on"]) {
      DRYDOCK_TRY(fail_on, r.scalar(root["fail-on"], "fail-on"));
      if (fail_on != "none" && !core::parse_severity(fail_on)) {
        return r.error(root["fail-on"], "unknown `fail-on` `" + fail_on + "` (critical, high, medium, low, info, none)");
      }
      out.fail_on = fail_on;
    }
    if (root["ignore"]) {
      DRYDOCK_TRY(ig, r.ignores(root["ignore"], out));
      (void)ig;
    }
    if (root["severity"]) {
      DRYDOCK_TRY(sv, r.severities(root["severity"], out));
      (void)sv;
    }
  } catch (const YAML::Exception& e) {
    return core::fail(ErrorKind::usage, e.msg, std::string(path) + ":" + std::to_string(e.mark.line + 1));
  }
  return out;
}

core::Expected<std::vector<model::BaselineFinding>> baseline_findings(std::string_view text, std::string_view path) {
  using nlohmann::json;
  const std::string where(path);
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded())
    return core::fail(ErrorKind::usage, "not JSON: a baseline is a report written with --format json", where);
  // str() and not json::value(): value() throws when the key holds another type ("schema": 1).
  if (!doc.is_object() || str(doc, "schema") != "drydock.report/v1" || !doc.contains("results") || !doc["results"].is_array()) {
    return core::fail(ErrorKind::usage, "not a drydock JSON report (schema drydock.report/v1): write one with --format json",
                      where);
  }
  std::vector<model::BaselineFinding> out;
  for (const auto& r : doc["results"]) {
    if (!r.is_object()) continue;
    const std::string status = str(r, "status");
    if (status != "fail" && status != "warn") continue;
    model::BaselineFinding f;
    f.check_id = str(r, "id");
    f.status = status;
    f.cis = str(r, "cis");
    f.title = str(r, "title");
    f.severity = str(r, "severity");
    f.evidence = str(r, "evidence");
    if (const auto s = r.find("subject"); s != r.end() && s->is_object()) {
      f.subject_kind = str(*s, "kind");
      f.subject_id = str(*s, "id");
      f.subject_name = str(*s, "name");
      f.subject_label = f.subject_name;
      if (f.subject_label.empty()) f.subject_label = f.subject_id;
      if (f.subject_label.empty()) f.subject_label = f.subject_kind;
    }
    if (const auto l = r.find("location"); l != r.end() && l->is_object()) {
      f.file = str(*l, "file");
      f.line = num(*l, "line");
      f.column = num(*l, "column");
    }
    if (!f.check_id.empty()) out.push_back(std::move(f));
  }
  return out;
}

core::Expected<model::ReportFile> report_file(std::string_view text, std::string_view path) {
  using nlohmann::json;
  const std::string where(path);
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return core::fail(ErrorKind::usage, "not JSON: write the report with --format json", where);
  if (!doc.is_object() || str(doc, "schema") != "drydock.report/v1" || !doc.contains("results") || !doc["results"].is_array()) {
    return core::fail(ErrorKind::usage, "not a drydock JSON report (schema drydock.report/v1): write one with --format json",
                      where);
  }
  model::ReportFile out;
  out.path = where;
  out.command = str(doc, "command");
  out.target = str(doc, "target");
  if (const auto t = doc.find("tool"); t != doc.end() && t->is_object()) out.tool_version = str(*t, "version");
  const auto host_of = [&](const json& h) {
    return model::ReportHost{str(h, "name"), str(h, "engine_id"), str(h, "engine_version"), str(h, "os")};
  };
  if (const auto hs = doc.find("hosts"); hs != doc.end() && hs->is_array() && !hs->empty()) {
    for (const auto& h : *hs) {
      if (!h.is_object()) return core::fail(ErrorKind::usage, "a host of \"hosts\" is not an object", where);
      out.hosts.push_back(host_of(h));
    }
  } else if (const auto h = doc.find("host"); h != doc.end() && h->is_object()) {
    out.hosts.push_back(host_of(*h));
  }
  if (const auto s = doc.find("summary"); s != doc.end() && s->is_object())
    out.baseline_hidden = static_cast<std::size_t>(num(*s, "baseline_hidden"));
  std::size_t index = 0;
  for (const auto& r : doc["results"]) {
    const auto bad = [&](std::string_view why) {
      return core::fail(ErrorKind::usage, fmt::format("results[{}]: {}", index, why), where);
    };
    if (!r.is_object()) return bad("not an object");
    model::ReportResult f;
    f.check_id = str(r, "id");
    if (f.check_id.empty()) return bad("no check id");
    f.status = str(r, "status");
    if (!core::parse_status(f.status)) return bad("no valid status");
    f.severity = str(r, "severity");
    if (!core::parse_severity(f.severity)) return bad("no valid severity");
    f.evidence = str(r, "evidence");
    if (const auto s = r.find("subject"); s != r.end() && s->is_object()) {
      f.subject_kind = str(*s, "kind");
      f.subject_id = str(*s, "id");
      f.subject_name = str(*s, "name");
    }
    if (const auto l = r.find("location"); l != r.end() && l->is_object())
      f.location = model::Location{str(*l, "file"), num(*l, "line"), num(*l, "column")};
    if (const auto a = r.find("accepted"); a != r.end() && a->is_object()) {
      f.accepted = true;
      f.accepted_reason = str(*a, "reason");
      f.accepted_expires = str(*a, "expires");
      const auto source = str(*a, "source");  // "file:line"
      const auto colon = source.rfind(':');
      f.accepted_source.file = colon == std::string::npos ? source : source.substr(0, colon);
      if (colon != std::string::npos) {
        const auto digits = std::string_view(source).substr(colon + 1);
        int line = 0;
        for (char c : digits) {
          if (c < '0' || c > '9' || line > 100000000) break;
          line = line * 10 + (c - '0');
        }
        f.accepted_source.line = line;
      }
    }
    f.host = str(r, "host");
    if (!f.host.empty()) {
      bool listed = false;
      for (const auto& h : out.hosts)
        listed = listed || h.name == f.host;
      if (!listed) return bad("host \"" + f.host + "\" is not in the report's hosts");
    }
    out.results.push_back(std::move(f));
    ++index;
  }
  return out;
}

}  // namespace drydock::parse
