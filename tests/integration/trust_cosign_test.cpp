// cosign signatures verified offline, end to end (CIS 4.5, 4.12): a real image built FROM scratch,
// copied to an OCI layout by skopeo, signed the way cosign signs it (a simple-signing payload,
// an ECDSA P-256 key made by openssl, the base64 DER signature in the layer's annotation) and
// stored where cosign stores it: the `sha256-<hex>.sig` manifest, `cosign save`'s `kind`, an OCI
// 1.1 referrer. A changed byte, another digest and another key each fail with their reason.
// TrustNotation: the same image signed the way Notation signs it (a JWS envelope, PS256, by a
// code-signing leaf under an intermediate and a root made by openssl) and stored as Notation
// stores it, an OCI 1.1 referrer of artifactType application/vnd.cncf.notary.signature; a
// changed payload byte, another digest, an untrusted root, an expired certificate and a leaf
// that is not a code-signing certificate each fail with their reason.

#include <unistd.h>

#include <ctime>
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
  /// The base64 of a file's bytes (openssl base64).
  static std::string b64_file(const fs::path& file) { return trim(run({"openssl", "base64", "-A", "-in", file.string()}).out); }

  /// A Rekor bundle of `signature_b64` over the payload in `payload_file` by the key whose public
  /// half is `signer_pub`, logged by the Rekor key `rekor` (.pem, its public half .pub): a
  /// hashedrekord entry, its time and index, the log ID (sha256 of the log's DER key) and the signed
  /// entry timestamp over the canonical JSON of the four, made with openssl.
  static json rekor_bundle(const std::string& rekor, const fs::path& payload_file, const std::string& signature_b64,
                           const std::string& signer_pub = "key.pub") {
    const json body = {{"apiVersion", "0.0.1"},
                       {"kind", "hashedrekord"},
                       {"spec",
                        {{"data", {{"hash", {{"algorithm", "sha256"}, {"value", digest_of(payload_file).substr(7)}}}}},
                         {"signature", {{"content", signature_b64}, {"publicKey", {{"content", b64_file(tmp() / signer_pub)}}}}}}}};
    write_file(tmp() / "entry.json", body.dump());
    const std::string body_b64 = b64_file(tmp() / "entry.json");
    const auto der = run({"openssl", "pkey", "-pubin", "-in", (tmp() / (rekor + ".pub")).string(), "-outform", "DER", "-out",
                          (tmp() / (rekor + ".der")).string()});
    EXPECT_EQ(der.code, 0) << der.err;
    const std::string log_id = digest_of(tmp() / (rekor + ".der")).substr(7);
    const std::string canonical =
        R"({"body":")" + body_b64 + R"(","integratedTime":1796290200,"logID":")" + log_id + R"(","logIndex":7})";
    write_file(tmp() / "set-input", canonical);
    return {{"SignedEntryTimestamp", sign(tmp() / (rekor + ".pem"), tmp() / "set-input")},
            {"Payload", {{"body", body_b64}, {"integratedTime", 1796290200}, {"logIndex", 7}, {"logID", log_id}}}};
  }

  /// A copy of the signed-image layout named `name` holding `payload` signed by `key`, stored
  /// `where`; with a Rekor key's name, its bundle in the layer's `dev.sigstore.cosign/bundle`
  /// (`tamper` changes a character of its signed entry timestamp).
  static fs::path signed_layout(const std::string& name, const std::string& payload, const fs::path& key, Where where,
                                const std::string& rekor = "", bool tamper = false) {
    const fs::path dir = tmp() / name;
    fs::copy(tmp() / "layout", dir, fs::copy_options::recursive);
    write_file(tmp() / (name + ".payload"), payload);
    const std::string signature = sign(key, tmp() / (name + ".payload"));
    json annotations = {{"dev.cosignproject.cosign/signature", signature}};
    if (!rekor.empty()) {
      json bundle = rekor_bundle(rekor, tmp() / (name + ".payload"), signature);
      if (tamper) {
        auto set = bundle["SignedEntryTimestamp"].get<std::string>();
        set[12] = set[12] == 'Q' ? 'R' : 'Q';
        bundle["SignedEntryTimestamp"] = set;
      }
      annotations["dev.sigstore.cosign/bundle"] = bundle.dump();
    }
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
                                              {"annotations", annotations}}})}};
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
    for (const char* k : {"key", "other", "rekor", "other-rekor"}) {
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

TEST_F(TrustCosign, RekorBundleCheckedWithTheRekorKey) {
  const std::string payload = payload_for(world().digest);
  const auto logged = signed_layout("logged", payload, tmp() / "key.pem", Where::sig_tag, "rekor");
  const auto rekor = [](const std::string& k) { return (tmp() / (k + ".pub")).string(); };
  auto [status, evidence] = signature_result({"image", logged.string(), "--verify-key", rekor("key"), "--rekor-key", rekor("rekor")});
  EXPECT_EQ(status, "pass") << evidence;
  EXPECT_NE(evidence.find("its Rekor bundle verifies with the Rekor key"), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("log index 7, integrated at 2026-12-03T09:30:00Z"), std::string::npos) << evidence;
  // Without --rekor-key the bundle is not checked, and the evidence says so.
  std::tie(status, evidence) = image_with_key(logged);
  EXPECT_EQ(status, "pass") << evidence;
  EXPECT_NE(evidence.find("the transparency log was not checked (no --rekor-key given)"), std::string::npos) << evidence;
  // Another Rekor key.
  std::tie(status, evidence) =
      signature_result({"image", logged.string(), "--verify-key", rekor("key"), "--rekor-key", rekor("other-rekor")});
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("its Rekor bundle names log"), std::string::npos) << evidence;
  // A tampered signed entry timestamp.
  const auto tampered = signed_layout("logged-tampered", payload, tmp() / "key.pem", Where::referrer, "rekor", true);
  std::tie(status, evidence) =
      signature_result({"image", tampered.string(), "--verify-key", rekor("key"), "--rekor-key", rekor("rekor")});
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("signed entry timestamp does not verify with the Rekor key"), std::string::npos) << evidence;
  // No bundle at all.
  const auto unlogged = signed_layout("unlogged", payload, tmp() / "key.pem", Where::cosign_save_kind);
  std::tie(status, evidence) =
      signature_result({"image", unlogged.string(), "--verify-key", rekor("key"), "--rekor-key", rekor("rekor")});
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("it has no Rekor bundle"), std::string::npos) << evidence;
  // --rekor-key alone is a usage error; a Rekor key that is not a PEM key is an error that names it.
  auto p = drydock({"image", logged.string(), "--rekor-key", rekor("rekor")});
  EXPECT_EQ(p.code, 2) << p.err;
  p = drydock({"image", logged.string(), "--verify-key", rekor("key"), "--rekor-key", (tmp() / "set-input").string()});
  EXPECT_NE(p.code, 0);
  EXPECT_LT(p.code, 128) << p.err;
  EXPECT_NE(p.err.find("set-input"), std::string::npos) << p.err;
}

TEST_F(TrustCosign, VerifyByDigestChecksTheDownloadedBundle) {
  const std::string payload = payload_for(world().digest);
  write_file(tmp() / "download-logged.payload", payload);
  const std::string signature = sign(tmp() / "key.pem", tmp() / "download-logged.payload");
  json line = {{"Base64Signature", signature}, {"Payload", b64_file(tmp() / "download-logged.payload")}, {"Cert", nullptr},
               {"Chain", nullptr}, {"Bundle", rekor_bundle("rekor", tmp() / "download-logged.payload", signature)},
               {"RFC3161Timestamp", nullptr}};
  write_file(tmp() / "signatures-logged.json", line.dump() + "\n");
  const std::vector<std::string> args{"verify", "--key", (tmp() / "key.pub").string(), "--digest", world().digest,
                                      "--signatures", (tmp() / "signatures-logged.json").string(), "--rekor-key"};
  auto with = [&](const std::string& k) {
    auto a = args;
    a.push_back((tmp() / (k + ".pub")).string());
    return signature_result(a);
  };
  auto [status, evidence] = with("rekor");
  EXPECT_EQ(status, "pass") << evidence;
  EXPECT_NE(evidence.find("its Rekor bundle verifies"), std::string::npos) << evidence;
  std::tie(status, evidence) = with("other-rekor");
  EXPECT_EQ(status, "fail") << evidence;
  // The logged time changed after the log signed it.
  line["Bundle"]["Payload"]["integratedTime"] = 1796290300;
  write_file(tmp() / "signatures-logged.json", line.dump() + "\n");
  std::tie(status, evidence) = with("rekor");
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("signed entry timestamp does not verify"), std::string::npos) << evidence;
  // No Bundle in the downloaded signature.
  line["Bundle"] = nullptr;
  write_file(tmp() / "signatures-logged.json", line.dump() + "\n");
  std::tie(status, evidence) = with("rekor");
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("it has no Rekor bundle"), std::string::npos) << evidence;
}


class TrustNotation : public TrustCosign {
 protected:
  static std::string b64(const std::string& bytes, bool url) {
    static constexpr char k_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static constexpr char k_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char* a = url ? k_url : k_std;
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
      const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16U) | (static_cast<unsigned char>(bytes[i + 1]) << 8U) |
                         static_cast<unsigned char>(bytes[i + 2]);
      out += {a[(n >> 18U) & 63U], a[(n >> 12U) & 63U], a[(n >> 6U) & 63U], a[n & 63U]};
    }
    if (i + 1 == bytes.size()) {
      const unsigned n = static_cast<unsigned char>(bytes[i]) << 16U;
      out += {a[(n >> 18U) & 63U], a[(n >> 12U) & 63U]};
      if (!url) out += "==";
    } else if (i + 2 == bytes.size()) {
      const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16U) | (static_cast<unsigned char>(bytes[i + 1]) << 8U);
      out += {a[(n >> 18U) & 63U], a[(n >> 12U) & 63U], a[(n >> 6U) & 63U]};
      if (!url) out += "=";
    }
    return out;
  }

  static std::string rfc3339(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }

  static fs::path pki() { return tmp() / "pki"; }

  static void openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto p = run(argv);
    ASSERT_EQ(p.code, 0) << describe(argv, p);
  }

  /// A CA named `name`: self-signed, or issued by `issuer` (a name made before).
  static void make_ca(const std::string& name, const std::string& issuer = "") {
    const std::string key = (pki() / (name + ".key")).string();
    const std::string crt = (pki() / (name + ".pem")).string();
    if (issuer.empty()) {
      openssl({"req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-subj", "/CN=drydock test " + name, "-days",
               "3650", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out",
               crt});
      return;
    }
    issue(name, issuer, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n", "3650");
  }

  /// A certificate named `name` with the extensions `ext`, issued by `issuer`, valid `days`.
  static void issue(const std::string& name, const std::string& issuer, const std::string& ext, const std::string& days) {
    const std::string key = (pki() / (name + ".key")).string();
    openssl({"req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-subj", "/CN=drydock test " + name, "-out",
             (pki() / (name + ".csr")).string()});
    write_file(pki() / (name + ".ext"), ext);
    openssl({"x509", "-req", "-in", (pki() / (name + ".csr")).string(), "-CA", (pki() / (issuer + ".pem")).string(), "-CAkey",
             (pki() / (issuer + ".key")).string(), "-CAserial", (pki() / "serial").string(), "-CAcreateserial", "-days", days,
             "-extfile", (pki() / (name + ".ext")).string(), "-out", (pki() / (name + ".pem")).string()});
  }

  static std::string der_b64(const std::string& name) {
    const fs::path out = pki() / (name + ".der");
    openssl({"x509", "-in", (pki() / (name + ".pem")).string(), "-outform", "DER", "-out", out.string()});
    return b64(read(out), false);
  }

  /// The root, an intermediate, a code-signing leaf (30 days), a TLS server leaf, another root.
  static void SetUpTestSuite() {
    world() = World{};
    TrustCosign::SetUpTestSuite();
    if (world().digest.empty()) return;
    fs::create_directories(pki());
    make_ca("root");
    make_ca("intermediate", "root");
    issue("signer", "intermediate", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n",
          "30");
    issue("tls", "intermediate", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n", "30");
    make_ca("other-root");
    const auto index = json::parse(read(tmp() / "layout" / "index.json"));
    manifest() = index["manifests"][0];
  }

  /// The image's manifest descriptor in the layout (what a Notation payload names).
  static json& manifest() {
    static json m;
    return m;
  }

  /// A JWS envelope signed (PS256) by the leaf `signer` over `payload`; `tamper` re-encodes the
  /// payload with one byte changed after signing.
  static std::string envelope(const std::string& signer, const std::string& payload, bool tamper = false) {
    const json protected_header = {{"alg", "PS256"},
                                   {"cty", "application/vnd.cncf.notary.payload.v1+json"},
                                   {"crit", {"io.cncf.notary.signingScheme"}},
                                   {"io.cncf.notary.signingScheme", "notary.x509"},
                                   {"io.cncf.notary.signingTime", rfc3339(std::time(nullptr))}};
    const std::string p = b64(protected_header.dump(), true);
    const std::string q = b64(payload, true);
    write_file(pki() / "input", p + "." + q);
    openssl({"dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest", "-sign",
             (pki() / (signer + ".key")).string(), "-out", (pki() / "input.sig").string(), (pki() / "input").string()});
    std::string signed_payload = q;
    if (tamper) {
      std::string changed = payload;
      changed[changed.find("sha256:") + 10] = changed[changed.find("sha256:") + 10] == '0' ? '1' : '0';
      signed_payload = b64(changed, true);
    }
    const json env = {{"payload", signed_payload},
                      {"protected", p},
                      {"header", {{"x5c", {der_b64(signer), der_b64("intermediate"), der_b64("root")}},
                                  {"io.cncf.notary.signingAgent", "drydock-test/1"}}},
                      {"signature", b64(read(pki() / "input.sig"), true)}};
    return env.dump();
  }

  static std::string payload_for(const std::string& digest) {
    return json{{"targetArtifact",
                 {{"mediaType", manifest()["mediaType"]}, {"digest", digest}, {"size", manifest()["size"]}}}}
        .dump();
  }

  /// A copy of the image's layout with `envelope` stored as Notation stores it: an OCI 1.1
  /// referrer manifest (artifactType application/vnd.cncf.notary.signature, the empty config,
  /// the envelope as its `media` layer, the image's manifest as its subject) listed in index.json.
  static fs::path notation_layout(const std::string& name, const std::string& envelope,
                                  const std::string& media = "application/jose+json") {
    const fs::path dir = tmp() / name;
    fs::copy(tmp() / "layout", dir, fs::copy_options::recursive);
    const std::string envelope_digest = put_blob(dir, envelope);
    const std::string empty_digest = put_blob(dir, "{}");
    const json m = {{"schemaVersion", 2},
                    {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                    {"artifactType", "application/vnd.cncf.notary.signature"},
                    {"config", {{"mediaType", "application/vnd.oci.empty.v1+json"}, {"digest", empty_digest}, {"size", 2}}},
                    {"layers", json::array({{{"mediaType", media}, {"digest", envelope_digest}, {"size", envelope.size()}}})},
                    {"subject", manifest()},
                    {"annotations", {{"io.cncf.notary.x509chain.thumbprint#S256", "[]"}}}};
    const std::string text = m.dump();
    auto index = json::parse(read(dir / "index.json"));
    index["manifests"].push_back({{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                  {"artifactType", "application/vnd.cncf.notary.signature"},
                                  {"digest", put_blob(dir, text)},
                                  {"size", text.size()}});
    write_file(dir / "index.json", index.dump());
    return dir;
  }

  static std::pair<std::string, std::string> with_trust(const fs::path& layout, const std::string& store = "root.pem",
                                                        const std::vector<std::string>& more = {}) {
    std::vector<std::string> args{"image", layout.string(), "--trust-store", (pki() / store).string()};
    args.insert(args.end(), more.begin(), more.end());
    return signature_result(args);
  }
};

TEST_F(TrustNotation, SignedByATrustedChainPasses) {
  const auto dir = notation_layout("notation-signed", envelope("signer", payload_for(world().digest)));
  auto [status, evidence] = with_trust(dir);
  EXPECT_EQ(status, "pass") << evidence;
  EXPECT_NE(evidence.find("Notation: "), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("signed by CN=drydock test signer (chain to trusted CN=drydock test root), PS256"), std::string::npos)
      << evidence;
  EXPECT_NE(evidence.find("for " + world().digest), std::string::npos) << evidence;
  // A trust store directory (Notation's truststore/x509/ca/NAME) holding the root.
  fs::create_directories(pki() / "store");
  fs::copy_file(pki() / "root.pem", pki() / "store" / "root.crt");
  std::tie(status, evidence) = with_trust(dir, "store");
  EXPECT_EQ(status, "pass") << evidence;
  // With a cosign key as well: the Notation signature is enough, the evidence says which kind passed.
  std::tie(status, evidence) = with_trust(dir, "root.pem", {"--verify-key", (tmp() / "key.pub").string()});
  EXPECT_EQ(status, "pass") << evidence;
  EXPECT_EQ(evidence.find("cosign: "), std::string::npos) << evidence;
  // Without a trust store the signature is found, and not verified.
  std::tie(status, evidence) = signature_result({"image", dir.string()});
  EXPECT_EQ(status, "skip") << evidence;
  EXPECT_NE(evidence.find("1 Notation signature (give --trust-store)"), std::string::npos) << evidence;
  std::tie(status, evidence) = image_with_key(dir);
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("1 Notation signature not checked: give --trust-store"), std::string::npos) << evidence;
}

TEST_F(TrustNotation, EachBrokenSignatureFailsWithItsReason) {
  const std::string payload = payload_for(world().digest);
  // One byte of the signed payload changed (the envelope stored with its new digest).
  auto [status, evidence] = with_trust(notation_layout("notation-tampered", envelope("signer", payload, true)));
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("the signature does not verify with the key of signing certificate CN=drydock test signer"),
            std::string::npos)
      << evidence;
  // A valid signature of another image.
  std::tie(status, evidence) =
      with_trust(notation_layout("notation-other-digest", envelope("signer", payload_for("sha256:" + std::string(64, 'e')))));
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("a valid signature of another artifact: it signs sha256:eeee"), std::string::npos) << evidence;
  // A root the trust store does not hold.
  const auto signed_dir = notation_layout("notation-untrusted", envelope("signer", payload));
  std::tie(status, evidence) = with_trust(signed_dir, "other-root.pem");
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("no certificate of its chain (root CN=drydock test root) is in the trust store (1 certificate)"),
            std::string::npos)
      << evidence;
  // The signing certificate (30 days) has expired by --now.
  std::tie(status, evidence) = with_trust(signed_dir, "root.pem", {"--now", rfc3339(std::time(nullptr) + 60 * 86400)});
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("certificate CN=drydock test signer expired at"), std::string::npos) << evidence;
  // A TLS server certificate is no code-signing certificate.
  std::tie(status, evidence) = with_trust(notation_layout("notation-tls", envelope("tls", payload)));
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("signing certificate CN=drydock test tls: its extended key usage is TLS Web Server Authentication, "
                          "not code signing"),
            std::string::npos)
      << evidence;
  // A malformed envelope, and a COSE one, cannot be verified: error.
  std::tie(status, evidence) = with_trust(notation_layout("notation-malformed", R"({"payload":"e30"})"));
  EXPECT_EQ(status, "error") << evidence;
  EXPECT_NE(evidence.find("malformed JWS envelope"), std::string::npos) << evidence;
  std::tie(status, evidence) = with_trust(notation_layout("notation-cose", "\xd2\x84", "application/cose"));
  EXPECT_EQ(status, "error") << evidence;
  EXPECT_NE(evidence.find("which drydock does not verify"), std::string::npos) << evidence;
  // A trust store file without a certificate is an error naming it.
  const auto p = drydock({"image", signed_dir.string(), "--trust-store", (tmp() / "key.pub").string()});
  EXPECT_NE(p.code, 0);
  EXPECT_LT(p.code, 128) << p.err;
  EXPECT_NE(p.err.find("key.pub"), std::string::npos) << p.err;
}

TEST_F(TrustNotation, VerifyByDigestWithAnEnvelopeFile) {
  write_file(tmp() / "notation.jws", envelope("signer", payload_for(world().digest)));
  const std::vector<std::string> args{"verify", "--trust-store", (pki() / "root.pem").string(), "--signatures",
                                      (tmp() / "notation.jws").string(), "--digest"};
  auto with_digest = [&](const std::string& d) {
    auto a = args;
    a.push_back(d);
    return signature_result(a);
  };
  auto [status, evidence] = with_digest(world().digest);
  EXPECT_EQ(status, "pass") << evidence;
  EXPECT_NE(evidence.find("media type and size were not known to compare"), std::string::npos) << evidence;
  std::tie(status, evidence) = with_digest("sha256:" + std::string(64, 'f'));
  EXPECT_EQ(status, "fail") << evidence;
  EXPECT_NE(evidence.find("another artifact"), std::string::npos) << evidence;
  // Neither --key nor --trust-store: a usage error.
  const auto p = drydock({"verify", "--digest", world().digest, "--signatures", (tmp() / "notation.jws").string()});
  EXPECT_EQ(p.code, 2) << p.err;
}

}  // namespace
}  // namespace drydock_it
