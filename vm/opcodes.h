/*
 * opcodes.h - the bytecode instruction set, declared once (as Lua's
 * lopcodes.h does): everything that needs the list (the enum, the names for
 * `gild dis`, the dispatch table of interp.c) expands OPCODE_LIST.
 *
 * An instruction is one 32-bit word: the opcode in the low 8 bits, its
 * argument in the high 24. A few superinstructions (marked "+N") are
 * followed by N extra words of operands; code.c's op_extra_words says how
 * many, so the disassembler and the compiler agree with the interpreter.
 *
 * X(name, extra_words, argument kind for dis)
 *   kinds: N none, I integer, C constant, M name, L local, D deref, J jump
 *   target, B binary operator, P compare operator.
 */
#ifndef GILD_OPCODES_H
#define GILD_OPCODES_H

#include <stdint.h>

#define OPCODE_LIST(X) \
  X(NOP, 0, N) \
  X(POP_TOP, 0, N) \
  X(DUP_TOP, 0, N) \
  X(DUP_TOP_TWO, 0, N) \
  X(ROT_TWO, 0, N) \
  X(ROT_THREE, 0, N) \
  X(ROT_FOUR, 0, N) \
  X(LOAD_CONST, 0, C) \
  X(LOAD_FAST, 0, L) \
  X(STORE_FAST, 0, L) \
  X(DELETE_FAST, 0, L) \
  X(LOAD_DEREF, 0, D) \
  X(STORE_DEREF, 0, D) \
  X(DELETE_DEREF, 0, D) \
  X(LOAD_CLOSURE, 0, D) \
  X(LOAD_GLOBAL, 1, M)      /* +1: inline cache index */ \
  X(STORE_GLOBAL, 0, M) \
  X(DELETE_GLOBAL, 0, M) \
  X(LOAD_ATTR, 0, M) \
  X(STORE_ATTR, 0, M) \
  X(LOAD_METHOD, 0, M) \
  X(BINARY_OP, 0, B) \
  X(INPLACE_OP, 0, B) \
  X(UNARY_NEG, 0, N) \
  X(UNARY_POS, 0, N) \
  X(UNARY_INVERT, 0, N) \
  X(UNARY_NOT, 0, N) \
  X(COMPARE_OP, 0, P) \
  X(IS_OP, 0, I) \
  X(CONTAINS_OP, 0, I) \
  X(BINARY_SUBSCR, 0, N) \
  X(STORE_SUBSCR, 0, N) \
  X(DELETE_SUBSCR, 0, N) \
  X(BUILD_SLICE, 0, I) \
  X(BUILD_LIST, 0, I) \
  X(BUILD_TUPLE, 0, I) \
  X(BUILD_SET, 0, I) \
  X(BUILD_MAP, 0, I) \
  X(BUILD_STRING, 0, I) \
  X(LIST_APPEND, 0, I) \
  X(SET_ADD, 0, I) \
  X(MAP_ADD, 0, I) \
  X(LIST_EXTEND, 0, I) \
  X(SET_UPDATE, 0, I) \
  X(DICT_UPDATE, 0, I) \
  X(LIST_TO_TUPLE, 0, N) \
  X(UNPACK_SEQUENCE, 0, I) \
  X(UNPACK_EX, 0, I) \
  X(FORMAT_VALUE, 0, I) \
  X(JUMP, 0, J) \
  X(POP_JUMP_IF_FALSE, 0, J) \
  X(POP_JUMP_IF_TRUE, 0, J) \
  X(JUMP_IF_FALSE_OR_POP, 0, J) \
  X(JUMP_IF_TRUE_OR_POP, 0, J) \
  X(GET_ITER, 0, N) \
  X(FOR_ITER, 0, J) \
  X(CALL, 0, I) \
  X(CALL_KW, 0, I)          /* kwnames tuple on top */ \
  X(CALL_EX, 0, I)          /* callable, args tuple, kwargs dict if arg */ \
  X(CALL_METHOD, 0, I) \
  X(CALL_METHOD_KW, 0, I) \
  X(MAKE_FUNCTION, 0, I) \
  X(RETURN_VALUE, 0, N) \
  X(RAISE, 0, I) \
  X(RERAISE, 0, N) \
  X(PUSH_EXC_INFO, 0, N) \
  X(POP_EXCEPT, 0, N) \
  X(POP_EXCEPT_RERAISE, 0, N) \
  X(CHECK_EXC_MATCH, 0, N) \
  X(RAISE_ASSERT, 0, I) \
  X(BEFORE_WITH, 0, N) \
  X(WITH_EXIT, 0, N) \
  X(WITH_EXCEPT_START, 0, N) \
  X(IMPORT_NAME, 0, M) \
  X(IMPORT_FROM, 0, M) \
  X(IMPORT_STAR, 0, N) \
  /* superinstructions: the hot pairs of loops and recursive calls */ \
  X(LOAD_FAST_FAST, 0, I)   /* arg: a | b << 12 */ \
  X(BINOP_FAST_CONST, 2, B) /* +local, +const: push local OP const */ \
  X(INPLACE_FAST_CONST, 2, B) /* +local, +const: local OP= const */ \
  X(JUMP_IF_FAST_CONST, 3, P) /* +local, +const, +target: jump if (local CMP const) is arg>>4 */ \
  /* the same three with an int32 immediate instead of the const index */ \
  X(BINOP_FAST_INT, 2, B) \
  X(INPLACE_FAST_INT, 2, B) \
  X(JUMP_IF_FAST_INT, 3, P) \
  X(RETURN_FAST, 0, L) \
  /* +local, +int32, +what: return if (local CMP imm), as JUMP_IF_FAST_INT \
   * decides a jump; what: a const index or RETURN_THE_LOCAL */ \
  X(RETURN_IF_FAST_INT, 3, P) \
  X(RETURN_CONST, 0, C)

typedef enum Opcode {
#define X(name, extra, kind) OP_##name,
  OPCODE_LIST(X)
#undef X
  OP__COUNT
} Opcode;

#define INSN(op, arg) ((uint32_t)(op) | ((uint32_t)(arg) << 8))
#define INSN_OP(w) ((w) & 0xff)
#define INSN_ARG(w) ((w) >> 8)
#define INSN_ARG_MAX 0xffffff
/* RETURN_IF_FAST_INT's third word: return the compared local itself */
#define RETURN_THE_LOCAL 0xffffffffu

extern const char *const opcode_names[OP__COUNT];
extern const uint8_t opcode_extra_words[OP__COUNT];

#endif
