add_library(project_warnings INTERFACE)
target_compile_options(project_warnings INTERFACE -Wall -Wextra)
option(PYREPR_WERROR "Treat warnings as errors" OFF)
if(PYREPR_WERROR)
  target_compile_options(project_warnings INTERFACE -Werror)
endif()

# Sanitizers for the project's own code (every target that links
# project_warnings: the library, the tools, the lessons, the tests). LibTorch
# itself is not instrumented; the runtime intercepts its allocations, so
# ASan still catches our misuse of its memory.
#   OFF                    no sanitizer
#   ON | address,undefined AddressSanitizer + UndefinedBehaviorSanitizer
#   thread                 ThreadSanitizer
# Any UB report aborts the program (-fno-sanitize-recover), so a test that
# runs it fails. The runtime defaults are in cmake/sanitizer_options.cpp.
set(PYREPR_SANITIZE OFF CACHE STRING
    "Sanitize the project's code: OFF, ON (= address,undefined) or thread")
set_property(CACHE PYREPR_SANITIZE PROPERTY STRINGS OFF ON address,undefined thread)
if(PYREPR_SANITIZE)
  if(PYREPR_SANITIZE STREQUAL "thread")
    set(lstm_port_sanitizers thread)
  else()
    set(lstm_port_sanitizers address,undefined)
  endif()
  message(STATUS "Sanitizers: ${lstm_port_sanitizers}")
  target_compile_options(project_warnings INTERFACE
    -fsanitize=${lstm_port_sanitizers} -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
  target_link_options(project_warnings INTERFACE -fsanitize=${lstm_port_sanitizers})
  target_sources(project_warnings INTERFACE ${CMAKE_CURRENT_LIST_DIR}/sanitizer_options.cpp)
endif()
