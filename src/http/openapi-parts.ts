/** The pieces every part of the device API's OpenAPI document shares (openapi.ts and openapi-*.ts). */

export const error = { $ref: "#/components/schemas/Error" };

/** A 4xx/5xx answer: the stable {code, message} body. */
export const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: error } } });

/** A required JSON request body. */
export const json = (schema: unknown) => ({ required: true, content: { "application/json": { schema } } });

export const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header",
  required: true,
  description: "1 to 128 characters of [A-Za-z0-9._:-], unique per command and terminal; a repeat gets the first answer byte for byte",
  schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,128}$" },
};
