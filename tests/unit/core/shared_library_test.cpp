#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "drydock/core/shared_library.hpp"

namespace drydock::core {
namespace {

TEST(SharedLibrary, BindsTheFunctionsOfALibraryOpenedByItsSoname) {
  SharedLibrary libc("libc.so.6");
  decltype(&std::strlen) length = nullptr;
  libc.bind(length, "strlen");
  ASSERT_NE(length, nullptr);
  EXPECT_EQ(length("drydock"), 7U);
  EXPECT_FALSE(libc.failure("to measure strings", "libc6"));
}

TEST(SharedLibrary, AMissingLibrarySaysWhichWhatForAndWhatToInstall) {
  SharedLibrary missing("libdrydock-absent.so.7");
  int (*f)(int) = &std::abs;
  missing.bind(f, "absent_function");
  EXPECT_EQ(f, nullptr);
  const auto e = missing.failure("to read archives", "libdrydock-absent7");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, ErrorKind::io);
  EXPECT_NE(e->message.find("cannot load libdrydock-absent.so.7, which drydock needs to read archives"), std::string::npos)
      << e->message;
  EXPECT_NE(e->message.find("apt-get install libdrydock-absent7"), std::string::npos) << e->message;
}

TEST(SharedLibrary, AFunctionTheLibraryLacksIsNamed) {
  SharedLibrary libc("libc.so.6");
  decltype(&std::strlen) length = nullptr;
  void (*absent)() = nullptr;
  libc.bind(absent, "drydock_no_such_function");
  libc.bind(length, "strlen");  // a later bind that succeeds does not hide the first failure
  EXPECT_EQ(absent, nullptr);
  EXPECT_NE(length, nullptr);
  const auto e = libc.failure("to test", "libc6");
  ASSERT_TRUE(e);
  EXPECT_NE(e->message.find("drydock_no_such_function"), std::string::npos) << e->message;
}

}  // namespace
}  // namespace drydock::core
