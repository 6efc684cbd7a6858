#include <filesystem>
#include <iostream>
#include <memory>

#include "drydock/audit/runner.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/cli/signatures.hpp"
#include "drydock/cli/vulns.hpp"
#include "drydock/collect/image/analyze.hpp"
#include "drydock/collect/image/engine.hpp"
#include "drydock/collect/image/read.hpp"
#include "drydock/core/strings.hpp"

namespace drydock::cli {
namespace {

/// `drydock image`: tarballs and OCI directories are read from disk, anything else is an image
/// of the engine. Each one that cannot be read is an `error` subject and makes the exit code 3.
/// Options of `drydock image` alone.
struct ImageCliOptions {
  std::vector<std::string> refs;
  std::string platform;
  VulnCliOptions vulns;
  /// --verify-key, --signatures, --rekor-key, --trust-store
  SignatureOptions signatures;
};

int cmd_image(const Common& c, const ImageCliOptions& image_options) {
  const auto& refs = image_options.refs;
  const auto& platform = image_options.platform;
  const Progress progress(c);
  auto selection = audit::Selection::make(c.only, c.skip);
  if (!selection) return report_error(selection.error());
  if (auto db = require_vuln_db(image_options.vulns); !db) return report_error(db.error());
  const SignatureOptions& sig = image_options.signatures;
  if (!sig.signatures.empty() && sig.key.empty() && sig.trust_store.empty())
    return report_error(core::Error{core::ErrorKind::usage, "--signatures needs --verify-key or --trust-store to verify them with", ""});
  const auto options = collect::image::analyzing_options(platform);
  model::HostSnapshot snapshot;
  std::unique_ptr<collect::EngineClient> client;
  std::vector<std::string> targets;
  for (const auto& ref : refs) {
    std::error_code ec;
    core::Expected<std::vector<model::ImageSpec>> read = std::vector<model::ImageSpec>{};
    if (std::filesystem::exists(ref, ec)) {
      progress.note("reading " + ref);
      read = collect::image::read_path(ref, options);
      targets.push_back(ref);
    } else {
      if (!client) {
        auto connected = connect_engine(c, progress);
        if (!connected) return report_error(connected.error());
        client = std::move(*connected);
        targets.push_back("engine " + client->endpoint().host);
      }
      progress.note("reading image " + ref + " from the engine");
      auto one = collect::image::read_engine_image(*client, ref, options);
      if (one) {
        read->push_back(std::move(*one));
      } else {
        read = tl::unexpected(one.error());
      }
    }
    if (!read) {
      std::cerr << "drydock: " << read.error().describe() << "\n";
      snapshot.unreadable.push_back(model::Unreadable{"image", ref, ref, read.error().describe()});
      continue;
    }
    for (auto& img : *read)
      snapshot.images.push_back(std::move(img));
  }
  if (!sig.key.empty() || !sig.trust_store.empty()) {
    if (auto ok = verify_signatures(snapshot.images, sig, c.now); !ok) return report_error(ok.error());
  }
  std::optional<std::vector<model::Vulnerability>> found;
  if (image_options.vulns.enabled) found = scan_vulnerabilities(snapshot.images, image_options.vulns, progress);
  const audit::RunOptions run_options{.daemon_checks = false, .image_checks = true, .container_checks = false};
  snapshot.trusted_sources = c.policy.sources;
  auto report = audit::run(snapshot, *selection, run_options);
  report.vulnerabilities = std::move(found);
  for (const auto& img : snapshot.images) {
    if (!img.content) continue;
    report.packages.push_back(audit::ImagePackages{audit::Subject{"image", img.id, img.display_name()}, img.content->packages,
                                                   img.content->package_errors});
  }
  report.command = "image";
  report.target = core::join(targets, ", ");
  const int code = finish(report, c);
  // An image that was named and could not be read is not a finding: it is a failed request.
  return snapshot.unreadable.empty() ? code : k_exit_unreachable;
}

}  // namespace

Command add_image(CLI::App& app, Common& common) {
  auto options = std::make_shared<ImageCliOptions>();
  auto* image = app.add_subcommand("image",
                                   "Audit images: configuration, every layer's files, installed packages "
                                   "(engine references, `docker save` tarballs, OCI layout directories)");
  add_common(*image, common, true);
  image->add_option("images", options->refs, "Image names or ids, tarballs, or OCI layout directories")->required();
  options->vulns.add_to(*image);
  image->add_option(
      "--platform", options->platform,
      "The platform to read from a multi-platform tarball or OCI directory (os/arch[/variant]); engine images have one");
  image->add_option("--verify-key", options->signatures.key,
                    "Verify each image's cosign signatures (OCI layout: the sha256-<hex>.sig manifest, `cosign save`, OCI "
                    "referrers) offline with this PEM public key (cosign.pub)");
  image->add_option("--trust-store", options->signatures.trust_store,
                    "Verify each image's Notation signatures (OCI referrers of artifactType "
                    "application/vnd.cncf.notary.signature) offline: the certificates trusted as roots, a PEM (or DER) file "
                    "or a directory of them (truststore/x509/ca/NAME); times as at --now");
  image->add_option("--signatures", options->signatures.signatures,
                    "Signatures as `cosign download signature` writes them, or a Notation JWS envelope, for every image "
                    "(with --verify-key or --trust-store)");
  image->add_option("--rekor-key", options->signatures.rekor_key,
                    "Rekor's PEM public key: each signature's bundle (its signed entry timestamp) must verify with it "
                    "(with --verify-key); without it the transparency log is not checked")
      ->needs("--verify-key");
  return Command{image, [&common, options] { return cmd_image(common, *options); }};
}

}  // namespace drydock::cli
