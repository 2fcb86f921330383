/**
 * The blank whiteboard both sides draw on (board `blank`), with the agent's tools. The
 * canvas backing store is in the same coordinate space as the agent's (pixels of the
 * captured frame), so a stroke lands in the same place on both sides at any panel size.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { StrokeTool, type Point, type Stroke } from '@beacon/shared/collab';
import type { CollabSession } from '@beacon/shared/browser/CollabSession';
import { paintBoard } from '@beacon/shared/browser/StrokePainter';
import { prepareStrokePoints } from '@beacon/shared/whiteboard';
import type { FrameSize } from './OverlayLink.ts';

const COLORS = ['#e53935', '#fdd835', '#43a047', '#1e88e5', '#000000'];
let strokeCounter = 0;

export function BlankBoard({ collab, frame }: { collab: CollabSession; frame: FrameSize }) {
  const { t } = useTranslation();
  const snap = useSyncExternalStore(collab.subscribe, collab.getSnapshot);
  const ref = useRef<HTMLCanvasElement>(null);
  const draft = useRef<Point[] | null>(null);
  const [tool, setTool] = useState<StrokeTool>('pen');
  const [color, setColor] = useState(COLORS[0]!);
  const [width, setWidth] = useState(4);
  const [isFading, setFading] = useState(false);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    let raf = 0;
    const paint = () => {
      if (paintBoard(canvas, collab.boards.blank, performance.now(), '#ffffff')) raf = requestAnimationFrame(paint);
    };
    paint();
    return () => cancelAnimationFrame(raf);
  }, [collab, snap.boardRevision, frame.width, frame.height]);

  const toFrame = (e: React.PointerEvent<HTMLCanvasElement>): Point => {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) * frame.width) / r.width, ((e.clientY - r.top) * frame.height) / r.height];
  };

  const finish = (points: Point[]) => {
    const base = { id: `c${Date.now().toString(36)}${(strokeCounter++).toString(36)}`, tool, color, width, isFading };
    let stroke: Stroke;
    if (tool === 'pen') stroke = { ...base, points: prepareStrokePoints(points) };
    else if (tool === 'text') {
      const text = window.prompt(t('board.askText'))?.trim();
      if (!text) return;
      stroke = { ...base, points: prepareStrokePoints([points[0]!]), text: text.slice(0, 200) };
    } else {
      const ends = prepareStrokePoints([points[0]!, points[points.length - 1]!]);
      stroke = { ...base, points: ends.length === 2 ? ends : [ends[0]!, ends[0]!] };
    }
    collab.addStroke('blank', stroke);
  };

  return (
    <section className="blank-board" data-testid="blank-board" aria-label={t('board.title')}>
      <div className="board-tools" role="toolbar">
        <select data-testid="draw-tool" aria-label={t('board.tool')} value={tool} onChange={(e) => setTool(StrokeTool.parse(e.target.value))}>
          {StrokeTool.options.map((x) => (
            <option key={x} value={x}>
              {t(`board.${x}`)}
            </option>
          ))}
        </select>
        <span className="swatches" aria-label={t('board.color')}>
          {COLORS.map((c) => (
            <button key={c} type="button" className={`swatch${color === c ? ' is-on' : ''}`} style={{ background: c }} data-testid={`draw-color-${c.slice(1)}`} aria-label={c} onClick={() => setColor(c)} />
          ))}
        </span>
        <label>
          {t('board.width')}
          <input type="range" min={1} max={40} value={width} data-testid="draw-width" onChange={(e) => setWidth(Number(e.target.value))} />
        </label>
        <label>
          <input type="checkbox" checked={isFading} data-testid="draw-fade" onChange={(e) => setFading(e.target.checked)} />
          {t('board.fade')}
        </label>
        <button type="button" data-testid="draw-undo" onClick={() => collab.undo('blank')}>
          {t('board.undo')}
        </button>
        <button type="button" data-testid="draw-clear" onClick={() => collab.clear('blank')}>
          {t('board.clear')}
        </button>
      </div>
      <canvas
        ref={ref}
        width={frame.width}
        height={frame.height}
        className="board-canvas"
        data-testid="whiteboard-blank"
        data-strokes={collab.boards.blank.size}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          draft.current = [toFrame(e)];
        }}
        onPointerMove={(e) => {
          if (draft.current) draft.current.push(toFrame(e));
        }}
        onPointerUp={(e) => {
          const points = draft.current;
          draft.current = null;
          if (points) finish([...points, toFrame(e)]);
        }}
      />
    </section>
  );
}
