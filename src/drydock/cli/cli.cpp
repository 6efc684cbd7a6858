#include "drydock/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "drydock/cli/benchmark_option.hpp"
#include "drydock/cli/common.hpp"
#include "drydock/cli/signatures.hpp"
#include "drydock/cli/plugin.hpp"
#include "drydock/render/render.hpp"

namespace drydock::cli {

Command add_checks(CLI::App& app, Common& common) {
  auto format = std::make_shared<std::string>("text");
  auto* checks_cmd = app.add_subcommand("checks", "List every check: id, CIS control, severity, title");
  checks_cmd->add_option("--format", *format, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();
  add_benchmark_option(*checks_cmd);
  add_now_option(*checks_cmd, common);
  return Command{checks_cmd,
                 [format] {
                   std::cout << render::catalogue(*format);
                   return k_exit_ok;
                 },
                 false};
}

int run(int argc, char** argv) {
  std::optional<DockerGlobals> docker;
  std::vector<std::string> plugin_args;
  std::vector<char*> plugin_argv;
  if (argc > 0 && invoked_as_plugin(argv[0])) {
    if (argc == 2 && std::string_view(argv[1]) == "docker-cli-plugin-metadata") {
      std::cout << plugin_metadata();
      return k_exit_ok;
    }
    auto call = parse_plugin_call(std::vector<std::string>(argv + 1, argv + argc));
    if (!call) return report_error(call.error());
    docker = call->globals;
    plugin_args = std::move(call->args);
    plugin_argv.push_back(argv[0]);
    for (auto& a : plugin_args)
      plugin_argv.push_back(a.data());
    argc = static_cast<int>(plugin_argv.size());
    argv = plugin_argv.data();
  }
  CLI::App app{"drydock: audits the security of Docker hosts, containers and images (CIS Docker Benchmark v1.6.0 to "
               "v1.8.0)",
               "drydock"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("drydock ") + DRYDOCK_VERSION);

  Common common;
  common.docker = docker;
  // The order of --help.
  const std::vector<Command> commands{
      add_host(app, common),  add_container(app, common), add_dockerfile(app, common), add_compose(app, common),
      add_image(app, common), add_checks(app, common),    add_db(app, common),         add_harden(app, common),
      add_seccomp(app, common), add_watch(app, common),   add_history(app, common),    add_diff(app, common), add_verify(app, common), add_merge(app, common),
      add_fleet(app, common), add_fleet_task(app, common),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "drydock: " << e.what() << "\n(run `drydock --help` for usage)\n";
    return k_exit_usage;
  }

  apply_benchmark_option();
  if (auto now = resolve_now(common); !now) return report_error(now.error());
  for (const auto& command : commands) {
    if (!command.app->parsed()) continue;
    if (command.audits) {
      if (auto loaded = load_policy(common); !loaded) return report_error(loaded.error());
    }
    return command.run();
  }
  return k_exit_usage;  // require_subcommand(1) makes this unreachable
}

}  // namespace drydock::cli
