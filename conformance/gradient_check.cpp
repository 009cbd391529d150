// Central differences: second-order accurate, one step size for every coordinate.
#include "conformance/gradient_check.hpp"

namespace tripletcheck::conformance {

std::vector<double> central_difference_gradient(const ScalarFunction& f,
                                                const std::vector<double>& x, double h) {
  std::vector<double> gradient(x.size());
  std::vector<double> probe = x;
  for (std::size_t k = 0; k < x.size(); ++k) {
    probe[k] = x[k] + h;
    const double up = f(probe);
    probe[k] = x[k] - h;
    const double down = f(probe);
    probe[k] = x[k];
    gradient[k] = (up - down) / (2 * h);
  }
  return gradient;
}

double directional_derivative(const ScalarFunction& f, const std::vector<double>& x,
                              const std::vector<double>& u, double h) {
  std::vector<double> up = x, down = x;
  for (std::size_t k = 0; k < x.size(); ++k) {
    up[k] += h * u[k];
    down[k] -= h * u[k];
  }
  return (f(up) - f(down)) / (2 * h);
}

}  // namespace tripletcheck::conformance
