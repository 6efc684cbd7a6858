/// `drydock verify --key cosign.pub | --trust-store CERTS --digest sha256:... --signatures FILE`:
/// the signature check of `drydock image --verify-key/--trust-store` for an image known only by
/// its digest (CIS 4.5, 4.12), offline.

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "drydock/audit/runner.hpp"
#include "drydock/checks/catalogue.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/cli/signatures.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/parse/cosign.hpp"
#include "drydock/parse/notation.hpp"

namespace drydock::cli {
namespace {

constexpr std::size_t k_trust_file_limit = std::size_t{4} << 20;

/// The certificates of a file, or of every regular file of a directory (a Notation named trust
/// store, `truststore/x509/ca/NAME`).
core::Expected<parse::notation::TrustStore> load_trust_store(const std::string& path) {
  namespace fs = std::filesystem;
  parse::notation::TrustStore store;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    DRYDOCK_TRY(bytes, collect::read_input(path, k_trust_file_limit));
    DRYDOCK_TRY(added, store.add(bytes, path));
    (void)added;
    return store;
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) files.push_back(it->path());
  }
  if (ec) return core::fail(core::ErrorKind::io, "cannot list the trust store directory: " + ec.message(), path);
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    DRYDOCK_TRY(bytes, collect::read_input(f.string(), k_trust_file_limit));
    DRYDOCK_TRY(added, store.add(bytes, f.string()));
    (void)added;
  }
  if (store.size() == 0)
    return core::fail(core::ErrorKind::usage,
                      "the trust store directory holds no certificate file (give a named store's directory, "
                      "truststore/x509/ca/NAME, or a PEM file)",
                      path);
  return store;
}

/// One verdict from the verdicts of each kind checked: pass when one passes (its evidence),
/// else fail with every reason, else error.
model::SignatureCheck combine(const std::vector<std::pair<std::string, model::SignatureCheck>>& parts) {
  std::string passed;
  std::string all;
  bool any_fail = false;
  for (const auto& [kind, check] : parts) {
    const std::string line = fmt::format("{}: {}", kind, check.evidence);
    all += (all.empty() ? "" : "; ") + line;
    if (check.status == core::Status::pass) passed += (passed.empty() ? "" : "; ") + line;
    any_fail = any_fail || check.status == core::Status::fail;
  }
  if (!passed.empty()) return {core::Status::pass, passed};
  return {any_fail ? core::Status::fail : core::Status::error, all};
}

}  // namespace

core::Expected<bool> verify_signatures(std::vector<model::ImageSpec>& images, const SignatureOptions& o, std::int64_t now) {
  std::optional<parse::cosign::PublicKey> key;
  if (!o.key.empty()) {
    DRYDOCK_TRY(pem, collect::read_input(o.key, 1U << 20U));
    DRYDOCK_TRY(parsed, parse::cosign::PublicKey::from_pem(pem, o.key));
    key.emplace(std::move(parsed));
  }
  std::optional<parse::cosign::PublicKey> rekor;
  if (!o.rekor_key.empty()) {
    DRYDOCK_TRY(rekor_pem, collect::read_input(o.rekor_key, 1U << 20U));
    DRYDOCK_TRY(rekor_key, parse::cosign::PublicKey::from_pem(rekor_pem, o.rekor_key));
    rekor.emplace(std::move(rekor_key));
  }
  std::optional<parse::notation::TrustStore> trust;
  if (!o.trust_store.empty()) {
    DRYDOCK_TRY(store, load_trust_store(o.trust_store));
    trust.emplace(std::move(store));
  }
  std::vector<model::ImageSignature> given;
  std::vector<model::NotationSignature> given_notation;
  if (!o.signatures.empty()) {
    DRYDOCK_TRY(text, collect::read_input(o.signatures));
    if (parse::notation::looks_like_jws(text)) {
      given_notation.push_back(model::NotationSignature{std::move(text), std::string(parse::notation::k_jws), "", o.signatures});
    } else {
      DRYDOCK_TRY(parsed, parse::cosign::parse_downloaded(text, o.signatures));
      given = std::move(parsed);
    }
  }
  for (auto& img : images) {
    img.signatures.insert(img.signatures.end(), given.begin(), given.end());
    img.notation_signatures.insert(img.notation_signatures.end(), given_notation.begin(), given_notation.end());
    std::vector<std::pair<std::string, model::SignatureCheck>> parts;
    if (key) {
      auto check = parse::cosign::check_image(img, *key, rekor ? &*rekor : nullptr);
      if (!trust && !img.notation_signatures.empty())
        check.evidence += fmt::format(" ({} Notation signature{} not checked: give --trust-store)", img.notation_signatures.size(),
                                      img.notation_signatures.size() == 1 ? "" : "s");
      parts.emplace_back("cosign", std::move(check));
    }
    if (trust) {
      auto check = parse::notation::check_image(img, *trust, now);
      if (!key && !img.signatures.empty())
        check.evidence += fmt::format(" ({} cosign signature{} not checked: give --verify-key)", img.signatures.size(),
                                      img.signatures.size() == 1 ? "" : "s");
      parts.emplace_back("Notation", std::move(check));
    }
    if (!parts.empty()) img.signature_check = combine(parts);
  }
  return true;
}

namespace {

struct VerifyOptions {
  SignatureOptions signatures;
  std::string digest;
};

int cmd_verify(const Common& c, const VerifyOptions& o) {
  const std::string& d = o.digest;
  if (d.size() != 71 || !d.starts_with("sha256:") || d.find_first_not_of("0123456789abcdef", 7) != std::string::npos)
    return report_error(core::Error{core::ErrorKind::usage, "--digest must be sha256: and 64 lower-case hex digits", d});
  if (o.signatures.key.empty() && o.signatures.trust_store.empty())
    return report_error(core::Error{core::ErrorKind::usage,
                                    "give --key (a cosign public key) or --trust-store (Notation's trusted certificates)", ""});
  if (!o.signatures.rekor_key.empty() && o.signatures.key.empty())
    return report_error(core::Error{core::ErrorKind::usage, "--rekor-key checks cosign signatures: it needs --key", ""});
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());
  model::ImageSpec img;
  img.id = d;
  img.manifest_digest = d;
  img.origin = o.signatures.signatures;
  std::vector<model::ImageSpec> images{std::move(img)};
  if (auto ok = verify_signatures(images, o.signatures, c.now); !ok) return report_error(ok.error());
  model::HostSnapshot snapshot;
  snapshot.images = std::move(images);
  const checks::Check* check = checks::find_check("image.signature");
  const audit::RunOptions run_options{.daemon_checks = false, .image_checks = true, .container_checks = false};
  auto report = audit::run(snapshot, *selection, run_options, std::span<const checks::Check>(check, 1));
  report.command = "verify";
  report.target = d;
  return finish(report, c);
}

}  // namespace

Command add_verify(CLI::App& app, Common& common) {
  auto options = std::make_shared<VerifyOptions>();
  auto* verify = app.add_subcommand("verify",
                                    "Verify the cosign (public key) or Notation (trust store) signatures of an image known by "
                                    "its digest, offline (`cosign download signature` output, or a Notation JWS envelope)");
  add_common(*verify, common, false);
  verify->add_option("--key", options->signatures.key, "The cosign PEM public key (cosign.pub)");
  verify->add_option("--trust-store", options->signatures.trust_store,
                     "Notation: the certificates trusted as roots, a PEM (or DER) file or a directory of them "
                     "(truststore/x509/ca/NAME)");
  verify->add_option("--digest", options->digest, "The image's manifest digest, sha256:...")->required();
  verify->add_option("--signatures", options->signatures.signatures,
                     "The JSON that `cosign download signature` writes, or a Notation signature envelope (JWS)")
      ->required();
  verify->add_option("--rekor-key", options->signatures.rekor_key,
                     "Rekor's PEM public key: each cosign signature's bundle (its signed entry timestamp) must verify with "
                     "it; without it the transparency log is not checked");
  return Command{verify, [&common, options] { return cmd_verify(common, *options); }};
}

}  // namespace drydock::cli
