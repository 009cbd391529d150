// Peak memory of a benchmark: the growth of the resident set's high-water mark (VmHWM) over the
// resident set at the start, after resetting the mark through /proc/self/clear_refs ("5").
// Chosen over counting allocations because Eigen allocates with malloc, not operator new, and
// over getrusage's ru_maxrss because that cannot be reset between benchmarks. Linux only.
#pragma once

#include <cstdint>

namespace tripletcheck::bench {

// Makes every large allocation its own mmap, returned to the system on free, so that memory a
// previous benchmark freed is not silently reused from the heap (which would hide growth).
void configure_allocator_for_peak_memory();

class PeakMemory {
 public:
  PeakMemory();  // resets the high-water mark and records the current resident set
  // Bytes by which the resident set's peak exceeded the start; -1 if /proc is unavailable.
  std::int64_t growth_bytes() const;

 private:
  std::int64_t start_rss_ = -1;
};

}  // namespace tripletcheck::bench
