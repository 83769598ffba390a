# ptcat against stored expectations (no Python, no LibTorch): each fixture in
# tests/core/fixtures, printed under one release's rules, must be byte for byte
# what that release's Python printed (expected/ptcat-TORCH-PYTHON.txt, written
# by make_expected.py). And a file that is not there fails with one line and
# exit status 1.
#   cmake -DPTCAT=... -DDIR=tests/core -DTORCH=2.6 -DPYTHON=3.13 -P ptcat_stored.cmake
file(GLOB fixtures RELATIVE ${DIR}/fixtures ${DIR}/fixtures/*.pt)
list(SORT fixtures)
if(NOT fixtures)
  message(FATAL_ERROR "no fixtures in ${DIR}/fixtures")
endif()
set(got "")
foreach(fixture IN LISTS fixtures)
  execute_process(COMMAND ${PTCAT} --torch-version ${TORCH} --python-version ${PYTHON}
                          ${DIR}/fixtures/${fixture}
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "ptcat ${fixture} exited with ${status}: ${err}")
  endif()
  string(APPEND got "== ${fixture}\n${out}")
endforeach()
file(READ ${DIR}/expected/ptcat-${TORCH}-${PYTHON}.txt want)
if(NOT got STREQUAL want)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/ptcat-${TORCH}-${PYTHON}.got "${got}")
  message(FATAL_ERROR "ptcat printed (${CMAKE_CURRENT_BINARY_DIR}/ptcat-${TORCH}-${PYTHON}.got)\n"
                      "${got}\nPython printed (expected/ptcat-${TORCH}-${PYTHON}.txt)\n${want}")
endif()
message(STATUS "ok   ${fixtures}: what torch ${TORCH} with Python ${PYTHON} printed")

execute_process(COMMAND ${PTCAT} ${DIR}/fixtures/no-such-file.pt
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
string(STRIP "${err}" err)
if(NOT status EQUAL 1 OR NOT out STREQUAL "" OR err MATCHES "\n" OR NOT err MATCHES "no-such-file")
  message(FATAL_ERROR "ptcat on a missing file: status ${status}, stdout '${out}', stderr '${err}'")
endif()
message(STATUS "ok   a missing file: one line (${err}), exit status 1")
