// `tripletcheck bench-report RESULTS.json [more.json …] [--out DIR]`: reads the benchmark runs
// (several files merge, e.g. one per benchmark binary) and prints the backend speed comparison
// as Markdown; with --out, also writes report.md and report.html (tables and log-log charts).
#include "bench_report_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench/report/backend_speed.hpp"
#include "bench/report/output_files.hpp"
#include "bench/report/results.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/exit_status.hpp"

namespace tripletcheck::cli {
namespace {

struct BenchReportArgs {
  std::vector<std::string> files;
  std::string out;  // directory for report.md and report.html, if any
  std::string versus = report::kDefaultVersusBackend;
};

void run(const BenchReportArgs& args) {
  report::Results results = report::load_results(args.files.front());
  for (std::size_t k = 1; k < args.files.size(); ++k) {
    results.merge(report::load_results(args.files[k]));
  }
  if (results.benchmarks.empty()) {
    throw InvalidArgument("RESULTS", args.files.front(),
                          "no benchmarks in it (did --benchmark_filter match nothing?)");
  }
  for (const std::string& w : results.warnings) std::cerr << "tripletcheck: warning: " << w << '\n';
  const report::SpeedComparison comparison = report::compare_backends(results, args.versus);
  const std::string markdown = report::speed_markdown(comparison, results);
  if (!args.out.empty()) {
    report::write_output_files(
        args.out,
        {{"report.md", markdown}, {"report.html", report::speed_html(comparison, results)}});
  }
  std::cout << markdown;
}

}  // namespace

void add_bench_report_command(CLI::App& app) {
  auto args = std::make_shared<BenchReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench-report",
      "Compare the backends' speed from Google Benchmark JSON (tripletcheck_bench "
      "--benchmark_out=FILE): tables by B with the ratio to the GEMM floor, charts");
  cmd->add_option("results", args->files, "Benchmark JSON files (several are merged)")->required();
  cmd->add_option("--out", args->out, "Also write report.md and report.html into this directory");
  cmd->add_option("--versus", args->versus, "Backend the speed-up column is relative to")
      ->capture_default_str();
  cmd->footer(exit_status_footer("report written", "", "bad input"));
  cmd->callback([args] { run(*args); });
}

}  // namespace tripletcheck::cli
