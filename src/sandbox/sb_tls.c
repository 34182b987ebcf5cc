/* TLS material for `crmsync sandbox --tls`, made with GnuTLS's X.509 API
 * (the library libmicrohttpd speaks TLS with on Debian).
 *
 * DATA/tls/ holds a CA (ca.pem, ca-key.pem) and a server certificate
 * (server.pem, server-key.pem) for 127.0.0.1 and localhost. The CA is made
 * once and kept: clients are told to trust ca.pem, so a restart must not
 * change it. The server certificate is remade whenever it is missing,
 * unreadable, not signed by the CA, or about to expire. Keys are ECDSA P-256,
 * written with mode 0600 through a temporary file and rename, so a crash
 * never leaves half a key. */
#include "sandbox/sb_tls.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PEM_MAX        (64 * 1024)
#define CA_DAYS        3650
#define SERVER_DAYS    397 /* the longest validity browsers still accept */
#define RENEW_MARGIN_S 86400

typedef struct pair {
    gnutls_x509_crt_t crt;
    gnutls_x509_privkey_t key;
} pair;

static void pair_dispose(pair *p)
{
    if (p->crt)
        gnutls_x509_crt_deinit(p->crt);
    if (p->key)
        gnutls_x509_privkey_deinit(p->key);
    p->crt = NULL;
    p->key = NULL;
}

static int tls_fail(cs_err *err, const char *what, int rc)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "sandbox TLS: %s: %s", what, gnutls_strerror(rc));
}

/* Reads a whole PEM file; 1 when it does not exist, 0 when read, -1 on error. */
static int read_file(const char *path, gnutls_datum_t *out, cs_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        return cs_err_set(err, CS_ERR_IO, "sandbox TLS: cannot open %s: %s", path, strerror(errno));
    }
    unsigned char *buf = malloc(PEM_MAX + 1);
    size_t len = 0;
    ssize_t n = 0;
    while (buf != NULL && len <= PEM_MAX && (n = read(fd, buf + len, PEM_MAX + 1 - len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (buf == NULL || n < 0 || len > PEM_MAX) {
        free(buf);
        return cs_err_set(err, CS_ERR_IO, "sandbox TLS: cannot read %s (or larger than %d bytes)",
                          path, PEM_MAX);
    }
    buf[len] = '\0';
    out->data = buf;
    out->size = (unsigned)len;
    return 0;
}

static int write_file(const char *path, const gnutls_datum_t *data, mode_t mode, cs_err *err)
{
    char tmp[4200];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return cs_err_set(err, CS_ERR_IO, "sandbox TLS: path too long: %s", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return cs_err_set(err, CS_ERR_IO, "sandbox TLS: cannot create %s: %s", tmp,
                          strerror(errno));
    size_t done = 0;
    while (done < data->size) {
        ssize_t w = write(fd, data->data + done, data->size - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    bool ok = done == data->size && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return cs_err_set(err, CS_ERR_IO, "sandbox TLS: cannot write %s: %s", path, strerror(e));
    }
    return 0;
}

static int export_crt(gnutls_x509_crt_t crt, gnutls_datum_t *out, cs_err *err)
{
    int rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, out);
    return rc < 0 ? tls_fail(err, "exporting a certificate", rc) : 0;
}

static int export_key(gnutls_x509_privkey_t key, gnutls_datum_t *out, cs_err *err)
{
    int rc = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, out);
    return rc < 0 ? tls_fail(err, "exporting a key", rc) : 0;
}

/* Writes both halves of p: the key first (0600), so a certificate on disk
 * always has its key. */
static int save_pair(const pair *p, const char *crt_path, const char *key_path, cs_err *err)
{
    gnutls_datum_t crt = {NULL, 0}, key = {NULL, 0};
    int rc = export_key(p->key, &key, err);
    if (rc == 0)
        rc = write_file(key_path, &key, 0600, err);
    if (rc == 0)
        rc = export_crt(p->crt, &crt, err);
    if (rc == 0)
        rc = write_file(crt_path, &crt, 0644, err);
    if (key.data) {
        explicit_bzero(key.data, key.size);
        gnutls_free(key.data);
    }
    gnutls_free(crt.data);
    return rc;
}

/* Loads a certificate and its key; 1 when the certificate file is missing
 * (a certificate without its key is an error naming the key file). */
static int load_pair(const char *crt_path, const char *key_path, pair *p, cs_err *err)
{
    gnutls_datum_t crt = {NULL, 0}, key = {NULL, 0};
    int rc = read_file(crt_path, &crt, err);
    int rk = rc == 0 ? read_file(key_path, &key, err) : 0;
    if (rc == 0 && rk == 1)
        rc = cs_err_set(err, CS_ERR_IO, "sandbox TLS: %s has no key: %s is missing", crt_path,
                        key_path);
    else if (rc == 0 && rk != 0)
        rc = rk;
    if (rc == 0) {
        int g = gnutls_x509_crt_init(&p->crt);
        if (g >= 0)
            g = gnutls_x509_crt_import(p->crt, &crt, GNUTLS_X509_FMT_PEM);
        if (g >= 0)
            g = gnutls_x509_privkey_init(&p->key);
        if (g >= 0)
            g = gnutls_x509_privkey_import(p->key, &key, GNUTLS_X509_FMT_PEM);
        if (g < 0) {
            pair_dispose(p);
            rc = cs_err_set(err, CS_ERR_IO,
                            "sandbox TLS: %s or %s is not a PEM certificate and "
                            "key: %s",
                            crt_path, key_path, gnutls_strerror(g));
        }
    }
    free(crt.data);
    if (key.data) {
        explicit_bzero(key.data, key.size);
        free(key.data);
    }
    return rc;
}

/* A new key and an unsigned certificate for it, named cn, valid for days. */
static int new_pair(const char *cn, int days, pair *p, cs_err *err)
{
    unsigned char serial[16];
    int rc = gnutls_x509_privkey_init(&p->key);
    if (rc >= 0)
        rc = gnutls_x509_privkey_generate(p->key, GNUTLS_PK_ECDSA,
                                          GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
    if (rc >= 0)
        rc = gnutls_x509_crt_init(&p->crt);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_version(p->crt, 3);
    if (rc >= 0)
        rc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial);
    if (rc >= 0) {
        serial[0] &= 0x7f; /* a positive serial number */
        rc = gnutls_x509_crt_set_serial(p->crt, serial, sizeof serial);
    }
    time_t now = time(NULL);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_activation_time(p->crt, now - 3600);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_expiration_time(p->crt, now + (time_t)days * 86400);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_dn_by_oid(p->crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                           "crmsync sandbox", (unsigned)strlen("crmsync sandbox"));
    if (rc >= 0)
        rc = gnutls_x509_crt_set_dn_by_oid(p->crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
                                           (unsigned)strlen(cn));
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key(p->crt, p->key);
    unsigned char kid[64];
    size_t kid_len = sizeof kid;
    if (rc >= 0)
        rc = gnutls_x509_crt_get_key_id(p->crt, 0, kid, &kid_len);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_subject_key_id(p->crt, kid, kid_len);
    return rc < 0 ? tls_fail(err, "creating a certificate", rc) : 0;
}

static int make_ca(pair *ca, cs_err *err)
{
    if (new_pair("crmsync sandbox CA", CA_DAYS, ca, err) != 0)
        return -1;
    int rc = gnutls_x509_crt_set_basic_constraints(ca->crt, 1, 0);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key_usage(ca->crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
    if (rc >= 0)
        rc = gnutls_x509_crt_sign2(ca->crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0);
    return rc < 0 ? tls_fail(err, "signing the CA certificate", rc) : 0;
}

static int make_server(const pair *ca, pair *srv, cs_err *err)
{
    if (new_pair("127.0.0.1", SERVER_DAYS, srv, err) != 0)
        return -1;
    static const unsigned char loopback[4] = {127, 0, 0, 1};
    unsigned char akid[64];
    size_t akid_len = sizeof akid;
    int rc = gnutls_x509_crt_set_basic_constraints(srv->crt, 0, -1);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key_usage(srv->crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key_purpose_oid(srv->crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_subject_alt_name(srv->crt, GNUTLS_SAN_IPADDRESS, loopback,
                                                  sizeof loopback, GNUTLS_FSAN_APPEND);
    if (rc >= 0)
        rc =
            gnutls_x509_crt_set_subject_alt_name(srv->crt, GNUTLS_SAN_DNSNAME, "localhost",
                                                 (unsigned)strlen("localhost"), GNUTLS_FSAN_APPEND);
    if (rc >= 0)
        rc = gnutls_x509_crt_get_subject_key_id(ca->crt, akid, &akid_len, NULL);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_authority_key_id(srv->crt, akid, akid_len);
    if (rc >= 0)
        rc = gnutls_x509_crt_sign2(srv->crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0);
    return rc < 0 ? tls_fail(err, "signing the server certificate", rc) : 0;
}

/* Whether srv is signed by ca and stays valid for at least a day more. */
static bool server_usable(const pair *ca, const pair *srv)
{
    unsigned status = 0;
    if (gnutls_x509_crt_verify(srv->crt, &ca->crt, 1, 0, &status) < 0 || status != 0)
        return false;
    time_t expires = gnutls_x509_crt_get_expiration_time(srv->crt);
    return expires != (time_t)-1 && expires > time(NULL) + RENEW_MARGIN_S;
}

static int path_in(char *out, size_t size, const char *dir, const char *name, cs_err *err)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        return cs_err_set(err, CS_ERR_IO, "--data path too long");
    return 0;
}

static char *datum_string(gnutls_datum_t *d)
{
    char *s = malloc(d->size + 1u);
    if (s != NULL) {
        memcpy(s, d->data, d->size);
        s[d->size] = '\0';
    }
    explicit_bzero(d->data, d->size);
    gnutls_free(d->data);
    d->data = NULL;
    return s;
}

/* Fills out's PEM strings from the pairs: the server certificate followed by
 * the CA's, so clients get the whole chain. */
static int fill_pem(const pair *ca, const pair *srv, sb_tls *out, cs_err *err)
{
    gnutls_datum_t c = {NULL, 0}, a = {NULL, 0}, k = {NULL, 0};
    if (export_crt(srv->crt, &c, err) != 0 || export_crt(ca->crt, &a, err) != 0 ||
        export_key(srv->key, &k, err) != 0) {
        gnutls_free(c.data);
        gnutls_free(a.data);
        gnutls_free(k.data);
        return -1;
    }
    char *crt = datum_string(&c), *ca_pem = datum_string(&a);
    out->key_pem = datum_string(&k);
    size_t n = (crt ? strlen(crt) : 0) + (ca_pem ? strlen(ca_pem) : 0) + 1;
    out->cert_pem = crt && ca_pem ? malloc(n) : NULL;
    if (out->cert_pem != NULL)
        (void)snprintf(out->cert_pem, n, "%s%s", crt, ca_pem);
    free(crt);
    free(ca_pem);
    if (out->cert_pem == NULL || out->key_pem == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    return 0;
}

int sb_tls_prepare(const char *data_dir, sb_tls *out, cs_err *err)
{
    char dir[4096], ca_crt[4200], ca_key[4200], srv_crt[4200], srv_key[4200];
    int n = snprintf(dir, sizeof dir, "%s/tls", data_dir);
    if (n < 0 || (size_t)n >= sizeof dir)
        return cs_err_set(err, CS_ERR_IO, "--data path too long");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return cs_err_set(err, CS_ERR_IO, "sandbox TLS: cannot create %s: %s", dir,
                          strerror(errno));
    if (path_in(ca_crt, sizeof ca_crt, dir, "ca.pem", err) != 0 ||
        path_in(ca_key, sizeof ca_key, dir, "ca-key.pem", err) != 0 ||
        path_in(srv_crt, sizeof srv_crt, dir, "server.pem", err) != 0 ||
        path_in(srv_key, sizeof srv_key, dir, "server-key.pem", err) != 0)
        return -1;
    memset(out, 0, sizeof *out);
    pair ca = {NULL, NULL}, srv = {NULL, NULL};
    int rc = load_pair(ca_crt, ca_key, &ca, err);
    if (rc < 0)
        cs_err_prefix(err,
                      "%s (delete %s to make a new CA; clients must then trust the new "
                      "ca.pem): ",
                      "the sandbox's CA cannot be used", dir);
    if (rc == 1) {
        rc = make_ca(&ca, err);
        if (rc == 0)
            rc = save_pair(&ca, ca_crt, ca_key, err);
    }
    if (rc == 0) {
        int loaded = load_pair(srv_crt, srv_key, &srv, err);
        if (loaded < 0 || (loaded == 0 && !server_usable(&ca, &srv))) {
            /* Ours to remake: only ca.pem is handed to clients. */
            pair_dispose(&srv);
            cs_err_clear(err);
            loaded = 1;
        }
        if (loaded == 1) {
            rc = make_server(&ca, &srv, err);
            if (rc == 0)
                rc = save_pair(&srv, srv_crt, srv_key, err);
        }
    }
    if (rc == 0)
        rc = fill_pem(&ca, &srv, out, err);
    if (rc == 0) {
        /* Absolute, so the path printed at start works from any directory
         * (clients are usually started elsewhere than --data was given). */
        out->ca_file = realpath(ca_crt, NULL);
        if (out->ca_file == NULL)
            out->ca_file = strdup(ca_crt);
        if (out->ca_file == NULL)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    pair_dispose(&ca);
    pair_dispose(&srv);
    if (rc != 0)
        sb_tls_dispose(out);
    return rc;
}

void sb_tls_dispose(sb_tls *t)
{
    if (t == NULL)
        return;
    if (t->key_pem != NULL)
        explicit_bzero(t->key_pem, strlen(t->key_pem));
    free(t->key_pem);
    free(t->cert_pem);
    free(t->ca_file);
    memset(t, 0, sizeof *t);
}
