/// Package-manager configuration that switches off verification (CIS 4.11): each format flags
/// what turns verification off and leaves the ordinary settings alone.

#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "drydock/parse/package_sources.hpp"

namespace drydock::parse {
namespace {

using ::testing::HasSubstr;

TEST(TrustPackageSources, SelectsConfigurationFilesByName) {
  for (const char* p : {"/etc/apt/sources.list", "etc/apt/sources.list.d/x.list", "/etc/apt/sources.list.d/debian.sources",
                        "/etc/apt/apt.conf", "/etc/apt/apt.conf.d/99insecure", "/etc/yum.conf", "/etc/dnf/dnf.conf",
                        "/etc/yum.repos.d/epel.repo", "/etc/zypp/repos.d/oss.repo", "/etc/rpm/macros.verify", "/etc/pip.conf",
                        "/root/.config/pip/pip.conf", "./home/app/.pip/pip.conf"})
    EXPECT_TRUE(package_config_file(p, 100)) << p;
  for (const char* p : {"/etc/apt/sources.list.d/x.list.save", "/etc/apt/sources.list.d/sub/x.list", "/etc/yum.repos.d/x.txt",
                        "/etc/passwd", "/usr/share/doc/apt/sources.list"})
    EXPECT_FALSE(package_config_file(p, 100)) << p;
  EXPECT_FALSE(package_config_file("/etc/apt/sources.list", 0));
  EXPECT_FALSE(package_config_file("/etc/apt/sources.list", k_package_config_limit + 1));
}

TEST(TrustPackageSources, OneLineSourcesTrustedYesFails) {
  const auto found = scan_package_config("/etc/apt/sources.list",
                                         "# deb [trusted=yes] http://commented/ x main\n"
                                         "deb [signed-by=/usr/share/keyrings/k.gpg] http://deb.debian.org/debian bookworm main\n"
                                         "deb [arch=amd64 trusted=yes] http://repo.example/ stable main\n"
                                         "deb-src [allow-insecure=yes] http://repo.example/ stable main\n"
                                         "deb [trusted=no] http://ok.example/ stable main\n");
  ASSERT_EQ(found.size(), 2U);
  EXPECT_EQ(found[0].line, 3);
  EXPECT_THAT(found[0].detail, HasSubstr("[trusted=yes] on `deb [arch=amd64 trusted=yes] http://repo.example/ stable main`"));
  EXPECT_EQ(found[1].line, 4);
  EXPECT_THAT(found[1].detail, HasSubstr("allow-insecure=yes"));
}

TEST(TrustPackageSources, Deb822TrustedYesFailsUnlessDisabled) {
  const auto found = scan_package_config("/etc/apt/sources.list.d/x.sources",
                                         "Types: deb\nURIs: http://repo.example/\nSuites: stable\nTrusted: yes\n\n"
                                         "Types: deb\nURIs: http://off.example/\nTrusted: yes\nEnabled: no\n\n"
                                         "Types: deb\nURIs: http://deb.debian.org/debian\nSigned-By: /usr/share/keyrings/k.gpg\n");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].line, 4);
  EXPECT_EQ(found[0].detail, "Trusted: yes for URIs: http://repo.example/");
}

TEST(TrustPackageSources, AptConfAllowUnauthenticatedInEverySpelling) {
  auto found = scan_package_config("/etc/apt/apt.conf.d/99x", "APT::Get::AllowUnauthenticated \"true\";\n");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].detail, "APT::Get::AllowUnauthenticated \"true\"");
  found = scan_package_config("/etc/apt/apt.conf",
                              "// a comment\n/* block\n comment */\nAPT {\n  Get {\n    AllowUnauthenticated \"1\";\n  };\n};\n"
                              "Acquire::https::repo.example::Verify-Peer \"false\";\nAcquire::Retries \"3\";\n"
                              "#clear APT::Update;\n");
  ASSERT_EQ(found.size(), 2U);
  EXPECT_EQ(found[0].line, 6);
  EXPECT_EQ(found[0].detail, "APT::Get::AllowUnauthenticated \"1\"");
  EXPECT_EQ(found[1].line, 9);
  EXPECT_THAT(found[1].detail, HasSubstr("Verify-Peer"));
  EXPECT_TRUE(scan_package_config("/etc/apt/apt.conf.d/ok", "APT::Get::AllowUnauthenticated \"false\";\n"
                                                            "APT::Install-Recommends \"0\";\n")
                  .empty());
}

TEST(TrustPackageSources, RepoGpgcheckZeroFailsUnlessDisabled) {
  const auto found = scan_package_config("/etc/yum.repos.d/x.repo",
                                         "[signed]\nbaseurl=http://a/\ngpgcheck=1\n\n"
                                         "[unsigned]\nbaseurl=http://b/\ngpgcheck = 0\n\n"
                                         "[off]\nenabled=0\ngpgcheck=0\n");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].line, 7);
  EXPECT_EQ(found[0].detail, "gpgcheck=0 in [unsigned]");
  const auto main = scan_package_config("/etc/dnf/dnf.conf", "[main]\ngpgcheck=False\nsslverify=1\n");
  ASSERT_EQ(main.size(), 1U);
  EXPECT_EQ(main[0].detail, "gpgcheck=False in [main]");
}

TEST(TrustPackageSources, PipTrustedHostAndRpmMacros) {
  const auto pip = scan_package_config("/etc/pip.conf", "[global]\nindex-url = http://pypi.example/simple\ntrusted-host =\n"
                                                         "    pypi.example\n    other.example\n");
  ASSERT_EQ(pip.size(), 1U);
  EXPECT_EQ(pip[0].detail, "trusted-host = pypi.example other.example in [global]");
  EXPECT_TRUE(scan_package_config("/etc/pip.conf", "[global]\ntimeout = 60\n").empty());
  const auto rpm = scan_package_config("/etc/rpm/macros.verify", "%_pkgverify_level none\n");
  ASSERT_EQ(rpm.size(), 1U);
  EXPECT_TRUE(scan_package_config("/etc/rpm/macros.verify", "%_pkgverify_level signature\n").empty());
}

TEST(TrustPackageSources, MalformedInputGivesNothingOrBoundedFindings) {
  EXPECT_TRUE(scan_package_config("/etc/apt/apt.conf", std::string(200, '{')).empty());
  EXPECT_TRUE(scan_package_config("/etc/apt/apt.conf", "\"unterminated").empty());
  EXPECT_TRUE(scan_package_config("/etc/apt/sources.list", "deb [trusted=yes http://x/ a b\n").empty());
  EXPECT_TRUE(scan_package_config("/etc/yum.repos.d/a.repo", "[broken\ngpgcheck\n").empty());
}

TEST(TrustPackageSources, FixturesOfTheFuzzSeedsEachFail) {
  const std::pair<const char*, const char*> files[] = {
      {"sources.list", "/etc/apt/sources.list"}, {"repo.sources", "/etc/apt/sources.list.d/repo.sources"},
      {"apt.conf", "/etc/apt/apt.conf.d/99insecure"}, {"epel.repo", "/etc/yum.repos.d/epel.repo"},
      {"pip.conf", "/etc/pip.conf"}, {"macros.verify", "/etc/rpm/macros.verify"}};
  for (const auto& [name, path] : files) {
    std::ifstream in(std::string(DRYDOCK_TEST_DATA) + "/package-sources/" + name, std::ios::binary);
    ASSERT_TRUE(in) << name;
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_FALSE(scan_package_config(path, text.str()).empty()) << name;
  }
}

}  // namespace
}  // namespace drydock::parse
