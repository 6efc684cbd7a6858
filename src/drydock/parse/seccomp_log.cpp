#include "drydock/parse/seccomp_log.hpp"

#include <charconv>
#include <cstdlib>

#include "drydock/core/strings.hpp"
#include "drydock/parse/lines.hpp"

namespace drydock::parse {
namespace {

constexpr std::size_t k_max_loss_samples = 3;
constexpr std::size_t k_max_sample_length = 200;

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

template <class T>
bool parse_number(std::string_view text, T& out, int base = 10) {
  if (text.empty()) return false;
  if (base == 16 && (text.starts_with("0x") || text.starts_with("0X"))) text.remove_prefix(2);
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, out, base);
  return r.ec == std::errc{} && r.ptr == end;
}

/// One key=value field of an audit record; `enriched` for the fields after the `\x1d` byte.
struct Field {
  std::string_view key;
  std::string_view value;
  bool quoted = false;
  bool enriched = false;
};

/// The fields of an audit record's body (after "): "). Values end at a space or at the `\x1d`
/// that starts auditd's enriched part; quoted values end at their closing quote.
std::vector<Field> fields_of(std::string_view body) {
  std::vector<Field> out;
  bool enriched = false;
  std::size_t i = 0;
  while (i < body.size()) {
    const char c = body[i];
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    if (c == '\x1d') {
      enriched = true;
      ++i;
      continue;
    }
    const auto eq = body.find('=', i);
    const auto stop = body.find_first_of(" \t\x1d", i);
    if (eq == std::string_view::npos || (stop != std::string_view::npos && stop < eq)) {
      // A word without '=' (as "audit:" prefixes or free text): skip it.
      i = stop == std::string_view::npos ? body.size() : stop;
      continue;
    }
    Field f;
    f.key = body.substr(i, eq - i);
    f.enriched = enriched;
    std::size_t v = eq + 1;
    if (v < body.size() && body[v] == '"') {
      const auto close = body.find('"', v + 1);
      const auto end = close == std::string_view::npos ? body.size() : close;
      f.value = body.substr(v + 1, end - v - 1);
      f.quoted = true;
      i = close == std::string_view::npos ? body.size() : close + 1;
    } else {
      const auto end = body.find_first_of(" \t\x1d", v);
      f.value = body.substr(v, end == std::string_view::npos ? std::string_view::npos : end - v);
      i = end == std::string_view::npos ? body.size() : end;
    }
    out.push_back(f);
  }
  return out;
}

/// "1796232862.683:355" -> time and serial; `ausearch -i`'s "12/03/2026 02:00:00.683:355" gives
/// the serial alone.
void parse_stamp(std::string_view stamp, SeccompRecord& r) {
  const auto colon = stamp.rfind(':');
  if (colon == std::string_view::npos) return;
  std::uint64_t serial = 0;
  if (parse_number(stamp.substr(colon + 1), serial)) r.serial = serial;
  const auto time = stamp.substr(0, colon);
  if (time.empty() || time.size() > 32 || time.find_first_not_of("0123456789.") != std::string_view::npos) return;
  const std::string copy(time);
  char* end = nullptr;
  const double t = std::strtod(copy.c_str(), &end);
  if (end == copy.c_str() + copy.size()) r.time = t;
}

bool looks_like_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (const char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return !(s[0] >= '0' && s[0] <= '9');
}

void apply_field(const Field& f, SeccompRecord& r) {
  if (f.enriched) {
    if (f.key == "ARCH" && !f.value.empty()) r.arch_name = std::string(f.value);
    // auditd writes "unknown-syscall(N)" when it cannot name the call.
    if (f.key == "SYSCALL" && looks_like_name(f.value) && r.syscall_name.empty()) r.syscall_name = std::string(f.value);
    return;
  }
  if (f.key == "arch") {
    std::uint32_t arch = 0;
    if (!f.quoted && parse_number(f.value, arch, 16))
      r.arch = arch;
    else if (!f.value.empty() && f.value.size() <= 32)
      r.arch_name = std::string(f.value);
  } else if (f.key == "syscall") {
    std::int64_t n = 0;
    if (parse_number(f.value, n) && n >= 0)
      r.syscall = n;
    else if (looks_like_name(f.value))
      r.syscall_name = std::string(f.value);
  } else if (f.key == "pid") {
    std::int64_t pid = 0;
    if (parse_number(f.value, pid) && pid > 0) r.pid = pid;
  } else if (f.key == "comm") {
    r.comm = f.quoted ? std::string(f.value) : decode_audit_hex(f.value);
  } else if (f.key == "exe") {
    r.exe = f.quoted ? std::string(f.value) : decode_audit_hex(f.value);
  } else if (f.key == "code") {
    std::uint32_t code = 0;
    if (parse_number(f.value, code, 16)) {
      r.code = code;
      r.has_code = true;
    }
  }
}

/// True for a line in which the kernel says audit records were dropped.
bool is_loss_note(std::string_view line) {
  if (line.find("callbacks suppressed") != std::string_view::npos)
    return line.find("audit") != std::string_view::npos;
  return line.find("audit: audit_lost=") != std::string_view::npos ||
         line.find("audit: rate limit exceeded") != std::string_view::npos ||
         line.find("audit: backlog limit exceeded") != std::string_view::npos ||
         line.find("audit: kauditd hold queue overflow") != std::string_view::npos;
}

void note_loss(SeccompLog& log, std::string_view line, int number) {
  ++log.loss_notes;
  if (log.loss_samples.size() < k_max_loss_samples) {
    auto t = core::trim(line);
    if (t.size() > k_max_sample_length) t = t.substr(0, k_max_sample_length);
    log.loss_samples.push_back("line " + std::to_string(number) + ": " + std::string(t));
  }
}

/// The stamp inside "audit(STAMP):" at `at` (just after "audit("), and the body after the colon.
bool split_record(std::string_view line, std::size_t at, std::string_view& stamp, std::string_view& body) {
  // "audit(STAMP): body", or "audit(STAMP) : body" as `ausearch -i` prints it.
  const auto close = line.find(')', at);
  if (close == std::string_view::npos) return false;
  stamp = line.substr(at, close - at);
  body = line.substr(close + 1);
  const auto colon = body.find_first_not_of(' ');
  if (colon == std::string_view::npos || body[colon] != ':') return false;
  body = body.substr(colon + 1);
  return true;
}

}  // namespace

std::string decode_audit_hex(std::string_view value) {
  if (value.empty() || value.size() % 2 != 0) return std::string(value);
  for (const char c : value)
    if (!is_hex(c)) return std::string(value);
  std::string out;
  out.reserve(value.size() / 2);
  for (std::size_t i = 0; i < value.size(); i += 2)
    out.push_back(static_cast<char>(hex_value(value[i]) * 16 + hex_value(value[i + 1])));
  return out;
}

SeccompLog parse_audit_log(std::string_view text) {
  SeccompLog log;
  LineCursor cursor(text);
  std::string_view line;
  while (cursor.next(line)) {
    ++log.lines;
    std::size_t at = std::string_view::npos;
    SeccompSource source = SeccompSource::auditd;
    static constexpr std::string_view k_auditd = "type=SECCOMP msg=audit(";
    static constexpr std::string_view k_kernel = "type=1326 audit(";
    if (const auto p = line.find(k_auditd); p != std::string_view::npos) {
      at = p + k_auditd.size();
    } else if (const auto q = line.find(k_kernel); q != std::string_view::npos) {
      at = q + k_kernel.size();
      source = SeccompSource::kernel;
    }
    if (at == std::string_view::npos) {
      if (is_loss_note(line))
        note_loss(log, line, cursor.number());
      else if (line.find("type=") != std::string_view::npos && line.find("audit(") != std::string_view::npos)
        ++log.other_records;
      continue;
    }
    std::string_view stamp;
    std::string_view body;
    if (!split_record(line, at, stamp, body)) continue;
    SeccompRecord r;
    r.source = source;
    r.line = cursor.number();
    parse_stamp(stamp, r);
    for (const auto& f : fields_of(body))
      apply_field(f, r);
    if (r.syscall < 0 && r.syscall_name.empty()) continue;  // not a usable record
    log.records.push_back(std::move(r));
  }
  return log;
}

SeccompLog parse_strace(std::string_view text) {
  SeccompLog log;
  LineCursor cursor(text);
  std::string_view line;
  while (cursor.next(line)) {
    ++log.lines;
    std::string_view rest = core::trim(line);
    std::int64_t pid = -1;
    // "[pid  1234] " as strace -f prints on a terminal.
    if (rest.starts_with("[pid")) {
      const auto close = rest.find(']');
      if (close == std::string_view::npos) continue;
      std::int64_t n = 0;
      if (parse_number(core::trim(rest.substr(4, close - 4)), n)) pid = n;
      rest = core::trim(rest.substr(close + 1));
    }
    // "1234  " as strace -f -o FILE writes, then "12:34:56[.123456]" or "1700000000.123456" (-t, -tt, -ttt).
    for (int word = 0; word < 2; ++word) {
      const auto sp = rest.find_first_of(" \t");
      if (sp == std::string_view::npos) break;
      const auto w = rest.substr(0, sp);
      if (w.empty() || w.find_first_not_of("0123456789.:") != std::string_view::npos) break;
      std::int64_t n = 0;
      if (word == 0 && pid < 0 && parse_number(w, n)) pid = n;
      rest = core::trim(rest.substr(sp));
    }
    std::string_view name;
    if (rest.starts_with("<... ")) {
      const auto end = rest.find(" resumed>");
      if (end == std::string_view::npos) continue;
      name = rest.substr(5, end - 5);
    } else {
      const auto paren = rest.find('(');
      if (paren == std::string_view::npos) continue;
      name = rest.substr(0, paren);
    }
    SeccompRecord r;
    r.source = SeccompSource::strace;
    r.line = cursor.number();
    r.pid = pid;
    // strace names calls it does not know "syscall_0x1b6".
    if (name.starts_with("syscall_0x")) {
      std::int64_t n = 0;
      if (!parse_number(name.substr(10), n, 16) || n < 0) continue;
      r.syscall = n;
    } else {
      if (!looks_like_name(name)) continue;
      r.syscall_name = std::string(name);
    }
    log.records.push_back(std::move(r));
  }
  return log;
}

}  // namespace drydock::parse
