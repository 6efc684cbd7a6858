#include "drydock/core/shared_library.hpp"

#include <dlfcn.h>

#include <fmt/format.h>

namespace drydock::core {

SharedLibrary::SharedLibrary(const char* soname) : m_soname(soname) {
  m_handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (m_handle == nullptr) {
    const char* why = ::dlerror();
    m_error = why != nullptr ? why : "cannot be opened";
  }
}

void* SharedLibrary::address(const char* name) {
  if (m_handle == nullptr) return nullptr;
  ::dlerror();
  void* found = ::dlsym(m_handle, name);
  if (found == nullptr && m_error.empty()) {
    const char* why = ::dlerror();
    m_error = why != nullptr ? why : fmt::format("{}: undefined symbol: {}", m_soname, name);
  }
  return found;
}

std::optional<Error> SharedLibrary::failure(std::string_view needed_for, std::string_view package) const {
  if (m_error.empty()) return std::nullopt;
  return Error{ErrorKind::io,
               fmt::format("cannot load {}, which drydock needs {}: {}; install it (Debian and Ubuntu: apt-get install {})",
                           m_soname, needed_for, m_error, package),
               ""};
}

}  // namespace drydock::core
