// Scalar versions of the TF ops whose forward value or gradient routing matters at edge cases
// (docs/SEMANTICS.md §5.1, §5.6). Every loop of the reference goes through these, so a rule lives once.
#pragma once

#include <cmath>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace tripletcheck::reference {

// tf.maximum(x, y): the result propagates a NaN in x (Eigen's PropagateNaN, as TF's CPU kernel).
template <class T>
T tf_maximum(T x, T y) {
  if (std::isnan(x)) return x;
  return x >= y ? x : y;
}

// The gradient of tf.maximum(x, y) goes to x where x >= y (selector greater_equal): ties pass
// to x, a NaN x passes nothing (docs/SEMANTICS.md §5.1).
template <class T>
bool maximum_passes_to_first(T x, T y) {
  return x >= y;
}

// TF's CPU kernels run with denormals flushed to zero (docs/SEMANTICS.md §5.6). The float32 reference runs
// under the same guard so that it tracks TF where intermediates are subnormal; the float64 oracle
// runs with IEEE gradual underflow. MXCSR is per thread, so this is thread-safe.
class FlushDenormalsGuard {
 public:
  explicit FlushDenormalsGuard(bool enable) {
#if defined(__SSE__)
    saved_ = _mm_getcsr();
    if (enable) _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero);
#else
    (void)enable;  // other architectures: IEEE behaviour, tolerances cover the difference
#endif
  }
  ~FlushDenormalsGuard() {
#if defined(__SSE__)
    _mm_setcsr(saved_);
#endif
  }
  FlushDenormalsGuard(const FlushDenormalsGuard&) = delete;
  FlushDenormalsGuard& operator=(const FlushDenormalsGuard&) = delete;

 private:
#if defined(__SSE__)
  static constexpr unsigned kFlushToZero = 0x8000;
  static constexpr unsigned kDenormalsAreZero = 0x0040;
  unsigned saved_ = 0;
#endif
};

}  // namespace tripletcheck::reference
