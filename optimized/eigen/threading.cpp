// parallel_for over helper threads that each calling thread keeps between calls (thread_local):
// starting and joining a thread costs 30-50 µs on the 2-core CI machine, and an evaluation at
// B = 1024 makes three parallel calls in about 1.2 ms. Concurrent evaluations run on
// different calling threads, so they share no helpers and no state.
#include "optimized/eigen/threading.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
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

namespace {

// Waking a sleeping thread from another core took 25-40 µs on the 2-core CI machine (a virtual
// one): the helper joined each parallel call that long after it began, and the caller, waiting for
// the helper's last task, slept and woke as late after it ended. So each side polls a while before
// it sleeps: a caller whose tasks are all taken, for its helpers to finish (the tail of a call is
// mostly shorter), and a helper after a job, for the next (the evaluation's next call mostly comes
// within it). The price: after an evaluation's last call a helper polls for 100 µs. Polling yields
// the core at each turn: with a pause instruction instead, one other busy process on the 2 cores
// made an evaluation 40% slower (B = 1024 hard, medians of 100: 2.01–2.02 → 2.86–2.93 ms), with
// yield it stays as without polling (2.01–2.04 ms); on idle cores both gain the same.
constexpr std::chrono::microseconds kCallerPoll{500};
constexpr std::chrono::microseconds kHelperPoll{100};

// Polls done() until it holds or `limit` has passed, yielding the core between polls.
template <class Done>
void poll(const Done& done, std::chrono::microseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < until) std::this_thread::yield();
}

// Set while this thread runs a parallel_for's tasks: a task that calls parallel_for again runs
// the inner tasks itself (its helpers are busy with the outer job).
thread_local bool in_parallel_for = false;

// The helper threads of one calling thread. run() hands them a job and waits for them; between
// runs they sleep on a condition variable. Destroyed (and joined) when the calling thread exits.
class Helpers {
 public:
  Helpers() = default;
  Helpers(const Helpers&) = delete;
  Helpers& operator=(const Helpers&) = delete;
  ~Helpers() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) thread.join();
  }

  // Runs job() on up to `count` helpers (fewer where no more threads can be started) and on the
  // calling thread, and returns when every one of them has returned from it.
  void run(std::int64_t count, const std::function<void()>& job) {
    while (static_cast<std::int64_t>(threads_.size()) < count) {
      const auto index = static_cast<std::int64_t>(threads_.size());
      try {
        // The new helper waits for the next generation, not one that has passed.
        threads_.emplace_back([this, index, seen = generation_.load()] { serve(index, seen); });
      } catch (const std::system_error&) {
        break;  // fewer threads: slower, same result
      }
    }
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      job_ = &job;
      active_ = std::min<std::int64_t>(count, static_cast<std::int64_t>(threads_.size()));
      done_.store(0);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    job();
    poll([&] { return done_.load(std::memory_order_acquire) == active_; }, kCallerPoll);
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait(lock, [&] { return done_.load() == active_; });
    job_ = nullptr;
  }

 private:
  void serve(std::int64_t index, std::uint64_t seen) {
    in_parallel_for = true;  // a helper only ever runs tasks
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (!stop_) {
        lock.unlock();
        poll([&] { return generation_.load(std::memory_order_acquire) != seen; }, kHelperPoll);
        lock.lock();
      }
      wake_.wait(lock, [&] { return stop_ || generation_.load() != seen; });
      if (stop_) return;
      seen = generation_.load();
      if (index >= active_) continue;
      const std::function<void()>* job = job_;
      lock.unlock();
      (*job)();  // the job catches its tasks' exceptions
      lock.lock();
      if (done_.fetch_add(1) + 1 == active_) finished_.notify_one();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable finished_;
  const std::function<void()>* job_ = nullptr;
  std::int64_t active_ = 0;  // helpers taking part in this generation: those with index < active_
  std::atomic<std::int64_t> done_{0};  // helpers that have returned from this generation's job
  // Written under the mutex; atomic so that a polling helper can read it without the lock.
  std::atomic<std::uint64_t> generation_{0};
  bool stop_ = false;
};

}  // namespace

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
  if (helpers <= 0 || in_parallel_for) {
    worker();
  } else {
    thread_local Helpers pool;
    struct Nested {  // cleared again even if run() throws
      Nested() { in_parallel_for = true; }
      ~Nested() { in_parallel_for = false; }
      Nested(const Nested&) = delete;
      Nested& operator=(const Nested&) = delete;
    } nested;
    pool.run(helpers, worker);
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace tripletcheck::eigen
