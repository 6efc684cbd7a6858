// Times vuln::match on an open database, and the lower bound of the same number of indexed
// lookups done with bare SQLite (no decoding, no range evaluation). Driven by bench/vuln-match.sh.
//
//   vuln_match_bench DB PACKAGES OS_ID VERSION_ID [RUNS]
//   PACKAGES: one "name source version" per line.

#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "drydock/vuln/match.hpp"

namespace {

using Clock = std::chrono::steady_clock;

/// CPU time of this thread in ms: on a shared machine wall time also counts other processes.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct Times {
  double wall = 0;
  double cpu = 0;
};

/// The lower bound: one prepared, indexed query per package, rows stepped over and dropped.
Times bare_lookups(const std::string& path, const drydock::model::PackageSet& set, const std::string& ecosystem) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_exec(db, "PRAGMA mmap_size = 1073741824", nullptr, nullptr, nullptr);
  sqlite3_prepare_v2(db, "SELECT id, aliases, ranges, severity, score FROM affected WHERE ecosystem = ?1 AND package = ?2", -1,
                     &s, nullptr);
  const auto t0 = Clock::now();
  const double c0 = cpu_ms();
  std::size_t rows = 0;
  for (const auto& p : set.packages) {
    sqlite3_bind_text(s, 1, ecosystem.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, p.source_name.c_str(), -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW)
      ++rows;
    sqlite3_reset(s);
  }
  const Times t{std::chrono::duration<double, std::milli>(Clock::now() - t0).count(), cpu_ms() - c0};
  sqlite3_finalize(s);
  sqlite3_close(db);
  if (rows == 0) std::cerr << "warning: the bare lookups found no rows\n";
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: vuln_match_bench DB PACKAGES OS_ID VERSION_ID [RUNS]\n";
    return 2;
  }
  const std::string path = argv[1];
  const int runs = argc > 5 ? std::max(1, std::atoi(argv[5])) : 15;
  drydock::model::PackageSet set;
  set.os.id = argv[3];
  set.os.version_id = argv[4];
  std::ifstream in(argv[2]);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    drydock::model::Package p;
    words >> p.name >> p.source_name >> p.version;
    p.source_version = p.version;
    p.manager = "dpkg";
    if (!p.name.empty()) set.packages.push_back(std::move(p));
  }

  const auto open_start = Clock::now();
  auto db = drydock::vuln::Database::open(path, drydock::vuln::Database::Mode::read);
  if (!db) {
    std::cerr << db.error().describe() << "\n";
    return 3;
  }
  const double open_ms = std::chrono::duration<double, std::milli>(Clock::now() - open_start).count();

  std::vector<double> match_ms, match_cpu, bare_ms, bare_cpu;
  std::size_t found = 0;
  std::string ecosystem;
  for (int i = 0; i <= runs; ++i) {  // run 0 warms the page cache and is not counted
    const auto t0 = Clock::now();
    const double c0 = cpu_ms();
    auto outcome = drydock::vuln::match(set, *db, "bench");
    const double cpu = cpu_ms() - c0;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!outcome || !outcome->covered) {
      std::cerr << (outcome ? outcome->reason : outcome.error().describe()) << "\n";
      return 3;
    }
    found = outcome->vulnerabilities.size();
    ecosystem = outcome->ecosystems.front();
    const auto bare = bare_lookups(path, set, ecosystem);
    if (i > 0) {
      match_ms.push_back(ms);
      match_cpu.push_back(cpu);
      bare_ms.push_back(bare.wall);
      bare_cpu.push_back(bare.cpu);
    }
  }
  std::printf("%-44s %10.2f ms\n", "open the database", open_ms);
  std::printf("%-44s %10.2f ms wall %8.2f ms CPU  (%zu packages, %zu vulnerabilities, median of %d)\n", "vuln::match",
              median(match_ms), median(match_cpu), set.packages.size(), found, runs);
  std::printf("%-44s %10.2f ms wall %8.2f ms CPU\n", "lower bound: bare indexed SQLite lookups", median(bare_ms),
              median(bare_cpu));
  std::printf("%-44s %10.2f (CPU)\n", "ratio match / lower bound", median(match_cpu) / median(bare_cpu));
  return 0;
}
