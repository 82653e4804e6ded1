// CurlEventLoop — drives a libcurl multi handle with its socket interface
// (curl_multi_socket_action) over epoll, instead of curl_multi_perform + curl_multi_poll.
//
// Why: curl_multi_poll and curl_multi_perform visit every transfer on every wake-up, and poll()
// scans every socket: with 64 transfers in flight and a wake-up per response, that was a third of
// an audit's CPU. Here a wake-up costs only the sockets that have something to say, and curl's
// timer is honoured exactly.
//
// One thread owns the loop (the driver thread); only tl_loop_wake may be called from others.
#ifndef TRUSTLINE_CURL_EVENT_LOOP_H
#define TRUSTLINE_CURL_EVENT_LOOP_H

#include <curl/curl.h>

typedef struct tl_event_loop tl_event_loop;

/// Creates the loop and installs its socket and timer callbacks on `multi`. NULL on failure
/// (the caller then has no loop and must refuse transfers).
tl_event_loop *tl_loop_create(CURLM *multi);

/// Waits at most `max_ms` for socket activity, curl's timer or a wake-up, and lets libcurl act on
/// what happened. Returns 1 when woken by tl_loop_wake, 0 otherwise, -1 on an error of the
/// waiting itself.
int tl_loop_run_once(tl_event_loop *loop, int max_ms);

/// Makes a tl_loop_run_once under way (or the next one) return at once. Thread-safe.
void tl_loop_wake(tl_event_loop *loop);

/// Frees the loop. Call after curl_multi_cleanup (which may still report sockets to it).
void tl_loop_destroy(tl_event_loop *loop);

#endif
