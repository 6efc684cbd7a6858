#pragma once
/// Internal to audit/: runs one evaluator and turns what can go wrong into an `error` finding.

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "drydock/checks/check.hpp"

namespace drydock::audit::detail {

/// The evaluator's one finding; a thrown exception or no finding at all is an `error`.
template <class Eval, class... Args>
checks::Finding evaluate(Eval eval, const Args&... args) {
  checks::Results out;
  try {
    eval(args..., out);
  } catch (const std::exception& e) {
    return checks::Finding{std::string("check failed: ") + e.what(), std::nullopt, core::Status::error, std::nullopt};
  }
  if (!out.finding()) return checks::Finding{"check produced no result", std::nullopt, core::Status::error, std::nullopt};
  return std::move(*out.finding());
}

}  // namespace drydock::audit::detail
