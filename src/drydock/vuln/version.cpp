#include "drydock/vuln/version.hpp"

#include <array>
#include <cstdint>

namespace drydock::vuln {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

int sign(long long v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

// ---- dpkg -------------------------------------------------------------------------------

/// dpkg's order of one character of a non-digit run; the end of the string is 0.
int dpkg_order(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 0;
  const char c = s[i];
  if (is_digit(c)) return 0;
  if (is_alpha(c)) return static_cast<unsigned char>(c);
  if (c == '~') return -1;
  return static_cast<unsigned char>(c) + 256;
}

int verrevcmp(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      const int ac = dpkg_order(a, i);
      const int bc = dpkg_order(b, j);
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    while (i < a.size() && a[i] == '0')
      ++i;
    while (j < b.size() && b[j] == '0')
      ++j;
    int first_diff = 0;
    while (i < a.size() && j < b.size() && is_digit(a[i]) && is_digit(b[j])) {
      if (first_diff == 0) first_diff = a[i] - b[j];
      ++i;
      ++j;
    }
    if (i < a.size() && is_digit(a[i])) return 1;
    if (j < b.size() && is_digit(b[j])) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

struct DpkgVersion {
  std::string_view epoch;  ///< digits, leading zeros included; "" is 0
  std::string_view upstream;
  std::string_view revision;
};

DpkgVersion split_dpkg(std::string_view v) {
  DpkgVersion out;
  if (const auto colon = v.find(':'); colon != std::string_view::npos) {
    out.epoch = v.substr(0, colon);
    v.remove_prefix(colon + 1);
  }
  if (const auto dash = v.rfind('-'); dash != std::string_view::npos) {
    out.revision = v.substr(dash + 1);
    v = v.substr(0, dash);
  }
  out.upstream = v;
  return out;
}

/// Compares two epochs numerically without overflow: digits only count (dpkg rejects others).
int compare_numbers(std::string_view a, std::string_view b) {
  while (!a.empty() && a.front() == '0')
    a.remove_prefix(1);
  while (!b.empty() && b.front() == '0')
    b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return sign(c);
}

// ---- apk --------------------------------------------------------------------------------

/// The parts of an apk version, in the order apk-tools gives them: where two versions agree up
/// to the point where one goes on, the kind of what follows decides.
enum class ApkKind { initial_digit, digit, letter, suffix, suffix_no, commit_hash, revision_no, end, invalid };

/// Suffix ranks: pre-release suffixes below the bare version (k_no_suffix), the others above.
constexpr int k_no_suffix = 5;

int apk_suffix_rank(std::string_view word) {
  static constexpr std::array<std::string_view, 10> k_names = {"alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"};
  for (std::size_t i = 0; i < k_names.size(); ++i) {
    if (i + 1 != k_no_suffix && word == k_names[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/// Reads an apk version one part at a time.
class ApkReader {
 public:
  explicit ApkReader(std::string_view v) : m_rest(v) { digits(); }

  ApkKind kind = ApkKind::initial_digit;
  int suffix = 0;
  std::uint64_t number = 0;
  std::string_view text;

  void next() {
    if (m_rest.empty()) {
      kind = ApkKind::end;
      return;
    }
    const char c = m_rest[0];
    if (is_lower(c)) {
      if (kind > ApkKind::digit) return invalid();
      text = m_rest.substr(0, 1);
      m_rest.remove_prefix(1);
      kind = ApkKind::letter;
    } else if (c == '.' || is_digit(c)) {
      if (c == '.') {
        if (kind > ApkKind::digit) return invalid();
        m_rest.remove_prefix(1);
      }
      if (kind == ApkKind::initial_digit || kind == ApkKind::digit) {
        kind = ApkKind::digit;
      } else if (kind == ApkKind::suffix) {
        kind = ApkKind::suffix_no;
      } else {
        return invalid();
      }
      digits();
    } else if (c == '_') {
      if (kind > ApkKind::suffix_no) return invalid();
      m_rest.remove_prefix(1);
      std::size_t n = 0;
      while (n < m_rest.size() && is_lower(m_rest[n]))
        ++n;
      text = m_rest.substr(0, n);
      m_rest.remove_prefix(n);
      suffix = apk_suffix_rank(text);
      if (suffix == 0) return invalid();
      kind = ApkKind::suffix;
    } else if (c == '~') {
      if (kind >= ApkKind::commit_hash) return invalid();
      m_rest.remove_prefix(1);
      std::size_t n = 0;
      while (n < m_rest.size() && is_hex(m_rest[n]))
        ++n;
      if (n == 0) return invalid();
      text = m_rest.substr(0, n);
      m_rest.remove_prefix(n);
      kind = ApkKind::commit_hash;
    } else if (c == '-') {
      if (kind >= ApkKind::revision_no || !m_rest.starts_with("-r")) return invalid();
      m_rest.remove_prefix(2);
      kind = ApkKind::revision_no;
      digits();
    } else {
      invalid();
    }
  }

  /// apk-tools' comparison of two parts of the same kind.
  [[nodiscard]] int compare_part(const ApkReader& o) const {
    switch (kind) {
      case ApkKind::digit:
        // A number with a leading zero is a fraction: compared as text (1.01 < 1.1, 1.001 < 1.01).
        if (text.starts_with('0') || o.text.starts_with('0')) return sign(text.compare(o.text));
        [[fallthrough]];
      case ApkKind::initial_digit:
      case ApkKind::suffix_no:
      case ApkKind::revision_no:
        return number < o.number ? -1 : (number > o.number ? 1 : 0);
      case ApkKind::letter:
        return sign(static_cast<unsigned char>(text[0]) - static_cast<unsigned char>(o.text[0]));
      case ApkKind::suffix:
        return sign(suffix - o.suffix);
      default:
        return sign(text.compare(o.text));
    }
  }

 private:
  void invalid() { kind = ApkKind::invalid; }

  void digits() {
    std::size_t n = 0;
    number = 0;
    while (n < m_rest.size() && is_digit(m_rest[n])) {
      // Saturates where apk's 64-bit number would wrap: such versions are not real.
      if (number < k_saturate) number = number * 10 + static_cast<std::uint64_t>(m_rest[n] - '0');
      ++n;
    }
    text = m_rest.substr(0, n);
    m_rest.remove_prefix(n);
    if (n == 0) invalid();
  }

  static constexpr std::uint64_t k_saturate = UINT64_C(1000000000000000000);
  std::string_view m_rest;
};

}  // namespace

int compare_dpkg(std::string_view a, std::string_view b) {
  const auto va = split_dpkg(a);
  const auto vb = split_dpkg(b);
  if (const int c = compare_numbers(va.epoch, vb.epoch); c != 0) return c;
  if (const int c = verrevcmp(va.upstream, vb.upstream); c != 0) return sign(c);
  return sign(verrevcmp(va.revision, vb.revision));
}

int compare_apk(std::string_view a, std::string_view b) {
  ApkReader ra(a);
  ApkReader rb(b);
  while (ra.kind == rb.kind && ra.kind < ApkKind::end) {
    if (const int c = ra.compare_part(rb); c != 0) return c;
    ra.next();
    rb.next();
  }
  if (ra.kind == rb.kind) return 0;
  // Equal so far and one goes on: it is greater, unless what follows is a pre-release suffix.
  if (ra.kind == ApkKind::suffix && ra.suffix < k_no_suffix) return -1;
  if (rb.kind == ApkKind::suffix && rb.suffix < k_no_suffix) return 1;
  return ra.kind > rb.kind ? -1 : 1;
}

bool apk_version_valid(std::string_view v) {
  ApkReader r(v);
  while (r.kind < ApkKind::end)
    r.next();
  return r.kind == ApkKind::end;
}

int rpmvercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  std::size_t i = 0;
  std::size_t j = 0;
  const auto separator = [](char c) { return !is_digit(c) && !is_alpha(c) && c != '~' && c != '^'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && separator(a[i]))
      ++i;
    while (j < b.size() && separator(b[j]))
      ++j;
    const bool a_end = i >= a.size();
    const bool b_end = j >= b.size();
    const char ca = a_end ? '\0' : a[i];
    const char cb = b_end ? '\0' : b[j];
    if (ca == '~' || cb == '~') {
      if (ca != '~') return 1;
      if (cb != '~') return -1;
      ++i;
      ++j;
      continue;
    }
    if (ca == '^' || cb == '^') {
      if (a_end) return -1;
      if (b_end) return 1;
      if (ca != '^') return 1;
      if (cb != '^') return -1;
      ++i;
      ++j;
      continue;
    }
    if (a_end || b_end) break;
    const bool numeric = is_digit(ca);
    const auto in_segment = [numeric](char c) { return numeric ? is_digit(c) : is_alpha(c); };
    std::size_t ei = i;
    std::size_t ej = j;
    while (ei < a.size() && in_segment(a[ei]))
      ++ei;
    while (ej < b.size() && in_segment(b[ej]))
      ++ej;
    // b's segment is of the other kind: a number is newer than letters.
    if (ej == j) return numeric ? 1 : -1;
    std::string_view sa = a.substr(i, ei - i);
    std::string_view sb = b.substr(j, ej - j);
    if (numeric) {
      while (!sa.empty() && sa.front() == '0')
        sa.remove_prefix(1);
      while (!sb.empty() && sb.front() == '0')
        sb.remove_prefix(1);
      if (sa.size() != sb.size()) return sa.size() > sb.size() ? 1 : -1;
    }
    if (const int c = sa.compare(sb); c != 0) return sign(c);
    i = ei;
    j = ej;
  }
  const bool a_end = i >= a.size();
  const bool b_end = j >= b.size();
  if (a_end && b_end) return 0;
  return a_end ? -1 : 1;
}

namespace {

struct Evr {
  std::string_view epoch = "0";
  std::string_view version;
  std::optional<std::string_view> release;
};

/// rpm's parseEVR: leading digits then ':' are the epoch; the last '-' after them starts the release.
Evr split_evr(std::string_view v) {
  Evr out;
  std::size_t digits = 0;
  while (digits < v.size() && is_digit(v[digits]))
    ++digits;
  std::string_view rest = v;
  if (digits < v.size() && v[digits] == ':') {
    if (digits > 0) out.epoch = v.substr(0, digits);
    rest = v.substr(digits + 1);
  }
  if (const auto dash = rest.rfind('-'); dash != std::string_view::npos) {
    out.release = rest.substr(dash + 1);
    rest = rest.substr(0, dash);
  }
  out.version = rest;
  return out;
}

}  // namespace

int compare_rpm(std::string_view a, std::string_view b) {
  const auto ea = split_evr(a);
  const auto eb = split_evr(b);
  if (const int c = rpmvercmp(ea.epoch, eb.epoch); c != 0) return c;
  if (const int c = rpmvercmp(ea.version, eb.version); c != 0) return c;
  if (ea.release && eb.release) return rpmvercmp(*ea.release, *eb.release);
  if (ea.release.has_value() == eb.release.has_value()) return 0;
  return ea.release ? 1 : -1;
}

int compare(Scheme scheme, std::string_view a, std::string_view b) {
  switch (scheme) {
    case Scheme::dpkg:
      return compare_dpkg(a, b);
    case Scheme::apk:
      return compare_apk(a, b);
    case Scheme::rpm:
      return compare_rpm(a, b);
  }
  return 0;
}

std::optional<Scheme> scheme_of_manager(std::string_view manager) {
  if (manager == "dpkg") return Scheme::dpkg;
  if (manager == "apk") return Scheme::apk;
  if (manager == "rpm") return Scheme::rpm;
  return std::nullopt;
}

}  // namespace drydock::vuln
