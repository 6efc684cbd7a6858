// drydock host --context NAME (repeatable) and --all-contexts: which contexts, resolved how,
// and which combinations of options are refused.
#include "drydock/cli/contexts.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace drydock::cli {
namespace {

namespace fs = std::filesystem;

/// A DOCKER_CONFIG directory with contexts written as the docker CLI writes them.
class ContextStore {
 public:
  ContextStore() {
    char templ[] = "/tmp/drydock-contexts-XXXXXX";
    m_dir = ::mkdtemp(templ);
  }
  ~ContextStore() {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  ContextStore(const ContextStore&) = delete;
  ContextStore& operator=(const ContextStore&) = delete;
  [[nodiscard]] std::string dir() const { return m_dir.string(); }
  void add(const std::string& name, const std::string& host) const {
    write("contexts/meta/" + collect::sha256_hex(name) + "/meta.json",
          R"({"Name":")" + name + R"(","Metadata":{},"Endpoints":{"docker":{"Host":")" + host + R"(","SkipTLSVerify":false}}})");
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((m_dir / rel).parent_path());
    std::ofstream(m_dir / rel) << text;
  }

 private:
  fs::path m_dir;
};

std::vector<std::string> names_of(const std::vector<ContextTarget>& targets) {
  std::vector<std::string> out;
  for (const auto& t : targets)
    out.push_back(t.name);
  return out;
}

TEST(ContextsOptions, NoContextMeansTheUsualSingleEngine) {
  ContextStore store;
  auto targets = context_targets(ContextRequest{}, store.dir());
  ASSERT_TRUE(targets) << targets.error().describe();
  EXPECT_TRUE(targets->empty());
}

TEST(ContextsOptions, RepeatedContextsInTheirOrderOnceEach) {
  ContextStore store;
  store.add("dd-ctx-b", "unix:///tmp/b.sock");
  store.add("dd-ctx-a", "tcp://127.0.0.1:2376");
  ContextRequest r;
  r.names = {"dd-ctx-b", "dd-ctx-a", "dd-ctx-b", "default"};
  auto targets = context_targets(r, store.dir());
  ASSERT_TRUE(targets) << targets.error().describe();
  EXPECT_EQ(names_of(*targets), (std::vector<std::string>{"dd-ctx-b", "dd-ctx-a", "default"}));
  ASSERT_TRUE((*targets)[0].endpoint);
  EXPECT_EQ((*targets)[0].endpoint->host, "unix:///tmp/b.sock");
  EXPECT_EQ((*targets)[0].endpoint->source, "context \"dd-ctx-b\" (--context)");
  ASSERT_TRUE((*targets)[1].endpoint);
  EXPECT_EQ((*targets)[1].endpoint->host, "tcp://127.0.0.1:2376");
  ASSERT_TRUE((*targets)[2].endpoint);
  EXPECT_EQ((*targets)[2].endpoint->host, "unix:///var/run/docker.sock");
}

TEST(ContextsOptions, AMissingOrSshContextIsThatTargetsErrorNotTheCommands) {
  ContextStore store;
  store.add("dd-ctx-a", "unix:///tmp/a.sock");
  store.add("dd-ctx-ssh", "ssh://me@far");
  ContextRequest r;
  r.names = {"dd-ctx-a", "dd-ctx-missing", "dd-ctx-ssh"};
  auto targets = context_targets(r, store.dir());
  ASSERT_TRUE(targets) << targets.error().describe();
  ASSERT_EQ(targets->size(), 3u);
  EXPECT_TRUE((*targets)[0].endpoint);
  ASSERT_FALSE((*targets)[1].endpoint);
  EXPECT_NE((*targets)[1].endpoint.error().message.find("context \"dd-ctx-missing\" not found"), std::string::npos)
      << (*targets)[1].endpoint.error().message;
  ASSERT_FALSE((*targets)[2].endpoint);
  EXPECT_NE((*targets)[2].endpoint.error().message.find("ssh:// engine endpoints are not supported"), std::string::npos)
      << (*targets)[2].endpoint.error().message;
}

TEST(ContextsOptions, AllContextsIsDefaultThenTheStoreByName) {
  ContextStore store;
  store.add("dd-ctx-z", "unix:///tmp/z.sock");
  store.add("dd-ctx-m", "tcp://10.1.2.3:2376");
  store.write("contexts/meta/not-a-context/other.json", "{}");  // no meta.json: not a context
  store.write("contexts/meta/" + collect::sha256_hex("dd-ctx-x") + "/meta.json", R"({"Endpoints":{}})");  // names none
  ContextRequest r;
  r.all = true;
  auto targets = context_targets(r, store.dir());
  ASSERT_TRUE(targets) << targets.error().describe();
  ASSERT_EQ(targets->size(), 4u) << ::testing::PrintToString(names_of(*targets));
  EXPECT_EQ((*targets)[0].name, "default");
  EXPECT_TRUE((*targets)[0].endpoint);
  // The broken entry is listed by its directory, with the reason, among the others by name.
  std::size_t broken = 0;
  for (const auto& t : *targets) {
    if (t.endpoint) continue;
    ++broken;
    EXPECT_EQ(t.name, collect::sha256_hex("dd-ctx-x"));
    EXPECT_NE(t.endpoint.error().message.find("holds no context name"), std::string::npos) << t.endpoint.error().message;
  }
  EXPECT_EQ(broken, 1u);
  std::vector<std::string> named;
  for (const auto& t : *targets) {
    if (t.endpoint && t.name != "default") named.push_back(t.name);
  }
  EXPECT_EQ(named, (std::vector<std::string>{"dd-ctx-m", "dd-ctx-z"}));
}

TEST(ContextsOptions, AllContextsWithAnEmptyStoreIsDefaultAlone) {
  ContextStore store;
  ContextRequest r;
  r.all = true;
  auto targets = context_targets(r, store.dir() + "/nothing-here");
  ASSERT_TRUE(targets) << targets.error().describe();
  EXPECT_EQ(names_of(*targets), (std::vector<std::string>{"default"}));
}

TEST(ContextsOptions, ConflictingOptionsAreUsageErrors) {
  ContextStore store;
  store.add("dd-ctx-a", "unix:///tmp/a.sock");
  store.add("dd-ctx-b", "unix:///tmp/b.sock");
  const auto refused = [&](ContextRequest r, std::string_view why) {
    auto t = context_targets(r, store.dir());
    ASSERT_FALSE(t) << why;
    EXPECT_EQ(t.error().kind, core::ErrorKind::usage);
    EXPECT_NE(t.error().message.find(why), std::string::npos) << t.error().message;
  };
  ContextRequest with_host;
  with_host.names = {"dd-ctx-a"};
  with_host.host_flag = "unix:///tmp/x.sock";
  refused(with_host, "--context and --host both choose the engine");
  ContextRequest all_and_names;
  all_and_names.all = true;
  all_and_names.names = {"dd-ctx-a"};
  refused(all_and_names, "drop --context");
  ContextRequest no_engine;
  no_engine.all = true;
  no_engine.no_engine = true;
  refused(no_engine, "--all-contexts audits the contexts' engines: drop --no-engine");
  ContextRequest empty;
  empty.names = {""};
  refused(empty, "--context needs a context's name");
  ContextRequest root;
  root.names = {"dd-ctx-a", "dd-ctx-b"};
  root.root = "/mnt/host";
  refused(root, "--root reads one host's files");
  // One context with --root: that context's host's files are under DIR.
  ContextRequest one_root;
  one_root.names = {"dd-ctx-a"};
  one_root.root = "/mnt/host";
  EXPECT_TRUE(context_targets(one_root, store.dir()));
}

}  // namespace
}  // namespace drydock::cli
