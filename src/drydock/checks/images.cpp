/// Image configuration checks: CIS Docker Benchmark section 4 on images.

#include <string>
#include <vector>

#include "drydock/checks/catalogue.hpp"
#include "drydock/checks/common.hpp"

namespace drydock::checks {
namespace {

using model::HostSnapshot;
using model::ImageSpec;

const std::vector<Check>& table() {
  static const std::vector<Check> checks = {
      Check{
          .id = "image.user-root",
          .cis = "4.1",
          .title = "Image runs as root by default",
          .severity = Severity::medium,
          .rationale = "Containers started from the image run as root unless every `docker run` remembers "
                       "`--user`; the image should default to an unprivileged user.",
          .remediation = "Create a user in the image and switch to it: `RUN adduser -D -u 10001 app` then "
                         "`USER 10001` in the Dockerfile.",
          .aliases = {"CIS-DI-0001"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            if (common::user_is_root(img.user)) {
              out.fail("Config.User=" + common::shown(img.user) + (img.user.empty() ? " (defaults to root)" : ""));
            } else {
              out.pass("Config.User=" + img.user);
            }
          }},
      },
      Check{
          .id = "image.healthcheck",
          .cis = "4.6",
          .title = "Image has no HEALTHCHECK",
          .severity = Severity::low,
          .rationale = "A HEALTHCHECK in the image lets the engine report whether every container started from it "
                       "is actually working.",
          .remediation = "Add a HEALTHCHECK to the Dockerfile: `HEALTHCHECK CMD curl -f http://localhost/ || exit 1`.",
          .aliases = {"CIS-DI-0006"},
          .evaluate = ImageEval{[](const ImageSpec& img, const HostSnapshot&, Results& out) {
            const std::string evidence = common::health_evidence(img.healthcheck);
            switch (common::health_state(img.healthcheck)) {
              case common::Health::set:
                out.pass(evidence);
                break;
              case common::Health::disabled:
                out.fail(evidence + " (HEALTHCHECK NONE)");
                break;
              case common::Health::absent:
                out.fail(evidence);
                break;
            }
          }},
      },
  };
  return checks;
}

}  // namespace

std::span<const Check> image_checks() { return table(); }

}  // namespace drydock::checks
