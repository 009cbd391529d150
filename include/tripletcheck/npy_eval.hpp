// One loss evaluation on .npy arrays: the dtype and shape checks and the precision dispatch of
// `tripletcheck eval`, for every caller that holds arrays (the command line, the fuzzers, tests).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tripletcheck/backend.hpp"
#include "tripletcheck/npy.hpp"

namespace tripletcheck {

// The inputs after every dtype and shape check, ready to view.
struct NpyInputs {
  NpyArray values;  // embeddings [B, D] or distances [B, B]; float16, float32 or float64
  bool precomputed = false;
  std::vector<std::int64_t> labels;  // empty until labels_from_npy
  std::int64_t batch = 0;
  std::int64_t dim = 0;  // 0 for distances: there is no embedding dimension
};

// Checks `values` (floating point; [B, D] embeddings, or [B, B] distances when `precomputed`).
// `source` names the array in messages (a path). Throws InvalidArgument.
NpyInputs values_from_npy(NpyArray values, bool precomputed, const std::string& source);
// Checks `labels` (any integer dtype, shape [B], [B, 1], [B, 1, 1], ... as TFA reshapes them)
// against `in.batch` and stores them. Throws InvalidArgument, or NpyError for a uint64 label
// above INT64_MAX.
void labels_from_npy(NpyInputs& in, const NpyArray& labels, const std::string& source);

struct NpyEvaluation {
  double loss = 0;
  NpyArray gradient;  // in the values' dtype and shape; empty when not requested
};

// Evaluates in the values' precision: float64 in double, float32 in float, float16 in float32
// with the loss and gradient rounded back to float16, as TFA does (docs/SEMANTICS.md §3.1).
NpyEvaluation evaluate_npy(const Backend& backend, const LossSpec& spec, const NpyInputs& in,
                           const EvalOptions& options = {});

}  // namespace tripletcheck
