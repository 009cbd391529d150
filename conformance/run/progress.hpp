// Progress of a long command on stderr: a redrawn bar on a terminal, a few plain lines
// (every quarter) otherwise, so CI logs stay short.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <string>

namespace tripletcheck::conformance {

class Progress {
 public:
  Progress(std::string label, long total)
      : label_(std::move(label)), total_(total > 0 ? total : 1), tty_(isatty(2) != 0) {}

  void update(long done) {
    if (tty_) {
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(kWidth * done / total_);
      std::fprintf(stderr, "\r%s [%s%s] %ld/%ld", label_.c_str(), std::string(filled, '#').c_str(),
                   std::string(kWidth - filled, '.').c_str(), done, total_);
    } else if (4 * done / total_ > 4 * last_ / total_ || done == total_) {
      std::fprintf(stderr, "%s: %ld/%ld\n", label_.c_str(), done, total_);
    }
    last_ = done;
    std::fflush(stderr);
  }

  void finish() {
    if (tty_) std::fprintf(stderr, "\n");
  }

 private:
  std::string label_;
  long total_;
  bool tty_;
  long last_ = 0;
};

}  // namespace tripletcheck::conformance
