// The adapter to RapidCheck: the one file that uses its detail API (rapidcheck/Check.h:
// checkProperty with a TestListener and an explicit reproduce map, configToMinimalString) and
// reads its printed failure messages, so that the results come back as values. What it relies on
// is pinned by properties/rapidcheck_adapter_test.cpp: an upgrade that changes it fails there.
#include "conformance/run/property_run.hpp"

#include <rapidcheck.h>

#include <chrono>
#include <sstream>

#include "tripletcheck/text.hpp"

namespace tripletcheck::conformance {
namespace {

namespace rcd = rc::detail;
using conformance::GeneratedCase;

// Time-bounded runs go in chunks of this many cases, each chunk with its own seed, so that every
// chunk still sweeps RapidCheck's sizes from small to large.
constexpr int kChunkCases = 10;
constexpr std::uint64_t kChunkSeedStride = 0x9E3779B97F4A7C15ull;

// RC_TAG shows its arguments as values, so a string tag arrives quoted.
std::string unquoted(const std::string& tag) {
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"')
    return tag.substr(1, tag.size() - 2);
  return tag;
}

// Collects the comparisons of the case being evaluated and hands them on when the case counts:
// shrinking attempts are dropped, the final (shrunk) case is kept for the caller.
class Recorder final : public conformance::AgreementSink, public rcd::TestListener {
 public:
  explicit Recorder(const CaseCallback& on_case) : on_case_(on_case) {}

  void record(const conformance::AgreementRecord& r) override {
    pending.push_back({r.precision, r.quantity, r.against, r.agreement, r.within});
  }
  void onTestCaseFinished(const rcd::CaseDescription& d) override {
    if (d.result.type == rcd::CaseResult::Type::Discard) ++discards;
    if (d.result.type == rcd::CaseResult::Type::Success && current) {
      std::vector<std::string> names;
      for (const auto& tag : d.tags) names.push_back(unquoted(tag));
      for (const auto& name : names) ++tags[name];
      if (on_case_) on_case_(*current, names, pending);
      ++successes;
    }
    pending.clear();
  }
  void onShrinkTried(const rcd::CaseDescription&, bool) override { pending.clear(); }
  void onTestFinished(const rcd::TestMetadata&, const rcd::TestResult&) override {}

  std::optional<GeneratedCase> current;  // the case the property body is on
  std::vector<RecordedAgreement> pending;
  std::map<std::string, int> tags;
  int successes = 0;
  int discards = 0;

 private:
  const CaseCallback& on_case_;
};

std::string reproduce_string(const std::string& id, const rcd::Reproduce& reproduce) {
  rcd::Configuration config;
  config.reproduce[id] = reproduce;
  std::istringstream words(rcd::configToMinimalString(config));
  std::string word;
  while (words >> word) {
    if (word.rfind("reproduce=", 0) == 0) return word;
  }
  return {};
}

// RapidCheck's description of a failure: "<file>:<line>:\nRC_ASSERT(<expression>)\n\nExpands
// to:\n...", or "Exception thrown with message:\n<what()>".
std::string failure_line(const std::string& description) {
  const auto assert_at = description.find("RC_ASSERT");
  if (assert_at != std::string::npos) return first_line(description.substr(assert_at));
  const std::string exception = "Exception thrown with message:";
  if (description.rfind(exception, 0) == 0) {
    return "exception: " + first_line(description.substr(exception.size()));
  }
  return first_line(description);
}

std::string show(const rcd::Example& example) {
  std::string out;
  for (const auto& [type, value] : example) out += type + ":\n" + value + "\n";
  return out;
}

// Runs `property` (one call of checkProperty), fills `run` on failure, replaying the shrunk case
// once more so that the recorder holds it and its comparisons.
bool check_once(const rcd::Property& property, const std::string& id, const rcd::TestParams& params,
                Recorder& recorder, PropertyRun& run) {
  rcd::TestMetadata metadata;
  metadata.id = id;
  metadata.description = id;
  const rcd::TestResult result = rcd::checkProperty(property, metadata, params, recorder, {});
  rcd::FailureResult failure;
  if (result.match(failure)) {
    recorder.pending.clear();
    rcd::checkProperty(property, metadata, params, recorder, {{id, failure.reproduce}});
    run.passed = false;
    run.message = failure.description;
    run.failure_line = failure_line(failure.description);
    run.counterexample = show(failure.counterExample);
    run.reproduce = reproduce_string(id, failure.reproduce);
    run.shrunk = recorder.current;
    run.failing_agreements = recorder.pending;
    run.cases += failure.numSuccess + 1;
    return false;
  }
  rcd::SuccessResult success;
  if (result.match(success)) {
    run.cases += success.numSuccess;
    return true;
  }
  // Gave up (discards) or a RapidCheck error: our properties discard nothing, so this is a bug.
  run.passed = false;
  std::ostringstream text;
  rcd::printResultMessage(result, text);
  run.message = text.str();
  run.failure_line = first_line(run.message);
  return false;
}

}  // namespace

std::string property_test_id(const Backend& backend, const conformance::DifferentialProperty& p) {
  return backend.name() + ": " + p.description;  // as differential_test.cpp's rc::check
}

PropertyRun run_property(const Backend& backend, const conformance::DifferentialProperty& property,
                         const PropertyParams& params, const CaseCallback& on_case) {
  Recorder recorder(on_case);
  const conformance::ScopedAgreementSink sink(recorder);
  // generate() then check(), exactly as the gtest body does, so the same seed draws the same
  // cases and the reproduce string replays there.
  const rcd::Property rc_property = rcd::toProperty([&] {
    recorder.current.reset();  // a generator that throws leaves no case behind
    GeneratedCase c = property.generate(backend.capabilities().implements);
    recorder.current = c;
    property.check(backend, c);
  });
  const std::string id = property_test_id(backend, property);
  PropertyRun run;
  rcd::TestParams test;
  test.seed = params.seed;
  test.maxSize = params.max_size;
  if (params.seconds <= 0) {
    test.maxSuccess = params.cases;
    check_once(rc_property, id, test, recorder, run);
  } else {
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    for (std::uint64_t chunk = 0; run.cases < params.cases; ++chunk) {
      if (elapsed() >= params.seconds) {
        run.out_of_time = true;
        break;
      }
      test.seed = params.seed + chunk * kChunkSeedStride;
      test.maxSuccess = std::min(kChunkCases, params.cases - run.cases);
      if (!check_once(rc_property, id, test, recorder, run)) break;
    }
  }
  run.tags = recorder.tags;
  run.discarded = recorder.discards;
  return run;
}

PropertyRun check_stored_case(const Backend& backend,
                              const conformance::DifferentialProperty& property,
                              const GeneratedCase& stored, const CaseCallback& on_case) {
  Recorder recorder(on_case);
  const conformance::ScopedAgreementSink sink(recorder);
  const rcd::Property rc_property = rcd::toProperty([&] {
    recorder.current = stored;
    property.check(backend, stored);
  });
  rcd::TestParams test;
  test.maxSuccess = 1;
  PropertyRun run;
  check_once(rc_property, property_test_id(backend, property), test, recorder, run);
  run.counterexample.clear();  // nothing was generated: the stored case is the counterexample
  return run;
}

}  // namespace tripletcheck::conformance
