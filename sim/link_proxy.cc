#include "sim/link_proxy.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <utility>
#include <vector>

namespace listbench {

namespace {

constexpr size_t kChunkBytes = size_t{64} << 10;
// How often a held chunk re-checks a partition whose rule window may have
// closed (an imperative Heal wakes it at once).
constexpr std::chrono::milliseconds kPartitionRecheck{10};
// How often the accepting thread reaps finished connections.
constexpr int kAcceptPollMs = 50;

Status SocketError(const std::string& what, const std::string& path) {
  return Status::IOError(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

// Fills `addr` for `path`; false when the path does not fit sun_path.
bool UnixAddress(const std::string& path, sockaddr_un* addr) {
  std::memset(addr, 0, sizeof(*addr));
  addr->sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr->sun_path)) return false;
  std::memcpy(addr->sun_path, path.data(), path.size());
  return true;
}

// A connected socket to `path`, or -1 (errno set).
int ConnectTo(const std::string& path) {
  sockaddr_un addr;
  if (!UnixAddress(path, &addr)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int rc;
  do {
    rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

// Writes all of `data`; false when the peer is gone.
bool WriteAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, data, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

// One proxied connection. `main` waits out a partition, connects to the
// target and forwards client -> target; `reverse` forwards target -> client.
// The descriptors are closed only when both threads have been joined, so
// that no thread ever uses a number the kernel has handed out again.
struct LinkProxy::Conn {
  explicit Conn(int fd) : client_fd(fd) {}
  ~Conn() {
    if (target_fd >= 0) ::close(target_fd);
    ::close(client_fd);
  }

  const int client_fd;
  int target_fd = -1;  // guarded by m
  std::mutex m;
  std::condition_variable cv;         // Close wakes delays
  std::atomic<bool> closed{false};    // written under m
  std::atomic<bool> finished{false};  // main (and so reverse) is done
  std::thread main;
  std::thread reverse;  // started by main under m
};

StatusOr<std::unique_ptr<LinkProxy>> LinkProxy::Start(const std::string& listen_path,
                                                      const std::string& target_path,
                                                      std::string link, NetFaultPlan* plan) {
  sockaddr_un addr;
  if (!UnixAddress(listen_path, &addr)) {
    return Status::IOError(fmt::format("listen {}: the path must be 1 to {} bytes", listen_path,
                                       sizeof(addr.sun_path) - 1));
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return SocketError("socket for", listen_path);
  ::unlink(listen_path.c_str());
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    Status st = SocketError("listen", listen_path);
    ::close(fd);
    return st;
  }
  std::unique_ptr<LinkProxy> p(new LinkProxy(fd, listen_path, target_path, std::move(link), plan));
  p->acceptor_ = std::thread(&LinkProxy::AcceptLoop, p.get());
  return p;
}

LinkProxy::LinkProxy(int listen_fd, std::string listen_path, std::string target_path,
                     std::string link, NetFaultPlan* plan)
    : listen_fd_(listen_fd),
      listen_path_(std::move(listen_path)),
      target_path_(std::move(target_path)),
      link_(std::move(link)),
      plan_(plan) {}

LinkProxy::~LinkProxy() { Stop(); }

void LinkProxy::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept() on Linux; the poll times out anyway
  if (acceptor_.joinable()) acceptor_.join();
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const std::unique_ptr<Conn>& c : conns_) Close(c.get());
  }
  Reap(/*all=*/true);
  ::close(listen_fd_);
  ::unlink(listen_path_.c_str());
}

LinkProxyStats LinkProxy::stats() const {
  std::lock_guard<std::mutex> l(mu_);
  return stats_;
}

void LinkProxy::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, kAcceptPollMs);
    Reap(/*all=*/false);
    if (ready <= 0 || stopping_) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_) {
      ::close(fd);
      break;
    }
    ++stats_.connections;
    conns_.push_back(std::make_unique<Conn>(fd));
    Conn* c = conns_.back().get();
    c->main = std::thread(&LinkProxy::RunConnection, this, c);
  }
}

void LinkProxy::Reap(bool all) {
  std::list<std::unique_ptr<Conn>> done;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto it = conns_.begin(); it != conns_.end();) {
      auto next = std::next(it);
      if (all || (*it)->finished) done.splice(done.end(), conns_, it);
      it = next;
    }
  }
  // Joined outside mu_: the connection's threads take it for the stats.
  for (const std::unique_ptr<Conn>& c : done) {
    if (c->main.joinable()) c->main.join();
  }
}

void LinkProxy::Close(Conn* c) {
  {
    std::lock_guard<std::mutex> l(c->m);
    c->closed = true;
    ::shutdown(c->client_fd, SHUT_RDWR);
    if (c->target_fd >= 0) ::shutdown(c->target_fd, SHUT_RDWR);
  }
  c->cv.notify_all();
}

void LinkProxy::RunConnection(Conn* c) {
  int target = -1;
  if (HoldWhilePartitioned(c)) target = ConnectTo(target_path_);
  if (target < 0) {
    if (!c->closed) {
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.connect_failures;
    }
    Close(c);
    c->finished = true;
    return;
  }
  {
    std::lock_guard<std::mutex> l(c->m);
    c->target_fd = target;
    if (c->closed) {
      ::shutdown(target, SHUT_RDWR);
    } else {
      c->reverse = std::thread(&LinkProxy::Forward, this, c, target, c->client_fd);
    }
  }
  Forward(c, c->client_fd, target);
  if (c->reverse.joinable()) c->reverse.join();
  c->finished = true;
}

void LinkProxy::SetPartitioned(bool cut) {
  {
    std::lock_guard<std::mutex> l(cut_mu_);
    cut_ = cut;
  }
  cut_cv_.notify_all();
}

bool LinkProxy::HoldWhilePartitioned(Conn* c) {
  while (!c->closed) {
    if (cut_) {
      std::unique_lock<std::mutex> l(cut_mu_);
      cut_cv_.wait_for(l, kPartitionRecheck, [this] { return !cut_; });
    } else if (plan_ == nullptr || !plan_->WaitWhilePartitioned(link_, kPartitionRecheck)) {
      break;
    }
  }
  return !c->closed;
}

bool LinkProxy::WaitDelay(Conn* c, std::chrono::steady_clock::time_point until) {
  std::unique_lock<std::mutex> l(c->m);
  c->cv.wait_until(l, until, [c] { return c->closed.load(); });
  return !c->closed;
}

void LinkProxy::Forward(Conn* c, int from, int to) {
  std::vector<char> buf(kChunkBytes);
  for (;;) {
    const ssize_t n = ::read(from, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      ::shutdown(to, SHUT_WR);  // pass the end of stream on
      return;
    }
    if (n < 0) break;  // a broken side breaks the connection
    const auto read_at = std::chrono::steady_clock::now();
    const uint64_t chunk = next_chunk_.fetch_add(1);
    const NetDecision d = plan_ == nullptr ? NetDecision{} : plan_->Decide(link_, chunk);
    {
      std::lock_guard<std::mutex> l(mu_);
      ++stats_.chunks;
      if (d.reset) ++stats_.resets;
      stats_.max_delay_ms = std::max(stats_.max_delay_ms, d.delay_ms);
    }
    if (d.reset) break;
    if (d.delay_ms > 0 &&
        !WaitDelay(c, read_at + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double, std::milli>(d.delay_ms)))) {
      return;
    }
    if (!HoldWhilePartitioned(c)) return;
    if (!WriteAll(to, buf.data(), static_cast<size_t>(n))) break;
    std::lock_guard<std::mutex> l(mu_);
    stats_.bytes += static_cast<uint64_t>(n);
  }
  Close(c);
}

}  // namespace listbench
