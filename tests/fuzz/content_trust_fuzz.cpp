// libFuzzer target for the Docker Content Trust scanner (CIS 4.5: profiles, units, CI files and a
// process environment, all untrusted text): a selector byte (even: a text file, odd: a
// NUL-separated environment) then the bytes. Every input gives settings or none, never a crash;
// each setting names a variable, lies on a line of the text, and a passphrase is never shown.
// Seeds: `sh tests/fuzz/seeds.sh OUT`.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/parse/content_trust.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool environ = (data[0] & 1U) != 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto settings = environ ? drydock::parse::content_trust_in_environ(input, "/proc/1/environ", "dockerd")
                                : drydock::parse::content_trust_in_text(input, "profile", "a profile");
  const auto lines = static_cast<int>(std::count(input.begin(), input.end(), '\n')) + 1;
  for (const auto& s : settings) {
    if (s.variable.empty()) __builtin_trap();
    if (environ ? s.location.line != 0 : (s.location.line < 1 || s.location.line > lines)) __builtin_trap();
    if (s.variable.ends_with("PASSPHRASE") && s.value != "(a passphrase, not shown)") __builtin_trap();
  }
  return 0;
}
