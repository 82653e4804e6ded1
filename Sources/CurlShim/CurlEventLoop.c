// CurlEventLoop — see CurlEventLoop.h.
#include "CurlEventLoop.h"

#include <stdlib.h>
#include <time.h>

#ifdef __linux__
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct tl_event_loop {
    CURLM *multi;
    int epoll_fd;
    int wake_fd;
    long long deadline_ms; // when curl wants CURL_SOCKET_TIMEOUT; -1: no timer
};

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/// CURLMOPT_SOCKETFUNCTION: keeps the epoll set equal to what libcurl waits for.
static int socket_callback(CURL *easy, curl_socket_t socket, int what, void *userp, void *socketp) {
    (void)easy;
    (void)socketp;
    tl_event_loop *loop = userp;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, socket, NULL);
        return 0;
    }
    struct epoll_event event = {0};
    event.data.fd = socket;
    if (what & CURL_POLL_IN) event.events |= EPOLLIN;
    if (what & CURL_POLL_OUT) event.events |= EPOLLOUT;
    // A descriptor number can come back for a new socket: modify, or add when it is not there.
    if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT) {
        epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, socket, &event);
    }
    return 0;
}

/// CURLMOPT_TIMERFUNCTION: one timer; -1 removes it, 0 means "as soon as possible".
static int timer_callback(CURLM *multi, long timeout_ms, void *userp) {
    (void)multi;
    tl_event_loop *loop = userp;
    loop->deadline_ms = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    return 0;
}

tl_event_loop *tl_loop_create(CURLM *multi) {
    tl_event_loop *loop = calloc(1, sizeof *loop);
    if (loop == NULL) return NULL;
    loop->multi = multi;
    loop->deadline_ms = -1;
    loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    loop->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    struct epoll_event event = {0};
    event.events = EPOLLIN;
    event.data.fd = loop->wake_fd;
    if (loop->epoll_fd < 0 || loop->wake_fd < 0 || epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, loop->wake_fd, &event) != 0) {
        tl_loop_destroy(loop);
        return NULL;
    }
    if (curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_callback) != CURLM_OK
        || curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, loop) != CURLM_OK
        || curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_callback) != CURLM_OK
        || curl_multi_setopt(multi, CURLMOPT_TIMERDATA, loop) != CURLM_OK) {
        tl_loop_destroy(loop);
        return NULL;
    }
    return loop;
}

int tl_loop_run_once(tl_event_loop *loop, int max_ms) {
    int wait_ms = max_ms;
    if (loop->deadline_ms >= 0) {
        long long left = loop->deadline_ms - now_ms();
        if (left < wait_ms) wait_ms = left < 0 ? 0 : (int)left;
    }
    struct epoll_event events[64];
    int count = epoll_wait(loop->epoll_fd, events, 64, wait_ms);
    if (count < 0) return errno == EINTR ? 0 : -1;

    int woken = 0;
    int running = 0;
    for (int i = 0; i < count; i++) {
        if (events[i].data.fd == loop->wake_fd) {
            uint64_t value;
            while (read(loop->wake_fd, &value, sizeof value) > 0) {}
            woken = 1;
            continue;
        }
        int flags = 0;
        if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
        if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
        curl_multi_socket_action(loop->multi, events[i].data.fd, flags, &running);
    }
    if (loop->deadline_ms >= 0 && now_ms() >= loop->deadline_ms) {
        loop->deadline_ms = -1; // the callback may set a new one during the call
        curl_multi_socket_action(loop->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    return woken;
}

void tl_loop_wake(tl_event_loop *loop) {
    uint64_t one = 1;
    ssize_t written = write(loop->wake_fd, &one, sizeof one); // EAGAIN: a wake-up is already pending
    (void)written;
}

void tl_loop_destroy(tl_event_loop *loop) {
    if (loop == NULL) return;
    if (loop->epoll_fd >= 0) close(loop->epoll_fd);
    if (loop->wake_fd >= 0) close(loop->wake_fd);
    free(loop);
}

#else // Elsewhere: libcurl's own waiting (every transfer visited on each wake-up).

struct tl_event_loop {
    CURLM *multi;
};

tl_event_loop *tl_loop_create(CURLM *multi) {
    tl_event_loop *loop = calloc(1, sizeof *loop);
    if (loop != NULL) loop->multi = multi;
    return loop;
}

int tl_loop_run_once(tl_event_loop *loop, int max_ms) {
    int running = 0;
    int ready = 0;
    curl_multi_perform(loop->multi, &running);
    if (curl_multi_poll(loop->multi, NULL, 0, max_ms, &ready) != CURLM_OK) return -1;
    curl_multi_perform(loop->multi, &running);
    return 0;
}

void tl_loop_wake(tl_event_loop *loop) {
    curl_multi_wakeup(loop->multi);
}

void tl_loop_destroy(tl_event_loop *loop) {
    free(loop);
}

#endif
