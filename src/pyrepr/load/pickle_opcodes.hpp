// Internal (pyrepr::load): the pickle opcodes the interpreter executes, named
// as in Python's Lib/pickle.py (pickletools documents each). The others (INST,
// OBJ, the EXT* registry, Python 2's STRING forms, ...) are refused as
// unsupported.
#pragma once

namespace pyrepr::detail {

enum class Op : unsigned char {
  PROTO = 0x80,             // protocol 2
  FRAME = 0x95,             // protocol 4
  STOP = '.',               // protocol 0
  MARK = '(',               // protocol 0
  POP = '0',                // protocol 0
  POP_MARK = '1',           // protocol 1
  DUP = '2',                // protocol 0
  PUT = 'p',                // protocol 0
  GET = 'g',                // protocol 0
  BINPUT = 'q',             // protocol 1
  LONG_BINPUT = 'r',        // protocol 1
  BINGET = 'h',             // protocol 1
  LONG_BINGET = 'j',        // protocol 1
  MEMOIZE = 0x94,           // protocol 4
  NONE = 'N',               // protocol 0
  NEWTRUE = 0x88,           // protocol 2
  NEWFALSE = 0x89,          // protocol 2
  INT = 'I',                // protocol 0: decimal text; "00"/"01" are False/True
  LONG = 'L',               // protocol 0: decimal text, an optional trailing 'L'
  FLOAT = 'F',              // protocol 0: float() of the text
  UNICODE = 'V',            // protocol 0: raw-unicode-escape text
  BININT = 'J',             // protocol 1
  BININT1 = 'K',            // protocol 1
  BININT2 = 'M',            // protocol 1
  LONG1 = 0x8a,             // protocol 2
  LONG4 = 0x8b,             // protocol 2
  BINFLOAT = 'G',           // protocol 1
  BINUNICODE = 'X',         // protocol 1
  SHORT_BINUNICODE = 0x8c,  // protocol 4
  BINUNICODE8 = 0x8d,       // protocol 4
  BINBYTES = 'B',           // protocol 3
  SHORT_BINBYTES = 'C',     // protocol 3
  BINBYTES8 = 0x8e,         // protocol 4
  EMPTY_LIST = ']',         // protocol 1
  LIST = 'l',               // protocol 0
  APPEND = 'a',             // protocol 0
  APPENDS = 'e',            // protocol 1
  EMPTY_TUPLE = ')',        // protocol 1
  TUPLE = 't',              // protocol 0
  TUPLE1 = 0x85,            // protocol 2
  TUPLE2 = 0x86,            // protocol 2
  TUPLE3 = 0x87,            // protocol 2
  EMPTY_DICT = '}',         // protocol 1
  DICT = 'd',               // protocol 0
  SETITEM = 's',            // protocol 0
  SETITEMS = 'u',           // protocol 1
  EMPTY_SET = 0x8f,         // protocol 4
  ADDITEMS = 0x90,          // protocol 4
  FROZENSET = 0x91,         // protocol 4
  GLOBAL = 'c',             // protocol 0
  STACK_GLOBAL = 0x93,      // protocol 4
  REDUCE = 'R',             // protocol 0
  NEWOBJ = 0x81,            // protocol 2
  NEWOBJ_EX = 0x92,         // protocol 4
  BUILD = 'b',              // protocol 0
  PERSID = 'P',             // protocol 0: the persistent id is the text
  BINPERSID = 'Q',          // protocol 1
};

}  // namespace pyrepr::detail
