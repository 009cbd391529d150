// The loss families: every registered backend that is available and quick enough, reached by
// name through the registry, float32 embeddings, forward only or forward + backward.
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
    Result<float> r = backend->evaluate(spec, batch, options);
    benchmark::DoNotOptimize(r.loss);
    benchmark::DoNotOptimize(r.grad.data());
  }
  set_counters(state, b, peak);
}

}  // namespace

void register_loss_benchmarks() {
  for (const char* backend_name : {"reference", "eigen"}) {
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
