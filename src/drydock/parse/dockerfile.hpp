#pragma once
/// Dockerfile text -> model::Dockerfile, exactly as BuildKit's frontend parses it.

#include <string_view>

#include "drydock/core/error.hpp"
#include "drydock/model/dockerfile.hpp"

namespace drydock::parse {

/// Parses a Dockerfile. `path` names the file in locations and errors. Errors (ErrorKind::parse,
/// `where` = path:line:column): not text (NUL bytes, invalid UTF-8), empty, no FROM, an
/// instruction BuildKit rejects (unknown keyword, bad JSON where exec form is required, an
/// unterminated heredoc), a file over the size limit (10 MiB).
core::Expected<model::Dockerfile> dockerfile(std::string_view text, std::string_view path);

}  // namespace drydock::parse
