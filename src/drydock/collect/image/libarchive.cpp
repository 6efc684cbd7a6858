#include "drydock/collect/image/libarchive.hpp"

#include "drydock/core/shared_library.hpp"

namespace drydock::collect {
namespace {
// ldd cannot see a library opened when needed: its soname is also kept in the binary's section
// .drydock_dlopen (NUL-separated names), for scripts/build-image to copy it into the image.
[[gnu::used, gnu::section(".drydock_dlopen")]] const char k_dlopen_name[] = DRYDOCK_LIBARCHIVE_SONAME;
}  // namespace

core::Expected<const Libarchive*> load_libarchive() {
  static const core::Expected<const Libarchive*> loaded = []() -> core::Expected<const Libarchive*> {
    static Libarchive lib;
    core::SharedLibrary so(k_dlopen_name);
    so.bind(lib.read_new, "archive_read_new");
    so.bind(lib.read_free, "archive_read_free");
    so.bind(lib.read_support_filter_all, "archive_read_support_filter_all");
    so.bind(lib.read_support_format_raw, "archive_read_support_format_raw");
    so.bind(lib.read_support_format_tar, "archive_read_support_format_tar");
    so.bind(lib.read_support_format_zip, "archive_read_support_format_zip");
    so.bind(lib.read_open, "archive_read_open");
    so.bind(lib.read_open_filename, "archive_read_open_filename");
    so.bind(lib.read_next_header, "archive_read_next_header");
    so.bind(lib.read_data, "archive_read_data");
    so.bind(lib.read_data_block, "archive_read_data_block");
    so.bind(lib.error_string, "archive_error_string");
    so.bind(lib.set_error, "archive_set_error");
    so.bind(lib.entry_pathname, "archive_entry_pathname");
    so.bind(lib.entry_filetype, "archive_entry_filetype");
    so.bind(lib.entry_hardlink, "archive_entry_hardlink");
    so.bind(lib.entry_symlink, "archive_entry_symlink");
    so.bind(lib.entry_size, "archive_entry_size");
    so.bind(lib.entry_perm, "archive_entry_perm");
    so.bind(lib.entry_uid, "archive_entry_uid");
    so.bind(lib.entry_gid, "archive_entry_gid");
    if (auto e = so.failure("to read image archives and zips", "libarchive13")) return tl::unexpected(std::move(*e));
    return &lib;
  }();
  return loaded;
}

const Libarchive& libarchive() { return core::functions_of(load_libarchive()); }

}  // namespace drydock::collect
