// Workload files: the shipped ones parse, and each kind of bad file gets one
// error line naming the file, the line and the problem.
#include "workloads/workload_spec.h"

#include <gtest/gtest.h>

namespace listbench {
namespace {

std::string Error(const std::string& text) {
  StatusOr<WorkloadSpec> w = ParseWorkloadText(text, "w.toml");
  EXPECT_FALSE(w.ok()) << text;
  if (w.ok()) return "";
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.status().message().find('\n'), std::string::npos);
  return std::string(w.status().message());
}

TEST(WorkloadSpecTest, ShippedWorkloadsParse) {
  for (const char* name : {"browse", "landlord", "checkout", "mixed"}) {
    const std::string path = std::string(LISTBENCH_SOURCE_DIR) + "/workloads/" + name + ".toml";
    StatusOr<WorkloadSpec> w = ParseWorkloadFile(path);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_EQ(w->name, name);
    EXPECT_GT(w->operations, 0u);
  }
  StatusOr<WorkloadSpec> w =
      ParseWorkloadFile(std::string(LISTBENCH_SOURCE_DIR) + "/workloads/landlord.toml");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->keys.distribution, KeyDistribution::kHotspot);
  EXPECT_EQ(w->mix[static_cast<int>(OpKind::kLandlordPortfolio)], 30);
  EXPECT_EQ(w->mix[static_cast<int>(OpKind::kSearch)], 0);
}

TEST(WorkloadSpecTest, FullSpec) {
  StatusOr<WorkloadSpec> w = ParseWorkloadText(R"(name = "x"
duration_s = 2.5
warmup = 7
threads = 2
target_rate = 1000
[mix]
search = 1.5
[keys]
distribution = "zipfian"
theta = 0.8
)",
                                               "w.toml");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->duration_s, 2.5);
  EXPECT_EQ(w->operations, 0u);
  EXPECT_EQ(w->warmup, 7u);
  EXPECT_EQ(w->threads, 2);
  EXPECT_EQ(w->target_rate, 1000);
  EXPECT_EQ(w->mix[static_cast<int>(OpKind::kSearch)], 1.5);
  EXPECT_EQ(w->keys.theta, 0.8);
}

TEST(WorkloadSpecTest, BadFilesNameFileLineAndProblem) {
  const std::string head = "name = \"x\"\noperations = 10\n";
  EXPECT_EQ(Error(head + "[mix]\nserch = 3\n"),
            "w.toml:4: unknown operation \"serch\" in [mix] (known: listing_detail, "
            "landlord_portfolio, search, applicant_profile, listing_applications, "
            "submit_application, record_payment, update_listing, add_listing, "
            "decide_application)");
  EXPECT_EQ(Error(head + "[mix]\nsearch = -1\n"),
            "w.toml:4: mix.search = -1 is out of range [0, 1000000000]");
  EXPECT_EQ(Error(head + "[mix]\nsearch = \"lots\"\n"), "w.toml:4: mix.search must be a number");
  EXPECT_EQ(Error(head + "[mix]\nsearch = 0\n"),
            "w.toml:3: [mix] needs at least one positive weight");
  EXPECT_EQ(Error(head + "[mix]\nsearch = 1\n[keys]\ndistribution = \"zipf\"\n"),
            "w.toml:6: unknown distribution \"zipf\" (known: uniform, zipfian, latest, hotspot)");
  EXPECT_EQ(Error(head + "thread = 2\n[mix]\nsearch = 1\n").substr(0, 36),
            "w.toml:3: unknown setting \"thread\" (");
  EXPECT_EQ(Error("name = \"x\"\noperations = 0\n[mix]\nsearch = 1\n"),
            "w.toml:2: operations = 0 must be at least 1");
  EXPECT_EQ(Error("name = \"x\"\n[mix]\nsearch = 1\n"),
            "w.toml: give exactly one of operations = N or duration_s = S");
  EXPECT_EQ(Error("operations = 5\n[mix]\nsearch = 1\n"), "w.toml: missing name = \"...\"");
  // Not TOML at all: the parser's own message, with the line.
  EXPECT_EQ(Error(head + "[mix\nsearch = 1\n").substr(0, 10), "w.toml:3: ");
}

TEST(WorkloadSpecTest, ArrivalsAreForAnOpenLoop) {
  const std::string head = "name = \"x\"\noperations = 10\n";
  StatusOr<WorkloadSpec> w = ParseWorkloadText(
      head + "target_rate = 50\narrivals = \"poisson\"\n[mix]\nsearch = 1\n", "w.toml");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->arrivals, Arrivals::kPoisson);
  w = ParseWorkloadText(head + "target_rate = 50\n[mix]\nsearch = 1\n", "w.toml");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->arrivals, Arrivals::kUniform);
  EXPECT_EQ(Error(head + "arrivals = \"uniform\"\n[mix]\nsearch = 1\n"),
            "w.toml:3: arrivals applies to an open loop only: set target_rate > 0 or remove it");
  EXPECT_EQ(Error(head + "target_rate = 5\narrivals = \"bursty\"\n[mix]\nsearch = 1\n"),
            "w.toml:4: unknown arrivals \"bursty\" (known: uniform, poisson)");
  EXPECT_EQ(Error(head + "threads = 257\n[mix]\nsearch = 1\n"),
            "w.toml:3: threads must be at most 256");
}

TEST(WorkloadSpecTest, MissingFile) {
  StatusOr<WorkloadSpec> w = ParseWorkloadFile("/nonexistent/w.toml");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().message(), "/nonexistent/w.toml: no such workload file");
}

}  // namespace
}  // namespace listbench
