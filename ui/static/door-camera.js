// tibox door page: the camera scanner.
//
// The volunteer presses "scan with the camera"; the phone's back camera (facingMode environment,
// preferred, not required) fills the preview, and a frame is decoded every FRAME_INTERVAL_MS:
// by the browser's BarcodeDetector when it reads QR codes (Chrome on Android, macOS), else by
// jsQR (embedded in the box, /assets/jsqr.js, loaded only then) on a canvas copy of the frame
// scaled down to at most MAX_SIDE_PX. A decoded text goes to door.js (window.tiboxDoor.scan):
// the same form, nonce and answer panel as a USB scanner. One ticket shown is one scan
// (createScanGate): nothing is sent while an answer panel is shown, and once the volunteer has
// dismissed it ("Next"), the ticket just sent is ignored until it has left the view for LEAVE_MS
// (or FORGET_MS have passed); any other ticket is sent at once. Shown again later, it is a new
// scan with a new nonce (and the box answers already_redeemed). The camera
// stops when the page is hidden (screen locked, another app) and starts again when it comes back.
// Browsers give the camera only to secure contexts: on the box's plain HTTP address the page
// shows its https address and the certificate to install (docs/door.md) instead.
//
// The pure parts (decoder choice, frame size, the scan gate, error messages) are exported on
// `tiboxDoorCamera` and unit-tested outside a browser (test/ui/door-camera.test.ts).
(function (root) {
  "use strict";

  // A ticket has left the view after this long without being decoded (about 12 frames).
  var LEAVE_MS = 1500;
  // A ticket left in view is sent again (a new scan) this long after its answer was dismissed.
  var FORGET_MS = 30000;
  // A sent text whose answer panel has not come after this long (the box answers or the offline
  // door judges within 4 s) no longer holds the camera.
  var ANSWER_WAIT_MS = 10000;
  // Frames further apart than this (camera stopped, page hidden) do not count as the ticket away.
  var MAX_FRAME_GAP_MS = 1000;
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
   * When a decoded text is sent, as a volunteer expects it (one answer per ticket shown):
   * frame(text, nowMs, answerShown) is called once per decoded frame (text null when the frame
   * holds no code) and is true when the text is to be sent now.
   * - Nothing is sent while an answer panel is shown (green or red, from any scan), nor while a
   *   sent text waits for its panel (at most answerWaitMs: a request that brings no panel frees
   *   the camera).
   * - Once its panel is dismissed, the text that was sent is ignored until it has left the view
   *   (leaveMs of frames without it, in frames at most maxFrameGapMs apart: a stopped camera
   *   proves nothing) or forgetMs have passed since the dismissal; any other text goes at once.
   */
  function createScanGate(options) {
    var leaveMs = options.leaveMs;
    var forgetMs = options.forgetMs;
    var answerWaitMs = options.answerWaitMs;
    var maxFrameGapMs = options.maxFrameGapMs;
    var held = null; // the text last sent, ignored until it leaves the view
    var seenAtMs = 0; // the last frame that showed it (or the first frame after a gap)
    var lastFrameMs = null;
    var phase = "free"; // free | waiting (sent, no panel yet) | answered (its panel shown)
    var sentAtMs = 0;
    var releasedAtMs = 0;

    // Forgets the held text once leaveMs of frames have gone by without it: it has left the view,
    // and shown again it is a new scan (from the very frame that shows it again).
    function watchHeld(text, nowMs, unbroken) {
      if (held === null) return;
      if (!unbroken) {
        seenAtMs = nowMs;
        return;
      }
      if (nowMs - seenAtMs >= leaveMs) held = null;
      else if (text === held) seenAtMs = nowMs;
    }

    function release(nowMs) {
      phase = "free";
      releasedAtMs = nowMs;
    }

    return {
      frame: function (text, nowMs, answerShown) {
        var decoded = typeof text === "string" && text !== "" ? text : null;
        var unbroken = lastFrameMs !== null && nowMs - lastFrameMs <= maxFrameGapMs;
        lastFrameMs = nowMs;
        watchHeld(decoded, nowMs, unbroken);
        if (phase === "waiting") {
          if (answerShown) phase = "answered";
          else if (nowMs - sentAtMs >= answerWaitMs) release(nowMs);
        } else if (phase === "answered" && !answerShown) {
          release(nowMs);
        }
        if (phase !== "free" || answerShown || decoded === null) return false;
        if (decoded === held && nowMs - releasedAtMs < forgetMs) return false;
        held = decoded;
        seenAtMs = nowMs;
        phase = "waiting";
        sentAtMs = nowMs;
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
    LEAVE_MS: LEAVE_MS,
    FORGET_MS: FORGET_MS,
    ANSWER_WAIT_MS: ANSWER_WAIT_MS,
    MAX_FRAME_GAP_MS: MAX_FRAME_GAP_MS,
    FRAME_INTERVAL_MS: FRAME_INTERVAL_MS,
    MAX_SIDE_PX: MAX_SIDE_PX,
    decoderKind: decoderKind,
    scaledSize: scaledSize,
    createScanGate: createScanGate,
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
  var gate = createScanGate({ leaveMs: LEAVE_MS, forgetMs: FORGET_MS, answerWaitMs: ANSWER_WAIT_MS, maxFrameGapMs: MAX_FRAME_GAP_MS });
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

  function answerShown() {
    return !!(root.tiboxDoor && root.tiboxDoor.answerShown());
  }

  // Every decoded frame goes through the gate, the ones without a code too: they tell it when a
  // ticket has left the view.
  function decoded(text) {
    if (!gate.frame(text, nowMs(), answerShown())) return;
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
        decoded(text || null);
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
