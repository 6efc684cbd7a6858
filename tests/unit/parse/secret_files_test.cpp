#include "drydock/parse/secret_files.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace drydock::parse {
namespace {

const std::string k_secrets = std::string(DRYDOCK_TEST_DATA) + "/secrets/";

std::string secret_fixture(const std::string& name) {
  std::ifstream in(k_secrets + name, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// "kind|detail|line" for each finding, to compare whole lists at once.
std::vector<std::string> found(std::string_view path, std::string_view content) {
  std::vector<std::string> out;
  for (const auto& s : scan_secret_file(path, content))
    out.push_back(s.kind + "|" + s.detail + "|" + std::to_string(s.line));
  return out;
}

using Found = std::vector<std::string>;

// ---- wants_secret_scan ----

TEST(WantsSecretScan, KeyNamesAndCredentialFiles) {
  for (const char* path :
       {"root/.ssh/id_rsa", "/root/.ssh/id_ed25519", "./home/app/.ssh/deploy", ".ssh/github", "app/id_rsa",
        "srv/keys/id_ecdsa_sk", "etc/ssh/ssh_host_ed25519_key", "/etc/ssl/private/ssl-cert-snakeoil.key", "app/certs/server.pem",
        "opt/AuthKey_ABC123.p8", "root/.aws/credentials", "/home/u/.aws/config", "root/.docker/config.json",
        "/kaniko/.docker/config.json", "home/u/.dockercfg", "app/.npmrc", "usr/local/etc/npmrc", "root/.pypirc"}) {
    EXPECT_TRUE(wants_secret_scan(path, 400)) << path;
  }
}

TEST(WantsSecretScan, LeavesOtherFilesAlone) {
  for (const char* path : {"root/.ssh/id_rsa.pub",
                           "etc/ssh/ssh_host_rsa_key.pub",
                           "root/.ssh/authorized_keys",
                           "root/.ssh/known_hosts",
                           "root/.ssh/known_hosts.old",
                           "root/.ssh/config",
                           "etc/ssh/sshd_config",
                           "usr/share/ca-certificates/x.crt",
                           "app/keystore.p12",
                           "app/keystore.jks",
                           "etc/docker/daemon.json",
                           "app/config.json",
                           "app/.docker/other.json",
                           "home/u/aws/credentials",
                           "app/npmrc",
                           "app/pypirc",
                           "usr/bin/ssh",
                           "etc/passwd",
                           "",
                           "/",
                           "usr/lib/python3/dist-packages/keyring/backends/id_rsa_helper/"}) {
    EXPECT_FALSE(wants_secret_scan(path, 400)) << path;
  }
}

TEST(WantsSecretScan, SizeLimit) {
  EXPECT_TRUE(wants_secret_scan("root/.ssh/id_rsa", k_secret_file_limit));
  EXPECT_FALSE(wants_secret_scan("root/.ssh/id_rsa", k_secret_file_limit + 1));
  EXPECT_FALSE(wants_secret_scan("root/.ssh/id_rsa", 0));
  EXPECT_FALSE(wants_secret_scan("app/bundle.pem", std::uint64_t{1} << 40U));
}

// ---- private keys ----

TEST(ScanSecretFile, RealPrivateKeysAndTheirProtection) {
  EXPECT_EQ(found("root/.ssh/id_ed25519", secret_fixture("keys/id_ed25519")),
            Found{"private-key|OpenSSH private key (ssh-ed25519), no passphrase|1"});
  EXPECT_EQ(found("/root/.ssh/id_rsa", secret_fixture("keys/id_rsa_encrypted")),
            Found{"private-key|OpenSSH private key (ssh-rsa), encrypted with aes256-ctr|1"});
  EXPECT_EQ(found("etc/ssl/private/server.key", secret_fixture("keys/rsa-pkcs1.key")),
            Found{"private-key|RSA private key (PEM), no passphrase|1"});
  EXPECT_EQ(found("etc/ssl/private/server.key", secret_fixture("keys/rsa-pkcs1-encrypted.key")),
            Found{"private-key|RSA private key (PEM), encrypted|1"});
  // The EC PARAMETERS block before the key is not a secret; the key starts on line 4.
  EXPECT_EQ(found("ec.pem", secret_fixture("keys/ec-sec1.pem")), Found{"private-key|EC private key (PEM), no passphrase|4"});
  EXPECT_EQ(found("k.pem", secret_fixture("keys/pkcs8.pem")), Found{"private-key|private key (PKCS#8), no passphrase|1"});
  EXPECT_EQ(found("k.pem", secret_fixture("keys/pkcs8-encrypted.pem")), Found{"private-key|private key (PKCS#8), encrypted|1"});
}

TEST(ScanSecretFile, AnyFileNameAndSeveralKeys) {
  const auto cert = secret_fixture("keys/cert.pem");
  const auto content = "some notes\n" + cert + secret_fixture("keys/pkcs8.pem") + "\n" + secret_fixture("keys/id_ed25519");
  const auto got = found("app/README", content);
  ASSERT_EQ(got.size(), 2U);
  const auto key_line = 2 + std::count(cert.begin(), cert.end(), '\n');
  EXPECT_EQ(got[0], "private-key|private key (PKCS#8), no passphrase|" + std::to_string(key_line));
  EXPECT_EQ(got[1].substr(0, got[1].rfind('|')), "private-key|OpenSSH private key (ssh-ed25519), no passphrase");
}

TEST(ScanSecretFile, CrlfAndIndentedKeys) {
  std::string crlf;
  for (char c : secret_fixture("keys/rsa-pkcs1.key")) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  EXPECT_EQ(found("k.key", crlf), Found{"private-key|RSA private key (PEM), no passphrase|1"});
  std::string indented;
  for (char c : "x:\n" + secret_fixture("keys/pkcs8.pem")) {
    indented += c;
    if (c == '\n') indented += "    ";
  }
  EXPECT_EQ(found("values.yaml", indented), Found{"private-key|private key (PKCS#8), no passphrase|2"});
}

TEST(ScanSecretFile, NoFalseAlarms) {
  EXPECT_TRUE(found("root/.ssh/id_ed25519.pub", secret_fixture("keys/id_ed25519.pub")).empty());
  EXPECT_TRUE(found("cert.pem", secret_fixture("keys/cert.pem")).empty());
  // A parser's source that names the markers, documentation with a placeholder body, a key
  // whose END line is missing or does not match, a body that is not base64.
  EXPECT_TRUE(found("paramiko/rsakey.py",
                    "BEGIN_TAG = \"-----BEGIN RSA PRIVATE KEY-----\"\n"
                    "END_TAG = \"-----END RSA PRIVATE KEY-----\"\n")
                  .empty());
  EXPECT_TRUE(found("doc.md", "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n").empty());
  const auto key = secret_fixture("keys/rsa-pkcs1.key");
  EXPECT_TRUE(found("k.key", key.substr(0, key.size() / 2)).empty());
  auto mismatched = key;
  mismatched.replace(mismatched.rfind("RSA PRIVATE KEY"), 15, "EC PRIVATE KEYS");
  EXPECT_TRUE(found("k.key", mismatched).empty());
  EXPECT_TRUE(found("k.key",
                    "-----BEGIN PRIVATE KEY-----\nthis is not base64 at all, is it? no.\n"
                    "-----END PRIVATE KEY-----\n")
                  .empty());
  EXPECT_TRUE(found("k.key", "-----BEGIN PRIVATE KEY-----\nMC4C\n-----END PRIVATE KEY-----\n").empty());
  EXPECT_TRUE(found("k.key", "-----BEGIN lower case PRIVATE KEY-----\n" + std::string(64, 'A') +
                                 "\n-----END lower case PRIVATE KEY-----\n")
                  .empty());
}

TEST(ScanSecretFile, OpenSshBodyThatDoesNotDecode) {
  const std::string body = std::string(70, 'Q') + "\n";
  EXPECT_EQ(found("id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "-----END OPENSSH PRIVATE KEY-----\n"),
            Found{"private-key|OpenSSH private key (unreadable header)|1"});
}

TEST(ScanSecretFile, NeverTheSecretsValue) {
  for (const char* name : {"keys/id_ed25519", "keys/rsa-pkcs1.key", "home/.aws/credentials", "home/.docker/config.json",
                           "home/.npmrc", "home/.pypirc"}) {
    const auto content = secret_fixture(name);
    std::string path = name;
    if (path.starts_with("home/")) path.replace(0, 4, "root");
    const auto secrets = scan_secret_file(path, content);
    EXPECT_FALSE(secrets.empty()) << name;
    for (const auto& s : secrets) {
      for (const char* value : {"wJalrXUtnFEMI", "je7MtGbClwBF", "Zml4dHVyZTpub3Qt", "Zml4dHVyZS11c2Vy", "eyJhbGci",
                                "npm_Fixture", "pypi-Fixture", "b3BlbnNzaC1rZXkt", "MIIE"}) {
        EXPECT_EQ(s.detail.find(value), std::string::npos) << name << ": " << s.detail;
      }
    }
  }
}

// ---- credential files ----

TEST(ScanSecretFile, AwsCredentials) {
  EXPECT_EQ(
      found("/root/.aws/credentials", secret_fixture("home/.aws/credentials")),
      (Found{"aws-credentials|aws_secret_access_key in [default]|3", "aws-credentials|aws_secret_access_key in [ci]|12"}));
  EXPECT_EQ(found("home/u/.aws/config", "[profile dev]\nregion = eu-west-1\naws_secret_access_key: abc\n"),
            Found{"aws-credentials|aws_secret_access_key in [profile dev]|3"});
  EXPECT_TRUE(found("home/u/.aws/config", "[default]\nregion = eu-west-1\naws_secret_access_key =\n").empty());
  // The same text in a file of another name is not read as AWS credentials.
  EXPECT_TRUE(found("app/credentials.ini", secret_fixture("home/.aws/credentials")).empty());
}

TEST(ScanSecretFile, DockerConfig) {
  EXPECT_EQ(found("root/.docker/config.json", secret_fixture("home/.docker/config.json")),
            (Found{"docker-auth|credentials for registry https://index.docker.io/v1/ (auth)|3",
                     "docker-auth|credentials for registry registry.example.com:5000 (identitytoken)|7"}));
  // A credential store keeps the secrets out of the file.
  EXPECT_TRUE(found("root/.docker/config.json", secret_fixture("home/.docker/config-credstore.json")).empty());
  EXPECT_EQ(found("/home/u/.dockercfg", R"({"quay.io": {"auth": "eHg6eXk=", "email": "a@b.c"}})"),
            Found{"docker-auth|credentials for registry quay.io (auth)|1"});
  EXPECT_EQ(found("root/.docker/config.json", R"({"auths": {"r.io": {"username": "u", "password": "p"}}})"),
            Found{"docker-auth|credentials for registry r.io (password)|1"});
  for (const char* broken : {"", "{", "[]", R"({"auths": []})", R"({"auths": {"r": "x"}})", R"({"auths": {"r": {"auth": 3}}})",
                             "{\"auths\": {\"r\": {\"auth\": \"\"}}}", "\xff\xfe{}"}) {
    EXPECT_TRUE(found("root/.docker/config.json", broken).empty()) << broken;
  }
  std::string deep(10000, '[');
  EXPECT_TRUE(found("root/.docker/config.json", R"({"auths": {"r": {"x": )" + deep + "}}}").empty());
}

TEST(ScanSecretFile, Npmrc) {
  EXPECT_EQ(found("app/.npmrc", secret_fixture("home/.npmrc")),
            (Found{"npm-token|_authToken for //registry.npmjs.org/|3", "npm-token|_auth for //npm.acme.example/|6"}));
  EXPECT_EQ(found("usr/local/etc/npmrc", "_authToken = abc\n_password=\"\"\n"),
            Found{"npm-token|_authToken (default registry)|1"});
  EXPECT_TRUE(found("app/.npmrc", "//r/:_authToken=${NPM_TOKEN}\n# _authToken=abc\nalways-auth=true\n").empty());
}

TEST(ScanSecretFile, Pypirc) {
  EXPECT_EQ(found("root/.pypirc", secret_fixture("home/.pypirc")), Found{"pypi-password|password in [pypi]|8"});
  EXPECT_EQ(found("root/.pypirc", "[testpypi]\npassword: s3cret\n[x]\npassword =\n"),
            Found{"pypi-password|password in [testpypi]|2"});
}

}  // namespace
}  // namespace drydock::parse
