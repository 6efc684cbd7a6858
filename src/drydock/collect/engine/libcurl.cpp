#include "drydock/collect/engine/libcurl.hpp"

#include "drydock/core/shared_library.hpp"

namespace drydock::collect {
namespace {
// ldd cannot see a library opened when needed: its soname is also kept in the binary's section
// .drydock_dlopen (NUL-separated names), for scripts/build-image to copy it into the image.
[[gnu::used, gnu::section(".drydock_dlopen")]] const char k_dlopen_name[] = DRYDOCK_CURL_SONAME;
}  // namespace

core::Expected<const Libcurl*> load_libcurl() {
  static const core::Expected<const Libcurl*> loaded = []() -> core::Expected<const Libcurl*> {
    static Libcurl lib;
    core::SharedLibrary so(k_dlopen_name);
    decltype(&::curl_global_init) global_init = nullptr;
    so.bind(global_init, "curl_global_init");
    so.bind(lib.easy_init, "curl_easy_init");
    so.bind(lib.easy_cleanup, "curl_easy_cleanup");
    so.bind(lib.easy_setopt, "curl_easy_setopt");
    so.bind(lib.easy_getinfo, "curl_easy_getinfo");
    so.bind(lib.easy_perform, "curl_easy_perform");
    so.bind(lib.easy_strerror, "curl_easy_strerror");
    so.bind(lib.slist_append, "curl_slist_append");
    so.bind(lib.slist_free_all, "curl_slist_free_all");
    if (auto e = so.failure("to talk to a Docker engine", "libcurl4")) return tl::unexpected(std::move(*e));
    if (const CURLcode rc = global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
      return core::fail(core::ErrorKind::io, std::string("cannot initialise libcurl: ") + lib.easy_strerror(rc));
    }
    return &lib;
  }();
  return loaded;
}

const Libcurl& libcurl() { return core::functions_of(load_libcurl()); }

}  // namespace drydock::collect
