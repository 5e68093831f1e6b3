/* seccomp_ban.h: a seccomp filter program, in plain BPF, that gives one
 * answer (kill the process, or an errno) to the system calls of a list and
 * allows every other. The structures of linux/filter.h, which musl-gcc
 * cannot see. Used by tests/preload/seccomp.c and tests/helpers/sandboxexec.c. */
#ifndef FG_SECCOMP_BAN_H
#define FG_SECCOMP_BAN_H
#include <stddef.h>
#include <stdint.h>

struct bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct bpf_prog {
	unsigned short len;
	struct bpf_insn *filter;
};
#define BAN_KILL 0x80000000u          /* SECCOMP_RET_KILL_PROCESS */
#define BAN_ERRNO(e) (0x00050000u | (e)) /* SECCOMP_RET_ERRNO */

/* The program in f (room for n + 3 instructions, n < 256): load the
 * call number, one equality jump per banned call to the answer at the end. */
static inline struct bpf_prog ban_prog(struct bpf_insn *f, const long *nr, size_t n, uint32_t answer)
{
	size_t k = 0;
	f[k++] = (struct bpf_insn){ 0x20, 0, 0, 0 }; /* BPF_LD|BPF_W|BPF_ABS, seccomp_data.nr */
	for (size_t i = 0; i < n; i++) /* BPF_JMP|BPF_JEQ|BPF_K: equal jumps past the rest */
		f[k++] = (struct bpf_insn){ 0x15, (uint8_t)(n - i), 0, (uint32_t)nr[i] };
	f[k++] = (struct bpf_insn){ 0x06, 0, 0, 0x7fff0000u }; /* BPF_RET: allow */
	f[k++] = (struct bpf_insn){ 0x06, 0, 0, answer };
	return (struct bpf_prog){ (unsigned short)k, f };
}

#endif
