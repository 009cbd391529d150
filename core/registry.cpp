// The list of backends compiled into this build. Explicit, not self-registering: static
// libraries drop unreferenced registration objects, and an explicit list reads in one place.
#include "tripletcheck/registry.hpp"

#include <memory>

#include "reference/reference_backend.hpp"
#include "tripletcheck/errors.hpp"
#ifdef TRIPLETCHECK_HAVE_EIGEN
#include "optimized/eigen/eigen_backend.hpp"
#endif
#ifdef TRIPLETCHECK_HAVE_TORCH
#include "optimized/torch/torch_proxies.hpp"
#endif
#ifdef TRIPLETCHECK_HAVE_CUDA
#include "optimized/cuda/cuda_backend.hpp"
#endif

namespace tripletcheck {

namespace {

struct Registry {
  std::vector<std::unique_ptr<Backend>> owned;
  std::vector<const Backend*> list;

  Registry() {
    owned.push_back(make_reference_backend());
#ifdef TRIPLETCHECK_HAVE_EIGEN
    owned.push_back(make_eigen_backend());
#endif
#ifdef TRIPLETCHECK_HAVE_TORCH
    // Proxies: LibTorch is loaded the first time one of them computes (torch_proxies.hpp).
    for (auto& proxy : make_torch_proxies()) owned.push_back(std::move(proxy));
#endif
#ifdef TRIPLETCHECK_HAVE_CUDA
    owned.push_back(make_cuda_backend());  // listed everywhere, available only with a GPU
#endif
    for (const auto& b : owned) list.push_back(b.get());
  }
};

}  // namespace

const std::vector<const Backend*>& registered_backends() {
  static const Registry registry;
  return registry.list;
}

std::vector<const Backend*> available_backends() {
  std::vector<const Backend*> out;
  for (const Backend* b : registered_backends()) {
    if (b->available()) out.push_back(b);
  }
  return out;
}

const Backend& find_backend(std::string_view name) {
  std::string known;
  for (const Backend* b : registered_backends()) {
    if (b->name() == name) return *b;
    known += (known.empty() ? "" : ", ") + b->name();
  }
  throw InvalidArgument("backend", "\"" + std::string(name) + "\"", "unknown; known: " + known);
}

}  // namespace tripletcheck
