// `drydock history`: what `drydock watch --state FILE` recorded: the transitions, and what was
// open at a given time.
#include <unistd.h>

#include <fmt/format.h>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "drydock/audit/policy.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/watch/state.hpp"

namespace drydock::cli {
namespace {

struct HistoryCli {
  std::string state;
  std::string since;
  std::string at;
  std::string subject = "*";
  std::string format = "text";
  bool no_color = false;
};

int cmd_history(const HistoryCli& h) {
  std::string since, at;
  if (!h.since.empty()) {
    auto t = watch::parse_time(h.since);
    if (!t) return report_error(t.error());
    since = *t;
  }
  if (!h.at.empty()) {
    auto t = watch::parse_time(h.at);
    if (!t) return report_error(t.error());
    // Everything recorded during that second (or day) counts as before it.
    at = *t;
    if (h.at.size() <= 10)
      at.replace(11, 12, "23:59:59.999");
    else if (h.at.find('.') == std::string::npos)
      at.replace(20, 3, "999");
  }
  auto store = watch::StateStore::open(h.state, false);
  if (!store) return report_error(store.error());
  auto all = (*store)->transitions();
  if (!all) return report_error(all.error());
  const auto wanted = [&](const watch::Finding& f) { return audit::subject_matches(f.subject, h.subject); };
  const bool color = h.format == "text" && ::isatty(STDOUT_FILENO) != 0 && !h.no_color && std::getenv("NO_COLOR") == nullptr;

  if (!at.empty()) {
    // What was open at `at`: the transitions up to it, replayed.
    std::map<std::string, watch::Transition> open;
    for (const auto& t : *all) {
      if (t.time > at) break;
      if (t.change == watch::Change::resolved) {
        open.erase(t.finding.fingerprint);
      } else if (t.change == watch::Change::open || !open.contains(t.finding.fingerprint)) {
        open.insert_or_assign(t.finding.fingerprint, t);
      } else {
        auto& kept = open[t.finding.fingerprint];
        kept.finding = t.finding;  // the finding as it was then, open since its `open`
      }
    }
    std::size_t n = 0;
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& [fp, t] : open) {
      if (!wanted(t.finding)) continue;
      ++n;
      if (h.format == "text") {
        watch::Transition shown = t;
        shown.change = watch::Change::open;
        std::cout << watch::text_line(shown, color) << "\n";
      } else {
        watch::Transition shown = t;
        shown.change = watch::Change::open;
        auto j = nlohmann::json::parse(watch::ndjson(shown));
        j["since"] = t.time;
        if (h.format == "ndjson") {
          std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        } else {
          arr.push_back(std::move(j));
        }
      }
    }
    if (h.format == "json") {
      nlohmann::json doc{{"schema", "drydock.history/v1"}, {"at", at}, {"open", arr}};
      std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else if (h.format == "text") {
      std::cout << fmt::format("{} finding{} open at {} (each line: when it opened)\n", n, n == 1 ? "" : "s", at);
    }
    return k_exit_ok;
  }

  std::size_t n = 0;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& t : *all) {
    if ((!since.empty() && t.time < since) || !wanted(t.finding)) continue;
    ++n;
    if (h.format == "text") {
      std::cout << watch::text_line(t, color) << "\n";
    } else if (h.format == "ndjson") {
      std::cout << watch::ndjson(t) << "\n";
    } else {
      arr.push_back(nlohmann::json::parse(watch::ndjson(t)));
    }
  }
  if (h.format == "json") {
    nlohmann::json doc{{"schema", "drydock.history/v1"},
                       {"since", since.empty() ? nlohmann::json(nullptr) : nlohmann::json(since)},
                       {"transitions", arr}};
    std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else if (h.format == "text") {
    std::cout << fmt::format("{} transition{}{}\n", n, n == 1 ? "" : "s", since.empty() ? "" : " since " + since);
  }
  return k_exit_ok;
}

}  // namespace

Command add_history(CLI::App& app, Common& common) {
  auto h = std::make_shared<HistoryCli>();
  auto* cmd =
      app.add_subcommand("history", "What `drydock watch --state FILE` recorded: transitions, or what was open at a time");
  cmd->add_option("--state", h->state, "The state file of `drydock watch --state`")->required();
  cmd->add_option("--since", h->since, "Only transitions at or after this UTC time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
  cmd->add_option("--at", h->at, "List the findings open at this UTC time instead, each with when it opened");
  cmd->add_option("--subject", h->subject, "Only findings whose subject's name or id matches this glob")->capture_default_str();
  cmd->add_option("--format", h->format, "text, json or ndjson")
      ->check(CLI::IsMember({"text", "json", "ndjson"}))
      ->capture_default_str();
  cmd->add_flag("--no-color", h->no_color, "No colour, even on a terminal");
  add_now_option(*cmd, common);
  return Command{cmd, [h] { return cmd_history(*h); }, false};
}

}  // namespace drydock::cli
