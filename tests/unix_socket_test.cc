// util/unix_socket.h: frames cross a Unix socket whole, both ways; a clean
// end of stream, a frame cut short and an oversized length are told apart.
#include "util/unix_socket.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "util/socket_dir.h"

namespace listbench {
namespace {

class UnixSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<std::string> d = MakeSocketDir("test");
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    dir_ = *d;
    path_ = dir_ + "/s";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, path_;
};

TEST_F(UnixSocketTest, FramesCrossWholeBothWays) {
  StatusOr<std::unique_ptr<UnixListener>> l = UnixListener::Listen(path_);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  std::string big(300000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  std::thread server([&] {
    StatusOr<std::unique_ptr<FramedSocket>> s = (*l)->Accept();
    ASSERT_TRUE(s.ok());
    std::string f;
    while ((*s)->Receive(&f).ok()) ASSERT_TRUE((*s)->Send("echo:" + f).ok());
  });
  StatusOr<std::unique_ptr<FramedSocket>> c = ConnectUnix(path_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  for (const std::string& msg : {std::string(), std::string("a"), big}) {
    ASSERT_TRUE((*c)->Send(msg).ok());
    std::string got;
    ASSERT_TRUE((*c)->Receive(&got).ok());
    EXPECT_EQ(got, "echo:" + msg);
  }
  (*c)->Shutdown();
  server.join();
}

TEST_F(UnixSocketTest, CleanEndCutFrameAndOversizeAreDistinct) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  FramedSocket reader(fds[0]);
  // A length of 10 and 3 bytes, then the end: a frame cut short.
  ASSERT_EQ(::write(fds[1],
                    "\x0a\x00\x00\x00"
                    "abc",
                    7),
            7);
  ::shutdown(fds[1], SHUT_WR);
  std::string f;
  Status s = reader.Receive(&f);
  EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
  ::close(fds[1]);

  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  FramedSocket clean(fds[0]);
  ::close(fds[1]);
  EXPECT_TRUE(clean.Receive(&f).IsNotFound());

  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  FramedSocket big(fds[0]);
  ASSERT_EQ(::write(fds[1], "\xff\xff\xff\x7f", 4), 4);
  s = big.Receive(&f);
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("frame of"), std::string::npos) << s.ToString();
  ::close(fds[1]);
}

TEST_F(UnixSocketTest, ReceiveTimesOutAndConnectNamesThePath) {
  StatusOr<std::unique_ptr<UnixListener>> l = UnixListener::Listen(path_);
  ASSERT_TRUE(l.ok());
  StatusOr<std::unique_ptr<FramedSocket>> c = ConnectUnix(path_);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->SetReceiveTimeout(std::chrono::milliseconds(50)).ok());
  std::string f;
  EXPECT_EQ((*c)->Receive(&f).code(), StatusCode::kIOError);
  StatusOr<std::unique_ptr<FramedSocket>> none = ConnectUnix(dir_ + "/absent");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find(dir_ + "/absent"), std::string::npos);
  EXPECT_FALSE(ConnectUnix("/tmp/" + std::string(200, 'x')).ok());
}

}  // namespace
}  // namespace listbench
