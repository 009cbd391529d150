// Finite-difference checks of an analytic gradient, for any backend (LibTorch C++ has none):
// the full central-difference gradient for small inputs, and the directional form uᵀ∇f for
// large ones, where one random direction costs two evaluations instead of 2·B·D.
#pragma once

#include <functional>
#include <vector>

namespace tripletcheck::conformance {

using ScalarFunction = std::function<double(const std::vector<double>&)>;

// (f(x + h·e_k) − f(x − h·e_k)) / 2h for every coordinate k.
std::vector<double> central_difference_gradient(const ScalarFunction& f,
                                                const std::vector<double>& x, double h);

// (f(x + h·u) − f(x − h·u)) / 2h: the derivative of f along u.
double directional_derivative(const ScalarFunction& f, const std::vector<double>& x,
                              const std::vector<double>& u, double h);

}  // namespace tripletcheck::conformance
