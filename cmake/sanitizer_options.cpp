// Runtime defaults of the sanitizers, compiled into every program of a
// sanitizer build (see cmake/Warnings.cmake), so that ctest, the scripts and a
// developer running a program by hand get the same behavior. ASAN_OPTIONS,
// UBSAN_OPTIONS and TSAN_OPTIONS in the environment still override them.

extern "C" {

// UBSan: stop at the first report with a stack (the code is also compiled
// with -fno-sanitize-recover, this covers the runtime's own checks).
__attribute__((used, visibility("default"))) const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1";
}

__attribute__((used, visibility("default"))) const char* __asan_default_options() { return ""; }

__attribute__((used, visibility("default"))) const char* __tsan_default_options() {
  return "halt_on_error=1:second_deadlock_stack=1";
}

}  // extern "C"
