/** Epoch milliseconds with sub-ms precision, comparable with the customer's `captureTs`. */
export const now = (): number => performance.timeOrigin + performance.now();
