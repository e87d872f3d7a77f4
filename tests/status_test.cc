#include "core/status.h"

#include <gtest/gtest.h>

namespace listbench {
namespace {

TEST(StatusTest, CodesAndStrings) {
  EXPECT_TRUE(Status::OK().ok());
  Status s = Status::NotFound("listing 7");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.ToString(), "not_found: listing 7");
  StatusOr<int> v(3);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 3);
  StatusOr<int> e(Status::Conflict("x"));
  EXPECT_TRUE(e.status().IsConflict());
}

}  // namespace
}  // namespace listbench
