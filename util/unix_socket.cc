#include "util/unix_socket.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "util/posix_file.h"

namespace listbench {
namespace {

Status FillAddress(const std::string& path, sockaddr_un* a) {
  std::memset(a, 0, sizeof(*a));
  a->sun_family = AF_UNIX;
  if (path.size() >= sizeof(a->sun_path)) {
    return Status::InvalidArgument(
        fmt::format("{}: a socket path longer than {} bytes", path, sizeof(a->sun_path) - 1));
  }
  std::memcpy(a->sun_path, path.data(), path.size());
  return Status::OK();
}

// Reads exactly n bytes. NotFound: end of stream before the first byte.
Status ReadExactly(int fd, char* p, size_t n, bool at_frame_start) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::recv(fd, p + got, n - got, 0);
    if (r > 0) {
      got += static_cast<size_t>(r);
    } else if (r == 0) {
      if (got == 0 && at_frame_start) return Status::NotFound("socket: end of stream");
      return Status::IOError("socket: the peer closed the link within a frame");
    } else if (errno != EINTR) {
      return PosixError("socket: receive", errno);
    }
  }
  return Status::OK();
}

Status SendExactly(int fd, const char* p, size_t n) {
  size_t sent = 0;
  while (sent < n) {
    const ssize_t r = ::send(fd, p + sent, n - sent, MSG_NOSIGNAL);
    if (r >= 0) {
      sent += static_cast<size_t>(r);
    } else if (errno != EINTR) {
      return PosixError("socket: send", errno);
    }
  }
  return Status::OK();
}

}  // namespace

FramedSocket::~FramedSocket() { ::close(fd_); }

Status FramedSocket::Send(std::string_view payload) {
  if (payload.size() > kMaxFrameBytes) {
    return Status::InvalidArgument(fmt::format("socket: a frame of {} bytes", payload.size()));
  }
  std::string buf(4 + payload.size(), '\0');
  const uint32_t n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i)
    buf[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
  std::memcpy(buf.data() + 4, payload.data(), payload.size());
  return SendExactly(fd_, buf.data(), buf.size());
}

Status FramedSocket::Receive(std::string* out) {
  unsigned char len[4];
  LB_RETURN_IF_ERROR(ReadExactly(fd_, reinterpret_cast<char*>(len), 4, true));
  const uint32_t n =
      uint32_t{len[0]} | uint32_t{len[1]} << 8 | uint32_t{len[2]} << 16 | uint32_t{len[3]} << 24;
  if (n > kMaxFrameBytes) return Status::IOError(fmt::format("socket: a frame of {} bytes", n));
  out->resize(n);
  if (n == 0) return Status::OK();
  return ReadExactly(fd_, out->data(), n, false);
}

Status FramedSocket::SetReceiveTimeout(std::chrono::milliseconds t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) {
    return PosixError("socket: SO_RCVTIMEO", errno);
  }
  return Status::OK();
}

void FramedSocket::Shutdown() { ::shutdown(fd_, SHUT_RDWR); }

StatusOr<std::unique_ptr<FramedSocket>> ConnectUnix(const std::string& path) {
  sockaddr_un a;
  LB_RETURN_IF_ERROR(FillAddress(path, &a));
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return PosixError(path + ": socket", errno);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof(a)) != 0) {
    const int err = errno;
    ::close(fd);
    return PosixError(path + ": connect", err);
  }
  return std::make_unique<FramedSocket>(fd);
}

StatusOr<std::unique_ptr<UnixListener>> UnixListener::Listen(const std::string& path) {
  sockaddr_un a;
  LB_RETURN_IF_ERROR(FillAddress(path, &a));
  ::unlink(path.c_str());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return PosixError(path + ": socket", errno);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof(a)) != 0 || ::listen(fd, 64) != 0) {
    const int err = errno;
    ::close(fd);
    return PosixError(path + ": bind/listen", err);
  }
  return std::unique_ptr<UnixListener>(new UnixListener(fd, path));
}

UnixListener::~UnixListener() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

StatusOr<std::unique_ptr<FramedSocket>> UnixListener::Accept() {
  for (;;) {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) return std::make_unique<FramedSocket>(fd);
    if (errno != EINTR) return PosixError(path_ + ": accept", errno);
  }
}

void UnixListener::Shutdown() { ::shutdown(fd_, SHUT_RDWR); }

}  // namespace listbench
