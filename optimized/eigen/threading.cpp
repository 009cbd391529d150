// parallel_for over std::threads started per call: the calls are coarse (a few per loss
// evaluation, each milliseconds or more), so a persistent pool would buy little and would be
// shared mutable state between concurrent evaluations.
#include "optimized/eigen/threading.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace tripletcheck::eigen {

#if defined(__SSE__)
namespace {
constexpr unsigned kFlushToZero = 0x8000;
constexpr unsigned kDenormalsAreZero = 0x0040;
}  // namespace

FlushDenormals::FlushDenormals(bool enable) : enabled_(enable) {
  if (!enabled_) return;
  saved_ = _mm_getcsr();
  _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero);
}

FlushDenormals::~FlushDenormals() {
  if (enabled_) _mm_setcsr(saved_);
}
#else
// Other architectures: IEEE gradual underflow; the tolerances cover the difference.
FlushDenormals::FlushDenormals(bool enable) : enabled_(enable) {}
FlushDenormals::~FlushDenormals() = default;
#endif

int hardware_threads() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void parallel_for(const Parallelism& how, std::int64_t tasks,
                  const std::function<void(std::int64_t)>& task) {
  if (tasks <= 0) return;
  std::atomic<std::int64_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto worker = [&] {
    const FlushDenormals flush(how.flush_denormals);
    for (;;) {
      const std::int64_t t = next.fetch_add(1);
      if (t >= tasks) return;
      try {
        task(t);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next.store(tasks);  // the others stop after their current task
      }
    }
  };

  const std::int64_t helpers = std::min<std::int64_t>(how.threads, tasks) - 1;
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(std::max<std::int64_t>(helpers, 0)));
  for (std::int64_t h = 0; h < helpers; ++h) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // fewer threads: slower, same result
    }
  }
  worker();
  for (auto& thread : pool) thread.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace tripletcheck::eigen
