// `tripletcheck conform` (and `golden`, its `--checks golden`): resolves the backends, plans the
// run (conformance/run/plan.hpp), runs golden → corpus → properties on each
// (conformance/run/runner.hpp), writes conform.md / .json / .xml into --report-dir and prints the
// Markdown. Exit status 0 when everything passed, 1 when a check failed, 2 for bad usage.
#include "conform_command.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "checks_failed.hpp"
#include "conformance/corpus.hpp"
#include "conformance/golden_fixtures.hpp"
#include "conformance/known_divergences.hpp"
#include "conformance/run/backend_resolver.hpp"
#include "conformance/run/plan.hpp"
#include "conformance/run/report.hpp"
#include "conformance/run/runner.hpp"
#include "conformance/run/session.hpp"
#include "conformance/run/settings.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/exit_status.hpp"
#include "tripletcheck/install_layout.hpp"
#include "tripletcheck/registry.hpp"
#include "tripletcheck/text.hpp"

namespace tripletcheck::cli {
namespace {

using namespace conformance;

struct ConformArgs {
  std::vector<std::string> backends;
  // Bound to --seed, --time-budget, --fail-fast, --no-diagnose, --golden-case and --property
  // directly; corpus_files, artifacts_fail and shard are filled from the options below.
  RunChoices choices;
  int cases = 0;     // 0 when not given: the defaults of settings.hpp
  int max_size = 0;  // likewise
  bool cases_given = false;
  bool max_size_given = false;
  std::string report_dir = "build/reports/conform";
  std::vector<std::string> checks;
  std::vector<std::string> replay;
  std::string corpus = conformance::corpus_directory();
  std::string save_to;  // empty: the corpus folder (registered backends), the report folder (exec)
  double exec_timeout = ExecOptions{}.timeout_seconds;
  bool no_save = false;
  std::string artifacts = "report";  // or "fail": TF float32 artifacts fail the run
  std::string fixtures = conformance::golden_directory();
  std::string shard;  // "K/N"; empty: GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS, else the whole run
};

void validate_args(ConformArgs& a) {
  if (a.cases_given && a.cases <= 0) {
    throw InvalidArgument("--cases", std::to_string(a.cases), "must be positive");
  }
  if (a.max_size_given && (a.max_size <= 0 || a.max_size > kDefaultMaxSize)) {
    throw InvalidArgument("--max-size", std::to_string(a.max_size), "must be in 1..100");
  }
  if (a.choices.time_budget < 0) {
    throw InvalidArgument("--time-budget", std::to_string(a.choices.time_budget),
                          "must be positive");
  }
  check_property_names(a.choices.property_names);
  if (!a.replay.empty()) {
    for (const auto& file : a.replay) conformance::read_corpus_case(file);  // bad file: usage error
    if (a.checks.empty()) a.checks = {"corpus"};
  }
}

bool same_path(const std::string& a, const std::string& b) {
  std::error_code ignored;
  return std::filesystem::weakly_canonical(a, ignored) ==
         std::filesystem::weakly_canonical(b, ignored);
}

// The command line that runs the same checks again.
std::string reproduce_command(const ConformArgs& a, const CheckSelection& checks,
                              const RunSettings& s) {
  std::string cmd = this_program() + " conform";
  for (const auto& b : a.backends) cmd += " --backend " + shell_quote(b);
  cmd += " --seed " + std::to_string(s.seed);
  if (a.cases > 0) cmd += " --cases " + std::to_string(a.cases);
  if (a.max_size > 0) cmd += " --max-size " + std::to_string(a.max_size);
  if (a.choices.time_budget > 0) cmd += " --time-budget " + std::to_string(a.choices.time_budget);
  if (a.artifacts != "report") cmd += " --artifacts " + a.artifacts;
  if (checks.text() != CheckSelection{}.text()) cmd += " --checks " + checks.text();
  if (a.choices.fail_fast) cmd += " --fail-fast";
  for (const auto& p : a.choices.property_names) cmd += " --property " + p;
  for (const auto& id : a.choices.golden_cases) cmd += " --golden-case " + shell_quote(id);
  if (!s.shard.empty()) cmd += " --shard " + s.shard;
  if (!same_path(a.fixtures, conformance::golden_directory()))
    cmd += " --fixtures " + shell_quote(display_path(a.fixtures));
  if (!same_path(a.corpus, conformance::corpus_directory()) && a.replay.empty())
    cmd += " --corpus " + shell_quote(display_path(a.corpus));
  for (const auto& r : a.replay) cmd += " --replay " + shell_quote(display_path(r));
  return cmd;
}

void run(ConformArgs args) {
  validate_args(args);
  prepare_report_dir("--report-dir", args.report_dir);
  if (!(args.exec_timeout > 0)) {
    throw InvalidArgument("--exec-timeout", std::to_string(args.exec_timeout), "must be positive");
  }
  BackendSet backends(ExecOptions{args.exec_timeout});
  for (const auto& name : args.backends) backends.add(name);
  if (args.backends.empty()) backends.add_available();

  const CheckSelection checks = parse_checks(args.checks);
  const auto start = std::chrono::steady_clock::now();
  GoldenSet golden;
  if (checks.golden) golden = load_golden_set(args.fixtures);
  check_golden_cases(args.choices.golden_cases, checks, golden, args.fixtures);
  PlanRequest request;
  request.checks = checks;
  request.choices = args.choices;
  request.choices.artifacts_fail = args.artifacts == "fail";
  request.choices.corpus_files =
      args.replay.empty() ? conformance::list_corpus(args.corpus) : args.replay;
  request.choices.shard =
      args.shard.empty() ? shard_from_environment() : parse_shard("--shard", args.shard);
  request.cases = args.cases;
  request.max_size = args.max_size;
  // An installed program's corpus is the package's: its finds go beside the reports.
  const std::string own_corpus =
      installed_prefix().empty() ? args.corpus : args.report_dir + "/corpus";
  request.corpus_out = args.no_save ? "" : (args.save_to.empty() ? own_corpus : args.save_to);
  // An exec program's counterexamples are its own business: beside the reports, not replayed
  // for every backend from the project's corpus from then on.
  request.exec_corpus_out = args.no_save           ? ""
                            : args.save_to.empty() ? args.report_dir + "/corpus"
                                                   : args.save_to;
  const RunPlan plan = make_run_plan(request, golden);

  RunOutcome outcome;
  RunSettings& s = outcome.settings;
  s = plan.settings;
  s.command = reproduce_command(args, checks, s);
  std::cerr << "tripletcheck conform: " << (s.shard.empty() ? "" : "shard " + s.shard + ", ")
            << "checks " << s.checks;
  if (checks.properties) {
    std::cerr << ", seed " << s.seed << ", " << s.cases
              << " cases per property (exec: " << s.exec_cases << ")";
  }
  std::cerr << "\n";

  for (const Backend* backend : backends.backends()) {
    outcome.backends.push_back(check_backend(*backend, plan.for_backend(*backend), golden));
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (request.choices.shard.whole()) {
    outcome.stale = stale_known_divergences(outcome);
  } else {
    // A part of the fixtures cannot tell a stale entry: merge-reports judges it from all parts.
    for (const auto& e : conformance::unused_known_divergences()) {
      outcome.unmatched_known_divergences.push_back(conformance::divergence_key(e));
    }
  }
  if (args.backends.empty()) {
    for (const Backend* b : registered_backends()) {
      if (!b->available()) outcome.unavailable.emplace_back(b->name(), b->unavailable_reason());
    }
  }

  write_reports(outcome, args.report_dir);
  std::cout << markdown_report(outcome) << std::flush;
  std::cerr << "tripletcheck conform: reports in " << args.report_dir << "/conform.{md,json,xml}\n";
  fail_unless_passed(outcome, args.report_dir);
}

// The options `conform` and its shorthand `golden` share.
void add_shared_options(CLI::App* cmd, ConformArgs& args) {
  cmd->add_option("--backend", args.backends,
                  "Backend to check (repeatable): a registered name, exec:'COMMAND' for an "
                  "external program (tools/EXEC_PROTOCOL.md), or mutant:NAME. Default: every "
                  "available registered backend")
      ->type_name("NAME");
  cmd->add_option("--report-dir", args.report_dir, "Where conform.md, .json and .xml go")
      ->capture_default_str();
  cmd->add_option("--golden-case", args.choices.golden_cases,
                  "Only this golden fixture id (repeatable)")
      ->type_name("ID");
  cmd->add_option("--fixtures", args.fixtures, "Golden fixture folder (manifest.json)")
      ->capture_default_str();
  cmd->add_option("--exec-timeout", args.exec_timeout,
                  "Seconds an exec: program may take per evaluation (and for --capabilities)")
      ->capture_default_str();
  cmd->add_flag("--fail-fast", args.choices.fail_fast, "Stop each backend at its first failure");
  cmd->add_option("--artifacts", args.artifacts,
                  "TF float32 artifacts (overflow past ~1e19, flush-to-zero, log1p's range) that "
                  "a port does not reproduce: 'report' lists them with their fix and passes, "
                  "'fail' fails the run as a port that must match TF bit for bit would need")
      ->check(CLI::IsMember({"report", "fail"}))
      ->capture_default_str();
  cmd->add_flag("!--no-diagnose", args.choices.diagnose,
                "Do not run the catalogue of porting mistakes on failing golden fixtures");
  cmd->add_option("--shard", args.shard,
                  "Run only the K-th of N parts (1-based; default: GoogleTest's GTEST_SHARD_INDEX "
                  "and GTEST_TOTAL_SHARDS when set): golden fixture, corpus case and property u "
                  "go to part u mod N. merge-reports joins the parts' report folders into the "
                  "report one run gives")
      ->type_name("K/N");
}

}  // namespace

void add_conform_command(CLI::App& app) {
  auto args = std::make_shared<ConformArgs>();
  CLI::App* cmd = app.add_subcommand(
      "conform",
      "Check backends against TFA's semantics: golden fixtures, the counterexample corpus and "
      "the differential properties; writes conform.md/json/xml");
  add_shared_options(cmd, *args);
  auto* cases = cmd->add_option("--cases", args->cases,
                                "Cases per property (default " + std::to_string(kDefaultCases) +
                                    "; exec: backends " + std::to_string(kExecDefaultCases) + ")")
                    ->type_name("N");
  cmd->add_option("--time-budget", args->choices.time_budget,
                  "Seconds for the properties of each backend, shared among them (the case "
                  "count stays the cap)")
      ->type_name("SECONDS");
  cmd->add_option("--seed", args->choices.seed, "RapidCheck seed (printed; fixed by default)")
      ->capture_default_str();
  auto* max_size =
      cmd->add_option("--max-size", args->max_size,
                      "RapidCheck size limit 1..100; batch and dimension grow with it (default " +
                          std::to_string(kDefaultMaxSize) + "; exec: backends " +
                          std::to_string(kExecDefaultMaxSize) + ")")
          ->type_name("N");
  cmd->add_option("--checks", args->checks,
                  "Which checks, in this order: golden,corpus,properties (default: all)")
      ->delimiter(',')
      ->type_name("LIST");
  cmd->add_option("--property", args->choices.property_names,
                  "Only this differential property (repeatable)")
      ->type_name("NAME");
  cmd->add_option("--replay", args->replay,
                  "Replay this corpus case (repeatable); implies --checks corpus unless given")
      ->type_name("FILE");
  cmd->add_option("--corpus", args->corpus, "The counterexample corpus folder to replay")
      ->capture_default_str();
  cmd->add_option("--save-to", args->save_to,
                  "Where the shrunk cases of failing properties are saved (default: --corpus; for "
                  "exec: backends, and for an installed tripletcheck, REPORT_DIR/corpus)")
      ->type_name("DIR");
  cmd->add_flag("--no-save", args->no_save, "Do not save failing cases");
  cmd->footer(
      "Order: golden fixtures (TF/TFA outputs), then the corpus (properties/corpus), then the "
      "properties; failing property cases are shrunk, saved to the corpus and printed with "
      "their replay commands. Every failure has a class: semantics (TFA's rules), ties (which "
      "subgradient), TF float32 artifact (with its fix); the report lists the most severe first "
      "and names the porting mistakes (mutants) that reproduce the failing fixtures.\n" +
      exit_status_footer("all passed (TF float32 artifacts only reported, unless --artifacts fail)",
                         "a check failed"));
  cmd->callback([args, cases, max_size] {
    args->cases_given = cases->count() > 0;
    args->max_size_given = max_size->count() > 0;
    run(*args);
  });
}

void add_golden_command(CLI::App& app) {
  auto args = std::make_shared<ConformArgs>();
  args->report_dir = "build/reports/golden";
  CLI::App* cmd = app.add_subcommand(
      "golden",
      "Check backends against the golden fixtures produced by the real TFA: `conform --checks "
      "golden`, with its reports (the worst differences by category in conform.md)");
  add_shared_options(cmd, *args);
  cmd->footer(exit_status_footer("every fixture within tolerance", "a fixture failed"));
  cmd->callback([args] {
    args->checks = {"golden"};
    run(*args);
  });
}

}  // namespace tripletcheck::cli
