// The reference reproduces TFA's own tests (docs/SEMANTICS.md §7.1: the 27 parametrizations' expected
// values from properties/fixtures/tfa_suite_vectors.json) and its doctests (docs/SEMANTICS.md §7.2).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "conformance/comparison.hpp"
#include "conformance/evaluate.hpp"
#include "conformance/scales.hpp"
#include "tripletcheck/half.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

const nlohmann::json& vectors() {
  static const nlohmann::json j = [] {
    std::ifstream in(TRIPLETCHECK_SOURCE_DIR "/properties/fixtures/tfa_suite_vectors.json");
    return nlohmann::json::parse(in);
  }();
  return j;
}

CaseInput suite_input(const std::string& key, const LossSpec& spec) {
  const auto& inputs = vectors().at(key);
  CaseInput in;
  in.spec = spec;
  for (const auto& row : inputs.at("embeddings_float32")) {
    in.dim = static_cast<std::int64_t>(row.size());
    for (const auto& v : row) in.values.push_back(static_cast<float>(v.get<double>()));
  }
  for (const auto& label : inputs.at("labels")) in.labels.push_back(label.get<std::int64_t>());
  in.batch = static_cast<std::int64_t>(in.labels.size());
  return in;
}

// "semihard/L2", "hard/soft=True/angular" ... → the loss options.
LossSpec parse_key(const std::string& key) {
  LossSpec spec;
  spec.loss = key.rfind("semihard", 0) == 0 ? Loss::kSemiHard : Loss::kHard;
  spec.soft = key.find("soft=True") != std::string::npos;
  spec.metric = parse_metric(key.substr(key.rfind('/') + 1));
  return spec;
}

void expect_close(double actual, double expected, Precision precision, const std::string& what) {
  const Tolerance& tol = tolerance("reference", precision, Quantity::kLoss, Regime::kTfaSuite);
  // TFA's assert_allclose: |a − b| <= atol + rtol·|b|.
  const Agreement a = compare_loss(actual, expected, std::fabs(expected));
  EXPECT_TRUE(a.within(tol)) << what << ": reference " << to_string(precision) << " gives "
                             << actual << ", expected " << expected << " (" << a.describe() << ")";
}

TEST(TfaSuite, AllParametrizationsMatchTheTestsExpectedValues) {
  const Backend& reference = find_backend("reference");
  int checked = 0;
  for (const auto& [key, expected] : vectors().at("expected").items()) {
    const LossSpec spec = parse_key(key);
    CaseInput in =
        suite_input(spec.loss == Loss::kSemiHard ? "semihard_inputs" : "hard_inputs", spec);
    expect_close(evaluate(reference, in, Precision::kFloat64).loss,
                 expected.at("tfa_test_numpy_reference_f64").get<double>(), Precision::kFloat64,
                 key + " vs TFA's numpy reference");
    expect_close(evaluate(reference, in, Precision::kFloat32).loss,
                 expected.at("tf_graph_replay_f32").get<double>(), Precision::kFloat32,
                 key + " vs the float32 graph replay");
    // The half-precision columns: the float32 graph on inputs quantized to the half type.
    for (const auto& [column, type] :
         {std::pair{"tf_graph_replay_f16_inputs", HalfType::kFloat16},
          std::pair{"tf_graph_replay_bf16_inputs", HalfType::kBFloat16}}) {
      CaseInput quantized = in;
      for (double& v : quantized.values) v = round_to_half(static_cast<float>(v), type);
      expect_close(evaluate(reference, quantized, Precision::kFloat32).loss,
                   expected.at(column).get<double>(), Precision::kFloat32, key + " vs " + column);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 9) << "3 metrics × (semihard, hard, hard-soft)";
}

// docs/SEMANTICS.md §7.2: labels [0, 0], X = [[0, 1], [1, 0]]; the callable X·Xᵀ is a precomputed matrix.
TEST(TfaDoctests, ValuesOfTheDocstrings) {
  const Backend& reference = find_backend("reference");
  CaseInput in;
  in.batch = 2;
  in.dim = 2;
  in.values = {0, 1, 1, 0};
  in.labels = {0, 0};
  CaseInput callable = in;
  callable.precomputed = true;
  callable.values = {1, 0, 0, 1};  // X·Xᵀ
  const float one_plus_root_two = 1.0f + std::sqrt(2.0f);
  in.spec.loss = Loss::kSemiHard;
  EXPECT_EQ(evaluate(reference, in, Precision::kFloat32).loss, one_plus_root_two);  // 2.4142137
  callable.spec.loss = Loss::kSemiHard;
  EXPECT_EQ(evaluate(reference, callable, Precision::kFloat32).loss, 1.0);
  in.spec.loss = Loss::kHard;
  EXPECT_EQ(evaluate(reference, in, Precision::kFloat32).loss, 1.0);
  callable.spec.loss = Loss::kHard;
  EXPECT_EQ(evaluate(reference, callable, Precision::kFloat32).loss, 0.0);
}

}  // namespace
}  // namespace tripletcheck::conformance
