// `tripletcheck compare BASELINE CONTENDER`: matches benchmarks by name, tests each with the
// Mann–Whitney U test on the repetitions, and fails (exit 1) on a confirmed regression. Each side
// is a JSON file or a directory of them (ci/bench-ab's interleaved runs), merged. Runs from
// different machines or builds are refused (exit 2) unless --allow-context-mismatch.
#include "compare_command.hpp"

#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>

#include "bench/report/comparison.hpp"
#include "bench/report/comparison_report.hpp"
#include "bench/report/output_files.hpp"
#include "bench/report/results.hpp"
#include "checks_failed.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/exit_status.hpp"

namespace tripletcheck::cli {
namespace {

struct CompareArgs {
  std::string baseline, contender;
  std::string out;  // directory for comparison.{md,json,junit.xml,html}, if any
  report::GateSettings gate;
};

report::Results load_side(const std::string& argument, const std::string& path) {
  report::Results r = report::load_results(path);
  if (r.benchmarks.empty()) {
    throw InvalidArgument(argument, path,
                          "no benchmarks in it (did --benchmark_filter match nothing?)");
  }
  return r;
}

void run(const CompareArgs& args) {
  if (!(args.gate.threshold >= 0) || !std::isfinite(args.gate.threshold)) {
    throw InvalidArgument("--threshold", std::to_string(args.gate.threshold),
                          "must be a finite fraction >= 0 (0.05 is 5%)");
  }
  if (!(args.gate.alpha > 0 && args.gate.alpha < 1)) {
    throw InvalidArgument("--alpha", std::to_string(args.gate.alpha), "must be in (0, 1)");
  }
  const report::Results baseline = load_side("BASELINE", args.baseline);
  const report::Results contender = load_side("CONTENDER", args.contender);
  const report::Comparison comparison = report::compare_runs(baseline, contender, args.gate);
  const std::string markdown = report::comparison_markdown(comparison);
  if (!args.out.empty()) {
    report::write_output_files(args.out,
                               {{"comparison.md", markdown},
                                {"comparison.json", report::comparison_json(comparison)},
                                {"comparison.junit.xml", report::comparison_junit(comparison)},
                                {"comparison.html", report::comparison_html(comparison)}});
  }
  std::cout << markdown;
  if (comparison.context_mismatch && !args.gate.allow_context_mismatch) {
    std::string keys;
    for (const auto& d : comparison.context_differences) {
      if (d.blocks_comparison) keys += (keys.empty() ? "" : ", ") + d.key;
    }
    throw InvalidArgument("CONTENDER", args.contender,
                          "not comparable with the baseline: the contexts differ in " + keys +
                              " (pass --allow-context-mismatch to compare anyway)");
  }
  if (comparison.regressions() > 0) {
    throw ChecksFailed(std::to_string(comparison.regressions()) +
                       " benchmark(s) slower beyond the threshold and significant (see the "
                       "report)");
  }
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Regression gate between two Google Benchmark runs: Mann-Whitney U test on the "
      "repetitions (as compare.py), ratio threshold, Markdown/JSON/JUnit/HTML reports");
  cmd->add_option("baseline", args->baseline, "Baseline JSON file, or a directory of them")
      ->required();
  cmd->add_option("contender", args->contender, "Contender JSON file, or a directory of them")
      ->required();
  cmd->add_option("--threshold", args->gate.threshold,
                  "Slowdown (fraction of the baseline's median) a regression must exceed")
      ->capture_default_str();
  cmd->add_option("--alpha", args->gate.alpha, "Significance level of the U test")
      ->capture_default_str();
  cmd->add_flag("--allow-context-mismatch", args->gate.allow_context_mismatch,
                "Compare runs whose machine or build differ (the report says so)");
  cmd->add_option("--out", args->out,
                  "Also write comparison.md, .json, .junit.xml and .html into this directory");
  cmd->footer(exit_status_footer("no confirmed regression", "a confirmed regression",
                                 "bad input or runs from different contexts"));
  cmd->callback([args] { run(*args); });
}

}  // namespace tripletcheck::cli
