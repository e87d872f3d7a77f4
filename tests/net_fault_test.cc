// Network faults (sim/net_fault.h, sim/link_proxy.h, sim/net_scenario.h): a
// link proxy in front of a tiny echo server on a Unix socket passes bytes
// through unchanged, delays them, holds them through a partition and
// releases them at the heal, resets connections on a drop, and stops
// promptly; the plan's decisions replay by seed; failover scenario files
// reject what they do not understand with one line naming the file.
#include "sim/net_fault.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim/link_proxy.h"
#include "sim/net_scenario.h"
#include "sim/scenario.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A short private directory for sockets (sun_path holds 107 bytes).
class SocketDir {
 public:
  SocketDir() {
    char tmpl[] = "/tmp/lbnt-XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    EXPECT_NE(d, nullptr);
    path_ = d == nullptr ? "/tmp" : d;
  }
  ~SocketDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

int ConnectUnixFd(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t w = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

// What a receive saw: the bytes, and whether it ended at an end of stream
// (or error) or at the timeout.
struct Received {
  std::string data;
  bool eof = false;
  bool timed_out = false;
};

// Reads until `n` bytes, end of stream, an error or `timeout`.
Received ReceiveN(int fd, size_t n, milliseconds timeout) {
  Received r;
  const auto deadline = Clock::now() + timeout;
  char buf[65536];
  while (r.data.size() < n) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      r.timed_out = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t got = ::read(fd, buf, std::min(sizeof(buf), n - r.data.size()));
    if (got <= 0) {
      r.eof = true;
      break;
    }
    r.data.append(buf, static_cast<size_t>(got));
  }
  return r;
}

// Echoes every byte back on every connection; closes a connection at its
// end of stream.
class EchoServer {
 public:
  explicit EchoServer(const std::string& path) : path_(path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_, 64), 0);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~EchoServer() {
    stop_ = true;
    acceptor_.join();
    {
      std::lock_guard<std::mutex> l(mu_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (std::thread& t : echoers_) t.join();
    for (int fd : fds_) ::close(fd);
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  int accepted() const { return accepted_; }

 private:
  void AcceptLoop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++accepted_;
      std::lock_guard<std::mutex> l(mu_);
      fds_.push_back(c);
      echoers_.emplace_back([c] {
        char buf[65536];
        for (;;) {
          const ssize_t n = ::read(c, buf, sizeof(buf));
          if (n <= 0 || !SendAll(c, std::string(buf, static_cast<size_t>(n)))) break;
        }
        ::shutdown(c, SHUT_RDWR);
      });
    }
  }

  const std::string path_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> fds_;
  std::list<std::thread> echoers_;
};

// An echo server behind a proxy of link "client".
struct Rig {
  explicit Rig(NetFaultPlan* plan) : echo(dir.Sub("echo")) {
    StatusOr<std::unique_ptr<LinkProxy>> p =
        LinkProxy::Start(dir.Sub("proxy"), dir.Sub("echo"), "client", plan);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (p.ok()) proxy = std::move(*p);
  }
  int Connect() const { return ConnectUnixFd(dir.Sub("proxy")); }

  SocketDir dir;
  EchoServer echo;
  std::unique_ptr<LinkProxy> proxy;
};

NetFaultRule Rule(NetFaultKind kind, const std::string& link) {
  NetFaultRule r;
  r.kind = kind;
  r.link = link;
  return r;
}

TEST(NetFaultProxyTest, BytesPassThroughUnchangedBothWays) {
  for (bool with_plan : {false, true}) {
    NetFaultPlan plan(1, {});
    Rig rig(with_plan ? &plan : nullptr);
    ASSERT_NE(rig.proxy, nullptr);
    const int fd = rig.Connect();
    ASSERT_GE(fd, 0);
    std::string all_bytes;
    for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
    ASSERT_TRUE(SendAll(fd, all_bytes));
    EXPECT_EQ(ReceiveN(fd, all_bytes.size(), milliseconds(5000)).data, all_bytes);
    // A megabyte, sent while it is echoed (so that no buffer fills up).
    std::string big(1 << 20, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
    std::thread sender([&] { EXPECT_TRUE(SendAll(fd, big)); });
    const Received r = ReceiveN(fd, big.size(), milliseconds(20000));
    sender.join();
    EXPECT_TRUE(r.data == big) << "echoed " << r.data.size() << " bytes";
    // The end of stream passes through: the echo server closes, the client
    // reads end of stream.
    ::shutdown(fd, SHUT_WR);
    EXPECT_TRUE(ReceiveN(fd, 1, milliseconds(5000)).eof);
    ::close(fd);
    rig.proxy->Stop();
    const LinkProxyStats s = rig.proxy->stats();
    EXPECT_EQ(s.connections, 1u);
    EXPECT_EQ(s.bytes, 2 * (all_bytes.size() + big.size()));
    EXPECT_EQ(s.resets, 0u);
    EXPECT_EQ(s.max_delay_ms, 0);
    EXPECT_TRUE(plan.Log().empty());
  }
}

TEST(NetFaultProxyTest, DelayedRoundTripsTakeAtLeastTheDelay) {
  NetFaultRule r = Rule(NetFaultKind::kDelay, "client");
  r.delay_ms = 15;
  NetFaultPlan plan(1, {r});
  Rig rig(&plan);
  ASSERT_NE(rig.proxy, nullptr);
  const int fd = rig.Connect();
  ASSERT_GE(fd, 0);
  constexpr int kRoundTrips = 5;
  const auto start = Clock::now();
  for (int i = 0; i < kRoundTrips; ++i) {
    const std::string msg = "ping " + std::to_string(i);
    ASSERT_TRUE(SendAll(fd, msg));
    ASSERT_EQ(ReceiveN(fd, msg.size(), milliseconds(10000)).data, msg);
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  // Both the request and the echo are delayed.
  EXPECT_GE(ms, kRoundTrips * 2 * r.delay_ms);
  ::close(fd);
  EXPECT_GE(rig.proxy->stats().max_delay_ms, r.delay_ms);
  EXPECT_GE(plan.Log().size(), 2u * kRoundTrips);
}

TEST(NetFaultProxyTest, PartitionHoldsBytesAndNewConnectionsUntilHeal) {
  NetFaultPlan plan(1, {});
  Rig rig(&plan);
  ASSERT_NE(rig.proxy, nullptr);
  const int before = rig.Connect();
  ASSERT_GE(before, 0);
  ASSERT_TRUE(SendAll(before, "hello"));
  ASSERT_EQ(ReceiveN(before, 5, milliseconds(5000)).data, "hello");
  EXPECT_EQ(rig.echo.accepted(), 1);

  plan.Partition("client");
  ASSERT_TRUE(SendAll(before, "held"));
  Received r = ReceiveN(before, 4, milliseconds(200));
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.data, "");
  // A connection made during the partition is accepted by the proxy but not
  // connected onward.
  const int during = rig.Connect();
  ASSERT_GE(during, 0);
  ASSERT_TRUE(SendAll(during, "new"));
  EXPECT_TRUE(ReceiveN(during, 3, milliseconds(200)).timed_out);
  EXPECT_EQ(rig.echo.accepted(), 1);
  // Healing another link changes nothing.
  plan.Heal("detector");
  EXPECT_TRUE(ReceiveN(before, 4, milliseconds(50)).timed_out);

  plan.Heal("client");
  EXPECT_EQ(ReceiveN(before, 4, milliseconds(5000)).data, "held");
  EXPECT_EQ(ReceiveN(during, 3, milliseconds(5000)).data, "new");
  EXPECT_EQ(rig.echo.accepted(), 2);
  ::close(before);
  ::close(during);
}

TEST(NetFaultProxyTest, SetPartitionedCutsOneProxyAlone) {
  NetFaultPlan plan(1, {});
  Rig rig(&plan);  // link "client"
  ASSERT_NE(rig.proxy, nullptr);
  StatusOr<std::unique_ptr<LinkProxy>> other =
      LinkProxy::Start(rig.dir.Sub("other"), rig.dir.Sub("echo"), "client", &plan);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  const int cut = rig.Connect();
  const int open = ConnectUnixFd(rig.dir.Sub("other"));
  ASSERT_GE(cut, 0);
  ASSERT_GE(open, 0);
  rig.proxy->SetPartitioned(true);
  ASSERT_TRUE(SendAll(cut, "cut"));
  ASSERT_TRUE(SendAll(open, "open"));
  EXPECT_EQ(ReceiveN(open, 4, milliseconds(5000)).data, "open");
  EXPECT_TRUE(ReceiveN(cut, 3, milliseconds(200)).timed_out);
  rig.proxy->SetPartitioned(false);
  EXPECT_EQ(ReceiveN(cut, 3, milliseconds(5000)).data, "cut");
  ::close(cut);
  ::close(open);
}

TEST(NetFaultProxyTest, DropOneInOneResetsOnTheFirstChunk) {
  NetFaultRule r = Rule(NetFaultKind::kDrop, "*");
  r.one_in = 1;
  NetFaultPlan plan(1, {r});
  Rig rig(&plan);
  ASSERT_NE(rig.proxy, nullptr);
  const int fd = rig.Connect();
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "x"));
  const Received got = ReceiveN(fd, 1, milliseconds(5000));
  EXPECT_TRUE(got.eof);
  EXPECT_EQ(got.data, "");
  ::close(fd);
  EXPECT_EQ(rig.proxy->stats().resets, 1u);
  EXPECT_EQ(plan.Log(), std::vector<std::string>{"client 0 reset"});
}

TEST(NetFaultProxyTest, StopIsPromptWhileHeldByAPartitionOrADelay) {
  for (bool partition : {true, false}) {
    NetFaultRule slow = Rule(NetFaultKind::kDelay, "client");
    slow.delay_ms = 30000;
    NetFaultPlan plan(1, partition ? std::vector<NetFaultRule>{} : std::vector<NetFaultRule>{slow});
    Rig rig(&plan);
    ASSERT_NE(rig.proxy, nullptr);
    const int established = rig.Connect();
    ASSERT_GE(established, 0);
    if (partition) {
      ASSERT_TRUE(SendAll(established, "a"));
      ASSERT_EQ(ReceiveN(established, 1, milliseconds(5000)).data, "a");
      plan.Partition("*");
    }
    ASSERT_TRUE(SendAll(established, "held"));
    const int held = rig.Connect();
    ASSERT_GE(held, 0);
    ASSERT_TRUE(SendAll(held, "held too"));
    std::this_thread::sleep_for(milliseconds(100));  // the proxy has read both
    const auto start = Clock::now();
    rig.proxy->Stop();
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    EXPECT_LT(ms, 2000) << (partition ? "partitioned" : "delayed");
    // Both clients see their connections end.
    EXPECT_TRUE(ReceiveN(established, 1, milliseconds(5000)).eof);
    EXPECT_TRUE(ReceiveN(held, 1, milliseconds(5000)).eof);
    ::close(established);
    ::close(held);
  }
}

TEST(NetFaultProxyTest, RefusedTargetClosesTheClient) {
  SocketDir dir;
  NetFaultPlan plan(1, {});
  StatusOr<std::unique_ptr<LinkProxy>> p =
      LinkProxy::Start(dir.Sub("proxy"), dir.Sub("nobody"), "client", &plan);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const int fd = ConnectUnixFd(dir.Sub("proxy"));
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(ReceiveN(fd, 1, milliseconds(5000)).eof);
  ::close(fd);
  (*p)->Stop();
  EXPECT_EQ((*p)->stats().connect_failures, 1u);
  // A path that does not fit sockaddr_un is refused up front.
  EXPECT_FALSE(
      LinkProxy::Start("/tmp/" + std::string(200, 'x'), dir.Sub("nobody"), "c", &plan).ok());
}

// The decisions for chunks 0..n-1 of two links, logged.
std::vector<std::string> Replay(uint64_t seed, const std::vector<NetFaultRule>& rules, int n) {
  NetFaultPlan plan(seed, rules);
  for (int i = 0; i < n; ++i) {
    plan.Decide("client", static_cast<uint64_t>(i));
    plan.Decide("replication", static_cast<uint64_t>(i));
  }
  return plan.Log();
}

TEST(NetFaultPlanTest, SameSeedReplaysTheLogAnotherSeedDiffers) {
  NetFaultRule jitter = Rule(NetFaultKind::kDelay, "*");
  jitter.delay_ms = 1;
  jitter.jitter_ms = 4;
  NetFaultRule drop = Rule(NetFaultKind::kDrop, "client");
  drop.one_in = 5;
  const std::vector<NetFaultRule> rules = {jitter, drop};
  const std::vector<std::string> a = Replay(42, rules, 200);
  EXPECT_EQ(a.size(), 400u);  // every chunk delayed (a reset is logged instead)
  EXPECT_EQ(a, Replay(42, rules, 200));
  EXPECT_NE(a, Replay(43, rules, 200));
  // Roughly one client chunk in five is reset; the replication link has no
  // drop rule.
  int resets = 0;
  for (const std::string& e : a) {
    if (e.find(" reset") != std::string::npos) {
      ++resets;
      EXPECT_EQ(e.rfind("client ", 0), 0u) << e;
    }
  }
  EXPECT_GT(resets, 15);
  EXPECT_LT(resets, 70);

  // A pure function of the chunk index: asking out of order, or again,
  // gives the same answer, within [delay, delay + jitter).
  NetFaultPlan p(42, rules), q(42, rules);
  for (uint64_t i : {7u, 3u, 150u}) {
    const NetDecision x = p.Decide("replication", i);
    const NetDecision y = q.Decide("replication", i);
    EXPECT_EQ(x.delay_ms, y.delay_ms);
    EXPECT_GE(x.delay_ms, 1);
    EXPECT_LT(x.delay_ms, 5);
    EXPECT_FALSE(x.reset);
  }
  EXPECT_EQ(p.Decide("replication", 3).delay_ms, q.Decide("replication", 3).delay_ms);
}

TEST(NetFaultPlanTest, WindowsAndImperativePartitions) {
  NetFaultRule later = Rule(NetFaultKind::kDelay, "*");
  later.delay_ms = 5;
  later.from_ms = 1e8;  // not within this test
  NetFaultRule cut = Rule(NetFaultKind::kPartition, "client");
  cut.until_ms = 80;
  NetFaultPlan plan(1, {later, cut});
  plan.Start();
  EXPECT_EQ(plan.Decide("client", 0).delay_ms, 0);
  EXPECT_TRUE(plan.Partitioned("client"));
  EXPECT_FALSE(plan.Partitioned("detector"));
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_FALSE(plan.Partitioned("client"));
  EXPECT_TRUE(plan.Log().empty());

  plan.Partition("*");
  EXPECT_TRUE(plan.Partitioned("detector"));
  plan.Heal("detector");  // does not lift a partition of every link
  EXPECT_TRUE(plan.Partitioned("detector"));
  plan.Heal("*");
  EXPECT_FALSE(plan.Partitioned("detector"));
  plan.Partition("replication");
  EXPECT_TRUE(plan.Partitioned("replication"));
  EXPECT_FALSE(plan.Partitioned("client"));
  std::thread healer([&] {
    std::this_thread::sleep_for(milliseconds(20));
    plan.Heal("replication");
  });
  bool still = true;
  for (int i = 0; i < 1000 && still; ++i) {
    still = plan.WaitWhilePartitioned("replication", milliseconds(1000));
  }
  EXPECT_FALSE(still);
  healer.join();
}

TEST(NetFaultPlanTest, MalformedRulesAreRefused) {
  EXPECT_TRUE(ParseNetFaultKind("partition").ok());
  EXPECT_EQ(ParseNetFaultKind("melt").status().message(),
            "unknown network fault kind \"melt\" (delay, drop, partition)");
  NetFaultRule delay = Rule(NetFaultKind::kDelay, "*");
  EXPECT_NE(ValidateNetFaultRule(delay).message().find("needs delay_ms or jitter_ms"),
            std::string::npos);
  delay.delay_ms = -1;
  EXPECT_NE(ValidateNetFaultRule(delay).message().find("out of range"), std::string::npos);
  NetFaultRule drop = Rule(NetFaultKind::kDrop, "client");
  EXPECT_FALSE(ValidateNetFaultRule(drop).ok());
  drop.one_in = 3;
  EXPECT_TRUE(ValidateNetFaultRule(drop).ok());
  drop.delay_ms = 2;
  EXPECT_FALSE(ValidateNetFaultRule(drop).ok());
  NetFaultRule cut = Rule(NetFaultKind::kPartition, "");
  EXPECT_FALSE(ValidateNetFaultRule(cut).ok());
  cut.link = "client";
  cut.from_ms = 100;
  cut.until_ms = 50;
  EXPECT_FALSE(ValidateNetFaultRule(cut).ok());
}

std::string WriteScenario(const SocketDir& dir, const std::string& text) {
  const std::string path = dir.Sub("s.toml");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

TEST(NetScenarioTest, BadFilesAreOneLineErrorsNamingTheFile) {
  SocketDir dir;
  auto err = [&](const std::string& text) {
    const std::string path = WriteScenario(dir, text);
    StatusOr<NetScenario> s = ParseNetScenarioFile(path);
    EXPECT_FALSE(s.ok()) << text;
    const std::string m = s.ok() ? std::string() : s.status().message();
    EXPECT_EQ(m.rfind(path + ":", 0), 0u) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    return m.substr(std::min(m.size(), path.size()));
  };
  EXPECT_EQ(err("name = \"a\"\nfailure = \"kill\"\nbogus = 1\n"),
            ":3: unknown setting \"bogus\" (known: name, description, seed, failure, "
            "heal_after_ms, [[net]])");
  EXPECT_EQ(err("name = \"a\"\n[[net]]\nkind = \"melt\"\n"),
            ":3: unknown network fault kind \"melt\" (delay, drop, partition)");
  EXPECT_EQ(err("description = \"no name\"\n"), ": missing name = \"...\"");
  EXPECT_EQ(err("name = \"a\"\n[[net]]\nkind = \"delay\"\ndelay_ms = -2\n"),
            ":4: delay_ms = -2 is out of range [0, 60000]");
  EXPECT_EQ(err("name = \"a\"\n[[net]]\nkind = \"delay\"\nlink = \"client\"\nspeed = 3\n"),
            ":5: unknown net setting \"speed\" (known: kind, link, delay_ms, jitter_ms, one_in, "
            "from_ms, until_ms)");
  EXPECT_EQ(err("name = \"a\"\n[[net]]\nkind = \"drop\"\nlink = \"disk\"\none_in = 2\n"),
            ":4: link must be \"client\", \"detector\", \"replication\" or \"*\", not \"disk\"");
  EXPECT_NE(err("name = \"a\"\n[[net]]\nkind = \"drop\"\n").find("a drop needs one_in >= 1"),
            std::string::npos);
  EXPECT_EQ(err("name = \"a\"\nfailure = \"melt\"\n"),
            ":2: failure must be \"kill\", \"power_loss\" or \"partition\", not \"melt\"");
  EXPECT_EQ(err("name = \"a\"\nheal_after_ms = 5\n"),
            ":2: heal_after_ms belongs to failure = \"partition\"");
  EXPECT_EQ(err("name = \"a\"\nseed = -1\n"),
            ":2: seed = -1 is out of range [0, 4611686018427387904]");
  EXPECT_NE(err("name = \"a\"\n[[net]]\n").find("needs kind"), std::string::npos);
  EXPECT_NE(err("name = = \"a\"\n").find(":1:"), std::string::npos);
  EXPECT_EQ(ParseNetScenarioFile(dir.Sub("none.toml")).status().message(),
            dir.Sub("none.toml") + ": no such failover scenario file");
}

TEST(NetScenarioTest, AGoodFileReadsBack) {
  StatusOr<NetScenario> s = ParseNetScenarioText(
      "name = \"n\"\nseed = 9\nfailure = \"partition\"\nheal_after_ms = 700\n"
      "[[net]]\nkind = \"delay\"\nlink = \"replication\"\ndelay_ms = 1.5\njitter_ms = 2\n"
      "from_ms = 10\nuntil_ms = 20\n[[net]]\nkind = \"partition\"\nlink = \"detector\"\n",
      "n.toml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->seed, 9u);
  EXPECT_EQ(s->failure, FailoverFailure::kPartition);
  EXPECT_EQ(s->heal_after_ms, 700u);
  ASSERT_EQ(s->rules.size(), 2u);
  EXPECT_EQ(s->rules[0].kind, NetFaultKind::kDelay);
  EXPECT_EQ(s->rules[0].link, "replication");
  EXPECT_EQ(s->rules[0].delay_ms, 1.5);
  EXPECT_EQ(s->rules[0].jitter_ms, 2);
  EXPECT_EQ(s->rules[0].from_ms, 10);
  EXPECT_EQ(s->rules[0].until_ms, 20);
  EXPECT_EQ(s->rules[1].kind, NetFaultKind::kPartition);
  EXPECT_EQ(s->rules[1].link, "detector");
}

// Every shipped scenario parses with the parser its name selects:
// failover-*.toml are network scenarios, the rest drills.
TEST(NetScenarioTest, ShippedScenariosParseByKind) {
  int failover = 0;
  for (const auto& e :
       fs::directory_iterator(std::string(LISTBENCH_SOURCE_DIR) + "/sim/scenarios")) {
    if (e.path().extension() != ".toml") continue;
    const std::string stem = e.path().stem().string();
    if (stem.rfind("failover-", 0) == 0) {
      ++failover;
      StatusOr<NetScenario> s = ParseNetScenarioFile(e.path().string());
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      EXPECT_EQ(s->name, stem);
    } else {
      StatusOr<Scenario> s = ParseScenarioFile(e.path().string());
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      EXPECT_EQ(s->name, stem);
    }
  }
  EXPECT_GE(failover, 3);
}

}  // namespace
}  // namespace listbench
