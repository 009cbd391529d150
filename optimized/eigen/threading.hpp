// The eigen backend's only parallelism: a fixed list of tasks shared by the calling thread and
// helper threads it keeps between calls, and the float32 denormal flush that TF's CPU kernels run
// under.
#pragma once

#include <cstdint>
#include <functional>

namespace tripletcheck::eigen {

// Below this batch size a call takes well under a millisecond and starting a thread costs more
// than it saves. (The result is the same either way.)
constexpr std::int64_t kMinParallelBatch = 192;

struct Parallelism {
  int threads = 1;               // at most this many threads run tasks, the caller included
  bool flush_denormals = false;  // float32: flush subnormals to zero like TF (docs/SEMANTICS.md §5.6)
};

// std::thread::hardware_concurrency(), at least 1.
int hardware_threads();

// Runs task(t) for every t in [0, tasks), each exactly once, on up to how.threads threads, and
// returns when all are done. Tasks are handed out dynamically, so callers must cut the work into
// tasks whose results do not depend on which thread runs them or in what order: that, and not
// the thread count, decides every bit of the result. The first exception thrown by a task is
// rethrown here after the other threads have stopped.
void parallel_for(const Parallelism& how, std::int64_t tasks,
                  const std::function<void(std::int64_t)>& task);

// Sets (and on destruction restores) flush-to-zero and denormals-are-zero for this thread.
// MXCSR is per thread, so every worker sets its own.
class FlushDenormals {
 public:
  explicit FlushDenormals(bool enable);
  ~FlushDenormals();
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
  unsigned saved_ = 0;
  bool enabled_ = false;
};

}  // namespace tripletcheck::eigen
