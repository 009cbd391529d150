# `cmake --install BUILD --prefix P`: the command, the public headers, the golden fixtures, the
# corpus, the LibTorch module and the documents, and the static libraries with a CMake package
# (find_package(tripletcheck CONFIG): P/lib/cmake/tripletcheck). The installed command finds its
# data relative to itself (include/tripletcheck/install_layout.hpp: the same folder names), the
# package relative to its config file, so the prefix can move and the source and build trees can
# go. Included from the top level once every target exists.
include(CMakePackageConfigHelpers)
set(TRIPLETCHECK_INSTALLED_DATA_DIR share/tripletcheck)  # kInstalledDataDir
set(TRIPLETCHECK_PACKAGE_DIR lib/cmake/tripletcheck)

install(TARGETS tripletcheck_cli RUNTIME DESTINATION bin)
install(DIRECTORY include/tripletcheck DESTINATION include)
install(DIRECTORY properties/fixtures/golden/ DESTINATION ${TRIPLETCHECK_INSTALLED_DATA_DIR}/golden)
install(DIRECTORY properties/corpus/ DESTINATION ${TRIPLETCHECK_INSTALLED_DATA_DIR}/corpus
        FILES_MATCHING PATTERN "*.json")
install(FILES README.md tools/EXEC_PROTOCOL.md docs/SEMANTICS.md docs/ADDING_A_BACKEND.md
        DESTINATION share/doc/tripletcheck)
if(TARGET tripletcheck_torch_module)
  install(TARGETS tripletcheck_torch_module LIBRARY DESTINATION lib/tripletcheck)  # kInstalledModuleDir
endif()

# The static libraries under the names a user links: tripletcheck::<name>. Every library the two
# a user wants (tripletcheck::tripletcheck, tripletcheck::conformance) reach is exported, since a
# static library's dependencies are linked by its user.
set(exported
  tripletcheck_core:core
  tripletcheck_reference:reference
  tripletcheck:tripletcheck
  tripletcheck_mutants:mutants
  tripletcheck_conformance:conformance_engine
  tripletcheck_bench_report:bench_report
  tripletcheck_conform_runner:conformance
  tripletcheck_eigen:eigen
  tripletcheck_torch:torch_proxies
  tripletcheck_cuda:cuda
)
set(exported_targets)
foreach(pair IN LISTS exported)
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 target)
  list(GET pair 1 name)
  if(TARGET ${target})
    set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
    list(APPEND exported_targets ${target})
  endif()
endforeach()
install(TARGETS ${exported_targets} EXPORT tripletcheckTargets ARCHIVE DESTINATION lib)
install(EXPORT tripletcheckTargets NAMESPACE tripletcheck:: DESTINATION ${TRIPLETCHECK_PACKAGE_DIR})

configure_package_config_file(cmake/tripletcheckConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/tripletcheckConfig.cmake
                              INSTALL_DESTINATION ${TRIPLETCHECK_PACKAGE_DIR})
# 0.x: a minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tripletcheckConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tripletcheckConfig.cmake
              ${PROJECT_BINARY_DIR}/tripletcheckConfigVersion.cmake
        DESTINATION ${TRIPLETCHECK_PACKAGE_DIR})
