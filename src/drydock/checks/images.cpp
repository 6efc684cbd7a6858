/// Image configuration checks: CIS Docker Benchmark section 4 on images.

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/checks/common.hpp"
#include "drydock/checks/dockerfile_support.hpp"
#include "drydock/checks/secrets.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::checks {
namespace {

using model::HostSnapshot;
using model::ImageContent;
using model::ImageFile;
using model::ImageSpec;

/// What a setuid file named so gives whoever runs it: "a shell", "an interpreter", "a multi-call
/// binary", ... ; "" for any other name. Any of these running as root is a root shell for anyone.
std::string_view shell_like(std::string_view path) {
  const auto slash = path.rfind('/');
  const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  static constexpr std::array<std::string_view, 13> shells = {"sh",  "bash", "dash", "ash",  "zsh",  "ksh",  "mksh",
                                                              "csh", "tcsh", "fish", "yash", "rbash", "pdksh"};
  static constexpr std::array<std::string_view, 3> multi_call = {"busybox", "toybox", "coreutils"};
  // Names a version may follow: python3.12, perl5.36.0, ruby3.1, lua5.4, php8.2, tclsh8.6.
  static constexpr std::array<std::string_view, 10> interpreters = {"python", "perl", "ruby", "node", "nodejs",
                                                                    "php",    "lua",  "tclsh", "wish", "pypy"};
  static constexpr std::array<std::string_view, 20> escapes = {
      "env",  "find", "vim",   "vi",   "nvim", "less", "more", "awk", "gawk", "mawk",
      "nawk", "ed",   "nano",  "emacs", "man", "xargs", "nice", "nohup", "strace", "gdb"};
  const auto in = [&](const auto& table) { return std::find(table.begin(), table.end(), name) != table.end(); };
  if (in(shells)) return "a shell";
  if (in(multi_call)) return "a multi-call binary";
  for (auto i : interpreters) {
    if (!name.starts_with(i)) continue;
    const auto rest = name.substr(i.size());
    if (std::all_of(rest.begin(), rest.end(), [](char ch) { return (ch >= '0' && ch <= '9') || ch == '.'; }))
      return "an interpreter";
  }
  if (in(escapes)) return "a program that runs commands";
  return {};
}

/// Evidence lists stay readable: the first items and how many more.
std::string listed(const std::vector<std::string>& items, std::size_t shown = 20) {
  if (items.size() <= shown) return core::join(items, "; ");
  std::vector<std::string> head(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(shown));
  return fmt::format("{}; and {} more", core::join(head, "; "), items.size() - shown);
}

/// What an ADD step of an image's history did, as far as its text and the layer it made tell
/// (CIS 4.9; the Dockerfile rule judges the same way: unpacking an archive is what only ADD does).
enum class AddVerdict { accepted, verified_download, copy_would_do };
struct AddJudgement {
  AddVerdict verdict;
  std::string detail;
};

/// The number of names in an absolute image path ("/usr/local/bin/" has 3).
std::size_t path_depth(std::string_view path) {
  std::size_t depth = 0;
  for (const auto& part : core::split(path, '/'))
    depth += part.empty() || part == "." ? 0 : 1;
  return depth;
}

/// `command` is the step's text after ADD. The classic builder records the source by content
/// ("file:<sha256> in /dest", "dir:<sha256> in /dest", "multi:<sha256> in /dest"): whether a
/// `file:` was an archive it unpacked shows in its layer (`made`, when the layers were read),
/// which then holds more entries than one file copied to the destination could make. BuildKit
/// records the instruction as written ("--chown=1:1 app.tar.gz /opt/ # buildkit").
AddJudgement judge_add(std::string_view command, const model::ImageLayer* made) {
  std::vector<std::string_view> words = core::split_words(command);
  bool checksum = false;
  while (!words.empty() && words.front().starts_with("--")) {
    checksum = checksum || words.front().starts_with("--checksum");
    words.erase(words.begin());
  }
  if (words.empty()) return {AddVerdict::copy_would_do, "no source named"};
  if (words.size() == 3 && words[1] == "in") {
    const std::string_view source = words[0];
    const std::string_view dest = words[2];
    if (source.starts_with("file:")) {
      if (made == nullptr) return {AddVerdict::copy_would_do, "whether it unpacked an archive is not known: its layer was not read"};
      if (made->entries > path_depth(dest) + 1)
        return {AddVerdict::accepted, fmt::format("unpacked an archive: {} entries in its layer", made->entries)};
      return {AddVerdict::copy_would_do,
              fmt::format("one file, not an archive ({} {} in its layer): use COPY", made->entries,
                          made->entries == 1 ? "entry" : "entries")};
    }
    if (source.starts_with("dir:")) return {AddVerdict::copy_would_do, "a directory: use COPY"};
    if (source.starts_with("multi:")) return {AddVerdict::copy_would_do, "several sources, not known to be archives: use COPY"};
  }
  // As written: the last word is the destination (JSON form: ["src", "dest"]).
  dockerfile::AddSources sources;
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    std::string_view src = words[i];
    while (!src.empty() && (src.front() == '[' || src.front() == '"')) src.remove_prefix(1);
    while (!src.empty() && (src.back() == ',' || src.back() == '"')) src.remove_suffix(1);
    sources.add(src);
  }
  if (!sources.local.empty())
    return {AddVerdict::copy_would_do,
            fmt::format("local files that are not archives: {}: use COPY", core::join(sources.local, ", "))};
  if (!sources.remote.empty()) {
    if (checksum)
      return {AddVerdict::verified_download,
              fmt::format("a download verified by --checksum: {}", core::join(sources.remote, ", "))};
    return {AddVerdict::copy_would_do, fmt::format("a download without --checksum: {}", core::join(sources.remote, ", "))};
  }
  if (sources.archives == 0 && sources.variables == 0) return {AddVerdict::copy_would_do, "no source named"};
  if (sources.variables == 0) return {AddVerdict::accepted, sources.archives == 1 ? "an archive" : "archives"};
  return {AddVerdict::accepted, fmt::format("{} source{} named by build arguments, not known", sources.variables,
                                            sources.variables == 1 ? "" : "s")};
}

/// Fails listing what was found, else passes with `none`.
void verdict(const std::vector<std::string>& found, Results& out, std::string none) {
  if (found.empty()) {
    out.pass(std::move(none));
  } else {
    out.fail(listed(found));
  }
}

/// The image's content, or a skip saying it was not read.
const ImageContent* content_of(const ImageSpec& img, Results& out) {
  if (!img.content) out.skip("the image's layers were not read (`drydock image` reads them)");
  return img.content.get();
}

/// A check over the final filesystem: `describe` gives how to list a file that matters, ""
/// for one that does not; fails listing them, else passes with `none`.
template <class Describe>
void over_files(const ImageSpec& img, Results& out, Describe describe, std::string_view none) {
  const auto* c = content_of(img, out);
  if (c == nullptr) return;
  std::vector<std::string> found;
  for (const auto& f : c->files) {
    if (auto d = describe(f); !d.empty()) found.push_back(std::move(d));
  }
  if (found.empty()) {
    out.pass(fmt::format("{} among {} files", none, c->files.size()));
  } else {
    out.fail(fmt::format("{} of {} files: {}", found.size(), c->files.size(), listed(found)));
  }
}

std::string short_digest(std::string_view digest) {
  return std::string(digest.substr(0, digest.starts_with("sha256:") ? 19 : 12));
}

std::string layer_name(const ImageContent& c, std::size_t layer) {
  return layer < c.layers.size() ? fmt::format("layer {} {}", layer + 1, short_digest(c.layers[layer].digest))
                                 : fmt::format("layer {}", layer + 1);
}

std::string mode_text(std::uint32_t mode) { return fmt::format("{:04o}", mode & 07777U); }

std::string_view base_name(std::string_view path) { return path.substr(path.rfind('/') + 1); }

/// A package-manager cache left in the image: apt, apk, yum/dnf, pip, npm.
std::string_view cache_of(std::string_view path) {
  static const std::pair<std::string_view, std::string_view> k_caches[] = {
      {"/var/cache/apt/archives", "apt"}, {"/var/lib/apt/lists", "apt lists"}, {"/var/cache/apk", "apk"},
      {"/var/cache/yum", "yum"},          {"/var/cache/dnf", "dnf"},           {"/root/.cache/pip", "pip"},
      {"/root/.npm/_cacache", "npm"},
  };
  for (const auto& [dir, name] : k_caches) {
    if (core::normalized_path_within(path, dir) && path != dir) {
      const auto base = base_name(path);
      if (base == "lock" || base == "partial" || base == "auxfiles") return {};
      return name;
    }
  }
  return {};
}

const std::vector<Check>& table() {
  static const std::vector<Check> checks = {
      Check{
          .id = "image.user-root",
          .cis = "4.1",
          .title = "Images run as a non-root user",
          .severity = Severity::medium,
          .rationale = "Containers started from the image run as root unless every `docker run` remembers "
                       "`--user`; the image should default to an unprivileged user.",
          .remediation = "Create a user in the image and switch to it: `RUN adduser -D -u 10001 app` then "
                         "`USER 10001` in the Dockerfile.",
          .aliases = {"CIS-DI-0001"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            if (common::user_is_root(img.user)) {
              out.fail("Config.User=" + common::shown(img.user) + (img.user.empty() ? " (defaults to root)" : ""));
            } else {
              out.pass("Config.User=" + img.user);
            }
          }},
      },
      Check{
          .id = "image.healthcheck",
          .cis = "4.6",
          .title = "Images have a HEALTHCHECK",
          .severity = Severity::low,
          .rationale = "A HEALTHCHECK in the image lets the engine report whether every container started from it "
                       "is actually working.",
          .remediation = "Add a HEALTHCHECK to the Dockerfile: `HEALTHCHECK CMD curl -f http://localhost/ || exit 1`.",
          .aliases = {"CIS-DI-0006"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            const std::string evidence = common::health_evidence(img.healthcheck);
            switch (common::health_state(img.healthcheck)) {
              case common::Health::set:
                out.pass(evidence);
                break;
              case common::Health::disabled:
                out.fail(evidence + " (HEALTHCHECK NONE)");
                break;
              case common::Health::absent:
                out.fail(evidence);
                break;
            }
          }},
      },
      Check{
          .id = "image.update-alone",
          .cis = "4.7",
          .title = "Package index updates share a build step with the install",
          .severity = Severity::low,
          .rationale = "A cached layer with only `apt-get update` keeps a stale index: later installs in other steps "
                       "get old packages, or fail.",
          .remediation = "Update and install in the same RUN: `RUN apt-get update && apt-get install -y pkg`.",
          .aliases = {"CIS-DI-0007"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            if (!img.history) {
              out.skip("the image's history was not read (`drydock image` reads it)");
              return;
            }
            std::vector<std::string> found;
            for (std::size_t n = 0; n < img.history->size(); ++n) {
              const auto& i = (*img.history)[n].instruction;
              if (!i.is("RUN")) continue;
              for (const auto& script : i.scripts) {
                const auto commands = dockerfile::commands_in(i, script);
                const auto update = std::find_if(commands.begin(), commands.end(), dockerfile::index_update);
                const bool install = std::any_of(commands.begin(), commands.end(), dockerfile::installs);
                if (update != commands.end() && !install) {
                  found.push_back(fmt::format("history step {}: `{}` without an install", n + 1, dockerfile::join_words(update->words, " ")));
                }
              }
            }
            verdict(found, out, fmt::format("no package index update stands alone in {} history steps", img.history->size()));
          }},
      },
      Check{
          .id = "image.vulnerabilities",
          .cis = "4.4",
          .title = "Images have no known vulnerabilities a rebuild would fix",
          .severity = Severity::high,
          .rationale = "Installed packages with published advisories are the most common way into a container; "
                       "CIS 4.4 asks that images be scanned and rebuilt to pick up security patches.",
          .remediation = "Rebuild the image on an updated base (`docker build --pull --no-cache`) or upgrade the "
                         "listed packages (`apk upgrade`, `apt-get upgrade`) in the Dockerfile; rescan with "
                         "`drydock image --vulns`.",
          .aliases = {"CIS-DI-0004"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            // The verdict is vuln::cis_4_4_evidence's, made when the image was scanned.
            if (!img.vulns) {
              out.skip("not scanned for vulnerabilities: run `drydock image --vulns` (after `drydock db import`)");
              return;
            }
            const auto& scan = *img.vulns;
            Finding& f = out.write(scan.status, scan.evidence);
            if (scan.severity) f.severity = scan.severity;
          }},
          // CIS rates 4.4 Manual; with --vulns drydock decides it from the advisories.
          .manual = true,
      },
      Check{
          .id = "image.setuid-files",
          .cis = "4.8",
          .title = "Images hold no unneeded setuid or setgid files",
          .severity = Severity::medium,
          .rationale = "A setuid or setgid binary runs with its owner's privileges whatever the caller: a way to "
                       "escalate inside the container. Few containers need one. What a distribution's packages ship "
                       "(su, passwd, mount: named by the dpkg, apk or rpm file lists) is listed as info for review; a "
                       "setuid or setgid file no package owns, or one that is a shell, an interpreter, a multi-call "
                       "binary (busybox) or a program that runs commands (find, env, vim, less) is a warning: run "
                       "as root, it is a root shell for anyone. When an rpm database does not open, a file of "
                       "unknown owner stays info.",
          .remediation = "Remove the bits in the Dockerfile: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`.",
          .aliases = {"CIS-DI-0008"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            const auto* c = content_of(img, out);
            if (c == nullptr) return;
            std::vector<std::string> risky;
            std::vector<std::string> shipped;
            for (const auto& f : c->files) {
              if (f.type != model::FileType::regular && f.type != model::FileType::hardlink) continue;
              if ((f.mode & 06000U) == 0) continue;
              const char* what = (f.mode & 04000U) != 0 ? ((f.mode & 02000U) != 0 ? "setuid+setgid" : "setuid") : "setgid";
              std::string line = fmt::format("{} ({} {} uid {} gid {}", f.path, what, mode_text(f.mode), f.uid, f.gid);
              const auto kind = shell_like(f.path);
              if (!f.package.empty()) line += fmt::format(", package {}", f.package);
              if (!kind.empty()) {
                line += fmt::format("; {}: a root shell for anyone)", kind);
                risky.push_back(std::move(line));
              } else if (!f.package.empty()) {
                line += ")";
                shipped.push_back(std::move(line));
              } else if (!c->unread_file_lists.empty()) {
                // An rpm database that does not open: whether a package ships the file is not known.
                line += fmt::format(", owner not known: {} not read)", core::join(c->unread_file_lists, ", "));
                shipped.push_back(std::move(line));
              } else {
                line += ", no package owns it)";
                risky.push_back(std::move(line));
              }
            }
            const std::size_t total = risky.size() + shipped.size();
            if (total == 0) {
              out.pass(fmt::format("no setuid or setgid file among {} files", c->files.size()));
            } else if (risky.empty()) {
              // What a distribution ships (su, passwd, mount...): for a person to review (CIS rates 4.8 Manual).
              out.info(fmt::format("{} file{}: {}", total, total == 1 ? "" : "s", listed(shipped)));
            } else {
              std::string evidence = fmt::format("{} of {} setuid/setgid file{}: {}", risky.size(), total,
                                                 total == 1 ? "" : "s", listed(risky));
              if (!shipped.empty()) evidence += fmt::format("; shipped by packages: {}", listed(shipped));
              out.warn(std::move(evidence));
            }
          }},
          .manual = true,
      },
      Check{
          .id = "image.add-instruction",
          .cis = "4.9",
          .title = "Images are built with COPY, not ADD",
          .severity = Severity::low,
          .rationale = "ADD fetches URLs and unpacks archives implicitly; COPY does only what it says. Unpacking an "
                       "archive, which COPY cannot do (base images' root filesystems are made so), passes: in the "
                       "history a `file:` source counts as an archive when its layer holds more than one file.",
          .remediation = "Use COPY for files and directories; fetch URLs with a checked download in a RUN step.",
          .aliases = {"CIS-DI-0009"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            if (!img.history) {
              out.skip("the image's history was not read (`drydock image` reads it)");
              return;
            }
            std::vector<std::string> failed;
            std::vector<std::string> warned;
            std::vector<std::string> unpacked;
            std::size_t layer = 0;  // the layer the next step that made one made
            for (std::size_t n = 0; n < img.history->size(); ++n) {
              const auto& step = (*img.history)[n];
              const model::ImageLayer* made = nullptr;
              if (!step.empty_layer) {
                if (img.content && layer < img.content->layers.size() &&
                    img.content->layers[layer].created_by == step.created_by)
                  made = &img.content->layers[layer];
                ++layer;
              }
              if (!step.instruction.is("ADD")) continue;
              const auto a = judge_add(step.instruction.command, made);
              auto& list = a.verdict == AddVerdict::accepted            ? unpacked
                           : a.verdict == AddVerdict::verified_download ? warned
                                                                        : failed;
              list.push_back(fmt::format("history step {}: {} ({})", n + 1, step.instruction.text, a.detail));
            }
            if (!failed.empty()) {
              out.fail(listed(failed));
            } else if (!warned.empty()) {
              out.warn(listed(warned));
            } else if (unpacked.empty()) {
              out.pass(fmt::format("no ADD in {} history steps", img.history->size()));
            } else {
              out.pass(fmt::format("ADD only of archives, which COPY would not unpack: {}", listed(unpacked)));
            }
          }},
      },
      Check{
          .id = "image.secrets-in-config",
          .cis = "4.10",
          .title = "No secrets in an image's environment or labels",
          .severity = Severity::high,
          .rationale = "Env and labels are part of the image's configuration: anyone who can pull the image or "
                       "inspect a container reads them.",
          .remediation = "Pass secrets at run time (`docker run --env-file`, Docker secrets, `RUN --mount=type=secret` "
                         "during the build), never with ENV or LABEL.",
          .aliases = {"CIS-DI-0010"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            std::vector<std::string> found;
            auto judge = [&](std::string_view where, std::string_view name, std::string_view value) {
              if (secrets::secret_name(name) && !secrets::harmless_value(value)) {
                found.push_back(fmt::format("{} {}={}", where, name, secrets::redacted(value)));
              } else if (auto k = secrets::known_key(value)) {
                found.push_back(fmt::format("{} {} holds {}", where, name, *k));
              }
            };
            for (const auto& e : img.env) {
              const auto eq = e.find('=');
              judge("Config.Env", std::string_view(e).substr(0, eq),
                    eq == std::string::npos ? std::string_view() : std::string_view(e).substr(eq + 1));
            }
            for (const auto& [k, v] : img.labels)
              judge("Config.Labels", k, v);
            verdict(found, out, fmt::format("no secret among {} Env and {} label entries", img.env.size(), img.labels.size()));
          }},
      },
      Check{
          .id = "image.secret-files",
          .cis = "4.10",
          .title = "No private keys or credentials in an image's files",
          .severity = Severity::critical,
          .rationale = "Keys and credentials baked into an image go to every registry, host and person that pulls it.",
          .remediation = "Remove the file and rebuild without it in any layer; use build secrets "
                         "(`RUN --mount=type=secret`) and mount credentials at run time. Rotate the exposed credential.",
          .aliases = {"CIS-DI-0010"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            const auto* c = content_of(img, out);
            if (c == nullptr) return;
            std::vector<std::string> found;
            for (const auto& s : c->secrets) {
              if (s.removed) continue;
              found.push_back(fmt::format("{}{}: {} ({}, {})", s.path, s.line > 0 ? ":" + std::to_string(s.line) : "", s.detail,
                                          s.kind, layer_name(*c, s.layer)));
            }
            verdict(found, out, fmt::format("no private key or credential file among {} files", c->files.size()));
          }},
      },
      Check{
          .id = "image.deleted-secrets",
          .cis = "4.10",
          .title = "No secret survives in an earlier layer",
          .severity = Severity::high,
          .rationale = "Deleting a file in a later layer only hides it: the layer that added it ships with the image, "
                       "and `docker save` or a registry pull gives it back.",
          .remediation = "Rebuild so that no layer ever holds the secret (build secrets, multi-stage builds that copy "
                         "only the output); rotate the exposed credential.",
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            const auto* c = content_of(img, out);
            if (c == nullptr) return;
            std::vector<std::string> found;
            for (const auto& s : c->secrets) {
              if (!s.removed) continue;
              found.push_back(fmt::format("{}: {} ({}) still in {}", s.path, s.detail, s.kind,
                                          s.layer < c->layers.size()
                                              ? fmt::format("layer {} {}", s.layer + 1, c->layers[s.layer].digest)
                                              : layer_name(*c, s.layer)));
            }
            verdict(found, out, fmt::format("no deleted secret in {} layers", c->layers.size()));
          }},
      },
      Check{
          .id = "image.exposes-ssh",
          .title = "Images do not expose the SSH port",
          .severity = Severity::medium,
          .rationale = "An image that exposes port 22 is meant to run an SSH server; containers should be reached "
                       "with `docker exec`, not SSH, so that access goes through the engine's controls.",
          .remediation = "Remove `EXPOSE 22` and the SSH server from the image; use `docker exec` for access.",
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            for (const auto& p : img.exposed_ports) {
              if (p == "22" || p == "22/tcp") {
                out.fail("Config.ExposedPorts includes " + p);
                return;
              }
            }
            out.pass(img.exposed_ports.empty() ? "Config.ExposedPorts is empty"
                                               : "Config.ExposedPorts=" + core::join(img.exposed_ports, ","));
          }},
      },
      Check{
          .id = "image.latest-or-untagged",
          .title = "Images are tagged with a version, not only latest",
          .severity = Severity::low,
          .rationale = "`latest` moves: what runs cannot be traced to a version, and a rebuild changes it silently. "
                       "An untagged image cannot be traced at all.",
          .remediation = "Tag images with a version (`app:1.4.2`) or refer to them by digest.",
          .aliases = {"DKL-DI-0006"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            std::vector<std::string> tags;
            for (const auto& t : img.repo_tags) {
              if (t != "<none>:<none>") tags.push_back(t);
            }
            if (tags.empty()) {
              out.fail("untagged (RepoTags is empty)");
              return;
            }
            const bool only_latest = std::all_of(tags.begin(), tags.end(), [](const std::string& t) {
              const auto colon = t.rfind(':');
              return colon == std::string::npos || t.find('/', colon) != std::string::npos || t.substr(colon + 1) == "latest";
            });
            if (only_latest) {
              out.fail("RepoTags=" + core::join(tags, ",") + " (no version tag)");
            } else {
              out.pass("RepoTags=" + core::join(tags, ","));
            }
          }},
      },
      Check{
          .id = "image.layer-integrity",
          .title = "Image layers match their digests",
          .severity = Severity::critical,
          .rationale = "Every layer and blob is named by its sha256; a mismatch means the tarball was altered or "
                       "corrupted after it was made, and its content cannot be trusted.",
          .remediation = "Discard the tarball and export the image again from a trusted source (`docker save`, "
                         "`docker pull` by digest).",
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            const auto* c = content_of(img, out);
            if (c == nullptr) return;
            if (!c->integrity_problems.empty()) {
              out.fail(listed(c->integrity_problems));
            } else {
              out.pass(fmt::format("{} digests verified over {} layers", c->digests_verified, c->layers.size()));
            }
          }},
      },
      Check{
          .id = "image.world-writable",
          .title = "Images hold no world-writable files or directories",
          .severity = Severity::medium,
          .rationale = "Any user in the container can change a world-writable file, or replace the files of a "
                       "world-writable directory without the sticky bit.",
          .remediation = "Fix the modes in the Dockerfile (`chmod o-w FILE`, `chmod +t DIR` for shared directories).",
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            over_files(
                img, out,
                [](const ImageFile& f) {
                  if (f.type == model::FileType::symlink || (f.mode & 0002U) == 0) return std::string();
                  const bool dir = f.type == model::FileType::directory;
                  if (dir && (f.mode & 01000U) != 0) return std::string();
                  return fmt::format("{} ({}{})", f.path, dir ? "directory " : "", mode_text(f.mode));
                },
                "no world-writable file or unsticky directory");
          }},
      },
      Check{
          .id = "image.git-directory",
          .title = "Images hold no .git directory",
          .severity = Severity::medium,
          .rationale = "A `.git` directory carries the project's whole history, often with removed secrets and "
                       "internal URLs.",
          .remediation = "Add `.git` to `.dockerignore`, or copy only the build output into the final stage.",
          .aliases = {"DKL-LI-0003"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            over_files(
                img, out,
                [](const ImageFile& f) {
                  return f.type == model::FileType::directory && base_name(f.path) == ".git" ? f.path : std::string();
                },
                "no .git directory");
          }},
      },
      Check{
          .id = "image.sshd",
          .title = "Images ship no SSH server",
          .severity = Severity::medium,
          .rationale = "An SSH daemon in a container is a second way in that bypasses the engine's access control "
                       "(the build-time twin of CIS 5.7).",
          .remediation = "Remove the SSH server package from the image; use `docker exec` for access.",
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            over_files(
                img, out,
                [](const ImageFile& f) {
                  const auto base = base_name(f.path);
                  const bool in_bin = f.path.find("/bin/") != std::string::npos || f.path.find("/sbin/") != std::string::npos;
                  return f.type != model::FileType::directory && in_bin && (base == "sshd" || base == "dropbear") ? f.path
                                                                                                                  : std::string();
                },
                "no sshd or dropbear binary");
          }},
      },
      Check{
          .id = "image.package-cache",
          .title = "Images hold no package-manager caches",
          .severity = Severity::low,
          .rationale = "Downloaded packages and indexes make the image bigger and keep a stale view of the "
                       "repositories; they serve no purpose at run time.",
          .remediation = "Clean in the same RUN: `apt-get install ... && rm -rf /var/lib/apt/lists/*`, `apk add "
                         "--no-cache`, `dnf clean all`, `pip install --no-cache-dir`.",
          .aliases = {"DKL-DI-0005"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            const auto* c = content_of(img, out);
            if (c == nullptr) return;
            std::map<std::string_view, std::pair<std::size_t, std::uint64_t>> caches;
            for (const auto& f : c->files) {
              if (f.type != model::FileType::regular) continue;
              const auto cache = cache_of(f.path);
              if (cache.empty()) continue;
              auto& [count, bytes] = caches[cache];
              ++count;
              bytes += f.size;
            }
            if (caches.empty()) {
              out.pass("no apt, apk, yum, dnf, pip or npm cache");
              return;
            }
            std::vector<std::string> found;
            for (const auto& [name, stats] : caches)
              found.push_back(fmt::format("{}: {} files, {} bytes", name, stats.first, stats.second));
            out.fail(core::join(found, "; "));
          }},
      },
  };
  return checks;
}

}  // namespace

std::span<const Check> image_checks() { return table(); }

}  // namespace drydock::checks
