#include "bench/drivers/failover_node.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "bench/harness/write_probe.h"
#include "engine/change_log.h"
#include "sim/fault_plan.h"
#include "workloads/op.h"

namespace listbench {
namespace {

constexpr auto kShipWait = std::chrono::milliseconds(50);
constexpr size_t kShipBatch = 256;

void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool GetU64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i) {
    *v |= uint64_t{static_cast<unsigned char>((*in)[static_cast<size_t>(i)])} << (8 * i);
  }
  in->remove_prefix(8);
  return true;
}

std::string ErrorFrame(const Status& s) {
  return "e" + std::string(1, static_cast<char>(s.code())) + s.message();
}

StoreOptions NodeStoreOptions(const FailoverNodeConfig& c, FaultPlan* plan = nullptr) {
  StoreOptions o;
  o.faults = plan;
  o.durable = true;
  o.cache_bytes = c.cache_mb << 20;
  o.create_if_missing = false;
  o.sqlite_schema = c.sqlite_schema;
  return o;
}

class Node {
 public:
  explicit Node(const FailoverNodeConfig& c) : c_(c), sync_(c.sync) {}
  ~Node();

  Status Open();
  Status Serve();  // accepts until 'Z'

 private:
  void Connection(std::unique_ptr<FramedSocket> s);
  std::string Answer(std::string_view req);  // one request's answer frame
  std::string Execute(uint64_t op);
  std::string Promote();
  [[noreturn]] void PowerOff();
  // After a power loss nothing leaves the node: a thread about to send
  // waits here for the process to end.
  void HaltIfPoweredOff() const {
    while (powered_off_.load()) ::pause();
  }
  void Ship(FramedSocket& s, uint64_t after);
  void Follow();  // a replica's stream from its primary
  void StopFollowing();

  const FailoverNodeConfig c_;
  WorkloadData data_;
  std::unique_ptr<FaultPlan> plan_;  // power_loss only; outlives the store
  std::unique_ptr<UnixListener> listener_;
  std::shared_mutex store_mu_;  // shared: a request; exclusive: promotion, exit
  std::unique_ptr<LoggedStore> logged_;
  std::unique_ptr<LogApplier> applier_;
  std::atomic<bool> primary_{false};
  std::atomic<bool> sync_;
  std::mutex ack_mu_;
  std::condition_variable ack_cv_;
  uint64_t acked_ = 0;                // guarded by ack_mu_: the replica's applied sequence
  std::atomic<uint64_t> applied_{0};  // a replica's last applied sequence
  std::atomic<bool> stop_follow_{false};
  std::atomic<bool> connected_{false};
  std::mutex up_mu_;
  FramedSocket* upstream_ = nullptr;  // guarded by up_mu_
  std::thread follower_;
  std::atomic<bool> exiting_{false};
  std::atomic<bool> powered_off_{false};
  // Fencing: a primary serves requests only until this instant (steady
  // clock nanoseconds, one clock for every process of the machine), renewed
  // by the detector's pings; a promoted replica's lease has no end.
  std::atomic<int64_t> lease_until_ns_{0};
};

Node::~Node() { StopFollowing(); }

Status Node::Open() {
  StatusOr<WorkloadData> d = MakeWorkloadData(c_.spec, c_.workload_file, c_.ops, c_.trace_seed);
  if (!d.ok()) return d.status();
  data_ = std::move(*d);
  if (c_.primary) {
    if (c_.power_loss) plan_ = std::make_unique<FaultPlan>(c_.trace_seed);
    StatusOr<std::unique_ptr<LoggedStore>> s =
        OpenLoggedStore(c_.engine, c_.dir, NodeStoreOptions(c_, plan_.get()));
    if (!s.ok()) return s.status();
    logged_ = std::move(*s);
    acked_ = logged_->log().LastSequence();
    primary_ = true;
    if (!c_.leases) lease_until_ns_ = INT64_MAX;
  } else {
    StatusOr<std::unique_ptr<LogApplier>> a =
        OpenLogApplier(c_.engine, c_.dir, NodeStoreOptions(c_), c_.start_after);
    if (!a.ok()) return a.status();
    applier_ = std::move(*a);
    applied_ = applier_->AppliedSequence();
    follower_ = std::thread([this] { Follow(); });
  }
  StatusOr<std::unique_ptr<UnixListener>> l = UnixListener::Listen(c_.socket);
  if (!l.ok()) return l.status();
  listener_ = std::move(*l);
  return Status::OK();
}

Status Node::Serve() {
  const uint64_t seq = primary_ ? logged_->log().LastSequence() : applied_.load();
  std::printf("READY %llu\n", static_cast<unsigned long long>(seq));
  std::fflush(stdout);
  for (;;) {
    StatusOr<std::unique_ptr<FramedSocket>> s = listener_->Accept();
    if (!s.ok()) return exiting_ ? Status::OK() : s.status();
    std::thread([this, sock = std::move(*s)]() mutable { Connection(std::move(sock)); }).detach();
  }
}

void Node::Connection(std::unique_ptr<FramedSocket> s) {
  std::string req;
  while (s->Receive(&req).ok()) {
    if (!req.empty() && req[0] == 'S') {
      std::string_view in(req);
      in.remove_prefix(1);
      uint64_t after = 0;
      if (GetU64(&in, &after)) Ship(*s, after);
      return;
    }
    if (req == "Z") {
      StopFollowing();
      std::unique_lock<std::shared_mutex> lock(store_mu_);
      exiting_ = true;
      logged_.reset();
      applier_.reset();
      (void)s->Send("z");
      std::fflush(stdout);
      ::_exit(0);
    }
    const std::string answer = Answer(req);
    HaltIfPoweredOff();
    if (!s->Send(answer).ok()) return;
  }
}

std::string Node::Answer(std::string_view req) {
  if (req.empty()) return ErrorFrame(Status::InvalidArgument("an empty request"));
  const char kind = req[0];
  req.remove_prefix(1);
  uint64_t op = 0, version = 0;
  if (kind == 'X' && GetU64(&req, &op)) return Execute(op);
  if (kind == 'M') return Promote();
  if (kind == 'K') {
    if (plan_ == nullptr) {
      return ErrorFrame(Status::InvalidArgument("not started for a power loss"));
    }
    PowerOff();
  }
  if (kind == 'P') {
    uint64_t until = 0;
    if (GetU64(&req, &until) && until > 0) {
      // The lease the detector grants ends no later than it could declare
      // this primary dead: a probe held up in the network grants nothing
      // beyond that when it arrives late.
      const int64_t u = static_cast<int64_t>(until);
      int64_t cur = lease_until_ns_.load();
      while (cur < u && !lease_until_ns_.compare_exchange_weak(cur, u)) {
      }
    }
    std::string out = "p";
    out.push_back(primary_ ? 'P' : 'R');
    std::shared_lock<std::shared_mutex> lock(store_mu_);
    PutU64(&out, primary_ ? logged_->log().LastSequence() : applied_.load());
    out.push_back(connected_ ? '1' : '0');
    return out;
  }
  if (kind == 'Q' && GetU64(&req, &op) && GetU64(&req, &version) && op < data_.trace.size()) {
    std::shared_lock<std::shared_mutex> lock(store_mu_);
    if (!primary_) return ErrorFrame(Status::IOError("a replica: not the primary"));
    StatusOr<bool> p = Present(logged_->store(), data_, data_.trace[op], version);
    if (!p.ok()) return ErrorFrame(p.status());
    return *p ? "q1" : "q0";
  }
  return ErrorFrame(Status::InvalidArgument(fmt::format("a malformed request '{}'", kind)));
}

std::string Node::Execute(uint64_t op) {
  Status status;
  std::string outcome;
  uint64_t seq = 0;
  int64_t executed_ns = 0;
  {
    std::shared_lock<std::shared_mutex> lock(store_mu_);
    if (op >= data_.trace.size()) {
      status = Status::InvalidArgument(fmt::format("operation {} is past the trace", op));
    } else if (!primary_) {
      status = Status::IOError("a replica: not the primary");
    } else if (SteadyNowNs() > lease_until_ns_.load()) {
      status = Status::IOError("fenced: this primary's lease has expired");
    } else {
      outcome = ExecuteOp(logged_->store(), data_.trace[op], &status);
      seq = logged_->log().LastSequence();
      executed_ns = SteadyNowNs();
      if (SteadyNowNs() > lease_until_ns_.load()) {
        // Deposed while it ran: not acknowledged (a write it made stays in
        // this copy, which rejoins only as a rebuilt replica).
        status = Status::IOError("fenced: this primary's lease expired during the request");
        outcome.clear();
      }
    }
  }
  if (status.ok() && sync_ && IsWrite(KindOf(data_.trace[op]))) {
    // Synchronous replication: acknowledged once the replica applied it.
    std::unique_lock<std::mutex> lock(ack_mu_);
    ack_cv_.wait(lock, [&] { return acked_ >= seq || !sync_; });
  }
  std::string out = "R";
  out.push_back(static_cast<char>(status.code()));
  PutU64(&out, status.message().size());
  out += status.message();
  PutU64(&out, static_cast<uint64_t>(executed_ns));
  out += outcome;
  return out;
}

std::string Node::Promote() {
  if (primary_) return ErrorFrame(Status::InvalidArgument("already the primary"));
  StopFollowing();
  std::unique_lock<std::shared_mutex> lock(store_mu_);
  applier_.reset();
  StatusOr<std::unique_ptr<LoggedStore>> s =
      OpenLoggedStore(c_.engine, c_.dir, NodeStoreOptions(c_));
  if (!s.ok()) return ErrorFrame(s.status());
  logged_ = std::move(*s);
  {
    std::lock_guard<std::mutex> a(ack_mu_);
    acked_ = logged_->log().LastSequence();
  }
  sync_ = false;                // no replica until one joins
  lease_until_ns_ = INT64_MAX;  // no detector watches the new primary
  primary_ = true;
  std::string out = "m";
  PutU64(&out, logged_->log().LastSequence());
  return out;
}

// A primary's side of a replica's stream: ships the records after `after`
// while a thread reads the replica's acknowledgements.
void Node::Ship(FramedSocket& s, uint64_t after) {
  std::atomic<bool> gone{false};
  std::thread acks([&] {
    std::string a;
    while (s.Receive(&a).ok()) {
      std::string_view in(a);
      uint64_t seq = 0;
      if (in.empty() || in[0] != 'A') break;
      in.remove_prefix(1);
      if (!GetU64(&in, &seq)) break;
      std::lock_guard<std::mutex> lock(ack_mu_);
      acked_ = std::max(acked_, seq);
      ack_cv_.notify_all();
    }
    gone = true;
  });
  while (!gone) {
    StatusOr<std::vector<ChangeRecord>> recs = std::vector<ChangeRecord>{};
    {
      std::shared_lock<std::shared_mutex> lock(store_mu_);
      if (!primary_ || !logged_) break;
      recs = logged_->log().ReadSince(after, kShipBatch, kShipWait);
    }
    if (!recs.ok()) break;
    bool sent = true;
    for (const ChangeRecord& r : *recs) {
      std::string f = "L";
      PutU64(&f, r.sequence);
      f += r.bytes;
      HaltIfPoweredOff();
      if (!(sent = s.Send(f).ok())) break;
      after = r.sequence;
    }
    if (!sent) break;
  }
  s.Shutdown();
  acks.join();
}

// A replica's stream: (re)connects to its primary, applies what it ships
// and acknowledges each record once applied; ends at promotion.
void Node::Follow() {
  while (!stop_follow_) {
    StatusOr<std::unique_ptr<FramedSocket>> up = ConnectUnix(c_.upstream);
    if (!up.ok()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(up_mu_);
      if (stop_follow_) return;
      upstream_ = up->get();
    }
    std::string f = "S", rec;
    PutU64(&f, applied_.load());
    connected_ = (*up)->Send(f).ok();
    while (connected_ && (*up)->Receive(&rec).ok()) {
      std::string_view in(rec);
      ChangeRecord r;
      if (in.empty() || in[0] != 'L') break;
      in.remove_prefix(1);
      if (!GetU64(&in, &r.sequence)) break;
      r.bytes.assign(in);
      Status s = applier_->Apply(r);
      if (!s.ok()) {
        std::fprintf(stderr, "failover-node: %s: %s\n", c_.dir.c_str(), s.ToString().c_str());
        ::_exit(4);  // a replica that cannot apply its primary's log is no copy of it
      }
      applied_ = r.sequence;
      std::string a = "A";
      PutU64(&a, r.sequence);
      if (!(*up)->Send(a).ok()) break;
    }
    connected_ = false;
    std::lock_guard<std::mutex> lock(up_mu_);
    upstream_ = nullptr;
  }
}

void Node::StopFollowing() {
  {
    std::lock_guard<std::mutex> lock(up_mu_);
    stop_follow_ = true;
    if (upstream_ != nullptr) upstream_->Shutdown();
  }
  if (follower_.joinable()) follower_.join();
}

}  // namespace

// The power goes off: no seam call succeeds from now on; once the calls
// already past the seam have landed, the files fall back to what was synced,
// and the process ends without a word to its peers or a destructor run.
void Node::PowerOff() {
  powered_off_ = true;
  plan_->CrashNow();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  StatusOr<PowerLossReport> r = plan_->SimulatePowerLoss();
  if (!r.ok()) {
    std::fprintf(stderr, "listbench failover-node: power loss: %s\n",
                 r.status().ToString().c_str());
    std::fflush(stderr);
    ::_exit(4);
  }
  std::string files;
  for (const std::string& f : r->files) files += (files.empty() ? "" : ", ") + f;
  std::fprintf(stderr,
               "power loss: %llu unsynced bytes dropped, %llu files truncated, %llu regions "
               "restored, %llu new files deleted, %llu renames undone (files: %s)\n",
               static_cast<unsigned long long>(r->bytes_dropped),
               static_cast<unsigned long long>(r->files_truncated),
               static_cast<unsigned long long>(r->regions_restored),
               static_cast<unsigned long long>(r->files_deleted),
               static_cast<unsigned long long>(r->files_restored),
               files.empty() ? "none" : files.c_str());
  std::fflush(stderr);
  ::_exit(kNodePowerLossExit);
}

std::vector<std::string> FailoverNodeArgs(const FailoverNodeConfig& c) {
  return {"failover-node",
          "--engine=" + std::string(EngineName(c.engine)),
          "--dir=" + c.dir,
          "--socket=" + c.socket,
          std::string("--role=") + (c.primary ? "primary" : "replica"),
          std::string("--replication=") + (c.sync ? "sync" : "async"),
          "--upstream=" + c.upstream,
          fmt::format("--start-after={}", c.start_after),
          fmt::format("--listings={}", c.spec.listings),
          fmt::format("--seed={}", c.spec.seed),
          "--workload=" + c.workload_file,
          fmt::format("--ops={}", c.ops),
          fmt::format("--trace-seed={}", c.trace_seed),
          fmt::format("--cache-mb={}", c.cache_mb),
          std::string("--leases=") + (c.leases ? "on" : "off"),
          std::string("--power-loss=") + (c.power_loss ? "on" : "off"),
          "--sqlite-schema=" + std::string(SqliteSchemaName(c.sqlite_schema))};
}

int RunFailoverNode(const FailoverNodeConfig& c) {
  // The node dies with the process that started it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  Node node(c);
  Status s = node.Open();
  if (s.ok()) s = node.Serve();
  if (!s.ok()) {
    std::fprintf(stderr, "failover-node: %s\n", s.ToString().c_str());
    return 4;
  }
  return 0;
}

// ---- The client's side ------------------------------------------------------

StatusOr<std::unique_ptr<NodeLink>> NodeLink::Connect(const std::string& socket) {
  StatusOr<std::unique_ptr<FramedSocket>> s = ConnectUnix(socket);
  if (!s.ok()) return s.status();
  return std::make_unique<NodeLink>(std::move(*s));
}

StatusOr<std::string> NodeLink::Call(std::string_view request, char answer) {
  LB_RETURN_IF_ERROR(s_->Send(request));
  std::string a;
  Status r = s_->Receive(&a);
  if (r.IsNotFound()) return Status::IOError("the node closed the link");
  LB_RETURN_IF_ERROR(r);
  if (!a.empty() && a[0] == 'e' && a.size() >= 2) {
    return Status(static_cast<StatusCode>(a[1]), a.substr(2));
  }
  if (a.empty() || a[0] != answer) return Status::IOError("a malformed answer from the node");
  return a.substr(1);
}

std::string NodeLink::Execute(uint64_t op, Status* status, int64_t* executed_ns) {
  std::string req = "X";
  PutU64(&req, op);
  StatusOr<std::string> a = Call(req, 'R');
  if (!a.ok()) {
    *status = a.status().IsStorageError() ? a.status() : Status::IOError(a.status().message());
    return "";
  }
  std::string_view in(*a);
  uint64_t len = 0;
  if (in.empty()) {
    *status = Status::IOError("a malformed answer from the node");
    return "";
  }
  const auto code = static_cast<StatusCode>(in[0]);
  in.remove_prefix(1);
  if (!GetU64(&in, &len) || len > in.size()) {
    *status = Status::IOError("a malformed answer from the node");
    return "";
  }
  *status = code == StatusCode::kOk ? Status::OK() : Status(code, std::string(in.substr(0, len)));
  in.remove_prefix(len);
  uint64_t at = 0;
  if (!GetU64(&in, &at)) {
    *status = Status::IOError("a malformed answer from the node");
    return "";
  }
  *executed_ns = static_cast<int64_t>(at);
  return std::string(in);
}

StatusOr<NodePing> NodeLink::Ping(int64_t lease_until_ns) {
  std::string req = "P";
  PutU64(&req, static_cast<uint64_t>(lease_until_ns));
  StatusOr<std::string> a = Call(req, 'p');
  if (!a.ok()) return a.status();
  std::string_view in(*a);
  NodePing p;
  if (in.size() != 10) return Status::IOError("a malformed ping answer");
  p.primary = in[0] == 'P';
  in.remove_prefix(1);
  GetU64(&in, &p.sequence);
  p.connected = in[0] == '1';
  return p;
}

StatusOr<bool> NodeLink::Present(uint64_t op, uint64_t version) {
  std::string req = "Q";
  PutU64(&req, op);
  PutU64(&req, version);
  StatusOr<std::string> a = Call(req, 'q');
  if (!a.ok()) return a.status();
  return *a == "1";
}

StatusOr<uint64_t> NodeLink::Promote() {
  StatusOr<std::string> a = Call("M", 'm');
  if (!a.ok()) return a.status();
  std::string_view in(*a);
  uint64_t seq = 0;
  if (!GetU64(&in, &seq)) return Status::IOError("a malformed promotion answer");
  return seq;
}

Status NodeLink::Exit() {
  StatusOr<std::string> a = Call("Z", 'z');
  return a.status();
}

Status NodeLink::PowerOff() {
  LB_RETURN_IF_ERROR(s_->Send("K"));
  std::string answer;
  const Status s = s_->Receive(&answer);
  if (s.ok() && !answer.empty() && answer[0] == 'e') {
    return Status::IOError("the node refused the power loss: " + answer.substr(2));
  }
  return Status::OK();  // the link dropped: the power is off
}

}  // namespace listbench
