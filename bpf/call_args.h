// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * call_args.h: a syscall's six arguments read from its saved registers, for Cordon's BPF
 * programs (monitor.bpf.c, view_denials.bpf.c). x86: an i386 call (`int 0x80`, `TS_COMPAT`)
 * passes them in bx, cx, dx, si, di, bp, 32 bits each; x86_64 and x32 in di, si, dx, r10, r8, r9.
 * Include after vmlinux.h and cordon.h.
 */
#ifndef CORDON_CALL_ARGS_H
#define CORDON_CALL_ARGS_H

static __always_inline void cordon_call_args(const struct pt_regs *regs, __u8 abi, __u64 *args)
{
	if (abi == CORDON_ABI_COMPAT) {
		args[0] = (__u32)regs->bx;
		args[1] = (__u32)regs->cx;
		args[2] = (__u32)regs->dx;
		args[3] = (__u32)regs->si;
		args[4] = (__u32)regs->di;
		args[5] = (__u32)regs->bp;
	} else {
		args[0] = regs->di;
		args[1] = regs->si;
		args[2] = regs->dx;
		args[3] = regs->r10;
		args[4] = regs->r8;
		args[5] = regs->r9;
	}
}

#endif /* CORDON_CALL_ARGS_H */
