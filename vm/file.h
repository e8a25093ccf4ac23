/*
 * file.h - file objects (file.c): what open() returns and what sys.stdout /
 * sys.stderr are. Every blocking read/write/open/close syscall lives in one
 * small function of file.c so the GIL can be released around it.
 */
#ifndef GILD_FILE_H
#define GILD_FILE_H

#include "object.h"

extern Type TextIOWrapperType, BufferedReaderType, BufferedWriterType, BufferedRandomType;

/* The builtin open(file, mode='r', buffering=-1, encoding=None, ...). */
int file_open(TState *ts, Value self, const Value *args, int nargs, Obj *kwargs, Value *out);
/* sys.stdout (fd 1) and sys.stderr (fd 2): static, immortal; borrowed. */
Obj *file_std_stream(TState *ts, int fd);
/* Writes a str to a file-like object: directly for our file objects, else
 * through its write() method. */
int file_write_str(TState *ts, Value file, Value str);
/* Calls file.flush() (directly for our file objects). */
int file_flush_value(TState *ts, Value file);

#endif
