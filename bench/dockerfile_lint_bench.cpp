// In memory, CPU time: Dockerfile parse plus every Dockerfile check, in MB/s of input, and the
// same with the JSON report rendered. Driven by bench/dockerfile-lint.sh (see bench/README.md).
//
//   dockerfile_lint_bench DIR [RUNS [PHASE]]
//   DIR: Dockerfiles (every regular file under it), read into memory once.
//   PHASE: run only that measure ("parse", "rules", "results" or "json"; default all), for a
//   profiler (perf record) to see one phase alone; "checks": the files parsed once, then the CPU
//   time of each Dockerfile check over all of them (wall time of each call, pinned to a core; RUNS
//   times, median), largest first.

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "drydock/audit/runner.hpp"
#include "drydock/audit/selection.hpp"
#include "drydock/checks/catalogue.hpp"
#include "drydock/core/memory.hpp"
#include "drydock/parse/dockerfile.hpp"
#include "drydock/render/render.hpp"

namespace {

/// CPU time of this process in seconds (all its threads: the JSON renderer may use several): on a
/// shared machine wall time also counts other processes.
double cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;  // a phase not run
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: dockerfile_lint_bench DIR [RUNS]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  drydock::core::prefer_merged_frees();  // as `drydock dockerfile` does for more than one file
  const std::string phase = argc > 3 ? argv[3] : "all";
  const bool all_phases = phase == "all";
  struct File {
    std::string path, text;
  };
  std::vector<File> files;
  std::size_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(argv[1])) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    files.push_back(File{e.path().string(), s.str()});
    bytes += files.back().text.size();
  }
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.path < b.path; });
  drydock::core::grow_heap_in_huge_pages(std::size_t{16} * 1024 * 1024 + files.size() * 8 * 1024);  // as drydock dockerfile
  auto selection = drydock::audit::Selection::make({}, {});
  if (!selection) {
    std::fprintf(stderr, "selection: %s\n", selection.error().describe().c_str());
    return 2;
  }
  std::vector<double> parse_times;
  std::vector<double> rules_times;
  std::vector<double> lint_times;
  std::vector<double> report_times;
  std::size_t results = 0;
  std::size_t rendered = 0;
  std::vector<const drydock::checks::Check*> dockerfile_checks;
  for (const auto& check : drydock::checks::catalogue()) {
    if (check.scope() == drydock::checks::Scope::dockerfile) dockerfile_checks.push_back(&check);
  }
  if (phase == "checks") {
    std::vector<drydock::model::Dockerfile> trees;
    for (const auto& f : files) {
      auto parsed = drydock::parse::dockerfile(f.text, f.path);
      if (parsed) trees.push_back(std::move(*parsed));
    }
    // Each tree walked by every check in turn while it is in cache, as `drydock dockerfile` does;
    // each call timed alone (a monotonic clock read costs tens of nanoseconds, not counted out).
    std::vector<std::vector<double>> times(dockerfile_checks.size());
    const auto mono = [] {
      timespec ts{};
      clock_gettime(CLOCK_MONOTONIC, &ts);
      return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
    };
    for (int r = 0; r < runs; ++r) {
      std::vector<double> run(dockerfile_checks.size());
      for (const auto& t : trees) {
        // Brought into cache first, as a tree just parsed is (else the first check pays for it).
        for (const auto* check : dockerfile_checks) {
          drydock::checks::Results out;
          try {
            std::get<drydock::checks::DockerfileEval>(check->evaluate)(t, out);
          } catch (const std::exception&) {
          }
        }
        for (std::size_t c = 0; c < dockerfile_checks.size(); ++c) {
          drydock::checks::Results out;
          const double c0 = mono();
          try {
            std::get<drydock::checks::DockerfileEval>(dockerfile_checks[c]->evaluate)(t, out);
          } catch (const std::exception&) {
          }
          run[c] += mono() - c0;
        }
      }
      for (std::size_t c = 0; c < run.size(); ++c)
        times[c].push_back(run[c]);
    }
    std::vector<std::pair<double, std::string>> costs;
    double total = 0;
    for (std::size_t c = 0; c < times.size(); ++c) {
      costs.emplace_back(median(times[c]), std::string(dockerfile_checks[c]->id));
      total += costs.back().first;
    }
    std::sort(costs.begin(), costs.end(), std::greater<>());
    std::printf("%zu Dockerfiles parsed once; every check over all of them: %.3f s (%.1f MB/s)\n", trees.size(), total,
                static_cast<double>(bytes) / total / 1e6);
    for (const auto& [t, id] : costs)
      std::printf("%8.4f s  %5.1f%%  %s\n", t, 100 * t / total, id.c_str());
    return 0;
  }
  for (int r = 0; r < runs; ++r) {
    // The parse alone, each tree dropped.
    double p0 = cpu_s();
    std::size_t stages = 0;
    if (all_phases || phase == "parse") {
      for (const auto& f : files) {
        auto parsed = drydock::parse::dockerfile(f.text, f.path);
        if (parsed) stages += parsed->stages.size();
      }
      parse_times.push_back(cpu_s() - p0);
    }
    // Parse plus every rule, each finding dropped: no report.
    p0 = cpu_s();
    std::size_t failing = 0;
    for (const auto& f : files) {
      if (!all_phases && phase != "rules") break;
      auto parsed = drydock::parse::dockerfile(f.text, f.path);
      if (!parsed) continue;
      for (const auto* check : dockerfile_checks) {
        drydock::checks::Results out;
        try {
          std::get<drydock::checks::DockerfileEval>(check->evaluate)(*parsed, out);
        } catch (const std::exception&) {
        }
        if (out.finding() && out.finding()->status != drydock::core::Status::pass) ++failing;
      }
    }
    if (all_phases || phase == "rules") rules_times.push_back(cpu_s() - p0);
    (void)stages;
    (void)failing;
    if (!all_phases && phase != "results" && phase != "json") continue;
    // Parse plus every rule: the findings, kept as the report's results.
    double t0 = cpu_s();
    drydock::audit::DockerfileAudit audit(*selection);
    audit.reserve(files.size());  // as `drydock dockerfile` does
    for (const auto& f : files) {
      auto parsed = drydock::parse::dockerfile(f.text, f.path);
      if (parsed) audit.add(*parsed);
    }
    auto report = std::move(audit).finish();
    double t1 = cpu_s();
    lint_times.push_back(t1 - t0);
    results = report.results.size();
    // The JSON report of them, written nowhere.
    if (!all_phases && phase != "json") continue;
    std::size_t out = 0;
    drydock::render::json(report, [&out](std::string_view piece) { out += piece.size(); });
    report_times.push_back(cpu_s() - t0);
    rendered = out;
  }
  const double parse = median(parse_times);
  const double rules = median(rules_times);
  const double lint = median(lint_times);
  const double all = median(report_times);
  std::printf("input: %zu Dockerfiles, %zu bytes; %d runs, median CPU time of the process\n", files.size(), bytes, runs);
  const auto line = [&](const char* what, double t, const std::string& extra) {
    if (t > 0) std::printf("%-44s %8.3f s  %7.1f MB/s%s\n", what, t, static_cast<double>(bytes) / t / 1e6, extra.c_str());
  };
  line("parse only", parse, "");
  line("parse + every rule, findings dropped", rules, "");
  line("parse + every rule (in memory)", lint, "  (" + std::to_string(results) + " results)");
  line("parse + every rule + JSON report", all, "  (" + std::to_string(rendered) + " bytes of JSON)");
  return 0;
}
