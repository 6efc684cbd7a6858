// cosign signatures verified offline, end to end (CIS 4.5, 4.12): a real image built FROM scratch,
// copied to an OCI layout by skopeo, signed the way cosign signs it (a simple-signing payload,
// an ECDSA P-256 key made by openssl, the base64 DER signature in the layer's annotation) and
// stored where cosign stores it: the `sha256-<hex>.sig` manifest, `cosign save`'s `kind`, an OCI
// 1.1 referrer. A changed byte, another digest and another key each fail with their reason.

#include <unistd.h>

#include <string>
#include <vector>

#include "support.hpp"

namespace drydock_it {
namespace {

class TrustCosign : public ::testing::Test {
 protected:
  struct World {
    std::string label, tmp, image, digest, problem;
  };
  static World& world() {
    static World w;
    return w;
  }
  static fs::path tmp() { return world().tmp; }

  static Proc drydock(std::vector<std::string> args) {
    args.insert(args.begin(), DRYDOCK_BIN);
    return run(args, std::chrono::seconds(300));
  }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  /// "sha256:<hex>" of a file, by sha256sum.
  static std::string digest_of(const fs::path& p) {
    const auto r = run({"sha256sum", p.string()});
    return "sha256:" + r.out.substr(0, 64);
  }

  /// Stores bytes as a blob of the layout; returns its digest.
  static std::string put_blob(const fs::path& layout, const std::string& bytes) {
    const fs::path staged = layout / "staged";
    write_file(staged, bytes);
    const std::string d = digest_of(staged);
    fs::rename(staged, layout / "blobs" / "sha256" / d.substr(7));
    return d;
  }

  static std::string payload_for(const std::string& digest) {
    return R"({"critical":{"identity":{"docker-reference":"registry.example/dd-trust"},"image":{"docker-manifest-digest":")" +
           digest + R"("},"type":"cosign container image signature"},"optional":null})";
  }

  /// The base64 DER ECDSA signature of `file` by `key` (openssl dgst, as cosign signs).
  static std::string sign(const fs::path& key, const fs::path& file) {
    const fs::path der = file.string() + ".der";
    const auto s = run({"openssl", "dgst", "-sha256", "-sign", key.string(), "-out", der.string(), file.string()});
    EXPECT_EQ(s.code, 0) << s.err;
    const auto b = run({"openssl", "base64", "-A", "-in", der.string()});
    return trim(b.out);
  }

  enum class Where { sig_tag, cosign_save_kind, referrer };

  /// A copy of the signed-image layout named `name` holding `payload` signed by `key`, stored `where`.
  static fs::path signed_layout(const std::string& name, const std::string& payload, const fs::path& key, Where where) {
    const fs::path dir = tmp() / name;
    fs::copy(tmp() / "layout", dir, fs::copy_options::recursive);
    write_file(tmp() / (name + ".payload"), payload);
    const std::string signature = sign(key, tmp() / (name + ".payload"));
    const std::string payload_digest = put_blob(dir, payload);
    const std::string config = R"({"architecture":"","config":{},"created":"0001-01-01T00:00:00Z","os":"","rootfs":{"type":"layers","diff_ids":[")" +
                               payload_digest + R"("]}})";
    const std::string config_digest = put_blob(dir, config);
    json manifest = {{"schemaVersion", 2},
                     {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                     {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"}, {"size", config.size()}, {"digest", config_digest}}},
                     {"layers", json::array({{{"mediaType", "application/vnd.dev.cosign.simplesigning.v1+json"},
                                              {"size", payload.size()},
                                              {"digest", payload_digest},
                                              {"annotations", {{"dev.cosignproject.cosign/signature", signature}}}}})}};
    if (where == Where::referrer) {
      manifest["artifactType"] = "application/vnd.dev.cosign.artifact.sig.v1+json";
      manifest["subject"] = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"}, {"digest", world().digest}, {"size", 1}};
    }
    const std::string text = manifest.dump();
    json descriptor = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"}, {"size", text.size()}, {"digest", put_blob(dir, text)}};
    if (where == Where::sig_tag)
      descriptor["annotations"] = {{"org.opencontainers.image.ref.name", "sha256-" + world().digest.substr(7) + ".sig"}};
    if (where == Where::cosign_save_kind) descriptor["annotations"] = {{"kind", "dev.cosignproject.cosign/sigs"}};
    auto index = json::parse(read(dir / "index.json"));
    index["manifests"].push_back(descriptor);
    write_file(dir / "index.json", index.dump());
    return dir;
  }

  static void SetUpTestSuite() {
    auto& w = world();
    const Proc ping = run({"docker", "version", "--format", "{{.Server.APIVersion}}"}, std::chrono::seconds(20));
    if (ping.code != 0) {
      if (in_ci()) FAIL() << "CI=true but no Docker Engine";
      GTEST_SKIP() << "no Docker Engine";
    }
    ASSERT_EQ(run({"skopeo", "--version"}).code, 0) << "skopeo is missing (scripts/install-deps test)";
    const std::string id = std::to_string(getpid());
    w.label = "drydock.test=dd-trust-cosign-" + id;
    char tmpl[] = "/tmp/dd-trust-cosign-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    w.tmp = tmpl;
    w.image = "dd-trust-cosign:" + id;
    const fs::path ctx = tmp() / "context";
    fs::create_directories(ctx / "rootfs" / "etc");
    write_file(ctx / "rootfs" / "etc" / "motd", "signed\n");
    write_file(ctx / "Dockerfile", "FROM scratch\nCOPY rootfs/ /\n");
    auto p = run({"docker", "build", "-q", "--label", w.label, "-t", w.image, ctx.string()}, std::chrono::seconds(300));
    ASSERT_EQ(p.code, 0) << p.err;
    p = run({"skopeo", "copy", "-q", "docker-daemon:" + w.image, "oci:" + (tmp() / "layout").string() + ":latest"},
            std::chrono::seconds(300));
    ASSERT_EQ(p.code, 0) << p.err;
    const auto index = json::parse(read(tmp() / "layout" / "index.json"));
    ASSERT_EQ(index["manifests"].size(), 1U);
    w.digest = index["manifests"][0]["digest"].get<std::string>();
    for (const char* k : {"key", "other"}) {
      p = run({"openssl", "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", (tmp() / (std::string(k) + ".pem")).string()});
      ASSERT_EQ(p.code, 0) << p.err;
      p = run({"openssl", "pkey", "-in", (tmp() / (std::string(k) + ".pem")).string(), "-pubout", "-out",
               (tmp() / (std::string(k) + ".pub")).string()});
      ASSERT_EQ(p.code, 0) << p.err;
    }
  }

  static void TearDownTestSuite() {
    auto& w = world();
    remove_labelled_images(w.label);
    std::error_code ec;
    if (!w.tmp.empty()) fs::remove_all(w.tmp, ec);
  }

  void SetUp() override {
    if (world().digest.empty()) GTEST_SKIP() << "set-up did not complete";
  }

  /// {status, evidence} of image.signature for `args` (a JSON report).
  static std::pair<std::string, std::string> signature_result(std::vector<std::string> args) {
    args.insert(args.end(), {"--format", "json", "--fail-on", "none", "--only", "image.signature"});
    const auto p = drydock(args);
    EXPECT_EQ(p.code, 0) << describe(args, p);
    const auto report = parse_json(p.out).value_or(json::object());
    for (const auto& r : report.value("results", json::array())) {
      if (r.value("id", "") == "image.signature") return {r.value("status", ""), r.value("evidence", "")};
    }
    ADD_FAILURE() << "no image.signature result: " << p.out.substr(0, 2000) << p.err;
    return {};
  }

  static std::pair<std::string, std::string> image_with_key(const fs::path& layout, const std::string& key = "key.pub") {
    return signature_result({"image", layout.string(), "--verify-key", (tmp() / key).string()});
  }
};

TEST_F(TrustCosign, SignedLayoutVerifiesWhereverCosignStoresTheSignature) {
  const std::string payload = payload_for(world().digest);
  for (auto [name, where] : {std::pair{"sig-tag", Where::sig_tag}, std::pair{"save-kind", Where::cosign_save_kind},
                             std::pair{"referrer", Where::referrer}}) {
    const auto dir = signed_layout(name, payload, tmp() / "key.pem", where);
    const auto [status, evidence] = image_with_key(dir);
    EXPECT_EQ(status, "pass") << name << ": " << evidence;
    EXPECT_NE(evidence.find("signed by the ECDSA P-256 key"), std::string::npos) << evidence;
    EXPECT_NE(evidence.find("transparency log was not checked"), std::string::npos) << evidence;
  }
}

TEST_F(TrustCosign, ChangedByteOtherDigestOtherKeyEachFailWithTheirReason) {
  const std::string payload = payload_for(world().digest);
  const auto tampered = signed_layout("tampered", payload, tmp() / "key.pem", Where::sig_tag);
  // One byte of the stored payload changed in place.
  const fs::path blob = tampered / "blobs" / "sha256" / digest_of(tmp() / "tampered.payload").substr(7);
  std::string bytes = read(blob);
  bytes[bytes.find("dd-trust")] = 'D';
  write_file(blob, bytes);
  auto [status, evidence] = image_with_key(tampered);
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("the payload was altered"), std::string::npos) << evidence;

  const auto other_digest = signed_layout("other-digest", payload_for("sha256:" + std::string(64, 'e')), tmp() / "key.pem",
                                          Where::cosign_save_kind);
  std::tie(status, evidence) = image_with_key(other_digest);
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("a valid signature of another image"), std::string::npos) << evidence;

  const auto other_key = signed_layout("other-key", payload, tmp() / "other.pem", Where::sig_tag);
  std::tie(status, evidence) = image_with_key(other_key);
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("does not verify"), std::string::npos) << evidence;
  // The key that did sign it verifies it.
  std::tie(status, evidence) = image_with_key(other_key, "other.pub");
  EXPECT_EQ(status, "pass") << evidence;
}

TEST_F(TrustCosign, UnsignedLayoutFailsAndNoKeySkips) {
  auto [status, evidence] = image_with_key(tmp() / "layout");
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("no cosign signature found"), std::string::npos) << evidence;
  std::tie(status, evidence) = signature_result({"image", (tmp() / "layout").string()});
  EXPECT_EQ(status, "skip") << evidence;
}

TEST_F(TrustCosign, VerifyByDigestWithDownloadedSignatures) {
  const std::string payload = payload_for(world().digest);
  write_file(tmp() / "download.payload", payload);
  const std::string signature = sign(tmp() / "key.pem", tmp() / "download.payload");
  const auto b64 = run({"openssl", "base64", "-A", "-in", (tmp() / "download.payload").string()});
  const json line = {{"Base64Signature", signature}, {"Payload", trim(b64.out)}, {"Cert", nullptr}, {"Chain", nullptr},
                     {"Bundle", nullptr}, {"RFC3161Timestamp", nullptr}};
  write_file(tmp() / "signatures.json", line.dump() + "\n");
  auto [status, evidence] = signature_result({"verify", "--key", (tmp() / "key.pub").string(), "--digest", world().digest,
                                              "--signatures", (tmp() / "signatures.json").string()});
  EXPECT_EQ(status, "pass") << evidence;
  std::tie(status, evidence) = signature_result({"verify", "--key", (tmp() / "other.pub").string(), "--digest", world().digest,
                                                 "--signatures", (tmp() / "signatures.json").string()});
  EXPECT_EQ(status, "fail") << evidence;
  std::tie(status, evidence) = signature_result({"verify", "--key", (tmp() / "key.pub").string(), "--digest",
                                                 "sha256:" + std::string(64, 'f'), "--signatures",
                                                 (tmp() / "signatures.json").string()});
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("another image"), std::string::npos) << evidence;
  // Malformed signature data is an error that says so, with exit 2 or 3, never a crash.
  write_file(tmp() / "broken.json", "{\"Payload\": 1}\n");
  const auto broken = drydock({"verify", "--key", (tmp() / "key.pub").string(), "--digest", world().digest, "--signatures",
                               (tmp() / "broken.json").string()});
  EXPECT_NE(broken.code, 0);
  EXPECT_LT(broken.code, 128) << broken.err;
  EXPECT_NE(broken.err.find("broken.json"), std::string::npos) << broken.err;
}

}  // namespace
}  // namespace drydock_it
