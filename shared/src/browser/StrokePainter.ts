/**
 * Paints whiteboard strokes on a 2D canvas whose backing store is in screen pixels of the
 * captured frame (DOM layer). The agent's overlay, the customer's overlay window and the
 * blank board all use it, so a stroke looks the same everywhere.
 */
import type { Stroke } from '../collab.ts';
import { arrowHead, type BoardModel } from '../whiteboard.ts';

export function paintStroke(g: CanvasRenderingContext2D, s: Stroke, opacity = 1): void {
  g.save();
  g.globalAlpha = opacity;
  g.strokeStyle = s.color;
  g.fillStyle = s.color;
  g.lineWidth = s.width;
  g.lineCap = 'round';
  g.lineJoin = 'round';
  const [a, b] = s.points;
  switch (s.tool) {
    case 'pen': {
      g.beginPath();
      g.moveTo(a![0], a![1]);
      if (s.points.length === 1) g.lineTo(a![0] + 0.01, a![1]);
      for (const p of s.points.slice(1)) g.lineTo(p[0], p[1]);
      g.stroke();
      break;
    }
    case 'arrow': {
      const [l, r] = arrowHead(a!, b!, s.width);
      g.beginPath();
      g.moveTo(a![0], a![1]);
      g.lineTo(b![0], b![1]);
      g.moveTo(l[0], l[1]);
      g.lineTo(b![0], b![1]);
      g.lineTo(r[0], r[1]);
      g.stroke();
      break;
    }
    case 'rect':
      g.strokeRect(Math.min(a![0], b![0]), Math.min(a![1], b![1]), Math.abs(b![0] - a![0]), Math.abs(b![1] - a![1]));
      break;
    case 'ellipse': {
      g.beginPath();
      g.ellipse((a![0] + b![0]) / 2, (a![1] + b![1]) / 2, Math.abs(b![0] - a![0]) / 2, Math.abs(b![1] - a![1]) / 2, 0, 0, Math.PI * 2);
      g.stroke();
      break;
    }
    case 'text': {
      g.font = `${Math.max(12, s.width * 6)}px sans-serif`;
      g.textBaseline = 'top';
      g.fillText(s.text ?? '', a![0], a![1]);
      break;
    }
  }
  g.restore();
}

/** Clears the canvas and paints the board; true while something is still fading (paint again). */
export function paintBoard(canvas: HTMLCanvasElement, board: BoardModel, now: number, background: string | null = null): boolean {
  const g = canvas.getContext('2d');
  if (!g) return false;
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (background) {
    g.fillStyle = background;
    g.fillRect(0, 0, canvas.width, canvas.height);
  }
  for (const { stroke, opacity } of board.visible(now)) paintStroke(g, stroke, opacity);
  return board.hasFading;
}
