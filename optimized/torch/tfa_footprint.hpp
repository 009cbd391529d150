// What one torch-tfa call allocates at its peak, so that it refuses a batch up front
// (ResourceLimit) instead of being killed for memory: TFA's semi-hard graph holds B²×B tensors.
// Plain C++ (no LibTorch), so tests and tools can ask too.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tripletcheck/memory_cap.hpp"
#include "tripletcheck/options.hpp"

namespace tripletcheck::torch_backend {

// Semi-hard, per element of the B³ tile, at the peak (measured with VmHWM, B = 256…640,
// properties/torch_backend_test.cpp keeps the estimate above the measurement):
// forward: the tiled distances, the float mask, the shifted data and its masked product (scalars)
// and the three boolean tiles of the mask (bytes);
// forward + backward: autograd keeps the tile, the float mask and the masked product to the
// backward pass, where amin/amax's gradients build two more scalar tiles and a boolean one.
constexpr double kSemihardCubeScalars = 4;
constexpr double kSemihardCubeBytes = 3;
constexpr double kSemihardCubeScalarsWithGradient = 6;
constexpr double kSemihardCubeBytesWithGradient = 2;
// Every loss: B×B matrices of the distance graph and the loss (and their gradients), and B×D
// rows (the input's gradient, the normalized rows of the angular metric).
constexpr double kSquareScalars = 24;
constexpr double kRowScalars = 4;

inline std::uint64_t tfa_peak_bytes(Loss loss, std::int64_t batch, std::int64_t dim,
                                    bool precomputed, std::size_t scalar_size, bool gradient) {
  const double b = static_cast<double>(batch);
  const double s = static_cast<double>(scalar_size);
  double bytes = b * b * kSquareScalars * s;
  if (!precomputed) bytes += b * static_cast<double>(dim) * kRowScalars * s;
  if (loss == Loss::kSemiHard) {
    const double cube = b * b * b;
    bytes += gradient
                 ? cube * (kSemihardCubeScalarsWithGradient * s + kSemihardCubeBytesWithGradient)
                 : cube * (kSemihardCubeScalars * s + kSemihardCubeBytes);
  }
  return saturating_bytes(bytes, 1.0);
}

}  // namespace tripletcheck::torch_backend
