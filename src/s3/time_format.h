// The time formats of the S3 protocol, all in UTC:
//   SigV4 "basic" ISO 8601   20130524T000000Z            (X-Amz-Date, string to sign)
//   ISO 8601 with millis     2013-05-24T00:00:00.000Z     (XML LastModified, Initiated, ...)
//   HTTP date (RFC 7231)     Fri, 24 May 2013 00:00:00 GMT (Date, Last-Modified headers)
// Parsers return nullopt on anything malformed or outside the years 1900..2200; they never
// throw.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tarn::s3 {

using TimePoint = std::chrono::system_clock::time_point;

std::string FormatAmzDate(TimePoint t);
// Exactly "YYYYMMDDTHHMMSSZ".
std::optional<TimePoint> ParseAmzDate(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS.mmmZ" (milliseconds, truncated).
std::string FormatIso8601(TimePoint t);
// "YYYY-MM-DDTHH:MM:SS" with an optional fraction of any precision and a "Z" or "+00:00"-style
// offset.
std::optional<TimePoint> ParseIso8601(std::string_view text);

// IMF-fixdate: "Fri, 24 May 2013 00:00:00 GMT".
std::string FormatHttpDate(TimePoint t);
// Accepts IMF-fixdate with any of GMT, UTC, Z or a numeric offset ("+0000", "-0700"), the day
// name being optional; RFC 850 ("Friday, 24-May-13 00:00:00 GMT"); and asctime
// ("Fri May 24 00:00:00 2013").
std::optional<TimePoint> ParseHttpDate(std::string_view text);

// Whole seconds since the Unix epoch (floored).
int64_t ToUnixSeconds(TimePoint t);
// The inverse; values beyond what TimePoint can hold (about +-292 years) are clamped.
TimePoint FromUnixSeconds(int64_t seconds);

}  // namespace tarn::s3
