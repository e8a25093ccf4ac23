/*
 * gild_vm.h - the VM's small public API, the only vm/ header server/ may
 * include.
 */
#ifndef GILD_VM_PUBLIC_H
#define GILD_VM_PUBLIC_H

/* `gild run FILE.py [ARGS]`, `gild run -c CODE [ARGS]`, `gild dis FILE.py`.
 * argv[0] is "run" or "dis". Returns the process exit status. */
int gild_vm_main(int argc, char **argv);

/* The VM as the server's handler runtime (handler_runtime.c): a new
 * gild_handler_ops whose handlers are "module.function" names of Python
 * scripts in the handler directory. NULL on ENOMEM. */
struct gild_handler_ops;
struct gild_handler_ops *gild_vm_runtime_new(void);
void gild_vm_runtime_free(struct gild_handler_ops *ops);

#endif
