#pragma once
/// OSV JSON (https://ossf.github.io/osv-schema/) -> model::Advisory. Pure: bytes in, model out;
/// every error names the file and the field.

#include <string_view>
#include <vector>

#include "drydock/core/error.hpp"
#include "drydock/model/vulnerability.hpp"

namespace drydock::parse {

/// Largest OSV document accepted; osv.dev's largest records are a few hundred KiB.
inline constexpr std::size_t k_max_osv_bytes = std::size_t{32} << 20;

/// One OSV record (a JSON object), or a JSON array of records as some exporters write them.
/// `where` names the file in errors. Unknown fields are ignored, as the schema allows; fields of
/// the wrong type, a record without `id`, a range event that is not exactly one of
/// `introduced`/`fixed`/`last_affected`/`limit`, are errors naming the JSON path.
core::Expected<std::vector<model::Advisory>> osv(std::string_view text, std::string_view where);

}  // namespace drydock::parse
