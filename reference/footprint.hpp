// What one call of the loop reference allocates at its peak, so that it can refuse a batch up
// front (ResourceLimit) instead of being killed for memory half way through.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tripletcheck/memory_cap.hpp"

namespace tripletcheck::reference {

// B×B matrices alive at the peak, counted in the code of this folder:
// embeddings: the distance tape (D, raw, root), the two label masks, the hinge arguments and
// dLoss/dD while the loss runs (the backward pass holds fewer: tape, dLoss/dD, dLoss/dS);
constexpr double kEmbeddingPeakMatrices = 7;
// precomputed distances: the copy of D, the two masks, the hinge arguments and dLoss/dD.
constexpr double kDistancePeakMatrices = 5;
// B×D matrices: the copy of X, F (angular), dLoss/dX and the result's gradient.
constexpr double kEmbeddingRowMatrices = 4;

// Peak bytes for a batch of `batch` rows of `dim` values (dim is ignored for precomputed
// distances) of `scalar_size` bytes each; saturates at UINT64_MAX (B may be up to 2^31).
inline std::uint64_t peak_bytes(std::int64_t batch, std::int64_t dim, bool precomputed,
                                std::size_t scalar_size) {
  const double b = static_cast<double>(batch);
  const double square = b * b * (precomputed ? kDistancePeakMatrices : kEmbeddingPeakMatrices);
  const double rows = precomputed ? 0.0 : b * static_cast<double>(dim) * kEmbeddingRowMatrices;
  return saturating_bytes(square + rows, static_cast<double>(scalar_size));
}

}  // namespace tripletcheck::reference
