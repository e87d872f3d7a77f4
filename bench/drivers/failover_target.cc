#include "bench/drivers/failover_target.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/drivers/failover_node.h"
#include "bench/harness/child_process.h"
#include "engine/postgres/pg_statement.h"
#include "engine/postgres/pg_store.h"
#include "migration/verifier.h"
#include "sim/link_proxy.h"
#include "sim/net_fault.h"
#include "util/child_wait.h"
#include "util/socket_dir.h"
#include "workloads/op.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// The connection string or socket clients use: the primary's until the
// failover points them at the promoted replica.
class Endpoint {
 public:
  explicit Endpoint(std::string s) : s_(std::move(s)) {}
  std::string Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return s_;
  }
  void Set(std::string s) {
    std::lock_guard<std::mutex> lock(mu_);
    s_ = std::move(s);
  }

 private:
  mutable std::mutex mu_;
  std::string s_;
};

StoreOptions DurableOptions(uint64_t cache_mb, SqliteSchema schema) {
  StoreOptions so;
  so.durable = true;
  so.cache_bytes = cache_mb << 20;
  so.sqlite_schema = schema;
  return so;
}

// ---- PostgreSQL: streaming replication --------------------------------------

// Under a network scenario every link to a server passes a proxy of its own
// directory, listening where libpq looks for the server's socket
// (DIR/.s.PGSQL.<port>). Fencing a partitioned primary is STONITH: the
// failover manager kills it before it promotes the replica.
class PgTarget : public FailoverTarget {
 public:
  explicit PgTarget(const FailoverTargetOptions& o) : o_(o) {}
  ~PgTarget() override {
    store_.reset();
    for (auto& [name, p] : proxies_) p->Stop();
    proxies_.clear();
    std::error_code ec;
    if (!proxy_dir_.empty()) fs::remove_all(proxy_dir_, ec);
  }

  Status Start();
  std::string Execute(int, uint64_t op, Status* status, Served*) override {
    return ExecuteOp(*store_, o_.data->trace[op], status);
  }
  // A probe unanswered for half the detector's timeout (at most a second)
  // is unanswered, as the embedded engines' probes are.
  bool PrimaryAnswers() override {
    return PgAnswers(probe_, static_cast<int>(std::clamp(o_.detector_timeout_ms / 2, 1.0, 1000.0)));
  }
  Status FailPrimary(Clock::time_point* at) override;
  void Heal() override { Cut(false); }
  Status WriteToDeposedPrimary(uint64_t op) override;
  Status Promote() override;
  StatusOr<bool> Present(uint64_t op, uint64_t version) override {
    return listbench::Present(*store_, *o_.data, o_.data->trace[op], version);
  }
  Status RejoinOldPrimary() override;
  StatusOr<bool> SameContent() override { return pair_->SameContent(kPgDatabaseName); }
  std::string RejoinMethod() const override {
    return "pg_rewind to the new primary's history, then streaming from it";
  }

 private:
  StatusOr<std::string> Route(const std::string& name, const std::string& link,
                              const PgServer& server, const std::string& dbname);
  void Cut(bool cut);
  bool Partition() const { return o_.net && o_.net->failure == FailoverFailure::kPartition; }
  // Requests on a partitioned server's connections end at the server's
  // statement_timeout once the partition heals; none without a timeout.
  std::string SessionSql() const {
    return o_.client_timeout_ms > 0 ? fmt::format("SET statement_timeout = {}",
                                                  static_cast<int64_t>(o_.client_timeout_ms))
                                    : "";
  }

  const FailoverTargetOptions o_;
  std::unique_ptr<NetFaultPlan> plan_;
  std::string proxy_dir_;
  std::map<std::string, std::unique_ptr<LinkProxy>> proxies_;
  std::unique_ptr<PgReplicatedPair> pair_;
  std::unique_ptr<Endpoint> endpoint_;
  std::string first_, probe_, replica_client_;  // connection strings, through proxies if any
  std::unique_ptr<Store> store_;
};

StatusOr<std::string> PgTarget::Route(const std::string& name, const std::string& link,
                                      const PgServer& server, const std::string& dbname) {
  const std::string direct = server.ConnInfo(dbname);
  if (plan_ == nullptr) return direct;
  const std::string dir = proxy_dir_ + "/" + name;
  const std::string socket = ".s.PGSQL." + std::to_string(server.port());
  std::error_code ec;
  fs::create_directory(dir, ec);
  // The standby runs as the server's user: it must reach the proxy.
  fs::permissions(dir, fs::perms::all & ~fs::perms::group_write & ~fs::perms::others_write,
                  fs::perm_options::replace, ec);
  StatusOr<std::unique_ptr<LinkProxy>> p =
      LinkProxy::Start(dir + "/" + socket, server.socket_dir() + "/" + socket, link, plan_.get());
  if (!p.ok()) return p.status();
  fs::permissions(dir + "/" + socket, fs::perms::all, fs::perm_options::replace, ec);
  proxies_[name] = std::move(*p);
  const std::string host = "host=" + PgConnValue(server.socket_dir());
  const size_t at = direct.find(host);
  if (at == std::string::npos) return Status::IOError("failover: unexpected " + direct);
  return direct.substr(0, at) + "host=" + PgConnValue(dir) + direct.substr(at + host.size());
}

void PgTarget::Cut(bool cut) {
  if (!Partition()) return;
  for (const char* name : {"a.client", "a.detector", "a.replication"}) {
    auto it = proxies_.find(name);
    if (it != proxies_.end()) it->second->SetPartitioned(cut);
  }
}

Status PgTarget::Start() {
  if (o_.net) {
    plan_ = std::make_unique<NetFaultPlan>(o_.net->seed, o_.net->rules);
    StatusOr<std::string> d = MakeSocketDir("proxy");
    if (!d.ok()) return d.status();
    proxy_dir_ = *d;
    std::error_code ec;
    fs::permissions(proxy_dir_,
                    fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::replace, ec);
  }
  PgServerOptions so;
  so.shared_buffers_bytes = o_.cache_mb << 20;
  so.durable = true;
  PgReplicatedPair::Route route;
  if (plan_ != nullptr) {
    route = [this](const PgServer& p) {
      return Route("a.replication", "replication", p, "postgres");
    };
  }
  StatusOr<std::unique_ptr<PgReplicatedPair>> pair =
      PgReplicatedPair::Start((fs::path(o_.primary_dir) / kPgDataDirName).string(),
                              (fs::path(o_.replica_dir) / kPgDataDirName).string(),
                              o_.sync ? PgReplication::kSync : PgReplication::kAsync, so, route);
  if (!pair.ok()) return pair.status();
  pair_ = std::move(*pair);
  StatusOr<std::string> first = Route("a.client", "client", pair_->primary(), kPgDatabaseName);
  StatusOr<std::string> probe = Route("a.detector", "detector", pair_->primary(), "postgres");
  StatusOr<std::string> rc = Route("b.client", "client", pair_->standby(), kPgDatabaseName);
  for (const auto* r : {&first, &probe, &rc}) {
    if (!r->ok()) return r->status();
  }
  first_ = *first;
  probe_ = *probe;
  replica_client_ = *rc;
  endpoint_ = std::make_unique<Endpoint>(first_);
  StatusOr<std::unique_ptr<Store>> s = OpenPgStoreAt([this] { return endpoint_->Get(); },
                                                     DurableOptions(o_.cache_mb, o_.sqlite_schema),
                                                     "the failover's primary", SessionSql());
  if (!s.ok()) return s.status();
  store_ = std::move(*s);
  if (plan_ != nullptr) plan_->Start();
  return Status::OK();
}

Status PgTarget::FailPrimary(Clock::time_point* at) {
  if (!Partition()) return pair_->KillPrimary(at);
  *at = Clock::now();
  Cut(true);
  return Status::OK();
}

Status PgTarget::Promote() {
  if (Partition() && o_.fence) {
    // STONITH: the partitioned primary is powered off (its processes
    // killed, out of band of the cut links) before its replica takes over.
    Clock::time_point t;
    LB_RETURN_IF_ERROR(pair_->KillPrimary(&t));
  }
  LB_RETURN_IF_ERROR(pair_->Promote());
  endpoint_->Set(replica_client_);
  return Status::OK();
}

Status PgTarget::WriteToDeposedPrimary(uint64_t op) {
  // Killed (a kill, or fenced): nothing answers at its address.
  StatusOr<std::unique_ptr<Store>> s =
      OpenPgStoreAt([this] { return first_; }, DurableOptions(1, o_.sqlite_schema),
                    "the deposed primary", "SET statement_timeout = 5000");
  if (!s.ok()) return s.status();
  Status st;
  ExecuteOp(**s, o_.data->trace[op], &st);
  return st;
}

Status PgTarget::RejoinOldPrimary() {
  store_.reset();
  for (auto& [name, p] : proxies_) p->Stop();
  proxies_.clear();
  if (!pair_->primary_killed()) {
    Clock::time_point t;  // deposed but alive (no fencing): stopped for pg_rewind
    LB_RETURN_IF_ERROR(pair_->KillPrimary(&t));
  }
  return pair_->RejoinOldPrimary();
}

StatusOr<std::unique_ptr<FailoverTarget>> StartPgTarget(const FailoverTargetOptions& o) {
  auto t = std::make_unique<PgTarget>(o);
  LB_RETURN_IF_ERROR(t->Start());
  return std::unique_ptr<FailoverTarget>(std::move(t));
}

// ---- The embedded engines: log shipping between node processes -------------

// A node process and what it said when it started.
struct NodeProcess {
  int pid = -1;
  std::string socket;
  std::string dir;
  uint64_t ready_sequence = 0;
  std::string stderr_path;
};

// Waits for the node to end; its wait status (0 when it was not running).
int Reap(NodeProcess* n) {
  if (n->pid <= 0) return 0;
  int status = 0;
  WaitChildExit(n->pid, Clock::duration(-1), &status);
  n->pid = -1;
  return status;
}

// Waits up to `limit` for the node to end: true with *status then; false
// (still running) otherwise.
bool ReapWithin(NodeProcess* n, std::chrono::milliseconds limit, int* status) {
  if (!WaitChildExit(n->pid, limit, status)) return false;
  n->pid = -1;
  return true;
}

// The first (or the last) non-empty line a node wrote to its stderr file;
// "" when there is none.
std::string StderrLineOf(const std::string& path, bool last) {
  std::string line;
  if (FILE* f = std::fopen(path.c_str(), "r")) {
    char buf[512] = {0};
    while (std::fgets(buf, sizeof(buf), f) != nullptr) {
      if (buf[0] == '\n') continue;
      line = buf;
      if (!last) break;
    }
    std::fclose(f);
  }
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

// "exit 3", "killed by signal 9 (Killed)" for a wait status.
std::string DescribeWaitStatus(int status) {
  ChildResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.term_signal = WTERMSIG(status);
  return r.Describe();
}

void KillAndReap(NodeProcess* n) {
  if (n->pid > 0) ::kill(n->pid, SIGKILL);
  Reap(n);
}

class NodeTarget : public FailoverTarget {
 public:
  explicit NodeTarget(const FailoverTargetOptions& o)
      : o_(o), links_(static_cast<size_t>(o.clients)), link_endpoint_(links_.size()) {}
  ~NodeTarget() override {
    StopProxies();
    KillAndReap(&primary_);
    KillAndReap(&replica_);
    std::error_code ec;
    if (!socket_dir_.empty()) fs::remove_all(socket_dir_, ec);
  }

  Status Start();
  std::string Execute(int client, uint64_t op, Status* status, Served* served) override;
  bool PrimaryAnswers() override;
  Status FailPrimary(Clock::time_point* at) override;
  std::string FailureDetail() const override { return failure_detail_; }
  void Heal() override;
  Status WriteToDeposedPrimary(uint64_t op) override;
  Status Promote() override;
  StatusOr<bool> Present(uint64_t op, uint64_t version) override;
  Status RejoinOldPrimary() override;
  StatusOr<bool> SameContent() override;
  std::string RejoinMethod() const override {
    return "rebuilt from a copy of the new primary (its unreplicated tail discarded), then "
           "following its log";
  }

 private:
  StatusOr<NodeProcess> Spawn(const std::string& dir, const std::string& name, bool primary,
                              bool sync, const std::string& upstream, uint64_t start_after,
                              bool leases);
  Status AwaitReplica(const NodeProcess& primary, const NodeProcess& replica);
  Status StopNode(NodeProcess* n);
  // A proxy for `link` in front of `target` (with a network scenario), or
  // the target itself: the path to connect to.
  StatusOr<std::string> Route(const std::string& name, const std::string& link,
                              const std::string& target);
  void StopProxies();
  void CutFirstPrimary(bool cut);
  Status PowerOffPrimary(Clock::time_point* at);

  const FailoverTargetOptions o_;
  std::string socket_dir_;
  NodeProcess primary_, replica_;
  std::unique_ptr<Endpoint> endpoint_;
  std::vector<std::unique_ptr<NodeLink>> links_;  // a client's, each used by its thread
  std::vector<std::string> link_endpoint_;        // the socket each link reaches
  std::unique_ptr<NodeLink> detector_;            // the detector thread's
  int64_t last_answered_ns_ = 0;                  // the detector's last answered probe
  std::unique_ptr<NetFaultPlan> plan_;            // with a network scenario
  std::map<std::string, std::unique_ptr<LinkProxy>> proxies_;  // by route name
  std::string first_client_path_, first_detector_path_, replica_client_path_;
  bool partitioned_ = false;
  std::string failure_detail_;  // what the primary said of its power loss
};

StatusOr<std::string> NodeTarget::Route(const std::string& name, const std::string& link,
                                        const std::string& target) {
  if (plan_ == nullptr) return target;
  const std::string path = socket_dir_ + "/" + name;
  StatusOr<std::unique_ptr<LinkProxy>> p = LinkProxy::Start(path, target, link, plan_.get());
  if (!p.ok()) return p.status();
  proxies_[name] = std::move(*p);
  return path;
}

void NodeTarget::StopProxies() {
  for (auto& [name, p] : proxies_) p->Stop();
  proxies_.clear();
}

// The links that reach the first primary: its clients', its detector's and
// its replica's.
void NodeTarget::CutFirstPrimary(bool cut) {
  for (const char* name : {"a.client", "a.detector", "b.upstream"}) {
    auto it = proxies_.find(name);
    if (it != proxies_.end()) it->second->SetPartitioned(cut);
  }
}

StatusOr<NodeProcess> NodeTarget::Spawn(const std::string& dir, const std::string& name,
                                        bool primary, bool sync, const std::string& upstream,
                                        uint64_t start_after, bool leases) {
  FailoverNodeConfig c;
  c.engine = o_.engine;
  c.dir = dir;
  c.socket = socket_dir_ + "/" + name;
  c.primary = primary;
  c.sync = sync;
  c.upstream = upstream;
  c.start_after = start_after;
  c.spec = o_.spec;
  c.workload_file = o_.workload_file;
  c.ops = o_.data->trace.size();
  c.trace_seed = o_.trace_seed;
  c.cache_mb = o_.cache_mb;
  c.sqlite_schema = o_.sqlite_schema;
  c.leases = leases;
  c.power_loss = primary && o_.net && o_.net->failure == FailoverFailure::kPowerLoss;
  std::vector<std::string> args = FailoverNodeArgs(c);
  args.insert(args.begin(), o_.binary);
  const std::string err = (fs::path(o_.log_dir) / (name + ".stderr")).string();
  StatusOr<PipedChild> child = SpawnPiped(o_.binary, args, err);
  if (!child.ok()) return child.status();
  NodeProcess n;
  n.pid = child->pid;
  n.socket = c.socket;
  n.dir = dir;
  char line[128] = {0};
  const bool got = std::fgets(line, sizeof(line), child->out) != nullptr;
  std::fclose(child->out);
  unsigned long long seq = 0;
  if (!got || std::sscanf(line, "READY %llu", &seq) != 1) {
    Reap(&n);
    const std::string text = StderrLineOf(err, false);
    return Status::IOError(fmt::format("failover: the {} node on {} did not start: {}", name, dir,
                                       text.empty() ? "no message" : text));
  }
  n.ready_sequence = seq;
  n.stderr_path = err;
  return n;
}

// Waits until `replica` streams from `primary` and has applied all it logged.
Status NodeTarget::AwaitReplica(const NodeProcess& primary, const NodeProcess& replica) {
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    StatusOr<std::unique_ptr<NodeLink>> p = NodeLink::Connect(primary.socket);
    StatusOr<std::unique_ptr<NodeLink>> r = NodeLink::Connect(replica.socket);
    if (p.ok() && r.ok()) {
      StatusOr<NodePing> pp = (*p)->Ping();
      StatusOr<NodePing> rp = (*r)->Ping();
      if (pp.ok() && rp.ok() && rp->connected && rp->sequence >= pp->sequence) {
        return Status::OK();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Status::IOError(
      fmt::format("failover: the replica on {} did not catch up within 60 s", replica.dir));
}

Status NodeTarget::Start() {
  StatusOr<std::string> d = MakeSocketDir("failover");
  if (!d.ok()) return d.status();
  socket_dir_ = *d;
  if (o_.net) plan_ = std::make_unique<NetFaultPlan>(o_.net->seed, o_.net->rules);
  const bool leases = o_.lease_ms > 0;
  StatusOr<NodeProcess> p = Spawn(o_.primary_dir, "a", true, o_.sync, "", 0, leases);
  if (!p.ok()) return p.status();
  primary_ = *p;
  StatusOr<std::string> client = Route("a.client", "client", primary_.socket);
  StatusOr<std::string> detector = Route("a.detector", "detector", primary_.socket);
  StatusOr<std::string> upstream = Route("b.upstream", "replication", primary_.socket);
  for (const auto* r : {&client, &detector, &upstream}) {
    if (!r->ok()) return r->status();
  }
  first_client_path_ = *client;
  first_detector_path_ = *detector;
  StatusOr<NodeProcess> r =
      Spawn(o_.replica_dir, "b", false, o_.sync, *upstream, primary_.ready_sequence, leases);
  if (!r.ok()) return r.status();
  replica_ = *r;
  StatusOr<std::string> rclient = Route("b.client", "client", replica_.socket);
  if (!rclient.ok()) return rclient.status();
  replica_client_path_ = *rclient;
  LB_RETURN_IF_ERROR(AwaitReplica(primary_, replica_));
  endpoint_ = std::make_unique<Endpoint>(first_client_path_);
  if (plan_ != nullptr) plan_->Start();
  // The primary's first lease, before any client asks it anything.
  return PrimaryAnswers() ? Status::OK()
                          : Status::IOError("failover: the primary does not answer its detector");
}

std::string NodeTarget::Execute(int client, uint64_t op, Status* status, Served* served) {
  const size_t c = static_cast<size_t>(client);
  const std::string want = endpoint_->Get();
  if (links_[c] == nullptr || link_endpoint_[c] != want) {
    StatusOr<std::unique_ptr<NodeLink>> l = NodeLink::Connect(want);
    if (l.ok() && o_.client_timeout_ms > 0) {
      Status t =
          (*l)->SetTimeout(std::chrono::milliseconds(static_cast<int64_t>(o_.client_timeout_ms)));
      if (!t.ok()) l = t;
    }
    if (!l.ok()) {
      *status = l.status();
      links_[c].reset();
      return "";
    }
    links_[c] = std::move(*l);
    link_endpoint_[c] = want;
  }
  served->by_first_primary = link_endpoint_[c] == first_client_path_;
  std::string out = links_[c]->Execute(op, status, &served->executed_ns);
  if (status->IsStorageError()) links_[c].reset();  // a broken link is not reused
  return out;
}

bool NodeTarget::PrimaryAnswers() {
  if (detector_ == nullptr) {
    StatusOr<std::unique_ptr<NodeLink>> l = NodeLink::Connect(first_detector_path_);
    if (!l.ok()) return false;
    detector_ = std::move(*l);
    // A probe unanswered for half the detector's timeout (at most a second)
    // is unanswered: the detector then probes again.
    const double wait_ms = std::clamp(o_.detector_timeout_ms / 2, 1.0, 1000.0);
    if (!detector_->SetTimeout(std::chrono::milliseconds(static_cast<int64_t>(wait_ms))).ok()) {
      return false;
    }
  }
  // The lease ends when the detector could first declare the primary dead:
  // its last answered probe plus the timeout.
  const int64_t from = last_answered_ns_ > 0 ? last_answered_ns_ : SteadyNowNs();
  const int64_t until = o_.lease_ms > 0 ? from + static_cast<int64_t>(o_.lease_ms * 1e6) : 0;
  StatusOr<NodePing> p = detector_->Ping(until);
  if (!p.ok()) {
    detector_.reset();
    return false;
  }
  if (p->primary) last_answered_ns_ = SteadyNowNs();
  return p->primary;
}

Status NodeTarget::FailPrimary(Clock::time_point* at) {
  *at = Clock::now();
  if (o_.net && o_.net->failure == FailoverFailure::kPartition) {
    CutFirstPrimary(true);
    partitioned_ = true;
    return Status::OK();
  }
  if (o_.net && o_.net->failure == FailoverFailure::kPowerLoss) return PowerOffPrimary(at);
  if (::kill(primary_.pid, SIGKILL) != 0) {
    return Status::IOError(fmt::format("failover: kill {}: {}", primary_.pid, errno));
  }
  Reap(&primary_);
  return Status::OK();
}

// The primary's power goes off ('K', over its own socket: no proxy in the
// way); it exits once its files hold only what it synced.
Status NodeTarget::PowerOffPrimary(Clock::time_point* at) {
  StatusOr<std::unique_ptr<NodeLink>> l = NodeLink::Connect(primary_.socket);
  if (!l.ok()) return l.status();
  LB_RETURN_IF_ERROR((*l)->SetTimeout(std::chrono::seconds(60)));
  *at = Clock::now();
  LB_RETURN_IF_ERROR((*l)->PowerOff());
  int status = 0;
  if (!ReapWithin(&primary_, std::chrono::seconds(30), &status)) {
    KillAndReap(&primary_);
    return Status::IOError("failover: the primary did not end within 30 s of its power loss");
  }
  const std::string said = StderrLineOf(primary_.stderr_path, true);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != kNodePowerLossExit) {
    return Status::IOError(fmt::format("failover: the primary's power loss failed ({}): {}",
                                       DescribeWaitStatus(status),
                                       said.empty() ? "no message" : said));
  }
  failure_detail_ = said;
  return Status::OK();
}

void NodeTarget::Heal() {
  if (!partitioned_) return;
  CutFirstPrimary(false);
  partitioned_ = false;
}

Status NodeTarget::WriteToDeposedPrimary(uint64_t op) {
  StatusOr<std::unique_ptr<NodeLink>> l = NodeLink::Connect(first_client_path_);
  if (!l.ok()) return l.status();
  LB_RETURN_IF_ERROR((*l)->SetTimeout(std::chrono::seconds(5)));
  Status st;
  int64_t at = 0;
  (*l)->Execute(op, &st, &at);
  return st;
}

Status NodeTarget::Promote() {
  StatusOr<std::unique_ptr<NodeLink>> l = NodeLink::Connect(replica_.socket);
  if (!l.ok()) return l.status();
  StatusOr<uint64_t> seq = (*l)->Promote();
  if (!seq.ok()) return seq.status();
  endpoint_->Set(replica_client_path_);
  return Status::OK();
}

StatusOr<bool> NodeTarget::Present(uint64_t op, uint64_t version) {
  StatusOr<std::unique_ptr<NodeLink>> l = NodeLink::Connect(replica_.socket);
  if (!l.ok()) return l.status();
  return (*l)->Present(op, version);
}

// Asks a node to close its store and exit, and reaps it.
Status NodeTarget::StopNode(NodeProcess* n) {
  StatusOr<std::unique_ptr<NodeLink>> l = NodeLink::Connect(n->socket);
  if (!l.ok()) return l.status();
  Status s = (*l)->Exit();
  const std::string dir = n->dir, err = n->stderr_path;
  const int status = Reap(n);
  if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    return Status::IOError(fmt::format("failover: the node on {} ended badly (wait status {}): {}",
                                       dir, status, StderrLineOf(err, false)));
  }
  return s;
}

Status NodeTarget::RejoinOldPrimary() {
  // The promoted replica is the primary now; the old primary's directory
  // (dead, possibly ahead by an unreplicated tail) is rebuilt from it.
  for (std::unique_ptr<NodeLink>& l : links_) l.reset();
  detector_.reset();
  StopProxies();
  KillAndReap(&primary_);  // deposed, if it was only cut off
  LB_RETURN_IF_ERROR(StopNode(&replica_));
  std::error_code ec;
  fs::remove_all(primary_.dir, ec);
  if (ec) return Status::IOError(fmt::format("{}: cannot remove: {}", primary_.dir, ec.message()));
  LB_RETURN_IF_ERROR(CloneStore(o_.engine, replica_.dir, primary_.dir));
  // No detector watches the pair after the run: no leases.
  StatusOr<NodeProcess> np = Spawn(replica_.dir, "b", true, o_.sync, "", 0, false);
  if (!np.ok()) return np.status();
  StatusOr<NodeProcess> nr =
      Spawn(primary_.dir, "a", false, o_.sync, np->socket, np->ready_sequence, false);
  if (!nr.ok()) {
    NodeProcess tmp = *np;
    KillAndReap(&tmp);
    return nr.status();
  }
  primary_ = *np;
  replica_ = *nr;
  endpoint_->Set(primary_.socket);
  replica_client_path_ = primary_.socket;
  return AwaitReplica(primary_, replica_);
}

StatusOr<bool> NodeTarget::SameContent() {
  LB_RETURN_IF_ERROR(StopNode(&replica_));
  LB_RETURN_IF_ERROR(StopNode(&primary_));
  StoreOptions so = DurableOptions(o_.cache_mb, o_.sqlite_schema);
  so.create_if_missing = false;
  StatusOr<std::unique_ptr<Store>> a = OpenStore(o_.engine, primary_.dir, so);
  if (!a.ok()) return a.status();
  StatusOr<std::unique_ptr<Store>> b = OpenStore(o_.engine, replica_.dir, so);
  if (!b.ok()) return b.status();
  Verifier v(a->get(), b->get());
  VerifierCheckpoint cp;
  LB_RETURN_IF_ERROR(v.Run(&cp));
  return cp.complete() && cp.report.differences() == 0;
}

}  // namespace

StatusOr<std::unique_ptr<FailoverTarget>> StartFailoverTarget(const FailoverTargetOptions& o) {
  if (o.engine == Engine::kPostgres) return StartPgTarget(o);
  auto t = std::make_unique<NodeTarget>(o);
  LB_RETURN_IF_ERROR(t->Start());
  return std::unique_ptr<FailoverTarget>(std::move(t));
}

}  // namespace listbench
