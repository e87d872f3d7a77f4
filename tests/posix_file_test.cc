// util/posix_file.h: an atomic replacement writes the whole new content, and
// a private file (0600) is created private, even over a temp file an
// earlier run left with wider permissions.
#include "util/posix_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/store_test_util.h"

namespace listbench {
namespace {

mode_t ModeOf(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

TEST(PosixFileTest, APrivateFileIsPrivateFromItsCreation) {
  testing::TempDir tmp;
  const std::string path = tmp.Sub("pg-server");
  std::ofstream(path + ".tmp") << "stale";
  ASSERT_EQ(::chmod((path + ".tmp").c_str(), 0644), 0);
  // The temp file as it stands just before the rename.
  mode_t before_rename = 0;
  ASSERT_TRUE(WriteFileAtomically(
                  path, "db\nhost=x password=secret\n",
                  [&] { before_rename = ModeOf(path + ".tmp"); }, 0600)
                  .ok());
  EXPECT_EQ(before_rename, 0600u);
  EXPECT_EQ(ModeOf(path), 0600u);
  std::string got;
  ASSERT_TRUE(ReadWholeFile(path, &got).ok());
  EXPECT_EQ(got, "db\nhost=x password=secret\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

}  // namespace
}  // namespace listbench
