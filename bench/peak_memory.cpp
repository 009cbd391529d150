// /proc/self/status and /proc/self/clear_refs; glibc's malloc_trim.
#include "bench/peak_memory.hpp"

#include <malloc.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace tripletcheck::bench {
namespace {

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

PeakMemory::PeakMemory() {
  // Free heap memory back to the system (every arena, the top and the free chunks within):
  // pages the call then reuses are faulted in again and count.
  malloc_trim(0);
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.close();
  if (clear.fail()) return;
  // The mark, not VmRSS: both are read from the same lagging counters, and the mark can only
  // grow from here, so the difference of two marks is never below zero but for that lag.
  baseline_ = status_field_bytes("VmHWM");
}

std::int64_t PeakMemory::growth_bytes() const {
  const std::int64_t peak = status_field_bytes("VmHWM");
  if (baseline_ < 0 || peak < 0) return -1;
  return std::max<std::int64_t>(0, peak - baseline_);
}

}  // namespace tripletcheck::bench
