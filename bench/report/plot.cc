#include "bench/report/plot.h"

#include <cstdlib>
#include <fstream>

namespace listbench {

Status WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.flush();
  if (!out) return Status::IOError(path + ": cannot write");
  return Status::OK();
}

bool HaveGnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

bool RunGnuplot(const std::string& dir, const std::string& name, const std::string& script) {
  const std::string path = dir + "/" + name + ".gp";
  if (!WriteTextFile(path, script).ok()) return false;
  const std::string cmd = "cd '" + dir + "' && gnuplot '" + name + ".gp' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace listbench
