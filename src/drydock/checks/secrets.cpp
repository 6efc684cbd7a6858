#include "drydock/checks/secrets.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cctype>
#include <cstring>
#include <set>

#include "drydock/checks/text_scan.hpp"

#include "drydock/core/strings.hpp"

namespace drydock::checks::secrets {

namespace {

/// std::isalnum in the "C" locale (drydock never sets another), without a library call.
constexpr bool alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

/// Case-insensitive: the name has PASSWORD, SECRET, TOKEN, API_KEY, ... as a word part.
bool secret_name(std::string_view name) {
  // Compared in place without case (this runs for every ENV, ARG and LABEL key): the parts
  // first, found only where a word of the name begins (a name has a few such places, and most
  // names hold none of the parts), then the suffixes that name a secret's file or property.
  static constexpr std::array<std::string_view, 11> parts = {"password",   "passwd",     "secret",     "token",
                                                         "api_key",    "apikey",     "access_key", "private_key",
                                                         "credential", "auth_token", "secret_key"};
  // The parts that begin with each byte (either case), one bit each: only those are compared.
  static_assert(parts.size() <= 16, "one bit per part in a std::uint16_t");
  static constexpr auto k_parts_by_first = [] {
    std::array<std::uint16_t, 256> out{};
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto bit = static_cast<std::uint16_t>(1U << i);
      out[static_cast<unsigned char>(parts[i][0])] |= bit;
      out[static_cast<unsigned char>(parts[i][0] - 'a' + 'A')] |= bit;
    }
    return out;
  }();
  const auto boundary = [&](std::size_t i) { return i >= name.size() || !alnum(name[i]); };
  bool part = false;
  for (std::size_t pos = 0; pos < name.size() && !part; ++pos) {
    std::uint16_t candidates = k_parts_by_first[static_cast<unsigned char>(name[pos])];
    if (candidates == 0 || (pos != 0 && !boundary(pos - 1))) continue;
    for (; candidates != 0; candidates = static_cast<std::uint16_t>(candidates & (candidates - 1))) {
      const std::string_view p = parts[static_cast<std::size_t>(std::countr_zero(candidates))];
      if (name.size() - pos < p.size() || !core::same_lower(name.substr(pos, p.size()), p)) continue;
      std::size_t end = pos + p.size();
      if (end < name.size() && (name[end] == 'S' || name[end] == 's')) ++end;  // TOKENS, SECRETS, CREDENTIALS
      if (boundary(end)) {
        part = true;
        break;
      }
    }
  }
  if (!part) return false;
  // Names of a secret's file, location or properties, not of the secret itself. Each suffix is
  // `_` and a word without `_`: the name ends with one when what follows its last `_` is one.
  static constexpr std::array<std::string_view, 20> not_a_value = {
      "_file",   "_files",   "_filename", "_path",   "_dir",  "_url",    "_uri",  "_endpoint", "_host",    "_ttl",
      "_expiry", "_expires", "_timeout",  "_length", "_size", "_header", "_type", "_name",     "_enabled", "_version"};
  if (const auto last = name.rfind('_'); last != std::string_view::npos) {
    const std::string_view tail = name.substr(last);
    for (auto suffix : not_a_value) {
      if (core::same_lower(tail, suffix)) return false;
    }
  }
  return true;
}

namespace {

/// A value that is only `$VAR` / `${VAR...}` references.
bool references_only(std::string_view v) {
  std::size_t i = 0;
  bool any = false;
  while (i < v.size()) {
    if (v[i] == ' ' || v[i] == '\t') {
      ++i;
      continue;
    }
    if (v[i] != '$' || i + 1 >= v.size()) return false;
    if (v[i + 1] == '{') {
      const auto close = v.find('}', i);
      if (close == std::string_view::npos) return false;
      i = close + 1;
    } else {
      std::size_t j = i + 1;
      while (j < v.size() && (std::isalnum(static_cast<unsigned char>(v[j])) || v[j] == '_'))
        ++j;
      if (j == i + 1) return false;
      i = j;
    }
    any = true;
  }
  return any;
}

}  // namespace

/// Values that are not secrets whatever the name says: paths, URLs without credentials, flags.
bool harmless_value(std::string_view raw) {
  const std::string_view v = core::trim(raw);
  if (v.empty() || references_only(v)) return true;
  if (v.starts_with('/') || v.starts_with("./") || v.starts_with("~/")) return true;
  const auto scheme = v.find("://");
  if (scheme != std::string_view::npos && scheme > 0) {
    const std::string_view rest = v.substr(scheme + 3);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    return authority.find('@') == std::string_view::npos;
  }
  static const std::set<std::string> flags = {"true", "false", "yes", "no", "on", "off", "none", "null"};
  return flags.contains(core::to_lower(v));
}

/// The first characters of a secret and an ellipsis: enough to recognize it, not to use it.
std::string redacted(std::string_view value) {
  std::size_t keep = std::min<std::size_t>(4, value.size() / 2);
  while (keep > 0 && keep < value.size() && (static_cast<unsigned char>(value[keep]) & 0xC0) == 0x80)
    --keep;
  return std::string(value.substr(0, keep)) + "…";
}

namespace {

bool key_char(char c, bool dash = false, bool underscore = false) {
  return alnum(c) || (dash && c == '-') || (underscore && c == '_');
}

}  // namespace

namespace {

/// `scheme://user:password@host`: a literal password in a URL's userinfo (not `$VAR`, not empty).
std::optional<std::string> url_password(std::string_view text) {
  for (auto pos = text.find("://"); pos != std::string_view::npos; pos = text.find("://", pos + 3)) {
    std::size_t scheme = pos;
    while (scheme > 0 && (std::isalnum(static_cast<unsigned char>(text[scheme - 1])) || text[scheme - 1] == '+' ||
                          text[scheme - 1] == '-' || text[scheme - 1] == '.'))
      --scheme;
    if (scheme == pos) continue;
    const std::size_t start = pos + 3;
    std::size_t end = start;
    while (end < text.size() && std::string_view("/?# \t\n\"'`").find(text[end]) == std::string_view::npos)
      ++end;
    const std::string_view authority = text.substr(start, end - start);
    const auto at = authority.rfind('@');
    if (at == std::string_view::npos) continue;
    const std::string_view userinfo = authority.substr(0, at);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view password = userinfo.substr(colon + 1);
    if (password.empty() || password.find('$') != std::string_view::npos || password == "****" ||
        password.find_first_not_of('*') == std::string_view::npos)
      continue;
    return "a password in a URL (" + std::string(text.substr(scheme, pos - scheme)) + "://" +
           std::string(userinfo.substr(0, colon)) + ":…@…)";
  }
  return std::nullopt;
}

}  // namespace

namespace {

/// `text.find(prefix, from)` with the candidates compared in line: the prefixes begin with
/// letters every RUN line is full of ('s', 'r', '-'), and a memcmp call for each costs more
/// than the comparison.
std::size_t find_prefix(std::string_view text, std::string_view prefix, std::size_t from) {
  while (from + prefix.size() <= text.size()) {
    const void* hit = std::memchr(text.data() + from, prefix[0], text.size() - prefix.size() + 1 - from);
    if (hit == nullptr) break;
    const auto pos = static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
    if (core::same(text.substr(pos, prefix.size()), prefix)) return pos;
    from = pos + 1;
  }
  return std::string_view::npos;
}

}  // namespace

/// The kind of the first known key format in `text`, with its redacted prefix; nullopt when none.
std::optional<std::string> known_key(std::string_view text) {
  if (auto p = url_password(text)) return p;
  // The shortest key of a format below is a Slack token, "xox" + [baprs] + "-" + 10 characters:
  // a shorter text (most ENV, ARG and LABEL values) holds none.
  constexpr std::size_t k_shortest_key = 15;
  if (text.size() < k_shortest_key) return std::nullopt;
  const auto run_length = [&](std::size_t from, bool dash, bool underscore) {
    std::size_t j = from;
    while (j < text.size() && key_char(text[j], dash, underscore))
      ++j;
    return j - from;
  };
  const auto starts_word = [&](std::size_t pos) { return pos == 0 || !key_char(text[pos - 1], false, true); };
  struct Format {
    std::string_view prefix;
    std::string_view kind;
    std::size_t min_len;
    bool dash;
    bool underscore;
  };
  static constexpr std::array<Format, 11> formats = {{
      {"AKIA", "an AWS access key id", 16, false, false},
      {"ghp_", "a GitHub token", 36, false, false},
      {"gho_", "a GitHub token", 36, false, false},
      {"ghu_", "a GitHub token", 36, false, false},
      {"ghs_", "a GitHub token", 36, false, false},
      {"github_pat_", "a GitHub token", 22, false, true},
      {"AIza", "a Google API key", 35, true, true},
      {"sk_live_", "a Stripe secret key", 16, false, false},
      {"rk_live_", "a Stripe restricted key", 16, false, false},
      {"xox", "a Slack token", 0, false, false},
      {"-----BEGIN ", "a private key", 0, false, false},
  }};
  // One pass over the text finds which prefixes occur at all: the scan of a format below (a
  // memchr and a compare at every 's', 'r', '-' of a RUN line) runs only for those, and a text
  // with none of them (nearly every RUN, ENV or LABEL value) is done after this pass.
  static_assert(formats.size() <= 16, "one bit per format in a std::uint16_t: widen the sets below");
  static_assert(std::all_of(formats.begin(), formats.end(), [](const Format& f) { return f.prefix.size() >= 2; }),
                "a prefix is found by its first two bytes");
  static const std::array<std::uint16_t, 256> k_formats_by_first = [] {
    std::array<std::uint16_t, 256> out{};
    for (std::size_t f = 0; f < formats.size(); ++f)
      out[static_cast<unsigned char>(formats[f].prefix[0])] |= static_cast<std::uint16_t>(1U << f);
    return out;
  }();
  // A long text (a RUN line, a heredoc) is looked at only where it holds a prefix's first two
  // bytes, found sixteen places at a time: those pairs are rare ('s', 'r', '-' alone are
  // everywhere in a RUN line). The pairs, each once.
  static constexpr std::size_t k_pair_count = [] {
    std::size_t n = 0;
    for (std::size_t f = 0; f < formats.size(); ++f) {
      bool again = false;
      for (std::size_t g = 0; g < f; ++g)
        again = again || (formats[g].prefix[0] == formats[f].prefix[0] && formats[g].prefix[1] == formats[f].prefix[1]);
      if (!again) ++n;
    }
    return n;
  }();
  static constexpr auto k_pairs = [] {
    std::array<scan::Pair, k_pair_count> out{};
    std::size_t n = 0;
    for (std::size_t f = 0; f < formats.size(); ++f) {
      const scan::Pair p = {formats[f].prefix[0], formats[f].prefix[1]};
      if (std::find(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), p) == out.begin() + static_cast<std::ptrdiff_t>(n)) out[n++] = p;
    }
    return out;
  }();
  std::uint16_t present = 0;
  const auto look_at = [&](std::size_t pos) {
    std::uint16_t candidates = k_formats_by_first[static_cast<unsigned char>(text[pos])];
    while (candidates != 0) {
      const auto f = static_cast<std::size_t>(std::countr_zero(candidates));
      candidates = static_cast<std::uint16_t>(candidates & (candidates - 1));
      if (core::same(text.substr(pos, formats[f].prefix.size()), formats[f].prefix)) present |= static_cast<std::uint16_t>(1U << f);
    }
  };
  if (text.size() >= scan::k_block) {
    // Only where a prefix's first two bytes are (a few places, often none): a RUN line holds
    // "--" at every long option, and each of its bytes was looked up before.
    scan::each_pair(text, k_pairs, look_at);
  } else {
    for (std::size_t pos = 0; pos < text.size(); ++pos)
      look_at(pos);
  }
  if (present == 0) return std::nullopt;
  for (std::size_t fi = 0; fi < formats.size(); ++fi) {
    if ((present >> fi & 1U) == 0) continue;
    const Format& f = formats[fi];
    for (auto pos = find_prefix(text, f.prefix, 0); pos != std::string_view::npos; pos = find_prefix(text, f.prefix, pos + 1)) {
      const std::size_t after = pos + f.prefix.size();
      if (f.prefix == "-----BEGIN ") {
        const auto end = text.find("-----", after);
        if (end != std::string_view::npos && end - after <= 40 && text.substr(after, end - after).ends_with("PRIVATE KEY"))
          return std::string(f.kind) + " (-----BEGIN " + std::string(text.substr(after, end - after)) + "-----)";
        continue;
      }
      if (!starts_word(pos)) continue;
      if (f.prefix == "xox") {
        if (after + 1 < text.size() && std::string_view("baprs").find(text[after]) != std::string_view::npos &&
            text[after + 1] == '-' && run_length(after + 2, true, false) >= 10)
          return std::string(f.kind) + " (" + std::string(text.substr(pos, 5)) + "…)";
        continue;
      }
      const std::size_t len = run_length(after, f.dash, f.underscore);
      if (f.prefix == "AKIA") {
        std::size_t upper = 0;
        while (upper < len && (std::isupper(static_cast<unsigned char>(text[after + upper])) ||
                               std::isdigit(static_cast<unsigned char>(text[after + upper]))))
          ++upper;
        if (upper >= 16) return std::string(f.kind) + " (AKIA…)";
        continue;
      }
      if (len >= f.min_len) return std::string(f.kind) + " (" + std::string(f.prefix) + "…)";
    }
  }
  return std::nullopt;
}

}  // namespace drydock::checks::secrets
