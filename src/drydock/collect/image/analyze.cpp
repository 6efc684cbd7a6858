#include "drydock/collect/image/analyze.hpp"

#include "drydock/parse/package_sources.hpp"
#include "drydock/parse/packages.hpp"
#include "drydock/parse/secret_files.hpp"

namespace drydock::collect::image {
bool package_file(std::string_view path) { return parse::package_file_kind(path) != parse::PackageFile::none; }

void read_packages(const CapturedFiles& files, model::ImageContent& content) {
  // /etc/os-release wins over /usr/lib/os-release (its usual symlink target) when both are files.
  for (const auto* p : {"/etc/os-release", "/usr/lib/os-release"}) {
    if (const auto it = files.find(p); it != files.end()) {
      content.packages.os = parse::parse_os_release(*it->second);
      break;
    }
  }
  for (const auto& [path, bytes] : files) {
    if (!parse::package_config_file(path, bytes->size())) continue;
    ++content.package_configs;
    for (auto& s : parse::scan_package_config(path, *bytes))
      content.unverified_sources.push_back({path, s.line, std::move(s.detail)});
  }
  for (const auto& [path, bytes] : files) {
    core::Expected<std::vector<model::Package>> parsed = std::vector<model::Package>{};
    switch (parse::package_file_kind(path)) {
      case parse::PackageFile::dpkg_status:
        parsed = parse::parse_dpkg_status(*bytes, path);
        break;
      case parse::PackageFile::apk_installed:
        parsed = parse::parse_apk_installed(*bytes, path);
        break;
      case parse::PackageFile::rpm_sqlite:
        parsed = parse::parse_rpm_sqlite(*bytes, path);
        break;
      case parse::PackageFile::os_release:
      case parse::PackageFile::none:
        continue;
    }
    if (!parsed) {
      content.package_errors.push_back(parsed.error().describe());
      continue;
    }
    std::move(parsed->begin(), parsed->end(), std::back_inserter(content.packages.packages));
  }
}

ReadOptions analyzing_options(std::string platform) {
  ReadOptions options;
  options.platform = std::move(platform);
  options.policy.capture = [](std::string_view path, std::uint64_t size) {
    return package_file(path) || parse::package_config_file(path, size);
  };
  options.packages = &read_packages;
  options.policy.wants_scan = [](std::string_view path, std::uint64_t size) { return parse::wants_secret_scan(path, size); };
  options.policy.scan = [](std::string_view path, std::string_view content) {
    std::vector<model::LayerSecret> out;
    for (auto& s : parse::scan_secret_file(path, content)) {
      model::LayerSecret secret;
      secret.kind = std::move(s.kind);
      secret.detail = std::move(s.detail);
      secret.line = s.line;
      out.push_back(std::move(secret));
    }
    return out;
  };
  return options;
}

}  // namespace drydock::collect::image
