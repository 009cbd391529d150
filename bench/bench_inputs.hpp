// Seeded benchmark inputs: B embeddings of dimension D in B/K classes of K samples.
#pragma once

#include <cstdint>
#include <vector>

namespace tripletcheck::bench {

struct Inputs {
  std::int64_t batch = 0;
  std::int64_t dim = 0;
  std::vector<float> embeddings;     // B×D, standard normal
  std::vector<std::int64_t> labels;  // K per class, shuffled
};

Inputs make_inputs(std::int64_t batch, std::int64_t dim, std::int64_t samples_per_class);

}  // namespace tripletcheck::bench
