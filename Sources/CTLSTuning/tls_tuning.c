#include "tls_tuning.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>

void haetae_tls_tune_reading(void *ssl) {
    if (!ssl) return;
    SSL_set_read_ahead((SSL *)ssl, 1);
    SSL_clear_mode((SSL *)ssl, SSL_MODE_RELEASE_BUFFERS);
}

int haetae_tls_has_buffered(void *ssl) {
    return ssl ? SSL_has_pending((const SSL *)ssl) : 0;
}

/* The buffer BIO we pushed in front of the socket BIO, or NULL. */
static BIO *write_buffer(SSL *ssl) {
    BIO *wbio = SSL_get_wbio(ssl);
    return (wbio && BIO_method_type(wbio) == BIO_TYPE_BUFFER) ? wbio : NULL;
}

int haetae_tls_buffer_writes(void *opaque, int size) {
    SSL *ssl = opaque;
    if (!ssl) return 0;
    if (write_buffer(ssl)) return 1;
    BIO *socket = SSL_get_wbio(ssl);
    if (!socket || size <= 0) return -1;
    BIO *buffer = BIO_new(BIO_f_buffer());
    if (!buffer) return -1;
    /* Reads never pass through it (SSL keeps its own rbio); only the write side is sized. */
    if (BIO_set_write_buffer_size(buffer, size) <= 0 || !BIO_up_ref(socket)) {
        BIO_free(buffer);
        return -1;
    }
    /* The chain buffer → socket holds its own reference to the socket BIO; SSL_set0_wbio drops
     * the one SSL held for the write side (libmosquitto set the same BIO for reading and writing,
     * one reference each), and SSL_free later frees the chain, then the read side. */
    BIO_push(buffer, socket);
    SSL_set0_wbio(ssl, buffer);
    return 1;
}

int haetae_tls_flush_writes(void *opaque) {
    SSL *ssl = opaque;
    BIO *buffer = ssl ? write_buffer(ssl) : NULL;
    if (!buffer || BIO_wpending(buffer) == 0) return 1;
    if (BIO_flush(buffer) > 0) return 1;
    return BIO_should_retry(buffer) ? 0 : -1;
}
