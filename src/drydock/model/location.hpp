#pragma once

#include <string>

namespace drydock::model {

/// A position in a file a finding points at (1-based; 0 = unknown column).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

}  // namespace drydock::model
