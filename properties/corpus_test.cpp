// Every case of the counterexample corpus (properties/corpus/) through its property's check, for
// every available backend: a case that once broke some backend stays in the suite for all.
#include "conformance/corpus.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "conformance/run/property_run.hpp"
#include "conformance/test_names.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

struct Param {
  const Backend* backend;
  std::string file;
};

class Corpus : public ::testing::TestWithParam<Param> {};

TEST_P(Corpus, Replays) {
  const Backend& backend = *GetParam().backend;
  const CorpusCase c = read_corpus_case(GetParam().file);
  const DifferentialProperty* property = find_differential_property(c.property);
  ASSERT_NE(property, nullptr) << "unknown property " << c.property;
  if (c.generated.input.precomputed && !backend.capabilities().precomputed_distances) {
    GTEST_SKIP() << backend.name() << " takes no precomputed distances";
  }
  if (const auto own = property->own_oracle(backend); own.skipped) GTEST_SKIP() << own.note;
  const auto run = conformance::check_stored_case(backend, *property, c.generated, {});
  EXPECT_TRUE(run.passed) << c.description << "\n" << run.message;
}

std::vector<Param> all_params() {
  std::vector<Param> params;
  for (const Backend* b : available_backends()) {
    for (const auto& file : list_corpus(corpus_directory())) params.push_back({b, file});
  }
  return params;
}

INSTANTIATE_TEST_SUITE_P(Backends, Corpus, ::testing::ValuesIn(all_params()),
                         [](const ::testing::TestParamInfo<Param>& param) {
                           std::string name =
                               test_name(*param.param.backend) + "_" +
                               std::filesystem::path(param.param.file).stem().string();
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace tripletcheck::conformance
