/// `drydock verify --key cosign.pub --digest sha256:... --signatures FILE`: the cosign check of
/// `drydock image --verify-key` for an image known only by its digest (CIS 4.5, 4.12), offline.

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "drydock/audit/runner.hpp"
#include "drydock/checks/catalogue.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/cli/signatures.hpp"
#include "drydock/collect/files.hpp"
#include "drydock/parse/cosign.hpp"

namespace drydock::cli {

core::Expected<bool> verify_signatures(std::vector<model::ImageSpec>& images, const std::string& key_path,
                                       const std::string& signatures_path, const std::string& rekor_key_path) {
  DRYDOCK_TRY(pem, collect::read_input(key_path, 1U << 20U));
  DRYDOCK_TRY(key, parse::cosign::PublicKey::from_pem(pem, key_path));
  std::optional<parse::cosign::PublicKey> rekor;
  if (!rekor_key_path.empty()) {
    DRYDOCK_TRY(rekor_pem, collect::read_input(rekor_key_path, 1U << 20U));
    DRYDOCK_TRY(rekor_key, parse::cosign::PublicKey::from_pem(rekor_pem, rekor_key_path));
    rekor.emplace(std::move(rekor_key));
  }
  std::vector<model::ImageSignature> given;
  if (!signatures_path.empty()) {
    DRYDOCK_TRY(text, collect::read_input(signatures_path));
    DRYDOCK_TRY(parsed, parse::cosign::parse_downloaded(text, signatures_path));
    given = std::move(parsed);
  }
  for (auto& img : images) {
    img.signatures.insert(img.signatures.end(), given.begin(), given.end());
    img.signature_check = parse::cosign::check_image(img, key, rekor ? &*rekor : nullptr);
  }
  return true;
}

namespace {

struct VerifyOptions {
  std::string key;
  std::string digest;
  std::string signatures;
  std::string rekor_key;
};

int cmd_verify(const Common& c, const VerifyOptions& o) {
  const std::string& d = o.digest;
  if (d.size() != 71 || !d.starts_with("sha256:") || d.find_first_not_of("0123456789abcdef", 7) != std::string::npos)
    return report_error(core::Error{core::ErrorKind::usage, "--digest must be sha256: and 64 lower-case hex digits", d});
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());
  model::ImageSpec img;
  img.id = d;
  img.manifest_digest = d;
  img.origin = o.signatures;
  std::vector<model::ImageSpec> images{std::move(img)};
  if (auto ok = verify_signatures(images, o.key, o.signatures, o.rekor_key); !ok) return report_error(ok.error());
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
                                    "Verify cosign signatures of an image known by its digest, offline, with a public key "
                                    "(`cosign download signature` output)");
  add_common(*verify, common, false);
  verify->add_option("--key", options->key, "The PEM public key (cosign.pub)")->required();
  verify->add_option("--digest", options->digest, "The image's manifest digest, sha256:...")->required();
  verify->add_option("--signatures", options->signatures, "The JSON that `cosign download signature` writes")->required();
  verify->add_option("--rekor-key", options->rekor_key,
                     "Rekor's PEM public key: each signature's bundle (its signed entry timestamp) must verify with it; "
                     "without it the transparency log is not checked");
  return Command{verify, [&common, options] { return cmd_verify(common, *options); }};
}

}  // namespace drydock::cli
