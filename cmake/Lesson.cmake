# add_lesson(): one call in notebooks_port/<name>/CMakeLists.txt registers a
# lesson: its programs and its parity tests.
#
#   add_lesson(<name>
#     SOURCES <file.cpp>...       # the port; defines lesson_main() (lesson/program.hpp)
#     [SCENARIOS <scenario>...]   # one program <name>_<scenario> each
#     [NOTEBOOK <file.ipynb>]     # default: <name>.ipynb
#     [PARITY <config>...]        # default: "default"
#     [NO_PARITY]                 # no parity tests: the output is not deterministic (timings)
#     [OUTPUTS <cells.json>]      # the walk-through shows this recorded run (see below)
#     [PORT_DEFAULTS <NAME=VALUE>...])  # parameter defaults the port keeps different (below)
#
# Programs (in <build>/bin): demo_<name> runs the whole notebook (what
# `./run demo <name>` runs); <name>_<scenario> runs the scenario's cells. They
# are one executable: each <name>_<scenario> is a symbolic link to demo_<name>,
# whose main() calls lesson_main(argc, argv, "demo" | "<scenario>") by the
# name it was run as (lesson::scenario_of). One link step per lesson, and the
# scenario programs are never stale.
#
# The edit-run loop: the port compiles with the precompiled LibTorch headers
# of lesson_pch (notebooks_port/CMakeLists.txt), shared by every lesson.
#
# Parity tests (ctest label `parity`), one per config: a config is a name
# followed by the notebook parameters it sets, e.g. "seed_2 SEED=2" or
# "sizes INPUT_SIZE=4 HIDDEN_SIZE=2". The test runs `compare`: the notebook is
# executed headless with those parameters and every program of the lesson is
# run with the matching flags (--seed 2 ...); each code cell's output must be
# identical byte for byte. A lesson under parity also gets parity.<name>.dump
# (tests/parity/test_dump.py): demo_<name> --dump holds the tensors Python
# shows when it runs the notebook, bit for bit, and the registered variables,
# and `ptcat diff` finds the dump equal to Python's torch.save of them.
#
# A lesson with a README.in.md also gets parity.<name>.readme: its walk-through
# README.md must be what notebooks_port/walkthrough.py generates now. The
# outputs it shows come from running demo_<name>, or, with OUTPUTS, from a
# recorded run (`demo_<name> --cells-json > <cells.json>`, kept in the lesson
# folder) for a lesson whose output changes from run to run.
#
# Every lesson also gets unit.<name>.parameters
# (notebooks_port/support/check_parameters.py): what `demo_<name>
# --print-parameters` prints, the parameters the port declares
# (lesson/param.hpp) with their defaults, must be the assignments of the
# notebook's parameters cell, so a default can't drift from the notebook. A
# default the port keeps different on purpose is a PORT_DEFAULTS entry
# NAME=VALUE (the notebook's parameter set to VALUE before the comparison, as
# compare sets one), with the reason next to it.
#
# The tests are registered by tests/parity (after enable_testing()), from what
# add_lesson() records in global properties.
function(add_lesson name)
  cmake_parse_arguments(PARSE_ARGV 1 L "NO_PARITY" "NOTEBOOK;OUTPUTS"
                        "SOURCES;SCENARIOS;PARITY;PORT_DEFAULTS")
  if(L_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "add_lesson(${name}): unknown arguments: ${L_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT name MATCHES "^[A-Za-z0-9_]+$")
    message(FATAL_ERROR "add_lesson(${name}): a lesson name is letters, digits and '_'")
  endif()
  if(NOT L_SOURCES)
    message(FATAL_ERROR "add_lesson(${name}): SOURCES is required")
  endif()
  if(NOT L_NOTEBOOK)
    set(L_NOTEBOOK ${name}.ipynb)
  endif()
  get_filename_component(notebook ${L_NOTEBOOK} ABSOLUTE)
  if(NOT EXISTS ${notebook})
    message(FATAL_ERROR "add_lesson(${name}): no notebook ${notebook}")
  endif()
  if(L_NO_PARITY AND L_PARITY)
    message(FATAL_ERROR "add_lesson(${name}): NO_PARITY and PARITY exclude each other")
  elseif(L_NO_PARITY)
    set(L_PARITY "")
  elseif(NOT L_PARITY)
    set(L_PARITY default)
  endif()
  # How the walk-through gets the outputs it shows.
  if(L_OUTPUTS)
    get_filename_component(outputs ${L_OUTPUTS} ABSOLUTE)
    if(NOT EXISTS ${outputs})
      message(FATAL_ERROR "add_lesson(${name}): no recorded outputs ${outputs}")
    endif()
    set(readme_source --outputs ${outputs})
  else()
    set(readme_source --port $<TARGET_FILE:demo_${name}>)
  endif()

  # The port, compiled once, as a library (unit tests may link it too); the
  # program is a thin main around it.
  add_library(lesson_${name} STATIC ${L_SOURCES})
  target_link_libraries(lesson_${name} PUBLIC lesson_support PRIVATE project_warnings lesson_flags)
  if(TARGET lesson_pch)
    target_precompile_headers(lesson_${name} REUSE_FROM lesson_pch)
  endif()

  set(scenario_list "")  # "a", "b" (C++ string literals)
  foreach(scenario IN LISTS L_SCENARIOS)
    if(scenario_list)
      string(APPEND scenario_list ", ")
    endif()
    string(APPEND scenario_list "\"${scenario}\"")
  endforeach()
  # The headings --annotate prints, read from the notebook (again whenever it changes).
  execute_process(
    COMMAND ${PYTHON_WITH_TORCH} ${PROJECT_SOURCE_DIR}/notebooks_port/support/headings.py ${notebook}
    OUTPUT_VARIABLE headings RESULT_VARIABLE headings_status ERROR_VARIABLE headings_error)
  if(NOT headings_status EQUAL 0)
    message(FATAL_ERROR "add_lesson(${name}): cannot read the headings of ${notebook}: ${headings_error}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${notebook})
  set(main_cpp ${CMAKE_CURRENT_BINARY_DIR}/main.cpp)
  file(CONFIGURE OUTPUT ${main_cpp} CONTENT
"// Generated by add_lesson(${name}) (cmake/Lesson.cmake): demo_${name}, and
// ${name}_<scenario> by the name it is run as.
#include \"lesson/notebook.hpp\"
#include \"lesson/program.hpp\"
int main(int argc, char** argv) {
  lesson::set_notebook_headings({
${headings}});
  return lesson_main(argc, argv,
                     lesson::scenario_of(argc > 0 ? argv[0] : \"\", \"${name}\", {${scenario_list}}));
}
" @ONLY)
  add_executable(demo_${name} ${main_cpp})
  target_link_libraries(demo_${name} PRIVATE lesson_${name} project_warnings)
  set(programs $<TARGET_FILE:demo_${name}>)
  foreach(scenario IN LISTS L_SCENARIOS)
    if(scenario STREQUAL "demo" OR NOT scenario MATCHES "^[A-Za-z0-9_]+$")
      message(FATAL_ERROR "add_lesson(${name}): bad scenario name '${scenario}'")
    endif()
    add_custom_command(TARGET demo_${name} POST_BUILD
      COMMAND ${CMAKE_COMMAND} -E create_symlink $<TARGET_FILE_NAME:demo_${name}>
              $<TARGET_FILE_DIR:demo_${name}>/${name}_${scenario}
      VERBATIM)
    list(APPEND programs $<TARGET_FILE_DIR:demo_${name}>/${name}_${scenario})
  endforeach()

  # `cmake --build <build> --target readme_<name>` regenerates the walk-through.
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/README.in.md)
    add_custom_target(readme_${name}
      COMMAND ${PYTHON_WITH_TORCH} ${PROJECT_SOURCE_DIR}/notebooks_port/walkthrough.py
              ${CMAKE_CURRENT_SOURCE_DIR} ${readme_source}
      DEPENDS demo_${name}
      COMMENT "Generating ${CMAKE_CURRENT_SOURCE_DIR}/README.md"
      VERBATIM)
  endif()

  set_property(GLOBAL APPEND PROPERTY LSTM_PORT_LESSONS ${name})
  set_property(GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  set_property(GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_NOTEBOOK ${notebook})
  # The paths of the programs (generator expressions): demo_<name>, then the scenario links.
  set_property(GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_PROGRAMS ${programs})
  set_property(GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_PARITY "${L_PARITY}")
  set_property(GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_README_SOURCE "${readme_source}")
  set_property(GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_PORT_DEFAULTS "${L_PORT_DEFAULTS}")
endfunction()

# Registers the tests of every lesson (called from tests/parity): its parity
# tests and unit.<name>.parameters.
function(add_lesson_parity_tests)
  get_property(lessons GLOBAL PROPERTY LSTM_PORT_LESSONS)
  foreach(name IN LISTS lessons)
    get_property(notebook GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_NOTEBOOK)
    get_property(programs GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_PROGRAMS)
    get_property(configs GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_PARITY)
    set(port_args)
    foreach(program IN LISTS programs)
      list(APPEND port_args --port ${program})
    endforeach()
    foreach(config IN LISTS configs)
      separate_arguments(words UNIX_COMMAND "${config}")
      list(POP_FRONT words config_name)
      set(param_args)
      foreach(param IN LISTS words)
        if(NOT param MATCHES "^[A-Za-z_][A-Za-z0-9_]*=")
          message(FATAL_ERROR "add_lesson(${name}): PARITY \"${config}\": expected NAME=VALUE, got ${param}")
        endif()
        list(APPEND param_args -p ${param})
      endforeach()
      add_test(NAME parity.${name}.${config_name}
               COMMAND ${PYTHON_WITH_TORCH} ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/compare ${name}
                       --notebook ${notebook} ${port_args} ${param_args})
      set_tests_properties(parity.${name}.${config_name} PROPERTIES LABELS parity TIMEOUT 900)
    endforeach()

    # Under parity, --dump too: the port shows the tensors Python shows, and
    # they and the registered variables are Python's bit for bit.
    list(GET programs 0 demo)
    if(configs)
      set(ptcat_diff)
      if(TARGET ptcat)
        set(ptcat_diff --ptcat $<TARGET_FILE:ptcat>)
      endif()
      add_test(NAME parity.${name}.dump
               COMMAND ${PYTHON_WITH_TORCH} ${PROJECT_SOURCE_DIR}/tests/parity/test_dump.py
                       ${notebook} ${demo} ${ptcat_diff})
      set_tests_properties(parity.${name}.dump PROPERTIES LABELS parity TIMEOUT 900)
    endif()

    # The port's parameters are the notebook's parameters cell (all but the
    # PORT_DEFAULTS).
    get_property(port_defaults GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_PORT_DEFAULTS)
    set(default_args)
    foreach(param IN LISTS port_defaults)
      if(NOT param MATCHES "^[A-Za-z_][A-Za-z0-9_]*=")
        message(FATAL_ERROR "add_lesson(${name}): PORT_DEFAULTS: expected NAME=VALUE, got ${param}")
      endif()
      list(APPEND default_args -p ${param})
    endforeach()
    add_test(NAME unit.${name}.parameters
             COMMAND ${PYTHON_WITH_TORCH} ${PROJECT_SOURCE_DIR}/notebooks_port/support/check_parameters.py
                     ${notebook} ${demo} ${default_args})
    set_tests_properties(unit.${name}.parameters PROPERTIES LABELS unit TIMEOUT 300)

    # The walk-through README.md, if the lesson has one (README.in.md), must
    # be what notebooks_port/walkthrough.py generates from the sources now.
    get_property(dir GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_DIR)
    get_property(readme_source GLOBAL PROPERTY LSTM_PORT_LESSON_${name}_README_SOURCE)
    if(EXISTS ${dir}/README.in.md)
      add_test(NAME parity.${name}.readme
               COMMAND ${PYTHON_WITH_TORCH} ${PROJECT_SOURCE_DIR}/notebooks_port/walkthrough.py
                       ${dir} ${readme_source} --check)
      set_tests_properties(parity.${name}.readme PROPERTIES LABELS parity TIMEOUT 300)
    endif()
  endforeach()
endfunction()
