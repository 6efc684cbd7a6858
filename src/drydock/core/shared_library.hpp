#pragma once
/// A system library opened when a command first needs it (dlopen), not by the loader at start.
///
/// libcurl (the engine client) and libarchive (image tarballs, OSV zips) bring 36 more libraries
/// between them (TLS, Kerberos, LDAP, ICU, compressors...). Mapping and relocating them at start
/// cost every run ~400 page faults, ~16 ms of CPU on a virtual machine, also the runs that never
/// use them: `drydock dockerfile` and `drydock compose` started in ~25 ms instead of ~8 ms.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "drydock/core/error.hpp"

namespace drydock::core {

class SharedLibrary {
 public:
  /// Opens `soname` (RTLD_NOW | RTLD_LOCAL). It is never closed: the functions bound from it are
  /// used until the process exits.
  explicit SharedLibrary(const char* soname);

  /// Points `f` at the library's function `name`; null when the library or the function is
  /// missing (failure() then says which).
  template <typename F>
  void bind(F*& f, const char* name) {
    // A function's address from dlsym: POSIX guarantees the conversion.
    f = reinterpret_cast<F*>(address(name));  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
  }

  /// An error (kind io) naming the library, what drydock needs it for, and the package to install
  /// (`package`, e.g. Debian's), when it could not be opened or lacked a function bound from it;
  /// nullopt when every bind() succeeded.
  [[nodiscard]] std::optional<Error> failure(std::string_view needed_for, std::string_view package) const;

 private:
  void* address(const char* name);

  std::string m_soname;
  void* m_handle = nullptr;
  std::string m_error;  ///< dlerror() of the first open or bind that failed
};

/// The functions of a library that `loaded` holds, for the code that runs only after its loading
/// succeeded; throws std::runtime_error with the loading's error otherwise.
template <typename Functions>
const Functions& functions_of(const Expected<const Functions*>& loaded) {
  if (!loaded) throw std::runtime_error(loaded.error().describe());
  return **loaded;
}

}  // namespace drydock::core
