#pragma once
/// libarchive's reading functions (image tarballs and layers, OSV zips), from libarchive opened on
/// first use (core::SharedLibrary): the commands that read no archive do not load it.

#include <archive.h>
#include <archive_entry.h>

#include "drydock/core/error.hpp"

namespace drydock::collect {

struct Libarchive {
  decltype(&::archive_read_new) read_new = nullptr;
  decltype(&::archive_read_free) read_free = nullptr;
  decltype(&::archive_read_support_filter_all) read_support_filter_all = nullptr;
  decltype(&::archive_read_support_format_raw) read_support_format_raw = nullptr;
  decltype(&::archive_read_support_format_tar) read_support_format_tar = nullptr;
  decltype(&::archive_read_support_format_zip) read_support_format_zip = nullptr;
  decltype(&::archive_read_open) read_open = nullptr;
  decltype(&::archive_read_open_filename) read_open_filename = nullptr;
  decltype(&::archive_read_next_header) read_next_header = nullptr;
  decltype(&::archive_read_data) read_data = nullptr;
  decltype(&::archive_read_data_block) read_data_block = nullptr;
  decltype(&::archive_error_string) error_string = nullptr;
  decltype(&::archive_set_error) set_error = nullptr;
  decltype(&::archive_entry_pathname) entry_pathname = nullptr;
  decltype(&::archive_entry_filetype) entry_filetype = nullptr;
  decltype(&::archive_entry_hardlink) entry_hardlink = nullptr;
  decltype(&::archive_entry_symlink) entry_symlink = nullptr;
  decltype(&::archive_entry_size) entry_size = nullptr;
  decltype(&::archive_entry_perm) entry_perm = nullptr;
  decltype(&::archive_entry_uid) entry_uid = nullptr;
  decltype(&::archive_entry_gid) entry_gid = nullptr;
};

/// Opens libarchive once per process; later calls return the first outcome. An error (kind io)
/// saying what to install when it cannot be loaded.
core::Expected<const Libarchive*> load_libarchive();

/// libarchive's functions once load_libarchive() has succeeded (every reader of an archive loads
/// it before it starts); throws std::runtime_error with load_libarchive()'s message otherwise.
const Libarchive& libarchive();

}  // namespace drydock::collect
