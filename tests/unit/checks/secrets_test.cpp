#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <random>
#include <string>
#include <string_view>

#include "drydock/checks/secrets.hpp"
#include "drydock/core/strings.hpp"
#include "support.hpp"

namespace drydock::checks::secrets {
namespace {

/// The plain reading of secret_name that the in-place one replaces: the name upper-cased, not
/// ending with a suffix of a secret's file or property, holding a part where a word begins.
bool secret_name_plainly(std::string_view raw) {
  const std::string n = core::to_upper(raw);
  static constexpr std::array<std::string_view, 20> not_a_value = {
      "_FILE",   "_FILES",   "_FILENAME", "_PATH",   "_DIR",  "_URL",    "_URI",  "_ENDPOINT", "_HOST",    "_TTL",
      "_EXPIRY", "_EXPIRES", "_TIMEOUT",  "_LENGTH", "_SIZE", "_HEADER", "_TYPE", "_NAME",     "_ENABLED", "_VERSION"};
  if (const auto last = n.rfind('_'); last != std::string::npos) {
    if (std::find(not_a_value.begin(), not_a_value.end(), std::string_view(n).substr(last)) != not_a_value.end()) return false;
  }
  static constexpr std::array<std::string_view, 11> parts = {"PASSWORD",   "PASSWD",     "SECRET",     "TOKEN",
                                                         "API_KEY",    "APIKEY",     "ACCESS_KEY", "PRIVATE_KEY",
                                                         "CREDENTIAL", "AUTH_TOKEN", "SECRET_KEY"};
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t pos = 0; pos < n.size(); ++pos) {
    if (pos != 0 && word(n[pos - 1])) continue;
    for (auto p : parts) {
      if (std::string_view(n).substr(pos, p.size()) != p) continue;
      std::size_t end = pos + p.size();
      if (end < n.size() && n[end] == 'S') ++end;
      if (end >= n.size() || !word(n[end])) return true;
    }
  }
  return false;
}

TEST(SecretName, AgreesWithThePlainReading) {
  for (const std::string_view name :
       {"", "PASSWORD", "password", "db_Password", "DB_PASSWORD_FILE", "db_password_file", "TOKEN_TTL", "TOKENIZER", "TOKENS",
        "tokens", "MY_TOKENs", "XTOKEN", "X.TOKEN", "API_KEY", "apikey", "GITHUB_AUTH_TOKEN", "SECRET_KEY_BASE", "secrets",
        "ACCESS_KEY_ID", "PRIVATE_KEY_PATH", "CREDENTIALS", "credential_name", "APP_HOME", "PATH", "LANG", "VERSION",
        "PASSWORD_", "_PASSWORD", "PASS WORD", "PASSWD-X", "pAsSwOrD_vErSiOn", "TOKEN_ENABLED", "TOKEN\xc3\xa9"})
    EXPECT_EQ(secret_name(name), secret_name_plainly(name)) << name;
  std::mt19937 random(11);  // NOLINT(cert-msc32-c,cert-msc51-cpp): a fixed seed, the same names every run
  constexpr std::array<std::string_view, 16> k_pieces = {"PASS", "WORD", "passwd", "SECRET", "token", "S",  "s",    "_",
                                                         "API",  "KEY",  "_FILE",  "_ttl",   "x",     ".", "\xc3", "1"};
  for (int t = 0; t < 50000; ++t) {
    const std::string name = test::random_pieces(random, k_pieces, 7);
    EXPECT_EQ(secret_name(name), secret_name_plainly(name)) << name;
  }
}


TEST(KnownKey, TheShortestKeysAreFoundAndOneByteLessIsNone) {
  EXPECT_EQ(known_key("xoxb-0123456789").value_or(""), "a Slack token (xoxb-…)");
  EXPECT_FALSE(known_key("xoxb-012345678"));
  EXPECT_EQ(known_key("AKIA0123456789ABCDEF").value_or(""), "an AWS access key id (AKIA…)");
  EXPECT_FALSE(known_key("AKIA0123456789ABCDE"));
  EXPECT_TRUE(known_key("a://:p@"));  // a password in a URL: shorter than any key format
  EXPECT_FALSE(known_key("a://:p"));
}

}  // namespace
}  // namespace drydock::checks::secrets
