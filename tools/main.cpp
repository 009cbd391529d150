// Entry point of the `tripletcheck` command line: registers the subcommands (one file each) and
// maps every failure to one line on stderr with a fixed exit status.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "backends_command.hpp"
#include "bench_report_command.hpp"
#include "checks_failed.hpp"
#include "compare_command.hpp"
#include "conform_command.hpp"
#include "eval_command.hpp"
#include "merge_reports_command.hpp"
#include "mutation_command.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/exit_status.hpp"

namespace {

int report(const std::string& message, int status) {
  std::string line = message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';  // one line, so scripts can grep and log it
  }
  std::cerr << "tripletcheck: error: " << line << '\n';
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Conformance and speed harness for the triplet losses of TensorFlow Addons "
      "(triplet_hard_loss, triplet_semihard_loss).",
      "tripletcheck"};
  app.set_version_flag("--version", TRIPLETCHECK_VERSION);
  // At most one here, and "none" reported after parsing: CLI11 checks a required subcommand before
  // unexpected words, so "tripletcheck evl" would only say that a subcommand is required.
  app.require_subcommand(0, 1);
  app.footer("Run 'tripletcheck <command> --help' for the options of a command.");

  tripletcheck::cli::add_eval_command(app);
  tripletcheck::cli::add_backends_command(app);
  tripletcheck::cli::add_golden_command(app);
  tripletcheck::cli::add_bench_report_command(app);
  tripletcheck::cli::add_compare_command(app);
  tripletcheck::cli::add_conform_command(app);
  tripletcheck::cli::add_mutation_command(app);
  tripletcheck::cli::add_merge_reports_command(app);

  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      std::string names;
      for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        names += (names.empty() ? "" : ", ") + sub->get_name();
      }
      return report("A subcommand is required: " + names + " (see --help)",
                    tripletcheck::kExitUsage);
    }
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e);  // --help, --version
    }
    return report(e.what(), tripletcheck::kExitUsage);
  } catch (const tripletcheck::cli::ChecksFailed& e) {
    return report(e.what(), tripletcheck::kExitChecksFailed);
  } catch (const tripletcheck::Error& e) {
    return report(e.what(), tripletcheck::kExitUsage);
  } catch (const std::exception& e) {
    return report(e.what(), tripletcheck::kExitChecksFailed);
  }
  return 0;
}
