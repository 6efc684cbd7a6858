/// Provenance of what goes into images: base images and images from trusted registries only
/// (CIS 4.2, against `.drydock.yaml`'s trusted-registries and trusted-images); package managers
/// told not to verify signatures (or TLS), in Dockerfiles, build history and files (CIS 4.11).

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/checks/dockerfile_support.hpp"
#include "drydock/checks/package_managers.hpp"
#include "drydock/checks/text_scan.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::checks {
namespace {

using model::Dockerfile;
using model::HostSnapshot;
using model::ContainerSpec;
using model::ImageSpec;
using model::SourcePolicy;
using model::Instruction;
using model::RunCommand;
using sv = std::string_view;

constexpr dockerfile::Rule k_unsigned_packages{"dockerfile.unverified-packages", "4.11", {}};
constexpr dockerfile::Rule k_trusted_base{"dockerfile.trusted-base-image", "4.2", {}};

// ---------------------------------------------------------------------------------------------
// CIS 4.2: image references against the trusted sources.

/// `*` any run of characters, `?` one character; everything else literal.
bool glob(sv pattern, sv text) {
  std::size_t p = 0, t = 0, star = sv::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != sv::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

/// An image reference the way the engine completes it: "debian:12" is
/// docker.io/library/debian:12; "registry:5000/team/app@sha256:..." keeps its registry.
struct Reference {
  std::string registry, repository, tag, digest;
  [[nodiscard]] std::string name() const {
    std::string out = registry + "/" + repository;
    if (!tag.empty()) out += ":" + tag;
    if (!digest.empty()) out += "@" + digest;
    return out;
  }
};

using dockerfile::reference_view;

std::optional<Reference> reference(sv text, bool any_tag = false) {
  const auto v = reference_view(text, any_tag);
  if (!v) return std::nullopt;
  Reference r;
  r.registry = std::string(v->registry);
  r.repository = v->library ? "library/" + std::string(v->repository) : std::string(v->repository);
  r.tag = std::string(v->tag);
  r.digest = std::string(v->digest);
  return r;
}

/// Why `r` is trusted ("registry docker.io", "trusted-images debian:12*"), or nullopt; `near`
/// gets what almost matched (a trusted image with another digest).
std::optional<std::string> trusted_by(const SourcePolicy& policy, const Reference& r, std::string& near) {
  for (const auto& reg : policy.registries) {
    if (glob(core::to_lower(reg), core::to_lower(r.registry))) return fmt::format("trusted registry {}", reg);
  }
  for (const auto& img : policy.images) {
    const auto p = reference(img.pattern, true);
    if (!p || !glob(p->registry, r.registry) || !glob(p->repository, r.repository)) continue;
    if (!glob(p->tag, r.tag) && !(p->tag == "*" && r.tag.empty())) continue;
    if (!img.digest.empty() && img.digest != r.digest) {
      near = r.digest.empty() ? fmt::format("{} is trusted only at {}, and {} names no digest", img.pattern, img.digest, r.name())
                              : fmt::format("{} is trusted only at {}, not {}", img.pattern, img.digest, r.digest);
      continue;
    }
    return fmt::format("trusted image {}{}", img.pattern, img.digest.empty() ? "" : "@" + img.digest);
  }
  return std::nullopt;
}

/// One image reference judged: "" when trusted (`why` says by what), else what is wrong.
std::string untrusted(const SourcePolicy& policy, const Reference& r, std::string& why) {
  std::string near;
  if (auto t = trusted_by(policy, r, near)) {
    why = fmt::format("{} ({})", r.name(), *t);
    return {};
  }
  return near.empty() ? fmt::format("{} is from registry {}, neither a trusted registry nor a trusted image", r.name(), r.registry)
                      : near;
}

/// The references an image is known by: its tags, each with the digest the engine recorded for
/// its repository, and its RepoDigests.
std::vector<Reference> references_of(const ImageSpec& img) {
  std::vector<Reference> digests;
  for (const auto& d : img.repo_digests) {
    if (auto r = reference(d)) digests.push_back(std::move(*r));
  }
  std::vector<Reference> out;
  for (const auto& t : img.repo_tags) {
    auto r = reference(t);
    if (!r) continue;
    for (const auto& d : digests) {
      if (d.registry == r->registry && d.repository == r->repository) r->digest = d.digest;
    }
    out.push_back(std::move(*r));
  }
  for (auto& d : digests) {
    const bool named = std::any_of(out.begin(), out.end(), [&](const Reference& o) {
      return o.registry == d.registry && o.repository == d.repository && o.digest == d.digest;
    });
    if (!named) out.push_back(std::move(d));
  }
  return out;
}

/// The 4.2 verdict over the names of one image (in use or read): trusted when one of them is.
void judge_names(const SourcePolicy* policy, const std::vector<Reference>& names, std::string_view what, Results& out) {
  if (names.empty()) {
    if (policy == nullptr) {
      out.info(fmt::format("{} has no registry name (built or loaded locally)", what));
    } else {
      out.fail(fmt::format("{} has no registry name (built or loaded locally): its source cannot be checked against "
                           "trusted-registries or trusted-images", what));
    }
    return;
  }
  std::vector<std::string> shown;
  for (const auto& n : names)
    shown.push_back(n.name());
  if (policy == nullptr) {
    out.info(fmt::format("{} comes from {} (no trusted-registries or trusted-images in .drydock.yaml to check against)", what,
                         core::join(shown, ", ")));
    return;
  }
  std::vector<std::string> problems;
  for (const auto& n : names) {
    std::string why;
    auto problem = untrusted(*policy, n, why);
    if (problem.empty()) {
      out.pass(why);
      return;
    }
    problems.push_back(std::move(problem));
  }
  out.fail(core::join(problems, "; "));
}

/// CIS 4.2 without a policy to judge by: the base images, for a person to judge (`info`).
void dockerfile_base_images(const Dockerfile& d, Results& out) {
  // Written in a buffer the thread keeps: the Text made of it is the one allocation.
  thread_local std::string evidence;
  evidence.clear();
  const Instruction* first = nullptr;
  for (const auto& s : d.stages) {
    if (s.base_stage >= 0 || s.instructions.empty() || core::same_lower(s.base, "scratch")) continue;
    const auto r = reference_view(s.base);
    if (!r) continue;
    const Instruction& from = s.instructions.front();
    if (first == nullptr) {
      first = &from;
      evidence += sv("base images: ");  // cleared above
    } else {
      evidence += sv("; ");
    }
    evidence += sv("line ");
    dockerfile::append_number(evidence, from.location.line);
    evidence += sv(": ");
    r->append_name(evidence);
  }
  if (first == nullptr) {
    out.pass("no base image from a registry (scratch or earlier stages only)");
    return;
  }
  evidence += sv(" (no trusted-registries or trusted-images in .drydock.yaml to check against)");
  Finding& f = out.info(core::Text(sv(evidence)));
  model::Location where = first->location;
  if (where.file.empty()) where.file = d.path;
  f.location = std::move(where);
}

void dockerfile_trusted_base(const Dockerfile& d, Results& out) {
  if (!d.trusted_sources) {
    dockerfile_base_images(d, out);
    return;
  }
  std::vector<dockerfile::Offender> found;
  std::vector<std::string> trusted;
  for (const auto& s : d.stages) {
    if (s.base_stage >= 0 || s.instructions.empty()) continue;
    const Instruction& from = s.instructions.front();
    if (core::same_lower(s.base, "scratch")) continue;
    auto r = reference(s.base);
    if (!r) {
      found.push_back({&from, fmt::format("FROM {} cannot be resolved to a registry", s.base)});
      continue;
    }
    std::string why;
    auto problem = untrusted(*d.trusted_sources, *r, why);
    if (problem.empty()) {
      trusted.push_back(why);
    } else {
      found.push_back({&from, "FROM " + problem});
    }
  }
  dockerfile::report(d, k_trusted_base, std::move(found), out,
                     trusted.empty() ? std::string("no base image from a registry (scratch or earlier stages only)")
                                     : "every base image is trusted: " + core::join(trusted, "; "));
}

void image_trusted_source(const ImageSpec& img, const HostSnapshot& host, Results& out) {
  judge_names(host.trusted_sources.get(), references_of(img), "the image", out);
}

void container_trusted_image(const ContainerSpec& c, const HostSnapshot& host, Results& out) {
  std::vector<Reference> names;
  auto configured = reference(c.image);
  if (configured) {
    // The engine's RepoDigests for the image the container runs pin the configured tag.
    for (const auto& img : host.images) {
      if (img.id != c.image_id || c.image_id.empty()) continue;
      for (const auto& r : references_of(img)) {
        if (r.registry == configured->registry && r.repository == configured->repository && configured->digest.empty())
          configured->digest = r.digest;
      }
    }
    names.push_back(std::move(*configured));
  }
  if (names.empty() && c.image.empty()) {
    out.skip("no image named (a Compose service built from `build:` only)");
    return;
  }
  judge_names(host.trusted_sources.get(), names, fmt::format("image {}", c.image), out);
}

bool yes(sv value) {
  const std::string v = core::to_lower(core::trim(value));
  return v == "yes" || v == "true" || v == "1" || v == "on";
}
bool no(sv value) {
  const std::string v = core::to_lower(core::trim(value));
  return v == "no" || v == "false" || v == "0" || v == "off";
}

/// An apt `-o Key=Value` that accepts unverified packages or repositories, or skips TLS checks.
bool apt_option_unverified(sv setting) {
  const auto eq = setting.find('=');
  if (eq == sv::npos) return false;
  const std::string key = core::to_lower(core::trim(setting.substr(0, eq)));
  const sv value = setting.substr(eq + 1);
  if (key == "apt::get::allowunauthenticated" || key == "acquire::allowinsecurerepositories" ||
      key == "acquire::allowdowngradetoinsecurerepositories" || key == "acquire::allowweakrepositories")
    return yes(value);
  if (key.starts_with("acquire::https::") && (key.ends_with("::verify-peer") || key.ends_with("::verify-host"))) return no(value);
  return false;
}

/// A dnf/yum `--setopt=key=value` that turns off GPG or TLS checks (`gpgcheck=0`, `epel.gpgcheck=0`).
bool rpm_setopt_unverified(sv setting) {
  const auto eq = setting.find('=');
  if (eq == sv::npos) return false;
  std::string key = core::to_lower(core::trim(setting.substr(0, eq)));
  if (const auto dot = key.rfind('.'); dot != std::string::npos) key = key.substr(dot + 1);
  return (key == "gpgcheck" || key == "pkg_gpgcheck" || key == "localpkg_gpgcheck" || key == "sslverify") && no(setting.substr(eq + 1));
}

/// The length of the shortest setting unverified_text looks for ("gpgcheck").
constexpr std::size_t k_shortest_setting = 8;

/// Text written into a package manager's configuration from a RUN (`echo 'deb [trusted=yes] ...' >`,
/// `sed -i s/gpgcheck=1/gpgcheck=0/`, a heredoc): the settings it spells.
void unverified_text(sv text, std::vector<std::string>& found) {
  // Every setting below is spelled in 8 bytes or more ("gpgcheck"): most words of a RUN are
  // shorter, and are not copied for nothing (this runs for every word of every command).
  if (text.size() < k_shortest_setting) return;
  // Each setting below holds "ru" (trusted), "ow" (allow) or "pg" (gpgcheck), in any case: a
  // text with none of them (nearly every word) is not lowered nor searched.
  static constexpr std::array<scan::Pair, 3> k_pairs = {{{'r', 'u'}, {'o', 'w'}, {'p', 'g'}}};
  if (!scan::holds_pair(text, k_pairs, true)) return;
  thread_local std::string buffer;  // lower-cased into it: no allocation per word
  const std::string_view lower = core::lower_into(text, buffer);
  auto add = [&](std::string what) {
    if (std::find(found.begin(), found.end(), what) == found.end()) found.push_back(std::move(what));
  };
  for (sv option : {sv("trusted=yes"), sv("allow-insecure=yes"), sv("allow-weak=yes")}) {
    if (lower.find(option) != std::string::npos) add(fmt::format("writes [{}] into an apt source", option));
  }
  if (const auto at = lower.find("allowunauthenticated"); at != std::string::npos) {
    const sv rest = sv(lower).substr(at);
    if (rest.find("true") != sv::npos || rest.find("yes") != sv::npos || rest.find("\"1\"") != sv::npos)
      add("writes APT::Get::AllowUnauthenticated true into apt.conf");
  }
  for (std::size_t at = lower.find("gpgcheck"); at != std::string::npos; at = lower.find("gpgcheck", at + 1)) {
    sv rest = sv(lower).substr(at + 8);
    while (!rest.empty() && rest.front() == ' ')
      rest.remove_prefix(1);
    if (!rest.starts_with('=')) continue;
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() == ' ')
      rest.remove_prefix(1);
    if (rest.starts_with('0') || rest.starts_with("false") || rest.starts_with("no") || rest.starts_with("off")) {
      add("writes gpgcheck=0 into a repository");
      break;
    }
  }
  if (lower.find("trusted-host") != std::string::npos || lower.find("trusted_host") != std::string::npos)
    add("writes trusted-host into pip's configuration");
}

/// What one command does to switch verification off, each as evidence ("apk --allow-untrusted").
void unverified_in(const RunCommand& c, std::vector<std::string>& found) {
  if (c.words.empty()) return;
  auto add = [&](std::string what) {
    if (std::find(found.begin(), found.end(), what) == found.end()) found.push_back(std::move(what));
  };
  const auto inv = packages::invocation(c);
  std::size_t before = found.size();
  if (inv.manager != nullptr) {
    // Invocation::unsigned_options, read in place (no list of copies made for each command).
    for (std::size_t i = inv.first; i < c.words.size(); ++i) {
      const sv w = c.words[i];
      if (w.empty() || w[0] != '-') continue;  // not an option (dashed)
      for (auto o : inv.manager->unsigned_) {
        if (packages::is_option(*inv.manager, w, o)) {
          add(fmt::format("{} {}", inv.manager->name, w));
          break;
        }
      }
    }
    const auto family = inv.manager->family;
    for (std::size_t i = inv.first; i < c.words.size(); ++i) {
      const sv w = c.words[i];
      if (core::same(w, "--")) break;
      const bool next = i + 1 < c.words.size();
      if (family == packages::Family::apt || family == packages::Family::aptitude) {
        std::string_view setting;
        if ((core::same(w, "-o") || core::same(w, "--option")) && next) {
          setting = c.words[i + 1];
        } else if (w.starts_with("--option=")) {
          setting = sv(w).substr(9);
        } else if (w.starts_with("-o") && w.size() > 2 && w[2] != '-') {
          setting = sv(w).substr(2);
        }
        if (apt_option_unverified(setting)) add(fmt::format("{} -o {}", inv.manager->name, setting));
      } else if (family == packages::Family::rpm) {
        std::string_view setting;
        if (core::same(w, "--setopt") && next) {
          setting = c.words[i + 1];
        } else if (w.starts_with("--setopt=")) {
          setting = sv(w).substr(9);
        }
        if (rpm_setopt_unverified(setting)) add(fmt::format("{} --setopt={}", inv.manager->name, setting));
      }
    }
    // `pip config set global.trusted-host HOST`
    if (family == packages::Family::pip && core::same(inv.subcommand, "config")) {
      for (const auto& op : inv.operands(c)) {
        const std::string lower = core::to_lower(op);
        if (lower.ends_with(".trusted-host") || lower.ends_with(".trusted_host")) add(fmt::format("pip config set {}", op));
      }
    }
  } else if (core::same(c.program, "rpm")) {
    for (std::size_t i = 1; i < c.words.size(); ++i) {
      const sv w = c.words[i];
      if (w == "--") break;
      if (w == "--nosignature" || w == "--nodigest" || w == "--nofiledigest") add("rpm " + std::string(w));
    }
  }
  if (found.size() != before) return;  // the command itself said it; its words need no second reading
  for (std::size_t i = 1; i < c.words.size(); ++i) {
    // Most words are shorter than any setting: not even a call for them.
    if (c.words[i].size() >= k_shortest_setting) unverified_text(c.words[i], found);
  }
}

/// What a RUN (its commands and heredoc bodies) does to switch verification off.
std::vector<std::string> unverified_in_run(const Instruction& run) {
  std::vector<std::string> found;
  for (const auto& c : run.commands)
    unverified_in(c, found);
  for (const auto& h : run.heredocs)
    unverified_text(h.content, found);
  return found;
}

/// `PIP_TRUSTED_HOST` in an environment entry ("NAME=value" or a separate name and value).
bool pip_trusted_host_env(sv name, sv value) { return name == "PIP_TRUSTED_HOST" && !core::trim(value).empty(); }

void dockerfile_unverified_packages(const Dockerfile& d, Results& out) {
  std::vector<dockerfile::Offender> found;
  std::size_t runs = 0;
  auto visit = [&](const Instruction& i) {
    if (i.is("RUN")) {
      ++runs;
      const auto what = unverified_in_run(i);
      if (!what.empty()) found.push_back({&i, core::join(what, ", ")});
    } else if (i.is("ENV")) {
      for (const auto& kv : i.pairs) {
        if (pip_trusted_host_env(kv.key, kv.expanded.empty() ? kv.value : kv.expanded))
          found.push_back({&i, fmt::format("ENV {}={} makes pip trust that host without TLS verification", kv.key, kv.value)});
      }
    }
  };
  for (const auto& s : d.stages) {
    for (const auto& i : s.instructions) {
      visit(i);
      for (const auto& t : i.trigger)
        visit(t);
    }
  }
  // Written in place in a buffer the thread keeps: the Text made of it is the one allocation (fmt's
  // formatting of the number cost more than the text).
  thread_local std::string evidence;
  evidence.clear();
  evidence += sv("no package manager is told to skip signature or TLS checks in ");
  dockerfile::append_number(evidence, static_cast<long long>(runs));
  evidence += sv(" RUN instructions");
  dockerfile::report(d, k_unsigned_packages, std::move(found), out, core::Text(sv(evidence)));
}

void image_unverified_packages(const ImageSpec& img, const HostSnapshot&, Results& out) {
  if (!img.history && !img.content) {
    out.skip("neither the image's history nor its files were read (`drydock image` reads them)");
    return;
  }
  std::vector<std::string> found;
  std::vector<std::string> read;
  if (img.history) {
    for (std::size_t n = 0; n < img.history->size(); ++n) {
      const auto& i = (*img.history)[n].instruction;
      if (!i.is("RUN")) continue;
      const auto what = unverified_in_run(i);
      if (!what.empty()) found.push_back(fmt::format("history step {}: {}", n + 1, core::join(what, ", ")));
    }
    read.push_back(fmt::format("{} history steps", img.history->size()));
  }
  for (const auto& e : img.env) {
    const auto eq = e.find('=');
    if (eq != std::string::npos && pip_trusted_host_env(sv(e).substr(0, eq), sv(e).substr(eq + 1)))
      found.push_back(fmt::format("Config.Env {}", e));
  }
  if (img.content) {
    for (const auto& s : img.content->unverified_sources)
      found.push_back(fmt::format("{}:{}: {}", s.path, s.line, s.detail));
    read.push_back(fmt::format("{} package-manager configuration files", img.content->package_configs));
  } else {
    read.push_back("the files were not read");
  }
  if (found.empty()) {
    out.pass(fmt::format("no signature or TLS check switched off ({})", core::join(read, ", ")));
    return;
  }
  std::vector<std::string> shown(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(found.size(), 20)));
  out.fail(core::join(shown, "; ") + (found.size() > shown.size() ? fmt::format("; and {} more", found.size() - shown.size()) : ""));
}

void image_signature(const ImageSpec& img, const HostSnapshot&, Results& out) {
  if (!img.signature_check) {
    const std::size_t cosign = img.signatures.size();
    const std::size_t notation = img.notation_signatures.size();
    if (cosign == 0 && notation == 0) {
      out.skip("no --verify-key or --trust-store given (`drydock image IMAGE --verify-key cosign.pub` for cosign, "
               "`--trust-store CERTS` for Notation)");
    } else {
      std::vector<std::string> found;
      if (cosign > 0) found.push_back(fmt::format("{} cosign signature{} (give --verify-key)", cosign, cosign == 1 ? "" : "s"));
      if (notation > 0)
        found.push_back(fmt::format("{} Notation signature{} (give --trust-store)", notation, notation == 1 ? "" : "s"));
      out.skip(fmt::format("{} found; not verified", core::join(found, " and ")));
    }
    return;
  }
  out.write(img.signature_check->status, img.signature_check->evidence);
}

void podman_signature_policy(const HostSnapshot& s, Results& out) {
  if (!s.engine || !s.engine->podman) {
    out.skip("not a Podman engine: Docker's content trust is judged per image (image.signature)");
    return;
  }
  if (!s.podman || !s.podman->policy_read) {
    out.skip("Podman " + s.engine->podman_version + ": no policy.json was read (/etc/containers/policy.json)");
    return;
  }
  const auto& p = *s.podman;
  std::vector<std::string> accepting;
  std::string default_type;
  for (const auto& e : p.policy) {
    if (e.scope == "default" && default_type.empty()) default_type = e.type;
    if (e.type == "insecureAcceptAnything") accepting.push_back(e.scope);
  }
  if (accepting.empty()) {
    out.pass(fmt::format("{}: default requirement {}; no scope accepts unsigned images", p.policy_file,
                         default_type.empty() ? std::string("(none)") : "\"" + default_type + "\""));
    return;
  }
  out.fail(fmt::format("{}: \"type\": \"insecureAcceptAnything\" for {}: Podman pulls and runs images there without "
                       "checking any signature",
                       p.policy_file, core::join(accepting, ", ")));
}

const std::vector<Check>& table() {
  static const std::vector<Check> checks = {
      Check{
          .id = k_unsigned_packages.id,
          .cis = k_unsigned_packages.cis,
          .title = "Package managers verify signatures during the build",
          .severity = Severity::high,
          .rationale = "A package manager told to accept unsigned packages or untrusted repositories (or to skip TLS) "
                       "installs whatever a mirror or a network attacker serves; CIS 4.11 asks that only verified "
                       "packages go into images.",
          .remediation = "Drop `--allow-unauthenticated`, `--allow-untrusted`, `--nogpgcheck`, `rpm --nosignature`, "
                         "`--trusted-host` and `[trusted=yes]`; import the repository's signing key instead "
                         "(`signed-by=/usr/share/keyrings/repo.gpg`, `rpm --import KEY`, `apk` keys in /etc/apk/keys).",
          .evaluate = DockerfileEval{dockerfile_unverified_packages},
          // CIS rates 4.11 Manual; what switches verification off is decided here.
          .manual = true,
      },
      Check{
          .id = k_trusted_base.id,
          .cis = k_trusted_base.cis,
          .title = "Base images come from trusted registries",
          .severity = Severity::medium,
          .rationale = "Whatever a base image holds goes into every image built on it; CIS 4.2 asks that base images "
                       "come only from registries and images the team trusts.",
          .remediation = "Build FROM an image of a trusted registry (or mirror the base image there), pinned by digest; "
                         "list trusted sources in `.drydock.yaml`: `trusted-registries: [registry.corp.example]`, "
                         "`trusted-images: [docker.io/library/debian:12*]`.",
          .evaluate = DockerfileEval{dockerfile_trusted_base},
          // CIS rates 4.2 Manual; with trusted-registries or trusted-images drydock decides it.
          .manual = true,
      },
      Check{
          .id = "image.trusted-source",
          .cis = "4.2",
          .title = "Images come from trusted registries",
          .severity = Severity::medium,
          .rationale = "An image pulled from an unvetted registry or repository runs code nobody reviewed; CIS 4.2 asks "
                       "that only images from trusted sources be used.",
          .remediation = "Pull the image from a trusted registry (or mirror it there) and pin it by digest; list trusted "
                         "sources in `.drydock.yaml` (`trusted-registries`, `trusted-images`).",
          .evaluate = ImageEval{image_trusted_source},
          // CIS rates 4.2 Manual; with trusted-registries or trusted-images drydock decides it.
          .manual = true,
      },
      Check{
          .id = "runtime.trusted-image",
          .cis = "4.2",
          .title = "Containers run images from trusted registries",
          .severity = Severity::medium,
          .rationale = "The image a container or Compose service runs decides all of its code; CIS 4.2 asks that it come "
                       "from a registry or image the team trusts.",
          .remediation = "Run an image of a trusted registry, pinned by digest (`image: registry.corp.example/app@sha256:...`); "
                         "list trusted sources in `.drydock.yaml` (`trusted-registries`, `trusted-images`).",
          .evaluate = ContainerEval{container_trusted_image},
          // CIS rates 4.2 Manual; with trusted-registries or trusted-images drydock decides it.
          .manual = true,
          .reads_images = true,  // the RepoDigests of the container's image
      },
      Check{
          .id = "image.signature",
          .cis = "4.5",
          .title = "Images carry a valid cosign or Notation signature by a trusted key",
          .severity = Severity::high,
          .rationale = "A signature by the team's key over the image's manifest digest proves who published the image and "
                       "that nothing changed since (CIS 4.5, content trust, and 4.12); Docker Content Trust's Notary "
                       "service is being retired, cosign or Notation signatures replace it.",
          .remediation = "Sign the image by digest (`cosign sign --key cosign.key IMAGE@sha256:...`, or `notation sign` with a "
                         "code-signing certificate) and verify it before use: `drydock image OCI-DIR --verify-key cosign.pub` "
                         "or `--trust-store ca.pem`, or `drydock verify --key cosign.pub --digest sha256:... --signatures "
                         "sigs.json`.",
          .evaluate = ImageEval{image_signature},
      },
      Check{
          .id = "image.unverified-packages",
          .cis = "4.11",
          .title = "Images were built, and are configured, with package signature checks on",
          .severity = Severity::high,
          .rationale = "Build steps that skip signature checks may have installed anything; a repository configured "
                       "with `[trusted=yes]` or `gpgcheck=0` keeps doing so for every later install in the image or "
                       "its descendants.",
          .remediation = "Rebuild without the options the evidence lists; in the image's files remove `[trusted=yes]`, "
                         "`AllowUnauthenticated`, `gpgcheck=0` and `trusted-host`, and give each repository its key.",
          .evaluate = ImageEval{image_unverified_packages},
          // CIS rates 4.11 Manual; what switches verification off is decided here.
          .manual = true,
      },
      // Podman's counterpart of content trust: the signature policy of containers/image.
      Check{.id = "daemon.podman-signature-policy",
            .cis = "4.5",
            .title = "Podman's signature policy does not accept unsigned images",
            .severity = Severity::medium,
            .rationale = "policy.json decides which signatures Podman requires before it pulls an image; "
                         "insecureAcceptAnything (the packaged default) accepts any image from anyone who can answer "
                         "for the registry.",
            .remediation = "In /etc/containers/policy.json make the default \"reject\" and require \"signedBy\" or "
                           "\"sigstoreSigned\" with the publishers' keys for the registries in use (containers-policy.json(5)).",
            .evaluate = DaemonEval{&podman_signature_policy}},
  };
  return checks;
}

}  // namespace

std::span<const Check> provenance_checks() { return table(); }

}  // namespace drydock::checks

namespace drydock::checks::dockerfile {

void ReferenceView::append_name(std::string& out) const {
  out += registry;
  out += '/';
  if (library) out += std::string_view("library/");
  out += repository;
  if (!tag.empty()) {
    out += ':';
    out += tag;
  }
  if (!digest.empty()) {
    out += '@';
    out += digest;
  }
}

std::optional<ReferenceView> reference_view(std::string_view text, bool any_tag) {
  // One pass over the text finds what the reading needs (the tests hold the plain reading, with
  // a trim, finds and rfinds, that this one replaces): the bytes that make it no reference, the
  // first '@' (the digest), and before it the first and last '/' and the last ':', and whether
  // a '.' or ':' comes before the first '/' (a registry host).
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && blank(text[begin]))
    ++begin;
  while (end > begin && blank(text[end - 1]))
    --end;
  text = text.substr(begin, end - begin);
  if (text.empty()) return std::nullopt;
  constexpr std::size_t npos = std::string_view::npos;
  std::size_t at = npos;
  std::size_t first_slash = npos;
  std::size_t last_slash = npos;
  std::size_t last_colon = npos;
  bool host_mark = false;  // a '.' or ':' before the first '/' (and before '@')
  // The bytes the reading stops at; every other byte (letters, digits, '-', '_') is passed over.
  static constexpr auto k_marks = [] {
    std::array<bool, 256> out{};
    for (const char c : std::string_view("$ \t@/:."))
      out[static_cast<unsigned char>(c)] = true;
    return out;
  }();
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (!k_marks[static_cast<unsigned char>(c)]) continue;
    if (c == '$' || c == ' ' || c == '\t') return std::nullopt;
    if (c == '@') {
      at = i;
      break;
    }
    if (c == '/') {
      if (first_slash == npos) first_slash = i;
      last_slash = i;
    } else if (c == ':') {
      last_colon = i;
      host_mark = host_mark || first_slash == npos;
    } else {  // '.'
      host_mark = host_mark || first_slash == npos;
    }
  }
  // After the '@', only what makes the text no reference.
  for (++i; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '$' || c == ' ' || c == '\t') return std::nullopt;
  }
  // (compared in line: g++ 12's starts_with(const char*) is a strlen and a compare call)
  if (core::same(text.substr(0, 6), "<none>") || core::same(text.substr(0, 7), "sha256:")) return std::nullopt;
  if (text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
    return std::nullopt;
  ReferenceView r;
  if (at != npos) r.digest = text.substr(at + 1);
  const std::string_view name = text.substr(0, at);
  std::size_t rest = 0;  // where the repository (and tag) begin in `name`
  if (first_slash != npos && (host_mark || core::same(name.substr(0, first_slash), "localhost"))) {
    r.registry = name.substr(0, first_slash);
    rest = first_slash + 1;
  }
  if (r.registry.empty() || core::same(r.registry, "index.docker.io") || core::same(r.registry, "registry-1.docker.io")) r.registry = "docker.io";
  // The last '/' and ':' of the repository part (a registry's `host:port` is not a tag).
  const std::size_t slash = last_slash != npos && last_slash >= rest ? last_slash : npos;
  const std::size_t colon = last_colon != npos && last_colon >= rest ? last_colon : npos;
  std::size_t repo_end = name.size();
  if (colon != npos && (slash == npos || colon > slash)) {
    r.tag = name.substr(colon + 1);
    repo_end = colon;
  }
  if (repo_end == rest) return std::nullopt;
  r.repository = name.substr(rest, repo_end - rest);
  r.library = core::same(r.registry, "docker.io") && (slash == npos || slash >= repo_end);
  if (r.tag.empty() && r.digest.empty()) r.tag = any_tag ? "*" : "latest";
  return r;
}

}  // namespace drydock::checks::dockerfile
