// util/child_wait.h: a bounded wait returns false while the child runs, its
// wait status once it ended, and true with status 0 for a pid that is not
// this process's child.
#include "util/child_wait.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

namespace listbench {
namespace {

using std::chrono::milliseconds;

TEST(ChildWaitTest, BoundedWhileRunningThenTheStatus) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  int status = -1;
  EXPECT_FALSE(WaitChildExit(child, milliseconds(0), &status));
  EXPECT_FALSE(WaitChildExit(child, milliseconds(50), &status));
  ::kill(child, SIGKILL);
  ASSERT_TRUE(WaitChildExit(child, milliseconds(-1), &status));
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  // Reaped already: not a child any more.
  status = -1;
  EXPECT_TRUE(WaitChildExit(child, milliseconds(50), &status));
  EXPECT_EQ(status, 0);
}

TEST(ChildWaitTest, AnExitCodeComesBack) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(3);
  int status = 0;
  ASSERT_TRUE(WaitChildExit(child, std::chrono::seconds(30), &status));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
}

}  // namespace
}  // namespace listbench
