// One backend through the conformance checks, in the order that finds a mistake cheapest:
// the golden fixtures from the real TFA, then the counterexample corpus, then the differential
// properties (RapidCheck). The result is a BackendOutcome; nothing is printed but progress.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "conformance/golden_fixtures.hpp"
#include "conformance/run/outcome.hpp"
#include "conformance/run/settings.hpp"
#include "conformance/run/shard.hpp"
#include "tripletcheck/backend.hpp"

namespace tripletcheck::conformance {

// What the caller of a run chooses besides the checks and the case counts: the plan's request
// (plan.hpp) carries it and the runner's options get it whole.
struct RunChoices {
  std::uint64_t seed = kDefaultSeed;
  double time_budget = 0;       // seconds for all properties of one backend; 0: by cases
  bool fail_fast = false;       // stop a backend at its first failure
  bool artifacts_fail = false;  // TF float32 artifacts fail the run (--artifacts)
  bool diagnose = true;         // name the mutants that reproduce failing golden comparisons
  bool progress = true;
  std::vector<std::string> golden_cases;    // fixture ids to check; empty: all
  std::vector<std::string> corpus_files;    // the corpus to replay
  std::vector<std::string> property_names;  // empty: all
  Shard shard;  // the golden fixtures, corpus cases and properties this job runs
};

struct RunOptions {
  RunChoices choices;
  int cases = 100;     // per property
  int max_size = 100;  // RapidCheck's size limit
  bool golden = true;
  bool corpus = true;
  bool properties = true;
  std::string corpus_out;    // folder for the shrunk cases of failing properties; empty: not saved
  std::string tripletcheck;  // how to call this program, for the replay commands
  // How to rerun this backend with conform's arguments `rest`, for the replay commands; empty:
  // `<tripletcheck> conform --backend NAME <rest>`. A backend checked in its own process
  // (tripletcheck/conformance.hpp) is rerun by rerunning that process.
  std::function<std::string(const std::string& rest)> replay;
  std::string gtest_binary;  // the differential_tests binary, for RC_PARAMS replays
};

// The golden fixtures with their arrays and edge classes, loaded once for every backend.
struct GoldenSet {
  std::string directory;
  conformance::GoldenManifest manifest;
  std::vector<std::vector<std::string>> edge_classes;  // per case
};
GoldenSet load_golden_set(const std::string& directory);

BackendOutcome check_backend(const Backend& backend, const RunOptions& options,
                             const GoldenSet& golden);

}  // namespace tripletcheck::conformance
