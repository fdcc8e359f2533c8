#include "block/range.h"

#include <gtest/gtest.h>

namespace tarn::block {
namespace {

ByteRange FromTo(uint64_t first, uint64_t last) {
  return ByteRange{ByteRange::Kind::kFromTo, first, last, 0};
}
ByteRange From(uint64_t first) { return ByteRange{ByteRange::Kind::kFrom, first, 0, 0}; }
ByteRange Suffix(uint64_t length) { return ByteRange{ByteRange::Kind::kSuffix, 0, 0, length}; }

void ExpectResolves(const std::optional<ByteRange>& range, uint64_t size, uint64_t offset,
                    uint64_t length) {
  auto r = ResolveRange(range, size);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->offset, offset);
  EXPECT_EQ(r->length, length);
}

void ExpectNotSatisfiable(const ByteRange& range, uint64_t size) {
  auto r = ResolveRange(range, size);
  ASSERT_FALSE(r.ok()) << FormatRange(range);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(r.status().message().starts_with("range not satisfiable")) << r.status().ToString();
}

TEST(ResolveRangeTest, NoRangeIsTheWholeObject) {
  ExpectResolves(std::nullopt, 10, 0, 10);
  ExpectResolves(std::nullopt, 0, 0, 0);
}

TEST(ResolveRangeTest, FromTo) {
  ExpectResolves(FromTo(0, 0), 10, 0, 1);
  ExpectResolves(FromTo(9, 9), 10, 9, 1);
  ExpectResolves(FromTo(2, 5), 10, 2, 4);
  ExpectResolves(FromTo(8, 100), 10, 8, 2);  // clamped
}

TEST(ResolveRangeTest, FromAnOffset) {
  ExpectResolves(From(0), 10, 0, 10);
  ExpectResolves(From(9), 10, 9, 1);
}

TEST(ResolveRangeTest, Suffix) {
  ExpectResolves(Suffix(3), 10, 7, 3);
  ExpectResolves(Suffix(10), 10, 0, 10);
  ExpectResolves(Suffix(11), 10, 0, 10);
}

TEST(ResolveRangeTest, StartsPastTheEnd) {
  ExpectNotSatisfiable(FromTo(10, 10), 10);
  ExpectNotSatisfiable(From(10), 10);
  ExpectNotSatisfiable(Suffix(0), 10);
  ExpectNotSatisfiable(FromTo(0, 0), 0);
  ExpectNotSatisfiable(From(0), 0);
  ExpectNotSatisfiable(Suffix(5), 0);
}

TEST(ResolveRangeTest, LastBeforeFirstIsInvalid) {
  auto r = ResolveRange(FromTo(5, 4), 10);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(r.status().message().starts_with("range not satisfiable"));
}

TEST(FormatRangeTest, HttpForms) {
  EXPECT_EQ(FormatRange(FromTo(0, 9)), "bytes=0-9");
  EXPECT_EQ(FormatRange(From(5)), "bytes=5-");
  EXPECT_EQ(FormatRange(Suffix(3)), "bytes=-3");
}

}  // namespace
}  // namespace tarn::block
