#include <gtest/gtest.h>

#include "drydock/parse/osv.hpp"
#include "drydock/parse/secdb.hpp"

namespace drydock::parse {
namespace {

using Kind = model::RangeEvent::Kind;

TEST(ParseOsv, FullRecord) {
  const auto r = osv(R"({
    "id": "GHSA-xxxx", "aliases": ["CVE-2024-1"], "summary": "s", "modified": "2024-01-01T00:00:00Z",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "database_specific": {"severity": "HIGH"},
    "affected": [{"package": {"ecosystem": "AlmaLinux:9", "name": "openssl-libs"},
                  "ecosystem_specific": {"severity": "Important"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-25.el9_3"}]},
                             {"type": "GIT", "repo": "https://x", "events": [{"introduced": "abc"}, {"limit": "def"}]}],
                  "versions": ["1:3.0.7-24.el9"]}],
    "unknown_field": {"ignored": true}})",
                     "r.json");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 1U);
  const auto& a = (*r)[0];
  EXPECT_EQ(a.id, "GHSA-xxxx");
  EXPECT_EQ(a.aliases, std::vector<std::string>{"CVE-2024-1"});
  EXPECT_EQ(a.rating, "HIGH");
  ASSERT_EQ(a.severity.size(), 1U);
  EXPECT_EQ(a.severity[0].type, "CVSS_V3");
  ASSERT_EQ(a.affected.size(), 1U);
  EXPECT_EQ(a.affected[0].ecosystem, "AlmaLinux:9");
  EXPECT_EQ(a.affected[0].package, "openssl-libs");
  EXPECT_EQ(a.affected[0].severity, "Important");
  ASSERT_EQ(a.affected[0].ranges.size(), 2U);
  EXPECT_EQ(a.affected[0].ranges[0].events[1].kind, Kind::fixed);
  EXPECT_EQ(a.affected[0].ranges[0].events[1].version, "1:3.0.7-25.el9_3");
  EXPECT_EQ(a.affected[0].ranges[1].events[1].kind, Kind::limit);
  EXPECT_EQ(a.affected[0].versions, std::vector<std::string>{"1:3.0.7-24.el9"});
}

TEST(ParseOsv, ArrayOfRecordsAndWithdrawn) {
  const auto r = osv(R"([{"id": "A"}, {"id": "B", "withdrawn": "2024-02-02T00:00:00Z"}])", "list.json");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 2U);
  EXPECT_EQ((*r)[1].withdrawn, "2024-02-02T00:00:00Z");
}

TEST(ParseOsv, ErrorsNameTheFileAndField) {
  struct Bad {
    const char* text;
    const char* message;
  };
  for (const auto& [text, message] : std::vector<Bad>{
           {"{", "not valid JSON"},
           {"42", "expected an OSV record"},
           {R"({"summary": "no id"})", "$.id: missing"},
           {R"({"id": 7})", "$.id: expected a string"},
           {R"({"id": "X", "aliases": "CVE-1"})", "$.aliases: expected an array"},
           {R"({"id": "X", "aliases": [1]})", "$.aliases[0]: expected a string"},
           {R"({"id": "X", "affected": [{"ranges": [{"events": [{"fixed": "1", "introduced": "0"}]}]}]})",
            "$.affected[0].ranges[0].events[0]: expected an object with one of"},
           {R"({"id": "X", "affected": [{"ranges": [{"events": [{"patched": "1"}]}]}]})", "unknown event 'patched'"},
           {R"({"id": "X", "affected": [{"ranges": [{"events": [{"fixed": 1}]}]}]})", "events[0].fixed: expected a string"},
           {R"({"id": "X", "affected": [{"package": []}]})", "$.affected[0].package: expected an object"},
           {R"([{"id": "A"}, {"id": 2}])", "[1].id: expected a string"},
       }) {
    const auto r = osv(text, "bad.json");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().where, "bad.json") << text;
    EXPECT_NE(r.error().message.find(message), std::string::npos) << text << " -> " << r.error().message;
  }
}

TEST(ParseOsv, SizeLimit) {
  const std::string big(k_max_osv_bytes + 1, ' ');
  const auto r = osv(big, "big.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("larger than"), std::string::npos);
}

TEST(ParseSecdb, YamlWithTheRealQuirks) {
  const auto r = secdb(R"(---
distroversion: v3.9
reponame: main
packages:
  - pkg:
      name: xen
      secfixes:
        4.11.1-r0:
          - CVE-2017-8904 XSA-214
          - XSA-207
          - CVE-????-?????  XSA-295
        "0":
          - CVE-2020-0001
        4.10.0-r1:
          - CVE-2017-8904 XSA-214
  - pkg:
      name: mysql
      secfixes:
        5.7.25-r0:
          - CVE_2019-2426
          - CVE 2018-16859
          -  CVE-2016-6263
  - pkg:
      name: nothing
)",
                       "main.yaml");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->distroversion, "v3.9");
  EXPECT_EQ(r->reponame, "main");
  std::vector<std::string> ids;
  for (const auto& a : r->advisories)
    ids.push_back(a.affected[0].package + "/" + a.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"xen/CVE-2017-8904", "xen/XSA-207", "xen/XSA-295", "xen/CVE-2020-0001",
                                           "mysql/CVE-2019-2426", "mysql/CVE-2018-16859", "mysql/CVE-2016-6263"}));
  const auto& xsa214 = r->advisories[0];
  EXPECT_EQ(xsa214.aliases, std::vector<std::string>{"XSA-214"});
  EXPECT_EQ(xsa214.affected[0].ecosystem, "Alpine:v3.9");
  ASSERT_EQ(xsa214.affected[0].ranges.size(), 2U) << "fixed in two updates: two ranges";
  EXPECT_EQ(xsa214.affected[0].ranges[1].events[1].version, "4.10.0-r1");
  EXPECT_TRUE(r->advisories[3].affected[0].ranges.empty()) << "\"0\" means never affected";
}

TEST(ParseSecdb, JsonForm) {
  const auto r = secdb(R"({"distroversion": "v3.11", "reponame": "community",
    "packages": [{"pkg": {"name": "a", "secfixes": {"1.0-r1": ["CVE-2020-1"]}}}]})",
                       "community.json");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->advisories.size(), 1U);
  EXPECT_EQ(r->advisories[0].affected[0].ranges[0].events[1].version, "1.0-r1");
}

TEST(ParseSecdb, ErrorsCarryTheLine) {
  struct Bad {
    const char* text;
    const char* where;
    const char* message;
  };
  for (const auto& [text, where, message] : std::vector<Bad>{
           {"distroversion: [", "x.yaml:1", "not valid YAML"},
           {"- a\n- b\n", "x.yaml", "a secdb file is a mapping"},
           {"reponame: main\n", "x.yaml", "missing distroversion"},
           {"distroversion: v3.1\npackages: 3\n", "x.yaml:2", "packages must be a list"},
           {"distroversion: v3.1\npackages:\n  - pkg:\n      secfixes: {}\n", "x.yaml:4", "pkg without a name"},
           {"distroversion: v3.1\npackages:\n  - pkg:\n      name: a\n      secfixes:\n        1.0: CVE-1\n", "x.yaml:6",
            "expected a list of ids"},
       }) {
    const auto r = secdb(text, "x.yaml");
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error().describe().find(where), std::string::npos) << r.error().describe();
    EXPECT_NE(r.error().message.find(message), std::string::npos) << r.error().message;
  }
}

TEST(ParseSecdb, Identifiers) {
  EXPECT_EQ(secdb_identifiers("XSA-214 CVE-2017-8904"), (std::vector<std::string>{"CVE-2017-8904", "XSA-214"}));
  EXPECT_TRUE(secdb_identifiers("  ").empty());
  EXPECT_EQ(secdb_identifiers("wnpa-sec-2017-21"), std::vector<std::string>{"wnpa-sec-2017-21"});
}

}  // namespace
}  // namespace drydock::parse
