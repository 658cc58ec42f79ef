#ifndef HAETAE_TLS_TUNING_H
#define HAETAE_TLS_TUNING_H

/* Tuning of the TLS connection libmosquitto made (mosquitto_ssl_get), for a subscriber that takes
 * tens of thousands of small QoS 1 messages a second. Written in C against OpenSSL's own headers,
 * so no OpenSSL API reaches Swift: every function takes the SSL as an opaque pointer and accepts
 * NULL (a plain connection) as "nothing to do". */

/* Reads ahead (one read() takes every TLS record the socket holds, not two reads per record)
 * and keeps the read buffer between records (libmosquitto asks OpenSSL to free it after each,
 * SSL_MODE_RELEASE_BUFFERS: a malloc and a free per message at the edge's rates). */
void haetae_tls_tune_reading(void *ssl);

/* Whether OpenSSL holds read-ahead bytes not yet parsed: poll() on the socket cannot see them. */
int haetae_tls_has_buffered(void *ssl);

/* Puts a write buffer of `size` bytes between the TLS records and the socket, so the records of
 * one loop pass (a PUBACK per message read, each its own record: libmosquitto writes packet by
 * packet) leave in one send() instead of one each. The caller must flush
 * (haetae_tls_flush_writes) before it waits for input. Returns 1 when the buffer is in place
 * (or already was), 0 for no TLS, -1 when OpenSSL refused (the connection goes on unbuffered). */
int haetae_tls_buffer_writes(void *ssl, int size);

/* Hands what the buffer holds to the socket. Returns 1 when it is empty, 0 when the socket is
 * full (wait for POLLOUT and call again), -1 on a socket error (the next read reports it). */
int haetae_tls_flush_writes(void *ssl);

#endif
