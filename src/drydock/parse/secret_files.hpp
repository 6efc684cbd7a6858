#pragma once
/// Credentials stored in files of an image: private keys, cloud and registry credentials,
/// package-registry tokens. Pure: a path and the file's bytes in, findings out. The image layer
/// walk asks wants_secret_scan for every file and reads only the few it selects.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace drydock::parse {

/// Files larger than this are not read for secrets: a PEM private key is under 4 KiB (RSA 8192
/// is about 6.3 KiB), credential files a few hundred bytes; a certificate bundle is larger.
inline constexpr std::uint64_t k_secret_file_limit = std::uint64_t{64} << 10U;

/// Whether a layer walk should read this file's content and give it to scan_secret_file.
/// `path` is the path in the image, with or without a leading '/' or "./". Cheap (no
/// allocation): it looks at the name and the size only. Selected, when 0 < size <=
/// k_secret_file_limit: private-key names (`id_rsa*`, `id_dsa*`, `id_ecdsa*`, `id_ed25519*`,
/// `ssh_host_*_key`, `*.pem`, `*.key`, `*.p8`), any file under a `.ssh/` directory except
/// public-key lists (`authorized_keys*`, `known_hosts*`, `config`), `.aws/credentials`,
/// `.aws/config`, `.docker/config.json`, `.dockercfg`, `.npmrc` (and `etc/npmrc`), `.pypirc`.
/// Never `*.pub`. Not selected: certificates (`*.crt`, `*.cer`) hold no secret, and binary key
/// stores (`*.p12`, `*.pfx`, `*.jks`) cannot be judged from their bytes without their password.
bool wants_secret_scan(std::string_view path, std::uint64_t size);

/// One credential found in a file.
struct FileSecret {
  /// "private-key", "aws-credentials", "docker-auth", "npm-token", "pypi-password".
  std::string kind;
  /// What and where, never the secret's value: "OpenSSH private key (ssh-ed25519), no
  /// passphrase", "RSA private key (PEM), encrypted", "aws_secret_access_key in [default]",
  /// "credentials for registry ghcr.io (auth)". Says "encrypted" only for a key protected by a
  /// passphrase.
  std::string detail;
  int line = 0;  ///< 1-based line of the key's BEGIN line or of the credential's key
};

/// Credentials in a file: PEM (PKCS#1, SEC1, PKCS#8, legacy encrypted) and OpenSSH private keys
/// under any file name (a BEGIN line, base64 body and matching END line; public keys,
/// certificates and parameters are not secrets); by path: `aws_secret_access_key` in
/// `.aws/credentials` or `.aws/config`; registries with an `auth`, `identitytoken` or `password`
/// in `.docker/config.json` (`auths`) or `.dockercfg`; `_authToken`, `_auth` or `_password` in
/// `.npmrc` (not a `${VAR}` reference); `password` in `.pypirc`. Malformed files give no finding.
std::vector<FileSecret> scan_secret_file(std::string_view path, std::string_view content);

}  // namespace drydock::parse
