#pragma once
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic macros Swift cannot call; typed wrappers.
static inline CURLcode tandem_curl_set_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tandem_curl_set_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tandem_curl_set_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tandem_curl_set_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*tandem_curl_write_fn)(char *, size_t, size_t, void *);
static inline CURLcode tandem_curl_set_write_function(CURL *h, CURLoption o, tandem_curl_write_fn f) { return curl_easy_setopt(h, o, f); }
typedef int (*tandem_curl_xferinfo_fn)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode tandem_curl_set_xferinfo_function(CURL *h, tandem_curl_xferinfo_fn f) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f); }
static inline CURLcode tandem_curl_get_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode tandem_curl_get_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
