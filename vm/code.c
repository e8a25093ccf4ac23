/*
 * code.c - code objects and the disassembler behind `gild dis`.
 */
#include <stdio.h>
#include <stdlib.h>

#include "code.h"
#include "native.h"
#include "objimpl.h"

const char *const opcode_names[OP__COUNT] = {
#define X(name, extra, kind) #name,
    OPCODE_LIST(X)
#undef X
};

const uint8_t opcode_extra_words[OP__COUNT] = {
#define X(name, extra, kind) extra,
    OPCODE_LIST(X)
#undef X
};

static const char opcode_kinds[OP__COUNT] = {
#define X(name, extra, kind) #kind[0],
    OPCODE_LIST(X)
#undef X
};

Obj *code_new(TState *ts) {
  CodeObj *co = (CodeObj *)vm_alloc(ts, &CodeType, sizeof(CodeObj));
  if (!co) return NULL;
  char *p = (char *)co + sizeof(Obj);
  for (size_t i = 0; i < sizeof(CodeObj) - sizeof(Obj); i++) p[i] = 0;
  return &co->ob;
}

static void code_dealloc(Obj *o) {
  CodeObj *co = (CodeObj *)o;
  for (int i = 0; i < co->nconsts; i++) v_decref(co->consts[i]);
  free(co->consts);
  free(co->code);
  free(co->lines);
  free(co->names);
  free(co->varnames);
  free(co->cell_param);
  free(co->exctab);
  free(co->gcache);
  native_free(co);
  obj_xdecref(co->name);
  obj_xdecref(co->qualname);
  obj_xdecref(co->filename);
  vm_free_obj(o);
}

int code_line_at(CodeObj *co, int pc) {
  if (pc < 0) pc = 0;
  if (pc >= co->ncode) pc = co->ncode - 1;
  return co->ncode > 0 ? co->lines[pc] : co->firstline;
}

static int code_repr(TState *ts, Value self, Value *out) {
  CodeObj *co = (CodeObj *)self.as.o;
  Obj *s = str_fmt(ts, "<code object %s at %p, file \"%s\", line %d>", ((StrObj *)co->name)->data,
                   (void *)co, ((StrObj *)co->filename)->data, co->firstline);
  if (!s) return -1;
  *out = v_obj(s);
  return 0;
}

Type CodeType = {
    .ob = {IMMORTAL_REFCNT, &TypeType}, .name = "code", .dealloc = code_dealloc,
    .repr = code_repr,
};

static void print_value(FILE *f, Value v) {
  char buf[64];
  switch (v.tag) {
  case T_NONE: fputs("None", f); return;
  case T_BOOL: fputs(v.as.i ? "True" : "False", f); return;
  case T_INT: fprintf(f, "%lld", (long long)v.as.i); return;
  case T_FLOAT: float_repr(v.as.f, buf, sizeof buf); fputs(buf, f); return;
  case T_OBJ:
    if (v.as.o->type == &StrType) {
      fprintf(f, "'%.40s'", as_str(v)->data);
      return;
    }
    if (v.as.o->type == &CodeType) {
      fprintf(f, "<code %s>", ((StrObj *)((CodeObj *)v.as.o)->name)->data);
      return;
    }
    fprintf(f, "<%s>", v.as.o->type->name);
    return;
  default: fputs("?", f);
  }
}

static const char *const cmp_names[] = {"<", "<=", "==", "!=", ">", ">="};

void code_disassemble(CodeObj *co, void *file) {
  FILE *f = file;
  fprintf(f, "Disassembly of <code object %s, file \"%s\", line %d>:\n", ((StrObj *)co->qualname)->data,
          ((StrObj *)co->filename)->data, co->firstline);
  fprintf(f, "  locals %d, cells %d, frees %d, args %d, kwonly %d, stack %d\n", co->nlocals,
          co->ncells, co->nfrees, co->argcount, co->kwonlycount, co->stacksize);
  char why[160];
  if (native_eligible(co, why, sizeof why))
    fputs("  native: yes\n", f);
  else
    fprintf(f, "  native: no (%s)\n", why);
  native_describe_loops(co, f);
  int last_line = -1;
  for (int pc = 0; pc < co->ncode;) {
    uint32_t w = co->code[pc];
    int op = (int)INSN_OP(w), arg = (int)INSN_ARG(w);
    if (op >= OP__COUNT) {
      fprintf(f, "      %5d  <bad opcode %d>\n", pc, op);
      pc++;
      continue;
    }
    int line = co->lines[pc];
    if (line != last_line)
      fprintf(f, "%5d ", line);
    else
      fprintf(f, "      ");
    last_line = line;
    fprintf(f, "%5d  %-20s", pc, opcode_names[op]);
    const uint32_t *x = &co->code[pc + 1];
    switch (opcode_kinds[op]) {
    case 'C': fprintf(f, " %d (", arg); print_value(f, co->consts[arg]); fputc(')', f); break;
    case 'M': fprintf(f, " %d (%s)", arg & 0xfffff, ((StrObj *)co->names[arg & 0xfffff])->data); break;
    case 'L': fprintf(f, " %d (%s)", arg, arg < co->nlocals ? ((StrObj *)co->varnames[arg])->data : "?"); break;
    case 'D': fprintf(f, " %d (%s)", arg, ((StrObj *)co->varnames[co->nlocals + arg])->data); break;
    case 'J': fprintf(f, " to %d", arg); break;
    case 'B': fprintf(f, " %d (%s)", arg, arg < BINOP_COUNT ? binop_symbol[arg] : "?"); break;
    case 'P': fprintf(f, " %d (%s)", arg, cmp_names[arg & 15]); break;
    case 'I': fprintf(f, " %d", arg); break;
    default: break;
    }
    if (op == OP_BINOP_FAST_CONST || op == OP_INPLACE_FAST_CONST || op == OP_JUMP_IF_FAST_CONST) {
      fprintf(f, "  %s, ", ((StrObj *)co->varnames[x[0]])->data);
      print_value(f, co->consts[x[1]]);
      if (op == OP_JUMP_IF_FAST_CONST) fprintf(f, ", jump if %s to %u", (arg & 16) ? "true" : "false", x[2]);
    }
    if (op == OP_BINOP_FAST_INT || op == OP_INPLACE_FAST_INT || op == OP_JUMP_IF_FAST_INT ||
        op == OP_RETURN_IF_FAST_INT) {
      int64_t imm = (int32_t)x[1];
      if ((op == OP_BINOP_FAST_INT || op == OP_INPLACE_FAST_INT) && arg == BINOP_SUB) imm = -imm; /* the addend */
      fprintf(f, "  %s, %lld", ((StrObj *)co->varnames[x[0]])->data, (long long)imm);
      if (op == OP_JUMP_IF_FAST_INT) fprintf(f, ", jump if %s to %u", (arg & 16) ? "true" : "false", x[2]);
      if (op == OP_RETURN_IF_FAST_INT) {
        fprintf(f, ", if true return ");
        if (x[2] == RETURN_THE_LOCAL)
          fputs(((StrObj *)co->varnames[x[0]])->data, f);
        else
          print_value(f, co->consts[x[2]]);
      }
    }
    fputc('\n', f);
    pc += 1 + opcode_extra_words[op];
  }
  if (co->nexc) {
    fputs("ExceptionTable:\n", f);
    for (int i = 0; i < co->nexc; i++)
      fprintf(f, "  %u to %u -> %u [%u]\n", co->exctab[i].start, co->exctab[i].end,
              co->exctab[i].target, co->exctab[i].depth);
  }
  fputc('\n', f);
  for (int i = 0; i < co->nconsts; i++)
    if (v_is_type(co->consts[i], &CodeType)) code_disassemble((CodeObj *)co->consts[i].as.o, f);
}
