// Backend::evaluate: validation and capability checks before any backend code runs.
#include "tripletcheck/backend.hpp"

#include "tripletcheck/errors.hpp"
#include "tripletcheck/validate.hpp"

namespace tripletcheck {
namespace {

template <class T>
constexpr const char* dtype_name() {
  return sizeof(T) == 4 ? "float32" : "float64";
}

template <class T>
void check_capabilities(const Backend& backend, bool gradient, bool precomputed) {
  if (!backend.available()) {
    throw Unavailable("backend " + backend.name() +
                      " is not available here: " + backend.unavailable_reason());
  }
  const Capabilities caps = backend.capabilities();
  const bool dtype_ok = sizeof(T) == 4 ? caps.float32 : caps.float64;
  if (!dtype_ok) {
    throw Unsupported("backend " + backend.name() + " does not support " + dtype_name<T>());
  }
  if (gradient && !caps.gradients) {
    throw Unsupported("backend " + backend.name() + " does not compute gradients");
  }
  if (precomputed && !caps.precomputed_distances) {
    throw Unsupported("backend " + backend.name() + " does not accept precomputed distances");
  }
}

template <class T>
Result<T> unsupported(const Backend& backend, bool precomputed) {
  throw Unsupported("backend " + backend.name() + " does not implement " + dtype_name<T>() +
                    (precomputed ? " precomputed distances" : " embeddings"));
}

}  // namespace

Result<float> Backend::evaluate(const LossSpec& spec, const BatchView<float>& batch,
                                const EvalOptions& options) const {
  validate(spec, options);
  validate(batch, options);
  check_capabilities<float>(*this, options.gradient, false);
  return run(spec, batch, options.gradient);
}

Result<double> Backend::evaluate(const LossSpec& spec, const BatchView<double>& batch,
                                 const EvalOptions& options) const {
  validate(spec, options);
  validate(batch, options);
  check_capabilities<double>(*this, options.gradient, false);
  return run(spec, batch, options.gradient);
}

Result<float> Backend::evaluate(const LossSpec& spec, const DistanceView<float>& distances,
                                const EvalOptions& options) const {
  validate(spec, options);
  validate(distances, options);
  check_capabilities<float>(*this, options.gradient, true);
  return run(spec, distances, options.gradient);
}

Result<double> Backend::evaluate(const LossSpec& spec, const DistanceView<double>& distances,
                                 const EvalOptions& options) const {
  validate(spec, options);
  validate(distances, options);
  check_capabilities<double>(*this, options.gradient, true);
  return run(spec, distances, options.gradient);
}

Result<float> Backend::run(const LossSpec&, const BatchView<float>&, bool) const {
  return unsupported<float>(*this, false);
}
Result<double> Backend::run(const LossSpec&, const BatchView<double>&, bool) const {
  return unsupported<double>(*this, false);
}
Result<float> Backend::run(const LossSpec&, const DistanceView<float>&, bool) const {
  return unsupported<float>(*this, true);
}
Result<double> Backend::run(const LossSpec&, const DistanceView<double>&, bool) const {
  return unsupported<double>(*this, true);
}

}  // namespace tripletcheck
