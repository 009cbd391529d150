// `tripletcheck eval`: reads embeddings (or a precomputed distance matrix) and labels from .npy
// files, evaluates one loss with one backend, optionally writes the gradient, prints JSON.
#include "eval_command.hpp"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tripletcheck/backend.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/half.hpp"
#include "tripletcheck/npy.hpp"
#include "tripletcheck/options.hpp"
#include "tripletcheck/registry.hpp"
#include "tripletcheck/validate.hpp"

namespace tripletcheck::cli {
namespace {

struct EvalArgs {
  std::string embeddings;
  std::string distances;
  std::string labels;
  std::string loss = "semihard";
  bool soft = false;
  double margin = 1.0;
  std::string metric = "L2";
  std::string backend = "reference";
  std::string grad_out;
  bool strict = false;
};

// The inputs after every shape and dtype check, ready to view.
struct Inputs {
  NpyArray values;  // embeddings [B, D] or distances [B, B], floating point
  bool precomputed = false;
  std::vector<std::int64_t> labels;
  std::int64_t batch = 0;
  std::int64_t dim = 0;  // 0 for distances: there is no embedding dimension
};

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

std::string dtype_name(NpyType type) {
  switch (type) {
    case NpyType::kFloat16:
      return "float16";
    case NpyType::kFloat32:
      return "float32";
    case NpyType::kFloat64:
      return "float64";
    default:
      return to_string(type);
  }
}

std::vector<std::int64_t> load_labels(const std::string& path) {
  const NpyArray array = read_npy(path);
  if (!array.is_integer()) {
    throw InvalidArgument("labels", path,
                          "labels must be an integer array, got " + to_string(array.type));
  }
  // TFA reshapes labels to [shape[0], 1], which accepts [B], [B,1], [B,1,1], ...
  bool column = !array.shape.empty();
  for (std::size_t i = 1; i < array.shape.size(); ++i) column = column && array.shape[i] == 1;
  if (!column) {
    throw InvalidArgument("labels", path,
                          "labels must have shape [B] or [B, 1], got " + shape_text(array.shape));
  }
  return array.to_int64();
}

Inputs load_inputs(const EvalArgs& args) {
  Inputs in;
  in.precomputed = !args.distances.empty();
  const std::string& path = in.precomputed ? args.distances : args.embeddings;
  const char* argument = in.precomputed ? "distances" : "embeddings";
  in.values = read_npy(path);
  if (!in.values.is_floating()) {
    throw InvalidArgument(argument, path,
                          std::string(argument) + " must be float16, float32 or float64, got " +
                              to_string(in.values.type));
  }
  const auto& shape = in.values.shape;
  if (in.precomputed && (shape.size() != 2 || shape[0] != shape[1])) {
    throw InvalidArgument(argument, path,
                          "distances must be a [B, B] matrix, got shape " + shape_text(shape));
  }
  if (!in.precomputed && shape.size() != 2) {
    throw InvalidArgument(argument, path,
                          "embeddings must have rank 2 [B, D], got shape " + shape_text(shape));
  }
  in.batch = shape[0];
  in.dim = in.precomputed ? 0 : shape[1];

  in.labels = load_labels(args.labels);
  if (static_cast<std::int64_t>(in.labels.size()) != in.batch) {
    throw InvalidArgument("labels", args.labels,
                          std::to_string(in.labels.size()) + " labels for a batch of " +
                              std::to_string(in.batch) + " (" + argument + " shape " +
                              shape_text(shape) + ")");
  }
  return in;
}

// Evaluates in T. `half`: the input was float16, so (as TFA does) compute in float32 and round
// the loss and gradient back to float16.
template <class T>
Result<T> evaluate_as(const Backend& backend, const LossSpec& spec, const EvalOptions& options,
                      const Inputs& in, const std::vector<T>& values, bool half) {
  if (in.precomputed) {
    const DistanceView<T> view{values.data(), in.batch, in.labels.data()};
    Result<T> result = backend.evaluate(spec, view, options);
    if constexpr (std::is_same_v<T, float>) {
      if (half) {
        // evaluate_half takes embeddings only; this is the same rounding for dLoss/dD.
        result.loss = round_to_half(static_cast<float>(result.loss), HalfType::kFloat16);
        for (float& g : result.grad) g = round_to_half(g, HalfType::kFloat16);
      }
    }
    return result;
  }
  const BatchView<T> view{values.data(), in.batch, in.dim, in.labels.data()};
  if constexpr (std::is_same_v<T, float>) {
    if (half) return evaluate_half(backend, spec, view, HalfType::kFloat16, options);
  }
  return backend.evaluate(spec, view, options);
}

// Writes the gradient in the input's dtype and shape.
template <class T>
void write_gradient(const std::string& path, const Inputs& in, const std::vector<T>& grad) {
  if (in.values.type == NpyType::kFloat16) {
    std::vector<std::uint16_t> bits(grad.size());
    for (std::size_t i = 0; i < grad.size(); ++i) {
      bits[i] = float_to_half_bits(static_cast<float>(grad[i]), HalfType::kFloat16);
    }
    write_npy(path, NpyType::kFloat16, in.values.shape, bits.data());
    return;
  }
  write_npy(path, in.values.type, in.values.shape, grad.data());
}

// Evaluates in the input's precision, writes the gradient if asked, returns the loss.
double evaluate(const Backend& backend, const LossSpec& spec, const EvalOptions& options,
                const Inputs& in, const std::string& grad_out) {
  const auto run = [&](const auto& values, bool half) {
    const auto result = evaluate_as(backend, spec, options, in, values, half);
    if (!grad_out.empty()) write_gradient(grad_out, in, result.grad);
    return result.loss;
  };
  if (in.values.type == NpyType::kFloat64) return run(in.values.to_double(), false);
  return run(in.values.to_float(), in.values.type == NpyType::kFloat16);
}

// %.17g round-trips any double. JSON has no NaN or Inf, so those are spelled as strings.
std::string json_number(double value) {
  if (std::isnan(value)) return "\"nan\"";
  if (std::isinf(value)) return value > 0 ? "\"inf\"" : "\"-inf\"";
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

void run_eval(const EvalArgs& args) {
  LossSpec spec;
  spec.loss = parse_loss(args.loss);
  spec.soft = args.soft;
  spec.margin = args.margin;
  spec.metric = parse_metric(args.metric);
  EvalOptions options;
  options.gradient = !args.grad_out.empty();
  options.strict = args.strict;
  // Argument errors first, before any file is read.
  validate(spec, options);
  const Backend& backend = find_backend(args.backend);

  const Inputs in = load_inputs(args);
  const double loss = evaluate(backend, spec, options, in, args.grad_out);

  // Built by hand rather than with nlohmann::json to control the number format (see above).
  using nlohmann::json;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"loss", json_number(loss)},
      {"backend", json(backend.name()).dump()},
      {"loss_kind", json(to_string(spec.loss)).dump()},
      {"metric", json(in.precomputed ? "precomputed" : to_string(spec.metric)).dump()},
      {"margin", json_number(spec.margin)},
      {"soft", json(spec.soft).dump()},
      {"strict", json(options.strict).dump()},
      {"batch", json(in.batch).dump()},
      {"dim", in.precomputed ? "null" : json(in.dim).dump()},
      {"dtype", json(dtype_name(in.values.type)).dump()},
  };
  if (!args.grad_out.empty()) fields.emplace_back("grad_out", json(args.grad_out).dump());
  std::string line = "{";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    line += (i ? ", " : "") + json(fields[i].first).dump() + ": " + fields[i].second;
  }
  std::cout << line << "}\n" << std::flush;
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* eval = app.add_subcommand("eval", "Evaluate one triplet loss on .npy inputs");
  eval->footer(
      "Prints one JSON object: loss (a number, or \"nan\", \"inf\", \"-inf\"), backend, "
      "loss_kind, metric, margin, soft, strict, batch, dim, dtype, and grad_out when written.\n"
      "float16 embeddings are computed in float32 and rounded back, as TFA does. Errors: one "
      "line on stderr, exit status 2.\n\n"
      "Example: tripletcheck eval --embeddings X.npy --labels y.npy --loss hard --metric "
      "angular --grad-out dX.npy");

  auto* embeddings = eval->add_option("--embeddings", args->embeddings,
                                      "Embeddings, [B, D] float16/float32/float64 (TFA's y_pred)");
  auto* distances = eval->add_option(
      "--distances", args->distances,
      "Or a precomputed [B, B] distance matrix (TFA's callable metric); gradient = dLoss/dD");
  embeddings->excludes(distances)->type_name("X.npy");
  distances->type_name("D.npy");
  eval->add_option("--labels", args->labels, "Labels, any integer dtype, [B] or [B, 1] (y_true)")
      ->required()
      ->type_name("y.npy");
  eval->add_option("--loss", args->loss, "Loss: semihard (triplet_semihard_loss) or hard")
      ->type_name("hard|semihard")
      ->capture_default_str();
  eval->add_flag("--soft", args->soft, "Hard loss only: soft margin log1p(exp(z))");
  eval->add_option("--margin", args->margin, "Margin (finite; ignored by --soft)")
      ->type_name("M")
      ->capture_default_str();
  auto* metric = eval->add_option("--metric", args->metric, "Distance metric (case-sensitive)")
                     ->type_name("L2|squared-L2|angular")
                     ->capture_default_str();
  distances->excludes(metric);
  eval->add_option("--backend", args->backend,
                   "Backend to evaluate with (see 'tripletcheck backends')")
      ->type_name("NAME")
      ->capture_default_str();
  eval->add_option("--grad-out", args->grad_out,
                   "Write the gradient here, in the input's dtype and shape")
      ->type_name("G.npy");
  eval->add_flag("--strict", args->strict,
                 "Reject non-finite inputs instead of propagating them as TFA does");

  eval->callback([args] {
    if (args->embeddings.empty() && args->distances.empty()) {
      throw CLI::RequiredError("--embeddings or --distances");
    }
    run_eval(*args);
  });
}

}  // namespace tripletcheck::cli
