// `drydock image --vulns` end to end: images built FROM scratch whose package databases list real
// Alpine 3.11 packages (matched against the real Alpine secdb in tests/data/alpine-secdb) and
// Debian 12 packages (matched against OSV records written for the tests, tests/data/vuln/debian),
// read from the engine and from `docker save`; the exact advisories must come out, CIS 4.4 must
// fail, an OS the database does not cover must be a skip, and a missing database an error.
// Images are labelled drydock.test=it-vuln-<pid> and removed.

#include <unistd.h>

#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "support.hpp"

namespace drydock_it {
namespace {

using Row = std::tuple<std::string, std::string, std::string, std::string>;  // package, id, installed, fixed

/// An apk database record.
std::string apk(const std::string& name, const std::string& version, const std::string& origin) {
  return "C:Q1" + std::string(27, 'A') + "=\nP:" + name + "\nV:" + version + "\nA:x86_64\nS:1000\nI:2000\nT:" + name +
         "\nU:https://alpinelinux.org\nL:MIT\no:" + origin + "\nm:Alpine Maintainers\nt:1570000000\n\n";
}

/// A dpkg status stanza.
std::string deb(const std::string& name, const std::string& version, const std::string& source) {
  return "Package: " + name + "\nStatus: install ok installed\nPriority: optional\nSection: libs\nMaintainer: Debian\n" +
         "Architecture: amd64\n" + (source.empty() ? "" : "Source: " + source + "\n") + "Version: " + version +
         "\nDescription: test package\n\n";
}

class VulnImage : public ::testing::Test {
 protected:
  struct World {
    std::string label, tmp, db, alpine, debian, uncovered, alpine_tar;
  };
  static World& world() {
    static World w;
    return w;
  }

  static Proc drydock(std::vector<std::string> args) {
    args.insert(args.begin(), DRYDOCK_BIN);
    return run(args, std::chrono::seconds(300));
  }

  static void image(const fs::path& dir, const std::string& tag, const std::vector<std::pair<std::string, std::string>>& files) {
    for (const auto& [path, text] : files) {
      fs::create_directories((dir / "rootfs" / path).parent_path());
      write_file(dir / "rootfs" / path, text);
    }
    write_file(dir / "Dockerfile", "FROM scratch\nCOPY rootfs/ /\n");
    const auto p = run({"docker", "build", "-q", "--label", world().label, "-t", tag, dir.string()}, std::chrono::seconds(300));
    ASSERT_EQ(p.code, 0) << describe({"docker", "build", tag}, p);
  }

  static void SetUpTestSuite() {
    auto& w = world();
    const Proc ping = run({"docker", "version", "--format", "{{.Server.APIVersion}}"}, std::chrono::seconds(20));
    if (ping.code != 0) {
      if (in_ci()) FAIL() << "CI=true but no Docker Engine";
      GTEST_SKIP() << "no Docker Engine";
    }
    const std::string id = "it-vuln-" + std::to_string(getpid());
    w.label = "drydock.test=" + id;
    char tmpl[] = "/tmp/drydock-it-vuln-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    w.tmp = tmpl;
    const fs::path tmp = w.tmp;
    w.alpine = "drydock-test/vuln-alpine:" + id;
    w.debian = "drydock-test/vuln-debian:" + id;
    w.uncovered = "drydock-test/vuln-alpine312:" + id;

    const std::string alpine_db = apk("musl", "1.1.23-r2", "musl") +  // exactly the fixed version of CVE-2019-14697
                                  apk("busybox", "1.30.1-r1", "busybox") + apk("ssl_client", "1.30.1-r1", "busybox") +
                                  apk("libcrypto1.1", "1.1.1d-r2", "openssl") + apk("libssl1.1", "1.1.1d-r2", "openssl") +
                                  apk("sqlite-libs", "3.28.0-r0", "sqlite") + apk("zlib", "1.2.11-r3", "zlib") +
                                  apk("curl", "7.66.0-r0", "curl");  // exactly the newest fix
    image(tmp / "alpine", w.alpine,
          {{"etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.11.6\nPRETTY_NAME=\"Alpine Linux v3.11\"\n"},
           {"lib/apk/db/installed", alpine_db}});
    image(
        tmp / "alpine312", w.uncovered,
        {{"etc/os-release", "ID=alpine\nVERSION_ID=3.12.0\n"}, {"lib/apk/db/installed", apk("busybox", "1.31.1-r9", "busybox")}});
    image(tmp / "debian", w.debian,
          {{"etc/os-release",
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"},
           {"var/lib/dpkg/status", deb("libssl3", "3.0.11-1~deb12u1", "openssl") + deb("openssl", "3.0.11-1~deb12u1", "") +
                                       deb("libc6", "2.36-9+deb12u4", "glibc") + deb("libcurl4", "7.88.1-10+deb12u4", "curl") +
                                       deb("tar", "1.34+dfsg-1.2+deb12u1", "") + deb("perl-base", "5.36.0-7+deb12u1", "perl") +
                                       deb("zlib1g", "1:1.2.13.dfsg-1", "zlib") +
                                       deb("libsystemd0", "252.17-1~deb12u1", "systemd") +
                                       deb("libudev1", "252.12-1~deb12u1", "systemd")}});
    w.alpine_tar = (tmp / "alpine.tar").string();
    const auto save = run({"docker", "save", "-o", w.alpine_tar, w.alpine}, std::chrono::seconds(120));
    ASSERT_EQ(save.code, 0) << save.err;

    w.db = (tmp / "vuln.db").string();
    const auto imported = drydock({"db", "import", "--db", w.db, std::string(DRYDOCK_TEST_DATA) + "/alpine-secdb",
                                   std::string(DRYDOCK_TEST_DATA) + "/vuln/debian"});
    ASSERT_EQ(imported.code, 0) << imported.out << imported.err;
  }

  static void TearDownTestSuite() {
    auto& w = world();
    if (w.label.empty()) return;
    remove_labelled_images(w.label);
    std::error_code ec;
    if (!w.tmp.empty()) fs::remove_all(w.tmp, ec);
  }

  void SetUp() override {
    if (world().db.empty()) GTEST_SKIP() << "set-up did not complete";
  }

  static json scan(const std::string& target, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"image", target,      "--vulns", "--db",    world().db, "--format",
                                     "json",  "--fail-on", "none",    "--quiet", "--only",   "4.4"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto p = drydock(args);
    EXPECT_EQ(p.code, 0) << describe(args, p);
    return parse_json(p.out).value_or(json::object());
  }

  static std::set<Row> rows(const json& report) {
    std::set<Row> out;
    for (const auto& v : report["vulnerabilities"])
      out.emplace(v["package"], v["id"], v["installed"], v["fixed"].is_null() ? "" : v["fixed"].get<std::string>());
    return out;
  }
};

const std::set<Row> k_alpine = {
    {"busybox", "CVE-2019-5747", "1.30.1-r1", "1.30.1-r2"},      {"ssl_client", "CVE-2019-5747", "1.30.1-r1", "1.30.1-r2"},
    {"libcrypto1.1", "CVE-2019-1551", "1.1.1d-r2", "1.1.1d-r3"}, {"libssl1.1", "CVE-2019-1551", "1.1.1d-r2", "1.1.1d-r3"},
    {"sqlite-libs", "CVE-2019-19242", "3.28.0-r0", "3.30.1-r1"},
};

TEST_F(VulnImage, Alpine311FromTheEngineAndTheTarballFindsExactlyTheSecdbAdvisories) {
  for (const auto& target : {world().alpine, world().alpine_tar}) {
    const auto r = scan(target);
    EXPECT_EQ(rows(r), k_alpine) << target;
    ASSERT_EQ(r["results"].size(), 1U) << target;
    const auto& cis = r["results"][0];
    EXPECT_EQ(cis["id"], "image.vulnerabilities");
    EXPECT_EQ(cis["cis"], "4.4");
    EXPECT_EQ(cis["status"], "fail") << cis["evidence"];
    EXPECT_NE(cis["evidence"].get<std::string>().find("Alpine:v3.11"), std::string::npos) << cis["evidence"];
    for (const auto& v : r["vulnerabilities"]) {
      EXPECT_EQ(v["ecosystem"], "Alpine:v3.11");
      EXPECT_TRUE(v["severity"].is_null()) << "secdb gives no severity: unknown stays unknown";
      EXPECT_EQ(v["source_package"], v["package"] == "ssl_client" ? "busybox" : v["source_package"]);
    }
  }
}

TEST_F(VulnImage, Debian12MatchesBySourcePackage) {
  const auto r = scan(world().debian);
  const std::set<Row> expected = {
      {"libcurl4", "DEBIAN-CVE-2023-38545", "7.88.1-10+deb12u4", ""},
      {"libssl3", "DSA-5532-1", "3.0.11-1~deb12u1", "3.0.11-1~deb12u2"},
      {"libsystemd0", "DRYDOCK-TEST-SYSTEMD-1", "252.17-1~deb12u1", "252.19-1~deb12u1"},
      {"openssl", "DSA-5532-1", "3.0.11-1~deb12u1", "3.0.11-1~deb12u2"},
      {"tar", "DRYDOCK-TEST-TAR-1", "1.34+dfsg-1.2+deb12u1", ""},
  };
  EXPECT_EQ(rows(r), expected);
  for (const auto& v : r["vulnerabilities"]) {
    if (v["id"] == "DSA-5532-1") {
      EXPECT_EQ(v["severity"], "high");
      EXPECT_EQ(v["cvss_score"], 7.5);
      EXPECT_EQ(v["aliases"], json::array({"CVE-2023-5363"}));
    }
  }
  EXPECT_EQ(r["results"][0]["status"], "fail");

  const auto fixed_only = scan(world().debian, {"--ignore-unfixed"});
  EXPECT_EQ(rows(fixed_only).size(), 3U);
}

TEST_F(VulnImage, UncoveredOsIsASkipNeverAClean) {
  const auto r = scan(world().uncovered);
  EXPECT_TRUE(r["vulnerabilities"].empty());
  ASSERT_EQ(r["results"].size(), 1U);
  EXPECT_EQ(r["results"][0]["status"], "skip");
  EXPECT_NE(r["results"][0]["evidence"].get<std::string>().find("3.12"), std::string::npos) << r["results"][0]["evidence"];
}

TEST_F(VulnImage, MissingDatabaseIsRefusedBeforeAnyWorkWithTheWayOut) {
  // --vulns asked for a scan that cannot be made: a CI gate must not pass without it. Refused
  // as a usage error before the image is read, naming the command that loads a database.
  const std::vector<std::string> args = {"image", world().alpine_tar, "--vulns", "--db",   world().tmp + "/none.db", "--format",
                                         "json",  "--only",           "4.4",     "--quiet"};
  const auto p = drydock(args);
  EXPECT_EQ(p.code, 2) << describe(args, p);
  EXPECT_EQ(p.out, "") << "no report: nothing was audited";
  EXPECT_NE(p.err.find("drydock db import --db " + world().tmp + "/none.db PATH"), std::string::npos) << p.err;
  const auto host = drydock({"host", "--vulns", "--db", world().tmp + "/none.db", "--quiet"});
  EXPECT_EQ(host.code, 2) << host.err;
  EXPECT_NE(host.err.find("drydock db import"), std::string::npos) << host.err;
}

TEST_F(VulnImage, WithoutVulnsCis44SaysHowToScan) {
  const auto p = drydock({"image", world().alpine_tar, "--format", "json", "--only", "4.4", "--quiet"});
  const auto r = parse_json(p.out).value_or(json::object());
  ASSERT_EQ(r["results"].size(), 1U);
  EXPECT_EQ(r["results"][0]["status"], "skip");
  EXPECT_FALSE(r.contains("vulnerabilities"));
}

TEST_F(VulnImage, HostVulnsScansTheImagesInUse) {
  // A created (never started) container makes the Alpine image one in use.
  const std::string name = "drydock-it-vuln-" + std::to_string(getpid());
  const auto created = run({"docker", "create", "--label", world().label, "--name", name, world().alpine, "/bin/true"});
  ASSERT_EQ(created.code, 0) << created.err;
  const std::vector<std::string> args = {"host",     "--vulns", "--db",      world().db, "--only", "4.4",
                                         "--format", "json",    "--fail-on", "none",     "--quiet"};
  const auto p = drydock(args);
  run({"docker", "rm", "-f", name});
  ASSERT_EQ(p.code, 0) << describe(args, p);
  const auto r = parse_json(p.out).value_or(json::object());
  bool seen = false;
  for (const auto& res : r["results"]) {
    if (res["subject"]["name"] != world().alpine) continue;
    seen = true;
    EXPECT_EQ(res["status"], "fail") << res["evidence"];
  }
  EXPECT_TRUE(seen) << p.out.substr(0, 2000);
  std::set<Row> mine;
  for (const auto& v : r["vulnerabilities"]) {
    if (v["image"] == world().alpine)
      mine.emplace(v["package"], v["id"], v["installed"], v["fixed"].is_null() ? "" : v["fixed"].get<std::string>());
  }
  EXPECT_EQ(mine, k_alpine);

  const auto offline = drydock({"host", "--vulns", "--no-engine", "--quiet"});
  EXPECT_EQ(offline.code, 2) << offline.err;
}

}  // namespace
}  // namespace drydock_it
