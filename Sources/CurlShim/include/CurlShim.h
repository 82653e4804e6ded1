// CurlShim — typed, non-variadic wrappers around libcurl's variadic setopt/getinfo calls,
// which Swift cannot call directly. Each function sets exactly one option of one type.
#ifndef TRUSTLINE_CURL_SHIM_H
#define TRUSTLINE_CURL_SHIM_H

#include <stddef.h>
#include <curl/curl.h>

#include "CurlEventLoop.h"

typedef size_t (*tl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

CURLcode tl_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode tl_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode tl_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode tl_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode tl_curl_setopt_write_callback(CURL *handle, tl_write_callback callback, void *userdata);
CURLcode tl_curl_setopt_header_callback(CURL *handle, tl_write_callback callback, void *userdata);
CURLcode tl_curl_setopt_postfields(CURL *handle, const char *data, long size);
CURLcode tl_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode tl_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);

CURLMcode tl_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// Restricts the protocols libcurl may speak (and follow); "https" or "http,https".
CURLcode tl_curl_set_protocols(CURL *handle, int allowHTTP);

#endif
