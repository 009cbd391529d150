#include "merge_reports_command.hpp"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "checks_failed.hpp"
#include "conformance/run/merge.hpp"
#include "conformance/run/report.hpp"
#include "conformance/run/session.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/exit_status.hpp"

namespace tripletcheck::cli {
namespace {

using namespace conformance;

struct MergeArgs {
  std::vector<std::string> dirs;
  std::string report_dir = "build/reports/conform";
};

RunOutcome read_part(const std::string& dir) {
  const std::string path = dir + "/conform.json";
  std::ifstream in(path);
  if (!in) throw InvalidArgument(path, "", "cannot read: is this a conform --report-dir?");
  std::ostringstream text;
  text << in.rdbuf();
  return read_json_report(text.str(), path);
}

void run(const MergeArgs& args) {
  std::vector<RunOutcome> parts;
  for (const auto& dir : args.dirs) parts.push_back(read_part(dir));
  const RunOutcome merged = merge_shards(parts);
  prepare_report_dir("--report-dir", args.report_dir);
  write_reports(merged, args.report_dir);
  std::cout << markdown_report(merged) << std::flush;
  std::cerr << "tripletcheck merge-reports: " << parts.size() << " shards, reports in "
            << args.report_dir << "/conform.{md,json,xml}\n";
  fail_unless_passed(merged, args.report_dir);
}

}  // namespace

void add_merge_reports_command(CLI::App& app) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "merge-reports",
      "Join the report folders of a sharded conform run (conform --shard K/N, each part's "
      "--report-dir) into the conform.md/json/xml one run gives");
  cmd->add_option("DIR", args->dirs, "The parts' report folders (each with conform.json), all N")
      ->required();
  cmd->add_option("--report-dir", args->report_dir, "Where the merged conform.md, .json, .xml go")
      ->capture_default_str();
  cmd->footer(
      "The parts must be shards 1..N of one run, each once, with the same options but --shard. "
      "Times differ from one run's: a backend's seconds add up, the run's are the slowest "
      "part's; --fail-fast and the error limit stop each part on its own.\n" +
      exit_status_footer("every part passed and no known divergence went stale", "a check failed"));
  cmd->callback([args] { run(*args); });
}

}  // namespace tripletcheck::cli
