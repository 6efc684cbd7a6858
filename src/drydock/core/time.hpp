#pragma once
/// Points in time as Unix seconds, read from and written as RFC 3339. `--now` gives every
/// time-dependent decision (expiry of ignores, of certificates, of signed metadata) one fixed
/// instant, so that a report can be reproduced.

#include <cstdint>
#include <string>
#include <string_view>

#include "drydock/core/error.hpp"

namespace drydock::core {

/// An RFC 3339 date-time ("2026-12-03T09:30:00Z", "2027-01-01T10:00:00.123456789+02:00"; a
/// space for the T and a lower-case t or z are accepted) as Unix seconds, fractions dropped.
/// A bare date "2026-12-03" is that day's midnight UTC. Anything else, or a field out of
/// range (month 13, February 30, hour 24), is a usage error that shows the expected form.
Expected<std::int64_t> parse_rfc3339(std::string_view text);

/// "YYYY-MM-DDTHH:MM:SSZ".
std::string rfc3339_utc(std::int64_t unix_seconds);

/// Unix seconds of a UTC civil time (proleptic Gregorian; no range checks).
std::int64_t unix_from_civil(std::int64_t year, unsigned month, unsigned day, unsigned hour = 0, unsigned minute = 0,
                             unsigned second = 0);

/// The wall clock, in Unix seconds.
std::int64_t wall_clock_now();

}  // namespace drydock::core
