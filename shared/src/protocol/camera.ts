import { z } from 'zod';
import { SessionId } from './core.ts';
import { guardOf } from './parts.ts';

/**
 * Video guidance (capability `camera`): in a running screen session, the agent asks to see the
 * customer's camera instead of the screen (a device, a cable, a printer), or the screen again.
 * The customer answers each ask in its own dialog; nothing changes without a yes. The picture
 * keeps its stream: the customer feeds the camera into the same encoder, so the agent's view,
 * the whiteboard (board `screen`, in the picture's pixels) and the recording go on as they are.
 *
 * - `camera-request` agent -> relay -> customer: show `source` from now on. Only the session's
 *   own agent; a new ask replaces an open one; asking for what is shown is a `conflict`.
 * - `camera-answer` customer -> relay -> agent: yes or no to the open ask.
 * - `camera-source` customer -> relay -> agent: what the picture shows now. `off`: the customer
 *   turned the camera off (at any time, no ask needed); the picture stops until the agent asks
 *   again. The relay takes `camera` or `screen` only after the customer said yes to it, and
 *   refuses the agent's `input` while the picture is not the screen.
 */
export const VideoSource = z.enum(['screen', 'camera']);
export type VideoSource = z.infer<typeof VideoSource>;
/**
 * Capability `camera-first`: a session that starts on the camera (`connect-request.source`,
 * `offer-accept.source`, then `consent-request.source` and `session-started.source`). The customer
 * is asked for the camera only; the screen is captured only after a later `camera-request` for
 * it is agreed to, and until then the relay refuses the agent's screen-bound messages.
 */
export const FirstSource = z.literal('camera');
export type FirstSource = z.infer<typeof FirstSource>;
export const ShownSource = z.enum(['screen', 'camera', 'off']);
export type ShownSource = z.infer<typeof ShownSource>;

const CameraRequest = z.object({ type: z.literal('camera-request'), sessionId: SessionId, source: VideoSource });
const CameraAnswer = z.object({ type: z.literal('camera-answer'), sessionId: SessionId, source: VideoSource, granted: z.boolean() });
const CameraSource = z.object({ type: z.literal('camera-source'), sessionId: SessionId, source: ShownSource });

export const CameraCtlToRelay = z.discriminatedUnion('type', [CameraRequest, CameraAnswer, CameraSource]);
export const CameraCtlFromRelay = CameraCtlToRelay;
export type CameraCtl = z.infer<typeof CameraCtlToRelay>;
export type CameraCtlType = CameraCtl['type'];
export const isCameraCtl = guardOf<CameraCtlType>(CameraCtlToRelay);
