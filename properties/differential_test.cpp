// The differential suite: every property of support/differential_properties.hpp for every
// backend available here, through the one Backend interface (a new backend is tested by
// registering it). Failures print the shrunk case and the RC_PARAMS that replays them.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "conformance/differential_properties.hpp"
#include "conformance/test_names.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

struct Param {
  const Backend* backend;
  const DifferentialProperty* property;
};

class Differential : public ::testing::TestWithParam<Param> {};

TEST_P(Differential, Holds) {
  const Backend& backend = *GetParam().backend;
  const DifferentialProperty& property = *GetParam().property;
  if (!property.applies(backend.capabilities().implements)) {
    GTEST_SKIP() << backend.name() << " implements none of the variants this property draws";
  }
  if (const auto own = property.own_oracle(backend); own.skipped) GTEST_SKIP() << own.note;
  // rc::check prints its own report: the distribution of edge classes, or the shrunk case.
  EXPECT_TRUE(
      rc::check(backend.name() + ": " + property.description, [&] { property.body(backend); }));
}

std::vector<Param> all_params() {
  std::vector<Param> params;
  for (const Backend* b : available_backends()) {
    for (const auto& p : differential_properties()) params.push_back({b, &p});
  }
  return params;
}

INSTANTIATE_TEST_SUITE_P(Backends, Differential, ::testing::ValuesIn(all_params()),
                         [](const ::testing::TestParamInfo<Param>& param) {
                           return test_name(*param.param.backend) + "_" +
                                  param.param.property->name;
                         });

}  // namespace
}  // namespace tripletcheck::conformance
