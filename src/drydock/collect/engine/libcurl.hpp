#pragma once
/// libcurl's functions used by the engine client, from libcurl opened on first use
/// (core::SharedLibrary): the commands that never talk to an engine do not load it.

#include <curl/curl.h>

#include "drydock/core/error.hpp"

namespace drydock::collect {

struct Libcurl {
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
};

/// Opens libcurl and initialises it (curl_global_init), once per process; later calls return the
/// first outcome. An error (kind io) saying what to install when it cannot be loaded.
core::Expected<const Libcurl*> load_libcurl();

/// libcurl's functions once load_libcurl() has succeeded (EngineClient::connect loads it before
/// anything else); throws std::runtime_error with load_libcurl()'s message otherwise.
const Libcurl& libcurl();

}  // namespace drydock::collect
