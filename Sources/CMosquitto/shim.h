#ifndef HAETAE_CMOSQUITTO_SHIM_H
#define HAETAE_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>

/* Three OpenSSL calls on the TLS connection libmosquitto made (mosquitto_ssl_get), declared here
 * rather than by including <openssl/ssl.h>, so no OpenSSL API reaches Swift. libmosquitto is
 * linked against the same libssl. Signatures and constants as in OpenSSL 1.1 and 3. */
struct ssl_st;
void SSL_set_read_ahead(struct ssl_st *s, int yes);
long SSL_ctrl(struct ssl_st *s, int cmd, long larg, void *parg);
int SSL_has_pending(const struct ssl_st *s);

/* Reads ahead (one read() takes every TLS record the socket holds, not two reads per record)
 * and keeps the read buffer between records (libmosquitto asks OpenSSL to free it after each,
 * SSL_MODE_RELEASE_BUFFERS: a malloc and a free per message at the edge's rates). */
static inline void haetae_tls_tune_reading(void *ssl) {
    if (!ssl) return;
    SSL_set_read_ahead((struct ssl_st *)ssl, 1);
    SSL_ctrl((struct ssl_st *)ssl, 78 /* SSL_CTRL_CLEAR_MODE */, 0x10 /* SSL_MODE_RELEASE_BUFFERS */, 0);
}

/* Whether OpenSSL holds read-ahead bytes not yet parsed: poll() on the socket cannot see them. */
static inline int haetae_tls_has_buffered(void *ssl) {
    return ssl ? SSL_has_pending((const struct ssl_st *)ssl) : 0;
}
#endif
