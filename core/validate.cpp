// Input checks shared by every backend: one place, one wording.
#include "tripletcheck/validate.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "tripletcheck/errors.hpp"

namespace tripletcheck {
namespace {

// Keeps B*B and B*D far from int64 overflow, whatever a backend multiplies.
constexpr std::int64_t kMaxExtent = std::int64_t{1} << 31;

std::string str(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

void check_extent(const char* argument, std::int64_t value, const char* what) {
  if (value <= 0) throw InvalidArgument(argument, std::to_string(value), what);
  if (value >= kMaxExtent) {
    throw InvalidArgument(argument, std::to_string(value), "larger than 2^31 is not supported");
  }
}

template <class T>
void check_finite_rows(const T* values, std::int64_t rows, std::int64_t cols, const char* what) {
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t k = 0; k < cols; ++k) {
      const T v = values[i * cols + k];
      if (!std::isfinite(v)) {
        throw InvalidArgument(what,
                              "row " + std::to_string(i) + ", column " + std::to_string(k) + " = " +
                                  str(static_cast<double>(v)),
                              "non-finite value rejected by strict checking");
      }
    }
  }
}

}  // namespace

void validate(const LossSpec& spec, const EvalOptions& /*options*/) {
  if (!std::isfinite(spec.margin)) {
    throw InvalidArgument("margin", str(spec.margin), "must be finite");
  }
  if (spec.loss != Loss::kHard && spec.loss != Loss::kSemiHard) {
    throw InvalidArgument("loss", std::to_string(static_cast<int>(spec.loss)), "unknown loss");
  }
  if (spec.metric != Metric::kL2 && spec.metric != Metric::kSquaredL2 &&
      spec.metric != Metric::kAngular) {
    throw InvalidArgument("metric", std::to_string(static_cast<int>(spec.metric)),
                          "unknown metric");
  }
  if (spec.soft && spec.loss != Loss::kHard) {
    throw InvalidArgument("soft", "true", "only the hard loss has a soft variant");
  }
}

template <class T>
void validate(const BatchView<T>& batch, const EvalOptions& options) {
  check_extent("batch", batch.batch, "the batch must hold at least one embedding");
  check_extent("dim", batch.dim, "embeddings must have at least one dimension");
  if (batch.embeddings == nullptr) throw InvalidArgument("embeddings", "null", "no data");
  if (batch.labels == nullptr) throw InvalidArgument("labels", "null", "no data");
  if (options.strict) check_finite_rows(batch.embeddings, batch.batch, batch.dim, "embeddings");
}

template <class T>
void validate(const DistanceView<T>& distances, const EvalOptions& options) {
  check_extent("batch", distances.batch, "the batch must hold at least one sample");
  if (distances.distances == nullptr) throw InvalidArgument("distances", "null", "no data");
  if (distances.labels == nullptr) throw InvalidArgument("labels", "null", "no data");
  if (options.strict) {
    check_finite_rows(distances.distances, distances.batch, distances.batch, "distances");
  }
}

template void validate(const BatchView<float>&, const EvalOptions&);
template void validate(const BatchView<double>&, const EvalOptions&);
template void validate(const DistanceView<float>&, const EvalOptions&);
template void validate(const DistanceView<double>&, const EvalOptions&);

}  // namespace tripletcheck
