// The loss families: every registered CPU backend that is available, reached by name through
// the registry, float32 embeddings, forward only or forward + backward. torch-tfa runs every size
// its memory cap admits and skips the others with the reason (ResourceLimit).
#include <iterator>
#include <string>

#include "bench/bench_inputs.hpp"
#include "bench/grid.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::bench {
namespace {

void run_loss(benchmark::State& state, const Backend* backend, LossSpec spec, bool gradient,
              std::int64_t b, std::int64_t d, std::int64_t k) {
  const Inputs in = make_inputs(b, d, k);
  const BatchView<float> batch{in.embeddings.data(), b, d, in.labels.data()};
  EvalOptions options;
  options.gradient = gradient;
  const PeakMemory peak;
  for (auto _ : state) {
    try {
      Result<float> r = backend->evaluate(spec, batch, options);
      benchmark::DoNotOptimize(r.loss);
      benchmark::DoNotOptimize(r.grad.data());
    } catch (const ResourceLimit& e) {
      // torch-tfa's B³ tensors past its memory cap: the report says why this size is missing.
      state.SkipWithError(e.what());
      return;
    }
  }
  set_counters(state, b, peak);
}

}  // namespace

void register_loss_benchmarks() {
  for (const char* backend_name : {"reference", "eigen", "torch-tfa", "torch"}) {
    const Backend* backend = nullptr;
    try {
      backend = &find_backend(backend_name);
    } catch (const InvalidArgument&) {
      continue;  // not compiled into this build
    }
    if (!backend->available()) continue;
    const std::int64_t max_batch =
        backend->name() == "reference" ? kReferenceMaxBatch : kBatches[std::size(kBatches) - 1];
    for (const Loss loss : {Loss::kSemiHard, Loss::kHard}) {
      for (const Metric metric : {Metric::kL2, Metric::kAngular}) {
        for (const bool gradient : {false, true}) {
          for (const std::int64_t b : kBatches) {
            if (b > max_batch) continue;
            for (const std::int64_t d : kDims) {
              for (const std::int64_t k : kSamplesPerClass) {
                LossSpec spec;
                spec.loss = loss;
                spec.metric = metric;
                const std::string name = backend->name() + "/" + to_string(loss) + "/" +
                                         to_string(metric) + (gradient ? "/fwdbwd/" : "/fwd/") +
                                         shape_name(b, d, k);
                benchmark::RegisterBenchmark(name.c_str(), run_loss, backend, spec, gradient, b, d,
                                             k)
                    ->Unit(benchmark::kMillisecond)
                    ->UseRealTime()             // several threads: wall time is the figure ...
                    ->MeasureProcessCPUTime();  // ... and CPU time counts every thread
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace tripletcheck::bench
