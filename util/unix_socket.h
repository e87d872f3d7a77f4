// Framed messages over Unix stream sockets: the local links between the
// failover experiment's processes (clients, a primary, a replica). A frame
// is a 4-byte little-endian length and that many bytes.
//
// The directories the sockets live in come from util/socket_dir.h.
//
// Thread safety: a FramedSocket may be used by one sender thread and one
// receiver thread at once (a full-duplex link); Shutdown may be called from
// any thread to wake both. Listening sockets are accepted from one thread.
#ifndef LISTBENCH_UTIL_UNIX_SOCKET_H_
#define LISTBENCH_UTIL_UNIX_SOCKET_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace listbench {

inline constexpr size_t kMaxFrameBytes = size_t{64} << 20;

class FramedSocket {
 public:
  explicit FramedSocket(int fd) : fd_(fd) {}
  ~FramedSocket();
  FramedSocket(const FramedSocket&) = delete;
  FramedSocket& operator=(const FramedSocket&) = delete;

  // Sends one frame. IOError when the peer is gone.
  Status Send(std::string_view payload);
  // Receives one frame into *out. NotFound at a clean end of stream (the
  // peer closed between frames); IOError otherwise (a broken link, a frame
  // cut short, a length above kMaxFrameBytes, the receive timeout).
  Status Receive(std::string* out);
  // Later Receives fail with IOError after `t` without data (0: wait forever).
  Status SetReceiveTimeout(std::chrono::milliseconds t);
  // Ends the link both ways: a blocked Receive or Send on any thread
  // returns. The descriptor is closed by the destructor.
  void Shutdown();

 private:
  const int fd_;
};

// Connects to the socket at `path`. IOError names the path.
StatusOr<std::unique_ptr<FramedSocket>> ConnectUnix(const std::string& path);

// A listening socket bound at `path` (an existing file there is replaced).
class UnixListener {
 public:
  static StatusOr<std::unique_ptr<UnixListener>> Listen(const std::string& path);
  ~UnixListener();  // closes, removes the path
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;
  // The next connection. IOError after Shutdown (or a failed accept).
  StatusOr<std::unique_ptr<FramedSocket>> Accept();
  // Wakes a blocked Accept, which then fails.
  void Shutdown();

 private:
  UnixListener(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  const int fd_;
  const std::string path_;
};

}  // namespace listbench

#endif  // LISTBENCH_UTIL_UNIX_SOCKET_H_
