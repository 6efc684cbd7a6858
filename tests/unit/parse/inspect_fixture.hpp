#pragma once
// The text of a `docker inspect` capture in tests/data/inspect.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace drydock::parse::test_data {

inline std::string inspect_fixture(const std::string& name) {
  std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/inspect/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace drydock::parse::test_data
