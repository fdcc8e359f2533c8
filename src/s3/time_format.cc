#include "s3/time_format.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace tarn::s3 {
namespace {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};

struct Civil {
  int year, month, day, hour, minute, second;
  int64_t nanos;
  unsigned weekday;  // 0 = Sunday
};

Civil ToCivil(TimePoint t) {
  auto secs = std::chrono::floor<seconds>(t);
  auto day = std::chrono::floor<days>(secs);
  std::chrono::year_month_day ymd(day);
  std::chrono::hh_mm_ss<seconds> hms(secs - day);
  Civil c{};
  c.year = int(ymd.year());
  c.month = int(unsigned(ymd.month()));
  c.day = int(unsigned(ymd.day()));
  c.hour = int(hms.hours().count());
  c.minute = int(hms.minutes().count());
  c.second = int(hms.seconds().count());
  c.nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(t - secs).count();
  c.weekday = std::chrono::weekday(day).c_encoding();
  return c;
}

std::optional<TimePoint> FromCivil(int year, int month, int day, int hour, int minute, int second) {
  // system_clock counts nanoseconds in 64 bits (years 1678..2261); stay well inside.
  if (year < 1900 || year > 2200) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(unsigned(month)),
                                  std::chrono::day(unsigned(day))};
  if (!ymd.ok()) return std::nullopt;
  return TimePoint(sys_days(ymd)) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         seconds(second);
}

// A cursor over the text being parsed; every method fails softly by returning false.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  bool Digits(int count, int* value) {
    if (text_.size() < std::size_t(count)) return false;
    int v = 0;
    for (int i = 0; i < count; ++i) {
      char c = text_[i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    text_.remove_prefix(count);
    *value = v;
    return true;
  }
  // One or two digits (asctime pads the day with a space).
  bool SmallNumber(int* value) {
    if (!text_.empty() && text_[0] == ' ') text_.remove_prefix(1);
    if (text_.size() >= 2 && text_[1] >= '0' && text_[1] <= '9') return Digits(2, value);
    return Digits(1, value);
  }
  bool Literal(std::string_view s) {
    if (text_.substr(0, s.size()) != s) return false;
    text_.remove_prefix(s.size());
    return true;
  }
  bool Month(int* month) {
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
      if (Literal(kMonths[i])) {
        *month = int(i) + 1;
        return true;
      }
    }
    return false;
  }
  void SkipSpaces() {
    while (!text_.empty() && text_[0] == ' ') text_.remove_prefix(1);
  }
  std::string_view rest() const { return text_; }
  bool done() const { return text_.empty(); }
  void Skip(std::size_t n) { text_.remove_prefix(std::min(n, text_.size())); }

 private:
  std::string_view text_;
};

// Parses a trailing zone: GMT, UTC, UT, Z or +hhmm/-hhmm; returns the offset east of UTC.
std::optional<seconds> ParseZone(std::string_view zone) {
  if (zone == "GMT" || zone == "UTC" || zone == "UT" || zone == "Z") return seconds(0);
  if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
    Scanner s(zone.substr(1));
    int hh = 0, mm = 0;
    if (!s.Digits(2, &hh) || !s.Digits(2, &mm) || mm > 59) return std::nullopt;
    seconds off = std::chrono::hours(hh) + std::chrono::minutes(mm);
    return zone[0] == '-' ? -off : off;
  }
  return std::nullopt;
}

bool ParseClock(Scanner& s, int* h, int* m, int* sec) {
  return s.Digits(2, h) && s.Literal(":") && s.Digits(2, m) && s.Literal(":") && s.Digits(2, sec);
}

}  // namespace

int64_t ToUnixSeconds(TimePoint t) {
  return std::chrono::floor<seconds>(t).time_since_epoch().count();
}

TimePoint FromUnixSeconds(int64_t s) {
  // Clamped to what a nanosecond system_clock can hold (about +-292 years around 1970).
  constexpr int64_t kLimit = 9'000'000'000;
  return TimePoint(seconds(std::clamp<int64_t>(s, -kLimit, kLimit)));
}

std::string FormatAmzDate(TimePoint t) {
  Civil c = ToCivil(t);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d%02d%02dT%02d%02d%02dZ", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::optional<TimePoint> ParseAmzDate(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  Scanner s(text);
  int y, mo, d, h, mi, se;
  if (!s.Digits(4, &y) || !s.Digits(2, &mo) || !s.Digits(2, &d) || !s.Literal("T") ||
      !s.Digits(2, &h) || !s.Digits(2, &mi) || !s.Digits(2, &se) || !s.Literal("Z")) {
    return std::nullopt;
  }
  return FromCivil(y, mo, d, h, mi, se);
}

std::string FormatIso8601(TimePoint t) {
  Civil c = ToCivil(t);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year, c.month, c.day,
                c.hour, c.minute, c.second, int(c.nanos / 1000000));
  return buf;
}

std::optional<TimePoint> ParseIso8601(std::string_view text) {
  Scanner s(text);
  int y, mo, d, h, mi, se;
  if (!s.Digits(4, &y) || !s.Literal("-") || !s.Digits(2, &mo) || !s.Literal("-") ||
      !s.Digits(2, &d) || !s.Literal("T") || !ParseClock(s, &h, &mi, &se)) {
    return std::nullopt;
  }
  int64_t nanos = 0;
  if (s.Literal(".")) {
    int digits = 0;
    while (!s.done() && s.rest()[0] >= '0' && s.rest()[0] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (s.rest()[0] - '0');
      ++digits;
      s.Skip(1);
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }
  seconds offset(0);
  if (!s.Literal("Z")) {
    std::string zone(s.rest());
    if (zone.size() == 6 && zone[3] == ':') zone.erase(3, 1);  // +00:00 -> +0000
    auto z = ParseZone(zone);
    if (!z) return std::nullopt;
    offset = *z;
    s.Skip(s.rest().size());
  }
  if (!s.done()) return std::nullopt;
  auto t = FromCivil(y, mo, d, h, mi, se);
  if (!t) return std::nullopt;
  return *t - offset +
         std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(nanos));
}

std::string FormatHttpDate(TimePoint t) {
  Civil c = ToCivil(t);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                std::string(kWeekdays[c.weekday]).c_str(), c.day,
                std::string(kMonths[c.month - 1]).c_str(), c.year, c.hour, c.minute, c.second);
  return buf;
}

std::optional<TimePoint> ParseHttpDate(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  std::size_t comma = text.find(',');
  if (comma == std::string_view::npos && text.size() >= 4 && text[3] == ' ' &&
      !(text[0] >= '0' && text[0] <= '9')) {
    // asctime: "Fri May 24 00:00:00 2013"
    Scanner s(text.substr(4));
    if (!s.Month(&mo) || !s.Literal(" ") || !s.SmallNumber(&d) || !s.Literal(" ") ||
        !ParseClock(s, &h, &mi, &se) || !s.Literal(" ") || !s.Digits(4, &y) || !s.done()) {
      return std::nullopt;
    }
    return FromCivil(y, mo, d, h, mi, se);
  }
  Scanner s(comma == std::string_view::npos ? text : text.substr(comma + 1));
  s.SkipSpaces();
  if (!s.SmallNumber(&d)) return std::nullopt;
  if (s.Literal("-")) {
    // RFC 850: "24-May-13 00:00:00 GMT"; two-digit years are 1970-2069.
    if (!s.Month(&mo) || !s.Literal("-")) return std::nullopt;
    if (!s.Digits(2, &y)) return std::nullopt;
    y += y < 70 ? 2000 : 1900;
  } else {
    if (!s.Literal(" ") || !s.Month(&mo) || !s.Literal(" ") || !s.Digits(4, &y)) {
      return std::nullopt;
    }
  }
  if (!s.Literal(" ") || !ParseClock(s, &h, &mi, &se)) return std::nullopt;
  s.SkipSpaces();
  seconds offset(0);
  if (!s.done()) {
    auto z = ParseZone(s.rest());
    if (!z) return std::nullopt;
    offset = *z;
  }
  auto t = FromCivil(y, mo, d, h, mi, se);
  if (!t) return std::nullopt;
  return *t - offset;
}

}  // namespace tarn::s3
