#pragma once
#include <curl/curl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

// curl_easy_setopt and curl_easy_getinfo are variadic macros Swift cannot call; typed wrappers.
static inline CURLcode tandem_curl_set_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tandem_curl_set_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tandem_curl_set_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tandem_curl_set_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tandem_curl_set_url_handle(CURL *h, CURLU *u) { return curl_easy_setopt(h, CURLOPT_CURLU, u); }
typedef size_t (*tandem_curl_write_fn)(char *, size_t, size_t, void *);
static inline CURLcode tandem_curl_set_write_function(CURL *h, CURLoption o, tandem_curl_write_fn f) { return curl_easy_setopt(h, o, f); }
typedef int (*tandem_curl_xferinfo_fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode tandem_curl_set_xferinfo_function(CURL *h, tandem_curl_xferinfo_fn f) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f); }
static inline CURLcode tandem_curl_get_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode tandem_curl_get_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }

// Offline mode's last line of defence: curl asks this for every socket it opens, after DNS and
// before connect(), so a name that resolves to a public address is refused without a packet sent.
// `clientp` points at an int set to 1 when a socket is refused, so the caller can say why.
static inline curl_socket_t tandem_curl_open_loopback_socket(void *clientp, curlsocktype purpose,
                                                             struct curl_sockaddr *address) {
    (void)purpose;
    int allowed = 0;
    if (address->family == AF_INET) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)&address->addr;
        allowed = (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
    } else if (address->family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&address->addr;
        allowed = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    if (!allowed) {
        if (clientp) *(int *)clientp = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

/// Makes `h` open sockets only to 127.0.0.0/8 and ::1; `refused` becomes 1 if one was refused.
static inline CURLcode tandem_curl_restrict_to_loopback(CURL *h, int *refused) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, tandem_curl_open_loopback_socket);
    if (rc != CURLE_OK) return rc;
    return curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, (void *)refused);
}
