#include "drydock/collect/image/assemble.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "drydock/core/strings.hpp"
#include "drydock/parse/engine.hpp"
#include "drydock/parse/run_scripts.hpp"

namespace drydock::collect::image {
namespace {

using json = nlohmann::json;

constexpr std::string_view k_oci_index = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view k_docker_list = "application/vnd.docker.distribution.manifest.list.v2+json";

core::Expected<json> parse_json(std::string_view text, std::string_view name) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return core::fail(core::ErrorKind::parse, "not valid JSON", std::string(name));
  if (!j.is_object() && !j.is_array())
    return core::fail(core::ErrorKind::parse, "expected a JSON object or array", std::string(name));
  return j;
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

/// "sha256:<hex>" -> "blobs/sha256/<hex>"; the digest is checked so the name stays in blobs/.
core::Expected<std::string> blob_name(const json& descriptor, std::string_view where) {
  const auto* digest = descriptor.is_object() && descriptor.contains("digest") ? &descriptor["digest"] : nullptr;
  if (digest == nullptr || !digest->is_string())
    return core::fail(core::ErrorKind::parse, "a descriptor without a digest", std::string(where));
  const auto& d = digest->get_ref<const std::string&>();
  if (!d.starts_with("sha256:") || !is_hex64(std::string_view(d).substr(7))) {
    return core::fail(core::ErrorKind::parse, fmt::format("unsupported or malformed digest '{}'", d), std::string(where));
  }
  return "blobs/sha256/" + d.substr(7);
}

/// The digest a file's name promises ("blobs/sha256/<hex>", "<hex>.json"); "" when none.
std::string promised_digest(std::string_view name) {
  if (name.starts_with("blobs/sha256/") && is_hex64(name.substr(13))) return "sha256:" + std::string(name.substr(13));
  if (name.ends_with(".json") && is_hex64(name.substr(0, name.size() - 5))) return "sha256:" + std::string(name.substr(0, 64));
  return {};
}

std::string string_at(const json& j, std::string_view key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// "os/arch[/variant]" of a descriptor's or config's fields.
std::string platform_of(const json& j) {
  const std::string os = string_at(j, "os");
  const std::string arch = string_at(j, "architecture");
  if (os.empty() && arch.empty()) return {};
  const std::string variant = string_at(j, "variant");
  return variant.empty() ? os + "/" + arch : os + "/" + arch + "/" + variant;
}

bool platform_matches(std::string_view have, std::string_view want) {
  if (have == want) return true;
  // "linux/arm64" asks for any variant of it; "linux/arm64/v8" for that variant only.
  return have.starts_with(want) && have.size() > want.size() && have[want.size()] == '/';
}

/// A docker-style reference from an OCI name annotation: "docker.io/library/x:1" -> "x:1".
std::string short_reference(std::string name) {
  for (std::string_view prefix : {"docker.io/library/", "docker.io/"}) {
    if (name.starts_with(prefix)) return name.substr(prefix.size());
  }
  return name;
}

/// One image to build: its config and layers, by file name in the store.
struct Candidate {
  std::string config;
  std::vector<std::string> layers;
  std::vector<std::string> layer_digests;  ///< what the manifest says each blob is; "" when it does not say
  std::vector<std::string> tags;
  std::string manifest_digest;  ///< the digest of the top descriptor of index.json: what a signature signs
  std::string manifest_media_type;  ///< that descriptor's media type ("" when unknown)
  std::int64_t manifest_size = -1;  ///< and its size (-1 when unknown)
};

/// cosign's media and artifact types, and the annotations of its signature layers.
constexpr std::string_view k_cosign_sig_artifact = "application/vnd.dev.cosign.artifact.sig.v1+json";
constexpr std::string_view k_cosign_payload = "application/vnd.dev.cosign.simplesigning.v1+json";
constexpr std::string_view k_cosign_signature = "dev.cosignproject.cosign/signature";
constexpr std::string_view k_cosign_bundle = "dev.sigstore.cosign/bundle";
/// A Notation signature manifest's artifactType (or config mediaType before OCI 1.1), and the
/// media types of its envelope layer (JWS, COSE).
constexpr std::string_view k_notation_artifact = "application/vnd.cncf.notary.signature";
constexpr std::string_view k_notation_jws = "application/jose+json";
constexpr std::string_view k_notation_cose = "application/cose";

/// What a top-level descriptor of index.json is: an image, a cosign signature manifest (the
/// `sha256-<hex>.sig` tag, `cosign save`'s `kind`, an OCI 1.1 referrer), or something else
/// beside an image (attestations, SBOMs) that is not one; or a Notation signature manifest (an
/// OCI 1.1 referrer of artifactType application/vnd.cncf.notary.signature).
enum class Beside { image, signature, notation, other };

/// The `sha256-<hex>.sig` (or .att, .sbom) tag at the end of a reference name; "" when none.
std::string_view cosign_tag(std::string_view ref) {
  const auto at = ref.rfind("sha256-");
  if (at == std::string_view::npos) return {};
  return ref.substr(at);
}

class Assembler {
 public:
  Assembler(Store& store, const ReadOptions& options, std::string_view origin)
      : m_store(store), m_options(options), m_origin(origin) {}

  core::Expected<std::vector<model::ImageSpec>> run() {
    std::vector<Candidate> candidates;
    if (m_store.has("index.json")) {
      DRYDOCK_TRY(found, from_index());
      candidates = std::move(found);
    } else if (m_store.has("manifest.json")) {
      DRYDOCK_TRY(found, from_manifest());
      candidates = std::move(found);
    } else {
      return core::fail(core::ErrorKind::parse,
                        "neither index.json nor manifest.json: not a `docker save` tarball or an OCI layout", m_origin);
    }
    if (candidates.empty()) return core::fail(core::ErrorKind::parse, "holds no image", m_origin);
    std::vector<model::ImageSpec> images;
    for (auto& c : candidates) {
      DRYDOCK_TRY(img, build(c));
      img.manifest_digest = c.manifest_digest;
      img.manifest_media_type = c.manifest_media_type;
      img.manifest_size = c.manifest_size;
      images.push_back(std::move(img));
    }
    DRYDOCK_TRY(attached, attach_signatures(images));
    (void)attached;
    return images;
  }

 private:
  /// A metadata file, its digest checked against what its name promises.
  core::Expected<std::string> metadata(std::string_view name, std::vector<std::string>& problems,
                                       std::set<std::string>& verified) {
    DRYDOCK_TRY(bytes, m_store.metadata(name));
    const std::string promised = promised_digest(name);
    if (!promised.empty()) {
      const std::string actual = sha256(bytes);
      if (actual != promised) {
        problems.push_back(fmt::format("{}: content is {}, its name promises {}", name, actual, promised));
      } else {
        verified.insert(std::string(name));
      }
    }
    return bytes;
  }

  core::Expected<std::vector<Candidate>> from_manifest() {
    DRYDOCK_TRY(bytes, metadata("manifest.json", m_problems, m_verified));
    DRYDOCK_TRY(doc, parse(bytes, "manifest.json"));
    if (!doc.is_array()) return core::fail(core::ErrorKind::parse, "expected an array", "manifest.json");
    std::vector<Candidate> out;
    for (std::size_t i = 0; i < doc.size(); ++i) {
      const auto& m = doc[i];
      const std::string where = fmt::format("manifest.json[{}]", i);
      Candidate c;
      c.config = string_at(m, "Config");
      if (c.config.empty()) return core::fail(core::ErrorKind::parse, "no Config", where);
      if (m.contains("RepoTags") && m["RepoTags"].is_array()) {
        for (const auto& t : m["RepoTags"]) {
          if (t.is_string()) c.tags.push_back(t.get<std::string>());
        }
      }
      if (!m.contains("Layers") || !m["Layers"].is_array()) return core::fail(core::ErrorKind::parse, "no Layers", where);
      for (const auto& l : m["Layers"]) {
        if (!l.is_string()) return core::fail(core::ErrorKind::parse, "a layer that is not a file name", where);
        c.layers.push_back(l.get<std::string>());
        c.layer_digests.push_back(promised_digest(c.layers.back()));
      }
      out.push_back(std::move(c));
    }
    return out;
  }

  /// parse_json within Limits::json_depth and Limits::json_values.
  core::Expected<json> parse(std::string_view text, std::string_view name) {
    const parse::JsonShape shape = parse::json_shape(text);
    if (shape.depth > m_options.limits.json_depth) {
      return core::fail(core::ErrorKind::parse,
                        fmt::format("JSON nested deeper than the limit ({}); refusing a hostile image", m_options.limits.json_depth),
                        std::string(name));
    }
    m_json_values += shape.values;
    if (m_json_values > m_options.limits.json_values) {
      return core::fail(core::ErrorKind::parse,
                        fmt::format("more JSON values in manifests, indexes and configs than the limit ({}); refusing a "
                                    "hostile image",
                                    m_options.limits.json_values),
                        std::string(name));
    }
    return parse_json(text, name);
  }

  /// A manifest reachable from index.json, with the platform its descriptor gives.
  struct Found {
    std::string manifest;
    std::string platform;
  };

  /// Adds the manifests under `descriptor` (itself, or those of the index it names) to `out`.
  /// `path` holds the indexes being walked above this descriptor: one met again is a cycle.
  core::Expected<bool> walk_index(const json& descriptor, int depth, std::vector<Found>& out,
                                  std::vector<std::string>& path) {
    if (++m_descriptors > m_options.limits.index_entries) {
      return core::fail(core::ErrorKind::parse,
                        fmt::format("more index entries than the limit ({}); refusing a hostile image",
                                    m_options.limits.index_entries),
                        m_origin);
    }
    if (depth > m_options.limits.index_depth) {
      return core::fail(
          core::ErrorKind::parse,
          fmt::format("indexes nested deeper than the limit ({}); refusing a hostile image", m_options.limits.index_depth),
          m_origin);
    }
    if (descriptor.is_object() && descriptor.contains("annotations") && descriptor["annotations"].is_object() &&
        string_at(descriptor["annotations"], "vnd.docker.reference.type") == "attestation-manifest") {
      return false;
    }
    DRYDOCK_TRY(name, blob_name(descriptor, "index.json"));
    const std::string media = string_at(descriptor, "mediaType");
    const bool index = media == k_oci_index || media == k_docker_list;
    if (!index && !media.empty() && media.find("manifest") == std::string::npos) return false;
    if (std::find(path.begin(), path.end(), name) != path.end()) {
      return core::fail(core::ErrorKind::parse,
                        fmt::format("an index that contains itself ({} -> {}); refusing a hostile image",
                                    core::join(path, " -> "), name),
                        m_origin);
    }
    DRYDOCK_TRY(doc, parsed(name));
    if (index || (media.empty() && doc->contains("manifests"))) {
      if (!doc->contains("manifests") || !(*doc)["manifests"].is_array()) {
        return core::fail(core::ErrorKind::parse, "an index without manifests", name);
      }
      path.push_back(name);
      for (const auto& m : (*doc)["manifests"]) {
        DRYDOCK_TRY(added, walk_index(m, depth + 1, out, path));
        (void)added;
      }
      path.pop_back();
      return true;
    }
    const std::string platform = descriptor.contains("platform") ? platform_of(descriptor["platform"]) : std::string();
    if (platform.starts_with("unknown/")) return false;
    out.push_back(Found{name, platform});
    return true;
  }

  core::Expected<std::vector<Candidate>> from_index() {
    DRYDOCK_TRY(bytes, metadata("index.json", m_problems, m_verified));
    DRYDOCK_TRY(doc, parse(bytes, "index.json"));
    if (!doc.is_object() || !doc.contains("manifests") || !doc["manifests"].is_array()) {
      return core::fail(core::ErrorKind::parse, "an index without manifests", "index.json");
    }
    std::vector<Candidate> out;
    std::map<std::string, std::size_t> by_manifest;
    for (const auto& top : doc["manifests"]) {
      std::string target;
      DRYDOCK_TRY(beside, classify(top, target));
      if (beside == Beside::signature || beside == Beside::notation) {
        DRYDOCK_TRY(name, blob_name(top, "index.json"));
        (beside == Beside::signature ? m_signature_manifests : m_notation_manifests).emplace_back(name, target);
        continue;
      }
      if (beside == Beside::other) continue;
      std::vector<Found> found;
      std::vector<std::string> path{"index.json"};
      DRYDOCK_TRY(added, walk_index(top, 1, found, path));
      if (!added) continue;
      if (found.empty()) continue;
      DRYDOCK_TRY(chosen, choose(found));
      std::string tag;
      if (top.contains("annotations") && top["annotations"].is_object()) {
        tag = string_at(top["annotations"], "io.containerd.image.name");
        if (tag.empty()) tag = string_at(top["annotations"], "org.opencontainers.image.ref.name");
      }
      const auto known = by_manifest.find(chosen.manifest);
      if (known != by_manifest.end()) {
        if (!tag.empty()) out[known->second].tags.push_back(short_reference(tag));
        continue;
      }
      DRYDOCK_TRY(c, candidate_of(chosen.manifest));
      if (!tag.empty()) c.tags.push_back(short_reference(tag));
      c.manifest_digest = string_at(top, "digest");
      c.manifest_media_type = string_at(top, "mediaType");
      if (top.contains("size") && top["size"].is_number_integer()) c.manifest_size = top["size"].get<std::int64_t>();
      by_manifest[chosen.manifest] = out.size();
      out.push_back(std::move(c));
    }
    return out;
  }

  /// The manifest for --platform, or the only one, or this machine's platform.
  core::Expected<Found> choose(std::vector<Found>& found) {
    for (auto& f : found) {
      if (!f.platform.empty()) continue;
      // No platform on the descriptor: the config says.
      auto c = candidate_of(f.manifest);
      if (!c) return tl::unexpected(c.error());
      DRYDOCK_TRY(bytes, metadata(c->config, m_problems, m_verified));
      DRYDOCK_TRY(cfg, parse(bytes, c->config));
      f.platform = platform_of(cfg);
    }
    const std::string want = m_options.platform.empty() ? std::string() : m_options.platform;
    if (want.empty() && found.size() == 1) return found.front();
    const std::string target = want.empty() ? host_platform() : want;
    for (const auto& f : found) {
      if (platform_matches(f.platform, target)) return f;
    }
    std::vector<std::string> platforms;
    for (const auto& f : found)
      platforms.push_back(f.platform.empty() ? "(unknown)" : f.platform);
    return core::fail(want.empty() ? core::ErrorKind::usage : core::ErrorKind::not_found,
                      fmt::format("{} not in this image (it has {}){}", target, core::join(platforms, ", "),
                                  want.empty() ? "; choose one with --platform" : ""),
                      m_origin);
  }

  core::Expected<Candidate> candidate_of(const std::string& manifest) {
    DRYDOCK_TRY(bytes, metadata(manifest, m_problems, m_verified));
    DRYDOCK_TRY(doc, parse(bytes, manifest));
    if (!doc.is_object() || !doc.contains("config") || !doc.contains("layers") || !doc["layers"].is_array()) {
      return core::fail(core::ErrorKind::parse, "a manifest without config or layers", manifest);
    }
    Candidate c;
    DRYDOCK_TRY(config, blob_name(doc["config"], manifest));
    c.config = config;
    for (const auto& l : doc["layers"]) {
      DRYDOCK_TRY(layer, blob_name(l, manifest));
      c.layers.push_back(layer);
      c.layer_digests.push_back(string_at(l, "digest"));
    }
    return c;
  }

  core::Expected<model::ImageSpec> build(const Candidate& c) {
    std::vector<std::string> problems = m_problems;
    std::set<std::string> verified = m_verified;
    DRYDOCK_TRY(bytes, metadata(c.config, problems, verified));
    DRYDOCK_TRY(cfg, parse(bytes, c.config));
    if (!cfg.is_object()) return core::fail(core::ErrorKind::parse, "the image config is not an object", c.config);
    const std::string id = sha256(bytes);
    // The config's "config" is the inspect's "Config": one parser reads both.
    json inspect = {{"Id", id}, {"RepoTags", c.tags}, {"Created", string_at(cfg, "created")}};
    if (cfg.contains("config") && cfg["config"].is_object()) inspect["Config"] = cfg["config"];
    auto spec = parse::image_inspect(inspect.dump());
    if (!spec) {
      auto e = spec.error();
      e.where = c.config;
      return tl::unexpected(e);
    }
    spec->origin = std::string(m_origin);
    std::vector<model::HistoryEntry> history;
    if (cfg.contains("history") && cfg["history"].is_array()) {
      for (const auto& h : cfg["history"]) {
        model::HistoryEntry entry{string_at(h, "created"), string_at(h, "created_by"), string_at(h, "comment"), false, {}};
        entry.instruction = parse::history_instruction(entry.created_by);
        if (h.is_object() && h.contains("empty_layer") && h["empty_layer"].is_boolean())
          entry.empty_layer = h["empty_layer"].get<bool>();
        history.push_back(std::move(entry));
      }
    }
    std::vector<std::string> diff_ids;
    if (cfg.contains("rootfs") && cfg["rootfs"].is_object() && cfg["rootfs"].contains("diff_ids") &&
        cfg["rootfs"]["diff_ids"].is_array()) {
      for (const auto& d : cfg["rootfs"]["diff_ids"])
        diff_ids.push_back(d.is_string() ? d.get<std::string>() : std::string());
    }
    if (c.layers.size() > m_options.limits.layers) {
      return core::fail(
          core::ErrorKind::parse,
          fmt::format("{} layers exceed the limit ({}); refusing a hostile image", c.layers.size(), m_options.limits.layers),
          c.config);
    }
    auto content = std::make_shared<model::ImageContent>();
    std::vector<std::shared_ptr<const LayerScan>> scans;
    std::vector<std::string> created_by;
    for (const auto& h : history) {
      if (!h.empty_layer) created_by.push_back(h.created_by);
    }
    for (std::size_t i = 0; i < c.layers.size(); ++i) {
      auto scan = m_store.layer(c.layers[i]);
      if (!scan) {
        auto e = scan.error();
        if (e.where.empty()) e.where = c.layers[i];
        return tl::unexpected(e);
      }
      const auto& s = **scan;
      const std::string& promised = c.layer_digests[i];
      if (!promised.empty()) {
        if (promised != s.digest) {
          problems.push_back(
              fmt::format("layer {} ({}): stored bytes are {}, the manifest says {}", i + 1, c.layers[i], s.digest, promised));
        } else {
          verified.insert(c.layers[i]);
        }
      }
      if (i < diff_ids.size()) {
        if (diff_ids[i] != s.diff_id) {
          problems.push_back(fmt::format("layer {} ({}): uncompressed content is {}, rootfs.diff_ids says {}", i + 1, c.layers[i],
                                         s.diff_id, diff_ids[i]));
        } else {
          verified.insert("diff_id " + std::to_string(i));
        }
      }
      model::ImageLayer layer;
      layer.digest = promised.empty() ? s.digest : promised;
      layer.diff_id = s.diff_id;
      layer.compression = s.compression;
      layer.size = s.size;
      layer.entries = s.records.size();
      if (i < created_by.size()) layer.created_by = created_by[i];
      content->layers.push_back(std::move(layer));
      scans.push_back(std::move(*scan));
    }
    if (diff_ids.size() != c.layers.size()) {
      problems.push_back(
          fmt::format("the config lists {} layers (rootfs.diff_ids), the manifest {}", diff_ids.size(), c.layers.size()));
    }
    CapturedFiles captured;
    merge_layers(scans, *content, captured);
    if (m_options.packages) m_options.packages(captured, *content);
    // A manifest read twice (to choose a platform, then to build) is reported once.
    std::sort(problems.begin(), problems.end());
    problems.erase(std::unique(problems.begin(), problems.end()), problems.end());
    content->integrity_problems = std::move(problems);
    content->digests_verified = verified.size();
    spec->history = std::move(history);
    spec->content = std::move(content);
    return std::move(*spec);
  }

  /// Classifies a top-level descriptor of index.json; `target` gets the digest a signature
  /// manifest names (its tag or its subject), "" when it names none (`cosign save`).
  core::Expected<Beside> classify(const json& top, std::string& target) {
    if (!top.is_object()) return Beside::image;
    std::string kind;
    std::string ref;
    if (top.contains("annotations") && top["annotations"].is_object()) {
      kind = string_at(top["annotations"], "kind");
      ref = string_at(top["annotations"], "org.opencontainers.image.ref.name");
    }
    const std::string_view tag = cosign_tag(ref);
    if (tag.size() == 7 + 64 + 4 && is_hex64(tag.substr(7, 64))) {
      const std::string_view suffix = tag.substr(71);
      if (suffix == ".sig") {
        target = "sha256:" + std::string(tag.substr(7, 64));
        return Beside::signature;
      }
      if (suffix == ".att") return Beside::other;
    }
    if (tag.ends_with(".sbom")) return Beside::other;
    if (kind == "dev.cosignproject.cosign/sigs") return Beside::signature;
    if (kind == "dev.cosignproject.cosign/atts" || kind == "dev.cosignproject.cosign/sboms") return Beside::other;
    const std::string media = string_at(top, "mediaType");
    if (media == k_oci_index || media == k_docker_list) return Beside::image;
    if (string_at(top, "artifactType") == k_notation_artifact) {
      DRYDOCK_TRY(name, blob_name(top, "index.json"));
      DRYDOCK_TRY(doc, parsed(name));
      if (doc->contains("subject")) target = string_at((*doc)["subject"], "digest");
      return Beside::notation;
    }
    if (string_at(top, "artifactType") == k_cosign_sig_artifact) {
      DRYDOCK_TRY(name, blob_name(top, "index.json"));
      DRYDOCK_TRY(doc, parsed(name));
      if (doc->contains("subject")) target = string_at((*doc)["subject"], "digest");
      return Beside::signature;
    }
    // An OCI 1.1 referrer: a manifest with a subject is about another image, never one itself.
    // Anything unreadable here is left to the image's own reading, which reports it.
    if (!top.contains("digest") || (!media.empty() && media.find("manifest") == std::string::npos)) return Beside::image;
    auto name = blob_name(top, "index.json");
    if (!name || !m_store.has(*name)) return Beside::image;
    auto parsed_doc = parsed(*name);
    if (!parsed_doc) return Beside::image;
    const auto& doc = *parsed_doc;
    if (!doc->is_object() || !doc->contains("subject")) return Beside::image;
    if (string_at(*doc, "artifactType") == k_notation_artifact ||
        (doc->contains("config") && string_at((*doc)["config"], "mediaType") == k_notation_artifact)) {
      target = string_at((*doc)["subject"], "digest");
      return Beside::notation;
    }
    const bool cosign = string_at(*doc, "artifactType") == k_cosign_sig_artifact ||
                        (doc->contains("config") && string_at((*doc)["config"], "mediaType") == k_cosign_sig_artifact) ||
                        (doc->contains("layers") && (*doc)["layers"].is_array() && !(*doc)["layers"].empty() &&
                         string_at((*doc)["layers"][0], "mediaType") == k_cosign_payload);
    if (!cosign) return Beside::other;
    target = string_at((*doc)["subject"], "digest");
    return Beside::signature;
  }

  /// The layers of each signature manifest, as signatures of the images they name.
  core::Expected<bool> attach_signatures(std::vector<model::ImageSpec>& images) {
    for (const auto& [manifest, target] : m_signature_manifests) {
      DRYDOCK_TRY(doc, parsed(manifest));
      if (!doc->is_object() || !doc->contains("layers") || !(*doc)["layers"].is_array())
        return core::fail(core::ErrorKind::parse, "a signature manifest without layers", manifest);
      std::vector<model::ImageSignature> found;
      for (const auto& l : (*doc)["layers"]) {
        if (!l.is_object() || !l.contains("annotations") || !l["annotations"].is_object()) continue;
        const std::string sig = string_at(l["annotations"], k_cosign_signature);
        if (sig.empty()) continue;
        DRYDOCK_TRY(blob, blob_name(l, manifest));
        // The payload's own digest is checked by the signature check, which says what changed.
        DRYDOCK_TRY(payload, m_store.metadata(blob));
        model::ImageSignature s;
        s.payload = std::move(payload);
        s.signature_b64 = sig;
        s.payload_digest = string_at(l, "digest");
        s.source = fmt::format("{} (layer of signature manifest {})", blob, manifest);
        s.bundle = string_at(l["annotations"], k_cosign_bundle);
        s.has_bundle = !s.bundle.empty();
        found.push_back(std::move(s));
      }
      for (auto& img : images) {
        if (!target.empty() && img.manifest_digest != target) continue;
        img.signatures.insert(img.signatures.end(), found.begin(), found.end());
      }
    }
    for (const auto& [manifest, target] : m_notation_manifests) {
      DRYDOCK_TRY(doc, parsed(manifest));
      if (!doc->is_object() || !doc->contains("layers") || !(*doc)["layers"].is_array())
        return core::fail(core::ErrorKind::parse, "a Notation signature manifest without layers", manifest);
      std::vector<model::NotationSignature> found;
      for (const auto& l : (*doc)["layers"]) {
        const std::string media = string_at(l, "mediaType");
        if (media != k_notation_jws && media != k_notation_cose) continue;
        DRYDOCK_TRY(blob, blob_name(l, manifest));
        const std::string source = fmt::format("{} (envelope of Notation signature manifest {})", blob, manifest);
        if (media == k_notation_cose) {
          // Not verified (the check says so): its bytes are not needed.
          found.push_back(model::NotationSignature{"", media, string_at(l, "digest"), source});
          continue;
        }
        // The envelope's own digest is checked by the signature check, which says what changed;
        // an envelope that cannot be read (not JSON, in a tarball) is a signature without one.
        auto envelope = m_store.metadata(blob);
        if (!envelope) {
          found.push_back(model::NotationSignature{"", "", "", fmt::format("{}: {}", source, envelope.error().message)});
          continue;
        }
        found.push_back(model::NotationSignature{std::move(*envelope), media, string_at(l, "digest"), source});
      }
      if (found.empty()) {
        // A signature manifest without an envelope is still a signature that cannot verify.
        found.push_back(model::NotationSignature{
            "", "", "", fmt::format("Notation signature manifest {} (no application/jose+json or application/cose layer)", manifest)});
      }
      for (auto& img : images) {
        if (!target.empty() && img.manifest_digest != target) continue;
        img.notation_signatures.insert(img.notation_signatures.end(), found.begin(), found.end());
      }
    }
    return true;
  }

  /// Notation signature manifests met in index.json: blob name and the subject's digest.
  std::vector<std::pair<std::string, std::string>> m_notation_manifests;

  /// Signature manifests met in index.json: the manifest's blob name and the digest it signs
  /// ("" when it does not say: it then belongs to every image of the layout).
  std::vector<std::pair<std::string, std::string>> m_signature_manifests;

  Store& m_store;
  const ReadOptions& m_options;
  std::string m_origin;
  std::vector<std::string> m_problems;  ///< about index and manifests, shared by every image
  std::set<std::string> m_verified;     ///< names whose digest matched
  std::uint64_t m_json_values = 0;       ///< values of every JSON document parsed, against Limits::json_values
  std::uint64_t m_descriptors = 0;      ///< index entries walked, against Limits::index_entries
  /// Indexes and manifests met while walking, parsed once however many indexes name them.
  std::map<std::string, std::shared_ptr<const json>, std::less<>> m_parsed;

  core::Expected<std::shared_ptr<const json>> parsed(const std::string& name) {
    if (const auto it = m_parsed.find(name); it != m_parsed.end()) return it->second;
    DRYDOCK_TRY(bytes, metadata(name, m_problems, m_verified));
    DRYDOCK_TRY(doc, parse(bytes, name));
    auto shared = std::make_shared<const json>(std::move(doc));
    m_parsed.emplace(name, shared);
    return shared;
  }
};

}  // namespace

core::Expected<std::vector<model::ImageSpec>> assemble(Store& store, const ReadOptions& options, std::string_view origin) {
  try {
    return Assembler(store, options, origin).run();
  } catch (const nlohmann::json::exception& e) {
    return core::fail(core::ErrorKind::parse, std::string("unexpected JSON: ") + e.what(), std::string(origin));
  }
}

void merge_layers(const std::vector<std::shared_ptr<const LayerScan>>& layers, model::ImageContent& content,
                  CapturedFiles& captured) {
  struct Node {
    const LayerRecord* record;
    std::size_t layer;
  };
  std::map<std::string, Node, std::less<>> view;
  auto erase_below = [&](const std::string& dir) {
    const std::string prefix = dir == "/" ? "/" : dir + "/";
    auto it = view.lower_bound(prefix);
    while (it != view.end() && it->first.starts_with(prefix))
      it = view.erase(it);
  };
  for (std::size_t l = 0; l < layers.size(); ++l) {
    // A layer's whiteouts hide what the layers below wrote, not what it writes itself.
    for (const auto& r : layers[l]->records) {
      if (r.kind == LayerRecord::Kind::whiteout) {
        view.erase(r.path);
        erase_below(r.path);
      } else if (r.kind == LayerRecord::Kind::opaque) {
        erase_below(r.path);
      }
    }
    for (const auto& r : layers[l]->records) {
      if (r.kind != LayerRecord::Kind::file) continue;
      auto it = view.find(r.path);
      if (it != view.end()) {
        if (it->second.record->type == model::FileType::directory && r.type != model::FileType::directory) erase_below(r.path);
        it->second = Node{&r, l};
      } else {
        view.emplace(r.path, Node{&r, l});
      }
    }
  }
  content.files.reserve(view.size());
  for (const auto& [path, node] : view) {
    const auto& r = *node.record;
    content.files.push_back(model::ImageFile{path, r.type, r.mode, r.uid, r.gid, r.size, r.link, node.layer, ""});
  }
  auto final_layer = [&](const std::string& path) -> std::optional<std::size_t> {
    const auto it = view.find(path);
    if (it == view.end() || it->second.record->type != model::FileType::regular) return std::nullopt;
    return it->second.layer;
  };
  for (std::size_t l = 0; l < layers.size(); ++l) {
    for (const auto& [path, bytes] : layers[l]->captured) {
      if (final_layer(path) == l) captured[path] = &bytes;
    }
  }
  for (std::size_t l = 0; l < layers.size(); ++l) {
    for (const auto& s : layers[l]->secrets) {
      const auto top = final_layer(s.path);
      if (top && *top != l) {
        // Rewritten by a later layer: when the final version holds the same secret, that one is reported.
        const auto& upper = layers[*top]->secrets;
        if (std::any_of(upper.begin(), upper.end(),
                        [&](const model::LayerSecret& u) { return u.path == s.path && u.kind == s.kind; }))
          continue;
      }
      model::LayerSecret out = s;
      out.layer = l;
      out.removed = top != l;
      content.secrets.push_back(std::move(out));
    }
  }
}

std::string host_platform() {
  struct utsname u {};
  std::string machine = ::uname(&u) == 0 ? u.machine : "x86_64";
  if (machine == "x86_64") return "linux/amd64";
  if (machine == "aarch64") return "linux/arm64";
  if (machine.starts_with("armv7")) return "linux/arm/v7";
  if (machine == "i686" || machine == "i386") return "linux/386";
  return "linux/" + machine;
}

}  // namespace drydock::collect::image
