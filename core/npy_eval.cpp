// The checks and precision dispatch between .npy arrays and Backend::evaluate (npy_eval.hpp).
#include "tripletcheck/npy_eval.hpp"

#include <cstring>
#include <type_traits>
#include <utility>

#include "tripletcheck/errors.hpp"
#include "tripletcheck/half.hpp"
#include "tripletcheck/text.hpp"

namespace tripletcheck {
namespace {

// The gradient as an array of the values' dtype and shape.
template <class T>
NpyArray gradient_array(const NpyInputs& in, const std::vector<T>& grad) {
  NpyArray out;
  out.type = in.values.type;
  out.shape = in.values.shape;
  if (in.values.type == NpyType::kFloat16) {
    out.data.resize(grad.size() * sizeof(std::uint16_t));
    for (std::size_t i = 0; i < grad.size(); ++i) {
      const std::uint16_t bits =
          float_to_half_bits(static_cast<float>(grad[i]), HalfType::kFloat16);
      std::memcpy(out.data.data() + i * sizeof bits, &bits, sizeof bits);
    }
  } else {
    out.data.resize(grad.size() * sizeof(T));
    std::memcpy(out.data.data(), grad.data(), out.data.size());
  }
  return out;
}

// Evaluates in T. `half`: the input was float16, so compute in float32 and round the loss and
// gradient back to float16.
template <class T>
Result<T> evaluate_as(const Backend& backend, const LossSpec& spec, const NpyInputs& in,
                      const EvalOptions& options, const std::vector<T>& values, bool half) {
  if (in.precomputed) {
    const DistanceView<T> view{values.data(), in.batch, in.labels.data()};
    Result<T> result = backend.evaluate(spec, view, options);
    if constexpr (std::is_same_v<T, float>) {
      if (half) {
        // evaluate_half takes embeddings only; this is the same rounding for dLoss/dD.
        result.loss = round_to_half(static_cast<float>(result.loss), HalfType::kFloat16);
        for (float& g : result.grad) g = round_to_half(g, HalfType::kFloat16);
      }
    }
    return result;
  }
  const BatchView<T> view{values.data(), in.batch, in.dim, in.labels.data()};
  if constexpr (std::is_same_v<T, float>) {
    if (half) return evaluate_half(backend, spec, view, HalfType::kFloat16, options);
  }
  return backend.evaluate(spec, view, options);
}

}  // namespace

NpyInputs values_from_npy(NpyArray values, bool precomputed, const std::string& source) {
  const char* argument = precomputed ? "distances" : "embeddings";
  if (!values.is_floating()) {
    throw InvalidArgument(argument, source,
                          std::string(argument) + " must be float16, float32 or float64, got " +
                              to_string(values.type));
  }
  const auto& shape = values.shape;
  if (precomputed && (shape.size() != 2 || shape[0] != shape[1])) {
    throw InvalidArgument(argument, source,
                          "distances must be a [B, B] matrix, got shape " + shape_text(shape));
  }
  if (!precomputed && shape.size() != 2) {
    throw InvalidArgument(argument, source,
                          "embeddings must have rank 2 [B, D], got shape " + shape_text(shape));
  }
  NpyInputs in;
  in.precomputed = precomputed;
  in.batch = shape[0];
  in.dim = precomputed ? 0 : shape[1];
  in.values = std::move(values);
  return in;
}

void labels_from_npy(NpyInputs& in, const NpyArray& labels, const std::string& source) {
  if (!labels.is_integer()) {
    throw InvalidArgument("labels", source,
                          "labels must be an integer array, got " + to_string(labels.type));
  }
  // TFA reshapes labels to [shape[0], 1], which accepts [B], [B,1], [B,1,1], ...
  bool column = !labels.shape.empty();
  for (std::size_t i = 1; i < labels.shape.size(); ++i) column = column && labels.shape[i] == 1;
  if (!column) {
    throw InvalidArgument("labels", source,
                          "labels must have shape [B] or [B, 1], got " + shape_text(labels.shape));
  }
  if (labels.shape[0] != in.batch) {
    throw InvalidArgument("labels", source,
                          std::to_string(labels.shape[0]) + " labels for a batch of " +
                              std::to_string(in.batch) + " (" +
                              (in.precomputed ? "distances" : "embeddings") + " shape " +
                              shape_text(in.values.shape) + ")");
  }
  try {
    in.labels = labels.to_int64();
  } catch (const NpyError& e) {
    throw NpyError(source + ": " + e.what());  // a uint64 label past INT64_MAX: name the file
  }
}

NpyEvaluation evaluate_npy(const Backend& backend, const LossSpec& spec, const NpyInputs& in,
                           const EvalOptions& options) {
  // NpyInputs is a plain struct: a caller may have filled it by hand, so the views below are
  // only built over buffers that really hold B×D (or B×B) values and B labels.
  const std::int64_t columns = in.precomputed ? in.batch : in.dim;
  const std::size_t step = item_size(in.values.type);
  std::int64_t count = 0;
  const bool consistent = in.batch >= 0 && columns >= 0 &&
                          in.values.shape == std::vector<std::int64_t>{in.batch, columns} &&
                          !__builtin_mul_overflow(in.batch, columns, &count) &&
                          in.values.data.size() % step == 0 &&
                          in.values.data.size() / step == static_cast<std::uint64_t>(count);
  if (!consistent) {
    throw InvalidArgument("values", shape_text(in.values.shape),
                          "does not hold batch " + std::to_string(in.batch) + " × " +
                              std::to_string(columns) + " values");
  }
  if (static_cast<std::int64_t>(in.labels.size()) != in.batch) {
    throw InvalidArgument("labels", std::to_string(in.labels.size()) + " labels",
                          "expected one per row of a batch of " + std::to_string(in.batch));
  }
  const auto run = [&](const auto& values, bool half) {
    const auto result = evaluate_as(backend, spec, in, options, values, half);
    NpyEvaluation out;
    out.loss = result.loss;
    if (options.gradient) out.gradient = gradient_array(in, result.grad);
    return out;
  };
  if (in.values.type == NpyType::kFloat64) return run(in.values.to_double(), false);
  return run(in.values.to_float(), in.values.type == NpyType::kFloat16);
}

}  // namespace tripletcheck
