// parallel_for (optimized/eigen/threading.hpp) keeps each calling thread's helpers between calls.
// What the backend relies on: every task runs exactly once, whatever the thread and task counts,
// call after call on the same helpers; a task that calls parallel_for again gets all its inner
// tasks run (the helpers are busy, so it runs them itself); a throwing task's exception reaches
// the caller and the helpers still serve the next call; concurrent callers do not share helpers.
// The ThreadSanitizer preset runs these too (its filter takes every eigen.* test).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "optimized/eigen/threading.hpp"

namespace tripletcheck::eigen {
namespace {

// How often each of `tasks` tasks ran in one call.
std::vector<int> run_counts(const Parallelism& how, std::int64_t tasks) {
  std::vector<std::atomic<int>> runs(static_cast<std::size_t>(tasks));
  parallel_for(how, tasks, [&](std::int64_t t) { runs[static_cast<std::size_t>(t)].fetch_add(1); });
  std::vector<int> counts;
  for (const auto& r : runs) counts.push_back(r.load());
  return counts;
}

TEST(EigenThreading, EveryTaskRunsOnceForAnyThreadAndTaskCountCallAfterCall) {
  for (int round = 0; round < 3; ++round) {
    for (int threads = 1; threads <= 5; ++threads) {
      for (std::int64_t tasks = 0; tasks <= 40; ++tasks) {
        const std::vector<int> counts = run_counts({threads, false}, tasks);
        for (std::int64_t t = 0; t < tasks; ++t) {
          ASSERT_EQ(counts[static_cast<std::size_t>(t)], 1)
              << "task " << t << " of " << tasks << ", " << threads << " threads, round " << round;
        }
      }
    }
  }
}

TEST(EigenThreading, ANestedCallRunsAllItsTasks) {
  const Parallelism how{4, false};
  std::vector<std::atomic<int>> inner(8 * 16);
  parallel_for(how, 8, [&](std::int64_t outer) {
    parallel_for(how, 16, [&](std::int64_t t) {
      inner[static_cast<std::size_t>(outer * 16 + t)].fetch_add(1);
    });
  });
  for (std::size_t k = 0; k < inner.size(); ++k)
    ASSERT_EQ(inner[k].load(), 1) << "inner task " << k;
}

TEST(EigenThreading, AThrownTaskReachesTheCallerAndTheHelpersServeTheNextCall) {
  const Parallelism how{3, false};
  for (int round = 0; round < 20; ++round) {
    EXPECT_THROW(parallel_for(how, 30,
                              [&](std::int64_t t) {
                                if (t == round % 30) throw std::runtime_error("task failed");
                              }),
                 std::runtime_error)
        << "round " << round;
    const std::vector<int> counts = run_counts(how, 30);
    for (std::size_t t = 0; t < counts.size(); ++t) ASSERT_EQ(counts[t], 1) << "task " << t;
  }
}

TEST(EigenThreading, ConcurrentCallersEachGetTheirOwnTasksRun) {
  constexpr int kCallers = 4;
  std::vector<std::string> failures(kCallers);
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&failures, c] {
      for (int round = 0; round < 200; ++round) {
        const std::int64_t tasks = 1 + (round * 7 + c) % 50;
        const std::vector<int> counts = run_counts({1 + (round + c) % 4, false}, tasks);
        for (std::int64_t t = 0; t < tasks; ++t) {
          if (counts[static_cast<std::size_t>(t)] != 1 && failures[c].empty()) {
            failures[c] = "caller " + std::to_string(c) + " round " + std::to_string(round) +
                          ": task " + std::to_string(t) + " ran " +
                          std::to_string(counts[static_cast<std::size_t>(t)]) + " times";
          }
        }
      }
    });
  }
  for (auto& caller : callers) caller.join();
  for (const auto& failure : failures) EXPECT_TRUE(failure.empty()) << failure;
}

}  // namespace
}  // namespace tripletcheck::eigen
