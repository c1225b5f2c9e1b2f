/* One trampoline per OpenSSL function civlink calls (symbols.def): a jump through
   civlink_openssl_table, filled on first use by civlink_openssl_resolve (loader.c). The
   trampolines are hidden, so libssl's own calls into libcrypto never come through them. */
#if defined(__x86_64__)

    .text
    .set civlink_index, 0

.macro TRAMPOLINE name
    .globl \name
    .hidden \name
    .type \name, @function
    .p2align 4
\name:
    movq civlink_openssl_table+8*civlink_index(%rip), %r11
    testq %r11, %r11
    jz 1f
    jmpq *%r11
1:  movl $civlink_index, %r11d
    jmp civlink_openssl_slow
    .size \name, .-\name
    .set civlink_index, civlink_index+1
.endm

#define CRYPTO(name) TRAMPOLINE name
#define SSL(name) TRAMPOLINE name
#include "symbols.def"

/* The first call: save every argument register (and %al, the vector count of a variadic call),
   load, restore, and go on to the real function. %rsp is 8 mod 16 here, as at any entry. */
    .p2align 4
    .type civlink_openssl_slow, @function
civlink_openssl_slow:
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %rcx
    pushq %r8
    pushq %r9
    pushq %rax
    pushq %r11
    subq $136, %rsp
    movdqu %xmm0, 0(%rsp)
    movdqu %xmm1, 16(%rsp)
    movdqu %xmm2, 32(%rsp)
    movdqu %xmm3, 48(%rsp)
    movdqu %xmm4, 64(%rsp)
    movdqu %xmm5, 80(%rsp)
    movdqu %xmm6, 96(%rsp)
    movdqu %xmm7, 112(%rsp)
    call civlink_openssl_resolve
    movdqu 0(%rsp), %xmm0
    movdqu 16(%rsp), %xmm1
    movdqu 32(%rsp), %xmm2
    movdqu 48(%rsp), %xmm3
    movdqu 64(%rsp), %xmm4
    movdqu 80(%rsp), %xmm5
    movdqu 96(%rsp), %xmm6
    movdqu 112(%rsp), %xmm7
    addq $136, %rsp
    popq %r11
    popq %rax
    popq %r9
    popq %r8
    popq %rcx
    popq %rdx
    popq %rsi
    popq %rdi
    leaq civlink_openssl_table(%rip), %r10
    movq (%r10,%r11,8), %r11
    jmpq *%r11
    .size civlink_openssl_slow, .-civlink_openssl_slow

#elif defined(__aarch64__)

    .text
    .set civlink_index, 0

.macro TRAMPOLINE name
    .globl \name
    .hidden \name
    .type \name, %function
    .p2align 2
\name:
    adrp x16, civlink_openssl_table+8*civlink_index
    ldr x16, [x16, #:lo12:civlink_openssl_table+8*civlink_index]
    cbz x16, 1f
    br x16
1:  mov x17, #civlink_index
    b civlink_openssl_slow
    .size \name, .-\name
    .set civlink_index, civlink_index+1
.endm

#define CRYPTO(name) TRAMPOLINE name
#define SSL(name) TRAMPOLINE name
#include "symbols.def"

    .p2align 2
    .type civlink_openssl_slow, %function
civlink_openssl_slow:
    stp x29, x30, [sp, #-224]!
    mov x29, sp
    stp x0, x1, [sp, #16]
    stp x2, x3, [sp, #32]
    stp x4, x5, [sp, #48]
    stp x6, x7, [sp, #64]
    stp x8, x17, [sp, #80]
    stp q0, q1, [sp, #96]
    stp q2, q3, [sp, #128]
    stp q4, q5, [sp, #160]
    stp q6, q7, [sp, #192]
    bl civlink_openssl_resolve
    ldp q6, q7, [sp, #192]
    ldp q4, q5, [sp, #160]
    ldp q2, q3, [sp, #128]
    ldp q0, q1, [sp, #96]
    ldp x8, x17, [sp, #80]
    ldp x6, x7, [sp, #64]
    ldp x4, x5, [sp, #48]
    ldp x2, x3, [sp, #32]
    ldp x0, x1, [sp, #16]
    ldp x29, x30, [sp], #224
    adrp x16, civlink_openssl_table
    add x16, x16, #:lo12:civlink_openssl_table
    ldr x16, [x16, x17, lsl #3]
    br x16
    .size civlink_openssl_slow, .-civlink_openssl_slow

#else
#error "trampolines.S: no trampolines for this architecture"
#endif

    .section .note.GNU-stack, "", @progbits
