#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "drydock/audit/report.hpp"

namespace drydock::audit {
namespace {

using core::Severity;
using core::Status;

TEST(Result, SixtyFourBytesWithTheHostInTheFindingsTailPadding) {
  // A report of 11,200 Dockerfiles holds 347,200 results: a result is one cache line.
  EXPECT_EQ(sizeof(SharedSubject), sizeof(void*));
  EXPECT_EQ(sizeof(Result), 64U);
  EXPECT_LT(sizeof(Result), sizeof(void*) * 3 + sizeof(checks::Finding) + sizeof(std::uint32_t) + sizeof(Accepted));
}

TEST(Result, WritingTheFindingOrItsLocationLeavesTheFieldsInTheirPaddingAlone) {
  Result r;
  r.host = 0xA5A5A5A5U;
  r.finding.status = Status::fail;
  r.finding.severity = Severity::high;
  r.finding.location = model::Location{"Dockerfile", 3, 1};
  r.finding.location = std::nullopt;
  r.finding.location = std::optional<model::Location>(model::Location{"compose.yaml", 12, 7});
  EXPECT_EQ(r.finding.status, Status::fail);
  EXPECT_EQ(r.finding.severity, Severity::high);
  EXPECT_EQ(r.host, 0xA5A5A5A5U);

  r.finding = checks::Finding{"evidence", model::Location{"x", 1, 2}, Status::warn, std::nullopt};
  EXPECT_EQ(r.host, 0xA5A5A5A5U);
  checks::Finding moved{"moved", std::nullopt, Status::pass, Severity::low};
  r.finding = std::move(moved);
  EXPECT_EQ(r.host, 0xA5A5A5A5U);
  EXPECT_EQ(r.finding.status, Status::pass);
  EXPECT_EQ(r.finding.severity, Severity::low);
  EXPECT_FALSE(r.finding.location);

  const Result copy = r;
  EXPECT_EQ(copy.host, 0xA5A5A5A5U);
  EXPECT_EQ(copy.finding.evidence, "moved");
}

TEST(MaybeLocation, ReadsLikeAnOptionalLocation) {
  model::MaybeLocation none;
  EXPECT_FALSE(none);
  EXPECT_FALSE(none.has_value());
  EXPECT_EQ(none.value_or(model::Location{"d", 9, 0}).line, 9);

  model::MaybeLocation at = model::Location{"Dockerfile", 4, 2};
  ASSERT_TRUE(at);
  EXPECT_EQ(at->file, "Dockerfile");
  EXPECT_EQ((*at).line, 4);
  EXPECT_EQ(at.value_or(model::Location{"d", 9, 0}).column, 2);
  at->line = 5;
  EXPECT_EQ(at->line, 5);
  at.reset();
  EXPECT_FALSE(at);

  const std::optional<model::Location> some = model::Location{"c.yaml", 1, 1};
  const std::optional<model::Location> empty;
  EXPECT_TRUE(model::MaybeLocation(some));
  EXPECT_EQ(model::MaybeLocation(some)->file, "c.yaml");
  EXPECT_FALSE(model::MaybeLocation(empty));
  EXPECT_FALSE(model::MaybeLocation(std::nullopt));
}

TEST(SharedSubject, CopiesShareOneSubjectAndADefaultOneIsEmpty) {
  const SharedSubject none;
  EXPECT_EQ(none->kind, "");
  EXPECT_EQ(subject_label(*none), "");

  const SharedSubject file(Subject{"dockerfile", "app/Dockerfile", "app/Dockerfile"});
  std::vector<SharedSubject> results(31);
  results[4] = Subject{"container", "id", "other"};
  file.copy_to(results);
  for (const auto& s : results) {
    EXPECT_EQ(&*s, &*file);  // one Subject, not 31
    EXPECT_EQ(s->name, "app/Dockerfile");
  }
  const SharedSubject copy = results[0];
  EXPECT_EQ(copy->kind, "dockerfile");
}

}  // namespace
}  // namespace drydock::audit
