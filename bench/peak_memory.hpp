// Peak memory of a benchmark: the growth of the resident set's high-water mark (VmHWM) over the
// mark right after resetting it through /proc/self/clear_refs ("5"). Memory an earlier benchmark
// freed is first handed back to the system (malloc_trim), so that reusing it counts as growth.
// The allocator keeps glibc's defaults: forcing every large block to mmap (as this once did)
// made each timed call page-fault its B×B matrix in, about doubling the eigen times at B = 1024.
// Chosen over counting allocations because Eigen allocates with malloc, not operator new, and
// over getrusage's ru_maxrss because that cannot be reset between benchmarks. Linux only.
#pragma once

#include <cstdint>

namespace tripletcheck::bench {

class PeakMemory {
 public:
  PeakMemory();  // trims the heap, resets the high-water mark and records it as the baseline
  // Bytes by which the resident set's peak exceeded the baseline, >= 0; -1 if /proc is
  // unavailable. The kernel's resident-set counters are kept per thread and folded into the
  // process's every 64 page events (SPLIT_RSS_COUNTING), so both readings may lag by up to
  // 64 pages per thread: a growth smaller than that reads as 0, never as a negative peak (one
  // LibTorch benchmark measured -292 KiB as VmHWM − VmRSS with 16 OpenMP threads).
  std::int64_t growth_bytes() const;

 private:
  std::int64_t baseline_ = -1;
};

}  // namespace tripletcheck::bench
