// Running one differential property programmatically with RapidCheck (not through gtest), the
// only place that knows RapidCheck's detail API and message formats (property_run.cpp): pass
// or fail, the number of cases, the edge classes reached, the shrunk counterexample as a case that
// can be saved to the corpus, and the reproduce string for the gtest binary.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conformance/agreement_sink.hpp"
#include "conformance/differential_properties.hpp"

namespace tripletcheck::conformance {

struct PropertyParams {
  std::uint64_t seed = 0;
  int cases = 100;     // successful cases to run (the cap when a time limit is set)
  int max_size = 100;  // RapidCheck's size: the generators scale batch and dimension by it
  double seconds = 0;  // > 0: stop starting new cases after this long
};

// A comparison as recorded during one case (AgreementRecord without the pointer to the case).
struct RecordedAgreement {
  conformance::Precision precision = conformance::Precision::kFloat32;
  conformance::Quantity quantity = conformance::Quantity::kLoss;
  std::string against;
  conformance::Agreement agreement;
  bool within = true;
};

// Called once for every case that ran to the end (not for shrinking attempts).
using CaseCallback =
    std::function<void(const conformance::GeneratedCase&, const std::vector<std::string>& tags,
                       const std::vector<RecordedAgreement>& agreements)>;

struct PropertyRun {
  bool passed = true;
  int cases = 0;      // cases run, the failing one included
  int discarded = 0;  // draws the generator gave up on (rc::GenerationFailure)
  bool out_of_time = false;
  std::map<std::string, int> tags;  // edge class (RC_TAG) -> cases
  std::string message;              // RapidCheck's failure description, with the property's log
  // The line of `message` that says what failed: the RC_ASSERT expression, "exception: <what>",
  // or RapidCheck's first line (a run that gave up).
  std::string failure_line;
  std::string counterexample;       // the shrunk case as RapidCheck shows it
  std::string reproduce;            // "reproduce=..." for RC_PARAMS, when the property failed
  std::optional<conformance::GeneratedCase> shrunk;
  std::vector<RecordedAgreement> failing_agreements;  // the comparisons of the shrunk case
};

// The RapidCheck test id: the same as the gtest suite's, so `reproduce` works there.
std::string property_test_id(const Backend& backend, const conformance::DifferentialProperty& p);

PropertyRun run_property(const Backend& backend, const conformance::DifferentialProperty& property,
                         const PropertyParams& params, const CaseCallback& on_case);

// One stored case through the property's check (the corpus replay).
PropertyRun check_stored_case(const Backend& backend,
                              const conformance::DifferentialProperty& property,
                              const conformance::GeneratedCase& stored,
                              const CaseCallback& on_case);

}  // namespace tripletcheck::conformance
