// TRIPLETCHECK_HD marks a function for both the GPU and the CPU under nvcc and expands to nothing
// under a plain C++ compiler, so the kernels' per-thread logic can be tested on a machine
// without a GPU (properties/cuda_logic_test.cpp).
#pragma once

#if defined(__CUDACC__)
#define TRIPLETCHECK_HD __host__ __device__
#else
#define TRIPLETCHECK_HD
#endif
