// The layering rule of ARCHITECTURE.md, checked from the sources: every
// folder has a rank, and a file may include only files of its own folder or
// of a folder of lower rank. Folders of equal rank (engine/ and workloads/,
// sim/ and migration/) are siblings and include neither each other. Equal or
// lower ranks only, so the folder graph has no cycle.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Layer {
  std::string folder;  // relative to the source root, no trailing slash
  int rank;
};

// Lowest first. A deeper folder (bench/harness) wins over its parent.
const std::vector<Layer> kLayers = {
    {"core", 0},          {"util", 1},         {"engine", 2},      {"workloads", 2},
    {"sim", 3},           {"migration", 3},    {"bench/model", 4}, {"bench/harness", 5},
    {"bench/drivers", 6}, {"bench/report", 7}, {"bench/cli", 8},   {"bench/micro", 9},
    {"tests", 10},        {"fuzz", 11},
};

// The layer of a path relative to the source root, by longest folder prefix.
std::optional<Layer> LayerOf(const std::string& path) {
  std::optional<Layer> best;
  for (const Layer& l : kLayers) {
    if (path.rfind(l.folder + "/", 0) == 0 && (!best || l.folder.size() > best->folder.size())) {
      best = l;
    }
  }
  return best;
}

// The problem with `from` including `to`, or "" when the edge points down or
// stays in its folder.
std::string EdgeProblem(const std::string& from, const std::string& to) {
  std::optional<Layer> a = LayerOf(from);
  std::optional<Layer> b = LayerOf(to);
  if (!a) return from + ": in no layer";
  if (!b) return from + " includes " + to + ", which is in no layer";
  if (a->folder == b->folder || b->rank < a->rank) return "";
  return from + " (" + a->folder + ", rank " + std::to_string(a->rank) + ") includes " + to + " (" +
         b->folder + ", rank " + std::to_string(b->rank) + ")";
}

struct Include {
  std::string from;
  std::string to;
};

// Every quoted include of every source file under the layers' folders.
std::vector<Include> ScanIncludes(const fs::path& root, std::vector<std::string>* files) {
  static const std::regex kInclude(R"re(^\s*#\s*include\s+"([^"]+)")re");
  std::vector<std::string> tops;  // top-level folders: bench/ for bench/model etc.
  for (const Layer& l : kLayers) {
    const std::string top = l.folder.substr(0, l.folder.find('/'));
    if (std::find(tops.begin(), tops.end(), top) == tops.end()) tops.push_back(top);
  }
  std::vector<Include> out;
  for (const std::string& top : tops) {
    for (const auto& e : fs::recursive_directory_iterator(root / top)) {
      const std::string ext = e.path().extension().string();
      if (!e.is_regular_file() || (ext != ".h" && ext != ".cc")) continue;
      const std::string rel = fs::relative(e.path(), root).generic_string();
      files->push_back(rel);
      std::ifstream in(e.path());
      std::string line;
      std::smatch m;
      while (std::getline(in, line)) {
        if (!std::regex_search(line, m, kInclude)) continue;
        const std::string target = m[1].str();
        if (target == "git_stamp.h") continue;  // generated into the build tree
        out.push_back({rel, target});
      }
    }
  }
  return out;
}

TEST(LayersTest, CheckerFlagsUpwardAndSiblingEdges) {
  EXPECT_EQ(EdgeProblem("engine/store_dir.cc", "core/store.h"), "");
  EXPECT_EQ(EdgeProblem("bench/report/report.cc", "bench/harness/runner.h"), "");
  EXPECT_EQ(EdgeProblem("bench/cli/cli.cc", "bench/cli/commands.h"), "");
  EXPECT_EQ(EdgeProblem("core/store.h", "engine/store_dir.h"),
            "core/store.h (core, rank 0) includes engine/store_dir.h (engine, rank 2)");
  EXPECT_EQ(EdgeProblem("engine/rocks/items.cc", "workloads/op.h"),
            "engine/rocks/items.cc (engine, rank 2) includes workloads/op.h (workloads, rank 2)");
  EXPECT_EQ(EdgeProblem("bench/drivers/sweep.cc", "bench/report/summary.h"),
            "bench/drivers/sweep.cc (bench/drivers, rank 6) includes bench/report/summary.h "
            "(bench/report, rank 7)");
  EXPECT_EQ(EdgeProblem("bench/stray.cc", "core/status.h"), "bench/stray.cc: in no layer");
}

TEST(LayersTest, IncludesPointDown) {
  const fs::path root = LISTBENCH_SOURCE_DIR;
  std::vector<std::string> files;
  const std::vector<Include> includes = ScanIncludes(root, &files);
  ASSERT_GT(files.size(), 100u) << "scanned too few files under " << root;
  std::vector<std::string> problems;
  for (const std::string& f : files) {
    if (!LayerOf(f))
      problems.push_back(f +
                         ": in no layer (add its folder to ARCHITECTURE.md "
                         "and to kLayers)");
  }
  for (const Include& inc : includes) {
    if (!fs::exists(root / inc.to)) {
      problems.push_back(inc.from + " includes " + inc.to + ", which does not exist");
      continue;
    }
    std::string p = EdgeProblem(inc.from, inc.to);
    if (!p.empty()) problems.push_back(p);
  }
  std::sort(problems.begin(), problems.end());
  std::string all;
  for (const std::string& p : problems) all += p + "\n";
  EXPECT_TRUE(problems.empty()) << problems.size() << " layering problem(s):\n" << all;
}

}  // namespace
