// /proc/self/status and /proc/self/clear_refs; glibc's mallopt.
#include "bench/peak_memory.hpp"

#include <malloc.h>

#include <fstream>
#include <string>

namespace tripletcheck::bench {
namespace {

// 128 KiB: glibc's default threshold, pinned so that it no longer grows after a free.
constexpr int kMmapThreshold = 128 * 1024;

// A field of /proc/self/status in bytes, or -1.
std::int64_t status_field_bytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == field + ":") {
      std::int64_t kib = -1;
      status >> kib;
      return kib < 0 ? -1 : kib * 1024;
    }
    std::string rest;
    std::getline(status, rest);
  }
  return -1;
}

}  // namespace

void configure_allocator_for_peak_memory() {
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kMmapThreshold);
}

PeakMemory::PeakMemory() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.close();
  if (clear.fail()) return;
  start_rss_ = status_field_bytes("VmRSS");
}

std::int64_t PeakMemory::growth_bytes() const {
  const std::int64_t peak = status_field_bytes("VmHWM");
  if (start_rss_ < 0 || peak < 0) return -1;
  return peak - start_rss_;
}

}  // namespace tripletcheck::bench
