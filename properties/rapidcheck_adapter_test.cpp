// Pins what the RapidCheck adapter (conformance/run/property_run.cpp) relies on in RapidCheck's
// detail API and messages: the listener's case and shrink events, the shrunk counterexample, the
// reproduce string, the RC_ASSERT and exception texts. The snapshot Debian ships is from 2021;
// an upgrade that changes any of these fails here rather than in a conform report.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <stdexcept>
#include <string>

#include "conformance/agreement_sink.hpp"
#include "conformance/run/property_run.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

// A property on a batch size alone, drawn in [1, 50] and tagged odd or even; `check` decides.
DifferentialProperty probe(std::function<void(const GeneratedCase&)> check) {
  DifferentialProperty p;
  p.name = "AdapterProbe";
  p.description = "adapter probe";
  p.applies = [](const Coverage&) { return true; };
  p.generate = [](const Coverage&) {
    GeneratedCase c;
    c.input.batch = *rc::gen::inRange<std::int64_t>(1, 51);
    RC_TAG(c.input.batch % 2 == 0 ? "even" : "odd");
    return c;
  };
  p.check = [check](const Backend&, const GeneratedCase& c) { check(c); };
  return p;
}

PropertyParams params(int cases) {
  PropertyParams p;
  p.seed = 12345;
  p.cases = cases;
  return p;
}

const Backend& backend() { return find_backend("reference"); }

TEST(RapidCheckAdapter, APassingRunCountsEveryCaseAndItsTags) {
  int callbacks = 0;
  const PropertyRun run =
      run_property(backend(), probe([](const GeneratedCase&) {}), params(30),
                   [&](const GeneratedCase&, const auto&, const auto&) { ++callbacks; });
  EXPECT_TRUE(run.passed) << run.message;
  EXPECT_EQ(run.cases, 30);
  EXPECT_EQ(callbacks, 30);
  ASSERT_EQ(run.tags.count("even") + run.tags.count("odd"), 2u) << "tags arrive unquoted";
  EXPECT_EQ(run.tags.at("even") + run.tags.at("odd"), 30);
}

TEST(RapidCheckAdapter, AFailingAssertIsShrunkNamedAndReproducible) {
  const auto check = [](const GeneratedCase& c) {
    record_agreement(
        {&c.input, Precision::kFloat32, Quantity::kLoss, "probe", Agreement{}, c.input.batch < 3});
    RC_ASSERT(c.input.batch < 3);
  };
  const PropertyRun run = run_property(backend(), probe(check), params(200), {});
  ASSERT_FALSE(run.passed);
  ASSERT_TRUE(run.shrunk.has_value());
  EXPECT_EQ(run.shrunk->input.batch, 3) << "the smallest failing batch";
  EXPECT_EQ(run.failure_line, "RC_ASSERT(c.input.batch < 3)") << run.message;
  // The comparisons of the shrunk case only, not of the shrinking attempts.
  ASSERT_EQ(run.failing_agreements.size(), 1u);
  EXPECT_FALSE(run.failing_agreements[0].within);
  // The reproduce string is what RC_PARAMS takes, keyed by the gtest suite's test id.
  ASSERT_EQ(run.reproduce.rfind("reproduce=", 0), 0u) << run.reproduce;
  const rc::detail::Configuration config = rc::detail::configFromString(run.reproduce);
  EXPECT_EQ(config.reproduce.count(property_test_id(backend(), probe(check))), 1u);
}

TEST(RapidCheckAdapter, AnExceptionIsNamedByItsMessage) {
  const auto check = [](const GeneratedCase& c) {
    if (c.input.batch >= 5) throw std::runtime_error("boom at a batch of five or more");
  };
  const PropertyRun run = run_property(backend(), probe(check), params(200), {});
  ASSERT_FALSE(run.passed);
  EXPECT_EQ(run.failure_line, "exception: boom at a batch of five or more") << run.message;
  ASSERT_TRUE(run.shrunk.has_value());
  EXPECT_EQ(run.shrunk->input.batch, 5);
}

TEST(RapidCheckAdapter, AStoredCaseIsCheckedAsItIs) {
  GeneratedCase stored;
  stored.input.batch = 7;
  const PropertyRun run = check_stored_case(
      backend(), probe([](const GeneratedCase& c) { RC_ASSERT(c.input.batch < 3); }), stored, {});
  EXPECT_FALSE(run.passed);
  EXPECT_EQ(run.cases, 1);
  ASSERT_TRUE(run.shrunk.has_value());
  EXPECT_EQ(run.shrunk->input.batch, 7) << "a stored case is not shrunk";
}

TEST(RapidCheckAdapter, ATimeBoundedRunStillRunsTheCasesAskedFor) {
  PropertyParams p = params(25);
  p.seconds = 600;  // far more than needed: the case count ends the run
  const PropertyRun run = run_property(backend(), probe([](const GeneratedCase&) {}), p, {});
  EXPECT_TRUE(run.passed) << run.message;
  EXPECT_EQ(run.cases, 25);
  EXPECT_FALSE(run.out_of_time);
}

}  // namespace
}  // namespace tripletcheck::conformance
