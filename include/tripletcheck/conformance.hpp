// The conformance checks of `tripletcheck conform` on a backend of your own, in your process:
// derive from tripletcheck::Backend (backend.hpp), then call check_conformance, or, from a
// GoogleTest suite, EXPECT_TRUE(tripletcheck::testing::Conforms(backend)) (gtest.hpp). The same
// golden fixtures from the real TFA, corpus and RapidCheck properties, the same verdict and the
// same Markdown report as the command.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tripletcheck/backend.hpp"

namespace tripletcheck {

// The environment variable that narrows a run without recompiling: conform's own options
// --checks, --golden-case, --property, --seed, --cases, --max-size, --replay, --report-dir and
// --fail-fast (e.g. TRIPLETCHECK_CONFORM="--checks golden --golden-case tfa_suite_hard_l2"). The
// replay commands of a failing run are written with it. Its options win over the request's.
constexpr const char* kConformEnvironment = "TRIPLETCHECK_CONFORM";
// The folder holding golden/ and corpus/ when ConformanceRequest::data_dir is empty.
constexpr const char* kDataDirEnvironment = "TRIPLETCHECK_DATA_DIR";

struct ConformanceRequest {
  // golden, corpus, properties, in that order; empty: all three.
  std::vector<std::string> checks;
  std::uint64_t seed = 20261128;  // conform's default: the same cases as `tripletcheck conform`
  int cases = 200;                // per property (conform's default is 2000: about a minute)
  int max_size = 0;               // RapidCheck's size limit; 0: conform's default (B up to 300)
  std::vector<std::string> golden_cases;    // fixture ids; empty: every fixture
  std::vector<std::string> property_names;  // empty: every property
  std::vector<std::string> replay;          // corpus files to replay instead of the corpus
  bool fail_fast = false;                   // stop at the first failure
  bool artifacts_fail = false;              // TF float32 artifacts fail (conform --artifacts fail)
  bool progress = false;                    // progress lines on stderr
  // The folder holding golden/ (manifest.json and arrays) and corpus/ (*.json). Empty: the
  // TRIPLETCHECK_DATA_DIR environment variable, else the installed package's share/tripletcheck
  // (gtest.hpp fills it from the CMake package), else this source tree's.
  std::string data_dir;
  // Where conform.md, conform.json and conform.xml go, and the shrunk cases of failing
  // properties (report_dir/corpus); empty: no files written.
  std::string report_dir;
  // The arguments of this program that rerun this check (e.g. --gtest_filter=Port.Conforms;
  // gtest.hpp fills it): a failure's replay command is TRIPLETCHECK_CONFORM=... <this program>
  // <rerun>.
  std::string rerun;
};

struct ConformanceVerdict {
  // Every check that ran passed and something was compared ("0 checks" is never a pass).
  bool passed = false;
  std::string summary;  // one line: PASS or FAIL, counts, the worst failure
  std::string report;   // the Markdown report (conform.md): matrix, checks, failures, replays
};

// Runs the checks of `request` on `backend` and judges them as `tripletcheck conform` does.
// Throws InvalidArgument for a bad request (an unknown check, property or fixture id, a data
// folder without the golden fixtures, a bad TRIPLETCHECK_CONFORM) and Unavailable for a backend
// that cannot run here (Backend::unavailable_reason).
ConformanceVerdict check_conformance(const Backend& backend, const ConformanceRequest& request);

}  // namespace tripletcheck
