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

}  // namespace
