// The matcher over real data: the shared Alpine secdb against a hand-made Alpine 3.11 image, and
// OSV records written for the test (tests/data/vuln/debian) against a hand-made Debian 12 image.

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "drydock/vuln/match.hpp"
#include "data.hpp"
#include "temp_dir.hpp"

namespace drydock::vuln {
namespace {

using testing::k_debian;
using testing::k_secdb;

using testing::TempDir;

Database import_into(const TempDir& tmp, const std::vector<std::string>& paths) {
  auto db = Database::open(tmp.file("vuln.db"), Database::Mode::write);
  EXPECT_TRUE(db) << db.error().describe();
  auto stats = db->import(paths);
  EXPECT_TRUE(stats) << stats.error().describe();
  auto reader = Database::open(tmp.file("vuln.db"), Database::Mode::read);
  EXPECT_TRUE(reader) << reader.error().describe();
  return std::move(*reader);
}

model::Package apk(const std::string& name, const std::string& version, const std::string& origin) {
  return model::Package{.name = name,
                        .version = version,
                        .source_name = origin,
                        .source_version = version,
                        .arch = "x86_64",
                        .manager = "apk",
                        .db_path = "lib/apk/db/installed"};
}

model::Package deb(const std::string& name, const std::string& version, const std::string& source,
                   const std::string& source_version = {}) {
  return model::Package{.name = name,
                        .version = version,
                        .source_name = source,
                        .source_version = source_version.empty() ? version : source_version,
                        .arch = "amd64",
                        .manager = "dpkg",
                        .db_path = "var/lib/dpkg/status"};
}

using Row = std::tuple<std::string, std::string, std::string, std::string>;  // package, id, installed, fixed

std::vector<Row> rows(const MatchOutcome& outcome) {
  std::vector<Row> out;
  for (const auto& v : outcome.vulnerabilities)
    out.emplace_back(v.package, v.id, v.installed, v.fixed);
  return out;
}

model::PackageSet alpine_311() {
  model::PackageSet set;
  set.os = model::OsRelease{.id = "alpine", .version_id = "3.11.6", .pretty_name = "Alpine Linux v3.11"};
  set.packages = {
      apk("musl", "1.1.23-r2", "musl"),             // exactly the fixed version of CVE-2019-14697
      apk("busybox", "1.30.1-r1", "busybox"),       // CVE-2019-5747 fixed in 1.30.1-r2 (and 1.29.3-r10)
      apk("ssl_client", "1.30.1-r1", "busybox"),    // matched by origin
      apk("libcrypto1.1", "1.1.1d-r2", "openssl"),  // CVE-2019-1551 fixed in 1.1.1d-r3
      apk("libssl1.1", "1.1.1d-r2", "openssl"),
      apk("sqlite-libs", "3.28.0-r0", "sqlite"),  // CVE-2019-19242 (listed twice); 3.28.0-r0 fixes two others
      apk("zlib", "1.2.11-r3", "zlib"),           // no advisories
      apk("expat", "2.2.8-r0", "expat"),          // above every fix
      apk("curl", "7.66.0-r0", "curl"),           // exactly the newest fix
  };
  return set;
}

TEST(VulnMatch, Alpine311AgainstTheSharedSecdb) {
  TempDir tmp;
  auto db = import_into(tmp, {k_secdb});
  auto outcome = match(alpine_311(), db, "drydock-test/alpine:3.11");
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_TRUE(outcome->covered) << outcome->reason;
  EXPECT_EQ(outcome->ecosystems, std::vector<std::string>{"Alpine:v3.11"});
  EXPECT_EQ(outcome->packages, 9U);
  const std::vector<Row> expected = {
      {"busybox", "CVE-2019-5747", "1.30.1-r1", "1.30.1-r2"},    {"libcrypto1.1", "CVE-2019-1551", "1.1.1d-r2", "1.1.1d-r3"},
      {"libssl1.1", "CVE-2019-1551", "1.1.1d-r2", "1.1.1d-r3"},  {"sqlite-libs", "CVE-2019-19242", "3.28.0-r0", "3.30.1-r1"},
      {"ssl_client", "CVE-2019-5747", "1.30.1-r1", "1.30.1-r2"},
  };
  EXPECT_EQ(rows(*outcome), expected);
  for (const auto& v : outcome->vulnerabilities) {
    EXPECT_EQ(v.image, "drydock-test/alpine:3.11");
    EXPECT_EQ(v.ecosystem, "Alpine:v3.11");
    EXPECT_FALSE(v.severity.has_value()) << "secdb gives no severity: unknown must stay unknown";
  }
  EXPECT_EQ(outcome->vulnerabilities[1].source_package, "openssl");

  const auto cis = cis_4_4_evidence(*outcome);
  EXPECT_EQ(cis.status, core::Status::fail);
  EXPECT_EQ(cis.severity, core::Severity::high);
  EXPECT_NE(cis.evidence.find("5 vulnerabilities with a fixed version in 5 packages"), std::string::npos) << cis.evidence;
  EXPECT_NE(cis.evidence.find("busybox 1.30.1-r1 -> 1.30.1-r2 (CVE-2019-5747)"), std::string::npos) << cis.evidence;
}

TEST(VulnMatch, Alpine311FixedImagePasses) {
  TempDir tmp;
  auto db = import_into(tmp, {k_secdb});
  auto set = alpine_311();
  for (auto& p : set.packages) {
    if (p.source_name == "busybox") p.version = "1.30.1-r2";
    if (p.source_name == "openssl") p.version = "1.1.1d-r3";
    if (p.source_name == "sqlite") p.version = "3.30.1-r1";
  }
  auto outcome = match(set, db);
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->vulnerabilities.empty());
  const auto cis = cis_4_4_evidence(*outcome);
  EXPECT_EQ(cis.status, core::Status::pass);
  EXPECT_NE(cis.evidence.find("no known vulnerabilities: 9 packages of alpine 3.11.6 checked against Alpine:v3.11 "
                              "(advisories imported 20"),
            std::string::npos)
      << cis.evidence;
  EXPECT_GT(outcome->database_updated_at, 0);
}

TEST(VulnMatch, ReleaseNotInTheDatabaseIsNotCovered) {
  TempDir tmp;
  auto db = import_into(tmp, {k_secdb});
  auto set = alpine_311();
  set.os.version_id = "3.12.0";
  auto outcome = match(set, db);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->covered);
  EXPECT_TRUE(outcome->vulnerabilities.empty());
  EXPECT_NE(outcome->reason.find("alpine 3.12.0 is not covered"), std::string::npos) << outcome->reason;
  EXPECT_NE(outcome->reason.find("Alpine:v3.12"), std::string::npos) << outcome->reason;
  EXPECT_NE(outcome->reason.find("Alpine:v3.11"), std::string::npos) << "names what the database has: " << outcome->reason;
  const auto cis = cis_4_4_evidence(*outcome);
  EXPECT_EQ(cis.status, core::Status::skip);
  EXPECT_EQ(cis.evidence, outcome->reason);

  set.os = model::OsRelease{.id = "debian", .version_id = "12"};
  outcome = match(set, db);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->covered);
  EXPECT_NE(outcome->reason.find("Debian:12"), std::string::npos) << outcome->reason;
}

TEST(VulnMatch, OsWithoutAdvisoriesIsNotCovered) {
  TempDir tmp;
  auto db = import_into(tmp, {k_secdb});
  model::PackageSet set;
  set.os = model::OsRelease{.id = "fedora", .version_id = "40"};
  auto outcome = match(set, db);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->covered);
  EXPECT_NE(outcome->reason.find("fedora 40 is not a distribution"), std::string::npos) << outcome->reason;
  set.os = model::OsRelease{.id = "debian", .version_codename = "trixie"};
  outcome = match(set, db);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->covered);
  EXPECT_NE(outcome->reason.find("no VERSION_ID"), std::string::npos) << outcome->reason;
}

model::PackageSet debian_12() {
  model::PackageSet set;
  set.os = model::OsRelease{.id = "debian", .version_id = "12", .version_codename = "bookworm"};
  set.packages = {
      deb("libssl3", "3.0.11-1~deb12u1", "openssl"),
      deb("openssl", "3.0.11-1~deb12u1", "openssl"),
      deb("libc6", "2.36-9+deb12u4", "glibc"),                             // after the fix
      deb("libcurl4", "7.88.1-10+deb12u4", "curl"),                        // last_affected: affected, no fix known
      deb("tar", "1.34+dfsg-1.2+deb12u1", "tar"),                          // an explicit affected version
      deb("perl-base", "5.36.0-7+deb12u1", "perl"),                        // at or above limit
      deb("zlib1g", "1:1.2.13.dfsg-1", "zlib"),                            // only a withdrawn advisory
      deb("libsystemd0", "252.17-1~deb12u1", "systemd"),                   // the second window of a range
      deb("libudev1", "252.12-1~deb12u1", "systemd", "252.12-1~deb12u1"),  // between the windows
  };
  return set;
}

TEST(VulnMatch, Debian12AgainstOsvRecords) {
  TempDir tmp;
  auto db = import_into(tmp, {k_debian});
  auto outcome = match(debian_12(), db, "drydock-test/debian:12");
  ASSERT_TRUE(outcome) << outcome.error().describe();
  ASSERT_TRUE(outcome->covered) << outcome->reason;
  EXPECT_EQ(outcome->ecosystems, std::vector<std::string>{"Debian:12"});
  const std::vector<Row> expected = {
      {"libcurl4", "DEBIAN-CVE-2023-38545", "7.88.1-10+deb12u4", ""},
      {"libssl3", "DSA-5532-1", "3.0.11-1~deb12u1", "3.0.11-1~deb12u2"},
      {"libsystemd0", "DRYDOCK-TEST-SYSTEMD-1", "252.17-1~deb12u1", "252.19-1~deb12u1"},
      {"openssl", "DSA-5532-1", "3.0.11-1~deb12u1", "3.0.11-1~deb12u2"},
      {"tar", "DRYDOCK-TEST-TAR-1", "1.34+dfsg-1.2+deb12u1", ""},
  };
  EXPECT_EQ(rows(*outcome), expected);
  const auto& ssl = outcome->vulnerabilities[1];
  EXPECT_EQ(ssl.aliases, std::vector<std::string>{"CVE-2023-5363"});
  EXPECT_EQ(ssl.severity, core::Severity::high);
  ASSERT_TRUE(ssl.cvss_score.has_value());
  EXPECT_DOUBLE_EQ(*ssl.cvss_score, 7.5);
  EXPECT_EQ(outcome->vulnerabilities[0].severity, core::Severity::critical) << "from database_specific.severity";
  EXPECT_FALSE(outcome->vulnerabilities[2].severity.has_value());

  auto cis = cis_4_4_evidence(*outcome);
  EXPECT_EQ(cis.status, core::Status::fail);
  EXPECT_EQ(cis.severity, core::Severity::high);
  EXPECT_NE(cis.evidence.find("3 vulnerabilities with a fixed version in 3 packages (high 2, unknown 1), and 2 without a fix"),
            std::string::npos)
      << cis.evidence;

  ASSERT_EQ(outcome->vulnerabilities.size(), 5U);
  const auto& v1 = outcome->vulnerabilities[1];
  EXPECT_EQ(v1.image, "drydock-test/debian:12");
  EXPECT_EQ(v1.package, "libssl3");
  EXPECT_EQ(v1.source_package, "openssl");
  EXPECT_EQ(v1.installed, "3.0.11-1~deb12u1");
  EXPECT_EQ(v1.fixed, "3.0.11-1~deb12u2");
  EXPECT_EQ(v1.id, "DSA-5532-1");
  EXPECT_EQ(v1.aliases, std::vector<std::string>{"CVE-2023-5363"});
  EXPECT_EQ(v1.severity, core::Severity::high);
  EXPECT_DOUBLE_EQ(v1.cvss_score.value_or(0), 7.5);
  EXPECT_EQ(v1.ecosystem, "Debian:12");
  EXPECT_TRUE(outcome->vulnerabilities[0].fixed.empty());
  EXPECT_FALSE(outcome->vulnerabilities[2].severity.has_value()) << "unknown stays unknown";

  // --ignore-unfixed: what has no fix goes, the rest stays.
  auto fixed_only = *outcome;
  drop_unfixed(fixed_only.vulnerabilities);
  EXPECT_EQ(fixed_only.vulnerabilities.size(), 3U);
}

TEST(VulnMatch, OnlyUnfixedVulnerabilitiesWarn) {
  TempDir tmp;
  auto db = import_into(tmp, {k_debian});
  model::PackageSet set = debian_12();
  set.packages = {deb("libcurl4", "7.88.1-10+deb12u4", "curl")};
  auto outcome = match(set, db);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(cis_4_4_evidence(*outcome).status, core::Status::warn);
  EXPECT_EQ(cis_4_4_evidence(*outcome).severity, core::Severity::critical);
  EXPECT_EQ(cis_4_4_evidence(*outcome, true).status, core::Status::pass);
}

TEST(VulnMatch, UbuntuMatchesItsLtsEcosystem) {
  TempDir tmp;
  auto db = import_into(tmp, {k_debian});
  model::PackageSet set;
  set.os = model::OsRelease{.id = "ubuntu", .version_id = "22.04"};
  set.packages = {deb("libssl3", "3.0.2-0ubuntu1.10", "openssl")};
  auto outcome = match(set, db);
  ASSERT_TRUE(outcome);
  ASSERT_TRUE(outcome->covered) << outcome->reason;
  ASSERT_EQ(outcome->vulnerabilities.size(), 1U);
  EXPECT_EQ(outcome->vulnerabilities[0].id, "USN-6450-1");
  EXPECT_EQ(outcome->vulnerabilities[0].severity, core::Severity::medium) << "the Ubuntu rating";
  EXPECT_EQ(outcome->vulnerabilities[0].ecosystem, "Ubuntu:22.04:LTS");
}

TEST(VulnMatch, AlmaLinuxByBinaryNameWithRpmOrdering) {
  TempDir tmp;
  auto db = import_into(tmp, {std::string(DRYDOCK_TEST_DATA) + "/vuln/rpm"});
  model::PackageSet set;
  set.os = model::OsRelease{.id = "almalinux", .version_id = "9.3"};
  const auto rpm = [](const char* name, const char* version) {
    return model::Package{.name = name,
                          .version = version,
                          .source_name = "openssl",
                          .source_version = version,
                          .arch = "x86_64",
                          .manager = "rpm",
                          .db_path = "var/lib/rpm/rpmdb.sqlite"};
  };
  set.packages = {rpm("openssl-libs", "1:3.0.7-24.el9"),    // before the fix
                  rpm("openssl", "1:3.0.7-25.el9_3"),       // the fix
                  rpm("openssl-devel", "1:3.0.7-24.el9")};  // no advisory names it; its source is looked up too
  auto outcome = match(set, db);
  ASSERT_TRUE(outcome) << outcome.error().describe();
  ASSERT_TRUE(outcome->covered) << outcome->reason;
  const std::vector<Row> expected = {
      {"openssl-devel", "ALSA-2023:7877", "1:3.0.7-24.el9", "1:3.0.7-25.el9_3"},
      {"openssl-libs", "ALSA-2023:7877", "1:3.0.7-24.el9", "1:3.0.7-25.el9_3"},
  };
  EXPECT_EQ(rows(*outcome), expected);
  EXPECT_EQ(outcome->vulnerabilities[1].severity, core::Severity::medium) << "the package's rating, Moderate";
  EXPECT_EQ(outcome->vulnerabilities[1].source_package, "openssl-libs") << "the name the advisory is filed under";
}

TEST(VulnMatch, OsTargets) {
  std::string why;
  const auto t = [&](const char* id, const char* version) {
    return os_target(model::OsRelease{.id = id, .version_id = version}, why);
  };
  EXPECT_EQ(t("alpine", "3.11.6")->ecosystems, std::vector<std::string>{"Alpine:v3.11"});
  EXPECT_EQ(t("alpine", "3.21.0_alpha20240807")->ecosystems, std::vector<std::string>{"Alpine:v3.21"});
  EXPECT_EQ(t("debian", "12")->ecosystems, std::vector<std::string>{"Debian:12"});
  EXPECT_EQ(t("ubuntu", "22.04")->ecosystems, (std::vector<std::string>{"Ubuntu:22.04", "Ubuntu:22.04:"}));
  EXPECT_EQ(t("almalinux", "9.3")->ecosystems, std::vector<std::string>{"AlmaLinux:9"});
  EXPECT_EQ(t("rocky", "8.9")->ecosystems, std::vector<std::string>{"Rocky Linux:8"});
  EXPECT_EQ(t("rhel", "9.3")->ecosystems, std::vector<std::string>{"Red Hat:enterprise_linux:9:"});
  EXPECT_EQ(t("rhel", "9.3")->scheme, Scheme::rpm);
  EXPECT_EQ(t("alpine", "3.11.6")->scheme, Scheme::apk);
  EXPECT_FALSE(t("arch", "rolling").has_value());
}

TEST(VulnRange, SchemaEvaluation) {
  using K = model::RangeEvent::Kind;
  const model::AffectedRange r{"ECOSYSTEM",
                               {{K::introduced, "1.0"}, {K::fixed, "1.5"}, {K::introduced, "2.0"}, {K::last_affected, "2.3"}}};
  std::string fixed;
  EXPECT_FALSE(in_range(Scheme::dpkg, "0.9", r, &fixed));
  EXPECT_TRUE(in_range(Scheme::dpkg, "1.0", r, &fixed));
  EXPECT_EQ(fixed, "1.5");
  EXPECT_TRUE(in_range(Scheme::dpkg, "1.4.9", r, &fixed));
  EXPECT_FALSE(in_range(Scheme::dpkg, "1.5", r));
  EXPECT_FALSE(in_range(Scheme::dpkg, "1.9", r));
  EXPECT_TRUE(in_range(Scheme::dpkg, "2.3", r, &fixed));
  EXPECT_EQ(fixed, "") << "last_affected: no fix known";
  EXPECT_FALSE(in_range(Scheme::dpkg, "2.3.1", r));
  // Events out of order are sorted first, as the schema says.
  const model::AffectedRange shuffled{"ECOSYSTEM", {{K::fixed, "1.5"}, {K::introduced, "0"}}};
  EXPECT_TRUE(in_range(Scheme::rpm, "1.4", shuffled, &fixed));
  EXPECT_EQ(fixed, "1.5");
  EXPECT_FALSE(in_range(Scheme::rpm, "1.5", shuffled));
  // limit: nothing at or above it.
  const model::AffectedRange limited{"ECOSYSTEM", {{K::introduced, "0"}, {K::limit, "3.0"}}};
  EXPECT_TRUE(in_range(Scheme::apk, "2.9-r9", limited));
  EXPECT_FALSE(in_range(Scheme::apk, "3.0", limited));
  // apk pre-releases sit below the release: 1.0_rc1 is before a fix in 1.0-r0.
  const model::AffectedRange apk_range{"ECOSYSTEM", {{K::introduced, "0"}, {K::fixed, "1.0-r0"}}};
  EXPECT_TRUE(in_range(Scheme::apk, "1.0_rc1-r0", apk_range));
}

}  // namespace
}  // namespace drydock::vuln
