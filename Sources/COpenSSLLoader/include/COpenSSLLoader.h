#ifndef CIVLINK_OPENSSL_LOADER_H
#define CIVLINK_OPENSSL_LOADER_H

/* libcrypto and libssl are loaded on the first call into them, not at start-up: most commands
   (status, report, --version) never need them, and loading them is most of a static binary's
   start-up time. Each OpenSSL function civlink calls is a trampoline (trampolines.S) that jumps
   through a table filled, once, by dlopen and dlsym (loader.c).

   Returns NULL when both libraries are loaded, else why not (for `doctor`). Loads them if needed. */
const char *civlink_openssl_load_error(void);

#endif
