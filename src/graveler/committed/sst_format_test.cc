// The frozen format of docs/range_format.md: its test vectors and the SST value layouts.
#include "graveler/committed/sst_format.h"

#include <gtest/gtest.h>

#include "graveler/committed/range_id.h"

namespace tarn::graveler::committed::sst {
namespace {

constexpr char kOneRecordRange[] =
    "6261665f377a3f5425afbb9cbac22a3b8becbc4b2d8f6cfdd7d90ad9d95163f9";

TEST(RangeFormatTest, EmptyRangeIdMatchesTheDocument) {
  FileIdHasher hasher(FileType::kRange);
  EXPECT_EQ(hasher.Finish(), "5fde5da3bce3c91def7eb3df990a78b957c437a8e804e2617a0075a601820d9b");
}

TEST(RangeFormatTest, OneRecordRangeIdMatchesTheDocument) {
  FileIdHasher hasher(FileType::kRange);
  hasher.Add("a", "i", "d");
  EXPECT_EQ(hasher.Finish(), kOneRecordRange);
}

TEST(RangeFormatTest, MetaRangeIdMatchesTheDocument) {
  RangeInfo range{
      .id = kOneRecordRange, .min_key = "a", .max_key = "a", .count = 1, .estimated_bytes = 3};
  const std::string data = EncodeRangeData(range);
  EXPECT_EQ(data, std::string("\x01"
                              "a"
                              "\x01\x03",
                              4));
  FileIdHasher hasher(FileType::kMetaRange);
  hasher.Add(range.max_key, range.id, data);
  EXPECT_EQ(hasher.Finish(), "c76c9f307b64109803afbbead55f29e3f6f2f2c94e0497781162aa27693dd398");
}

TEST(RangeFormatTest, SplitRuleUsesFnv1a64OfTheKey) {
  constexpr uint64_t kFnvOfA = 0xaf63dc4c8601ec8cull;
  EXPECT_TRUE(ShouldEndRange({.target_entries = kFnvOfA}, "a", 1, 1));
  EXPECT_FALSE(ShouldEndRange({.target_entries = kFnvOfA - 1}, "a", 1, 1));
}

TEST(RangeFormatTest, SplitRuleClampsBySize) {
  RangeSplitOptions options{
      .target_entries = 0xaf63dc4c8601ec8cull, .min_bytes = 10, .max_bytes = 100};
  EXPECT_FALSE(ShouldEndRange(options, "a", 1, 9));  // below min even though the hash says end
  EXPECT_TRUE(ShouldEndRange(options, "a", 1, 10));
  EXPECT_TRUE(ShouldEndRange({.target_entries = 3, .max_bytes = 100}, "b", 1, 100));
}

TEST(SstValueTest, RangeValueRoundTrips) {
  std::string value;
  EncodeRangeValue("identity", "some data", value);
  EXPECT_EQ(value, std::string("\x08identitysome data"));
  std::string_view identity, data;
  ASSERT_TRUE(DecodeRangeValue(value, identity, data));
  EXPECT_EQ(identity, "identity");
  EXPECT_EQ(data, "some data");
}

TEST(SstValueTest, RangeValueWithLongIdentityAndEmptyDataRoundTrips) {
  const std::string long_identity(300, 'i');
  std::string value;
  EncodeRangeValue(long_identity, "", value);
  EXPECT_EQ(value.substr(0, 2), std::string("\xac\x02"));
  std::string_view identity, data;
  ASSERT_TRUE(DecodeRangeValue(value, identity, data));
  EXPECT_EQ(identity, long_identity);
  EXPECT_TRUE(data.empty());
}

TEST(SstValueTest, MalformedRangeValuesAreRejected) {
  std::string_view identity, data;
  EXPECT_FALSE(DecodeRangeValue("", identity, data));
  EXPECT_FALSE(DecodeRangeValue(std::string_view("\x00x", 2), identity, data));  // empty identity
  EXPECT_FALSE(
      DecodeRangeValue("\x05"
                       "abc",
                       identity, data));                       // too short
  EXPECT_FALSE(DecodeRangeValue("\x80\x80", identity, data));  // cut varint
}

TEST(SstValueTest, MetaRangeValueRoundTrips) {
  RangeInfo range{.id = kOneRecordRange,
                  .min_key = "alpha",
                  .max_key = "omega",
                  .count = 7,
                  .estimated_bytes = 1234};
  std::string value;
  EncodeMetaRangeValue(range, value);
  RangeInfo decoded;
  ASSERT_TRUE(DecodeMetaRangeValue(value, decoded));
  decoded.max_key = range.max_key;
  EXPECT_EQ(decoded, range);
}

TEST(SstValueTest, MetaRangeValueWithABadIdIsRejected) {
  RangeInfo range{.id = std::string(64, 'G'), .min_key = "a", .max_key = "b", .count = 1};
  std::string value;
  EncodeMetaRangeValue(range, value);
  RangeInfo decoded;
  EXPECT_FALSE(DecodeMetaRangeValue(value, decoded));
}

TEST(SstNamingTest, ObjectKeysAndIds) {
  EXPECT_EQ(ObjectKey(kOneRecordRange), std::string("_tarn/") + kOneRecordRange);
  EXPECT_TRUE(IsValidId(kOneRecordRange));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId(std::string(64, 'A')));
  EXPECT_FALSE(IsValidId(std::string(63, 'a')));
  EXPECT_FALSE(IsValidId("../" + std::string(61, 'a')));
}

}  // namespace
}  // namespace tarn::graveler::committed::sst
