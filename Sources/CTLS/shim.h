#ifndef CTLS_SHIM_H
#define CTLS_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

/* OpenSSL spells these as function-like macros, which Swift cannot import. */

static inline int ctls_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

/* Partial writes, and a write buffer that may move between retries: a Swift array's storage has
   no fixed address across calls. */
static inline void ctls_set_nonblocking_write_modes(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

static inline uint64_t ctls_op_no_renegotiation(void) { return SSL_OP_NO_RENEGOTIATION; }

static inline int ctls_set_server_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

static inline void ctls_bio_clear_retry_flags(BIO *bio) { BIO_clear_retry_flags(bio); }
static inline void ctls_bio_set_retry_read(BIO *bio) { BIO_set_retry_read(bio); }
static inline void ctls_bio_set_retry_write(BIO *bio) { BIO_set_retry_write(bio); }

#endif
