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
    while (i < a.size() && a[i] == '0') ++i;
    while (j < b.size() && b[j] == '0') ++j;
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
  while (!a.empty() && a.front() == '0') a.remove_prefix(1);
  while (!b.empty() && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return sign(c);
}

// ---- apk --------------------------------------------------------------------------------

/// apk-tools' token kinds, in its order: the comparison of two versions that agree up to
/// where one continues depends on which kind comes next.
enum Token : int {
  k_invalid = -1,
  k_digit_or_zero = 0,
  k_digit,
  k_letter,
  k_suffix,
  k_suffix_no,
  k_revision_no,
  k_end,
};

class ApkReader {
 public:
  explicit ApkReader(std::string_view v) : m_v(v) {}
  Token type = k_digit;

  /// Reads the value of the token of kind `type` and advances to the next token's kind.
  std::int64_t get() {
    if (m_v.empty()) {
      type = k_end;
      return 0;
    }
    std::int64_t value = 0;
    std::size_t i = 0;
    Token next = k_invalid;
    switch (type) {
      case k_digit_or_zero:
        if (m_v[0] == '0') {
          // A component after a dot with leading zeros is a fraction: 1.01 < 1.1, 1.001 < 1.01.
          while (i < m_v.size() && m_v[i] == '0') ++i;
          next = k_digit;
          value = -static_cast<std::int64_t>(i);
          break;
        }
        [[fallthrough]];
      case k_digit:
      case k_suffix_no:
      case k_revision_no:
        while (i < m_v.size() && is_digit(m_v[i])) {
          // Saturates where apk's int would overflow: such versions are not real.
          if (value < k_saturate) value = value * 10 + (m_v[i] - '0');
          ++i;
        }
        break;
      case k_letter:
        value = static_cast<unsigned char>(m_v[i++]);
        break;
      case k_suffix: {
        static constexpr std::array<std::string_view, 4> k_pre = {"alpha", "beta", "pre", "rc"};
        static constexpr std::array<std::string_view, 5> k_post = {"cvs", "svn", "git", "hg", "p"};
        bool found = false;
        for (std::size_t s = 0; s < k_pre.size() && !found; ++s) {
          if (m_v.starts_with(k_pre[s])) {
            i = k_pre[s].size();
            value = static_cast<std::int64_t>(s) - static_cast<std::int64_t>(k_pre.size());
            found = true;
          }
        }
        for (std::size_t s = 0; s < k_post.size() && !found; ++s) {
          if (m_v.starts_with(k_post[s])) {
            i = k_post[s].size();
            value = static_cast<std::int64_t>(s);
            found = true;
          }
        }
        if (!found) {
          type = k_invalid;
          return -1;
        }
        next = k_suffix_no;
        break;
      }
      default:
        type = k_invalid;
        return -1;
    }
    m_v.remove_prefix(i);
    if (m_v.empty()) {
      type = k_end;
    } else if (next != k_invalid) {
      type = next;
    } else {
      advance();
    }
    return value;
  }

 private:
  static constexpr std::int64_t k_saturate = INT64_C(100000000000000000);

  /// Decides the kind of the next token from the current one and the next character.
  void advance() {
    Token n = k_invalid;
    const char c = m_v[0];
    if ((type == k_digit || type == k_digit_or_zero) && is_lower(c)) {
      n = k_letter;
    } else if (type == k_letter && is_digit(c)) {
      n = k_digit;
    } else if (type == k_suffix && is_digit(c)) {
      n = k_suffix_no;
    } else {
      if (c == '.') {
        n = k_digit_or_zero;
      } else if (c == '_') {
        n = k_suffix;
      } else if (c == '-' && m_v.size() > 1 && m_v[1] == 'r') {
        n = k_revision_no;
        m_v.remove_prefix(1);
      }
      m_v.remove_prefix(1);
    }
    if (n < type) {
      if (!((n == k_digit_or_zero && type == k_digit) || (n == k_suffix && type == k_suffix_no) ||
            (n == k_digit && type == k_letter))) {
        n = k_invalid;
      }
    }
    type = n;
  }

  std::string_view m_v;
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
  std::int64_t av = 0;
  std::int64_t bv = 0;
  while (ra.type == rb.type && ra.type != k_end && ra.type != k_invalid && av == bv) {
    av = ra.get();
    bv = rb.get();
  }
  if (av != bv) return av < bv ? -1 : 1;
  if (ra.type == rb.type) return 0;
  // Equal so far and one goes on: it is greater, unless what follows is a pre-release suffix.
  if (ra.type == k_suffix) {
    ApkReader peek = ra;
    if (peek.get() < 0) return -1;
  }
  if (rb.type == k_suffix) {
    ApkReader peek = rb;
    if (peek.get() < 0) return 1;
  }
  if (ra.type > rb.type) return -1;
  if (rb.type > ra.type) return 1;
  return 0;
}

int rpmvercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  std::size_t i = 0;
  std::size_t j = 0;
  const auto separator = [](char c) { return !is_digit(c) && !is_alpha(c) && c != '~' && c != '^'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && separator(a[i])) ++i;
    while (j < b.size() && separator(b[j])) ++j;
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
    while (ei < a.size() && in_segment(a[ei])) ++ei;
    while (ej < b.size() && in_segment(b[ej])) ++ej;
    // b's segment is of the other kind: a number is newer than letters.
    if (ej == j) return numeric ? 1 : -1;
    std::string_view sa = a.substr(i, ei - i);
    std::string_view sb = b.substr(j, ej - j);
    if (numeric) {
      while (!sa.empty() && sa.front() == '0') sa.remove_prefix(1);
      while (!sb.empty() && sb.front() == '0') sb.remove_prefix(1);
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
  while (digits < v.size() && is_digit(v[digits])) ++digits;
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
