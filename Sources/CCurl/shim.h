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
static inline CURLcode tandem_curl_get_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode tandem_curl_get_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }

// True for loopback and private-network addresses: 127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12,
// 192.168.0.0/16, 169.254.0.0/16, ::1, fc00::/7 and fe80::/10 (what `allow_hosts:` may reach).
static inline int tandem_is_private_address(const struct sockaddr *address) {
    if (address->sa_family == AF_INET) {
        unsigned long a = ntohl(((const struct sockaddr_in *)address)->sin_addr.s_addr);
        return (a >> 24) == 127 || (a >> 24) == 10 || (a >> 20) == ((172UL << 4) | 1)
            || (a >> 16) == ((192UL << 8) | 168) || (a >> 16) == ((169UL << 8) | 254);
    }
    if (address->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)address)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (a->s6_addr[0] & 0xfe) == 0xfc || IN6_IS_ADDR_LINKLOCAL(a);
    }
    return 0;
}

// Like the loopback check below, for a host that `allow_hosts:` lets through: private addresses only.
static inline curl_socket_t tandem_curl_open_private_socket(void *clientp, curlsocktype purpose,
                                                            struct curl_sockaddr *address) {
    (void)purpose;
    if (!tandem_is_private_address(&address->addr)) {
        if (clientp) *(int *)clientp = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

/// Makes `h` open sockets only to private-network and loopback addresses.
static inline CURLcode tandem_curl_restrict_to_private(CURL *h, int *refused) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, tandem_curl_open_private_socket);
    if (rc != CURLE_OK) return rc;
    return curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, (void *)refused);
}

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

// curl_multi_setopt is variadic too.
static inline CURLMcode tandem_curl_multi_set_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
