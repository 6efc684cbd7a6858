#pragma once
/// Internal to parse/compose: a YAML document as a tree of plain values that remember where each
/// was written, with aliases expanded and merge keys (`<<`) applied, and interpolation done.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drydock/model/compose.hpp"
#include "drydock/parse/compose.hpp"

namespace drydock::parse::compose {

struct Entry;

struct Node {
  enum class Kind { null, scalar, seq, map };
  Kind kind = Kind::null;
  std::string value;                               ///< a scalar's text, after interpolation
  bool quoted = false;                             ///< a quoted scalar (never null or a boolean)
  bool interpolated = false;                       ///< the text held a substitution
  std::vector<Node> items;                         ///< a sequence
  std::vector<Entry> map;                         ///< a mapping, in file order
  model::Location at;  ///< where written: the key of a mapping's value, else the node itself
  std::string tag;     ///< "!reset", "!override", or ""

  [[nodiscard]] bool is_map() const { return kind == Kind::map; }
  [[nodiscard]] bool is_seq() const { return kind == Kind::seq; }
  [[nodiscard]] bool is_scalar() const { return kind == Kind::scalar; }
  [[nodiscard]] bool is_null() const { return kind == Kind::null; }
  [[nodiscard]] const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  void erase(std::string_view key);
};

/// One key of a mapping (a named pair: std::pair of an incomplete Node is not allowed).
struct Entry {
  std::string first;
  Node second;
  Entry(std::string key, Node value) : first(std::move(key)), second(std::move(value)) {}
};

inline const Node* Node::find(std::string_view key) const {
  for (const auto& [k, v] : map) {
    if (k == key) return &v;
  }
  return nullptr;
}

inline Node* Node::find(std::string_view key) {
  for (auto& [k, v] : map) {
    if (k == key) return &v;
  }
  return nullptr;
}

inline void Node::erase(std::string_view key) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first == key) {
      map.erase(it);
      return;
    }
  }
}

/// Parses YAML text into a tree; nullopt-like (kind null) with a fatal diagnostic when the text is
/// not YAML. Scalars are interpolated with `env` (errors and unset variables become diagnostics).
Node load_yaml(std::string_view text, const std::string& path, const ComposeEnvironment& env,
               std::vector<model::ComposeDiagnostic>& diagnostics, bool& ok);

}  // namespace drydock::parse::compose
