#include "drydock/core/time.hpp"

#include <fmt/format.h>
#include <ctime>

namespace drydock::core {
namespace {

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in(std::int64_t y, unsigned m) {
  constexpr unsigned k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : k_days[m - 1];
}

/// Reads exactly `n` digits at `pos`; -1 when they are not all digits.
long digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  long v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::int64_t unix_from_civil(std::int64_t year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                             unsigned second) {
  // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
  const std::int64_t y = year - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

Expected<std::int64_t> parse_rfc3339(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return fail(ErrorKind::usage,
                fmt::format("not an RFC 3339 time ({}): write it as YYYY-MM-DDTHH:MM:SSZ or with an offset, e.g. "
                            "2026-12-03T09:30:00Z or 2026-12-03T10:30:00+01:00",
                            why),
                std::string(text.substr(0, 64)));
  };
  const long y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  if (y < 0 || mo < 0 || d < 0 || text[4] != '-' || text[7] != '-') return bad("the date is not YYYY-MM-DD");
  if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > days_in(y, static_cast<unsigned>(mo)))
    return bad("no such day");
  if (text.size() == 10) return unix_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return bad("no T between the date and the time");
  const long h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (h < 0 || mi < 0 || s < 0 || text[13] != ':' || text[16] != ':') return bad("the time is not HH:MM:SS");
  // 60 is a leap second; it is taken as the next second's start.
  if (h > 23 || mi > 59 || s > 60) return bad("no such time of day");
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
      ++pos;
    if (pos == start) return bad("a '.' without fraction digits");
  }
  if (pos >= text.size()) return bad("no time zone: end with Z or an offset such as +01:00");
  long offset = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const long oh = digits(text, pos + 1, 2), om = digits(text, pos + 4, 2);
    if (oh < 0 || om < 0 || text[pos + 3] != ':' || oh > 23 || om > 59) return bad("the offset is not +HH:MM or -HH:MM");
    offset = (oh * 3600 + om * 60) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad("no time zone: end with Z or an offset such as +01:00");
  }
  if (pos != text.size()) return bad("text after the time zone");
  return unix_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d), static_cast<unsigned>(h),
                         static_cast<unsigned>(mi), static_cast<unsigned>(s)) -
         offset;
}

std::string rfc3339_utc(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::int64_t wall_clock_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace drydock::core
