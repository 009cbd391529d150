// Dispatch on precision and input form, once, at the edge.
#include "conformance/evaluate.hpp"

#include <stdexcept>

#include "tripletcheck/half.hpp"

namespace tripletcheck::conformance {
namespace {

template <class T>
Evaluation widen_result(const Result<T>& r) {
  return {r.loss, std::vector<double>(r.grad.begin(), r.grad.end())};
}

template <class T>
Evaluation evaluate_as(const Backend& backend, const CaseInput& in, bool gradient) {
  const std::vector<T> values(in.values.begin(), in.values.end());
  EvalOptions options;
  options.gradient = gradient;
  if (in.precomputed) {
    return widen_result(backend.evaluate(
        in.spec, DistanceView<T>{values.data(), in.batch, in.labels.data()}, options));
  }
  return widen_result(backend.evaluate(
      in.spec, BatchView<T>{values.data(), in.batch, in.dim, in.labels.data()}, options));
}

}  // namespace

Evaluation evaluate(const Backend& backend, const CaseInput& in, Precision precision,
                    bool gradient) {
  if (precision == Precision::kFloat64) return evaluate_as<double>(backend, in, gradient);
  if (precision == Precision::kFloat32) return evaluate_as<float>(backend, in, gradient);
  if (in.precomputed) throw std::invalid_argument("half-precision precomputed distances");
  const HalfType type = precision == Precision::kFloat16 ? HalfType::kFloat16 : HalfType::kBFloat16;
  const std::vector<float> values(in.values.begin(), in.values.end());
  EvalOptions options;
  options.gradient = gradient;
  return widen_result(evaluate_half(
      backend, in.spec, BatchView<float>{values.data(), in.batch, in.dim, in.labels.data()}, type,
      options));
}

bool implements(const Backend& backend, const CaseInput& input) {
  const Capabilities caps = backend.capabilities();
  if (input.precomputed)
    return caps.precomputed_distances && caps.implements.covers_loss(input.spec);
  return caps.implements.covers(input.spec);
}

}  // namespace tripletcheck::conformance
