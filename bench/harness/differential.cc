#include "bench/harness/differential.h"

namespace listbench {
namespace {

std::string OutcomeCode(const std::string& canonical) {
  return canonical.substr(0, canonical.find(' '));
}

}  // namespace

void RunDifferential(Store& a, Store& b, std::span<const Op> ops, DiffReport* report,
                     size_t max_details, bool stop_on_storage_error) {
  for (const Op& op : ops) {
    Status sa, sb;
    const std::string ra = ExecuteOp(a, op, &sa);
    const std::string rb = ExecuteOp(b, op, &sb);
    if (stop_on_storage_error && (sa.IsStorageError() || sb.IsStorageError())) {
      report->storage_error_in_b = !sa.IsStorageError();
      report->storage_error = StorageError{DescribeOp(op), sa.IsStorageError() ? sa : sb};
      return;
    }
    report->outcomes[static_cast<int>(KindOf(op))][OutcomeCode(ra)]++;
    if (ra != rb) {
      report->mismatches++;
      if (report->first_mismatches.size() < max_details) {
        report->first_mismatches.push_back({report->ops, DescribeOp(op), ra, rb});
      }
    }
    report->ops++;
  }
}

Status CheckInvariantsOfBoth(Store& a, Store& b, DiffReport* report) {
  for (Store* s : {&a, &b}) {
    std::vector<std::string> violations;
    LB_RETURN_IF_ERROR(s->CheckInvariants(&violations));
    for (std::string& v : violations) {
      report->invariant_violations.push_back(std::string(s->Name()) + ": " + v);
    }
  }
  return Status::OK();
}

}  // namespace listbench
