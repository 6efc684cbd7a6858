#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <fmt/format.h>

#include "drydock/checks/benchmark.hpp"
#include "drydock/core/parallel.hpp"
#include "drydock/render/render.hpp"
#include "drydock/render/utf8.hpp"

namespace drydock::render {

namespace {

/// True for the ASCII characters a JSON string holds as they are.
constexpr bool plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

/// True when one of the 8 bytes of `x` is not plain: a control character, a byte of 0x80 or
/// more, '"' or '\\' (each test is exact for "some byte", the classic has-zero-byte trick).
constexpr bool any_special(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t v) { return ((v - ones) & ~v & highs) != 0; };
  const bool below_space = ((x - ones * 0x20) & ~x & highs) != 0;
  return (x & highs) != 0 || below_space || has_zero(x ^ (ones * '"')) || has_zero(x ^ (ones * '\\'));
}

/// The end of the run of plain characters that starts at `i`: most text needs no escaping, so
/// it is tested 16 bytes at a time (SSE2, in every x86-64), then 8, then one by one.
std::size_t plain_run(std::string_view s, std::size_t i) {
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  while (i + 16 <= s.size()) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));  // NOLINT: unaligned load
    // As signed bytes, "less than 0x20" is a control character or a byte of 0x80 or more.
    const __m128i special =
        _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
    i += 16;
  }
#endif
  while (i + 8 <= s.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, s.data() + i, 8);
    if (any_special(word)) break;
    i += 8;
  }
  while (i < s.size() && plain(static_cast<unsigned char>(s[i])))
    ++i;
  return i;
}

/// Copies `s` to `p` and returns the end (the pieces of a result between its values).
char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

/// Writes `s` as a JSON string at `p` (room for at most escaped_bound(s.size()) bytes) and
/// returns the end; bytes that are not UTF-8 become U+FFFD, so evidence copied from hostile
/// input never makes the report invalid.
char* put_string(char* p, std::string_view s) {
  *p++ = '"';
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t run = plain_run(s, i);
    if (run != i) {
      std::memcpy(p, s.data() + i, run - i);
      p += run - i;
      i = run;
      if (i == s.size()) break;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s, i);
      if (n == 0) {
        p = put(p, "\\ufffd");
        ++i;
      } else {
        std::memcpy(p, s.data() + i, n);
        p += n;
        i += n;
      }
      continue;
    }
    *p++ = '\\';
    switch (c) {
      case '"':
        *p++ = '"';
        break;
      case '\\':
        *p++ = '\\';
        break;
      case '\n':
        *p++ = 'n';
        break;
      case '\r':
        *p++ = 'r';
        break;
      case '\t':
        *p++ = 't';
        break;
      default: {  // a control character: \u00XX
        constexpr std::string_view k_hex = "0123456789abcdef";
        p = put(p, "u00");
        *p++ = k_hex[c >> 4U];
        *p++ = k_hex[c & 0xfU];
      }
    }
    ++i;
  }
  *p++ = '"';
  return p;
}

/// The most bytes put_string() writes for a string of `n` bytes: its quotes, and six bytes for
/// each byte escaped as \u00XX or replaced by \ufffd.
constexpr std::size_t escaped_bound(std::size_t n) { return 6 * n + 2; }

/// Appends `s` as a JSON string (put_string()).
void string(std::string& out, std::string_view s) {
  const std::size_t old = out.size();
  out.resize(old + escaped_bound(s.size()));
  char* end = put_string(out.data() + old, s);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

void nullable(std::string& out, std::string_view s) {
  if (s.empty())
    out += "null";
  else
    string(out, s);
}

void key(std::string& out, std::string_view indent, std::string_view name) {
  out += indent;
  string(out, name);
  out += ": ";
}

/// `{"k": "v", ...}` on one line.
void object(std::string& out, std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  out += '{';
  bool first = true;
  for (const auto& [k, v] : fields) {
    if (!first) out += ", ";
    first = false;
    string(out, k);
    out += ": ";
    string(out, v);
  }
  out += '}';
}

/// `"vulnerabilities"`: one object per (image, package, advisory); `fixed`, `severity` and
/// `cvss_score` are null when unknown (unknown stays unknown).
void vulnerabilities(std::string& out, const std::vector<model::Vulnerability>& all) {
  key(out, "  ", "vulnerabilities");
  out += all.empty() ? "[" : "[\n";
  constexpr std::string_view in = "      ";
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& v = all[i];
    out += "    {\n";
    const auto text = [&](std::string_view name, std::string_view value, bool null_when_empty) {
      key(out, in, name);
      if (null_when_empty && value.empty()) {
        out += "null";
      } else {
        string(out, value);
      }
      out += ",\n";
    };
    text("image", v.image, false);
    text("package", v.package, false);
    text("source_package", v.source_package, false);
    text("installed", v.installed, false);
    text("fixed", v.fixed, true);
    text("id", v.id, false);
    key(out, in, "aliases");
    out += '[';
    for (std::size_t a = 0; a < v.aliases.size(); ++a) {
      if (a != 0) out += ", ";
      string(out, v.aliases[a]);
    }
    out += "],\n";
    text("severity", v.severity ? core::to_string(*v.severity) : std::string_view(), true);
    key(out, in, "cvss_score");
    out += v.cvss_score ? fmt::format("{:.1f}", *v.cvss_score) : std::string("null");
    out += ",\n";
    key(out, in, "ecosystem");
    string(out, v.ecosystem);
    out += "\n    }";
    out += i + 1 < all.size() ? ",\n" : "\n  ";
  }
  out += "],\n";
}

/// `"packages"`: each image's OS and installed packages (the input of vulnerability matching).
void packages(std::string& out, const std::vector<audit::ImagePackages>& images) {
  key(out, "  ", "packages");
  out += images.empty() ? "[" : "[\n";
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& img = images[i];
    out += "    {\n";
    key(out, "      ", "image");
    object(out, {{"id", img.image.id}, {"name", img.image.name}});
    out += ",\n";
    key(out, "      ", "os");
    const auto& os = img.set.os;
    object(out, {{"id", os.id},
                 {"id_like", os.id_like},
                 {"version_id", os.version_id},
                 {"version_codename", os.version_codename},
                 {"pretty_name", os.pretty_name}});
    out += ",\n";
    key(out, "      ", "packages");
    out += img.set.packages.empty() ? "[" : "[\n";
    for (std::size_t p = 0; p < img.set.packages.size(); ++p) {
      const auto& pkg = img.set.packages[p];
      out += "        ";
      object(out, {{"name", pkg.name},
                   {"version", pkg.version},
                   {"source_name", pkg.source_name},
                   {"source_version", pkg.source_version},
                   {"arch", pkg.arch},
                   {"manager", pkg.manager},
                   {"db_path", pkg.db_path}});
      out += p + 1 < img.set.packages.size() ? ",\n" : "\n      ";
    }
    out += "],\n";
    key(out, "      ", "errors");
    out += '[';
    for (std::size_t e = 0; e < img.errors.size(); ++e) {
      if (e != 0) out += ", ";
      string(out, img.errors[e]);
    }
    out += "]\n    }";
    out += i + 1 < images.size() ? ",\n" : "\n  ";
  }
  out += "],\n";
}

/// The text of a result that depends only on its check, made once per check: a host of
/// thousands of containers repeats each title and remediation thousands of times.
struct CheckText {
  std::string head;  ///< from the opening brace to the title's line
  std::string tail;  ///< the remediation and the aliases
};

CheckText check_text(const checks::Check& c) {
  constexpr std::string_view in = "      ";
  CheckText t;
  std::string& out = t.head;
  out += "    {\n";
  key(out, in, "id");
  string(out, c.id);
  out += ",\n";
  key(out, in, "cis");
  nullable(out, c.cis);
  out += ",\n";
  key(out, in, "title");
  string(out, c.title);
  out += ",\n";
  key(t.tail, in, "remediation");
  string(t.tail, c.remediation);
  t.tail += ",\n";
  key(t.tail, in, "aliases");
  t.tail += '[';
  for (std::size_t a = 0; a < c.aliases.size(); ++a) {
    if (a != 0) t.tail += ", ";
    string(t.tail, c.aliases[a]);
  }
  t.tail += ']';
  return t;
}

/// Each check's text, made when a result of that check is first rendered, by whichever thread
/// renders it; the texts stay where they are made (a map's elements do not move).
class CheckTexts {
 public:
  const CheckText& of(const checks::Check& c) {
    const std::lock_guard lock(m_mutex);
    auto it = m_texts.find(&c);
    if (it == m_texts.end()) it = m_texts.emplace(&c, check_text(c)).first;
    return it->second;
  }

 private:
  std::mutex m_mutex;
  std::unordered_map<const checks::Check*, CheckText> m_texts;
};

/// What a block of results adds to the summary.
struct Tally {
  audit::Summary counts{};
  std::size_t accepted = 0;

  void add(const Tally& o) {
    for (std::size_t i = 0; i < counts.size(); ++i)
      counts[i] += o.counts[i];
    accepted += o.accepted;
  }
};

/// A host as a JSON object on one line; unknown fields are null.
void host_object(std::string& out, const audit::Host& h) {
  out += "{\"name\": ";
  nullable(out, h.name);
  out += ", \"engine_id\": ";
  nullable(out, h.engine_id);
  out += ", \"engine_version\": ";
  nullable(out, h.engine_version);
  out += ", \"os\": ";
  nullable(out, h.os);
  out += '}';
}

/// `"host"` (the one host audited, null when none or several) and `"hosts"` (every host).
void hosts(std::string& out, const std::vector<audit::Host>& all) {
  key(out, "  ", "host");
  if (all.size() == 1)
    host_object(out, all.front());
  else
    out += "null";
  out += ",\n";
  key(out, "  ", "hosts");
  out += all.empty() ? "[" : "[\n";
  for (std::size_t i = 0; i < all.size(); ++i) {
    out += "    ";
    host_object(out, all[i]);
    out += i + 1 < all.size() ? ",\n" : "\n  ";
  }
  out += "],\n";
}

/// Text made through a cursor: room() is asked for the most a piece can take, the piece is
/// written at the pointer it returns, and commit() takes the end. Unlike std::string's appends,
/// nothing is zeroed first and no append checks the capacity: a result is ~600 bytes of ~25
/// pieces, a third of a million times for 11,000 Dockerfiles.
class Buffer {
 public:
  char* room(std::size_t n) {
    if (m_size + n > m_capacity) {
      const std::size_t capacity = std::max(m_size + n, 2 * m_capacity);
      auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
      if (m_size != 0) std::memcpy(bigger.get(), m_data.get(), m_size);
      m_data = std::move(bigger);
      m_capacity = capacity;
    }
    return m_data.get() + m_size;
  }
  void commit(const char* end) { m_size = static_cast<std::size_t>(end - m_data.get()); }
  void clear() { m_size = 0; }
  [[nodiscard]] std::string_view view() const { return {m_data.get(), m_size}; }

 private:
  std::unique_ptr<char[]> m_data;
  std::size_t m_size = 0;
  std::size_t m_capacity = 0;
};

/// True when `a` and `b` are the same bytes in memory (copies of one core::SharedString).
bool same_bytes(std::string_view a, std::string_view b) { return a.data() == b.data() && a.size() == b.size(); }

char* put_number(char* p, int n) {
  return std::to_chars(p, p + 16, n).ptr;  // an int has at most 11 characters
}

/// One element of `"results"` and what follows it (`separator`). The keys and indentation are
/// literals: this runs once per result (a third of a million for 11,000 Dockerfiles), and the
/// values are most of what is left to escape.
void result(Buffer& out, const audit::Result& r, const CheckText& check, std::string_view host, std::string_view separator) {
  const auto& l = r.finding.location;
  const std::size_t values = r.subject->kind.size() + r.subject->id.size() + r.subject->name.size() + host.size() +
                             r.finding.evidence.size() + (l ? l->file.size() : 0);
  // The literals below (~300 bytes), two numbers, six values escaped and two severities/statuses.
  constexpr std::size_t k_fixed = 512;
  char* p = out.room(check.head.size() + check.tail.size() + separator.size() + k_fixed + escaped_bound(values));
  p = put(p, check.head);
  p = put(p, "      \"severity\": \"");
  p = put(p, core::to_string(r.severity()));
  p = put(p, "\",\n      \"status\": \"");
  p = put(p, core::to_string(r.finding.status));
  p = put(p, "\",\n      \"subject\": {\n        \"kind\": ");
  p = put_string(p, r.subject->kind);
  p = put(p, ",\n        \"id\": ");
  // A file's results share one path for the subject's id and name and the location's file
  // (core::SharedString): escaped once, then copied.
  const std::string_view id = r.subject->id;
  const char* const id_at = p;
  p = put_string(p, id);
  const std::string_view id_json(id_at, static_cast<std::size_t>(p - id_at));
  const auto put_value = [&](char* at, std::string_view s) { return same_bytes(s, id) ? put(at, id_json) : put_string(at, s); };
  p = put(p, ",\n        \"name\": ");
  p = put_value(p, r.subject->name);
  p = put(p, "\n      },\n      \"host\": ");
  p = host.empty() ? put(p, "null") : put_string(p, host);
  p = put(p, ",\n      \"evidence\": ");
  p = put_string(p, r.finding.evidence);
  p = put(p, ",\n      \"location\": ");
  if (l) {
    p = put(p, "{\n        \"file\": ");
    p = put_value(p, l->file);
    p = put(p, ",\n        \"line\": ");
    p = put_number(p, l->line);
    if (l->column > 0) {
      p = put(p, ",\n        \"column\": ");
      p = put_number(p, l->column);
    }
    p = put(p, "\n      }");
  } else {
    p = put(p, "null");
  }
  p = put(p, ",\n");
  p = put(p, check.tail);
  if (!r.accepted) {
    p = put(p, "\n    }");
    out.commit(put(p, separator));
    return;
  }
  out.commit(p);
  // Only on accepted findings (few): the team's decision, where it was written, and until when.
  const auto& acc = r.accepted;
  constexpr std::string_view in = "      ";
  std::string text = ",\n";
  key(text, in, "accepted");
  text += "{\n";
  key(text, "        ", "reason");
  string(text, acc->reason);
  text += ",\n";
  key(text, "        ", "expires");
  if (acc->expires.empty()) {
    text += "null";
  } else {
    string(text, acc->expires);
  }
  text += ",\n";
  key(text, "        ", "source");
  string(text, fmt::format("{}:{}", acc->source.file, acc->source.line));
  text += "\n      }\n    }";
  text += separator;
  out.commit(put(out.room(text.size()), text));
}

}  // namespace

// Written by hand rather than through a DOM: a host with thousands of containers gives tens
// of thousands of results, and this is the report's hot path. The text goes to `write` in
// pieces, so memory does not grow with the report (70 MB for 3,000 containers).
void json(const audit::Report& report, const Writer& write) {
  std::string out;
  out += "{\n";
  key(out, "  ", "schema");
  out += "\"drydock.report/v1\",\n";
  key(out, "  ", "tool");
  out += "{\n    \"name\": \"drydock\",\n    \"version\": ";
  string(out, DRYDOCK_VERSION);
  out += "\n  },\n";
  key(out, "  ", "benchmark");
  string(out, checks::report_key(checks::current_benchmark()));
  out += ",\n";
  key(out, "  ", "command");
  string(out, report.command);
  out += ",\n";
  key(out, "  ", "target");
  string(out, report.target);
  out += ",\n";
  hosts(out, report.hosts);
  key(out, "  ", "results");
  out += report.results.empty() ? "[" : "[\n";
  // The results, the bulk of the report, are rendered a wave at a time: each wave is split
  // between the cores, then written in order. Memory stays one wave's text. The summary is
  // counted on the way: the results are tens of megabytes for a large lint, each pass over them
  // a trip to memory.
  CheckTexts check_texts;
  const std::size_t workers = core::cpu_workers();
  constexpr std::size_t k_block = 512;  // results per work item
  constexpr std::size_t k_ahead = 8;    // results whose values are fetched ahead
  std::vector<Buffer> blocks(workers * 4);
  std::vector<Tally> tallies(blocks.size());
  const std::size_t n = report.results.size();
  core::Workers team(std::min(workers, (n + k_block - 1) / k_block));  // started once for every wave
  for (std::size_t wave = 0; wave < n; wave += blocks.size() * k_block) {
    const std::size_t items = std::min(blocks.size(), (n - wave + k_block - 1) / k_block);
    team.run(items, [&](std::size_t, std::size_t b) {
      Buffer& text = blocks[b];
      text.clear();
      Tally tally;  // here, not in `tallies`: blocks side by side would share a cache line between cores
      const checks::Check* check = nullptr;  // the results of a check come one after the other
      const CheckText* check_text = nullptr;
      const std::size_t first = wave + b * k_block;
      for (std::size_t i = first; i < std::min(n, first + k_block); ++i) {
        // The values are elsewhere on the heap, one block each (a result's evidence; a file's
        // path, behind its subject's block and its shared string's): each step asked for ahead
        // of the next, they are in cache when escaped.
        if (i + 3 * k_ahead < n) __builtin_prefetch(&*report.results[i + 3 * k_ahead].subject);
        if (i + 2 * k_ahead < n) __builtin_prefetch(&report.results[i + 2 * k_ahead].subject->id.str());
        if (i + k_ahead < n) {
          const auto& later = report.results[i + k_ahead];
          __builtin_prefetch(later.finding.evidence.data());
          __builtin_prefetch(later.subject->id.data());
        }
        const auto& r = report.results[i];
        if (r.check != check) {
          check = r.check;
          check_text = &check_texts.of(*check);
        }
        ++tally.counts.at(static_cast<std::size_t>(r.finding.status));
        tally.accepted += r.accepted ? 1 : 0;
        result(text, r, *check_text, audit::host_name(report, r), i + 1 < n ? ",\n" : "\n  ");
      }
      tallies[b].add(tally);
    });
    write(out);
    out.clear();
    for (std::size_t b = 0; b < items; ++b)
      write(blocks[b].view());
  }
  out += "],\n";
  if (report.command == "image") packages(out, report.packages);
  if (report.vulnerabilities) vulnerabilities(out, *report.vulnerabilities);
  key(out, "  ", "summary");
  out += "{\n";
  Tally total;
  for (const auto& t : tallies)
    total.add(t);
  for (std::size_t i = 0; i < total.counts.size(); ++i) {
    key(out, "    ", core::to_string(static_cast<core::Status>(i)));
    out += std::to_string(total.counts[i]);
    out += ",\n";
  }
  key(out, "    ", "accepted");
  out += std::to_string(total.accepted);
  out += ",\n";
  key(out, "    ", "baseline_hidden");
  out += std::to_string(report.baseline_hidden);
  out += "\n  }\n}\n";
  write(out);
}

std::string json(const audit::Report& report) {
  std::string out;
  out.reserve(512 + report.results.size() * 640);
  json(report, [&out](std::string_view piece) { out += piece; });
  return out;
}

}  // namespace drydock::render
