/** The largest request body a handler is given; the API takes small JSON documents. Also the ceiling of ALERT_MAX_BODY_BYTES. */
export const MAX_BODY_BYTES = 1024 * 1024;
