/* The sandbox's TLS material (private to the sandbox module): a CA it keeps in
 * DATA/tls/ and a server certificate for 127.0.0.1 and localhost that the CA
 * signs. */
#ifndef CS_SANDBOX_SB_TLS_H
#define CS_SANDBOX_SB_TLS_H

#include "core/err.h"

typedef struct sb_tls {
    char *cert_pem; /* server certificate, then the CA's (PEM chain) */
    char *key_pem;  /* server private key (PEM) */
    char *ca_file;  /* DATA/tls/ca.pem: what clients trust */
} sb_tls;

/* Loads the CA and server certificate from data_dir/tls, creating what is
 * missing: the CA on first start, the server certificate when it is absent,
 * not signed by that CA, or expires within a day. Keys are written 0600.
 * A CA file that exists but cannot be read is an error naming it (never
 * replaced silently: clients may trust it). On success *out owns strings
 * freed by sb_tls_dispose(). */
int sb_tls_prepare(const char *data_dir, sb_tls *out, cs_err *err);
/* Wipes the key and frees every string. Accepts a zeroed struct. */
void sb_tls_dispose(sb_tls *t);

#endif
