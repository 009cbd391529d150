// `tripletcheck mutation-check`: the control first (it must pass the whole default budget), then
// each mutant with --fail-fast semantics (golden → corpus → properties, stop at the first
// failure). Prints the table of which check caught which mutant after how many cases; writes it
// as mutation.md beside the full conform reports. Exit status 1 when a mutant survives or the
// control fails.
#include "mutation_command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "checks_failed.hpp"
#include "conformance/corpus.hpp"
#include "conformance/golden_fixtures.hpp"
#include "conformance/mutants/mutant_backend.hpp"
#include "conformance/run/outcome.hpp"
#include "conformance/run/plan.hpp"
#include "conformance/run/runner.hpp"
#include "conformance/run/session.hpp"
#include "conformance/run/settings.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/exit_status.hpp"

namespace tripletcheck::cli {
namespace {

using namespace conformance;

struct MutationArgs {
  int cases = kDefaultCases;
  std::uint64_t seed = kDefaultSeed;
  std::string report_dir = "build/reports/mutation";
  std::vector<std::string> mutants;  // empty: all
  std::vector<std::string> checks = {"golden", "corpus", "properties"};
};

std::string cell_text(std::string text) {
  for (char& c : text) {
    if (c == '|' || c == '\n') c = ' ';
  }
  constexpr std::size_t kMaxCell = 140;
  if (text.size() > kMaxCell) text = text.substr(0, kMaxCell) + "…";
  return text;
}

// The mutants the diagnosis names first: all that share the best score (equivalent mistakes on
// these fixtures), with the count of failing comparisons they reproduce.
std::string diagnosis_text(const BackendOutcome& b, const std::string& self) {
  if (b.suspects.empty()) return b.passed() ? "-" : "**nothing reproduces it**";
  const Suspect& best = b.suspects.front();
  std::string names;
  bool named_self = false;
  for (const auto& s : b.suspects) {
    if (s.reproduced != best.reproduced || s.contradicted != best.contradicted) break;
    names += (names.empty() ? "" : ", ") + s.mutant;
    named_self = named_self || s.mutant == self;
  }
  return (named_self ? "" : "**other:** ") + names + " (" + std::to_string(best.reproduced) + "/" +
         std::to_string(best.failing) + ", contradicts " + std::to_string(best.contradicted) + ")";
}

std::string table(const RunOutcome& run,
                  const std::vector<const conformance::mutants::MutationInfo*>& infos) {
  std::ostringstream out;
  out << "| mutant | the mistake | semantics | verdict | caught by | cases | time | first failure "
         "| diagnosis names |\n|---|---|---|---|---|---:|---:|---|---|\n";
  for (std::size_t k = 0; k < run.backends.size(); ++k) {
    const BackendOutcome& b = run.backends[k];
    const auto& info = *infos[k];
    const bool control = info.mutation == conformance::mutants::Mutation::kNone;
    std::string verdict, caught_by = "-", first = "-";
    int cases = b.cases;
    if (!b.failures.empty()) {
      const Failure& f = b.failures.front();
      caught_by = to_string(f.kind) + " " + f.check;
      first = cell_text(f.summary);
      cases = b.cases_to_first_failure;
    }
    if (control) {
      verdict = b.passed() ? "passed (as it must)" : "**FAILED: the control must pass**";
    } else {
      verdict = b.passed() ? "**SURVIVED**" : "caught";
    }
    char time[32];
    std::snprintf(time, sizeof time, "%.1f s", b.seconds);
    out << "| " << info.name << " | " << cell_text(info.mistake) << " | " << info.spec << " | "
        << verdict << " | " << caught_by << " | " << cases << " | " << time << " | " << first
        << " | " << diagnosis_text(b, info.name) << " |\n";
  }
  return out.str();
}

void run(const MutationArgs& args) {
  if (args.cases <= 0) {
    throw InvalidArgument("--cases", std::to_string(args.cases), "must be positive");
  }
  std::vector<const conformance::mutants::MutationInfo*> infos;
  for (const auto& m : conformance::mutants::all_mutations()) {
    if (args.mutants.empty() ||
        std::find(args.mutants.begin(), args.mutants.end(), m.name) != args.mutants.end()) {
      infos.push_back(&m);
    }
  }
  for (const auto& name : args.mutants) {
    if (conformance::mutants::find_mutation(name) == nullptr) {
      std::string known;
      for (const auto& m : conformance::mutants::all_mutations()) known += " " + m.name;
      throw InvalidArgument("--mutant", name, "unknown mutant; known:" + known);
    }
  }
  prepare_report_dir("--report-dir", args.report_dir);
  const auto start = std::chrono::steady_clock::now();
  const GoldenSet golden = load_golden_set(conformance::golden_directory());

  PlanRequest request;
  request.checks = parse_checks(args.checks);
  request.choices.seed = args.seed;
  request.cases = args.cases;
  request.choices.fail_fast = true;  // a mutant is rejected by its first failure
  request.choices.diagnose = false;  // done on the whole golden set below, not on the first failure
  request.choices.progress = false;
  request.choices.corpus_files = conformance::list_corpus(conformance::corpus_directory());
  request.corpus_out = args.report_dir + "/corpus";  // never into the committed corpus
  const RunPlan plan = make_run_plan(request, golden);
  const RunOptions& options = plan.options;

  RunOutcome outcome;
  RunSettings& s = outcome.settings;
  s = plan.settings;
  s.command = this_program() + " mutation-check --seed " + std::to_string(args.seed) + " --cases " +
              std::to_string(args.cases);
  if (args.checks != MutationArgs{}.checks) s.command += " --checks " + request.checks.text();
  for (const auto& m : args.mutants) s.command += " --mutant " + m;

  RunOptions diagnosis_options = options;
  diagnosis_options.choices.fail_fast = false;
  diagnosis_options.corpus = diagnosis_options.properties = false;
  diagnosis_options.choices.diagnose = true;

  bool all_rejected = true;
  for (const auto* info : infos) {
    const auto backend = conformance::mutants::make_mutant_backend(info->mutation);
    BackendOutcome b = check_backend(*backend, options, golden);
    // What the diagnosis a porter gets would name for this mistake: every golden fixture.
    if (options.golden && !b.passed()) {
      b.suspects = check_backend(*backend, diagnosis_options, golden).suspects;
    }
    const bool control = info->mutation == conformance::mutants::Mutation::kNone;
    all_rejected = all_rejected && (control ? b.passed() : !b.passed());
    std::cerr << "mutation-check: " << backend->name() << ": "
              << (b.passed() ? (control ? "passed" : "SURVIVED")
                             : "caught by " + to_string(b.failures.front().kind) + " " +
                                   b.failures.front().check)
              << " (" << (b.passed() ? b.cases : b.cases_to_first_failure) << " cases)\n";
    outcome.backends.push_back(std::move(b));
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::ostringstream text;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.0f", outcome.seconds);
  text << "# tripletcheck mutation-check: " << (all_rejected ? "PASS" : "FAIL") << "\n\n"
       << "Every mutant is a loss with one deliberate mistake (conformance/mutants/mutation.cpp); "
          "each runs "
       << s.checks << " (seed " << args.seed << ", " << args.cases
       << " cases per property) and stops at its first failure. The control has no mistake and "
          "must pass everything. \"cases\" counts every comparison and generated case up to the "
          "first failure. \"diagnosis names\" is what a failing port is told: the mutants that "
          "reproduce the most of this mutant's failing golden comparisons (loss and gradient "
          "apart, float32) and contradict the fewest passing ones; it must be the mutant itself "
          "or an equivalent mistake. "
       << infos.size() << " backends in " << seconds << " s; details in conform.md.\n\n"
       << table(outcome, infos);
  write_reports(outcome, args.report_dir);
  write_text(args.report_dir + "/mutation.md", text.str());
  std::cout << text.str() << std::flush;
  if (!all_rejected) {
    throw ChecksFailed("a mutant survived or the control failed (see " + args.report_dir +
                       "/mutation.md)");
  }
}

}  // namespace

void add_mutation_command(CLI::App& app) {
  auto args = std::make_shared<MutationArgs>();
  CLI::App* cmd = app.add_subcommand(
      "mutation-check",
      "Show that the checks catch the classic porting mistakes: every mutant (a loss with one "
      "deliberate mistake) must fail conform, the control must pass");
  cmd->add_option("--cases", args->cases, "Cases per property")->capture_default_str();
  cmd->add_option("--seed", args->seed, "RapidCheck seed")->capture_default_str();
  cmd->add_option("--report-dir", args->report_dir,
                  "Where mutation.md, the conform reports and the mutants' shrunk cases go")
      ->capture_default_str();
  cmd->add_option("--checks", args->checks,
                  "Which checks: golden,corpus,properties (default: all; e.g. 'properties' shows "
                  "what the properties catch on their own)")
      ->delimiter(',')
      ->type_name("LIST");
  cmd->add_option("--mutant", args->mutants, "Only this mutant (repeatable; 'none' = control)")
      ->type_name("NAME");
  cmd->footer(exit_status_footer("every mutant caught and the control passed", "otherwise"));
  cmd->callback([args] { run(*args); });
}

}  // namespace tripletcheck::cli
