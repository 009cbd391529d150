// Small text conventions the commands, reports, loaders and tests share, written once so that
// they cannot drift apart: how a shape is printed, how an argument is quoted for a shell, and
// how a non-finite number is spelled in the JSON and corpus files (JSON itself has no NaN/Inf).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tripletcheck {

// "[2, 3]": a shape in messages (numpy's own "(2, 3)" spelling is npy.cpp's, for its headers).
std::string shape_text(const std::vector<std::int64_t>& shape);

// `text` as one word for a POSIX shell: unchanged when it has only characters no shell treats
// specially, otherwise in single quotes (a quote inside as '\''), so a printed replay command
// reads cleanly and still pastes safely.
std::string shell_quote(const std::string& text);

// The first line of `text` that is not blank (a message's headline), without its newline.
std::string first_line(const std::string& text);

// "nan", "inf" or "-inf" for a non-finite value (the sign of a NaN is dropped: it carries no
// meaning here); empty for a finite one.
std::string nonfinite_name(double value);
// The inverse: the value `text` names, or nothing when it is not one of the three names.
std::optional<double> nonfinite_from_name(std::string_view text);

}  // namespace tripletcheck
