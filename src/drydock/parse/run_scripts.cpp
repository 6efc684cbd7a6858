#include "drydock/parse/run_scripts.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>

#include "drydock/core/strings.hpp"
#include "drydock/parse/shell.hpp"

namespace drydock::parse {

namespace {

using model::RunCommand;

/// Where the scripts of one RUN are written.
struct Sink {
  std::pmr::vector<RunCommand>& commands;
  std::pmr::vector<model::RunScript>& scripts;
  core::TextArena& arena;  ///< keeps the words
  /// The memory of the instruction's lists, where the commands' words go too.
  [[nodiscard]] std::pmr::memory_resource* lists() const { return commands.get_allocator().resource(); }
};

std::string_view base_view(std::string_view word) {
  const auto slash = word.rfind('/');
  return slash == std::string_view::npos ? word : word.substr(slash + 1);
}

bool is_assignment(std::string_view word) {
  const auto eq = word.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  for (std::size_t i = 0; i < eq; ++i) {
    const auto c = static_cast<unsigned char>(word[i]);
    if (!(std::isalnum(c) || c == '_') || (i == 0 && std::isdigit(c))) return false;
  }
  return true;
}

/// Drops `sudo [options]` and `env [options] [NAME=value...]` in front of the real program.
void unwrap(RunCommand& c) {
  static const std::set<std::string_view> sudo_valued = {"-u", "-g", "-h", "-p", "-U", "-C", "-D", "-r", "-t", "-T"};
  static const std::set<std::string_view> env_valued = {"-u", "-C", "-S", "--unset", "--chdir", "--split-string"};
  std::string_view program = c.words.empty() ? std::string_view() : base_view(c.words.front());
  for (int guard = 0; guard < 8 && !c.words.empty(); ++guard) {
    std::size_t i = 1;
    if (program == "sudo") {
      c.sudo = true;
      while (i < c.words.size() && c.words[i].starts_with('-')) {
        if (c.words[i] == "--") {
          ++i;
          break;
        }
        i += sudo_valued.contains(c.words[i]) ? 2 : 1;
      }
    } else if (program == "env") {
      while (i < c.words.size() && (c.words[i].starts_with('-') || is_assignment(c.words[i]))) {
        if (c.words[i] == "--") {
          ++i;
          break;
        }
        i += env_valued.contains(c.words[i]) ? 2 : 1;
      }
    } else {
      break;
    }
    c.words.erase(c.words.begin(), c.words.begin() + static_cast<std::ptrdiff_t>(std::min(i, c.words.size())));
    program = c.words.empty() ? std::string_view() : base_view(c.words.front());
  }
  c.program = program;  // words[0]'s base name, read once a word
}

/// For `sh [options] -c SCRIPT ...`: the script and whether `-o pipefail` was among the options.
std::optional<std::string_view> dash_c_script(const RunCommand& c, bool& pipefail) {
  pipefail = false;
  bool seen_c = false;
  std::size_t i = 1;
  while (i < c.words.size()) {
    const std::string_view w = c.words[i];
    if (w == "--") {
      ++i;
      break;
    }
    if (w == "-o" || w == "+o") {
      if (i + 1 < c.words.size() && c.words[i + 1] == "pipefail" && w == "-o") pipefail = true;
      i += 2;
      continue;
    }
    if (w.size() > 1 && (w[0] == '-' || w[0] == '+') && w[1] != '-') {
      if (w.find('c') != std::string::npos) seen_c = true;
      if (w.back() == 'o') {  // -eo pipefail
        if (i + 1 < c.words.size() && c.words[i + 1] == "pipefail" && w[0] == '-') pipefail = true;
        ++i;
      }
      ++i;
      continue;
    }
    if (w.starts_with("--")) {
      ++i;
      continue;
    }
    break;
  }
  if (seen_c && i < c.words.size()) return c.words[i];
  return std::nullopt;
}

void add_script(std::string_view text, Sink out, bool nested, bool pipefail, int depth);

/// A shell command into `c` (a new RunCommand, before unwrap): its words are already views.
void command_of(ShellWords& sc, RunCommand& c) {
  c.words = std::move(sc.words);  // taken as it is when the reader made it in `lists`
  c.next_operator = sc.next_operator;  // a literal of the reader
  c.after_pipe = sc.in_pipeline_after_pipe;
  c.subshell_depth = sc.subshell_depth;
}

void add_commands(std::pmr::vector<ShellWords> commands, Sink out, bool nested, bool pipefail, bool exec_form, int depth) {
  model::RunScript script;
  script.first = out.commands.size();
  script.count = commands.size();
  script.nested = nested;
  script.shell_pipefail = pipefail;
  script.exec_form = exec_form;
  std::vector<std::pair<std::string_view, bool>> inner;  // `sh -c` scripts found, with their pipefail
  out.commands.reserve(out.commands.size() + commands.size());
  for (auto& sc : commands) {
    RunCommand& c = out.commands.emplace_back(out.lists());  // read in its place: no move
    command_of(sc, c);
    unwrap(c);
    if (model::is_shell(c.program) && depth < 4) {
      bool inner_pipefail = false;
      if (auto s = dash_c_script(c, inner_pipefail)) inner.emplace_back(*s, inner_pipefail);
    }
  }
  out.scripts.push_back(script);
  for (const auto& [text, inner_pipefail] : inner)
    add_script(text, out, true, inner_pipefail, depth + 1);
}

/// `text` must outlive the commands (the file's bytes or the arena's).
void add_script(std::string_view text, Sink out, bool nested, bool pipefail, int depth) {
  add_commands(shell_words(text, out.arena, out.lists()), out, nested, pipefail, false, depth);
}

/// The command line of a heredoc RUN without its `<<EOF` markers.
std::string strip_heredoc_markers(std::string_view text, std::span<const model::Heredoc> heredocs) {
  std::string out(text);
  std::size_t pos = 0;
  while ((pos = out.find("<<", pos)) != std::string::npos) {
    std::size_t j = pos + 2;
    if (j < out.size() && out[j] == '-') ++j;
    while (j < out.size() && (out[j] == ' ' || out[j] == '\t'))
      ++j;
    std::string word;
    if (j < out.size() && (out[j] == '"' || out[j] == '\'')) {
      const char q = out[j];
      const auto close = out.find(q, j + 1);
      if (close == std::string::npos) break;
      word = out.substr(j + 1, close - j - 1);
      j = close + 1;
    } else {
      const auto end = out.find_first_of(" \t\r\n;|&<>()`", j);
      const auto stop = end == std::string::npos ? out.size() : end;
      word = out.substr(j, stop - j);
      j = stop;
    }
    const bool known = std::any_of(heredocs.begin(), heredocs.end(),
                                   [&](const model::Heredoc& h) { return !word.empty() && h.delimiter == word; });
    if (known) {
      out.erase(pos, j - pos);
    } else {
      pos += 2;
    }
  }
  return out;
}

}  // namespace

void read_run_scripts(model::Instruction& run, core::TextArena& arena) {
  run.commands.clear();
  run.scripts.clear();
  if (!run.is("RUN")) return;
  const Sink out{run.commands, run.scripts, arena};
  if (run.json_form) {
    ShellWords c(out.lists());
    c.words.assign(run.args.begin(), run.args.end());
    std::pmr::vector<ShellWords> one(out.lists());
    one.push_back(std::move(c));
    add_commands(std::move(one), out, false, false, true, 0);
    return;
  }
  if (run.heredocs.empty()) {
    add_script(run.command, out, false, false, 0);
    return;
  }
  // `RUN <<EOF` (or `RUN bash <<EOF`) runs the body as a script; `RUN python3 <<EOF` feeds it to
  // another program, and `RUN cat <<EOF > file` writes a file: then only the command line is shell.
  const std::string_view rest = arena.keep(strip_heredoc_markers(run.command, run.heredocs));
  auto rest_commands = shell_words(rest, arena, out.lists());
  bool bodies_are_scripts = rest_commands.empty();
  if (rest_commands.size() == 1 && !rest_commands.front().words.empty()) {
    RunCommand probe(out.lists());
    probe.words.assign(rest_commands.front().words.begin(), rest_commands.front().words.end());
    unwrap(probe);
    bool unused = false;
    bodies_are_scripts = model::is_shell(probe.program) && !dash_c_script(probe, unused);
  }
  if (bodies_are_scripts) {
    for (const auto& h : run.heredocs)
      add_script(h.content, out, false, false, 0);
  } else {
    add_commands(std::move(rest_commands), out, false, false, false, 0);
  }
}

model::Instruction history_instruction(std::string_view created_by) {
  auto arena = std::make_shared<core::TextArena>(created_by.size() * 2 + 64);
  std::string_view s = core::trim(arena->keep(created_by));
  if (s.ends_with("# buildkit")) s = core::trim(s.substr(0, s.size() - 10));
  model::Instruction i;
  i.owner = arena;
  auto strip_shell = [](std::string_view& text) {
    for (std::string_view shell : {"/bin/sh -c ", "/bin/bash -c ", "sh -c "}) {
      if (text.starts_with(shell)) {
        text = core::trim(text.substr(shell.size()));
        return true;
      }
    }
    return false;
  };
  if (strip_shell(s)) {
    if (s.starts_with("#(nop)")) {
      s = core::trim(s.substr(6));
    } else {
      i.keyword = "RUN";
      i.command = s;
      i.text = arena->keep("RUN " + std::string(i.command));
      read_run_scripts(i, *arena);
      return i;
    }
  }
  const auto space = s.find(' ');
  i.keyword = arena->keep(core::to_upper(s.substr(0, space)));
  std::string_view rest = space == std::string_view::npos ? std::string_view() : core::trim(s.substr(space + 1));
  if (i.is("RUN")) {
    // BuildKit writes the build arguments in use first: "|2 A=1 B=2 /bin/sh -c ...".
    if (rest.starts_with('|')) {
      const auto words = core::split_words(rest);
      std::size_t n = 0;
      const auto count = words.front().substr(1);
      for (const char c : count)
        n = n * 10 + static_cast<std::size_t>(c >= '0' && c <= '9' ? c - '0' : 0);
      std::size_t skip = std::min(words.size(), n + 1);
      for (std::size_t w = 0; w < skip; ++w)
        rest = core::trim(rest.substr(rest.find(words[w]) + words[w].size()));
    }
    strip_shell(rest);
  }
  i.command = rest;
  i.text = arena->keep(std::string(i.keyword) + " " + std::string(i.command));
  read_run_scripts(i, *arena);
  return i;
}

}  // namespace drydock::parse
