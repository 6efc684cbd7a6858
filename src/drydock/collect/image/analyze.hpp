#pragma once
/// What drydock reads inside the layers: package databases, os-release, credentials. Paths
/// are given to the parsers as absolute image paths ("/var/lib/dpkg/status").

#include <string>

#include "drydock/collect/image/assemble.hpp"

namespace drydock::collect::image {

/// Whether the walk keeps this file for the package inventory (`path` as "/var/lib/dpkg/status").
bool package_file(std::string_view path);

/// content.packages from the final filesystem's package databases and os-release, and the owning
/// package of each setuid or setgid file (ImageFile::package) from dpkg, apk and rpm file lists; databases
/// that do not parse are named in content.package_errors.
void read_packages(const CapturedFiles& files, model::ImageContent& content);

/// Options with every analyzer on: package databases captured and read, credentials scanned.
ReadOptions analyzing_options(std::string platform);

}  // namespace drydock::collect::image
