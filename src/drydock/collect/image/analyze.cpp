#include "drydock/collect/image/analyze.hpp"

#include "drydock/core/strings.hpp"
#include "drydock/parse/packages.hpp"
#include "drydock/parse/secret_files.hpp"

namespace drydock::collect::image {
namespace {

constexpr std::string_view k_dpkg_status = "/var/lib/dpkg/status";
constexpr std::string_view k_dpkg_status_d = "/var/lib/dpkg/status.d";
constexpr std::string_view k_apk_installed = "/lib/apk/db/installed";
constexpr std::string_view k_rpm_dbs[] = {"/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"};
constexpr std::string_view k_os_release[] = {"/etc/os-release", "/usr/lib/os-release"};

bool dpkg_stanza_file(std::string_view path) {
  // status.d holds one stanza file per package, beside its NAME.md5sums list.
  return core::normalized_path_within(path, k_dpkg_status_d) && path != k_dpkg_status_d && !path.ends_with(".md5sums");
}

}  // namespace

bool package_file(std::string_view path) {
  if (path == k_dpkg_status || path == k_apk_installed || dpkg_stanza_file(path)) return true;
  for (const auto p : k_rpm_dbs) {
    if (path == p) return true;
  }
  for (const auto p : k_os_release) {
    if (path == p) return true;
  }
  return false;
}

void read_packages(const CapturedFiles& files, model::ImageContent& content) {
  for (const auto p : k_os_release) {
    if (const auto it = files.find(std::string(p)); it != files.end()) {
      content.packages.os = parse::parse_os_release(*it->second);
      break;
    }
  }
  auto add = [&](core::Expected<std::vector<model::Package>> parsed) {
    if (!parsed) {
      content.package_errors.push_back(parsed.error().describe());
      return;
    }
    std::move(parsed->begin(), parsed->end(), std::back_inserter(content.packages.packages));
  };
  for (const auto& [path, bytes] : files) {
    if (path == k_dpkg_status || dpkg_stanza_file(path)) {
      add(parse::parse_dpkg_status(*bytes, path));
    } else if (path == k_apk_installed) {
      add(parse::parse_apk_installed(*bytes, path));
    } else if (path == k_rpm_dbs[0] || path == k_rpm_dbs[1]) {
      add(parse::parse_rpm_sqlite(*bytes, path));
    }
  }
}

ReadOptions analyzing_options(std::string platform) {
  ReadOptions options;
  options.platform = std::move(platform);
  options.policy.capture = [](std::string_view path, std::uint64_t) { return package_file(path); };
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
