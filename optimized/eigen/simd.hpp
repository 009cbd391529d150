// The vector instructions this build of the eigen backend uses, for its description and the
// benchmark context. Eigen's own SimdInstructionSetsInUse() says "AVX" for AVX, AVX2 and FMA
// alike, and FMA is what changes the GEMM's rounding, so the compiler's macros are read instead.
#pragma once

#include <Eigen/Core>
#include <string>

namespace tripletcheck::eigen {

inline std::string simd_in_use() {
  std::string sets;
  auto add = [&](const char* name) { sets += (sets.empty() ? "" : "+") + std::string(name); };
#if defined(__AVX512F__)
  add("AVX-512F");
#endif
#if defined(__AVX2__)
  add("AVX2");
#elif defined(__AVX__)
  add("AVX");
#elif defined(__SSE4_2__)
  add("SSE4.2");
#else
  add("SSE2");
#endif
#if defined(__FMA__)
  add("FMA");
#endif
  return sets + " (" + std::to_string(Eigen::internal::packet_traits<float>::size) +
         " floats per Eigen packet)";
}

}  // namespace tripletcheck::eigen
