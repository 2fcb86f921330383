/**
 * What the hand-written SVG charts share: the measured width (text stays 11 px at any size
 * instead of scaling with a viewBox), the y axis with round ticks and grid lines, the x
 * labels thinned out so they never overlap, and an HTML legend under the plot.
 */
import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { fitLabel, labelStride, labelUnits, niceTicks, yOf, type Ticks } from '../../common/chartScale.ts';

export interface Series {
  key: string;
  label: string;
  color: string;
  values: readonly number[];
}

export interface ChartProps {
  testId: string;
  title: string;
  /** The y axis' unit, written above it ("sessions", "minutes"). */
  unit: string;
  /** Shown under each x position. */
  categories: readonly string[];
  /** Stable keys of the x positions (seat login, day), put on the marks as `data-category`. */
  categoryKeys: readonly string[];
  series: readonly Series[];
  isInteger?: boolean;
  formatValue: (n: number) => string;
  emptyText: string;
}

/** Pixels per display unit of 11 px text (a Latin letter about 6.5, a CJK character about 11), rounded up. */
const PX_PER_UNIT = 6.8;
/** Longer category labels are cut rather than thinning the axis out to a few labels. */
const MAX_LABEL_UNITS = 16;
const HEIGHT = 260;
const MARGIN = { top: 26, right: 14, bottom: 34 };

export interface Plot {
  width: number;
  height: number;
  left: number;
  plotWidth: number;
  plotHeight: number;
  ticks: Ticks;
  y: (v: number) => number;
}

function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setWidth(Math.max(280, Math.floor(el.clientWidth)));
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export function ChartFrame({
  props,
  maxValue,
  slotWidth,
  children,
}: {
  props: ChartProps;
  maxValue: number;
  /** The x pixels each category gets, given the plot width. */
  slotWidth: (plotWidth: number) => number;
  /** The marks, drawn inside the plot's coordinate system. */
  children: (plot: Plot) => ReactNode;
}) {
  const [ref, width] = useWidth();
  const ticks = niceTicks(maxValue, 5, props.isInteger ?? false);
  const tickLabels = ticks.ticks.map((v) => props.formatValue(v));
  const left = Math.max(28, Math.ceil(Math.max(...tickLabels.map(labelUnits)) * PX_PER_UNIT) + 12);
  const plotWidth = Math.max(40, width - left - MARGIN.right);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const plot: Plot = { width, height: HEIGHT, left, plotWidth, plotHeight, ticks, y: (v) => yOf(v, ticks.top, plotHeight) };
  const slot = slotWidth(plotWidth);
  // Space labels by their real width first, then cut any that still do not fit their share.
  const longest = Math.max(1, ...props.categories.map((c) => Math.min(labelUnits(c), MAX_LABEL_UNITS)));
  const stride = labelStride(props.categories.length, plotWidth, longest * PX_PER_UNIT + 12);
  const maxUnits = Math.max(3, Math.floor((slot * stride - 8) / PX_PER_UNIT));
  const isEmpty = props.categories.length === 0;

  return (
    <figure className="chart" data-testid={props.testId} data-categories={props.categories.length}>
      <figcaption className="chart-title">{props.title}</figcaption>
      <div ref={ref} className="chart-body">
        <svg width={width} height={HEIGHT} role="img" aria-label={props.title} className="chart-svg">
          <text x={4} y={12} className="chart-unit">
            {props.unit}
          </text>
          <g transform={`translate(${left},${MARGIN.top})`}>
            {ticks.ticks.map((v, i) => (
              <g key={v} transform={`translate(0,${plot.y(v)})`}>
                <line x1={0} x2={plotWidth} className={v === 0 ? 'chart-axis' : 'chart-gridline'} />
                <text x={-6} dy="0.32em" textAnchor="end" className="chart-tick">
                  {tickLabels[i]}
                </text>
              </g>
            ))}
            {!isEmpty && children(plot)}
            {props.categories.map((c, i) =>
              i % stride === 0 ? (
                <text key={props.categoryKeys[i] ?? i} x={(i + 0.5) * slot} y={plotHeight + 16} textAnchor="middle" className="chart-tick">
                  <title>{c}</title>
                  {fitLabel(c, maxUnits)}
                </text>
              ) : null,
            )}
            {isEmpty && (
              <text x={plotWidth / 2} y={plotHeight / 2} textAnchor="middle" className="chart-empty">
                {props.emptyText}
              </text>
            )}
          </g>
        </svg>
      </div>
      <ul className="chart-legend" data-testid={`${props.testId}-legend`}>
        {props.series.map((s) => (
          <li key={s.key} data-series={s.key}>
            <span className="chart-swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
