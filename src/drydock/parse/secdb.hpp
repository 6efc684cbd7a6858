#pragma once
/// Alpine secdb (secdb.alpinelinux.org `vX.Y/main.yaml` or `.json`) -> model::Advisory. Pure.

#include <string>
#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/vulnerability.hpp"

namespace drydock::parse {

/// Largest secdb file accepted; the real ones are well under 1 MiB.
inline constexpr std::size_t k_max_secdb_bytes = std::size_t{64} << 20;

/// A secdb file: one advisory per (package, identifier) with ecosystem `Alpine:<distroversion>`
/// and one ECOSYSTEM range `introduced 0, fixed V` per fixed version V that lists it.
struct Secdb {
  std::string distroversion;  ///< "v3.11"
  std::string reponame;       ///< "main", "community"
  std::vector<model::Advisory> advisories;
};

/// Parses the YAML form, or the JSON form (which is YAML too). The fixed version "0" (Alpine's
/// mark for "never affected") yields no range. Entries name one identifier or several separated
/// by spaces ("CVE-2017-8904 XSA-214"): the first CVE id is the advisory's id, the others its
/// aliases; placeholders such as "CVE-????-?????" are dropped and "CVE_2019-2426" or
/// "CVE 2018-16859" are read as the CVE id they mean. Errors carry `where:line`.
core::Expected<Secdb> secdb(std::string_view text, std::string_view where);

/// The identifiers of one secfixes entry, normalized as described above; empty when it has none.
std::vector<std::string> secdb_identifiers(std::string_view entry);

}  // namespace drydock::parse
