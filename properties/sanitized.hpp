// Whether this build runs under AddressSanitizer or ThreadSanitizer: the heaviest tests use
// smaller sizes there (the same bugs show on smaller inputs, at 10-50× the cost per operation),
// and address-space limits cannot be used (the sanitizers reserve terabytes up front).
#pragma once

namespace tripletcheck_test {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

}  // namespace tripletcheck_test
