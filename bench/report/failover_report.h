// Reporters of `listbench failover` (bench/drivers/failover.h): the console
// table, failover.json, and two plots drawn with gnuplot from the .dat
// files written beside them: failover-timeline.png (answered and failed
// requests per 100 ms around the first run's failure, the failure,
// detection, promotion and first write marked) and, when several detector
// timeouts ran, failover-rto.png (detection, promotion and RTO against the
// timeout: the median of the runs, with their range).
#ifndef LISTBENCH_BENCH_REPORT_FAILOVER_REPORT_H_
#define LISTBENCH_BENCH_REPORT_FAILOVER_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "bench/drivers/failover.h"
#include "core/status.h"

namespace listbench {

void PrintFailoverTable(const FailoverResult& r);
nlohmann::json FailoverJson(const FailoverResult& r);
// Writes DIR/failover.json, the .dat files and (with gnuplot) the plots.
Status WriteFailoverOutputs(const std::string& dir, const FailoverResult& r);

}  // namespace listbench

#endif  // LISTBENCH_BENCH_REPORT_FAILOVER_REPORT_H_
