#include "sim/scenario.h"

#include <fmt/format.h>

#include <filesystem>

#include "util/toml_file.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;

class Reader {
 public:
  Reader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

  StatusOr<Scenario> Read() {
    Scenario s;
    s.file = file_;
    bool have_kind = false;
    for (const auto& [key, node] : root_) {
      const std::string k(key.str());
      Status st;
      if (k == "name") {
        st = String(node, k, &s.name);
      } else if (k == "description") {
        st = String(node, k, &s.description);
      } else if (k == "kind") {
        st = Kind(node, k, &s.kind);
        have_kind = true;
      } else if (k == "durable") {
        st = Bool(node, k, &s.durable);
      } else if (k == "listings") {
        st = Count(node, k, 10, 1000000, &s.listings);
      } else if (k == "operations") {
        st = Count(node, k, 1, 10000000, &s.operations);
      } else if (k == "workload") {
        st = String(node, k, &s.workload);
      } else if (k == "cycles") {
        st = Count(node, k, 1, 1000000, &s.cycles);
      } else if (k == "crash") {
        st = Crash(node, k, &s.crash);
      } else if (k == "crash_one_in") {
        st = Count(node, k, 1, uint64_t{1} << 40, &s.crash_one_in);
      } else if (k == "crashes") {
        st = Count(node, k, 0, 100000, &s.crashes);
      } else if (k == "cache_kib") {
        st = Count(node, k, 0, uint64_t{1} << 30, &s.cache_kib);
      } else if (k == "reopen_at_op") {
        st = Count(node, k, 0, uint64_t{1} << 40, &s.reopen_at_op);
      } else if (k == "fault") {
        st = Faults(node, &s.faults);
      } else {
        st = TomlProblem(
            file_, &node,
            fmt::format("unknown setting \"{}\" (known: name, description, kind, durable, "
                        "listings, operations, workload, cycles, crash, crash_one_in, "
                        "crashes, cache_kib, reopen_at_op, [[fault]])",
                        k));
      }
      if (!st.ok()) return st;
    }
    if (s.name.empty()) return TomlProblem(file_, nullptr, "missing name = \"...\"");
    if (!have_kind) {
      return TomlProblem(file_, nullptr, "missing kind = \"crash\" | \"errors\" | \"migration\"");
    }
    if (s.kind == DrillKind::kCrash && !s.faults.empty()) {
      return TomlProblem(
          file_, root_.get("fault"),
          "[[fault]] timelines belong to kind = \"errors\"; a crash drill crashes by "
          "crash/crash_one_in");
    }
    return s;
  }

 private:
  Status String(const toml::node& n, const std::string& k, std::string* out) {
    if (!n.is_string()) return TomlProblem(file_, &n, k + " must be a string");
    *out = *n.value<std::string>();
    return Status::OK();
  }
  Status Bool(const toml::node& n, const std::string& k, bool* out) {
    if (!n.is_boolean()) return TomlProblem(file_, &n, k + " must be true or false");
    *out = *n.value<bool>();
    return Status::OK();
  }
  Status Count(const toml::node& n, const std::string& k, uint64_t lo, uint64_t hi, uint64_t* out) {
    if (!n.is_integer()) return TomlProblem(file_, &n, k + " must be an integer");
    const int64_t v = *n.value<int64_t>();
    if (v < 0 || static_cast<uint64_t>(v) < lo || static_cast<uint64_t>(v) > hi) {
      return TomlProblem(file_, &n, fmt::format("{} = {} is out of range [{}, {}]", k, v, lo, hi));
    }
    *out = static_cast<uint64_t>(v);
    return Status::OK();
  }
  Status Names(const toml::node& n, const std::string& k, std::vector<std::string>* out) {
    const toml::array* a = n.as_array();
    if (a == nullptr) return TomlProblem(file_, &n, k + " must be an array of strings");
    for (const toml::node& e : *a) {
      if (!e.is_string()) return TomlProblem(file_, &e, k + " must be an array of strings");
      out->push_back(*e.value<std::string>());
    }
    return Status::OK();
  }

  // kind = "crash" | "errors" | "migration".
  Status Kind(const toml::node& n, const std::string& k, DrillKind* out) {
    std::string v;
    Status st = String(n, k, &v);
    if (!st.ok()) return st;
    if (v == "crash") {
      *out = DrillKind::kCrash;
    } else if (v == "errors") {
      *out = DrillKind::kErrors;
    } else if (v == "migration") {
      *out = DrillKind::kMigration;
    } else {
      return TomlProblem(file_, &n,
                         "kind must be \"crash\", \"errors\" or \"migration\", not \"" + v + "\"");
    }
    return Status::OK();
  }

  // crash = "sigkill" | "power_loss" | "both".
  Status Crash(const toml::node& n, const std::string& k, CrashMode* out) {
    std::string v;
    Status st = String(n, k, &v);
    if (!st.ok()) return st;
    if (v == "sigkill") {
      *out = CrashMode::kSigkill;
    } else if (v == "power_loss") {
      *out = CrashMode::kPowerLoss;
    } else if (v == "both") {
      *out = CrashMode::kBoth;
    } else {
      return TomlProblem(file_, &n, "crash must be sigkill, power_loss or both, not \"" + v + "\"");
    }
    return Status::OK();
  }

  // files = [...]: FileKind names, as a bit set.
  Status FileKinds(const toml::node& n, const std::string& k, uint32_t* out) {
    std::vector<std::string> names;
    Status st = Names(n, k, &names);
    *out = 0;
    for (const std::string& name : names) {
      int found = -1;
      for (int i = 0; i < kNumFileKinds; ++i) {
        if (FileKindName(static_cast<FileKind>(i)) == name) found = i;
      }
      if (found < 0) {
        return TomlProblem(
            file_, &n,
            "unknown file kind \"" + name + "\" (wal, table, journal, manifest, shm, other)");
      }
      *out |= 1u << found;
    }
    return st;
  }

  // ops = [...]: IoOp names, added to the bit set.
  Status IoOps(const toml::node& n, const std::string& k, uint32_t* out) {
    std::vector<std::string> names;
    Status st = Names(n, k, &names);
    for (const std::string& name : names) {
      int found = -1;
      for (int i = 0; i <= static_cast<int>(IoOp::kDirSync); ++i) {
        if (IoOpName(static_cast<IoOp>(i)) == name) found = i;
      }
      if (found < 0) {
        return TomlProblem(file_, &n,
                           "unknown operation \"" + name +
                               "\" (read, write, sync, open, delete, rename, dir_sync)");
      }
      *out |= 1u << found;
    }
    return st;
  }

  Status Faults(const toml::node& n, std::vector<TimedFault>* out) {
    const toml::array* a = n.as_array();
    if (a == nullptr || !a->is_array_of_tables()) {
      return TomlProblem(file_, &n, "fault must be an array of tables: [[fault]]");
    }
    for (const toml::node& e : *a) {
      TimedFault f;
      LB_RETURN_IF_ERROR(Fault(*e.as_table(), &f));
      out->push_back(std::move(f));
    }
    return Status::OK();
  }

  Status Fault(const toml::table& t, TimedFault* f) {
    bool have_kind = false;
    for (const auto& [key, node] : t) {
      const std::string k(key.str());
      Status st;
      if (k == "kind") {
        std::string v;
        st = String(node, k, &v);
        if (st.ok()) {
          StatusOr<FaultKind> kind = ParseFaultKind(v);
          if (!kind.ok()) return TomlProblem(file_, &node, kind.status().message());
          f->rule.kind = *kind;
          have_kind = true;
        }
      } else if (k == "persistent") {
        st = Bool(node, k, &f->rule.persistent);
      } else if (k == "nth") {
        st = Count(node, k, 1, uint64_t{1} << 40, &f->rule.nth);
      } else if (k == "one_in") {
        st = Count(node, k, 1, uint64_t{1} << 40, &f->rule.one_in);
      } else if (k == "max_fires") {
        st = Count(node, k, 1, uint64_t{1} << 40, &f->rule.max_fires);
      } else if (k == "byte_budget") {
        st = Count(node, k, 0, uint64_t{1} << 50, &f->rule.byte_budget);
      } else if (k == "latency_us") {
        st = Count(node, k, 1, 10000000, &f->rule.latency_us);
      } else if (k == "from_op") {
        st = Count(node, k, 0, uint64_t{1} << 40, &f->from_op);
      } else if (k == "until_op") {
        st = Count(node, k, 0, uint64_t{1} << 40, &f->until_op);
      } else if (k == "label") {
        st = String(node, k, &f->rule.label);
      } else if (k == "files") {
        st = FileKinds(node, k, &f->rule.file_kinds);
      } else if (k == "ops") {
        st = IoOps(node, k, &f->rule.ops);
      } else {
        st = TomlProblem(file_, &node,
                         "unknown fault setting \"" + k +
                             "\" (known: kind, persistent, nth, one_in, max_fires, files, ops, "
                             "byte_budget, latency_us, from_op, until_op, label)");
      }
      if (!st.ok()) return st;
    }
    if (!have_kind) return TomlProblem(file_, &t, "[[fault]] needs kind = \"...\"");
    return CheckFault(t, *f);
  }

  // What a fault needs beyond its keys: a kind errors drills inject, a window
  // that closes after it opens, and a rule the plan accepts.
  Status CheckFault(const toml::table& t, const TimedFault& f) {
    if (f.rule.kind == FaultKind::kCrash) {
      return TomlProblem(file_, &t, "crash faults belong to kind = \"crash\" scenarios");
    }
    if (f.until_op != 0 && f.until_op <= f.from_op) {
      return TomlProblem(file_, &t, "until_op must be after from_op (or 0 = never cleared)");
    }
    // The plan checks the rest (nth/one_in, budget, latency); say where.
    FaultPlan probe(1);
    StatusOr<size_t> added = probe.AddRule(f.rule);
    if (!added.ok()) return TomlProblem(file_, &t, added.status().message());
    return Status::OK();
  }

  const toml::table& root_;
  const std::string file_;
};

}  // namespace

std::string_view CrashModeName(CrashMode m) {
  switch (m) {
    case CrashMode::kSigkill:
      return "sigkill";
    case CrashMode::kPowerLoss:
      return "power_loss";
    case CrashMode::kBoth:
      return "both";
  }
  return "?";
}

StatusOr<Scenario> ParseScenarioText(const std::string& text, const std::string& name) {
  StatusOr<toml::table> root = ParseTomlText(text, name);
  if (!root.ok()) return root.status();
  return Reader(*root, name).Read();
}

StatusOr<Scenario> ParseScenarioFile(const std::string& path) {
  StatusOr<std::string> text = ReadDataFile(path, "scenario");
  if (!text.ok()) return text.status();
  return ParseScenarioText(*text, path);
}

std::string ScenarioWorkloadPath(const Scenario& s) {
  // A path (with a slash or the .toml suffix) is taken as it is.
  if (s.workload.find('/') != std::string::npos ||
      (s.workload.size() > 5 && s.workload.substr(s.workload.size() - 5) == ".toml")) {
    return s.workload;
  }
  const std::string file = s.workload + ".toml";
  std::error_code ec;
  if (!s.file.empty()) {
    fs::path near = fs::path(s.file).parent_path() / ".." / ".." / "workloads" / file;
    if (fs::exists(near, ec)) return near.lexically_normal().string();
  }
  return (fs::path("workloads") / file).string();
}

}  // namespace listbench
