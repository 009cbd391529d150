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
#include <utility>
#include <vector>

#include "tripletcheck/backend.hpp"
#include "tripletcheck/errors.hpp"
#include "tripletcheck/npy.hpp"
#include "tripletcheck/npy_eval.hpp"
#include "tripletcheck/options.hpp"
#include "tripletcheck/registry.hpp"
#include "tripletcheck/text.hpp"
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

// Reads and checks the arrays: the values first, so a bad embeddings file is reported before the
// labels file is even opened.
NpyInputs load_inputs(const EvalArgs& args) {
  const bool precomputed = !args.distances.empty();
  const std::string& path = precomputed ? args.distances : args.embeddings;
  NpyInputs in = values_from_npy(read_npy(path), precomputed, path);
  labels_from_npy(in, read_npy(args.labels), args.labels);
  return in;
}

// %.17g round-trips any double. JSON has no NaN or Inf, so those are spelled as strings.
std::string json_number(double value) {
  if (!std::isfinite(value)) return "\"" + nonfinite_name(value) + "\"";
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

  const NpyInputs in = load_inputs(args);
  const NpyEvaluation result = evaluate_npy(backend, spec, in, options);
  if (!args.grad_out.empty()) {
    write_npy(args.grad_out, result.gradient.type, result.gradient.shape,
              result.gradient.data.data());
  }
  const double loss = result.loss;

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
