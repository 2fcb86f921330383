/** Grouped bars: one group per category (a seat), one bar per series, value labels on top. */
import { bands } from '../../common/chartScale.ts';
import { ChartFrame, type ChartProps } from './ChartFrame.tsx';

/** With few seats, bars stay bar-shaped instead of filling the whole width. */
const MAX_BAR_PX = 34;

export function BarChart(props: ChartProps) {
  const max = Math.max(0, ...props.series.flatMap((s) => s.values));
  const n = props.categories.length;
  return (
    <ChartFrame props={props} maxValue={max} slotWidth={(w) => (n > 0 ? w / n : w)}>
      {(plot) =>
        bands(n, plot.plotWidth, 0.3).map((band, i) => {
          const groupWidth = Math.min(band.width, MAX_BAR_PX * props.series.length * 1.15);
          const inner = bands(props.series.length, groupWidth, 0.12);
          const left = band.x + (band.width - groupWidth) / 2;
          return (
            <g key={props.categoryKeys[i] ?? i} transform={`translate(${left},0)`}>
              {props.series.map((s, j) => {
                const v = s.values[i] ?? 0;
                const b = inner[j];
                if (!b) return null;
                const y = plot.y(v);
                return (
                  <g key={s.key}>
                    <rect
                      x={b.x}
                      y={y}
                      width={Math.max(1, b.width)}
                      height={Math.max(0, plot.plotHeight - y)}
                      fill={s.color}
                      rx={2}
                      data-series={s.key}
                      data-category={props.categoryKeys[i]}
                      data-value={v}
                    >
                      <title>{`${props.categories[i] ?? ''} · ${s.label}: ${props.formatValue(v)}`}</title>
                    </rect>
                    {b.width >= 16 && v > 0 && (
                      <text x={b.x + b.width / 2} y={y - 4} textAnchor="middle" className="chart-value">
                        {props.formatValue(v)}
                      </text>
                    )}
                  </g>
                );
              })}
            </g>
          );
        })
      }
    </ChartFrame>
  );
}
