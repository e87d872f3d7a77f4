#include "sim/net_scenario.h"

#include <fmt/format.h>

#include <cmath>
#include <utility>

#include "util/toml_file.h"

namespace listbench {
namespace {

class NetReader {
 public:
  NetReader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

  StatusOr<NetScenario> Read() {
    NetScenario s;
    s.file = file_;
    const toml::node* heal = nullptr;
    for (const auto& [key, node] : root_) {
      const std::string k(key.str());
      Status st;
      if (k == "name") {
        st = String(node, k, &s.name);
      } else if (k == "description") {
        st = String(node, k, &s.description);
      } else if (k == "seed") {
        st = Count(node, k, 0, uint64_t{1} << 62, &s.seed);
      } else if (k == "failure") {
        st = Failure(node, k, &s.failure);
      } else if (k == "heal_after_ms") {
        st = Count(node, k, 0, 3600000, &s.heal_after_ms);
        heal = &node;
      } else if (k == "net") {
        st = Rules(node, &s.rules);
      } else {
        st = TomlProblem(file_, &node,
                         fmt::format("unknown setting \"{}\" (known: name, description, seed, "
                                     "failure, heal_after_ms, [[net]])",
                                     k));
      }
      if (!st.ok()) return st;
    }
    if (s.name.empty()) return TomlProblem(file_, nullptr, "missing name = \"...\"");
    if (heal != nullptr && s.failure != FailoverFailure::kPartition) {
      return TomlProblem(file_, heal, "heal_after_ms belongs to failure = \"partition\"");
    }
    return s;
  }

 private:
  Status String(const toml::node& n, const std::string& k, std::string* out) {
    if (!n.is_string()) return TomlProblem(file_, &n, k + " must be a string");
    *out = *n.value<std::string>();
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
  // An integer or a float in [lo, hi].
  Status Number(const toml::node& n, const std::string& k, double lo, double hi, double* out) {
    if (!n.is_number()) return TomlProblem(file_, &n, k + " must be a number");
    const double v = *n.value<double>();
    if (!std::isfinite(v) || v < lo || v > hi) {
      return TomlProblem(file_, &n, fmt::format("{} = {} is out of range [{}, {}]", k, v, lo, hi));
    }
    *out = v;
    return Status::OK();
  }

  // failure = "kill" | "power_loss" | "partition".
  Status Failure(const toml::node& n, const std::string& k, FailoverFailure* out) {
    std::string v;
    LB_RETURN_IF_ERROR(String(n, k, &v));
    if (v == "kill") {
      *out = FailoverFailure::kKill;
    } else if (v == "power_loss") {
      *out = FailoverFailure::kPowerLoss;
    } else if (v == "partition") {
      *out = FailoverFailure::kPartition;
    } else {
      return TomlProblem(
          file_, &n,
          "failure must be \"kill\", \"power_loss\" or \"partition\", not \"" + v + "\"");
    }
    return Status::OK();
  }

  // link = "client" | "detector" | "replication" | "*".
  Status Link(const toml::node& n, const std::string& k, std::string* out) {
    LB_RETURN_IF_ERROR(String(n, k, out));
    if (*out == "client" || *out == "detector" || *out == "replication" || *out == "*") {
      return Status::OK();
    }
    return TomlProblem(
        file_, &n,
        "link must be \"client\", \"detector\", \"replication\" or \"*\", not \"" + *out + "\"");
  }

  Status Rules(const toml::node& n, std::vector<NetFaultRule>* out) {
    const toml::array* a = n.as_array();
    if (a == nullptr || !a->is_array_of_tables()) {
      return TomlProblem(file_, &n, "net must be an array of tables: [[net]]");
    }
    for (const toml::node& e : *a) {
      NetFaultRule r;
      LB_RETURN_IF_ERROR(Rule(*e.as_table(), &r));
      out->push_back(std::move(r));
    }
    return Status::OK();
  }

  Status Rule(const toml::table& t, NetFaultRule* r) {
    bool have_kind = false;
    for (const auto& [key, node] : t) {
      const std::string k(key.str());
      Status st;
      if (k == "kind") {
        st = Kind(node, k, &r->kind);
        have_kind = true;
      } else if (k == "link") {
        st = Link(node, k, &r->link);
      } else if (k == "delay_ms") {
        st = Number(node, k, 0, kMaxNetDelayMs, &r->delay_ms);
      } else if (k == "jitter_ms") {
        st = Number(node, k, 0, kMaxNetDelayMs, &r->jitter_ms);
      } else if (k == "one_in") {
        st = Count(node, k, 1, uint64_t{1} << 40, &r->one_in);
      } else if (k == "from_ms") {
        st = Number(node, k, 0, 1e9, &r->from_ms);
      } else if (k == "until_ms") {
        st = Number(node, k, 0, 1e9, &r->until_ms);
      } else {
        st = TomlProblem(file_, &node,
                         "unknown net setting \"" + k +
                             "\" (known: kind, link, delay_ms, jitter_ms, one_in, from_ms, "
                             "until_ms)");
      }
      if (!st.ok()) return st;
    }
    if (!have_kind) return TomlProblem(file_, &t, "[[net]] needs kind = \"...\"");
    // The plan's own checks (what each kind needs, the window); say where.
    Status valid = ValidateNetFaultRule(*r);
    if (!valid.ok()) return TomlProblem(file_, &t, valid.message());
    return Status::OK();
  }

  Status Kind(const toml::node& n, const std::string& k, NetFaultKind* out) {
    std::string v;
    LB_RETURN_IF_ERROR(String(n, k, &v));
    StatusOr<NetFaultKind> kind = ParseNetFaultKind(v);
    if (!kind.ok()) return TomlProblem(file_, &n, kind.status().message());
    *out = *kind;
    return Status::OK();
  }

  const toml::table& root_;
  const std::string file_;
};

}  // namespace

std::string_view FailoverFailureName(FailoverFailure f) {
  switch (f) {
    case FailoverFailure::kKill:
      return "kill";
    case FailoverFailure::kPowerLoss:
      return "power_loss";
    case FailoverFailure::kPartition:
      return "partition";
  }
  return "?";
}

StatusOr<NetScenario> ParseNetScenarioText(const std::string& text, const std::string& name) {
  StatusOr<toml::table> root = ParseTomlText(text, name);
  if (!root.ok()) return root.status();
  return NetReader(*root, name).Read();
}

StatusOr<NetScenario> ParseNetScenarioFile(const std::string& path) {
  StatusOr<std::string> text = ReadDataFile(path, "failover scenario");
  if (!text.ok()) return text.status();
  return ParseNetScenarioText(*text, path);
}

}  // namespace listbench
