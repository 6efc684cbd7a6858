// libFuzzer target for the seccomp record parsers (`drydock seccomp build`): any bytes give
// records or none, never a crash. The first byte selects the parser: even for audit and kernel
// logs (parse_audit_log), odd for `strace -f` output (parse_strace); the rest is the file.
// Seeds: `sh tests/fuzz/seeds.sh OUT` (tests/data/seccomp).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drydock/parse/seccomp_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto log = (data[0] & 1) == 0 ? drydock::parse::parse_audit_log(text) : drydock::parse::parse_strace(text);
  for (const auto& r : log.records) {
    // Every record names a call, at a line of the input.
    if ((r.syscall < 0 && r.syscall_name.empty()) || r.line < 1 || r.line > log.lines) __builtin_trap();
  }
  if (log.partial() != (log.loss_notes > 0) || log.loss_samples.size() > 3) __builtin_trap();
  return 0;
}
