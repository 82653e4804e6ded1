#ifndef TRUSTLINE_CCURL_SHIM_H
#define TRUSTLINE_CCURL_SHIM_H
#include <curl/curl.h>
#endif
