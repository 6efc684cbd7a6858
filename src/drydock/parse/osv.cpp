#include "drydock/parse/osv.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace drydock::parse {
namespace {

using nlohmann::json;

/// Reads fields of one record; the first type error is kept with its JSON path.
class Reader {
 public:
  [[nodiscard]] bool failed() const { return !m_error.empty(); }
  [[nodiscard]] const std::string& error() const { return m_error; }

  void fail(const std::string& path, std::string_view what) {
    if (m_error.empty()) m_error = fmt::format("{}: {}", path, what);
  }

  /// The member `key` of `obj` when it is there, not null and of the kind `is` tests; nullptr
  /// otherwise, and a member of another kind is the error "expected `what`".
  const json* member(const json& obj, const char* key, const std::string& path, bool (json::*is)() const noexcept,
                     const char* what) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    if (!((*it).*is)()) {
      fail(path + "." + key, std::string("expected ") + what);
      return nullptr;
    }
    return &*it;
  }

  /// The string at `key` of `obj`, "" when absent or null.
  std::string string(const json& obj, const char* key, const std::string& path) {
    const json* s = member(obj, key, path, &json::is_string, "a string");
    return s == nullptr ? std::string() : s->get<std::string>();
  }

  const json* array(const json& obj, const char* key, const std::string& path) {
    return member(obj, key, path, &json::is_array, "an array");
  }

  const json* object(const json& obj, const char* key, const std::string& path) {
    return member(obj, key, path, &json::is_object, "an object");
  }

  std::vector<std::string> strings(const json& obj, const char* key, const std::string& path) {
    std::vector<std::string> out;
    const json* a = array(obj, key, path);
    if (a == nullptr) return out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (!(*a)[i].is_string()) {
        fail(fmt::format("{}.{}[{}]", path, key, i), "expected a string");
        continue;
      }
      out.push_back((*a)[i].get<std::string>());
    }
    return out;
  }

 private:
  std::string m_error;
};

std::optional<model::RangeEvent::Kind> event_kind(std::string_view key) {
  using Kind = model::RangeEvent::Kind;
  if (key == "introduced") return Kind::introduced;
  if (key == "fixed") return Kind::fixed;
  if (key == "last_affected") return Kind::last_affected;
  if (key == "limit") return Kind::limit;
  return std::nullopt;
}

model::AffectedRange range(Reader& r, const json& obj, const std::string& path) {
  model::AffectedRange out;
  out.type = r.string(obj, "type", path);
  const json* events = r.array(obj, "events", path);
  if (events == nullptr) return out;
  for (std::size_t i = 0; i < events->size(); ++i) {
    const auto& e = (*events)[i];
    const auto epath = fmt::format("{}.events[{}]", path, i);
    if (!e.is_object() || e.size() != 1) {
      r.fail(epath, "expected an object with one of introduced, fixed, last_affected, limit");
      continue;
    }
    const auto kind = event_kind(e.begin().key());
    if (!kind) {
      r.fail(epath, fmt::format("unknown event '{}'", e.begin().key()));
      continue;
    }
    if (!e.begin()->is_string()) {
      r.fail(epath + "." + e.begin().key(), "expected a string");
      continue;
    }
    out.events.push_back(model::RangeEvent{*kind, e.begin()->get<std::string>()});
  }
  return out;
}

/// The source's own rating in a `database_specific` or `ecosystem_specific` object.
std::string rating(Reader& r, const json& obj, const char* key, const std::string& path) {
  const json* specific = r.object(obj, key, path);
  if (specific == nullptr) return {};
  const auto it = specific->find("severity");
  // Some sources put a list or an object here; only a plain rating word is a rating.
  if (it == specific->end() || !it->is_string()) return {};
  return it->get<std::string>();
}

model::Affected affected(Reader& r, const json& obj, const std::string& path) {
  model::Affected out;
  if (const json* package = r.object(obj, "package", path)) {
    out.ecosystem = r.string(*package, "ecosystem", path + ".package");
    out.package = r.string(*package, "name", path + ".package");
  }
  if (const json* ranges = r.array(obj, "ranges", path)) {
    for (std::size_t i = 0; i < ranges->size(); ++i) {
      const auto rpath = fmt::format("{}.ranges[{}]", path, i);
      if (!(*ranges)[i].is_object()) {
        r.fail(rpath, "expected an object");
        continue;
      }
      out.ranges.push_back(range(r, (*ranges)[i], rpath));
    }
  }
  out.versions = r.strings(obj, "versions", path);
  out.severity = rating(r, obj, "ecosystem_specific", path);
  if (out.severity.empty()) out.severity = rating(r, obj, "database_specific", path);
  return out;
}

core::Expected<model::Advisory> record(const json& obj, std::string_view where, const std::string& path) {
  Reader r;
  if (!obj.is_object())
    return core::fail(core::ErrorKind::parse, path + ": expected an OSV record (an object)", std::string(where));
  model::Advisory out;
  out.id = r.string(obj, "id", path);
  if (!r.failed() && out.id.empty()) r.fail(path + ".id", "missing: an OSV record needs an id");
  out.aliases = r.strings(obj, "aliases", path);
  out.summary = r.string(obj, "summary", path);
  out.modified = r.string(obj, "modified", path);
  out.withdrawn = r.string(obj, "withdrawn", path);
  out.rating = rating(r, obj, "database_specific", path);
  if (const json* severity = r.array(obj, "severity", path)) {
    for (std::size_t i = 0; i < severity->size(); ++i) {
      const auto spath = fmt::format("{}.severity[{}]", path, i);
      if (!(*severity)[i].is_object()) {
        r.fail(spath, "expected an object");
        continue;
      }
      out.severity.push_back(
          model::SeverityScore{r.string((*severity)[i], "type", spath), r.string((*severity)[i], "score", spath)});
    }
  }
  if (const json* list = r.array(obj, "affected", path)) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto apath = fmt::format("{}.affected[{}]", path, i);
      if (!(*list)[i].is_object()) {
        r.fail(apath, "expected an object");
        continue;
      }
      out.affected.push_back(affected(r, (*list)[i], apath));
    }
  }
  if (r.failed()) return core::fail(core::ErrorKind::parse, r.error(), std::string(where));
  return out;
}

}  // namespace

core::Expected<std::vector<model::Advisory>> osv(std::string_view text, std::string_view where) {
  if (text.size() > k_max_osv_bytes) {
    return core::fail(core::ErrorKind::parse, fmt::format("larger than {} MiB: not an OSV record", k_max_osv_bytes >> 20),
                      std::string(where));
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    return core::fail(core::ErrorKind::parse, std::string("not valid JSON: ") + e.what(), std::string(where));
  }
  std::vector<model::Advisory> out;
  if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i) {
      DRYDOCK_TRY(advisory, record(doc[i], where, fmt::format("[{}]", i)));
      out.push_back(std::move(advisory));
    }
    return out;
  }
  DRYDOCK_TRY(advisory, record(doc, where, "$"));
  out.push_back(std::move(advisory));
  return out;
}

}  // namespace drydock::parse
