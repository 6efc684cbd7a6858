/// Docker Content Trust (Notary v1, CIS 4.5) on hosts and in project folders: where it is
/// switched on, now that its service is being retired.

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "drydock/checks/catalogue.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::checks {
namespace {

using model::HostSnapshot;

constexpr std::size_t k_shown = 20;

std::string describe(const model::ContentTrustSetting& s) {
  std::string at = s.location.file;
  if (s.location.line > 0) at += fmt::format(":{}", s.location.line);
  if (s.variable == "docker trust") return fmt::format("{} ({}): `docker trust {}`", at, s.where, s.value);
  if (s.variable == "DOCKER_CONTENT_TRUST_SERVER")
    return fmt::format("{} ({}): DOCKER_CONTENT_TRUST_SERVER={} (a Notary v1 server)", at, s.where, s.value);
  return fmt::format("{} ({}): {}={}", at, s.where, s.variable, s.value);
}

/// The files read, a few by name.
std::string files_read(const std::vector<std::string>& files) {
  std::vector<std::string> shown(files.begin(), files.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(files.size(), 6)));
  return fmt::format("{} file{} read: {}{}", files.size(), files.size() == 1 ? "" : "s", core::join(shown, ", "),
                     files.size() > shown.size() ? ", ..." : "");
}

void docker_content_trust(const HostSnapshot& s, Results& out) {
  if (!s.host || !s.host->content_trust) {
    out.skip("the places that set the docker CLI's or the daemon's environment were not read (`drydock host` reads them, "
             "`drydock compose` the project's CI files)");
    return;
  }
  const auto& f = *s.host->content_trust;
  if (f.files_read.empty()) {
    out.skip(f.diagnostics.empty() ? std::string("no file that could set DOCKER_CONTENT_TRUST exists here (no CI file, "
                                                 "profile or environment file)")
                                   : "nothing could be read: " + core::join(f.diagnostics, "; "));
    return;
  }
  if (f.settings.empty()) {
    out.pass(fmt::format("DOCKER_CONTENT_TRUST is not switched on, no Notary server is named and `docker trust` is not run "
                         "({}){}",
                         files_read(f.files_read),
                         f.diagnostics.empty() ? "" : "; not read: " + core::join(f.diagnostics, "; ")));
    return;
  }
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < f.settings.size() && i < k_shown; ++i)
    shown.push_back(describe(f.settings[i]));
  std::string evidence = core::join(shown, "; ");
  if (f.settings.size() > shown.size()) evidence += fmt::format("; and {} more", f.settings.size() - shown.size());
  evidence +=
      ". This relies on Docker Content Trust, whose Notary v1 service for Docker Hub shuts down in December 2026 "
      "(the signing certificates of official images have been expiring since 2025): with it on, the docker CLI refuses "
      "or cannot verify images; dockerd itself does not act on the variable";
  auto& finding = out.warn(std::move(evidence));
  const auto& first = f.settings.front().location;
  if (first.line > 0) finding.location = first;
}

const model::TrustKey* key_of(const model::FileFact& f, const HostSnapshot& s) {
  if (!s.host || !s.host->trust_keys) return nullptr;
  for (const auto& k : *s.host->trust_keys) {
    if (k.path == f.path) return &k;
  }
  return nullptr;
}

void root_key_on_host(const model::FileFact& f, const HostSnapshot& s, Results& out) {
  const auto* key = key_of(f, s);
  if (key == nullptr || !key->error.empty()) {
    out.error(fmt::format("the key could not be read: {}", key == nullptr ? f.error : key->error));
    return;
  }
  if (key->role == "root") {
    out.fail(fmt::format("{}'s trust store holds a Notary root key ({}{}): whoever reads it can sign any trust data "
                         "of the repositories it roots",
                         key->user, f.path, key->gun.empty() ? "" : ", gun " + key->gun));
    return;
  }
  out.pass(fmt::format("a {} key{} of {}, not a root key", key->role.empty() ? "Notary" : key->role,
                       key->gun.empty() ? "" : " for " + key->gun, key->user));
}

void key_permissions(const model::FileFact& f, const HostSnapshot& s, Results& out) {
  if (!f.error.empty()) {
    out.error("cannot stat the key: " + f.error);
    return;
  }
  std::vector<std::string> wrong;
  if ((f.mode & 077U) != 0) wrong.push_back(fmt::format("{} is mode {:04o} (want 0600)", f.path, f.mode));
  std::string owner = f.owner;
  for (const auto& d : s.host->files) {
    if (d.role != "trust-key-dir" || !d.exists || !core::path_within(f.path, d.path) || d.path == f.path) continue;
    if ((d.mode & 077U) != 0) wrong.push_back(fmt::format("its folder {} is mode {:04o} (want 0700)", d.path, d.mode));
  }
  if (!wrong.empty()) {
    out.fail(core::join(wrong, "; ") + ": other users can read the private key or replace it");
    return;
  }
  out.pass(fmt::format("{} is mode {:04o}, owned by {}, in folders of mode 0700 or stricter", f.path, f.mode, owner));
}

/// The engine's name for a GUN's repository: docker.io/library/debian is "debian",
/// docker.io/team/app "team/app", other registries as they are.
std::string engine_name(std::string_view gun) {
  for (const std::string_view hub : {"docker.io/library/", "docker.io/"}) {
    if (gun.starts_with(hub)) return std::string(gun.substr(hub.size()));
  }
  return std::string(gun);
}

/// The engine's RepoDigests of the signed tags, against the signed digests.
struct EngineComparison {
  std::vector<std::string> mismatches;  ///< tags the engine holds at a digest the repository did not sign
  std::size_t compared = 0;             ///< signed tags the engine holds with a registry digest
};

EngineComparison compare_with_engine(const model::NotaryRepo& repo, const HostSnapshot& s) {
  EngineComparison out;
  if (!s.all_images) return out;
  const std::string name = engine_name(repo.gun);
  std::map<std::string, std::vector<std::string>> signed_digests;  // tag -> digests signed by any role
  for (const auto& t : repo.targets)
    signed_digests[t.name].push_back(t.digest);
  for (const auto& [tag, digests] : signed_digests) {
    for (const auto& img : *s.all_images) {
      if (std::find(img.repo_tags.begin(), img.repo_tags.end(), name + ":" + tag) == img.repo_tags.end()) continue;
      std::vector<std::string> held;
      for (const auto& d : img.repo_digests) {
        if (d.starts_with(name + "@")) held.push_back(d.substr(name.size() + 1));
      }
      if (held.empty()) continue;  // built or loaded here: the engine knows no registry digest for it
      ++out.compared;
      bool match = false;
      for (const auto& d : held)
        match = match || std::find(digests.begin(), digests.end(), d) != digests.end();
      if (!match)
        out.mismatches.push_back(fmt::format("the engine's {}:{} is {}, the signed target is {}", name, tag, core::join(held, ", "),
                                             core::join(digests, ", ")));
    }
  }
  return out;
}

void notary_metadata(const model::FileFact& f, const HostSnapshot& s, Results& out) {
  const model::NotaryRepo* repo = nullptr;
  if (s.host && s.host->notary_repos) {
    for (const auto& r : *s.host->notary_repos) {
      if (r.path == f.path) repo = &r;
    }
  }
  if (repo == nullptr) {
    out.error("the trust data could not be read: " + f.error);
    return;
  }
  std::vector<std::string> problems = repo->problems;
  // Rollback: a role older here than in another copy of the same repository.
  for (const auto& other : *s.host->notary_repos) {
    if (&other == repo || other.gun != repo->gun) continue;
    for (const auto& [role, version] : repo->versions) {
      for (const auto& [other_role, other_version] : other.versions) {
        if (other_role == role && other_version > version)
          problems.push_back(fmt::format("{} is version {} here, {}'s copy ({}) has version {}: a rollback or a stale cache",
                                         role, version, other.user, other.path, other_version));
      }
    }
  }
  const auto engine = compare_with_engine(*repo, s);
  problems.insert(problems.end(), engine.mismatches.begin(), engine.mismatches.end());
  std::vector<std::string> versions;
  for (const auto& [role, v] : repo->versions)
    versions.push_back(fmt::format("{} v{}", role, v));
  const std::string what = fmt::format("{} ({}'s Docker Content Trust data; {})", repo->gun, repo->user, core::join(versions, ", "));
  if (!problems.empty()) {
    out.fail(fmt::format("{}: {}", what, core::join(problems, "; ")));
    return;
  }
  out.pass(fmt::format("{}: signatures, thresholds, expiry, root certificates and hashes verify ({} signed target{}{}); "
                       "Notary v1 is being retired: move to cosign or Notation",
                       what, repo->targets.size(), repo->targets.size() == 1 ? "" : "s",
                       !s.all_images          ? ""
                       : engine.compared == 0 ? "; the engine holds none of its tags with a registry digest to compare"
                                              : fmt::format("; the engine's RepoDigests of {} of its tags match",
                                                            engine.compared)));
}

const std::vector<Check>& table() {
  static const std::vector<Check> checks = {
      Check{
          .id = "trust.docker-content-trust",
          .cis = "4.5",
          .title = "Image verification does not rely on the retired Docker Content Trust (Notary v1)",
          .severity = Severity::medium,
          .rationale = "CIS 4.5 asks for content trust, which Docker implemented as DOCKER_CONTENT_TRUST=1 over Notary v1. "
                       "Docker is retiring it: Docker Hub's Notary service shuts down in December 2026 and official "
                       "images' signing certificates have been expiring since 2025. Hosts, users and pipelines that "
                       "set it will stop pulling or stop verifying anything; signatures must move to cosign or Notation.",
          .remediation = "Sign images by digest with cosign (`cosign sign --key cosign.key IMAGE@sha256:...`) or Notation "
                         "(`notation sign IMAGE@sha256:...`) and verify them before use (`drydock image IMAGE --verify-key "
                         "cosign.pub`, `cosign verify`, `notation verify`, an admission policy); then remove "
                         "DOCKER_CONTENT_TRUST, DOCKER_CONTENT_TRUST_SERVER and `docker trust` from the files in the "
                         "evidence.",
          .evaluate = DaemonEval{docker_content_trust},
      },
      Check{
          .id = "trust.root-key-on-host",
          .cis = "4.5",
          .title = "No Notary root key is kept on the host",
          .severity = Severity::high,
          .rationale = "The root key of a Notary (Docker Content Trust) repository signs the keys of every other role; "
                       "Notary's own guidance is to keep it offline. A root key in a user's ~/.docker/trust/private "
                       "lets anyone who reads that home re-key the repository and sign any image.",
          .remediation = "Move the root key offline (`docker trust key` has no export: copy the file to an encrypted "
                         "medium kept offline, then delete it from ~/.docker/trust/private); keep only targets or "
                         "delegation keys on build hosts. Better, move signing to cosign or Notation.",
          .evaluate = FileEval{root_key_on_host},
          .file_role = "trust-key",
      },
      Check{
          .id = "trust.key-permissions",
          .cis = "4.5",
          .title = "Docker trust keys are mode 0600 in folders of mode 0700",
          .severity = Severity::high,
          .rationale = "The docker CLI writes its trust keys 0600 in 0700 folders; a key or folder that others can read "
                       "or write lets them take or replace a signing key (the passphrase is the only protection left).",
          .remediation = "chmod 0600 ~/.docker/trust/private/*.key && chmod 0700 ~/.docker/trust/private (and every "
                         "folder below it), for each user in the evidence.",
          .evaluate = FileEval{key_permissions},
          .file_role = "trust-key",
      },
      Check{
          .id = "trust.notary-metadata",
          .cis = "4.5",
          .title = "Cached Docker Content Trust (Notary v1) metadata verifies and is current",
          .severity = Severity::high,
          .rationale = "The docker CLI trusts its cached TUF metadata (~/.docker/trust/tuf) for every signed pull. "
                       "Verified offline as Notary does (signatures and thresholds, expiry, the root's certificates, "
                       "hashes from timestamp to targets), expired or broken data makes pulls fail, a copy older than "
                       "another is a rollback, and a signed digest that differs from the engine's is an image nobody "
                       "signed.",
          .remediation = "Refresh the data (`docker trust inspect GUN` with network access) or remove a stale cache "
                         "(~/.docker/trust/tuf/GUN); re-pull images whose digest differs from the signed one; as Notary "
                         "v1 is retired, sign with cosign or Notation instead.",
          .evaluate = FileEval{notary_metadata},
          .file_role = "notary-trust-data",
      },
  };
  return checks;
}

}  // namespace

std::span<const Check> trust_checks() { return table(); }

}  // namespace drydock::checks
