/* Fills the trampolines' table with libcrypto's and libssl's functions, once, on first use. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "COpenSSLLoader.h"

enum {
#define CRYPTO(name) civlink_index_##name,
#define SSL(name) civlink_index_##name,
#include "symbols.def"
#undef CRYPTO
#undef SSL
    civlink_openssl_count
};

__attribute__((visibility("hidden"))) void *civlink_openssl_table[civlink_openssl_count];

static const struct { const char *name; int ssl; } entries[] = {
#define CRYPTO(name) { #name, 0 },
#define SSL(name) { #name, 1 },
#include "symbols.def"
#undef CRYPTO
#undef SSL
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512];

static void load(void) {
    /* The sonames of OpenSSL 3 (Debian's libssl3); libssl brings its libcrypto. */
    void *crypto = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    void *ssl = crypto ? dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL) : NULL;
    if (!crypto || !ssl) {
        snprintf(failure, sizeof failure, "cannot load OpenSSL 3 (install the libssl3 package): %s", dlerror());
        return;
    }
    void *table[civlink_openssl_count];
    for (int i = 0; i < civlink_openssl_count; i++) {
        table[i] = dlsym(entries[i].ssl ? ssl : crypto, entries[i].name);
        if (!table[i]) {
            snprintf(failure, sizeof failure, "OpenSSL lacks %s: %s", entries[i].name, dlerror());
            return;
        }
    }
    /* Published only when complete: a trampoline sees a null entry or the real function. */
    for (int i = 0; i < civlink_openssl_count; i++) __atomic_store_n(&civlink_openssl_table[i], table[i], __ATOMIC_RELEASE);
}

const char *civlink_openssl_load_error(void) {
    pthread_once(&once, load);
    return failure[0] ? failure : NULL;
}

/* Called by a trampoline whose entry is still null, with the caller's arguments saved. There is
   no way to return an error through an arbitrary OpenSSL call: without the library civlink
   cannot go on (exit 69, EX_UNAVAILABLE). */
__attribute__((visibility("hidden"))) void civlink_openssl_resolve(void) {
    const char *error = civlink_openssl_load_error();
    if (error) {
        char line[600];
        int length = snprintf(line, sizeof line, "civlink: %s\n", error);
        if (length > 0) (void)!write(2, line, (size_t)length < sizeof line ? (size_t)length : sizeof line - 1);
        _exit(69);
    }
}
