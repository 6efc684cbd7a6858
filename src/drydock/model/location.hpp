#pragma once

#include <string>

#include "drydock/core/shared_string.hpp"

namespace drydock::model {

/// A position in a file a finding points at (1-based; 0 = unknown column).
struct Location {
  core::SharedString file;  ///< shared: every node of a file holds its path
  int line = 0;
  int column = 0;
};

}  // namespace drydock::model
