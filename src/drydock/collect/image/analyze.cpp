#include "drydock/collect/image/analyze.hpp"

#include <algorithm>
#include <set>

#include "drydock/parse/package_sources.hpp"
#include "drydock/parse/packages.hpp"
#include "drydock/parse/secret_files.hpp"

namespace drydock::collect::image {
namespace {

std::string_view base_name(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// `path` with every directory component that is a symlink of the final filesystem followed
/// (/bin/su -> /usr/bin/su when /bin -> usr/bin, as merged-/usr images have): the spelling
/// under which the layers hold the file. The last component is kept as it is.
std::string resolve_directories(std::string path, const std::vector<model::ImageFile>& files) {
  const auto symlink_at = [&](std::string_view p) -> const model::ImageFile* {
    const auto it = std::lower_bound(files.begin(), files.end(), p,
                                     [](const model::ImageFile& f, std::string_view v) { return f.path < v; });
    if (it == files.end() || it->path != p || it->type != model::FileType::symlink) return nullptr;
    return &*it;
  };
  for (int hops = 0; hops < 40; ++hops) {
    bool followed = false;
    for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      const std::string_view dir(path.data(), slash);
      const auto* link = symlink_at(dir);
      if (link == nullptr) continue;
      std::string target = link->link;
      if (!target.starts_with('/')) {
        const auto parent = dir.substr(0, dir.rfind('/'));
        target = std::string(parent) + "/" + target;
      }
      // "/usr/./bin" and "/a/../b" spellings: normalise the components.
      std::vector<std::string_view> parts;
      std::string_view rest = target;
      while (!rest.empty()) {
        const auto next = rest.find('/');
        const auto part = rest.substr(0, next);
        rest.remove_prefix(next == std::string_view::npos ? rest.size() : next + 1);
        if (part.empty() || part == ".") continue;
        if (part == "..") {
          if (!parts.empty()) parts.pop_back();
          continue;
        }
        parts.push_back(part);
      }
      std::string resolved;
      for (auto part : parts) {
        resolved += '/';
        resolved += part;
      }
      resolved += path.substr(slash);
      path = std::move(resolved);
      followed = true;
      break;
    }
    if (!followed) break;
  }
  return path;
}

/// ImageFile::package for the setuid and setgid files: the package whose dpkg, apk or rpm file list
/// names them (through the final filesystem's directory symlinks).
void find_owners(const CapturedFiles& files, model::ImageContent& content) {
  std::map<std::string, model::ImageFile*, std::less<>> wanted;
  std::set<std::string, std::less<>> names;
  for (auto& f : content.files) {
    if ((f.mode & 06000U) == 0 || f.type == model::FileType::directory || f.type == model::FileType::symlink) continue;
    wanted.emplace(f.path, &f);
    names.emplace(base_name(f.path));
  }
  if (wanted.empty()) return;
  const auto claim = [&](std::string_view package, std::string_view listed) {
    if (!names.contains(base_name(listed))) return;
    auto it = wanted.find(listed);
    if (it == wanted.end()) it = wanted.find(resolve_directories(std::string(listed), content.files));
    if (it != wanted.end() && it->second->package.empty()) it->second->package = package;
  };
  for (const auto& [path, bytes] : files) {
    switch (parse::package_file_kind(path)) {
      case parse::PackageFile::dpkg_file_list: {
        const auto package = parse::dpkg_list_package(path);
        parse::for_each_dpkg_listed(*bytes, path.ends_with(".md5sums"),
                                    [&](std::string_view listed) { claim(package, listed); });
        break;
      }
      case parse::PackageFile::apk_installed:
        parse::for_each_apk_file(*bytes, claim);
        break;
      case parse::PackageFile::rpm_sqlite:
        // A database that does not open is already in package_errors; its owners stay unknown.
        if (!parse::for_each_rpm_file(*bytes, path, claim)) content.unread_file_lists.push_back(path);
        break;
      default:
        break;
    }
  }
}

}  // namespace

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
      case parse::PackageFile::dpkg_file_list:
      case parse::PackageFile::none:
        continue;
    }
    if (!parsed) {
      content.package_errors.push_back(parsed.error().describe());
      continue;
    }
    std::move(parsed->begin(), parsed->end(), std::back_inserter(content.packages.packages));
  }
  find_owners(files, content);
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
