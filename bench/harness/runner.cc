#include "bench/harness/runner.h"

#include <thread>

namespace listbench {
namespace {

// Folds one second's requests into the series.
class SeriesBuilder {
 public:
  void Add(uint64_t second, uint64_t ns, bool error) {
    while (second > current_) Close();
    ++ops_;
    errors_ += error;
    hist_.Add(ns);
  }
  std::vector<Second> Finish() {
    if (hist_.count() > 0) Close();
    return std::move(series_);
  }

 private:
  void Close() {
    Second s;
    s.ops = ops_;
    s.errors = errors_;
    s.mean_us = hist_.mean() / 1000.0;
    s.p99_us = static_cast<double>(hist_.Percentile(0.99)) / 1000.0;
    s.max_us = static_cast<double>(hist_.max()) / 1000.0;
    series_.push_back(s);
    hist_.Clear();
    ops_ = errors_ = 0;
    ++current_;
  }

  uint64_t current_ = 0;
  uint64_t ops_ = 0, errors_ = 0;
  Histogram hist_;
  std::vector<Second> series_;
};

}  // namespace

std::string_view ArrivalsName(Arrivals a) {
  return a == Arrivals::kPoisson ? "poisson" : "uniform";
}

RunResult RunTrace(Store& store, std::span<const Op> trace, const RunOptions& options) {
  MeasuredStore m(&store);
  m.set_recording(false);
  const size_t warmup = std::min<size_t>(options.warmup, trace.size());
  for (size_t i = 0; i < warmup; ++i) (void)RunOp(m, trace[i]);

  RunResult r;
  r.open_loop = options.target_rate > 0;
  r.target_rate = options.target_rate;
  m.set_recording(true);
  SeriesBuilder series;
  const Clock::time_point start = Clock::now();
  const auto deadline = options.duration_s > 0
                            ? start + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(options.duration_s))
                            : Clock::time_point::max();
  const double interval_ns = r.open_loop ? 1e9 / options.target_rate : 0;
  size_t i = warmup;
  for (; i < trace.size(); ++i) {
    const uint64_t n = i - warmup;
    if (r.open_loop) {
      const Clock::time_point due =
          start +
          std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(n) * interval_ns));
      if (due >= deadline) break;
      // Sleep most of the way, then spin for precision.
      Clock::time_point now = Clock::now();
      if (due - now > std::chrono::microseconds(200)) {
        std::this_thread::sleep_for(due - now - std::chrono::microseconds(100));
      }
      while (Clock::now() < due) {
      }
      m.SetIntendedStart(due);
    } else if (n % 64 == 0 && Clock::now() >= deadline) {
      break;
    }
    const Status s = RunOp(m, trace[i]);
    const auto done = Clock::now();
    const auto second = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(done - start).count());
    series.Add(second, m.last_latency_ns(), !s.ok());
  }
  const Clock::time_point end = Clock::now();
  r.trace_exhausted = options.duration_s > 0 && i == trace.size();
  r.seconds = std::chrono::duration<double>(end - start).count();
  r.ops = m.stats();
  for (const OpStats& s : r.ops) {
    r.all.Merge(s);
    r.measured += s.count();
  }
  r.throughput = r.seconds > 0 ? static_cast<double>(r.measured) / r.seconds : 0;
  r.series = series.Finish();
  return r;
}

}  // namespace listbench
