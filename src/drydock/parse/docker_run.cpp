#include "drydock/parse/docker_run.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace drydock::parse {
namespace {

using core::ErrorKind;

constexpr std::array<std::string_view, 7> k_global_with_value{"-H", "--host", "-c", "--context", "--config", "-l", "--log-level"};
constexpr std::array<std::string_view, 3> k_global_tls_files{"--tlscacert", "--tlscert", "--tlskey"};

/// `docker run` options that take no value (docker 20.10); every other option takes one.
constexpr std::array<std::string_view, 18> k_run_flags{
    "-d",      "--detach",     "-i",    "--interactive",  "-t",       "--tty",
    "--rm",    "--privileged", "--init", "--read-only",   "-P",       "--publish-all",
    "--no-healthcheck",        "--oom-kill-disable",      "-q",       "--quiet",
    "--disable-content-trust", "--help"};
/// Single-letter flags that may be bundled (`-dit`).
constexpr std::string_view k_short_flags = "ditPq";

template <std::size_t N>
bool in(const std::array<std::string_view, N>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

}  // namespace

std::optional<std::string> DockerRun::seccomp() const {
  for (const auto& o : security_opts) {
    if (o.rfind("seccomp=", 0) == 0) return o.substr(8);
    if (o.rfind("seccomp:", 0) == 0) return o.substr(8);
  }
  return std::nullopt;
}

core::Expected<DockerRun> parse_docker_run(const std::vector<std::string>& argv) {
  if (argv.empty()) return core::fail(ErrorKind::usage, "no command given: expected `-- docker run [OPTIONS] IMAGE [COMMAND]`");
  DockerRun out;
  std::size_t i = 1;
  // The docker CLI's own options.
  while (i < argv.size() && argv[i].size() > 1 && argv[i][0] == '-') {
    const std::string_view w = argv[i];
    if (in(k_global_with_value, w) || in(k_global_tls_files, w)) ++i;
    ++i;
  }
  if (i < argv.size() && argv[i] == "container") ++i;
  if (i >= argv.size() || argv[i] != "run")
    return core::fail(ErrorKind::usage, "the command is not `docker run ...` (or `docker container run ...`)");
  out.run_index = i++;
  for (; i < argv.size(); ++i) {
    const std::string& w = argv[i];
    if (w == "--") {
      ++i;
      break;
    }
    if (w.size() < 2 || w[0] != '-') break;  // the image
    std::string key = w;
    std::optional<std::string> value;
    if (const auto eq = w.find('='); eq != std::string::npos && w.rfind("--", 0) == 0) {
      key = w.substr(0, eq);
      value = w.substr(eq + 1);
    }
    const bool bundle = w[1] != '-' && w.size() > 2 &&
                        std::all_of(w.begin() + 1, w.end(), [](char c) { return k_short_flags.find(c) != std::string_view::npos; });
    if (in(k_run_flags, key) || bundle || key == "--sig-proxy") {
      if (key == "-d" || key == "--detach" || (bundle && w.find('d') != std::string::npos))
        out.detach = !value || *value != "false";
      if (key == "--privileged") out.privileged = !value || *value != "false";
      continue;
    }
    if (!value) {
      // A short option may carry its value glued on (`-eFOO=1`, `-p80:80`).
      if (w[1] != '-' && w.size() > 2) {
        key = w.substr(0, 2);
        value = w.substr(2);
      } else {
        if (i + 1 >= argv.size()) return core::fail(ErrorKind::usage, "option " + w + " needs a value");
        value = argv[++i];
      }
    }
    if (key == "--name") out.name = *value;
    if (key == "--cidfile") out.cidfile = *value;
    if (key == "--security-opt") out.security_opts.push_back(*value);
  }
  if (i >= argv.size()) return core::fail(ErrorKind::usage, "the `docker run` line names no image");
  out.image_index = i;
  out.image = argv[i];
  return out;
}

}  // namespace drydock::parse
