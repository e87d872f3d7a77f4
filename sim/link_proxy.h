// LinkProxy: a byte-level forwarder for one Unix stream link that applies a
// NetFaultPlan's decisions (sim/net_fault.h). It listens at one path and,
// for every connection accepted there, connects to the target path and
// forwards bytes both ways, knowing nothing of the protocol (the failover
// experiment's framed messages and PostgreSQL's wire protocol alike).
//
// Per chunk (the bytes of one read, up to 64 KiB), in each direction:
//   * the chunk gets the next index of the link's chunks and the plan's
//     decision for it;
//   * reset: both sides of the connection are shut down (the peers read end
//     of stream, or ECONNRESET when unread data is discarded);
//   * delay: the chunk is written no earlier than delay_ms after it was
//     read. A direction forwards one chunk at a time, so order is kept and a
//     chunk also waits for the ones ahead of it;
//   * partition: while the link is partitioned the chunk is held, not lost,
//     and flows after the heal (as TCP retransmits after a partition heals).
//     A connection accepted during a partition is held too: it is connected
//     onward only after the heal.
// An end of stream in one direction is passed on as a half-close
// (shutdown(SHUT_WR)); a connection whose target refuses is closed.
//
// Threads: one accepting thread, and two per connection (one per
// direction). Stop() (and the destructor) shuts every socket down and joins
// every thread promptly, also while connections are held by a partition.
//
// Thread safety: stats(), SetPartitioned() and Stop() may be called from any
// thread.
#ifndef LISTBENCH_SIM_LINK_PROXY_H_
#define LISTBENCH_SIM_LINK_PROXY_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"
#include "sim/net_fault.h"

namespace listbench {

struct LinkProxyStats {
  uint64_t connections = 0;       // accepted
  uint64_t connect_failures = 0;  // the target refused: the client was closed
  uint64_t chunks = 0;            // read, both directions
  uint64_t bytes = 0;             // forwarded, both directions
  uint64_t resets = 0;            // connections reset by a drop decision
  double max_delay_ms = 0;        // the largest delay applied to a chunk
};

class LinkProxy {
 public:
  // Listens at `listen_path` (an existing file there is replaced; the path
  // must fit sockaddr_un) and forwards to `target_path` under `plan` (may be
  // null: no faults; else it must outlive the proxy), naming the link `link`
  // in the plan. IOError naming the path when it cannot listen.
  static StatusOr<std::unique_ptr<LinkProxy>> Start(const std::string& listen_path,
                                                    const std::string& target_path,
                                                    std::string link, NetFaultPlan* plan);
  ~LinkProxy();  // Stop()
  LinkProxy(const LinkProxy&) = delete;
  LinkProxy& operator=(const LinkProxy&) = delete;

  // Closes the listener and every connection, joins every thread and removes
  // the listening path. Idempotent.
  void Stop();

  // Cuts (true) or restores (false) this proxy alone, whatever the plan
  // says of its link: held exactly as by a partition of the link. For a
  // driver whose nodes' links share names (the old primary's "client" link
  // partitioned while the promoted replica's is not).
  void SetPartitioned(bool cut);

  const std::string& link() const { return link_; }
  const std::string& listen_path() const { return listen_path_; }
  LinkProxyStats stats() const;

 private:
  struct Conn;

  LinkProxy(int listen_fd, std::string listen_path, std::string target_path, std::string link,
            NetFaultPlan* plan);
  void AcceptLoop();
  void Reap(bool all);  // joins finished connections (all: every connection)
  void RunConnection(Conn* c);
  void Forward(Conn* c, int from, int to);
  bool HoldWhilePartitioned(Conn* c);  // false when the connection closed meanwhile
  // Waits until `until`; false when the connection closed meanwhile.
  bool WaitDelay(Conn* c, std::chrono::steady_clock::time_point until);
  void Close(Conn* c);  // shuts both sides down, wakes the connection's waits

  const int listen_fd_;
  const std::string listen_path_;
  const std::string target_path_;
  const std::string link_;
  NetFaultPlan* const plan_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> next_chunk_{0};
  std::mutex cut_mu_;  // with cut_cv_: SetPartitioned(false) wakes the held
  std::condition_variable cut_cv_;
  std::atomic<bool> cut_{false};
  std::thread acceptor_;
  std::mutex stop_mu_;  // serialises Stop()
  bool stopped_ = false;

  mutable std::mutex mu_;  // guards conns_ and stats_
  std::list<std::unique_ptr<Conn>> conns_;
  LinkProxyStats stats_;
};

}  // namespace listbench

#endif  // LISTBENCH_SIM_LINK_PROXY_H_
