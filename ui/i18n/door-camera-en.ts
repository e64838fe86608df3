/** The door page's camera scanner, in English (merged into en.ts): the same keys as door-camera-fr.ts. */
import type { doorCameraFr } from "./door-camera-fr.ts";

export const doorCameraEn: Record<keyof typeof doorCameraFr, string> = {
  "door.camera.title": "Camera",
  "door.camera.start": "Scan with the camera",
  "door.camera.stop": "Stop the camera",
  "door.camera.torch_on": "Turn the light on",
  "door.camera.torch_off": "Turn the light off",
  "door.camera.starting": "Opening the camera…",
  "door.camera.scanning": "Hold the ticket's QR code inside the frame.",
  "door.camera.stopped": "Camera stopped.",
  "door.camera.denied": "The camera is blocked. Allow it for this page in the browser's settings (the icon left of the address), then try again.",
  "door.camera.absent": "No camera found on this device. Use a scanner or the search by name.",
  "door.camera.busy": "Another app is using the camera. Close it, then try again.",
  "door.camera.failed": "The camera could not start. Try again, or use a scanner or the search by name.",
  "door.camera.unsupported": "This browser gives no access to the camera. Use an up-to-date Chrome (Android) or Safari (iPhone).",
  "door.camera.decoder_failed": "The QR code reader could not load. Reload the page.",
  "door.camera.insecure": "The camera works only on the box's secure (https) address. Open this address on this phone:",
  "door.camera.insecure_off": "The camera works only on a secure (https) address, and HTTPS is turned off on this box. Ask the administrator to turn it on, or use a scanner or the search by name.",
  "door.camera.certificate": "The first time, install the box's certificate on the phone:",
  "door.camera.certificate_link": "download the certificate",
  "door.camera.guide": "The steps for Android and iPhone are in the door guide (docs/door.md), section 1, “The box's certificate”.",
  "door.camera.preview": "Camera picture",
};
