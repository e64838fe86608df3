// tibox door: the service worker that lets the door page reload without the box (docs/door.md,
// "Offline"). Served at /door-sw.js, registered by door-offline.js with the scope /door.
//
// - The door page (/door, /door?event=...) is network first: the box's answer is shown and saved;
//   when the box does not answer (an error, or nothing within PAGE_TIMEOUT_MS), the saved copy is
//   shown instead, marked as such (its clock-skew check is turned off: its time is old).
// - Static files (/assets/..., the manifest) are served from the cache at once and refreshed in
//   the background (stale while revalidate), so a new version arrives at the next load.
// - Everything else (the snapshot, check-ins, /healthz, searches) goes to the network untouched:
//   the page itself decides what to do when the box is away.
"use strict";

var VERSION = "1";
var STATIC_CACHE = "tibox-door-static-" + VERSION;
// Pages are kept across versions of this worker: a reload without the box must still find them.
var PAGE_CACHE = "tibox-door-pages";
var PAGE_TIMEOUT_MS = 4000;
var STATIC_FILES = [
  "/assets/app.css",
  "/assets/htmx.min.js",
  "/assets/app.js",
  "/assets/door.js",
  "/assets/door-camera.js",
  "/assets/jsqr.js",
  "/assets/door-offline.js",
  "/assets/door-icon.svg",
  "/door.webmanifest",
];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then(function (cache) {
        // One missing file (a script a newer page no longer loads) must not stop the others.
        return Promise.all(
          STATIC_FILES.map(function (url) {
            return cache.add(new Request(url, { cache: "no-cache" })).catch(function () {});
          })
        );
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (keys) {
        return Promise.all(
          keys
            .filter(function (key) {
              return key.indexOf("tibox-door-static-") === 0 && key !== STATIC_CACHE;
            })
            .map(function (key) {
              return caches.delete(key);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      reject(new Error("timeout"));
    }, ms);
    promise.then(
      function (value) {
        clearTimeout(timer);
        resolve(value);
      },
      function (error) {
        clearTimeout(timer);
        reject(error);
      }
    );
  });
}

/** The saved copy of a page, marked as a copy (so that app.js does not compare an old time). */
function savedCopy(response) {
  return response.text().then(function (html) {
    var marked = html.replace(/data-server-time-ms="[0-9]*"/, 'data-server-time-ms="" data-offline-copy="true"');
    return new Response(marked, { status: 200, headers: { "content-type": "text/html; charset=utf-8", "x-tibox-offline-copy": "true" } });
  });
}

function fromCache(request) {
  return caches.open(PAGE_CACHE).then(function (cache) {
    return cache.match(request.url).then(function (exact) {
      // Another event chosen in the address: any saved door page is better than nothing.
      return exact || cache.match("/door", { ignoreSearch: true });
    });
  });
}

function doorPage(request) {
  return withTimeout(fetch(request), PAGE_TIMEOUT_MS).then(
    function (response) {
      var type = response.headers.get("content-type") || "";
      if (response.status === 200 && response.type === "basic" && !response.redirected && type.indexOf("text/html") === 0) {
        var copy = response.clone();
        caches.open(PAGE_CACHE).then(function (cache) {
          return cache.put(request.url, copy);
        });
      }
      // A redirect to unlock, an error page: the box answered, so its answer is shown.
      return response;
    },
    function () {
      return fromCache(request).then(function (saved) {
        return saved ? savedCopy(saved) : Response.error();
      });
    }
  );
}

function staticFile(event, request) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request.url).then(function (cached) {
      var refresh = fetch(request).then(
        function (response) {
          if (response.status === 200) return cache.put(request.url, response.clone()).then(function () {
            return response;
          });
          return response;
        },
        function (error) {
          if (cached) return cached;
          throw error;
        }
      );
      if (cached) {
        event.waitUntil(refresh.catch(function () {}));
        return cached;
      }
      return refresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === "/door" && request.mode === "navigate") {
    event.respondWith(doorPage(request));
    return;
  }
  if (url.pathname.indexOf("/assets/") === 0 || url.pathname === "/door.webmanifest") {
    event.respondWith(staticFile(event, request));
  }
});
