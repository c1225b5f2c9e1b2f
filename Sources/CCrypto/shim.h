#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/core_names.h>

/* X509_NAME_print_ex flags for names people read: RFC 2253 order and escaping, UTF-8 kept as
   UTF-8 (OpenSSL's -nameopt RFC2253,-esc_msb). A macro built from casts, so Swift cannot import it. */
static inline unsigned long civlink_readable_name_flags(void) {
    return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
}
