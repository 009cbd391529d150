// Evaluate a case (embeddings or a precomputed distance matrix, stored as double) on any backend
// at a chosen precision: how every test reaches every backend through the one interface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/precision.hpp"
#include "tripletcheck/backend.hpp"

namespace tripletcheck::conformance {

struct CaseInput {
  LossSpec spec;
  bool precomputed = false;  // `values` is the B×B distance matrix
  std::int64_t batch = 0;
  std::int64_t dim = 0;        // B when precomputed
  std::vector<double> values;  // embeddings or distances, row-major
  std::vector<std::int64_t> labels;
};

struct Evaluation {
  double loss = 0;
  std::vector<double> gradient;  // widened exactly from the backend's precision
};

// Whether the backend implements this case's loss variant and metric, or takes precomputed
// distances for it (Capabilities::implements, precomputed_distances).
bool implements(const Backend& backend, const CaseInput& input);

// The half types evaluate in float32 and
// round the results back, as TFA does; the inputs must already be representable).
Evaluation evaluate(const Backend& backend, const CaseInput& input, Precision precision,
                    bool gradient = true);

}  // namespace tripletcheck::conformance
