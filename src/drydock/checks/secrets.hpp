#pragma once
/// Recognising secrets in names and values (internal to checks/): shared by the Dockerfile,
/// image, and Compose checks, so every source judges a secret the same way.

#include <optional>
#include <string>
#include <string_view>

namespace drydock::checks::secrets {

/// True when a variable or key name names a secret's value: PASSWORD, SECRET, TOKEN, API_KEY, ...
/// as a word part (case-insensitive), and not a secret's file, path, URL or property (`*_FILE`, ...).
bool secret_name(std::string_view name);

/// True for values that are not secrets whatever the name says: empty, only `$VAR`
/// references, paths, URLs without credentials, booleans and `none`/`null`.
bool harmless_value(std::string_view value);

/// The first characters of a secret and an ellipsis: enough to recognise it, not to use it.
std::string redacted(std::string_view value);

/// The kind of the first known key format in `text` (AWS key id, GitHub/Google/Stripe/Slack
/// tokens, PEM private keys, a literal password in a URL `scheme://user:password@host`), with a
/// redacted prefix; nullopt when none.
std::optional<std::string> known_key(std::string_view text);

}  // namespace drydock::checks::secrets
