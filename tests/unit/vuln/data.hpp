#pragma once
// Where the vulnerability tests find their databases (tests/data).

#include <string>

namespace drydock::vuln::testing {

/// Alpine's security database (secdb YAML), tests/data/alpine-secdb.
inline const std::string k_secdb = std::string(DRYDOCK_TEST_DATA) + "/alpine-secdb";
/// Debian advisories (OSV JSON), tests/data/vuln/debian.
inline const std::string k_debian = std::string(DRYDOCK_TEST_DATA) + "/vuln/debian";

}  // namespace drydock::vuln::testing
