# Every dependency comes from a Debian 12 package; nothing is downloaded.
# A missing one fails configuration with the package that provides it.
macro(lstm_port_require pkg debian)
  find_package(${pkg} ${ARGN} QUIET)
  if(NOT ${pkg}_FOUND)
    message(FATAL_ERROR "${pkg} not found: install the Debian package '${debian}' "
                        "(./run installs it for you).")
  endif()
  message(STATUS "Found ${pkg} ${${pkg}_VERSION}")
endmacro()

lstm_port_require(Torch libtorch-dev)
lstm_port_require(fmt libfmt-dev)
lstm_port_require(CLI11 libcli11-dev)
if(LSTM_PORT_BUILD_TESTS)
  lstm_port_require(Catch2 catch2 2)
  include(Catch)
endif()
if(LSTM_PORT_BUILD_BENCHMARKS)
  lstm_port_require(benchmark libbenchmark-dev)
endif()

# Torch's exported flags (e.g. -D_GLIBCXX_USE_CXX11_ABI) travel with the
# imported target; TORCH_CXX_FLAGS is kept for reference only.
