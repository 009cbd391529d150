// The eigen backend mines a large batch without holding D (issue 17): from the GEMM's tiles
// (tile_mining.hpp) where classes are small, else a block of distance rows at a time; every bit of
// the loss and the gradient must be what the whole B×B matrix gives, for every block size and
// thread count. Batches of 385..1300 rows (two to four blocks of 384), D up to 64, with
// coordinates of three kinds: a coarse lattice (exact distances full of ties: most anchors are
// left to the rows), arbitrary ones whose distances round (a block that computed its upper part
// as X_block·X_Jᵀ instead of from the later tiles' own GEMM chunks fails within 10 cases), and a
// fine lattice with a few duplicated samples (exact, rare ties, most of them of two: the tiles
// route those themselves). Every label structure from all-distinct to one class (which takes the
// dense backward, i.e. the whole matrix, whatever the block size), both losses, all metrics,
// float32 and float64, with and without the gradient, now and then a NaN or Inf coordinate (the
// blocks meet the NaN in a later block than the first). RC_PARAMS replays failures.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <limits>
#include <numeric>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "optimized/eigen/eigen_backend.hpp"

namespace tripletcheck {

void showValue(Loss loss, std::ostream& os) { os << to_string(loss); }
void showValue(Metric metric, std::ostream& os) { os << to_string(metric); }

namespace {

// Empty when every bit agrees, else the first difference.
template <class T>
std::string difference(const Result<T>& whole, const Result<T>& blocked) {
  std::ostringstream out;
  out << std::setprecision(std::numeric_limits<T>::max_digits10);
  if (std::memcmp(&whole.loss, &blocked.loss, sizeof whole.loss) != 0) {
    out << "loss " << blocked.loss << " where the whole matrix gives " << whole.loss;
    return out.str();
  }
  if (whole.grad.size() != blocked.grad.size()) return "gradient sizes differ";
  for (std::size_t k = 0; k < whole.grad.size(); ++k) {
    if (std::memcmp(&whole.grad[k], &blocked.grad[k], sizeof(T)) != 0) {
      out << "gradient entry " << k << ": " << blocked.grad[k] << " where the whole matrix gives "
          << whole.grad[k];
      return out.str();
    }
  }
  return {};
}

struct Batch {
  std::int64_t b = 0;
  std::int64_t dim = 0;
  std::vector<double> x;
  std::vector<std::int64_t> labels;
  std::int64_t per_class = 0;
  bool non_finite = false;
  enum class Coordinates { kCoarseLattice, kArbitrary, kFineLatticeWithDuplicates };
  Coordinates coordinates = Coordinates::kArbitrary;
};

std::string to_string(Batch::Coordinates c) {
  switch (c) {
    case Batch::Coordinates::kCoarseLattice:
      return "coarse lattice (ties)";
    case Batch::Coordinates::kArbitrary:
      return "arbitrary coordinates (rounding)";
    case Batch::Coordinates::kFineLatticeWithDuplicates:
      return "fine lattice with duplicates (ties of two)";
  }
  return "?";
}

// What RapidCheck prints of a failing case (the coordinates would be thousands of numbers; the
// seed in RC_PARAMS replays them).
void showValue(const Batch& batch, std::ostream& os) {
  os << "B = " << batch.b << ", D = " << batch.dim << ", " << batch.per_class << " per class, "
     << to_string(batch.coordinates) << (batch.non_finite ? ", one NaN or Inf" : "");
}

rc::Gen<Batch> gen_batch() {
  return rc::gen::exec([] {
    Batch batch;
    batch.b = *rc::gen::inRange<std::int64_t>(385, 1301);
    batch.dim = *rc::gen::inRange<std::int64_t>(1, 65);
    // Coordinates on a lattice of 1/8 on ±2 (exact distances, full of ties), arbitrary doubles
    // (distances that round, so that a GEMM summing in another order shows), or a lattice of
    // 1/64 on ±1 (squared distances below 2^18 units: exact in float32 too, so two duplicated
    // samples are at exactly equal distances from every anchor).
    batch.coordinates =
        *rc::gen::element(Batch::Coordinates::kCoarseLattice, Batch::Coordinates::kArbitrary,
                          Batch::Coordinates::kFineLatticeWithDuplicates);
    const auto n = static_cast<std::size_t>(batch.b * batch.dim);
    if (batch.coordinates == Batch::Coordinates::kArbitrary) {
      const auto raw =
          *rc::gen::container<std::vector<std::int32_t>>(n, rc::gen::arbitrary<std::int32_t>());
      batch.x.resize(n);
      for (std::size_t k = 0; k < n; ++k) batch.x[k] = raw[k] / 2147483648.0;
    } else {
      const bool coarse = batch.coordinates == Batch::Coordinates::kCoarseLattice;
      const int steps = coarse ? 16 : 64;
      const auto raw =
          *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(-steps, steps + 1));
      batch.x.assign(raw.begin(), raw.end());
      for (double& v : batch.x) v /= coarse ? 8 : 64;
    }
    if (batch.coordinates == Batch::Coordinates::kFineLatticeWithDuplicates) {
      const auto copies = *rc::gen::inRange(1, 40);
      for (int k = 0; k < copies; ++k) {
        const auto from = *rc::gen::inRange<std::int64_t>(0, batch.b);
        const auto to = *rc::gen::inRange<std::int64_t>(0, batch.b);
        std::copy_n(batch.x.begin() + from * batch.dim, batch.dim,
                    batch.x.begin() + to * batch.dim);
      }
    }
    if (*rc::gen::weightedElement<int>({{9, 0}, {1, 1}}) == 1) {
      const auto at = *rc::gen::inRange<std::size_t>(0, n);
      batch.x[at] = *rc::gen::element(std::numeric_limits<double>::quiet_NaN(),
                                      std::numeric_limits<double>::infinity());
      batch.non_finite = true;
    }
    // Samples per class: 1 (no positive pair), K = 4, B/3 (dense backward), B (one class).
    const std::int64_t per_class =
        *rc::gen::element<std::int64_t>(1, 2, 4, 9, batch.b / 3, batch.b);
    // per_class consecutive ranks share a label; the ranks are those of random keys.
    const auto keys = *rc::gen::container<std::vector<std::uint32_t>>(
        static_cast<std::size_t>(batch.b), rc::gen::arbitrary<std::uint32_t>());
    std::vector<std::int64_t> by_key(static_cast<std::size_t>(batch.b));
    std::iota(by_key.begin(), by_key.end(), 0);
    std::stable_sort(by_key.begin(), by_key.end(),
                     [&](std::int64_t a, std::int64_t c) { return keys[a] < keys[c]; });
    batch.labels.resize(static_cast<std::size_t>(batch.b));
    for (std::int64_t rank = 0; rank < batch.b; ++rank) {
      batch.labels[static_cast<std::size_t>(by_key[rank])] = rank / per_class;
    }
    batch.per_class = per_class;
    return batch;
  });
}

template <class T>
void check_blocks(const Batch& batch, const LossSpec& spec, bool gradient) {
  std::vector<T> x(batch.x.begin(), batch.x.end());
  const BatchView<T> view{x.data(), batch.b, batch.dim, batch.labels.data()};
  EvalOptions options;
  options.gradient = gradient;
  const Result<T> whole = make_eigen_backend(1)->evaluate(spec, view, options);
  for (const std::int64_t block_rows : {384, 768, 1152}) {
    for (const int threads : {1, 2, 3}) {
      const Result<T> blocked =
          make_eigen_backend(threads, block_rows)->evaluate(spec, view, options);
      const std::string diff = difference(whole, blocked);
      if (!diff.empty()) {
        RC_FAIL("blocks of " + std::to_string(block_rows) + " rows, " + std::to_string(threads) +
                " thread(s): " + diff);
      }
    }
  }
}

RC_GTEST_PROP(EigenBlocks, EveryBlockSizeAndThreadCountGivesTheWholeMatrixBits, ()) {
  const Batch batch = *gen_batch();
  RC_TAG(batch.per_class == batch.b       ? std::string("one class")
         : batch.per_class == batch.b / 3 ? std::string("B/3 per class")
                                          : std::to_string(batch.per_class) + " per class");
  if (batch.non_finite) RC_TAG("a NaN or Inf coordinate");
  RC_TAG(to_string(batch.coordinates));
  LossSpec spec;
  spec.loss = *rc::gen::element(Loss::kHard, Loss::kSemiHard);
  spec.soft = spec.loss == Loss::kHard && *rc::gen::arbitrary<bool>();
  spec.margin = *rc::gen::element(1.0, 0.1, 0.0);
  spec.metric = *rc::gen::element(Metric::kL2, Metric::kSquaredL2, Metric::kAngular);
  const bool gradient = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
  const bool float64 = *rc::gen::arbitrary<bool>();
  RC_TAG(std::string(spec.loss == Loss::kHard ? "hard" : "semihard") +
         (float64 ? " float64" : " float32"));
  if (float64) {
    check_blocks<double>(batch, spec, gradient);
  } else {
    check_blocks<float>(batch, spec, gradient);
  }
}

}  // namespace
}  // namespace tripletcheck
