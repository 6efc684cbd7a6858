// libFuzzer target for the Notary v1 TUF verifier (untrusted cached trust data): the input is
// NUL-separated pairs, a role name then its metadata file ("root\0{...}\0targets\0{...}"); the
// repository they make is verified at a fixed time, and each file is canonicalized. Every input
// gives a verdict (problems or none), never a crash.
// Seeds: `sh tests/fuzz/seeds.sh OUT` (written by the script: metadata skeletons with a real key).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "drydock/parse/notary.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace notary = drydock::parse::notary;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> files;
  std::size_t pos = 0;
  for (int i = 0; i < 8 && pos < input.size(); ++i) {
    const auto name_end = input.find('\0', pos);
    if (name_end == std::string_view::npos) break;
    auto body_end = input.find('\0', name_end + 1);
    if (body_end == std::string_view::npos) body_end = input.size();
    const std::string body(input.substr(name_end + 1, body_end - name_end - 1));
    (void)notary::canonical_json(body);
    files[std::string(input.substr(pos, name_end - pos))] = body;
    pos = body_end + 1;
  }
  const auto repo = notary::verify_repo("docker.io/fuzz/app", files, 1796290200);
  if (repo.problems.empty() && repo.verified.empty()) __builtin_trap();  // a verdict either way
  return 0;
}
