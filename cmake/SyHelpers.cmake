# sy_add_layer(NAME DEPS ...): a library made of every .cpp in the calling folder
# (header-only if there is none), exporting src/ as the include root.
function(sy_add_layer name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp
       ${CMAKE_CURRENT_SOURCE_DIR}/*/*.cpp)
  if(sources)
    add_library(sy_${name} STATIC ${sources})
    target_include_directories(sy_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(sy_${name} PUBLIC ${ARG_DEPS})
  else()
    add_library(sy_${name} INTERFACE)
    target_include_directories(sy_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(sy_${name} INTERFACE ${ARG_DEPS})
  endif()
endfunction()

# sy_add_test_dir(NAME LIBS ...): one GoogleTest executable `NAME_tests` from every
# *_test.cpp in the calling folder, registered with ctest as NAME.<Suite>.<Test>, label `unit`.
function(sy_add_test_dir name)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(${name}_tests ${sources})
  target_link_libraries(${name}_tests PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_include_directories(${name}_tests PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  # Labels cannot be lists here (gtest_discover_tests flattens properties), so the layer
  # goes into the test name instead: `ctest -R "^net\\."` runs one layer.
  gtest_discover_tests(${name}_tests TEST_PREFIX "${name}." PROPERTIES LABELS unit
                       DISCOVERY_TIMEOUT 60)
endfunction()
