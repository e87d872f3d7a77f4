#include "bench/harness/runner.h"

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "util/random.h"

namespace listbench {
namespace {

// The Random stream of the arrival schedule (apart from the trace's).
constexpr uint64_t kArrivalStream = 0xa77e;

// Merges the clients' per-second series by second index. A second is
// finished, and leaves the merger's memory, once every client has closed it
// or ended, so only the seconds between the slowest and the fastest client
// are held. Thread-safe (one mutex, taken once per client per second).
class SeriesMerger {
 public:
  explicit SeriesMerger(int clients) : closed_(clients, 0), ended_(clients, false) {}

  // Client `client`'s requests of `second`. REQUIRES: each client adds its
  // seconds in order, from 0, without gaps.
  void Add(int client, uint64_t second, uint64_t ops, uint64_t errors, const Histogram& h) {
    std::lock_guard<std::mutex> lock(mu_);
    while (base_ + pending_.size() <= second) pending_.emplace_back();
    Pending& p = pending_[second - base_];
    p.ops += ops;
    p.errors += errors;
    p.hist.Merge(h);
    closed_[client] = second + 1;
    Advance();
  }
  // Client `client` adds no more seconds.
  void End(int client) {
    std::lock_guard<std::mutex> lock(mu_);
    ended_[client] = true;
    Advance();
  }
  // REQUIRES: every client ended.
  std::vector<Second> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(series_);
  }

 private:
  struct Pending {
    uint64_t ops = 0, errors = 0;
    Histogram hist;
  };

  // Finishes the leading seconds every client is done with.
  void Advance() {
    while (!pending_.empty()) {
      for (size_t c = 0; c < closed_.size(); ++c) {
        if (!ended_[c] && closed_[c] <= base_) return;
      }
      const Pending& p = pending_.front();
      Second s;
      s.ops = p.ops;
      s.errors = p.errors;
      s.mean_us = p.hist.mean() / 1000.0;
      s.p99_us = static_cast<double>(p.hist.Percentile(0.99)) / 1000.0;
      s.max_us = static_cast<double>(p.hist.max()) / 1000.0;
      series_.push_back(s);
      pending_.pop_front();
      ++base_;
    }
  }

  std::mutex mu_;
  std::vector<uint64_t> closed_;  // by client: seconds closed
  std::vector<bool> ended_;       // by client
  std::deque<Pending> pending_;   // seconds base_, base_ + 1, ...
  uint64_t base_ = 0;
  std::vector<Second> series_;
};

// Folds one client's requests into seconds and hands each closed second to
// the merger. One per client thread.
class SeriesBuilder {
 public:
  SeriesBuilder(SeriesMerger* merger, int client) : merger_(merger), client_(client) {}
  void Add(uint64_t second, uint64_t ns, bool error) {
    while (second > current_) Close();
    ++ops_;
    errors_ += error;
    hist_.Add(ns);
  }
  void Finish() {
    if (hist_.count() > 0) Close();
    merger_->End(client_);
  }

 private:
  void Close() {
    merger_->Add(client_, current_, ops_, errors_, hist_);
    hist_.Clear();
    ops_ = errors_ = 0;
    ++current_;
  }

  SeriesMerger* const merger_;
  const int client_;
  uint64_t current_ = 0;
  uint64_t ops_ = 0, errors_ = 0;
  Histogram hist_;
};

// The run's storage errors: counts them, keeps the first, and with `stop`
// raises the flag every client checks before its next request.
// Thread-safe.
class StorageErrorLatch {
 public:
  explicit StorageErrorLatch(bool stop) : stop_(stop) {}

  // Notes the status `s` of `op`, made by `client`, if it is a storage error.
  void Observe(const Status& s, const Op& op, int client, bool warmup) {
    if (!s.IsStorageError()) return;
    count_.fetch_add(1, std::memory_order_relaxed);
    if (!stop_) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (!first_) first_ = StorageError{DescribeOp(op), s, client, warmup};
    stopped_.store(true, std::memory_order_release);
  }
  bool stopped() const { return stopped_.load(std::memory_order_acquire); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  // REQUIRES: every client has ended.
  std::optional<StorageError> first() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_;
  }

 private:
  const bool stop_;
  std::atomic<bool> stopped_{false};
  std::atomic<uint64_t> count_{0};
  std::mutex mu_;
  std::optional<StorageError> first_;
};

// Holds every client until all have arrived; the last one to arrive reads
// the store's background work and takes the measured start time, which all
// of them get. Thread-safe.
class StartGate {
 public:
  StartGate(int clients, const Store* store) : clients_(clients), store_(store) {}
  Clock::time_point ArriveAndWait() {
    std::unique_lock<std::mutex> lock(mu_);
    if (++arrived_ == clients_) {
      background_ = store_->background_work();
      start_ = Clock::now();
      all_arrived_.notify_all();
    } else {
      all_arrived_.wait(lock, [this] { return arrived_ == clients_; });
    }
    return start_;
  }
  // REQUIRES: every client has arrived.
  Clock::time_point start() {
    std::lock_guard<std::mutex> lock(mu_);
    return start_;
  }
  // The store's background work at the start. REQUIRES: as start().
  BackgroundWork background() {
    std::lock_guard<std::mutex> lock(mu_);
    return background_;
  }

 private:
  std::mutex mu_;
  std::condition_variable all_arrived_;
  const int clients_;
  const Store* const store_;
  int arrived_ = 0;
  Clock::time_point start_;
  BackgroundWork background_;
};

// What every client reads; only the gate and the merger are written, and
// they synchronize themselves.
struct RunContext {
  std::span<const Op> trace;
  size_t warmup = 0;
  size_t threads = 1;
  double duration_s = 0;
  std::span<const int64_t> schedule;  // open loop: due offsets of the measured ops
  StartGate* gate = nullptr;
  SeriesMerger* merger = nullptr;
  StorageErrorLatch* errors = nullptr;
};

// Waits until `due` or until `errors` stops the run: sleeps most of the way
// in slices of at most kStopCheck, then spins for precision.
constexpr auto kStopCheck = std::chrono::milliseconds(5);
void WaitUntil(Clock::time_point due, const StorageErrorLatch& errors) {
  for (auto left = due - Clock::now(); left > std::chrono::microseconds(200);
       left = due - Clock::now()) {
    if (errors.stopped()) return;
    const Clock::duration nap = left - std::chrono::microseconds(100);
    std::this_thread::sleep_for(std::min<Clock::duration>(nap, kStopCheck));
  }
  while (Clock::now() < due) {
  }
}

// One client: its own MeasuredStore over the shared store, its share of the
// trace (ops id, id + threads, ...).
class Client {
 public:
  Client(Store* store, size_t id, const RunContext& ctx) : m_(store), id_(id), ctx_(ctx) {}

  void Run() {
    m_.set_recording(false);
    for (size_t i = id_; i < ctx_.warmup && !ctx_.errors->stopped(); i += ctx_.threads) {
      ctx_.errors->Observe(RunOp(m_, ctx_.trace[i]), ctx_.trace[i], static_cast<int>(id_),
                           /*warmup=*/true);
    }
    // Arrives even when stopped, so that no other client waits for it.
    const Clock::time_point start = ctx_.gate->ArriveAndWait();
    m_.set_recording(true);
    Measure(start);
  }
  const MeasuredStore& measured() const { return m_; }
  // Duration mode: the client ran all of its share before the deadline.
  bool ran_out() const { return ran_out_; }

 private:
  void Measure(Clock::time_point start) {
    SeriesBuilder series(ctx_.merger, static_cast<int>(id_));
    const auto deadline = ctx_.duration_s > 0
                              ? start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(ctx_.duration_s))
                              : Clock::time_point::max();
    const bool open_loop = !ctx_.schedule.empty();
    const size_t measured = ctx_.trace.size() - ctx_.warmup;
    ran_out_ = false;
    size_t k = 0;  // this client's requests so far
    size_t n = id_;
    for (; n < measured; n += ctx_.threads, ++k) {
      if (ctx_.errors->stopped()) break;
      if (open_loop) {
        const Clock::time_point due = start + std::chrono::nanoseconds(ctx_.schedule[n]);
        if (due >= deadline) break;
        WaitUntil(due, *ctx_.errors);
        if (ctx_.errors->stopped()) break;
        m_.SetIntendedStart(due);
      } else if (k % 64 == 0 && Clock::now() >= deadline) {
        break;
      }
      const Op& op = ctx_.trace[ctx_.warmup + n];
      const Status s = RunOp(m_, op);
      const auto done = Clock::now();
      const auto second = static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::seconds>(done - start).count());
      series.Add(second, m_.last_latency_ns(), !s.ok());
      ctx_.errors->Observe(s, op, static_cast<int>(id_), /*warmup=*/false);
    }
    ran_out_ = n >= measured;  // false when stopped early
    series.Finish();
  }

  MeasuredStore m_;
  const size_t id_;
  const RunContext& ctx_;
  bool ran_out_ = false;
};

// Runs every client to completion: client 0 on the calling thread, the
// others on their own. Returns the wall time from the measured start.
double RunClients(std::vector<std::unique_ptr<Client>>& clients, StartGate& gate) {
  std::vector<std::thread> others;
  others.reserve(clients.size() - 1);
  for (size_t c = 1; c < clients.size(); ++c) {
    others.emplace_back([&client = *clients[c]] { client.Run(); });
  }
  clients[0]->Run();
  for (std::thread& t : others) t.join();
  const Clock::time_point end = Clock::now();
  return std::chrono::duration<double>(end - gate.start()).count();
}

}  // namespace

std::vector<int64_t> ArrivalSchedule(size_t n, double rate, Arrivals arrivals, uint64_t seed) {
  std::vector<int64_t> due(n);
  const double interval_ns = 1e9 / rate;
  if (arrivals == Arrivals::kUniform) {
    for (size_t i = 0; i < n; ++i) {
      due[i] = static_cast<int64_t>(static_cast<double>(i) * interval_ns);
    }
    return due;
  }
  Random rng(seed, kArrivalStream);
  double t = 0;
  for (size_t i = 0; i < n; ++i) {
    due[i] = static_cast<int64_t>(t);
    t += -std::log(1.0 - rng.UniformDouble()) * interval_ns;
  }
  return due;
}

RunResult RunTrace(Store& store, std::span<const Op> trace, const RunOptions& options) {
  RunResult r;
  r.open_loop = options.target_rate > 0;
  r.target_rate = options.target_rate;
  r.threads = std::max(1, options.threads);
  r.arrivals = options.arrivals;
  const size_t warmup = std::min<size_t>(options.warmup, trace.size());
  // Everything a client needs is made before any client starts.
  const std::vector<int64_t> schedule =
      r.open_loop ? ArrivalSchedule(trace.size() - warmup, options.target_rate, options.arrivals,
                                    options.arrival_seed)
                  : std::vector<int64_t>();
  StartGate gate(r.threads, &store);
  SeriesMerger merger(r.threads);
  StorageErrorLatch errors(options.stop_on_storage_error);
  const RunContext ctx{
      trace,   warmup, static_cast<size_t>(r.threads), options.duration_s, schedule, &gate,
      &merger, &errors};
  std::vector<std::unique_ptr<Client>> clients;
  for (int c = 0; c < r.threads; ++c) {
    clients.push_back(std::make_unique<Client>(&store, static_cast<size_t>(c), ctx));
  }
  r.seconds = RunClients(clients, gate);
  r.background = store.background_work() - gate.background();

  bool ran_out = false;
  for (const auto& c : clients) {
    for (int k = 0; k < kNumOpKinds; ++k) r.ops[k].Merge(c->measured().stats()[k]);
    ran_out |= c->ran_out();
  }
  r.trace_exhausted = options.duration_s > 0 && ran_out;
  for (const OpStats& s : r.ops) {
    r.all.Merge(s);
    r.measured += s.count();
  }
  r.throughput = r.seconds > 0 ? static_cast<double>(r.measured) / r.seconds : 0;
  r.series = merger.Take();
  r.storage_errors = errors.count();
  r.storage_error = errors.first();
  return r;
}

}  // namespace listbench
