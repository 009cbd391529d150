# `cmake --install` to a prefix that is then moved. PART=command: the installed command must find
# its golden fixtures, corpus and LibTorch module under the moved prefix, and nothing in the build
# or source tree (issue: an installed command used the build's absolute paths). PART=example: the
# C++ example project (examples/cpp_port) builds against the moved package
# (find_package(tripletcheck CONFIG)) and its tests pass: a correct port passes, a broken one is
# caught and named.
# cmake -DBUILD=<build dir> -DWORK=<scratch dir> -DPART=command|example [-DSOURCE=<source dir>
#       -DGENERATOR=... -DCOMPILER=... -DSANITIZE=...] -P install_test.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${WORK}/prefix"
                RESULT_VARIABLE status OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${status}): ${err}")
endif()
file(RENAME "${WORK}/prefix" "${WORK}/moved")
set(cli "${WORK}/moved/bin/tripletcheck")

function(expect_in text pattern what)
  string(FIND "${text}" "${pattern}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: expected \"${pattern}\" in:\n${text}")
  endif()
endfunction()

if(PART STREQUAL "example")
  set(flags)
  if(SANITIZE)  # the installed libraries were built with them; their users link the runtime
    list(APPEND flags "-DCMAKE_CXX_FLAGS=-fsanitize=${SANITIZE}"
                      "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE}")
  endif()
  execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}/examples/cpp_port" -B "${WORK}/example"
                          -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${COMPILER}"
                          "-DCMAKE_PREFIX_PATH=${WORK}/moved" ${flags}
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "the example did not configure (${status}):\n${out}\n${err}")
  endif()
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK}/example"
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "the example did not build (${status}):\n${out}\n${err}")
  endif()
  # From another folder, so that nothing is found relative to the working directory.
  execute_process(COMMAND "${CMAKE_CTEST_COMMAND}" --test-dir "${WORK}/example" -V
                  WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE status OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "the example's tests failed (${status}):\n${out}\n${err}")
  endif()
  expect_in("${out}" "100% tests passed, 0 tests failed out of 2" "the example's tests")
  # The package's fixtures, found from its moved config file, not the source tree's.
  expect_in("${out}" "PASS: example-hard-port, " "the example's tests")
  expect_in("${out}" "(golden fixtures: ${WORK}/moved/share/tripletcheck/golden)"
            "the example's tests")
  message(STATUS "the example built against the moved package and passed:\n${out}")
  return()
endif()

# The defaults name the moved prefix.
execute_process(COMMAND "${cli}" conform --help OUTPUT_VARIABLE help RESULT_VARIABLE status)
expect_in("${help}" "${WORK}/moved/share/tripletcheck/golden" "conform --help (--fixtures)")
expect_in("${help}" "${WORK}/moved/share/tripletcheck/corpus" "conform --help (--corpus)")

# A run from elsewhere checks every fixture and replays the installed corpus.
execute_process(COMMAND "${cli}" conform --backend reference --checks golden,corpus
                        --report-dir "${WORK}/reports"
                WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "installed conform failed (${status}):\n${out}\n${err}")
endif()
file(GLOB corpus "${WORK}/moved/share/tripletcheck/corpus/*.json")
list(LENGTH corpus corpus_cases)
expect_in("${out}" "Corpus: ${corpus_cases} cases" "installed conform")
expect_in("${out}" "| reference | pass |" "installed conform")
if(corpus_cases EQUAL 0)
  message(FATAL_ERROR "no corpus case was installed")
endif()

# Without its installed module, a LibTorch backend is unavailable and names the moved prefix:
# the build's module is not used in its place.
if(EXISTS "${WORK}/moved/lib/tripletcheck")
  file(REMOVE_RECURSE "${WORK}/moved/lib/tripletcheck")
  execute_process(COMMAND "${cli}" conform --backend torch --checks golden
                          --report-dir "${WORK}/torch"
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(status EQUAL 0)
    message(FATAL_ERROR "torch ran without its installed module:\n${out}")
  endif()
  expect_in("${err}" "${WORK}/moved/lib/tripletcheck/" "torch without its module")
endif()
message(STATUS "installed to a prefix, moved it, ran from it: ${corpus_cases} corpus cases")
