#include "kv/admin/base64.h"

#include <gtest/gtest.h>

#include <random>

#include "common/coding.h"

namespace tarn::kv::admin_internal {
namespace {

TEST(AdminBase64Test, EncodeAgreesWithCommonCodecForEveryLengthAndByte) {
  std::mt19937 rng(7);
  for (std::size_t len = 0; len < 200; ++len) {
    std::string bytes(len, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    std::string out = "prefix";
    AppendBase64(out, bytes);
    EXPECT_EQ(out, "prefix" + Base64Encode(bytes)) << len;
  }
}

TEST(AdminBase64Test, DecodeRoundTripsAndAgreesWithCommonCodec) {
  std::mt19937 rng(11);
  std::string decoded = "stale contents";
  for (std::size_t len = 0; len < 200; ++len) {
    std::string bytes(len, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    const std::string text = Base64Encode(bytes);
    ASSERT_TRUE(DecodeBase64Into(text, decoded)) << len;
    EXPECT_EQ(decoded, bytes);
  }
}

TEST(AdminBase64Test, RejectsWhatTheCommonCodecRejects) {
  const char* bad[] = {"A",        "AB",   "ABC",  "A===",  "====",  "AB=C",  "A=BC",
                       "AB==CD==", "AB!D", "AB D", "AB\nD", "ABC\"", "ABC\\", "-_AB"};
  std::string out;
  for (const char* text : bad) {
    EXPECT_FALSE(Base64Decode(text).has_value()) << text;
    EXPECT_FALSE(DecodeBase64Into(text, out)) << text;
  }
}

TEST(AdminBase64Test, EmptyDecodesToEmpty) {
  std::string out = "x";
  ASSERT_TRUE(DecodeBase64Into("", out));
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace tarn::kv::admin_internal
