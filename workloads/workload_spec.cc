#include "workloads/workload_spec.h"

#include <fmt/format.h>

#include "util/toml_file.h"

namespace listbench {
namespace {

constexpr std::array<std::string_view, 2> kArrivalsNames = {"uniform", "poisson"};
constexpr std::array<std::string_view, 4> kDistributionNames = {"uniform", "zipfian", "latest",
                                                                "hotspot"};

std::string KnownOps() {
  std::string s;
  for (int k = 0; k < kNumOpKinds; ++k) {
    if (k > 0) s += ", ";
    s += OpKindName(static_cast<OpKind>(k));
  }
  return s;
}

class Reader {
 public:
  Reader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

  StatusOr<WorkloadSpec> Read() {
    WorkloadSpec w;
    w.file = file_;
    const toml::node* arrivals_node = nullptr;
    for (const auto& [key, node] : root_) {
      const std::string k(key.str());
      Status s;
      if (k == "name") {
        s = String(node, k, &w.name);
      } else if (k == "description") {
        std::string ignored;
        s = String(node, k, &ignored);
      } else if (k == "operations") {
        s = Count(node, k, 1, kMaxWorkloadOperations, &w.operations);
      } else if (k == "duration_s") {
        s = Number(node, k, 0.001, 86400, &w.duration_s);
      } else if (k == "warmup") {
        s = Count(node, k, 0, kMaxWorkloadOperations, &w.warmup);
      } else if (k == "threads") {
        uint64_t t = 0;
        s = Count(node, k, 1, kMaxWorkloadOperations, &t);
        if (s.ok() && t > 256) s = TomlProblem(file_, &node, "threads must be at most 256");
        w.threads = static_cast<int>(t);
      } else if (k == "target_rate") {
        s = Number(node, k, 0, 1e9, &w.target_rate);
      } else if (k == "arrivals") {
        s = ArrivalsSetting(node, &w.arrivals);
        arrivals_node = &node;
      } else if (k == "mix") {
        s = Mix(node, &w);
      } else if (k == "keys") {
        s = Keys(node, &w.keys);
      } else {
        s = TomlProblem(
            file_, &node,
            fmt::format("unknown setting \"{}\" (known: name, description, operations, "
                        "duration_s, warmup, threads, target_rate, arrivals, [mix], [keys])",
                        k));
      }
      if (!s.ok()) return s;
    }
    if (w.name.empty()) return TomlProblem(file_, nullptr, "missing name = \"...\"");
    if ((w.operations == 0) == (w.duration_s == 0)) {
      return TomlProblem(file_, nullptr, "give exactly one of operations = N or duration_s = S");
    }
    if (arrivals_node != nullptr && w.target_rate == 0) {
      return TomlProblem(file_, arrivals_node,
                         "arrivals applies to an open loop only: set target_rate > 0 or remove it");
    }
    double total = 0;
    for (double x : w.mix) total += x;
    if (total <= 0)
      return TomlProblem(file_, root_.get("mix"), "[mix] needs at least one positive weight");
    return w;
  }

 private:
  Status String(const toml::node& n, const std::string& k, std::string* out) {
    const auto v = n.value<std::string>();
    if (!v || !n.is_string()) return TomlProblem(file_, &n, fmt::format("{} must be a string", k));
    *out = *v;
    return Status::OK();
  }
  Status Number(const toml::node& n, const std::string& k, double lo, double hi, double* out) {
    if (!n.is_number()) return TomlProblem(file_, &n, fmt::format("{} must be a number", k));
    const double v = *n.value<double>();
    if (!(v >= lo && v <= hi)) {
      return TomlProblem(file_, &n, fmt::format("{} = {} is out of range [{}, {}]", k, v, lo, hi));
    }
    *out = v;
    return Status::OK();
  }
  Status Count(const toml::node& n, const std::string& k, int64_t lo, uint64_t hi, uint64_t* out) {
    if (!n.is_integer()) return TomlProblem(file_, &n, fmt::format("{} must be an integer", k));
    const int64_t v = *n.value<int64_t>();
    if (v < lo) return TomlProblem(file_, &n, fmt::format("{} = {} must be at least {}", k, v, lo));
    if (static_cast<uint64_t>(v) > hi) {
      return TomlProblem(file_, &n, fmt::format("{} = {} must be at most {}", k, v, hi));
    }
    *out = static_cast<uint64_t>(v);
    return Status::OK();
  }

  Status ArrivalsSetting(const toml::node& n, Arrivals* out) {
    std::string a;
    LB_RETURN_IF_ERROR(String(n, "arrivals", &a));
    for (size_t i = 0; i < kArrivalsNames.size(); ++i) {
      if (kArrivalsNames[i] == a) {
        *out = static_cast<Arrivals>(i);
        return Status::OK();
      }
    }
    return TomlProblem(file_, &n,
                       fmt::format("unknown arrivals \"{}\" (known: uniform, poisson)", a));
  }

  Status Mix(const toml::node& n, WorkloadSpec* w) {
    const toml::table* t = n.as_table();
    if (t == nullptr) return TomlProblem(file_, &n, "mix must be a table: [mix]");
    for (const auto& [key, node] : *t) {
      const std::string k(key.str());
      int kind = -1;
      for (int i = 0; i < kNumOpKinds; ++i) {
        if (OpKindName(static_cast<OpKind>(i)) == k) kind = i;
      }
      if (kind < 0) {
        return TomlProblem(
            file_, &node,
            fmt::format("unknown operation \"{}\" in [mix] (known: {})", k, KnownOps()));
      }
      LB_RETURN_IF_ERROR(Number(node, "mix." + k, 0, 1e9, &w->mix[kind]));
    }
    return Status::OK();
  }

  Status Keys(const toml::node& n, KeySpec* keys) {
    const toml::table* t = n.as_table();
    if (t == nullptr) return TomlProblem(file_, &n, "keys must be a table: [keys]");
    for (const auto& [key, node] : *t) {
      const std::string k(key.str());
      if (k == "distribution") {
        std::string d;
        LB_RETURN_IF_ERROR(String(node, k, &d));
        bool found = false;
        for (size_t i = 0; i < kDistributionNames.size(); ++i) {
          if (kDistributionNames[i] == d) {
            keys->distribution = static_cast<KeyDistribution>(i);
            found = true;
          }
        }
        if (!found) {
          return TomlProblem(
              file_, &node,
              fmt::format("unknown distribution \"{}\" (known: uniform, zipfian, latest, "
                          "hotspot)",
                          d));
        }
      } else if (k == "theta") {
        LB_RETURN_IF_ERROR(Number(node, k, 0.01, 5, &keys->theta));
      } else if (k == "hot_fraction") {
        LB_RETURN_IF_ERROR(Number(node, k, 0.0001, 1, &keys->hot_fraction));
      } else if (k == "hot_op_fraction") {
        LB_RETURN_IF_ERROR(Number(node, k, 0, 1, &keys->hot_op_fraction));
      } else {
        return TomlProblem(
            file_, &node,
            fmt::format("unknown setting \"{}\" in [keys] (known: distribution, theta, "
                        "hot_fraction, hot_op_fraction)",
                        k));
      }
    }
    return Status::OK();
  }

  const toml::table& root_;
  const std::string file_;
};

}  // namespace

std::string_view ArrivalsName(Arrivals a) { return kArrivalsNames[static_cast<size_t>(a)]; }

std::string_view KeyDistributionName(KeyDistribution d) {
  return kDistributionNames[static_cast<size_t>(d)];
}

StatusOr<WorkloadSpec> ParseWorkloadText(const std::string& text, const std::string& name) {
  StatusOr<toml::table> root = ParseTomlText(text, name);
  if (!root.ok()) return root.status();
  return Reader(*root, name).Read();
}

StatusOr<WorkloadSpec> ParseWorkloadFile(const std::string& path) {
  StatusOr<std::string> text = ReadDataFile(path, "workload");
  if (!text.ok()) return text.status();
  return ParseWorkloadText(*text, path);
}

}  // namespace listbench
