// The container inspect reader (parse/engine.cpp) gives what it gave before, byte for byte:
// `drydock container --format json` over the recorded inspects of real containers
// (tests/data/inspect) and over documents of odd shapes and wrong fields, broken JSON
// included (tests/data/inspect-reader), against golden output recorded with the reader it
// replaced (the DOM one, before issue 21). Needs no engine. DRYDOCK_UPDATE_GOLDEN=1 rewrites it.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support.hpp"

namespace {

using namespace drydock_it;  // NOLINT(google-build-using-namespace): the tests' own support

/// `drydock container --format json FILES...` run from tests/data, so that paths are relative;
/// stdout, stderr and the exit status, each file's on its own.
std::string audit_files(const std::vector<std::string>& files) {
  std::vector<std::string> argv{"sh",         "-c",         "cd \"$0\" && exec \"$@\"", DRYDOCK_TEST_DATA, DRYDOCK_BIN,
                                "container",  "--format",   "json",
                                "--fail-on",  "none",       "--no-color"};
  argv.insert(argv.end(), files.begin(), files.end());
  const Proc p = run(argv);
  return "exit " + std::to_string(p.code) + "\n--- stdout\n" + p.out + "--- stderr\n" + p.err;
}

TEST(InspectReader, RecordedInspectsGiveTheSameReport) {
  const std::vector<std::string> files{
      "inspect/cap-add-all.json",     "inspect/cap-add.json",       "inspect/cap-drop-all.json",
      "inspect/cap-module.json",      "inspect/containers.json",    "inspect/cpu-shares.json",
      "inspect/custom-lsm.json",      "inspect/default.json",       "inspect/devices.json",
      "inspect/hardened.json",        "inspect/healthy.json",       "inspect/host-network.json",
      "inspect/mount-root-rw.json",   "inspect/mounts.json",        "inspect/namespaces.json",
      "inspect/no-healthcheck.json",  "inspect/ports.json",         "inspect/privileged.json",
      "inspect/publish-all.json",     "inspect/restart-always.json", "inspect/restart-on-failure-0.json",
      "inspect/restart-on-failure-10.json", "inspect/restart-unless-stopped.json", "inspect/running.json",
      "inspect/unconfined.json",      "inspect/user-0-group.json",  "inspect/user-root.json",
      "inspect/volume-only.json"};
  expect_golden("inspect-recorded.json.txt", audit_files(files));
}

TEST(InspectReader, OddShapesAndWrongFieldsGiveTheSameReport) {
  std::string out;
  for (const char* file : {"odd.json", "wrong.json", "object.json", "broken.json", "bad-escape.json", "deep.json", "number.json",
                           "trailing.json", "overflow.json"}) {
    out += "=== " + std::string(file) + "\n" + audit_files({"inspect-reader/" + std::string(file)});
  }
  expect_golden("inspect-reader.txt", out);
}

}  // namespace
