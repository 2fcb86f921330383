/**
 * The agent's drawing layer over the live screen (board `screen`) or a blank board. Its
 * canvas backing store is the video's size, so strokes are in screen pixels whatever size
 * the view is shown at; pointer positions are mapped from CSS pixels to screen pixels.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { BoardId, Point, Stroke, StrokeTool } from '@beacon/shared/collab';
import type { CollabSession } from '@beacon/shared/browser/CollabSession';
import { paintBoard } from '@beacon/shared/browser/StrokePainter';
import { prepareStrokePoints } from '@beacon/shared/whiteboard';

export interface DrawStyle {
  tool: StrokeTool;
  color: string;
  width: number;
  isFading: boolean;
}

let strokeCounter = 0;

export function WhiteboardLayer(props: {
  collab: CollabSession;
  board: BoardId;
  width: number;
  height: number;
  isDrawing: boolean;
  style: DrawStyle;
  askText: () => string | null;
}) {
  const { collab, board, width, height, isDrawing, style } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  const snap = useSyncExternalStore(collab.subscribe, collab.getSnapshot);
  const draft = useRef<Point[] | null>(null);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    let frame = 0;
    const paint = () => {
      const isFading = paintBoard(canvas, collab.boards[board], performance.now(), board === 'blank' ? '#ffffff' : null);
      if (isFading) frame = requestAnimationFrame(paint);
    };
    paint();
    return () => cancelAnimationFrame(frame);
  }, [collab, board, snap.boardRevision, width, height]);

  const toScreen = (e: React.PointerEvent<HTMLCanvasElement>): Point => {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) * width) / r.width, ((e.clientY - r.top) * height) / r.height];
  };

  const finish = (points: Point[]) => {
    const id = `s${Date.now().toString(36)}${(strokeCounter++).toString(36)}`;
    const base = { id, tool: style.tool, color: style.color, width: style.width, isFading: style.isFading };
    let stroke: Stroke;
    if (style.tool === 'pen') stroke = { ...base, points: prepareStrokePoints(points) };
    else if (style.tool === 'text') {
      const text = props.askText();
      if (!text) return;
      stroke = { ...base, points: prepareStrokePoints([points[0]!]), text: text.slice(0, 200) };
    } else {
      const ends = prepareStrokePoints([points[0]!, points[points.length - 1]!]);
      stroke = { ...base, points: ends.length === 2 ? ends : [ends[0]!, ends[0]!] };
    }
    collab.addStroke(board, stroke);
  };

  return (
    <canvas
      ref={ref}
      width={width}
      height={height}
      className={`whiteboard-layer${isDrawing ? ' is-drawing' : ''}`}
      data-testid={board === 'screen' ? 'whiteboard-screen' : 'whiteboard-blank'}
      data-strokes={collab.boards[board].size}
      style={{ pointerEvents: isDrawing ? 'auto' : 'none', cursor: isDrawing ? 'crosshair' : 'default' }}
      onPointerDown={(e) => {
        if (!isDrawing) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        draft.current = [toScreen(e)];
      }}
      onPointerMove={(e) => {
        if (draft.current) draft.current.push(toScreen(e));
      }}
      onPointerUp={(e) => {
        const points = draft.current;
        draft.current = null;
        if (points) finish([...points, toScreen(e)]);
      }}
    />
  );
}
