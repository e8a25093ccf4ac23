/*
 * gild_vm.h - the VM's small public API, the only vm/ header server/ may
 * include.
 */
#ifndef GILD_VM_PUBLIC_H
#define GILD_VM_PUBLIC_H

/* `gild run FILE.py [ARGS]`, `gild run -c CODE [ARGS]`, `gild dis FILE.py`.
 * argv[0] is "run" or "dis". Returns the process exit status. */
int gild_vm_main(int argc, char **argv);

#endif
