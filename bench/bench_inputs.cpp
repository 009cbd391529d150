// Normal embeddings give continuous, tie-free distances: the common case the timings are for.
#include "bench/bench_inputs.hpp"

#include <algorithm>
#include <random>

namespace tripletcheck::bench {

Inputs make_inputs(std::int64_t batch, std::int64_t dim, std::int64_t samples_per_class) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(batch * 7919 + dim * 31 + samples_per_class));
  std::normal_distribution<float> normal;
  Inputs in;
  in.batch = batch;
  in.dim = dim;
  in.embeddings.resize(static_cast<std::size_t>(batch * dim));
  for (float& v : in.embeddings) v = normal(rng);
  in.labels.resize(static_cast<std::size_t>(batch));
  for (std::int64_t i = 0; i < batch; ++i)
    in.labels[static_cast<std::size_t>(i)] = i / samples_per_class;
  std::shuffle(in.labels.begin(), in.labels.end(), rng);
  return in;
}

}  // namespace tripletcheck::bench
