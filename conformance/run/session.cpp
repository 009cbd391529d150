// Paths, report files and the stale-entry rule for the conform commands.
#include "conformance/run/session.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "conformance/run/report.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/install_layout.hpp"

namespace tripletcheck::conformance {
namespace {

namespace fs = std::filesystem;

}  // namespace

std::string display_path(const std::string& path) {
  std::error_code ec;
  const fs::path relative = fs::relative(path, fs::current_path(), ec);
  if (ec || relative.empty() || relative.string().rfind("..", 0) == 0) return path;
  return relative.string();
}

std::string this_program() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "tripletcheck";
  const std::string shown = display_path(exe.string());
  return shown.find('/') == std::string::npos ? "./" + shown : shown;
}

std::string gtest_binary() {
  // An installed program has no test suite to replay in.
  if (!installed_prefix().empty()) return {};
  const std::string binary = TRIPLETCHECK_BINARY_DIR "/properties/differential_tests";
  std::error_code ec;
  return fs::exists(binary, ec) ? display_path(binary) : std::string();
}

void prepare_report_dir(const std::string& argument, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || ::access(dir.c_str(), W_OK) != 0) {
    throw InvalidArgument(argument, dir, "cannot create or write this folder");
  }
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  if (!out) throw Error("cannot write " + path);
  out << text;
}

void write_reports(const RunOutcome& run, const std::string& dir) {
  write_text(dir + "/conform.md", markdown_report(run));
  write_text(dir + "/conform.json", json_report(run));
  write_text(dir + "/conform.xml", junit_report(run));
}

std::vector<conformance::KnownDivergence> stale_known_divergences(const RunOutcome& run) {
  std::vector<conformance::KnownDivergence> stale;
  for (const auto& e : conformance::unused_known_divergences()) {
    for (const auto& b : run.backends) {
      if (b.backend == e.subject && b.golden_complete) stale.push_back(e);
    }
  }
  return stale;
}

}  // namespace tripletcheck::conformance
