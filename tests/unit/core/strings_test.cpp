// Base64 of both RFC 4648 alphabets, as signatures, Notary metadata and JWS envelopes carry it.

#include <gtest/gtest.h>

#include "drydock/core/strings.hpp"

namespace {

using drydock::core::Base64;
using drydock::core::base64_decode;

TEST(CoreBase64, DecodesEveryLengthWithOrWithoutPadding) {
  EXPECT_EQ(base64_decode("").value(), "");
  EXPECT_EQ(base64_decode("aA==").value(), "h");
  EXPECT_EQ(base64_decode("aA").value(), "h");
  EXPECT_EQ(base64_decode("aGk=").value(), "hi");
  EXPECT_EQ(base64_decode("aGk").value(), "hi");
  EXPECT_EQ(base64_decode("aGkh").value(), "hi!");
  // Every byte value survives, including NUL and bytes above 0x7f.
  EXPECT_EQ(base64_decode("AP+A").value(), std::string("\x00\xff\x80", 3));
}

TEST(CoreBase64, EachAlphabetRefusesTheOthersCharacters) {
  // 0xfb 0xff 0xbf is "+/+/" in the standard alphabet and "-_-_" in the URL-safe one.
  EXPECT_EQ(base64_decode("+/+/").value(), "\xfb\xff\xbf");
  EXPECT_EQ(base64_decode("-_-_", Base64::url).value(), "\xfb\xff\xbf");
  const auto url_in_standard = base64_decode("-_-_");
  ASSERT_FALSE(url_in_standard);
  EXPECT_EQ(url_in_standard.error().message, "not base64: a character outside its alphabet");
  EXPECT_FALSE(base64_decode("+/+/", Base64::url));
}

TEST(CoreBase64, ImpossibleLengthsAndStrayCharactersAreErrors) {
  const auto one = base64_decode("aGkhA");
  ASSERT_FALSE(one);
  EXPECT_EQ(one.error().message, "not base64: its length is impossible");
  EXPECT_FALSE(base64_decode("aG k="));
  EXPECT_FALSE(base64_decode("aGk=\n"));
  EXPECT_FALSE(base64_decode("a=Gk"));
}

TEST(CoreStrings, CaseIntoABufferKeptFromCallToCall) {
  std::string buffer;
  EXPECT_EQ(drydock::core::upper_into("api_Token-9\xc3\xa9", buffer), "API_TOKEN-9\xc3\xa9");  // bytes above 0x7f kept
  // A shorter text after a longer one: nothing of the longer one is left behind.
  EXPECT_EQ(drydock::core::lower_into("APT TRUSTED=YES", buffer), "apt trusted=yes");
  EXPECT_EQ(drydock::core::lower_into("GPG", buffer), "gpg");
  EXPECT_EQ(drydock::core::upper_into("", buffer), "");
  EXPECT_EQ(drydock::core::lower_into("@[`{", buffer), "@[`{");  // the neighbours of A-Z and a-z
  EXPECT_EQ(drydock::core::upper_into("@[`{", buffer), "@[`{");
}

TEST(CoreStrings, SameLowerFoldsOnlyTheTextsAsciiCapitals) {
  using drydock::core::ends_with_lower;
  using drydock::core::same_lower;
  EXPECT_TRUE(same_lower("SCRATCH", "scratch"));
  EXPECT_TRUE(same_lower("Tcp", "tcp"));
  EXPECT_TRUE(same_lower("", ""));
  EXPECT_FALSE(same_lower("tcp", "TCP"));  // the second text is the lower-case one: not folded
  EXPECT_FALSE(same_lower("tcp6", "tcp"));
  EXPECT_FALSE(same_lower("@[`{", "`{@["));  // the neighbours of A-Z are not letters
  EXPECT_FALSE(same_lower("Ã", "Ã©"));  // bytes above 0x7f compared as they are
  EXPECT_TRUE(ends_with_lower("-o APT::Install-Recommends=False", "apt::install-recommends=false"));
  EXPECT_TRUE(ends_with_lower("app.TAR.GZ", ".tar.gz"));
  EXPECT_FALSE(ends_with_lower("gz", ".tar.gz"));
  static_assert(same_lower("UDP", "udp") && !same_lower("UDP", "ud"));
}

}  // namespace
