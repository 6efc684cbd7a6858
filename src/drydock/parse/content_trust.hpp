#pragma once
/// Where Docker Content Trust (Notary v1) is switched on in a text: environment files, shell
/// profiles, systemd units, CI pipelines (YAML, Jenkinsfile), or a process environment.
/// Pure: text in, settings out; never fails (a file that says nothing gives nothing).

#include <string_view>
#include <vector>

#include "drydock/model/trust.hpp"

namespace drydock::parse {

/// True when the docker CLI takes this DOCKER_CONTENT_TRUST value as on: it parses it as a Go
/// boolean and treats a value that is not one as on, so only "", 0, f, F, false, FALSE, False
/// leave it off.
bool content_trust_on(std::string_view value);

/// The settings in a text of lines, each located at `path`:line and described by `where`:
/// `DOCKER_CONTENT_TRUST=1` however it is assigned (`export`, `Environment="..."`, YAML
/// `DOCKER_CONTENT_TRUST: "1"`, Groovy `DOCKER_CONTENT_TRUST = '1'`, `setenv`, fish `set -gx`,
/// a command's prefix `DOCKER_CONTENT_TRUST=1 docker pull`), when it is on;
/// DOCKER_CONTENT_TRUST_SERVER with a value; `docker trust SUBCOMMAND`. Lines whose first
/// non-blank character starts a comment (`#`, `//`, `;`) are skipped.
std::vector<model::ContentTrustSetting> content_trust_in_text(std::string_view text, std::string_view path,
                                                               std::string_view where);

/// The same in a process environment (/proc/PID/environ: NUL-separated NAME=value).
std::vector<model::ContentTrustSetting> content_trust_in_environ(std::string_view environ, std::string_view path,
                                                                  std::string_view where);

}  // namespace drydock::parse
