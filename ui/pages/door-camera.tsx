/**
 * The door page's camera scanner (door-camera.js does the work): a start/stop button, a light
 * toggle shown only when the camera has one, the camera's picture with a frame to aim at, a status
 * line, and what to do when the page is not in a secure context (a phone on the box's plain HTTP
 * address): the box's https address for this page and its certificate. The script reads the
 * messages it shows from the section's data attributes, in the page's language.
 */
import type { View } from "../view.ts";

export interface DoorCameraProps {
  readonly view: View;
  /** This page at the box's HTTPS address; undefined when HTTPS is off. User-derived (Host): rendered `safe`. */
  readonly httpsUrl: string | undefined;
}

export function DoorCamera({ view, httpsUrl }: DoorCameraProps) {
  const { t } = view;
  return (
    <section
      id="door-camera"
      class="door-camera"
      aria-labelledby="door-camera-title"
      data-decoder=""
      data-state="off"
      data-msg-start={t("door.camera.start")}
      data-msg-stop={t("door.camera.stop")}
      data-msg-torch-on={t("door.camera.torch_on")}
      data-msg-torch-off={t("door.camera.torch_off")}
      data-msg-starting={t("door.camera.starting")}
      data-msg-scanning={t("door.camera.scanning")}
      data-msg-stopped={t("door.camera.stopped")}
      data-msg-denied={t("door.camera.denied")}
      data-msg-absent={t("door.camera.absent")}
      data-msg-busy={t("door.camera.busy")}
      data-msg-failed={t("door.camera.failed")}
      data-msg-unsupported={t("door.camera.unsupported")}
      data-msg-decoder-failed={t("door.camera.decoder_failed")}
    >
      <h2 id="door-camera-title" class="visually-hidden">
        {t("door.camera.title")}
      </h2>
      <div class="door-camera-buttons">
        <button type="button" class="big" id="door-camera-toggle" aria-pressed="false" aria-controls="door-camera-view">
          {t("door.camera.start")}
        </button>
        <button type="button" class="big" id="door-camera-torch" aria-pressed="false" hidden>
          {t("door.camera.torch_on")}
        </button>
      </div>
      <p id="door-camera-status" class="door-camera-status" role="status" aria-live="polite"></p>
      <div id="door-camera-insecure" class="door-camera-insecure notice" hidden>
        {httpsUrl ? (
          <>
            <p>{t("door.camera.insecure")}</p>
            <p class="door-camera-address">
              <a href={httpsUrl} data-testid="door-camera-https" safe>
                {httpsUrl}
              </a>
            </p>
            <p>
              {t("door.camera.certificate")} <a href="/ca.crt">{t("door.camera.certificate_link")}</a>
            </p>
            <p>{t("door.camera.guide")}</p>
          </>
        ) : (
          <p>{t("door.camera.insecure_off")}</p>
        )}
      </div>
      <div id="door-camera-view" class="door-camera-view" hidden>
        <video id="door-camera-video" muted autoplay aria-label={t("door.camera.preview")}></video>
        <div class="door-camera-frame" aria-hidden="true"></div>
      </div>
    </section>
  );
}
