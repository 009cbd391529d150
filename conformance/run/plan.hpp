// From the options of `conform`, `golden` and `mutation-check` to what the runner does: one place
// that validates the check list, applies the defaults of settings.hpp (smaller for exec:
// backends) and fills both the runner's options and the settings the reports print.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/run/outcome.hpp"
#include "conformance/run/runner.hpp"
#include "conformance/run/settings.hpp"
#include "conformance/run/shard.hpp"

namespace tripletcheck {
class Backend;
}

namespace tripletcheck::conformance {

// The checks of a run, in the order they run. Throws InvalidArgument("--checks", ...) for a
// name other than golden, corpus, properties; an empty list is all three.
struct CheckSelection {
  bool golden = true;
  bool corpus = true;
  bool properties = true;
  std::string text() const;  // "golden,corpus,properties", as --checks takes it
};
CheckSelection parse_checks(const std::vector<std::string>& names);

// Throws InvalidArgument("--property", ...) for a name that is no differential property, listing
// the known ones.
void check_property_names(const std::vector<std::string>& names);
// Every --golden-case must name a fixture of `golden` (loaded from `fixtures`): an id that
// matches nothing would otherwise check nothing and pass. Throws InvalidArgument("--golden-case",
// ...) naming the unknown ids, or when the golden check is not selected.
void check_golden_cases(const std::vector<std::string>& ids, const CheckSelection& checks,
                        const GoldenSet& golden, const std::string& fixtures);

struct PlanRequest {
  CheckSelection checks;
  RunChoices choices;
  int cases = 0;                // per property; 0: kDefaultCases (exec: kExecDefaultCases)
  int max_size = 0;             // 0: kDefaultMaxSize (exec: kExecDefaultMaxSize)
  std::string corpus_out;       // registered and mutant backends; empty: nothing saved
  std::string exec_corpus_out;  // exec: backends
};

struct RunPlan {
  RunOptions options;       // registered and mutant backends
  RunOptions exec_options;  // exec: backends
  RunSettings settings;     // what the reports print; `command` is the caller's to fill
  const RunOptions& for_backend(const Backend& backend) const;
};

RunPlan make_run_plan(const PlanRequest& request, const GoldenSet& golden);

}  // namespace tripletcheck::conformance
