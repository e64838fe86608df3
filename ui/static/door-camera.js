// tibox door page: the camera scanner.
//
// The volunteer presses "scan with the camera"; the phone's back camera (facingMode environment,
// preferred, not required) fills the preview, and a frame is decoded every FRAME_INTERVAL_MS:
// by the browser's BarcodeDetector when it reads QR codes (Chrome on Android, macOS), else by
// jsQR (embedded in the box, /assets/jsqr.js, loaded only then) on a canvas copy of the frame
// scaled down to at most MAX_SIDE_PX. A decoded text goes to door.js (window.tiboxDoor.scan):
// the same form, nonce and answer panel as a USB scanner. The same text is not sent again within
// DEBOUNCE_MS of its last sending, so a ticket held in front of the camera is one scan; after
// that, it is a new scan with a new nonce (and the box answers already_redeemed). The camera
// stops when the page is hidden (screen locked, another app) and starts again when it comes back.
// Browsers give the camera only to secure contexts: on the box's plain HTTP address the page
// shows its https address and the certificate to install (docs/door.md) instead.
//
// The pure parts (decoder choice, frame size, debounce, error messages) are exported on
// `tiboxDoorCamera` and unit-tested outside a browser (test/ui/door-camera.test.ts).
(function (root) {
  "use strict";

  var DEBOUNCE_MS = 3000;
  var FRAME_INTERVAL_MS = 120;
  var MAX_SIDE_PX = 640;
  var JSQR_SRC = "/assets/jsqr.js";
  var CONSTRAINTS = { audio: false, video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } } };

  /** "native" when the browser's BarcodeDetector lists qr_code among its formats, else "jsqr". */
  function decoderKind(hasBarcodeDetector, formats) {
    return hasBarcodeDetector && Array.isArray(formats) && formats.indexOf("qr_code") >= 0 ? "native" : "jsqr";
  }

  /** The canvas size a frame is decoded at: its longest side at most maxSidePx, proportions kept, never enlarged. */
  function scaledSize(widthPx, heightPx, maxSidePx) {
    if (!(widthPx > 0 && heightPx > 0)) return { width: 0, height: 0 };
    var scale = Math.min(1, maxSidePx / Math.max(widthPx, heightPx));
    return { width: Math.max(1, Math.round(widthPx * scale)), height: Math.max(1, Math.round(heightPx * scale)) };
  }

  /**
   * One scan per ticket held in view: accept(text, nowMs) is false for the text last accepted,
   * until windowMs after it was accepted; any other text is accepted at once (the next person).
   */
  function createDebouncer(windowMs) {
    var lastText = null;
    var lastAtMs = 0;
    return {
      accept: function (text, nowMs) {
        if (typeof text !== "string" || text === "") return false;
        if (text === lastText && nowMs - lastAtMs < windowMs) return false;
        lastText = text;
        lastAtMs = nowMs;
        return true;
      },
    };
  }

  /** The message (data-msg-NAME) for a getUserMedia failure, by the DOMException's name. */
  function failureMessage(errorName) {
    if (errorName === "NotAllowedError" || errorName === "SecurityError" || errorName === "PermissionDeniedError") return "denied";
    if (errorName === "NotFoundError" || errorName === "OverconstrainedError" || errorName === "DevicesNotFoundError") return "absent";
    if (errorName === "NotReadableError" || errorName === "TrackStartError" || errorName === "AbortError") return "busy";
    return "failed";
  }

  root.tiboxDoorCamera = {
    DEBOUNCE_MS: DEBOUNCE_MS,
    FRAME_INTERVAL_MS: FRAME_INTERVAL_MS,
    MAX_SIDE_PX: MAX_SIDE_PX,
    decoderKind: decoderKind,
    scaledSize: scaledSize,
    createDebouncer: createDebouncer,
    failureMessage: failureMessage,
  };

  if (typeof document === "undefined") return;
  var section = document.getElementById("door-camera");
  if (!section) return;
  var toggle = document.getElementById("door-camera-toggle");
  var torch = document.getElementById("door-camera-torch");
  var status = document.getElementById("door-camera-status");
  var insecure = document.getElementById("door-camera-insecure");
  var preview = document.getElementById("door-camera-view");
  var video = document.getElementById("door-camera-video");

  // iOS Safari shows a video full screen unless it plays inline (kitajs has no playsinline attribute).
  video.playsInline = true;
  video.setAttribute("playsinline", "");
  var debouncer = createDebouncer(DEBOUNCE_MS);
  // generation grows at every start and stop, so a late answer from an old start is dropped.
  var state = { stream: null, starting: false, generation: 0, timer: 0, decoder: null, torchOn: false, resumeWhenVisible: false };
  var decoderPromise = null;
  var jsQrPromise = null;

  function msg(name) {
    return section.getAttribute("data-msg-" + name) || "";
  }

  function say(name) {
    status.textContent = name ? msg(name) : "";
  }

  function nowMs() {
    return root.performance && root.performance.now ? root.performance.now() : Date.now();
  }

  function loadJsQr() {
    if (root.jsQR) return Promise.resolve(root.jsQR);
    if (!jsQrPromise) {
      jsQrPromise = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = JSQR_SRC;
        script.onload = function () {
          if (root.jsQR) resolve(root.jsQR);
          else reject(new Error("jsQR missing"));
        };
        script.onerror = function () {
          reject(new Error("jsQR did not load"));
        };
        document.head.appendChild(script);
      }).catch(function (error) {
        jsQrPromise = null; // a later press tries again
        throw error;
      });
    }
    return jsQrPromise;
  }

  function jsQrDecoder(jsQR) {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return {
      kind: "jsqr",
      detect: function (source) {
        var size = scaledSize(source.videoWidth, source.videoHeight, MAX_SIDE_PX);
        if (size.width === 0) return Promise.resolve(null);
        if (canvas.width !== size.width || canvas.height !== size.height) {
          canvas.width = size.width;
          canvas.height = size.height;
        }
        context.drawImage(source, 0, 0, size.width, size.height);
        var image = context.getImageData(0, 0, size.width, size.height);
        // Tickets are dark on light: skipping the inverted pass halves the work per frame.
        var code = jsQR(image.data, size.width, size.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(code && code.data ? code.data : null);
      },
    };
  }

  function nativeDecoder(Detector) {
    var detector = new Detector({ formats: ["qr_code"] });
    return {
      kind: "native",
      detect: function (source) {
        return detector.detect(source).then(function (codes) {
          return codes && codes.length > 0 && codes[0].rawValue ? codes[0].rawValue : null;
        });
      },
    };
  }

  function chooseDecoder() {
    var Detector = root.BarcodeDetector;
    var formats = Detector && typeof Detector.getSupportedFormats === "function" ? Detector.getSupportedFormats().catch(function () { return null; }) : Promise.resolve(null);
    return formats.then(function (list) {
      if (decoderKind(!!Detector, list) === "native") {
        try {
          return nativeDecoder(Detector);
        } catch (error) {
          // A detector that lists qr_code but cannot be built: jsQR does the work.
        }
      }
      return loadJsQr().then(jsQrDecoder);
    });
  }

  function decoder() {
    if (!decoderPromise) {
      decoderPromise = chooseDecoder().catch(function (error) {
        decoderPromise = null;
        throw error;
      });
    }
    return decoderPromise;
  }

  function showDecoder(kind) {
    section.setAttribute("data-decoder", kind);
  }

  function setButtons(on) {
    toggle.textContent = msg(on ? "stop" : "start");
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    preview.hidden = !on;
    if (!on) {
      torch.hidden = true;
      state.torchOn = false;
    }
  }

  function stopTracks(stream) {
    if (!stream) return;
    stream.getTracks().forEach(function (track) {
      track.stop();
    });
  }

  function stop(messageName) {
    state.generation++;
    state.starting = false;
    if (state.timer) clearTimeout(state.timer);
    state.timer = 0;
    stopTracks(state.stream);
    state.stream = null;
    video.srcObject = null;
    setButtons(false);
    section.setAttribute("data-state", "off");
    say(messageName);
  }

  function videoTrack() {
    return state.stream ? state.stream.getVideoTracks()[0] : null;
  }

  function offerTorch() {
    var track = videoTrack();
    var capabilities = track && track.getCapabilities ? track.getCapabilities() : {};
    torch.hidden = !capabilities.torch;
    torch.textContent = msg(state.torchOn ? "torch-off" : "torch-on");
    torch.setAttribute("aria-pressed", state.torchOn ? "true" : "false");
  }

  function found(text) {
    if (!debouncer.accept(text, nowMs())) return;
    if (root.tiboxDoor && root.tiboxDoor.scan(text) && navigator.vibrate) navigator.vibrate(60);
  }

  function schedule(generation) {
    state.timer = setTimeout(function () {
      tick(generation);
    }, FRAME_INTERVAL_MS);
  }

  // One frame at a time: the next decode is scheduled when this one is done, so a slow phone
  // decodes less often instead of queueing frames.
  function tick(generation) {
    state.timer = 0;
    if (generation !== state.generation || !state.stream) return;
    if (video.readyState < 2 || !video.videoWidth) return schedule(generation);
    state.decoder.detect(video).then(
      function (text) {
        if (generation !== state.generation) return;
        if (text) found(text);
        schedule(generation);
      },
      function () {
        if (generation !== state.generation) return;
        if (state.decoder.kind !== "native") return schedule(generation);
        // BarcodeDetector listed qr_code but cannot decode here (no Play services): use jsQR.
        loadJsQr().then(
          function (jsQR) {
            if (generation !== state.generation) return;
            state.decoder = jsQrDecoder(jsQR);
            decoderPromise = Promise.resolve(state.decoder);
            showDecoder("jsqr");
            schedule(generation);
          },
          function () {
            if (generation === state.generation) stop("decoder-failed");
          }
        );
      }
    );
  }

  function start() {
    if (state.stream || state.starting) return;
    insecure.hidden = true;
    if (!root.isSecureContext) {
      insecure.hidden = false;
      say("");
      section.setAttribute("data-state", "insecure");
      return;
    }
    if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== "function") {
      say("unsupported");
      section.setAttribute("data-state", "error");
      return;
    }
    var generation = ++state.generation;
    state.starting = true;
    section.setAttribute("data-state", "starting");
    say("starting");
    decoder().then(
      function (chosen) {
        if (generation !== state.generation) return;
        state.decoder = chosen;
        showDecoder(chosen.kind);
        return navigator.mediaDevices.getUserMedia(CONSTRAINTS).then(
          function (stream) {
            if (generation !== state.generation) return stopTracks(stream);
            state.starting = false;
            state.stream = stream;
            video.srcObject = stream;
            setButtons(true);
            var playing = video.play();
            if (playing && playing.catch) playing.catch(function () {});
            video.addEventListener("loadedmetadata", offerTorch, { once: true });
            offerTorch();
            section.setAttribute("data-state", "on");
            say("scanning");
            schedule(generation);
          },
          function (error) {
            if (generation !== state.generation) return;
            stop(failureMessage(error && error.name));
            section.setAttribute("data-state", "error");
          }
        );
      },
      function () {
        if (generation !== state.generation) return;
        stop("decoder-failed");
        section.setAttribute("data-state", "error");
      }
    );
  }

  toggle.addEventListener("click", function () {
    state.resumeWhenVisible = false;
    if (state.stream || state.starting) stop("stopped");
    else start();
  });

  torch.addEventListener("click", function () {
    var track = videoTrack();
    if (!track) return;
    var on = !state.torchOn;
    track.applyConstraints({ advanced: [{ torch: on }] }).then(
      function () {
        state.torchOn = on;
        offerTorch();
      },
      function () {
        torch.hidden = true;
      }
    );
  });

  // A hidden page (screen locked, another app in front) gives the camera back; it starts again
  // when the page is shown, if it was on.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (state.stream || state.starting) {
        state.resumeWhenVisible = true;
        stop("stopped");
      }
    } else if (state.resumeWhenVisible) {
      state.resumeWhenVisible = false;
      start();
    }
  });

  window.addEventListener("pagehide", function () {
    state.resumeWhenVisible = false;
    if (state.stream || state.starting) stop("");
  });
})(typeof window !== "undefined" ? window : globalThis);
