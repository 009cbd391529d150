// Every bad input, one row each (error_table.hpp). To cover a new mistake or a new command, add a
// row: the runner needs nothing else.
#include "properties/error_table.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "npy_bytes.hpp"
#include "conformance/corpus.hpp"
#include "conformance/golden_fixtures.hpp"
#include "reference/reference_backend.hpp"
#include "tripletcheck/backend.hpp"
#include "tripletcheck/npy.hpp"
#include "tripletcheck/npy_eval.hpp"
#include "tripletcheck/options.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::conformance {
namespace {

using tripletcheck_test::npy_bytes;
using tripletcheck_test::npy_dict;
using tripletcheck_test::raw_bytes;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();
// float16 +Inf: exponent all ones, mantissa zero.
constexpr std::uint16_t kHalfInf = 0x7C00;
// A batch whose B×B matrices exceed the reference's default cap (1 GiB) ten times over, in a file
// of 60 KB: float16 [20000, 1] embeddings and int8 labels.
constexpr std::int64_t kHugeBatch = 20000;

// ---- arrays as .npy bytes ------------------------------------------------------------------

std::string tuple(const std::vector<std::int64_t>& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + (shape.size() == 1 ? ",)" : ")");
}

template <class T>
std::string array(const std::string& descr, const std::vector<std::int64_t>& shape,
                  const std::vector<T>& values) {
  return npy_bytes(npy_dict(descr, tuple(shape)), raw_bytes(values));
}

std::string f32(const std::vector<std::int64_t>& shape, const std::vector<float>& values) {
  return array("<f4", shape, values);
}
std::string i64(const std::vector<std::int64_t>& shape, const std::vector<std::int64_t>& values) {
  return array("<i8", shape, values);
}

// The doctest batch (docs/SEMANTICS.md §7.2): X = [[0, 1], [1, 0]], labels [0, 0]. Valid: each row below
// spoils one thing about it.
// (Functions, not globals: the rows may be built while other files' globals are initialized.)
std::string good_x() { return f32({2, 2}, {0, 1, 1, 0}); }
std::string good_y() { return i64({2}, {0, 0}); }

std::map<std::string, std::string> xy(std::string x = good_x(), std::string y = good_y()) {
  return {{"x.npy", std::move(x)}, {"y.npy", std::move(y)}};
}
std::map<std::string, std::string> dy(std::string d, std::string y = good_y()) {
  return {{"d.npy", std::move(d)}, {"y.npy", std::move(y)}};
}

// ---- the command line and the API call of an `eval` row -------------------------------------

std::vector<std::string> eval_args(std::vector<std::string> flags = {}) {
  std::vector<std::string> args = {"tripletcheck", "eval",     "--embeddings",
                                   "{x.npy}",      "--labels", "{y.npy}"};
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}
std::vector<std::string> eval_distances_args(std::vector<std::string> flags = {}) {
  std::vector<std::string> args = {"tripletcheck", "eval",     "--distances",
                                   "{d.npy}",      "--labels", "{y.npy}"};
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

// What `tripletcheck eval` does, through the public API: read, check, evaluate.
struct EvalCall {
  LossSpec spec;
  EvalOptions options;
  std::string backend = "reference";
};

std::function<void(const Paths&)> eval_api(std::function<void(EvalCall&)> tweak = {}) {
  return [tweak](const Paths& paths) {
    EvalCall call;
    call.options.gradient = false;  // as eval without --grad-out
    if (tweak) tweak(call);
    const bool precomputed = paths.count("d.npy") > 0;
    const std::string& values = paths.at(precomputed ? "d.npy" : "x.npy");
    NpyInputs in = values_from_npy(read_npy(values), precomputed, values);
    labels_from_npy(in, read_npy(paths.at("y.npy")), paths.at("y.npy"));
    evaluate_npy(find_backend(call.backend), call.spec, in, call.options);
  };
}

std::function<void(const Paths&)> read_api(const std::string& file) {
  return [file](const Paths& paths) { read_npy(paths.at(file)); };
}

// ---- hostile .npy files, read as embeddings (the labels are fine) ---------------------------

BadInput npy_row(std::string name, std::string bytes, std::string message) {
  auto files = xy();
  files["bad.npy"] = std::move(bytes);
  return {std::move(name),
          std::move(files),
          {"tripletcheck", "eval", "--embeddings", "{bad.npy}", "--labels", "{y.npy}"},
          read_api("bad.npy"),
          ErrorType::kNpyError,
          std::move(message)};
}

std::string repeated(const std::string& unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

std::vector<BadInput> npy_rows() {
  // Bytes 0x80..0xFF, none of them ASCII, where the header's text should be.
  std::string junk;
  for (int i = 0; i < 256; ++i) junk += static_cast<char>(0x80 + (i * 37) % 128);
  const std::string v2_huge_length("\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14);
  std::string cut_header = npy_bytes(npy_dict("<f4", "()"));
  cut_header.resize(cut_header.size() - 5);
  return {
      npy_row("NpyZipFile", "PK\x03\x04 this is a zip file", "bad magic"),
      npy_row("NpyEmptyFile", "", "bad magic"),
      npy_row("NpyCutMagic", "\x93NUM", "bad magic"),
      npy_row("NpyNoVersion", std::string("\x93NUMPY\x01", 7),
              "truncated before the format version"),
      npy_row("NpyNoHeaderLength", std::string("\x93NUMPY\x02\x00\x10", 9),
              "truncated before the header length"),
      npy_row("NpyVersion4", npy_bytes(npy_dict("<f4", "()"), "abcd", 4), "version 4.0"),
      npy_row("NpyVersion1Minor1", npy_bytes(npy_dict("<f4", "()"), "abcd", 1, 1), "version 1.1"),
      npy_row("NpyHeaderLengthPastEnd", cut_header, "runs past the end of the file"),
      // A 4 GiB header length in a 14-byte file: refused, not allocated.
      npy_row("NpyHeader4GiBPastEnd", v2_huge_length, "header length 4294967295 runs past"),
      npy_row("NpyNonAsciiHeader", npy_bytes(junk, "abcd"), "unparsable header"),
      npy_row("NpyNonAsciiAfterMagic", std::string("\x93NUMPY\x01\x00\x40\x00", 10) + junk,
              "unparsable header"),
      npy_row("NpyNonAsciiDescr", array("\x01\x7f\xfe\xff", {1}, std::vector<float>{1}),
              "unsupported dtype '" + std::string(4, '?') + "'"),
      npy_row("NpyNegativeDimension", npy_bytes(npy_dict("<f4", "(2, -3)")),
              "negative dimension -3 in shape (2, -3)"),
      npy_row("NpyShapeProductOverflowsBytes", npy_bytes(npy_dict("<f4", "(4611686018427387904,)")),
              "overflows: more than 2^63 bytes"),
      npy_row("NpyShapeProductOverflowsElements",
              npy_bytes(npy_dict("|u1", "(4294967296, 4294967296)")), "overflows"),
      npy_row("NpyDimensionPast64Bits",
              npy_bytes(npy_dict("<f4", "(99999999999999999999,)"), "abcd"),
              "dimension does not fit in 64 bits"),
      // 8 TB declared, 8 bytes present: fails on the sizes, allocates nothing.
      npy_row("NpyHugeDeclaredShape", npy_bytes(npy_dict("<f8", "(1000000000000,)"), "12345678"),
              "needs 8000000000000 bytes of data, the file has 8"),
      npy_row("NpyTruncatedData", npy_bytes(npy_dict("<f8", "(2, 3)"), std::string(40, '\0')),
              "truncated: shape (2, 3) of <f8 needs 48 bytes of data, the file has 40"),
      npy_row("NpyDataLongerThanDeclared",
              npy_bytes(npy_dict("<f4", "(2,)"), std::string(12, '\0')),
              "data longer than declared"),
      npy_row("NpyFortranOrder", npy_bytes(npy_dict("<f4", "(2, 2)", true), std::string(16, '\0')),
              "Fortran-order arrays are not supported"),
      npy_row("NpyComplex", npy_bytes(npy_dict("<c8", "(2, 1)"), std::string(16, '\0')), "complex"),
      npy_row("NpyBigEndian", npy_bytes(npy_dict(">f4", "(2, 2)"), std::string(16, '\0')),
              "big-endian"),
      npy_row("NpyStructured",
              npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", "abcd"),
              "structured"),
      npy_row("NpyPythonObjects", npy_bytes(npy_dict("|O", "(1,)"), std::string(8, '\0')),
              "Python object"),
      // Version 2.0 allows a 4 GiB header: 8 MB of padding inside the dict parses in linear time
      // and the message does not repeat it.
      npy_row("NpyEightMegabyteHeader",
              npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)," +
                            std::string(8 << 20, ' ') + "}",
                        "", 2),
              "needs 24 bytes of data, the file has 0"),
      npy_row("NpyHundredThousandDimensions",
              npy_bytes(npy_dict("<f4", "(" + repeated("1, ", 100000) + ")"), "abcd", 2),
              "shape has more than 64 dimensions"),
      npy_row("NpyMegabyteDescr",
              npy_bytes(npy_dict(std::string(1 << 20, '\x01'), "(1,)"), "abcd", 2),
              "unsupported dtype '" + std::string(4, '?')),
      npy_row("NpyMegabyteKey", npy_bytes("{'" + std::string(1 << 20, 'k') + "': 1}", "", 2),
              "unexpected key 'kkk"),
  };
}

// ---- shapes, dtypes and values of `eval` ----------------------------------------------------

std::vector<BadInput> eval_rows() {
  using E = ErrorType;
  const auto strict = [](EvalCall& c) { c.options.strict = true; };
  const std::vector<float> nan_at_1_0 = {0, 1, kNaNf, 0};
  return {
      {"EmptyBatch", xy(f32({0, 4}, {}), i64({0}, {})), eval_args(), eval_api(),
       E::kInvalidArgument, "invalid batch = 0: the batch must hold at least one embedding"},
      {"ZeroDimension", xy(f32({2, 0}, {})), eval_args(), eval_api(), E::kInvalidArgument,
       "invalid dim = 0: embeddings must have at least one dimension"},
      {"MoreLabelsThanRows", xy(good_x(), i64({3}, {0, 0, 1})), eval_args(), eval_api(),
       E::kInvalidArgument, "3 labels for a batch of 2 (embeddings shape [2, 2])"},
      {"FewerLabelsThanRows", xy(good_x(), i64({1}, {0})), eval_args(), eval_api(),
       E::kInvalidArgument, "1 labels for a batch of 2"},
      {"EmbeddingsRank0", xy(f32({}, {1})), eval_args(), eval_api(), E::kInvalidArgument,
       "embeddings must have rank 2 [B, D], got shape []"},
      {"EmbeddingsRank1", xy(f32({4}, {0, 1, 1, 0})), eval_args(), eval_api(), E::kInvalidArgument,
       "embeddings must have rank 2 [B, D], got shape [4]"},
      {"EmbeddingsRank3", xy(f32({2, 1, 2}, {0, 1, 1, 0})), eval_args(), eval_api(),
       E::kInvalidArgument, "embeddings must have rank 2 [B, D], got shape [2, 1, 2]"},
      {"EmbeddingsOfIntegers", xy(array("<i4", {2, 2}, std::vector<std::int32_t>{0, 1, 1, 0})),
       eval_args(), eval_api(), E::kInvalidArgument,
       "embeddings must be float16, float32 or float64, got <i4"},
      {"EmbeddingsOfBools", xy(array("|b1", {2, 2}, std::vector<std::uint8_t>{0, 1, 1, 0})),
       eval_args(), eval_api(), E::kInvalidArgument, "got |b1"},
      {"LabelsOfFloat32", xy(good_x(), f32({2}, {0, 0})), eval_args(), eval_api(),
       E::kInvalidArgument, "labels must be an integer array, got <f4"},
      {"LabelsOfFloat64", xy(good_x(), array("<f8", {2}, std::vector<double>{0, 0})), eval_args(),
       eval_api(), E::kInvalidArgument, "labels must be an integer array, got <f8"},
      {"LabelsOfFloat16", xy(good_x(), array("<f2", {2}, std::vector<std::uint16_t>{0, 0})),
       eval_args(), eval_api(), E::kInvalidArgument, "labels must be an integer array, got <f2"},
      {"LabelsOfBools", xy(good_x(), array("|b1", {2}, std::vector<std::uint8_t>{0, 0})),
       eval_args(), eval_api(), E::kInvalidArgument, "labels must be an integer array, got |b1"},
      {"LabelsRow", xy(good_x(), i64({1, 2}, {0, 0})), eval_args(), eval_api(), E::kInvalidArgument,
       "labels must have shape [B] or [B, 1], got [1, 2]"},
      {"LabelsScalar", xy(good_x(), i64({}, {0})), eval_args(), eval_api(), E::kInvalidArgument,
       "labels must have shape [B] or [B, 1], got []"},
      {"LabelPastInt64", xy(good_x(), array("<u8", {2}, std::vector<std::uint64_t>{0, 1ull << 63})),
       eval_args(), eval_api(), E::kNpyError,
       "y.npy: uint64 value 9223372036854775808 does not fit in int64"},
      {"LabelsFileIsNotNpy", xy(good_x(), "label,label\n0,0\n"), eval_args(), eval_api(),
       E::kNpyError, "{y.npy}: not an .npy file (bad magic"},
      {"DistancesNotSquare", dy(f32({2, 3}, {0, 1, 1, 0, 1, 1})), eval_distances_args(), eval_api(),
       E::kInvalidArgument, "distances must be a [B, B] matrix, got shape [2, 3]"},
      {"DistancesRank1", dy(f32({4}, {0, 1, 1, 0})), eval_distances_args(), eval_api(),
       E::kInvalidArgument, "distances must be a [B, B] matrix, got shape [4]"},
      {"DistancesEmpty", dy(f32({0, 0}, {}), i64({0}, {})), eval_distances_args(), eval_api(),
       E::kInvalidArgument, "invalid batch = 0"},
      {"DistancesLabelsDisagree", dy(f32({2, 2}, {0, 1, 1, 0}), i64({3}, {0, 0, 0})),
       eval_distances_args(), eval_api(), E::kInvalidArgument,
       "3 labels for a batch of 2 (distances shape [2, 2])"},
      {"StrictNanEmbedding", xy(f32({2, 2}, nan_at_1_0)), eval_args({"--strict"}), eval_api(strict),
       E::kInvalidArgument,
       "invalid embeddings = row 1, column 0 = nan: non-finite value rejected by strict checking"},
      {"StrictInfEmbeddingFloat64", xy(array("<f8", {2, 2}, std::vector<double>{0, 1, 1, -kInf})),
       eval_args({"--strict"}), eval_api(strict), E::kInvalidArgument, "row 1, column 1 = -inf"},
      {"StrictInfEmbeddingFloat16",
       xy(array("<f2", {2, 2}, std::vector<std::uint16_t>{0, kHalfInf, 0, 0})),
       eval_args({"--strict"}), eval_api(strict), E::kInvalidArgument, "row 0, column 1 = inf"},
      {"StrictNanDistance", dy(f32({2, 2}, nan_at_1_0)), eval_distances_args({"--strict"}),
       eval_api(strict), E::kInvalidArgument, "invalid distances = row 1, column 0 = nan"},
      {"NanMargin", xy(), eval_args({"--margin", "nan"}),
       eval_api([](EvalCall& c) { c.spec.margin = kNaN; }), E::kInvalidArgument,
       "invalid margin = nan: must be finite"},
      {"InfMargin", xy(), eval_args({"--margin", "inf"}),
       eval_api([](EvalCall& c) { c.spec.margin = kInf; }), E::kInvalidArgument,
       "invalid margin = inf: must be finite"},
      {"MinusInfMargin", xy(), eval_args({"--margin=-inf"}),
       eval_api([](EvalCall& c) { c.spec.margin = -kInf; }), E::kInvalidArgument,
       "invalid margin = -inf"},
      {"MarginNotANumber", xy(), eval_args({"--margin", "one"}), {}, E::kUsage, "--margin"},
      {"UnknownMetric", xy(), eval_args({"--metric", "l2"}),
       [](const Paths&) { parse_metric("l2"); }, E::kInvalidArgument, "invalid metric = \"l2\""},
      {"UnknownLoss", xy(), eval_args({"--loss", "soft"}), [](const Paths&) { parse_loss("soft"); },
       E::kInvalidArgument, "invalid loss = \"soft\""},
      {"UnknownBackend", xy(), eval_args({"--backend", "nope"}),
       eval_api([](EvalCall& c) { c.backend = "nope"; }), E::kInvalidArgument,
       "invalid backend = \"nope\": unknown; known: reference"},
      {"SoftSemihard", xy(), eval_args({"--soft"}),
       eval_api([](EvalCall& c) { c.spec.soft = true; }), E::kInvalidArgument,
       "only the hard loss has a soft variant"},
      // The reference's B×B matrices would need ~10 GiB: refused up front (reference_backend.hpp).
      {"ReferenceBatchTooLarge",
       xy(array("<f2", {kHugeBatch, 1}, std::vector<std::uint16_t>(kHugeBatch, 0)),
          array("|i1", {kHugeBatch}, std::vector<std::int8_t>(kHugeBatch, 0))),
       eval_args(), eval_api(), E::kResourceLimit,
       "the reference backend at B = 20000, D = 1 (float32"},
      {"ReferenceCapFromEnvironment",
       xy(),
       eval_args(),
       eval_api(),
       E::kResourceLimit,
       "but the limit is 1 MiB; use a fast backend, or raise TRIPLETCHECK_REFERENCE_MAX_BYTES",
       kExitUsage,
       {"TRIPLETCHECK_REFERENCE_MAX_BYTES=16"}},
      {"ReferenceCapNotANumber",
       xy(),
       eval_args(),
       eval_api(),
       E::kInvalidArgument,
       "invalid TRIPLETCHECK_REFERENCE_MAX_BYTES = \"lots\"",
       kExitUsage,
       {"TRIPLETCHECK_REFERENCE_MAX_BYTES=lots"}},
  };
}

// ---- files and flags of the command line ----------------------------------------------------

std::vector<BadInput> command_line_rows() {
  using E = ErrorType;
  return {
      {"MissingEmbeddingsFile",
       {{"y.npy", good_y()}},
       {"tripletcheck", "eval", "--embeddings", "{dir}/missing.npy", "--labels", "{y.npy}"},
       [](const Paths& p) { read_npy(p.at("dir") + "/missing.npy"); },
       E::kNpyError,
       "{dir}/missing.npy: cannot open: No such file or directory"},
      {"MissingLabelsFile",
       {{"x.npy", good_x()}},
       {"tripletcheck", "eval", "--embeddings", "{x.npy}", "--labels", "{dir}/missing.npy"},
       [](const Paths& p) { read_npy(p.at("dir") + "/missing.npy"); },
       E::kNpyError,
       "missing.npy: cannot open"},
      {"EmbeddingsPathIsADirectory",
       xy(),
       {"tripletcheck", "eval", "--embeddings", "{dir}", "--labels", "{y.npy}"},
       [](const Paths& p) { read_npy(p.at("dir")); },
       E::kNpyError,
       "Is a directory"},
      {"GradientUnwritable", xy(), eval_args({"--grad-out", "{dir}/no/such/dir/g.npy"}),
       [](const Paths& p) {
         const float g = 0;
         write_npy(p.at("dir") + "/no/such/dir/g.npy", NpyType::kFloat32, {1}, &g);
       },
       E::kNpyError, "g.npy: cannot open for writing"},
      {"EmbeddingsAndDistances",
       xy(),
       {"tripletcheck", "eval", "--embeddings", "{x.npy}", "--distances", "{x.npy}", "--labels",
        "{y.npy}"},
       {},
       E::kUsage,
       "--distances"},
      {"NoInputs",
       xy(),
       {"tripletcheck", "eval", "--labels", "{y.npy}"},
       {},
       E::kUsage,
       "--embeddings"},
      {"NoLabels",
       xy(),
       {"tripletcheck", "eval", "--embeddings", "{x.npy}"},
       {},
       E::kUsage,
       "--labels"},
      {"UnknownEvalFlag", xy(), eval_args({"--bogus"}), {}, E::kUsage, "--bogus"},
      {"NoCommand", {}, {"tripletcheck"}, {}, E::kUsage, "subcommand"},
      {"UnknownCommand",
       {},
       {"tripletcheck", "frobnicate"},
       {},
       E::kUsage,
       "not expected: frobnicate"},
      {"UnknownBackendsFlag",
       {},
       {"tripletcheck", "backends", "--bogus"},
       {},
       E::kUsage,
       "--bogus"},
      {"BackendsExtraArgument", {}, {"tripletcheck", "backends", "extra"}, {}, E::kUsage, "extra"},
  };
}

// ---- golden: the fixture directory is input too ---------------------------------------------

// A manifest of one case over x.npy / y.npy / g.npy; `fields` replaces the case's fields.
std::string manifest(const std::string& fields) {
  return R"({"tensorflow": "2.15.1", "tensorflow_addons": "0.23.0", "cases": [{"id": "c",
      "category": "doctest", "loss": "semihard", "soft": false, "margin": 1.0, "metric": "L2",
      "embeddings": "x.npy", "labels": "y.npy", "gradient": "g.npy", "loss_value": 1.0, )" +
         fields + "}]}";
}
constexpr const char* kGoodFields = R"("dtype": "float32", "batch": 2, "dim": 2)";

std::map<std::string, std::string> fixture(std::string manifest_json, std::string x = good_x(),
                                           std::string y = good_y()) {
  return {{"manifest.json", std::move(manifest_json)},
          {"x.npy", x},
          {"y.npy", std::move(y)},
          {"g.npy", x}};
}

void load_fixtures(const Paths& paths) {
  GoldenManifest m = load_golden_manifest(paths.at("dir"));
  for (GoldenCase& c : m.cases) load_arrays(paths.at("dir"), c);
}

std::vector<BadInput> golden_rows() {
  using E = ErrorType;
  const std::vector<std::string> golden = {"tripletcheck", "golden",    "--fixtures",
                                           "{dir}",        "--backend", "reference"};
  return {
      {"GoldenUnknownBackend",
       {},
       {"tripletcheck", "golden", "--backend", "nope"},
       [](const Paths&) { find_backend("nope"); },
       E::kInvalidArgument,
       "invalid backend = \"nope\""},
      {"GoldenNoManifest",
       {},
       golden,
       load_fixtures,
       E::kInvalidArgument,
       "manifest.json: cannot open the manifest"},
      {"GoldenManifestNotJson",
       {{"manifest.json", "{\"cases\": [\xff\xfe"}},
       golden,
       load_fixtures,
       E::kInvalidArgument,
       "malformed manifest: [json.exception.parse_error"},
      {"GoldenManifestWithoutCases",
       {{"manifest.json", R"({"tensorflow": "2", "tensorflow_addons": "0"})"}},
       golden,
       load_fixtures,
       E::kInvalidArgument,
       "malformed manifest: [json.exception.out_of_range"},
      {"GoldenBatchOfWrongType", fixture(manifest(R"("dtype": "float32", "batch": "2", "dim": 2)")),
       golden, load_fixtures, E::kInvalidArgument,
       "malformed manifest: [json.exception.type_error"},
      {"GoldenUnknownDtype", fixture(manifest(R"("dtype": "float128", "batch": 2, "dim": 2)")),
       golden, load_fixtures, E::kInvalidArgument,
       "invalid fixture = c: unknown dtype \"float128\""},
      {"GoldenFloat64Dtype", fixture(manifest(R"("dtype": "float64", "batch": 2, "dim": 2)")),
       golden, load_fixtures, E::kInvalidArgument,
       "unknown dtype \"float64\" (expected float32, float16 or bfloat16)"},
      {"GoldenBatchDisagreesWithArrays",
       fixture(manifest(R"("dtype": "float32", "batch": 100, "dim": 2)")), golden, load_fixtures,
       E::kInvalidArgument, "x.npy has shape [2, 2] but the manifest implies [100, 2]"},
      {"GoldenFloatLabels", fixture(manifest(kGoodFields), good_x(), f32({2}, {0, 0})), golden,
       load_fixtures, E::kInvalidArgument, "y.npy does not hold integers"},
      {"GoldenTruncatedArray",
       fixture(manifest(kGoodFields), good_x().substr(0, good_x().size() - 3)), golden,
       load_fixtures, E::kNpyError, "truncated"},
      {"GoldenReportUnwritable",
       fixture(manifest(kGoodFields)),
       {"tripletcheck", "golden", "--fixtures", "{dir}", "--report-dir", "{dir}/manifest.json/r"},
       {},
       E::kInvalidArgument,
       "invalid --report-dir"},
  };
}

// ---- conform: its options, and the inputs it reads (corpus cases, fixtures) -----------------

std::vector<std::string> conform_args(std::vector<std::string> flags) {
  std::vector<std::string> args = {"tripletcheck", "conform", "--report-dir", "{dir}/reports"};
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

std::vector<BadInput> conform_rows() {
  using E = ErrorType;
  return {
      {"ConformNegativeCases",
       {},
       conform_args({"--cases=-1"}),
       {},
       E::kInvalidArgument,
       "invalid --cases = -1"},
      {"ConformMaxSizeOutOfRange",
       {},
       conform_args({"--max-size", "500"}),
       {},
       E::kInvalidArgument,
       "invalid --max-size = 500"},
      {"ConformUnknownCheck",
       {},
       conform_args({"--checks", "bogus"}),
       {},
       E::kInvalidArgument,
       "invalid --checks = bogus"},
      {"ConformUnknownProperty",
       {},
       conform_args({"--property", "Bogus"}),
       {},
       E::kInvalidArgument,
       "invalid --property = Bogus"},
      {"ConformUnknownBackend",
       {},
       conform_args({"--backend", "nope", "--checks", "golden"}),
       [](const Paths&) { find_backend("nope"); },
       E::kInvalidArgument,
       "invalid backend = \"nope\""},
      {"ConformReplayNotJson",
       {{"case.json", "{\"format\": \xff"}},
       conform_args({"--replay", "{case.json}"}),
       [](const Paths& p) { read_corpus_case(p.at("case.json")); },
       E::kInvalidArgument,
       "case.json: not JSON"},
      {"ConformReplayUnknownPrecision",
       {{"case.json",
         R"({"format": "tripletcheck corpus case 1", "property": "P", "precision": "float23"})"}},
       conform_args({"--replay", "{case.json}"}),
       [](const Paths& p) { read_corpus_case(p.at("case.json")); },
       E::kInvalidArgument,
       "unknown precision \"float23\" (expected float64, float32, float16 or bfloat16)"},
      {"ConformBrokenFixtures", fixture(manifest(R"("dtype": "float32", "batch": 100, "dim": 2)")),
       conform_args({"--checks", "golden", "--backend", "reference", "--fixtures", "{dir}"}),
       load_fixtures, E::kInvalidArgument, "but the manifest implies [100, 2]"},
      {"ConformReportDirUnwritable",
       {{"file", "not a folder"}},
       {"tripletcheck", "conform", "--report-dir", "{file}/reports"},
       {},
       E::kInvalidArgument,
       "cannot create or write this folder"},
  };
}

// ---- the C++ API alone: views, specs and backends no command line can build -----------------

class StubBackend final : public Backend {
 public:
  StubBackend(bool float64, std::string unavailable)
      : float64_(float64), unavailable_(std::move(unavailable)) {}
  std::string name() const override { return "stub"; }
  std::string description() const override { return "implements nothing"; }
  Capabilities capabilities() const override {
    Capabilities caps;
    caps.float64 = float64_;
    return caps;
  }
  std::string unavailable_reason() const override { return unavailable_; }

 private:
  bool float64_;
  std::string unavailable_;
};

const std::vector<float> kX = {0, 1, 1, 0};
const std::vector<std::int64_t> kY = {0, 0};

void evaluate_view(const BatchView<float>& view, LossSpec spec = {}) {
  find_backend("reference").evaluate(spec, view);
}

std::vector<BadInput> api_rows() {
  using E = ErrorType;
  const auto api = [](std::string name, std::function<void()> call, E type, std::string message) {
    return BadInput{std::move(name),   {}, {}, [call](const Paths&) { call(); }, type,
                    std::move(message)};
  };
  return {
      api(
          "ApiNegativeBatch",
          [] {
            evaluate_view({kX.data(), -1, 2, kY.data()});
          },
          E::kInvalidArgument, "invalid batch = -1"),
      api(
          "ApiBatchOf2To31",
          [] {
            evaluate_view({kX.data(), std::int64_t{1} << 31, 2, kY.data()});
          },
          E::kInvalidArgument, "invalid batch = 2147483648: larger than 2^31 is not supported"),
      api(
          "ApiNegativeDim",
          [] {
            evaluate_view({kX.data(), 2, -2, kY.data()});
          },
          E::kInvalidArgument, "invalid dim = -2"),
      api(
          "ApiNullEmbeddings",
          [] {
            evaluate_view({nullptr, 2, 2, kY.data()});
          },
          E::kInvalidArgument, "invalid embeddings = null"),
      api(
          "ApiNullLabels",
          [] {
            evaluate_view({kX.data(), 2, 2, nullptr});
          },
          E::kInvalidArgument, "invalid labels = null"),
      api(
          "ApiNullDistances",
          [] {
            find_backend("reference").evaluate({}, DistanceView<float>{nullptr, 2, kY.data()});
          },
          E::kInvalidArgument, "invalid distances = null"),
      api(
          "ApiViewLabelsDisagree", [] { make_batch_view(kX, 2, std::vector<std::int64_t>{0}); },
          E::kInvalidArgument, "expected one label per embedding row (4 values / dim 2)"),
      api(
          "ApiViewZeroDim", [] { make_batch_view(kX, 0, kY); }, E::kInvalidArgument,
          "invalid dim = 0"),
      api(
          "ApiDistanceViewLabelsDisagree",
          [] {
            make_distance_view(kX, std::vector<std::int64_t>{0, 0, 0});
          },
          E::kInvalidArgument, "a B×B distance matrix needs B labels (got 4 distances)"),
      api(
          "ApiUnknownMetricValue",
          [] {
            LossSpec spec;
            // 3: outside the enumerators but inside the enum's range (no UB to build it).
            spec.metric = static_cast<Metric>(3);
            evaluate_view({kX.data(), 2, 2, kY.data()}, spec);
          },
          E::kInvalidArgument, "invalid metric = 3: unknown metric"),
      api(
          "ApiInputsThatLie",
          [] {
            NpyInputs in;  // claims 3 rows over a 2-row array
            in.values.shape = {2, 2};
            in.values.data.assign(16, 0);
            in.batch = 3;
            in.dim = 2;
            in.labels = {0, 0, 0};
            evaluate_npy(find_backend("reference"), {}, in);
          },
          E::kInvalidArgument, "does not hold batch 3 × 2 values"),
      api(
          "ApiInputsWithoutLabels",
          [] {
            NpyInputs in = values_from_npy(
                NpyArray{NpyType::kFloat32, {2, 2}, std::vector<unsigned char>(16, 0)}, false, "x");
            evaluate_npy(find_backend("reference"), {}, in);
          },
          E::kInvalidArgument, "expected one per row of a batch of 2"),
      api(
          "ApiReferenceCap",
          [] {
            make_reference_backend(100)->evaluate({}, BatchView<float>{kX.data(), 2, 2, kY.data()});
          },
          E::kResourceLimit, "needs 1 MiB (176 bytes) but the limit is 1 MiB"),
      api(
          "ApiBackendWithoutFloat64",
          [] {
            const std::vector<double> x(kX.begin(), kX.end());
            StubBackend(false, "").evaluate({}, BatchView<double>{x.data(), 2, 2, kY.data()});
          },
          E::kUnsupported, "backend stub does not support float64"),
      api(
          "ApiBackendWithoutAnImplementation",
          [] {
            StubBackend(true, "").evaluate({}, BatchView<float>{kX.data(), 2, 2, kY.data()});
          },
          E::kUnsupported, "backend stub does not implement float32 embeddings"),
      api(
          "ApiBackendUnavailable",
          [] {
            StubBackend(true, "no CUDA device")
                .evaluate({}, BatchView<float>{kX.data(), 2, 2, kY.data()});
          },
          E::kUnavailable, "backend stub is not available here: no CUDA device"),
  };
}

}  // namespace

const std::vector<BadInput>& bad_inputs() {
  static const std::vector<BadInput> rows = [] {
    std::vector<BadInput> all;
    for (auto part : {npy_rows(), eval_rows(), command_line_rows(), golden_rows(), conform_rows(),
                      api_rows()}) {
      for (auto& row : part) all.push_back(std::move(row));
    }
    return all;
  }();
  return rows;
}

}  // namespace tripletcheck::conformance
