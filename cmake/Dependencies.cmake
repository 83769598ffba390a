# Every dependency comes from a Debian package (12, 13 or unstable); nothing is
# downloaded.
# A missing one fails configuration with the package that provides it.
macro(pyrepr_require pkg debian)
  find_package(${pkg} ${ARGN} QUIET)
  if(NOT ${pkg}_FOUND)
    message(FATAL_ERROR "${pkg} not found: install the Debian package '${debian}' "
                        "(./run installs it for you).")
  endif()
  message(STATUS "Found ${pkg} ${${pkg}_VERSION}")
endmacro()

# LibTorch, for pyrepr::torch and the lessons. Not installed: the core alone,
# as with -DPYREPR_WITH_TORCH=OFF.
if(PYREPR_WITH_TORCH)
  find_package(Torch QUIET)
  if(Torch_FOUND)
    message(STATUS "Found Torch ${Torch_VERSION}")
  else()
    message(WARNING "LibTorch not found (Debian package 'libtorch-dev'): building pyrepr's core "
                    "only (pyrepr::pyrepr, ptcat and the core's tests), as -DPYREPR_WITH_TORCH=OFF does")
    set(PYREPR_WITH_TORCH OFF)
  endif()
endif()
if(NOT PYREPR_WITH_TORCH)
  set(LSTM_PORT_BUILD_LESSONS OFF)  # the lessons and the benchmarks use LibTorch
  set(PYREPR_BUILD_BENCHMARKS OFF)
endif()
# C++17, unless this LibTorch's headers require C++20 (LibTorch 2.14's ATen.h:
# "#error C++20 or later compatible compiler is required"): its own words decide.
foreach(dir IN LISTS TORCH_INCLUDE_DIRS)
  if(EXISTS ${dir}/ATen/ATen.h)
    file(STRINGS ${dir}/ATen/ATen.h torch_needs_cxx20 REGEX "C\\+\\+20 or later")
    if(torch_needs_cxx20)
      set(CMAKE_CXX_STANDARD 20)
    endif()
    break()
  endif()
endforeach()
message(STATUS "C++ standard: ${CMAKE_CXX_STANDARD}")
pyrepr_require(fmt libfmt-dev)
pyrepr_require(ZLIB zlib1g-dev)  # the core's reader inflates deflated archive entries
if(PYREPR_BUILD_TOOLS OR LSTM_PORT_BUILD_LESSONS)
  pyrepr_require(CLI11 libcli11-dev)
endif()
# JSON: the safetensors header and sharded indexes the reader reads, ptcat --json
pyrepr_require(nlohmann_json nlohmann-json3-dev)
if(PYREPR_BUILD_TESTS)
  # Catch2 2.x (Debian 12) or 3.x (Debian 13 on); tests/unit/catch.hpp spells both.
  pyrepr_require(Catch2 catch2)
  if(NOT Catch2_VERSION VERSION_GREATER_EQUAL 2.13 OR Catch2_VERSION VERSION_GREATER_EQUAL 4)
    message(FATAL_ERROR "Catch2 ${Catch2_VERSION} found; 2.13 or 3.x is needed (Debian package 'catch2')")
  endif()
  include(Catch)
endif()
if(PYREPR_BUILD_BENCHMARKS)
  pyrepr_require(benchmark libbenchmark-dev)
endif()

# Torch's exported flags (e.g. -D_GLIBCXX_USE_CXX11_ABI) travel with the
# imported target; TORCH_CXX_FLAGS is kept for reference only.

# Inside another project (add_subdirectory, FetchContent), that project's
# targets link pyrepr::torch, whose usage names these imported targets (torch,
# torch_cpu, c10, fmt::fmt, ...): make them visible beyond this directory.
if(NOT PYREPR_TOP_LEVEL)
  get_property(pyrepr_imported DIRECTORY PROPERTY IMPORTED_TARGETS)
  foreach(target IN LISTS pyrepr_imported)
    get_target_property(is_global ${target} IMPORTED_GLOBAL)
    if(NOT is_global)
      set_target_properties(${target} PROPERTIES IMPORTED_GLOBAL TRUE)
    endif()
  endforeach()
endif()
