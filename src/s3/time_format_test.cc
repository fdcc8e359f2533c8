#include "s3/time_format.h"

#include <gtest/gtest.h>

namespace tarn::s3 {
namespace {

using std::chrono::milliseconds;

TimePoint Doc() { return FromUnixSeconds(1369353600); }  // 2013-05-24T00:00:00Z

TEST(TimeFormatTest, AmzDateRoundTrip) {
  EXPECT_EQ(FormatAmzDate(Doc()), "20130524T000000Z");
  EXPECT_EQ(ParseAmzDate("20130524T000000Z"), Doc());
  EXPECT_FALSE(ParseAmzDate("20130524T000000").has_value());
  EXPECT_FALSE(ParseAmzDate("20130230T000000Z").has_value());
  EXPECT_FALSE(ParseAmzDate("2013-05-24T00:00:00Z").has_value());
  // Years a nanosecond clock cannot hold are rejected, not overflowed.
  EXPECT_FALSE(ParseAmzDate("30311007T063136Z").has_value());
  EXPECT_FALSE(ParseHttpDate("Fri, 24 May 9999 00:00:00 GMT").has_value());
  EXPECT_GT(FromUnixSeconds(INT64_MAX), FromUnixSeconds(4102444800));
}

TEST(TimeFormatTest, Iso8601WithMillis) {
  EXPECT_EQ(FormatIso8601(Doc() + milliseconds(42)), "2013-05-24T00:00:00.042Z");
  EXPECT_EQ(ParseIso8601("2013-05-24T00:00:00.042Z"), Doc() + milliseconds(42));
  EXPECT_EQ(ParseIso8601("2013-05-24T00:00:00Z"), Doc());
  EXPECT_EQ(ParseIso8601("2013-05-24T02:00:00+02:00"), Doc());
  EXPECT_FALSE(ParseIso8601("2013-05-24 00:00:00Z").has_value());
  EXPECT_FALSE(ParseIso8601("2013-05-24T00:00:00.Z").has_value());
}

TEST(TimeFormatTest, HttpDateForms) {
  EXPECT_EQ(FormatHttpDate(Doc()), "Fri, 24 May 2013 00:00:00 GMT");
  EXPECT_EQ(ParseHttpDate("Fri, 24 May 2013 00:00:00 GMT"), Doc());
  EXPECT_EQ(ParseHttpDate("Fri, 24 May 2013 00:00:00 +0000"), Doc());
  EXPECT_EQ(ParseHttpDate("Thu, 23 May 2013 17:00:00 -0700"), Doc());
  EXPECT_EQ(ParseHttpDate("24 May 2013 00:00:00 UTC"), Doc());
  EXPECT_EQ(ParseHttpDate("Friday, 24-May-13 00:00:00 GMT"), Doc());
  EXPECT_EQ(ParseHttpDate("Fri May 24 00:00:00 2013"), Doc());
  EXPECT_EQ(ParseHttpDate("Fri May  4 00:00:00 2013"), Doc() - std::chrono::hours(24 * 20));
  EXPECT_FALSE(ParseHttpDate("Fri, 24 Mai 2013 00:00:00 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("Fri, 24 May 2013 25:00:00 GMT").has_value());
  EXPECT_FALSE(ParseHttpDate("").has_value());
}

}  // namespace
}  // namespace tarn::s3
