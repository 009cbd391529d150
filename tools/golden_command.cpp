// `tripletcheck golden`: evaluates the golden fixtures (TF/TFA outputs, including TFA's own test
// vectors and doctests) with the chosen backends and prints, per backend, the worst differences
// by category against the tolerance table. Exit status 1 when any comparison fails.
#include "golden_command.hpp"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "checks_failed.hpp"
#include "conformance/golden_check.hpp"
#include "conformance/run/progress.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/exit_status.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::cli {
namespace {

struct GoldenArgs {
  std::string fixtures = conformance::golden_directory();
  std::vector<std::string> backends;  // empty: every available backend
  std::string report;                 // Markdown file to write, if any
};

std::vector<const Backend*> chosen_backends(const std::vector<std::string>& names) {
  if (names.empty()) return available_backends();
  std::vector<const Backend*> out;
  for (const auto& name : names) {
    const Backend& b = find_backend(name);
    if (!b.available()) throw Unavailable("backend " + name + ": " + b.unavailable_reason());
    out.push_back(&b);
  }
  return out;
}

void run(const GoldenArgs& args) {
  // Opened first: an unwritable report is bad input, found before minutes of checks.
  std::ofstream report_file;
  if (!args.report.empty()) {
    report_file.open(args.report);
    if (!report_file) throw InvalidArgument("--report", args.report, "cannot write this file");
  }
  const conformance::GoldenManifest manifest = conformance::load_golden_manifest(args.fixtures);
  std::ostringstream report;
  report << "# Golden fixtures\n\n"
         << manifest.cases.size() << " cases from TensorFlow " << manifest.tensorflow
         << " + TensorFlow Addons " << manifest.tensorflow_addons
         << ". Errors are relative to the comparison's scale (conformance/comparison.hpp)"
            "; bounds and reasons: conformance/tolerances.cpp.\n";
  int failures = 0;
  for (const Backend* backend : chosen_backends(args.backends)) {
    conformance::GoldenSummary summary;
    int skipped = 0;
    std::string failure_lines;
    conformance::Progress progress(backend->name(), static_cast<long>(manifest.cases.size()));
    for (std::size_t k = 0; k < manifest.cases.size(); ++k) {
      conformance::GoldenCase c = manifest.cases[k];
      if (!conformance::supports(*backend, c)) {
        ++skipped;
        continue;
      }
      conformance::load_arrays(args.fixtures, c);
      for (const auto& precision : conformance::golden_precisions(*backend, c)) {
        const auto check = conformance::check_golden_case(*backend, c, precision);
        summary.add(c, check);
        if (check.failed()) failure_lines += check.describe_failure(c, backend->name());
      }
      progress.update(static_cast<long>(k + 1));
    }
    progress.finish();
    report << "\n## " << backend->name() << "\n\n"
           << summary.comparisons() << " comparisons, " << summary.failures() << " failed"
           << (skipped ? ", " + std::to_string(skipped) +
                             " cases skipped (no precomputed-distance support)"
                       : std::string())
           << ".\n\n"
           << summary.markdown();
    if (!failure_lines.empty()) report << "\nFailures:\n\n```\n" << failure_lines << "```\n";
    failures += summary.failures();
  }
  std::cout << report.str();
  if (report_file.is_open()) report_file << report.str();
  if (failures > 0) {
    throw ChecksFailed(std::to_string(failures) + " golden comparisons failed (see the report)");
  }
}

}  // namespace

void add_golden_command(CLI::App& app) {
  auto args = std::make_shared<GoldenArgs>();
  CLI::App* cmd = app.add_subcommand(
      "golden", "Check backends against the golden fixtures produced by the real TFA");
  cmd->add_option("--fixtures", args->fixtures, "Directory holding manifest.json")
      ->capture_default_str();
  cmd->add_option("--backend", args->backends,
                  "Backend to check (repeatable; default: every available backend)");
  cmd->add_option("--report", args->report, "Also write the Markdown report to this file");
  cmd->footer(exit_status_footer("all within tolerance", "some comparison failed", "bad input"));
  cmd->callback([args] { run(*args); });
}

}  // namespace tripletcheck::cli
