// The translation unit that builds the lessons' precompiled header
// (lesson_pch in notebooks_port/CMakeLists.txt); it has no code of its own.
